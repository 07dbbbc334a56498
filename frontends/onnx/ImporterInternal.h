//===- ImporterInternal.h - shared by the ONNX op import files -*- C++ -*-===//
//
// Private to frontends/onnx: the Importer, the Node an op import function
// sees, and helpers shared by the op files. OnnxImporter.cpp holds the
// importer and the core op table; each ops/*.cpp file registers one family
// of ops through a register*Ops(OpTable &) function declared at the bottom.
// Adding an op family is one file there plus one line in opTable().
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FRONTENDS_ONNX_IMPORTERINTERNAL_H
#define KILN_FRONTENDS_ONNX_IMPORTERINTERNAL_H

#include "kiln/onnx/OnnxImporter.h"
#include "kiln/onnx/ExternalData.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxProto.h"
#include "kiln/support/MappedFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <optional>

namespace kiln::onnx::detail {
using namespace mlir;

/// MLIR element type of an ONNX TensorProto data type, or null.
Type elementType(MLIRContext *ctx, int32_t dt);

class Importer;

/// What an op import function sees of one node.
struct Node {
  Importer &im;
  const NodeProto &proto;
  int64_t opset;
  SmallVector<Value> inputs; // null for omitted optional inputs
  Location loc;

  const AttributeProto *attr(StringRef name) const {
    for (const auto &a : proto.attribute)
      if (a.name == std::string_view(name.data(), name.size()))
        return &a;
    return nullptr;
  }
  int64_t getInt(StringRef name, int64_t def) const {
    auto *a = attr(name);
    return a ? a->i : def;
  }
  float getFloat(StringRef name, float def) const {
    auto *a = attr(name);
    return a ? a->f : def;
  }
  std::string getString(StringRef name, StringRef def) const {
    auto *a = attr(name);
    return a ? std::string(a->s) : def.str();
  }
  std::optional<SmallVector<int64_t>> getInts(StringRef name) const {
    auto *a = attr(name);
    if (!a)
      return std::nullopt;
    return SmallVector<int64_t>(a->ints.begin(), a->ints.end());
  }
  Value input(size_t i) const { return i < inputs.size() ? inputs[i] : Value(); }
};

using ImportFn = std::function<LogicalResult(Node &, SmallVectorImpl<Value> &)>;

class Importer {
public:
  Importer(MLIRContext &ctx, std::string path) : ctx(ctx), b(&ctx), path(std::move(path)) {}

  /// `preloaded`: the model's bytes already in memory (null: map `path`).
  OwningOpRef<ModuleOp> run(const ImportOptions &options, std::string &error,
                            std::unique_ptr<MappedFile> preloaded = nullptr);

  /// Creates kiln op OpT with result types from its type inference; errors
  /// (emitted at the node's location) make it return null.
  template <typename OpT>
  Operation *create(Location loc, ValueRange operands, ArrayRef<NamedAttribute> attrs,
                    unsigned numResults = 1) {
    // Type inference indexes operands by position: check their number (as
    // far as the op's ODS traits fix it) and that none is an omitted ("")
    // input before the op exists. A model's node can have any count.
    std::optional<unsigned> exact, atLeast;
    if (OpT::template hasTrait<OpTrait::ZeroOperands>())
      exact = 0;
    else if (OpT::template hasTrait<OpTrait::OneOperand>())
      exact = 1;
    else if (OpT::template hasTrait<OpTrait::NOperands<2>::Impl>())
      exact = 2;
    else if (OpT::template hasTrait<OpTrait::NOperands<3>::Impl>())
      exact = 3;
    else if (OpT::template hasTrait<OpTrait::NOperands<4>::Impl>())
      exact = 4;
    else if (OpT::template hasTrait<OpTrait::NOperands<5>::Impl>())
      exact = 5;
    else if (OpT::template hasTrait<OpTrait::AtLeastNOperands<1>::Impl>())
      atLeast = 1;
    else if (OpT::template hasTrait<OpTrait::AtLeastNOperands<2>::Impl>())
      atLeast = 2;
    else if (OpT::template hasTrait<OpTrait::AtLeastNOperands<3>::Impl>())
      atLeast = 3;
    if ((exact && operands.size() != *exact) || (atLeast && operands.size() < *atLeast)) {
      emitError(loc) << "expects " << (exact ? "" : "at least ") << (exact ? *exact : *atLeast)
                     << " input(s) for " << OpT::getOperationName() << ", got " << operands.size();
      return nullptr;
    }
    for (auto [i, v] : llvm::enumerate(operands))
      if (!v) {
        emitError(loc) << "input " << i << " of " << OpT::getOperationName()
                       << " is omitted but required";
        return nullptr;
      }
    OperationState state(loc, OpT::getOperationName());
    state.addOperands(operands);
    state.addAttributes(attrs);
    state.addTypes(SmallVector<Type>(numResults, UnrankedTensorType::get(b.getF32Type())));
    Operation *op = b.create(state);
    SmallVector<Type> types;
    auto iface = cast<InferTypeOpInterface>(op);
    if (failed(iface.inferReturnTypes(&ctx, loc, op->getOperands(), op->getAttrDictionary(),
                                      op->getPropertiesStorage(), op->getRegions(), types))) {
      op->erase();
      return nullptr;
    }
    for (auto [r, t] : llvm::zip(op->getResults(), types))
      r.setType(t);
    return op;
  }
  template <typename OpT>
  Value create1(Location loc, ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
    Operation *op = create<OpT>(loc, operands, attrs);
    return op ? op->getResult(0) : Value();
  }

