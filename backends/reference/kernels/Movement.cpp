//===- Movement.cpp - shape ops and data movement ------------------------===//
#include "Internal.h"

namespace kiln::ref {
namespace {

Status rangeError(const OpCtx &c, int64_t a, int64_t rank, const char *what = "axis") {
  return c.fail(what, " ", a, " is out of range for rank ", rank, " (expected [", -rank, ", ", rank, "))");
}

/// out[idx] = in[sum_d maps[d][idx_d] * stride_d]; a -1 in any map writes `fill`.
void mapCopy(const Tensor &in, Tensor &out, const std::vector<std::vector<int64_t>> &maps,
             const void *fill) {
  size_t es = dtypeSize(in.dtype), R = out.shape.size();
  Shape is = stridesOf(in.shape);
  const char *src = ptr<char>(in);
  char *dst = ptr<char>(out);
  int64_t n = out.numElements();
  if (n == 0) return;
  if (R == 0) { std::memcpy(dst, src, es); return; }
  Shape idx(R, 0);
  int64_t inner = out.shape[R - 1];
  const std::vector<int64_t> &last = maps[R - 1];
  for (int64_t k = 0; k < n; k += inner) {
    int64_t base = 0;
    bool outside = false;
    for (size_t d = 0; d + 1 < R; ++d) {
      int64_t m = maps[d][idx[d]];
      if (m < 0) outside = true;
      base += m * is[d];
    }
    for (int64_t j = 0; j < inner; ++j) {
      char *o = dst + (k + j) * es;
      if (outside || last[j] < 0) std::memcpy(o, fill, es);
      else std::memcpy(o, src + (base + last[j]) * es, es);
    }
    for (int64_t d = (int64_t)R - 2; d >= 0; --d) {
      if (++idx[d] < out.shape[d]) break;
      idx[d] = 0;
    }
  }
}

Status copyInput(const OpCtx &c, std::vector<Tensor> &o) {
  if (c.in[0]->byteSize()) std::memcpy(o[0].data, c.in[0]->data, c.in[0]->byteSize());
  return Status::success();
}

Status result(std::vector<Shape> &s, std::vector<DType> &t, Shape shape, DType type) {
  s.push_back(std::move(shape));
  t.push_back(type);
  return Status::success();
}

// --- shape, size, range, constant_of_shape -------------------------------

Status inferShape(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  int64_t rank = (int64_t)c.in[0]->shape.size();
  int64_t start = c.attrs.getInt("start", 0), end = c.attrs.getInt("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  return result(s, t, {std::max<int64_t>(0, end - start)}, DType::I64);
}
Status runShape(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t rank = (int64_t)c.in[0]->shape.size();
  int64_t start = c.attrs.getInt("start", 0);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  for (int64_t i = 0; i < o[0].numElements(); ++i) ptr<int64_t>(o[0])[i] = c.in[0]->shape[start + i];
  return Status::success();
}

/// Range length; the values come from start + i * delta.
Status rangeCount(const OpCtx &c, int64_t &count) {
  for (size_t i = 0; i < 3; ++i) {
    if (!c.in[i]->shape.empty()) return c.fail("start, limit and delta must be scalars, got shape ", shapeStr(c.in[i]->shape));
    if (c.in[i]->dtype != c.in[0]->dtype) return c.fail("start, limit and delta must have one element type");
    if (!c.in[i]->data) return c.fail("the values of start, limit and delta are needed");
  }
  if (Status st = requireNumeric(c, 0, "start"); !st) return st;
  return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isFloatT<T>) {
      double s = (double)ld(*ptr<T>(*c.in[0])), l = (double)ld(*ptr<T>(*c.in[1])), d = (double)ld(*ptr<T>(*c.in[2]));
      if (d == 0) return c.fail("delta must not be zero");
      double n = std::ceil((l - s) / d);
      if (!(n <= 1e12)) return c.fail("the range is too long or not finite");
      count = n > 0 ? (int64_t)n : 0;
    } else {
      T s = *ptr<T>(*c.in[0]), l = *ptr<T>(*c.in[1]), d = *ptr<T>(*c.in[2]);
      if (d == 0) return c.fail("delta must not be zero");
      // exact ceil((l - s) / d) in 128-bit-free form
      long double span = (long double)l - (long double)s;
      long double n = std::ceil(span / (long double)d);
      if (n > 1e12L) return c.fail("the range is too long");
      count = n > 0 ? (int64_t)n : 0;
    }
    return Status::success();
  });
}
Status inferRange(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  int64_t n;
  if (Status st = rangeCount(c, n); !st) return st;
  return result(s, t, {n}, c.in[0]->dtype);
}
Status runRange(const OpCtx &c, std::vector<Tensor> &o) {
  return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    T *q = ptr<T>(o[0]);
    int64_t n = o[0].numElements();
    if constexpr (isFloatT<T>) {
      double s = (double)ld(*ptr<T>(*c.in[0])), d = (double)ld(*ptr<T>(*c.in[2]));
      for (int64_t i = 0; i < n; ++i) q[i] = st<T>((AccT<T>)(s + (double)i * d));
    } else {
      uint64_t s = (uint64_t)*ptr<T>(*c.in[0]), d = (uint64_t)*ptr<T>(*c.in[2]);
      for (int64_t i = 0; i < n; ++i) q[i] = (T)(s + (uint64_t)i * d);
    }
    return Status::success();
  });
}

