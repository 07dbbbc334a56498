// Invalid IR for the elementwise binary ops, kiln.prelu and kiln.where.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @case0(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) {
  // expected-error @+2 {{'kiln.add' op operand shapes 2x3 and 4x3 are not broadcast-compatible (dim 0: 2 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case1(%a: tensor<5x2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{operand shapes 5x2x3 and 4 are not broadcast-compatible (dim 2: 3 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.mul %a, %b : (tensor<5x2x3xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case2(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.sub %a, %b : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case3(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.div %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @case4(%a: tensor<?x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<?x3xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @case5(%a: tensor<2xf32>) {
  // expected-error @+1 {{result #0 must be tensor of 1-bit signless integer values}}
  %0 = kiln.less %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @case6(%a: tensor<2xi32>, %b: tensor<2xi64>) {
  // expected-error @+2 {{operand element types differ: 'i32' vs 'i64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.equal %a, %b : (tensor<2xi32>, tensor<2xi64>) -> tensor<2xi1>
  return
}

// -----

func.func @case7(%a: tensor<2xf32>) {
  // expected-error @+1 {{operand #0 must be tensor of 1-bit signless integer values}}
  %0 = kiln.and %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return
}

// -----

func.func @case8(%a: tensor<2xi1>, %b: tensor<3xi1>) {
  // expected-error @+2 {{operand shapes 2 and 3 are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.xor %a, %b : (tensor<2xi1>, tensor<3xi1>) -> tensor<*xi1>
  return
}

// -----

func.func @case9(%x: tensor<3x4xf32>, %s: tensor<2x3x4xf32>) {
  // expected-error @+2 {{slope of shape 2x3x4 does not broadcast to the input shape 3x4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.prelu %x, %s : (tensor<3x4xf32>, tensor<2x3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @case10(%x: tensor<3x4xf32>, %s: tensor<3x1xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<3x4xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.prelu %x, %s : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @case11(%x: tensor<3x4xf32>, %s: tensor<4xf16>) {
  // expected-error @+2 {{input and slope element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.prelu %x, %s : (tensor<3x4xf32>, tensor<4xf16>) -> tensor<3x4xf32>
  return
}

// -----

func.func @case12(%c: tensor<2xi1>, %x: tensor<2xf32>, %y: tensor<2xf16>) {
  // expected-error @+2 {{x and y element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.where %c, %x, %y : (tensor<2xi1>, tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return
}

// -----

func.func @case13(%c: tensor<3xi1>, %x: tensor<2x1xf32>, %y: tensor<2xf32>) {
  // expected-error @+2 {{operand shapes 2x3 and 2 are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.where %c, %x, %y : (tensor<3xi1>, tensor<2x1xf32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case14(%c: tensor<2xf32>, %x: tensor<2xf32>) {
  // expected-error @+1 {{operand #0 must be tensor of 1-bit signless integer values}}
  %0 = kiln.where %c, %x, %x : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}