  Value constI64(Location loc, ArrayRef<int64_t> values) {
    auto type = RankedTensorType::get({(int64_t)values.size()}, b.getI64Type());
    return b.create<ConstantOp>(loc, type, DenseElementsAttr::get(type, values));
  }

  /// Imports subgraph `g` (an If branch, a Loop/Scan body) at the end of
  /// `block`: its inputs are bound to `inputs`, names it does not define
  /// resolve in the enclosing graphs (ONNX lexical scoping), and its outputs'
  /// values are returned in `outputs` (no terminator is added). `what` names
  /// the subgraph in errors.
  LogicalResult importSubgraph(const GraphProto &g, Block *block, ValueRange inputs,
                               SmallVectorImpl<Value> &outputs, StringRef what);

  MLIRContext &ctx;
  OpBuilder b;
  std::string path;
  std::shared_ptr<MappedFile> file;
  std::unique_ptr<ExternalDataResolver> external;

private:
  LogicalResult importGraph(const GraphProto &g, const ImportOptions &options);
  FailureOr<Type> valueType(const ValueInfoProto &vi, ArrayAttr *dimNames);
  FailureOr<Value> importTensor(const TensorProto &t, Location loc);
  LogicalResult importNode(const NodeProto &n);
  LogicalResult importCustom(Node &n, SmallVectorImpl<Value> &out);
  LogicalResult fail(const Twine &msg) {
    emitError(UnknownLoc::get(&ctx)) << msg;
    return failure();
  }

  llvm::StringMap<Value> values;
  /// Names defined by the graph being imported (not by enclosing graphs).
  llvm::StringSet<> scopeNames;
  /// Declared types of graph values (value_info and graph outputs): the
  /// result types of custom-domain nodes, which kiln cannot infer.
  llvm::StringMap<const ValueInfoProto *> declared;
  /// Non-default domains the model's opset_import lists.
  llvm::StringSet<> customDomains;
  int64_t opset = 0;
  ModuleOp module;
};

// --- helpers for op import functions ---------------------------------------

template <typename OpT>
ImportFn simple() {
  return [](Node &n, SmallVectorImpl<Value> &out) {
    Value v = n.im.create1<OpT>(n.loc, n.inputs);
    if (!v)
      return failure();
    out.push_back(v);
    return success();
  };
}

/// A constant input that must be known at compile time (Clip bounds, axes...).
std::optional<SmallVector<int64_t>> constInts(Node &n, size_t i);
std::optional<double> constScalar(Node &n, size_t i);
/// The error for an input that must be a constant but is computed at run time.
LogicalResult needConst(Node &n, StringRef what);

template <typename OpT>
ImportFn variadic() { // Sum/Max/Min/Mean-style n-ary ops as chains of binary ops
  return [](Node &n, SmallVectorImpl<Value> &out) {
    if (n.inputs.empty())
      return failure();
    Value acc = n.inputs[0];
    for (size_t i = 1; i < n.inputs.size(); ++i)
      if (!(acc = n.im.create1<OpT>(n.loc, {acc, n.inputs[i]})))
        return failure();
    out.push_back(acc);
    return success();
  };
}

using OpTable = llvm::StringMap<ImportFn>;

/// Op families in ops/*.cpp; opTable() in OnnxImporter.cpp calls each.
/// (Add a declaration here and a call there for a new family.)
void registerControlFlowOps(OpTable &t);
void registerAttentionOps(OpTable &t);
void registerIndexingOps(OpTable &t);
void registerRecurrentOps(OpTable &t);
void registerSignalOps(OpTable &t);
void registerDetectionOps(OpTable &t);
void registerLossesOps(OpTable &t);
void registerMathOps(OpTable &t);
void registerMiscOps(OpTable &t);
void registerQuantOps(OpTable &t);
void registerNormOps(OpTable &t);

} // namespace kiln::onnx::detail

#endif
