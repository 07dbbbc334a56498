//===- Detection.cpp - roi_align, max_unpool, affine_grid -----------------===//
//
// Kernels of ir/include/kiln/ir/KilnDetectionOps.td (ONNX semantics; RoiAlign
// as onnxruntime, which the ONNX reference follows).
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

// --- roi_align --------------------------------------------------------------

Status inferRoiAlign(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  if (Status st = requireFloat(c, 1, "rois"); !st) return st;
  const Shape &x = c.in[0]->shape, &r = c.in[1]->shape, &b = c.in[2]->shape;
  if (x.size() != 4) return c.fail("input must be [N, C, H, W], got shape ", shapeStr(x));
  if (r.size() != 2 || r[1] != 4) return c.fail("rois must be [num_rois, 4], got shape ", shapeStr(r));
  if (b.size() != 1 || b[0] != r[0])
    return c.fail("batch_indices must be [", r[0], "], got shape ", shapeStr(b));
  if (c.in[2]->dtype != DType::I64 && c.in[2]->dtype != DType::I32)
    return c.fail("batch_indices must be i32 or i64");
  std::string mode = c.attrs.getString("mode", "avg"),
              ct = c.attrs.getString("coordinate_transformation_mode", "half_pixel");
  if (mode != "avg" && mode != "max") return c.fail("mode must be avg or max, got '", mode, "'");
  if (ct != "half_pixel" && ct != "output_half_pixel")
    return c.fail("coordinate_transformation_mode must be half_pixel or output_half_pixel, got '", ct, "'");
  int64_t oh = c.attrs.getInt("output_height", 1), ow = c.attrs.getInt("output_width", 1);
  if (oh < 1 || ow < 1 || c.attrs.getInt("sampling_ratio", 0) < 0)
    return c.fail("output_height and output_width must be positive and sampling_ratio non-negative");
  return result(s, t, {r[0], x[1], oh, ow}, c.in[0]->dtype);
}
Status runRoiAlign(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &xs = c.in[0]->shape;
  int64_t N = xs[0], C = xs[1], H = xs[2], W = xs[3], R = c.in[1]->shape[0];
  int64_t PH = c.attrs.getInt("output_height", 1), PW = c.attrs.getInt("output_width", 1);
  int64_t ratio = c.attrs.getInt("sampling_ratio", 0);
  double scale = c.attrs.getFloat("spatial_scale", 1.0);
  bool half = c.attrs.getString("coordinate_transformation_mode", "half_pixel") == "half_pixel";
  bool maxMode = c.attrs.getString("mode", "avg") == "max";
  std::vector<double> x = loadD(*c.in[0]), rois = loadD(*c.in[1]), out((size_t)o[0].numElements());
  for (int64_t n = 0; n < R; ++n) {
    int64_t bi = c.in[2]->dtype == DType::I64 ? ptr<int64_t>(*c.in[2])[n] : ptr<int32_t>(*c.in[2])[n];
    if (bi < 0 || bi >= N) return c.fail("batch index ", bi, " of ROI ", n, " is out of range for batch ", N);
    const double *roi = &rois[n * 4];
    double off = half ? 0.5 : 0.0;
    double sw = roi[0] * scale - off, sh = roi[1] * scale - off, ew = roi[2] * scale - off, eh = roi[3] * scale - off;
    double rw = ew - sw, rh = eh - sh;
    if (!half) {
      rw = std::max(rw, 1.0);
      rh = std::max(rh, 1.0);
    }
    if (!std::isfinite(rw) || !std::isfinite(rh) || std::fabs(rw) > 1e9 || std::fabs(rh) > 1e9)
      return c.fail("ROI ", n, " has non-finite or too large coordinates");
    double bh = rh / (double)PH, bw = rw / (double)PW;
    int64_t gh = ratio > 0 ? ratio : std::max<int64_t>(0, (int64_t)std::ceil(rh / (double)PH));
    int64_t gw = ratio > 0 ? ratio : std::max<int64_t>(0, (int64_t)std::ceil(rw / (double)PW));
    double count = (double)std::max<int64_t>(gh * gw, 1);
    for (int64_t ch = 0; ch < C; ++ch) {
      const double *plane = &x[(bi * C + ch) * H * W];
      for (int64_t ph = 0; ph < PH; ++ph)
        for (int64_t pw = 0; pw < PW; ++pw) {
          double acc = 0;
          bool first = true;
          for (int64_t iy = 0; iy < gh; ++iy)
            for (int64_t ix = 0; ix < gw; ++ix) {
              double yy = sh + (double)ph * bh + ((double)iy + 0.5) * bh / (double)gh;
              double xx = sw + (double)pw * bw + ((double)ix + 0.5) * bw / (double)gw;
              double w1 = 0, w2 = 0, w3 = 0, w4 = 0;
              int64_t yl = 0, yh = 0, xl = 0, xh = 0;
              if (yy >= -1.0 && yy <= (double)H && xx >= -1.0 && xx <= (double)W) {
                double y = std::max(yy, 0.0), xv = std::max(xx, 0.0);
                yl = (int64_t)y;
                xl = (int64_t)xv;
                if (yl >= H - 1) { yh = yl = H - 1; y = (double)yl; } else yh = yl + 1;
                if (xl >= W - 1) { xh = xl = W - 1; xv = (double)xl; } else xh = xl + 1;
                double ly = y - (double)yl, lx = xv - (double)xl, hy = 1 - ly, hx = 1 - lx;
                w1 = hy * hx; w2 = hy * lx; w3 = ly * hx; w4 = ly * lx;
              }
              double v1 = w1 * plane[yl * W + xl], v2 = w2 * plane[yl * W + xh], v3 = w3 * plane[yh * W + xl],
                     v4 = w4 * plane[yh * W + xh];
              if (maxMode) {
                double m = std::max(std::max(v1, v2), std::max(v3, v4));
                acc = first ? m : std::max(acc, m);
              } else {
                acc += v1 + v2 + v3 + v4;
              }
              first = false;
            }
          out[((n * C + ch) * PH + ph) * PW + pw] = maxMode ? acc : acc / count;
        }
    }
  }
  return storeD(out, o[0]);
}

