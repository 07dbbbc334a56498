//===- CpuPluginTest.cpp - the oneDNN CPU plugin against the reference ----===//
//
// The bundled example compiled for {cpu, reference}: partitioning, accuracy
// against PyTorch at batch 1 and 4, and a `kiln verify` style comparison.
// Then one small hand-built artifact per claimed op (and op variant), run on
// the cpu plugin and on the reference plugin with the same random inputs.
// KILN_CPU_STRICT=1 makes the cpu plugin fail rather than fall back to its
// internal reference kernel, so every case here really runs on oneDNN.
//
//===----------------------------------------------------------------------===//
#include "ExampleArtifact.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"
#include "kiln/runtime/Artifact.h"
#include "kiln/runtime/CGraph.h"
#include "kiln/runtime/Partitioner.h"
#include "kiln/runtime/Runtime.h"
#include "kiln/support/Npy.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <cstring>
#include <deque>
#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace {

using namespace kiln::artifact;
using Dims = std::vector<int64_t>;

using kiln::test::example;

/// Whether runtimeOptions() makes the cpu plugin refuse its reference-kernel
/// fallback (KILN_CPU_STRICT); tests of that fallback turn it off.
bool gStrict = true;
/// The runtime's thread count for runtimeOptions() (0: the plugins' choice).
int32_t gThreads = 0;

kiln::Runtime::Options runtimeOptions() {
  if (gStrict)
    ::setenv("KILN_CPU_STRICT", "1", 1);
  else
    ::unsetenv("KILN_CPU_STRICT");
  kiln::Runtime::Options o;
  o.pluginPaths = {KILN_CPU_PLUGIN_DIR, KILN_REFERENCE_PLUGIN_DIR};
  o.numThreads = gThreads;
  return o;
}

/// The artifact at `path` loaded with every partition on the reference plugin.
std::unique_ptr<kiln::Model> loadOnReference(kiln::Runtime &rt, const std::string &path, std::string &error) {
  kiln::Runtime::LoadOptions lo;
  lo.overridePlugin = "reference";
  return rt.load(path, error, lo);
}

std::string tempDir() {
  char tmpl[] = "/tmp/kiln-cpu-XXXXXX";
  return mkdtemp(tmpl);
}

kiln::Tensor randomTensor(const Dims &shape, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  kiln::Tensor t = kiln::Tensor::allocate(1, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.as<float>()[i] = dist(rng);
  return t;
}

/// Elementwise |got - want| <= atol + rtol * |want| (kiln verify's rule).
void expectClose(const kiln::Tensor &got, const kiln::Tensor &want, double rtol, double atol,
                 const std::string &what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  ASSERT_EQ(got.dtype(), want.dtype()) << what;
  int64_t bad = 0;
  double worst = 0;
  for (int64_t i = 0; i < got.numElements(); ++i) {
    double x = got.as<float>()[i], y = want.as<float>()[i];
    if (std::isnan(x) && std::isnan(y))
      continue;
    double err = std::fabs(x - y);
    worst = std::max(worst, err);
    if (!(err <= atol + rtol * std::fabs(y)) && bad++ < 5)
      ADD_FAILURE() << what << ": element " << i << " is " << x << ", expected " << y;
  }
  EXPECT_EQ(bad, 0) << what << ": max abs error " << worst;
}

// --- the bundled example -------------------------------------------------------

class MnistOnCpu : public ::testing::Test {
protected:
  static std::string artifactPath, report;
  static void SetUpTestSuite() {
    artifactPath = tempDir() + "/mnist.kiln";
    std::string error;
    kiln::ExportOptions eo;
    eo.targets = {"cpu", "reference"};
    eo.pluginPaths = {KILN_CPU_PLUGIN_DIR, KILN_REFERENCE_PLUGIN_DIR};
    ASSERT_TRUE(kiln::test::compileExample(artifactPath, eo, report, error)) << error;
  }
};
std::string MnistOnCpu::artifactPath, MnistOnCpu::report;

TEST_F(MnistOnCpu, EveryHeavyOpRunsOnCpu) {
  std::istringstream lines(report);
  std::string line;
  int heavy = 0;
  for (const char *op : {"(conv)", "(gemm)", "(max_pool)", "(average_pool)", "(batch_norm)", "(relu)",
                         "(fused_conv)", "(fused_matmul)"}) {
    std::istringstream all(report);
    while (std::getline(all, line))
      if (line.find(op) != std::string::npos) {
        ++heavy;
        EXPECT_NE(line.find("-> cpu"), std::string::npos) << line;
      }
  }
  // 2 fused_conv (conv + relu), 2 max_pool, 1 fused_matmul (gemm + relu), 1 gemm
  // (bn folded, activations fused at -O2)
  EXPECT_GE(heavy, 6) << report;
  kiln::Runtime rt(runtimeOptions());
  std::string error;
  auto model = rt.load(artifactPath, error);
  ASSERT_TRUE(model) << error;
  for (const std::string &p : model->partitionPlugins())
    EXPECT_EQ(p, "cpu");
}

TEST_F(MnistOnCpu, MatchesPyTorchAtBatch1And4) {
  kiln::npy::Array input, expected;
  std::string error;
  ASSERT_TRUE(kiln::npy::read(example("input.npy"), input, error)) << error;
  ASSERT_TRUE(kiln::npy::read(example("expected_output.npy"), expected, error)) << error;
  kiln::Runtime rt(runtimeOptions());
  auto model = rt.load(artifactPath, error);
  ASSERT_TRUE(model) << error;
  kiln::Session session(*model);
  for (int64_t batch : {1, 4, 1}) {
    kiln::Tensor x = kiln::Tensor::allocate(1, {batch, 1, 28, 28});
    for (int64_t b = 0; b < batch; ++b)
      std::memcpy(x.as<float>() + b * 784, input.data.data(), 784 * 4);
    std::vector<kiln::Tensor> out;
    ASSERT_TRUE(session.run({{"input", x}}, out, error)) << error;
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].shape(), (Dims{batch, 10}));
    const float *ref = reinterpret_cast<const float *>(expected.data.data());
    for (int64_t b = 0; b < batch; ++b)
      for (int k = 0; k < 10; ++k)
        EXPECT_NEAR(out[0].as<float>()[b * 10 + k], ref[k], 1e-4) << "batch " << batch;
  }
  auto mem = model->memoryReport();
  ASSERT_EQ(mem.size(), 1u);
  ASSERT_TRUE(mem[0].reported);
  EXPECT_EQ(mem[0].plansCached, 2u); // batch 1 and batch 4
  EXPECT_GT(mem[0].arenaBytes, 0u);
  EXPECT_LT(mem[0].arenaBytes, mem[0].intermediateBytes);
}

TEST_F(MnistOnCpu, HonoursTheThreadCount) {
  kiln::Runtime::Options o = runtimeOptions();
  o.numThreads = 1;
  kiln::Runtime rt(o);
  std::string error;
  auto model = rt.load(artifactPath, error);
  ASSERT_TRUE(model) << error;
  kiln::Session session(*model);
  std::vector<kiln::Tensor> out;
  ASSERT_TRUE(session.run({{"input", randomTensor({2, 1, 28, 28}, 3)}}, out, error)) << error;
  EXPECT_EQ(out[0].shape(), (Dims{2, 10}));
}

TEST_F(MnistOnCpu, VerifiesAgainstTheReferencePlugin) {
  // What `kiln verify` does: the same artifact on its plugins and on the oracle.
  kiln::Runtime rt(runtimeOptions());
  std::string error;
  auto compiled = rt.load(artifactPath, error);
  ASSERT_TRUE(compiled) << error;
  auto oracle = loadOnReference(rt, artifactPath, error);
  ASSERT_TRUE(oracle) << error;
  kiln::Session s1(*compiled), s2(*oracle);
  for (int64_t batch : {1, 3}) {
    std::map<std::string, kiln::Tensor> in{{"input", randomTensor({batch, 1, 28, 28}, 7 + batch)}};
    std::vector<kiln::Tensor> got, want;
    ASSERT_TRUE(s1.run(in, got, error)) << error;
    ASSERT_TRUE(s2.run(in, want, error)) << error;
    expectClose(got[0], want[0], 1e-3, 1e-4, "logits at batch " + std::to_string(batch));
  }
}

// --- one op at a time ------------------------------------------------------------

/// A hand-built graph: runtime inputs, random constant weights, nodes.
struct GraphBuilder {
  Graph g;
  std::deque<std::vector<uint8_t>> store;
  uint32_t seed = 1;
  struct RunInput {
    std::string name;
    Dims shape;
    float lo, hi;
  };
  std::vector<RunInput> runInputs;

  int32_t value(const std::string &name, Dims shape, int32_t dtype = 1) {
    Value v;
    v.name = name;
    v.dtype = dtype;
    v.shape = std::move(shape);
    g.values.push_back(v);
    return int32_t(g.values.size() - 1);
  }
  /// A graph input declared with `declared` dims (-1: dynamic), run with `shape`.
  int32_t input(Dims shape, Dims declared = {}, float lo = -1.f, float hi = 1.f) {
    std::string name = "in" + std::to_string(g.inputs.size());
    int32_t v = value(name, declared.empty() ? shape : declared);
    g.inputs.push_back(v);
    runInputs.push_back({name, shape, lo, hi});
    return v;
  }
  int32_t weight(Dims shape, float lo = -1.f, float hi = 1.f) {
    kiln::Tensor t = randomTensor(shape, 1000 + seed++, lo, hi);
    std::vector<uint8_t> bytes(t.byteSize());
    std::memcpy(bytes.data(), t.data(), bytes.size());
    return constant(shape, 1, std::move(bytes));
  }
  int32_t constantI64(std::vector<int64_t> data) {
    std::vector<uint8_t> bytes(data.size() * 8);
    std::memcpy(bytes.data(), data.data(), bytes.size());
    return constant({int64_t(data.size())}, 7, std::move(bytes));
  }
  int32_t constant(Dims shape, int32_t dtype, std::vector<uint8_t> bytes) {
    int32_t v = value("w" + std::to_string(g.values.size()), std::move(shape), dtype);
    store.push_back(std::move(bytes));
    g.values[v].isWeight = true;
    g.values[v].weightSize = store.back().size();
    g.values[v].writeData = store.back().data();
    return v;
  }
  int32_t node(const std::string &op, std::vector<int32_t> inputs, Dims outShape,
               std::vector<Attr> attrs = {}) {
    int32_t out = value(op + std::to_string(g.nodes.size()), std::move(outShape));
    Node n;
    n.op = op;
    n.name = op + "_" + std::to_string(g.nodes.size());
    n.inputs = std::move(inputs);
    n.outputs = {out};
    n.attrs = std::move(attrs);
    g.nodes.push_back(n);
    return out;
  }
  void output(int32_t v) { g.outputs.push_back(v); }
  /// Marks value `v` as i64 (shape arithmetic); returns it.
  int32_t i64(int32_t v) {
    g.values[size_t(v)].dtype = 7;
    return v;
  }
};

Attr ints(const std::string &name, Dims v) {
  Attr a;
  a.name = name;
  a.kind = Attr::Ints;
  a.ints = std::move(v);
  return a;
}
Attr integer(const std::string &name, int64_t v) {
  Attr a;
  a.name = name;
  a.kind = Attr::Int;
  a.i = v;
  return a;
}
Attr real(const std::string &name, double v) {
  Attr a;
  a.name = name;
  a.kind = Attr::Float;
  a.f = v;
  return a;
}
Attr dtypeAttr(const std::string &name, int32_t t) {
  Attr a;
  a.name = name;
  a.kind = Attr::DType;
  a.i = t;
  return a;
}
Attr str(const std::string &name, const std::string &v) {
  Attr a;
  a.name = name;
  a.kind = Attr::String;
  a.s = v;
  return a;
}

/// One partition on the cpu plugin holding every node of `g`.
void allOnCpu(Graph &g) {
  Partition p;
  p.plugin = "cpu";
  for (size_t i = 0; i < g.nodes.size(); ++i)
    p.nodes.push_back(int32_t(i));
  g.partitions = {p};
  kiln::computePartitionBoundaries(g);
}

/// Puts every node on the cpu plugin (loading fails if it does not claim
/// one), runs it and the reference plugin on the same random inputs, and
/// compares every output. `batches`: run again with dim 0 of every input
/// replaced (dynamic batch, a new plan per shape). `slices`: per run, the
/// threads the cpu plugin split the batch across (ABI 1.4 stats).
void checkOnCpu(GraphBuilder &b, std::vector<int64_t> batches = {}, std::vector<uint64_t> *slices = nullptr) {
  Graph &g = b.g;
  if (g.outputs.empty())
    g.outputs.push_back(g.nodes.back().outputs[0]);
  allOnCpu(g);
  std::string dir = tempDir(), path = dir + "/op.kiln", error;
  Metadata meta;
  meta.kilnVersion = "0.1.0";
  meta.plugins = {"cpu 0.1.0"};
  ASSERT_TRUE(writeArtifact(path, meta, g, error)) << error;

  kiln::Runtime rt(runtimeOptions());
  auto cpu = rt.load(path, error);
  ASSERT_TRUE(cpu) << error;
  auto ref = loadOnReference(rt, path, error);
  ASSERT_TRUE(ref) << error;
  kiln::Session s1(*cpu), s2(*ref);
  std::vector<int64_t> runs = {0};
  runs.insert(runs.end(), batches.begin(), batches.end());
  for (int64_t batch : runs) {
    std::map<std::string, kiln::Tensor> in;
    uint32_t seed = 17;
    for (auto &ri : b.runInputs) {
      Dims shape = ri.shape;
      if (batch > 0 && !shape.empty()) // scalars (e.g. run-time bounds) keep their shape
        shape[0] = batch;
      in[ri.name] = randomTensor(shape, seed++, ri.lo, ri.hi);
    }
    std::vector<kiln::Tensor> got, want;
    ASSERT_TRUE(s1.run(in, got, error)) << g.nodes[0].op << ": " << error;
    ASSERT_TRUE(s2.run(in, want, error)) << g.nodes[0].op << ": " << error;
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
      expectClose(got[i], want[i], 1e-3, 1e-4,
                  g.nodes[0].op + " output " + std::to_string(i) + " (batch " + std::to_string(batch) + ")");
    if (slices) {
      auto report = cpu->memoryReport();
      slices->push_back(report.empty() ? 0 : report[0].batchSlices);
    }
  }
  std::system(("rm -rf " + dir).c_str());
}

