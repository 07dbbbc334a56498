//===- NN.cpp - conv, matrix products, normalization, pooling ------------===//
//
// Float kernels compute in double (loaded from and stored to the element
// type), so they are the accurate side of any comparison.
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

namespace kiln::ref {
namespace {

using D = double;

template <class T> std::vector<D> loadD(const Tensor &t) {
  if constexpr (isFloatT<T>) return loadAs<T, D>(t);
  else return {};
}
template <class T> void storeD(const std::vector<D> &v, Tensor &t) {
  if constexpr (isFloatT<T>) storeFrom<T, D>(v, t);
}

// --- sliding windows ---------------------------------------------------------

/// A resolved window over up to three spatial dims (promoted: leading 1s).
struct Window {
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1};
  int64_t pb[3] = {0, 0, 0}, pe[3] = {0, 0, 0}, out[3] = {1, 1, 1};
};

Status checkAutoPad(const OpCtx &c, const std::string &ap) {
  if (ap != "NOTSET" && ap != "VALID" && ap != "SAME_UPPER" && ap != "SAME_LOWER")
    return c.fail("auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '", ap, "'");
  return Status::success();
}

/// Reads strides/dilations/pads (checked) for n spatial dims.
Status windowAttrs(const OpCtx &c, size_t n, Shape &strides, Shape &dil, Shape &pads) {
  auto get = [&](const char *name, size_t len, int64_t def, Shape &out, bool positive) -> Status {
    auto v = c.attrs.getInts(name);
    if (!v) { out.assign(len, def); return Status::success(); }
    if (v->size() != len)
      return c.fail(name, " has ", v->size(), " values but the op needs ", len, " (", n, " spatial dims)");
    for (int64_t x : *v)
      if (positive ? x <= 0 : x < 0) return c.fail(name, " must be ", positive ? "positive" : "non-negative", ", got ", x);
    out = *v;
    return Status::success();
  };
  if (Status st = get("strides", n, 1, strides, true); !st) return st;
  if (Status st = get("dilations", n, 1, dil, true); !st) return st;
  if (Status st = get("pads", 2 * n, 0, pads, false); !st) return st;
  return checkAutoPad(c, c.attrs.getString("auto_pad", "NOTSET"));
}

/// conv / pool output dims (KilnInfer's windowDims + resolveWindowPads).
Status resolveWindow(const OpCtx &c, const Shape &inSpatial, const Shape &kernel, bool ceilMode, Window &w) {
  size_t n = kernel.size();
  if (n > 3) return c.fail("more than 3 spatial dims are not supported by the reference backend");
  Shape strides, dil, pads;
  if (Status st = windowAttrs(c, n, strides, dil, pads); !st) return st;
  std::string ap = c.attrs.getString("auto_pad", "NOTSET");
  size_t o = 3 - n;
  for (size_t i = 0; i < n; ++i) {
    int64_t in = inSpatial[i], k = kernel[i], s = strides[i], dl = dil[i];
    int64_t pb = pads[i], pe = pads[i + n], out;
    int64_t eff = (k - 1) * dl + 1;
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + eff - in);
      int64_t small = total / 2, big = total - small;
      pb = ap == "SAME_UPPER" ? small : big;
      pe = ap == "SAME_UPPER" ? big : small;
    } else {
      if (ap == "VALID") pb = pe = 0;
      int64_t span = in + pb + pe - eff;
      out = span < 0 ? -1 : ceilMode ? (span + s - 1) / s + 1 : span / s + 1;
      if (ceilMode && out > 0 && (out - 1) * s >= in + pb) --out;
    }
    if (out <= 0)
      return c.fail("window of size ", k, " (dilation ", dl, ") does not fit spatial dim ", i, " of size ", in,
                    " with pads ", pb, "+", pe);
    w.in[o + i] = in; w.k[o + i] = k; w.s[o + i] = s; w.d[o + i] = dl;
    w.pb[o + i] = pb; w.pe[o + i] = pe; w.out[o + i] = out;
  }
  return Status::success();
}

