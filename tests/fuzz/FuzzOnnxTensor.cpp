//===- FuzzOnnxTensor.cpp - libFuzzer target: ONNX TensorProto ------------===//
//
// What `kiln run --input x.pb` and the conformance runner read: a serialized
// TensorProto (and the SequenceProto / OptionalProto of onnx-data.proto).
// Parses, then asks for the dense data and the external-data reference the
// way the importer and the CLI do.
//
//===----------------------------------------------------------------------===//
#include "kiln/onnx/OnnxProto.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace kiln::onnx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  TensorProto t;
  if (parseTensor(data, size, t, error)) {
    auto n = numElements(t);
    std::vector<uint8_t> storage;
    Bytes bytes;
    std::string err;
    if (tensorData(t, storage, bytes, err)) {
      // Success promises exactly the bytes the dims need.
      auto need = n ? tensorByteSize(t.data_type, *n) : std::nullopt;
      if (!need || *need != bytes.size)
        std::abort();
      if (bytes.size && !bytes.data)
        std::abort();
      volatile uint8_t sink = 0;
      if (bytes.size)
        sink = bytes.data[0] ^ bytes.data[bytes.size - 1];
      (void)sink;
    } else if (err.empty()) {
      std::abort();
    }
    ExternalDataRef ref;
    if (t.data_location == TensorProto::EXTERNAL && parseExternalData(t, ref, err)) {
      if (ref.location.empty() || ref.offset < 0 || ref.length < -1)
        std::abort();
    }
  } else if (error.empty()) {
    std::abort();
  }
  SequenceProto seq;
  (void)parseSequence(data, size, seq, error);
  OptionalProto opt;
  (void)parseOptional(data, size, opt, error);
  return 0;
}