/// Which nodes of `g` the cpu plugin claims.
std::vector<int32_t> cpuClaims(GraphBuilder &b) {
  kiln::Runtime rt(runtimeOptions());
  std::string error;
  kiln::Plugin *cpu = rt.plugins().get("cpu", error);
  EXPECT_TRUE(cpu) << error;
  if (!cpu)
    return {};
  std::map<int32_t, const void *> data;
  for (size_t v = 0; v < b.g.values.size(); ++v)
    if (b.g.values[v].isWeight)
      data[int32_t(v)] = b.g.values[v].writeData;
  kiln::CGraph cg(b.g, [&](int32_t v) -> const void * {
    auto it = data.find(v);
    return it == data.end() ? nullptr : it->second;
  });
  std::vector<int32_t> supported(b.g.nodes.size());
  std::vector<float> cost(b.g.nodes.size());
  EXPECT_EQ(cpu->api().query(cpu->instance(), cg.get(), supported.data(), cost.data()), KILN_OK);
  return supported;
}

// conv ---------------------------------------------------------------------------

void convCase(Dims x, Dims w, std::vector<Attr> attrs, bool bias = true, const char *act = nullptr,
              std::vector<Attr> actAttrs = {}) {
  GraphBuilder b;
  Dims declared = x;
  declared[0] = -1;
  int32_t in = b.input(x, declared);
  std::vector<int32_t> ins = {in, b.weight(w, -0.5f, 0.5f)};
  if (bias)
    ins.push_back(b.weight({w[0]}));
  int32_t y = b.node("conv", ins, {-1, w[0], -1, -1}, attrs);
  if (act)
    b.node(act, {y}, {-1, w[0], -1, -1}, actAttrs);
  checkOnCpu(b, {3});
}

/// The kernel of each node on the cpu plugin (one run, profiled);
/// `intermediates`: the plan's intermediate buffers.
std::map<int32_t, std::string> kernelsOnCpu(GraphBuilder &b, uint64_t *intermediates = nullptr);

/// conv_transpose (ONNX ConvTranspose, weights [C, M/group, kh, kw]) against
/// the reference plugin; `onOneDnn`: the node must run as a oneDNN
/// deconvolution (else the plugin's reference kernel may run it).
void convTransposeCase(Dims x, Dims w, int64_t group, std::vector<Attr> attrs, bool bias = true,
                       bool onOneDnn = true) {
  GraphBuilder b;
  Dims declared = x;
  declared[0] = -1;
  int32_t in = b.input(x, declared);
  std::vector<int32_t> ins = {in, b.weight(w, -0.5f, 0.5f)};
  if (bias)
    ins.push_back(b.weight({w[1] * group}));
  attrs.push_back(integer("group", group));
  Dims outShape = {-1, w[1] * group};
  outShape.resize(x.size(), -1); // spatial dims: inferred
  b.node("conv_transpose", ins, outShape, attrs);
  checkOnCpu(b, {2});
  auto kernels = kernelsOnCpu(b);
  ASSERT_TRUE(kernels.count(0));
  if (onOneDnn)
    EXPECT_EQ(kernels[0].rfind("onednn:", 0), 0u) << kernels[0];
}

TEST(CpuOps, ConvTranspose1DAnd3D) {
  convTransposeCase({1, 8, 9}, {8, 4, 3}, 1, {ints("strides", {2}), ints("pads", {1, 1}), ints("output_padding", {1})});
  convTransposeCase({1, 8, 9}, {8, 3, 4}, 2, {ints("strides", {2}), ints("dilations", {2})}, false);
  convTransposeCase({1, 4, 3, 5, 4}, {4, 6, 2, 3, 3}, 1, {ints("strides", {2, 1, 2}), ints("pads", {0, 1, 1, 0, 1, 1})});
}
TEST(CpuOps, ConvTransposeStride2Pads) {
  convTransposeCase({1, 8, 7, 7}, {8, 4, 3, 3}, 1, {ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1})});
}
TEST(CpuOps, ConvTransposeOutputPaddingNoBias) {
  convTransposeCase({1, 4, 5, 6}, {4, 6, 3, 3}, 1,
                    {ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1}), ints("output_padding", {1, 1})}, false);
}
TEST(CpuOps, ConvTransposeOutputPaddingPastTheEndPads) {
  // oneDNN's right padding becomes negative (-1): the extra row and column.
  convTransposeCase({1, 4, 5, 5}, {4, 2, 3, 3}, 1, {ints("strides", {2, 2}), ints("output_padding", {1, 1})});
}
TEST(CpuOps, ConvTransposeGroupedDilated) {
  convTransposeCase({1, 8, 6, 6}, {8, 3, 3, 3}, 2, {ints("dilations", {2, 2})});
}
TEST(CpuOps, ConvTransposeSameUpperAndOutputShape) {
  convTransposeCase({1, 3, 5, 5}, {3, 4, 3, 3}, 1, {ints("strides", {2, 2}), str("auto_pad", "SAME_UPPER")});
  convTransposeCase({1, 3, 5, 5}, {3, 4, 3, 3}, 1, {ints("strides", {2, 2}), ints("output_shape", {10, 10})});
}

TEST(CpuOps, PReluSlopeShapes) {
  // After a convolution (its layout kept), per channel as PyTorch exports it.
  {
    GraphBuilder b;
    int32_t x = b.input({2, 16, 9, 9}, {-1, 16, 9, 9}, -2.f, 2.f);
    int32_t c = b.node("conv", {x, b.weight({16, 16, 3, 3}, -.3f, .3f), b.weight({16})}, {-1, 16, 9, 9},
                       {ints("pads", {1, 1, 1, 1})});
    b.node("prelu", {c, b.weight({16, 1, 1}, 0.05f, 0.3f)}, {-1, 16, 9, 9});
    checkOnCpu(b, {3});
    auto kernels = kernelsOnCpu(b);
    ASSERT_TRUE(kernels.count(1));
    EXPECT_EQ(kernels[1].rfind("onednn:", 0), 0u) << kernels[1];
  }
  for (Dims slope : {Dims{1}, Dims{3, 4, 5}, Dims{5}}) { // scalar, full, last axis
    GraphBuilder b;
    int32_t x = b.input({2, 3, 4, 5}, {-1, 3, 4, 5}, -2.f, 2.f);
    b.node("prelu", {x, b.weight(slope, 0.05f, 0.3f)}, {-1, 3, 4, 5});
    checkOnCpu(b, {1});
  }
  { // a run-time slope
    GraphBuilder b;
    int32_t x = b.input({2, 6}, {-1, 6}, -2.f, 2.f);
    int32_t sl = b.input({6}, {6}, 0.f, 0.5f);
    b.node("prelu", {x, sl}, {-1, 6});
    checkOnCpu(b);
  }
}

/// resize with scales [1, 1, sh, sw] to [N, C, oh, ow]; `onOneDnn`: the node
/// must run as oneDNN's resampling.
void resizeCase(Dims x, double sh, double sw, Dims outHW, std::vector<Attr> attrs, bool onOneDnn) {
  GraphBuilder b;
  Dims declared = x;
  declared[0] = -1;
  int32_t in = b.input(x, declared);
  Attr scales;
  scales.name = "scales";
  scales.kind = Attr::Floats;
  scales.floats = {1, 1, sh, sw};
  attrs.push_back(scales);
  b.node("resize", {in}, {-1, x[1], outHW[0], outHW[1]}, attrs);
  SCOPED_TRACE(attrs[0].s + " " + std::to_string(sh) + " x " + std::to_string(sw));
  gStrict = onOneDnn; // else the plugin's reference kernel must be allowed to run it
  checkOnCpu(b, {2});
  auto kernels = kernelsOnCpu(b);
  gStrict = true;
  ASSERT_TRUE(kernels.count(0));
  EXPECT_EQ(kernels[0].rfind("onednn:", 0) == 0, onOneDnn) << kernels[0];
}

TEST(CpuOps, ResizeOnResamplingWhereItMatches) {
  // PyTorch's nearest upsampling (asymmetric, floor) and half-pixel nearest at whole factors.
  resizeCase({1, 16, 7, 5}, 2, 3, {14, 15}, {str("mode", "nearest"), str("coordinate_transformation_mode", "asymmetric"),
                                             str("nearest_mode", "floor")}, true);
  resizeCase({1, 3, 4, 4}, 2, 2, {8, 8}, {str("mode", "nearest")}, true);
  // Bilinear, half pixel, up and down and by fractions.
  resizeCase({1, 5, 6, 8}, 1.5, 0.5, {9, 4}, {str("mode", "linear")}, true);
  resizeCase({1, 5, 6, 8}, 2, 2, {12, 16}, {str("mode", "linear"), str("coordinate_transformation_mode", "pytorch_half_pixel")},
             true);
  // What oneDNN does not compute the ONNX way runs the reference kernel.
  resizeCase({1, 3, 6, 6}, 1.5, 1.5, {9, 9}, {str("mode", "nearest")}, false);
  resizeCase({1, 3, 6, 6}, 2, 2, {12, 12}, {str("mode", "linear"), str("coordinate_transformation_mode", "align_corners")},
             false);
  resizeCase({1, 3, 6, 6}, 2, 2, {12, 12}, {str("mode", "cubic")}, false);
}

TEST(CpuOps, ConvBasic) { convCase({1, 3, 12, 12}, {8, 3, 3, 3}, {ints("pads", {1, 1, 1, 1})}); }
TEST(CpuOps, ConvNoBias) { convCase({2, 4, 9, 9}, {6, 4, 3, 3}, {}, false); }
TEST(CpuOps, ConvStridedDilatedAsymmetricPads) {
  convCase({1, 3, 15, 13}, {5, 3, 3, 2},
           {ints("strides", {2, 1}), ints("dilations", {2, 3}), ints("pads", {0, 2, 1, 1})});
}
TEST(CpuOps, ConvGroups) { convCase({1, 8, 10, 10}, {6, 4, 3, 3}, {integer("group", 2), ints("pads", {1, 1, 1, 1})}); }
TEST(CpuOps, ConvDepthwise) {
  convCase({2, 16, 14, 14}, {16, 1, 3, 3}, {integer("group", 16), ints("pads", {1, 1, 1, 1}), ints("strides", {2, 2})});
}
TEST(CpuOps, ConvAutoPadSameUpper) {
  convCase({1, 3, 11, 10}, {4, 3, 4, 3}, {str("auto_pad", "SAME_UPPER"), ints("strides", {2, 2})});
}
TEST(CpuOps, ConvAutoPadSameLower) {
  convCase({1, 3, 11, 10}, {4, 3, 4, 3}, {str("auto_pad", "SAME_LOWER"), ints("strides", {2, 3})});
}
TEST(CpuOps, ConvAutoPadValid) { convCase({1, 3, 11, 10}, {4, 3, 3, 3}, {str("auto_pad", "VALID")}); }
TEST(CpuOps, Conv1x1) { convCase({2, 32, 7, 7}, {64, 32, 1, 1}, {}); }
TEST(CpuOps, ConvFusedRelu) { convCase({1, 3, 12, 12}, {8, 3, 3, 3}, {ints("pads", {1, 1, 1, 1})}, true, "relu"); }
TEST(CpuOps, ConvFusedClip) {
  convCase({1, 3, 12, 12}, {8, 3, 3, 3}, {}, true, "clip", {real("min", 0.0), real("max", 0.3)});
}
TEST(CpuOps, ConvFusedHardSwish) { convCase({1, 3, 12, 12}, {8, 3, 3, 3}, {}, true, "hard_swish"); }

TEST(CpuOps, ConvOutputAlsoReadElsewhereIsNotFused) {
  // conv -> relu and conv -> add(conv, relu): the conv result must survive.
  GraphBuilder b;
  int32_t x = b.input({1, 3, 8, 8});
  int32_t c = b.node("conv", {x, b.weight({4, 3, 3, 3}), b.weight({4})}, {1, 4, 6, 6});
  int32_t r = b.node("relu", {c}, {1, 4, 6, 6});
  b.node("add", {c, r}, {1, 4, 6, 6});
  checkOnCpu(b);
}

// residual adds: the sum post-op in place ---------------------------------------------

/// Runs `b` (every node on cpu) against the reference plugin (checkOnCpu),
/// then once more on the cpu plugin alone: the inputs must come back
/// unchanged. Returns the layout conversions per run (ABI 1.3 stats), which
/// count the residual copies of sum post-ops.
uint64_t layoutReordersOnCpu(GraphBuilder &b) {
  checkOnCpu(b);
  std::string dir = tempDir(), path = dir + "/sum.kiln", error;
  Metadata meta;
  meta.kilnVersion = "0.1.0";
  EXPECT_TRUE(writeArtifact(path, meta, b.g, error)) << error;
  kiln::Runtime rt(runtimeOptions());
  auto m = rt.load(path, error);
  EXPECT_TRUE(m) << error;
  if (!m)
    return 0;
  std::map<std::string, kiln::Tensor> in, copy;
  uint32_t seed = 5;
  for (auto &ri : b.runInputs) {
    in[ri.name] = randomTensor(ri.shape, seed);
    copy[ri.name] = randomTensor(ri.shape, seed++);
  }
  kiln::Session s(*m);
  std::vector<kiln::Tensor> out;
  for (int run = 0; run < 2; ++run) // the second run reuses the plan and its arena
    EXPECT_TRUE(s.run(in, out, error)) << error;
  for (auto &[name, t] : in)
    EXPECT_EQ(std::memcmp(t.data(), copy[name].data(), t.byteSize()), 0) << "input " << name << " was written";
  auto report = m->memoryReport();
  std::system(("rm -rf " + dir).c_str());
  return report.empty() ? 0 : report[0].layoutReorders;
}

