//===- Reduce.cpp - reductions, arg reductions, softmax ------------------===//
#include "Internal.h"

namespace kiln::ref {
namespace {

enum class Red { Sum, Mean, Max, Min, Prod, L1, L2, SumSquare, LogSumExp };

/// The reduced axes (sorted, unique) or an error; empty when nothing is reduced.
Status reducedAxes(const OpCtx &c, int64_t rank, std::vector<bool> &reduce) {
  reduce.assign(rank, false);
  auto axes = c.attrs.getInts("axes");
  if (c.input(1)) { // run-time axes operand
    if (axes) return c.fail("takes its axes as the attribute or as an operand, not both");
    std::vector<int64_t> v;
    if (Status st = c.readInts(1, "axes", v); !st) return st;
    axes = v;
  }
  if (axes && !axes->empty()) {
    for (int64_t a : *axes) {
      int64_t n;
      if (!c.axis(a, rank, n))
        return c.fail("axis ", a, " is out of range for rank ", rank, " (expected [", -rank, ", ", rank, "))");
      if (reduce[n]) return c.fail("axis ", a, " is repeated");
      reduce[n] = true;
    }
  } else if (!c.attrs.getInt("noop_with_empty_axes", 0)) {
    reduce.assign(rank, true);
  }
  return Status::success();
}

Status inferReduce(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireNumeric(c, 0); !st) return st;
  const Shape &in = c.in[0]->shape;
  std::vector<bool> reduce;
  if (Status st = reducedAxes(c, (int64_t)in.size(), reduce); !st) return st;
  bool keep = c.attrs.getInt("keepdims", 1) != 0;
  Shape out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!reduce[i]) out.push_back(in[i]);
    else if (keep) out.push_back(1);
  }
  s.push_back(out);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

/// For each input element (row-major) the offset of its output element.
std::vector<int64_t> outputOffsets(const Shape &in, const std::vector<bool> &reduce) {
  size_t R = in.size();
  Shape outDims(R);
  for (size_t i = 0; i < R; ++i) outDims[i] = reduce[i] ? 1 : in[i];
  Shape os = stridesOf(outDims);
  for (size_t i = 0; i < R; ++i)
    if (reduce[i]) os[i] = 0;
  int64_t n = numel(in);
  std::vector<int64_t> r((size_t)n);
  Shape idx(R, 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    r[k] = off;
    for (int64_t d = (int64_t)R - 1; d >= 0; --d) {
      if (++idx[d] < in[d]) { off += os[d]; break; }
      off -= os[d] * (in[d] - 1);
      idx[d] = 0;
    }
  }
  return r;
}

template <class T> Status reduceKernel(const OpCtx &c, Tensor &out, Red kind) {
  const Tensor &x = *c.in[0];
  std::vector<bool> reduce;
  if (Status st = reducedAxes(c, (int64_t)x.shape.size(), reduce); !st) return st;
  int64_t count = 1;
  for (size_t i = 0; i < reduce.size(); ++i)
    if (reduce[i]) count *= x.shape[i];
  std::vector<int64_t> offs = outputOffsets(x.shape, reduce);
  int64_t n = x.numElements(), m = out.numElements();
  const T *p = ptr<T>(x);
  T *q = ptr<T>(out);
  if constexpr (isFloatT<T>) {
    const double inf = std::numeric_limits<double>::infinity();
    double init = kind == Red::Max || kind == Red::LogSumExp ? -inf : kind == Red::Min ? inf
                  : kind == Red::Prod ? 1.0 : 0.0;
    std::vector<double> acc((size_t)m, init);
    for (int64_t k = 0; k < n; ++k) {
      double v = (double)ld(p[k]);
      double &a = acc[offs[k]];
      switch (kind) {
      case Red::Sum: case Red::Mean: a += v; break;
      case Red::Max: case Red::LogSumExp: if (std::isnan(v) || v > a) a = std::isnan(a) ? a : v; break;
      case Red::Min: if (std::isnan(v) || v < a) a = std::isnan(a) ? a : v; break;
      case Red::Prod: a *= v; break;
      case Red::L1: a += std::fabs(v); break;
      case Red::L2: case Red::SumSquare: a += v * v; break;
      }
    }
    if (kind == Red::LogSumExp) {
      std::vector<double> sum((size_t)m, 0.0);
      for (int64_t k = 0; k < n; ++k) {
        double mx = acc[offs[k]];
        if (std::isfinite(mx)) sum[offs[k]] += std::exp((double)ld(p[k]) - mx);
      }
      for (int64_t j = 0; j < m; ++j)
        if (std::isfinite(acc[j])) acc[j] += std::log(sum[j]);
    }
    for (int64_t j = 0; j < m; ++j) {
      double a = acc[j];
      if (kind == Red::Mean) a /= (double)count;
      if (kind == Red::L2) a = std::sqrt(a);
      q[j] = st<T>((AccT<T>)a);
    }
  } else {
    // Integers: sums and products wrap; max/min exact; mean, l2 and
    // log_sum_exp truncate toward zero.
    using U = uint64_t;
    if (kind == Red::Max || kind == Red::Min) {
      std::vector<T> acc((size_t)m, kind == Red::Max ? std::numeric_limits<T>::lowest()
                                                     : std::numeric_limits<T>::max());
      for (int64_t k = 0; k < n; ++k) {
        T &a = acc[offs[k]];
        a = kind == Red::Max ? std::max(a, p[k]) : std::min(a, p[k]);
      }
      std::copy(acc.begin(), acc.end(), q);
    } else if (kind == Red::L2 || kind == Red::LogSumExp) {
      std::vector<double> acc((size_t)m, kind == Red::L2 ? 0.0 : -std::numeric_limits<double>::infinity());
      if (kind == Red::L2) {
        for (int64_t k = 0; k < n; ++k) acc[offs[k]] += (double)p[k] * (double)p[k];
        for (int64_t j = 0; j < m; ++j) q[j] = floatToInt<T>(std::sqrt(acc[j]));
      } else {
        for (int64_t k = 0; k < n; ++k) acc[offs[k]] = std::max(acc[offs[k]], (double)p[k]);
        std::vector<double> sum((size_t)m, 0.0);
        for (int64_t k = 0; k < n; ++k) sum[offs[k]] += std::exp((double)p[k] - acc[offs[k]]);
        for (int64_t j = 0; j < m; ++j) q[j] = floatToInt<T>(acc[j] + std::log(sum[j]));
      }
    } else {
      std::vector<U> acc((size_t)m, kind == Red::Prod ? 1 : 0);
      for (int64_t k = 0; k < n; ++k) {
        U v = (U)p[k];
        U &a = acc[offs[k]];
        switch (kind) {
        case Red::Sum: case Red::Mean: a += v; break;
        case Red::Prod: a *= v; break;
        case Red::L1: a += (std::is_signed_v<T> && p[k] < 0) ? (U)0 - v : v; break;
        case Red::SumSquare: a += v * v; break;
        default: break;
        }
      }
      for (int64_t j = 0; j < m; ++j) {
        if (kind == Red::Mean) {
          if (count == 0) { q[j] = 0; continue; }
          if constexpr (std::is_signed_v<T>) q[j] = (T)((int64_t)acc[j] / count);
          else q[j] = (T)(acc[j] / (U)count);
        } else {
          q[j] = (T)acc[j];
        }
      }
    }
  }
  return Status::success();
}

