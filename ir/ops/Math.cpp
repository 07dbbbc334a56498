//===- Math.cpp - inference, verifiers and folders of the math op family --===//
//
// Ops of include/kiln/ir/KilnMathOps.td: float unary math (inverse and
// hyperbolic trigonometry, tan, softsign, celu), is_inf/is_nan, the bitwise
// ops and bit_shift on integers, cum_prod, bit_cast and eye_like. Every op
// folds when its inputs are constants (eye_like whenever its shape is
// static); arithmetic is done in double (int64 for integers) and rounded
// once to the result type, as in KilnFold.cpp.
//
//===----------------------------------------------------------------------===//
#include "../ShapeUtils.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"

#include "mlir/IR/Matchers.h"
#include <cmath>
#include <functional>

using namespace mlir;

namespace kiln {
namespace {

Type tensorOf(ArrayRef<int64_t> shape, Type elt) { return RankedTensorType::get(shape, elt); }
Type unrankedOf(Type elt) { return UnrankedTensorType::get(elt); }
Type eltOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }
RankedTensorType rankedOf(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }

/// The input's shape with element type `elt`.
LogicalResult sameShape(Value input, Type elt, SmallVectorImpl<Type> &results) {
  if (auto t = rankedOf(input))
    results.push_back(tensorOf(t.getShape(), elt));
  else
    results.push_back(unrankedOf(elt));
  return success();
}

LogicalResult checkScalar(const Diag &d, Value v, StringRef what) {
  auto t = rankedOf(v);
  if (!t)
    return success();
  int64_t n = staticNumElements(t.getShape());
  if (t.getRank() > 1 || (n >= 0 && n != 1))
    return d.fail(what, " must be a scalar (0-D or one element), got ", t);
  return success();
}

/// Storage bits of an element type (bool is one byte, as in ONNX tensors).
unsigned storageBits(Type t) {
  if (t.isInteger(1))
    return 8;
  return t.getIntOrFloatBitWidth();
}

RankedTensorType staticResult(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() ? t : RankedTensorType();
}

OpFoldResult emit(Value result, const ConstTensor &c) {
  auto t = staticResult(result);
  if (!t || staticNumElements(t.getShape()) != c.size())
    return {};
  return makeConstant(t, c);
}

OpFoldResult foldFloatUnary(Attribute in, Value result, const std::function<double(double)> &f) {
  auto c = readConstant(in);
  if (!c || !c->isFloat)
    return {};
  for (double &x : c->f)
    x = f(x);
  return emit(result, *c);
}

/// A float -> bool elementwise predicate.
OpFoldResult foldPredicate(Attribute in, Value result, const std::function<bool(double)> &f) {
  auto c = readConstant(in);
  auto t = staticResult(result);
  if (!c || !c->isFloat || !t)
    return {};
  ConstTensor out = makeLike(*c, c->shape, t.getElementType());
  for (int64_t k = 0; k < c->size(); ++k)
    out.i[k] = f(c->f[k]) ? 1 : 0;
  return emit(result, out);
}

/// Integer binary ops on the bit patterns (as uint64); the result is
/// wrapped to the element type by makeConstant.
OpFoldResult foldIntBinary(Attribute lhs, Attribute rhs, Value result,
                           const std::function<uint64_t(uint64_t, uint64_t)> &f) {
  auto a = readConstant(lhs), b = readConstant(rhs);
  auto t = staticResult(result);
  if (!a || !b || !t || a->isFloat || b->isFloat)
    return {};
  ConstTensor out = makeLike(*a, t.getShape(), t.getElementType());
  auto ao = broadcastOffsets(a->shape, t.getShape()), bo = broadcastOffsets(b->shape, t.getShape());
  for (int64_t k = 0; k < out.size(); ++k)
    out.i[k] = (int64_t)f((uint64_t)a->i[ao[k]], (uint64_t)b->i[bo[k]]);
  return emit(result, out);
}

/// The value of an unsigned element of `bits` bits held as an int64 pattern.
uint64_t unsignedValue(int64_t v, unsigned bits) {
  uint64_t u = (uint64_t)v;
  return bits >= 64 ? u : (u & ((uint64_t(1) << bits) - 1));
}

double celu(double x, double alpha) {
  return std::max(0.0, x) + std::min(0.0, alpha * (std::exp(x / alpha) - 1.0));
}

} // namespace


