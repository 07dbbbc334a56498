//===- ExampleArtifact.h - the bundled example, compiled for tests -*- C++ -*-===//
//
// Tests that need a real artifact compile examples/mnist_cnn/model.onnx the
// way `kiln compile` does: import, -O2, partition, write.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_EXAMPLEARTIFACT_H
#define KILN_TESTS_EXAMPLEARTIFACT_H

#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace kiln::test {

/// A file of the bundled example (model.onnx, input.npy, ...).
inline std::string example(const std::string &file) {
  return std::string(KILN_SOURCE_DIR) + "/examples/mnist_cnn/" + file;
}

/// Compiles the example into `path`; false with `error`. `report` receives
/// the partitioning report.
inline bool compileExample(const std::string &path, const ExportOptions &options,
                           std::string &report, std::string &error) {
  mlir::DialectRegistry registry;
  registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  auto module = onnx::importModelFile(ctx, example("model.onnx"), error);
  if (!module)
    return false;
  mlir::PassManager pm(&ctx);
  buildOptimizationPipeline(pm, 2);
  if (mlir::failed(pm.run(*module))) {
    error = "the optimization pipeline failed";
    return false;
  }
  return exportArtifact(*module, path, options, report, error);
}

} // namespace kiln::test

#endif // KILN_TESTS_EXAMPLEARTIFACT_H
