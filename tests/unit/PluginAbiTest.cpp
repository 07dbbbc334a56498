//===- PluginAbiTest.cpp - the plugin ABI, host side, against test plugins -===//
//
// The plugins under tests/plugins (built into KILN_TEST_PLUGIN_DIR) exercise
// what the host must get right: refusing incompatible or broken libraries
// with clear messages, honouring struct_size, copying across memory spaces
// for DEVICE plugins, waiting for asynchronous work, and splitting a graph
// across plugins (with the reference plugin in KILN_REFERENCE_PLUGIN_DIR).
//
//===----------------------------------------------------------------------===//
#include "kiln/kiln_plugin.h"
#include "kiln/runtime/Artifact.h"
#include "kiln/runtime/CGraph.h"
#include "kiln/runtime/Partitioner.h"
#include "kiln/runtime/PluginHost.h"
#include "kiln/runtime/Runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <dlfcn.h>
#include <functional>
#include <optional>
#include <unistd.h>

#ifndef KILN_TEST_PLUGIN_DIR
#error "KILN_TEST_PLUGIN_DIR must name the directory of the test plugins"
#endif
#ifndef KILN_REFERENCE_PLUGIN_DIR
#error "KILN_REFERENCE_PLUGIN_DIR must name the directory of libkiln_plugin_reference.so"
#endif

using namespace kiln;

static const std::string kHostAbi =
    std::to_string(KILN_PLUGIN_ABI_MAJOR) + "." + std::to_string(KILN_PLUGIN_ABI_MINOR);

