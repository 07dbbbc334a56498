//===- ConstantUtils.cpp - reading and writing constant tensors -----------===//
#include "kiln/ir/ConstantUtils.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"
#include <cstring>

using namespace mlir;

namespace kiln {

int64_t staticNumElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    if (d != 0 && n > INT64_MAX / d)
      return -1;
    n *= d;
  }
  return n;
}

static double apfloatToDouble(APFloat v) {
  bool lost = false;
  v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return v.convertToDouble();
}

static int64_t apintToInt(const APInt &v, Type elt) {
  if (elt.isUnsignedInteger() || elt.isInteger(1))
    return (int64_t)v.getZExtValue();
  return v.getSExtValue();
}

// Decodes little-endian raw bytes of a resource blob.
static bool decodeRaw(ArrayRef<char> raw, Type elt, int64_t n, ConstTensor &out) {
  unsigned bits = elt.getIntOrFloatBitWidth();
  unsigned bytes = bits == 1 ? 1 : bits / 8;
  if ((int64_t)raw.size() != n * (int64_t)bytes)
    return false;
  const char *p = raw.data();
  if (auto ft = dyn_cast<FloatType>(elt)) {
    out.f.resize(n);
    for (int64_t k = 0; k < n; ++k) {
      uint64_t word = 0;
      std::memcpy(&word, p + k * bytes, bytes);
      out.f[k] = apfloatToDouble(APFloat(ft.getFloatSemantics(), APInt(bits, word)));
    }
    return true;
  }
  out.i.resize(n);
  for (int64_t k = 0; k < n; ++k) {
    uint64_t word = 0;
    std::memcpy(&word, p + k * bytes, bytes);
    out.i[k] = apintToInt(APInt(bits == 1 ? 8 : bits, word), elt);
    if (bits == 1)
      out.i[k] = out.i[k] != 0;
  }
  return true;
}

std::optional<ConstTensor> readConstant(Attribute attr, int64_t maxElements) {
  auto elements = dyn_cast_or_null<ElementsAttr>(attr);
  if (!elements)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(elements.getShapedType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  int64_t n = type.getNumElements();
  if (n > maxElements)
    return std::nullopt;
  ConstTensor out;
  out.shape.assign(type.getShape().begin(), type.getShape().end());
  out.elementType = type.getElementType();
  if (!out.elementType.isIntOrFloat())
    return std::nullopt;
  out.isFloat = isa<FloatType>(out.elementType);

  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (out.isFloat) {
      out.f.reserve(n);
      for (APFloat v : dense.getValues<APFloat>())
        out.f.push_back(apfloatToDouble(v));
    } else {
      out.i.reserve(n);
      for (APInt v : dense.getValues<APInt>())
        out.i.push_back(apintToInt(v, out.elementType));
    }
    return out;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    if (!decodeRaw(blob->getData(), out.elementType, n, out))
      return std::nullopt;
    return out;
  }
  return std::nullopt;
}

std::optional<SmallVector<int64_t>> getConstantInts(Value value) {
  Attribute attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto c = readConstant(attr, 1 << 20);
  if (!c || c->isFloat)
    return std::nullopt;
  return SmallVector<int64_t>(c->i.begin(), c->i.end());
}

DenseElementsAttr makeConstant(RankedTensorType type, const ConstTensor &values) {
  Type elt = type.getElementType();
  int64_t n = values.size();
  if (auto ft = dyn_cast<FloatType>(elt)) {
    SmallVector<APFloat> out;
    out.reserve(n);
    for (int64_t k = 0; k < n; ++k) {
      APFloat v(values.asDouble(k));
      bool lost = false;
      v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(v);
    }
    return DenseElementsAttr::get(type, out);
  }
  unsigned bits = elt.getIntOrFloatBitWidth();
  SmallVector<APInt> out;
  out.reserve(n);
  for (int64_t k = 0; k < n; ++k) {
    int64_t v = values.isFloat ? (int64_t)values.f[k] : values.i[k];
    if (bits == 1)
      v = values.isFloat ? values.f[k] != 0.0 : values.i[k] != 0;
    out.push_back(APInt(64, (uint64_t)v, /*isSigned=*/true).zextOrTrunc(bits));
  }
  return DenseElementsAttr::get(type, out);
}

ConstTensor makeLike(const ConstTensor &like, ArrayRef<int64_t> shape, Type elementType) {
  ConstTensor out;
  out.shape.assign(shape.begin(), shape.end());
  out.elementType = elementType ? elementType : like.elementType;
  out.isFloat = isa<FloatType>(out.elementType);
  int64_t n = staticNumElements(shape);
  if (out.isFloat)
    out.f.assign(n, 0.0);
  else
    out.i.assign(n, 0);
  return out;
}

} // namespace kiln