Status convChecks(const OpCtx &c, bool transpose) {
  if (Status st = requireFloat(c, 0); !st) return st;
  if (Status st = requireSameType(c, 0, 1, "input and weight"); !st) return st;
  const Shape &x = c.in[0]->shape, &w = c.in[1]->shape;
  if (x.size() < 3) return c.fail("input must have rank >= 3 (N, C, spatial...), got ", shapeStr(x));
  if (w.size() != x.size()) return c.fail("weight has rank ", w.size(), " but the input has rank ", x.size());
  int64_t g = c.attrs.getInt("group", 1);
  if (g < 1) return c.fail("group must be at least 1, got ", g);
  if (const Tensor *b = c.input(2)) {
    if (b->dtype != c.in[0]->dtype) return c.fail("bias has element type ", dtypeName(b->dtype), " but the input has ", dtypeName(c.in[0]->dtype));
    if (b->shape.size() != 1) return c.fail("bias must be 1-D, got ", shapeStr(b->shape));
  }
  int64_t m = transpose ? w[1] * g : w[0];
  if (transpose) {
    if (x[1] != w[0]) return c.fail("input has ", x[1], " channels but weight ", shapeStr(w), " expects ", w[0]);
    if (x[1] % g) return c.fail("input channels ", x[1], " are not divisible by group ", g);
  } else {
    if (x[1] != w[1] * g)
      return c.fail("input has ", x[1], " channels but weight ", shapeStr(w), " with group ", g, " expects ", w[1] * g);
    if (m % g) return c.fail("output channels ", m, " are not divisible by group ", g);
  }
  if (const Tensor *b = c.input(2); b && b->shape[0] != m)
    return c.fail("bias has ", b->shape[0], " values but there are ", m, " output channels");
  if (auto ks = c.attrs.getInts("kernel_shape"); ks && Shape(w.begin() + 2, w.end()) != *ks)
    return c.fail("kernel_shape ", joinInts(*ks), " does not match the weight ", shapeStr(w));
  return Status::success();
}

Status inferConv(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = convChecks(c, false); !st) return st;
  const Shape &x = c.in[0]->shape, &w = c.in[1]->shape;
  Window win;
  if (Status st = resolveWindow(c, Shape(x.begin() + 2, x.end()), Shape(w.begin() + 2, w.end()), false, win); !st)
    return st;
  Shape out{x[0], w[0]};
  for (size_t i = 3 - (x.size() - 2); i < 3; ++i) out.push_back(win.out[i]);
  s.push_back(out);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

Status runConv(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &xs = c.in[0]->shape, &ws = c.in[1]->shape;
  Window w;
  resolveWindow(c, Shape(xs.begin() + 2, xs.end()), Shape(ws.begin() + 2, ws.end()), false, w);
  int64_t N = xs[0], Cin = xs[1], M = ws[0], G = c.attrs.getInt("group", 1), Cg = Cin / G, Mg = M / G;
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadD<T>(*c.in[0]), wt = loadD<T>(*c.in[1]), b;
    if (c.input(2)) b = loadD<T>(*c.in[2]);
    int64_t inPlane = w.in[0] * w.in[1] * w.in[2], outPlane = w.out[0] * w.out[1] * w.out[2];
    int64_t kVol = w.k[0] * w.k[1] * w.k[2];
    std::vector<D> y((size_t)(N * M * outPlane), 0.0);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t m = 0; m < M; ++m) {
        int64_t g = m / Mg;
        D *yp = y.data() + (n * M + m) * outPlane;
        if (!b.empty()) std::fill(yp, yp + outPlane, b[m]);
        for (int64_t ic = 0; ic < Cg; ++ic) {
          const D *xp = x.data() + (n * Cin + g * Cg + ic) * inPlane;
          const D *wp = wt.data() + (m * Cg + ic) * kVol;
          for (int64_t kd = 0; kd < w.k[0]; ++kd)
            for (int64_t kh = 0; kh < w.k[1]; ++kh)
              for (int64_t kw = 0; kw < w.k[2]; ++kw) {
                D wv = wp[(kd * w.k[1] + kh) * w.k[2] + kw];
                int64_t offW = kw * w.d[2] - w.pb[2], sw = w.s[2];
                // ow with 0 <= ow * sw + offW < in[2]
                int64_t lo = offW < 0 ? (-offW + sw - 1) / sw : 0;
                int64_t hi = w.in[2] - offW > 0 ? (w.in[2] - offW + sw - 1) / sw : 0;
                hi = std::min(hi, w.out[2]);
                if (lo >= hi) continue;
                for (int64_t od = 0; od < w.out[0]; ++od) {
                  int64_t id = od * w.s[0] - w.pb[0] + kd * w.d[0];
                  if (id < 0 || id >= w.in[0]) continue;
                  for (int64_t oh = 0; oh < w.out[1]; ++oh) {
                    int64_t ih = oh * w.s[1] - w.pb[1] + kh * w.d[1];
                    if (ih < 0 || ih >= w.in[1]) continue;
                    const D *xr = xp + (id * w.in[1] + ih) * w.in[2] + offW;
                    D *yr = yp + (od * w.out[1] + oh) * w.out[2];
                    if (sw == 1)
                      for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += wv * xr[ow];
                    else
                      for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += wv * xr[ow * sw];
                  }
                }
              }
        }
      }
    storeD<T>(y, o[0]);
    return Status::success();
  });
}

