// Round-trip and type inference of the elementwise binary ops (numpy
// broadcasting), kiln.prelu and kiln.where.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip_binary
func.func @roundtrip_binary(%a: tensor<?x1x4xf32>, %b: tensor<3x1xf32>, %i: tensor<4xi64>, %j: tensor<*xi64>, %p: tensor<*xi1>, %q: tensor<2x?xi1>) {
  // CHECK: kiln.add %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  %0 = kiln.add %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.add %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  %1 = kiln.add %i, %j : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: kiln.sub %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  %2 = kiln.sub %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.sub %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  %3 = kiln.sub %i, %j : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: kiln.mul %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  %4 = kiln.mul %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.mul %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  %5 = kiln.mul %i, %j : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: kiln.div %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  %6 = kiln.div %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.div %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  %7 = kiln.div %i, %j : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: kiln.pow %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  %8 = kiln.pow %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.pow %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  %9 = kiln.pow %i, %j : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: kiln.min %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  %10 = kiln.min %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.min %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  %11 = kiln.min %i, %j : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: kiln.max %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  %12 = kiln.max %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.max %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  %13 = kiln.max %i, %j : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: kiln.mod %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  %14 = kiln.mod %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  // CHECK: kiln.mod %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  %15 = kiln.mod %i, %j : (tensor<4xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: kiln.equal %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  %16 = kiln.equal %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  // CHECK: kiln.equal %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %17 = kiln.equal %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  // CHECK: kiln.less %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  %18 = kiln.less %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  // CHECK: kiln.less %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %19 = kiln.less %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  // CHECK: kiln.less_or_equal %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  %20 = kiln.less_or_equal %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  // CHECK: kiln.less_or_equal %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %21 = kiln.less_or_equal %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  // CHECK: kiln.greater %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  %22 = kiln.greater %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  // CHECK: kiln.greater %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %23 = kiln.greater %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  // CHECK: kiln.greater_or_equal %{{.*}}, %{{.*}} : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  %24 = kiln.greater_or_equal %a, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xi1>
  // CHECK: kiln.greater_or_equal %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %25 = kiln.greater_or_equal %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  // CHECK: kiln.equal %{{.*}}, %{{.*}} : (tensor<*xi1>, tensor<2x?xi1>) -> tensor<*xi1>
  %26 = kiln.equal %p, %q : (tensor<*xi1>, tensor<2x?xi1>) -> tensor<*xi1>
  // CHECK: kiln.and %{{.*}}, %{{.*}} : (tensor<2x?xi1>, tensor<2x?xi1>) -> tensor<2x?xi1>
  %27 = kiln.and %q, %q : (tensor<2x?xi1>, tensor<2x?xi1>) -> tensor<2x?xi1>
  // CHECK: kiln.and %{{.*}}, %{{.*}} : (tensor<*xi1>, tensor<2x?xi1>) -> tensor<*xi1>
  %28 = kiln.and %p, %q : (tensor<*xi1>, tensor<2x?xi1>) -> tensor<*xi1>
  // CHECK: kiln.or %{{.*}}, %{{.*}} : (tensor<2x?xi1>, tensor<2x?xi1>) -> tensor<2x?xi1>
  %29 = kiln.or %q, %q : (tensor<2x?xi1>, tensor<2x?xi1>) -> tensor<2x?xi1>
  // CHECK: kiln.or %{{.*}}, %{{.*}} : (tensor<*xi1>, tensor<2x?xi1>) -> tensor<*xi1>
  %30 = kiln.or %p, %q : (tensor<*xi1>, tensor<2x?xi1>) -> tensor<*xi1>
  // CHECK: kiln.xor %{{.*}}, %{{.*}} : (tensor<2x?xi1>, tensor<2x?xi1>) -> tensor<2x?xi1>
  %31 = kiln.xor %q, %q : (tensor<2x?xi1>, tensor<2x?xi1>) -> tensor<2x?xi1>
  // CHECK: kiln.xor %{{.*}}, %{{.*}} : (tensor<*xi1>, tensor<2x?xi1>) -> tensor<*xi1>
  %32 = kiln.xor %p, %q : (tensor<*xi1>, tensor<2x?xi1>) -> tensor<*xi1>
  return
}

// CHECK-LABEL: func @roundtrip_prelu_where
func.func @roundtrip_prelu_where(%x: tensor<?x3x8x8xf32>, %s: tensor<3x1x1xf32>, %c: tensor<?x1x8xi1>, %y: tensor<8xf32>, %u: tensor<*xf16>, %ci: tensor<i1>, %i: tensor<2xi64>)
    -> (tensor<?x3x8x8xf32>, tensor<*xf16>, tensor<?x3x8x8xf32>, tensor<2xi64>) {
  // CHECK: kiln.prelu %{{.*}}, %{{.*}} : (tensor<?x3x8x8xf32>, tensor<3x1x1xf32>) -> tensor<?x3x8x8xf32>
  %0 = kiln.prelu %x, %s : (tensor<?x3x8x8xf32>, tensor<3x1x1xf32>) -> tensor<?x3x8x8xf32>
  // CHECK: kiln.prelu %{{.*}}, %{{.*}} : (tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  %1 = kiln.prelu %u, %u : (tensor<*xf16>, tensor<*xf16>) -> tensor<*xf16>
  // CHECK: kiln.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x1x8xi1>, tensor<?x3x8x8xf32>, tensor<8xf32>) -> tensor<?x3x8x8xf32>
  %2 = kiln.where %c, %0, %y : (tensor<?x1x8xi1>, tensor<?x3x8x8xf32>, tensor<8xf32>) -> tensor<?x3x8x8xf32>
  // CHECK: kiln.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %3 = kiln.where %ci, %i, %i : (tensor<i1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0, %1, %2, %3 : tensor<?x3x8x8xf32>, tensor<*xf16>, tensor<?x3x8x8xf32>, tensor<2xi64>
}

