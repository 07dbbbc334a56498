//===- ScriptEvalImpl.h - the evaluator's internals (private) ---*- C++ -*-===//
#ifndef KILN_TORCH_SCRIPT_SCRIPTEVALIMPL_H
#define KILN_TORCH_SCRIPT_SCRIPTEVALIMPL_H

#include "kiln/ir/ConstantUtils.h"
#include "kiln/torch/ScriptEval.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace kiln::torch::script {

/// ops.prim.RaiseException reached on a compile-time path.
class RaiseError : public ScriptError {
public:
  using ScriptError::ScriptError;
};

struct Frame {
  std::map<std::string, Val> env;
  Val ret;
};

using KwArgs = std::vector<std::pair<std::string, Val>>;

struct Evaluator::Impl {
  explicit Impl(mlir::MLIRContext &ctx) : ctx(ctx), b(&ctx) {}

  mlir::MLIRContext &ctx;
  mlir::OpBuilder b;
  std::string archive;
  std::vector<std::unique_ptr<Module>> modules;
  std::map<std::string, const ClassDef *> classes;
  std::map<std::string, const FuncDef *> functions;
  ValVec constants;
  int64_t formatVersion = 3;
  TorchScriptImportOptions opts;
  mlir::Block *entry = nullptr;
  int callDepth = 0;
  int64_t steps = 0;
  std::string diag;      // MLIR diagnostics of the op being built
  SourceLoc cur;         // the statement being evaluated
  std::string currentOp; // the call being evaluated, for messages

  [[noreturn]] void error(const std::string &msg);
  mlir::Location loc();

  // IR helpers
  mlir::Operation *createOp(llvm::StringRef name, mlir::ValueRange operands,
                            llvm::ArrayRef<mlir::NamedAttribute> attrs = {}, unsigned numResults = 1);
  mlir::Value op1(llvm::StringRef name, mlir::ValueRange operands,
                  llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    return createOp(name, operands, attrs)->getResult(0);
  }
  mlir::Value constant(mlir::RankedTensorType type, mlir::Attribute value);
  mlir::Value scalarConst(mlir::Type elt, double v, llvm::ArrayRef<int64_t> shape = {});
  mlir::Value constI64(llvm::ArrayRef<int64_t> values);
  mlir::RankedTensorType rankedType(mlir::Value v);
  int64_t rank(mlir::Value v);
  std::vector<int64_t> staticShape(mlir::Value v);
  int64_t normDim(int64_t d, int64_t rank);
  mlir::Type elementType(int dtype);
  int dtypeOf(mlir::Type t);
  mlir::Value materialize(TensorData &d);
  std::optional<ConstTensor> constValue(const Val &v);
  std::optional<Val> asNumber(const Val &v);
  mlir::Value tensor(const Val &v, const char *what = "an operand");
  bool isTensor(const Val &v);
  mlir::Value cast(mlir::Value v, mlir::Type elt);
  std::pair<mlir::Value, mlir::Value> promote(const Val &a, const Val &b);
  mlir::Value binary(llvm::StringRef opName, const Val &a, const Val &b);

  // evaluation
  const ClassDef *classOf(const Object &o);
  bool truth(const Val &v);
  bool sameValue(const Val &a, const Val &b);
  void assign(Frame &f, const Expr &target, const Val &v);
  bool exec(const Block &block, Frame &f);
  bool tensorIf(const Stmt &s, mlir::Value cond, Frame &f);
  bool tensorWhile(const Stmt &s, mlir::Value cond, Frame &f);
  mlir::Type joinedElementType(const Val &x, const Val &y);
  mlir::Value asTensorOf(const Val &v, mlir::Type elt);
  Val eval(const Expr &e, Frame &f);
  Val call(const Expr &e, Frame &f);
  Val subscript(const Val &base, const Val &idx, const SourceLoc &at);
  Val callFunction(const FuncDef &fn, ValVec args, const KwArgs &kwargs, const SourceLoc &site);
  Val callMethod(const Val &self, const std::string &name, ValVec args, const KwArgs &kwargs,
                 const SourceLoc &site);
  Val callNamed(const std::string &q, ValVec pos, KwArgs kw, const SourceLoc &site);
  Val callBuiltin(const std::string &n, ValVec pos, KwArgs kw, const SourceLoc &site);
  Val getAttr(const Val &base, const std::string &name, const SourceLoc &at);
  Val typeCheck(const Val &v, const Expr &type);
  std::string toStr(const Val &v);

  // op tables (AtenOps.cpp)
  Val aten(const std::string &name, ValVec pos, KwArgs kw);
  Val prim(const std::string &name, ValVec pos, KwArgs kw);
};

using Impl = Evaluator::Impl;

} // namespace kiln::torch::script

#endif // KILN_TORCH_SCRIPT_SCRIPTEVALIMPL_H
