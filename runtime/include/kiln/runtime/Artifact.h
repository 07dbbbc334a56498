//===- Artifact.h - the .kiln artifact: format, writer, reader --*- C++ -*-===//
//
// A .kiln file is a compiled model: a fixed header, a section table, and
// sections for metadata, the executable graph, the weights (each 64-byte
// aligned, used in place from the memory-mapped file) and plugin data. The
// format is specified in docs/artifact-format.md. Everything here is
// MLIR-free: the compiler fills a Graph and calls writeArtifact; the runtime
// opens the file with Artifact::open.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_ARTIFACT_H
#define KILN_RUNTIME_ARTIFACT_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kiln {

class MappedFile;

namespace artifact {

constexpr char kMagic[8] = {'\x89', 'K', 'I', 'L', 'N', '\r', '\n', '\x1a'};
constexpr uint32_t kFormatMajor = 1;
/// 1.1: control-flow nodes own body graphs. 1.2: weights in external shard
/// files. The writer stamps the lowest minor version the artifact needs (1.0
/// without bodies or shards).
constexpr uint32_t kFormatMinor = 2;
/// Features an artifact may require (Metadata::required). A reader refuses an
/// artifact that requires one it does not know, naming it.
constexpr const char *kFeatureControlFlow = "control-flow";
/// 1.2: the weights live in shard files next to the artifact (section kind 5
/// lists them; WeightRef.shard says which one holds a weight).
constexpr const char *kFeatureShardedWeights = "sharded-weights";
/// Shard files: `\x89KSHD\r\n\x1a`, a 64-byte header, then the weights.
constexpr char kShardMagic[8] = {'\x89', 'K', 'S', 'H', 'D', '\r', '\n', '\x1a'};
constexpr size_t kShardHeaderSize = 64;
constexpr size_t kArtifactIdSize = 16;
/// Most shard files one artifact may have.
constexpr uint32_t kMaxShards = 99999;
/// Deepest nesting of body graphs a reader accepts.
constexpr int kMaxGraphDepth = 32;
constexpr uint64_t kWeightAlignment = 64;
constexpr size_t kHeaderSize = 64;
constexpr size_t kSectionEntrySize = 32;

enum class SectionKind : uint32_t {
  Metadata = 1,
  Graph = 2,
  Weights = 3,
  PluginData = 4,
  Shards = 5, // 1.2: the table of weight shard files
};

/// Element types: kiln_dtype (ONNX numbering).
size_t dtypeSize(int32_t dtype);
const char *dtypeName(int32_t dtype);

struct Attr {
  enum Kind : int32_t { Int = 1, Float = 2, String = 3, Ints = 4, Floats = 5, DType = 6, Tensor = 7 };
  std::string name;
  Kind kind = Int;
  int64_t i = 0;
  double f = 0;
  std::string s; // String; Tensor: the raw bytes
  std::vector<int64_t> ints; // Ints; Tensor: the shape
  std::vector<double> floats;
};

struct Value {
  std::string name;
  int32_t dtype = 0;
  std::vector<int64_t> shape; // -1: dynamic
  std::vector<std::string> dimNames; // empty, or one per dim ("" = unnamed)
  // Weights: where the bytes are in the weights section, or (1.2) in shard
  // file `weightShard` (1-based; 0: the artifact's own weights section).
  bool isWeight = false;
  uint64_t weightOffset = 0, weightSize = 0;
  uint32_t weightCrc = 0;
  uint32_t weightShard = 0;
  // Writer side only: the bytes to store.
  const void *writeData = nullptr;
};

struct Node {
  std::string op; // "conv", without "kiln."
  std::string name;
  std::vector<int32_t> inputs; // -1: absent optional input
  std::vector<int32_t> outputs;
  std::vector<Attr> attrs;
  int32_t partition = 0;
  /// Control-flow nodes (format 1.1): indexes into the owning graph's
  /// subgraphs. "if": {then, else}; "loop": {body}.
  std::vector<int32_t> bodies;
};

struct Partition {
  std::string plugin; // plugin name, e.g. "reference"
  std::vector<int32_t> nodes, inputs, outputs;
  std::string compiled; // optional plugin-serialized executable
  /// Reader: the compiled blob in the mapped plugin-data section, 64-byte
  /// aligned (or `compiled`'s bytes from an older writer). The writer moves
  /// `compiled` into that section (optional: a reader that does not know the
  /// section or partition fields 6, 7 ignores them and compiles at load).
  const void *compiledData = nullptr;
  uint64_t compiledOffset = 0, compiledSize = 0; // in that section
};

/// A graph; a body graph (format 1.1) is self-contained (its own values,
/// nodes, partitions). A body's inputs are its block arguments first ("loop":
/// iteration, condition, carried values; "if": none), then the values it
/// captures from the enclosing graph, which are the trailing inputs of its
/// control-flow node. See docs/artifact-format.md.
struct Graph {
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<int32_t> inputs, outputs;
  std::vector<Partition> partitions;
  std::vector<Graph> subgraphs;
};

struct Metadata {
  std::string kilnVersion;
  int64_t createdUnix = 0;
  std::string sourceName, sourceSha256, producer, modelVersion;
  std::vector<std::string> labels;
  std::vector<std::pair<std::string, std::string>> properties; // --metadata k=v
  std::vector<std::string> plugins;
  std::string isa;
  /// Features a reader must understand (kFeatureControlFlow, ...).
  std::vector<std::string> required;
};

struct WriteOptions {
  /// 0: every weight in the artifact itself. Otherwise the weights go into
  /// shard files `<file name of path>.w00001-of-0000N` in the same directory,
  /// each at most this many bytes (header included) unless one weight alone
  /// is larger (it then gets a shard of its own); format 1.2, feature
  /// "sharded-weights". An artifact without weights is never sharded.
  uint64_t shardSize = 0;
};

/// Writes the artifact to `path` (and its shard files); false with `error`
/// on I/O failure.
bool writeArtifact(const std::string &path, const Metadata &meta, const Graph &graph,
                   std::string &error);
bool writeArtifact(const std::string &path, const Metadata &meta, const Graph &graph,
                   const WriteOptions &options, std::string &error);

/// The file name of shard `index` (1-based) of `count` of the artifact whose
/// file name is `artifactName`: "m.kiln.w00002-of-00003".
std::string shardFileName(const std::string &artifactName, uint32_t index, uint32_t count);

/// One weight shard file of an opened artifact.
struct ShardInfo {
  std::string file;       // as the shard table names it (no directory)
  std::string path;       // where it was opened from
  uint64_t size = 0;      // bytes, header included
  uint32_t headerCrc = 0; // CRC-32C of its header bytes 0..59
  uint64_t weights = 0, weightBytes = 0; // weight blobs stored in it
};

/// An opened, verified artifact. Weights point into the mapping.
class Artifact {
public:
  struct Options {
    bool verifyWeights = false; // check every weight's CRC at load
    /// Where a sharded artifact's shard files are. Opening by path uses the
    /// artifact's own directory; opening from memory needs this (else a
    /// sharded artifact is refused, naming the shards it lacks).
    std::string shardDirectory;
  };
  static std::unique_ptr<Artifact> open(const std::string &path, std::string &error,
                                        const Options &options);
  static std::unique_ptr<Artifact> open(const std::string &path, std::string &error) {
    return open(path, error, Options());
  }
  /// Opens an artifact already in memory (e.g. MappedFile::fromBuffer; the
  /// fuzzers use it). Same checks as a file; messages name file->path().
  static std::unique_ptr<Artifact> open(std::unique_ptr<MappedFile> file, std::string &error,
                                        const Options &options);
  ~Artifact();

