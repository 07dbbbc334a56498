// Invalid IR for the data movement ops.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @case0(%y: tensor<2x3x4xf32>) {
  %s = kiln.constant dense<[5, 5]> : tensor<2xi64>
  // expected-error @+2 {{'kiln.reshape' op cannot reshape 2x3x4 (24 elements) to 5x5 (25 elements)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %y, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case1(%y: tensor<2x3x4xf32>) {
  %s = kiln.constant dense<[-1, -1]> : tensor<2xi64>
  // expected-error @+2 {{shape has more than one -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %y, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case2(%y: tensor<2x3x4xf32>) {
  %s = kiln.constant dense<[-2, 12]> : tensor<2xi64>
  // expected-error @+2 {{shape has an invalid dim -2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %y, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case3(%y: tensor<2x3x4xf32>) {
  %s = kiln.constant dense<[5, -1]> : tensor<2xi64>
  // expected-error @+2 {{cannot reshape 2x3x4 to 5x-1: the element counts do not divide}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %y, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case4(%y: tensor<6x4xf32>) {
  %s = kiln.constant dense<[1, 6, 0]> : tensor<3xi64>
  // expected-error @+2 {{shape[2] is 0 (copy the input dim) but the input has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %y, %s : (tensor<6x4xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case5(%y: tensor<2x3x4xf32>) {
  %s = kiln.constant dense<[0, -1]> : tensor<2xi64>
  // expected-error @+2 {{shape may not hold both 0 and -1 when allowzero is set}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %y, %s {allowzero = true} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case6(%y: tensor<2x3x4xf32>, %s: tensor<1x2xi64>) {
  // expected-error @+2 {{shape must be a 1-D tensor, got 'tensor<1x2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %y, %s : (tensor<2x3x4xf32>, tensor<1x2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case7(%y: tensor<2x3x4xf32>) {
  %s = kiln.constant dense<[4, 6]> : tensor<2xi64>
  // expected-error @+2 {{inferred type(s) 'tensor<4x6xf32>' are incompatible with return type(s) of operation 'tensor<6x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %y, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  return
}

// -----

