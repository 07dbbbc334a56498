// Round-trip and type inference of the elementwise unary ops and kiln.cast.
// RUN: %kiln-opt %s | %kiln-opt | %FileCheck %s
// RUN: %kiln-opt %s --kiln-shape-inference | %FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func @roundtrip_float_unary
func.func @roundtrip_float_unary(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // CHECK: kiln.relu %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %0 = kiln.relu %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = kiln.leaky_relu %0 {alpha = 2.000000e-01 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.elu %{{.*}} {alpha = 5.000000e-01 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %2 = kiln.elu %1 {alpha = 5.000000e-01 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.selu %{{.*}} {alpha = 1.500000e+00 : f32, gamma = 2.000000e+00 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = kiln.selu %2 {alpha = 1.500000e+00 : f32, gamma = 2.000000e+00 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.gelu %{{.*}} {approximate = "tanh"} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %4 = kiln.gelu %3 {approximate = "tanh"} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.erf %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %5 = kiln.erf %4 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.sigmoid %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %6 = kiln.sigmoid %5 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.hard_sigmoid %{{.*}} {alpha = 2.500000e-01 : f32, beta = 7.500000e-01 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %7 = kiln.hard_sigmoid %6 {alpha = 2.500000e-01 : f32, beta = 7.500000e-01 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.hard_swish %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %8 = kiln.hard_swish %7 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.silu %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %9 = kiln.silu %8 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.mish %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %10 = kiln.mish %9 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.softplus %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %11 = kiln.softplus %10 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.tanh %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %12 = kiln.tanh %11 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.exp %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %13 = kiln.exp %12 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.log %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %14 = kiln.log %13 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.sqrt %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %15 = kiln.sqrt %14 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.reciprocal %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %16 = kiln.reciprocal %15 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.sin %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %17 = kiln.sin %16 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.cos %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %18 = kiln.cos %17 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.floor %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %19 = kiln.floor %18 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.ceil %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %20 = kiln.ceil %19 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.round %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %21 = kiln.round %20 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.abs %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %22 = kiln.abs %21 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.neg %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %23 = kiln.neg %22 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.sign %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %24 = kiln.sign %23 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %25 = kiln.clip %24 {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.identity %{{.*}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %26 = kiln.identity %25 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kiln.dropout %{{.*}} {ratio = 2.500000e-01 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %27 = kiln.dropout %26 {ratio = 2.500000e-01 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %27 : tensor<?x4xf32>
}

// CHECK-LABEL: func @roundtrip_other_types
func.func @roundtrip_other_types(%i: tensor<3x?xi32>, %b: tensor<*xi1>, %h: tensor<2xf16>, %u: tensor<*xf32>, %d: tensor<5xf64>, %bf: tensor<1x2xbf16>)
    -> (tensor<3x?xi32>, tensor<3x?xi32>, tensor<3x?xi32>, tensor<3x?xi32>, tensor<3x?xi32>, tensor<*xi1>, tensor<2xf16>, tensor<*xf32>, tensor<5xf64>, tensor<1x2xbf16>, tensor<*xi1>) {
  // CHECK: kiln.relu %{{.*}} : (tensor<3x?xi32>) -> tensor<3x?xi32>
  %0 = kiln.relu %i : (tensor<3x?xi32>) -> tensor<3x?xi32>
  // CHECK: kiln.abs %{{.*}} : (tensor<3x?xi32>) -> tensor<3x?xi32>
  %1 = kiln.abs %0 : (tensor<3x?xi32>) -> tensor<3x?xi32>
  // CHECK: kiln.neg %{{.*}} : (tensor<3x?xi32>) -> tensor<3x?xi32>
  %2 = kiln.neg %1 : (tensor<3x?xi32>) -> tensor<3x?xi32>
  // CHECK: kiln.sign %{{.*}} : (tensor<3x?xi32>) -> tensor<3x?xi32>
  %3 = kiln.sign %2 : (tensor<3x?xi32>) -> tensor<3x?xi32>
  // Only one bound of clip.
  // CHECK: kiln.clip %{{.*}} {min = -2.000000e+00 : f64} : (tensor<3x?xi32>) -> tensor<3x?xi32>
  %4 = kiln.clip %3 {min = -2.0 : f64} : (tensor<3x?xi32>) -> tensor<3x?xi32>
  // CHECK: kiln.not %{{.*}} : (tensor<*xi1>) -> tensor<*xi1>
  %5 = kiln.not %b : (tensor<*xi1>) -> tensor<*xi1>
  // CHECK: kiln.gelu %{{.*}} : (tensor<2xf16>) -> tensor<2xf16>
  %6 = kiln.gelu %h : (tensor<2xf16>) -> tensor<2xf16>
  // CHECK: kiln.sigmoid %{{.*}} : (tensor<*xf32>) -> tensor<*xf32>
  %7 = kiln.sigmoid %u : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: kiln.exp %{{.*}} : (tensor<5xf64>) -> tensor<5xf64>
  %8 = kiln.exp %d : (tensor<5xf64>) -> tensor<5xf64>
  // CHECK: kiln.tanh %{{.*}} : (tensor<1x2xbf16>) -> tensor<1x2xbf16>
  %9 = kiln.tanh %bf : (tensor<1x2xbf16>) -> tensor<1x2xbf16>
  // CHECK: kiln.identity %{{.*}} : (tensor<*xi1>) -> tensor<*xi1>
  %10 = kiln.identity %5 : (tensor<*xi1>) -> tensor<*xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<3x?xi32>, tensor<3x?xi32>, tensor<3x?xi32>, tensor<3x?xi32>, tensor<3x?xi32>, tensor<*xi1>, tensor<2xf16>, tensor<*xf32>, tensor<5xf64>, tensor<1x2xbf16>, tensor<*xi1>
}

