//===- Freeze.cpp - freeze a graph for inference (as torch.jit.freeze) ----===//
//
// `kiln-freeze`:
//  * graph inputs that have initializers become constants. The ONNX importer
//    imports such an initializer as a constant marked `kiln.input = "NAME"`;
//    freezing drops the mark (the weight is now immutable) unless NAME is in
//    `keep-overridable`, in which case the constant becomes a graph input
//    again (named NAME, same type) that every run must supply;
//  * inference-only rewrites: dropout and identity are removed;
//  * batch norm with constant statistics folds into the preceding conv,
//    linear, gemm or matmul(+bias add) (FoldBatchNorm.cpp);
//  * scale and bias chains: `mul` / `add` of a per-output-channel constant
//    after such a producer fold into its weights and bias;
//  * the module gets the unit attribute `kiln.frozen`: weights are final.
//
//===----------------------------------------------------------------------===//
#include "PassUtils.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <set>

using namespace mlir;

namespace kiln {
namespace {

template <class OpT> struct RemoveInferenceNoOp : OpRewritePattern<OpT> {
  using OpRewritePattern<OpT>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpT op, PatternRewriter &rw) const override {
    if (op.getInput().getType() != op.getType())
      return rw.notifyMatchFailure(op, "changes the type");
    rw.replaceOp(op, op.getInput());
    return success();
  }
};

/// mul(producer, c) and add(producer, c) with c per output channel.
template <class OpT, bool Scale> struct FoldChannelAffine : OpRewritePattern<OpT> {
  using OpRewritePattern<OpT>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpT op, PatternRewriter &rw) const override {
    for (int side = 0; side < 2; ++side) {
      Value x = op->getOperand(side), c = op->getOperand(1 - side);
      auto ch = producerChannels(x);
      if (!ch)
        continue;
      auto rank = cast<RankedTensorType>(x.getType()).getRank();
      auto values = perChannel(c, rank, ch->second, ch->first);
      if (!values)
        continue;
      if (succeeded(foldAffineIntoProducer(rw, x, op, Scale ? *values : std::vector<double>{},
                                           Scale ? std::vector<double>{} : *values)))
        return success();
    }
    return rw.notifyMatchFailure(op, "not a per-channel constant on a foldable producer");
  }
};

struct FreezePass : PassWrapper<FreezePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(FreezePass)
  FreezePass() = default;
  FreezePass(const FreezePass &other) : PassWrapper(other) {}
  StringRef getArgument() const override { return "kiln-freeze"; }
  StringRef getDescription() const override {
    return "Freeze for inference: initializer inputs to constants, dropout removed, batch norm "
           "and scale/bias chains folded into weights";
  }

  ListOption<std::string> keep{*this, "keep-overridable",
                               llvm::cl::desc("initializer inputs that stay graph inputs")};

  LogicalResult keepOverridable(func::FuncOp func, std::set<std::string> &found) {
    std::set<std::string> wanted(keep.begin(), keep.end());
    SmallVector<ConstantOp> toArgs;
    func.walk([&](ConstantOp c) {
      auto name = c->getAttrOfType<StringAttr>("kiln.input");
      if (!name)
        return;
      if (wanted.count(name.str())) {
        toArgs.push_back(c);
        found.insert(name.str());
      } else {
        c->removeAttr("kiln.input");
      }
    });
    for (ConstantOp c : toArgs) {
      auto type = c.getType();
      unsigned idx = func.getNumArguments();
      auto nameAttr = NamedAttribute(StringAttr::get(&getContext(), "kiln.name"),
                                     c->getAttr("kiln.input"));
      func.insertArgument(idx, type, DictionaryAttr::get(&getContext(), {nameAttr}), c.getLoc());
      c.getResult().replaceAllUsesWith(func.getArgument(idx));
      c->erase();
    }
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::set<std::string> found;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (failed(keepOverridable(func, found)))
        return signalPassFailure();
      RewritePatternSet patterns(&getContext());
      patterns.add<RemoveInferenceNoOp<DropoutOp>, RemoveInferenceNoOp<IdentityOp>,
                   FoldChannelAffine<MulOp, true>, FoldChannelAffine<AddOp, false>>(&getContext());
      populateFoldBatchNormPatterns(patterns);
      GreedyRewriteConfig config;
      config.enableRegionSimplification = GreedySimplifyRegionLevel::Disabled;
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns), config)))
        return signalPassFailure();
    }
    for (const std::string &k : keep)
      if (!found.count(k)) {
        module.emitError() << "--keep-overridable names '" << k
                           << "', which is not an input with an initializer";
        return signalPassFailure();
      }
    module->setAttr("kiln.frozen", UnitAttr::get(&getContext()));
  }
};

} // namespace

std::unique_ptr<Pass> createFreezePass(const std::vector<std::string> &keepOverridable) {
  auto p = std::make_unique<FreezePass>();
  p->keep = keepOverridable;
  return p;
}

} // namespace kiln