//===----------------------------------------------------------------------===//
// Float unary ops
//===----------------------------------------------------------------------===//

#define KILN_MATH_UNARY(OP, FEXPR)                                                                 \
  KILN_INFER(OP) {                                                                                 \
    results.push_back(operands[0].getType());                                                      \
    return success();                                                                              \
  }                                                                                                \
  OpFoldResult OP::fold(FoldAdaptor a) {                                                           \
    return foldFloatUnary(a.getInput(), getResult(), [&](double x) -> double { return FEXPR; });   \
  }
KILN_MATH_UNARY(AcosOp, std::acos(x))
KILN_MATH_UNARY(AsinOp, std::asin(x))
KILN_MATH_UNARY(AtanOp, std::atan(x))
KILN_MATH_UNARY(AcoshOp, std::acosh(x))
KILN_MATH_UNARY(AsinhOp, std::asinh(x))
KILN_MATH_UNARY(AtanhOp, std::atanh(x))
KILN_MATH_UNARY(TanOp, std::tan(x))
KILN_MATH_UNARY(SinhOp, std::sinh(x))
KILN_MATH_UNARY(CoshOp, std::cosh(x))
KILN_MATH_UNARY(SoftsignOp, x / (1.0 + std::fabs(x)))
KILN_MATH_UNARY(CeluOp, celu(x, getAlpha().convertToDouble()))
#undef KILN_MATH_UNARY

LogicalResult CeluOp::verify() {
  float alpha = getAlpha().convertToFloat();
  if (alpha == 0 || std::isnan(alpha))
    return emitOpError("alpha must be a nonzero number, got ") << alpha;
  return success();
}

//===----------------------------------------------------------------------===//
// is_inf, is_nan
//===----------------------------------------------------------------------===//

KILN_INFER(IsInfOp) {
  KILN_ADAPTOR(IsInfOp);
  return sameShape(a.getInput(), IntegerType::get(ctx, 1), results);
}
OpFoldResult IsInfOp::fold(FoldAdaptor a) {
  bool pos = getDetectPositive(), neg = getDetectNegative();
  return foldPredicate(a.getInput(), getResult(), [&](double x) {
    return std::isinf(x) && ((x > 0 && pos) || (x < 0 && neg));
  });
}

KILN_INFER(IsNaNOp) {
  KILN_ADAPTOR(IsNaNOp);
  return sameShape(a.getInput(), IntegerType::get(ctx, 1), results);
}
OpFoldResult IsNaNOp::fold(FoldAdaptor a) {
  return foldPredicate(a.getInput(), getResult(), [](double x) { return std::isnan(x); });
}

//===----------------------------------------------------------------------===//
// Bitwise ops
//===----------------------------------------------------------------------===//

namespace {
LogicalResult inferIntBinary(const Diag &d, Value lhs, Value rhs, SmallVectorImpl<Type> &results) {
  if (eltOf(lhs) != eltOf(rhs))
    return d.fail("operand element types differ: ", eltOf(lhs), " vs ", eltOf(rhs));
  auto l = rankedOf(lhs), r = rankedOf(rhs);
  if (!l || !r) {
    results.push_back(unrankedOf(eltOf(lhs)));
    return success();
  }
  auto shape = broadcastShapes(d, l.getShape(), r.getShape());
  if (failed(shape))
    return failure();
  results.push_back(tensorOf(*shape, eltOf(lhs)));
  return success();
}
} // namespace

#define KILN_BITWISE(OP, EXPR)                                                                     \
  KILN_INFER(OP) {                                                                                 \
    KILN_ADAPTOR(OP);                                                                              \
    return inferIntBinary(d, a.getLhs(), a.getRhs(), results);                                     \
  }                                                                                                \
  OpFoldResult OP::fold(FoldAdaptor a) {                                                           \
    return foldIntBinary(a.getLhs(), a.getRhs(), getResult(),                                      \
                         [](uint64_t x, uint64_t y) -> uint64_t { return EXPR; });                 \
  }
KILN_BITWISE(BitwiseAndOp, x & y)
KILN_BITWISE(BitwiseOrOp, x | y)
KILN_BITWISE(BitwiseXorOp, x ^ y)
#undef KILN_BITWISE