/// conv_transpose geometry: output size and begin pad per (promoted) dim.
Status convTransposeGeometry(const OpCtx &c, Window &w) {
  const Shape &x = c.in[0]->shape, &wt = c.in[1]->shape;
  size_t n = x.size() - 2;
  if (n > 3) return c.fail("more than 3 spatial dims are not supported by the reference backend");
  Shape strides, dil, pads;
  if (Status st = windowAttrs(c, n, strides, dil, pads); !st) return st;
  auto op = c.attrs.getInts("output_padding");
  auto os = c.attrs.getInts("output_shape");
  if (op && op->size() != n) return c.fail("output_padding has ", op->size(), " values but the op has ", n, " spatial dims");
  if (os && os->size() != n) return c.fail("output_shape has ", os->size(), " values but the op has ", n, " spatial dims");
  std::string ap = c.attrs.getString("auto_pad", "NOTSET");
  size_t o = 3 - n;
  for (size_t i = 0; i < n; ++i) {
    int64_t in = x[i + 2], k = wt[i + 2], s = strides[i], dl = dil[i], opad = op ? (*op)[i] : 0;
    if (opad < 0) return c.fail("output_padding must be non-negative, got ", opad);
    if (opad >= s && opad >= dl) return c.fail("output_padding ", opad, " must be smaller than the stride or the dilation");
    int64_t full = s * (in - 1) + opad + (k - 1) * dl + 1;
    int64_t out, pb;
    if (os || ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      out = os ? (*os)[i] : in * s;
      if (out <= 0) return c.fail("output_shape must be positive, got ", out);
      int64_t total = full - out;
      // ONNX: SAME_UPPER puts the smaller half first; otherwise the larger.
      pb = ap == "SAME_UPPER" ? total / 2 : total - total / 2;
      if (total < 0) pb = ap == "SAME_UPPER" ? -((-total) - (-total) / 2) : -((-total) / 2);
    } else {
      int64_t pe = 0;
      pb = 0;
      if (ap == "NOTSET") { pb = pads[i]; pe = pads[i + n]; }
      out = full - pb - pe;
      if (out <= 0) return c.fail("spatial dim ", i, " would have size ", out);
    }
    w.in[o + i] = in; w.k[o + i] = k; w.s[o + i] = s; w.d[o + i] = dl; w.pb[o + i] = pb; w.out[o + i] = out;
  }
  return Status::success();
}

Status inferConvTranspose(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = convChecks(c, true); !st) return st;
  Window w;
  if (Status st = convTransposeGeometry(c, w); !st) return st;
  const Shape &x = c.in[0]->shape;
  Shape out{x[0], c.in[1]->shape[1] * c.attrs.getInt("group", 1)};
  for (size_t i = 3 - (x.size() - 2); i < 3; ++i) out.push_back(w.out[i]);
  s.push_back(out);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

Status runConvTranspose(const OpCtx &c, std::vector<Tensor> &o) {
  Window w;
  convTransposeGeometry(c, w);
  const Shape &xs = c.in[0]->shape, &ws = c.in[1]->shape;
  int64_t N = xs[0], Cin = xs[1], G = c.attrs.getInt("group", 1), Cg = Cin / G, Mg = ws[1], M = Mg * G;
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadD<T>(*c.in[0]), wt = loadD<T>(*c.in[1]), b;
    if (c.input(2)) b = loadD<T>(*c.in[2]);
    int64_t inPlane = w.in[0] * w.in[1] * w.in[2], outPlane = w.out[0] * w.out[1] * w.out[2];
    int64_t kVol = w.k[0] * w.k[1] * w.k[2];
    std::vector<D> y((size_t)(N * M * outPlane), 0.0);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t m = 0; m < M; ++m) {
        int64_t g = m / Mg, mo = m % Mg;
        D *yp = y.data() + (n * M + m) * outPlane;
        if (!b.empty()) std::fill(yp, yp + outPlane, b[m]);
        for (int64_t ic = 0; ic < Cg; ++ic) {
          int64_t ch = g * Cg + ic;
          const D *xp = x.data() + (n * Cin + ch) * inPlane;
          const D *wp = wt.data() + (ch * Mg + mo) * kVol;
          for (int64_t kd = 0; kd < w.k[0]; ++kd)
            for (int64_t kh = 0; kh < w.k[1]; ++kh)
              for (int64_t kw = 0; kw < w.k[2]; ++kw) {
                D wv = wp[(kd * w.k[1] + kh) * w.k[2] + kw];
                for (int64_t id = 0; id < w.in[0]; ++id) {
                  int64_t od = id * w.s[0] + kd * w.d[0] - w.pb[0];
                  if (od < 0 || od >= w.out[0]) continue;
                  for (int64_t ih = 0; ih < w.in[1]; ++ih) {
                    int64_t oh = ih * w.s[1] + kh * w.d[1] - w.pb[1];
                    if (oh < 0 || oh >= w.out[1]) continue;
                    const D *xr = xp + (id * w.in[1] + ih) * w.in[2];
                    D *yr = yp + (od * w.out[1] + oh) * w.out[2];
                    for (int64_t iw = 0; iw < w.in[2]; ++iw) {
                      int64_t ow = iw * w.s[2] + kw * w.d[2] - w.pb[2];
                      if (ow >= 0 && ow < w.out[2]) yr[ow] += wv * xr[iw];
                    }
                  }
                }
              }
        }
      }
    storeD<T>(y, o[0]);
    return Status::success();
  });
}

