//===- ArchiveImportTest.cpp - importing golden TorchScript archives ------===//
//
// Uses the archives the golden generator writes in the build (PyTorch needed
// at build time); skips visibly without them.
//
//===----------------------------------------------------------------------===//
#include "kiln/torch/TorchScriptImporter.h"

#include "kiln/ir/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace kiln::torch;

namespace {

std::string golden(const std::string &name) {
  return std::string(KILN_BINARY_DIR) + "/frontends/torch/script/tests/golden/" + name;
}

bool exists(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

#define REQUIRE_GOLDEN(path)                                                                       \
  if (!exists(path))                                                                               \
  GTEST_SKIP() << "no " << path << " (PyTorch/torchvision were not found at build time)"

TEST(ArchiveImport, WeightsStayInTheMappedArchive) {
  std::string path = golden("resnet18_traced.pt");
  REQUIRE_GOLDEN(path);
  mlir::MLIRContext ctx;
  TorchScriptImportOptions opts;
  opts.inputShapes["x"] = {1, 3, 64, 64};
  std::string error;
  auto m = importTorchScript(ctx, path, opts, error);
  ASSERT_TRUE(m) << error;
  size_t mapped = 0, copied = 0, blobs = 0;
  m->walk([&](kiln::ConstantOp c) {
    auto r = mlir::dyn_cast<mlir::DenseResourceElementsAttr>(c.getValue());
    if (!r)
      return;
    mlir::AsmResourceBlob *blob = r.getRawHandle().getBlob();
    ASSERT_NE(blob, nullptr);
    ++blobs;
    // Mapped blobs are read-only views of the file; copies are mutable heap blobs.
    (blob->isMutable() ? copied : mapped) += blob->getData().size();
  });
  // 11.7 M parameters (+ batch norm statistics) in 4-byte floats.
  EXPECT_GT(mapped, size_t(44) << 20);
  EXPECT_EQ(copied, 0u);
  EXPECT_GE(blobs, 60u);
  auto fn = *m->getOps<mlir::func::FuncOp>().begin();
  EXPECT_EQ(mlir::cast<mlir::RankedTensorType>(fn.getResultTypes()[0]).getShape(),
            llvm::ArrayRef<int64_t>({1, 1000}));
  EXPECT_EQ((*m)->getAttrOfType<mlir::StringAttr>("kiln.source").getValue(), path);
}

TEST(ArchiveImport, ExportedMethods) {
  std::string path = golden("multimethod_scripted.pt");
  REQUIRE_GOLDEN(path);
  mlir::MLIRContext ctx;
  TorchScriptImportOptions opts;
  opts.method = "head";
  opts.inputShapes = {{"v", {2, 4}}, {"bias", {4}}};
  std::string error;
  auto m = importTorchScript(ctx, path, opts, error);
  ASSERT_TRUE(m) << error;
  auto fn = *m->getOps<mlir::func::FuncOp>().begin();
  ASSERT_EQ(fn.getNumArguments(), 2u);
  EXPECT_EQ(fn.getArgAttrOfType<mlir::StringAttr>(0, "kiln.name").getValue(), "v");
  EXPECT_EQ(fn.getArgAttrOfType<mlir::StringAttr>(1, "kiln.name").getValue(), "bias");
  EXPECT_EQ((*m)->getAttrOfType<mlir::StringAttr>("kiln.torch.method").getValue(), "head");

  // Without the optional tensor, `bias is not None` resolves at compile time.
  opts.inputShapes = {{"v", {2, 4}}};
  error.clear();
  mlir::MLIRContext ctx2;
  auto m2 = importTorchScript(ctx2, path, opts, error);
  ASSERT_FALSE(m2);
  EXPECT_NE(error.find("input 'bias' of head has no shape in the archive"), std::string::npos) << error;

  opts.method = "describe";
  mlir::MLIRContext ctx3;
  EXPECT_FALSE(importTorchScript(ctx3, path, opts, error));
  EXPECT_NE(error.find("has no method 'describe' (it has: forward, features, head)"), std::string::npos)
      << error;
}

TEST(ArchiveImport, NotAnArchive) {
  mlir::MLIRContext ctx;
  std::string error;
  std::string path = std::string(KILN_SOURCE_DIR) + "/examples/mnist_cnn/model.onnx";
  EXPECT_FALSE(isTorchScriptFile(path));
  EXPECT_FALSE(importTorchScript(ctx, path, {}, error));
  EXPECT_NE(error.find("model.onnx"), std::string::npos) << error;
  EXPECT_TRUE(isTorchScriptFile(std::string(KILN_SOURCE_DIR) + "/examples/mnist_cnn/model.pt"));
}

} // namespace
