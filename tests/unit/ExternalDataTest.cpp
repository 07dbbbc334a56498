//===- ExternalDataTest.cpp - ONNX tensors stored in side files -----------===//
#include "OnnxWriter.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/Passes.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"

#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace kiln::test;

namespace {

class ExternalData : public ::testing::Test {
protected:
  mlir::DialectRegistry registry;
  std::unique_ptr<mlir::MLIRContext> ctx;
  std::string dir, outside;
  void SetUp() override {
    kiln::registerKilnDialects(registry);
    ctx = std::make_unique<mlir::MLIRContext>(registry);
    char tmpl[] = "/tmp/kiln-ext-XXXXXX";
    outside = mkdtemp(tmpl);
    dir = outside + "/model";
    ::mkdir(dir.c_str(), 0755);
    // weights.bin: 16 bytes of header, then 4 floats.
    std::vector<float> w = {1.5f, -2.f, 3.25f, 4.f};
    std::ofstream f(dir + "/weights.bin", std::ios::binary);
    f << std::string(16, 'H');
    f.write(reinterpret_cast<const char *>(w.data()), 16);
    f.close();
    std::ofstream(outside + "/secret.bin", std::ios::binary) << std::string(16, 'S');
  }
  void TearDown() override { std::system(("rm -rf " + outside).c_str()); }

  /// A model y = x + W where W lives in an external file.
  std::string modelWith(const std::string &location, int64_t offset, int64_t length) {
    Msg t;
    t.varint(1, 4).varint(2, 1).str(8, "W");
    auto kv = [&](const std::string &k, const std::string &v) {
      t.msg(13, Msg().str(1, k).str(2, v));
    };
    kv("location", location);
    if (offset >= 0)
      kv("offset", std::to_string(offset));
    if (length >= 0)
      kv("length", std::to_string(length));
    t.varint(14, 1); // data_location = EXTERNAL
    Msg g;
    g.msg(1, node("Add", {"x", "W"}, {"y"}, "add")).msg(5, t);
    g.msg(11, valueInfo("x", {4})).msg(12, valueInfo("y", {4}));
    std::string path = dir + "/m.onnx";
    std::ofstream(path, std::ios::binary) << model(g);
    return path;
  }
  std::string refused(const std::string &path) {
    std::string error;
    auto m = kiln::onnx::importModelFile(*ctx, path, error);
    EXPECT_FALSE(m);
    EXPECT_NE(error.find("m.onnx"), std::string::npos) << error;
    return error;
  }
};

TEST_F(ExternalData, IsMappedInPlace) {
  std::string error;
  auto m = kiln::onnx::importModelFile(*ctx, modelWith("weights.bin", 16, 16), error);
  ASSERT_TRUE(m) << error;
  kiln::ConstantOp constant;
  m->walk([&](kiln::ConstantOp c) { constant = c; });
  ASSERT_TRUE(constant);
  auto res = mlir::dyn_cast<mlir::DenseResourceElementsAttr>(constant.getValue());
  ASSERT_TRUE(res);
  auto values = kiln::readConstant(res);
  ASSERT_TRUE(values);
  EXPECT_EQ(values->f, (std::vector<double>{1.5, -2.0, 3.25, 4.0}));
  // The blob's bytes lie inside a mapping of weights.bin: no copy was made.
  uintptr_t p = reinterpret_cast<uintptr_t>(res.getRawHandle().getBlob()->getData().data());
  std::ifstream maps("/proc/self/maps");
  bool mapped = false;
  for (std::string line; std::getline(maps, line);) {
    if (line.find("weights.bin") == std::string::npos)
      continue;
    uintptr_t lo = 0, hi = 0;
    std::sscanf(line.c_str(), "%lx-%lx", &lo, &hi);
    mapped |= p >= lo && p < hi;
  }
  EXPECT_TRUE(mapped);
}

TEST_F(ExternalData, LengthDefaultsToTheRestOfTheFile) {
  std::string error;
  EXPECT_TRUE(kiln::onnx::importModelFile(*ctx, modelWith("weights.bin", 16, -1), error)) << error;
}

TEST_F(ExternalData, DotDotIsRefused) {
  std::string e = refused(modelWith("../secret.bin", 0, 16));
  EXPECT_NE(e.find("escapes the model's directory"), std::string::npos) << e;
}

TEST_F(ExternalData, AbsolutePathIsRefused) {
  std::string e = refused(modelWith(outside + "/secret.bin", 0, 16));
  EXPECT_NE(e.find("absolute path"), std::string::npos) << e;
}

TEST_F(ExternalData, SymlinkOutIsRefused) {
  ASSERT_EQ(::symlink((outside + "/secret.bin").c_str(), (dir + "/link.bin").c_str()), 0);
  std::string e = refused(modelWith("link.bin", 0, 16));
  EXPECT_NE(e.find("symbolic link"), std::string::npos) << e;
}

TEST_F(ExternalData, PastTheEndIsRefused) {
  std::string e = refused(modelWith("weights.bin", 100, 16));
  EXPECT_NE(e.find("past the end"), std::string::npos) << e;
  e = refused(modelWith("weights.bin", 24, 16));
  EXPECT_NE(e.find("past the end"), std::string::npos) << e;
}

TEST_F(ExternalData, WrongLengthIsRefused) {
  std::string e = refused(modelWith("weights.bin", 16, 8));
  EXPECT_NE(e.find("holds 8 bytes but the tensor needs 16"), std::string::npos) << e;
}

TEST_F(ExternalData, MissingFileIsRefused) {
  std::string e = refused(modelWith("nope.bin", 0, 16));
  EXPECT_NE(e.find("nope.bin"), std::string::npos) << e;
}

} // namespace
