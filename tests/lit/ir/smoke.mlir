// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s

// CHECK-LABEL: func @main
// CHECK-SAME: -> tensor<?x3136xf32>
func.func @main(%x: tensor<?x1x28x28xf32>, %w: tensor<16x1x3x3xf32>, %b: tensor<16xf32>) -> tensor<*xf32> {
  // CHECK: kiln.conv {{.*}} -> tensor<?x16x28x28xf32>
  %0 = kiln.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x1x28x28xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<*xf32>
  // CHECK: kiln.max_pool {{.*}} -> tensor<?x16x14x14xf32>
  %1 = kiln.max_pool %0 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<*xf32>) -> tensor<*xf32>
  %s = kiln.constant dense<[0, -1]> : tensor<2xi64>
  // CHECK: kiln.reshape {{.*}} -> tensor<?x3136xf32>
  %2 = kiln.reshape %1, %s : (tensor<*xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %2 : tensor<*xf32>
}
