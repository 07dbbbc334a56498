// Round-trip and type inference of conv, conv_transpose, matmul, gemm and
// linear.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip_conv
func.func @roundtrip_conv(%x: tensor<?x8x?x?xf32>, %w: tensor<16x2x3x3xf32>, %b: tensor<16xf32>, %u: tensor<*xf16>, %wu: tensor<*xf16>,
                          %x1: tensor<1x4x10xf32>, %w1: tensor<6x4x3xf32>, %wt: tensor<8x4x3x3xf32>) {
  // CHECK: kiln.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 2, 1>, group = 4 : i64, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 2>} : (tensor<?x8x?x?xf32>, tensor<16x2x3x3xf32>, tensor<16xf32>) -> tensor<?x16x?x?xf32>
  %0 = kiln.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 2, 1>, dilations = array<i64: 2, 1>, group = 4} : (tensor<?x8x?x?xf32>, tensor<16x2x3x3xf32>, tensor<16xf32>) -> tensor<?x16x?x?xf32>
  // No bias; auto_pad.
  // CHECK: kiln.conv %{{.*}}, %{{.*}} {auto_pad = "SAME_UPPER", group = 4 : i64} : (tensor<?x8x?x?xf32>, tensor<16x2x3x3xf32>) -> tensor<?x16x?x?xf32>
  %1 = kiln.conv %x, %w {auto_pad = "SAME_UPPER", group = 4} : (tensor<?x8x?x?xf32>, tensor<16x2x3x3xf32>) -> tensor<?x16x?x?xf32>
  // CHECK: kiln.conv %{{.*}}, %{{.*}} : (tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  %2 = kiln.conv %u, %wu : (tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  // CHECK: kiln.conv %{{.*}}, %{{.*}} {auto_pad = "VALID"} : (tensor<1x4x10xf32>, tensor<6x4x3xf32>) -> tensor<1x6x8xf32>
  %3 = kiln.conv %x1, %w1 {auto_pad = "VALID"} : (tensor<1x4x10xf32>, tensor<6x4x3xf32>) -> tensor<1x6x8xf32>
  // CHECK: kiln.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} {group = 4 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x8x?x?xf32>, tensor<8x4x3x3xf32>, tensor<16xf32>) -> tensor<?x16x?x?xf32>
  %4 = kiln.conv_transpose %x, %wt, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>, group = 4} : (tensor<?x8x?x?xf32>, tensor<8x4x3x3xf32>, tensor<16xf32>) -> tensor<?x16x?x?xf32>
  // CHECK: kiln.conv_transpose %{{.*}}, %{{.*}} {output_shape = array<i64: 20, 21>, strides = array<i64: 2, 2>} : (tensor<?x8x?x?xf32>, tensor<8x4x3x3xf32>) -> tensor<?x4x20x21xf32>
  %5 = kiln.conv_transpose %x, %wt {strides = array<i64: 2, 2>, output_shape = array<i64: 20, 21>} : (tensor<?x8x?x?xf32>, tensor<8x4x3x3xf32>) -> tensor<?x4x20x21xf32>
  // CHECK: kiln.conv_transpose %{{.*}}, %{{.*}} {auto_pad = "SAME_LOWER", dilations = array<i64: 2, 2>} : (tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  %6 = kiln.conv_transpose %u, %wu {auto_pad = "SAME_LOWER", dilations = array<i64: 2, 2>} : (tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  return
}

