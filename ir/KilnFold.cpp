//===- KilnFold.cpp - compile-time evaluation of kiln ops -----------------===//
//
// Every op folds when its inputs are constants of at most kMaxFoldElements
// elements and its result has a static shape; ops that are the identity on
// their input (no-op reshape, identity transpose, cast to the same type,
// x + 0, x * 1, dropout...) fold to that input. Arithmetic is done in double
// (or int64 for integers) and rounded once to the result type.
//
//===----------------------------------------------------------------------===//
#include "ShapeUtils.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"

#include "mlir/IR/Matchers.h"
#include <cmath>
#include <functional>

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType staticResult(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() ? t : RankedTensorType();
}

std::optional<ConstTensor> constOf(Attribute a) { return readConstant(a); }

OpFoldResult emit(Value result, const ConstTensor &c) {
  auto t = staticResult(result);
  if (!t || staticNumElements(t.getShape()) != c.size())
    return {};
  return makeConstant(t, c);
}

/// True when every element of constant `a` equals `v`. A splat is checked
/// through its one value, whatever its size.
bool isSplatOf(Attribute a, double v) {
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(a); dense && dense.isSplat())
    a = DenseElementsAttr::get(RankedTensorType::get({}, dense.getElementType()),
                               dense.getSplatValue<Attribute>());
  auto c = readConstant(a);
  if (!c)
    return false;
  for (int64_t k = 0; k < c->size(); ++k)
    if (c->asDouble(k) != v)
      return false;
  return true;
}

// --- elementwise ----------------------------------------------------------

using FloatFn = std::function<double(double)>;
using IntFn = std::function<int64_t(int64_t)>;

OpFoldResult foldUnary(Attribute in, Value result, FloatFn ff, IntFn fi = nullptr) {
  auto c = constOf(in);
  if (!c)
    return {};
  if (c->isFloat) {
    for (double &x : c->f)
      x = ff(x);
  } else {
    if (!fi)
      return {};
    for (int64_t &x : c->i)
      x = fi(x);
  }
  return emit(result, *c);
}

struct BinaryFns {
  std::function<double(double, double)> f;
  std::function<std::optional<int64_t>(int64_t, int64_t)> i;
};

OpFoldResult foldBinary(Attribute lhs, Attribute rhs, Value result, const BinaryFns &fns) {
  auto a = constOf(lhs), b = constOf(rhs);
  auto t = staticResult(result);
  if (!a || !b || !t)
    return {};
  ConstTensor out = makeLike(*a, t.getShape(), t.getElementType());
  auto ao = broadcastOffsets(a->shape, t.getShape()), bo = broadcastOffsets(b->shape, t.getShape());
  bool isFloat = a->isFloat;
  for (int64_t k = 0; k < out.size(); ++k) {
    if (isFloat) {
      double v = fns.f(a->f[ao[k]], b->f[bo[k]]);
      if (out.isFloat)
        out.f[k] = v;
      else
        out.i[k] = (int64_t)v;
    } else {
      if (!fns.i)
        return {};
      auto v = fns.i(a->i[ao[k]], b->i[bo[k]]);
      if (!v)
        return {}; // e.g. integer division by zero: leave it to run time
      if (out.isFloat)
        out.f[k] = (double)*v;
      else
        out.i[k] = *v;
    }
  }
  return emit(result, out);
}

/// x op identity-constant -> x when that does not change the type.
OpFoldResult foldToOperand(Value operand, Value result, Attribute other, double identity) {
  if (operand.getType() == result.getType() && other && isSplatOf(other, identity))
    return operand;
  return {};
}

double erfGelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }
double tanhGelu(double x) {
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return x > 20 ? x : std::log1p(std::exp(x)); }

// --- iteration over N-d index spaces --------------------------------------

/// Calls fn(index) for every index of `shape` in row-major order.
void forEachIndex(ArrayRef<int64_t> shape, const std::function<void(ArrayRef<int64_t>)> &fn) {
  int64_t n = staticNumElements(shape);
  SmallVector<int64_t> idx(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    fn(idx);
    for (int64_t i = (int64_t)shape.size() - 1; i >= 0; --i) {
      if (++idx[i] < shape[i])
        break;
      idx[i] = 0;
    }
  }
}

int64_t offsetOf(ArrayRef<int64_t> idx, ArrayRef<int64_t> strides) {
  int64_t off = 0;
  for (size_t i = 0; i < idx.size(); ++i)
    off += idx[i] * strides[i];
  return off;
}

/// Reduces `in` over `axes` (normalized) into `out`'s shape (keepdims or not).
template <typename Init, typename Acc, typename Fin>
std::optional<ConstTensor> reduce(const ConstTensor &in, ArrayRef<int64_t> axes, Value result,
                                  Init init, Acc acc, Fin fin) {
  auto t = staticResult(result);
  if (!t)
    return std::nullopt;
  int64_t rank = in.shape.size();
  SmallVector<int64_t> keptShape;
  for (int64_t i = 0; i < rank; ++i)
    keptShape.push_back(llvm::is_contained(axes, i) ? 1 : in.shape[i]);
  int64_t outN = staticNumElements(keptShape);
  std::vector<double> accs(outN, init);
  std::vector<int64_t> counts(outN, 0);
  auto ks = stridesOf(keptShape), is = stridesOf(in.shape);
  forEachIndex(in.shape, [&](ArrayRef<int64_t> idx) {
    SmallVector<int64_t> o(idx.begin(), idx.end());
    for (int64_t a : axes)
      o[a] = 0;
    int64_t k = offsetOf(o, ks);
    accs[k] = acc(accs[k], in.asDouble(offsetOf(idx, is)));
    counts[k]++;
  });
  ConstTensor out = makeLike(in, t.getShape(), t.getElementType());
  for (int64_t k = 0; k < outN; ++k) {
    double v = fin(accs[k], counts[k]);
    if (out.isFloat)
      out.f[k] = v;
    else
      out.i[k] = (int64_t)v;
  }
  return out;
}

SmallVector<int64_t> normAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes)
    out.push_back(a < 0 ? a + rank : a);
  return out;
}

/// Gathers the elements of `in` at `offsets` into a tensor of `result`'s type.
OpFoldResult gatherOffsets(const ConstTensor &in, ArrayRef<int64_t> offsets, Value result) {
  auto t = staticResult(result);
  if (!t)
    return {};
  ConstTensor out = makeLike(in, t.getShape());
  for (size_t k = 0; k < offsets.size(); ++k) {
    if (in.isFloat)
      out.f[k] = in.f[offsets[k]];
    else
      out.i[k] = in.i[offsets[k]];
  }
  return emit(result, out);
}

/// Same values, new shape (reshape, flatten, squeeze, unsqueeze).
OpFoldResult reshapeFold(Value input, Attribute in, Value result) {
  if (input.getType() == result.getType() && staticResult(result))
    return input;
  auto c = constOf(in);
  auto t = staticResult(result);
  if (!c || !t)
    return {};
  c->shape.assign(t.getShape().begin(), t.getShape().end());
  return emit(result, *c);
}

} // namespace

//===----------------------------------------------------------------------===//
// Constants and shape computations
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto in = dyn_cast<RankedTensorType>(getInput().getType());
  auto t = staticResult(getResult());
  if (!in || !t)
    return {};
  int64_t rank = in.getRank();
  int64_t start = (int64_t)getStart();
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  ConstTensor c;
  c.elementType = t.getElementType();
  c.shape.assign(t.getShape().begin(), t.getShape().end());
  for (int64_t k = 0; k < t.getDimSize(0); ++k) {
    int64_t dim = in.getDimSize(start + k);
    if (isDyn(dim))
      return {};
    c.i.push_back(dim);
  }
  return emit(getResult(), c);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto in = dyn_cast<RankedTensorType>(getInput().getType());
  if (!in || !in.hasStaticShape())
    return {};
  ConstTensor c;
  c.elementType = getType().getElementType();
  c.i.push_back(in.getNumElements());
  return emit(getResult(), c);
}

