// Round-trip and type inference of softmax, log_softmax, the reductions and
// arg_max / arg_min.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip_softmax
func.func @roundtrip_softmax(%x: tensor<?x10xf32>, %u: tensor<*xf16>) -> (tensor<?x10xf32>, tensor<?x10xf32>, tensor<*xf16>) {
  // CHECK: kiln.softmax %{{.*}} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  %0 = kiln.softmax %x : (tensor<?x10xf32>) -> tensor<?x10xf32>
  // CHECK: kiln.log_softmax %{{.*}} {axis = 0 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  %1 = kiln.log_softmax %x {axis = 0} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  // CHECK: kiln.softmax %{{.*}} {axis = 3 : i64} : (tensor<*xf16>) -> tensor<*xf16>
  %2 = kiln.softmax %u {axis = 3} : (tensor<*xf16>) -> tensor<*xf16>
  return %0, %1, %2 : tensor<?x10xf32>, tensor<?x10xf32>, tensor<*xf16>
}

// CHECK-LABEL: func @roundtrip_reduce
func.func @roundtrip_reduce(%x: tensor<?x4x5xf32>, %i: tensor<3x4xi32>, %u: tensor<*xf32>) {
  // CHECK: kiln.reduce_sum %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %0 = kiln.reduce_sum %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_sum %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %1 = kiln.reduce_sum %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_sum %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %2 = kiln.reduce_sum %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_mean %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %3 = kiln.reduce_mean %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_mean %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %4 = kiln.reduce_mean %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_mean %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %5 = kiln.reduce_mean %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_max %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %6 = kiln.reduce_max %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_max %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %7 = kiln.reduce_max %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_max %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %8 = kiln.reduce_max %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_min %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %9 = kiln.reduce_min %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_min %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %10 = kiln.reduce_min %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_min %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %11 = kiln.reduce_min %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_prod %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %12 = kiln.reduce_prod %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_prod %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %13 = kiln.reduce_prod %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_prod %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %14 = kiln.reduce_prod %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_l1 %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %15 = kiln.reduce_l1 %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_l1 %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %16 = kiln.reduce_l1 %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_l1 %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %17 = kiln.reduce_l1 %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_l2 %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %18 = kiln.reduce_l2 %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_l2 %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %19 = kiln.reduce_l2 %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_l2 %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %20 = kiln.reduce_l2 %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_sum_square %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %21 = kiln.reduce_sum_square %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_sum_square %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %22 = kiln.reduce_sum_square %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_sum_square %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %23 = kiln.reduce_sum_square %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_log_sum_exp %{{.*}} {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  %24 = kiln.reduce_log_sum_exp %x {axes = array<i64: 1, -1>} : (tensor<?x4x5xf32>) -> tensor<?x1x1xf32>
  // CHECK: kiln.reduce_log_sum_exp %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  %25 = kiln.reduce_log_sum_exp %i {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xi32>) -> tensor<4xi32>
  // CHECK: kiln.reduce_log_sum_exp %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %26 = kiln.reduce_log_sum_exp %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.reduce_sum %{{.*}} {noop_with_empty_axes = true} : (tensor<?x4x5xf32>) -> tensor<?x4x5xf32>
  %27 = kiln.reduce_sum %x {noop_with_empty_axes = true} : (tensor<?x4x5xf32>) -> tensor<?x4x5xf32>
  // CHECK: kiln.reduce_max %{{.*}} {keepdims = false} : (tensor<?x4x5xf32>) -> tensor<f32>
  %28 = kiln.reduce_max %x {keepdims = false} : (tensor<?x4x5xf32>) -> tensor<f32>
  return
}

