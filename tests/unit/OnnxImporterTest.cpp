//===- OnnxImporterTest.cpp - the ONNX frontend on real and broken models ===//
#include "OnnxWriter.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <unistd.h>

using namespace mlir;
using namespace kiln::test;

namespace {

struct Fixture : ::testing::Test {
  DialectRegistry registry;
  std::unique_ptr<MLIRContext> ctx;
  std::string dir;
  void SetUp() override {
    kiln::registerKilnDialects(registry);
    ctx = std::make_unique<MLIRContext>(registry);
    char tmpl[] = "/tmp/kiln-onnx-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  void TearDown() override { std::system(("rm -rf " + dir).c_str()); }
  std::string write(const std::string &name, const std::string &bytes) {
    std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string importError(const std::string &path) {
    std::string error;
    auto m = kiln::onnx::importModelFile(*ctx, path, error);
    EXPECT_FALSE(m) << "expected " << path << " to be refused";
    return error;
  }
};

std::map<std::string, int> countOps(ModuleOp m) {
  std::map<std::string, int> c;
  m.walk([&](Operation *op) {
    if (isa<kiln::KilnDialect>(op->getDialect()))
      c[op->getName().getStringRef().str()]++;
  });
  return c;
}

TEST_F(Fixture, ImportsTheBundledExample) {
  std::string path = std::string(KILN_SOURCE_DIR) + "/examples/mnist_cnn/model.onnx";
  std::string error;
  auto module = kiln::onnx::importModelFile(*ctx, path, error);
  ASSERT_TRUE(module) << error;
  auto func = *module->getOps<func::FuncOp>().begin();
  ASSERT_EQ(func.getNumArguments(), 1u);
  EXPECT_EQ(func.getArgAttrOfType<StringAttr>(0, "kiln.name").getValue(), "input");
  auto in = cast<RankedTensorType>(func.getArgument(0).getType());
  EXPECT_TRUE(in.isDynamicDim(0));
  EXPECT_EQ(in.getShape().drop_front(), (ArrayRef<int64_t>{1, 28, 28}));
  auto names = func.getArgAttrOfType<ArrayAttr>(0, "kiln.dim_names");
  ASSERT_TRUE(names);
  EXPECT_EQ(cast<StringAttr>(names[0]).getValue(), "batch");
  EXPECT_EQ(func.getResultAttrOfType<StringAttr>(0, "kiln.name").getValue(), "logits");
  auto out = cast<RankedTensorType>(func.getResultTypes()[0]);
  EXPECT_EQ(out.getRank(), 2);
  EXPECT_EQ(out.getDimSize(1), 10);

  auto ops = countOps(*module);
  EXPECT_EQ(ops["kiln.conv"], 2);
  EXPECT_EQ(ops["kiln.batch_norm"], 2);
  EXPECT_EQ(ops["kiln.relu"], 3);
  EXPECT_EQ(ops["kiln.max_pool"], 2);
  EXPECT_EQ(ops["kiln.gemm"], 2);
  EXPECT_EQ(ops["kiln.dropout"], 1);

  // Weights are resource blobs over the mapped file, not dense copies.
  int blobs = 0;
  module->walk([&](kiln::ConstantOp c) {
    if (isa<DenseResourceElementsAttr>(c.getValue()))
      ++blobs;
  });
  EXPECT_GE(blobs, 14);

  // Optimization keeps the interface and removes the dropout.
  PassManager pm(ctx.get());
  kiln::buildOptimizationPipeline(pm, 2);
  ASSERT_TRUE(succeeded(pm.run(*module)));
  auto after = countOps(*module);
  EXPECT_EQ(after["kiln.dropout"], 0);
  EXPECT_EQ(after["kiln.fused_conv"], 2); // conv + relu, batch norm folded
  EXPECT_EQ(after["kiln.batch_norm"], 0);
}

TEST_F(Fixture, MissingFileNamesThePath) {
  std::string error = importError(dir + "/does-not-exist.onnx");
  EXPECT_NE(error.find("does-not-exist.onnx"), std::string::npos) << error;
}

TEST_F(Fixture, GarbageIsRefusedWithTheFileName) {
  std::string path = write("garbage.onnx", std::string("\xff\xff\xff\xff not a model", 17));
  std::string error = importError(path);
  EXPECT_NE(error.find("garbage.onnx"), std::string::npos) << error;
  EXPECT_NE(error.find("not a valid ONNX model"), std::string::npos) << error;
}

TEST_F(Fixture, TruncatedModelNeverCrashes) {
  std::string path = std::string(KILN_SOURCE_DIR) + "/examples/mnist_cnn/model.onnx";
  std::ifstream f(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), {});
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t cut : {size_t(1), size_t(10), size_t(100), bytes.size() / 2, bytes.size() - 1}) {
    std::string error = importError(write("cut.onnx", bytes.substr(0, cut)));
    EXPECT_FALSE(error.empty());
  }
}

TEST_F(Fixture, UnknownOpNamesOpDomainOpsetAndNode) {
  Msg g;
  g.msg(1, node("FancyOp", {"x"}, {"y"}, "my_node")).str(2, "g");
  g.msg(11, valueInfo("x", {2, 3})).msg(12, valueInfo("y", {2, 3}));
  std::string error = importError(write("unknown.onnx", model(g, 17)));
  for (const char *part : {"unknown.onnx", "my_node", "FancyOp", "ai.onnx", "opset 17",
                           "unsupported op type"})
    EXPECT_NE(error.find(part), std::string::npos) << part << " missing in: " << error;
}

TEST_F(Fixture, DanglingInputIsRefused) {
  Msg g;
  g.msg(1, node("Relu", {"nowhere"}, {"y"}, "r")).str(2, "g");
  g.msg(11, valueInfo("x", {2})).msg(12, valueInfo("y", {2}));
  std::string error = importError(write("dangling.onnx", model(g)));
  EXPECT_NE(error.find("'nowhere' is not produced"), std::string::npos) << error;
}

TEST_F(Fixture, UnsupportedOpsetIsRefused) {
  Msg g;
  g.msg(1, node("Relu", {"x"}, {"y"})).str(2, "g");
  g.msg(11, valueInfo("x", {2})).msg(12, valueInfo("y", {2}));
  std::string error = importError(write("future.onnx", model(g, 99)));
  EXPECT_NE(error.find("opset 99 is not supported"), std::string::npos) << error;
}

TEST_F(Fixture, ShapeErrorsComeFromTheVerifierWithTheNode) {
  // Conv whose weight has the wrong number of input channels.
  Msg g;
  g.msg(1, node("Conv", {"x", "w"}, {"y"}, "bad_conv")).str(2, "g");
  g.msg(5, floatTensor("w", {4, 5, 3, 3}, std::vector<float>(4 * 5 * 9, 0.5f)));
  g.msg(11, valueInfo("x", {1, 3, 8, 8})).msg(12, valueInfo("y", {-1, -1, -1, -1}));
  std::string error = importError(write("badconv.onnx", model(g)));
  EXPECT_NE(error.find("bad_conv"), std::string::npos) << error;
  EXPECT_NE(error.find("channels"), std::string::npos) << error;
}

TEST_F(Fixture, SmallGraphImportsAndInfersShapes) {
  Msg g;
  Msg unsq = node("Unsqueeze", {"y", "axes"}, {"z"}, "u");
  g.msg(1, node("Relu", {"x"}, {"y"}, "r")).msg(1, unsq).str(2, "g");
  Msg axes;
  axes.varint(1, 1).varint(2, 7).str(8, "axes");
  int64_t zero = 0;
  axes.str(9, std::string(reinterpret_cast<const char *>(&zero), 8));
  g.msg(5, axes);
  g.msg(11, valueInfo("x", {-1, 3})).msg(12, valueInfo("z", {-1, -1, -1}));
  std::string error;
  auto m = kiln::onnx::importModelFile(*ctx, write("small.onnx", model(g, 13)), error);
  ASSERT_TRUE(m) << error;
  auto f = *m->getOps<func::FuncOp>().begin();
  auto t = cast<RankedTensorType>(f.getResultTypes()[0]);
  EXPECT_EQ(t.getShape()[0], 1);
  EXPECT_TRUE(t.isDynamicDim(1));
  EXPECT_EQ(t.getShape()[2], 3);
}

} // namespace
