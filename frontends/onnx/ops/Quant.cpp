//===- Quant.cpp - ONNX quantization ops -----------------------------------===//
//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
// ConvInteger, QLinearMatMul and QLinearConv for 8- and 16-bit integer types,
// as exact compositions of kiln ops:
//  - quantize: round(x / scale) (half to even) + zero point, clipped to the
//    type's range, then cast (the clip makes the cast exact: saturation);
//  - dequantize: (x - zero point) * scale, computed in f32 (f64 for f64);
//  - integer matmul: operands cast to i32 less their zero points, i32 matmul;
//  - integer conv: operands cast to f64 less their zero points, f64 conv (the
//    reference kernel accumulates in double: every partial sum of 8/16-bit
//    products is exact), result cast to i32.
// Per-axis scales/zero points are reshaped to broadcast along `axis`;
// blocked ones (block_size > 0) are gathered along `axis` with index i /
// block_size. float8/int4/int2/float4 tensors stay unsupported: they fail at
// their element type before reaching these functions.
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"

namespace kiln::onnx::detail {
namespace {

Value scalarConst(Node &n, Type elt, double v) {
  auto t = RankedTensorType::get({}, elt);
  Attribute a = isa<FloatType>(elt) ? Attribute(FloatAttr::get(elt, v))
                                    : Attribute(IntegerAttr::get(elt, (int64_t)v));
  return n.im.b.create<ConstantOp>(n.loc, t, DenseElementsAttr::get(t, a));
}

Type eltOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }

Value castTo(Node &n, Value v, Type to) {
  if (!v || eltOf(v) == to)
    return v;
  return n.im.create1<CastOp>(n.loc, v, {n.im.b.getNamedAttr("to", TypeAttr::get(to))});
}

template <typename OpT> Value bin(Node &n, Value a, Value b) {
  if (!a || !b)
    return Value();
  return n.im.create1<OpT>(n.loc, {a, b});
}

Value reshape(Node &n, Value v, ArrayRef<int64_t> shape) {
  if (!v)
    return v;
  return n.im.create1<ReshapeOp>(n.loc, {v, n.im.constI64(n.loc, shape)},
                                 {n.im.b.getNamedAttr("allowzero", n.im.b.getBoolAttr(false))});
}

/// The integer range of a quantized element type, or nullopt.
std::optional<std::pair<double, double>> intRange(Type t) {
  auto it = dyn_cast<IntegerType>(t);
  if (!it || it.getWidth() == 1 || it.getWidth() > 32)
    return std::nullopt;
  unsigned w = it.getWidth();
  if (it.isUnsigned())
    return std::make_pair(0.0, std::ldexp(1.0, w) - 1);
  return std::make_pair(-std::ldexp(1.0, w - 1), std::ldexp(1.0, w - 1) - 1);
}

Value clipTo(Node &n, Value v, std::pair<double, double> r) {
  if (!v)
    return v;
  auto &b = n.im.b;
  return n.im.create1<ClipOp>(n.loc, v,
                              {b.getNamedAttr("min", b.getF64FloatAttr(r.first)),
                               b.getNamedAttr("max", b.getF64FloatAttr(r.second))});
}

/// Makes a scale or zero point `p` broadcast against `x` (rank `rank`, dims
/// `xdims`): per-tensor (0-D or one element), per-axis (1-D along `axis`) or
/// blocked (same rank as x, gathered along `axis` with index i / block).
Value alignParam(Node &n, Value p, StringRef opName, StringRef what, RankedTensorType xt,
                 int64_t axis, int64_t block) {
  if (!p)
    return p;
  auto pt = dyn_cast<RankedTensorType>(p.getType());
  if (!pt || !pt.hasStaticShape()) {
    emitError(n.loc) << opName << " needs a " << what << " of static shape";
    return Value();
  }
  int64_t r = xt.getRank();
  if (block == 0 && pt.getNumElements() == 1 && pt.getRank() <= 1) // per-tensor
    return pt.getRank() == 0 ? p : reshape(n, p, {});
  if (axis < -r || axis >= r) {
    emitError(n.loc) << opName << " axis " << axis << " is out of range for rank " << r;
    return Value();
  }
  if (axis < 0)
    axis += r;
  if (block < 0) {
    emitError(n.loc) << opName << " block_size must be non-negative, got " << block;
    return Value();
  }
  if (block == 0) {
    if (pt.getRank() != 1) {
      emitError(n.loc) << opName << " " << what << " must be a scalar or 1-D (per-axis), got "
                       << p.getType() << " (set block_size for blocked quantization)";
      return Value();
    }
    int64_t d = xt.getDimSize(axis);
    if (!ShapedType::isDynamic(d) && d != pt.getDimSize(0)) {
      emitError(n.loc) << opName << " per-axis " << what << " has " << pt.getDimSize(0)
                       << " elements but input dimension " << axis << " is " << d;
      return Value();
    }
    SmallVector<int64_t> shape(r, 1);
    shape[axis] = -1;
    return reshape(n, p, shape);
  }
  if (pt.getRank() != r) {
    emitError(n.loc) << opName << " blocked " << what << " must have the input's rank " << r
                     << ", got " << p.getType();
    return Value();
  }
  int64_t d = xt.getDimSize(axis);
  if (ShapedType::isDynamic(d)) {
    emitError(n.loc) << opName << " blocked quantization needs a static input dimension " << axis;
    return Value();
  }
  if (pt.getDimSize(axis) != (d + block - 1) / block) {
    emitError(n.loc) << opName << " blocked " << what << " dimension " << axis << " is "
                     << pt.getDimSize(axis) << ", expected ceil(" << d << " / " << block << ")";
    return Value();
  }
  for (int64_t i = 0; i < r; ++i)
    if (i != axis && pt.getDimSize(i) != xt.getDimSize(i) && !xt.isDynamicDim(i)) {
      emitError(n.loc) << opName << " blocked " << what << " dimension " << i << " is "
                       << pt.getDimSize(i) << " but the input's is " << xt.getDimSize(i);
      return Value();
    }
  SmallVector<int64_t> idx((size_t)d);
  for (int64_t i = 0; i < d; ++i)
    idx[i] = i / block;
  return n.im.create1<GatherOp>(n.loc, {p, n.im.constI64(n.loc, idx)},
                                {n.im.b.getNamedAttr("axis", n.im.b.getI64IntegerAttr(axis))});
}

RankedTensorType rankedInput(Node &n, size_t i, StringRef opName) {
  auto t = n.input(i) ? dyn_cast<RankedTensorType>(n.input(i).getType()) : RankedTensorType();
  if (!t)
    emitError(n.loc) << opName << " needs input " << i << " of known rank";
  return t;
}

/// round(x / scale) + zp, clipped to `outT`'s range, cast to `outT`; x, scale
/// and zp already broadcast-compatible; computed in `F`.
Value quantize(Node &n, Value x, Value scale, Value zp, Type F, Type outT) {
  auto range = intRange(outT);
  Value q = bin<DivOp>(n, castTo(n, x, F), castTo(n, scale, F));
  if (q)
    q = n.im.create1<RoundOp>(n.loc, q);
  if (zp)
    q = bin<AddOp>(n, q, castTo(n, zp, F));
  return castTo(n, clipTo(n, q, *range), outT);
}

Type computeType(Type a) {
  auto *ctx = a.getContext();
  return a.isF64() ? Type(Float64Type::get(ctx)) : Type(Float32Type::get(ctx));
}

LogicalResult importQuantizeLinear(Node &n, SmallVectorImpl<Value> &out) {
  auto xt = rankedInput(n, 0, "QuantizeLinear");
  if (!xt)
    return failure();
  if (!n.input(1))
    return emitError(n.loc) << "QuantizeLinear needs y_scale";
  if (!isa<FloatType>(xt.getElementType()))
    return emitError(n.loc) << "QuantizeLinear input must be floating point, got " << xt;
  Type outT;
  if (n.input(2))
    outT = eltOf(n.input(2));
  else if (int64_t dt = n.getInt("output_dtype", 0))
    outT = elementType(&n.im.ctx, (int32_t)dt);
  else
    outT = IntegerType::get(&n.im.ctx, 8, IntegerType::Unsigned);
  if (!outT || !intRange(outT) || cast<IntegerType>(outT).getWidth() > 16)
    return emitError(n.loc) << "QuantizeLinear to "
                            << (outT ? outT : Type(NoneType::get(&n.im.ctx)))
                            << " is not supported (8- and 16-bit integers are)";
  if (int64_t dt = n.getInt("output_dtype", 0); dt && n.input(2) && elementType(&n.im.ctx, (int32_t)dt) != outT)
    return emitError(n.loc) << "QuantizeLinear output_dtype contradicts the zero point's type " << outT;
  int64_t axis = n.getInt("axis", 1), block = n.getInt("block_size", 0);
  Value scale = alignParam(n, n.input(1), "QuantizeLinear", "y_scale", xt, axis, block);
  Value zp = n.input(2) ? alignParam(n, n.input(2), "QuantizeLinear", "y_zero_point", xt, axis, block)
                        : Value();
  if (!scale || (n.input(2) && !zp))
    return failure();
  Value y = quantize(n, n.inputs[0], scale, zp, computeType(xt.getElementType()), outT);
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

LogicalResult importDequantizeLinear(Node &n, SmallVectorImpl<Value> &out) {
  auto xt = rankedInput(n, 0, "DequantizeLinear");
  if (!xt)
    return failure();
  if (!n.input(1))
    return emitError(n.loc) << "DequantizeLinear needs x_scale";
  if (!intRange(xt.getElementType()))
    return emitError(n.loc) << "DequantizeLinear of " << xt.getElementType()
                            << " is not supported (8-, 16- and 32-bit integers are)";
  if (n.input(2) && eltOf(n.input(2)) != xt.getElementType())
    return emitError(n.loc) << "DequantizeLinear x_zero_point must have x's type "
                            << xt.getElementType();
  Type scaleT = eltOf(n.input(1));
  if (!isa<FloatType>(scaleT))
    return emitError(n.loc) << "DequantizeLinear x_scale must be floating point";
  Type outT = scaleT;
  if (int64_t dt = n.getInt("output_dtype", 0)) {
    outT = elementType(&n.im.ctx, (int32_t)dt);
    if (!outT || !isa<FloatType>(outT))
      return emitError(n.loc) << "DequantizeLinear output_dtype " << dt << " is not supported";
  }
  int64_t axis = n.getInt("axis", 1), block = n.getInt("block_size", 0);
  Value scale = alignParam(n, n.input(1), "DequantizeLinear", "x_scale", xt, axis, block);
  Value zp = n.input(2) ? alignParam(n, n.input(2), "DequantizeLinear", "x_zero_point", xt, axis, block)
                        : Value();
  if (!scale || (n.input(2) && !zp))
    return failure();
  Type F = computeType(scaleT);
  Value d = castTo(n, n.inputs[0], F);
  if (zp)
    d = bin<SubOp>(n, d, castTo(n, zp, F));
  Value y = castTo(n, bin<MulOp>(n, d, castTo(n, scale, F)), outT);
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

/// DynamicQuantizeLinear (uint8), as its ONNX function body computes it.
LogicalResult importDynamicQuantizeLinear(Node &n, SmallVectorImpl<Value> &out) {
  auto xt = rankedInput(n, 0, "DynamicQuantizeLinear");
  if (!xt)
    return failure();
  if (!xt.getElementType().isF32())
    return emitError(n.loc) << "DynamicQuantizeLinear input must be float32, got " << xt;
  auto &b = n.im.b;
  Type f32 = b.getF32Type(), u8 = IntegerType::get(&n.im.ctx, 8, IntegerType::Unsigned);
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < xt.getRank(); ++i)
    axes.push_back(i);
  SmallVector<NamedAttribute> ra{b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes)),
                                 b.getNamedAttr("keepdims", b.getBoolAttr(false))};
  Value x = n.inputs[0], zero = scalarConst(n, f32, 0.0);
  Value mn = n.im.create1<ReduceMinOp>(n.loc, x, ra);
  Value mx = n.im.create1<ReduceMaxOp>(n.loc, x, ra);
  mn = bin<MinOp>(n, mn, zero);
  mx = bin<MaxOp>(n, mx, zero);
  Value scale = bin<DivOp>(n, bin<SubOp>(n, mx, mn), scalarConst(n, f32, 255.0));
  Value izp = bin<SubOp>(n, zero, bin<DivOp>(n, mn, scale));
  izp = clipTo(n, izp, {0.0, 255.0});
  if (izp)
    izp = n.im.create1<RoundOp>(n.loc, izp);
  Value zp = castTo(n, izp, u8);
  if (!zp)
    return failure();
  Value y = quantize(n, x, scale, zp, f32, u8);
  if (!y)
    return failure();
  out.append({y, scale, zp});
  return success();
}

