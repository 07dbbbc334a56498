//===- FuzzOnnxGraph.cpp - structure-aware libFuzzer target: ONNX graphs ---===//
//
// Byte-level mutations of an .onnx file mostly break the protobuf framing and
// end in the wire reader. This target's LLVMFuzzerCustomMutator parses the
// input with kiln's reader, mutates the *graph* (op types, attributes, input
// and output edges, node order, value shapes and element types, initializer
// dims / data types / storage, opset) and serializes it again, so that most
// inputs are well-formed models that reach the importer's per-op code, type
// inference and the verifier. One mutation in eight is a plain byte-level one
// (LLVMFuzzerMutate), and inputs that do not parse fall back to it too.
//
// Without libFuzzer (the replay driver of an ordinary build) only
// LLVMFuzzerTestOneInput is compiled: it replays the corpus.
//
//===----------------------------------------------------------------------===//
#include "OnnxFuzzCommon.h"
#include "kiln/onnx/OnnxProto.h"

#include <cstring>
#include <deque>
#include <limits>
#include <random>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln::fuzz::importOnnx(data, size);
  return 0;
}

#ifdef KILN_LIBFUZZER

using namespace kiln::onnx;

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

// --- protobuf writer for the parsed structs ----------------------------------

struct Out {
  std::string b;
  void raw(uint64_t v) {
    do {
      uint8_t c = v & 0x7f;
      v >>= 7;
      b.push_back(char(v ? c | 0x80 : c));
    } while (v);
  }
  void tag(uint32_t field, int wire) { raw((uint64_t(field) << 3) | uint64_t(wire)); }
  void varint(uint32_t field, int64_t v) {
    tag(field, 0);
    raw(uint64_t(v));
  }
  void bytes(uint32_t field, std::string_view s) {
    tag(field, 2);
    raw(s.size());
    b.append(s.data(), s.size());
  }
  void msg(uint32_t field, const Out &m) { bytes(field, m.b); }
  void f32(uint32_t field, float f) {
    tag(field, 5);
    b.append(reinterpret_cast<const char *>(&f), 4);
  }
  template <class T> void packedVarints(uint32_t field, const std::vector<T> &v) {
    if (v.empty())
      return;
    Out p;
    for (T x : v)
      p.raw(uint64_t(int64_t(x)));
    msg(field, p);
  }
  template <class T> void packedFixed(uint32_t field, const std::vector<T> &v) {
    if (v.empty())
      return;
    bytes(field, std::string_view(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(T)));
  }
};

void writeEntries(Out &o, uint32_t field, const std::vector<StringStringEntryProto> &es) {
  for (const auto &e : es) {
    Out m;
    m.bytes(1, e.key);
    m.bytes(2, e.value);
    o.msg(field, m);
  }
}

Out writeType(const TypeProto &t);

Out writeTensorType(const TypeProto &t) {
  Out tt;
  tt.varint(1, t.elem_type);
  if (t.has_shape) {
    Out shape;
    for (const auto &d : t.shape.dim) {
      Out dm;
      if (d.kind == TensorShapeProto::Dimension::Value)
        dm.varint(1, d.dim_value);
      else if (d.kind == TensorShapeProto::Dimension::Param)
        dm.bytes(2, d.dim_param);
      shape.msg(1, dm);
    }
    tt.msg(2, shape);
  }
  return tt;
}

Out writeType(const TypeProto &t) {
  Out o;
  switch (t.kind) {
  case TypeProto::Kind::Tensor: o.msg(1, writeTensorType(t)); break;
  case TypeProto::Kind::SparseTensor: o.msg(8, writeTensorType(t)); break;
  case TypeProto::Kind::Sequence:
  case TypeProto::Kind::Optional: {
    Out s;
    if (t.elem)
      s.msg(1, writeType(*t.elem));
    o.msg(t.kind == TypeProto::Kind::Sequence ? 4 : 9, s);
    break;
  }
  default: break;
  }
  return o;
}

Out writeValueInfo(const ValueInfoProto &v) {
  Out o;
  o.bytes(1, v.name);
  if (v.type.kind != TypeProto::Kind::None)
    o.msg(2, writeType(v.type));
  return o;
}

