//===- Signal.cpp - ONNX DFT, STFT, Det, Col2Im ---------------------------===//
//
// Imports into the ops of ir/include/kiln/ir/KilnSignalOps.td. Omitted
// optional inputs become empty tensors; DFT's axis (an attribute before
// opset 20, default 1; an input since, default -2) is always an operand.
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"

namespace kiln::onnx::detail {
namespace {

Value emptyOf(Node &n, Type elt) {
  auto type = RankedTensorType::get({0}, elt);
  return n.im.b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
}

LogicalResult push(Value v, SmallVectorImpl<Value> &out) {
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importDFT(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!n.input(0))
    return emitError(n.loc) << "DFT needs an input";
  Value length = n.input(1) ? n.input(1) : emptyOf(n, b.getI64Type());
  Value axis;
  if (n.opset >= 20)
    axis = n.input(2) ? n.input(2) : n.im.constI64(n.loc, {-2});
  else
    axis = n.im.constI64(n.loc, {n.getInt("axis", 1)});
  return push(n.im.create1<DFTOp>(
                  n.loc, {n.inputs[0], length, axis},
                  {b.getNamedAttr("inverse", b.getBoolAttr(n.getInt("inverse", 0) != 0)),
                   b.getNamedAttr("onesided", b.getBoolAttr(n.getInt("onesided", 0) != 0))}),
              out);
}

LogicalResult importSTFT(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!n.input(0) || !n.input(1))
    return emitError(n.loc) << "STFT needs signal and frame_step";
  if (!n.input(2) && !n.input(3))
    return emitError(n.loc) << "STFT needs a window or a frame_length";
  Type elt = cast<ShapedType>(n.inputs[0].getType()).getElementType();
  Value window = n.input(2) ? n.input(2) : emptyOf(n, elt);
  Value length = n.input(3) ? n.input(3) : emptyOf(n, b.getI64Type());
  return push(n.im.create1<STFTOp>(
                  n.loc, {n.inputs[0], n.inputs[1], window, length},
                  {b.getNamedAttr("onesided", b.getBoolAttr(n.getInt("onesided", 1) != 0))}),
              out);
}

LogicalResult importCol2Im(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  for (size_t i = 0; i < 3; ++i)
    if (!n.input(i))
      return emitError(n.loc) << "Col2Im needs input, image_shape and block_shape";
  SmallVector<NamedAttribute> attrs;
  for (StringRef name : {"dilations", "pads", "strides"})
    if (auto v = n.getInts(name))
      attrs.push_back(b.getNamedAttr(name, b.getDenseI64ArrayAttr(*v)));
  return push(n.im.create1<Col2ImOp>(n.loc, {n.inputs[0], n.inputs[1], n.inputs[2]}, attrs), out);
}

LogicalResult importMelWeightMatrix(Node &n, SmallVectorImpl<Value> &out) {
  for (size_t i = 0; i < 5; ++i)
    if (!n.input(i))
      return emitError(n.loc) << "MelWeightMatrix needs its five inputs";
  Type to = elementType(&n.im.ctx, (int32_t)n.getInt("output_datatype", 1));
  if (!to)
    return emitError(n.loc) << "MelWeightMatrix output_datatype " << n.getInt("output_datatype", 1)
                            << " is not a supported element type";
  return push(n.im.create1<MelWeightMatrixOp>(n.loc, n.inputs,
                                              {n.im.b.getNamedAttr("to", TypeAttr::get(to))}),
              out);
}

} // namespace

void registerSignalOps(OpTable &t) {
  t["DFT"] = importDFT;
  t["STFT"] = importSTFT;
  t["Det"] = simple<DetOp>();
  t["Col2Im"] = importCol2Im;
  t["MelWeightMatrix"] = importMelWeightMatrix;
}

} // namespace kiln::onnx::detail
