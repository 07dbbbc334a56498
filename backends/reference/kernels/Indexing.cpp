//===- Indexing.cpp - scatter/gather, top_k, one_hot, selections, NMS ----===//
//
// Kernels of the ops in ir/include/kiln/ir/KilnIndexingOps.td. The shape
// functions of non_zero, compress, unique and non_max_suppression read their
// inputs' values (the reference plugin calls inferShapes with the data).
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

#include <array>
#include <numeric>

namespace kiln::ref {
namespace {

Status result(std::vector<Shape> &s, std::vector<DType> &t, Shape shape, DType type) {
  s.push_back(std::move(shape));
  t.push_back(type);
  return Status::success();
}

bool isIndexType(DType t) { return t == DType::I32 || t == DType::I64; }

int64_t indexAt(const Tensor &t, int64_t k) {
  return t.dtype == DType::I64 ? ptr<int64_t>(t)[k] : (int64_t)ptr<int32_t>(t)[k];
}

/// An input whose values the shape function needs.
Status needData(const OpCtx &c, size_t i, const char *what) {
  const Tensor *t = c.input(i);
  if (t && t->numElements() > 0 && !t->data)
    return c.fail("the values of ", what, " are needed to compute the result shape but are not given");
  return Status::success();
}

/// Normalizes index v into [0, n) or fails naming it.
Status normIndex(const OpCtx &c, int64_t &v, int64_t n, const char *what, int64_t dim) {
  if (v < -n || v >= n)
    return c.fail("index ", v, " in ", what, " is out of range for dim ", dim, " of size ", n);
  if (v < 0) v += n;
  return Status::success();
}

enum class Red { None, Add, Mul, Max, Min };
Status reductionOf(const OpCtx &c, Red &r) {
  std::string s = c.attrs.getString("reduction", "none");
  if (s == "none") r = Red::None;
  else if (s == "add") r = Red::Add;
  else if (s == "mul") r = Red::Mul;
  else if (s == "max") r = Red::Max;
  else if (s == "min") r = Red::Min;
  else return c.fail("reduction must be none, add, mul, max or min, got '", s, "'");
  return Status::success();
}

/// dst (op)= src for `n` consecutive elements of type T.
template <class T> void combine(T *dst, const T *src, int64_t n, Red r) {
  for (int64_t i = 0; i < n; ++i) {
    if (r == Red::None) { dst[i] = src[i]; continue; }
    if constexpr (isBoolT<T>) {
      bool a = dst[i].v, b = src[i].v;
      bool v = r == Red::Add ? (a || b) : r == Red::Mul ? (a && b) : r == Red::Max ? (a || b) : (a && b);
      dst[i] = BoolT{(uint8_t)v};
    } else {
      auto a = ld(dst[i]), b = ld(src[i]);
      decltype(a) v = r == Red::Add ? (decltype(a))(a + b)
                      : r == Red::Mul ? (decltype(a))(a * b)
                      : r == Red::Max ? std::max(a, b)
                                      : std::min(a, b);
      dst[i] = st<T>(v);
    }
  }
}

// --- scatter_nd, scatter_elements, gather_nd -------------------------------

Status inferScatterND(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  Red r;
  if (Status st = reductionOf(c, r); !st) return st;
  const Tensor &data = *c.in[0], &idx = *c.in[1], &up = *c.in[2];
  if (!isIndexType(idx.dtype)) return c.fail("indices must be i32 or i64, got ", dtypeName(idx.dtype));
  if (Status st = requireSameType(c, 0, 2, "data and updates"); !st) return st;
  if (idx.shape.empty()) return c.fail("indices must have rank >= 1");
  int64_t k = idx.shape.back();
  if (k > (int64_t)data.shape.size())
    return c.fail("index tuples have ", k, " entries but data has rank ", data.shape.size());
  Shape want(idx.shape.begin(), idx.shape.end() - 1);
  want.insert(want.end(), data.shape.begin() + k, data.shape.end());
  if (up.shape != want) return c.fail("updates must have shape ", shapeStr(want), ", got ", shapeStr(up.shape));
  return result(s, t, data.shape, data.dtype);
}
Status runScatterND(const OpCtx &c, std::vector<Tensor> &o) {
  Red r;
  reductionOf(c, r);
  const Tensor &data = *c.in[0], &idx = *c.in[1], &up = *c.in[2];
  if (data.byteSize()) std::memcpy(o[0].data, data.data, data.byteSize());
  int64_t k = idx.shape.back(), tuples = k ? idx.numElements() / k : numel(Shape(idx.shape.begin(), idx.shape.end() - 1));
  Shape ds = stridesOf(data.shape);
  int64_t slice = 1;
  for (size_t d = (size_t)k; d < data.shape.size(); ++d) slice *= data.shape[d];
  // Index tuples are checked before anything is written.
  std::vector<int64_t> offs((size_t)tuples);
  for (int64_t tu = 0; tu < tuples; ++tu) {
    int64_t off = 0;
    for (int64_t j = 0; j < k; ++j) {
      int64_t v = indexAt(idx, tu * k + j);
      if (Status st = normIndex(c, v, data.shape[j], "indices", j); !st) return st;
      off += v * ds[j];
    }
    offs[tu] = off;
  }
  return dispatchAll(data.dtype, [&](auto tag) {
    using T = decltype(tag);
    T *out = ptr<T>(o[0]);
    const T *u = ptr<T>(up);
    for (int64_t tu = 0; tu < tuples; ++tu) combine<T>(out + offs[tu], u + tu * slice, slice, r);
    return Status::success();
  });
}

Status inferScatterElements(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  Red r;
  if (Status st = reductionOf(c, r); !st) return st;
  const Tensor &data = *c.in[0], &idx = *c.in[1], &up = *c.in[2];
  if (!isIndexType(idx.dtype)) return c.fail("indices must be i32 or i64, got ", dtypeName(idx.dtype));
  if (Status st = requireSameType(c, 0, 2, "data and updates"); !st) return st;
  int64_t rank = (int64_t)data.shape.size(), axis, a = c.attrs.getInt("axis", 0);
  if (!c.axis(a, rank, axis)) return c.fail("axis ", a, " is out of range for rank ", rank);
  if ((int64_t)idx.shape.size() != rank)
    return c.fail("indices must have the rank of data (", rank, "), got shape ", shapeStr(idx.shape));
  if (up.shape != idx.shape)
    return c.fail("updates must have the shape of indices ", shapeStr(idx.shape), ", got ", shapeStr(up.shape));
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && idx.shape[d] > data.shape[d])
      return c.fail("indices shape ", shapeStr(idx.shape), " is larger than the data shape ",
                    shapeStr(data.shape), " in dim ", d);
  return result(s, t, data.shape, data.dtype);
}
Status runScatterElements(const OpCtx &c, std::vector<Tensor> &o) {
  Red r;
  reductionOf(c, r);
  const Tensor &data = *c.in[0], &idx = *c.in[1], &up = *c.in[2];
  if (data.byteSize()) std::memcpy(o[0].data, data.data, data.byteSize());
  int64_t rank = (int64_t)data.shape.size(), axis;
  c.axis(c.attrs.getInt("axis", 0), rank, axis);
  Shape ds = stridesOf(data.shape);
  int64_t m = idx.numElements();
  std::vector<int64_t> offs((size_t)m);
  Shape pos(rank, 0);
  for (int64_t e = 0; e < m; ++e) {
    int64_t v = indexAt(idx, e);
    if (Status st = normIndex(c, v, data.shape[axis], "indices", axis); !st) return st;
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) off += (d == axis ? v : pos[d]) * ds[d];
    offs[e] = off;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++pos[d] < idx.shape[d]) break;
      pos[d] = 0;
    }
  }
  return dispatchAll(data.dtype, [&](auto tag) {
    using T = decltype(tag);
    T *out = ptr<T>(o[0]);
    const T *u = ptr<T>(up);
    for (int64_t e = 0; e < m; ++e) combine<T>(out + offs[e], u + e, 1, r);
    return Status::success();
  });
}

