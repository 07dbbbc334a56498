// RUN: %kiln-opt %s --split-input-file --kiln-simplify | %FileCheck %s

// Two transposes that cancel disappear.
// CHECK-LABEL: func @transpose_identity
// CHECK-NOT: kiln.transpose
// CHECK: return %arg0
func.func @transpose_identity(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 0, 2, 1>} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// Two transposes that do not cancel compose into one: perm[i] = p1[p2[i]].
// CHECK-LABEL: func @transpose_compose
// CHECK: %[[T:.*]] = kiln.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
// CHECK-NOT: kiln.transpose
// CHECK: return %[[T]]
func.func @transpose_compose(%x: tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x2x4xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x3x2x4xf32>) -> tensor<1x3x4x2xf32>
  return %1 : tensor<1x3x4x2xf32>
}

// -----

// A transpose that is not an identity stays.
// CHECK-LABEL: func @transpose_kept
// CHECK: kiln.transpose %arg0 {perm = array<i64: 1, 0>}
func.func @transpose_kept(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// reshape(flatten(x)) becomes one reshape; a no-op reshape disappears.
// CHECK-LABEL: func @reshape_chain
// CHECK-NOT: kiln.flatten
// CHECK: %[[R:.*]] = kiln.reshape %arg0, %{{.*}} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %s = kiln.constant dense<[4, 6]> : tensor<2xi64>
  %n = kiln.constant dense<[4, 6]> : tensor<2xi64>
  %0 = kiln.flatten %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %1 = kiln.reshape %0, %s : (tensor<2x12xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  %2 = kiln.reshape %1, %n : (tensor<4x6xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %2 : tensor<4x6xf32>
}

// -----

// A reshape whose shape copies a dim (0) of its input keeps the chain.
// CHECK-LABEL: func @reshape_zero
// CHECK: kiln.flatten
// CHECK: kiln.reshape
func.func @reshape_zero(%x: tensor<2x3x4xf32>) -> tensor<6x2x2xf32> {
  %s = kiln.constant dense<[0, 2, 2]> : tensor<3xi64>
  %0 = kiln.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = kiln.reshape %0, %s : (tensor<6x4xf32>, tensor<3xi64>) -> tensor<6x2x2xf32>
  return %1 : tensor<6x2x2xf32>
}

// -----

// Shape -> Gather -> Concat -> Reshape with a dynamic batch: the static dims
// fold, the batch stays a run-time value.
// CHECK-LABEL: func @shape_subgraph
// CHECK: %[[S:.*]] = kiln.shape %arg0
// CHECK: %[[B:.*]] = kiln.gather %[[S]]
// CHECK: %[[C:.*]] = kiln.concat %[[B]], %{{.*}} {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
// CHECK: kiln.reshape %arg0, %[[C]]
func.func @shape_subgraph(%x: tensor<?x3x4xf32>) -> tensor<?x12xf32> {
  %s = kiln.shape %x : (tensor<?x3x4xf32>) -> tensor<3xi64>
  %i0 = kiln.constant dense<[0]> : tensor<1xi64>
  %i1 = kiln.constant dense<[1]> : tensor<1xi64>
  %i2 = kiln.constant dense<[2]> : tensor<1xi64>
  %b = kiln.gather %s, %i0 : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %c = kiln.gather %s, %i1 : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %h = kiln.gather %s, %i2 : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %ch = kiln.mul %c, %h : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %shape = kiln.concat %b, %ch {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = kiln.reshape %x, %shape : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x12xf32>
  return %r : tensor<?x12xf32>
}

// -----

// All static: the whole shape computation folds away.
// CHECK-LABEL: func @shape_static
// CHECK-NOT: kiln.shape
// CHECK-NOT: kiln.gather
// CHECK: kiln.reshape %arg0, %{{.*}} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
func.func @shape_static(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %s = kiln.shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %i0 = kiln.constant dense<[0]> : tensor<1xi64>
  %m = kiln.constant dense<[-1]> : tensor<1xi64>
  %b = kiln.gather %s, %i0 : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %shape = kiln.concat %b, %m {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = kiln.reshape %x, %shape : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
  return %r : tensor<2x12xf32>
}