OpFoldResult RangeOp::fold(FoldAdaptor a) {
  auto s = constOf(a.getStart()), d = constOf(a.getDelta());
  auto t = staticResult(getResult());
  if (!s || !d || !t || t.getNumElements() > kMaxFoldElements)
    return {};
  ConstTensor out = makeLike(*s, t.getShape());
  for (int64_t k = 0; k < t.getNumElements(); ++k) {
    if (out.isFloat)
      out.f[k] = s->f[0] + k * d->f[0];
    else
      out.i[k] = s->i[0] + k * d->i[0];
  }
  return emit(getResult(), out);
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  auto t = staticResult(getResult());
  if (!t || t.getNumElements() > kMaxFoldElements)
    return {};
  Attribute value = getValueAttr();
  if (!value)
    value = DenseElementsAttr::get(RankedTensorType::get({1}, t.getElementType()),
                                   FloatAttr::get(t.getElementType(), 0.0));
  auto v = constOf(value);
  if (!v || v->size() != 1)
    return {};
  ConstTensor out = makeLike(*v, t.getShape());
  if (out.isFloat)
    std::fill(out.f.begin(), out.f.end(), v->f[0]);
  else
    std::fill(out.i.begin(), out.i.end(), v->i[0]);
  return emit(getResult(), out);
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

#define KILN_FOLD_UNARY(OP, FEXPR, IEXPR)                                                          \
  OpFoldResult OP::fold(FoldAdaptor a) {                                                           \
    return foldUnary(a.getInput(), getResult(), [&](double x) -> double { return FEXPR; },         \
                     IEXPR);                                                                       \
  }
#define KILN_INT(EXPR) [&](int64_t x) -> int64_t { return EXPR; }

KILN_FOLD_UNARY(ReluOp, x > 0 ? x : 0.0, KILN_INT(x > 0 ? x : 0))
KILN_FOLD_UNARY(LeakyReluOp, x >= 0 ? x : getAlpha().convertToDouble() * x, nullptr)
KILN_FOLD_UNARY(EluOp, x > 0 ? x : getAlpha().convertToDouble() * (std::exp(x) - 1), nullptr)
KILN_FOLD_UNARY(SeluOp,
                getGamma().convertToDouble() *
                    (x > 0 ? x : getAlpha().convertToDouble() * (std::exp(x) - 1)),
                nullptr)
KILN_FOLD_UNARY(GeluOp, getApproximate() == "tanh" ? tanhGelu(x) : erfGelu(x), nullptr)
KILN_FOLD_UNARY(ErfOp, std::erf(x), nullptr)
KILN_FOLD_UNARY(SigmoidOp, sigmoid(x), nullptr)
KILN_FOLD_UNARY(HardSigmoidOp,
                std::clamp(getAlpha().convertToDouble() * x + getBeta().convertToDouble(), 0.0,
                           1.0),
                nullptr)
KILN_FOLD_UNARY(HardSwishOp, x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0), nullptr)
KILN_FOLD_UNARY(SiluOp, x * sigmoid(x), nullptr)
KILN_FOLD_UNARY(MishOp, x * std::tanh(softplus(x)), nullptr)
KILN_FOLD_UNARY(SoftplusOp, softplus(x), nullptr)
KILN_FOLD_UNARY(TanhOp, std::tanh(x), nullptr)
KILN_FOLD_UNARY(ExpOp, std::exp(x), nullptr)
KILN_FOLD_UNARY(LogOp, std::log(x), nullptr)
KILN_FOLD_UNARY(SqrtOp, std::sqrt(x), nullptr)
KILN_FOLD_UNARY(ReciprocalOp, 1.0 / x, nullptr)
KILN_FOLD_UNARY(SinOp, std::sin(x), nullptr)
KILN_FOLD_UNARY(CosOp, std::cos(x), nullptr)
KILN_FOLD_UNARY(FloorOp, std::floor(x), nullptr)
KILN_FOLD_UNARY(CeilOp, std::ceil(x), nullptr)
KILN_FOLD_UNARY(RoundOp, std::nearbyint(x), nullptr)
KILN_FOLD_UNARY(AbsOp, std::fabs(x), KILN_INT(x < 0 ? -x : x))
KILN_FOLD_UNARY(NegOp, -x, KILN_INT(-x))
KILN_FOLD_UNARY(SignOp, (double)((x > 0) - (x < 0)), KILN_INT((x > 0) - (x < 0)))
KILN_FOLD_UNARY(NotOp, x == 0, KILN_INT(x == 0))
#undef KILN_FOLD_UNARY
#undef KILN_INT

OpFoldResult ClipOp::fold(FoldAdaptor a) {
  // Constant bound operands become the attributes (in place) when a double
  // holds them exactly.
  if (!getBounds().empty()) {
    SmallVector<double, 2> v;
    for (Attribute b : a.getBounds()) {
      auto c = b ? constOf(b) : std::nullopt;
      if (!c || c->size() != 1)
        return {};
      if (!c->isFloat && (double)(int64_t)c->asDouble(0) != c->asDouble(0))
        return {};
      if (!c->isFloat && std::fabs(c->asDouble(0)) > 9007199254740992.0)
        return {};
      v.push_back(c->asDouble(0));
    }
    if (std::isnan(v[0]) || std::isnan(v[1]) || v[0] > v[1] ||
        getType().getElementType().isUnsignedInteger(64))
      return {}; // NaN, crossed or huge unsigned bounds stay run-time operands
    getBoundsMutable().clear();
    setMinAttr(FloatAttr::get(Float64Type::get(getContext()), v[0]));
    setMaxAttr(FloatAttr::get(Float64Type::get(getContext()), v[1]));
    return getResult();
  }
  double lo = getMin() ? getMin()->convertToDouble() : -INFINITY;
  double hi = getMax() ? getMax()->convertToDouble() : INFINITY;
  if (!getMin() && !getMax() && getInput().getType() == getType())
    return getInput();
  return foldUnary(
      a.getInput(), getResult(), [&](double x) { return std::clamp(x, lo, hi); },
      [&](int64_t x) -> int64_t {
        double v = std::clamp((double)x, lo, hi);
        return (int64_t)v;
      });
}

OpFoldResult IdentityOp::fold(FoldAdaptor) {
  return getInput().getType() == getType() ? OpFoldResult(getInput()) : OpFoldResult();
}
OpFoldResult DropoutOp::fold(FoldAdaptor) {
  return getInput().getType() == getType() ? OpFoldResult(getInput()) : OpFoldResult();
}

OpFoldResult CastOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  auto c = constOf(a.getInput());
  auto t = staticResult(getResult());
  if (!c || !t)
    return {};
  ConstTensor out = makeLike(*c, t.getShape(), t.getElementType());
  for (int64_t k = 0; k < c->size(); ++k) {
    if (out.isFloat)
      out.f[k] = c->asDouble(k);
    else if (c->isFloat) {
      double v = c->f[k];
      if (!std::isfinite(v) && !t.getElementType().isInteger(1))
        return {}; // NaN/inf to integer is undefined: leave it to run time
      out.i[k] = t.getElementType().isInteger(1) ? (v != 0.0) : (int64_t)std::trunc(v);
    } else
      out.i[k] = t.getElementType().isInteger(1) ? (c->i[k] != 0) : c->i[k];
  }
  return emit(getResult(), out);
}