Status inferGatherND(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  const Tensor &data = *c.in[0], &idx = *c.in[1];
  if (!isIndexType(idx.dtype)) return c.fail("indices must be i32 or i64, got ", dtypeName(idx.dtype));
  int64_t b = c.attrs.getInt("batch_dims", 0), r = (int64_t)data.shape.size(), q = (int64_t)idx.shape.size();
  if (q < 1) return c.fail("indices must have rank >= 1");
  if (b < 0 || b >= r || b >= q)
    return c.fail("batch_dims ", b, " must be in [0, min(rank(data), rank(indices)) - 1]");
  for (int64_t i = 0; i < b; ++i)
    if (data.shape[i] != idx.shape[i])
      return c.fail("batch dim ", i, " differs: data ", shapeStr(data.shape), ", indices ", shapeStr(idx.shape));
  int64_t k = idx.shape.back();
  if (k < 1 || b + k > r)
    return c.fail("index tuples have ", k, " entries; with batch_dims ", b, " they must be in [1, ", r - b, "]");
  Shape out(idx.shape.begin(), idx.shape.end() - 1);
  out.insert(out.end(), data.shape.begin() + b + k, data.shape.end());
  return result(s, t, out, data.dtype);
}
Status runGatherND(const OpCtx &c, std::vector<Tensor> &o) {
  const Tensor &data = *c.in[0], &idx = *c.in[1];
  int64_t b = c.attrs.getInt("batch_dims", 0), k = idx.shape.back();
  int64_t batch = 1, slice = 1;
  for (int64_t i = 0; i < b; ++i) batch *= data.shape[i];
  for (size_t i = (size_t)(b + k); i < data.shape.size(); ++i) slice *= data.shape[i];
  int64_t perBatch = 1; // index tuples per batch
  for (size_t i = (size_t)b; i + 1 < idx.shape.size(); ++i) perBatch *= idx.shape[i];
  Shape ds = stridesOf(data.shape);
  int64_t batchStride = b ? ds[b - 1] : 0;
  size_t es = dtypeSize(data.dtype);
  const char *src = ptr<char>(data);
  char *dst = ptr<char>(o[0]);
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t tu = 0; tu < perBatch; ++tu) {
      int64_t t = bi * perBatch + tu, off = bi * batchStride;
      for (int64_t j = 0; j < k; ++j) {
        int64_t v = indexAt(idx, t * k + j);
        if (Status st = normIndex(c, v, data.shape[b + j], "indices", b + j); !st) return st;
        off += v * ds[b + j];
      }
      if (slice) std::memcpy(dst + t * slice * es, src + off * es, slice * es);
    }
  return Status::success();
}

// --- top_k ------------------------------------------------------------------

Status readK(const OpCtx &c, int64_t &k) {
  const Tensor &kt = *c.in[1];
  if (kt.dtype != DType::I64) return c.fail("k must be i64, got ", dtypeName(kt.dtype));
  if (kt.shape.size() > 1 || kt.numElements() != 1)
    return c.fail("k must be a scalar (0-D or one element), got shape ", shapeStr(kt.shape));
  if (!kt.data) return c.fail("the value of k is needed to compute the result shape but is not given");
  k = ptr<int64_t>(kt)[0];
  return Status::success();
}
Status inferTopK(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireNumeric(c, 0); !st) return st;
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size(), axis, a = c.attrs.getInt("axis", -1), k;
  if (!c.axis(a, rank, axis)) return c.fail("axis ", a, " is out of range for rank ", rank);
  if (Status st = readK(c, k); !st) return st;
  if (k < 0 || k > in[axis])
    return c.fail("k ", k, " must be in [0, ", in[axis], "] (dim ", axis, " of the input)");
  Shape out = in;
  out[axis] = k;
  result(s, t, out, c.in[0]->dtype);
  return result(s, t, out, DType::I64);
}
Status runTopK(const OpCtx &c, std::vector<Tensor> &o) {
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size(), axis, k;
  c.axis(c.attrs.getInt("axis", -1), rank, axis);
  readK(c, k);
  bool largest = c.attrs.getInt("largest", 1) != 0;
  int64_t n = in[axis], outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= in[i];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= in[i];
  return dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *p = ptr<T>(*c.in[0]);
    T *vals = ptr<T>(o[0]);
    int64_t *ids = ptr<int64_t>(o[1]);
    std::vector<int64_t> order((size_t)n);
    for (int64_t x = 0; x < outer; ++x)
      for (int64_t y = 0; y < inner; ++y) {
        auto at = [&](int64_t j) { return ld(p[(x * n + j) * inner + y]); };
        std::iota(order.begin(), order.end(), 0);
        // Stable: equal values keep the lower index first. NaN sorts as the largest.
        auto before = [&](int64_t i, int64_t j) {
          auto a = at(i), b = at(j);
          if constexpr (isFloatT<T>) {
            bool na = std::isnan((double)a), nb = std::isnan((double)b);
            if (na || nb) return largest ? (na && !nb) : (!na && nb);
          }
          return largest ? a > b : a < b;
        };
        std::stable_sort(order.begin(), order.end(), before);
        for (int64_t j = 0; j < k; ++j) {
          int64_t e = (x * k + j) * inner + y;
          vals[e] = p[(x * n + order[j]) * inner + y];
          ids[e] = order[j];
        }
      }
    return Status::success();
  });
}

