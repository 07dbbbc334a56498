//===- Misc.cpp - ONNX normalization, pooling, layout and generator ops ---===//
//
// Ops imported as exact compositions of existing kiln ops:
//   LpNormalization      x / reduce_l{1,2}(x, axis, keepdims) (a zero norm divides by 1)
//   MeanVarianceNorm.    the ONNX function body: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9)
//   LpPool               (grouped conv of |x|^p with a ones kernel)^(1/p): the conv
//                        sums each window with its strides, pads, dilations, auto_pad
//   SpaceToDepth,        reshape -> transpose -> reshape (DCR and CRD)
//   DepthToSpace
//   Hann/Hamming/        the function bodies: cosine terms of range(0, size) / N
//   BlackmanWindow
//   Upsample (7-9)       kiln.resize, asymmetric coordinates (nearest: floor)
// and EyeLike as kiln.eye_like. It also extends core import functions:
// Resize with roi (tf_crop_and_resize), antialias or keep_aspect_ratio_policy
// becomes kiln.resize_ext; MaxPool with its Indices output becomes
// kiln.max_pool_with_indices, and on 8-bit integers runs on f32; ReduceMax and
// ReduceMin of bool run on ui8 (max = any, min = all); Pad's axes may be
// computed at run time.
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"
#include "kiln/ir/ConstantUtils.h"

#include "mlir/IR/Matchers.h"

#include <cmath>

