//===- Math.cpp - math, bitwise, cum_prod, bit_cast and eye_like kernels --===//
//
// The reference kernels of the ops in ir/include/kiln/ir/KilnMathOps.td.
// Float math computes in float (f16, bf16, f32) or double (f64); integer
// ops work on the bit patterns and wrap around.
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

namespace kiln::ref {
namespace {

Status inferSameAs(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t, DType dt) {
  s.push_back(c.in[0]->shape);
  t.push_back(dt);
  return Status::success();
}

template <class T, class R, class F> void mapTo(const Tensor &in, Tensor &out, F f) {
  const T *x = ptr<T>(in);
  R *y = ptr<R>(out);
  int64_t n = in.numElements();
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

/// A float unary op; EXPR computes from `x` (compute type C) and `alpha`.
template <class Fn> OpDef floatUnary(Fn fn) {
  return OpDef{1, 1,
               [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                 if (Status st = requireFloat(c, 0); !st) return st;
                 return inferSameAs(c, s, t, c.in[0]->dtype);
               },
               [fn](const OpCtx &c, std::vector<Tensor> &o) {
                 return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
                   using T = decltype(tag);
                   using C = AccT<T>;
                   mapTo<T, T>(*c.in[0], o[0], [&](T v) { return st<T>((C)fn((C)ld(v), c.attrs)); });
                   return Status::success();
                 });
               }};
}

/// A float -> bool predicate.
template <class Fn> OpDef floatPredicate(Fn fn) {
  return OpDef{1, 1,
               [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                 if (Status st = requireFloat(c, 0); !st) return st;
                 return inferSameAs(c, s, t, DType::Bool);
               },
               [fn](const OpCtx &c, std::vector<Tensor> &o) {
                 return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
                   using T = decltype(tag);
                   mapTo<T, BoolT>(*c.in[0], o[0],
                                   [&](T v) { return BoolT{(uint8_t)(fn((double)ld(v), c.attrs) ? 1 : 0)}; });
                   return Status::success();
                 });
               }};
}

Status requireInt(const OpCtx &c, size_t i, const char *what) {
  const Tensor *t = c.input(i);
  if (t && !isIntType(t->dtype))
    return c.fail(what, " must be an integer tensor, got ", dtypeName(t->dtype));
  return Status::success();
}

bool isUnsigned(DType t) {
  return t == DType::U8 || t == DType::U16 || t == DType::U32 || t == DType::U64;
}

/// Integer binary ops with numpy broadcasting; `f` sees the operands as
/// uint64 bit patterns of their type and the type's width.
template <class Fn> OpDef intBinary(Fn fn, bool unsignedOnly) {
  return OpDef{2, 2,
               [unsignedOnly](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                 if (Status st = requireInt(c, 0, "lhs"); !st) return st;
                 if (Status st = requireInt(c, 1, "rhs"); !st) return st;
                 if (Status st = requireSameType(c, 0, 1, "operand"); !st) return st;
                 if (unsignedOnly && !isUnsigned(c.in[0]->dtype))
                   return c.fail("operands must be unsigned integers, got ", dtypeName(c.in[0]->dtype));
                 Shape out;
                 if (!broadcastShapes(c.in[0]->shape, c.in[1]->shape, out))
                   return c.fail("shapes ", shapeStr(c.in[0]->shape), " and ",
                                 shapeStr(c.in[1]->shape), " do not broadcast");
                 s.push_back(out);
                 t.push_back(c.in[0]->dtype);
                 return Status::success();
               },
               [fn](const OpCtx &c, std::vector<Tensor> &o) {
                 return dispatchAmong<KILN_INT_TYPES>(c.in[0]->dtype, [&](auto tag) {
                   using T = decltype(tag);
                   using U = std::make_unsigned_t<T>;
                   const T *x = ptr<T>(*c.in[0]), *y = ptr<T>(*c.in[1]);
                   T *z = ptr<T>(o[0]);
                   constexpr unsigned bits = sizeof(T) * 8;
                   forEachBroadcast(o[0].shape, {c.in[0]->shape, c.in[1]->shape},
                                    [&](int64_t i, const int64_t *off) {
                                      z[i] = (T)(U)fn((uint64_t)(U)x[off[0]], (uint64_t)(U)y[off[1]],
                                                      bits, c.attrs);
                                    });
                   return Status::success();
                 });
               }};
}

