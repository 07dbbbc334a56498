//===- MappedFile.h - Read-only memory-mapped file -------------*- C++ -*-===//
//
// kiln: a read-only view of a whole file's bytes.
//
// MappedFile::open() maps a file with mmap(PROT_READ) so that large inputs
// (ONNX models, weight files) can be read in place without copying them into
// memory; pages are loaded lazily by the OS. MappedFile::fromBuffer() wraps an
// in-memory copy of some bytes behind the same interface, for tests and
// fuzzers.
//
// The bytes stay valid until the MappedFile is destroyed. data() is never
// null, also for an empty file (size() == 0). Data is not guaranteed to be
// aligned beyond what mmap/std::string give for the start of the buffer.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_SUPPORT_MAPPEDFILE_H
#define KILN_SUPPORT_MAPPEDFILE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace kiln {

class MappedFile {
public:
  /// Maps the regular file at `path` read-only. On failure returns null and,
  /// if `error` is not null, stores a message naming the path and the reason
  /// (strerror). An empty file is not an error: it gives size() == 0.
  static std::unique_ptr<MappedFile> open(const std::string &path,
                                          std::string *error);

  /// Takes ownership of `bytes` (an in-memory copy); `name` is what path()
  /// returns. Never fails.
  static std::unique_ptr<MappedFile> fromBuffer(std::string bytes,
                                                std::string name);

  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  ~MappedFile(); // unmaps the file

  const uint8_t *data() const { return data_; }
  size_t size() const { return size_; }
  const std::string &path() const { return path_; }

private:
  MappedFile() = default;

  const uint8_t *data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
  std::string owned_;   // fromBuffer() storage
  void *mapping_ = nullptr; // non-null when mmap'ed
  size_t mappingSize_ = 0;
};

} // namespace kiln

#endif // KILN_SUPPORT_MAPPEDFILE_H
