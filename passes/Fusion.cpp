//===- Fusion.cpp - rewrite op chains into fused kiln ops -----------------===//
//
// `kiln-fuse{level=2|3}` (ops in ir/include/kiln/ir/KilnFusedOps.td). Every
// pattern needs the intermediate values it swallows to have no other user.
//
// Level 2 (-O2):
//  * GELU as PyTorch exports it: x * 0.5 * (1 + erf(x / sqrt 2)) -> gelu,
//    0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) -> gelu{tanh};
//    x * sigmoid(x) -> silu;
//  * activation(conv(x, W, b)) -> fused_conv (relu, leaky_relu, clip/relu6,
//    sigmoid, tanh, hard_swish, silu, gelu);
//  * [activation](linear | gemm | matmul + bias) -> fused_matmul.
// Level 3 (-O3) adds:
//  * activation(conv(x) + residual) -> fused_conv with a residual;
//  * LayerNorm written out (reduce_mean, sub, pow, reduce_mean, add eps,
//    sqrt, div [, mul scale] [, add bias]) -> layer_norm; RMSNorm
//    (x / sqrt(mean(x^2) + eps) or x * 1/sqrt(...) [* scale]) -> rms_norm;
//  * softmax(q k^T * scale [+ mask]) v -> attention, and the head split /
//    merge around it (reshape + transpose [0,2,1,3] of q, k, v; transpose +
//    reshape of the result) folded into attention{num_heads}.
//
//===----------------------------------------------------------------------===//
#include "PassUtils.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cfloat>
#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

/// The one value of a constant whose elements are all equal.
std::optional<double> scalarOf(Value v) {
  auto c = constantValues(v);
  if (!c || c->size() == 0)
    return std::nullopt;
  for (int64_t k = 1; k < c->size(); ++k)
    if (c->asDouble(k) != c->asDouble(0))
      return std::nullopt;
  return c->asDouble(0);
}
bool near(std::optional<double> v, double want, double rel = 1e-3) {
  return v && std::fabs(*v - want) <= rel * std::fabs(want);
}
bool oneUse(Value v) { return v.hasOneUse(); }

/// `a` and `b` are the operands of a commutative op: calls f(x, y) both ways.
template <class F> bool eitherWay(Value a, Value b, F &&f) { return f(a, b) || f(b, a); }

struct Act {
  std::string kind;
  float alpha = 0, beta = 0;
  Value input;
};

/// An activation op the fused ops can carry.
std::optional<Act> activationOf(Operation *op) {
  if (!op || op->getNumOperands() < 1)
    return std::nullopt;
  Act a;
  a.input = op->getOperand(0);
  if (isa<ReluOp>(op))
    a.kind = "relu";
  else if (auto l = dyn_cast<LeakyReluOp>(op)) {
    a.kind = "leaky_relu";
    a.alpha = l.getAlpha().convertToFloat();
  } else if (auto c = dyn_cast<ClipOp>(op)) {
    if (!c.getBounds().empty())
      return std::nullopt;
    a.kind = "clip";
    a.alpha = c.getMin() ? (float)c.getMin()->convertToDouble() : -FLT_MAX;
    a.beta = c.getMax() ? (float)c.getMax()->convertToDouble() : FLT_MAX;
  } else if (isa<SigmoidOp>(op))
    a.kind = "sigmoid";
  else if (isa<TanhOp>(op))
    a.kind = "tanh";
  else if (isa<HardSwishOp>(op))
    a.kind = "hard_swish";
  else if (isa<SiluOp>(op))
    a.kind = "silu";
  else if (auto g = dyn_cast<GeluOp>(op))
    a.kind = g.getApproximate() == "tanh" ? "gelu_tanh" : "gelu";
  else
    return std::nullopt;
  return a;
}

void setActivation(Operation *op, const Act &a, PatternRewriter &rw) {
  op->setAttr("activation", rw.getStringAttr(a.kind));
  op->setAttr("alpha", rw.getF32FloatAttr(a.alpha));
  op->setAttr("beta", rw.getF32FloatAttr(a.beta));
}

