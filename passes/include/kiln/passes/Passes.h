//===- Passes.h - kiln's passes and pipelines -------------------*- C++ -*-===//
#ifndef KILN_PASSES_PASSES_H
#define KILN_PASSES_PASSES_H

#include <memory>

namespace mlir {
class DialectRegistry;
class OpPassManager;
class Pass;
} // namespace mlir

namespace kiln {

/// Refines every result type of kiln ops (and the enclosing function's
/// signature) with what type inference can prove, iterating to a fixpoint:
/// static shapes and dynamic dims propagate through the whole graph.
std::unique_ptr<mlir::Pass> createShapeInferencePass();

/// Folds batch_norm with constant statistics into the preceding conv's
/// weights and bias (freezing).
std::unique_ptr<mlir::Pass> createFoldBatchNormPass();

/// Registers the kiln dialect and the dialects kiln IR uses (func).
void registerKilnDialects(mlir::DialectRegistry &registry);

/// Registers kiln's passes and pipelines with the global pass registry
/// (for kiln-opt and --pass-pipeline).
void registerKilnPasses();

/// The optimization pipeline at level 0..3 (`kiln compile -O`):
///  -O0: shape inference only; -O1 and up: canonicalize (folders and
///  identity removal, dropout), CSE, batch-norm folding, shape inference.
void buildOptimizationPipeline(mlir::OpPassManager &pm, int level);

} // namespace kiln

#endif // KILN_PASSES_PASSES_H
