//===- Signal.cpp - type inference of dft, stft, det, col2im --------------===//
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

bool isEmpty(Value v) {
  auto t = rankedOf(v);
  return t && t.getRank() == 1 && t.getDimSize(0) == 0;
}

/// A scalar integer operand's constant value, if known (and present).
std::optional<int64_t> constScalar(Value v) {
  if (isEmpty(v))
    return std::nullopt;
  auto c = getConstantInts(v);
  if (!c || c->size() != 1)
    return std::nullopt;
  return (*c)[0];
}

LogicalResult checkScalar(const Diag &d, Value v, StringRef what, bool optional) {
  auto t = rankedOf(v);
  if (!t || (optional && isEmpty(v)))
    return success();
  int64_t n = staticNumElements(t.getShape());
  if (t.getRank() > 1 || (n >= 0 && n != 1))
    return d.fail(what, " must be a scalar (0-D or one element)", optional ? " or empty" : "",
                  ", got ", t);
  return success();
}

} // namespace


KILN_INFER(DFTOp) {
  KILN_ADAPTOR(DFTOp);
  if (failed(checkScalar(d, a.getDftLength(), "dft_length", true)) ||
      failed(checkScalar(d, a.getAxis(), "axis", false)))
    return failure();
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t r = t.getRank(), last = r ? t.getDimSize(r - 1) : kDyn;
  if (r < 2 || (!isDyn(last) && last != 1 && last != 2))
    return d.fail("input must be [..., 1] (real) or [..., 2] (complex), got ", t);
  SmallVector<int64_t> shape(t.getShape());
  bool inverse = a.getInverse(), onesided = a.getOnesided();
  shape[r - 1] = inverse && onesided ? 1 : 2;
  auto axis = constScalar(a.getAxis());
  if (!axis) {
    for (int64_t i = 0; i + 1 < r; ++i)
      shape[i] = kDyn; // which dim changes is known only at run time
    results.push_back(tensorOf(shape, elt));
    return success();
  }
  int64_t ax = *axis < 0 ? *axis + r : *axis;
  if (ax < 0 || ax >= r - 1)
    return d.fail("axis ", *axis, " must be in [", -r, ", -2] or [0, ", r - 2, "] for rank ", r);
  int64_t in = t.getDimSize(ax), n = kDyn;
  if (auto len = constScalar(a.getDftLength())) {
    if (*len < 1)
      return d.fail("dft_length must be positive, got ", *len);
    n = *len;
  } else if (!isEmpty(a.getDftLength())) {
    n = kDyn;
  } else if (!isDyn(in)) {
    n = inverse && onesided ? 2 * (in - 1) : in;
  }
  shape[ax] = !inverse && onesided && !isDyn(n) ? n / 2 + 1 : n;
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(STFTOp) {
  KILN_ADAPTOR(STFTOp);
  if (failed(checkScalar(d, a.getFrameStep(), "frame_step", false)) ||
      failed(checkScalar(d, a.getFrameLength(), "frame_length", true)))
    return failure();
  auto w = rankedOf(a.getWindow());
  if (w && w.getRank() != 1)
    return d.fail("window must be 1-D, got ", w);
  auto t = rankedOf(a.getSignal());
  Type elt = eltOf(a.getSignal());
  if (t && (t.getRank() != 3 || (!isDyn(t.getDimSize(2)) && t.getDimSize(2) != 1 &&
                                 t.getDimSize(2) != 2)))
    return d.fail("signal must be [batch, length, 1|2], got ", t);
  int64_t batch = t ? t.getDimSize(0) : kDyn, length = t ? t.getDimSize(1) : kDyn;
  std::optional<int64_t> step = constScalar(a.getFrameStep()), fl = constScalar(a.getFrameLength());
  if (!fl && isEmpty(a.getFrameLength()) && w && !isDyn(w.getDimSize(0)) && !isEmpty(a.getWindow()))
    fl = w.getDimSize(0);
  int64_t frames = kDyn, bins = kDyn;
  if (fl && step && !isDyn(length) && *step > 0 && *fl > 0 && *fl <= length)
    frames = 1 + (length - *fl) / *step;
  if (fl && *fl > 0)
    bins = a.getOnesided() ? *fl / 2 + 1 : *fl;
  results.push_back(tensorOf({batch, frames, bins, 2}, elt));
  return success();
}

KILN_INFER(DetOp) {
  KILN_ADAPTOR(DetOp);
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t r = t.getRank();
  if (r < 2 || (!isDyn(t.getDimSize(r - 1)) && !isDyn(t.getDimSize(r - 2)) &&
                t.getDimSize(r - 1) != t.getDimSize(r - 2)))
    return d.fail("input must hold square matrices in its last two dims, got ", t);
  results.push_back(tensorOf(t.getShape().drop_back(2), elt));
  return success();
}

KILN_INFER(Col2ImOp) {
  KILN_ADAPTOR(Col2ImOp);
  auto t = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  if (t && t.getRank() != 3)
    return d.fail("input must be [N, C * prod(block_shape), L], got ", t);
  auto img = getConstantInts(a.getImageShape()), blk = getConstantInts(a.getBlockShape());
  auto it = rankedOf(a.getImageShape()), bt = rankedOf(a.getBlockShape());
  if ((it && it.getRank() != 1) || (bt && bt.getRank() != 1))
    return d.fail("image_shape and block_shape must be 1-D");
  int64_t n = it && !isDyn(it.getDimSize(0)) ? it.getDimSize(0)
              : bt && !isDyn(bt.getDimSize(0)) ? bt.getDimSize(0)
                                                : kDyn;
  if (it && bt && !isDyn(it.getDimSize(0)) && !isDyn(bt.getDimSize(0)) &&
      it.getDimSize(0) != bt.getDimSize(0))
    return d.fail("image_shape and block_shape must have the same length");
  if (isDyn(n)) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  for (auto [name, v] : {std::pair<StringRef, std::optional<ArrayRef<int64_t>>>{"dilations", a.getDilations()},
                         {"strides", a.getStrides()}})
    if (v && (int64_t)v->size() != n)
      return d.fail(name, " has ", v->size(), " values but there are ", n, " spatial dims");
  if (a.getPads() && (int64_t)a.getPads()->size() != 2 * n)
    return d.fail("pads has ", a.getPads()->size(), " values but needs ", 2 * n);
  int64_t c = kDyn;
  if (t && blk && !isDyn(t.getDimSize(1))) {
    int64_t prod = 1;
    for (int64_t b : *blk) {
      if (b < 1)
        return d.fail("block_shape entries must be positive, got ", b);
      prod *= b;
    }
    if (t.getDimSize(1) % prod != 0)
      return d.fail("input dim 1 (", t.getDimSize(1), ") is not a multiple of the block size ",
                    prod);
    c = t.getDimSize(1) / prod;
  }
  SmallVector<int64_t> shape{t ? t.getDimSize(0) : kDyn, c};
  for (int64_t i = 0; i < n; ++i)
    shape.push_back(img ? (*img)[i] : kDyn);
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(MelWeightMatrixOp) {
  KILN_ADAPTOR(MelWeightMatrixOp);
  for (auto [v, what] : {std::pair<Value, StringRef>{a.getNumMelBins(), "num_mel_bins"},
                         {a.getDftLength(), "dft_length"}, {a.getSampleRate(), "sample_rate"},
                         {a.getLowerEdgeHertz(), "lower_edge_hertz"},
                         {a.getUpperEdgeHertz(), "upper_edge_hertz"}})
    if (failed(checkScalar(d, v, what, false)))
      return failure();
  Type to = a.getTo();
  if (!isa<FloatType, IntegerType>(to))
    return d.fail("to must be a numeric element type, got ", to);
  auto bins = constScalar(a.getNumMelBins()), len = constScalar(a.getDftLength());
  results.push_back(tensorOf({len ? *len / 2 + 1 : kDyn, bins ? *bins : kDyn}, to));
  return success();
}

} // namespace kiln
