//===- Kernels.h - kiln reference kernels (portable C++17, MLIR-free) -----===//
//
// The oracle implementation of every kiln op (see ir/include/kiln/ir/KilnOps.td)
// and the backend of last resort. Ops are named as the MLIR op without the
// "kiln." prefix ("conv", "max_pool", "reduce_sum"). Attribute names and
// defaults are those of KilnOps.td.
//
// Usage: inferShapes() to get result shapes and dtypes, allocate outputs,
// then run(). run() re-validates and checks that the outputs match.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BACKENDS_REFERENCE_KERNELS_H
#define KILN_BACKENDS_REFERENCE_KERNELS_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiln::ref {

/// Element types, ONNX TensorProto numbering.
enum class DType : int32_t {
  F32 = 1, U8 = 2, I8 = 3, U16 = 4, I16 = 5, I32 = 6, I64 = 7, Bool = 9,
  F16 = 10, F64 = 11, U32 = 12, U64 = 13, BF16 = 16
};
/// Bytes per element (Bool is one byte, 0 or 1); 0 for an unknown value.
size_t dtypeSize(DType);
/// "f32", "i64", "bool", ...; "?" for an unknown value.
const char *dtypeName(DType);

/// A view of a dense row-major tensor; the caller owns the memory.
struct Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape; // rank 0 = scalar
  void *data = nullptr;
  int64_t numElements() const;
  size_t byteSize() const;
};

/// One attribute. Bool attributes are Int (0/1); F32/F64 attributes are Float;
/// DenseI64ArrayAttr is Ints, DenseF32ArrayAttr is Floats; TypeAttr is Type.
/// constant_of_shape's `value` (an ElementsAttr with one element) is Int or
/// Float (the scalar in i or f) and its element type in `type`.
struct Attr {
  enum Kind { Int, Float, String, Ints, Floats, Type } kind = Int;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  DType type = DType::F32;

  static Attr makeInt(int64_t v);
  static Attr makeFloat(double v);
  static Attr makeString(std::string v);
  static Attr makeInts(std::vector<int64_t> v);
  static Attr makeFloats(std::vector<double> v);
  static Attr makeType(DType t);
  /// A typed scalar (constant_of_shape's value).
  static Attr makeValue(DType t, double v);
  /// The typed scalar of a one-element tensor attribute of element type `t`
  /// at `data` (f32, f64, i64, i32, i8, u8, bool); false for other types.
  static bool fromScalarTensor(DType t, const void *data, Attr &out);
};

struct Attrs {
  std::map<std::string, Attr> items;

  Attrs &set(const std::string &name, Attr a) { items[name] = std::move(a); return *this; }
  bool has(const std::string &name) const { return items.count(name) != 0; }
  const Attr *find(const std::string &name) const;
  int64_t getInt(const std::string &name, int64_t def) const;  // Int (or Float, truncated)
  double getFloat(const std::string &name, double def) const;  // Float or Int
  std::string getString(const std::string &name, const std::string &def) const;
  std::optional<std::vector<int64_t>> getInts(const std::string &name) const;
  std::optional<std::vector<double>> getFloats(const std::string &name) const; // Floats or Ints
  std::optional<DType> getType(const std::string &name) const;
};

struct Status {
  bool ok = true;
  std::string message;
  static Status success() { return {}; }
  static Status error(std::string m) { return {false, std::move(m)}; }
  explicit operator bool() const { return ok; }
};

/// Result shapes and element types from the inputs. A nullptr input is an
/// absent optional operand. Shape-like operands (reshape/expand shape, tile
/// repeats, pad pads, slice starts/ends/axes/steps, constant_of_shape shape,
/// resize sizes, range start/limit/delta) must have their data set; for every
/// other input only dtype and shape are read. Errors name the op and problem.
Status inferShapes(const std::string &op, const Attrs &attrs,
                   const std::vector<const Tensor *> &inputs,
                   std::vector<std::vector<int64_t>> &outShapes, std::vector<DType> &outTypes);

/// Runs the op. `outputs` must already be allocated with exactly the shapes
/// and dtypes inferShapes gives (checked); every input's data must be set.
Status run(const std::string &op, const Attrs &attrs, const std::vector<const Tensor *> &inputs,
           std::vector<Tensor> &outputs);

/// Every kiln op except "constant" (handled by the runtime).
bool isSupported(const std::string &op);
std::vector<std::string> supportedOps();

} // namespace kiln::ref

#endif // KILN_BACKENDS_REFERENCE_KERNELS_H
