//===- Wire.h - protobuf wire format, written and read ----------*- C++ -*-===//
//
// The artifact's metadata and graph are protobuf-wire-encoded messages with
// kiln's own schema (docs/artifact-format.md): fields are numbered, readers
// skip fields they do not know, so newer writers stay readable by older
// runtimes and the other way round. No libprotobuf: this is all of it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_SUPPORT_WIRE_H
#define KILN_SUPPORT_WIRE_H

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::wire {

enum WireType : uint32_t { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

class Writer {
public:
  std::string out;
  void tag(uint32_t field, WireType type) { varint((uint64_t(field) << 3) | type); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out.push_back(char(v | 0x80));
      v >>= 7;
    }
    out.push_back(char(v));
  }
  void u64(uint32_t field, uint64_t v) {
    tag(field, Varint);
    varint(v);
  }
  void i64(uint32_t field, int64_t v) { u64(field, uint64_t(v)); }
  void f64(uint32_t field, double v) {
    tag(field, Fixed64);
    out.append(reinterpret_cast<const char *>(&v), 8);
  }
  void bytes(uint32_t field, std::string_view s) {
    tag(field, Bytes);
    varint(s.size());
    out.append(s.data(), s.size());
  }
  void packed(uint32_t field, const std::vector<int64_t> &v) {
    Writer w;
    for (int64_t x : v)
      w.varint(uint64_t(x));
    bytes(field, w.out);
  }
  void packedF64(uint32_t field, const std::vector<double> &v) {
    bytes(field, std::string_view(reinterpret_cast<const char *>(v.data()), v.size() * 8));
  }
};

/// Reads one message. Every read is bounds-checked; a malformed message sets
/// `error` and makes next() return false.
class Reader {
public:
  Reader(const uint8_t *data, size_t size) : p(data), end(data + size) {}
  Reader(std::string_view s)
      : p(reinterpret_cast<const uint8_t *>(s.data())), end(p + s.size()) {}

  /// Advances to the next field; false at the end or on error.
  bool next() {
    if (!error.empty() || p == end)
      return false;
    uint64_t key;
    if (!readVarint(key))
      return fail("truncated field key");
    field = uint32_t(key >> 3);
    type = WireType(key & 7);
    if (field == 0)
      return fail("field number 0");
    switch (type) {
    case Varint:
      if (!readVarint(value))
        return fail("truncated varint");
      return true;
    case Fixed64:
      if (end - p < 8)
        return fail("truncated fixed64");
      std::memcpy(&value, p, 8);
      p += 8;
      return true;
    case Fixed32: {
      if (end - p < 4)
        return fail("truncated fixed32");
      uint32_t v;
      std::memcpy(&v, p, 4);
      value = v;
      p += 4;
      return true;
    }
    case Bytes: {
      uint64_t len;
      if (!readVarint(len) || len > uint64_t(end - p))
        return fail("length-delimited field runs past the end");
      data = std::string_view(reinterpret_cast<const char *>(p), size_t(len));
      p += len;
      return true;
    }
    default:
      return fail("unsupported wire type " + std::to_string(type));
    }
  }

  uint32_t field = 0;
  WireType type = Varint;
  uint64_t value = 0;
  std::string_view data;
  std::string error;

  /// Expects the current field to have wire type `t`.
  bool is(WireType t) {
    if (type == t)
      return true;
    fail("field " + std::to_string(field) + " has wire type " + std::to_string(type) +
         ", expected " + std::to_string(t));
    return false;
  }
  double asDouble() const {
    double d;
    std::memcpy(&d, &value, 8);
    return d;
  }
  /// Decodes a packed varint field (or a single unpacked element).
  bool appendInts(std::vector<int64_t> &out) {
    if (type == Varint) {
      out.push_back(int64_t(value));
      return true;
    }
    if (!is(Bytes))
      return false;
    Reader r(data);
    while (r.p != r.end) {
      uint64_t v;
      if (!r.readVarint(v))
        return fail("truncated packed varint");
      out.push_back(int64_t(v));
    }
    return true;
  }
  bool appendDoubles(std::vector<double> &out) {
    if (type == Fixed64) {
      out.push_back(asDouble());
      return true;
    }
    if (!is(Bytes) || data.size() % 8)
      return fail("packed doubles of " + std::to_string(data.size()) + " bytes");
    size_t n = data.size() / 8;
    size_t old = out.size();
    out.resize(old + n);
    if (n) // an empty field: out.data() and data.data() may be null
      std::memcpy(out.data() + old, data.data(), data.size());
    return true;
  }
  bool fail(const std::string &msg) {
    if (error.empty())
      error = msg;
    return false;
  }

private:
  bool readVarint(uint64_t &v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end)
        return false;
      uint8_t b = *p++;
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
    return false;
  }
  const uint8_t *p, *end;
};

} // namespace kiln::wire

#endif // KILN_SUPPORT_WIRE_H
