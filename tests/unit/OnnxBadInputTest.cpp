//===- OnnxBadInputTest.cpp - hostile and broken ONNX models --------------===//
//
// Each broken model must be refused with a message naming the file and the
// problem: no crash, no silent wrong answer.
//
//===----------------------------------------------------------------------===//
#include "OnnxWriter.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/Passes.h"

#include "mlir/IR/MLIRContext.h"

#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace kiln::test;

namespace {

class BadOnnx : public ::testing::Test {
protected:
  mlir::DialectRegistry registry;
  std::unique_ptr<mlir::MLIRContext> ctx;
  std::string dir;
  void SetUp() override {
    kiln::registerKilnDialects(registry);
    ctx = std::make_unique<mlir::MLIRContext>(registry);
    char tmpl[] = "/tmp/kiln-bad-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  void TearDown() override { std::system(("rm -rf " + dir).c_str()); }
  /// Imports `bytes` as NAME.onnx; expects a refusal mentioning every part.
  void expectRefused(const std::string &name, const std::string &bytes,
                     std::initializer_list<const char *> parts) {
    std::string path = dir + "/" + name + ".onnx";
    std::ofstream(path, std::ios::binary) << bytes;
    std::string error;
    auto m = kiln::onnx::importModelFile(*ctx, path, error);
    EXPECT_FALSE(m) << name << " was accepted";
    EXPECT_NE(error.find(path), std::string::npos) << "no file name in: " << error;
    for (const char *p : parts)
      EXPECT_NE(error.find(p), std::string::npos) << "'" << p << "' missing in: " << error;
  }
};

TEST_F(BadOnnx, CycleBetweenTwoNodes) {
  Msg g;
  g.msg(1, node("Relu", {"b"}, {"a"}, "first")).msg(1, node("Relu", {"a"}, {"b"}, "second"));
  g.msg(11, valueInfo("x", {2})).msg(12, valueInfo("b", {2}));
  expectRefused("cycle", model(g), {"first", "'b' is not produced by any earlier node"});
}

TEST_F(BadOnnx, DanglingInputName) {
  Msg g;
  g.msg(1, node("Add", {"x", "ghost"}, {"y"}, "adder"));
  g.msg(11, valueInfo("x", {2})).msg(12, valueInfo("y", {2}));
  expectRefused("dangling", model(g), {"adder", "'ghost'"});
}

TEST_F(BadOnnx, DuplicateOutputsAreNotSilentlyMerged) {
  Msg g;
  g.msg(1, node("Relu", {"x"}, {"y"}, "r1")).msg(1, node("Neg", {"x"}, {"y"}, "r2"));
  g.msg(11, valueInfo("x", {2})).msg(12, valueInfo("y", {2}));
  expectRefused("dup", model(g), {"r2", "'y'", "more than once"});
}

TEST_F(BadOnnx, TensorDataShorterThanItsShape) {
  Msg g;
  g.msg(1, node("Add", {"x", "w"}, {"y"}, "a"));
  g.msg(5, floatTensor("w", {4}, {1.f, 2.f})); // 2 values for 4 elements
  g.msg(11, valueInfo("x", {4})).msg(12, valueInfo("y", {4}));
  expectRefused("short", model(g), {"'w'"});
}

TEST_F(BadOnnx, NegativeDimension) {
  Msg g;
  g.msg(1, node("Add", {"x", "w"}, {"y"}, "a"));
  g.msg(5, floatTensor("w", {-3}, {}));
  g.msg(11, valueInfo("x", {1})).msg(12, valueInfo("y", {1}));
  expectRefused("negdim", model(g), {"'w'"});
}

TEST_F(BadOnnx, AbsurdElementCount) {
  // 10^12 elements claimed, no data behind them.
  Msg g;
  g.msg(1, node("Add", {"x", "w"}, {"y"}, "a"));
  g.msg(5, floatTensor("w", {1000000, 1000000}, {1.f}));
  g.msg(11, valueInfo("x", {1})).msg(12, valueInfo("y", {1}));
  expectRefused("absurd", model(g), {"'w'"});
}

TEST_F(BadOnnx, ShapesOverflowingInt64) {
  Msg g;
  g.msg(1, node("Add", {"x", "w"}, {"y"}, "a"));
  g.msg(5, floatTensor("w", {int64_t(1) << 40, int64_t(1) << 40}, {1.f}));
  g.msg(11, valueInfo("x", {1})).msg(12, valueInfo("y", {1}));
  expectRefused("overflow", model(g), {"'w'"});
}

TEST_F(BadOnnx, CustomDomainWithoutOpsetImport) {
  Msg g;
  g.msg(1, node("Frob", {"x"}, {"y"}, "f", "com.example"));
  g.msg(11, valueInfo("x", {1})).msg(12, valueInfo("y", {1}));
  expectRefused("domain", model(g), {"com.example", "Frob"});
}

TEST_F(BadOnnx, NoGraph) {
  Msg m;
  Msg opset;
  opset.str(1, "").varint(2, 17);
  m.varint(1, 8).msg(8, opset);
  expectRefused("nograph", m.bytes, {"no graph"});
}

TEST_F(BadOnnx, TruncatedEverywhere) {
  Msg g;
  g.msg(1, node("Relu", {"x"}, {"y"}, "r")).msg(11, valueInfo("x", {3})).msg(12, valueInfo("y", {3}));
  std::string bytes = model(g);
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    std::string path = dir + "/t.onnx";
    std::ofstream(path, std::ios::binary) << bytes.substr(0, cut);
    std::string error;
    auto m = kiln::onnx::importModelFile(*ctx, path, error);
    if (!m)
      EXPECT_NE(error.find(path), std::string::npos) << error;
  }
}

} // namespace
