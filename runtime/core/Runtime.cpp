//===- Runtime.cpp - load an artifact, compile partitions, run them -------===//
#include "kiln/runtime/Runtime.h"
#include "kiln/runtime/CGraph.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

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

struct Model::Impl {
  std::unique_ptr<CGraph> cgraph;
  std::vector<Plugin *> plugins;       // per partition
  std::vector<kiln_executable> execs;  // per partition
  std::vector<int32_t> lastUse;        // per value: last partition reading it
  bool profiling = false;              // setProfiling: time each partition
  std::vector<uint64_t> partCalls, partNs;
  ~Impl() {
    for (size_t i = 0; i < execs.size(); ++i)
      if (execs[i])
        plugins[i]->api().executable_destroy(plugins[i]->instance(), execs[i]);
  }
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

std::vector<Model::PartitionMemory> Model::memoryReport() const {
  std::vector<PartitionMemory> out;
  for (size_t p = 0; p < impl_->plugins.size(); ++p) {
    Plugin *plugin = impl_->plugins[p];
    PartitionMemory m;
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
    const kiln_plugin_api &api = plugin->api();
    const kiln_profile_entry *entries = nullptr;
    int32_t count = 0;
    if (hasProfile(api) &&
        api.executable_profile(plugin->instance(), impl.execs[p], KILN_PROFILE_READ, &entries,
                               &count) == KILN_OK &&
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
    whole.plugin = plugin->name();
    whole.kernel = "(partition)";
    whole.calls = p < impl.partCalls.size() ? impl.partCalls[p] : 0;
    whole.totalMs = p < impl.partNs.size() ? double(impl.partNs[p]) / 1e6 : 0;
    out.push_back(std::move(whole));
  }
  return out;
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
  if (g.partitions.empty() && !g.nodes.empty()) {
    error = path + ": the artifact has no partitions";
    return nullptr;
  }
  const artifact::Artifact *a = art.get();
  impl.cgraph = std::make_unique<CGraph>(g, [a](int32_t v) { return a->weightData(v); });
  for (size_t p = 0; p < g.partitions.size(); ++p) {
    const artifact::Partition &part = g.partitions[p];
    std::string err;
    const std::string &wanted =
        options.overridePlugin.empty() ? part.plugin : options.overridePlugin;
    Plugin *plugin = host_.get(wanted, err);
    if (!plugin) {
      error = path + ": partition " + std::to_string(p) + " needs plugin '" + wanted + "': " + err;
      return nullptr;
    }
    kiln_partition cp = CGraph::partitionOf(part);
    kiln_executable exec = nullptr;
    kiln_status st;
    if (options.overridePlugin.empty() && !part.compiled.empty() && KILN_HAS_FIELD(&plugin->api(), kiln_plugin_api, deserialize) &&
        plugin->api().deserialize)
      st = plugin->api().deserialize(plugin->instance(), impl.cgraph->get(), &cp,
                                     part.compiled.data(), part.compiled.size(), &exec);
    else
      st = plugin->api().compile(plugin->instance(), impl.cgraph->get(), &cp, &exec);
    if (st != KILN_OK || !exec) {
      error = path + ": plugin '" + plugin->name() + "' failed to compile partition " +
              std::to_string(p) + ": " + plugin->lastError();
      return nullptr;
    }
    impl.plugins.push_back(plugin);
    impl.execs.push_back(exec);
  }
  impl.lastUse.assign(g.values.size(), -1);
  for (size_t p = 0; p < g.partitions.size(); ++p)
    for (int32_t v : g.partitions[p].inputs)
      impl.lastUse[v] = int32_t(p);
  for (int32_t v : g.outputs)
    impl.lastUse[v] = int32_t(g.partitions.size()); // kept to the end
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

  for (size_t p = 0; p < g.partitions.size(); ++p) {
    const artifact::Partition &part = g.partitions[p];
    Plugin *plugin = impl.plugins[p];
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
    kiln_status st = api.execute(plugin->instance(), impl.execs[p], in.data(), int32_t(in.size()),
                                 out.data(), int32_t(out.size()), &allocator, nullptr);
    if (st == KILN_OK && KILN_HAS_FIELD(&api, kiln_plugin_api, stream_synchronize) &&
        api.stream_synchronize)
      st = api.stream_synchronize(plugin->instance(), nullptr);
    if (impl.profiling && p < impl.partNs.size()) {
      impl.partNs[p] += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count());
      ++impl.partCalls[p];
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
      if (impl.lastUse[v] == int32_t(p))
        values[v] = Tensor();
  }

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
