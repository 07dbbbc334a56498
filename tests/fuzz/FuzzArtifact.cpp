//===- FuzzArtifact.cpp - libFuzzer target: the .kiln artifact loader -----===//
//
// Artifact::open on in-memory bytes, twice: as given, and with every
// checksum (header, section table, metadata and graph sections, weights)
// recomputed, so that mutations get past the CRCs into the section decoders
// and the graph validator instead of all ending at "checksum mismatch".
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Artifact.h"
#include "kiln/support/Checksum.h"
#include "kiln/support/MappedFile.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace kiln;
using namespace kiln::artifact;

namespace {

uint32_t get32(const std::string &s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
uint64_t get64(const std::string &s, size_t at) {
  uint64_t v;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}
void put32(std::string &s, size_t at, uint32_t v) { std::memcpy(&s[at], &v, 4); }
void put64(std::string &s, size_t at, uint64_t v) { std::memcpy(&s[at], &v, 8); }

/// Rewrites size and checksums so the structure below them gets checked.
void fixChecksums(std::string &s) {
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
      if ((kind == 1 || kind == 2) && off <= s.size() && len <= s.size() - off)
        put32(s, e + 24, crc32c(s.data() + off, len));
    }
    put32(s, 44, crc32c(s.data() + table, count * kSectionEntrySize));
  }
  put32(s, 48, crc32c(s.data(), 48));
}

void openAndWalk(std::string bytes, bool verifyWeights) {
  std::string error;
  Artifact::Options options;
  options.verifyWeights = verifyWeights;
  auto a = Artifact::open(MappedFile::fromBuffer(std::move(bytes), "fuzz.kiln"), error, options);
  if (!a) {
    if (error.find("fuzz.kiln") == std::string::npos)
      std::abort(); // every message names the file
    return;
  }
  // Everything the runtime and `kiln inspect` read must be in bounds.
  const Graph &g = a->graph();
  volatile uint8_t sink = 0;
  for (size_t i = 0; i < g.values.size(); ++i) {
    const Value &v = g.values[i];
    if (v.isWeight && v.weightSize) {
      auto *p = static_cast<const uint8_t *>(a->weightData(int32_t(i)));
      sink = p[0] ^ p[v.weightSize - 1];
    }
  }
  for (const Node &n : g.nodes)
    for (int32_t in : n.inputs)
      if (in != -1)
        sink = uint8_t(g.values.at(size_t(in)).name.size());
  (void)sink;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  openAndWalk(bytes, /*verifyWeights=*/true);
  fixChecksums(bytes);
  openAndWalk(std::move(bytes), /*verifyWeights=*/false);
  return 0;
}
