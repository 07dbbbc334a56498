// Invalid IR for rnn/gru/lstm and dft/stft/det/col2im.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @lstm_w(%x: tensor<7x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x20x5xf32>, %e: tensor<0xf32>, %l: tensor<0xi32>) {
  // expected-error @+2 {{'kiln.lstm' op W must have shape 1x20x3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = kiln.lstm %x, %w, %r, %e, %l, %e, %e, %e {hidden_size = 5} : (tensor<7x2x3xf32>, tensor<1x16x3xf32>, tensor<1x20x5xf32>, tensor<0xf32>, tensor<0xi32>, tensor<0xf32>, tensor<0xf32>, tensor<0xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @gru_direction(%x: tensor<7x2x3xf32>, %w: tensor<1x15x3xf32>, %r: tensor<1x15x5xf32>, %e: tensor<0xf32>, %l: tensor<0xi32>) {
  // expected-error @+2 {{'kiln.gru' op direction must be forward, reverse or bidirectional, got 'both'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.gru %x, %w, %r, %e, %l, %e {direction = "both", hidden_size = 5} : (tensor<7x2x3xf32>, tensor<1x15x3xf32>, tensor<1x15x5xf32>, tensor<0xf32>, tensor<0xi32>, tensor<0xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @rnn_initial_h(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>, %e: tensor<0xf32>, %l: tensor<0xi32>, %h: tensor<1x3x5xf32>) {
  // expected-error @+2 {{'kiln.rnn' op initial_h must have shape 1x2x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.rnn %x, %w, %r, %e, %l, %h {hidden_size = 5} : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<0xf32>, tensor<0xi32>, tensor<1x3x5xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @dft_axis(%x: tensor<1x10x10x1xf32>, %n: tensor<0xi64>) {
  %a = kiln.constant dense<3> : tensor<i64>
  // expected-error @+2 {{'kiln.dft' op axis 3 must be in [-4, -2] or [0, 2] for rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n, %a : (tensor<1x10x10x1xf32>, tensor<0xi64>, tensor<i64>) -> tensor<*xf32>
  return
}

// -----

func.func @dft_complex(%x: tensor<1x10x3xf32>, %n: tensor<0xi64>, %a: tensor<i64>) {
  // expected-error @+2 {{'kiln.dft' op input must be [..., 1] (real) or [..., 2] (complex)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n, %a : (tensor<1x10x3xf32>, tensor<0xi64>, tensor<i64>) -> tensor<*xf32>
  return
}

// -----

func.func @det_square(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'kiln.det' op input must hold square matrices in its last two dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.det %x : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @col2im_block(%x: tensor<1x7x15xf32>) {
  %img = kiln.constant dense<[5, 5]> : tensor<2xi64>
  %blk = kiln.constant dense<[1, 5]> : tensor<2xi64>
  // expected-error @+2 {{'kiln.col2im' op input dim 1 (7) is not a multiple of the block size 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.col2im %x, %img, %blk : (tensor<1x7x15xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @dft_scalar(%x: tensor<f32>, %n: tensor<0xi64>, %a: tensor<i64>) {
  // expected-error @+2 {{'kiln.dft' op input must be [..., 1] (real) or [..., 2] (complex), got 'tensor<f32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.dft %x, %n, %a : (tensor<f32>, tensor<0xi64>, tensor<i64>) -> tensor<*xf32>
  return
}
