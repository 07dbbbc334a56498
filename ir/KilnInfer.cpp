//===- KilnInfer.cpp - result type inference for every kiln op ------------===//
//
// Each op infers its result types from its operand types, its attributes and
// the values of constant shape operands. Unknown sizes become `?`; an unknown
// rank becomes an unranked tensor. Inconsistent operands are reported here
// with a message that names the op and what is wrong: inference runs as part
// of verification.
//
//===----------------------------------------------------------------------===//
#include "ShapeUtils.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln {

bool areCompatibleResultTypes(TypeRange inferred, TypeRange declared) {
  if (inferred.size() != declared.size())
    return false;
  for (auto [a, b] : llvm::zip(inferred, declared)) {
    auto sa = dyn_cast<ShapedType>(a), sb = dyn_cast<ShapedType>(b);
    if (!sa || !sb) {
      if (a != b)
        return false;
      continue;
    }
    if (sa.getElementType() != sb.getElementType() || failed(verifyCompatibleShape(sa, sb)))
      return false;
  }
  return true;
}

namespace {

Type tensorOf(ArrayRef<int64_t> shape, Type elt) { return RankedTensorType::get(shape, elt); }
Type unrankedOf(Type elt) { return UnrankedTensorType::get(elt); }
Type eltOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }
RankedTensorType rankedOf(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }

int64_t mulDims(int64_t a, int64_t b) {
  if (isDyn(a) || isDyn(b))
    return (a == 0 || b == 0) ? 0 : kDyn;
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return kDyn; // not representable: leave the size unknown
  return r;
}

template <typename Range>
SmallVector<int64_t> toVec(Range r) {
  return SmallVector<int64_t>(r.begin(), r.end());
}

/// Normalizes and checks a list of axes (no duplicates).
FailureOr<SmallVector<int64_t>> normalizeAxes(const Diag &d, ArrayRef<int64_t> axes,
                                              int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    auto n = normalizeAxis(d, a, rank);
    if (failed(n))
      return failure();
    if (llvm::is_contained(out, *n))
      return d.fail("axis ", a, " is repeated");
    out.push_back(*n);
  }
  return out;
}

/// Checks that an optional per-spatial-dim attribute has `n` entries.
LogicalResult checkLength(const Diag &d, std::optional<ArrayRef<int64_t>> v, size_t n,
                          StringRef name) {
  if (v && v->size() != n)
    return d.fail(name, " has ", v->size(), " values but the op has ", n,
                  n == 1 ? " spatial dim" : " spatial dims");
  return success();
}

LogicalResult checkPositive(const Diag &d, std::optional<ArrayRef<int64_t>> v, StringRef name) {
  if (v)
    for (int64_t x : *v)
      if (x <= 0)
        return d.fail(name, " must be positive, got ", x);
  return success();
}

LogicalResult checkAutoPad(const Diag &d, StringRef autoPad) {
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return d.fail("auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '", autoPad,
                  "'");
  return success();
}

/// Spatial output dims of a sliding window op (conv, pool).
FailureOr<SmallVector<int64_t>> windowDims(const Diag &d, ArrayRef<int64_t> in,
                                           ArrayRef<int64_t> kernel,
                                           std::optional<ArrayRef<int64_t>> strides,
                                           std::optional<ArrayRef<int64_t>> pads,
                                           std::optional<ArrayRef<int64_t>> dilations,
                                           StringRef autoPad, bool ceilMode) {
  size_t n = kernel.size();
  if (failed(checkLength(d, strides, n, "strides")) ||
      failed(checkLength(d, dilations, n, "dilations")) ||
      failed(checkLength(d, pads, 2 * n, "pads")) || failed(checkPositive(d, strides, "strides")) ||
      failed(checkPositive(d, dilations, "dilations")) || failed(checkAutoPad(d, autoPad)))
    return failure();
  if (pads)
    for (int64_t p : *pads)
      if (p < 0)
        return d.fail("pads must be non-negative, got ", p);
  SmallVector<int64_t> out;
  for (size_t i = 0; i < n; ++i) {
    int64_t s = strides ? (*strides)[i] : 1, dl = dilations ? (*dilations)[i] : 1;
    int64_t pb = pads ? (*pads)[i] : 0, pe = pads ? (*pads)[i + n] : 0;
    int64_t o = windowOutputDim(in[i], kernel[i], s, dl, pb, pe, autoPad, ceilMode);
    if (o == -1 || o == 0)
      return d.fail("window of size ", kernel[i], " (dilation ", dl,
                    ") does not fit spatial dim ", i, " of size ", in[i], " with pads ", pb, "+",
                    pe);
    out.push_back(o);
  }
  return out;
}

