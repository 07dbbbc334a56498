//===- ConstantUtils.h - reading and writing constant tensors ---*- C++ -*-===//
//
// The folders and the constant-folding passes work on constants through
// ConstTensor: the values of a dense, splat or resource-blob ElementsAttr as
// doubles (floating point) or int64 (integers and bool), with the shape.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_CONSTANTUTILS_H
#define KILN_IR_CONSTANTUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include <cstdint>
#include <optional>
#include <vector>

namespace kiln {

/// Folds never read or produce constants larger than this many elements, so
/// a fold never multiplies the size of a model. The constant-folding pass
/// has its own, adjustable, limit.
constexpr int64_t kMaxFoldElements = 1 << 16;

struct ConstTensor {
  llvm::SmallVector<int64_t, 4> shape;
  mlir::Type elementType;
  bool isFloat = false;
  std::vector<double> f;  // when isFloat
  std::vector<int64_t> i; // otherwise (bool as 0/1, unsigned as bit pattern)

  int64_t size() const { return isFloat ? (int64_t)f.size() : (int64_t)i.size(); }
  double asDouble(int64_t k) const { return isFloat ? f[k] : (double)i[k]; }
};

/// The values of `attr` when it is an ElementsAttr with a static shape and at
/// most `maxElements` elements (splats of any size are accepted only up to it
/// too); std::nullopt otherwise.
std::optional<ConstTensor> readConstant(mlir::Attribute attr,
                                        int64_t maxElements = kMaxFoldElements);

/// The integer values of a constant operand (shape, axes, pads...), when the
/// value is produced by a constant op.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value value);

/// A dense attribute of `type` (static shape) holding `values`, converted to
/// the element type (floats rounded to nearest even, ints wrapped, bool != 0).
mlir::DenseElementsAttr makeConstant(mlir::RankedTensorType type, const ConstTensor &values);

/// A new ConstTensor of `shape` with `like`'s element type, zero filled.
ConstTensor makeLike(const ConstTensor &like, llvm::ArrayRef<int64_t> shape,
                     mlir::Type elementType = {});

/// Number of elements of a static shape (-1 if dynamic or overflowing int64).
int64_t staticNumElements(llvm::ArrayRef<int64_t> shape);

} // namespace kiln

#endif // KILN_IR_CONSTANTUTILS_H
