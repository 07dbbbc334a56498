// kiln's Winograd F(4x4,3x3) convolution (Winograd.cpp) against a direct
// convolution computed in double precision, on odd shapes: spatial dims that
// are not multiples of the 4x4 tile, pads 0/1/2 (asymmetric), channel counts
// that are not multiples of the channel block, batch 1 and 3, bias, residual
// and activations, plain nchw / channels-last / nChw8c / nChw16c layouts,
// several chunks with a short last one, one and two threads. The error bound
// is relative to the largest |x| * |w| sum of an output (the scale of the
// rounding errors), a little above what F(4x4,3x3) in f32 gives.
#include "Winograd.h"

#include <gtest/gtest.h>

#ifdef KILN_CPU_HAVE_OPENMP
#include <omp.h>
#endif

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using kiln::cpu::WinoAct;
using kiln::cpu::WinogradConv;
using kiln::cpu::WinoLayout;
using kiln::cpu::WinoShape;

enum class Fmt { Nchw, Nhwc, Blocked8, Blocked16 };

const char *fmtName(Fmt f) {
  switch (f) {
  case Fmt::Nchw: return "nchw";
  case Fmt::Nhwc: return "nhwc";
  case Fmt::Blocked8: return "nChw8c";
  default: return "nChw16c";
  }
}

/// The layout of an [N, C, H, W] tensor in format `f` (and its size in floats).
WinoLayout layoutOf(Fmt f, int64_t N, int64_t C, int64_t H, int64_t W, int64_t &size) {
  WinoLayout L;
  if (f == Fmt::Nchw) {
    L = {1, C * H * W, H * W, W, 1, C};
  } else if (f == Fmt::Nhwc) {
    L = {1, H * W * C, 1, W * C, C, C};
  } else {
    int64_t b = f == Fmt::Blocked8 ? 8 : 16, cp = (C + b - 1) / b * b;
    L = {b, cp * H * W, H * W * b, W * b, b, cp};
  }
  size = N * L.sN;
  return L;
}

int64_t at(const WinoLayout &L, int64_t n, int64_t c, int64_t h, int64_t w) {
  return n * L.sN + (c / L.blk) * L.sCB + c % L.blk + h * L.sH + w * L.sW;
}

struct Case {
  Case(int64_t N, int64_t C, int64_t H, int64_t W, int64_t K, int64_t pt, int64_t pl, int64_t pb, int64_t pr,
       Fmt src, Fmt dst)
      : N(N), C(C), H(H), W(W), K(K), pt(pt), pl(pl), pb(pb), pr(pr), src(src), dst(dst) {}
  int64_t N, C, H, W, K;
  int64_t pt, pl, pb, pr;
  Fmt src, dst;
  bool bias = true, residual = false;
  std::vector<WinoAct> acts;
  int64_t tiles = 0; // tiles per chunk (0: the kernel's choice)
  int threads = 1;
};

std::string describe(const Case &c) {
  return "N" + std::to_string(c.N) + " C" + std::to_string(c.C) + " " + std::to_string(c.H) + "x" +
         std::to_string(c.W) + " K" + std::to_string(c.K) + " pads " + std::to_string(c.pt) + "," +
         std::to_string(c.pl) + "," + std::to_string(c.pb) + "," + std::to_string(c.pr) + " " + fmtName(c.src) +
         "->" + fmtName(c.dst) + (c.residual ? " +res" : "") + " acts " + std::to_string(c.acts.size()) +
         " chunk " + std::to_string(c.tiles) + " threads " + std::to_string(c.threads);
}

/// Runs the case; returns the largest error divided by the rounding scale.
double runCase(const Case &c) {
  SCOPED_TRACE(describe(c));
  int64_t OH = c.H + c.pt + c.pb - 2, OW = c.W + c.pl + c.pr - 2;
  EXPECT_GT(OH, 0);
  EXPECT_GT(OW, 0);
  std::mt19937 rng(uint32_t(c.N * 1000003 + c.C * 1009 + c.H * 31 + c.K));
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  float wscale = 1.f / std::sqrt(float(9 * c.C));
  std::vector<float> x(size_t(c.N * c.C * c.H * c.W)), w(size_t(c.K * c.C * 9)), bias(size_t(c.K)),
      res(size_t(c.N * c.K * OH * OW));
  for (float &v : x) v = u(rng);
  for (float &v : w) v = u(rng) * wscale;
  for (float &v : bias) v = u(rng) * 0.5f;
  for (float &v : res) v = u(rng);

  int64_t srcSize, dstSize;
  WinoLayout ls = layoutOf(c.src, c.N, c.C, c.H, c.W, srcSize), ld = layoutOf(c.dst, c.N, c.K, OH, OW, dstSize);
  std::vector<float> xs(size_t(srcSize), 0.f), rs(size_t(dstSize), 0.f), ys(size_t(dstSize), NAN);
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t ch = 0; ch < c.C; ++ch)
      for (int64_t h = 0; h < c.H; ++h)
        for (int64_t q = 0; q < c.W; ++q)
          xs[size_t(at(ls, n, ch, h, q))] = x[size_t(((n * c.C + ch) * c.H + h) * c.W + q)];
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t k = 0; k < c.K; ++k)
      for (int64_t h = 0; h < OH; ++h)
        for (int64_t q = 0; q < OW; ++q)
          rs[size_t(at(ld, n, k, h, q))] = res[size_t(((n * c.K + k) * OH + h) * OW + q)];

  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
