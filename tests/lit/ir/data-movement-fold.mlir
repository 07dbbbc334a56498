// Constant folding of the data movement ops. Expected values from numpy.
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s

// CHECK-LABEL: func @reshape
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01], [1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01, 1.600000e+01, 1.700000e+01, 1.800000e+01, 1.900000e+01, 2.000000e+01, 2.100000e+01, 2.200000e+01, 2.300000e+01]]> : tensor<2x12xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reshape() -> (tensor<2x12xf32>) {
  %x = kiln.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %s = kiln.constant dense<[0, -1]> : tensor<2xi64>
  %0 = kiln.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// CHECK-LABEL: func @flatten
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00], [8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01], [1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01], [1.600000e+01, 1.700000e+01, 1.800000e+01, 1.900000e+01], [2.000000e+01, 2.100000e+01, 2.200000e+01, 2.300000e+01]]> : tensor<6x4xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @flatten() -> (tensor<6x4xf32>) {
  %x = kiln.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %0 = kiln.flatten %x {axis = 2} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// CHECK-LABEL: func @squeeze_unsqueeze
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[5, 6, 7]> : tensor<3xi32>
// CHECK-DAG: %[[R1:.*]] = kiln.constant dense<{{\[\[}}{{\[\[}}5], [6], [7]]]]> : tensor<1x1x3x1xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]], %[[R1]] :
func.func @squeeze_unsqueeze() -> (tensor<3xi32>, tensor<1x1x3x1xi32>) {
  %x = kiln.constant dense<[[5, 6, 7]]> : tensor<1x3xi32>
  %0 = kiln.squeeze %x : (tensor<1x3xi32>) -> tensor<3xi32>
  %1 = kiln.unsqueeze %x {axes = array<i64: 0, 3>} : (tensor<1x3xi32>) -> tensor<1x1x3x1xi32>
  return %0, %1 : tensor<3xi32>, tensor<1x1x3x1xi32>
}

// CHECK-LABEL: func @reshape_same_type_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @reshape_same_type_removed(%x: tensor<2x3xf32>, %s: tensor<2xi64>) -> (tensor<2x3xf32>) {
  %0 = kiln.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @transpose_perm
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}[0.000000e+00, 4.000000e+00, 8.000000e+00], [1.200000e+01, 1.600000e+01, 2.000000e+01]], {{\[\[}}1.000000e+00, 5.000000e+00, 9.000000e+00], [1.300000e+01, 1.700000e+01, 2.100000e+01]], {{\[\[}}2.000000e+00, 6.000000e+00, 1.000000e+01], [1.400000e+01, 1.800000e+01, 2.200000e+01]], {{\[\[}}3.000000e+00, 7.000000e+00, 1.100000e+01], [1.500000e+01, 1.900000e+01, 2.300000e+01]]]> : tensor<4x2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @transpose_perm() -> (tensor<4x2x3xf32>) {
  %x = kiln.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %0 = kiln.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// CHECK-LABEL: func @transpose_default_reverses
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @transpose_default_reverses() -> (tensor<3x2xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.transpose %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// CHECK-LABEL: func @transpose_identity_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @transpose_identity_removed(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>) {
  %0 = kiln.transpose %x {perm = array<i64: 0, 1>} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// CHECK-LABEL: func @concat_axis1
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 1.000000e+01, 1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00, 2.000000e+01, 4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @concat_axis1() -> (tensor<2x7xf32>) {
  %a = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[[10.0], [20.0]]> : tensor<2x1xf32>
  %0 = kiln.concat %a, %b, %a {axis = 1} : (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// CHECK-LABEL: func @concat_axis0_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[1, 2, 3]> : tensor<3xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @concat_axis0_int() -> (tensor<3xi64>) {
  %a = kiln.constant dense<[1, 2]> : tensor<2xi64>
  %b = kiln.constant dense<[3]> : tensor<1xi64>
  %0 = kiln.concat %a, %b {axis = -1} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// split folds every result
// CHECK-LABEL: func @split_uneven
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00], [2.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[R1:.*]] = kiln.constant dense<{{\[\[}}4.000000e+00, 5.000000e+00], [6.000000e+00, 7.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[R2:.*]] = kiln.constant dense<{{\[\[}}8.000000e+00, 9.000000e+00]]> : tensor<1x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]], %[[R1]], %[[R2]] :
func.func @split_uneven() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<1x2xf32>) {
  %x = kiln.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0]]> : tensor<5x2xf32>
  %0:3 = kiln.split %x {num_outputs = 3} : (tensor<5x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<1x2xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<1x2xf32>
}

