//===- Inspect.cpp - `kiln inspect` for PyTorch files ---------------------===//

#include "kiln/torch/Inspect.h"

#include "kiln/torch/Checkpoint.h"
#include "kiln/torch/Safetensors.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ostream>

namespace kiln::torch {

namespace {

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::char_traits<char>::length(suffix);
  if (s.size() < n)
    return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - n + i])) != suffix[i])
      return false;
  return true;
}

std::string shapeText(const std::vector<int64_t> &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string bytesText(uint64_t b) {
  char buf[64];
  if (b >= (1ull << 30))
    std::snprintf(buf, sizeof buf, "%llu (%.2f GiB)", (unsigned long long)b,
                  b / double(1ull << 30));
  else if (b >= (1ull << 20))
    std::snprintf(buf, sizeof buf, "%llu (%.2f MiB)", (unsigned long long)b,
                  b / double(1ull << 20));
  else
    std::snprintf(buf, sizeof buf, "%llu", (unsigned long long)b);
  return buf;
}

void row(std::ostream &out, size_t keyWidth, const std::string &key,
         const std::string &dtype, const std::string &shape, const std::string &bytes,
         const std::string &extra) {
  out << "  " << key << std::string(keyWidth - std::min(keyWidth, key.size()) + 2, ' ')
      << dtype << std::string(12 - std::min<size_t>(11, dtype.size()), ' ')
      << shape << std::string(20 - std::min<size_t>(19, shape.size()), ' ')
      << bytes;
  if (!extra.empty())
    out << "  " << extra;
  out << "\n";
}

int inspectSafetensors(const std::string &path, std::ostream &out,
                       std::ostream &err) {
  std::string error;
  auto f = SafetensorsFile::open(path, &error);
  if (!f) {
    err << "kiln inspect: " << error << "\n";
    return 1;
  }
  uint64_t total = 0;
  size_t w = 4;
  for (const auto &t : f->tensors()) {
    total += t.data.size;
    w = std::max(w, t.name.size());
  }
  out << path << ": safetensors, " << f->tensors().size() << " tensors, "
      << bytesText(total) << " bytes of data, header " << f->headerSize()
      << " bytes\n";
  row(out, w, "key", "dtype", "shape", "bytes", "");
  for (const auto &t : f->tensors())
    row(out, w, t.name, std::string(dtypeName(t.dtype)), shapeText(t.shape),
        std::to_string(t.data.size), "");
  if (!f->metadata().empty()) {
    out << "metadata:\n";
    for (const auto &kv : f->metadata())
      out << "  " << kv.first << " = " << kv.second << "\n";
  }
  return 0;
}

int inspectIndex(const std::string &path, std::ostream &out,
                 std::ostream &err) {
  std::string error;
  auto ix = SafetensorsIndex::open(path, &error);
  if (!ix) {
    err << "kiln inspect: " << error << "\n";
    return 1;
  }
  uint64_t total = 0;
  size_t w = 4;
  for (const auto &kv : ix->weightMap()) {
    total += ix->find(kv.first)->data.size;
    w = std::max(w, kv.first.size());
  }
  out << path << ": sharded safetensors, " << ix->weightMap().size()
      << " tensors in " << ix->shards().size() << " shards, "
      << bytesText(total) << " bytes of data\n";
  row(out, w, "key", "dtype", "shape", "bytes", "shard");
  for (const auto &kv : ix->weightMap()) {
    const SafetensorsFile *shard = nullptr;
    const SafetensorsTensor *t = ix->find(kv.first, &shard);
    std::string sp = shard->path();
    size_t slash = sp.rfind('/');
    row(out, w, kv.first, std::string(dtypeName(t->dtype)),
        shapeText(t->shape), std::to_string(t->data.size),
        slash == std::string::npos ? sp : sp.substr(slash + 1));
  }
  if (!ix->metadata().empty()) {
    out << "metadata:\n";
    for (const auto &kv : ix->metadata())
      out << "  " << kv.first << " = " << kv.second << "\n";
  }
  return 0;
}

} // namespace

bool isTorchInspectPath(const std::string &path) {
  for (const char *ext : {".pt", ".pth", ".bin", ".ckpt", ".pkl", ".pickle",
                          ".safetensors", ".index.json"})
    if (endsWith(path, ext))
      return true;
  return false;
}

int inspectTorchFile(const std::string &path, std::ostream &out,
                     std::ostream &err, const InspectOptions &opt) {
  if (endsWith(path, ".safetensors"))
    return inspectSafetensors(path, out, err);
  if (endsWith(path, ".json"))
    return inspectIndex(path, out, err);

  CheckpointOptions co;
  co.extraGlobals = opt.extraGlobals;
  co.verifyCrc = opt.verifyCrc;
  std::string error;
  auto ck = Checkpoint::open(path, &error, co);
  if (!ck) {
    err << "kiln inspect: " << error << "\n";
    return 1;
  }
  size_t w = 4;
  uint64_t tensorBytes = 0;
  for (const auto &t : ck->tensors()) {
    w = std::max(w, t.key.size());
    tensorBytes += t.nbytes;
  }
  out << path << ": " << Checkpoint::formatName(ck->format());
  if (!ck->version().empty())
    out << ", version " << ck->version();
  if (ck->format() != Checkpoint::Format::Pickle)
    out << ", byteorder " << ck->byteOrder();
  out << "\n  " << ck->tensors().size() << " tensors (" << bytesText(tensorBytes)
      << " bytes) in " << ck->storageCount() << " storages ("
      << bytesText(ck->totalStorageBytes()) << " bytes)\n";
  if (!ck->tensors().empty()) {
    row(out, w, "key", "dtype", "shape", "bytes", "");
    for (const auto &t : ck->tensors()) {
      std::string extra = "storage " + t.storageKey;
      if (t.storageOffset)
        extra += " +" + std::to_string(t.storageOffset);
      if (!t.contiguous)
        extra += " strides " + shapeText(t.strides);
      if (t.parameter)
        extra += " parameter";
      row(out, w, t.key, std::string(dtypeName(t.dtype)), shapeText(t.sizes),
          std::to_string(t.nbytes), extra);
    }
  }
  if (opt.showScalars && !ck->scalars().empty()) {
    const size_t maxShown = 200;
    out << "values:\n";
    for (size_t i = 0; i < ck->scalars().size() && i < maxShown; ++i)
      out << "  " << ck->scalars()[i].key << " = " << ck->scalars()[i].text
          << "\n";
    if (ck->scalars().size() > maxShown)
      out << "  ... " << ck->scalars().size() - maxShown << " more\n";
  }
  return 0;
}

} // namespace kiln::torch
