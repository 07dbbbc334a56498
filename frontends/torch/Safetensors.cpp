//===- Safetensors.cpp - safetensors files and sharded sets ---------------===//
//
// kiln: implementation of kiln/torch/Safetensors.h.
//
//===----------------------------------------------------------------------===//

#include "kiln/torch/Safetensors.h"

#include "Json.h"
#include "kiln/support/MappedFile.h"

#include <algorithm>
#include <cstring>

namespace kiln::torch {

uint64_t SafetensorsTensor::numel() const {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= uint64_t(d);
  return n;
}

std::unique_ptr<SafetensorsFile>
SafetensorsFile::open(const std::string &path, std::string *error,
                      const SafetensorsLimits &l) {
  std::string e;
  std::unique_ptr<MappedFile> f = MappedFile::open(path, &e);
  if (!f) {
    if (error)
      *error = e;
    return nullptr;
  }
  return open(std::shared_ptr<const MappedFile>(std::move(f)), error, l);
}

std::unique_ptr<SafetensorsFile>
SafetensorsFile::open(std::shared_ptr<const MappedFile> file,
                      std::string *error, const SafetensorsLimits &l) {
  std::unique_ptr<SafetensorsFile> s(new SafetensorsFile());
  s->file_ = std::move(file);
  s->path_ = s->file_ ? s->file_->path() : "<null>";
  std::string e;
  if (!s->file_ || !s->load(l, &e)) {
    if (error)
      *error = s->path_ + ": safetensors: " + (s->file_ ? e : "no file");
    return nullptr;
  }
  return s;
}

bool SafetensorsFile::load(const SafetensorsLimits &l, std::string *error) {
  const uint8_t *d = file_->data();
  const uint64_t size = file_->size();
  if (size < 8) {
    *error = "file too small (" + std::to_string(size) + " bytes)";
    return false;
  }
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | d[i];
  if (n > l.maxHeaderSize) {
    *error = "header length " + std::to_string(n) +
             " exceeds the limit of " + std::to_string(l.maxHeaderSize) +
             " bytes (SafetensorsLimits::maxHeaderSize)";
    return false;
  }
  if (n > size - 8) {
    *error = "header length " + std::to_string(n) + " runs past the end of "
             "the file (" + std::to_string(size) + " bytes)";
    return false;
  }
  if (n < 2 || d[8] != '{') {
    *error = "header is not a JSON object";
    return false;
  }
  headerSize_ = n;
  dataSize_ = size - 8 - n;
  std::string_view text(reinterpret_cast<const char *>(d + 8), n);
  json::Value root;
  std::string jerr;
  if (!json::parse(text, &root, &jerr, l.maxJsonDepth)) {
    *error = "header JSON: " + jerr;
    return false;
  }
  if (root.kind != json::Value::Kind::Object) {
    *error = "header is not a JSON object";
    return false;
  }
  if (root.members.size() > l.maxTensors + 1) {
    *error = "more than " + std::to_string(l.maxTensors) + " tensors";
    return false;
  }
  const uint8_t *data = d + 8 + n;
  for (const auto &m : root.members) {
    const std::string &name = m.first;
    const json::Value &v = m.second;
    if (name == "__metadata__") {
      if (v.kind != json::Value::Kind::Object) {
        *error = "__metadata__ is not an object";
        return false;
      }
      for (const auto &kv : v.members) {
        if (kv.second.kind != json::Value::Kind::String) {
          *error = "__metadata__ value of '" + kv.first + "' is not a string";
          return false;
        }
        metadata_.emplace_back(kv.first, kv.second.str);
      }
      continue;
    }
    auto bad = [&](const std::string &why) {
      *error = "tensor '" + name + "': " + why;
      return false;
    };
    if (v.kind != json::Value::Kind::Object)
      return bad("entry is not an object");
    const json::Value *dt = v.get("dtype"), *shape = v.get("shape"),
                      *offs = v.get("data_offsets");
    if (!dt || !shape || !offs || v.members.size() != 3)
      return bad("entry must have exactly dtype, shape and data_offsets");
    SafetensorsTensor t;
    t.name = name;
    if (dt->kind != json::Value::Kind::String)
      return bad("dtype is not a string");
    t.dtypeName = dt->str;
    t.dtype = dtypeFromSafetensors(dt->str);
    if (t.dtype == DType::Invalid)
      return bad("unknown dtype '" + dt->str + "'");
    if (shape->kind != json::Value::Kind::Array)
      return bad("shape is not an array");
    unsigned __int128 numel = 1;
    for (const json::Value &dim : shape->items) {
      if (dim.kind != json::Value::Kind::Number || !dim.isInteger ||
          dim.integer < 0)
        return bad("shape holds a value that is not a non-negative integer");
      t.shape.push_back(dim.integer);
      numel *= uint64_t(dim.integer);
      if (numel > ((unsigned __int128)1 << 64))
        return bad("shape has too many elements");
    }
    if (offs->kind != json::Value::Kind::Array || offs->items.size() != 2)
      return bad("data_offsets is not [begin, end]");
    for (const json::Value &o : offs->items)
      if (o.kind != json::Value::Kind::Number || !o.isInteger || o.integer < 0)
        return bad("data_offsets holds a value that is not a non-negative "
                   "integer");
    t.begin = uint64_t(offs->items[0].integer);
    t.end = uint64_t(offs->items[1].integer);
    if (t.begin > t.end)
      return bad("data_offsets begin " + std::to_string(t.begin) +
                 " is after end " + std::to_string(t.end));
    if (t.end > dataSize_)
      return bad("data_offsets end " + std::to_string(t.end) +
                 " is past the data area (" + std::to_string(dataSize_) +
                 " bytes)");
    unsigned __int128 want = numel * dtypeSize(t.dtype);
    if (want != (unsigned __int128)(t.end - t.begin))
      return bad("byte length " + std::to_string(t.end - t.begin) +
                 " does not match dtype " + t.dtypeName + " and shape (" +
                 std::to_string((uint64_t)std::min<unsigned __int128>(
                     want, UINT64_MAX)) +
                 " bytes)");
    t.fileOffset = 8 + n + t.begin;
    t.data = ByteView{data + t.begin, size_t(t.end - t.begin)};
    byName_.emplace(t.name, tensors_.size());
    tensors_.push_back(std::move(t));
  }
  // No overlaps, no holes (like the reference implementation).
  std::vector<size_t> order(tensors_.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return tensors_[a].begin != tensors_[b].begin
               ? tensors_[a].begin < tensors_[b].begin
               : tensors_[a].end < tensors_[b].end;
  });
  uint64_t at = 0;
  const SafetensorsTensor *prev = nullptr;
  for (size_t i : order) {
    const SafetensorsTensor &t = tensors_[i];
    if (t.begin < at) {
      *error = "tensors '" + prev->name + "' and '" + t.name + "' overlap";
      return false;
    }
    if (t.begin > at) {
      *error = "unused bytes [" + std::to_string(at) + ", " +
               std::to_string(t.begin) + ") before tensor '" + t.name + "'";
      return false;
    }
    at = t.end;
    prev = &t;
  }
  if (at != dataSize_) {
    *error = "data area has " + std::to_string(dataSize_ - at) +
             " bytes after the last tensor";
    return false;
  }
  return true;
}

