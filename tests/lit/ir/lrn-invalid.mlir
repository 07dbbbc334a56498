// Invalid kiln.lrn (KilnNormOps.td).
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @size_zero(%x: tensor<1x4x3x3xf32>) {
  // expected-error @+1 {{'kiln.lrn' op size must be at least 1, got 0}}
  %0 = kiln.lrn %x {size = 0 : i64} : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @size_missing(%x: tensor<1x4x3x3xf32>) {
  // expected-error @+1 {{requires attribute 'size'}}
  %0 = kiln.lrn %x : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @rank_one(%x: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.lrn' op input must have rank 2 or more ([N, C, ...]), got 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.lrn %x {size = 3 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @int_input(%x: tensor<1x4x3xi32>) {
  // expected-error @+1 {{'kiln.lrn' op operand #0 must be tensor of}}
  %0 = kiln.lrn %x {size = 3 : i64} : (tensor<1x4x3xi32>) -> tensor<1x4x3xi32>
  return
}

// -----

func.func @nan_beta(%x: tensor<1x4x3xf32>) {
  // expected-error @+1 {{'kiln.lrn' op beta must be a finite number, got nan}}
  %0 = kiln.lrn %x {size = 3 : i64, beta = 0x7FC00000 : f32} : (tensor<1x4x3xf32>) -> tensor<1x4x3xf32>
  return
}

// -----

func.func @wrong_result(%x: tensor<1x4x3xf32>) {
  // expected-error @+1 {{'kiln.lrn' op}}
  %0 = kiln.lrn %x {size = 3 : i64} : (tensor<1x4x3xf32>) -> tensor<1x5x3xf32>
  return
}
