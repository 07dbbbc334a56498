//===- Zip.cpp - Hardened read-only zip reader ----------------------------===//
//
// kiln: implementation of kiln::torch::ZipArchive. See Zip.h.
//
//===----------------------------------------------------------------------===//

#include "kiln/torch/Zip.h"

#include "kiln/support/MappedFile.h"

#include <algorithm>
#include <cstring>
#include <zlib.h>

namespace kiln::torch {

namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kEnd64LocatorSig = 0x07064b50;

uint16_t rd16(const uint8_t *p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t rd32(const uint8_t *p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) |
         (uint32_t(p[3]) << 24);
}
uint64_t rd64(const uint8_t *p) {
  return uint64_t(rd32(p)) | (uint64_t(rd32(p + 4)) << 32);
}

// [off, off+len) inside [0, size)?
bool inRange(uint64_t off, uint64_t len, uint64_t size) {
  return off <= size && len <= size - off;
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static const char *hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

// Why `name` is not an acceptable entry name, or empty when it is.
std::string badName(std::string_view name) {
  if (name.empty())
    return "empty entry name";
  if (name.find('\0') != std::string_view::npos)
    return "entry name contains a NUL byte";
  if (name[0] == '/' || name[0] == '\\')
    return "absolute entry path";
  if (name.size() >= 2 && name[1] == ':' &&
      ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
    return "absolute entry path (drive letter)";
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("/\\", start);
    if (end == std::string_view::npos)
      end = name.size();
    if (name.substr(start, end - start) == "..")
      return "entry path contains '..'";
    start = end + 1;
  }
  return {};
}

} // namespace

ZipArchive::~ZipArchive() = default;

bool ZipArchive::looksLikeZip(const uint8_t *data, size_t size) {
  return size >= 4 && (rd32(data) == kLocalSig || rd32(data) == kEndSig);
}

std::string ZipArchive::err(const std::string &what) const {
  return path_ + ": zip: " + what;
}

std::unique_ptr<ZipArchive> ZipArchive::open(const std::string &path,
                                             std::string *error,
                                             const ZipLimits &limits) {
  std::string e;
  std::unique_ptr<MappedFile> f = MappedFile::open(path, &e);
  if (!f) {
    if (error)
      *error = e;
    return nullptr;
  }
  return open(std::shared_ptr<const MappedFile>(std::move(f)), error, limits);
}

std::unique_ptr<ZipArchive>
ZipArchive::open(std::shared_ptr<const MappedFile> file, std::string *error,
                 const ZipLimits &limits) {
  std::unique_ptr<ZipArchive> z(new ZipArchive());
  z->path_ = file ? file->path() : std::string("<null>");
  z->file_ = std::move(file);
  z->limits_ = limits;
  std::string e;
  if (!z->file_) {
    if (error)
      *error = z->err("no file");
    return nullptr;
  }
  if (!z->index(&e)) {
    if (error)
      *error = e;
    return nullptr;
  }
  return z;
}

bool ZipArchive::index(std::string *error) {
  const uint8_t *d = file_->data();
  const uint64_t size = file_->size();
  if (size < 22) {
    *error = err("file too small for a zip archive (" + std::to_string(size) +
                 " bytes)");
    return false;
  }

  // End of central directory: the last "PK\5\6" whose comment reaches EOF.
  uint64_t eocd = UINT64_MAX;
  uint64_t lowest = size > 22 + 65535 ? size - 22 - 65535 : 0;
  for (uint64_t p = size - 22 + 1; p-- > lowest;) {
    if (rd32(d + p) == kEndSig && p + 22 + rd16(d + p + 20) == size) {
      eocd = p;
      break;
    }
  }
  if (eocd == UINT64_MAX) {
    *error = err("no end of central directory record (not a zip file, or "
                 "truncated)");
    return false;
  }
  const uint8_t *E = d + eocd;
  if (rd16(E + 4) != 0 || rd16(E + 6) != 0) {
    *error = err("multi-disk archives are not supported");
    return false;
  }
  uint64_t count = rd16(E + 10);
  uint64_t cdSize = rd32(E + 12);
  uint64_t cdOffset = rd32(E + 16);
  uint64_t cdEndLimit = eocd; // the central directory ends before this

  // ZIP64: a locator right before the EOCD record.
  if (eocd >= 20 && rd32(d + eocd - 20) == kEnd64LocatorSig) {
    const uint8_t *L = d + eocd - 20;
    uint64_t e64 = rd64(L + 8);
    if (!inRange(e64, 56, eocd - 20) || rd32(d + e64) != kEnd64Sig) {
      *error = err("bad ZIP64 end of central directory locator");
      return false;
    }
    const uint8_t *Z = d + e64;
    uint64_t recSize = rd64(Z + 4);
    if (recSize < 44 || !inRange(e64 + 12, recSize, eocd - 20)) {
      *error = err("bad ZIP64 end of central directory record size");
      return false;
    }
    if (rd32(Z + 16) != 0 || rd32(Z + 20) != 0) {
      *error = err("multi-disk archives are not supported");
      return false;
    }
    count = rd64(Z + 32);
    cdSize = rd64(Z + 40);
    cdOffset = rd64(Z + 48);
    cdEndLimit = e64;
  } else if (count == 0xffff || cdSize == 0xffffffffu ||
             cdOffset == 0xffffffffu) {
    *error = err("ZIP64 values without a ZIP64 end of central directory");
    return false;
  }

  if (!inRange(cdOffset, cdSize, cdEndLimit)) {
    *error = err("central directory (offset " + std::to_string(cdOffset) +
                 ", size " + std::to_string(cdSize) + ") lies outside the file");
    return false;
  }
  if (count > limits_.maxEntries) {
    *error = err("too many entries (" + std::to_string(count) +
                 ", limit ZipLimits::maxEntries = " +
                 std::to_string(limits_.maxEntries) + ")");
    return false;
  }
  if (count > cdSize / 46) {
    *error = err("central directory too small for " + std::to_string(count) +
                 " entries");
    return false;
  }

  entries_.reserve(count);
  uint64_t p = cdOffset;
  const uint64_t cdEnd = cdOffset + cdSize;
  for (uint64_t i = 0; i < count; ++i) {
    if (!inRange(p, 46, cdEnd) || rd32(d + p) != kCentralSig) {
      *error = err("bad central directory entry " + std::to_string(i) +
                   " at offset " + std::to_string(p));
      return false;
    }
    const uint8_t *C = d + p;
    ZipEntry ent;
    ent.flags = rd16(C + 8);
    ent.method = rd16(C + 10);
    ent.crc32 = rd32(C + 16);
    ent.compressedSize = rd32(C + 20);
    ent.uncompressedSize = rd32(C + 24);
    uint16_t nameLen = rd16(C + 28), extraLen = rd16(C + 30),
             commentLen = rd16(C + 32);
    uint16_t disk = rd16(C + 34);
    ent.localHeaderOffset = rd32(C + 42);
    uint64_t varLen = uint64_t(nameLen) + extraLen + commentLen;
    if (!inRange(p + 46, varLen, cdEnd)) {
      *error = err("central directory entry " + std::to_string(i) +
                   " runs past the central directory");
      return false;
    }
    ent.name.assign(reinterpret_cast<const char *>(C + 46), nameLen);
    std::string why = badName(ent.name);
    if (!why.empty()) {
      *error = err(why + ": " + quoted(ent.name));
      return false;
    }
    // ZIP64 extra field: only the fields whose 32-bit value is saturated.
    const uint8_t *X = C + 46 + nameLen;
    for (uint32_t q = 0; q + 4 <= extraLen;) {
      uint16_t id = rd16(X + q), len = rd16(X + q + 2);
      if (q + 4 + uint32_t(len) > extraLen) {
        *error = err("malformed extra field in entry " + quoted(ent.name));
        return false;
      }
      if (id == 0x0001) {
        const uint8_t *F = X + q + 4;
        uint32_t used = 0;
        auto take = [&](uint64_t *v) {
          if (used + 8 > len)
            return false;
          *v = rd64(F + used);
          used += 8;
          return true;
        };
        bool ok = true;
        if (ent.uncompressedSize == 0xffffffffu)
          ok = ok && take(&ent.uncompressedSize);
        if (ok && ent.compressedSize == 0xffffffffu)
          ok = ok && take(&ent.compressedSize);
        if (ok && ent.localHeaderOffset == 0xffffffffu)
          ok = ok && take(&ent.localHeaderOffset);
        if (!ok) {
          *error = err("truncated ZIP64 extra field in entry " +
                       quoted(ent.name));
          return false;
        }
      }
      q += 4 + len;
    }
    if (disk != 0 && disk != 0xffff) {
      *error = err("entry " + quoted(ent.name) + " is on another disk");
      return false;
    }
    if (ent.flags & 0x0001) {
      *error = err("entry " + quoted(ent.name) + " is encrypted");
      return false;
    }
    if (ent.method != 0 && ent.method != 8) {
      *error = err("entry " + quoted(ent.name) + " uses compression method " +
                   std::to_string(ent.method) +
                   " (only stored and deflated are supported)");
      return false;
    }
    if (ent.method == 0 && ent.compressedSize != ent.uncompressedSize) {
      *error = err("stored entry " + quoted(ent.name) +
                   " has different compressed and uncompressed sizes");
      return false;
    }
    // Local header: its own name/extra lengths (the extra holds PyTorch's
    // alignment padding) give the data offset.
    uint64_t lh = ent.localHeaderOffset;
    if (!inRange(lh, 30, cdOffset) || rd32(d + lh) != kLocalSig) {
      *error = err("entry " + quoted(ent.name) +
                   ": bad local header offset " + std::to_string(lh));
      return false;
    }
    uint16_t lNameLen = rd16(d + lh + 26), lExtraLen = rd16(d + lh + 28);
    if (!inRange(lh + 30, uint64_t(lNameLen) + lExtraLen, cdOffset) ||
        lNameLen != nameLen ||
        std::memcmp(d + lh + 30, ent.name.data(), nameLen) != 0) {
      *error = err("entry " + quoted(ent.name) +
                   ": local header does not match the central directory");
      return false;
    }
    if (rd16(d + lh + 8) != ent.method) {
      *error = err("entry " + quoted(ent.name) +
                   ": local header compression method differs from the "
                   "central directory");
      return false;
    }
    ent.dataOffset = lh + 30 + lNameLen + lExtraLen;
    if (!inRange(ent.dataOffset, ent.compressedSize, cdOffset)) {
      *error = err("entry " + quoted(ent.name) + ": data (offset " +
                   std::to_string(ent.dataOffset) + ", size " +
                   std::to_string(ent.compressedSize) +
                   ") runs past the start of the central directory");
      return false;
    }
    if (!byName_.emplace(ent.name, entries_.size()).second) {
      *error = err("duplicate entry " + quoted(ent.name));
      return false;
    }
    entries_.push_back(std::move(ent));
    p += 46 + varLen;
  }

  // No two records (local header through data) may overlap.
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  spans.reserve(entries_.size());
  for (const ZipEntry &e : entries_)
    spans.emplace_back(e.localHeaderOffset, e.dataOffset + e.compressedSize);
  std::vector<size_t> order(entries_.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return spans[a].first < spans[b].first;
  });
  for (size_t k = 1; k < order.size(); ++k) {
    if (spans[order[k]].first < spans[order[k - 1]].second) {
      *error = err("records " + quoted(entries_[order[k - 1]].name) + " and " +
                   quoted(entries_[order[k]].name) + " overlap");
      return false;
    }
  }

