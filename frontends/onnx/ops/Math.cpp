//===- Math.cpp - ONNX math, bitwise and scan ops -------------------------===//
//
// Unary math (inverse and hyperbolic trigonometry, Tan, Softsign, Celu),
// IsInf/IsNaN, Swish, the bitwise ops and BitShift, CumProd and BitCast.
// Most map one to one onto ops of ir/include/kiln/ir/KilnMathOps.td; Swish
// is x * sigmoid(alpha * x) from existing ops (kiln.silu when alpha is 1).
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"

namespace kiln::onnx::detail {
namespace {

/// Float-only unary ops: a clear error for other element types (the ONNX
/// schemas of these ops allow only floats).
template <typename OpT>
ImportFn floatUnary(const char *name) {
  return [name](Node &n, SmallVectorImpl<Value> &out) {
    auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
    if (!t || !isa<FloatType>(t.getElementType()))
      return LogicalResult(emitError(n.loc) << name << " needs a floating-point input, got "
                                            << n.inputs[0].getType());
    Value v = n.im.create1<OpT>(n.loc, n.inputs[0]);
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

LogicalResult importCelu(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  Value v = n.im.create1<CeluOp>(
      n.loc, n.inputs[0], {b.getNamedAttr("alpha", b.getF32FloatAttr(n.getFloat("alpha", 1.0f)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importIsInf(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  Value v = n.im.create1<IsInfOp>(
      n.loc, n.inputs[0],
      {b.getNamedAttr("detect_positive", b.getBoolAttr(n.getInt("detect_positive", 1) != 0)),
       b.getNamedAttr("detect_negative", b.getBoolAttr(n.getInt("detect_negative", 1) != 0))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

/// Swish-24: x * sigmoid(alpha * x).
LogicalResult importSwish(Node &n, SmallVectorImpl<Value> &out) {
  auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
  auto ft = t ? dyn_cast<FloatType>(t.getElementType()) : FloatType();
  if (!ft)
    return emitError(n.loc) << "Swish needs a floating-point input, got " << n.inputs[0].getType();
  float alpha = n.getFloat("alpha", 1.0f);
  Value x = n.inputs[0], v;
  if (alpha == 1.0f) {
    v = n.im.create1<SiluOp>(n.loc, x);
  } else {
    auto scalar = RankedTensorType::get({}, ft);
    Value a = n.im.b.create<ConstantOp>(n.loc, scalar,
                                        DenseElementsAttr::get(scalar, FloatAttr::get(ft, alpha)));
    Value ax = n.im.create1<MulOp>(n.loc, {x, a});
    Value s = ax ? n.im.create1<SigmoidOp>(n.loc, ax) : Value();
    v = s ? n.im.create1<MulOp>(n.loc, {x, s}) : Value();
  }
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

template <typename OpT>
ImportFn bitwiseBinary(const char *name) {
  return [name](Node &n, SmallVectorImpl<Value> &out) {
    if (!n.input(1))
      return LogicalResult(emitError(n.loc) << name << " needs two inputs");
    for (Value v : {n.inputs[0], n.inputs[1]}) {
      auto t = dyn_cast<ShapedType>(v.getType());
      if (!t || !isa<IntegerType>(t.getElementType()) || t.getElementType().isInteger(1))
        return LogicalResult(emitError(n.loc) << name << " needs integer inputs, got " << v.getType());
    }
    Value v = n.im.create1<OpT>(n.loc, {n.inputs[0], n.inputs[1]});
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

LogicalResult importBitwiseNot(Node &n, SmallVectorImpl<Value> &out) {
  auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
  if (!t || !isa<IntegerType>(t.getElementType()) || t.getElementType().isInteger(1))
    return emitError(n.loc) << "BitwiseNot needs an integer input, got " << n.inputs[0].getType();
  Value v = n.im.create1<BitwiseNotOp>(n.loc, n.inputs[0]);
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importBitShift(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!n.input(1))
    return emitError(n.loc) << "BitShift needs two inputs";
  std::string dir = n.getString("direction", "");
  if (dir != "LEFT" && dir != "RIGHT")
    return emitError(n.loc) << "BitShift direction must be LEFT or RIGHT, got '" << dir << "'";
  for (Value v : {n.inputs[0], n.inputs[1]}) {
    auto t = dyn_cast<ShapedType>(v.getType());
    if (!t || !t.getElementType().isUnsignedInteger())
      return emitError(n.loc) << "BitShift needs unsigned integer inputs, got " << v.getType();
  }
  Value v = n.im.create1<BitShiftOp>(n.loc, {n.inputs[0], n.inputs[1]},
                                     {b.getNamedAttr("direction", b.getStringAttr(dir))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importCumProd(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!n.input(1))
    return emitError(n.loc) << "CumProd needs an axis input";
  Value v = n.im.create1<CumProdOp>(
      n.loc, {n.inputs[0], n.inputs[1]},
      {b.getNamedAttr("exclusive", b.getBoolAttr(n.getInt("exclusive", 0) != 0)),
       b.getNamedAttr("reverse", b.getBoolAttr(n.getInt("reverse", 0) != 0))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importBitCast(Node &n, SmallVectorImpl<Value> &out) {
  auto *to = n.attr("to");
  if (!to)
    return emitError(n.loc) << "BitCast needs a 'to' attribute";
  Type elt = elementType(&n.im.ctx, (int32_t)to->i);
  if (!elt)
    return emitError(n.loc) << "BitCast to " << dataTypeName((int32_t)to->i)
                            << " is not supported";
  Value v = n.im.create1<BitCastOp>(n.loc, n.inputs[0],
                                    {n.im.b.getNamedAttr("to", TypeAttr::get(elt))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

} // namespace

void registerMathOps(OpTable &t) {
  t["Acos"] = floatUnary<AcosOp>("Acos");
  t["Asin"] = floatUnary<AsinOp>("Asin");
  t["Atan"] = floatUnary<AtanOp>("Atan");
  t["Acosh"] = floatUnary<AcoshOp>("Acosh");
  t["Asinh"] = floatUnary<AsinhOp>("Asinh");
  t["Atanh"] = floatUnary<AtanhOp>("Atanh");
  t["Tan"] = floatUnary<TanOp>("Tan");
  t["Sinh"] = floatUnary<SinhOp>("Sinh");
  t["Cosh"] = floatUnary<CoshOp>("Cosh");
  t["Softsign"] = floatUnary<SoftsignOp>("Softsign");
  t["IsNaN"] = floatUnary<IsNaNOp>("IsNaN");
  t["IsInf"] = importIsInf;
  t["Celu"] = importCelu;
  t["Swish"] = importSwish;
  t["BitwiseAnd"] = bitwiseBinary<BitwiseAndOp>("BitwiseAnd");
  t["BitwiseOr"] = bitwiseBinary<BitwiseOrOp>("BitwiseOr");
  t["BitwiseXor"] = bitwiseBinary<BitwiseXorOp>("BitwiseXor");
  t["BitwiseNot"] = importBitwiseNot;
  t["BitShift"] = importBitShift;
  t["CumProd"] = importCumProd;
  t["BitCast"] = importBitCast;
}

} // namespace kiln::onnx::detail
