//===- MappedFile.cpp - Read-only memory-mapped file ----------------------===//
//
// kiln: implementation of kiln::MappedFile (POSIX mmap). See MappedFile.h.
//
//===----------------------------------------------------------------------===//

#include "kiln/support/MappedFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln {

namespace {

// data() of an empty file points here so it is never null.
const uint8_t kEmpty[1] = {0};

void setError(std::string *error, const std::string &path, const char *what,
              int err) {
  if (!error)
    return;
  *error = "cannot ";
  *error += what;
  *error += " '";
  *error += path;
  *error += "': ";
  *error += std::strerror(err);
}

} // namespace

std::unique_ptr<MappedFile> MappedFile::open(const std::string &path,
                                             std::string *error) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    setError(error, path, "open", errno);
    return nullptr;
  }

  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    setError(error, path, "stat", err);
    return nullptr;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    setError(error, path, "map", S_ISDIR(st.st_mode) ? EISDIR : ENODEV);
    return nullptr;
  }
  if (st.st_size < 0 ||
      static_cast<unsigned long long>(st.st_size) > SIZE_MAX) {
    ::close(fd);
    setError(error, path, "map", EFBIG);
    return nullptr;
  }

  std::unique_ptr<MappedFile> file(new MappedFile());
  file->path_ = path;
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    file->data_ = kEmpty;
    file->size_ = 0;
    return file;
  }

  void *p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  ::close(fd); // the mapping keeps the file referenced
  if (p == MAP_FAILED) {
    setError(error, path, "mmap", err);
    return nullptr;
  }
  file->mapping_ = p;
  file->mappingSize_ = size;
  file->data_ = static_cast<const uint8_t *>(p);
  file->size_ = size;
  return file;
}

std::unique_ptr<MappedFile> MappedFile::fromBuffer(std::string bytes,
                                                   std::string name) {
  std::unique_ptr<MappedFile> file(new MappedFile());
  file->owned_ = std::move(bytes);
  file->path_ = std::move(name);
  file->size_ = file->owned_.size();
  file->data_ = file->owned_.empty()
                    ? kEmpty
                    : reinterpret_cast<const uint8_t *>(file->owned_.data());
  return file;
}

MappedFile::~MappedFile() {
  if (mapping_)
    ::munmap(mapping_, mappingSize_);
}

} // namespace kiln
