//===- TorchScriptImporter.cpp - TorchScript archives to kiln IR ----------===//
//
// Binds the archive's parts together: code/**.py (parsed), constants.pkl
// (the CONSTANTS table) and data.pkl (the module tree with its parameters
// and buffers), read with kiln_torch_io's zip and pickle readers in
// TorchScript mode, where `__torch__.*` classes are inert {class, state}
// objects. Tensor records stay in the memory-mapped archive.
//
//===----------------------------------------------------------------------===//
#include "kiln/torch/TorchScriptImporter.h"
#include "kiln/torch/Pickle.h"
#include "kiln/torch/ScriptEval.h"
#include "kiln/torch/Zip.h"

#include "kiln/support/MappedFile.h"

#include "mlir/IR/Builders.h"

#include <map>

using namespace mlir;

namespace kiln::torch {
namespace {

using script::Object;
using script::ScriptError;
using script::TensorData;
using script::Val;
using script::ValVec;

std::string trim(std::string s) {
  while (!s.empty() && isspace((unsigned char)s.back()))
    s.pop_back();
  size_t b = 0;
  while (b < s.size() && isspace((unsigned char)s[b]))
    ++b;
  return s.substr(b);
}

/// Converts an inert pickle value into an evaluator value. Tensors point at
/// their storage record `<folder>/<key>` in the mapped archive.
class Binder {
public:
  Binder(const ZipArchive &zip, std::string record) : zip(zip), record(std::move(record)) {}

  Val convert(const PickleValue &v, const std::string &path) {
    auto it = done.find(&v);
    if (it != done.end())
      return it->second;
    Val r = convertNew(v, path);
    done[&v] = r;
    return r;
  }

private:
  [[noreturn]] void fail(const std::string &path, const std::string &msg) {
    throw ScriptError(record + ": " + path + ": " + msg);
  }

  Val convertNew(const PickleValue &v, const std::string &path) {
    switch (v.kind) {
    case PickleKind::None: return Val::none();
    case PickleKind::Bool: return Val::boolean(v.boolean);
    case PickleKind::Int: return Val::integer(v.integer);
    case PickleKind::Float: return Val::real(v.real);
    case PickleKind::String: return Val::str(v.str);
    case PickleKind::Tuple:
    case PickleKind::List: {
      ValVec xs;
      for (size_t k = 0; k < v.items.size(); ++k)
        xs.push_back(convert(*v.items[k], path + "[" + std::to_string(k) + "]"));
      return v.kind == PickleKind::Tuple ? Val::tuple(std::move(xs)) : Val::list(std::move(xs));
    }
    case PickleKind::Dict: {
      Val d;
      d.k = Val::K::Dict;
      d.dict = std::make_shared<std::vector<std::pair<Val, Val>>>();
      for (auto &[k, x] : v.entries)
        d.dict->push_back({convert(*k, path), convert(*x, path + "[" + describePickleValue(*k, 40) + "]")});
      return d;
    }
    case PickleKind::Object: {
      if (v.str == "torch.device") {
        Val d;
        d.k = Val::K::Device;
        d.s = !v.items.empty() && v.items[0]->isString() ? v.items[0]->str : "cpu";
        return d;
      }
      if (v.str.rfind("__torch__.", 0) != 0)
        fail(path, "object of class " + v.str + " is not supported");
      auto obj = std::make_shared<Object>();
      obj->cls = v.str;
      Val r = Val::object(obj);
      done[&v] = r; // before the state: shared submodules resolve to one object
      if (v.state) {
        if (!v.state->isDict())
          fail(path, "object of class " + v.str + " has a " + pickleKindName(v.state->kind) +
                         " state (classes with __setstate__ are not supported)");
        for (auto &[k, x] : v.state->entries) {
          if (!k->isString())
            fail(path, "object of class " + v.str + " has a non-string attribute name");
          obj->attrs.push_back({k->str, convert(*x, path + "." + k->str)});
        }
      }
      return r;
    }
    case PickleKind::Tensor: {
      const TensorInfo &ti = *v.tensor;
      if (ti.conj || ti.neg)
        fail(path, "tensors with conjugate or negative bits are not supported");
      if (!ti.storage || !ti.storage->storage)
        fail(path, "tensor without storage (" + ti.rebuild + ")");
      const StorageInfo &si = *ti.storage->storage;
      auto d = std::make_shared<TensorData>();
      d->dtype = (int)ti.dtype;
      d->shape = ti.sizes;
      d->strides = ti.strides;
      d->offset = ti.storageOffset;
      d->name = path;
      std::string rec = folder + si.key;
      if (si.numel > 0) {
        const ZipEntry *e = zip.find(rec);
        if (!e)
          fail(path, "storage record '" + rec + "' is missing from the archive");
        ByteView bytes;
        std::string err;
        if (!zip.view(*e, &bytes, &err))
          fail(path, err);
        d->storage = bytes.data;
        d->storageBytes = bytes.size;
        d->owner = zip.mapping();
      }
      return Val::tensorData(std::move(d));
    }
    default:
      fail(path, std::string("value of kind ") + pickleKindName(v.kind) + " (" +
                     describePickleValue(v, 60) + ") is not supported");
    }
  }

public:
  std::string folder; // "data/" or "constants/"

private:
  const ZipArchive &zip;
  std::string record;
  std::map<const PickleValue *, Val> done;
};

Val loadPickle(const ZipArchive &zip, const std::string &name, const std::string &folder,
               const std::string &path) {
  std::string bytes, err;
  if (!zip.readRecord(name, &bytes, &err))
    throw ScriptError(err);
  PickleOptions opts;
  opts.mode = PickleMode::TorchScript;
  opts.name = path + ":" + name;
  auto doc = readPickle(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), opts, &err);
  if (!doc)
    throw ScriptError(err);
  Binder binder(zip, name);
  binder.folder = folder;
  return binder.convert(*doc->root(), name);
}

} // namespace

