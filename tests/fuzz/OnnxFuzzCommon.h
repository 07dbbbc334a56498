//===- OnnxFuzzCommon.h - shared by the ONNX import fuzzers ----*- C++ -*-===//
#ifndef KILN_TESTS_FUZZ_ONNXFUZZCOMMON_H
#define KILN_TESTS_FUZZ_ONNXFUZZCOMMON_H

#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdlib>
#include <string>

namespace kiln::fuzz {

/// Imports `data` as an .onnx file (the importer verifies the module) in a
/// fresh context, so that nothing (resource blobs, uniqued attributes)
/// accumulates across inputs. External data resolves against a directory
/// that does not exist, so a fuzzed location can never reach a real file.
inline void importOnnx(const uint8_t *data, size_t size) {
  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  ctx.loadDialect<kiln::KilnDialect, mlir::func::FuncDialect>();
  std::string error;
  const std::string name = "/nonexistent-kiln-fuzz-dir/fuzz.onnx";
  auto module = kiln::onnx::importModelBuffer(ctx, data, size, name, error);
  if (module) {
    // The importer promises a verified module.
    if (mlir::failed(mlir::verify(*module)))
      std::abort();
  } else if (error.find(name) == std::string::npos) {
    std::abort(); // every message names the file
  }
}

} // namespace kiln::fuzz

#endif
