//===- Inspect.h - `kiln inspect` for PyTorch files -------------*- C++ -*-===//
//
// kiln: lists what a torch.save file (.pt/.pth/.bin/.ckpt, zip or legacy),
// a TorchScript archive, a bare pickle (.pkl), a .safetensors file or a
// sharded set's index (.safetensors.index.json / .index.json) holds: keys,
// dtypes, shapes, sizes, without reading tensor data. Refused files give a
// non-zero exit code and the reason on the error stream.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TORCH_INSPECT_H
#define KILN_TORCH_INSPECT_H

#include <iosfwd>
#include <string>
#include <vector>

namespace kiln::torch {

struct InspectOptions {
  /// Extra pickle globals the user trusts (--allow-global module.name).
  std::vector<std::string> extraGlobals;
  /// Print non-tensor values (epoch, hyper-parameters, ...) too.
  bool showScalars = true;
  /// Check the CRC-32 of every zip storage record (reads all data).
  bool verifyCrc = false;
};

/// True when `path` has an extension inspectTorchFile handles.
bool isTorchInspectPath(const std::string &path);

/// Writes the listing to `out`; on refusal writes "kiln inspect: <reason>"
/// to `err` and returns 1. Returns 0 on success.
int inspectTorchFile(const std::string &path, std::ostream &out,
                     std::ostream &err, const InspectOptions &opt = {});

} // namespace kiln::torch

#endif // KILN_TORCH_INSPECT_H