// CHECK-LABEL: func @split_sizes_axis1
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00], [4.000000e+00]]> : tensor<2x1xf32>
// CHECK-DAG: %[[R1:.*]] = kiln.constant dense<{{\[\[}}2.000000e+00, 3.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]], %[[R1]] :
func.func @split_sizes_axis1() -> (tensor<2x1xf32>, tensor<2x2xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0:2 = kiln.split %x {axis = 1, split = array<i64: 1, 2>, num_outputs = 2} : (tensor<2x3xf32>) -> (tensor<2x1xf32>, tensor<2x2xf32>)
  return %0#0, %0#1 : tensor<2x1xf32>, tensor<2x2xf32>
}

// negative start, clamped ends, negative step
// CHECK-LABEL: func @slice_steps
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}[7.000000e+00, 5.000000e+00], [1.100000e+01, 9.000000e+00]], {{\[\[}}1.900000e+01, 1.700000e+01], [2.300000e+01, 2.100000e+01]]]> : tensor<2x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @slice_steps() -> (tensor<2x2x2xf32>) {
  %x = kiln.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %st = kiln.constant dense<[-1, 1]> : tensor<2xi64>
  %en = kiln.constant dense<[-100, 1000]> : tensor<2xi64>
  %ax = kiln.constant dense<[2, 1]> : tensor<2xi64>
  %sp = kiln.constant dense<[-2, 1]> : tensor<2xi64>
  %0 = kiln.slice %x, %st, %en, %ax, %sp : (tensor<2x3x4xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2x2xf32>
  return %0 : tensor<2x2x2xf32>
}

// a full-length reversal keeps the type but is not the identity
// CHECK-LABEL: func @slice_reverse_same_shape
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[4.000000e+00, 3.000000e+00, 2.000000e+00, 1.000000e+00]> : tensor<4xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @slice_reverse_same_shape() -> (tensor<4xf32>) {
  %x = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %st = kiln.constant dense<[-1]> : tensor<1xi64>
  %en = kiln.constant dense<[-9223372036854775807]> : tensor<1xi64>
  %ax = kiln.constant dense<[0]> : tensor<1xi64>
  %sp = kiln.constant dense<[-1]> : tensor<1xi64>
  %0 = kiln.slice %x, %st, %en, %ax, %sp : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func @slice_i32_bounds
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}2.000000e+00, 3.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @slice_i32_bounds() -> (tensor<2x2xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %st = kiln.constant dense<[1]> : tensor<1xi32>
  %en = kiln.constant dense<[3]> : tensor<1xi32>
  %ax = kiln.constant dense<[-1]> : tensor<1xi32>
  %sp = kiln.constant dense<[1]> : tensor<1xi32>
  %0 = kiln.slice %x, %st, %en, %ax, %sp : (tensor<2x3xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// negative indices count from the back
// CHECK-LABEL: func @gather_axis1_2d_neg
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 2.000000e+00]], {{\[\[}}4.000000e+00, 6.000000e+00], [5.000000e+00, 5.000000e+00]]]> : tensor<2x2x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @gather_axis1_2d_neg() -> (tensor<2x2x2xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %i = kiln.constant dense<[[0, -1], [1, 1]]> : tensor<2x2xi64>
  %0 = kiln.gather %x, %i {axis = 1} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2x2xf32>
  return %0 : tensor<2x2x2xf32>
}

