//===- Indexing.cpp - type inference of the indexing op family ------------===//
//
// Ops of include/kiln/ir/KilnIndexingOps.td: scatter/gather, top_k, one_hot,
// the data-dependent selections (non_zero, compress, unique), reverse_sequence,
// grid_sample and non_max_suppression. Inference checks what the operand types
// allow; sizes that depend on values are `?`. These ops have no folder: the
// constant-folding pass evaluates them on the reference kernels.
//
//===----------------------------------------------------------------------===//
#include "../ShapeUtils.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"

using namespace mlir;

namespace kiln {
namespace {

Type tensorOf(ArrayRef<int64_t> shape, Type elt) { return RankedTensorType::get(shape, elt); }
Type unrankedOf(Type elt) { return UnrankedTensorType::get(elt); }
Type eltOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }
RankedTensorType rankedOf(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }

LogicalResult checkReduction(const Diag &d, StringRef r) {
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min")
    return d.fail("reduction must be none, add, mul, max or min, got '", r, "'");
  return success();
}

/// A run-time scalar operand: 0-D or one element (or, where `allowEmpty`, empty).
LogicalResult checkScalar(const Diag &d, Value v, StringRef what, bool allowEmpty = false) {
  auto t = rankedOf(v);
  if (!t)
    return success();
  int64_t n = staticNumElements(t.getShape());
  if (t.getRank() > 1 || (n >= 0 && n != 1 && !(allowEmpty && n == 0)))
    return d.fail(what, " must be a scalar (0-D or one element)", allowEmpty ? " or empty" : "",
                  ", got ", t);
  return success();
}

bool knownDiffer(int64_t a, int64_t b) { return !isDyn(a) && !isDyn(b) && a != b; }

/// Constant index tuples (the last dim of `indices`, k entries) must address
/// dims first..first+k-1 of `data` within [-size, size): a compile-time error
/// instead of a run-time one.
LogicalResult checkConstTuples(const Diag &d, Value indices, RankedTensorType data, int64_t first,
                               int64_t k) {
  auto c = getConstantInts(indices);
  if (!c || !data || k < 1)
    return success();
  for (size_t e = 0; e < c->size(); ++e) {
    int64_t dim = first + (int64_t)(e % k), n = data.getDimSize(dim), v = (*c)[e];
    if (!isDyn(n) && (v < -n || v >= n))
      return d.fail("index ", v, " is out of range for dim ", dim, " of size ", n, " of data ",
                    data);
  }
  return success();
}

} // namespace


KILN_INFER(ScatterNDOp) {
  KILN_ADAPTOR(ScatterNDOp);
  if (failed(checkReduction(d, a.getReduction())))
    return failure();
  if (eltOf(a.getData()) != eltOf(a.getUpdates()))
    return d.fail("updates element type ", eltOf(a.getUpdates()), " differs from data's ",
                  eltOf(a.getData()));
  auto t = rankedOf(a.getData()), idx = rankedOf(a.getIndices()), up = rankedOf(a.getUpdates());
  if (idx && idx.getRank() < 1)
    return d.fail("indices must have rank >= 1, got ", idx);
  if (t && idx && up) {
    int64_t k = idx.getDimSize(idx.getRank() - 1);
    if (!isDyn(k)) {
      if (k > t.getRank())
        return d.fail("index tuples have ", k, " entries but data has rank ", t.getRank());
      SmallVector<int64_t> want(idx.getShape().drop_back());
      want.append(t.getShape().begin() + k, t.getShape().end());
      bool bad = (int64_t)want.size() != up.getRank();
      for (size_t i = 0; !bad && i < want.size(); ++i)
        bad = knownDiffer(want[i], up.getDimSize(i));
      if (bad)
        return d.fail("updates must have shape ", shapeStr(want), ", got ", up);
      if (failed(checkConstTuples(d, a.getIndices(), t, 0, k)))
        return failure();
    }
  }
  results.push_back(a.getData().getType());
  return success();
}

KILN_INFER(ScatterElementsOp) {
  KILN_ADAPTOR(ScatterElementsOp);
  if (failed(checkReduction(d, a.getReduction())))
    return failure();
  if (eltOf(a.getData()) != eltOf(a.getUpdates()))
    return d.fail("updates element type ", eltOf(a.getUpdates()), " differs from data's ",
                  eltOf(a.getData()));
  auto t = rankedOf(a.getData()), idx = rankedOf(a.getIndices()), up = rankedOf(a.getUpdates());
  if (t && failed(normalizeAxis(d, (int64_t)a.getAxis(), t.getRank())))
    return failure();
  if (t && failed(checkConstTuples(d, a.getIndices(), t,
                                   *normalizeAxis(Diag{}, (int64_t)a.getAxis(), t.getRank()), 1)))
    return failure();
  if (t && idx && idx.getRank() != t.getRank())
    return d.fail("indices must have the rank of data (", t.getRank(), "), got ", idx);
  if (idx && up) {
    bool bad = idx.getRank() != up.getRank();
    for (int64_t i = 0; !bad && i < idx.getRank(); ++i)
      bad = knownDiffer(idx.getDimSize(i), up.getDimSize(i));
    if (bad)
      return d.fail("updates must have the shape of indices ", shapeStr(idx.getShape()), ", got ",
                    up);
  }
  results.push_back(a.getData().getType());
  return success();
}

