//===- ExternalData.h - tensors stored beside an ONNX model -----*- C++ -*-===//
//
// ONNX models over protobuf's 2 GB limit keep their tensors in side files
// (TensorProto.data_location = EXTERNAL with location/offset/length). kiln
// memory-maps those files once each and hands out views: nothing is read
// into memory. A location that escapes the model's directory (absolute path,
// a `..` component, a symlink pointing outside) is refused, and so is a range
// past the end of the file.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_ONNX_EXTERNALDATA_H
#define KILN_ONNX_EXTERNALDATA_H

#include "kiln/onnx/OnnxProto.h"

#include <map>
#include <memory>
#include <string>

namespace kiln {
class MappedFile;
}

namespace kiln::onnx {

class ExternalDataResolver {
public:
  /// `modelPath`: the .onnx file; locations are relative to its directory.
  explicit ExternalDataResolver(const std::string &modelPath);

  /// The bytes of tensor `t` (data_location EXTERNAL), checked against the
  /// byte size its dims and data type need. `owner` keeps the mapping alive.
  bool resolve(const TensorProto &t, Bytes &out, std::shared_ptr<const void> &owner,
               std::string &error);

private:
  std::string dir_, realDir_;
  std::map<std::string, std::shared_ptr<MappedFile>> files_;
};

} // namespace kiln::onnx

#endif // KILN_ONNX_EXTERNALDATA_H
