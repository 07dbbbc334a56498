// Invalid IR for the normalizations and the pools.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @case0(%x: tensor<2x3x4xf32>, %c: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.batch_norm' op scale has 4 values but the input has 3 channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %c, %c, %c, %c : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case1(%x: tensor<2x3x4xf32>, %c: tensor<3xf32>, %m: tensor<3x1xf32>) {
  // expected-error @+2 {{mean must be 1-D, got 'tensor<3x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %c, %c, %m, %c : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3x1xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case2(%x: tensor<3xf32>, %c: tensor<3xf32>) {
  // expected-error @+2 {{input must have rank >= 2 (N, C, ...), got 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %c, %c, %c, %c : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case3(%x: tensor<2x3x4xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{epsilon must be non-negative, got -1}}
  %0 = kiln.batch_norm %x, %c, %c, %c, %c {epsilon = -1.0 : f32} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @case4(%x: tensor<2x3x4xf32>, %c: tensor<3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3x4xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %c, %c, %c, %c : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x5xf32>
  return
}

// -----

func.func @case5(%x: tensor<2x6x4xf32>, %c: tensor<6xf32>) {
  // expected-error @+2 {{'kiln.group_norm' op 6 channels are not divisible into 4 groups}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.group_norm %x, %c, %c {num_groups = 4} : (tensor<2x6x4xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case6(%x: tensor<2x6x4xf32>, %c: tensor<6xf32>) {
  // expected-error @+2 {{num_groups must be at least 1, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.group_norm %x, %c, %c {num_groups = 0} : (tensor<2x6x4xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case7(%x: tensor<2x6x4xf32>, %c: tensor<6xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{bias has 3 values but the input has 6 channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.group_norm %x, %c, %b {num_groups = 2} : (tensor<2x6x4xf32>, tensor<6xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case8(%x: tensor<2x6x4xf32>, %c: tensor<6xf16>) {
  // expected-error @+2 {{'kiln.instance_norm' op scale has element type 'f16' but the input has 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.instance_norm %x, %c, %c : (tensor<2x6x4xf32>, tensor<6xf16>, tensor<6xf16>) -> tensor<*xf32>
  return
}

// -----

func.func @case9(%x: tensor<2x6x4xf32>, %c: tensor<6xf32>) {
  // expected-error @+1 {{epsilon must be non-negative}}
  %0 = kiln.instance_norm %x, %c, %c {epsilon = -0.5 : f32} : (tensor<2x6x4xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<2x6x4xf32>
  return
}

// -----

func.func @case10(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.layer_norm' op axis 3 is out of range for rank 3 (expected [-3, 2])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s {axis = 3} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case11(%x: tensor<2x3x4xf32>, %s: tensor<3x4xf32>) {
  // expected-error @+2 {{scale/bias of shape 3x4 does not broadcast to the normalized dims 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case12(%x: tensor<2x3x4xf32>, %s: tensor<5xf32>) {
  // expected-error @+2 {{scale/bias of shape 5 does not broadcast to the normalized dims 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s : (tensor<2x3x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case13(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+2 {{scale and bias must have the input's element type 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s, %b : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf16>) -> tensor<*xf32>
  return
}

// -----

func.func @case14(%x: tensor<1x2x5xf32>) {
  // expected-error @+2 {{'kiln.max_pool' op kernel_shape has 2 dims, so the input must have rank 4, got 1x2x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>} : (tensor<1x2x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case15(%x: tensor<1x2x5x5xf32>) {
  // expected-error @+2 {{kernel_shape must be positive, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.average_pool %x {kernel_shape = array<i64: 2, 0>} : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case16(%x: tensor<1x2x5x5xf32>) {
  // expected-error @+2 {{window of size 6 (dilation 1) does not fit spatial dim 0 of size 5 with pads 0+0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 6, 2>} : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case17(%x: tensor<1x2x5x5xf32>) {
  // expected-error @+2 {{auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got 'same_upper'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>, auto_pad = "same_upper"} : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case18(%x: tensor<1x2x5x5xf32>) {
  // expected-error @+2 {{pads has 3 values but the op has 4 spatial dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.average_pool %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case19(%x: tensor<1x2x5x5xf32>) {
  // expected-error @+2 {{strides must be positive, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 0, 1>} : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case20(%x: tensor<1x2x5x5xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x2x2x2xf32>' are incompatible with return type(s) of operation 'tensor<1x2x3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @case21(%x: tensor<1x2x5x5xi32>) {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>} : (tensor<1x2x5x5xi32>) -> tensor<*xi32>
  return
}

// -----

func.func @case22(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.global_average_pool' op input must have rank >= 3 (N, C, spatial...), got 2x3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.global_average_pool %x : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case23(%x: tensor<2x3x4x4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3x1x1xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.global_max_pool %x : (tensor<2x3x4x4xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Attributes are checked even when the input is unranked.
func.func @pool_unranked_bad_auto_pad(%x: tensor<*xf32>) {
  // expected-error @+2 {{auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got 'BAD'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool %x {kernel_shape = array<i64: 2, 2>, auto_pad = "BAD"} : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @pool_unranked_bad_kernel(%x: tensor<*xf32>) {
  // expected-error @+2 {{kernel_shape must be positive, got -2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.average_pool %x {kernel_shape = array<i64: -2>} : (tensor<*xf32>) -> tensor<*xf32>
  return
}
