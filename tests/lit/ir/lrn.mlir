// Round trip, type inference and folding of kiln.lrn (KilnNormOps.td).
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s --check-prefix=FOLD

// CHECK-LABEL: func @roundtrip
func.func @roundtrip(%x: tensor<?x8x5x5xf32>, %h: tensor<2x3xf16>) -> (tensor<?x8x5x5xf32>, tensor<2x3xf16>) {
  // CHECK: kiln.lrn %{{.*}} {alpha = 2.000000e-04 : f32, beta = 5.000000e-01 : f32, bias = 2.000000e+00 : f32, size = 3 : i64} : (tensor<?x8x5x5xf32>) -> tensor<?x8x5x5xf32>
  %0 = kiln.lrn %x {size = 3 : i64, alpha = 2.0e-4 : f32, beta = 0.5 : f32, bias = 2.0 : f32} : (tensor<?x8x5x5xf32>) -> tensor<?x8x5x5xf32>
  // CHECK: kiln.lrn %{{.*}} {size = 4 : i64} : (tensor<2x3xf16>) -> tensor<2x3xf16>
  %1 = kiln.lrn %h {size = 4 : i64} : (tensor<2x3xf16>) -> tensor<2x3xf16>
  return %0, %1 : tensor<?x8x5x5xf32>, tensor<2x3xf16>
}

// The result type is the input's: a refined declared result stays, an
// unranked one becomes the input's type.
// INFER-LABEL: func @infer
// INFER: kiln.lrn %{{.*}} {size = 5 : i64} : (tensor<1x16x7x7xf32>) -> tensor<1x16x7x7xf32>
func.func @infer(%x: tensor<1x16x7x7xf32>) -> tensor<*xf32> {
  %0 = kiln.lrn %x {size = 5 : i64} : (tensor<1x16x7x7xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// Folding on constants; expected values from numpy in float64 (alpha as
// float32), rounded to float32. Size 2 shows ONNX's asymmetric window: each
// channel sums itself and the next one (the last one only itself).
// FOLD-LABEL: func @fold_odd
// FOLD: kiln.constant dense<[{{\[}}[0.737787{{[0-9]*}}], [1.037221{{[0-9]*}}], [1.080992{{[0-9]*}}], [1.563179{{[0-9]*}}]]]> : tensor<1x4x1xf32>
// FOLD-NOT: kiln.lrn
func.func @fold_odd() -> tensor<1x4x1xf32> {
  %c = kiln.constant dense<[[[1.0], [2.0], [3.0], [4.0]]]> : tensor<1x4x1xf32>
  %0 = kiln.lrn %c {size = 3 : i64, alpha = 0.3 : f32} : (tensor<1x4x1xf32>) -> tensor<1x4x1xf32>
  return %0 : tensor<1x4x1xf32>
}

// FOLD-LABEL: func @fold_even
// FOLD: kiln.constant dense<[{{\[}}[0.603022{{[0-9]*}}], [1.006309{{[0-9]*}}], [1.251086{{[0-9]*}}], [1.906925{{[0-9]*}}]]]> : tensor<1x4x1xf32>
// FOLD-NOT: kiln.lrn
func.func @fold_even() -> tensor<1x4x1xf32> {
  %c = kiln.constant dense<[[[1.0], [2.0], [3.0], [4.0]]]> : tensor<1x4x1xf32>
  %0 = kiln.lrn %c {size = 2 : i64, alpha = 0.3 : f32, beta = 0.5 : f32, bias = 2.0 : f32} : (tensor<1x4x1xf32>) -> tensor<1x4x1xf32>
  return %0 : tensor<1x4x1xf32>
}
