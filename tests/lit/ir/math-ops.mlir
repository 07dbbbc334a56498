// Round-trip and type inference of the math op family (KilnMathOps.td).
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip_float_unary
func.func @roundtrip_float_unary(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // CHECK: kiln.acos %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %0 = kiln.acos %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.asin %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = kiln.asin %0 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.atan %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %2 = kiln.atan %1 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.acosh %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = kiln.acosh %2 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.asinh %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %4 = kiln.asinh %3 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.atanh %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %5 = kiln.atanh %4 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.tan %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %6 = kiln.tan %5 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.sinh %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %7 = kiln.sinh %6 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.cosh %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %8 = kiln.cosh %7 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.softsign %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %9 = kiln.softsign %8 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.celu %{{.*}} {alpha = 2.000000e+00 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %10 = kiln.celu %9 {alpha = 2.0 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %10 : tensor<?x4xf32>
}

// CHECK-LABEL: func @roundtrip_f16
func.func @roundtrip_f16(%x: tensor<3xf16>, %y: tensor<2xf64>) -> (tensor<3xf16>, tensor<2xf64>) {
  // CHECK: kiln.tan %{{.*}} : (tensor<3xf16>) -> tensor<3xf16>
  %0 = kiln.tan %x : (tensor<3xf16>) -> tensor<3xf16>
  // CHECK: kiln.cosh %{{.*}} : (tensor<2xf64>) -> tensor<2xf64>
  %1 = kiln.cosh %y : (tensor<2xf64>) -> tensor<2xf64>
  return %0, %1 : tensor<3xf16>, tensor<2xf64>
}

// CHECK-LABEL: func @classify
func.func @classify(%x: tensor<2x?xf32>) -> (tensor<*xi1>, tensor<*xi1>) {
  // CHECK: kiln.is_inf %{{.*}} {detect_negative = false} : (tensor<2x?xf32>) -> tensor<*xi1>
  // INFER: kiln.is_inf %{{.*}} {detect_negative = false} : (tensor<2x?xf32>) -> tensor<2x?xi1>
  %0 = kiln.is_inf %x {detect_negative = false} : (tensor<2x?xf32>) -> tensor<*xi1>
  // CHECK: kiln.is_nan %{{.*}} : (tensor<2x?xf32>) -> tensor<*xi1>
  // INFER: kiln.is_nan %{{.*}} : (tensor<2x?xf32>) -> tensor<2x?xi1>
  %1 = kiln.is_nan %x : (tensor<2x?xf32>) -> tensor<*xi1>
  return %0, %1 : tensor<*xi1>, tensor<*xi1>
}

// CHECK-LABEL: func @bitwise
func.func @bitwise(%a: tensor<2x1x3xui8>, %b: tensor<4x3xui8>, %c: tensor<3xi32>)
    -> (tensor<*xui8>, tensor<*xui8>, tensor<*xui8>, tensor<*xui8>, tensor<*xi32>) {
  // CHECK: kiln.bitwise_and %{{.*}}, %{{.*}} : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<*xui8>
  // INFER: kiln.bitwise_and %{{.*}}, %{{.*}} : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<2x4x3xui8>
  %0 = kiln.bitwise_and %a, %b : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<*xui8>
  // INFER: kiln.bitwise_or %{{.*}}, %{{.*}} : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<2x4x3xui8>
  %1 = kiln.bitwise_or %a, %b : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<*xui8>
  // INFER: kiln.bitwise_xor %{{.*}}, %{{.*}} : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<2x4x3xui8>
  %2 = kiln.bitwise_xor %a, %b : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<*xui8>
  // CHECK: kiln.bit_shift %{{.*}}, %{{.*}} {direction = "LEFT"} : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<*xui8>
  // INFER: kiln.bit_shift %{{.*}}, %{{.*}} {direction = "LEFT"} : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<2x4x3xui8>
  %3 = kiln.bit_shift %a, %b {direction = "LEFT"} : (tensor<2x1x3xui8>, tensor<4x3xui8>) -> tensor<*xui8>
  // CHECK: kiln.bitwise_not %{{.*}} : (tensor<3xi32>) -> tensor<*xi32>
  // INFER: kiln.bitwise_not %{{.*}} : (tensor<3xi32>) -> tensor<3xi32>
  %4 = kiln.bitwise_not %c : (tensor<3xi32>) -> tensor<*xi32>
  return %0, %1, %2, %3, %4 : tensor<*xui8>, tensor<*xui8>, tensor<*xui8>, tensor<*xui8>, tensor<*xi32>
}

