//===- FaultInjectionTest.cpp - a plugin that fails in compile / execute ----===//
//
// tests/plugins/FaultInjectPlugin.cpp ("faultinject") forwards to the
// reference plugin and fails on demand. A failing compile must fail the load
// with the plugin's message and release the partitions compiled before it; a
// failing execute must fail the run with the plugin's message and leave the
// model and the session usable, with results identical to a clean run.
// Nothing may leak: the plugin counts live executables, and the test runs
// under ASan/LSan in `make asan`.
//
//===----------------------------------------------------------------------===//
#include "TestModel.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

using namespace kiln;
using namespace kiln::test;

namespace {

struct Faults {
  void (*inject)(int where, long after) = nullptr;
  long (*live)() = nullptr;
};

/// The plugin's control functions; the runtime has loaded it already.
Faults faults() {
  Faults f;
  void *h = dlopen(KILN_FAULT_PLUGIN, RTLD_NOW | RTLD_NOLOAD);
  if (!h)
    return f;
  f.inject = reinterpret_cast<void (*)(int, long)>(dlsym(h, "kiln_fault_inject"));
  f.live = reinterpret_cast<long (*)()>(dlsym(h, "kiln_fault_live"));
  dlclose(h); // drops the reference RTLD_NOLOAD took; the runtime keeps its own
  return f;
}

class FaultInjection : public ::testing::Test {
protected:
  void SetUp() override {
    Runtime::Options ro;
    ro.pluginPaths = {KILN_FAULT_PLUGIN_DIR, KILN_PLUGIN_DIR};
    rt = std::make_unique<Runtime>(ro);
    path = tempPath("faults.kiln");
    std::string error;
    ASSERT_TRUE(writeTestModel(path, "reference", error)) << error;
    // The clean results, and the plugin loaded (so its controls resolve).
    load.overridePlugin = "faultinject";
    auto model = rt->load(path, error, load);
    ASSERT_TRUE(model) << error;
    f = faults();
    ASSERT_TRUE(f.inject && f.live) << "the faultinject plugin's controls are missing";
    Session s(*model);
    ASSERT_TRUE(s.run({{"x", testInput(3)}}, clean, error)) << error;
  }
  void TearDown() override {
    if (f.inject)
      f.inject(0, 0);
    std::remove(path.c_str());
  }

  std::unique_ptr<Runtime> rt;
  Runtime::LoadOptions load;
  std::string path;
  Faults f;
  std::vector<Tensor> clean;
};

TEST_F(FaultInjection, CompileFailureFailsTheLoadWithThePluginsMessage) {
  for (long after : {0L, 1L}) { // the first partition, then the second
    f.inject(1, after);
    std::string error;
    auto model = rt->load(path, error, load);
    EXPECT_FALSE(model);
    EXPECT_NE(error.find("faultinject: injected compile failure"), std::string::npos) << error;
    EXPECT_NE(error.find("failed to compile partition " + std::to_string(after)), std::string::npos)
        << error;
    EXPECT_EQ(f.live(), 0) << "executables of a failed load were not destroyed";
  }
  // The runtime is still usable: the same load succeeds and computes the same.
  f.inject(0, 0);
  std::string error;
  auto model = rt->load(path, error, load);
  ASSERT_TRUE(model) << error;
  EXPECT_EQ(f.live(), 2);
  Session s(*model);
  std::vector<Tensor> out;
  ASSERT_TRUE(s.run({{"x", testInput(3)}}, out, error)) << error;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(sameBits(out[0], clean[0]));
  model.reset();
  EXPECT_EQ(f.live(), 0);
}

TEST_F(FaultInjection, ExecuteFailureFailsTheRunAndLeavesTheSessionUsable) {
  std::string error;
  auto model = rt->load(path, error, load);
  ASSERT_TRUE(model) << error;
  Session s(*model);
  for (int i = 0; i < 20; ++i) {
    f.inject(2, i % 2); // fail in the first, then in the second partition
    std::vector<Tensor> out;
    error.clear();
    EXPECT_FALSE(s.run({{"x", testInput(3)}}, out, error));
    EXPECT_NE(error.find("faultinject: injected execute failure"), std::string::npos) << error;
    f.inject(0, 0);
    out.clear();
    ASSERT_TRUE(s.run({{"x", testInput(3)}}, out, error)) << error;
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(sameBits(out[0], clean[0])) << "a run after a failed one computes something else";
  }
  // A fresh session of the same model works too.
  Session s2(*model);
  std::vector<Tensor> out;
  ASSERT_TRUE(s2.run({{"x", testInput(3)}}, out, error)) << error;
  EXPECT_TRUE(sameBits(out[0], clean[0]));
  model.reset();
  EXPECT_EQ(f.live(), 0);
}

TEST_F(FaultInjection, ManyFailingLoadsAndRunsLeakNothing) {
  // Under LSan (make asan) any allocation lost on a failure path is reported
  // at exit; here the plugin's own count must return to zero.
  for (int i = 0; i < 50; ++i) {
    std::string error;
    f.inject(1, i % 2);
    EXPECT_FALSE(rt->load(path, error, load));
    f.inject(0, 0);
    auto model = rt->load(path, error, load);
    ASSERT_TRUE(model) << error;
    Session s(*model);
    std::vector<Tensor> out;
    f.inject(2, i % 2);
    EXPECT_FALSE(s.run({{"x", testInput(i % 4)}}, out, error));
    f.inject(0, 0);
  }
  EXPECT_EQ(f.live(), 0);
}

} // namespace
