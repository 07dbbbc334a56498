//===- ReferencePlugin.cpp - the reference backend behind the plugin ABI --===//
//
// Runs every kiln op with the portable kernels in kernels/: the oracle the
// other backends are tested against and the fallback of last resort. Host
// memory, synchronous execution, lowest priority.
//
//===----------------------------------------------------------------------===//
#include "kernels/Kernels.h"
#include "kiln/kiln_plugin.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

using namespace kiln::ref;

struct Instance {
  std::string error;
};

struct CompiledNode {
  std::string op, name;
  Attrs attrs;
  std::vector<int32_t> inputs, outputs;
};

/// A static memory plan for one set of input shapes: every intermediate
/// gets an offset in one arena, and intermediates whose lifetimes do not
/// overlap share memory. Built from the first run with those shapes, reused
/// by every later run (a run whose tensor turns out larger than planned,
/// e.g. a data-dependent shape, gets its own buffer for that tensor).
struct Plan {
  std::vector<uint64_t> offset, size; // per intermediate slot (node, output)
  uint64_t arenaBytes = 0, sumBytes = 0;
  void *arena = nullptr;
  std::mutex busy; // one run at a time uses the arena; others allocate
  ~Plan() { std::free(arena); }
};

struct Executable {
  std::vector<CompiledNode> nodes;
  std::vector<int32_t> inputs, outputs;
  std::vector<Tensor> constants; // per value id; data null unless a weight
  std::vector<DType> types;
  std::vector<int32_t> lastUse;  // per value: last node (index in nodes) reading it
  std::vector<size_t> slotBase;  // per node: index of its first output slot
  size_t numSlots = 0;
  std::mutex plansMutex;
  std::map<std::vector<int64_t>, std::unique_ptr<Plan>> plans;
  kiln_executable_stats last{};
};

uint64_t align64(uint64_t v) { return (v + 63) / 64 * 64; }

/// Greedy offset assignment, largest first: each slot goes to the lowest
/// offset that does not overlap a placed slot whose lifetime overlaps its own.
void buildPlan(Plan &plan, const std::vector<uint64_t> &sizes, const std::vector<int32_t> &def,
               const std::vector<int32_t> &last) {
  size_t n = sizes.size();
  plan.size = sizes;
  plan.offset.assign(n, 0);
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
  std::vector<size_t> placed;
  for (size_t i : order) {
    if (sizes[i] == 0)
      continue;
    plan.sumBytes += sizes[i];
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed)
      if (def[i] <= last[j] && def[j] <= last[i])
        busy.push_back({plan.offset[j], plan.offset[j] + sizes[j]});
    std::sort(busy.begin(), busy.end());
    uint64_t at = 0;
    for (auto &[lo, hi] : busy) {
      if (at + sizes[i] <= lo)
        break;
      at = std::max(at, align64(hi));
    }
    plan.offset[i] = at;
    plan.arenaBytes = std::max(plan.arenaBytes, at + sizes[i]);
    placed.push_back(i);
  }
}

kiln_status fail(kiln_plugin p, kiln_status st, std::string msg) {
  reinterpret_cast<Instance *>(p)->error = std::move(msg);
  return st;
}

bool knownDType(int32_t d) {
  switch (d) {
  case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 9: case 10: case 11: case 12:
  case 13: case 16:
    return true;
  default:
    return false;
  }
}

bool convertAttr(const kiln_attr &a, Attr &out) {
  switch (a.kind) {
  case KILN_ATTR_INT: out = Attr::makeInt(a.i); return true;
  case KILN_ATTR_FLOAT: out = Attr::makeFloat(a.f); return true;
  case KILN_ATTR_STRING: out = Attr::makeString(a.s ? a.s : ""); return true;
  case KILN_ATTR_INTS: out = Attr::makeInts(std::vector<int64_t>(a.ints, a.ints + a.count)); return true;
  case KILN_ATTR_FLOATS:
    out = Attr::makeFloats(std::vector<double>(a.floats, a.floats + a.count));
    return true;
  case KILN_ATTR_DTYPE: out = Attr::makeType(DType(a.i)); return true;
  case KILN_ATTR_TENSOR: // a one-element tensor (constant_of_shape's value) as a typed scalar
    return knownDType(a.tensor.dtype) && Attr::fromScalarTensor(DType(a.tensor.dtype), a.tensor_data, out);
  default:
    return false;
  }
}

kiln_status create(const kiln_plugin_options *, kiln_plugin *out) {
  *out = reinterpret_cast<kiln_plugin>(new Instance());
  return KILN_OK;
}

void destroy(kiln_plugin p) { delete reinterpret_cast<Instance *>(p); }

const char *lastError(kiln_plugin p) {
  return p ? reinterpret_cast<Instance *>(p)->error.c_str() : "";
}

kiln_status query(kiln_plugin, const kiln_graph *g, int32_t *supported, float *cost) {
  for (int32_t i = 0; i < g->num_nodes; ++i) {
    const kiln_node &n = g->nodes[i];
    bool ok = isSupported(n.op);
    for (int32_t k = 0; ok && k < n.num_outputs; ++k)
      ok = knownDType(g->values[n.outputs[k]].type.dtype);
    supported[i] = ok;
    cost[i] = 100.f; // portable loops: the most expensive choice
  }
  return KILN_OK;
}