// CHECK-LABEL: func @scan_cast_eye
func.func @scan_cast_eye(%x: tensor<2x?xf32>, %axis: tensor<i64>, %m: tensor<3x4xi32>)
    -> (tensor<*xf32>, tensor<*xi32>, tensor<*xf64>, tensor<*xi1>) {
  // CHECK: kiln.cum_prod %{{.*}}, %{{.*}} {exclusive = true, reverse = true} : (tensor<2x?xf32>, tensor<i64>) -> tensor<*xf32>
  // INFER: kiln.cum_prod %{{.*}}, %{{.*}} {exclusive = true, reverse = true} : (tensor<2x?xf32>, tensor<i64>) -> tensor<2x?xf32>
  %0 = kiln.cum_prod %x, %axis {exclusive = true, reverse = true} : (tensor<2x?xf32>, tensor<i64>) -> tensor<*xf32>
  // CHECK: kiln.bit_cast %{{.*}} {to = i32} : (tensor<2x?xf32>) -> tensor<*xi32>
  // INFER: kiln.bit_cast %{{.*}} {to = i32} : (tensor<2x?xf32>) -> tensor<2x?xi32>
  %1 = kiln.bit_cast %x {to = i32} : (tensor<2x?xf32>) -> tensor<*xi32>
  // CHECK: kiln.eye_like %{{.*}} {dtype = f64, k = 1 : i64} : (tensor<3x4xi32>) -> tensor<*xf64>
  // INFER: kiln.eye_like %{{.*}} {dtype = f64, k = 1 : i64} : (tensor<3x4xi32>) -> tensor<3x4xf64>
  %2 = kiln.eye_like %m {k = 1 : i64, dtype = f64} : (tensor<3x4xi32>) -> tensor<*xf64>
  // INFER: kiln.eye_like %{{.*}} {dtype = i1} : (tensor<2x?xf32>) -> tensor<2x?xi1>
  %3 = kiln.eye_like %x {dtype = i1} : (tensor<2x?xf32>) -> tensor<*xi1>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xi32>, tensor<*xf64>, tensor<*xi1>
}

// CHECK-LABEL: func @pool_indices
func.func @pool_indices(%x: tensor<1x3x5x5xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  // CHECK: kiln.max_pool_with_indices %{{.*}} {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x3x5x5xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  // INFER: kiln.max_pool_with_indices %{{.*}} : (tensor<1x3x5x5xf32>) -> (tensor<1x3x3x3xf32>, tensor<1x3x3x3xi64>)
  %0, %1 = kiln.max_pool_with_indices %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, storage_order = 1 : i64} : (tensor<1x3x5x5xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// CHECK-LABEL: func @resize_ext
func.func @resize_ext(%x: tensor<1x1x4x4xf32>, %sizes: tensor<2xi64>, %roi: tensor<4xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: kiln.resize_ext %{{.*}}, %{{.*}}, %{{.*}} {axes = array<i64: 3, 2>, coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 1.000000e+01 : f32, mode = "linear"} : (tensor<1x1x4x4xf32>, tensor<2xi64>, tensor<4xf32>) -> tensor<*xf32>
  // INFER: kiln.resize_ext {{.*}} -> tensor<1x1x?x?xf32>
  %0 = kiln.resize_ext %x, %sizes, %roi {axes = array<i64: 3, 2>, coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 10.0 : f32, mode = "linear"} : (tensor<1x1x4x4xf32>, tensor<2xi64>, tensor<4xf32>) -> tensor<*xf32>
  %c = kiln.constant dense<[3, 2]> : tensor<2xi64>
  // INFER: kiln.resize_ext {{.*}} {antialias = true, axes = array<i64: 2, 3>, mode = "cubic"} : (tensor<1x1x4x4xf32>, tensor<2xi64>) -> tensor<1x1x3x2xf32>
  %1 = kiln.resize_ext %x, %c {antialias = true, axes = array<i64: 2, 3>, mode = "cubic"} : (tensor<1x1x4x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // The policy rescales the sizes: only known at run time.
  // INFER: kiln.resize_ext {{.*}} {axes = array<i64: 2, 3>, keep_aspect_ratio_policy = "not_larger"} : (tensor<1x1x4x4xf32>, tensor<2xi64>) -> tensor<1x1x?x?xf32>
  %2 = kiln.resize_ext %x, %c {axes = array<i64: 2, 3>, keep_aspect_ratio_policy = "not_larger"} : (tensor<1x1x4x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
