// Round-trip and type inference of the normalizations and the pools.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip_norm
func.func @roundtrip_norm(%x: tensor<?x6x?x?xf32>, %c: tensor<6xf32>, %u: tensor<*xf16>, %cu: tensor<*xf16>, %s: tensor<?x8xf32>, %g: tensor<8xf32>) {
  // CHECK: kiln.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : (tensor<?x6x?x?xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6x?x?xf32>
  %0 = kiln.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-3 : f32} : (tensor<?x6x?x?xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6x?x?xf32>
  // CHECK: kiln.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<*xf16>, tensor<*xf16>, tensor<*xf16>, tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  %1 = kiln.batch_norm %u, %cu, %cu, %cu, %cu : (tensor<*xf16>, tensor<*xf16>, tensor<*xf16>, tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  // CHECK: kiln.layer_norm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %2 = kiln.layer_norm %s, %g, %g : (tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  // No bias; normalize over dims [0, 2).
  // CHECK: kiln.layer_norm %{{.*}}, %{{.*}} {axis = 0 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %3 = kiln.layer_norm %s, %g {axis = 0, epsilon = 1.0e-6 : f32} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  // CHECK: kiln.group_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32, num_groups = 3 : i64} : (tensor<?x6x?x?xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6x?x?xf32>
  %4 = kiln.group_norm %x, %c, %c {num_groups = 3, epsilon = 1.0e-3 : f32} : (tensor<?x6x?x?xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6x?x?xf32>
  // CHECK: kiln.instance_norm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x6x?x?xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6x?x?xf32>
  %5 = kiln.instance_norm %x, %c, %c : (tensor<?x6x?x?xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6x?x?xf32>
  // CHECK: kiln.instance_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 0.000000e+00 : f32} : (tensor<*xf16>, tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  %6 = kiln.instance_norm %u, %cu, %cu {epsilon = 0.0 : f32} : (tensor<*xf16>, tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  return
}

// CHECK-LABEL: func @roundtrip_pool
func.func @roundtrip_pool(%x: tensor<?x6x?x?xf32>, %u: tensor<*xf16>, %x1: tensor<1x2x9xf32>) {
  // CHECK: kiln.max_pool %{{.*}} {ceil_mode = true, dilations = array<i64: 1, 2>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x6x?x?xf32>) -> tensor<?x6x?x?xf32>
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 2>, ceil_mode = true} : (tensor<?x6x?x?xf32>) -> tensor<?x6x?x?xf32>
  // CHECK: kiln.average_pool %{{.*}} {count_include_pad = true, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>} : (tensor<?x6x?x?xf32>) -> tensor<?x6x?x?xf32>
  %1 = kiln.average_pool %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, count_include_pad = true} : (tensor<?x6x?x?xf32>) -> tensor<?x6x?x?xf32>
  // CHECK: kiln.average_pool %{{.*}} {auto_pad = "SAME_LOWER", kernel_shape = array<i64: 3>} : (tensor<1x2x9xf32>) -> tensor<1x2x9xf32>
  %2 = kiln.average_pool %x1 {kernel_shape = array<i64: 3>, auto_pad = "SAME_LOWER"} : (tensor<1x2x9xf32>) -> tensor<1x2x9xf32>
  // CHECK: kiln.max_pool %{{.*}} {auto_pad = "VALID", kernel_shape = array<i64: 2, 2>} : (tensor<*xf16>) -> tensor<*xf16>
  %3 = kiln.max_pool %u {kernel_shape = array<i64: 2, 2>, auto_pad = "VALID"} : (tensor<*xf16>) -> tensor<*xf16>
  // CHECK: kiln.global_average_pool %{{.*}} : (tensor<?x6x?x?xf32>) -> tensor<?x6x1x1xf32>
  %4 = kiln.global_average_pool %x : (tensor<?x6x?x?xf32>) -> tensor<?x6x1x1xf32>
  // CHECK: kiln.global_max_pool %{{.*}} : (tensor<*xf16>) -> tensor<*xf16>
  %5 = kiln.global_max_pool %u : (tensor<*xf16>) -> tensor<*xf16>
  // CHECK: kiln.global_max_pool %{{.*}} : (tensor<1x2x9xf32>) -> tensor<1x2x1xf32>
  %6 = kiln.global_max_pool %x1 : (tensor<1x2x9xf32>) -> tensor<1x2x1xf32>
  return
}

