// RUN: %kiln-opt %s --split-input-file --kiln-fuse | %FileCheck %s
// RUN: %kiln-opt %s --split-input-file --kiln-fuse="level=2" | %FileCheck %s --check-prefix=L2

// conv + relu6 (clip 0..6): one fused_conv with a zero bias made up.
// CHECK-LABEL: func @conv_relu6
// CHECK: %[[Z:.*]] = kiln.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: kiln.fused_conv %arg0, %{{.*}}, %[[Z]] {activation = "clip", beta = 6.000000e+00 : f32}
// CHECK-NOT: kiln.clip
func.func @conv_relu6(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = kiln.constant dense<1.0> : tensor<2x1x1x1xf32>
  %0 = kiln.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.clip %0 {min = 0.0 : f64, max = 6.0 : f64} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %1 : tensor<1x2x3x3xf32>
}

// -----

// x * sigmoid(x) after a conv: silu, fused.
// CHECK-LABEL: func @conv_silu
// CHECK: kiln.fused_conv {{.*}}activation = "silu"
// CHECK-NOT: kiln.sigmoid
func.func @conv_silu(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x1x1xf32>, %b: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %0 = kiln.conv %x, %w, %b : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.sigmoid %0 : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %2 = kiln.mul %0, %1 : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %2 : tensor<1x2x3x3xf32>
}

// -----