// --- matmul, gemm, linear ----------------------------------------------------

/// Loads any numeric tensor into an accumulator type: double for floats,
/// uint64 (wrap-around) for integers.
template <class T, class A> std::vector<A> loadAcc(const Tensor &t) {
  int64_t n = t.numElements();
  std::vector<A> v((size_t)n);
  const T *p = ptr<T>(t);
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (isFloatT<T>) v[i] = (A)ld(p[i]);
    else v[i] = (A)(uint64_t)p[i];
  }
  return v;
}
template <class T, class A> void storeAcc(const std::vector<A> &v, Tensor &t) {
  T *p = ptr<T>(t);
  for (size_t i = 0; i < v.size(); ++i) {
    if constexpr (isFloatT<T>) p[i] = st<T>((AccT<T>)v[i]);
    else p[i] = (T)v[i];
  }
}
template <class T> using AccOf = std::conditional_t<isFloatT<T>, double, uint64_t>;

Status matmulShapes(const OpCtx &c, Shape &ls, Shape &rs, Shape &batch, Shape &out) {
  if (Status st = requireNumeric(c, 0, "lhs"); !st) return st;
  if (Status st = requireSameType(c, 0, 1, "operand"); !st) return st;
  ls = c.in[0]->shape;
  rs = c.in[1]->shape;
  if (ls.empty() || rs.empty())
    return c.fail("operands must have rank >= 1, got ", shapeStr(ls), " and ", shapeStr(rs));
  bool lv = ls.size() == 1, rv = rs.size() == 1;
  if (lv) ls.insert(ls.begin(), 1);
  if (rv) rs.push_back(1);
  if (ls.back() != rs[rs.size() - 2])
    return c.fail("contraction dims differ: lhs ", shapeStr(c.in[0]->shape), " and rhs ", shapeStr(c.in[1]->shape));
  if (!broadcastShapes(Shape(ls.begin(), ls.end() - 2), Shape(rs.begin(), rs.end() - 2), batch))
    return c.fail("batch dims of ", shapeStr(c.in[0]->shape), " and ", shapeStr(c.in[1]->shape), " do not broadcast");
  out = batch;
  if (!lv) out.push_back(ls[ls.size() - 2]);
  if (!rv) out.push_back(rs.back());
  return Status::success();
}

Status runMatMul(const OpCtx &c, std::vector<Tensor> &o) {
  Shape ls, rs, batch, out;
  matmulShapes(c, ls, rs, batch, out);
  int64_t M = ls[ls.size() - 2], K = ls.back(), N = rs.back();
  return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    using A = AccOf<T>;
    std::vector<A> a = loadAcc<T, A>(*c.in[0]), b = loadAcc<T, A>(*c.in[1]);
    std::vector<A> y((size_t)o[0].numElements(), A(0));
    Shape lb(ls.begin(), ls.end() - 2), rb(rs.begin(), rs.end() - 2);
    forEachBroadcast(batch, {lb, rb}, [&](int64_t bi, const int64_t *off) {
      const A *ap = a.data() + off[0] * M * K, *bp = b.data() + off[1] * K * N;
      A *yp = y.data() + bi * M * N;
      for (int64_t i = 0; i < M; ++i)
        for (int64_t k = 0; k < K; ++k) {
          A av = ap[i * K + k];
          const A *br = bp + k * N;
          A *yr = yp + i * N;
          for (int64_t j = 0; j < N; ++j) yr[j] += av * br[j];
        }
    });
    storeAcc<T, A>(y, o[0]);
    return Status::success();
  });
}