Value zeros(PatternRewriter &rw, Location loc, int64_t n) {
  auto t = RankedTensorType::get({n}, rw.getF32Type());
  return rw.create<ConstantOp>(loc, t, cast<ElementsAttr>(DenseElementsAttr::get(t, 0.0f)));
}

// --- GELU and SiLU recognition -----------------------------------------------

/// Flattens a tree of single-use muls under `root` into its factors.
void mulFactors(Value v, SmallVectorImpl<Value> &out, bool isRoot = true) {
  auto m = v.getDefiningOp<MulOp>();
  if (m && (isRoot || oneUse(v)) && out.size() < 4) {
    mulFactors(m.getLhs(), out, false);
    mulFactors(m.getRhs(), out, false);
    return;
  }
  out.push_back(v);
}

/// 1 + f(...) with f single-use: returns f's op.
template <class OpT> OpT onePlus(Value v) {
  auto add = v.getDefiningOp<AddOp>();
  if (!add || !oneUse(v))
    return {};
  OpT r;
  eitherWay(add.getLhs(), add.getRhs(), [&](Value a, Value b) {
    auto f = a.getDefiningOp<OpT>();
    if (f && oneUse(a) && near(scalarOf(b), 1.0)) {
      r = f;
      return true;
    }
    return false;
  });
  return r;
}

/// y == x * c (or x / (1/c)) for a scalar constant c near `want`.
bool isScaled(Value y, Value x, double want) {
  if (auto m = y.getDefiningOp<MulOp>())
    return eitherWay(m.getLhs(), m.getRhs(), [&](Value a, Value b) { return a == x && near(scalarOf(b), want); });
  if (auto d = y.getDefiningOp<DivOp>())
    return d.getLhs() == x && near(scalarOf(d.getRhs()), 1.0 / want);
  return false;
}

/// x^3 as pow(x, 3) or x * x * x.
bool isCube(Value y, Value x) {
  if (auto p = y.getDefiningOp<PowOp>())
    return p.getLhs() == x && near(scalarOf(p.getRhs()), 3.0);
  SmallVector<Value> f;
  mulFactors(y, f);
  return f.size() == 3 && llvm::all_of(f, [&](Value v) { return v == x; });
}

struct RecognizeGelu : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp root, PatternRewriter &rw) const override {
    SmallVector<Value> f;
    mulFactors(root.getResult(), f);
    if (f.size() != 3)
      return failure();
    for (int half = 0; half < 3; ++half) {
      if (!near(scalarOf(f[half]), 0.5))
        continue;
      for (int xi = 0; xi < 3; ++xi) {
        if (xi == half)
          continue;
        Value x = f[xi], rest = f[3 - half - xi];
        if (auto erf = onePlus<ErfOp>(rest); erf && isScaled(erf.getInput(), x, M_SQRT1_2) &&
                                              oneUse(erf.getInput())) {
          rw.replaceOpWithNewOp<GeluOp>(root, root.getType(), x, rw.getStringAttr("none"));
          return success();
        }
        if (auto th = onePlus<TanhOp>(rest)) {
          // sqrt(2/pi) * (x + 0.044715 * x^3)
          Value arg = th.getInput();
          auto m = arg.getDefiningOp<MulOp>();
          if (!m || !oneUse(arg))
            continue;
          bool ok = eitherWay(m.getLhs(), m.getRhs(), [&](Value inner, Value c) {
            if (!near(scalarOf(c), std::sqrt(2.0 / M_PI)))
              return false;
            auto add = inner.getDefiningOp<AddOp>();
            return add && eitherWay(add.getLhs(), add.getRhs(), [&](Value a, Value cube) {
                     if (a != x)
                       return false;
                     auto cm = cube.getDefiningOp<MulOp>();
                     return cm && eitherWay(cm.getLhs(), cm.getRhs(), [&](Value p, Value k) {
                              return near(scalarOf(k), 0.044715) && isCube(p, x);
                            });
                   });
          });
          if (ok) {
            rw.replaceOpWithNewOp<GeluOp>(root, root.getType(), x, rw.getStringAttr("tanh"));
            return success();
          }
        }
      }
    }
    return failure();
  }
};

