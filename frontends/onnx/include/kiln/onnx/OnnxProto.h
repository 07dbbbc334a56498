//===- OnnxProto.h - Zero-copy ONNX protobuf reader -----------*- C++ -*-===//
//
// kiln: plain C++ structs for the ONNX protobuf messages and a hardened,
// dependency-free parser of the protobuf wire format into them (no libprotobuf,
// no generated code, no MLIR). kiln keeps its own copy of the ONNX field
// numbers (in OnnxProto.cpp).
//
// Zero copy: every string / bytes field (names, doc strings, TensorProto
// raw_data, string_data, ...) is a view into the caller's buffer, typically a
// kiln::MappedFile. That buffer must outlive the parsed structs. Tensor bytes
// in raw_data are used in place; there is no 2 GB limit. Repeated numeric
// fields (dims, float_data, ints, ...) are decoded into std::vector.
//
// Hardening: the parser never reads outside [data, data + size), checks every
// length with overflow-safe arithmetic, bounds recursion (ParseLimits), bounds
// the number and decoded size of repeated elements, validates the wire type
// of every known field and rejects groups. Unknown fields are skipped. It uses
// no exceptions and no RTTI. Errors name the problem, byte offset (from the
// start of the buffer), message and field, and the enclosing fields, e.g.
//   "truncated varint (length) at offset 1234 in NodeProto.attribute
//    (field 5) [path: ModelProto.graph/GraphProto.node[3]]"
//
// Accepted like protobuf does: packed and unpacked encodings of repeated
// scalars, fields in any order, repeated occurrences of a singular field (the
// last scalar wins, messages merge).
//
// Not represented (skipped after wire-type checks): TrainingInfoProto,
// DeviceConfigurationProto / NodeDeviceConfigurationProto, TensorAnnotation
// (quantization_annotation), MapProto, sparse tensors inside attributes and
// SequenceProto/OptionalProto (flagged). GraphProto.sparse_initializer is a
// parse error (unsupported).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_ONNX_ONNXPROTO_H
#define KILN_ONNX_ONNXPROTO_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::onnx {

/// A view of bytes in the caller's buffer.
struct Bytes {
  const uint8_t *data = nullptr;
  size_t size = 0;

  bool empty() const { return size == 0; }
  std::string_view str() const {
    return size ? std::string_view(reinterpret_cast<const char *>(data), size)
                : std::string_view();
  }
};

/// A nullable, deep-copying owner of one T (used for optional and recursive
/// sub-messages). T may be incomplete where Box<T> is declared.
template <class T> class Box {
public:
  Box() = default;
  Box(const Box &o) : p_(o.p_ ? new T(*o.p_) : nullptr) {}
  Box(Box &&) noexcept = default;
  Box &operator=(const Box &o) {
    if (this != &o)
      p_.reset(o.p_ ? new T(*o.p_) : nullptr);
    return *this;
  }
  Box &operator=(Box &&) noexcept = default;
  ~Box() = default;

  explicit operator bool() const { return p_ != nullptr; }
  const T *get() const { return p_.get(); }
  T *get() { return p_.get(); }
  const T &operator*() const { return *p_; }
  T &operator*() { return *p_; }
  const T *operator->() const { return p_.get(); }
  T *operator->() { return p_.get(); }
  /// Returns the held value, creating a default one first if empty.
  T &getOrCreate() {
    if (!p_)
      p_.reset(new T());
    return *p_;
  }
  void reset() { p_.reset(); }

private:
  std::unique_ptr<T> p_;
};

struct StringStringEntryProto {
  std::string_view key;
  std::string_view value;
};

struct OperatorSetIdProto {
  std::string_view domain; // "" and "ai.onnx" both mean the default domain
  int64_t version = 0;
};

struct TensorShapeProto {
  struct Dimension {
    enum Kind : uint8_t { Unknown, Value, Param };
    Kind kind = Unknown; // neither dim_value nor dim_param set
    int64_t dim_value = 0;
    std::string_view dim_param;
    std::string_view denotation;
  };
  std::vector<Dimension> dim;
};

struct TypeProto {
  enum class Kind : uint8_t {
    None, // no value set (unknown type)
    Tensor,
    Sequence,
    Map,
    Optional,
    SparseTensor,
    Opaque
  };
  Kind kind = Kind::None;
  /// Tensor / SparseTensor: elem_type (a TensorProto::DataType). Map: key_type.
  int32_t elem_type = 0;
  /// Tensor / SparseTensor: whether shape was present (absent: unknown rank).
  bool has_shape = false;
  TensorShapeProto shape;
  /// Sequence / Optional: elem_type. Map: value_type.
  Box<TypeProto> elem;
  /// Opaque: domain and name.
  std::string_view opaque_domain, opaque_name;
  std::string_view denotation;
};

struct ValueInfoProto {
  std::string_view name;
  TypeProto type; // kind None when absent
  std::string_view doc_string;
  std::vector<StringStringEntryProto> metadata_props;
};