Status inferGemm(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireNumeric(c, 0, "A"); !st) return st;
  if (Status st = requireSameType(c, 0, 1, "A and B"); !st) return st;
  const Shape &a = c.in[0]->shape, &b = c.in[1]->shape;
  if (a.size() != 2) return c.fail("A must be 2-D, got ", shapeStr(a));
  if (b.size() != 2) return c.fail("B must be 2-D, got ", shapeStr(b));
  bool ta = c.attrs.getInt("transA", 0), tb = c.attrs.getInt("transB", 0);
  int64_t m = a[ta ? 1 : 0], k1 = a[ta ? 0 : 1], k2 = b[tb ? 1 : 0], n = b[tb ? 0 : 1];
  if (k1 != k2) return c.fail("inner dims differ: op(A) is ", m, "x", k1, ", op(B) is ", k2, "x", n);
  if (const Tensor *cc = c.input(2)) {
    if (cc->dtype != c.in[0]->dtype) return c.fail("C has element type ", dtypeName(cc->dtype), " but A has ", dtypeName(c.in[0]->dtype));
    Shape bs;
    if (cc->shape.size() > 2 || !broadcastShapes({m, n}, cc->shape, bs) || bs != Shape{m, n})
      return c.fail("C of shape ", shapeStr(cc->shape), " does not broadcast to ", m, "x", n);
  }
  s.push_back({m, n});
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

Status runGemm(const OpCtx &c, std::vector<Tensor> &o) {
  bool ta = c.attrs.getInt("transA", 0), tb = c.attrs.getInt("transB", 0);
  double alpha = c.attrs.getFloat("alpha", 1.0), beta = c.attrs.getFloat("beta", 1.0);
  const Shape &as = c.in[0]->shape;
  int64_t M = o[0].shape[0], N = o[0].shape[1], K = ta ? as[0] : as[1];
  const Tensor *ct = c.input(2);
  return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    using A = AccOf<T>;
    std::vector<A> a = loadAcc<T, A>(*c.in[0]), b = loadAcc<T, A>(*c.in[1]), cv;
    if (ct) cv = loadAcc<T, A>(*ct);
    std::vector<A> ab((size_t)(M * N), A(0));
    for (int64_t i = 0; i < M; ++i)
      for (int64_t k = 0; k < K; ++k) {
        A av = ta ? a[k * M + i] : a[i * K + k];
        for (int64_t j = 0; j < N; ++j) ab[i * N + j] += av * (tb ? b[j * K + k] : b[k * N + j]);
      }
    std::vector<int64_t> coff;
    if (ct) forEachBroadcast({M, N}, {ct->shape}, [&](int64_t, const int64_t *off) { coff.push_back(off[0]); });
    T *y = ptr<T>(o[0]);
    for (int64_t i = 0; i < M * N; ++i) {
      if constexpr (isFloatT<T>) {
        double v = alpha * ab[i] + (ct ? beta * cv[coff[i]] : 0.0);
        y[i] = st<T>((AccT<T>)v);
      } else if (alpha == 1.0 && beta == 1.0) {
        y[i] = (T)(ab[i] + (ct ? cv[coff[i]] : 0));
      } else {
        double v = alpha * (double)(T)ab[i] + (ct ? beta * (double)(T)cv[coff[i]] : 0.0);
        y[i] = floatToInt<T>(v);
      }
    }
    return Status::success();
  });
}

Status inferLinear(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  if (Status st = requireSameType(c, 0, 1, "input and weight"); !st) return st;
  const Shape &x = c.in[0]->shape, &w = c.in[1]->shape;
  if (w.size() != 2) return c.fail("weight must be 2-D [out, in], got ", shapeStr(w));
  if (x.empty()) return c.fail("input must have rank >= 1");
  if (x.back() != w[1])
    return c.fail("input has ", x.back(), " features but weight ", shapeStr(w), " expects ", w[1]);
  if (const Tensor *b = c.input(2)) {
    if (b->dtype != c.in[0]->dtype) return c.fail("bias has element type ", dtypeName(b->dtype), " but the input has ", dtypeName(c.in[0]->dtype));
    if (b->shape != Shape{w[0]}) return c.fail("bias must be 1-D with ", w[0], " values, got ", shapeStr(b->shape));
  }
  Shape out = x;
  out.back() = w[0];
  s.push_back(out);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

Status runLinear(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &ws = c.in[1]->shape;
  int64_t N = ws[0], K = ws[1], rows = K ? c.in[0]->numElements() / K : numel(o[0].shape) / std::max<int64_t>(N, 1);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadD<T>(*c.in[0]), w = loadD<T>(*c.in[1]), b;
    if (c.input(2)) b = loadD<T>(*c.in[2]);
    std::vector<D> y((size_t)(rows * N));
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t n = 0; n < N; ++n) {
        D acc = b.empty() ? 0.0 : b[n];
        for (int64_t k = 0; k < K; ++k) acc += x[r * K + k] * w[n * K + k];
        y[r * N + n] = acc;
      }
    storeD<T>(y, o[0]);
    return Status::success();
  });
}

