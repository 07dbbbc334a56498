//===- KilnVerify.cpp - verifiers for what type inference cannot see ------===//
//
// Shapes, ranks and operand consistency are checked by type inference
// (KilnInfer.cpp); these verifiers check the attributes that do not shape the
// result: modes, ranges, the cast target.
//
//===----------------------------------------------------------------------===//
#include "kiln/ir/KilnDialect.h"

using namespace mlir;

namespace kiln {

LogicalResult ConstantOp::verify() {
  auto type = dyn_cast<RankedTensorType>(getValue().getShapedType());
  if (!type)
    return emitOpError("value must be a ranked tensor, got ") << getValue().getShapedType();
  if (!type.hasStaticShape())
    return emitOpError("value must have a static shape, got ") << type;
  if (getType() != type)
    return emitOpError("result type ") << getType() << " differs from the value's type " << type;
  return success();
}

LogicalResult ConstantOfShapeOp::verify() {
  if (auto v = getValueAttr()) {
    if (v.getShapedType().getNumElements() != 1)
      return emitOpError("value must hold exactly one element, got ") << v.getShapedType();
    if (v.getShapedType().getElementType() != getType().getElementType())
      return emitOpError("value element type ")
             << v.getShapedType().getElementType() << " differs from the result's "
             << getType().getElementType();
  }
  return success();
}

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be 'none' or 'tanh', got '") << getApproximate() << "'";
  return success();
}

LogicalResult ClipOp::verify() {
  if (!getBounds().empty()) {
    if (getBounds().size() != 2)
      return emitOpError("takes either no bound operands or two (min, max), got ")
             << getBounds().size();
    if (getMin() || getMax())
      return emitOpError("takes its bounds as attributes or as operands, not both");
    for (Value b : getBounds())
      if (auto t = dyn_cast<RankedTensorType>(b.getType());
          t && (t.getRank() > 1 || (t.hasStaticShape() && t.getNumElements() != 1)))
        return emitOpError("bound operands must be scalars (one element), got ") << b.getType();
  }
  if (getMin() && getMax() && getMin()->convertToDouble() > getMax()->convertToDouble())
    return emitOpError("min ") << getMin()->convertToDouble() << " is greater than max "
                               << getMax()->convertToDouble();
  return success();
}

template <typename OpT> static LogicalResult verifyReduce(OpT op) {
  if (op.getDynamicAxes() && op.getAxes())
    return op.emitOpError("takes its axes as the attribute or as an operand, not both");
  if (Value v = op.getDynamicAxes())
    if (auto t = dyn_cast<RankedTensorType>(v.getType()); t && t.getRank() != 1)
      return op.emitOpError("axes operand must be a 1-D tensor, got ") << v.getType();
  return success();
}
LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMinOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceProdOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceL1Op::verify() { return verifyReduce(*this); }
LogicalResult ReduceL2Op::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumSquareOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceLogSumExpOp::verify() { return verifyReduce(*this); }

template <typename OpT> static LogicalResult verifyDynamicAxes(OpT op) {
  if (op.getDynamicAxes() && op.getAxes())
    return op.emitOpError("takes its axes as the attribute or as an operand, not both");
  if (Value v = op.getDynamicAxes())
    if (auto t = dyn_cast<RankedTensorType>(v.getType()); t && t.getRank() != 1)
      return op.emitOpError("axes operand must be a 1-D tensor, got ") << v.getType();
  return success();
}
LogicalResult SqueezeOp::verify() { return verifyDynamicAxes(*this); }
LogicalResult UnsqueezeOp::verify() {
  if (!getDynamicAxes() && !getAxes())
    return emitOpError("needs axes (the attribute or an operand)");
  return verifyDynamicAxes(*this);
}

LogicalResult DropoutOp::verify() {
  double r = getRatio().convertToDouble();
  if (!(r >= 0.0 && r < 1.0))
    return emitOpError("ratio must be in [0, 1), got ") << r;
  return success();
}

LogicalResult CastOp::verify() {
  if (getTo() != getType().getElementType())
    return emitOpError("to ") << getTo() << " differs from the result element type "
                              << getType().getElementType();
  return success();
}

LogicalResult PadOp::verify() {
  StringRef m = getMode();
  if (m != "constant" && m != "reflect" && m != "edge" && m != "wrap")
    return emitOpError("mode must be constant, reflect, edge or wrap, got '") << m << "'";
  if (Value v = getConstantValue()) {
    auto vt = cast<ShapedType>(v.getType());
    if (vt.getElementType() != getInput().getType().getElementType())
      return emitOpError("constant_value element type ")
             << vt.getElementType() << " differs from the input's "
             << getInput().getType().getElementType();
    if (vt.hasRank() && (vt.getRank() > 1 || (vt.hasStaticShape() && vt.getNumElements() != 1)))
      return emitOpError("constant_value must be a scalar (0-D or one element), got ") << vt;
  }
  return success();
}

LogicalResult ResizeOp::verify() {
  StringRef mode = getMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOpError("mode must be nearest, linear or cubic, got '") << mode << "'";
  StringRef ctm = getCoordinateTransformationMode();
  if (ctm != "half_pixel" && ctm != "half_pixel_symmetric" && ctm != "pytorch_half_pixel" &&
      ctm != "align_corners" && ctm != "asymmetric" && ctm != "tf_crop_and_resize" &&
      ctm != "tf_half_pixel_for_nn")
    return emitOpError("unknown coordinate_transformation_mode '") << ctm << "'";
  StringRef nm = getNearestMode();
  if (nm != "round_prefer_floor" && nm != "round_prefer_ceil" && nm != "floor" && nm != "ceil")
    return emitOpError("unknown nearest_mode '") << nm << "'";
  return success();
}

static LogicalResult verifyEpsilon(Operation *op, APFloat eps) {
  double e = eps.convertToDouble();
  if (!(e >= 0.0))
    return op->emitOpError("epsilon must be non-negative, got ") << e;
  return success();
}

LogicalResult BatchNormOp::verify() { return verifyEpsilon(*this, getEpsilon()); }
LogicalResult LayerNormOp::verify() { return verifyEpsilon(*this, getEpsilon()); }
LogicalResult GroupNormOp::verify() { return verifyEpsilon(*this, getEpsilon()); }
LogicalResult InstanceNormOp::verify() { return verifyEpsilon(*this, getEpsilon()); }

LogicalResult CustomOp::verify() {
  if (getDomain().empty())
    return emitOpError("domain must not be empty");
  if (getDomain() == "ai.onnx")
    return emitOpError("domain 'ai.onnx' is the standard ONNX domain, not a custom one");
  if (getOpType().empty())
    return emitOpError("op_type must not be empty");
  if (auto attrs = getNodeAttrsAttr()) {
    for (NamedAttribute na : attrs) {
      Attribute v = na.getValue();
      bool ok = isa<IntegerAttr, FloatAttr, StringAttr, DenseI64ArrayAttr, DenseF32ArrayAttr,
                    DenseF64ArrayAttr, ElementsAttr>(v);
      if (auto list = dyn_cast<ArrayAttr>(v))
        ok = llvm::all_of(list, [](Attribute e) { return isa<StringAttr>(e); });
      if (!ok)
        return emitOpError("attribute '")
               << na.getName().getValue()
               << "' must be an integer, float, string, int/float/string list or tensor, got "
               << v;
    }
  }
  return success();
}

} // namespace kiln
