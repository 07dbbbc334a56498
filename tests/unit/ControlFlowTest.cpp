//===- ControlFlowTest.cpp - If/Loop from ONNX to the runtime --------------===//
//
// ONNX models with control flow built byte by byte (OnnxWriter.h): a Loop
// whose body holds an If that uses values of both enclosing graphs, run on
// the reference plugin and on cpu + reference; a Loop of zero iterations; an
// If whose branches have different shapes; the artifact's body graphs (round
// trip, old-format files, malformed bodies); import errors naming the node.
//
//===----------------------------------------------------------------------===//
#include "OnnxWriter.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"
#include "kiln/runtime/Artifact.h"
#include "kiln/runtime/Runtime.h"
#include "kiln/support/Checksum.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace {
using namespace kiln::test;

Msg int64Tensor(const std::string &name, std::vector<int64_t> dims, const std::vector<int64_t> &v) {
  Msg t;
  for (int64_t d : dims)
    t.varint(1, d);
  t.varint(2, 7).str(8, name);
  t.str(9, std::string(reinterpret_cast<const char *>(v.data()), v.size() * 8));
  return t;
}
Msg graphAttr(const std::string &name, const Msg &g) {
  return Msg().str(1, name).msg(6, g).varint(20, 5);
}
Msg tensorAttr(const std::string &name, const Msg &t) {
  return Msg().str(1, name).msg(5, t).varint(20, 4);
}

/// Loop(n, "", x) with body (i, c, s): y = If(i < 2) { s + x } else { s * k };
/// yields (c, y, y). k = [3, 3] is an initializer of the main graph.
std::string loopWithIfModel() {
  Msg thenG, elseG, body, graph;
  thenG.msg(1, node("Add", {"s", "x"}, {"t"}, "then_add")).str(2, "then").msg(12, valueInfo("t", {2}));
  elseG.msg(1, node("Mul", {"s", "k"}, {"e"}, "else_mul")).str(2, "else").msg(12, valueInfo("e", {2}));
  Msg two = node("Constant", {}, {"two"}, "two");
  two.msg(5, tensorAttr("value", int64Tensor("two_v", {}, {2})));
  Msg iff = node("If", {"lt"}, {"y"}, "branch");
  iff.msg(5, graphAttr("then_branch", thenG)).msg(5, graphAttr("else_branch", elseG));
  body.msg(1, two)
      .msg(1, node("Less", {"i", "two"}, {"lt"}, "less"))
      .msg(1, iff)
      .msg(1, node("Identity", {"c"}, {"c_out"}, "c_id"))
      .msg(1, node("Identity", {"y"}, {"scan"}, "scan_id"))
      .str(2, "body")
      .msg(11, valueInfo("i", {}, 7))
      .msg(11, valueInfo("c", {}, 9))
      .msg(11, valueInfo("s", {2}))
      .msg(12, valueInfo("c_out", {}, 9))
      .msg(12, valueInfo("y", {2}))
      .msg(12, valueInfo("scan", {2}));
  Msg loop = node("Loop", {"n", "", "x"}, {"final", "stacked"}, "the_loop");
  loop.msg(5, graphAttr("body", body));
  graph.msg(1, loop)
      .str(2, "loop_if")
      .msg(5, floatTensor("k", {2}, {3.f, 3.f}))
      .msg(11, valueInfo("n", {}, 7))
      .msg(11, valueInfo("x", {2}))
      .msg(12, valueInfo("final", {2}))
      .msg(12, valueInfo("stacked", {-1, 2}));
  return model(graph, 13);
}

/// If(c) { [1, 2] } else { [4, 5, 6] }: the result's size depends on c.
std::string ifShapesModel() {
  Msg thenG, elseG, graph;
  Msg a = node("Constant", {}, {"a"}, "ca");
  a.msg(5, tensorAttr("value", floatTensor("av", {2}, {1.f, 2.f})));
  Msg b = node("Constant", {}, {"b"}, "cb");
  b.msg(5, tensorAttr("value", floatTensor("bv", {3}, {4.f, 5.f, 6.f})));
  thenG.msg(1, a).str(2, "then").msg(12, valueInfo("a", {2}));
  elseG.msg(1, b).str(2, "else").msg(12, valueInfo("b", {3}));
  Msg iff = node("If", {"c"}, {"r"}, "pick");
  iff.msg(5, graphAttr("then_branch", thenG)).msg(5, graphAttr("else_branch", elseG));
  graph.msg(1, iff)
      .msg(1, node("Neg", {"r"}, {"out"}, "neg"))
      .str(2, "if_shapes")
      .msg(11, valueInfo("c", {}, 9))
      .msg(12, valueInfo("out", {-1}));
  return model(graph, 13);
}

