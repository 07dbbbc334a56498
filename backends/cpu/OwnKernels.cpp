//===- OwnKernels.cpp - the cpu plugin's own kernels ----------------------===//
#include "OwnKernels.h"
#include "kernels/Internal.h" // the reference's f16/bf16 conversions and convertElt

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <type_traits>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KILN_CPU_X86 1
#endif

namespace kiln::cpu {
namespace {

using ref::DType;

int64_t numel(const Dims &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

Dims denseStrides(const Dims &s) {
  Dims st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;)
    st[i - 1] = st[i] * s[i];
  return st;
}

// --- strided N-d access -----------------------------------------------------------
// An access pattern over `dims` for up to four operands (operand 0 is the
// output), each with its own strides (elements; 0 broadcasts) and start.
// Size-1 dims go and dims contiguous for every operand merge, so a plain
// copy becomes one row; the odometer runs once per row, not per element.

constexpr size_t kMaxOperands = 4;

struct Walk {
  Dims dims;
  std::vector<Dims> strides;
  int64_t base[kMaxOperands] = {0, 0, 0, 0};
  size_t operands = 0;
};

Walk makeWalk(const Dims &dims, const std::vector<Dims> &strides, const std::vector<int64_t> &base) {
  Walk w;
  w.operands = strides.size();
  w.strides.resize(w.operands);
  for (size_t k = 0; k < w.operands; ++k)
    w.base[k] = base[k];
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] == 1)
      continue;
    if (!w.dims.empty()) {
      bool merge = true;
      for (size_t k = 0; k < w.operands; ++k)
        merge &= w.strides[k].back() == strides[k][d] * dims[d];
      if (merge) {
        w.dims.back() *= dims[d];
        for (size_t k = 0; k < w.operands; ++k)
          w.strides[k].back() = strides[k][d];
        continue;
      }
    }
    w.dims.push_back(dims[d]);
    for (size_t k = 0; k < w.operands; ++k)
      w.strides[k].push_back(strides[k][d]);
  }
  if (w.dims.empty()) {
    w.dims.push_back(1);
    for (size_t k = 0; k < w.operands; ++k)
      w.strides[k].push_back(1);
  }
  return w;
}

/// Calls inner(offsets, n, innerStrides) once per row of the pattern.
template <class F> void walk(const Walk &w, F &&inner) {
  size_t R = w.dims.size();
  for (int64_t d : w.dims)
    if (d == 0)
      return;
  int64_t n = w.dims[R - 1], outer = 1;
  for (size_t d = 0; d + 1 < R; ++d)
    outer *= w.dims[d];
  int64_t off[kMaxOperands], in[kMaxOperands];
  for (size_t k = 0; k < kMaxOperands; ++k) {
    off[k] = w.base[k];
    in[k] = k < w.operands ? w.strides[k][R - 1] : 0;
  }
  Dims idx(R, 0);
  for (int64_t o = 0; o < outer; ++o) {
    inner(off, n, in);
    for (size_t d = R - 1; d-- > 0;) {
      for (size_t k = 0; k < w.operands; ++k)
        off[k] += w.strides[k][d];
      if (++idx[d] < w.dims[d])
        break;
      for (size_t k = 0; k < w.operands; ++k)
        off[k] -= w.strides[k][d] * w.dims[d];
      idx[d] = 0;
    }
  }
}

/// The unsigned integer of `es` bytes (elements move as bits).
template <class F> void bySize(size_t es, F &&f) {
  switch (es) {
  case 1: f(uint8_t()); break;
  case 2: f(uint16_t()); break;
  case 4: f(uint32_t()); break;
  default: f(uint64_t()); break;
  }
}

bool movable(DType t) {
  size_t s = ref::dtypeSize(t);
  return s == 1 || s == 2 || s == 4 || s == 8;
}

// --- copy with strides (transpose, slice, expand, tile, pad) -----------------------

class CopyKernel : public Kernel {
public:
  CopyKernel(std::string name, size_t es, Walk w, int64_t outElements)
      : Kernel(std::move(name)), es(es), w(std::move(w)), outElements(outElements) {}
  /// pad: the whole output gets this value first (bits of one element), or
  /// input `fillInput`'s first element when >= 0.
  bool fill = false;
  uint64_t fillBits = 0;
  int fillInput = -1;

  bool run(const void *const *in, void *out, std::string &) const override {
    bySize(es, [&](auto tag) {
      using T = decltype(tag);
      T *dst = static_cast<T *>(out);
      const T *src = static_cast<const T *>(in[0]);
      if (fill) {
        T v;
        if (fillInput >= 0)
          std::memcpy(&v, in[fillInput], sizeof(T));
        else
          std::memcpy(&v, &fillBits, sizeof(T));
        std::fill(dst, dst + outElements, v);
      }
      walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
        T *d = dst + off[0];
        const T *s = src + off[1];
        int64_t so = st[0], si = st[1];
        if (so == 1 && si == 1)
          std::memcpy(d, s, size_t(n) * sizeof(T));
        else if (so == 1 && si == 0)
          std::fill(d, d + n, *s);
        else if (so == 1)
          for (int64_t j = 0; j < n; ++j)
            d[j] = s[j * si];
        else
          for (int64_t j = 0; j < n; ++j)
            d[j * so] = s[j * si];
      });
    });
    return true;
  }

private:
  size_t es;
  Walk w;
  int64_t outElements;
};

std::unique_ptr<Kernel> copyKernel(const char *name, size_t es, const Dims &dims, const Dims &outStrides,
                                   const Dims &inStrides, int64_t outBase, int64_t inBase, int64_t outElements) {
  return std::make_unique<CopyKernel>(name, es, makeWalk(dims, {outStrides, inStrides}, {outBase, inBase}),
                                      outElements);
}

/// in broadcast (right-aligned, size-1 dims repeat) to `out`: its strides.
Dims broadcastStrides(const Dims &in, const Dims &out) {
  Dims st(out.size(), 0), is = denseStrides(in);
  size_t off = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i)
    st[off + i] = in[i] == 1 ? 0 : is[i];
  return st;
}

// --- gather ---------------------------------------------------------------------------

class GatherKernel : public Kernel {
public:
  GatherKernel(size_t es, int64_t outer, int64_t n, int64_t inner, int64_t m, bool i64, int64_t axis)
      : Kernel("kiln gather"), es(es), outer(outer), n(n), inner(inner), m(m), i64(i64), axis(axis) {}

  bool run(const void *const *in, void *out, std::string &error) const override {
    std::vector<int64_t> idx(static_cast<size_t>(m));
    for (int64_t k = 0; k < m; ++k) {
      int64_t v = i64 ? static_cast<const int64_t *>(in[1])[k] : static_cast<const int32_t *>(in[1])[k];
      if (v < -n || v >= n) {
        error = "index " + std::to_string(v) + " is out of range for axis " + std::to_string(axis) +
                " of size " + std::to_string(n);
        return false;
      }
      idx[size_t(k)] = v < 0 ? v + n : v;
    }
    if (inner == 1) { // one element per index: a typed loop
      bySize(es, [&](auto tag) {
        using T = decltype(tag);
        const T *src = static_cast<const T *>(in[0]);
        T *dst = static_cast<T *>(out);
        for (int64_t j = 0; j < outer; ++j)
          for (int64_t k = 0; k < m; ++k)
            dst[j * m + k] = src[j * n + idx[size_t(k)]];
      });
      return true;
    }
    size_t block = size_t(inner) * es;
    const char *src = static_cast<const char *>(in[0]);
    char *dst = static_cast<char *>(out);
    for (int64_t j = 0; j < outer; ++j)
      for (int64_t k = 0; k < m; ++k)
        std::memcpy(dst + size_t(j * m + k) * block, src + size_t(j * n + idx[size_t(k)]) * block, block);
    return true;
  }

private:
  size_t es;
  int64_t outer, n, inner, m;
  bool i64;
  int64_t axis;
};

// --- concat -----------------------------------------------------------------------------

class ConcatKernel : public Kernel {
public:
  ConcatKernel(int64_t outer, std::vector<size_t> rows) : Kernel("kiln concat"), outer(outer), rows(std::move(rows)) {
    for (size_t r : this->rows)
      rowOut += r;
  }
  bool run(const void *const *in, void *out, std::string &) const override {
    char *dst = static_cast<char *>(out);
    size_t at = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const char *src = static_cast<const char *>(in[i]);
      if (rows[i])
        for (int64_t j = 0; j < outer; ++j)
          std::memcpy(dst + size_t(j) * rowOut + at, src + size_t(j) * rows[i], rows[i]);
      at += rows[i];
    }
    return true;
  }

private:
  int64_t outer;
  std::vector<size_t> rows; // bytes per outer index, per input
  size_t rowOut = 0;
};

// --- where ---------------------------------------------------------------------------

class WhereKernel : public Kernel {
public:
  WhereKernel(size_t es, Walk w) : Kernel("kiln where"), es(es), w(std::move(w)) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    bySize(es, [&](auto tag) {
      using T = decltype(tag);
      const uint8_t *c = static_cast<const uint8_t *>(in[0]);
      const T *x = static_cast<const T *>(in[1]), *y = static_cast<const T *>(in[2]);
      T *o = static_cast<T *>(out);
      walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
        T *d = o + off[0];
        const uint8_t *cc = c + off[1];
        const T *xx = x + off[2], *yy = y + off[3];
        if (st[1] == 1 && st[2] == 1 && st[3] == 1)
          for (int64_t j = 0; j < n; ++j)
            d[j] = cc[j] ? xx[j] : yy[j];
        else
          for (int64_t j = 0; j < n; ++j)
            d[j] = cc[j * st[1]] ? xx[j * st[2]] : yy[j * st[3]];
      });
    });
    return true;
  }

