//===- OnnxProtoTest.cpp - Tests of the zero-copy ONNX protobuf reader ----===//
//
// kiln: GoogleTest tests for kiln/onnx/OnnxProto.h and kiln/support/
// MappedFile.h:
//  - hand-built wire-format byte strings: every wire type, packed and unpacked
//    repeated scalars, nested messages, unknown fields, groups, wrong wire
//    types, malformed varints/lengths, merge semantics, error messages;
//  - robustness: every truncation of valid messages, every single-bit flip,
//    seeded random mutations, the depth and element limits;
//  - tensor helpers: tensorData (zero copy and typed-field conversion),
//    numElements, data type helpers, parseExternalData;
//  - MappedFile;
//  - the ONNX backend node-test corpus: every model.onnx and every
//    test_data_set_0/*.pb (parsed as TensorProto / SequenceProto /
//    OptionalProto according to the model's graph input/output types).
//    Found via $KILN_ONNX_NODE_TESTS, else $KILN_SOURCE_DIR (compile definition
//    or environment) + "/../shared/onnx-node-tests"; skipped when absent.
//
//===----------------------------------------------------------------------===//

#include "kiln/onnx/OnnxProto.h"
#include "kiln/support/MappedFile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>

using namespace kiln::onnx;
using kiln::MappedFile;

namespace {

//===----------------------------------------------------------------------===//
// A tiny protobuf encoder for building test inputs.
//===----------------------------------------------------------------------===//

struct Enc {
  std::string b;

