//===- ScriptEval.h - evaluating TorchScript code into kiln IR --*- C++ -*-===//
//
// The evaluator behind importTorchScript, exposed for tests: values of the
// TorchScript language (compile-time scalars, strings, containers, module
// objects, and tensors that are either IR values or archive data not yet
// materialized), and an Evaluator that runs a method over parsed code and
// emits kiln ops for tensor operations.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TORCH_SCRIPTEVAL_H
#define KILN_TORCH_SCRIPTEVAL_H

#include "kiln/torch/ScriptAst.h"
#include "kiln/torch/TorchScriptImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Value.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kiln::torch::script {

/// Tensor data held by the archive (a parameter, buffer or constant), turned
/// into a kiln.constant the first time an op uses it. Sizes, strides and the
/// offset are in elements, as PyTorch stores them.
struct TensorData {
  int dtype = 6;                       // PyTorch ScalarType number (6 = float32)
  std::vector<int64_t> shape, strides;
  int64_t offset = 0;
  const uint8_t *storage = nullptr;    // the storage record's first byte
  size_t storageBytes = 0;
  std::shared_ptr<const void> owner;   // keeps the mapping alive
  std::string name;                    // for the resource blob
  mlir::Value materialized;
};

struct Object;
struct Val;
using ValVec = std::vector<Val>;

struct Val {
  enum class K { None, Bool, Int, Float, Str, Tensor, List, Tuple, Dict, Object, Func, Device, Uninit };
  K k = K::None;
  int64_t i = 0;
  double f = 0;
  std::string s; // Str, Func (qualified name), Device
  mlir::Value t; // Tensor: an IR value ...
  std::shared_ptr<TensorData> data;            // ... or archive data
  std::shared_ptr<ValVec> items;               // List, Tuple
  std::shared_ptr<std::vector<std::pair<Val, Val>>> dict;
  std::shared_ptr<Object> obj;
  bool fromNumToTensor = false; // an Int/Float that TorchScript holds as a 0-d tensor

  static Val none() { return {}; }
  static Val boolean(bool b) { Val v; v.k = K::Bool; v.i = b; return v; }
  static Val integer(int64_t n) { Val v; v.k = K::Int; v.i = n; return v; }
  static Val real(double x) { Val v; v.k = K::Float; v.f = x; return v; }
  static Val str(std::string x) { Val v; v.k = K::Str; v.s = std::move(x); return v; }
  static Val tensor(mlir::Value x) { Val v; v.k = K::Tensor; v.t = x; return v; }
  static Val tensorData(std::shared_ptr<TensorData> d) { Val v; v.k = K::Tensor; v.data = std::move(d); return v; }
  static Val list(ValVec xs) { Val v; v.k = K::List; v.items = std::make_shared<ValVec>(std::move(xs)); return v; }
  static Val tuple(ValVec xs) { Val v; v.k = K::Tuple; v.items = std::make_shared<ValVec>(std::move(xs)); return v; }
  static Val object(std::shared_ptr<Object> o) { Val v; v.k = K::Object; v.obj = std::move(o); return v; }
  static Val func(std::string q) { Val v; v.k = K::Func; v.s = std::move(q); return v; }

  bool isNumber() const { return k == K::Int || k == K::Float || k == K::Bool; }
  double num() const { return k == K::Float ? f : (double)i; }
  std::string kindName() const;
};

/// A module or class instance from data.pkl: {class, state}.
struct Object {
  std::string cls; // qualified class name, e.g. __torch__.torch.nn.modules.linear.Linear
  std::vector<std::pair<std::string, Val>> attrs;
  Val *find(const std::string &n) {
    for (auto &a : attrs)
      if (a.first == n)
        return &a.second;
    return nullptr;
  }
};

/// Runs TorchScript methods over parsed code and builds kiln IR.
class Evaluator {
public:
  Evaluator(mlir::MLIRContext &ctx, std::string archive);
  ~Evaluator();

  /// Adds a parsed code file (classes and free functions).
  void addModule(std::unique_ptr<Module> m);
  /// The CONSTANTS table (constants.pkl).
  void setConstants(ValVec constants);
  /// The archive's file-format version (changes `div` and `full` below 4/5).
  void setFormatVersion(int64_t v) { formatVersion = v; }

  /// Builds `module` with one function from `root`'s method. Throws
  /// ScriptError naming the archive, the code file and the line.
  mlir::ModuleOp build(const Val &root, const TorchScriptImportOptions &options);

  struct Impl;

private:
  std::unique_ptr<Impl> impl;
  int64_t formatVersion = 3;
};

} // namespace kiln::torch::script

#endif // KILN_TORCH_SCRIPTEVAL_H