// --- one_hot ----------------------------------------------------------------

Status readDepth(const OpCtx &c, int64_t &depth) {
  const Tensor &d = *c.in[1];
  if (!isNumericType(d.dtype)) return c.fail("depth must be numeric, got ", dtypeName(d.dtype));
  if (d.shape.size() > 1 || d.numElements() != 1)
    return c.fail("depth must be a scalar (0-D or one element), got shape ", shapeStr(d.shape));
  if (!d.data) return c.fail("the value of depth is needed to compute the result shape but is not given");
  double v = 0;
  dispatchNumeric(d.dtype, [&](auto tag) {
    using T = decltype(tag);
    v = toDouble(ptr<T>(d)[0]);
    return Status::success();
  });
  if (!(v >= 1) || v > 1e12) return c.fail("depth must be positive, got ", v);
  depth = (int64_t)v;
  return Status::success();
}
Status inferOneHot(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireNumeric(c, 0, "indices"); !st) return st;
  if (c.in[2]->shape.size() != 1 || c.in[2]->numElements() != 2)
    return c.fail("values must be a 1-D tensor of two elements [off, on], got shape ", shapeStr(c.in[2]->shape));
  int64_t depth;
  if (Status st = readDepth(c, depth); !st) return st;
  const Shape &in = c.in[0]->shape;
  int64_t r = (int64_t)in.size() + 1, axis, a = c.attrs.getInt("axis", -1);
  if (!c.axis(a, r, axis)) return c.fail("axis ", a, " is out of range for the result of rank ", r);
  Shape out = in;
  out.insert(out.begin() + axis, depth);
  return result(s, t, out, c.in[2]->dtype);
}
Status runOneHot(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t depth, axis;
  readDepth(c, depth);
  const Shape &in = c.in[0]->shape;
  c.axis(c.attrs.getInt("axis", -1), (int64_t)in.size() + 1, axis);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= in[i];
  for (size_t i = (size_t)axis; i < in.size(); ++i) inner *= in[i];
  std::vector<double> idx((size_t)c.in[0]->numElements());
  dispatchNumeric(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    for (size_t e = 0; e < idx.size(); ++e) idx[e] = toDouble(ptr<T>(*c.in[0])[e]);
    return Status::success();
  });
  size_t es = dtypeSize(c.in[2]->dtype);
  const char *off = ptr<char>(*c.in[2]), *on = off + es;
  char *dst = ptr<char>(o[0]);
  for (int64_t x = 0; x < outer; ++x)
    for (int64_t j = 0; j < depth; ++j)
      for (int64_t y = 0; y < inner; ++y) {
        double v = std::trunc(idx[x * inner + y]);
        if (v < 0) v += (double)depth;
        std::memcpy(dst + ((x * depth + j) * inner + y) * es, v == (double)j ? on : off, es);
      }
  return Status::success();
}

// --- non_zero, compress, unique --------------------------------------------

/// Whether element e is nonzero (NaN counts as nonzero, as numpy).
std::vector<int64_t> nonzeroPositions(const Tensor &t) {
  std::vector<int64_t> r;
  dispatchAll(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *p = ptr<T>(t);
    for (int64_t e = 0; e < t.numElements(); ++e) {
      bool nz;
      if constexpr (isBoolT<T>) nz = p[e].v != 0;
      else nz = ld(p[e]) != 0 || (isFloatT<T> && std::isnan((double)ld(p[e])));
      if (nz) r.push_back(e);
    }
    return Status::success();
  });
  return r;
}
Status inferNonZero(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = needData(c, 0, "the input"); !st) return st;
  int64_t r = std::max<int64_t>(1, (int64_t)c.in[0]->shape.size());
  return result(s, t, {r, (int64_t)nonzeroPositions(*c.in[0]).size()}, DType::I64);
}
Status runNonZero(const OpCtx &c, std::vector<Tensor> &o) {
  const Tensor &in = *c.in[0];
  auto pos = nonzeroPositions(in);
  Shape shape = in.shape.empty() ? Shape{1} : in.shape, st = stridesOf(shape);
  int64_t n = (int64_t)pos.size();
  int64_t *q = ptr<int64_t>(o[0]);
  for (size_t d = 0; d < shape.size(); ++d)
    for (int64_t j = 0; j < n; ++j) q[d * n + j] = in.shape.empty() ? 0 : (pos[j] / st[d]) % shape[d];
  return Status::success();
}

