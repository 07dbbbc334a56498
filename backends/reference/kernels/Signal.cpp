//===- Signal.cpp - dft, stft, det, col2im (ONNX semantics) ---------------===//
//
// Kernels of ir/include/kiln/ir/KilnSignalOps.td. Transforms are direct
// O(n^2) sums in double (exact enough for an oracle; no FFT). Complex
// tensors are [..., 2] (real, imag).
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

namespace kiln::ref {
namespace {

Status result(std::vector<Shape> &s, std::vector<DType> &t, Shape shape, DType type) {
  s.push_back(std::move(shape));
  t.push_back(type);
  return Status::success();
}

bool absent(const Tensor *t) { return !t || (t->shape.size() == 1 && t->shape[0] == 0); }

/// A scalar integer operand (0-D or one element); `present` false when empty.
Status scalarInt(const OpCtx &c, size_t i, const char *what, int64_t &v, bool &present) {
  const Tensor *t = c.input(i);
  present = !absent(t);
  if (!present) return Status::success();
  if (t->shape.size() > 1 || t->numElements() != 1)
    return c.fail(what, " must be a scalar (0-D or one element), got shape ", shapeStr(t->shape));
  std::vector<int64_t> vals;
  if (Status st = c.readInts(i, what, vals); !st) return st;
  v = vals[0];
  return Status::success();
}

std::vector<double> loadD(const Tensor &t) {
  std::vector<double> v;
  dispatchFloat(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    v = loadAs<T, double>(t);
    return Status::success();
  });
  return v;
}
Status storeD(const std::vector<double> &v, Tensor &t) {
  return dispatchFloat(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    storeFrom<T, double>(v, t);
    return Status::success();
  });
}

// --- dft --------------------------------------------------------------------

struct DftGeom {
  int64_t axis, in, n, out; // in: input length along axis; n: transform length; out: output length
  bool inverse, onesided;
};
Status dftGeom(const OpCtx &c, DftGeom &g) {
  const Shape &x = c.in[0]->shape;
  int64_t r = (int64_t)x.size();
  if (r < 2 || (x.back() != 1 && x.back() != 2))
    return c.fail("input must be [..., 1] (real) or [..., 2] (complex), got shape ", shapeStr(x));
  if (Status st = requireFloat(c, 0); !st) return st;
  int64_t a, len;
  bool has;
  if (Status st = scalarInt(c, 2, "axis", a, has); !st) return st;
  if (!has) return c.fail("axis is required");
  g.axis = a < 0 ? a + r : a;
  if (g.axis < 0 || g.axis >= r - 1) return c.fail("axis ", a, " must be in [", -r, ", -2] or [0, ", r - 2, "] for rank ", r);
  g.inverse = c.attrs.getInt("inverse", 0) != 0;
  g.onesided = c.attrs.getInt("onesided", 0) != 0;
  g.in = x[g.axis];
  if (Status st = scalarInt(c, 1, "dft_length", len, has); !st) return st;
  if (has && len < 1) return c.fail("dft_length must be positive, got ", len);
  g.n = has ? len : (g.inverse && g.onesided ? 2 * (g.in - 1) : g.in);
  if (g.n < 1) return c.fail("the transform length must be positive, got ", g.n);
  g.out = !g.inverse && g.onesided ? g.n / 2 + 1 : g.n;
  return Status::success();
}
Status inferDft(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  DftGeom g;
  if (Status st = dftGeom(c, g); !st) return st;
  Shape out = c.in[0]->shape;
  out[g.axis] = g.out;
  out.back() = g.inverse && g.onesided ? 1 : 2;
  return result(s, t, out, c.in[0]->dtype);
}
Status runDft(const OpCtx &c, std::vector<Tensor> &o) {
  DftGeom g;
  if (Status st = dftGeom(c, g); !st) return st;
  const Shape &x = c.in[0]->shape;
  int64_t comps = x.back(), outComps = o[0].shape.back();
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < g.axis; ++i) outer *= x[i];
  for (size_t i = (size_t)g.axis + 1; i + 1 < x.size(); ++i) inner *= x[i];
  std::vector<double> in = loadD(*c.in[0]), out((size_t)o[0].numElements(), 0.0);
  const double sign = g.inverse ? 1.0 : -1.0, scale = g.inverse ? 1.0 / (double)g.n : 1.0;
  std::vector<double> re((size_t)g.n), im((size_t)g.n);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t b = 0; b < inner; ++b) {
      // The input along the axis, zero-padded or truncated to n.
      std::fill(re.begin(), re.end(), 0.0);
      std::fill(im.begin(), im.end(), 0.0);
      for (int64_t k = 0; k < std::min(g.in, g.n); ++k) {
        const double *p = &in[((a * g.in + k) * inner + b) * comps];
        re[k] = p[0];
        im[k] = comps == 2 ? p[1] : 0.0;
      }
      for (int64_t j = 0; j < g.out; ++j) {
        double sr = 0, si = 0;
        if (g.inverse && g.onesided) {
          // Real signal from a half spectrum (numpy irfft): X[n-k] = conj(X[k]).
          int64_t half = g.n / 2;
          for (int64_t k = 0; k <= half && k < g.n; ++k) {
            double th = 2 * M_PI * (double)((k * j) % g.n) / (double)g.n;
            double v = re[k] * std::cos(th) - im[k] * std::sin(th);
            bool self = k == 0 || (g.n % 2 == 0 && k == half);
            sr += self ? (k == 0 ? re[0] : re[k] * std::cos(th)) : 2 * v;
          }
        } else {
          for (int64_t k = 0; k < g.n; ++k) {
            double th = sign * 2 * M_PI * (double)((k * j) % g.n) / (double)g.n;
            double cs = std::cos(th), sn = std::sin(th);
            sr += re[k] * cs - im[k] * sn;
            si += re[k] * sn + im[k] * cs;
          }
        }
        double *q = &out[((a * g.out + j) * inner + b) * outComps];
        q[0] = sr * scale;
        if (outComps == 2) q[1] = si * scale;
      }
    }
  return storeD(out, o[0]);
}