// A conv whose result has another user keeps its activation separate.
// CHECK-LABEL: func @conv_two_users
// CHECK: kiln.conv
// CHECK: kiln.relu
// CHECK-NOT: kiln.fused_conv
func.func @conv_two_users(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x1x1xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %0 = kiln.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.relu %0 : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %0, %1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// conv + residual add + relu (ResNet's block tail) at level 3 only.
// CHECK-LABEL: func @conv_residual_relu
// CHECK: kiln.fused_conv %arg0, %arg1, %{{.*}}, %arg2 {activation = "relu"
// CHECK-NOT: kiln.add
// L2-LABEL: func @conv_residual_relu
// L2: kiln.conv
// L2: kiln.add
func.func @conv_residual_relu(%x: tensor<1x2x3x3xf32>, %w: tensor<2x2x1x1xf32>, %r: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %0 = kiln.conv %x, %w : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.add %0, %r : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %2 = kiln.relu %1 : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %2 : tensor<1x2x3x3xf32>
}

// -----

// matmul + bias + exact GELU as PyTorch exports it: one fused_matmul.
// CHECK-LABEL: func @matmul_bias_gelu
// CHECK: %[[F:.*]] = kiln.fused_matmul %arg0, %arg1, %arg2 {activation = "gelu"
// CHECK-NEXT: return %[[F]]
func.func @matmul_bias_gelu(%x: tensor<2x4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<2x4x16xf32> {
  %sqrt2 = kiln.constant dense<1.41421354> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %0 = kiln.matmul %x, %w : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
  %1 = kiln.add %0, %b : (tensor<2x4x16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  %2 = kiln.div %1, %sqrt2 : (tensor<2x4x16xf32>, tensor<f32>) -> tensor<2x4x16xf32>
  %3 = kiln.erf %2 : (tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %4 = kiln.add %3, %one : (tensor<2x4x16xf32>, tensor<f32>) -> tensor<2x4x16xf32>
  %5 = kiln.mul %1, %4 : (tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %6 = kiln.mul %5, %half : (tensor<2x4x16xf32>, tensor<f32>) -> tensor<2x4x16xf32>
  return %6 : tensor<2x4x16xf32>
}

// -----

// The tanh GELU: 0.5 * x * (1 + tanh(0.7978846 * (x + 0.044715 * x^3))).
// CHECK-LABEL: func @gelu_tanh
// CHECK: %[[G:.*]] = kiln.gelu %arg0 {approximate = "tanh"}
// CHECK-NEXT: return %[[G]]
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %three = kiln.constant dense<3.0> : tensor<f32>
  %k = kiln.constant dense<0.044715> : tensor<f32>
  %c = kiln.constant dense<0.797884583> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %0 = kiln.pow %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = kiln.mul %0, %k : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %2 = kiln.add %x, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = kiln.mul %2, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %4 = kiln.tanh %3 : (tensor<4xf32>) -> tensor<4xf32>
  %5 = kiln.add %4, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %6 = kiln.mul %half, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %7 = kiln.mul %6, %5 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %7 : tensor<4xf32>
}

// -----

// A wrong constant (0.4 instead of 0.5) is not a GELU.
// CHECK-LABEL: func @not_gelu
// CHECK-NOT: kiln.gelu
// CHECK: kiln.erf
func.func @not_gelu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %sqrt2 = kiln.constant dense<1.41421354> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.4> : tensor<f32>
  %2 = kiln.div %x, %sqrt2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = kiln.erf %2 : (tensor<4xf32>) -> tensor<4xf32>
  %4 = kiln.add %3, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %5 = kiln.mul %x, %4 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %6 = kiln.mul %5, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %6 : tensor<4xf32>
}

// -----

// LayerNorm written out (opset < 17 export) -> layer_norm at level 3.
// CHECK-LABEL: func @layer_norm
// CHECK: %[[L:.*]] = kiln.layer_norm %arg0, %arg1, %arg2 {axis = 2 : i64}
// CHECK-NEXT: return %[[L]]
func.func @layer_norm(%x: tensor<2x4x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  %two = kiln.constant dense<2.0> : tensor<f32>
  %eps = kiln.constant dense<1.0e-5> : tensor<f32>
  %m = kiln.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x4x8xf32>) -> tensor<2x4x1xf32>
  %d = kiln.sub %x, %m : (tensor<2x4x8xf32>, tensor<2x4x1xf32>) -> tensor<2x4x8xf32>
  %p = kiln.pow %d, %two : (tensor<2x4x8xf32>, tensor<f32>) -> tensor<2x4x8xf32>
  %v = kiln.reduce_mean %p {axes = array<i64: -1>} : (tensor<2x4x8xf32>) -> tensor<2x4x1xf32>
  %ve = kiln.add %v, %eps : (tensor<2x4x1xf32>, tensor<f32>) -> tensor<2x4x1xf32>
  %sd = kiln.sqrt %ve : (tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %n = kiln.div %d, %sd : (tensor<2x4x8xf32>, tensor<2x4x1xf32>) -> tensor<2x4x8xf32>
  %y = kiln.mul %n, %s : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  %z = kiln.add %y, %b : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %z : tensor<2x4x8xf32>
}

// -----

// RMSNorm: x * 1/sqrt(mean(x^2) + eps) * scale -> rms_norm.
// CHECK-LABEL: func @rms_norm
// CHECK: %[[R:.*]] = kiln.rms_norm %arg0, %arg1 {axis = 1 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NEXT: return %[[R]]
func.func @rms_norm(%x: tensor<3x8xf32>, %s: tensor<8xf32>) -> tensor<3x8xf32> {
  %eps = kiln.constant dense<1.0e-6> : tensor<f32>
  %p = kiln.mul %x, %x : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %v = kiln.reduce_mean %p {axes = array<i64: 1>} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %ve = kiln.add %v, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %sd = kiln.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %inv = kiln.reciprocal %sd : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = kiln.mul %x, %inv : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  %y = kiln.mul %n, %s : (tensor<3x8xf32>, tensor<8xf32>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// -----

// A mean over a non-trailing axis is not a norm.
// CHECK-LABEL: func @not_norm
// CHECK-NOT: kiln.rms_norm
// CHECK: kiln.reduce_mean
func.func @not_norm(%x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %eps = kiln.constant dense<1.0e-6> : tensor<f32>
  %p = kiln.mul %x, %x : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %v = kiln.reduce_mean %p {axes = array<i64: 0>} : (tensor<3x8xf32>) -> tensor<1x8xf32>
  %ve = kiln.add %v, %eps : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %sd = kiln.sqrt %ve : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %n = kiln.div %x, %sd : (tensor<3x8xf32>, tensor<1x8xf32>) -> tensor<3x8xf32>
  return %n : tensor<3x8xf32>
}

// -----

// Multi-head attention as exported: heads split by reshape + transpose,
// q k^T / sqrt(d) + mask, softmax, @ v, heads merged: one attention op.
// CHECK-LABEL: func @mha
// CHECK: %[[A:.*]] = kiln.attention %arg0, %arg1, %arg2, %arg3 {num_heads = 2 : i64, scale = 5.000000e-01 : f32} : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x1x1x3xf32>) -> tensor<1x3x8xf32>
// CHECK-NEXT: return %[[A]]
// L2-LABEL: func @mha
// L2: kiln.softmax
func.func @mha(%q: tensor<1x3x8xf32>, %k: tensor<1x3x8xf32>, %v: tensor<1x3x8xf32>, %mask: tensor<1x1x1x3xf32>) -> tensor<1x3x8xf32> {
  %split = kiln.constant dense<[1, 3, 2, 4]> : tensor<4xi64>
  %merge = kiln.constant dense<[1, 3, 8]> : tensor<3xi64>
  %d = kiln.constant dense<2.0> : tensor<f32>
  %q1 = kiln.reshape %q, %split : (tensor<1x3x8xf32>, tensor<4xi64>) -> tensor<1x3x2x4xf32>
  %q2 = kiln.transpose %q1 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x4xf32>) -> tensor<1x2x3x4xf32>
  %k1 = kiln.reshape %k, %split : (tensor<1x3x8xf32>, tensor<4xi64>) -> tensor<1x3x2x4xf32>
  %k2 = kiln.transpose %k1 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x2x4xf32>) -> tensor<1x2x4x3xf32>
  %v1 = kiln.reshape %v, %split : (tensor<1x3x8xf32>, tensor<4xi64>) -> tensor<1x3x2x4xf32>
  %v2 = kiln.transpose %v1 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x4xf32>) -> tensor<1x2x3x4xf32>
  %s = kiln.matmul %q2, %k2 : (tensor<1x2x3x4xf32>, tensor<1x2x4x3xf32>) -> tensor<1x2x3x3xf32>
  %s1 = kiln.div %s, %d : (tensor<1x2x3x3xf32>, tensor<f32>) -> tensor<1x2x3x3xf32>
  %s2 = kiln.add %s1, %mask : (tensor<1x2x3x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x2x3x3xf32>
  %p = kiln.softmax %s2 {axis = -1 : i64} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = kiln.matmul %p, %v2 : (tensor<1x2x3x3xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  %o1 = kiln.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x2x4xf32>
  %o2 = kiln.reshape %o1, %merge : (tensor<1x3x2x4xf32>, tensor<3xi64>) -> tensor<1x3x8xf32>
  return %o2 : tensor<1x3x8xf32>
}

// -----

// A softmax over another axis is not attention.
// CHECK-LABEL: func @not_attention
// CHECK-NOT: kiln.attention
// CHECK: kiln.softmax
func.func @not_attention(%q: tensor<3x4xf32>, %k: tensor<4x3xf32>, %v: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %s = kiln.matmul %q, %k : (tensor<3x4xf32>, tensor<4x3xf32>) -> tensor<3x3xf32>
  %p = kiln.softmax %s {axis = 0 : i64} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %o = kiln.matmul %p, %v : (tensor<3x3xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %o : tensor<3x4xf32>
}