Status readAxis(const OpCtx &c, int64_t &axis) {
  const Tensor *t = c.in[1];
  if (t->dtype != DType::I64 && t->dtype != DType::I32)
    return c.fail("axis must be an i32 or i64 scalar, got ", dtypeName(t->dtype));
  if (t->shape.size() > 1 || t->numElements() != 1)
    return c.fail("axis must be a scalar (0-D or one element), got shape ", shapeStr(t->shape));
  if (!t->data) return c.fail("the value of axis is needed but its data is not given");
  int64_t a = t->dtype == DType::I64 ? ptr<int64_t>(*t)[0] : ptr<int32_t>(*t)[0];
  int64_t rank = (int64_t)c.in[0]->shape.size();
  if (!c.axis(a, rank, axis))
    return c.fail("axis ", a, " is out of range for rank ", rank);
  return Status::success();
}

Status inferCumProd(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireNumeric(c, 0); !st) return st;
  const Tensor *ax = c.in[1];
  if (ax->dtype != DType::I64 && ax->dtype != DType::I32)
    return c.fail("axis must be an i32 or i64 scalar, got ", dtypeName(ax->dtype));
  if (ax->shape.size() > 1 || ax->numElements() != 1)
    return c.fail("axis must be a scalar (0-D or one element), got shape ", shapeStr(ax->shape));
  return inferSameAs(c, s, t, c.in[0]->dtype);
}

Status runCumProd(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t axis;
  if (Status st = readAxis(c, axis); !st) return st;
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size();
  bool excl = c.attrs.getInt("exclusive", 0) != 0, rev = c.attrs.getInt("reverse", 0) != 0;
  int64_t outer = 1, inner = 1, n = in[axis];
  for (int64_t i = 0; i < axis; ++i) outer *= in[i];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= in[i];
  return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    // Floats multiply in double; integers wrap around as numpy.
    using Acc = std::conditional_t<isFloatT<T>, double, uint64_t>;
    const T *p = ptr<T>(*c.in[0]);
    T *q = ptr<T>(o[0]);
    for (int64_t x = 0; x < outer; ++x)
      for (int64_t y = 0; y < inner; ++y) {
        Acc prod = 1;
        for (int64_t j = 0; j < n; ++j) {
          int64_t e = (x * n + (rev ? n - 1 - j : j)) * inner + y;
          Acc v;
          if constexpr (isFloatT<T>) v = (double)ld(p[e]);
          else v = (uint64_t)(int64_t)p[e];
          if (!excl) prod *= v;
          if constexpr (isFloatT<T>) q[e] = fromDouble<T>(prod);
          else q[e] = (T)prod;
          if (excl) prod *= v;
        }
      }
    return Status::success();
  });
}

Status inferBitCast(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  auto to = c.attrs.getType("to");
  if (!to) return c.fail("needs a `to` type attribute");
  if (!isKnownType(*to)) return c.fail("cannot reinterpret as an unknown element type ", (int)*to);
  if (dtypeSize(*to) != dtypeSize(c.in[0]->dtype))
    return c.fail("cannot reinterpret ", dtypeName(c.in[0]->dtype), " as ", dtypeName(*to),
                  ": the element sizes differ");
  return inferSameAs(c, s, t, *to);
}

Status runBitCast(const OpCtx &c, std::vector<Tensor> &o) {
  size_t bytes = c.in[0]->byteSize();
  if (bytes) std::memcpy(o[0].data, c.in[0]->data, bytes);
  if (o[0].dtype == DType::Bool) { // any nonzero byte is true; keep bool canonical (0/1)
    uint8_t *p = ptr<uint8_t>(o[0]);
    for (size_t i = 0; i < bytes; ++i) p[i] = p[i] != 0;
  }
  return Status::success();
}