/// `v` cast to `T` less its zero point: a per-row zero point (1-D of the
/// rows) of a matmul's left operand is reshaped to [M, 1].
Value lessZeroPoint(Node &n, Value v, Value zp, Type T, bool perRow) {
  Value c = castTo(n, v, T);
  if (!zp || !c)
    return c;
  auto zt = cast<ShapedType>(zp.getType());
  if (zt.hasRank() && zt.getRank() == 1 && perRow && zt.getNumElements() != 1)
    zp = reshape(n, zp, {-1, 1});
  return bin<SubOp>(n, c, castTo(n, zp, T));
}

LogicalResult checkIntOperand(Node &n, size_t i, StringRef opName, bool eightBit = true) {
  Value v = n.input(i);
  if (!v)
    return emitError(n.loc) << opName << " needs input " << i;
  auto it = dyn_cast<IntegerType>(eltOf(v));
  if (!it || (eightBit && it.getWidth() != 8) || !intRange(it))
    return emitError(n.loc) << opName << " input " << i << " must be int8 or uint8, got "
                            << v.getType();
  return success();
}

LogicalResult importMatMulInteger(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(checkIntOperand(n, 0, "MatMulInteger")) || failed(checkIntOperand(n, 1, "MatMulInteger")))
    return failure();
  Type i32 = n.im.b.getI32Type();
  Value a = lessZeroPoint(n, n.inputs[0], n.input(2), i32, true);
  Value b = lessZeroPoint(n, n.inputs[1], n.input(3), i32, false);
  Value y = bin<MatMulOp>(n, a, b);
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

