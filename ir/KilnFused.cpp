//===- KilnFused.cpp - inference and verification of the fused ops --------===//
//
// The fused ops (KilnFusedOps.td) infer what their unfused chains infer:
// fused_conv delegates to kiln.conv, the others compute their shapes here.
//
//===----------------------------------------------------------------------===//
#include "ShapeUtils.h"
#include "kiln/ir/KilnDialect.h"

using namespace mlir;

namespace kiln {
namespace {

Type eltOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }
RankedTensorType rankedOf(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }

LogicalResult verifyActivation(Operation *op, StringRef act, float alpha, float beta) {
  static const char *known[] = {"none",      "relu", "leaky_relu", "clip", "sigmoid", "tanh",
                                "hard_swish", "silu", "gelu",       "gelu_tanh"};
  if (!llvm::is_contained(known, act))
    return op->emitOpError("unknown activation '") << act << "'";
  if (act == "clip" && alpha > beta)
    return op->emitOpError("clip bounds are crossed: min ") << alpha << " > max " << beta;
  return success();
}

/// The result of a broadcast of `extra` onto `result`, which must not grow.
LogicalResult checkOnto(const Diag &d, Type result, Value extra, StringRef what) {
  auto r = dyn_cast<RankedTensorType>(result);
  auto e = rankedOf(extra);
  if (!r || !e)
    return success();
  if (e.getRank() > r.getRank())
    return d.fail(what, " of shape ", shapeStr(e.getShape()), " has a higher rank than the result ",
                  shapeStr(r.getShape()));
  auto b = broadcastShapes(d, r.getShape(), e.getShape());
  if (failed(b))
    return failure();
  for (auto [x, y] : llvm::zip(*b, r.getShape()))
    if (!isDyn(x) && !isDyn(y) && x != y)
      return d.fail(what, " of shape ", shapeStr(e.getShape()), " does not broadcast to the result ",
                    shapeStr(r.getShape()));
  return success();
}

} // namespace

LogicalResult FusedConvOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr attributes,
                                            OpaqueProperties properties, RegionRange regions,
                                            SmallVectorImpl<Type> &results) {
  FusedConvOp::Adaptor a(operands, attributes, properties, regions);
  Diag d{loc, FusedConvOp::getOperationName()};
  Builder b(ctx);
  SmallVector<NamedAttribute> conv;
  if (a.getStridesAttr())
    conv.push_back(b.getNamedAttr("strides", a.getStridesAttr()));
  if (a.getPadsAttr())
    conv.push_back(b.getNamedAttr("pads", a.getPadsAttr()));
  if (a.getDilationsAttr())
    conv.push_back(b.getNamedAttr("dilations", a.getDilationsAttr()));
  conv.push_back(b.getNamedAttr("group", b.getI64IntegerAttr((int64_t)a.getGroup())));
  conv.push_back(b.getNamedAttr("auto_pad", b.getStringAttr(a.getAutoPad())));
  auto dict = b.getDictionaryAttr(conv);
  ConvOp::Properties props;
  if (failed(ConvOp::setPropertiesFromAttr(props, dict, nullptr)))
    return d.fail("invalid convolution attributes");
  if (failed(ConvOp::inferReturnTypes(ctx, loc, {a.getInput(), a.getWeight(), a.getBias()}, dict,
                                      OpaqueProperties(&props), regions, results)))
    return failure();
  if (a.getResidual()) {
    if (eltOf(a.getResidual()) != eltOf(a.getInput()))
      return d.fail("residual must have the input's element type");
    if (failed(checkOnto(d, results[0], a.getResidual(), "residual")))
      return failure();
  }
  return success();
}

LogicalResult FusedConvOp::verify() {
  return verifyActivation(*this, getActivation(), getAlpha().convertToFloat(),
                          getBeta().convertToFloat());
}

LogicalResult FusedMatMulOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                              ValueRange operands, DictionaryAttr attributes,
                                              OpaqueProperties properties, RegionRange regions,
                                              SmallVectorImpl<Type> &results) {
  FusedMatMulOp::Adaptor a(operands, attributes, properties, regions);
  Diag d{loc, FusedMatMulOp::getOperationName()};
  Type elt = eltOf(a.getLhs());
  if (eltOf(a.getRhs()) != elt || eltOf(a.getBias()) != elt)
    return d.fail("lhs, rhs and bias must have one element type");
  auto l = rankedOf(a.getLhs()), r = rankedOf(a.getRhs());
  if (r && r.getRank() != 2)
    return d.fail("rhs must be 2-D, got ", r);
  if (l && l.getRank() < 2)
    return d.fail("lhs must have rank 2 or more, got ", l);
  if (!l || !r) {
    results.push_back(UnrankedTensorType::get(elt));
    return success();
  }
  bool tb = a.getTransB();
  int64_t k = tb ? r.getDimSize(1) : r.getDimSize(0), n = tb ? r.getDimSize(0) : r.getDimSize(1);
  int64_t lk = l.getDimSize(l.getRank() - 1);
  if (!isDyn(k) && !isDyn(lk) && k != lk)
    return d.fail("lhs ", shapeStr(l.getShape()), " and rhs ", shapeStr(r.getShape()),
                  tb ? " (transposed)" : "", " have different inner dims");
  SmallVector<int64_t> shape(l.getShape().begin(), l.getShape().end());
  shape.back() = n;
  results.push_back(RankedTensorType::get(shape, elt));
  return checkOnto(d, results[0], a.getBias(), "bias");
}

