//===- Fused.cpp - the fused ops the optimizer makes (semantics oracle) ---===//
//
// fused_conv, fused_matmul, rms_norm and attention (ir/include/kiln/ir/
// KilnFusedOps.td). The products reuse the conv and matmul kernels; the
// rest is computed in double and rounded once.
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

namespace kiln::ref {
namespace {

using D = double;

Status checkActivation(const OpCtx &c) {
  static const char *known[] = {"none", "relu", "leaky_relu", "clip", "sigmoid", "tanh",
                                "hard_swish", "silu", "gelu", "gelu_tanh"};
  std::string a = c.attrs.getString("activation", "none");
  for (const char *k : known)
    if (a == k) return Status::success();
  return c.fail("unknown activation '", a, "'");
}

/// The activation of `attrs` applied to x.
struct Activation {
  std::string kind;
  double alpha, beta;
  explicit Activation(const Attrs &a)
      : kind(a.getString("activation", "none")), alpha(a.getFloat("alpha", 0)), beta(a.getFloat("beta", 0)) {}
  double operator()(double x) const {
    if (kind == "relu") return x > 0 ? x : 0.0;
    if (kind == "leaky_relu") return x >= 0 ? x : alpha * x;
    if (kind == "clip") return std::min(std::max(x, alpha), beta);
    if (kind == "sigmoid") return 1.0 / (1.0 + std::exp(-x));
    if (kind == "tanh") return std::tanh(x);
    if (kind == "hard_swish") return x * std::min(std::max(x / 6.0 + 0.5, 0.0), 1.0);
    if (kind == "silu") return x / (1.0 + std::exp(-x));
    if (kind == "gelu") return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    if (kind == "gelu_tanh")
      return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
    return x;
  }
};

/// out = act(out + extra broadcast onto out), in place, for any float type.
Status addAndActivate(const OpCtx &c, Tensor &out, const Tensor *extra) {
  Activation act(c.attrs);
  return dispatchFloat(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> y = loadAs<T, D>(out), e;
    if (extra) {
      e = loadAs<T, D>(*extra);
      forEachBroadcast(out.shape, {extra->shape}, [&](int64_t i, const int64_t *off) { y[i] += e[off[0]]; });
    }
    for (D &v : y) v = act(v);
    storeFrom<T, D>(y, out);
    return Status::success();
  });
}

Status checkOnto(const OpCtx &c, const Shape &result, const Tensor *extra, const char *what) {
  if (!extra) return Status::success();
  if (extra->dtype != c.in[0]->dtype) return c.fail(what, " must have the input's element type");
  Shape b;
  if (extra->shape.size() > result.size() || !broadcastShapes(result, extra->shape, b) || b != result)
    return c.fail(what, " of shape ", shapeStr(extra->shape), " does not broadcast to the result ", shapeStr(result));
  return Status::success();
}

// --- fused_conv: act(conv(x, w, b) + residual) -------------------------------

Status inferFusedConv(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = checkActivation(c); !st) return st;
  std::vector<const Tensor *> convIn(c.in.begin(), c.in.begin() + 3);
  if (Status st = inferShapes("conv", c.attrs, convIn, s, t); !st) return c.fail(st.message);
  return checkOnto(c, s[0], c.input(3), "residual");
}

Status runFusedConv(const OpCtx &c, std::vector<Tensor> &o) {
  std::vector<const Tensor *> convIn(c.in.begin(), c.in.begin() + 3);
  if (Status st = run("conv", c.attrs, convIn, o); !st) return c.fail(st.message);
  return addAndActivate(c, o[0], c.input(3));
}

// --- fused_matmul: act(lhs @ rhs' + bias) ------------------------------------

/// rhs [N, K] -> [K, N] when trans_b (owned by `storage`).
Status rhsOf(const OpCtx &c, Tensor &rhs, std::vector<char> &storage) {
  rhs = *c.in[1];
  if (!c.attrs.getInt("trans_b", 0)) return Status::success();
  if (rhs.shape.size() != 2) return c.fail("rhs must be 2-D, got ", shapeStr(rhs.shape));
  int64_t n = rhs.shape[0], k = rhs.shape[1];
  size_t w = dtypeSize(rhs.dtype);
  rhs.shape = {k, n};
  if (!c.in[1]->data) return Status::success(); // shapes only
  storage.resize(std::max<size_t>(1, rhs.byteSize()));
  const char *src = static_cast<const char *>(c.in[1]->data);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j) std::memcpy(&storage[(j * n + i) * w], src + (i * k + j) * w, w);
  rhs.data = storage.data();
  return Status::success();
}