bool isTorchScriptFile(const std::string &path) {
  std::string err;
  auto zip = ZipArchive::open(path, &err);
  if (!zip)
    return false;
  if (!zip->find("data.pkl"))
    return false;
  for (const auto &e : zip->entries())
    if (zip->relativeName(e).substr(0, 5) == "code/")
      return true;
  return false;
}

OwningOpRef<ModuleOp> importTorchScript(MLIRContext &context, const std::string &path,
                                        const TorchScriptImportOptions &options, std::string &error) {
  std::string err;
  auto zip = ZipArchive::open(path, &err);
  if (!zip) {
    error = err;
    return nullptr;
  }
  try {
    if (zip->find("model.json"))
      throw ScriptError("a pre-1.3 TorchScript archive (model.json): re-save it with a current PyTorch");
    if (!zip->find("data.pkl"))
      throw ScriptError("not a TorchScript archive: no data.pkl record");
    std::string version;
    if (!zip->readRecord(".data/version", &version, &err) && !zip->readRecord("version", &version, &err))
      throw ScriptError("no version record");
    version = trim(version);
    char *end = nullptr;
    long long v = strtoll(version.c_str(), &end, 10);
    if (version.empty() || *end || v < 3 || v > 10)
      throw ScriptError("file format version '" + version +
                        "' is not supported (kiln reads TorchScript versions 3 to 10)");
    std::string order;
    if (zip->find("byteorder") && zip->readRecord("byteorder", &order, &err) && trim(order) == "big")
      throw ScriptError("big-endian archives are not supported");

    script::Evaluator eval(context, path);
    eval.setFormatVersion(v);
    size_t files = 0;
    for (const auto &e : zip->entries()) {
      std::string rel(zip->relativeName(e));
      if (rel.rfind("code/", 0) != 0 || rel.size() < 4 || rel.compare(rel.size() - 3, 3, ".py") != 0)
        continue;
      std::string src;
      if (!zip->read(e, &src, &err))
        throw ScriptError(err);
      eval.addModule(script::parseModule(src, rel, script::qualifiedPrefix(rel)));
      ++files;
    }
    if (!files)
      throw ScriptError("not a TorchScript archive: no code/ records (a torch.save checkpoint holds "
                        "weights only; kiln compiles TorchScript archives from torch.jit.save)");
    if (zip->find("constants.pkl")) {
      Val c = loadPickle(*zip, "constants.pkl", "constants/", path);
      if (c.k != Val::K::Tuple)
        throw ScriptError("constants.pkl does not hold a tuple");
      eval.setConstants(*c.items);
    }
    Val root = loadPickle(*zip, "data.pkl", "data/", path);
    ModuleOp module = eval.build(root, options);
    OpBuilder b(&context);
    module->setAttr("kiln.source", b.getStringAttr(path));
    module->setAttr("kiln.torch.version", b.getI64IntegerAttr(v));
    module->setAttr("kiln.torch.method", b.getStringAttr(options.method));
    return OwningOpRef<ModuleOp>(module);
  } catch (const ScriptError &e) {
    error = path + ": " + e.what();
    return nullptr;
  }
}

} // namespace kiln::torch
