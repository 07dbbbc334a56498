//===- Runtime.cpp - load an artifact, compile partitions, run them -------===//
#include "kiln/runtime/Runtime.h"
#include "kiln/runtime/CGraph.h"
#include "kiln/runtime/Partitioner.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>

namespace kiln {

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

static void *alignedAlloc(size_t bytes) {
  size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
  return std::aligned_alloc(64, rounded);
}

Tensor Tensor::allocate(int32_t dtype, std::vector<int64_t> shape) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  void *p = alignedAlloc(t.byteSize());
  t.owner_ = std::shared_ptr<void>(p, std::free);
  t.data_ = p;
  return t;
}

Tensor Tensor::adopt(int32_t dtype, std::vector<int64_t> shape, void *data) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.owner_ = std::shared_ptr<void>(data, std::free);
  t.data_ = data;
  return t;
}

Tensor Tensor::view(int32_t dtype, std::vector<int64_t> shape, void *data) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.data_ = data;
  return t;
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape_)
    n *= d;
  return n;
}

size_t Tensor::byteSize() const { return size_t(numElements()) * artifact::dtypeSize(dtype_); }

//===----------------------------------------------------------------------===//
// Runtime and Model
//===----------------------------------------------------------------------===//

static PluginHost::Options hostOptions(const Runtime::Options &o) {
  PluginHost::Options h;
  h.searchPaths = o.pluginPaths;
  h.numThreads = o.numThreads;
  return h;
}

Runtime::Runtime() : Runtime(Options()) {}
Runtime::Runtime(Options options) : host_(hostOptions(options)) {}
Runtime::~Runtime() = default;

/// One graph ready to run: the top-level graph or a body graph of a
/// control-flow node, with its partitions compiled (host partitions, for
/// control-flow nodes, have no plugin) and its bodies' in turn. Immutable
/// after load: sessions on several threads share it.
struct GraphExec {
  const artifact::Graph *graph = nullptr;
  std::function<const void *(int32_t)> weight; // bytes of a weight value
  std::unique_ptr<CGraph> cgraph;
  std::vector<Plugin *> plugins;       // per partition; null: the host
  std::vector<kiln_executable> execs;  // per partition; null for the host
  std::vector<int32_t> lastUse;        // per value: last partition reading it
  std::vector<std::unique_ptr<GraphExec>> bodies; // per graph->subgraphs
  std::vector<std::string> notes;      // load notes (compiled blobs used or not)
  ~GraphExec() {
    for (size_t i = 0; i < execs.size(); ++i)
      if (execs[i])
        plugins[i]->api().executable_destroy(plugins[i]->instance(), execs[i]);
  }
};

struct Model::Impl {
  GraphExec root;
  std::vector<Plugin *> &plugins = root.plugins; // top-level partitions
  std::vector<kiln_executable> &execs = root.execs;
  bool profiling = false;              // setProfiling: time each partition
  std::vector<uint64_t> partCalls, partNs;
};

Model::~Model() { impl_.reset(); }

static std::vector<TensorSignature> signatures(const artifact::Graph &g,
                                               const std::vector<int32_t> &ids) {
  std::vector<TensorSignature> out;
  for (int32_t id : ids) {
    const artifact::Value &v = g.values[id];
    out.push_back({v.name, v.dtype, v.shape, v.dimNames});
  }
  return out;
}

std::vector<TensorSignature> Model::inputs() const {
  return signatures(artifact_->graph(), artifact_->graph().inputs);
}
std::vector<TensorSignature> Model::outputs() const {
  return signatures(artifact_->graph(), artifact_->graph().outputs);
}
std::vector<std::string> Model::partitionPlugins() const {
  std::vector<std::string> out;
  for (auto &p : artifact_->graph().partitions)
    out.push_back(p.plugin);
  return out;
}

std::vector<std::string> Model::loadNotes() const { return impl_->root.notes; }