  Enc &raw(std::string_view s) {
    b.append(s.data(), s.size());
    return *this;
  }
  Enc &varint(uint64_t v) {
    while (v >= 0x80) {
      b += char(uint8_t(v | 0x80));
      v >>= 7;
    }
    b += char(uint8_t(v));
    return *this;
  }
  Enc &key(uint32_t field, unsigned wire) {
    return varint((uint64_t(field) << 3) | wire);
  }
  Enc &le(uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
      b += char(uint8_t(v >> (8 * i)));
    return *this;
  }
  // Singular fields.
  Enc &u(uint32_t field, uint64_t v) { return key(field, 0).varint(v); }
  Enc &i(uint32_t field, int64_t v) { return u(field, uint64_t(v)); }
  Enc &s(uint32_t field, std::string_view v) {
    key(field, 2).varint(v.size());
    return raw(v);
  }
  Enc &m(uint32_t field, const Enc &e) { return s(field, e.b); }
  Enc &f32(uint32_t field, float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    return key(field, 5).le(bits, 4);
  }
  Enc &f64(uint32_t field, double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    return key(field, 1).le(bits, 8);
  }
  // Packed repeated fields.
  Enc &packedVarints(uint32_t field, std::initializer_list<int64_t> vs) {
    Enc p;
    for (int64_t v : vs)
      p.varint(uint64_t(v));
    return s(field, p.b);
  }
  Enc &packedF32(uint32_t field, std::initializer_list<float> vs) {
    Enc p;
    for (float v : vs) {
      uint32_t bits;
      std::memcpy(&bits, &v, 4);
      p.le(bits, 4);
    }
    return s(field, p.b);
  }
  Enc &packedF64(uint32_t field, std::initializer_list<double> vs) {
    Enc p;
    for (double v : vs) {
      uint64_t bits;
      std::memcpy(&bits, &v, 8);
      p.le(bits, 8);
    }
    return s(field, p.b);
  }
};

const uint8_t *bytesOf(const std::string &s) {
  return reinterpret_cast<const uint8_t *>(s.data());
}

bool parse(const std::string &s, ModelProto &m, std::string &err,
           const ParseLimits &limits = {}) {
  return parseModel(bytesOf(s), s.size(), m, err, limits);
}
bool parse(const std::string &s, TensorProto &t, std::string &err,
           const ParseLimits &limits = {}) {
  return parseTensor(bytesOf(s), s.size(), t, err, limits);
}
bool parse(const std::string &s, TypeProto &t, std::string &err,
           const ParseLimits &limits = {}) {
  return parseType(bytesOf(s), s.size(), t, err, limits);
}

// Builders for ONNX messages (field numbers written out independently of the
// parser's tables, from onnx.proto).
Enc tensorType(int32_t elemType, std::initializer_list<Enc> dims) {
  Enc shape;
  for (const Enc &d : dims)
    shape.m(1, d);
  Enc t;
  t.i(1, elemType).m(2, shape);
  return Enc().m(1, t); // TypeProto.tensor_type
}
Enc dimValue(int64_t v) { return Enc().i(1, v); }
Enc dimParam(std::string_view p) { return Enc().s(2, p); }
Enc valueInfo(std::string_view name, const Enc &type) {
  return Enc().s(1, name).m(2, type);
}

// A model that exercises most fields; used by several tests.
std::string richModel() {
  Enc floatTensor; // initializer "W": raw_data, dims [2, 2]
  floatTensor.packedVarints(1, {2, 2}).i(2, 1).s(8, "W");
  {
    Enc raw;
    for (float v : {1.0f, 2.0f, 3.0f, 4.0f}) {
      uint32_t bits;
      std::memcpy(&bits, &v, 4);
      raw.le(bits, 4);
    }
    floatTensor.s(9, raw.b);
  }

  Enc subgraph; // attribute graph
  subgraph.m(1, Enc().s(1, "a").s(2, "b").s(4, "Identity"))
      .s(2, "body")
      .m(12, valueInfo("b", tensorType(1, {})));

  Enc attrF, attrI, attrS, attrT, attrG, attrFloats, attrInts, attrStrings,
      attrTensors, attrGraphs, attrTp, attrTypeProtos, attrRef;
  attrF.s(1, "alpha").f32(2, 0.5f).i(20, 1);
  attrI.s(1, "axis").i(3, -1).i(20, 2);
  attrS.s(1, "mode").s(4, "constant").i(20, 3);
  attrT.s(1, "value").m(5, floatTensor).i(20, 4);
  attrG.s(1, "then_branch").m(6, subgraph).i(20, 5);
  attrFloats.s(1, "scales").packedF32(7, {1.5f, 2.5f}).f32(7, 3.5f).i(20, 6);
  attrInts.s(1, "pads").i(8, 1).packedVarints(8, {2, -3}).i(20, 7);
  attrStrings.s(1, "names").s(9, "x").s(9, "").s(9, "zz").i(20, 8);
  attrTensors.s(1, "ts").m(10, floatTensor).m(10, floatTensor).i(20, 9);
  attrGraphs.s(1, "gs").m(11, subgraph).i(20, 10);
  attrTp.s(1, "tp").m(14, tensorType(7, {dimValue(3)})).i(20, 13);
  attrTypeProtos.s(1, "tps")
      .m(15, tensorType(1, {}))
      .m(15, tensorType(6, {}))
      .i(20, 14);
  attrRef.s(1, "ref").s(21, "parent_attr").i(20, 2).s(13, "doc");

  Enc node;
  node.s(1, "X").s(1, "").s(1, "W").s(2, "Y").s(3, "node0").s(4, "MyOp")
      .s(7, "com.example").s(8, "ov1").s(6, "node doc")
      .m(9, Enc().s(1, "k").s(2, "v"));
  for (const Enc *a : {&attrF, &attrI, &attrS, &attrT, &attrG, &attrFloats,
                       &attrInts, &attrStrings, &attrTensors, &attrGraphs,
                       &attrTp, &attrTypeProtos, &attrRef})
    node.m(5, *a);

  Enc seqType; // sequence(tensor(float))
  seqType.m(4, Enc().m(1, tensorType(1, {dimParam("N")})));
  Enc optType; // optional(tensor(int64))
  optType.m(9, Enc().m(1, tensorType(7, {Enc()})));
  Enc mapType; // map(int64, tensor(float))
  mapType.m(5, Enc().i(1, 7).m(2, tensorType(1, {})));

  Enc graph;
  graph.m(1, node)
      .m(1, Enc().s(1, "Y").s(2, "Z").s(4, "Relu"))
      .s(2, "main")
      .m(5, floatTensor)
      .s(10, "graph doc")
      .m(11, valueInfo("X", tensorType(1, {dimParam("batch"), dimValue(2)})))
      .m(11, valueInfo("S", seqType))
      .m(11, valueInfo("O", optType))
      .m(11, valueInfo("M", mapType))
      .m(12, valueInfo("Z", tensorType(1, {dimParam("batch"), dimValue(2)})))
      .m(13, valueInfo("Y", tensorType(1, {})))
      .m(16, Enc().s(1, "gk").s(2, "gv"));

  Enc function;
  function.s(1, "MyOp")
      .s(4, "X")
      .s(5, "Y")
      .s(6, "alpha")
      .m(7, Enc().s(1, "X").s(2, "Y").s(4, "Neg"))
      .s(8, "fn doc")
      .m(9, Enc().s(1, "").i(2, 18))
      .s(10, "com.example")
      .m(11, attrF)
      .m(12, valueInfo("X", tensorType(1, {})))
      .s(13, "ov1")
      .m(14, Enc().s(1, "fk").s(2, "fv"));

  Enc model;
  model.i(1, 9)
      .s(2, "kiln-test")
      .s(3, "0.1")
      .s(4, "ai.kiln")
      .i(5, 42)
      .s(6, "model doc")
      .m(7, graph)
      .m(8, Enc().s(1, "").i(2, 18))
      .m(8, Enc().s(1, "com.example").i(2, 1))
      .m(14, Enc().s(1, "author").s(2, "kiln"))
      .m(25, function);
  return model.b;
}

// Offsets at which a serialized message may be cut and still be a valid
// message: the boundaries between its top-level fields.
std::set<size_t> topLevelBoundaries(const std::string &s) {
  std::set<size_t> out{0};
  size_t p = 0;
  auto varint = [&]() {
    uint64_t v = 0;
    for (unsigned sh = 0;; sh += 7) {
      uint8_t c = uint8_t(s.at(p++));
      v |= uint64_t(c & 0x7f) << sh;
      if (!(c & 0x80))
        return v;
    }
  };
  while (p < s.size()) {
    uint64_t key = varint();
    switch (key & 7) {
    case 0:
      varint();
      break;
    case 1:
      p += 8;
      break;
    case 2: {
      uint64_t n = varint();
      p += size_t(n);
      break;
    }
    case 5:
      p += 4;
      break;
    default:
      ADD_FAILURE() << "unexpected wire type";
      return out;
    }
    out.insert(p);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Wire format
//===----------------------------------------------------------------------===//

TEST(OnnxProtoWire, EmptyInputIsEmptyMessage) {
  ModelProto m;
  std::string err = "stale";
  EXPECT_TRUE(parseModel(nullptr, 0, m, err));
  EXPECT_TRUE(err.empty());
  EXPECT_FALSE(m.has_graph);
  TensorProto t;
  EXPECT_TRUE(parseTensor(nullptr, 0, t, err));
}

TEST(OnnxProtoWire, RichModelFields) {
  std::string bytes = richModel();
  ModelProto m;
  std::string err;
  ASSERT_TRUE(parse(bytes, m, err)) << err;
  EXPECT_EQ(m.ir_version, 9);
  EXPECT_EQ(m.producer_name, "kiln-test");
  EXPECT_EQ(m.producer_version, "0.1");
  EXPECT_EQ(m.domain, "ai.kiln");
  EXPECT_EQ(m.model_version, 42);
  EXPECT_EQ(m.doc_string, "model doc");
  ASSERT_EQ(m.opset_import.size(), 2u);
  EXPECT_EQ(m.opset_import[0].domain, "");
  EXPECT_EQ(m.opset_import[0].version, 18);
  EXPECT_EQ(m.opset_import[1].domain, "com.example");
  ASSERT_EQ(m.metadata_props.size(), 1u);
  EXPECT_EQ(m.metadata_props[0].key, "author");
  EXPECT_EQ(m.metadata_props[0].value, "kiln");

  ASSERT_TRUE(m.has_graph);
  const GraphProto &g = m.graph;
  EXPECT_EQ(g.name, "main");
  EXPECT_EQ(g.doc_string, "graph doc");
  ASSERT_EQ(g.node.size(), 2u);
  ASSERT_EQ(g.metadata_props.size(), 1u);
  EXPECT_EQ(g.metadata_props[0].value, "gv");

  const NodeProto &n = g.node[0];
  ASSERT_EQ(n.input.size(), 3u);
  EXPECT_EQ(n.input[0], "X");
  EXPECT_EQ(n.input[1], ""); // omitted optional input
  EXPECT_EQ(n.input[2], "W");
  ASSERT_EQ(n.output.size(), 1u);
  EXPECT_EQ(n.output[0], "Y");
  EXPECT_EQ(n.name, "node0");
  EXPECT_EQ(n.op_type, "MyOp");
  EXPECT_EQ(n.domain, "com.example");
  EXPECT_EQ(n.overload, "ov1");
  EXPECT_EQ(n.doc_string, "node doc");
  ASSERT_EQ(n.metadata_props.size(), 1u);
  ASSERT_EQ(n.attribute.size(), 13u);

  const auto &a = n.attribute;
  EXPECT_EQ(a[0].name, "alpha");
  EXPECT_EQ(a[0].type, AttributeProto::FLOAT);
  EXPECT_EQ(a[0].f, 0.5f);
  EXPECT_EQ(a[1].i, -1);
  EXPECT_EQ(a[1].type, AttributeProto::INT);
  EXPECT_EQ(a[2].s, "constant");
  ASSERT_TRUE(a[3].t);
  EXPECT_EQ(a[3].t->name, "W");
  EXPECT_EQ(a[3].t->dims, (std::vector<int64_t>{2, 2}));
  ASSERT_TRUE(a[4].g);
  EXPECT_EQ(a[4].g->name, "body");
  ASSERT_EQ(a[4].g->node.size(), 1u);
  EXPECT_EQ(a[4].g->node[0].op_type, "Identity");
  EXPECT_EQ(a[5].floats, (std::vector<float>{1.5f, 2.5f, 3.5f}));
  EXPECT_EQ(a[6].ints, (std::vector<int64_t>{1, 2, -3}));
  ASSERT_EQ(a[7].strings.size(), 3u);
  EXPECT_EQ(a[7].strings[1], "");
  EXPECT_EQ(a[7].strings[2], "zz");
  EXPECT_EQ(a[8].tensors.size(), 2u);
  EXPECT_EQ(a[9].graphs.size(), 1u);
  ASSERT_TRUE(a[10].tp);
  EXPECT_EQ(a[10].tp->kind, TypeProto::Kind::Tensor);
  EXPECT_EQ(a[10].tp->elem_type, TensorProto::INT64);
  ASSERT_EQ(a[11].type_protos.size(), 2u);
  EXPECT_EQ(a[11].type_protos[1].elem_type, TensorProto::INT32);
  EXPECT_EQ(a[12].ref_attr_name, "parent_attr");
  EXPECT_EQ(a[12].doc_string, "doc");
  EXPECT_STREQ(attributeTypeName(a[11].type), "TYPE_PROTOS");

  ASSERT_EQ(g.initializer.size(), 1u);
  const TensorProto &w = g.initializer[0];
  EXPECT_EQ(w.data_type, TensorProto::FLOAT);
  ASSERT_TRUE(w.has_raw_data);
  // Zero copy: raw_data points into the input buffer.
  EXPECT_GE(w.raw_data.data, bytesOf(bytes));
  EXPECT_LE(w.raw_data.data + w.raw_data.size, bytesOf(bytes) + bytes.size());
  EXPECT_EQ(w.raw_data.size, 16u);

  ASSERT_EQ(g.input.size(), 4u);
  const TypeProto &x = g.input[0].type;
  EXPECT_EQ(g.input[0].name, "X");
  EXPECT_EQ(x.kind, TypeProto::Kind::Tensor);
  EXPECT_EQ(x.elem_type, TensorProto::FLOAT);
  ASSERT_TRUE(x.has_shape);
  ASSERT_EQ(x.shape.dim.size(), 2u);
  EXPECT_EQ(x.shape.dim[0].kind, TensorShapeProto::Dimension::Param);
  EXPECT_EQ(x.shape.dim[0].dim_param, "batch");
  EXPECT_EQ(x.shape.dim[1].kind, TensorShapeProto::Dimension::Value);
  EXPECT_EQ(x.shape.dim[1].dim_value, 2);

  const TypeProto &seq = g.input[1].type;
  EXPECT_EQ(seq.kind, TypeProto::Kind::Sequence);
  ASSERT_TRUE(seq.elem);
  EXPECT_EQ(seq.elem->kind, TypeProto::Kind::Tensor);
  EXPECT_EQ(seq.elem->shape.dim.at(0).dim_param, "N");

  const TypeProto &opt = g.input[2].type;
  EXPECT_EQ(opt.kind, TypeProto::Kind::Optional);
  ASSERT_TRUE(opt.elem);
  EXPECT_EQ(opt.elem->elem_type, TensorProto::INT64);
  ASSERT_EQ(opt.elem->shape.dim.size(), 1u);
  EXPECT_EQ(opt.elem->shape.dim[0].kind, TensorShapeProto::Dimension::Unknown);

  const TypeProto &map = g.input[3].type;
  EXPECT_EQ(map.kind, TypeProto::Kind::Map);
  EXPECT_EQ(map.elem_type, TensorProto::INT64); // key type
  ASSERT_TRUE(map.elem);
  EXPECT_EQ(map.elem->elem_type, TensorProto::FLOAT);
  // A tensor type with an empty shape message has rank 0, not unknown rank.
  EXPECT_TRUE(map.elem->has_shape);
  EXPECT_TRUE(map.elem->shape.dim.empty());

  ASSERT_EQ(g.output.size(), 1u);
  EXPECT_EQ(g.output[0].name, "Z");
  ASSERT_EQ(g.value_info.size(), 1u);

  ASSERT_EQ(m.functions.size(), 1u);
  const FunctionProto &f = m.functions[0];
  EXPECT_EQ(f.name, "MyOp");
  EXPECT_EQ(f.domain, "com.example");
  EXPECT_EQ(f.overload, "ov1");
  EXPECT_EQ(f.input, (std::vector<std::string_view>{"X"}));
  EXPECT_EQ(f.output, (std::vector<std::string_view>{"Y"}));
  EXPECT_EQ(f.attribute, (std::vector<std::string_view>{"alpha"}));
  ASSERT_EQ(f.attribute_proto.size(), 1u);
  EXPECT_EQ(f.attribute_proto[0].f, 0.5f);
  ASSERT_EQ(f.node.size(), 1u);
  EXPECT_EQ(f.node[0].op_type, "Neg");
  EXPECT_EQ(f.opset_import.size(), 1u);
  EXPECT_EQ(f.value_info.size(), 1u);
  EXPECT_EQ(f.metadata_props.size(), 1u);
  EXPECT_EQ(f.doc_string, "fn doc");

  // Copies are deep and independent of the original.
  ModelProto copy = m;
  m = ModelProto();
  EXPECT_EQ(copy.graph.node[0].attribute[4].g->node[0].op_type, "Identity");
}

TEST(OnnxProtoWire, TensorPackedAndUnpackedScalars) {
  Enc t;
  t.i(1, 2)                         // dims unpacked
      .packedVarints(1, {3, 0})     // dims packed, appended
      .i(2, TensorProto::FLOAT)
      .f32(4, 1.25f)                // float_data unpacked
      .packedF32(4, {-2.0f, 1e30f}) // float_data packed
      .i(5, -7)                     // int32_data: 10-byte negative varint
      .packedVarints(5, {int64_t(-1), 300})
      .s(6, "abc")
      .s(6, std::string("\0\xff", 2)) // bytes, not UTF-8
      .i(7, INT64_MIN)
      .packedVarints(7, {INT64_MAX, -1})
      .s(8, "tname")
      .f64(10, 0.125)
      .packedF64(10, {-1.0, 1e300})
      .u(11, UINT64_MAX)
      .packedVarints(11, {5, int64_t(1) << 40})
      .s(12, "tdoc")
      .m(13, Enc().s(1, "location").s(2, "w.bin"))
      .i(14, 1)
      .m(3, Enc().i(1, 10).i(2, 20))
      .m(16, Enc().s(1, "mk").s(2, "mv"));
  TensorProto out;
  std::string err;
  ASSERT_TRUE(parse(t.b, out, err)) << err;
  EXPECT_EQ(out.dims, (std::vector<int64_t>{2, 3, 0}));
  EXPECT_EQ(out.data_type, TensorProto::FLOAT);
  EXPECT_EQ(out.float_data, (std::vector<float>{1.25f, -2.0f, 1e30f}));
  EXPECT_EQ(out.int32_data, (std::vector<int32_t>{-7, -1, 300}));
  ASSERT_EQ(out.string_data.size(), 2u);
  EXPECT_EQ(out.string_data[0], "abc");
  EXPECT_EQ(out.string_data[1], std::string_view("\0\xff", 2));
  EXPECT_EQ(out.int64_data, (std::vector<int64_t>{INT64_MIN, INT64_MAX, -1}));
  EXPECT_EQ(out.name, "tname");
  EXPECT_EQ(out.double_data, (std::vector<double>{0.125, -1.0, 1e300}));
  EXPECT_EQ(out.uint64_data,
            (std::vector<uint64_t>{UINT64_MAX, 5, uint64_t(1) << 40}));
  EXPECT_EQ(out.doc_string, "tdoc");
  ASSERT_EQ(out.external_data.size(), 1u);
  EXPECT_EQ(out.external_data[0].value, "w.bin");
  EXPECT_EQ(out.data_location, TensorProto::EXTERNAL);
  EXPECT_TRUE(out.has_segment);
  EXPECT_EQ(out.segment_begin, 10);
  EXPECT_EQ(out.segment_end, 20);
  ASSERT_EQ(out.metadata_props.size(), 1u);
  EXPECT_FALSE(out.has_raw_data);
}

TEST(OnnxProtoWire, EmptyPackedFieldsAndEmptyRawData) {
  Enc t;
  t.packedVarints(1, {}).packedF32(4, {}).packedF64(10, {}).i(2, 1).s(9, "");
  TensorProto out;
  std::string err;
  ASSERT_TRUE(parse(t.b, out, err)) << err;
  EXPECT_TRUE(out.dims.empty());
  EXPECT_TRUE(out.float_data.empty());
  EXPECT_TRUE(out.has_raw_data);
  EXPECT_EQ(out.raw_data.size, 0u);
}

TEST(OnnxProtoWire, UnknownFieldsOfEveryWireTypeAreSkipped) {
  Enc t;
  t.u(100, 12345)           // varint
      .key(101, 1).le(7, 8) // fixed64
      .s(102, "skip me")    // length-delimited
      .key(103, 5).le(9, 4) // fixed32
      .i(2, TensorProto::INT64)
      .u(536870911, 1) // the largest field number
      .s(15, "reserved-ish unknown field")
      .packedVarints(1, {4});
  TensorProto out;
  std::string err;
  ASSERT_TRUE(parse(t.b, out, err)) << err;
  EXPECT_EQ(out.data_type, TensorProto::INT64);
  EXPECT_EQ(out.dims, (std::vector<int64_t>{4}));

  // Unknown fields inside nested messages, including old reserved ones.
  Enc graph;
  graph.i(3, 5).s(4, "old").m(1, Enc().s(4, "Relu").u(99, 1));
  Enc model;
  model.m(7, graph).m(20, Enc().s(1, "training")).m(26, Enc().s(1, "cfg"));
  ModelProto m;
  ASSERT_TRUE(parse(model.b, m, err)) << err;
  ASSERT_EQ(m.graph.node.size(), 1u);
  EXPECT_EQ(m.graph.node[0].op_type, "Relu");
}

TEST(OnnxProtoWire, GroupsAreRejected) {
  for (unsigned wire : {3u, 4u}) {
    Enc t;
    t.i(2, 1).key(77, wire);
    TensorProto out;
    std::string err;
    EXPECT_FALSE(parse(t.b, out, err));
    EXPECT_NE(err.find("group"), std::string::npos) << err;
    EXPECT_NE(err.find("(field 77)"), std::string::npos) << err;
    EXPECT_NE(err.find("offset 2"), std::string::npos) << err;
  }
}

TEST(OnnxProtoWire, InvalidWireTypes) {
  for (unsigned wire : {6u, 7u}) {
    Enc t;
    t.key(1, wire).varint(0);
    TensorProto out;
    std::string err;
    EXPECT_FALSE(parse(t.b, out, err));
    EXPECT_NE(err.find("invalid wire type"), std::string::npos) << err;
  }
}

TEST(OnnxProtoWire, WrongWireTypeNamesTheField) {
  // NodeProto.op_type (4) must be length-delimited.
  Enc model;
  model.m(7, Enc().m(1, Enc().s(1, "x").u(4, 3)));
  ModelProto m;
  std::string err;
  ASSERT_FALSE(parse(model.b, m, err));
  EXPECT_EQ(err, "wrong wire type varint (expected length-delimited) at "
                 "offset 7 in NodeProto.op_type (field 4) [path: "
                 "ModelProto.graph/GraphProto.node[0]]");

  // TensorProto.data_type (2) must be a varint.
  TensorProto t;
  ASSERT_FALSE(parse(Enc().s(2, "x").b, t, err));
  EXPECT_NE(err.find("TensorProto.data_type (field 2)"), std::string::npos)
      << err;
  // AttributeProto.f (2) must be fixed32.
  ASSERT_FALSE(parse(
      Enc().m(7, Enc().m(1, Enc().m(5, Enc().f64(2, 1.0)))).b, m, err));
  EXPECT_NE(err.find("wrong wire type fixed64 (expected fixed32)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("AttributeProto.f (field 2)"), std::string::npos) << err;
  // float_data accepts fixed32 or packed, not varint.
  ASSERT_FALSE(parse(Enc().u(4, 1).b, t, err));
  EXPECT_NE(err.find("expected length-delimited or fixed32"),
            std::string::npos)
      << err;
  // ModelProto.ir_version must be a varint.
  ASSERT_FALSE(parse(Enc().f32(1, 1.0f).b, m, err));
  EXPECT_NE(err.find("ModelProto.ir_version (field 1)"), std::string::npos)
      << err;
}

TEST(OnnxProtoWire, TruncatedVarintErrorNamesFieldAndPath) {
  // A NodeProto whose last bytes are the key of `attribute` and an
  // unterminated length varint.
  Enc node;
  node.s(4, "Relu").key(5, 2).raw("\x80");
  Enc model;
  model.i(1, 8).m(7, Enc().s(2, "g").m(1, Enc()).m(1, node));
  ModelProto m;
  std::string err;
  ASSERT_FALSE(parse(model.b, m, err));
  size_t at = model.b.size() - 1;
  EXPECT_EQ(err, "truncated varint (length) at offset " + std::to_string(at) +
                     " in NodeProto.attribute (field 5) [path: "
                     "ModelProto.graph/GraphProto.node[1]]");
}

TEST(OnnxProtoWire, MalformedVarintsAndLengths) {
  TensorProto t;
  std::string err;
  // 11-byte varint.
  EXPECT_FALSE(parse(Enc().key(2, 0).raw(std::string(10, '\xff')).raw("\x01").b,
                     t, err));
  EXPECT_NE(err.find("malformed varint"), std::string::npos) << err;
  // 10-byte varint whose last byte carries more than bit 63.
  EXPECT_FALSE(
      parse(Enc().key(2, 0).raw(std::string(9, '\xff')).raw("\x02").b, t, err));
  EXPECT_NE(err.find("malformed varint"), std::string::npos) << err;
  // The largest 10-byte varint is fine.
  EXPECT_TRUE(
      parse(Enc().key(7, 0).raw(std::string(9, '\xff')).raw("\x01").b, t, err))
      << err;
  EXPECT_EQ(t.int64_data, (std::vector<int64_t>{-1}));
  // Truncated key.
  EXPECT_FALSE(parse(std::string("\x80"), t, err));
  EXPECT_NE(err.find("truncated varint (field key) at offset 0 in TensorProto"),
            std::string::npos)
      << err;
  // Field number 0.
  EXPECT_FALSE(parse(Enc().key(0, 0).varint(1).b, t, err));
  EXPECT_NE(err.find("invalid field number 0"), std::string::npos) << err;
  // Key larger than 32 bits.
  EXPECT_FALSE(parse(Enc().varint(uint64_t(1) << 35).varint(0).b, t, err));
  EXPECT_NE(err.find("invalid field number"), std::string::npos) << err;
  // Length beyond the end, including lengths near 2^64.
  EXPECT_FALSE(parse(Enc().key(8, 2).varint(5).raw("abc").b, t, err));
  EXPECT_EQ(err, "length 5 exceeds the 3 remaining bytes at offset 1 in "
                 "TensorProto.name (field 8)");
  EXPECT_FALSE(parse(Enc().key(8, 2).varint(UINT64_MAX).raw("abc").b, t, err));
  EXPECT_NE(err.find("exceeds"), std::string::npos) << err;
  // Truncated fixed32 / fixed64.
  EXPECT_FALSE(parse(Enc().key(4, 5).raw("\x01\x02").b, t, err));
  EXPECT_NE(err.find("truncated fixed32"), std::string::npos) << err;
  EXPECT_FALSE(parse(Enc().key(10, 1).raw("\x01\x02\x03").b, t, err));
  EXPECT_NE(err.find("truncated fixed64"), std::string::npos) << err;
  // Packed fixed-width payload with a partial element.
  EXPECT_FALSE(parse(Enc().s(4, "\x01\x02\x03\x04\x05").b, t, err));
  EXPECT_NE(err.find("not a multiple of 4"), std::string::npos) << err;
  EXPECT_FALSE(parse(Enc().s(10, "\x01\x02\x03").b, t, err));
  EXPECT_NE(err.find("not a multiple of 8"), std::string::npos) << err;
  // Packed varints: truncated last element, overlong element.
  EXPECT_FALSE(parse(Enc().s(1, "\x01\x82").b, t, err));
  EXPECT_NE(err.find("truncated varint (packed) at offset 3"),
            std::string::npos)
      << err;
  EXPECT_FALSE(
      parse(Enc().s(1, std::string(11, '\x80') + "\x01").b, t, err));
  EXPECT_NE(err.find("malformed varint (packed)"), std::string::npos) << err;
}

TEST(OnnxProtoWire, SparseInitializerIsUnsupported) {
  Enc model;
  model.m(7, Enc().m(15, Enc().m(1, Enc().i(2, 1))));
  ModelProto m;
  std::string err;
  ASSERT_FALSE(parse(model.b, m, err));
  EXPECT_NE(err.find("sparse initializers are not supported"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("GraphProto.sparse_initializer (field 15)"),
            std::string::npos)
      << err;

  // Sparse tensors in attributes are skipped and flagged.
  Enc attr;
  attr.s(1, "sp").m(22, Enc().m(1, Enc())).i(20, 11);
  ASSERT_TRUE(parse(Enc().m(7, Enc().m(1, Enc().m(5, attr))).b, m, err))
      << err;
  EXPECT_TRUE(m.graph.node[0].attribute[0].has_sparse_tensor);
}

TEST(OnnxProtoWire, RepeatedSingularFieldsFollowProtobufRules) {
  // Scalars: last wins. Messages: merged. Repeated: appended.
  Enc model;
  model.i(1, 3)
      .i(1, 7)
      .m(7, Enc().s(2, "first").m(1, Enc().s(4, "A")))
      .m(7, Enc().m(1, Enc().s(4, "B")));
  ModelProto m;
  std::string err;
  ASSERT_TRUE(parse(model.b, m, err)) << err;
  EXPECT_EQ(m.ir_version, 7);
  EXPECT_EQ(m.graph.name, "first");
  ASSERT_EQ(m.graph.node.size(), 2u);
  EXPECT_EQ(m.graph.node[1].op_type, "B");

  // TypeProto oneof: a different member replaces the previous one.
  Enc type;
  type.m(1, Enc().i(1, 1)).m(4, Enc().m(1, tensorType(7, {}))).s(6, "IMAGE");
  TypeProto tp;
  ASSERT_TRUE(parse(type.b, tp, err)) << err;
  EXPECT_EQ(tp.kind, TypeProto::Kind::Sequence);
  EXPECT_EQ(tp.elem_type, 0);
  EXPECT_EQ(tp.denotation, "IMAGE");
  ASSERT_TRUE(tp.elem);
  EXPECT_EQ(tp.elem->elem_type, TensorProto::INT64);

  // Dimension oneof.
  Enc dims;
  dims.m(1, Enc().i(1, 4).s(2, "N")).m(1, Enc().s(2, "N").i(1, 4));
  std::string dimsType = Enc().m(1, Enc().m(2, dims)).b;
  ASSERT_TRUE(parse(dimsType, tp, err)) << err;
  ASSERT_EQ(tp.shape.dim.size(), 2u);
  EXPECT_EQ(tp.shape.dim[0].kind, TensorShapeProto::Dimension::Param);
  EXPECT_EQ(tp.shape.dim[1].kind, TensorShapeProto::Dimension::Value);
  EXPECT_EQ(tp.shape.dim[1].dim_value, 4);

  // Sparse tensor and opaque types.
  std::string sparse = Enc().m(8, Enc().i(1, 1)).b;
  ASSERT_TRUE(parse(sparse, tp, err)) << err;
  EXPECT_EQ(tp.kind, TypeProto::Kind::SparseTensor);
  EXPECT_FALSE(tp.has_shape);
  std::string opaque = Enc().m(7, Enc().s(1, "d").s(2, "n")).b;
  ASSERT_TRUE(parse(opaque, tp, err)) << err;
  EXPECT_EQ(tp.kind, TypeProto::Kind::Opaque);
  EXPECT_EQ(tp.opaque_name, "n");
}

TEST(OnnxProtoWire, SequenceAndOptionalValues) {
  Enc tensor;
  tensor.i(1, 2).i(2, TensorProto::INT32).s(8, "t").packedVarints(5, {1, 2});
  Enc inner;
  inner.i(2, 1).m(3, tensor);
  Enc seq;
  seq.s(1, "seq").i(2, 3).m(5, inner).m(5, inner).m(6, Enc().i(2, 7));
  SequenceProto s;
  std::string err;
  ASSERT_TRUE(parseSequence(bytesOf(seq.b), seq.b.size(), s, err)) << err;
  EXPECT_EQ(s.name, "seq");
  EXPECT_EQ(s.elem_type, SequenceProto::SEQUENCE);
  ASSERT_EQ(s.sequence_values.size(), 2u);
  ASSERT_EQ(s.sequence_values[1].tensor_values.size(), 1u);
  EXPECT_EQ(s.sequence_values[1].tensor_values[0].int32_data,
            (std::vector<int32_t>{1, 2}));
  EXPECT_TRUE(s.has_map_values);

  Enc opt;
  opt.s(1, "o").i(2, 5).m(7, Enc().i(2, 3).m(5, inner));
  OptionalProto o;
  ASSERT_TRUE(parseOptional(bytesOf(opt.b), opt.b.size(), o, err)) << err;
  EXPECT_EQ(o.elem_type, SequenceProto::OPTIONAL);
  ASSERT_TRUE(o.optional_value);
  ASSERT_TRUE(o.optional_value->sequence_value);
  EXPECT_EQ(o.optional_value->sequence_value->tensor_values.size(), 1u);

  // An empty optional (None).
  std::string none = Enc().s(1, "n").i(2, 1).b;
  ASSERT_TRUE(parseOptional(bytesOf(none), none.size(), o, err)) << err;
  EXPECT_FALSE(o.tensor_value);
  EXPECT_FALSE(o.sequence_value);
}

//===----------------------------------------------------------------------===//
// Limits and robustness
//===----------------------------------------------------------------------===//

TEST(OnnxProtoLimits, TypeNestingDepth) {
  auto nested = [](int levels) {
    Enc t = tensorType(1, {});
    for (int i = 1; i < levels; ++i)
      t = Enc().m(4, Enc().m(1, t)); // sequence(t)
    return t.b;
  };
  TypeProto tp;
  std::string err;
  EXPECT_TRUE(parse(nested(64), tp, err)) << err;
  EXPECT_FALSE(parse(nested(65), tp, err));
  EXPECT_NE(err.find("nesting deeper than ParseLimits::maxDepth (64)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("TypeProto.Sequence.elem_type"), std::string::npos)
      << err;
  ParseLimits small;
  small.maxDepth = 3;
  EXPECT_TRUE(parse(nested(3), tp, err, small)) << err;
  EXPECT_FALSE(parse(nested(4), tp, err, small));
}

TEST(OnnxProtoLimits, GraphNestingDepth) {
  auto nested = [](int graphs) {
    Enc g = Enc().m(1, Enc().s(4, "Relu"));
    for (int i = 1; i < graphs; ++i)
      g = Enc().m(1, Enc().s(4, "If").m(5, Enc().s(1, "g").m(6, g)));
    return Enc().m(7, g).b;
  };
  ModelProto m;
  std::string err;
  EXPECT_TRUE(parse(nested(64), m, err)) << err;
  EXPECT_FALSE(parse(nested(65), m, err));
  EXPECT_NE(err.find("maxDepth"), std::string::npos) << err;
}

TEST(OnnxProtoLimits, VeryDeepInputDoesNotExhaustTheStack) {
  // About 1000 nested sequence types: rejected at depth 64 without recursing
  // further.
  const int levels = 20000;
  std::string inner = tensorType(1, {}).b;
  for (int i = 0; i < levels; ++i) {
    Enc seq = Enc().m(1, Enc().raw(inner)); // Sequence{elem_type}
    inner = Enc().m(4, seq).b;              // TypeProto{sequence_type}
    if (inner.size() > 4000)
      break; // enough: depth >> 64, and keeps the test fast
  }
  TypeProto tp;
  std::string err;
  EXPECT_FALSE(parse(inner, tp, err));
  EXPECT_NE(err.find("maxDepth"), std::string::npos) << err;

  // Same for sequences of sequences (SequenceProto) and optionals.
  std::string s = Enc().i(2, 1).b;
  for (int i = 0; i < 200; ++i)
    s = Enc().i(2, 3).s(5, s).b;
  SequenceProto sp;
  EXPECT_FALSE(parseSequence(bytesOf(s), s.size(), sp, err));
  EXPECT_NE(err.find("maxDepth"), std::string::npos) << err;
  std::string o = Enc().i(2, 1).b;
  for (int i = 0; i < 200; ++i)
    o = Enc().i(2, 5).s(7, o).b;
  OptionalProto op;
  EXPECT_FALSE(parseOptional(bytesOf(o), o.size(), op, err));
  EXPECT_NE(err.find("maxDepth"), std::string::npos) << err;
}

TEST(OnnxProtoLimits, MaxElements) {
  Enc t;
  t.packedVarints(1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  ParseLimits limits;
  limits.maxElements = 10;
  TensorProto out;
  std::string err;
  EXPECT_TRUE(parse(t.b, out, err, limits)) << err;
  limits.maxElements = 9;
  EXPECT_FALSE(parse(t.b, out, err, limits));
  EXPECT_NE(err.find("too many repeated elements"), std::string::npos) << err;
  EXPECT_NE(err.find("TensorProto.dims (field 1)"), std::string::npos) << err;

  // Messages and strings count too.
  Enc g;
  for (int i = 0; i < 20; ++i)
    g.m(1, Enc());
  ModelProto m;
  limits.maxElements = 19;
  EXPECT_FALSE(parse(Enc().m(7, g).b, m, err, limits));
  EXPECT_NE(err.find("GraphProto.node"), std::string::npos) << err;
  limits.maxElements = 20;
  EXPECT_TRUE(parse(Enc().m(7, g).b, m, err, limits)) << err;
}

TEST(OnnxProtoLimits, MaxDecodedBytes) {
  // 1000 empty nodes: 2000 input bytes, 1000 * sizeof(NodeProto) decoded.
  Enc g;
  for (int i = 0; i < 1000; ++i)
    g.m(1, Enc());
  std::string bytes = Enc().m(7, g).b;
  ParseLimits limits;
  limits.maxDecodedBytes = 1000 * sizeof(NodeProto);
  ModelProto m;
  std::string err;
  EXPECT_TRUE(parse(bytes, m, err, limits)) << err;
  limits.maxDecodedBytes -= 1;
  EXPECT_FALSE(parse(bytes, m, err, limits));
  EXPECT_NE(err.find("ParseLimits::maxDecodedBytes"), std::string::npos)
      << err;
  // Packed scalars count by their decoded size (8 bytes per int64 dim).
  TensorProto t;
  limits.maxDecodedBytes = 79;
  EXPECT_FALSE(parse(Enc().packedVarints(1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).b,
                     t, err, limits));
  EXPECT_NE(err.find("TensorProto.dims (field 1)"), std::string::npos) << err;
}

TEST(OnnxProtoRobustness, EveryTruncationOfARichModel) {
  std::string full = richModel();
  std::set<size_t> ok = topLevelBoundaries(full);
  ModelProto m;
  std::string err;
  size_t failures = 0;
  for (size_t n = 0; n < full.size(); ++n) {
    // A fresh heap copy of exactly n bytes, so ASan sees any overread.
    std::unique_ptr<uint8_t[]> buf(new uint8_t[n ? n : 1]);
    std::memcpy(buf.get(), full.data(), n);
    bool parsed = parseModel(buf.get(), n, m, err);
    if (ok.count(n)) {
      EXPECT_TRUE(parsed) << "prefix " << n << ": " << err;
    } else {
      EXPECT_FALSE(parsed) << "prefix " << n << " parsed";
      EXPECT_NE(err.find("at offset"), std::string::npos) << err;
      ++failures;
    }
  }
  EXPECT_GT(failures, full.size() / 2);
}

TEST(OnnxProtoRobustness, EveryTruncationOfATensor) {
  Enc t;
  t.packedVarints(1, {2, 3}).i(2, TensorProto::DOUBLE).s(8, "t")
      .packedF64(10, {1, 2, 3, 4, 5, 6}).i(5, -1).f32(4, 1.0f);
  std::set<size_t> ok = topLevelBoundaries(t.b);
  TensorProto out;
  std::string err;
  for (size_t n = 0; n < t.b.size(); ++n) {
    std::unique_ptr<uint8_t[]> buf(new uint8_t[n ? n : 1]);
    std::memcpy(buf.get(), t.b.data(), n);
    EXPECT_EQ(parseTensor(buf.get(), n, out, err), ok.count(n) != 0)
        << "prefix " << n << ": " << err;
  }
}

TEST(OnnxProtoRobustness, EverySingleBitFlip) {
  std::string full = richModel();
  ModelProto m;
  std::string err;
  size_t rejected = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::unique_ptr<uint8_t[]> buf(new uint8_t[full.size()]);
      std::memcpy(buf.get(), full.data(), full.size());
      buf[i] ^= uint8_t(1u << bit);
      if (!parseModel(buf.get(), full.size(), m, err)) {
        ++rejected;
        EXPECT_FALSE(err.empty());
      } else {
        // Whatever parsed must only reference the input buffer.
        for (const NodeProto &n : m.graph.node)
          for (std::string_view in : n.input)
            if (!in.empty()) {
              EXPECT_GE(reinterpret_cast<const uint8_t *>(in.data()),
                        buf.get());
              EXPECT_LE(reinterpret_cast<const uint8_t *>(in.data()) +
                            in.size(),
                        buf.get() + full.size());
            }
      }
    }
  }
  EXPECT_GT(rejected, 0u);
}

TEST(OnnxProtoRobustness, RandomMutations) {
  std::string full = richModel();
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  ModelProto m;
  TensorProto t;
  TypeProto tp;
  std::string err;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string s = full;
    int edits = 1 + int(next() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = next() % (s.size() + 1);
      switch (next() % 4) {
      case 0: // overwrite
        if (pos < s.size())
          s[pos] = char(next());
        break;
      case 1: // insert
        s.insert(pos, 1, char(next()));
        break;
      case 2: // delete
        if (pos < s.size())
          s.erase(pos, 1);
        break;
      case 3: // truncate
        s.resize(pos);
        break;
      }
    }
    std::unique_ptr<uint8_t[]> buf(new uint8_t[s.size() + 1]);
    std::memcpy(buf.get(), s.data(), s.size());
    parseModel(buf.get(), s.size(), m, err);
    parseTensor(buf.get(), s.size(), t, err);
    parseType(buf.get(), s.size(), tp, err);
    std::vector<uint8_t> storage;
    Bytes data;
    for (const TensorProto &init : m.graph.initializer)
      tensorData(init, storage, data, err);
  }
  SUCCEED();
}

//===----------------------------------------------------------------------===//
// Tensor helpers
//===----------------------------------------------------------------------===//

TEST(OnnxProtoTensor, DataTypeHelpers) {
  EXPECT_STREQ(dataTypeName(TensorProto::FLOAT), "FLOAT");
  EXPECT_STREQ(dataTypeName(TensorProto::BFLOAT16), "BFLOAT16");
  EXPECT_STREQ(dataTypeName(TensorProto::INT2), "INT2");
  EXPECT_STREQ(dataTypeName(27), "UNKNOWN");
  EXPECT_STREQ(dataTypeName(-1), "UNKNOWN");
  EXPECT_EQ(dataTypeSize(TensorProto::FLOAT), 4u);
  EXPECT_EQ(dataTypeSize(TensorProto::BOOL), 1u);
  EXPECT_EQ(dataTypeSize(TensorProto::FLOAT16), 2u);
  EXPECT_EQ(dataTypeSize(TensorProto::COMPLEX128), 16u);
  EXPECT_EQ(dataTypeSize(TensorProto::FLOAT8E5M2), 1u);
  EXPECT_EQ(dataTypeSize(TensorProto::STRING), 0u);
  EXPECT_EQ(dataTypeSize(TensorProto::UNDEFINED), 0u);
  EXPECT_EQ(dataTypeSize(TensorProto::INT4), 0u);
  EXPECT_EQ(dataTypeSize(1000), 0u);
  EXPECT_EQ(dataTypeBitWidth(TensorProto::INT4), 4u);
  EXPECT_EQ(dataTypeBitWidth(TensorProto::UINT2), 2u);
  EXPECT_EQ(tensorByteSize(TensorProto::INT4, 5), 3u);
  EXPECT_EQ(tensorByteSize(TensorProto::INT2, 5), 2u);
  EXPECT_EQ(tensorByteSize(TensorProto::INT2, 8), 2u);
  EXPECT_EQ(tensorByteSize(TensorProto::DOUBLE, 3), 24u);
  EXPECT_EQ(tensorByteSize(TensorProto::STRING, 3), std::nullopt);
  EXPECT_EQ(tensorByteSize(TensorProto::FLOAT, -1), std::nullopt);
  EXPECT_EQ(tensorByteSize(TensorProto::COMPLEX128, INT64_MAX), std::nullopt);
  EXPECT_EQ(tensorByteSize(TensorProto::INT4, INT64_MAX),
            uint64_t(INT64_MAX) / 2 + 1);
}

TEST(OnnxProtoTensor, NumElements) {
  TensorProto t;
  EXPECT_EQ(numElements(t), 1); // scalar
  t.dims = {2, 3, 4};
  EXPECT_EQ(numElements(t), 24);
  t.dims = {2, 0, 4};
  EXPECT_EQ(numElements(t), 0);
  t.dims = {2, -1};
  EXPECT_EQ(numElements(t), std::nullopt);
  t.dims = {INT64_MAX, 1};
  EXPECT_EQ(numElements(t), INT64_MAX);
  t.dims = {INT64_MAX, 2};
  EXPECT_EQ(numElements(t), std::nullopt);
  t.dims = {int64_t(1) << 32, int64_t(1) << 31};
  EXPECT_EQ(numElements(t), std::nullopt);
  t.dims = {0, INT64_MAX, INT64_MAX};
  EXPECT_EQ(numElements(t), 0);
}

TEST(OnnxProtoTensor, RawDataIsZeroCopy) {
  std::string bytes = richModel();
  ModelProto m;
  std::string err;
  ASSERT_TRUE(parse(bytes, m, err)) << err;
  std::vector<uint8_t> storage;
  Bytes out;
  ASSERT_TRUE(tensorData(m.graph.initializer[0], storage, out, err)) << err;
  EXPECT_EQ(out.data, m.graph.initializer[0].raw_data.data);
  EXPECT_EQ(out.size, 16u);
  EXPECT_TRUE(storage.empty());
  float v[4];
  std::memcpy(v, out.data, 16);
  EXPECT_EQ(v[3], 4.0f);
}

// Builds a tensor with the given dims/type and returns tensorData's bytes.
std::vector<uint8_t> dataOf(const TensorProto &t, bool expectOk = true,
                            std::string *errOut = nullptr) {
  std::vector<uint8_t> storage;
  Bytes out;
  std::string err;
  bool ok = tensorData(t, storage, out, err);
  EXPECT_EQ(ok, expectOk) << err;
  if (errOut)
    *errOut = err;
  if (!ok)
    return {};
  EXPECT_TRUE(err.empty());
  return std::vector<uint8_t>(out.data, out.data + out.size);
}

TEST(OnnxProtoTensor, TypedFieldsConvertToLittleEndian) {
  TensorProto t;
  t.dims = {2};

  t.data_type = TensorProto::FLOAT;
  t.float_data = {1.0f, -2.0f};
  EXPECT_EQ(dataOf(t),
            (std::vector<uint8_t>{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}));
  t.float_data.clear();

  t.data_type = TensorProto::COMPLEX64;
  t.float_data = {1.0f, 0.0f, 0.0f, 1.0f};
  EXPECT_EQ(dataOf(t).size(), 16u);
  t.float_data.clear();

  t.data_type = TensorProto::DOUBLE;
  t.double_data = {1.0, 0.5};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0,
                                             0, 0, 0, 0, 0, 0xe0, 0x3f}));
  t.double_data.clear();

  t.data_type = TensorProto::INT64;
  t.int64_data = {-2, 258};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0xfe, 0xff, 0xff, 0xff, 0xff,
                                             0xff, 0xff, 0xff, 2, 1, 0, 0, 0,
                                             0, 0, 0}));
  t.int64_data.clear();

