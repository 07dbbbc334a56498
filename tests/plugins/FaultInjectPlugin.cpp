//===- FaultInjectPlugin.cpp - a plugin that fails on demand ---------------===//
//
// Plugin "faultinject": the reference plugin (dlopen'ed from
// KILN_REFERENCE_PLUGIN_PATH) behind a forwarding table whose compile and
// execute fail when told to. The test drives it through two exported C
// functions (found with dlsym on the already loaded library):
//
//   kiln_fault_inject(where, after)  where: 0 none, 1 compile, 2 execute;
//                                    the call fails once `after` more calls
//                                    of that kind have succeeded, then every
//                                    call fails until reset.
//   kiln_fault_live()                executables alive (compiled and not yet
//                                    destroyed): the host must bring this back
//                                    to 0, also after a failed load.
//
// A failure returns KILN_ERROR_INTERNAL with last_error()
// "faultinject: injected <compile|execute> failure #<n>". Each failure also
// allocates and frees scratch memory first, as a real failing backend
// would, so LSan sees any path that loses it.
//
//===----------------------------------------------------------------------===//
#include "kiln/kiln_plugin.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <memory>
#include <mutex>
#include <string>

#ifndef KILN_REFERENCE_PLUGIN_PATH
#error "KILN_REFERENCE_PLUGIN_PATH must name the reference plugin"
#endif

namespace {

const kiln_plugin_api *ref = nullptr;
std::atomic<int> faultWhere{0};
std::atomic<long> faultAfter{0};
std::atomic<long> failures{0};
std::atomic<long> live{0};

struct Instance {
  kiln_plugin inner = nullptr;
  std::mutex mu;
  std::string error; // our own message, when the last failure was injected
  bool injected = false;
};

struct Exec {
  kiln_executable inner;
};

bool shouldFail(int where) {
  if (faultWhere.load() != where)
    return false;
  return faultAfter.fetch_sub(1) <= 0;
}

kiln_status inject(Instance *in, const char *what) {
  auto scratch = std::make_unique<char[]>(4096); // released on the failure path
  std::snprintf(scratch.get(), 4096, "faultinject: injected %s failure #%ld", what,
                failures.fetch_add(1) + 1);
  std::lock_guard<std::mutex> g(in->mu);
  in->error = scratch.get();
  in->injected = true;
  return KILN_ERROR_INTERNAL;
}

kiln_status forwarded(Instance *in, kiln_status st) {
  if (st != KILN_OK) {
    std::lock_guard<std::mutex> g(in->mu);
    in->injected = false;
  }
  return st;
}

kiln_status create(const kiln_plugin_options *options, kiln_plugin *out) {
  auto *in = new Instance();
  kiln_status st = ref->create(options, &in->inner);
  if (st != KILN_OK) {
    delete in;
    return st;
  }
  *out = reinterpret_cast<kiln_plugin>(in);
  return KILN_OK;
}

Instance *self(kiln_plugin p) { return reinterpret_cast<Instance *>(p); }

void destroy(kiln_plugin p) {
  ref->destroy(self(p)->inner);
  delete self(p);
}

const char *lastError(kiln_plugin p) {
  if (!p)
    return ref->last_error(nullptr);
  Instance *in = self(p);
  std::lock_guard<std::mutex> g(in->mu);
  return in->injected ? in->error.c_str() : ref->last_error(in->inner);
}

kiln_status query(kiln_plugin p, const kiln_graph *graph, int32_t *supported, float *cost) {
  return forwarded(self(p), ref->query(self(p)->inner, graph, supported, cost));
}

kiln_status compile(kiln_plugin p, const kiln_graph *graph, const kiln_partition *partition,
                    kiln_executable *out) {
  if (shouldFail(1))
    return inject(self(p), "compile");
  kiln_executable inner = nullptr;
  kiln_status st = ref->compile(self(p)->inner, graph, partition, &inner);
  if (st != KILN_OK)
    return forwarded(self(p), st);
  *out = reinterpret_cast<kiln_executable>(new Exec{inner});
  live.fetch_add(1);
  return KILN_OK;
}

void executableDestroy(kiln_plugin p, kiln_executable e) {
  auto *ex = reinterpret_cast<Exec *>(e);
  ref->executable_destroy(self(p)->inner, ex->inner);
  delete ex;
  live.fetch_sub(1);
}

kiln_status execute(kiln_plugin p, kiln_executable e, const kiln_buffer *inputs,
                    int32_t numInputs, kiln_buffer *outputs, int32_t numOutputs,
                    const kiln_allocator *allocator, kiln_stream stream) {
  if (shouldFail(2))
    return inject(self(p), "execute");
  return forwarded(self(p), ref->execute(self(p)->inner, reinterpret_cast<Exec *>(e)->inner,
                                         inputs, numInputs, outputs, numOutputs, allocator,
                                         stream));
}

kiln_plugin_api api;

} // namespace

extern "C" {

__attribute__((visibility("default"))) void kiln_fault_inject(int where, long after) {
  faultAfter.store(after);
  faultWhere.store(where);
}

__attribute__((visibility("default"))) long kiln_fault_live() { return live.load(); }

__attribute__((visibility("default"))) const kiln_plugin_api *
kiln_plugin_get(uint32_t hostMajor, uint32_t hostMinor) {
  if (!ref) {
    void *h = dlopen(KILN_REFERENCE_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!h)
      return nullptr;
    auto get = reinterpret_cast<kiln_plugin_get_fn>(dlsym(h, KILN_PLUGIN_ENTRY_SYMBOL));
    ref = get ? get(hostMajor, hostMinor) : nullptr;
    if (!ref)
      return nullptr;
  }
  std::memset(&api, 0, sizeof(api));
  api.struct_size = offsetof(kiln_plugin_api, serialize); // no AOT, no stats
  api.abi_major = KILN_PLUGIN_ABI_MAJOR;
  api.abi_minor = 0;
  api.name = "faultinject";
  api.version = "0.1.0";
  api.device_kind = "cpu";
  api.memory_space = ref->memory_space;
  api.priority = -1; // never chosen unless asked for by name
  api.create = create;
  api.destroy = destroy;
  api.last_error = lastError;
  api.query = query;
  api.compile = compile;
  api.executable_destroy = executableDestroy;
  api.execute = execute;
  return &api;
}

} // extern "C"
