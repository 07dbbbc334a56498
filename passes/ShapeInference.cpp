//===- ShapeInference.cpp - propagate static shapes through a graph -------===//
//
// Visits the ops of each function in order and refines their result types
// with the types their InferTypeOpInterface proves: a `?` becomes a size, an
// unranked tensor becomes ranked. Declared information is never discarded (the
// refined type is the meet of the declared and the inferred type), and the
// function's result types follow its return operands.
//
//===----------------------------------------------------------------------===//
#include "kiln/ir/KilnDialect.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace kiln {
namespace {

/// The more precise of two compatible tensor types; null when they conflict.
Type meet(Type declared, Type inferred) {
  if (declared == inferred)
    return declared;
  auto d = dyn_cast<TensorType>(declared), i = dyn_cast<TensorType>(inferred);
  if (!d || !i || d.getElementType() != i.getElementType())
    return {};
  if (!d.hasRank())
    return i;
  if (!i.hasRank())
    return d;
  if (d.getRank() != i.getRank())
    return {};
  SmallVector<int64_t> shape;
  for (auto [a, b] : llvm::zip(d.getShape(), i.getShape())) {
    if (ShapedType::isDynamic(a))
      shape.push_back(b);
    else if (ShapedType::isDynamic(b) || a == b)
      shape.push_back(a);
    else
      return {};
  }
  return RankedTensorType::get(shape, d.getElementType());
}

struct ShapeInferencePass : PassWrapper<ShapeInferencePass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ShapeInferencePass)

  StringRef getArgument() const override { return "kiln-shape-inference"; }
  StringRef getDescription() const override {
    return "Refine kiln result types with inferred static shapes";
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    bool changed = true;
    // One pass in program order settles a DAG; repeat for region-carrying ops.
    for (int round = 0; changed && round < 8; ++round) {
      changed = false;
      WalkResult result = func.walk([&](InferTypeOpInterface op) -> WalkResult {
        if (!isa<KilnDialect>(op->getDialect()))
          return WalkResult::advance();
        SmallVector<Type> inferred;
        if (failed(op.inferReturnTypes(op->getContext(), op->getLoc(), op->getOperands(),
                                       op->getAttrDictionary(), op->getPropertiesStorage(),
                                       op->getRegions(), inferred)))
          return WalkResult::interrupt(); // the error names the op
        for (auto [res, type] : llvm::zip(op->getResults(), inferred)) {
          Type refined = meet(res.getType(), type);
          if (!refined) {
            op->emitOpError("result type ") << res.getType() << " contradicts the inferred type "
                                            << type;
            return WalkResult::interrupt();
          }
          if (refined != res.getType()) {
            res.setType(refined);
            changed = true;
          }
        }
        return WalkResult::advance();
      });
      if (result.wasInterrupted())
        return signalPassFailure();
    }
    // The signature follows what the graph returns.
    if (func.isExternal())
      return;
    auto ret = dyn_cast<func::ReturnOp>(func.getBody().back().getTerminator());
    if (!ret)
      return;
    SmallVector<Type> results(ret.getOperandTypes());
    if (results != SmallVector<Type>(func.getResultTypes()))
      func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(), results));
  }
};

} // namespace

std::unique_ptr<Pass> createShapeInferencePass() { return std::make_unique<ShapeInferencePass>(); }

} // namespace kiln
