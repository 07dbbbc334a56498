// Invalid IR for softmax, the reductions and arg_max / arg_min.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @case0(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'kiln.reduce_sum' op axis 3 is out of range for rank 3 (expected [-3, 2])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_sum %x {axes = array<i64: 3>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case1(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{axis -4 is out of range for rank 3 (expected [-3, 2])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_mean %x {axes = array<i64: -4>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case2(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{axis -1 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_max %x {axes = array<i64: 2, -1>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case3(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x1x4xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_min %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @case4(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x4xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_prod %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return
}

// -----

func.func @case5(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'kiln.reduce_l1' op inferred type(s) 'tensor<1x1x1xf32>' are incompatible with return type(s) of operation 'tensor<*xf16>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_l1 %x : (tensor<2x3x4xf32>) -> tensor<*xf16>
  return
}

// -----

func.func @case6(%x: tensor<2x3xi1>) {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = kiln.reduce_l2 %x : (tensor<2x3xi1>) -> tensor<*xi1>
  return
}

// -----

func.func @case7(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.softmax' op axis 2 is out of range for rank 2 (expected [-2, 1])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.softmax %x {axis = 2} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case8(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{axis -3 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.log_softmax %x {axis = -3} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case9(%x: tensor<2x3xi32>) {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = kiln.softmax %x : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @case10(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.arg_max' op axis 2 is out of range for rank 2 (expected [-2, 1])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.arg_max %x {axis = 2} : (tensor<2x3xf32>) -> tensor<*xi64>
  return
}

// -----

func.func @case11(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2xi64>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.arg_min %x {axis = 1, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return
}

// -----

func.func @case12(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result #0 must be tensor of 64-bit signless integer values}}
  %0 = kiln.arg_max %x : (tensor<2x3xf32>) -> tensor<1x3xi32>
  return
}

// -----

func.func @case13(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3x4xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_sum_square %x {axes = array<i64>, noop_with_empty_axes = true} : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
  return
}

// -----

func.func @dynamic_axes_and_attribute(%x: tensor<2x3xf32>, %a: tensor<1xi64>) {
  // expected-error @+1 {{'kiln.reduce_sum' op takes its axes as the attribute or as an operand, not both}}
  %0 = kiln.reduce_sum %x, %a {axes = array<i64: 0>} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @dynamic_axes_rank(%x: tensor<2x3xf32>, %a: tensor<1x1xi64>) {
  // expected-error @+1 {{'kiln.reduce_mean' op axes operand must be a 1-D tensor, got 'tensor<1x1xi64>'}}
  %0 = kiln.reduce_mean %x, %a : (tensor<2x3xf32>, tensor<1x1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @dynamic_axes_too_many(%x: tensor<2x3xf32>, %a: tensor<3xi64>) {
  // expected-error @+2 {{'kiln.reduce_max' op axes has 3 values but the input has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_max %x, %a : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}