struct Compiled {
  std::string dir, path, error;
};

/// Imports, optimizes (-O2) and exports `bytes` for `targets`.
bool compile(const std::string &bytes, const std::vector<std::string> &targets, Compiled &c,
             std::string *report = nullptr) {
  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  auto module = kiln::onnx::importModelBuffer(ctx, bytes.data(), bytes.size(), "cf.onnx", c.error);
  if (!module)
    return false;
  mlir::PassManager pm(&ctx);
  kiln::buildOptimizationPipeline(pm, 2);
  if (mlir::failed(pm.run(*module))) {
    c.error = "optimization failed";
    return false;
  }
  char tmpl[] = "/tmp/kiln-cf-XXXXXX";
  c.dir = mkdtemp(tmpl);
  c.path = c.dir + "/m.kiln";
  kiln::ExportOptions eo;
  eo.targets = targets;
  eo.pluginPaths = {KILN_PLUGIN_DIR};
  std::string rep;
  if (!kiln::exportArtifact(*module, c.path, eo, rep, c.error))
    return false;
  if (report)
    *report = rep;
  return true;
}

kiln::Tensor i64Scalar(int64_t v) {
  kiln::Tensor t = kiln::Tensor::allocate(7, {});
  *t.as<int64_t>() = v;
  return t;
}

bool hasCpuPlugin() {
  return access((std::string(KILN_PLUGIN_DIR) + "/libkiln_plugin_cpu.so").c_str(), F_OK) == 0;
}

class LoopWithIf : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(LoopWithIf, RunsAndStacks) {
  auto targets = GetParam();
  if (targets[0] == "cpu" && !hasCpuPlugin())
    GTEST_SKIP() << "the cpu plugin is not built (oneDNN off)";
  Compiled c;
  std::string report;
  ASSERT_TRUE(compile(loopWithIfModel(), targets, c, &report)) << c.error;
  // The report shows the host node and the nodes of its bodies.
  EXPECT_NE(report.find("the_loop (loop) -> host"), std::string::npos) << report;
  EXPECT_NE(report.find("[the_loop/body] branch (if) -> host"), std::string::npos) << report;
  EXPECT_NE(report.find("[the_loop/body/branch/then]"), std::string::npos) << report;

  kiln::Runtime::Options ro;
  ro.pluginPaths = {KILN_PLUGIN_DIR};
  kiln::Runtime rt(ro);
  auto m = rt.load(c.path, c.error);
  ASSERT_TRUE(m) << c.error;
  kiln::Session session(*m);
  kiln::Tensor x = kiln::Tensor::allocate(1, {2});
  x.as<float>()[0] = 1.f;
  x.as<float>()[1] = 2.f;
  std::vector<kiln::Tensor> out;
  ASSERT_TRUE(session.run({{"n", i64Scalar(4)}, {"x", x}}, out, c.error)) << c.error;
  ASSERT_EQ(out.size(), 2u);
  // s: [1,2] -> +x [2,4] -> +x [3,6] -> *3 [9,18] -> *3 [27,54]
  EXPECT_EQ(out[0].shape(), (std::vector<int64_t>{2}));
  EXPECT_EQ(out[0].as<float>()[0], 27.f);
  EXPECT_EQ(out[0].as<float>()[1], 54.f);
  ASSERT_EQ(out[1].shape(), (std::vector<int64_t>{4, 2}));
  const float stacked[] = {2, 4, 3, 6, 9, 18, 27, 54};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(out[1].as<float>()[i], stacked[i]) << i;