// --- normalization -----------------------------------------------------------

Status channelVectors(const OpCtx &c, std::initializer_list<std::pair<size_t, const char *>> vecs) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &x = c.in[0]->shape;
  if (x.size() < 2) return c.fail("input must have rank >= 2 (N, C, ...), got ", shapeStr(x));
  for (auto [i, name] : vecs) {
    const Tensor *v = c.in[i];
    if (v->dtype != c.in[0]->dtype)
      return c.fail(name, " has element type ", dtypeName(v->dtype), " but the input has ", dtypeName(c.in[0]->dtype));
    if (v->shape.size() != 1) return c.fail(name, " must be 1-D, got ", shapeStr(v->shape));
    if (v->shape[0] != x[1]) return c.fail(name, " has ", v->shape[0], " values but the input has ", x[1], " channels");
  }
  return Status::success();
}

Status sameAsInput(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  s.push_back(c.in[0]->shape);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

/// Normalizes each of `groups` contiguous runs of `len` values in place.
void normalizeRuns(std::vector<D> &x, int64_t groups, int64_t len, double eps) {
  for (int64_t g = 0; g < groups; ++g) {
    D *p = x.data() + g * len;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < len; ++i) mean += p[i];
    mean /= (double)len;
    for (int64_t i = 0; i < len; ++i) var += (p[i] - mean) * (p[i] - mean);
    var /= (double)len;
    double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < len; ++i) p[i] = (p[i] - mean) * inv;
  }
}

Status runBatchNorm(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &xs = c.in[0]->shape;
  int64_t C = xs[1], spatial = 1;
  for (size_t i = 2; i < xs.size(); ++i) spatial *= xs[i];
  double eps = c.attrs.getFloat("epsilon", 1e-5);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadD<T>(*c.in[0]), sc = loadD<T>(*c.in[1]), bi = loadD<T>(*c.in[2]),
                   mu = loadD<T>(*c.in[3]), var = loadD<T>(*c.in[4]);
    for (size_t k = 0; k < x.size(); ++k) {
      int64_t ch = ((int64_t)k / spatial) % C;
      x[k] = (x[k] - mu[ch]) / std::sqrt(var[ch] + eps) * sc[ch] + bi[ch];
    }
    storeD<T>(x, o[0]);
    return Status::success();
  });
}

Status groupNormLike(const OpCtx &c, std::vector<Tensor> &o, int64_t groups) {
  const Shape &xs = c.in[0]->shape;
  int64_t N = xs[0], C = xs[1], spatial = 1;
  for (size_t i = 2; i < xs.size(); ++i) spatial *= xs[i];
  double eps = c.attrs.getFloat("epsilon", 1e-5);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadD<T>(*c.in[0]), sc = loadD<T>(*c.in[1]), bi = loadD<T>(*c.in[2]);
    if (N * C * spatial > 0) normalizeRuns(x, N * groups, C / groups * spatial, eps);
    for (size_t k = 0; k < x.size(); ++k) {
      int64_t ch = ((int64_t)k / spatial) % C;
      x[k] = x[k] * sc[ch] + bi[ch];
    }
    storeD<T>(x, o[0]);
    return Status::success();
  });
}

Status inferLayerNorm(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &x = c.in[0]->shape;
  int64_t rank = (int64_t)x.size(), axis, a = c.attrs.getInt("axis", -1);
  if (!c.axis(a, rank, axis))
    return c.fail("axis ", a, " is out of range for rank ", rank, " (expected [", -rank, ", ", rank, "))");
  Shape norm(x.begin() + axis, x.end());
  for (size_t i = 1; i < 3; ++i) {
    const Tensor *p = c.input(i);
    if (!p) continue;
    if (p->dtype != c.in[0]->dtype) return c.fail("scale and bias must have the input's element type ", dtypeName(c.in[0]->dtype));
    Shape b;
    if (!broadcastShapes(norm, p->shape, b) || b != norm)
      return c.fail(i == 1 ? "scale" : "bias", " of shape ", shapeStr(p->shape), " does not broadcast to the normalized dims ",
                    shapeStr(norm));
  }
  return sameAsInput(c, s, t);
}

