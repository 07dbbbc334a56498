//===- PassUtils.cpp - helpers shared by kiln's rewrite passes ------------===//
#include "PassUtils.h"

#include "kiln/ir/Resources.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;

namespace kiln {

int32_t dtypeOf(Type t) {
  if (t.isF32()) return 1;
  if (t.isF64()) return 11;
  if (t.isF16()) return 10;
  if (t.isBF16()) return 16;
  if (t.isInteger(1)) return 9;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 8: return u ? 2 : 3;
    case 16: return u ? 4 : 5;
    case 32: return u ? 12 : 6;
    case 64: return u ? 13 : 7;
    }
  }
  return 0;
}

/// Row-major little-endian bytes of a constant (bool: one byte each).
bool constantBytes(ElementsAttr attr, std::string &out) {
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return false;
    ArrayRef<char> d = blob->getData();
    out.assign(d.data(), d.size());
    return true;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return false;
  Type elt = dense.getElementType();
  if (!dense.isSplat() && !elt.isInteger(1)) {
    ArrayRef<char> raw = dense.getRawData();
    out.assign(raw.data(), raw.size());
    return true;
  }
  auto c = readConstant(attr, INT64_MAX);
  if (!c)
    return false;
  size_t width = elt.isInteger(1) ? 1 : elt.getIntOrFloatBitWidth() / 8;
  out.assign(size_t(c->size()) * width, '\0');
  auto type = RankedTensorType::get({c->size()}, elt);
  // Re-encode through a non-splat dense attribute of the element type.
  if (elt.isInteger(1)) {
    for (int64_t k = 0; k < c->size(); ++k)
      out[k] = char(c->i[k] != 0);
    return true;
  }
  DenseElementsAttr flat = makeConstant(type, *c);
  if (flat.isSplat()) { // a splat stores one element: repeat it
    ArrayRef<char> raw = flat.getRawData();
    for (int64_t k = 0; k < c->size(); ++k)
      std::memcpy(&out[k * width], raw.data(), width);
  } else {
    ArrayRef<char> raw = flat.getRawData();
    out.assign(raw.data(), raw.size());
  }
  return true;
}

std::optional<ConstTensor> constantValues(Value v) {
  Attribute a;
  if (!v || !matchPattern(v, m_Constant(&a)))
    return std::nullopt;
  return readConstant(a, INT64_MAX);
}

Value makeF32Constant(OpBuilder &b, Location loc, RankedTensorType type,
                      const std::vector<double> &values, StringRef name) {
  std::vector<float> f(values.begin(), values.end());
  auto attr = makeOwnedResource(
      type, name, ArrayRef<char>(reinterpret_cast<const char *>(f.data()), f.size() * 4));
  return b.create<ConstantOp>(loc, type, cast<ElementsAttr>(attr));
}

