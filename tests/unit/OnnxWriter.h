//===- OnnxWriter.h - a tiny ONNX protobuf writer for tests -----*- C++ -*-===//
//
// Builds small (and deliberately broken) ONNX models byte by byte, so tests
// need neither Python nor libprotobuf. Field numbers are those of onnx.proto.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_ONNXWRITER_H
#define KILN_TESTS_ONNXWRITER_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::test {

struct Msg {
  std::string bytes;
  Msg &varint(int field, uint64_t v) {
    tag(field, 0);
    raw(v);
    return *this;
  }
  Msg &str(int field, const std::string &s) {
    tag(field, 2);
    raw(s.size());
    bytes += s;
    return *this;
  }
  Msg &msg(int field, const Msg &m) { return str(field, m.bytes); }
  Msg &f32(int field, float f) {
    tag(field, 5);
    bytes.append(reinterpret_cast<const char *>(&f), 4);
    return *this;
  }
  void tag(int field, int wire) { raw((uint64_t(field) << 3) | wire); }
  void raw(uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      bytes.push_back(char(v ? b | 0x80 : b));
    } while (v);
  }
};

/// TypeProto of a float tensor; dims < 0 become dim_param "N<i>".
inline Msg tensorType(std::vector<int64_t> dims, int elemType = 1) {
  Msg shape;
  for (size_t i = 0; i < dims.size(); ++i) {
    Msg d;
    if (dims[i] >= 0)
      d.varint(1, dims[i]);
    else
      d.str(2, "N" + std::to_string(i));
    shape.msg(1, d);
  }
  Msg tensor;
  tensor.varint(1, elemType).msg(2, shape);
  return Msg().msg(1, tensor);
}

inline Msg valueInfo(const std::string &name, std::vector<int64_t> dims, int elemType = 1) {
  return Msg().str(1, name).msg(2, tensorType(dims, elemType));
}

inline Msg node(const std::string &op, std::vector<std::string> in, std::vector<std::string> out,
                const std::string &name = "", const std::string &domain = "") {
  Msg n;
  for (auto &i : in)
    n.str(1, i);
  for (auto &o : out)
    n.str(2, o);
  if (!name.empty())
    n.str(3, name);
  n.str(4, op);
  if (!domain.empty())
    n.str(7, domain);
  return n;
}

inline Msg intsAttr(const std::string &name, std::vector<int64_t> v) {
  Msg a;
  a.str(1, name).varint(20, 7);
  for (int64_t x : v)
    a.varint(8, uint64_t(x));
  return a;
}

inline Msg floatTensor(const std::string &name, std::vector<int64_t> dims,
                       const std::vector<float> &values) {
  Msg t;
  for (int64_t d : dims)
    t.varint(1, d);
  t.varint(2, 1).str(8, name);
  t.str(9, std::string(reinterpret_cast<const char *>(values.data()), values.size() * 4));
  return t;
}

inline std::string model(const Msg &graph, int64_t opset = 17) {
  Msg opsetId;
  opsetId.str(1, "").varint(2, opset);
  Msg m;
  m.varint(1, 8).msg(8, opsetId).str(2, "kiln-test").msg(7, graph);
  return m.bytes;
}

} // namespace kiln::test

#endif // KILN_TESTS_ONNXWRITER_H