Out writeTensor(const TensorProto &t) {
  Out o;
  o.packedVarints(1, t.dims);
  o.varint(2, t.data_type);
  o.packedFixed(4, t.float_data);
  o.packedVarints(5, t.int32_data);
  for (auto s : t.string_data)
    o.bytes(6, s);
  o.packedVarints(7, t.int64_data);
  o.bytes(8, t.name);
  if (t.has_raw_data)
    o.bytes(9, t.raw_data.str());
  o.packedFixed(10, t.double_data);
  o.packedVarints(11, t.uint64_data);
  writeEntries(o, 13, t.external_data);
  if (t.data_location)
    o.varint(14, t.data_location);
  return o;
}

Out writeGraph(const GraphProto &g);

Out writeAttribute(const AttributeProto &a) {
  Out o;
  o.bytes(1, a.name);
  o.varint(20, a.type);
  switch (a.type) {
  case AttributeProto::FLOAT: o.f32(2, a.f); break;
  case AttributeProto::INT: o.varint(3, a.i); break;
  case AttributeProto::STRING: o.bytes(4, a.s); break;
  case AttributeProto::TENSOR:
    if (a.t)
      o.msg(5, writeTensor(*a.t));
    break;
  case AttributeProto::GRAPH:
    if (a.g)
      o.msg(6, writeGraph(*a.g));
    break;
  case AttributeProto::FLOATS: o.packedFixed(7, a.floats); break;
  case AttributeProto::INTS: o.packedVarints(8, a.ints); break;
  case AttributeProto::STRINGS:
    for (auto s : a.strings)
      o.bytes(9, s);
    break;
  case AttributeProto::TENSORS:
    for (const auto &t : a.tensors)
      o.msg(10, writeTensor(t));
    break;
  case AttributeProto::GRAPHS:
    for (const auto &g : a.graphs)
      o.msg(11, writeGraph(g));
    break;
  case AttributeProto::TYPE_PROTO:
    if (a.tp)
      o.msg(14, writeType(*a.tp));
    break;
  default: break;
  }
  if (!a.ref_attr_name.empty())
    o.bytes(21, a.ref_attr_name);
  return o;
}

Out writeNode(const NodeProto &n) {
  Out o;
  for (auto s : n.input)
    o.bytes(1, s);
  for (auto s : n.output)
    o.bytes(2, s);
  if (!n.name.empty())
    o.bytes(3, n.name);
  o.bytes(4, n.op_type);
  for (const auto &a : n.attribute)
    o.msg(5, writeAttribute(a));
  if (!n.domain.empty())
    o.bytes(7, n.domain);
  return o;
}

Out writeGraph(const GraphProto &g) {
  Out o;
  for (const auto &n : g.node)
    o.msg(1, writeNode(n));
  o.bytes(2, g.name);
  for (const auto &t : g.initializer)
    o.msg(5, writeTensor(t));
  for (const auto &v : g.input)
    o.msg(11, writeValueInfo(v));
  for (const auto &v : g.output)
    o.msg(12, writeValueInfo(v));
  for (const auto &v : g.value_info)
    o.msg(13, writeValueInfo(v));
  return o;
}

std::string writeModel(const ModelProto &m) {
  Out o;
  o.varint(1, m.ir_version);
  if (!m.producer_name.empty())
    o.bytes(2, m.producer_name);
  if (m.has_graph)
    o.msg(7, writeGraph(m.graph));
  for (const auto &op : m.opset_import) {
    Out s;
    s.bytes(1, op.domain);
    s.varint(2, op.version);
    o.msg(8, s);
  }
  return o.b;
}

// --- graph mutations ----------------------------------------------------------

const char *const kOps[] = {
    "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Abs", "Neg", "Floor", "Ceil",
    "Round", "Erf", "Sin", "Cos", "Sign", "Not", "Softplus", "Mish", "HardSwish", "Identity",
    "LeakyRelu", "Elu", "Selu", "HardSigmoid", "Gelu", "ThresholdedRelu", "Clip", "Dropout",
    "Cast", "Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "LessOrEqual", "Greater",
    "GreaterOrEqual", "And", "Or", "Xor", "PRelu", "Where", "Mod", "Mean", "CastLike", "Sum",
    "Max", "Min", "Softmax", "LogSoftmax", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
    "ReduceProd", "ReduceSumSquare", "ReduceLogSumExp", "ReduceLogSum", "ArgMax", "ArgMin",
    "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split", "Slice",
    "Gather", "Pad", "Resize", "Expand", "Tile", "Shape", "Size", "Range", "ConstantOfShape",
    "Constant", "Conv", "ConvTranspose", "MatMul", "Gemm", "BatchNormalization",
    "LayerNormalization", "InstanceNormalization", "GatherElements", "Trilu", "CumSum", "Shrink",
    "Hardmax", "RMSNormalization", "GroupNormalization", "MaxPool", "AveragePool",
    "GlobalAveragePool", "GlobalMaxPool", "If", "Loop", "NoSuchOp"};

