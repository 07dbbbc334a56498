//===- Runtime.h - kiln's C++ runtime API -----------------------*- C++ -*-===//
//
//   kiln::Runtime rt;                          // finds the plugins
//   auto model = rt.load("model.kiln", err);   // maps, verifies, compiles
//   kiln::Session session(*model);
//   std::vector<kiln::Tensor> outputs;
//   session.run({{"input", tensor}}, outputs, err);
//
// No MLIR, no frontends: this links only kiln_support and the plugins it
// loads at run time.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_RUNTIME_H
#define KILN_RUNTIME_RUNTIME_H

#include "kiln/runtime/Artifact.h"
#include "kiln/runtime/PluginHost.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kiln {

/// A host tensor: dtype (kiln_dtype), shape and bytes. Owns its memory
/// unless it was made with Tensor::view.
class Tensor {
public:
  Tensor() = default;
  static Tensor allocate(int32_t dtype, std::vector<int64_t> shape);
  static Tensor view(int32_t dtype, std::vector<int64_t> shape, void *data);
  /// Takes ownership of `data`, which must come from malloc/aligned_alloc.
  static Tensor adopt(int32_t dtype, std::vector<int64_t> shape, void *data);

  int32_t dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t numElements() const;
  size_t byteSize() const;
  void *data() { return data_; }
  const void *data() const { return data_; }
  template <typename T> T *as() { return static_cast<T *>(data_); }
  template <typename T> const T *as() const { return static_cast<const T *>(data_); }

private:
  int32_t dtype_ = 0;
  std::vector<int64_t> shape_;
  std::shared_ptr<void> owner_;
  void *data_ = nullptr;
};

struct TensorSignature {
  std::string name;
  int32_t dtype = 0;
  std::vector<int64_t> shape; // -1: dynamic
  std::vector<std::string> dimNames;
};

class Runtime {
public:
  struct Options {
    std::vector<std::string> pluginPaths; // searched before KILN_PLUGIN_PATH
    int32_t numThreads = 0;               // 0: the plugins' choice
  };
  Runtime();
  explicit Runtime(Options options);
  ~Runtime();

  struct LoadOptions {
    bool verifyWeights = false;
    /// Run every partition on this plugin instead of the one it was
    /// compiled for (e.g. "reference", to check a backend against the
    /// oracle: `kiln verify`).
    std::string overridePlugin;
  };
  /// Opens and verifies the artifact and compiles its partitions on their
  /// plugins. Null with `error` naming the file and the problem.
  std::unique_ptr<class Model> load(const std::string &path, std::string &error,
                                    const LoadOptions &options);
  std::unique_ptr<class Model> load(const std::string &path, std::string &error) {
    return load(path, error, LoadOptions());
  }
  PluginHost &plugins() { return host_; }

private:
  PluginHost host_;
};

class Model {
public:
  ~Model();
  const artifact::Artifact &artifact() const { return *artifact_; }
  std::vector<TensorSignature> inputs() const;
  std::vector<TensorSignature> outputs() const;
  /// Plugin name per partition, for reports.
  std::vector<std::string> partitionPlugins() const;

  /// Memory use per partition as of its last run, from plugins that report
  /// it (ABI 1.1 executable_stats); `reported` is false otherwise.
  struct PartitionMemory {
    std::string plugin;
    bool reported = false;
    uint64_t arenaBytes = 0, intermediateBytes = 0, intermediates = 0, plansCached = 0;
    /// ABI 1.3 (`layoutReported` false for older plugins): layout
    /// conversions per run, nodes on portable fallback kernels, constants
    /// repacked at run time.
    bool layoutReported = false;
    uint64_t layoutReorders = 0, portableNodes = 0, weightReorders = 0;
    /// ABI 1.4: threads the plan split the batch across (0: not split or
    /// not reported).
    uint64_t batchSlices = 0;
  };
  std::vector<PartitionMemory> memoryReport() const;
  /// What loading did per partition with a compiled (AOT) blob: used, or not
  /// and why (stale: another oneDNN version or ISA; damaged).
  std::vector<std::string> loadNotes() const;

  /// Per-node timing (`kiln bench --per-op`). setProfiling(true) clears the
  /// timings and times every later run: nodes inside partitions whose plugin
  /// implements ABI 1.2 executable_profile, and every partition as a whole.
  /// Returns how many partitions time their nodes.
  size_t setProfiling(bool on) const;
  struct NodeTime {
    int32_t partition = -1;
    std::string plugin;
    int32_t node = -1;   // graph node; -1: work of no node, or a whole partition
    std::string op, name; // the node's, empty for node -1
    std::string kernel;  // the plugin's word for what ran it; "(partition)"
                         // for a partition's total wall time
    uint64_t calls = 0;
    double totalMs = 0;
  };
  /// The timings since setProfiling(true): per partition, its node entries
  /// (if the plugin profiles) followed by one "(partition)" entry.
  std::vector<NodeTime> profile() const;

private:
  friend class Runtime;
  friend class Session;
  Model() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<artifact::Artifact> artifact_;
};

class Session {
public:
  explicit Session(const Model &model);
  ~Session();
  /// Runs the model. Inputs by name; outputs in the model's output order.
  bool run(const std::map<std::string, Tensor> &inputs, std::vector<Tensor> &outputs,
           std::string &error);

private:
  const Model &model_;
};

} // namespace kiln

#endif // KILN_RUNTIME_RUNTIME_H
