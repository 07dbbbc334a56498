//===- DType.h - PyTorch scalar types ---------------------------*- C++ -*-===//
//
// kiln: PyTorch's ScalarType numbering (c10/core/ScalarType.h; the integers
// TorchScript code uses, e.g. `torch.to(x, 6)`), element sizes, and the names
// used by storage classes (torch.FloatStorage), dtype objects (torch.float32)
// and safetensors headers ("F32").
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TORCH_DTYPE_H
#define KILN_TORCH_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kiln::torch {

enum class DType : int {
  UInt8 = 0,
  Int8 = 1,
  Int16 = 2,
  Int32 = 3,
  Int64 = 4,
  Float16 = 5,
  Float32 = 6,
  Float64 = 7,
  Complex32 = 8,
  Complex64 = 9,
  Complex128 = 10,
  Bool = 11,
  QInt8 = 12,
  QUInt8 = 13,
  QInt32 = 14,
  BFloat16 = 15,
  QUInt4x2 = 16,
  QUInt2x4 = 17,
  Bits1x8 = 18,
  Bits2x4 = 19,
  Bits4x2 = 20,
  Bits8 = 21,
  Bits16 = 22,
  Float8_e5m2 = 23,
  Float8_e4m3fn = 24,
  Float8_e5m2fnuz = 25,
  Float8_e4m3fnuz = 26,
  UInt16 = 27,
  UInt32 = 28,
  UInt64 = 29,
  Invalid = -1,
};

/// Bytes per element (0 for Invalid).
size_t dtypeSize(DType t);
/// Short name, as torch prints it without "torch.": "float32", "bfloat16".
std::string_view dtypeName(DType t);
/// From a storage class name without module ("FloatStorage"); Invalid if
/// unknown. "UntypedStorage"/"ByteStorage" give UInt8.
DType dtypeFromStorageClass(std::string_view name);
/// From a dtype attribute name of module torch ("float32", "float", "half",
/// "long", ...); Invalid if unknown.
DType dtypeFromTorchName(std::string_view name);
/// From a safetensors dtype string ("F32", "BF16", "BOOL", ...).
DType dtypeFromSafetensors(std::string_view name);
/// The safetensors spelling, or empty if safetensors has none.
std::string_view dtypeSafetensorsName(DType t);
/// From the ScalarType integer; Invalid when out of range.
DType dtypeFromInt(int64_t v);

} // namespace kiln::torch

#endif // KILN_TORCH_DTYPE_H
