// Round trip and type inference of rnn/gru/lstm (KilnRecurrentOps.td) and
// dft/stft/det/col2im (KilnSignalOps.td).
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @recurrent
func.func @recurrent(%x: tensor<7x2x3xf32>, %w: tensor<2x20x3xf32>, %r: tensor<2x20x5xf32>, %b: tensor<2x40xf32>, %e: tensor<0xf32>, %l: tensor<0xi32>, %wg: tensor<1x15x3xf32>, %rg: tensor<1x15x5xf32>, %w1: tensor<1x5x3xf32>, %r1: tensor<1x5x5xf32>, %xb: tensor<2x7x3xf32>) {
  // CHECK: kiln.lstm {{.*}} {direction = "bidirectional", hidden_size = 5 : i64} : (tensor<7x2x3xf32>, tensor<2x20x3xf32>, tensor<2x20x5xf32>, tensor<2x40xf32>, tensor<0xi32>, tensor<0xf32>, tensor<0xf32>, tensor<0xf32>) -> (tensor<7x2x2x5xf32>, tensor<2x2x5xf32>, tensor<2x2x5xf32>)
  %0:3 = kiln.lstm %x, %w, %r, %b, %l, %e, %e, %e {direction = "bidirectional", hidden_size = 5} : (tensor<7x2x3xf32>, tensor<2x20x3xf32>, tensor<2x20x5xf32>, tensor<2x40xf32>, tensor<0xi32>, tensor<0xf32>, tensor<0xf32>, tensor<0xf32>) -> (tensor<7x2x2x5xf32>, tensor<2x2x5xf32>, tensor<2x2x5xf32>)
  // CHECK: kiln.gru {{.*}} {activations = "Sigmoid,Relu", clip = 2.500000e+00 : f64, hidden_size = 5 : i64, linear_before_reset = true} : {{.*}} -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  %1:2 = kiln.gru %x, %wg, %rg, %e, %l, %e {activations = "Sigmoid,Relu", clip = 2.5, hidden_size = 5, linear_before_reset = true} : (tensor<7x2x3xf32>, tensor<1x15x3xf32>, tensor<1x15x5xf32>, tensor<0xf32>, tensor<0xi32>, tensor<0xf32>) -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  // CHECK: kiln.rnn {{.*}} {activation_alpha = array<f32: 5.000000e-01>, activations = "LeakyRelu", hidden_size = 5 : i64, layout = 1 : i64} : {{.*}} -> (tensor<2x7x1x5xf32>, tensor<2x1x5xf32>)
  %2:2 = kiln.rnn %xb, %w1, %r1, %e, %l, %e {activation_alpha = array<f32: 0.5>, activations = "LeakyRelu", hidden_size = 5, layout = 1} : (tensor<2x7x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<0xf32>, tensor<0xi32>, tensor<0xf32>) -> (tensor<2x7x1x5xf32>, tensor<2x1x5xf32>)
  return
}

// CHECK-LABEL: func @signal
func.func @signal(%x: tensor<1x10x10x1xf32>, %n: tensor<0xi64>, %a: tensor<i64>, %s: tensor<1x128x1xf32>, %m: tensor<3x4x4xf64>, %c: tensor<1x5x15xf32>, %i: tensor<2xi64>) {
  // CHECK: kiln.dft {{.*}} {onesided = true} : (tensor<1x10x10x1xf32>, tensor<0xi64>, tensor<i64>) -> tensor<?x?x?x2xf32>
  %0 = kiln.dft %x, %n, %a {onesided = true} : (tensor<1x10x10x1xf32>, tensor<0xi64>, tensor<i64>) -> tensor<?x?x?x2xf32>
  // CHECK: kiln.stft {{.*}} : (tensor<1x128x1xf32>, tensor<i64>, tensor<0xf32>, tensor<i64>) -> tensor<1x?x?x2xf32>
  %e = kiln.constant dense<> : tensor<0xf32>
  %1 = kiln.stft %s, %a, %e, %a : (tensor<1x128x1xf32>, tensor<i64>, tensor<0xf32>, tensor<i64>) -> tensor<1x?x?x2xf32>
  // CHECK: kiln.det {{.*}} : (tensor<3x4x4xf64>) -> tensor<3xf64>
  %2 = kiln.det %m : (tensor<3x4x4xf64>) -> tensor<3xf64>
  // CHECK: kiln.col2im {{.*}} {pads = array<i64: 0, 1, 0, 1>} : (tensor<1x5x15xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x?x?x?xf32>
  %3 = kiln.col2im %c, %i, %i {pads = array<i64: 0, 1, 0, 1>} : (tensor<1x5x15xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x?x?x?xf32>
  return
}

// INFER-LABEL: func @infer
func.func @infer(%x: tensor<1x10x10x1xf32>, %s: tensor<1x128x1xf32>, %c: tensor<1x5x15xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %n = kiln.constant dense<> : tensor<0xi64>
  %a = kiln.constant dense<1> : tensor<i64>
  // INFER: kiln.dft {{.*}} -> tensor<1x6x10x2xf32>
  %0 = kiln.dft %x, %n, %a {onesided = true} : (tensor<1x10x10x1xf32>, tensor<0xi64>, tensor<i64>) -> tensor<*xf32>
  %step = kiln.constant dense<8> : tensor<i64>
  %len = kiln.constant dense<16> : tensor<i64>
  %e = kiln.constant dense<> : tensor<0xf32>
  // INFER: kiln.stft {{.*}} -> tensor<1x15x9x2xf32>
  %1 = kiln.stft %s, %step, %e, %len : (tensor<1x128x1xf32>, tensor<i64>, tensor<0xf32>, tensor<i64>) -> tensor<*xf32>
  %img = kiln.constant dense<[5, 5]> : tensor<2xi64>
  %blk = kiln.constant dense<[1, 5]> : tensor<2xi64>
  // INFER: kiln.col2im {{.*}} -> tensor<1x1x5x5xf32>
  %2 = kiln.col2im %c, %img, %blk {pads = array<i64: 0, 1, 0, 1>} : (tensor<1x5x15xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  // An inverse onesided transform gives a real signal of length 2 (m - 1).
  %y = kiln.constant dense<0.0> : tensor<1x6x10x2xf32>
  // INFER: kiln.dft {{.*}} -> tensor<1x10x10x1xf32>
  %3 = kiln.dft %y, %n, %a {inverse = true, onesided = true} : (tensor<1x6x10x2xf32>, tensor<0xi64>, tensor<i64>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
