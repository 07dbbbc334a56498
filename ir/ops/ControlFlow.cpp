//===- ControlFlow.cpp - kiln.if, kiln.loop, kiln.yield ---------------------===//
//
// Result types come from the regions: an if's results join what its two
// branches yield; a loop's carried results are its body's carried block
// argument types, its scan outputs the yielded per-iteration types with a
// leading `?`. A kiln.if whose condition is a constant canonicalizes to the
// chosen branch, inlined.
//
//===----------------------------------------------------------------------===//
#include "../ShapeUtils.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/ControlFlow.h"
#include "kiln/ir/KilnDialect.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace kiln {

Type joinTensorTypes(Type a, Type b) {
  if (a == b)
    return a;
  auto ta = dyn_cast<TensorType>(a), tb = dyn_cast<TensorType>(b);
  if (!ta || !tb || ta.getElementType() != tb.getElementType())
    return {};
  // ONNX If branches may even differ in rank (a scalar and a [1]): the
  // result's rank is then unknown.
  if (!ta.hasRank() || !tb.hasRank() || ta.getRank() != tb.getRank())
    return UnrankedTensorType::get(ta.getElementType());
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip(ta.getShape(), tb.getShape()))
    shape.push_back(x == y ? x : ShapedType::kDynamic);
  return RankedTensorType::get(shape, ta.getElementType());
}

namespace {

YieldOp yieldOfBlock(Region *r) {
  if (!r || r->empty() || r->front().empty())
    return {};
  return dyn_cast<YieldOp>(r->front().back());
}

/// A condition or trip count must hold one element.
LogicalResult checkOneElement(const Diag &d, Type t, StringRef what) {
  auto rt = dyn_cast<RankedTensorType>(t);
  if (!rt)
    return success();
  for (int64_t dim : rt.getShape())
    if (!isDyn(dim) && dim != 1)
      return d.fail(what, " must be a scalar or hold one element, got ", t);
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// kiln.if
//===----------------------------------------------------------------------===//

YieldOp IfOp::thenYield() { return yieldOfBlock(&getThenRegion()); }
YieldOp IfOp::elseYield() { return yieldOfBlock(&getElseRegion()); }

LogicalResult IfOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, ValueRange,
                                     DictionaryAttr, OpaqueProperties, RegionRange regions,
                                     SmallVectorImpl<Type> &results) {
  Diag d{loc, IfOp::getOperationName()};
  if (regions.size() != 2)
    return d.fail("expects two regions (then, else)");
  YieldOp t = yieldOfBlock(regions[0]), e = yieldOfBlock(regions[1]);
  if (!t || !e)
    return d.fail("both branches must end in kiln.yield");
  if (t.getNumOperands() != e.getNumOperands())
    return d.fail("the then branch yields ", t.getNumOperands(), " value(s), the else branch ",
                  e.getNumOperands());
  for (auto [i, a, b] : llvm::enumerate(t.getOperandTypes(), e.getOperandTypes())) {
    Type j = joinTensorTypes(a, b);
    if (!j)
      return d.fail("result ", i, ": the then branch yields ", a, ", the else branch ", b,
                    " (element types must agree)");
    results.push_back(j);
  }
  return success();
}

LogicalResult IfOp::verify() {
  Diag d{getLoc(), getOperationName()};
  return checkOneElement(d, getCond().getType(), "the condition");
}

namespace {
/// kiln.if with a constant condition: the chosen branch, inlined.
struct InlineConstantIf : OpRewritePattern<IfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IfOp op, PatternRewriter &rw) const override {
    auto c = getConstantInts(op.getCond());
    if (!c || c->size() != 1)
      return rw.notifyMatchFailure(op, "condition is not a one-element constant");
    Region &chosen = (*c)[0] ? op.getThenRegion() : op.getElseRegion();
    Block &block = chosen.front();
    auto yield = cast<YieldOp>(block.getTerminator());
    // A yielded value more precise than the result type may replace it only
    // where users accept a refined type (kiln ops do; func.return does not).
    for (auto [res, v] : llvm::zip(op.getResults(), yield.getOperands()))
      if (res.getType() != v.getType())
        for (Operation *user : res.getUsers())
          if (!isa<KilnDialect>(user->getDialect()) || isa<YieldOp>(user))
            return rw.notifyMatchFailure(op, "a user needs the exact result type");
    SmallVector<Value> values(yield.getOperands());
    rw.eraseOp(yield);
    rw.inlineBlockBefore(&block, op);
    rw.replaceOp(op, values);
    return success();
  }
};
} // namespace