Status inferEyeLike(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  auto dt = c.attrs.getType("dtype");
  if (!dt) return c.fail("needs a `dtype` type attribute");
  if (!isKnownType(*dt)) return c.fail("unknown element type ", (int)*dt);
  if (c.in[0]->shape.size() != 2)
    return c.fail("input must be 2-D, got shape ", shapeStr(c.in[0]->shape));
  return inferSameAs(c, s, t, *dt);
}

Status runEyeLike(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t rows = o[0].shape[0], cols = o[0].shape[1], k = c.attrs.getInt("k", 0);
  return dispatchAll(o[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    T *q = ptr<T>(o[0]);
    T zero = fromDouble<T>(0.0), one = fromDouble<T>(1.0);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) q[i * cols + j] = j - i == k ? one : zero;
    return Status::success();
  });
}

// --- max_pool_with_indices ---------------------------------------------------

struct PoolGeom {
  std::vector<int64_t> kernel, strides, dilations, padBegin, out;
};

Status poolGeometry(const OpCtx &c, PoolGeom &g) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &in = c.in[0]->shape;
  auto k = c.attrs.getInts("kernel_shape");
  if (!k) return c.fail("needs kernel_shape");
  size_t n = k->size();
  if (in.size() != n + 2)
    return c.fail("input of shape ", shapeStr(in), " needs ", (int64_t)in.size() - 2, " kernel dims, got ", n);
  g.kernel = *k;
  g.strides = c.attrs.getInts("strides").value_or(std::vector<int64_t>(n, 1));
  g.dilations = c.attrs.getInts("dilations").value_or(std::vector<int64_t>(n, 1));
  std::vector<int64_t> pads = c.attrs.getInts("pads").value_or(std::vector<int64_t>(2 * n, 0));
  if (g.strides.size() != n || g.dilations.size() != n || pads.size() != 2 * n)
    return c.fail("strides, dilations and pads must have ", n, ", ", n, " and ", 2 * n, " values");
  std::string autoPad = c.attrs.getString("auto_pad", "NOTSET");
  bool ceil = c.attrs.getInt("ceil_mode", 0) != 0;
  g.padBegin.assign(n, 0);
  g.out.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = in[i + 2], kk = g.kernel[i], s = g.strides[i], d = g.dilations[i];
    if (kk <= 0 || s <= 0 || d <= 0) return c.fail("kernel_shape, strides and dilations must be positive");
    int64_t eff = (kk - 1) * d + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t o = (x + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (o - 1) * s + eff - x);
      g.padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g.out[i] = o;
      continue;
    }
    int64_t pb = autoPad == "VALID" ? 0 : pads[i], pe = autoPad == "VALID" ? 0 : pads[i + n];
    if (autoPad != "VALID" && autoPad != "NOTSET")
      return c.fail("auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '", autoPad, "'");
    int64_t span = x + pb + pe - eff;
    if (span < 0) return c.fail("window of size ", kk, " does not fit spatial dim ", i, " of size ", x);
    int64_t o = ceil ? (span + s - 1) / s + 1 : span / s + 1;
    if (ceil && (o - 1) * s >= x + pb) --o;
    g.padBegin[i] = pb;
    g.out[i] = o;
  }
  return Status::success();
}

Status inferMaxPoolWithIndices(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  PoolGeom g;
  if (Status st = poolGeometry(c, g); !st) return st;
  int64_t order = c.attrs.getInt("storage_order", 0);
  if (order != 0 && order != 1) return c.fail("storage_order must be 0 or 1, got ", order);
  Shape out{c.in[0]->shape[0], c.in[0]->shape[1]};
  out.insert(out.end(), g.out.begin(), g.out.end());
  s.push_back(out);
  t.push_back(c.in[0]->dtype);
  s.push_back(out);
  t.push_back(DType::I64);
  return Status::success();
}

