//===- Attention.cpp - ONNX attention-family ops as kiln op graphs --------===//
//
// Attention (opset 23/24), RotaryEmbedding (23), TensorScatter (24), SwiGLU
// (28), CausalConvWithState and LinearAttention (27), each decomposed into
// existing kiln ops. The decompositions follow the ops' ONNX function bodies
// (the `_expanded` conformance tests) step by step, so they compute the same
// values in the same order and precision.
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"
#include "kiln/ir/ConstantUtils.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <limits>

namespace kiln::onnx::detail {
namespace {

/// Builds kiln ops for one node; every helper returns a null Value after an
/// error has been emitted (callers test with `if (!v) return failure();`).
struct Graph {
  Node &n;
  Importer &im;
  OpBuilder &b;
  Location loc;
  explicit Graph(Node &node) : n(node), im(node.im), b(node.im.b), loc(node.loc) {}

  NamedAttribute attr(StringRef name, Attribute a) { return b.getNamedAttr(name, a); }
  NamedAttribute i64(StringRef name, int64_t v) { return attr(name, b.getI64IntegerAttr(v)); }
  NamedAttribute ints(StringRef name, ArrayRef<int64_t> v) {
    return attr(name, b.getDenseI64ArrayAttr(v));
  }

  template <typename OpT>
  Value op(ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
    for (Value v : operands)
      if (!v)
        return Value(); // an earlier step failed (and said why)
    return im.create1<OpT>(loc, operands, attrs);
  }

  /// 1-D i64 constant.
  Value ints(ArrayRef<int64_t> v) { return im.constI64(loc, v); }
  /// 0-D constant of element type `elt` (float or integer).
  Value scalar(Type elt, double v) {
    auto type = RankedTensorType::get({}, elt);
    Attribute a;
    if (auto ft = dyn_cast<FloatType>(elt))
      a = FloatAttr::get(ft, v);
    else
      a = IntegerAttr::get(elt, (int64_t)v);
    return b.create<ConstantOp>(loc, type, DenseElementsAttr::get(type, a));
  }
  /// Dim i of v as a 1-D [1] i64 tensor (a constant when it is static).
  Value dim(Value v, int64_t i) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (t && !t.isDynamicDim(i))
      return ints({t.getDimSize(i)});
    return op<ShapeOp>({v}, {i64("start", i), i64("end", i + 1)});
  }
  /// Dim i of v as a 0-D i64 scalar.
  Value dimScalar(Value v, int64_t i) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (t && !t.isDynamicDim(i))
      return scalar(b.getI64Type(), (double)t.getDimSize(i));
    return op<ReshapeOp>({dim(v, i), ints({})});
  }
  Value concat(ValueRange parts, int64_t axis) { return op<ConcatOp>(parts, {i64("axis", axis)}); }
  /// A 1-D i64 shape from 1-D pieces: a constant when every piece is one
  /// (so that the ops it shapes get static types right at import).
  Value shape(ValueRange parts) {
    SmallVector<int64_t> all;
    for (Value p : parts) {
      auto c = p ? getConstantInts(p) : std::nullopt;
      if (!c)
        return concat(parts, 0);
      all.append(c->begin(), c->end());
    }
    return ints(all);
  }
  Value reshape(Value x, Value shape) { return op<ReshapeOp>({x, shape}); }
  Value transpose(Value x, ArrayRef<int64_t> perm) { return op<TransposeOp>({x}, {ints("perm", perm)}); }
  Value unsqueeze(Value x, ArrayRef<int64_t> axes) { return op<UnsqueezeOp>({x}, {ints("axes", axes)}); }
  Value convert(Value x, Type to) {
    if (!x || llvm::cast<ShapedType>(x.getType()).getElementType() == to)
      return x;
    return op<CastOp>({x}, {attr("to", TypeAttr::get(to))});
  }
  Value range(Value start, Value limit, Value delta) { return op<RangeOp>({start, limit, delta}); }

  LogicalResult fail(const Twine &msg) { return emitError(loc) << n.proto.op_type << ": " << msg; }
};

RankedTensorType ranked(Value v) { return v ? dyn_cast<RankedTensorType>(v.getType()) : nullptr; }

