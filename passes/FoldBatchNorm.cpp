//===- FoldBatchNorm.cpp - fold inference batch norm into linear producers ===//
//
//   batch_norm(conv(x, W, b), scale, bias, mean, var)
//     -> conv(x, W * s, (b - mean) * s + bias),  s = scale / sqrt(var + eps)
//
// and likewise for linear, gemm and matmul (+ a constant bias add) whose
// weights are constant, with the batch norm's channels on the product's
// output channels (dim 1 of a 2-D result). Only when the producer feeds
// nothing else: a batch norm whose input has two users stays. The new
// weights are written as resource blobs (one copy, as the old ones become
// dead and are erased). Part of freezing: after it, the frozen graph has no
// batch_norm on constant statistics behind a linear op.
//
//===----------------------------------------------------------------------===//
#include "PassUtils.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

struct FoldBatchNormIntoProducer : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rw) const override {
    auto ch = producerChannels(bn.getInput());
    if (!ch)
      return rw.notifyMatchFailure(bn, "input is not a single-use conv/linear/gemm/matmul "
                                       "with constant weights");
    auto [m, axis] = *ch;
    auto type = cast<RankedTensorType>(bn.getInput().getType());
    if (axis != 1 || type.getDimSize(1) != m)
      return rw.notifyMatchFailure(bn, "channels are not the producer's output channels");
    auto scale = constantValues(bn.getScale()), bias = constantValues(bn.getBias()),
         mean = constantValues(bn.getMean()), var = constantValues(bn.getVariance());
    if (!scale || !bias || !mean || !var)
      return rw.notifyMatchFailure(bn, "statistics are not constant");
    for (auto *c : {&*scale, &*bias, &*mean, &*var})
      if (c->size() != m)
        return rw.notifyMatchFailure(bn, "statistics do not match the output channels");
    double eps = bn.getEpsilon().convertToDouble();
    std::vector<double> s((size_t)m), t((size_t)m);
    for (int64_t o = 0; o < m; ++o) {
      s[o] = scale->asDouble(o) / std::sqrt(var->asDouble(o) + eps);
      t[o] = bias->asDouble(o) - mean->asDouble(o) * s[o];
    }
    return foldAffineIntoProducer(rw, bn.getInput(), bn, s, t);
  }
};

struct FoldBatchNormPass : PassWrapper<FoldBatchNormPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(FoldBatchNormPass)
  StringRef getArgument() const override { return "kiln-fold-batchnorm"; }
  StringRef getDescription() const override {
    return "Fold inference batch normalization into the preceding conv/linear/gemm/matmul";
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormIntoProducer>(patterns.getContext());
}

std::unique_ptr<Pass> createFoldBatchNormPass() { return std::make_unique<FoldBatchNormPass>(); }

} // namespace kiln
