// kiln.custom: nodes of custom ONNX domains. Round trip (declared result
// types, never inferred), shape inference leaves it alone, and it never folds.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s --check-prefix=FOLD

// CHECK-LABEL: func @roundtrip
func.func @roundtrip(%x: tensor<2x3xf32>, %i: tensor<?xi64>) -> (tensor<2x3xf32>, tensor<*xf32>, tensor<4xi64>) {
  // CHECK: %[[A:.*]] = kiln.custom %{{.*}}, %{{.*}} {domain = "com.example", node_attrs = {alpha = 5.000000e-01 : f32, mode = "fast", n = 3 : i64, names = ["a", "b"], sizes = array<i64: 1, 2>, table = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>, weights = array<f32: 1.500000e+00>}, op_type = "MyOp"} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<2x3xf32>
  %0 = kiln.custom %x, %i {domain = "com.example", op_type = "MyOp",
         node_attrs = {alpha = 0.5 : f32, n = 3 : i64, mode = "fast", sizes = array<i64: 1, 2>,
                       weights = array<f32: 1.5>, names = ["a", "b"],
                       table = dense<[1.0, 2.0]> : tensor<2xf32>}}
       : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<2x3xf32>
  // CHECK: kiln.custom %{{.*}} {domain = "com.example", op_type = "Unknown"} : (tensor<2x3xf32>) -> tensor<*xf32>
  %1 = kiln.custom %0 {domain = "com.example", op_type = "Unknown"} : (tensor<2x3xf32>) -> tensor<*xf32>
  // No operands, several results.
  // CHECK: kiln.custom {domain = "org.other", op_type = "Source"} : () -> (tensor<4xi64>, tensor<f16>)
  %2:2 = kiln.custom {domain = "org.other", op_type = "Source"} : () -> (tensor<4xi64>, tensor<f16>)
  return %0, %1, %2#0 : tensor<2x3xf32>, tensor<*xf32>, tensor<4xi64>
}

// Constant operands do not make it fold.
// FOLD-LABEL: func @no_fold
// FOLD: kiln.custom
func.func @no_fold() -> tensor<2xf32> {
  %c = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = kiln.custom %c {domain = "com.example", op_type = "Identity"} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