Attr activation(const std::string &a) { return str("activation", a); }

/// x -> a = conv(x) -> c = conv(a) -> y = relu(conv(c) + a) [-> pool(a)] -> conv(y):
/// a residual block; with `readLater` the residual is read once more after
/// the block (by a pooling whose result is a second output).
GraphBuilder residualBlock(bool readLater) {
  GraphBuilder b;
  Dims s = {1, 16, 12, 12};
  std::vector<Attr> pad = {ints("pads", {1, 1, 1, 1})};
  int32_t x = b.input(s);
  int32_t a = b.node("conv", {x, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16})}, s, pad);
  int32_t c = b.node("conv", {a, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16})}, s, pad);
  std::vector<Attr> fused = pad;
  fused.push_back(activation("relu"));
  int32_t y = b.node("fused_conv", {c, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16}), a}, s, fused);
  if (readLater)
    b.output(b.node("global_average_pool", {a}, {1, 16, 1, 1}));
  b.output(b.node("conv", {y, b.weight({8, 16, 3, 3}, -.2f, .2f)}, {1, 8, 12, 12}, pad));
  return b;
}

TEST(CpuSumInPlace, DeadResidualIsAccumulatedInPlace) {
  // The residual's last reader is the sum: no copy of it. Read again later,
  // it must survive, so the copy stays: exactly one conversion more.
  GraphBuilder inPlace = residualBlock(false), kept = residualBlock(true);
  uint64_t without = layoutReordersOnCpu(inPlace), with = layoutReordersOnCpu(kept);
  EXPECT_EQ(with, without + 1);
}

TEST(CpuSumInPlace, ChainedBlocksShareOneBuffer) {
  // resnet's shape: each block's result is the next block's residual.
  GraphBuilder b;
  Dims s = {2, 16, 10, 10};
  std::vector<Attr> pad = {ints("pads", {1, 1, 1, 1})}, fused = pad;
  fused.push_back(activation("relu"));
  int32_t x = b.input(s, {-1, 16, 10, 10});
  int32_t r = b.node("conv", {x, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16})}, s, pad);
  for (int block = 0; block < 3; ++block) {
    int32_t c = b.node("conv", {r, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16})}, s, pad);
    r = b.node("fused_conv", {c, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16}), r}, s, fused);
  }
  b.output(b.node("global_average_pool", {r}, {-1, 16, 1, 1}));
  checkOnCpu(b, {1, 3});
  EXPECT_LE(layoutReordersOnCpu(b), 1u); // at most the input's conversion
}

TEST(CpuSumInPlace, ResidualThatIsAlsoTheSourceIsCopied) {
  // relu(conv(a) + a): the convolution reads `a` while it writes, so its
  // result cannot take a's buffer even though nothing reads `a` afterwards.
  GraphBuilder b;
  Dims s = {1, 16, 9, 9};
  std::vector<Attr> fused = {ints("pads", {1, 1, 1, 1}), activation("relu")};
  int32_t x = b.input(s);
  int32_t a = b.node("conv", {x, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16})}, s, {ints("pads", {1, 1, 1, 1})});
  int32_t y = b.node("fused_conv", {a, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16}), a}, s, fused);
  b.output(b.node("conv", {y, b.weight({8, 16, 1, 1})}, {1, 8, 9, 9}));
  EXPECT_GE(layoutReordersOnCpu(b), 2u); // the input's conversion and the residual's copy
}

TEST(CpuSumInPlace, PartitionInputResidualIsNeverWritten) {
  // The residual is the caller's input buffer: the sum must not touch it
  // (layoutReordersOnCpu checks the input afterwards).
  GraphBuilder b;
  Dims s = {1, 16, 8, 8};
  int32_t x = b.input(s);
  int32_t a = b.node("conv", {x, b.weight({16, 16, 3, 3}, -.2f, .2f), b.weight({16})}, s, {ints("pads", {1, 1, 1, 1})});
  int32_t y = b.node("fused_conv", {a, b.weight({16, 16, 1, 1}), b.weight({16}), x}, s, {activation("none")});
  b.output(b.node("global_average_pool", {y}, {1, 16, 1, 1}));
  layoutReordersOnCpu(b);
}

// 1x1 conv + 3x3 depthwise conv in one primitive ----------------------------------------

/// The kernels the cpu plugin ran per graph node (one run, profiled).
std::map<int32_t, std::string> kernelsOnCpu(GraphBuilder &b, uint64_t *intermediates) {
  std::map<int32_t, std::string> kernels;
  std::string dir = tempDir(), path = dir + "/dw.kiln", error;
  Metadata meta;
  meta.kilnVersion = "0.1.0";
  EXPECT_TRUE(writeArtifact(path, meta, b.g, error)) << error;
  kiln::Runtime rt(runtimeOptions());
  auto m = rt.load(path, error);
  EXPECT_TRUE(m) << error;
  if (m) {
    std::map<std::string, kiln::Tensor> in;
    for (auto &ri : b.runInputs)
      in[ri.name] = randomTensor(ri.shape, 9);
    kiln::Session s(*m);
    std::vector<kiln::Tensor> out;
    m->setProfiling(true);
    EXPECT_TRUE(s.run(in, out, error)) << error;
    for (const auto &e : m->profile())
      if (e.node >= 0)
        kernels[e.node] = e.kernel;
    auto report = m->memoryReport();
    if (intermediates && !report.empty())
      *intermediates = report[0].intermediates;
  }
  std::system(("rm -rf " + dir).c_str());
  return kernels;
}

/// mobilenet_v2's inverted residual block: expand (1x1, relu6), depthwise
/// (3x3, padding 1, `stride`, relu6), project (1x1); with `alsoRead` the
/// expanded value has a second reader.
GraphBuilder invertedResidual(int64_t stride, int64_t hw, bool alsoRead = false) {
  GraphBuilder b;
  int64_t c = 16, e = 96, o = (hw + 2 - 3) / stride + 1;
  std::vector<Attr> relu6 = {activation("clip"), real("alpha", 0.0), real("beta", 6.0)};
  int32_t x = b.input({2, c, hw, hw}, {-1, c, hw, hw}, -2.f, 2.f);
  int32_t ex = b.node("fused_conv", {x, b.weight({e, c, 1, 1}, -.5f, .5f), b.weight({e})}, {-1, e, hw, hw}, relu6);
  std::vector<Attr> dw = relu6;
  dw.push_back(integer("group", e));
  dw.push_back(ints("pads", {1, 1, 1, 1}));
  dw.push_back(ints("strides", {stride, stride}));
  int32_t d = b.node("fused_conv", {ex, b.weight({e, 1, 3, 3}, -.5f, .5f), b.weight({e})}, {-1, e, o, o}, dw);
  int32_t p = b.node("conv", {d, b.weight({c, e, 1, 1}, -.3f, .3f), b.weight({c})}, {-1, c, o, o});
  b.output(b.node("global_average_pool", {p}, {-1, c, 1, 1}));
  if (alsoRead)
    b.output(b.node("global_max_pool", {ex}, {-1, e, 1, 1}));
  return b;
}

TEST(CpuDwFusion, ExpandAndDepthwiseRunAsOnePrimitive) {
  // (oneDNN 2.6 fuses from about 56x56 up; below it declines: next test.)
  for (int64_t stride : {1, 2})
    for (int64_t hw : {56}) {
      SCOPED_TRACE("stride " + std::to_string(stride) + ", " + std::to_string(hw) + "x" + std::to_string(hw));
      GraphBuilder b = invertedResidual(stride, hw);
      checkOnCpu(b, {1, 3}); // against the reference plugin, three batch sizes
      auto kernels = kernelsOnCpu(b);
      // The expand node's step computes the depthwise result; the
      // depthwise node runs no step of its own.
      ASSERT_TRUE(kernels.count(0));
      EXPECT_NE(kernels[0].find("+dw"), std::string::npos) << kernels[0];
      EXPECT_FALSE(kernels.count(1)) << kernels[1];
      EXPECT_TRUE(kernels.count(2));
    }
}

TEST(CpuDwFusion, WithoutAFusedKernelBothRunAlone) {
  // Small maps: oneDNN offers only its reference composition, which the
  // plugin declines; the two nodes run as two primitives.
  for (int64_t stride : {1, 2}) {
    GraphBuilder b = invertedResidual(stride, 9);
    checkOnCpu(b, {3});
    EXPECT_TRUE(kernelsOnCpu(b).count(1));
  }
}

TEST(CpuDwFusion, ExpandedValueReadElsewhereIsNotFused) {
  GraphBuilder b = invertedResidual(1, 56, true);
  checkOnCpu(b);
  auto kernels = kernelsOnCpu(b);
  ASSERT_TRUE(kernels.count(0) && kernels.count(1));
  EXPECT_EQ(kernels[0].find("+dw"), std::string::npos) << kernels[0];
}

TEST(CpuDwFusion, OffSwitch) {
  ::setenv("KILN_CPU_DW_FUSION", "0", 1);
  GraphBuilder b = invertedResidual(2, 56);
  checkOnCpu(b);
  auto kernels = kernelsOnCpu(b);
  ::unsetenv("KILN_CPU_DW_FUSION");
  EXPECT_TRUE(kernels.count(1)); // the depthwise node ran on its own
}

// convolution layout: oneDNN's choice or nChw16c (tuneLayout) --------------------------

/// squeezenet's fire module: squeeze (1x1), two expands (1x1 and 3x3) of its
/// result, their concat, and a 1x1 convolution of that.
GraphBuilder fireModule(int64_t e = 32) {
  GraphBuilder b;
  int32_t x = b.input({2, 32, 13, 13}, {-1, 32, 13, 13}, -1.f, 1.f);
  std::vector<Attr> relu = {activation("relu")};
  std::vector<Attr> relu3 = {activation("relu"), ints("pads", {1, 1, 1, 1})};
  int32_t sq = b.node("fused_conv", {x, b.weight({16, 32, 1, 1}, -.3f, .3f), b.weight({16})}, {-1, 16, 13, 13}, relu);
  int32_t e1 = b.node("fused_conv", {sq, b.weight({e, 16, 1, 1}, -.3f, .3f), b.weight({e})}, {-1, e, 13, 13}, relu);
  int32_t e3 = b.node("fused_conv", {sq, b.weight({e, 16, 3, 3}, -.2f, .2f), b.weight({e})}, {-1, e, 13, 13}, relu3);
  int32_t cat = b.node("concat", {e1, e3}, {-1, 2 * e, 13, 13}, {integer("axis", 1)});
  int32_t y = b.node("conv", {cat, b.weight({16, 2 * e, 1, 1}, -.2f, .2f), b.weight({16})}, {-1, 16, 13, 13});
  b.output(b.node("global_average_pool", {y}, {-1, 16, 1, 1}));
  return b;
}

TEST(CpuOps, Conv1DAnd3DChainsWithPools) {
  // conv -> pool -> conv (grouped, strided, dilated) in 1-D and 3-D, each layout
  // (strict: all on oneDNN, the value between them in its blocked layout).
  for (const char *mode : {"auto", "blocked", "any"}) {
    SCOPED_TRACE(mode);
    ::setenv("KILN_CPU_CONV_LAYOUT", mode, 1);
    {
      GraphBuilder b;
      int32_t x = b.input({2, 8, 50}, {-1, 8, 50});
      int32_t c1 = b.node("fused_conv", {x, b.weight({32, 8, 5}, -.3f, .3f), b.weight({32})}, {-1, 32, 50},
                          {activation("relu"), ints("pads", {2, 2})});
      int32_t p = b.node("max_pool", {c1}, {-1, 32, 25}, {ints("kernel_shape", {2}), ints("strides", {2})});
      int32_t c2 = b.node("conv", {p, b.weight({32, 8, 3}, -.3f, .3f), b.weight({32})}, {-1, 32, 11},
                          {integer("group", 4), ints("strides", {2}), ints("dilations", {2})});
      b.output(b.node("average_pool", {c2}, {-1, 32, 5}, {ints("kernel_shape", {3}), ints("strides", {2})}));
      checkOnCpu(b, {3});
      auto k = kernelsOnCpu(b);
      for (int node : {0, 1, 2, 3})
        EXPECT_EQ(k[node].rfind("onednn:", 0), 0u) << node << ": " << k[node];
    }
    {
      GraphBuilder b;
      int32_t x = b.input({1, 4, 6, 10, 10}, {-1, 4, 6, 10, 10});
      int32_t c1 = b.node("conv", {x, b.weight({16, 4, 3, 3, 3}, -.3f, .3f), b.weight({16})}, {-1, 16, 6, 10, 10},
                          {ints("pads", {1, 1, 1, 1, 1, 1})});
      int32_t p = b.node("max_pool", {c1}, {-1, 16, 3, 5, 5},
                         {ints("kernel_shape", {2, 2, 2}), ints("strides", {2, 2, 2})});
      b.output(b.node("conv", {p, b.weight({8, 16, 1, 1, 1}, -.3f, .3f)}, {-1, 8, 3, 5, 5}));
      checkOnCpu(b, {2});
      auto k = kernelsOnCpu(b);
      for (int node : {0, 1, 2})
        EXPECT_EQ(k[node].rfind("onednn:", 0), 0u) << node << ": " << k[node];
    }
  }
  ::unsetenv("KILN_CPU_CONV_LAYOUT");
}

TEST(CpuLayout, EitherLayoutAndTheTimedChoiceMatchTheReference) {
  for (const char *mode : {"any", "blocked", "auto"}) {
    SCOPED_TRACE(mode);
    ::setenv("KILN_CPU_CONV_LAYOUT", mode, 1);
    GraphBuilder b = fireModule();
    checkOnCpu(b, {1, 4});
  }
  ::unsetenv("KILN_CPU_CONV_LAYOUT");
}

