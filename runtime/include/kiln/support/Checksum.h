//===- Checksum.h - CRC-32C and SHA-256 -------------------------*- C++ -*-===//
//
// CRC-32C guards the artifact's header, tables, sections and each weight
// (cheap, catches flipped bytes and truncation); SHA-256 identifies the
// source model a artifact was compiled from.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_SUPPORT_CHECKSUM_H
#define KILN_SUPPORT_CHECKSUM_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace kiln {

/// CRC-32C (Castagnoli) of [data, data + size), continuing from `crc`.
uint32_t crc32c(const void *data, size_t size, uint32_t crc = 0);

/// SHA-256 as 64 lowercase hex digits.
std::string sha256Hex(const void *data, size_t size);

} // namespace kiln

#endif // KILN_SUPPORT_CHECKSUM_H