  t.data_type = TensorProto::UINT32;
  t.uint64_data = {0xffffffffu, 1};
  EXPECT_EQ(dataOf(t),
            (std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0}));
  t.uint64_data = {uint64_t(1) << 32, 1};
  std::string err;
  dataOf(t, false, &err);
  EXPECT_NE(err.find("does not fit UINT32"), std::string::npos) << err;
  t.data_type = TensorProto::UINT64;
  t.uint64_data = {UINT64_MAX, 2};
  EXPECT_EQ(dataOf(t).size(), 16u);
  t.uint64_data.clear();

  t.data_type = TensorProto::INT8;
  t.int32_data = {-1, 127};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0xff, 0x7f}));
  t.int32_data = {-129, 0};
  dataOf(t, false, &err);
  EXPECT_NE(err.find("out of range"), std::string::npos) << err;

  t.data_type = TensorProto::UINT8;
  t.int32_data = {255, 1};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0xff, 1}));
  t.int32_data = {256, 1};
  dataOf(t, false);

  t.data_type = TensorProto::BOOL;
  t.int32_data = {0, 1};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0, 1}));

  t.data_type = TensorProto::FLOAT16;
  t.int32_data = {0x3c00, 0xc000}; // 1.0, -2.0 as bit patterns
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0x00, 0x3c, 0x00, 0xc0}));

  t.data_type = TensorProto::BFLOAT16;
  t.int32_data = {0x3f80, 0x4000};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0x80, 0x3f, 0x00, 0x40}));

  t.data_type = TensorProto::INT16;
  t.int32_data = {-2, 0x1234};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0xfe, 0xff, 0x34, 0x12}));

  t.data_type = TensorProto::INT32;
  t.int32_data = {INT32_MIN, 7};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0, 0, 0, 0x80, 7, 0, 0, 0}));

  t.data_type = TensorProto::FLOAT8E4M3FN;
  t.int32_data = {0x38, 0x7e};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{0x38, 0x7e}));

  // Sub-byte types: one int32_data entry per packed byte (2 or 4 elements).
  t.dims = {5};
  t.data_type = TensorProto::INT4;
  t.int32_data = {16, 199, 8};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{16, 199, 8}));
  t.int32_data = {16, 199, 8, 0}; // one entry too many
  dataOf(t, false, &err);
  EXPECT_NE(err.find("int32_data has 4 values, expected 3"),
            std::string::npos)
      << err;
  t.dims = {4};
  t.data_type = TensorProto::UINT2;
  t.int32_data = {228};
  EXPECT_EQ(dataOf(t), (std::vector<uint8_t>{228}));
}