TEST(CpuLayout, ConcatOfWholeChannelBlocksIsContiguousCopies) {
  ::setenv("KILN_CPU_CONV_LAYOUT", "blocked", 1);
  for (int64_t e : {32, 24}) { // whole nChw16c blocks, or not (oneDNN's concat)
    SCOPED_TRACE(e);
    GraphBuilder b = fireModule(e);
    checkOnCpu(b, {1, 3});
    auto kernels = kernelsOnCpu(b);
    ASSERT_TRUE(kernels.count(3));
    EXPECT_EQ(kernels[3] == "own:concat_channel_blocks", e % 16 == 0) << kernels[3];
  }
  ::unsetenv("KILN_CPU_CONV_LAYOUT");
}

/// A fire module whose concat takes `order` of: 1 the 1x1 expand, 3 the 3x3
/// expand, 4 a second 3x3 expand; `alsoRead`: the first 3x3 expand is a
/// graph output too.
GraphBuilder fireConcat(std::vector<int> order, bool alsoRead = false) {
  GraphBuilder b;
  int32_t x = b.input({2, 16, 9, 10}, {-1, 16, 9, 10}, -1.f, 1.f);
  std::vector<Attr> relu = {activation("relu")};
  std::vector<Attr> relu3 = {activation("relu"), ints("pads", {1, 1, 1, 1})};
  int32_t e1 = b.node("fused_conv", {x, b.weight({16, 16, 1, 1}, -.3f, .3f), b.weight({16})}, {-1, 16, 9, 10}, relu);
  int32_t e3 = b.node("fused_conv", {x, b.weight({32, 16, 3, 3}, -.2f, .2f), b.weight({32})}, {-1, 32, 9, 10}, relu3);
  int32_t e4 = b.node("conv", {x, b.weight({16, 16, 3, 3}, -.2f, .2f)}, {-1, 16, 9, 10}, {ints("pads", {1, 1, 1, 1})});
  std::vector<int32_t> ins;
  int64_t c = 0;
  for (int i : order) {
    ins.push_back(i == 1 ? e1 : i == 3 ? e3 : e4);
    c += i == 3 ? 32 : 16;
  }
  int32_t cat = b.node("concat", ins, {-1, c, 9, 10}, {integer("axis", 1)});
  b.output(b.node("conv", {cat, b.weight({16, c, 1, 1}, -.2f, .2f), b.weight({16})}, {-1, 16, 9, 10}));
  if (alsoRead)
    b.output(e3);
  return b;
}

TEST(CpuLayout, WinogradResultsAreWrittenInsideTheConcat) {
  // The 3x3 expands (on Winograd) write straight into the concat's result,
  // which copies only the 1x1 expand: in nChw16c (whole blocks) and in
  // channels-last (a oneDNN concat turned into per-pixel runs). Against the
  // reference, in every order, with two in-place inputs, and with a 3x3
  // result that is also a graph output (not in place).
  const char *was = std::getenv("KILN_CPU_WINOGRAD");
  std::string wino = was ? was : "";
  ::setenv("KILN_CPU_WINOGRAD", "1", 1);
  for (const char *layout : {"any", "blocked"})
    for (std::vector<int> order : {std::vector<int>{1, 3}, {3, 1}, {3, 1, 4}, {4, 3}})
      for (bool alsoRead : {false, true}) {
        uint64_t buffers[2] = {};
        for (int placed : {0, 1}) {
          SCOPED_TRACE(std::string(layout) + " in place " + std::to_string(placed) + " order " +
                       std::to_string(order[0]) + std::to_string(order[1]) + (alsoRead ? " also read" : ""));
          ::setenv("KILN_CPU_CONV_LAYOUT", layout, 1);
          ::setenv("KILN_CPU_CONCAT_IN_PLACE", placed ? "1" : "0", 1);
          GraphBuilder b = fireConcat(order, alsoRead);
          checkOnCpu(b, {1, 3});
          auto kernels = kernelsOnCpu(b, &buffers[placed]);
          ASSERT_TRUE(kernels.count(1) && kernels.count(3));
          EXPECT_EQ(kernels[1], "own:winograd_f4x4_3x3");
          if (alsoRead)
            continue; // the 3x3 result is plain (an output): only the values are checked
          if (std::string(layout) == "blocked")
            EXPECT_EQ(kernels[3], "own:concat_channel_blocks");
          else if (placed)
            EXPECT_EQ(kernels[3], "own:concat_channels_last");
          else
            EXPECT_EQ(kernels[3].rfind("onednn:", 0), 0u) << kernels[3];
        }
        // the 3x3 expands written inside the concat's result have no buffer of their own
        uint64_t threes = 0;
        for (int i : order)
          threes += i != 1;
        if (!alsoRead)
          EXPECT_EQ(buffers[1] + threes, buffers[0]) << layout;
      }
  if (was)
    ::setenv("KILN_CPU_WINOGRAD", wino.c_str(), 1);
  else
    ::unsetenv("KILN_CPU_WINOGRAD");
  ::unsetenv("KILN_CPU_CONV_LAYOUT");
  ::unsetenv("KILN_CPU_CONCAT_IN_PLACE");
}

// batch split (BatchSplit.inc) ----------------------------------------------------------

/// Runs `b` on `threads` threads at batch 4 and `batches` (1 and 3) with KILN_CPU_BATCH_SPLIT=`mode`
/// against the reference plugin; returns the batch slices of each run.
std::vector<uint64_t> splitRuns(GraphBuilder &b, const char *mode, int threads = 2,
                                std::vector<int64_t> batches = {1, 3}) {
  ::setenv("KILN_CPU_BATCH_SPLIT", mode, 1);
  gThreads = threads;
  std::vector<uint64_t> slices;
  checkOnCpu(b, batches, &slices);
  gThreads = 0;
  ::unsetenv("KILN_CPU_BATCH_SPLIT");
  return slices;
}

/// The small CNN of the example model: conv, relu, pool, conv, pool, flatten,
/// two linear layers (9 MFLOP at batch 4: above the plugin's one-thread size).
GraphBuilder smallCnn() {
  GraphBuilder b;
  int32_t x = b.input({4, 1, 28, 28}, {-1, 1, 28, 28});
  std::vector<Attr> relu = {activation("relu"), ints("pads", {1, 1, 1, 1})};
  std::vector<Attr> pool = {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})};
  int32_t c1 = b.node("fused_conv", {x, b.weight({16, 1, 3, 3}, -.5f, .5f), b.weight({16})}, {-1, 16, 28, 28}, relu);
  int32_t p1 = b.node("max_pool", {c1}, {-1, 16, 14, 14}, pool);
  int32_t c2 = b.node("fused_conv", {p1, b.weight({32, 16, 3, 3}, -.2f, .2f), b.weight({32})}, {-1, 32, 14, 14}, relu);
  int32_t p2 = b.node("max_pool", {c2}, {-1, 32, 7, 7}, pool);
  int32_t f = b.node("flatten", {p2}, {-1, 1568}, {integer("axis", 1)});
  int32_t h = b.node("gemm", {f, b.weight({64, 1568}, -.05f, .05f), b.weight({64})}, {-1, 64}, {integer("transB", 1)});
  int32_t r = b.node("relu", {h}, {-1, 64});
  b.output(b.node("gemm", {r, b.weight({10, 64}, -.3f, .3f), b.weight({10})}, {-1, 10}, {integer("transB", 1)}));
  return b;
}

TEST(CpuBatchSplit, SmallCnnSplitsAcrossTwoThreadsAndMatchesTheReference) {
  GraphBuilder b = smallCnn();
  // Batch 4 and 3 on two threads: 4 splits into 2 x 2 images; 1 and 3 do not
  // split evenly and run whole.
  EXPECT_EQ(splitRuns(b, "1"), (std::vector<uint64_t>{2, 0, 0}));
  // The timed choice is either, and exact either way.
  GraphBuilder c = smallCnn();
  for (uint64_t n : splitRuns(c, "auto"))
    EXPECT_TRUE(n == 0 || n == 2) << n;
  GraphBuilder d = smallCnn();
  EXPECT_EQ(splitRuns(d, "0"), (std::vector<uint64_t>{0, 0, 0}));
}

/// Two sessions of one model run the same split plan at once (the second
/// gets its own arenas): each gets what the reference plugin computes.
/// `mode`: KILN_CPU_BATCH_SPLIT (1: 2 x 2 images; images: 2 slices, each
/// image by image).
void concurrentSplitSessions(const char *mode) {
  GraphBuilder b = smallCnn();
  allOnCpu(b.g);
  std::string dir = tempDir(), path = dir + "/split.kiln", error;
  Metadata meta;
  meta.kilnVersion = "0.1.0";
  ASSERT_TRUE(writeArtifact(path, meta, b.g, error)) << error;
  ::setenv("KILN_CPU_BATCH_SPLIT", mode, 1);
  gThreads = 2;
  kiln::Runtime rt(runtimeOptions());
  auto cpu = rt.load(path, error);
  ASSERT_TRUE(cpu) << error;
  auto ref = loadOnReference(rt, path, error);
  ASSERT_TRUE(ref) << error;
  std::vector<std::map<std::string, kiln::Tensor>> ins(2);
  std::vector<std::vector<kiln::Tensor>> want(2);
  for (int k = 0; k < 2; ++k) {
    ins[size_t(k)]["in0"] = randomTensor({4, 1, 28, 28}, 40 + uint32_t(k));
    kiln::Session s(*ref);
    ASSERT_TRUE(s.run(ins[size_t(k)], want[size_t(k)], error)) << error;
  }
  { // the first run makes the split plan
    kiln::Session s(*cpu);
    std::vector<kiln::Tensor> out;
    ASSERT_TRUE(s.run(ins[0], out, error)) << error;
    ASSERT_EQ(cpu->memoryReport()[0].batchSlices, 2u);
  }
  std::vector<std::string> errors(2);
  std::vector<double> worst(2, 0.0);
  auto work = [&](int k) {
    kiln::Session s(*cpu);
    std::string err;
    for (int i = 0; i < 30; ++i) {
      std::vector<kiln::Tensor> out;
      if (!s.run(ins[size_t(k)], out, err)) {
        errors[size_t(k)] = err;
        return;
      }
      const float *a = static_cast<const float *>(out[0].data()),
                  *e = static_cast<const float *>(want[size_t(k)][0].data());
      for (int64_t j = 0; j < out[0].numElements(); ++j)
        worst[size_t(k)] = std::max(worst[size_t(k)], double(std::fabs(a[j] - e[j])));
    }
  };
  std::thread t0(work, 0), t1(work, 1);
  t0.join();
  t1.join();
  for (int k = 0; k < 2; ++k) {
    EXPECT_TRUE(errors[size_t(k)].empty()) << errors[size_t(k)];
    EXPECT_LT(worst[size_t(k)], 1e-4) << "session " << k;
  }
  gThreads = 0;
  ::unsetenv("KILN_CPU_BATCH_SPLIT");
  std::system(("rm -rf " + dir).c_str());
}

TEST(CpuBatchSplit, ConcurrentSessionsShareASplitPlan) {
  {
    SCOPED_TRACE("2 x 2 images");
    concurrentSplitSessions("1");
  }
  SCOPED_TRACE("image by image");
  concurrentSplitSessions("images");
}

/// layer norm, projections, attention over [batch, seq, features] with a
/// per-image mask, softmax along the features, a residual add. (The
/// attention runs on the plugin's portable kernel: not strict.)
GraphBuilder encoderLayer(int64_t seq = 64) {
  GraphBuilder b;
  int32_t x = b.input({4, seq, 64}, {-1, seq, 64});
  int32_t mask = b.input({4, 1, 1, seq}, {-1, 1, 1, seq}, -1.f, 0.f);
  Dims act = {-1, seq, 64};
  int32_t ln = b.node("layer_norm", {x, b.weight({64}), b.weight({64})}, act, {integer("axis", -1)});
  int32_t q = b.node("matmul", {ln, b.weight({64, 64}, -.2f, .2f)}, act);
  int32_t k = b.node("matmul", {ln, b.weight({64, 64}, -.2f, .2f)}, act);
  int32_t v = b.node("matmul", {ln, b.weight({64, 64}, -.2f, .2f)}, act);
  int32_t a = b.node("attention", {q, k, v, mask}, act, {integer("num_heads", 4), real("scale", 0.25)});
  int32_t s = b.node("softmax", {a}, act, {integer("axis", -1)});
  b.output(b.node("add", {s, x}, act));
  return b;
}

TEST(CpuBatchSplit, EncoderLayerSplits) {
  gStrict = false;
  GraphBuilder b = encoderLayer();
  EXPECT_EQ(splitRuns(b, "1"), (std::vector<uint64_t>{2, 0, 0}));
  // As many images as threads: one each (batch 4 on 2 threads, then 2;
  // sequence 128: above the plugin's one-thread size at batch 2).
  GraphBuilder c = encoderLayer(128);
  EXPECT_EQ(splitRuns(c, "1", 2, {2}), (std::vector<uint64_t>{2, 2}));
  // KILN_CPU_BATCH_SPLIT=1 forces the T-way split only: one thread stays whole.
  GraphBuilder d = encoderLayer();
  EXPECT_EQ(splitRuns(d, "1", 1), (std::vector<uint64_t>{0, 0, 0}));
  gStrict = true;
}

