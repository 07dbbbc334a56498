//===- FuzzOnnxImport.cpp - libFuzzer target: ONNX model import ------------===//
//
// The whole ONNX frontend on in-memory bytes: the protobuf wire reader, the
// importer (every op's attribute and input handling, initializers, value
// types) and the MLIR verifier (kiln's type inference and op verifiers).
//
//===----------------------------------------------------------------------===//
#include "OnnxFuzzCommon.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln::fuzz::importOnnx(data, size);
  return 0;
}