//===----------------------------------------------------------------------===//
// Elementwise binary
//===----------------------------------------------------------------------===//

static std::optional<int64_t> some(int64_t v) { return v; }

OpFoldResult AddOp::fold(FoldAdaptor a) {
  if (auto r = foldToOperand(getLhs(), getResult(), a.getRhs(), 0.0))
    return r;
  if (auto r = foldToOperand(getRhs(), getResult(), a.getLhs(), 0.0))
    return r;
  return foldBinary(a.getLhs(), a.getRhs(), getResult(),
                    {[](double x, double y) { return x + y; },
                     [](int64_t x, int64_t y) { return some((int64_t)((uint64_t)x + (uint64_t)y)); }});
}
OpFoldResult SubOp::fold(FoldAdaptor a) {
  if (auto r = foldToOperand(getLhs(), getResult(), a.getRhs(), 0.0))
    return r;
  return foldBinary(a.getLhs(), a.getRhs(), getResult(),
                    {[](double x, double y) { return x - y; },
                     [](int64_t x, int64_t y) { return some((int64_t)((uint64_t)x - (uint64_t)y)); }});
}
OpFoldResult MulOp::fold(FoldAdaptor a) {
  if (auto r = foldToOperand(getLhs(), getResult(), a.getRhs(), 1.0))
    return r;
  if (auto r = foldToOperand(getRhs(), getResult(), a.getLhs(), 1.0))
    return r;
  return foldBinary(a.getLhs(), a.getRhs(), getResult(),
                    {[](double x, double y) { return x * y; },
                     [](int64_t x, int64_t y) { return some((int64_t)((uint64_t)x * (uint64_t)y)); }});
}
OpFoldResult DivOp::fold(FoldAdaptor a) {
  if (auto r = foldToOperand(getLhs(), getResult(), a.getRhs(), 1.0))
    return r;
  return foldBinary(a.getLhs(), a.getRhs(), getResult(),
                    {[](double x, double y) { return x / y; },
                     [](int64_t x, int64_t y) -> std::optional<int64_t> {
                       if (y == 0 || (x == INT64_MIN && y == -1))
                         return std::nullopt;
                       return x / y;
                     }});
}
OpFoldResult PowOp::fold(FoldAdaptor a) {
  if (auto r = foldToOperand(getLhs(), getResult(), a.getRhs(), 1.0))
    return r;
  auto l = constOf(a.getLhs()), r = constOf(a.getRhs());
  auto t = staticResult(getResult());
  if (!l || !r || !t)
    return {};
  ConstTensor out = makeLike(*l, t.getShape());
  auto lo = broadcastOffsets(l->shape, t.getShape()), ro = broadcastOffsets(r->shape, t.getShape());
  for (int64_t k = 0; k < out.size(); ++k) {
    double v = std::pow(l->asDouble(lo[k]), r->asDouble(ro[k]));
    if (out.isFloat)
      out.f[k] = v;
    else
      out.i[k] = (int64_t)v;
  }
  return emit(getResult(), out);
}
OpFoldResult MinOp::fold(FoldAdaptor a) {
  return foldBinary(a.getLhs(), a.getRhs(), getResult(),
                    {[](double x, double y) { return std::isnan(x) || std::isnan(y) ? NAN : std::min(x, y); },
                     [](int64_t x, int64_t y) { return some(std::min(x, y)); }});
}
OpFoldResult MaxOp::fold(FoldAdaptor a) {
  return foldBinary(a.getLhs(), a.getRhs(), getResult(),
                    {[](double x, double y) { return std::isnan(x) || std::isnan(y) ? NAN : std::max(x, y); },
                     [](int64_t x, int64_t y) { return some(std::max(x, y)); }});
}
OpFoldResult ModOp::fold(FoldAdaptor a) {
  bool fmod = getFmod();
  // Unsigned operands are read as int64 (values above INT64_MAX would wrap).
  if (auto t = dyn_cast<ShapedType>(getLhs().getType());
      t && t.getElementType().isUnsignedInteger(64))
    return {};
  return foldBinary(a.getLhs(), a.getRhs(), getResult(),
                    {[fmod](double x, double y) {
                       double m = std::fmod(x, y);
                       return (!fmod && m != 0 && ((m < 0) != (y < 0))) ? m + y : m;
                     },
                     [fmod](int64_t x, int64_t y) -> std::optional<int64_t> {
                       if (y == 0 || (x == INT64_MIN && y == -1))
                         return std::nullopt;
                       int64_t m = x % y;
                       return (!fmod && m != 0 && ((m < 0) != (y < 0))) ? m + y : m;
                     }});
}

#define KILN_FOLD_COMPARE(OP, EXPR)                                                                \
  OpFoldResult OP::fold(FoldAdaptor a) {                                                           \
    return foldBinary(a.getLhs(), a.getRhs(), getResult(),                                         \
                      {[](double x, double y) -> double { return EXPR; },                          \
                       [](int64_t x, int64_t y) { return some(EXPR); }});                          \
  }
KILN_FOLD_COMPARE(EqualOp, x == y)
KILN_FOLD_COMPARE(LessOp, x < y)
KILN_FOLD_COMPARE(LessOrEqualOp, x <= y)
KILN_FOLD_COMPARE(GreaterOp, x > y)
KILN_FOLD_COMPARE(GreaterOrEqualOp, x >= y)
KILN_FOLD_COMPARE(AndOp, (x != 0) && (y != 0))
KILN_FOLD_COMPARE(OrOp, (x != 0) || (y != 0))
KILN_FOLD_COMPARE(XorOp, (x != 0) != (y != 0))
#undef KILN_FOLD_COMPARE

OpFoldResult PReluOp::fold(FoldAdaptor a) {
  return foldBinary(a.getInput(), a.getSlope(), getResult(),
                    {[](double x, double s) { return x >= 0 ? x : s * x; }, nullptr});
}

OpFoldResult WhereOp::fold(FoldAdaptor a) {
  if (getX() == getY() && getX().getType() == getType())
    return getX();
  auto c = constOf(a.getCondition()), x = constOf(a.getX()), y = constOf(a.getY());
  auto t = staticResult(getResult());
  if (!c || !x || !y || !t)
    return {};
  ConstTensor out = makeLike(*x, t.getShape());
  auto co = broadcastOffsets(c->shape, t.getShape()), xo = broadcastOffsets(x->shape, t.getShape()),
       yo = broadcastOffsets(y->shape, t.getShape());
  for (int64_t k = 0; k < out.size(); ++k) {
    bool pick = c->i[co[k]] != 0;
    if (out.isFloat)
      out.f[k] = pick ? x->f[xo[k]] : y->f[yo[k]];
    else
      out.i[k] = pick ? x->i[xo[k]] : y->i[yo[k]];
  }
  return emit(getResult(), out);
}

//===----------------------------------------------------------------------===//
// Softmax and reductions
//===----------------------------------------------------------------------===//