std::vector<Model::PartitionMemory> Model::memoryReport() const {
  std::vector<PartitionMemory> out;
  for (size_t p = 0; p < impl_->plugins.size(); ++p) {
    Plugin *plugin = impl_->plugins[p];
    PartitionMemory m;
    if (!plugin) { // a control-flow node, run by the runtime
      m.plugin = kHostPlugin;
      out.push_back(m);
      continue;
    }
    m.plugin = plugin->name();
    const kiln_plugin_api &api = plugin->api();
    kiln_executable_stats st{};
    st.struct_size = sizeof(st);
    if (KILN_HAS_FIELD(&api, kiln_plugin_api, executable_stats) && api.executable_stats &&
        api.executable_stats(plugin->instance(), impl_->execs[p], &st) == KILN_OK) {
      m.reported = true;
      m.arenaBytes = st.arena_bytes;
      m.intermediateBytes = st.intermediate_bytes;
      m.intermediates = st.num_intermediates;
      m.plansCached = st.plans_cached;
      if (KILN_HAS_FIELD(&st, kiln_executable_stats, weight_reorders)) {
        m.layoutReported = true;
        m.layoutReorders = st.layout_reorders;
        m.portableNodes = st.portable_nodes;
        m.weightReorders = st.weight_reorders;
      }
      if (KILN_HAS_FIELD(&st, kiln_executable_stats, batch_slices))
        m.batchSlices = st.batch_slices;
    }
    out.push_back(m);
  }
  return out;
}

static bool hasProfile(const kiln_plugin_api &api) {
  return KILN_HAS_FIELD(&api, kiln_plugin_api, executable_profile) && api.executable_profile;
}

size_t Model::setProfiling(bool on) const {
  auto &impl = *impl_;
  impl.profiling = on;
  if (on || impl.partCalls.size() != impl.execs.size()) {
    impl.partCalls.assign(impl.execs.size(), 0);
    impl.partNs.assign(impl.execs.size(), 0);
  }
  size_t n = 0;
  for (size_t p = 0; p < impl.execs.size(); ++p) {
    if (!impl.plugins[p])
      continue;
    const kiln_plugin_api &api = impl.plugins[p]->api();
    if (hasProfile(api) &&
        api.executable_profile(impl.plugins[p]->instance(), impl.execs[p],
                               on ? KILN_PROFILE_ON : KILN_PROFILE_OFF, nullptr, nullptr) == KILN_OK &&
        on)
      ++n;
  }
  return n;
}

std::vector<Model::NodeTime> Model::profile() const {
  auto &impl = *impl_;
  const artifact::Graph &g = artifact_->graph();
  std::vector<NodeTime> out;
  for (size_t p = 0; p < impl.execs.size(); ++p) {
    Plugin *plugin = impl.plugins[p];
    const kiln_profile_entry *entries = nullptr;
    int32_t count = 0;
    if (plugin && hasProfile(plugin->api()) &&
        plugin->api().executable_profile(plugin->instance(), impl.execs[p], KILN_PROFILE_READ,
                                         &entries, &count) == KILN_OK &&
        entries)
      for (int32_t i = 0; i < count; ++i) {
        const kiln_profile_entry &e = entries[i];
        NodeTime t;
        t.partition = int32_t(p);
        t.plugin = plugin->name();
        t.node = e.node >= 0 && size_t(e.node) < g.nodes.size() ? e.node : -1;
        if (t.node >= 0) {
          t.op = g.nodes[size_t(t.node)].op;
          t.name = g.nodes[size_t(t.node)].name;
        }
        t.kernel = e.kernel ? e.kernel : "";
        t.calls = e.calls;
        t.totalMs = double(e.total_ns) / 1e6;
        out.push_back(std::move(t));
      }
    NodeTime whole;
    whole.partition = int32_t(p);
    whole.plugin = plugin ? plugin->name() : std::string(kHostPlugin);
    whole.kernel = "(partition)";
    whole.calls = p < impl.partCalls.size() ? impl.partCalls[p] : 0;
    whole.totalMs = p < impl.partNs.size() ? double(impl.partNs[p]) / 1e6 : 0;
    out.push_back(std::move(whole));
  }
  return out;
}

