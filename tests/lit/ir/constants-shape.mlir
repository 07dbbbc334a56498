// Round-trip and type inference of kiln.constant, kiln.shape, kiln.size,
// kiln.range and kiln.constant_of_shape.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip_constants
func.func @roundtrip_constants(%x: tensor<?x3x?xf32>, %u: tensor<*xf16>, %n: tensor<2xi64>)
    -> (tensor<2x3xf32>, tensor<4xi8>, tensor<3xi64>, tensor<1xi64>, tensor<i64>, tensor<5xi32>, tensor<?xf32>, tensor<2x3xi32>, tensor<?x?xf32>, tensor<?xi64>) {
  // CHECK: kiln.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
  %c = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  // CHECK: kiln.constant dense<-7> : tensor<4xi8>
  %s = kiln.constant dense<-7> : tensor<4xi8>
  // CHECK: kiln.shape %{{.*}} : (tensor<?x3x?xf32>) -> tensor<3xi64>
  %0 = kiln.shape %x : (tensor<?x3x?xf32>) -> tensor<3xi64>
  // CHECK: kiln.shape %{{.*}} {end = -1 : i64, start = 1 : i64} : (tensor<?x3x?xf32>) -> tensor<1xi64>
  %1 = kiln.shape %x {start = 1, end = -1} : (tensor<?x3x?xf32>) -> tensor<1xi64>
  // CHECK: kiln.shape %{{.*}} : (tensor<*xf16>) -> tensor<?xi64>
  %u0 = kiln.shape %u : (tensor<*xf16>) -> tensor<?xi64>
  // CHECK: kiln.size %{{.*}} : (tensor<?x3x?xf32>) -> tensor<i64>
  %2 = kiln.size %x : (tensor<?x3x?xf32>) -> tensor<i64>
  %st = kiln.constant dense<1> : tensor<i32>
  %li = kiln.constant dense<11> : tensor<i32>
  %dl = kiln.constant dense<2> : tensor<i32>
  // CHECK: kiln.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<5xi32>
  %3 = kiln.range %st, %li, %dl : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<5xi32>
  %a = kiln.constant dense<0.5> : tensor<f32>
  // CHECK: kiln.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  %4 = kiln.range %a, %a, %a : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  %sh = kiln.constant dense<[2, 3]> : tensor<2xi64>
  // CHECK: kiln.constant_of_shape %{{.*}} {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x3xi32>
  %5 = kiln.constant_of_shape %sh {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x3xi32>
  // CHECK: kiln.constant_of_shape %{{.*}} : (tensor<2xi64>) -> tensor<?x?xf32>
  %6 = kiln.constant_of_shape %n : (tensor<2xi64>) -> tensor<?x?xf32>
  return %c, %s, %0, %1, %2, %3, %4, %5, %6, %u0 : tensor<2x3xf32>, tensor<4xi8>, tensor<3xi64>, tensor<1xi64>, tensor<i64>, tensor<5xi32>, tensor<?xf32>, tensor<2x3xi32>, tensor<?x?xf32>, tensor<?xi64>
}

// INFER-LABEL: func @infer_shape
// INFER-SAME: -> (tensor<4xi64>, tensor<2xi64>, tensor<1xi64>, tensor<0xi64>, tensor<?xi64>, tensor<i64>, tensor<i64>)
func.func @infer_shape(%x: tensor<2x?x4x5xf32>, %u: tensor<*xf32>)
    -> (tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) {
  // INFER: kiln.shape %{{.*}} : (tensor<2x?x4x5xf32>) -> tensor<4xi64>
  %0 = kiln.shape %x : (tensor<2x?x4x5xf32>) -> tensor<*xi64>
  // INFER: kiln.shape %{{.*}} {start = -2 : i64} : (tensor<2x?x4x5xf32>) -> tensor<2xi64>
  %1 = kiln.shape %x {start = -2} : (tensor<2x?x4x5xf32>) -> tensor<*xi64>
  // start/end are clamped to [0, rank]
  // INFER: kiln.shape %{{.*}} {end = 1 : i64, start = -10 : i64} : (tensor<2x?x4x5xf32>) -> tensor<1xi64>
  %2 = kiln.shape %x {start = -10, end = 1} : (tensor<2x?x4x5xf32>) -> tensor<*xi64>
  // INFER: kiln.shape %{{.*}} {end = 1 : i64, start = 3 : i64} : (tensor<2x?x4x5xf32>) -> tensor<0xi64>
  %3 = kiln.shape %x {start = 3, end = 1} : (tensor<2x?x4x5xf32>) -> tensor<*xi64>
  // INFER: kiln.shape %{{.*}} : (tensor<*xf32>) -> tensor<?xi64>
  %4 = kiln.shape %u : (tensor<*xf32>) -> tensor<*xi64>
  // INFER: kiln.size %{{.*}} : (tensor<2x?x4x5xf32>) -> tensor<i64>
  %5 = kiln.size %x : (tensor<2x?x4x5xf32>) -> tensor<*xi64>
  // INFER: kiln.size %{{.*}} : (tensor<*xf32>) -> tensor<i64>
  %6 = kiln.size %u : (tensor<*xf32>) -> tensor<*xi64>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>
}

// INFER-LABEL: func @infer_range
// INFER-SAME: -> (tensor<5xi64>, tensor<4xf32>, tensor<0xi64>, tensor<3xi64>, tensor<?xi64>)
func.func @infer_range(%dyn: tensor<i64>) -> (tensor<*xi64>, tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) {
  %s = kiln.constant dense<0> : tensor<i64>
  %l = kiln.constant dense<10> : tensor<i64>
  %d = kiln.constant dense<2> : tensor<i64>
  // ceil((10 - 0) / 2) = 5
  // INFER: kiln.range {{.*}} -> tensor<5xi64>
  %0 = kiln.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  %fs = kiln.constant dense<1.0> : tensor<f32>
  %fl = kiln.constant dense<2.5> : tensor<f32>
  %fd = kiln.constant dense<0.4> : tensor<f32>
  // ceil(1.5 / 0.4) = ceil(3.75) = 4
  // INFER: kiln.range {{.*}} -> tensor<4xf32>
  %1 = kiln.range %fs, %fl, %fd : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<*xf32>
  // limit < start with a positive delta: empty
  // INFER: kiln.range {{.*}} -> tensor<0xi64>
  %2 = kiln.range %l, %s, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  %m = kiln.constant dense<-3> : tensor<i64>
  // 10, 7, 4 (down to 1, excluded): ceil((1 - 10) / -3) = 3
  %three = kiln.constant dense<1> : tensor<i64>
  // INFER: kiln.range {{.*}} -> tensor<3xi64>
  %3 = kiln.range %l, %three, %m : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  // INFER: kiln.range {{.*}} -> tensor<?xi64>
  %4 = kiln.range %s, %dyn, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  return %0, %1, %2, %3, %4 : tensor<*xi64>, tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>
}

// INFER-LABEL: func @infer_constant_of_shape
// INFER-SAME: -> (tensor<2x0x3xf32>, tensor<4xi64>, tensor<?x?x?xf32>, tensor<*xf16>)
func.func @infer_constant_of_shape(%n: tensor<3xi64>, %m: tensor<?xi64>)
    -> (tensor<*xf32>, tensor<*xi64>, tensor<*xf32>, tensor<*xf16>) {
  %s = kiln.constant dense<[2, 0, 3]> : tensor<3xi64>
  // INFER: kiln.constant_of_shape {{.*}} -> tensor<2x0x3xf32>
  %0 = kiln.constant_of_shape %s : (tensor<3xi64>) -> tensor<*xf32>
  %s1 = kiln.constant dense<4> : tensor<1xi64>
  // INFER: kiln.constant_of_shape {{.*}} -> tensor<4xi64>
  %1 = kiln.constant_of_shape %s1 {value = dense<5> : tensor<1xi64>} : (tensor<1xi64>) -> tensor<*xi64>
  // INFER: kiln.constant_of_shape {{.*}} -> tensor<?x?x?xf32>
  %2 = kiln.constant_of_shape %n : (tensor<3xi64>) -> tensor<*xf32>
  // INFER: kiln.constant_of_shape {{.*}} -> tensor<*xf16>
  %3 = kiln.constant_of_shape %m {value = dense<1.0> : tensor<1xf16>} : (tensor<?xi64>) -> tensor<*xf16>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xi64>, tensor<*xf32>, tensor<*xf16>
}
