//===- KilnOps.td - kiln graph IR operations ---------------*- tablegen -*-===//
//
// Semantics follow ONNX (the newest opset) unless an op says otherwise;
// frontends normalise older opsets and aten into these forms, so that each op
// has one canonical spelling (e.g. Slice always carries axes and steps).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_OPS_TD
#define KILN_IR_OPS_TD

include "kiln/ir/KilnBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

defvar KilnFormat = "operands attr-dict `:` functional-type(operands, results)";

//===----------------------------------------------------------------------===//
// Constants and shape-computing ops
//===----------------------------------------------------------------------===//

def Kiln_ConstantOp : Kiln_Op<"constant", [ConstantLike]> {
  let summary = "A constant tensor (dense, splat or a resource blob)";
  let description = [{
    Weights are `dense_resource<...>` blobs that point at the memory-mapped
    model file, so importing never copies them into the MLIR context.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_ShapeOp : Kiln_Op<"shape"> {
  let summary = "The shape of a tensor as a 1-D i64 tensor (dims [start, end))";
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs Kiln_I64Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_SizeOp : Kiln_Op<"size"> {
  let summary = "The number of elements of a tensor as an i64 scalar";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_I64Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_RangeOp : Kiln_Op<"range"> {
  let summary = "1-D tensor [start, start+delta, ...) up to limit (scalar operands)";
  let arguments = (ins Kiln_NumericTensor:$start, Kiln_NumericTensor:$limit,
                       Kiln_NumericTensor:$delta);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_ConstantOfShapeOp : Kiln_Op<"constant_of_shape"> {
  let summary = "A tensor of the given shape filled with one value";
  let arguments = (ins Kiln_I64Tensor:$shape, OptionalAttr<ElementsAttr>:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops (result type = operand type)
//===----------------------------------------------------------------------===//

class Kiln_UnaryOp<string mnemonic, Type T = Kiln_FloatTensor, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultElementType])> {
  let arguments = (ins T:$input);
  let results = (outs T:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_ReluOp : Kiln_UnaryOp<"relu", Kiln_NumericTensor> { let summary = "max(x, 0)"; }
def Kiln_LeakyReluOp : Kiln_UnaryOp<"leaky_relu"> {
  let summary = "x if x >= 0 else alpha * x";
  let arguments = (ins Kiln_FloatTensor:$input, DefaultValuedAttr<F32Attr, "0.01">:$alpha);
}
def Kiln_EluOp : Kiln_UnaryOp<"elu"> {
  let summary = "x if x > 0 else alpha * (exp(x) - 1)";
  let arguments = (ins Kiln_FloatTensor:$input, DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}
def Kiln_SeluOp : Kiln_UnaryOp<"selu"> {
  let summary = "gamma * (x if x > 0 else alpha * (exp(x) - 1))";
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma);
}
def Kiln_GeluOp : Kiln_UnaryOp<"gelu"> {
  let summary = "x * Phi(x), exact (erf) or with the tanh approximation";
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let hasVerifier = 1;
}
def Kiln_ErfOp : Kiln_UnaryOp<"erf"> { let summary = "Gauss error function"; }
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid"> { let summary = "1 / (1 + exp(-x))"; }
def Kiln_HardSigmoidOp : Kiln_UnaryOp<"hard_sigmoid"> {
  let summary = "max(0, min(1, alpha * x + beta))";
  let arguments = (ins Kiln_FloatTensor:$input, DefaultValuedAttr<F32Attr, "0.2">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5">:$beta);
}
def Kiln_HardSwishOp : Kiln_UnaryOp<"hard_swish"> { let summary = "x * max(0, min(1, x / 6 + 1/2))"; }
def Kiln_SiluOp : Kiln_UnaryOp<"silu"> { let summary = "x * sigmoid(x)"; }
def Kiln_MishOp : Kiln_UnaryOp<"mish"> { let summary = "x * tanh(softplus(x))"; }
def Kiln_SoftplusOp : Kiln_UnaryOp<"softplus"> { let summary = "log(1 + exp(x))"; }
def Kiln_TanhOp : Kiln_UnaryOp<"tanh"> { let summary = "hyperbolic tangent"; }
def Kiln_ExpOp : Kiln_UnaryOp<"exp"> { let summary = "e^x"; }
def Kiln_LogOp : Kiln_UnaryOp<"log"> { let summary = "natural logarithm"; }
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt"> { let summary = "square root"; }
def Kiln_ReciprocalOp : Kiln_UnaryOp<"reciprocal"> { let summary = "1 / x"; }
def Kiln_SinOp : Kiln_UnaryOp<"sin"> { let summary = "sine"; }
def Kiln_CosOp : Kiln_UnaryOp<"cos"> { let summary = "cosine"; }
def Kiln_FloorOp : Kiln_UnaryOp<"floor"> { let summary = "round toward -inf"; }
def Kiln_CeilOp : Kiln_UnaryOp<"ceil"> { let summary = "round toward +inf"; }
def Kiln_RoundOp : Kiln_UnaryOp<"round"> { let summary = "round half to even"; }
def Kiln_AbsOp : Kiln_UnaryOp<"abs", Kiln_NumericTensor> { let summary = "|x|"; }
def Kiln_NegOp : Kiln_UnaryOp<"neg", Kiln_NumericTensor> { let summary = "-x"; }
def Kiln_SignOp : Kiln_UnaryOp<"sign", Kiln_NumericTensor> { let summary = "-1, 0 or 1"; }
def Kiln_NotOp : Kiln_UnaryOp<"not", Kiln_BoolTensor> { let summary = "logical not"; }
def Kiln_ClipOp : Kiln_UnaryOp<"clip", Kiln_NumericTensor> {
  let summary = "min(max(x, min), max); an absent bound is unbounded";
  let description = [{
    The bounds are either the `min`/`max` attributes (each optional) or two
    run-time scalar operands `bounds` = (min, max) of the input's element type
    (then there are no attributes; an unbounded side is the type's lowest or
    highest value, -inf or +inf for floats). Constant bound operands
    canonicalize into the attributes.
  }];
  let arguments = (ins Kiln_NumericTensor:$input, Variadic<Kiln_NumericTensor>:$bounds,
                       OptionalAttr<F64Attr>:$min, OptionalAttr<F64Attr>:$max);
  let hasVerifier = 1;
}
def Kiln_IdentityOp : Kiln_UnaryOp<"identity", Kiln_Tensor> { let summary = "y = x"; }
def Kiln_DropoutOp : Kiln_UnaryOp<"dropout"> {
  let summary = "Dropout at inference: the identity (ratio kept for the record)";
  let arguments = (ins Kiln_FloatTensor:$input, DefaultValuedAttr<F32Attr, "0.5">:$ratio);
  let hasVerifier = 1;
}

def Kiln_CastOp : Kiln_Op<"cast"> {
  let summary = "Element type conversion to the result's element type";
  let arguments = (ins Kiln_Tensor:$input, TypeAttr:$to);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops with numpy broadcasting
//===----------------------------------------------------------------------===//

class Kiln_BinaryOp<string mnemonic, Type T = Kiln_NumericTensor, Type R = T,
                    list<Trait> traits = []> : Kiln_Op<mnemonic, traits> {
  let arguments = (ins T:$lhs, T:$rhs);
  let results = (outs R:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_AddOp : Kiln_BinaryOp<"add", Kiln_NumericTensor, Kiln_NumericTensor, [Commutative]> { let summary = "a + b"; }
def Kiln_SubOp : Kiln_BinaryOp<"sub"> { let summary = "a - b"; }
def Kiln_MulOp : Kiln_BinaryOp<"mul", Kiln_NumericTensor, Kiln_NumericTensor, [Commutative]> { let summary = "a * b"; }
def Kiln_DivOp : Kiln_BinaryOp<"div"> { let summary = "a / b (integer division truncates)"; }
def Kiln_PowOp : Kiln_BinaryOp<"pow"> { let summary = "a ^ b"; }
def Kiln_MinOp : Kiln_BinaryOp<"min", Kiln_NumericTensor, Kiln_NumericTensor, [Commutative]> { let summary = "min(a, b)"; }
def Kiln_MaxOp : Kiln_BinaryOp<"max", Kiln_NumericTensor, Kiln_NumericTensor, [Commutative]> { let summary = "max(a, b)"; }
def Kiln_ModOp : Kiln_BinaryOp<"mod"> {
  let summary = "a mod b: sign of the divisor (Python) or, with fmod, of the dividend (C fmod)";
  let arguments = (ins Kiln_NumericTensor:$lhs, Kiln_NumericTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod);
}
def Kiln_EqualOp : Kiln_BinaryOp<"equal", Kiln_Tensor, Kiln_BoolTensor, [Commutative]> { let summary = "a == b"; }
def Kiln_LessOp : Kiln_BinaryOp<"less", Kiln_NumericTensor, Kiln_BoolTensor> { let summary = "a < b"; }
def Kiln_LessOrEqualOp : Kiln_BinaryOp<"less_or_equal", Kiln_NumericTensor, Kiln_BoolTensor> { let summary = "a <= b"; }
def Kiln_GreaterOp : Kiln_BinaryOp<"greater", Kiln_NumericTensor, Kiln_BoolTensor> { let summary = "a > b"; }
def Kiln_GreaterOrEqualOp : Kiln_BinaryOp<"greater_or_equal", Kiln_NumericTensor, Kiln_BoolTensor> { let summary = "a >= b"; }
def Kiln_AndOp : Kiln_BinaryOp<"and", Kiln_BoolTensor, Kiln_BoolTensor, [Commutative]> { let summary = "a && b"; }
def Kiln_OrOp : Kiln_BinaryOp<"or", Kiln_BoolTensor, Kiln_BoolTensor, [Commutative]> { let summary = "a || b"; }
def Kiln_XorOp : Kiln_BinaryOp<"xor", Kiln_BoolTensor, Kiln_BoolTensor, [Commutative]> { let summary = "a != b"; }

def Kiln_PReluOp : Kiln_Op<"prelu"> {
  let summary = "x if x >= 0 else slope * x (slope broadcasts to x)";
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$slope);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_WhereOp : Kiln_Op<"where"> {
  let summary = "condition ? x : y, with broadcasting of all three";
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_Tensor:$x, Kiln_Tensor:$y);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Softmax and reductions
//===----------------------------------------------------------------------===//

class Kiln_SoftmaxBase<string mnemonic> : Kiln_Op<mnemonic, [SameOperandsAndResultElementType]> {
  let arguments = (ins Kiln_FloatTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}
def Kiln_SoftmaxOp : Kiln_SoftmaxBase<"softmax"> { let summary = "exp(x) / sum(exp(x)) along axis"; }
def Kiln_LogSoftmaxOp : Kiln_SoftmaxBase<"log_softmax"> { let summary = "log(softmax(x)) along axis"; }
def Kiln_HardmaxOp : Kiln_SoftmaxBase<"hardmax"> {
  let summary = "1 at the first maximum along axis, 0 elsewhere (NaN counts as the maximum)";
}

def Kiln_CumSumOp : Kiln_Op<"cum_sum"> {
  let summary = "Cumulative sum along a run-time scalar axis (exclusive, reverse as ONNX)";
  let description = [{
    `axis` is a scalar (0-D or one-element 1-D) i32/i64 operand, negative
    counting from the back. `exclusive` leaves out the element itself;
    `reverse` sums from the end of the axis.
  }];
  let arguments = (ins Kiln_NumericTensor:$input, Kiln_IndexTensor:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

class Kiln_ReduceOp<string mnemonic> : Kiln_Op<mnemonic> {
  let description = [{
    Reduces over `axes` (all axes when absent, or none when absent and
    `noop_with_empty_axes` is set), keeping reduced dims as 1 when `keepdims`.
    The axes may instead be a run-time 1-D i64 operand `dynamic_axes` (then
    the `axes` attribute is absent; an empty operand means the same as absent
    axes). A constant operand canonicalizes into the attribute.
  }];
  let arguments = (ins Kiln_NumericTensor:$input, Optional<Kiln_I64Tensor>:$dynamic_axes,
                       OptionalAttr<DenseI64ArrayAttr>:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$noop_with_empty_axes);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}
def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum"> { let summary = "sum"; }
def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean"> { let summary = "mean"; }
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max"> { let summary = "maximum"; }
def Kiln_ReduceMinOp : Kiln_ReduceOp<"reduce_min"> { let summary = "minimum"; }
def Kiln_ReduceProdOp : Kiln_ReduceOp<"reduce_prod"> { let summary = "product"; }
def Kiln_ReduceL1Op : Kiln_ReduceOp<"reduce_l1"> { let summary = "sum of |x|"; }
def Kiln_ReduceL2Op : Kiln_ReduceOp<"reduce_l2"> { let summary = "sqrt of sum of x^2"; }
def Kiln_ReduceSumSquareOp : Kiln_ReduceOp<"reduce_sum_square"> { let summary = "sum of x^2"; }
def Kiln_ReduceLogSumExpOp : Kiln_ReduceOp<"reduce_log_sum_exp"> { let summary = "log(sum(exp(x)))"; }

class Kiln_ArgReduceOp<string mnemonic> : Kiln_Op<mnemonic> {
  let arguments = (ins Kiln_NumericTensor:$input, DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Kiln_I64Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}
def Kiln_ArgMaxOp : Kiln_ArgReduceOp<"arg_max"> { let summary = "index of the maximum along axis"; }
def Kiln_ArgMinOp : Kiln_ArgReduceOp<"arg_min"> { let summary = "index of the minimum along axis"; }

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Kiln_ReshapeOp : Kiln_Op<"reshape"> {
  let summary = "Reshape to a 1-D i64 shape (0 copies the input dim unless allowzero, -1 is inferred)";
  let arguments = (ins Kiln_Tensor:$input, Kiln_I64Tensor:$shape,
                       DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_FlattenOp : Kiln_Op<"flatten"> {
  let summary = "Flatten to 2-D: dims [0, axis) and [axis, rank)";
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_SqueezeOp : Kiln_Op<"squeeze"> {
  let summary = "Remove size-1 dims (the given axes, or every static 1 when absent)";
  let description = [{
    The axes may instead be a run-time 1-D i64 operand `dynamic_axes` (then
    the `axes` attribute is absent); a constant operand folds into the attribute.
  }];
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_I64Tensor>:$dynamic_axes,
                       OptionalAttr<DenseI64ArrayAttr>:$axes);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_UnsqueezeOp : Kiln_Op<"unsqueeze"> {
  let summary = "Insert size-1 dims at the given axes of the result";
  let description = [{
    The axes are the attribute or a run-time 1-D i64 operand `dynamic_axes`
    (exactly one of them); a constant operand folds into the attribute.
  }];
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_I64Tensor>:$dynamic_axes,
                       OptionalAttr<DenseI64ArrayAttr>:$axes);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_TransposeOp : Kiln_Op<"transpose"> {
  let summary = "Permute dims: output dim i is input dim perm[i] (reversed when absent)";
  let arguments = (ins Kiln_Tensor:$input, OptionalAttr<DenseI64ArrayAttr>:$perm);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_ConcatOp : Kiln_Op<"concat"> {
  let summary = "Concatenate along axis";
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_SplitOp : Kiln_Op<"split"> {
  let summary = "Split along axis into num_outputs pieces of the given sizes (equal when absent)";
  let description = [{
    Without `split`, the pieces are ceil(dim / num_outputs) long, the last
    one shorter when the dim does not divide evenly (ONNX Split-18). The
    sizes may instead be a run-time 1-D i64 operand `dynamic_split` (then
    the `split` attribute is absent); a constant operand folds into the
    attribute.
  }];
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_I64Tensor>:$dynamic_split,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       OptionalAttr<DenseI64ArrayAttr>:$split, I64Attr:$num_outputs);
  let results = (outs Variadic<Kiln_Tensor>:$outputs);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_SliceOp : Kiln_Op<"slice"> {
  let summary = "Strided slice: 1-D starts, ends, axes and steps (ONNX clamping rules)";
  let arguments = (ins Kiln_Tensor:$input, Kiln_IndexTensor:$starts, Kiln_IndexTensor:$ends,
                       Kiln_IndexTensor:$axes, Kiln_IndexTensor:$steps);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_GatherOp : Kiln_Op<"gather"> {
  let summary = "Gather slices of data along axis at indices (negative indices count from the back)";
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_GatherElementsOp : Kiln_Op<"gather_elements"> {
  let summary = "out[i...] = data[i... with i_axis replaced by indices[i...]] (ONNX GatherElements)";
  let description = [{
    `indices` has the rank of `data`; the result has the shape of `indices`.
    Negative indices count from the back of the axis; along the other dims
    `indices` may not be longer than `data`.
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_TriluOp : Kiln_Op<"trilu"> {
  let summary = "Upper or lower triangle of the last two dims (others zeroed), shifted by diagonal k";
  let description = [{
    Keeps element (i, j) of each matrix when j - i >= k (upper) or j - i <= k
    (lower). `k` is an optional run-time scalar i64 operand (0 when absent).
  }];
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_I64Tensor>:$k,
                       DefaultValuedAttr<BoolAttr, "true">:$upper);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_PadOp : Kiln_Op<"pad"> {
  let summary = "Pad with [begin..., end...] amounts (negative crops); mode constant, reflect, edge or wrap";
  let description = [{
    The constant-mode fill is the `value` attribute, or a run-time scalar
    operand `constant_value` of the input's element type (then `value` is
    unused); a constant operand canonicalizes into the attribute when the
    attribute holds it exactly.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_I64Tensor:$pads,
                       Optional<Kiln_Tensor>:$constant_value,
                       DefaultValuedStrAttr<StrAttr, "constant">:$mode,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_ExpandOp : Kiln_Op<"expand"> {
  let summary = "Broadcast input to shape (bidirectional, as numpy)";
  let arguments = (ins Kiln_Tensor:$input, Kiln_I64Tensor:$shape);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_TileOp : Kiln_Op<"tile"> {
  let summary = "Repeat the input repeats[i] times along dim i";
  let arguments = (ins Kiln_Tensor:$input, Kiln_I64Tensor:$repeats);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_ResizeOp : Kiln_Op<"resize"> {
  let summary = "Resize by scales (attribute) or to sizes (operand), ONNX Resize-19 semantics";
  let description = [{
    The optional operand is the output sizes (1-D i64) or, when it is a 1-D
    f32 tensor, run-time scales (then there is no `scales` attribute); one
    value per input dim either way.
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       Optional<AnyTypeOf<[Kiln_I64Tensor, TensorOf<[F32]>]>>:$sizes,
                       OptionalAttr<DenseF32ArrayAttr>:$scales,
                       DefaultValuedStrAttr<StrAttr, "nearest">:$mode,
                       DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
                       DefaultValuedStrAttr<StrAttr, "round_prefer_floor">:$nearest_mode,
                       DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<F32Attr, "0.0">:$extrapolation_value);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Convolution, matrix products
//===----------------------------------------------------------------------===//

defvar KilnConvAttrs = (ins OptionalAttr<DenseI64ArrayAttr>:$strides,
                            OptionalAttr<DenseI64ArrayAttr>:$pads,
                            OptionalAttr<DenseI64ArrayAttr>:$dilations,
                            DefaultValuedAttr<I64Attr, "1">:$group,
                            DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad);

def Kiln_ConvOp : Kiln_Op<"conv"> {
  let summary = "N-d convolution, NC[D]HW, weights [M, C/group, k...], optional bias [M]";
  let description = [{
    `pads` is [begin_0, ..., begin_n, end_0, ..., end_n] (asymmetric allowed);
    `auto_pad` is NOTSET, SAME_UPPER, SAME_LOWER or VALID. Absent strides and
    dilations are 1, absent pads 0.
  }];
  let arguments = !con((ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weight,
                            Optional<Kiln_FloatTensor>:$bias), KilnConvAttrs);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_ConvTransposeOp : Kiln_Op<"conv_transpose"> {
  let summary = "N-d transposed convolution, weights [C, M/group, k...], optional bias [M]";
  let arguments = !con((ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weight,
                            Optional<Kiln_FloatTensor>:$bias), KilnConvAttrs,
                       (ins OptionalAttr<DenseI64ArrayAttr>:$output_padding,
                            OptionalAttr<DenseI64ArrayAttr>:$output_shape));
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_MatMulOp : Kiln_Op<"matmul"> {
  let summary = "numpy matmul: batch dims broadcast, 1-D operands promoted and squeezed";
  let arguments = (ins Kiln_NumericTensor:$lhs, Kiln_NumericTensor:$rhs);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_GemmOp : Kiln_Op<"gemm"> {
  let summary = "alpha * op(A) * op(B) + beta * C, 2-D, C broadcasts to [M, N]";
  let arguments = (ins Kiln_NumericTensor:$a, Kiln_NumericTensor:$b,
                       Optional<Kiln_NumericTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$transA,
                       DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

def Kiln_LinearOp : Kiln_Op<"linear"> {
  let summary = "x W^T + b as torch.nn.functional.linear: x [..., K], W [N, K], b [N]";
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weight,
                       Optional<Kiln_FloatTensor>:$bias);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Kiln_BatchNormOp : Kiln_Op<"batch_norm", [SameOperandsAndResultElementType]> {
  let summary = "Inference batch normalization over dim 1 with running mean and variance";
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale, Kiln_FloatTensor:$bias,
                       Kiln_FloatTensor:$mean, Kiln_FloatTensor:$variance,
                       DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_LayerNormOp : Kiln_Op<"layer_norm"> {
  let summary = "Normalize over dims [axis, rank), then scale and optional bias";
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Optional<Kiln_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_GroupNormOp : Kiln_Op<"group_norm"> {
  let summary = "Normalize over groups of channels, then per-channel scale and bias";
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$bias, I64Attr:$num_groups,
                       DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_InstanceNormOp : Kiln_Op<"instance_norm"> {
  let summary = "Normalize each (n, c) over the spatial dims, then per-channel scale and bias";
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$bias, DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class Kiln_PoolOp<string mnemonic> : Kiln_Op<mnemonic, [SameOperandsAndResultElementType]> {
  let arguments = (ins Kiln_FloatTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}
def Kiln_MaxPoolOp : Kiln_PoolOp<"max_pool"> { let summary = "max pooling (count_include_pad unused)"; }
def Kiln_AveragePoolOp : Kiln_PoolOp<"average_pool"> { let summary = "average pooling"; }

class Kiln_GlobalPoolOp<string mnemonic> : Kiln_Op<mnemonic, [SameOperandsAndResultElementType]> {
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
}
def Kiln_GlobalAveragePoolOp : Kiln_GlobalPoolOp<"global_average_pool"> { let summary = "mean over spatial dims, kept as 1"; }
def Kiln_GlobalMaxPoolOp : Kiln_GlobalPoolOp<"global_max_pool"> { let summary = "max over spatial dims, kept as 1"; }

// Fused ops, made by the fusion pass (passes/Fusion.cpp).
include "kiln/ir/KilnFusedOps.td"

// Op families in their own files: ops defined in include/kiln/ir/Kiln<Family>Ops.td,
// their type inference, verifiers and folders in ir/ops/<Family>.cpp. One
// include line each, below.
include "kiln/ir/KilnIndexingOps.td"
include "kiln/ir/KilnRecurrentOps.td"
include "kiln/ir/KilnSignalOps.td"
include "kiln/ir/KilnDetectionOps.td"
include "kiln/ir/KilnControlFlowOps.td"
include "kiln/ir/KilnMathOps.td"
include "kiln/ir/KilnNormOps.td"

//===----------------------------------------------------------------------===//
// Custom (non-ONNX-standard) ops
//===----------------------------------------------------------------------===//

def Kiln_CustomOp : Op<Kiln_Dialect, "custom"> {
  let summary = "A node of a custom ONNX domain, served by a kernel plugin";
  let description = [{
    Carries the node's `domain` and `op_type`, and its ONNX attributes as a
    dictionary `node_attrs` of MLIR attributes (integers, floats, strings, int/float/string
    lists, small dense tensors); absent when the node has none. The result
    types are declared (from the model's value_info or graph outputs), never
    inferred: a result of unknown type is unranked, and such a graph cannot
    be exported. The op has no folder and is not pure (kiln knows nothing of
    what it computes).
  }];
  let arguments = (ins Variadic<AnyTensor>:$inputs, StrAttr:$domain, StrAttr:$op_type,
                       OptionalAttr<DictionaryAttr>:$node_attrs);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let assemblyFormat = KilnFormat;
  let hasVerifier = 1;
}

#endif // KILN_IR_OPS_TD