  // Zero iterations: the initial value and an empty [0, 2] scan output.
  ASSERT_TRUE(session.run({{"n", i64Scalar(0)}, {"x", x}}, out, c.error)) << c.error;
  EXPECT_EQ(out[0].as<float>()[0], 1.f);
  EXPECT_EQ(out[0].as<float>()[1], 2.f);
  EXPECT_EQ(out[1].shape(), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(out[1].dtype(), 1);
}

TEST_P(LoopWithIf, SessionsOnManyThreads) {
  auto targets = GetParam();
  if (targets[0] == "cpu" && !hasCpuPlugin())
    GTEST_SKIP() << "the cpu plugin is not built (oneDNN off)";
  Compiled c;
  ASSERT_TRUE(compile(loopWithIfModel(), targets, c)) << c.error;
  kiln::Runtime::Options ro;
  ro.pluginPaths = {KILN_PLUGIN_DIR};
  kiln::Runtime rt(ro);
  auto m = rt.load(c.path, c.error);
  ASSERT_TRUE(m) << c.error;
  // Each thread runs its own trip count; results must not mix.
  std::vector<std::thread> threads;
  std::vector<std::string> failures(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      kiln::Session session(*m);
      for (int rep = 0; rep < 20; ++rep) {
        int64_t n = (t + rep) % 5;
        kiln::Tensor x = kiln::Tensor::allocate(1, {2});
        x.as<float>()[0] = float(t + 1);
        x.as<float>()[1] = 1.f;
        std::vector<kiln::Tensor> out;
        std::string error;
        if (!session.run({{"n", i64Scalar(n)}, {"x", x}}, out, error)) {
          failures[t] = error;
          return;
        }
        float s = float(t + 1);
        for (int64_t i = 0; i < n; ++i)
          s = i < 2 ? s + float(t + 1) : s * 3.f;
        if (out[0].as<float>()[0] != s || out[1].shape()[0] != n) {
          failures[t] = "thread " + std::to_string(t) + " n=" + std::to_string(n) + ": got " +
                        std::to_string(out[0].as<float>()[0]) + ", expected " + std::to_string(s);
          return;
        }
      }
    });
  for (auto &th : threads)
    th.join();
  for (auto &f : failures)
    EXPECT_EQ(f, "");
}

INSTANTIATE_TEST_SUITE_P(Targets, LoopWithIf,
                         ::testing::Values(std::vector<std::string>{"reference"},
                                           std::vector<std::string>{"cpu", "reference"}));

TEST(ControlFlow, IfBranchesOfDifferentShapes) {
  Compiled c;
  ASSERT_TRUE(compile(ifShapesModel(), {"reference"}, c)) << c.error;
  kiln::Runtime::Options ro;
  ro.pluginPaths = {KILN_PLUGIN_DIR};
  kiln::Runtime rt(ro);
  auto m = rt.load(c.path, c.error);
  ASSERT_TRUE(m) << c.error;
  ASSERT_EQ(m->outputs()[0].shape, (std::vector<int64_t>{-1}));
  kiln::Session session(*m);
  for (bool cond : {true, false}) {
    kiln::Tensor t = kiln::Tensor::allocate(9, {});
    *t.as<uint8_t>() = cond;
    std::vector<kiln::Tensor> out;
    ASSERT_TRUE(session.run({{"c", t}}, out, c.error)) << c.error;
    std::vector<float> want = cond ? std::vector<float>{-1, -2} : std::vector<float>{-4, -5, -6};
    ASSERT_EQ(out[0].shape(), (std::vector<int64_t>{int64_t(want.size())}));
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_EQ(out[0].as<float>()[i], want[i]);
  }
}

//===----------------------------------------------------------------------===//
// The artifact's body graphs
//===----------------------------------------------------------------------===//