struct RecognizeSilu : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp m, PatternRewriter &rw) const override {
    Value x;
    eitherWay(m.getLhs(), m.getRhs(), [&](Value a, Value s) {
      auto sig = s.getDefiningOp<SigmoidOp>();
      if (sig && sig.getInput() == a && oneUse(s))
        x = a;
      return (bool)x;
    });
    if (!x || x.getType() != m.getType())
      return failure();
    rw.replaceOpWithNewOp<SiluOp>(m, m.getType(), x);
    return success();
  }
};

// --- conv / matrix products + bias + activation -------------------------------

NamedAttrList convAttrs(Operation *conv) {
  NamedAttrList out;
  for (StringRef n : {"strides", "pads", "dilations", "group", "auto_pad"})
    if (Attribute a = conv->getAttr(n))
      out.append(n, a);
  return out;
}

/// act(conv(...)) or act(fused_conv{none}(...)) -> fused_conv{act}.
struct FuseActivation : RewritePattern {
  FuseActivation(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rw) const override {
    auto act = activationOf(op);
    if (!act || !oneUse(act->input) || act->input.getType() != op->getResult(0).getType())
      return failure();
    Operation *p = act->input.getDefiningOp();
    if (auto conv = dyn_cast_or_null<ConvOp>(p)) {
      auto w = dyn_cast<RankedTensorType>(conv.getWeight().getType());
      if (!w || !w.getElementType().isF32() || isDyn(w.getDimSize(0)))
        return failure();
      Value bias = conv.getBias() ? conv.getBias() : zeros(rw, conv.getLoc(), w.getDimSize(0));
      auto f = rw.create<FusedConvOp>(FusedLoc::get(rw.getContext(), {conv.getLoc(), op->getLoc()}),
                                      op->getResult(0).getType(),
                                      ValueRange{conv.getInput(), conv.getWeight(), bias},
                                      convAttrs(conv).getAttrs());
      setActivation(f, *act, rw);
      rw.replaceOp(op, f.getResult());
      return success();
    }
    if (isa_and_nonnull<FusedConvOp, FusedMatMulOp>(p) &&
        p->getAttrOfType<StringAttr>("activation").getValue() == "none") {
      rw.modifyOpInPlace(p, [&] {
        setActivation(p, *act, rw);
        p->setLoc(FusedLoc::get(rw.getContext(), {p->getLoc(), op->getLoc()}));
      });
      rw.replaceOp(op, p->getResults());
      return success();
    }
    return failure();
  }
  static bool isDyn(int64_t d) { return ShapedType::isDynamic(d); }
};

