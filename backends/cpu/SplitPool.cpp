//===- SplitPool.cpp - helper threads for batch splits --------------------===//
//
// See SplitPool.h. A job is shared with the helpers through a shared_ptr:
// a helper that picks it up after the caller returned finds no task left
// to take and never touches the caller's state.
//
//===----------------------------------------------------------------------===//
#include "SplitPool.h"

#ifdef KILN_CPU_HAVE_OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace kiln::cpu {
namespace {

struct Job {
  std::function<void(int, int64_t)> fn;
  int64_t n = 0;
  int helpers = 0; // slots 1..helpers take part
  std::atomic<int64_t> next{0}, finished{0};
};

/// Takes tasks of `j` until none is left.
void work(Job &j, int slot) {
  for (int64_t t = j.next.fetch_add(1); t < j.n; t = j.next.fetch_add(1)) {
    j.fn(slot, t);
    j.finished.fetch_add(1, std::memory_order_release);
  }
}

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// Kept for the life of the process and never destroyed: its helpers are
/// detached, so process exit never waits for them, and a child forked from
/// a process that has helpers (which the child lacks) still returns from
/// every call, doing the runs itself. (The host never unloads a plugin it
/// loaded, so the helpers' code stays mapped.)
class Pool {
public:
  /// Starts helpers up to `helpers`; returns how many there are (fewer
  /// when the system refuses a thread: the caller then does more itself).
  int ensure(int helpers) {
    std::lock_guard<std::mutex> lock(m_);
    try {
      while (started_ < helpers) {
        int slot = started_ + 1;
        std::thread([this, slot] { loop(slot); }).detach();
        ++started_;
      }
    } catch (const std::exception &) {
    }
    return std::min(helpers, started_);
  }

  /// False when another caller's job is being served.
  bool post(const std::shared_ptr<Job> &j) {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (current_)
        return false;
      current_ = j;
      posted_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    return true;
  }

  void retire() {
    std::lock_guard<std::mutex> lock(m_);
    current_.reset();
  }

private:
  void loop(int slot) {
#ifdef KILN_CPU_HAVE_OPENMP
    omp_set_num_threads(1); // the slices run one-thread kernels
#endif
    uint64_t seen = 0;
    for (;;) {
      // Spin briefly for the next job (runs come back to back), then sleep.
      auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(30);
      for (int i = 0; posted_.load(std::memory_order_acquire) == seen; ++i) {
        pause();
        if ((i & 255) == 255 && std::chrono::steady_clock::now() > until)
          break;
      }
      std::shared_ptr<Job> j;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return posted_.load(std::memory_order_relaxed) != seen; });
        seen = posted_.load(std::memory_order_relaxed);
        j = current_;
      }
      if (j && slot <= j->helpers)
        work(*j, slot);
    }
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::shared_ptr<Job> current_;
  std::atomic<uint64_t> posted_{0}; // jobs posted (changed under m_; read by spinning helpers)
  int started_ = 0; // helpers started (slots 1..started_)
};

Pool &pool() {
  static Pool *p = new Pool();
  return *p;
}

} // namespace

void runShared(int helpers, int64_t n, const std::function<void(int, int64_t)> &fn) {
  if (helpers <= 0 || n <= 1) {
    for (int64_t t = 0; t < n; ++t)
      fn(0, t);
    return;
  }
  Pool &p = pool();
  helpers = p.ensure(helpers);
  auto j = std::make_shared<Job>();
  j->fn = fn;
  j->n = n;
  j->helpers = helpers;
  bool posted = p.post(j);
  work(*j, 0);
  // Wait only for the tasks helpers took: spin, then give the core away
  // (a helper that lost its core may need this one).
  for (int i = 0; j->finished.load(std::memory_order_acquire) < n; ++i) {
    if (i < 4096)
      pause();
    else
      std::this_thread::yield();
  }
  if (posted)
    p.retire();
}

} // namespace kiln::cpu
