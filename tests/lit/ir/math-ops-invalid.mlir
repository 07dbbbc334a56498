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