struct TensorProto {
  /// TensorProto.DataType (ONNX IR 13).
  enum DataType : int32_t {
    UNDEFINED = 0,
    FLOAT = 1,
    UINT8 = 2,
    INT8 = 3,
    UINT16 = 4,
    INT16 = 5,
    INT32 = 6,
    INT64 = 7,
    STRING = 8,
    BOOL = 9,
    FLOAT16 = 10,
    DOUBLE = 11,
    UINT32 = 12,
    UINT64 = 13,
    COMPLEX64 = 14,
    COMPLEX128 = 15,
    BFLOAT16 = 16,
    FLOAT8E4M3FN = 17,
    FLOAT8E4M3FNUZ = 18,
    FLOAT8E5M2 = 19,
    FLOAT8E5M2FNUZ = 20,
    UINT4 = 21,
    INT4 = 22,
    FLOAT4E2M1 = 23,
    FLOAT8E8M0 = 24,
    UINT2 = 25,
    INT2 = 26,
  };
  enum DataLocation : int32_t { DEFAULT = 0, EXTERNAL = 1 };

  std::vector<int64_t> dims;
  int32_t data_type = UNDEFINED; // a DataType
  bool has_segment = false;
  int64_t segment_begin = 0, segment_end = 0;
  std::vector<float> float_data;
  std::vector<int32_t> int32_data;
  std::vector<std::string_view> string_data; // bytes, not necessarily UTF-8
  std::vector<int64_t> int64_data;
  std::string_view name;
  std::string_view doc_string;
  bool has_raw_data = false;
  Bytes raw_data; // little-endian, zero-copy, no alignment guarantee
  std::vector<StringStringEntryProto> external_data;
  int32_t data_location = DEFAULT;
  std::vector<double> double_data;
  std::vector<uint64_t> uint64_data;
  std::vector<StringStringEntryProto> metadata_props;
};

struct GraphProto;

struct AttributeProto {
  enum AttributeType : int32_t {
    UNDEFINED = 0,
    FLOAT = 1,
    INT = 2,
    STRING = 3,
    TENSOR = 4,
    GRAPH = 5,
    FLOATS = 6,
    INTS = 7,
    STRINGS = 8,
    TENSORS = 9,
    GRAPHS = 10,
    SPARSE_TENSOR = 11,
    SPARSE_TENSORS = 12,
    TYPE_PROTO = 13,
    TYPE_PROTOS = 14,
  };

  std::string_view name;
  std::string_view ref_attr_name;
  std::string_view doc_string;
  int32_t type = UNDEFINED; // an AttributeType
  float f = 0;
  int64_t i = 0;
  std::string_view s; // bytes
  Box<TensorProto> t;
  Box<GraphProto> g;
  Box<TypeProto> tp;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string_view> strings;
  std::vector<TensorProto> tensors;
  std::vector<GraphProto> graphs;
  std::vector<TypeProto> type_protos;
  /// sparse_tensor / sparse_tensors were present; their content is skipped.
  bool has_sparse_tensor = false;
};

struct NodeProto {
  std::vector<std::string_view> input; // "" marks an omitted optional input
  std::vector<std::string_view> output;
  std::string_view name;
  std::string_view op_type;
  std::string_view domain;
  std::string_view overload;
  std::vector<AttributeProto> attribute;
  std::string_view doc_string;
  std::vector<StringStringEntryProto> metadata_props;
};

struct GraphProto {
  std::vector<NodeProto> node;
  std::string_view name;
  std::vector<TensorProto> initializer;
  std::string_view doc_string;
  std::vector<ValueInfoProto> input;
  std::vector<ValueInfoProto> output;
  std::vector<ValueInfoProto> value_info;
  std::vector<StringStringEntryProto> metadata_props;
};

struct FunctionProto {
  std::string_view name;
  std::vector<std::string_view> input;
  std::vector<std::string_view> output;
  std::vector<std::string_view> attribute;
  std::vector<AttributeProto> attribute_proto;
  std::vector<NodeProto> node;
  std::string_view doc_string;
  std::vector<OperatorSetIdProto> opset_import;
  std::string_view domain;
  std::string_view overload;
  std::vector<ValueInfoProto> value_info;
  std::vector<StringStringEntryProto> metadata_props;
};

struct ModelProto {
  int64_t ir_version = 0;
  std::vector<OperatorSetIdProto> opset_import;
  std::string_view producer_name;
  std::string_view producer_version;
  std::string_view domain;
  int64_t model_version = 0;
  std::string_view doc_string;
  bool has_graph = false;
  GraphProto graph;
  std::vector<StringStringEntryProto> metadata_props;
  std::vector<FunctionProto> functions;
};

struct OptionalProto;

/// onnx-data.proto: the value of a sequence (conformance test data files).
struct SequenceProto {
  enum DataType : int32_t {
    UNDEFINED = 0,
    TENSOR = 1,
    SPARSE_TENSOR = 2,
    SEQUENCE = 3,
    MAP = 4,
    OPTIONAL = 5
  };
  std::string_view name;
  int32_t elem_type = UNDEFINED;
  std::vector<TensorProto> tensor_values;
  std::vector<SequenceProto> sequence_values;
  std::vector<OptionalProto> optional_values;
  /// sparse_tensor_values / map_values were present (content skipped).
  bool has_sparse_tensor_values = false;
  bool has_map_values = false;
};

