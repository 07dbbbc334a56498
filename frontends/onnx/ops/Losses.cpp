//===- Losses.cpp - ONNX loss ops as kiln op decompositions ---------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, built exactly as the
// ONNX function bodies of these ops compute them: the target class of every
// position is gathered from the input along dim 1 (ignored positions read
// class 0 and are masked to zero), weighted by weight[target] (1 without
// weights, 0 where ignored), and reduced: "none" keeps [N, d1, ...], "sum"
// adds everything, "mean" divides the sum by the sum of the weights used
// (all positions ignored: 0 / 0 = NaN, as the function body gives).
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"

namespace kiln::onnx::detail {
namespace {

/// A 0-D constant of element type `elt` holding `v`.
Value scalarConst(Node &n, Type elt, double v) {
  auto type = RankedTensorType::get({}, elt);
  Attribute a;
  if (auto ft = dyn_cast<FloatType>(elt))
    a = DenseElementsAttr::get(type, FloatAttr::get(ft, v));
  else
    a = DenseElementsAttr::get(type, IntegerAttr::get(elt, (int64_t)v));
  return n.im.b.create<ConstantOp>(n.loc, type, cast<ElementsAttr>(a));
}

NamedAttribute intAttr(Node &n, StringRef name, int64_t v) {
  return n.im.b.getNamedAttr(name, n.im.b.getI64IntegerAttr(v));
}

/// The loss of `logProb` [N, C, d...] against `target` [N, d...] (NLL).
LogicalResult nllLoss(Node &n, StringRef opName, Value logProb, Value target, Value weight,
                      SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  auto &im = n.im;
  auto xt = dyn_cast<ShapedType>(logProb.getType());
  auto tt = dyn_cast<ShapedType>(target.getType());
  if (!xt || !isa<FloatType>(xt.getElementType()))
    return emitError(n.loc) << opName << " input must be a floating-point tensor";
  if (!tt || !(tt.getElementType().isInteger(32) || tt.getElementType().isInteger(64)))
    return emitError(n.loc) << opName << " target must be an int32 or int64 tensor";
  if (auto r = dyn_cast<RankedTensorType>(logProb.getType()); r && r.getRank() < 2)
    return emitError(n.loc) << opName << " input must have rank >= 2 ([N, C, d1, ...]), got "
                            << r;
  if (auto r = dyn_cast<RankedTensorType>(logProb.getType()))
    if (auto rt = dyn_cast<RankedTensorType>(target.getType()); rt && rt.getRank() != r.getRank() - 1)
      return emitError(n.loc) << opName << " target must have rank " << r.getRank() - 1
                              << " ([N, d1, ...]), got " << rt;
  if (weight) {
    auto wt = dyn_cast<ShapedType>(weight.getType());
    if (!wt || wt.getElementType() != xt.getElementType())
      return emitError(n.loc) << opName << " weight must have the input's element type";
    if (auto rw = dyn_cast<RankedTensorType>(weight.getType()); rw && rw.getRank() != 1)
      return emitError(n.loc) << opName << " weight must be 1-D ([C]), got " << rw;
  }
  std::string reduction = n.getString("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return emitError(n.loc) << opName << " reduction must be none, sum or mean, got '"
                            << reduction << "'";
  Type elt = xt.getElementType(), tElt = tt.getElementType();

  // Ignored positions read class 0 (any valid index) and are masked below.
  Value mask, safeTarget = target;
  if (n.attr("ignore_index")) {
    Value ii = scalarConst(n, tElt, (double)n.getInt("ignore_index", 0));
    if (!(mask = im.create1<EqualOp>(n.loc, {target, ii})) ||
        !(safeTarget = im.create1<WhereOp>(n.loc, {mask, scalarConst(n, tElt, 0), target})))
      return failure();
  }
  Value idx = im.create1<UnsqueezeOp>(
      n.loc, safeTarget, {b.getNamedAttr("axes", b.getDenseI64ArrayAttr({1}))});
  Value picked = idx ? im.create1<GatherElementsOp>(n.loc, {logProb, idx}, {intAttr(n, "axis", 1)})
                     : Value();
  picked = picked ? im.create1<SqueezeOp>(n.loc, picked,
                                          {b.getNamedAttr("axes", b.getDenseI64ArrayAttr({1}))})
                  : Value();
  Value loss = picked ? im.create1<NegOp>(n.loc, picked) : Value();
  if (!loss)
    return failure();

  // Per-position weights: weight[target], 0 where ignored; null means all 1.
  Value w;
  if (weight) {
    if (!(w = im.create1<GatherOp>(n.loc, {weight, safeTarget}, {intAttr(n, "axis", 0)})))
      return failure();
    if (mask && !(w = im.create1<WhereOp>(n.loc, {mask, scalarConst(n, elt, 0), w})))
      return failure();
  } else if (mask) {
    if (!(w = im.create1<WhereOp>(n.loc, {mask, scalarConst(n, elt, 0), scalarConst(n, elt, 1)})))
      return failure();
  }
  if (w && !(loss = im.create1<MulOp>(n.loc, {loss, w})))
    return failure();

  if (reduction != "none") {
    auto sumAll = [&](Value v) {
      return im.create1<ReduceSumOp>(n.loc, v, {b.getNamedAttr("keepdims", b.getBoolAttr(false))});
    };
    Value total = sumAll(loss);
    if (!total)
      return failure();
    if (reduction == "mean") {
      if (w) {
        Value wsum = sumAll(w);
        total = wsum ? im.create1<DivOp>(n.loc, {total, wsum}) : Value();
      } else {
        total = im.create1<ReduceMeanOp>(n.loc, loss,
                                         {b.getNamedAttr("keepdims", b.getBoolAttr(false))});
      }
      if (!total)
        return failure();
    }
    loss = total;
  }
  out.push_back(loss);
  return success();
}

LogicalResult importNLLLoss(Node &n, SmallVectorImpl<Value> &out) {
  if (!n.input(1))
    return emitError(n.loc) << "NegativeLogLikelihoodLoss needs a target input";
  return nllLoss(n, "NegativeLogLikelihoodLoss", n.inputs[0], n.inputs[1], n.input(2), out);
}

/// SoftmaxCrossEntropyLoss: NLL of log_softmax(scores) along dim 1; the
/// second output is that log_softmax.
LogicalResult importSoftmaxCrossEntropyLoss(Node &n, SmallVectorImpl<Value> &out) {
  if (!n.input(1))
    return emitError(n.loc) << "SoftmaxCrossEntropyLoss needs a labels input";
  Value logProb = n.im.create1<LogSoftmaxOp>(n.loc, n.inputs[0], {intAttr(n, "axis", 1)});
  if (!logProb)
    return failure();
  if (failed(nllLoss(n, "SoftmaxCrossEntropyLoss", logProb, n.inputs[1], n.input(2), out)))
    return failure();
  out.push_back(logProb);
  return success();
}

} // namespace

void registerLossesOps(OpTable &t) {
  t["NegativeLogLikelihoodLoss"] = importNLLLoss;
  t["SoftmaxCrossEntropyLoss"] = importSoftmaxCrossEntropyLoss;
}

} // namespace kiln::onnx::detail