TEST(OnnxProtoTensor, TensorDataErrors) {
  std::string err;
  TensorProto t;
  t.name = "w";
  t.dims = {3};
  t.data_type = TensorProto::FLOAT;
  t.float_data = {1, 2};
  dataOf(t, false, &err);
  EXPECT_EQ(err, "tensor 'w' (FLOAT): float_data has 2 values, expected 3");

  t.float_data = {1, 2, 3};
  t.int64_data = {1};
  dataOf(t, false, &err);
  EXPECT_NE(err.find("more than one data field"), std::string::npos) << err;

  t.float_data.clear();
  t.int64_data = {1, 2, 3};
  dataOf(t, false, &err);
  EXPECT_NE(err.find("data is in int64_data, expected raw_data or float_data"),
            std::string::npos)
      << err;
  t.int64_data.clear();

  dataOf(t, false, &err); // no data at all
  EXPECT_NE(err.find("no data for 3 elements"), std::string::npos) << err;

  static const uint8_t raw[12] = {};
  t.has_raw_data = true;
  t.raw_data = Bytes{raw, 8};
  dataOf(t, false, &err);
  EXPECT_NE(err.find("raw_data has 8 bytes, expected 12"), std::string::npos)
      << err;
  t.raw_data = Bytes{raw, 12};
  EXPECT_EQ(dataOf(t).size(), 12u);

  t.dims = {-3};
  dataOf(t, false, &err);
  EXPECT_NE(err.find("negative"), std::string::npos) << err;
  t.dims = {INT64_MAX / 2, 3};
  dataOf(t, false, &err);
  t.dims = {INT64_MAX};
  dataOf(t, false, &err); // byte size overflows
  EXPECT_NE(err.find("overflow"), std::string::npos) << err;
  t.dims = {3};

  t.has_segment = true;
  dataOf(t, false, &err);
  EXPECT_NE(err.find("segment"), std::string::npos) << err;
  t.has_segment = false;

  t.data_location = TensorProto::EXTERNAL;
  dataOf(t, false, &err);
  EXPECT_NE(err.find("external"), std::string::npos) << err;
  t.data_location = TensorProto::DEFAULT;

  t.data_type = TensorProto::STRING;
  dataOf(t, false, &err);
  EXPECT_NE(err.find("string_data"), std::string::npos) << err;
  t.data_type = 99;
  dataOf(t, false, &err);
  EXPECT_NE(err.find("unsupported data_type 99"), std::string::npos) << err;
  t.data_type = TensorProto::UNDEFINED;
  dataOf(t, false, &err);

  // Empty tensors need no data; a present-but-empty raw_data is fine too.
  TensorProto e;
  e.data_type = TensorProto::FLOAT;
  e.dims = {0, 5};
  EXPECT_TRUE(dataOf(e).empty());
  e.has_raw_data = true;
  EXPECT_TRUE(dataOf(e).empty());
}