TEST(CpuBatchSplit, ImageByImageMatchesTheReference) {
  // KILN_CPU_BATCH_SPLIT=images: each slice runs its share of the batch one
  // image at a time. One thread: one slice at batch 4 and 3 (not 1); two
  // threads: two slices at batch 4 (3 does not split evenly).
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    std::vector<uint64_t> want = threads == 1 ? std::vector<uint64_t>{1, 0, 1} : std::vector<uint64_t>{2, 0, 0};
    GraphBuilder b = smallCnn();
    EXPECT_EQ(splitRuns(b, "images", threads), want);
    gStrict = false;
    GraphBuilder e = encoderLayer();
    EXPECT_EQ(splitRuns(e, "images", threads), want);
    gStrict = true;
  }
  // A fire module whose 3x3 expand (Winograd) writes inside the concat:
  // batch 2, 1, 3 on one thread.
  const char *was = std::getenv("KILN_CPU_WINOGRAD");
  std::string wino = was ? was : "";
  ::setenv("KILN_CPU_WINOGRAD", "1", 1);
  for (const char *layout : {"any", "blocked"}) {
    SCOPED_TRACE(layout);
    ::setenv("KILN_CPU_CONV_LAYOUT", layout, 1);
    GraphBuilder f = fireConcat({1, 3});
    EXPECT_EQ(splitRuns(f, "images", 1), (std::vector<uint64_t>{1, 0, 1}));
  }
  ::unsetenv("KILN_CPU_CONV_LAYOUT");
  if (was)
    ::setenv("KILN_CPU_WINOGRAD", wino.c_str(), 1);
  else
    ::unsetenv("KILN_CPU_WINOGRAD");
}

TEST(CpuBatchSplit, OpsThatWorkAlongTheBatchRunWhole) {
  // A projection (17 MFLOP at batch 4: enough work to split), then an op
  // that mixes the images (dim 0): forcing the split must not split these,
  // and they must still match the reference. The same op along another axis
  // splits (the control).
  auto oneOp = [](const std::string &op, Dims out, std::vector<Attr> attrs, bool axisOperand = false) {
    GraphBuilder b;
    int32_t x = b.input({4, 128, 128}, {-1, 128, 128});
    int32_t y = b.node("matmul", {x, b.weight({128, 128}, -.1f, .1f)}, {-1, 128, 128});
    std::vector<int32_t> in = {y};
    if (axisOperand)
      in.push_back(b.constant({}, 7, std::vector<uint8_t>(8, 0))); // axis 0
    b.output(b.node(op, in, out, attrs));
    return b;
  };
  struct Case {
    std::string op;
    Dims out;
    std::vector<Attr> attrs;
    bool axisOperand = false;
  };
  std::vector<Case> cases = {
      {"softmax", {-1, 128, 128}, {integer("axis", 0)}},
      {"log_softmax", {-1, 128, 128}, {integer("axis", -3)}},
      {"reduce_mean", {1, 128, 128}, {ints("axes", {0}), integer("keepdims", 1)}},
      {"reduce_sum", {128, 128}, {ints("axes", {0}), integer("keepdims", 0)}},
      {"transpose", {128, -1, 128}, {ints("perm", {1, 0, 2})}},
      {"cum_sum", {-1, 128, 128}, {}, true},
  };
  for (Case &c : cases) {
    SCOPED_TRACE(c.op);
    GraphBuilder b = oneOp(c.op, c.out, c.attrs, c.axisOperand);
    for (uint64_t n : splitRuns(b, "1"))
      EXPECT_EQ(n, 0u);
  }
  { // a concat along dim 0 (twice the images: dim 0 still splits evenly)
    GraphBuilder b;
    int32_t x = b.input({4, 128, 128}, {-1, 128, 128});
    int32_t y = b.node("matmul", {x, b.weight({128, 128}, -.1f, .1f)}, {-1, 128, 128});
    b.output(b.node("concat", {x, y}, {-1, 128, 128}, {integer("axis", 0)}));
    for (uint64_t n : splitRuns(b, "1"))
      EXPECT_EQ(n, 0u);
  }
  { // a dependent operand of lower rank broadcasts its dim 0 along another
    // dim (batch 2 on 2 threads: y's 2 values line up with X's last dim)
    GraphBuilder b;
    int32_t x = b.input({2, 1024, 1024}, {-1, 1024, 1024});
    int32_t X = b.node("matmul", {x, b.weight({1024, 2}, -.1f, .1f)}, {-1, 1024, 2});
    int32_t y = b.node("reduce_mean", {X}, {-1}, {ints("axes", {1, 2}), integer("keepdims", 0)});
    b.output(b.node("add", {X, y}, {-1, 1024, 2}));
    ::setenv("KILN_CPU_BATCH_SPLIT", "1", 1);
    gThreads = 2;
    std::vector<uint64_t> slices;
    checkOnCpu(b, {}, &slices);
    EXPECT_EQ(slices, std::vector<uint64_t>{0});
    gThreads = 0;
    ::unsetenv("KILN_CPU_BATCH_SPLIT");
  }
  { // a slice along dim 1 whose start is computed from the batch size
    GraphBuilder b;
    int32_t x = b.input({4, 128, 128}, {-1, 128, 128});
    int32_t y = b.node("matmul", {x, b.weight({128, 128}, -.1f, .1f)}, {-1, 128, 128});
    int32_t shp = b.i64(b.node("shape", {x}, {3}));
    int32_t n = b.i64(b.node("gather", {shp, b.constantI64({0})}, {1}));
    int32_t nm1 = b.i64(b.node("sub", {n, b.constantI64({1})}, {1}));
    b.output(b.node("slice", {y, nm1, n, b.constantI64({1}), b.constantI64({1})}, {-1, 1, 128}));
    for (uint64_t k : splitRuns(b, "1"))
      EXPECT_EQ(k, 0u);
  }
  { // a pad that shifts the images along dim 0 (crops one, adds one)
    gStrict = false;
    GraphBuilder b;
    int32_t x = b.input({4, 128, 128}, {-1, 128, 128});
    int32_t y = b.node("matmul", {x, b.weight({128, 128}, -.1f, .1f)}, {-1, 128, 128});
    b.output(b.node("pad", {y, b.constantI64({1, 0, 0, -1, 0, 0})}, {-1, 128, 128}));
    for (uint64_t k : splitRuns(b, "1"))
      EXPECT_EQ(k, 0u);
    gStrict = true;
  }
  GraphBuilder control = oneOp("softmax", {-1, 128, 128}, {integer("axis", 1)});
  EXPECT_EQ(splitRuns(control, "1"), (std::vector<uint64_t>{2, 0, 0}));
}

// matrix products -------------------------------------------------------------------

void gemmCase(Dims a, Dims bShape, Dims c, std::vector<Attr> attrs, bool constB = true, bool constC = true) {
  GraphBuilder b;
  int32_t av = b.input(a);
  int32_t bv = constB ? b.weight(bShape) : b.input(bShape);
  std::vector<int32_t> ins = {av, bv};
  if (!c.empty())
    ins.push_back(constC ? b.weight(c) : b.input(c));
  b.node("gemm", ins, {-1, -1}, attrs);
  checkOnCpu(b);
}

TEST(CpuOps, GemmPlain) { gemmCase({4, 16}, {16, 8}, {}, {}); }
TEST(CpuOps, GemmBiasRow) { gemmCase({4, 16}, {8, 16}, {8}, {integer("transB", 1)}); }
TEST(CpuOps, GemmTransposedAlphaBeta) {
  gemmCase({16, 5}, {7, 16}, {5, 7}, {integer("transA", 1), integer("transB", 1), real("alpha", 0.5), real("beta", 2.0)});
}
TEST(CpuOps, GemmScalarC) { gemmCase({3, 6}, {6, 4}, {1}, {real("alpha", 1.5)}); }
TEST(CpuOps, GemmColumnC) { gemmCase({3, 6}, {6, 4}, {3, 1}, {}); }
TEST(CpuOps, GemmRuntimeOperands) { gemmCase({3, 6}, {6, 4}, {3, 4}, {}, false, false); }
TEST(CpuOps, GemmBatchedInput) {
  GraphBuilder b;
  int32_t x = b.input({2, 32}, {-1, 32});
  b.node("gemm", {x, b.weight({10, 32}), b.weight({10})}, {-1, 10}, {integer("transB", 1)});
  checkOnCpu(b, {1, 5});
}

TEST(CpuOps, Linear3D) {
  GraphBuilder b;
  int32_t x = b.input({2, 5, 12}, {-1, 5, 12});
  b.node("linear", {x, b.weight({7, 12}), b.weight({7})}, {-1, 5, 7});
  checkOnCpu(b, {3});
}
TEST(CpuOps, LinearNoBias2D) {
  GraphBuilder b;
  int32_t x = b.input({3, 12});
  b.node("linear", {x, b.weight({9, 12})}, {3, 9});
  checkOnCpu(b);
}

void matmulCase(Dims l, Dims r, Dims out, bool constR) {
  GraphBuilder b;
  int32_t lv = b.input(l);
  int32_t rv = constR ? b.weight(r) : b.input(r);
  b.node("matmul", {lv, rv}, out);
  checkOnCpu(b);
}
TEST(CpuOps, MatMul2DConstant) { matmulCase({5, 8}, {8, 3}, {5, 3}, true); }
TEST(CpuOps, MatMul3DBatched) { matmulCase({2, 5, 8}, {2, 8, 3}, {2, 5, 3}, false); }
TEST(CpuOps, MatMul4DBroadcast) { matmulCase({2, 1, 5, 8}, {1, 3, 8, 4}, {2, 3, 5, 4}, false); }
TEST(CpuOps, MatMulRankBroadcastConstant) { matmulCase({2, 3, 5, 8}, {8, 4}, {2, 3, 5, 4}, true); }
TEST(CpuOps, MatMulVectors) {
  matmulCase({8}, {2, 8, 3}, {2, 3}, false);
  matmulCase({2, 5, 8}, {8}, {2, 5}, true);
}

// pooling ----------------------------------------------------------------------------

void poolCase(const std::string &op, Dims x, std::vector<Attr> attrs) {
  GraphBuilder b;
  Dims declared = x;
  declared[0] = -1;
  int32_t in = b.input(x, declared);
  b.node(op, {in}, {-1, x[1], -1, -1}, attrs);
  checkOnCpu(b, {2});
}

TEST(CpuOps, MaxPool) { poolCase("max_pool", {1, 4, 12, 12}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}); }
TEST(CpuOps, MaxPoolPaddedCeilDilated) {
  poolCase("max_pool", {1, 3, 13, 11},
           {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), ints("pads", {1, 0, 1, 1}),
            integer("ceil_mode", 1)});
  poolCase("max_pool", {1, 3, 13, 11}, {ints("kernel_shape", {2, 3}), ints("dilations", {2, 2})});
  poolCase("max_pool", {1, 3, 13, 11}, {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), str("auto_pad", "SAME_UPPER")});
}
TEST(CpuOps, AveragePoolExcludePad) {
  poolCase("average_pool", {1, 4, 9, 9}, {ints("kernel_shape", {3, 3}), ints("pads", {1, 1, 1, 1})});
}
TEST(CpuOps, AveragePoolIncludePad) {
  poolCase("average_pool", {1, 4, 9, 9},
           {ints("kernel_shape", {3, 3}), ints("pads", {1, 1, 1, 1}), integer("count_include_pad", 1)});
}
TEST(CpuOps, AveragePoolCeilMode) {
  poolCase("average_pool", {1, 4, 10, 10},
           {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1}), integer("ceil_mode", 1)});
  // ceil mode without overhang past the pads: the include-pad divisor agrees.
  poolCase("average_pool", {1, 4, 9, 9},
           {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1}),
            integer("ceil_mode", 1), integer("count_include_pad", 1)});
}
TEST(CpuOps, GlobalPools) {
  for (const char *op : {"global_average_pool", "global_max_pool"}) {
    GraphBuilder b;
    int32_t in = b.input({2, 6, 7, 5}, {-1, 6, 7, 5});
    b.node(op, {in}, {-1, 6, 1, 1});
    checkOnCpu(b, {1});
  }
}

// normalization, activations, binary ---------------------------------------------------

TEST(CpuOps, BatchNorm) {
  for (Dims x : {Dims{2, 6, 5, 4}, Dims{3, 6}}) {
    GraphBuilder b;
    int32_t in = b.input(x);
    int32_t c = int32_t(x[1]);
    b.node("batch_norm", {in, b.weight({c}), b.weight({c}), b.weight({c}), b.weight({c}, 0.5f, 2.f)}, x,
           {real("epsilon", 1e-3)});
    checkOnCpu(b);
  }
}

TEST(CpuOps, Activations) {
  struct Case {
    const char *op;
    std::vector<Attr> attrs;
    float lo, hi;
  };
  std::vector<Case> cases = {
      {"relu", {}, -2, 2},       {"sigmoid", {}, -5, 5},        {"tanh", {}, -3, 3},
      {"elu", {real("alpha", 0.7)}, -3, 3}, {"leaky_relu", {real("alpha", 0.2)}, -2, 2},
      {"leaky_relu", {}, -2, 2}, {"gelu", {}, -3, 3},           {"gelu", {str("approximate", "tanh")}, -3, 3},
      {"hard_swish", {}, -5, 5}, {"clip", {real("min", -0.5), real("max", 0.25)}, -1, 1},
      {"clip", {real("min", 0.0)}, -1, 1}, {"exp", {}, -3, 3}, {"log", {}, 0.05f, 5},
      {"sqrt", {}, 0, 4},        {"abs", {}, -2, 2},            {"silu", {}, -5, 5}};
  for (auto &c : cases) {
    SCOPED_TRACE(c.op);
    GraphBuilder b;
    int32_t in = b.input({2, 3, 7, 5}, {-1, 3, 7, 5}, c.lo, c.hi);
    b.node(c.op, {in}, {-1, 3, 7, 5}, c.attrs);
    checkOnCpu(b, {1});
  }
}

TEST(CpuOps, Binary) {
  for (const char *op : {"add", "sub", "mul", "div", "min", "max"}) {
    SCOPED_TRACE(op);
    bool div = std::string(op) == "div";
    {
      GraphBuilder b; // same shapes, both at run time
      int32_t x = b.input({2, 3, 4, 5}, {-1, 3, 4, 5});
      int32_t y = b.input({2, 3, 4, 5}, {-1, 3, 4, 5}, div ? 0.5f : -1.f, div ? 2.f : 1.f);
      b.node(op, {x, y}, {-1, 3, 4, 5});
      checkOnCpu(b, {1});
    }
    {
      GraphBuilder b; // rhs broadcast, constant (per channel) and lower rank
      int32_t x = b.input({2, 3, 4, 5});
      int32_t y = b.weight({3, 1, 1}, div ? 0.5f : -1.f, div ? 2.f : 1.f);
      b.node(op, {x, y}, {2, 3, 4, 5});
      checkOnCpu(b);
    }
    {
      GraphBuilder b; // scalar rhs
      int32_t x = b.input({4, 6});
      int32_t y = b.weight({}, 0.5f, 2.f);
      b.node(op, {x, y}, {4, 6});
      checkOnCpu(b);
    }
  }
  // lhs broadcast: commutative ops swap their operands.
  for (const char *op : {"add", "mul", "min", "max"}) {
    GraphBuilder b;
    int32_t x = b.input({1, 5});
    int32_t y = b.input({3, 4, 5});
    b.node(op, {x, y}, {3, 4, 5});
    checkOnCpu(b);
  }
}

