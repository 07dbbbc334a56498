//===- Partitioner.cpp - assign nodes to backend plugins ------------------===//
#include "kiln/runtime/Partitioner.h"
#include "kiln/runtime/CGraph.h"

#include <set>

namespace kiln {

bool isHostOp(const std::string &op) { return op == "if" || op == "loop"; }

void computePartitionBoundaries(artifact::Graph &g) {
  std::vector<int32_t> producer(g.values.size(), -1); // partition defining each value
  for (size_t p = 0; p < g.partitions.size(); ++p)
    for (int32_t n : g.partitions[p].nodes)
      for (int32_t v : g.nodes[n].outputs)
        producer[v] = int32_t(p);
  std::vector<std::set<int32_t>> inputs(g.partitions.size()), outputs(g.partitions.size());
  for (size_t p = 0; p < g.partitions.size(); ++p)
    for (int32_t n : g.partitions[p].nodes)
      for (int32_t v : g.nodes[n].inputs) {
        if (v < 0 || g.values[v].isWeight || producer[v] == int32_t(p))
          continue;
        inputs[p].insert(v);
        if (producer[v] >= 0)
          outputs[producer[v]].insert(v);
      }
  for (int32_t v : g.outputs)
    if (producer[v] >= 0)
      outputs[producer[v]].insert(v);
  for (size_t p = 0; p < g.partitions.size(); ++p) {
    g.partitions[p].inputs.assign(inputs[p].begin(), inputs[p].end());
    g.partitions[p].outputs.assign(outputs[p].begin(), outputs[p].end());
  }
}

/// The node's op for messages: a custom op by its domain and type
/// ("custom com.example::ScaleShift"), which is what a kernel plugin claims.
static std::string describeOp(const artifact::Node &node) {
  if (node.op != "custom")
    return node.op;
  std::string domain, type;
  for (const artifact::Attr &a : node.attrs) {
    if (a.kind != artifact::Attr::String)
      continue;
    if (a.name == "domain")
      domain = a.s;
    else if (a.name == "op_type")
      type = a.s;
  }
  return "custom op " + domain + "::" + type;
}

static bool partitionOne(artifact::Graph &g, const std::vector<Plugin *> &plugins,
                         const std::function<const void *(int32_t)> &weightData,
                         const PartitionOptions &options, PartitionReport &report,
                         const std::string &scope, std::string &error) {
  CGraph cg(g, weightData);
  size_t n = g.nodes.size();
  std::vector<int32_t> owner(n, -1); // plugin index; -2: the host
  std::vector<std::string> notes(n);
  for (size_t i = 0; i < n; ++i)
    if (isHostOp(g.nodes[i].op))
      owner[i] = -2;
  size_t asked = options.allowFallback ? plugins.size() : 1;
  for (size_t k = 0; k < asked; ++k) {
    Plugin *p = plugins[k];
    std::vector<int32_t> supported(n, 0);
    std::vector<float> cost(n, 0.f);
    if (n && p->api().query(p->instance(), cg.get(), supported.data(), cost.data()) != KILN_OK) {
      error = "plugin '" + p->name() + "' failed to query the graph: " + p->lastError();
      return false;
    }
    for (size_t i = 0; i < n; ++i) {
      if (owner[i] != -1)
        continue;
      if (supported[i])
        owner[i] = int32_t(k);
      else
        notes[i] += (notes[i].empty() ? "" : "; ") + ("not supported by " + p->name());
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (owner[i] == -1) {
      error = "node '" + g.nodes[i].name + "' (" + describeOp(g.nodes[i]) + ")" +
              (scope.empty() ? "" : " in " + scope) + " is not supported by " +
              (options.allowFallback ? "any loaded plugin" : "plugin '" + plugins[0]->name() +
                                                                 "' and fallback is disabled") +
              " (" + notes[i] + ")";
      return false;
    }
  g.partitions.clear();
  for (size_t i = 0; i < n; ++i) {
    const std::string name = owner[i] == -2 ? std::string(kHostPlugin) : plugins[owner[i]]->name();
    // Each control-flow node is a partition of its own.
    if (g.partitions.empty() || g.partitions.back().plugin != name || owner[i] == -2) {
      g.partitions.emplace_back();
      g.partitions.back().plugin = name;
    }
    g.partitions.back().nodes.push_back(int32_t(i));
    g.nodes[i].partition = int32_t(g.partitions.size() - 1);
    PartitionReport::Entry e{int32_t(i), name, owner[i] <= 0 ? "" : notes[i], scope,
                             g.nodes[i].name, g.nodes[i].op};
    report.nodes.push_back(std::move(e));
    // Body graphs, over the same plugins.
    for (size_t b = 0; b < g.nodes[i].bodies.size(); ++b) {
      int32_t idx = g.nodes[i].bodies[b];
      if (idx < 0 || size_t(idx) >= g.subgraphs.size()) {
        error = "node '" + g.nodes[i].name + "' names body graph " + std::to_string(idx) +
                " which does not exist";
        return false;
      }
      artifact::Graph &body = g.subgraphs[size_t(idx)];
      std::string sub = (scope.empty() ? "" : scope + "/") + g.nodes[i].name + "/" +
                        (g.nodes[i].op == "if" ? (b == 0 ? "then" : "else") : "body");
      if (!partitionOne(body, plugins,
                        [&body](int32_t v) { return body.values[size_t(v)].writeData; },
                        options, report, sub, error))
        return false;
    }
  }
  computePartitionBoundaries(g);
  return true;
}

bool partitionGraph(artifact::Graph &g, const std::vector<Plugin *> &plugins,
                    const std::function<const void *(int32_t)> &weightData,
                    const PartitionOptions &options, PartitionReport &report, std::string &error) {
  if (plugins.empty()) {
    error = "no backend plugin to run the model on";
    return false;
  }
  return partitionOne(g, plugins, weightData, options, report, "", error);
}

std::string PartitionReport::format(const artifact::Graph &g) const {
  std::string s;
  for (const Entry &e : nodes) {
    std::string name = e.op.empty() ? g.nodes[e.node].name : e.name;
    std::string op = e.op.empty() ? g.nodes[e.node].op : e.op;
    s += "  " + (e.scope.empty() ? std::string() : "[" + e.scope + "] ") +
         (name.empty() ? std::string("<unnamed>") : name) + " (" + op + ") -> " + e.plugin;
    if (!e.note.empty())
      s += "  [fell back: " + e.note + "]";
    s += "\n";
  }
  return s;
}

} // namespace kiln
