//===- CGraph.cpp - an artifact graph as plugin ABI structs ---------------===//
#include "kiln/runtime/CGraph.h"

namespace kiln {

CGraph::CGraph(const artifact::Graph &g, const std::function<const void *(int32_t)> &weightData) {
  values_.resize(g.values.size());
  for (size_t i = 0; i < g.values.size(); ++i) {
    const artifact::Value &v = g.values[i];
    kiln_value &c = values_[i];
    c.struct_size = sizeof(kiln_value);
    c.name = v.name.c_str();
    c.type = {sizeof(kiln_tensor_desc), v.dtype, int32_t(v.shape.size()), v.shape.data()};
    if (v.isWeight) {
      c.constant_data = weightData(int32_t(i));
      c.constant_size = v.weightSize;
    }
  }
  attrs_.resize(g.nodes.size());
  nodes_.resize(g.nodes.size());
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const artifact::Node &n = g.nodes[k];
    auto &attrs = attrs_[k];
    attrs.resize(n.attrs.size());
    for (size_t j = 0; j < n.attrs.size(); ++j) {
      const artifact::Attr &a = n.attrs[j];
      kiln_attr &c = attrs[j];
      c.struct_size = sizeof(kiln_attr);
      c.name = a.name.c_str();
      c.kind = a.kind;
      c.i = a.i;
      c.f = a.f;
      c.s = a.s.c_str();
      c.ints = a.ints.data();
      c.floats = a.floats.data();
      c.count = a.kind == artifact::Attr::Floats ? int64_t(a.floats.size()) : int64_t(a.ints.size());
      if (a.kind == artifact::Attr::Tensor) {
        c.tensor = {sizeof(kiln_tensor_desc), int32_t(a.i), int32_t(a.ints.size()), a.ints.data()};
        c.tensor_data = a.s.data();
      }
    }
    kiln_node &c = nodes_[k];
    c.struct_size = sizeof(kiln_node);
    c.op = n.op.c_str();
    c.name = n.name.c_str();
    c.inputs = n.inputs.data();
    c.num_inputs = int32_t(n.inputs.size());
    c.outputs = n.outputs.data();
    c.num_outputs = int32_t(n.outputs.size());
    c.attrs = attrs.data();
    c.num_attrs = int32_t(attrs.size());
  }
  graph_.struct_size = sizeof(kiln_graph);
  graph_.values = values_.data();
  graph_.num_values = int32_t(values_.size());
  graph_.nodes = nodes_.data();
  graph_.num_nodes = int32_t(nodes_.size());
}

kiln_partition CGraph::partitionOf(const artifact::Partition &p) {
  kiln_partition c{};
  c.struct_size = sizeof(kiln_partition);
  c.nodes = p.nodes.data();
  c.num_nodes = int32_t(p.nodes.size());
  c.inputs = p.inputs.data();
  c.num_inputs = int32_t(p.inputs.size());
  c.outputs = p.outputs.data();
  c.num_outputs = int32_t(p.outputs.size());
  return c;
}

} // namespace kiln
