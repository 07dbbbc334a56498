//===- FuzzTorchIo.cpp - libFuzzer targets: PyTorch file readers ------------===//
//
// One source, four targets (KILN_FUZZ_TORCH selects which):
//   1 fuzz_zip          ZipArchive on the bytes: index, then read (inflate +
//                       CRC) and view every record, under small limits
//   2 fuzz_pickle       readPickle in weights-only and TorchScript modes
//   3 fuzz_safetensors  SafetensorsFile: header JSON, dtypes, offsets
//   4 fuzz_checkpoint   Checkpoint::open: zip or legacy torch.save files,
//                       data.pkl with storages, TorchScript archives
// Every failure must come back as an error message; every success must hand
// out views inside the buffer (touched here, so ASan checks them).
//
//===----------------------------------------------------------------------===//
#include "kiln/support/MappedFile.h"
#include "kiln/torch/Checkpoint.h"
#include "kiln/torch/Pickle.h"
#include "kiln/torch/Safetensors.h"
#include "kiln/torch/Zip.h"

#include <cstdlib>
#include <string>

using namespace kiln;
using namespace kiln::torch;

namespace {

std::shared_ptr<const MappedFile> buffer(const uint8_t *data, size_t size, const char *name) {
  return std::shared_ptr<const MappedFile>(
      MappedFile::fromBuffer(std::string(reinterpret_cast<const char *>(data), size), name));
}

void touch(const uint8_t *p, size_t n) {
  volatile uint8_t sink = 0;
  if (n)
    sink = p[0] ^ p[n - 1];
  (void)sink;
}

void mustName(bool ok, const std::string &error) {
  if (!ok && error.empty())
    std::abort(); // a failure without a message
}

// Small enough that a fuzzed bomb cannot exhaust the fuzzer's RSS limit.
ZipLimits fuzzZipLimits() {
  ZipLimits l;
  l.maxInflatedSize = 64u << 20;
  l.maxTotalInflated = 256u << 20;
  return l;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
#if KILN_FUZZ_TORCH == 1
  auto zip = ZipArchive::open(buffer(data, size, "fuzz.zip"), &error, fuzzZipLimits());
  mustName(bool(zip), error);
  if (!zip)
    return 0;
  for (const ZipEntry &e : zip->entries()) {
    std::string out, err;
    mustName(zip->read(e, &out, &err), err);
    ByteView v;
    err.clear();
    if (zip->view(e, &v, &err)) {
      touch(v.data, v.size);
      err.clear();
      mustName(zip->verifyCrc(e, &err), err);
    }
  }
  (void)zip->find("data.pkl");
#elif KILN_FUZZ_TORCH == 2
  for (PickleMode mode : {PickleMode::WeightsOnly, PickleMode::TorchScript}) {
    PickleOptions o;
    o.mode = mode;
    o.name = "fuzz.pkl";
    error.clear();
    size_t consumed = 0;
    auto doc = readPickle(data, size, o, &error, &consumed);
    mustName(bool(doc), error);
    if (doc && doc->root()) {
      if (consumed > size)
        std::abort();
      (void)describePickleValue(*doc->root());
    }
  }
#elif KILN_FUZZ_TORCH == 3
  auto st = SafetensorsFile::open(buffer(data, size, "fuzz.safetensors"), &error);
  mustName(bool(st), error);
  if (st)
    for (const auto &t : st->tensors())
      touch(t.data.data, t.data.size);
#elif KILN_FUZZ_TORCH == 4
  CheckpointOptions o;
  o.zipLimits = fuzzZipLimits();
  auto ck = Checkpoint::open(buffer(data, size, "fuzz.pt"), &error, o);
  mustName(bool(ck), error);
  if (ck && ck->root())
    (void)describePickleValue(*ck->root());
#else
#error "KILN_FUZZ_TORCH must be 1 to 4"
#endif
  return 0;
}