/// The selected positions along the compressed dim (of length n).
Status compressSelection(const OpCtx &c, int64_t n, std::vector<int64_t> &sel) {
  const Tensor &cond = *c.in[1];
  if (cond.dtype != DType::Bool) return c.fail("condition must be bool, got ", dtypeName(cond.dtype));
  if (cond.shape.size() != 1) return c.fail("condition must be 1-D, got shape ", shapeStr(cond.shape));
  if (Status st = needData(c, 1, "condition"); !st) return st;
  sel.clear();
  for (int64_t j = 0; j < cond.shape[0]; ++j)
    if (ptr<BoolT>(cond)[j].v) {
      if (j >= n) return c.fail("condition selects entry ", j, " but the dim has size ", n);
      sel.push_back(j);
    }
  return Status::success();
}
Status compressGeometry(const OpCtx &c, int64_t &outer, int64_t &n, int64_t &inner, Shape &out,
                        std::vector<int64_t> &sel) {
  const Shape &in = c.in[0]->shape;
  outer = 1; inner = 1;
  if (!c.attrs.has("axis")) {
    n = numel(in);
    if (Status st = compressSelection(c, n, sel); !st) return st;
    out = {(int64_t)sel.size()};
    return Status::success();
  }
  int64_t rank = (int64_t)in.size(), axis, a = c.attrs.getInt("axis", 0);
  if (!c.axis(a, rank, axis)) return c.fail("axis ", a, " is out of range for rank ", rank);
  n = in[axis];
  for (int64_t i = 0; i < axis; ++i) outer *= in[i];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= in[i];
  if (Status st = compressSelection(c, n, sel); !st) return st;
  out = in;
  out[axis] = (int64_t)sel.size();
  return Status::success();
}
Status inferCompress(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  int64_t outer, n, inner;
  Shape out;
  std::vector<int64_t> sel;
  if (Status st = compressGeometry(c, outer, n, inner, out, sel); !st) return st;
  return result(s, t, out, c.in[0]->dtype);
}
Status runCompress(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t outer, n, inner;
  Shape out;
  std::vector<int64_t> sel;
  if (Status st = compressGeometry(c, outer, n, inner, out, sel); !st) return st;
  size_t es = dtypeSize(c.in[0]->dtype), m = sel.size();
  const char *src = ptr<char>(*c.in[0]);
  char *dst = ptr<char>(o[0]);
  for (int64_t x = 0; x < outer; ++x)
    for (size_t j = 0; j < m; ++j)
      std::memcpy(dst + (x * m + j) * inner * es, src + (x * n + sel[j]) * inner * es, inner * es);
  return Status::success();
}

/// Unique slices: the input seen as [outer, n, inner] with slices along n.
struct UniqueResult {
  std::vector<int64_t> firstIndex; // per unique slice, in output order
  std::vector<int64_t> inverse;    // per input slice
  std::vector<int64_t> counts;
  int64_t outer = 1, n = 0, inner = 1;
};
Status computeUnique(const OpCtx &c, UniqueResult &u) {
  if (Status st = needData(c, 0, "the input"); !st) return st;
  const Tensor &in = *c.in[0];
  if (!c.attrs.has("axis")) {
    u.n = in.numElements();
  } else {
    int64_t rank = (int64_t)in.shape.size(), axis, a = c.attrs.getInt("axis", 0);
    if (!c.axis(a, rank, axis)) return c.fail("axis ", a, " is out of range for rank ", rank);
    u.n = in.shape[axis];
    for (int64_t i = 0; i < axis; ++i) u.outer *= in.shape[i];
    for (int64_t i = axis + 1; i < rank; ++i) u.inner *= in.shape[i];
  }
  bool sorted = c.attrs.getInt("sorted", 1) != 0;
  return dispatchAll(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *p = ptr<T>(in);
    auto val = [&](int64_t slice, int64_t x, int64_t y) { return toDouble(p[(x * u.n + slice) * u.inner + y]); };
    // Lexicographic comparison of two slices (element order: outer, then inner).
    auto cmp = [&](int64_t a, int64_t b) {
      for (int64_t x = 0; x < u.outer; ++x)
        for (int64_t y = 0; y < u.inner; ++y) {
          double va = val(a, x, y), vb = val(b, x, y);
          bool na = std::isnan(va), nb = std::isnan(vb); // NaN after every number, NaNs equal
          if (na || nb) {
            if (na != nb) return na ? 1 : -1;
            continue;
          }
          if (va < vb) return -1;
          if (va > vb) return 1;
        }
      return 0;
    };
    std::vector<int64_t> order((size_t)u.n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return cmp(a, b) < 0; });
    // Groups of equal slices in sorted order; each group's first member is its first occurrence.
    std::vector<int64_t> groupOf((size_t)u.n), first, count;
    for (size_t i = 0; i < order.size(); ++i) {
      if (i == 0 || cmp(order[i - 1], order[i]) != 0) {
        first.push_back(order[i]);
        count.push_back(0);
      }
      groupOf[order[i]] = (int64_t)first.size() - 1;
      ++count.back();
    }
    std::vector<int64_t> rank(first.size());
    std::iota(rank.begin(), rank.end(), 0);
    if (!sorted) // order of first occurrence
      std::sort(rank.begin(), rank.end(), [&](int64_t a, int64_t b) { return first[a] < first[b]; });
    std::vector<int64_t> posOf(first.size());
    for (size_t i = 0; i < rank.size(); ++i) posOf[rank[i]] = (int64_t)i;
    u.firstIndex.resize(first.size());
    u.counts.resize(first.size());
    for (size_t g = 0; g < first.size(); ++g) {
      u.firstIndex[posOf[g]] = first[g];
      u.counts[posOf[g]] = count[g];
    }
    u.inverse.resize((size_t)u.n);
    for (int64_t i = 0; i < u.n; ++i) u.inverse[i] = posOf[groupOf[i]];
    return Status::success();
  });
}
Status inferUnique(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  UniqueResult u;
  if (Status st = computeUnique(c, u); !st) return st;
  int64_t m = (int64_t)u.firstIndex.size();
  Shape y = {m};
  if (c.attrs.has("axis")) {
    int64_t axis;
    c.axis(c.attrs.getInt("axis", 0), (int64_t)c.in[0]->shape.size(), axis);
    y = c.in[0]->shape;
    y[axis] = m;
  }
  result(s, t, y, c.in[0]->dtype);
  result(s, t, {m}, DType::I64);
  result(s, t, {u.n}, DType::I64);
  return result(s, t, {m}, DType::I64);
}
Status runUnique(const OpCtx &c, std::vector<Tensor> &o) {
  UniqueResult u;
  if (Status st = computeUnique(c, u); !st) return st;
  size_t es = dtypeSize(c.in[0]->dtype), m = u.firstIndex.size();
  const char *src = ptr<char>(*c.in[0]);
  char *dst = ptr<char>(o[0]);
  for (int64_t x = 0; x < u.outer; ++x)
    for (size_t j = 0; j < m; ++j)
      std::memcpy(dst + (x * m + j) * u.inner * es, src + (x * u.n + u.firstIndex[j]) * u.inner * es,
                  u.inner * es);
  std::copy(u.firstIndex.begin(), u.firstIndex.end(), ptr<int64_t>(o[1]));
  std::copy(u.inverse.begin(), u.inverse.end(), ptr<int64_t>(o[2]));
  std::copy(u.counts.begin(), u.counts.end(), ptr<int64_t>(o[3]));
  return Status::success();
}

