// Invalid IR for the constant and shape ops: each case must be rejected with
// the given message.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @case0() {
  // expected-error @+1 {{result type 'tensor<3xf32>' differs from the value's type 'tensor<2xf32>'}}
  %0 = "kiln.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return
}

// -----

func.func @case1(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2xi64>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.shape %x : (tensor<2x3xf32>) -> tensor<3xi64>
  return
}

// -----

func.func @case2(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{must be tensor of 64-bit signless integer values}}
  %0 = kiln.shape %x : (tensor<2x3xf32>) -> tensor<2xi32>
  return
}

// -----

func.func @case3(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<i64>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.size %x : (tensor<2x3xf32>) -> tensor<1xi64>
  return
}

// -----

func.func @case4(%a: tensor<1xi64>, %b: tensor<i64>) {
  // expected-error @+2 {{start, limit and delta must be scalars, got 'tensor<1xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.range %a, %b, %b : (tensor<1xi64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @case5(%a: tensor<i64>, %b: tensor<i32>) {
  // expected-error @+2 {{start, limit and delta must have one element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.range %a, %b, %a : (tensor<i64>, tensor<i32>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @case6() {
  %s = kiln.constant dense<0> : tensor<i64>
  %l = kiln.constant dense<4> : tensor<i64>
  // expected-error @+2 {{delta must not be zero}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.range %s, %l, %s : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @case7() {
  %s = kiln.constant dense<0> : tensor<i64>
  %l = kiln.constant dense<4> : tensor<i64>
  %d = kiln.constant dense<1> : tensor<i64>
  // expected-error @+2 {{inferred type(s) 'tensor<4xi64>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<5xi64>
  return
}

// -----

func.func @case8() {
  %s = kiln.constant dense<[2, -1]> : tensor<2xi64>
  // expected-error @+2 {{'kiln.constant_of_shape' op shape has a negative dim -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.constant_of_shape %s : (tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @case9(%s: tensor<2x2xi64>) {
  // expected-error @+2 {{shape must be a 1-D tensor, got 'tensor<2x2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.constant_of_shape %s : (tensor<2x2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case10(%s: tensor<2xi64>) {
  // expected-error @+1 {{value must hold exactly one element, got 'tensor<2xf32>'}}
  %0 = kiln.constant_of_shape %s {value = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @case11(%s: tensor<2xi64>) {
  // expected-error @+1 {{value element type 'i32' differs from the result's 'f32'}}
  %0 = kiln.constant_of_shape %s {value = dense<1> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @case12() {
  %s = kiln.constant dense<[2, 3]> : tensor<2xi64>
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.constant_of_shape %s : (tensor<2xi64>) -> tensor<3x2xf32>
  return
}

// -----

func.func @case13(%s: tensor<2xf32>) {
  // expected-error @+1 {{operand #0 must be tensor of 64-bit signless integer values}}
  %0 = kiln.constant_of_shape %s : (tensor<2xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @range_too_large() {
  %s = kiln.constant dense<0> : tensor<i64>
  %l = kiln.constant dense<9223372036854775807> : tensor<i64>
  %d = kiln.constant dense<1> : tensor<i64>
  // expected-error @+2 {{range of 9.223372e+18 elements is too large}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return
}