TEST(OnnxProtoTensor, ExternalData) {
  auto make = [](std::initializer_list<std::pair<const char *, const char *>>
                     kv) {
    TensorProto t;
    t.name = "ext";
    t.data_type = TensorProto::FLOAT;
    t.data_location = TensorProto::EXTERNAL;
    for (auto &p : kv)
      t.external_data.push_back({p.first, p.second});
    return t;
  };
  ExternalDataRef ref;
  std::string err;
  ASSERT_TRUE(parseExternalData(
      make({{"location", "weights/w.bin"},
            {"offset", "4096"},
            {"length", "9223372036854775807"},
            {"checksum", "abc"},
            {"future_key", "x"}}),
      ref, err))
      << err;
  EXPECT_EQ(ref.location, "weights/w.bin");
  EXPECT_EQ(ref.offset, 4096);
  EXPECT_EQ(ref.length, INT64_MAX);
  EXPECT_EQ(ref.checksum, "abc");

  ASSERT_TRUE(parseExternalData(make({{"location", "a"}}), ref, err));
  EXPECT_EQ(ref.offset, 0);
  EXPECT_EQ(ref.length, -1);

  EXPECT_FALSE(parseExternalData(make({{"offset", "0"}}), ref, err));
  EXPECT_NE(err.find("no 'location'"), std::string::npos) << err;
  EXPECT_FALSE(parseExternalData(make({{"location", ""}}), ref, err));
  for (const char *bad :
       {"-1", "", "12a", " 1", "+1", "9223372036854775808", "0x10"}) {
    EXPECT_FALSE(parseExternalData(make({{"location", "a"}, {"offset", bad}}),
                                   ref, err))
        << bad;
    EXPECT_NE(err.find("not a non-negative decimal integer"),
              std::string::npos)
        << err;
    EXPECT_FALSE(parseExternalData(make({{"location", "a"}, {"length", bad}}),
                                   ref, err))
        << bad;
  }
  EXPECT_FALSE(parseExternalData(
      make({{"location", "a"}, {"location", "b"}}), ref, err));
  EXPECT_NE(err.find("more than once"), std::string::npos) << err;
}