// CHECK-LABEL: func @roundtrip_arg
func.func @roundtrip_arg(%x: tensor<?x4x5xf32>, %i: tensor<3x4xi8>, %u: tensor<*xf32>) -> (tensor<?x1x5xi64>, tensor<3xi64>, tensor<*xi64>, tensor<?x4x1xi64>) {
  // CHECK: kiln.arg_max %{{.*}} {axis = 1 : i64} : (tensor<?x4x5xf32>) -> tensor<?x1x5xi64>
  %0 = kiln.arg_max %x {axis = 1} : (tensor<?x4x5xf32>) -> tensor<?x1x5xi64>
  // CHECK: kiln.arg_min %{{.*}} {axis = -1 : i64, keepdims = false, select_last_index = true} : (tensor<3x4xi8>) -> tensor<3xi64>
  %1 = kiln.arg_min %i {axis = -1, keepdims = false, select_last_index = true} : (tensor<3x4xi8>) -> tensor<3xi64>
  // CHECK: kiln.arg_max %{{.*}} : (tensor<*xf32>) -> tensor<*xi64>
  %2 = kiln.arg_max %u : (tensor<*xf32>) -> tensor<*xi64>
  // CHECK: kiln.arg_max %{{.*}} {axis = 2 : i64, select_last_index = true} : (tensor<?x4x5xf32>) -> tensor<?x4x1xi64>
  %3 = kiln.arg_max %x {axis = 2, select_last_index = true} : (tensor<?x4x5xf32>) -> tensor<?x4x1xi64>
  return %0, %1, %2, %3 : tensor<?x1x5xi64>, tensor<3xi64>, tensor<*xi64>, tensor<?x4x1xi64>
}

// INFER-LABEL: func @infer_reduce
// INFER-SAME: -> (tensor<1x1x1xf32>, tensor<f32>, tensor<?x1x6xf32>, tensor<?x6xf32>, tensor<5xf32>, tensor<?x5x6xf32>, tensor<?x5x6xf32>, tensor<*xf32>, tensor<1x5x1xi32>)
func.func @infer_reduce(%x: tensor<?x5x6xf32>, %u: tensor<*xf32>, %i: tensor<2x5x7xi32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xi32>) {
  // All axes, keepdims (the default).
  // INFER: kiln.reduce_sum {{.*}} -> tensor<1x1x1xf32>
  %0 = kiln.reduce_sum %x : (tensor<?x5x6xf32>) -> tensor<*xf32>
  // INFER: kiln.reduce_mean {{.*}} -> tensor<f32>
  %1 = kiln.reduce_mean %x {keepdims = false} : (tensor<?x5x6xf32>) -> tensor<*xf32>
  // INFER: kiln.reduce_max {{.*}} -> tensor<?x1x6xf32>
  %2 = kiln.reduce_max %x {axes = array<i64: -2>} : (tensor<?x5x6xf32>) -> tensor<*xf32>
  // INFER: kiln.reduce_min {{.*}} -> tensor<?x6xf32>
  %3 = kiln.reduce_min %x {axes = array<i64: 1>, keepdims = false} : (tensor<?x5x6xf32>) -> tensor<*xf32>
  // INFER: kiln.reduce_l2 {{.*}} -> tensor<5xf32>
  %4 = kiln.reduce_l2 %x {axes = array<i64: 2, 0>, keepdims = false} : (tensor<?x5x6xf32>) -> tensor<*xf32>
  // noop_with_empty_axes: no axes reduces nothing.
  // INFER: kiln.reduce_prod {{.*}} -> tensor<?x5x6xf32>
  %5 = kiln.reduce_prod %x {noop_with_empty_axes = true, keepdims = false} : (tensor<?x5x6xf32>) -> tensor<*xf32>
  // INFER: kiln.reduce_l1 {{.*}} -> tensor<?x5x6xf32>
  %6 = kiln.reduce_l1 %x {axes = array<i64>, noop_with_empty_axes = true} : (tensor<?x5x6xf32>) -> tensor<*xf32>
  // INFER: kiln.reduce_log_sum_exp {{.*}} -> tensor<*xf32>
  %7 = kiln.reduce_log_sum_exp %u {axes = array<i64: 1>} : (tensor<*xf32>) -> tensor<*xf32>
  // INFER: kiln.reduce_sum_square {{.*}} -> tensor<1x5x1xi32>
  %8 = kiln.reduce_sum_square %i {axes = array<i64: 0, 2>} : (tensor<2x5x7xi32>) -> tensor<*xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xi32>
}

