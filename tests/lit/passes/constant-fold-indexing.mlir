// Constant folding of the indexing family: ops with static result types are
// evaluated by the reference kernels; data-dependent sizes (non_zero,
// unique) stay for run time, and a kernel error (an index out of range, only
// known from the values) leaves the op for run time too.
// RUN: %kiln-opt %s --split-input-file --kiln-constant-fold | %FileCheck %s

// CHECK-LABEL: func @top_k_folds
// CHECK-NOT: kiln.top_k
// CHECK: kiln.constant {{.*}} : tensor<1x2xf32>
// CHECK: kiln.constant {{.*}} : tensor<1x2xi64>
// The two 5.0 (ties keep the lower index first: 1, 3).
// CHECK: folded: "0x400000000000A0400000A040"
// CHECK: folded_1: "0x4000000001000000000000000300000000000000"
func.func @top_k_folds() -> (tensor<1x2xf32>, tensor<1x2xi64>) {
  %x = kiln.constant dense<[[1.0, 5.0, 3.0, 5.0]]> : tensor<1x4xf32>
  %k = kiln.constant dense<2> : tensor<1xi64>
  %0:2 = kiln.top_k %x, %k : (tensor<1x4xf32>, tensor<1xi64>) -> (tensor<1x2xf32>, tensor<1x2xi64>)
  return %0#0, %0#1 : tensor<1x2xf32>, tensor<1x2xi64>
}

// -----

// CHECK-LABEL: func @data_dependent_stays
// CHECK: kiln.non_zero
// CHECK: kiln.unique
func.func @data_dependent_stays() -> (tensor<1x?xi64>, tensor<?xf32>) {
  %x = kiln.constant dense<[0.0, 2.0, 0.0, 2.0]> : tensor<4xf32>
  %0 = kiln.non_zero %x : (tensor<4xf32>) -> tensor<1x?xi64>
  %1:4 = kiln.unique %x : (tensor<4xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %0, %1#0 : tensor<1x?xi64>, tensor<?xf32>
}

// -----

// sequence_lens beyond the time dim: only the kernel sees it; the fold
// fails quietly and run time reports the error.
// CHECK-LABEL: func @kernel_error_stays
// CHECK: kiln.reverse_sequence
func.func @kernel_error_stays() -> tensor<2x2xf32> {
  %x = kiln.constant dense<1.0> : tensor<2x2xf32>
  %l = kiln.constant dense<[1, 3]> : tensor<2xi64>
  %0 = kiln.reverse_sequence %x, %l : (tensor<2x2xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