std::string readFile(const std::string &p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
void writeFile(const std::string &p, const std::string &s) {
  std::ofstream(p, std::ios::binary) << s;
}

TEST(ControlFlowArtifact, BodiesRoundTrip) {
  Compiled c;
  ASSERT_TRUE(compile(loopWithIfModel(), {"reference"}, c)) << c.error;
  auto a = kiln::artifact::Artifact::open(c.path, c.error, {true});
  ASSERT_TRUE(a) << c.error;
  EXPECT_EQ(a->formatMinor(), 1u);
  EXPECT_EQ(a->metadata().required, (std::vector<std::string>{"control-flow"}));
  const auto &g = a->graph();
  ASSERT_EQ(g.nodes.size(), 1u);
  const auto &loop = g.nodes[0];
  EXPECT_EQ(loop.op, "loop");
  ASSERT_EQ(loop.bodies.size(), 1u);
  ASSERT_EQ(g.subgraphs.size(), 1u);
  const auto &body = g.subgraphs[0];
  // iteration, condition, s, then the captured x (k, a constant, is a
  // weight of the body, stored once in the weights section).
  EXPECT_EQ(body.inputs.size(), 4u);
  EXPECT_EQ(loop.inputs.size(), 4u);
  EXPECT_EQ(loop.inputs[1], -1); // no condition input
  const kiln::artifact::Node *iff = nullptr;
  for (auto &n : body.nodes)
    if (n.op == "if")
      iff = &n;
  ASSERT_TRUE(iff);
  ASSERT_EQ(iff->bodies.size(), 2u);
  const auto &elseBody = body.subgraphs[size_t(iff->bodies[1])];
  const kiln::artifact::Value *k = nullptr;
  for (auto &v : elseBody.values)
    if (v.isWeight)
      k = &v;
  ASSERT_TRUE(k);
  const float *kd = static_cast<const float *>(a->weightData(*k));
  EXPECT_EQ(kd[0], 3.f);
  EXPECT_EQ(kd[1], 3.f);
}

TEST(ControlFlowArtifact, OlderFormatStillReads) {
  // A 1.0 artifact: no bodies, header minor 0.
  using namespace kiln::artifact;
  char tmpl[] = "/tmp/kiln-cf-XXXXXX";
  std::string dir = mkdtemp(tmpl), path = dir + "/old.kiln", error;
  Graph g;
  g.values = {Value{"x", 1, {2}}, Value{"y", 1, {2}}};
  g.inputs = {0};
  g.outputs = {1};
  Node n;
  n.op = "relu";
  n.name = "r";
  n.inputs = {0};
  n.outputs = {1};
  g.nodes = {n};
  Partition p;
  p.plugin = "reference";
  p.nodes = {0};
  p.inputs = {0};
  p.outputs = {1};
  g.partitions = {p};
  ASSERT_TRUE(writeArtifact(path, Metadata(), g, error)) << error;
  std::string bytes = readFile(path);
  uint32_t minor = 0;
  std::memcpy(&bytes[12], &minor, 4);
  uint32_t crc = kiln::crc32c(bytes.data(), 48);
  std::memcpy(&bytes[48], &crc, 4);
  writeFile(path, bytes);
  auto a = Artifact::open(path, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->formatMinor(), 0u);
  EXPECT_TRUE(a->graph().subgraphs.empty());
}

struct MalformedBodies : ::testing::Test {
  kiln::artifact::Graph g;
  std::string dir, path, error;
  void SetUp() override {
    using namespace kiln::artifact;
    char tmpl[] = "/tmp/kiln-cf-XXXXXX";
    dir = mkdtemp(tmpl);
    path = dir + "/bad.kiln";
    // y = if (c) { x } else { x } with x captured.
    g.values = {Value{"c", 9, {}}, Value{"x", 1, {2}}, Value{"y", 1, {2}}};
    g.inputs = {0, 1};
    g.outputs = {2};
    Node n;
    n.op = "if";
    n.name = "the_if";
    n.inputs = {0, 1};
    n.outputs = {2};
    n.bodies = {0, 1};
    g.nodes = {n};
    Partition p;
    p.plugin = "host";
    p.nodes = {0};
    p.inputs = {0, 1};
    p.outputs = {2};
    g.partitions = {p};
    Graph body;
    body.values = {Value{"x", 1, {2}}};
    body.inputs = {0};
    body.outputs = {0};
    g.subgraphs = {body, body};
  }
  std::string open() {
    if (!kiln::artifact::writeArtifact(path, kiln::artifact::Metadata(), g, error))
      return "write failed: " + error;
    auto a = kiln::artifact::Artifact::open(path, error);
    return a ? "" : error;
  }
};

TEST_F(MalformedBodies, WellFormedOpens) { EXPECT_EQ(open(), ""); }

TEST_F(MalformedBodies, BodyIndexOutOfRange) {
  g.nodes[0].bodies = {0, 7};
  EXPECT_NE(open().find("node 0 ('the_if', if) names body graph 7 but the graph has 2"),
            std::string::npos)
      << error;
}

TEST_F(MalformedBodies, CaptureCountMismatch) {
  g.subgraphs[1].values.push_back(kiln::artifact::Value{"extra", 1, {2}});
  g.subgraphs[1].inputs.push_back(1);
  EXPECT_NE(open().find("body graph 1 takes 2 input(s) but the node passes 1"), std::string::npos)
      << error;
}

TEST_F(MalformedBodies, MissingBodies) {
  g.nodes[0].bodies = {0};
  EXPECT_NE(open().find("has 1 body graph(s), expected 2"), std::string::npos) << error;
}

TEST_F(MalformedBodies, UnknownRequiredFeatureIsRefused) {
  kiln::artifact::Metadata meta;
  meta.required = {"control-flow", "tensor-sequences"};
  ASSERT_TRUE(kiln::artifact::writeArtifact(path, meta, g, error)) << error;
  auto a = kiln::artifact::Artifact::open(path, error);
  EXPECT_FALSE(a);
  EXPECT_NE(error.find("requires feature 'tensor-sequences', which this runtime (format 1.2) "
                       "does not support"),
            std::string::npos)
      << error;
}

//===----------------------------------------------------------------------===//
// Bad ONNX
//===----------------------------------------------------------------------===//

std::string importError(const std::string &bytes) {
  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  std::string error;
  auto module = kiln::onnx::importModelBuffer(ctx, bytes.data(), bytes.size(), "bad.onnx", error);
  return module ? "" : error;
}

TEST(ControlFlowImport, UnknownNameInSubgraph) {
  Msg thenG, elseG, graph;
  thenG.msg(1, node("Neg", {"nowhere"}, {"t"}, "inner_neg")).str(2, "then").msg(12, valueInfo("t", {2}));
  elseG.msg(1, node("Neg", {"x"}, {"e"}, "else_neg")).str(2, "else").msg(12, valueInfo("e", {2}));
  Msg iff = node("If", {"c"}, {"r"}, "outer_if");
  iff.msg(5, graphAttr("then_branch", thenG)).msg(5, graphAttr("else_branch", elseG));
  graph.msg(1, iff).str(2, "g").msg(11, valueInfo("c", {}, 9)).msg(11, valueInfo("x", {2}))
      .msg(12, valueInfo("r", {2}));
  std::string e = importError(model(graph, 13));
  EXPECT_NE(e.find("node 'outer_if' (If"), std::string::npos) << e;
  EXPECT_NE(e.find("node 'inner_neg' (Neg"), std::string::npos) << e;
  EXPECT_NE(e.find("input 'nowhere' is not produced"), std::string::npos) << e;
}

TEST(ControlFlowImport, BranchOutputCountsDiffer) {
  Msg thenG, elseG, graph;
  thenG.msg(1, node("Neg", {"x"}, {"t"}, "tn")).str(2, "then").msg(12, valueInfo("t", {2}))
      .msg(12, valueInfo("x", {2}));
  elseG.msg(1, node("Neg", {"x"}, {"e"}, "en")).str(2, "else").msg(12, valueInfo("e", {2}));
  Msg iff = node("If", {"c"}, {"r"}, "bad_if");
  iff.msg(5, graphAttr("then_branch", thenG)).msg(5, graphAttr("else_branch", elseG));
  graph.msg(1, iff).str(2, "g").msg(11, valueInfo("c", {}, 9)).msg(11, valueInfo("x", {2}))
      .msg(12, valueInfo("r", {2}));
  std::string e = importError(model(graph, 13));
  EXPECT_NE(e.find("node 'bad_if' (If"), std::string::npos) << e;
  EXPECT_NE(e.find("then_branch has 2 output(s) but else_branch has 1"), std::string::npos) << e;
}

TEST(ControlFlowImport, ScanOpset8IsRefused) {
  Msg body, graph;
  body.msg(1, node("Add", {"s", "e"}, {"s2"}, "add")).str(2, "b")
      .msg(11, valueInfo("s", {2})).msg(11, valueInfo("e", {2})).msg(12, valueInfo("s2", {2}));
  Msg scan = node("Scan", {"", "init", "xs"}, {"out"}, "old_scan");
  scan.msg(5, graphAttr("body", body)).msg(5, Msg().str(1, "num_scan_inputs").varint(3, 1).varint(20, 2));
  graph.msg(1, scan).str(2, "g").msg(11, valueInfo("init", {1, 2})).msg(11, valueInfo("xs", {1, 3, 2}))
      .msg(12, valueInfo("out", {1, 2}));
  std::string e = importError(model(graph, 8));
  EXPECT_NE(e.find("node 'old_scan' (Scan"), std::string::npos) << e;
  EXPECT_NE(e.find("Scan-8"), std::string::npos) << e;
}

} // namespace