private:
  size_t es;
  Walk w;
};

// --- f32 binary with broadcasting on both sides -----------------------------------------

enum class Bin { Add, Sub, Mul, Div, Pow, Min, Max }; // Min, Max: integers only

template <Bin op> inline float apply(float a, float b) {
  if constexpr (op == Bin::Add) return a + b;
  else if constexpr (op == Bin::Sub) return a - b;
  else if constexpr (op == Bin::Mul) return a * b;
  else if constexpr (op == Bin::Div) return a / b;
  else return std::pow(a, b);
}

template <Bin op> void binaryRows(const Walk &w, const float *a, const float *b, float *o) {
  walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
    float *d = o + off[0];
    const float *x = a + off[1], *y = b + off[2];
    if (st[1] == 1 && st[2] == 1)
      for (int64_t j = 0; j < n; ++j)
        d[j] = apply<op>(x[j], y[j]);
    else if (st[1] == 1 && st[2] == 0) {
      float s = *y;
      for (int64_t j = 0; j < n; ++j)
        d[j] = apply<op>(x[j], s);
    } else if (st[1] == 0 && st[2] == 1) {
      float s = *x;
      for (int64_t j = 0; j < n; ++j)
        d[j] = apply<op>(s, y[j]);
    } else
      for (int64_t j = 0; j < n; ++j)
        d[j] = apply<op>(x[j * st[1]], y[j * st[2]]);
  });
}

class BinaryKernel : public Kernel {
public:
  BinaryKernel(const std::string &op, Bin bin, Walk w) : Kernel("kiln " + op), bin(bin), w(std::move(w)) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const float *a = static_cast<const float *>(in[0]), *b = static_cast<const float *>(in[1]);
    float *o = static_cast<float *>(out);
    switch (bin) {
    case Bin::Add: binaryRows<Bin::Add>(w, a, b, o); break;
    case Bin::Sub: binaryRows<Bin::Sub>(w, a, b, o); break;
    case Bin::Mul: binaryRows<Bin::Mul>(w, a, b, o); break;
    case Bin::Div: binaryRows<Bin::Div>(w, a, b, o); break;
    case Bin::Pow: binaryRows<Bin::Pow>(w, a, b, o); break;
    default: break; // (Min, Max: integer kernels)
    }
    return true;
  }

private:
  Bin bin;
  Walk w;
};

/// pow(x, c) with c one constant: squares and square roots where c is 2, 3,
/// 0.5 or -1 (layer norms and GELU approximations written out), std::pow otherwise.
class PowScalarKernel : public Kernel {
public:
  PowScalarKernel(float c, int64_t n) : Kernel("kiln pow"), c(c), n(n) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const float *x = static_cast<const float *>(in[0]);
    float *y = static_cast<float *>(out);
    if (c == 2.f)
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] * x[i];
    else if (c == 3.f)
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] * x[i] * x[i];
    else if (c == 1.f)
      std::memcpy(y, x, size_t(n) * sizeof(float));
    else if (c == 0.5f)
      for (int64_t i = 0; i < n; ++i) y[i] = std::sqrt(x[i]);
    else if (c == -1.f)
      for (int64_t i = 0; i < n; ++i) y[i] = 1.f / x[i];
    else
      for (int64_t i = 0; i < n; ++i) y[i] = std::pow(x[i], c);
    return true;
  }

private:
  float c;
  int64_t n;
};

// --- cast ---------------------------------------------------------------------------------

template <class I> inline I floatToInt(double v) { // as the reference: NaN -> 0, saturating, toward zero
  if (std::isnan(v))
    return 0;
  v = std::trunc(v);
  if (v <= double(std::numeric_limits<I>::lowest()))
    return std::numeric_limits<I>::lowest();
  if (v >= double(std::numeric_limits<I>::max()))
    return std::numeric_limits<I>::max();
  return I(v);
}

struct BoolTag {};

template <class F> bool byType(DType t, F &&f) {
  switch (t) {
  case DType::F32: f(float()); return true;
  case DType::F64: f(double()); return true;
  case DType::I64: f(int64_t()); return true;
  case DType::I32: f(int32_t()); return true;
  case DType::I16: f(int16_t()); return true;
  case DType::I8: f(int8_t()); return true;
  case DType::U8: f(uint8_t()); return true;
  case DType::U16: f(uint16_t()); return true;
  case DType::U32: f(uint32_t()); return true;
  case DType::U64: f(uint64_t()); return true;
  case DType::Bool: f(BoolTag()); return true;
  default: return false;
  }
}

template <class D, class S> void castLoop(const void *in, void *out, int64_t n) {
  using SS = std::conditional_t<std::is_same_v<S, BoolTag>, uint8_t, S>;
  using DD = std::conditional_t<std::is_same_v<D, BoolTag>, uint8_t, D>;
  const SS *x = static_cast<const SS *>(in);
  DD *y = static_cast<DD *>(out);
  if constexpr (std::is_same_v<D, BoolTag>) {
    for (int64_t i = 0; i < n; ++i)
      y[i] = x[i] != 0;
  } else if constexpr (std::is_same_v<S, BoolTag>) {
    for (int64_t i = 0; i < n; ++i)
      y[i] = DD(x[i] != 0 ? 1 : 0);
  } else if constexpr (std::is_floating_point_v<DD> || !std::is_floating_point_v<SS>) {
    for (int64_t i = 0; i < n; ++i)
      y[i] = DD(x[i]);
  } else {
    for (int64_t i = 0; i < n; ++i)
      y[i] = floatToInt<DD>(double(x[i]));
  }
}

class CastKernel : public Kernel {
public:
  CastKernel(DType from, DType to, int64_t n)
      : Kernel(std::string("kiln cast ") + ref::dtypeName(from) + "->" + ref::dtypeName(to)), from(from), to(to),
        n(n) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    byType(from, [&](auto s) {
      byType(to, [&](auto d) { castLoop<decltype(d), decltype(s)>(in[0], out, n); });
    });
    return true;
  }

private:
  DType from, to;
  int64_t n;
};

// --- casts to and from float16 / bfloat16 ------------------------------------------------
// Element by element as the reference converts (ref::convertElt: via float,
// round to nearest even, NaN stays NaN, Inf and subnormals exact). f32 <-> f16
// uses the F16C instructions when the CPU has them (checked at run time;
// vcvtps2ph with an immediate rounding mode ignores MXCSR's rounding, and
// f32 subnormals become +-0 in f16 either way). No AVX512-BF16 path:
// vcvtneps2bf16 flushes subnormals, the portable integer rounding does not.

#ifdef KILN_CPU_X86
__attribute__((target("avx,f16c"))) void f32ToF16F16C(const float *in, uint16_t *out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; ++i)
    out[i] = ref::floatToHalf(in[i]);
}
__attribute__((target("avx,f16c"))) void f16ToF32F16C(const uint16_t *in, float *out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i))));
  for (; i < n; ++i)
    out[i] = ref::halfToFloat(in[i]);
}
#endif

/// KILN_CPU_NO_F16C=1 picks the portable path (read when a kernel is built).
bool haveF16C() {
#ifdef KILN_CPU_X86
  static const bool has = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
  const char *e = std::getenv("KILN_CPU_NO_F16C");
  return has && !(e && *e && std::string(e) != "0");
#else
  return false;
#endif
}

bool isHalfType(DType t) { return t == DType::F16 || t == DType::BF16; }

class HalfCastKernel : public Kernel {
public:
  HalfCastKernel(DType from, DType to, int64_t n, bool f16c)
      : Kernel(std::string("kiln cast ") + ref::dtypeName(from) + "->" + ref::dtypeName(to) +
               (f16c ? " (f16c)" : "")),
        from(from), to(to), n(n), f16c(f16c) {}
  bool run(const void *const *in, void *out, std::string &) const override {
#ifdef KILN_CPU_X86
    if (f16c && from == DType::F32) {
      f32ToF16F16C(static_cast<const float *>(in[0]), static_cast<uint16_t *>(out), n);
      return true;
    }
    if (f16c && to == DType::F32) {
      f16ToF32F16C(static_cast<const uint16_t *>(in[0]), static_cast<float *>(out), n);
      return true;
    }
#endif
    ref::dispatchAll(from, [&](auto s) {
      return ref::dispatchAll(to, [&](auto d) {
        using S = decltype(s);
        using D = decltype(d);
        const S *x = static_cast<const S *>(in[0]);
        D *y = static_cast<D *>(out);
        for (int64_t i = 0; i < n; ++i)
          y[i] = ref::convertElt<D, S>(x[i]);
        return ref::Status::success();
      });
    });
    return true;
  }

private:
  DType from, to;
  int64_t n;
  bool f16c;
};

// --- pad: reflect, edge, wrap ------------------------------------------------------------
// Per output dim, the input index each output index reads (as the reference
// maps it); the rows' source offsets come from the outer dims' maps and the
// last dim copies its in-range middle with memcpy and maps the borders.

