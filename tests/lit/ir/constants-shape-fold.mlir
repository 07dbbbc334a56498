// Constant folding of shape, size, range and constant_of_shape.
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s

// CHECK-LABEL: func @shape_static
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[2, 3, 4]> : tensor<3xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @shape_static(%x: tensor<2x3x4xf32>) -> (tensor<3xi64>) {
  %0 = kiln.shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// only the requested dims must be static
// CHECK-LABEL: func @shape_static_suffix_of_dynamic
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @shape_static_suffix_of_dynamic(%x: tensor<?x3x4xf32>) -> (tensor<2xi64>) {
  %0 = kiln.shape %x {start = 1} : (tensor<?x3x4xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// CHECK-LABEL: func @shape_start_end
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @shape_start_end(%x: tensor<2x3x4x5xf32>) -> (tensor<2xi64>) {
  %0 = kiln.shape %x {start = -3, end = -1} : (tensor<2x3x4x5xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// CHECK-LABEL: func @size_static
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<24> : tensor<i64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @size_static(%x: tensor<2x3x4xf32>) -> (tensor<i64>) {
  %0 = kiln.size %x : (tensor<2x3x4xf32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// CHECK-LABEL: func @range_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[1, 4, 7, 10]> : tensor<4xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @range_int() -> (tensor<4xi64>) {
  %s = kiln.constant dense<1> : tensor<i64>
  %l = kiln.constant dense<11> : tensor<i64>
  %d = kiln.constant dense<3> : tensor<i64>
  %0 = kiln.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// CHECK-LABEL: func @range_negative_delta
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[5, 3, 1]> : tensor<3xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @range_negative_delta() -> (tensor<3xi32>) {
  %s = kiln.constant dense<5> : tensor<i32>
  %l = kiln.constant dense<-1> : tensor<i32>
  %d = kiln.constant dense<-2> : tensor<i32>
  %0 = kiln.range %s, %l, %d : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func @range_float
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[5.000000e-01, 1.000000e+00, 1.500000e+00]> : tensor<3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @range_float() -> (tensor<3xf32>) {
  %s = kiln.constant dense<0.5> : tensor<f32>
  %l = kiln.constant dense<2.0> : tensor<f32>
  %d = kiln.constant dense<0.5> : tensor<f32>
  %0 = kiln.range %s, %l, %d : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func @constant_of_shape_default
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<0.000000e+00> : tensor<2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @constant_of_shape_default() -> (tensor<2x2xf32>) {
  %s = kiln.constant dense<[2, 2]> : tensor<2xi64>
  %0 = kiln.constant_of_shape %s : (tensor<2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// CHECK-LABEL: func @constant_of_shape_value
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<7> : tensor<3xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @constant_of_shape_value() -> (tensor<3xi32>) {
  %s = kiln.constant dense<[3]> : tensor<1xi64>
  %0 = kiln.constant_of_shape %s {value = dense<7> : tensor<1xi32>} : (tensor<1xi64>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// shape -> constant_of_shape chains fold
// CHECK-LABEL: func @constant_of_shape_shape_of
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<1.500000e+00> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @constant_of_shape_shape_of(%x: tensor<?x2x3xf32>) -> (tensor<2x3xf32>) {
  %s = kiln.shape %x {start = 1} : (tensor<?x2x3xf32>) -> tensor<2xi64>
  %0 = kiln.constant_of_shape %s {value = dense<1.5> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
