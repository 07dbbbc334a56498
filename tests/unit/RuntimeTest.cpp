//===- RuntimeTest.cpp - compile the example, run it through the runtime --===//
#include "ExampleArtifact.h"
#include "OnnxWriter.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"
#include "kiln/runtime/Runtime.h"
#include "kiln/support/Npy.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>
#include <unistd.h>

namespace {

using kiln::test::example;

class RuntimeFixture : public ::testing::Test {
protected:
  static std::string artifactPath;
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/kiln-rt-XXXXXX";
    artifactPath = std::string(mkdtemp(tmpl)) + "/mnist.kiln";
    std::string error;
    kiln::ExportOptions eo;
    eo.targets = {"reference"};
    eo.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
    std::string report;
    ASSERT_TRUE(kiln::test::compileExample(artifactPath, eo, report, error)) << error;
  }
  kiln::Runtime::Options options() {
    kiln::Runtime::Options o;
    o.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
    return o;
  }
};
std::string RuntimeFixture::artifactPath;

TEST_F(RuntimeFixture, ModelDescribesItself) {
  kiln::Runtime rt(options());
  std::string error;
  auto model = rt.load(artifactPath, error);
  ASSERT_TRUE(model) << error;
  auto in = model->inputs();
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].name, "input");
  EXPECT_EQ(in[0].shape, (std::vector<int64_t>{-1, 1, 28, 28}));
  EXPECT_EQ(in[0].dimNames[0], "batch");
  EXPECT_EQ(model->outputs()[0].name, "logits");
  EXPECT_EQ(model->partitionPlugins(), std::vector<std::string>{"reference"});
}

TEST_F(RuntimeFixture, DynamicBatchMatchesPyTorch) {
  kiln::npy::Array input, expected;
  std::string error;
  ASSERT_TRUE(kiln::npy::read(example("input.npy"), input, error)) << error;
  ASSERT_TRUE(kiln::npy::read(example("expected_output.npy"), expected, error)) << error;
  kiln::Runtime rt(options());
  auto model = rt.load(artifactPath, error);
  ASSERT_TRUE(model) << error;
  kiln::Session session(*model);
  for (int64_t batch : {1, 3, 2}) {
    kiln::Tensor x = kiln::Tensor::allocate(1, {batch, 1, 28, 28});
    for (int64_t b = 0; b < batch; ++b)
      std::memcpy(x.as<float>() + b * 784, input.data.data(), 784 * 4);
    std::vector<kiln::Tensor> out;
    ASSERT_TRUE(session.run({{"input", x}}, out, error)) << error;
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].shape(), (std::vector<int64_t>{batch, 10}));
    const float *ref = reinterpret_cast<const float *>(expected.data.data());
    for (int64_t b = 0; b < batch; ++b)
      for (int k = 0; k < 10; ++k)
        EXPECT_NEAR(out[0].as<float>()[b * 10 + k], ref[k], 1e-5) << "batch " << batch;
  }
}

TEST_F(RuntimeFixture, MemoryIsPlannedPerShapeWithReuse) {
  kiln::Runtime rt(options());
  std::string error;
  auto model = rt.load(artifactPath, error);
  ASSERT_TRUE(model) << error;
  kiln::Session session(*model);
  std::vector<kiln::Tensor> out;
  for (int run = 0; run < 2; ++run)
    ASSERT_TRUE(session.run({{"input", kiln::Tensor::allocate(1, {2, 1, 28, 28})}}, out, error))
        << error;
  auto mem = model->memoryReport();
  ASSERT_EQ(mem.size(), 1u);
  ASSERT_TRUE(mem[0].reported);
  EXPECT_EQ(mem[0].plansCached, 1u);
  EXPECT_GT(mem[0].arenaBytes, 0u);
  // Liveness lets intermediates share memory: the arena is smaller than all
  // intermediates together (conv1 out, bn1 out, relu1 out, ... at batch 2).
  EXPECT_LT(mem[0].arenaBytes, mem[0].intermediateBytes);
  ASSERT_TRUE(session.run({{"input", kiln::Tensor::allocate(1, {4, 1, 28, 28})}}, out, error));
  EXPECT_EQ(model->memoryReport()[0].plansCached, 2u);
}