TEST(CpuOps, Softmax) {
  for (const char *op : {"softmax", "log_softmax"})
    for (int64_t axis : {-1, 1, 0}) {
      SCOPED_TRACE(std::string(op) + " axis " + std::to_string(axis));
      GraphBuilder b;
      int32_t x = b.input({3, 10, 4}, {}, -4, 4);
      b.node(op, {x}, {3, 10, 4}, {integer("axis", axis)});
      checkOnCpu(b);
    }
}

TEST(CpuOps, ViewsAreFree) {
  // relu -> flatten -> reshape -> identity -> dropout -> relu, and a view as a
  // partition output (copied out).
  GraphBuilder b;
  int32_t x = b.input({2, 3, 4, 4}, {-1, 3, 4, 4});
  int32_t r = b.node("relu", {x}, {-1, 3, 4, 4});
  int32_t f = b.node("flatten", {r}, {-1, 48}, {integer("axis", 1)});
  int32_t s = b.node("reshape", {f, b.constantI64({-1, 6, 8})}, {-1, 6, 8});
  int32_t i = b.node("identity", {s}, {-1, 6, 8});
  int32_t d = b.node("dropout", {i}, {-1, 6, 8}, {real("ratio", 0.3)});
  int32_t y = b.node("sigmoid", {d}, {-1, 6, 8});
  b.output(y);
  b.output(f);
  checkOnCpu(b, {5});
}

TEST(CpuOps, Concat) {
  GraphBuilder b;
  int32_t x = b.input({2, 3, 4}, {-1, 3, 4});
  int32_t y = b.input({2, 5, 4}, {-1, 5, 4});
  b.node("concat", {x, y, b.weight({2, 2, 4})}, {2, 10, 4}, {integer("axis", 1)});
  checkOnCpu(b);
  GraphBuilder c;
  int32_t p = c.input({2, 3});
  int32_t q = c.input({2, 4});
  c.node("concat", {p, q}, {2, 7}, {integer("axis", -1)});
  checkOnCpu(c);
}

TEST(CpuOps, SmallChainSharesTheArena) {
  // conv -> relu -> max_pool -> conv -> relu -> global_average_pool -> flatten -> gemm -> softmax
  GraphBuilder b;
  int32_t x = b.input({2, 3, 16, 16}, {-1, 3, 16, 16});
  int32_t c1 = b.node("conv", {x, b.weight({8, 3, 3, 3}, -.3f, .3f), b.weight({8})}, {-1, 8, 16, 16},
                      {ints("pads", {1, 1, 1, 1})});
  int32_t r1 = b.node("relu", {c1}, {-1, 8, 16, 16});
  int32_t p1 = b.node("max_pool", {r1}, {-1, 8, 8, 8}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})});
  int32_t c2 = b.node("conv", {p1, b.weight({16, 8, 3, 3}, -.2f, .2f)}, {-1, 16, 8, 8}, {ints("pads", {1, 1, 1, 1})});
  int32_t r2 = b.node("relu", {c2}, {-1, 16, 8, 8});
  int32_t g = b.node("global_average_pool", {r2}, {-1, 16, 1, 1});
  int32_t f = b.node("flatten", {g}, {-1, 16});
  int32_t fc = b.node("gemm", {f, b.weight({10, 16}), b.weight({10})}, {-1, 10}, {integer("transB", 1)});
  b.node("softmax", {fc}, {-1, 10});
  checkOnCpu(b, {1, 4, 2});
}

// the plugin's own kernels (OwnKernels.cpp) --------------------------------------------

TEST(CpuOwnKernels, DynamicShapeSubgraphReshapeTransposeSlicePad) {
  // BERT's head split with a dynamic batch: shape -> gather -> unsqueeze ->
  // concat -> reshape, evaluated when the plan is built; then transpose,
  // slice (negative axis, step 2) and pad on the own kernels.
  GraphBuilder b;
  int32_t x = b.input({2, 6, 8}, {-1, 6, 8});
  int32_t shp = b.i64(b.node("shape", {x}, {3}));
  int32_t batch = b.i64(b.node("gather", {shp, b.constant({}, 7, std::vector<uint8_t>(8, 0))}, {}));
  int32_t b1 = b.i64(b.node("unsqueeze", {batch}, {1}, {ints("axes", {0})}));
  int32_t target = b.i64(b.node("concat", {b1, b.constantI64({6, 2, 4})}, {4}, {integer("axis", 0)}));
  int32_t r = b.node("reshape", {x, target}, {-1, 6, 2, 4});
  int32_t t = b.node("transpose", {r}, {-1, 2, 6, 4}, {ints("perm", {0, 2, 1, 3})});
  int32_t s = b.node("slice", {t, b.constantI64({1}), b.constantI64({6}), b.constantI64({-2}), b.constantI64({2})},
                     {-1, 2, 3, 4});
  int32_t p = b.node("pad", {s, b.constantI64({0, 0, 1, 0, 0, 0, 0, 3})}, {-1, 2, 4, 7}, {real("value", 0.5)});
  b.output(p);
  b.output(t);
  checkOnCpu(b, {1, 3, 5});
}

TEST(CpuOwnKernels, EmbeddingGatherCastAndBroadcastSub) {
  // The embedding lookup with constant ids, the attention mask's
  // (1 - mask) * -10000 with the lhs broadcast, and a transposed key.
  GraphBuilder b;
  int32_t mask = b.input({3, 7}, {-1, 7}, 0.f, 2.f);
  std::vector<int64_t> ids = {4, 0, 10, -1, 3, 3, 9};
  std::vector<uint8_t> idBytes(ids.size() * 8);
  std::memcpy(idBytes.data(), ids.data(), idBytes.size());
  int32_t table = b.weight({11, 5});
  int32_t emb = b.node("gather", {table, b.constant({7}, 7, idBytes)}, {7, 5}, {integer("axis", 0)});
  int32_t asInt = b.node("cast", {mask}, {-1, 7}, {dtypeAttr("to", 7)});
  b.g.values[size_t(asInt)].dtype = 7;
  int32_t back = b.node("cast", {asInt}, {-1, 7}, {dtypeAttr("to", 1)});
  int32_t inv = b.node("sub", {b.weight({}, 1.f, 1.f), back}, {-1, 7});
  int32_t scaled = b.node("mul", {inv, b.weight({}, -10000.f, -10000.f)}, {-1, 7});
  int32_t kt = b.node("transpose", {emb}, {5, 7}, {ints("perm", {1, 0})});
  b.output(scaled);
  b.output(kt);
  checkOnCpu(b, {1, 4});
}

TEST(CpuOwnKernels, WhereExpandTileAndConcatOfIntegers) {
  GraphBuilder b;
  int32_t x = b.input({2, 3, 5}, {-1, 3, 5});
  int32_t y = b.weight({1, 5});
  std::vector<uint8_t> cond = {1, 0, 0};
  int32_t c = b.constant({3, 1}, 9, cond);
  int32_t w = b.node("where", {c, x, y}, {-1, 3, 5});
  int32_t e = b.node("expand", {b.weight({3, 1}), b.constantI64({2, 3, 4})}, {2, 3, 4});
  int32_t t = b.node("tile", {x, b.constantI64({1, 2, 3})}, {-1, 6, 15});
  int32_t shp = b.node("shape", {x}, {3});
  b.g.values[size_t(shp)].dtype = 7;
  int32_t cat = b.node("concat", {shp, shp, b.constantI64({-3})}, {7}, {integer("axis", 0)});
  b.g.values[size_t(cat)].dtype = 7;
  b.output(w);
  b.output(e);
  b.output(t);
  b.output(cat); // a shape value as a partition output is written out too
  checkOnCpu(b, {1, 3});
}

TEST(CpuOwnKernels, LayoutAndPortableCountsAreReported) {
  // conv -> conv keeps the blocked layout; the partition output is converted
  // back once. ABI 1.3 stats: layout reorders per run, no portable nodes.
  GraphBuilder b;
  int32_t x = b.input({1, 8, 10, 10});
  int32_t c1 = b.node("conv", {x, b.weight({16, 8, 3, 3}), b.weight({16})}, {1, 16, 10, 10}, {ints("pads", {1, 1, 1, 1})});
  int32_t c2 = b.node("conv", {c1, b.weight({16, 16, 3, 3}), b.weight({16})}, {1, 16, 10, 10}, {ints("pads", {1, 1, 1, 1})});
  b.output(c2);
  Graph &g = b.g;
  Partition p;
  p.plugin = "cpu";
  p.nodes = {0, 1};
  g.partitions = {p};
  kiln::computePartitionBoundaries(g);
  std::string dir = tempDir(), path = dir + "/op.kiln", error;
  Metadata meta;
  meta.kilnVersion = "0.1.0";
  ASSERT_TRUE(writeArtifact(path, meta, g, error)) << error;
  kiln::Runtime rt(runtimeOptions());
  auto m = rt.load(path, error);
  ASSERT_TRUE(m) << error;
  kiln::Session s(*m);
  std::map<std::string, kiln::Tensor> in = {{"in0", randomTensor({1, 8, 10, 10}, 3)}};
  std::vector<kiln::Tensor> out;
  ASSERT_TRUE(s.run(in, out, error)) << error;
  auto report = m->memoryReport();
  ASSERT_EQ(report.size(), 1u);
  ASSERT_TRUE(report[0].layoutReported);
  EXPECT_EQ(report[0].portableNodes, 0u);
  // Weights are repacked once (two convolutions), not on the second run.
  EXPECT_GE(report[0].weightReorders, 1u);
  uint64_t repacked = report[0].weightReorders;
  ASSERT_TRUE(s.run(in, out, error)) << error;
  EXPECT_EQ(m->memoryReport()[0].weightReorders, repacked);
  // Whatever layout oneDNN picks, the blocked value between the convolutions
  // is not converted: at most the input and the output are.
  EXPECT_LE(m->memoryReport()[0].layoutReorders, 2u);
  std::system(("rm -rf " + dir).c_str());
}

// lrn, split, pad modes, f16/bf16 casts ------------------------------------------------

TEST(CpuOps, LrnOddSizesOnOneDnnlEvenSizesOnTheOwnKernel) {
  // oneDNN's window is floor((size-1)/2) on both sides: ONNX's for odd sizes
  // only; even sizes reach one channel further up and run the own kernel.
  for (int64_t size : {1, 2, 3, 4, 5, 8}) {
    for (Dims x : {Dims{2, 7, 6, 5}, Dims{1, 9, 11}}) {
      SCOPED_TRACE("size " + std::to_string(size) + ", rank " + std::to_string(x.size()));
      GraphBuilder b;
      Dims declared = x;
      declared[0] = -1;
      int32_t in = b.input(x, declared, -3.f, 3.f);
      Dims out = declared;
      b.node("lrn", {in}, out,
             {integer("size", size), real("alpha", 0.05), real("beta", 0.75), real("bias", 1.5)});
      checkOnCpu(b, {3});
    }
  }
}

TEST(CpuOps, LrnKeepsTheConvLayout) {
  // conv -> lrn -> conv, as AlexNet/GoogLeNet: the blocked value stays blocked
  // through oneDNN's lrn; only the input and the output may be converted.
  for (int64_t size : {5, 4}) {
    SCOPED_TRACE(size);
    GraphBuilder b;
    int32_t x = b.input({1, 8, 10, 10});
    int32_t c1 = b.node("conv", {x, b.weight({16, 8, 3, 3}), b.weight({16})}, {1, 16, 10, 10},
                        {ints("pads", {1, 1, 1, 1})});
    int32_t l = b.node("lrn", {c1}, {1, 16, 10, 10},
                       {integer("size", size), real("alpha", 1e-3), real("beta", 0.75), real("bias", 2.0)});
    int32_t c2 = b.node("conv", {l, b.weight({16, 16, 3, 3}), b.weight({16})}, {1, 16, 10, 10},
                        {ints("pads", {1, 1, 1, 1})});
    b.output(c2);
    checkOnCpu(b);
    std::string dir = tempDir(), path = dir + "/lrn.kiln", error;
    Metadata meta;
    meta.kilnVersion = "0.1.0";
    ASSERT_TRUE(writeArtifact(path, meta, b.g, error)) << error;
    kiln::Runtime rt(runtimeOptions());
    auto m = rt.load(path, error);
    ASSERT_TRUE(m) << error;
    kiln::Session s(*m);
    std::vector<kiln::Tensor> out;
    ASSERT_TRUE(s.run({{"in0", randomTensor({1, 8, 10, 10}, 3)}}, out, error)) << error;
    auto report = m->memoryReport();
    ASSERT_EQ(report.size(), 1u);
    EXPECT_EQ(report[0].portableNodes, 0u);
    if (size % 2) // odd: no conversion around the lrn
      EXPECT_LE(report[0].layoutReorders, 2u);
    else // even (own kernel, plain): to plain before it and back to blocked after it
      EXPECT_LE(report[0].layoutReorders, 4u);
    std::system(("rm -rf " + dir).c_str());
  }
}

