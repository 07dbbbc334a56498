// Constant folding of the elementwise ops (unary, binary with broadcasting,
// integer arithmetic, comparisons, casts, prelu, where) and the removal of
// no-op identities. Expected values were computed independently with numpy
// and torch (float64, then rounded to the result type).
// RUN: %kiln-opt %s --canonicalize | %FileCheck %s

// CHECK-LABEL: func @relu
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e-01, 1.000000e+00, 2.500000e+00]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @relu() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.relu %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @relu_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[0, 0, 3]> : tensor<3xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @relu_int() -> (tensor<3xi32>) {
  %c = kiln.constant dense<[-4, 0, 3]> : tensor<3xi32>
  %0 = kiln.relu %c : (tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func @leaky_relu
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-5.000000e-01, -2.000000e-01, -1.000000e-01, 0.000000e+00, 5.000000e-01, 1.000000e+00, 2.500000e+00]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @leaky_relu() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.leaky_relu %c {alpha = 0.2 : f32} : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @elu
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.458957493, -0.316060275, -0.196734667, 0.000000e+00, 5.000000e-01, 1.000000e+00, 2.500000e+00]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @elu() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.elu %c {alpha = 0.5 : f32} : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @selu
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-1.61378574, -1.11133075, -0.691758215, 0.000000e+00, 0.525350511, 1.05070102, 2.62675261]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @selu() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.selu %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @gelu_erf
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.0155241629, -0.158655256, -0.154268771, 0.000000e+00, 0.345731229, 0.841344773, 2.48447585]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @gelu_erf() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.gelu %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @gelu_tanh
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.0150842657, -0.158808008, -1.542860e-01, 0.000000e+00, 3.457140e-01, 8.411920e-01, 2.48491573]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @gelu_tanh() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.gelu %c {approximate = "tanh"} : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @erf
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-9.995930e-01, -0.842700779, -0.520499885, 0.000000e+00, 0.520499885, 0.842700779, 9.995930e-01]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @erf() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.erf %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @sigmoid
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[0.0758581832, 0.268941432, 0.377540678, 5.000000e-01, 0.622459352, 0.731058597, 0.924141824]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @sigmoid() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.sigmoid %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @hard_sigmoid
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[0.000000e+00, 3.000000e-01, 4.000000e-01, 5.000000e-01, 6.000000e-01, 0.699999988, 1.000000e+00]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @hard_sigmoid() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.hard_sigmoid %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @hard_swish
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.208333328, -0.333333343, -0.208333328, 0.000000e+00, 0.291666657, 0.666666686, 2.29166675]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @hard_swish() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.hard_swish %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @silu
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.189645454, -0.268941432, -0.188770339, 0.000000e+00, 0.311229676, 0.731058597, 2.31035447]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @silu() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.silu %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @mish
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.196816206, -0.30340147, -0.220743775, 0.000000e+00, 0.375245214, 0.865098416, 2.47139239]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @mish() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.mish %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @softplus
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[0.078889735, 0.313261688, 4.740770e-01, 0.693147182, 0.974076986, 1.31326163, 2.57888985]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @softplus() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.softplus %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @tanh
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.986614286, -0.761594176, -0.462117165, 0.000000e+00, 0.462117165, 0.761594176, 0.986614286]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @tanh() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.tanh %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @exp
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[8.208500e-02, 0.36787945, 0.606530666, 1.000000e+00, 1.64872122, 2.71828175, 12.1824942]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @exp() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.exp %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @log
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-1.38629436, 0.000000e+00, 1.38629436, 2.30258512]> : tensor<4xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @log() -> (tensor<4xf32>) {
  %c = kiln.constant dense<[0.25, 1.0, 4.0, 10.0]> : tensor<4xf32>
  %0 = kiln.log %c : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func @sqrt
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[5.000000e-01, 1.000000e+00, 2.000000e+00, 3.1622777]> : tensor<4xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @sqrt() -> (tensor<4xf32>) {
  %c = kiln.constant dense<[0.25, 1.0, 4.0, 10.0]> : tensor<4xf32>
  %0 = kiln.sqrt %c : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func @reciprocal
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[4.000000e+00, 1.000000e+00, 2.500000e-01, 1.000000e-01]> : tensor<4xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @reciprocal() -> (tensor<4xf32>) {
  %c = kiln.constant dense<[0.25, 1.0, 4.0, 10.0]> : tensor<4xf32>
  %0 = kiln.reciprocal %c : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func @sin
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.598472118, -0.841470957, -0.47942555, 0.000000e+00, 0.47942555, 0.841470957, 0.598472118]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @sin() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.sin %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @cos
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-0.801143586, 0.540302277, 0.87758255, 1.000000e+00, 0.87758255, 0.540302277, -0.801143586]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @cos() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.cos %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @floor
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-3.000000e+00, -1.000000e+00, -1.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @floor() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.floor %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @ceil
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-2.000000e+00, -1.000000e+00, -0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 3.000000e+00]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @ceil() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.ceil %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @round_half_even
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-2.000000e+00, -2.000000e+00, -0.000000e+00, 0.000000e+00, 2.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @round_half_even() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6]> : tensor<7xf32>
  %0 = kiln.round %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @abs_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[5, 0, 7]> : tensor<3xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @abs_int() -> (tensor<3xi64>) {
  %c = kiln.constant dense<[-5, 0, 7]> : tensor<3xi64>
  %0 = kiln.abs %c : (tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func @neg_f16
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-1.500000e+00, 2.000000e+00]> : tensor<2xf16>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @neg_f16() -> (tensor<2xf16>) {
  %c = kiln.constant dense<[1.5, -2.0]> : tensor<2xf16>
  %0 = kiln.neg %c : (tensor<2xf16>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// CHECK-LABEL: func @sign
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-1.000000e+00, -1.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @sign() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.sign %c : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @sign_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-1, 0, 1]> : tensor<3xi8>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @sign_int() -> (tensor<3xi8>) {
  %c = kiln.constant dense<[-9, 0, 4]> : tensor<3xi8>
  %0 = kiln.sign %c : (tensor<3xi8>) -> tensor<3xi8>
  return %0 : tensor<3xi8>
}

// CHECK-LABEL: func @not
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[false, true, false]> : tensor<3xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @not() -> (tensor<3xi1>) {
  %c = kiln.constant dense<[true, false, true]> : tensor<3xi1>
  %0 = kiln.not %c : (tensor<3xi1>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// CHECK-LABEL: func @clip
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-1.000000e+00, -1.000000e+00, -5.000000e-01, 0.000000e+00, 5.000000e-01, 7.500000e-01, 7.500000e-01]> : tensor<7xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @clip() -> (tensor<7xf32>) {
  %c = kiln.constant dense<[-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]> : tensor<7xf32>
  %0 = kiln.clip %c {min = -1.0 : f64, max = 0.75 : f64} : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func @clip_max_only_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-7, 2, 3]> : tensor<3xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @clip_max_only_int() -> (tensor<3xi32>) {
  %c = kiln.constant dense<[-7, 2, 9]> : tensor<3xi32>
  %0 = kiln.clip %c {max = 3.0 : f64} : (tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func @identity_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @identity_removed(%a: tensor<2x?xf32>) -> (tensor<2x?xf32>) {
  %0 = kiln.identity %a : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func @dropout_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @dropout_removed(%a: tensor<2x?xf32>) -> (tensor<2x?xf32>) {
  %0 = kiln.dropout %a {ratio = 0.3 : f32} : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// CHECK-LABEL: func @clip_unbounded_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @clip_unbounded_removed(%a: tensor<3xf32>) -> (tensor<3xf32>) {
  %0 = kiln.clip %a : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func @cast_same_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @cast_same_removed(%a: tensor<3xi64>) -> (tensor<3xi64>) {
  %0 = kiln.cast %a {to = i64} : (tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// float to int truncates toward zero
// CHECK-LABEL: func @cast_f32_to_i32
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-1, 2, 0, 300]> : tensor<4xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @cast_f32_to_i32() -> (tensor<4xi32>) {
  %c = kiln.constant dense<[-1.7, 2.9, -0.2, 300.5]> : tensor<4xf32>
  %0 = kiln.cast %c {to = i32} : (tensor<4xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// CHECK-LABEL: func @cast_i32_to_i8_wraps
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[44, 127, 5]> : tensor<3xi8>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @cast_i32_to_i8_wraps() -> (tensor<3xi8>) {
  %c = kiln.constant dense<[300, -129, 5]> : tensor<3xi32>
  %0 = kiln.cast %c {to = i8} : (tensor<3xi32>) -> tensor<3xi8>
  return %0 : tensor<3xi8>
}

// CHECK-LABEL: func @cast_f32_to_i1
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[false, true, true]> : tensor<3xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @cast_f32_to_i1() -> (tensor<3xi1>) {
  %c = kiln.constant dense<[0.0, -0.5, 2.0]> : tensor<3xf32>
  %0 = kiln.cast %c {to = i1} : (tensor<3xf32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// 2049 is not representable in f16: rounds to nearest even (2048)
// CHECK-LABEL: func @cast_i64_to_f16
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[1.000000e+00, 2.048000e+03, -3.000000e+00]> : tensor<3xf16>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @cast_i64_to_f16() -> (tensor<3xf16>) {
  %c = kiln.constant dense<[1, 2049, -3]> : tensor<3xi64>
  %0 = kiln.cast %c {to = f16} : (tensor<3xi64>) -> tensor<3xf16>
  return %0 : tensor<3xf16>
}

// [2, 3] + [3] broadcasts along the rows
// CHECK-LABEL: func @add_broadcast
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}3.000000e+00, -6.000000e+00, 3.500000e+00], [6.000000e+00, 1.000000e+00, -5.500000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @add_broadcast() -> (tensor<2x3xf32>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[2.0, -4.0, 0.5]> : tensor<3xf32>
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @sub_broadcast
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}-1.000000e+00, 2.000000e+00, 2.500000e+00], [2.000000e+00, 9.000000e+00, -6.500000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @sub_broadcast() -> (tensor<2x3xf32>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[2.0, -4.0, 0.5]> : tensor<3xf32>
  %0 = kiln.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @mul_broadcast_col
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+01, -2.000000e+01, 3.000000e+01], [-4.000000e+00, -5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @mul_broadcast_col() -> (tensor<2x3xf32>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[[10.0], [-1.0]]> : tensor<2x1xf32>
  %0 = kiln.mul %a, %b : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @div_float
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}5.000000e-01, 5.000000e-01, 6.000000e+00], [2.000000e+00, -1.250000e+00, -1.200000e+01]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @div_float() -> (tensor<2x3xf32>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[2.0, -4.0, 0.5]> : tensor<3xf32>
  %0 = kiln.div %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @pow_float
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 6.250000e-02, 1.73205078], [1.600000e+01, 1.600000e-03, 2.44948983]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @pow_float() -> (tensor<2x3xf32>) {
  %a = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[2.0, -4.0, 0.5]> : tensor<3xf32>
  %0 = kiln.pow %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// the exponent may have another element type
// CHECK-LABEL: func @pow_int_exp
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[8.000000e+00, 9.000000e+00]> : tensor<2xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @pow_int_exp() -> (tensor<2xf32>) {
  %a = kiln.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b = kiln.constant dense<[3, 2]> : tensor<2xi64>
  %0 = kiln.pow %a, %b : (tensor<2xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func @min
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, -4.000000e+00, 5.000000e-01], [2.000000e+00, -4.000000e+00, -6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @min() -> (tensor<2x3xf32>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[2.0, -4.0, 0.5]> : tensor<3xf32>
  %0 = kiln.min %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @max
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}2.000000e+00, -2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 5.000000e-01]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @max() -> (tensor<2x3xf32>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[2.0, -4.0, 0.5]> : tensor<3xf32>
  %0 = kiln.max %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @div_int_truncates
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[3, -3, -3, 3, 0]> : tensor<5xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @div_int_truncates() -> (tensor<5xi32>) {
  %a = kiln.constant dense<[7, -7, 7, -7, 0]> : tensor<5xi32>
  %b = kiln.constant dense<[2, 2, -2, -2, 3]> : tensor<5xi32>
  %0 = kiln.div %a, %b : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// CHECK-LABEL: func @mod_int_sign_of_divisor
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[1, 1, -1, -1, 0]> : tensor<5xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @mod_int_sign_of_divisor() -> (tensor<5xi32>) {
  %a = kiln.constant dense<[7, -7, 7, -7, 0]> : tensor<5xi32>
  %b = kiln.constant dense<[2, 2, -2, -2, 3]> : tensor<5xi32>
  %0 = kiln.mod %a, %b : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// CHECK-LABEL: func @mod_float
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[1.500000e+00, 5.000000e-01, -5.000000e-01]> : tensor<3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @mod_float() -> (tensor<3xf32>) {
  %a = kiln.constant dense<[5.5, -5.5, 5.5]> : tensor<3xf32>
  %b = kiln.constant dense<[2.0, 2.0, -2.0]> : tensor<3xf32>
  %0 = kiln.mod %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func @add_int_wraps
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-128, 0]> : tensor<2xi8>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @add_int_wraps() -> (tensor<2xi8>) {
  %a = kiln.constant dense<[127, -1]> : tensor<2xi8>
  %b = kiln.constant dense<[1, 1]> : tensor<2xi8>
  %0 = kiln.add %a, %b : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi8>
  return %0 : tensor<2xi8>
}

// CHECK-LABEL: func @mul_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[6, -12]> : tensor<2xi64>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @mul_int() -> (tensor<2xi64>) {
  %a = kiln.constant dense<[2, -3]> : tensor<2xi64>
  %b = kiln.constant dense<[3, 4]> : tensor<2xi64>
  %0 = kiln.mul %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// CHECK-LABEL: func @equal
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}true, false, false], [false, true, true]]> : tensor<2x3xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @equal() -> (tensor<2x3xi1>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[1.0, 5.0, -6.0]> : tensor<3xf32>
  %0 = kiln.equal %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func @less
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}true, false, false], [false, false, true]]> : tensor<2x3xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @less() -> (tensor<2x3xi1>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[2.0, -4.0, 0.5]> : tensor<3xf32>
  %0 = kiln.less %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func @less_or_equal_int
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[false, true, false, true, true]> : tensor<5xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @less_or_equal_int() -> (tensor<5xi1>) {
  %a = kiln.constant dense<[7, -7, 7, -7, 0]> : tensor<5xi64>
  %b = kiln.constant dense<[2, 2, -2, -2, 3]> : tensor<5xi64>
  %0 = kiln.less_or_equal %a, %b : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  return %0 : tensor<5xi1>
}

// CHECK-LABEL: func @greater
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}false, true, true], [true, true, false]]> : tensor<2x3xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @greater() -> (tensor<2x3xi1>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[2.0, -4.0, 0.5]> : tensor<3xf32>
  %0 = kiln.greater %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func @greater_or_equal
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}true, false, true], [false, true, false]]> : tensor<2x3xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @greater_or_equal() -> (tensor<2x3xi1>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[[1.0], [5.0]]> : tensor<2x1xf32>
  %0 = kiln.greater_or_equal %a, %b : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func @and
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[true, false, false, false]> : tensor<4xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @and() -> (tensor<4xi1>) {
  %a = kiln.constant dense<[true, true, false, false]> : tensor<4xi1>
  %b = kiln.constant dense<[true, false, true, false]> : tensor<4xi1>
  %0 = kiln.and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// CHECK-LABEL: func @or
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[true, true, true, false]> : tensor<4xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @or() -> (tensor<4xi1>) {
  %a = kiln.constant dense<[true, true, false, false]> : tensor<4xi1>
  %b = kiln.constant dense<[true, false, true, false]> : tensor<4xi1>
  %0 = kiln.or %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// CHECK-LABEL: func @xor_broadcast
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}false, true], [true, false]]> : tensor<2x2xi1>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @xor_broadcast() -> (tensor<2x2xi1>) {
  %a = kiln.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %b = kiln.constant dense<[true, false]> : tensor<2xi1>
  %0 = kiln.xor %a, %b : (tensor<2x1xi1>, tensor<2xi1>) -> tensor<2x2xi1>
  return %0 : tensor<2x2xi1>
}

// CHECK-LABEL: func @prelu
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, -4.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, -1.500000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @prelu() -> (tensor<2x3xf32>) {
  %a = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[0.5, 2.0, 0.25]> : tensor<3xf32>
  %0 = kiln.prelu %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @where_broadcast
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, -2.000000e+00, 3.000000e+00], [-9.000000e+00, -9.000000e+00, -9.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @where_broadcast() -> (tensor<2x3xf32>) {
  %c = kiln.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %x = kiln.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %y = kiln.constant dense<-9.0> : tensor<f32>
  %0 = kiln.where %c, %x, %y : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// x + 0 and 0 + x fold to x (same type)
// CHECK-LABEL: func @add_zero_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @add_zero_removed(%a: tensor<?x3xf32>) -> (tensor<?x3xf32>) {
  %z = kiln.constant dense<[0.0, 0.0, 0.0]> : tensor<3xf32>
  %0 = kiln.add %a, %z : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = kiln.add %z, %0 : (tensor<3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}

// 1 * x and x / 1 fold to x
// CHECK-LABEL: func @mul_one_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @mul_one_removed(%a: tensor<2x3xi32>) -> (tensor<2x3xi32>) {
  %o = kiln.constant dense<1> : tensor<2x3xi32>
  %0 = kiln.mul %o, %a : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  %1 = kiln.div %0, %o : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  %2 = kiln.sub %1, %o : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  return %1 : tensor<2x3xi32>
}

// CHECK-LABEL: func @pow_one_removed
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %arg0 :
func.func @pow_one_removed(%a: tensor<4xf32>) -> (tensor<4xf32>) {
  %o = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.pow %a, %o : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
// x + 0 is kept when the zero broadcasts x to a larger shape.
// CHECK-LABEL: func @add_zero_broadcasting_kept
// CHECK: %[[R:.*]] = kiln.add %arg0, %{{.*}} : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[R]]
func.func @add_zero_broadcasting_kept(%a: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = kiln.constant dense<0.0> : tensor<2x3xf32>
  %0 = kiln.add %a, %z : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Integer division by zero is left to run time.
// CHECK-LABEL: func @div_int_by_zero_kept
// CHECK: kiln.div
func.func @div_int_by_zero_kept() -> tensor<2xi32> {
  %a = kiln.constant dense<[4, 5]> : tensor<2xi32>
  %b = kiln.constant dense<[2, 0]> : tensor<2xi32>
  %0 = kiln.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// fmod: the sign of the dividend (C fmod).
// CHECK-LABEL: func @mod_int_fmod
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[1, -1, 1, -1, 0]> : tensor<5xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @mod_int_fmod() -> (tensor<5xi32>) {
  %a = kiln.constant dense<[7, -7, 7, -7, 0]> : tensor<5xi32>
  %b = kiln.constant dense<[2, 2, -2, -2, 3]> : tensor<5xi32>
  %0 = kiln.mod %a, %b {fmod = true} : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// CHECK-LABEL: func @mod_float_fmod
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[1.500000e+00, -1.500000e+00, 1.500000e+00]> : tensor<3xf32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @mod_float_fmod() -> (tensor<3xf32>) {
  %a = kiln.constant dense<[5.5, -5.5, 5.5]> : tensor<3xf32>
  %b = kiln.constant dense<[2.0, 2.0, -2.0]> : tensor<3xf32>
  %0 = kiln.mod %a, %b {fmod = true} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Constant bound operands move into the attributes, then the op folds.
// CHECK-LABEL: func @clip_constant_bound_operands
// CHECK-DAG: %[[R0:.*]] = kiln.constant dense<[-1, 0, 2]> : tensor<3xi32>
// CHECK-NOT: kiln.{{[a-z_]+}} %
// CHECK: return %[[R0]] :
func.func @clip_constant_bound_operands() -> (tensor<3xi32>) {
  %c = kiln.constant dense<[-5, 0, 9]> : tensor<3xi32>
  %lo = kiln.constant dense<-1> : tensor<i32>
  %hi = kiln.constant dense<2> : tensor<i32>
  %0 = kiln.clip %c, %lo, %hi : (tensor<3xi32>, tensor<i32>, tensor<i32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func @clip_bound_operands_to_attributes
// CHECK: kiln.clip %{{[a-z0-9]+}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : (tensor<?xf32>) -> tensor<?xf32>
func.func @clip_bound_operands_to_attributes(%x: tensor<?xf32>) -> (tensor<?xf32>) {
  %lo = kiln.constant dense<0.0> : tensor<f32>
  %hi = kiln.constant dense<6.0> : tensor<f32>
  %0 = kiln.clip %x, %lo, %hi : (tensor<?xf32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// Crossed bounds (min > max) stay run-time operands (the result is max).
// CHECK-LABEL: func @clip_crossed_bound_operands
// CHECK: kiln.clip %{{.*}}, %{{.*}}, %{{.*}} :
func.func @clip_crossed_bound_operands(%x: tensor<?xf32>) -> (tensor<?xf32>) {
  %lo = kiln.constant dense<2.0> : tensor<f32>
  %hi = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.clip %x, %lo, %hi : (tensor<?xf32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