KILN_INFER(BitShiftOp) {
  KILN_ADAPTOR(BitShiftOp);
  return inferIntBinary(d, a.getLhs(), a.getRhs(), results);
}
LogicalResult BitShiftOp::verify() {
  if (getDirection() != "LEFT" && getDirection() != "RIGHT")
    return emitOpError("direction must be LEFT or RIGHT, got '") << getDirection() << "'";
  if (!eltOf(getLhs()).isUnsignedInteger())
    return emitOpError("operands must be unsigned integers, got ") << eltOf(getLhs());
  return success();
}
OpFoldResult BitShiftOp::fold(FoldAdaptor a) {
  unsigned bits = eltOf(getLhs()).getIntOrFloatBitWidth();
  bool left = getDirection() == "LEFT";
  return foldIntBinary(a.getLhs(), a.getRhs(), getResult(), [&](uint64_t x, uint64_t y) {
    uint64_t v = unsignedValue((int64_t)x, bits), s = unsignedValue((int64_t)y, bits);
    if (s >= bits)
      return uint64_t(0);
    return left ? v << s : v >> s;
  });
}

KILN_INFER(BitwiseNotOp) {
  results.push_back(operands[0].getType());
  return success();
}
OpFoldResult BitwiseNotOp::fold(FoldAdaptor a) {
  auto c = readConstant(a.getInput());
  if (!c || c->isFloat)
    return {};
  for (int64_t &x : c->i)
    x = (int64_t)~(uint64_t)x;
  return emit(getResult(), *c);
}

//===----------------------------------------------------------------------===//
// cum_prod
//===----------------------------------------------------------------------===//

KILN_INFER(CumProdOp) {
  KILN_ADAPTOR(CumProdOp);
  if (failed(checkScalar(d, a.getAxis(), "axis")))
    return failure();
  if (auto t = rankedOf(a.getInput()))
    if (auto axis = getConstantInts(a.getAxis()); axis && axis->size() == 1)
      if (failed(normalizeAxis(d, (*axis)[0], t.getRank())))
        return failure();
  results.push_back(a.getInput().getType());
  return success();
}

OpFoldResult CumProdOp::fold(FoldAdaptor a) {
  auto c = readConstant(a.getInput());
  auto ax = readConstant(a.getAxis());
  if (!c || !ax || ax->size() != 1)
    return {};
  int64_t rank = (int64_t)c->shape.size(), axis = (int64_t)ax->asDouble(0);
  if (axis < -rank || axis >= rank)
    return {};
  if (axis < 0)
    axis += rank;
  int64_t len = c->shape[axis], inner = 1, outer = 1;
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= c->shape[i];
  for (int64_t i = 0; i < axis; ++i)
    outer *= c->shape[i];
  bool excl = getExclusive(), rev = getReverse();
  ConstTensor out = *c;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      double pf = 1;
      uint64_t pi = 1; // integers wrap like the kernel
      for (int64_t s = 0; s < len; ++s) {
        int64_t j = rev ? len - 1 - s : s;
        int64_t k = (o * len + j) * inner + in;
        if (c->isFloat) {
          double x = c->f[k];
          if (excl) {
            out.f[k] = pf;
            pf *= x;
          } else {
            pf *= x;
            out.f[k] = pf;
          }
        } else {
          uint64_t x = (uint64_t)c->i[k];
          if (excl) {
            out.i[k] = (int64_t)pi;
            pi *= x;
          } else {
            pi *= x;
            out.i[k] = (int64_t)pi;
          }
        }
      }
    }
  return emit(getResult(), out);
}

//===----------------------------------------------------------------------===//
// bit_cast
//===----------------------------------------------------------------------===//

KILN_INFER(BitCastOp) {
  KILN_ADAPTOR(BitCastOp);
  Type to = a.getTo();
  if (!to.isIntOrFloat())
    return d.fail("to must be an integer, float or bool type, got ", to);
  Type from = eltOf(a.getInput());
  if (storageBits(from) != storageBits(to))
    return d.fail("cannot reinterpret ", from, " (", storageBits(from), " bits) as ", to, " (",
                  storageBits(to), " bits): the widths differ");
  return sameShape(a.getInput(), to, results);
}

