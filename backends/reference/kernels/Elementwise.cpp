//===- Elementwise.cpp - unary, binary, cast, prelu, where ---------------===//
#include "Internal.h"

namespace kiln::ref {
namespace {

Status inferSame(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  s.push_back(c.in[0]->shape);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

template <class T, class F> Status mapUnary(const Tensor &in, Tensor &out, F f) {
  const T *x = ptr<T>(in);
  T *y = ptr<T>(out);
  int64_t n = in.numElements();
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
  return Status::success();
}

template <class C> inline C sigmoidOf(C x) {
  if (x >= 0) return C(1) / (C(1) + std::exp(-x));
  C e = std::exp(x);
  return e / (C(1) + e);
}
template <class C> inline C softplusOf(C x) {
  // max(x, 0) + log1p(exp(-|x|)): exact for large |x|, no overflow.
  if (std::isnan(x)) return x;
  return (x > 0 ? x : C(0)) + std::log1p(std::exp(-std::fabs(x)));
}
template <class C> inline C clamp01(C v) { return v < 0 ? C(0) : (v > 1 ? C(1) : v); }

/// Registers a float-only unary op: PRE declares per-call constants from `a`
/// (the Attrs) in compute type C; EXPR computes the result from `x` (type C).
#define KILN_FLOAT_UNARY(NAME, PRE, EXPR)                                                          \
  reg[NAME] = OpDef{1, 1,                                                                          \
                    [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {             \
                      if (Status st = requireFloat(c, 0); !st) return st;                          \
                      return inferSame(c, s, t);                                                   \
                    },                                                                             \
                    [](const OpCtx &c, std::vector<Tensor> &o) {                                   \
                      return dispatchFloat(c.in[0]->dtype, [&](auto tag) {                         \
                        using T = decltype(tag);                                                   \
                        using C = AccT<T>;                                                         \
                        const Attrs &a = c.attrs;                                                  \
                        (void)a;                                                                   \
                        PRE;                                                                       \
                        return mapUnary<T>(*c.in[0], o[0], [&](T v) {                              \
                          C x = ld(v);                                                             \
                          return st<T>((C)(EXPR));                                                 \
                        });                                                                        \
                      });                                                                          \
                    }};

template <class T> using UnsignedOf = std::make_unsigned_t<T>;
template <class T> inline T wrapNeg(T v) { return (T)(uint64_t)(0 - (uint64_t)v); }

// --- binary --------------------------------------------------------------

template <class T, class R, class F>
void binaryLoop(const Tensor &a, const Tensor &b, Tensor &out, F f) {
  const T *x = ptr<T>(a), *y = ptr<T>(b);
  R *z = ptr<R>(out);
  if (a.shape == b.shape) {
    int64_t n = a.numElements();
    for (int64_t i = 0; i < n; ++i) z[i] = f(x[i], y[i]);
    return;
  }
  forEachBroadcast(out.shape, {a.shape, b.shape},
                   [&](int64_t i, const int64_t *off) { z[i] = f(x[off[0]], y[off[1]]); });
}

enum class TypeRule { Numeric, Any, Bool };

Status inferBinary(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t, TypeRule rule,
                   bool boolResult, bool sameType = true) {
  if (rule == TypeRule::Numeric) {
    if (Status st = requireNumeric(c, 0, "lhs"); !st) return st;
    if (Status st = requireNumeric(c, 1, "rhs"); !st) return st;
  } else if (rule == TypeRule::Bool) {
    if (Status st = requireBool(c, 0, "lhs"); !st) return st;
    if (Status st = requireBool(c, 1, "rhs"); !st) return st;
  }
  if (sameType)
    if (Status st = requireSameType(c, 0, 1, "operand"); !st) return st;
  Shape out;
  if (!broadcastShapes(c.in[0]->shape, c.in[1]->shape, out))
    return c.fail("shapes ", shapeStr(c.in[0]->shape), " and ", shapeStr(c.in[1]->shape),
                  " do not broadcast");
  s.push_back(out);
  t.push_back(boolResult ? DType::Bool : c.in[0]->dtype);
  return Status::success();
}

/// Arithmetic with integer wrap-around (no signed-overflow UB).
struct AddF { template <class T> T operator()(T a, T b) const {
  if constexpr (isIntT<T>) return (T)(uint64_t)((uint64_t)a + (uint64_t)b);
  else return st<T>(ld(a) + ld(b)); } };
struct SubF { template <class T> T operator()(T a, T b) const {
  if constexpr (isIntT<T>) return (T)(uint64_t)((uint64_t)a - (uint64_t)b);
  else return st<T>(ld(a) - ld(b)); } };
struct MulF { template <class T> T operator()(T a, T b) const {
  if constexpr (isIntT<T>) return (T)(uint64_t)((uint64_t)a * (uint64_t)b);
  else return st<T>(ld(a) * ld(b)); } };
struct MinF { template <class T> T operator()(T a, T b) const {
  if constexpr (isIntT<T>) return a < b ? a : b;
  else { auto x = ld(a), y = ld(b);
    if (std::isnan(x)) return a;
    if (std::isnan(y)) return b;
    return x < y ? a : (y < x ? b : (std::signbit(x) ? a : b)); } } };
struct MaxF { template <class T> T operator()(T a, T b) const {
  if constexpr (isIntT<T>) return a > b ? a : b;
  else { auto x = ld(a), y = ld(b);
    if (std::isnan(x)) return a;
    if (std::isnan(y)) return b;
    return x > y ? a : (y > x ? b : (std::signbit(x) ? b : a)); } } };

template <class F> OpDef arith(F f) {
  return OpDef{2, 2,
               [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                 return inferBinary(c, s, t, TypeRule::Numeric, false);
               },
               [f](const OpCtx &c, std::vector<Tensor> &o) {
                 return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
                   using T = decltype(tag);
                   binaryLoop<T, T>(*c.in[0], *c.in[1], o[0], [&](T a, T b) { return f(a, b); });
                   return Status::success();
                 });
               }};
}

enum class Cmp { Eq, Lt, Le, Gt, Ge };
OpDef compare(Cmp k) {
  return OpDef{2, 2,
               [k](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                 return inferBinary(c, s, t, k == Cmp::Eq ? TypeRule::Any : TypeRule::Numeric, true);
               },
               [k](const OpCtx &c, std::vector<Tensor> &o) {
                 return dispatchAll(c.in[0]->dtype, [&](auto tag) {
                   using T = decltype(tag);
                   if constexpr (isBoolT<T>) {
                     binaryLoop<T, BoolT>(*c.in[0], *c.in[1], o[0], [](T a, T b) {
                       return BoolT{(uint8_t)((a.v != 0) == (b.v != 0))};
                     });
                   } else {
                     binaryLoop<T, BoolT>(*c.in[0], *c.in[1], o[0], [k](T a, T b) {
                       auto x = ld(a), y = ld(b);
                       bool r = k == Cmp::Eq ? x == y : k == Cmp::Lt ? x < y : k == Cmp::Le ? x <= y
                                : k == Cmp::Gt ? x > y : x >= y;
                       return BoolT{(uint8_t)r};
                     });
                   }
                   return Status::success();
                 });
               }};
}

enum class Logic { And, Or, Xor };
OpDef logic(Logic k) {
  return OpDef{2, 2,
               [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                 return inferBinary(c, s, t, TypeRule::Bool, false);
               },
               [k](const OpCtx &c, std::vector<Tensor> &o) {
                 binaryLoop<BoolT, BoolT>(*c.in[0], *c.in[1], o[0], [k](BoolT a, BoolT b) {
                   bool x = a.v != 0, y = b.v != 0;
                   return BoolT{(uint8_t)(k == Logic::And ? (x && y) : k == Logic::Or ? (x || y) : (x != y))};
                 });
                 return Status::success();
               }};
}

/// Integer power by squaring with wrap-around; negative exponents as the
/// truncated real result (0 unless |base| == 1).
template <class T> T intPow(T base, int64_t e) {
  if (e < 0) {
    if (base == 1) return 1;
    if constexpr (std::is_signed_v<T>)
      if (base == -1) return (e % 2) ? (T)-1 : (T)1;
    return 0;
  }
  uint64_t r = 1, b = (uint64_t)base;
  while (e) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return (T)r;
}

Status runPow(const OpCtx &c, std::vector<Tensor> &o) {
  return dispatchNumeric(c.in[0]->dtype, [&](auto btag) {
    using T = decltype(btag);
    return dispatchNumeric(c.in[1]->dtype, [&](auto etag) {
      using E = decltype(etag);
      const T *x = ptr<T>(*c.in[0]);
      const E *y = ptr<E>(*c.in[1]);
      T *z = ptr<T>(o[0]);
      forEachBroadcast(o[0].shape, {c.in[0]->shape, c.in[1]->shape}, [&](int64_t i, const int64_t *off) {
        T a = x[off[0]];
        E b = y[off[1]];
        if constexpr (isFloatT<T>) {
          using C = AccT<T>;
          z[i] = st<T>(std::pow(ld(a), (C)ld(b)));
        } else if constexpr (isIntT<E>) {
          if constexpr (std::is_unsigned_v<E>)
            z[i] = intPow<T>(a, b > (E)INT64_MAX ? INT64_MAX : (int64_t)b);
          else
            z[i] = intPow<T>(a, (int64_t)b);
        } else {
          z[i] = floatToInt<T>(std::pow((double)a, (double)ld(b)));
        }
      });
      return Status::success();
    });
  });
}

Status runDivMod(const OpCtx &c, std::vector<Tensor> &o, bool isMod) {
  bool fmodMode = c.attrs.getInt("fmod", 0) != 0;
  bool zero = false;
  Status s = dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    binaryLoop<T, T>(*c.in[0], *c.in[1], o[0], [&](T a, T b) -> T {
      if constexpr (isFloatT<T>) {
        auto x = ld(a), y = ld(b);
        if (!isMod) return st<T>(x / y);
        auto m = std::fmod(x, y);
        if (!fmodMode && m != 0 && ((m < 0) != (y < 0))) m += y;
        return st<T>(m);
      } else {
        if (b == 0) { zero = true; return 0; }
        if constexpr (std::is_signed_v<T>) {
          if (b == -1) return isMod ? (T)0 : wrapNeg(a);
          if (!isMod) return (T)(a / b);
          T m = (T)(a % b);
          if (!fmodMode && m != 0 && ((m < 0) != (b < 0))) m = (T)(m + b);
          return m;
        } else {
          return isMod ? (T)(a % b) : (T)(a / b);
        }
      }
    });
    return Status::success();
  });
  if (!s) return s;
  if (zero) return c.fail("integer ", isMod ? "modulo" : "division", " by zero");
  return Status::success();
}

