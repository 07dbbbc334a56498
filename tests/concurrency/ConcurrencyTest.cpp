//===- ConcurrencyTest.cpp - sessions of one model on many threads ---------===//
//
// One loaded Model, many threads, each with its own Session, running a mix
// of inputs (different batch sizes, so the plugins' per-shape plans are
// created and looked up concurrently): every output must be bit-identical to
// what one thread computes. Built and run under ThreadSanitizer by
// `make tsan` (build-tsan, KILN_SANITIZE=thread), where any data race in the
// runtime or the plugins fails the test.
//
//===----------------------------------------------------------------------===//
#include "TestModel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sys/stat.h>
#include <thread>

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr int kInputs = 12;

bool pluginBuilt(const std::string &name) {
  struct stat st;
  return stat((std::string(KILN_PLUGIN_DIR) + "/libkiln_plugin_" + name + ".so").c_str(), &st) == 0;
}

class Concurrency : public ::testing::TestWithParam<std::string> {};

TEST_P(Concurrency, SessionsOnManyThreadsMatchOneThreadBitForBit) {
  const std::string plugin = GetParam();
  if (!pluginBuilt(plugin))
    GTEST_SKIP() << "plugin '" << plugin << "' is not built";
  std::string error;
  std::string path = tempPath("concurrency-" + plugin + ".kiln");
  ASSERT_TRUE(writeTestModel(path, plugin, error)) << error;
  Runtime::Options ro;
  ro.pluginPaths = {KILN_PLUGIN_DIR};
  ro.numThreads = 1; // the plugins' own parallelism off: the threads are ours
  Runtime rt(ro);
  auto model = rt.load(path, error);
  std::remove(path.c_str());
  ASSERT_TRUE(model) << error;

  // One thread: the expected outputs.
  std::vector<std::vector<Tensor>> expected(kInputs);
  {
    Session s(*model);
    for (int k = 0; k < kInputs; ++k)
      ASSERT_TRUE(s.run({{"x", testInput(k)}}, expected[k], error)) << error;
  }

  const int threads = 8, rounds = 6;
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::string> errors(threads);
  std::vector<std::thread> pool;
  std::atomic<bool> go{false};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (!go.load())
        std::this_thread::yield();
      Session s(*model);
      for (int r = 0; r < rounds; ++r) {
        for (int i = 0; i < kInputs; ++i) {
          int k = (i + t * 5 + r) % kInputs; // every thread in its own order
          std::vector<Tensor> out;
          std::string err;
          if (!s.run({{"x", testInput(k)}}, out, err)) {
            failures.fetch_add(1);
            errors[t] = err;
            continue;
          }
          if (out.size() != expected[k].size() || !sameBits(out[0], expected[k][0]))
            mismatches.fetch_add(1);
        }
      }
    });
  }
  go.store(true);
  for (auto &th : pool)
    th.join();
  for (auto &e : errors)
    EXPECT_TRUE(e.empty()) << e;
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0) << "outputs differ from the single-threaded run";
}

// The oneDNN plugin runs OpenMP, which ThreadSanitizer cannot see into:
// under TSan only the reference plugin is checked.
#ifdef KILN_TSAN
INSTANTIATE_TEST_SUITE_P(Plugins, Concurrency, ::testing::Values("reference"));
#else
INSTANTIATE_TEST_SUITE_P(Plugins, Concurrency, ::testing::Values("reference", "cpu"));
#endif

} // namespace