func.func @case8(%y: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'kiln.flatten' op axis 4 is out of range for rank 3 (expected [-3, 3])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.flatten %y {axis = 4} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case9(%y: tensor<2x3x4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<6x4xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.flatten %y {axis = 2} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return
}

// -----

func.func @case10(%x: tensor<1x3xf32>) {
  // expected-error @+2 {{cannot squeeze dim 1 of size 3 (input 1x3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.squeeze %x {axes = array<i64: 1>} : (tensor<1x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case11(%x: tensor<1x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range for rank 2 (expected [-2, 1])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.squeeze %x {axes = array<i64: 2>} : (tensor<1x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case12(%x: tensor<1x3xf32>) {
  // expected-error @+2 {{axis 3 is out of range for rank 3 (expected [-3, 2])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.unsqueeze %x {axes = array<i64: 3>} : (tensor<1x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case13(%x: tensor<1x3xf32>) {
  // expected-error @+2 {{axis -3 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.unsqueeze %x {axes = array<i64: 1, -3>} : (tensor<1x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case14(%y: tensor<2x3x4xf32>) {
  // expected-error @+2 {{perm has 2 entries but the input has rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %y {perm = array<i64: 0, 1>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case15(%y: tensor<2x3x4xf32>) {
  // expected-error @+2 {{perm is not a permutation of [0, 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %y {perm = array<i64: 0, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case16(%y: tensor<2x3x4xf32>) {
  // expected-error @+2 {{perm is not a permutation of [0, 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %y {perm = array<i64: 0, 3, 1>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case17(%y: tensor<2x3x4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<3x2x4xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %y {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @case18(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{input 1 has rank 1 but input 0 has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 0} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case19(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+2 {{input 1 has shape 3x4 which differs from the others outside axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 1} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case20(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) {
  // expected-error @+2 {{input 1 has element type 'i32' but input 0 has 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 1} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<*xf32>
  return
}

// -----

func.func @case21(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %a {axis = 2} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case22() {
  // expected-error @+2 {{needs at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat {axis = 0} : () -> tensor<*xf32>
  return
}

// -----

func.func @case23(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<4x3xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %a {axis = 0} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @case24(%x: tensor<6x2xf32>) {
  // expected-error @+2 {{split sizes add up to 5 but dim 0 has size 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.split %x {split = array<i64: 2, 3>, num_outputs = 2} : (tensor<6x2xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @case25(%x: tensor<6x2xf32>) {
  // expected-error @+2 {{split has 2 sizes but num_outputs is 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = kiln.split %x {split = array<i64: 2, 4>, num_outputs = 3} : (tensor<6x2xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @case26(%x: tensor<6x2xf32>) {
  // expected-error @+2 {{split sizes must be non-negative, got -2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.split %x {split = array<i64: 8, -2>, num_outputs = 2} : (tensor<6x2xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @case27(%x: tensor<6x2xf32>) {
  // expected-error @+2 {{num_outputs must be at least 1, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.split %x {num_outputs = 0} : (tensor<6x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case28(%x: tensor<6x1xf32>) {
  // expected-error @+2 {{dim 1 of size 1 cannot be split into 3 pieces}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = kiln.split %x {axis = 1, num_outputs = 3} : (tensor<6x1xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @case29(%x: tensor<6x2xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x2xf32>', 'tensor<2x2xf32>', 'tensor<2x2xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.split %x {num_outputs = 3} : (tensor<6x2xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @case30(%x: tensor<6x2xf32>) {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.split %x {axis = 2, num_outputs = 2} : (tensor<6x2xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @case31(%x: tensor<10xf32>) {
  %a = kiln.constant dense<[0]> : tensor<1xi64>
  %z = kiln.constant dense<[0]> : tensor<1xi64>
  // expected-error @+2 {{'kiln.slice' op steps must not be zero}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %a, %a, %z : (tensor<10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case32(%x: tensor<10xf32>) {
  %a = kiln.constant dense<[0]> : tensor<1xi64>
  %s = kiln.constant dense<[0, 1]> : tensor<2xi64>
  // expected-error @+2 {{starts has 2 values but axes has 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %s, %a, %a, %a : (tensor<10xf32>, tensor<2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case33(%x: tensor<10xf32>) {
  %a = kiln.constant dense<[1]> : tensor<1xi64>
  // expected-error @+2 {{axis 1 is out of range for rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %a, %a, %a : (tensor<10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case34(%x: tensor<10x3xf32>) {
  %a = kiln.constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+2 {{axis -1 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %a, %a, %a : (tensor<10x3xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case35(%x: tensor<10xf32>, %s: tensor<1x1xi64>, %a: tensor<1xi64>) {
  // expected-error @+2 {{ends must be a 1-D tensor, got 'tensor<1x1xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %s, %a, %a : (tensor<10xf32>, tensor<1xi64>, tensor<1x1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case36(%x: tensor<10xf32>) {
  %a = kiln.constant dense<[0]> : tensor<1xi64>
  %e = kiln.constant dense<[4]> : tensor<1xi64>
  %o = kiln.constant dense<[1]> : tensor<1xi64>
  // expected-error @+2 {{inferred type(s) 'tensor<4xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x, %a, %e, %a, %o : (tensor<10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5xf32>
  return
}

// -----

func.func @case37(%x: tensor<10xf32>, %a: tensor<1xf32>) {
  // expected-error @+1 {{operand #1 must be tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = kiln.slice %x, %a, %a, %a, %a : (tensor<10xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case38(%x: tensor<5x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{'kiln.gather' op axis 2 is out of range for rank 2 (expected [-2, 1])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather %x, %i {axis = 2} : (tensor<5x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case39(%x: tensor<5x4xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+2 {{inferred type(s) 'tensor<5x2x3xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather %x, %i {axis = 1} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<5x2xf32>
  return
}

// -----

func.func @case40(%x: tensor<5x4xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{operand #1 must be tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = kiln.gather %x, %i : (tensor<5x4xf32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case41(%x: tensor<2x3xf32>, %p: tensor<4xi64>) {
  // expected-error @+1 {{mode must be constant, reflect, edge or wrap, got 'symmetric'}}
  %0 = kiln.pad %x, %p {mode = "symmetric"} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @case42(%x: tensor<2x3xf32>, %p: tensor<3xi64>) {
  // expected-error @+2 {{pads has 3 values but the input of rank 2 needs 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x, %p : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case43(%x: tensor<2x3xf32>) {
  %p = kiln.constant dense<[-2, 0, -1, 0]> : tensor<4xi64>
  // expected-error @+2 {{pads crop dim 0 of size 2 below zero}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x, %p : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case44(%x: tensor<2x3xf32>) {
  %p = kiln.constant dense<[1, 0, 1, 2]> : tensor<4xi64>
  // expected-error @+2 {{inferred type(s) 'tensor<4x5xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x, %p : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<4x4xf32>
  return
}

// -----

func.func @case45(%x: tensor<2x3xf32>, %p: tensor<2x2xi64>) {
  // expected-error @+2 {{pads must be a 1-D tensor}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x, %p : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case46(%x: tensor<3xf32>) {
  %s = kiln.constant dense<[2, 4]> : tensor<2xi64>
  // expected-error @+2 {{'kiln.expand' op operand shapes 3 and 2x4 are not broadcast-compatible (dim 1: 3 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.expand %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case47(%x: tensor<3xf32>) {
  %s = kiln.constant dense<[-2, 3]> : tensor<2xi64>
  // expected-error @+2 {{shape has a negative dim -2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.expand %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case48(%x: tensor<3xf32>) {
  %s = kiln.constant dense<[2, 1]> : tensor<2xi64>
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.expand %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x1xf32>
  return
}

// -----

func.func @case49(%x: tensor<2x3xf32>, %r: tensor<3xi64>) {
  // expected-error @+2 {{repeats has 3 values but the input has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.tile %x, %r : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case50(%x: tensor<2x3xf32>) {
  %r = kiln.constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+2 {{repeats must be non-negative, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case51(%x: tensor<2x3xf32>) {
  %r = kiln.constant dense<[2, 2]> : tensor<2xi64>
  // expected-error @+2 {{inferred type(s) 'tensor<4x6xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  return
}

// -----

func.func @case52(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+2 {{'kiln.resize' op needs either sizes or scales}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x : (tensor<1x3x4x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case53(%x: tensor<1x3x4x4xf32>, %s: tensor<4xi64>) {
  // expected-error @+2 {{takes sizes or scales, not both}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x, %s {scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x4x4xf32>, tensor<4xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case54(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+2 {{scales has 2 values but the input has rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x {scales = array<f32: 2.0, 2.0>} : (tensor<1x3x4x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case55(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+2 {{scales must be positive, got 0.0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x {scales = array<f32: 1.0, 1.0, 0.0, 2.0>} : (tensor<1x3x4x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @case56(%x: tensor<1x3x4x4xf32>) {
  %s = kiln.constant dense<[1, 3, 8]> : tensor<3xi64>
  // expected-error @+2 {{sizes has 3 values but the input has rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x, %s : (tensor<1x3x4x4xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case57(%x: tensor<1x3x4x4xf32>) {
  %s = kiln.constant dense<[1, 3, -8, 8]> : tensor<4xi64>
  // expected-error @+2 {{sizes must be non-negative, got -8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x, %s : (tensor<1x3x4x4xf32>, tensor<4xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case58(%x: tensor<1x3x4x4xf32>, %s: tensor<2x2xi64>) {
  // expected-error @+2 {{sizes must be a 1-D tensor, got 'tensor<2x2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x, %s : (tensor<1x3x4x4xf32>, tensor<2x2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @case59(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{mode must be nearest, linear or cubic, got 'area'}}
  %0 = kiln.resize %x {mode = "area", scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @case60(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{unknown coordinate_transformation_mode 'tf_half_pixel'}}
  %0 = kiln.resize %x {coordinate_transformation_mode = "tf_half_pixel", scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @case61(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{unknown nearest_mode 'round'}}
  %0 = kiln.resize %x {nearest_mode = "round", scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @case62(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x3x8x8xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x9xf32>
  return
}

// -----

func.func @resize_scales_operand_length(%x: tensor<1x3x4x4xf32>, %s: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.resize' op scales has 3 values but the input has rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.resize %x, %s : (tensor<1x3x4x4xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @unsqueeze_no_axes(%x: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.unsqueeze' op needs axes (the attribute or an operand)}}
  %0 = kiln.unsqueeze %x : (tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @squeeze_axes_twice(%x: tensor<1x3xf32>, %a: tensor<1xi64>) {
  // expected-error @+1 {{'kiln.squeeze' op takes its axes as the attribute or as an operand, not both}}
  %0 = kiln.squeeze %x, %a {axes = array<i64: 0>} : (tensor<1x3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @squeeze_empty_axes_operand(%x: tensor<1x3xf32>, %a: tensor<0xi64>) {
  // expected-error @+2 {{'kiln.squeeze' op an empty axes operand is not supported (ONNX leaves its meaning open)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.squeeze %x, %a : (tensor<1x3xf32>, tensor<0xi64>) -> tensor<*xf32>
  return
}