/// linear / gemm / matmul + bias -> fused_matmul{none}; FuseActivation adds
/// an activation after it. A bare matmul without a bias add is left alone.
struct FuseMatMulBias : RewritePattern {
  FuseMatMulBias(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rw) const override {
    auto rt = op->getNumResults() == 1 ? dyn_cast<RankedTensorType>(op->getResult(0).getType())
                                       : RankedTensorType();
    if (!rt || !rt.getElementType().isF32())
      return failure();
    auto make = [&](Value lhs, Value rhs, Value bias, bool transB) {
      auto f = rw.create<FusedMatMulOp>(op->getLoc(), rt, ValueRange{lhs, rhs, bias});
      f.setTransB(transB);
      rw.replaceOp(op, f.getResult());
      return success();
    };
    // Only when an activation follows: plain linear/gemm are served as they are.
    auto followedByActivation = [&]() {
      Value r = op->getResult(0);
      return oneUse(r) && activationOf(*r.getUsers().begin());
    };
    if (auto lin = dyn_cast<LinearOp>(op)) {
      auto w = dyn_cast<RankedTensorType>(lin.getWeight().getType());
      if (!followedByActivation() || !w || ShapedType::isDynamic(w.getDimSize(0)) ||
          cast<RankedTensorType>(lin.getInput().getType()).getRank() < 2)
        return failure();
      Value b = lin.getBias() ? lin.getBias() : zeros(rw, lin.getLoc(), w.getDimSize(0));
      return make(lin.getInput(), lin.getWeight(), b, true);
    }
    if (auto g = dyn_cast<GemmOp>(op)) {
      if (!followedByActivation() || g.getTransA() || g.getAlpha().convertToDouble() != 1.0 ||
          g.getBeta().convertToDouble() != 1.0 || ShapedType::isDynamic(rt.getDimSize(1)))
        return failure();
      Value c = g.getC() ? g.getC() : zeros(rw, g.getLoc(), rt.getDimSize(1));
      return make(g.getA(), g.getB(), c, g.getTransB());
    }
    if (auto add = dyn_cast<AddOp>(op)) {
      Value mmv, bias;
      eitherWay(add.getLhs(), add.getRhs(), [&](Value a, Value b) {
        auto mm = a.getDefiningOp<MatMulOp>();
        auto r = mm ? dyn_cast<RankedTensorType>(mm.getRhs().getType()) : RankedTensorType();
        auto l = mm ? dyn_cast<RankedTensorType>(mm.getLhs().getType()) : RankedTensorType();
        auto bt = dyn_cast<RankedTensorType>(b.getType());
        if (!mm || !oneUse(a) || !r || r.getRank() != 2 || !l || l.getRank() < 2 || !bt ||
            a.getType() != add.getType() || bt.getRank() > rt.getRank())
          return false;
        // The bias must not grow the result (numpy broadcast onto it).
        for (int64_t i = 0; i < bt.getRank(); ++i) {
          int64_t bd = bt.getDimSize(i), od = rt.getDimSize(rt.getRank() - bt.getRank() + i);
          if (bd != 1 && bd != od)
            return false;
        }
        mmv = a;
        bias = b;
        return true;
      });
      if (!mmv)
        return failure();
      auto mm = mmv.getDefiningOp<MatMulOp>();
      return make(mm.getLhs(), mm.getRhs(), bias, false);
    }
    return failure();
  }
};

/// conv(x) + residual -> fused_conv{residual} (level 3).
struct FuseResidual : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add, PatternRewriter &rw) const override {
    Value convV, res;
    eitherWay(add.getLhs(), add.getRhs(), [&](Value a, Value b) {
      Operation *p = a.getDefiningOp();
      bool ok = oneUse(a) && a.getType() == add.getType() && b.getType() == add.getType() &&
                (isa_and_nonnull<ConvOp>(p) ||
                 (isa_and_nonnull<FusedConvOp>(p) && !cast<FusedConvOp>(p).getResidual() &&
                  cast<FusedConvOp>(p).getActivation() == "none"));
      if (ok && b.getDefiningOp() && b.getDefiningOp()->isBeforeInBlock(p) == false &&
          b.getDefiningOp()->getBlock() == p->getBlock())
        ok = false; // the residual must be computed before the conv runs
      if (ok) {
        convV = a;
        res = b;
      }
      return ok;
    });
    if (!convV)
      return failure();
    Operation *p = convV.getDefiningOp();
    auto w = dyn_cast<RankedTensorType>(p->getOperand(1).getType());
    if (!w || ShapedType::isDynamic(w.getDimSize(0)) || !w.getElementType().isF32())
      return failure();
    Value bias = p->getNumOperands() > 2 ? p->getOperand(2) : zeros(rw, p->getLoc(), w.getDimSize(0));
    auto f = rw.create<FusedConvOp>(FusedLoc::get(rw.getContext(), {p->getLoc(), add.getLoc()}),
                                    add.getType(),
                                    ValueRange{p->getOperand(0), p->getOperand(1), bias, res},
                                    convAttrs(p).getAttrs());
    rw.replaceOp(add, f.getResult());
    return success();
  }
};

// --- normalization chains ------------------------------------------------------

