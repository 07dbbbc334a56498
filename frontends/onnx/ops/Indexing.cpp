//===- Indexing.cpp - ONNX scatter/gather, TopK, OneHot, selections, NMS --===//
//
// Imports into the ops of ir/include/kiln/ir/KilnIndexingOps.td: ScatterND,
// ScatterElements (and opset 9-10 Scatter), GatherND, TopK, OneHot, NonZero,
// Compress, Unique, ReverseSequence, GridSample and NonMaxSuppression.
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"

namespace kiln::onnx::detail {
namespace {

NamedAttribute i64Attr(Node &n, StringRef name, int64_t v) {
  return n.im.b.getNamedAttr(name, n.im.b.getI64IntegerAttr(v));
}
NamedAttribute boolAttr(Node &n, StringRef name, bool v) {
  return n.im.b.getNamedAttr(name, n.im.b.getBoolAttr(v));
}
NamedAttribute strAttr(Node &n, StringRef name, StringRef v) {
  return n.im.b.getNamedAttr(name, n.im.b.getStringAttr(v));
}

LogicalResult need(Node &n, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!n.input(i))
      return emitError(n.loc) << std::string(n.proto.op_type) << " needs input " << i;
  return success();
}

LogicalResult push(Value v, SmallVectorImpl<Value> &out) {
  if (!v)
    return failure();
  out.push_back(v);
  return success();
}

LogicalResult checkReduction(Node &n, StringRef r) {
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min")
    return emitError(n.loc) << "reduction '" << r << "' is not one of none, add, mul, max, min";
  return success();
}

LogicalResult importScatterND(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 3)))
    return failure();
  std::string red = n.getString("reduction", "none");
  if (failed(checkReduction(n, red)))
    return failure();
  return push(n.im.create1<ScatterNDOp>(n.loc, {n.inputs[0], n.inputs[1], n.inputs[2]},
                                        {strAttr(n, "reduction", red)}),
              out);
}

LogicalResult importScatterElements(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 3)))
    return failure();
  std::string red = n.getString("reduction", "none");
  if (failed(checkReduction(n, red)))
    return failure();
  return push(n.im.create1<ScatterElementsOp>(
                  n.loc, {n.inputs[0], n.inputs[1], n.inputs[2]},
                  {i64Attr(n, "axis", n.getInt("axis", 0)), strAttr(n, "reduction", red)}),
              out);
}

LogicalResult importGatherND(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 2)))
    return failure();
  return push(n.im.create1<GatherNDOp>(n.loc, {n.inputs[0], n.inputs[1]},
                                       {i64Attr(n, "batch_dims", n.getInt("batch_dims", 0))}),
              out);
}

LogicalResult importTopK(Node &n, SmallVectorImpl<Value> &out) {
  Value k;
  if (n.opset < 10) {
    auto *a = n.attr("k");
    if (!a)
      return emitError(n.loc) << "TopK needs the k attribute before opset 10";
    k = n.im.constI64(n.loc, {a->i});
  } else {
    if (failed(need(n, 2)))
      return failure();
    k = n.inputs[1];
  }
  if (!n.input(0))
    return emitError(n.loc) << "TopK needs an input";
  SmallVector<NamedAttribute> attrs{i64Attr(n, "axis", n.getInt("axis", -1))};
  if (n.opset >= 11) {
    attrs.push_back(boolAttr(n, "largest", n.getInt("largest", 1) != 0));
    attrs.push_back(boolAttr(n, "sorted", n.getInt("sorted", 1) != 0));
  }
  Operation *op = n.im.create<TopKOp>(n.loc, {n.inputs[0], k}, attrs, 2);
  if (!op)
    return failure();
  out.append(op->result_begin(), op->result_end());
  return success();
}

LogicalResult importOneHot(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 3)))
    return failure();
  return push(n.im.create1<OneHotOp>(n.loc, {n.inputs[0], n.inputs[1], n.inputs[2]},
                                     {i64Attr(n, "axis", n.getInt("axis", -1))}),
              out);
}

LogicalResult importCompress(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 2)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (auto *a = n.attr("axis"))
    attrs.push_back(i64Attr(n, "axis", a->i));
  return push(n.im.create1<CompressOp>(n.loc, {n.inputs[0], n.inputs[1]}, attrs), out);
}

LogicalResult importUnique(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 1)))
    return failure();
  SmallVector<NamedAttribute> attrs{boolAttr(n, "sorted", n.getInt("sorted", 1) != 0)};
  if (auto *a = n.attr("axis"))
    attrs.push_back(i64Attr(n, "axis", a->i));
  Operation *op = n.im.create<UniqueOp>(n.loc, {n.inputs[0]}, attrs, 4);
  if (!op)
    return failure();
  out.append(op->result_begin(), op->result_end());
  return success();
}

