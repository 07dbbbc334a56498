//===- FuzzRuntimeLoad.cpp - libFuzzer target: Runtime::load and run ------===//
//
// A hostile artifact that passes the format checks (every checksum is
// recomputed after mutation, see ArtifactFuzzCommon.h) reaches the
// partitioner, the plugins' capability query and compile, and a run: this
// target drives all of it through the reference and cpu plugins of the build
// (KILN_FUZZ_PLUGIN_DIR). Every load or run must succeed or fail with a
// message; crashes, sanitizer reports, hangs and memory blow-ups are
// findings. Inputs are given their declared shapes (dynamic dims as 1) and
// small deterministic values, when they have at most 2^16 elements each.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Runtime.h"
#include "ArtifactFuzzCommon.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>

#ifndef KILN_FUZZ_PLUGIN_DIR
#error "KILN_FUZZ_PLUGIN_DIR must name the directory of the built plugins"
#endif

using namespace kiln;
using namespace kiln::fuzz;

namespace {

Runtime &runtime() {
  static Runtime *rt = [] {
    Runtime::Options o;
    o.pluginPaths = {KILN_FUZZ_PLUGIN_DIR};
    o.numThreads = 1;
    return new Runtime(o);
  }();
  return *rt;
}

const std::string &scratchPath() {
  static const std::string p = [] {
    const char *dir = std::getenv("TMPDIR");
    std::string d = dir && *dir ? dir : "/tmp";
    if (access("/dev/shm", W_OK) == 0)
      d = "/dev/shm";
    return d + "/kiln-fuzz-runtime-" + std::to_string(getpid()) + ".kiln";
  }();
  return p;
}

void loadAndRun(const std::string &bytes) {
  const std::string &path = scratchPath();
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), std::streamsize(bytes.size()));
  }
  std::string error;
  std::unique_ptr<Model> model = runtime().load(path, error);
  if (!model) {
    if (error.empty())
      std::abort(); // a refusal always says why
    return;
  }
  std::map<std::string, Tensor> inputs;
  for (const TensorSignature &sig : model->inputs()) {
    std::vector<int64_t> shape;
    int64_t n = 1;
    for (int64_t d : sig.shape) {
      int64_t dim = d < 0 ? 1 : d;
      shape.push_back(dim);
      if (dim > (int64_t(1) << 16) || (n *= dim) > (int64_t(1) << 16))
        return; // too big to be worth running
    }
    if (artifact::dtypeSize(sig.dtype) == 0)
      return;
    Tensor t = Tensor::allocate(sig.dtype, shape);
    auto *p = static_cast<uint8_t *>(t.data());
    for (size_t i = 0; i < t.byteSize(); ++i)
      p[i] = uint8_t(i % 3); // small values of any dtype (bool stays 0/1/2 bytes: see below)
    if (sig.dtype == 9) // bool: only 0 and 1 are valid
      for (size_t i = 0; i < t.byteSize(); ++i)
        p[i] &= 1;
    inputs.emplace(sig.name, std::move(t));
  }
  Session session(*model);
  std::vector<Tensor> outputs;
  if (!session.run(inputs, outputs, error) && error.empty())
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  fixChecksums(bytes);
  loadAndRun(bytes);
  return 0;
}
