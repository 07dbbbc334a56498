// RUN: %kiln-opt %s --split-input-file --kiln-freeze | %FileCheck %s

// An initializer input becomes a plain constant; dropout goes; the module is frozen.
// CHECK: module attributes {kiln.frozen}
// CHECK-LABEL: func @init_input
// CHECK: %[[W:.*]] = kiln.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK-NOT: kiln.input
// CHECK-NOT: kiln.dropout
// CHECK: kiln.mul %arg0, %[[W]]
func.func @init_input(%x: tensor<4xf32>) -> tensor<4xf32> {
  %w = kiln.constant {kiln.input = "w"} dense<2.0> : tensor<4xf32>
  %0 = kiln.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.dropout %0 {ratio = 0.1 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// conv -> mul by a per-channel constant -> add a per-channel constant: both
// fold into the weights and bias. W' = W * [2, 3]; b' = [1, 2] * [2, 3] + [10, 20].
// CHECK-LABEL: func @conv_scale_bias
// CHECK-NOT: kiln.mul
// CHECK-NOT: kiln.add
// CHECK-DAG: %[[B:.*]] = kiln.constant dense_resource<frozen_bias{{.*}}> : tensor<2xf32>
// CHECK-DAG: %[[W:.*]] = kiln.constant dense_resource<frozen_weight{{.*}}> : tensor<2x1x1x1xf32>
// CHECK: kiln.conv %arg0, %[[W]], %[[B]]
// W' = [2, 3]; b' = [12, 26] (0x41400000, 0x41D00000)
// CHECK: frozen_weight{{.*}}: "0x{{[0-9A-F]*}}0000004000004040"
// CHECK: frozen_bias{{.*}}: "0x{{[0-9A-F]*}}000040410000D041"
func.func @conv_scale_bias(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = kiln.constant dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %b = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = kiln.constant dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>
  %t = kiln.constant dense<[[[10.0]], [[20.0]]]> : tensor<2x1x1xf32>
  %0 = kiln.conv %x, %w, %b : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.mul %0, %s : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %2 = kiln.add %1, %t : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %2 : tensor<1x2x3x3xf32>
}

// -----

// A scale that varies along a spatial dim is not per channel: it stays.
// CHECK-LABEL: func @not_per_channel
// CHECK: kiln.conv
// CHECK: kiln.mul
func.func @not_per_channel(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = kiln.constant dense<1.0> : tensor<2x1x1x1xf32>
  %s = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = kiln.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.mul %0, %s : (tensor<1x2x3x3xf32>, tensor<3xf32>) -> tensor<1x2x3x3xf32>
  return %1 : tensor<1x2x3x3xf32>
}

// -----

// A conv whose result is also returned keeps its scale.
// CHECK-LABEL: func @shared_producer
// CHECK: kiln.conv
// CHECK: kiln.mul
func.func @shared_producer(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = kiln.constant dense<1.0> : tensor<2x1x1x1xf32>
  %s = kiln.constant dense<2.0> : tensor<2x1x1xf32>
  %0 = kiln.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.mul %0, %s : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %0, %1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// Batch norm after gemm (transB) folds into the gemm's rows and its C;
// after a matmul + bias add into the matmul's columns and the add.
// CHECK-LABEL: func @gemm_bn
// CHECK-NOT: kiln.batch_norm
// CHECK: kiln.gemm %arg0, %{{.*}}, %{{.*}} {transB = true}
func.func @gemm_bn(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = kiln.constant dense<1.0> : tensor<4x3xf32>
  %c = kiln.constant dense<0.5> : tensor<4xf32>
  %s = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = kiln.gemm %x, %w, %c {transB = true, beta = 2.0 : f32} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = kiln.batch_norm %0, %s, %s, %s, %s : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func @matmul_add_bn
// CHECK-NOT: kiln.batch_norm
// CHECK: %[[M:.*]] = kiln.matmul %arg0, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK: kiln.add %[[M]], %{{.*}} : (tensor<2x4xf32>, tensor<4xf32>)
// CHECK-NOT: kiln.add
func.func @matmul_add_bn(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = kiln.constant dense<1.0> : tensor<3x4xf32>
  %b = kiln.constant dense<0.5> : tensor<4xf32>
  %s = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = kiln.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = kiln.add %0, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = kiln.batch_norm %1, %s, %s, %s, %s : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----

// A batch norm whose input feeds two consumers stays.
// CHECK-LABEL: func @bn_input_two_users
// CHECK: kiln.batch_norm
func.func @bn_input_two_users(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %w = kiln.constant dense<1.0> : tensor<4x3xf32>
  %s = kiln.constant dense<1.0> : tensor<4xf32>
  %0 = kiln.linear %x, %w : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %1 = kiln.batch_norm %0, %s, %s, %s, %s : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = kiln.relu %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1, %2 : tensor<2x4xf32>, tensor<2x4xf32>
}
