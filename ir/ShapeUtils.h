//===- ShapeUtils.h - shape arithmetic shared by inference and folding ----===//
//
// Internal to ir/ (not installed). Dynamic dims are ShapedType::kDynamic.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_SHAPEUTILS_H
#define KILN_IR_SHAPEUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include <optional>
#include <string>

namespace kiln {

constexpr int64_t kDyn = mlir::ShapedType::kDynamic;
inline bool isDyn(int64_t d) { return d == kDyn; }

/// "2x?x3" for error messages.
std::string shapeStr(llvm::ArrayRef<int64_t> shape);

/// Emits "'<op>' op <message>" at the location, when there is one.
struct Diag {
  std::optional<mlir::Location> loc;
  llvm::StringRef op;
  template <typename... Args>
  mlir::LogicalResult fail(Args &&...args) const {
    if (loc)
      ((mlir::emitError(*loc) << "'" << op << "' op ") << ... << std::forward<Args>(args));
    return mlir::failure();
  }
};

/// Axis in [-rank, rank) to [0, rank), or an error naming `what`.
mlir::FailureOr<int64_t> normalizeAxis(const Diag &d, int64_t axis, int64_t rank,
                                       llvm::StringRef what = "axis");

/// numpy broadcast of two shapes; an error when static dims disagree.
mlir::FailureOr<llvm::SmallVector<int64_t>> broadcastShapes(const Diag &d,
                                                            llvm::ArrayRef<int64_t> a,
                                                            llvm::ArrayRef<int64_t> b);

/// Output size of a sliding window (conv/pool) along one dim, or kDyn.
/// autoPad: "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER".
int64_t windowOutputDim(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                        int64_t padBegin, int64_t padEnd, llvm::StringRef autoPad,
                        bool ceilMode);

/// Resolves the pads of a sliding window: explicit (NOTSET), zero (VALID), or
/// SAME_UPPER/SAME_LOWER from a static input size. Returns false when the
/// input size is dynamic and the pads depend on it.
bool resolveWindowPads(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                       llvm::StringRef autoPad, int64_t &padBegin, int64_t &padEnd);

/// Clamped ONNX slice along one dim: fills start and the result length.
void sliceBounds(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t &first,
                 int64_t &count);

/// Row-major strides of a static shape.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);

/// For each element of `outShape` (row-major), the offset of the element of
/// an input of `inShape` that broadcasts to it.
std::vector<int64_t> broadcastOffsets(llvm::ArrayRef<int64_t> inShape,
                                      llvm::ArrayRef<int64_t> outShape);

} // namespace kiln

/// The signature of an op's inferReturnTypes, and the adaptor `a` and the
/// Diag `d` its body uses (kiln ops implement InferTypeOpInterface).
#define KILN_INFER(OP)                                                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,                \
                                     ValueRange operands, DictionaryAttr attributes,               \
                                     OpaqueProperties properties, RegionRange regions,             \
                                     SmallVectorImpl<Type> &results)
#define KILN_ADAPTOR(OP)                                                                           \
  OP::Adaptor a(operands, attributes, properties, regions);                                        \
  Diag d{loc, OP::getOperationName()};                                                             \
  (void)d;                                                                                         \
  (void)ctx

#endif // KILN_IR_SHAPEUTILS_H