Status runLayerNorm(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &xs = c.in[0]->shape;
  int64_t axis;
  c.axis(c.attrs.getInt("axis", -1), (int64_t)xs.size(), axis);
  Shape norm(xs.begin() + axis, xs.end());
  int64_t len = numel(norm), rows = len ? c.in[0]->numElements() / len : 0;
  double eps = c.attrs.getFloat("epsilon", 1e-5);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadD<T>(*c.in[0]), sc = loadD<T>(*c.in[1]), bi;
    if (c.input(2)) bi = loadD<T>(*c.in[2]);
    normalizeRuns(x, rows, len, eps);
    // scale/bias broadcast over the normalized dims
    std::vector<int64_t> so, bo;
    forEachBroadcast(norm, {c.in[1]->shape}, [&](int64_t, const int64_t *off) { so.push_back(off[0]); });
    if (!bi.empty()) forEachBroadcast(norm, {c.in[2]->shape}, [&](int64_t, const int64_t *off) { bo.push_back(off[0]); });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t i = 0; i < len; ++i) {
        D &v = x[r * len + i];
        v = v * sc[so[i]] + (bi.empty() ? 0.0 : bi[bo[i]]);
      }
    storeD<T>(x, o[0]);
    return Status::success();
  });
}

// --- pooling ---------------------------------------------------------------

Status inferPool(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t, Window *wout = nullptr) {
  if (Status st = requireFloat(c, 0); !st) return st;
  auto ks = c.attrs.getInts("kernel_shape");
  if (!ks) return c.fail("needs the kernel_shape attribute");
  const Shape &x = c.in[0]->shape;
  if (x.size() != ks->size() + 2)
    return c.fail("kernel_shape has ", ks->size(), " dims, so the input must have rank ", ks->size() + 2, ", got ", shapeStr(x));
  for (int64_t k : *ks)
    if (k <= 0) return c.fail("kernel_shape must be positive, got ", k);
  Window w;
  if (Status st = resolveWindow(c, Shape(x.begin() + 2, x.end()), *ks, c.attrs.getInt("ceil_mode", 0) != 0, w); !st)
    return st;
  Shape out{x[0], x[1]};
  for (size_t i = 3 - ks->size(); i < 3; ++i) out.push_back(w.out[i]);
  s.push_back(out);
  t.push_back(c.in[0]->dtype);
  if (wout) *wout = w;
  return Status::success();
}

Status runPool(const OpCtx &c, std::vector<Tensor> &o, bool isMax) {
  std::vector<Shape> s;
  std::vector<DType> t;
  Window w;
  inferPool(c, s, t, &w);
  bool includePad = c.attrs.getInt("count_include_pad", 0) != 0;
  int64_t NC = c.in[0]->shape[0] * c.in[0]->shape[1];
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadD<T>(*c.in[0]);
    int64_t inPlane = w.in[0] * w.in[1] * w.in[2], outPlane = w.out[0] * w.out[1] * w.out[2];
    std::vector<D> y((size_t)(NC * outPlane));
    for (int64_t p = 0; p < NC; ++p)
      for (int64_t od = 0; od < w.out[0]; ++od)
        for (int64_t oh = 0; oh < w.out[1]; ++oh)
          for (int64_t ow = 0; ow < w.out[2]; ++ow) {
            D acc = isMax ? -std::numeric_limits<D>::infinity() : 0.0;
            int64_t count = 0, padded = 0;
            int64_t o3[3] = {od, oh, ow};
            for (int64_t kd = 0; kd < w.k[0]; ++kd)
              for (int64_t kh = 0; kh < w.k[1]; ++kh)
                for (int64_t kw = 0; kw < w.k[2]; ++kw) {
                  int64_t kk[3] = {kd, kh, kw}, pos[3];
                  bool inPad = false, outside = false;
                  for (int i = 0; i < 3; ++i) {
                    pos[i] = o3[i] * w.s[i] - w.pb[i] + kk[i] * w.d[i];
                    if (pos[i] < 0 || pos[i] >= w.in[i]) {
                      inPad = true;
                      // Past the declared pads (ceil mode's extra window) never counts.
                      if (pos[i] < -w.pb[i] || pos[i] >= w.in[i] + w.pe[i]) outside = true;
                    }
                  }
                  if (outside) continue;
                  if (inPad) { ++padded; continue; }
                  D v = x[p * inPlane + (pos[0] * w.in[1] + pos[1]) * w.in[2] + pos[2]];
                  ++count;
                  if (isMax) { if (std::isnan(v) || v > acc) acc = std::isnan(acc) ? acc : v; }
                  else acc += v;
                }
            if (!isMax) acc /= (D)(includePad ? count + padded : count);
            y[p * outPlane + (od * w.out[1] + oh) * w.out[2] + ow] = acc;
          }
    storeD<T>(y, o[0]);
    return Status::success();
  });
}