/// reduce_mean over a suffix of the dims with keepdims: the first reduced axis.
std::optional<int64_t> meanAxis(Value v, Value of) {
  auto r = v ? v.getDefiningOp<ReduceMeanOp>() : ReduceMeanOp();
  if (!r || !of || r.getInput() != of || !r.getKeepdims() || !r.getAxesAttr() || r.getDynamicAxes())
    return std::nullopt;
  auto t = dyn_cast<RankedTensorType>(of.getType());
  if (!t)
    return std::nullopt;
  int64_t rank = t.getRank();
  SmallVector<int64_t> axes;
  for (int64_t a : r.getAxesAttr().asArrayRef())
    axes.push_back(a < 0 ? a + rank : a);
  llvm::sort(axes);
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != rank - (int64_t)axes.size() + (int64_t)i)
      return std::nullopt;
  return axes.empty() ? std::nullopt : std::optional<int64_t>(axes.front());
}

/// sqrt(reduce_mean(d^2) + eps): d and eps and the axis.
struct RootMeanSquare {
  Value d;
  Operation *square = nullptr;
  double eps = 0;
  int64_t axis = 0;
};
std::optional<RootMeanSquare> rootMeanSquare(Value v) {
  auto sq = v.getDefiningOp<SqrtOp>();
  if (!sq || !oneUse(v))
    return std::nullopt;
  auto add = sq.getInput().getDefiningOp<AddOp>();
  if (!add || !oneUse(sq.getInput()))
    return std::nullopt;
  std::optional<RootMeanSquare> out;
  eitherWay(add.getLhs(), add.getRhs(), [&](Value m, Value e) {
    auto eps = scalarOf(e);
    auto r = m.getDefiningOp<ReduceMeanOp>();
    if (!eps || !r || !oneUse(m))
      return false;
    Value p = r.getInput(), d;
    if (!oneUse(p))
      return false;
    if (auto pw = p.getDefiningOp<PowOp>(); pw && near(scalarOf(pw.getRhs()), 2.0))
      d = pw.getLhs();
    else if (auto mm = p.getDefiningOp<MulOp>(); mm && mm.getLhs() == mm.getRhs())
      d = mm.getLhs();
    auto axis = d ? meanAxis(m, p) : std::nullopt;
    if (!axis)
      return false;
    out = RootMeanSquare{d, p.getDefiningOp(), *eps, *axis};
    return true;
  });
  return out;
}

/// The normalized value n = d / rms or d * (1 / rms), with n's users
/// optionally `* scale` then `+ bias` (constants over the normalized dims).
struct NormTail {
  Operation *last;
  Value scale, bias;
};
NormTail normTail(Operation *n, int64_t axis, bool allowBias) {
  NormTail t{n, {}, {}};
  auto next = [&](Operation *op) -> Operation * {
    Value r = op->getResult(0);
    return oneUse(r) ? *r.getUsers().begin() : nullptr;
  };
  // The other operand, when it only spans the normalized dims (scale/bias).
  auto type = cast<RankedTensorType>(n->getResult(0).getType());
  auto constOther = [&](Operation *user, Value mine) -> Value {
    Value other = user->getOperand(0) == mine ? user->getOperand(1) : user->getOperand(0);
    auto ot = dyn_cast<RankedTensorType>(other.getType());
    if (!ot || ot.getRank() > type.getRank() - axis)
      return Value();
    for (int64_t i = 0; i < ot.getRank(); ++i) {
      int64_t od = ot.getDimSize(i), td = type.getDimSize(type.getRank() - ot.getRank() + i);
      if (od != 1 && od != td)
        return Value();
    }
    return other;
  };
  if (auto *u = next(n); u && isa<MulOp>(u)) {
    if (Value s = constOther(u, n->getResult(0)); s && u->getResult(0).getType() == n->getResult(0).getType()) {
      t.scale = s;
      t.last = u;
    }
  }
  if (allowBias)
    if (auto *u = next(t.last); u && isa<AddOp>(u)) {
      if (Value b = constOther(u, t.last->getResult(0));
          b && u->getResult(0).getType() == n->getResult(0).getType()) {
        t.bias = b;
        t.last = u;
      }
    }
  return t;
}