Status inferConstantOfShape(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  std::vector<int64_t> dims;
  if (Status st = c.readInts(0, "shape", dims); !st) return st;
  if (c.in[0]->dtype != DType::I64) return c.fail("shape must be i64");
  for (int64_t d : dims)
    if (d < 0) return c.fail("shape has a negative dim ", d);
  DType type = DType::F32;
  if (const Attr *v = c.attrs.find("value")) {
    if (v->kind != Attr::Int && v->kind != Attr::Float) return c.fail("value must be a scalar");
    if (!isKnownType(v->type)) return c.fail("value has an unknown element type");
    type = v->type;
  }
  return result(s, t, dims, type);
}
Status runConstantOfShape(const OpCtx &c, std::vector<Tensor> &o) {
  const Attr *v = c.attrs.find("value");
  return dispatchAll(o[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    T val{};
    if (v) {
      if constexpr (isIntT<T>) val = v->kind == Attr::Int ? (T)v->i : floatToInt<T>(v->f);
      else val = fromDouble<T>(v->kind == Attr::Int ? (double)v->i : v->f);
    } else {
      val = fromDouble<T>(0.0);
    }
    std::fill(ptr<T>(o[0]), ptr<T>(o[0]) + o[0].numElements(), val);
    return Status::success();
  });
}

// --- reshape family --------------------------------------------------------

Status inferReshape(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  std::vector<int64_t> target;
  if (Status st = c.readInts(1, "shape", target); !st) return st;
  if (c.in[1]->dtype != DType::I64) return c.fail("shape must be i64");
  const Shape &in = c.in[0]->shape;
  bool allowZero = c.attrs.getInt("allowzero", 0) != 0;
  Shape out;
  int64_t inferred = -1, known = 1;
  bool hasZero = false;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t x = target[i];
    if (x == -1) {
      if (inferred != -1) return c.fail("shape has more than one -1");
      inferred = (int64_t)i;
      out.push_back(1);
      continue;
    }
    if (x == 0) hasZero = true;
    if (x == 0 && !allowZero) {
      if (i >= in.size())
        return c.fail("shape[", i, "] is 0 (copy the input dim) but the input has rank ", in.size());
      x = in[i];
    } else if (x < 0) {
      return c.fail("shape has an invalid dim ", x);
    }
    out.push_back(x);
    known *= x;
  }
  if (allowZero && hasZero && inferred != -1) return c.fail("shape may not hold both 0 and -1 when allowzero is set");
  int64_t total = numel(in);
  if (inferred != -1) {
    if (known == 0 || total % known != 0)
      return c.fail("cannot reshape ", shapeStr(in), " to ", joinInts(target), ": the element counts do not divide");
    out[inferred] = total / known;
  } else if (known != total) {
    return c.fail("cannot reshape ", shapeStr(in), " (", total, " elements) to ", shapeStr(out), " (", known,
                  " elements)");
  }
  return result(s, t, out, c.in[0]->dtype);
}

Status inferFlatten(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size(), axis = c.attrs.getInt("axis", 1);
  if (axis < -rank || axis > rank)
    return c.fail("axis ", axis, " is out of range for rank ", rank, " (expected [", -rank, ", ", rank, "])");
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i) (i < axis ? outer : inner) *= in[i];
  return result(s, t, {outer, inner}, c.in[0]->dtype);
}

Status normalizeAxes(const OpCtx &c, const std::vector<int64_t> &axes, int64_t rank, std::vector<bool> &mask) {
  mask.assign(rank, false);
  for (int64_t a : axes) {
    int64_t n;
    if (!c.axis(a, rank, n)) return rangeError(c, a, rank);
    if (mask[n]) return c.fail("axis ", a, " is repeated");
    mask[n] = true;
  }
  return Status::success();
}

/// The axes attribute, or the run-time axes operand (input 1) when present.
Status squeezeAxes(const OpCtx &c, std::optional<std::vector<int64_t>> &axes) {
  axes = c.attrs.getInts("axes");
  if (!c.input(1)) return Status::success();
  if (axes) return c.fail("takes its axes as the attribute or as an operand, not both");
  std::vector<int64_t> v;
  if (Status st = c.readInts(1, "axes", v); !st) return st;
  if (v.empty()) return c.fail("an empty axes operand is not supported");
  axes = v;
  return Status::success();
}

Status inferSqueeze(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  const Shape &in = c.in[0]->shape;
  Shape out;
  std::optional<std::vector<int64_t>> axes;
  if (Status st = squeezeAxes(c, axes); !st) return st;
  if (axes) {
    std::vector<bool> mask;
    if (Status st = normalizeAxes(c, *axes, (int64_t)in.size(), mask); !st) return st;
    for (size_t i = 0; i < in.size(); ++i) {
      if (!mask[i]) out.push_back(in[i]);
      else if (in[i] != 1) return c.fail("cannot squeeze dim ", i, " of size ", in[i], " (input ", shapeStr(in), ")");
    }
  } else {
    for (int64_t d : in)
      if (d != 1) out.push_back(d);
  }
  return result(s, t, out, c.in[0]->dtype);
}

