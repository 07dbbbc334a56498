//===- AttentionTest.cpp - ONNX Attention import, run on the reference plugin ===//
//
// A grouped-query, causal Attention node with a key/value cache (3-D inputs,
// q_num_heads 4, kv_num_heads 2, past length 2) is imported, optimized at
// -O0, -O2 and -O3, exported and run; its outputs are compared with scaled
// dot-product attention computed here in double precision, loop by loop.
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
#include <unistd.h>

namespace {
using namespace kiln::test;

constexpr int64_t B = 2, S = 3, P = 2, Hq = 4, Hkv = 2, D = 2, Dv = 3;

Msg intAttr(const std::string &name, int64_t v) {
  Msg a;
  a.str(1, name).varint(3, uint64_t(v)).varint(20, 2);
  return a;
}

std::string attentionModel() {
  Msg att = node("Attention", {"Q", "K", "V", "", "past_key", "past_value"},
                 {"Y", "present_key", "present_value"}, "attention");
  att.msg(5, intAttr("is_causal", 1)).msg(5, intAttr("q_num_heads", Hq)).msg(5, intAttr("kv_num_heads", Hkv));
  Msg g;
  g.msg(1, att).str(2, "g");
  g.msg(11, valueInfo("Q", {B, S, Hq * D}))
      .msg(11, valueInfo("K", {B, S, Hkv * D}))
      .msg(11, valueInfo("V", {B, S, Hkv * Dv}))
      .msg(11, valueInfo("past_key", {B, Hkv, P, D}))
      .msg(11, valueInfo("past_value", {B, Hkv, P, Dv}));
  g.msg(12, valueInfo("Y", {B, S, Hq * Dv}))
      .msg(12, valueInfo("present_key", {B, Hkv, P + S, D}))
      .msg(12, valueInfo("present_value", {B, Hkv, P + S, Dv}));
  return model(g, 23);
}

std::vector<float> ramp(size_t n, float scale, float offset) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = std::sin(float(i) * scale + offset); // varied values in [-1, 1]
  return v;
}

struct Inputs {
  std::vector<float> q = ramp(B * S * Hq * D, 0.7f, 0.1f), k = ramp(B * S * Hkv * D, 1.3f, 0.2f),
                     v = ramp(B * S * Hkv * Dv, 0.9f, 0.3f), pk = ramp(B * Hkv * P * D, 1.1f, 0.4f),
                     pv = ramp(B * Hkv * P * Dv, 0.5f, 0.5f);
};

/// Key/value t (of the P + S in the cache) of batch b, kv head j, feature d.
double keyAt(const Inputs &in, int64_t b, int64_t j, int64_t t, int64_t d) {
  if (t < P)
    return in.pk[((b * Hkv + j) * P + t) * D + d];
  return in.k[(b * S + (t - P)) * Hkv * D + j * D + d];
}
double valueAt(const Inputs &in, int64_t b, int64_t j, int64_t t, int64_t d) {
  if (t < P)
    return in.pv[((b * Hkv + j) * P + t) * Dv + d];
  return in.v[(b * S + (t - P)) * Hkv * Dv + j * Dv + d];
}

/// Y [B, S, Hq * Dv]: query i (position P + i) of q head h attends to keys
/// 0..P+i of kv head h / (Hq / Hkv), scores scaled by 1/sqrt(D).
std::vector<double> expectedY(const Inputs &in) {
  std::vector<double> y(B * S * Hq * Dv, 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h) {
      int64_t j = h / (Hq / Hkv);
      for (int64_t i = 0; i < S; ++i) {
        int64_t visible = P + i + 1;
        std::vector<double> score(visible);
        double maxScore = -INFINITY;
        for (int64_t t = 0; t < visible; ++t) {
          double s = 0;
          for (int64_t d = 0; d < D; ++d)
            s += in.q[(b * S + i) * Hq * D + h * D + d] * keyAt(in, b, j, t, d);
          score[t] = s / std::sqrt(double(D));
          maxScore = std::max(maxScore, score[t]);
        }
        double sum = 0;
        for (double &s : score)
          sum += (s = std::exp(s - maxScore));
        for (int64_t d = 0; d < Dv; ++d) {
          double acc = 0;
          for (int64_t t = 0; t < visible; ++t)
            acc += score[t] / sum * valueAt(in, b, j, t, d);
          y[(b * S + i) * Hq * Dv + h * Dv + d] = acc;
        }
      }
    }
  return y;
}

