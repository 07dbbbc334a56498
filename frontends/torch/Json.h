//===- Json.h - Strict JSON reader (internal) -------------------*- C++ -*-===//
//
// kiln: a small strict JSON (RFC 8259) parser for safetensors headers and
// index files: no comments, no trailing commas, no NaN, UTF-8 validated,
// \u escapes (with surrogate pairs) decoded, nesting bounded, objects keep
// key order and duplicate keys are an error. Iterative depth check via a
// counter (bounded recursion).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TORCH_JSON_H
#define KILN_TORCH_JSON_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln::torch::json {

struct Value {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  bool isInteger = false; // written without fraction/exponent and fits int64
  int64_t integer = 0;
  std::string str;
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> members;

  const Value *get(std::string_view key) const {
    for (const auto &m : members)
      if (m.first == key)
        return &m.second;
    return nullptr;
  }
};

/// Parses `text` as one JSON document. On error returns false and sets
/// *error to "<what> at byte N".
bool parse(std::string_view text, Value *out, std::string *error,
           unsigned maxDepth = 64);

} // namespace kiln::torch::json

#endif // KILN_TORCH_JSON_H
