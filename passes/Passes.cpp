//===- Passes.cpp - registration of kiln's passes and pipelines -----------===//
#include "kiln/passes/Passes.h"
#include "kiln/ir/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace kiln {

void registerKilnDialects(DialectRegistry &registry) {
  registry.insert<KilnDialect, func::FuncDialect>();
}

void buildOptimizationPipeline(OpPassManager &pm, int level) {
  buildOptimizationPipeline(pm, level, PipelineOptions());
}

void buildOptimizationPipeline(OpPassManager &pm, int level, const PipelineOptions &options) {
  auto enabled = [&](std::unique_ptr<Pass> p) -> std::unique_ptr<Pass> {
    if (options.disabled.count(p->getArgument().str()) || options.disabled.count(p->getName().str()))
      return nullptr;
    return p;
  };
  auto addFn = [&](std::unique_ptr<Pass> p) {
    if ((p = enabled(std::move(p))))
      pm.nest<func::FuncOp>().addPass(std::move(p));
  };
  addFn(createShapeInferencePass());
  if (level <= 0)
    return;
  if (auto p = enabled(createFreezePass(options.keepOverridable)))
    pm.addPass(std::move(p));
  addFn(createCanonicalizerPass());
  addFn(createCSEPass());
  addFn(createSimplifyPass());
  addFn(createShapeInferencePass());
  if (level >= 2) {
    addFn(createConstantFoldPass());
    addFn(createShapeInferencePass());
    addFn(createSimplifyPass());
    addFn(createFusionPass(level));
  }
  addFn(createCanonicalizerPass());
}

void registerKilnPasses() {
  static bool done = false;
  if (done)
    return;
  done = true;
  registerPass([] { return createShapeInferencePass(); });
  registerPass([] { return createFoldBatchNormPass(); });
  registerPass([] { return createFreezePass(); });
  registerPass([] { return createConstantFoldPass(); });
  registerPass([] { return createSimplifyPass(); });
  registerPass([] { return createFusionPass(); });
  for (int level = 0; level <= 3; ++level) {
    static const char *names[] = {"kiln-O0", "kiln-O1", "kiln-O2", "kiln-O3"};
    PassPipelineRegistration<>(names[level], "kiln's optimization pipeline at this level",
                               [level](OpPassManager &pm) { buildOptimizationPipeline(pm, level); });
  }
}

} // namespace kiln