  const Metadata &metadata() const { return meta_; }
  const Graph &graph() const { return graph_; }
  uint32_t formatMajor() const { return major_; }
  uint32_t formatMinor() const { return minor_; }
  uint64_t fileSize() const;
  const std::string &path() const;
  /// 1.2: the weight shard files (empty when the weights are in the file).
  const std::vector<ShardInfo> &shards() const { return shards_; }
  /// Sharded: the artifact id the shards carry, 32 hex digits ("" if none).
  std::string artifactId() const;

  /// The bytes of a weight value, in the mapped file (64-byte aligned).
  const void *weightData(int32_t value) const;
  /// The same for a value of any graph (a body graph's weights).
  const void *weightData(const Value &value) const;
  /// Checks every weight's CRC (in every shard); false with a message naming
  /// the first bad one (and its shard file).
  bool verifyWeights(std::string &error) const;

private:
  Artifact() = default;
  std::unique_ptr<MappedFile> file_;
  Metadata meta_;
  Graph graph_;
  const uint8_t *weights_ = nullptr;
  uint64_t weightsSize_ = 0;
  const uint8_t *pluginData_ = nullptr; // compiled partitions
  uint64_t pluginDataSize_ = 0;
  uint32_t major_ = 0, minor_ = 0;
  std::string artifactId_; // 16 bytes when sharded
  std::vector<ShardInfo> shards_;
  std::vector<std::unique_ptr<MappedFile>> shardFiles_;
  std::vector<const uint8_t *> shardData_; // each shard's weights (after its header)
  std::vector<uint64_t> shardDataSize_;
};

} // namespace artifact
} // namespace kiln

#endif // KILN_RUNTIME_ARTIFACT_H
