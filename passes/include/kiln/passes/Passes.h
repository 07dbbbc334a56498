//===- Passes.h - kiln's passes and pipelines -------------------*- C++ -*-===//
#ifndef KILN_PASSES_PASSES_H
#define KILN_PASSES_PASSES_H

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
class RewritePatternSet;
class OpPassManager;
class Pass;
} // namespace mlir

namespace kiln {

/// Refines every result type of kiln ops (and the enclosing function's
/// signature) with what type inference can prove, iterating to a fixpoint:
/// static shapes and dynamic dims propagate through the whole graph.
std::unique_ptr<mlir::Pass> createShapeInferencePass();

/// Folds batch_norm with constant statistics into the preceding conv's,
/// linear's, gemm's or matmul(+bias add)'s weights and bias (freezing).
std::unique_ptr<mlir::Pass> createFoldBatchNormPass();
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);

/// `kiln-freeze` (module pass): initializer inputs become constants except
/// those named in `keepOverridable` (which become graph inputs), dropout and
/// identity go, batch norm and per-channel mul/add chains fold into the
/// weights of the preceding linear op; the module is marked `kiln.frozen`.
std::unique_ptr<mlir::Pass>
createFreezePass(const std::vector<std::string> &keepOverridable = {});

/// `kiln-constant-fold`: evaluates ops on constants with the reference
/// kernels (size rule in ConstantFold.cpp), shares identical constants and
/// erases dead ops.
std::unique_ptr<mlir::Pass> createConstantFoldPass();

/// `kiln-simplify`: folders plus transpose/reshape chain composition and
/// shape-subgraph folding, greedily; dead ops erased.
std::unique_ptr<mlir::Pass> createSimplifyPass();
void populateSimplifyPatterns(mlir::RewritePatternSet &patterns);

/// `kiln-fuse{level=N}`: op chains into fused ops (Fusion.cpp); level 2
/// activations, biases and GELU, level 3 also residuals, norms, attention.
std::unique_ptr<mlir::Pass> createFusionPass(int level = 3);

/// Registers the kiln dialect and the dialects kiln IR uses (func).
void registerKilnDialects(mlir::DialectRegistry &registry);

/// Registers kiln's passes and pipelines with the global pass registry
/// (for kiln-opt and --pass-pipeline).
void registerKilnPasses();

/// Options of the standard pipelines (`kiln compile`).
struct PipelineOptions {
  /// Initializer inputs that freezing keeps as graph inputs.
  std::vector<std::string> keepOverridable;
  /// Passes left out, by argument (e.g. "kiln-freeze", "cse", "canonicalize").
  std::set<std::string> disabled;
};

/// The optimization pipeline at level 0..3 (`kiln compile -O`):
///  -O0: shape inference only (the graph as imported);
///  -O1: + freezing (kiln-freeze), canonicalize (folders: identities,
///       small constants), CSE, kiln-simplify (transpose/reshape chains,
///       shape subgraphs, dead code);
///  -O2: + constant folding with the reference kernels and constant sharing
///       (kiln-constant-fold), fusion of activations and biases into conv
///       and matrix products and GELU recognition (kiln-fuse level 2);
///  -O3: + structural fusion (kiln-fuse level 3): residual adds into conv,
///       LayerNorm / RMSNorm chains, multi-head attention.
void buildOptimizationPipeline(mlir::OpPassManager &pm, int level);
void buildOptimizationPipeline(mlir::OpPassManager &pm, int level,
                               const PipelineOptions &options);

} // namespace kiln

#endif // KILN_PASSES_PASSES_H