LogicalResult reductionShape(const Diag &d, Value input, std::optional<ArrayRef<int64_t>> axes,
                             bool keepdims, bool noopWithEmptyAxes,
                             SmallVectorImpl<Type> &results) {
  auto t = rankedOf(input);
  if (!t) {
    results.push_back(unrankedOf(eltOf(input)));
    return success();
  }
  int64_t rank = t.getRank();
  SmallVector<int64_t> reduce;
  if (axes && !axes->empty()) {
    auto n = normalizeAxes(d, *axes, rank);
    if (failed(n))
      return failure();
    reduce = *n;
  } else if (!noopWithEmptyAxes) {
    for (int64_t i = 0; i < rank; ++i)
      reduce.push_back(i);
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (!llvm::is_contained(reduce, i))
      shape.push_back(t.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  results.push_back(tensorOf(shape, t.getElementType()));
  return success();
}

LogicalResult sameAsInput(Value input, SmallVectorImpl<Type> &results) {
  results.push_back(input.getType());
  return success();
}

LogicalResult broadcastResult(const Diag &d, ArrayRef<Value> operands, Type elt,
                              SmallVectorImpl<Type> &results) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    auto t = rankedOf(v);
    if (!t) {
      results.push_back(unrankedOf(elt));
      return success();
    }
    auto b = broadcastShapes(d, shape, t.getShape());
    if (failed(b))
      return failure();
    shape = *b;
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

LogicalResult checkSameElementType(const Diag &d, Value a, Value b, StringRef what) {
  if (eltOf(a) != eltOf(b))
    return d.fail(what, " element types differ: ", eltOf(a), " vs ", eltOf(b));
  return success();
}

/// The static length of a 1-D shape operand, or kDyn. A length no tensor
/// rank can have (over 1024: a hostile model's declared type) is treated as
/// unknown, so that no result type gets that many dims.
int64_t vectorLength(Value v) {
  auto t = rankedOf(v);
  if (!t || t.getRank() != 1 || t.getDimSize(0) > 1024)
    return kDyn;
  return t.getDimSize(0);
}

LogicalResult checkVector(const Diag &d, Value v, StringRef what) {
  auto t = rankedOf(v);
  if (t && t.getRank() != 1)
    return d.fail(what, " must be a 1-D tensor, got ", v.getType());
  return success();
}

} // namespace


//===----------------------------------------------------------------------===//
// Constants and shape computations
//===----------------------------------------------------------------------===//

KILN_INFER(ConstantOp) {
  KILN_ADAPTOR(ConstantOp);
  results.push_back(a.getValue().getShapedType());
  return success();
}

KILN_INFER(ShapeOp) {
  KILN_ADAPTOR(ShapeOp);
  auto t = rankedOf(a.getInput());
  Type i64 = IntegerType::get(ctx, 64);
  if (!t) {
    results.push_back(tensorOf({kDyn}, i64));
    return success();
  }
  int64_t rank = t.getRank();
  int64_t start = (int64_t)a.getStart();
  int64_t end = a.getEnd() ? (int64_t)*a.getEnd() : rank;
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  results.push_back(tensorOf({std::max<int64_t>(0, end - start)}, i64));
  return success();
}

KILN_INFER(SizeOp) {
  results.push_back(tensorOf({}, IntegerType::get(ctx, 64)));
  return success();
}

KILN_INFER(RangeOp) {
  KILN_ADAPTOR(RangeOp);
  for (Value v : {a.getStart(), a.getLimit(), a.getDelta()}) {
    auto t = rankedOf(v);
    if (t && t.getRank() != 0)
      return d.fail("start, limit and delta must be scalars, got ", v.getType());
    if (eltOf(v) != eltOf(a.getStart()))
      return d.fail("start, limit and delta must have one element type");
  }
  int64_t n = kDyn;
  Attribute s, l, dl;
  if (matchPattern(a.getStart(), m_Constant(&s)) && matchPattern(a.getLimit(), m_Constant(&l)) &&
      matchPattern(a.getDelta(), m_Constant(&dl))) {
    auto cs = readConstant(s), cl = readConstant(l), cd = readConstant(dl);
    if (cs && cl && cd) {
      double delta = cd->asDouble(0);
      if (delta == 0)
        return d.fail("delta must not be zero");
      double count = std::ceil((cl->asDouble(0) - cs->asDouble(0)) / delta);
      // (int64_t) of a double past INT64_MAX is undefined.
      if (!(count < 9.0e18))
        return d.fail("range of ", count, " elements is too large");
      n = std::max<int64_t>(0, (int64_t)count);
    }
  }
  results.push_back(tensorOf({n}, eltOf(a.getStart())));
  return success();
}

KILN_INFER(ConstantOfShapeOp) {
  KILN_ADAPTOR(ConstantOfShapeOp);
  if (failed(checkVector(d, a.getShape(), "shape")))
    return failure();
  Type elt = Float32Type::get(ctx);
  if (auto v = a.getValueAttr())
    elt = v.getShapedType().getElementType();
  if (auto dims = getConstantInts(a.getShape())) {
    for (int64_t x : *dims)
      if (x < 0)
        return d.fail("shape has a negative dim ", x);
    results.push_back(tensorOf(*dims, elt));
    return success();
  }
  int64_t n = vectorLength(a.getShape());
  if (isDyn(n))
    results.push_back(unrankedOf(elt));
  else
    results.push_back(tensorOf(SmallVector<int64_t>(n, kDyn), elt));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

#define KILN_INFER_SAME(OP)                                                                        \
  KILN_INFER(OP) { return sameAsInput(operands[0], results); }
KILN_INFER_SAME(ReluOp)
KILN_INFER_SAME(LeakyReluOp)
KILN_INFER_SAME(EluOp)
KILN_INFER_SAME(SeluOp)
KILN_INFER_SAME(GeluOp)
KILN_INFER_SAME(ErfOp)
KILN_INFER_SAME(SigmoidOp)
KILN_INFER_SAME(HardSigmoidOp)
KILN_INFER_SAME(HardSwishOp)
KILN_INFER_SAME(SiluOp)
KILN_INFER_SAME(MishOp)
KILN_INFER_SAME(SoftplusOp)
KILN_INFER_SAME(TanhOp)
KILN_INFER_SAME(ExpOp)
KILN_INFER_SAME(LogOp)
KILN_INFER_SAME(SqrtOp)
KILN_INFER_SAME(ReciprocalOp)
KILN_INFER_SAME(SinOp)
KILN_INFER_SAME(CosOp)
KILN_INFER_SAME(FloorOp)
KILN_INFER_SAME(CeilOp)
KILN_INFER_SAME(RoundOp)
KILN_INFER_SAME(AbsOp)
KILN_INFER_SAME(NegOp)
KILN_INFER_SAME(SignOp)
KILN_INFER_SAME(NotOp)
KILN_INFER_SAME(ClipOp)
KILN_INFER_SAME(IdentityOp)
KILN_INFER_SAME(DropoutOp)
#undef KILN_INFER_SAME

KILN_INFER(CastOp) {
  KILN_ADAPTOR(CastOp);
  Type to = a.getTo();
  if (!to.isIntOrFloat())
    return d.fail("cannot cast to ", to);
  if (auto t = rankedOf(a.getInput()))
    results.push_back(tensorOf(t.getShape(), to));
  else
    results.push_back(unrankedOf(to));
  return success();
}

#define KILN_INFER_BINARY(OP, RESULT_ELT)                                                          \
  KILN_INFER(OP) {                                                                                 \
    KILN_ADAPTOR(OP);                                                                              \
    if (failed(checkSameElementType(d, a.getLhs(), a.getRhs(), "operand")))                        \
      return failure();                                                                            \
    return broadcastResult(d, {a.getLhs(), a.getRhs()}, RESULT_ELT, results);                      \
  }
KILN_INFER_BINARY(AddOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(SubOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(MulOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(DivOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(MinOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(MaxOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(ModOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(AndOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(OrOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(XorOp, eltOf(a.getLhs()))
KILN_INFER_BINARY(EqualOp, IntegerType::get(ctx, 1))
KILN_INFER_BINARY(LessOp, IntegerType::get(ctx, 1))
KILN_INFER_BINARY(LessOrEqualOp, IntegerType::get(ctx, 1))
KILN_INFER_BINARY(GreaterOp, IntegerType::get(ctx, 1))
KILN_INFER_BINARY(GreaterOrEqualOp, IntegerType::get(ctx, 1))
#undef KILN_INFER_BINARY

// Pow allows a different exponent type (ONNX Pow-15): result is the base's.
KILN_INFER(PowOp) {
  KILN_ADAPTOR(PowOp);
  return broadcastResult(d, {a.getLhs(), a.getRhs()}, eltOf(a.getLhs()), results);
}

KILN_INFER(PReluOp) {
  KILN_ADAPTOR(PReluOp);
  if (failed(checkSameElementType(d, a.getInput(), a.getSlope(), "input and slope")))
    return failure();
  auto x = rankedOf(a.getInput()), s = rankedOf(a.getSlope());
  if (x && s) {
    auto b = broadcastShapes(d, x.getShape(), s.getShape());
    if (failed(b))
      return failure();
    if (b->size() != (size_t)x.getRank())
      return d.fail("slope of shape ", shapeStr(s.getShape()),
                    " does not broadcast to the input shape ", shapeStr(x.getShape()));
  }
  return sameAsInput(a.getInput(), results);
}

KILN_INFER(WhereOp) {
  KILN_ADAPTOR(WhereOp);
  if (failed(checkSameElementType(d, a.getX(), a.getY(), "x and y")))
    return failure();
  return broadcastResult(d, {a.getCondition(), a.getX(), a.getY()}, eltOf(a.getX()), results);
}

//===----------------------------------------------------------------------===//
// Softmax and reductions
//===----------------------------------------------------------------------===//

#define KILN_INFER_AXIS_SAME(OP)                                                                   \
  KILN_INFER(OP) {                                                                                 \
    KILN_ADAPTOR(OP);                                                                              \
    if (auto t = rankedOf(a.getInput()))                                                           \
      if (failed(normalizeAxis(d, (int64_t)a.getAxis(), t.getRank())))                             \
        return failure();                                                                          \
    return sameAsInput(a.getInput(), results);                                                     \
  }
KILN_INFER_AXIS_SAME(SoftmaxOp)
KILN_INFER_AXIS_SAME(LogSoftmaxOp)
KILN_INFER_AXIS_SAME(HardmaxOp)
#undef KILN_INFER_AXIS_SAME

/// A reduction whose axes are a run-time operand: constant operands act as
/// the attribute; otherwise reduced dims are unknown (`?`, or 1 when the
/// input dim is 1), and without keepdims the rank is known only from the
/// operand's static length.
static LogicalResult dynamicReductionShape(const Diag &d, Value input, Value axes, bool keepdims,
                                           bool noopWithEmptyAxes,
                                           SmallVectorImpl<Type> &results) {
  if (failed(checkVector(d, axes, "axes")))
    return failure();
  if (auto c = getConstantInts(axes))
    return reductionShape(d, input, ArrayRef<int64_t>(*c), keepdims, noopWithEmptyAxes, results);
  auto t = rankedOf(input);
  Type elt = eltOf(input);
  int64_t n = vectorLength(axes);
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t rank = t.getRank();
  if (n == 0) // empty: all axes, or none
    return reductionShape(d, input, std::nullopt, keepdims, noopWithEmptyAxes, results);
  if (!isDyn(n) && n > rank)
    return d.fail("axes has ", n, " values but the input has rank ", rank);
  if (keepdims) {
    SmallVector<int64_t> shape;
    for (int64_t dim : t.getShape())
      shape.push_back(dim == 1 ? 1 : kDyn);
    results.push_back(tensorOf(shape, elt));
  } else if (!isDyn(n)) {
    results.push_back(tensorOf(SmallVector<int64_t>(rank - n, kDyn), elt));
  } else {
    results.push_back(unrankedOf(elt));
  }
  return success();
}

#define KILN_INFER_REDUCE(OP)                                                                      \
  KILN_INFER(OP) {                                                                                 \
    KILN_ADAPTOR(OP);                                                                              \
    if (a.getDynamicAxes())                                                                        \
      return dynamicReductionShape(d, a.getInput(), a.getDynamicAxes(), a.getKeepdims(),           \
                                   a.getNoopWithEmptyAxes(), results);                             \
    return reductionShape(d, a.getInput(), a.getAxes(), a.getKeepdims(),                           \
                          a.getNoopWithEmptyAxes(), results);                                      \
  }
KILN_INFER_REDUCE(ReduceSumOp)
KILN_INFER_REDUCE(ReduceMeanOp)
KILN_INFER_REDUCE(ReduceMaxOp)
KILN_INFER_REDUCE(ReduceMinOp)
KILN_INFER_REDUCE(ReduceProdOp)
KILN_INFER_REDUCE(ReduceL1Op)
KILN_INFER_REDUCE(ReduceL2Op)
KILN_INFER_REDUCE(ReduceSumSquareOp)
KILN_INFER_REDUCE(ReduceLogSumExpOp)
#undef KILN_INFER_REDUCE

#define KILN_INFER_ARG(OP)                                                                         \
  KILN_INFER(OP) {                                                                                 \
    KILN_ADAPTOR(OP);                                                                              \
    SmallVector<Type> r;                                                                           \
    int64_t axis = (int64_t)a.getAxis();                                                           \
    if (failed(reductionShape(d, a.getInput(), ArrayRef<int64_t>(axis), a.getKeepdims(), false,  \
                              r)))                                                                 \
      return failure();                                                                            \
    auto st = cast<ShapedType>(r[0]);                                                              \
    results.push_back(st.clone(IntegerType::get(ctx, 64)));                                        \
    return success();                                                                              \
  }
KILN_INFER_ARG(ArgMaxOp)
KILN_INFER_ARG(ArgMinOp)
#undef KILN_INFER_ARG

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// The ONNX Reshape rule: 0 copies the input dim (unless allowzero), one -1
/// takes what is left. `in` may have dynamic dims.
static FailureOr<SmallVector<int64_t>> reshapeTarget(const Diag &d, ArrayRef<int64_t> in,
                                                     ArrayRef<int64_t> target, bool allowZero) {
  SmallVector<int64_t> out;
  int64_t inferred = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t x = target[i];
    if (x == -1) {
      if (inferred != -1)
        return d.fail("shape has more than one -1");
      inferred = (int64_t)i;
      out.push_back(kDyn);
    } else if (x == 0 && !allowZero) {
      if (i >= in.size())
        return d.fail("shape[", i, "] is 0 (copy the input dim) but the input has rank ",
                      in.size());
      out.push_back(in[i]);
    } else if (x < 0) {
      return d.fail("shape has an invalid dim ", x);
    } else {
      out.push_back(x);
    }
  }
  if (allowZero && inferred != -1 && llvm::is_contained(target, 0))
    return d.fail("shape may not hold both 0 and -1 when allowzero is set");
  // Dims copied with 0 are equal on both sides: leave them out of the counts,
  // so that [?, 16, 14, 14] -> [0, -1] gives [?, 3136].
  SmallVector<int64_t> inRest, outRest;
  for (size_t i = 0; i < in.size(); ++i)
    if (!(i < target.size() && target[i] == 0 && !allowZero))
      inRest.push_back(in[i]);
  for (size_t i = 0; i < out.size(); ++i)
    if (!(target[i] == 0 && !allowZero) && (int64_t)i != inferred)
      outRest.push_back(out[i]);
  int64_t inCount = staticNumElements(inRest);
  int64_t known = staticNumElements(outRest);
  if (inferred != -1) {
    if (known >= 0 && inCount >= 0) {
      if (known == 0 || inCount % known != 0)
        return d.fail("cannot reshape ", shapeStr(in), " to ", shapeStr(target),
                      ": the element counts do not divide");
      out[inferred] = inCount / known;
    }
  } else if (inCount >= 0 && known >= 0 && inCount != known) {
    return d.fail("cannot reshape ", shapeStr(in), " (", staticNumElements(in), " elements) to ",
                  shapeStr(out), " (", staticNumElements(out), " elements)");
  }
  return out;
}

KILN_INFER(ReshapeOp) {
  KILN_ADAPTOR(ReshapeOp);
  if (failed(checkVector(d, a.getShape(), "shape")))
    return failure();
  Type elt = eltOf(a.getInput());
  if (auto target = getConstantInts(a.getShape())) {
    SmallVector<int64_t> in;
    if (auto t = rankedOf(a.getInput()))
      in = toVec(t.getShape());
    else if (llvm::is_contained(*target, 0) && !a.getAllowzero()) {
      results.push_back(tensorOf(SmallVector<int64_t>(target->size(), kDyn), elt));
      return success();
    } else
      in = {kDyn};
    auto out = reshapeTarget(d, in, *target, a.getAllowzero());
    if (failed(out))
      return failure();
    results.push_back(tensorOf(*out, elt));
    return success();
  }
  int64_t n = vectorLength(a.getShape());
  results.push_back(isDyn(n) ? unrankedOf(elt) : tensorOf(SmallVector<int64_t>(n, kDyn), elt));
  return success();
}

KILN_INFER(FlattenOp) {
  KILN_ADAPTOR(FlattenOp);
  auto t = rankedOf(a.getInput());
  if (!t) {
    results.push_back(tensorOf({kDyn, kDyn}, eltOf(a.getInput())));
    return success();
  }
  int64_t rank = t.getRank(), axis = (int64_t)a.getAxis();
  if (axis < -rank || axis > rank)
    return d.fail("axis ", axis, " is out of range for rank ", rank, " (expected [", -rank, ", ",
                  rank, "])");
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) = mulDims(i < axis ? outer : inner, t.getDimSize(i));
  results.push_back(tensorOf({outer, inner}, t.getElementType()));
  return success();
}

/// Squeeze/unsqueeze with run-time axes: the constant values when the
/// operand is a constant; otherwise its static length (or kDyn).
static std::optional<SmallVector<int64_t>> constantAxes(Value v) {
  return v ? getConstantInts(v) : std::nullopt;
}

KILN_INFER(SqueezeOp) {
  KILN_ADAPTOR(SqueezeOp);
  auto t = rankedOf(a.getInput());
  if (a.getDynamicAxes() && failed(checkVector(d, a.getDynamicAxes(), "axes")))
    return failure();
  if (!t) {
    results.push_back(unrankedOf(eltOf(a.getInput())));
    return success();
  }
  SmallVector<int64_t> shape;
  std::optional<SmallVector<int64_t>> dynAxes = constantAxes(a.getDynamicAxes());
  if (a.getDynamicAxes() && !dynAxes) {
    int64_t n = vectorLength(a.getDynamicAxes());
    if (!isDyn(n) && n > t.getRank())
      return d.fail("axes has ", n, " values but the input has rank ", t.getRank());
    if (n == 0)
      return d.fail("an empty axes operand is not supported (ONNX leaves its meaning open)");
    if (isDyn(n))
      results.push_back(unrankedOf(t.getElementType()));
    else
      results.push_back(tensorOf(SmallVector<int64_t>(t.getRank() - n, kDyn), t.getElementType()));
    return success();
  }
  if (dynAxes && dynAxes->empty())
    return d.fail("an empty axes operand is not supported (ONNX leaves its meaning open)");
  std::optional<ArrayRef<int64_t>> attrAxes = a.getAxes();
  if (dynAxes)
    attrAxes = ArrayRef<int64_t>(*dynAxes);
  if (attrAxes) {
    auto axes = normalizeAxes(d, *attrAxes, t.getRank());
    if (failed(axes))
      return failure();
    for (int64_t i = 0; i < t.getRank(); ++i) {
      int64_t dim = t.getDimSize(i);
      if (!llvm::is_contained(*axes, i))
        shape.push_back(dim);
      else if (!isDyn(dim) && dim != 1)
        return d.fail("cannot squeeze dim ", i, " of size ", dim, " (input ",
                      shapeStr(t.getShape()), ")");
    }
  } else {
    for (int64_t dim : t.getShape()) {
      if (isDyn(dim)) { // cannot know whether it is 1
        results.push_back(unrankedOf(t.getElementType()));
        return success();
      }
      if (dim != 1)
        shape.push_back(dim);
    }
  }
  results.push_back(tensorOf(shape, t.getElementType()));
  return success();
}

KILN_INFER(UnsqueezeOp) {
  KILN_ADAPTOR(UnsqueezeOp);
  auto t = rankedOf(a.getInput());
  if (!t) {
    results.push_back(unrankedOf(eltOf(a.getInput())));
    return success();
  }
  if (a.getDynamicAxes() && failed(checkVector(d, a.getDynamicAxes(), "axes")))
    return failure();
  std::optional<SmallVector<int64_t>> dynAxes = constantAxes(a.getDynamicAxes());
  if (a.getDynamicAxes() && !dynAxes) {
    int64_t n = vectorLength(a.getDynamicAxes());
    if (isDyn(n))
      results.push_back(unrankedOf(t.getElementType()));
    else
      results.push_back(tensorOf(SmallVector<int64_t>(t.getRank() + n, kDyn), t.getElementType()));
    return success();
  }
  ArrayRef<int64_t> axesIn = dynAxes ? ArrayRef<int64_t>(*dynAxes)
                             : a.getAxes() ? *a.getAxes()
                                           : ArrayRef<int64_t>();
  int64_t rank = t.getRank() + (int64_t)axesIn.size();
  auto axes = normalizeAxes(d, axesIn, rank);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  auto it = t.getShape().begin();
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(llvm::is_contained(*axes, i) ? 1 : *it++);
  results.push_back(tensorOf(shape, t.getElementType()));
  return success();
}

KILN_INFER(TransposeOp) {
  KILN_ADAPTOR(TransposeOp);
  auto t = rankedOf(a.getInput());
  if (!t) {
    results.push_back(unrankedOf(eltOf(a.getInput())));
    return success();
  }
  int64_t rank = t.getRank();
  SmallVector<int64_t> perm;
  if (a.getPerm()) {
    if ((int64_t)a.getPerm()->size() != rank)
      return d.fail("perm has ", a.getPerm()->size(), " entries but the input has rank ", rank);
    ArrayRef<int64_t> given = *a.getPerm(); // (not a range over a temporary)
    for (int64_t p : given) {
      if (p < 0 || p >= rank || llvm::is_contained(perm, p))
        return d.fail("perm is not a permutation of [0, ", rank, ")");
      perm.push_back(p);
    }
  } else {
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  }
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  results.push_back(tensorOf(shape, t.getElementType()));
  return success();
}

KILN_INFER(ConcatOp) {
  KILN_ADAPTOR(ConcatOp);
  if (a.getInputs().empty())
    return d.fail("needs at least one input");
  Type elt = eltOf(a.getInputs()[0]);
  SmallVector<int64_t> shape;
  int64_t axis = -1;
  for (auto [k, v] : llvm::enumerate(a.getInputs())) {
    if (eltOf(v) != elt)
      return d.fail("input ", k, " has element type ", eltOf(v), " but input 0 has ", elt);
    auto t = rankedOf(v);
    if (!t)
      continue;
    if (axis < 0) {
      auto n = normalizeAxis(d, (int64_t)a.getAxis(), t.getRank());
      if (failed(n))
        return failure();
      axis = *n;
      shape = toVec(t.getShape());
      continue;
    }
    if (t.getRank() != (int64_t)shape.size())
      return d.fail("input ", k, " has rank ", t.getRank(), " but input 0 has rank ",
                    shape.size());
    for (int64_t i = 0; i < t.getRank(); ++i) {
      int64_t x = t.getDimSize(i);
      if (i == axis) {
        if (isDyn(shape[i]) || isDyn(x))
          shape[i] = kDyn;
        else if (__builtin_add_overflow(shape[i], x, &shape[i]))
          return d.fail("the concatenated dim ", axis, " overflows int64");
      } else if (isDyn(shape[i]))
        shape[i] = x;
      else if (!isDyn(x) && x != shape[i])
        return d.fail("input ", k, " has shape ", shapeStr(t.getShape()),
                      " which differs from the others outside axis ", axis);
    }
  }
  if (axis < 0) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  // Any unranked input makes the concatenated dim unknown.
  for (Value v : a.getInputs())
    if (!rankedOf(v))
      shape[axis] = kDyn;
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(SplitOp) {
  KILN_ADAPTOR(SplitOp);
  int64_t n = (int64_t)a.getNumOutputs();
  if (n < 1)
    return d.fail("num_outputs must be at least 1, got ", n);
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (a.getSplit() && (int64_t)a.getSplit()->size() != n)
    return d.fail("split has ", a.getSplit()->size(), " sizes but num_outputs is ", n);
  std::optional<SmallVector<int64_t>> dynSplit;
  if (Value ds = a.getDynamicSplit()) {
    if (a.getSplit())
      return d.fail("split is given both as an attribute and as an operand");
    if (failed(checkVector(d, ds, "split")))
      return failure();
    int64_t len = vectorLength(ds);
    if (!isDyn(len) && len != n)
      return d.fail("split has ", len, " sizes but num_outputs is ", n);
    dynSplit = getConstantInts(ds);
  }
  std::optional<ArrayRef<int64_t>> given;
  if (a.getSplit())
    given = *a.getSplit();
  else if (dynSplit)
    given = ArrayRef<int64_t>(*dynSplit);
  if (!t) {
    results.append(n, unrankedOf(elt));
    return success();
  }
  auto axis = normalizeAxis(d, (int64_t)a.getAxis(), t.getRank());
  if (failed(axis))
    return failure();
  int64_t dim = t.getDimSize(*axis);
  SmallVector<int64_t> sizes;
  if (given) {
    int64_t total = 0;
    for (int64_t s : *given) {
      if (s < 0)
        return d.fail("split sizes must be non-negative, got ", s);
      if (__builtin_add_overflow(total, s, &total))
        return d.fail("split sizes overflow int64");
    }
    if (!isDyn(dim) && total != dim)
      return d.fail("split sizes add up to ", total, " but dim ", *axis, " has size ", dim);
    sizes = toVec(*given);
  } else if (a.getDynamicSplit() || isDyn(dim)) {
    sizes.assign(n, kDyn);
  } else {
    int64_t chunk = dim / n + (dim % n != 0); // (dim + n - 1) / n without overflow
    if (chunk * (n - 1) > dim)
      return d.fail("dim ", *axis, " of size ", dim, " cannot be split into ", n, " pieces");
    for (int64_t k = 0; k < n; ++k)
      sizes.push_back(k + 1 < n ? chunk : dim - chunk * (n - 1));
  }
  for (int64_t s : sizes) {
    SmallVector<int64_t> shape = toVec(t.getShape());
    shape[*axis] = s;
    results.push_back(tensorOf(shape, elt));
  }
  return success();
}

KILN_INFER(SliceOp) {
  KILN_ADAPTOR(SliceOp);
  // Named arrays: an ArrayRef over a braced list inside the range-for would
  // dangle (the list's storage dies before the loop body runs).
  Value vectors[] = {a.getStarts(), a.getEnds(), a.getAxes(), a.getSteps()};
  StringRef vectorNames[] = {"starts", "ends", "axes", "steps"};
  for (auto [v, name] : llvm::zip(vectors, vectorNames))
    if (failed(checkVector(d, v, name)))
      return failure();
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  SmallVector<int64_t> shape = toVec(t.getShape());
  auto axes = getConstantInts(a.getAxes());
  if (!axes) {
    results.push_back(tensorOf(SmallVector<int64_t>(t.getRank(), kDyn), elt));
    return success();
  }
  auto norm = normalizeAxes(d, *axes, t.getRank());
  if (failed(norm))
    return failure();
  auto starts = getConstantInts(a.getStarts()), ends = getConstantInts(a.getEnds()),
       steps = getConstantInts(a.getSteps());
  for (auto [name, v] : {std::make_pair("starts", starts), std::make_pair("ends", ends),
                         std::make_pair("steps", steps)})
    if (v && v->size() != norm->size())
      return d.fail(name, " has ", v->size(), " values but axes has ", norm->size());
  for (size_t i = 0; i < norm->size(); ++i) {
    int64_t axis = (*norm)[i], dim = shape[axis];
    if (steps && (*steps)[i] == 0)
      return d.fail("steps must not be zero");
    if (!starts || !ends || !steps || isDyn(dim)) {
      shape[axis] = kDyn;
      continue;
    }
    int64_t first, count;
    sliceBounds(dim, (*starts)[i], (*ends)[i], (*steps)[i], first, count);
    shape[axis] = count;
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(GatherOp) {
  KILN_ADAPTOR(GatherOp);
  auto t = rankedOf(a.getData()), idx = rankedOf(a.getIndices());
  Type elt = eltOf(a.getData());
  if (!t || !idx) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  auto axis = normalizeAxis(d, (int64_t)a.getAxis(), t.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(t.getShape().begin(), t.getShape().begin() + *axis);
  shape.append(idx.getShape().begin(), idx.getShape().end());
  shape.append(t.getShape().begin() + *axis + 1, t.getShape().end());
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(GatherElementsOp) {
  KILN_ADAPTOR(GatherElementsOp);
  auto t = rankedOf(a.getData()), idx = rankedOf(a.getIndices());
  Type elt = eltOf(a.getData());
  if (t && idx) {
    if (t.getRank() != idx.getRank())
      return d.fail("indices must have the rank of data (", t.getRank(), "), got rank ",
                    idx.getRank());
    auto axis = normalizeAxis(d, (int64_t)a.getAxis(), t.getRank());
    if (failed(axis))
      return failure();
    for (int64_t i = 0; i < t.getRank(); ++i)
      if (i != *axis && !isDyn(t.getDimSize(i)) && !isDyn(idx.getDimSize(i)) &&
          idx.getDimSize(i) > t.getDimSize(i))
        return d.fail("indices shape ", shapeStr(idx.getShape()),
                      " is larger than the data shape ", shapeStr(t.getShape()), " in dim ", i);
  } else if (t) {
    if (failed(normalizeAxis(d, (int64_t)a.getAxis(), t.getRank())))
      return failure();
  }
  results.push_back(idx ? tensorOf(idx.getShape(), elt) : unrankedOf(elt));
  return success();
}

/// A run-time scalar operand: 0-D or one element.
static LogicalResult checkScalar(const Diag &d, Value v, StringRef what) {
  auto t = rankedOf(v);
  if (!t)
    return success();
  int64_t n = staticNumElements(t.getShape());
  if (t.getRank() > 1 || (!isDyn(n) && n >= 0 && n != 1))
    return d.fail(what, " must be a scalar (0-D or one element), got ", t);
  return success();
}

KILN_INFER(TriluOp) {
  KILN_ADAPTOR(TriluOp);
  if (auto t = rankedOf(a.getInput()); t && t.getRank() < 2)
    return d.fail("input must have rank >= 2, got ", t);
  if (a.getK() && failed(checkScalar(d, a.getK(), "k")))
    return failure();
  return sameAsInput(a.getInput(), results);
}

KILN_INFER(CumSumOp) {
  KILN_ADAPTOR(CumSumOp);
  if (failed(checkScalar(d, a.getAxis(), "axis")))
    return failure();
  if (auto t = rankedOf(a.getInput()))
    if (auto axis = getConstantInts(a.getAxis()); axis && axis->size() == 1)
      if (failed(normalizeAxis(d, (*axis)[0], t.getRank())))
        return failure();
  return sameAsInput(a.getInput(), results);
}

KILN_INFER(PadOp) {
  KILN_ADAPTOR(PadOp);
  if (failed(checkVector(d, a.getPads(), "pads")))
    return failure();
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t rank = t.getRank();
  int64_t len = vectorLength(a.getPads());
  if (!isDyn(len) && len != 2 * rank)
    return d.fail("pads has ", len, " values but the input of rank ", rank, " needs ", 2 * rank);
  auto pads = getConstantInts(a.getPads());
  SmallVector<int64_t> shape = toVec(t.getShape());
  for (int64_t i = 0; i < rank; ++i) {
    if (!pads || isDyn(shape[i])) {
      shape[i] = kDyn;
      continue;
    }
    int64_t s;
    if (__builtin_add_overflow(shape[i], (*pads)[i], &s) ||
        __builtin_add_overflow(s, (*pads)[i + rank], &s))
      return d.fail("pads of dim ", i, " overflow int64: ", shape[i], " + ", (*pads)[i], " + ",
                    (*pads)[i + rank]);
    if (s < 0)
      return d.fail("pads crop dim ", i, " of size ", shape[i], " below zero");
    shape[i] = s;
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(ExpandOp) {
  KILN_ADAPTOR(ExpandOp);
  if (failed(checkVector(d, a.getShape(), "shape")))
    return failure();
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  if (auto target = getConstantInts(a.getShape())) {
    for (int64_t x : *target)
      if (x < 0)
        return d.fail("shape has a negative dim ", x);
    auto b = broadcastShapes(d, t.getShape(), *target);
    if (failed(b))
      return failure();
    results.push_back(tensorOf(*b, elt));
    return success();
  }
  int64_t n = vectorLength(a.getShape());
  if (isDyn(n)) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t rank = std::max<int64_t>(n, t.getRank());
  SmallVector<int64_t> shape(rank, kDyn);
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(TileOp) {
  KILN_ADAPTOR(TileOp);
  if (failed(checkVector(d, a.getRepeats(), "repeats")))
    return failure();
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t len = vectorLength(a.getRepeats());
  if (!isDyn(len) && len != t.getRank())
    return d.fail("repeats has ", len, " values but the input has rank ", t.getRank());
  auto reps = getConstantInts(a.getRepeats());
  SmallVector<int64_t> shape = toVec(t.getShape());
  for (int64_t i = 0; i < t.getRank(); ++i) {
    if (reps && (*reps)[i] < 0)
      return d.fail("repeats must be non-negative, got ", (*reps)[i]);
    shape[i] = reps ? mulDims(shape[i], (*reps)[i]) : kDyn;
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(ResizeOp) {
  KILN_ADAPTOR(ResizeOp);
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (!a.getSizes() && !a.getScales())
    return d.fail("needs either sizes or scales");
  if (a.getSizes() && failed(checkVector(d, a.getSizes(), "sizes")))
    return failure();
  if (a.getSizes() && a.getScales())
    return d.fail("takes sizes or scales, not both");
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t rank = t.getRank();
  SmallVector<int64_t> shape(rank, kDyn);
  if (a.getScales()) {
    if ((int64_t)a.getScales()->size() != rank)
      return d.fail("scales has ", a.getScales()->size(), " values but the input has rank ",
                    rank);
    for (int64_t i = 0; i < rank; ++i) {
      float s = (*a.getScales())[i];
      if (!(s > 0))
        return d.fail("scales must be positive, got ", (double)s);
      if (t.isDynamicDim(i))
        continue;
      double dim = std::floor((double)t.getDimSize(i) * s);
      if (!(dim < 0x1p62)) // also NaN (0 * inf)
        return d.fail("scales[", i, "] = ", (double)s, " makes dim ", i, " out of range");
      shape[i] = (int64_t)dim;
    }
  } else if (isa<FloatType>(eltOf(a.getSizes()))) {
    // Run-time scales: the operand's length must match the rank.
    int64_t n = vectorLength(a.getSizes());
    if (!isDyn(n) && n != rank)
      return d.fail("scales has ", n, " values but the input has rank ", rank);
  } else if (auto sizes = getConstantInts(a.getSizes())) {
    if ((int64_t)sizes->size() != rank)
      return d.fail("sizes has ", sizes->size(), " values but the input has rank ", rank);
    for (int64_t x : *sizes)
      if (x < 0)
        return d.fail("sizes must be non-negative, got ", x);
    shape = *sizes;
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

//===----------------------------------------------------------------------===//
// Convolution and matrix products
//===----------------------------------------------------------------------===//

/// Shared by conv and conv_transpose: checks ranks, returns the spatial dims.
static LogicalResult convCommon(const Diag &d, RankedTensorType x, RankedTensorType w,
                                Value bias, int64_t group, StringRef autoPad) {
  if (x.getRank() < 3)
    return d.fail("input must have rank >= 3 (N, C, spatial...), got ",
                  shapeStr(x.getShape()));
  if (w.getRank() != x.getRank())
    return d.fail("weight has rank ", w.getRank(), " but the input has rank ", x.getRank());
  if (group < 1)
    return d.fail("group must be at least 1, got ", group);
  if (failed(checkAutoPad(d, autoPad)))
    return failure();
  if (bias) {
    if (eltOf(bias) != x.getElementType())
      return d.fail("bias has element type ", eltOf(bias), " but the input has ",
                    x.getElementType());
    auto b = rankedOf(bias);
    if (b && b.getRank() != 1)
      return d.fail("bias must be 1-D, got ", bias.getType());
  }
  return success();
}

KILN_INFER(ConvOp) {
  KILN_ADAPTOR(ConvOp);
  Type elt = eltOf(a.getInput());
  if (failed(checkSameElementType(d, a.getInput(), a.getWeight(), "input and weight")))
    return failure();
  auto x = rankedOf(a.getInput()), w = rankedOf(a.getWeight());
  // Attributes are checked even when the shapes are unknown.
  if (failed(checkAutoPad(d, a.getAutoPad())))
    return failure();
  if ((int64_t)a.getGroup() < 1)
    return d.fail("group must be at least 1, got ", (int64_t)a.getGroup());
  if (!x || !w) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t group = (int64_t)a.getGroup();
  if (failed(convCommon(d, x, w, a.getBias(), group, a.getAutoPad())))
    return failure();
  int64_t c = x.getDimSize(1), m = w.getDimSize(0), wc = w.getDimSize(1);
  if (!isDyn(c) && !isDyn(wc) && c != wc * group)
    return d.fail("input has ", c, " channels but weight ", shapeStr(w.getShape()), " with group ",
                  group, " expects ", wc * group);
  if (!isDyn(m) && m % group != 0)
    return d.fail("output channels ", m, " are not divisible by group ", group);
  if (auto b = a.getBias() ? rankedOf(a.getBias()) : RankedTensorType())
    if (!isDyn(m) && !b.isDynamicDim(0) && b.getDimSize(0) != m)
      return d.fail("bias has ", b.getDimSize(0), " values but there are ", m,
                    " output channels");
  auto spatial = windowDims(d, x.getShape().drop_front(2), w.getShape().drop_front(2),
                            a.getStrides(), a.getPads(), a.getDilations(), a.getAutoPad(), false);
  if (failed(spatial))
    return failure();
  SmallVector<int64_t> shape{x.getDimSize(0), m};
  shape.append(spatial->begin(), spatial->end());
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(ConvTransposeOp) {
  KILN_ADAPTOR(ConvTransposeOp);
  Type elt = eltOf(a.getInput());
  if (failed(checkSameElementType(d, a.getInput(), a.getWeight(), "input and weight")))
    return failure();
  auto x = rankedOf(a.getInput()), w = rankedOf(a.getWeight());
  // Attributes are checked even when the shapes are unknown.
  if (failed(checkAutoPad(d, a.getAutoPad())))
    return failure();
  if ((int64_t)a.getGroup() < 1)
    return d.fail("group must be at least 1, got ", (int64_t)a.getGroup());
  if (!x || !w) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t group = (int64_t)a.getGroup();
  if (failed(convCommon(d, x, w, a.getBias(), group, a.getAutoPad())))
    return failure();
  int64_t c = x.getDimSize(1), wc = w.getDimSize(0);
  if (!isDyn(c) && !isDyn(wc) && c != wc)
    return d.fail("input has ", c, " channels but weight ", shapeStr(w.getShape()), " expects ",
                  wc);
  int64_t m = mulDims(w.getDimSize(1), group);
  if (auto b = a.getBias() ? rankedOf(a.getBias()) : RankedTensorType())
    if (!isDyn(m) && !b.isDynamicDim(0) && b.getDimSize(0) != m)
      return d.fail("bias has ", b.getDimSize(0), " values but there are ", m,
                    " output channels");
  size_t n = x.getRank() - 2;
  if (failed(checkLength(d, a.getStrides(), n, "strides")) ||
      failed(checkLength(d, a.getDilations(), n, "dilations")) ||
      failed(checkLength(d, a.getPads(), 2 * n, "pads")) ||
      failed(checkLength(d, a.getOutputPadding(), n, "output_padding")) ||
      failed(checkLength(d, a.getOutputShape(), n, "output_shape")) ||
      failed(checkPositive(d, a.getStrides(), "strides")) ||
      failed(checkPositive(d, a.getDilations(), "dilations")))
    return failure();
  SmallVector<int64_t> shape{x.getDimSize(0), m};
  for (size_t i = 0; i < n; ++i) {
    if (a.getOutputShape()) {
      int64_t o = (*a.getOutputShape())[i];
      if (o <= 0)
        return d.fail("output_shape must be positive, got ", o);
      shape.push_back(o);
      continue;
    }
    int64_t in = x.getDimSize(i + 2), k = w.getDimSize(i + 2);
    int64_t s = a.getStrides() ? (*a.getStrides())[i] : 1;
    int64_t dl = a.getDilations() ? (*a.getDilations())[i] : 1;
    int64_t op = a.getOutputPadding() ? (*a.getOutputPadding())[i] : 0;
    if (op >= s && op >= dl)
      return d.fail("output_padding ", op, " must be smaller than the stride or the dilation");
    if (isDyn(in) || isDyn(k)) {
      shape.push_back(kDyn);
      continue;
    }
    StringRef autoPad = a.getAutoPad();
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      shape.push_back(in * s);
      continue;
    }
    int64_t pb = 0, pe = 0;
    if (a.getPads() && autoPad == "NOTSET") {
      pb = (*a.getPads())[i];
      pe = (*a.getPads())[i + n];
    }
    int64_t o = s * (in - 1) + op + (k - 1) * dl + 1 - pb - pe;
    if (o <= 0)
      return d.fail("spatial dim ", i, " would have size ", o);
    shape.push_back(o);
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(MatMulOp) {
  KILN_ADAPTOR(MatMulOp);
  if (failed(checkSameElementType(d, a.getLhs(), a.getRhs(), "operand")))
    return failure();
  Type elt = eltOf(a.getLhs());
  auto l = rankedOf(a.getLhs()), r = rankedOf(a.getRhs());
  if (!l || !r) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  if (l.getRank() == 0 || r.getRank() == 0)
    return d.fail("operands must have rank >= 1, got ", l, " and ", r);
  SmallVector<int64_t> ls = toVec(l.getShape()), rs = toVec(r.getShape());
  bool lVec = ls.size() == 1, rVec = rs.size() == 1;
  if (lVec)
    ls.insert(ls.begin(), 1);
  if (rVec)
    rs.push_back(1);
  int64_t k1 = ls.back(), k2 = rs[rs.size() - 2];
  if (!isDyn(k1) && !isDyn(k2) && k1 != k2)
    return d.fail("contraction dims differ: lhs ", shapeStr(l.getShape()), " and rhs ",
                  shapeStr(r.getShape()));
  auto batch = broadcastShapes(d, ArrayRef<int64_t>(ls).drop_back(2),
                               ArrayRef<int64_t>(rs).drop_back(2));
  if (failed(batch))
    return failure();
  SmallVector<int64_t> shape = *batch;
  if (!lVec)
    shape.push_back(ls[ls.size() - 2]);
  if (!rVec)
    shape.push_back(rs.back());
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(GemmOp) {
  KILN_ADAPTOR(GemmOp);
  if (failed(checkSameElementType(d, a.getA(), a.getB(), "A and B")))
    return failure();
  Type elt = eltOf(a.getA());
  auto ta = rankedOf(a.getA()), tb = rankedOf(a.getB());
  if (ta && ta.getRank() != 2)
    return d.fail("A must be 2-D, got ", a.getA().getType());
  if (tb && tb.getRank() != 2)
    return d.fail("B must be 2-D, got ", a.getB().getType());
  int64_t m = ta ? ta.getDimSize(a.getTransA() ? 1 : 0) : kDyn;
  int64_t k1 = ta ? ta.getDimSize(a.getTransA() ? 0 : 1) : kDyn;
  int64_t k2 = tb ? tb.getDimSize(a.getTransB() ? 1 : 0) : kDyn;
  int64_t n = tb ? tb.getDimSize(a.getTransB() ? 0 : 1) : kDyn;
  if (!isDyn(k1) && !isDyn(k2) && k1 != k2)
    return d.fail("inner dims differ: op(A) is ", m, "x", k1, ", op(B) is ", k2, "x", n);
  if (Value c = a.getC()) {
    if (eltOf(c) != elt)
      return d.fail("C has element type ", eltOf(c), " but A has ", elt);
    if (auto tc = rankedOf(c)) {
      if (tc.getRank() > 2)
        return d.fail("C must have rank <= 2, got ", c.getType());
      SmallVector<int64_t> out{m, n};
      auto b = broadcastShapes(d, out, tc.getShape());
      if (failed(b))
        return failure();
      if (!isDyn((*b)[0]) && !isDyn(m) && (*b)[0] != m)
        return d.fail("C of shape ", shapeStr(tc.getShape()), " does not broadcast to ", m, "x",
                      n);
      if (!isDyn((*b)[1]) && !isDyn(n) && (*b)[1] != n)
        return d.fail("C of shape ", shapeStr(tc.getShape()), " does not broadcast to ", m, "x",
                      n);
    }
  }
  results.push_back(tensorOf({m, n}, elt));
  return success();
}

KILN_INFER(LinearOp) {
  KILN_ADAPTOR(LinearOp);
  if (failed(checkSameElementType(d, a.getInput(), a.getWeight(), "input and weight")))
    return failure();
  Type elt = eltOf(a.getInput());
  auto x = rankedOf(a.getInput()), w = rankedOf(a.getWeight());
  if (w && w.getRank() != 2)
    return d.fail("weight must be 2-D [out, in], got ", a.getWeight().getType());
  if (x && x.getRank() < 1)
    return d.fail("input must have rank >= 1");
  int64_t n = w ? w.getDimSize(0) : kDyn;
  if (x && w && !x.isDynamicDim(x.getRank() - 1) && !w.isDynamicDim(1) &&
      x.getDimSize(x.getRank() - 1) != w.getDimSize(1))
    return d.fail("input has ", x.getDimSize(x.getRank() - 1), " features but weight ",
                  shapeStr(w.getShape()), " expects ", w.getDimSize(1));
  if (Value b = a.getBias())
    if (auto tb = rankedOf(b))
      if (tb.getRank() != 1 || (!isDyn(n) && !tb.isDynamicDim(0) && tb.getDimSize(0) != n))
        return d.fail("bias must be 1-D with ", n, " values, got ", b.getType());
  if (!x) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  SmallVector<int64_t> shape = toVec(x.getShape());
  shape.back() = n;
  results.push_back(tensorOf(shape, elt));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization and pooling
//===----------------------------------------------------------------------===//

/// Checks that each per-channel operand is 1-D of the channel count.
static LogicalResult checkChannelVectors(const Diag &d, Value input, ArrayRef<Value> vectors,
                                         ArrayRef<StringRef> names) {
  auto x = rankedOf(input);
  if (x && x.getRank() < 2)
    return d.fail("input must have rank >= 2 (N, C, ...), got ", input.getType());
  int64_t c = x ? x.getDimSize(1) : kDyn;
  for (auto [v, name] : llvm::zip(vectors, names)) {
    if (eltOf(v) != eltOf(input))
      return d.fail(name, " has element type ", eltOf(v), " but the input has ", eltOf(input));
    auto t = rankedOf(v);
    if (!t)
      continue;
    if (t.getRank() != 1)
      return d.fail(name, " must be 1-D, got ", v.getType());
    if (!isDyn(c) && !t.isDynamicDim(0) && t.getDimSize(0) != c)
      return d.fail(name, " has ", t.getDimSize(0), " values but the input has ", c,
                    " channels");
  }
  return success();
}

KILN_INFER(BatchNormOp) {
  KILN_ADAPTOR(BatchNormOp);
  if (failed(checkChannelVectors(d, a.getInput(),
                                 {a.getScale(), a.getBias(), a.getMean(), a.getVariance()},
                                 {"scale", "bias", "mean", "variance"})))
    return failure();
  return sameAsInput(a.getInput(), results);
}

KILN_INFER(InstanceNormOp) {
  KILN_ADAPTOR(InstanceNormOp);
  if (failed(checkChannelVectors(d, a.getInput(), {a.getScale(), a.getBias()},
                                 {"scale", "bias"})))
    return failure();
  return sameAsInput(a.getInput(), results);
}

KILN_INFER(GroupNormOp) {
  KILN_ADAPTOR(GroupNormOp);
  if (failed(checkChannelVectors(d, a.getInput(), {a.getScale(), a.getBias()},
                                 {"scale", "bias"})))
    return failure();
  int64_t g = (int64_t)a.getNumGroups();
  if (g < 1)
    return d.fail("num_groups must be at least 1, got ", g);
  if (auto x = rankedOf(a.getInput()))
    if (!x.isDynamicDim(1) && x.getDimSize(1) % g != 0)
      return d.fail(x.getDimSize(1), " channels are not divisible into ", g, " groups");
  return sameAsInput(a.getInput(), results);
}

KILN_INFER(LayerNormOp) {
  KILN_ADAPTOR(LayerNormOp);
  auto x = rankedOf(a.getInput());
  SmallVector<Value> params{a.getScale()};
  if (a.getBias())
    params.push_back(a.getBias());
  for (Value p : params) {
    if (eltOf(p) != eltOf(a.getInput()))
      return d.fail("scale and bias must have the input's element type ", eltOf(a.getInput()));
    auto t = rankedOf(p);
    if (!x || !t)
      continue;
    auto axis = normalizeAxis(d, (int64_t)a.getAxis(), x.getRank());
    if (failed(axis))
      return failure();
    auto normalized = x.getShape().drop_front(*axis);
    // Broadcast silently (no location): the message below says what is wrong.
    auto b = broadcastShapes(Diag{std::nullopt, d.op}, normalized, t.getShape());
    if (failed(b) || b->size() != normalized.size())
      return d.fail("scale/bias of shape ", shapeStr(t.getShape()),
                    " does not broadcast to the normalized dims ", shapeStr(normalized));
  }
  return sameAsInput(a.getInput(), results);
}

#define KILN_INFER_POOL(OP)                                                                        \
  KILN_INFER(OP) {                                                                                 \
    KILN_ADAPTOR(OP);                                                                              \
    auto x = rankedOf(a.getInput());                                                               \
    /* attributes are checked even when the input is unranked */                                   \
    if (failed(checkAutoPad(d, a.getAutoPad())) ||                                                 \
        failed(checkPositive(d, a.getKernelShape(), "kernel_shape")))                              \
      return failure();                                                                            \
    if (!x) {                                                                                      \
      results.push_back(a.getInput().getType());                                                   \
      return success();                                                                            \
    }                                                                                              \
    size_t n = a.getKernelShape().size();                                                          \
    if (x.getRank() != (int64_t)n + 2)                                                             \
      return d.fail("kernel_shape has ", n, " dims, so the input must have rank ", n + 2,         \
                    ", got ", shapeStr(x.getShape()));                                             \
    if (failed(checkPositive(d, a.getKernelShape(), "kernel_shape")))                              \
      return failure();                                                                            \
    auto spatial = windowDims(d, x.getShape().drop_front(2), a.getKernelShape(), a.getStrides(),   \
                              a.getPads(), a.getDilations(), a.getAutoPad(), a.getCeilMode());     \
    if (failed(spatial))                                                                           \
      return failure();                                                                            \
    SmallVector<int64_t> shape{x.getDimSize(0), x.getDimSize(1)};                                  \
    shape.append(spatial->begin(), spatial->end());                                                \
    results.push_back(tensorOf(shape, x.getElementType()));                                        \
    return success();                                                                              \
  }
KILN_INFER_POOL(MaxPoolOp)
KILN_INFER_POOL(AveragePoolOp)
#undef KILN_INFER_POOL

#define KILN_INFER_GLOBAL_POOL(OP)                                                                 \
  KILN_INFER(OP) {                                                                                 \
    KILN_ADAPTOR(OP);                                                                              \
    auto x = rankedOf(a.getInput());                                                               \
    if (!x) {                                                                                      \
      results.push_back(a.getInput().getType());                                                   \
      return success();                                                                            \
    }                                                                                              \
    if (x.getRank() < 3)                                                                           \
      return d.fail("input must have rank >= 3 (N, C, spatial...), got ",                         \
                    shapeStr(x.getShape()));                                                       \
    SmallVector<int64_t> shape{x.getDimSize(0), x.getDimSize(1)};                                  \
    shape.append(x.getRank() - 2, 1);                                                              \
    results.push_back(tensorOf(shape, x.getElementType()));                                        \
    return success();                                                                              \
  }
KILN_INFER_GLOBAL_POOL(GlobalAveragePoolOp)
KILN_INFER_GLOBAL_POOL(GlobalMaxPoolOp)
#undef KILN_INFER_GLOBAL_POOL

} // namespace kiln
