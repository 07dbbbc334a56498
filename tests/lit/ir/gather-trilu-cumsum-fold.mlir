// Constant folding of gather_elements, trilu, cum_sum, hardmax, pad with a
// constant constant_value operand and split with constant sizes operand. Expected values follow numpy semantics
// (triu/tril, cumsum, argmax), worked out by hand.
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s

// CHECK-LABEL: func @gather_elements
// CHECK: kiln.constant dense<{{\[\[}}1.000000e+00, 1.000000e+00], [4.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: kiln.gather_elements
func.func @gather_elements() -> tensor<2x2xf32> {
  %x = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %i = kiln.constant dense<[[0, 0], [-1, 0]]> : tensor<2x2xi64>
  %0 = kiln.gather_elements %x, %i {axis = 1} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// CHECK-LABEL: func @trilu
// CHECK-DAG: kiln.constant dense<{{\[\[}}0, 2, 3, 4], [0, 0, 7, 8], [0, 0, 0, 12]]> : tensor<3x4xi32>
// CHECK-DAG: kiln.constant dense<{{\[\[}}1, 0, 0, 0], [5, 6, 0, 0], [9, 10, 11, 0]]> : tensor<3x4xi32>
// CHECK-NOT: kiln.trilu
func.func @trilu() -> (tensor<3x4xi32>, tensor<3x4xi32>) {
  %x = kiln.constant dense<[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]> : tensor<3x4xi32>
  %k = kiln.constant dense<1> : tensor<i64>
  %0 = kiln.trilu %x, %k : (tensor<3x4xi32>, tensor<i64>) -> tensor<3x4xi32>
  %1 = kiln.trilu %x {upper = false} : (tensor<3x4xi32>) -> tensor<3x4xi32>
  return %0, %1 : tensor<3x4xi32>, tensor<3x4xi32>
}

// CHECK-LABEL: func @cum_sum
// CHECK-DAG: kiln.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 6.000000e+00], [4.000000e+00, 9.000000e+00, 1.500000e+01]]> : tensor<2x3xf32>
// CHECK-DAG: kiln.constant dense<{{\[\[}}4, 5, 6], [0, 0, 0]]> : tensor<2x3xi64>
// CHECK-NOT: kiln.cum_sum
func.func @cum_sum() -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %a = kiln.constant dense<1> : tensor<i32>
  %0 = kiln.cum_sum %x, %a : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
  %y = kiln.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %b = kiln.constant dense<[0]> : tensor<1xi64>
  %1 = kiln.cum_sum %y, %b {exclusive = true, reverse = true} : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<2x3xi64>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi64>
}

// CHECK-LABEL: func @hardmax
// CHECK: kiln.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.hardmax
func.func @hardmax() -> tensor<2x3xf32> {
  %x = kiln.constant dense<[[1.0, 3.0, 3.0], [0.0, -1.0, 0x7FC00000]]> : tensor<2x3xf32>
  %0 = kiln.hardmax %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// A constant fill operand becomes the attribute.
// CHECK-LABEL: func @pad_value
// CHECK: kiln.pad %{{.*}}, %{{.*}} {value = 2.500000e+00 : f64} : (tensor<2xf32>, tensor<2xi64>) -> tensor<4xf32>
func.func @pad_value(%x: tensor<2xf32>) -> tensor<4xf32> {
  %p = kiln.constant dense<[1, 1]> : tensor<2xi64>
  %v = kiln.constant dense<2.5> : tensor<f32>
  %0 = kiln.pad %x, %p, %v : (tensor<2xf32>, tensor<2xi64>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// A run-time k: no folding.
// CHECK-LABEL: func @no_fold
// CHECK: kiln.trilu %{{.*}}, %{{.*}} :
func.func @no_fold(%x: tensor<2x2xf32>, %k: tensor<i64>) -> tensor<2x2xf32> {
  %0 = kiln.trilu %x, %k : (tensor<2x2xf32>, tensor<i64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// A constant sizes operand becomes the attribute.
// CHECK-LABEL: func @split_sizes
// CHECK: kiln.split %{{.*}} {num_outputs = 2 : i64, split = array<i64: 1, 3>} : (tensor<4xf32>) -> (tensor<1xf32>, tensor<3xf32>)
func.func @split_sizes(%x: tensor<4xf32>) -> (tensor<1xf32>, tensor<3xf32>) {
  %s = kiln.constant dense<[1, 3]> : tensor<2xi64>
  %0:2 = kiln.split %x, %s {num_outputs = 2} : (tensor<4xf32>, tensor<2xi64>) -> (tensor<1xf32>, tensor<3xf32>)
  return %0#0, %0#1 : tensor<1xf32>, tensor<3xf32>
}