class PadMapKernel : public Kernel {
public:
  PadMapKernel(std::string mode, size_t es, Dims out, std::vector<Dims> maps)
      : Kernel("kiln pad " + mode), es(es), out(std::move(out)), maps(std::move(maps)) {
    if (this->out.empty())
      return;
    const Dims &last = this->maps.back();
    // the longest run where the source advances one by one (the unpadded middle)
    int64_t W = int64_t(last.size()), best = 0;
    for (int64_t a = 0; a < W;) {
      int64_t b = a + 1;
      while (b < W && last[size_t(b)] == last[size_t(b - 1)] + 1)
        ++b;
      if (b - a > best) {
        best = b - a;
        midStart = a;
      }
      a = b;
    }
    midLen = best;
  }
  bool run(const void *const *in, void *outp, std::string &) const override {
    int64_t total = numel(out);
    if (total == 0)
      return true;
    if (out.empty()) {
      std::memcpy(outp, in[0], es);
      return true;
    }
    size_t R = out.size();
    int64_t W = out[R - 1], rows = total / W;
    const Dims &last = maps[R - 1];
    bySize(es, [&](auto tag) {
      using T = decltype(tag);
      const T *src = static_cast<const T *>(in[0]);
      T *dst = static_cast<T *>(outp);
      Dims idx(R, 0);
      for (int64_t r = 0; r < rows; ++r) {
        int64_t base = 0;
        for (size_t d = 0; d + 1 < R; ++d)
          base += maps[d][size_t(idx[d])];
        const T *s = src + base;
        T *o = dst + r * W;
        for (int64_t j = 0; j < midStart; ++j)
          o[j] = s[last[size_t(j)]];
        if (midLen)
          std::memcpy(o + midStart, s + last[size_t(midStart)], size_t(midLen) * sizeof(T));
        for (int64_t j = midStart + midLen; j < W; ++j)
          o[j] = s[last[size_t(j)]];
        for (size_t d = R - 1; d-- > 0;) {
          if (++idx[d] < out[d])
            break;
          idx[d] = 0;
        }
      }
    });
    return true;
  }

private:
  size_t es;
  Dims out;
  std::vector<Dims> maps; // per dim: input offset (elements) per output index
  int64_t midStart = 0, midLen = 0;
};

// --- lrn (f32, any rank >= 2) --------------------------------------------------------------
// The reference's arithmetic in the same order (so the results are the same
// bits): the window's squares summed in float from the lowest channel up, then
// x / pow(bias + alpha / size * sum, beta); the inner loops run over the
// contiguous spatial dims.

class LrnKernel : public Kernel {
public:
  LrnKernel(int64_t N, int64_t C, int64_t S, int64_t size, float alpha, float beta, float bias)
      : Kernel("kiln lrn"), N(N), C(C), S(S), lo((size - 1) / 2), hi(size - 1 - (size - 1) / 2),
        scale(alpha / float(size)), beta(beta), bias(bias) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const float *x = static_cast<const float *>(in[0]);
    float *y = static_cast<float *>(out);
    std::vector<float> sum(static_cast<size_t>(S));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = 0; c < C; ++c) {
        std::fill(sum.begin(), sum.end(), 0.f);
        for (int64_t i = std::max<int64_t>(0, c - lo); i <= std::min(C - 1, c + hi); ++i) {
          const float *p = x + (n * C + i) * S;
          float *q = sum.data();
          for (int64_t s = 0; s < S; ++s)
            q[s] += p[s] * p[s];
        }
        const float *p = x + (n * C + c) * S;
        float *o = y + (n * C + c) * S;
        for (int64_t s = 0; s < S; ++s)
          o[s] = p[s] / std::pow(bias + scale * sum[size_t(s)], beta);
      }
    return true;
  }

private:
  int64_t N, C, S, lo, hi;
  float scale, beta, bias;
};

// --- split: one output's slice along the axis -------------------------------------------

class SplitKernel : public Kernel {
public:
  SplitKernel(int64_t outer, size_t inRow, size_t offset, size_t outRow)
      : Kernel("kiln split"), outer(outer), inRow(inRow), offset(offset), outRow(outRow) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    if (!outRow)
      return true;
    const char *src = static_cast<const char *>(in[0]) + offset;
    char *dst = static_cast<char *>(out);
    if (outRow == inRow) {
      std::memcpy(dst, src, size_t(outer) * outRow);
      return true;
    }
    for (int64_t j = 0; j < outer; ++j)
      std::memcpy(dst + size_t(j) * outRow, src + size_t(j) * inRow, outRow);
    return true;
  }

private:
  int64_t outer;
  size_t inRow, offset, outRow;
};

// --- reductions (f32, f64) -------------------------------------------------------------
// As the reference: every output accumulates in double, its inputs visited
// in row-major order (so the sums are the same bits); the input walks once
// with the accumulators as a second operand whose reduced dims have stride 0.

enum class Red { Sum, Mean, Max, Min, Prod, L1, L2, SumSquare, LogSumExp };

template <class T> class ReduceKernel : public Kernel {
public:
  ReduceKernel(const std::string &op, Red kind, Walk w, int64_t m, int64_t count)
      : Kernel("kiln " + op), kind(kind), w(std::move(w)), m(m), count(count) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const T *x = static_cast<const T *>(in[0]);
    T *y = static_cast<T *>(out);
    const double inf = std::numeric_limits<double>::infinity();
    double init = kind == Red::Max || kind == Red::LogSumExp ? -inf : kind == Red::Min ? inf
                  : kind == Red::Prod ? 1.0 : 0.0;
    std::vector<double> acc(static_cast<size_t>(m), init);
    double *a = acc.data();
    switch (kind) {
    case Red::Sum: case Red::Mean: pass(x, a, [](double &s, double v) { s += v; }); break;
    case Red::Max: case Red::LogSumExp:
      pass(x, a, [](double &s, double v) { if (std::isnan(v) || v > s) s = std::isnan(s) ? s : v; });
      break;
    case Red::Min: pass(x, a, [](double &s, double v) { if (std::isnan(v) || v < s) s = std::isnan(s) ? s : v; }); break;
    case Red::Prod: pass(x, a, [](double &s, double v) { s *= v; }); break;
    case Red::L1: pass(x, a, [](double &s, double v) { s += std::fabs(v); }); break;
    case Red::L2: case Red::SumSquare: pass(x, a, [](double &s, double v) { s += v * v; }); break;
    }
    if (kind == Red::LogSumExp) {
      std::vector<double> sum(static_cast<size_t>(m), 0.0);
      walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
        double *s = sum.data() + off[0];
        const double *mx = a + off[0];
        const T *p = x + off[1];
        for (int64_t j = 0; j < n; ++j) {
          double v = mx[j * st[0]];
          if (std::isfinite(v))
            s[j * st[0]] += std::exp(double(p[j * st[1]]) - v);
        }
      });
      for (int64_t j = 0; j < m; ++j)
        if (std::isfinite(a[j]))
          a[j] += std::log(sum[size_t(j)]);
    }
    for (int64_t j = 0; j < m; ++j) {
      double v = a[j];
      if (kind == Red::Mean)
        v /= double(count);
      if (kind == Red::L2)
        v = std::sqrt(v);
      y[j] = T(v);
    }
    return true;
  }

private:
  template <class F> void pass(const T *x, double *a, F &&f) const {
    walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
      double *s = a + off[0];
      const T *p = x + off[1];
      if (st[0] == 0 && st[1] == 1) { // along the reduced inner dim: one accumulator
        double t = *s;
        for (int64_t j = 0; j < n; ++j)
          f(t, double(p[j]));
        *s = t;
      } else if (st[0] == 1 && st[1] == 1) {
        for (int64_t j = 0; j < n; ++j)
          f(s[j], double(p[j]));
      } else
        for (int64_t j = 0; j < n; ++j)
          f(s[j * st[0]], double(p[j * st[1]]));
    });
  }
  Red kind;
  Walk w; // operand 0: accumulators, 1: input
  int64_t m, count;
};

// --- arg_max / arg_min ---------------------------------------------------------------------
// The reference's comparisons per output in the same order (k ascending), the
// inner dim vectorized: NaN wins (the first, or the last with select_last_index).

template <class T> class ArgKernel : public Kernel {
public:
  ArgKernel(bool isMax, bool last, int64_t outer, int64_t n, int64_t inner)
      : Kernel(isMax ? "kiln arg_max" : "kiln arg_min"), isMax(isMax), last(last), outer(outer), n(n),
        inner(inner) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const T *x = static_cast<const T *>(in[0]);
    int64_t *q = static_cast<int64_t *>(out);
    if (n == 0)
      return true;
    std::vector<T> best(static_cast<size_t>(inner));
    for (int64_t a = 0; a < outer; ++a) {
      const T *base = x + a * n * inner;
      int64_t *qi = q + a * inner;
      std::copy(base, base + inner, best.begin());
      std::fill(qi, qi + inner, 0);
      for (int64_t k = 1; k < n; ++k) {
        const T *row = base + k * inner;
        for (int64_t b = 0; b < inner; ++b) {
          T v = row[b], bv = best[size_t(b)];
          bool better;
          if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(bv))
              better = last && std::isnan(v);
            else if (std::isnan(v))
              better = true;
            else
              better = isMax ? (last ? v >= bv : v > bv) : (last ? v <= bv : v < bv);
          } else
            better = isMax ? (last ? v >= bv : v > bv) : (last ? v <= bv : v < bv);
          if (better) {
            best[size_t(b)] = v;
            qi[b] = k;
          }
        }
      }
    }
    return true;
  }

