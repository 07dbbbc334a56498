//===- KilnMathOps.td - math, bitwise and small generator ops -*- tablegen -*-===//
//
// Included from KilnOps.td (it uses Kiln_UnaryOp and KilnFormat from there).
// Inference, verifiers and folders: ir/ops/Math.cpp. Reference kernels:
// backends/reference/kernels/Math.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_MATH_OPS_TD
#define KILN_IR_MATH_OPS_TD

//===----------------------------------------------------------------------===//
// Elementwise float unary ops (result type = operand type)
//===----------------------------------------------------------------------===//

def Kiln_AcosOp : Kiln_UnaryOp<"acos"> { let summary = "arc cosine"; }
def Kiln_AsinOp : Kiln_UnaryOp<"asin"> { let summary = "arc sine"; }
def Kiln_AtanOp : Kiln_UnaryOp<"atan"> { let summary = "arc tangent"; }
def Kiln_AcoshOp : Kiln_UnaryOp<"acosh"> { let summary = "inverse hyperbolic cosine"; }
def Kiln_AsinhOp : Kiln_UnaryOp<"asinh"> { let summary = "inverse hyperbolic sine"; }
def Kiln_AtanhOp : Kiln_UnaryOp<"atanh"> { let summary = "inverse hyperbolic tangent"; }
def Kiln_TanOp : Kiln_UnaryOp<"tan"> { let summary = "tangent"; }
def Kiln_SinhOp : Kiln_UnaryOp<"sinh"> { let summary = "hyperbolic sine"; }
def Kiln_CoshOp : Kiln_UnaryOp<"cosh"> { let summary = "hyperbolic cosine"; }
def Kiln_SoftsignOp : Kiln_UnaryOp<"softsign"> { let summary = "x / (1 + |x|)"; }
def Kiln_CeluOp : Kiln_UnaryOp<"celu"> {
  let summary = "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))";
  let arguments = (ins Kiln_FloatTensor:$input, DefaultValuedAttr<F32Attr, "1.0">:$alpha);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Float classification (float in, bool out, same shape)
//===----------------------------------------------------------------------===//

def Kiln_IsInfOp : Kiln_Op<"is_inf"> {
  let summary = "true where x is +inf (when detect_positive) or -inf (when detect_negative)";
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative);
  let results = (outs Kiln_BoolTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_IsNaNOp : Kiln_Op<"is_nan"> {
  let summary = "true where x is NaN";
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_BoolTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Bitwise ops on integers
//===----------------------------------------------------------------------===//

def Kiln_MathIntTensor : TensorOf<[Kiln_SignedInt, Kiln_UnsignedInt]>;

class Kiln_BitwiseBinaryOp<string mnemonic> : Kiln_Op<mnemonic> {
  let description = [{
    Both operands have one integer element type and broadcast as numpy.
  }];
  let arguments = (ins Kiln_MathIntTensor:$lhs, Kiln_MathIntTensor:$rhs);
  let results = (outs Kiln_MathIntTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}
def Kiln_BitwiseAndOp : Kiln_BitwiseBinaryOp<"bitwise_and"> { let summary = "lhs & rhs"; }
def Kiln_BitwiseOrOp : Kiln_BitwiseBinaryOp<"bitwise_or"> { let summary = "lhs | rhs"; }
def Kiln_BitwiseXorOp : Kiln_BitwiseBinaryOp<"bitwise_xor"> { let summary = "lhs ^ rhs"; }
def Kiln_BitShiftOp : Kiln_BitwiseBinaryOp<"bit_shift"> {
  let summary = "lhs << rhs (direction LEFT) or lhs >> rhs (RIGHT); shifts of the width or more give 0";
  let arguments = (ins Kiln_MathIntTensor:$lhs, Kiln_MathIntTensor:$rhs, StrAttr:$direction);
  let hasVerifier = 1;
}
def Kiln_BitwiseNotOp : Kiln_UnaryOp<"bitwise_not", Kiln_MathIntTensor> { let summary = "~x"; }

//===----------------------------------------------------------------------===//
// Scans, reinterpretation, generators
//===----------------------------------------------------------------------===//

def Kiln_CumProdOp : Kiln_Op<"cum_prod"> {
  let summary = "Cumulative product along a run-time scalar axis (exclusive, reverse as ONNX CumProd)";
  let description = [{
    `axis` is a scalar (0-D or one-element 1-D) i32/i64 operand, negative
    counting from the back. `exclusive` starts each product at 1 (the
    element itself left out), `reverse` runs from the end of the axis.
  }];
  let arguments = (ins Kiln_NumericTensor:$input, Kiln_IndexTensor:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_BitCastOp : Kiln_Op<"bit_cast"> {
  let summary = "Reinterpret each element's bits as element type `to` (same bit width, ONNX BitCast)";
  let arguments = (ins Kiln_Tensor:$input, TypeAttr:$to);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_EyeLikeOp : Kiln_Op<"eye_like"> {
  let summary = "2-D tensor of the input's shape: 1 on diagonal k (j - i = k), 0 elsewhere, of type `dtype`";
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$k, TypeAttr:$dtype);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Pooling with argmax
//===----------------------------------------------------------------------===//

def Kiln_MaxPoolWithIndicesOp : Kiln_Op<"max_pool_with_indices"> {
  let summary = "max pooling that also returns where each maximum is (ONNX MaxPool's Indices)";
  let description = [{
    The window attributes are those of `kiln.max_pool`. `indices` holds, for
    each output, the flat index of its maximum in the input tensor (padding
    not counted): row-major over the spatial dims, or column-major when
    `storage_order` is 1, plus (n * C + c) times the spatial size.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                       DefaultValuedAttr<I64Attr, "0">:$storage_order);
  let results = (outs Kiln_FloatTensor:$output, Kiln_I64Tensor:$indices);
  let assemblyFormat = KilnFormat;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Resize with the Resize-19 features kiln.resize lacks
//===----------------------------------------------------------------------===//

def Kiln_ResizeExtOp : Kiln_Op<"resize_ext"> {
  let summary = "ONNX Resize-19 with roi (tf_crop_and_resize), antialias and keep_aspect_ratio_policy";
  let description = [{
    `target` is the output sizes (1-D i64) or the scales (1-D f32) of the
    dims listed in `axes`; `roi` (1-D f32, starts then ends of those dims) is
    read by coordinate_transformation_mode tf_crop_and_resize, where an
    output whose source coordinate falls outside the input is
    `extrapolation_value`. `antialias` widens the linear and cubic filters by
    1 / scale when downsampling; `keep_aspect_ratio_policy` (sizes only)
    scales every listed dim by the smallest (not_larger) or largest
    (not_smaller) of their ratios, rounding sizes half up. Everything else
    is as `kiln.resize`, which the importer uses when none of these is
    needed.
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       AnyTypeOf<[Kiln_I64Tensor, TensorOf<[F32]>]>:$target,
                       Optional<TensorOf<[F32]>>:$roi,
                       DenseI64ArrayAttr:$axes,
                       DefaultValuedStrAttr<StrAttr, "nearest">:$mode,
                       DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
                       DefaultValuedStrAttr<StrAttr, "round_prefer_floor">:$nearest_mode,
                       DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<F32Attr, "0.0">:$extrapolation_value,
                       DefaultValuedAttr<BoolAttr, "false">:$antialias,
                       DefaultValuedStrAttr<StrAttr, "stretch">:$keep_aspect_ratio_policy);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasVerifier = 1;
}

#endif // KILN_IR_MATH_OPS_TD