LogicalResult FusedMatMulOp::verify() {
  return verifyActivation(*this, getActivation(), getAlpha().convertToFloat(),
                          getBeta().convertToFloat());
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                          ValueRange operands, DictionaryAttr attributes,
                                          OpaqueProperties properties, RegionRange regions,
                                          SmallVectorImpl<Type> &results) {
  RMSNormOp::Adaptor a(operands, attributes, properties, regions);
  Diag d{loc, RMSNormOp::getOperationName()};
  (void)ctx;
  if (eltOf(a.getScale()) != eltOf(a.getInput()))
    return d.fail("scale must have the input's element type ", eltOf(a.getInput()));
  auto x = rankedOf(a.getInput()), s = rankedOf(a.getScale());
  if (x && s) {
    auto axis = normalizeAxis(d, (int64_t)a.getAxis(), x.getRank());
    if (failed(axis))
      return failure();
    auto normalized = x.getShape().drop_front(*axis);
    auto b = broadcastShapes(Diag{std::nullopt, d.op}, normalized, s.getShape());
    if (failed(b) || b->size() != normalized.size())
      return d.fail("scale of shape ", shapeStr(s.getShape()),
                    " does not broadcast to the normalized dims ", shapeStr(normalized));
  }
  results.push_back(a.getInput().getType());
  return success();
}

LogicalResult RMSNormOp::verify() {
  if (getEpsilon().convertToFloat() < 0)
    return emitOpError("epsilon must not be negative");
  return success();
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr attributes,
                                            OpaqueProperties properties, RegionRange regions,
                                            SmallVectorImpl<Type> &results) {
  AttentionOp::Adaptor a(operands, attributes, properties, regions);
  Diag d{loc, AttentionOp::getOperationName()};
  (void)ctx;
  Type elt = eltOf(a.getQ());
  if (eltOf(a.getK()) != elt || eltOf(a.getV()) != elt ||
      (a.getMask() && eltOf(a.getMask()) != elt))
    return d.fail("q, k, v and mask must have one element type");
  auto q = rankedOf(a.getQ()), k = rankedOf(a.getK()), v = rankedOf(a.getV());
  int64_t heads = (int64_t)a.getNumHeads();
  if (heads < 0)
    return d.fail("num_heads must not be negative, got ", heads);
  if (!q || !k || !v) {
    results.push_back(UnrankedTensorType::get(elt));
    return success();
  }
  int64_t rank = q.getRank();
  if (rank < 2 || k.getRank() != rank || v.getRank() != rank)
    return d.fail("q, k and v must have one rank of at least 2, got ", q, ", ", k, ", ", v);
  if (heads && rank != 3)
    return d.fail("with num_heads, q, k and v must be [batch, seq, heads * dim]");
  auto same = [](int64_t x, int64_t y) { return isDyn(x) || isDyn(y) || x == y; };
  for (int64_t i = 0; i + 2 < rank; ++i)
    if (!same(q.getDimSize(i), k.getDimSize(i)) || !same(q.getDimSize(i), v.getDimSize(i)))
      return d.fail("q, k and v have different batch dims");
  int64_t qd = q.getDimSize(rank - 1), kd = k.getDimSize(rank - 1);
  if (!same(qd, kd))
    return d.fail("q and k have different head dims: ", qd, " vs ", kd);
  if (!same(k.getDimSize(rank - 2), v.getDimSize(rank - 2)))
    return d.fail("k and v have different sequence lengths");
  if (heads)
    for (int64_t dim : {qd, v.getDimSize(rank - 1)})
      if (!isDyn(dim) && dim % heads != 0)
        return d.fail("a feature dim of ", dim, " does not split into ", heads, " heads");
  SmallVector<int64_t> shape(q.getShape().begin(), q.getShape().end());
  shape.back() = v.getDimSize(rank - 1);
  results.push_back(RankedTensorType::get(shape, elt));
  if (auto m = a.getMask() ? rankedOf(a.getMask()) : RankedTensorType()) {
    SmallVector<int64_t> scores(q.getShape().begin(), q.getShape().end() - 1);
    if (heads)
      scores.insert(scores.begin() + 1, heads);
    scores.push_back(k.getDimSize(rank - 2));
    auto b = broadcastShapes(Diag{std::nullopt, d.op}, scores, m.getShape());
    bool ok = succeeded(b) && b->size() == scores.size();
    for (size_t i = 0; ok && i < scores.size(); ++i)
      ok = same((*b)[i], scores[i]);
    if (!ok)
      return d.fail("mask of shape ", shapeStr(m.getShape()), " does not broadcast to the scores ",
                    shapeStr(scores));
  }
  return success();
}

} // namespace kiln