SmallVector<NamedAttribute> convAttrs(Node &n) {
  auto &b = n.im.b;
  SmallVector<NamedAttribute> a;
  for (StringRef name : {"strides", "pads", "dilations"})
    if (auto v = n.getInts(name))
      a.push_back(b.getNamedAttr(name, b.getDenseI64ArrayAttr(*v)));
  a.push_back(b.getNamedAttr("auto_pad", b.getStringAttr(n.getString("auto_pad", "NOTSET"))));
  a.push_back(b.getNamedAttr("group", b.getI64IntegerAttr(n.getInt("group", 1))));
  return a;
}

/// A per-output-channel parameter (1-D of M elements) reshaped to [M, 1, ...]
/// (rank `rank`, channel at dim `dim`); scalars are kept.
Value perChannel(Node &n, Value p, int64_t rank, int64_t dim) {
  if (!p)
    return p;
  auto t = cast<ShapedType>(p.getType());
  if (!t.hasRank() || t.getRank() != 1 || t.getNumElements() == 1)
    return t.hasRank() && t.getRank() == 1 ? reshape(n, p, {}) : p;
  SmallVector<int64_t> shape(rank, 1);
  shape[dim] = -1;
  return reshape(n, p, shape);
}

/// conv((x - x_zp), (w - w_zp), bias) in f64: exact for 8-bit operands.
Value integerConv(Node &n, Value x, Value xzp, Value w, Value wzp, Value bias) {
  auto wt = dyn_cast<RankedTensorType>(w.getType());
  if (!wt) {
    emitError(n.loc) << "the weight of an integer convolution needs a known rank";
    return Value();
  }
  Type f64 = n.im.b.getF64Type();
  if (auto k = n.getInts("kernel_shape");
      k && (k->size() + 2 != (size_t)wt.getRank() ||
            !llvm::equal(*k, wt.getShape().drop_front(2)))) {
    emitError(n.loc) << "kernel_shape does not match the weight shape " << wt;
    return Value();
  }
  Value xs = castTo(n, x, f64);
  if (xzp)
    xs = bin<SubOp>(n, xs, castTo(n, perChannel(n, xzp, 0, 0), f64));
  Value ws = castTo(n, w, f64);
  if (wzp)
    ws = bin<SubOp>(n, ws, castTo(n, perChannel(n, wzp, wt.getRank(), 0), f64));
  if (!xs || !ws)
    return Value();
  SmallVector<Value> ops{xs, ws};
  if (bias && !(bias = castTo(n, bias, f64)))
    return Value();
  if (bias)
    ops.push_back(bias);
  return n.im.create1<ConvOp>(n.loc, ops, convAttrs(n));
}