// CHECK-LABEL: func @roundtrip_cast
func.func @roundtrip_cast(%x: tensor<?x3xf32>, %u: tensor<*xi64>) -> (tensor<?x3xi8>, tensor<?x3xi1>, tensor<*xf16>, tensor<?x3xui8>) {
  // CHECK: kiln.cast %{{.*}} {to = i8} : (tensor<?x3xf32>) -> tensor<?x3xi8>
  %0 = kiln.cast %x {to = i8} : (tensor<?x3xf32>) -> tensor<?x3xi8>
  // CHECK: kiln.cast %{{.*}} {to = i1} : (tensor<?x3xi8>) -> tensor<?x3xi1>
  %1 = kiln.cast %0 {to = i1} : (tensor<?x3xi8>) -> tensor<?x3xi1>
  // CHECK: kiln.cast %{{.*}} {to = f16} : (tensor<*xi64>) -> tensor<*xf16>
  %2 = kiln.cast %u {to = f16} : (tensor<*xi64>) -> tensor<*xf16>
  // CHECK: kiln.cast %{{.*}} {to = ui8} : (tensor<?x3xf32>) -> tensor<?x3xui8>
  %3 = kiln.cast %x {to = ui8} : (tensor<?x3xf32>) -> tensor<?x3xui8>
  return %0, %1, %2, %3 : tensor<?x3xi8>, tensor<?x3xi1>, tensor<*xf16>, tensor<?x3xui8>
}

// Unary ops infer their operand's type; cast keeps the shape with the `to` type.
// INFER-LABEL: func @infer_unary
// INFER-SAME: -> (tensor<2x?x5xf32>, tensor<2x?x5xf32>, tensor<2x?x5xi64>, tensor<2x?x5xf16>, tensor<*xf16>, tensor<7xi1>)
func.func @infer_unary(%x: tensor<2x?x5xf32>, %u: tensor<*xi32>, %b: tensor<7xi1>)
    -> (tensor<*xf32>, tensor<*xf32>, tensor<*xi64>, tensor<*xf16>, tensor<*xf16>, tensor<*xi1>) {
  // INFER: kiln.softplus %{{.*}} : (tensor<2x?x5xf32>) -> tensor<2x?x5xf32>
  %0 = kiln.softplus %x : (tensor<2x?x5xf32>) -> tensor<*xf32>
  // INFER: kiln.clip %{{.*}} {max = 1.000000e+00 : f64} : (tensor<2x?x5xf32>) -> tensor<2x?x5xf32>
  %1 = kiln.clip %0 {max = 1.0 : f64} : (tensor<*xf32>) -> tensor<*xf32>
  // INFER: kiln.cast %{{.*}} {to = i64} : (tensor<2x?x5xf32>) -> tensor<2x?x5xi64>
  %2 = kiln.cast %1 {to = i64} : (tensor<*xf32>) -> tensor<*xi64>
  // INFER: kiln.cast %{{.*}} {to = f16} : (tensor<2x?x5xi64>) -> tensor<2x?x5xf16>
  %3 = kiln.cast %2 {to = f16} : (tensor<*xi64>) -> tensor<*xf16>
  // INFER: kiln.cast %{{.*}} {to = f16} : (tensor<*xi32>) -> tensor<*xf16>
  %4 = kiln.cast %u {to = f16} : (tensor<*xi32>) -> tensor<*xf16>
  // INFER: kiln.not %{{.*}} : (tensor<7xi1>) -> tensor<7xi1>
  %5 = kiln.not %b : (tensor<7xi1>) -> tensor<*xi1>
  return %0, %1, %2, %3, %4, %5 : tensor<*xf32>, tensor<*xf32>, tensor<*xi64>, tensor<*xf16>, tensor<*xf16>, tensor<*xi1>
}

// Run-time bounds: two scalar operands (min, max) of the input's type.
// CHECK-LABEL: func @roundtrip_clip_bound_operands
// CHECK: kiln.clip %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x4xf32>, tensor<f32>, tensor<f32>) -> tensor<?x4xf32>
// INFER-LABEL: func @roundtrip_clip_bound_operands
// INFER: kiln.clip {{.*}} -> tensor<?x4xi8>
func.func @roundtrip_clip_bound_operands(%x: tensor<?x4xf32>, %lo: tensor<f32>, %hi: tensor<f32>,
                                         %i: tensor<?x4xi8>, %l8: tensor<1xi8>, %h8: tensor<i8>) {
  %0 = kiln.clip %x, %lo, %hi : (tensor<?x4xf32>, tensor<f32>, tensor<f32>) -> tensor<?x4xf32>
  %1 = kiln.clip %i, %l8, %h8 : (tensor<?x4xi8>, tensor<1xi8>, tensor<i8>) -> tensor<*xi8>
  return
}