bool isStaticF32(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

std::optional<std::vector<double>> perChannel(Value c, int64_t rank, int64_t axis, int64_t m) {
  auto t = dyn_cast<RankedTensorType>(c.getType());
  if (!t || !t.hasStaticShape() || t.getRank() > rank)
    return std::nullopt;
  int64_t lead = rank - t.getRank();
  for (int64_t i = 0; i < t.getRank(); ++i)
    if (i + lead != axis && t.getDimSize(i) != 1)
      return std::nullopt;
  auto v = constantValues(c);
  if (!v || !v->isFloat)
    return std::nullopt;
  if (v->size() == 1)
    return std::vector<double>((size_t)m, v->f[0]);
  if (v->size() != m)
    return std::nullopt;
  return v->f;
}

namespace {

struct Producer {
  Operation *op = nullptr;     // conv, linear, gemm or matmul
  AddOp biasAdd;               // optional: producer + constant bias
  std::vector<double> addBias; // its values
  int64_t m = 0, axis = 0;
};

/// Recognizes `v` as a linear producer (single use all along) with static f32 weights.
std::optional<Producer> matchProducer(Value v) {
  Producer p;
  Operation *def = v.getDefiningOp();
  auto vt = dyn_cast<RankedTensorType>(v.getType());
  if (!def || !v.hasOneUse() || !vt || !vt.getElementType().isF32())
    return std::nullopt;
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  if (auto add = dyn_cast<AddOp>(def)) {
    for (int side = 0; side < 2; ++side) {
      Value x = add->getOperand(side), c = add->getOperand(1 - side);
      if (x.getType() != v.getType() || !x.hasOneUse() || !x.getDefiningOp())
        continue;
      auto inner = matchProducer(x);
      if (!inner || inner->biasAdd)
        continue;
      auto bias = perChannel(c, rank, inner->axis, inner->m);
      if (!bias)
        continue;
      inner->biasAdd = add;
      inner->addBias = *bias;
      return inner;
    }
    return std::nullopt;
  }
  p.op = def;
  auto constW = [](Value w) { return isStaticF32(w) && w.getDefiningOp<ConstantOp>(); };
  if (auto conv = dyn_cast<ConvOp>(def)) {
    if (!constW(conv.getWeight()) || (conv.getBias() && !constW(conv.getBias())) || rank < 3)
      return std::nullopt;
    p.m = cast<RankedTensorType>(conv.getWeight().getType()).getDimSize(0);
    p.axis = 1;
  } else if (auto lin = dyn_cast<LinearOp>(def)) {
    if (!constW(lin.getWeight()) || (lin.getBias() && !constW(lin.getBias())))
      return std::nullopt;
    p.m = cast<RankedTensorType>(lin.getWeight().getType()).getDimSize(0);
    p.axis = rank - 1;
  } else if (auto gemm = dyn_cast<GemmOp>(def)) {
    if (!constW(gemm.getB()) || (gemm.getC() && !constW(gemm.getC())) || rank != 2)
      return std::nullopt;
    auto bt = cast<RankedTensorType>(gemm.getB().getType());
    p.m = gemm.getTransB() ? bt.getDimSize(0) : bt.getDimSize(1);
    p.axis = 1;
    if (gemm.getC() && !perChannel(gemm.getC(), 2, 1, p.m))
      return std::nullopt;
  } else if (auto mm = dyn_cast<MatMulOp>(def)) {
    auto wt = dyn_cast<RankedTensorType>(mm.getRhs().getType());
    if (!constW(mm.getRhs()) || wt.getRank() != 2 || rank < 2)
      return std::nullopt;
    p.m = wt.getDimSize(1);
    p.axis = rank - 1;
  } else {
    return std::nullopt;
  }
  if (cast<RankedTensorType>(v.getType()).getDimSize(p.axis) != p.m)
    return std::nullopt;
  return p;
}

} // namespace

std::optional<std::pair<int64_t, int64_t>> producerChannels(Value v) {
  auto p = matchProducer(v);
  if (!p)
    return std::nullopt;
  return std::make_pair(p->m, p->axis);
}

LogicalResult foldAffineIntoProducer(PatternRewriter &rw, Value v, Operation *replaced,
                                     const std::vector<double> &s, const std::vector<double> &t) {
  auto p = matchProducer(v);
  if (!p || replaced->getNumResults() != 1 || replaced->getResult(0).getType() != v.getType())
    return failure();
  // A bare matmul has no bias slot: adding a bias to it would rebuild the same add.
  if (isa<MatMulOp>(p->op) && !p->biasAdd && s.empty())
    return failure();
  int64_t m = p->m;
  if ((!s.empty() && (int64_t)s.size() != m) || (!t.empty() && (int64_t)t.size() != m))
    return failure();
  auto sAt = [&](int64_t o) { return s.empty() ? 1.0 : s[(size_t)o]; };
  auto tAt = [&](int64_t o) { return t.empty() ? 0.0 : t[(size_t)o]; };

  // The weights, scaled per output channel (rows or columns).
  Value w;
  bool rows = true;
  std::vector<double> bias((size_t)m, 0.0);
  if (auto conv = dyn_cast<ConvOp>(p->op)) {
    w = conv.getWeight();
    if (conv.getBias())
      bias = constantValues(conv.getBias())->f;
  } else if (auto lin = dyn_cast<LinearOp>(p->op)) {
    w = lin.getWeight();
    if (lin.getBias())
      bias = constantValues(lin.getBias())->f;
  } else if (auto gemm = dyn_cast<GemmOp>(p->op)) {
    w = gemm.getB();
    rows = gemm.getTransB();
    if (gemm.getC()) {
      bias = *perChannel(gemm.getC(), 2, 1, m);
      for (double &x : bias)
        x *= gemm.getBeta().convertToDouble();
    }
  } else {
    w = cast<MatMulOp>(p->op).getRhs();
    rows = false;
  }
  auto wType = cast<RankedTensorType>(w.getType());
  auto wv = constantValues(w);
  if (!wv || !wv->isFloat || bias.size() != (size_t)m)
    return failure();
  std::vector<double> newW(wv->f);
  if (!s.empty()) {
    int64_t n = (int64_t)newW.size();
    int64_t per = m ? n / m : 0;
    for (int64_t k = 0; k < n; ++k)
      newW[(size_t)k] *= sAt(rows ? k / per : k % m);
  }
  for (int64_t o = 0; o < m; ++o) {
    double b0 = bias[(size_t)o] + (p->biasAdd ? p->addBias[(size_t)o] : 0.0);
    bias[(size_t)o] = b0 * sAt(o) + tAt(o);
  }

  rw.setInsertionPoint(replaced);
  SmallVector<Location> locs{p->op->getLoc()};
  if (p->biasAdd)
    locs.push_back(p->biasAdd.getLoc());
  locs.push_back(replaced->getLoc());
  Location loc = FusedLoc::get(rw.getContext(), locs);
  Value nw = s.empty() ? w : makeF32Constant(rw, w.getLoc(), wType, newW, "frozen_weight");
  auto bType = RankedTensorType::get({m}, rw.getF32Type());
  Value nb = makeF32Constant(rw, loc, bType, bias, "frozen_bias");
  Type resultType = v.getType();
  Value result;
  if (auto conv = dyn_cast<ConvOp>(p->op)) {
    result = rw.create<ConvOp>(loc, resultType, ValueRange{conv.getInput(), nw, nb},
                               conv->getAttrs());
  } else if (auto lin = dyn_cast<LinearOp>(p->op)) {
    result = rw.create<LinearOp>(loc, resultType, ValueRange{lin.getInput(), nw, nb},
                                 lin->getAttrs());
  } else if (auto gemm = dyn_cast<GemmOp>(p->op)) {
    auto g = rw.create<GemmOp>(loc, resultType, ValueRange{gemm.getA(), nw, nb}, gemm->getAttrs());
    g.setBetaAttr(rw.getF32FloatAttr(1.0f));
    result = g;
  } else {
    auto mm = cast<MatMulOp>(p->op);
    result = rw.create<MatMulOp>(loc, resultType, ValueRange{mm.getLhs(), nw});
    result = rw.create<AddOp>(loc, resultType, ValueRange{result, nb});
  }
  rw.replaceOp(replaced, result);
  if (p->biasAdd && p->biasAdd != replaced && p->biasAdd->use_empty())
    rw.eraseOp(p->biasAdd);
  if (p->op != replaced && p->op->use_empty())
    rw.eraseOp(p->op);
  return success();
}

} // namespace kiln
