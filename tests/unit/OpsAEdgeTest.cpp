//===- OpsAEdgeTest.cpp - edge cases of losses, math and bitwise ops ------===//
//
// One-node ONNX models built in memory, imported, optimized (-O2), exported
// for the reference plugin and run: the edges the ONNX node tests leave out
// (all targets ignored in a mean loss, f64 classification, shifts by the full
// width, MaxPool's column-major indices, opset-26 ops when the importer
// accepts opset 26). Expected values follow the ONNX function bodies and
// operator specs, computed by hand.
//
//===----------------------------------------------------------------------===//
#include "OnnxWriter.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"
#include "kiln/runtime/Runtime.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>
#include <limits>
#include <map>
#include <memory>
#include <unistd.h>

namespace {

using namespace kiln::test;

struct Input {
  std::string name;
  int32_t dtype;
  std::vector<int64_t> shape;
  std::vector<double> values; // converted to dtype
};

kiln::Tensor makeTensor(const Input &in) {
  kiln::Tensor t = kiln::Tensor::allocate(in.dtype, in.shape);
  for (size_t i = 0; i < in.values.size(); ++i) {
    double v = in.values[i];
    switch (in.dtype) {
    case 1: t.as<float>()[i] = (float)v; break;
    case 11: t.as<double>()[i] = v; break;
    case 2: t.as<uint8_t>()[i] = (uint8_t)v; break;
    case 3: t.as<int8_t>()[i] = (int8_t)v; break;
    case 6: t.as<int32_t>()[i] = (int32_t)v; break;
    case 7: t.as<int64_t>()[i] = (int64_t)v; break;
    case 13: t.as<uint64_t>()[i] = (uint64_t)v; break;
    default: ADD_FAILURE() << "test helper: dtype " << in.dtype; break;
    }
  }
  return t;
}

/// Builds a one-node model (graph inputs `ins`, outputs `outs` with their
/// dtypes and shapes), compiles it for the reference plugin and runs it.
/// Returns false (with `error`) when any step fails.
bool runNode(const Msg &nodeMsg, const std::vector<Input> &ins,
             const std::vector<std::tuple<std::string, int32_t, std::vector<int64_t>>> &outs,
             int64_t opset, std::vector<kiln::Tensor> &results, std::string &error) {
  Msg graph;
  graph.msg(1, nodeMsg).str(2, "edge");
  for (auto &in : ins)
    graph.msg(11, valueInfo(in.name, in.shape, in.dtype));
  for (auto &[name, dt, shape] : outs)
    graph.msg(12, valueInfo(name, shape, dt));
  std::string bytes = model(graph, opset);
  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  auto module = kiln::onnx::importModelBuffer(ctx, bytes.data(), bytes.size(), "edge.onnx", error);
  if (!module)
    return false;
  mlir::PassManager pm(&ctx);
  kiln::buildOptimizationPipeline(pm, 2);
  if (mlir::failed(pm.run(*module))) {
    error = "optimization failed";
    return false;
  }
  char tmpl[] = "/tmp/kiln-opsa-XXXXXX";
  std::string path = std::string(mkdtemp(tmpl)) + "/edge.kiln";
  kiln::ExportOptions eo;
  eo.targets = {"reference"};
  eo.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
  std::string report;
  if (!kiln::exportArtifact(*module, path, eo, report, error))
    return false;
  // The runtime, model and session outlive the call: an output may be a
  // view of the artifact (a graph output folded to a constant).
  struct Loaded {
    std::unique_ptr<kiln::Runtime> rt;
    std::unique_ptr<kiln::Model> model;
    std::unique_ptr<kiln::Session> session;
  };
  static std::vector<std::unique_ptr<Loaded>> loaded;
  auto l = std::make_unique<Loaded>();
  kiln::Runtime::Options ro;
  ro.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
  l->rt = std::make_unique<kiln::Runtime>(ro);
  l->model = l->rt->load(path, error);
  if (!l->model)
    return false;
  l->session = std::make_unique<kiln::Session>(*l->model);
  std::map<std::string, kiln::Tensor> feeds;
  for (auto &in : ins)
    feeds[in.name] = makeTensor(in);
  bool ok = l->session->run(feeds, results, error);
  loaded.push_back(std::move(l));
  return ok;
}

Msg strAttr(const std::string &name, const std::string &v) {
  return Msg().str(1, name).str(4, v).varint(20, 3);
}
Msg intAttr(const std::string &name, int64_t v) {
  return Msg().str(1, name).varint(3, uint64_t(v)).varint(20, 2);
}

TEST(LossEdges, MeanOverOnlyIgnoredTargetsIsNaN) {
  // Every target is ignore_index: the function body divides a zero loss by
  // a zero weight sum.
  for (bool sce : {false, true}) {
    Msg n = node(sce ? "SoftmaxCrossEntropyLoss" : "NegativeLogLikelihoodLoss", {"x", "t"}, {"loss"});
    n.msg(5, intAttr("ignore_index", 1)).msg(5, strAttr("reduction", "mean"));
    std::vector<kiln::Tensor> out;
    std::string error;
    ASSERT_TRUE(runNode(n, {{"x", 1, {2, 3}, {0.1, 0.2, 0.7, 0.3, 0.3, 0.4}}, {"t", 7, {2}, {1, 1}}},
                        {{"loss", 1, {}}}, 13, out, error))
        << error;
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(std::isnan(out[0].as<float>()[0])) << (sce ? "sce" : "nll") << " gave "
                                                   << out[0].as<float>()[0];
  }
}

TEST(LossEdges, SumAndNoneWithIgnoredTargetsAndWeights) {
  // Rows of log-probabilities; row 1's target is the (negative)
  // ignore_index, the others are weighted by weight[target].
  Msg n = node("NegativeLogLikelihoodLoss", {"x", "t", "w"}, {"loss"});
  n.msg(5, intAttr("ignore_index", -1)).msg(5, strAttr("reduction", "none"));
  std::vector<kiln::Tensor> out;
  std::string error;
  ASSERT_TRUE(runNode(n,
                      {{"x", 1, {3, 2}, {-1, -2, -3, -4, -5, -6}},
                       {"t", 7, {3}, {1, -1, 0}},
                       {"w", 1, {2}, {0.5, 2}}},
                      {{"loss", 1, {3}}}, 13, out, error))
      << error;
  ASSERT_EQ(out[0].numElements(), 3);
  // -x[0][1] * w[1] = 4; ignored = 0; -x[2][0] * w[0] = 2.5
  EXPECT_FLOAT_EQ(out[0].as<float>()[0], 4.0f);
  EXPECT_FLOAT_EQ(out[0].as<float>()[1], 0.0f);
  EXPECT_FLOAT_EQ(out[0].as<float>()[2], 2.5f);
}

TEST(MathEdges, IsInfAndIsNaNOnF64) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> xs{inf, -inf, nan, 1e308, -0.0};
  struct Case {
    const char *op;
    int pos, neg; // -1: attribute absent
    std::vector<uint8_t> expect;
  } cases[] = {{"IsInf", -1, -1, {1, 1, 0, 0, 0}},
               {"IsInf", 0, -1, {0, 1, 0, 0, 0}},
               {"IsInf", -1, 0, {1, 0, 0, 0, 0}},
               {"IsNaN", -1, -1, {0, 0, 1, 0, 0}}};
  for (auto &c : cases) {
    Msg n = node(c.op, {"x"}, {"y"});
    if (c.pos >= 0)
      n.msg(5, intAttr("detect_positive", c.pos));
    if (c.neg >= 0)
      n.msg(5, intAttr("detect_negative", c.neg));
    std::vector<kiln::Tensor> out;
    std::string error;
    ASSERT_TRUE(runNode(n, {{"x", 11, {5}, xs}}, {{"y", 9, {5}}}, 20, out, error)) << error;
    ASSERT_EQ(out[0].dtype(), 9);
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(out[0].as<uint8_t>()[i], c.expect[i]) << c.op << " " << c.pos << c.neg << " [" << i << "]";
  }
}

