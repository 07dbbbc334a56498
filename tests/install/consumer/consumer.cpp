// Out-of-tree consumer of an installed kiln (see CMakeLists.txt beside it).
#include "kiln/ir/KilnDialect.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <cstdio>

using namespace mlir;

int main() {
  DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OpBuilder b(&ctx);
  Location loc = b.getUnknownLoc();
  auto module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());
  auto in = RankedTensorType::get({2, 3}, b.getF32Type());
  auto out = UnrankedTensorType::get(b.getF32Type());
  auto func = b.create<func::FuncOp>(loc, "main", b.getFunctionType({in}, {out}));
  b.setInsertionPointToStart(func.addEntryBlock());
  Value relu = b.create<kiln::ReluOp>(loc, func.getArgument(0));
  Value t = b.create<kiln::TransposeOp>(loc, relu, b.getDenseI64ArrayAttr({1, 0}));
  Value cast = b.create<kiln::IdentityOp>(loc, out, t);
  b.create<func::ReturnOp>(loc, cast);
  if (failed(verify(module))) {
    std::fprintf(stderr, "consumer: module does not verify\n");
    return 1;
  }
  PassManager pm(&ctx);
  kiln::buildOptimizationPipeline(pm, 2);
  if (failed(pm.run(module))) {
    std::fprintf(stderr, "consumer: pipeline failed\n");
    return 1;
  }
  auto f = *module.getOps<func::FuncOp>().begin();
  auto result = dyn_cast<RankedTensorType>(f.getResultTypes()[0]);
  if (!result || result.getShape() != ArrayRef<int64_t>{3, 2}) {
    std::fprintf(stderr, "consumer: expected a 3x2 result\n");
    module.dump();
    return 1;
  }
  std::printf("consumer: OK, kiln IR built, verified and optimized out of tree\n");
  module.erase();
  return 0;
}