TEST(CpuOwnKernels, SplitPadModesAndHalfCasts) {
  GraphBuilder b;
  int32_t x = b.input({2, 7, 5}, {-1, 7, 5});
  Node sp; // equal pieces along a negative axis... (5 -> 2, 2, 1)
  sp.op = "split";
  sp.name = "split_equal";
  sp.inputs = {x};
  sp.outputs = {b.value("a0", {-1, 7, 2}), b.value("a1", {-1, 7, 2}), b.value("a2", {-1, 7, 1})};
  sp.attrs = {integer("axis", -1), integer("num_outputs", 3)};
  b.g.nodes.push_back(sp);
  Node sq; // ... and explicit run-time sizes along the middle one, empty piece included
  sq.op = "split";
  sq.name = "split_sizes";
  sq.inputs = {x, b.constantI64({3, 0, 4})};
  sq.outputs = {b.value("b0", {-1, 3, 5}), b.value("b1", {-1, 0, 5}), b.value("b2", {-1, 4, 5})};
  sq.attrs = {integer("axis", 1), integer("num_outputs", 3)};
  b.g.nodes.push_back(sq);
  int32_t refl = b.node("pad", {sq.outputs[2], b.constantI64({0, 2, 1, 0, 3, 2})}, {-1, 9, 8},
                        {str("mode", "reflect")});
  int32_t edge = b.node("pad", {sp.outputs[0], b.constantI64({0, 1, 0, 0, 2, 3})}, {-1, 10, 5},
                        {str("mode", "edge")});
  int32_t h = b.node("cast", {refl}, {-1, 9, 8}, {dtypeAttr("to", 10)});
  b.g.values[size_t(h)].dtype = 10;
  int32_t hb = b.node("cast", {h}, {-1, 9, 8}, {dtypeAttr("to", 1)});
  int32_t bf = b.node("cast", {edge}, {-1, 10, 5}, {dtypeAttr("to", 16)});
  b.g.values[size_t(bf)].dtype = 16;
  int32_t bb = b.node("cast", {bf}, {-1, 10, 5}, {dtypeAttr("to", 1)});
  for (int32_t v : {sp.outputs[1], sp.outputs[2], sq.outputs[0], sq.outputs[1], hb, bb})
    b.output(v);
  checkOnCpu(b, {1, 3});
}

TEST(CpuOwnKernels, ReductionsArgMaxCumSumAndRunTimeClip) {
  GraphBuilder b;
  int32_t x = b.input({2, 6, 5}, {-1, 6, 5});
  int32_t lo = b.input({}, {}, -0.6f, -0.2f), hi = b.input({}, {}, 0.1f, 0.7f);
  int32_t mean = b.node("reduce_mean", {x}, {-1, 6, 1}, {ints("axes", {-1}), integer("keepdims", 1)});
  int32_t mx = b.node("reduce_max", {x, b.constantI64({0, 2})}, {6}, {integer("keepdims", 0)});
  int32_t l2 = b.node("reduce_l2", {x}, {1, 1, 1});
  int32_t am = b.node("arg_max", {x}, {-1, 5}, {integer("axis", 1), integer("keepdims", 0)});
  b.g.values[size_t(am)].dtype = 7;
  int32_t amf = b.node("cast", {am}, {-1, 5}, {dtypeAttr("to", 1)});
  int32_t cs = b.node("cum_sum", {x, b.constantI64({1})}, {-1, 6, 5}, {integer("reverse", 1)});
  int32_t cl = b.node("clip", {cs, lo, hi}, {-1, 6, 5});
  for (int32_t v : {mean, mx, l2, amf, cl})
    b.output(v);
  checkOnCpu(b, {1, 3});
}

TEST(CpuOwnKernels, ComparisonsFeedWhere) {
  // where(x < y or x >= 0.5, x, y) with y broadcast, and a mask from an
  // integer equality, as attention masks are built.
  GraphBuilder b;
  int32_t x = b.input({2, 4, 6}, {-1, 4, 6});
  int32_t y = b.weight({4, 1});
  auto boolean = [&](int32_t v) {
    b.g.values[size_t(v)].dtype = 9;
    return v;
  };
  int32_t lt = boolean(b.node("less", {x, y}, {-1, 4, 6}));
  int32_t ge = boolean(b.node("greater_or_equal", {x, b.weight({}, 0.5f, 0.5f)}, {-1, 4, 6}));
  int32_t either = boolean(b.node("or", {lt, ge}, {-1, 4, 6}));
  int32_t w = b.node("where", {either, x, y}, {-1, 4, 6});
  int32_t ids = b.node("cast", {b.weight({6}, -2.f, 2.f)}, {6}, {dtypeAttr("to", 7)});
  b.g.values[size_t(ids)].dtype = 7;
  int32_t eq = boolean(b.node("equal", {ids, b.constantI64({0})}, {6}));
  int32_t masked = b.node("where", {eq, b.weight({}, -1e4f, -1e4f), x}, {-1, 4, 6});
  b.output(w);
  b.output(masked);
  checkOnCpu(b, {1, 3});
}

/// An f32 scalar constant.
int32_t scalarF32(GraphBuilder &b, float v, Dims shape = {}) {
  std::vector<uint8_t> bytes(4);
  std::memcpy(bytes.data(), &v, 4);
  return b.constant(shape, 1, std::move(bytes));
}

TEST(CpuOwnKernels, MathOpsOneDnnLacksRunOnTheOwnKernel) {
  // (strict: no node may fall back to the portable kernels)
  struct Case {
    const char *op;
    float lo, hi;
    std::vector<Attr> attrs;
  };
  std::vector<Case> cases = {
      {"hard_sigmoid", -4, 4, {real("alpha", 0.3), real("beta", 0.4)}}, {"softplus", -30, 30, {}},
      {"softsign", -3, 3, {}}, {"selu", -3, 3, {}}, {"celu", -3, 3, {real("alpha", 0.7)}}, {"mish", -5, 5, {}},
      {"erf", -2, 2, {}}, {"sin", -4, 4, {}}, {"cos", -4, 4, {}}, {"tan", -1.4f, 1.4f, {}}, {"asin", -.99f, .99f, {}},
      {"acos", -.99f, .99f, {}}, {"atan", -5, 5, {}}, {"sinh", -3, 3, {}}, {"cosh", -3, 3, {}},
      {"asinh", -5, 5, {}}, {"acosh", 1, 5, {}}, {"atanh", -.99f, .99f, {}}, {"sign", -2, 2, {}}};
  for (Case &c : cases) {
    SCOPED_TRACE(c.op);
    GraphBuilder b;
    int32_t x = b.input({2, 3, 40}, {-1, 3, 40}, c.lo, c.hi);
    b.output(b.node(c.op, {x}, {-1, 3, 40}, c.attrs));
    checkOnCpu(b, {3});
    EXPECT_EQ(kernelsOnCpu(b)[0], std::string("kiln ") + c.op);
  }
}

TEST(CpuOps, LayerNormOverSeveralDimsOnOneDnn) {
  for (int64_t axis : {1, -2, 2}) { // over [3, 4], [3, 4] and [4] of [N, 3, 4]
    SCOPED_TRACE(axis);
    GraphBuilder b;
    Dims norm = axis == 2 ? Dims{4} : Dims{3, 4};
    int32_t x = b.input({2, 3, 4}, {-1, 3, 4}, -3.f, 3.f);
    b.output(b.node("layer_norm", {x, b.weight(norm), b.weight(norm)}, {-1, 3, 4},
                    {integer("axis", axis), real("epsilon", 1e-3)}));
    checkOnCpu(b, {5}); // strict: oneDNN's layer normalization, no portable kernel
    EXPECT_EQ(kernelsOnCpu(b)[0].rfind("onednn:", 0), 0u) << kernelsOnCpu(b)[0];
  }
}

TEST(CpuOwnKernels, PowGatherElementsTriluAndRange) {
  { // x^2 and x^0.5 (one constant exponent), and a broadcast exponent per column
    GraphBuilder b;
    int32_t x = b.input({2, 8, 16}, {-1, 8, 16}, 0.1f, 2.f);
    int32_t e = b.weight({1, 16}, -2.f, 2.f);
    int32_t sq = b.node("pow", {x, scalarF32(b, 2.f)}, {-1, 8, 16});
    int32_t rt = b.node("pow", {sq, scalarF32(b, 0.5f, {1})}, {-1, 8, 16});
    b.output(b.node("pow", {rt, e}, {-1, 8, 16}));
    checkOnCpu(b, {3});
    auto k = kernelsOnCpu(b);
    EXPECT_EQ(k[0], "kiln pow");
    EXPECT_EQ(k[2], "kiln pow");
  }
  for (int64_t axis : {0, 1, -1}) { // indices within [-dim, dim), negatives included
    SCOPED_TRACE(axis);
    GraphBuilder b;
    int32_t x = b.input({4, 5, 6}, {4, 5, 6});
    int64_t dim = axis == 0 ? 4 : axis == 1 ? 5 : 6;
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < 3 * 5 * 6; ++i)
      idx.push_back((i * 7) % (2 * dim) - dim);
    std::vector<uint8_t> bytes(idx.size() * 8);
    std::memcpy(bytes.data(), idx.data(), bytes.size());
    Dims ishape = {3, 5, 6};
    b.output(b.node("gather_elements", {x, b.constant(ishape, 7, bytes)}, ishape, {integer("axis", axis)}));
    checkOnCpu(b);
    EXPECT_EQ(kernelsOnCpu(b)[0], "kiln gather_elements");
  }
  for (int64_t upper : {0, 1})
    for (int64_t k : {-2, 0, 3}) {
      SCOPED_TRACE("upper " + std::to_string(upper) + " k " + std::to_string(k));
      GraphBuilder b;
      int32_t x = b.input({2, 5, 7}, {-1, 5, 7});
      b.output(b.node("trilu", {x, b.constantI64({k})}, {-1, 5, 7}, {integer("upper", upper)}));
      checkOnCpu(b, {3});
      EXPECT_EQ(kernelsOnCpu(b)[0], "kiln trilu");
    }
  { // range from constants (known when the plan is built) added to a run-time value
    GraphBuilder b;
    int32_t x = b.input({2, 5}, {-1, 5});
    int32_t r = b.node("range", {scalarF32(b, 1.5f), scalarF32(b, 4.f), scalarF32(b, 0.5f)}, {5});
    b.output(b.node("add", {x, r}, {-1, 5}));
    checkOnCpu(b, {3});
  }
}

TEST(CpuOwnKernels, IntegerShapeArithmeticAtPlanTimeAndRunTime) {
  // reshape to [batch * 6, 4] with the batch from the input's shape (evaluated
  // when the plan is built), and i64 arithmetic on run-time data.
  GraphBuilder b;
  int32_t x = b.input({2, 6, 4}, {-1, 6, 4}, -50.f, 50.f);
  int32_t shp = b.i64(b.node("shape", {x}, {3}));
  int32_t batch = b.i64(b.node("gather", {shp, b.constantI64({0})}, {1}));
  int32_t rows = b.i64(b.node("mul", {batch, b.constantI64({6})}, {1}));
  int32_t cols = b.i64(b.node("sub", {b.constantI64({5}), b.constantI64({1})}, {1}));
  int32_t target = b.i64(b.node("concat", {rows, cols}, {2}, {integer("axis", 0)}));
  int32_t r = b.node("reshape", {x, target}, {-1, 4});
  int32_t xi = b.i64(b.node("cast", {r}, {-1, 4}, {dtypeAttr("to", 7)}));
  int32_t sum = b.i64(b.node("add", {xi, b.constantI64({1, -2, 3, -4})}, {-1, 4}));
  int32_t prod = b.i64(b.node("mul", {sum, xi}, {-1, 4}));
  int32_t back = b.node("cast", {prod}, {-1, 4}, {dtypeAttr("to", 1)});
  b.output(r);
  b.output(back);
  auto claims = cpuClaims(b);
  EXPECT_EQ(claims, std::vector<int32_t>(b.g.nodes.size(), 1));
  checkOnCpu(b, {1, 3});
}

TEST(CpuOwnKernels, ConstantOfShapeFromARunTimeShape) {
  // constant_of_shape of the input's shape (known when the plan is built),
  // its value a one-element tensor attribute: f32 2.5, and i64 7 cast back.
  GraphBuilder b;
  int32_t x = b.input({2, 4}, {-1, 4});
  auto value = [](int32_t dtype, const void *bytes, size_t n) {
    Attr a;
    a.name = "value";
    a.kind = Attr::Tensor;
    a.i = dtype;
    a.ints = {1};
    a.s.assign(static_cast<const char *>(bytes), n);
    return a;
  };
  float f = 2.5f;
  int64_t seven = 7;
  int32_t shp = b.i64(b.node("shape", {x}, {2}));
  int32_t c = b.node("constant_of_shape", {shp}, {-1, 4}, {value(1, &f, 4)});
  int32_t k = b.i64(b.node("constant_of_shape", {shp}, {-1, 4}, {value(7, &seven, 8)}));
  int32_t kf = b.node("cast", {k}, {-1, 4}, {dtypeAttr("to", 1)});
  b.output(b.node("add", {b.node("add", {x, c}, {-1, 4}), kf}, {-1, 4}));
  auto claims = cpuClaims(b);
  EXPECT_EQ(claims, std::vector<int32_t>(b.g.nodes.size(), 1));
  checkOnCpu(b, {3});
}

TEST(CpuOwnKernels, IntegerDivisionMinAndMax) {
  // toward zero with negative operands, -1 divisors, broadcast min and max
  GraphBuilder b;
  int32_t x = b.input({2, 6, 4}, {-1, 6, 4}, -50.f, 50.f);
  int32_t xi = b.i64(b.node("cast", {x}, {-1, 6, 4}, {dtypeAttr("to", 7)}));
  int32_t q = b.i64(b.node("div", {xi, b.constantI64({3, -2, -1, 7})}, {-1, 6, 4}));
  int32_t lo = b.i64(b.node("min", {q, b.constantI64({5, -5, 0, 9})}, {-1, 6, 4}));
  int32_t hi = b.i64(b.node("max", {lo, xi}, {-1, 6, 4}));
  b.output(b.node("cast", {hi}, {-1, 6, 4}, {dtypeAttr("to", 1)}));
  auto claims = cpuClaims(b);
  EXPECT_EQ(claims, std::vector<int32_t>(b.g.nodes.size(), 1));
  checkOnCpu(b, {1, 3});
}