// CHECK-LABEL: func @gather_scalar_index
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[4.000000e+00, 5.000000e+00, 6.000000e+00]> : tensor<3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @gather_scalar_index() -> (tensor<3xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %i = kiln.constant dense<1> : tensor<i32>
  %0 = kiln.gather %x, %i : (tensor<2x3xf32>, tensor<i32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func @pad_constant
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}-1.000000e+00, -1.000000e+00, -1.000000e+00, -1.000000e+00, -1.000000e+00, -1.000000e+00], [-1.000000e+00, -1.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, -1.000000e+00], [-1.000000e+00, -1.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, -1.000000e+00]]> : tensor<3x6xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @pad_constant() -> (tensor<3x6xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %p = kiln.constant dense<[1, 2, 0, 1]> : tensor<4xi64>
  %0 = kiln.pad %x, %p {value = -1.0 : f64} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// CHECK-LABEL: func @pad_reflect
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}6.000000e+00, 5.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 5.000000e+00], [3.000000e+00, 2.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 2.000000e+00], [6.000000e+00, 5.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 5.000000e+00]]> : tensor<3x6xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @pad_reflect() -> (tensor<3x6xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %p = kiln.constant dense<[1, 2, 0, 1]> : tensor<4xi64>
  %0 = kiln.pad %x, %p {mode = "reflect"} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// CHECK-LABEL: func @pad_edge
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00], [4.000000e+00, 4.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 6.000000e+00]]> : tensor<3x6xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @pad_edge() -> (tensor<3x6xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %p = kiln.constant dense<[1, 2, 0, 1]> : tensor<4xi64>
  %0 = kiln.pad %x, %p {mode = "edge"} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// CHECK-LABEL: func @pad_wrap
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}5.000000e+00, 6.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 4.000000e+00], [2.000000e+00, 3.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 1.000000e+00], [5.000000e+00, 6.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x6xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @pad_wrap() -> (tensor<3x6xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %p = kiln.constant dense<[1, 2, 0, 1]> : tensor<4xi64>
  %0 = kiln.pad %x, %p {mode = "wrap"} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// CHECK-LABEL: func @pad_negative_crops
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}2.000000e+00, 3.000000e+00], [5.000000e+00, 6.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<3x2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @pad_negative_crops() -> (tensor<3x2xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %p = kiln.constant dense<[0, -1, 1, 0]> : tensor<4xi64>
  %0 = kiln.pad %x, %p : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// CHECK-LABEL: func @pad_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[9, 9, 1, 2, 9]> : tensor<5xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @pad_int() -> (tensor<5xi32>) {
  %x = kiln.constant dense<[1, 2]> : tensor<2xi32>
  %p = kiln.constant dense<[2, 1]> : tensor<2xi64>
  %0 = kiln.pad %x, %p {value = 9.0 : f64} : (tensor<2xi32>, tensor<2xi64>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// CHECK-LABEL: func @expand
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00]], {{\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00]]]> : tensor<2x2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @expand() -> (tensor<2x2x3xf32>) {
  %x = kiln.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %s = kiln.constant dense<[2, 1, 3]> : tensor<3xi64>
  %0 = kiln.expand %x, %s : (tensor<2x1xf32>, tensor<3xi64>) -> tensor<2x2x3xf32>
  return %0 : tensor<2x2x3xf32>
}

// CHECK-LABEL: func @tile
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00], [1.000000e+00, 2.000000e+00, 3.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<4x6xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @tile() -> (tensor<4x6xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %r = kiln.constant dense<[2, 2]> : tensor<2xi64>
  %0 = kiln.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// CHECK-LABEL: func @resize_same_shape_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @resize_same_shape_removed(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x4x4xf32>) {
  %0 = kiln.resize %x {mode = "linear", scales = array<f32: 1.0, 1.0, 1.0, 1.0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
// Steps of INT64_MAX and INT64_MIN take a single element.
// CHECK-LABEL: func @slice_extreme_steps
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK-DAG: %[[R1:.*]] = kiln.constant dense<3.000000e+00> : tensor<1xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]], %[[R1]] :
func.func @slice_extreme_steps() -> (tensor<1xf32>, tensor<1xf32>) {
  %x = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %a = kiln.constant dense<[0]> : tensor<1xi64>
  %e = kiln.constant dense<[3]> : tensor<1xi64>
  %max = kiln.constant dense<[9223372036854775807]> : tensor<1xi64>
  %two = kiln.constant dense<[2]> : tensor<1xi64>
  %min = kiln.constant dense<[-9223372036854775808]> : tensor<1xi64>
  %0 = kiln.slice %x, %a, %e, %a, %max : (tensor<3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xf32>
  %1 = kiln.slice %x, %two, %min, %a, %min : (tensor<3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xf32>
  return %0, %1 : tensor<1xf32>, tensor<1xf32>
}

// A constant squeeze/unsqueeze axes operand becomes the attribute.
// CHECK-LABEL: func @unsqueeze_axes_operand_to_attribute
// CHECK: kiln.unsqueeze %{{[a-z0-9]+}} {axes = array<i64: 0>} : (tensor<?x3xf32>) -> tensor<1x?x3xf32>
// CHECK: kiln.squeeze %{{[a-z0-9]+}} {axes = array<i64: 0>} : (tensor<1x?x3xf32>) -> tensor<?x3xf32>
func.func @unsqueeze_axes_operand_to_attribute(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>) {
  %a = kiln.constant dense<[0]> : tensor<1xi64>
  %0 = kiln.unsqueeze %x, %a : (tensor<?x3xf32>, tensor<1xi64>) -> tensor<1x?x3xf32>
  %1 = kiln.squeeze %0, %a : (tensor<1x?x3xf32>, tensor<1xi64>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
