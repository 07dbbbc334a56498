//===- Safetensors.h - safetensors files and sharded sets -------*- C++ -*-===//
//
// kiln: reads .safetensors files (8-byte little-endian header length, a JSON
// header, then raw little-endian tensor bytes) over a kiln::MappedFile and
// hands out tensors as zero-copy views of the mapping.
//
// The header is validated strictly (own JSON parser, see Json.h): the length
// must be sane (SafetensorsLimits::maxHeaderSize and inside the file), every
// entry needs exactly "dtype", "shape" and "data_offsets", dtypes must be
// known, shapes non-negative integers, and [begin, end) must lie inside the
// data area with end - begin == numel * element size; tensors may not
// overlap and, as in the reference implementation, must cover the data area
// without holes. "__metadata__" must map strings to strings.
//
// SafetensorsIndex reads a sharded set's `model.safetensors.index.json`
// ({"metadata": {...}, "weight_map": {tensor: shard file}}), opens each
// shard once (shard names must be plain file names next to the index), and
// checks that every listed tensor is in its shard and that shards hold no
// unlisted tensors.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TORCH_SAFETENSORS_H
#define KILN_TORCH_SAFETENSORS_H

#include "kiln/torch/DType.h"
#include "kiln/torch/Zip.h" // ByteView

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kiln {
class MappedFile;
}

namespace kiln::torch {

struct SafetensorsLimits {
  uint64_t maxHeaderSize = 100'000'000; ///< as the reference implementation
  uint64_t maxTensors = 1u << 20;
  unsigned maxJsonDepth = 16;
};

struct SafetensorsTensor {
  std::string name;
  DType dtype = DType::Invalid;
  std::string dtypeName;             ///< as written ("F32")
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;       ///< relative to the data area
  uint64_t fileOffset = 0;           ///< absolute offset of the first byte
  ByteView data;                     ///< zero-copy view of the mapping
  uint64_t numel() const;
};

class SafetensorsFile {
public:
  static std::unique_ptr<SafetensorsFile> open(const std::string &path,
                                               std::string *error,
                                               const SafetensorsLimits &l = {});
  static std::unique_ptr<SafetensorsFile>
  open(std::shared_ptr<const MappedFile> file, std::string *error,
       const SafetensorsLimits &l = {});

  const std::string &path() const { return path_; }
  /// Tensors in header order.
  const std::vector<SafetensorsTensor> &tensors() const { return tensors_; }
  const SafetensorsTensor *find(std::string_view name) const;
  /// "__metadata__" entries in header order.
  const std::vector<std::pair<std::string, std::string>> &metadata() const {
    return metadata_;
  }
  uint64_t headerSize() const { return headerSize_; }
  uint64_t dataSize() const { return dataSize_; }

private:
  SafetensorsFile() = default;
  bool load(const SafetensorsLimits &l, std::string *error);

  std::shared_ptr<const MappedFile> file_;
  std::string path_;
  std::vector<SafetensorsTensor> tensors_;
  std::map<std::string, size_t, std::less<>> byName_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  uint64_t headerSize_ = 0, dataSize_ = 0;
};

class SafetensorsIndex {
public:
  static std::unique_ptr<SafetensorsIndex>
  open(const std::string &indexPath, std::string *error,
       const SafetensorsLimits &l = {});

  const std::string &path() const { return path_; }
  /// Shards in order of first appearance in weight_map.
  const std::vector<std::unique_ptr<SafetensorsFile>> &shards() const {
    return shards_;
  }
  /// (tensor name, shard index) in weight_map order.
  const std::vector<std::pair<std::string, size_t>> &weightMap() const {
    return weightMap_;
  }
  /// The tensor and the shard holding it, or null.
  const SafetensorsTensor *find(std::string_view name,
                                const SafetensorsFile **shard = nullptr) const;
  /// "metadata" entries rendered as text (numbers/strings).
  const std::vector<std::pair<std::string, std::string>> &metadata() const {
    return metadata_;
  }

private:
  SafetensorsIndex() = default;
  std::string path_;
  std::vector<std::unique_ptr<SafetensorsFile>> shards_;
  std::vector<std::pair<std::string, size_t>> weightMap_;
  std::map<std::string, size_t, std::less<>> byName_;
  std::vector<std::pair<std::string, std::string>> metadata_;
};

} // namespace kiln::torch

#endif // KILN_TORCH_SAFETENSORS_H
