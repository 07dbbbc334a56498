//===- OnnxImporter.cpp - ONNX models to kiln IR --------------------------===//
//
// Structure: Importer walks the graph in order and keeps a name -> Value map;
// each ONNX op type has an import function in the table at the bottom that
// reads its attributes and inputs for the model's opset and creates kiln ops.
// Adding an op is one function and one table line.
//
//===----------------------------------------------------------------------===//
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/onnx/ExternalData.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/ir/Resources.h"
#include "kiln/onnx/OnnxProto.h"
#include "kiln/support/MappedFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

#include <functional>

using namespace mlir;

#include "ImporterInternal.h"
#include "llvm/ADT/ScopeExit.h"

namespace kiln::onnx {
namespace detail {

/// MLIR element type of an ONNX TensorProto data type, or null.
Type elementType(MLIRContext *ctx, int32_t dt) {
  Builder b(ctx);
  switch (dt) {
  case TensorProto::FLOAT: return b.getF32Type();
  case TensorProto::DOUBLE: return b.getF64Type();
  case TensorProto::FLOAT16: return b.getF16Type();
  case TensorProto::BFLOAT16: return b.getBF16Type();
  case TensorProto::INT8: return b.getIntegerType(8);
  case TensorProto::INT16: return b.getIntegerType(16);
  case TensorProto::INT32: return b.getIntegerType(32);
  case TensorProto::INT64: return b.getIntegerType(64);
  case TensorProto::UINT8: return b.getIntegerType(8, false);
  case TensorProto::UINT16: return b.getIntegerType(16, false);
  case TensorProto::UINT32: return b.getIntegerType(32, false);
  case TensorProto::UINT64: return b.getIntegerType(64, false);
  case TensorProto::BOOL: return b.getI1Type();
  default: return {};
  }
}

FailureOr<Type> Importer::valueType(const ValueInfoProto &vi, ArrayAttr *dimNames) {
  const TypeProto &t = vi.type;
  if (t.kind != TypeProto::Kind::Tensor)
    return fail("graph value '" + std::string(vi.name) +
                "' is not a tensor (sequences, maps and optionals are not supported yet)");
  Type elt = elementType(&ctx, t.elem_type);
  if (!elt)
    return fail("graph value '" + std::string(vi.name) + "' has unsupported element type " +
                dataTypeName(t.elem_type));
  if (!t.has_shape)
    return Type(UnrankedTensorType::get(elt));
  SmallVector<int64_t> shape;
  SmallVector<Attribute> names;
  bool anyName = false;
  for (const auto &d : t.shape.dim) {
    if (d.kind == TensorShapeProto::Dimension::Value && d.dim_value >= 0) {
      shape.push_back(d.dim_value);
      names.push_back(b.getStringAttr(""));
    } else {
      shape.push_back(ShapedType::kDynamic);
      names.push_back(b.getStringAttr(std::string(d.dim_param)));
      anyName |= !d.dim_param.empty();
    }
  }
  // No tensor of these dims can exist: refuse them before any op multiplies
  // them (element counts, strides and byte sizes are int64 everywhere).
  int64_t count = 1;
  bool empty = llvm::is_contained(shape, 0);
  for (int64_t d : shape)
    if (!empty && d != ShapedType::kDynamic && llvm::MulOverflow(count, d, count))
      return fail("graph value '" + std::string(vi.name) +
                  "' has dims whose product overflows int64");
  if (dimNames && anyName)
    *dimNames = b.getArrayAttr(names);
  return Type(RankedTensorType::get(shape, elt));
}

FailureOr<Value> Importer::importTensor(const TensorProto &t, Location loc) {
  Type elt = elementType(&ctx, t.data_type);
  if (!elt)
    return fail("tensor '" + std::string(t.name) + "' has unsupported data type " +
                dataTypeName(t.data_type));
  auto count = numElements(t);
  if (!count)
    return fail("tensor '" + std::string(t.name) + "' has invalid dims");
  for (int64_t d : t.dims)
    if (d < 0)
      return fail("tensor '" + std::string(t.name) + "' has a negative dim");
  auto type = RankedTensorType::get(SmallVector<int64_t>(t.dims.begin(), t.dims.end()), elt);
  std::string name = t.name.empty() ? "tensor" : std::string(t.name);
  if (t.data_location == TensorProto::EXTERNAL) {
    // Side files are mapped, never read: the weights stay in the page cache.
    if (!external)
      external = std::make_unique<ExternalDataResolver>(path);
    Bytes bytes;
    std::shared_ptr<const void> owner;
    std::string err;
    if (!external->resolve(t, bytes, owner, err))
      return fail(err);
    Attribute value = makeMappedResource(type, name, bytes.data, bytes.size, owner);
    return Value(b.create<ConstantOp>(loc, type, cast<ElementsAttr>(value)));
  }
  std::vector<uint8_t> storage;
  Bytes bytes;
  std::string err;
  if (!tensorData(t, storage, bytes, err))
    return fail("tensor '" + std::string(t.name) + "': " + err);
  Attribute value;
  // (bool is one byte per element in ONNX raw data and in kiln blobs alike.)
  if (storage.empty() && bytes.size >= 64) {
    // Large raw data: point at the mapped file, no copy.
    value = makeMappedResource(type, name, bytes.data, bytes.size, file);
  } else {
    value = makeOwnedResource(type, name,
                              ArrayRef<char>(reinterpret_cast<const char *>(bytes.data), bytes.size));
    // Small tensors (shapes, axes, scalars) are easier to read and fold as
    // dense attributes.
    if (auto c = readConstant(value, 1 << 12))
      value = makeConstant(type, *c);
  }
  return Value(b.create<ConstantOp>(loc, type, cast<ElementsAttr>(value)));
}

/// A constant input that must be known at compile time (Clip bounds, axes...).
std::optional<SmallVector<int64_t>> constInts(Node &n, size_t i) {
  Value v = n.input(i);
  if (!v)
    return std::nullopt;
  return getConstantInts(v);
}
std::optional<double> constScalar(Node &n, size_t i) {
  Value v = n.input(i);
  Attribute a;
  if (!v || !matchPattern(v, m_Constant(&a)))
    return std::nullopt;
  auto c = readConstant(a);
  if (!c || c->size() != 1)
    return std::nullopt;
  return c->asDouble(0);
}

LogicalResult needConst(Node &n, StringRef what) {
  return emitError(n.loc) << what
                           << " computed at run time is not supported yet (it must be a constant:"
                              " an initializer or a Constant node)";
}

} // namespace detail

namespace {
using namespace detail;

// --- op import functions ----------------------------------------------------

template <typename OpT>
ImportFn reduction(int64_t axesInputSince) {
  return [axesInputSince](Node &n, SmallVectorImpl<Value> &out) {
    SmallVector<NamedAttribute> a{
        n.im.b.getNamedAttr("keepdims", n.im.b.getBoolAttr(n.getInt("keepdims", 1) != 0))};
    std::optional<SmallVector<int64_t>> axes;
    SmallVector<Value> operands{n.inputs[0]};
    if (n.opset >= axesInputSince) {
      if (n.input(1) && !(axes = constInts(n, 1))) {
        // Run-time axes: the kiln op's axes operand (1-D i64).
        auto t = dyn_cast<ShapedType>(n.input(1).getType());
        if (!t || !t.getElementType().isInteger(64))
          return LogicalResult(emitError(n.loc) << "axes must be an int64 tensor");
        operands.push_back(n.input(1));
      }
      a.push_back(n.im.b.getNamedAttr("noop_with_empty_axes",
                                      n.im.b.getBoolAttr(n.getInt("noop_with_empty_axes", 0))));
    } else {
      axes = n.getInts("axes");
    }
    if (axes)
      a.push_back(n.im.b.getNamedAttr("axes", n.im.b.getDenseI64ArrayAttr(*axes)));
    Value v = n.im.create1<OpT>(n.loc, operands, a);
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

template <typename OpT>
ImportFn argReduce() {
  return [](Node &n, SmallVectorImpl<Value> &out) {
    auto &b = n.im.b;
    Value v = n.im.create1<OpT>(
        n.loc, n.inputs[0],
        {b.getNamedAttr("axis", b.getI64IntegerAttr(n.getInt("axis", 0))),
         b.getNamedAttr("keepdims", b.getBoolAttr(n.getInt("keepdims", 1) != 0)),
         b.getNamedAttr("select_last_index", b.getBoolAttr(n.getInt("select_last_index", 0)))});
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

/// conv/pool attributes shared by Conv, ConvTranspose, MaxPool, AveragePool.
/// `names` are the list attributes the kiln op defines.
SmallVector<NamedAttribute> windowAttrs(Node &n, ArrayRef<StringRef> names) {
  auto &b = n.im.b;
  SmallVector<NamedAttribute> a;
  for (StringRef name : names)
    if (auto v = n.getInts(name))
      a.push_back(b.getNamedAttr(name, b.getDenseI64ArrayAttr(*v)));
  a.push_back(b.getNamedAttr("auto_pad", b.getStringAttr(n.getString("auto_pad", "NOTSET"))));
  return a;
}

template <typename OpT>
ImportFn conv() {
  return [](Node &n, SmallVectorImpl<Value> &out) {
    auto &b = n.im.b;
    auto a = windowAttrs(n, {"strides", "pads", "dilations", "output_padding", "output_shape"});
    // kernel_shape is implied by the weight; a contradicting one is an error.
    auto w = dyn_cast<RankedTensorType>(n.input(1).getType());
    if (auto k = n.getInts("kernel_shape"); k && w && w.getRank() >= 2) {
      auto spatial = w.getShape().drop_front(2);
      if (k->size() != spatial.size() ||
          !llvm::all_of(llvm::zip(*k, spatial), [](auto p) {
            return ShapedType::isDynamic(std::get<1>(p)) || std::get<0>(p) == std::get<1>(p);
          }))
        return LogicalResult(emitError(n.loc) << "kernel_shape does not match the weight shape "
                                              << n.input(1).getType());
    }
    if (!std::is_same_v<OpT, ConvTransposeOp>)
      llvm::erase_if(a, [](NamedAttribute x) {
        return x.getName() == "output_padding" || x.getName() == "output_shape";
      });
    a.push_back(b.getNamedAttr("group", b.getI64IntegerAttr(n.getInt("group", 1))));
    SmallVector<Value> operands{n.input(0), n.input(1)};
    if (n.input(2))
      operands.push_back(n.input(2));
    Value v = n.im.create1<OpT>(n.loc, operands, a);
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

template <typename OpT>
ImportFn pool(bool isMax) {
  return [isMax](Node &n, SmallVectorImpl<Value> &out) {
    auto &b = n.im.b;
    if (isMax && n.proto.output.size() > 1 && !n.proto.output[1].empty())
      return LogicalResult(emitError(n.loc) << "MaxPool's Indices output is not supported");
    if (isMax && n.getInt("storage_order", 0) != 0)
      return LogicalResult(emitError(n.loc) << "MaxPool storage_order=1 is not supported");
    if (!n.attr("kernel_shape"))
      return LogicalResult(emitError(n.loc) << "the kernel_shape attribute is required");
    auto a = windowAttrs(n, {"kernel_shape", "strides", "pads", "dilations"});
    a.push_back(b.getNamedAttr("ceil_mode", b.getBoolAttr(n.getInt("ceil_mode", 0))));
    a.push_back(
        b.getNamedAttr("count_include_pad", b.getBoolAttr(n.getInt("count_include_pad", 0))));
    Value v = n.im.create1<OpT>(n.loc, n.inputs[0], a);
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

template <typename OpT>
ImportFn withFloatAttrs(std::vector<std::pair<const char *, float>> defaults) {
  return [defaults](Node &n, SmallVectorImpl<Value> &out) {
    SmallVector<NamedAttribute> a;
    for (auto &[name, def] : defaults)
      a.push_back(n.im.b.getNamedAttr(name, n.im.b.getF32FloatAttr(n.getFloat(name, def))));
    Value v = n.im.create1<OpT>(n.loc, n.inputs[0], a);
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

template <typename OpT>
ImportFn softmax() {
  return [](Node &n, SmallVectorImpl<Value> &out) {
    int64_t axis = n.getInt("axis", n.opset >= 13 ? -1 : 1);
    auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
    if (n.opset < 13) {
      // Softmax-1/11 flattens to 2-D at axis; that equals kiln's softmax
      // only when axis is the last dim.
      if (!t)
        return LogicalResult(emitError(n.loc)
                             << n.proto.op_type << " before opset 13 needs an input of known rank");
      int64_t rank = t.getRank();
      if (axis < -rank || axis >= rank)
        return LogicalResult(emitError(n.loc) << n.proto.op_type << " axis " << axis
                                              << " out of range for rank " << rank);
      int64_t norm = axis < 0 ? axis + rank : axis;
      if (norm != rank - 1) {
        // Not the last dim: flatten to 2-D at axis, normalize the rows, and
        // restore the input's shape.
        auto &b = n.im.b;
        Value flat = n.im.create1<FlattenOp>(n.loc, n.inputs[0],
                                             {b.getNamedAttr("axis", b.getI64IntegerAttr(norm))});
        Value sm = flat ? n.im.create1<OpT>(n.loc, flat, {b.getNamedAttr("axis", b.getI64IntegerAttr(1))})
                        : Value();
        Value shape = sm ? n.im.create1<ShapeOp>(n.loc, n.inputs[0],
                                                 {b.getNamedAttr("start", b.getI64IntegerAttr(0))})
                         : Value();
        Value v = shape ? n.im.create1<ReshapeOp>(n.loc, {sm, shape},
                                                  {b.getNamedAttr("allowzero", b.getBoolAttr(true))})
                        : Value();
        if (!v)
          return failure();
        out.push_back(v);
        return success();
      }
    }
    Value v = n.im.create1<OpT>(n.loc, n.inputs[0],
                                {n.im.b.getNamedAttr("axis", n.im.b.getI64IntegerAttr(axis))});
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

LogicalResult importClip(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  SmallVector<NamedAttribute> a;
  std::optional<double> lo, hi;
  if (n.opset < 11) {
    if (n.attr("min"))
      lo = n.getFloat("min", 0);
    if (n.attr("max"))
      hi = n.getFloat("max", 0);
  } else {
    bool dynLo = n.input(1) && !(lo = constScalar(n, 1));
    bool dynHi = n.input(2) && !(hi = constScalar(n, 2));
    if (dynLo || dynHi) {
      // Run-time bounds: kiln.clip takes both as scalar operands; a missing
      // or constant one becomes a constant of the input's type (an absent
      // bound is the type's extreme, which clips nothing).
      auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
      if (!t)
        return LogicalResult(emitError(n.loc) << "Clip input must be a tensor");
      Type elt = t.getElementType();
      auto scalar = RankedTensorType::get({}, elt);
      auto bound = [&](size_t i, bool upper) -> Value {
        if (Value v = n.input(i))
          return v;
        Attribute e;
        if (auto ft = dyn_cast<FloatType>(elt))
          e = FloatAttr::get(ft, APFloat::getInf(ft.getFloatSemantics(), !upper));
        else {
          unsigned w = elt.getIntOrFloatBitWidth();
          bool sgn = !elt.isUnsignedInteger();
          APInt x = upper ? (sgn ? APInt::getSignedMaxValue(w) : APInt::getMaxValue(w))
                          : (sgn ? APInt::getSignedMinValue(w) : APInt::getMinValue(w));
          e = IntegerAttr::get(elt, x);
        }
        return b.create<ConstantOp>(n.loc, scalar, DenseElementsAttr::get(scalar, e));
      };
      Value l = bound(1, false), h = bound(2, true);
      Value v = n.im.create1<ClipOp>(n.loc, {n.inputs[0], l, h}, {});
      if (!v)
        return failure();
      out.push_back(v);
      return success();
    }
  }
  if (lo)
    a.push_back(b.getNamedAttr("min", b.getF64FloatAttr(*lo)));
  if (hi)
    a.push_back(b.getNamedAttr("max", b.getF64FloatAttr(*hi)));
  Value v = n.im.create1<ClipOp>(n.loc, n.inputs[0], a);
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importDropout(Node &n, SmallVectorImpl<Value> &out) {
  bool wantMask = n.proto.output.size() > 1 && !n.proto.output[1].empty();
  if (wantMask && n.opset < 12)
    return emitError(n.loc) << "Dropout's mask output before opset 12 is not supported";
  float ratio = n.getFloat("ratio", 0.5f);
  if (n.opset >= 12) {
    if (n.input(2)) {
      auto training = constScalar(n, 2);
      if (!training)
        return needConst(n, "Dropout training_mode");
      if (*training != 0)
        return emitError(n.loc) << "Dropout with training_mode=true is not supported";
    }
    if (n.input(1)) {
      // At inference any ratio is the identity: a run-time ratio is ignored.
      if (auto r = constScalar(n, 1))
        ratio = (float)*r;
    }
  }
  Value v = n.im.create1<DropoutOp>(n.loc, n.inputs[0],
                                    {n.im.b.getNamedAttr("ratio", n.im.b.getF32FloatAttr(ratio))});
  if (!v)
    return failure();
  out.push_back(v);
  if (wantMask) { // inference: the mask is all true, of the input's shape
    auto &b = n.im.b;
    auto one = RankedTensorType::get({1}, b.getI1Type());
    Value shape = n.im.create1<ShapeOp>(n.loc, n.inputs[0], {b.getNamedAttr("start", b.getI64IntegerAttr(0))});
    Value mask = shape ? n.im.create1<ConstantOfShapeOp>(
                             n.loc, shape, {b.getNamedAttr("value", DenseElementsAttr::get(one, true))})
                       : Value();
    if (!mask)
      return failure();
    out.push_back(mask);
  }
  return success();
}

LogicalResult importGelu(Node &n, SmallVectorImpl<Value> &out) {
  Value v = n.im.create1<GeluOp>(
      n.loc, n.inputs[0],
      {n.im.b.getNamedAttr("approximate",
                           n.im.b.getStringAttr(n.getString("approximate", "none")))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importCast(Node &n, SmallVectorImpl<Value> &out) {
  Type to = elementType(&n.im.ctx, (int32_t)n.getInt("to", 0));
  if (!to)
    return emitError(n.loc) << "Cast to data type "
                            << dataTypeName((int32_t)n.getInt("to", 0)) << " is not supported";
  Value v = n.im.create1<CastOp>(n.loc, n.inputs[0],
                                 {n.im.b.getNamedAttr("to", TypeAttr::get(to))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importMod(Node &n, SmallVectorImpl<Value> &out) {
  bool fmod = n.getInt("fmod", 0) != 0;
  auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
  if (t && isa<FloatType>(t.getElementType()) && !fmod)
    return emitError(n.loc) << "Mod of floating-point inputs needs fmod=1";
  if (!n.input(1))
    return emitError(n.loc) << "Mod needs two inputs";
  Value v = n.im.create1<ModOp>(n.loc, {n.inputs[0], n.inputs[1]},
                                {n.im.b.getNamedAttr("fmod", n.im.b.getBoolAttr(fmod))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

/// Mean: the sum of the inputs divided by their count (float inputs).
LogicalResult importMean(Node &n, SmallVectorImpl<Value> &out) {
  SmallVector<Value> sum;
  if (failed(variadic<AddOp>()(n, sum)))
    return failure();
  auto t = dyn_cast<ShapedType>(sum[0].getType());
  auto ft = t ? dyn_cast<FloatType>(t.getElementType()) : FloatType();
  if (!ft)
    return emitError(n.loc) << "Mean of non-floating-point inputs is not supported";
  if (n.inputs.size() == 1) {
    out.push_back(sum[0]);
    return success();
  }
  auto scalar = RankedTensorType::get({}, ft);
  Value count = n.im.b.create<ConstantOp>(
      n.loc, scalar, DenseElementsAttr::get(scalar, FloatAttr::get(ft, (double)n.inputs.size())));
  Value v = n.im.create1<DivOp>(n.loc, {sum[0], count});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importCastLike(Node &n, SmallVectorImpl<Value> &out) {
  if (!n.input(1))
    return emitError(n.loc) << "CastLike needs a target_type input";
  Type to = cast<ShapedType>(n.inputs[1].getType()).getElementType();
  Value v = n.im.create1<CastOp>(n.loc, n.inputs[0], {n.im.b.getNamedAttr("to", TypeAttr::get(to))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

/// Resize-11/13/18/19 (roi, scales, sizes inputs; axes and
/// keep_aspect_ratio_policy from 18): constant scales become the `scales`
/// attribute, sizes the operand.
LogicalResult importResize(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (n.opset < 11)
    return emitError(n.loc) << "Resize before opset 11 is not supported yet";
  std::string ctm = n.getString("coordinate_transformation_mode", "half_pixel");
  if (ctm == "tf_crop_and_resize")
    return emitError(n.loc) << "Resize with coordinate_transformation_mode tf_crop_and_resize (roi) "
                               "is not supported yet";
  if (n.getInt("antialias", 0) != 0)
    return emitError(n.loc) << "Resize with antialias=1 is not supported yet";
  std::string policy = n.getString("keep_aspect_ratio_policy", "stretch");
  auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
  if (!t)
    return emitError(n.loc) << "Resize needs an input of known rank";
  int64_t rank = t.getRank();
  SmallVector<int64_t> axes;
  if (auto a = n.getInts("axes")) {
    for (int64_t x : *a) {
      if (x < -rank || x >= rank)
        return emitError(n.loc) << "Resize axis " << x << " out of range";
      axes.push_back(x < 0 ? x + rank : x);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  auto isEmpty = [](Value v) {
    auto st = dyn_cast<RankedTensorType>(v.getType());
    return st && st.hasStaticShape() && st.getNumElements() == 0;
  };
  Value scalesIn = n.input(2), sizesIn = n.input(3);
  if (scalesIn && isEmpty(scalesIn))
    scalesIn = Value();
  if (sizesIn && isEmpty(sizesIn))
    sizesIn = Value();
  if (!scalesIn == !sizesIn)
    return emitError(n.loc) << "Resize needs exactly one of scales and sizes";
  SmallVector<NamedAttribute> a{
      b.getNamedAttr("mode", b.getStringAttr(n.getString("mode", "nearest"))),
      b.getNamedAttr("coordinate_transformation_mode", b.getStringAttr(ctm)),
      b.getNamedAttr("nearest_mode", b.getStringAttr(n.getString("nearest_mode", "round_prefer_floor"))),
      b.getNamedAttr("cubic_coeff_a", b.getF32FloatAttr(n.getFloat("cubic_coeff_a", -0.75f))),
      b.getNamedAttr("exclude_outside", b.getBoolAttr(n.getInt("exclude_outside", 0) != 0)),
      b.getNamedAttr("extrapolation_value", b.getF32FloatAttr(n.getFloat("extrapolation_value", 0)))};
  SmallVector<Value> operands{n.inputs[0]};
  // A per-axis vector v (scales or sizes) spread over all dims, each other
  // dim taking fill(i): built with kiln ops when v is a run-time value.
  auto spread = [&](Value v, function_ref<Value(int64_t)> fill) -> Value {
    if (axes.size() == (size_t)rank && llvm::all_of(llvm::enumerate(axes), [](auto p) {
          return (int64_t)p.index() == p.value();
        }))
      return v;
    SmallVector<Value> pieces;
    for (int64_t i = 0; i < rank; ++i) {
      auto it = llvm::find(axes, i);
      Value piece = it == axes.end()
                        ? fill(i)
                        : n.im.create1<GatherOp>(n.loc, {v, n.im.constI64(n.loc, {it - axes.begin()})},
                                                 {b.getNamedAttr("axis", b.getI64IntegerAttr(0))});
      if (!piece)
        return Value();
      pieces.push_back(piece);
    }
    return n.im.create1<ConcatOp>(n.loc, pieces, {b.getNamedAttr("axis", b.getI64IntegerAttr(0))});
  };
  if (scalesIn) {
    Attribute c;
    std::optional<ConstTensor> sc;
    if (matchPattern(scalesIn, m_Constant(&c)) && (sc = readConstant(c))) {
      if ((size_t)sc->size() != axes.size())
        return emitError(n.loc) << "Resize scales has " << sc->size() << " values for "
                                << axes.size() << " axes";
      SmallVector<float> full(rank, 1.0f);
      for (size_t i = 0; i < axes.size(); ++i)
        full[axes[i]] = (float)sc->asDouble(i);
      a.push_back(b.getNamedAttr("scales", b.getDenseF32ArrayAttr(full)));
    } else {
      auto st = dyn_cast<ShapedType>(scalesIn.getType());
      if (!st || !st.getElementType().isF32())
        return emitError(n.loc) << "Resize scales must be a float tensor";
      auto one = RankedTensorType::get({1}, b.getF32Type());
      Value full = spread(scalesIn, [&](int64_t) -> Value {
        return b.create<ConstantOp>(n.loc, one, DenseElementsAttr::get(one, 1.0f));
      });
      if (!full)
        return failure();
      operands.push_back(full);
    }
  } else {
    if (policy != "stretch")
      // The kernel derives per-axis scales from the sizes; the policy's one
      // common scale is not representable yet.
      return emitError(n.loc) << "Resize keep_aspect_ratio_policy " << policy
                              << " is not supported yet";
    auto st = dyn_cast<ShapedType>(sizesIn.getType());
    if (!st || !st.getElementType().isInteger(64))
      return emitError(n.loc) << "Resize sizes must be an int64 tensor";
    Value full = spread(sizesIn, [&](int64_t i) -> Value {
      return n.im.create1<ShapeOp>(n.loc, n.inputs[0],
                                   {b.getNamedAttr("start", b.getI64IntegerAttr(i)),
                                    b.getNamedAttr("end", b.getI64IntegerAttr(i + 1))});
    });
    if (!full)
      return failure();
    operands.push_back(full);
  }
  Value v = n.im.create1<ResizeOp>(n.loc, operands, a);
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

/// ReduceLogSum = log(ReduceSum) (float inputs).
LogicalResult importReduceLogSum(Node &n, SmallVectorImpl<Value> &out) {
  auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
  if (!t || !isa<FloatType>(t.getElementType()))
    return emitError(n.loc) << "ReduceLogSum of non-floating-point inputs is not supported";
  SmallVector<Value> sum;
  if (failed(reduction<ReduceSumOp>(18)(n, sum)))
    return failure();
  Value v = n.im.create1<LogOp>(n.loc, sum[0]);
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

/// ThresholdedRelu: x > alpha ? x : 0 (float inputs).
LogicalResult importThresholdedRelu(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
  auto ft = t ? dyn_cast<FloatType>(t.getElementType()) : FloatType();
  if (!ft)
    return emitError(n.loc) << "ThresholdedRelu of non-floating-point inputs is not supported";
  auto scalar = RankedTensorType::get({}, ft);
  Value alpha = b.create<ConstantOp>(
      n.loc, scalar, DenseElementsAttr::get(scalar, FloatAttr::get(ft, (double)n.getFloat("alpha", 1.0f))));
  Value zero = b.create<ConstantOp>(n.loc, scalar,
                                    DenseElementsAttr::get(scalar, FloatAttr::get(ft, 0.0)));
  Value cond = n.im.create1<GreaterOp>(n.loc, {n.inputs[0], alpha});
  Value v = cond ? n.im.create1<WhereOp>(n.loc, {cond, n.inputs[0], zero}) : Value();
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importReshape(Node &n, SmallVectorImpl<Value> &out) {
  Value shape = n.input(1);
  if (n.opset < 5 || !shape) {
    auto s = n.getInts("shape");
    if (!s)
      return emitError(n.loc) << "Reshape needs a shape";
    shape = n.im.constI64(n.loc, *s);
  }
  Value v = n.im.create1<ReshapeOp>(
      n.loc, {n.inputs[0], shape},
      {n.im.b.getNamedAttr("allowzero", n.im.b.getBoolAttr(n.getInt("allowzero", 0)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importFlatten(Node &n, SmallVectorImpl<Value> &out) {
  Value v = n.im.create1<FlattenOp>(
      n.loc, n.inputs[0], {n.im.b.getNamedAttr("axis", n.im.b.getI64IntegerAttr(n.getInt("axis", 1)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

template <typename OpT>
ImportFn squeezeLike(bool required) {
  return [required](Node &n, SmallVectorImpl<Value> &out) {
    std::optional<SmallVector<int64_t>> axes;
    SmallVector<Value> operands{n.inputs[0]};
    if (n.opset >= 13) {
      if (n.input(1) && !(axes = constInts(n, 1))) {
        // Run-time axes: the kiln op's axes operand (1-D i64).
        auto t = dyn_cast<ShapedType>(n.input(1).getType());
        if (!t || !t.getElementType().isInteger(64))
          return LogicalResult(emitError(n.loc) << "axes must be an int64 tensor");
        operands.push_back(n.input(1));
      }
    } else {
      axes = n.getInts("axes");
    }
    SmallVector<NamedAttribute> a;
    if (axes)
      a.push_back(n.im.b.getNamedAttr("axes", n.im.b.getDenseI64ArrayAttr(*axes)));
    else if (required && operands.size() == 1)
      return LogicalResult(emitError(n.loc) << "Unsqueeze needs axes");
    Value v = n.im.create1<OpT>(n.loc, operands, a);
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

LogicalResult importTranspose(Node &n, SmallVectorImpl<Value> &out) {
  SmallVector<NamedAttribute> a;
  if (auto perm = n.getInts("perm"))
    a.push_back(n.im.b.getNamedAttr("perm", n.im.b.getDenseI64ArrayAttr(*perm)));
  Value v = n.im.create1<TransposeOp>(n.loc, n.inputs[0], a);
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importConcat(Node &n, SmallVectorImpl<Value> &out) {
  Value v = n.im.create1<ConcatOp>(
      n.loc, n.inputs, {n.im.b.getNamedAttr("axis", n.im.b.getI64IntegerAttr(n.getInt("axis", 0)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importSplit(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  int64_t numOutputs = (int64_t)n.proto.output.size();
  std::optional<SmallVector<int64_t>> split;
  SmallVector<Value> operands{n.inputs[0]};
  if (n.opset >= 13) {
    if (n.input(1) && !(split = constInts(n, 1))) {
      // Run-time sizes: the kiln op's dynamic_split operand (1-D i64).
      auto t = dyn_cast<ShapedType>(n.input(1).getType());
      if (!t || !t.getElementType().isInteger(64))
        return LogicalResult(emitError(n.loc) << "split must be an int64 tensor");
      operands.push_back(n.input(1));
    }
  } else {
    split = n.getInts("split");
  }
  SmallVector<NamedAttribute> a{b.getNamedAttr("axis", b.getI64IntegerAttr(n.getInt("axis", 0))),
                                b.getNamedAttr("num_outputs", b.getI64IntegerAttr(numOutputs))};
  if (split)
    a.push_back(b.getNamedAttr("split", b.getDenseI64ArrayAttr(*split)));
  Operation *op = n.im.create<SplitOp>(n.loc, operands, a, numOutputs);
  if (!op)
    return failure();
  out.append(op->result_begin(), op->result_end());
  return success();
}

LogicalResult importSlice(Node &n, SmallVectorImpl<Value> &out) {
  Value starts, ends, axes, steps;
  if (n.opset < 10) {
    auto s = n.getInts("starts"), e = n.getInts("ends");
    if (!s || !e)
      return emitError(n.loc) << "Slice needs starts and ends";
    starts = n.im.constI64(n.loc, *s);
    ends = n.im.constI64(n.loc, *e);
    if (auto a = n.getInts("axes"))
      axes = n.im.constI64(n.loc, *a);
  } else {
    starts = n.input(1);
    ends = n.input(2);
    axes = n.input(3);
    steps = n.input(4);
  }
  int64_t count = kiln::staticNumElements(
      cast<ShapedType>(starts.getType()).hasRank() ? cast<ShapedType>(starts.getType()).getShape()
                                                   : ArrayRef<int64_t>{-1});
  if (!axes || !steps) {
    if (count < 0)
      return emitError(n.loc) << "Slice without axes/steps needs starts of known length";
    // One entry per sliced axis: no more than a tensor's rank (the artifact
    // allows 64), whatever length the model declares for starts.
    if (count > 64)
      return emitError(n.loc) << "Slice starts has " << count << " entries (more than 64 axes)";
    if (!axes) { // axes 0..count-1
      SmallVector<int64_t> all;
      for (int64_t i = 0; i < count; ++i)
        all.push_back(i);
      axes = n.im.constI64(n.loc, all);
    }
    if (!steps)
      steps = n.im.constI64(n.loc, SmallVector<int64_t>(count, 1));
  }
  Value v = n.im.create1<SliceOp>(n.loc, {n.inputs[0], starts, ends, axes, steps});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importGather(Node &n, SmallVectorImpl<Value> &out) {
  Value v = n.im.create1<GatherOp>(
      n.loc, {n.inputs[0], n.inputs[1]},
      {n.im.b.getNamedAttr("axis", n.im.b.getI64IntegerAttr(n.getInt("axis", 0)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importGatherElements(Node &n, SmallVectorImpl<Value> &out) {
  if (!n.input(1))
    return emitError(n.loc) << "GatherElements needs indices";
  Value v = n.im.create1<GatherElementsOp>(
      n.loc, {n.inputs[0], n.inputs[1]},
      {n.im.b.getNamedAttr("axis", n.im.b.getI64IntegerAttr(n.getInt("axis", 0)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importTrilu(Node &n, SmallVectorImpl<Value> &out) {
  SmallVector<Value> operands{n.inputs[0]};
  if (Value k = n.input(1)) {
    auto t = dyn_cast<ShapedType>(k.getType());
    if (!t || !t.getElementType().isInteger(64))
      return emitError(n.loc) << "Trilu k must be an int64 tensor";
    operands.push_back(k);
  }
  Value v = n.im.create1<TriluOp>(
      n.loc, operands, {n.im.b.getNamedAttr("upper", n.im.b.getBoolAttr(n.getInt("upper", 1) != 0))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importCumSum(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!n.input(1))
    return emitError(n.loc) << "CumSum needs an axis input";
  Value v = n.im.create1<CumSumOp>(
      n.loc, {n.inputs[0], n.inputs[1]},
      {b.getNamedAttr("exclusive", b.getBoolAttr(n.getInt("exclusive", 0) != 0)),
       b.getNamedAttr("reverse", b.getBoolAttr(n.getInt("reverse", 0) != 0))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

/// Shrink: x < -lambd ? x + bias : (x > lambd ? x - bias : 0) (float inputs).
LogicalResult importShrink(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  auto t = dyn_cast<ShapedType>(n.inputs[0].getType());
  auto ft = t ? dyn_cast<FloatType>(t.getElementType()) : FloatType();
  if (!ft)
    return emitError(n.loc) << "Shrink of non-floating-point inputs is not supported";
  auto scalar = RankedTensorType::get({}, ft);
  auto constant = [&](double v) -> Value {
    return b.create<ConstantOp>(n.loc, scalar, DenseElementsAttr::get(scalar, FloatAttr::get(ft, v)));
  };
  double lambd = n.getFloat("lambd", 0.5f), bias = n.getFloat("bias", 0.0f);
  Value x = n.inputs[0], lo = constant(-lambd), hi = constant(lambd), bv = constant(bias),
        zero = constant(0.0);
  Value below, above, plus, minus, inner, v;
  if (!(below = n.im.create1<LessOp>(n.loc, {x, lo})) ||
      !(above = n.im.create1<GreaterOp>(n.loc, {x, hi})) ||
      !(plus = n.im.create1<AddOp>(n.loc, {x, bv})) ||
      !(minus = n.im.create1<SubOp>(n.loc, {x, bv})) ||
      !(inner = n.im.create1<WhereOp>(n.loc, {above, minus, zero})) ||
      !(v = n.im.create1<WhereOp>(n.loc, {below, plus, inner})))
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importPad(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  Value pads, runtimeValue;
  double value = 0;
  if (n.opset < 11) {
    auto p = n.getInts("pads");
    if (!p)
      return emitError(n.loc) << "Pad needs pads";
    pads = n.im.constI64(n.loc, *p);
    value = n.getFloat("value", 0);
  } else {
    pads = n.input(1);
    if (n.input(2)) {
      if (auto c = constScalar(n, 2))
        value = *c;
      else
        runtimeValue = n.input(2); // the kiln op's constant_value operand
    }
    if (n.input(3)) {
      // Pad-18 axes: expand pads to all dims.
      auto axes = constInts(n, 3);
      auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
      if (!axes || !t)
        return needConst(n, "Pad axes (with an input of known rank)");
      int64_t rank = t.getRank(), na = (int64_t)axes->size();
      // Position in pads of each of the 2 * rank full pads; 2 * na (a zero
      // appended to pads) for the dims not in axes.
      SmallVector<int64_t> from(2 * rank, 2 * na);
      for (int64_t i = 0; i < na; ++i) {
        int64_t ax = (*axes)[i] < 0 ? (*axes)[i] + rank : (*axes)[i];
        if (ax < 0 || ax >= rank)
          return emitError(n.loc) << "Pad axis " << (*axes)[i] << " out of range";
        if (from[ax] != 2 * na)
          return emitError(n.loc) << "Pad axis " << (*axes)[i] << " is repeated";
        from[ax] = i;
        from[ax + rank] = i + na;
      }
      if (auto p = constInts(n, 1)) {
        if ((int64_t)p->size() != 2 * na)
          return emitError(n.loc) << "Pad pads has " << p->size() << " values for " << na << " axes";
        SmallVector<int64_t> full(2 * rank, 0);
        for (int64_t j = 0; j < 2 * rank; ++j)
          if (from[j] < 2 * na)
            full[j] = (*p)[from[j]];
        pads = n.im.constI64(n.loc, full);
      } else {
        // Run-time pads: gather the full pads from pads ++ [0].
        auto pt = dyn_cast<ShapedType>(pads.getType());
        if (!pt || !pt.getElementType().isInteger(64))
          return emitError(n.loc) << "Pad pads must be an int64 tensor";
        Value padded = n.im.create1<ConcatOp>(n.loc, {pads, n.im.constI64(n.loc, {0})},
                                              {b.getNamedAttr("axis", b.getI64IntegerAttr(0))});
        pads = padded ? n.im.create1<GatherOp>(n.loc, {padded, n.im.constI64(n.loc, from)},
                                               {b.getNamedAttr("axis", b.getI64IntegerAttr(0))})
                      : Value();
        if (!pads)
          return failure();
      }
    }
  }
  SmallVector<Value> operands{n.inputs[0], pads};
  if (runtimeValue)
    operands.push_back(runtimeValue);
  Value v = n.im.create1<PadOp>(n.loc, operands,
                                {b.getNamedAttr("mode", b.getStringAttr(n.getString("mode", "constant"))),
                                 b.getNamedAttr("value", b.getF64FloatAttr(value))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importShape(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  SmallVector<NamedAttribute> a{b.getNamedAttr("start", b.getI64IntegerAttr(n.getInt("start", 0)))};
  if (n.attr("end"))
    a.push_back(b.getNamedAttr("end", b.getI64IntegerAttr(n.getInt("end", 0))));
  Value v = n.im.create1<ShapeOp>(n.loc, n.inputs[0], a);
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importConstantOfShape(Node &n, SmallVectorImpl<Value> &out) {
  SmallVector<NamedAttribute> a;
  if (auto *attr = n.attr("value"); attr && attr->t) {
    std::vector<uint8_t> storage;
    Bytes bytes;
    std::string err;
    Type elt = elementType(&n.im.ctx, attr->t->data_type);
    if (!elt || !tensorData(*attr->t, storage, bytes, err))
      return emitError(n.loc) << "ConstantOfShape value: " << (elt ? err : "unsupported type");
    auto type = RankedTensorType::get({1}, elt);
    Attribute res = makeOwnedResource(type, "value",
                                      ArrayRef<char>((const char *)bytes.data, bytes.size));
    auto c = readConstant(res);
    if (!c || c->size() != 1)
      return emitError(n.loc) << "ConstantOfShape value must hold one element";
    a.push_back(n.im.b.getNamedAttr("value", makeConstant(type, *c)));
  }
  Value v = n.im.create1<ConstantOfShapeOp>(n.loc, n.inputs[0], a);
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importGemm(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.input(2))
    operands.push_back(n.input(2));
  Value v = n.im.create1<GemmOp>(
      n.loc, operands,
      {b.getNamedAttr("alpha", b.getF32FloatAttr(n.getFloat("alpha", 1))),
       b.getNamedAttr("beta", b.getF32FloatAttr(n.getFloat("beta", 1))),
       b.getNamedAttr("transA", b.getBoolAttr(n.getInt("transA", 0))),
       b.getNamedAttr("transB", b.getBoolAttr(n.getInt("transB", 0)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importBatchNorm(Node &n, SmallVectorImpl<Value> &out) {
  for (size_t i = 1; i < n.proto.output.size(); ++i)
    if (!n.proto.output[i].empty())
      return emitError(n.loc) << "BatchNormalization in training mode (running statistics "
                                 "outputs) is not supported";
  if (n.getInt("training_mode", 0))
    return emitError(n.loc) << "BatchNormalization training_mode=1 is not supported";
  Value v = n.im.create1<BatchNormOp>(
      n.loc, ValueRange(n.inputs).take_front(5),
      {n.im.b.getNamedAttr("epsilon", n.im.b.getF32FloatAttr(n.getFloat("epsilon", 1e-5f)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

/// Shared by LayerNormalization's statistics and RMSNormalization: the
/// stash_type precision and the normalized dims [axis, rank).
LogicalResult normalizationSetup(Node &n, StringRef op, RankedTensorType t, Type &stashType,
                                 SmallVectorImpl<int64_t> &axes) {
  auto &b = n.im.b;
  int64_t stash = n.getInt("stash_type", 1);
  stashType = stash == 1 ? Type(b.getF32Type()) : stash == 11 ? Type(b.getF64Type()) : Type();
  if (!stashType)
    return emitError(n.loc) << op << " stash_type " << stash << " is not supported";
  int64_t rank = t.getRank(), axis = n.getInt("axis", -1);
  if (axis < -rank || axis >= rank)
    return emitError(n.loc) << op << " axis " << axis << " out of range";
  if (axis < 0)
    axis += rank;
  for (int64_t i = axis; i < rank; ++i)
    axes.push_back(i);
  return success();
}

LogicalResult importLayerNorm(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  bool wantStats = false;
  for (size_t i = 1; i < n.proto.output.size(); ++i)
    wantStats |= !n.proto.output[i].empty();
  Value mean, invStd;
  if (wantStats) {
    // Mean and InvStdDev (kept dims, stash_type precision) from kiln ops:
    // mean = E[x], invstd = 1 / sqrt(E[(x - mean)^2] + epsilon).
    auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
    if (!t)
      return emitError(n.loc) << "LayerNormalization's Mean/InvStdDev outputs need an input of known rank";
    Type stashType;
    SmallVector<int64_t> axes;
    if (failed(normalizationSetup(n, "LayerNormalization", t, stashType, axes)))
      return failure();
    Value x = n.inputs[0];
    if (t.getElementType() != stashType)
      x = n.im.create1<CastOp>(n.loc, x, {b.getNamedAttr("to", TypeAttr::get(stashType))});
    SmallVector<NamedAttribute> ra{b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes)),
                                   b.getNamedAttr("keepdims", b.getBoolAttr(true))};
    auto scalar = RankedTensorType::get({}, stashType);
    Value eps = b.create<ConstantOp>(
        n.loc, scalar,
        DenseElementsAttr::get(scalar, FloatAttr::get(stashType, (double)n.getFloat("epsilon", 1e-5f))));
    Value d, var, sd;
    if (!x || !(mean = n.im.create1<ReduceMeanOp>(n.loc, x, ra)) ||
        !(d = n.im.create1<SubOp>(n.loc, {x, mean})) ||
        !(d = n.im.create1<MulOp>(n.loc, {d, d})) ||
        !(var = n.im.create1<ReduceMeanOp>(n.loc, d, ra)) ||
        !(var = n.im.create1<AddOp>(n.loc, {var, eps})) ||
        !(sd = n.im.create1<SqrtOp>(n.loc, var)) ||
        !(invStd = n.im.create1<ReciprocalOp>(n.loc, sd)))
      return failure();
  }
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.input(2))
    operands.push_back(n.input(2));
  Value v = n.im.create1<LayerNormOp>(
      n.loc, operands,
      {b.getNamedAttr("axis", b.getI64IntegerAttr(n.getInt("axis", -1))),
       b.getNamedAttr("epsilon", b.getF32FloatAttr(n.getFloat("epsilon", 1e-5f)))});
  if (!v)
    return failure();
  out.push_back(v);
  if (wantStats) {
    out.push_back(mean);
    out.push_back(invStd);
  }
  return success();
}

/// RMSNormalization-23: x / sqrt(mean(x^2 over dims [axis, rank)) + epsilon)
/// * scale, computed in stash_type precision, from kiln ops.
LogicalResult importRMSNorm(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
  if (!t)
    return emitError(n.loc) << "RMSNormalization needs an input of known rank";
  if (!n.input(1))
    return emitError(n.loc) << "RMSNormalization needs a scale input";
  Type elt = t.getElementType();
  if (!isa<FloatType>(elt))
    return emitError(n.loc) << "RMSNormalization of non-floating-point inputs is not supported";
  Type stashType;
  SmallVector<int64_t> axes;
  if (failed(normalizationSetup(n, "RMSNormalization", t, stashType, axes)))
    return failure();
  Value x = n.inputs[0];
  if (elt != stashType)
    x = n.im.create1<CastOp>(n.loc, x, {b.getNamedAttr("to", TypeAttr::get(stashType))});
  SmallVector<NamedAttribute> ra{b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes)),
                                 b.getNamedAttr("keepdims", b.getBoolAttr(true))};
  auto scalar = RankedTensorType::get({}, stashType);
  Value eps = b.create<ConstantOp>(
      n.loc, scalar,
      DenseElementsAttr::get(scalar, FloatAttr::get(stashType, (double)n.getFloat("epsilon", 1e-5f))));
  Value sq, ms, rms, y;
  if (!x || !(sq = n.im.create1<MulOp>(n.loc, {x, x})) ||
      !(ms = n.im.create1<ReduceMeanOp>(n.loc, sq, ra)) ||
      !(ms = n.im.create1<AddOp>(n.loc, {ms, eps})) ||
      !(rms = n.im.create1<SqrtOp>(n.loc, ms)) || !(y = n.im.create1<DivOp>(n.loc, {x, rms})))
    return failure();
  if (elt != stashType && !(y = n.im.create1<CastOp>(n.loc, y, {b.getNamedAttr("to", TypeAttr::get(elt))})))
    return failure();
  Value scale = n.inputs[1];
  if (cast<ShapedType>(scale.getType()).getElementType() != elt)
    return emitError(n.loc) << "RMSNormalization scale must have the input's element type";
  if (!(y = n.im.create1<MulOp>(n.loc, {y, scale})))
    return failure();
  out.push_back(y);
  return success();
}

/// GroupNormalization: kiln.group_norm takes per-channel scale and bias
/// (opset 21); opset 18's per-group ones are spread over the channels.
LogicalResult importGroupNorm(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (!n.input(1) || !n.input(2))
    return emitError(n.loc) << "GroupNormalization needs scale and bias";
  auto g = n.attr("num_groups");
  if (!g)
    return emitError(n.loc) << "GroupNormalization needs num_groups";
  int64_t groups = g->i;
  int64_t stash = n.getInt("stash_type", 1);
  auto t = dyn_cast<RankedTensorType>(n.inputs[0].getType());
  if (stash != 1 && !(stash == 11 && t && t.getElementType().isF64()))
    return emitError(n.loc) << "GroupNormalization stash_type " << stash << " is not supported";
  Value scale = n.inputs[1], bias = n.inputs[2];
  if (n.opset < 21) {
    if (!t || t.getRank() < 2 || t.isDynamicDim(1))
      return emitError(n.loc) << "GroupNormalization before opset 21 needs a static channel count";
    int64_t c = t.getDimSize(1);
    if (groups < 1 || c % groups != 0)
      return emitError(n.loc) << c << " channels are not divisible into " << groups << " groups";
    SmallVector<int64_t> from;
    for (int64_t i = 0; i < c; ++i)
      from.push_back(i / (c / groups));
    Value idx = n.im.constI64(n.loc, from);
    auto axis0 = b.getNamedAttr("axis", b.getI64IntegerAttr(0));
    if (!(scale = n.im.create1<GatherOp>(n.loc, {scale, idx}, {axis0})) ||
        !(bias = n.im.create1<GatherOp>(n.loc, {bias, idx}, {axis0})))
      return failure();
  }
  Value v = n.im.create1<GroupNormOp>(
      n.loc, {n.inputs[0], scale, bias},
      {b.getNamedAttr("num_groups", b.getI64IntegerAttr(groups)),
       b.getNamedAttr("epsilon", b.getF32FloatAttr(n.getFloat("epsilon", 1e-5f)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importInstanceNorm(Node &n, SmallVectorImpl<Value> &out) {
  Value v = n.im.create1<InstanceNormOp>(
      n.loc, ValueRange(n.inputs).take_front(3),
      {n.im.b.getNamedAttr("epsilon", n.im.b.getF32FloatAttr(n.getFloat("epsilon", 1e-5f)))});
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult importConstant(Node &n, SmallVectorImpl<Value> &out);

const llvm::StringMap<ImportFn> &opTable() {
  static const OpTable table = [] {
    OpTable t;
    // Elementwise unary
    t["Relu"] = simple<ReluOp>();
    t["Sigmoid"] = simple<SigmoidOp>();
    t["Tanh"] = simple<TanhOp>();
    t["Exp"] = simple<ExpOp>();
    t["Log"] = simple<LogOp>();
    t["Sqrt"] = simple<SqrtOp>();
    t["Reciprocal"] = simple<ReciprocalOp>();
    t["Abs"] = simple<AbsOp>();
    t["Neg"] = simple<NegOp>();
    t["Floor"] = simple<FloorOp>();
    t["Ceil"] = simple<CeilOp>();
    t["Round"] = simple<RoundOp>();
    t["Erf"] = simple<ErfOp>();
    t["Sin"] = simple<SinOp>();
    t["Cos"] = simple<CosOp>();
    t["Sign"] = simple<SignOp>();
    t["Not"] = simple<NotOp>();
    t["Softplus"] = simple<SoftplusOp>();
    t["Mish"] = simple<MishOp>();
    t["HardSwish"] = simple<HardSwishOp>();
    t["Identity"] = simple<IdentityOp>();
    t["LeakyRelu"] = withFloatAttrs<LeakyReluOp>({{"alpha", 0.01f}});
    t["Elu"] = withFloatAttrs<EluOp>({{"alpha", 1.0f}});
    t["Selu"] = withFloatAttrs<SeluOp>({{"alpha", 1.67326319217681884765625f},
                                        {"gamma", 1.05070102214813232421875f}});
    t["HardSigmoid"] = withFloatAttrs<HardSigmoidOp>({{"alpha", 0.2f}, {"beta", 0.5f}});
    t["Gelu"] = importGelu;
    t["ThresholdedRelu"] = importThresholdedRelu;
    t["Clip"] = importClip;
    t["Dropout"] = importDropout;
    t["Cast"] = importCast;
    // Binary and n-ary
    t["Add"] = simple<AddOp>();
    t["Sub"] = simple<SubOp>();
    t["Mul"] = simple<MulOp>();
    t["Div"] = simple<DivOp>();
    t["Pow"] = simple<PowOp>();
    t["Equal"] = simple<EqualOp>();
    t["Less"] = simple<LessOp>();
    t["LessOrEqual"] = simple<LessOrEqualOp>();
    t["Greater"] = simple<GreaterOp>();
    t["GreaterOrEqual"] = simple<GreaterOrEqualOp>();
    t["And"] = simple<AndOp>();
    t["Or"] = simple<OrOp>();
    t["Xor"] = simple<XorOp>();
    t["PRelu"] = simple<PReluOp>();
    t["Where"] = simple<WhereOp>();
    t["Mod"] = importMod;
    t["Mean"] = importMean;
    t["CastLike"] = importCastLike;
    t["Sum"] = variadic<AddOp>();
    t["Max"] = variadic<MaxOp>();
    t["Min"] = variadic<MinOp>();
    // Softmax and reductions
    t["Softmax"] = softmax<SoftmaxOp>();
    t["LogSoftmax"] = softmax<LogSoftmaxOp>();
    t["ReduceSum"] = reduction<ReduceSumOp>(13);
    t["ReduceMean"] = reduction<ReduceMeanOp>(18);
    t["ReduceMax"] = reduction<ReduceMaxOp>(18);
    t["ReduceMin"] = reduction<ReduceMinOp>(18);
    t["ReduceProd"] = reduction<ReduceProdOp>(18);
    t["ReduceL1"] = reduction<ReduceL1Op>(18);
    t["ReduceL2"] = reduction<ReduceL2Op>(18);
    t["ReduceSumSquare"] = reduction<ReduceSumSquareOp>(18);
    t["ReduceLogSumExp"] = reduction<ReduceLogSumExpOp>(18);
    t["ReduceLogSum"] = importReduceLogSum;
    t["ArgMax"] = argReduce<ArgMaxOp>();
    t["ArgMin"] = argReduce<ArgMinOp>();
    // Data movement and shapes
    t["Reshape"] = importReshape;
    t["Flatten"] = importFlatten;
    t["Squeeze"] = squeezeLike<SqueezeOp>(false);
    t["Unsqueeze"] = squeezeLike<UnsqueezeOp>(true);
    t["Transpose"] = importTranspose;
    t["Concat"] = importConcat;
    t["Split"] = importSplit;
    t["Slice"] = importSlice;
    t["Gather"] = importGather;
    t["Pad"] = importPad;
    t["Resize"] = importResize;
    t["Expand"] = simple<ExpandOp>();
    t["Tile"] = simple<TileOp>();
    t["Shape"] = importShape;
    t["Size"] = simple<SizeOp>();
    // Range takes scalars; one-element 1-D operands (as the expanded
    // AffineGrid function passes) are read as scalars, as ONNX Runtime does.
    t["Range"] = [](Node &n, SmallVectorImpl<Value> &out) -> LogicalResult {
      SmallVector<Value> ops;
      for (Value v : n.inputs) {
        auto t = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
        if (t && t.getRank() == 1 && t.getDimSize(0) == 1)
          v = n.im.create1<ReshapeOp>(n.loc, {v, n.im.constI64(n.loc, {})});
        if (!v)
          return failure();
        ops.push_back(v);
      }
      Value r = n.im.create1<RangeOp>(n.loc, ops);
      if (!r)
        return failure();
      out.push_back(r);
      return success();
    };
    t["ConstantOfShape"] = importConstantOfShape;
    t["Constant"] = importConstant;
    // Convolution, matrix products, normalization, pooling
    t["Conv"] = conv<ConvOp>();
    t["ConvTranspose"] = conv<ConvTransposeOp>();
    t["MatMul"] = simple<MatMulOp>();
    t["Gemm"] = importGemm;
    t["BatchNormalization"] = importBatchNorm;
    t["LayerNormalization"] = importLayerNorm;
    t["InstanceNormalization"] = importInstanceNorm;
    t["GatherElements"] = importGatherElements;
    t["Trilu"] = importTrilu;
    t["CumSum"] = importCumSum;
    t["Shrink"] = importShrink;
    t["Hardmax"] = softmax<HardmaxOp>();
    t["RMSNormalization"] = importRMSNorm;
    t["GroupNormalization"] = importGroupNorm;
    t["MaxPool"] = pool<MaxPoolOp>(true);
    t["AveragePool"] = pool<AveragePoolOp>(false);
    t["GlobalAveragePool"] = simple<GlobalAveragePoolOp>();
    t["GlobalMaxPool"] = simple<GlobalMaxPoolOp>();
    registerAttentionOps(t);
    registerIndexingOps(t);
    registerRecurrentOps(t);
    registerSignalOps(t);
    registerDetectionOps(t);
    registerLossesOps(t);
    registerMathOps(t);
    registerMiscOps(t);
    registerControlFlowOps(t);
    registerQuantOps(t);
    registerNormOps(t);
    return t;
  }();
  return table;
}

} // namespace

// Constant nodes need the importer's tensor conversion; defined here.
namespace {
LogicalResult importConstant(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (auto *a = n.attr("value"); a && a->t) {
    // Reuse the initializer path through a tiny graph-free conversion.
    Type elt = elementType(&n.im.ctx, a->t->data_type);
    std::vector<uint8_t> storage;
    Bytes bytes;
    std::string err;
    if (!elt)
      return emitError(n.loc) << "Constant of unsupported data type "
                              << dataTypeName(a->t->data_type);
    if (!tensorData(*a->t, storage, bytes, err))
      return emitError(n.loc) << "Constant value: " << err;
    auto type = RankedTensorType::get(SmallVector<int64_t>(a->t->dims.begin(), a->t->dims.end()), elt);
    Attribute value;
    if (storage.empty() && bytes.size >= 64)
      value = makeMappedResource(type, n.proto.output[0].empty() ? "const" : std::string(n.proto.output[0]),
                                 bytes.data, bytes.size, n.im.file);
    else {
      value = makeOwnedResource(type, "const", ArrayRef<char>((const char *)bytes.data, bytes.size));
      if (auto c = readConstant(value, 1 << 12))
        value = makeConstant(type, *c);
    }
    out.push_back(b.create<ConstantOp>(n.loc, type, cast<ElementsAttr>(value)));
    return success();
  }
  if (auto *a = n.attr("value_float")) {
    auto type = RankedTensorType::get({}, b.getF32Type());
    out.push_back(b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, a->f)));
    return success();
  }
  if (auto *a = n.attr("value_floats")) {
    auto type = RankedTensorType::get({(int64_t)a->floats.size()}, b.getF32Type());
    out.push_back(b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, ArrayRef<float>(a->floats))));
    return success();
  }
  if (auto *a = n.attr("value_int")) {
    auto type = RankedTensorType::get({}, b.getI64Type());
    out.push_back(b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, a->i)));
    return success();
  }
  if (auto *a = n.attr("value_ints")) {
    out.push_back(n.im.constI64(n.loc, SmallVector<int64_t>(a->ints.begin(), a->ints.end())));
    return success();
  }
  return emitError(n.loc) << "Constant with no supported value attribute "
                             "(value, value_float(s), value_int(s))";
}
} // namespace

using namespace detail;

/// A custom-domain node: kiln.custom with the node's attributes as a
/// dictionary and result types as the model declares them (unranked when it
/// does not: such a graph imports but cannot be exported).
LogicalResult Importer::importCustom(Node &n, SmallVectorImpl<Value> &out) {
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (!n.inputs[i])
      return emitError(n.loc) << "custom op input " << i
                              << " is omitted; only trailing optional inputs may be omitted";
  SmallVector<NamedAttribute> dict;
  for (const auto &a : n.proto.attribute) {
    std::string name(a.name);
    if (!a.ref_attr_name.empty())
      return emitError(n.loc) << "attribute '" << name
                              << "' refers to a function attribute, which is not supported";
    Attribute v;
    switch (a.type) {
    case AttributeProto::INT: v = b.getI64IntegerAttr(a.i); break;
    case AttributeProto::FLOAT: v = b.getF32FloatAttr(a.f); break;
    case AttributeProto::STRING: v = b.getStringAttr(std::string(a.s)); break;
    case AttributeProto::INTS: v = b.getDenseI64ArrayAttr(a.ints); break;
    case AttributeProto::FLOATS: v = b.getDenseF32ArrayAttr(a.floats); break;
    case AttributeProto::STRINGS: {
      SmallVector<Attribute> strs;
      for (auto s : a.strings)
        strs.push_back(b.getStringAttr(std::string(s)));
      v = b.getArrayAttr(strs);
      break;
    }
    case AttributeProto::TENSOR: {
      if (!a.t)
        return emitError(n.loc) << "tensor attribute '" << name << "' has no value";
      Type elt = elementType(&ctx, a.t->data_type);
      if (!elt)
        return emitError(n.loc) << "tensor attribute '" << name << "' has unsupported data type "
                                << dataTypeName(a.t->data_type);
      if (a.t->data_location == TensorProto::EXTERNAL)
        return emitError(n.loc) << "tensor attribute '" << name
                                << "' with external data is not supported";
      for (int64_t d : a.t->dims)
        if (d < 0)
          return emitError(n.loc) << "tensor attribute '" << name << "' has a negative dim";
      std::vector<uint8_t> storage;
      Bytes bytes;
      std::string err;
      if (!tensorData(*a.t, storage, bytes, err))
        return emitError(n.loc) << "tensor attribute '" << name << "': " << err;
      auto type = RankedTensorType::get(SmallVector<int64_t>(a.t->dims.begin(), a.t->dims.end()), elt);
      Attribute res =
          makeOwnedResource(type, name, ArrayRef<char>((const char *)bytes.data, bytes.size));
      auto c = readConstant(res, 1 << 12);
      if (!c)
        return emitError(n.loc) << "tensor attribute '" << name
                                << "' is not supported (more than 4096 elements or unreadable)";
      v = makeConstant(type, *c);
      break;
    }
    default:
      return emitError(n.loc) << "attribute '" << name << "' of ONNX attribute type " << a.type
                              << " is not supported on custom ops (ints, floats, strings, their "
                                 "lists and tensors are)";
    }
    dict.push_back(b.getNamedAttr(name, v));
  }
  SmallVector<Type> types;
  for (auto o : n.proto.output) {
    Type t = UnrankedTensorType::get(b.getF32Type());
    auto it = declared.find(llvm::StringRef(o.data(), o.size()));
    if (!o.empty() && it != declared.end() && it->second->type.kind == TypeProto::Kind::Tensor) {
      auto vt = valueType(*it->second, nullptr);
      if (failed(vt))
        return failure();
      t = *vt;
    }
    types.push_back(t);
  }
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("domain", b.getStringAttr(std::string(n.proto.domain))),
      b.getNamedAttr("op_type", b.getStringAttr(std::string(n.proto.op_type)))};
  if (!dict.empty())
    attrs.push_back(b.getNamedAttr("node_attrs", b.getDictionaryAttr(dict)));
  auto op = b.create<CustomOp>(n.loc, types, n.inputs, attrs);
  out.append(op->result_begin(), op->result_end());
  return success();
}

/// How many leading inputs the ONNX schema of `op` requires at `opset`
/// (1 for the ops not listed; custom domains are not checked).
static size_t requiredInputs(std::string_view op, int64_t opset) {
  static const llvm::StringMap<size_t> table = {
      {"Add", 2}, {"Sub", 2}, {"Mul", 2}, {"Div", 2}, {"Pow", 2}, {"Equal", 2}, {"Less", 2},
      {"LessOrEqual", 2}, {"Greater", 2}, {"GreaterOrEqual", 2}, {"And", 2}, {"Or", 2},
      {"Xor", 2}, {"PRelu", 2}, {"Mod", 2}, {"Where", 3}, {"CastLike", 2}, {"Reshape", 2},
      {"Expand", 2}, {"Tile", 2}, {"Range", 3}, {"Gather", 2}, {"GatherElements", 2},
      {"Conv", 2}, {"ConvTranspose", 2}, {"MatMul", 2}, {"Gemm", 2}, {"BatchNormalization", 5},
      {"LayerNormalization", 2}, {"InstanceNormalization", 3}, {"RMSNormalization", 2},
      {"GroupNormalization", 3}, {"CumSum", 2}};
  llvm::StringRef name(op.data(), op.size());
  if (name == "Slice")
    return opset >= 10 ? 3 : 1;
  if (name == "Pad")
    return opset >= 11 ? 2 : 1;
  if (name == "Unsqueeze")
    return opset >= 13 ? 2 : 1;
  auto it = table.find(name);
  return it == table.end() ? 1 : it->second;
}

LogicalResult Importer::importNode(const NodeProto &n) {
  std::string name = n.name.empty() ? std::string(n.op_type) : std::string(n.name);
  Location loc = NameLoc::get(b.getStringAttr(name), FileLineColLoc::get(&ctx, path, 0, 0));
  auto where = [&] {
    return "node '" + name + "' (" + std::string(n.op_type) + ", domain '" +
           std::string(n.domain.empty() ? "ai.onnx" : n.domain) + "', opset " +
           std::to_string(opset) + ")";
  };
  bool custom = !n.domain.empty() && n.domain != "ai.onnx";
  ImportFn fn;
  if (custom) {
    // A node of a custom domain becomes kiln.custom, for a kernel plugin to
    // serve; the domain must be declared like any opset.
    if (!customDomains.contains(llvm::StringRef(n.domain.data(), n.domain.size())))
      return fail(where() + ": opset import missing for domain '" + std::string(n.domain) + "'");
    fn = [this](Node &node, SmallVectorImpl<Value> &out) { return importCustom(node, out); };
  } else {
    const auto &table = opTable();
    auto it = table.find(llvm::StringRef(n.op_type.data(), n.op_type.size()));
    if (it == table.end())
      return fail(where() + ": unsupported op type");
    fn = it->second;
  }
  Node node{*this, n, opset, {}, loc};
  for (auto in : n.input) {
    if (in.empty()) {
      node.inputs.push_back(Value());
      continue;
    }
    auto v = values.find(llvm::StringRef(in.data(), in.size()));
    if (v == values.end())
      return fail(where() + ": input '" + std::string(in) +
                  "' is not produced by any earlier node, initializer or graph input");
    node.inputs.push_back(v->second);
  }
  // Trailing omitted inputs are the same as absent ones.
  while (!node.inputs.empty() && !node.inputs.back())
    node.inputs.pop_back();
  // (Loop's trip count and Scan-8's sequence_lens, their first inputs, are
  // optional.)
  if (!custom && n.op_type != "Constant" && n.op_type != "Loop" && n.op_type != "Scan" &&
      (node.inputs.empty() || !node.inputs[0]))
    return fail(where() + ": missing its first input");
  // The inputs the ONNX schema requires (import functions rely on them).
  if (!custom)
    if (size_t need = requiredInputs(n.op_type, opset); need > 1)
      for (size_t i = 0; i < need; ++i)
        if (i >= node.inputs.size() || !node.inputs[i])
          return fail(where() + ": needs " + std::to_string(need) + " inputs, input " +
                      std::to_string(i) + " is " + (i >= node.inputs.size() ? "missing" : "omitted"));

  // Collect MLIR diagnostics of this node into the error message.
  std::string diag;
  LogicalResult result = success();
  SmallVector<Value> outputs;
  {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      if (!diag.empty())
        diag += "; ";
      diag += d.str();
      return success();
    });
    result = fn(node, outputs);
  }
  if (failed(result))
    return fail(where() + ": " + (diag.empty() ? std::string("import failed") : diag));
  size_t produced = 0;
  for (auto out : n.output) {
    if (produced >= outputs.size())
      break;
    Value v = outputs[produced++];
    if (out.empty())
      continue;
    // A subgraph's names may shadow the enclosing graphs' (scopeNames holds
    // the current graph's own).
    if (!scopeNames.insert(llvm::StringRef(out.data(), out.size())).second)
      return fail(where() + ": output '" + std::string(out) +
                  "' is defined more than once in the graph");
    values[llvm::StringRef(out.data(), out.size())] = v;
  }
  return success();
}

LogicalResult Importer::importGraph(const GraphProto &g, const ImportOptions &options) {
  module = ModuleOp::create(UnknownLoc::get(&ctx));
  b.setInsertionPointToEnd(module.getBody());

  // Initializers (may shadow graph inputs of the same name: IR >= 4 makes
  // such inputs optional overrides; kiln imports them as constants).
  llvm::StringMap<const TensorProto *> initializers;
  for (const auto &t : g.initializer)
    initializers[llvm::StringRef(t.name.data(), t.name.size())] = &t;

  SmallVector<Type> argTypes;
  SmallVector<const ValueInfoProto *> args;
  SmallVector<Attribute> argAttrs;
  for (const auto &in : g.input) {
    if (initializers.count(llvm::StringRef(in.name.data(), in.name.size())))
      continue;
    ArrayAttr dimNames;
    auto type = valueType(in, &dimNames);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    args.push_back(&in);
    SmallVector<NamedAttribute> attrs{
        b.getNamedAttr("kiln.name", b.getStringAttr(std::string(in.name)))};
    if (dimNames)
      attrs.push_back(b.getNamedAttr("kiln.dim_names", dimNames));
    argAttrs.push_back(b.getDictionaryAttr(attrs));
  }
  auto func = b.create<func::FuncOp>(FileLineColLoc::get(&ctx, path, 0, 0),
                                     options.functionName,
                                     b.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  for (auto [arg, vi] : llvm::zip(body->getArguments(), args)) {
    values[llvm::StringRef(vi->name.data(), vi->name.size())] = arg;
    scopeNames.insert(llvm::StringRef(vi->name.data(), vi->name.size()));
  }

  llvm::StringSet<> inputNames;
  for (const auto &in : g.input)
    inputNames.insert(llvm::StringRef(in.name.data(), in.name.size()));
  for (const auto &t : g.initializer) {
    auto v = importTensor(t, NameLoc::get(b.getStringAttr(std::string(t.name))));
    if (failed(v))
      return failure();
    // An initializer that is also a graph input is an overridable default:
    // kiln-freeze turns it into a plain constant or (--keep-overridable)
    // back into an input.
    if (inputNames.contains(llvm::StringRef(t.name.data(), t.name.size())))
      if (Operation *def = v->getDefiningOp())
        def->setAttr("kiln.input", b.getStringAttr(std::string(t.name)));
    values[llvm::StringRef(t.name.data(), t.name.size())] = *v;
    scopeNames.insert(llvm::StringRef(t.name.data(), t.name.size()));
  }
  for (const auto &vi : g.value_info)
    declared[llvm::StringRef(vi.name.data(), vi.name.size())] = &vi;
  for (const auto &vi : g.output)
    declared[llvm::StringRef(vi.name.data(), vi.name.size())] = &vi;
  for (const auto &n : g.node)
    if (failed(importNode(n)))
      return failure();

  SmallVector<Value> results;
  SmallVector<Attribute> resultAttrs;
  for (const auto &out : g.output) {
    auto v = values.find(llvm::StringRef(out.name.data(), out.name.size()));
    if (v == values.end())
      return fail("graph output '" + std::string(out.name) + "' is not produced by any node");
    Value r = v->second;
    // A declared output type more precise than the inferred one refines it.
    ArrayAttr dimNames;
    if (out.type.kind == TypeProto::Kind::Tensor) {
      auto declared = valueType(out, &dimNames);
      if (failed(declared))
        return failure();
      if (!areCompatibleResultTypes(TypeRange{r.getType()}, TypeRange{*declared}))
        return fail("graph output '" + std::string(out.name) + "' is declared as a different type than the graph computes");
    }
    results.push_back(r);
    SmallVector<NamedAttribute> attrs{
        b.getNamedAttr("kiln.name", b.getStringAttr(std::string(out.name)))};
    if (dimNames)
      attrs.push_back(b.getNamedAttr("kiln.dim_names", dimNames));
    resultAttrs.push_back(b.getDictionaryAttr(attrs));
  }
  b.create<func::ReturnOp>(UnknownLoc::get(&ctx), results);
  func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  func.setAllResultAttrs(resultAttrs);
  return success();
}

LogicalResult Importer::importSubgraph(const GraphProto &g, Block *block, ValueRange inputs,
                                       SmallVectorImpl<Value> &outputs, StringRef what) {
  if (g.input.size() != inputs.size())
    return fail(what.str() + " has " + std::to_string(g.input.size()) + " input(s), expected " +
                std::to_string(inputs.size()));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(block);
  // Lexical scope: the subgraph sees the enclosing graphs' values; its own
  // names are gone once it is imported.
  llvm::StringMap<Value> outer = values;
  llvm::StringSet<> outerScope = std::move(scopeNames);
  scopeNames = llvm::StringSet<>();
  auto restore = llvm::make_scope_exit([&] {
    values = std::move(outer);
    scopeNames = std::move(outerScope);
  });
  for (auto [vi, v] : llvm::zip(g.input, inputs)) {
    llvm::StringRef name(vi.name.data(), vi.name.size());
    if (!scopeNames.insert(name).second)
      return fail(what.str() + " input '" + name.str() + "' is declared twice");
    values[name] = v;
  }
  for (const auto &t : g.initializer) {
    auto v = importTensor(t, NameLoc::get(b.getStringAttr(std::string(t.name))));
    if (failed(v))
      return failure();
    llvm::StringRef name(t.name.data(), t.name.size());
    scopeNames.insert(name);
    values[name] = *v;
  }
  for (const auto &vi : g.value_info)
    declared[llvm::StringRef(vi.name.data(), vi.name.size())] = &vi;
  for (const auto &n : g.node)
    if (failed(importNode(n)))
      return failure();
  for (const auto &o : g.output) {
    auto v = values.find(llvm::StringRef(o.name.data(), o.name.size()));
    if (v == values.end())
      return fail(what.str() + " output '" + std::string(o.name) +
                  "' is not produced by any node, initializer or input in scope");
    outputs.push_back(v->second);
  }
  return success();
}

OwningOpRef<ModuleOp> Importer::run(const ImportOptions &options, std::string &error,
                                    std::unique_ptr<MappedFile> preloaded) {
  ctx.loadDialect<KilnDialect, func::FuncDialect>();
  std::string err;
  std::unique_ptr<MappedFile> mapped =
      preloaded ? std::move(preloaded) : MappedFile::open(path, &err);
  if (!mapped) {
    error = err;
    return nullptr;
  }
  file = std::shared_ptr<MappedFile>(std::move(mapped));
  ModelProto model;
  if (!parseModel(file->data(), file->size(), model, err, options.limits)) {
    error = path + ": not a valid ONNX model: " + err;
    return nullptr;
  }
  if (!model.has_graph) {
    error = path + ": the model has no graph";
    return nullptr;
  }
  for (const auto &o : model.opset_import) {
    if (o.domain.empty() || o.domain == "ai.onnx")
      opset = o.version;
    else
      customDomains.insert(llvm::StringRef(o.domain.data(), o.domain.size()));
  }
  if (opset == 0 && model.ir_version > 0 && model.opset_import.empty())
    opset = 1; // pre-opset_import models
  if (opset < kMinOpset || opset > kMaxOpset) {
    error = path + ": default-domain opset " + std::to_string(opset) +
            " is not supported (kiln imports opsets " + std::to_string(kMinOpset) + " to " +
            std::to_string(kMaxOpset) + ")";
    return nullptr;
  }

  std::string diag;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      if (!diag.empty())
        diag += "; ";
      diag += d.str();
      return success();
    });
    result = importGraph(model.graph, options);
    if (succeeded(result) && failed(verify(module)))
      result = failure();
  }
  if (failed(result)) {
    if (module)
      module->erase();
    error = path + ": " + (diag.empty() ? std::string("import failed") : diag);
    return nullptr;
  }
  // Provenance for the artifact.
  module->setAttr("kiln.source", b.getStringAttr(path));
  module->setAttr("kiln.onnx.opset", b.getI64IntegerAttr(opset));
  if (!model.producer_name.empty())
    module->setAttr("kiln.onnx.producer",
                    b.getStringAttr(std::string(model.producer_name) + " " +
                                    std::string(model.producer_version)));
  return OwningOpRef<ModuleOp>(module);
}

OwningOpRef<ModuleOp> importModelFile(MLIRContext &context, const std::string &path,
                                      std::string &error, const ImportOptions &options) {
  Importer importer(context, path);
  return importer.run(options, error);
}

OwningOpRef<ModuleOp> importModelBuffer(MLIRContext &context, const void *data, size_t size,
                                        const std::string &name, std::string &error,
                                        const ImportOptions &options) {
  Importer importer(context, name);
  std::string bytes(static_cast<const char *>(data), size);
  return importer.run(options, error, MappedFile::fromBuffer(std::move(bytes), name));
}

} // namespace kiln::onnx
