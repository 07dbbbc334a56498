// Folding of the math op family (KilnMathOps.td): every op evaluates at
// compile time on constant inputs (eye_like whenever its shape is static).
// Expected values were checked against numpy (float64, then rounded to the
// result type): arccos, arcsin, arctan, sinh, cosh, arcsinh, arccosh,
// arctanh (NaN outside the domain), tan, x / (1 + |x|), celu, isinf/isnan,
// & | ^ ~, left_shift/right_shift (shifts of the full width give 0),
// cumprod, float32.view(int32) and eye.
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s

// CHECK-LABEL: func @acos
// CHECK-DAG: kiln.constant dense<[3.14159274, 1.04719758, 0.000000e+00]> : tensor<3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @acos() -> (tensor<3xf32>) {
  %c = kiln.constant dense<[-1.0, 0.5, 1.0]> : tensor<3xf32>
  %0 = kiln.acos %c : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func @asin_atan
// CHECK-DAG: kiln.constant dense<[0.52359879, -1.57079637]> : tensor<2xf32>
// CHECK-DAG: kiln.constant dense<[0.463647604, -0.785398185]> : tensor<2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @asin_atan() -> (tensor<2xf32>, tensor<2xf32>) {
  %c = kiln.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %0 = kiln.asin %c : (tensor<2xf32>) -> tensor<2xf32>
  %1 = kiln.atan %c : (tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// CHECK-LABEL: func @hyperbolic
// CHECK-DAG: kiln.constant dense<[0.52109530549374738, 3.626860407847019]> : tensor<2xf64>
// CHECK-DAG: kiln.constant dense<[1.1276259652063807, 3.7621956910836314]> : tensor<2xf64>
// CHECK-DAG: kiln.constant dense<[0.48121182505960347, 1.4436354751788103]> : tensor<2xf64>
// CHECK-DAG: kiln.constant dense<[0xFFF8000000000000, 1.3169578969248166]> : tensor<2xf64>
// CHECK-DAG: kiln.constant dense<[0.54930614433405478, 0xFFF8000000000000]> : tensor<2xf64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @hyperbolic() -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>) {
  %c = kiln.constant dense<[0.5, 2.0]> : tensor<2xf64>
  %0 = kiln.sinh %c : (tensor<2xf64>) -> tensor<2xf64>
  %1 = kiln.cosh %c : (tensor<2xf64>) -> tensor<2xf64>
  %2 = kiln.asinh %c : (tensor<2xf64>) -> tensor<2xf64>
  %3 = kiln.acosh %c : (tensor<2xf64>) -> tensor<2xf64>
  %4 = kiln.atanh %c : (tensor<2xf64>) -> tensor<2xf64>
  return %0, %1, %2, %3, %4 : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>
}

// CHECK-LABEL: func @tan_softsign_celu
// CHECK-DAG: kiln.constant dense<[2.18503976, 0.000000e+00, 1.55740774]> : tensor<3xf32>
// CHECK-DAG: kiln.constant dense<[-0.666666686, 0.000000e+00, 5.000000e-01]> : tensor<3xf32>
// CHECK-DAG: kiln.constant dense<[-1.2642411, 0.000000e+00, 1.000000e+00]> : tensor<3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @tan_softsign_celu() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %c = kiln.constant dense<[-2.0, 0.0, 1.0]> : tensor<3xf32>
  %0 = kiln.tan %c : (tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.softsign %c : (tensor<3xf32>) -> tensor<3xf32>
  %2 = kiln.celu %c {alpha = 2.0 : f32} : (tensor<3xf32>) -> tensor<3xf32>
  return %0, %1, %2 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func @classify
// CHECK-DAG: kiln.constant dense<[true, true, false, false]> : tensor<4xi1>
// CHECK-DAG: kiln.constant dense<[false, true, false, false]> : tensor<4xi1>
// CHECK-DAG: kiln.constant dense<[false, false, true, false]> : tensor<4xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @classify() -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %c = kiln.constant dense<[0x7F800000, 0xFF800000, 0x7FC00000, 1.0]> : tensor<4xf32>
  %0 = kiln.is_inf %c : (tensor<4xf32>) -> tensor<4xi1>
  %1 = kiln.is_inf %c {detect_positive = false} : (tensor<4xf32>) -> tensor<4xi1>
  %2 = kiln.is_nan %c : (tensor<4xf32>) -> tensor<4xi1>
  return %0, %1, %2 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// CHECK-LABEL: func @bitwise
// CHECK-DAG: kiln.constant dense<{{\[\[}}8, 15], [0, 0]]> : tensor<2x2xui8>
// CHECK-DAG: kiln.constant dense<{{\[\[}}14, 255], [11, 143]]> : tensor<2x2xui8>
// CHECK-DAG: kiln.constant dense<{{\[\[}}6, 240], [11, 143]]> : tensor<2x2xui8>
// CHECK-DAG: kiln.constant dense<[-1, 2]> : tensor<2xi16>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @bitwise() -> (tensor<2x2xui8>, tensor<2x2xui8>, tensor<2x2xui8>, tensor<2xi16>) {
  %a = kiln.constant dense<[[12, 255], [1, 128]]> : tensor<2x2xui8>
  %b = kiln.constant dense<[10, 15]> : tensor<2xui8>
  %0 = kiln.bitwise_and %a, %b : (tensor<2x2xui8>, tensor<2xui8>) -> tensor<2x2xui8>
  %1 = kiln.bitwise_or %a, %b : (tensor<2x2xui8>, tensor<2xui8>) -> tensor<2x2xui8>
  %2 = kiln.bitwise_xor %a, %b : (tensor<2x2xui8>, tensor<2xui8>) -> tensor<2x2xui8>
  %n = kiln.constant dense<[0, -3]> : tensor<2xi16>
  %3 = kiln.bitwise_not %n : (tensor<2xi16>) -> tensor<2xi16>
  return %0, %1, %2, %3 : tensor<2x2xui8>, tensor<2x2xui8>, tensor<2x2xui8>, tensor<2xi16>
}

