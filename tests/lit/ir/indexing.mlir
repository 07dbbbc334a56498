// Round trip and type inference of the indexing family
// (KilnIndexingOps.td): scatter/gather, top_k, one_hot, the data-dependent
// selections, reverse_sequence, grid_sample, non_max_suppression,
// center_crop_pad.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip
func.func @roundtrip(%x: tensor<4x5x6xf32>, %i2: tensor<3x2xi64>, %u2: tensor<3x6xf32>, %ie: tensor<4x5x2xi32>, %ue: tensor<4x5x2xf32>, %k: tensor<1xi64>, %b: tensor<4xi1>, %s: tensor<5xi64>) {
  // CHECK: kiln.scatter_nd %{{.*}}, %{{.*}}, %{{.*}} {reduction = "add"} : (tensor<4x5x6xf32>, tensor<3x2xi64>, tensor<3x6xf32>) -> tensor<4x5x6xf32>
  %0 = kiln.scatter_nd %x, %i2, %u2 {reduction = "add"} : (tensor<4x5x6xf32>, tensor<3x2xi64>, tensor<3x6xf32>) -> tensor<4x5x6xf32>
  // CHECK: kiln.scatter_elements %{{.*}}, %{{.*}}, %{{.*}} {axis = -1 : i64, reduction = "max"} : (tensor<4x5x6xf32>, tensor<4x5x2xi32>, tensor<4x5x2xf32>) -> tensor<4x5x6xf32>
  %1 = kiln.scatter_elements %x, %ie, %ue {axis = -1, reduction = "max"} : (tensor<4x5x6xf32>, tensor<4x5x2xi32>, tensor<4x5x2xf32>) -> tensor<4x5x6xf32>
  // CHECK: kiln.gather_nd %{{.*}}, %{{.*}} : (tensor<4x5x6xf32>, tensor<3x2xi64>) -> tensor<3x6xf32>
  %2 = kiln.gather_nd %x, %i2 : (tensor<4x5x6xf32>, tensor<3x2xi64>) -> tensor<3x6xf32>
  // CHECK: kiln.top_k %{{.*}}, %{{.*}} {axis = 1 : i64, largest = false} : (tensor<4x5x6xf32>, tensor<1xi64>) -> (tensor<4x?x6xf32>, tensor<4x?x6xi64>)
  %3:2 = kiln.top_k %x, %k {axis = 1, largest = false} : (tensor<4x5x6xf32>, tensor<1xi64>) -> (tensor<4x?x6xf32>, tensor<4x?x6xi64>)
  // CHECK: kiln.non_zero %{{.*}} : (tensor<4x5x6xf32>) -> tensor<3x?xi64>
  %4 = kiln.non_zero %x : (tensor<4x5x6xf32>) -> tensor<3x?xi64>
  // CHECK: kiln.compress %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<4x5x6xf32>, tensor<4xi1>) -> tensor<?x5x6xf32>
  %5 = kiln.compress %x, %b {axis = 0} : (tensor<4x5x6xf32>, tensor<4xi1>) -> tensor<?x5x6xf32>
  // CHECK: kiln.unique %{{.*}} {sorted = false} : (tensor<4x5x6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<120xi64>, tensor<?xi64>)
  %6:4 = kiln.unique %x {sorted = false} : (tensor<4x5x6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<120xi64>, tensor<?xi64>)
  // CHECK: kiln.reverse_sequence %{{.*}}, %{{.*}} {batch_axis = 0 : i64, time_axis = 1 : i64} : (tensor<4x5x6xf32>, tensor<4xi64>) -> tensor<4x5x6xf32>
  %i4 = kiln.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %7 = kiln.reverse_sequence %x, %i4 {batch_axis = 0, time_axis = 1} : (tensor<4x5x6xf32>, tensor<4xi64>) -> tensor<4x5x6xf32>
  // CHECK: kiln.center_crop_pad %{{.*}}, %{{.*}} {axes = array<i64: 1>} : (tensor<4x5x6xf32>, tensor<1xi64>) -> tensor<4x?x6xf32>
  %8 = kiln.center_crop_pad %x, %k {axes = array<i64: 1>} : (tensor<4x5x6xf32>, tensor<1xi64>) -> tensor<4x?x6xf32>
  return
}