OpDef reduceOp(Red kind) {
  return OpDef{1, 2, inferReduce, [kind](const OpCtx &c, std::vector<Tensor> &o) {
                 return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
                   return reduceKernel<decltype(tag)>(c, o[0], kind);
                 });
               }};
}

Status inferArg(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireNumeric(c, 0); !st) return st;
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size(), axis;
  int64_t a = c.attrs.getInt("axis", 0);
  if (!c.axis(a, rank, axis))
    return c.fail("axis ", a, " is out of range for rank ", rank, " (expected [", -rank, ", ", rank, "))");
  if (in[axis] == 0) return c.fail("cannot take the arg reduction of an empty axis ", axis);
  Shape out;
  bool keep = c.attrs.getInt("keepdims", 1) != 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (i != axis) out.push_back(in[i]);
    else if (keep) out.push_back(1);
  }
  s.push_back(out);
  t.push_back(DType::I64);
  return Status::success();
}

OpDef argOp(bool isMax) {
  return OpDef{1, 1, inferArg, [isMax](const OpCtx &c, std::vector<Tensor> &o) {
                 const Shape &in = c.in[0]->shape;
                 int64_t axis;
                 c.axis(c.attrs.getInt("axis", 0), (int64_t)in.size(), axis);
                 bool last = c.attrs.getInt("select_last_index", 0) != 0;
                 int64_t outer = 1, inner = 1, n = in[axis];
                 for (int64_t i = 0; i < axis; ++i) outer *= in[i];
                 for (size_t i = axis + 1; i < in.size(); ++i) inner *= in[i];
                 int64_t *q = ptr<int64_t>(o[0]);
                 return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
                   using T = decltype(tag);
                   const T *p = ptr<T>(*c.in[0]);
                   for (int64_t a = 0; a < outer; ++a)
                     for (int64_t b = 0; b < inner; ++b) {
                       const T *base = p + a * n * inner + b;
                       auto best = ld(base[0]);
                       int64_t bi = 0;
                       for (int64_t k = 1; k < n; ++k) {
                         auto v = ld(base[k * inner]);
                         bool better;
                         if constexpr (isFloatT<T>) {
                           // NaN wins (as numpy): the first NaN, or the last with select_last_index.
                           if (std::isnan(best)) better = last && std::isnan(v);
                           else if (std::isnan(v)) better = true;
                           else better = isMax ? (last ? v >= best : v > best) : (last ? v <= best : v < best);
                         } else {
                           better = isMax ? (last ? v >= best : v > best) : (last ? v <= best : v < best);
                         }
                         if (better) { best = v; bi = k; }
                       }
                       q[a * inner + b] = bi;
                     }
                   return Status::success();
                 });
               }};
}

