//===- DType.cpp - PyTorch scalar types -----------------------------------===//

#include "kiln/torch/DType.h"

#include <string>

namespace kiln::torch {

namespace {

struct Info {
  DType t;
  unsigned size;
  const char *name;    // torch.<name>
  const char *storage; // <storage>Storage, or null
  const char *st;      // safetensors, or null
};

const Info kInfo[] = {
    {DType::UInt8, 1, "uint8", "Byte", "U8"},
    {DType::Int8, 1, "int8", "Char", "I8"},
    {DType::Int16, 2, "int16", "Short", "I16"},
    {DType::Int32, 4, "int32", "Int", "I32"},
    {DType::Int64, 8, "int64", "Long", "I64"},
    {DType::Float16, 2, "float16", "Half", "F16"},
    {DType::Float32, 4, "float32", "Float", "F32"},
    {DType::Float64, 8, "float64", "Double", "F64"},
    {DType::Complex32, 4, "complex32", "ComplexHalf", nullptr},
    {DType::Complex64, 8, "complex64", "ComplexFloat", "C64"},
    {DType::Complex128, 16, "complex128", "ComplexDouble", nullptr},
    {DType::Bool, 1, "bool", "Bool", "BOOL"},
    {DType::QInt8, 1, "qint8", "QInt8", nullptr},
    {DType::QUInt8, 1, "quint8", "QUInt8", nullptr},
    {DType::QInt32, 4, "qint32", "QInt32", nullptr},
    {DType::BFloat16, 2, "bfloat16", "BFloat16", "BF16"},
    {DType::QUInt4x2, 1, "quint4x2", "QUInt4x2", nullptr},
    {DType::QUInt2x4, 1, "quint2x4", "QUInt2x4", nullptr},
    {DType::Bits1x8, 1, "bits1x8", nullptr, nullptr},
    {DType::Bits2x4, 1, "bits2x4", nullptr, nullptr},
    {DType::Bits4x2, 1, "bits4x2", nullptr, nullptr},
    {DType::Bits8, 1, "bits8", nullptr, nullptr},
    {DType::Bits16, 2, "bits16", nullptr, nullptr},
    {DType::Float8_e5m2, 1, "float8_e5m2", nullptr, "F8_E5M2"},
    {DType::Float8_e4m3fn, 1, "float8_e4m3fn", nullptr, "F8_E4M3"},
    {DType::Float8_e5m2fnuz, 1, "float8_e5m2fnuz", nullptr, nullptr},
    {DType::Float8_e4m3fnuz, 1, "float8_e4m3fnuz", nullptr, nullptr},
    {DType::UInt16, 2, "uint16", nullptr, "U16"},
    {DType::UInt32, 4, "uint32", nullptr, "U32"},
    {DType::UInt64, 8, "uint64", nullptr, "U64"},
};

const Info *info(DType t) {
  int i = static_cast<int>(t);
  if (i < 0 || i >= int(sizeof kInfo / sizeof kInfo[0]))
    return nullptr;
  return &kInfo[i];
}

} // namespace

size_t dtypeSize(DType t) {
  const Info *i = info(t);
  return i ? i->size : 0;
}

std::string_view dtypeName(DType t) {
  const Info *i = info(t);
  return i ? i->name : "invalid";
}

DType dtypeFromStorageClass(std::string_view name) {
  if (name == "UntypedStorage")
    return DType::UInt8;
  const std::string_view suffix = "Storage";
  if (name.size() <= suffix.size() ||
      name.substr(name.size() - suffix.size()) != suffix)
    return DType::Invalid;
  name.remove_suffix(suffix.size());
  for (const Info &i : kInfo)
    if (i.storage && name == i.storage)
      return i.t;
  return DType::Invalid;
}

DType dtypeFromTorchName(std::string_view name) {
  for (const Info &i : kInfo)
    if (name == i.name)
      return i.t;
  struct Alias {
    const char *n;
    DType t;
  };
  static const Alias aliases[] = {
      {"float", DType::Float32},      {"double", DType::Float64},
      {"half", DType::Float16},       {"short", DType::Int16},
      {"int", DType::Int32},          {"long", DType::Int64},
      {"cfloat", DType::Complex64},   {"cdouble", DType::Complex128},
      {"chalf", DType::Complex32},
  };
  for (const Alias &a : aliases)
    if (name == a.n)
      return a.t;
  return DType::Invalid;
}

DType dtypeFromSafetensors(std::string_view name) {
  for (const Info &i : kInfo)
    if (i.st && name == i.st)
      return i.t;
  return DType::Invalid;
}

std::string_view dtypeSafetensorsName(DType t) {
  const Info *i = info(t);
  return i && i->st ? i->st : "";
}

DType dtypeFromInt(int64_t v) {
  if (v < 0 || v >= int64_t(sizeof kInfo / sizeof kInfo[0]))
    return DType::Invalid;
  return static_cast<DType>(v);
}

} // namespace kiln::torch
