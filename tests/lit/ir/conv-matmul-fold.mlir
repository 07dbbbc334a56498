// Constant folding of conv, conv_transpose, matmul, gemm and linear.
// Expected values from torch.nn.functional (float64).
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s

// 1x1x3x3 input, 3x3 kernel, pads 1: a same-size result
// CHECK-LABEL: func @conv_pads_bias
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}-3.000000e+00, -3.500000e+00, 6.000000e+00], [5.000000e-01, 0.000000e+00, 1.550000e+01], [2.000000e+01, 2.050000e+01, 1.400000e+01]]]]> : tensor<1x1x3x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @conv_pads_bias() -> (tensor<1x1x3x3xf32>) {
  %x = kiln.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>
  %w = kiln.constant dense<[[[[1.0, 2.0, 0.0], [-1.0, 0.5, 1.0], [0.0, 1.0, -2.0]]]]> : tensor<1x1x3x3xf32>
  %b = kiln.constant dense<[0.5]> : tensor<1xf32>
  %0 = kiln.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// pads [h_begin=1, w_begin=0, h_end=0, w_end=1], stride 2
// CHECK-LABEL: func @conv_asym_pads_stride
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}0.000000e+00, -3.000000e+00], [1.100000e+01, -3.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @conv_asym_pads_stride() -> (tensor<1x1x2x2xf32>) {
  %x = kiln.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>
  %w = kiln.constant dense<[[[[1.0, 2.0], [-1.0, 0.5]]]]> : tensor<1x1x2x2xf32>
  %0 = kiln.conv %x, %w {pads = array<i64: 1, 0, 0, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// SAME_UPPER with dilation 2: effective kernel 3, total pad 2 split 1/1
// CHECK-LABEL: func @conv_same_upper_dilated
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}6.250000e-01, -2.500000e-01, -3.750000e-01, -1.500000e+00], [1.625000e+00, 2.500000e-01, 8.750000e-01, -2.000000e+00], [4.125000e+00, 2.750000e+00, 3.375000e+00, -2.000000e+00], [4.500000e+00, 7.000000e+00, 7.750000e+00, 2.500000e+00]]]]> : tensor<1x1x4x4xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @conv_same_upper_dilated() -> (tensor<1x1x4x4xf32>) {
  %x = kiln.constant dense<[[[[0.0, 0.25, 0.5, 0.75], [1.0, 1.25, 1.5, 1.75], [2.0, 2.25, 2.5, 2.75], [3.0, 3.25, 3.5, 3.75]]]]> : tensor<1x1x4x4xf32>
  %w = kiln.constant dense<[[[[1.0, 2.0], [-1.0, 0.5]]]]> : tensor<1x1x2x2xf32>
  %0 = kiln.conv %x, %w {auto_pad = "SAME_UPPER", dilations = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// CHECK-LABEL: func @conv_group
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}2.750000e+00, 4.000000e+00], [7.750000e+00, 9.000000e+00]], {{\[\[}}1.250000e+00, 2.250000e+00], [5.250000e+00, 6.250000e+00]], {{\[\[}}2.750000e+00, 3.250000e+00], [4.750000e+00, 5.250000e+00]], {{\[\[}}1.850000e+01, 2.050000e+01], [2.650000e+01, 2.850000e+01]]]]> : tensor<1x4x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @conv_group() -> (tensor<1x4x2x2xf32>) {
  %x = kiln.constant dense<[[[[0.0, 0.25, 0.5, 0.75], [1.0, 1.25, 1.5, 1.75], [2.0, 2.25, 2.5, 2.75], [3.0, 3.25, 3.5, 3.75]], [[4.0, 4.25, 4.5, 4.75], [5.0, 5.25, 5.5, 5.75], [6.0, 6.25, 6.5, 6.75], [7.0, 7.25, 7.5, 7.75]]]]> : tensor<1x2x4x4xf32>
  %w = kiln.constant dense<[[[[1.0, -1.0], [0.5, 2.0]]], [[[0.0, 1.0], [1.0, 0.0]]], [[[2.0, 0.0], [0.0, -1.0]]], [[[1.0, 1.0], [1.0, 1.0]]]]> : tensor<4x1x2x2xf32>
  %0 = kiln.conv %x, %w {group = 2, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<4x1x2x2xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func @conv_transpose_stride
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}2.000000e+00, 0.000000e+00, 3.000000e+00, -1.000000e+00], [3.000000e+00, 1.500000e+00, 5.000000e+00, 2.000000e+00], [4.000000e+00, -2.000000e+00, 5.000000e+00, -3.000000e+00], [7.000000e+00, 2.500000e+00, 9.000000e+00, 3.000000e+00]]]]> : tensor<1x1x4x4xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @conv_transpose_stride() -> (tensor<1x1x4x4xf32>) {
  %x = kiln.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %w = kiln.constant dense<[[[[1.0, -1.0], [2.0, 0.5]]]]> : tensor<1x1x2x2xf32>
  %b = kiln.constant dense<[1.0]> : tensor<1xf32>
  %0 = kiln.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// asymmetric pads: crop 1 row at the top and 1 column at the right of the full output
// CHECK-LABEL: func @conv_transpose_pads_group
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}0.000000e+00, 1.250000e-01], [1.000000e+00, 2.500000e-01], [5.000000e-01, 2.625000e+00], [0.000000e+00, 0.000000e+00]], {{\[\[}}0.000000e+00, 2.500000e-01], [0.000000e+00, 1.000000e+00], [1.000000e+00, 1.250000e+00], [0.000000e+00, 0.000000e+00]], {{\[\[}}0.000000e+00, -4.000000e+00], [1.000000e+01, 1.050000e+01], [0.000000e+00, -5.000000e+00], [0.000000e+00, 0.000000e+00]], {{\[\[}}4.000000e+00, 8.250000e+00], [5.000000e+00, 1.025000e+01], [5.000000e+00, 1.025000e+01], [0.000000e+00, 0.000000e+00]]]]> : tensor<1x4x4x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @conv_transpose_pads_group() -> (tensor<1x4x4x2xf32>) {
  %x = kiln.constant dense<[[[[0.0, 0.25], [1.0, 1.25]], [[4.0, 4.25], [5.0, 5.25]]]]> : tensor<1x2x2x2xf32>
  %w = kiln.constant dense<[[[[1.0, -1.0], [0.5, 2.0]], [[0.0, 1.0], [1.0, 0.0]]], [[[2.0, 0.0], [0.0, -1.0]], [[1.0, 1.0], [1.0, 1.0]]]]> : tensor<2x2x2x2xf32>
  %0 = kiln.conv_transpose %x, %w {pads = array<i64: 1, 0, 0, 1>, strides = array<i64: 2, 1>, group = 2, output_padding = array<i64: 1, 0>} : (tensor<1x2x2x2xf32>, tensor<2x2x2x2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// CHECK-LABEL: func @matmul_batch_broadcast
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}[0.000000e+00, 4.000000e+00], [1.500000e+00, 1.300000e+01]], {{\[\[}}3.000000e+00, 2.200000e+01], [4.500000e+00, 3.100000e+01]]]> : tensor<2x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @matmul_batch_broadcast() -> (tensor<2x2x2xf32>) {
  %a = kiln.constant dense<[[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [[6.0, 7.0, 8.0], [9.0, 10.0, 11.0]]]> : tensor<2x2x3xf32>
  %b = kiln.constant dense<[[1.0, 0.0], [-1.0, 2.0], [0.5, 1.0]]> : tensor<3x2xf32>
  %0 = kiln.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x2xf32>) -> tensor<2x2x2xf32>
  return %0 : tensor<2x2x2xf32>
}