LogicalResult importConvInteger(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(checkIntOperand(n, 0, "ConvInteger")) || failed(checkIntOperand(n, 1, "ConvInteger")))
    return failure();
  if (n.input(2) && cast<ShapedType>(n.input(2).getType()).getNumElements() != 1)
    return emitError(n.loc) << "ConvInteger x_zero_point must be a scalar";
  Value y = castTo(n, integerConv(n, n.inputs[0], n.input(2), n.inputs[1], n.input(3), Value()),
                   n.im.b.getI32Type());
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

/// acc (f64) * (s1 * s2 / s3) requantized to `outT` with zero point zp.
Value requantize(Node &n, Value acc, Value s1, Value s2, Value s3, Value zp, Type outT) {
  Type f64 = n.im.b.getF64Type();
  // The scales multiply in their own type (as the ONNX reference does),
  // the product then applies in f64.
  Value s = bin<DivOp>(n, bin<MulOp>(n, s1, s2), s3);
  Value r = bin<MulOp>(n, acc, castTo(n, s, f64));
  if (r)
    r = n.im.create1<RoundOp>(n.loc, r);
  if (zp)
    r = bin<AddOp>(n, r, castTo(n, zp, f64));
  return castTo(n, clipTo(n, r, *intRange(outT)), outT);
}