const SafetensorsTensor *SafetensorsFile::find(std::string_view name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : &tensors_[it->second];
}

std::unique_ptr<SafetensorsIndex>
SafetensorsIndex::open(const std::string &indexPath, std::string *error,
                       const SafetensorsLimits &l) {
  std::unique_ptr<SafetensorsIndex> ix(new SafetensorsIndex());
  ix->path_ = indexPath;
  auto fail = [&](const std::string &why) -> std::unique_ptr<SafetensorsIndex> {
    if (error)
      *error = indexPath + ": safetensors index: " + why;
    return nullptr;
  };
  std::string e;
  std::unique_ptr<MappedFile> f = MappedFile::open(indexPath, &e);
  if (!f) {
    if (error)
      *error = e;
    return nullptr;
  }
  if (f->size() > l.maxHeaderSize)
    return fail("index file too large");
  json::Value root;
  if (!json::parse(std::string_view(reinterpret_cast<const char *>(f->data()),
                                    f->size()),
                   &root, &e, l.maxJsonDepth))
    return fail("JSON: " + e);
  if (root.kind != json::Value::Kind::Object)
    return fail("not a JSON object");
  if (const json::Value *md = root.get("metadata")) {
    if (md->kind != json::Value::Kind::Object)
      return fail("metadata is not an object");
    for (const auto &kv : md->members) {
      std::string text;
      if (kv.second.kind == json::Value::Kind::String)
        text = kv.second.str;
      else if (kv.second.kind == json::Value::Kind::Number)
        text = kv.second.isInteger ? std::to_string(kv.second.integer)
                                   : std::to_string(kv.second.number);
      else
        text = "<" + std::string(kv.second.kind == json::Value::Kind::Object
                                     ? "object"
                                     : "value") +
               ">";
      ix->metadata_.emplace_back(kv.first, text);
    }
  }
  const json::Value *wm = root.get("weight_map");
  if (!wm || wm->kind != json::Value::Kind::Object)
    return fail("no weight_map object");
  std::string dir;
  size_t slash = indexPath.rfind('/');
  if (slash != std::string::npos)
    dir = indexPath.substr(0, slash + 1);
  std::map<std::string, size_t> shardByName;
  for (const auto &kv : wm->members) {
    if (kv.second.kind != json::Value::Kind::String)
      return fail("weight_map value of '" + kv.first + "' is not a string");
    const std::string &shard = kv.second.str;
    if (shard.empty() || shard.find('/') != std::string::npos ||
        shard.find('\\') != std::string::npos || shard == "." ||
        shard == ".." || shard.find('\0') != std::string::npos)
      return fail("shard name '" + shard +
                  "' is not a plain file name next to the index");
    auto it = shardByName.find(shard);
    size_t idx;
    if (it == shardByName.end()) {
      auto sf = SafetensorsFile::open(dir + shard, &e, l);
      if (!sf) {
        if (error)
          *error = indexPath + ": shard: " + e;
        return nullptr;
      }
      idx = ix->shards_.size();
      ix->shards_.push_back(std::move(sf));
      shardByName.emplace(shard, idx);
    } else {
      idx = it->second;
    }
    if (!ix->shards_[idx]->find(kv.first))
      return fail("tensor '" + kv.first + "' is not in shard '" + shard + "'");
    ix->byName_.emplace(kv.first, ix->weightMap_.size());
    ix->weightMap_.emplace_back(kv.first, idx);
  }
  for (const auto &s : ix->shards_)
    for (const SafetensorsTensor &t : s->tensors()) {
      auto it = ix->byName_.find(t.name);
      if (it == ix->byName_.end() ||
          ix->shards_[ix->weightMap_[it->second].second].get() != s.get())
        return fail("shard '" + s->path() + "' holds tensor '" + t.name +
                    "' that weight_map does not assign to it");
    }
  return ix;
}

const SafetensorsTensor *
SafetensorsIndex::find(std::string_view name,
                       const SafetensorsFile **shard) const {
  auto it = byName_.find(name);
  if (it == byName_.end())
    return nullptr;
  const SafetensorsFile *s = shards_[weightMap_[it->second].second].get();
  if (shard)
    *shard = s;
  return s->find(name);
}

} // namespace kiln::torch