Status inferUnsqueeze(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  std::optional<std::vector<int64_t>> axes;
  if (Status st = squeezeAxes(c, axes); !st) return st;
  if (!axes) return c.fail("needs the axes attribute");
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)(in.size() + axes->size());
  std::vector<bool> mask;
  if (Status st = normalizeAxes(c, *axes, rank, mask); !st) return st;
  Shape out;
  size_t k = 0;
  for (int64_t i = 0; i < rank; ++i) out.push_back(mask[i] ? 1 : in[k++]);
  return result(s, t, out, c.in[0]->dtype);
}

Status transposePerm(const OpCtx &c, std::vector<int64_t> &perm) {
  int64_t rank = (int64_t)c.in[0]->shape.size();
  if (auto p = c.attrs.getInts("perm")) {
    if ((int64_t)p->size() != rank)
      return c.fail("perm has ", p->size(), " entries but the input has rank ", rank);
    std::vector<bool> seen(rank, false);
    for (int64_t x : *p) {
      if (x < 0 || x >= rank || seen[x]) return c.fail("perm ", joinInts(*p), " is not a permutation of [0, ", rank, ")");
      seen[x] = true;
    }
    perm = *p;
  } else {
    for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
  }
  return Status::success();
}
Status inferTranspose(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  std::vector<int64_t> perm;
  if (Status st = transposePerm(c, perm); !st) return st;
  Shape out;
  for (int64_t p : perm) out.push_back(c.in[0]->shape[p]);
  return result(s, t, out, c.in[0]->dtype);
}
Status runTranspose(const OpCtx &c, std::vector<Tensor> &o) {
  std::vector<int64_t> perm;
  transposePerm(c, perm);
  const Tensor &in = *c.in[0];
  size_t R = perm.size(), es = dtypeSize(in.dtype);
  Shape is = stridesOf(in.shape), ps(R);
  for (size_t i = 0; i < R; ++i) ps[i] = is[perm[i]];
  const char *src = ptr<char>(in);
  char *dst = ptr<char>(o[0]);
  int64_t n = o[0].numElements();
  Shape idx(R, 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    std::memcpy(dst + k * es, src + off * es, es);
    for (int64_t d = (int64_t)R - 1; d >= 0; --d) {
      if (++idx[d] < o[0].shape[d]) { off += ps[d]; break; }
      off -= ps[d] * (o[0].shape[d] - 1);
      idx[d] = 0;
    }
  }
  return Status::success();
}

// --- concat, split -----------------------------------------------------------

Status inferConcat(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (!c.attrs.has("axis")) return c.fail("needs the axis attribute");
  const Shape &first = c.in[0]->shape;
  int64_t rank = (int64_t)first.size(), axis, a = c.attrs.getInt("axis", 0);
  if (!c.axis(a, rank, axis)) return rangeError(c, a, rank);
  Shape out = first;
  for (size_t k = 1; k < c.in.size(); ++k) {
    const Tensor *x = c.in[k];
    if (!x) return c.fail("input ", k, " is absent");
    if (x->dtype != c.in[0]->dtype)
      return c.fail("input ", k, " has element type ", dtypeName(x->dtype), " but input 0 has ", dtypeName(c.in[0]->dtype));
    if ((int64_t)x->shape.size() != rank)
      return c.fail("input ", k, " has rank ", x->shape.size(), " but input 0 has rank ", rank);
    for (int64_t i = 0; i < rank; ++i) {
      if (i == axis) out[i] += x->shape[i];
      else if (x->shape[i] != out[i])
        return c.fail("input ", k, " has shape ", shapeStr(x->shape), " which differs from input 0 ",
                      shapeStr(first), " outside axis ", axis);
    }
  }
  return result(s, t, out, c.in[0]->dtype);
}
Status runConcat(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &os = o[0].shape;
  int64_t axis;
  c.axis(c.attrs.getInt("axis", 0), (int64_t)os.size(), axis);
  size_t es = dtypeSize(o[0].dtype);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= os[i];
  for (size_t i = axis + 1; i < os.size(); ++i) inner *= os[i];
  char *dst = ptr<char>(o[0]);
  int64_t rowOut = os[axis] * inner * es, at = 0;
  for (const Tensor *x : c.in) {
    int64_t row = x->shape[axis] * inner * es;
    for (int64_t j = 0; j < outer && row; ++j) std::memcpy(dst + j * rowOut + at, ptr<char>(*x) + j * row, row);
    at += row;
  }
  return Status::success();
}