/// onnx-data.proto: the value of an optional. elem_type uses the
/// SequenceProto::DataType numbering; no value set means "None".
struct OptionalProto {
  std::string_view name;
  int32_t elem_type = SequenceProto::UNDEFINED;
  Box<TensorProto> tensor_value;
  Box<SequenceProto> sequence_value;
  Box<OptionalProto> optional_value;
  /// sparse_tensor_value / map_value was present (content skipped).
  bool has_sparse_tensor_value = false;
  bool has_map_value = false;
};

struct ParseLimits {
  /// Maximum nesting of the recursive messages GraphProto (ModelProto.graph
  /// and attribute subgraphs), TypeProto, SequenceProto and OptionalProto;
  /// each such message on the path counts one level (a top-level one too).
  int maxDepth = 64;
  /// Maximum total number of repeated-field entries (scalars, strings and
  /// sub-messages) decoded by one parse call.
  uint64_t maxElements = uint64_t(1) << 30;
  /// Maximum total size in bytes of those entries once decoded (the sum of
  /// sizeof of every element stored in a std::vector). Bounds the memory a
  /// small hostile input can make the parser allocate (e.g. millions of
  /// 2-byte empty NodeProto entries).
  uint64_t maxDecodedBytes = uint64_t(4) << 30;
};

/// Parse functions: `data` holds one serialized message (e.g. a whole .onnx
/// or .pb file). On success return true, fill `out` (reset first) and clear
/// `error`. On failure return false and set `error`; `out` is then
/// unspecified. Views in `out` point into `data`.
bool parseModel(const uint8_t *data, size_t size, ModelProto &out,
                std::string &error, const ParseLimits &limits = {});
bool parseGraph(const uint8_t *data, size_t size, GraphProto &out,
                std::string &error, const ParseLimits &limits = {});
bool parseTensor(const uint8_t *data, size_t size, TensorProto &out,
                 std::string &error, const ParseLimits &limits = {});
bool parseSequence(const uint8_t *data, size_t size, SequenceProto &out,
                   std::string &error, const ParseLimits &limits = {});
bool parseOptional(const uint8_t *data, size_t size, OptionalProto &out,
                   std::string &error, const ParseLimits &limits = {});
bool parseType(const uint8_t *data, size_t size, TypeProto &out,
               std::string &error, const ParseLimits &limits = {});

/// "FLOAT", "INT64", ... for a TensorProto::DataType; "UNKNOWN" otherwise.
const char *dataTypeName(int32_t dataType);
/// "FLOAT", "INTS", ... for an AttributeProto::AttributeType; "UNKNOWN" else.
const char *attributeTypeName(int32_t type);
/// Bytes per element: 0 for UNDEFINED, STRING, unknown values and the
/// sub-byte types (INT4, UINT4, FLOAT4E2M1, INT2, UINT2; see
/// dataTypeBitWidth).
size_t dataTypeSize(int32_t dataType);
/// Bits per element (4 for INT4, 2 for INT2, 32 for FLOAT, ...); 0 for
/// UNDEFINED, STRING and unknown values.
unsigned dataTypeBitWidth(int32_t dataType);
/// Bytes needed to store `numElements` elements densely (sub-byte types are
/// packed, the last byte zero-padded); nullopt for STRING / unknown types,
/// negative counts or overflow.
std::optional<uint64_t> tensorByteSize(int32_t dataType, int64_t numElements);
/// Product of dims (1 for a scalar); nullopt if a dim is negative or the
/// product overflows int64.
std::optional<int64_t> numElements(const TensorProto &t);

/// The tensor's elements as a dense little-endian buffer (sub-byte types
/// packed as in raw_data). When raw_data is present, `out` views it directly
/// and `storage` is unused (zero copy). Otherwise the typed field that ONNX
/// prescribes for the data type (float_data, int32_data, int64_data,
/// double_data, uint64_data) is converted into `storage` and `out` views
/// `storage`. Checks that the byte/element count matches dims. Fails for
/// STRING tensors (use string_data), external data, segments, and tensors
/// with no data or more than one data field.
bool tensorData(const TensorProto &t, std::vector<uint8_t> &storage,
                Bytes &out, std::string &error);

/// The external_data key/value list of a tensor stored outside the model
/// (data_location == EXTERNAL). Paths are not resolved here.
struct ExternalDataRef {
  std::string_view location; // file path relative to the model's directory
  int64_t offset = 0;        // byte offset in that file
  int64_t length = -1;       // byte count; -1 = not given
  std::string_view checksum; // SHA1 digest as given; may be empty
};
/// Parses t.external_data: "location" is required and non-empty; "offset"
/// and "length" must be non-negative decimal integers fitting int64; keys
/// must not repeat. Unknown keys are ignored.
bool parseExternalData(const TensorProto &t, ExternalDataRef &out,
                       std::string &error);

} // namespace kiln::onnx

#endif // KILN_ONNX_ONNXPROTO_H