static OpFoldResult foldSoftmax(Attribute in, int64_t axis, Value result, bool log) {
  auto c = constOf(in);
  if (!c || !staticResult(result))
    return {};
  int64_t rank = c->shape.size();
  axis = axis < 0 ? axis + rank : axis;
  auto s = stridesOf(c->shape);
  int64_t len = c->shape[axis], stride = s[axis];
  SmallVector<int64_t> outer(c->shape.begin(), c->shape.end());
  outer[axis] = 1;
  forEachIndex(outer, [&](ArrayRef<int64_t> idx) {
    int64_t base = offsetOf(idx, s);
    double mx = -INFINITY, sum = 0;
    for (int64_t k = 0; k < len; ++k)
      mx = std::max(mx, c->f[base + k * stride]);
    for (int64_t k = 0; k < len; ++k)
      sum += std::exp(c->f[base + k * stride] - mx);
    for (int64_t k = 0; k < len; ++k) {
      double &v = c->f[base + k * stride];
      v = log ? (v - mx - std::log(sum)) : std::exp(v - mx) / sum;
    }
  });
  return emit(result, *c);
}
OpFoldResult SoftmaxOp::fold(FoldAdaptor a) {
  return foldSoftmax(a.getInput(), (int64_t)getAxis(), getResult(), false);
}
OpFoldResult LogSoftmaxOp::fold(FoldAdaptor a) {
  return foldSoftmax(a.getInput(), (int64_t)getAxis(), getResult(), true);
}
OpFoldResult HardmaxOp::fold(FoldAdaptor a) {
  auto c = constOf(a.getInput());
  if (!c || !c->isFloat || !staticResult(getResult()))
    return {};
  int64_t rank = c->shape.size(), axis = (int64_t)getAxis();
  axis = axis < 0 ? axis + rank : axis;
  auto s = stridesOf(c->shape);
  int64_t len = c->shape[axis], stride = s[axis];
  SmallVector<int64_t> outer(c->shape.begin(), c->shape.end());
  outer[axis] = 1;
  ConstTensor out = *c;
  forEachIndex(outer, [&](ArrayRef<int64_t> idx) {
    int64_t base = offsetOf(idx, s), best = 0;
    for (int64_t k = 1; k < len; ++k) {
      double v = c->f[base + k * stride], m = c->f[base + best * stride];
      if (!std::isnan(m) && (std::isnan(v) || v > m))
        best = k;
    }
    for (int64_t k = 0; k < len; ++k)
      out.f[base + k * stride] = k == best ? 1.0 : 0.0;
  });
  return emit(getResult(), out);
}

OpFoldResult CumSumOp::fold(FoldAdaptor a) {
  auto c = constOf(a.getInput());
  auto axisV = getConstantInts(getAxis());
  if (!c || !axisV || axisV->size() != 1 || !staticResult(getResult()))
    return {};
  int64_t rank = c->shape.size(), axis = (*axisV)[0];
  if (axis < -rank || axis >= rank)
    return {};
  axis = axis < 0 ? axis + rank : axis;
  auto s = stridesOf(c->shape);
  int64_t len = c->shape[axis], stride = s[axis];
  SmallVector<int64_t> outer(c->shape.begin(), c->shape.end());
  outer[axis] = 1;
  ConstTensor out = *c;
  bool excl = getExclusive(), rev = getReverse();
  forEachIndex(outer, [&](ArrayRef<int64_t> idx) {
    int64_t base = offsetOf(idx, s);
    double fs = 0;
    int64_t is = 0;
    for (int64_t j = 0; j < len; ++j) {
      int64_t k = base + (rev ? len - 1 - j : j) * stride;
      if (c->isFloat) {
        if (excl) { out.f[k] = fs; fs += c->f[k]; } else { fs += c->f[k]; out.f[k] = fs; }
      } else {
        // Two's complement wraparound, as numpy.
        if (excl) { out.i[k] = is; is = (int64_t)((uint64_t)is + (uint64_t)c->i[k]); }
        else { is = (int64_t)((uint64_t)is + (uint64_t)c->i[k]); out.i[k] = is; }
      }
    }
  });
  return emit(getResult(), out);
}

template <typename OpT, typename Init, typename Acc, typename Fin>
static OpFoldResult foldReduce(OpT op, Attribute in, Init init, Acc acc, Fin fin) {
  // A constant axes operand becomes the attribute (in place).
  if (Value axes = op.getDynamicAxes()) {
    auto c = getConstantInts(axes);
    if (!c)
      return {};
    op.getDynamicAxesMutable().clear();
    if (c->empty())
      op.removeAxesAttr();
    else
      op.setAxes(ArrayRef<int64_t>(*c));
    return op.getResult();
  }
  auto c = constOf(in);
  if (!c)
    return {};
  int64_t rank = c->shape.size();
  SmallVector<int64_t> axes;
  if (op.getAxes() && !op.getAxes()->empty())
    axes = normAxes(*op.getAxes(), rank);
  else if (!op.getNoopWithEmptyAxes())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  auto out = reduce(*c, axes, op.getResult(), init, acc, fin);
  return out ? emit(op.getResult(), *out) : OpFoldResult();
}

OpFoldResult ReduceSumOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), 0.0, [](double s, double x) { return s + x; },
                    [](double s, int64_t) { return s; });
}
OpFoldResult ReduceMeanOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), 0.0, [](double s, double x) { return s + x; },
                    [](double s, int64_t n) { return n ? s / n : NAN; });
}
OpFoldResult ReduceMaxOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), -INFINITY,
                    [](double s, double x) { return std::isnan(x) ? x : std::max(s, x); },
                    [](double s, int64_t) { return s; });
}
OpFoldResult ReduceMinOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), INFINITY,
                    [](double s, double x) { return std::isnan(x) ? x : std::min(s, x); },
                    [](double s, int64_t) { return s; });
}
OpFoldResult ReduceProdOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), 1.0, [](double s, double x) { return s * x; },
                    [](double s, int64_t) { return s; });
}
OpFoldResult ReduceL1Op::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), 0.0, [](double s, double x) { return s + std::fabs(x); },
                    [](double s, int64_t) { return s; });
}
OpFoldResult ReduceL2Op::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), 0.0, [](double s, double x) { return s + x * x; },
                    [](double s, int64_t) { return std::sqrt(s); });
}
OpFoldResult ReduceSumSquareOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), 0.0, [](double s, double x) { return s + x * x; },
                    [](double s, int64_t) { return s; });
}
OpFoldResult ReduceLogSumExpOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getInput(), 0.0, [](double s, double x) { return s + std::exp(x); },
                    [](double s, int64_t) { return std::log(s); });
}

template <typename OpT>
static OpFoldResult foldArg(OpT op, Attribute in, bool isMax) {
  auto c = constOf(in);
  auto t = staticResult(op.getResult());
  if (!c || !t)
    return {};
  int64_t rank = c->shape.size(), axis = (int64_t)op.getAxis();
  axis = axis < 0 ? axis + rank : axis;
  auto s = stridesOf(c->shape);
  SmallVector<int64_t> outer(c->shape.begin(), c->shape.end());
  outer[axis] = 1;
  ConstTensor out = makeLike(*c, t.getShape(), t.getElementType());
  int64_t k = 0;
  forEachIndex(outer, [&](ArrayRef<int64_t> idx) {
    int64_t base = offsetOf(idx, s), best = 0;
    for (int64_t j = 1; j < c->shape[axis]; ++j) {
      double v = c->asDouble(base + j * s[axis]), b = c->asDouble(base + best * s[axis]);
      bool better = isMax ? (v > b) : (v < b);
      if (better || (op.getSelectLastIndex() && v == b))
        best = j;
    }
    out.i[k++] = best;
  });
  return emit(op.getResult(), out);
}
OpFoldResult ArgMaxOp::fold(FoldAdaptor a) { return foldArg(*this, a.getInput(), true); }
OpFoldResult ArgMinOp::fold(FoldAdaptor a) { return foldArg(*this, a.getInput(), false); }

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

