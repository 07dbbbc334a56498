//===- Pickle.h - Safe reader for PyTorch's pickle streams ------*- C++ -*-===//
//
// kiln: reads the protocol-2 pickles that torch.save and torch.jit.save
// write (data.pkl, constants.pkl, legacy torch.save streams, bare .pkl
// files) into an inert value tree. Nothing in the stream is ever called,
// imported or evaluated: GLOBALs are names looked up in an allow-list, and
// the few callables the tensor path needs (tensor rebuild functions,
// OrderedDict, set, _codecs.encode, ...) are interpreted natively.
//
// Modes:
//  - PickleMode::WeightsOnly: the equivalent of torch.load(weights_only=True)
//    in PyTorch 2.x. GLOBALs outside the allow-list are refused with their
//    name and byte offset. PickleOptions::extraGlobals extends the list (like
//    torch.serialization.add_safe_globals); such globals are never called
//    either: REDUCE/NEWOBJ on them build an inert Object {name, args}, BUILD
//    stores its state in the object.
//  - PickleMode::TorchScript: for TorchScript's data.pkl/constants.pkl.
//    Additionally accepts `__torch__.*` classes (GLOBAL + NEWOBJ + BUILD, or
//    REDUCE for enums), which become inert Objects {class name, state}, and
//    torch.jit._pickle's build_*list / restore_type_tag, which become typed
//    lists/dicts (PickleValue::typeTag).
// Modules os, posix, nt, sys, subprocess and builtins' eval/exec/compile/
// open/getattr/__import__ (and similar) are refused even if a caller lists
// them.
//
// Limits (PickleLimits): value nesting depth (the reader is iterative; the
// depth of every built value is tracked, so consumers may recurse up to
// maxDepth safely), stack and mark-stack size, memo size, and the total
// bytes allocated for values and strings. String and bytes lengths are
// checked against the remaining input before anything is allocated.
// Containers are only mutated (APPEND(S), SETITEM(S), BUILD) while no other
// value holds them, so the value graph is acyclic.
//
// Persistent ids (BINPERSID, how storages are referenced) go to
// PickleOptions::persistentLoad; without one, standardPersistentLoad() turns
// ('storage', <StorageClass>, key, location, numel[, view_metadata]) into a
// Storage value, one per key.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TORCH_PICKLE_H
#define KILN_TORCH_PICKLE_H

#include "kiln/torch/DType.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kiln::torch {

class PickleValue;
class PickleDoc;

/// A storage referenced by a persistent id.
struct StorageInfo {
  std::string key;        ///< record key ("0") or legacy object id
  DType dtype = DType::Invalid;
  std::string location;   ///< "cpu", "cuda:0", ...
  uint64_t numel = 0;     ///< elements of the whole storage (bytes if untyped)
  bool untyped = false;   ///< torch.UntypedStorage (dtype comes from the tensor)
  /// Legacy view_metadata (view_key, offset, size) in elements, if present:
  /// tensors index the view [viewOffset, viewOffset + viewSize) of the root
  /// storage `key` (numel is the root's size).
  bool hasView = false;
  std::string viewKey;
  uint64_t viewOffset = 0, viewSize = 0;
  /// Filled by the caller (e.g. Checkpoint) if it attaches data; unused here.
  const uint8_t *data = nullptr;
  uint64_t nbytes = 0;
};

/// A tensor rebuilt from _rebuild_tensor[_v2|_v3] / _rebuild_parameter.
struct TensorInfo {
  const PickleValue *storage = nullptr; ///< a Storage value
  DType dtype = DType::Invalid;
  int64_t storageOffset = 0;            ///< in elements
  std::vector<int64_t> sizes, strides;  ///< strides in elements
  bool requiresGrad = false;
  bool parameter = false;               ///< nn.Parameter
  bool conj = false, neg = false;       ///< math bits from the metadata dict
  std::string rebuild;                  ///< "torch._utils._rebuild_tensor_v2", ...
  const PickleValue *state = nullptr;   ///< Parameter/_from_type state, if any
};

enum class PickleKind : uint8_t {
  None,
  Bool,
  Int,
  Float,
  String,  ///< text (UTF-8, as stored)
  Bytes,   ///< bytes / bytearray (_codecs.encode(s, 'latin1'), SHORT_BINSTRING)
  Tuple,
  List,
  Dict,    ///< insertion-ordered; `ordered` marks collections.OrderedDict
  Set,     ///< set / frozenset
  Global,  ///< a named class/function/constant: str = "module.name"
  Tensor,
  Storage,
  Object,  ///< inert object: str = class name, items = args, state = BUILD
};

const char *pickleKindName(PickleKind k);

