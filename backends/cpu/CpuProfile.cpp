//===- CpuProfile.cpp - per-node timing in the CPU plugin -----------------===//
#include "CpuProfile.h"

namespace kiln::cpu {

bool Profiler::control(int32_t mode, const kiln_profile_entry **entries, int32_t *count) {
  std::lock_guard<std::mutex> lock(mutex_);
  switch (mode) {
  case KILN_PROFILE_OFF:
    on_ = false;
    return true;
  case KILN_PROFILE_ON:
    totals_.clear();
    on_ = true;
    return true;
  case KILN_PROFILE_READ: {
    if (!entries || !count)
      return false;
    names_.clear();
    entries_.clear();
    names_.reserve(totals_.size());
    for (auto &[key, v] : totals_) {
      names_.push_back(key.second);
      kiln_profile_entry e{};
      e.struct_size = sizeof(kiln_profile_entry);
      e.node = key.first;
      e.calls = v.first;
      e.total_ns = v.second;
      entries_.push_back(e);
    }
    for (size_t i = 0; i < entries_.size(); ++i)
      entries_[i].kernel = names_[i].c_str();
    *entries = entries_.data();
    *count = int32_t(entries_.size());
    return true;
  }
  default:
    return false;
  }
}

void Profiler::record(int32_t node, const std::string &kernel, Clock::time_point started) {
  uint64_t ns = uint64_t(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count());
  std::lock_guard<std::mutex> lock(mutex_);
  auto &v = totals_[{node, kernel}];
  ++v.first;
  v.second += ns;
}

std::string onednnKernel(const dnnl::primitive &prim) {
  const_dnnl_primitive_desc_t pd = prim.get_primitive_desc();
  const char *impl = nullptr;
  if (pd && dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl)
    return std::string("onednn:") + impl;
  return "onednn";
}

} // namespace kiln::cpu
