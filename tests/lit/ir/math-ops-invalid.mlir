// Invalid IR for the math op family (KilnMathOps.td).
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @celu_zero_alpha(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.celu' op alpha must be a nonzero number, got 0}}
  %0 = kiln.celu %x {alpha = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @acos_int(%x: tensor<3xi32>) {
  // expected-error @+1 {{'kiln.acos' op operand #0 must be tensor of}}
  %0 = kiln.acos %x : (tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

func.func @is_nan_int(%x: tensor<3xi32>) {
  // expected-error @+1 {{'kiln.is_nan' op operand #0 must be tensor of}}
  %0 = kiln.is_nan %x : (tensor<3xi32>) -> tensor<3xi1>
  return
}

// -----

func.func @bitwise_mixed(%a: tensor<3xi32>, %b: tensor<3xi64>) {
  // expected-error @+2 {{'kiln.bitwise_and' op operand element types differ: 'i32' vs 'i64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.bitwise_and %a, %b : (tensor<3xi32>, tensor<3xi64>) -> tensor<3xi32>
  return
}

// -----

func.func @bitwise_bcast(%a: tensor<3xi32>, %b: tensor<4xi32>) {
  // expected-error @+2 {{'kiln.bitwise_or' op operand shapes 3 and 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.bitwise_or %a, %b : (tensor<3xi32>, tensor<4xi32>) -> tensor<*xi32>
  return
}

// -----

func.func @bitwise_float(%a: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.bitwise_not' op operand #0 must be tensor of}}
  %0 = kiln.bitwise_not %a : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @shift_direction(%a: tensor<3xui8>) {
  // expected-error @+1 {{'kiln.bit_shift' op direction must be LEFT or RIGHT, got 'UP'}}
  %0 = kiln.bit_shift %a, %a {direction = "UP"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return
}

// -----

func.func @shift_signed(%a: tensor<3xi8>) {
  // expected-error @+1 {{'kiln.bit_shift' op operands must be unsigned integers, got 'i8'}}
  %0 = kiln.bit_shift %a, %a {direction = "LEFT"} : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  return
}

// -----

func.func @cum_prod_axis(%x: tensor<2x3xf32>) {
  %axis = kiln.constant dense<2> : tensor<i64>
  // expected-error @+2 {{'kiln.cum_prod' op axis 2 is out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cum_prod %x, %axis : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @cum_prod_axis_shape(%x: tensor<2x3xf32>, %axis: tensor<2xi64>) {
  // expected-error @+2 {{'kiln.cum_prod' op axis must be a scalar (0-D or one element), got 'tensor<2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cum_prod %x, %axis : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @bit_cast_width(%x: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.bit_cast' op cannot reinterpret 'f32' (32 bits) as 'i64' (64 bits): the widths differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.bit_cast %x {to = i64} : (tensor<3xf32>) -> tensor<3xi64>
  return
}

// -----

func.func @eye_like_rank(%x: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.eye_like' op input must be 2-D, got 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.eye_like %x {dtype = f32} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @pool_storage_order(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'kiln.max_pool_with_indices' op storage_order must be 0 or 1, got 2}}
  %0, %1 = kiln.max_pool_with_indices %x {kernel_shape = array<i64: 2, 2>, storage_order = 2 : i64} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xi64>)
  return
}

// -----

func.func @pool_kernel_rank(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+2 {{'kiln.max_pool_with_indices' op input of rank 4 needs 2 kernel dims, got 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = kiln.max_pool_with_indices %x {kernel_shape = array<i64: 2>} : (tensor<1x1x4x4xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return
}

// -----

func.func @resize_ext_no_roi(%x: tensor<1x1x4x4xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{'kiln.resize_ext' op coordinate_transformation_mode tf_crop_and_resize needs a roi operand}}
  %0 = kiln.resize_ext %x, %s {axes = array<i64: 2, 3>, coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x1x4x4xf32>, tensor<2xi64>) -> tensor<1x1x?x?xf32>
  return
}

// -----

func.func @resize_ext_policy_scales(%x: tensor<1x1x4x4xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.resize_ext' op keep_aspect_ratio_policy not_smaller needs sizes, not scales}}
  %0 = kiln.resize_ext %x, %s {axes = array<i64: 2, 3>, keep_aspect_ratio_policy = "not_smaller"} : (tensor<1x1x4x4xf32>, tensor<2xf32>) -> tensor<1x1x?x?xf32>
  return
}

// -----

func.func @resize_ext_antialias_nearest(%x: tensor<1x1x4x4xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.resize_ext' op antialias needs mode linear or cubic}}
  %0 = kiln.resize_ext %x, %s {axes = array<i64: 2, 3>, antialias = true} : (tensor<1x1x4x4xf32>, tensor<2xf32>) -> tensor<1x1x?x?xf32>
  return
}

// -----

func.func @resize_ext_axes(%x: tensor<1x1x4x4xf32>, %s: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.resize_ext' op target has 3 values for 2 axes}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize_ext %x, %s {axes = array<i64: 2, 3>, mode = "linear"} : (tensor<1x1x4x4xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}