// --- reverse_sequence -------------------------------------------------------

Status reverseAxes(const OpCtx &c, int64_t &b, int64_t &t) {
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size();
  if (rank < 2) return c.fail("input must have rank >= 2, got shape ", shapeStr(in));
  if (!c.axis(c.attrs.getInt("batch_axis", 1), rank, b) || !c.axis(c.attrs.getInt("time_axis", 0), rank, t) ||
      b > 1 || t > 1 || b == t)
    return c.fail("batch_axis and time_axis must be 0 and 1 in either order");
  return Status::success();
}
Status inferReverseSequence(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  int64_t b, ta;
  if (Status st = reverseAxes(c, b, ta); !st) return st;
  const Tensor &lens = *c.in[1];
  if (!isIndexType(lens.dtype)) return c.fail("sequence_lens must be i32 or i64, got ", dtypeName(lens.dtype));
  if (lens.shape.size() != 1 || lens.shape[0] != c.in[0]->shape[b])
    return c.fail("sequence_lens must have shape [", c.in[0]->shape[b], "], got ", shapeStr(lens.shape));
  return result(s, t, c.in[0]->shape, c.in[0]->dtype);
}
Status runReverseSequence(const OpCtx &c, std::vector<Tensor> &o) {
  int64_t b, ta;
  reverseAxes(c, b, ta);
  const Shape &in = c.in[0]->shape;
  Shape st = stridesOf(in);
  int64_t nb = in[b], nt = in[ta], inner = st[1];
  size_t es = dtypeSize(c.in[0]->dtype);
  const char *src = ptr<char>(*c.in[0]);
  char *dst = ptr<char>(o[0]);
  for (int64_t i = 0; i < nb; ++i) {
    int64_t len = indexAt(*c.in[1], i);
    if (len < 0 || len > nt) return c.fail("sequence_lens[", i, "] = ", len, " is outside [0, ", nt, "]");
    for (int64_t j = 0; j < nt; ++j) {
      int64_t from = j < len ? len - 1 - j : j;
      int64_t d = i * st[b] + j * st[ta], s0 = i * st[b] + from * st[ta];
      std::memcpy(dst + d * es, src + s0 * es, inner * es);
    }
  }
  return Status::success();
}

// --- grid_sample ------------------------------------------------------------

Status inferGridSample(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  if (Status st = requireFloat(c, 0); !st) return st;
  if (Status st = requireFloat(c, 1, "grid"); !st) return st;
  std::string mode = c.attrs.getString("mode", "linear"), pad = c.attrs.getString("padding_mode", "zeros");
  if (mode != "linear" && mode != "nearest" && mode != "cubic")
    return c.fail("mode must be linear, nearest or cubic, got '", mode, "'");
  if (pad != "zeros" && pad != "border" && pad != "reflection")
    return c.fail("padding_mode must be zeros, border or reflection, got '", pad, "'");
  const Shape &x = c.in[0]->shape, &g = c.in[1]->shape;
  if (x.size() < 3) return c.fail("input must have rank >= 3, got shape ", shapeStr(x));
  int64_t r = (int64_t)x.size() - 2;
  if ((int64_t)g.size() != r + 2 || g.back() != r || g[0] != x[0])
    return c.fail("grid must have shape [", x[0], ", spatial..., ", r, "], got ", shapeStr(g));
  if (mode == "cubic" && r != 2) return c.fail("cubic mode needs a 2-D input");
  Shape out{x[0], x[1]};
  out.insert(out.end(), g.begin() + 1, g.end() - 1);
  return result(s, t, out, c.in[0]->dtype);
}

double denormalize(double v, int64_t len, bool alignCorners) {
  return alignCorners ? (v + 1) / 2 * (double)(len - 1) : ((v + 1) * (double)len - 1) / 2;
}
double reflect(double x, double lo, double hi) {
  double range = hi - lo;
  if (range == 0) return lo;
  if (x < lo) {
    double dx = lo - x;
    int64_t n = (int64_t)(dx / range);
    double r = dx - (double)n * range;
    return n % 2 == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    double dx = x - hi;
    int64_t n = (int64_t)(dx / range);
    double r = dx - (double)n * range;
    return n % 2 == 0 ? hi - r : lo + r;
  }
  return x;
}

