//===- Internal.h - shared helpers of the reference kernels -----*- C++ -*-===//
//
// Not part of the interface: element types, conversions, type dispatch,
// shape arithmetic and the op registry used by the kernel files.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BACKENDS_REFERENCE_INTERNAL_H
#define KILN_BACKENDS_REFERENCE_INTERNAL_H

#include "Kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <sstream>
#include <type_traits>

namespace kiln::ref {

using Shape = std::vector<int64_t>;

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

struct Half { uint16_t bits; };
struct BF16 { uint16_t bits; };
struct BoolT { uint8_t v; };

inline float bitsToFloat(uint32_t x) { float f; std::memcpy(&f, &x, 4); return f; }
inline uint32_t floatToBits(float f) { uint32_t x; std::memcpy(&x, &f, 4); return x; }

inline float halfToFloat(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ffu;
  uint32_t f;
  if (exp == 0) {
    if (mant == 0) {
      f = sign;
    } else { // subnormal: normalise
      int e = -1;
      do { ++e; mant <<= 1; } while (!(mant & 0x400u));
      mant &= 0x3ffu;
      f = sign | ((uint32_t)(112 - e) << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    f = sign | 0x7f800000u | (mant << 13);
  } else {
    f = sign | ((exp + 112) << 23) | (mant << 13);
  }
  return bitsToFloat(f);
}

/// Round to nearest even.
inline uint16_t floatToHalf(float v) {
  uint32_t x = floatToBits(v);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u) // inf or NaN (NaN stays quiet)
    return sign | 0x7c00u | (x > 0x7f800000u ? 0x200u : 0u);
  if (x >= 0x477ff000u) // >= 65520 rounds to inf
    return sign | 0x7c00u;
  if (x < 0x38800000u) { // below the smallest normal half: subnormal or zero
    float a = bitsToFloat(x);
    uint32_t m = (uint32_t)std::nearbyint(a * 16777216.0f); // exact scaling by 2^24
    return (uint16_t)(sign | m);
  }
  uint32_t mant = x & 0x7fffffu, exp = (x >> 23) - 112;
  uint32_t h = (exp << 10) | (mant >> 13), rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
    ++h;
  return (uint16_t)(sign | h);
}

inline float bf16ToFloat(uint16_t b) { return bitsToFloat((uint32_t)b << 16); }
inline uint16_t floatToBf16(float v) {
  uint32_t x = floatToBits(v);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return (uint16_t)((x >> 16) | 0x40u);
  x += 0x7fffu + ((x >> 16) & 1u);
  return (uint16_t)(x >> 16);
}

template <class T> struct DTypeOf;
#define KILN_DTYPE_OF(T, D) template <> struct DTypeOf<T> { static constexpr DType value = DType::D; };
KILN_DTYPE_OF(float, F32)
KILN_DTYPE_OF(double, F64)
KILN_DTYPE_OF(Half, F16)
KILN_DTYPE_OF(BF16, BF16)
KILN_DTYPE_OF(int8_t, I8)
KILN_DTYPE_OF(uint8_t, U8)
KILN_DTYPE_OF(int16_t, I16)
KILN_DTYPE_OF(uint16_t, U16)
KILN_DTYPE_OF(int32_t, I32)
KILN_DTYPE_OF(uint32_t, U32)
KILN_DTYPE_OF(int64_t, I64)
KILN_DTYPE_OF(uint64_t, U64)
KILN_DTYPE_OF(BoolT, Bool)
#undef KILN_DTYPE_OF

template <class T>
constexpr bool isFloatT = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                          std::is_same_v<T, Half> || std::is_same_v<T, BF16>;
template <class T> constexpr bool isIntT = std::is_integral_v<T>;
template <class T> constexpr bool isBoolT = std::is_same_v<T, BoolT>;

/// Compute type: f16/bf16/f32 compute in float, f64 in double, integers in themselves.
template <class T>
using AccT = std::conditional_t<std::is_same_v<T, double>, double,
                                std::conditional_t<isFloatT<T>, float, T>>;

template <class T> inline AccT<T> ld(T v) {
  if constexpr (std::is_same_v<T, Half>) return halfToFloat(v.bits);
  else if constexpr (std::is_same_v<T, BF16>) return bf16ToFloat(v.bits);
  else return v;
}
template <class T> inline T st(AccT<T> v) {
  if constexpr (std::is_same_v<T, Half>) return Half{floatToHalf(v)};
  else if constexpr (std::is_same_v<T, BF16>) return BF16{floatToBf16(v)};
  else return v;
}

/// Float to integer: toward zero, saturating, NaN to 0 (C++ leaves these undefined).
template <class I> inline I floatToInt(double v) {
  if (std::isnan(v)) return 0;
  v = std::trunc(v);
  if (v <= (double)std::numeric_limits<I>::lowest()) return std::numeric_limits<I>::lowest();
  if (v >= (double)std::numeric_limits<I>::max()) return std::numeric_limits<I>::max();
  return (I)v;
}

template <class T> inline double toDouble(T v) {
  if constexpr (isBoolT<T>) return v.v ? 1.0 : 0.0;
  else return (double)ld(v);
}
template <class T> inline T fromDouble(double v) {
  if constexpr (isBoolT<T>) return BoolT{(uint8_t)(v != 0.0)};
  else if constexpr (isFloatT<T>) return st<T>((AccT<T>)v);
  else return floatToInt<T>(v);
}

/// Element conversion with cast semantics (float->int toward zero, ->bool nonzero).
template <class D, class S> inline D convertElt(S s) {
  if constexpr (isBoolT<D>) {
    if constexpr (isBoolT<S>) return BoolT{(uint8_t)(s.v != 0)};
    else return BoolT{(uint8_t)(ld(s) != 0)};
  } else if constexpr (isBoolT<S>) {
    if constexpr (isFloatT<D>) return st<D>((AccT<D>)(s.v ? 1 : 0));
    else return (D)(s.v ? 1 : 0);
  } else if constexpr (isFloatT<D>) {
    if constexpr (isFloatT<S>) {
      if constexpr (std::is_same_v<D, double>) return (double)ld(s);
      else return st<D>((float)ld(s));
    } else {
      return st<D>((AccT<D>)s);
    }
  } else { // integer destination
    if constexpr (isFloatT<S>) return floatToInt<D>((double)ld(s));
    else return (D)s;
  }
}

//===----------------------------------------------------------------------===//
// Type dispatch
//===----------------------------------------------------------------------===//

template <class... Ts, class F> Status dispatchAmong(DType t, F &&f) {
  Status r = Status::error(std::string("unsupported element type ") + dtypeName(t));
  (void)((t == DTypeOf<Ts>::value ? (r = f(Ts{}), true) : false) || ...);
  return r;
}
#define KILN_FLOAT_TYPES float, double, Half, BF16
#define KILN_INT_TYPES int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t
template <class F> Status dispatchFloat(DType t, F &&f) {
  return dispatchAmong<KILN_FLOAT_TYPES>(t, std::forward<F>(f));
}
template <class F> Status dispatchNumeric(DType t, F &&f) {
  return dispatchAmong<KILN_FLOAT_TYPES, KILN_INT_TYPES>(t, std::forward<F>(f));
}
template <class F> Status dispatchAll(DType t, F &&f) {
  return dispatchAmong<KILN_FLOAT_TYPES, KILN_INT_TYPES, BoolT>(t, std::forward<F>(f));
}

inline bool isFloatType(DType t) {
  return t == DType::F32 || t == DType::F64 || t == DType::F16 || t == DType::BF16;
}
inline bool isIntType(DType t) {
  switch (t) {
  case DType::I8: case DType::U8: case DType::I16: case DType::U16: case DType::I32:
  case DType::U32: case DType::I64: case DType::U64: return true;
  default: return false;
  }
}
inline bool isNumericType(DType t) { return isFloatType(t) || isIntType(t); }
inline bool isKnownType(DType t) { return isNumericType(t) || t == DType::Bool; }

template <class T> inline T *ptr(const Tensor &t) { return static_cast<T *>(t.data); }

/// Loads a tensor converted to the compute type C (float/double; any numeric source).
template <class T, class C> std::vector<C> loadAs(const Tensor &t) {
  int64_t n = t.numElements();
  std::vector<C> v((size_t)n);
  const T *p = ptr<T>(t);
  for (int64_t i = 0; i < n; ++i) v[i] = (C)ld(p[i]);
  return v;
}
template <class T, class C> void storeFrom(const std::vector<C> &v, Tensor &t) {
  T *p = ptr<T>(t);
  for (size_t i = 0; i < v.size(); ++i) p[i] = st<T>((AccT<T>)v[i]);
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

inline int64_t numel(const Shape &s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}
inline Shape stridesOf(const Shape &s) {
  Shape r(s.size(), 1);
  for (int64_t i = (int64_t)s.size() - 2; i >= 0; --i) r[i] = r[i + 1] * s[i + 1];
  return r;
}
std::string shapeStr(const Shape &s);
std::string joinInts(const std::vector<int64_t> &v);
bool broadcastShapes(const Shape &a, const Shape &b, Shape &out);

/// Calls f(outIndex, offsets) for each element of `out` in row-major order;
/// offsets[k] is the offset of the element of input k that broadcasts there.
template <class F> void forEachBroadcast(const Shape &out, const std::vector<Shape> &ins, F &&f) {
  size_t R = out.size(), K = ins.size();
  std::vector<Shape> st(K, Shape(R, 0));
  for (size_t k = 0; k < K; ++k) {
    Shape s = stridesOf(ins[k]);
    size_t lead = R - ins[k].size();
    for (size_t i = 0; i < ins[k].size(); ++i) st[k][lead + i] = ins[k][i] == 1 ? 0 : s[i];
  }
  int64_t n = numel(out);
  Shape idx(R, 0);
  std::vector<int64_t> off(K, 0);
  for (int64_t i = 0; i < n; ++i) {
    f(i, (const int64_t *)off.data());
    for (int64_t d = (int64_t)R - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) {
        for (size_t k = 0; k < K; ++k) off[k] += st[k][d];
        break;
      }
      for (size_t k = 0; k < K; ++k) off[k] -= st[k][d] * (out[d] - 1);
      idx[d] = 0;
    }
  }
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

struct OpCtx {
  const std::string &op;
  const Attrs &attrs;
  const std::vector<const Tensor *> &in;

  const Tensor *input(size_t i) const { return i < in.size() ? in[i] : nullptr; }
  template <class... Args> Status fail(Args &&...args) const {
    std::ostringstream os;
    os << "kiln." << op << ": ";
    (os << ... << args);
    return Status::error(os.str());
  }
  /// Normalises an axis in [-rank, rank).
  bool axis(int64_t a, int64_t rank, int64_t &out) const {
    if (a < -rank || a >= rank) return false;
    out = a < 0 ? a + rank : a;
    return true;
  }
  /// Reads the values of an integer (i32/i64) operand; error when its data is missing.
  Status readInts(size_t i, const char *name, std::vector<int64_t> &out) const;
};

using InferFn = std::function<Status(const OpCtx &, std::vector<Shape> &, std::vector<DType> &)>;
using RunFn = std::function<Status(const OpCtx &, std::vector<Tensor> &)>;
struct OpDef {
  int minInputs, maxInputs; // maxInputs -1: variadic
  InferFn infer;
  RunFn run;
};
using Registry = std::map<std::string, OpDef>;

void registerElementwise(Registry &);
void registerReductions(Registry &);
void registerMovement(Registry &);
void registerNN(Registry &);
void registerFused(Registry &); // Fused.cpp: ops the optimizer makes
void registerIndexing(Registry &); // Indexing.cpp: scatter/gather, top_k, one_hot, selections, NMS
void registerRecurrent(Registry &); // Recurrent.cpp: rnn, gru, lstm
void registerSignal(Registry &); // Signal.cpp: dft, stft, det, col2im, mel_weight_matrix
void registerDetection(Registry &); // Detection.cpp: roi_align, max_unpool, affine_grid, deform_conv
void registerMath(Registry &); // Math.cpp: math, bitwise, cum_prod, bit_cast, eye_like
void registerNorm(Registry &); // Norm.cpp: lrn

/// Checks the input's element type.
Status requireFloat(const OpCtx &c, size_t i, const char *what = "input");
Status requireNumeric(const OpCtx &c, size_t i, const char *what = "input");
Status requireBool(const OpCtx &c, size_t i, const char *what = "input");
Status requireSameType(const OpCtx &c, size_t i, size_t j, const char *what);

} // namespace kiln::ref

#endif // KILN_BACKENDS_REFERENCE_INTERNAL_H
