//===- ConstantFold.cpp - evaluate constant subgraphs with the reference kernels ===//
//
// `kiln-constant-fold`: every kiln op whose operands are all constants and
// whose results have static shapes is evaluated at compile time by the
// reference kernels (backends/reference/kernels, the oracle every backend is
// tested against), and replaced by constants. Unlike the folders (which stop
// at kMaxFoldElements elements), this pass handles weight-sized tensors, with
// a size rule so that folding never grows the artifact much:
//
//   a fold happens when its results hold at most `max-elements` elements in
//   all (default 16 Mi) AND their bytes are at most max(the bytes of the
//   op's constant operands, `growth-bytes`) (default 64 KiB).
//
// So a fold can add at most 64 KiB beyond what it reads (e.g. expanding a
// scalar to a 64 KiB tensor), never multiply a weight (a broadcast of a 1 MiB
// weight to 16 MiB stays a run-time op). Then identical constants are shared:
// constants are hashed by element type, shape and bytes (xxh3, then compared
// byte for byte) and every duplicate's uses go to the first. Dead ops are
// erased.
//
//===----------------------------------------------------------------------===//
#include "PassUtils.h"
#include "kiln/passes/Passes.h"
#include "kiln/ir/Resources.h"

#include "../backends/reference/kernels/Kernels.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/xxhash.h"

#include <map>

using namespace mlir;

namespace kiln {
namespace {

bool convertAttr(Attribute v, ref::Attr &out) {
  if (auto b = dyn_cast<BoolAttr>(v))
    out = ref::Attr::makeInt(b.getValue());
  else if (auto i = dyn_cast<IntegerAttr>(v))
    out = ref::Attr::makeInt(i.getValue().getSExtValue());
  else if (auto f = dyn_cast<FloatAttr>(v))
    out = ref::Attr::makeFloat(f.getValueAsDouble());
  else if (auto s = dyn_cast<StringAttr>(v))
    out = ref::Attr::makeString(s.str());
  else if (auto ints = dyn_cast<DenseI64ArrayAttr>(v))
    out = ref::Attr::makeInts(std::vector<int64_t>(ints.asArrayRef().begin(), ints.asArrayRef().end()));
  else if (auto fl = dyn_cast<DenseF32ArrayAttr>(v))
    out = ref::Attr::makeFloats(std::vector<double>(fl.asArrayRef().begin(), fl.asArrayRef().end()));
  else if (auto t = dyn_cast<TypeAttr>(v)) {
    int32_t d = dtypeOf(t.getValue());
    if (!d)
      return false;
    out = ref::Attr::makeType(ref::DType(d));
  } else if (auto e = dyn_cast<ElementsAttr>(v)) {
    auto c = readConstant(e, 1);
    int32_t d = dtypeOf(e.getShapedType().getElementType());
    if (!c || c->size() != 1 || !d)
      return false;
    out = ref::Attr::makeValue(ref::DType(d), c->asDouble(0));
  } else
    return false;
  return true;
}

struct ConstantFoldPass : PassWrapper<ConstantFoldPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ConstantFoldPass)
  ConstantFoldPass() = default;
  ConstantFoldPass(const ConstantFoldPass &other) : PassWrapper(other) {}
  StringRef getArgument() const override { return "kiln-constant-fold"; }
  StringRef getDescription() const override {
    return "Evaluate ops on constants with the reference kernels (size-limited) and share "
           "identical constants";
  }
  Option<int64_t> maxElements{*this, "max-elements",
                              llvm::cl::desc("largest folded result, in elements"),
                              llvm::cl::init(int64_t(1) << 24)};
  Option<int64_t> growthBytes{*this, "growth-bytes",
                              llvm::cl::desc("a fold may write this many bytes beyond what it reads"),
                              llvm::cl::init(int64_t(64) << 10)};

  Statistic folded{this, "folded", "ops evaluated at compile time"};
  Statistic shared{this, "shared", "duplicate constants replaced by an identical one"};