OpFoldResult BitCastOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  auto dense = dyn_cast_or_null<DenseElementsAttr>(a.getInput());
  auto t = staticResult(getResult());
  // (i1 is bit-packed in MLIR's raw data; leave bool to the kernel.)
  if (!dense || !t || dense.getElementType().isInteger(1) || t.getElementType().isInteger(1))
    return {};
  if (dense.isSplat()) {
    ArrayRef<char> raw = dense.getRawData();
    return DenseElementsAttr::getFromRawBuffer(t, raw);
  }
  if (dense.getNumElements() > kMaxFoldElements)
    return {};
  return DenseElementsAttr::getFromRawBuffer(t, dense.getRawData());
}

//===----------------------------------------------------------------------===//
// eye_like
//===----------------------------------------------------------------------===//

KILN_INFER(EyeLikeOp) {
  KILN_ADAPTOR(EyeLikeOp);
  Type elt = a.getDtype();
  if (!elt.isIntOrFloat())
    return d.fail("dtype must be an integer, float or bool type, got ", elt);
  if (auto t = rankedOf(a.getInput()); t && t.getRank() != 2)
    return d.fail("input must be 2-D, got ", t);
  if (auto t = rankedOf(a.getInput()))
    results.push_back(tensorOf(t.getShape(), elt));
  else
    results.push_back(tensorOf({kDyn, kDyn}, elt));
  return success();
}

OpFoldResult EyeLikeOp::fold(FoldAdaptor) {
  auto t = staticResult(getResult());
  if (!t || t.getNumElements() > kMaxFoldElements)
    return {};
  ConstTensor c;
  c.shape.assign(t.getShape().begin(), t.getShape().end());
  c.elementType = t.getElementType();
  c.isFloat = isa<FloatType>(c.elementType);
  int64_t rows = t.getDimSize(0), cols = t.getDimSize(1), k = getK();
  if (c.isFloat)
    c.f.assign(rows * cols, 0.0);
  else
    c.i.assign(rows * cols, 0);
  for (int64_t i = 0; i < rows; ++i) {
    int64_t j = i + k;
    if (j >= 0 && j < cols) {
      if (c.isFloat)
        c.f[i * cols + j] = 1.0;
      else
        c.i[i * cols + j] = 1;
    }
  }
  return makeConstant(t, c);
}

//===----------------------------------------------------------------------===//
// max_pool_with_indices
//===----------------------------------------------------------------------===//

KILN_INFER(MaxPoolWithIndicesOp) {
  KILN_ADAPTOR(MaxPoolWithIndicesOp);
  Type elt = eltOf(a.getInput());
  Type i64 = IntegerType::get(ctx, 64);
  auto t = rankedOf(a.getInput());
  ArrayRef<int64_t> kernel = a.getKernelShape();
  size_t n = kernel.size();
  auto checkLen = [&](std::optional<ArrayRef<int64_t>> v, size_t len, StringRef name) {
    if (v && v->size() != len)
      return d.fail(name, " has ", v->size(), " values, expected ", len);
    return success();
  };
  if (failed(checkLen(a.getStrides(), n, "strides")) ||
      failed(checkLen(a.getDilations(), n, "dilations")) ||
      failed(checkLen(a.getPads(), 2 * n, "pads")))
    return failure();
  for (auto v : {std::optional<ArrayRef<int64_t>>(kernel), a.getStrides(), a.getDilations()})
    if (v)
      for (int64_t x : *v)
        if (x <= 0)
          return d.fail("kernel_shape, strides and dilations must be positive, got ", x);
  if (auto p = a.getPads())
    for (int64_t x : *p)
      if (x < 0)
        return d.fail("pads must be non-negative, got ", x);
  StringRef autoPad = a.getAutoPad();
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return d.fail("auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '", autoPad, "'");
  if (!t) {
    results.push_back(unrankedOf(elt));
    results.push_back(unrankedOf(i64));
    return success();
  }
  if (t.getRank() != (int64_t)n + 2)
    return d.fail("input of rank ", t.getRank(), " needs ", t.getRank() - 2,
                  " kernel dims, got ", n);
  SmallVector<int64_t> shape{t.getDimSize(0), t.getDimSize(1)};
  for (size_t i = 0; i < n; ++i) {
    int64_t s = a.getStrides() ? (*a.getStrides())[i] : 1;
    int64_t dl = a.getDilations() ? (*a.getDilations())[i] : 1;
    int64_t pb = a.getPads() ? (*a.getPads())[i] : 0, pe = a.getPads() ? (*a.getPads())[i + n] : 0;
    int64_t o = windowOutputDim(t.getDimSize(2 + i), kernel[i], s, dl, pb, pe, autoPad,
                                a.getCeilMode());
    if (o == -1 || o == 0)
      return d.fail("window of size ", kernel[i], " does not fit spatial dim ", i, " of size ",
                    t.getDimSize(2 + i));
    shape.push_back(o);
  }
  results.push_back(tensorOf(shape, elt));
  results.push_back(tensorOf(shape, i64));
  return success();
}