kiln_status compile(kiln_plugin p, const kiln_graph *g, const kiln_partition *part,
                    kiln_executable *out) {
  auto exec = std::make_unique<Executable>();
  exec->constants.resize(g->num_values);
  exec->types.resize(g->num_values);
  for (int32_t v = 0; v < g->num_values; ++v) {
    const kiln_value &val = g->values[v];
    exec->types[v] = DType(val.type.dtype);
    if (val.constant_data) {
      Tensor &t = exec->constants[v];
      t.dtype = DType(val.type.dtype);
      t.shape.assign(val.type.shape, val.type.shape + val.type.rank);
      t.data = const_cast<void *>(val.constant_data);
    }
  }
  for (int32_t k = 0; k < part->num_nodes; ++k) {
    int32_t id = part->nodes[k];
    if (id < 0 || id >= g->num_nodes)
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "partition names a node out of range");
    const kiln_node &n = g->nodes[id];
    if (!isSupported(n.op))
      return fail(p, KILN_ERROR_UNSUPPORTED, std::string("op '") + n.op + "' is not supported");
    CompiledNode cn;
    cn.op = n.op;
    cn.name = n.name ? n.name : "";
    cn.inputs.assign(n.inputs, n.inputs + n.num_inputs);
    cn.outputs.assign(n.outputs, n.outputs + n.num_outputs);
    for (int32_t a = 0; a < n.num_attrs; ++a) {
      Attr attr;
      if (!convertAttr(n.attrs[a], attr))
        return fail(p, KILN_ERROR_UNSUPPORTED,
                    std::string("node '") + cn.name + "': attribute '" + n.attrs[a].name +
                        "' has an unsupported kind");
      cn.attrs.set(n.attrs[a].name, attr);
    }
    exec->nodes.push_back(std::move(cn));
  }
  exec->inputs.assign(part->inputs, part->inputs + part->num_inputs);
  exec->outputs.assign(part->outputs, part->outputs + part->num_outputs);
  exec->lastUse.assign(g->num_values, -1);
  for (size_t k = 0; k < exec->nodes.size(); ++k) {
    exec->slotBase.push_back(exec->numSlots);
    exec->numSlots += exec->nodes[k].outputs.size();
    for (int32_t v : exec->nodes[k].inputs)
      if (v >= 0)
        exec->lastUse[v] = int32_t(k);
  }
  *out = reinterpret_cast<kiln_executable>(exec.release());
  return KILN_OK;
}

void executableDestroy(kiln_plugin, kiln_executable e) { delete reinterpret_cast<Executable *>(e); }

