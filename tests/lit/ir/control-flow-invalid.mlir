// Invalid kiln.if / kiln.loop.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @if_dtype(%c: tensor<i1>, %a: tensor<2xf32>, %b: tensor<2xi64>) {
  // expected-error @+2 {{'kiln.if' op result 0: the then branch yields 'tensor<2xf32>', the else branch 'tensor<2xi64>' (element types must agree)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.if %c : tensor<i1> -> tensor<2xf32> {
    kiln.yield %a : tensor<2xf32>
  } else {
    kiln.yield %b : tensor<2xi64>
  }
  return
}

// -----

func.func @if_count(%c: tensor<i1>, %a: tensor<2xf32>) {
  // expected-error @+2 {{'kiln.if' op the then branch yields 2 value(s), the else branch 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.if %c : tensor<i1> -> tensor<2xf32> {
    kiln.yield %a, %a : tensor<2xf32>, tensor<2xf32>
  } else {
    kiln.yield %a : tensor<2xf32>
  }
  return
}

// -----

func.func @if_cond(%c: tensor<2xi1>, %a: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.if' op the condition must be a scalar or hold one element, got 'tensor<2xi1>'}}
  %0 = kiln.if %c : tensor<2xi1> -> tensor<2xf32> {
    kiln.yield %a : tensor<2xf32>
  } else {
    kiln.yield %a : tensor<2xf32>
  }
  return
}

// -----

func.func @loop_args(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.loop' op the body takes 2 argument(s), expected 2 + 1 (iteration, condition, carried values)}}
  %0 = kiln.loop inits(%x : tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>):
    kiln.yield %ci, %x : tensor<i1>, tensor<2xf32>
  }
  return
}

// -----

func.func @loop_carried(%x: tensor<2xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.loop' op carried value 0: the body yields 'tensor<3xf32>' for a body argument of type 'tensor<2xf32>'}}
  %0 = kiln.loop inits(%x : tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %s: tensor<2xf32>):
    kiln.yield %ci, %y : tensor<i1>, tensor<3xf32>
  }
  return
}

// -----

func.func @loop_cond(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.loop' op the body's first yielded value must be the i1 condition, got 'tensor<2xf32>'}}
  %0 = kiln.loop inits(%x : tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %s: tensor<2xf32>):
    kiln.yield %s, %s : tensor<2xf32>, tensor<2xf32>
  }
  return
}

// -----

func.func @loop_iter(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.loop' op body argument 0 (the iteration) must be tensor<i64>, got 'tensor<i32>'}}
  %0 = kiln.loop inits(%x : tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i32>, %ci: tensor<i1>, %s: tensor<2xf32>):
    kiln.yield %ci, %s : tensor<i1>, tensor<2xf32>
  }
  return
}
