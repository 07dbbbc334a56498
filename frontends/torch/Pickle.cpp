//===- Pickle.cpp - Safe reader for PyTorch's pickle streams --------------===//
//
// kiln: implementation of kiln::torch::readPickle. See Pickle.h.
//
//===----------------------------------------------------------------------===//

#include "kiln/torch/Pickle.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_set>

namespace kiln::torch {

const char *pickleKindName(PickleKind k) {
  switch (k) {
  case PickleKind::None: return "None";
  case PickleKind::Bool: return "bool";
  case PickleKind::Int: return "int";
  case PickleKind::Float: return "float";
  case PickleKind::String: return "str";
  case PickleKind::Bytes: return "bytes";
  case PickleKind::Tuple: return "tuple";
  case PickleKind::List: return "list";
  case PickleKind::Dict: return "dict";
  case PickleKind::Set: return "set";
  case PickleKind::Global: return "global";
  case PickleKind::Tensor: return "tensor";
  case PickleKind::Storage: return "storage";
  case PickleKind::Object: return "object";
  }
  return "?";
}

const PickleValue *PickleValue::get(std::string_view key) const {
  if (kind != PickleKind::Dict)
    return nullptr;
  for (const auto &kv : entries)
    if (kv.first->kind == PickleKind::String && kv.first->str == key)
      return kv.second;
  return nullptr;
}

PickleValue *PickleDoc::make(PickleKind kind) {
  values_.emplace_back();
  PickleValue *v = &values_.back();
  v->kind = kind;
  return v;
}

//===----------------------------------------------------------------------===//
// Allow-lists
//===----------------------------------------------------------------------===//

namespace {

const char *const kDTypeNames[] = {
    "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
    "float64", "complex32", "complex64", "complex128", "bool", "qint8",
    "quint8", "qint32", "bfloat16", "quint4x2", "quint2x4", "bits1x8",
    "bits2x4", "bits4x2", "bits8", "bits16", "float8_e5m2", "float8_e4m3fn",
    "float8_e5m2fnuz", "float8_e4m3fnuz", "uint16", "uint32", "uint64",
    "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7", "int1",
    "int2", "int3", "int4", "int5", "int6", "int7", "float8_e8m0fnu",
    "float4_e2m1fn_x2", "float", "double", "half", "short", "int", "long",
    "cfloat", "cdouble", "chalf"};

const char *const kTypeStems[] = {
    "Byte", "Char", "Short", "Int", "Long", "Half", "Float", "Double",
    "ComplexHalf", "ComplexFloat", "ComplexDouble", "Bool", "QInt8", "QUInt8",
    "QInt32", "BFloat16", "QUInt4x2", "QUInt2x4"};

const char *const kRebuilds[] = {
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_sparse_csr_tensor",
    "torch._utils._rebuild_meta_tensor_no_storage",
    "torch._utils._rebuild_wrapper_subclass",
    "torch._utils._rebuild_device_tensor_from_numpy",
    "torch._utils._rebuild_device_tensor_from_cpu_tensor",
    "torch._tensor._rebuild_from_type_v2",
};

const std::unordered_set<std::string> &weightsOnlySet() {
  static const std::unordered_set<std::string> set = [] {
    std::unordered_set<std::string> s = {
        "collections.OrderedDict",
        "collections.Counter",
        "torch.nn.parameter.Parameter",
        "torch.serialization._get_layout",
        "torch.Size",
        "torch.Tensor",
        "torch.device",
        "_codecs.encode",
        "builtins.bytearray",
        "builtins.set",
        "builtins.frozenset",
        "builtins.complex",
        "torch.storage.TypedStorage",
        "torch.storage.UntypedStorage",
        "torch.UntypedStorage",
        "torch.TypedStorage",
        "torch.per_tensor_affine",
        "torch.per_tensor_symmetric",
        "torch.per_channel_affine",
        "torch.per_channel_symmetric",
        "torch.per_channel_affine_float_qparams",
    };
    for (const char *n : kDTypeNames)
      s.insert(std::string("torch.") + n);
    for (const char *stem : kTypeStems) {
      for (const char *mod : {"torch.", "torch.cuda."}) {
        s.insert(std::string(mod) + stem + "Storage");
        s.insert(std::string(mod) + stem + "Tensor");
      }
    }
    for (const char *r : kRebuilds)
      s.insert(r);
    return s;
  }();
  return set;
}

const std::unordered_set<std::string> &torchScriptExtraSet() {
  static const std::unordered_set<std::string> set = {
      "torch.jit._pickle.build_intlist",
      "torch.jit._pickle.build_doublelist",
      "torch.jit._pickle.build_boollist",
      "torch.jit._pickle.build_tensorlist",
      "torch.jit._pickle.build_tensor_from_id",
      "torch.jit._pickle.restore_type_tag",
  };
  return set;
}

bool startsWithModule(std::string_view q, std::string_view mod) {
  return q.size() > mod.size() && q.substr(0, mod.size()) == mod &&
         q[mod.size()] == '.';
}

} // namespace

bool isForbiddenGlobal(std::string_view q) {
  static const char *const mods[] = {
      "os", "posix", "nt", "sys", "subprocess", "shutil", "socket", "pty",
      "importlib", "runpy", "pickle", "_pickle", "marshal", "ctypes", "code",
      "codeop", "commands", "webbrowser", "multiprocessing", "signal",
      "threading", "asyncio", "io", "_io", "tempfile", "pathlib", "glob",
      "urllib", "http", "ftplib", "smtplib", "telnetlib", "platform", "types",
      "inspect", "gc", "operator", "functools", "copyreg", "torch.hub",
      "torch.ops", "torch._ops", "torch.classes"};
  for (const char *m : mods)
    if (q == m || startsWithModule(q, m))
      return true;
  static const char *const builtins[] = {
      "eval", "exec", "compile", "open", "__import__", "getattr", "setattr",
      "delattr", "globals", "locals", "vars", "input", "breakpoint", "exit",
      "quit", "help", "memoryview", "type", "object", "super", "classmethod",
      "staticmethod", "property", "__build_class__", "print", "dir", "apply",
      "execfile", "file", "reload"};
  for (const char *b : builtins)
    if (q == std::string("builtins.") + b)
      return true;
  return false;
}

bool isSafeGlobal(std::string_view q, PickleMode mode) {
  if (isForbiddenGlobal(q))
    return false;
  std::string s(q);
  if (weightsOnlySet().count(s))
    return true;
  if (mode == PickleMode::TorchScript) {
    if (torchScriptExtraSet().count(s))
      return true;
    if (startsWithModule(q, "__torch__") &&
        !startsWithModule(q, "__torch__.torch.classes"))
      return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

namespace {

struct PickleError {
  std::string what;
};

bool validUtf8(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len)
      return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    // Overlong forms and out-of-range code points (surrogates pass, as
    // Python's surrogatepass decoding does).
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      return false;
    i += len;
  }
  return true;
}

// UTF-8 to Latin-1 bytes; false if a code point is >= 256.
bool utf8ToLatin1(const std::string &s, std::string *out) {
  out->clear();
  const uint8_t *p = reinterpret_cast<const uint8_t *>(s.data());
  size_t i = 0, n = s.size();
  while (i < n) {
    uint8_t c = p[i];
    if (c < 0x80) {
      out->push_back(char(c));
      ++i;
    } else if ((c & 0xe0) == 0xc0 && i + 1 < n) {
      uint32_t cp = ((c & 0x1f) << 6) | (p[i + 1] & 0x3f);
      if (cp > 0xff)
        return false;
      out->push_back(char(cp));
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

} // namespace

class PickleReader {
public:
  PickleReader(const uint8_t *data, size_t size, const PickleOptions &opt,
               PickleDoc &doc)
      : d_(data), n_(size), opt_(opt), doc_(doc) {
    for (const std::string &g : opt.extraGlobals) {
      std::string q = g;
      // Accept "module name" as well as "module.name".
      size_t sp = q.find(' ');
      if (sp != std::string::npos)
        q[sp] = '.';
      extras_.insert(q);
    }
  }

  const PickleValue *run(size_t *consumed);

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw PickleError{opt_.name + ": pickle: " + what + " at byte " +
                      std::to_string(opt_.baseOffset + opPos_)};
  }

  // --- input ---------------------------------------------------------------
  void need(size_t k) {
    if (n_ - pos_ < k)
      fail("truncated input (need " + std::to_string(k) + " more bytes, " +
           std::to_string(n_ - pos_) + " left)");
  }
  uint8_t u8() {
    need(1);
    return d_[pos_++];
  }
  uint32_t u32() {
    need(4);
    uint32_t v = uint32_t(d_[pos_]) | (uint32_t(d_[pos_ + 1]) << 8) |
                 (uint32_t(d_[pos_ + 2]) << 16) |
                 (uint32_t(d_[pos_ + 3]) << 24);
    pos_ += 4;
    return v;
  }
  std::string line() {
    size_t start = pos_;
    size_t limit = std::min(n_, pos_ + 256);
    while (pos_ < limit && d_[pos_] != '\n') {
      uint8_t c = d_[pos_];
      if (c < 0x20 || c >= 0x7f)
        fail("non-printable byte in GLOBAL name");
      ++pos_;
    }
    if (pos_ >= limit)
      fail(pos_ >= n_ ? "truncated GLOBAL name" : "GLOBAL name too long");
    std::string s(reinterpret_cast<const char *>(d_ + start), pos_ - start);
    ++pos_;
    return s;
  }

  // --- values --------------------------------------------------------------
  void charge(uint64_t bytes) {
    total_ += bytes;
    if (total_ > opt_.limits.maxTotalBytes)
      fail("allocation exceeds PickleLimits::maxTotalBytes (" +
           std::to_string(opt_.limits.maxTotalBytes) + " bytes)");
  }
  PickleValue *make(PickleKind k) {
    charge(sizeof(PickleValue));
    PickleValue *v = doc_.make(k);
    v->offset = opt_.baseOffset + opPos_;
    return v;
  }
  void hold(PickleValue *container, const PickleValue *child) {
    const_cast<PickleValue *>(child)->holders++;
    if (child->depth + 1 > container->depth) {
      container->depth = child->depth + 1;
      if (container->depth > opt_.limits.maxDepth)
        fail("nesting deeper than PickleLimits::maxDepth (" +
             std::to_string(opt_.limits.maxDepth) + ")");
    }
  }
  void push(const PickleValue *v) {
    if (stack_.size() >= opt_.limits.maxStack)
      fail("stack larger than PickleLimits::maxStack (" +
           std::to_string(opt_.limits.maxStack) + ")");
    stack_.push_back(const_cast<PickleValue *>(v));
  }
  PickleValue *pop(const char *op) {
    if (stack_.size() <= floor())
      fail(std::string(op) + " on an empty stack");
    PickleValue *v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PickleValue *top(const char *op) {
    if (stack_.size() <= floor())
      fail(std::string(op) + " on an empty stack");
    return stack_.back();
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  // Pops everything above the last MARK (and the mark).
  std::vector<PickleValue *> popMark(const char *op) {
    if (marks_.empty())
      fail(std::string(op) + " without a MARK");
    size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PickleValue *> out(stack_.begin() + m, stack_.end());
    stack_.resize(m);
    return out;
  }
  void mutable_(PickleValue *c, const char *op) {
    if (c->holders)
      fail(std::string(op) +
           " on a container that is already stored inside another value "
           "(memo trick)");
  }

  PickleValue *makeTuple(const std::vector<PickleValue *> &items) {
    PickleValue *t = make(PickleKind::Tuple);
    charge(items.size() * sizeof(void *));
    t->items.reserve(items.size());
    for (PickleValue *i : items) {
      t->items.push_back(i);
      hold(t, i);
    }
    return t;
  }

  // --- argument helpers ----------------------------------------------------
  const PickleValue *arg(const PickleValue *args, size_t i, const std::string &fn) {
    if (args->kind != PickleKind::Tuple)
      fail(fn + ": arguments are not a tuple");
    if (i >= args->items.size())
      fail(fn + ": missing argument " + std::to_string(i + 1));
    return args->items[i];
  }
  int64_t intArg(const PickleValue *args, size_t i, const std::string &fn) {
    const PickleValue *v = arg(args, i, fn);
    if (v->kind != PickleKind::Int)
      fail(fn + ": argument " + std::to_string(i + 1) + " is a " +
           pickleKindName(v->kind) + ", expected int");
    return v->integer;
  }
  std::vector<int64_t> intsArg(const PickleValue *args, size_t i,
                               const std::string &fn, const char *what) {
    const PickleValue *v = arg(args, i, fn);
    if (!v->isSequence())
      fail(fn + ": " + what + " is a " + pickleKindName(v->kind) +
           ", expected a tuple of ints");
    std::vector<int64_t> out;
    for (const PickleValue *e : v->items) {
      if (e->kind != PickleKind::Int)
        fail(fn + ": " + what + " holds a " + pickleKindName(e->kind));
      out.push_back(e->integer);
    }
    return out;
  }

  // --- semantics -----------------------------------------------------------
  PickleValue *apply(const PickleValue *callable, PickleValue *args,
                     const char *op, int level = 0);
  PickleValue *rebuildTensor(const std::string &fn, PickleValue *args);
  void checkExtent(const TensorInfo &t, const std::string &fn);

  const uint8_t *d_;
  size_t n_;
  size_t pos_ = 0, opPos_ = 0;
  const PickleOptions &opt_;
  PickleDoc &doc_;
  std::unordered_set<std::string> extras_;
  std::vector<PickleValue *> stack_;
  std::vector<size_t> marks_;
  std::vector<PickleValue *> memo_;
  uint64_t total_ = 0;
};

void PickleReader::checkExtent(const TensorInfo &t, const std::string &fn) {
  if (t.sizes.size() != t.strides.size())
    fail(fn + ": size has " + std::to_string(t.sizes.size()) +
         " dimensions but stride has " + std::to_string(t.strides.size()));
  if (t.storageOffset < 0)
    fail(fn + ": negative storage offset");
  const StorageInfo *s = t.storage->storage.get();
  uint64_t item = dtypeSize(t.dtype);
  if (!item)
    fail(fn + ": unsupported dtype");
  // Highest element index touched, in elements (0 if the tensor is empty).
  bool empty = false;
  unsigned __int128 last = 0;
  for (size_t i = 0; i < t.sizes.size(); ++i) {
    if (t.sizes[i] < 0)
      fail(fn + ": negative size");
    if (t.strides[i] < 0)
      fail(fn + ": negative stride");
    if (t.sizes[i] == 0)
      empty = true;
    else
      last += (unsigned __int128)(t.sizes[i] - 1) * (uint64_t)t.strides[i];
  }
  if (empty)
    return;
  unsigned __int128 endBytes =
      ((unsigned __int128)(uint64_t)t.storageOffset + last + 1) * item;
  uint64_t storageElems = s->hasView ? s->viewSize : s->numel;
  unsigned __int128 storageBytes =
      (unsigned __int128)storageElems * (s->untyped ? 1 : dtypeSize(s->dtype));
  if (endBytes > storageBytes)
    fail(fn + ": tensor (offset " + std::to_string(t.storageOffset) +
         ", sizes/strides) reaches past the end of storage '" + s->key +
         "' (" + std::to_string((uint64_t)storageBytes) + " bytes)");
}

PickleValue *PickleReader::rebuildTensor(const std::string &fn,
                                         PickleValue *args) {
  auto tensorValue = [&](std::unique_ptr<TensorInfo> info) {
    PickleValue *v = make(PickleKind::Tensor);
    charge(sizeof(TensorInfo) + info->sizes.size() * 16);
    v->depth = 3;
    v->tensor = std::move(info);
    if (v->tensor->storage)
      const_cast<PickleValue *>(v->tensor->storage)->holders++;
    return v;
  };
  if (fn == "torch._utils._rebuild_tensor" ||
      fn == "torch._utils._rebuild_tensor_v2" ||
      fn == "torch._utils._rebuild_tensor_v3") {
    auto t = std::make_unique<TensorInfo>();
    t->rebuild = fn;
    const PickleValue *st = arg(args, 0, fn);
    if (st->kind != PickleKind::Storage)
      fail(fn + ": first argument is a " + std::string(pickleKindName(st->kind)) +
           ", expected a storage");
    t->storage = st;
    t->storageOffset = intArg(args, 1, fn);
    t->sizes = intsArg(args, 2, fn, "size");
    t->strides = intsArg(args, 3, fn, "stride");
    t->dtype = st->storage->dtype;
    size_t metaIndex = 6;
    if (fn != "torch._utils._rebuild_tensor") {
      const PickleValue *rg = arg(args, 4, fn);
      if (rg->kind != PickleKind::Bool)
        fail(fn + ": requires_grad is not a bool");
      t->requiresGrad = rg->boolean;
      arg(args, 5, fn); // backward_hooks: ignored (always empty)
      if (fn == "torch._utils._rebuild_tensor_v3") {
        const PickleValue *dt = arg(args, 6, fn);
        DType dtype = DType::Invalid;
        if (dt->kind == PickleKind::Global && dt->str.rfind("torch.", 0) == 0)
          dtype = dtypeFromTorchName(std::string_view(dt->str).substr(6));
        if (dtype == DType::Invalid)
          fail(fn + ": dtype argument is not a torch dtype");
        t->dtype = dtype;
        metaIndex = 7;
      } else if (st->storage->untyped) {
        fail(fn + ": untyped storage without a dtype");
      }
      if (args->items.size() > metaIndex) {
        const PickleValue *md = args->items[metaIndex];
        if (md->kind == PickleKind::Dict) {
          for (const auto &kv : md->entries) {
            if (kv.first->kind != PickleKind::String)
              continue;
            bool on = kv.second->kind == PickleKind::Bool && kv.second->boolean;
            if (kv.first->str == "conj")
              t->conj = on;
            else if (kv.first->str == "neg")
              t->neg = on;
          }
        } else if (md->kind != PickleKind::None) {
          fail(fn + ": metadata argument is a " +
               std::string(pickleKindName(md->kind)));
        }
      }
      if (args->items.size() > metaIndex + 1)
        fail(fn + ": too many arguments (" +
             std::to_string(args->items.size()) + ")");
    } else if (args->items.size() != 4) {
      fail(fn + ": expected 4 arguments");
    }
    if (st->storage->dtype != t->dtype && !st->storage->untyped)
      fail(fn + ": dtype differs from the storage's");
    checkExtent(*t, fn);
    return tensorValue(std::move(t));
  }
  if (fn == "torch._utils._rebuild_parameter" ||
      fn == "torch._utils._rebuild_parameter_with_state" ||
      fn == "torch.nn.parameter.Parameter") {
    const PickleValue *data = arg(args, 0, fn);
    if (data->kind != PickleKind::Tensor)
      fail(fn + ": data is a " + std::string(pickleKindName(data->kind)) +
           ", expected a tensor");
    auto t = std::make_unique<TensorInfo>(*data->tensor);
    t->parameter = true;
    t->requiresGrad = true;
    if (args->items.size() > 1) {
      const PickleValue *rg = args->items[1];
      if (rg->kind != PickleKind::Bool)
        fail(fn + ": requires_grad is not a bool");
      t->requiresGrad = rg->boolean;
    }
    if (fn == "torch._utils._rebuild_parameter_with_state" &&
        args->items.size() > 3)
      t->state = args->items[3];
    PickleValue *v = tensorValue(std::move(t));
    if (v->tensor->state)
      hold(v, v->tensor->state);
    return v;
  }
  fail("internal: " + fn + " is not a tensor rebuild function");
}

PickleValue *PickleReader::apply(const PickleValue *callable, PickleValue *args,
                                 const char *op, int level) {
  if (callable->kind != PickleKind::Global)
    fail(std::string(op) + " on a " + pickleKindName(callable->kind) +
         ", not on a global");
  if (args->kind != PickleKind::Tuple)
    fail(std::string(op) + " arguments are a " + pickleKindName(args->kind) +
         ", not a tuple");
  const std::string &fn = callable->str;
  const auto &items = args->items;

  if (fn == "torch._utils._rebuild_tensor" ||
      fn == "torch._utils._rebuild_tensor_v2" ||
      fn == "torch._utils._rebuild_tensor_v3" ||
      fn == "torch._utils._rebuild_parameter" ||
      fn == "torch._utils._rebuild_parameter_with_state" ||
      fn == "torch.nn.parameter.Parameter")
    return rebuildTensor(fn, args);

  if (fn == "torch._tensor._rebuild_from_type_v2") {
    // (func, type, args, state): a tensor rebuilt by func, re-typed.
    if (level > 0)
      fail(fn + " nested inside itself");
    const PickleValue *func = arg(args, 0, fn);
    const PickleValue *type = arg(args, 1, fn);
    PickleValue *inner = const_cast<PickleValue *>(arg(args, 2, fn));
    PickleValue *t = apply(func, inner, op, level + 1);
    if (t->kind != PickleKind::Tensor)
      return t;
    if (type->kind == PickleKind::Global &&
        type->str == "torch.nn.parameter.Parameter")
      t->tensor->parameter = true;
    if (items.size() > 3 && items[3]->kind != PickleKind::None &&
        !(items[3]->kind == PickleKind::Dict && items[3]->entries.empty())) {
      t->tensor->state = items[3];
      hold(t, items[3]);
    }
    return t;
  }

  if (fn == "collections.OrderedDict" || fn == "collections.Counter") {
    PickleValue *dct = make(PickleKind::Dict);
    dct->ordered = fn == "collections.OrderedDict";
    if (!items.empty()) {
      const PickleValue *src = items[0];
      if (items.size() > 1 || !src->isSequence())
        fail(fn + ": unsupported arguments");
      for (const PickleValue *pair : src->items) {
        if (pair->kind != PickleKind::Tuple && pair->kind != PickleKind::List)
          fail(fn + ": item is not a pair");
        if (pair->items.size() != 2)
          fail(fn + ": item is not a pair");
        dct->entries.emplace_back(pair->items[0], pair->items[1]);
        hold(dct, pair->items[0]);
        hold(dct, pair->items[1]);
      }
      charge(dct->entries.size() * 16);
    }
    return dct;
  }
  if (fn == "builtins.set" || fn == "builtins.frozenset") {
    PickleValue *s = make(PickleKind::Set);
    s->frozen = fn == "builtins.frozenset";
    if (!items.empty()) {
      if (items.size() > 1 || !items[0]->isSequence())
        fail(fn + ": unsupported arguments");
      for (const PickleValue *e : items[0]->items) {
        s->items.push_back(e);
        hold(s, e);
      }
      charge(s->items.size() * 8);
    }
    return s;
  }
  if (fn == "_codecs.encode") {
    const PickleValue *s = arg(args, 0, fn);
    const PickleValue *enc = arg(args, 1, fn);
    if (s->kind != PickleKind::String || enc->kind != PickleKind::String)
      fail(fn + ": arguments must be two strings");
    if (enc->str != "latin1" && enc->str != "latin-1")
      fail(fn + ": unsupported encoding '" + enc->str + "'");
    PickleValue *b = make(PickleKind::Bytes);
    if (!utf8ToLatin1(s->str, &b->str))
      fail(fn + ": string is not latin-1");
    charge(b->str.size());
    return b;
  }
  if (fn == "builtins.bytearray") {
    PickleValue *b = make(PickleKind::Bytes);
    if (!items.empty()) {
      if (items[0]->kind == PickleKind::Bytes)
        b->str = items[0]->str;
      else if (items[0]->kind == PickleKind::String && items.size() == 2)
        b->str = items[0]->str; // bytearray(str, encoding): kept as UTF-8
      else
        fail(fn + ": unsupported arguments");
      charge(b->str.size());
    }
    return b;
  }
  if (fn == "torch.Size") {
    if (items.size() != 1 || !items[0]->isSequence())
      fail(fn + ": expected one tuple of ints");
    std::vector<PickleValue *> dims;
    for (const PickleValue *e : items[0]->items) {
      if (e->kind != PickleKind::Int)
        fail(fn + ": dimension is a " + std::string(pickleKindName(e->kind)));
      dims.push_back(const_cast<PickleValue *>(e));
    }
    return makeTuple(dims);
  }
  if (opt_.mode == PickleMode::TorchScript &&
      fn.rfind("torch.jit._pickle.build_", 0) == 0 &&
      fn != "torch.jit._pickle.build_tensor_from_id") {
    const PickleValue *l = arg(args, 0, fn);
    if (l->kind != PickleKind::List)
      fail(fn + ": argument is a " + std::string(pickleKindName(l->kind)) +
           ", expected a list");
    PickleValue *lst = const_cast<PickleValue *>(l);
    if (fn == "torch.jit._pickle.build_intlist")
      lst->typeTag = "int";
    else if (fn == "torch.jit._pickle.build_doublelist")
      lst->typeTag = "float";
    else if (fn == "torch.jit._pickle.build_boollist")
      lst->typeTag = "bool";
    else
      lst->typeTag = "Tensor";
    return lst;
  }
  if (opt_.mode == PickleMode::TorchScript &&
      fn == "torch.jit._pickle.restore_type_tag") {
    const PickleValue *c = arg(args, 0, fn);
    const PickleValue *t = arg(args, 1, fn);
    if (t->kind != PickleKind::String)
      fail(fn + ": type is not a string");
    PickleValue *cv = const_cast<PickleValue *>(c);
    cv->typeTag = t->str;
    return cv;
  }
  // Everything else that got past GLOBAL (torch.device, builtins.complex,
  // other rebuild variants, __torch__ enums, caller-trusted globals): an
  // inert object recording the call.
  PickleValue *o = make(PickleKind::Object);
  o->str = fn;
  for (const PickleValue *e : items) {
    o->items.push_back(e);
    hold(o, e);
  }
  charge(items.size() * 8 + fn.size());
  return o;
}

const PickleValue *PickleReader::run(size_t *consumed) {
  const bool ts = opt_.mode == PickleMode::TorchScript;
  while (true) {
    opPos_ = pos_;
    if (pos_ >= n_)
      fail("truncated input: no STOP opcode");
    uint8_t op = d_[pos_++];
    switch (op) {
    case 0x80: { // PROTO
      uint8_t v = u8();
      if (ts ? v != 2 : (v < 2 || v > 5))
        fail("unsupported pickle protocol " + std::to_string(v) +
             (ts ? " (TorchScript pickles are protocol 2)" : ""));
      break;
    }
    case '.': { // STOP
      if (stack_.empty())
        fail("STOP on an empty stack");
      PickleValue *root = stack_.back();
      if (consumed)
        *consumed = pos_;
      return root;
    }
    case '(': // MARK
      if (marks_.size() >= opt_.limits.maxMarks)
        fail("more than PickleLimits::maxMarks (" +
             std::to_string(opt_.limits.maxMarks) + ") open MARKs");
      marks_.push_back(stack_.size());
      break;
    case ')':
      push(makeTuple({}));
      break;
    case ']':
      push(make(PickleKind::List));
      break;
    case '}':
      push(make(PickleKind::Dict));
      break;
    case 0x8f: // EMPTY_SET
      push(make(PickleKind::Set));
      break;
    case 'l': // LIST (TorchScript's unpickler accepts it)
    case 'd': { // DICT
      if (!ts)
        fail(std::string("unsupported opcode '") + char(op) + "'");
      std::vector<PickleValue *> items = popMark(op == 'l' ? "LIST" : "DICT");
      if (op == 'l') {
        PickleValue *l = make(PickleKind::List);
        for (PickleValue *i : items) {
          l->items.push_back(i);
          hold(l, i);
        }
        charge(items.size() * 8);
        push(l);
      } else {
        if (items.size() % 2)
          fail("DICT with an odd number of items");
        PickleValue *dct = make(PickleKind::Dict);
        for (size_t i = 0; i < items.size(); i += 2) {
          dct->entries.emplace_back(items[i], items[i + 1]);
          hold(dct, items[i]);
          hold(dct, items[i + 1]);
        }
        charge(items.size() * 8);
        push(dct);
      }
      break;
    }
    case 't': // TUPLE
      push(makeTuple(popMark("TUPLE")));
      break;
    case 0x85:
    case 0x86:
    case 0x87: { // TUPLE1..3
      size_t k = op - 0x84;
      std::vector<PickleValue *> items(k);
      for (size_t i = k; i-- > 0;)
        items[i] = pop("TUPLEn");
      push(makeTuple(items));
      break;
    }
    case 'a': { // APPEND
      PickleValue *v = pop("APPEND");
      PickleValue *l = top("APPEND");
      if (l->kind != PickleKind::List)
        fail(std::string("APPEND to a ") + pickleKindName(l->kind) +
             " (only lists)");
      mutable_(l, "APPEND");
      l->items.push_back(v);
      hold(l, v);
      charge(8);
      break;
    }
    case 'e': { // APPENDS
      std::vector<PickleValue *> items = popMark("APPENDS");
      PickleValue *l = top("APPENDS");
      if (l->kind != PickleKind::List)
        fail(std::string("APPENDS to a ") + pickleKindName(l->kind) +
             " (only lists)");
      mutable_(l, "APPENDS");
      for (PickleValue *i : items) {
        l->items.push_back(i);
        hold(l, i);
      }
      charge(items.size() * 8);
      break;
    }
    case 's': { // SETITEM
      PickleValue *v = pop("SETITEM");
      PickleValue *k = pop("SETITEM");
      PickleValue *dct = top("SETITEM");
      if (dct->kind != PickleKind::Dict)
        fail(std::string("SETITEM on a ") + pickleKindName(dct->kind) +
             " (only dicts)");
      mutable_(dct, "SETITEM");
      dct->entries.emplace_back(k, v);
      hold(dct, k);
      hold(dct, v);
      charge(16);
      break;
    }
    case 'u': { // SETITEMS
      std::vector<PickleValue *> items = popMark("SETITEMS");
      if (items.size() % 2)
        fail("SETITEMS with an odd number of items");
      PickleValue *dct = top("SETITEMS");
      if (dct->kind != PickleKind::Dict)
        fail(std::string("SETITEMS on a ") + pickleKindName(dct->kind) +
             " (only dicts)");
      mutable_(dct, "SETITEMS");
      for (size_t i = 0; i < items.size(); i += 2) {
        dct->entries.emplace_back(items[i], items[i + 1]);
        hold(dct, items[i]);
        hold(dct, items[i + 1]);
      }
      charge(items.size() * 8);
      break;
    }
    case 'N':
      push(make(PickleKind::None));
      break;
    case 0x88:
    case 0x89: {
      PickleValue *b = make(PickleKind::Bool);
      b->boolean = op == 0x88;
      push(b);
      break;
    }
    case 'K': { // BININT1
      PickleValue *v = make(PickleKind::Int);
      v->integer = u8();
      push(v);
      break;
    }
    case 'M': { // BININT2
      need(2);
      PickleValue *v = make(PickleKind::Int);
      v->integer = d_[pos_] | (d_[pos_ + 1] << 8);
      pos_ += 2;
      push(v);
      break;
    }
    case 'J': { // BININT
      PickleValue *v = make(PickleKind::Int);
      v->integer = int32_t(u32());
      push(v);
      break;
    }
    case 0x8a: { // LONG1
      uint8_t k = u8();
      if (k > 8)
        fail("integer of " + std::to_string(k) +
             " bytes does not fit in 64 bits");
      need(k);
      uint64_t u = 0;
      for (size_t i = 0; i < k; ++i)
        u |= uint64_t(d_[pos_ + i]) << (8 * i);
      if (k && k < 8 && (d_[pos_ + k - 1] & 0x80))
        u |= ~uint64_t(0) << (8 * k); // sign-extend
      pos_ += k;
      PickleValue *v = make(PickleKind::Int);
      std::memcpy(&v->integer, &u, 8);
      push(v);
      break;
    }
    case 'G': { // BINFLOAT, big-endian
      need(8);
      uint64_t u = 0;
      for (int i = 0; i < 8; ++i)
        u = (u << 8) | d_[pos_ + i];
      pos_ += 8;
      PickleValue *v = make(PickleKind::Float);
      std::memcpy(&v->real, &u, 8);
      push(v);
      break;
    }
    case 'X':   // BINUNICODE
    case 'U': { // SHORT_BINSTRING
      uint64_t len = op == 'X' ? u32() : u8();
      if (len > n_ - pos_)
        fail("string length " + std::to_string(len) + " exceeds the " +
             std::to_string(n_ - pos_) + " bytes left in the input");
      charge(len);
      const uint8_t *p = d_ + pos_;
      bool utf8 = validUtf8(p, len);
      if (op == 'X' && !utf8)
        fail("string is not valid UTF-8");
      PickleValue *v = make(utf8 ? PickleKind::String : PickleKind::Bytes);
      v->str.assign(reinterpret_cast<const char *>(p), len);
      pos_ += len;
      push(v);
      break;
    }
    case 'q':   // BINPUT
    case 'r': { // LONG_BINPUT
      uint64_t idx = op == 'q' ? u8() : u32();
      if (idx >= opt_.limits.maxMemo)
        fail("memo index " + std::to_string(idx) +
             " exceeds PickleLimits::maxMemo (" +
             std::to_string(opt_.limits.maxMemo) + ")");
      PickleValue *v = top("BINPUT");
      if (idx >= memo_.size()) {
        charge((idx + 1 - memo_.size()) * sizeof(void *));
        memo_.resize(idx + 1, nullptr);
      }
      memo_[idx] = v;
      break;
    }
    case 'h':   // BINGET
    case 'j': { // LONG_BINGET
      uint64_t idx = op == 'h' ? u8() : u32();
      if (idx >= memo_.size() || !memo_[idx])
        fail("memo index " + std::to_string(idx) + " is not defined");
      push(memo_[idx]);
      break;
    }
    case 'c': { // GLOBAL
      std::string mod = line();
      std::string name = line();
      if (mod == "__builtin__")
        mod = "builtins";
      else if (mod == "copy_reg")
        mod = "copyreg";
      std::string q = mod + "." + name;
      if (isForbiddenGlobal(q))
        fail("GLOBAL '" + q + "' is forbidden (it could run code)");
      if (!isSafeGlobal(q, opt_.mode) && !extras_.count(q))
        fail("GLOBAL '" + q + "' is not allowed (not in the " +
             (ts ? std::string("TorchScript") : std::string("weights-only")) +
             " allow-list; add it to PickleOptions::extraGlobals only if you "
             "trust it)");
      PickleValue *g = make(PickleKind::Global);
      g->str = q;
      charge(q.size());
      push(g);
      break;
    }
    case 'R': { // REDUCE
      PickleValue *args = pop("REDUCE");
      PickleValue *fn = pop("REDUCE");
      push(apply(fn, args, "REDUCE"));
      break;
    }
    case 0x81: { // NEWOBJ
      PickleValue *args = pop("NEWOBJ");
      PickleValue *cls = pop("NEWOBJ");
      if (cls->kind != PickleKind::Global)
        fail(std::string("NEWOBJ on a ") + pickleKindName(cls->kind));
      if (cls->str == "torch.nn.parameter.Parameter") {
        push(apply(cls, args, "NEWOBJ"));
        break;
      }
      bool tsClass = ts && startsWithModule(cls->str, "__torch__");
      if (!tsClass && !extras_.count(cls->str))
        fail("NEWOBJ of '" + cls->str +
             "' is not allowed (only Parameter, TorchScript classes and "
             "caller-allowed classes)");
      if (args->kind != PickleKind::Tuple)
        fail("NEWOBJ arguments are not a tuple");
      PickleValue *o = make(PickleKind::Object);
      o->str = cls->str;
      for (const PickleValue *e : args->items) {
        o->items.push_back(e);
        hold(o, e);
      }
      push(o);
      break;
    }
    case 'b': { // BUILD
      PickleValue *state = pop("BUILD");
      PickleValue *obj = top("BUILD");
      switch (obj->kind) {
      case PickleKind::Object:
      case PickleKind::Dict:
      case PickleKind::Tensor:
        break;
      default:
        fail(std::string("BUILD on a ") + pickleKindName(obj->kind) +
             " (only objects, dicts and tensors)");
      }
      mutable_(obj, "BUILD");
      if (obj->kind == PickleKind::Tensor) {
        if (obj->tensor->state)
          fail("BUILD applied twice to a tensor");
        obj->tensor->state = state;
      } else {
        if (obj->state)
          fail("BUILD applied twice to the same value");
        obj->state = state;
      }
      hold(obj, state);
      break;
    }
    case 'Q': { // BINPERSID
      PickleValue *pid = pop("BINPERSID");
      std::string e;
      const PickleValue *v =
          opt_.persistentLoad ? opt_.persistentLoad(doc_, *pid, &e)
                              : standardPersistentLoad(doc_, *pid, &e);
      if (!v)
        fail("persistent id " + describePickleValue(*pid) + ": " + e);
      charge(sizeof(PickleValue) + sizeof(StorageInfo));
      push(v);
      break;
    }
    default: {
      static const char *hex = "0123456789abcdef";
      std::string name = "0x";
      name += hex[op >> 4];
      name += hex[op & 15];
      if (op >= 0x20 && op < 0x7f) {
        name += " '";
        name += char(op);
        name += "'";
      }
      fail("unsupported opcode " + name);
    }
    }
  }
}

std::unique_ptr<PickleDoc> readPickle(const uint8_t *data, size_t size,
                                      const PickleOptions &options,
                                      std::string *error, size_t *consumed) {
  auto doc = std::make_unique<PickleDoc>();
  try {
    PickleReader r(data, size, options, *doc);
    doc->setRoot(r.run(consumed));
  } catch (const PickleError &e) {
    if (error)
      *error = e.what;
    return nullptr;
  } catch (const std::bad_alloc &) {
    if (error)
      *error = options.name + ": pickle: out of memory";
    return nullptr;
  }
  return doc;
}

const PickleValue *standardPersistentLoad(PickleDoc &doc,
                                          const PickleValue &pid,
                                          std::string *error) {
  auto bad = [&](const std::string &why) -> const PickleValue * {
    if (error)
      *error = why;
    return nullptr;
  };
  if (pid.kind != PickleKind::Tuple || pid.items.size() < 5 ||
      pid.items.size() > 6)
    return bad("expected ('storage', StorageClass, key, location, numel"
               "[, view_metadata])");
  const auto &it = pid.items;
  if (it[0]->kind != PickleKind::String || it[0]->str != "storage")
    return bad("first element is not 'storage'");
  if (it[1]->kind != PickleKind::Global)
    return bad("storage type is not a global");
  std::string_view cls = it[1]->str;
  size_t dot = cls.rfind('.');
  std::string_view clsName = dot == std::string_view::npos ? cls : cls.substr(dot + 1);
  DType dt = dtypeFromStorageClass(clsName);
  if (dt == DType::Invalid)
    return bad("unknown storage type '" + std::string(cls) + "'");
  if (it[2]->kind != PickleKind::String)
    return bad("storage key is not a string");
  if (it[3]->kind != PickleKind::String)
    return bad("storage location is not a string");
  if (it[4]->kind != PickleKind::Int || it[4]->integer < 0)
    return bad("storage size is not a non-negative int");
  auto info = std::make_unique<StorageInfo>();
  info->key = it[2]->str;
  info->dtype = dt;
  info->untyped = clsName == "UntypedStorage";
  info->location = it[3]->str;
  info->numel = uint64_t(it[4]->integer);
  std::string cacheKey = info->key;
  if (it.size() == 6 && it[5]->kind != PickleKind::None) {
    const PickleValue *vm = it[5];
    if (vm->kind != PickleKind::Tuple || vm->items.size() != 3 ||
        vm->items[0]->kind != PickleKind::String ||
        vm->items[1]->kind != PickleKind::Int ||
        vm->items[2]->kind != PickleKind::Int || vm->items[1]->integer < 0 ||
        vm->items[2]->integer < 0)
      return bad("malformed view metadata");
    info->hasView = true;
    info->viewKey = vm->items[0]->str;
    info->viewOffset = uint64_t(vm->items[1]->integer);
    info->viewSize = uint64_t(vm->items[2]->integer);
    if (info->viewOffset > info->numel ||
        info->viewSize > info->numel - info->viewOffset)
      return bad("view metadata reaches past its storage");
    cacheKey += "#" + info->viewKey;
  }
  auto found = doc.storagesByKey.find(cacheKey);
  if (found != doc.storagesByKey.end()) {
    const StorageInfo &old = *found->second->storage;
    if (old.dtype != info->dtype || old.numel != info->numel)
      return bad("storage '" + info->key +
                 "' is referenced with a different type or size");
    return found->second;
  }
  PickleValue *v = doc.make(PickleKind::Storage);
  v->storage = std::move(info);
  v->offset = pid.offset;
  v->depth = 1;
  doc.storagesByKey.emplace(cacheKey, v);
  return v;
}

namespace {

void describe(const PickleValue &v, std::string &out, size_t maxLen,
              int depth) {
  if (out.size() >= maxLen)
    return;
  if (depth > 4) {
    out += "...";
    return;
  }
  auto seq = [&](const char *open, const char *close) {
    out += open;
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (out.size() >= maxLen)
        return;
      if (i)
        out += ", ";
      describe(*v.items[i], out, maxLen, depth + 1);
    }
    if (v.kind == PickleKind::Tuple && v.items.size() == 1)
      out += ",";
    out += close;
  };
  switch (v.kind) {
  case PickleKind::None: out += "None"; break;
  case PickleKind::Bool: out += v.boolean ? "True" : "False"; break;
  case PickleKind::Int: out += std::to_string(v.integer); break;
  case PickleKind::Float: {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v.real);
    out += buf;
    break;
  }
  case PickleKind::String: {
    out += "'";
    out += v.str.size() > 60 ? v.str.substr(0, 60) + "..." : v.str;
    out += "'";
    break;
  }
  case PickleKind::Bytes: out += "bytes[" + std::to_string(v.str.size()) + "]"; break;
  case PickleKind::Tuple: seq("(", ")"); break;
  case PickleKind::List: seq("[", "]"); break;
  case PickleKind::Set: seq("{", "}"); break;
  case PickleKind::Dict:
    out += "{";
    for (size_t i = 0; i < v.entries.size(); ++i) {
      if (out.size() >= maxLen)
        break;
      if (i)
        out += ", ";
      describe(*v.entries[i].first, out, maxLen, depth + 1);
      out += ": ";
      describe(*v.entries[i].second, out, maxLen, depth + 1);
    }
    out += "}";
    break;
  case PickleKind::Global: out += v.str; break;
  case PickleKind::Tensor: {
    out += "tensor(";
    out += dtypeName(v.tensor->dtype);
    out += ", [";
    for (size_t i = 0; i < v.tensor->sizes.size(); ++i)
      out += (i ? "," : "") + std::to_string(v.tensor->sizes[i]);
    out += "])";
    break;
  }
  case PickleKind::Storage:
    out += "storage('" + v.storage->key + "', " +
           std::string(dtypeName(v.storage->dtype)) + ", " +
           std::to_string(v.storage->numel) + ")";
    break;
  case PickleKind::Object:
    out += v.str;
    seq("(", ")");
    break;
  }
}

} // namespace

std::string describePickleValue(const PickleValue &v, size_t maxLen) {
  std::string out;
  describe(v, out, maxLen, 0);
  if (out.size() > maxLen) {
    out.resize(maxLen);
    out += "...";
  }
  return out;
}

} // namespace kiln::torch
