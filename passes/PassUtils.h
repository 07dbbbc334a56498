//===- PassUtils.h - helpers shared by kiln's rewrite passes ----*- C++ -*-===//
//
// Not installed: constants as values, per-channel constant operands, and the
// "what changed" counters the passes report to `kiln compile --report`.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_PASSUTILS_H
#define KILN_PASSES_PASSUTILS_H

#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"

#include "mlir/IR/PatternMatch.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// The ONNX TensorProto element type number of an MLIR element type (0: none).
int32_t dtypeOf(mlir::Type t);

/// Row-major little-endian bytes of a constant (bool: one byte each).
bool constantBytes(mlir::ElementsAttr attr, std::string &out);

/// The values of `v` when it is produced by a constant (any size).
std::optional<ConstTensor> constantValues(mlir::Value v);

/// A resource constant of f32 `values` (weights can be large).
mlir::Value makeF32Constant(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                            const std::vector<double> &values, llvm::StringRef name);

/// The values of a constant `c` that broadcasts against a result of rank
/// `rank` only along `axis` (every other dim 1, or absent), expanded to `m`
/// values (a scalar or one-element constant is repeated); nullopt otherwise.
std::optional<std::vector<double>> perChannel(mlir::Value c, int64_t rank, int64_t axis,
                                              int64_t m);

/// True when `v` is a static f32 ranked tensor.
bool isStaticF32(mlir::Value v);

/// Rewrites a linear producer (conv, linear, gemm or matmul with constant
/// 2-D weights, optionally followed by `add` of a constant per-channel bias)
/// so that its result becomes `result * s + t` per output channel (channel
/// axis 1 for conv, the last axis otherwise). `s` or `t` may be empty
/// (1 and 0). `root` is the op whose result is replaced (the producer or
/// its bias add), `replaced` the op whose result is to be replaced by the
/// new value (e.g. the batch norm). Fails without changing the IR when the
/// producer does not qualify.
mlir::LogicalResult foldAffineIntoProducer(mlir::PatternRewriter &rw, mlir::Value producerResult,
                                           mlir::Operation *replaced,
                                           const std::vector<double> &s,
                                           const std::vector<double> &t);

/// The number of output channels and the channel axis of a foldable linear
/// producer, or nullopt.
std::optional<std::pair<int64_t, int64_t>> producerChannels(mlir::Value producerResult);

} // namespace kiln

#endif // KILN_PASSES_PASSUTILS_H