Status inferGlobalPool(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &x = c.in[0]->shape;
  if (x.size() < 3) return c.fail("input must have rank >= 3 (N, C, spatial...), got ", shapeStr(x));
  Shape out{x[0], x[1]};
  out.resize(x.size(), 1);
  s.push_back(out);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

Status runGlobalPool(const OpCtx &c, std::vector<Tensor> &o, bool isMax) {
  const Shape &xs = c.in[0]->shape;
  int64_t NC = xs[0] * xs[1], plane = 1;
  for (size_t i = 2; i < xs.size(); ++i) plane *= xs[i];
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<D> x = loadD<T>(*c.in[0]), y((size_t)NC);
    for (int64_t p = 0; p < NC; ++p) {
      D acc = isMax ? -std::numeric_limits<D>::infinity() : 0.0;
      for (int64_t i = 0; i < plane; ++i) {
        D v = x[p * plane + i];
        if (isMax) { if (std::isnan(v) || v > acc) acc = std::isnan(acc) ? acc : v; }
        else acc += v;
      }
      y[p] = isMax ? acc : acc / (D)plane;
    }
    storeD<T>(y, o[0]);
    return Status::success();
  });
}

} // namespace

void registerNN(Registry &reg) {
  reg["conv"] = OpDef{2, 3, inferConv, runConv};
  reg["conv_transpose"] = OpDef{2, 3, inferConvTranspose, runConvTranspose};
  reg["matmul"] = OpDef{2, 2,
                        [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                          Shape ls, rs, batch, out;
                          if (Status st = matmulShapes(c, ls, rs, batch, out); !st) return st;
                          s.push_back(out);
                          t.push_back(c.in[0]->dtype);
                          return Status::success();
                        },
                        runMatMul};
  reg["gemm"] = OpDef{2, 3, inferGemm, runGemm};
  reg["linear"] = OpDef{2, 3, inferLinear, runLinear};
  reg["batch_norm"] = OpDef{5, 5,
                            [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                              if (Status st = channelVectors(c, {{1, "scale"}, {2, "bias"}, {3, "mean"}, {4, "variance"}}); !st)
                                return st;
                              return sameAsInput(c, s, t);
                            },
                            runBatchNorm};
  reg["instance_norm"] = OpDef{3, 3,
                               [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                                 if (Status st = channelVectors(c, {{1, "scale"}, {2, "bias"}}); !st) return st;
                                 return sameAsInput(c, s, t);
                               },
                               [](const OpCtx &c, std::vector<Tensor> &o) { return groupNormLike(c, o, c.in[0]->shape[1]); }};
  reg["group_norm"] = OpDef{3, 3,
                            [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                              if (Status st = channelVectors(c, {{1, "scale"}, {2, "bias"}}); !st) return st;
                              if (!c.attrs.has("num_groups")) return c.fail("needs the num_groups attribute");
                              int64_t g = c.attrs.getInt("num_groups", 1);
                              if (g < 1) return c.fail("num_groups must be at least 1, got ", g);
                              if (c.in[0]->shape[1] % g)
                                return c.fail(c.in[0]->shape[1], " channels are not divisible into ", g, " groups");
                              return sameAsInput(c, s, t);
                            },
                            [](const OpCtx &c, std::vector<Tensor> &o) {
                              return groupNormLike(c, o, c.attrs.getInt("num_groups", 1));
                            }};
  reg["layer_norm"] = OpDef{2, 3, inferLayerNorm, runLayerNorm};
  reg["max_pool"] = OpDef{1, 1,
                          [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) { return inferPool(c, s, t); },
                          [](const OpCtx &c, std::vector<Tensor> &o) { return runPool(c, o, true); }};
  reg["average_pool"] = OpDef{1, 1,
                              [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) { return inferPool(c, s, t); },
                              [](const OpCtx &c, std::vector<Tensor> &o) { return runPool(c, o, false); }};
  reg["global_average_pool"] = OpDef{1, 1, inferGlobalPool,
                                     [](const OpCtx &c, std::vector<Tensor> &o) { return runGlobalPool(c, o, false); }};
  reg["global_max_pool"] = OpDef{1, 1, inferGlobalPool,
                                 [](const OpCtx &c, std::vector<Tensor> &o) { return runGlobalPool(c, o, true); }};
}

} // namespace kiln::ref
