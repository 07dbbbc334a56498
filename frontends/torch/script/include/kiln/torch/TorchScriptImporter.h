//===- TorchScriptImporter.h - TorchScript archives to kiln IR --*- C++ -*-===//
//
// Reads a TorchScript archive (the .pt written by torch.jit.save: traced,
// scripted or frozen) without Python or libtorch, and builds a module with
// one `func.func @main` in the kiln dialect by evaluating a method of the
// root module (`forward` by default):
//
//  - tensors are IR values; scalars, strings, lists, tuples, dicts, shapes
//    and modules are compile-time values, so shape arithmetic, `if` on
//    compile-time conditions and loops with compile-time trip counts are
//    resolved while importing;
//  - submodule calls are inlined and parameters, buffers and CONSTANTS
//    become constants (resource blobs over the mapped archive, no copy):
//    the module is frozen as torch.jit.freeze would;
//  - an `if` on a tensor value evaluates both branches and selects the
//    values they assign with kiln.where (kiln has no region control flow
//    yet); a `while` on a tensor value is refused with its location.
//
// Every error names the archive and, for code, the file inside the archive
// and the line ("model.pt: code/__torch__.py:12: unsupported op torch.foo").
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TORCH_TORCHSCRIPTIMPORTER_H
#define KILN_TORCH_TORCHSCRIPTIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kiln::torch {

struct TorchScriptImportOptions {
  /// Name of the function the method becomes.
  std::string functionName = "main";
  /// The root module's method to compile (forward, or any exported method).
  std::string method = "forward";
  /// Shapes of tensor inputs by parameter name (traced archives record none;
  /// scripted ones only say `Tensor`). Inputs without one are refused.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Element types of tensor inputs by parameter name (the archives record
  /// none): f32 (the default), f16, bf16, f64, i8, i16, i32, i64, u8, bool.
  std::map<std::string, std::string> inputTypes;
  /// Upper bound on loop iterations unrolled at compile time.
  int64_t maxLoopIterations = 100000;
  /// Upper bound on nested calls (recursion guard).
  int maxCallDepth = 256;
  /// Upper bound on statements executed in all (nested loops guard).
  int64_t maxSteps = 10000000;
};

/// True when the file at `path` looks like a TorchScript archive: a zip whose
/// records include `<top>/code/` and `<top>/data.pkl` (or a .pt extension
/// when the file cannot be opened).
bool isTorchScriptFile(const std::string &path);

/// Imports the archive at `path`. On failure returns null and sets `error`.
mlir::OwningOpRef<mlir::ModuleOp> importTorchScript(mlir::MLIRContext &context,
                                                    const std::string &path,
                                                    const TorchScriptImportOptions &options,
                                                    std::string &error);

} // namespace kiln::torch

#endif // KILN_TORCH_TORCHSCRIPTIMPORTER_H