Status splitSizes(const OpCtx &c, int64_t &axis, std::vector<int64_t> &sizes) {
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size(), a = c.attrs.getInt("axis", 0);
  if (!c.attrs.has("num_outputs")) return c.fail("needs the num_outputs attribute");
  int64_t n = c.attrs.getInt("num_outputs", 1);
  if (n < 1) return c.fail("num_outputs must be at least 1, got ", n);
  if (!c.axis(a, rank, axis)) return rangeError(c, a, rank);
  int64_t dim = in[axis];
  std::optional<std::vector<int64_t>> sp = c.attrs.getInts("split");
  if (c.input(1)) { // run-time sizes
    std::vector<int64_t> v;
    if (Status st = c.readInts(1, "split", v); !st) return st;
    if (c.in[1]->dtype != DType::I64) return c.fail("split must be i64");
    sp = v;
  }
  if (sp) {
    if ((int64_t)sp->size() != n) return c.fail("split has ", sp->size(), " sizes but num_outputs is ", n);
    int64_t total = 0;
    for (int64_t x : *sp) {
      if (x < 0) return c.fail("split sizes must be non-negative, got ", x);
      total += x;
    }
    if (total != dim) return c.fail("split sizes add up to ", total, " but dim ", axis, " has size ", dim);
    sizes = *sp;
  } else {
    int64_t chunk = (dim + n - 1) / n;
    if (chunk * (n - 1) > dim) return c.fail("dim ", axis, " of size ", dim, " cannot be split into ", n, " pieces");
    for (int64_t k = 0; k < n; ++k) sizes.push_back(k + 1 < n ? chunk : dim - chunk * (n - 1));
  }
  return Status::success();
}
Status inferSplit(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  int64_t axis;
  std::vector<int64_t> sizes;
  if (Status st = splitSizes(c, axis, sizes); !st) return st;
  for (int64_t sz : sizes) {
    Shape sh = c.in[0]->shape;
    sh[axis] = sz;
    s.push_back(sh);
    t.push_back(c.in[0]->dtype);
  }
  return Status::success();
}
Status runSplit(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t axis;
  std::vector<int64_t> sizes;
  splitSizes(c, axis, sizes);
  const Shape &is = c.in[0]->shape;
  size_t es = dtypeSize(c.in[0]->dtype);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= is[i];
  for (size_t i = axis + 1; i < is.size(); ++i) inner *= is[i];
  int64_t rowIn = is[axis] * inner * es, at = 0;
  for (size_t k = 0; k < o.size(); ++k) {
    int64_t row = sizes[k] * inner * es;
    for (int64_t j = 0; j < outer && row; ++j) std::memcpy(ptr<char>(o[k]) + j * row, ptr<char>(*c.in[0]) + j * rowIn + at, row);
    at += row;
  }
  return Status::success();
}

// --- slice, gather -----------------------------------------------------------

/// Per input dim: first index and step and count of the slice.
Status sliceParams(const OpCtx &c, Shape &first, Shape &step, Shape &count) {
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size();
  std::vector<int64_t> starts, ends, axes, steps;
  if (Status st = c.readInts(1, "starts", starts); !st) return st;
  if (Status st = c.readInts(2, "ends", ends); !st) return st;
  if (Status st = c.readInts(3, "axes", axes); !st) return st;
  if (Status st = c.readInts(4, "steps", steps); !st) return st;
  if (starts.size() != axes.size() || ends.size() != axes.size() || steps.size() != axes.size())
    return c.fail("starts, ends, axes and steps must have one length, got ", starts.size(), ", ", ends.size(), ", ",
                  axes.size(), " and ", steps.size());
  first.assign(rank, 0);
  step.assign(rank, 1);
  count = in;
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a;
    if (!c.axis(axes[i], rank, a)) return rangeError(c, axes[i], rank);
    if (seen[a]) return c.fail("axis ", axes[i], " is repeated");
    seen[a] = true;
    int64_t dim = in[a], s = starts[i], e = ends[i], st = steps[i];
    if (st == 0) return c.fail("steps must not be zero");
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    int64_t n;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      n = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      n = s > e ? (s - e + (-st) - 1) / (-st) : 0;
    }
    first[a] = s;
    step[a] = st;
    count[a] = n;
  }
  return Status::success();
}
Status inferSlice(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  Shape first, step, count;
  if (Status st = sliceParams(c, first, step, count); !st) return st;
  return result(s, t, count, c.in[0]->dtype);
}
Status runSlice(const OpCtx &c, std::vector<Tensor> &o) {
  Shape first, step, count;
  sliceParams(c, first, step, count);
  std::vector<std::vector<int64_t>> maps(count.size());
  for (size_t d = 0; d < count.size(); ++d)
    for (int64_t j = 0; j < count[d]; ++j) maps[d].push_back(first[d] + j * step[d]);
  mapCopy(*c.in[0], o[0], maps, nullptr);
  return Status::success();
}

Status inferGather(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  const Shape &in = c.in[0]->shape;
  if (c.in[1]->dtype != DType::I32 && c.in[1]->dtype != DType::I64)
    return c.fail("indices must be i32 or i64, got ", dtypeName(c.in[1]->dtype));
  int64_t rank = (int64_t)in.size(), axis, a = c.attrs.getInt("axis", 0);
  if (!c.axis(a, rank, axis)) return rangeError(c, a, rank);
  Shape out(in.begin(), in.begin() + axis);
  out.insert(out.end(), c.in[1]->shape.begin(), c.in[1]->shape.end());
  out.insert(out.end(), in.begin() + axis + 1, in.end());
  return result(s, t, out, c.in[0]->dtype);
}
Status runGather(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &in = c.in[0]->shape;
  int64_t axis;
  c.axis(c.attrs.getInt("axis", 0), (int64_t)in.size(), axis);
  size_t es = dtypeSize(c.in[0]->dtype);
  int64_t outer = 1, inner = 1, n = in[axis], m = c.in[1]->numElements();
  for (int64_t i = 0; i < axis; ++i) outer *= in[i];
  for (size_t i = axis + 1; i < in.size(); ++i) inner *= in[i];
  std::vector<int64_t> idx((size_t)m);
  for (int64_t k = 0; k < m; ++k) {
    int64_t v = c.in[1]->dtype == DType::I64 ? ptr<int64_t>(*c.in[1])[k] : ptr<int32_t>(*c.in[1])[k];
    if (v < -n || v >= n) return c.fail("index ", v, " is out of range for axis ", axis, " of size ", n);
    idx[k] = v < 0 ? v + n : v;
  }
  size_t block = (size_t)inner * es;
  const char *src = ptr<char>(*c.in[0]);
  char *dst = ptr<char>(o[0]);
  for (int64_t j = 0; j < outer; ++j)
    for (int64_t k = 0; k < m && block; ++k)
      std::memcpy(dst + (j * m + k) * block, src + (j * n + idx[k]) * block, block);
  return Status::success();
}