LogicalResult importReverseSequence(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 2)))
    return failure();
  return push(n.im.create1<ReverseSequenceOp>(n.loc, {n.inputs[0], n.inputs[1]},
                                              {i64Attr(n, "batch_axis", n.getInt("batch_axis", 1)),
                                               i64Attr(n, "time_axis", n.getInt("time_axis", 0))}),
              out);
}

LogicalResult importGridSample(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 2)))
    return failure();
  // Opset 16 spells the modes bilinear/bicubic (default bilinear); 20 linear/cubic.
  std::string mode = n.getString("mode", n.opset >= 20 ? "linear" : "bilinear");
  if (mode == "bilinear")
    mode = "linear";
  else if (mode == "bicubic")
    mode = "cubic";
  return push(n.im.create1<GridSampleOp>(
                  n.loc, {n.inputs[0], n.inputs[1]},
                  {strAttr(n, "mode", mode),
                   strAttr(n, "padding_mode", n.getString("padding_mode", "zeros")),
                   boolAttr(n, "align_corners", n.getInt("align_corners", 0) != 0)}),
              out);
}

LogicalResult importNonMaxSuppression(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 2)))
    return failure();
  auto &b = n.im.b;
  // Omitted optional inputs become empty tensors (the op's "absent").
  auto empty = [&](Type elt) -> Value {
    auto type = RankedTensorType::get({0}, elt);
    return b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
  };
  Value maxOut = n.input(2) ? n.input(2) : empty(b.getI64Type());
  Value iou = n.input(3) ? n.input(3) : empty(b.getF32Type());
  Value score = n.input(4) ? n.input(4) : empty(b.getF32Type());
  return push(n.im.create1<NonMaxSuppressionOp>(
                  n.loc, {n.inputs[0], n.inputs[1], maxOut, iou, score},
                  {boolAttr(n, "center_point_box", n.getInt("center_point_box", 0) != 0)}),
              out);
}

LogicalResult importCenterCropPad(Node &n, SmallVectorImpl<Value> &out) {
  if (failed(need(n, 2)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (auto axes = n.getInts("axes"))
    attrs.push_back(n.im.b.getNamedAttr("axes", n.im.b.getDenseI64ArrayAttr(*axes)));
  return push(n.im.create1<CenterCropPadOp>(n.loc, {n.inputs[0], n.inputs[1]}, attrs), out);
}

LogicalResult importTfIdfVectorizer(Node &n, SmallVectorImpl<Value> &out) {
  auto &b = n.im.b;
  if (failed(need(n, 1)))
    return failure();
  if (n.attr("pool_strings"))
    return emitError(n.loc) << "TfIdfVectorizer with string n-grams (pool_strings) is not supported";
  SmallVector<NamedAttribute> attrs{
      i64Attr(n, "min_gram_length", n.getInt("min_gram_length", 1)),
      i64Attr(n, "max_gram_length", n.getInt("max_gram_length", 1)),
      i64Attr(n, "max_skip_count", n.getInt("max_skip_count", 0)),
      strAttr(n, "mode", n.getString("mode", "TF"))};
  for (StringRef name : {"ngram_counts", "ngram_indexes", "pool_int64s"})
    attrs.push_back(b.getNamedAttr(name, b.getDenseI64ArrayAttr(n.getInts(name).value_or(SmallVector<int64_t>{}))));
  if (auto *w = n.attr("weights"))
    attrs.push_back(b.getNamedAttr("weights", b.getDenseF32ArrayAttr(SmallVector<float>(w->floats.begin(), w->floats.end()))));
  return push(n.im.create1<TfIdfVectorizerOp>(n.loc, {n.inputs[0]}, attrs), out);
}

} // namespace

void registerIndexingOps(OpTable &t) {
  t["ScatterND"] = importScatterND;
  t["ScatterElements"] = importScatterElements;
  t["Scatter"] = importScatterElements; // opset 9-10: ScatterElements without reduction
  t["GatherND"] = importGatherND;
  t["TopK"] = importTopK;
  t["OneHot"] = importOneHot;
  t["NonZero"] = simple<NonZeroOp>();
  t["Compress"] = importCompress;
  t["Unique"] = importUnique;
  t["ReverseSequence"] = importReverseSequence;
  t["GridSample"] = importGridSample;
  t["NonMaxSuppression"] = importNonMaxSuppression;
  t["CenterCropPad"] = importCenterCropPad;
  t["TfIdfVectorizer"] = importTfIdfVectorizer;
}

} // namespace kiln::onnx::detail