TEST(MathEdges, BitShiftByTheFullWidthGivesZero) {
  Msg n = node("BitShift", {"x", "s"}, {"y"});
  n.msg(5, strAttr("direction", "LEFT"));
  std::vector<kiln::Tensor> out;
  std::string error;
  ASSERT_TRUE(runNode(n, {{"x", 13, {4}, {1, 1, 3, 5}}, {"s", 13, {4}, {63, 64, 65, 0}}},
                      {{"y", 13, {4}}}, 11, out, error))
      << error;
  const uint64_t *y = out[0].as<uint64_t>();
  EXPECT_EQ(y[0], uint64_t(1) << 63);
  EXPECT_EQ(y[1], 0u);
  EXPECT_EQ(y[2], 0u);
  EXPECT_EQ(y[3], 5u);

  Msg r = node("BitShift", {"x", "s"}, {"y"});
  r.msg(5, strAttr("direction", "RIGHT"));
  ASSERT_TRUE(runNode(r, {{"x", 2, {3}, {255, 255, 128}}, {"s", 2, {1}, {8}}}, {{"y", 2, {3}}}, 11,
                      out, error))
      << error;
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(out[0].as<uint8_t>()[i], 0u);
}

TEST(MathEdges, BitwiseOnSignedIntegers) {
  std::vector<kiln::Tensor> out;
  std::string error;
  ASSERT_TRUE(runNode(node("BitwiseNot", {"x"}, {"y"}), {{"x", 3, {3}, {0, -1, 5}}},
                      {{"y", 3, {3}}}, 18, out, error))
      << error;
  EXPECT_EQ(out[0].as<int8_t>()[0], -1);
  EXPECT_EQ(out[0].as<int8_t>()[1], 0);
  EXPECT_EQ(out[0].as<int8_t>()[2], -6);
  ASSERT_TRUE(runNode(node("BitwiseXor", {"a", "b"}, {"y"}),
                      {{"a", 7, {2, 2}, {-1, 6, 0, 12}}, {"b", 7, {2}, {5, 10}}}, {{"y", 7, {2, 2}}},
                      18, out, error))
      << error;
  const int64_t *y = out[0].as<int64_t>();
  EXPECT_EQ(y[0], -1 ^ 5);
  EXPECT_EQ(y[1], 6 ^ 10);
  EXPECT_EQ(y[2], 0 ^ 5);
  EXPECT_EQ(y[3], 12 ^ 10);
}