namespace {

std::string pluginFile(const std::string &name) {
  return std::string(KILN_TEST_PLUGIN_DIR) + "/libkiln_plugin_" + name + ".so";
}
std::string referenceFile() {
  return std::string(KILN_REFERENCE_PLUGIN_DIR) + "/libkiln_plugin_reference.so";
}

kiln_plugin_options defaultOptions() { return {sizeof(kiln_plugin_options), 0, 0}; }

bool contains(const std::string &s, const std::string &part) {
  return s.find(part) != std::string::npos;
}

/// Sets (or unsets) an environment variable for the scope.
class EnvVar {
public:
  EnvVar(const char *name, const char *value) : name_(name) {
    if (const char *old = std::getenv(name))
      old_ = old;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~EnvVar() {
    if (old_)
      setenv(name_.c_str(), old_->c_str(), 1);
    else
      unsetenv(name_.c_str());
  }

private:
  std::string name_;
  std::optional<std::string> old_;
};

/// A counter of the async_device plugin (which must already be loaded).
int64_t asyncStat(const char *name) {
  void *h = dlopen(pluginFile("async_device").c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (!h)
    return -100;
  auto fn = reinterpret_cast<int64_t (*)(const char *)>(dlsym(h, "kiln_test_async_device_stat"));
  int64_t v = fn ? fn(name) : -200;
  dlclose(h);
  return v;
}

/// Calls into the old_host_small_struct plugin's trap record.
int oldPluginTrapHits(std::string *what = nullptr) {
  void *h = dlopen(pluginFile("old_host_small_struct").c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (!h)
    return -100;
  auto hits = reinterpret_cast<int (*)()>(dlsym(h, "kiln_test_old_plugin_trap_hits"));
  auto whatFn = reinterpret_cast<const char *(*)()>(dlsym(h, "kiln_test_old_plugin_trap_what"));
  int v = hits ? hits() : -200;
  if (what && whatFn)
    *what = whatFn();
  dlclose(h);
  return v;
}

/// A hand-built artifact graph; weights are kept alive by the builder.
struct GraphBuilder {
  artifact::Graph g;
  std::deque<std::vector<float>> weightData;

  int32_t value(const std::string &name, std::vector<int64_t> shape,
                int32_t dtype = KILN_DTYPE_F32) {
    artifact::Value v;
    v.name = name;
    v.dtype = dtype;
    v.shape = std::move(shape);
    g.values.push_back(v);
    return int32_t(g.values.size() - 1);
  }
  int32_t input(const std::string &name, std::vector<int64_t> shape) {
    int32_t id = value(name, std::move(shape));
    g.inputs.push_back(id);
    return id;
  }
  int32_t weight(const std::string &name, std::vector<int64_t> shape, std::vector<float> data) {
    int32_t id = value(name, std::move(shape));
    weightData.push_back(std::move(data));
    artifact::Value &v = g.values[id];
    v.isWeight = true;
    v.writeData = weightData.back().data();
    v.weightSize = weightData.back().size() * sizeof(float);
    return id;
  }
  int32_t node(const std::string &op, const std::string &name, std::vector<int32_t> inputs,
               std::vector<int64_t> outShape) {
    int32_t out = value(name + ".out", std::move(outShape));
    artifact::Node n;
    n.op = op;
    n.name = name;
    n.inputs = std::move(inputs);
    n.outputs = {out};
    g.nodes.push_back(n);
    return out;
  }
  std::function<const void *(int32_t)> weights() const {
    const artifact::Graph *graph = &g;
    return [graph](int32_t v) { return graph->values[v].isWeight ? graph->values[v].writeData : nullptr; };
  }
};

const std::vector<float> kX = {-1.f, 2.f, -3.f, 4.f, -5.f, 6.f};
const std::vector<float> kW = {0.5f, 0.25f, -1.f, 1.5f, 3.f, -2.f};
const float kS = 2.f;

/// x[2,3] -> relu -> add w -> mul s[1] -> out; relu's result is a second output.
GraphBuilder simpleGraph() {
  GraphBuilder b;
  int32_t x = b.input("x", {2, 3});
  int32_t w = b.weight("w", {2, 3}, kW);
  int32_t s = b.weight("s", {1}, {kS});
  int32_t r = b.node("relu", "relu0", {x}, {2, 3});
  int32_t a = b.node("add", "add0", {r, w}, {2, 3});
  int32_t m = b.node("mul", "mul0", {a, s}, {2, 3});
  b.g.outputs = {m, r};
  return b;
}
std::vector<float> simpleExpected() {
  std::vector<float> out;
  for (size_t i = 0; i < kX.size(); ++i)
    out.push_back((std::max(kX[i], 0.f) + kW[i]) * kS);
  return out;
}

/// x[2,3] -> relu -> sigmoid -> add w -> mul s -> out.
GraphBuilder mixedGraph() {
  GraphBuilder b;
  int32_t x = b.input("x", {2, 3});
  int32_t w = b.weight("w", {2, 3}, kW);
  int32_t s = b.weight("s", {1}, {kS});
  int32_t r = b.node("relu", "relu0", {x}, {2, 3});
  int32_t g = b.node("sigmoid", "sig0", {r}, {2, 3});
  int32_t a = b.node("add", "add0", {g, w}, {2, 3});
  int32_t m = b.node("mul", "mul0", {a, s}, {2, 3});
  b.g.outputs = {m};
  return b;
}
std::vector<float> mixedExpected() {
  std::vector<float> out;
  for (size_t i = 0; i < kX.size(); ++i) {
    float r = std::max(kX[i], 0.f);
    out.push_back((1.f / (1.f + std::exp(-r)) + kW[i]) * kS);
  }
  return out;
}

Tensor inputX() {
  Tensor x = Tensor::allocate(KILN_DTYPE_F32, {2, 3});
  std::memcpy(x.data(), kX.data(), kX.size() * sizeof(float));
  return x;
}

class PluginAbiTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "kiln-plugin-abi-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    ASSERT_NE(mkdtemp(buf.data()), nullptr);
    dir_ = buf.data();
  }
  void TearDown() override {
    for (auto &f : files_)
      std::remove(f.c_str());
    rmdir(dir_.c_str());
  }
public:
  std::string write(const GraphBuilder &b, const std::string &name) {
    std::string path = dir_ + "/" + name + ".kiln";
    artifact::Metadata meta;
    meta.kilnVersion = "test";
    meta.producer = "PluginAbiTest";
    for (auto &p : b.g.partitions)
      meta.plugins.push_back(p.plugin);
    std::string error;
    EXPECT_TRUE(artifact::writeArtifact(path, meta, b.g, error)) << error;
    files_.push_back(path);
    return path;
  }
protected:
  static std::unique_ptr<Plugin> load(const std::string &path) {
    std::string error;
    auto p = Plugin::load(path, defaultOptions(), error);
    EXPECT_TRUE(p) << error;
    return p;
  }
  static void expectNear(const Tensor &t, const std::vector<float> &want) {
    ASSERT_EQ(t.dtype(), KILN_DTYPE_F32);
    ASSERT_EQ(size_t(t.numElements()), want.size());
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(t.as<float>()[i], want[i], 1e-5f) << "element " << i;
  }
  std::string dir_;
  std::vector<std::string> files_;
};

//===----------------------------------------------------------------------===//
// Loading: incompatible and broken libraries
//===----------------------------------------------------------------------===//

TEST_F(PluginAbiTest, AbiMajorMismatchIsRefusedNamingBothVersionsAndFile) {
  std::string error, path = pluginFile("abi_v2");
  auto p = Plugin::load(path, defaultOptions(), error);
  EXPECT_FALSE(p);
  EXPECT_TRUE(contains(error, "ABI 2.")) << error;
  EXPECT_TRUE(contains(error, "ABI 2.3")) << error;
  EXPECT_TRUE(contains(error, kHostAbi)) << error;
  EXPECT_TRUE(contains(error, path)) << error;
  EXPECT_EQ(error, "plugin " + path + " speaks kiln plugin ABI 2.3 but this host speaks " + kHostAbi);
}

// Loading a plugin makes OpenMP spin briefly (GOMP_SPINCOUNT=1000) unless the
// user chose a policy (PluginHost.cpp: long spins stall on shared cores, no
// spin pays a wake-up per primitive).
TEST_F(PluginAbiTest, OpenMPSpinsBrieflyUnlessTheUserChoseAPolicy) {
  std::string error;
  ::unsetenv("GOMP_SPINCOUNT");
  ::setenv("OMP_WAIT_POLICY", "ACTIVE", 1);
  EXPECT_TRUE(Plugin::load(pluginFile("async_device"), defaultOptions(), error)) << error;
  EXPECT_STREQ(std::getenv("OMP_WAIT_POLICY"), "ACTIVE");
  EXPECT_EQ(std::getenv("GOMP_SPINCOUNT"), nullptr);
  ::unsetenv("OMP_WAIT_POLICY");
  ::setenv("GOMP_SPINCOUNT", "20", 1);
  EXPECT_TRUE(Plugin::load(pluginFile("async_device"), defaultOptions(), error)) << error;
  EXPECT_EQ(std::getenv("OMP_WAIT_POLICY"), nullptr);
  EXPECT_STREQ(std::getenv("GOMP_SPINCOUNT"), "20");
  ::unsetenv("GOMP_SPINCOUNT");
  EXPECT_TRUE(Plugin::load(pluginFile("async_device"), defaultOptions(), error)) << error;
  EXPECT_EQ(std::getenv("OMP_WAIT_POLICY"), nullptr);
  EXPECT_STREQ(std::getenv("GOMP_SPINCOUNT"), "1000");
}

TEST_F(PluginAbiTest, LibraryWithoutEntryPointIsNotAPlugin) {
  std::string error, path = pluginFile("no_entry");
  EXPECT_FALSE(Plugin::load(path, defaultOptions(), error));
  EXPECT_EQ(error, path + " is not a kiln plugin: it does not export kiln_plugin_get");
}

TEST_F(PluginAbiTest, PluginThatReturnsNoTableRefusesTheHost) {
  std::string error, path = pluginFile("refuses_host");
  EXPECT_FALSE(Plugin::load(path, defaultOptions(), error));
  EXPECT_EQ(error, "plugin " + path + " refused to serve this host (kiln plugin ABI " + kHostAbi + ")");
}

TEST_F(PluginAbiTest, GarbageFileGivesTheDlopenError) {
  std::string error, path = pluginFile("garbage");
  EXPECT_FALSE(Plugin::load(path, defaultOptions(), error));
  EXPECT_TRUE(contains(error, "cannot load plugin " + path + ": ")) << error;
  // dlerror's own words follow ("invalid ELF header" / "file too short").
  EXPECT_GT(error.size(), std::string("cannot load plugin " + path + ": ").size()) << error;
}

TEST_F(PluginAbiTest, MissingFileGivesTheDlopenError) {
  std::string error, path = pluginFile("does_not_exist");
  EXPECT_FALSE(Plugin::load(path, defaultOptions(), error));
  EXPECT_TRUE(contains(error, "cannot load plugin " + path + ": ")) << error;
}

TEST_F(PluginAbiTest, MissingPluginByNameSaysNoPluginNamed) {
  PluginHost host(PluginHost::Options{{KILN_TEST_PLUGIN_DIR}, 0});
  std::string error;
  EXPECT_EQ(host.get("no_such_backend", error), nullptr);
  EXPECT_TRUE(contains(error, "no plugin named 'no_such_backend'")) << error;
  EXPECT_TRUE(contains(error, KILN_TEST_PLUGIN_DIR)) << error; // lists where it searched
}

TEST_F(PluginAbiTest, PluginByNameThatFailsToLoadCarriesTheReason) {
  PluginHost host(PluginHost::Options{{KILN_TEST_PLUGIN_DIR}, 0});
  std::string error;
  EXPECT_EQ(host.get("abi_v2", error), nullptr);
  EXPECT_TRUE(contains(error, "no plugin named 'abi_v2'")) << error;
  EXPECT_TRUE(contains(error, "speaks kiln plugin ABI 2.3 but this host speaks " + kHostAbi)) << error;
}

TEST_F(PluginAbiTest, DiscoverLoadsGoodPluginsAndReportsBadOnes) {
  PluginHost host(PluginHost::Options{{KILN_TEST_PLUGIN_DIR}, 0});
  host.discover();
  std::vector<std::string> names;
  for (auto &p : host.plugins())
    names.push_back(p->name());
  auto has = [&](const std::string &n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  EXPECT_TRUE(has("async_device"));
  EXPECT_TRUE(has("old_host_small_struct"));
  EXPECT_FALSE(has("abi_v2"));
  std::string all;
  for (auto &d : host.diagnostics())
    all += d + "\n";
  EXPECT_TRUE(contains(all, pluginFile("abi_v2") + " speaks kiln plugin ABI 2.3")) << all;
  EXPECT_TRUE(contains(all, pluginFile("no_entry") + " is not a kiln plugin")) << all;
  EXPECT_TRUE(contains(all, pluginFile("refuses_host") + " refused to serve this host")) << all;
  EXPECT_TRUE(contains(all, "cannot load plugin " + pluginFile("garbage"))) << all;
}

TEST_F(PluginAbiTest, KilnPluginPathFindsAPlugin) {
  {
    EnvVar unset("KILN_PLUGIN_PATH", nullptr);
    PluginHost host(PluginHost::Options{});
    std::string error;
    EXPECT_EQ(host.get("async_device", error), nullptr)
        << "the test plugins must not be on the default search path";
  }
  std::string env = std::string("/nonexistent/kiln/plugins::") + KILN_TEST_PLUGIN_DIR;
  EnvVar set("KILN_PLUGIN_PATH", env.c_str());
  PluginHost host(PluginHost::Options{});
  auto path = host.searchPath();
  EXPECT_NE(std::find(path.begin(), path.end(), std::string(KILN_TEST_PLUGIN_DIR)), path.end());
  std::string error;
  Plugin *p = host.get("async_device", error);
  ASSERT_NE(p, nullptr) << error;
  EXPECT_EQ(p->path(), pluginFile("async_device"));
  EXPECT_TRUE(p->isDevice());
  EXPECT_EQ(p->priority(), 10);
}

//===----------------------------------------------------------------------===//
// async_device through the raw ABI: separate memory, asynchronous execute
//===----------------------------------------------------------------------===//

struct DeviceAllocator {
  const Plugin *plugin;
  bool giveHostMemory = false;
  std::vector<void *> blocks;
  std::vector<float> hostBlock = std::vector<float>(64);
  static kiln_status allocate(void *user, uint64_t bytes, uint64_t, void **data) {
    auto *self = static_cast<DeviceAllocator *>(user);
    if (self->giveHostMemory) {
      *data = self->hostBlock.data();
      return KILN_OK;
    }
    kiln_status st = self->plugin->api().memory_allocate(self->plugin->instance(), bytes, data);
    if (st == KILN_OK)
      self->blocks.push_back(*data);
    return st;
  }
};

TEST_F(PluginAbiTest, AsyncDeviceOwnsItsMemoryAndRunsAsynchronously) {
  auto plugin = load(pluginFile("async_device"));
  ASSERT_TRUE(plugin);
  const kiln_plugin_api &api = plugin->api();
  kiln_plugin inst = plugin->instance();
  ASSERT_TRUE(plugin->isDevice());
  ASSERT_TRUE(KILN_HAS_FIELD(&api, kiln_plugin_api, memory_copy_to_host));

  GraphBuilder b;
  int32_t x = b.input("x", {2, 3});
  int32_t y = b.node("relu", "relu0", {x}, {2, 3});
  b.g.outputs = {y};
  artifact::Partition part;
  part.plugin = "async_device";
  part.nodes = {0};
  part.inputs = {x};
  part.outputs = {y};
  CGraph cg(b.g, b.weights());
  kiln_partition cp = CGraph::partitionOf(part);
  kiln_executable exec = nullptr;
  ASSERT_EQ(api.compile(inst, cg.get(), &cp, &exec), KILN_OK) << plugin->lastError();

  std::vector<float> hostX = kX;
  int64_t shape[2] = {2, 3};
  kiln_buffer in{sizeof(kiln_buffer), hostX.data(), 24, {sizeof(kiln_tensor_desc), KILN_DTYPE_F32, 2, shape}};
  int64_t outShape[2] = {-1, -1};
  kiln_buffer out{sizeof(kiln_buffer), nullptr, 0, {sizeof(kiln_tensor_desc), KILN_DTYPE_F32, 2, outShape}};
  DeviceAllocator alloc{plugin.get()};
  kiln_allocator allocator{sizeof(kiln_allocator), &alloc, &DeviceAllocator::allocate};

  // A host pointer is refused: the host must copy to the device first.
  int64_t rejected = asyncStat("rejected_pointers");
  EXPECT_EQ(api.execute(inst, exec, &in, 1, &out, 1, &allocator, nullptr),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(plugin->lastError(), "is not an async_device allocation"))
      << plugin->lastError();
  EXPECT_EQ(asyncStat("rejected_pointers"), rejected + 1);

  // Device memory holds the bytes in the device's own (scrambled) form.
  void *devX = nullptr;
  ASSERT_EQ(api.memory_allocate(inst, 24, &devX), KILN_OK);
  ASSERT_EQ(api.memory_copy_to_device(inst, devX, hostX.data(), 24, nullptr), KILN_OK);
  ASSERT_EQ(api.stream_synchronize(inst, nullptr), KILN_OK);
  EXPECT_NE(std::memcmp(devX, hostX.data(), 24), 0) << "device memory is not host memory";

  // An allocator that hands out host memory is caught too.
  in.data = devX;
  alloc.giveHostMemory = true;
  EXPECT_EQ(api.execute(inst, exec, &in, 1, &out, 1, &allocator, nullptr),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(plugin->lastError(), "memory_allocate")) << plugin->lastError();
  alloc.giveHostMemory = false;
  out.data = nullptr;

  // Execute returns before the work is done; synchronize waits for it.
  int64_t pending = asyncStat("pending_at_return"), onWorker = asyncStat("ran_on_worker");
  ASSERT_EQ(api.execute(inst, exec, &in, 1, &out, 1, &allocator, nullptr), KILN_OK)
      << plugin->lastError();
  EXPECT_EQ(asyncStat("pending_at_return"), pending + 1);
  ASSERT_NE(out.data, nullptr);
  EXPECT_EQ(alloc.blocks.size(), 1u);
  EXPECT_EQ(outShape[0], 2);
  EXPECT_EQ(outShape[1], 3);
  EXPECT_EQ(out.size, 24u);
  ASSERT_EQ(api.stream_synchronize(inst, nullptr), KILN_OK);
  EXPECT_EQ(asyncStat("ran_on_worker"), onWorker + 1);
  std::vector<float> result(6, -42.f);
  ASSERT_EQ(api.memory_copy_to_host(inst, result.data(), out.data, 24, nullptr), KILN_OK);
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(result[i], std::max(kX[i], 0.f)) << i;

  api.memory_free(inst, devX);
  for (void *p : alloc.blocks)
    api.memory_free(inst, p);
  api.executable_destroy(inst, exec);
}

//===----------------------------------------------------------------------===//
// Runtime end to end
//===----------------------------------------------------------------------===//

TEST_F(PluginAbiTest, AsyncDeviceRunsAGraphEndToEnd) {
  GraphBuilder b = simpleGraph();
  auto plugin = load(pluginFile("async_device"));
  ASSERT_TRUE(plugin);
  PartitionReport report;
  std::string error;
  ASSERT_TRUE(partitionGraph(b.g, {plugin.get()}, b.weights(), PartitionOptions(), report, error))
      << error;
  ASSERT_EQ(b.g.partitions.size(), 1u);
  EXPECT_EQ(b.g.partitions[0].plugin, "async_device");
  EXPECT_EQ(b.g.partitions[0].inputs, std::vector<int32_t>{0}); // x only: weights are not inputs
  std::string path = write(b, "async");

  Runtime rt(Runtime::Options{{KILN_TEST_PLUGIN_DIR}, 0});
  int64_t live0 = asyncStat("live_blocks");
  auto model = rt.load(path, error);
  ASSERT_TRUE(model) << error;
  EXPECT_EQ(model->partitionPlugins(), std::vector<std::string>{"async_device"});
  int64_t liveLoaded = asyncStat("live_blocks");
  EXPECT_EQ(liveLoaded, live0 + 2) << "compile uploads the two weights";

  int64_t executes = asyncStat("executes"), pending = asyncStat("pending_at_return"),
          syncs = asyncStat("synchronizes"), toDev = asyncStat("copies_to_device"),
          toHost = asyncStat("copies_to_host"), early = asyncStat("copy_to_host_while_pending"),
          rejected = asyncStat("rejected_pointers");
  Session session(*model);
  for (int round = 0; round < 2; ++round) {
    std::vector<Tensor> outputs;
    ASSERT_TRUE(session.run({{"x", inputX()}}, outputs, error)) << error;
    ASSERT_EQ(outputs.size(), 2u);
    expectNear(outputs[0], simpleExpected());
    std::vector<float> relu;
    for (float v : kX)
      relu.push_back(std::max(v, 0.f));
    expectNear(outputs[1], relu);
    EXPECT_EQ(outputs[0].shape(), (std::vector<int64_t>{2, 3}));
  }
  EXPECT_EQ(asyncStat("executes"), executes + 2);
  EXPECT_EQ(asyncStat("pending_at_return"), pending + 2) << "execute should return early";
  EXPECT_GE(asyncStat("synchronizes"), syncs + 2) << "the host must synchronize";
  EXPECT_EQ(asyncStat("copy_to_host_while_pending"), early)
      << "the host copied outputs back before synchronizing";
  EXPECT_EQ(asyncStat("copies_to_device"), toDev + 2);
  EXPECT_EQ(asyncStat("copies_to_host"), toHost + 4);
  EXPECT_EQ(asyncStat("rejected_pointers"), rejected);
  EXPECT_EQ(asyncStat("live_blocks"), liveLoaded) << "device inputs/outputs leaked";
  model.reset();
  EXPECT_EQ(asyncStat("live_blocks"), live0) << "executable_destroy frees the weights";
}

TEST_F(PluginAbiTest, MixedGraphSplitsAcrossAsyncDeviceAndReference) {
  EnvVar ops("KILN_TEST_ASYNC_DEVICE_OPS", "relu,mul");
  GraphBuilder b = mixedGraph();
  auto device = load(pluginFile("async_device"));
  auto reference = load(referenceFile());
  ASSERT_TRUE(device && reference);
  PartitionReport report;
  std::string error;
  ASSERT_TRUE(partitionGraph(b.g, {device.get(), reference.get()}, b.weights(), PartitionOptions(),
                             report, error))
      << error;
  ASSERT_EQ(report.nodes.size(), 4u);
  EXPECT_EQ(report.nodes[0].plugin, "async_device");
  EXPECT_EQ(report.nodes[0].note, "");
  EXPECT_EQ(report.nodes[1].plugin, "reference");
  EXPECT_EQ(report.nodes[1].note, "not supported by async_device");
  EXPECT_EQ(report.nodes[2].plugin, "reference");
  EXPECT_EQ(report.nodes[2].note, "not supported by async_device");
  EXPECT_EQ(report.nodes[3].plugin, "async_device");
  std::string text = report.format(b.g);
  EXPECT_TRUE(contains(text, "relu0 (relu) -> async_device\n")) << text;
  EXPECT_TRUE(contains(text, "sig0 (sigmoid) -> reference  [fell back: not supported by async_device]"))
      << text;
  EXPECT_TRUE(contains(text, "mul0 (mul) -> async_device\n")) << text;

  ASSERT_EQ(b.g.partitions.size(), 3u);
  EXPECT_EQ(b.g.partitions[0].plugin, "async_device");
  EXPECT_EQ(b.g.partitions[1].plugin, "reference");
  EXPECT_EQ(b.g.partitions[2].plugin, "async_device");
  EXPECT_EQ(b.g.partitions[1].nodes, (std::vector<int32_t>{1, 2}));
  int32_t reluOut = b.g.nodes[0].outputs[0], addOut = b.g.nodes[2].outputs[0];
  EXPECT_EQ(b.g.partitions[0].outputs, std::vector<int32_t>{reluOut});
  EXPECT_EQ(b.g.partitions[1].inputs, std::vector<int32_t>{reluOut});
  EXPECT_EQ(b.g.partitions[1].outputs, std::vector<int32_t>{addOut});
  EXPECT_EQ(b.g.partitions[2].inputs, std::vector<int32_t>{addOut});
  const std::vector<int32_t> nodePartition = {0, 1, 1, 2};
  for (size_t i = 0; i < b.g.nodes.size(); ++i)
    EXPECT_EQ(b.g.nodes[i].partition, nodePartition[i]) << i;
  std::string path = write(b, "mixed");

  Runtime rt(Runtime::Options{{KILN_TEST_PLUGIN_DIR, KILN_REFERENCE_PLUGIN_DIR}, 0});
  auto model = rt.load(path, error);
  ASSERT_TRUE(model) << error;
  EXPECT_EQ(model->partitionPlugins(),
            (std::vector<std::string>{"async_device", "reference", "async_device"}));
  int64_t toDev = asyncStat("copies_to_device"), toHost = asyncStat("copies_to_host"),
          executes = asyncStat("executes"), early = asyncStat("copy_to_host_while_pending");
  Session session(*model);
  std::vector<Tensor> outputs;
  ASSERT_TRUE(session.run({{"x", inputX()}}, outputs, error)) << error;
  ASSERT_EQ(outputs.size(), 1u);
  expectNear(outputs[0], mixedExpected());
  EXPECT_EQ(asyncStat("executes"), executes + 2);
  EXPECT_EQ(asyncStat("copies_to_device"), toDev + 2); // x, then the add's result
  EXPECT_EQ(asyncStat("copies_to_host"), toHost + 2);  // relu's result, then the output
  EXPECT_EQ(asyncStat("copy_to_host_while_pending"), early);
}

TEST_F(PluginAbiTest, FallbackForbiddenNamesTheNode) {
  EnvVar ops("KILN_TEST_ASYNC_DEVICE_OPS", "relu,mul");
  GraphBuilder b = mixedGraph();
  auto device = load(pluginFile("async_device"));
  auto reference = load(referenceFile());
  ASSERT_TRUE(device && reference);
  PartitionOptions opts;
  opts.allowFallback = false;
  PartitionReport report;
  std::string error;
  EXPECT_FALSE(partitionGraph(b.g, {device.get(), reference.get()}, b.weights(), opts, report, error));
  EXPECT_TRUE(contains(error, "node 'sig0' (sigmoid) is not supported by plugin 'async_device' "
                              "and fallback is disabled"))
      << error;
  EXPECT_TRUE(contains(error, "not supported by async_device")) << error;
}

TEST_F(PluginAbiTest, ArtifactNeedingAMissingPluginFailsToLoad) {
  GraphBuilder b = simpleGraph();
  auto plugin = load(pluginFile("async_device"));
  ASSERT_TRUE(plugin);
  PartitionReport report;
  std::string error;
  ASSERT_TRUE(partitionGraph(b.g, {plugin.get()}, b.weights(), PartitionOptions(), report, error));
  b.g.partitions[0].plugin = "nonexistent_backend";
  std::string path = write(b, "missing");
  Runtime rt(Runtime::Options{{KILN_TEST_PLUGIN_DIR}, 0});
  EXPECT_FALSE(rt.load(path, error));
  EXPECT_TRUE(contains(error, path + ": partition 0 needs plugin 'nonexistent_backend'")) << error;
  EXPECT_TRUE(contains(error, "no plugin named 'nonexistent_backend'")) << error;
}

//===----------------------------------------------------------------------===//
// An old plugin with a shorter table
//===----------------------------------------------------------------------===//

TEST_F(PluginAbiTest, OldPluginTableEndsAfterExecute) {
  auto plugin = load(pluginFile("old_host_small_struct"));
  ASSERT_TRUE(plugin);
  const kiln_plugin_api &api = plugin->api();
  EXPECT_EQ(api.struct_size, offsetof(kiln_plugin_api, stream_create));
  EXPECT_LT(api.struct_size, sizeof(kiln_plugin_api));
  EXPECT_TRUE(KILN_HAS_FIELD(&api, kiln_plugin_api, execute));
  EXPECT_FALSE(KILN_HAS_FIELD(&api, kiln_plugin_api, stream_create));
  EXPECT_FALSE(KILN_HAS_FIELD(&api, kiln_plugin_api, stream_synchronize));
  EXPECT_FALSE(KILN_HAS_FIELD(&api, kiln_plugin_api, memory_allocate));
  EXPECT_FALSE(KILN_HAS_FIELD(&api, kiln_plugin_api, serialize));
  EXPECT_FALSE(KILN_HAS_FIELD(&api, kiln_plugin_api, deserialize));
  EXPECT_FALSE(plugin->isDevice());
  EXPECT_EQ(plugin->name(), "old_host_small_struct");
}

/// Partitions simpleGraph() on the old plugin, runs it through the Runtime
/// and checks that nothing past the plugin's struct_size was called.
void runOnOldPlugin(const std::string &compiled,
                    const std::function<std::string(const GraphBuilder &, const std::string &)> &write) {
  std::string error;
  auto plugin = Plugin::load(pluginFile("old_host_small_struct"), defaultOptions(), error);
  ASSERT_TRUE(plugin) << error;
  GraphBuilder b = simpleGraph();
  PartitionReport report;
  ASSERT_TRUE(partitionGraph(b.g, {plugin.get()}, b.weights(), PartitionOptions(), report, error))
      << error;
  ASSERT_EQ(b.g.partitions.size(), 1u);
  EXPECT_EQ(b.g.partitions[0].plugin, "old_host_small_struct");
  b.g.partitions[0].compiled = compiled;
  std::string path = write(b, compiled.empty() ? "old" : "old-compiled");

  int hits0 = oldPluginTrapHits();
  Runtime rt(Runtime::Options{{KILN_TEST_PLUGIN_DIR}, 0});
  auto model = rt.load(path, error);
  ASSERT_TRUE(model) << error;
  Session session(*model);
  std::vector<Tensor> outputs;
  ASSERT_TRUE(session.run({{"x", inputX()}}, outputs, error)) << error;
  ASSERT_EQ(outputs.size(), 2u);
  for (size_t i = 0; i < kX.size(); ++i)
    EXPECT_NEAR(outputs[0].as<float>()[i], simpleExpected()[i], 1e-5f) << i;
  std::string what;
  EXPECT_EQ(oldPluginTrapHits(&what), hits0)
      << "the host used '" << what << "', which lies beyond the plugin's struct_size";
}

TEST_F(PluginAbiTest, OldPluginRunsWithoutStreamFunctions) {
  runOnOldPlugin("", [this](const GraphBuilder &b, const std::string &n) { return write(b, n); });
}

TEST_F(PluginAbiTest, OldPluginIsCompiledWhenTheArtifactHoldsSerializedBytes) {
  // Bytes that look like an AOT-serialized executable: with no deserialize
  // in the table, the host must compile the partition instead.
  runOnOldPlugin("serialized-by-a-newer-plugin",
                 [this](const GraphBuilder &b, const std::string &n) { return write(b, n); });
}

} // namespace