// ahead of time: serialized partitions ---------------------------------------------

/// conv -> relu -> conv -> global pool -> flatten -> gemm, dynamic batch.
GraphBuilder aotModel() {
  GraphBuilder b;
  int32_t x = b.input({1, 8, 12, 12}, {-1, 8, 12, 12});
  int32_t c1 = b.node("conv", {x, b.weight({16, 8, 3, 3}, -.3f, .3f), b.weight({16})}, {-1, 16, 12, 12},
                      {ints("pads", {1, 1, 1, 1})});
  int32_t r1 = b.node("relu", {c1}, {-1, 16, 12, 12});
  int32_t c2 = b.node("conv", {r1, b.weight({16, 16, 3, 3}, -.2f, .2f)}, {-1, 16, 12, 12}, {ints("pads", {1, 1, 1, 1})});
  int32_t g = b.node("global_average_pool", {c2}, {-1, 16, 1, 1});
  int32_t f = b.node("flatten", {g}, {-1, 16});
  b.node("gemm", {f, b.weight({10, 16}), b.weight({10})}, {-1, 10}, {integer("transB", 1)});
  b.output(b.g.nodes.back().outputs[0]);
  allOnCpu(b.g);
  return b;
}

/// The cpu plugin's blob for partition 0 of `b` (as `kiln compile` makes it).
std::string serializeOnCpu(GraphBuilder &b) {
  kiln::Runtime rt(runtimeOptions());
  std::string error;
  kiln::Plugin *cpu = rt.plugins().get("cpu", error);
  EXPECT_TRUE(cpu) << error;
  if (!cpu)
    return {};
  kiln::CGraph cg(b.g, [&](int32_t v) { return b.g.values[size_t(v)].writeData; });
  kiln_partition cp = kiln::CGraph::partitionOf(b.g.partitions[0]);
  kiln_executable exec = nullptr;
  EXPECT_EQ(cpu->api().compile(cpu->instance(), cg.get(), &cp, &exec), KILN_OK) << cpu->lastError();
  const void *data = nullptr;
  uint64_t size = 0;
  EXPECT_EQ(cpu->api().serialize(cpu->instance(), exec, &data, &size), KILN_OK) << cpu->lastError();
  std::string blob(static_cast<const char *>(data), size_t(size));
  cpu->api().executable_destroy(cpu->instance(), exec);
  return blob;
}

struct AotRun {
  std::vector<std::string> notes;
  uint64_t weightReorders = 0;
  uint64_t compiledAddress = 0;
};

/// Writes `b` with `blob` as partition 0's compiled bytes, loads it on the
/// cpu plugin, runs batches 1 and 3 and compares with the reference plugin.
AotRun runWithBlob(GraphBuilder &b, const std::string &blob) {
  AotRun r;
  b.g.partitions[0].compiled = blob;
  std::string dir = tempDir(), path = dir + "/aot.kiln", error;
  Metadata meta;
  meta.kilnVersion = "0.1.0";
  EXPECT_TRUE(writeArtifact(path, meta, b.g, error)) << error;
  kiln::Runtime rt(runtimeOptions());
  auto cpu = rt.load(path, error);
  EXPECT_TRUE(cpu) << error;
  auto ref = loadOnReference(rt, path, error);
  EXPECT_TRUE(ref) << error;
  if (!cpu || !ref)
    return r;
  r.notes = cpu->loadNotes();
  r.compiledAddress = reinterpret_cast<uint64_t>(cpu->artifact().graph().partitions[0].compiledData);
  kiln::Session s1(*cpu), s2(*ref);
  for (int64_t batch : {1, 3}) {
    std::map<std::string, kiln::Tensor> in = {{"in0", randomTensor({batch, 8, 12, 12}, 5)}};
    std::vector<kiln::Tensor> got, want;
    EXPECT_TRUE(s1.run(in, got, error)) << error;
    EXPECT_TRUE(s2.run(in, want, error)) << error;
    if (got.size() == 1 && want.size() == 1)
      expectClose(got[0], want[0], 1e-3, 1e-4, "aot batch " + std::to_string(batch));
    if (batch == 1)
      r.weightReorders = cpu->memoryReport()[0].weightReorders;
  }
  std::system(("rm -rf " + dir).c_str());
  return r;
}

TEST(CpuAot, LoadUsesTheRepackedWeightsInPlace) {
  GraphBuilder b = aotModel();
  std::string blob = serializeOnCpu(b);
  ASSERT_GT(blob.size(), 64u);
  AotRun r = runWithBlob(b, blob);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("loaded from its compiled blob"), std::string::npos) << r.notes[0];
  // The plugin reads the blob where the artifact maps it: 64-byte aligned.
  EXPECT_NE(r.compiledAddress, 0u);
  EXPECT_EQ(r.compiledAddress % 64, 0u);
  // Batch 1 is the planned shape: its weights came from the blob.
  EXPECT_EQ(r.weightReorders, 0u);
}

TEST(CpuAot, WithoutABlobTheWeightsAreRepackedAtRunTime) {
  GraphBuilder b = aotModel();
  AotRun r = runWithBlob(b, "");
  EXPECT_TRUE(r.notes.empty());
  EXPECT_GE(r.weightReorders, 1u);
}

TEST(CpuAot, BlobRemembersTheConvolutionLayoutItWasPlannedIn) {
  // Planned (KILN_CPU_CONV_LAYOUT=blocked) with nChw16c convolutions: the
  // blob's entries say so, and a load that would otherwise choose by timing
  // plans the same way, so the repacked weights fit and none is repacked.
  GraphBuilder b = aotModel();
  ::setenv("KILN_CPU_CONV_LAYOUT", "blocked", 1);
  std::string blob = serializeOnCpu(b);
  ::unsetenv("KILN_CPU_CONV_LAYOUT");
  ASSERT_GT(blob.size(), 64u);
  AotRun r = runWithBlob(b, blob);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.weightReorders, 0u);
  // The same blob with the flags cleared (as if planned in oneDNN's
  // choice): its nChw16c packings do not fit that plan, so it repacks
  // (where oneDNN's choice is not nChw16c itself, i.e. on AVX-512).
  auto u32 = [&](size_t at) {
    uint32_t v;
    std::memcpy(&v, blob.data() + at, 4);
    return v;
  };
  uint32_t mdSize = u32(8 + 5 * 4), entries = u32(8 + 7 * 4), inputs = u32(8 + 8 * 4);
  size_t at = 8 + 9 * 4 + 8;
  for (uint32_t i = 0; i < inputs; ++i)
    at += 4 + size_t(u32(at)) * 8;
  for (uint32_t i = 0; i < entries; ++i, at += 24 + mdSize) {
    EXPECT_EQ(u32(at + 4), 1u) << "entry " << i << " flags";
    std::memset(&blob[at + 4], 0, 4);
  }
  AotRun plain = runWithBlob(b, blob);
  ASSERT_EQ(plain.notes.size(), 1u);
  // (Not when the ctest forces Winograd: its transformed weights are the
  // same in both layouts.)
  const uint32_t avx512Core = 0x27; // dnnl_cpu_isa_avx512_core; the blob header's ISA field
  const char *wino = std::getenv("KILN_CPU_WINOGRAD");
  if ((u32(8 + 4 * 4) & avx512Core) == avx512Core && !(wino && (std::string(wino) == "1" || std::string(wino) == "on")))
    EXPECT_GE(plain.weightReorders, 1u);
}

/// Per entry of a cpu plugin blob: (node, flags) (the layout CpuPlugin.cpp
/// documents above kBlobMagic).
std::vector<std::pair<uint32_t, uint32_t>> blobEntryFlags(const std::string &blob) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    if (at + 4 <= blob.size())
      std::memcpy(&v, blob.data() + at, 4);
    return v;
  };
  uint32_t mdSize = u32(8 + 4 * 5), entries = u32(8 + 4 * 7), inputs = u32(8 + 4 * 8);
  size_t at = 8 + 4 * 9 + 8;
  for (uint32_t i = 0; i < inputs; ++i)
    at += 4 + 8 * size_t(u32(at));
  for (uint32_t i = 0; i < entries; ++i, at += 24 + mdSize)
    out.push_back({u32(at), u32(at + 4)});
  return out;
}

TEST(CpuAot, BlobRemembersWhetherTheDepthwisePairWasFused) {
  // At batch 1 oneDNN fuses the 1x1 + depthwise pair at 112x112 (stride 2)
  // but offers only its reference composition at 14x14; the blob records
  // which, so a load does not try the fusion again, and plans as the blob's
  // plan did.
  for (int64_t hw : {112, 14}) {
    SCOPED_TRACE(hw);
    GraphBuilder b = invertedResidual(2, hw);
    b.runInputs[0].shape[0] = 1; // the planned batch
    checkOnCpu(b); // (sets the partition)
    std::string fresh = kernelsOnCpu(b)[0];
    bool fused = fresh.find("+dw") != std::string::npos;
    EXPECT_EQ(fused, hw == 112) << fresh;
    std::string blob = serializeOnCpu(b);
    bool sawExpand = false;
    for (auto [node, flags] : blobEntryFlags(blob))
      if (node == 0) { // the expand convolution's weights
        sawExpand = true;
        EXPECT_EQ(flags & 6u, fused ? 6u : 2u) << flags;
      }
    EXPECT_TRUE(sawExpand);
    b.g.partitions[0].compiled = blob;
    EXPECT_EQ(kernelsOnCpu(b)[0], fresh);
  }
}

TEST(CpuAot, StaleBlobFallsBackToThePlainWeightsWithANote) {
  GraphBuilder b = aotModel();
  std::string blob = serializeOnCpu(b);
  ASSERT_GT(blob.size(), 64u);
  blob[24] ^= 0x5a; // the ISA the blob was made for (after magic, version, oneDNN major.minor.patch)
  AotRun r = runWithBlob(b, blob);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("stale AOT blob"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[0].find("compiled from the plain weights"), std::string::npos) << r.notes[0];
  EXPECT_GE(r.weightReorders, 1u);
}

TEST(CpuAot, DamagedBlobIsRefusedNotTrusted) {
  GraphBuilder b = aotModel();
  std::string blob = serializeOnCpu(b);
  ASSERT_GT(blob.size(), 200u);
  for (std::string bad : {blob.substr(0, 60), std::string("KILNCPU") + std::string(100, 'x'), blob.substr(0, blob.size() - 64)}) {
    AotRun r = runWithBlob(b, bad);
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("compiled blob not used"), std::string::npos) << r.notes[0];
  }
}

// what is not claimed ------------------------------------------------------------------

TEST(CpuQuery, RefusesWhatItCannotRunExactly) {
  GraphBuilder b;
  int32_t x = b.input({3, 1}), y = b.input({3, 4}), img = b.input({1, 2, 10, 10});
  int32_t lo = b.input({}), i64 = b.value("i64", {4}, 7);
  b.g.inputs.push_back(i64);
  b.node("sub", {x, y}, {3, 4});                                 // 0: lhs broadcast: own kernel
  b.node("add", {x, y}, {3, 4});                                 // 1: commutative: fine
  b.node("average_pool", {img}, {1, 2, 5, 5},                    // 2: ceil-mode overhang with
         {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), //    count_include_pad
          integer("ceil_mode", 1), integer("count_include_pad", 1)});
  b.node("clip", {y, lo, -1}, {3, 4});                           // 3: run-time bounds
  b.node("reshape", {y, i64}, {-1, -1});                         // 4: a shape input: keys the plan
  int32_t yi = b.value("yi", {3, 4}, 7);
  Node n;
  n.op = "relu";
  n.name = "int_relu";
  n.inputs = {yi};
  n.outputs = {b.value("ri", {3, 4}, 7)};
  b.g.nodes.push_back(n);                                        // 5: i64
  b.node("conv", {b.input({1, 2, 5, 5, 5}), b.weight({2, 2, 3, 3, 3})}, {1, 2, 3, 3, 3}); // 6: 3-D conv (claimed: 1-D to 3-D)
  b.node("reduce_sum", {y}, {1, 1});                             // 7: own kernel (f32)
  b.node("max_pool", {img}, {1, 2, 5, 5}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}); // 8
  // 9, 10: a shape computed from run-time data inside the graph would make
  // the plan data-dependent.
  int32_t fromData = b.node("cast", {x}, {3, 1}, {dtypeAttr("to", 7)});
  b.g.values[size_t(fromData)].dtype = 7;
  b.node("reshape", {y, fromData}, {-1, -1});
  // 11: pad reflect runs on the own kernels; 12: a pad mode that does not exist
  b.node("pad", {y, b.constantI64({0, 1, 0, 1})}, {3, 6}, {str("mode", "reflect")});
  b.node("pad", {y, b.constantI64({0, 1, 0, 1})}, {3, 6}, {str("mode", "mirror")});
  // 13: lrn of any size on f32; 14: not on f64; 15: split with run-time sizes from data
  b.node("lrn", {img}, {1, 2, 10, 10}, {integer("size", 4)});
  int32_t l64 = b.node("lrn", {b.value("img64", {1, 2, 3, 3}, 11)}, {1, 2, 3, 3}, {integer("size", 3)});
  b.g.values[size_t(l64)].dtype = 11;
  Node sp;
  sp.op = "split";
  sp.name = "split_from_data";
  sp.inputs = {y, fromData};
  sp.outputs = {b.value("s0", {-1, 4}), b.value("s1", {-1, 4})};
  sp.attrs = {integer("axis", 0), integer("num_outputs", 2)};
  b.g.nodes.push_back(sp);
  // 16: reduce_sum of i64: not ours (the reference's integer rules)
  int32_t ri = b.node("reduce_sum", {yi}, {1, 1});
  b.g.values[size_t(ri)].dtype = 7;
  auto claims = cpuClaims(b);
  EXPECT_EQ(claims, (std::vector<int32_t>{1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0}));
}

} // namespace
