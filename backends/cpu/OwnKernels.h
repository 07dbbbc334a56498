//===- OwnKernels.h - the cpu plugin's own kernels for what oneDNN lacks -===//
//
// Data movement and small elementwise ops oneDNN 2.6 has no primitive for
// (transpose, gather, slice, pad in every mode, expand, tile, concat and
// split of any element type, where, cast incl. f16/bf16, shape, f32 binary
// ops with broadcasting on both sides, comparisons and bool logic, lrn with
// ONNX's window, f32/f64 reductions and cum_sum accumulated in double as the
// reference, arg_max/arg_min, clip with run-time bounds). Each
// kernel is built once per plan (shapes known) and runs plain C++ loops: the
// strides of an N-d access pattern are collapsed where dims are contiguous,
// the odometer advances once per row, and the inner loop over the last dim
// is contiguous (memcpy, fill, or a typed loop the compiler vectorizes).
// Element types are handled by size where only bytes move. No MLIR, no
// oneDNN: the unit tests compare these with the reference kernels.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BACKENDS_CPU_OWNKERNELS_H
#define KILN_BACKENDS_CPU_OWNKERNELS_H

#include "kernels/Kernels.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kiln::cpu {

using Dims = std::vector<int64_t>;

/// A kernel with its shapes fixed. run() reads the inputs (in the order the
/// builder documents) and writes the dense row-major output; false with
/// `error` when the data is invalid (e.g. a gather index out of range).
class Kernel {
public:
  virtual ~Kernel() = default;
  virtual bool run(const void *const *in, void *out, std::string &error) const = 0;
  const std::string &name() const { return name_; }

protected:
  explicit Kernel(std::string name) : name_(std::move(name)) {}

private:
  std::string name_;
};

/// Builds the own kernel for kiln op `op` (as in kernels/Kernels.h) with its
/// attributes and the inputs' dtypes and shapes; shape-like operands
/// (slice starts/ends/axes/steps, pad pads, expand shape, tile repeats) must
/// have their data set, the others only dtype and shape. `outShape` and
/// `outType` are the result (from ref::inferShapes). nullptr when this op or
/// these types are not covered (the caller then uses another path); `why`
/// says why.
std::unique_ptr<Kernel> makeKernel(const std::string &op, const ref::Attrs &attrs,
                                   const std::vector<const ref::Tensor *> &inputs, const Dims &outShape,
                                   ref::DType outType, std::string &why);

/// One output of a split along `axis` (normalized): the `out`-shaped slice
/// that starts at `offset` along the axis; any element type of size 1, 2, 4
/// or 8. nullptr with `why` when the arguments do not fit.
std::unique_ptr<Kernel> makeSplitKernel(const ref::Tensor &x, int64_t axis, int64_t offset, const Dims &out,
                                        std::string &why);

/// Ops makeKernel (or makeSplitKernel) can build (for some types); used by the capability query.
bool hasKernel(const std::string &op);

/// The f32 elementwise math ops of the own kernels (what oneDNN 2.6's eltwise
/// lacks: hard_sigmoid, softplus, softsign, selu, celu, mish, erf, sign and
/// the trigonometric and hyperbolic functions).
bool isMathOp(const std::string &op);

/// Element types the own kernels cast between: every numeric type and bool,
/// float16 and bfloat16 included (rounded to nearest even, as the reference).
bool castSupported(ref::DType from, ref::DType to);

} // namespace kiln::cpu

#endif // KILN_BACKENDS_CPU_OWNKERNELS_H
