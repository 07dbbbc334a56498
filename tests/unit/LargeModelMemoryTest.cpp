//===- LargeModelMemoryTest.cpp - importing never copies the weights ------===//
//
// Writes a 1 GiB ONNX model (a sparse file: the weight bytes are a hole, so
// the test costs no disk), imports and optimizes it, and checks that the
// process's resident memory grew by far less than the weights: they stay in
// the mapped file as resource blobs.
//
//===----------------------------------------------------------------------===//
#include "OnnxWriter.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace kiln::test;

namespace {

int64_t residentBytes() {
  std::ifstream f("/proc/self/statm");
  int64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

size_t varintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

TEST(LargeModelMemory, OneGiBOfWeightsIsNotCopied) {
  const uint64_t kElements = uint64_t(1) << 28; // 1 GiB of f32
  const uint64_t kBytes = kElements * 4;
  char tmpl[] = "/tmp/kiln-large-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string path = dir + "/large.onnx";

  // initializer W: dims, data_type, name, then raw_data whose bytes are a hole.
  Msg initHead;
  initHead.varint(1, kElements).varint(2, 1).str(8, "W");
  initHead.tag(9, 2);
  initHead.raw(kBytes);
  uint64_t initLen = initHead.bytes.size() + kBytes;
  Msg rest; // nodes, inputs, outputs of the graph
  rest.msg(1, node("Add", {"x", "W"}, {"y"}, "add"));
  rest.msg(11, valueInfo("x", {1})).msg(12, valueInfo("y", {int64_t(kElements)}));
  uint64_t graphLen = 1 + varintSize(initLen) + initLen + rest.bytes.size();

  Msg head;
  Msg opset;
  opset.str(1, "").varint(2, 17);
  head.varint(1, 8).msg(8, opset);
  head.tag(7, 2);
  head.raw(graphLen);
  head.tag(5, 2);
  head.raw(initLen);
  head.bytes += initHead.bytes;

  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, head.bytes.data(), head.bytes.size()), (ssize_t)head.bytes.size());
  ASSERT_EQ(::lseek(fd, off_t(kBytes), SEEK_CUR), off_t(head.bytes.size() + kBytes));
  ASSERT_EQ(::write(fd, rest.bytes.data(), rest.bytes.size()), (ssize_t)rest.bytes.size());
  ::close(fd);

  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  int64_t before = residentBytes();
  std::string error;
  auto module = kiln::onnx::importModelFile(ctx, path, error);
  ASSERT_TRUE(module) << error;
  mlir::PassManager pm(&ctx);
  kiln::buildOptimizationPipeline(pm, 2);
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  int64_t grown = residentBytes() - before;
  std::printf("model %llu MiB, resident memory grew by %lld KiB\n",
              (unsigned long long)((head.bytes.size() + kBytes + rest.bytes.size()) >> 20),
              (long long)(grown >> 10));
  EXPECT_LT(grown, int64_t(64) << 20) << "the weights were copied";

  auto f = *module->getOps<mlir::func::FuncOp>().begin();
  auto t = mlir::cast<mlir::RankedTensorType>(f.getResultTypes()[0]);
  EXPECT_EQ(t.getDimSize(0), int64_t(kElements));
  module = nullptr;
  std::system(("rm -rf " + dir).c_str());
}

} // namespace