const char *const kAttrNames[] = {
    "axis", "axes", "perm", "kernel_shape", "strides", "pads", "dilations", "group", "alpha",
    "beta", "gamma", "transA", "transB", "keepdims", "epsilon", "mode", "to", "shape", "split",
    "num_outputs", "auto_pad", "ceil_mode", "count_include_pad", "output_padding", "output_shape",
    "starts", "ends", "value", "value_int", "value_ints", "value_float", "value_floats", "upper",
    "exclusive", "reverse", "lambd", "bias", "min", "max", "stash_type", "num_groups",
    "allowzero", "noop_with_empty_axes", "select_last_index", "approximate", "fmod",
    "coordinate_transformation_mode", "nearest_mode", "scales", "storage_order", "then_branch"};

const char *const kStrings[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "constant",
                                "reflect", "edge", "wrap", "nearest", "linear", "cubic",
                                "tanh", "none", "half_pixel", "", "\xff\xfe"};

const int64_t kInts[] = {0, 1, 2, 3, 4, -1, -2, -3, 7, 8, 64, 255, 1000000,
                         int64_t(1) << 31, (int64_t(1) << 31) - 1, int64_t(1) << 32,
                         int64_t(1) << 40, int64_t(1) << 62, std::numeric_limits<int64_t>::max(),
                         std::numeric_limits<int64_t>::min()};

const float kFloats[] = {0.f, 1.f, -1.f, 0.5f, 1e-5f, 1e30f, -1e30f,
                         std::numeric_limits<float>::infinity(),
                         std::numeric_limits<float>::quiet_NaN()};

struct Mutator {
  std::minstd_rand rng;
  std::deque<std::string> arena; // owns the strings the mutations create
  ModelProto &m;

  Mutator(unsigned seed, ModelProto &m) : rng(seed), m(m) {}

  size_t pick(size_t n) { return n ? size_t(rng() % n) : 0; }
  bool coin(unsigned oneIn = 2) { return rng() % oneIn == 0; }
  std::string_view keep(std::string s) {
    arena.push_back(std::move(s));
    return arena.back();
  }
  int64_t anyInt() {
    return coin(3) ? int64_t(pick(6)) - 1 : kInts[pick(sizeof(kInts) / sizeof(kInts[0]))];
  }
  template <class T, size_t N> const T &oneOf(const T (&a)[N]) { return a[pick(N)]; }

  GraphProto &g() { return m.graph; }

  /// Names of the values the graph has: inputs, initializers, node outputs.
  std::vector<std::string_view> valueNames() {
    std::vector<std::string_view> names;
    for (const auto &v : g().input)
      names.push_back(v.name);
    for (const auto &t : g().initializer)
      names.push_back(t.name);
    for (const auto &n : g().node)
      for (auto o : n.output)
        names.push_back(o);
    return names;
  }
  std::string_view anyName() {
    auto names = valueNames();
    if (names.empty() || coin(8))
      return coin(2) ? std::string_view() : keep("dangling" + std::to_string(pick(4)));
    return names[pick(names.size())];
  }

  void mutateAttr(AttributeProto &a) {
    switch (pick(6)) {
    case 0: a.type = AttributeProto::INT; a.i = anyInt(); break;
    case 1: {
      a.type = AttributeProto::INTS;
      a.ints.resize(pick(7));
      for (auto &x : a.ints)
        x = anyInt();
      break;
    }
    case 2: a.type = AttributeProto::FLOAT; a.f = oneOf(kFloats); break;
    case 3: {
      a.type = AttributeProto::FLOATS;
      a.floats.resize(pick(5));
      for (auto &x : a.floats)
        x = oneOf(kFloats);
      break;
    }
    case 4: a.type = AttributeProto::STRING; a.s = oneOf(kStrings); break;
    default: {
      a.type = AttributeProto::TENSOR;
      TensorProto &t = a.t.getOrCreate();
      t = TensorProto();
      t.data_type = coin() ? TensorProto::INT64 : TensorProto::FLOAT;
      size_t n = pick(5);
      if (coin(4))
        t.dims.push_back(coin() ? int64_t(n) : anyInt()); // maybe inconsistent
      else if (coin())
        t.dims.push_back(int64_t(n));
      if (t.data_type == TensorProto::INT64)
        for (size_t i = 0; i < n; ++i)
          t.int64_data.push_back(anyInt());
      else
        for (size_t i = 0; i < n; ++i)
          t.float_data.push_back(oneOf(kFloats));
      break;
    }
    }
  }

