//===- OnnxCustomOpTest.cpp - nodes of custom domains become kiln.custom --===//
//
// A node of a non-default domain imports as kiln.custom (domain, op_type,
// attributes as a dictionary, declared result types) when the model's
// opset_import lists the domain; export refuses what the artifact cannot hold
// with a message naming the node, and the reference plugin does not claim it.
//
//===----------------------------------------------------------------------===//
#include "OnnxWriter.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace mlir;
using namespace kiln::test;

namespace {

/// A model importing the default domain at `opset` and each of `domains`.
std::string modelWith(const Msg &graph, std::vector<std::string> domains, int64_t opset = 17) {
  Msg m;
  m.varint(1, 8);
  m.msg(8, Msg().str(1, "").varint(2, opset));
  for (auto &d : domains)
    m.msg(8, Msg().str(1, d).varint(2, 1));
  m.str(2, "kiln-test").msg(7, graph);
  return m.bytes;
}

Msg intAttr(const std::string &name, int64_t v) { return Msg().str(1, name).varint(3, v).varint(20, 2); }
Msg floatAttr(const std::string &name, float v) { return Msg().str(1, name).f32(2, v).varint(20, 1); }
Msg stringAttr(const std::string &name, const std::string &v) {
  return Msg().str(1, name).str(4, v).varint(20, 3);
}
Msg floatsAttr(const std::string &name, std::vector<float> v) {
  Msg a;
  a.str(1, name).varint(20, 6);
  for (float x : v)
    a.f32(7, x);
  return a;
}
Msg stringsAttr(const std::string &name, std::vector<std::string> v) {
  Msg a;
  a.str(1, name).varint(20, 8);
  for (auto &x : v)
    a.str(9, x);
  return a;
}
Msg tensorAttr(const std::string &name, const Msg &t) { return Msg().str(1, name).msg(5, t).varint(20, 4); }

struct CustomOps : ::testing::Test {
  DialectRegistry registry;
  std::unique_ptr<MLIRContext> ctx;
  std::string dir;
  void SetUp() override {
    kiln::registerKilnDialects(registry);
    ctx = std::make_unique<MLIRContext>(registry);
    char tmpl[] = "/tmp/kiln-custom-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  void TearDown() override { std::system(("rm -rf " + dir).c_str()); }
  std::string write(const std::string &name, const std::string &bytes) {
    std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  kiln::CustomOp onlyCustom(ModuleOp m) {
    kiln::CustomOp found;
    int count = 0;
    m.walk([&](kiln::CustomOp op) {
      found = op;
      ++count;
    });
    EXPECT_EQ(count, 1);
    return found;
  }
  std::string exportError(ModuleOp m, std::vector<std::string> targets = {}) {
    kiln::ExportOptions o;
    o.targets = std::move(targets);
#ifdef KILN_REFERENCE_PLUGIN_DIR
    o.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
#endif
    std::string report, error;
    EXPECT_FALSE(kiln::exportArtifact(m, dir + "/out.kiln", o, report, error))
        << "export unexpectedly succeeded";
    return error;
  }
};

TEST_F(CustomOps, ImportsAttributesAndDeclaredTypes) {
  Msg n = node("MyOp", {"x", "k"}, {"y", "z"}, "my_node", "com.example");
  n.msg(5, intAttr("n", 3))
      .msg(5, floatAttr("alpha", 0.5f))
      .msg(5, stringAttr("mode", "fast"))
      .msg(5, intsAttr("sizes", {1, -2}))
      .msg(5, floatsAttr("weights", {1.5f, 2.5f}))
      .msg(5, stringsAttr("names", {"a", "b"}))
      .msg(5, tensorAttr("table", floatTensor("", {2}, {1.0f, 2.0f})));
  Msg g;
  g.msg(1, n).msg(1, node("Relu", {"y"}, {"r"}, "relu"));
  g.msg(11, valueInfo("x", {2, 3})).msg(11, valueInfo("k", {4}, 7));
  g.msg(12, valueInfo("r", {2, 3})).msg(12, valueInfo("z", {-1}, 7));
  g.msg(13, valueInfo("y", {2, 3}));
  std::string error;
  auto m = kiln::onnx::importModelFile(*ctx, write("custom.onnx", modelWith(g, {"com.example"})), error);
  ASSERT_TRUE(m) << error;
  kiln::CustomOp op = onlyCustom(*m);
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getDomain(), "com.example");
  EXPECT_EQ(op.getOpType(), "MyOp");
  EXPECT_EQ(op.getNumOperands(), 2u);
  ASSERT_EQ(op.getNumResults(), 2u);
  // y from value_info, z from the graph outputs (dim_param -> ?).
  EXPECT_EQ(op.getResult(0).getType(), RankedTensorType::get({2, 3}, Builder(ctx.get()).getF32Type()));
  EXPECT_EQ(op.getResult(1).getType(),
            RankedTensorType::get({ShapedType::kDynamic}, Builder(ctx.get()).getI64Type()));
  DictionaryAttr attrs = op.getNodeAttrsAttr();
  ASSERT_TRUE(attrs);
  EXPECT_EQ(attrs.size(), 7u);
  EXPECT_EQ(cast<IntegerAttr>(attrs.get("n")).getInt(), 3);
  EXPECT_EQ(cast<FloatAttr>(attrs.get("alpha")).getValueAsDouble(), 0.5);
  EXPECT_EQ(cast<StringAttr>(attrs.get("mode")).getValue(), "fast");
  EXPECT_EQ(cast<DenseI64ArrayAttr>(attrs.get("sizes")).asArrayRef(), ArrayRef<int64_t>({1, -2}));
  EXPECT_EQ(cast<DenseF32ArrayAttr>(attrs.get("weights")).asArrayRef(), ArrayRef<float>({1.5f, 2.5f}));
  auto names = cast<ArrayAttr>(attrs.get("names"));
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(cast<StringAttr>(names[1]).getValue(), "b");
  auto table = cast<DenseElementsAttr>(attrs.get("table"));
  EXPECT_EQ(table.getType(), RankedTensorType::get({2}, Builder(ctx.get()).getF32Type()));
  EXPECT_EQ(*(table.getValues<float>().begin() + 1), 2.0f);
  // The artifact flattens the dictionary into the node's attributes, but
  // has no string-list kind yet: export names the node and the attribute.
  std::string e = exportError(*m);
  EXPECT_NE(e.find("my_node"), std::string::npos) << e;
  EXPECT_NE(e.find("'names'"), std::string::npos) << e;
}

TEST_F(CustomOps, MissingOpsetImportIsRefused) {
  Msg g;
  g.msg(1, node("MyOp", {"x"}, {"y"}, "my_node", "com.example"));
  g.msg(11, valueInfo("x", {2})).msg(12, valueInfo("y", {2}));
  std::string error;
  auto m = kiln::onnx::importModelFile(*ctx, write("noimport.onnx", modelWith(g, {"org.other"})), error);
  EXPECT_FALSE(m);
  EXPECT_NE(error.find("opset import missing for domain 'com.example'"), std::string::npos) << error;
  EXPECT_NE(error.find("my_node"), std::string::npos) << error;
}

TEST_F(CustomOps, UndeclaredResultIsUnrankedAndExportNamesTheNode) {
  Msg g;
  g.msg(1, node("Mystery", {"x"}, {"t"}, "mystery_node", "com.example"))
      .msg(1, node("Relu", {"t"}, {"y"}, "relu"));
  g.msg(11, valueInfo("x", {2}));
  // The graph output has no type: nothing declares t's type.
  g.msg(12, Msg().str(1, "y"));
  std::string error;
  auto m = kiln::onnx::importModelFile(*ctx, write("untyped.onnx", modelWith(g, {"com.example"})), error);
  ASSERT_TRUE(m) << error;
  kiln::CustomOp op = onlyCustom(*m);
  ASSERT_TRUE(op);
  EXPECT_FALSE(op.getNodeAttrsAttr());
  EXPECT_TRUE(isa<UnrankedTensorType>(op.getResult(0).getType()));
  std::string e = exportError(*m);
  EXPECT_NE(e.find("result of node 'mystery_node' (custom)"), std::string::npos) << e;
  EXPECT_NE(e.find("unranked"), std::string::npos) << e;
}

TEST_F(CustomOps, OmittedMiddleInputIsRefused) {
  Msg g;
  g.msg(1, node("MyOp", {"x", "", "x"}, {"y"}, "gap", "com.example"));
  g.msg(11, valueInfo("x", {2})).msg(12, valueInfo("y", {2}));
  std::string error;
  auto m = kiln::onnx::importModelFile(*ctx, write("gap.onnx", modelWith(g, {"com.example"})), error);
  EXPECT_FALSE(m);
  EXPECT_NE(error.find("custom op input 1 is omitted"), std::string::npos) << error;
}

TEST_F(CustomOps, SurvivesTheOptimizationPipeline) {
  // Constant operands and an unused result: the op neither folds nor goes away.
  Msg g;
  g.msg(1, node("MyOp", {"w"}, {"y", "unused"}, "my_node", "com.example"))
      .msg(1, node("Relu", {"y"}, {"r"}, "relu"));
  g.msg(5, floatTensor("w", {2}, {1.0f, -2.0f}));
  g.msg(12, valueInfo("r", {2})).msg(13, valueInfo("y", {2})).msg(13, valueInfo("unused", {2}));
  std::string error;
  auto m = kiln::onnx::importModelFile(*ctx, write("pipeline.onnx", modelWith(g, {"com.example"})), error);
  ASSERT_TRUE(m) << error;
  for (int level = 0; level <= 3; ++level) {
    PassManager pm(ctx.get());
    kiln::buildOptimizationPipeline(pm, level);
    ASSERT_TRUE(succeeded(pm.run(*m))) << "level " << level;
    kiln::CustomOp op = onlyCustom(*m);
    ASSERT_TRUE(op) << "level " << level;
    EXPECT_EQ(op.getNumResults(), 2u);
  }
}

#ifdef KILN_REFERENCE_PLUGIN_DIR
TEST_F(CustomOps, ReferencePluginDoesNotClaimCustom) {
  Msg g;
  g.msg(1, node("MyOp", {"x"}, {"y"}, "my_node", "com.example"));
  g.msg(11, valueInfo("x", {2})).msg(12, valueInfo("y", {2}));
  std::string error;
  auto m = kiln::onnx::importModelFile(*ctx, write("plain.onnx", modelWith(g, {"com.example"})), error);
  ASSERT_TRUE(m) << error;
  std::string e = exportError(*m, {"reference"});
  EXPECT_NE(e.find("custom"), std::string::npos) << e;
}
#endif

} // namespace
