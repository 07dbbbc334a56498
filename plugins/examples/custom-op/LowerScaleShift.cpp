//===- LowerScaleShift.cpp - a pass plugin that rewrites a custom op ------===//
//
// An MLIR pass plugin built against an installed kiln (find_package(kiln)).
// `example-lower-scale-shift` rewrites the custom op com.example::ScaleShift
// (`kiln.custom`, y = x * scale + shift) into kiln.mul and kiln.add with
// scalar constants, which every backend runs and the fusion passes can fold
// into a preceding convolution or matmul. After it, the model needs no
// kernel plugin.
//
// The plugin links kiln's shared IR library, so it matches kiln's ops by
// type (OpRewritePattern<kiln::CustomOp>, isa<kiln::MulOp>) in the same
// process as `kiln compile --load-pass-plugin`.
//
//===----------------------------------------------------------------------===//
#include "kiln/ir/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;

namespace {

float floatAttr(DictionaryAttr attrs, StringRef name, float fallback) {
  if (!attrs)
    return fallback;
  if (auto f = attrs.getAs<FloatAttr>(name))
    return float(f.getValueAsDouble());
  if (auto i = attrs.getAs<IntegerAttr>(name))
    return float(i.getInt());
  return fallback;
}

struct LowerScaleShiftPattern : OpRewritePattern<kiln::CustomOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(kiln::CustomOp op, PatternRewriter &rewriter) const override {
    if (op.getDomain() != "com.example" || op.getOpType() != "ScaleShift" ||
        op.getNumOperands() != 1 || op.getNumResults() != 1)
      return rewriter.notifyMatchFailure(op, "not com.example::ScaleShift");
    Value x = op.getOperand(0);
    auto type = dyn_cast<RankedTensorType>(x.getType());
    if (!type || !type.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "input is not a ranked f32 tensor");
    DictionaryAttr attrs = op.getNodeAttrsAttr();
    auto scalar = RankedTensorType::get({}, rewriter.getF32Type());
    auto constant = [&](float v) -> Value {
      return rewriter.create<kiln::ConstantOp>(
          op.getLoc(), cast<ElementsAttr>(DenseElementsAttr::get(scalar, v)));
    };
    Value scaled = rewriter.create<kiln::MulOp>(op.getLoc(), x, constant(floatAttr(attrs, "scale", 1.f)));
    Value shifted =
        rewriter.create<kiln::AddOp>(op.getLoc(), scaled, constant(floatAttr(attrs, "shift", 0.f)));
    if (shifted.getType() != op.getResult(0).getType())
      return rewriter.notifyMatchFailure(op, "declared result type differs from the input's");
    rewriter.replaceOp(op, shifted);
    return success();
  }
};

struct LowerScaleShiftPass : PassWrapper<LowerScaleShiftPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerScaleShiftPass)

  StringRef getArgument() const final { return "example-lower-scale-shift"; }
  StringRef getDescription() const final {
    return "Rewrite the custom op com.example::ScaleShift into kiln.mul and kiln.add";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<kiln::KilnDialect>();
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LowerScaleShiftPattern>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "kiln-example-scale-shift", LLVM_VERSION_STRING,
          [] { PassRegistration<LowerScaleShiftPass>(); }};
}
