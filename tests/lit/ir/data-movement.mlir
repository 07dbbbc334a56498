// Round-trip and type inference of the data movement ops: reshape, flatten,
// squeeze, unsqueeze, transpose, concat, split, slice, gather, pad, expand,
// tile and resize.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip_shape_ops
func.func @roundtrip_shape_ops(%x: tensor<?x3x4xf32>, %s: tensor<2xi64>, %u: tensor<*xi8>, %one: tensor<1x?x1xf16>) {
  // CHECK: kiln.reshape %{{.*}}, %{{.*}} : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %0 = kiln.reshape %x, %s : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: kiln.reshape %{{.*}}, %{{.*}} {allowzero = true} : (tensor<*xi8>, tensor<2xi64>) -> tensor<?x?xi8>
  %1 = kiln.reshape %u, %s {allowzero = true} : (tensor<*xi8>, tensor<2xi64>) -> tensor<?x?xi8>
  // CHECK: kiln.flatten %{{.*}} : (tensor<?x3x4xf32>) -> tensor<?x12xf32>
  %2 = kiln.flatten %x : (tensor<?x3x4xf32>) -> tensor<?x12xf32>
  // CHECK: kiln.flatten %{{.*}} {axis = 0 : i64} : (tensor<?x3x4xf32>) -> tensor<1x?xf32>
  %3 = kiln.flatten %x {axis = 0} : (tensor<?x3x4xf32>) -> tensor<1x?xf32>
  // CHECK: kiln.squeeze %{{.*}} {axes = array<i64: 0, -1>} : (tensor<1x?x1xf16>) -> tensor<?xf16>
  %4 = kiln.squeeze %one {axes = array<i64: 0, -1>} : (tensor<1x?x1xf16>) -> tensor<?xf16>
  // CHECK: kiln.squeeze %{{.*}} : (tensor<*xi8>) -> tensor<*xi8>
  %5 = kiln.squeeze %u : (tensor<*xi8>) -> tensor<*xi8>
  // CHECK: kiln.unsqueeze %{{.*}} {axes = array<i64: 0, 4>} : (tensor<?x3x4xf32>) -> tensor<1x?x3x4x1xf32>
  %6 = kiln.unsqueeze %x {axes = array<i64: 0, 4>} : (tensor<?x3x4xf32>) -> tensor<1x?x3x4x1xf32>
  // CHECK: kiln.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32>
  %7 = kiln.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32>
  // CHECK: kiln.transpose %{{.*}} : (tensor<?x3x4xf32>) -> tensor<4x3x?xf32>
  %8 = kiln.transpose %x : (tensor<?x3x4xf32>) -> tensor<4x3x?xf32>
  return
}

