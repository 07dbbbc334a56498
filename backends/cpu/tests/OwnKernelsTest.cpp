// The cpu plugin's own kernels (OwnKernels.cpp) against the reference
// kernels, bit for bit, on odd shapes: sizes that are not multiples of 8,
// broadcasting on either side, negative axes and steps, empty tensors.
#include "OwnKernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace {

using kiln::cpu::Dims;
using kiln::ref::Attr;
using kiln::ref::Attrs;
using kiln::ref::DType;
using kiln::ref::Tensor;

struct Buf {
  Tensor t;
  std::vector<uint8_t> bytes;
};

int64_t count(const Dims &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

/// Seeded random data of any element type (bool: 0/1; integers small and signed).
Buf rnd(DType type, Dims shape, unsigned seed = 1) {
  Buf b;
  b.t.dtype = type;
  b.t.shape = shape;
  b.bytes.resize(std::max<size_t>(size_t(count(shape)) * kiln::ref::dtypeSize(type), 1));
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-4.f, 4.f);
  for (int64_t i = 0; i < count(shape); ++i) {
    float v = u(gen);
    switch (type) {
    case DType::F32: reinterpret_cast<float *>(b.bytes.data())[i] = v; break;
    case DType::F64: reinterpret_cast<double *>(b.bytes.data())[i] = v; break;
    case DType::I64: reinterpret_cast<int64_t *>(b.bytes.data())[i] = int64_t(v * 1000); break;
    case DType::I32: reinterpret_cast<int32_t *>(b.bytes.data())[i] = int32_t(v * 1000); break;
    case DType::I8: reinterpret_cast<int8_t *>(b.bytes.data())[i] = int8_t(v * 30); break;
    case DType::U8: reinterpret_cast<uint8_t *>(b.bytes.data())[i] = uint8_t(v * 30 + 128); break;
    case DType::Bool: b.bytes[size_t(i)] = v > 0; break;
    default: break;
    }
  }
  b.t.data = b.bytes.data();
  return b;
}

template <class T> Buf vals(DType type, Dims shape, std::vector<T> v) {
  Buf b;
  b.t.dtype = type;
  b.t.shape = shape;
  b.bytes.resize(std::max<size_t>(v.size() * sizeof(T), 1));
  if (!v.empty())
    std::memcpy(b.bytes.data(), v.data(), v.size() * sizeof(T));
  b.t.data = b.bytes.data();
  return b;
}
Buf ints(std::vector<int64_t> v) { return vals<int64_t>(DType::I64, {int64_t(v.size())}, v); }

/// Runs `op` on both and compares the outputs' bytes; returns the output shape.
Dims check(const std::string &op, const Attrs &attrs, const std::vector<const Buf *> &in) {
  std::vector<const Tensor *> ins;
  for (const Buf *b : in)
    ins.push_back(b ? &b->t : nullptr);
  std::vector<Dims> shapes;
  std::vector<DType> types;
  kiln::ref::Status st = kiln::ref::inferShapes(op, attrs, ins, shapes, types);
  EXPECT_TRUE(st.ok) << op << ": " << st.message;
  if (!st.ok)
    return {};
  size_t bytes = size_t(count(shapes[0])) * kiln::ref::dtypeSize(types[0]);
  std::vector<uint8_t> want(bytes + 1, 0xAB), got(bytes + 1, 0xCD);
  std::vector<Tensor> outs(1);
  outs[0].dtype = types[0];
  outs[0].shape = shapes[0];
  outs[0].data = want.data();
  st = kiln::ref::run(op, attrs, ins, outs);
  EXPECT_TRUE(st.ok) << op << ": " << st.message;
  std::string why;
  auto k = kiln::cpu::makeKernel(op, attrs, ins, shapes[0], types[0], why);
  EXPECT_TRUE(k) << op << ": " << why;
  if (!k)
    return shapes[0];
  std::vector<const void *> ptrs;
  for (auto *t : ins)
    ptrs.push_back(t ? t->data : nullptr);
  std::string err;
  EXPECT_TRUE(k->run(ptrs.data(), got.data(), err)) << err;
  EXPECT_EQ(0, std::memcmp(want.data(), got.data(), bytes)) << op << " differs from the reference";
  EXPECT_EQ(got[bytes], 0xCD) << op << " wrote past its output";
  return shapes[0];
}

Attrs with(std::initializer_list<std::pair<const char *, Attr>> a) {
  Attrs r;
  for (auto &[k, v] : a)
    r.set(k, v);
  return r;
}

TEST(OwnKernels, Transpose) {
  Buf a = rnd(DType::F32, {3, 5, 7}), b = rnd(DType::I64, {2, 3, 4, 5}), c = rnd(DType::U8, {5, 9}),
      e = rnd(DType::F32, {0, 3}), f = rnd(DType::Bool, {3, 1, 5});
  EXPECT_EQ(check("transpose", with({{"perm", Attr::makeInts({2, 0, 1})}}), {&a}), (Dims{7, 3, 5}));
  EXPECT_EQ(check("transpose", with({{"perm", Attr::makeInts({0, 2, 1, 3})}}), {&b}), (Dims{2, 4, 3, 5}));
  EXPECT_EQ(check("transpose", {}, {&c}), (Dims{9, 5}));
  EXPECT_EQ(check("transpose", {}, {&e}), (Dims{3, 0}));
  EXPECT_EQ(check("transpose", with({{"perm", Attr::makeInts({1, 2, 0})}}), {&f}), (Dims{1, 5, 3}));
}