  /// Evaluates `op` when it qualifies; true when it was replaced.
  bool tryFold(Operation *op, OpBuilder &b) {
    if (!isa<KilnDialect>(op->getDialect()) || isa<ConstantOp, CustomOp>(op) ||
        op->getNumResults() == 0 || op->getNumOperands() == 0)
      return false;
    std::string name = op->getName().stripDialect().str();
    if (!ref::isSupported(name))
      return false;
    // Sizes first: weights are only read (copied) for a fold that will happen.
    int64_t inBytes = 0, outElements = 0, outBytes = 0;
    for (Value v : op->getOperands()) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!v.getDefiningOp<ConstantOp>() || !t || !t.hasStaticShape() || !dtypeOf(t.getElementType()))
        return false;
      inBytes += t.getNumElements() * (int64_t)storageBytes(t.getElementType());
    }
    for (Value r : op->getResults()) {
      auto t = dyn_cast<RankedTensorType>(r.getType());
      if (!t || !t.hasStaticShape() || !dtypeOf(t.getElementType()))
        return false;
      outElements += t.getNumElements();
      outBytes += t.getNumElements() * (int64_t)storageBytes(t.getElementType());
    }
    if (outElements > maxElements || outBytes > std::max<int64_t>(inBytes, growthBytes))
      return false;
    std::vector<std::string> storage(op->getNumOperands());
    std::vector<ref::Tensor> ins(op->getNumOperands());
    std::vector<const ref::Tensor *> insp;
    for (auto [k, v] : llvm::enumerate(op->getOperands())) {
      auto t = cast<RankedTensorType>(v.getType());
      if (!constantBytes(v.getDefiningOp<ConstantOp>().getValue(), storage[k]))
        return false;
      ins[k].dtype = ref::DType(dtypeOf(t.getElementType()));
      ins[k].shape.assign(t.getShape().begin(), t.getShape().end());
      ins[k].data = storage[k].data();
      insp.push_back(&ins[k]);
    }
    ref::Attrs attrs;
    for (NamedAttribute na : op->getAttrs()) {
      if (na.getName().getValue() == "operandSegmentSizes")
        continue;
      ref::Attr a;
      if (!convertAttr(na.getValue(), a))
        return false;
      attrs.set(na.getName().str(), a);
    }
    std::vector<std::vector<int64_t>> shapes;
    std::vector<ref::DType> types;
    if (!ref::inferShapes(name, attrs, insp, shapes, types) || shapes.size() != op->getNumResults())
      return false;
    std::vector<std::vector<char>> outData(shapes.size());
    std::vector<ref::Tensor> outs(shapes.size());
    for (size_t k = 0; k < shapes.size(); ++k) {
      auto t = cast<RankedTensorType>(op->getResult(k).getType());
      if (ref::DType(dtypeOf(t.getElementType())) != types[k] ||
          shapes[k] != std::vector<int64_t>(t.getShape().begin(), t.getShape().end()))
        return false; // the kernels disagree with the IR's type: leave it to run time
      outs[k].dtype = types[k];
      outs[k].shape = shapes[k];
      outData[k].resize(outs[k].byteSize() ? outs[k].byteSize() : 1);
      outs[k].data = outData[k].data();
    }
    if (!ref::run(name, attrs, insp, outs))
      return false;
    b.setInsertionPoint(op);
    SmallVector<Value> repl;
    for (size_t k = 0; k < outs.size(); ++k) {
      auto t = cast<RankedTensorType>(op->getResult(k).getType());
      auto attr = makeOwnedResource(t, "folded", ArrayRef<char>(outData[k].data(), outs[k].byteSize()));
      repl.push_back(b.create<ConstantOp>(op->getLoc(), t, cast<ElementsAttr>(attr)));
    }
    op->replaceAllUsesWith(repl);
    op->erase();
    return true;
  }

  /// The bytes of a constant without copying resource blobs (weights).
  static bool viewBytes(ConstantOp c, std::string &copy, ArrayRef<char> &view) {
    if (auto res = dyn_cast<DenseResourceElementsAttr>(c.getValue())) {
      AsmResourceBlob *blob = res.getRawHandle().getBlob();
      if (!blob)
        return false;
      view = blob->getData();
      return true;
    }
    if (!constantBytes(c.getValue(), copy))
      return false;
    view = ArrayRef<char>(copy.data(), copy.size());
    return true;
  }

  /// Only constants that share their type with another one are read (a
  /// memory-mapped weight of its own type is never touched).
  void share(func::FuncOp func) {
    struct Seen {
      ConstantOp op;
      std::string copy;
      ArrayRef<char> bytes;
    };
    llvm::MapVector<Type, SmallVector<ConstantOp, 2>> byType;
    func.walk([&](ConstantOp c) { byType[c.getType()].push_back(c); });
    SmallVector<ConstantOp> dead;
    for (auto &[type, group] : byType) {
      if (group.size() < 2)
        continue;
      std::map<uint64_t, std::vector<std::unique_ptr<Seen>>> seen;
      for (ConstantOp c : group) {
        auto s = std::make_unique<Seen>();
        s->op = c;
        if (!viewBytes(c, s->copy, s->bytes))
          continue;
        uint64_t h = llvm::xxh3_64bits(llvm::ArrayRef<uint8_t>(
            reinterpret_cast<const uint8_t *>(s->bytes.data()), s->bytes.size()));
        auto &bucket = seen[h];
        bool replaced = false;
        for (auto &first : bucket)
          if (first->bytes == s->bytes && first->op->getBlock() == c->getBlock()) {
            c.getResult().replaceAllUsesWith(first->op.getResult());
            dead.push_back(c);
            ++shared;
            replaced = true;
            break;
          }
        if (!replaced)
          bucket.push_back(std::move(s));
      }
    }
    for (ConstantOp c : dead)
      c->erase();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    OpBuilder b(&getContext());
    // Program order: an op's constant operands are folded before it is visited.
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) { ops.push_back(op); });
    for (Operation *op : ops)
      if (tryFold(op, b))
        ++folded;
    // Dead code: pure ops without users, last to first.
    SmallVector<Operation *> all;
    func.walk([&](Operation *op) { all.push_back(op); });
    for (Operation *op : llvm::reverse(all))
      if (isa<KilnDialect>(op->getDialect()) && op->use_empty() && isPure(op) &&
          op->getNumRegions() == 0)
        op->erase();
    share(func);
  }
};

} // namespace

std::unique_ptr<Pass> createConstantFoldPass() { return std::make_unique<ConstantFoldPass>(); }

} // namespace kiln