OpFoldResult ReshapeOp::fold(FoldAdaptor a) {
  // reshape(reshape(x)) is a single reshape when the outer shape is static.
  return reshapeFold(getInput(), a.getInput(), getResult());
}
OpFoldResult FlattenOp::fold(FoldAdaptor a) {
  return reshapeFold(getInput(), a.getInput(), getResult());
}
/// A constant axes operand of squeeze/unsqueeze becomes the attribute (in
/// place); true when it did.
template <typename OpT> static bool foldAxesOperand(OpT op) {
  Value v = op.getDynamicAxes();
  if (!v)
    return false;
  auto c = getConstantInts(v);
  if (!c || (c->empty() && std::is_same_v<OpT, SqueezeOp>))
    return false; // an empty squeeze operand is not the same as absent axes
  op.getDynamicAxesMutable().clear();
  op.setAxes(ArrayRef<int64_t>(*c));
  return true;
}

OpFoldResult SqueezeOp::fold(FoldAdaptor a) {
  if (foldAxesOperand(*this))
    return getResult();
  if (getDynamicAxes())
    return {};
  return reshapeFold(getInput(), a.getInput(), getResult());
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor a) {
  if (foldAxesOperand(*this))
    return getResult();
  if (getDynamicAxes())
    return {};
  return reshapeFold(getInput(), a.getInput(), getResult());
}

OpFoldResult TransposeOp::fold(FoldAdaptor a) {
  auto in = dyn_cast<RankedTensorType>(getInput().getType());
  if (!in)
    return {};
  int64_t rank = in.getRank();
  SmallVector<int64_t> perm;
  if (getPerm())
    perm.assign(getPerm()->begin(), getPerm()->end());
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  bool identity = true;
  for (int64_t i = 0; i < rank; ++i)
    identity &= perm[i] == i;
  if (identity && getInput().getType() == getType())
    return getInput();
  auto c = constOf(a.getInput());
  auto t = staticResult(getResult());
  if (!c || !t)
    return {};
  auto is = stridesOf(c->shape);
  std::vector<int64_t> offsets;
  forEachIndex(t.getShape(), [&](ArrayRef<int64_t> idx) {
    int64_t off = 0;
    for (int64_t i = 0; i < rank; ++i)
      off += idx[i] * is[perm[i]];
    offsets.push_back(off);
  });
  return gatherOffsets(*c, offsets, getResult());
}

OpFoldResult ConcatOp::fold(FoldAdaptor a) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  auto t = staticResult(getResult());
  if (!t)
    return {};
  SmallVector<ConstTensor> parts;
  for (Attribute attr : a.getInputs()) {
    auto c = constOf(attr);
    if (!c)
      return {};
    parts.push_back(std::move(*c));
  }
  int64_t rank = t.getRank(), axis = (int64_t)getAxis();
  axis = axis < 0 ? axis + rank : axis;
  ConstTensor out = makeLike(parts[0], t.getShape());
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= t.getDimSize(i);
  int64_t k = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (auto &p : parts) {
      int64_t chunk = p.size() / std::max<int64_t>(outer, 1);
      for (int64_t j = 0; j < chunk; ++j, ++k) {
        if (out.isFloat)
          out.f[k] = p.f[o * chunk + j];
        else
          out.i[k] = p.i[o * chunk + j];
      }
    }
  return emit(getResult(), out);
}

LogicalResult SplitOp::fold(FoldAdaptor a, SmallVectorImpl<OpFoldResult> &results) {
  if (Value ds = getDynamicSplit()) {
    // A constant sizes operand becomes the attribute (in place).
    auto c = getConstantInts(ds);
    if (!c || (int64_t)c->size() != (int64_t)getNumOutputs())
      return failure();
    getDynamicSplitMutable().clear();
    setSplit(ArrayRef<int64_t>(*c));
    return success();
  }
  if (getNumResults() == 1 && getInput().getType() == getResult(0).getType()) {
    results.push_back(getInput());
    return success();
  }
  auto c = constOf(a.getInput());
  if (!c)
    return failure();
  int64_t rank = c->shape.size(), axis = (int64_t)getAxis();
  axis = axis < 0 ? axis + rank : axis;
  auto s = stridesOf(c->shape);
  int64_t start = 0;
  SmallVector<OpFoldResult> out;
  for (Value r : getResults()) {
    auto t = staticResult(r);
    if (!t)
      return failure();
    std::vector<int64_t> offsets;
    forEachIndex(t.getShape(), [&](ArrayRef<int64_t> idx) {
      SmallVector<int64_t> i(idx.begin(), idx.end());
      i[axis] += start;
      offsets.push_back(offsetOf(i, s));
    });
    OpFoldResult f = gatherOffsets(*c, offsets, r);
    if (!f)
      return failure();
    out.push_back(f);
    start += t.getDimSize(axis);
  }
  results.append(out.begin(), out.end());
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor a) {
  auto t = staticResult(getResult());
  if (!t)
    return {};
  auto steps = getConstantInts(getSteps());
  // Static result == static input with positive steps: nothing is cut. (A
  // negative step keeps the shape but reverses the elements.)
  if (getInput().getType() == getType() && steps &&
      llvm::all_of(*steps, [](int64_t s) { return s > 0; }))
    return getInput();
  auto c = constOf(a.getInput());
  auto starts = getConstantInts(getStarts()), ends = getConstantInts(getEnds()),
       axes = getConstantInts(getAxes());
  if (!c || !starts || !ends || !axes || !steps)
    return {};
  int64_t rank = c->shape.size();
  SmallVector<int64_t> first(rank, 0), step(rank, 1);
  for (size_t i = 0; i < axes->size(); ++i) {
    int64_t ax = (*axes)[i] < 0 ? (*axes)[i] + rank : (*axes)[i], count;
    sliceBounds(c->shape[ax], (*starts)[i], (*ends)[i], (*steps)[i], first[ax], count);
    step[ax] = (*steps)[i];
  }
  auto s = stridesOf(c->shape);
  std::vector<int64_t> offsets;
  forEachIndex(t.getShape(), [&](ArrayRef<int64_t> idx) {
    int64_t off = 0;
    for (int64_t i = 0; i < rank; ++i)
      off += (first[i] + idx[i] * step[i]) * s[i];
    offsets.push_back(off);
  });
  return gatherOffsets(*c, offsets, getResult());
}

OpFoldResult GatherOp::fold(FoldAdaptor a) {
  auto c = constOf(a.getData()), idx = constOf(a.getIndices());
  auto t = staticResult(getResult());
  if (!c || !idx || !t)
    return {};
  int64_t rank = c->shape.size(), axis = (int64_t)getAxis();
  axis = axis < 0 ? axis + rank : axis;
  int64_t dim = c->shape[axis], q = idx->shape.size();
  auto s = stridesOf(c->shape), qs = stridesOf(idx->shape);
  std::vector<int64_t> offsets;
  bool ok = true;
  forEachIndex(t.getShape(), [&](ArrayRef<int64_t> o) {
    SmallVector<int64_t> qi(o.begin() + axis, o.begin() + axis + q);
    int64_t g = idx->i[offsetOf(qi, qs)];
    if (g < 0)
      g += dim;
    if (g < 0 || g >= dim) {
      ok = false;
      return;
    }
    SmallVector<int64_t> di(o.begin(), o.begin() + axis);
    di.push_back(g);
    di.append(o.begin() + axis + q, o.end());
    offsets.push_back(offsetOf(di, s));
  });
  if (!ok)
    return {}; // out-of-range index: reported at run time
  return gatherOffsets(*c, offsets, getResult());
}