// CHECK-LABEL: func @roundtrip_matmul
func.func @roundtrip_matmul(%a: tensor<?x3x4xf32>, %b: tensor<4x?xf32>, %v: tensor<4xf32>, %i: tensor<2x3xi32>, %j: tensor<3x2xi32>, %u: tensor<*xf32>,
                            %c: tensor<2xi32>, %w: tensor<5x4xf32>, %bias: tensor<5xf32>) {
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<?x3x4xf32>, tensor<4x?xf32>) -> tensor<?x3x?xf32>
  %0 = kiln.matmul %a, %b : (tensor<?x3x4xf32>, tensor<4x?xf32>) -> tensor<?x3x?xf32>
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  %1 = kiln.matmul %v, %v : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<*xf32>, tensor<4xf32>) -> tensor<*xf32>
  %2 = kiln.matmul %u, %v : (tensor<*xf32>, tensor<4xf32>) -> tensor<*xf32>
  // CHECK: kiln.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, transA = true, transB = true} : (tensor<3x2xi32>, tensor<2x3xi32>, tensor<2xi32>) -> tensor<2x2xi32>
  %3 = kiln.gemm %j, %i, %c {alpha = 0.5 : f32, beta = 2.0 : f32, transA = true, transB = true} : (tensor<3x2xi32>, tensor<2x3xi32>, tensor<2xi32>) -> tensor<2x2xi32>
  // CHECK: kiln.gemm %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3x2xi32>) -> tensor<2x2xi32>
  %4 = kiln.gemm %i, %j : (tensor<2x3xi32>, tensor<3x2xi32>) -> tensor<2x2xi32>
  // CHECK: kiln.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<?x3x5xf32>
  %5 = kiln.linear %a, %w, %bias : (tensor<?x3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<?x3x5xf32>
  // CHECK: kiln.linear %{{.*}}, %{{.*}} : (tensor<*xf32>, tensor<5x4xf32>) -> tensor<*xf32>
  %6 = kiln.linear %u, %w : (tensor<*xf32>, tensor<5x4xf32>) -> tensor<*xf32>
  return
}