/// Compiles the partitions of `g` (and of its bodies, recursively) on their
/// plugins. `scope` names a body graph in errors ("" for the top level).
static bool prepareGraph(GraphExec &ge, const artifact::Graph &g,
                         std::function<const void *(int32_t)> weight,
                         const artifact::Artifact &art, PluginHost &host,
                         const Runtime::LoadOptions &options, const std::string &scope,
                         std::string &error) {
  std::string in = scope.empty() ? "" : " of " + scope;
  if (g.partitions.empty() && !g.nodes.empty()) {
    error = "the " + (scope.empty() ? std::string("artifact") : scope) + " has no partitions";
    return false;
  }
  ge.graph = &g;
  ge.weight = weight;
  ge.cgraph = std::make_unique<CGraph>(g, weight);
  for (size_t p = 0; p < g.partitions.size(); ++p) {
    const artifact::Partition &part = g.partitions[p];
    if (part.plugin == kHostPlugin) {
      for (int32_t n : part.nodes)
        if (!isHostOp(g.nodes[size_t(n)].op)) {
          error = "partition " + std::to_string(p) + in + " is on the host but its node '" +
                  g.nodes[size_t(n)].name + "' (" + g.nodes[size_t(n)].op +
                  ") is not a control-flow node";
          return false;
        }
      ge.plugins.push_back(nullptr);
      ge.execs.push_back(nullptr);
      continue;
    }
    std::string err;
    const std::string &wanted =
        options.overridePlugin.empty() ? part.plugin : options.overridePlugin;
    Plugin *plugin = host.get(wanted, err);
    if (!plugin) {
      error = "partition " + std::to_string(p) + in + " needs plugin '" + wanted + "': " + err;
      return false;
    }
    kiln_partition cp = CGraph::partitionOf(part);
    kiln_executable exec = nullptr;
    kiln_status st;
    bool aot = options.overridePlugin.empty() && part.compiledSize &&
               KILN_HAS_FIELD(&plugin->api(), kiln_plugin_api, deserialize) && plugin->api().deserialize;
    if (aot) {
      st = plugin->api().deserialize(plugin->instance(), ge.cgraph->get(), &cp, part.compiledData,
                                     part.compiledSize, &exec);
      if (st != KILN_OK || !exec) {
        // A stale or damaged blob: compile from the plain weights instead.
        ge.notes.push_back("partition " + std::to_string(p) + in + " on '" + plugin->name() +
                           "': compiled blob not used (" + plugin->lastError() +
                           "); compiled from the plain weights");
        exec = nullptr;
      } else
        ge.notes.push_back("partition " + std::to_string(p) + in + " on '" + plugin->name() +
                           "': loaded from its compiled blob (" + std::to_string(part.compiledSize) + " bytes)");
    }
    if (!exec)
      st = plugin->api().compile(plugin->instance(), ge.cgraph->get(), &cp, &exec);
    if (st != KILN_OK || !exec) {
      error = "plugin '" + plugin->name() + "' failed to compile partition " +
              std::to_string(p) + in + ": " + plugin->lastError();
      return false;
    }
    ge.plugins.push_back(plugin);
    ge.execs.push_back(exec);
  }
  ge.lastUse.assign(g.values.size(), -1);
  for (size_t p = 0; p < g.partitions.size(); ++p) {
    for (int32_t v : g.partitions[p].inputs)
      ge.lastUse[v] = int32_t(p);
    // A host node reads its inputs itself (captured values included).
    if (g.partitions[p].plugin == kHostPlugin)
      for (int32_t n : g.partitions[p].nodes)
        for (int32_t v : g.nodes[size_t(n)].inputs)
          if (v >= 0)
            ge.lastUse[v] = std::max(ge.lastUse[v], int32_t(p));
  }
  for (int32_t v : g.outputs)
    ge.lastUse[v] = int32_t(g.partitions.size()); // kept to the end
  for (size_t b = 0; b < g.subgraphs.size(); ++b) {
    const artifact::Graph &body = g.subgraphs[b];
    auto sub = std::make_unique<GraphExec>();
    if (!prepareGraph(*sub, body,
                      [&art, &body](int32_t v) { return art.weightData(body.values[size_t(v)]); },
                      art, host, options,
                      (scope.empty() ? "" : scope + " ") + "body graph " + std::to_string(b), error))
      return false;
    ge.bodies.push_back(std::move(sub));
  }
  return true;
}