// INFER-LABEL: func @infer_broadcast
// INFER-SAME: -> (tensor<2x3x4xf32>, tensor<?x3x4xf32>, tensor<5x?xf32>, tensor<?x?xf32>, tensor<3xf32>, tensor<*xf32>, tensor<2x3x4xi1>, tensor<0x3xi32>, tensor<2x3x4xf32>, tensor<4xi1>)
func.func @infer_broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>, %d: tensor<?x1x4xf32>, %e: tensor<5x1xf32>, %f: tensor<1x?xf32>,
                           %g: tensor<?x?xf32>, %s: tensor<f32>, %v: tensor<3xf32>, %u: tensor<*xf32>, %z: tensor<0x1xi32>, %w: tensor<3xi32>, %k: tensor<i64>, %l: tensor<4xi1>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xi1>, tensor<*xi32>, tensor<*xf32>, tensor<*xi1>) {
  // INFER: kiln.add {{.*}} -> tensor<2x3x4xf32>
  %0 = kiln.add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // INFER: kiln.sub {{.*}} -> tensor<?x3x4xf32>
  %1 = kiln.sub %d, %b : (tensor<?x1x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // 5x1 with 1x? gives 5x?
  // INFER: kiln.mul {{.*}} -> tensor<5x?xf32>
  %2 = kiln.mul %e, %f : (tensor<5x1xf32>, tensor<1x?xf32>) -> tensor<*xf32>
  // INFER: kiln.div {{.*}} -> tensor<?x?xf32>
  %3 = kiln.div %g, %s : (tensor<?x?xf32>, tensor<f32>) -> tensor<*xf32>
  // INFER: kiln.max {{.*}} -> tensor<3xf32>
  %4 = kiln.max %v, %s : (tensor<3xf32>, tensor<f32>) -> tensor<*xf32>
  // INFER: kiln.min {{.*}} -> tensor<*xf32>
  %5 = kiln.min %v, %u : (tensor<3xf32>, tensor<*xf32>) -> tensor<*xf32>
  // INFER: kiln.greater_or_equal {{.*}} -> tensor<2x3x4xi1>
  %6 = kiln.greater_or_equal %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<*xi1>
  // A zero-size dim broadcasts like any other size (1 -> 0).
  // INFER: kiln.mod {{.*}} -> tensor<0x3xi32>
  %7 = kiln.mod %z, %w : (tensor<0x1xi32>, tensor<3xi32>) -> tensor<*xi32>
  // pow takes an exponent of another element type; the result has the base's.
  // INFER: kiln.pow {{.*}} : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %8 = kiln.pow %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // INFER: kiln.xor {{.*}} -> tensor<4xi1>
  %9 = kiln.xor %l, %l : (tensor<4xi1>, tensor<4xi1>) -> tensor<*xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xi1>, tensor<*xi32>, tensor<*xf32>, tensor<*xi1>
}

// INFER-LABEL: func @infer_pow_mixed
// INFER-SAME: -> tensor<2x3xf32>
func.func @infer_pow_mixed(%a: tensor<2x3xf32>, %e: tensor<i64>) -> tensor<*xf32> {
  // INFER: kiln.pow {{.*}} : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  %0 = kiln.pow %a, %e : (tensor<2x3xf32>, tensor<i64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// INFER-LABEL: func @infer_prelu_where
// INFER-SAME: -> (tensor<?x3x5xf32>, tensor<4x2x3xf32>, tensor<?x?xi64>, tensor<*xf32>)
func.func @infer_prelu_where(%x: tensor<?x3x5xf32>, %s: tensor<3x1xf32>, %c: tensor<4x1x1xi1>, %a: tensor<2x1xf32>, %b: tensor<3xf32>,
                             %ci: tensor<?x1xi1>, %i: tensor<1x?xi64>, %u: tensor<*xi1>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xi64>, tensor<*xf32>) {
  // INFER: kiln.prelu {{.*}} -> tensor<?x3x5xf32>
  %0 = kiln.prelu %x, %s : (tensor<?x3x5xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // INFER: kiln.where {{.*}} -> tensor<4x2x3xf32>
  %1 = kiln.where %c, %a, %b : (tensor<4x1x1xi1>, tensor<2x1xf32>, tensor<3xf32>) -> tensor<*xf32>
  // INFER: kiln.where {{.*}} -> tensor<?x?xi64>
  %2 = kiln.where %ci, %i, %i : (tensor<?x1xi1>, tensor<1x?xi64>, tensor<1x?xi64>) -> tensor<*xi64>
  // INFER: kiln.where {{.*}} -> tensor<*xf32>
  %3 = kiln.where %u, %a, %b : (tensor<*xi1>, tensor<2x1xf32>, tensor<3xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xi64>, tensor<*xf32>
}

// CHECK-LABEL: func @roundtrip_mod_fmod
// CHECK: kiln.mod %{{.*}}, %{{.*}} {fmod = true} : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK: kiln.mod %{{.*}}, %{{.*}} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
func.func @roundtrip_mod_fmod(%a: tensor<?x4xf32>, %b: tensor<4xf32>, %i: tensor<4xi32>) {
  %0 = kiln.mod %a, %b {fmod = true} : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %1 = kiln.mod %i, %i {fmod = false} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return
}