// 1-D operands are promoted, then the 1 is dropped
// CHECK-LABEL: func @matmul_vector
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[5.000000e-01, 7.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[R1:.*]] = kiln.constant dense<1.400000e+01> : tensor<f32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]], %[[R1]] :
func.func @matmul_vector() -> (tensor<2xf32>, tensor<f32>) {
  %a = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = kiln.constant dense<[[1.0, 0.0], [-1.0, 2.0], [0.5, 1.0]]> : tensor<3x2xf32>
  %0 = kiln.matmul %a, %b : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
  %2 = kiln.matmul %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %0, %2 : tensor<2xf32>, tensor<f32>
}

// CHECK-LABEL: func @matmul_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}19, 22], [43, 50]]> : tensor<2x2xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @matmul_int() -> (tensor<2x2xi32>) {
  %a = kiln.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %b = kiln.constant dense<[[5, 6], [7, 8]]> : tensor<2x2xi32>
  %0 = kiln.matmul %a, %b : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// CHECK-LABEL: func @gemm_transB_alpha_beta
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}2.250000e+00, 1.500000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @gemm_transB_alpha_beta() -> (tensor<2x2xf32>) {
  %a = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[[1.0, -1.0, 0.5], [0.0, 2.0, 1.0]]> : tensor<2x3xf32>
  %c = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %0 = kiln.gemm %a, %b, %c {transB = true, alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// CHECK-LABEL: func @gemm_transA_no_c
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}5.000000e-01, 7.000000e+00], [2.000000e+00, 1.600000e+01]]> : tensor<2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @gemm_transA_no_c() -> (tensor<2x2xf32>) {
  %a = kiln.constant dense<[[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]> : tensor<3x2xf32>
  %b = kiln.constant dense<[[1.0, 0.0], [-1.0, 2.0], [0.5, 1.0]]> : tensor<3x2xf32>
  %0 = kiln.gemm %a, %b {transA = true} : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// CHECK-LABEL: func @linear_bias
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}[2.500000e-01, 3.500000e+00], [1.750000e+00, 1.250000e+01]], {{\[\[}}3.250000e+00, 2.150000e+01], [4.750000e+00, 3.050000e+01]]]> : tensor<2x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @linear_bias() -> (tensor<2x2x2xf32>) {
  %x = kiln.constant dense<[[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [[6.0, 7.0, 8.0], [9.0, 10.0, 11.0]]]> : tensor<2x2x3xf32>
  %w = kiln.constant dense<[[1.0, -1.0, 0.5], [0.0, 2.0, 1.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[0.25, -0.5]> : tensor<2xf32>
  %0 = kiln.linear %x, %w, %b : (tensor<2x2x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x2x2xf32>
  return %0 : tensor<2x2x2xf32>
}
