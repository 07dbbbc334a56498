// Constant folding of softmax, log_softmax, the reductions and arg_max /
// arg_min. Expected values from numpy / torch.
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s

// CHECK-LABEL: func @softmax_last
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}0.0900305733, 0.244728476, 0.665240943], [0.119201168, 1.47105929E-5, 0.880784094]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @softmax_last() -> (tensor<2x3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.softmax %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @softmax_axis0
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}0.0474258736, 0.999088943, 0.0474258736], [0.952574133, 9.11051174E-4, 0.952574133]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @softmax_axis0() -> (tensor<2x3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.softmax %x {axis = 0} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @log_softmax
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}-2.40760589, -1.40760601, -0.407605976], [-2.12694263, -11.1269426, -0.126942724]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @log_softmax() -> (tensor<2x3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.log_softmax %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @reduce_sum_all
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<1.100000e+01> : tensor<1x1xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_sum_all() -> (tensor<1x1xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_sum %x : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// CHECK-LABEL: func @reduce_sum_axis1_nokeep
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[6.000000e+00, 5.000000e+00]> : tensor<2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_sum_axis1_nokeep() -> (tensor<2xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func @reduce_mean_axis0
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}2.500000e+00, -1.500000e+00, 4.500000e+00]]> : tensor<1x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_mean_axis0() -> (tensor<1x3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_mean %x {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// CHECK-LABEL: func @reduce_max_neg_axis
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}3.000000e+00], [6.000000e+00]]> : tensor<2x1xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_max_neg_axis() -> (tensor<2x1xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_max %x {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func @reduce_min_all_nokeep
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<-5.000000e+00> : tensor<f32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_min_all_nokeep() -> (tensor<f32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_min %x {keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func @reduce_prod
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}6.000000e+00], [-1.200000e+02]]> : tensor<2x1xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_prod() -> (tensor<2x1xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_prod %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func @reduce_l1
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}6.000000e+00], [1.500000e+01]]> : tensor<2x1xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_l1() -> (tensor<2x1xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_l1 %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func @reduce_l2
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}3.7416575], [8.77496433]]> : tensor<2x1xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_l2() -> (tensor<2x1xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_l2 %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func @reduce_sum_square
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[1.700000e+01, 2.900000e+01, 4.500000e+01]> : tensor<3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_sum_square() -> (tensor<3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_sum_square %x {axes = array<i64: 0>, keepdims = false} : (tensor<2x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func @reduce_log_sum_exp
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}3.40760589], [6.12694263]]> : tensor<2x1xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_log_sum_exp() -> (tensor<2x1xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_log_sum_exp %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func @reduce_sum_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[5, 3, 2]> : tensor<3xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_sum_int() -> (tensor<3xi32>) {
  %x = kiln.constant dense<[[3, 1, 3], [2, 2, -1]]> : tensor<2x3xi32>
  %0 = kiln.reduce_sum %x {axes = array<i64: 0>, keepdims = false} : (tensor<2x3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func @reduce_mean_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}2], [1]]> : tensor<2x1xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_mean_int() -> (tensor<2x1xi32>) {
  %x = kiln.constant dense<[[3, 1, 3], [2, 2, -1]]> : tensor<2x3xi32>
  %0 = kiln.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x3xi32>) -> tensor<2x1xi32>
  return %0 : tensor<2x1xi32>
}

// CHECK-LABEL: func @reduce_max_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}3, 2, 3]]> : tensor<1x3xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_max_int() -> (tensor<1x3xi64>) {
  %x = kiln.constant dense<[[3, 1, 3], [2, 2, -1]]> : tensor<2x3xi64>
  %0 = kiln.reduce_max %x {axes = array<i64: 0>} : (tensor<2x3xi64>) -> tensor<1x3xi64>
  return %0 : tensor<1x3xi64>
}

// noop_with_empty_axes and no axes: the input itself
// CHECK-LABEL: func @reduce_noop_removed
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, -5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_noop_removed() -> (tensor<2x3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_sum %x {noop_with_empty_axes = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// ties pick the first index...
// CHECK-LABEL: func @arg_max
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<0> : tensor<2x1xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @arg_max() -> (tensor<2x1xi64>) {
  %x = kiln.constant dense<[[3, 1, 3], [2, 2, -1]]> : tensor<2x3xi32>
  %0 = kiln.arg_max %x {axis = 1} : (tensor<2x3xi32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// ...or the last with select_last_index
// CHECK-LABEL: func @arg_max_last
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[2, 1]> : tensor<2xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @arg_max_last() -> (tensor<2xi64>) {
  %x = kiln.constant dense<[[3, 1, 3], [2, 2, -1]]> : tensor<2x3xi32>
  %0 = kiln.arg_max %x {axis = 1, select_last_index = true, keepdims = false} : (tensor<2x3xi32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// CHECK-LABEL: func @arg_min_axis0
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[0, 1, 0]> : tensor<3xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @arg_min_axis0() -> (tensor<3xi64>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.arg_min %x {keepdims = false} : (tensor<2x3xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// A constant axes operand moves into the attribute, then the op folds.
// CHECK-LABEL: func @reduce_constant_axes_operand
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[5.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reduce_constant_axes_operand() -> (tensor<2xf32>) {
  %x = kiln.constant dense<[[1.0, 4.0], [-3.0, 2.0]]> : tensor<2x2xf32>
  %a = kiln.constant dense<[1]> : tensor<1xi64>
  %0 = kiln.reduce_sum %x, %a {keepdims = false} : (tensor<2x2xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func @reduce_axes_operand_to_attribute
// CHECK: kiln.reduce_max %{{[a-z0-9]+}} {axes = array<i64: 0>} : (tensor<?x3xf32>) -> tensor<1x3xf32>
func.func @reduce_axes_operand_to_attribute(%x: tensor<?x3xf32>) -> (tensor<1x3xf32>) {
  %a = kiln.constant dense<[0]> : tensor<1xi64>
  %0 = kiln.reduce_max %x, %a : (tensor<?x3xf32>, tensor<1xi64>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// An empty constant axes operand is the same as absent axes.
// CHECK-LABEL: func @reduce_empty_axes_operand
// CHECK: kiln.reduce_mean %{{[a-z0-9]+}} {noop_with_empty_axes = true} : (tensor<?x3xf32>) -> tensor<?x3xf32>
func.func @reduce_empty_axes_operand(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>) {
  %a = kiln.constant dense<> : tensor<0xi64>
  %0 = kiln.reduce_mean %x, %a {noop_with_empty_axes = true} : (tensor<?x3xf32>, tensor<0xi64>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