// --- gather_elements, trilu, cum_sum ---------------------------------------

Status inferGatherElements(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  const Shape &in = c.in[0]->shape, &ix = c.in[1]->shape;
  if (c.in[1]->dtype != DType::I32 && c.in[1]->dtype != DType::I64)
    return c.fail("indices must be i32 or i64, got ", dtypeName(c.in[1]->dtype));
  int64_t rank = (int64_t)in.size(), axis, a = c.attrs.getInt("axis", 0);
  if ((int64_t)ix.size() != rank)
    return c.fail("indices must have the rank of data (", rank, "), got shape ", shapeStr(ix));
  if (!c.axis(a, rank, axis)) return rangeError(c, a, rank);
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && ix[d] > in[d])
      return c.fail("indices shape ", shapeStr(ix), " is larger than the data shape ", shapeStr(in),
                    " in dim ", d);
  return result(s, t, ix, c.in[0]->dtype);
}
Status runGatherElements(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &in = c.in[0]->shape, &ix = c.in[1]->shape;
  int64_t rank = (int64_t)in.size(), axis;
  c.axis(c.attrs.getInt("axis", 0), rank, axis);
  size_t es = dtypeSize(c.in[0]->dtype);
  Shape ds = stridesOf(in);
  int64_t n = in[axis], m = c.in[1]->numElements();
  const char *src = ptr<char>(*c.in[0]);
  char *dst = ptr<char>(o[0]);
  Shape idx(rank, 0);
  for (int64_t k = 0; k < m; ++k) {
    int64_t v = c.in[1]->dtype == DType::I64 ? ptr<int64_t>(*c.in[1])[k] : ptr<int32_t>(*c.in[1])[k];
    if (v < -n || v >= n) return c.fail("index ", v, " is out of range for axis ", axis, " of size ", n);
    if (v < 0) v += n;
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) off += (d == axis ? v : idx[d]) * ds[d];
    std::memcpy(dst + k * es, src + off * es, es);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < ix[d]) break;
      idx[d] = 0;
    }
  }
  return Status::success();
}

/// Reads a run-time scalar integer operand (0-D or one element).
Status readScalar(const OpCtx &c, size_t i, const char *name, int64_t &out) {
  std::vector<int64_t> v;
  const Tensor *t = c.input(i);
  if (t && t->shape.size() > 1) return c.fail(name, " must be a scalar, got shape ", shapeStr(t->shape));
  if (Status st = c.readInts(i, name, v); !st) return st;
  if (v.size() != 1) return c.fail(name, " must hold one value, got ", v.size());
  out = v[0];
  return Status::success();
}
Status checkScalarShape(const OpCtx &c, size_t i, const char *name) {
  const Tensor *t = c.input(i);
  if (!t) return Status::success();
  if (t->dtype != DType::I64 && t->dtype != DType::I32)
    return c.fail(name, " must be an i32 or i64 tensor, got ", dtypeName(t->dtype));
  if (t->shape.size() > 1 || t->numElements() != 1)
    return c.fail(name, " must be a scalar (0-D or one element), got shape ", shapeStr(t->shape));
  return Status::success();
}

Status inferTrilu(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (c.in[0]->shape.size() < 2)
    return c.fail("input must have rank >= 2, got shape ", shapeStr(c.in[0]->shape));
  if (c.input(1) && c.in[1]->dtype != DType::I64) return c.fail("k must be i64");
  if (Status st = checkScalarShape(c, 1, "k"); !st) return st;
  return result(s, t, c.in[0]->shape, c.in[0]->dtype);
}
Status runTrilu(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t k = 0;
  if (c.input(1))
    if (Status st = readScalar(c, 1, "k", k); !st) return st;
  bool upper = c.attrs.getInt("upper", 1) != 0;
  const Shape &in = c.in[0]->shape;
  size_t es = dtypeSize(c.in[0]->dtype);
  int64_t rows = in[in.size() - 2], cols = in[in.size() - 1], n = c.in[0]->numElements();
  const char *src = ptr<char>(*c.in[0]);
  char *dst = ptr<char>(o[0]);
  for (int64_t e = 0; e < n; ++e) {
    int64_t j = e % cols, i = (e / cols) % rows;
    bool keep = upper ? j - i >= k : j - i <= k;
    if (keep) std::memcpy(dst + e * es, src + e * es, es);
    else std::memset(dst + e * es, 0, es); // zero in every element type
  }
  return Status::success();
}