private:
  bool isMax, last;
  int64_t outer, n, inner;
};

// --- cum_sum (f32, f64: accumulated in double as the reference) --------------------------------

template <class T> class CumSumKernel : public Kernel {
public:
  CumSumKernel(bool excl, bool rev, int64_t outer, int64_t n, int64_t inner)
      : Kernel("kiln cum_sum"), excl(excl), rev(rev), outer(outer), n(n), inner(inner) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const T *x = static_cast<const T *>(in[0]);
    T *y = static_cast<T *>(out);
    std::vector<double> sum(static_cast<size_t>(inner));
    for (int64_t a = 0; a < outer; ++a) {
      std::fill(sum.begin(), sum.end(), 0.0);
      for (int64_t j = 0; j < n; ++j) {
        int64_t e = (a * n + (rev ? n - 1 - j : j)) * inner;
        const T *p = x + e;
        T *q = y + e;
        double *s = sum.data();
        if (excl)
          for (int64_t b = 0; b < inner; ++b) {
            q[b] = T(s[b]);
            s[b] += double(p[b]);
          }
        else
          for (int64_t b = 0; b < inner; ++b) {
            s[b] += double(p[b]);
            q[b] = T(s[b]);
          }
      }
    }
    return true;
  }

private:
  bool excl, rev;
  int64_t outer, n, inner;
};

// --- clip with run-time bounds (f32): NaN stays, then max(lo), then min(hi) ---------------

class ClipKernel : public Kernel {
public:
  explicit ClipKernel(int64_t n) : Kernel("kiln clip"), n(n) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const float *x = static_cast<const float *>(in[0]);
    float lo = *static_cast<const float *>(in[1]), hi = *static_cast<const float *>(in[2]);
    float *y = static_cast<float *>(out);
    for (int64_t i = 0; i < n; ++i) {
      float v = x[i];
      float c = v < lo ? lo : v;
      c = c > hi ? hi : c;
      y[i] = std::isnan(v) ? v : c;
    }
    return true;
  }

private:
  int64_t n;
};

// --- comparisons and bool logic with broadcasting (bool result) ---------------------------

enum class Cmp { Eq, Lt, Le, Gt, Ge, And, Or, Xor };

/// uint8_t holds bool tensors (bytes compared as truth values, as the reference).
template <class T> inline bool compare(Cmp k, T x, T y) {
  if constexpr (std::is_same_v<T, uint8_t>)
    return compare<bool>(k, x != 0, y != 0);
  switch (k) {
  case Cmp::Eq: return x == y;
  case Cmp::Lt: return x < y;
  case Cmp::Le: return x <= y;
  case Cmp::Gt: return x > y;
  case Cmp::Ge: return x >= y;
  case Cmp::And: return x && y;
  case Cmp::Or: return x || y;
  default: return bool(x) != bool(y);
  }
}

template <class T> class CompareKernel : public Kernel {
public:
  CompareKernel(const std::string &op, Cmp k, Walk w) : Kernel("kiln " + op), k(k), w(std::move(w)) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const T *a = static_cast<const T *>(in[0]), *b = static_cast<const T *>(in[1]);
    uint8_t *o = static_cast<uint8_t *>(out);
    walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
      uint8_t *d = o + off[0];
      const T *x = a + off[1], *y = b + off[2];
      if (st[1] == 1 && st[2] == 1)
        for (int64_t j = 0; j < n; ++j)
          d[j] = compare(k, x[j], y[j]);
      else
        for (int64_t j = 0; j < n; ++j)
          d[j] = compare(k, x[j * st[1]], y[j * st[2]]);
    });
    return true;
  }

private:
  Cmp k;
  Walk w;
};

// --- f32 unary: neg, reciprocal, floor, ceil, round (half to even); integer neg wraps ------

enum class Un { Neg, Recip, Floor, Ceil, Round };

template <class T> class UnaryKernel : public Kernel {
public:
  UnaryKernel(const std::string &op, Un k, int64_t n) : Kernel("kiln " + op), k(k), n(n) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const T *x = static_cast<const T *>(in[0]);
    T *y = static_cast<T *>(out);
    if constexpr (std::is_integral_v<T>) { // neg: two's complement wrap (the minimum stays)
      using U = std::make_unsigned_t<T>;
      for (int64_t i = 0; i < n; ++i)
        y[i] = T(U(0) - U(x[i]));
    } else {
      switch (k) {
      case Un::Neg: for (int64_t i = 0; i < n; ++i) y[i] = -x[i]; break;
      case Un::Recip: for (int64_t i = 0; i < n; ++i) y[i] = T(1) / x[i]; break;
      case Un::Floor: for (int64_t i = 0; i < n; ++i) y[i] = std::floor(x[i]); break;
      case Un::Ceil: for (int64_t i = 0; i < n; ++i) y[i] = std::ceil(x[i]); break;
      case Un::Round: for (int64_t i = 0; i < n; ++i) y[i] = std::nearbyint(x[i]); break;
      }
    }
    return true;
  }

private:
  Un k;
  int64_t n;
};

// --- f32 unary math oneDNN 2.6's eltwise lacks --------------------------------------------

enum class Math { HardSigmoid, Softplus, Softsign, Selu, Celu, Mish, Erf, Sin, Cos, Tan, Asin, Acos, Atan,
                  Sinh, Cosh, Asinh, Acosh, Atanh, Sign };

const std::map<std::string, Math> &mathOps() {
  static const std::map<std::string, Math> ops = {
      {"hard_sigmoid", Math::HardSigmoid}, {"softplus", Math::Softplus}, {"softsign", Math::Softsign},
      {"selu", Math::Selu}, {"celu", Math::Celu}, {"mish", Math::Mish}, {"erf", Math::Erf}, {"sin", Math::Sin},
      {"cos", Math::Cos}, {"tan", Math::Tan}, {"asin", Math::Asin}, {"acos", Math::Acos}, {"atan", Math::Atan},
      {"sinh", Math::Sinh}, {"cosh", Math::Cosh}, {"asinh", Math::Asinh}, {"acosh", Math::Acosh},
      {"atanh", Math::Atanh}, {"sign", Math::Sign}};
  return ops;
}

inline float softplusOf(float x) { // max(x, 0) + log1p(exp(-|x|)): no overflow
  return std::isnan(x) ? x : (x > 0 ? x : 0.f) + std::log1p(std::exp(-std::fabs(x)));
}

template <Math k> void mathRange(const float *x, float *y, int64_t n, float a, float b) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i];
    if constexpr (k == Math::HardSigmoid) y[i] = std::min(1.f, std::max(0.f, a * v + b));
    else if constexpr (k == Math::Softplus) y[i] = softplusOf(v);
    else if constexpr (k == Math::Softsign) y[i] = v / (1.f + std::fabs(v));
    else if constexpr (k == Math::Selu) y[i] = b * (v > 0 ? v : a * std::expm1(v)); // a alpha, b gamma
    else if constexpr (k == Math::Celu) y[i] = std::max(0.f, v) + std::min(0.f, a * std::expm1(v / a));
    else if constexpr (k == Math::Mish) y[i] = v * std::tanh(softplusOf(v));
    else if constexpr (k == Math::Erf) y[i] = std::erf(v);
    else if constexpr (k == Math::Sin) y[i] = std::sin(v);
    else if constexpr (k == Math::Cos) y[i] = std::cos(v);
    else if constexpr (k == Math::Tan) y[i] = std::tan(v);
    else if constexpr (k == Math::Asin) y[i] = std::asin(v);
    else if constexpr (k == Math::Acos) y[i] = std::acos(v);
    else if constexpr (k == Math::Atan) y[i] = std::atan(v);
    else if constexpr (k == Math::Sinh) y[i] = std::sinh(v);
    else if constexpr (k == Math::Cosh) y[i] = std::cosh(v);
    else if constexpr (k == Math::Asinh) y[i] = std::asinh(v);
    else if constexpr (k == Math::Acosh) y[i] = std::acosh(v);
    else if constexpr (k == Math::Atanh) y[i] = std::atanh(v);
    else y[i] = v > 0 ? 1.f : v < 0 ? -1.f : v; // sign
  }
}