OpFoldResult GatherElementsOp::fold(FoldAdaptor a) {
  auto c = constOf(a.getData()), idx = constOf(a.getIndices());
  auto t = staticResult(getResult());
  if (!c || !idx || !t || idx->shape.size() != c->shape.size())
    return {};
  int64_t rank = c->shape.size(), axis = (int64_t)getAxis();
  axis = axis < 0 ? axis + rank : axis;
  int64_t dim = c->shape[axis];
  auto s = stridesOf(c->shape), qs = stridesOf(idx->shape);
  std::vector<int64_t> offsets;
  bool ok = true;
  forEachIndex(idx->shape, [&](ArrayRef<int64_t> o) {
    int64_t g = idx->i[offsetOf(o, qs)];
    if (g < 0)
      g += dim;
    if (g < 0 || g >= dim) {
      ok = false;
      return;
    }
    SmallVector<int64_t> di(o.begin(), o.end());
    di[axis] = g;
    offsets.push_back(offsetOf(di, s));
  });
  if (!ok)
    return {}; // out-of-range index: reported at run time
  return gatherOffsets(*c, offsets, getResult());
}

OpFoldResult TriluOp::fold(FoldAdaptor a) {
  int64_t k = 0;
  if (getK()) {
    auto kv = getConstantInts(getK());
    if (!kv || kv->size() != 1)
      return {};
    k = (*kv)[0];
  }
  auto c = constOf(a.getInput());
  if (!c || !staticResult(getResult()) || c->shape.size() < 2)
    return {};
  int64_t rank = c->shape.size(), rows = c->shape[rank - 2], cols = c->shape[rank - 1];
  ConstTensor out = *c;
  bool upper = getUpper();
  for (int64_t e = 0; e < out.size(); ++e) {
    int64_t j = cols ? e % cols : 0, i = (cols && rows) ? (e / cols) % rows : 0;
    bool keep = upper ? j - i >= k : j - i <= k;
    if (!keep) {
      if (out.isFloat)
        out.f[e] = 0;
      else
        out.i[e] = 0;
    }
  }
  return emit(getResult(), out);
}

OpFoldResult PadOp::fold(FoldAdaptor a) {
  if (Value cv = getConstantValue()) {
    // A constant fill operand becomes the attribute when a double holds it exactly.
    auto c = constOf(a.getConstantValue());
    if (!c || c->size() != 1)
      return {};
    double v = c->asDouble(0);
    if (!c->isFloat && (int64_t)v != c->i[0])
      return {};
    getConstantValueMutable().clear();
    setValue(APFloat(v));
    return getResult();
  }
  auto t = staticResult(getResult());
  if (t && getInput().getType() == getType())
    if (auto pads = getConstantInts(getPads()); pads && llvm::all_of(*pads, [](int64_t p) {
          return p == 0;
        }))
      return getInput();
  auto c = constOf(a.getInput());
  auto pads = getConstantInts(getPads());
  if (!c || !t || !pads)
    return {};
  int64_t rank = c->shape.size();
  StringRef mode = getMode();
  auto s = stridesOf(c->shape);
  ConstTensor out = makeLike(*c, t.getShape());
  double value = getValue().convertToDouble();
  int64_t k = 0;
  forEachIndex(t.getShape(), [&](ArrayRef<int64_t> o) {
    int64_t off = 0;
    bool inside = true;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t n = c->shape[i], x = o[i] - (*pads)[i];
      if (x < 0 || x >= n) {
        if (mode == "constant" || n == 0) {
          inside = false;
        } else if (mode == "edge") {
          x = std::clamp<int64_t>(x, 0, n - 1);
        } else if (mode == "wrap") {
          x = ((x % n) + n) % n;
        } else { // reflect
          if (n == 1)
            x = 0;
          else {
            int64_t period = 2 * (n - 1);
            x = ((x % period) + period) % period;
            if (x >= n)
              x = period - x;
          }
        }
      }
      off += x * s[i];
    }
    if (inside) {
      if (out.isFloat)
        out.f[k] = c->f[off];
      else
        out.i[k] = c->i[off];
    } else {
      if (out.isFloat)
        out.f[k] = value;
      else
        out.i[k] = (int64_t)value;
    }
    ++k;
  });
  return emit(getResult(), out);
}

OpFoldResult ExpandOp::fold(FoldAdaptor a) {
  auto t = staticResult(getResult());
  if (t && getInput().getType() == getType())
    return getInput();
  auto c = constOf(a.getInput());
  if (!c || !t || t.getNumElements() > kMaxFoldElements)
    return {};
  auto offsets = broadcastOffsets(c->shape, t.getShape());
  return gatherOffsets(*c, offsets, getResult());
}

OpFoldResult TileOp::fold(FoldAdaptor a) {
  auto t = staticResult(getResult());
  if (t && getInput().getType() == getType())
    return getInput();
  auto c = constOf(a.getInput());
  if (!c || !t || t.getNumElements() > kMaxFoldElements)
    return {};
  auto s = stridesOf(c->shape);
  std::vector<int64_t> offsets;
  forEachIndex(t.getShape(), [&](ArrayRef<int64_t> o) {
    int64_t off = 0;
    for (size_t i = 0; i < o.size(); ++i)
      off += (o[i] % c->shape[i]) * s[i];
    offsets.push_back(off);
  });
  return gatherOffsets(*c, offsets, getResult());
}

OpFoldResult ResizeOp::fold(FoldAdaptor) {
  // Same static shape: every resize mode samples the input at its own pixels.
  auto t = staticResult(getResult());
  if (t && getInput().getType() == getType() && getCoordinateTransformationMode() != "tf_crop_and_resize")
    return getInput();
  return {}; // interpolation of constants is left to the constant-folding pass
}

//===----------------------------------------------------------------------===//
// Convolution, matrix products, normalization, pooling
//===----------------------------------------------------------------------===//

/// Shared N-d sliding window: for each output index of a [N, C, spatial...]
/// result, visits the input positions under the window.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;
  bool resolve(ArrayRef<int64_t> in, ArrayRef<int64_t> k, std::optional<ArrayRef<int64_t>> st,
               std::optional<ArrayRef<int64_t>> pads, std::optional<ArrayRef<int64_t>> dl,
               StringRef autoPad) {
    size_t n = k.size();
    for (size_t i = 0; i < n; ++i) {
      kernel.push_back(k[i]);
      strides.push_back(st ? (*st)[i] : 1);
      dilations.push_back(dl ? (*dl)[i] : 1);
      int64_t pb = pads ? (*pads)[i] : 0, pe = pads ? (*pads)[i + n] : 0;
      if (!resolveWindowPads(in[i], k[i], strides[i], dilations[i], autoPad, pb, pe))
        return false;
      padBegin.push_back(pb);
      padEnd.push_back(pe);
    }
    return true;
  }
};