Status inferCumSum(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireNumeric(c, 0); !st) return st;
  if (Status st = checkScalarShape(c, 1, "axis"); !st) return st;
  return result(s, t, c.in[0]->shape, c.in[0]->dtype);
}
Status runCumSum(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t a, axis;
  if (Status st = readScalar(c, 1, "axis", a); !st) return st;
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size();
  if (!c.axis(a, rank, axis)) return rangeError(c, a, rank);
  bool excl = c.attrs.getInt("exclusive", 0) != 0, rev = c.attrs.getInt("reverse", 0) != 0;
  int64_t outer = 1, inner = 1, n = in[axis];
  for (int64_t i = 0; i < axis; ++i) outer *= in[i];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= in[i];
  return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    // Floats accumulate in double; integers wrap around as numpy.
    using Acc = std::conditional_t<isFloatT<T>, double, uint64_t>;
    const T *p = ptr<T>(*c.in[0]);
    T *q = ptr<T>(o[0]);
    for (int64_t x = 0; x < outer; ++x)
      for (int64_t y = 0; y < inner; ++y) {
        Acc sum = 0;
        for (int64_t j = 0; j < n; ++j) {
          int64_t e = (x * n + (rev ? n - 1 - j : j)) * inner + y;
          Acc v;
          if constexpr (isFloatT<T>) v = (double)ld(p[e]);
          else v = (uint64_t)(int64_t)p[e];
          if (!excl) sum += v;
          if constexpr (isFloatT<T>) q[e] = fromDouble<T>(sum);
          else q[e] = (T)sum;
          if (excl) sum += v;
        }
      }
    return Status::success();
  });
}

// --- pad, expand, tile -----------------------------------------------------

Status padParams(const OpCtx &c, std::vector<int64_t> &pads, std::string &mode) {
  if (Status st = c.readInts(1, "pads", pads); !st) return st;
  if (c.in[1]->dtype != DType::I64) return c.fail("pads must be i64");
  int64_t rank = (int64_t)c.in[0]->shape.size();
  if ((int64_t)pads.size() != 2 * rank)
    return c.fail("pads has ", pads.size(), " values but the input of rank ", rank, " needs ", 2 * rank);
  mode = c.attrs.getString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return c.fail("mode must be constant, reflect, edge or wrap, got '", mode, "'");
  return Status::success();
}
Status inferPad(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  std::vector<int64_t> pads;
  std::string mode;
  if (Status st = padParams(c, pads, mode); !st) return st;
  if (const Tensor *cv = c.input(2)) {
    if (cv->dtype != c.in[0]->dtype)
      return c.fail("constant_value must have the input's element type ", dtypeName(c.in[0]->dtype),
                    ", got ", dtypeName(cv->dtype));
    if (cv->shape.size() > 1 || cv->numElements() != 1)
      return c.fail("constant_value must be a scalar (0-D or one element), got shape ", shapeStr(cv->shape));
  }
  Shape out = c.in[0]->shape;
  int64_t rank = (int64_t)out.size();
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = out[i] + pads[i] + pads[i + rank];
    if (d < 0) return c.fail("pads crop dim ", i, " of size ", out[i], " below zero");
    if (out[i] == 0 && d > 0 && mode != "constant")
      return c.fail("cannot ", mode, "-pad dim ", i, " of size 0");
    out[i] = d;
  }
  return result(s, t, out, c.in[0]->dtype);
}
Status runPad(const OpCtx &c, std::vector<Tensor> &o) {
  std::vector<int64_t> pads;
  std::string mode;
  padParams(c, pads, mode);
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size();
  std::vector<std::vector<int64_t>> maps(rank);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t n = in[d];
    for (int64_t j = 0; j < o[0].shape[d]; ++j) {
      int64_t x = j - pads[d];
      if (x < 0 || x >= n) {
        if (mode == "constant" || n == 0) x = -1;
        else if (mode == "edge") x = std::clamp<int64_t>(x, 0, n - 1);
        else if (mode == "wrap") x = ((x % n) + n) % n;
        else if (n == 1) x = 0;
        else { // reflect (mirror without repeating the edge)
          int64_t period = 2 * (n - 1);
          x = ((x % period) + period) % period;
          if (x >= n) x = period - x;
        }
      }
      maps[d].push_back(x);
    }
  }
  double value = c.attrs.getFloat("value", 0.0);
  uint64_t fill = 0;
  if (const Tensor *cv = c.input(2)) {
    // Run-time fill value: the scalar's bytes as they are.
    std::memcpy(&fill, cv->data, dtypeSize(cv->dtype));
  } else {
    Status st = dispatchAll(c.in[0]->dtype, [&](auto tag) {
      using T = decltype(tag);
      T v = fromDouble<T>(value);
      std::memcpy(&fill, &v, sizeof(T));
      return Status::success();
    });
    if (!st) return st;
  }
  mapCopy(*c.in[0], o[0], maps, &fill);
  return Status::success();
}

Status inferExpand(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  std::vector<int64_t> target;
  if (Status st = c.readInts(1, "shape", target); !st) return st;
  if (c.in[1]->dtype != DType::I64) return c.fail("shape must be i64");
  for (int64_t x : target)
    if (x < 0) return c.fail("shape has a negative dim ", x);
  Shape out;
  if (!broadcastShapes(c.in[0]->shape, target, out))
    return c.fail("input of shape ", shapeStr(c.in[0]->shape), " does not broadcast with ", joinInts(target));
  return result(s, t, out, c.in[0]->dtype);
}
Status runExpand(const OpCtx &c, std::vector<Tensor> &o) {
  size_t R = o[0].shape.size();
  Tensor in = *c.in[0];
  in.shape.insert(in.shape.begin(), R - in.shape.size(), 1);
  std::vector<std::vector<int64_t>> maps(R);
  for (size_t d = 0; d < R; ++d)
    for (int64_t j = 0; j < o[0].shape[d]; ++j) maps[d].push_back(in.shape[d] == 1 ? 0 : j);
  mapCopy(in, o[0], maps, nullptr);
  return Status::success();
}

