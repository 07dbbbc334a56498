// RUN: %kiln-opt %s --split-input-file --kiln-constant-fold | %FileCheck %s
// RUN: %kiln-opt %s --split-input-file --kiln-constant-fold="growth-bytes=0 max-elements=4" | %FileCheck %s --check-prefix=LIMIT

// A conv on constants is evaluated by the reference kernels.
// CHECK-LABEL: func @conv_of_constants
// CHECK-NOT: kiln.conv
// CHECK: %[[C:.*]] = kiln.constant dense_resource<folded> : tensor<1x2x3x3xf32>
// CHECK: return %[[C]]
// 1x1 conv with weights [1, 2] on all-ones: channel 0 all 1.0, channel 1 all 2.0
// CHECK: folded: "0x400000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F000000400000004000000040000000400000004000000040000000400000004000000040"
// LIMIT-LABEL: func @conv_of_constants
// LIMIT: kiln.conv
func.func @conv_of_constants() -> tensor<1x2x3x3xf32> {
  %x = kiln.constant dense<1.0> : tensor<1x1x3x3xf32>
  %w = kiln.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %0 = kiln.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Growth rule: a broadcast from 4 bytes to 4 KiB is within the default
// 64 KiB allowance, but not within growth-bytes=0.
// CHECK-LABEL: func @expand
// CHECK-NOT: kiln.expand
// LIMIT-LABEL: func @expand
// LIMIT: kiln.expand
func.func @expand() -> tensor<32x32xf32> {
  %x = kiln.constant dense<3.0> : tensor<1xf32>
  %s = kiln.constant dense<[32, 32]> : tensor<2xi64>
  %0 = kiln.expand %x, %s : (tensor<1xf32>, tensor<2xi64>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// Identical constants (two resource blobs with the same bytes) are shared;
// ops on run-time values stay, dead ops go.
// CHECK-LABEL: func @shared
// CHECK: %[[A:.*]] = kiln.constant dense_resource<blob_a>
// CHECK-NOT: kiln.constant
// CHECK-NOT: kiln.neg
// CHECK: kiln.add %arg0, %[[A]]
// CHECK: kiln.mul %{{.*}}, %[[A]]
func.func @shared(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = kiln.constant dense_resource<blob_a> : tensor<2xf32>
  %b = kiln.constant dense_resource<blob_b> : tensor<2xf32>
  %dead = kiln.neg %x : (tensor<2xf32>) -> tensor<2xf32>
  %0 = kiln.add %x, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = kiln.mul %0, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob_a: "0x040000000000803F00000040",
      blob_b: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Different contents are not shared.
// CHECK-LABEL: func @not_shared
// CHECK: kiln.constant dense<1.000000e+00>
// CHECK: kiln.constant dense<2.000000e+00>
func.func @not_shared(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = kiln.constant dense<1.0> : tensor<2xf32>
  %b = kiln.constant dense<2.0> : tensor<2xf32>
  %0 = kiln.add %x, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = kiln.mul %0, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}