TEST(OwnKernels, Gather) {
  Buf x = rnd(DType::F32, {7, 5}), i = ints({6, -1, 0, -7, 3});
  EXPECT_EQ(check("gather", {}, {&x, &i}), (Dims{5, 5}));
  Buf y = rnd(DType::I64, {4, 6, 3});
  Buf j = vals<int32_t>(DType::I32, {2, 2}, {-3, 2, 0, 1});
  EXPECT_EQ(check("gather", with({{"axis", Attr::makeInt(-1)}}), {&y, &j}), (Dims{4, 6, 2, 2}));
  Buf none = ints({});
  EXPECT_EQ(check("gather", with({{"axis", Attr::makeInt(1)}}), {&y, &none}), (Dims{4, 0, 3}));
  Buf scalar = vals<int64_t>(DType::I64, {}, {-2});
  EXPECT_EQ(check("gather", {}, {&x, &scalar}), (Dims{5}));
  // An index out of range is an error naming it.
  Buf bad = ints({7});
  std::string why, err;
  auto k = kiln::cpu::makeKernel("gather", {}, {&x.t, &bad.t}, {1, 5}, DType::F32, why);
  ASSERT_TRUE(k);
  std::vector<float> out(5);
  const void *p[] = {x.t.data, bad.t.data};
  EXPECT_FALSE(k->run(p, out.data(), err));
  EXPECT_NE(err.find("index 7 is out of range"), std::string::npos) << err;
}

TEST(OwnKernels, Slice) {
  Buf x = rnd(DType::F32, {9, 10});
  Buf s = ints({1, -8}), e = ints({8, 100}), a = ints({0, -1}), st = ints({2, 3});
  EXPECT_EQ(check("slice", {}, {&x, &s, &e, &a, &st}), (Dims{4, 3}));
  Buf y = rnd(DType::I64, {7});
  Buf s2 = ints({-1}), e2 = ints({-100}), a2 = ints({0}), st2 = ints({-2});
  EXPECT_EQ(check("slice", {}, {&y, &s2, &e2, &a2, &st2}), (Dims{4}));
  Buf s3 = ints({5}), e3 = ints({2}), st3 = ints({1});
  EXPECT_EQ(check("slice", {}, {&y, &s3, &e3, &a2, &st3}), (Dims{0}));
  Buf z = rnd(DType::U8, {3, 11, 5});
  Buf s4 = ints({2}), e4 = ints({11}), a4 = ints({1}), st4 = ints({1});
  EXPECT_EQ(check("slice", {}, {&z, &s4, &e4, &a4, &st4}), (Dims{3, 9, 5}));
}

TEST(OwnKernels, Pad) {
  Buf x = rnd(DType::F32, {3, 5});
  Buf p = ints({1, 2, 0, 3});
  EXPECT_EQ(check("pad", with({{"value", Attr::makeFloat(1.5)}}), {&x, &p}), (Dims{4, 10}));
  Buf neg = ints({-1, 0, 2, -2});
  EXPECT_EQ(check("pad", {}, {&x, &neg}), (Dims{4, 3}));
  Buf y = rnd(DType::I64, {2, 3, 1});
  Buf py = ints({0, 1, 2, 1, 0, 3});
  Buf cv = vals<int64_t>(DType::I64, {}, {-9});
  EXPECT_EQ(check("pad", {}, {&y, &py, &cv}), (Dims{3, 4, 6}));
  Buf empty = rnd(DType::F32, {0, 3});
  Buf pe = ints({1, 0, 1, 0});
  EXPECT_EQ(check("pad", with({{"value", Attr::makeFloat(-2)}}), {&empty, &pe}), (Dims{2, 3}));
}

TEST(OwnKernels, ExpandAndTile) {
  Buf x = rnd(DType::F32, {3, 1}), s = ints({2, 3, 5});
  EXPECT_EQ(check("expand", {}, {&x, &s}), (Dims{2, 3, 5}));
  Buf one = rnd(DType::I64, {1}), s2 = ints({4, 7});
  EXPECT_EQ(check("expand", {}, {&one, &s2}), (Dims{4, 7}));
  Buf y = rnd(DType::F32, {2, 1, 9}), s3 = ints({1, 3, 1});
  EXPECT_EQ(check("expand", {}, {&y, &s3}), (Dims{2, 3, 9}));
  Buf t = rnd(DType::F32, {3, 5}), r = ints({2, 3});
  EXPECT_EQ(check("tile", {}, {&t, &r}), (Dims{6, 15}));
  Buf u = rnd(DType::Bool, {2, 1, 3}), r2 = ints({1, 4, 2});
  EXPECT_EQ(check("tile", {}, {&u, &r2}), (Dims{2, 4, 6}));
  Buf r0 = ints({0, 3});
  EXPECT_EQ(check("tile", {}, {&t, &r0}), (Dims{0, 15}));
}

