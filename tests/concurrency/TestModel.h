//===- TestModel.h - a small two-partition artifact, written directly -*- C++ -*-===//
//
// The concurrency and fault-injection tests need only the runtime: they write
// their artifact with artifact::writeArtifact (no MLIR, no frontend), so that
// a ThreadSanitizer build needs nothing but kiln_support, kiln_runtime and
// the plugins.
//
//   x [batch, 64] -> matmul W1 -> add b1 -> relu   (partition 0)
//                 -> matmul W2 -> softmax(axis -1) -> y [batch, 10]  (partition 1)
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_CONCURRENCY_TESTMODEL_H
#define KILN_TESTS_CONCURRENCY_TESTMODEL_H

#include "kiln/runtime/Artifact.h"
#include "kiln/runtime/Runtime.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace kiln::test {

constexpr int64_t kIn = 64, kHidden = 64, kOut = 10;

inline std::vector<float> randomFloats(size_t n, unsigned seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-scale, scale);
  std::vector<float> v(n);
  for (auto &x : v)
    x = d(rng);
  return v;
}

/// Writes the model to `path` with every partition on `plugin`.
inline bool writeTestModel(const std::string &path, const std::string &plugin, std::string &error) {
  static const std::vector<float> w1 = randomFloats(kIn * kHidden, 1, 0.2f);
  static const std::vector<float> b1 = randomFloats(kHidden, 2, 0.1f);
  static const std::vector<float> w2 = randomFloats(kHidden * kOut, 3, 0.3f);
  using namespace artifact;
  Graph g;
  auto value = [&](const char *name, std::vector<int64_t> shape, const std::vector<float> *w = nullptr) {
    Value v;
    v.name = name;
    v.dtype = 1; // f32
    v.shape = std::move(shape);
    if (w) {
      v.isWeight = true;
      v.weightSize = w->size() * sizeof(float);
      v.writeData = w->data();
    }
    g.values.push_back(v);
    return int32_t(g.values.size() - 1);
  };
  int32_t x = value("x", {-1, kIn});
  g.values[x].dimNames = {"batch", ""};
  int32_t W1 = value("W1", {kIn, kHidden}, &w1), B1 = value("b1", {kHidden}, &b1);
  int32_t h = value("h", {-1, kHidden}), h2 = value("h2", {-1, kHidden}), r = value("r", {-1, kHidden});
  int32_t W2 = value("W2", {kHidden, kOut}, &w2);
  int32_t o = value("o", {-1, kOut}), y = value("y", {-1, kOut});
  auto node = [&](const char *op, std::vector<int32_t> in, int32_t out, int32_t part) {
    Node n;
    n.op = op;
    n.name = std::string(op) + std::to_string(g.nodes.size());
    n.inputs = std::move(in);
    n.outputs = {out};
    n.partition = part;
    g.nodes.push_back(n);
  };
  node("matmul", {x, W1}, h, 0);
  node("add", {h, B1}, h2, 0);
  node("relu", {h2}, r, 0);
  node("matmul", {r, W2}, o, 1);
  node("softmax", {o}, y, 1);
  Attr axis;
  axis.name = "axis";
  axis.kind = Attr::Int;
  axis.i = -1;
  g.nodes.back().attrs.push_back(axis);
  g.inputs = {x};
  g.outputs = {y};
  Partition p0, p1;
  p0.plugin = p1.plugin = plugin;
  p0.nodes = {0, 1, 2};
  p0.inputs = {x};
  p0.outputs = {r};
  p1.nodes = {3, 4};
  p1.inputs = {r};
  p1.outputs = {y};
  g.partitions = {p0, p1};
  Metadata meta;
  meta.kilnVersion = "test";
  meta.sourceName = "tests/concurrency/TestModel.h";
  meta.plugins = {plugin};
  return writeArtifact(path, meta, g, error);
}

/// Input k of a deterministic set: batch 1 + k % 4, values seeded by k.
inline Tensor testInput(int k) {
  int64_t batch = 1 + k % 4;
  Tensor t = Tensor::allocate(1, {batch, kIn});
  auto v = randomFloats(size_t(batch * kIn), 100 + unsigned(k));
  std::memcpy(t.data(), v.data(), v.size() * sizeof(float));
  return t;
}

inline bool sameBits(const Tensor &a, const Tensor &b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && a.byteSize() == b.byteSize() &&
         std::memcmp(a.data(), b.data(), a.byteSize()) == 0;
}

inline std::string tempPath(const std::string &name) {
  const char *dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/kiln-" + std::to_string(::getpid()) + "-" + name;
}

} // namespace kiln::test

#endif