Status runMaxPoolWithIndices(const OpCtx &c, std::vector<Tensor> &o) {
  PoolGeom g;
  if (Status st = poolGeometry(c, g); !st) return st;
  bool colMajor = c.attrs.getInt("storage_order", 0) == 1;
  const Shape &in = c.in[0]->shape;
  size_t n = g.kernel.size();
  Shape spatial(in.begin() + 2, in.end());
  int64_t planeIn = numel(spatial), planeOut = numel(g.out), planes = in[0] * in[1];
  // Flat index of a spatial position: row-major, or column-major (first dim fastest).
  std::vector<int64_t> stride(n, 1);
  if (colMajor)
    for (size_t i = 1; i < n; ++i) stride[i] = stride[i - 1] * spatial[i - 1];
  else
    for (int64_t i = (int64_t)n - 2; i >= 0; --i) stride[i] = stride[i + 1] * spatial[i + 1];
  Shape rowStride = stridesOf(spatial);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *x = ptr<T>(*c.in[0]);
    T *y = ptr<T>(o[0]);
    int64_t *idx = ptr<int64_t>(o[1]);
    std::vector<int64_t> opos(n, 0), kpos(n, 0);
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t q = 0; q < planeOut; ++q) {
        int64_t rem = q;
        for (int64_t i = (int64_t)n - 1; i >= 0; --i) {
          opos[i] = rem % g.out[i];
          rem /= g.out[i];
        }
        double best = -INFINITY;
        int64_t bestIdx = -1, bestOff = 0;
        std::fill(kpos.begin(), kpos.end(), 0);
        while (true) {
          bool inside = true;
          int64_t off = 0, flat = 0;
          for (size_t i = 0; i < n; ++i) {
            int64_t coord = opos[i] * g.strides[i] - g.padBegin[i] + kpos[i] * g.dilations[i];
            if (coord < 0 || coord >= spatial[i]) { inside = false; break; }
            off += coord * rowStride[i];
            flat += coord * stride[i];
          }
          if (inside) {
            double v = (double)ld(x[p * planeIn + off]);
            if (bestIdx < 0 || v > best) { best = v; bestIdx = flat; bestOff = off; }
          }
          size_t i = n;
          while (i > 0 && ++kpos[i - 1] == g.kernel[i - 1]) kpos[--i] = 0;
          if (i == 0) break;
        }
        // (A window always covers at least one input element.)
        y[p * planeOut + q] = bestIdx < 0 ? fromDouble<T>(-INFINITY) : x[p * planeIn + bestOff];
        idx[p * planeOut + q] = p * planeIn + std::max<int64_t>(bestIdx, 0);
      }
    return Status::success();
  });
}

// --- resize_ext (ONNX Resize-19: roi, antialias, keep_aspect_ratio_policy) ----

struct ResizeExt {
  std::string mode, ctm, nearest, policy;
  double cubicA = -0.75, extrapolation = 0;
  bool excludeOutside = false, antialias = false;
  Shape out;
  std::vector<double> scales, roiStart, roiEnd;
};