// INFER-LABEL: func @infer_norm
// INFER-SAME: -> (tensor<?x6x5x5xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<?x6x5x5xf32>, tensor<?x6x5x5xf32>, tensor<*xf32>)
func.func @infer_norm(%x: tensor<?x6x5x5xf32>, %c: tensor<6xf32>, %y: tensor<2x3x4xf32>, %s: tensor<4xf32>, %s2: tensor<3x1xf32>, %u: tensor<*xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.batch_norm {{.*}} -> tensor<?x6x5x5xf32>
  %0 = kiln.batch_norm %x, %c, %c, %c, %c : (tensor<?x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  // INFER: kiln.layer_norm {{.*}} -> tensor<2x3x4xf32>
  %1 = kiln.layer_norm %y, %s, %s : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<*xf32>
  // scale [3, 1] broadcasts to the normalized dims [3, 4]
  // INFER: kiln.layer_norm {{.*}} -> tensor<2x3x4xf32>
  %2 = kiln.layer_norm %y, %s2 {axis = -2} : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // INFER: kiln.group_norm {{.*}} -> tensor<?x6x5x5xf32>
  %3 = kiln.group_norm %x, %c, %c {num_groups = 2} : (tensor<?x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  // INFER: kiln.instance_norm {{.*}} -> tensor<?x6x5x5xf32>
  %4 = kiln.instance_norm %x, %c, %c : (tensor<?x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  // INFER: kiln.instance_norm {{.*}} -> tensor<*xf32>
  %5 = kiln.instance_norm %u, %c, %c : (tensor<*xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_pool
// INFER-SAME: -> (tensor<1x2x2x2xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x2xf32>, tensor<1x2x6xf32>, tensor<?x2x?x2xf32>, tensor<1x2x1x1xf32>, tensor<?x3x1x1x1xf32>, tensor<*xf32>, tensor<1x2x2x2xf32>)
func.func @infer_pool(%x: tensor<1x2x5x5xf32>, %y: tensor<1x2x6x6xf32>, %z: tensor<1x2x7x4xf32>, %w: tensor<1x2x10xf32>, %d: tensor<?x2x?x5xf32>, %v: tensor<?x3x4x?x6xf32>, %u: tensor<*xf32>, %e: tensor<1x2x4x4xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // floor((5 - 2) / 2) + 1 = 2
  // INFER: kiln.max_pool {{.*}} -> tensor<1x2x2x2xf32>
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  // ceil((5 - 2) / 2) + 1 = 3
  // INFER: kiln.max_pool {{.*}} -> tensor<1x2x3x3xf32>
  %1 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  // floor((6 + 2 - 3) / 2) + 1 = 3
  // INFER: kiln.average_pool {{.*}} -> tensor<1x2x3x3xf32>
  %2 = kiln.average_pool %y {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xf32>) -> tensor<*xf32>
  // ceil((6 + 2 - 3) / 2) + 1 = 4; the last window starts at 6 < 6 + 1, so it is kept
  // INFER: kiln.average_pool {{.*}} -> tensor<1x2x4x4xf32>
  %3 = kiln.average_pool %y {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true} : (tensor<1x2x6x6xf32>) -> tensor<*xf32>
  // ceil((5 + 2 - 2) / 2) + 1 = 4, but the last window would start at 6 >= 5 + 1 (only right padding): 3
  // INFER: kiln.max_pool {{.*}} -> tensor<1x2x3x3xf32>
  %4 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true} : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  // SAME_UPPER: ceil(7 / 2) = 4, ceil(4 / 1) = 4
  // INFER: kiln.max_pool {{.*}} -> tensor<1x2x4x4xf32>
  %5 = kiln.max_pool %z {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 1>, auto_pad = "SAME_UPPER"} : (tensor<1x2x7x4xf32>) -> tensor<*xf32>
  // VALID, kernel [1, 3], strides [2, 1]: (7 - 1) / 2 + 1 = 4, (4 - 3) / 1 + 1 = 2
  // INFER: kiln.average_pool {{.*}} -> tensor<1x2x4x2xf32>
  %6 = kiln.average_pool %z {kernel_shape = array<i64: 1, 3>, strides = array<i64: 2, 1>, auto_pad = "VALID"} : (tensor<1x2x7x4xf32>) -> tensor<*xf32>
  // dilation 2: effective kernel 5; 10 - 5 + 1 = 6
  // INFER: kiln.max_pool {{.*}} -> tensor<1x2x6xf32>
  %7 = kiln.max_pool %w {kernel_shape = array<i64: 3>, dilations = array<i64: 2>} : (tensor<1x2x10xf32>) -> tensor<*xf32>
  // INFER: kiln.max_pool {{.*}} -> tensor<?x2x?x2xf32>
  %8 = kiln.max_pool %d {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x2x?x5xf32>) -> tensor<*xf32>
  // INFER: kiln.global_average_pool {{.*}} -> tensor<1x2x1x1xf32>
  %9 = kiln.global_average_pool %x : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  // INFER: kiln.global_max_pool {{.*}} -> tensor<?x3x1x1x1xf32>
  %10 = kiln.global_max_pool %v : (tensor<?x3x4x?x6xf32>) -> tensor<*xf32>
  // INFER: kiln.average_pool {{.*}} -> tensor<*xf32>
  %11 = kiln.average_pool %u {kernel_shape = array<i64: 2, 2>} : (tensor<*xf32>) -> tensor<*xf32>
  // SAME_LOWER with stride 2: ceil(4 / 2) = 2
  // INFER: kiln.average_pool {{.*}} -> tensor<1x2x2x2xf32>
  %12 = kiln.average_pool %e {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, auto_pad = "SAME_LOWER", count_include_pad = true} : (tensor<1x2x4x4xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
