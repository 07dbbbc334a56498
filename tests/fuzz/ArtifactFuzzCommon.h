//===- ArtifactFuzzCommon.h - shared by the artifact fuzz targets -*- C++ -*-===//
#ifndef KILN_TESTS_FUZZ_ARTIFACTFUZZCOMMON_H
#define KILN_TESTS_FUZZ_ARTIFACTFUZZCOMMON_H
#include "kiln/runtime/Artifact.h"
#include "kiln/support/Checksum.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace kiln::fuzz {
using namespace kiln::artifact;

inline uint32_t get32(const std::string &s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
inline uint64_t get64(const std::string &s, size_t at) {
  uint64_t v;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}
inline void put32(std::string &s, size_t at, uint32_t v) { std::memcpy(&s[at], &v, 4); }
inline void put64(std::string &s, size_t at, uint64_t v) { std::memcpy(&s[at], &v, 8); }

/// Rewrites size and checksums so the structure below them gets checked.
inline void fixChecksums(std::string &s) {
  if (s.size() < kHeaderSize || std::memcmp(s.data(), kMagic, 8) != 0)
    return;
  put64(s, 24, s.size());
  uint64_t table = get64(s, 32);
  uint32_t count = get32(s, 40);
  if (count <= 1024 && table <= s.size() && uint64_t(count) * kSectionEntrySize <= s.size() - table) {
    for (uint32_t i = 0; i < count; ++i) {
      size_t e = size_t(table) + i * kSectionEntrySize;
      uint32_t kind = get32(s, e);
      uint64_t off = get64(s, e + 8), len = get64(s, e + 16);
      if ((kind == 1 || kind == 2 || kind == 5) && off <= s.size() && len <= s.size() - off)
        put32(s, e + 24, crc32c(s.data() + off, len));
    }
    put32(s, 44, crc32c(s.data() + table, count * kSectionEntrySize));
  }
  put32(s, 48, crc32c(s.data(), 48));
}

} // namespace kiln::fuzz
#endif