Status inferCast(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  auto to = c.attrs.getType("to");
  if (!to) return c.fail("needs a `to` type attribute");
  if (!isKnownType(*to)) return c.fail("cannot cast to an unknown element type ", (int)*to);
  s.push_back(c.in[0]->shape);
  t.push_back(*to);
  return Status::success();
}

Status runCast(const OpCtx &c, std::vector<Tensor> &o) {
  return dispatchAll(c.in[0]->dtype, [&](auto stag) {
    using S = decltype(stag);
    return dispatchAll(o[0].dtype, [&](auto dtag) {
      using D = decltype(dtag);
      const S *x = ptr<S>(*c.in[0]);
      D *y = ptr<D>(o[0]);
      int64_t n = c.in[0]->numElements();
      for (int64_t i = 0; i < n; ++i) y[i] = convertElt<D>(x[i]);
      return Status::success();
    });
  });
}

Status inferClip(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireNumeric(c, 0); !st) return st;
  if (c.in.size() == 2) return c.fail("takes no bound operands or two (min, max), got one");
  if (c.in.size() == 3) {
    if (c.attrs.has("min") || c.attrs.has("max"))
      return c.fail("takes its bounds as attributes or as operands, not both");
    for (size_t i = 1; i < 3; ++i) {
      if (!c.in[i]) return c.fail("bound operand ", i, " is absent");
      if (Status st = requireSameType(c, 0, i, "input and bound"); !st) return st;
      if (c.in[i]->numElements() != 1 || c.in[i]->shape.size() > 1)
        return c.fail("bound operands must be scalars, got shape ", shapeStr(c.in[i]->shape));
    }
  }
  for (const char *n : {"min", "max"})
    if (const Attr *a = c.attrs.find(n); a && a->kind != Attr::Float && a->kind != Attr::Int)
      return c.fail(n, " must be a number");
  return inferSame(c, s, t);
}