std::unique_ptr<Model> Runtime::load(const std::string &path, std::string &error,
                                     const LoadOptions &options) {
  artifact::Artifact::Options ao;
  ao.verifyWeights = options.verifyWeights;
  auto art = artifact::Artifact::open(path, error, ao);
  if (!art)
    return nullptr;
  std::unique_ptr<Model> model(new Model());
  model->impl_ = std::make_unique<Model::Impl>();
  auto &impl = *model->impl_;
  const artifact::Graph &g = art->graph();
  const artifact::Artifact *a = art.get();
  if (!prepareGraph(impl.root, g, [a, &g](int32_t v) { return a->weightData(g.values[size_t(v)]); },
                    *a, host_, options, "", error)) {
    error = path + ": " + error;
    return nullptr;
  }
  model->artifact_ = std::move(art);
  return model;
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

Session::Session(const Model &model) : model_(model) {}
Session::~Session() = default;

namespace {

/// Allocations a plugin makes for outputs whose shape it computes.
struct OutputAllocator {
  Plugin *plugin;
  std::vector<void *> blocks;
  static kiln_status allocate(void *user, uint64_t bytes, uint64_t, void **data) {
    auto *self = static_cast<OutputAllocator *>(user);
    void *p = nullptr;
    if (self->plugin->isDevice()) {
      if (self->plugin->api().memory_allocate(self->plugin->instance(), bytes, &p) != KILN_OK)
        return KILN_ERROR_OUT_OF_MEMORY;
    } else {
      p = alignedAlloc(size_t(bytes));
      if (!p)
        return KILN_ERROR_OUT_OF_MEMORY;
    }
    self->blocks.push_back(p);
    *data = p;
    return KILN_OK;
  }
  void release(void *p) {
    if (plugin->isDevice())
      plugin->api().memory_free(plugin->instance(), p);
    else
      std::free(p);
  }
};

std::string shapeStr(const std::vector<int64_t> &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "x" : "") + (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
  return out.empty() ? "scalar" : out;
}

} // namespace

namespace {

/// Where the top-level partitions' wall times go (setProfiling).
struct ProfileSink {
  bool on;
  std::vector<uint64_t> &calls, &ns;
};

bool runGraph(const GraphExec &ge, std::vector<Tensor> &values, std::vector<char> &present,
              ProfileSink *profiled, std::string &error);

/// The tensor of value `v` of `ge`'s graph: computed, or a view of a weight.
bool inputTensor(const GraphExec &ge, const std::vector<Tensor> &values,
                 const std::vector<char> &present, int32_t v, Tensor &out, std::string &error) {
  const artifact::Value &val = ge.graph->values[size_t(v)];
  if (val.isWeight) {
    out = Tensor::view(val.dtype, val.shape, const_cast<void *>(ge.weight(v)));
    return true;
  }
  if (!present[size_t(v)]) {
    error = "internal error: value '" + val.name + "' is not computed before it is used";
    return false;
  }
  out = values[size_t(v)];
  return true;
}

/// Runs body graph `body` on `inputs` (its inputs in order); its outputs in order.
bool runBody(const GraphExec &body, const std::vector<Tensor> &inputs, std::vector<Tensor> &outputs,
             std::string &error) {
  const artifact::Graph &bg = *body.graph;
  std::vector<Tensor> values(bg.values.size());
  std::vector<char> present(bg.values.size(), 0);
  for (size_t i = 0; i < bg.inputs.size(); ++i) {
    const artifact::Value &sig = bg.values[size_t(bg.inputs[i])];
    const Tensor &t = inputs[i];
    if (t.dtype() != sig.dtype || t.shape().size() != sig.shape.size()) {
      error = "body input '" + sig.name + "' gets " + artifact::dtypeName(t.dtype()) + " " +
              shapeStr(t.shape()) + " but the body expects " + artifact::dtypeName(sig.dtype) +
              " " + shapeStr(sig.shape);
      return false;
    }
    for (size_t d = 0; d < sig.shape.size(); ++d)
      if (sig.shape[d] >= 0 && sig.shape[d] != t.shape()[d]) {
        error = "body input '" + sig.name + "' gets shape " + shapeStr(t.shape()) +
                " but the body expects " + shapeStr(sig.shape);
        return false;
      }
    values[size_t(bg.inputs[i])] = t;
    present[size_t(bg.inputs[i])] = 1;
  }
  if (!runGraph(body, values, present, nullptr, error))
    return false;
  outputs.clear();
  for (int32_t id : bg.outputs) {
    Tensor t;
    if (!inputTensor(body, values, present, id, t, error))
      return false;
    outputs.push_back(t);
  }
  return true;
}

/// One element of a condition or trip count tensor.
bool scalarOf(const Tensor &t, const std::string &what, int64_t &out, std::string &error) {
  if (t.numElements() != 1) {
    error = what + " must hold one element, it has shape " + shapeStr(t.shape());
    return false;
  }
  if (t.dtype() == 9)
    out = *t.as<uint8_t>() != 0;
  else if (t.dtype() == 7)
    out = *t.as<int64_t>();
  else {
    error = what + " has dtype " + artifact::dtypeName(t.dtype());
    return false;
  }
  return true;
}

Tensor scalarTensor(int32_t dtype, int64_t v) {
  Tensor t = Tensor::allocate(dtype, {});
  if (dtype == 9)
    *t.as<uint8_t>() = v != 0;
  else
    *t.as<int64_t>() = v;
  return t;
}

/// kiln.if / kiln.loop, executed by the runtime.
bool runHostNode(const GraphExec &ge, const artifact::Node &node, std::vector<Tensor> &values,
                 std::vector<char> &present, std::string &error) {
  const artifact::Graph &g = *ge.graph;
  std::string where = "node '" + node.name + "' (" + node.op + ")";
  std::vector<Tensor> in(node.inputs.size());
  std::vector<char> has(node.inputs.size(), 0);
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    if (node.inputs[i] < 0)
      continue;
    if (!inputTensor(ge, values, present, node.inputs[i], in[i], error))
      return false;
    has[i] = 1;
  }
  std::vector<Tensor> results;
  if (node.op == "if") {
    int64_t cond = 0;
    if (!has[0] || !scalarOf(in[0], where + ": the condition", cond, error))
      return false;
    const GraphExec &body = *ge.bodies[size_t(node.bodies[cond ? 0 : 1])];
    std::vector<Tensor> bodyIn(in.begin() + 1, in.end());
    if (!runBody(body, bodyIn, results, error)) {
      error = where + ", " + (cond ? "then" : "else") + " branch: " + error;
      return false;
    }
  } else if (node.op == "loop") {
    int64_t carried = 0;
    for (const artifact::Attr &a : node.attrs)
      if (a.name == "num_carried")
        carried = a.i;
    const GraphExec &body = *ge.bodies[size_t(node.bodies[0])];
    const artifact::Graph &bg = *body.graph;
    int64_t maxTrip = 0, cond = 1;
    if (has[0] && !scalarOf(in[0], where + ": the trip count", maxTrip, error))
      return false;
    if (has[1] && !scalarOf(in[1], where + ": the condition", cond, error))
      return false;
    if (!has[0] && !has[1]) {
      error = where + " has neither a trip count nor a condition: it would never end";
      return false;
    }
    size_t numScan = node.outputs.size() - size_t(carried);
    std::vector<Tensor> state(in.begin() + 2, in.begin() + 2 + carried);
    std::vector<Tensor> captures(in.begin() + 2 + carried, in.end());
    std::vector<std::vector<Tensor>> scans(numScan);
    std::vector<Tensor> bodyIn, bodyOut;
    int64_t i = 0;
    for (; (!has[0] || i < maxTrip) && (!has[1] || cond); ++i) {
      bodyIn.clear();
      bodyIn.push_back(scalarTensor(7, i));
      bodyIn.push_back(scalarTensor(9, cond));
      bodyIn.insert(bodyIn.end(), state.begin(), state.end());
      bodyIn.insert(bodyIn.end(), captures.begin(), captures.end());
      if (!runBody(body, bodyIn, bodyOut, error)) {
        error = where + ", iteration " + std::to_string(i) + ": " + error;
        return false;
      }
      if (has[1] && !scalarOf(bodyOut[0], where + ": the body's condition", cond, error))
        return false;
      for (int64_t k = 0; k < carried; ++k)
        state[size_t(k)] = bodyOut[size_t(1 + k)];
      for (size_t k = 0; k < numScan; ++k) {
        const Tensor &t = bodyOut[size_t(1 + carried) + k];
        if (!scans[k].empty() && scans[k][0].shape() != t.shape()) {
          error = where + ": scan output " + std::to_string(k) + " has shape " +
                  shapeStr(t.shape()) + " in iteration " + std::to_string(i) + " but " +
                  shapeStr(scans[k][0].shape()) + " before";
          return false;
        }
        scans[k].push_back(t);
      }
    }
    results = state;
    for (size_t k = 0; k < numScan; ++k) {
      const artifact::Value &perIter = bg.values[size_t(bg.outputs[size_t(1 + carried) + k])];
      std::vector<int64_t> shape{i};
      if (scans[k].empty()) {
        for (int64_t d : perIter.shape) {
          if (d < 0) {
            error = where + " ran zero iterations and the shape of scan output " +
                    std::to_string(k) + " ('" + perIter.name +
                    "') per iteration is not known at compile time (" + shapeStr(perIter.shape) +
                    "), so its empty result has no shape";
            return false;
          }
          shape.push_back(d);
        }
        results.push_back(Tensor::allocate(perIter.dtype, shape));
        continue;
      }
      shape.insert(shape.end(), scans[k][0].shape().begin(), scans[k][0].shape().end());
      Tensor stacked = Tensor::allocate(scans[k][0].dtype(), shape);
      size_t each = scans[k][0].byteSize();
      for (size_t it = 0; it < scans[k].size(); ++it)
        if (each)
          std::memcpy(static_cast<char *>(stacked.data()) + it * each, scans[k][it].data(), each);
      results.push_back(stacked);
    }
  } else {
    error = where + " is not a control-flow op the runtime can execute";
    return false;
  }
  if (results.size() != node.outputs.size()) {
    error = where + " produced " + std::to_string(results.size()) + " value(s), expected " +
            std::to_string(node.outputs.size());
    return false;
  }
  for (size_t k = 0; k < results.size(); ++k) {
    const artifact::Value &sig = g.values[size_t(node.outputs[k])];
    if (results[k].dtype() != sig.dtype) {
      error = where + ": output '" + sig.name + "' is " + artifact::dtypeName(results[k].dtype()) +
              " but the graph declares " + artifact::dtypeName(sig.dtype);
      return false;
    }
    values[size_t(node.outputs[k])] = results[k];
    present[size_t(node.outputs[k])] = 1;
  }
  return true;
}

bool runGraph(const GraphExec &ge, std::vector<Tensor> &values, std::vector<char> &present,
              ProfileSink *profiled, std::string &error) {
  const artifact::Graph &g = *ge.graph;
  for (size_t p = 0; p < g.partitions.size(); ++p) {
    const artifact::Partition &part = g.partitions[p];
    Plugin *plugin = ge.plugins[p];
    if (!plugin) { // control flow: the runtime runs it
      auto started = std::chrono::steady_clock::now();
      for (int32_t n : part.nodes)
        if (!runHostNode(ge, g.nodes[size_t(n)], values, present, error))
          return false;
      if (profiled && profiled->on && p < profiled->ns.size()) {
        profiled->ns[p] += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::steady_clock::now() - started)
                                            .count());
        ++profiled->calls[p];
      }
      for (int32_t v : part.inputs)
        if (ge.lastUse[v] == int32_t(p))
          values[v] = Tensor();
      continue;
    }
    const kiln_plugin_api &api = plugin->api();
    bool device = plugin->isDevice();
    OutputAllocator alloc{plugin, {}};
    std::vector<void *> deviceInputs;
    auto cleanup = [&] {
      for (void *d : deviceInputs)
        api.memory_free(plugin->instance(), d);
      for (void *b : alloc.blocks)
        alloc.release(b);
    };

    std::vector<kiln_buffer> in(part.inputs.size());
    for (size_t i = 0; i < part.inputs.size(); ++i) {
      int32_t v = part.inputs[i];
      if (!present[v]) {
        error = "internal error: value '" + g.values[v].name + "' is not computed before partition " +
                std::to_string(p);
        cleanup();
        return false;
      }
      Tensor &t = values[v];
      void *data = t.data();
      if (device) {
        void *d = nullptr;
        if (api.memory_allocate(plugin->instance(), t.byteSize(), &d) != KILN_OK ||
            api.memory_copy_to_device(plugin->instance(), d, t.data(), t.byteSize(), nullptr) !=
                KILN_OK) {
          error = "plugin '" + plugin->name() + "': copy to device failed: " + plugin->lastError();
          cleanup();
          return false;
        }
        deviceInputs.push_back(d);
        data = d;
      }
      in[i] = {sizeof(kiln_buffer), data, t.byteSize(),
               {sizeof(kiln_tensor_desc), t.dtype(), int32_t(t.shape().size()), t.shape().data()}};
    }
    std::vector<std::vector<int64_t>> outShapes(part.outputs.size());
    std::vector<kiln_buffer> out(part.outputs.size());
    for (size_t i = 0; i < part.outputs.size(); ++i) {
      const artifact::Value &v = g.values[part.outputs[i]];
      outShapes[i].assign(v.shape.size(), -1);
      out[i] = {sizeof(kiln_buffer), nullptr, 0,
                {sizeof(kiln_tensor_desc), v.dtype, int32_t(v.shape.size()), outShapes[i].data()}};
    }
    kiln_allocator allocator{sizeof(kiln_allocator), &alloc, &OutputAllocator::allocate};
    auto started = std::chrono::steady_clock::now();
    kiln_status st = api.execute(plugin->instance(), ge.execs[p], in.data(), int32_t(in.size()),
                                 out.data(), int32_t(out.size()), &allocator, nullptr);
    if (st == KILN_OK && KILN_HAS_FIELD(&api, kiln_plugin_api, stream_synchronize) &&
        api.stream_synchronize)
      st = api.stream_synchronize(plugin->instance(), nullptr);
    if (profiled && profiled->on && p < profiled->ns.size()) {
      profiled->ns[p] += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now() - started)
                                          .count());
      ++profiled->calls[p];
    }
    if (st != KILN_OK) {
      error = "plugin '" + plugin->name() + "' failed to run partition " + std::to_string(p) +
              ": " + plugin->lastError();
      cleanup();
      return false;
    }
    for (size_t i = 0; i < part.outputs.size(); ++i) {
      int32_t v = part.outputs[i];
      std::vector<int64_t> shape(outShapes[i].begin(), outShapes[i].end());
      for (int64_t d : shape)
        if (d < 0) {
          error = "plugin '" + plugin->name() + "' did not report the shape of '" +
                  g.values[v].name + "'";
          cleanup();
          return false;
        }
      Tensor t = Tensor::view(out[i].type.dtype, shape, nullptr); // (its size)
      if (!out[i].data || out[i].size < t.byteSize()) {
        error = "plugin '" + plugin->name() + "' did not produce '" + g.values[v].name + "'";
        cleanup();
        return false;
      }
      // A host block from our allocator is taken over as it is; device
      // memory, or memory the plugin keeps, is copied.
      auto block = device ? alloc.blocks.end()
                          : std::find(alloc.blocks.begin(), alloc.blocks.end(), out[i].data);
      if (block != alloc.blocks.end()) {
        t = Tensor::adopt(out[i].type.dtype, std::move(shape), *block);
        alloc.blocks.erase(block);
      } else {
        t = Tensor::allocate(out[i].type.dtype, std::move(shape));
        if (!device) {
          std::memcpy(t.data(), out[i].data, t.byteSize());
        } else if (api.memory_copy_to_host(plugin->instance(), t.data(), out[i].data,
                                           t.byteSize(), nullptr) != KILN_OK) {
          error = "plugin '" + plugin->name() + "': copy to host failed: " + plugin->lastError();
          cleanup();
          return false;
        }
      }
      values[v] = t;
      present[v] = 1;
    }
    cleanup();
    // Free what no later partition reads.
    for (int32_t v : part.inputs)
      if (ge.lastUse[v] == int32_t(p))
        values[v] = Tensor();
  }

  return true;
}

} // namespace