  if (!entries_.empty()) {
    const std::string &first = entries_.front().name;
    size_t slash = first.find('/');
    if (slash != std::string::npos)
      prefix_ = first.substr(0, slash + 1);
  }
  return true;
}

const ZipEntry *ZipArchive::findFull(std::string_view fullName) const {
  auto it = byName_.find(std::string(fullName));
  return it == byName_.end() ? nullptr : &entries_[it->second];
}

const ZipEntry *ZipArchive::find(std::string_view rel) const {
  std::string full = prefix_;
  full += rel;
  return findFull(full);
}

std::string_view ZipArchive::relativeName(const ZipEntry &e) const {
  std::string_view n = e.name;
  if (!prefix_.empty() && n.substr(0, prefix_.size()) == prefix_)
    n.remove_prefix(prefix_.size());
  return n;
}

bool ZipArchive::view(const ZipEntry &e, ByteView *out,
                      std::string *error) const {
  if (!e.stored()) {
    if (error)
      *error = err("record " + quoted(e.name) +
                   " is compressed and cannot be viewed in place");
    return false;
  }
  out->data = file_->data() + e.dataOffset;
  out->size = e.compressedSize;
  return true;
}

bool ZipArchive::verifyCrc(const ZipEntry &e, std::string *error) const {
  if (!e.stored())
    return true; // read() checks deflated records
  const uint8_t *p = file_->data() + e.dataOffset;
  uint64_t left = e.compressedSize;
  uLong crc = ::crc32(0L, Z_NULL, 0);
  while (left) {
    uInt chunk = left > (1u << 30) ? (1u << 30) : uInt(left);
    crc = ::crc32(crc, p, chunk);
    p += chunk;
    left -= chunk;
  }
  if (uint32_t(crc) != e.crc32) {
    if (error)
      *error = err("CRC-32 mismatch in record " + quoted(e.name));
    return false;
  }
  return true;
}