Status runGridSample(const OpCtx &c, std::vector<Tensor> &o) {
  std::string mode = c.attrs.getString("mode", "linear"), pad = c.attrs.getString("padding_mode", "zeros");
  bool ac = c.attrs.getInt("align_corners", 0) != 0;
  const Shape &xs = c.in[0]->shape, &gs = c.in[1]->shape;
  int64_t r = (int64_t)xs.size() - 2, N = xs[0], C = xs[1];
  Shape dims(xs.begin() + 2, xs.end()), ds = stridesOf(dims);
  int64_t inSpatial = numel(dims), outSpatial = 1;
  for (int64_t i = 1; i <= r; ++i) outSpatial *= gs[i];
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<double> x((size_t)c.in[0]->numElements()), g((size_t)c.in[1]->numElements());
    for (size_t i = 0; i < x.size(); ++i) x[i] = toDouble(ptr<T>(*c.in[0])[i]);
    Status gst = dispatchFloat(c.in[1]->dtype, [&](auto gtag) {
      using G = decltype(gtag);
      for (size_t i = 0; i < g.size(); ++i) g[i] = toDouble(ptr<G>(*c.in[1])[i]);
      return Status::success();
    });
    if (!gst) return gst;
    T *out = ptr<T>(o[0]);
    std::vector<double> lo(r), hi(r);
    for (int64_t d = 0; d < r; ++d) {
      lo[d] = ac ? 0 : -0.5;
      hi[d] = ac ? (double)(dims[d] - 1) : (double)dims[d] - 0.5;
    }
    // Value at integer position idx (per dim), with padding.
    auto pixel = [&](const double *plane, const std::vector<int64_t> &idx) -> double {
      int64_t off = 0;
      for (int64_t d = 0; d < r; ++d) {
        int64_t i = idx[d];
        if (i < 0 || i >= dims[d]) {
          if (pad == "zeros") return 0.0;
          if (pad == "border") i = std::clamp<int64_t>(i, 0, dims[d] - 1);
          else i = (int64_t)reflect((double)i, lo[d], hi[d]), i = std::clamp<int64_t>(i, 0, dims[d] - 1);
        }
        off += i * ds[d];
      }
      return plane[off];
    };
    std::vector<double> coord(r);
    std::vector<int64_t> idx(r);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t p = 0; p < outSpatial; ++p) {
        // grid's last dim lists x (the last spatial dim) first.
        const double *gp = &g[(n * outSpatial + p) * r];
        for (int64_t d = 0; d < r; ++d) {
          // As ONNX's reference: nearest rounds first, then a coordinate
          // outside the border is clamped (border) or reflected (reflection).
          double v = denormalize(gp[r - 1 - d], dims[d], ac);
          if (mode == "nearest") v = std::nearbyint(v);
          if (v < lo[d] || v > hi[d]) {
            if (pad == "border") v = std::clamp(v, 0.0, (double)(dims[d] - 1));
            else if (pad == "reflection") v = reflect(v, lo[d], hi[d]);
          }
          coord[d] = v;
        }
        // NaN propagates; far-away coordinates are clamped to just outside
        // the input (same samples, no overflowing integer conversion).
        bool nan = false;
        for (int64_t d = 0; d < r; ++d) {
          if (std::isnan(coord[d])) nan = true;
          else coord[d] = std::clamp(coord[d], -(double)dims[d] - 4, 2.0 * (double)dims[d] + 4);
        }
        for (int64_t ch = 0; ch < C; ++ch) {
          const double *plane = &x[(n * C + ch) * inSpatial];
          double v = 0;
          if (nan) {
            out[(n * C + ch) * outSpatial + p] = fromDouble<T>(std::nan(""));
            continue;
          }
          if (mode == "nearest") {
            for (int64_t d = 0; d < r; ++d) idx[d] = (int64_t)std::nearbyint(coord[d]);
            v = pixel(plane, idx);
          } else if (mode == "linear") {
            for (int64_t corner = 0; corner < (int64_t(1) << r); ++corner) {
              double w = 1;
              for (int64_t d = 0; d < r; ++d) {
                double f = std::floor(coord[d]), t = coord[d] - f;
                bool up = (corner >> d) & 1;
                idx[d] = (int64_t)f + (up ? 1 : 0);
                w *= up ? t : 1 - t;
              }
              if (w != 0) v += w * pixel(plane, idx);
            }
          } else { // cubic, 2-D: 4x4 neighbourhood, A = -0.75
            auto coeffs = [](double t, double *cf) {
              const double A = -0.75;
              double x0 = t + 1, x1 = t, x2 = 1 - t, x3 = 2 - t;
              cf[0] = ((A * x0 - 5 * A) * x0 + 8 * A) * x0 - 4 * A;
              cf[1] = ((A + 2) * x1 - (A + 3)) * x1 * x1 + 1;
              cf[2] = ((A + 2) * x2 - (A + 3)) * x2 * x2 + 1;
              cf[3] = ((A * x3 - 5 * A) * x3 + 8 * A) * x3 - 4 * A;
            };
            double fy = std::floor(coord[0]), fx = std::floor(coord[1]), cy[4], cx[4];
            coeffs(coord[0] - fy, cy);
            coeffs(coord[1] - fx, cx);
            for (int i = 0; i < 4; ++i)
              for (int j = 0; j < 4; ++j) {
                idx[0] = (int64_t)fy - 1 + i;
                idx[1] = (int64_t)fx - 1 + j;
                v += cy[i] * cx[j] * pixel(plane, idx);
              }
          }
          out[(n * C + ch) * outSpatial + p] = fromDouble<T>(v);
        }
      }
    return Status::success();
  });
}

// --- non_max_suppression ----------------------------------------------------

bool absentOperand(const Tensor *t) { return !t || (t->shape.size() == 1 && t->shape[0] == 0); }

