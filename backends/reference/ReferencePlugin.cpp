//===- ReferencePlugin.cpp - the reference backend behind the plugin ABI --===//
//
// Runs every kiln op with the portable kernels in kernels/: the oracle the
// other backends are tested against and the fallback of last resort. Host
// memory, synchronous execution, lowest priority.
//
//===----------------------------------------------------------------------===//
#include "kernels/Kernels.h"
#include "kiln/kiln_plugin.h"

#include <cstdlib>
#include <cstring>
#include <memory>
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

struct Executable {
  std::vector<CompiledNode> nodes;
  std::vector<int32_t> inputs, outputs;
  std::vector<Tensor> constants; // per value id; data null unless a weight
  std::vector<DType> types;
};

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
  case KILN_ATTR_TENSOR: {
    // A one-element tensor (constant_of_shape's value) as a typed scalar.
    if (!knownDType(a.tensor.dtype) || !a.tensor_data)
      return false;
    Tensor t{DType(a.tensor.dtype), {}, const_cast<void *>(a.tensor_data)};
    double v = 0;
    switch (t.dtype) {
    case DType::F32: v = *static_cast<const float *>(a.tensor_data); break;
    case DType::F64: v = *static_cast<const double *>(a.tensor_data); break;
    case DType::I64: v = double(*static_cast<const int64_t *>(a.tensor_data)); break;
    case DType::I32: v = *static_cast<const int32_t *>(a.tensor_data); break;
    case DType::I8: v = *static_cast<const int8_t *>(a.tensor_data); break;
    case DType::U8: case DType::Bool: v = *static_cast<const uint8_t *>(a.tensor_data); break;
    default: return false;
    }
    out = Attr::makeValue(t.dtype, v);
    return true;
  }
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
  std::vector<std::vector<uint8_t>> storage; // intermediates
  std::vector<int32_t> outputSlot(values.size(), -1);
  for (int32_t i = 0; i < numOutputs; ++i)
    outputSlot[exec.outputs[i]] = i;
  for (int32_t i = 0; i < numInputs; ++i) {
    Tensor &t = values[exec.inputs[i]];
    t.dtype = DType(inputs[i].type.dtype);
    t.shape.assign(inputs[i].type.shape, inputs[i].type.shape + inputs[i].type.rank);
    t.data = inputs[i].data;
  }
  storage.reserve(exec.nodes.size() * 2);
  for (const CompiledNode &n : exec.nodes) {
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
      } else {
        storage.emplace_back(std::max<size_t>(bytes, 1));
        t.data = storage.back().data();
      }
    }
    st = run(n.op, n.attrs, ins, outs);
    if (!st)
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + n.name + "' (" + n.op + "): " + st.message);
    for (size_t k = 0; k < n.outputs.size(); ++k)
      values[n.outputs[k]] = outs[k];
  }
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
  return api;
}

const kiln_plugin_api kApi = makeApi();

} // namespace

extern "C" __attribute__((visibility("default"))) const kiln_plugin_api *
kiln_plugin_get(uint32_t hostMajor, uint32_t) {
  return hostMajor == KILN_PLUGIN_ABI_MAJOR ? &kApi : nullptr;
}
