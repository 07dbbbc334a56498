// RUN: %kiln-opt %s --kiln-freeze="keep-overridable=w" | %FileCheck %s
// RUN: %not %kiln-opt %s --kiln-freeze="keep-overridable=nope" 2>&1 | %FileCheck %s --check-prefix=BAD

// An initializer input kept overridable becomes a graph input again (named
// as in the model); the other one is frozen into a constant.
// CHECK: module attributes {kiln.frozen}
// CHECK-LABEL: func @init_input
// CHECK-SAME: (%arg0: tensor<4xf32>, %arg1: tensor<4xf32> {kiln.name = "w"})
// CHECK: %[[B:.*]] = kiln.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-NOT: kiln.input
// CHECK: %[[M:.*]] = kiln.mul %arg0, %arg1
// CHECK: kiln.add %[[M]], %[[B]]
// BAD: error: --keep-overridable names 'nope', which is not an input with an initializer
func.func @init_input(%x: tensor<4xf32>) -> tensor<4xf32> {
  %w = kiln.constant {kiln.input = "w"} dense<2.0> : tensor<4xf32>
  %b = kiln.constant {kiln.input = "b"} dense<1.0> : tensor<4xf32>
  %0 = kiln.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.add %0, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
