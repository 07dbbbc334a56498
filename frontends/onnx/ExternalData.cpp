//===- ExternalData.cpp - tensors stored beside an ONNX model -------------===//
#include "kiln/onnx/ExternalData.h"
#include "kiln/support/MappedFile.h"

#include <climits>
#include <cstdlib>
#include <cstring>

namespace kiln::onnx {

ExternalDataResolver::ExternalDataResolver(const std::string &modelPath) {
  size_t slash = modelPath.rfind('/');
  dir_ = slash == std::string::npos ? "." : modelPath.substr(0, slash);
  char buf[PATH_MAX];
  if (realpath(dir_.c_str(), buf))
    realDir_ = buf;
}

bool ExternalDataResolver::resolve(const TensorProto &t, Bytes &out,
                                   std::shared_ptr<const void> &owner, std::string &error) {
  std::string name(t.name);
  ExternalDataRef ref;
  std::string err;
  if (!parseExternalData(t, ref, err)) {
    error = "tensor '" + name + "': " + err;
    return false;
  }
  std::string location(ref.location);
  auto refuse = [&](const std::string &why) {
    error = "tensor '" + name + "': external data location '" + location + "' " + why;
    return false;
  };
  if (location.empty())
    return refuse("is empty");
  if (location[0] == '/')
    return refuse("is an absolute path (it must be inside the model's directory)");
  if (location.find('\0') != std::string::npos)
    return refuse("contains a NUL byte");
  // No `..` component anywhere.
  for (size_t start = 0; start <= location.size();) {
    size_t end = location.find_first_of("/\\", start);
    std::string part = location.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part == "..")
      return refuse("escapes the model's directory ('..')");
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  std::string path = dir_ + "/" + location;
  char buf[PATH_MAX];
  if (!realpath(path.c_str(), buf))
    return refuse("cannot be opened: " + std::string(std::strerror(errno)));
  std::string real = buf;
  if (realDir_.empty() || real.compare(0, realDir_.size() + 1, realDir_ + "/") != 0)
    return refuse("resolves outside the model's directory (through a symbolic link)");

  auto &file = files_[real];
  if (!file) {
    std::unique_ptr<MappedFile> mapped = MappedFile::open(real, &err);
    if (!mapped)
      return refuse("cannot be mapped: " + err);
    file = std::move(mapped);
  }
  uint64_t size = file->size();
  auto count = numElements(t);
  auto bytes = count ? tensorByteSize(t.data_type, *count) : std::nullopt;
  if (!bytes) {
    error = "tensor '" + name + "': invalid dims or data type for external data";
    return false;
  }
  if (uint64_t(ref.offset) > size)
    return refuse("offset " + std::to_string(ref.offset) + " lies past the end of the file (" +
                  std::to_string(size) + " bytes)");
  uint64_t length = ref.length >= 0 ? uint64_t(ref.length) : size - uint64_t(ref.offset);
  if (length > size - uint64_t(ref.offset))
    return refuse("range [" + std::to_string(ref.offset) + ", +" + std::to_string(length) +
                  ") lies past the end of the file (" + std::to_string(size) + " bytes)");
  if (length != *bytes)
    return refuse("holds " + std::to_string(length) + " bytes but the tensor needs " +
                  std::to_string(*bytes));
  out.data = file->data() + ref.offset;
  out.size = size_t(length);
  owner = file;
  return true;
}

} // namespace kiln::onnx