// --- stft -------------------------------------------------------------------

struct StftGeom {
  int64_t batch, length, comps, step, fl, frames, bins;
  bool hasWindow;
};
Status stftGeom(const OpCtx &c, StftGeom &g) {
  const Shape &x = c.in[0]->shape;
  if (x.size() != 3 || (x[2] != 1 && x[2] != 2))
    return c.fail("signal must be [batch, length, 1|2], got shape ", shapeStr(x));
  if (Status st = requireFloat(c, 0, "signal"); !st) return st;
  g.batch = x[0];
  g.length = x[1];
  g.comps = x[2];
  bool has;
  if (Status st = scalarInt(c, 1, "frame_step", g.step, has); !st) return st;
  if (!has || g.step < 1) return c.fail("frame_step must be a positive scalar");
  g.hasWindow = !absent(c.input(2));
  if (g.hasWindow) {
    if (Status st = requireFloat(c, 2, "window"); !st) return st;
    if (c.in[2]->shape.size() != 1) return c.fail("window must be 1-D, got shape ", shapeStr(c.in[2]->shape));
  }
  if (Status st = scalarInt(c, 3, "frame_length", g.fl, has); !st) return st;
  if (!has) {
    if (!g.hasWindow) return c.fail("needs a window or a frame_length");
    g.fl = c.in[2]->shape[0];
  }
  if (g.hasWindow && c.in[2]->shape[0] != g.fl)
    return c.fail("window has ", c.in[2]->shape[0], " entries but frame_length is ", g.fl);
  if (g.fl < 1 || g.fl > g.length)
    return c.fail("frame_length ", g.fl, " must be in [1, ", g.length, "] (the signal length)");
  g.frames = 1 + (g.length - g.fl) / g.step;
  g.bins = c.attrs.getInt("onesided", 1) != 0 ? g.fl / 2 + 1 : g.fl;
  return Status::success();
}
Status inferStft(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  StftGeom g;
  if (Status st = stftGeom(c, g); !st) return st;
  return result(s, t, {g.batch, g.frames, g.bins, 2}, c.in[0]->dtype);
}
Status runStft(const OpCtx &c, std::vector<Tensor> &o) {
  StftGeom g;
  if (Status st = stftGeom(c, g); !st) return st;
  std::vector<double> x = loadD(*c.in[0]), w = g.hasWindow ? loadD(*c.in[2]) : std::vector<double>((size_t)g.fl, 1.0);
  std::vector<double> out((size_t)o[0].numElements());
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t f = 0; f < g.frames; ++f)
      for (int64_t j = 0; j < g.bins; ++j) {
        double sr = 0, si = 0;
        for (int64_t k = 0; k < g.fl; ++k) {
          const double *p = &x[((b * g.length) + f * g.step + k) * g.comps];
          double re = p[0] * w[k], im = g.comps == 2 ? p[1] * w[k] : 0.0;
          double th = -2 * M_PI * (double)((k * j) % g.fl) / (double)g.fl;
          sr += re * std::cos(th) - im * std::sin(th);
          si += re * std::sin(th) + im * std::cos(th);
        }
        double *q = &out[(((b * g.frames) + f) * g.bins + j) * 2];
        q[0] = sr;
        q[1] = si;
      }
  return storeD(out, o[0]);
}

// --- det --------------------------------------------------------------------