OpFoldResult ConvOp::fold(FoldAdaptor a) {
  auto x = constOf(a.getInput()), w = constOf(a.getWeight());
  auto t = staticResult(getResult());
  if (!x || !w || !t)
    return {};
  std::optional<ConstTensor> b;
  if (getBias() && !(b = constOf(a.getBias())))
    return {};
  int64_t n = x->shape.size() - 2, group = (int64_t)getGroup();
  Window win;
  if (!win.resolve(ArrayRef<int64_t>(x->shape).drop_front(2),
                   ArrayRef<int64_t>(w->shape).drop_front(2), getStrides(), getPads(),
                   getDilations(), getAutoPad()))
    return {};
  int64_t cPerGroup = w->shape[1], mPerGroup = w->shape[0] / group;
  auto xs = stridesOf(x->shape), ws = stridesOf(w->shape);
  ConstTensor out = makeLike(*x, t.getShape());
  SmallVector<int64_t> kshape(w->shape.begin() + 2, w->shape.end());
  int64_t k = 0;
  forEachIndex(t.getShape(), [&](ArrayRef<int64_t> o) {
    int64_t batch = o[0], m = o[1], g = m / mPerGroup;
    double acc = b ? b->f[m] : 0.0;
    for (int64_t c = 0; c < cPerGroup; ++c) {
      int64_t ic = g * cPerGroup + c;
      forEachIndex(kshape, [&](ArrayRef<int64_t> kk) {
        int64_t xoff = batch * xs[0] + ic * xs[1];
        for (int64_t i = 0; i < n; ++i) {
          int64_t pos = o[2 + i] * win.strides[i] - win.padBegin[i] + kk[i] * win.dilations[i];
          if (pos < 0 || pos >= x->shape[2 + i])
            return;
          xoff += pos * xs[2 + i];
        }
        int64_t woff = m * ws[0] + c * ws[1];
        for (int64_t i = 0; i < n; ++i)
          woff += kk[i] * ws[2 + i];
        acc += x->f[xoff] * w->f[woff];
      });
    }
    out.f[k++] = acc;
  });
  return emit(getResult(), out);
}

OpFoldResult ConvTransposeOp::fold(FoldAdaptor a) {
  auto x = constOf(a.getInput()), w = constOf(a.getWeight());
  auto t = staticResult(getResult());
  if (!x || !w || !t || getAutoPad() != "NOTSET" || getOutputShape())
    return {};
  std::optional<ConstTensor> b;
  if (getBias() && !(b = constOf(a.getBias())))
    return {};
  int64_t n = x->shape.size() - 2, group = (int64_t)getGroup();
  int64_t cPerGroup = x->shape[1] / group, mPerGroup = w->shape[1];
  auto xs = stridesOf(x->shape), ws = stridesOf(w->shape), os = stridesOf(t.getShape());
  ConstTensor out = makeLike(*x, t.getShape());
  if (b)
    forEachIndex(t.getShape(), [&](ArrayRef<int64_t> o) { out.f[offsetOf(o, os)] = b->f[o[1]]; });
  SmallVector<int64_t> kshape(w->shape.begin() + 2, w->shape.end());
  // Scatter: every input pixel adds weight * value to the outputs it covers.
  forEachIndex(x->shape, [&](ArrayRef<int64_t> xi) {
    double v = x->f[offsetOf(xi, xs)];
    int64_t ic = xi[1], g = ic / cPerGroup;
    for (int64_t mm = 0; mm < mPerGroup; ++mm)
      forEachIndex(kshape, [&](ArrayRef<int64_t> kk) {
        int64_t ooff = xi[0] * os[0] + (g * mPerGroup + mm) * os[1];
        for (int64_t i = 0; i < n; ++i) {
          int64_t s = getStrides() ? (*getStrides())[i] : 1;
          int64_t dl = getDilations() ? (*getDilations())[i] : 1;
          int64_t pb = getPads() ? (*getPads())[i] : 0;
          int64_t pos = xi[2 + i] * s + kk[i] * dl - pb;
          if (pos < 0 || pos >= t.getDimSize(2 + i))
            return;
          ooff += pos * os[2 + i];
        }
        int64_t woff = ic * ws[0] + mm * ws[1];
        for (int64_t i = 0; i < n; ++i)
          woff += kk[i] * ws[2 + i];
        out.f[ooff] += v * w->f[woff];
      });
  });
  return emit(getResult(), out);
}

/// [batch..., M, K] x [batch..., K, N] with broadcasting of batch dims.
static OpFoldResult foldMatMul(const ConstTensor &l, const ConstTensor &r, Value result) {
  auto t = staticResult(result);
  if (!t)
    return {};
  SmallVector<int64_t> ls(l.shape.begin(), l.shape.end()), rs(r.shape.begin(), r.shape.end());
  if (ls.size() == 1)
    ls.insert(ls.begin(), 1);
  if (rs.size() == 1)
    rs.push_back(1);
  int64_t m = ls[ls.size() - 2], kdim = ls.back(), n = rs.back();
  SmallVector<int64_t> batch;
  size_t br = std::max(ls.size(), rs.size()) - 2;
  for (size_t i = 0; i < br; ++i) {
    int64_t x = i < br - (ls.size() - 2) ? 1 : ls[i - (br - (ls.size() - 2))];
    int64_t y = i < br - (rs.size() - 2) ? 1 : rs[i - (br - (rs.size() - 2))];
    batch.push_back(std::max(x, y));
  }
  auto lb = broadcastOffsets(ArrayRef<int64_t>(ls).drop_back(2), batch);
  auto rb = broadcastOffsets(ArrayRef<int64_t>(rs).drop_back(2), batch);
  ConstTensor out = makeLike(l, t.getShape());
  int64_t k = 0;
  for (size_t bi = 0; bi < lb.size(); ++bi)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j, ++k) {
        double acc = 0;
        for (int64_t p = 0; p < kdim; ++p)
          acc += l.asDouble(lb[bi] * m * kdim + i * kdim + p) * r.asDouble(rb[bi] * kdim * n + p * n + j);
        if (out.isFloat)
          out.f[k] = acc;
        else
          out.i[k] = (int64_t)acc;
      }
  return emit(result, out);
}

OpFoldResult MatMulOp::fold(FoldAdaptor a) {
  auto l = constOf(a.getLhs()), r = constOf(a.getRhs());
  if (!l || !r)
    return {};
  return foldMatMul(*l, *r, getResult());
}

static ConstTensor transpose2d(const ConstTensor &c) {
  ConstTensor out = makeLike(c, {c.shape[1], c.shape[0]});
  for (int64_t i = 0; i < c.shape[0]; ++i)
    for (int64_t j = 0; j < c.shape[1]; ++j) {
      if (c.isFloat)
        out.f[j * c.shape[0] + i] = c.f[i * c.shape[1] + j];
      else
        out.i[j * c.shape[0] + i] = c.i[i * c.shape[1] + j];
    }
  return out;
}

/// y = alpha * prod + beta * bias (broadcast), in place on prod's values.
static OpFoldResult addScaledBias(OpFoldResult prod, std::optional<ConstTensor> bias,
                                  double alpha, double beta, Value result) {
  auto pa = dyn_cast_or_null<Attribute>(prod);
  auto p = readConstant(pa);
  if (!p)
    return {};
  auto t = staticResult(result);
  auto bo = bias ? broadcastOffsets(bias->shape, t.getShape()) : std::vector<int64_t>();
  for (int64_t k = 0; k < p->size(); ++k) {
    double v = alpha * p->asDouble(k) + (bias ? beta * bias->asDouble(bo[k]) : 0.0);
    if (p->isFloat)
      p->f[k] = v;
    else
      p->i[k] = (int64_t)v;
  }
  return emit(result, *p);
}

OpFoldResult GemmOp::fold(FoldAdaptor a) {
  auto l = constOf(a.getA()), r = constOf(a.getB());
  if (!l || !r)
    return {};
  std::optional<ConstTensor> c;
  if (getC() && !(c = constOf(a.getC())))
    return {};
  if (getTransA())
    l = transpose2d(*l);
  if (getTransB())
    r = transpose2d(*r);
  return addScaledBias(foldMatMul(*l, *r, getResult()), c, getAlpha().convertToDouble(),
                       getBeta().convertToDouble(), getResult());
}

OpFoldResult LinearOp::fold(FoldAdaptor a) {
  auto x = constOf(a.getInput()), w = constOf(a.getWeight());
  if (!x || !w)
    return {};
  std::optional<ConstTensor> b;
  if (getBias() && !(b = constOf(a.getBias())))
    return {};
  return addScaledBias(foldMatMul(*x, transpose2d(*w), getResult()), b, 1.0, 1.0, getResult());
}

