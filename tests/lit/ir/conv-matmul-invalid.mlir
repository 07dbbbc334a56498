// Invalid IR for conv, conv_transpose, matmul, gemm and linear.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @case0(%x: tensor<3x8xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+2 {{'kiln.conv' op input must have rank >= 3 (N, C, spatial...), got 3x8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w : (tensor<3x8xf32>, tensor<4x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case1(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+2 {{weight has rank 3 but the input has rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case2(%x: tensor<1x3x8x8xf32>, %w: tensor<4x4x3x3xf32>) {
  // expected-error @+2 {{input has 3 channels but weight 4x4x3x3 with group 1 expects 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case3(%x: tensor<1x8x8x8xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+2 {{output channels 6 are not divisible by group 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {group = 4} : (tensor<1x8x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case4(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{group must be at least 1, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {group = 0} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case5(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+2 {{bias has 8 values but there are 4 output channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<8xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case6(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+2 {{bias must be 1-D, got 'tensor<1x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case7(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf16>) {
  // expected-error @+2 {{bias has element type 'f16' but the input has 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf16>) -> tensor<*xf32>
  return
}

// -----

func.func @case8(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) {
  // expected-error @+2 {{input and weight element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<*xf32>
  return
}

// -----

func.func @case9(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got 'SAME'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {auto_pad = "SAME"} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case10(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{strides has 1 values but the op has 2 spatial dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {strides = array<i64: 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case11(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{pads has 2 values but the op has 4 spatial dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case12(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{strides must be positive, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case13(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{dilations must be positive, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: -1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case14(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{pads must be non-negative, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {pads = array<i64: 0, -1, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case15(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{window of size 3 (dilation 4) does not fit spatial dim 0 of size 8 with pads 0+0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 4, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case16(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x4x8x8xf32>' are incompatible with return type(s) of operation 'tensor<1x4x6x6xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case17(%x: tensor<1x3x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{'kiln.conv_transpose' op input has 3 channels but weight 4x2x3x3 expects 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w : (tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case18(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{output_padding 2 must be smaller than the stride or the dilation}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, output_padding = array<i64: 2, 0>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case19(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{output_shape has 1 values but the op has 2 spatial dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {output_shape = array<i64: 10>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case20(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{output_shape must be positive, got -3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {output_shape = array<i64: -3, 5>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case21(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{spatial dim 0 would have size -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {pads = array<i64: 4, 0, 4, 0>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case22(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{bias has 3 values but there are 2 output channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w, %b : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case23(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x2x7x7xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x7x7xf32>
  return
}

// -----

func.func @case24(%a: tensor<f32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.matmul' op operands must have rank >= 1, got 'tensor<f32>' and 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<f32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case25(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{contraction dims differ: lhs 2x3 and rhs 4x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case26(%a: tensor<2x2x3xf32>, %b: tensor<4x3x5xf32>) {
  // expected-error @+2 {{operand shapes 2 and 4 are not broadcast-compatible (dim 0: 2 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x2x3xf32>, tensor<4x3x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case27(%a: tensor<2x3xf32>, %b: tensor<3x5xi32>) {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'i32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xi32>) -> tensor<*xf32>
  return
}

// -----

func.func @case28(%a: tensor<3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<5xf32>' are incompatible with return type(s) of operation 'tensor<1x5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<1x5xf32>
  return
}

// -----

func.func @case29(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{'kiln.gemm' op A must be 2-D, got 'tensor<2x3x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case30(%a: tensor<2x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+2 {{B must be 2-D, got 'tensor<5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<2x3xf32>, tensor<5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case31(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{inner dims differ: op(A) is 2x3, op(B) is 4x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case32(%a: tensor<2x3xf32>, %b: tensor<5x3xf32>) {
  // expected-error @+2 {{inner dims differ: op(A) is 3x2, op(B) is 3x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b {transA = true, transB = true} : (tensor<2x3xf32>, tensor<5x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case33(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<1x2x5xf32>) {
  // expected-error @+2 {{C must have rank <= 2, got 'tensor<1x2x5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<1x2x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case34(%a: tensor<1x3xf32>, %b: tensor<3x5xf32>, %c: tensor<3x5xf32>) {
  // expected-error @+2 {{C of shape 3x5 does not broadcast to 1x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b, %c : (tensor<1x3xf32>, tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case35(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4xf32>) {
  // expected-error @+2 {{operand shapes 2x5 and 4 are not broadcast-compatible (dim 1: 5 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case36(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<5xf16>) {
  // expected-error @+2 {{C has element type 'f16' but A has 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<5xf16>) -> tensor<*xf32>
  return
}

// -----

func.func @case37(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{inner dims differ: op(A) is 3x2, op(B) is 3x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b {transA = true} : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case38(%x: tensor<2x4xf32>, %w: tensor<5xf32>) {
  // expected-error @+2 {{'kiln.linear' op weight must be 2-D [out, in], got 'tensor<5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.linear %x, %w : (tensor<2x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case39(%x: tensor<2x4xf32>, %w: tensor<5x3xf32>) {
  // expected-error @+2 {{input has 4 features but weight 5x3 expects 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.linear %x, %w : (tensor<2x4xf32>, tensor<5x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case40(%x: tensor<2x4xf32>, %w: tensor<5x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{bias must be 1-D with 5 values, got 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.linear %x, %w, %b : (tensor<2x4xf32>, tensor<5x4xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case41(%x: tensor<f32>, %w: tensor<5x4xf32>) {
  // expected-error @+2 {{input must have rank >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.linear %x, %w : (tensor<f32>, tensor<5x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case42(%x: tensor<2x4xf32>, %w: tensor<5x4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x5xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.linear %x, %w : (tensor<2x4xf32>, tensor<5x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Attributes are checked even when the shapes are unknown.
func.func @conv_unranked_bad_auto_pad(%x: tensor<*xf32>, %w: tensor<*xf32>) {
  // expected-error @+2 {{auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got 'same'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv %x, %w {auto_pad = "same"} : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @conv_transpose_unranked_bad_group(%x: tensor<*xf32>, %w: tensor<*xf32>) {
  // expected-error @+2 {{group must be at least 1, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {group = 0} : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}
