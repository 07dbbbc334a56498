// Invalid IR for the elementwise unary ops and kiln.cast.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @case0(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{approximate must be 'none' or 'tanh', got 'fast'}}
  %0 = kiln.gelu %x {approximate = "fast"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case1(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.clip' op min 2.000000e+00 is greater than max 1.000000e+00}}
  %0 = kiln.clip %x {min = 2.0 : f64, max = 1.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case2(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{ratio must be in [0, 1), got 1.000000e+00}}
  %0 = kiln.dropout %x {ratio = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case3(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{ratio must be in [0, 1), got -1.0000}}
  %0 = kiln.dropout %x {ratio = -0.1 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case4(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{to 'i32' differs from the result element type 'f16'}}
  %0 = kiln.cast %x {to = i32} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return
}

// -----

func.func @case5(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result #0 must be tensor of}}
  %0 = kiln.cast %x {to = index} : (tensor<2x3xf32>) -> tensor<2x3xindex>
  return
}

// -----

func.func @case6(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xi32>' are incompatible with return type(s) of operation 'tensor<3x2xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cast %x {to = i32} : (tensor<2x3xf32>) -> tensor<3x2xi32>
  return
}

// -----

func.func @case7(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.relu %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @case8(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = kiln.exp %x : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return
}

// -----

func.func @case9(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{operand #0 must be tensor of 1-bit signless integer values}}
  %0 = kiln.not %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case10(%x: tensor<2x3xi32>) {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = kiln.sqrt %x : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @case11(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.leaky_relu %x : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @clip_one_bound_operand(%x: tensor<4xf32>, %lo: tensor<f32>) {
  // expected-error @+1 {{'kiln.clip' op takes either no bound operands or two (min, max), got 1}}
  %0 = kiln.clip %x, %lo : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @clip_bounds_twice(%x: tensor<4xf32>, %lo: tensor<f32>, %hi: tensor<f32>) {
  // expected-error @+1 {{'kiln.clip' op takes its bounds as attributes or as operands, not both}}
  %0 = kiln.clip %x, %lo, %hi {min = 0.0 : f64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @clip_bound_not_scalar(%x: tensor<4xf32>, %lo: tensor<2xf32>, %hi: tensor<f32>) {
  // expected-error @+1 {{'kiln.clip' op bound operands must be scalars (one element), got 'tensor<2xf32>'}}
  %0 = kiln.clip %x, %lo, %hi : (tensor<4xf32>, tensor<2xf32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @clip_bound_type(%x: tensor<4xf32>, %lo: tensor<f16>, %hi: tensor<f16>) {
  // expected-error @+1 {{'kiln.clip' op requires the same element type for all operands and results}}
  %0 = kiln.clip %x, %lo, %hi : (tensor<4xf32>, tensor<f16>, tensor<f16>) -> tensor<4xf32>
  return
}
