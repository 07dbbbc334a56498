//===- Detection.cpp - type inference of roi_align, max_unpool, affine_grid ===//
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
bool knownDiffer(int64_t a, int64_t b) { return !isDyn(a) && !isDyn(b) && a != b; }

} // namespace


KILN_INFER(RoiAlignOp) {
  KILN_ADAPTOR(RoiAlignOp);
  if (a.getMode() != "avg" && a.getMode() != "max")
    return d.fail("mode must be avg or max, got '", a.getMode(), "'");
  StringRef ct = a.getCoordinateTransformationMode();
  if (ct != "half_pixel" && ct != "output_half_pixel")
    return d.fail("coordinate_transformation_mode must be half_pixel or output_half_pixel, got '",
                  ct, "'");
  if (a.getOutputHeight() < 1 || a.getOutputWidth() < 1 || a.getSamplingRatio() < 0)
    return d.fail("output_height and output_width must be positive and sampling_ratio "
                  "non-negative");
  auto x = rankedOf(a.getInput()), r = rankedOf(a.getRois()), b = rankedOf(a.getBatchIndices());
  if (x && x.getRank() != 4)
    return d.fail("input must be [N, C, H, W], got ", x);
  if (r && (r.getRank() != 2 || knownDiffer(r.getDimSize(1), 4)))
    return d.fail("rois must be [num_rois, 4], got ", r);
  if (b && b.getRank() != 1)
    return d.fail("batch_indices must be 1-D, got ", b);
  if (r && b && knownDiffer(r.getDimSize(0), b.getDimSize(0)))
    return d.fail("rois and batch_indices disagree on the number of ROIs");
  int64_t n = r ? r.getDimSize(0) : b ? b.getDimSize(0) : kDyn;
  results.push_back(tensorOf({n, x ? x.getDimSize(1) : kDyn, (int64_t)a.getOutputHeight(),
                              (int64_t)a.getOutputWidth()},
                             eltOf(a.getInput())));
  return success();
}

KILN_INFER(MaxUnpoolOp) {
  KILN_ADAPTOR(MaxUnpoolOp);
  auto x = rankedOf(a.getInput());
  Type elt = eltOf(a.getInput());
  int64_t k = (int64_t)a.getKernelShape().size();
  if (k < 1)
    return d.fail("kernel_shape must not be empty");
  if ((a.getStrides() && (int64_t)a.getStrides()->size() != k) ||
      (a.getPads() && (int64_t)a.getPads()->size() != 2 * k))
    return d.fail("strides need ", k, " values and pads ", 2 * k);
  if (x && x.getRank() != k + 2)
    return d.fail("input must have rank ", k + 2, " for a ", k, "-D kernel, got ", x);
  auto os = rankedOf(a.getOutputShape());
  if (os && os.getRank() != 1)
    return d.fail("output_shape must be 1-D, got ", os);
  bool given = !(os && os.getDimSize(0) == 0);
  if (given) {
    if (auto c = getConstantInts(a.getOutputShape())) {
      if ((int64_t)c->size() != k + 2)
        return d.fail("output_shape has ", c->size(), " entries, expected ", k + 2);
      results.push_back(tensorOf(*c, elt));
    } else {
      results.push_back(tensorOf(SmallVector<int64_t>(k + 2, kDyn), elt));
    }
    return success();
  }
  if (!x) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  SmallVector<int64_t> shape{x.getDimSize(0), x.getDimSize(1)};
  for (int64_t i = 0; i < k; ++i) {
    int64_t in = x.getDimSize(i + 2), s = a.getStrides() ? (*a.getStrides())[i] : 1;
    int64_t pb = a.getPads() ? (*a.getPads())[i] : 0, pe = a.getPads() ? (*a.getPads())[i + k] : 0;
    shape.push_back(isDyn(in) ? kDyn : (in - 1) * s + a.getKernelShape()[i] - pb - pe);
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(AffineGridOp) {
  KILN_ADAPTOR(AffineGridOp);
  auto th = rankedOf(a.getTheta()), sz = rankedOf(a.getSize());
  Type elt = eltOf(a.getTheta());
  if (th && (th.getRank() != 3 ||
             (!isDyn(th.getDimSize(1)) && th.getDimSize(1) != 2 && th.getDimSize(1) != 3) ||
             (!isDyn(th.getDimSize(1)) && knownDiffer(th.getDimSize(2), th.getDimSize(1) + 1))))
    return d.fail("theta must be [N, 2, 3] or [N, 3, 4], got ", th);
  if (sz && (sz.getRank() != 1 || (!isDyn(sz.getDimSize(0)) && sz.getDimSize(0) != 4 &&
                                   sz.getDimSize(0) != 5)))
    return d.fail("size must be [N, C, H, W] or [N, C, D, H, W], got ", sz);
  int64_t r = sz && !isDyn(sz.getDimSize(0))   ? sz.getDimSize(0) - 2
              : th && !isDyn(th.getDimSize(1)) ? th.getDimSize(1)
                                                : kDyn;
  if (th && sz && !isDyn(th.getDimSize(1)) && !isDyn(sz.getDimSize(0)) &&
      th.getDimSize(1) != sz.getDimSize(0) - 2)
    return d.fail("theta ", th, " does not match a size of ", sz.getDimSize(0), " entries");
  if (isDyn(r)) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  SmallVector<int64_t> shape(r + 2, kDyn);
  shape[r + 1] = r;
  if (auto c = getConstantInts(a.getSize())) {
    shape[0] = (*c)[0];
    for (int64_t i = 0; i < r; ++i)
      shape[i + 1] = (*c)[i + 2];
  } else if (th) {
    shape[0] = th.getDimSize(0);
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

KILN_INFER(DeformConvOp) {
  KILN_ADAPTOR(DeformConvOp);
  auto x = rankedOf(a.getInput()), w = rankedOf(a.getWeight()), off = rankedOf(a.getOffset());
  Type elt = eltOf(a.getInput());
  if (x && x.getRank() != 4)
    return d.fail("input must be [N, C, H, W] (2-D only), got ", x);
  if (w && w.getRank() != 4)
    return d.fail("weight must be [oC, C / group, kH, kW], got ", w);
  if (a.getGroup() < 1 || a.getOffsetGroup() < 1)
    return d.fail("group and offset_group must be positive");
  for (auto v : {a.getDilations(), a.getStrides()})
    if (v && v->size() != 2)
      return d.fail("dilations and strides need 2 values");
  if (a.getPads() && a.getPads()->size() != 4)
    return d.fail("pads needs 4 values");
  if (x && w && knownDiffer(x.getDimSize(1), w.getDimSize(1) * a.getGroup()))
    return d.fail("input channels ", x.getDimSize(1), " differ from weight's ", w.getDimSize(1),
                  " times group ", a.getGroup());
  SmallVector<int64_t> shape{x ? x.getDimSize(0) : kDyn, w ? w.getDimSize(0) : kDyn, kDyn, kDyn};
  if (off && off.getRank() == 4) {
    shape[2] = off.getDimSize(2);
    shape[3] = off.getDimSize(3);
  } else if (off) {
    return d.fail("offset must have rank 4, got ", off);
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

} // namespace kiln