class PickleValue {
public:
  PickleKind kind = PickleKind::None;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  /// String/Bytes payload; Global: "module.name"; Object: class name.
  std::string str;
  /// Tuple/List/Set elements; Object: constructor arguments.
  std::vector<const PickleValue *> items;
  /// Dict entries in insertion order.
  std::vector<std::pair<const PickleValue *, const PickleValue *>> entries;
  bool ordered = false;     ///< Dict made by collections.OrderedDict
  bool frozen = false;      ///< Set made by frozenset
  /// BUILD state (Object; a Dict's `{'_metadata': ...}`; Tensor/Parameter).
  const PickleValue *state = nullptr;
  /// TorchScript element/container type ("int" for build_intlist,
  /// "List[str]", "Dict[str, Tensor]" from restore_type_tag).
  std::string typeTag;
  std::unique_ptr<TensorInfo> tensor;   ///< Tensor
  std::unique_ptr<StorageInfo> storage; ///< Storage
  uint64_t offset = 0;      ///< byte offset of the opcode that made it
  uint32_t depth = 1;       ///< nesting height (scalars: 1)
  uint32_t holders = 0;     ///< containers holding it (internal)

  bool isNone() const { return kind == PickleKind::None; }
  bool isString() const { return kind == PickleKind::String; }
  bool isInt() const { return kind == PickleKind::Int; }
  bool isTensor() const { return kind == PickleKind::Tensor; }
  bool isDict() const { return kind == PickleKind::Dict; }
  bool isSequence() const {
    return kind == PickleKind::Tuple || kind == PickleKind::List;
  }
  /// Dict entry with string key `key`, or null.
  const PickleValue *get(std::string_view key) const;
};

/// Owns every value of one pickle (an arena; values point at each other).
class PickleDoc {
public:
  const PickleValue *root() const { return root_; }
  /// A new value owned by this document (for persistent_load callbacks).
  PickleValue *make(PickleKind kind);
  void setRoot(const PickleValue *v) { root_ = v; }
  /// Storage values created by standardPersistentLoad, by key.
  std::unordered_map<std::string, const PickleValue *> storagesByKey;
  size_t valueCount() const { return values_.size(); }

private:
  friend class PickleReader;
  std::deque<PickleValue> values_;
  const PickleValue *root_ = nullptr;
};

struct PickleLimits {
  uint32_t maxDepth = 1000;           ///< nesting height of any value
  size_t maxStack = 100000;           ///< stack entries
  size_t maxMarks = 1000;             ///< open MARKs
  size_t maxMemo = 1u << 22;          ///< highest memo index + 1
  uint64_t maxTotalBytes = 1ull << 30; ///< values + strings, approximate
};

enum class PickleMode { WeightsOnly, TorchScript };

/// BINPERSID handler: gets the popped persistent id and returns the value to
/// push (made with doc.make()), or null with *error set.
using PersistentLoadFn = std::function<const PickleValue *(
    PickleDoc &doc, const PickleValue &pid, std::string *error)>;

struct PickleOptions {
  PickleMode mode = PickleMode::WeightsOnly;
  PickleLimits limits;
  /// Additional trusted globals, "module.name" (e.g. "numpy.dtype"); they are
  /// never called (see above). Never-allowed modules stay refused.
  std::vector<std::string> extraGlobals;
  /// Empty: standardPersistentLoad.
  PersistentLoadFn persistentLoad;
  /// Used in error messages: "<name>: pickle: ... at byte N".
  std::string name = "pickle";
  /// Added to reported byte offsets (for pickles embedded in a file).
  uint64_t baseOffset = 0;
};

/// Parses one pickle from [data, data+size). On success returns the
/// document and, if `consumed` is set, the number of bytes up to and
/// including STOP (bytes after STOP are left alone). On failure returns null
/// and sets *error, e.g.
///   "m.pt:data.pkl: pickle: GLOBAL 'posix.system' is not allowed (not in the
///    weights-only allow-list) at byte 2".
std::unique_ptr<PickleDoc> readPickle(const uint8_t *data, size_t size,
                                      const PickleOptions &options,
                                      std::string *error,
                                      size_t *consumed = nullptr);

/// The default persistent_load: ('storage', torch.<X>Storage, key, location,
/// numel[, view_metadata]) -> a Storage value; the same key gives the same
/// value (shared storage).
const PickleValue *standardPersistentLoad(PickleDoc &doc,
                                          const PickleValue &pid,
                                          std::string *error);

/// True when GLOBAL module.name is accepted in `mode` (without extras).
bool isSafeGlobal(std::string_view qualifiedName, PickleMode mode);
/// True for names no option can allow (os.*, posix.*, builtins.eval, ...).
bool isForbiddenGlobal(std::string_view qualifiedName);

/// A short, single-line rendering of a value for messages and listings
/// (bounded in length and depth).
std::string describePickleValue(const PickleValue &v, size_t maxLen = 120);

} // namespace kiln::torch

#endif // KILN_TORCH_PICKLE_H