Status inferTile(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  std::vector<int64_t> reps;
  if (Status st = c.readInts(1, "repeats", reps); !st) return st;
  if (c.in[1]->dtype != DType::I64) return c.fail("repeats must be i64");
  Shape out = c.in[0]->shape;
  if (reps.size() != out.size()) return c.fail("repeats has ", reps.size(), " values but the input has rank ", out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (reps[i] < 0) return c.fail("repeats must be non-negative, got ", reps[i]);
    out[i] *= reps[i];
  }
  return result(s, t, out, c.in[0]->dtype);
}
Status runTile(const OpCtx &c, std::vector<Tensor> &o) {
  size_t R = o[0].shape.size();
  std::vector<std::vector<int64_t>> maps(R);
  for (size_t d = 0; d < R; ++d)
    for (int64_t j = 0; j < o[0].shape[d]; ++j) maps[d].push_back(j % c.in[0]->shape[d]);
  mapCopy(*c.in[0], o[0], maps, nullptr);
  return Status::success();
}

// --- resize ------------------------------------------------------------------

struct ResizeParams {
  std::string mode, ctm, nearest;
  double cubicA;
  bool excludeOutside;
  Shape out;
  std::vector<double> scales;
};

Status resizeParams(const OpCtx &c, ResizeParams &p) {
  if (Status st = requireFloat(c, 0); !st) return st;
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size();
  const Tensor *sizes = c.input(1);
  auto scales = c.attrs.getFloats("scales");
  if (sizes && isFloatType(sizes->dtype)) { // run-time scales (f32)
    if (scales) return c.fail("takes scales as an attribute or as an operand, not both");
    if (sizes->dtype != DType::F32) return c.fail("scales must be f32");
    if (sizes->shape.size() != 1) return c.fail("scales must be 1-D, got shape ", shapeStr(sizes->shape));
    if (sizes->numElements() > 0 && !sizes->data) return c.fail("the value of scales is needed but its data is not given");
    scales = std::vector<double>(ptr<float>(*sizes), ptr<float>(*sizes) + sizes->numElements());
    sizes = nullptr;
  }
  if (!sizes && !scales) return c.fail("needs either sizes or scales");
  if (sizes && scales) return c.fail("takes sizes or scales, not both");
  p.mode = c.attrs.getString("mode", "nearest");
  p.ctm = c.attrs.getString("coordinate_transformation_mode", "half_pixel");
  p.nearest = c.attrs.getString("nearest_mode", "round_prefer_floor");
  p.cubicA = c.attrs.getFloat("cubic_coeff_a", -0.75);
  p.excludeOutside = c.attrs.getInt("exclude_outside", 0) != 0;
  if (p.mode != "nearest" && p.mode != "linear" && p.mode != "cubic")
    return c.fail("mode must be nearest, linear or cubic, got '", p.mode, "'");
  if (p.ctm == "tf_crop_and_resize")
    return c.fail("coordinate_transformation_mode tf_crop_and_resize is not supported (no roi operand)");
  if (p.ctm != "half_pixel" && p.ctm != "half_pixel_symmetric" && p.ctm != "pytorch_half_pixel" &&
      p.ctm != "align_corners" && p.ctm != "asymmetric" && p.ctm != "tf_half_pixel_for_nn")
    return c.fail("unknown coordinate_transformation_mode '", p.ctm, "'");
  if (p.nearest != "round_prefer_floor" && p.nearest != "round_prefer_ceil" && p.nearest != "floor" &&
      p.nearest != "ceil")
    return c.fail("unknown nearest_mode '", p.nearest, "'");
  p.out.assign(rank, 0);
  p.scales.assign(rank, 1.0);
  if (scales) {
    if ((int64_t)scales->size() != rank)
      return c.fail("scales has ", scales->size(), " values but the input has rank ", rank);
    for (int64_t i = 0; i < rank; ++i) {
      double s = (double)(float)(*scales)[i]; // an F32 attribute
      if (!(s > 0) || !std::isfinite(s)) return c.fail("scales must be positive, got ", (*scales)[i]);
      p.scales[i] = s;
      p.out[i] = (int64_t)std::floor((double)in[i] * s);
    }
  } else {
    std::vector<int64_t> sz;
    if (Status st = c.readInts(1, "sizes", sz); !st) return st;
    if (sizes->dtype != DType::I64) return c.fail("sizes must be i64");
    if ((int64_t)sz.size() != rank) return c.fail("sizes has ", sz.size(), " values but the input has rank ", rank);
    for (int64_t i = 0; i < rank; ++i) {
      if (sz[i] < 0) return c.fail("sizes must be non-negative, got ", sz[i]);
      p.out[i] = sz[i];
      p.scales[i] = in[i] ? (double)sz[i] / (double)in[i] : 1.0;
    }
  }
  for (int64_t i = 0; i < rank; ++i)
    if (in[i] == 0 && p.out[i] > 0) return c.fail("cannot resize the empty dim ", i);
  return Status::success();
}

Status inferResize(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  ResizeParams p;
  if (Status st = resizeParams(c, p); !st) return st;
  return result(s, t, p.out, c.in[0]->dtype);
}