// CHECK-LABEL: func @detection
func.func @detection(%x: tensor<2x3x8x8xf32>, %g: tensor<2x4x5x2xf32>, %boxes: tensor<1x6x4xf32>, %scores: tensor<1x2x6xf32>, %m: tensor<1xi64>, %t: tensor<1xf32>, %e: tensor<0xf32>) {
  // CHECK: kiln.grid_sample %{{.*}}, %{{.*}} {align_corners = true, mode = "cubic", padding_mode = "reflection"} : (tensor<2x3x8x8xf32>, tensor<2x4x5x2xf32>) -> tensor<2x3x4x5xf32>
  %0 = kiln.grid_sample %x, %g {align_corners = true, mode = "cubic", padding_mode = "reflection"} : (tensor<2x3x8x8xf32>, tensor<2x4x5x2xf32>) -> tensor<2x3x4x5xf32>
  // CHECK: kiln.non_max_suppression %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {center_point_box = true} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<0xf32>) -> tensor<?x3xi64>
  %1 = kiln.non_max_suppression %boxes, %scores, %m, %t, %e {center_point_box = true} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<0xf32>) -> tensor<?x3xi64>
  return
}

// INFER-LABEL: func @infer
func.func @infer(%x: tensor<4x5x6xf32>, %i: tensor<4x2x1xi64>, %d: tensor<3xi32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xi64>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // INFER: kiln.gather_nd {{.*}} {batch_dims = 1 : i64} {{.*}} -> tensor<4x2x6xf32>
  %0 = kiln.gather_nd %x, %i {batch_dims = 1} : (tensor<4x5x6xf32>, tensor<4x2x1xi64>) -> tensor<*xf32>
  // A constant k gives a static dim.
  %k = kiln.constant dense<2> : tensor<1xi64>
  // INFER: kiln.top_k {{.*}} -> (tensor<4x5x2xf32>, tensor<4x5x2xi64>)
  %1:2 = kiln.top_k %x, %k : (tensor<4x5x6xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  // A constant depth gives a static dim at axis.
  %depth = kiln.constant dense<7> : tensor<i64>
  %v = kiln.constant dense<[0.0, 1.0]> : tensor<2xf32>
  // INFER: kiln.one_hot {{.*}} -> tensor<3x7xf32>
  %2 = kiln.one_hot %d, %depth, %v : (tensor<3xi32>, tensor<i64>, tensor<2xf32>) -> tensor<*xf32>
  // INFER: kiln.unique {{.*}} -> (tensor<4x?x6xf32>, tensor<?xi64>, tensor<5xi64>, tensor<?xi64>)
  %3:4 = kiln.unique %x {axis = 1} : (tensor<4x5x6xf32>) -> (tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>)
  %s = kiln.constant dense<[3, 8]> : tensor<2xi64>
  // INFER: kiln.center_crop_pad {{.*}} -> tensor<3x5x8xf32>
  %4 = kiln.center_crop_pad %x, %s {axes = array<i64: 0, -1>} : (tensor<4x5x6xf32>, tensor<2xi64>) -> tensor<*xf32>
  // INFER: kiln.compress {{.*}} -> tensor<?xf32>
  %b = kiln.constant dense<[true, false]> : tensor<2xi1>
  %5 = kiln.compress %x, %b : (tensor<4x5x6xf32>, tensor<2xi1>) -> tensor<*xf32>
  return %0, %1#0, %1#1, %2, %4, %5 : tensor<*xf32>, tensor<*xf32>, tensor<*xi64>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
