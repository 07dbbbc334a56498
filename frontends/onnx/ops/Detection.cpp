//===- Detection.cpp - ONNX RoiAlign, MaxUnpool, AffineGrid ---------------===//
//
// Imports into the ops of ir/include/kiln/ir/KilnDetectionOps.td.
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"

namespace kiln::onnx::detail {
namespace {

LogicalResult push(Value v, SmallVectorImpl<Value> &out) {
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importRoiAlign(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  for (size_t i = 0; i < 3; ++i)
    if (!n.input(i))
      return emitError(n.loc) << "RoiAlign needs X, rois and batch_indices";
  // Opset 10 had no coordinate_transformation_mode and behaved as output_half_pixel.
  std::string ct = n.getString("coordinate_transformation_mode",
                               n.opset >= 16 ? "half_pixel" : "output_half_pixel");
  return push(n.im.create1<RoiAlignOp>(
                  n.loc, {n.inputs[0], n.inputs[1], n.inputs[2]},
                  {b.getNamedAttr("mode", b.getStringAttr(n.getString("mode", "avg"))),
                   b.getNamedAttr("coordinate_transformation_mode", b.getStringAttr(ct)),
                   b.getNamedAttr("output_height", b.getI64IntegerAttr(n.getInt("output_height", 1))),
                   b.getNamedAttr("output_width", b.getI64IntegerAttr(n.getInt("output_width", 1))),
                   b.getNamedAttr("sampling_ratio", b.getI64IntegerAttr(n.getInt("sampling_ratio", 0))),
                   b.getNamedAttr("spatial_scale", b.getF64FloatAttr(n.getFloat("spatial_scale", 1.0f)))}),
              out);
}

LogicalResult importMaxUnpool(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!n.input(0) || !n.input(1))
    return emitError(n.loc) << "MaxUnpool needs X and I";
  auto kernel = n.getInts("kernel_shape");
  if (!kernel)
    return emitError(n.loc) << "MaxUnpool needs kernel_shape";
  Value shape = n.input(2);
  if (!shape) {
    auto type = RankedTensorType::get({0}, b.getI64Type());
    shape = b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
  }
  SmallVector<NamedAttribute> attrs{b.getNamedAttr("kernel_shape", b.getDenseI64ArrayAttr(*kernel))};
  for (StringRef name : {"pads", "strides"})
    if (auto v = n.getInts(name))
      attrs.push_back(b.getNamedAttr(name, b.getDenseI64ArrayAttr(*v)));
  return push(n.im.create1<MaxUnpoolOp>(n.loc, {n.inputs[0], n.inputs[1], shape}, attrs), out);
}

LogicalResult importAffineGrid(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!n.input(0) || !n.input(1))
    return emitError(n.loc) << "AffineGrid needs theta and size";
  return push(n.im.create1<AffineGridOp>(
                  n.loc, {n.inputs[0], n.inputs[1]},
                  {b.getNamedAttr("align_corners", b.getBoolAttr(n.getInt("align_corners", 0) != 0))}),
              out);
}

LogicalResult importDeformConv(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  for (size_t i = 0; i < 3; ++i)
    if (!n.input(i))
      return emitError(n.loc) << "DeformConv needs X, W and offset";
  Type elt = cast<ShapedType>(n.inputs[0].getType()).getElementType();
  SmallVector<Value> operands{n.inputs[0], n.inputs[1], n.inputs[2]};
  for (size_t i = 3; i < 5; ++i) {
    Value v = n.input(i);
    if (!v) {
      auto type = RankedTensorType::get({0}, elt);
      v = b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
    }
    operands.push_back(v);
  }
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("group", b.getI64IntegerAttr(n.getInt("group", 1))),
      b.getNamedAttr("offset_group", b.getI64IntegerAttr(n.getInt("offset_group", 1)))};
  for (StringRef name : {"dilations", "pads", "strides"})
    if (auto v = n.getInts(name))
      attrs.push_back(b.getNamedAttr(name, b.getDenseI64ArrayAttr(*v)));
  return push(n.im.create1<DeformConvOp>(n.loc, operands, attrs), out);
}

} // namespace

void registerDetectionOps(OpTable &t) {
  t["RoiAlign"] = importRoiAlign;
  t["MaxUnpool"] = importMaxUnpool;
  t["AffineGrid"] = importAffineGrid;
  t["DeformConv"] = importDeformConv;
}

} // namespace kiln::onnx::detail
