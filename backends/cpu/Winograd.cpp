//===- Winograd.cpp - kiln's own Winograd F(4x4,3x3) convolution ---------===//
//
// See Winograd.h. The transforms are written out (no multiplications by the
// zero entries of B^T and A^T) on vectors of one channel block and compiled
// for AVX-512, AVX2 and baseline x86-64 (target_clones: the dispatch happens
// once, at load).
//
//===----------------------------------------------------------------------===//
#include "Winograd.h"

#ifdef KILN_CPU_HAVE_OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// The vector helpers below are always inlined: no vector crosses a call.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace kiln::cpu {
namespace {

using memory = dnnl::memory;

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define KILN_WINO_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define KILN_WINO_CLONES
#endif
#define KILN_INLINE inline __attribute__((always_inline))

/// What one chunk's transforms need.
struct ChunkArgs {
  const WinoShape *s;
  const WinoLayout *src, *dst, *res;
  const WinoAct *acts;
  int numActs;
  const float *in, *bias, *residual;
  float *out;
  float *v, *m;    // [36][chunk][C], [36][chunk][K]
  int64_t t0, nt;  // the chunk's first tile and its tile count
  int64_t chunk;   // rows of v and m
  int64_t vStride, mStride; // floats from one of the 36 positions to the next (rows x C, rows x K)
  int64_t tilesH, tilesW;
};

/// A vector of one channel block (GCC vector extensions: compiled to zmm,
/// ymm or xmm registers by the target clone), and its unaligned form.
template <int VL> struct Vec {
  typedef float type __attribute__((vector_size(VL * 4)));
  typedef float unaligned __attribute__((vector_size(VL * 4), aligned(4)));
};

template <int VL> KILN_INLINE typename Vec<VL>::type loadV(const float *p) {
  return *reinterpret_cast<const typename Vec<VL>::unaligned *>(p);
}
template <int VL> KILN_INLINE void storeV(float *p, typename Vec<VL>::type v) {
  *reinterpret_cast<typename Vec<VL>::unaligned *>(p) = v;
}

/// B^T d on six vectors (one row or one column of the 6x6 input tile).
template <class V> KILN_INLINE void bt6(const V d[6], V o[6]) {
  o[0] = 4.f * d[0] - 5.f * d[2] + d[4];
  o[1] = -4.f * (d[1] + d[2]) + d[3] + d[4];
  o[2] = 4.f * (d[1] - d[2]) - d[3] + d[4];
  o[3] = 2.f * (d[3] - d[1]) - d[2] + d[4];
  o[4] = 2.f * (d[1] - d[3]) - d[2] + d[4];
  o[5] = 4.f * d[1] - 5.f * d[3] + d[5];
}

/// A^T m on six vectors: four.
template <class V> KILN_INLINE void at6(const V m[6], V y[4]) {
  V a = m[1] + m[2], b = m[1] - m[2], c = m[3] + m[4], e = m[3] - m[4];
  y[0] = m[0] + a + c;
  y[1] = b + 2.f * e;
  y[2] = a + 4.f * c;
  y[3] = b + 8.f * e + m[5];
}

// The transforms keep the tile in registers: one pass along the rows (into
// a 36- or 24-vector buffer), one along the columns straight to memory.
template <int VL> KILN_INLINE void inputTiles(const ChunkArgs &a) {
  typedef typename Vec<VL>::type V;
  const WinoShape &s = *a.s;
  const WinoLayout &L = *a.src;
  // lanes side by side in memory: a channel block of VL, or channels last
  const bool contiguous = L.blk == VL || (L.blk == 1 && L.sCB == 1);
  V t[36];
  int64_t xiStride = a.vStride;
  for (int64_t r = 0; r < a.nt; ++r) {
    int64_t tile = a.t0 + r, n = tile / (a.tilesH * a.tilesW), rem = tile % (a.tilesH * a.tilesW);
    int64_t h0 = (rem / a.tilesW) * 4 - s.padT, w0 = (rem % a.tilesW) * 4 - s.padL;
    bool inside = h0 >= 0 && w0 >= 0 && h0 + 6 <= s.H && w0 + 6 <= s.W;
    const float *base = a.in + n * L.sN;
    for (int64_t c0 = 0; c0 < s.C; c0 += VL) {
      int64_t lanes = std::min<int64_t>(VL, s.C - c0);
      if (inside && contiguous && lanes == VL) {
        const float *p = base + (c0 / L.blk) * L.sCB + h0 * L.sH + w0 * L.sW;
        for (int i = 0; i < 6; ++i) { // rows: t = d B
          V d[6];
          for (int j = 0; j < 6; ++j)
            d[j] = loadV<VL>(p + i * L.sH + j * L.sW);
          bt6(d, &t[i * 6]);
        }
      } else if (contiguous && lanes == VL) { // a border tile: zeros outside
        const float *p = base + (c0 / L.blk) * L.sCB;
        for (int i = 0; i < 6; ++i) {
          V d[6];
          int64_t h = h0 + i;
          bool rowIn = h >= 0 && h < s.H;
          for (int j = 0; j < 6; ++j) {
            int64_t w = w0 + j;
            d[j] = rowIn && w >= 0 && w < s.W ? loadV<VL>(p + h * L.sH + w * L.sW) : V{};
          }
          bt6(d, &t[i * 6]);
        }
      } else {
        for (int i = 0; i < 6; ++i) {
          alignas(64) float d[6][VL];
          int64_t h = h0 + i;
          for (int j = 0; j < 6; ++j) {
            int64_t w = w0 + j;
            if (h < 0 || h >= s.H || w < 0 || w >= s.W) {
              for (int l = 0; l < VL; ++l)
                d[j][l] = 0.f;
            } else {
              for (int l = 0; l < VL; ++l) {
                int64_t c = c0 + l;
                d[j][l] = l < lanes ? base[(c / L.blk) * L.sCB + c % L.blk + h * L.sH + w * L.sW] : 0.f;
              }
            }
          }
          V dv[6];
          for (int j = 0; j < 6; ++j)
            dv[j] = loadV<VL>(d[j]);
          bt6(dv, &t[i * 6]);
        }
      }
      float *v = a.v + r * s.C + c0;
      for (int j = 0; j < 6; ++j) { // columns: o = B^T t, to memory
        V col[6], o[6];
        for (int i = 0; i < 6; ++i)
          col[i] = t[i * 6 + j];
        bt6(col, o);
        for (int i = 0; i < 6; ++i) {
          float *vx = v + (i * 6 + j) * xiStride;
          if (lanes == VL)
            storeV<VL>(vx, o[i]);
          else
            for (int l = 0; l < lanes; ++l)
              vx[l] = o[i][l];
        }
      }
    }
  }
}

template <int VL> KILN_INLINE typename Vec<VL>::type activate(typename Vec<VL>::type y, const WinoAct *acts, int n) {
  typedef typename Vec<VL>::type V;
  for (int q = 0; q < n; ++q) {
    const WinoAct &act = acts[q];
    if (act.kind == WinoAct::Relu) {
      if (act.alpha == 0.f)
        y = y < 0.f ? V{} : y; // std::max(y, 0): NaN stays NaN
      else
        y = y > 0.f ? y : y * act.alpha;
    } else if (act.kind == WinoAct::Clip) {
      y = y < act.alpha ? act.alpha + V{} : y; // std::min(std::max(y, lo), hi)
      y = act.beta < y ? act.beta + V{} : y;
    }
  }
  return y;
}

template <int VL> KILN_INLINE void outputTiles(const ChunkArgs &a) {
  typedef typename Vec<VL>::type V;
  const WinoShape &s = *a.s;
  const WinoLayout &D = *a.dst, *R = a.res;
  // blocked: whole blocks are written (zeros in the padded channels);
  // channels last: the lanes side by side; else one lane at a time
  const bool blocked = D.blk == VL, channelsLast = D.blk == 1 && D.sCB == 1;
  const bool resContiguous = R && (R->blk == VL || (R->blk == 1 && R->sCB == 1));
  V t[24];
  int64_t xiStride = a.mStride;
  for (int64_t r = 0; r < a.nt; ++r) {
    int64_t tile = a.t0 + r, n = tile / (a.tilesH * a.tilesW), rem = tile % (a.tilesH * a.tilesW);
    int64_t oh0 = (rem / a.tilesW) * 4, ow0 = (rem % a.tilesW) * 4;
    int64_t rows = std::min<int64_t>(4, s.OH - oh0), cols = std::min<int64_t>(4, s.OW - ow0);
    // the destination's padded channels (blocked layouts) are written as zeros
    int64_t kEnd = std::max<int64_t>(s.K, blocked ? D.channels : s.K);
    for (int64_t k0 = 0; k0 < kEnd; k0 += VL) {
      int64_t lanes = std::max<int64_t>(0, std::min<int64_t>(VL, s.K - k0));
      const float *mp = a.m + r * s.K + k0;
      for (int j = 0; j < 6; ++j) { // columns: t = A^T m (4 x 6)
        V col[6], y[4];
        for (int i = 0; i < 6; ++i) {
          const float *mx = mp + (i * 6 + j) * xiStride;
          if (lanes == VL)
            col[i] = loadV<VL>(mx);
          else {
            alignas(64) float tmp[VL] = {};
            for (int l = 0; l < lanes; ++l)
              tmp[l] = mx[l];
            col[i] = loadV<VL>(tmp);
          }
        }
        at6(col, y);
        for (int i = 0; i < 4; ++i)
          t[i * 6 + j] = y[i];
      }
      alignas(64) float biasLanes[VL] = {};
      for (int l = 0; l < lanes; ++l)
        biasLanes[l] = a.bias ? a.bias[k0 + l] : 0.f;
      const V bias = loadV<VL>(biasLanes);
      for (int i = 0; i < rows; ++i) { // rows: y = t A (4 x 4), bias, residual, activations
        V y[4];
        at6(&t[i * 6], y);
        int64_t h = oh0 + i;
        for (int j = 0; j < cols; ++j) {
          int64_t w = ow0 + j;
          V yv = y[j] + bias;
          if (a.residual) {
            const float *rb = a.residual + n * R->sN + h * R->sH + w * R->sW;
            if (resContiguous && lanes == VL)
              yv += loadV<VL>(rb + (k0 / R->blk) * R->sCB);
            else
              for (int l = 0; l < lanes; ++l) {
                int64_t k = k0 + l;
                yv[l] += rb[(k / R->blk) * R->sCB + k % R->blk];
              }
          }
          yv = activate<VL>(yv, a.acts, a.numActs);
          float *ob = a.out + n * D.sN + h * D.sH + w * D.sW;
          if (lanes == VL && (blocked || channelsLast)) {
            storeV<VL>(ob + (k0 / D.blk) * D.sCB, yv);
          } else if (blocked) { // the padded channels of the last block stay zero
            for (int l = lanes; l < VL; ++l)
              yv[l] = 0.f;
            storeV<VL>(ob + (k0 / D.blk) * D.sCB, yv);
          } else if (channelsLast) {
            for (int l = 0; l < lanes; ++l)
              ob[k0 + l] = yv[l];
          } else
            for (int l = 0; l < lanes; ++l) {
              int64_t k = k0 + l;
              ob[(k / D.blk) * D.sCB + k % D.blk] = yv[l];
            }
        }
      }
    }
  }
}

KILN_WINO_CLONES void inputTransform(const ChunkArgs &a) {
  if (a.src->blk == 8)
    inputTiles<8>(a);
  else
    inputTiles<16>(a);
}

KILN_WINO_CLONES void outputTransform(const ChunkArgs &a) {
  if (a.dst->blk == 8)
    outputTiles<8>(a);
  else
    outputTiles<16>(a);
}

uint64_t align64(uint64_t v) { return (v + 63) / 64 * 64; }

/// Runs `f` with the OpenMP thread count set to `n` (oneDNN sizes a
/// primitive's parallelism when it is created).
template <class F> void withThreads(int n, F &&f) {
#ifdef KILN_CPU_HAVE_OPENMP
  int saved = omp_get_max_threads();
  omp_set_num_threads(n);
  try {
    f();
  } catch (...) {
    omp_set_num_threads(saved);
    throw;
  }
  omp_set_num_threads(saved);
#else
  (void)n;
  f();
#endif
}

} // namespace