Status resizeExtParams(const OpCtx &c, ResizeExt &p) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size();
  auto axesAttr = c.attrs.getInts("axes");
  if (!axesAttr) return c.fail("needs axes");
  std::vector<int64_t> axes;
  for (int64_t a : *axesAttr) {
    int64_t n;
    if (!c.axis(a, rank, n)) return c.fail("axis ", a, " is out of range for rank ", rank);
    if (std::find(axes.begin(), axes.end(), n) != axes.end()) return c.fail("axis ", a, " is repeated");
    axes.push_back(n);
  }
  size_t na = axes.size();
  p.mode = c.attrs.getString("mode", "nearest");
  p.ctm = c.attrs.getString("coordinate_transformation_mode", "half_pixel");
  p.nearest = c.attrs.getString("nearest_mode", "round_prefer_floor");
  p.policy = c.attrs.getString("keep_aspect_ratio_policy", "stretch");
  p.cubicA = c.attrs.getFloat("cubic_coeff_a", -0.75);
  p.extrapolation = c.attrs.getFloat("extrapolation_value", 0.0);
  p.excludeOutside = c.attrs.getInt("exclude_outside", 0) != 0;
  p.antialias = c.attrs.getInt("antialias", 0) != 0;
  if (p.mode != "nearest" && p.mode != "linear" && p.mode != "cubic")
    return c.fail("mode must be nearest, linear or cubic, got '", p.mode, "'");
  if (p.antialias && p.mode == "nearest") return c.fail("antialias needs mode linear or cubic");
  if (p.ctm != "half_pixel" && p.ctm != "half_pixel_symmetric" && p.ctm != "pytorch_half_pixel" &&
      p.ctm != "align_corners" && p.ctm != "asymmetric" && p.ctm != "tf_half_pixel_for_nn" &&
      p.ctm != "tf_crop_and_resize")
    return c.fail("unknown coordinate_transformation_mode '", p.ctm, "'");
  if (p.nearest != "round_prefer_floor" && p.nearest != "round_prefer_ceil" && p.nearest != "floor" &&
      p.nearest != "ceil")
    return c.fail("unknown nearest_mode '", p.nearest, "'");
  if (p.policy != "stretch" && p.policy != "not_larger" && p.policy != "not_smaller")
    return c.fail("unknown keep_aspect_ratio_policy '", p.policy, "'");
  const Tensor *target = c.in[1];
  if (target->shape.size() != 1 || target->numElements() != (int64_t)na)
    return c.fail("sizes or scales must be 1-D with ", na, " values, got shape ", shapeStr(target->shape));
  if (na && !target->data) return c.fail("the value of sizes or scales is needed but its data is not given");
  p.out = in;
  p.scales.assign(rank, 1.0);
  if (target->dtype == DType::F32) {
    if (p.policy != "stretch") return c.fail("keep_aspect_ratio_policy needs sizes, not scales");
    for (size_t i = 0; i < na; ++i) {
      double s = ptr<float>(*target)[i];
      if (!(s > 0) || !std::isfinite(s)) return c.fail("scales must be positive, got ", s);
      double o = std::floor((double)in[axes[i]] * s);
      if (!(o < 0x1p62)) return c.fail("scales[", i, "] = ", s, " makes dim ", axes[i], " out of range");
      p.scales[axes[i]] = s;
      p.out[axes[i]] = (int64_t)o;
    }
  } else if (target->dtype == DType::I64) {
    const int64_t *sz = ptr<int64_t>(*target);
    for (size_t i = 0; i < na; ++i) {
      if (sz[i] < 0) return c.fail("sizes must be non-negative, got ", sz[i]);
      if (in[axes[i]] == 0 && sz[i] > 0) return c.fail("cannot resize the empty dim ", axes[i]);
      p.out[axes[i]] = sz[i];
      p.scales[axes[i]] = in[axes[i]] ? (double)sz[i] / (double)in[axes[i]] : 1.0;
    }
    if (p.policy != "stretch" && na) {
      double scale = p.scales[axes[0]];
      for (size_t i = 1; i < na; ++i)
        scale = p.policy == "not_larger" ? std::min(scale, p.scales[axes[i]]) : std::max(scale, p.scales[axes[i]]);
      for (size_t i = 0; i < na; ++i) {
        p.scales[axes[i]] = scale;
        double o = scale * (double)in[axes[i]] + 0.5; // rounded half up
        if (!(o < 0x1p62)) return c.fail("the sizes make dim ", axes[i], " out of range");
        p.out[axes[i]] = (int64_t)o;
      }
    }
  } else {
    return c.fail("sizes must be i64 or scales f32, got ", dtypeName(target->dtype));
  }
  p.roiStart.assign(rank, 0.0);
  p.roiEnd.assign(rank, 1.0);
  if (p.ctm == "tf_crop_and_resize") {
    const Tensor *roi = c.input(2);
    if (!roi) return c.fail("coordinate_transformation_mode tf_crop_and_resize needs a roi operand");
    if (roi->dtype != DType::F32 || roi->shape.size() != 1 || roi->numElements() != 2 * (int64_t)na)
      return c.fail("roi must be a 1-D f32 tensor of ", 2 * na, " values, got ", dtypeName(roi->dtype), " ",
                    shapeStr(roi->shape));
    if (na && !roi->data) return c.fail("the value of roi is needed but its data is not given");
    for (size_t i = 0; i < na; ++i) {
      p.roiStart[axes[i]] = ptr<float>(*roi)[i];
      p.roiEnd[axes[i]] = ptr<float>(*roi)[na + i];
    }
  }
  return Status::success();
}

