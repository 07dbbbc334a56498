//===- OnnxImporter.h - ONNX models to kiln IR ------------------*- C++ -*-===//
//
// Reads an .onnx file (memory-mapped, never copied) and builds a module with
// one `func.func @main` in the kiln dialect. Weights become resource blobs
// that point into the mapped file. Every failure is reported as one message
// that names the file, and, for a node, its op type, domain, opset and name.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_ONNX_ONNXIMPORTER_H
#define KILN_ONNX_ONNXIMPORTER_H

#include "kiln/onnx/OnnxProto.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include <cstddef>
#include <string>

namespace kiln::onnx {

struct ImportOptions {
  /// Name of the function the graph becomes.
  std::string functionName = "main";
  /// Bounds on what the protobuf reader decodes (nesting depth, element
  /// counts, decoded bytes): see ParseLimits and docs/security.md.
  ParseLimits limits;
};

/// Imports the model at `path`. On failure returns null and sets `error`.
mlir::OwningOpRef<mlir::ModuleOp> importModelFile(mlir::MLIRContext &context,
                                                  const std::string &path, std::string &error,
                                                  const ImportOptions &options = {});

/// Imports a model held in memory (the bytes are copied once). `name` stands
/// for the file in messages and locations; external data is resolved
/// relative to its directory. Used by the fuzzers.
mlir::OwningOpRef<mlir::ModuleOp> importModelBuffer(mlir::MLIRContext &context, const void *data,
                                                    size_t size, const std::string &name,
                                                    std::string &error,
                                                    const ImportOptions &options = {});

/// The opsets of the default ONNX domain this importer implements. Opsets
/// 26-28 changed the semantics of no op kiln imported before them: they add
/// ops (BitCast, CumProd; LinearAttention, CausalConvWithState; SwiGLU) and
/// element types (Range-27 float16/bfloat16, Celu-28), which the op table
/// imports or refuses like any other op or type.
constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 28;

} // namespace kiln::onnx

#endif // KILN_ONNX_ONNXIMPORTER_H