Status inferDet(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &x = c.in[0]->shape;
  if (x.size() < 2 || x[x.size() - 1] != x[x.size() - 2])
    return c.fail("input must hold square matrices in its last two dims, got shape ", shapeStr(x));
  return result(s, t, Shape(x.begin(), x.end() - 2), c.in[0]->dtype);
}
Status runDet(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &x = c.in[0]->shape;
  int64_t n = x.back(), count = numel(Shape(x.begin(), x.end() - 2));
  std::vector<double> in = loadD(*c.in[0]), out((size_t)count);
  std::vector<double> m((size_t)(n * n));
  for (int64_t b = 0; b < count; ++b) {
    std::copy(in.begin() + b * n * n, in.begin() + (b + 1) * n * n, m.begin());
    double det = 1;
    for (int64_t col = 0; col < n && det != 0; ++col) { // LU with partial pivoting
      int64_t piv = col;
      for (int64_t r = col + 1; r < n; ++r)
        if (std::fabs(m[r * n + col]) > std::fabs(m[piv * n + col])) piv = r;
      if (m[piv * n + col] == 0) { det = 0; break; }
      if (piv != col) {
        for (int64_t k = 0; k < n; ++k) std::swap(m[piv * n + k], m[col * n + k]);
        det = -det;
      }
      double d = m[col * n + col];
      det *= d;
      for (int64_t r = col + 1; r < n; ++r) {
        double f = m[r * n + col] / d;
        for (int64_t k = col; k < n; ++k) m[r * n + k] -= f * m[col * n + k];
      }
    }
    out[b] = det;
  }
  return storeD(out, o[0]);
}

// --- col2im -----------------------------------------------------------------

struct Col2ImGeom {
  int64_t N, C, L, r;
  std::vector<int64_t> img, blk, dil, str, pads, blocks;
};
Status col2imGeom(const OpCtx &c, Col2ImGeom &g) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &x = c.in[0]->shape;
  if (x.size() != 3) return c.fail("input must be [N, C * prod(block_shape), L], got shape ", shapeStr(x));
  if (Status st = c.readInts(1, "image_shape", g.img); !st) return st;
  if (Status st = c.readInts(2, "block_shape", g.blk); !st) return st;
  g.r = (int64_t)g.img.size();
  if (g.r < 1 || (int64_t)g.blk.size() != g.r)
    return c.fail("image_shape and block_shape must have the same, nonzero, length");
  g.dil = c.attrs.getInts("dilations").value_or(std::vector<int64_t>((size_t)g.r, 1));
  g.str = c.attrs.getInts("strides").value_or(std::vector<int64_t>((size_t)g.r, 1));
  g.pads = c.attrs.getInts("pads").value_or(std::vector<int64_t>((size_t)(2 * g.r), 0));
  if ((int64_t)g.dil.size() != g.r || (int64_t)g.str.size() != g.r || (int64_t)g.pads.size() != 2 * g.r)
    return c.fail("dilations and strides need ", g.r, " values and pads ", 2 * g.r);
  int64_t prod = 1, blocks = 1;
  g.blocks.clear();
  for (int64_t d = 0; d < g.r; ++d) {
    if (g.blk[d] < 1 || g.img[d] < 1 || g.dil[d] < 1 || g.str[d] < 1)
      return c.fail("image_shape, block_shape, dilations and strides must be positive");
    prod *= g.blk[d];
    int64_t span = g.dil[d] * (g.blk[d] - 1) + 1, padded = g.img[d] + g.pads[d] + g.pads[d + g.r];
    if (padded < span) return c.fail("block of span ", span, " does not fit spatial dim ", d);
    g.blocks.push_back((padded - span) / g.str[d] + 1);
    blocks *= g.blocks.back();
  }
  if (x[1] % prod != 0) return c.fail("input dim 1 (", x[1], ") is not a multiple of the block size ", prod);
  if (x[2] != blocks) return c.fail("input has ", x[2], " blocks but the geometry gives ", blocks);
  g.N = x[0];
  g.C = x[1] / prod;
  g.L = blocks;
  return Status::success();
}
Status inferCol2Im(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  Col2ImGeom g;
  if (Status st = col2imGeom(c, g); !st) return st;
  Shape out{g.N, g.C};
  out.insert(out.end(), g.img.begin(), g.img.end());
  return result(s, t, out, c.in[0]->dtype);
}
Status runCol2Im(const OpCtx &c, std::vector<Tensor> &o) {
  Col2ImGeom g;
  if (Status st = col2imGeom(c, g); !st) return st;
  std::vector<double> in = loadD(*c.in[0]), out((size_t)o[0].numElements(), 0.0);
  int64_t K = numel(g.blk), P = numel(g.img);
  Shape bs = stridesOf(g.blk), ls = stridesOf(g.blocks), is = stridesOf(g.img);
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t ch = 0; ch < g.C; ++ch)
      for (int64_t k = 0; k < K; ++k)
        for (int64_t l = 0; l < g.L; ++l) {
          int64_t off = 0;
          bool inside = true;
          for (int64_t d = 0; d < g.r && inside; ++d) {
            int64_t kd = (k / bs[d]) % g.blk[d], ld = (l / ls[d]) % g.blocks[d];
            int64_t pos = ld * g.str[d] - g.pads[d] + kd * g.dil[d];
            inside = pos >= 0 && pos < g.img[d];
            off += pos * is[d];
          }
          if (inside) out[(n * g.C + ch) * P + off] += in[((n * g.C + ch) * K + k) * g.L + l];
        }
  return storeD(out, o[0]);
}