#ifdef KILN_CPU_HAVE_OPENMP
  int saved = omp_get_max_threads();
  omp_set_num_threads(c.threads);
#endif
  WinoShape sh{c.N, c.C, c.H, c.W, c.K, OH, OW, c.pt, c.pl};
  std::string why;
  auto wc = WinogradConv::create(eng, sh, ls, ld, c.residual ? &ld : nullptr, c.bias, c.acts, c.tiles, why);
  EXPECT_TRUE(wc) << why;
  if (!wc)
    return 1e9;
  std::vector<float> plainU(size_t(36 * c.C * c.K));
  WinogradConv::transformWeights(w.data(), c.K, c.C, plainU.data());
  dnnl::stream strm(eng);
  dnnl::memory up({{36, c.C, c.K}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::abc}, eng, plainU.data());
  dnnl::memory packed(wc->weightsDesc(), eng);
  dnnl::reorder(up, packed).execute(strm, up, packed);
  strm.wait();
  void *scratch = std::aligned_alloc(64, (wc->scratchBytes() + 127) / 64 * 64);
  std::string error;
  bool ok = wc->run(xs.data(), packed.get_data_handle(), c.bias ? bias.data() : nullptr,
                    c.residual ? rs.data() : nullptr, ys.data(), scratch, error);
  std::free(scratch);
#ifdef KILN_CPU_HAVE_OPENMP
  omp_set_num_threads(saved);
#endif
  EXPECT_TRUE(ok) << error;

  double worst = 0;
  int64_t bad = 0;
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t k = 0; k < c.K; ++k)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double acc = c.bias ? bias[size_t(k)] : 0.0, scale = 1.0;
          for (int64_t ch = 0; ch < c.C; ++ch)
            for (int64_t i = 0; i < 3; ++i)
              for (int64_t j = 0; j < 3; ++j) {
                int64_t h = oh + i - c.pt, q = ow + j - c.pl;
                if (h < 0 || h >= c.H || q < 0 || q >= c.W)
                  continue;
                double p = double(x[size_t(((n * c.C + ch) * c.H + h) * c.W + q)]) *
                           w[size_t(((k * c.C + ch) * 3 + i) * 3 + j)];
                acc += p;
                scale += std::fabs(p);
              }
          if (c.residual)
            acc += res[size_t(((n * c.K + k) * OH + oh) * OW + ow)];
          for (const WinoAct &a : c.acts)
            acc = a.kind == WinoAct::Relu ? (acc > 0 ? acc : acc * a.alpha)
                  : a.kind == WinoAct::Clip ? std::min<double>(std::max<double>(acc, a.alpha), a.beta)
                                            : acc;
          double got = ys[size_t(at(ld, n, k, oh, ow))];
          double err = std::fabs(got - acc) / scale;
          if (!(err <= 2e-5) && bad++ < 5)
            ADD_FAILURE() << "output (" << n << "," << k << "," << oh << "," << ow << ") is " << got
                          << ", expected " << acc << " (scale " << scale << ")";
          worst = std::max(worst, std::isnan(err) ? 1e9 : err);
        }
  // Blocked destinations: the padded channels are zeros, as oneDNN keeps them.
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t k = c.K; k < ld.channels; ++k)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow)
          if (ys[size_t(at(ld, n, k, oh, ow))] != 0.f && bad++ < 5)
            ADD_FAILURE() << "padded channel " << k << " is not zero";
  EXPECT_EQ(bad, 0);
  return worst;
}

WinoAct relu(float slope = 0.f) { return {WinoAct::Relu, slope, 0.f}; }
WinoAct clip(float lo, float hi) { return {WinoAct::Clip, lo, hi}; }

TEST(CpuWinograd, WeightTransformOfAUnitKernelIsItsTransformMatrixProduct) {
  // g = e_(1,1) (the centre tap): U = G[:,1] G[:,1]^T.
  std::vector<float> g(9, 0.f), u(36);
  g[4] = 1.f;
  WinogradConv::transformWeights(g.data(), 1, 1, u.data());
  const double col[6] = {0, -1.0 / 6, 1.0 / 6, 1.0 / 12, -1.0 / 12, 0};
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j)
      EXPECT_FLOAT_EQ(u[size_t(i * 6 + j)], float(col[i] * col[j])) << i << "," << j;
}

