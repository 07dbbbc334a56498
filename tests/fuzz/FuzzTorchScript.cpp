//===- FuzzTorchScript.cpp - libFuzzer target: TorchScript source parser ----===//
//
// The parser of a TorchScript archive's code/ files (absurd nesting,
// unterminated strings and brackets, odd indentation, huge literals): it
// returns a module or throws ScriptError naming the file and line; nothing
// else may escape.
//
//===----------------------------------------------------------------------===//
#include "kiln/torch/ScriptAst.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string source(reinterpret_cast<const char *>(data), size);
  try {
    auto m = kiln::torch::script::parseModule(source, "code/__torch__/fuzz.py", "__torch__.fuzz");
    if (!m)
      std::abort();
  } catch (const kiln::torch::script::ScriptError &e) {
    if (std::string(e.what()).find("fuzz.py") == std::string::npos)
      std::abort(); // messages name the file
  }
  return 0;
}
