//===- Norm.cpp - ONNX LRN ------------------------------------------------===//
//
// LRN (opset 1 and 13: the same attributes) maps one to one onto kiln.lrn
// (ir/include/kiln/ir/KilnNormOps.td), which keeps ONNX's alpha / size and
// its asymmetric channel window for even sizes.
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"

namespace kiln::onnx::detail {
namespace {

LogicalResult importLrn(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
  if (!t || !isa<FloatType>(t.getElementType()))
    return emitError(n.loc) << "LRN needs a floating-point input, got " << n.inputs[0].getType();
  if (!n.attr("size"))
    return emitError(n.loc) << "LRN needs the size attribute";
  int64_t size = n.getInt("size", 0);
  if (size < 1)
    return emitError(n.loc) << "LRN size must be at least 1, got " << size;
  Value v = n.im.create1<LrnOp>(n.loc, n.inputs[0],
                                {b.getNamedAttr("size", b.getI64IntegerAttr(size)),
                                 b.getNamedAttr("alpha", b.getF32FloatAttr(n.getFloat("alpha", 1e-4f))),
                                 b.getNamedAttr("beta", b.getF32FloatAttr(n.getFloat("beta", 0.75f))),
                                 b.getNamedAttr("bias", b.getF32FloatAttr(n.getFloat("bias", 1.0f)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

} // namespace

void registerNormOps(OpTable &t) { t["LRN"] = importLrn; }

} // namespace kiln::onnx::detail