//===----------------------------------------------------------------------===//
// MappedFile
//===----------------------------------------------------------------------===//

std::string tempPath(const char *name) {
  const char *dir = std::getenv("TEST_TMPDIR");
  std::string base = dir && *dir ? dir : "/tmp";
  return base + "/kiln_onnxproto_" + std::to_string(::getpid()) + "_" + name;
}

TEST(MappedFile, OpenReadsWholeFile) {
  std::string path = tempPath("model.bin");
  std::string content = richModel();
  {
    std::ofstream f(path, std::ios::binary);
    f.write(content.data(), std::streamsize(content.size()));
  }
  std::string err;
  auto file = MappedFile::open(path, &err);
  ASSERT_TRUE(file) << err;
  EXPECT_EQ(file->path(), path);
  ASSERT_EQ(file->size(), content.size());
  EXPECT_EQ(std::memcmp(file->data(), content.data(), content.size()), 0);
  ModelProto m;
  EXPECT_TRUE(parseModel(file->data(), file->size(), m, err)) << err;
  EXPECT_EQ(m.graph.name, "main");
  std::remove(path.c_str());
}

TEST(MappedFile, EmptyFile) {
  std::string path = tempPath("empty.bin");
  { std::ofstream f(path, std::ios::binary); }
  std::string err;
  auto file = MappedFile::open(path, &err);
  ASSERT_TRUE(file) << err;
  EXPECT_EQ(file->size(), 0u);
  EXPECT_NE(file->data(), nullptr);
  std::remove(path.c_str());
}