/// The normalized value: div(d, rms) or mul(d, reciprocal(rms)) / div(1, rms).
std::optional<RootMeanSquare> normalized(Operation *op) {
  if (auto div = dyn_cast<DivOp>(op)) {
    auto r = rootMeanSquare(div.getRhs());
    if (r && r->d == div.getLhs())
      return r;
    return std::nullopt;
  }
  if (auto mul = dyn_cast<MulOp>(op)) {
    std::optional<RootMeanSquare> out;
    eitherWay(mul.getLhs(), mul.getRhs(), [&](Value d, Value inv) {
      Value rms;
      if (auto rc = inv.getDefiningOp<ReciprocalOp>(); rc && oneUse(inv))
        rms = rc.getInput();
      else if (auto dv = inv.getDefiningOp<DivOp>(); dv && oneUse(inv) && near(scalarOf(dv.getLhs()), 1.0))
        rms = dv.getRhs();
      auto r = rms ? rootMeanSquare(rms) : std::nullopt;
      if (r && r->d == d)
        out = r;
      return (bool)out;
    });
    return out;
  }
  return std::nullopt;
}

Value normParam(PatternRewriter &rw, Location loc, Value given, RankedTensorType x, int64_t axis,
                double fill) {
  if (given)
    return given;
  SmallVector<int64_t> shape(x.getShape().begin() + axis, x.getShape().end());
  auto t = RankedTensorType::get(shape, x.getElementType());
  return rw.create<ConstantOp>(loc, t, cast<ElementsAttr>(DenseElementsAttr::get(t, (float)fill)));
}

struct FuseNorm : RewritePattern {
  FuseNorm(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rw) const override {
    if (!isa<DivOp, MulOp>(op))
      return failure();
    auto r = normalized(op);
    if (!r)
      return failure();
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
      return failure();
    // LayerNorm: d = x - mean(x) (d used by the sub's square and the division).
    auto sub = r->d.getDefiningOp<SubOp>();
    std::optional<int64_t> lnAxis;
    if (sub && sub.getType() == type)
      lnAxis = meanAxis(sub.getRhs(), sub.getLhs());
    bool isLayerNorm = lnAxis && *lnAxis == r->axis;
    // d's users must be only this chain: its square and the normalization.
    for (Operation *u : r->d.getUsers())
      if (u != r->square && u != op)
        return failure();
    NormTail tail = normTail(op, r->axis, isLayerNorm);
    Location loc = FusedLoc::get(rw.getContext(), {op->getLoc(), tail.last->getLoc()});
    rw.setInsertionPoint(tail.last);
    Value result;
    if (isLayerNorm) {
      if (!oneUse(sub.getRhs()))
        return failure();
      Value x = sub.getLhs();
      Value scale = normParam(rw, loc, tail.scale, type, r->axis, 1.0);
      SmallVector<Value> operands{x, scale};
      if (tail.bias)
        operands.push_back(tail.bias);
      result = rw.create<LayerNormOp>(
          loc, type, operands,
          SmallVector<NamedAttribute>{rw.getNamedAttr("axis", rw.getI64IntegerAttr(r->axis)),
                                      rw.getNamedAttr("epsilon", rw.getF32FloatAttr((float)r->eps))});
    } else {
      // RMSNorm: a d that is itself x - mean(x) is a layer norm missing its tail: leave it.
      if (lnAxis)
        return failure();
      Value scale = normParam(rw, loc, tail.scale, type, r->axis, 1.0);
      result = rw.create<RMSNormOp>(loc, type, r->d, scale, rw.getI64IntegerAttr(r->axis),
                                    rw.getF32FloatAttr((float)r->eps));
    }
    rw.replaceOp(tail.last, result);
    return success();
  }
};

// --- attention ------------------------------------------------------------------

bool isPerm(Value v, ArrayRef<int64_t> perm, Value &input) {
  auto t = v.getDefiningOp<TransposeOp>();
  if (!t || !t.getPerm() || ArrayRef<int64_t>(*t.getPerm()) != perm)
    return false;
  input = t.getInput();
  return true;
}

