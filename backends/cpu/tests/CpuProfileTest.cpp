//===- CpuProfileTest.cpp - per-node timing (ABI 1.2 executable_profile) --===//
//
// The bundled example on the cpu plugin with profiling on: every node that
// runs appears with the number of runs and what ran it, the partition total
// covers the nodes, switching off freezes the counts, switching on clears
// them; a plugin without executable_profile (reference) reports partition
// totals only; bad modes are refused with a message.
//
//===----------------------------------------------------------------------===//
#include "ExampleArtifact.h"
#include "kiln/runtime/CGraph.h"
#include "kiln/runtime/PluginHost.h"
#include "kiln/runtime/Runtime.h"
#include "kiln/support/Npy.h"

#include <algorithm>
#include <cstring>
#include <gtest/gtest.h>
#include <set>
#include <unistd.h>

namespace {

kiln::Runtime::Options runtimeOptions() {
  kiln::Runtime::Options o;
  o.pluginPaths = {KILN_CPU_PLUGIN_DIR, KILN_REFERENCE_PLUGIN_DIR};
  o.numThreads = 1;
  return o;
}

std::string compileFor(const std::vector<std::string> &targets, const std::string &name) {
  char tmpl[] = "/tmp/kiln-cpu-profile-XXXXXX";
  std::string path = std::string(mkdtemp(tmpl)) + "/" + name;
  kiln::ExportOptions eo;
  eo.targets = targets;
  eo.pluginPaths = {KILN_CPU_PLUGIN_DIR, KILN_REFERENCE_PLUGIN_DIR};
  std::string report, error;
  EXPECT_TRUE(kiln::test::compileExample(path, eo, report, error)) << error;
  return path;
}

std::map<std::string, kiln::Tensor> exampleInput() {
  kiln::npy::Array a;
  std::string error;
  EXPECT_TRUE(kiln::npy::read(kiln::test::example("input.npy"), a, error)) << error;
  kiln::Tensor t = kiln::Tensor::allocate(a.dtype, a.shape);
  std::memcpy(t.data(), a.data.data(), a.data.size());
  return {{"input", t}};
}

void runTimes(const kiln::Model &m, int n) {
  kiln::Session s(m);
  auto in = exampleInput();
  std::vector<kiln::Tensor> out;
  std::string error;
  for (int i = 0; i < n; ++i)
    ASSERT_TRUE(s.run(in, out, error)) << error;
}

TEST(CpuProfile, EveryNodeIsTimedWithItsKernel) {
  std::string path = compileFor({"cpu", "reference"}, "mnist.kiln");
  kiln::Runtime rt(runtimeOptions());
  std::string error;
  auto m = rt.load(path, error);
  ASSERT_TRUE(m) << error;
  auto plugins = m->partitionPlugins();
  size_t onCpu = size_t(std::count(plugins.begin(), plugins.end(), "cpu"));
  ASSERT_GE(onCpu, 1u); // max_pool always runs on the cpu plugin
  EXPECT_EQ(m->setProfiling(true), onCpu);
  runTimes(*m, 3);
  auto prof = m->profile();
  ASSERT_FALSE(prof.empty());
  // Per partition: its node entries (cpu only), then its "(partition)" total.
  EXPECT_EQ(prof.back().kernel, "(partition)");
  std::vector<double> nodesMs(plugins.size(), 0.0);
  std::set<std::string> ops;
  int partitions = 0;
  const auto &graph = m->artifact().graph();
  for (const auto &e : prof) {
    ASSERT_GE(e.partition, 0);
    ASSERT_LT(size_t(e.partition), plugins.size());
    EXPECT_EQ(e.plugin, plugins[size_t(e.partition)]);
    EXPECT_EQ(e.calls, 3u) << e.name << " " << e.kernel;
    EXPECT_GE(e.totalMs, 0.0);
    if (e.kernel == "(partition)") {
      ++partitions;
      EXPECT_EQ(e.node, -1);
      EXPECT_LE(nodesMs[size_t(e.partition)], e.totalMs * 1.001 + 1e-3);
      continue;
    }
    EXPECT_EQ(e.plugin, "cpu");
    EXPECT_FALSE(e.kernel.empty());
    nodesMs[size_t(e.partition)] += e.totalMs;
    if (e.node < 0) { // work between nodes: layout conversions only
      EXPECT_EQ(e.kernel.rfind("reorder", 0), 0u) << e.kernel;
      continue;
    }
    ASSERT_LT(size_t(e.node), graph.nodes.size());
    EXPECT_EQ(e.op, graph.nodes[size_t(e.node)].op);
    EXPECT_EQ(e.name, graph.nodes[size_t(e.node)].name);
    if (e.op == "conv" || e.op == "gemm" || e.op == "max_pool")
      EXPECT_EQ(e.kernel.rfind("onednn:", 0), 0u) << e.name << ": " << e.kernel;
    ops.insert(e.op);
  }
  EXPECT_EQ(size_t(partitions), plugins.size());
  EXPECT_TRUE(ops.count("max_pool"));

  // Off: counts stay; on again: cleared.
  m->setProfiling(false);
  runTimes(*m, 2);
  for (const auto &e : m->profile())
    EXPECT_EQ(e.calls, 3u) << e.name << " " << e.kernel;
  m->setProfiling(true);
  for (const auto &e : m->profile())
    EXPECT_EQ(e.calls, 0u) << e.name << " " << e.kernel;
  runTimes(*m, 1);
  for (const auto &e : m->profile())
    EXPECT_EQ(e.calls, 1u) << e.name << " " << e.kernel;
}

TEST(CpuProfile, PluginWithoutProfilingReportsPartitionTotals) {
  std::string path = compileFor({"reference"}, "mnist-ref.kiln");
  kiln::Runtime rt(runtimeOptions());
  std::string error;
  auto m = rt.load(path, error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->setProfiling(true), 0u);
  runTimes(*m, 2);
  auto prof = m->profile();
  ASSERT_EQ(prof.size(), m->partitionPlugins().size());
  for (const auto &e : prof) {
    EXPECT_EQ(e.kernel, "(partition)");
    EXPECT_EQ(e.node, -1);
    EXPECT_EQ(e.calls, 2u);
    EXPECT_GT(e.totalMs, 0.0);
  }
}

TEST(CpuProfile, BadModesAreRefused) {
  kiln::PluginHost::Options ho;
  ho.searchPaths = {KILN_CPU_PLUGIN_DIR};
  kiln::PluginHost host(ho);
  std::string error;
  kiln::Plugin *cpu = host.get("cpu", error);
  ASSERT_TRUE(cpu) << error;
  const kiln_plugin_api &api = cpu->api();
  ASSERT_TRUE(KILN_HAS_FIELD(&api, kiln_plugin_api, executable_profile));
  ASSERT_NE(api.executable_profile, nullptr);
  EXPECT_GE(api.abi_minor, 2u);

  std::string path = compileFor({"cpu", "reference"}, "mnist.kiln");
  kiln_executable exec = nullptr;
  {
    // Compile a cpu partition again on this host's instance.
    kiln::artifact::Artifact::Options ao;
    auto art = kiln::artifact::Artifact::open(path, error, ao);
    ASSERT_TRUE(art) << error;
    const kiln::artifact::Artifact *a = art.get();
    kiln::CGraph cg(art->graph(), [a](int32_t v) { return a->weightData(v); });
    const auto &parts = art->graph().partitions;
    auto onCpu = std::find_if(parts.begin(), parts.end(), [](auto &p) { return p.plugin == "cpu"; });
    ASSERT_NE(onCpu, parts.end());
    kiln_partition part = kiln::CGraph::partitionOf(*onCpu);
    ASSERT_EQ(api.compile(cpu->instance(), cg.get(), &part, &exec), KILN_OK) << cpu->lastError();
    const kiln_profile_entry *entries = nullptr;
    int32_t count = -1;
    EXPECT_NE(api.executable_profile(cpu->instance(), exec, 7, &entries, &count), KILN_OK);
    EXPECT_NE(std::string(cpu->lastError()).find("unknown mode"), std::string::npos) << cpu->lastError();
    EXPECT_NE(api.executable_profile(cpu->instance(), exec, KILN_PROFILE_READ, nullptr, nullptr), KILN_OK);
    EXPECT_EQ(api.executable_profile(cpu->instance(), exec, KILN_PROFILE_ON, nullptr, nullptr), KILN_OK);
    EXPECT_EQ(api.executable_profile(cpu->instance(), exec, KILN_PROFILE_READ, &entries, &count), KILN_OK);
    EXPECT_EQ(count, 0); // nothing ran yet
    api.executable_destroy(cpu->instance(), exec);
  }
}

} // namespace