TEST(MappedFile, Errors) {
  std::string err;
  std::string missing = tempPath("does_not_exist.onnx");
  EXPECT_FALSE(MappedFile::open(missing, &err));
  EXPECT_NE(err.find(missing), std::string::npos) << err;
  EXPECT_NE(err.find("No such file or directory"), std::string::npos) << err;
  EXPECT_FALSE(MappedFile::open("/tmp", &err));
  EXPECT_NE(err.find("'/tmp'"), std::string::npos) << err;
  EXPECT_FALSE(MappedFile::open(missing, nullptr)); // no error sink
}

TEST(MappedFile, FromBuffer) {
  auto file = MappedFile::fromBuffer(std::string("\x08\x07", 2), "mem");
  EXPECT_EQ(file->path(), "mem");
  ASSERT_EQ(file->size(), 2u);
  ModelProto m;
  std::string err;
  ASSERT_TRUE(parseModel(file->data(), file->size(), m, err)) << err;
  EXPECT_EQ(m.ir_version, 7);
  auto empty = MappedFile::fromBuffer(std::string(), "empty");
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_NE(empty->data(), nullptr);
}

//===----------------------------------------------------------------------===//
// The ONNX backend node-test corpus
//===----------------------------------------------------------------------===//

namespace fs = std::filesystem;

std::string nodeTestsDir(std::string &tried) {
  if (const char *env = std::getenv("KILN_ONNX_NODE_TESTS"); env && *env) {
    tried = std::string("$KILN_ONNX_NODE_TESTS=") + env;
    return env;
  }
  std::string source;
#ifdef KILN_SOURCE_DIR
  source = KILN_SOURCE_DIR;
#endif
  if (source.empty())
    if (const char *env = std::getenv("KILN_SOURCE_DIR"))
      source = env;
  if (source.empty()) {
    tried = "neither KILN_ONNX_NODE_TESTS nor KILN_SOURCE_DIR is set";
    return "";
  }
  tried = source + "/../shared/onnx-node-tests";
  return tried;
}

struct CorpusStats {
  size_t models = 0, nodes = 0, initializers = 0, attributes = 0,
         subgraphs = 0;
  size_t tensors = 0, sequences = 0, optionals = 0;
  size_t rawTensors = 0, typedTensors = 0, stringTensors = 0,
         emptyTensors = 0;
  uint64_t rawBytes = 0;
};

void countSubgraphs(const GraphProto &g, CorpusStats &st) {
  for (const NodeProto &n : g.node) {
    st.attributes += n.attribute.size();
    for (const AttributeProto &a : n.attribute) {
      if (a.g) {
        ++st.subgraphs;
        st.nodes += a.g->node.size();
        countSubgraphs(*a.g, st);
      }
      for (const GraphProto &sg : a.graphs) {
        ++st.subgraphs;
        st.nodes += sg.node.size();
        countSubgraphs(sg, st);
      }
    }
  }
}

// Checks one tensor value against an expected tensor element type.
void checkTensor(const TensorProto &t, int32_t elemType,
                 const std::string &where, CorpusStats &st) {
  if (elemType != 0) {
    EXPECT_EQ(t.data_type, elemType) << where;
  }
  std::optional<int64_t> n = numElements(t);
  ASSERT_TRUE(n.has_value()) << where;
  if (t.data_type == TensorProto::STRING) {
    EXPECT_EQ(t.string_data.size(), uint64_t(*n)) << where;
    ++st.stringTensors;
    return;
  }
  std::vector<uint8_t> storage;
  Bytes out;
  std::string err;
  ASSERT_TRUE(tensorData(t, storage, out, err)) << where << ": " << err;
  EXPECT_EQ(out.size, tensorByteSize(t.data_type, *n).value_or(~0ull))
      << where;
  if (*n == 0)
    ++st.emptyTensors;
  else if (t.has_raw_data)
    ++st.rawTensors, st.rawBytes += t.raw_data.size;
  else
    ++st.typedTensors;
}

void checkOptional(const OptionalProto &o, const TypeProto &type,
                   const std::string &where, CorpusStats &st);