Status runClip(const OpCtx &c, std::vector<Tensor> &o) {
  if (c.in.size() == 3) { // run-time bounds of the input's type
    return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
      using T = decltype(tag);
      T lo = ptr<T>(*c.in[1])[0], hi = ptr<T>(*c.in[2])[0];
      if constexpr (isFloatT<T>) {
        auto l = ld(lo), h = ld(hi);
        return mapUnary<T>(*c.in[0], o[0], [&](T v) {
          auto x = ld(v);
          if (std::isnan(x)) return v;
          x = x < l ? l : x;
          x = x > h ? h : x;
          return st<T>(x);
        });
      } else {
        return mapUnary<T>(*c.in[0], o[0], [&](T x) {
          if (x < lo) x = lo;
          if (x > hi) x = hi;
          return x;
        });
      }
    });
  }
  bool hasLo = c.attrs.has("min"), hasHi = c.attrs.has("max");
  double lo = c.attrs.getFloat("min", 0), hi = c.attrs.getFloat("max", 0);
  return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isFloatT<T>) {
      using C = AccT<T>;
      C l = hasLo ? (C)lo : -std::numeric_limits<C>::infinity();
      C h = hasHi ? (C)hi : std::numeric_limits<C>::infinity();
      return mapUnary<T>(*c.in[0], o[0], [&](T v) {
        C x = ld(v);
        if (std::isnan(x)) return v;
        x = x < l ? l : x;
        x = x > h ? h : x;
        return st<T>(x);
      });
    } else {
      // Integer bounds: the smallest value >= min, the largest <= max.
      T l = hasLo ? floatToInt<T>(std::ceil(lo)) : std::numeric_limits<T>::lowest();
      T h = hasHi ? floatToInt<T>(std::floor(hi)) : std::numeric_limits<T>::max();
      bool loAbove = hasLo && std::ceil(lo) > (double)std::numeric_limits<T>::max();
      bool hiBelow = hasHi && std::floor(hi) < (double)std::numeric_limits<T>::lowest();
      return mapUnary<T>(*c.in[0], o[0], [&](T x) {
        if (loAbove || x < l) x = l;
        if (hiBelow || x > h) x = h;
        return x;
      });
    }
  });
}