OpDef softmaxOp(bool isLog) {
  return OpDef{1, 1,
               [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                 if (Status st = requireFloat(c, 0); !st) return st;
                 int64_t rank = (int64_t)c.in[0]->shape.size(), axis, a = c.attrs.getInt("axis", -1);
                 if (!c.axis(a, rank, axis))
                   return c.fail("axis ", a, " is out of range for rank ", rank, " (expected [", -rank, ", ", rank, "))");
                 s.push_back(c.in[0]->shape);
                 t.push_back(c.in[0]->dtype);
                 return Status::success();
               },
               [isLog](const OpCtx &c, std::vector<Tensor> &o) {
                 const Shape &in = c.in[0]->shape;
                 int64_t axis;
                 c.axis(c.attrs.getInt("axis", -1), (int64_t)in.size(), axis);
                 int64_t outer = 1, inner = 1, n = in[axis];
                 for (int64_t i = 0; i < axis; ++i) outer *= in[i];
                 for (size_t i = axis + 1; i < in.size(); ++i) inner *= in[i];
                 return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
                   using T = decltype(tag);
                   const T *p = ptr<T>(*c.in[0]);
                   T *q = ptr<T>(o[0]);
                   std::vector<double> e((size_t)n);
                   for (int64_t a = 0; a < outer; ++a)
                     for (int64_t b = 0; b < inner; ++b) {
                       int64_t base = a * n * inner + b;
                       double mx = -std::numeric_limits<double>::infinity();
                       for (int64_t k = 0; k < n; ++k) {
                         double v = (double)ld(p[base + k * inner]);
                         if (std::isnan(v) || v > mx) mx = std::isnan(mx) ? mx : v;
                       }
                       if (std::isinf(mx)) mx = 0; // all -inf (-> NaN as in ONNX) or +inf present
                       double sum = 0;
                       for (int64_t k = 0; k < n; ++k) {
                         e[k] = (double)ld(p[base + k * inner]) - mx;
                         sum += std::exp(e[k]);
                       }
                       double ls = std::log(sum);
                       for (int64_t k = 0; k < n; ++k) {
                         double r = isLog ? e[k] - ls : std::exp(e[k]) / sum;
                         q[base + k * inner] = st<T>((AccT<T>)r);
                       }
                     }
                   return Status::success();
                 });
               }};
}

OpDef hardmaxOp() {
  return OpDef{1, 1,
               [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                 if (Status st = requireFloat(c, 0); !st) return st;
                 int64_t rank = (int64_t)c.in[0]->shape.size(), axis, a = c.attrs.getInt("axis", -1);
                 if (!c.axis(a, rank, axis))
                   return c.fail("axis ", a, " is out of range for rank ", rank, " (expected [", -rank, ", ", rank, "))");
                 s.push_back(c.in[0]->shape);
                 t.push_back(c.in[0]->dtype);
                 return Status::success();
               },
               [](const OpCtx &c, std::vector<Tensor> &o) {
                 const Shape &in = c.in[0]->shape;
                 int64_t axis;
                 c.axis(c.attrs.getInt("axis", -1), (int64_t)in.size(), axis);
                 int64_t outer = 1, inner = 1, n = in[axis];
                 for (int64_t i = 0; i < axis; ++i) outer *= in[i];
                 for (size_t i = axis + 1; i < in.size(); ++i) inner *= in[i];
                 return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
                   using T = decltype(tag);
                   const T *p = ptr<T>(*c.in[0]);
                   T *q = ptr<T>(o[0]);
                   for (int64_t a = 0; a < outer; ++a)
                     for (int64_t b = 0; b < inner; ++b) {
                       int64_t base = a * n * inner + b, best = 0;
                       // The first maximum; a NaN counts as the maximum (numpy argmax).
                       for (int64_t k = 1; k < n; ++k) {
                         double v = (double)ld(p[base + k * inner]), m = (double)ld(p[base + best * inner]);
                         if (!std::isnan(m) && (std::isnan(v) || v > m)) best = k;
                       }
                       for (int64_t k = 0; k < n; ++k)
                         q[base + k * inner] = st<T>((AccT<T>)(k == best ? 1 : 0));
                     }
                   return Status::success();
                 });
               }};
}

} // namespace

void registerReductions(Registry &reg) {
  reg["hardmax"] = hardmaxOp();
  reg["reduce_sum"] = reduceOp(Red::Sum);
  reg["reduce_mean"] = reduceOp(Red::Mean);
  reg["reduce_max"] = reduceOp(Red::Max);
  reg["reduce_min"] = reduceOp(Red::Min);
  reg["reduce_prod"] = reduceOp(Red::Prod);
  reg["reduce_l1"] = reduceOp(Red::L1);
  reg["reduce_l2"] = reduceOp(Red::L2);
  reg["reduce_sum_square"] = reduceOp(Red::SumSquare);
  reg["reduce_log_sum_exp"] = reduceOp(Red::LogSumExp);
  reg["arg_max"] = argOp(true);
  reg["arg_min"] = argOp(false);
  reg["softmax"] = softmaxOp(false);
  reg["log_softmax"] = softmaxOp(true);
}

} // namespace kiln::ref