struct NmsParams {
  int64_t maxPerClass = 0;
  double iou = 0, score = 0;
  bool hasScore = false;
};
Status nmsParams(const OpCtx &c, NmsParams &p) {
  const Shape &b = c.in[0]->shape, &s = c.in[1]->shape;
  if (b.size() != 3 || b[2] != 4) return c.fail("boxes must have shape [batch, boxes, 4], got ", shapeStr(b));
  if (s.size() != 3 || s[0] != b[0] || s[2] != b[1])
    return c.fail("scores must have shape [", b[0], ", classes, ", b[1], "], got ", shapeStr(s));
  if (Status st = requireFloat(c, 0, "boxes"); !st) return st;
  if (Status st = requireFloat(c, 1, "scores"); !st) return st;
  auto scalar = [&](size_t i, const char *what, double &v, bool &present) -> Status {
    const Tensor *t = c.input(i);
    present = !absentOperand(t);
    if (!present) return Status::success();
    if (t->shape.size() > 1 || t->numElements() != 1)
      return c.fail(what, " must be a scalar (0-D or one element), got shape ", shapeStr(t->shape));
    if (Status st = needData(c, i, what); !st) return st;
    return dispatchNumeric(t->dtype, [&](auto tag) {
      using T = decltype(tag);
      v = toDouble(ptr<T>(*t)[0]);
      return Status::success();
    });
  };
  double m = 0;
  bool present;
  if (Status st = scalar(2, "max_output_boxes_per_class", m, present); !st) return st;
  if (present && !(m >= -1e18 && m <= 1e18)) return c.fail("max_output_boxes_per_class is out of range");
  p.maxPerClass = present ? (int64_t)m : 0;
  if (Status st = scalar(3, "iou_threshold", p.iou, present); !st) return st;
  if (present && (p.iou < 0 || p.iou > 1)) return c.fail("iou_threshold must be in [0, 1], got ", p.iou);
  return scalar(4, "score_threshold", p.score, p.hasScore);
}
Status computeNms(const OpCtx &c, std::vector<int64_t> &sel) {
  NmsParams p;
  if (Status st = nmsParams(c, p); !st) return st;
  if (Status st = needData(c, 0, "boxes"); !st) return st;
  if (Status st = needData(c, 1, "scores"); !st) return st;
  const Shape &bs = c.in[0]->shape, &ss = c.in[1]->shape;
  int64_t B = bs[0], N = bs[1], C = ss[1];
  bool center = c.attrs.getInt("center_point_box", 0) != 0;
  std::vector<double> boxes((size_t)c.in[0]->numElements()), scores((size_t)c.in[1]->numElements());
  dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < boxes.size(); ++i) boxes[i] = toDouble(ptr<T>(*c.in[0])[i]);
    return Status::success();
  });
  dispatchFloat(c.in[1]->dtype, [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < scores.size(); ++i) scores[i] = toDouble(ptr<T>(*c.in[1])[i]);
    return Status::success();
  });
  // Corners (y1, x1, y2, x2) with y1 <= y2 and x1 <= x2.
  std::vector<std::array<double, 4>> corner((size_t)(B * N));
  for (int64_t i = 0; i < B * N; ++i) {
    const double *q = &boxes[i * 4];
    if (center) {
      corner[i] = {q[1] - q[3] / 2, q[0] - q[2] / 2, q[1] + q[3] / 2, q[0] + q[2] / 2};
    } else {
      corner[i] = {std::min(q[0], q[2]), std::min(q[1], q[3]), std::max(q[0], q[2]), std::max(q[1], q[3])};
    }
  }
  auto iou = [&](const std::array<double, 4> &a, const std::array<double, 4> &b) {
    double ih = std::min(a[2], b[2]) - std::max(a[0], b[0]), iw = std::min(a[3], b[3]) - std::max(a[1], b[1]);
    if (ih <= 0 || iw <= 0) return 0.0;
    double inter = ih * iw, ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    return ua > 0 ? inter / ua : 0.0;
  };
  sel.clear();
  if (p.maxPerClass <= 0) return Status::success();
  std::vector<int64_t> cand, kept;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t cl = 0; cl < C; ++cl) {
      const double *sc = scores.data() + (b * C + cl) * N; // N may be 0
      cand.clear();
      for (int64_t i = 0; i < N; ++i)
        if (!p.hasScore || sc[i] > p.score) cand.push_back(i);
      // Highest score first; equal scores keep the lower box index first.
      std::stable_sort(cand.begin(), cand.end(), [&](int64_t x, int64_t y) { return sc[x] > sc[y]; });
      kept.clear();
      for (int64_t i : cand) {
        if ((int64_t)kept.size() >= p.maxPerClass) break;
        bool drop = false;
        for (int64_t k : kept)
          if (iou(corner[b * N + i], corner[b * N + k]) > p.iou) { drop = true; break; }
        if (drop) continue;
        kept.push_back(i);
        sel.insert(sel.end(), {b, cl, i});
      }
    }
  return Status::success();
}
Status inferNms(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  std::vector<int64_t> sel;
  if (Status st = computeNms(c, sel); !st) return st;
  return result(s, t, {(int64_t)sel.size() / 3, 3}, DType::I64);
}
Status runNms(const OpCtx &c, std::vector<Tensor> &o) {
  std::vector<int64_t> sel;
  if (Status st = computeNms(c, sel); !st) return st;
  std::copy(sel.begin(), sel.end(), ptr<int64_t>(o[0]));
  return Status::success();
}

// --- center_crop_pad --------------------------------------------------------