class MathKernel : public Kernel {
public:
  MathKernel(const std::string &op, Math k, float a, float b, int64_t n) : Kernel("kiln " + op), k(k), a(a), b(b), n(n) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const float *x = static_cast<const float *>(in[0]);
    float *y = static_cast<float *>(out);
    // Chunks of 16K elements across the threads (one thread inside a batch split).
    constexpr int64_t kChunk = 1 << 14;
    int64_t chunks = (n + kChunk - 1) / kChunk;
#ifdef KILN_CPU_HAVE_OPENMP
#pragma omp parallel for schedule(static) if (chunks > 1)
#endif
    for (int64_t c = 0; c < chunks; ++c) {
      int64_t lo = c * kChunk, m = std::min(kChunk, n - lo);
      switch (k) {
#define KILN_MATH_CASE(K) case Math::K: mathRange<Math::K>(x + lo, y + lo, m, a, b); break;
        KILN_MATH_CASE(HardSigmoid) KILN_MATH_CASE(Softplus) KILN_MATH_CASE(Softsign) KILN_MATH_CASE(Selu)
        KILN_MATH_CASE(Celu) KILN_MATH_CASE(Mish) KILN_MATH_CASE(Erf) KILN_MATH_CASE(Sin) KILN_MATH_CASE(Cos)
        KILN_MATH_CASE(Tan) KILN_MATH_CASE(Asin) KILN_MATH_CASE(Acos) KILN_MATH_CASE(Atan) KILN_MATH_CASE(Sinh)
        KILN_MATH_CASE(Cosh) KILN_MATH_CASE(Asinh) KILN_MATH_CASE(Acosh) KILN_MATH_CASE(Atanh)
        KILN_MATH_CASE(Sign)
#undef KILN_MATH_CASE
      }
    }
    return true;
  }

private:
  Math k;
  float a, b;
  int64_t n;
};

// --- gather_elements: out[i] = data[i with i[axis] replaced by indices[i]] --------------------

template <class I> class GatherElementsKernel : public Kernel {
public:
  GatherElementsKernel(size_t es, Walk w, int64_t axisDim, int64_t axisStride)
      : Kernel("kiln gather_elements"), es(es), w(std::move(w)), axisDim(axisDim), axisStride(axisStride) {}
  bool run(const void *const *in, void *out, std::string &error) const override {
    const I *idx = static_cast<const I *>(in[1]);
    bool ok = true;
    bySize(es, [&](auto tag) {
      using T = decltype(tag);
      const T *d = static_cast<const T *>(in[0]);
      T *o = static_cast<T *>(out);
      walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
        for (int64_t j = 0; j < n && ok; ++j) {
          int64_t i = int64_t(idx[off[2] + j * st[2]]);
          if (i < -axisDim || i >= axisDim) {
            ok = false;
            error = "gather_elements index " + std::to_string(i) + " is out of range for a dim of " +
                    std::to_string(axisDim);
            return;
          }
          if (i < 0)
            i += axisDim;
          o[off[0] + j * st[0]] = d[off[1] + j * st[1] + i * axisStride];
        }
      });
    });
    return ok;
  }

private:
  size_t es;
  Walk w; // operands: out, data (stride 0 along the axis), indices
  int64_t axisDim, axisStride;
};

// --- trilu: keep the upper (col - row >= k) or lower (col - row <= k) triangle ------------------

class TriluKernel : public Kernel {
public:
  TriluKernel(size_t es, int64_t mats, int64_t rows, int64_t cols, int64_t k, bool upper)
      : Kernel("kiln trilu"), es(es), mats(mats), rows(rows), cols(cols), k(k), upper(upper) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const uint8_t *x = static_cast<const uint8_t *>(in[0]);
    uint8_t *y = static_cast<uint8_t *>(out);
    uint64_t row = uint64_t(cols) * es;
    for (int64_t m = 0; m < mats; ++m)
      for (int64_t r = 0; r < rows; ++r) {
        const uint8_t *src = x + (uint64_t(m * rows + r)) * row;
        uint8_t *dst = y + (uint64_t(m * rows + r)) * row;
        // kept columns: [max(0, r + k), cols) upper; [0, min(cols, r + k + 1)) lower
        int64_t lo = upper ? std::clamp<int64_t>(r + k, 0, cols) : 0;
        int64_t hi = upper ? cols : std::clamp<int64_t>(r + k + 1, 0, cols);
        std::memset(dst, 0, row);
        if (hi > lo)
          std::memcpy(dst + uint64_t(lo) * es, src + uint64_t(lo) * es, uint64_t(hi - lo) * es);
      }
    return true;
  }

private:
  size_t es;
  int64_t mats, rows, cols, k;
  bool upper;
};

// --- is_nan, is_inf (f32 -> bool) --------------------------------------------------------------

class FloatTestKernel : public Kernel {
public:
  FloatTestKernel(const std::string &op, bool nan, bool pos, bool neg, int64_t n)
      : Kernel("kiln " + op), nan(nan), pos(pos), neg(neg), n(n) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    const float *x = static_cast<const float *>(in[0]);
    uint8_t *y = static_cast<uint8_t *>(out);
    for (int64_t i = 0; i < n; ++i)
      y[i] = nan ? std::isnan(x[i]) : std::isinf(x[i]) && ((x[i] > 0 && pos) || (x[i] < 0 && neg));
    return true;
  }

private:
  bool nan, pos, neg;
  int64_t n;
};

// --- mod with broadcasting: f32 (fmod, or the divisor's sign), i64/i32 as the reference --------

template <class T> class ModKernel : public Kernel {
public:
  ModKernel(bool fmodMode, Walk w) : Kernel("kiln mod"), fmodMode(fmodMode), w(std::move(w)) {}
  bool run(const void *const *in, void *out, std::string &error) const override {
    const T *a = static_cast<const T *>(in[0]), *b = static_cast<const T *>(in[1]);
    T *o = static_cast<T *>(out);
    bool zero = false;
    walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
      for (int64_t j = 0; j < n; ++j) {
        T x = a[off[1] + j * st[1]], y = b[off[2] + j * st[2]], m;
        if constexpr (std::is_floating_point_v<T>) {
          double r = std::fmod(double(x), double(y));
          if (!fmodMode && r != 0 && ((r < 0) != (y < 0)))
            r += double(y);
          m = T(r);
        } else if (y == 0) {
          zero = true;
          m = 0;
        } else if (y == T(-1)) {
          m = 0;
        } else {
          m = T(x % y);
          if (!fmodMode && m != 0 && ((m < 0) != (y < 0)))
            m = T(m + y);
        }
        o[off[0] + j * st[0]] = m;
      }
    });
    if (zero)
      error = "integer modulo by zero";
    return !zero;
  }

private:
  bool fmodMode;
  Walk w;
};

// --- constant_of_shape: every element the same bits ----------------------------------------

class FillKernel : public Kernel {
public:
  FillKernel(size_t es, int64_t n, uint64_t bits) : Kernel("kiln constant_of_shape"), es(es), n(n), bits(bits) {}
  bool run(const void *const *, void *out, std::string &) const override {
    uint8_t *o = static_cast<uint8_t *>(out);
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(o + uint64_t(i) * es, &bits, es);
    return true;
  }

private:
  size_t es;
  int64_t n;
  uint64_t bits;
};

// --- range: start, start + delta, ... (its length was known when the plan was built) ------

template <class T> class RangeKernel : public Kernel {
public:
  explicit RangeKernel(int64_t n) : Kernel("kiln range"), n(n) {}
  bool run(const void *const *in, void *out, std::string &) const override {
    T start = *static_cast<const T *>(in[0]), delta = *static_cast<const T *>(in[2]);
    T *o = static_cast<T *>(out);
    for (int64_t i = 0; i < n; ++i)
      o[i] = T(start + T(i) * delta);
    return true;
  }

private:
  int64_t n;
};

// --- i64/i32 add, sub, mul, div, min, max with broadcasting: two's complement wrap-around (shape arithmetic) ---

template <class T> class IntBinaryKernel : public Kernel {
public:
  IntBinaryKernel(const std::string &op, Bin bin, Walk w) : Kernel("kiln " + op), bin(bin), w(std::move(w)) {}
  bool run(const void *const *in, void *out, std::string &error) const override {
    const T *a = static_cast<const T *>(in[0]), *b = static_cast<const T *>(in[1]);
    T *o = static_cast<T *>(out);
    bool zero = false;
    walk(w, [&](const int64_t *off, int64_t n, const int64_t *st) {
      T *d = o + off[0];
      const T *x = a + off[1], *y = b + off[2];
      for (int64_t j = 0; j < n; ++j) {
        T p = x[j * st[1]], q = y[j * st[2]];
        uint64_t up = uint64_t(p), uq = uint64_t(q);
        switch (bin) {
        case Bin::Add: d[j] = T(up + uq); break;
        case Bin::Sub: d[j] = T(up - uq); break;
        case Bin::Mul: d[j] = T(up * uq); break;
        case Bin::Min: d[j] = p < q ? p : q; break;
        case Bin::Max: d[j] = p > q ? p : q; break;
        default: // Div: toward zero; -1 wraps the minimum as the reference does
          if (q == 0) {
            zero = true;
            d[j] = 0;
          } else
            d[j] = q == T(-1) ? T(uint64_t(0) - up) : T(p / q);
          break;
        }
      }
    });
    if (zero)
      error = "integer division by zero";
    return !zero;
  }

private:
  Bin bin;
  Walk w;
};

// --- shape -------------------------------------------------------------------------------

class ShapeKernel : public Kernel {
public:
  explicit ShapeKernel(Dims dims) : Kernel("kiln shape"), dims(std::move(dims)) {}
  bool run(const void *const *, void *out, std::string &) const override {
    if (!dims.empty())
      std::memcpy(out, dims.data(), dims.size() * sizeof(int64_t));
    return true;
  }

private:
  Dims dims;
};

// --- helpers --------------------------------------------------------------------------