TEST(MathEdges, MaxPoolIndicesColumnMajor) {
  // 1x1x2x3 input, 2x2 window, stride 1: two outputs.
  Msg n = node("MaxPool", {"x"}, {"y", "i"});
  n.msg(5, intsAttr("kernel_shape", {2, 2})).msg(5, intAttr("storage_order", 1));
  std::vector<kiln::Tensor> out;
  std::string error;
  ASSERT_TRUE(runNode(n, {{"x", 1, {1, 1, 2, 3}, {1, 9, 2, 3, 4, 8}}},
                      {{"y", 1, {1, 1, 1, 2}}, {"i", 7, {1, 1, 1, 2}}}, 12, out, error))
      << error;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].as<float>()[0], 9.0f);
  EXPECT_EQ(out[0].as<float>()[1], 9.0f);
  // 9 is at (h 0, w 1): column-major index h + w * H = 0 + 1 * 2 = 2.
  EXPECT_EQ(out[1].as<int64_t>()[0], 2);
  EXPECT_EQ(out[1].as<int64_t>()[1], 2);
}

TEST(MathEdges, EyeLikeOffTheMatrixIsZero) {
  Msg n = node("EyeLike", {"x"}, {"y"});
  n.msg(5, intAttr("k", 5)).msg(5, intAttr("dtype", 6));
  std::vector<kiln::Tensor> out;
  std::string error;
  ASSERT_TRUE(runNode(n, {{"x", 1, {2, 3}, {0, 0, 0, 0, 0, 0}}}, {{"y", 6, {2, 3}}}, 9, out, error))
      << error;
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].dtype(), 6);
  ASSERT_EQ(out[0].shape(), (std::vector<int64_t>{2, 3}));
  ASSERT_NE(out[0].data(), nullptr);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[0].as<int32_t>()[i], 0);
}

TEST(MathEdges, CumProdAtOpset26) {
  if (kiln::onnx::kMaxOpset < 26)
    GTEST_SKIP() << "the importer accepts opsets up to " << kiln::onnx::kMaxOpset
                 << "; CumProd is opset 26";
  Msg n = node("CumProd", {"x", "axis"}, {"y"});
  n.msg(5, intAttr("exclusive", 1)).msg(5, intAttr("reverse", 1));
  std::vector<kiln::Tensor> out;
  std::string error;
  ASSERT_TRUE(runNode(n, {{"x", 6, {2, 3}, {1, 2, 3, 4, 5, 6}}, {"axis", 7, {}, {-1}}},
                      {{"y", 6, {2, 3}}}, 26, out, error))
      << error;
  const int32_t expect[] = {6, 3, 1, 30, 6, 1};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[0].as<int32_t>()[i], expect[i]) << i;
}

} // namespace
