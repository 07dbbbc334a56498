//===- Recurrent.cpp - ONNX RNN, GRU and LSTM -----------------------------===//
//
// Imports into kiln.rnn / kiln.gru / kiln.lstm (KilnRecurrentOps.td). Omitted
// optional inputs become empty tensors; the activation names are joined with
// commas (the artifact has no string-list attributes).
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"

namespace kiln::onnx::detail {
namespace {

template <typename OpT>
ImportFn recurrent(unsigned numOperands, unsigned numResults) {
  return [=](Node &n, SmallVectorImpl<Value> &out) -> LogicalResult {
    auto &b = n.im.b;
    std::string op(n.proto.op_type);
    for (size_t i = 0; i < 3; ++i)
      if (!n.input(i))
        return emitError(n.loc) << op << " needs input " << i << " (X, W and R are required)";
    auto *hs = n.attr("hidden_size");
    if (!hs)
      return emitError(n.loc) << op << " needs the hidden_size attribute";
    SmallVector<Value> operands;
    for (unsigned i = 0; i < numOperands; ++i) {
      Value v = n.input(i);
      if (!v) {
        Type elt = i == 4 ? b.getI32Type() : cast<ShapedType>(n.inputs[0].getType()).getElementType();
        auto type = RankedTensorType::get({0}, elt);
        v = b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
      }
      operands.push_back(v);
    }
    SmallVector<NamedAttribute> attrs{
        b.getNamedAttr("hidden_size", b.getI64IntegerAttr(hs->i)),
        b.getNamedAttr("direction", b.getStringAttr(n.getString("direction", "forward"))),
        b.getNamedAttr("layout", b.getI64IntegerAttr(n.getInt("layout", 0)))};
    if (auto *a = n.attr("activations")) {
      std::string joined;
      for (auto s : a->strings) {
        if (std::string_view(s).find(',') != std::string_view::npos)
          return emitError(n.loc) << op << " activation name '" << std::string(s) << "' is invalid";
        joined += (joined.empty() ? "" : ",") + std::string(s);
      }
      attrs.push_back(b.getNamedAttr("activations", b.getStringAttr(joined)));
    }
    for (StringRef name : {"activation_alpha", "activation_beta"})
      if (auto *a = n.attr(name))
        attrs.push_back(b.getNamedAttr(
            name, b.getDenseF32ArrayAttr(SmallVector<float>(a->floats.begin(), a->floats.end()))));
    if (auto *a = n.attr("clip"))
      attrs.push_back(b.getNamedAttr("clip", b.getF64FloatAttr(a->f)));
    if (n.proto.op_type == "GRU")
      attrs.push_back(b.getNamedAttr("linear_before_reset",
                                     b.getBoolAttr(n.getInt("linear_before_reset", 0) != 0)));
    if (n.proto.op_type == "LSTM")
      attrs.push_back(
          b.getNamedAttr("input_forget", b.getBoolAttr(n.getInt("input_forget", 0) != 0)));
    Operation *o = n.im.create<OpT>(n.loc, operands, attrs, numResults);
    if (!o)
      return failure();
    out.append(o->result_begin(), o->result_end());
    return success();
  };
}

} // namespace

void registerRecurrentOps(OpTable &t) {
  t["RNN"] = recurrent<RNNOp>(6, 2);
  t["GRU"] = recurrent<GRUOp>(6, 2);
  t["LSTM"] = recurrent<LSTMOp>(8, 3);
}

} // namespace kiln::onnx::detail