Status inferPRelu(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  if (Status st = requireSameType(c, 0, 1, "input and slope"); !st) return st;
  Shape out;
  if (!broadcastShapes(c.in[0]->shape, c.in[1]->shape, out) || out != c.in[0]->shape)
    return c.fail("slope of shape ", shapeStr(c.in[1]->shape), " does not broadcast to the input shape ",
                  shapeStr(c.in[0]->shape));
  return inferSame(c, s, t);
}

Status inferWhere(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireBool(c, 0, "condition"); !st) return st;
  if (Status st = requireSameType(c, 1, 2, "x and y"); !st) return st;
  Shape out, o2;
  if (!broadcastShapes(c.in[0]->shape, c.in[1]->shape, out) || !broadcastShapes(out, c.in[2]->shape, o2))
    return c.fail("shapes ", shapeStr(c.in[0]->shape), ", ", shapeStr(c.in[1]->shape), " and ",
                  shapeStr(c.in[2]->shape), " do not broadcast");
  s.push_back(o2);
  t.push_back(c.in[1]->dtype);
  return Status::success();
}

Status runWhere(const OpCtx &c, std::vector<Tensor> &o) {
  size_t es = dtypeSize(o[0].dtype);
  const uint8_t *cond = ptr<uint8_t>(*c.in[0]);
  const char *x = ptr<char>(*c.in[1]), *y = ptr<char>(*c.in[2]);
  char *z = ptr<char>(o[0]);
  forEachBroadcast(o[0].shape, {c.in[0]->shape, c.in[1]->shape, c.in[2]->shape},
                   [&](int64_t i, const int64_t *off) {
                     const char *src = cond[off[0]] ? x + off[1] * es : y + off[2] * es;
                     std::memcpy(z + i * es, src, es);
                   });
  return Status::success();
}