namespace kiln::onnx::detail {
namespace {

Value scalarConst(Node &n, Type elt, double v) {
  auto type = RankedTensorType::get({}, elt);
  Attribute a;
  if (auto ft = dyn_cast<FloatType>(elt))
    a = DenseElementsAttr::get(type, FloatAttr::get(ft, v));
  else
    a = DenseElementsAttr::get(type, IntegerAttr::get(elt, (int64_t)v));
  return n.im.b.create<ConstantOp>(n.loc, type, cast<ElementsAttr>(a));
}

NamedAttribute i64Attr(Node &n, StringRef name, int64_t v) {
  return n.im.b.getNamedAttr(name, n.im.b.getI64IntegerAttr(v));
}
NamedAttribute arrAttr(Node &n, StringRef name, ArrayRef<int64_t> v) {
  return n.im.b.getNamedAttr(name, n.im.b.getDenseI64ArrayAttr(v));
}

FloatType floatInput(Node &n, StringRef op) {
  auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
  auto ft = t ? dyn_cast<FloatType>(t.getElementType()) : FloatType();
  if (!ft)
    emitError(n.loc) << op << " needs a floating-point input, got " << n.inputs[0].getType();
  return ft;
}

LogicalResult push(SmallVectorImpl<Value> &out, Value v) {
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

// --- LpNormalization ---------------------------------------------------------

LogicalResult importLpNormalization(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!floatInput(n, "LpNormalization"))
    return failure();
  int64_t p = n.getInt("p", 2), axis = n.getInt("axis", -1);
  if (p != 1 && p != 2)
    return emitError(n.loc) << "LpNormalization p must be 1 or 2, got " << p;
  SmallVector<NamedAttribute> ra{arrAttr(n, "axes", {axis}),
                                 b.getNamedAttr("keepdims", b.getBoolAttr(true))};
  Value norm = p == 1 ? n.im.create1<ReduceL1Op>(n.loc, n.inputs[0], ra)
                      : n.im.create1<ReduceL2Op>(n.loc, n.inputs[0], ra);
  // A zero norm (an all-zero slice) divides by 1: the slice stays 0, as the
  // ONNX reference gives, instead of 0 / 0.
  Type elt = cast<ShapedType>(n.inputs[0].getType()).getElementType();
  Value isZero = norm ? n.im.create1<EqualOp>(n.loc, {norm, scalarConst(n, elt, 0)}) : Value();
  Value safe = isZero ? n.im.create1<WhereOp>(n.loc, {isZero, scalarConst(n, elt, 1), norm}) : Value();
  return push(out, safe ? n.im.create1<DivOp>(n.loc, {n.inputs[0], safe}) : Value());
}

// --- MeanVarianceNormalization -------------------------------------------------

LogicalResult importMVN(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  FloatType ft = floatInput(n, "MeanVarianceNormalization");
  if (!ft)
    return failure();
  SmallVector<int64_t> axes{0, 2, 3};
  if (auto a = n.getInts("axes"))
    axes = *a;
  SmallVector<NamedAttribute> ra{arrAttr(n, "axes", axes),
                                 b.getNamedAttr("keepdims", b.getBoolAttr(true))};
  Value x = n.inputs[0];
  auto &im = n.im;
  Value mean = im.create1<ReduceMeanOp>(n.loc, x, ra);
  Value meanSq = mean ? im.create1<MulOp>(n.loc, {mean, mean}) : Value();
  Value xSq = im.create1<MulOp>(n.loc, {x, x});
  Value eXSq = xSq ? im.create1<ReduceMeanOp>(n.loc, xSq, ra) : Value();
  Value var = eXSq && meanSq ? im.create1<SubOp>(n.loc, {eXSq, meanSq}) : Value();
  Value std = var ? im.create1<SqrtOp>(n.loc, var) : Value();
  Value centered = mean ? im.create1<SubOp>(n.loc, {x, mean}) : Value();
  Value denom = std ? im.create1<AddOp>(n.loc, {std, scalarConst(n, ft, 1e-9)}) : Value();
  return push(out, centered && denom ? im.create1<DivOp>(n.loc, {centered, denom}) : Value());
}

// --- LpPool --------------------------------------------------------------------

LogicalResult importLpPool(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  auto &im = n.im;
  FloatType ft = floatInput(n, "LpPool");
  if (!ft)
    return failure();
  auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
  if (!t || t.getRank() < 3 || ShapedType::isDynamic(t.getDimSize(1)))
    return emitError(n.loc) << "LpPool needs an input [N, C, spatial...] of known rank and channels";
  auto kernel = n.getInts("kernel_shape");
  if (!kernel)
    return emitError(n.loc) << "LpPool needs kernel_shape";
  int64_t nsp = t.getRank() - 2, channels = t.getDimSize(1);
  if ((int64_t)kernel->size() != nsp)
    return emitError(n.loc) << "LpPool kernel_shape has " << kernel->size() << " values for "
                            << nsp << " spatial dims";
  double p = 2;
  if (auto *pa = n.attr("p"))
    p = pa->type == AttributeProto::FLOAT ? (double)pa->f : (double)pa->i;
  if (!(p > 0) || !std::isfinite(p))
    return emitError(n.loc) << "LpPool p must be positive, got " << p;
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  auto strides = n.getInts("strides");
  auto dilations = n.getInts("dilations");
  auto pads = n.getInts("pads");
  if (n.getInt("ceil_mode", 0) != 0) {
    // Ceil mode = extra end padding (zeros add nothing to a sum) so that the
    // floor formula of the conv gives the ceil count; a last window must
    // start inside the input or its begin padding.
    if (autoPad != "NOTSET" && autoPad != "VALID")
      return emitError(n.loc) << "LpPool ceil_mode with auto_pad " << autoPad
                              << " is not supported";
    SmallVector<int64_t> full(2 * nsp, 0);
    if (pads && autoPad == "NOTSET") {
      if ((int64_t)pads->size() != 2 * nsp)
        return emitError(n.loc) << "LpPool pads has " << pads->size() << " values, expected "
                                << 2 * nsp;
      full.assign(pads->begin(), pads->end());
    }
    for (int64_t i = 0; i < nsp; ++i) {
      int64_t in = t.getDimSize(2 + i);
      if (ShapedType::isDynamic(in))
        return emitError(n.loc) << "LpPool ceil_mode needs static spatial dims";
      int64_t s = strides && (int64_t)strides->size() == nsp ? (*strides)[i] : 1;
      int64_t d = dilations && (int64_t)dilations->size() == nsp ? (*dilations)[i] : 1;
      if (s <= 0 || d <= 0)
        return emitError(n.loc) << "LpPool strides and dilations must be positive";
      int64_t span = in + full[i] + full[i + nsp] - d * ((*kernel)[i] - 1) - 1;
      if (span < 0)
        return emitError(n.loc) << "LpPool window does not fit spatial dim " << i;
      int64_t outCeil = (span + s - 1) / s + 1;
      if ((outCeil - 1) * s >= in + full[i])
        --outCeil;
      int64_t outFloor = span / s + 1;
      full[i + nsp] += (outCeil - outFloor) * s;
    }
    pads = full;
    autoPad = "NOTSET";
  }
  Value x = n.inputs[0], powered;
  if (p == 1)
    powered = im.create1<AbsOp>(n.loc, x);
  else if (p == 2)
    powered = im.create1<MulOp>(n.loc, {x, x});
  else {
    Value ax = im.create1<AbsOp>(n.loc, x);
    powered = ax ? im.create1<PowOp>(n.loc, {ax, scalarConst(n, ft, p)}) : Value();
  }
  if (!powered)
    return failure();
  SmallVector<int64_t> wshape{channels, 1};
  wshape.append(kernel->begin(), kernel->end());
  auto wt = RankedTensorType::get(wshape, ft);
  Value ones = b.create<ConstantOp>(n.loc, wt, DenseElementsAttr::get(wt, FloatAttr::get(ft, 1.0)));
  SmallVector<NamedAttribute> ca{i64Attr(n, "group", channels),
                                 b.getNamedAttr("auto_pad", b.getStringAttr(autoPad))};
  if (strides)
    ca.push_back(arrAttr(n, "strides", *strides));
  if (dilations)
    ca.push_back(arrAttr(n, "dilations", *dilations));
  if (pads && autoPad == "NOTSET")
    ca.push_back(arrAttr(n, "pads", *pads));
  Value sum = im.create1<ConvOp>(n.loc, {powered, ones}, ca);
  if (!sum)
    return failure();
  if (p == 1)
    return push(out, sum);
  if (p == 2)
    return push(out, im.create1<SqrtOp>(n.loc, sum));
  return push(out, im.create1<PowOp>(n.loc, {sum, scalarConst(n, ft, 1.0 / p)}));
}

// --- SpaceToDepth, DepthToSpace ---------------------------------------------------

struct Nchw {
  int64_t c, h, w;
};
FailureOr<Nchw> staticChw(Node &n, StringRef op) {
  auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
  if (!t || t.getRank() != 4)
    return emitError(n.loc) << op << " needs a 4-D input [N, C, H, W], got "
                            << n.inputs[0].getType();
  for (int64_t i = 1; i < 4; ++i)
    if (t.isDynamicDim(i))
      return emitError(n.loc) << op << " needs static C, H and W, got " << t;
  return Nchw{t.getDimSize(1), t.getDimSize(2), t.getDimSize(3)};
}

Value reshapeTransposeReshape(Node &n, ArrayRef<int64_t> first, ArrayRef<int64_t> perm,
                              ArrayRef<int64_t> last) {
  auto &b = n.im.b;
  auto &im = n.im;
  auto noZero = b.getNamedAttr("allowzero", b.getBoolAttr(false)); // 0 keeps N
  Value r = im.create1<ReshapeOp>(n.loc, {n.inputs[0], im.constI64(n.loc, first)}, {noZero});
  Value tr = r ? im.create1<TransposeOp>(n.loc, r, {arrAttr(n, "perm", perm)}) : Value();
  return tr ? im.create1<ReshapeOp>(n.loc, {tr, im.constI64(n.loc, last)}, {noZero}) : Value();
}

LogicalResult importSpaceToDepth(Node &n, SmallVectorImpl<Value> &out) {
  auto d = staticChw(n, "SpaceToDepth");
  if (failed(d))
    return failure();
  int64_t bs = n.getInt("blocksize", 0);
  if (bs <= 0 || d->h % bs || d->w % bs)
    return emitError(n.loc) << "SpaceToDepth blocksize " << bs << " must be positive and divide H "
                            << d->h << " and W " << d->w;
  return push(out, reshapeTransposeReshape(n, {0, d->c, d->h / bs, bs, d->w / bs, bs},
                                           {0, 3, 5, 1, 2, 4},
                                           {0, d->c * bs * bs, d->h / bs, d->w / bs}));
}

LogicalResult importDepthToSpace(Node &n, SmallVectorImpl<Value> &out) {
  auto d = staticChw(n, "DepthToSpace");
  if (failed(d))
    return failure();
  int64_t bs = n.getInt("blocksize", 0);
  if (bs <= 0 || d->c % (bs * bs))
    return emitError(n.loc) << "DepthToSpace blocksize " << bs
                            << " must be positive with blocksize^2 dividing C " << d->c;
  std::string mode = n.getString("mode", "DCR");
  int64_t c = d->c / (bs * bs);
  SmallVector<int64_t> last{0, c, d->h * bs, d->w * bs};
  if (mode == "DCR")
    return push(out, reshapeTransposeReshape(n, {0, bs, bs, c, d->h, d->w}, {0, 3, 4, 1, 5, 2},
                                             last));
  if (mode == "CRD")
    return push(out, reshapeTransposeReshape(n, {0, c, bs, bs, d->h, d->w}, {0, 1, 4, 2, 5, 3},
                                             last));
  return emitError(n.loc) << "DepthToSpace mode must be DCR or CRD, got '" << mode << "'";
}

// --- EyeLike ---------------------------------------------------------------------

LogicalResult importEyeLike(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  Type elt = cast<ShapedType>(n.inputs[0].getType()).getElementType();
  if (auto *dt = n.attr("dtype")) {
    elt = elementType(&n.im.ctx, (int32_t)dt->i);
    if (!elt)
      return emitError(n.loc) << "EyeLike dtype " << dataTypeName((int32_t)dt->i)
                              << " is not supported";
  }
  return push(out, n.im.create1<EyeLikeOp>(
                       n.loc, n.inputs[0],
                       {i64Attr(n, "k", n.getInt("k", 0)), b.getNamedAttr("dtype", TypeAttr::get(elt))}));
}

// --- window functions ------------------------------------------------------------

/// sum_k coeffs[k] * cos(2 pi k n / N) for n in [0, size), N = size (periodic)
/// or size - 1 (symmetric), computed in f32 and cast to output_datatype.
ImportFn window(const char *name, std::vector<double> coeffs) {
  return [name, coeffs](Node &n, SmallVectorImpl<Value> &out) -> LogicalResult {
    auto &b = n.im.b;
    auto &im = n.im;
    auto st = dyn_cast<ShapedType>(n.inputs[0].getType());
    if (!st || !(st.getElementType().isInteger(32) || st.getElementType().isInteger(64)))
      return emitError(n.loc) << name << " size must be an int32 or int64 scalar";
    Type outElt = elementType(&im.ctx, (int32_t)n.getInt("output_datatype", 1));
    if (!outElt || (!isa<FloatType>(outElt) && !isa<IntegerType>(outElt)))
      return emitError(n.loc) << name << " output_datatype "
                              << dataTypeName((int32_t)n.getInt("output_datatype", 1))
                              << " is not supported";
    Type f32 = b.getF32Type();
    Value size = n.inputs[0];
    if (auto rt = dyn_cast<RankedTensorType>(size.getType()); rt && rt.getRank() != 0) {
      if (rt.getNumElements() != 1)
        return emitError(n.loc) << name << " size must be a scalar, got " << rt;
      size = im.create1<ReshapeOp>(n.loc, {size, im.constI64(n.loc, {})},
                                   {b.getNamedAttr("allowzero", b.getBoolAttr(false))});
      if (!size)
        return failure();
    }
    Value sizeF = im.create1<CastOp>(n.loc, size, {b.getNamedAttr("to", TypeAttr::get(f32))});
    Value range = sizeF ? im.create1<RangeOp>(
                              n.loc, {scalarConst(n, f32, 0), sizeF, scalarConst(n, f32, 1)})
                        : Value();
    Value denom = sizeF;
    if (sizeF && n.getInt("periodic", 1) == 0)
      denom = im.create1<SubOp>(n.loc, {sizeF, scalarConst(n, f32, 1)});
    if (!range || !denom)
      return failure();
    Value acc;
    for (size_t k = 0; k < coeffs.size(); ++k) {
      Value term;
      if (k == 0) {
        // coeffs[0] * cos(0) broadcast to the range's shape.
        term = im.create1<MulOp>(n.loc, {range, scalarConst(n, f32, 0)});
        term = term ? im.create1<AddOp>(n.loc, {term, scalarConst(n, f32, coeffs[0])}) : Value();
      } else {
        Value angle = im.create1<MulOp>(n.loc, {range, scalarConst(n, f32, 2.0 * M_PI * k)});
        angle = angle ? im.create1<DivOp>(n.loc, {angle, denom}) : Value();
        Value c = angle ? im.create1<CosOp>(n.loc, angle) : Value();
        term = c ? im.create1<MulOp>(n.loc, {c, scalarConst(n, f32, coeffs[k])}) : Value();
      }
      if (!term)
        return failure();
      acc = acc ? im.create1<AddOp>(n.loc, {acc, term}) : term;
      if (!acc)
        return failure();
    }
    if (outElt != f32)
      acc = im.create1<CastOp>(n.loc, acc, {b.getNamedAttr("to", TypeAttr::get(outElt))});
    return push(out, acc);
  };
}

// --- Upsample (opsets 7 to 9) -------------------------------------------------------

LogicalResult importUpsample(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!floatInput(n, "Upsample"))
    return failure();
  std::string mode = n.getString("mode", "nearest");
  if (mode == "bilinear")
    mode = "linear";
  if (mode != "nearest" && mode != "linear")
    return emitError(n.loc) << "Upsample mode must be nearest or linear, got '" << mode << "'";
  SmallVector<NamedAttribute> a{
      b.getNamedAttr("mode", b.getStringAttr(mode)),
      b.getNamedAttr("coordinate_transformation_mode", b.getStringAttr("asymmetric")),
      b.getNamedAttr("nearest_mode", b.getStringAttr("floor"))};
  SmallVector<Value> operands{n.inputs[0]};
  std::optional<SmallVector<float>> scales;
  if (n.opset < 9) {
    auto *sa = n.attr("scales");
    if (!sa)
      return emitError(n.loc) << "Upsample needs a scales attribute";
    scales = SmallVector<float>(sa->floats.begin(), sa->floats.end());
  } else {
    if (!n.input(1))
      return emitError(n.loc) << "Upsample needs a scales input";
    Attribute c;
    if (matchPattern(n.inputs[1], m_Constant(&c))) {
      auto sc = readConstant(c);
      if (!sc)
        return emitError(n.loc) << "Upsample scales could not be read";
      scales.emplace();
      for (int64_t i = 0; i < sc->size(); ++i)
        scales->push_back((float)sc->asDouble(i));
    } else {
      auto st = dyn_cast<ShapedType>(n.inputs[1].getType());
      if (!st || !st.getElementType().isF32())
        return emitError(n.loc) << "Upsample scales must be a float tensor";
      operands.push_back(n.inputs[1]); // run-time scales
    }
  }
  if (scales) {
    for (float s : *scales)
      if (!(s >= 1))
        return emitError(n.loc) << "Upsample scales must be >= 1, got " << s;
    a.push_back(b.getNamedAttr("scales", b.getDenseF32ArrayAttr(*scales)));
  }
  return push(out, n.im.create1<ResizeOp>(n.loc, operands, a));
}

/// Runs the core import function `base` on the node with its first input
/// cast to `via`, and casts the first result back to the input's element
/// type: bool reductions (max = any, min = all) on ui8, 8-bit integer max
/// pooling on f32 (both exact).
ImportFn throughType(ImportFn base, bool (*applies)(Type), Type (*via)(MLIRContext *)) {
  return [base, applies, via](Node &n, SmallVectorImpl<Value> &out) -> LogicalResult {
    auto st = dyn_cast<ShapedType>(n.inputs[0].getType());
    if (!st || !applies(st.getElementType()))
      return base(n, out);
    auto &b = n.im.b;
    Type orig = st.getElementType();
    Value x = n.inputs[0];
    Value cx = n.im.create1<CastOp>(n.loc, x, {b.getNamedAttr("to", TypeAttr::get(via(&n.im.ctx)))});
    if (!cx)
      return failure();
    n.inputs[0] = cx;
    SmallVector<Value> res;
    LogicalResult r = base(n, res);
    n.inputs[0] = x;
    if (failed(r) || res.empty())
      return failure();
    Value back = n.im.create1<CastOp>(n.loc, res[0], {b.getNamedAttr("to", TypeAttr::get(orig))});
    if (!back)
      return failure();
    out.push_back(back);
    out.append(res.begin() + 1, res.end());
    return success();
  };
}

/// MaxPool with its Indices output: kiln.max_pool_with_indices (without it,
/// the core import function's kiln.max_pool).
ImportFn maxPoolIndices(ImportFn base) {
  return [base](Node &n, SmallVectorImpl<Value> &out) -> LogicalResult {
    if (n.proto.output.size() < 2 || n.proto.output[1].empty())
      return base(n, out);
    auto &b = n.im.b;
    auto kernel = n.getInts("kernel_shape");
    if (!kernel)
      return emitError(n.loc) << "MaxPool needs kernel_shape";
    SmallVector<NamedAttribute> a{
        arrAttr(n, "kernel_shape", *kernel),
        b.getNamedAttr("ceil_mode", b.getBoolAttr(n.getInt("ceil_mode", 0) != 0)),
        b.getNamedAttr("auto_pad", b.getStringAttr(n.getString("auto_pad", "NOTSET"))),
        i64Attr(n, "storage_order", n.getInt("storage_order", 0))};
    for (const char *name : {"strides", "pads", "dilations"})
      if (auto v = n.getInts(name))
        a.push_back(arrAttr(n, name, *v));
    Operation *op = n.im.create<MaxPoolWithIndicesOp>(n.loc, n.inputs[0], a, 2);
    if (!op)
      return failure();
    out.push_back(op->getResult(0));
    out.push_back(op->getResult(1));
    return success();
  };
}

/// Resize needing roi (tf_crop_and_resize), antialias or a
/// keep_aspect_ratio_policy: kiln.resize_ext (otherwise the core import
/// function's kiln.resize).
ImportFn resizeExt(ImportFn base) {
  return [base](Node &n, SmallVectorImpl<Value> &out) -> LogicalResult {
    std::string ctm = n.getString("coordinate_transformation_mode", "half_pixel");
    std::string policy = n.getString("keep_aspect_ratio_policy", "stretch");
    bool antialias = n.getInt("antialias", 0) != 0;
    if (n.opset < 11 || (ctm != "tf_crop_and_resize" && policy == "stretch" && !antialias))
      return base(n, out);
    auto &b = n.im.b;
    if (!floatInput(n, "Resize"))
      return failure();
    auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
    if (!t)
      return emitError(n.loc) << "Resize needs an input of known rank";
    auto isEmpty = [](Value v) {
      auto st = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
      return !v || (st && st.hasStaticShape() && st.getNumElements() == 0);
    };
    Value scales = n.input(2), sizes = n.input(3);
    if (isEmpty(scales))
      scales = Value();
    if (isEmpty(sizes))
      sizes = Value();
    if (!scales == !sizes)
      return emitError(n.loc) << "Resize needs exactly one of scales and sizes";
    Value target = scales ? scales : sizes;
    auto tt = dyn_cast<ShapedType>(target.getType());
    if (scales && !tt.getElementType().isF32())
      return emitError(n.loc) << "Resize scales must be a float tensor";
    if (sizes && !tt.getElementType().isInteger(64))
      return emitError(n.loc) << "Resize sizes must be an int64 tensor";
    SmallVector<int64_t> axes;
    if (auto a = n.getInts("axes"))
      axes = *a;
    else
      for (int64_t i = 0; i < t.getRank(); ++i)
        axes.push_back(i);
    SmallVector<Value> operands{n.inputs[0], target};
    if (ctm == "tf_crop_and_resize") {
      Value roi = n.input(1);
      if (isEmpty(roi))
        return emitError(n.loc) << "Resize with tf_crop_and_resize needs a roi input";
      auto rt = dyn_cast<ShapedType>(roi.getType());
      if (!rt.getElementType().isF32())
        return emitError(n.loc) << "Resize roi must be a float tensor";
      operands.push_back(roi);
    }
    SmallVector<NamedAttribute> a{
        arrAttr(n, "axes", axes), b.getNamedAttr("mode", b.getStringAttr(n.getString("mode", "nearest"))),
        b.getNamedAttr("coordinate_transformation_mode", b.getStringAttr(ctm)),
        b.getNamedAttr("nearest_mode",
                       b.getStringAttr(n.getString("nearest_mode", "round_prefer_floor"))),
        b.getNamedAttr("cubic_coeff_a", b.getF32FloatAttr(n.getFloat("cubic_coeff_a", -0.75f))),
        b.getNamedAttr("exclude_outside", b.getBoolAttr(n.getInt("exclude_outside", 0) != 0)),
        b.getNamedAttr("extrapolation_value",
                       b.getF32FloatAttr(n.getFloat("extrapolation_value", 0))),
        b.getNamedAttr("antialias", b.getBoolAttr(antialias)),
        b.getNamedAttr("keep_aspect_ratio_policy", b.getStringAttr(policy))};
    return push(out, n.im.create1<ResizeExtOp>(n.loc, operands, a));
  };
}

/// Pad-18+ whose axes are computed at run time (input of known rank): the
/// full [begin..., end...] pads are built from kiln ops; pad i goes to dim
/// d where normalize(axes[i]) == d (sum over i of match * pads[i]).
ImportFn padRuntimeAxes(ImportFn base) {
  return [base](Node &n, SmallVectorImpl<Value> &out) -> LogicalResult {
    Attribute c;
    if (n.opset < 18 || !n.input(3) || matchPattern(n.input(3), m_Constant(&c)))
      return base(n, out);
    auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
    auto at = dyn_cast<RankedTensorType>(n.input(3).getType());
    auto pt = n.input(1) ? dyn_cast<RankedTensorType>(n.input(1).getType()) : RankedTensorType();
    if (!t || !at || at.getRank() != 1 || at.isDynamicDim(0))
      return emitError(n.loc) << "Pad with run-time axes needs an input of known rank and axes of "
                                 "known length";
    if (!pt || !pt.getElementType().isInteger(64) || !at.getElementType().isInteger(64))
      return emitError(n.loc) << "Pad pads and axes must be int64 tensors";
    auto &b = n.im.b;
    auto &im = n.im;
    int64_t rank = t.getRank(), na = at.getDimSize(0);
    if (!pt.isDynamicDim(0) && (pt.getRank() != 1 || pt.getDimSize(0) != 2 * na))
      return emitError(n.loc) << "Pad pads has " << pt.getDimSize(0) << " values for " << na
                              << " axes";
    Type i64 = b.getI64Type();
    auto axis0 = b.getNamedAttr("axis", b.getI64IntegerAttr(0));
    Value axes = n.input(3);
    // normalize: axes < 0 ? axes + rank : axes
    Value neg = im.create1<LessOp>(n.loc, {axes, scalarConst(n, i64, 0)});
    Value shifted = im.create1<AddOp>(n.loc, {axes, scalarConst(n, i64, (double)rank)});
    Value norm = neg && shifted ? im.create1<WhereOp>(n.loc, {neg, shifted, axes}) : Value();
    // match[d][i] = (norm[i] == d), as i64 [rank, na]
    Value row = norm ? im.create1<UnsqueezeOp>(n.loc, norm, {arrAttr(n, "axes", {0})}) : Value();
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(d);
    auto colType = RankedTensorType::get({rank, 1}, i64);
    Value col = b.create<ConstantOp>(n.loc, colType, DenseElementsAttr::get(colType, ArrayRef<int64_t>(dims)));
    Value eq = row ? im.create1<EqualOp>(n.loc, {row, col}) : Value();
    Value match = eq ? im.create1<CastOp>(n.loc, eq, {b.getNamedAttr("to", TypeAttr::get(i64))}) : Value();
    if (!match)
      return failure();
    auto half = [&](int64_t start) -> Value {
      Value part = im.create1<SliceOp>(n.loc, {n.input(1), im.constI64(n.loc, {start}),
                                               im.constI64(n.loc, {start + na}),
                                               im.constI64(n.loc, {0}), im.constI64(n.loc, {1})});
      Value prod = part ? im.create1<MulOp>(n.loc, {match, part}) : Value();
      return prod ? im.create1<ReduceSumOp>(n.loc, prod,
                                            {arrAttr(n, "axes", {1}),
                                             b.getNamedAttr("keepdims", b.getBoolAttr(false))})
                  : Value();
    };
    Value begin = half(0), end = half(na);
    Value full = begin && end ? im.create1<ConcatOp>(n.loc, {begin, end}, {axis0}) : Value();
    if (!full)
      return failure();
    SmallVector<Value> operands{n.inputs[0], full};
    double value = 0;
    if (n.input(2)) {
      Attribute vc;
      std::optional<ConstTensor> ct;
      if (matchPattern(n.input(2), m_Constant(&vc)) && (ct = readConstant(vc)) && ct->size() == 1)
        value = ct->asDouble(0);
      else
        operands.push_back(n.input(2));
    }
    return push(out, im.create1<PadOp>(
                         n.loc, operands,
                         {b.getNamedAttr("mode", b.getStringAttr(n.getString("mode", "constant"))),
                          b.getNamedAttr("value", b.getF64FloatAttr(value))}));
  };
}

bool isBool(Type t) { return t.isInteger(1); }
bool isByteInt(Type t) { return t.isInteger(8); }
Type ui8Type(MLIRContext *ctx) { return IntegerType::get(ctx, 8, IntegerType::Unsigned); }
Type f32Type(MLIRContext *ctx) { return Float32Type::get(ctx); }

} // namespace