// CHECK-LABEL: func @bit_shift
// CHECK-DAG: kiln.constant dense<[32, 240, 128, 0]> : tensor<4xui8>
// CHECK-DAG: kiln.constant dense<[8, 15, 0, 0]> : tensor<4xui8>
// CHECK-DAG: kiln.constant dense<[15, 0]> : tensor<2xui64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @bit_shift() -> (tensor<4xui8>, tensor<4xui8>, tensor<2xui64>) {
  %a = kiln.constant dense<[16, 255, 1, 3]> : tensor<4xui8>
  %s = kiln.constant dense<[1, 4, 7, 8]> : tensor<4xui8>
  %0 = kiln.bit_shift %a, %s {direction = "LEFT"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = kiln.bit_shift %a, %s {direction = "RIGHT"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %b = kiln.constant dense<[18446744073709551615, 1]> : tensor<2xui64>
  %t = kiln.constant dense<[60, 63]> : tensor<2xui64>
  %2 = kiln.bit_shift %b, %t {direction = "RIGHT"} : (tensor<2xui64>, tensor<2xui64>) -> tensor<2xui64>
  return %0, %1, %2 : tensor<4xui8>, tensor<4xui8>, tensor<2xui64>
}

// CHECK-LABEL: func @cum_prod
// CHECK-DAG: kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 6.000000e+00], [4.000000e+00, 2.000000e+01, 1.200000e+02]]> : tensor<2x3xf32>
// CHECK-DAG: kiln.constant dense<{{\[\[}}4, 5, 6], [1, 1, 1]]> : tensor<2x3xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @cum_prod() -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %c = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %axis = kiln.constant dense<1> : tensor<i64>
  %0 = kiln.cum_prod %c, %axis : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  %i = kiln.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %ax0 = kiln.constant dense<-2> : tensor<i32>
  %1 = kiln.cum_prod %i, %ax0 {exclusive = true, reverse = true} : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi32>
}

// CHECK-LABEL: func @bit_cast
// CHECK-DAG: kiln.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: kiln.constant dense<[1065353216, -1073741824]> : tensor<2xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @bit_cast() -> (tensor<2xi32>, tensor<2xf32>) {
  %c = kiln.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %0 = kiln.bit_cast %c {to = i32} : (tensor<2xf32>) -> tensor<2xi32>
  %same = kiln.bit_cast %c {to = f32} : (tensor<2xf32>) -> tensor<2xf32>
  return %0, %same : tensor<2xi32>, tensor<2xf32>
}

// CHECK-LABEL: func @eye_like
// CHECK-DAG: kiln.constant dense<{{\[\[}}0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]> : tensor<3x4xi64>
// CHECK-DAG: kiln.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<3x4xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
func.func @eye_like(%x: tensor<3x4xf32>) -> (tensor<3x4xi64>, tensor<3x4xf32>) {
  %0 = kiln.eye_like %x {dtype = i64, k = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xi64>
  %1 = kiln.eye_like %x {dtype = f32, k = -2 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0, %1 : tensor<3x4xi64>, tensor<3x4xf32>
}