KILN_INFER(GatherNDOp) {
  KILN_ADAPTOR(GatherNDOp);
  auto t = rankedOf(a.getData()), idx = rankedOf(a.getIndices());
  Type elt = eltOf(a.getData());
  int64_t b = (int64_t)a.getBatchDims();
  if (b < 0)
    return d.fail("batch_dims must be non-negative, got ", b);
  if (idx && idx.getRank() < 1)
    return d.fail("indices must have rank >= 1, got ", idx);
  if (t && b >= t.getRank())
    return d.fail("batch_dims ", b, " must be less than the rank of data (", t.getRank(), ")");
  if (idx && b >= idx.getRank())
    return d.fail("batch_dims ", b, " must be less than the rank of indices (", idx.getRank(), ")");
  if (!t || !idx || isDyn(idx.getDimSize(idx.getRank() - 1))) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  for (int64_t i = 0; i < b; ++i)
    if (knownDiffer(t.getDimSize(i), idx.getDimSize(i)))
      return d.fail("batch dim ", i, " differs: data ", t, ", indices ", idx);
  int64_t k = idx.getDimSize(idx.getRank() - 1);
  if (k < 1 || b + k > t.getRank())
    return d.fail("index tuples have ", k, " entries; with batch_dims ", b,
                  " they must be in [1, ", t.getRank() - b, "]");
  if (failed(checkConstTuples(d, a.getIndices(), t, b, k)))
    return failure();
  SmallVector<int64_t> shape(idx.getShape().drop_back());
  shape.append(t.getShape().begin() + b + k, t.getShape().end());
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(TopKOp) {
  KILN_ADAPTOR(TopKOp);
  if (failed(checkScalar(d, a.getK(), "k")))
    return failure();
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput()), i64 = IntegerType::get(ctx, 64);
  if (!t) {
    results.push_back(unrankedOf(elt));
    results.push_back(unrankedOf(i64));
    return success();
  }
  auto axis = normalizeAxis(d, (int64_t)a.getAxis(), t.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(t.getShape());
  shape[*axis] = kDyn;
  if (auto k = getConstantInts(a.getK()); k && k->size() == 1) {
    if ((*k)[0] < 0)
      return d.fail("k must be non-negative, got ", (*k)[0]);
    if (!isDyn(t.getDimSize(*axis)) && (*k)[0] > t.getDimSize(*axis))
      return d.fail("k ", (*k)[0], " is larger than dim ", *axis, " of the input ", t);
    shape[*axis] = (*k)[0];
  }
  results.push_back(tensorOf(shape, elt));
  results.push_back(tensorOf(shape, i64));
  return success();
}

KILN_INFER(OneHotOp) {
  KILN_ADAPTOR(OneHotOp);
  if (failed(checkScalar(d, a.getDepth(), "depth")))
    return failure();
  if (auto v = rankedOf(a.getValues())) {
    int64_t n = staticNumElements(v.getShape());
    if (v.getRank() != 1 || (n >= 0 && n != 2))
      return d.fail("values must be a 1-D tensor of two elements [off, on], got ", v);
  }
  Type elt = eltOf(a.getValues());
  auto idx = rankedOf(a.getIndices());
  if (!idx) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t r = idx.getRank() + 1, axis = a.getAxis();
  if (axis < -r || axis >= r)
    return d.fail("axis ", axis, " is out of range for the result of rank ", r, " (expected [",
                  -r, ", ", r - 1, "])");
  if (axis < 0)
    axis += r;
  int64_t depth = kDyn;
  if (auto c = getConstantInts(a.getDepth()); c && c->size() == 1) {
    if ((*c)[0] < 1)
      return d.fail("depth must be positive, got ", (*c)[0]);
    depth = (*c)[0];
  }
  SmallVector<int64_t> shape(idx.getShape());
  shape.insert(shape.begin() + axis, depth);
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(NonZeroOp) {
  KILN_ADAPTOR(NonZeroOp);
  auto t = rankedOf(a.getInput());
  int64_t r = t ? std::max<int64_t>(t.getRank(), 1) : kDyn;
  results.push_back(tensorOf({r, kDyn}, IntegerType::get(ctx, 64)));
  return success();
}

KILN_INFER(CompressOp) {
  KILN_ADAPTOR(CompressOp);
  auto cond = rankedOf(a.getCondition());
  if (cond && cond.getRank() != 1)
    return d.fail("condition must be 1-D, got ", cond);
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (!a.getAxis()) {
    results.push_back(tensorOf({kDyn}, elt));
    return success();
  }
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  auto axis = normalizeAxis(d, (int64_t)*a.getAxis(), t.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(t.getShape());
  shape[*axis] = kDyn;
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(UniqueOp) {
  KILN_ADAPTOR(UniqueOp);
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput()), i64 = IntegerType::get(ctx, 64);
  if (!a.getAxis()) {
    results.push_back(tensorOf({kDyn}, elt));
    results.push_back(tensorOf({kDyn}, i64));
    int64_t n = t ? staticNumElements(t.getShape()) : -1;
    results.push_back(tensorOf({n >= 0 ? n : kDyn}, i64));
    results.push_back(tensorOf({kDyn}, i64));
    return success();
  }
  if (!t) {
    results.push_back(unrankedOf(elt));
    for (int i = 0; i < 3; ++i)
      results.push_back(tensorOf({kDyn}, i64));
    return success();
  }
  auto axis = normalizeAxis(d, (int64_t)*a.getAxis(), t.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(t.getShape());
  shape[*axis] = kDyn;
  results.push_back(tensorOf(shape, elt));
  results.push_back(tensorOf({kDyn}, i64));
  results.push_back(tensorOf({t.getDimSize(*axis)}, i64));
  results.push_back(tensorOf({kDyn}, i64));
  return success();
}

KILN_INFER(ReverseSequenceOp) {
  KILN_ADAPTOR(ReverseSequenceOp);
  auto t = rankedOf(a.getInput()), lens = rankedOf(a.getSequenceLens());
  if (lens && lens.getRank() != 1)
    return d.fail("sequence_lens must be 1-D, got ", lens);
  if (t) {
    if (t.getRank() < 2)
      return d.fail("input must have rank >= 2, got ", t);
    auto b = normalizeAxis(d, (int64_t)a.getBatchAxis(), t.getRank(), "batch_axis");
    auto ta = normalizeAxis(d, (int64_t)a.getTimeAxis(), t.getRank(), "time_axis");
    if (failed(b) || failed(ta))
      return failure();
    if (*b > 1 || *ta > 1 || *b == *ta)
      return d.fail("batch_axis and time_axis must be 0 and 1 in either order, got ",
                    a.getBatchAxis(), " and ", a.getTimeAxis());
    if (lens && knownDiffer(lens.getDimSize(0), t.getDimSize(*b)))
      return d.fail("sequence_lens has ", lens.getDimSize(0), " entries but the batch dim is ",
                    t.getDimSize(*b));
  }
  results.push_back(a.getInput().getType());
  return success();
}

KILN_INFER(GridSampleOp) {
  KILN_ADAPTOR(GridSampleOp);
  StringRef mode = a.getMode(), pad = a.getPaddingMode();
  if (mode != "linear" && mode != "nearest" && mode != "cubic")
    return d.fail("mode must be linear, nearest or cubic, got '", mode, "'");
  if (pad != "zeros" && pad != "border" && pad != "reflection")
    return d.fail("padding_mode must be zeros, border or reflection, got '", pad, "'");
  auto x = rankedOf(a.getInput()), g = rankedOf(a.getGrid());
  Type elt = eltOf(a.getInput());
  if (x && x.getRank() < 3)
    return d.fail("input must have rank >= 3 ([N, C, spatial...]), got ", x);
  if (x && g) {
    int64_t r = x.getRank() - 2;
    if (g.getRank() != r + 2)
      return d.fail("grid must have rank ", r + 2, " for a ", r, "-D input, got ", g);
    if (knownDiffer(g.getDimSize(r + 1), r))
      return d.fail("the last dim of grid must be ", r, ", got ", g);
    if (knownDiffer(g.getDimSize(0), x.getDimSize(0)))
      return d.fail("grid batch ", g.getDimSize(0), " differs from input batch ", x.getDimSize(0));
    if (mode == "cubic" && r != 2)
      return d.fail("cubic mode needs a 2-D input, got ", r, "-D");
    SmallVector<int64_t> shape{x.getDimSize(0), x.getDimSize(1)};
    for (int64_t i = 1; i <= r; ++i)
      shape.push_back(g.getDimSize(i));
    results.push_back(tensorOf(shape, elt));
    return success();
  }
  results.push_back(unrankedOf(elt));
  return success();
}

KILN_INFER(NonMaxSuppressionOp) {
  KILN_ADAPTOR(NonMaxSuppressionOp);
  auto bx = rankedOf(a.getBoxes()), sc = rankedOf(a.getScores());
  if (bx && (bx.getRank() != 3 || knownDiffer(bx.getDimSize(2), 4)))
    return d.fail("boxes must have shape [batch, boxes, 4], got ", bx);
  if (sc && sc.getRank() != 3)
    return d.fail("scores must have shape [batch, classes, boxes], got ", sc);
  if (bx && sc &&
      (knownDiffer(bx.getDimSize(0), sc.getDimSize(0)) ||
       knownDiffer(bx.getDimSize(1), sc.getDimSize(2))))
    return d.fail("boxes ", bx, " and scores ", sc, " disagree on batch or box count");
  if (failed(checkScalar(d, a.getMaxOutputBoxesPerClass(), "max_output_boxes_per_class", true)) ||
      failed(checkScalar(d, a.getIouThreshold(), "iou_threshold", true)) ||
      failed(checkScalar(d, a.getScoreThreshold(), "score_threshold", true)))
    return failure();
  results.push_back(tensorOf({kDyn, 3}, IntegerType::get(ctx, 64)));
  return success();
}

KILN_INFER(CenterCropPadOp) {
  KILN_ADAPTOR(CenterCropPadOp);
  auto t = rankedOf(a.getInput()), sh = rankedOf(a.getShape());
  Type elt = eltOf(a.getInput());
  if (sh && sh.getRank() != 1)
    return d.fail("shape must be 1-D, got ", sh);
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  SmallVector<int64_t> axes;
  if (auto ax = a.getAxes()) {
    for (int64_t x : *ax) {
      auto n = normalizeAxis(d, x, t.getRank());
      if (failed(n))
        return failure();
      if (llvm::is_contained(axes, *n))
        return d.fail("axis ", x, " is repeated");
      axes.push_back(*n);
    }
  } else {
    for (int64_t i = 0; i < t.getRank(); ++i)
      axes.push_back(i);
  }
  if (sh && knownDiffer(sh.getDimSize(0), (int64_t)axes.size()))
    return d.fail("shape has ", sh.getDimSize(0), " entries but there are ", axes.size(), " axes");
  SmallVector<int64_t> shape(t.getShape());
  auto sizes = getConstantInts(a.getShape());
  if (sizes && sizes->size() != axes.size())
    return d.fail("shape has ", sizes->size(), " entries but there are ", axes.size(), " axes");
  for (size_t i = 0; i < axes.size(); ++i) {
    if (sizes && (*sizes)[i] < 0)
      return d.fail("shape entry ", (*sizes)[i], " is negative");
    shape[axes[i]] = sizes ? (*sizes)[i] : kDyn;
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(TfIdfVectorizerOp) {
  KILN_ADAPTOR(TfIdfVectorizerOp);
  StringRef mode = a.getMode();
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return d.fail("mode must be TF, IDF or TFIDF, got '", mode, "'");
  int64_t lo = a.getMinGramLength(), hi = a.getMaxGramLength();
  if (lo < 1 || hi < lo || a.getMaxSkipCount() < 0)
    return d.fail("gram lengths must satisfy 1 <= min <= max and max_skip_count >= 0");
  ArrayRef<int64_t> counts = a.getNgramCounts(), idx = a.getNgramIndexes(), pool = a.getPoolInt64s();
  if ((int64_t)counts.size() < hi)
    return d.fail("ngram_counts has ", counts.size(), " entries but max_gram_length is ", hi);
  int64_t ngrams = 0;
  for (size_t n = 0; n < counts.size(); ++n) {
    int64_t start = counts[n], end = n + 1 < counts.size() ? counts[n + 1] : (int64_t)pool.size();
    if (start < 0 || end < start || end > (int64_t)pool.size() || (end - start) % (int64_t)(n + 1))
      return d.fail("ngram_counts does not split pool_int64s into groups of ", n + 1, "-grams");
    ngrams += (end - start) / (int64_t)(n + 1);
  }
  if ((int64_t)idx.size() != ngrams)
    return d.fail("ngram_indexes has ", idx.size(), " entries but the pool holds ", ngrams, " n-grams");
  if (a.getWeights() && a.getWeights()->size() != idx.size())
    return d.fail("weights has ", a.getWeights()->size(), " entries, expected ", idx.size());
  int64_t width = 0;
  for (int64_t i : idx) {
    if (i < 0)
      return d.fail("ngram_indexes has a negative entry ", i);
    width = std::max(width, i + 1);
  }
  auto t = rankedOf(a.getInput());
  Type f32 = Float32Type::get(ctx);
  if (t && t.getRank() != 1 && t.getRank() != 2)
    return d.fail("input must be [N] or [B, N], got ", t);
  if (!t) {
    results.push_back(unrankedOf(f32));
    return success();
  }
  results.push_back(t.getRank() == 1 ? tensorOf({width}, f32) : tensorOf({t.getDimSize(0), width}, f32));
  return success();
}

} // namespace kiln
