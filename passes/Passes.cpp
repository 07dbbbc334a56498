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
  OpPassManager &fn = pm.nest<func::FuncOp>();
  fn.addPass(createShapeInferencePass());
  if (level <= 0)
    return;
  fn.addPass(createCanonicalizerPass());
  fn.addPass(createCSEPass());
  fn.addPass(createFoldBatchNormPass());
  fn.addPass(createShapeInferencePass());
  fn.addPass(createCanonicalizerPass());
}

void registerKilnPasses() {
  static bool done = false;
  if (done)
    return;
  done = true;
  registerPass([] { return createShapeInferencePass(); });
  registerPass([] { return createFoldBatchNormPass(); });
  for (int level = 0; level <= 3; ++level) {
    static const char *names[] = {"kiln-O0", "kiln-O1", "kiln-O2", "kiln-O3"};
    PassPipelineRegistration<>(names[level], "kiln's optimization pipeline at this level",
                               [level](OpPassManager &pm) { buildOptimizationPipeline(pm, level); });
  }
}

} // namespace kiln