struct FuseAttention : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp pv, PatternRewriter &rw) const override {
    auto sm = pv.getLhs().getDefiningOp<SoftmaxOp>();
    auto outT = dyn_cast<RankedTensorType>(pv.getType());
    if (!sm || !oneUse(pv.getLhs()) || !outT || !outT.hasStaticShape() || outT.getRank() < 2)
      return failure();
    int64_t rank = outT.getRank();
    int64_t axis = int64_t(sm.getAxis()); // I64Attr reads back as uint64_t
    if (axis != -1 && axis != rank - 1)
      return failure();
    Value s = sm.getInput(), mask;
    double scale = 1.0;
    if (auto add = s.getDefiningOp<AddOp>(); add && oneUse(s)) {
      Value inner;
      eitherWay(add.getLhs(), add.getRhs(), [&](Value a, Value m) {
        if (a.getType() == add.getType() && (a.getDefiningOp<MatMulOp>() || a.getDefiningOp<MulOp>() ||
                                             a.getDefiningOp<DivOp>())) {
          inner = a;
          mask = m;
          return true;
        }
        return false;
      });
      if (!inner)
        return failure();
      s = inner;
    }
    if (auto m = s.getDefiningOp<MulOp>(); m && oneUse(s)) {
      Value inner;
      eitherWay(m.getLhs(), m.getRhs(), [&](Value a, Value c) {
        auto k = scalarOf(c);
        if (k && a.getDefiningOp<MatMulOp>()) {
          inner = a;
          scale = *k;
          return true;
        }
        return false;
      });
      if (!inner)
        return failure();
      s = inner;
    } else if (auto d = s.getDefiningOp<DivOp>(); d && oneUse(s)) {
      auto k = scalarOf(d.getRhs());
      if (!k || *k == 0 || !d.getLhs().getDefiningOp<MatMulOp>())
        return failure();
      scale = 1.0 / *k;
      s = d.getLhs();
    }
    auto qk = s.getDefiningOp<MatMulOp>();
    if (!qk || !oneUse(s))
      return failure();
    Value q = qk.getLhs(), kt = qk.getRhs(), v = pv.getRhs();
    auto qt = dyn_cast<RankedTensorType>(q.getType()), ktt = dyn_cast<RankedTensorType>(kt.getType()),
         vt = dyn_cast<RankedTensorType>(v.getType());
    if (!qt || !ktt || !vt || qt.getRank() != rank || ktt.getRank() != rank || vt.getRank() != rank ||
        !qt.hasStaticShape() || !ktt.hasStaticShape() || !vt.hasStaticShape())
      return failure();
    for (int64_t i = 0; i + 2 < rank; ++i)
      if (qt.getDimSize(i) != ktt.getDimSize(i) || qt.getDimSize(i) != vt.getDimSize(i))
        return failure(); // broadcast batch dims: not this op
    // A scalar scale on q: softmax((q * c) k^T) = softmax(q k^T * c).
    if (auto m = q.getDefiningOp<MulOp>(); m && oneUse(q)) {
      eitherWay(m.getLhs(), m.getRhs(), [&](Value a, Value c) {
        auto k = scalarOf(c);
        if (k && a.getType() == q.getType() && cast<ShapedType>(c.getType()).getNumElements() == 1) {
          scale *= *k;
          q = a;
          return true;
        }
        return false;
      });
    }
    // ... and on kᵀ (ONNX Attention scales both by sqrt(scale)).
    if (auto m = kt.getDefiningOp<MulOp>(); m && oneUse(kt)) {
      eitherWay(m.getLhs(), m.getRhs(), [&](Value a, Value c) {
        auto k = scalarOf(c);
        if (k && a.getType() == kt.getType() && cast<ShapedType>(c.getType()).getNumElements() == 1) {
          scale *= *k;
          kt = a;
          return true;
        }
        return false;
      });
    }
    // k = kt with its last two dims swapped (composing with a transpose producing kt).
    SmallVector<int64_t> swap;
    for (int64_t i = 0; i < rank; ++i)
      swap.push_back(i);
    std::swap(swap[rank - 1], swap[rank - 2]);
    SmallVector<int64_t> kshape(ktt.getShape().begin(), ktt.getShape().end());
    std::swap(kshape[rank - 1], kshape[rank - 2]);
    auto kType = RankedTensorType::get(kshape, ktt.getElementType());
    rw.setInsertionPoint(pv);
    Value k = rw.create<TransposeOp>(kt.getLoc(), kType, kt, rw.getDenseI64ArrayAttr(swap));
    SmallVector<Value> operands{q, k, v};
    if (mask)
      operands.push_back(mask);
    auto att = rw.create<AttentionOp>(
        FusedLoc::get(rw.getContext(), {qk.getLoc(), sm.getLoc(), pv.getLoc()}), outT, operands,
        SmallVector<NamedAttribute>{rw.getNamedAttr("scale", rw.getF32FloatAttr((float)scale))});
    rw.replaceOp(pv, att.getResult());
    return success();
  }
};

