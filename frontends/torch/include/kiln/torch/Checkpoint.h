//===- Checkpoint.h - torch.save files without Python -----------*- C++ -*-===//
//
// kiln: opens what torch.save writes and lists its tensors without reading
// tensor data:
//  - the zip format (PyTorch >= 1.6): data.pkl + data/<key> storages,
//    `version` / `.data/version`, 2.x `byteorder`;
//  - the legacy format (pre-1.6, `_use_new_zipfile_serialization=False`):
//    magic number, protocol, sys_info, the pickled object, storage keys,
//    then raw storages;
//  - a bare pickle stream (.pkl) with the same allow-list (no storages);
//  - a TorchScript archive (torch.jit.save): data.pkl read in TorchScript
//    mode (modules become inert objects) plus constants.pkl.
// Pickles are read with kiln/torch/Pickle.h (weights-only semantics unless
// the file is TorchScript); nothing in the file is executed.
//
// Every tensor is listed with a key path built from dict keys, list/tuple
// indices and object attributes ("model.fc.weight", "optimizer.state.0.
// exp_avg"), its dtype, shape, strides and byte size. Tensors that are
// views of one storage share it. tensorView() hands out a zero-copy view of
// the mapping when the tensor is contiguous and in little-endian byte
// order; tensorBytes() copies any tensor into contiguous row-major bytes.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TORCH_CHECKPOINT_H
#define KILN_TORCH_CHECKPOINT_H

#include "kiln/torch/Pickle.h"
#include "kiln/torch/Zip.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kiln {
class MappedFile;
}

namespace kiln::torch {

struct CheckpointOptions {
  /// Allow-list extensions and limits for the pickles.
  std::vector<std::string> extraGlobals;
  PickleLimits pickleLimits;
  ZipLimits zipLimits;
  /// Check the CRC-32 of every storage record when opening (reads all data).
  bool verifyCrc = false;
  /// Accept TorchScript archives (torch.load(weights_only=True) refuses
  /// them; their pickles name code classes, which stay inert here).
  bool allowTorchScript = true;
};

struct CheckpointTensor {
  std::string key;                    ///< key path
  DType dtype = DType::Invalid;
  std::vector<int64_t> sizes, strides;
  int64_t storageOffset = 0;          ///< elements
  uint64_t numel = 0;
  uint64_t nbytes = 0;                ///< numel * element size
  std::string storageKey;
  uint64_t storageBytes = 0;          ///< size of the whole storage
  bool parameter = false, requiresGrad = false;
  bool contiguous = false;            ///< row-major dense
  const PickleValue *value = nullptr; ///< the Tensor value
};

/// A non-tensor leaf (epoch, lr, strings, ...), rendered as text.
struct CheckpointScalar {
  std::string key;
  std::string text;
};

class Checkpoint {
public:
  enum class Format { Zip, Legacy, Pickle, TorchScript };

  /// Opens `path`; null with *error ("<path>: <reason>") when the file is
  /// malformed or refused.
  static std::unique_ptr<Checkpoint> open(const std::string &path,
                                          std::string *error,
                                          const CheckpointOptions &opt = {});
  static std::unique_ptr<Checkpoint>
  open(std::shared_ptr<const MappedFile> file, std::string *error,
       const CheckpointOptions &opt = {});

  Format format() const { return format_; }
  static const char *formatName(Format f);
  const std::string &path() const { return path_; }
  /// The object torch.save wrote (the module for TorchScript).
  const PickleValue *root() const { return doc_ ? doc_->root() : nullptr; }
  /// TorchScript constants tuple (null otherwise).
  const PickleValue *constants() const {
    return constantsDoc_ ? constantsDoc_->root() : nullptr;
  }
  /// The `version` / `.data/version` record (zip formats; "" if absent), the
  /// byte order ("little" unless a 2.x `byteorder` record says otherwise).
  const std::string &version() const { return version_; }
  const std::string &byteOrder() const { return byteOrder_; }

  const std::vector<CheckpointTensor> &tensors() const { return tensors_; }
  const std::vector<CheckpointScalar> &scalars() const { return scalars_; }
  const CheckpointTensor *find(std::string_view key) const;
  /// Distinct storages referenced by the tensors, and their total bytes.
  size_t storageCount() const { return storageData_.size(); }
  uint64_t totalStorageBytes() const;

  /// The bytes of a tensor's whole storage (zero copy).
  bool storageView(const CheckpointTensor &t, ByteView *out,
                   std::string *error) const;
  /// Zero-copy view of a contiguous little-endian tensor's bytes.
  bool tensorView(const CheckpointTensor &t, ByteView *out,
                  std::string *error) const;
  /// The tensor's elements as contiguous row-major little-endian bytes.
  bool tensorBytes(const CheckpointTensor &t, std::string *out,
                   std::string *error) const;

  ~Checkpoint();

private:
  Checkpoint() = default;
  bool load(std::string *error);
  bool loadZip(std::string *error);
  bool loadLegacy(std::string *error);
  bool loadPickle(std::string *error);
  bool collect(std::string *error);

  std::shared_ptr<const MappedFile> file_;
  std::unique_ptr<ZipArchive> zip_;
  CheckpointOptions opt_;
  std::string path_;
  Format format_ = Format::Pickle;
  std::unique_ptr<PickleDoc> doc_, constantsDoc_;
  std::string version_, byteOrder_ = "little";
  std::vector<CheckpointTensor> tensors_;
  std::vector<CheckpointScalar> scalars_;
  std::map<std::string, size_t> byKey_;
  /// Storage value -> its bytes in the mapping.
  std::map<const PickleValue *, ByteView> storageData_;
};

} // namespace kiln::torch

#endif // KILN_TORCH_CHECKPOINT_H