void IfOp::getCanonicalizationPatterns(RewritePatternSet &results, MLIRContext *ctx) {
  results.add<InlineConstantIf>(ctx);
}

//===----------------------------------------------------------------------===//
// kiln.loop
//===----------------------------------------------------------------------===//

YieldOp LoopOp::bodyYield() { return yieldOfBlock(&getBody()); }

LogicalResult LoopOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, ValueRange,
                                       DictionaryAttr, OpaqueProperties, RegionRange regions,
                                       SmallVectorImpl<Type> &results) {
  Diag d{loc, LoopOp::getOperationName()};
  if (regions.size() != 1 || regions[0]->empty())
    return d.fail("expects a body");
  Block &body = regions[0]->front();
  if (body.getNumArguments() < 2)
    return d.fail("the body must take (iteration, condition, carried...) arguments");
  YieldOp y = yieldOfBlock(regions[0]);
  if (!y)
    return d.fail("the body must end in kiln.yield");
  unsigned carried = body.getNumArguments() - 2;
  if (y.getNumOperands() < 1 + carried)
    return d.fail("the body yields ", y.getNumOperands(), " value(s); it must yield the condition and ",
                  carried, " carried value(s) before its scan outputs");
  for (unsigned k = 0; k < carried; ++k)
    results.push_back(body.getArgument(2 + k).getType());
  for (unsigned k = 1 + carried; k < y.getNumOperands(); ++k) {
    auto t = dyn_cast<TensorType>(y.getOperand(k).getType());
    if (!t)
      return d.fail("scan output ", k - 1 - carried, " is not a tensor");
    if (auto rt = dyn_cast<RankedTensorType>(t)) {
      SmallVector<int64_t> shape{ShapedType::kDynamic};
      shape.append(rt.getShape().begin(), rt.getShape().end());
      results.push_back(RankedTensorType::get(shape, rt.getElementType()));
    } else {
      results.push_back(t);
    }
  }
  return success();
}

LogicalResult LoopOp::verify() {
  Diag d{getLoc(), getOperationName()};
  if (getMaxTripCount() && failed(checkOneElement(d, getMaxTripCount().getType(), "the trip count")))
    return failure();
  if (getCond() && failed(checkOneElement(d, getCond().getType(), "the condition")))
    return failure();
  Block &body = getBody().front();
  unsigned carried = getInits().size();
  if (body.getNumArguments() != 2 + carried)
    return d.fail("the body takes ", body.getNumArguments(), " argument(s), expected 2 + ", carried,
                  " (iteration, condition, carried values)");
  auto scalarOf = [](Type t, Type elt) {
    auto rt = dyn_cast<RankedTensorType>(t);
    return rt && rt.getRank() == 0 && rt.getElementType() == elt;
  };
  Builder b(getContext());
  if (!scalarOf(body.getArgument(0).getType(), b.getI64Type()))
    return d.fail("body argument 0 (the iteration) must be tensor<i64>, got ",
                  body.getArgument(0).getType());
  if (!scalarOf(body.getArgument(1).getType(), b.getI1Type()))
    return d.fail("body argument 1 (the condition) must be tensor<i1>, got ",
                  body.getArgument(1).getType());
  YieldOp y = bodyYield();
  auto condType = dyn_cast<TensorType>(y.getOperand(0).getType());
  if (!condType || !condType.getElementType().isInteger(1) ||
      failed(checkOneElement(d, condType, "the yielded condition")))
    return d.fail("the body's first yielded value must be the i1 condition, got ",
                  y.getOperand(0).getType());
  for (unsigned k = 0; k < carried; ++k) {
    Type arg = body.getArgument(2 + k).getType();
    if (!areCompatibleResultTypes(TypeRange{getInits()[k].getType()}, TypeRange{arg}))
      return d.fail("carried value ", k, ": initial value of type ", getInits()[k].getType(),
                    " does not match the body argument ", arg);
    if (!areCompatibleResultTypes(TypeRange{y.getOperand(1 + k).getType()}, TypeRange{arg}))
      return d.fail("carried value ", k, ": the body yields ", y.getOperand(1 + k).getType(),
                    " for a body argument of type ", arg);
  }
  return success();
}

} // namespace kiln