kiln_status execute(kiln_plugin p, kiln_executable e, const kiln_buffer *inputs, int32_t numInputs,
                    kiln_buffer *outputs, int32_t numOutputs, const kiln_allocator *allocator,
                    kiln_stream) {
  auto &exec = *reinterpret_cast<Executable *>(e);
  if (numInputs != int32_t(exec.inputs.size()) || numOutputs != int32_t(exec.outputs.size()))
    return fail(p, KILN_ERROR_INVALID_ARGUMENT, "wrong number of inputs or outputs");
  std::vector<Tensor> values = exec.constants;
  std::vector<std::vector<uint8_t>> storage; // intermediates outside the arena
  std::vector<int32_t> outputSlot(values.size(), -1);
  for (int32_t i = 0; i < numOutputs; ++i)
    outputSlot[exec.outputs[i]] = i;
  std::vector<int64_t> key;
  for (int32_t i = 0; i < numInputs; ++i) {
    Tensor &t = values[exec.inputs[i]];
    t.dtype = DType(inputs[i].type.dtype);
    t.shape.assign(inputs[i].type.shape, inputs[i].type.shape + inputs[i].type.rank);
    t.data = inputs[i].data;
    key.push_back(int64_t(t.shape.size()));
    key.insert(key.end(), t.shape.begin(), t.shape.end());
  }

  // The plan for these shapes, if one exists and no other run is using it.
  Plan *plan = nullptr;
  std::unique_lock<std::mutex> planLock;
  {
    std::lock_guard<std::mutex> g(exec.plansMutex);
    auto it = exec.plans.find(key);
    if (it != exec.plans.end()) {
      std::unique_lock<std::mutex> l(it->second->busy, std::try_to_lock);
      if (l.owns_lock()) {
        plan = it->second.get();
        planLock = std::move(l);
      }
    }
  }
  bool recording = false;
  {
    std::lock_guard<std::mutex> g(exec.plansMutex);
    recording = !plan && !exec.plans.count(key);
  }
  std::vector<uint64_t> slotBytes(exec.numSlots, 0);
  std::vector<int32_t> slotDef(exec.numSlots, 0), slotLast(exec.numSlots, 0);

  storage.reserve(exec.numSlots);
  for (size_t ni = 0; ni < exec.nodes.size(); ++ni) {
    const CompiledNode &n = exec.nodes[ni];
    std::vector<const Tensor *> ins;
    for (int32_t v : n.inputs)
      ins.push_back(v < 0 ? nullptr : &values[v]);
    std::vector<std::vector<int64_t>> shapes;
    std::vector<DType> types;
    Status st = inferShapes(n.op, n.attrs, ins, shapes, types);
    if (!st)
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + n.name + "' (" + n.op + "): " + st.message);
    std::vector<Tensor> outs(n.outputs.size());
    for (size_t k = 0; k < n.outputs.size(); ++k) {
      Tensor &t = outs[k];
      t.dtype = types[k];
      t.shape = shapes[k];
      size_t bytes = t.byteSize();
      int32_t slot = outputSlot[n.outputs[k]];
      size_t s = exec.slotBase[ni] + k;
      if (slot >= 0) {
        void *data = nullptr;
        if (!allocator || allocator->allocate(allocator->user, bytes, 64, &data) != KILN_OK)
          return fail(p, KILN_ERROR_OUT_OF_MEMORY, "cannot allocate output of node '" + n.name + "'");
        t.data = data;
        kiln_buffer &b = outputs[slot];
        b.data = data;
        b.size = bytes;
        b.type.dtype = int32_t(types[k]);
        int64_t *shape = const_cast<int64_t *>(b.type.shape);
        if (b.type.rank != int32_t(t.shape.size()))
          return fail(p, KILN_ERROR_INVALID_ARGUMENT,
                      "node '" + n.name + "' produced rank " + std::to_string(t.shape.size()) +
                          " where the graph declares rank " + std::to_string(b.type.rank));
        for (size_t d = 0; d < t.shape.size(); ++d)
          shape[d] = t.shape[d];
      } else if (plan && bytes <= plan->size[s] && plan->size[s] > 0) {
        t.data = static_cast<uint8_t *>(plan->arena) + plan->offset[s];
      } else {
        storage.emplace_back(std::max<size_t>(bytes, 1));
        t.data = storage.back().data();
        if (recording) {
          slotBytes[s] = align64(bytes);
          slotDef[s] = int32_t(ni);
          slotLast[s] = std::max(int32_t(ni), exec.lastUse[n.outputs[k]]);
        }
      }
    }
    st = run(n.op, n.attrs, ins, outs);
    if (!st)
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + n.name + "' (" + n.op + "): " + st.message);
    for (size_t k = 0; k < n.outputs.size(); ++k)
      values[n.outputs[k]] = outs[k];
  }

  if (recording) {
    auto fresh = std::make_unique<Plan>();
    buildPlan(*fresh, slotBytes, slotDef, slotLast);
    fresh->arena = std::aligned_alloc(64, std::max<uint64_t>(align64(fresh->arenaBytes), 64));
    std::lock_guard<std::mutex> g(exec.plansMutex);
    exec.last = {sizeof(kiln_executable_stats), fresh->arenaBytes, fresh->sumBytes,
                 uint64_t(std::count_if(slotBytes.begin(), slotBytes.end(),
                                        [](uint64_t b) { return b > 0; })),
                 uint64_t(exec.plans.size() + 1)};
    if (fresh->arena)
      exec.plans.emplace(key, std::move(fresh));
  } else if (plan) {
    std::lock_guard<std::mutex> g(exec.plansMutex);
    exec.last.arena_bytes = plan->arenaBytes;
    exec.last.intermediate_bytes = plan->sumBytes;
  }
  return KILN_OK;
}

kiln_status executableStats(kiln_plugin p, kiln_executable e, kiln_executable_stats *stats) {
  if (!stats || stats->struct_size < sizeof(size_t))
    return fail(p, KILN_ERROR_INVALID_ARGUMENT, "executable_stats needs a stats struct");
  auto &exec = *reinterpret_cast<Executable *>(e);
  std::lock_guard<std::mutex> g(exec.plansMutex);
  kiln_executable_stats s = exec.last;
  s.plans_cached = exec.plans.size();
  size_t n = std::min(stats->struct_size, sizeof(kiln_executable_stats));
  s.struct_size = n;
  std::memcpy(stats, &s, n);
  return KILN_OK;
}

kiln_plugin_api makeApi() {
  kiln_plugin_api api{};
  api.struct_size = sizeof(kiln_plugin_api);
  api.abi_major = KILN_PLUGIN_ABI_MAJOR;
  api.abi_minor = KILN_PLUGIN_ABI_MINOR;
  api.name = "reference";
  api.version = "0.1.0";
  api.device_kind = "cpu";
  api.memory_space = KILN_MEMORY_HOST;
  api.priority = 0;
  api.create = create;
  api.destroy = destroy;
  api.last_error = lastError;
  api.query = query;
  api.compile = compile;
  api.executable_destroy = executableDestroy;
  api.execute = execute;
  api.executable_stats = executableStats;
  return api;
}

const kiln_plugin_api kApi = makeApi();

} // namespace

extern "C" __attribute__((visibility("default"))) const kiln_plugin_api *
kiln_plugin_get(uint32_t hostMajor, uint32_t) {
  return hostMajor == KILN_PLUGIN_ABI_MAJOR ? &kApi : nullptr;
}