/// attention on [B, H, S, D] heads split by reshape + transpose[0,2,1,3],
/// merged back by transpose[0,2,1,3] + reshape -> attention{num_heads = H}.
struct FuseAttentionHeads : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp att, PatternRewriter &rw) const override {
    auto outT = cast<RankedTensorType>(att.getType());
    if (att.getNumHeads() != 0 || outT.getRank() != 4 || !oneUse(att.getResult()))
      return failure();
    const int64_t perm[] = {0, 2, 1, 3};
    SmallVector<Value> flat;
    for (Value v : {att.getQ(), att.getK(), att.getV()}) {
      Value split, x;
      if (!oneUse(v) || !isPerm(v, perm, split) || !oneUse(split))
        return failure();
      auto r = split.getDefiningOp<ReshapeOp>();
      if (!r)
        return failure();
      x = r.getInput();
      auto xt = dyn_cast<RankedTensorType>(x.getType());
      auto st = cast<RankedTensorType>(split.getType());
      if (!xt || xt.getRank() != 3 || !xt.hasStaticShape() || xt.getDimSize(0) != st.getDimSize(0) ||
          xt.getDimSize(1) != st.getDimSize(1) || xt.getDimSize(2) != st.getDimSize(2) * st.getDimSize(3))
        return failure();
      flat.push_back(x);
    }
    Operation *user = *att.getResult().getUsers().begin();
    Value merged;
    if (!isPerm(user->getResult(0), perm, merged) || !oneUse(user->getResult(0)))
      return failure();
    auto r = dyn_cast<ReshapeOp>(*user->getResult(0).getUsers().begin());
    auto rt = r ? dyn_cast<RankedTensorType>(r.getType()) : RankedTensorType();
    int64_t B = outT.getDimSize(0), H = outT.getDimSize(1), S = outT.getDimSize(2), Dv = outT.getDimSize(3);
    if (!rt || rt.getRank() != 3 || rt.getDimSize(0) != B || rt.getDimSize(1) != S ||
        rt.getDimSize(2) != H * Dv)
      return failure();
    rw.setInsertionPoint(r);
    if (att.getMask())
      flat.push_back(att.getMask());
    auto fused = rw.create<AttentionOp>(
        att.getLoc(), rt, flat,
        SmallVector<NamedAttribute>{rw.getNamedAttr("scale", att.getScaleAttr()),
                                    rw.getNamedAttr("num_heads", rw.getI64IntegerAttr(H))});
    rw.replaceOp(r, fused.getResult());
    return success();
  }
};

struct FusionPass : PassWrapper<FusionPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(FusionPass)
  FusionPass() = default;
  FusionPass(const FusionPass &other) : PassWrapper(other) {}
  StringRef getArgument() const override { return "kiln-fuse"; }
  StringRef getDescription() const override {
    return "Fuse op chains into fused kiln ops (activations, biases, residuals, norms, attention)";
  }
  Option<int> level{*this, "level", llvm::cl::desc("2: activations and biases; 3: also residuals, "
                                                   "norms and attention"),
                    llvm::cl::init(3)};
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RecognizeGelu, RecognizeSilu, FuseActivation, FuseMatMulBias>(&getContext());
    if (level >= 3)
      patterns.add<FuseResidual, FuseNorm, FuseAttention, FuseAttentionHeads>(&getContext());
    populateSimplifyPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

std::unique_ptr<Pass> createFusionPass(int level) {
  auto p = std::make_unique<FusionPass>();
  p->level = level;
  return p;
}

} // namespace kiln
