//===- Simplify.cpp - canonical forms of layout chains and shape subgraphs ===//
//
// `kiln-simplify` runs the ops' folders (identity, no-op reshape/transpose/
// cast/slice/pad, x + 0, x * 1, constants) together with these patterns,
// greedily, and erases dead ops:
//  * transpose(transpose(x, p1), p2) -> transpose(x, p1 o p2), or x when the
//    composition is the identity;
//  * reshape/flatten/squeeze/unsqueeze followed by a reshape to a constant
//    shape without 0 entries -> one reshape of the original input;
//  * gather(shape(x), constant indices) when the gathered dims of x are
//    static -> a constant (shape subgraphs of models with a dynamic batch:
//    Shape -> Gather -> Concat -> Reshape collapse once the rest folds);
//
//===----------------------------------------------------------------------===//
#include "PassUtils.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {
namespace {

SmallVector<int64_t> permOf(TransposeOp t) {
  if (auto p = t.getPerm())
    return SmallVector<int64_t>(p->begin(), p->end());
  SmallVector<int64_t> r;
  auto type = cast<RankedTensorType>(t.getInput().getType());
  for (int64_t i = type.getRank() - 1; i >= 0; --i)
    r.push_back(i);
  return r;
}

struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp outer, PatternRewriter &rw) const override {
    auto inner = outer.getInput().getDefiningOp<TransposeOp>();
    if (!inner || !isa<RankedTensorType>(inner.getInput().getType()))
      return rw.notifyMatchFailure(outer, "input is not a ranked transpose");
    SmallVector<int64_t> p1 = permOf(inner), p2 = permOf(outer), p(p2.size());
    for (size_t i = 0; i < p2.size(); ++i)
      p[i] = p1[(size_t)p2[i]];
    bool identity = true;
    for (size_t i = 0; i < p.size(); ++i)
      identity &= p[i] == (int64_t)i;
    if (identity && inner.getInput().getType() == outer.getType()) {
      rw.replaceOp(outer, inner.getInput());
      return success();
    }
    rw.replaceOpWithNewOp<TransposeOp>(outer, outer.getType(), inner.getInput(),
                                       rw.getDenseI64ArrayAttr(p));
    return success();
  }
};

struct ComposeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp outer, PatternRewriter &rw) const override {
    Operation *inner = outer.getInput().getDefiningOp();
    if (!inner || !isa<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp>(inner))
      return rw.notifyMatchFailure(outer, "input is not a reshape-like op");
    auto shape = getConstantInts(outer.getShape());
    if (!shape || (!outer.getAllowzero() && llvm::is_contained(*shape, 0)))
      return rw.notifyMatchFailure(outer, "shape is not constant or copies dims (0)");
    rw.replaceOpWithNewOp<ReshapeOp>(outer, outer.getType(), inner->getOperand(0),
                                     outer.getShape(), outer.getAllowzeroAttr());
    return success();
  }
};

struct GatherOfShape : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp g, PatternRewriter &rw) const override {
    auto shape = g.getData().getDefiningOp<ShapeOp>();
    auto idx = getConstantInts(g.getIndices());
    auto in = shape ? dyn_cast<RankedTensorType>(shape.getInput().getType()) : RankedTensorType();
    auto rt = dyn_cast<RankedTensorType>(g.getType());
    if (!shape || !idx || !in || !rt || !rt.hasStaticShape())
      return rw.notifyMatchFailure(g, "not a gather of constant indices from a shape");
    int64_t rank = in.getRank();
    int64_t start = (int64_t)shape.getStart();
    start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
    int64_t end = shape.getEnd() ? (int64_t)*shape.getEnd() : rank;
    end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
    int64_t n = end - start;
    ConstTensor c;
    c.elementType = rt.getElementType();
    c.shape.assign(rt.getShape().begin(), rt.getShape().end());
    for (int64_t i : *idx) {
      if (i < 0)
        i += n;
      if (i < 0 || i >= n || ShapedType::isDynamic(in.getDimSize(start + i)))
        return rw.notifyMatchFailure(g, "a gathered dim is dynamic");
      c.i.push_back(in.getDimSize(start + i));
    }
    if (c.size() != rt.getNumElements())
      return failure();
    rw.replaceOpWithNewOp<ConstantOp>(g, rt, cast<ElementsAttr>(makeConstant(rt, c)));
    return success();
  }
};

struct SimplifyPass : PassWrapper<SimplifyPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(SimplifyPass)
  StringRef getArgument() const override { return "kiln-simplify"; }
  StringRef getDescription() const override {
    return "Compose transpose and reshape chains, fold shape subgraphs, remove identities and "
           "dead ops";
  }
  // Shapes and folds unlock each other (a folded shape subgraph makes a
  // reshape static, whose static result lets the next Shape fold): alternate
  // shape inference and the patterns until nothing changes.
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSimplifyPatterns(patterns);
    FrozenRewritePatternSet frozen(std::move(patterns));
    OpPassManager infer(func::FuncOp::getOperationName());
    infer.addPass(createShapeInferencePass());
    for (int round = 0; round < 32; ++round) {
      if (failed(runPipeline(infer, getOperation())))
        return signalPassFailure();
      bool changed = false;
      if (failed(applyPatternsAndFoldGreedily(getOperation(), frozen, GreedyRewriteConfig(), &changed)))
        return signalPassFailure();
      if (!changed)
        break;
    }
  }
};

} // namespace

void populateSimplifyPatterns(RewritePatternSet &patterns) {
  patterns.add<ComposeTransposes, ComposeReshapes, GatherOfShape>(patterns.getContext());
}

std::unique_ptr<Pass> createSimplifyPass() { return std::make_unique<SimplifyPass>(); }

} // namespace kiln