void checkSequence(const SequenceProto &s, const TypeProto &type,
                   const std::string &where, CorpusStats &st) {
  ASSERT_EQ(type.kind, TypeProto::Kind::Sequence) << where;
  ASSERT_TRUE(type.elem) << where;
  const TypeProto &elem = *type.elem;
  switch (elem.kind) {
  case TypeProto::Kind::Tensor:
    EXPECT_EQ(s.elem_type, SequenceProto::TENSOR) << where;
    for (const TensorProto &t : s.tensor_values)
      checkTensor(t, elem.elem_type, where, st);
    break;
  case TypeProto::Kind::Sequence:
    for (const SequenceProto &v : s.sequence_values)
      checkSequence(v, elem, where, st);
    break;
  case TypeProto::Kind::Optional:
    for (const OptionalProto &v : s.optional_values)
      checkOptional(v, elem, where, st);
    break;
  default:
    ADD_FAILURE() << where << ": unexpected sequence element type";
  }
}

void checkOptional(const OptionalProto &o, const TypeProto &type,
                   const std::string &where, CorpusStats &st) {
  ASSERT_EQ(type.kind, TypeProto::Kind::Optional) << where;
  ASSERT_TRUE(type.elem) << where;
  if (o.elem_type == SequenceProto::UNDEFINED)
    return; // None
  const TypeProto &elem = *type.elem;
  if (elem.kind == TypeProto::Kind::Tensor) {
    EXPECT_EQ(o.elem_type, SequenceProto::TENSOR) << where;
    if (o.tensor_value)
      checkTensor(*o.tensor_value, elem.elem_type, where, st);
  } else if (elem.kind == TypeProto::Kind::Sequence) {
    EXPECT_EQ(o.elem_type, SequenceProto::SEQUENCE) << where;
    if (o.sequence_value)
      checkSequence(*o.sequence_value, elem, where, st);
  } else {
    ADD_FAILURE() << where << ": unexpected optional element type";
  }
}

// Parses one test_data_set file as the kind of value `type` describes.
bool checkDataFile(const fs::path &path, const TypeProto &type,
                   CorpusStats &st) {
  std::string err;
  auto file = MappedFile::open(path.string(), &err);
  if (!file) {
    ADD_FAILURE() << err;
    return false;
  }
  const std::string where = path.string();
  switch (type.kind) {
  case TypeProto::Kind::Sequence: {
    SequenceProto s;
    if (!parseSequence(file->data(), file->size(), s, err)) {
      ADD_FAILURE() << where << ": " << err;
      return false;
    }
    ++st.sequences;
    checkSequence(s, type, where, st);
    return true;
  }
  case TypeProto::Kind::Optional: {
    OptionalProto o;
    if (!parseOptional(file->data(), file->size(), o, err)) {
      ADD_FAILURE() << where << ": " << err;
      return false;
    }
    ++st.optionals;
    checkOptional(o, type, where, st);
    return true;
  }
  default: {
    TensorProto t;
    if (!parseTensor(file->data(), file->size(), t, err)) {
      ADD_FAILURE() << where << ": " << err;
      return false;
    }
    ++st.tensors;
    EXPECT_EQ(type.kind, TypeProto::Kind::Tensor) << where;
    checkTensor(t, type.elem_type, where, st);
    if (type.has_shape) {
      EXPECT_EQ(t.dims.size(), type.shape.dim.size()) << where;
    }
    return true;
  }
  }
}

TEST(OnnxNodeTests, TruncatedAndBitFlippedRealModels) {
  std::string tried;
  std::string dir = nodeTestsDir(tried);
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec))
    GTEST_SKIP() << "../shared/onnx-node-tests not found: " << tried;
  // Models with subgraphs, sequences, optionals, strings and packed types.
  size_t checked = 0;
  for (const char *name :
       {"test_if_seq", "test_loop11", "test_scan9_sum", "test_identity_opt",
        "test_sequence_map_identity_2_sequences", "test_dequantizelinear_int4",
        "test_rms_normalization_2d_axis0_expanded"}) {
    std::string err;
    std::string path = (fs::path(dir) / name / "model.onnx").string();
    auto file = MappedFile::open(path, &err);
    if (!file)
      continue; // the corpus may differ; the full-corpus test checks counts
    ++checked;
    ModelProto m;
    ASSERT_TRUE(parseModel(file->data(), file->size(), m, err)) << err;
    std::string full(reinterpret_cast<const char *>(file->data()),
                     file->size());
    std::set<size_t> ok = topLevelBoundaries(full);
    for (size_t n = 0; n < full.size(); ++n) {
      std::unique_ptr<uint8_t[]> buf(new uint8_t[n ? n : 1]);
      std::memcpy(buf.get(), full.data(), n);
      EXPECT_EQ(parseModel(buf.get(), n, m, err), ok.count(n) != 0)
          << path << " prefix " << n << ": " << err;
    }
    std::unique_ptr<uint8_t[]> buf(new uint8_t[full.size()]);
    for (size_t i = 0; i < full.size(); ++i)
      for (int bit = 0; bit < 8; ++bit) {
        std::memcpy(buf.get(), full.data(), full.size());
        buf[i] ^= uint8_t(1u << bit);
        parseModel(buf.get(), full.size(), m, err);
      }
  }
  EXPECT_GT(checked, 0u);
}

TEST(OnnxNodeTests, ParseAllModelsAndData) {
  std::string tried;
  std::string dir = nodeTestsDir(tried);
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec))
    GTEST_SKIP() << "../shared/onnx-node-tests not found: " << tried;

  auto start = std::chrono::steady_clock::now();
  std::vector<fs::path> tests;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec) && fs::exists(e.path() / "model.onnx", ec))
      tests.push_back(e.path());
  std::sort(tests.begin(), tests.end());
  ASSERT_FALSE(tests.empty()) << "no test_*/model.onnx under " << dir;

  CorpusStats st;
  size_t dataFiles = 0, dataParsed = 0;
  for (const fs::path &test : tests) {
    std::string err;
    const std::string modelPath = (test / "model.onnx").string();
    auto file = MappedFile::open(modelPath, &err);
    ASSERT_TRUE(file) << err;
    ModelProto m;
    if (!parseModel(file->data(), file->size(), m, err)) {
      ADD_FAILURE() << modelPath << ": " << err;
      continue;
    }
    ++st.models;
    EXPECT_GT(m.ir_version, 0) << modelPath;
    EXPECT_TRUE(m.has_graph) << modelPath;
    EXPECT_GT(m.graph.node.size(), 0u) << modelPath;
    EXPECT_FALSE(m.graph.output.empty()) << modelPath;
    for (const ValueInfoProto &out : m.graph.output)
      EXPECT_FALSE(out.name.empty()) << modelPath;
    for (const NodeProto &n : m.graph.node)
      EXPECT_FALSE(n.op_type.empty()) << modelPath;
    st.nodes += m.graph.node.size();
    st.initializers += m.graph.initializer.size();
    countSubgraphs(m.graph, st);
    for (const TensorProto &init : m.graph.initializer)
      checkTensor(init, 0, modelPath + ":" + std::string(init.name), st);

    // input_K follows graph.input minus initializers; output_K graph.output.
    std::set<std::string_view> initNames;
    for (const TensorProto &init : m.graph.initializer)
      initNames.insert(init.name);
    std::vector<const TypeProto *> inputs;
    for (const ValueInfoProto &in : m.graph.input)
      if (!initNames.count(in.name))
        inputs.push_back(&in.type);
    const fs::path dataDir = test / "test_data_set_0";
    for (const fs::directory_entry &e : fs::directory_iterator(dataDir, ec)) {
      const std::string name = e.path().filename().string();
      if (e.path().extension() != ".pb")
        continue;
      ++dataFiles;
      const TypeProto *type = nullptr;
      unsigned k = 0;
      if (std::sscanf(name.c_str(), "input_%u.pb", &k) == 1) {
        if (k < inputs.size())
          type = inputs[k];
      } else if (std::sscanf(name.c_str(), "output_%u.pb", &k) == 1) {
        if (k < m.graph.output.size())
          type = &m.graph.output[k].type;
      }
      if (!type) {
        ADD_FAILURE() << e.path() << ": no matching graph input/output";
        continue;
      }
      dataParsed += checkDataFile(e.path(), *type, st);
    }
  }
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();

  std::printf(
      "[ corpus   ] %zu/%zu models (%zu nodes incl. %zu subgraphs, %zu "
      "attributes, %zu initializers)\n"
      "[ corpus   ] %zu/%zu data files: %zu TensorProto, %zu SequenceProto, "
      "%zu OptionalProto\n"
      "[ corpus   ] tensors: %zu raw_data (%llu bytes), %zu typed fields, %zu "
      "string, %zu empty; %.2f s\n",
      st.models, tests.size(), st.nodes, st.subgraphs, st.attributes,
      st.initializers, dataParsed, dataFiles, st.tensors, st.sequences,
      st.optionals, st.rawTensors, (unsigned long long)st.rawBytes,
      st.typedTensors, st.stringTensors, st.emptyTensors, seconds);
  RecordProperty("models_parsed", int(st.models));
  RecordProperty("data_files_parsed", int(dataParsed));
  EXPECT_EQ(st.models, tests.size());
  EXPECT_EQ(dataParsed, dataFiles);
}

} // namespace