// --- Attention ----------------------------------------------------------------

/// Attention-23/24: softmax(Q Kᵀ · scale [softcap] + bias) V with the head
/// split of 3-D inputs, the past key/value cache, grouped-query heads, the
/// causal, boolean/float and nonpad_kv_seqlen masks, and the qk_matmul_output
/// modes, in the order and precision of the ONNX function body.
LogicalResult importAttention(Node &n, SmallVectorImpl<Value> &out) {
  Graph g(n);
  Value q = n.input(0), k = n.input(1), v = n.input(2);
  Value mask = n.input(3), pastK = n.input(4), pastV = n.input(5);
  Value nonpad = n.opset >= 24 ? n.input(6) : Value();
  if (n.opset < 24 && n.input(6))
    return g.fail("nonpad_kv_seqlen (input 6) needs opset 24");
  if (!k || !v)
    return g.fail("needs Q, K and V");
  auto qt = ranked(q), kt = ranked(k), vt = ranked(v);
  if (!qt || !kt || !vt)
    return g.fail("Q, K and V must have a known rank");
  int64_t rank = qt.getRank();
  if ((rank != 3 && rank != 4) || kt.getRank() != rank || vt.getRank() != rank)
    return g.fail("Q, K and V must all be 3-D or all be 4-D");
  Type T = qt.getElementType();
  if (!isa<FloatType>(T) || kt.getElementType() != T || vt.getElementType() != T)
    return g.fail("Q, K and V must have one floating-point element type");
  if (bool(pastK) != bool(pastV))
    return g.fail("past_key and past_value must be given together");
  if (nonpad && pastK)
    return g.fail("nonpad_kv_seqlen cannot be combined with past_key/past_value");
  int64_t mode = n.getInt("qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3)
    return g.fail("qk_matmul_output_mode " + Twine(mode) + " is not 0, 1, 2 or 3");
  Type P = T;
  if (auto *a = n.attr("softmax_precision")) {
    P = elementType(&n.im.ctx, (int32_t)a->i);
    if (!P || !isa<FloatType>(P))
      return g.fail("softmax_precision " + Twine(a->i) + " is not a floating-point type");
  }
  bool causal = n.getInt("is_causal", 0) != 0;
  float softcap = n.getFloat("softcap", 0.0f);
  auto &b = g.b;

  // Heads: 3-D [B, S, H*D] -> [B, H, S, D].
  int64_t qHeads, kvHeads;
  Value q4 = q, k4 = k, v4 = v;
  if (rank == 3) {
    qHeads = n.getInt("q_num_heads", 0);
    kvHeads = n.getInt("kv_num_heads", 0);
    if (qHeads <= 0 || kvHeads <= 0)
      return g.fail("3-D inputs need positive q_num_heads and kv_num_heads attributes");
    const int64_t perm[] = {0, 2, 1, 3};
    q4 = g.transpose(g.reshape(q, g.ints({0, 0, qHeads, -1})), perm);
    k4 = g.transpose(g.reshape(k, g.ints({0, 0, kvHeads, -1})), perm);
    v4 = g.transpose(g.reshape(v, g.ints({0, 0, kvHeads, -1})), perm);
    if (!q4 || !k4 || !v4)
      return failure();
  } else {
    qHeads = qt.getDimSize(1);
    kvHeads = kt.getDimSize(1);
  }
  if (ShapedType::isDynamic(qHeads) || ShapedType::isDynamic(kvHeads))
    return g.fail("the head counts (dim 1 of 4-D Q and K) must be static");
  if (qHeads % kvHeads != 0)
    return g.fail("q_num_heads " + Twine(qHeads) + " is not a multiple of kv_num_heads " +
                  Twine(kvHeads));

  // The key/value cache.
  Value presentK = k4, presentV = v4;
  if (pastK) {
    presentK = g.concat({pastK, k4}, 2);
    presentV = g.concat({pastV, v4}, 2);
    if (!presentK || !presentV)
      return failure();
  }

  // Scale, applied as sqrt(scale) to Q and to Kᵀ (in float, then cast to T).
  Type f32 = b.getF32Type();
  Value scaleSqrt;
  if (auto *a = n.attr("scale")) {
    scaleSqrt = g.scalar(f32, (double)std::sqrt(a->f));
  } else if (auto q4t = ranked(q4); q4t && !q4t.isDynamicDim(3)) {
    float s = 1.0f / std::sqrt((float)q4t.getDimSize(3));
    scaleSqrt = g.scalar(f32, (double)std::sqrt(s));
  } else {
    Value d = g.convert(g.dim(q4, 3), f32);
    Value s = g.op<DivOp>({g.scalar(f32, 1.0), g.op<SqrtOp>({d})});
    scaleSqrt = g.op<SqrtOp>({s});
  }
  scaleSqrt = g.convert(scaleSqrt, T);

  // Grouped-query attention: kv head j serves q heads [j*G, (j+1)*G).
  Value kAtt = presentK, vAtt = presentV;
  if (qHeads != kvHeads) {
    int64_t groups = qHeads / kvHeads;
    auto expand = [&](Value x) {
      Value e = g.op<ExpandOp>({g.unsqueeze(x, {2}), g.ints({1, 1, groups, 1, 1})});
      return g.reshape(e, g.shape({g.dim(x, 0), g.ints({qHeads}), g.dim(x, 2), g.dim(x, 3)}));
    };
    kAtt = expand(presentK);
    vAtt = expand(presentV);
  }

  Value qScaled = g.op<MulOp>({q4, scaleSqrt});
  Value kScaled = g.op<MulOp>({g.transpose(kAtt, {0, 1, 3, 2}), scaleSqrt});
  Value qk = g.op<MatMulOp>({qScaled, kScaled});
  if (!qk)
    return failure();
  Value scores = qk;
  if (softcap > 0.0f) {
    Value cap = g.convert(g.scalar(f32, softcap), T);
    scores = g.op<MulOp>({g.op<TanhOp>({g.op<DivOp>({qk, cap})}), cap});
  }
  Value softcapped = scores;

  // The additive bias: attn_mask, the causal mask, the nonpad padding mask.
  Value zero = g.scalar(T, 0.0), negInf = g.scalar(T, -std::numeric_limits<double>::infinity());
  Value bias;
  if (mask) {
    auto mt = ranked(mask);
    if (!mt)
      return g.fail("attn_mask must have a known rank");
    Type me = mt.getElementType();
    if (me.isInteger(1))
      bias = g.op<WhereOp>({mask, zero, negInf});
    else if (me == T)
      bias = mask;
    else
      return g.fail("attn_mask must be bool or Q's element type");
    if (n.opset >= 24) {
      // A mask shorter than the keys is padded with -inf (masked) keys.
      int64_t r = mt.getRank();
      auto tt = ranked(presentK);
      bool same = !mt.isDynamicDim(r - 1) && tt && !tt.isDynamicDim(2) &&
                  mt.getDimSize(r - 1) == tt.getDimSize(2);
      if (!same) {
        // (presentK's dim 2: the key/value length with the past)
        Value extra;
        if (!mt.isDynamicDim(r - 1) && tt && !tt.isDynamicDim(2))
          extra = g.ints({tt.getDimSize(2) - mt.getDimSize(r - 1)});
        else
          extra = g.op<SubOp>({g.dim(presentK, 2), g.dim(mask, r - 1)});
        SmallVector<int64_t> zeros(2 * r - 1, 0);
        Value pads = g.shape({g.ints(zeros), extra});
        bias = g.op<PadOp>({bias, pads},
                           {g.attr("mode", b.getStringAttr("constant")),
                            g.attr("value", b.getF64FloatAttr(-std::numeric_limits<double>::infinity()))});
      }
    }
    if (!bias)
      return failure();
  }
  if (causal) {
    Value i64zero = g.scalar(b.getI64Type(), 0), i64one = g.scalar(b.getI64Type(), 1);
    Value rows = g.range(i64zero, g.dimScalar(q4, 2), i64one);
    Value cols = g.range(i64zero, g.dimScalar(presentK, 2), i64one);
    Value tri;
    if (nonpad) {
      // Each batch's queries end at its own key length: offset nonpad - Sq.
      auto npt = ranked(nonpad);
      if (!npt || !npt.getElementType().isInteger(64) || npt.getRank() != 1)
        return g.fail("nonpad_kv_seqlen must be a 1-D int64 tensor");
      Value offset = g.unsqueeze(g.op<SubOp>({nonpad, g.dim(q4, 2)}), {1, 2, 3});
      Value row4 = g.unsqueeze(g.unsqueeze(rows, {1}), {0, 1});
      Value col4 = g.unsqueeze(g.unsqueeze(cols, {0}), {0, 1});
      tri = g.op<LessOp>({g.op<AddOp>({row4, offset}), col4});
    } else {
      // With a past, query i sits at position past + i.
      Value row2 = g.unsqueeze(rows, {1});
      if (pastK)
        row2 = g.op<AddOp>({row2, g.dim(pastK, 2)});
      tri = g.op<LessOp>({row2, g.unsqueeze(cols, {0})});
    }
    Value causalBias = g.op<WhereOp>({tri, negInf, zero});
    bias = bias ? g.op<AddOp>({bias, causalBias}) : causalBias;
    if (!bias)
      return failure();
  }
  if (nonpad) {
    auto npt = ranked(nonpad);
    if (!npt || !npt.getElementType().isInteger(64) || npt.getRank() != 1)
      return g.fail("nonpad_kv_seqlen must be a 1-D int64 tensor");
    Value keys = g.range(g.scalar(b.getI64Type(), 0), g.dimScalar(k4, 2), g.scalar(b.getI64Type(), 1));
    Value valid = g.op<LessOp>({keys, g.unsqueeze(nonpad, {1})});
    Value pad = g.unsqueeze(g.op<WhereOp>({valid, zero, negInf}), {1, 2});
    bias = bias ? g.op<AddOp>({bias, pad}) : pad;
    if (!bias)
      return failure();
  }
  if (bias)
    scores = g.op<AddOp>({scores, bias});
  Value biased = scores;

  Value probs = g.convert(g.op<SoftmaxOp>({g.convert(scores, P)}, {g.i64("axis", 3)}), T);
  // Rows whose keys are all masked give zeros, not NaN. (A causal mask alone
  // never masks a whole row: query i always sees key 0.)
  if (mask || nonpad) {
    Value rowMax = g.op<ReduceMaxOp>({bias}, {g.ints("axes", {-1}),
                                              g.attr("keepdims", b.getBoolAttr(true))});
    probs = g.op<WhereOp>({g.op<EqualOp>({rowMax, negInf}), zero, probs});
  }
  Value y = g.op<MatMulOp>({probs, vAtt});
  if (rank == 3)
    y = g.reshape(g.transpose(y, {0, 2, 1, 3}), g.ints({0, 0, -1}));
  if (!y)
    return failure();
  out.push_back(y);
  out.push_back(presentK);
  out.push_back(presentV);
  Value qkOut[] = {qk, softcapped, biased, probs};
  out.push_back(qkOut[mode]);
  return success();
}

// --- RotaryEmbedding ----------------------------------------------------------

/// RotaryEmbedding-23: rotates the first rotary_embedding_dim features of
/// each head by the cached angles (halves, or interleaved pairs), as the
/// function body does: in [B, S, H, D] layout, caches gathered by
/// position_ids (or given per position) and sliced to half the rotated dims.
LogicalResult importRotaryEmbedding(Node &n, SmallVectorImpl<Value> &out) {
  Graph g(n);
  Value x = n.input(0), cosCache = n.input(1), sinCache = n.input(2), positions = n.input(3);
  if (!cosCache || !sinCache)
    return g.fail("needs input, cos_cache and sin_cache");
  auto xt = ranked(x);
  if (!xt || (xt.getRank() != 3 && xt.getRank() != 4))
    return g.fail("input must be 3-D or 4-D");
  if (!isa<FloatType>(xt.getElementType()))
    return g.fail("input must be floating-point");
  int64_t heads = n.getInt("num_heads", 0);
  bool interleaved = n.getInt("interleaved", 0) != 0;
  Value xin; // [B, S, H, D]
  if (xt.getRank() == 3) {
    if (heads <= 0)
      return g.fail("3-D input needs a positive num_heads attribute");
    xin = g.reshape(x, g.ints({0, 0, heads, -1}));
  } else {
    xin = g.transpose(x, {0, 2, 1, 3});
  }
  auto it = ranked(xin);
  if (!it || it.isDynamicDim(3))
    return g.fail("the head size must be static");
  int64_t headSize = it.getDimSize(3);
  int64_t rot = n.getInt("rotary_embedding_dim", 0);
  if (rot == 0)
    rot = headSize;
  if (rot < 0 || rot > headSize || rot % 2 != 0)
    return g.fail("rotary_embedding_dim " + Twine(rot) + " must be even and at most the head size " +
                  Twine(headSize));
  int64_t half = rot / 2;
  auto slice = [&](Value v, int64_t start, int64_t end, int64_t axis, int64_t step) {
    return g.op<SliceOp>({v, g.ints({start}), g.ints({end}), g.ints({axis}), g.ints({step})});
  };
  Value toRotate = slice(xin, 0, rot, 3, 1), rest = slice(xin, rot, headSize, 3, 1);
  Value cosG = cosCache, sinG = sinCache;
  if (positions) {
    cosG = g.op<GatherOp>({cosCache, positions}, {g.i64("axis", 0)});
    sinG = g.op<GatherOp>({sinCache, positions}, {g.i64("axis", 0)});
  }
  // [B, S, half] -> [B, S, 1, half]
  Value cosU = g.unsqueeze(slice(cosG, 0, half, 2, 1), {2});
  Value sinU = g.unsqueeze(slice(sinG, 0, half, 2, 1), {2});
  Value x1 = interleaved ? slice(toRotate, 0, rot, 3, 2) : slice(toRotate, 0, half, 3, 1);
  Value x2 = interleaved ? slice(toRotate, 1, rot + 1, 3, 2) : slice(toRotate, half, rot, 3, 1);
  Value real = g.op<SubOp>({g.op<MulOp>({cosU, x1}), g.op<MulOp>({sinU, x2})});
  Value imag = g.op<AddOp>({g.op<MulOp>({sinU, x1}), g.op<MulOp>({cosU, x2})});
  Value rotated;
  if (interleaved)
    rotated = g.reshape(g.concat({g.unsqueeze(real, {-1}), g.unsqueeze(imag, {-1})}, -1),
                        g.ints({0, 0, 0, rot}));
  else
    rotated = g.concat({real, imag}, -1);
  Value y = rot < headSize ? g.concat({rotated, rest}, -1) : rotated;
  if (xt.getRank() == 3)
    y = g.reshape(y, g.ints({0, 0, -1}));
  else
    y = g.transpose(y, {0, 2, 1, 3});
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

// --- TensorScatter -------------------------------------------------------------

/// TensorScatter-24: writes update into past_cache along `axis` (the
/// sequence axis) at each batch's write index, linearly or wrapping around
/// (circular). Position j of batch b takes update[j - w[b]] when that is a
/// row of update, else keeps the cache: gather_elements + where.
LogicalResult importTensorScatter(Node &n, SmallVectorImpl<Value> &out) {
  Graph g(n);
  Value cache = n.input(0), update = n.input(1), writes = n.input(2);
  if (!update)
    return g.fail("needs past_cache and update");
  auto ct = ranked(cache), ut = ranked(update);
  if (!ct || !ut || ct.getRank() != ut.getRank() || ct.getRank() < 2)
    return g.fail("past_cache and update must have one rank of at least 2");
  if (ct.getElementType() != ut.getElementType())
    return g.fail("past_cache and update must have one element type");
  int64_t r = ct.getRank(), axis = n.getInt("axis", -2);
  if (axis < 0)
    axis += r;
  if (axis < 1 || axis >= r)
    return g.fail("axis " + Twine(n.getInt("axis", -2)) + " must name a dim after the batch dim");
  std::string mode = n.getString("mode", "linear");
  if (mode != "linear" && mode != "circular")
    return g.fail("mode '" + Twine(mode) + "' is not linear or circular");
  Type i64 = g.b.getI64Type();
  Value zero = g.scalar(i64, 0), one = g.scalar(i64, 1);
  // Position along the axis, shaped [1, .., L, .., 1].
  SmallVector<int64_t> posShape(r, 1);
  posShape[axis] = -1;
  Value pos = g.reshape(g.range(zero, g.dimScalar(cache, axis), one), g.ints(posShape));
  Value idx = pos;
  if (writes) {
    auto wt = ranked(writes);
    if (!wt || wt.getRank() != 1 || !wt.getElementType().isInteger(64))
      return g.fail("write_indices must be a 1-D int64 tensor");
    SmallVector<int64_t> wShape(r, 1);
    wShape[0] = -1;
    idx = g.op<SubOp>({pos, g.reshape(writes, g.ints(wShape))});
  }
  Value count = g.dimScalar(update, axis);
  Value valid;
  if (mode == "circular") {
    idx = g.op<ModOp>({idx, g.dimScalar(cache, axis)}, {g.attr("fmod", g.b.getBoolAttr(false))});
    valid = g.op<LessOp>({idx, count});
  } else {
    valid = g.op<AndOp>({g.op<GreaterOrEqualOp>({idx, zero}), g.op<LessOp>({idx, count})});
  }
  Value safe = g.op<WhereOp>({valid, idx, zero});
  Value full = g.op<ExpandOp>({safe, g.op<ShapeOp>({cache}, {g.i64("start", 0)})});
  Value gathered = g.op<GatherElementsOp>({update, full}, {g.i64("axis", axis)});
  Value y = g.op<WhereOp>({valid, gathered, cache});
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

// --- SwiGLU ----------------------------------------------------------------------

/// SwiGLU-28: Swish_alpha(A) * B with Swish_alpha(a) = a * sigmoid(alpha * a).
LogicalResult importSwiGLU(Node &n, SmallVectorImpl<Value> &out) {
  Graph g(n);
  Value a = n.input(0), bv = n.input(1);
  if (!bv)
    return g.fail("needs inputs A and B");
  auto at = ranked(a), bt = ranked(bv);
  if (!at || !isa<FloatType>(at.getElementType()))
    return g.fail("A must be a floating-point tensor of known rank");
  if (!bt || failed(verifyCompatibleShape(at, bt)) || at.getElementType() != bt.getElementType())
    return g.fail("A and B must have one shape and element type (SwiGLU does not broadcast)");
  float alpha = n.getFloat("alpha", 1.0f);
  Value gateIn = a;
  if (alpha != 1.0f)
    gateIn = g.op<MulOp>({a, g.convert(g.scalar(g.b.getF32Type(), alpha), at.getElementType())});
  Value y = g.op<MulOp>({g.op<MulOp>({a, g.op<SigmoidOp>({gateIn})}), bv});
  if (!y)
    return failure();
  out.push_back(y);
  return success();
}

// --- CausalConvWithState -------------------------------------------------------

/// CausalConvWithState-27: depthwise conv1d over [past_state (or zeros), x]
/// with an optional bias and SiLU; present_state is the last k-1 steps of
/// that padded input.
LogicalResult importCausalConvWithState(Node &n, SmallVectorImpl<Value> &out) {
  Graph g(n);
  Value x = n.input(0), w = n.input(1), bias = n.input(2), past = n.input(3);
  if (!w)
    return g.fail("needs input and weight");
  auto xt = ranked(x), wt = ranked(w);
  if (!xt || xt.getRank() != 3 || !isa<FloatType>(xt.getElementType()))
    return g.fail("input must be a 3-D floating-point tensor (batch, channels, length)");
  if (!wt || wt.getRank() != 3 || wt.isDynamicDim(2) || xt.isDynamicDim(1))
    return g.fail("weight must be 3-D (channels, 1, k) with static k and channels");
  int64_t channels = xt.getDimSize(1), k = wt.getDimSize(2);
  std::string act = n.getString("activation", "none");
  if (act != "none" && act != "silu" && act != "swish")
    return g.fail("activation '" + Twine(act) + "' is not none, silu or swish");
  Value padded;
  if (past) {
    padded = g.concat({past, x}, 2);
  } else {
    // k - 1 zero steps before the input (as the function body: zeros, concat).
    Type T = xt.getElementType();
    auto one = RankedTensorType::get({1}, T);
    Value zeros = g.op<ConstantOfShapeOp>(
        {g.shape({g.dim(x, 0), g.dim(x, 1), g.ints({k - 1})})},
        {g.attr("value", DenseElementsAttr::get(one, FloatAttr::get(T, 0.0)))});
    padded = g.concat({zeros, x}, 2);
  }
  SmallVector<Value> operands{padded, w};
  if (bias)
    operands.push_back(bias);
  Value y = g.op<ConvOp>(operands, {g.i64("group", channels),
                                    g.attr("auto_pad", g.b.getStringAttr("NOTSET"))});
  if (act != "none") {
    Type f32 = g.b.getF32Type(), T = xt.getElementType();
    Value yf = g.convert(y, f32);
    y = g.convert(g.op<MulOp>({yf, g.op<SigmoidOp>({yf})}), T);
  }
  Value len = g.dim(padded, 2);
  Value state = g.op<SliceOp>({padded, g.op<SubOp>({len, g.ints({k - 1})}), len, g.ints({2}),
                               g.ints({1})});
  if (!y || !state)
    return failure();
  out.push_back(y);
  out.push_back(state);
  return success();
}

// --- LinearAttention -------------------------------------------------------------

/// Longest sequence LinearAttention is unrolled for (one step of kiln ops per
/// position; there is no loop op to run the recurrence in).
constexpr int64_t kMaxLinearAttentionSteps = 256;

/// LinearAttention-27: the recurrence of its function body's Scan, unrolled
/// over the (static) sequence: per step, in float,
///   S = S * exp(decay_t)                        (gated, gated_delta)
///   S = S + k_t ⊗ (v_t [- β_t (v_t - Sᵀk_t)])    (delta rules subtract)
///   o_t = scale · q_t S   (S read per q head: kv head h / (Hq / Hkv))
LogicalResult importLinearAttention(Node &n, SmallVectorImpl<Value> &out) {
  Graph g(n);
  Value q = n.input(0), k = n.input(1), v = n.input(2), past = n.input(3), decay = n.input(4),
        beta = n.input(5);
  if (!k || !v)
    return g.fail("needs query, key and value");
  auto qt = ranked(q), kt = ranked(k), vt = ranked(v);
  if (!qt || !kt || !vt || qt.getRank() != 3 || kt.getRank() != 3 || vt.getRank() != 3)
    return g.fail("query, key and value must be 3-D (batch, sequence, heads * head size)");
  Type T = qt.getElementType();
  if (!isa<FloatType>(T))
    return g.fail("query must be floating-point");
  int64_t qHeads = n.getInt("q_num_heads", 0), kvHeads = n.getInt("kv_num_heads", 0);
  if (qHeads <= 0 || kvHeads <= 0 || qHeads % kvHeads != 0)
    return g.fail("q_num_heads and kv_num_heads must be positive, q_num_heads a multiple of kv_num_heads");
  if (qt.isDynamicDim(1) || qt.isDynamicDim(2) || vt.isDynamicDim(2))
    return g.fail("the sequence length and the feature dims must be static");
  int64_t steps = qt.getDimSize(1);
  if (steps < 1)
    return g.fail("an empty sequence is not supported");
  if (steps > kMaxLinearAttentionSteps)
    return g.fail("sequences longer than " + Twine(kMaxLinearAttentionSteps) +
                  " steps are not supported (the recurrence is unrolled), got " + Twine(steps));
  if (qt.getDimSize(2) % qHeads != 0 || vt.getDimSize(2) % kvHeads != 0)
    return g.fail("the feature dims are not divisible by the head counts");
  int64_t dk = qt.getDimSize(2) / qHeads, dv = vt.getDimSize(2) / kvHeads;
  std::string rule = n.getString("update_rule", "gated_delta");
  bool gated = rule == "gated" || rule == "gated_delta";
  bool delta = rule == "delta" || rule == "gated_delta";
  if (!gated && !delta && rule != "linear")
    return g.fail("update_rule '" + Twine(rule) + "' is not linear, gated, delta or gated_delta");
  if (gated && !decay)
    return g.fail("update_rule '" + Twine(rule) + "' needs the decay input");
  if (delta && !beta)
    return g.fail("update_rule '" + Twine(rule) + "' needs the beta input");
  Type f32 = g.b.getF32Type();
  float scale = n.attr("scale") ? n.getFloat("scale", 0.0f) : 1.0f / std::sqrt((float)dk);
  Value scaleV = g.scalar(f32, scale);

  // [B, T, H, d] in float.
  Value q4 = g.convert(g.reshape(q, g.ints({0, 0, qHeads, -1})), f32);
  Value k4 = g.convert(g.reshape(k, g.ints({0, 0, kvHeads, -1})), f32);
  Value v4 = g.convert(g.reshape(v, g.ints({0, 0, kvHeads, -1})), f32);
  Value decay4 = gated ? g.convert(g.reshape(decay, g.ints({0, 0, kvHeads, -1})), f32) : Value();
  Value beta4 = delta ? g.convert(g.reshape(beta, g.ints({0, 0, -1, 1})), f32) : Value();
  Value state;
  if (past) {
    state = g.convert(past, f32);
  } else {
    Value shape = g.shape({g.dim(q, 0), g.ints({kvHeads, dk, dv})});
    auto one = RankedTensorType::get({1}, f32);
    state = g.op<ConstantOfShapeOp>(
        {shape}, {g.attr("value", DenseElementsAttr::get(one, FloatAttr::get(f32, 0.0)))});
  }
  if (!q4 || !k4 || !v4 || (gated && !decay4) || (delta && !beta4) || !state)
    return failure();
  auto step = [&](Value x, int64_t t) { // [B, T, H, d] -> [B, H, d] at t
    Value s = g.op<SliceOp>({x, g.ints({t}), g.ints({t + 1}), g.ints({1}), g.ints({1})});
    return g.op<SqueezeOp>({s}, {g.ints("axes", {1})});
  };
  SmallVector<Value> outputs;
  for (int64_t t = 0; t < steps; ++t) {
    if (gated)
      state = g.op<MulOp>({state, g.unsqueeze(g.op<ExpOp>({step(decay4, t)}), {-1})});
    Value kCol = g.unsqueeze(step(k4, t), {-1});
    Value write = step(v4, t);
    if (delta) {
      Value retrieved = g.op<SqueezeOp>(
          {g.op<MatMulOp>({g.transpose(state, {0, 1, 3, 2}), kCol})}, {g.ints("axes", {-1})});
      write = g.op<MulOp>({step(beta4, t), g.op<SubOp>({write, retrieved})});
    }
    state = g.op<AddOp>({state, g.op<MatMulOp>({kCol, g.unsqueeze(write, {-2})})});
    Value read = state;
    if (qHeads != kvHeads)
      read = g.reshape(g.op<ExpandOp>({g.unsqueeze(state, {2}), g.ints({1, 1, qHeads / kvHeads, 1, 1})}),
                       g.ints({0, qHeads, dk, dv}));
    Value o = g.op<SqueezeOp>({g.op<MatMulOp>({g.unsqueeze(step(q4, t), {-2}), read})},
                              {g.ints("axes", {-2})});
    o = g.op<MulOp>({scaleV, o});
    if (!o)
      return failure();
    outputs.push_back(g.unsqueeze(g.convert(o, T), {1}));
  }
  Value y = outputs.size() == 1 ? outputs[0] : g.concat(outputs, 1);
  y = g.reshape(y, g.ints({0, 0, -1}));
  Value present = g.convert(state, past ? llvm::cast<ShapedType>(past.getType()).getElementType() : T);
  if (!y || !present)
    return failure();
  out.push_back(y);
  out.push_back(present);
  return success();
}

} // namespace

void registerAttentionOps(OpTable &t) {
  t["Attention"] = importAttention;
  t["RotaryEmbedding"] = importRotaryEmbedding;
  t["TensorScatter"] = importTensorScatter;
  t["SwiGLU"] = importSwiGLU;
  t["CausalConvWithState"] = importCausalConvWithState;
  t["LinearAttention"] = importLinearAttention;
}

} // namespace kiln::onnx::detail
