// Round-trip and type inference of gather_elements, trilu, cum_sum, hardmax,
// pad with a run-time constant_value and split with run-time sizes.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip
func.func @roundtrip(%x: tensor<2x3x4xf32>, %i: tensor<2x3x2xi64>, %k: tensor<i64>, %a: tensor<1xi32>, %u: tensor<*xf16>, %m: tensor<?x5xi32>, %v: tensor<f32>, %p: tensor<6xi64>) {
  // CHECK: kiln.gather_elements %{{.*}}, %{{.*}} {axis = -1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x2xi64>) -> tensor<2x3x2xf32>
  %0 = kiln.gather_elements %x, %i {axis = -1} : (tensor<2x3x4xf32>, tensor<2x3x2xi64>) -> tensor<2x3x2xf32>
  // CHECK: kiln.gather_elements %{{.*}}, %{{.*}} : (tensor<*xf16>, tensor<2x3x2xi64>) -> tensor<2x3x2xf16>
  %1 = kiln.gather_elements %u, %i : (tensor<*xf16>, tensor<2x3x2xi64>) -> tensor<2x3x2xf16>
  // CHECK: kiln.trilu %{{.*}} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %2 = kiln.trilu %x : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  // CHECK: kiln.trilu %{{.*}}, %{{.*}} {upper = false} : (tensor<?x5xi32>, tensor<i64>) -> tensor<?x5xi32>
  %3 = kiln.trilu %m, %k {upper = false} : (tensor<?x5xi32>, tensor<i64>) -> tensor<?x5xi32>
  // CHECK: kiln.cum_sum %{{.*}}, %{{.*}} {exclusive = true, reverse = true} : (tensor<?x5xi32>, tensor<1xi32>) -> tensor<?x5xi32>
  %4 = kiln.cum_sum %m, %a {exclusive = true, reverse = true} : (tensor<?x5xi32>, tensor<1xi32>) -> tensor<?x5xi32>
  // CHECK: kiln.cum_sum %{{.*}}, %{{.*}} : (tensor<*xf16>, tensor<i64>) -> tensor<*xf16>
  %5 = kiln.cum_sum %u, %k : (tensor<*xf16>, tensor<i64>) -> tensor<*xf16>
  // CHECK: kiln.hardmax %{{.*}} {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %6 = kiln.hardmax %x {axis = 1} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  // CHECK: kiln.pad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<6xi64>, tensor<f32>) -> tensor<?x?x?xf32>
  %7 = kiln.pad %x, %p, %v : (tensor<2x3x4xf32>, tensor<6xi64>, tensor<f32>) -> tensor<?x?x?xf32>
  return
}

// Inference refines declared unknown shapes.
// INFER-LABEL: func @infer
func.func @infer(%x: tensor<2x3x4xf32>, %i: tensor<2x?x2xi32>, %k: tensor<i64>, %a: tensor<i64>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.gather_elements {{.*}} -> tensor<2x?x2xf32>
  %0 = kiln.gather_elements %x, %i {axis = 2} : (tensor<2x3x4xf32>, tensor<2x?x2xi32>) -> tensor<*xf32>
  // INFER: kiln.trilu {{.*}} -> tensor<2x3x4xf32>
  %1 = kiln.trilu %x, %k : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<*xf32>
  // INFER: kiln.cum_sum {{.*}} -> tensor<2x3x4xf32>
  %2 = kiln.cum_sum %x, %a : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<*xf32>
  // INFER: kiln.hardmax {{.*}} -> tensor<2x3x4xf32>
  %3 = kiln.hardmax %x : (tensor<2x3x4xf32>) -> tensor<*xf32>
  %p = kiln.constant dense<[0, 1, 0, 0, 1, 2]> : tensor<6xi64>
  %v = kiln.constant dense<1.5> : tensor<f32>
  // INFER: kiln.pad {{.*}} -> tensor<2x5x6xf32>
  %4 = kiln.pad %x, %p, %v : (tensor<2x3x4xf32>, tensor<6xi64>, tensor<f32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// CHECK-LABEL: func @split_dynamic
// INFER-LABEL: func @split_dynamic
func.func @split_dynamic(%x: tensor<5x4xf32>, %s: tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: kiln.split %{{.*}}, %{{.*}} {num_outputs = 2 : i64} : (tensor<5x4xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  // INFER: kiln.split {{.*}} -> (tensor<?x4xf32>, tensor<?x4xf32>)
  %0:2 = kiln.split %x, %s {num_outputs = 2} : (tensor<5x4xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return %0#0, %0#1 : tensor<*xf32>, tensor<*xf32>
}