LogicalResult checkScalar(Node &n, size_t i, StringRef opName, StringRef what) {
  Value v = n.input(i);
  if (!v)
    return emitError(n.loc) << opName << " needs " << what;
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || !t.hasStaticShape() || t.getNumElements() != 1)
    return emitError(n.loc) << opName << " " << what << " must be a scalar, got " << v.getType();
  return success();
}

LogicalResult importQLinearMatMul(Node &n, SmallVectorImpl<Value> &out) {
  StringRef op = "QLinearMatMul";
  if (failed(checkIntOperand(n, 0, op)) || failed(checkIntOperand(n, 3, op)) ||
      failed(checkScalar(n, 1, op, "a_scale")) || failed(checkScalar(n, 4, op, "b_scale")) ||
      failed(checkScalar(n, 6, op, "y_scale")) || failed(checkScalar(n, 7, op, "y_zero_point")))
    return failure();
  Type outT = eltOf(n.inputs[7]);
  Type i32 = n.im.b.getI32Type(), f64 = n.im.b.getF64Type();
  Value a = lessZeroPoint(n, n.inputs[0], n.input(2), i32, true);
  Value b = lessZeroPoint(n, n.inputs[3], n.input(5), i32, false);
  Value acc = castTo(n, bin<MatMulOp>(n, a, b), f64);
  Value y = requantize(n, acc, reshape(n, n.inputs[1], {}), reshape(n, n.inputs[4], {}),
                       reshape(n, n.inputs[6], {}), reshape(n, n.inputs[7], {}), outT);
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

LogicalResult importQLinearConv(Node &n, SmallVectorImpl<Value> &out) {
  StringRef op = "QLinearConv";
  if (failed(checkIntOperand(n, 0, op)) || failed(checkIntOperand(n, 3, op)) ||
      failed(checkScalar(n, 1, op, "x_scale")) || failed(checkScalar(n, 2, op, "x_zero_point")) ||
      failed(checkScalar(n, 6, op, "y_scale")) || failed(checkScalar(n, 7, op, "y_zero_point")))
    return failure();
  if (!n.input(4))
    return emitError(n.loc) << op << " needs w_scale";
  auto xt = rankedInput(n, 0, op);
  if (!xt)
    return failure();
  Type outT = eltOf(n.inputs[7]);
  Value acc = integerConv(n, n.inputs[0], n.input(2), n.inputs[3], n.input(5), n.input(8));
  Value y = requantize(n, acc, reshape(n, n.inputs[1], {}), perChannel(n, n.inputs[4], xt.getRank(), 1),
                       reshape(n, n.inputs[6], {}), reshape(n, n.inputs[7], {}), outT);
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

} // namespace

void registerQuantOps(OpTable &t) {
  t["QuantizeLinear"] = importQuantizeLinear;
  t["DequantizeLinear"] = importDequantizeLinear;
  t["DynamicQuantizeLinear"] = importDynamicQuantizeLinear;
  t["MatMulInteger"] = importMatMulInteger;
  t["ConvInteger"] = importConvInteger;
  t["QLinearMatMul"] = importQLinearMatMul;
  t["QLinearConv"] = importQLinearConv;
}

} // namespace kiln::onnx::detail