TEST_F(RuntimeFixture, BadInputsAreRefusedClearly) {
  kiln::Runtime rt(options());
  std::string error;
  auto model = rt.load(artifactPath, error);
  ASSERT_TRUE(model) << error;
  kiln::Session session(*model);
  std::vector<kiln::Tensor> out;
  EXPECT_FALSE(session.run({}, out, error));
  EXPECT_NE(error.find("missing input 'input'"), std::string::npos) << error;
  EXPECT_FALSE(session.run({{"input", kiln::Tensor::allocate(1, {1, 3, 28, 28})}}, out, error));
  EXPECT_NE(error.find("has shape 1x3x28x28 but the model expects ?x1x28x28"), std::string::npos)
      << error;
  EXPECT_FALSE(session.run({{"input", kiln::Tensor::allocate(11, {1, 1, 28, 28})}}, out, error));
  EXPECT_NE(error.find("dtype f64"), std::string::npos) << error;
  EXPECT_FALSE(session.run({{"input", kiln::Tensor::allocate(1, {1, 1, 28, 28})},
                            {"other", kiln::Tensor::allocate(1, {1})}},
                           out, error));
  EXPECT_NE(error.find("no input named 'other'"), std::string::npos) << error;
}

TEST_F(RuntimeFixture, MissingPluginIsReported) {
  kiln::Runtime::Options o;
  o.pluginPaths = {"/nonexistent"};
  ::setenv("KILN_PLUGIN_PATH", "/also-nonexistent", 1);
  // The runtime still finds plugins next to libkiln_runtime.so, as installed;
  // an artifact naming an unknown plugin is what fails.
  kiln::Runtime rt(o);
  std::string error;
  EXPECT_EQ(rt.plugins().get("no_such_backend", error), nullptr);
  EXPECT_NE(error.find("no plugin named 'no_such_backend'"), std::string::npos) << error;
  ::unsetenv("KILN_PLUGIN_PATH");
}

// Graph outputs keep their own names whatever the optimizer made of them: a
// graph input returned as is (through a removed Identity), a folded constant,
// and one value returned under two names.
TEST(OutputNames, PassThroughConstantAndDuplicateOutputs) {
  using namespace kiln::test;
  Msg constant;
  constant.str(1, "value").msg(5, floatTensor("kv", {2}, {7.f, 8.f})).varint(20, 4);
  Msg graph;
  graph.msg(1, node("Identity", {"x"}, {"a"}, "id_a"))
      .msg(1, node("Constant", {}, {"k"}, "knode").msg(5, constant))
      .msg(1, node("Add", {"x", "k"}, {"s"}, "add"))
      .msg(1, node("Identity", {"s"}, {"s2"}, "id_s"))
      .str(2, "outputs")
      .msg(11, valueInfo("x", {2}))
      .msg(12, valueInfo("a", {2}))
      .msg(12, valueInfo("k", {2}))
      .msg(12, valueInfo("s", {2}))
      .msg(12, valueInfo("s2", {2}));
  std::string bytes = model(graph);
  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  std::string error;
  auto module = kiln::onnx::importModelBuffer(ctx, bytes.data(), bytes.size(), "outputs.onnx", error);
  ASSERT_TRUE(module) << error;
  mlir::PassManager pm(&ctx);
  kiln::buildOptimizationPipeline(pm, 2);
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  char tmpl[] = "/tmp/kiln-out-XXXXXX";
  std::string path = std::string(mkdtemp(tmpl)) + "/outputs.kiln";
  kiln::ExportOptions eo;
  eo.targets = {"reference"};
  eo.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
  std::string report;
  ASSERT_TRUE(kiln::exportArtifact(*module, path, eo, report, error)) << error;

  kiln::Runtime::Options ro;
  ro.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
  kiln::Runtime rt(ro);
  auto m = rt.load(path, error);
  ASSERT_TRUE(m) << error;
  std::vector<std::string> names;
  for (auto &o : m->outputs())
    names.push_back(o.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "k", "s", "s2"}));
  ASSERT_EQ(m->inputs().size(), 1u);
  EXPECT_EQ(m->inputs()[0].name, "x");

  kiln::Session session(*m);
  kiln::Tensor x = kiln::Tensor::allocate(1, {2});
  x.as<float>()[0] = 1.f;
  x.as<float>()[1] = 2.f;
  std::vector<kiln::Tensor> out;
  ASSERT_TRUE(session.run({{"x", x}}, out, error)) << error;
  ASSERT_EQ(out.size(), 4u);
  const std::vector<std::vector<float>> expect = {{1, 2}, {7, 8}, {8, 10}, {8, 10}};
  for (size_t i = 0; i < 4; ++i)
    for (size_t k = 0; k < 2; ++k)
      EXPECT_EQ(out[i].as<float>()[k], expect[i][k]) << names[i] << "[" << k << "]";
}

} // namespace