Status inferResizeExt(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  ResizeExt p;
  if (Status st = resizeExtParams(c, p); !st) return st;
  s.push_back(p.out);
  t.push_back(c.in[0]->dtype);
  return Status::success();
}

/// Taps (input index, weight) of each output index along one dim, as the ONNX
/// reference (onnx/reference/ops/op_resize.py): the n coefficients of the
/// mode around the source coordinate, indices clamped to the edge; an empty
/// list means the coordinate is outside the roi crop (extrapolation_value).
std::vector<std::vector<std::pair<int64_t, double>>> resizeExtTaps(const ResizeExt &p, int64_t in, int64_t out,
                                                                     double scale, double r0, double r1) {
  std::vector<std::vector<std::pair<int64_t, double>>> taps((size_t)out);
  double outWidth = scale * (double)in;
  for (int64_t x = 0; x < out; ++x) {
    double xo;
    const std::string &m = p.ctm;
    if (m == "align_corners") xo = outWidth == 1 ? 0.0 : x * (double)(in - 1) / (outWidth - 1);
    else if (m == "asymmetric") xo = x / scale;
    else if (m == "pytorch_half_pixel") xo = outWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    else if (m == "tf_half_pixel_for_nn") xo = (x + 0.5) / scale;
    else if (m == "half_pixel_symmetric") {
      double adjustment = (double)out / outWidth, center = (double)in / 2;
      xo = center * (1 - adjustment) + (x + 0.5) / scale - 0.5;
    } else if (m == "tf_crop_and_resize") {
      xo = outWidth == 1 ? (r1 - r0) * (double)(in - 1) / 2
                         : x * (r1 - r0) * (double)(in - 1) / (outWidth - 1);
      xo += r0 * (double)(in - 1);
      if (xo < 0 || xo > (double)(in - 1)) continue; // extrapolated
    } else xo = (x + 0.5) / scale - 0.5; // half_pixel
    double fl = std::floor(xo);
    int64_t base = (int64_t)fl;
    double ratio = xo - fl;
    if (ratio == 0) { base -= 1; ratio = 1; } // the left neighbour gets 1 - ratio
    std::vector<double> w;
    if (p.mode == "nearest") {
      bool right;
      if (ratio == 1) right = true;
      else if (p.nearest == "round_prefer_floor") right = ratio > 0.5;
      else if (p.nearest == "round_prefer_ceil") right = ratio >= 0.5;
      else if (p.nearest == "floor") right = false;
      else right = true;
      w = {right ? 0.0 : 1.0, right ? 1.0 : 0.0};
    } else if (p.mode == "linear") {
      double s = p.antialias ? std::min(scale, 1.0) : 1.0;
      int64_t start = (int64_t)std::floor(-1 / s) + 1, n = 2 - 2 * start;
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) {
        double v = std::clamp(1 - std::fabs(((double)(start + k) - ratio) * s), 0.0, 1.0);
        w.push_back(v);
        sum += v;
      }
      if (p.antialias)
        for (double &v : w) v /= sum;
    } else { // cubic
      double A = p.cubicA;
      if (!p.antialias) {
        double r = ratio, q = 1 - ratio;
        w = {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
             ((A + 2) * r - (A + 3)) * r * r + 1, ((A + 2) * q - (A + 3)) * q * q + 1,
             ((A * (q + 1) - 5 * A) * (q + 1) + 8 * A) * (q + 1) - 4 * A};
      } else {
        double s = std::min(scale, 1.0);
        int64_t start = (int64_t)std::floor(-2 / s) + 1, end = 2 - start;
        double sum = 0;
        for (int64_t i = start; i < end; ++i) {
          double a = std::fabs(s * ((double)i - ratio)), v;
          if (a <= 1) v = (A + 2) * a * a * a - (A + 3) * a * a + 1;
          else if (a < 2) v = A * a * a * a - 5 * A * a * a + 8 * A * a - 4 * A;
          else v = 0;
          w.push_back(v);
          sum += v;
        }
        for (double &v : w) v /= sum;
      }
    }
    int64_t n = (int64_t)w.size(), first = base + 1 - n / 2;
    if (p.excludeOutside) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) {
        if (first + k < 0 || first + k >= in) w[k] = 0;
        sum += w[k];
      }
      for (double &v : w) v = sum != 0 ? v / sum : 0;
    }
    auto &tp = taps[x];
    for (int64_t k = 0; k < n; ++k)
      if (w[k] != 0) tp.push_back({std::clamp<int64_t>(first + k, 0, in - 1), w[k]});
    if (tp.empty()) tp.push_back({std::clamp<int64_t>(first, 0, in - 1), 0.0});
  }
  return taps;
}

