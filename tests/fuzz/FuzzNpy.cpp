//===- FuzzNpy.cpp - libFuzzer target: the .npy reader -------------------===//
//
// `kiln run --input x.npy` parses the file with kiln::npy::parse. The reader
// must answer every input with an array whose data matches its shape, or an
// error naming the file; it must never read outside the buffer.
//
//===----------------------------------------------------------------------===//
#include "kiln/support/Npy.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln::npy::Array arr;
  std::string error;
  if (kiln::npy::parse(data, size, "fuzz.npy", arr, error)) {
    // A success must be self-consistent: shape product * element size.
    uint64_t count = 1;
    for (int64_t d : arr.shape) {
      if (d < 0)
        std::abort();
      count *= uint64_t(d);
    }
    if (arr.data.size() % (count ? count : 1) != 0)
      std::abort();
  } else if (error.find("fuzz.npy") == std::string::npos) {
    std::abort(); // every message names the file
  }
  return 0;
}
