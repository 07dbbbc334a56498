// RUN: %kiln-opt %s --split-input-file --verify-diagnostics | %FileCheck %s
// RUN: %kiln-opt %s --split-input-file --verify-diagnostics | %kiln-opt --split-input-file | %FileCheck %s

// Round trip of the fused ops; their result types are inferred (the
// shape-inference pass refines a `?` through them).
// CHECK-LABEL: func @round_trip
// CHECK: kiln.fused_conv %arg0, %arg1, %arg2, %arg3 {activation = "relu", strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK: kiln.fused_matmul %arg4, %arg5, %arg6 {activation = "leaky_relu", alpha = 1.000000e-01 : f32, trans_b = true} : (tensor<2x3x8xf32>, tensor<5x8xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
// CHECK: kiln.rms_norm %arg4, %arg7 {epsilon = 9.99999997E-7 : f32} : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
// CHECK: kiln.attention %arg4, %arg4, %arg4 {num_heads = 2 : i64, scale = 5.000000e-01 : f32} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
func.func @round_trip(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x3x3xf32>, %b: tensor<2xf32>, %r: tensor<1x2x2x2xf32>,
                      %a: tensor<2x3x8xf32>, %m: tensor<5x8xf32>, %mb: tensor<5xf32>, %s: tensor<8xf32>) {
  %0 = kiln.fused_conv %x, %w, %b, %r {activation = "relu", strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %1 = kiln.fused_matmul %a, %m, %mb {activation = "leaky_relu", alpha = 0.1 : f32, trans_b = true} : (tensor<2x3x8xf32>, tensor<5x8xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
  %2 = kiln.rms_norm %a, %s {epsilon = 1.0e-6 : f32} : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %3 = kiln.attention %a, %a, %a {num_heads = 2 : i64, scale = 0.5 : f32} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @bad_activation(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x1x1xf32>, %b: tensor<1xf32>) {
  // expected-error @+1 {{unknown activation 'swoosh'}}
  %0 = kiln.fused_conv %x, %w, %b {activation = "swoosh"} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @bad_residual(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x1x1xf32>, %b: tensor<1xf32>, %r: tensor<1x2x3x3xf32>) {
  // expected-error @+2 {{residual of shape 1x2x3x3 does not broadcast to the result 1x1x3x3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.fused_conv %x, %w, %b, %r : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1x2x3x3xf32>) -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @bad_inner(%a: tensor<2x8xf32>, %m: tensor<7x5xf32>, %b: tensor<5xf32>) {
  // expected-error @+2 {{have different inner dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.fused_matmul %a, %m, %b : (tensor<2x8xf32>, tensor<7x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @bad_heads(%a: tensor<2x3x8xf32>) {
  // expected-error @+2 {{a feature dim of 8 does not split into 3 heads}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.attention %a, %a, %a {num_heads = 3 : i64} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @bad_mask(%a: tensor<2x3x8xf32>, %m: tensor<4x4xf32>) {
  // expected-error @+2 {{mask of shape 4x4 does not broadcast to the scores 2x2x3x3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.attention %a, %a, %a, %m {num_heads = 2 : i64} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<4x4xf32>) -> tensor<2x3x8xf32>
  return
}
