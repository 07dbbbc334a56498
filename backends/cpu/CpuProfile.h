//===- CpuProfile.h - per-node timing in the CPU plugin --------*- C++ -*-===//
//
// ABI 1.2 executable_profile for the oneDNN CPU plugin: while profiling is
// on, every step of a run is timed and summed per (node, kernel). The kernel
// names what ran the node: "onednn:<oneDNN implementation>" (e.g.
// "onednn:jit:avx2", "onednn:gemm:jit"), "reference" (the reference kernel
// fallback), "view" or "copy"; "+post" marks a node with fused post-ops.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BACKENDS_CPU_CPUPROFILE_H
#define KILN_BACKENDS_CPU_CPUPROFILE_H

#include "kiln/kiln_plugin.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace kiln::cpu {

class Profiler {
public:
  using Clock = std::chrono::steady_clock;

  bool on() const { return on_.load(std::memory_order_relaxed); }
  /// KILN_PROFILE_ON / OFF / READ; false for an unknown mode.
  bool control(int32_t mode, const kiln_profile_entry **entries, int32_t *count);
  /// Adds one timed call of `node` run by `kernel`.
  void record(int32_t node, const std::string &kernel, Clock::time_point started);

private:
  std::atomic<bool> on_{false};
  std::mutex mutex_;
  std::map<std::pair<int32_t, std::string>, std::pair<uint64_t, uint64_t>> totals_; // calls, ns
  std::vector<std::string> names_;          // backing store for `entries_`
  std::vector<kiln_profile_entry> entries_; // the last READ
};

/// "onednn:" followed by the implementation oneDNN picked for `prim`.
std::string onednnKernel(const dnnl::primitive &prim);

} // namespace kiln::cpu

#endif // KILN_BACKENDS_CPU_CPUPROFILE_H