struct Relu { template <class T> T operator()(T v) const {
  if constexpr (isFloatT<T>) { auto x = ld(v); return x < 0 ? st<T>(0) : v; }
  else return v < 0 ? (T)0 : v; } };
struct Abs { template <class T> T operator()(T v) const {
  if constexpr (isFloatT<T>) return st<T>(std::fabs(ld(v)));
  else if constexpr (std::is_signed_v<T>) return v < 0 ? wrapNeg(v) : v;
  else return v; } };
struct Neg { template <class T> T operator()(T v) const {
  if constexpr (isFloatT<T>) return st<T>(-ld(v));
  else return wrapNeg(v); } };
struct Sign { template <class T> T operator()(T v) const {
  if constexpr (isFloatT<T>) { auto x = ld(v); using C = decltype(x);
    return st<T>(x > 0 ? C(1) : x < 0 ? C(-1) : x); }
  else return v > 0 ? (T)1 : v < 0 ? (T)-1 : (T)0; } };

} // namespace

void registerElementwise(Registry &reg) {
  KILN_FLOAT_UNARY("leaky_relu", C alpha = (C)a.getFloat("alpha", 0.01), x >= 0 ? x : alpha * x)
  KILN_FLOAT_UNARY("elu", C alpha = (C)a.getFloat("alpha", 1.0), x > 0 ? x : alpha * std::expm1(x))
  KILN_FLOAT_UNARY("selu",
                   C alpha = (C)a.getFloat("alpha", 1.67326319217681884765625);
                   C gamma = (C)a.getFloat("gamma", 1.05070102214813232421875),
                   gamma * (x > 0 ? x : alpha * std::expm1(x)))
  KILN_FLOAT_UNARY("gelu", bool tanhApprox = a.getString("approximate", "none") == "tanh";
                   const C k = (C)std::sqrt(2.0 / M_PI); const C rs2 = (C)(1.0 / std::sqrt(2.0)),
                   tanhApprox ? C(0.5) * x * (C(1) + std::tanh(k * (x + C(0.044715) * x * x * x)))
                              : C(0.5) * x * (C(1) + std::erf(x * rs2)))
  KILN_FLOAT_UNARY("erf", , std::erf(x))
  KILN_FLOAT_UNARY("sigmoid", , sigmoidOf(x))
  KILN_FLOAT_UNARY("hard_sigmoid", C alpha = (C)a.getFloat("alpha", 0.2);
                   C beta = (C)a.getFloat("beta", 0.5), clamp01(alpha * x + beta))
  KILN_FLOAT_UNARY("hard_swish", const C sixth = (C)(1.0 / 6.0), x * clamp01(x * sixth + C(0.5)))
  KILN_FLOAT_UNARY("silu", , x * sigmoidOf(x))
  KILN_FLOAT_UNARY("mish", , x * std::tanh(softplusOf(x)))
  KILN_FLOAT_UNARY("softplus", , softplusOf(x))
  KILN_FLOAT_UNARY("tanh", , std::tanh(x))
  KILN_FLOAT_UNARY("exp", , std::exp(x))
  KILN_FLOAT_UNARY("log", , std::log(x))
  KILN_FLOAT_UNARY("sqrt", , std::sqrt(x))
  KILN_FLOAT_UNARY("reciprocal", , C(1) / x)
  KILN_FLOAT_UNARY("sin", , std::sin(x))
  KILN_FLOAT_UNARY("cos", , std::cos(x))
  KILN_FLOAT_UNARY("floor", , std::floor(x))
  KILN_FLOAT_UNARY("ceil", , std::ceil(x))
  KILN_FLOAT_UNARY("round", , std::nearbyint(x))
  KILN_FLOAT_UNARY("dropout", , x)

  // gelu: validate `approximate`; dropout: validate `ratio`.
  {
    auto base = reg["gelu"].infer;
    reg["gelu"].infer = [base](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
      std::string ap = c.attrs.getString("approximate", "none");
      if (ap != "none" && ap != "tanh") return c.fail("approximate must be 'none' or 'tanh', got '", ap, "'");
      return base(c, s, t);
    };
    auto dbase = reg["dropout"].infer;
    reg["dropout"].infer = [dbase](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
      double r = c.attrs.getFloat("ratio", 0.5);
      if (!(r >= 0 && r < 1)) return c.fail("ratio must be in [0, 1), got ", r);
      return dbase(c, s, t);
    };
  }

  auto numericUnary = [&](const char *name, auto fn) {
    reg[name] = OpDef{1, 1,
                      [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                        if (Status st = requireNumeric(c, 0); !st) return st;
                        return inferSame(c, s, t);
                      },
                      [fn](const OpCtx &c, std::vector<Tensor> &o) {
                        return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
                          using T = decltype(tag);
                          return mapUnary<T>(*c.in[0], o[0], [&](T v) { return fn(v); });
                        });
                      }};
  };
  numericUnary("relu", Relu{});
  numericUnary("abs", Abs{});
  numericUnary("neg", Neg{});
  numericUnary("sign", Sign{});
  reg["clip"] = OpDef{1, 3, inferClip, runClip};
  reg["not"] = OpDef{1, 1,
                     [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                       if (Status st = requireBool(c, 0); !st) return st;
                       return inferSame(c, s, t);
                     },
                     [](const OpCtx &c, std::vector<Tensor> &o) {
                       return mapUnary<BoolT>(*c.in[0], o[0], [](BoolT b) { return BoolT{(uint8_t)(b.v == 0)}; });
                     }};
  reg["identity"] = OpDef{1, 1, inferSame, [](const OpCtx &c, std::vector<Tensor> &o) {
                            if (c.in[0]->byteSize()) std::memcpy(o[0].data, c.in[0]->data, c.in[0]->byteSize());
                            return Status::success();
                          }};
  reg["cast"] = OpDef{1, 1, inferCast, runCast};

  reg["add"] = arith(AddF{});
  reg["sub"] = arith(SubF{});
  reg["mul"] = arith(MulF{});
  reg["min"] = arith(MinF{});
  reg["max"] = arith(MaxF{});
  reg["div"] = OpDef{2, 2,
                     [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                       return inferBinary(c, s, t, TypeRule::Numeric, false);
                     },
                     [](const OpCtx &c, std::vector<Tensor> &o) { return runDivMod(c, o, false); }};
  reg["mod"] = OpDef{2, 2, reg["div"].infer,
                     [](const OpCtx &c, std::vector<Tensor> &o) { return runDivMod(c, o, true); }};
  reg["pow"] = OpDef{2, 2,
                     [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                       return inferBinary(c, s, t, TypeRule::Numeric, false, /*sameType=*/false);
                     },
                     runPow};
  reg["equal"] = compare(Cmp::Eq);
  reg["less"] = compare(Cmp::Lt);
  reg["less_or_equal"] = compare(Cmp::Le);
  reg["greater"] = compare(Cmp::Gt);
  reg["greater_or_equal"] = compare(Cmp::Ge);
  reg["and"] = logic(Logic::And);
  reg["or"] = logic(Logic::Or);
  reg["xor"] = logic(Logic::Xor);

  reg["prelu"] = OpDef{2, 2, inferPRelu, [](const OpCtx &c, std::vector<Tensor> &o) {
                         return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
                           using T = decltype(tag);
                           binaryLoop<T, T>(*c.in[0], *c.in[1], o[0], [](T x, T s) {
                             auto v = ld(x);
                             return v >= 0 || std::isnan(v) ? x : st<T>(v * ld(s));
                           });
                           return Status::success();
                         });
                       }};
  reg["where"] = OpDef{3, 3, inferWhere, runWhere};
}

} // namespace kiln::ref