// --- mel_weight_matrix ------------------------------------------------------

struct MelParams {
  int64_t bins, len, rate;
  double lo, hi;
};
Status melParams(const OpCtx &c, MelParams &p) {
  bool has;
  if (Status st = scalarInt(c, 0, "num_mel_bins", p.bins, has); !st) return st;
  if (Status st = scalarInt(c, 1, "dft_length", p.len, has); !st) return st;
  if (Status st = scalarInt(c, 2, "sample_rate", p.rate, has); !st) return st;
  for (size_t i = 3; i < 5; ++i) {
    const Tensor &t = *c.in[i];
    if (!isFloatType(t.dtype) || t.numElements() != 1 || t.shape.size() > 1)
      return c.fail(i == 3 ? "lower_edge_hertz" : "upper_edge_hertz", " must be a float scalar");
    (i == 3 ? p.lo : p.hi) = loadD(t)[0];
  }
  if (p.bins < 1 || p.len < 1 || p.rate < 1)
    return c.fail("num_mel_bins, dft_length and sample_rate must be positive");
  if (!(p.lo >= 0) || !(p.hi >= p.lo)) return c.fail("the band edges must satisfy 0 <= lower <= upper");
  return Status::success();
}
Status inferMel(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  MelParams p;
  if (Status st = melParams(c, p); !st) return st;
  auto to = c.attrs.getType("to");
  if (!to || !isNumericType(*to)) return c.fail("to must be a numeric element type");
  return result(s, t, {p.len / 2 + 1, p.bins}, *to);
}
Status runMel(const OpCtx &c, std::vector<Tensor> &o) {
  MelParams p;
  if (Status st = melParams(c, p); !st) return st;
  int64_t rows = p.len / 2 + 1;
  // f32 arithmetic, as the reference (numpy keeps the f32 scalars' precision).
  float lowMel = 2595.0f * std::log10(1.0f + (float)p.lo / 700.0f);
  float highMel = 2595.0f * std::log10(1.0f + (float)p.hi / 700.0f);
  float step = (highMel - lowMel) / (float)(p.bins + 2);
  std::vector<int64_t> edge((size_t)(p.bins + 2));
  for (int64_t i = 0; i < p.bins + 2; ++i) {
    float mel = (float)i * step + lowMel;
    float hz = 700.0f * (std::pow(10.0f, mel / 2595.0f) - 1.0f);
    float bin = std::floor((float)(p.len + 1) * hz / (float)p.rate);
    if (!(bin >= 0 && bin < (float)rows)) return c.fail("band edge ", i, " falls outside the ", rows, " DFT bins");
    edge[i] = (int64_t)bin;
  }
  std::vector<double> out((size_t)(rows * p.bins), 0.0);
  for (int64_t i = 0; i < p.bins; ++i) {
    int64_t l = edge[i], ce = edge[i + 1], h = edge[i + 2];
    if (ce == l) out[ce * p.bins + i] = 1;
    else
      for (int64_t j = l; j <= ce; ++j) out[j * p.bins + i] = (double)(j - l) / (double)(ce - l);
    for (int64_t j = ce; j < h; ++j) out[j * p.bins + i] = (double)(h - j) / (double)(h - ce);
  }
  return dispatchNumeric(o[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    for (size_t k = 0; k < out.size(); ++k) ptr<T>(o[0])[k] = fromDouble<T>(out[k]);
    return Status::success();
  });
}

} // namespace

void registerSignal(Registry &reg) {
  reg["mel_weight_matrix"] = OpDef{5, 5, inferMel, runMel};
  reg["dft"] = OpDef{3, 3, inferDft, runDft};
  reg["stft"] = OpDef{4, 4, inferStft, runStft};
  reg["det"] = OpDef{1, 1, inferDet, runDet};
  reg["col2im"] = OpDef{3, 3, inferCol2Im, runCol2Im};
}

} // namespace kiln::ref
