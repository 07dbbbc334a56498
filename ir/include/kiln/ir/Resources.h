//===- Resources.h - weights as resource blobs over mapped memory -*- C++ -*-===//
//
// Importers hand large constants to the IR as DenseResourceElementsAttr
// blobs that point straight at the memory-mapped model file: nothing is
// copied into the MLIR context, and the mapping stays alive as long as any
// blob points into it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_RESOURCES_H
#define KILN_IR_RESOURCES_H

#include "mlir/IR/BuiltinAttributes.h"
#include <memory>

namespace kiln {

/// A resource attribute of `type` whose bytes are [data, data + size), kept
/// alive by `owner` (e.g. a shared_ptr<MappedFile>). `size` must equal the
/// type's element count times the element byte width (bool: one byte).
/// `name` is a hint; MLIR makes it unique in the context.
mlir::DenseResourceElementsAttr makeMappedResource(mlir::RankedTensorType type,
                                                   llvm::StringRef name, const void *data,
                                                   size_t size, std::shared_ptr<const void> owner);

/// A resource attribute that owns a copy of `bytes` (small or computed data).
mlir::DenseResourceElementsAttr makeOwnedResource(mlir::RankedTensorType type,
                                                  llvm::StringRef name,
                                                  llvm::ArrayRef<char> bytes);

/// Bytes per element of a tensor element type as stored in blobs (i1: 1).
size_t storageBytes(mlir::Type elementType);

} // namespace kiln

#endif // KILN_IR_RESOURCES_H