bool readInts(const ref::Tensor *t, Dims &out) {
  if (!t || (t->dtype != DType::I64 && t->dtype != DType::I32))
    return false;
  int64_t n = numel(t->shape);
  if (!t->data && n > 0) // an empty tensor may have no bytes
    return false;
  out.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i)
    out[size_t(i)] = t->dtype == DType::I64 ? static_cast<const int64_t *>(t->data)[i]
                                            : static_cast<const int32_t *>(t->data)[i];
  return true;
}

/// `v` as one element of `t` (pad's `value` attribute), as the reference converts it.
bool scalarBits(DType t, double v, uint64_t &bits) {
  bits = 0;
  return byType(t, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, BoolTag>) {
      uint8_t b = v != 0.0;
      std::memcpy(&bits, &b, 1);
    } else if constexpr (std::is_floating_point_v<T>) {
      T x = T(v);
      std::memcpy(&bits, &x, sizeof(T));
    } else {
      T x = floatToInt<T>(v);
      std::memcpy(&bits, &x, sizeof(T));
    }
  });
}

bool normAxis(int64_t a, int64_t rank, int64_t &out) {
  if (a < -rank || a >= rank)
    return false;
  out = a < 0 ? a + rank : a;
  return true;
}

} // namespace

bool hasKernel(const std::string &op) {
  static const char *ops[] = {"transpose", "gather", "slice", "pad", "expand", "tile", "concat", "where",
                              "cast", "shape", "add", "sub", "mul", "div", "lrn", "split", "reduce_sum",
                              "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_l1", "reduce_l2",
                              "reduce_sum_square", "reduce_log_sum_exp", "arg_max", "arg_min", "cum_sum", "clip",
                              "equal", "less", "less_or_equal", "greater", "greater_or_equal", "and", "or", "xor",
                              "neg", "reciprocal", "floor", "ceil", "round", "pow", "gather_elements", "trilu",
                              "range", "constant_of_shape", "is_nan", "is_inf", "mod"};
  return mathOps().count(op) ||
         std::find_if(std::begin(ops), std::end(ops), [&](const char *o) { return op == o; }) != std::end(ops);
}

bool isMathOp(const std::string &op) { return mathOps().count(op) != 0; }

bool castSupported(DType from, DType to) {
  auto known = [](DType t) { return byType(t, [](auto) {}) || isHalfType(t); };
  return known(from) && known(to);
}