Status cropPadGeometry(const OpCtx &c, Shape &out, std::vector<int64_t> &offset) {
  const Shape &in = c.in[0]->shape;
  int64_t rank = (int64_t)in.size();
  std::vector<int64_t> axes, sizes;
  if (auto ax = c.attrs.getInts("axes")) {
    for (int64_t a : *ax) {
      int64_t n;
      if (!c.axis(a, rank, n)) return c.fail("axis ", a, " is out of range for rank ", rank);
      if (std::find(axes.begin(), axes.end(), n) != axes.end()) return c.fail("axis ", a, " is repeated");
      axes.push_back(n);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  if (Status st = needData(c, 1, "shape"); !st) return st;
  if (Status st = c.readInts(1, "shape", sizes); !st) return st;
  if (sizes.size() != axes.size())
    return c.fail("shape has ", sizes.size(), " entries but there are ", axes.size(), " axes");
  out = in;
  offset.assign((size_t)rank, 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i], want = sizes[i];
    if (want < 0) return c.fail("shape entry ", want, " is negative");
    out[a] = want;
    // out index j reads input index j - offset.
    offset[a] = want >= in[a] ? (want - in[a]) / 2 : -((in[a] - want) / 2);
  }
  return Status::success();
}
Status inferCenterCropPad(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  Shape out;
  std::vector<int64_t> offset;
  if (Status st = cropPadGeometry(c, out, offset); !st) return st;
  return result(s, t, out, c.in[0]->dtype);
}
Status runCenterCropPad(const OpCtx &c, std::vector<Tensor> &o) {
  Shape out;
  std::vector<int64_t> offset;
  if (Status st = cropPadGeometry(c, out, offset); !st) return st;
  const Shape &in = c.in[0]->shape;
  Shape is = stridesOf(in);
  size_t es = dtypeSize(c.in[0]->dtype), R = out.size();
  const char *src = ptr<char>(*c.in[0]);
  char *dst = ptr<char>(o[0]);
  int64_t n = numel(out);
  Shape idx(R, 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t off = 0;
    bool inside = true;
    for (size_t d = 0; d < R; ++d) {
      int64_t j = idx[d] - offset[d];
      if (j < 0 || j >= in[d]) { inside = false; break; }
      off += j * is[d];
    }
    if (inside) std::memcpy(dst + e * es, src + off * es, es);
    else std::memset(dst + e * es, 0, es);
    for (int64_t d = (int64_t)R - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return Status::success();
}

// --- tfidf_vectorizer ---------------------------------------------------------

struct TfIdf {
  int64_t lo, hi, skip, width = 0;
  std::string mode;
  std::vector<int64_t> counts, idx, pool;
  std::vector<double> weights;
};
Status tfidfParams(const OpCtx &c, TfIdf &p) {
  if (!isIndexType(c.in[0]->dtype)) return c.fail("input must be i32 or i64, got ", dtypeName(c.in[0]->dtype));
  const Shape &x = c.in[0]->shape;
  if (x.size() != 1 && x.size() != 2) return c.fail("input must be [N] or [B, N], got shape ", shapeStr(x));
  p.lo = c.attrs.getInt("min_gram_length", 1);
  p.hi = c.attrs.getInt("max_gram_length", 1);
  p.skip = c.attrs.getInt("max_skip_count", 0);
  p.mode = c.attrs.getString("mode", "TF");
  p.counts = c.attrs.getInts("ngram_counts").value_or(std::vector<int64_t>{});
  p.idx = c.attrs.getInts("ngram_indexes").value_or(std::vector<int64_t>{});
  p.pool = c.attrs.getInts("pool_int64s").value_or(std::vector<int64_t>{});
  if (p.mode != "TF" && p.mode != "IDF" && p.mode != "TFIDF") return c.fail("mode must be TF, IDF or TFIDF");
  if (p.lo < 1 || p.hi < p.lo || p.skip < 0 || (int64_t)p.counts.size() < p.hi)
    return c.fail("gram lengths, max_skip_count or ngram_counts are inconsistent");
  int64_t ngrams = 0;
  for (size_t n = 0; n < p.counts.size(); ++n) {
    int64_t start = p.counts[n], end = n + 1 < p.counts.size() ? p.counts[n + 1] : (int64_t)p.pool.size();
    if (start < 0 || end < start || end > (int64_t)p.pool.size() || (end - start) % (int64_t)(n + 1))
      return c.fail("ngram_counts does not split pool_int64s into groups of ", n + 1, "-grams");
    ngrams += (end - start) / (int64_t)(n + 1);
  }
  if ((int64_t)p.idx.size() != ngrams) return c.fail("ngram_indexes must have one entry per pool n-gram");
  for (int64_t i : p.idx) {
    if (i < 0) return c.fail("ngram_indexes has a negative entry");
    p.width = std::max(p.width, i + 1);
  }
  p.weights = c.attrs.getFloats("weights").value_or(std::vector<double>(p.idx.size(), 1.0));
  if (p.weights.size() != p.idx.size()) return c.fail("weights must have one entry per pool n-gram");
  return Status::success();
}
Status inferTfIdf(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  TfIdf p;
  if (Status st = tfidfParams(c, p); !st) return st;
  const Shape &x = c.in[0]->shape;
  return result(s, t, x.size() == 1 ? Shape{p.width} : Shape{x[0], p.width}, DType::F32);
}
Status runTfIdf(const OpCtx &c, std::vector<Tensor> &o) {
  TfIdf p;
  if (Status st = tfidfParams(c, p); !st) return st;
  const Shape &x = c.in[0]->shape;
  int64_t rows = x.size() == 1 ? 1 : x[0], len = x.back();
  // Pool n-gram number of group n's k-th n-gram: the count of those before it.
  std::vector<int64_t> firstNumber(p.counts.size(), 0);
  for (size_t n = 1; n < p.counts.size(); ++n)
    firstNumber[n] = firstNumber[n - 1] + (p.counts[n] - p.counts[n - 1]) / (int64_t)n;
  float *out = ptr<float>(o[0]);
  std::fill(out, out + o[0].numElements(), 0.0f);
  std::vector<double> freq((size_t)p.idx.size());
  for (int64_t r = 0; r < rows; ++r) {
    std::fill(freq.begin(), freq.end(), 0.0);
    auto tok = [&](int64_t i) { return indexAt(*c.in[0], r * len + i); };
    for (int64_t n = p.lo; n <= p.hi; ++n) {
      int64_t start = p.counts[n - 1], end = n < (int64_t)p.counts.size() ? p.counts[n] : (int64_t)p.pool.size();
      int64_t groupSize = (end - start) / n;
      for (int64_t sk = 0; sk <= (n == 1 ? 0 : p.skip); ++sk)
        for (int64_t i = 0; i + (n - 1) * (sk + 1) < len; ++i)
          for (int64_t g = 0; g < groupSize; ++g) {
            bool match = true;
            for (int64_t j = 0; j < n && match; ++j) match = tok(i + j * (sk + 1)) == p.pool[start + g * n + j];
            if (match) freq[firstNumber[n - 1] + g] += 1;
          }
    }
    for (size_t k = 0; k < p.idx.size(); ++k) {
      double f = freq[k], v = p.mode == "TF" ? f : p.mode == "IDF" ? (f > 0 ? p.weights[k] : 0.0) : f * p.weights[k];
      out[r * p.width + p.idx[k]] += (float)v;
    }
  }
  return Status::success();
}

} // namespace

void registerIndexing(Registry &reg) {
  reg["tfidf_vectorizer"] = OpDef{1, 1, inferTfIdf, runTfIdf};
  reg["center_crop_pad"] = OpDef{2, 2, inferCenterCropPad, runCenterCropPad};
  reg["scatter_nd"] = OpDef{3, 3, inferScatterND, runScatterND};
  reg["scatter_elements"] = OpDef{3, 3, inferScatterElements, runScatterElements};
  reg["gather_nd"] = OpDef{2, 2, inferGatherND, runGatherND};
  reg["top_k"] = OpDef{2, 2, inferTopK, runTopK};
  reg["one_hot"] = OpDef{3, 3, inferOneHot, runOneHot};
  reg["non_zero"] = OpDef{1, 1, inferNonZero, runNonZero};
  reg["compress"] = OpDef{2, 2, inferCompress, runCompress};
  reg["unique"] = OpDef{1, 1, inferUnique, runUnique};
  reg["reverse_sequence"] = OpDef{2, 2, inferReverseSequence, runReverseSequence};
  reg["grid_sample"] = OpDef{2, 2, inferGridSample, runGridSample};
  reg["non_max_suppression"] = OpDef{5, 5, inferNms, runNms};
}

} // namespace kiln::ref
