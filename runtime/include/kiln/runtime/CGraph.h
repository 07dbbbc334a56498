//===- CGraph.h - an artifact graph as plugin ABI structs -------*- C++ -*-===//
//
// Builds the kiln_graph that plugins see (kiln_plugin.h) from an
// artifact::Graph. The CGraph owns every array the C structs point to, so it
// must outlive the plugin calls (and executables) that use it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_CGRAPH_H
#define KILN_RUNTIME_CGRAPH_H

#include "kiln/kiln_plugin.h"
#include "kiln/runtime/Artifact.h"

#include <functional>
#include <memory>

namespace kiln {

class CGraph {
public:
  /// `weightData(value)` gives the bytes of a weight value (or null).
  CGraph(const artifact::Graph &graph, const std::function<const void *(int32_t)> &weightData);
  const kiln_graph *get() const { return &graph_; }

  /// A kiln_partition over `p`'s arrays (which must stay alive).
  static kiln_partition partitionOf(const artifact::Partition &p);

private:
  kiln_graph graph_{};
  std::vector<kiln_value> values_;
  std::vector<kiln_node> nodes_;
  std::vector<std::vector<kiln_attr>> attrs_;
  std::vector<std::vector<int64_t>> shapes_;
  std::vector<std::vector<double>> doubles_;
};

} // namespace kiln

#endif // KILN_RUNTIME_CGRAPH_H
