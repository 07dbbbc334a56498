//===- ShapeUtils.cpp - shape arithmetic shared by inference and folding --===//
#include "ShapeUtils.h"

using namespace mlir;

namespace kiln {

std::string shapeStr(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "[] (scalar)";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += "x";
    s += isDyn(shape[i]) ? "?" : std::to_string(shape[i]);
  }
  return s;
}

FailureOr<int64_t> normalizeAxis(const Diag &d, int64_t axis, int64_t rank, StringRef what) {
  if (axis < -rank || axis >= rank)
    return d.fail(what, " ", axis, " is out of range for rank ", rank, " (expected [", -rank,
                  ", ", rank - 1, "])");
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>> broadcastShapes(const Diag &d, ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x == 1)
      out[i] = y;
    else if (y == 1)
      out[i] = x;
    else if (isDyn(x))
      out[i] = y; // `?` must be 1 or y; either way the result is y (or ? when y is ?)
    else if (isDyn(y) || x == y)
      out[i] = x;
    else
      return d.fail("operand shapes ", shapeStr(a), " and ", shapeStr(b),
                    " are not broadcast-compatible (dim ", i, ": ", x, " vs ", y, ")");
  }
  return out;
}

bool resolveWindowPads(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                       StringRef autoPad, int64_t &padBegin, int64_t &padEnd) {
  if (autoPad == "VALID") {
    padBegin = padEnd = 0;
    return true;
  }
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    if (isDyn(in) || isDyn(kernel))
      return false;
    int64_t out = (in + stride - 1) / stride;
    int64_t effective = (kernel - 1) * dilation + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * stride + effective - in);
    int64_t small = total / 2, big = total - small;
    padBegin = autoPad == "SAME_UPPER" ? small : big;
    padEnd = autoPad == "SAME_UPPER" ? big : small;
    return true;
  }
  return true; // NOTSET: explicit pads as given
}

int64_t windowOutputDim(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                        int64_t padBegin, int64_t padEnd, StringRef autoPad, bool ceilMode) {
  if (isDyn(in) || isDyn(kernel))
    return kDyn;
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
    return (in + stride - 1) / stride;
  if (autoPad == "VALID")
    padBegin = padEnd = 0;
  int64_t effective = (kernel - 1) * dilation + 1;
  int64_t span = in + padBegin + padEnd - effective;
  if (span < 0)
    return -1; // caller reports: window larger than padded input
  int64_t out = ceilMode ? (span + stride - 1) / stride + 1 : span / stride + 1;
  // The last window must start inside the input or its left padding.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

void sliceBounds(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t &first,
                 int64_t &count) {
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  // (x - 1) / step + 1 rather than (x + step - 1) / step: a huge step (e.g.
  // INT64_MAX, as exporters write for "to the end") must not overflow.
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    count = end > start ? (end - start - 1) / step + 1 : 0;
  } else {
    if (dim == 0) { // std::clamp(x, 0, -1) would be undefined
      first = 0;
      count = 0;
      return;
    }
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    // -step overflows for INT64_MIN; any step <= -dim takes one element.
    uint64_t stride = step == INT64_MIN ? (uint64_t)1 << 63 : (uint64_t)(-step);
    count = start > end ? (int64_t)((uint64_t)(start - end - 1) / stride + 1) : 0;
  }
  first = start;
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

std::vector<int64_t> broadcastOffsets(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape) {
  size_t rank = outShape.size();
  SmallVector<int64_t> inStrides(rank, 0);
  SmallVector<int64_t> s = stridesOf(inShape);
  size_t lead = rank - inShape.size();
  for (size_t i = 0; i < inShape.size(); ++i)
    inStrides[lead + i] = inShape[i] == 1 ? 0 : s[i];
  int64_t n = 1;
  for (int64_t dim : outShape)
    n *= dim;
  std::vector<int64_t> out(n);
  SmallVector<int64_t> idx(rank, 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    out[k] = off;
    for (int64_t i = (int64_t)rank - 1; i >= 0; --i) {
      if (++idx[i] < outShape[i]) {
        off += inStrides[i];
        break;
      }
      off -= inStrides[i] * (outShape[i] - 1);
      idx[i] = 0;
    }
  }
  return out;
}

} // namespace kiln