// INFER-LABEL: func @infer_arg_softmax
// INFER-SAME: -> (tensor<1x5x6xi64>, tensor<?x5xi64>, tensor<?x1x6xi64>, tensor<*xi64>, tensor<?x5x6xf32>, tensor<?x5x6xf32>)
func.func @infer_arg_softmax(%x: tensor<?x5x6xf32>, %u: tensor<*xf32>)
    -> (tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.arg_max {{.*}} -> tensor<1x5x6xi64>
  %0 = kiln.arg_max %x : (tensor<?x5x6xf32>) -> tensor<*xi64>
  // INFER: kiln.arg_min {{.*}} -> tensor<?x5xi64>
  %1 = kiln.arg_min %x {axis = -1, keepdims = false} : (tensor<?x5x6xf32>) -> tensor<*xi64>
  // INFER: kiln.arg_max {{.*}} -> tensor<?x1x6xi64>
  %2 = kiln.arg_max %x {axis = 1, select_last_index = true} : (tensor<?x5x6xf32>) -> tensor<*xi64>
  // INFER: kiln.arg_max {{.*}} -> tensor<*xi64>
  %3 = kiln.arg_max %u {axis = 1} : (tensor<*xf32>) -> tensor<*xi64>
  // INFER: kiln.softmax {{.*}} -> tensor<?x5x6xf32>
  %4 = kiln.softmax %x {axis = 1} : (tensor<?x5x6xf32>) -> tensor<*xf32>
  // INFER: kiln.log_softmax {{.*}} -> tensor<?x5x6xf32>
  %5 = kiln.log_softmax %x {axis = -3} : (tensor<?x5x6xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xf32>, tensor<*xf32>
}

// Run-time axes: an optional 1-D i64 operand instead of the attribute.
// CHECK-LABEL: func @roundtrip_reduce_dynamic_axes
func.func @roundtrip_reduce_dynamic_axes(%x: tensor<2x1x5xf32>, %a: tensor<2xi64>, %e: tensor<0xi64>) {
  // CHECK: kiln.reduce_sum %{{.*}}, %{{.*}} : (tensor<2x1x5xf32>, tensor<2xi64>) -> tensor<?x1x?xf32>
  %0 = kiln.reduce_sum %x, %a : (tensor<2x1x5xf32>, tensor<2xi64>) -> tensor<?x1x?xf32>
  // CHECK: kiln.reduce_max %{{.*}}, %{{.*}} {keepdims = false} : (tensor<2x1x5xf32>, tensor<2xi64>) -> tensor<?xf32>
  %1 = kiln.reduce_max %x, %a {keepdims = false} : (tensor<2x1x5xf32>, tensor<2xi64>) -> tensor<?xf32>
  // CHECK: kiln.reduce_mean %{{.*}}, %{{.*}} {noop_with_empty_axes = true} : (tensor<2x1x5xf32>, tensor<0xi64>) -> tensor<2x1x5xf32>
  %2 = kiln.reduce_mean %x, %e {noop_with_empty_axes = true} : (tensor<2x1x5xf32>, tensor<0xi64>) -> tensor<2x1x5xf32>
  return
}

// INFER-LABEL: func @infer_reduce_dynamic_axes
// INFER-SAME: -> (tensor<?x1x?xf32>, tensor<?xf32>, tensor<f32>, tensor<2x1x5xf32>, tensor<*xf32>)
func.func @infer_reduce_dynamic_axes(%x: tensor<2x1x5xf32>, %a: tensor<2xi64>, %e: tensor<0xi64>, %d: tensor<?xi64>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.reduce_sum {{.*}} -> tensor<?x1x?xf32>
  %0 = kiln.reduce_sum %x, %a : (tensor<2x1x5xf32>, tensor<2xi64>) -> tensor<*xf32>
  // INFER: kiln.reduce_l2 {{.*}} -> tensor<?xf32>
  %1 = kiln.reduce_l2 %x, %a {keepdims = false} : (tensor<2x1x5xf32>, tensor<2xi64>) -> tensor<*xf32>
  // An empty axes operand reduces everything, or nothing with noop_with_empty_axes.
  // INFER: kiln.reduce_min {{.*}} -> tensor<f32>
  %2 = kiln.reduce_min %x, %e {keepdims = false} : (tensor<2x1x5xf32>, tensor<0xi64>) -> tensor<*xf32>
  // INFER: kiln.reduce_prod {{.*}} -> tensor<2x1x5xf32>
  %3 = kiln.reduce_prod %x, %e {noop_with_empty_axes = true} : (tensor<2x1x5xf32>, tensor<0xi64>) -> tensor<*xf32>
  // INFER: kiln.reduce_sum_square {{.*}} -> tensor<*xf32>
  %4 = kiln.reduce_sum_square %x, %d {keepdims = false} : (tensor<2x1x5xf32>, tensor<?xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