  void mutateType(TypeProto &t) {
    switch (pick(5)) {
    case 0: t.kind = TypeProto::Kind::Tensor; t.elem_type = int32_t(pick(28)); break;
    case 1: t.has_shape = !t.has_shape; break;
    case 2:
      if (!t.shape.dim.empty() && coin()) {
        t.shape.dim.erase(t.shape.dim.begin() + long(pick(t.shape.dim.size())));
        break;
      }
      t.has_shape = true;
      t.shape.dim.insert(t.shape.dim.begin() + long(pick(t.shape.dim.size() + 1)),
                         TensorShapeProto::Dimension());
      [[fallthrough]];
    default: {
      if (t.shape.dim.empty())
        break;
      auto &d = t.shape.dim[pick(t.shape.dim.size())];
      if (coin(4)) {
        d.kind = TensorShapeProto::Dimension::Param;
        d.dim_param = coin() ? "N" : "batch";
      } else {
        d.kind = TensorShapeProto::Dimension::Value;
        d.dim_value = anyInt();
      }
    }
    }
  }

  void mutateTensor(TensorProto &t) {
    switch (pick(6)) {
    case 0: // dims
      if (!t.dims.empty() && coin())
        t.dims[pick(t.dims.size())] = anyInt();
      else if (coin())
        t.dims.push_back(anyInt());
      else if (!t.dims.empty())
        t.dims.pop_back();
      break;
    case 1: t.data_type = int32_t(pick(28)); break;
    case 2: // shorten the data
      if (t.has_raw_data && t.raw_data.size)
        t.raw_data.size = pick(t.raw_data.size);
      else if (!t.float_data.empty())
        t.float_data.pop_back();
      else if (!t.int64_data.empty())
        t.int64_data.pop_back();
      break;
    case 3: { // stored outside the model
      t.data_location = TensorProto::EXTERNAL;
      t.external_data.clear();
      static const char *const locs[] = {"w.bin", "../w.bin", "/etc/passwd", "", "a/../../b"};
      t.external_data.push_back({"location", oneOf(locs)});
      if (coin())
        t.external_data.push_back({"offset", keep(std::to_string(anyInt()))});
      if (coin())
        t.external_data.push_back({"length", keep(std::to_string(anyInt()))});
      break;
    }
    case 4: // a claimed element count with no data behind it
      t.dims = {anyInt(), anyInt()};
      break;
    default: t.name = anyName(); break;
    }
  }

  void mutateNode(NodeProto &n) {
    switch (pick(9)) {
    case 0: n.op_type = oneOf(kOps); break;
    case 1:
    case 2: { // set or change an attribute
      std::string_view name = oneOf(kAttrNames);
      AttributeProto *a = nullptr;
      if (!n.attribute.empty() && coin())
        a = &n.attribute[pick(n.attribute.size())];
      else {
        for (auto &x : n.attribute)
          if (x.name == name)
            a = &x;
        if (!a) {
          n.attribute.emplace_back();
          a = &n.attribute.back();
          a->name = name;
        }
      }
      mutateAttr(*a);
      break;
    }
    case 3:
      if (!n.attribute.empty())
        n.attribute.erase(n.attribute.begin() + long(pick(n.attribute.size())));
      break;
    case 4: // rewire an input
      if (!n.input.empty() && !coin(4))
        n.input[pick(n.input.size())] = anyName();
      else
        n.input.push_back(anyName());
      break;
    case 5:
      if (!n.input.empty())
        n.input.erase(n.input.begin() + long(pick(n.input.size())));
      break;
    case 6: // outputs: rename (maybe to an existing name), add, drop
      if (!n.output.empty() && coin())
        n.output[pick(n.output.size())] = coin() ? anyName() : keep("v" + std::to_string(pick(64)));
      else if (coin())
        n.output.push_back(keep("v" + std::to_string(pick(64))));
      else if (!n.output.empty())
        n.output.pop_back();
      break;
    case 7:
      if (!n.attribute.empty()) {
        auto &a = n.attribute[pick(n.attribute.size())];
        if (a.t)
          mutateTensor(*a.t);
        else
          mutateAttr(a);
      }
      break;
    default: n.domain = coin() ? "com.example" : ""; break;
    }
  }