// --- max_unpool -------------------------------------------------------------

/// The result shape, and the shape max_pool's indices refer to (the default
/// result shape: with an explicit output_shape, each index's coordinates in
/// it are kept, as onnxruntime and the ONNX reference do).
Status unpoolShape(const OpCtx &c, Shape &out, Shape &inferred) {
  const Shape &x = c.in[0]->shape;
  auto kernel = c.attrs.getInts("kernel_shape");
  if (!kernel || kernel->empty()) return c.fail("kernel_shape is required");
  size_t k = kernel->size();
  if (x.size() != k + 2) return c.fail("input must have rank ", k + 2, ", got shape ", shapeStr(x));
  if (c.in[1]->shape != x) return c.fail("indices must have the input's shape ", shapeStr(x));
  if (c.in[1]->dtype != DType::I64 && c.in[1]->dtype != DType::I32) return c.fail("indices must be i32 or i64");
  auto strides = c.attrs.getInts("strides").value_or(std::vector<int64_t>(k, 1));
  auto pads = c.attrs.getInts("pads").value_or(std::vector<int64_t>(2 * k, 0));
  if (strides.size() != k || pads.size() != 2 * k) return c.fail("strides need ", k, " values and pads ", 2 * k);
  inferred = {x[0], x[1]};
  for (size_t i = 0; i < k; ++i) {
    int64_t d = (x[i + 2] - 1) * strides[i] + (*kernel)[i] - pads[i] - pads[i + k];
    if (d < 0) return c.fail("the output dim ", i, " would be negative");
    inferred.push_back(d);
  }
  out = inferred;
  const Tensor *os = c.input(2);
  if (os && os->numElements() > 0) {
    std::vector<int64_t> v;
    if (Status st = c.readInts(2, "output_shape", v); !st) return st;
    if (v.size() != k + 2) return c.fail("output_shape has ", v.size(), " entries, expected ", k + 2);
    for (int64_t d : v)
      if (d < 0) return c.fail("output_shape has a negative entry");
    out = v;
  }
  return Status::success();
}
Status inferMaxUnpool(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  Shape out, inferred;
  if (Status st = unpoolShape(c, out, inferred); !st) return st;
  return result(s, t, out, c.in[0]->dtype);
}
Status runMaxUnpool(const OpCtx &c, std::vector<Tensor> &o) {
  Shape out, inferred;
  if (Status st = unpoolShape(c, out, inferred); !st) return st;
  size_t es = dtypeSize(c.in[0]->dtype), R = out.size();
  int64_t total = numel(inferred), n = c.in[0]->numElements();
  std::memset(o[0].data, 0, (size_t)o[0].numElements() * es); // +0.0 in every float type
  Shape is = stridesOf(inferred), os = stridesOf(out);
  const char *src = ptr<char>(*c.in[0]);
  char *dst = ptr<char>(o[0]);
  for (int64_t e = 0; e < n; ++e) {
    int64_t i = c.in[1]->dtype == DType::I64 ? ptr<int64_t>(*c.in[1])[e] : ptr<int32_t>(*c.in[1])[e];
    if (i < 0 || i >= total)
      return c.fail("index ", i, " is out of range for the pooled input's ", total, " elements");
    int64_t off = 0;
    for (size_t d = 0; d < R; ++d) {
      int64_t coord = (i / is[d]) % inferred[d];
      if (coord >= out[d]) return c.fail("index ", i, " falls outside output_shape ", shapeStr(out));
      off += coord * os[d];
    }
    std::memcpy(dst + off * es, src + e * es, es);
  }
  return Status::success();
}

