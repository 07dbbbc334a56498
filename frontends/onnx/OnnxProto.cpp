//===- OnnxProto.cpp - Zero-copy ONNX protobuf reader ---------------------===//
//
// kiln: a hand-written, hardened decoder of the protobuf wire format for the
// ONNX messages declared in kiln/onnx/OnnxProto.h, plus tensor data helpers.
//
// The field numbers below are kiln's own copy of those in onnx.proto /
// onnx-ml.proto / onnx-data.proto (ONNX 1.12 as installed by Debian's
// python3-onnx, plus the fields added up to IR version 13: NodeProto.overload
// / metadata_props / device_configurations, FunctionProto.attribute_proto /
// value_info / overload / metadata_props, *.metadata_props, ModelProto
// .configuration, data types 17..26).
//
// Design: every message has a table of its known fields with the wire types
// each accepts. A single loop (Parser::fields) decodes keys and payloads with
// bounds checks, validates wire types against the table, rejects groups and
// skips unknown fields; per-message callbacks store the values. Errors are
// reported once, with the byte offset, the message and field, and the path of
// enclosing fields.
//
//===----------------------------------------------------------------------===//

#include "kiln/onnx/OnnxProto.h"

#include <cstring>
#include <limits>

namespace kiln::onnx {

namespace {

//===----------------------------------------------------------------------===//
// Wire format
//===----------------------------------------------------------------------===//

enum WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLen = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// Sets of accepted wire types (bit i = wire type i).
constexpr uint8_t V = 1u << kVarint;   // singular varint
constexpr uint8_t L = 1u << kLen;      // string, bytes, message
constexpr uint8_t F32 = 1u << kFixed32; // singular fixed32 (float)
constexpr uint8_t RV = V | L;          // repeated varint, packed or not
constexpr uint8_t RF32 = F32 | L;      // repeated fixed32, packed or not
constexpr uint8_t RF64 = (1u << kFixed64) | L; // repeated fixed64

const char *wireTypeName(unsigned w) {
  switch (w) {
  case kVarint:
    return "varint";
  case kFixed64:
    return "fixed64";
  case kLen:
    return "length-delimited";
  case kStartGroup:
    return "start-group";
  case kEndGroup:
    return "end-group";
  case kFixed32:
    return "fixed32";
  default:
    return "invalid";
  }
}

enum class VarintStatus { Ok, Truncated, Overlong };

// Reads a base-128 varint of at most 10 bytes from [p, end); advances p.
inline VarintStatus readVarint(const uint8_t *&p, const uint8_t *end,
                               uint64_t &value) {
  uint64_t result = 0;
  for (unsigned i = 0; i < 10; ++i) {
    if (p == end)
      return VarintStatus::Truncated;
    uint8_t b = *p++;
    if (i == 9 && b > 1)
      return VarintStatus::Overlong; // more than 64 bits
    result |= uint64_t(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      value = result;
      return VarintStatus::Ok;
    }
  }
  return VarintStatus::Overlong;
}

inline uint32_t loadLE32(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}

inline uint64_t loadLE64(const uint8_t *p) {
  return uint64_t(loadLE32(p)) | uint64_t(loadLE32(p + 4)) << 32;
}

inline void storeLE(uint8_t *p, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    p[i] = uint8_t(v >> (8 * i));
}

inline float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline double bitsToDouble(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

inline std::string_view view(const uint8_t *p, size_t n) {
  return n ? std::string_view(reinterpret_cast<const char *>(p), n)
           : std::string_view();
}

//===----------------------------------------------------------------------===//
// Field numbers and accepted wire types
//===----------------------------------------------------------------------===//

struct FieldDesc {
  uint32_t number;
  const char *name;
  uint8_t wires; // accepted wire types
};

struct MessageDesc {
  const char *name;
  const FieldDesc *fields;
  size_t count;

  const FieldDesc *find(uint32_t number) const {
    for (size_t i = 0; i < count; ++i)
      if (fields[i].number == number)
        return &fields[i];
    return nullptr;
  }
};

#define KILN_MESSAGE(var, name, ...)                                           \
  constexpr FieldDesc var##Fields[] = {__VA_ARGS__};                           \
  constexpr MessageDesc var = {name, var##Fields,                              \
                               sizeof(var##Fields) / sizeof(FieldDesc)};

// message StringStringEntryProto
enum : uint32_t { kEntryKey = 1, kEntryValue = 2 };
KILN_MESSAGE(kEntryDesc, "StringStringEntryProto", {kEntryKey, "key", L},
             {kEntryValue, "value", L})

// message OperatorSetIdProto
enum : uint32_t { kOpsetDomain = 1, kOpsetVersion = 2 };
KILN_MESSAGE(kOpsetDesc, "OperatorSetIdProto", {kOpsetDomain, "domain", L},
             {kOpsetVersion, "version", V})

// message TensorShapeProto { message Dimension }
enum : uint32_t { kShapeDim = 1 };
KILN_MESSAGE(kShapeDesc, "TensorShapeProto", {kShapeDim, "dim", L})
enum : uint32_t { kDimValue = 1, kDimParam = 2, kDimDenotation = 3 };
KILN_MESSAGE(kDimDesc, "TensorShapeProto.Dimension",
             {kDimValue, "dim_value", V}, {kDimParam, "dim_param", L},
             {kDimDenotation, "denotation", L})

// message TypeProto and its nested messages
enum : uint32_t {
  kTypeTensor = 1,
  kTypeSequence = 4,
  kTypeMap = 5,
  kTypeDenotation = 6,
  kTypeOpaque = 7,
  kTypeSparseTensor = 8,
  kTypeOptional = 9,
};
KILN_MESSAGE(kTypeDesc, "TypeProto", {kTypeTensor, "tensor_type", L},
             {kTypeSequence, "sequence_type", L}, {kTypeMap, "map_type", L},
             {kTypeDenotation, "denotation", L},
             {kTypeOpaque, "opaque_type", L},
             {kTypeSparseTensor, "sparse_tensor_type", L},
             {kTypeOptional, "optional_type", L})
// TypeProto.Tensor and TypeProto.SparseTensor
enum : uint32_t { kTypeTensorElemType = 1, kTypeTensorShape = 2 };
KILN_MESSAGE(kTypeTensorDesc, "TypeProto.Tensor",
             {kTypeTensorElemType, "elem_type", V},
             {kTypeTensorShape, "shape", L})
KILN_MESSAGE(kTypeSparseDesc, "TypeProto.SparseTensor",
             {kTypeTensorElemType, "elem_type", V},
             {kTypeTensorShape, "shape", L})
// TypeProto.Sequence and TypeProto.Optional
enum : uint32_t { kTypeElemType = 1 };
KILN_MESSAGE(kTypeSequenceDesc, "TypeProto.Sequence",
             {kTypeElemType, "elem_type", L})
KILN_MESSAGE(kTypeOptionalDesc, "TypeProto.Optional",
             {kTypeElemType, "elem_type", L})
// TypeProto.Map
enum : uint32_t { kTypeMapKeyType = 1, kTypeMapValueType = 2 };
KILN_MESSAGE(kTypeMapDesc, "TypeProto.Map", {kTypeMapKeyType, "key_type", V},
             {kTypeMapValueType, "value_type", L})
// TypeProto.Opaque
enum : uint32_t { kOpaqueDomain = 1, kOpaqueName = 2 };
KILN_MESSAGE(kTypeOpaqueDesc, "TypeProto.Opaque",
             {kOpaqueDomain, "domain", L}, {kOpaqueName, "name", L})

// message ValueInfoProto
enum : uint32_t {
  kValueInfoName = 1,
  kValueInfoType = 2,
  kValueInfoDocString = 3,
  kValueInfoMetadata = 4,
};
KILN_MESSAGE(kValueInfoDesc, "ValueInfoProto", {kValueInfoName, "name", L},
             {kValueInfoType, "type", L},
             {kValueInfoDocString, "doc_string", L},
             {kValueInfoMetadata, "metadata_props", L})

// message TensorProto { message Segment }
enum : uint32_t {
  kTensorDims = 1,
  kTensorDataType = 2,
  kTensorSegment = 3,
  kTensorFloatData = 4,
  kTensorInt32Data = 5,
  kTensorStringData = 6,
  kTensorInt64Data = 7,
  kTensorName = 8,
  kTensorRawData = 9,
  kTensorDoubleData = 10,
  kTensorUint64Data = 11,
  kTensorDocString = 12,
  kTensorExternalData = 13,
  kTensorDataLocation = 14,
  kTensorMetadata = 16,
};
KILN_MESSAGE(kTensorDesc, "TensorProto", {kTensorDims, "dims", RV},
             {kTensorDataType, "data_type", V},
             {kTensorSegment, "segment", L},
             {kTensorFloatData, "float_data", RF32},
             {kTensorInt32Data, "int32_data", RV},
             {kTensorStringData, "string_data", L},
             {kTensorInt64Data, "int64_data", RV}, {kTensorName, "name", L},
             {kTensorRawData, "raw_data", L},
             {kTensorDoubleData, "double_data", RF64},
             {kTensorUint64Data, "uint64_data", RV},
             {kTensorDocString, "doc_string", L},
             {kTensorExternalData, "external_data", L},
             {kTensorDataLocation, "data_location", V},
             {kTensorMetadata, "metadata_props", L})
enum : uint32_t { kSegmentBegin = 1, kSegmentEnd = 2 };
KILN_MESSAGE(kSegmentDesc, "TensorProto.Segment",
             {kSegmentBegin, "begin", V}, {kSegmentEnd, "end", V})

// message AttributeProto
enum : uint32_t {
  kAttrName = 1,
  kAttrF = 2,
  kAttrI = 3,
  kAttrS = 4,
  kAttrT = 5,
  kAttrG = 6,
  kAttrFloats = 7,
  kAttrInts = 8,
  kAttrStrings = 9,
  kAttrTensors = 10,
  kAttrGraphs = 11,
  kAttrDocString = 13,
  kAttrTp = 14,
  kAttrTypeProtos = 15,
  kAttrType = 20,
  kAttrRefAttrName = 21,
  kAttrSparseTensor = 22,
  kAttrSparseTensors = 23,
};
KILN_MESSAGE(kAttrDesc, "AttributeProto", {kAttrName, "name", L},
             {kAttrF, "f", F32}, {kAttrI, "i", V}, {kAttrS, "s", L},
             {kAttrT, "t", L}, {kAttrG, "g", L},
             {kAttrFloats, "floats", RF32}, {kAttrInts, "ints", RV},
             {kAttrStrings, "strings", L}, {kAttrTensors, "tensors", L},
             {kAttrGraphs, "graphs", L}, {kAttrDocString, "doc_string", L},
             {kAttrTp, "tp", L}, {kAttrTypeProtos, "type_protos", L},
             {kAttrType, "type", V},
             {kAttrRefAttrName, "ref_attr_name", L},
             {kAttrSparseTensor, "sparse_tensor", L},
             {kAttrSparseTensors, "sparse_tensors", L})

// message NodeProto
enum : uint32_t {
  kNodeInput = 1,
  kNodeOutput = 2,
  kNodeName = 3,
  kNodeOpType = 4,
  kNodeAttribute = 5,
  kNodeDocString = 6,
  kNodeDomain = 7,
  kNodeOverload = 8,
  kNodeMetadata = 9,
  kNodeDeviceConfigurations = 10,
};
KILN_MESSAGE(kNodeDesc, "NodeProto", {kNodeInput, "input", L},
             {kNodeOutput, "output", L}, {kNodeName, "name", L},
             {kNodeOpType, "op_type", L}, {kNodeAttribute, "attribute", L},
             {kNodeDocString, "doc_string", L}, {kNodeDomain, "domain", L},
             {kNodeOverload, "overload", L},
             {kNodeMetadata, "metadata_props", L},
             {kNodeDeviceConfigurations, "device_configurations", L})

// message GraphProto
enum : uint32_t {
  kGraphNode = 1,
  kGraphName = 2,
  kGraphInitializer = 5,
  kGraphDocString = 10,
  kGraphInput = 11,
  kGraphOutput = 12,
  kGraphValueInfo = 13,
  kGraphQuantAnnotation = 14,
  kGraphSparseInitializer = 15,
  kGraphMetadata = 16,
};
KILN_MESSAGE(kGraphDesc, "GraphProto", {kGraphNode, "node", L},
             {kGraphName, "name", L},
             {kGraphInitializer, "initializer", L},
             {kGraphDocString, "doc_string", L}, {kGraphInput, "input", L},
             {kGraphOutput, "output", L},
             {kGraphValueInfo, "value_info", L},
             {kGraphQuantAnnotation, "quantization_annotation", L},
             {kGraphSparseInitializer, "sparse_initializer", L},
             {kGraphMetadata, "metadata_props", L})

// message FunctionProto (2 and 3 are reserved)
enum : uint32_t {
  kFuncName = 1,
  kFuncInput = 4,
  kFuncOutput = 5,
  kFuncAttribute = 6,
  kFuncNode = 7,
  kFuncDocString = 8,
  kFuncOpsetImport = 9,
  kFuncDomain = 10,
  kFuncAttributeProto = 11,
  kFuncValueInfo = 12,
  kFuncOverload = 13,
  kFuncMetadata = 14,
};
KILN_MESSAGE(kFuncDesc, "FunctionProto", {kFuncName, "name", L},
             {kFuncInput, "input", L}, {kFuncOutput, "output", L},
             {kFuncAttribute, "attribute", L}, {kFuncNode, "node", L},
             {kFuncDocString, "doc_string", L},
             {kFuncOpsetImport, "opset_import", L},
             {kFuncDomain, "domain", L},
             {kFuncAttributeProto, "attribute_proto", L},
             {kFuncValueInfo, "value_info", L},
             {kFuncOverload, "overload", L},
             {kFuncMetadata, "metadata_props", L})

// message ModelProto
enum : uint32_t {
  kModelIrVersion = 1,
  kModelProducerName = 2,
  kModelProducerVersion = 3,
  kModelDomain = 4,
  kModelModelVersion = 5,
  kModelDocString = 6,
  kModelGraph = 7,
  kModelOpsetImport = 8,
  kModelMetadata = 14,
  kModelTrainingInfo = 20,
  kModelFunctions = 25,
  kModelConfiguration = 26,
};
KILN_MESSAGE(kModelDesc, "ModelProto", {kModelIrVersion, "ir_version", V},
             {kModelProducerName, "producer_name", L},
             {kModelProducerVersion, "producer_version", L},
             {kModelDomain, "domain", L},
             {kModelModelVersion, "model_version", V},
             {kModelDocString, "doc_string", L}, {kModelGraph, "graph", L},
             {kModelOpsetImport, "opset_import", L},
             {kModelMetadata, "metadata_props", L},
             {kModelTrainingInfo, "training_info", L},
             {kModelFunctions, "functions", L},
             {kModelConfiguration, "configuration", L})

// message SequenceProto (onnx-data.proto)
enum : uint32_t {
  kSeqName = 1,
  kSeqElemType = 2,
  kSeqTensorValues = 3,
  kSeqSparseTensorValues = 4,
  kSeqSequenceValues = 5,
  kSeqMapValues = 6,
  kSeqOptionalValues = 7,
};
KILN_MESSAGE(kSeqDesc, "SequenceProto", {kSeqName, "name", L},
             {kSeqElemType, "elem_type", V},
             {kSeqTensorValues, "tensor_values", L},
             {kSeqSparseTensorValues, "sparse_tensor_values", L},
             {kSeqSequenceValues, "sequence_values", L},
             {kSeqMapValues, "map_values", L},
             {kSeqOptionalValues, "optional_values", L})

// message OptionalProto (onnx-data.proto)
enum : uint32_t {
  kOptName = 1,
  kOptElemType = 2,
  kOptTensorValue = 3,
  kOptSparseTensorValue = 4,
  kOptSequenceValue = 5,
  kOptMapValue = 6,
  kOptOptionalValue = 7,
};
KILN_MESSAGE(kOptDesc, "OptionalProto", {kOptName, "name", L},
             {kOptElemType, "elem_type", V},
             {kOptTensorValue, "tensor_value", L},
             {kOptSparseTensorValue, "sparse_tensor_value", L},
             {kOptSequenceValue, "sequence_value", L},
             {kOptMapValue, "map_value", L},
             {kOptOptionalValue, "optional_value", L})

#undef KILN_MESSAGE

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

// One decoded field occurrence.
struct Field {
  uint32_t number = 0;
  uint8_t wire = 0;
  uint64_t value = 0;            // varint value or fixed32/fixed64 bits
  const uint8_t *data = nullptr; // length-delimited payload
  size_t size = 0;
  size_t offset = 0;       // offset of the field's key
  size_t dataOffset = 0;   // offset of the payload
  const MessageDesc *msg = nullptr;
  const FieldDesc *desc = nullptr; // null for unknown fields
};

// An enclosing field on the way to the message being parsed.
struct Frame {
  const char *msg;
  const char *field;
  size_t index; // position in a repeated field, or kNoIndex
};
constexpr size_t kNoIndex = ~size_t(0);

class Parser {
public:
  Parser(const uint8_t *base, const ParseLimits &limits, std::string &error)
      : base_(base), limits_(limits), error_(error) {
    error_.clear();
  }

  // Messages.
  bool entry(const uint8_t *p, const uint8_t *end, StringStringEntryProto &out);
  bool opset(const uint8_t *p, const uint8_t *end, OperatorSetIdProto &out);
  bool shape(const uint8_t *p, const uint8_t *end, TensorShapeProto &out);
  bool dimension(const uint8_t *p, const uint8_t *end,
                 TensorShapeProto::Dimension &out);
  bool type(const uint8_t *p, const uint8_t *end, TypeProto &out);
  bool valueInfo(const uint8_t *p, const uint8_t *end, ValueInfoProto &out);
  bool tensor(const uint8_t *p, const uint8_t *end, TensorProto &out);
  bool attribute(const uint8_t *p, const uint8_t *end, AttributeProto &out);
  bool node(const uint8_t *p, const uint8_t *end, NodeProto &out);
  bool graph(const uint8_t *p, const uint8_t *end, GraphProto &out);
  bool function(const uint8_t *p, const uint8_t *end, FunctionProto &out);
  bool model(const uint8_t *p, const uint8_t *end, ModelProto &out);
  bool sequence(const uint8_t *p, const uint8_t *end, SequenceProto &out);
  bool optional(const uint8_t *p, const uint8_t *end, OptionalProto &out);

private:
  size_t offsetOf(const uint8_t *p) const { return size_t(p - base_); }

  bool fail(const Field &f, size_t offset, const std::string &what);
  bool failIn(const MessageDesc &msg, size_t offset, const std::string &what);
  std::string pathString() const;

  template <class Fn>
  bool fields(const uint8_t *p, const uint8_t *end, const MessageDesc &msg,
              Fn &&onField);

  bool countElements(const Field &f, uint64_t n, size_t elementSize);

  // Value accessors; the wire type was validated against the table.
  static int64_t asInt64(const Field &f) { return int64_t(f.value); }
  static int32_t asInt32(const Field &f) {
    return int32_t(uint32_t(f.value)); // protobuf int32 semantics
  }
  static float asFloat(const Field &f) { return bitsToFloat(uint32_t(f.value)); }
  static std::string_view asString(const Field &f) {
    return view(f.data, f.size);
  }

  bool addString(const Field &f, std::vector<std::string_view> &out);
  template <class T, class Conv>
  bool addVarints(const Field &f, std::vector<T> &out, Conv conv);
  bool addFloats(const Field &f, std::vector<float> &out);
  bool addDoubles(const Field &f, std::vector<double> &out);

  // Parses a length-delimited field as a message with `parse`.
  template <class T, class ParseFn>
  bool sub(const Field &f, size_t index, T &out, ParseFn parse);
  template <class T, class ParseFn>
  bool addMessage(const Field &f, std::vector<T> &out, ParseFn parse);

  // Recursion guard for recursive message types.
  bool enter(const MessageDesc &msg, const uint8_t *p);
  void leave() { --depth_; }

  template <class T> static void growFor(std::vector<T> &v, size_t n) {
    if (v.capacity() - v.size() < n) {
      size_t want = v.size() + n;
      size_t doubled = v.capacity() * 2;
      v.reserve(want > doubled ? want : doubled);
    }
  }

  const uint8_t *base_;
  ParseLimits limits_;
  std::string &error_;
  uint64_t elements_ = 0;
  uint64_t decodedBytes_ = 0;
  int depth_ = 0;
  std::vector<Frame> path_;
};

std::string Parser::pathString() const {
  std::string s;
  for (const Frame &fr : path_) {
    if (!s.empty())
      s += '/';
    s += fr.msg;
    s += '.';
    s += fr.field;
    if (fr.index != kNoIndex) {
      s += '[';
      s += std::to_string(fr.index);
      s += ']';
    }
  }
  return s;
}

bool Parser::fail(const Field &f, size_t offset, const std::string &what) {
  if (!error_.empty())
    return false; // keep the first (innermost) error
  error_ = what + " at offset " + std::to_string(offset) + " in " +
           f.msg->name + "." +
           (f.desc ? f.desc->name : "<unknown>") + " (field " +
           std::to_string(f.number) + ")";
  if (!path_.empty())
    error_ += " [path: " + pathString() + "]";
  return false;
}

bool Parser::failIn(const MessageDesc &msg, size_t offset,
                    const std::string &what) {
  if (!error_.empty())
    return false;
  error_ = what + " at offset " + std::to_string(offset) + " in " + msg.name;
  if (!path_.empty())
    error_ += " [path: " + pathString() + "]";
  return false;
}

bool Parser::countElements(const Field &f, uint64_t n, size_t elementSize) {
  if (n > limits_.maxElements || elements_ > limits_.maxElements - n)
    return fail(f, f.offset,
                "too many repeated elements (ParseLimits::maxElements = " +
                    std::to_string(limits_.maxElements) + ")");
  // n <= maxElements and elementSize is a small sizeof: no overflow for any
  // sane limit, but check anyway.
  if (n > std::numeric_limits<uint64_t>::max() / elementSize ||
      n * elementSize > limits_.maxDecodedBytes ||
      decodedBytes_ > limits_.maxDecodedBytes - n * elementSize)
    return fail(f, f.offset,
                "decoded size exceeds ParseLimits::maxDecodedBytes (" +
                    std::to_string(limits_.maxDecodedBytes) + ")");
  elements_ += n;
  decodedBytes_ += n * elementSize;
  return true;
}

bool Parser::enter(const MessageDesc &msg, const uint8_t *p) {
  if (depth_ >= limits_.maxDepth)
    return failIn(msg, offsetOf(p),
                  "nesting deeper than ParseLimits::maxDepth (" +
                      std::to_string(limits_.maxDepth) + ")");
  ++depth_;
  return true;
}

template <class Fn>
bool Parser::fields(const uint8_t *p, const uint8_t *end,
                    const MessageDesc &msg, Fn &&onField) {
  while (p < end) {
    Field f;
    f.msg = &msg;
    f.offset = offsetOf(p);
    uint64_t key = 0;
    switch (readVarint(p, end, key)) {
    case VarintStatus::Ok:
      break;
    case VarintStatus::Truncated:
      return failIn(msg, f.offset, "truncated varint (field key)");
    case VarintStatus::Overlong:
      return failIn(msg, f.offset, "malformed varint (field key)");
    }
    if (key > 0xffffffffu || (key >> 3) == 0)
      return failIn(msg, f.offset,
                    "invalid field number " + std::to_string(key >> 3));
    f.number = uint32_t(key >> 3);
    f.wire = uint8_t(key & 7);
    f.desc = msg.find(f.number);
    f.dataOffset = offsetOf(p);

    if (f.wire == kStartGroup || f.wire == kEndGroup)
      return fail(f, f.offset,
                  std::string("unsupported ") + wireTypeName(f.wire) +
                      " wire type (groups are not allowed)");
    if (f.wire > kFixed32)
      return fail(f, f.offset,
                  "invalid wire type " + std::to_string(f.wire));
    if (f.desc && !(f.desc->wires & (1u << f.wire))) {
      std::string expected;
      for (unsigned w = 0; w <= kFixed32; ++w)
        if (f.desc->wires & (1u << w)) {
          if (!expected.empty())
            expected += " or ";
          expected += wireTypeName(w);
        }
      return fail(f, f.offset,
                  std::string("wrong wire type ") + wireTypeName(f.wire) +
                      " (expected " + expected + ")");
    }

    size_t remaining = size_t(end - p);
    switch (f.wire) {
    case kVarint:
      switch (readVarint(p, end, f.value)) {
      case VarintStatus::Ok:
        break;
      case VarintStatus::Truncated:
        return fail(f, f.dataOffset, "truncated varint");
      case VarintStatus::Overlong:
        return fail(f, f.dataOffset, "malformed varint (more than 64 bits)");
      }
      break;
    case kFixed64:
      if (remaining < 8)
        return fail(f, f.dataOffset, "truncated fixed64");
      f.value = loadLE64(p);
      p += 8;
      break;
    case kFixed32:
      if (remaining < 4)
        return fail(f, f.dataOffset, "truncated fixed32");
      f.value = loadLE32(p);
      p += 4;
      break;
    case kLen: {
      uint64_t len = 0;
      switch (readVarint(p, end, len)) {
      case VarintStatus::Ok:
        break;
      case VarintStatus::Truncated:
        return fail(f, f.dataOffset, "truncated varint (length)");
      case VarintStatus::Overlong:
        return fail(f, f.dataOffset, "malformed varint (length)");
      }
      remaining = size_t(end - p);
      if (len > remaining)
        return fail(f, f.dataOffset,
                    "length " + std::to_string(len) + " exceeds the " +
                        std::to_string(remaining) + " remaining bytes");
      f.data = p;
      f.size = size_t(len);
      f.dataOffset = offsetOf(p);
      p += f.size;
      break;
    }
    }

    if (!f.desc)
      continue; // unknown field: skipped
    if (!onField(f))
      return false;
  }
  return true;
}

bool Parser::addString(const Field &f, std::vector<std::string_view> &out) {
  if (!countElements(f, 1, sizeof(std::string_view)))
    return false;
  out.push_back(asString(f));
  return true;
}

template <class T, class Conv>
bool Parser::addVarints(const Field &f, std::vector<T> &out, Conv conv) {
  if (f.wire == kVarint) {
    if (!countElements(f, 1, sizeof(T)))
      return false;
    out.push_back(conv(f.value));
    return true;
  }
  // Packed: one varint ends at every byte without the continuation bit.
  const uint8_t *p = f.data, *end = f.data + f.size;
  if (f.size && (end[-1] & 0x80))
    return fail(f, f.dataOffset + f.size - 1, "truncated varint (packed)");
  size_t n = 0;
  for (const uint8_t *q = p; q != end; ++q)
    n += !(*q & 0x80);
  if (!countElements(f, n, sizeof(T)))
    return false;
  growFor(out, n);
  while (p != end) {
    const uint8_t *start = p;
    uint64_t v = 0;
    if (readVarint(p, end, v) != VarintStatus::Ok)
      return fail(f, offsetOf(start), "malformed varint (packed)");
    out.push_back(conv(v));
  }
  return true;
}

bool Parser::addFloats(const Field &f, std::vector<float> &out) {
  if (f.wire == kFixed32) {
    if (!countElements(f, 1, sizeof(float)))
      return false;
    out.push_back(asFloat(f));
    return true;
  }
  if (f.size % 4)
    return fail(f, f.dataOffset,
                "packed fixed32 length " + std::to_string(f.size) +
                    " is not a multiple of 4");
  size_t n = f.size / 4;
  if (!countElements(f, n, sizeof(float)))
    return false;
  growFor(out, n);
  for (size_t i = 0; i < n; ++i)
    out.push_back(bitsToFloat(loadLE32(f.data + 4 * i)));
  return true;
}

bool Parser::addDoubles(const Field &f, std::vector<double> &out) {
  if (f.wire == kFixed64) {
    if (!countElements(f, 1, sizeof(double)))
      return false;
    out.push_back(bitsToDouble(f.value));
    return true;
  }
  if (f.size % 8)
    return fail(f, f.dataOffset,
                "packed fixed64 length " + std::to_string(f.size) +
                    " is not a multiple of 8");
  size_t n = f.size / 8;
  if (!countElements(f, n, sizeof(double)))
    return false;
  growFor(out, n);
  for (size_t i = 0; i < n; ++i)
    out.push_back(bitsToDouble(loadLE64(f.data + 8 * i)));
  return true;
}

template <class T, class ParseFn>
bool Parser::sub(const Field &f, size_t index, T &out, ParseFn parse) {
  path_.push_back(Frame{f.msg->name, f.desc->name, index});
  bool ok = (this->*parse)(f.data, f.data + f.size, out);
  path_.pop_back();
  return ok;
}

template <class T, class ParseFn>
bool Parser::addMessage(const Field &f, std::vector<T> &out, ParseFn parse) {
  if (!countElements(f, 1, sizeof(T)))
    return false;
  out.emplace_back();
  return sub(f, out.size() - 1, out.back(), parse);
}

auto toInt64 = [](uint64_t v) { return int64_t(v); };
auto toInt32 = [](uint64_t v) { return int32_t(uint32_t(v)); };
auto toUint64 = [](uint64_t v) { return v; };

bool Parser::entry(const uint8_t *p, const uint8_t *end,
                   StringStringEntryProto &out) {
  return fields(p, end, kEntryDesc, [&](const Field &f) {
    switch (f.number) {
    case kEntryKey:
      out.key = asString(f);
      break;
    case kEntryValue:
      out.value = asString(f);
      break;
    }
    return true;
  });
}

bool Parser::opset(const uint8_t *p, const uint8_t *end,
                   OperatorSetIdProto &out) {
  return fields(p, end, kOpsetDesc, [&](const Field &f) {
    switch (f.number) {
    case kOpsetDomain:
      out.domain = asString(f);
      break;
    case kOpsetVersion:
      out.version = asInt64(f);
      break;
    }
    return true;
  });
}

bool Parser::dimension(const uint8_t *p, const uint8_t *end,
                       TensorShapeProto::Dimension &out) {
  return fields(p, end, kDimDesc, [&](const Field &f) {
    switch (f.number) {
    case kDimValue: // oneof value
      out.kind = TensorShapeProto::Dimension::Value;
      out.dim_value = asInt64(f);
      out.dim_param = {};
      break;
    case kDimParam:
      out.kind = TensorShapeProto::Dimension::Param;
      out.dim_param = asString(f);
      out.dim_value = 0;
      break;
    case kDimDenotation:
      out.denotation = asString(f);
      break;
    }
    return true;
  });
}

bool Parser::shape(const uint8_t *p, const uint8_t *end,
                   TensorShapeProto &out) {
  return fields(p, end, kShapeDesc, [&](const Field &f) {
    return addMessage(f, out.dim, &Parser::dimension);
  });
}

bool Parser::type(const uint8_t *p, const uint8_t *end, TypeProto &out) {
  if (!enter(kTypeDesc, p))
    return false;
  using Kind = TypeProto::Kind;
  // Selects a member of the `value` oneof; switching members clears the
  // previous one (protobuf semantics), the same member merges.
  auto select = [&](Kind k) {
    if (out.kind == k)
      return;
    out.kind = k;
    out.elem_type = 0;
    out.has_shape = false;
    out.shape.dim.clear();
    out.elem.reset();
    out.opaque_domain = {};
    out.opaque_name = {};
  };
  bool ok = fields(p, end, kTypeDesc, [&](const Field &f) {
    switch (f.number) {
    case kTypeTensor:
    case kTypeSparseTensor: {
      select(f.number == kTypeTensor ? Kind::Tensor : Kind::SparseTensor);
      path_.push_back(Frame{kTypeDesc.name, f.desc->name, kNoIndex});
      bool r = fields(f.data, f.data + f.size,
                      f.number == kTypeTensor ? kTypeTensorDesc
                                              : kTypeSparseDesc,
                      [&](const Field &g) {
                        if (g.number == kTypeTensorElemType) {
                          out.elem_type = asInt32(g);
                          return true;
                        }
                        out.has_shape = true;
                        return sub(g, kNoIndex, out.shape, &Parser::shape);
                      });
      path_.pop_back();
      return r;
    }
    case kTypeSequence:
    case kTypeOptional: {
      select(f.number == kTypeSequence ? Kind::Sequence : Kind::Optional);
      path_.push_back(Frame{kTypeDesc.name, f.desc->name, kNoIndex});
      bool r = fields(f.data, f.data + f.size,
                      f.number == kTypeSequence ? kTypeSequenceDesc
                                                : kTypeOptionalDesc,
                      [&](const Field &g) {
                        return sub(g, kNoIndex, out.elem.getOrCreate(),
                                   &Parser::type);
                      });
      path_.pop_back();
      return r;
    }
    case kTypeMap: {
      select(Kind::Map);
      path_.push_back(Frame{kTypeDesc.name, f.desc->name, kNoIndex});
      bool r = fields(f.data, f.data + f.size, kTypeMapDesc,
                      [&](const Field &g) {
                        if (g.number == kTypeMapKeyType) {
                          out.elem_type = asInt32(g);
                          return true;
                        }
                        return sub(g, kNoIndex, out.elem.getOrCreate(),
                                   &Parser::type);
                      });
      path_.pop_back();
      return r;
    }
    case kTypeOpaque: {
      select(Kind::Opaque);
      path_.push_back(Frame{kTypeDesc.name, f.desc->name, kNoIndex});
      bool r = fields(f.data, f.data + f.size, kTypeOpaqueDesc,
                      [&](const Field &g) {
                        if (g.number == kOpaqueDomain)
                          out.opaque_domain = asString(g);
                        else
                          out.opaque_name = asString(g);
                        return true;
                      });
      path_.pop_back();
      return r;
    }
    case kTypeDenotation:
      out.denotation = asString(f);
      return true;
    }
    return true;
  });
  leave();
  return ok;
}

bool Parser::valueInfo(const uint8_t *p, const uint8_t *end,
                       ValueInfoProto &out) {
  return fields(p, end, kValueInfoDesc, [&](const Field &f) {
    switch (f.number) {
    case kValueInfoName:
      out.name = asString(f);
      return true;
    case kValueInfoType:
      return sub(f, kNoIndex, out.type, &Parser::type);
    case kValueInfoDocString:
      out.doc_string = asString(f);
      return true;
    case kValueInfoMetadata:
      return addMessage(f, out.metadata_props, &Parser::entry);
    }
    return true;
  });
}

bool Parser::tensor(const uint8_t *p, const uint8_t *end, TensorProto &out) {
  return fields(p, end, kTensorDesc, [&](const Field &f) {
    switch (f.number) {
    case kTensorDims:
      return addVarints(f, out.dims, toInt64);
    case kTensorDataType:
      out.data_type = asInt32(f);
      return true;
    case kTensorSegment: {
      out.has_segment = true;
      path_.push_back(Frame{kTensorDesc.name, f.desc->name, kNoIndex});
      bool r = fields(f.data, f.data + f.size, kSegmentDesc,
                      [&](const Field &g) {
                        if (g.number == kSegmentBegin)
                          out.segment_begin = asInt64(g);
                        else
                          out.segment_end = asInt64(g);
                        return true;
                      });
      path_.pop_back();
      return r;
    }
    case kTensorFloatData:
      return addFloats(f, out.float_data);
    case kTensorInt32Data:
      return addVarints(f, out.int32_data, toInt32);
    case kTensorStringData:
      return addString(f, out.string_data);
    case kTensorInt64Data:
      return addVarints(f, out.int64_data, toInt64);
    case kTensorName:
      out.name = asString(f);
      return true;
    case kTensorRawData:
      out.has_raw_data = true;
      out.raw_data.data = f.data;
      out.raw_data.size = f.size;
      return true;
    case kTensorDoubleData:
      return addDoubles(f, out.double_data);
    case kTensorUint64Data:
      return addVarints(f, out.uint64_data, toUint64);
    case kTensorDocString:
      out.doc_string = asString(f);
      return true;
    case kTensorExternalData:
      return addMessage(f, out.external_data, &Parser::entry);
    case kTensorDataLocation:
      out.data_location = asInt32(f);
      return true;
    case kTensorMetadata:
      return addMessage(f, out.metadata_props, &Parser::entry);
    }
    return true;
  });
}

bool Parser::attribute(const uint8_t *p, const uint8_t *end,
                       AttributeProto &out) {
  return fields(p, end, kAttrDesc, [&](const Field &f) {
    switch (f.number) {
    case kAttrName:
      out.name = asString(f);
      return true;
    case kAttrF:
      out.f = asFloat(f);
      return true;
    case kAttrI:
      out.i = asInt64(f);
      return true;
    case kAttrS:
      out.s = asString(f);
      return true;
    case kAttrT:
      return sub(f, kNoIndex, out.t.getOrCreate(), &Parser::tensor);
    case kAttrG:
      return sub(f, kNoIndex, out.g.getOrCreate(), &Parser::graph);
    case kAttrFloats:
      return addFloats(f, out.floats);
    case kAttrInts:
      return addVarints(f, out.ints, toInt64);
    case kAttrStrings:
      return addString(f, out.strings);
    case kAttrTensors:
      return addMessage(f, out.tensors, &Parser::tensor);
    case kAttrGraphs:
      return addMessage(f, out.graphs, &Parser::graph);
    case kAttrDocString:
      out.doc_string = asString(f);
      return true;
    case kAttrTp:
      return sub(f, kNoIndex, out.tp.getOrCreate(), &Parser::type);
    case kAttrTypeProtos:
      return addMessage(f, out.type_protos, &Parser::type);
    case kAttrType:
      out.type = asInt32(f);
      return true;
    case kAttrRefAttrName:
      out.ref_attr_name = asString(f);
      return true;
    case kAttrSparseTensor:
    case kAttrSparseTensors:
      out.has_sparse_tensor = true; // content not represented
      return true;
    }
    return true;
  });
}

bool Parser::node(const uint8_t *p, const uint8_t *end, NodeProto &out) {
  return fields(p, end, kNodeDesc, [&](const Field &f) {
    switch (f.number) {
    case kNodeInput:
      return addString(f, out.input);
    case kNodeOutput:
      return addString(f, out.output);
    case kNodeName:
      out.name = asString(f);
      return true;
    case kNodeOpType:
      out.op_type = asString(f);
      return true;
    case kNodeAttribute:
      return addMessage(f, out.attribute, &Parser::attribute);
    case kNodeDocString:
      out.doc_string = asString(f);
      return true;
    case kNodeDomain:
      out.domain = asString(f);
      return true;
    case kNodeOverload:
      out.overload = asString(f);
      return true;
    case kNodeMetadata:
      return addMessage(f, out.metadata_props, &Parser::entry);
    case kNodeDeviceConfigurations:
      return true; // not represented
    }
    return true;
  });
}

bool Parser::graph(const uint8_t *p, const uint8_t *end, GraphProto &out) {
  if (!enter(kGraphDesc, p))
    return false;
  bool ok = fields(p, end, kGraphDesc, [&](const Field &f) {
    switch (f.number) {
    case kGraphNode:
      return addMessage(f, out.node, &Parser::node);
    case kGraphName:
      out.name = asString(f);
      return true;
    case kGraphInitializer:
      return addMessage(f, out.initializer, &Parser::tensor);
    case kGraphDocString:
      out.doc_string = asString(f);
      return true;
    case kGraphInput:
      return addMessage(f, out.input, &Parser::valueInfo);
    case kGraphOutput:
      return addMessage(f, out.output, &Parser::valueInfo);
    case kGraphValueInfo:
      return addMessage(f, out.value_info, &Parser::valueInfo);
    case kGraphQuantAnnotation:
      return true; // not represented
    case kGraphSparseInitializer:
      return fail(f, f.offset, "sparse initializers are not supported");
    case kGraphMetadata:
      return addMessage(f, out.metadata_props, &Parser::entry);
    }
    return true;
  });
  leave();
  return ok;
}

bool Parser::function(const uint8_t *p, const uint8_t *end,
                      FunctionProto &out) {
  return fields(p, end, kFuncDesc, [&](const Field &f) {
    switch (f.number) {
    case kFuncName:
      out.name = asString(f);
      return true;
    case kFuncInput:
      return addString(f, out.input);
    case kFuncOutput:
      return addString(f, out.output);
    case kFuncAttribute:
      return addString(f, out.attribute);
    case kFuncNode:
      return addMessage(f, out.node, &Parser::node);
    case kFuncDocString:
      out.doc_string = asString(f);
      return true;
    case kFuncOpsetImport:
      return addMessage(f, out.opset_import, &Parser::opset);
    case kFuncDomain:
      out.domain = asString(f);
      return true;
    case kFuncAttributeProto:
      return addMessage(f, out.attribute_proto, &Parser::attribute);
    case kFuncValueInfo:
      return addMessage(f, out.value_info, &Parser::valueInfo);
    case kFuncOverload:
      out.overload = asString(f);
      return true;
    case kFuncMetadata:
      return addMessage(f, out.metadata_props, &Parser::entry);
    }
    return true;
  });
}

bool Parser::model(const uint8_t *p, const uint8_t *end, ModelProto &out) {
  return fields(p, end, kModelDesc, [&](const Field &f) {
    switch (f.number) {
    case kModelIrVersion:
      out.ir_version = asInt64(f);
      return true;
    case kModelProducerName:
      out.producer_name = asString(f);
      return true;
    case kModelProducerVersion:
      out.producer_version = asString(f);
      return true;
    case kModelDomain:
      out.domain = asString(f);
      return true;
    case kModelModelVersion:
      out.model_version = asInt64(f);
      return true;
    case kModelDocString:
      out.doc_string = asString(f);
      return true;
    case kModelGraph:
      out.has_graph = true;
      return sub(f, kNoIndex, out.graph, &Parser::graph);
    case kModelOpsetImport:
      return addMessage(f, out.opset_import, &Parser::opset);
    case kModelMetadata:
      return addMessage(f, out.metadata_props, &Parser::entry);
    case kModelTrainingInfo:
    case kModelConfiguration:
      return true; // not represented
    case kModelFunctions:
      return addMessage(f, out.functions, &Parser::function);
    }
    return true;
  });
}

bool Parser::sequence(const uint8_t *p, const uint8_t *end,
                      SequenceProto &out) {
  if (!enter(kSeqDesc, p))
    return false;
  bool ok = fields(p, end, kSeqDesc, [&](const Field &f) {
    switch (f.number) {
    case kSeqName:
      out.name = asString(f);
      return true;
    case kSeqElemType:
      out.elem_type = asInt32(f);
      return true;
    case kSeqTensorValues:
      return addMessage(f, out.tensor_values, &Parser::tensor);
    case kSeqSparseTensorValues:
      out.has_sparse_tensor_values = true;
      return true;
    case kSeqSequenceValues:
      return addMessage(f, out.sequence_values, &Parser::sequence);
    case kSeqMapValues:
      out.has_map_values = true;
      return true;
    case kSeqOptionalValues:
      return addMessage(f, out.optional_values, &Parser::optional);
    }
    return true;
  });
  leave();
  return ok;
}

bool Parser::optional(const uint8_t *p, const uint8_t *end,
                      OptionalProto &out) {
  if (!enter(kOptDesc, p))
    return false;
  bool ok = fields(p, end, kOptDesc, [&](const Field &f) {
    switch (f.number) {
    case kOptName:
      out.name = asString(f);
      return true;
    case kOptElemType:
      out.elem_type = asInt32(f);
      return true;
    case kOptTensorValue:
      return sub(f, kNoIndex, out.tensor_value.getOrCreate(),
                 &Parser::tensor);
    case kOptSparseTensorValue:
      out.has_sparse_tensor_value = true;
      return true;
    case kOptSequenceValue:
      return sub(f, kNoIndex, out.sequence_value.getOrCreate(),
                 &Parser::sequence);
    case kOptMapValue:
      out.has_map_value = true;
      return true;
    case kOptOptionalValue:
      return sub(f, kNoIndex, out.optional_value.getOrCreate(),
                 &Parser::optional);
    }
    return true;
  });
  leave();
  return ok;
}

template <class T, class ParseFn>
bool parseTop(const uint8_t *data, size_t size, T &out, std::string &error,
              const ParseLimits &limits, ParseFn parse) {
  out = T();
  Parser parser(data, limits, error);
  if (size == 0)
    return true; // an empty message (data may be null)
  if (!data) {
    error = "null buffer of non-zero size";
    return false;
  }
  if (!(parser.*parse)(data, data + size, out)) {
    if (error.empty())
      error = "parse error"; // not expected: every failure sets a message
    return false;
  }
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// Public parse entry points
//===----------------------------------------------------------------------===//

bool parseModel(const uint8_t *data, size_t size, ModelProto &out,
                std::string &error, const ParseLimits &limits) {
  return parseTop(data, size, out, error, limits, &Parser::model);
}

bool parseGraph(const uint8_t *data, size_t size, GraphProto &out,
                std::string &error, const ParseLimits &limits) {
  return parseTop(data, size, out, error, limits, &Parser::graph);
}

bool parseTensor(const uint8_t *data, size_t size, TensorProto &out,
                 std::string &error, const ParseLimits &limits) {
  return parseTop(data, size, out, error, limits, &Parser::tensor);
}

bool parseSequence(const uint8_t *data, size_t size, SequenceProto &out,
                   std::string &error, const ParseLimits &limits) {
  return parseTop(data, size, out, error, limits, &Parser::sequence);
}

bool parseOptional(const uint8_t *data, size_t size, OptionalProto &out,
                   std::string &error, const ParseLimits &limits) {
  return parseTop(data, size, out, error, limits, &Parser::optional);
}

bool parseType(const uint8_t *data, size_t size, TypeProto &out,
               std::string &error, const ParseLimits &limits) {
  return parseTop(data, size, out, error, limits, &Parser::type);
}

//===----------------------------------------------------------------------===//
// Data type helpers
//===----------------------------------------------------------------------===//

const char *dataTypeName(int32_t dataType) {
  switch (dataType) {
  case TensorProto::UNDEFINED:
    return "UNDEFINED";
  case TensorProto::FLOAT:
    return "FLOAT";
  case TensorProto::UINT8:
    return "UINT8";
  case TensorProto::INT8:
    return "INT8";
  case TensorProto::UINT16:
    return "UINT16";
  case TensorProto::INT16:
    return "INT16";
  case TensorProto::INT32:
    return "INT32";
  case TensorProto::INT64:
    return "INT64";
  case TensorProto::STRING:
    return "STRING";
  case TensorProto::BOOL:
    return "BOOL";
  case TensorProto::FLOAT16:
    return "FLOAT16";
  case TensorProto::DOUBLE:
    return "DOUBLE";
  case TensorProto::UINT32:
    return "UINT32";
  case TensorProto::UINT64:
    return "UINT64";
  case TensorProto::COMPLEX64:
    return "COMPLEX64";
  case TensorProto::COMPLEX128:
    return "COMPLEX128";
  case TensorProto::BFLOAT16:
    return "BFLOAT16";
  case TensorProto::FLOAT8E4M3FN:
    return "FLOAT8E4M3FN";
  case TensorProto::FLOAT8E4M3FNUZ:
    return "FLOAT8E4M3FNUZ";
  case TensorProto::FLOAT8E5M2:
    return "FLOAT8E5M2";
  case TensorProto::FLOAT8E5M2FNUZ:
    return "FLOAT8E5M2FNUZ";
  case TensorProto::UINT4:
    return "UINT4";
  case TensorProto::INT4:
    return "INT4";
  case TensorProto::FLOAT4E2M1:
    return "FLOAT4E2M1";
  case TensorProto::FLOAT8E8M0:
    return "FLOAT8E8M0";
  case TensorProto::UINT2:
    return "UINT2";
  case TensorProto::INT2:
    return "INT2";
  }
  return "UNKNOWN";
}

const char *attributeTypeName(int32_t type) {
  switch (type) {
  case AttributeProto::UNDEFINED:
    return "UNDEFINED";
  case AttributeProto::FLOAT:
    return "FLOAT";
  case AttributeProto::INT:
    return "INT";
  case AttributeProto::STRING:
    return "STRING";
  case AttributeProto::TENSOR:
    return "TENSOR";
  case AttributeProto::GRAPH:
    return "GRAPH";
  case AttributeProto::FLOATS:
    return "FLOATS";
  case AttributeProto::INTS:
    return "INTS";
  case AttributeProto::STRINGS:
    return "STRINGS";
  case AttributeProto::TENSORS:
    return "TENSORS";
  case AttributeProto::GRAPHS:
    return "GRAPHS";
  case AttributeProto::SPARSE_TENSOR:
    return "SPARSE_TENSOR";
  case AttributeProto::SPARSE_TENSORS:
    return "SPARSE_TENSORS";
  case AttributeProto::TYPE_PROTO:
    return "TYPE_PROTO";
  case AttributeProto::TYPE_PROTOS:
    return "TYPE_PROTOS";
  }
  return "UNKNOWN";
}

unsigned dataTypeBitWidth(int32_t dataType) {
  switch (dataType) {
  case TensorProto::BOOL:
  case TensorProto::UINT8:
  case TensorProto::INT8:
  case TensorProto::FLOAT8E4M3FN:
  case TensorProto::FLOAT8E4M3FNUZ:
  case TensorProto::FLOAT8E5M2:
  case TensorProto::FLOAT8E5M2FNUZ:
  case TensorProto::FLOAT8E8M0:
    return 8;
  case TensorProto::UINT16:
  case TensorProto::INT16:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return 16;
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 32;
  case TensorProto::INT64:
  case TensorProto::UINT64:
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX64:
    return 64;
  case TensorProto::COMPLEX128:
    return 128;
  case TensorProto::UINT4:
  case TensorProto::INT4:
  case TensorProto::FLOAT4E2M1:
    return 4;
  case TensorProto::UINT2:
  case TensorProto::INT2:
    return 2;
  }
  return 0; // UNDEFINED, STRING, unknown
}

size_t dataTypeSize(int32_t dataType) {
  unsigned bits = dataTypeBitWidth(dataType);
  return bits % 8 ? 0 : bits / 8;
}

std::optional<uint64_t> tensorByteSize(int32_t dataType, int64_t count) {
  unsigned bits = dataTypeBitWidth(dataType);
  if (bits == 0 || count < 0)
    return std::nullopt;
  uint64_t n = uint64_t(count);
  if (bits % 8 == 0) {
    uint64_t elt = bits / 8;
    if (n > std::numeric_limits<uint64_t>::max() / elt)
      return std::nullopt;
    return n * elt;
  }
  // Sub-byte: ceil(n * bits / 8) without overflow (n < 2^63, bits <= 4).
  uint64_t perByte = 8 / bits;
  return n / perByte + (n % perByte ? 1 : 0);
}

std::optional<int64_t> numElements(const TensorProto &t) {
  int64_t n = 1;
  for (int64_t d : t.dims) {
    if (d < 0)
      return std::nullopt;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      return std::nullopt;
    n *= d;
  }
  return n;
}

//===----------------------------------------------------------------------===//
// Tensor data
//===----------------------------------------------------------------------===//

namespace {

std::string tensorLabel(const TensorProto &t) {
  std::string s = "tensor '";
  s += t.name;
  s += "' (";
  s += dataTypeName(t.data_type);
  s += ")";
  return s;
}

// Which typed field ONNX prescribes for a data type (when not in raw_data).
enum class TypedField { None, Float, Int32, Int64, Double, Uint64 };

TypedField typedFieldFor(int32_t dt) {
  switch (dt) {
  case TensorProto::FLOAT:
  case TensorProto::COMPLEX64:
    return TypedField::Float;
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX128:
    return TypedField::Double;
  case TensorProto::INT64:
    return TypedField::Int64;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    return TypedField::Uint64;
  case TensorProto::INT32:
  case TensorProto::INT16:
  case TensorProto::INT8:
  case TensorProto::UINT16:
  case TensorProto::UINT8:
  case TensorProto::BOOL:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
  case TensorProto::FLOAT8E4M3FN:
  case TensorProto::FLOAT8E4M3FNUZ:
  case TensorProto::FLOAT8E5M2:
  case TensorProto::FLOAT8E5M2FNUZ:
  case TensorProto::FLOAT8E8M0:
  case TensorProto::UINT4:
  case TensorProto::INT4:
  case TensorProto::FLOAT4E2M1:
  case TensorProto::UINT2:
  case TensorProto::INT2:
    return TypedField::Int32;
  }
  return TypedField::None;
}

const char *typedFieldName(TypedField f) {
  switch (f) {
  case TypedField::Float:
    return "float_data";
  case TypedField::Int32:
    return "int32_data";
  case TypedField::Int64:
    return "int64_data";
  case TypedField::Double:
    return "double_data";
  case TypedField::Uint64:
    return "uint64_data";
  case TypedField::None:
    break;
  }
  return "none";
}

} // namespace

bool tensorData(const TensorProto &t, std::vector<uint8_t> &storage,
                Bytes &out, std::string &error) {
  out = Bytes();
  error.clear();
  const int32_t dt = t.data_type;
  if (t.has_segment) {
    error = tensorLabel(t) + ": segmented tensors are not supported";
    return false;
  }
  if (t.data_location == TensorProto::EXTERNAL) {
    error = tensorLabel(t) + ": data is external (resolve external_data)";
    return false;
  }
  if (dt == TensorProto::STRING) {
    error = tensorLabel(t) + ": STRING tensors have no byte buffer; use "
                             "string_data";
    return false;
  }
  TypedField expected = typedFieldFor(dt);
  if (expected == TypedField::None) {
    error = tensorLabel(t) + ": unsupported data_type " +
            std::to_string(dt);
    return false;
  }
  std::optional<int64_t> count = numElements(t);
  if (!count) {
    error = tensorLabel(t) + ": dims are negative or their product overflows";
    return false;
  }
  std::optional<uint64_t> bytes = tensorByteSize(dt, *count);
  if (!bytes || *bytes > uint64_t(std::numeric_limits<size_t>::max())) {
    error = tensorLabel(t) + ": byte size overflows";
    return false;
  }

  // Exactly one data field may hold the values.
  unsigned present = 0;
  TypedField found = TypedField::None;
  if (t.has_raw_data)
    ++present;
  if (!t.string_data.empty())
    ++present;
  if (!t.float_data.empty())
    ++present, found = TypedField::Float;
  if (!t.int32_data.empty())
    ++present, found = TypedField::Int32;
  if (!t.int64_data.empty())
    ++present, found = TypedField::Int64;
  if (!t.double_data.empty())
    ++present, found = TypedField::Double;
  if (!t.uint64_data.empty())
    ++present, found = TypedField::Uint64;
  if (present > 1) {
    error = tensorLabel(t) + ": more than one data field is set";
    return false;
  }
  if (!t.string_data.empty()) {
    error = tensorLabel(t) + ": string_data set for a non-STRING tensor";
    return false;
  }

  if (t.has_raw_data) {
    if (t.raw_data.size != *bytes) {
      error = tensorLabel(t) + ": raw_data has " +
              std::to_string(t.raw_data.size) + " bytes, expected " +
              std::to_string(*bytes) + " for " + std::to_string(*count) +
              " elements";
      return false;
    }
    out = t.raw_data; // zero copy
    return true;
  }

  if (present == 0) {
    if (*count != 0) {
      error = tensorLabel(t) + ": no data for " + std::to_string(*count) +
              " elements";
      return false;
    }
    return true; // empty tensor
  }
  if (found != expected) {
    error = tensorLabel(t) + ": data is in " + typedFieldName(found) +
            ", expected raw_data or " + typedFieldName(expected);
    return false;
  }

  const unsigned bits = dataTypeBitWidth(dt);
  const bool complex =
      dt == TensorProto::COMPLEX64 || dt == TensorProto::COMPLEX128;
  // Number of typed-field entries ONNX prescribes.
  uint64_t entries = uint64_t(*count);
  if (complex)
    entries *= 2; // cannot overflow: *bytes fits
  else if (bits < 8)
    entries = *bytes; // sub-byte types: one int32_data entry per packed byte
  size_t actual = 0;
  switch (found) {
  case TypedField::Float:
    actual = t.float_data.size();
    break;
  case TypedField::Int32:
    actual = t.int32_data.size();
    break;
  case TypedField::Int64:
    actual = t.int64_data.size();
    break;
  case TypedField::Double:
    actual = t.double_data.size();
    break;
  case TypedField::Uint64:
    actual = t.uint64_data.size();
    break;
  case TypedField::None:
    break;
  }
  if (actual != entries) {
    error = tensorLabel(t) + ": " + typedFieldName(found) + " has " +
            std::to_string(actual) + " values, expected " +
            std::to_string(entries);
    return false;
  }

  storage.assign(size_t(*bytes), 0);
  uint8_t *dst = storage.data();
  switch (found) {
  case TypedField::Float:
    for (size_t i = 0; i < actual; ++i) {
      uint32_t b;
      std::memcpy(&b, &t.float_data[i], 4);
      storeLE(dst + 4 * i, b, 4);
    }
    break;
  case TypedField::Double:
    for (size_t i = 0; i < actual; ++i) {
      uint64_t b;
      std::memcpy(&b, &t.double_data[i], 8);
      storeLE(dst + 8 * i, b, 8);
    }
    break;
  case TypedField::Int64:
    for (size_t i = 0; i < actual; ++i)
      storeLE(dst + 8 * i, uint64_t(t.int64_data[i]), 8);
    break;
  case TypedField::Uint64: {
    const unsigned width = dt == TensorProto::UINT32 ? 4 : 8;
    for (size_t i = 0; i < actual; ++i) {
      uint64_t v = t.uint64_data[i];
      if (width == 4 && v > 0xffffffffu) {
        error = tensorLabel(t) + ": uint64_data[" + std::to_string(i) +
                "] = " + std::to_string(v) + " does not fit UINT32";
        return false;
      }
      storeLE(dst + width * i, v, width);
    }
    break;
  }
  case TypedField::Int32: {
    // Each entry holds one element (8..32 bits) or one packed byte
    // (sub-byte types), as an integer bit pattern; accept both the signed and
    // the unsigned reading of that width.
    const unsigned width = bits >= 8 ? bits : 8;
    const int64_t lo = width >= 32 ? std::numeric_limits<int32_t>::min()
                                   : -(int64_t(1) << (width - 1));
    const int64_t hi = width >= 32 ? std::numeric_limits<int32_t>::max()
                                   : (int64_t(1) << width) - 1;
    const unsigned stride = width / 8;
    for (size_t i = 0; i < actual; ++i) {
      int64_t v = t.int32_data[i];
      if (v < lo || v > hi) {
        error = tensorLabel(t) + ": int32_data[" + std::to_string(i) +
                "] = " + std::to_string(v) + " is out of range";
        return false;
      }
      uint64_t u = uint64_t(v);
      if (dt == TensorProto::BOOL)
        u = v != 0;
      storeLE(dst + stride * i, u, stride);
    }
    break;
  }
  case TypedField::None:
    break;
  }
  out.data = storage.data();
  out.size = storage.size();
  return true;
}

//===----------------------------------------------------------------------===//
// External data
//===----------------------------------------------------------------------===//

namespace {

bool parseNonNegative(std::string_view s, int64_t &out) {
  if (s.empty())
    return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    int d = c - '0';
    if (v > (std::numeric_limits<int64_t>::max() - d) / 10)
      return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

} // namespace

bool parseExternalData(const TensorProto &t, ExternalDataRef &out,
                       std::string &error) {
  out = ExternalDataRef();
  error.clear();
  bool seenLocation = false, seenOffset = false, seenLength = false,
       seenChecksum = false;
  for (const StringStringEntryProto &e : t.external_data) {
    bool *seen = nullptr;
    if (e.key == "location")
      seen = &seenLocation;
    else if (e.key == "offset")
      seen = &seenOffset;
    else if (e.key == "length")
      seen = &seenLength;
    else if (e.key == "checksum")
      seen = &seenChecksum;
    else
      continue; // unknown keys are ignored
    if (*seen) {
      error = tensorLabel(t) + ": external_data key '" + std::string(e.key) +
              "' appears more than once";
      return false;
    }
    *seen = true;
    if (seen == &seenLocation) {
      out.location = e.value;
    } else if (seen == &seenChecksum) {
      out.checksum = e.value;
    } else {
      int64_t v = 0;
      if (!parseNonNegative(e.value, v)) {
        error = tensorLabel(t) + ": external_data " + std::string(e.key) +
                " '" + std::string(e.value) +
                "' is not a non-negative decimal integer";
        return false;
      }
      (seen == &seenOffset ? out.offset : out.length) = v;
    }
  }
  if (out.location.empty()) {
    error = tensorLabel(t) + ": external_data has no 'location'";
    return false;
  }
  return true;
}

} // namespace kiln::onnx