// CHECK-LABEL: func @roundtrip_concat_split
func.func @roundtrip_concat_split(%a: tensor<?x3x4xf32>, %b: tensor<2x3x4xf32>, %u: tensor<*xf32>, %i: tensor<6xi64>) {
  // CHECK: kiln.concat %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<?x3x4xf32>, tensor<2x3x4xf32>, tensor<*xf32>) -> tensor<?x3x4xf32>
  %0 = kiln.concat %a, %b, %u {axis = 0} : (tensor<?x3x4xf32>, tensor<2x3x4xf32>, tensor<*xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.concat %{{.*}} {axis = -1 : i64} : (tensor<6xi64>) -> tensor<6xi64>
  %1 = kiln.concat %i {axis = -1} : (tensor<6xi64>) -> tensor<6xi64>
  // CHECK: kiln.split %{{.*}} {axis = 1 : i64, num_outputs = 2 : i64, split = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<2x2x4xf32>)
  %2:2 = kiln.split %b {axis = 1, num_outputs = 2, split = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<2x2x4xf32>)
  // CHECK: kiln.split %{{.*}} {num_outputs = 3 : i64} : (tensor<6xi64>) -> (tensor<2xi64>, tensor<2xi64>, tensor<2xi64>)
  %3:3 = kiln.split %i {num_outputs = 3} : (tensor<6xi64>) -> (tensor<2xi64>, tensor<2xi64>, tensor<2xi64>)
  // CHECK: kiln.split %{{.*}} {axis = 2 : i64, num_outputs = 2 : i64} : (tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  %4:2 = kiln.split %u {axis = 2, num_outputs = 2} : (tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// CHECK-LABEL: func @roundtrip_slice_gather
func.func @roundtrip_slice_gather(%x: tensor<?x8xf32>, %st: tensor<1xi32>, %en: tensor<1xi32>, %ax: tensor<1xi32>, %sp: tensor<1xi32>, %idx: tensor<2x3xi64>, %u: tensor<*xi32>) {
  // CHECK: kiln.slice %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<?x?xf32>
  %0 = kiln.slice %x, %st, %en, %ax, %sp : (tensor<?x8xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<?x?xf32>
  // CHECK: kiln.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x8xf32>, tensor<2x3xi64>) -> tensor<?x2x3xf32>
  %1 = kiln.gather %x, %idx {axis = 1} : (tensor<?x8xf32>, tensor<2x3xi64>) -> tensor<?x2x3xf32>
  // CHECK: kiln.gather %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<*xi32>) -> tensor<*xf32>
  %2 = kiln.gather %x, %u : (tensor<?x8xf32>, tensor<*xi32>) -> tensor<*xf32>
  return
}

// CHECK-LABEL: func @roundtrip_pad_expand_tile_resize
func.func @roundtrip_pad_expand_tile_resize(%x: tensor<1x3x?x4xf32>, %p: tensor<8xi64>, %s: tensor<4xi64>, %i: tensor<3xi32>, %u: tensor<*xf16>) {
  // CHECK: kiln.pad %{{.*}}, %{{.*}} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  %0 = kiln.pad %x, %p : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  // The default mode "constant" is elided when printed.
  // CHECK: kiln.pad %{{.*}}, %{{.*}} {value = -1.500000e+00 : f64} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  %1 = kiln.pad %x, %p {mode = "constant", value = -1.5 : f64} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  // CHECK: kiln.pad %{{.*}}, %{{.*}} {mode = "reflect"} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  %2 = kiln.pad %x, %p {mode = "reflect"} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  // CHECK: kiln.pad %{{.*}}, %{{.*}} {mode = "edge"} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  %3 = kiln.pad %x, %p {mode = "edge"} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  // CHECK: kiln.pad %{{.*}}, %{{.*}} {mode = "wrap"} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  %4 = kiln.pad %x, %p {mode = "wrap"} : (tensor<1x3x?x4xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
  // CHECK: kiln.expand %{{.*}}, %{{.*}} : (tensor<1x3x?x4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %5 = kiln.expand %x, %s : (tensor<1x3x?x4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  // CHECK: kiln.tile %{{.*}}, %{{.*}} : (tensor<1x3x?x4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %6 = kiln.tile %x, %s : (tensor<1x3x?x4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  // Resize by scales (no sizes operand) with non-default modes.
  // CHECK: kiln.resize %{{.*}} {coordinate_transformation_mode = "align_corners", mode = "linear", scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x3x?x4xf32>) -> tensor<1x3x?x8xf32>
  %7 = kiln.resize %x {mode = "linear", coordinate_transformation_mode = "align_corners", scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x?x4xf32>) -> tensor<1x3x?x8xf32>
  // Resize to sizes (operand present).
  // CHECK: kiln.resize %{{.*}}, %{{.*}} {cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = true, mode = "cubic"} : (tensor<1x3x?x4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %8 = kiln.resize %x, %s {mode = "cubic", cubic_coeff_a = -0.5 : f32, exclude_outside = true} : (tensor<1x3x?x4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  // CHECK: kiln.resize %{{.*}} {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor", scales = array<f32: 5.000000e-01>} : (tensor<*xf16>) -> tensor<*xf16>
  %9 = kiln.resize %u {nearest_mode = "floor", coordinate_transformation_mode = "asymmetric", scales = array<f32: 0.5>} : (tensor<*xf16>) -> tensor<*xf16>
  return
}

// INFER-LABEL: func @infer_reshape
// INFER-SAME: -> (tensor<?x3136xf32>, tensor<6x4xf32>, tensor<2x12xf32>, tensor<?x4xf32>, tensor<3x0xf32>, tensor<?x?x?xf32>, tensor<24xf32>, tensor<?x2xf32>)
func.func @infer_reshape(%x: tensor<?x16x14x14xf32>, %y: tensor<2x3x4xf32>, %z: tensor<3x0xf32>, %dyn: tensor<3xi64>, %u: tensor<*xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %s0 = kiln.constant dense<[0, -1]> : tensor<2xi64>
  // INFER: kiln.reshape {{.*}} -> tensor<?x3136xf32>
  %0 = kiln.reshape %x, %s0 : (tensor<?x16x14x14xf32>, tensor<2xi64>) -> tensor<*xf32>
  %s1 = kiln.constant dense<[-1, 4]> : tensor<2xi64>
  // INFER: kiln.reshape {{.*}} -> tensor<6x4xf32>
  %1 = kiln.reshape %y, %s1 : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // 0 copies dim 0 (2); -1 takes the rest.
  // INFER: kiln.reshape {{.*}} -> tensor<2x12xf32>
  %2 = kiln.reshape %y, %s0 : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // INFER: kiln.reshape {{.*}} -> tensor<?x4xf32>
  %3 = kiln.reshape %x, %s1 : (tensor<?x16x14x14xf32>, tensor<2xi64>) -> tensor<*xf32>
  // allowzero: a 0 is a real zero-size dim.
  %s4 = kiln.constant dense<[3, 0]> : tensor<2xi64>
  // INFER: kiln.reshape {{.*}} {allowzero = true} {{.*}} -> tensor<3x0xf32>
  %4 = kiln.reshape %z, %s4 {allowzero = true} : (tensor<3x0xf32>, tensor<2xi64>) -> tensor<*xf32>
  // INFER: kiln.reshape {{.*}} -> tensor<?x?x?xf32>
  %5 = kiln.reshape %y, %dyn : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<*xf32>
  %s6 = kiln.constant dense<[-1]> : tensor<1xi64>
  // INFER: kiln.reshape {{.*}} -> tensor<24xf32>
  %6 = kiln.reshape %y, %s6 : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<*xf32>
  %s7 = kiln.constant dense<[-1, 2]> : tensor<2xi64>
  // INFER: kiln.reshape {{.*}} -> tensor<?x2xf32>
  %7 = kiln.reshape %u, %s7 : (tensor<*xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_flatten_squeeze_unsqueeze_transpose
// INFER-SAME: -> (tensor<2x12xf32>, tensor<6x4xf32>, tensor<1x24xf32>, tensor<?x?xf32>, tensor<3x5xf32>, tensor<1x3x5xf32>, tensor<*xf32>, tensor<1x2x1x3x4x1xf32>, tensor<4x2x3xf32>, tensor<4x3x2xf32>, tensor<?x?xf32>)
func.func @infer_flatten_squeeze_unsqueeze_transpose(%y: tensor<2x3x4xf32>, %u: tensor<*xf32>, %o: tensor<1x3x1x5xf32>, %d: tensor<1x?xf32>, %m: tensor<?x?xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.flatten {{.*}} -> tensor<2x12xf32>
  %0 = kiln.flatten %y : (tensor<2x3x4xf32>) -> tensor<*xf32>
  // INFER: kiln.flatten {{.*}} -> tensor<6x4xf32>
  %1 = kiln.flatten %y {axis = -1} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  // INFER: kiln.flatten {{.*}} -> tensor<1x24xf32>
  %2 = kiln.flatten %y {axis = 0} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  // INFER: kiln.flatten {{.*}} -> tensor<?x?xf32>
  %3 = kiln.flatten %u : (tensor<*xf32>) -> tensor<*xf32>
  // Every static 1 goes.
  // INFER: kiln.squeeze {{.*}} -> tensor<3x5xf32>
  %4 = kiln.squeeze %o : (tensor<1x3x1x5xf32>) -> tensor<*xf32>
  // INFER: kiln.squeeze {{.*}} -> tensor<1x3x5xf32>
  %5 = kiln.squeeze %o {axes = array<i64: -2>} : (tensor<1x3x1x5xf32>) -> tensor<*xf32>
  // Without axes a `?` may or may not be 1: the rank is unknown.
  // INFER: kiln.squeeze {{.*}} -> tensor<*xf32>
  %6 = kiln.squeeze %d : (tensor<1x?xf32>) -> tensor<*xf32>
  // Axes index the result: 0, 2 and -1 (= 5) of a rank-6 result.
  // INFER: kiln.unsqueeze {{.*}} -> tensor<1x2x1x3x4x1xf32>
  %7 = kiln.unsqueeze %y {axes = array<i64: 0, 2, -1>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  // INFER: kiln.transpose {{.*}} -> tensor<4x2x3xf32>
  %8 = kiln.transpose %y {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  // INFER: kiln.transpose {{.*}} -> tensor<4x3x2xf32>
  %9 = kiln.transpose %y : (tensor<2x3x4xf32>) -> tensor<*xf32>
  // INFER: kiln.transpose {{.*}} -> tensor<?x?xf32>
  %10 = kiln.transpose %m : (tensor<?x?xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_concat_split
// INFER-SAME: -> (tensor<2x13xf32>, tensor<2x?xf32>, tensor<?x3xf32>, tensor<?x4xf32>)
func.func @infer_concat_split(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<?x4xf32>, %d: tensor<?x?xf32>, %u: tensor<*xf32>, %x: tensor<10x?xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.concat {{.*}} -> tensor<2x13xf32>
  %0 = kiln.concat %a, %b, %b {axis = 1} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<*xf32>
  // A `?` outside the axis takes the other inputs' size; a `?` along it makes the sum `?`.
  // INFER: kiln.concat {{.*}} -> tensor<2x?xf32>
  %1 = kiln.concat %c, %d, %a {axis = -1} : (tensor<?x4xf32>, tensor<?x?xf32>, tensor<2x3xf32>) -> tensor<*xf32>
  // INFER: kiln.concat {{.*}} -> tensor<?x3xf32>
  %2 = kiln.concat %a, %u {axis = 0} : (tensor<2x3xf32>, tensor<*xf32>) -> tensor<*xf32>
  // INFER: kiln.concat {{.*}} -> tensor<?x4xf32>
  %3 = kiln.concat %d, %c {axis = 0} : (tensor<?x?xf32>, tensor<?x4xf32>) -> tensor<*xf32>
  // Equal pieces; the last one shorter (ceil(10 / 4) = 3: 3, 3, 3, 1).
  // INFER: kiln.split {{.*}} -> (tensor<3x?xf32>, tensor<3x?xf32>, tensor<3x?xf32>, tensor<1x?xf32>)
  %s:4 = kiln.split %x {num_outputs = 4} : (tensor<10x?xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  // INFER: kiln.split {{.*}} -> (tensor<10x?xf32>, tensor<10x?xf32>)
  %t:2 = kiln.split %x {axis = 1, num_outputs = 2} : (tensor<10x?xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  // INFER: kiln.split {{.*}} -> (tensor<2x5xf32>, tensor<0x5xf32>, tensor<8x5xf32>)
  %v = kiln.concat %b, %b, %b, %b, %b {axis = 0} : (tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<10x5xf32>
  %w:3 = kiln.split %v {split = array<i64: 2, 0, 8>, num_outputs = 3} : (tensor<10x5xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_slice
// INFER-SAME: -> (tensor<3x3x?xf32>, tensor<10x20x?xf32>, tensor<3x20x?xf32>, tensor<0x20x?xf32>, tensor<10x20x?xf32>, tensor<?x20x?xf32>)
func.func @infer_slice(%x: tensor<10x20x?xf32>, %dyn: tensor<1xi64>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %a01 = kiln.constant dense<[0, 1]> : tensor<2xi64>
  %st = kiln.constant dense<[1, -5]> : tensor<2xi64>
  %en = kiln.constant dense<[9, 1000]> : tensor<2xi64>
  %s1 = kiln.constant dense<[3, 2]> : tensor<2xi64>
  // dim 0: 1..9 step 3 -> 1,4,7 = 3; dim 1: -5 (15)..20 (clamped) step 2 -> 15,17,19 = 3
  // INFER: kiln.slice {{.*}} -> tensor<3x3x?xf32>
  %0 = kiln.slice %x, %st, %en, %a01, %s1 : (tensor<10x20x?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  // Negative step: from -1 (9) down to (excluded) INT64_MIN (clamped to -1): 10 elements.
  %a0 = kiln.constant dense<0> : tensor<1xi64>
  %m1 = kiln.constant dense<-1> : tensor<1xi64>
  %min = kiln.constant dense<-9223372036854775808> : tensor<1xi64>
  // INFER: kiln.slice {{.*}} -> tensor<10x20x?xf32>
  %1 = kiln.slice %x, %m1, %min, %a0, %m1 : (tensor<10x20x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  // Step -3 from 8 to 1 (excluded): 8, 5, 2 = 3.
  %e8 = kiln.constant dense<8> : tensor<1xi32>
  %e1 = kiln.constant dense<1> : tensor<1xi32>
  %m3 = kiln.constant dense<-3> : tensor<1xi32>
  %ax = kiln.constant dense<-3> : tensor<1xi32>
  // INFER: kiln.slice {{.*}} -> tensor<3x20x?xf32>
  %2 = kiln.slice %x, %e8, %e1, %ax, %m3 : (tensor<10x20x?xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<*xf32>
  // Empty: start past end with a positive step.
  // INFER: kiln.slice {{.*}} -> tensor<0x20x?xf32>
  %3 = kiln.slice %x, %e8, %e1, %a0, %e1 : (tensor<10x20x?xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi64>, tensor<1xi32>) -> tensor<*xf32>
  // A slice of a dynamic dim, or with non-constant bounds, is `?`.
  %a2 = kiln.constant dense<2> : tensor<1xi64>
  // INFER: kiln.slice {{.*}} -> tensor<10x20x?xf32>
  %4 = kiln.slice %x, %a0, %a2, %a2, %m1 : (tensor<10x20x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  // INFER: kiln.slice {{.*}} -> tensor<?x20x?xf32>
  %5 = kiln.slice %x, %a0, %dyn, %a0, %e1 : (tensor<10x20x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_gather_pad_expand_tile
// INFER-SAME: -> (tensor<5x2x3x?xf32>, tensor<5x2x?xf32>, tensor<5xf32>, tensor<6x3x?xf32>, tensor<?x?x?xf32>, tensor<4x5x6xf32>, tensor<2x4x1x6xf32>, tensor<?x?x?xf32>, tensor<10x0x?xf32>, tensor<?x?x?xf32>)
func.func @infer_gather_pad_expand_tile(%x: tensor<5x4x?xf32>, %i: tensor<2x3xi64>, %v: tensor<5x1xf32>, %dp: tensor<6xi64>, %d3: tensor<3xi64>, %d: tensor<4x1x?xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.gather {{.*}} -> tensor<5x2x3x?xf32>
  %0 = kiln.gather %x, %i {axis = 1} : (tensor<5x4x?xf32>, tensor<2x3xi64>) -> tensor<*xf32>
  %s = kiln.constant dense<[1, -2]> : tensor<2xi32>
  // INFER: kiln.gather {{.*}} -> tensor<5x2x?xf32>
  %1 = kiln.gather %x, %s {axis = -2} : (tensor<5x4x?xf32>, tensor<2xi32>) -> tensor<*xf32>
  // Scalar indices drop the axis.
  %k = kiln.constant dense<0> : tensor<i64>
  // INFER: kiln.gather {{.*}} -> tensor<5xf32>
  %2 = kiln.gather %v, %k {axis = 1} : (tensor<5x1xf32>, tensor<i64>) -> tensor<*xf32>
  // [begin..., end...]; a negative pad crops.
  %p = kiln.constant dense<[1, 0, 2, 0, -1, 3]> : tensor<6xi64>
  // INFER: kiln.pad {{.*}} -> tensor<6x3x?xf32>
  %3 = kiln.pad %x, %p {mode = "edge"} : (tensor<5x4x?xf32>, tensor<6xi64>) -> tensor<*xf32>
  // INFER: kiln.pad {{.*}} -> tensor<?x?x?xf32>
  %4 = kiln.pad %x, %dp : (tensor<5x4x?xf32>, tensor<6xi64>) -> tensor<*xf32>
  // Expand broadcasts both ways: [5, 1] with [4, 1, 6] gives [4, 5, 6].
  %e = kiln.constant dense<[4, 1, 6]> : tensor<3xi64>
  // INFER: kiln.expand {{.*}} -> tensor<4x5x6xf32>
  %5 = kiln.expand %v, %e : (tensor<5x1xf32>, tensor<3xi64>) -> tensor<*xf32>
  %e2 = kiln.constant dense<[2, 1, 1, 6]> : tensor<4xi64>
  // INFER: kiln.expand {{.*}} -> tensor<2x4x1x6xf32>
  %6 = kiln.expand %d, %e2 : (tensor<4x1x?xf32>, tensor<4xi64>) -> tensor<*xf32>
  // INFER: kiln.expand {{.*}} -> tensor<?x?x?xf32>
  %7 = kiln.expand %d, %d3 : (tensor<4x1x?xf32>, tensor<3xi64>) -> tensor<*xf32>
  %r = kiln.constant dense<[2, 0, 3]> : tensor<3xi64>
  // INFER: kiln.tile {{.*}} -> tensor<10x0x?xf32>
  %8 = kiln.tile %x, %r : (tensor<5x4x?xf32>, tensor<3xi64>) -> tensor<*xf32>
  // INFER: kiln.tile {{.*}} -> tensor<?x?x?xf32>
  %9 = kiln.tile %x, %d3 : (tensor<5x4x?xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// INFER-LABEL: func @infer_resize
// INFER-SAME: -> (tensor<1x3x?x12xf32>, tensor<1x3x7x2xf32>, tensor<2x3x64x64xf32>, tensor<?x?x?x?xf32>, tensor<*xf32>)
func.func @infer_resize(%x: tensor<1x3x?x5xf32>, %sz: tensor<4xi64>, %u: tensor<*xf32>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // floor(5 * 2.5) = 12
  // INFER: kiln.resize {{.*}} -> tensor<1x3x?x12xf32>
  %0 = kiln.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.5>} : (tensor<1x3x?x5xf32>) -> tensor<*xf32>
  %y = kiln.constant dense<0.0> : tensor<1x3x15x5xf32>
  // floor(15 * 0.5) = 7, floor(5 * 0.5) = 2
  // INFER: kiln.resize {{.*}} -> tensor<1x3x7x2xf32>
  %1 = kiln.resize %y {mode = "linear", scales = array<f32: 1.0, 1.0, 0.5, 0.5>} : (tensor<1x3x15x5xf32>) -> tensor<*xf32>
  %s = kiln.constant dense<[2, 3, 64, 64]> : tensor<4xi64>
  // INFER: kiln.resize {{.*}} -> tensor<2x3x64x64xf32>
  %2 = kiln.resize %x, %s : (tensor<1x3x?x5xf32>, tensor<4xi64>) -> tensor<*xf32>
  // INFER: kiln.resize {{.*}} -> tensor<?x?x?x?xf32>
  %3 = kiln.resize %x, %sz : (tensor<1x3x?x5xf32>, tensor<4xi64>) -> tensor<*xf32>
  // INFER: kiln.resize {{.*}} -> tensor<*xf32>
  %4 = kiln.resize %u {scales = array<f32: 2.0>} : (tensor<*xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// Extreme steps (exporters write INT64_MAX / INT64_MIN for "to the end") and
// a negative step over an empty dim.
// INFER-LABEL: func @infer_slice_extreme_steps
// INFER-SAME: -> (tensor<1xf32>, tensor<1xf32>, tensor<0x3xf32>)
func.func @infer_slice_extreme_steps(%x: tensor<3xf32>, %z: tensor<0x3xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %a = kiln.constant dense<[0]> : tensor<1xi64>
  %e = kiln.constant dense<[3]> : tensor<1xi64>
  %max = kiln.constant dense<[9223372036854775807]> : tensor<1xi64>
  %two = kiln.constant dense<[2]> : tensor<1xi64>
  %min = kiln.constant dense<[-9223372036854775808]> : tensor<1xi64>
  %m1 = kiln.constant dense<[-1]> : tensor<1xi64>
  // INFER: kiln.slice {{.*}} -> tensor<1xf32>
  %0 = kiln.slice %x, %a, %e, %a, %max : (tensor<3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  // INFER: kiln.slice {{.*}} -> tensor<1xf32>
  %1 = kiln.slice %x, %two, %min, %a, %min : (tensor<3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  // INFER: kiln.slice {{.*}} -> tensor<0x3xf32>
  %2 = kiln.slice %z, %m1, %min, %a, %m1 : (tensor<0x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// Run-time scales: a 1-D f32 operand in place of the scales attribute.
// CHECK-LABEL: func @roundtrip_resize_scales_operand
// CHECK: kiln.resize %{{.*}}, %{{.*}} {mode = "linear"} : (tensor<1x3x?x4xf32>, tensor<4xf32>) -> tensor<1x3x?x?xf32>
// INFER-LABEL: func @roundtrip_resize_scales_operand
// INFER: kiln.resize {{.*}} -> tensor<1x3x?x?xf32>
func.func @roundtrip_resize_scales_operand(%x: tensor<1x3x?x4xf32>, %s: tensor<4xf32>) -> tensor<1x3x?x?xf32> {
  %0 = kiln.resize %x, %s {mode = "linear"} : (tensor<1x3x?x4xf32>, tensor<4xf32>) -> tensor<1x3x?x?xf32>
  return %0 : tensor<1x3x?x?xf32>
}

// Run-time squeeze/unsqueeze axes: a 1-D i64 operand instead of the attribute.
// CHECK-LABEL: func @roundtrip_squeeze_dynamic_axes
// CHECK: kiln.unsqueeze %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<?x?x?x?xf32>
// CHECK: kiln.squeeze %{{.*}}, %{{.*}} : (tensor<1x3x1xf32>, tensor<1xi64>) -> tensor<?x?xf32>
func.func @roundtrip_squeeze_dynamic_axes(%x: tensor<3x4xf32>, %a: tensor<2xi64>, %y: tensor<1x3x1xf32>, %b: tensor<1xi64>) {
  %0 = kiln.unsqueeze %x, %a : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<?x?x?x?xf32>
  %1 = kiln.squeeze %y, %b : (tensor<1x3x1xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return
}

// INFER-LABEL: func @infer_squeeze_dynamic_axes
// INFER-SAME: -> (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<*xf32>, tensor<1x3x4xf32>)
func.func @infer_squeeze_dynamic_axes(%x: tensor<3x4xf32>, %a: tensor<2xi64>, %y: tensor<1x3x1xf32>, %b: tensor<1xi64>, %c: tensor<?xi64>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %0 = kiln.unsqueeze %x, %a : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  %1 = kiln.squeeze %y, %b : (tensor<1x3x1xf32>, tensor<1xi64>) -> tensor<*xf32>
  %2 = kiln.unsqueeze %x, %c : (tensor<3x4xf32>, tensor<?xi64>) -> tensor<*xf32>
  // A constant operand acts as the attribute.
  %k = kiln.constant dense<[0]> : tensor<1xi64>
  %3 = kiln.unsqueeze %x, %k : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
