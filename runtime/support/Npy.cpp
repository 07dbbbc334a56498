//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
#include "kiln/support/Npy.h"
#include "kiln/support/MappedFile.h"

#include <cstdio>
#include <cstring>

namespace kiln::npy {

namespace {

struct Descr {
  const char *code;
  int32_t dtype;
  size_t size;
};
const Descr kDescrs[] = {{"f4", 1, 4}, {"f8", 11, 8}, {"f2", 10, 2}, {"i1", 3, 1}, {"u1", 2, 1},
                         {"i2", 5, 2}, {"u2", 4, 2},  {"i4", 6, 4},  {"u4", 12, 4}, {"i8", 7, 8},
                         {"u8", 13, 8}, {"b1", 9, 1}};

/// The value of 'key' in the header dict, as raw text up to the next
/// top-level comma or closing brace.
bool field(const std::string &h, const std::string &key, std::string &value) {
  size_t k = h.find("'" + key + "'");
  if (k == std::string::npos)
    return false;
  size_t colon = h.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t i = colon + 1;
  while (i < h.size() && h[i] == ' ')
    ++i;
  size_t j = i;
  if (i < h.size() && h[i] == '(') {
    j = h.find(')', i);
    if (j == std::string::npos)
      return false;
    ++j;
  } else if (i < h.size() && (h[i] == '\'' || h[i] == '"')) {
    j = h.find(h[i], i + 1);
    if (j == std::string::npos)
      return false;
    ++j;
  } else {
    while (j < h.size() && h[j] != ',' && h[j] != '}')
      ++j;
  }
  value = h.substr(i, j - i);
  return true;
}

} // namespace

bool parse(const uint8_t *data, size_t size, const std::string &name, Array &out,
           std::string &error) {
  auto fail = [&](const std::string &m) {
    error = name + ": " + m;
    return false;
  };
  if (size < 10 || std::memcmp(data, "\x93NUMPY", 6) != 0)
    return fail("not a .npy file (bad magic)");
  uint8_t major = data[6];
  size_t headerLen, start;
  if (major == 1) {
    headerLen = size_t(data[8]) | size_t(data[9]) << 8;
    start = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return fail("truncated header");
    headerLen = size_t(data[8]) | size_t(data[9]) << 8 | size_t(data[10]) << 16 |
                size_t(data[11]) << 24;
    start = 12;
  } else {
    return fail("unsupported .npy format version " + std::to_string(major));
  }
  if (headerLen > size - start)
    return fail("truncated header");
  std::string h(reinterpret_cast<const char *>(data + start), headerLen);
  std::string descr, order, shape;
  if (!field(h, "descr", descr) || !field(h, "fortran_order", order) || !field(h, "shape", shape))
    return fail("header lacks descr, fortran_order or shape");
  if (order.rfind("True", 0) == 0)
    return fail("Fortran-order arrays are not supported (save with C order)");
  if (descr.size() < 4)
    return fail("unsupported dtype " + descr);
  char endian = descr[1];
  std::string code = descr.substr(2, descr.size() - 3);
  const Descr *d = nullptr;
  for (const Descr &x : kDescrs)
    if (code == x.code)
      d = &x;
  if (!d)
    return fail("unsupported dtype " + descr);
  if (endian == '>' && d->size > 1)
    return fail("big-endian arrays are not supported");
  out.dtype = d->dtype;
  out.shape.clear();
  uint64_t count = 1;
  for (size_t i = 1; i < shape.size();) {
    while (i < shape.size() && (shape[i] == ' ' || shape[i] == ','))
      ++i;
    if (i >= shape.size() || shape[i] == ')')
      break;
    char *endp = nullptr;
    long long v = std::strtoll(shape.c_str() + i, &endp, 10);
    if (endp == shape.c_str() + i || v < 0)
      return fail("malformed shape " + shape);
    if (v != 0 && count > (uint64_t(1) << 40) / uint64_t(v))
      return fail("absurd shape " + shape);
    count *= uint64_t(v);
    out.shape.push_back(v);
    i = size_t(endp - shape.c_str());
  }
  uint64_t bytes = count * d->size;
  size_t dataStart = start + headerLen;
  if (size - dataStart < bytes)
    return fail("truncated data: the shape needs " + std::to_string(bytes) + " bytes, the file has " +
                std::to_string(size - dataStart));
  out.data.assign(data + dataStart, data + dataStart + bytes);
  return true;
}

bool read(const std::string &path, Array &out, std::string &error) {
  auto file = MappedFile::open(path, &error);
  if (!file)
    return false;
  return parse(file->data(), file->size(), path, out, error);
}

bool write(const std::string &path, int32_t dtype, const std::vector<int64_t> &shape,
           const void *data, std::string &error) {
  const Descr *d = nullptr;
  for (const Descr &x : kDescrs)
    if (x.dtype == dtype)
      d = &x;
  if (!d) {
    error = "cannot write dtype " + std::to_string(dtype) + " to .npy";
    return false;
  }
  std::string s = "(";
  uint64_t count = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    s += std::to_string(shape[i]) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
    count *= uint64_t(shape[i]);
  }
  s += ")";
  std::string header = std::string("{'descr': '") + (d->size == 1 ? "|" : "<") + d->code +
                       "', 'fortran_order': False, 'shape': " + s + ", }";
  size_t prefix = 10;
  size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, uint8_t(header.size() & 0xff),
                     uint8_t(header.size() >> 8)};
  bool ok = std::fwrite(pre, 1, 10, f) == 10 &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(data, 1, count * d->size, f) == count * d->size;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok)
    error = "cannot write " + path + ": " + std::strerror(errno);
  return ok;
}

} // namespace kiln::npy