LogicalResult MaxPoolWithIndicesOp::verify() {
  if (getStorageOrder() != 0 && getStorageOrder() != 1)
    return emitOpError("storage_order must be 0 or 1, got ") << getStorageOrder();
  return success();
}

//===----------------------------------------------------------------------===//
// resize_ext
//===----------------------------------------------------------------------===//

KILN_INFER(ResizeExtOp) {
  KILN_ADAPTOR(ResizeExtOp);
  Type elt = eltOf(a.getInput());
  auto t = rankedOf(a.getInput());
  auto tt = rankedOf(a.getTarget());
  if (tt && tt.getRank() != 1)
    return d.fail("target (sizes or scales) must be 1-D, got ", tt);
  ArrayRef<int64_t> axes = a.getAxes();
  if (tt && !tt.isDynamicDim(0) && tt.getDimSize(0) != (int64_t)axes.size())
    return d.fail("target has ", tt.getDimSize(0), " values for ", axes.size(), " axes");
  if (a.getRoi())
    if (auto rt = rankedOf(a.getRoi()))
      if (rt.getRank() != 1 || (!rt.isDynamicDim(0) && rt.getDimSize(0) != 2 * (int64_t)axes.size()))
        return d.fail("roi must be 1-D with ", 2 * axes.size(), " values, got ", rt);
  if (!t) {
    results.push_back(unrankedOf(elt));
    return success();
  }
  int64_t rank = t.getRank();
  SmallVector<int64_t> shape(t.getShape().begin(), t.getShape().end());
  SmallVector<int64_t> norm;
  for (int64_t ax : axes) {
    auto n = normalizeAxis(d, ax, rank);
    if (failed(n))
      return failure();
    if (llvm::is_contained(norm, *n))
      return d.fail("axis ", ax, " is repeated");
    norm.push_back(*n);
  }
  // Static sizes only when they are constant and used as given.
  auto sizes = getConstantInts(a.getTarget());
  bool isSizes = eltOf(a.getTarget()).isInteger(64);
  for (size_t i = 0; i < norm.size(); ++i) {
    if (isSizes && sizes && a.getKeepAspectRatioPolicy() == "stretch" && sizes->size() == norm.size())
      shape[norm[i]] = (*sizes)[i];
    else
      shape[norm[i]] = kDyn;
  }
  results.push_back(tensorOf(shape, elt));
  return success();
}

LogicalResult ResizeExtOp::verify() {
  StringRef mode = getMode(), ctm = getCoordinateTransformationMode(), nm = getNearestMode(),
            policy = getKeepAspectRatioPolicy();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOpError("mode must be nearest, linear or cubic, got '") << mode << "'";
  if (ctm != "half_pixel" && ctm != "half_pixel_symmetric" && ctm != "pytorch_half_pixel" &&
      ctm != "align_corners" && ctm != "asymmetric" && ctm != "tf_half_pixel_for_nn" &&
      ctm != "tf_crop_and_resize")
    return emitOpError("unknown coordinate_transformation_mode '") << ctm << "'";
  if (nm != "round_prefer_floor" && nm != "round_prefer_ceil" && nm != "floor" && nm != "ceil")
    return emitOpError("unknown nearest_mode '") << nm << "'";
  if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    return emitOpError("keep_aspect_ratio_policy must be stretch, not_larger or not_smaller, got '")
           << policy << "'";
  if (policy != "stretch" && !eltOf(getTarget()).isInteger(64))
    return emitOpError("keep_aspect_ratio_policy ") << policy << " needs sizes, not scales";
  if (ctm == "tf_crop_and_resize" && !getRoi())
    return emitOpError("coordinate_transformation_mode tf_crop_and_resize needs a roi operand");
  if (getAntialias() && mode == "nearest")
    return emitOpError("antialias needs mode linear or cubic");
  return success();
}

} // namespace kiln
