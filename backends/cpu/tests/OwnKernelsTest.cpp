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

// --- pad modes, f16/bf16 casts, lrn, split (own kernels added later) -------------------

namespace {

TEST(OwnKernels, PadReflectEdgeWrap) {
  for (const char *mode : {"reflect", "edge", "wrap"}) {
    SCOPED_TRACE(mode);
    Attrs m = with({{"mode", Attr::makeString(mode)}});
    Buf x = rnd(DType::F32, {3, 5});
    Buf p = ints({1, 2, 2, 3}); // pads within the dims
    EXPECT_EQ(check("pad", m, {&x, &p}), (Dims{6, 10}));
    Buf big = ints({4, 0, 0, 9}); // wider than the dim: the pattern repeats
    EXPECT_EQ(check("pad", m, {&x, &big}), (Dims{7, 14}));
    Buf neg = ints({-1, 2, 1, -2}); // crop one side, pad the other
    EXPECT_EQ(check("pad", m, {&x, &neg}), (Dims{3, 5}));
    for (DType t : {DType::I64, DType::I32, DType::I8, DType::U8, DType::F64, DType::Bool}) {
      Buf y = rnd(t, {2, 3, 4}, 3);
      Buf py = ints({0, 1, 2, 1, 2, 3});
      EXPECT_EQ(check("pad", m, {&y, &py}), (Dims{3, 6, 9}));
    }
    Buf one = rnd(DType::F32, {4, 1}); // a dim of size 1
    Buf p1 = ints({0, 3, 0, 2});
    EXPECT_EQ(check("pad", m, {&one, &p1}), (Dims{4, 6}));
    Buf five = rnd(DType::F32, {2, 3, 1, 4, 3}); // rank 5, padded on inner and outer dims
    Buf p5 = ints({1, 0, 0, 2, 1, 0, 1, 0, 1, 2});
    EXPECT_EQ(check("pad", m, {&five, &p5}), (Dims{3, 4, 1, 7, 6}));
    Buf empty = rnd(DType::F32, {0, 3}); // empty, padded only along the non-empty dim
    Buf pe = ints({0, 2, 0, 1});
    EXPECT_EQ(check("pad", m, {&empty, &pe}), (Dims{0, 6}));
    Buf scalar = vals<float>(DType::F32, {}, {2.5f});
    Buf none = ints({});
    EXPECT_EQ(check("pad", m, {&scalar, &none}), (Dims{}));
  }
  // Padding an empty dim in these modes is an error, not a kernel.
  Buf empty = rnd(DType::F32, {0, 3}), pe = ints({1, 0, 0, 0});
  std::string why;
  EXPECT_FALSE(kiln::cpu::makeKernel("pad", with({{"mode", Attr::makeString("edge")}}), {&empty.t, &pe.t},
                                     {1, 3}, DType::F32, why));
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// f32 values that exercise the rounding: every exponent, halfway cases
/// for f16 and bf16 (ties to even), subnormals of both formats, overflow
/// to inf, +-0, +-inf and quiet NaNs; then random bit patterns (no NaNs:
/// their payloads are checked apart).
std::vector<float> roundingCases() {
  std::vector<float> v = {0.f, -0.f, 1.f, -1.f, 65504.f, 65519.f, 65520.f, -65520.f, 1e-8f, -3e-8f,
                          5.96046448e-8f, 2.98023224e-8f, 2.98023225e-8f, 6.1035156e-5f, 6.1e-5f, 1e-40f,
                          -1e-45f, 3.4028235e38f, std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(),
                          -std::numeric_limits<float>::quiet_NaN()};
  for (uint32_t e = 0; e < 255; ++e)
    for (uint32_t low : {0x0000u, 0x1000u, 0x3000u, 0x1001u, 0x0fffu, 0x8000u, 0x18000u, 0x7fffu, 0x17fffu})
      for (uint32_t s : {0u, 0x80000000u})
        v.push_back(floatOf(s | (e << 23) | low | 0x2000u * (e & 1)));
  std::mt19937 gen(7);
  while (v.size() < 20000) {
    float f = floatOf(gen());
    if (!std::isnan(f))
      v.push_back(f);
  }
  return v;
}

TEST(OwnKernels, CastToAndFromFloat16AndBFloat16) {
  std::vector<float> f = roundingCases();
  Buf x = vals<float>(DType::F32, {int64_t(f.size())}, f);
  std::vector<double> d(f.begin(), f.end());
  d.push_back(1.0 + 1.0 / 4096 + 1e-12); // rounds up from double (not a float)
  Buf xd = vals<double>(DType::F64, {int64_t(d.size())}, d);
  std::vector<uint16_t> halves;
  for (uint32_t h = 0; h < 65536; ++h) {
    bool signalingNaN = (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) && !(h & 0x200u);
    if (!signalingNaN) // F16C quiets them (still NaN, below)
      halves.push_back(uint16_t(h));
  }
  Buf h = vals<uint16_t>(DType::F16, {int64_t(halves.size())}, halves);
  Buf bf = vals<uint16_t>(DType::BF16, {int64_t(halves.size())}, halves);
  Buf i = rnd(DType::I64, {37}), u = rnd(DType::U8, {9, 5}), b = rnd(DType::Bool, {17});
  Buf empty = rnd(DType::F32, {0, 4});
  for (bool portable : {false, true}) {
    SCOPED_TRACE(portable ? "portable" : "default (F16C when the CPU has it)");
    if (portable)
      ::setenv("KILN_CPU_NO_F16C", "1", 1);
    for (DType to : {DType::F16, DType::BF16}) {
      Attrs a = with({{"to", Attr::makeType(to)}});
      check("cast", a, {&x});
      check("cast", a, {&xd});
      check("cast", a, {&i});
      check("cast", a, {&u});
      check("cast", a, {&b});
      check("cast", a, {&empty});
      check("cast", a, {to == DType::F16 ? &bf : &h}); // f16 <-> bf16
    }
    for (DType to : {DType::F32, DType::F64, DType::I64, DType::I32, DType::I8, DType::U8, DType::Bool}) {
      Attrs a = with({{"to", Attr::makeType(to)}});
      check("cast", a, {&h});
      check("cast", a, {&bf});
    }
    std::string why;
    auto k = kiln::cpu::makeKernel("cast", with({{"to", Attr::makeType(DType::F16)}}), {&x.t}, x.t.shape,
                                   DType::F16, why);
    ASSERT_TRUE(k) << why;
    if (portable)
      EXPECT_EQ(k->name().find("f16c"), std::string::npos) << k->name();
#if defined(__x86_64__)
    else if (__builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx"))
      EXPECT_NE(k->name().find("f16c"), std::string::npos) << k->name();
#endif
    // NaNs with payloads (signaling or not) stay NaNs both ways.
    std::vector<float> nans = {floatOf(0x7f800001u), floatOf(0xff800123u), floatOf(0x7fc00001u), floatOf(0x7fbfffffu),
                               floatOf(0x7f802000u), floatOf(0xffffffffu), floatOf(0x7fc00000u), floatOf(0x7f800001u),
                               floatOf(0x7fa00000u)};
    Buf nb = vals<float>(DType::F32, {int64_t(nans.size())}, nans);
    auto kn = kiln::cpu::makeKernel("cast", with({{"to", Attr::makeType(DType::F16)}}), {&nb.t}, nb.t.shape,
                                    DType::F16, why);
    ASSERT_TRUE(kn) << why;
    std::vector<uint16_t> hn(nans.size());
    const void *in[] = {nans.data()};
    std::string err;
    ASSERT_TRUE(kn->run(in, hn.data(), err));
    for (uint16_t v : hn)
      EXPECT_TRUE((v & 0x7c00u) == 0x7c00u && (v & 0x3ffu)) << std::hex << v;
    std::vector<uint16_t> sn = {0x7c01, 0xfc01, 0x7d00, 0x7dff, 0x7c01, 0x7c01, 0x7c01, 0x7c01, 0xfdff};
    Buf snb = vals<uint16_t>(DType::F16, {9}, sn);
    auto back = kiln::cpu::makeKernel("cast", with({{"to", Attr::makeType(DType::F32)}}), {&snb.t}, {9},
                                      DType::F32, why);
    ASSERT_TRUE(back) << why;
    std::vector<float> fn(sn.size());
    const void *in2[] = {sn.data()};
    ASSERT_TRUE(back->run(in2, fn.data(), err));
    for (float v : fn)
      EXPECT_TRUE(std::isnan(v)) << bitsOf(v);
  }
  ::unsetenv("KILN_CPU_NO_F16C");
  EXPECT_TRUE(kiln::cpu::castSupported(DType::F32, DType::F16));
  EXPECT_TRUE(kiln::cpu::castSupported(DType::BF16, DType::I64));
}

TEST(OwnKernels, LrnMatchesTheReferenceForOddAndEvenSizes) {
  auto lrn = [](int64_t size, double alpha, double beta, double bias) {
    return with({{"size", Attr::makeInt(size)}, {"alpha", Attr::makeFloat(alpha)}, {"beta", Attr::makeFloat(beta)},
                 {"bias", Attr::makeFloat(bias)}});
  };
  Buf x = rnd(DType::F32, {2, 7, 5, 3});
  for (int64_t size : {1, 2, 3, 4, 5, 6, 9, 16}) { // even sizes: the window reaches one further up
    SCOPED_TRACE(size);
    EXPECT_EQ(check("lrn", lrn(size, 1e-4, 0.75, 1.0), {&x}), (Dims{2, 7, 5, 3}));
    EXPECT_EQ(check("lrn", lrn(size, 0.02, 0.5, 2.0), {&x}), (Dims{2, 7, 5, 3}));
  }
  Buf r3 = rnd(DType::F32, {1, 9, 13}), r2 = rnd(DType::F32, {3, 11}), r5 = rnd(DType::F32, {1, 4, 2, 3, 5});
  EXPECT_EQ(check("lrn", lrn(4, 1.0, 0.6, 0.5), {&r3}), (Dims{1, 9, 13}));
  EXPECT_EQ(check("lrn", lrn(3, 0.5, 1.0, 1.0), {&r2}), (Dims{3, 11}));
  EXPECT_EQ(check("lrn", lrn(2, 0.1, 0.75, 1.0), {&r5}), (Dims{1, 4, 2, 3, 5}));
  Buf e = rnd(DType::F32, {0, 4, 3}), e2 = rnd(DType::F32, {2, 4, 0});
  EXPECT_EQ(check("lrn", lrn(3, 1e-4, 0.75, 1.0), {&e}), (Dims{0, 4, 3}));
  EXPECT_EQ(check("lrn", lrn(3, 1e-4, 0.75, 1.0), {&e2}), (Dims{2, 4, 0}));
  std::string why;
  Buf d = rnd(DType::F64, {1, 3, 2});
  EXPECT_FALSE(kiln::cpu::makeKernel("lrn", lrn(3, 1e-4, 0.75, 1.0), {&d.t}, {1, 3, 2}, DType::F64, why));
}

/// Every output of a split by the own kernels against the reference's outputs.
void checkSplit(const Attrs &attrs, const std::vector<const Buf *> &in) {
  std::vector<const Tensor *> ins;
  for (const Buf *b : in)
    ins.push_back(b ? &b->t : nullptr);
  std::vector<Dims> shapes;
  std::vector<DType> types;
  kiln::ref::Status st = kiln::ref::inferShapes("split", attrs, ins, shapes, types);
  ASSERT_TRUE(st.ok) << st.message;
  std::vector<std::vector<uint8_t>> want(shapes.size());
  std::vector<Tensor> outs(shapes.size());
  for (size_t j = 0; j < shapes.size(); ++j) {
    want[j].assign(size_t(count(shapes[j])) * kiln::ref::dtypeSize(types[j]) + 1, 0xAB);
    outs[j].dtype = types[j];
    outs[j].shape = shapes[j];
    outs[j].data = want[j].data();
  }
  st = kiln::ref::run("split", attrs, ins, outs);
  ASSERT_TRUE(st.ok) << st.message;
  int64_t rank = int64_t(in[0]->t.shape.size()), axis = attrs.getInt("axis", 0);
  if (axis < 0)
    axis += rank;
  int64_t offset = 0;
  for (size_t j = 0; j < shapes.size(); ++j) {
    std::string why, err;
    auto k = kiln::cpu::makeSplitKernel(in[0]->t, axis, offset, shapes[j], why);
    ASSERT_TRUE(k) << why;
    offset += shapes[j][size_t(axis)];
    std::vector<uint8_t> got(want[j].size(), 0xCD);
    const void *p[] = {in[0]->t.data};
    ASSERT_TRUE(k->run(p, got.data(), err)) << err;
    size_t bytes = got.size() - 1;
    EXPECT_EQ(0, std::memcmp(want[j].data(), got.data(), bytes)) << "output " << j << " differs";
    EXPECT_EQ(got[bytes], 0xCD) << "output " << j << " written past its end";
  }
  EXPECT_EQ(offset, in[0]->t.shape[size_t(axis)]);
}

TEST(OwnKernels, SplitEqualExplicitAndRuntimeSizes) {
  auto attrs = [](int64_t axis, int64_t n, std::vector<int64_t> split = {}) {
    Attrs a = with({{"axis", Attr::makeInt(axis)}, {"num_outputs", Attr::makeInt(n)}});
    if (!split.empty())
      a.set("split", Attr::makeInts(split));
    return a;
  };
  for (DType t : {DType::F32, DType::I64, DType::I32, DType::U8, DType::Bool, DType::F64}) {
    SCOPED_TRACE(kiln::ref::dtypeName(t));
    Buf x = rnd(t, {4, 7, 5});
    checkSplit(attrs(0, 2), {&x});
    checkSplit(attrs(1, 3), {&x});             // 3, 3, 1: the last piece shorter
    checkSplit(attrs(-1, 5), {&x});            // negative axis, pieces of 1
    checkSplit(attrs(1, 3, {2, 0, 5}), {&x});  // explicit sizes with an empty piece
    checkSplit(attrs(-2, 2, {6, 1}), {&x});
    Buf sizes = ints({1, 3});
    checkSplit(attrs(0, 2), {&x, &sizes}); // run-time sizes
  }
  Buf h = vals<uint16_t>(DType::F16, {2, 3}, {1, 2, 3, 4, 5, 6});
  checkSplit(attrs(1, 3), {&h});
  Buf e = rnd(DType::F32, {0, 6});
  checkSplit(attrs(1, 2), {&e});
  checkSplit(attrs(0, 2, {0, 0}), {&e});
  Buf v = rnd(DType::I64, {11});
  checkSplit(attrs(0, 4), {&v});
}

} // namespace

namespace {

TEST(OwnKernels, ReductionsWithAndWithoutKeepdims) {
  const char *ops[] = {"reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
                       "reduce_l1", "reduce_l2", "reduce_sum_square", "reduce_log_sum_exp"};
  for (DType t : {DType::F32, DType::F64}) {
    Buf x = rnd(t, {3, 5, 7, 2});
    for (const char *op : ops) {
      SCOPED_TRACE(std::string(op) + " " + kiln::ref::dtypeName(t));
      for (int64_t keep : {0, 1}) {
        Attrs k = with({{"keepdims", Attr::makeInt(keep)}});
        check(op, k, {&x}); // every axis
        Attrs a = k;
        a.set("axes", Attr::makeInts({-1}));
        check(op, a, {&x}); // the inner dim
        a.set("axes", Attr::makeInts({0, 2}));
        check(op, a, {&x}); // outer and middle, not contiguous
        a.set("axes", Attr::makeInts({1}));
        check(op, a, {&x});
        Buf axes = ints({-3, 3}); // run-time axes operand
        check(op, k, {&x, &axes});
      }
      Buf nodata = ints({}); // empty axes without bytes (as an empty constant): every axis
      nodata.t.data = nullptr;
      check(op, {}, {&x, &nodata});
      Attrs noop = with({{"noop_with_empty_axes", Attr::makeInt(1)}});
      Buf none = ints({});
      EXPECT_EQ(check(op, noop, {&x, &none}), (Dims{3, 5, 7, 2}));
      Buf e = rnd(t, {2, 0, 3}); // empty: the reduced outputs hold the identity (or NaN for mean)
      EXPECT_EQ(check(op, with({{"axes", Attr::makeInts({1})}, {"keepdims", Attr::makeInt(0)}}), {&e}), (Dims{2, 3}));
      Buf s = vals<float>(DType::F32, {}, {-1.5f}); // a scalar
      if (t == DType::F32)
        EXPECT_EQ(check(op, {}, {&s}), (Dims{}));
    }
  }
  // NaN propagates through max/min as in the reference.
  float nan = std::numeric_limits<float>::quiet_NaN();
  Buf n = vals<float>(DType::F32, {2, 3}, {1.f, nan, 3.f, -1.f, 2.f, nan});
  for (const char *op : {"reduce_max", "reduce_min", "reduce_log_sum_exp", "reduce_sum"})
    check(op, with({{"axes", Attr::makeInts({1})}}), {&n});
  std::string why;
  Buf i = rnd(DType::I64, {3, 4});
  EXPECT_FALSE(kiln::cpu::makeKernel("reduce_sum", {}, {&i.t}, {1, 1}, DType::I64, why));
}

TEST(OwnKernels, ArgMaxArgMin) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  Buf ties = vals<float>(DType::F32, {2, 5}, {1.f, 3.f, 3.f, -2.f, 3.f, nan, 0.f, nan, 4.f, 4.f});
  Buf x = rnd(DType::F32, {4, 6, 3}), d = rnd(DType::F64, {3, 7}), i = rnd(DType::I64, {5, 4}),
      j = rnd(DType::I32, {2, 3, 9});
  for (const char *op : {"arg_max", "arg_min"}) {
    SCOPED_TRACE(op);
    for (int64_t last : {0, 1})
      for (int64_t keep : {0, 1}) {
        auto a = [&](int64_t axis) {
          return with({{"axis", Attr::makeInt(axis)}, {"keepdims", Attr::makeInt(keep)},
                       {"select_last_index", Attr::makeInt(last)}});
        };
        check(op, a(1), {&ties});
        check(op, a(0), {&ties});
        check(op, a(-2), {&x});
        check(op, a(2), {&x});
        check(op, a(0), {&x});
        check(op, a(-1), {&d});
        check(op, a(0), {&i});
        check(op, a(1), {&j});
      }
    Buf e = rnd(DType::F32, {0, 4});
    EXPECT_EQ(check(op, with({{"axis", Attr::makeInt(1)}}), {&e}), (Dims{0, 1}));
  }
}

TEST(OwnKernels, CumSumAndClipWithRunTimeBounds) {
  for (DType t : {DType::F32, DType::F64}) {
    Buf x = rnd(t, {3, 4, 5});
    for (int64_t axis : {0, 1, -1}) {
      Buf ax = ints({axis});
      for (int64_t excl : {0, 1})
        for (int64_t rev : {0, 1})
          check("cum_sum", with({{"exclusive", Attr::makeInt(excl)}, {"reverse", Attr::makeInt(rev)}}), {&x, &ax});
    }
    Buf ax32 = vals<int32_t>(DType::I32, {}, {1}), e = rnd(t, {0, 3});
    check("cum_sum", {}, {&x, &ax32});
    check("cum_sum", {}, {&e, &ax32});
  }
  float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  Buf x = vals<float>(DType::F32, {9}, {-3.f, -0.5f, 0.f, 0.25f, 2.f, nan, inf, -inf, 1.f});
  Buf lo = vals<float>(DType::F32, {}, {-1.f}), hi = vals<float>(DType::F32, {1}, {0.5f});
  check("clip", {}, {&x, &lo, &hi});
  Buf r = rnd(DType::F32, {7, 13});
  check("clip", {}, {&r, &lo, &hi});
  check("clip", {}, {&r, &hi, &lo}); // min above max: max wins, as the reference
}

} // namespace

namespace {

TEST(OwnKernels, ComparisonsAndLogicBroadcast) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  Buf f = vals<float>(DType::F32, {2, 3}, {1.f, nan, -0.f, 2.f, 3.f, nan});
  Buf g = vals<float>(DType::F32, {3}, {1.f, nan, 0.f});
  for (const char *op : {"equal", "less", "less_or_equal", "greater", "greater_or_equal"}) {
    SCOPED_TRACE(op);
    EXPECT_EQ(check(op, {}, {&f, &g}), (Dims{2, 3})); // NaN compares false, -0 == 0
    for (DType t : {DType::F32, DType::F64, DType::I64, DType::I32}) {
      Buf a = rnd(t, {4, 1, 5}, 1), b = rnd(t, {3, 1}, 2), c = rnd(t, {4, 3, 5}, 3);
      EXPECT_EQ(check(op, {}, {&a, &b}), (Dims{4, 3, 5})); // both sides broadcast
      EXPECT_EQ(check(op, {}, {&c, &a}), (Dims{4, 3, 5}));
      Buf s = rnd(t, {}, 4), e = rnd(t, {0, 5}, 5);
      EXPECT_EQ(check(op, {}, {&s, &c}), (Dims{4, 3, 5}));
      EXPECT_EQ(check(op, {}, {&e, &s}), (Dims{0, 5}));
    }
  }
  Buf p = vals<uint8_t>(DType::Bool, {4}, {0, 1, 2, 1}), q = vals<uint8_t>(DType::Bool, {4}, {0, 2, 1, 0});
  Buf r = rnd(DType::Bool, {3, 4}, 6);
  for (const char *op : {"equal", "and", "or", "xor"}) {
    SCOPED_TRACE(op);
    check(op, {}, {&p, &q}); // bytes other than 0/1 are true
    EXPECT_EQ(check(op, {}, {&r, &q}), (Dims{3, 4}));
  }
  std::string why;
  EXPECT_FALSE(kiln::cpu::makeKernel("less", {}, {&p.t, &q.t}, {4}, DType::Bool, why));
  Buf u = rnd(DType::U8, {3});
  EXPECT_FALSE(kiln::cpu::makeKernel("equal", {}, {&u.t, &u.t}, {3}, DType::Bool, why));
}

} // namespace

