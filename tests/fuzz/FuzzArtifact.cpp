//===- FuzzArtifact.cpp - libFuzzer target: the .kiln artifact loader -----===//
//
// Artifact::open on in-memory bytes, twice: as given, and with every
// checksum (header, section table, metadata and graph sections, weights)
// recomputed, so that mutations get past the CRCs into the section decoders
// and the graph validator instead of all ending at "checksum mismatch".
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Artifact.h"
#include "kiln/support/MappedFile.h"
#include "ArtifactFuzzCommon.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace kiln;
using namespace kiln::artifact;
using namespace kiln::fuzz;

namespace {

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