// --- affine_grid ------------------------------------------------------------

Status affineShape(const OpCtx &c, Shape &out, std::vector<int64_t> &size) {
  if (Status st = requireFloat(c, 0, "theta"); !st) return st;
  if (Status st = c.readInts(1, "size", size); !st) return st;
  const Shape &th = c.in[0]->shape;
  if (size.size() != 4 && size.size() != 5) return c.fail("size must have 4 or 5 entries, got ", size.size());
  int64_t r = (int64_t)size.size() - 2;
  if (th.size() != 3 || th[0] != size[0] || th[1] != r || th[2] != r + 1)
    return c.fail("theta must be [", size[0], ", ", r, ", ", r + 1, "], got shape ", shapeStr(th));
  out = {size[0]};
  for (int64_t i = 0; i < r; ++i) {
    if (size[i + 2] < 0) return c.fail("size has a negative entry");
    out.push_back(size[i + 2]);
  }
  out.push_back(r);
  return Status::success();
}
Status inferAffineGrid(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  Shape out;
  std::vector<int64_t> size;
  if (Status st = affineShape(c, out, size); !st) return st;
  return result(s, t, out, c.in[0]->dtype);
}
Status runAffineGrid(const OpCtx &c, std::vector<Tensor> &o) {
  Shape out;
  std::vector<int64_t> size;
  if (Status st = affineShape(c, out, size); !st) return st;
  bool ac = c.attrs.getInt("align_corners", 0) != 0;
  int64_t r = (int64_t)size.size() - 2, N = size[0];
  std::vector<double> th = loadD(*c.in[0]), res((size_t)o[0].numElements());
  // Normalized coordinate of element i of a dim of length len.
  auto coord = [&](int64_t i, int64_t len) {
    if (ac) return len > 1 ? -1.0 + 2.0 * (double)i / (double)(len - 1) : 0.0;
    return (2.0 * (double)i + 1.0) / (double)len - 1.0;
  };
  Shape dims(size.begin() + 2, size.end()), ds = stridesOf(dims);
  int64_t P = numel(dims);
  std::vector<double> pt((size_t)r + 1);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t p = 0; p < P; ++p) {
      // The point lists x (last dim) first: (x, y[, z], 1).
      for (int64_t d = 0; d < r; ++d) pt[r - 1 - d] = coord((p / ds[d]) % dims[d], dims[d]);
      pt[r] = 1.0;
      const double *m = &th[n * r * (r + 1)];
      for (int64_t i = 0; i < r; ++i) {
        double v = 0;
        for (int64_t j = 0; j <= r; ++j) v += m[i * (r + 1) + j] * pt[j];
        res[(n * P + p) * r + i] = v;
      }
    }
  return storeD(res, o[0]);
}

// --- deform_conv ------------------------------------------------------------