TEST(CpuWinograd, LayoutsOfOneDnnDescriptors) {
  using tag = dnnl::memory::format_tag;
  auto md = [](tag t) { return dnnl::memory::desc({2, 20, 5, 7}, dnnl::memory::data_type::f32, t); };
  WinoLayout L;
  ASSERT_TRUE(kiln::cpu::winoLayoutOf(md(tag::nchw), L));
  EXPECT_EQ(L.blk, 1);
  EXPECT_EQ(L.sCB, 35);
  ASSERT_TRUE(kiln::cpu::winoLayoutOf(md(tag::nhwc), L));
  EXPECT_EQ(L.sCB, 1);
  EXPECT_EQ(L.sW, 20);
  ASSERT_TRUE(kiln::cpu::winoLayoutOf(md(tag::nChw16c), L));
  EXPECT_EQ(L.blk, 16);
  EXPECT_EQ(L.channels, 32);
  EXPECT_EQ(L.sN, 32 * 35);
  ASSERT_TRUE(kiln::cpu::winoLayoutOf(md(tag::nChw8c), L));
  EXPECT_EQ(L.blk, 8);
  EXPECT_EQ(L.channels, 24);
  EXPECT_FALSE(kiln::cpu::winoLayoutOf(md(tag::nhwc).reshape({2, 20, 35}), L)); // not 4-D
  EXPECT_FALSE(kiln::cpu::winoLayoutOf(md(tag::Acdb16a), L));                  // blocked on N
}

TEST(CpuWinograd, OddShapesAllLayouts) {
  for (Fmt f : {Fmt::Nchw, Fmt::Nhwc, Fmt::Blocked8, Fmt::Blocked16}) {
    EXPECT_LT(runCase(Case(1, 3, 7, 9, 5, 1, 1, 1, 1, f, f)), 2e-5);
    EXPECT_LT(runCase(Case(3, 19, 10, 6, 21, 0, 0, 0, 0, f, f)), 2e-5);
    EXPECT_LT(runCase(Case(1, 17, 13, 11, 33, 2, 1, 0, 2, f, f)), 2e-5);
  }
}

TEST(CpuWinograd, MixedLayoutsNoBias) {
  Case c{2, 24, 9, 9, 20, 1, 0, 2, 1, Fmt::Nchw, Fmt::Blocked16};
  c.bias = false;
  EXPECT_LT(runCase(c), 2e-5);
  c.src = Fmt::Blocked8;
  c.dst = Fmt::Nhwc;
  EXPECT_LT(runCase(c), 2e-5);
  c.src = Fmt::Blocked16;
  c.dst = Fmt::Nchw;
  EXPECT_LT(runCase(c), 2e-5);
}

TEST(CpuWinograd, BiasResidualAndActivations) {
  for (Fmt f : {Fmt::Nchw, Fmt::Blocked8, Fmt::Blocked16}) {
    Case c{3, 18, 11, 14, 23, 1, 1, 1, 1, f, f};
    c.residual = true;
    c.acts = {relu()};
    EXPECT_LT(runCase(c), 2e-5);
    c.acts = {relu(0.1f), clip(-0.25f, 0.5f)};
    EXPECT_LT(runCase(c), 2e-5);
    c.residual = false;
    c.acts = {clip(0.f, 6.f)};
    EXPECT_LT(runCase(c), 2e-5);
    c.acts = {clip(0.25f, 0.5f)}; // the padded channels stay zero, not 0.25
    EXPECT_LT(runCase(c), 2e-5);
  }
}

TEST(CpuWinograd, ChunksThreadsAndAShortLastChunk) {
  for (int threads : {1, 2})
    for (int64_t tiles : {1, 5, 7, 64}) {
      Case c{3, 16, 14, 13, 16, 1, 1, 1, 1, Fmt::Blocked16, Fmt::Blocked16};
      c.residual = true;
      c.acts = {relu()};
      c.tiles = tiles;
      c.threads = threads;
      EXPECT_LT(runCase(c), 2e-5);
    }
}

TEST(CpuWinograd, ResNetScaleLayerError) {
  // A resnet18 stage-3 shape with realistic weights (He init): the error
  // bound the benchmark's tolerance rests on.
  Case c{1, 256, 14, 14, 256, 1, 1, 1, 1, Fmt::Blocked16, Fmt::Blocked16};
  c.acts = {relu()};
  double worst = runCase(c);
  EXPECT_LT(worst, 2e-5);
  RecordProperty("max_error_over_scale", std::to_string(worst));
}

TEST(CpuWinograd, RefusesBadShapes) {
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  int64_t size;
  WinoLayout L = layoutOf(Fmt::Nchw, 1, 4, 8, 8, size);
  std::string why;
  EXPECT_FALSE(WinogradConv::create(eng, {1, 4, 8, 8, 4, 0, 6, 1, 1}, L, L, nullptr, true, {}, 0, why));
  EXPECT_FALSE(why.empty());
  WinoLayout odd = L;
  odd.blk = 4;
  why.clear();
  EXPECT_FALSE(WinogradConv::create(eng, {1, 4, 8, 8, 4, 8, 8, 1, 1}, odd, L, nullptr, true, {}, 0, why));
  EXPECT_FALSE(why.empty());
}

} // namespace
