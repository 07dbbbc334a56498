//===- Checkpoint.cpp - torch.save files without Python -------------------===//
//
// kiln: implementation of kiln::torch::Checkpoint. See Checkpoint.h.
//
//===----------------------------------------------------------------------===//

#include "kiln/torch/Checkpoint.h"

#include "kiln/support/MappedFile.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <unordered_map>

namespace kiln::torch {

namespace {

// The first pickle of a legacy file: PROTO 2, LONG1 of 10 bytes
// (0x1950a86a20f9469cfc6c), STOP.
const uint8_t kLegacyMagic[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46,
                                0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e};

uint64_t storageElemSize(const StorageInfo &s) {
  return s.untyped ? 1 : dtypeSize(s.dtype);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' ||
                        s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
    ++i;
  return s.substr(i);
}

} // namespace

Checkpoint::~Checkpoint() = default;

const char *Checkpoint::formatName(Format f) {
  switch (f) {
  case Format::Zip: return "torch.save (zip)";
  case Format::Legacy: return "torch.save (legacy, pre-1.6)";
  case Format::Pickle: return "pickle";
  case Format::TorchScript: return "TorchScript archive";
  }
  return "?";
}

std::unique_ptr<Checkpoint> Checkpoint::open(const std::string &path,
                                             std::string *error,
                                             const CheckpointOptions &opt) {
  std::string e;
  std::unique_ptr<MappedFile> f = MappedFile::open(path, &e);
  if (!f) {
    if (error)
      *error = e;
    return nullptr;
  }
  return open(std::shared_ptr<const MappedFile>(std::move(f)), error, opt);
}

std::unique_ptr<Checkpoint>
Checkpoint::open(std::shared_ptr<const MappedFile> file, std::string *error,
                 const CheckpointOptions &opt) {
  std::unique_ptr<Checkpoint> c(new Checkpoint());
  c->file_ = std::move(file);
  c->opt_ = opt;
  c->path_ = c->file_ ? c->file_->path() : "<null>";
  std::string e;
  if (!c->file_ || !c->load(&e)) {
    if (error)
      *error = c->file_ ? e : "no file";
    return nullptr;
  }
  return c;
}

bool Checkpoint::load(std::string *error) {
  const uint8_t *d = file_->data();
  size_t n = file_->size();
  bool ok;
  if (ZipArchive::looksLikeZip(d, n)) {
    ok = loadZip(error);
  } else if (n >= sizeof kLegacyMagic &&
             std::memcmp(d, kLegacyMagic, sizeof kLegacyMagic) == 0) {
    format_ = Format::Legacy;
    ok = loadLegacy(error);
  } else if (n >= 262 && std::memcmp(d + 257, "ustar", 5) == 0) {
    *error = path_ + ": the tar-based torch.save format (PyTorch < 0.4) is "
                     "not supported";
    return false;
  } else if (n >= 8 && std::memcmp(d, "PYTORCH1", 8) == 0) {
    *error = path_ + ": the 2018 'PYTORCH1' format is not supported";
    return false;
  } else {
    format_ = Format::Pickle;
    ok = loadPickle(error);
  }
  return ok && collect(error);
}

bool Checkpoint::loadZip(std::string *error) {
  zip_ = ZipArchive::open(file_, error, opt_.zipLimits);
  if (!zip_)
    return false;
  if (zip_->prefix().empty()) {
    *error = path_ + ": zip archive without a top folder (not written by "
                     "torch.save)";
    return false;
  }
  if (zip_->find("model.json")) {
    *error = path_ + ": old TorchScript format (model.json + protobuf, "
                     "PyTorch <= 1.2) is not supported";
    return false;
  }
  bool ts = zip_->find("constants.pkl") != nullptr;
  if (ts && !opt_.allowTorchScript) {
    *error = path_ + ": a TorchScript archive (torch.jit.save), not a "
                     "torch.save file";
    return false;
  }
  format_ = ts ? Format::TorchScript : Format::Zip;

  std::string rec;
  const ZipEntry *ver = zip_->find(".data/version");
  if (!ver)
    ver = zip_->find("version");
  if (ver) {
    if (!zip_->read(*ver, &rec, error))
      return false;
    version_ = trim(rec);
    bool digits = !version_.empty() && version_.size() < 10;
    for (char ch : version_)
      digits = digits && ch >= '0' && ch <= '9';
    if (!digits) {
      *error = path_ + ": malformed version record '" + version_.substr(0, 20) +
               "'";
      return false;
    }
  }
  if (const ZipEntry *bo = zip_->find("byteorder")) {
    if (!zip_->read(*bo, &rec, error))
      return false;
    byteOrder_ = trim(rec);
    if (byteOrder_ != "little" && byteOrder_ != "big") {
      *error = path_ + ": unknown byteorder '" + byteOrder_.substr(0, 20) + "'";
      return false;
    }
  }

  auto readOne = [&](const char *pkl, const char *dir,
                     std::unique_ptr<PickleDoc> *out) {
    const ZipEntry *e = zip_->find(pkl);
    if (!e) {
      *error = path_ + ": no " + pkl + " record (not a torch.save archive)";
      return false;
    }
    std::string bytes;
    if (!zip_->read(*e, &bytes, error))
      return false;
    PickleOptions po;
    po.mode = ts ? PickleMode::TorchScript : PickleMode::WeightsOnly;
    po.limits = opt_.pickleLimits;
    po.extraGlobals = opt_.extraGlobals;
    po.name = path_ + ":" + std::string(pkl);
    std::string folder = dir;
    po.persistentLoad = [&, folder](PickleDoc &doc, const PickleValue &pid,
                                    std::string *err) -> const PickleValue * {
      const PickleValue *sv = standardPersistentLoad(doc, pid, err);
      if (!sv || storageData_.count(sv))
        return sv;
      const StorageInfo &s = *sv->storage;
      if (s.hasView) {
        *err = "view metadata in a zip archive";
        return nullptr;
      }
      unsigned __int128 want =
          (unsigned __int128)s.numel * storageElemSize(s);
      const ZipEntry *r = zip_->find(folder + s.key);
      ByteView view;
      if (!r) {
        if (want != 0) {
          *err = "storage record '" + zip_->prefix() + folder + s.key +
                 "' is missing";
          return nullptr;
        }
      } else {
        if (!r->stored()) {
          *err = "storage record '" + r->name + "' is compressed";
          return nullptr;
        }
        if ((unsigned __int128)r->uncompressedSize != want) {
          *err = "storage record '" + r->name + "' holds " +
                 std::to_string(r->uncompressedSize) + " bytes, but " +
                 std::to_string(s.numel) + " x " + std::string(dtypeName(s.dtype)) +
                 " need " + std::to_string((uint64_t)want);
          return nullptr;
        }
        if (opt_.verifyCrc && !zip_->verifyCrc(*r, err))
          return nullptr;
        zip_->view(*r, &view, err);
      }
      storageData_[sv] = view;
      return sv;
    };
    std::string perr;
    *out = readPickle(reinterpret_cast<const uint8_t *>(bytes.data()),
                      bytes.size(), po, &perr);
    if (!*out) {
      *error = perr;
      return false;
    }
    return true;
  };
  if (!readOne("data.pkl", "data/", &doc_))
    return false;
  if (ts && !readOne("constants.pkl", "constants/", &constantsDoc_))
    return false;
  return true;
}

bool Checkpoint::loadLegacy(std::string *error) {
  const uint8_t *d = file_->data();
  const size_t n = file_->size();
  size_t pos = sizeof kLegacyMagic;
  PickleOptions po;
  po.limits = opt_.pickleLimits;
  po.extraGlobals = opt_.extraGlobals;

  auto next = [&](const char *what, std::unique_ptr<PickleDoc> *out) {
    po.name = path_ + ":" + what;
    po.baseOffset = pos;
    size_t used = 0;
    std::string perr;
    *out = readPickle(d + pos, n - pos, po, &perr, &used);
    if (!*out) {
      *error = perr;
      return false;
    }
    pos += used;
    return true;
  };
  std::unique_ptr<PickleDoc> proto, sysInfo, keys;
  if (!next("protocol", &proto))
    return false;
  if (!proto->root()->isInt() || proto->root()->integer != 1001) {
    *error = path_ + ": legacy protocol version " +
             describePickleValue(*proto->root()) + " is not supported (1001)";
    return false;
  }
  if (!next("sys_info", &sysInfo))
    return false;
  const PickleValue *le = sysInfo->root()->get("little_endian");
  if (!le || le->kind != PickleKind::Bool) {
    *error = path_ + ": legacy sys_info lacks little_endian";
    return false;
  }
  byteOrder_ = le->boolean ? "little" : "big";
  if (!next("object", &doc_))
    return false;
  if (!next("storage keys", &keys))
    return false;
  const PickleValue *kl = keys->root();
  if (kl->kind != PickleKind::List) {
    *error = path_ + ": legacy storage key list is a " +
             std::string(pickleKindName(kl->kind));
    return false;
  }
  // Root storages by key (views share their root's bytes).
  std::unordered_map<std::string, std::vector<const PickleValue *>> byRoot;
  for (const auto &kv : doc_->storagesByKey)
    byRoot[kv.second->storage->key].push_back(kv.second);
  for (const PickleValue *k : kl->items) {
    if (k->kind != PickleKind::String) {
      *error = path_ + ": legacy storage key is not a string";
      return false;
    }
    auto it = byRoot.find(k->str);
    if (it == byRoot.end()) {
      *error = path_ + ": legacy storage '" + k->str +
               "' is not referenced by the object (unknown element size)";
      return false;
    }
    const StorageInfo &s = *it->second.front()->storage;
    if (n - pos < 8) {
      *error = path_ + ": truncated before legacy storage '" + k->str + "'";
      return false;
    }
    uint64_t count;
    std::memcpy(&count, d + pos, 8);
    if (byteOrder_ == "big")
      count = __builtin_bswap64(count);
    pos += 8;
    if (count != s.numel) {
      *error = path_ + ": legacy storage '" + k->str + "' has " +
               std::to_string(count) + " elements, the object says " +
               std::to_string(s.numel);
      return false;
    }
    unsigned __int128 bytes = (unsigned __int128)count * storageElemSize(s);
    if (bytes > n - pos) {
      *error = path_ + ": legacy storage '" + k->str + "' (" +
               std::to_string(count) + " elements) runs past the end of the "
               "file";
      return false;
    }
    for (const PickleValue *sv : it->second) {
      const StorageInfo &si = *sv->storage;
      ByteView v{d + pos, size_t(bytes)};
      if (si.hasView) {
        v.data += si.viewOffset * storageElemSize(si);
        v.size = si.viewSize * storageElemSize(si);
      }
      storageData_[sv] = v;
    }
    pos += size_t(bytes);
    byRoot.erase(it);
  }
  if (!byRoot.empty()) {
    *error = path_ + ": legacy storage '" + byRoot.begin()->first +
             "' is referenced but not stored";
    return false;
  }
  return true;
}

bool Checkpoint::loadPickle(std::string *error) {
  PickleOptions po;
  po.limits = opt_.pickleLimits;
  po.extraGlobals = opt_.extraGlobals;
  po.name = path_;
  po.persistentLoad = [](PickleDoc &, const PickleValue &,
                         std::string *err) -> const PickleValue * {
    *err = "persistent ids (storages) are only valid inside torch.save files";
    return nullptr;
  };
  std::string perr;
  doc_ = readPickle(file_->data(), file_->size(), po, &perr);
  if (!doc_) {
    *error = perr;
    return false;
  }
  return true;
}

bool Checkpoint::collect(std::string *error) {
  std::unordered_map<const PickleValue *, bool> hasTensor;
  // Whether a subtree holds a tensor (memoized; depth is bounded by
  // PickleLimits::maxDepth).
  std::function<bool(const PickleValue *)> holds = [&](const PickleValue *v) {
    if (v->kind == PickleKind::Tensor)
      return true;
    auto it = hasTensor.find(v);
    if (it != hasTensor.end())
      return it->second;
    bool r = false;
    for (const PickleValue *i : v->items)
      r = r || holds(i);
    for (const auto &kv : v->entries)
      r = r || holds(kv.second);
    if (v->state && v->kind == PickleKind::Object)
      r = r || holds(v->state);
    hasTensor[v] = r;
    return r;
  };
  auto join = [](const std::string &a, const std::string &b) {
    return a.empty() ? b : a + "." + b;
  };
  std::function<void(const PickleValue *, const std::string &)> walk =
      [&](const PickleValue *v, const std::string &key) {
        if (v->kind == PickleKind::Tensor) {
          const TensorInfo &ti = *v->tensor;
          CheckpointTensor t;
          t.key = key.empty() ? "<root>" : key;
          t.dtype = ti.dtype;
          t.sizes = ti.sizes;
          t.strides = ti.strides;
          t.storageOffset = ti.storageOffset;
          t.parameter = ti.parameter;
          t.requiresGrad = ti.requiresGrad;
          t.value = v;
          const StorageInfo &s = *ti.storage->storage;
          t.storageKey = s.key;
          t.storageBytes = (s.hasView ? s.viewSize : s.numel) * storageElemSize(s);
          unsigned __int128 numel = 1;
          for (int64_t sz : ti.sizes) {
            numel *= (uint64_t)sz;
            if (numel > ((unsigned __int128)1 << 62))
              numel = (unsigned __int128)1 << 62;
          }
          t.numel = (uint64_t)numel;
          t.nbytes = (uint64_t)std::min<unsigned __int128>(
              numel * dtypeSize(ti.dtype), (unsigned __int128)1 << 62);
          bool contig = true;
          int64_t expect = 1;
          for (size_t i = ti.sizes.size(); i-- > 0;) {
            if (ti.sizes[i] == 1)
              continue;
            if (ti.strides[i] != expect)
              contig = false;
            expect *= ti.sizes[i];
          }
          t.contiguous = contig || t.numel == 0;
          byKey_.emplace(t.key, tensors_.size());
          tensors_.push_back(std::move(t));
          return;
        }
        if (!holds(v)) {
          if (v->kind == PickleKind::Dict && v->entries.empty() && !key.empty())
            return; // empty containers say nothing
          scalars_.push_back({key.empty() ? "<root>" : key,
                              describePickleValue(*v, 200)});
          return;
        }
        switch (v->kind) {
        case PickleKind::Dict:
          for (const auto &kv : v->entries) {
            std::string k = kv.first->kind == PickleKind::String
                                ? kv.first->str
                                : describePickleValue(*kv.first, 60);
            walk(kv.second, join(key, k));
          }
          break;
        case PickleKind::Tuple:
        case PickleKind::List:
        case PickleKind::Set:
          for (size_t i = 0; i < v->items.size(); ++i)
            walk(v->items[i], join(key, std::to_string(i)));
          break;
        case PickleKind::Object:
          if (v->state)
            walk(v->state, key);
          for (size_t i = 0; i < v->items.size(); ++i)
            if (holds(v->items[i]))
              walk(v->items[i], join(key, "arg" + std::to_string(i)));
          break;
        default:
          break;
        }
      };
  walk(doc_->root(), "");
  if (constantsDoc_)
    for (size_t i = 0; i < constantsDoc_->root()->items.size(); ++i)
      walk(constantsDoc_->root()->items[i], "CONSTANTS.c" + std::to_string(i));
  (void)error;
  return true;
}

const CheckpointTensor *Checkpoint::find(std::string_view key) const {
  auto it = byKey_.find(std::string(key));
  return it == byKey_.end() ? nullptr : &tensors_[it->second];
}

uint64_t Checkpoint::totalStorageBytes() const {
  uint64_t total = 0;
  for (const auto &kv : storageData_)
    total += kv.second.size;
  return total;
}

bool Checkpoint::storageView(const CheckpointTensor &t, ByteView *out,
                             std::string *error) const {
  auto it = storageData_.find(t.value->tensor->storage);
  if (it == storageData_.end()) {
    if (error)
      *error = path_ + ": tensor '" + t.key + "' has no storage data";
    return false;
  }
  *out = it->second;
  return true;
}

bool Checkpoint::tensorView(const CheckpointTensor &t, ByteView *out,
                            std::string *error) const {
  auto fail = [&](const std::string &why) {
    if (error)
      *error = path_ + ": tensor '" + t.key + "': " + why;
    return false;
  };
  if (!t.contiguous)
    return fail("not contiguous (use tensorBytes for a copy)");
  if (byteOrder_ != "little" && dtypeSize(t.dtype) > 1)
    return fail("stored big-endian (use tensorBytes for a converted copy)");
  if (t.value->tensor->conj || t.value->tensor->neg)
    return fail("conjugate/negative bit set; not supported");
  ByteView s;
  if (!storageView(t, &s, error))
    return false;
  uint64_t start = uint64_t(t.storageOffset) * dtypeSize(t.dtype);
  if (t.nbytes == 0) {
    *out = ByteView{s.data, 0};
    return true;
  }
  if (start > s.size || t.nbytes > s.size - start)
    return fail("reaches past its storage");
  *out = ByteView{s.data + start, size_t(t.nbytes)};
  return true;
}

bool Checkpoint::tensorBytes(const CheckpointTensor &t, std::string *out,
                             std::string *error) const {
  auto fail = [&](const std::string &why) {
    if (error)
      *error = path_ + ": tensor '" + t.key + "': " + why;
    return false;
  };
  if (t.value->tensor->conj || t.value->tensor->neg)
    return fail("conjugate/negative bit set; not supported");
  if (t.nbytes > (uint64_t(1) << 40))
    return fail("too large to copy (" + std::to_string(t.nbytes) + " bytes)");
  ByteView s;
  if (!storageView(t, &s, error))
    return false;
  const size_t item = dtypeSize(t.dtype);
  out->assign(size_t(t.nbytes), '\0');
  if (t.numel) {
    // Odometer over the indices; the pickle reader already checked that
    // every element lies inside the storage.
    const size_t rank = t.sizes.size();
    std::vector<int64_t> idx(rank, 0);
    int64_t off = t.storageOffset;
    char *dst = &(*out)[0];
    for (uint64_t e = 0; e < t.numel; ++e) {
      uint64_t byteOff = uint64_t(off) * item;
      if (byteOff + item > s.size)
        return fail("reaches past its storage");
      std::memcpy(dst + e * item, s.data + byteOff, item);
      for (size_t k = rank; k-- > 0;) {
        if (++idx[k] < t.sizes[k]) {
          off += t.strides[k];
          break;
        }
        off -= t.strides[k] * (t.sizes[k] - 1);
        idx[k] = 0;
      }
    }
  }
  if (byteOrder_ == "big" && item > 1) {
    // Complex numbers swap each half.
    size_t unit = (t.dtype == DType::Complex32 || t.dtype == DType::Complex64 ||
                   t.dtype == DType::Complex128)
                      ? item / 2
                      : item;
    for (size_t p = 0; p + unit <= out->size(); p += unit)
      std::reverse(out->begin() + p, out->begin() + p + unit);
  }
  return true;
}

} // namespace kiln::torch