  void mutateOnce() {
    GraphProto &graph = g();
    switch (pick(12)) {
    case 0:
    case 1:
    case 2:
    case 3:
      if (!graph.node.empty()) {
        mutateNode(graph.node[pick(graph.node.size())]);
        break;
      }
      [[fallthrough]];
    case 4: { // a new node fed by existing values
      NodeProto n;
      n.op_type = oneOf(kOps);
      for (size_t i = 0, k = 1 + pick(3); i < k; ++i)
        n.input.push_back(anyName());
      n.output.push_back(keep("n" + std::to_string(pick(1000))));
      graph.node.insert(graph.node.begin() + long(pick(graph.node.size() + 1)), n);
      break;
    }
    case 5: // reorder (use before definition), duplicate or drop nodes
      if (graph.node.size() >= 2 && coin())
        std::swap(graph.node[pick(graph.node.size())], graph.node[pick(graph.node.size())]);
      else if (!graph.node.empty() && coin())
        graph.node.push_back(graph.node[pick(graph.node.size())]);
      else if (!graph.node.empty())
        graph.node.erase(graph.node.begin() + long(pick(graph.node.size())));
      break;
    case 6:
      if (!graph.input.empty())
        mutateType(graph.input[pick(graph.input.size())].type);
      break;
    case 7:
      if (!graph.output.empty()) {
        auto &o = graph.output[pick(graph.output.size())];
        if (coin())
          mutateType(o.type);
        else
          o.name = anyName();
      } else {
        graph.output.emplace_back();
        graph.output.back().name = anyName();
      }
      break;
    case 8:
      if (!graph.initializer.empty())
        mutateTensor(graph.initializer[pick(graph.initializer.size())]);
      break;
    case 9: // opset
      for (auto &o : m.opset_import)
        if (o.domain.empty() || o.domain == "ai.onnx")
          o.version = coin(4) ? anyInt() : int64_t(1 + pick(26));
      break;
    case 10:
      if (!graph.value_info.empty() && coin())
        mutateType(graph.value_info[pick(graph.value_info.size())].type);
      else if (!graph.node.empty() && !graph.node[pick(graph.node.size())].output.empty()) {
        ValueInfoProto vi;
        vi.name = anyName();
        vi.type.kind = TypeProto::Kind::Tensor;
        vi.type.elem_type = TensorProto::FLOAT;
        mutateType(vi.type);
        graph.value_info.push_back(vi);
      }
      break;
    default: // a graph input more or less
      if (!graph.input.empty() && coin())
        graph.input.erase(graph.input.begin() + long(pick(graph.input.size())));
      else {
        ValueInfoProto vi;
        vi.name = keep("in" + std::to_string(pick(8)));
        vi.type.kind = TypeProto::Kind::Tensor;
        vi.type.elem_type = TensorProto::FLOAT;
        vi.type.has_shape = true;
        vi.type.shape.dim.resize(pick(5));
        for (auto &d : vi.type.shape.dim) {
          d.kind = TensorShapeProto::Dimension::Value;
          d.dim_value = int64_t(1 + pick(4));
        }
        graph.input.push_back(vi);
      }
      break;
    }
  }
};

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxSize,
                                          unsigned int seed) {
  if (seed % 8 == 0)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::string input(reinterpret_cast<const char *>(data), size); // the views point here
  ModelProto model;
  std::string error;
  if (!parseModel(reinterpret_cast<const uint8_t *>(input.data()), input.size(), model, error) ||
      !model.has_graph)
    return LLVMFuzzerMutate(data, size, maxSize);
  Mutator mut(seed, model);
  for (size_t i = 0, n = 1 + mut.pick(3); i < n; ++i)
    mut.mutateOnce();
  std::string out = writeModel(model);
  if (out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

#endif // KILN_LIBFUZZER