/// Taps (input index, weight) of every output index along one dim, as the
/// ONNX reference (onnx/reference/ops/op_resize.py): edge-clamped neighbours.
std::vector<std::vector<std::pair<int64_t, double>>> resizeTaps(const ResizeParams &p, int64_t in, int64_t out,
                                                                  double scale) {
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
    } else xo = (x + 0.5) / scale - 0.5; // half_pixel
    double fl = std::floor(xo);
    // The neighbour on the left of xo gets weight 1 - ratio, ratio in (0, 1].
    int64_t base = (int64_t)fl;
    double ratio = xo - fl;
    if (ratio == 0) { base -= 1; ratio = 1; }
    auto clampIdx = [&](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
    auto &tp = taps[x];
    if (p.mode == "nearest") {
      bool right;
      if (ratio == 1) right = true;
      else if (p.nearest == "round_prefer_floor") right = ratio > 0.5;
      else if (p.nearest == "round_prefer_ceil") right = ratio >= 0.5;
      else if (p.nearest == "floor") right = false;
      else right = true; // ceil
      tp.push_back({clampIdx(right ? base + 1 : base), 1.0});
    } else if (p.mode == "linear") {
      tp.push_back({clampIdx(base), 1 - ratio});
      tp.push_back({clampIdx(base + 1), ratio});
    } else { // cubic
      double A = p.cubicA, r = ratio, s = 1 - ratio;
      double w[4] = {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
                     ((A + 2) * r - (A + 3)) * r * r + 1,
                     ((A + 2) * s - (A + 3)) * s * s + 1,
                     ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A};
      int64_t idx[4] = {base - 1, base, base + 1, base + 2};
      if (p.excludeOutside) {
        double sum = 0;
        for (int k = 0; k < 4; ++k) {
          if (idx[k] < 0 || idx[k] >= in) w[k] = 0;
          sum += w[k];
        }
        for (double &v : w) v = sum != 0 ? v / sum : 0;
      }
      for (int k = 0; k < 4; ++k) tp.push_back({clampIdx(idx[k]), w[k]});
    }
    // Drop zero weights (an exact input pixel needs one tap).
    std::vector<std::pair<int64_t, double>> kept;
    for (auto &pr : tp)
      if (pr.second != 0) kept.push_back(pr);
    if (kept.empty()) kept.push_back({tp[0].first, 0.0});
    tp = kept;
  }
  return taps;
}

Status runResize(const OpCtx &c, std::vector<Tensor> &o) {
  ResizeParams p;
  resizeParams(c, p);
  const Shape &in = c.in[0]->shape;
  size_t R = in.size();
  std::vector<std::vector<std::vector<std::pair<int64_t, double>>>> taps(R);
  for (size_t d = 0; d < R; ++d) taps[d] = resizeTaps(p, in[d], p.out[d], p.scales[d]);
  Shape is = stridesOf(in);
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *x = ptr<T>(*c.in[0]);
    T *y = ptr<T>(o[0]);
    int64_t n = o[0].numElements();
    Shape idx(R, 0);
    std::vector<size_t> sel(R);
    for (int64_t k = 0; k < n; ++k) {
      // Sum over the tensor product of the per-dim taps.
      double acc = 0;
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
        while (d > 0) {
          --d;
          if (++sel[d] < taps[d][idx[d]].size()) break;
          sel[d] = 0;
          if (d == 0) { d = R + 1; break; }
        }
        if (d == R + 1 || R == 0) break;
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

void registerMovement(Registry &reg) {
  reg["shape"] = OpDef{1, 1, inferShape, runShape};
  reg["size"] = OpDef{1, 1,
                      [](const OpCtx &, std::vector<Shape> &s, std::vector<DType> &t) { return result(s, t, {}, DType::I64); },
                      [](const OpCtx &c, std::vector<Tensor> &o) {
                        *ptr<int64_t>(o[0]) = c.in[0]->numElements();
                        return Status::success();
                      }};
  reg["range"] = OpDef{3, 3, inferRange, runRange};
  reg["constant_of_shape"] = OpDef{1, 1, inferConstantOfShape, runConstantOfShape};
  reg["reshape"] = OpDef{2, 2, inferReshape, copyInput};
  reg["flatten"] = OpDef{1, 1, inferFlatten, copyInput};
  reg["squeeze"] = OpDef{1, 2, inferSqueeze, copyInput};
  reg["unsqueeze"] = OpDef{1, 2, inferUnsqueeze, copyInput};
  reg["transpose"] = OpDef{1, 1, inferTranspose, runTranspose};
  reg["concat"] = OpDef{1, -1, inferConcat, runConcat};
  reg["split"] = OpDef{1, 2, inferSplit, runSplit};
  reg["slice"] = OpDef{5, 5, inferSlice, runSlice};
  reg["gather"] = OpDef{2, 2, inferGather, runGather};
  reg["gather_elements"] = OpDef{2, 2, inferGatherElements, runGatherElements};
  reg["trilu"] = OpDef{1, 2, inferTrilu, runTrilu};
  reg["cum_sum"] = OpDef{2, 2, inferCumSum, runCumSum};
  reg["pad"] = OpDef{2, 3, inferPad, runPad};
  reg["expand"] = OpDef{2, 2, inferExpand, runExpand};
  reg["tile"] = OpDef{2, 2, inferTile, runTile};
  reg["resize"] = OpDef{1, 2, inferResize, runResize};
}

} // namespace kiln::ref
