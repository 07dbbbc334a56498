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

struct PartitionReport {
  struct Entry {
    int32_t node;
    std::string plugin;
    std::string note; // why it is not on the first plugin
  };
  std::vector<Entry> nodes;
  std::string format(const artifact::Graph &graph) const;
};

/// Fills graph.partitions and each node's partition. False with `error`.
bool partitionGraph(artifact::Graph &graph, const std::vector<Plugin *> &plugins,
                    const std::function<const void *(int32_t)> &weightData,
                    const PartitionOptions &options, PartitionReport &report, std::string &error);

/// Recomputes each partition's inputs and outputs from its nodes.
void computePartitionBoundaries(artifact::Graph &graph);

} // namespace kiln

#endif // KILN_RUNTIME_PARTITIONER_H