bool ZipArchive::read(const ZipEntry &e, std::string *out,
                      std::string *error) const {
  if (e.stored()) {
    if (!verifyCrc(e, error))
      return false;
    out->assign(reinterpret_cast<const char *>(file_->data() + e.dataOffset),
                e.compressedSize);
    return true;
  }
  auto fail = [&](const std::string &what) {
    if (error)
      *error = err("record " + quoted(e.name) + ": " + what);
    return false;
  };
  if (e.uncompressedSize > limits_.maxInflatedSize)
    return fail("uncompressed size " + std::to_string(e.uncompressedSize) +
                " exceeds the limit of " +
                std::to_string(limits_.maxInflatedSize) +
                " bytes (ZipLimits::maxInflatedSize; zip bomb?)");
  if (e.uncompressedSize > limits_.maxTotalInflated - std::min(limits_.maxTotalInflated, inflatedSoFar_))
    return fail("inflating it would exceed the archive's total limit of " +
                std::to_string(limits_.maxTotalInflated) +
                " bytes (ZipLimits::maxTotalInflated; zip bomb?)");
  if (e.compressedSize == 0 ? e.uncompressedSize > 0
                            : e.uncompressedSize / e.compressedSize >
                                  limits_.maxRatio)
    return fail("declared compression ratio " +
                std::to_string(e.compressedSize
                                   ? e.uncompressedSize / e.compressedSize
                                   : e.uncompressedSize) +
                ":1 exceeds the limit of " + std::to_string(limits_.maxRatio) +
                ":1 (ZipLimits::maxRatio; zip bomb?)");

  out->assign(e.uncompressedSize, '\0');
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
    return fail("zlib initialization failed");
  const uint8_t *in = file_->data() + e.dataOffset;
  uint64_t inLeft = e.compressedSize, outDone = 0;
  int rc = Z_OK;
  uint8_t overflow[64];
  bool tooBig = false;
  while (rc != Z_STREAM_END) {
    if (zs.avail_in == 0 && inLeft) {
      uInt chunk = inLeft > (1u << 30) ? (1u << 30) : uInt(inLeft);
      zs.next_in = const_cast<Bytef *>(in);
      zs.avail_in = chunk;
      in += chunk;
      inLeft -= chunk;
    }
    uint64_t outLeft = e.uncompressedSize - outDone;
    if (outLeft) {
      uInt chunk = outLeft > (1u << 30) ? (1u << 30) : uInt(outLeft);
      zs.next_out = reinterpret_cast<Bytef *>(&(*out)[outDone]);
      zs.avail_out = chunk;
      rc = inflate(&zs, Z_NO_FLUSH);
      outDone += chunk - zs.avail_out;
    } else {
      // Everything declared was produced: the stream must end here.
      zs.next_out = overflow;
      zs.avail_out = sizeof overflow;
      rc = inflate(&zs, Z_NO_FLUSH);
      if (zs.avail_out != sizeof overflow) {
        tooBig = true;
        break;
      }
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && inLeft == 0)
      break; // truncated
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      break;
  }
  inflateEnd(&zs);
  if (tooBig)
    return fail("inflates to more than its declared size of " +
                std::to_string(e.uncompressedSize) + " bytes (zip bomb?)");
  if (rc != Z_STREAM_END)
    return fail(rc == Z_DATA_ERROR ? std::string("corrupt deflate data")
                                   : "truncated deflate data");
  if (outDone != e.uncompressedSize)
    return fail("inflated to " + std::to_string(outDone) +
                " bytes instead of the declared " +
                std::to_string(e.uncompressedSize));
  inflatedSoFar_ += outDone;
  uint32_t crc = uint32_t(::crc32(0L, reinterpret_cast<const Bytef *>(out->data()),
                                  uInt(std::min<uint64_t>(out->size(), 0xffffffffu))));
  if (out->size() > 0xffffffffu) {
    crc = 0;
    uLong c = ::crc32(0L, Z_NULL, 0);
    const uint8_t *q = reinterpret_cast<const uint8_t *>(out->data());
    uint64_t left = out->size();
    while (left) {
      uInt chunk = left > (1u << 30) ? (1u << 30) : uInt(left);
      c = ::crc32(c, q, chunk);
      q += chunk;
      left -= chunk;
    }
    crc = uint32_t(c);
  }
  if (crc != e.crc32)
    return fail("CRC-32 mismatch");
  return true;
}

bool ZipArchive::readRecord(std::string_view rel, std::string *out,
                            std::string *error) const {
  const ZipEntry *e = find(rel);
  if (!e) {
    if (error)
      *error = err("no record '" + prefix_ + std::string(rel) + "'");
    return false;
  }
  return read(*e, out, error);
}

} // namespace kiln::torch
