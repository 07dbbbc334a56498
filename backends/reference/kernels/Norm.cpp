//===- Norm.cpp - reference kernel of kiln.lrn ----------------------------===//
//
// Local response normalization across channels with ONNX's window:
// channels [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to [0, C),
// y = x / (bias + alpha / size * sum(x^2 over the window))^beta, computed in
// float for f16/bf16/f32 and in double for f64.
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

namespace kiln::ref {
namespace {

Status inferLrn(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &x = c.in[0]->shape;
  if (x.size() < 2) return c.fail("input must have rank >= 2 (N, C, ...), got ", shapeStr(x));
  if (!c.attrs.has("size")) return c.fail("needs the size attribute");
  int64_t size = c.attrs.getInt("size", 0);
  if (size < 1) return c.fail("size must be at least 1, got ", size);
  s.push_back(x);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

Status runLrn(const OpCtx &c, std::vector<Tensor> &o) {
  const Tensor &x = *c.in[0];
  return dispatchFloat(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    using A = AccT<T>;
    const Shape &sh = x.shape;
    int64_t N = sh[0], C = sh[1], S = 1;
    for (size_t i = 2; i < sh.size(); ++i) S *= sh[i];
    int64_t size = c.attrs.getInt("size", 1), lo = (size - 1) / 2, hi = size - 1 - lo;
    A scale = A(c.attrs.getFloat("alpha", 1e-4)) / A(size);
    A beta = A(c.attrs.getFloat("beta", 0.75)), bias = A(c.attrs.getFloat("bias", 1.0));
    const T *in = ptr<T>(x);
    T *out = ptr<T>(o[0]);
    std::vector<A> sum((size_t)S);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t ch = 0; ch < C; ++ch) {
        std::fill(sum.begin(), sum.end(), A(0));
        for (int64_t i = std::max<int64_t>(0, ch - lo); i <= std::min(C - 1, ch + hi); ++i) {
          const T *p = in + (n * C + i) * S;
          for (int64_t s = 0; s < S; ++s) {
            A v = ld(p[s]);
            sum[(size_t)s] += v * v;
          }
        }
        const T *p = in + (n * C + ch) * S;
        T *q = out + (n * C + ch) * S;
        for (int64_t s = 0; s < S; ++s)
          q[s] = st<T>(ld(p[s]) / std::pow(bias + scale * sum[(size_t)s], beta));
      }
    return Status::success();
  });
}

} // namespace

void registerNorm(Registry &reg) { reg["lrn"] = OpDef{1, 1, inferLrn, runLrn}; }

} // namespace kiln::ref
