// kiln.if / kiln.loop / kiln.yield: round trip, result types from the
// regions (shape inference joins if branches), constant-condition inlining,
// and passes walking into regions without breaking implicit captures.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s --check-prefix=CANON
// RUN: %kiln-opt %s --kiln-constant-fold --cse --kiln-simplify | %FileCheck %s --check-prefix=PASSES

// CHECK-LABEL: func @if_join
// INFER-LABEL: func @if_join
func.func @if_join(%c: tensor<i1>, %a: tensor<2xf32>, %b: tensor<3xf32>) -> tensor<?xf32> {
  // CHECK: kiln.if %{{.*}} : tensor<i1> -> tensor<?xf32> {
  // CHECK: kiln.yield %{{.*}} : tensor<2xf32>
  // CHECK: } else {
  // CHECK: kiln.yield %{{.*}} : tensor<3xf32>
  %0 = kiln.if %c : tensor<i1> -> tensor<?xf32> {
    %r = kiln.relu %a : (tensor<2xf32>) -> tensor<2xf32>
    kiln.yield %r : tensor<2xf32>
  } else {
    kiln.yield %b : tensor<3xf32>
  }
  return %0 : tensor<?xf32>
}

// Branches of different ranks (ONNX allows it): an unranked result.
// CHECK-LABEL: func @if_ranks
// CHECK: kiln.if %{{.*}} : tensor<i1> -> tensor<*xf32>
func.func @if_ranks(%c: tensor<i1>, %a: tensor<f32>, %b: tensor<1xf32>) -> tensor<*xf32> {
  %0 = kiln.if %c : tensor<i1> -> tensor<*xf32> {
    kiln.yield %a : tensor<f32>
  } else {
    kiln.yield %b : tensor<1xf32>
  }
  return %0 : tensor<*xf32>
}

// Branches of the same shape: inference makes the declared `?` static.
// INFER-LABEL: func @if_refined
// INFER: kiln.if %{{.*}} : tensor<1xi1> -> tensor<4xf32>
// INFER: return %{{.*}} : tensor<4xf32>
func.func @if_refined(%c: tensor<1xi1>, %a: tensor<4xf32>) -> tensor<?xf32> {
  %0 = kiln.if %c : tensor<1xi1> -> tensor<?xf32> {
    %r = kiln.neg %a : (tensor<4xf32>) -> tensor<4xf32>
    kiln.yield %r : tensor<4xf32>
  } else {
    kiln.yield %a : tensor<4xf32>
  }
  return %0 : tensor<?xf32>
}

// A constant condition inlines the chosen branch.
// CANON-LABEL: func @if_const
// CANON-NOT: kiln.if
// CANON: %[[N:.*]] = kiln.neg
// CANON: return %[[N]]
func.func @if_const(%a: tensor<4xf32>) -> tensor<4xf32> {
  %c = kiln.constant dense<true> : tensor<i1>
  %0 = kiln.if %c : tensor<i1> -> tensor<4xf32> {
    %r = kiln.neg %a : (tensor<4xf32>) -> tensor<4xf32>
    kiln.yield %r : tensor<4xf32>
  } else {
    kiln.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func @loop
// CHECK: kiln.loop max %{{.*}} : tensor<i64> cond %{{.*}} : tensor<i1> inits(%{{.*}} : tensor<2xf32>) -> tensor<2xf32>, tensor<?x2xf32> {
// CHECK: ^bb0(%{{.*}}: tensor<i64>, %{{.*}}: tensor<i1>, %{{.*}}: tensor<2xf32>):
// CHECK: kiln.yield %{{.*}}, %{{.*}}, %{{.*}} : tensor<i1>, tensor<2xf32>, tensor<2xf32>
// PASSES-LABEL: func @loop
// PASSES: kiln.loop
// PASSES: kiln.add %{{.*}}, %arg3
// PASSES: kiln.yield
func.func @loop(%n: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>, %d: tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>) {
  %0:2 = kiln.loop max %n : tensor<i64> cond %c : tensor<i1> inits(%x : tensor<2xf32>) -> tensor<2xf32>, tensor<?x2xf32> {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %s: tensor<2xf32>):
    // %d is captured from above.
    %t = kiln.add %s, %d : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    kiln.yield %ci, %t, %t : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }
  return %0#0, %0#1 : tensor<2xf32>, tensor<?x2xf32>
}

// Neither trip count nor condition operand, a carried value whose size changes.
// CHECK-LABEL: func @loop_dynamic
// CHECK: kiln.loop inits(%{{.*}} : tensor<1xf32>) -> tensor<?xf32> {
func.func @loop_dynamic(%x: tensor<1xf32>) -> tensor<?xf32> {
  %0 = kiln.loop inits(%x : tensor<1xf32>) -> tensor<?xf32> {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %s: tensor<?xf32>):
    %t = kiln.concat %s, %s {axis = 0 : i64} : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
    kiln.yield %ci, %t : tensor<i1>, tensor<?xf32>
  }
  return %0 : tensor<?xf32>
}

// Constants used only inside a region survive dead-code elimination, and the
// folder does not evaluate the region op itself.
// PASSES-LABEL: func @capture_const
// PASSES: kiln.constant
// PASSES: kiln.if
// PASSES: kiln.mul
func.func @capture_const(%c: tensor<i1>, %a: tensor<3xf32>) -> tensor<3xf32> {
  %k = kiln.constant dense<2.0> : tensor<3xf32>
  %0 = kiln.if %c : tensor<i1> -> tensor<3xf32> {
    %m = kiln.mul %a, %k : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    kiln.yield %m : tensor<3xf32>
  } else {
    kiln.yield %a : tensor<3xf32>
  }
  return %0 : tensor<3xf32>
}
