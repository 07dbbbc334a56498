//===- FoldBatchNorm.cpp - fold inference batch norm into convolutions ----===//
//
//   batch_norm(conv(x, W, b), scale, bias, mean, var)
//     -> conv(x, W * s, (b - mean) * s + bias),  s = scale / sqrt(var + eps)
//
// when W, b, scale, bias, mean and var are constants and the convolution
// feeds nothing else. The new weights are written as resource blobs (one
// copy, as the old ones become dead and are erased). Part of freezing:
// after it, the frozen graph has no batch_norm on constant statistics.
//
//===----------------------------------------------------------------------===//
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/ir/Resources.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

std::optional<ConstTensor> constantOf(Value v) {
  Attribute a;
  if (!v || !matchPattern(v, m_Constant(&a)))
    return std::nullopt;
  return readConstant(a, INT64_MAX);
}

/// A resource constant of f32 values (the weights can be large).
Value makeF32Constant(PatternRewriter &rw, Location loc, RankedTensorType type,
                      const std::vector<double> &values, StringRef name) {
  std::vector<float> f(values.begin(), values.end());
  auto attr = makeOwnedResource(
      type, name, ArrayRef<char>(reinterpret_cast<const char *>(f.data()), f.size() * 4));
  return rw.create<ConstantOp>(loc, type, cast<ElementsAttr>(attr));
}

struct FoldConvBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rw) const override {
    auto conv = bn.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rw.notifyMatchFailure(bn, "input is not a single-use convolution");
    auto wType = dyn_cast<RankedTensorType>(conv.getWeight().getType());
    if (!wType || !wType.hasStaticShape() || !wType.getElementType().isF32())
      return rw.notifyMatchFailure(bn, "weights are not static f32");
    auto w = constantOf(conv.getWeight());
    auto scale = constantOf(bn.getScale()), bias = constantOf(bn.getBias()),
         mean = constantOf(bn.getMean()), var = constantOf(bn.getVariance());
    std::optional<ConstTensor> b;
    if (conv.getBias() && !(b = constantOf(conv.getBias())))
      return rw.notifyMatchFailure(bn, "conv bias is not constant");
    if (!w || !scale || !bias || !mean || !var)
      return rw.notifyMatchFailure(bn, "weights or statistics are not constant");
    int64_t m = wType.getDimSize(0);
    for (auto *c : {&*scale, &*bias, &*mean, &*var})
      if (c->size() != m)
        return rw.notifyMatchFailure(bn, "statistics do not match the output channels");
    if (b && b->size() != m)
      return rw.notifyMatchFailure(bn, "bias does not match the output channels");
    double eps = bn.getEpsilon().convertToDouble();
    int64_t per = w->size() / m;
    std::vector<double> newW(w->f);
    std::vector<double> newB(static_cast<size_t>(m), 0.0);
    for (int64_t o = 0; o < m; ++o) {
      double s = scale->asDouble(o) / std::sqrt(var->asDouble(o) + eps);
      for (int64_t k = 0; k < per; ++k)
        newW[size_t(o * per + k)] *= s;
      newB[size_t(o)] = ((b ? b->asDouble(o) : 0.0) - mean->asDouble(o)) * s + bias->asDouble(o);
    }
    rw.setInsertionPoint(conv);
    Location loc = conv.getLoc();
    Value wv = makeF32Constant(rw, loc, wType, newW, "folded_weight");
    Value bv = makeF32Constant(rw, loc, RankedTensorType::get({m}, rw.getF32Type()), newB,
                               "folded_bias");
    auto fused = rw.create<ConvOp>(FusedLoc::get(rw.getContext(), {conv.getLoc(), bn.getLoc()}),
                                   bn.getType(), ValueRange{conv.getInput(), wv, bv},
                                   conv->getAttrs());
    rw.replaceOp(bn, fused.getResult());
    rw.eraseOp(conv);
    return success();
  }
};

struct FoldBatchNormPass : PassWrapper<FoldBatchNormPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(FoldBatchNormPass)
  StringRef getArgument() const override { return "kiln-fold-batchnorm"; }
  StringRef getDescription() const override {
    return "Fold inference batch normalization into the preceding convolution";
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConvBatchNorm>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

std::unique_ptr<Pass> createFoldBatchNormPass() { return std::make_unique<FoldBatchNormPass>(); }

} // namespace kiln