bool Session::run(const std::map<std::string, Tensor> &inputs, std::vector<Tensor> &outputs,
                  std::string &error) {
  const artifact::Artifact &art = *model_.artifact_;
  const artifact::Graph &g = art.graph();
  auto &impl = *model_.impl_;
  std::vector<Tensor> values(g.values.size());
  std::vector<char> present(g.values.size(), 0);

  for (int32_t id : g.inputs) {
    const artifact::Value &sig = g.values[id];
    auto it = inputs.find(sig.name);
    if (it == inputs.end()) {
      error = "missing input '" + sig.name + "'";
      return false;
    }
    const Tensor &t = it->second;
    if (t.dtype() != sig.dtype) {
      error = "input '" + sig.name + "' has dtype " + artifact::dtypeName(t.dtype()) +
              " but the model expects " + artifact::dtypeName(sig.dtype);
      return false;
    }
    bool ok = t.shape().size() == sig.shape.size();
    for (size_t i = 0; ok && i < sig.shape.size(); ++i)
      ok = t.shape()[i] >= 0 && (sig.shape[i] < 0 || sig.shape[i] == t.shape()[i]);
    if (!ok) {
      error = "input '" + sig.name + "' has shape " + shapeStr(t.shape()) +
              " but the model expects " + shapeStr(sig.shape);
      return false;
    }
    values[id] = t;
    present[id] = 1;
  }
  for (const auto &[name, t] : inputs) {
    bool known = false;
    for (int32_t id : g.inputs)
      known |= g.values[id].name == name;
    if (!known) {
      error = "the model has no input named '" + name + "'";
      return false;
    }
  }

  ProfileSink sink{impl.profiling, impl.partCalls, impl.partNs};
  if (!runGraph(impl.root, values, present, &sink, error))
    return false;

  outputs.clear();
  for (int32_t id : g.outputs) {
    const artifact::Value &v = g.values[id];
    if (v.isWeight) { // a constant output: a view of the mapped weight
      outputs.push_back(
          Tensor::view(v.dtype, v.shape, const_cast<void *>(art.weightData(id))));
      continue;
    }
    if (!present[id]) {
      error = "output '" + v.name + "' was not computed";
      return false;
    }
    outputs.push_back(values[id]);
  }
  return true;
}

} // namespace kiln
