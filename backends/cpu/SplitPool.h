//===- SplitPool.h - helper threads for batch splits ---------------*- C++ -*-===//
//
// A batch split (BatchSplit.inc) runs its slices on the calling thread and
// on helper threads kept for the process. Unlike an OpenMP parallel region,
// whose caller waits at the closing barrier for every thread of the team,
// the caller here waits only for the work a helper has actually taken: a
// helper that wakes late, or has lost its core to another process, leaves
// its share to the caller (ONNX Runtime's pool degrades the same way).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BACKENDS_CPU_SPLITPOOL_H
#define KILN_BACKENDS_CPU_SPLITPOOL_H

#include <cstdint>
#include <functional>

namespace kiln::cpu {

/// Runs fn(slot, task) for every task in [0, n): each task on whichever of
/// the calling thread (slot 0) and up to `helpers` helper threads (slots 1
/// to `helpers`) takes it first. Returns when every task has finished. `fn`
/// must not throw. A call made while the helpers serve another caller runs
/// all its tasks on the calling thread.
void runShared(int helpers, int64_t n, const std::function<void(int slot, int64_t task)> &fn);

} // namespace kiln::cpu

#endif // KILN_BACKENDS_CPU_SPLITPOOL_H
