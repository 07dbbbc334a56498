//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
#ifndef KILN_SUPPORT_NPY_H
#define KILN_SUPPORT_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::npy {

struct Array {
  int32_t dtype = 0; // kiln_dtype
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; // little-endian, C order
};

/// Reads a .npy file (format 1.0, 2.0 or 3.0; little-endian or byte-order
/// free dtypes; C order). False with a message naming the file otherwise.
bool read(const std::string &path, Array &out, std::string &error);
/// Parses .npy bytes (`name` is used in messages).
bool parse(const uint8_t *data, size_t size, const std::string &name, Array &out,
           std::string &error);
/// Writes format 1.0 (2.0 when the header does not fit).
bool write(const std::string &path, int32_t dtype, const std::vector<int64_t> &shape,
           const void *data, std::string &error);

} // namespace kiln::npy

#endif // KILN_SUPPORT_NPY_H