namespace {

TEST(OwnKernels, NegReciprocalFloorCeilRound) {
  float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  Buf x = vals<float>(DType::F32, {13}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.f, -0.f, nan, inf, -inf, 1e-40f, 7.25f});
  Buf r = rnd(DType::F32, {5, 9}), e = rnd(DType::F32, {0, 2});
  for (const char *op : {"neg", "reciprocal", "floor", "ceil", "round"}) {
    SCOPED_TRACE(op);
    check(op, {}, {&x}); // round: halves to even
    check(op, {}, {&r});
    check(op, {}, {&e});
  }
  Buf i = vals<int64_t>(DType::I64, {4}, {std::numeric_limits<int64_t>::min(), -3, 0, 9});
  Buf j = vals<int32_t>(DType::I32, {3}, {std::numeric_limits<int32_t>::min(), 5, -7});
  check("neg", {}, {&i}); // the minimum wraps to itself
  check("neg", {}, {&j});
  std::string why;
  EXPECT_FALSE(kiln::cpu::makeKernel("round", {}, {&i.t}, {4}, DType::I64, why));
}

} // namespace

namespace {

/// i64 `op` of `x` by `y` (broadcast to [2, 3]), where `y` holds a zero:
/// the kernel fails with the reference's message, it does not crash.
void expectZeroDivisorError(const char *op, const Buf &x, const Buf &y, const char *message) {
  std::string why, err;
  auto k = kiln::cpu::makeKernel(op, {}, {&x.t, &y.t}, {2, 3}, DType::I64, why);
  ASSERT_TRUE(k) << why;
  std::vector<int64_t> out(6);
  const void *ins[2] = {x.t.data, y.t.data};
  EXPECT_FALSE(k->run(ins, out.data(), err));
  EXPECT_NE(err.find(message), std::string::npos) << err;
}

TEST(OwnKernels, ModAndFloatTestsAreTheReferences) {
  // mod: both signs, fmod or the divisor's sign, broadcast; is_nan, is_inf
  Buf a = vals<int64_t>(DType::I64, {2, 3}, {7, -7, 7, -7, 0, 9}), b = vals<int64_t>(DType::I64, {3}, {3, 3, -3});
  Buf c = vals<int32_t>(DType::I32, {4}, {-5, 5, 13, -1}), d = vals<int32_t>(DType::I32, {}, {-4});
  Buf x = vals<float>(DType::F32, {4}, {5.5f, -5.5f, 2.25f, -0.75f}), y = vals<float>(DType::F32, {2, 1}, {2.f, -1.5f});
  for (int64_t f : {0, 1}) {
    Attrs at;
    at.set("fmod", Attr::makeInt(f));
    SCOPED_TRACE(f);
    EXPECT_EQ(check("mod", at, {&a, &b}), (Dims{2, 3}));
    EXPECT_EQ(check("mod", at, {&c, &d}), (Dims{4}));
    EXPECT_EQ(check("mod", at, {&x, &y}), (Dims{2, 4}));
  }
  float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  Buf z = vals<float>(DType::F32, {5}, {1.f, inf, -inf, nan, -0.f});
  EXPECT_EQ(check("is_nan", {}, {&z}), (Dims{5}));
  for (int64_t pos : {0, 1})
    for (int64_t neg : {0, 1}) {
      Attrs at;
      at.set("detect_positive", Attr::makeInt(pos));
      at.set("detect_negative", Attr::makeInt(neg));
      EXPECT_EQ(check("is_inf", at, {&z}), (Dims{5}));
    }
  expectZeroDivisorError("mod", b, a, "by zero"); // a: [2, 3] with a zero
}

TEST(OwnKernels, IntegerArithmeticIsTheReferences) {
  // add, sub, mul wrap on overflow; div rounds toward zero and wraps the
  // minimum over -1; min, max: all bit for bit as the reference.
  int64_t big = std::numeric_limits<int64_t>::max(), small = std::numeric_limits<int64_t>::min();
  Buf a = vals<int64_t>(DType::I64, {2, 3}, {big, small, 7, -9, 0, 3}), b = vals<int64_t>(DType::I64, {3}, {1, -1, big});
  Buf c = vals<int32_t>(DType::I32, {4}, {std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(), -5, 6});
  Buf d = vals<int32_t>(DType::I32, {}, {-3});
  for (const char *op : {"add", "sub", "mul", "div", "min", "max"}) {
    SCOPED_TRACE(op);
    bool div = std::string(op) == "div";
    EXPECT_EQ(check(op, {}, {&a, &b}), (Dims{2, 3}));
    if (!div) // (a has a zero)
      EXPECT_EQ(check(op, {}, {&b, &a}), (Dims{2, 3}));
    EXPECT_EQ(check(op, {}, {&c, &d}), (Dims{4}));
    Buf x = rnd(DType::I64, {4, 1, 5}, 1), y = rnd(DType::I64, {3, 1}, 2), e = rnd(DType::I64, {0, 3, 1});
    if (!div)
      EXPECT_EQ(check(op, {}, {&x, &y}), (Dims{4, 3, 5}));
    EXPECT_EQ(check(op, {}, {&e, &y}), (Dims{0, 3, 1}));
  }
  // A zero divisor is an error, as in the reference, not a crash.
  expectZeroDivisorError("div", b, a, "division by zero");
}

} // namespace