OpFoldResult BatchNormOp::fold(FoldAdaptor a) {
  auto x = constOf(a.getInput()), s = constOf(a.getScale()), b = constOf(a.getBias()),
       m = constOf(a.getMean()), v = constOf(a.getVariance());
  if (!x || !s || !b || !m || !v || !staticResult(getResult()))
    return {};
  double eps = getEpsilon().convertToDouble();
  auto xs = stridesOf(x->shape);
  int64_t k = 0;
  forEachIndex(x->shape, [&](ArrayRef<int64_t> idx) {
    int64_t c = idx[1];
    x->f[k] = (x->f[k] - m->f[c]) / std::sqrt(v->f[c] + eps) * s->f[c] + b->f[c];
    ++k;
  });
  return emit(getResult(), *x);
}

/// Normalizes `x` in groups of `groupSize` consecutive elements, then applies
/// scale/bias picked by `param(k)` offsets.
static void normalizeGroups(ConstTensor &x, int64_t groupSize, double eps) {
  for (int64_t g = 0; g * groupSize < x.size(); ++g) {
    double mean = 0, var = 0;
    for (int64_t j = 0; j < groupSize; ++j)
      mean += x.f[g * groupSize + j];
    mean /= groupSize;
    for (int64_t j = 0; j < groupSize; ++j) {
      double dlt = x.f[g * groupSize + j] - mean;
      var += dlt * dlt;
    }
    var /= groupSize;
    for (int64_t j = 0; j < groupSize; ++j)
      x.f[g * groupSize + j] = (x.f[g * groupSize + j] - mean) / std::sqrt(var + eps);
  }
}

OpFoldResult LayerNormOp::fold(FoldAdaptor a) {
  auto x = constOf(a.getInput()), s = constOf(a.getScale());
  auto t = staticResult(getResult());
  if (!x || !s || !t)
    return {};
  std::optional<ConstTensor> b;
  if (getBias() && !(b = constOf(a.getBias())))
    return {};
  int64_t rank = x->shape.size(), axis = (int64_t)getAxis();
  axis = axis < 0 ? axis + rank : axis;
  ArrayRef<int64_t> normShape = ArrayRef<int64_t>(x->shape).drop_front(axis);
  int64_t groupSize = staticNumElements(normShape);
  if (groupSize <= 0)
    return {};
  normalizeGroups(*x, groupSize, getEpsilon().convertToDouble());
  auto so = broadcastOffsets(s->shape, normShape);
  auto bo = b ? broadcastOffsets(b->shape, normShape) : std::vector<int64_t>();
  for (int64_t k = 0; k < x->size(); ++k) {
    int64_t j = k % groupSize;
    x->f[k] = x->f[k] * s->f[so[j]] + (b ? b->f[bo[j]] : 0.0);
  }
  return emit(getResult(), *x);
}

OpFoldResult GroupNormOp::fold(FoldAdaptor a) {
  auto x = constOf(a.getInput()), s = constOf(a.getScale()), b = constOf(a.getBias());
  if (!x || !s || !b || !staticResult(getResult()))
    return {};
  int64_t channels = x->shape[1], groups = (int64_t)getNumGroups();
  int64_t spatial = x->size() / std::max<int64_t>(1, x->shape[0] * channels);
  normalizeGroups(*x, channels / groups * spatial, getEpsilon().convertToDouble());
  for (int64_t k = 0; k < x->size(); ++k) {
    int64_t c = (k / spatial) % channels;
    x->f[k] = x->f[k] * s->f[c] + b->f[c];
  }
  return emit(getResult(), *x);
}

OpFoldResult InstanceNormOp::fold(FoldAdaptor a) {
  auto x = constOf(a.getInput()), s = constOf(a.getScale()), b = constOf(a.getBias());
  if (!x || !s || !b || !staticResult(getResult()))
    return {};
  int64_t channels = x->shape[1];
  int64_t spatial = x->size() / std::max<int64_t>(1, x->shape[0] * channels);
  normalizeGroups(*x, spatial, getEpsilon().convertToDouble());
  for (int64_t k = 0; k < x->size(); ++k) {
    int64_t c = (k / spatial) % channels;
    x->f[k] = x->f[k] * s->f[c] + b->f[c];
  }
  return emit(getResult(), *x);
}

template <typename OpT>
static OpFoldResult foldPool(OpT op, Attribute in, bool isMax) {
  auto x = constOf(in);
  auto t = staticResult(op.getResult());
  if (!x || !t)
    return {};
  int64_t n = x->shape.size() - 2;
  Window win;
  if (!win.resolve(ArrayRef<int64_t>(x->shape).drop_front(2), op.getKernelShape(),
                   op.getStrides(), op.getPads(), op.getDilations(), op.getAutoPad()))
    return {};
  auto xs = stridesOf(x->shape);
  ConstTensor out = makeLike(*x, t.getShape());
  int64_t k = 0;
  forEachIndex(t.getShape(), [&](ArrayRef<int64_t> o) {
    double acc = isMax ? -INFINITY : 0.0;
    int64_t count = 0, padded = 0;
    forEachIndex(win.kernel, [&](ArrayRef<int64_t> kk) {
      int64_t xoff = o[0] * xs[0] + o[1] * xs[1];
      bool inPad = false, outside = false;
      for (int64_t i = 0; i < n; ++i) {
        int64_t pos = o[2 + i] * win.strides[i] - win.padBegin[i] + kk[i] * win.dilations[i];
        if (pos < 0 || pos >= x->shape[2 + i]) {
          // Inside the declared pads counts for count_include_pad; past them
          // (the extra window of ceil mode) never does.
          if (pos < -win.padBegin[i] || pos >= x->shape[2 + i] + win.padEnd[i])
            outside = true;
          inPad = true;
          continue;
        }
        xoff += pos * xs[2 + i];
      }
      if (outside)
        return; // past the explicit padding (ceil mode): never counted
      if (inPad) {
        ++padded;
        return;
      }
      ++count;
      double v = x->f[xoff];
      acc = isMax ? std::max(acc, v) : acc + v;
    });
    if (!isMax)
      acc /= (op.getCountIncludePad() ? count + padded : count);
    out.f[k++] = acc;
  });
  return emit(op.getResult(), out);
}
OpFoldResult MaxPoolOp::fold(FoldAdaptor a) { return foldPool(*this, a.getInput(), true); }
OpFoldResult AveragePoolOp::fold(FoldAdaptor a) { return foldPool(*this, a.getInput(), false); }

template <typename OpT>
static OpFoldResult foldGlobalPool(OpT op, Attribute in, bool isMax) {
  auto x = constOf(in);
  if (!x)
    return {};
  SmallVector<int64_t> axes;
  for (size_t i = 2; i < x->shape.size(); ++i)
    axes.push_back(i);
  auto out = isMax ? reduce(*x, axes, op.getResult(), -INFINITY,
                            [](double s, double v) { return std::max(s, v); },
                            [](double s, int64_t) { return s; })
                   : reduce(*x, axes, op.getResult(), 0.0,
                            [](double s, double v) { return s + v; },
                            [](double s, int64_t c) { return s / c; });
  return out ? emit(op.getResult(), *out) : OpFoldResult();
}
OpFoldResult GlobalAveragePoolOp::fold(FoldAdaptor a) {
  return foldGlobalPool(*this, a.getInput(), false);
}
OpFoldResult GlobalMaxPoolOp::fold(FoldAdaptor a) {
  return foldGlobalPool(*this, a.getInput(), true);
}

} // namespace kiln
