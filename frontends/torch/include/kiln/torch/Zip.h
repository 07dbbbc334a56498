//===- Zip.h - Hardened read-only zip reader for PyTorch archives -*- C++ -*-===//
//
// kiln: reads the zip container that torch.save (>= 1.6) and torch.jit.save
// write, over a kiln::MappedFile, without libtorch.
//
//  - Entry sizes and offsets come from the central directory (PyTorch's
//    local headers carry zero sizes); ZIP64 end records and extra fields are
//    understood.
//  - Stored (method 0) records are handed out as views into the mapping
//    (no copy; PyTorch aligns record data to 64 bytes). Deflated (method 8)
//    records are inflated with zlib into a string.
//  - The archive's top folder ("prefix") is taken from the first central
//    directory entry; find() looks records up relative to it.
//
// Hardening: every offset and size is checked against the file with
// overflow-safe arithmetic; entry names that are empty, absolute ("/x",
// "C:..", "\\x"), contain a ".." component or a NUL byte are refused, as are
// duplicate names, encrypted entries, methods other than 0/8, local headers
// that disagree with the central directory, and records whose bytes overlap
// one another or the central directory. Inflation is capped by
// ZipLimits::maxInflatedSize per record and maxTotalInflated per archive; an
// entry that declares or produces more is refused ("zip bomb") before the
// memory is allocated. Nothing throws: errors come back as strings that name
// the file and the entry.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TORCH_ZIP_H
#define KILN_TORCH_ZIP_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kiln {
class MappedFile;
}

namespace kiln::torch {

/// A read-only view of bytes owned by someone else (here: the mapping).
struct ByteView {
  const uint8_t *data = nullptr;
  size_t size = 0;

  bool empty() const { return size == 0; }
  std::string_view str() const {
    return size ? std::string_view(reinterpret_cast<const char *>(data), size)
                : std::string_view();
  }
};

/// Limits applied while reading an archive. The defaults accept every
/// checkpoint seen in practice; callers may raise or lower them.
struct ZipLimits {
  /// Maximum number of central directory entries.
  uint64_t maxEntries = 1u << 20;
  /// Maximum uncompressed size of one deflated record read with read().
  uint64_t maxInflatedSize = 1ull << 30; // 1 GiB
  /// Maximum total bytes inflated over the archive's lifetime.
  uint64_t maxTotalInflated = 4ull << 30; // 4 GiB
  /// Maximum compression ratio (uncompressed / compressed) of a deflated
  /// record; deflate cannot exceed ~1032:1, so larger declarations are lies.
  uint64_t maxRatio = 1100;
};

struct ZipEntry {
  std::string name;         ///< full name as stored ("archive/data/0")
  uint16_t method = 0;      ///< 0 stored, 8 deflated
  uint16_t flags = 0;
  uint32_t crc32 = 0;
  uint64_t compressedSize = 0;
  uint64_t uncompressedSize = 0;
  uint64_t localHeaderOffset = 0;
  uint64_t dataOffset = 0;  ///< file offset of the record's first byte

  bool stored() const { return method == 0; }
};

class ZipArchive {
public:
  /// Maps and indexes the file at `path`. Returns null with `*error` set
  /// ("<path>: zip: <reason>") on failure.
  static std::unique_ptr<ZipArchive> open(const std::string &path,
                                          std::string *error,
                                          const ZipLimits &limits = {});
  /// Indexes an already mapped file (shared so that views may outlive the
  /// archive object if the caller keeps the mapping).
  static std::unique_ptr<ZipArchive> open(std::shared_ptr<const MappedFile> file,
                                          std::string *error,
                                          const ZipLimits &limits = {});

  /// True when the bytes start like a zip file ("PK\3\4" or "PK\5\6").
  static bool looksLikeZip(const uint8_t *data, size_t size);

  const std::string &path() const { return path_; }
  const MappedFile &file() const { return *file_; }
  std::shared_ptr<const MappedFile> mapping() const { return file_; }
  const ZipLimits &limits() const { return limits_; }

  /// The archive's top folder including its trailing '/', e.g. "model/".
  const std::string &prefix() const { return prefix_; }

  /// All entries in central directory order.
  const std::vector<ZipEntry> &entries() const { return entries_; }

  /// The entry named prefix()+`rel` (e.g. find("data.pkl")), or null.
  const ZipEntry *find(std::string_view rel) const;
  /// The entry with exactly this full name, or null.
  const ZipEntry *findFull(std::string_view fullName) const;
  /// The entry's name without prefix() (the full name if it lacks it).
  std::string_view relativeName(const ZipEntry &e) const;

  /// Zero-copy view of a stored record's bytes. Fails for deflated records.
  bool view(const ZipEntry &e, ByteView *out, std::string *error) const;
  /// The record's bytes (copied if stored, inflated if deflated), with the
  /// CRC-32 checked. Subject to the inflation limits.
  bool read(const ZipEntry &e, std::string *out, std::string *error) const;
  /// read() of prefix()+rel; fails with "no record 'rel'" when absent.
  bool readRecord(std::string_view rel, std::string *out,
                  std::string *error) const;
  /// Checks the CRC-32 of a stored record in place.
  bool verifyCrc(const ZipEntry &e, std::string *error) const;

  ~ZipArchive();

private:
  ZipArchive() = default;
  bool index(std::string *error);
  std::string err(const std::string &what) const;

  std::shared_ptr<const MappedFile> file_;
  std::string path_;
  ZipLimits limits_;
  std::string prefix_;
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, size_t> byName_;
  mutable uint64_t inflatedSoFar_ = 0;
};

} // namespace kiln::torch

#endif // KILN_TORCH_ZIP_H
