// Invalid IR for the indexing family (KilnIndexingOps.td).
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @scatter_nd_updates(%x: tensor<4x5xf32>, %i: tensor<3x1xi64>, %u: tensor<3x4xf32>) {
  // expected-error @+2 {{'kiln.scatter_nd' op updates must have shape 3x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.scatter_nd %x, %i, %u : (tensor<4x5xf32>, tensor<3x1xi64>, tensor<3x4xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @scatter_nd_reduction(%x: tensor<4x5xf32>, %i: tensor<3x1xi64>, %u: tensor<3x5xf32>) {
  // expected-error @+2 {{'kiln.scatter_nd' op reduction must be none, add, mul, max or min, got 'sum'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.scatter_nd %x, %i, %u {reduction = "sum"} : (tensor<4x5xf32>, tensor<3x1xi64>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @scatter_elements_rank(%x: tensor<4x5xf32>, %i: tensor<3xi64>, %u: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.scatter_elements' op indices must have the rank of data (2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.scatter_elements %x, %i, %u : (tensor<4x5xf32>, tensor<3xi64>, tensor<3xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @scatter_elements_type(%x: tensor<4x5xf32>, %i: tensor<4x5xi64>, %u: tensor<4x5xf16>) {
  // expected-error @+2 {{'kiln.scatter_elements' op updates element type 'f16' differs from data's 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.scatter_elements %x, %i, %u : (tensor<4x5xf32>, tensor<4x5xi64>, tensor<4x5xf16>) -> tensor<4x5xf32>
  return
}

// -----

func.func @gather_nd_tuple(%x: tensor<4x5xf32>, %i: tensor<3x3xi64>) {
  // expected-error @+2 {{'kiln.gather_nd' op index tuples have 3 entries; with batch_dims 0 they must be in [1, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather_nd %x, %i : (tensor<4x5xf32>, tensor<3x3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @top_k_too_many(%x: tensor<4x5xf32>) {
  %k = kiln.constant dense<6> : tensor<1xi64>
  // expected-error @+2 {{'kiln.top_k' op k 6 is larger than dim 1 of the input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.top_k %x, %k : (tensor<4x5xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return
}

// -----

func.func @one_hot_values(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.one_hot' op values must be a 1-D tensor of two elements [off, on]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.one_hot %i, %d, %v : (tensor<3xi64>, tensor<i64>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @compress_condition(%x: tensor<4x5xf32>, %c: tensor<2x2xi1>) {
  // expected-error @+2 {{'kiln.compress' op condition must be 1-D}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.compress %x, %c : (tensor<4x5xf32>, tensor<2x2xi1>) -> tensor<*xf32>
  return
}

// -----

func.func @reverse_sequence_axes(%x: tensor<4x5x6xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{'kiln.reverse_sequence' op batch_axis and time_axis must be 0 and 1 in either order}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reverse_sequence %x, %l {batch_axis = 0, time_axis = 2} : (tensor<4x5x6xf32>, tensor<4xi64>) -> tensor<4x5x6xf32>
  return
}

// -----

func.func @grid_sample_mode(%x: tensor<1x1x4x4xf32>, %g: tensor<1x2x2x2xf32>) {
  // expected-error @+2 {{'kiln.grid_sample' op mode must be linear, nearest or cubic, got 'bilinear'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.grid_sample %x, %g {mode = "bilinear"} : (tensor<1x1x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @grid_sample_grid(%x: tensor<1x1x4x4xf32>, %g: tensor<1x2x2x3xf32>) {
  // expected-error @+2 {{'kiln.grid_sample' op the last dim of grid must be 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.grid_sample %x, %g : (tensor<1x1x4x4xf32>, tensor<1x2x2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @nms_boxes(%b: tensor<1x6x5xf32>, %s: tensor<1x2x6xf32>, %m: tensor<1xi64>, %t: tensor<1xf32>) {
  // expected-error @+2 {{'kiln.non_max_suppression' op boxes must have shape [batch, boxes, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.non_max_suppression %b, %s, %m, %t, %t : (tensor<1x6x5xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @center_crop_pad_count(%x: tensor<4x5xf32>) {
  %s = kiln.constant dense<[1, 2, 3]> : tensor<3xi64>
  // expected-error @+2 {{'kiln.center_crop_pad' op shape has 3 entries but there are 2 axes}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.center_crop_pad %x, %s : (tensor<4x5xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @scatter_nd_constant_index(%x: tensor<4x5xf32>, %u: tensor<1x5xf32>) {
  %i = kiln.constant dense<[[4]]> : tensor<1x1xi64>
  // expected-error @+2 {{'kiln.scatter_nd' op index 4 is out of range for dim 0 of size 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.scatter_nd %x, %i, %u : (tensor<4x5xf32>, tensor<1x1xi64>, tensor<1x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @gather_nd_constant_index(%x: tensor<4x5xf32>) {
  %i = kiln.constant dense<[[0, -6]]> : tensor<1x2xi64>
  // expected-error @+2 {{'kiln.gather_nd' op index -6 is out of range for dim 1 of size 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather_nd %x, %i : (tensor<4x5xf32>, tensor<1x2xi64>) -> tensor<*xf32>
  return
}