Status inferFusedMatMul(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = checkActivation(c); !st) return st;
  if (Status st = requireFloat(c, 0); !st) return st;
  if (c.in[0]->shape.size() < 2) return c.fail("lhs must have rank 2 or more, got ", shapeStr(c.in[0]->shape));
  if (c.in[1]->shape.size() != 2) return c.fail("rhs must be 2-D, got ", shapeStr(c.in[1]->shape));
  // Shapes only: transposing a constant weight here (every load infers the
  // graph's shapes) cost the MLP's load a third of its time.
  Tensor rhs = *c.in[1];
  rhs.data = nullptr;
  if (c.attrs.getInt("trans_b", 0)) rhs.shape = {rhs.shape[1], rhs.shape[0]};
  if (Status st = inferShapes("matmul", c.attrs, {c.in[0], &rhs}, s, t); !st) return c.fail(st.message);
  return checkOnto(c, s[0], c.input(2), "bias");
}

Status runFusedMatMul(const OpCtx &c, std::vector<Tensor> &o) {
  Tensor rhs;
  std::vector<char> storage;
  if (Status st = rhsOf(c, rhs, storage); !st) return st;
  if (Status st = run("matmul", Attrs(), {c.in[0], &rhs}, o); !st) return c.fail(st.message);
  return addAndActivate(c, o[0], c.input(2));
}

// --- rms_norm ---------------------------------------------------------------

Status inferRMSNorm(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &x = c.in[0]->shape;
  int64_t rank = (int64_t)x.size(), axis, a = c.attrs.getInt("axis", -1);
  if (!c.axis(a, rank, axis)) return c.fail("axis ", a, " is out of range for rank ", rank);
  Shape norm(x.begin() + axis, x.end()), b;
  if (c.in[1]->dtype != c.in[0]->dtype) return c.fail("scale must have the input's element type");
  if (!broadcastShapes(norm, c.in[1]->shape, b) || b != norm)
    return c.fail("scale of shape ", shapeStr(c.in[1]->shape), " does not broadcast to the normalized dims ", shapeStr(norm));
  s = {x};
  t = {c.in[0]->dtype};
  return Status::success();
}

Status runRMSNorm(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &xs = c.in[0]->shape;
  int64_t axis;
  c.axis(c.attrs.getInt("axis", -1), (int64_t)xs.size(), axis);
  Shape norm(xs.begin() + axis, xs.end());
  int64_t len = numel(norm), rows = len ? c.in[0]->numElements() / len : 0;
  double eps = c.attrs.getFloat("epsilon", 1e-5);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadAs<T, D>(*c.in[0]), sc = loadAs<T, D>(*c.in[1]);
    std::vector<int64_t> so;
    forEachBroadcast(norm, {c.in[1]->shape}, [&](int64_t, const int64_t *off) { so.push_back(off[0]); });
    for (int64_t r = 0; r < rows; ++r) {
      D ss = 0;
      for (int64_t i = 0; i < len; ++i) ss += x[r * len + i] * x[r * len + i];
      D inv = 1.0 / std::sqrt(ss / (D)len + eps);
      for (int64_t i = 0; i < len; ++i) x[r * len + i] *= inv * sc[so[i]];
    }
    storeFrom<T, D>(x, o[0]);
    return Status::success();
  });
}

// --- attention ----------------------------------------------------------------

struct AttnDims {
  int64_t batch = 1, heads = 1, s = 0, s2 = 0, d = 0, dv = 0;
  Shape scores; // the shape the mask broadcasts to
};