Status runResizeExt(const OpCtx &c, std::vector<Tensor> &o) {
  ResizeExt p;
  if (Status st = resizeExtParams(c, p); !st) return st;
  const Shape &in = c.in[0]->shape;
  size_t R = in.size();
  std::vector<std::vector<std::vector<std::pair<int64_t, double>>>> taps(R);
  for (size_t d = 0; d < R; ++d)
    taps[d] = resizeExtTaps(p, in[d], p.out[d], p.scales[d], p.roiStart[d], p.roiEnd[d]);
  Shape is = stridesOf(in);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *x = ptr<T>(*c.in[0]);
    T *y = ptr<T>(o[0]);
    int64_t n = o[0].numElements();
    Shape idx(R, 0);
    std::vector<size_t> sel(R);
    for (int64_t k = 0; k < n; ++k) {
      bool extrapolate = false;
      for (size_t d = 0; d < R; ++d) extrapolate |= taps[d][idx[d]].empty();
      double acc = 0;
      if (extrapolate) {
        acc = p.extrapolation;
      } else {
        // Sum over the tensor product of the per-dim taps.
        std::fill(sel.begin(), sel.end(), 0);
        while (true) {
          double w = 1;
          int64_t off = 0;
          for (size_t d = 0; d < R; ++d) {
            auto &t = taps[d][idx[d]][sel[d]];
            w *= t.second;
            off += t.first * is[d];
          }
          acc += w * (double)ld(x[off]);
          size_t d = R;
          bool done = true;
          while (d > 0) {
            --d;
            if (++sel[d] < taps[d][idx[d]].size()) { done = false; break; }
            sel[d] = 0;
          }
          if (done) break;
        }
      }
      y[k] = st<T>((AccT<T>)acc);
      for (int64_t d = (int64_t)R - 1; d >= 0; --d) {
        if (++idx[d] < p.out[d]) break;
        idx[d] = 0;
      }
    }
    return Status::success();
  });
}

} // namespace