struct DeformGeom {
  int64_t N, C, H, W, OC, CG, KH, KW, OH, OW, G, OG;
  std::vector<int64_t> dil, str, pads;
};
Status deformGeom(const OpCtx &c, DeformGeom &g) {
  for (size_t i = 0; i < 5; ++i)
    if (c.input(i))
      if (Status st = requireFloat(c, i, "every input"); !st) return st;
  const Shape &x = c.in[0]->shape, &w = c.in[1]->shape, &off = c.in[2]->shape;
  if (x.size() != 4 || w.size() != 4 || off.size() != 4)
    return c.fail("input, weight and offset must have rank 4 (2-D only)");
  g.N = x[0]; g.C = x[1]; g.H = x[2]; g.W = x[3];
  g.OC = w[0]; g.CG = w[1]; g.KH = w[2]; g.KW = w[3];
  g.G = c.attrs.getInt("group", 1);
  g.OG = c.attrs.getInt("offset_group", 1);
  if (g.G < 1 || g.OG < 1 || g.C != g.CG * g.G || g.OC % g.G || g.C % g.OG)
    return c.fail("channels do not divide into group ", g.G, " and offset_group ", g.OG);
  g.dil = c.attrs.getInts("dilations").value_or(std::vector<int64_t>{1, 1});
  g.str = c.attrs.getInts("strides").value_or(std::vector<int64_t>{1, 1});
  g.pads = c.attrs.getInts("pads").value_or(std::vector<int64_t>{0, 0, 0, 0});
  if (g.dil.size() != 2 || g.str.size() != 2 || g.pads.size() != 4) return c.fail("dilations, strides or pads have the wrong length");
  g.OH = (g.H + g.pads[0] + g.pads[2] - g.dil[0] * (g.KH - 1) - 1) / g.str[0] + 1;
  g.OW = (g.W + g.pads[1] + g.pads[3] - g.dil[1] * (g.KW - 1) - 1) / g.str[1] + 1;
  if (off != Shape{g.N, g.OG * 2 * g.KH * g.KW, g.OH, g.OW})
    return c.fail("offset must have shape ", shapeStr({g.N, g.OG * 2 * g.KH * g.KW, g.OH, g.OW}), ", got ", shapeStr(off));
  const Tensor *b = c.input(3), *m = c.input(4);
  if (b && b->numElements() && b->shape != Shape{g.OC}) return c.fail("bias must have shape [", g.OC, "]");
  if (m && m->numElements() && m->shape != Shape{g.N, g.OG * g.KH * g.KW, g.OH, g.OW})
    return c.fail("mask must have shape ", shapeStr({g.N, g.OG * g.KH * g.KW, g.OH, g.OW}));
  return Status::success();
}
Status inferDeformConv(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  DeformGeom g;
  if (Status st = deformGeom(c, g); !st) return st;
  return result(s, t, {g.N, g.OC, g.OH, g.OW}, c.in[0]->dtype);
}
Status runDeformConv(const OpCtx &c, std::vector<Tensor> &o) {
  DeformGeom g;
  if (Status st = deformGeom(c, g); !st) return st;
  std::vector<double> x = loadD(*c.in[0]), w = loadD(*c.in[1]), off = loadD(*c.in[2]);
  std::vector<double> b = c.input(3) && c.in[3]->numElements() ? loadD(*c.in[3]) : std::vector<double>((size_t)g.OC, 0.0);
  std::vector<double> m = c.input(4) && c.in[4]->numElements() ? loadD(*c.in[4]) : std::vector<double>{};
  std::vector<double> out((size_t)o[0].numElements());
  auto sample = [&](const double *plane, double h, double wv) {
    if (!(h > -1 && h < (double)g.H && wv > -1 && wv < (double)g.W)) return 0.0; // NaN too
    int64_t h0 = (int64_t)std::floor(h), w0 = (int64_t)std::floor(wv);
    double lh = h - (double)h0, lw = wv - (double)w0, v = 0;
    for (int dy = 0; dy < 2; ++dy)
      for (int dx = 0; dx < 2; ++dx) {
        int64_t hh = h0 + dy, ww = w0 + dx;
        if (hh < 0 || hh >= g.H || ww < 0 || ww >= g.W) continue;
        v += (dy ? lh : 1 - lh) * (dx ? lw : 1 - lw) * plane[hh * g.W + ww];
      }
    return v;
  };
  int64_t K = g.KH * g.KW, cPerOG = g.C / g.OG, ocPerG = g.OC / g.G;
  std::vector<double> col((size_t)(g.C * K));
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t oh = 0; oh < g.OH; ++oh)
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        for (int64_t ch = 0; ch < g.C; ++ch) {
          int64_t og = ch / cPerOG;
          for (int64_t i = 0; i < g.KH; ++i)
            for (int64_t j = 0; j < g.KW; ++j) {
              int64_t k = i * g.KW + j;
              double dy = off[((n * g.OG * 2 * K + og * 2 * K + 2 * k) * g.OH + oh) * g.OW + ow];
              double dx = off[((n * g.OG * 2 * K + og * 2 * K + 2 * k + 1) * g.OH + oh) * g.OW + ow];
              double h = (double)(oh * g.str[0] - g.pads[0] + i * g.dil[0]) + dy;
              double wv = (double)(ow * g.str[1] - g.pads[1] + j * g.dil[1]) + dx;
              double v = sample(&x[(n * g.C + ch) * g.H * g.W], h, wv);
              if (!m.empty()) v *= m[((n * g.OG * K + og * K + k) * g.OH + oh) * g.OW + ow];
              col[ch * K + k] = v;
            }
        }
        for (int64_t oc = 0; oc < g.OC; ++oc) {
          int64_t grp = oc / ocPerG;
          double acc = b[oc];
          for (int64_t cc = 0; cc < g.CG; ++cc)
            for (int64_t k = 0; k < K; ++k) acc += w[(oc * g.CG + cc) * K + k] * col[(grp * g.CG + cc) * K + k];
          out[((n * g.OC + oc) * g.OH + oh) * g.OW + ow] = acc;
        }
      }
  return storeD(out, o[0]);
}

} // namespace

void registerDetection(Registry &reg) {
  reg["deform_conv"] = OpDef{5, 5, inferDeformConv, runDeformConv};
  reg["roi_align"] = OpDef{3, 3, inferRoiAlign, runRoiAlign};
  reg["max_unpool"] = OpDef{3, 3, inferMaxUnpool, runMaxUnpool};
  reg["affine_grid"] = OpDef{2, 2, inferAffineGrid, runAffineGrid};
}

} // namespace kiln::ref