Status attnDims(const OpCtx &c, AttnDims &a) {
  for (size_t i = 0; i < 3; ++i)
    if (Status st = requireFloat(c, i, "q, k and v"); !st) return st;
  const Shape &q = c.in[0]->shape, &k = c.in[1]->shape, &v = c.in[2]->shape;
  if (c.in[1]->dtype != c.in[0]->dtype || c.in[2]->dtype != c.in[0]->dtype ||
      (c.input(3) && c.in[3]->dtype != c.in[0]->dtype))
    return c.fail("q, k, v and mask must have one element type");
  size_t rank = q.size();
  int64_t h = c.attrs.getInt("num_heads", 0);
  if (rank < 2 || k.size() != rank || v.size() != rank)
    return c.fail("q, k and v must have one rank of at least 2, got ", shapeStr(q), ", ", shapeStr(k), ", ", shapeStr(v));
  if (h < 0 || (h && rank != 3)) return c.fail("with num_heads, q, k and v must be [batch, seq, heads * dim]");
  for (size_t i = 0; i + 2 < rank; ++i) {
    if (q[i] != k[i] || q[i] != v[i]) return c.fail("q, k and v have different batch dims");
    a.batch *= q[i];
  }
  if (q[rank - 1] != k[rank - 1]) return c.fail("q and k have different feature dims");
  if (k[rank - 2] != v[rank - 2]) return c.fail("k and v have different sequence lengths");
  a.s = q[rank - 2];
  a.s2 = k[rank - 2];
  a.d = q[rank - 1];
  a.dv = v[rank - 1];
  a.scores.assign(q.begin(), q.end() - 1);
  if (h) {
    if (a.d % h || a.dv % h) return c.fail("feature dims ", a.d, " and ", a.dv, " do not split into ", h, " heads");
    a.heads = h;
    a.d /= h;
    a.dv /= h;
    a.scores.insert(a.scores.begin() + 1, h);
  }
  a.scores.push_back(a.s2);
  if (const Tensor *m = c.input(3)) {
    Shape b;
    if (m->shape.size() > a.scores.size() || !broadcastShapes(a.scores, m->shape, b) || b != a.scores)
      return c.fail("mask of shape ", shapeStr(m->shape), " does not broadcast to the scores ", shapeStr(a.scores));
  }
  return Status::success();
}

Status inferAttention(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  AttnDims a;
  if (Status st = attnDims(c, a); !st) return st;
  Shape out = c.in[0]->shape;
  out.back() = c.in[2]->shape.back();
  s = {out};
  t = {c.in[0]->dtype};
  return Status::success();
}

Status runAttention(const OpCtx &c, std::vector<Tensor> &o) {
  AttnDims a;
  if (Status st = attnDims(c, a); !st) return st;
  double scale = c.attrs.getFloat("scale", 1.0);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> q = loadAs<T, D>(*c.in[0]), k = loadAs<T, D>(*c.in[1]), v = loadAs<T, D>(*c.in[2]), m;
    std::vector<int64_t> mo;
    if (c.input(3)) {
      m = loadAs<T, D>(*c.in[3]);
      forEachBroadcast(a.scores, {c.in[3]->shape}, [&](int64_t, const int64_t *off) { mo.push_back(off[0]); });
    }
    int64_t H = a.heads, S = a.s, S2 = a.s2, Dq = a.d, Dv = a.dv;
    // Row r of head h of batch b: heads side by side in the last dim (one head: H = 1).
    auto row = [&](const std::vector<D> &t, int64_t b, int64_t h, int64_t r, int64_t rows, int64_t width) {
      return t.data() + ((b * rows + r) * H + h) * width;
    };
    std::vector<D> out((size_t)(a.batch * S * H * Dv)), p((size_t)S2);
    for (int64_t b = 0; b < a.batch; ++b)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t i = 0; i < S; ++i) {
          const D *qi = row(q, b, h, i, S, Dq);
          D mx = -INFINITY;
          for (int64_t j = 0; j < S2; ++j) {
            const D *kj = row(k, b, h, j, S2, Dq);
            D acc = 0;
            for (int64_t e = 0; e < Dq; ++e) acc += qi[e] * kj[e];
            acc *= scale;
            if (!mo.empty()) acc += m[mo[((b * H + h) * S + i) * S2 + j]];
            p[j] = acc;
            mx = std::max(mx, acc);
          }
          D sum = 0;
          for (int64_t j = 0; j < S2; ++j) sum += (p[j] = std::exp(p[j] - mx));
          D *oi = out.data() + ((b * S + i) * H + h) * Dv;
          for (int64_t j = 0; j < S2; ++j) {
            const D *vj = row(v, b, h, j, S2, Dv);
            D w = p[j] / sum;
            for (int64_t e = 0; e < Dv; ++e) oi[e] += w * vj[e];
          }
        }
    storeFrom<T, D>(out, o[0]);
    return Status::success();
  });
}

} // namespace

void registerFused(Registry &reg) {
  reg["fused_conv"] = OpDef{3, 4, inferFusedConv, runFusedConv};
  reg["fused_matmul"] = OpDef{3, 3, inferFusedMatMul, runFusedMatMul};
  reg["rms_norm"] = OpDef{2, 2, inferRMSNorm, runRMSNorm};
  reg["attention"] = OpDef{3, 4, inferAttention, runAttention};
}

} // namespace kiln::ref