TEST(OwnKernels, Concat) {
  Buf a = ints({1, 2}), b = ints({3}), c = ints({4, 5, 6}), none = ints({});
  EXPECT_EQ(check("concat", with({{"axis", Attr::makeInt(0)}}), {&a, &b, &none, &c}), (Dims{6}));
  Buf x = rnd(DType::U8, {2, 3}), y = rnd(DType::U8, {2, 5}, 2);
  EXPECT_EQ(check("concat", with({{"axis", Attr::makeInt(-1)}}), {&x, &y}), (Dims{2, 8}));
  Buf p = rnd(DType::Bool, {3, 1, 2}), q = rnd(DType::Bool, {3, 2, 2}, 3);
  EXPECT_EQ(check("concat", with({{"axis", Attr::makeInt(1)}}), {&p, &q}), (Dims{3, 3, 2}));
}

TEST(OwnKernels, Where) {
  Buf c = rnd(DType::Bool, {3, 1}), x = rnd(DType::F32, {1, 5}), y = rnd(DType::F32, {3, 5}, 4);
  EXPECT_EQ(check("where", {}, {&c, &x, &y}), (Dims{3, 5}));
  Buf c2 = rnd(DType::Bool, {2, 9}, 5), s = vals<int64_t>(DType::I64, {}, {42}), z = rnd(DType::I64, {9});
  EXPECT_EQ(check("where", {}, {&c2, &s, &z}), (Dims{2, 9}));
  Buf c3 = rnd(DType::Bool, {13}, 6), a3 = rnd(DType::F32, {13}, 7), b3 = rnd(DType::F32, {13}, 8);
  EXPECT_EQ(check("where", {}, {&c3, &a3, &b3}), (Dims{13}));
  Buf ce = rnd(DType::Bool, {0, 4});
  EXPECT_EQ(check("where", {}, {&ce, &s, &s}), (Dims{0, 4}));
}

TEST(OwnKernels, Cast) {
  float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  Buf f = vals<float>(DType::F32, {9}, {1.7f, -1.7f, 0.f, -0.f, nan, inf, -inf, 3e10f, -2.5f});
  for (DType to : {DType::I64, DType::I32, DType::I8, DType::U8, DType::Bool, DType::F64, DType::F32})
    check("cast", with({{"to", Attr::makeType(to)}}), {&f});
  Buf i = rnd(DType::I64, {3, 5});
  for (DType to : {DType::F32, DType::I32, DType::Bool, DType::U8})
    check("cast", with({{"to", Attr::makeType(to)}}), {&i});
  Buf b = rnd(DType::Bool, {11});
  for (DType to : {DType::F32, DType::I64})
    check("cast", with({{"to", Attr::makeType(to)}}), {&b});
  Buf e = rnd(DType::F32, {0});
  check("cast", with({{"to", Attr::makeType(DType::I64)}}), {&e});
  EXPECT_FALSE(kiln::cpu::castSupported(DType::F32, DType::F16));
}

TEST(OwnKernels, BinaryBroadcastsBothSides) {
  Buf one = vals<float>(DType::F32, {1}, {1.f}), m = rnd(DType::F32, {2, 3, 5});
  EXPECT_EQ(check("sub", {}, {&one, &m}), (Dims{2, 3, 5}));
  Buf a = rnd(DType::F32, {5, 1, 7}), b = rnd(DType::F32, {3, 7}, 9);
  EXPECT_EQ(check("div", {}, {&a, &b}), (Dims{5, 3, 7}));
  Buf s = vals<float>(DType::F32, {}, {0.25f}), v = rnd(DType::F32, {13});
  EXPECT_EQ(check("add", {}, {&s, &v}), (Dims{13}));
  Buf p = rnd(DType::F32, {4, 13}), q = rnd(DType::F32, {4, 13}, 10);
  EXPECT_EQ(check("mul", {}, {&p, &q}), (Dims{4, 13}));
  Buf c = rnd(DType::F32, {4, 1}), r = rnd(DType::F32, {1, 13}, 11);
  EXPECT_EQ(check("sub", {}, {&c, &r}), (Dims{4, 13}));
  Buf e = rnd(DType::F32, {0, 3});
  EXPECT_EQ(check("mul", {}, {&e, &one}), (Dims{0, 3}));
}

TEST(OwnKernels, Shape) {
  Buf x = rnd(DType::F32, {2, 3, 4});
  EXPECT_EQ(check("shape", {}, {&x}), (Dims{3}));
  EXPECT_EQ(check("shape", with({{"start", Attr::makeInt(-2)}}), {&x}), (Dims{2}));
  EXPECT_EQ(check("shape", with({{"start", Attr::makeInt(1)}, {"end", Attr::makeInt(-1)}}), {&x}), (Dims{1}));
}

} // namespace