void registerMiscOps(OpTable &t) {
  for (const char *name : {"ReduceMax", "ReduceMin"})
    if (auto it = t.find(name); it != t.end())
      t[name] = throughType(it->second, isBool, ui8Type);
  if (auto it = t.find("Pad"); it != t.end())
    t["Pad"] = padRuntimeAxes(it->second);
  if (auto it = t.find("Resize"); it != t.end())
    t["Resize"] = resizeExt(it->second);
  if (auto it = t.find("MaxPool"); it != t.end())
    t["MaxPool"] = throughType(maxPoolIndices(it->second), isByteInt, f32Type);
  t["LpNormalization"] = importLpNormalization;
  t["MeanVarianceNormalization"] = importMVN;
  t["LpPool"] = importLpPool;
  t["SpaceToDepth"] = importSpaceToDepth;
  t["DepthToSpace"] = importDepthToSpace;
  t["EyeLike"] = importEyeLike;
  t["HannWindow"] = window("HannWindow", {0.5, -0.5});
  t["HammingWindow"] = window("HammingWindow", {25.0 / 46.0, -(1.0 - 25.0 / 46.0)});
  t["BlackmanWindow"] = window("BlackmanWindow", {0.42, -0.5, 0.08});
  t["Upsample"] = importUpsample;
}

} // namespace kiln::onnx::detail