// INFER-LABEL: func @infer_conv
// INFER-SAME: -> (tensor<1x8x16x16xf32>, tensor<1x8x28x28xf32>, tensor<2x16x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x7x7xf32>, tensor<?x8x?x32xf32>, tensor<1x6x8xf32>, tensor<1x2x10x12xf32>, tensor<*xf32>, tensor<1x8x5x4xf32>)
func.func @infer_conv(%x: tensor<1x3x32x32xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>, %xg: tensor<2x8x10x10xf32>, %wg: tensor<16x2x3x3xf32>,
                      %x15: tensor<1x3x15x15xf32>, %xd: tensor<?x3x?x32xf32>, %x1: tensor<1x4x10xf32>, %w1: tensor<6x4x3xf32>,
                      %xa: tensor<1x1x10x10xf32>, %wa: tensor<2x1x3x3xf32>, %u: tensor<*xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // (32 + 2 - 3) / 2 + 1 = 16
  // INFER: kiln.conv {{.*}} -> tensor<1x8x16x16xf32>
  %0 = kiln.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<*xf32>
  // dilation 2: effective kernel 5, 32 - 5 + 1 = 28
  // INFER: kiln.conv {{.*}} -> tensor<1x8x28x28xf32>
  %1 = kiln.conv %x, %w {dilations = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>) -> tensor<*xf32>
  // 4 groups of 2 input channels
  // INFER: kiln.conv {{.*}} -> tensor<2x16x8x8xf32>
  %2 = kiln.conv %xg, %wg {group = 4} : (tensor<2x8x10x10xf32>, tensor<16x2x3x3xf32>) -> tensor<*xf32>
  // SAME_UPPER: ceil(15 / 2) = 8
  // INFER: kiln.conv {{.*}} -> tensor<1x8x8x8xf32>
  %3 = kiln.conv %x15, %w {auto_pad = "SAME_UPPER", strides = array<i64: 2, 2>} : (tensor<1x3x15x15xf32>, tensor<8x3x3x3xf32>) -> tensor<*xf32>
  // VALID: (15 - 3) / 2 + 1 = 7
  // INFER: kiln.conv {{.*}} -> tensor<1x8x7x7xf32>
  %4 = kiln.conv %x15, %w {auto_pad = "VALID", strides = array<i64: 2, 2>, pads = array<i64: 5, 5, 5, 5>} : (tensor<1x3x15x15xf32>, tensor<8x3x3x3xf32>) -> tensor<*xf32>
  // INFER: kiln.conv {{.*}} -> tensor<?x8x?x32xf32>
  %5 = kiln.conv %xd, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x3x?x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<*xf32>
  // INFER: kiln.conv {{.*}} -> tensor<1x6x8xf32>
  %6 = kiln.conv %x1, %w1 : (tensor<1x4x10xf32>, tensor<6x4x3xf32>) -> tensor<*xf32>
  // Asymmetric pads [h_begin, w_begin, h_end, w_end] = [0, 1, 2, 3]: h 10 + 2 - 2 = 10, w 10 + 4 - 2 = 12
  // INFER: kiln.conv {{.*}} -> tensor<1x2x10x12xf32>
  %7 = kiln.conv %xa, %wa {pads = array<i64: 0, 1, 2, 3>} : (tensor<1x1x10x10xf32>, tensor<2x1x3x3xf32>) -> tensor<*xf32>
  // INFER: kiln.conv {{.*}} -> tensor<*xf32>
  %8 = kiln.conv %u, %w : (tensor<*xf32>, tensor<8x3x3x3xf32>) -> tensor<*xf32>
  // SAME_LOWER, stride 3 and 4 with dilation: ceil(15 / 3) = 5, ceil(15 / 4) = 4
  // INFER: kiln.conv {{.*}} -> tensor<1x8x5x4xf32>
  %9 = kiln.conv %x15, %w {auto_pad = "SAME_LOWER", strides = array<i64: 3, 4>, dilations = array<i64: 2, 2>} : (tensor<1x3x15x15xf32>, tensor<8x3x3x3xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_conv_transpose
// INFER-SAME: -> (tensor<1x2x11x11xf32>, tensor<1x2x9x9xf32>, tensor<1x2x10x10xf32>, tensor<1x6x7x7xf32>, tensor<1x2x12x13xf32>, tensor<1x2x10x10xf32>, tensor<?x2x?x11xf32>, tensor<1x2x13x9xf32>)
func.func @infer_conv_transpose(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>, %wg: tensor<4x3x3x3xf32>, %xd: tensor<?x4x?x5xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // 2 * (5 - 1) + (3 - 1) + 1 = 11
  // INFER: kiln.conv_transpose {{.*}} -> tensor<1x2x11x11xf32>
  %0 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  // INFER: kiln.conv_transpose {{.*}} -> tensor<1x2x9x9xf32>
  %1 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  // INFER: kiln.conv_transpose {{.*}} -> tensor<1x2x10x10xf32>
  %2 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  // group 2: M = 3 * 2 = 6; 5 - 1 + 2 + 1 = 7
  // INFER: kiln.conv_transpose {{.*}} -> tensor<1x6x7x7xf32>
  %3 = kiln.conv_transpose %x, %wg {group = 2} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  // INFER: kiln.conv_transpose {{.*}} -> tensor<1x2x12x13xf32>
  %4 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, output_shape = array<i64: 12, 13>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  // SAME_UPPER: in * stride
  // INFER: kiln.conv_transpose {{.*}} -> tensor<1x2x10x10xf32>
  %5 = kiln.conv_transpose %x, %w {auto_pad = "SAME_UPPER", strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  // INFER: kiln.conv_transpose {{.*}} -> tensor<?x2x?x11xf32>
  %6 = kiln.conv_transpose %xd, %w {strides = array<i64: 2, 2>} : (tensor<?x4x?x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  // h: s=3, d=2, pads 2+2: 3 * 4 + 2 * 2 + 1 - 4 = 13; w: s=1, d=3, output_padding 2: 4 + 2 + 2 * 3 + 1 - 4 = 9
  // INFER: kiln.conv_transpose {{.*}} -> tensor<1x2x13x9xf32>
  %7 = kiln.conv_transpose %x, %w {strides = array<i64: 3, 1>, dilations = array<i64: 2, 3>, pads = array<i64: 2, 2, 2, 2>, output_padding = array<i64: 0, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_matmul
// INFER-SAME: -> (tensor<2x3x5xf32>, tensor<5xf32>, tensor<2x3xf32>, tensor<f32>, tensor<?x5x3x6xf32>, tensor<*xf32>, tensor<3x?xf32>, tensor<7x2x3x5xf32>)
func.func @infer_matmul(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %v: tensor<4xf32>, %c: tensor<?x1x3x4xf32>, %d: tensor<5x4x6xf32>, %u: tensor<*xf32>,
                        %e: tensor<3x?xf32>, %f: tensor<?x?xf32>, %g: tensor<7x1x3x4xf32>, %h: tensor<2x4x5xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.matmul {{.*}} -> tensor<2x3x5xf32>
  %0 = kiln.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  // 1-D lhs: promoted to 1x4, then the 1 removed
  // INFER: kiln.matmul {{.*}} -> tensor<5xf32>
  %1 = kiln.matmul %v, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  // INFER: kiln.matmul {{.*}} -> tensor<2x3xf32>
  %2 = kiln.matmul %a, %v : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<*xf32>
  // INFER: kiln.matmul {{.*}} -> tensor<f32>
  %3 = kiln.matmul %v, %v : (tensor<4xf32>, tensor<4xf32>) -> tensor<*xf32>
  // batch dims broadcast: [?, 1] with [5] -> [?, 5]
  // INFER: kiln.matmul {{.*}} -> tensor<?x5x3x6xf32>
  %4 = kiln.matmul %c, %d : (tensor<?x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<*xf32>
  // INFER: kiln.matmul {{.*}} -> tensor<*xf32>
  %5 = kiln.matmul %u, %b : (tensor<*xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  // INFER: kiln.matmul {{.*}} -> tensor<3x?xf32>
  %6 = kiln.matmul %e, %f : (tensor<3x?xf32>, tensor<?x?xf32>) -> tensor<*xf32>
  // INFER: kiln.matmul {{.*}} -> tensor<7x2x3x5xf32>
  %7 = kiln.matmul %g, %h : (tensor<7x1x3x4xf32>, tensor<2x4x5xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_gemm_linear
// INFER-SAME: -> (tensor<3x5xf32>, tensor<4x4xf32>, tensor<?x5xf32>, tensor<3x5xf32>, tensor<2x?x16xf32>, tensor<16xf32>, tensor<*xf32>)
func.func @infer_gemm_linear(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>, %c2: tensor<3x1xf32>, %ad: tensor<?x4xf32>, %u: tensor<*xf32>,
                             %x: tensor<2x?x8xf32>, %w: tensor<16x8xf32>, %bias: tensor<16xf32>, %v: tensor<8xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // op(A) = A^T is 3x4, op(B) = B^T is 4x5
  // INFER: kiln.gemm {{.*}} -> tensor<3x5xf32>
  %0 = kiln.gemm %a, %b, %c {transA = true, transB = true} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  // A (4x3) x A^T (3x4)
  // INFER: kiln.gemm {{.*}} -> tensor<4x4xf32>
  %1 = kiln.gemm %a, %a {transB = true, alpha = 2.0 : f32} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<*xf32>
  // INFER: kiln.gemm {{.*}} -> tensor<?x5xf32>
  %2 = kiln.gemm %ad, %b, %c {transB = true} : (tensor<?x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  // C of 3x1 broadcasts to 3x5
  // INFER: kiln.gemm {{.*}} -> tensor<3x5xf32>
  %3 = kiln.gemm %a, %b, %c2 {transA = true, transB = true, beta = 0.5 : f32} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // INFER: kiln.linear {{.*}} -> tensor<2x?x16xf32>
  %4 = kiln.linear %x, %w, %bias : (tensor<2x?x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<*xf32>
  // INFER: kiln.linear {{.*}} -> tensor<16xf32>
  %5 = kiln.linear %v, %w : (tensor<8xf32>, tensor<16x8xf32>) -> tensor<*xf32>
  // INFER: kiln.linear {{.*}} -> tensor<*xf32>
  %6 = kiln.linear %u, %w, %bias : (tensor<*xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
