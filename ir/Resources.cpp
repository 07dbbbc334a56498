//===- Resources.cpp - weights as resource blobs over mapped memory -------===//
#include "kiln/ir/Resources.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace kiln {

size_t storageBytes(Type elementType) {
  unsigned bits = elementType.getIntOrFloatBitWidth();
  return bits < 8 ? 1 : bits / 8;
}

/// The largest power-of-two alignment (up to 64) that `p` satisfies.
static size_t alignmentOf(const void *p) {
  auto addr = reinterpret_cast<uintptr_t>(p);
  size_t align = 64;
  while (align > 1 && addr % align != 0)
    align /= 2;
  return align;
}

DenseResourceElementsAttr makeMappedResource(RankedTensorType type, StringRef name,
                                             const void *data, size_t size,
                                             std::shared_ptr<const void> owner) {
  ArrayRef<char> bytes(static_cast<const char *>(data), size);
  AsmResourceBlob blob(
      bytes, alignmentOf(data),
      [owner = std::move(owner)](void *, size_t, size_t) mutable { owner.reset(); },
      /*dataIsMutable=*/false);
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

DenseResourceElementsAttr makeOwnedResource(RankedTensorType type, StringRef name,
                                            ArrayRef<char> bytes) {
  // An empty tensor's bytes may have a null data(): MLIR's copy would then
  // memcpy from null, so allocate the (empty) blob without copying.
  return DenseResourceElementsAttr::get(
      type, name,
      bytes.empty() ? HeapAsmResourceBlob::allocate(0, 64)
                    : HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, 64));
}

} // namespace kiln