bool winoLayoutOf(const memory::desc &md, WinoLayout &out) {
  const dnnl_memory_desc_t &d = md.data;
  if (d.ndims != 4 || d.data_type != dnnl_f32 || d.format_kind != dnnl_blocked || d.offset0 != 0)
    return false;
  const auto &b = d.format_desc.blocking;
  for (int i = 0; i < 4; ++i)
    if (d.padded_offsets[i] != 0)
      return false;
  if (d.dims[0] != d.padded_dims[0] || d.dims[2] != d.padded_dims[2] || d.dims[3] != d.padded_dims[3])
    return false;
  WinoLayout L;
  if (b.inner_nblks == 0) {
    L.blk = 1;
  } else if (b.inner_nblks == 1 && b.inner_idxs[0] == 1 && (b.inner_blks[0] == 8 || b.inner_blks[0] == 16)) {
    L.blk = b.inner_blks[0];
  } else
    return false;
  L.sN = b.strides[0];
  L.sCB = b.strides[1];
  L.sH = b.strides[2];
  L.sW = b.strides[3];
  L.channels = d.padded_dims[1];
  if (L.blk > 1 && (L.sH % L.blk || L.sW % L.blk || L.sCB % L.blk || L.sN % L.blk))
    return false; // the block must be contiguous and aligned like its neighbours
  out = L;
  return true;
}

