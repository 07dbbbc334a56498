//===- Partitioner.h - assign nodes to backend plugins ----------*- C++ -*-===//
//
// Plugins are asked in priority order which nodes they can run (the ABI's
// query phase); each node goes to the first plugin that claims it, and
// maximal runs of consecutive nodes on one plugin become partitions. With
// fallback forbidden, only the first plugin is asked and an unclaimed node is
// an error that names it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_PARTITIONER_H
#define KILN_RUNTIME_PARTITIONER_H

#include "kiln/runtime/Artifact.h"
#include "kiln/runtime/PluginHost.h"

#include <functional>
#include <string>
#include <vector>

namespace kiln {

struct PartitionOptions {
  bool allowFallback = true;
};

/// The plugin name of partitions the runtime executes itself: control-flow
/// nodes ("if", "loop") run on the host, their bodies' partitions on plugins.
constexpr const char *kHostPlugin = "host";
/// True for the ops the runtime executes itself (control flow).
bool isHostOp(const std::string &op);

struct PartitionReport {
  struct Entry {
    int32_t node;
    std::string plugin;
    std::string note; // why it is not on the first plugin
    /// Nodes of body graphs: where the body is ("loop_1/body0"), and the
    /// node's name and op (entries with an empty scope are top-level nodes).
    std::string scope, name, op;
  };
  std::vector<Entry> nodes;
  std::string format(const artifact::Graph &graph) const;
};

/// Fills graph.partitions and each node's partition, and those of its body
/// graphs (recursively, over the same plugins; control-flow nodes get
/// partitions of their own on kHostPlugin). False with `error`.
bool partitionGraph(artifact::Graph &graph, const std::vector<Plugin *> &plugins,
                    const std::function<const void *(int32_t)> &weightData,
                    const PartitionOptions &options, PartitionReport &report, std::string &error);

/// Recomputes each partition's inputs and outputs from its nodes.
void computePartitionBoundaries(artifact::Graph &graph);

} // namespace kiln

#endif // KILN_RUNTIME_PARTITIONER_H