void registerMath(Registry &reg) {
  reg["resize_ext"] = OpDef{2, 3, inferResizeExt, runResizeExt};
  reg["max_pool_with_indices"] = OpDef{1, 1, inferMaxPoolWithIndices, runMaxPoolWithIndices};
  reg["acos"] = floatUnary([](auto x, const Attrs &) { return std::acos(x); });
  reg["asin"] = floatUnary([](auto x, const Attrs &) { return std::asin(x); });
  reg["atan"] = floatUnary([](auto x, const Attrs &) { return std::atan(x); });
  reg["acosh"] = floatUnary([](auto x, const Attrs &) { return std::acosh(x); });
  reg["asinh"] = floatUnary([](auto x, const Attrs &) { return std::asinh(x); });
  reg["atanh"] = floatUnary([](auto x, const Attrs &) { return std::atanh(x); });
  reg["tan"] = floatUnary([](auto x, const Attrs &) { return std::tan(x); });
  reg["sinh"] = floatUnary([](auto x, const Attrs &) { return std::sinh(x); });
  reg["cosh"] = floatUnary([](auto x, const Attrs &) { return std::cosh(x); });
  reg["softsign"] = floatUnary([](auto x, const Attrs &) {
    using C = decltype(x);
    return x / (C(1) + std::fabs(x));
  });
  reg["celu"] = floatUnary([](auto x, const Attrs &a) {
    using C = decltype(x);
    C alpha = (C)a.getFloat("alpha", 1.0);
    return std::max(C(0), x) + std::min(C(0), alpha * std::expm1(x / alpha));
  });
  {
    auto base = reg["celu"].infer;
    reg["celu"].infer = [base](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
      double alpha = c.attrs.getFloat("alpha", 1.0);
      if (alpha == 0 || std::isnan(alpha)) return c.fail("alpha must be a nonzero number, got ", alpha);
      return base(c, s, t);
    };
  }
  reg["is_inf"] = floatPredicate([](double x, const Attrs &a) {
    return std::isinf(x) && ((x > 0 && a.getInt("detect_positive", 1) != 0) ||
                             (x < 0 && a.getInt("detect_negative", 1) != 0));
  });
  reg["is_nan"] = floatPredicate([](double x, const Attrs &) { return std::isnan(x); });

  reg["bitwise_and"] = intBinary([](uint64_t x, uint64_t y, unsigned, const Attrs &) { return x & y; }, false);
  reg["bitwise_or"] = intBinary([](uint64_t x, uint64_t y, unsigned, const Attrs &) { return x | y; }, false);
  reg["bitwise_xor"] = intBinary([](uint64_t x, uint64_t y, unsigned, const Attrs &) { return x ^ y; }, false);
  reg["bit_shift"] = intBinary(
      [](uint64_t x, uint64_t y, unsigned bits, const Attrs &a) -> uint64_t {
        if (y >= bits) return 0; // every bit shifted out
        return a.getString("direction", "") == "LEFT" ? x << y : x >> y;
      },
      true);
  {
    auto base = reg["bit_shift"].infer;
    reg["bit_shift"].infer = [base](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
      std::string d = c.attrs.getString("direction", "");
      if (d != "LEFT" && d != "RIGHT") return c.fail("direction must be LEFT or RIGHT, got '", d, "'");
      return base(c, s, t);
    };
  }
  reg["bitwise_not"] = OpDef{1, 1,
                             [](const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
                               if (Status st = requireInt(c, 0, "input"); !st) return st;
                               return inferSameAs(c, s, t, c.in[0]->dtype);
                             },
                             [](const OpCtx &c, std::vector<Tensor> &o) {
                               return dispatchAmong<KILN_INT_TYPES>(c.in[0]->dtype, [&](auto tag) {
                                 using T = decltype(tag);
                                 mapTo<T, T>(*c.in[0], o[0], [](T v) { return (T)~v; });
                                 return Status::success();
                               });
                             }};
  reg["cum_prod"] = OpDef{2, 2, inferCumProd, runCumProd};
  reg["bit_cast"] = OpDef{1, 1, inferBitCast, runBitCast};
  reg["eye_like"] = OpDef{1, 1, inferEyeLike, runEyeLike};
}

} // namespace kiln::ref
