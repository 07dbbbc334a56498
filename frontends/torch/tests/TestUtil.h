//===- TestUtil.h - Helpers for the torch reader tests ----------*- C++ -*-===//
//
// kiln: a tiny zip writer (stored/deflated, PyTorch-style 64-byte aligned
// records, optional ZIP64 records) and a pickle byte builder, so tests can
// make well-formed and malicious inputs in memory.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TORCH_TESTS_TESTUTIL_H
#define KILN_TORCH_TESTS_TESTUTIL_H

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include <zlib.h>

namespace kiln::torch::test {

inline void put16(std::string &s, uint16_t v) {
  s += char(v & 0xff);
  s += char(v >> 8);
}
inline void put32(std::string &s, uint32_t v) {
  put16(s, uint16_t(v));
  put16(s, uint16_t(v >> 16));
}
inline void put64(std::string &s, uint64_t v) {
  put32(s, uint32_t(v));
  put32(s, uint32_t(v >> 32));
}

inline std::string rawDeflate(const std::string &in) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, uLong(in.size())) + 16, '\0');
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  zs.avail_in = uInt(in.size());
  zs.next_out = reinterpret_cast<Bytef *>(&out[0]);
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct ZipSpec {
  std::string name;
  std::string data;        // uncompressed bytes
  bool deflate = false;
  // Overrides for malicious archives (UINT64_MAX: computed).
  uint64_t declaredSize = UINT64_MAX;      // uncompressed size in the CD
  uint64_t declaredOffset = UINT64_MAX;    // local header offset in the CD
  bool badCrc = false;
};

/// Writes a zip the way PyTorch does: local headers with zero sizes and an
/// "FB" padding extra so data starts on 64-byte boundaries, the real sizes
/// in the central directory, and (zip64=true) ZIP64 end records with the
/// sizes/offsets in ZIP64 extra fields.
inline std::string makeZip(const std::vector<ZipSpec> &entries,
                           bool zip64 = false) {
  std::string out;
  struct Cd {
    std::string name;
    uint16_t method;
    uint32_t crc;
    uint64_t csize, usize, off;
  };
  std::vector<Cd> cds;
  for (const ZipSpec &e : entries) {
    std::string body = e.deflate ? rawDeflate(e.data) : e.data;
    uint32_t crc = uint32_t(crc32(0, reinterpret_cast<const Bytef *>(e.data.data()),
                                  uInt(e.data.size())));
    if (e.badCrc)
      crc ^= 1;
    uint64_t off = out.size();
    uint16_t method = e.deflate ? 8 : 0;
    size_t base = off + 30 + e.name.size() + 4;
    size_t pad = (64 - base % 64) % 64;
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0x0808);
    put16(out, method);
    put16(out, 0);
    put16(out, 0);
    put32(out, 0);
    put32(out, 0);
    put32(out, 0);
    put16(out, uint16_t(e.name.size()));
    put16(out, uint16_t(4 + pad));
    out += e.name;
    put16(out, 0x4246);
    put16(out, uint16_t(pad));
    out.append(pad, 'Z');
    out += body;
    cds.push_back({e.name, method, crc, body.size(),
                   e.declaredSize == UINT64_MAX ? e.data.size() : e.declaredSize,
                   e.declaredOffset == UINT64_MAX ? off : e.declaredOffset});
  }
  uint64_t cdOff = out.size();
  for (const Cd &c : cds) {
    put32(out, 0x02014b50);
    put16(out, 45);
    put16(out, 45);
    put16(out, 0x0808);
    put16(out, c.method);
    put16(out, 0);
    put16(out, 0);
    put32(out, c.crc);
    if (zip64) {
      put32(out, 0xffffffffu);
      put32(out, 0xffffffffu);
    } else {
      put32(out, uint32_t(c.csize));
      put32(out, uint32_t(c.usize));
    }
    put16(out, uint16_t(c.name.size()));
    put16(out, zip64 ? 28 : 0);
    put16(out, 0);
    put16(out, 0);
    put16(out, 0);
    put32(out, 0);
    put32(out, zip64 ? 0xffffffffu : uint32_t(c.off));
    out += c.name;
    if (zip64) {
      put16(out, 0x0001);
      put16(out, 24);
      put64(out, c.usize);
      put64(out, c.csize);
      put64(out, c.off);
    }
  }
  uint64_t cdSize = out.size() - cdOff;
  if (zip64) {
    uint64_t e64 = out.size();
    put32(out, 0x06064b50);
    put64(out, 44);
    put16(out, 45);
    put16(out, 45);
    put32(out, 0);
    put32(out, 0);
    put64(out, cds.size());
    put64(out, cds.size());
    put64(out, cdSize);
    put64(out, cdOff);
    put32(out, 0x07064b50);
    put32(out, 0);
    put64(out, e64);
    put32(out, 1);
  }
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, zip64 ? 0xffff : uint16_t(cds.size()));
  put16(out, zip64 ? 0xffff : uint16_t(cds.size()));
  put32(out, zip64 ? 0xffffffffu : uint32_t(cdSize));
  put32(out, zip64 ? 0xffffffffu : uint32_t(cdOff));
  put16(out, 0);
  return out;
}

/// Pickle byte builder (protocol 2 opcodes).
struct Pk {
  std::string s = std::string("\x80\x02", 2);
  Pk &raw(const std::string &b) {
    s += b;
    return *this;
  }
  Pk &op(char c) {
    s += c;
    return *this;
  }
  Pk &global(const std::string &mod, const std::string &name) {
    s += 'c';
    s += mod + "\n" + name + "\n";
    return *this;
  }
  Pk &str(const std::string &v) {
    s += 'X';
    put32(s, uint32_t(v.size()));
    s += v;
    return *this;
  }
  Pk &i(int64_t v) {
    if (v >= 0 && v < 256) {
      s += 'K';
      s += char(v);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      s += 'J';
      put32(s, uint32_t(int32_t(v)));
    } else {
      s += '\x8a';
      s += char(8);
      put64(s, uint64_t(v));
    }
    return *this;
  }
  Pk &mark() { return op('('); }
  Pk &tuple() { return op('t'); }
  Pk &stop() { return op('.'); }
  Pk &put(uint8_t idx) {
    s += 'q';
    s += char(idx);
    return *this;
  }
  Pk &get(uint8_t idx) {
    s += 'h';
    s += char(idx);
    return *this;
  }
  /// ('storage', torch.<cls>, key, 'cpu', numel) BINPERSID
  Pk &storage(const std::string &cls, const std::string &key, int64_t numel) {
    mark().str("storage").global("torch", cls).str(key).str("cpu").i(numel);
    tuple();
    return op('Q');
  }
  /// _rebuild_tensor_v2(storage..., offset, sizes, strides, False, OrderedDict())
  Pk &tensorV2(const std::string &cls, const std::string &key, int64_t numel,
               int64_t offset, const std::vector<int64_t> &sizes,
               const std::vector<int64_t> &strides) {
    global("torch._utils", "_rebuild_tensor_v2");
    mark();
    storage(cls, key, numel);
    i(offset);
    mark();
    for (int64_t v : sizes)
      i(v);
    tuple();
    mark();
    for (int64_t v : strides)
      i(v);
    tuple();
    op('\x89');
    global("collections", "OrderedDict").op(')').op('R');
    tuple();
    return op('R');
  }
  const uint8_t *data() const {
    return reinterpret_cast<const uint8_t *>(s.data());
  }
  size_t size() const { return s.size(); }
};

} // namespace kiln::torch::test

#endif // KILN_TORCH_TESTS_TESTUTIL_H
