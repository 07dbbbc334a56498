// RUN: %kiln-opt %s --split-input-file --kiln-fold-batchnorm | %FileCheck %s

// s = scale / sqrt(var + eps) = [2/sqrt(4), 3/sqrt(1)] = [1, 3]
// W' = W * s per output channel; b' = (b - mean) * s + bias
// CHECK-LABEL: func @folds
// CHECK-NOT: kiln.batch_norm
// CHECK: %[[W:.*]] = kiln.constant dense_resource<frozen_weight> : tensor<2x1x1x1xf32>
// CHECK: %[[B:.*]] = kiln.constant dense_resource<frozen_bias> : tensor<2xf32>
// CHECK: %[[C:.*]] = kiln.conv %arg0, %[[W]], %[[B]] {{.*}} -> tensor<1x2x3x3xf32>
// CHECK: return %[[C]]
// CHECK: frozen_weight: "0x{{[0-9A-F]*}}0000803F00004040"
// CHECK: frozen_bias: "0x{{[0-9A-F]*}}0000803F0000C040"
func.func @folds(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = kiln.constant dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %b = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %scale = kiln.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %bias = kiln.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = kiln.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = kiln.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %0 = kiln.conv %x, %w, %b : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.batch_norm %0, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %1 : tensor<1x2x3x3xf32>
}

// -----

// A convolution with another user keeps its batch norm.
// CHECK-LABEL: func @shared_conv
// CHECK: kiln.batch_norm
func.func @shared_conv(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = kiln.constant dense<1.0> : tensor<2x1x1x1xf32>
  %s = kiln.constant dense<1.0> : tensor<2xf32>
  %0 = kiln.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.batch_norm %0, %s, %s, %s, %s : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %0, %1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// Statistics computed at run time are left alone.
// CHECK-LABEL: func @dynamic_stats
// CHECK: kiln.batch_norm
func.func @dynamic_stats(%x: tensor<1x1x3x3xf32>, %mean: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %w = kiln.constant dense<1.0> : tensor<2x1x1x1xf32>
  %s = kiln.constant dense<1.0> : tensor<2xf32>
  %0 = kiln.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.batch_norm %0, %s, %s, %mean, %s : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %1 : tensor<1x2x3x3xf32>
}