std::unique_ptr<Kernel> makeKernel(const std::string &op, const ref::Attrs &attrs,
                                   const std::vector<const ref::Tensor *> &in, const Dims &out, DType outType,
                                   std::string &why) {
  auto need = [&](size_t k) { return k < in.size() && in[k]; };
  if (!need(0)) {
    why = "no input";
    return nullptr;
  }
  const ref::Tensor &x = *in[0];
  size_t es = ref::dtypeSize(x.dtype);
  Dims outStrides = denseStrides(out), xs = denseStrides(x.shape);
  int64_t outN = numel(out);
  if (op == "shape")
    return std::make_unique<ShapeKernel>([&] {
      int64_t rank = int64_t(x.shape.size()), start = attrs.getInt("start", 0);
      start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
      return Dims(x.shape.begin() + start, x.shape.begin() + start + int64_t(out.empty() ? 0 : out[0]));
    }());
  if (op == "cast") {
    if (!castSupported(x.dtype, outType)) {
      why = "cast between these element types";
      return nullptr;
    }
    if (isHalfType(x.dtype) || isHalfType(outType)) {
      bool f16c = haveF16C() && ((x.dtype == DType::F32 && outType == DType::F16) ||
                                 (x.dtype == DType::F16 && outType == DType::F32));
      return std::make_unique<HalfCastKernel>(x.dtype, outType, outN, f16c);
    }
    return std::make_unique<CastKernel>(x.dtype, outType, outN);
  }
  if (op.rfind("reduce_", 0) == 0) {
    static const std::pair<const char *, Red> kinds[] = {
        {"reduce_sum", Red::Sum}, {"reduce_mean", Red::Mean}, {"reduce_max", Red::Max},
        {"reduce_min", Red::Min}, {"reduce_prod", Red::Prod}, {"reduce_l1", Red::L1}, {"reduce_l2", Red::L2},
        {"reduce_sum_square", Red::SumSquare}, {"reduce_log_sum_exp", Red::LogSumExp}};
    auto it = std::find_if(std::begin(kinds), std::end(kinds), [&](auto &k) { return op == k.first; });
    if (it == std::end(kinds) || (x.dtype != DType::F32 && x.dtype != DType::F64) || outType != x.dtype) {
      why = "reductions of f32 and f64 only";
      return nullptr;
    }
    int64_t rank = int64_t(x.shape.size());
    std::vector<bool> reduce(size_t(rank), false);
    Dims axes;
    bool haveAxes = false;
    if (need(1)) {
      if (!readInts(in[1], axes)) {
        why = "reduction axes are not known";
        return nullptr;
      }
      haveAxes = true;
    } else if (auto a = attrs.getInts("axes")) {
      axes = *a;
      haveAxes = true;
    }
    if (haveAxes && !axes.empty()) {
      for (int64_t a : axes) {
        int64_t n;
        if (!normAxis(a, rank, n) || reduce[size_t(n)]) {
          why = "invalid reduction axes";
          return nullptr;
        }
        reduce[size_t(n)] = true;
      }
    } else if (!attrs.getInt("noop_with_empty_axes", 0))
      reduce.assign(size_t(rank), true);
    // the accumulators: dense over the kept dims, stride 0 over the reduced ones
    Dims accDims(static_cast<size_t>(rank)), accStrides;
    int64_t count = 1;
    for (int64_t i = 0; i < rank; ++i) {
      accDims[size_t(i)] = reduce[size_t(i)] ? 1 : x.shape[size_t(i)];
      count *= reduce[size_t(i)] ? x.shape[size_t(i)] : 1;
    }
    accStrides = denseStrides(accDims);
    for (int64_t i = 0; i < rank; ++i)
      if (reduce[size_t(i)])
        accStrides[size_t(i)] = 0;
    Walk w = makeWalk(x.shape, {accStrides, xs}, {0, 0});
    if (numel(accDims) != outN) {
      why = "reduction result size";
      return nullptr;
    }
    if (x.dtype == DType::F32)
      return std::make_unique<ReduceKernel<float>>(op, it->second, std::move(w), outN, count);
    return std::make_unique<ReduceKernel<double>>(op, it->second, std::move(w), outN, count);
  }
  if (op == "arg_max" || op == "arg_min") {
    int64_t rank = int64_t(x.shape.size()), axis;
    if (outType != DType::I64 || !normAxis(attrs.getInt("axis", 0), rank, axis)) {
      why = "invalid arg reduction";
      return nullptr;
    }
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; ++i)
      outer *= x.shape[size_t(i)];
    for (int64_t i = axis + 1; i < rank; ++i)
      inner *= x.shape[size_t(i)];
    bool isMax = op == "arg_max", last = attrs.getInt("select_last_index", 0) != 0;
    int64_t n = x.shape[size_t(axis)];
    switch (x.dtype) {
    case DType::F32: return std::make_unique<ArgKernel<float>>(isMax, last, outer, n, inner);
    case DType::F64: return std::make_unique<ArgKernel<double>>(isMax, last, outer, n, inner);
    case DType::I64: return std::make_unique<ArgKernel<int64_t>>(isMax, last, outer, n, inner);
    case DType::I32: return std::make_unique<ArgKernel<int32_t>>(isMax, last, outer, n, inner);
    default: why = "arg reductions of f32, f64, i64, i32 only"; return nullptr;
    }
  }
  if (op == "cum_sum") {
    Dims axisV;
    int64_t rank = int64_t(x.shape.size()), axis;
    if ((x.dtype != DType::F32 && x.dtype != DType::F64) || outType != x.dtype || !need(1) ||
        !readInts(in[1], axisV) || axisV.size() != 1 || !normAxis(axisV[0], rank, axis)) {
      why = "cum_sum of f32/f64 with a known axis only";
      return nullptr;
    }
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; ++i)
      outer *= x.shape[size_t(i)];
    for (int64_t i = axis + 1; i < rank; ++i)
      inner *= x.shape[size_t(i)];
    bool excl = attrs.getInt("exclusive", 0) != 0, rev = attrs.getInt("reverse", 0) != 0;
    int64_t n = x.shape[size_t(axis)];
    if (x.dtype == DType::F32)
      return std::make_unique<CumSumKernel<float>>(excl, rev, outer, n, inner);
    return std::make_unique<CumSumKernel<double>>(excl, rev, outer, n, inner);
  }
  static const std::pair<const char *, Cmp> cmps[] = {
      {"equal", Cmp::Eq}, {"less", Cmp::Lt}, {"less_or_equal", Cmp::Le}, {"greater", Cmp::Gt},
      {"greater_or_equal", Cmp::Ge}, {"and", Cmp::And}, {"or", Cmp::Or}, {"xor", Cmp::Xor}};
  auto cmp = std::find_if(std::begin(cmps), std::end(cmps), [&](auto &c) { return op == c.first; });
  if (cmp != std::end(cmps)) {
    Cmp k = cmp->second;
    bool logic = k == Cmp::And || k == Cmp::Or || k == Cmp::Xor;
    if (!need(1) || in[1]->dtype != x.dtype || outType != DType::Bool ||
        (logic ? x.dtype != DType::Bool : (x.dtype == DType::Bool && k != Cmp::Eq))) {
      why = "comparison operands";
      return nullptr;
    }
    Walk w = makeWalk(out, {outStrides, broadcastStrides(x.shape, out), broadcastStrides(in[1]->shape, out)},
                      {0, 0, 0});
    switch (x.dtype) {
    case DType::F32: return std::make_unique<CompareKernel<float>>(op, k, std::move(w));
    case DType::F64: return std::make_unique<CompareKernel<double>>(op, k, std::move(w));
    case DType::I64: return std::make_unique<CompareKernel<int64_t>>(op, k, std::move(w));
    case DType::I32: return std::make_unique<CompareKernel<int32_t>>(op, k, std::move(w));
    case DType::Bool: return std::make_unique<CompareKernel<uint8_t>>(op, k, std::move(w));
    default: why = "comparisons of f32, f64, i64, i32 and bool only"; return nullptr;
    }
  }
  if (op == "neg" || op == "reciprocal" || op == "floor" || op == "ceil" || op == "round") {
    Un k = op == "neg" ? Un::Neg : op == "reciprocal" ? Un::Recip : op == "floor" ? Un::Floor
           : op == "ceil" ? Un::Ceil : Un::Round;
    if (outType != x.dtype) {
      why = "unary result type";
      return nullptr;
    }
    if (x.dtype == DType::F32)
      return std::make_unique<UnaryKernel<float>>(op, k, outN);
    if (k == Un::Neg && x.dtype == DType::I64)
      return std::make_unique<UnaryKernel<int64_t>>(op, k, outN);
    if (k == Un::Neg && x.dtype == DType::I32)
      return std::make_unique<UnaryKernel<int32_t>>(op, k, outN);
    why = "f32 (neg: also i64, i32) only";
    return nullptr;
  }
  if (op == "clip") {
    if (x.dtype != DType::F32 || outType != DType::F32 || in.size() != 3 || !need(1) || !need(2) ||
        in[1]->dtype != DType::F32 || in[2]->dtype != DType::F32) {
      why = "clip with run-time f32 bounds only";
      return nullptr;
    }
    return std::make_unique<ClipKernel>(outN);
  }
  if (op == "lrn") {
    int64_t size = attrs.getInt("size", 0);
    if (x.dtype != DType::F32 || outType != DType::F32 || x.shape.size() < 2 || size < 1) {
      why = "lrn on f32 of rank >= 2 only";
      return nullptr;
    }
    int64_t S = 1;
    for (size_t i = 2; i < x.shape.size(); ++i)
      S *= x.shape[i];
    return std::make_unique<LrnKernel>(x.shape[0], x.shape[1], S, size, float(attrs.getFloat("alpha", 1e-4)),
                                       float(attrs.getFloat("beta", 0.75)), float(attrs.getFloat("bias", 1.0)));
  }
  if (auto m = mathOps().find(op); m != mathOps().end()) {
    if (x.dtype != DType::F32 || outType != DType::F32) {
      why = op + ": f32 only";
      return nullptr;
    }
    float a = 0, b = 0;
    switch (m->second) {
    case Math::HardSigmoid: a = float(attrs.getFloat("alpha", 0.2)), b = float(attrs.getFloat("beta", 0.5)); break;
    case Math::Selu:
      a = float(attrs.getFloat("alpha", 1.67326319217681884765625));
      b = float(attrs.getFloat("gamma", 1.05070102214813232421875));
      break;
    case Math::Celu:
      a = float(attrs.getFloat("alpha", 1.0));
      if (a == 0 || std::isnan(a)) {
        why = "celu: alpha must be a nonzero number";
        return nullptr;
      }
      break;
    default: break;
    }
    return std::make_unique<MathKernel>(op, m->second, a, b, outN);
  }
  if (op == "pow") {
    if (!need(1) || x.dtype != DType::F32 || in[1]->dtype != DType::F32 || outType != DType::F32) {
      why = "pow: f32 base and exponent only";
      return nullptr;
    }
    if (in[1]->data && numel(in[1]->shape) == 1 && out == x.shape) // one constant exponent
      return std::make_unique<PowScalarKernel>(*static_cast<const float *>(in[1]->data), outN);
    return std::make_unique<BinaryKernel>(
        op, Bin::Pow,
        makeWalk(out, {outStrides, broadcastStrides(x.shape, out), broadcastStrides(in[1]->shape, out)}, {0, 0, 0}));
  }
  if (op == "is_nan" || op == "is_inf") {
    if (x.dtype != DType::F32 || outType != DType::Bool) {
      why = op + ": f32 only";
      return nullptr;
    }
    return std::make_unique<FloatTestKernel>(op, op == "is_nan", attrs.getInt("detect_positive", 1) != 0,
                                             attrs.getInt("detect_negative", 1) != 0, outN);
  }
  if (op == "mod") {
    if (!need(1) || in[1]->dtype != x.dtype || outType != x.dtype ||
        (x.dtype != DType::F32 && x.dtype != DType::I64 && x.dtype != DType::I32)) {
      why = "mod: f32, i64 or i32 only";
      return nullptr;
    }
    Walk w = makeWalk(out, {outStrides, broadcastStrides(x.shape, out), broadcastStrides(in[1]->shape, out)}, {0, 0, 0});
    bool f = attrs.getInt("fmod", 0) != 0;
    if (x.dtype == DType::F32)
      return std::make_unique<ModKernel<float>>(f, std::move(w));
    if (x.dtype == DType::I64)
      return std::make_unique<ModKernel<int64_t>>(f, std::move(w));
    return std::make_unique<ModKernel<int32_t>>(f, std::move(w));
  }
  if (op == "constant_of_shape") {
    const ref::Attr *v = attrs.find("value");
    double value = v ? (v->kind == ref::Attr::Int ? double(v->i) : v->f) : 0.0;
    uint64_t bits = 0;
    if (x.dtype != DType::I64 || !x.data || isHalfType(outType) || !scalarBits(outType, value, bits)) {
      why = "constant_of_shape: a known i64 shape and a value of a non-half type";
      return nullptr;
    }
    return std::make_unique<FillKernel>(ref::dtypeSize(outType), outN, bits);
  }
  if (op == "range") {
    if (in.size() != 3 || !need(1) || !need(2) || !in[0]->data || !in[1]->data || !in[2]->data ||
        in[1]->dtype != x.dtype || in[2]->dtype != x.dtype || outType != x.dtype || out.size() != 1) {
      why = "range: start, limit and delta of one type, known when the plan is built";
      return nullptr;
    }
    switch (x.dtype) {
    case DType::F32: return std::make_unique<RangeKernel<float>>(outN);
    case DType::F64: return std::make_unique<RangeKernel<double>>(outN);
    case DType::I64: return std::make_unique<RangeKernel<int64_t>>(outN);
    case DType::I32: return std::make_unique<RangeKernel<int32_t>>(outN);
    default: why = "range: f32, f64, i64, i32 only"; return nullptr;
    }
  }
  if (op == "add" || op == "sub" || op == "mul" || op == "div" || op == "min" || op == "max") {
    bool ints = x.dtype == DType::I64 || x.dtype == DType::I32;
    bool minMax = op == "min" || op == "max";
    if (!need(1) || (x.dtype != DType::F32 && !ints) || (minMax && !ints) || in[1]->dtype != x.dtype ||
        outType != x.dtype) {
      why = "binary ops on f32 (add, sub, mul, div) and i64, i32 (also min, max) only";
      return nullptr;
    }
    Bin b = op == "add" ? Bin::Add : op == "sub" ? Bin::Sub : op == "mul" ? Bin::Mul : op == "div" ? Bin::Div
            : op == "min" ? Bin::Min : Bin::Max;
    if (ints) {
      Walk w = makeWalk(out, {outStrides, broadcastStrides(x.shape, out), broadcastStrides(in[1]->shape, out)},
                        {0, 0, 0});
      if (x.dtype == DType::I64)
        return std::make_unique<IntBinaryKernel<int64_t>>(op, b, std::move(w));
      return std::make_unique<IntBinaryKernel<int32_t>>(op, b, std::move(w));
    }
    return std::make_unique<BinaryKernel>(
        op, b, makeWalk(out, {outStrides, broadcastStrides(x.shape, out), broadcastStrides(in[1]->shape, out)},
                        {0, 0, 0}));
  }
  if (!movable(x.dtype)) {
    why = std::string("element type ") + ref::dtypeName(x.dtype);
    return nullptr;
  }
  if (op == "gather_elements") {
    int64_t rank = int64_t(x.shape.size()), axis = 0;
    if (!need(1) || (in[1]->dtype != DType::I64 && in[1]->dtype != DType::I32) || outType != x.dtype ||
        in[1]->shape.size() != x.shape.size() || out != in[1]->shape ||
        !normAxis(attrs.getInt("axis", 0), rank, axis)) {
      why = "gather_elements: i64/i32 indices of the data's rank";
      return nullptr;
    }
    Dims ds = xs;
    int64_t axisStride = ds[size_t(axis)];
    ds[size_t(axis)] = 0;
    Walk w = makeWalk(out, {outStrides, ds, denseStrides(in[1]->shape)}, {0, 0, 0});
    if (in[1]->dtype == DType::I64)
      return std::make_unique<GatherElementsKernel<int64_t>>(es, std::move(w), x.shape[size_t(axis)], axisStride);
    return std::make_unique<GatherElementsKernel<int32_t>>(es, std::move(w), x.shape[size_t(axis)], axisStride);
  }
  if (op == "trilu") {
    size_t R = x.shape.size();
    int64_t k = 0;
    if (need(1)) {
      if (!in[1]->data || in[1]->dtype != DType::I64 || numel(in[1]->shape) != 1) {
        why = "trilu: k must be one i64 known when the plan is built";
        return nullptr;
      }
      k = *static_cast<const int64_t *>(in[1]->data);
    }
    if (R < 2 || out != x.shape) {
      why = "trilu: rank 2 or more";
      return nullptr;
    }
    int64_t rows = x.shape[R - 2], cols = x.shape[R - 1];
    int64_t mats = rows * cols ? outN / (rows * cols) : 0;
    return std::make_unique<TriluKernel>(es, mats, rows, cols, k, attrs.getInt("upper", 1) != 0);
  }
  if (op == "transpose") {
    size_t R = x.shape.size();
    Dims perm;
    if (auto p = attrs.getInts("perm"))
      perm = *p;
    else
      for (size_t i = R; i-- > 0;)
        perm.push_back(int64_t(i));
    Dims st(R);
    for (size_t i = 0; i < R; ++i)
      st[i] = xs[size_t(perm[i])];
    return copyKernel("kiln transpose", es, out, outStrides, st, 0, 0, outN);
  }
  if (op == "expand")
    return copyKernel("kiln expand", es, out, outStrides, broadcastStrides(x.shape, out), 0, 0, outN);
  if (op == "tile") {
    // out [r0*d0, r1*d1, ...] walked as [r0, d0, r1, d1, ...]; the input repeats (stride 0) over each r.
    Dims dims, os, is;
    for (size_t i = 0; i < x.shape.size(); ++i) {
      int64_t d = x.shape[i], r = d ? out[i] / d : 0;
      dims.insert(dims.end(), {r, d});
      os.insert(os.end(), {d * outStrides[i], outStrides[i]});
      is.insert(is.end(), {0, xs[i]});
    }
    if (outN == 0 || numel(x.shape) == 0)
      return copyKernel("kiln tile", es, {0}, {1}, {1}, 0, 0, 0);
    return copyKernel("kiln tile", es, dims, os, is, 0, 0, outN);
  }
  if (op == "slice") {
    Dims starts, ends, axes, steps;
    if (!readInts(in.size() > 1 ? in[1] : nullptr, starts) || !readInts(in.size() > 2 ? in[2] : nullptr, ends) ||
        !readInts(in.size() > 3 ? in[3] : nullptr, axes) || !readInts(in.size() > 4 ? in[4] : nullptr, steps) ||
        starts.size() != axes.size() || ends.size() != axes.size() || steps.size() != axes.size()) {
      why = "slice parameters are not known";
      return nullptr;
    }
    int64_t rank = int64_t(x.shape.size()), base = 0;
    Dims st = xs;
    for (size_t i = 0; i < axes.size(); ++i) {
      int64_t a;
      if (!normAxis(axes[i], rank, a) || steps[i] == 0) {
        why = "invalid slice";
        return nullptr;
      }
      int64_t dim = x.shape[size_t(a)], s = starts[i], e = ends[i], step = steps[i];
      if (s < 0)
        s += dim;
      if (e < 0)
        e += dim;
      s = step > 0 ? std::clamp<int64_t>(s, 0, dim) : std::clamp<int64_t>(s, 0, dim - 1);
      (void)e; // the count comes from the inferred result shape
      base += s * xs[size_t(a)];
      st[size_t(a)] = xs[size_t(a)] * step;
    }
    return copyKernel("kiln slice", es, out, outStrides, st, 0, base, outN);
  }
  if (op == "pad") {
    std::string mode = attrs.getString("mode", "constant");
    Dims pads;
    int64_t rank = int64_t(x.shape.size());
    if (!readInts(in.size() > 1 ? in[1] : nullptr, pads) || int64_t(pads.size()) != 2 * rank ||
        int64_t(out.size()) != rank) {
      why = "pads are not known";
      return nullptr;
    }
    if (mode == "reflect" || mode == "edge" || mode == "wrap") {
      std::vector<Dims> maps(static_cast<size_t>(rank));
      for (int64_t d = 0; d < rank; ++d) {
        int64_t n = x.shape[size_t(d)];
        if (n == 0 && out[size_t(d)] > 0) {
          why = "cannot " + mode + "-pad an empty dim";
          return nullptr;
        }
        for (int64_t j = 0; j < out[size_t(d)]; ++j) {
          int64_t v = j - pads[size_t(d)];
          if (v < 0 || v >= n) {
            if (mode == "edge")
              v = std::clamp<int64_t>(v, 0, n - 1);
            else if (mode == "wrap")
              v = ((v % n) + n) % n;
            else if (n == 1)
              v = 0;
            else { // reflect: mirror without repeating the edge
              int64_t period = 2 * (n - 1);
              v = ((v % period) + period) % period;
              if (v >= n)
                v = period - v;
            }
          }
          maps[size_t(d)].push_back(v * xs[size_t(d)]);
        }
      }
      return std::make_unique<PadMapKernel>(mode, es, out, std::move(maps));
    }
    if (mode != "constant") {
      why = "pad mode " + mode;
      return nullptr;
    }
    Dims count(size_t(rank), 0);
    int64_t outBase = 0, inBase = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t pb = pads[size_t(d)], pe = pads[size_t(d + rank)];
      int64_t skip = std::max<int64_t>(0, -pb), at = std::max<int64_t>(0, pb);
      count[size_t(d)] = std::max<int64_t>(0, x.shape[size_t(d)] - skip - std::max<int64_t>(0, -pe));
      outBase += at * outStrides[size_t(d)];
      inBase += skip * xs[size_t(d)];
    }
    auto k = std::make_unique<CopyKernel>("kiln pad", es,
                                          makeWalk(numel(count) ? count : Dims{0}, {outStrides, xs}, {outBase, inBase}),
                                          outN);
    k->fill = true;
    if (need(2))
      k->fillInput = 2;
    else if (!scalarBits(x.dtype, attrs.getFloat("value", 0.0), k->fillBits)) {
      why = "pad value for this element type";
      return nullptr;
    }
    return k;
  }
  if (op == "gather") {
    if (!need(1) || (in[1]->dtype != DType::I64 && in[1]->dtype != DType::I32)) {
      why = "gather indices must be i32 or i64";
      return nullptr;
    }
    int64_t rank = int64_t(x.shape.size()), axis;
    if (!normAxis(attrs.getInt("axis", 0), rank, axis)) {
      why = "gather axis out of range";
      return nullptr;
    }
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; ++i)
      outer *= x.shape[size_t(i)];
    for (int64_t i = axis + 1; i < rank; ++i)
      inner *= x.shape[size_t(i)];
    return std::make_unique<GatherKernel>(es, outer, x.shape[size_t(axis)], inner, numel(in[1]->shape),
                                          in[1]->dtype == DType::I64, axis);
  }
  if (op == "concat") {
    int64_t rank = int64_t(out.size()), axis;
    if (!normAxis(attrs.getInt("axis", 0), rank, axis)) {
      why = "concat axis out of range";
      return nullptr;
    }
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; ++i)
      outer *= out[size_t(i)];
    for (int64_t i = axis + 1; i < rank; ++i)
      inner *= out[size_t(i)];
    std::vector<size_t> rows;
    for (const ref::Tensor *t : in) {
      if (!t || t->dtype != x.dtype) {
        why = "concat inputs differ in element type";
        return nullptr;
      }
      rows.push_back(size_t(t->shape[size_t(axis)] * inner) * es);
    }
    return std::make_unique<ConcatKernel>(outer, std::move(rows));
  }
  if (op == "where") {
    if (!need(1) || !need(2) || x.dtype != DType::Bool || in[1]->dtype != in[2]->dtype ||
        !movable(in[1]->dtype)) {
      why = "where needs a bool condition and two operands of one type";
      return nullptr;
    }
    return std::make_unique<WhereKernel>(
        ref::dtypeSize(in[1]->dtype),
        makeWalk(out, {outStrides, broadcastStrides(x.shape, out), broadcastStrides(in[1]->shape, out),
                       broadcastStrides(in[2]->shape, out)},
                 {0, 0, 0, 0}));
  }
  why = "no own kernel for " + op;
  return nullptr;
}

std::unique_ptr<Kernel> makeSplitKernel(const ref::Tensor &x, int64_t axis, int64_t offset, const Dims &out,
                                        std::string &why) {
  int64_t rank = int64_t(x.shape.size());
  if (!movable(x.dtype) || axis < 0 || axis >= rank || int64_t(out.size()) != rank || offset < 0 ||
      offset + out[size_t(axis)] > x.shape[size_t(axis)]) {
    why = "invalid split";
    return nullptr;
  }
  size_t es = ref::dtypeSize(x.dtype);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= x.shape[size_t(i)];
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= x.shape[size_t(i)];
  size_t unit = size_t(inner) * es;
  return std::make_unique<SplitKernel>(outer, size_t(x.shape[size_t(axis)]) * unit, size_t(offset) * unit,
                                       size_t(out[size_t(axis)]) * unit);
}

} // namespace kiln::cpu