void WinogradConv::transformWeights(const float *w, int64_t K, int64_t C, float *u) {
  static const double G[6][3] = {{1.0 / 4, 0, 0},
                                 {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                 {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                 {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                 {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                 {0, 0, 1}};
  for (int64_t k = 0; k < K; ++k)
    for (int64_t c = 0; c < C; ++c) {
      const float *g = w + (k * C + c) * 9;
      double t[6][3];
      for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 3; ++j)
          t[i][j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
      for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j) {
          double v = t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
          u[((i * 6 + j) * C + c) * K + k] = float(v);
        }
    }
}

std::unique_ptr<WinogradConv> WinogradConv::create(const dnnl::engine &eng, const WinoShape &shape,
                                                   const WinoLayout &src, const WinoLayout &dst,
                                                   const WinoLayout *residual, bool hasBias,
                                                   std::vector<WinoAct> acts, int64_t tiles, std::string &why) {
  const WinoShape &s = shape;
  if (s.N <= 0 || s.C <= 0 || s.H <= 0 || s.W <= 0 || s.K <= 0 || s.OH <= 0 || s.OW <= 0 || s.padT < 0 ||
      s.padL < 0) {
    why = "invalid shape";
    return nullptr;
  }
  for (const WinoLayout *L : {&src, &dst, residual})
    if (L && L->blk != 1 && L->blk != 8 && L->blk != 16) {
      why = "unsupported layout";
      return nullptr;
    }
  std::unique_ptr<WinogradConv> w(new WinogradConv());
  w->eng_ = eng;
  w->s_ = s;
  w->src_ = src;
  w->dst_ = dst;
  w->hasRes_ = residual != nullptr;
  if (residual)
    w->res_ = *residual;
  w->hasBias_ = hasBias;
  w->acts_ = std::move(acts);
  w->tilesH_ = (s.OH + 3) / 4;
  w->tilesW_ = (s.OW + 3) / 4;
  w->tiles_ = s.N * w->tilesH_ * w->tilesW_;
  if (tiles <= 0) {
    // Keep a chunk's transformed input and products (36 x tiles x (C + K)
    // floats) within about 1 MiB, but give the products at least 32 rows
    // (fewer and they re-read the weights for too little work).
    int64_t per = 36 * 4 * (s.C + s.K);
    tiles = std::max<int64_t>(32, (int64_t(1) << 20) / per);
  }
#ifdef KILN_CPU_HAVE_OPENMP
  w->threads_ = std::max(1, omp_get_max_threads());
#endif
  // As many chunks as that needs, rounded up to a multiple of the threads
  // (when there are tiles enough), then evened out: no short last chunk.
  int64_t n = (w->tiles_ + tiles - 1) / tiles;
  n = std::min(w->tiles_, (n + w->threads_ - 1) / w->threads_ * w->threads_);
  w->chunk_ = (w->tiles_ + n - 1) / n;
  w->chunks_ = (w->tiles_ + w->chunk_ - 1) / w->chunk_;
  // The products get a row or more beyond the chunk's tiles when the 36
  // positions of a tile would lie a multiple of 1 KiB apart (modulo 4 KiB,
  // conflict() >= 4): their vectors would share at most 4 of the 64 sets of
  // the L1 cache and evict each other in the transforms. (A padded position
  // stride would do it without the rows, but oneDNN's brgemm matmul takes
  // only dense batches.)
  auto conflict = [](int64_t bytes) {
    if (bytes % 64)
      return 0;
    int64_t lines = (bytes / 64) % 64, v = 0;
    if (lines == 0)
      return 6;
    while (lines % 2 == 0) {
      lines /= 2;
      ++v;
    }
    return int(v);
  };
  // Only for chunks of 48 tiles or more: an extra row costs a short chunk
  // more in its products than the transforms gain (squeezenet1_1's 13x13
  // layers, 16 tiles: +12% in the products for -4% in the transforms).
  int64_t rows = w->chunk_;
  int best = std::max(conflict(rows * s.C * 4), conflict(rows * s.K * 4));
  for (int64_t r = w->chunk_ + 1; best >= 4 && w->chunk_ >= 48 && r < w->chunk_ + 4; ++r) {
    int c = std::max(conflict(r * s.C * 4), conflict(r * s.K * 4));
    if (c < best) {
      best = c;
      rows = r;
    }
  }
  w->rows_ = rows;
  memory::dim M = rows, C = s.C, K = s.K;
  w->vMd_ = memory::desc({36, M, C}, memory::data_type::f32, memory::format_tag::abc);
  w->mMd_ = memory::desc({36, M, K}, memory::data_type::f32, memory::format_tag::abc);
  memory::desc wAny({36, C, K}, memory::data_type::f32, memory::format_tag::any);
  try {
    withThreads(1, [&] {
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      dnnl::matmul::desc d(w->vMd_, wAny, w->mMd_);
      dnnl::matmul::primitive_desc pd(d, attr, eng);
      w->weightsMd_ = pd.weights_desc();
      w->mmScratchMd_ = pd.scratchpad_desc();
      w->matmul_ = dnnl::matmul(pd);
      if (std::getenv("KILN_WINO_DEBUG"))
        fprintf(stderr, "wino matmul: %s\n", pd.impl_info_str());
    });
  } catch (const dnnl::error &e) {
    why = std::string("no oneDNN matmul for the products: ") + e.what();
    return nullptr;
  }
  w->vBytes_ = align64(uint64_t(w->vMd_.get_size()));
  w->mBytes_ = align64(uint64_t(w->mMd_.get_size()));
  w->perThread_ = w->vBytes_ + w->mBytes_ + align64(uint64_t(w->mmScratchMd_.get_size()));
  int usable = int(std::min<int64_t>(w->threads_, w->chunks_));
  w->threads_ = std::max(1, usable);
  w->scratchBytes_ = w->perThread_ * uint64_t(w->threads_);
  return w;
}

WinogradConv::~WinogradConv() = default;

std::shared_ptr<WinogradConv> WinogradConv::redirected(const WinoLayout &dst) const {
  std::shared_ptr<WinogradConv> w(new WinogradConv(*this));
  w->dst_ = dst;
  return w;
}

double WinogradConv::flops() const {
  double products = 2.0 * 36 * double(chunks_ * rows_) * double(s_.C) * double(s_.K);
  double transforms = double(tiles_) * 36 * double(s_.C + s_.K) * 4;
  return products + transforms;
}

bool WinogradConv::runThread(int t, int nthr, const float *src, const void *u, const float *bias,
                             const float *residual, float *dst, void *scratch) const {
  uint8_t *base = static_cast<uint8_t *>(scratch) + uint64_t(t) * perThread_;
  float *v = reinterpret_cast<float *>(base), *m = reinterpret_cast<float *>(base + vBytes_);
  dnnl::stream strm(eng_);
  std::unordered_map<int, dnnl::memory> args;
  args.emplace(DNNL_ARG_SRC, memory(vMd_, eng_, v));
  args.emplace(DNNL_ARG_WEIGHTS, memory(weightsMd_, eng_, const_cast<void *>(u)));
  args.emplace(DNNL_ARG_DST, memory(mMd_, eng_, m));
  if (mmScratchMd_.get_size())
    args.emplace(DNNL_ARG_SCRATCHPAD, memory(mmScratchMd_, eng_, base + vBytes_ + mBytes_));
  for (int64_t c = t; c < chunks_; c += nthr)
    chunkRun(c, src, bias, residual, dst, v, m, strm, args);
  strm.wait();
  return true;
}

void WinogradConv::chunkRun(int64_t c, const float *src, const float *bias, const float *residual, float *dst,
                            float *v, float *m, dnnl::stream &strm,
                            std::unordered_map<int, dnnl::memory> &args) const {
  ChunkArgs a;
  a.s = &s_;
  a.src = &src_;
  a.dst = &dst_;
  a.res = hasRes_ ? &res_ : nullptr;
  a.acts = acts_.data();
  a.numActs = int(acts_.size());
  a.in = src;
  a.bias = hasBias_ ? bias : nullptr;
  a.residual = hasRes_ ? residual : nullptr;
  a.out = dst;
  a.v = v;
  a.m = m;
  a.t0 = c * chunk_;
  a.nt = std::min(chunk_, tiles_ - a.t0);
  a.chunk = chunk_;
  a.vStride = rows_ * s_.C;
  a.mStride = rows_ * s_.K;
  a.tilesH = tilesH_;
  a.tilesW = tilesW_;
  inputTransform(a);
  if (a.nt < rows_) // the unused rows: zeros, not stale bits
    for (int x = 0; x < 36; ++x)
      std::memset(v + x * a.vStride + a.nt * s_.C, 0, size_t((rows_ - a.nt) * s_.C) * sizeof(float));
  matmul_.execute(strm, args);
  outputTransform(a);
}

bool WinogradConv::run(const float *src, const void *u, const float *bias, const float *residual, float *dst,
                       void *scratch, std::string &error) const {
  int nthr = 1;
#ifdef KILN_CPU_HAVE_OPENMP
  nthr = std::max(1, std::min(threads_, omp_get_max_threads()));
  if (omp_in_parallel())
    nthr = 1;
#endif
  try {
    if (nthr == 1)
      return runThread(0, 1, src, u, bias, residual, dst, scratch);
  } catch (const dnnl::error &e) {
    error = std::string("winograd: oneDNN: ") + e.what();
    return false;
  }
  bool ok = true;
  std::string err;
#ifdef KILN_CPU_HAVE_OPENMP
#pragma omp parallel num_threads(nthr)
  {
    try {
      runThread(omp_get_thread_num(), omp_get_num_threads(), src, u, bias, residual, dst, scratch);
    } catch (const std::exception &e) {
#pragma omp critical(kiln_wino_error)
      {
        ok = false;
        err = e.what();
      }
    }
  }
#endif
  if (!ok)
    error = "winograd: " + err;
  return ok;
}

} // namespace kiln::cpu
