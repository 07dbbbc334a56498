//===- ExportArtifact.h - kiln IR to a .kiln artifact -----------*- C++ -*-===//
//
// Lowers an optimized module (func @main of kiln ops) to the artifact graph,
// partitions it across backend plugins, and writes the .kiln file.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_EXPORTARTIFACT_H
#define KILN_PASSES_EXPORTARTIFACT_H

#include <string>
#include <utility>
#include <vector>

namespace mlir {
class ModuleOp;
}

namespace kiln {

struct ExportOptions {
  /// Plugins to partition for, in priority order; empty: every plugin found,
  /// highest priority first.
  std::vector<std::string> targets;
  std::vector<std::string> pluginPaths;
  bool allowFallback = true;
  /// Ahead of time: plugins that can serialize a compiled partition (ABI
  /// serialize) do so and the artifact stores the blob (`kiln compile
  /// --no-prepack` turns it off).
  bool prepack = true;
  /// Weights in shard files of at most this many bytes next to the artifact
  /// (`kiln compile --shard-size`; 0: in the artifact itself).
  uint64_t shardSize = 0;
  std::string modelVersion;
  std::vector<std::string> labels;
  std::vector<std::pair<std::string, std::string>> properties;
};

/// Writes `module` to `path`. `report` receives the partitioning report.
bool exportArtifact(mlir::ModuleOp module, const std::string &path, const ExportOptions &options,
                    std::string &report, std::string &error);

} // namespace kiln

#endif // KILN_PASSES_EXPORTARTIFACT_H
