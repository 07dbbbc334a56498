// Constant folding of the normalizations and the pools. Expected values
// from torch.nn.functional (float64).
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s

// CHECK-LABEL: func @batch_norm
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}1.000000e-01, 1.09987497], [2.099750e+00, 3.09962511]], {{\[\[}}-2.000000e-01, 0.798005998], [2.79401803, 5.78803587]]]]> : tensor<1x2x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @batch_norm() -> (tensor<1x2x2x2xf32>) {
  %x = kiln.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[-1.0, 0.0], [2.0, 5.0]]]]> : tensor<1x2x2x2xf32>
  %s = kiln.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %b = kiln.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %m = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %v = kiln.constant dense<[4.0, 0.25]> : tensor<2xf32>
  %0 = kiln.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func @layer_norm_bias
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}-1.06904149, 0.465479225, -0.331849039], [-0.842926919, -0.123902529, -0.29756093]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @layer_norm_bias() -> (tensor<2x3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 4.0], [-1.0, 0.0, 7.0]]> : tensor<2x3xf32>
  %s = kiln.constant dense<[1.0, 2.0, 0.5]> : tensor<3xf32>
  %b = kiln.constant dense<[0.0, 1.0, -1.0]> : tensor<3xf32>
  %0 = kiln.layer_norm %x, %s, %b : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// normalize over all dims; scale [2, 1] broadcasts
// CHECK-LABEL: func @layer_norm_axis0_no_bias
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}-8.732960e-01, -0.124756575, 1.37232232], [-1.18518746, -0.810917735, 1.80897033]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @layer_norm_axis0_no_bias() -> (tensor<2x3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 4.0], [-1.0, 0.0, 7.0]]> : tensor<2x3xf32>
  %s = kiln.constant dense<[[2.0], [1.0]]> : tensor<2x1xf32>
  %0 = kiln.layer_norm %x, %s {axis = 0, epsilon = 0.0 : f32} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @group_norm
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}-0.534521699, 0.000000e+00], [0.534521699, 1.0690434]], {{\[\[}}-2.70713043, -1.63808692], [5.000000e-01, 3.70713043]], {{\[\[}}-0.603566885, 1.000000e+00], [2.60356688, 4.20713377]], {{\[\[}}-4.91426754, -2.77617836], [1.500000e+00, 7.91426753]]]]> : tensor<1x4x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @group_norm() -> (tensor<1x4x2x2xf32>) {
  %x = kiln.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[-1.0, 0.0], [2.0, 5.0]], [[2.0, 4.0], [6.0, 8.0]], [[-2.0, 0.0], [4.0, 10.0]]]]> : tensor<1x4x2x2xf32>
  %s = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %b = kiln.constant dense<[0.0, 0.5, 1.0, 1.5]> : tensor<4xf32>
  %0 = kiln.group_norm %x, %s, %b {num_groups = 2} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func @instance_norm
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}-2.58327079, -0.794423639], [0.994423627, 2.78327084]], {{\[\[}}-0.745544195, -0.527326524], [-0.09089116, 0.56376189]]]]> : tensor<1x2x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @instance_norm() -> (tensor<1x2x2x2xf32>) {
  %x = kiln.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[-1.0, 0.0], [2.0, 5.0]]]]> : tensor<1x2x2x2xf32>
  %s = kiln.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %b = kiln.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %0 = kiln.instance_norm %x, %s, %b : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func @max_pool_pads
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}5.000000e+00, 7.000000e+00], [1.300000e+01, 1.500000e+01]]]]> : tensor<1x1x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @max_pool_pads() -> (tensor<1x1x2x2xf32>) {
  %x = kiln.constant dense<[[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, -3.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]]]> : tensor<1x1x4x4xf32>
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// CHECK-LABEL: func @max_pool_ceil_dilated
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}9.000000e+00, 1.100000e+01], [1.300000e+01, 1.500000e+01]]]]> : tensor<1x1x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @max_pool_ceil_dilated() -> (tensor<1x1x2x2xf32>) {
  %x = kiln.constant dense<[[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, -3.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]]]> : tensor<1x1x4x4xf32>
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 3, 3>, dilations = array<i64: 2, 1>, ceil_mode = true} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// CHECK-LABEL: func @average_pool_exclude_pad
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}2.500000e+00, 2.500000e+00], [8.500000e+00, 9.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @average_pool_exclude_pad() -> (tensor<1x1x2x2xf32>) {
  %x = kiln.constant dense<[[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, -3.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]]]> : tensor<1x1x4x4xf32>
  %0 = kiln.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// CHECK-LABEL: func @average_pool_include_pad
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}1.11111116, 1.66666663], [5.66666651, 9.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @average_pool_include_pad() -> (tensor<1x1x2x2xf32>) {
  %x = kiln.constant dense<[[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, -3.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]]]> : tensor<1x1x4x4xf32>
  %0 = kiln.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// ceil mode: the padding counts, the part of the last window past it does not
// CHECK-LABEL: func @average_pool_ceil_include_pad
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}0.000000e+00, 7.500000e-01], [3.000000e+00, 5.250000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @average_pool_ceil_include_pad() -> (tensor<1x1x2x2xf32>) {
  %x = kiln.constant dense<[[[[0.0, 1.0, 2.0], [4.0, 5.0, -3.0], [8.0, 9.0, 10.0]]]]> : tensor<1x1x3x3xf32>
  %0 = kiln.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true, count_include_pad = true} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// SAME_LOWER pads 1 at the start (not counted)
// CHECK-LABEL: func @average_pool_same_lower_1d
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}[1.000000e+00, 1.500000e+00, 2.500000e+00, 3.500000e+00, 4.500000e+00]]]> : tensor<1x1x5xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @average_pool_same_lower_1d() -> (tensor<1x1x5xf32>) {
  %x = kiln.constant dense<[[[1.0, 2.0, 3.0, 4.0, 5.0]]]> : tensor<1x1x5xf32>
  %0 = kiln.average_pool %x {kernel_shape = array<i64: 2>, auto_pad = "SAME_LOWER"} : (tensor<1x1x5xf32>) -> tensor<1x1x5xf32>
  return %0 : tensor<1x1x5xf32>
}

// CHECK-LABEL: func @global_pools
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}2.500000e+00]], {{\[\[}}1.500000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK-DAG: %[[R1:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}4.000000e+00]], {{\[\[}}5.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]], %[[R1]] :
func.func @global_pools() -> (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) {
  %x = kiln.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[-1.0, 0.0], [2.0, 5.0]]]]> : tensor<1x2x2x2xf32>
  %0 = kiln.global_average_pool %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %1 = kiln.global_max_pool %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  return %0, %1 : tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>
}