kiln::Tensor tensorOf(const std::vector<float> &data, std::vector<int64_t> shape) {
  kiln::Tensor t = kiln::Tensor::allocate(1, shape);
  std::memcpy(t.as<float>(), data.data(), data.size() * sizeof(float));
  return t;
}

class AttentionImport : public ::testing::TestWithParam<int> {};

TEST_P(AttentionImport, GqaCausalWithPastMatchesDirectComputation) {
  int level = GetParam();
  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  std::string error, bytes = attentionModel();
  auto module = kiln::onnx::importModelBuffer(ctx, bytes.data(), bytes.size(), "attention.onnx", error);
  ASSERT_TRUE(module) << error;
  mlir::PassManager pm(&ctx);
  kiln::buildOptimizationPipeline(pm, level);
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  char tmpl[] = "/tmp/kiln-attention-XXXXXX";
  std::string path = std::string(mkdtemp(tmpl)) + "/attention.kiln";
  kiln::ExportOptions eo;
  eo.targets = {"reference"};
  eo.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
  std::string report;
  ASSERT_TRUE(kiln::exportArtifact(*module, path, eo, report, error)) << error;

  kiln::Runtime::Options ro;
  ro.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
  kiln::Runtime rt(ro);
  auto loaded = rt.load(path, error);
  ASSERT_TRUE(loaded) << error;
  kiln::Session session(*loaded);
  Inputs in;
  std::vector<kiln::Tensor> out;
  ASSERT_TRUE(session.run({{"Q", tensorOf(in.q, {B, S, Hq * D})},
                           {"K", tensorOf(in.k, {B, S, Hkv * D})},
                           {"V", tensorOf(in.v, {B, S, Hkv * Dv})},
                           {"past_key", tensorOf(in.pk, {B, Hkv, P, D})},
                           {"past_value", tensorOf(in.pv, {B, Hkv, P, Dv})}},
                          out, error))
      << error;
  ASSERT_EQ(out.size(), 3u);
  ASSERT_EQ(out[0].shape(), (std::vector<int64_t>{B, S, Hq * Dv}));
  std::vector<double> y = expectedY(in);
  for (size_t i = 0; i < y.size(); ++i)
    EXPECT_NEAR(out[0].as<float>()[i], y[i], 1e-5) << "Y element " << i;
  // present_key/value: the past followed by the new keys/values per head.
  ASSERT_EQ(out[1].shape(), (std::vector<int64_t>{B, Hkv, P + S, D}));
  ASSERT_EQ(out[2].shape(), (std::vector<int64_t>{B, Hkv, P + S, Dv}));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t j = 0; j < Hkv; ++j)
      for (int64_t t = 0; t < P + S; ++t) {
        for (int64_t d = 0; d < D; ++d)
          EXPECT_EQ(out[1].as<float>()[((b * Hkv + j) * (P + S) + t) * D + d], keyAt(in, b, j, t, d));
        for (int64_t d = 0; d < Dv; ++d)
          EXPECT_EQ(out[2].as<float>()[((b * Hkv + j) * (P + S) + t) * Dv + d],
                    valueAt(in, b, j, t, d));
      }
  unlink(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Levels, AttentionImport, ::testing::Values(0, 2, 3),
                         [](const auto &info) { return "O" + std::to_string(info.param); });

TEST(AttentionImportErrors, ThreeDInputsWithoutHeadCountsAreRefused) {
  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  Msg g;
  g.msg(1, node("Attention", {"Q", "K", "V"}, {"Y"}, "att")).str(2, "g");
  g.msg(11, valueInfo("Q", {1, 2, 4})).msg(11, valueInfo("K", {1, 2, 4})).msg(11, valueInfo("V", {1, 2, 4}));
  g.msg(12, valueInfo("Y", {1, 2, 4}));
  std::string error, bytes = model(g, 23);
  auto module = kiln::onnx::importModelBuffer(ctx, bytes.data(), bytes.size(), "noheads.onnx", error);
  EXPECT_FALSE(module);
  for (const char *part : {"noheads.onnx", "att", "q_num_heads"})
    EXPECT_NE(error.find(part), std::string::npos) << part << " missing in: " << error;
}

} // namespace
