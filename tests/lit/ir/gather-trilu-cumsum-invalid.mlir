// Invalid IR for gather_elements, trilu, cum_sum, hardmax, pad's
// constant_value and split's run-time sizes.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @gather_elements_rank(%x: tensor<2x3xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{'kiln.gather_elements' op indices must have the rank of data (2), got rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_elements_axis(%x: tensor<2x3xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+2 {{'kiln.gather_elements' op axis 2 is out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i {axis = 2} : (tensor<2x3xf32>, tensor<2x3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_elements_larger(%x: tensor<2x3xf32>, %i: tensor<2x4xi64>) {
  // expected-error @+2 {{'kiln.gather_elements' op indices shape 2x4 is larger than the data shape 2x3 in dim 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i {axis = 0} : (tensor<2x3xf32>, tensor<2x4xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @trilu_rank(%x: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.trilu' op input must have rank >= 2, got 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.trilu %x : (tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @trilu_k(%x: tensor<3x3xf32>, %k: tensor<2xi64>) {
  // expected-error @+2 {{'kiln.trilu' op k must be a scalar (0-D or one element), got 'tensor<2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.trilu %x, %k : (tensor<3x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @cum_sum_axis_shape(%x: tensor<3x3xf32>, %a: tensor<1x1xi64>) {
  // expected-error @+2 {{'kiln.cum_sum' op axis must be a scalar (0-D or one element), got 'tensor<1x1xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cum_sum %x, %a : (tensor<3x3xf32>, tensor<1x1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @cum_sum_axis_range(%x: tensor<3x3xf32>) {
  %a = kiln.constant dense<2> : tensor<i64>
  // expected-error @+2 {{'kiln.cum_sum' op axis 2 is out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cum_sum %x, %a : (tensor<3x3xf32>, tensor<i64>) -> tensor<*xf32>
  return
}

// -----

func.func @hardmax_axis(%x: tensor<3x3xf32>) {
  // expected-error @+2 {{'kiln.hardmax' op axis -3 is out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.hardmax %x {axis = -3} : (tensor<3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @pad_value_type(%x: tensor<3xf32>, %p: tensor<2xi64>, %v: tensor<f64>) {
  // expected-error @+1 {{'kiln.pad' op constant_value element type 'f64' differs from the input's 'f32'}}
  %0 = kiln.pad %x, %p, %v : (tensor<3xf32>, tensor<2xi64>, tensor<f64>) -> tensor<?xf32>
  return
}

// -----

func.func @pad_value_shape(%x: tensor<3xf32>, %p: tensor<2xi64>, %v: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.pad' op constant_value must be a scalar (0-D or one element), got 'tensor<2xf32>'}}
  %0 = kiln.pad %x, %p, %v : (tensor<3xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @split_both(%x: tensor<4xf32>, %s: tensor<2xi64>) {
  // expected-error @+2 {{'kiln.split' op split is given both as an attribute and as an operand}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.split %x, %s {num_outputs = 2, split = array<i64: 2, 2>} : (tensor<4xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_count(%x: tensor<4xf32>, %s: tensor<3xi64>) {
  // expected-error @+2 {{'kiln.split' op split has 3 sizes but num_outputs is 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.split %x, %s {num_outputs = 2} : (tensor<4xf32>, tensor<3xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_sum(%x: tensor<4xf32>) {
  %s = kiln.constant dense<[1, 2]> : tensor<2xi64>
  // expected-error @+2 {{'kiln.split' op split sizes add up to 3 but dim 0 has size 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.split %x, %s {num_outputs = 2} : (tensor<4xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}
