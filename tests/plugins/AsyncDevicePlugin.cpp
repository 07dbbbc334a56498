//===- AsyncDevicePlugin.cpp - a test plugin with its own memory and a queue ===//
//
// `async_device`: a DEVICE plugin that proves the host side of the plugin ABI.
//
//  * Its memory is its own: memory_allocate hands out blocks from its own
//    heap, each behind a 64-byte header with a magic number, and records them.
//    The bytes are stored scrambled (XOR 0xA5), so a host that read or wrote
//    device memory directly instead of through memory_copy_to_host/_device
//    would see garbage. execute refuses any buffer that is not one of its own
//    live allocations (the host must copy across spaces).
//  * Its work is asynchronous: execute checks and allocates, enqueues the
//    computation on a worker std::thread and returns; stream_synchronize
//    waits for the queue to drain. Each queued execute sleeps a few
//    milliseconds first, so a host that skipped the synchronize would lose.
//  * It runs "relu", "add" and "mul" on f32 (add/mul: equal shapes, or one
//    side with a single element). KILN_TEST_ASYNC_DEVICE_OPS="relu,mul"
//    restricts what query claims, for mixed-plugin partitioning tests.
//
// Counters for the tests: kiln_test_async_device_stat("name").
//
//===----------------------------------------------------------------------===//
#include "kiln/kiln_plugin.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr uint64_t kMagic = 0x4B494C4E44455643ull; // "KILNDEVC"
constexpr uint64_t kFreedMagic = 0xDEADDEADDEADDEADull;
constexpr uint8_t kScramble = 0xA5;
constexpr size_t kHeader = 64;

struct BlockHeader {
  uint64_t magic;
  uint64_t bytes;
};

// Counters read by the tests (process-wide: every instance adds to them).
struct Stats {
  std::atomic<int64_t> executes{0}, pendingAtReturn{0}, ranOnWorker{0}, synchronizes{0},
      copiesToDevice{0}, copiesToHost{0}, copyToHostWhilePending{0}, rejectedPointers{0},
      allocations{0}, frees{0}, liveBlocks{0}, instances{0};
} gStats;

enum class Op { Relu, Add, Mul };

bool opFromName(const char *name, Op &op) {
  if (!name)
    return false;
  if (!std::strcmp(name, "relu")) op = Op::Relu;
  else if (!std::strcmp(name, "add")) op = Op::Add;
  else if (!std::strcmp(name, "mul")) op = Op::Mul;
  else return false;
  return true;
}

struct Instance {
  std::string error;
  std::mutex memMu;
  std::set<void *> live; // data pointers handed out

  std::mutex qMu;
  std::condition_variable qCv, idleCv;
  std::deque<std::function<void()>> queue;
  bool busy = false, stop = false;
  std::string asyncError; // a failure on the worker, reported by synchronize
  std::thread worker;

  Instance() {
    worker = std::thread([this] { loop(); });
  }
  ~Instance() {
    {
      std::lock_guard<std::mutex> l(qMu);
      stop = true;
      qCv.notify_all();
    }
    worker.join();
    std::lock_guard<std::mutex> l(memMu);
    for (void *p : live) {
      reinterpret_cast<BlockHeader *>(static_cast<char *>(p) - kHeader)->magic = kFreedMagic;
      std::free(static_cast<char *>(p) - kHeader);
      gStats.liveBlocks--;
    }
  }

  void loop() {
    std::unique_lock<std::mutex> l(qMu);
    for (;;) {
      qCv.wait(l, [&] { return stop || !queue.empty(); });
      if (queue.empty() && stop)
        return;
      auto task = std::move(queue.front());
      queue.pop_front();
      busy = true;
      l.unlock();
      task();
      l.lock();
      busy = false;
      if (queue.empty())
        idleCv.notify_all();
    }
  }
  void enqueue(std::function<void()> task) {
    std::lock_guard<std::mutex> l(qMu);
    queue.push_back(std::move(task));
    qCv.notify_one();
  }
  bool pending() {
    std::lock_guard<std::mutex> l(qMu);
    return busy || !queue.empty();
  }
  /// Waits for the queue to drain; returns (and clears) a worker failure.
  std::string drain() {
    std::unique_lock<std::mutex> l(qMu);
    idleCv.wait(l, [&] { return !busy && queue.empty(); });
    std::string e = std::move(asyncError);
    asyncError.clear();
    return e;
  }
  void workerFail(const std::string &msg) {
    std::lock_guard<std::mutex> l(qMu);
    if (asyncError.empty())
      asyncError = msg;
  }

  /// True when [p, p+bytes) lies in one of this instance's live blocks.
  bool owns(const void *p, uint64_t bytes) {
    std::lock_guard<std::mutex> l(memMu);
    if (!live.count(const_cast<void *>(p)))
      return false;
    auto *h = reinterpret_cast<const BlockHeader *>(static_cast<const char *>(p) - kHeader);
    return h->magic == kMagic && h->bytes >= bytes;
  }
  void *allocate(uint64_t bytes) {
    void *base = nullptr;
    if (posix_memalign(&base, 64, kHeader + std::max<uint64_t>(bytes, 1)) != 0)
      return nullptr;
    auto *h = static_cast<BlockHeader *>(base);
    h->magic = kMagic;
    h->bytes = bytes;
    void *data = static_cast<char *>(base) + kHeader;
    std::lock_guard<std::mutex> l(memMu);
    live.insert(data);
    gStats.allocations++;
    gStats.liveBlocks++;
    return data;
  }
  bool release(void *data) {
    std::lock_guard<std::mutex> l(memMu);
    auto it = live.find(data);
    if (it == live.end())
      return false;
    live.erase(it);
    auto *h = reinterpret_cast<BlockHeader *>(static_cast<char *>(data) - kHeader);
    h->magic = kFreedMagic;
    std::free(h);
    gStats.frees++;
    gStats.liveBlocks--;
    return true;
  }
};

Instance *inst(kiln_plugin p) { return reinterpret_cast<Instance *>(p); }

kiln_status fail(kiln_plugin p, kiln_status st, std::string msg) {
  inst(p)->error = "async_device: " + std::move(msg);
  return st;
}

// "Device" element access: the bytes are stored scrambled.
float loadF(const void *base, int64_t i) {
  uint8_t b[4];
  std::memcpy(b, static_cast<const uint8_t *>(base) + 4 * i, 4);
  for (uint8_t &x : b)
    x ^= kScramble;
  float f;
  std::memcpy(&f, b, 4);
  return f;
}
void storeF(void *base, int64_t i, float f) {
  uint8_t b[4];
  std::memcpy(b, &f, 4);
  for (uint8_t &x : b)
    x ^= kScramble;
  std::memcpy(static_cast<uint8_t *>(base) + 4 * i, b, 4);
}
void scrambleCopy(void *dst, const void *src, uint64_t bytes) {
  auto *d = static_cast<uint8_t *>(dst);
  auto *s = static_cast<const uint8_t *>(src);
  for (uint64_t i = 0; i < bytes; ++i)
    d[i] = s[i] ^ kScramble;
}

int64_t elements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

struct CompiledNode {
  Op op;
  std::string name;
  std::vector<int32_t> inputs, outputs;
};

struct Executable {
  std::vector<CompiledNode> nodes;
  std::vector<int32_t> inputs, outputs;
  std::map<int32_t, void *> constants;                // value -> device copy
  std::map<int32_t, std::vector<int64_t>> constShapes; // value -> shape
};

std::set<std::string> claimedOps() {
  std::set<std::string> ops = {"relu", "add", "mul"};
  if (const char *env = std::getenv("KILN_TEST_ASYNC_DEVICE_OPS")) {
    ops.clear();
    std::string s = env;
    size_t start = 0;
    while (start <= s.size()) {
      size_t c = s.find(',', start);
      std::string op = s.substr(start, c == std::string::npos ? std::string::npos : c - start);
      if (!op.empty())
        ops.insert(op);
      if (c == std::string::npos)
        break;
      start = c + 1;
    }
  }
  return ops;
}

//===--- the ABI functions --------------------------------------------------===//

kiln_status create(const kiln_plugin_options *, kiln_plugin *out) {
  *out = reinterpret_cast<kiln_plugin>(new Instance());
  gStats.instances++;
  return KILN_OK;
}

void destroy(kiln_plugin p) {
  delete inst(p);
  gStats.instances--;
}

const char *lastError(kiln_plugin p) { return p ? inst(p)->error.c_str() : ""; }

kiln_status query(kiln_plugin, const kiln_graph *g, int32_t *supported, float *cost) {
  std::set<std::string> ops = claimedOps();
  for (int32_t i = 0; i < g->num_nodes; ++i) {
    const kiln_node &n = g->nodes[i];
    Op op;
    bool ok = opFromName(n.op, op) && ops.count(n.op);
    for (int32_t k = 0; ok && k < n.num_inputs; ++k)
      ok = n.inputs[k] >= 0 && g->values[n.inputs[k]].type.dtype == KILN_DTYPE_F32;
    for (int32_t k = 0; ok && k < n.num_outputs; ++k)
      ok = g->values[n.outputs[k]].type.dtype == KILN_DTYPE_F32;
    supported[i] = ok ? 1 : 0;
    cost[i] = 1.f;
  }
  return KILN_OK;
}

void executableDestroy(kiln_plugin p, kiln_executable e) {
  auto *exec = reinterpret_cast<Executable *>(e);
  inst(p)->drain(); // nothing queued may still use the constants
  for (auto &kv : exec->constants)
    inst(p)->release(kv.second);
  delete exec;
}

kiln_status compile(kiln_plugin p, const kiln_graph *g, const kiln_partition *part,
                    kiln_executable *out) {
  auto exec = std::make_unique<Executable>();
  auto cleanup = [&] {
    for (auto &kv : exec->constants)
      inst(p)->release(kv.second);
  };
  for (int32_t k = 0; k < part->num_nodes; ++k) {
    int32_t id = part->nodes[k];
    if (id < 0 || id >= g->num_nodes) {
      cleanup();
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "partition names a node out of range");
    }
    const kiln_node &n = g->nodes[id];
    CompiledNode cn;
    cn.name = n.name ? n.name : "";
    if (!opFromName(n.op, cn.op)) {
      cleanup();
      return fail(p, KILN_ERROR_UNSUPPORTED, std::string("op '") + n.op + "' is not supported");
    }
    int32_t want = cn.op == Op::Relu ? 1 : 2;
    if (n.num_inputs != want || n.num_outputs != 1) {
      cleanup();
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + cn.name + "' has the wrong arity");
    }
    cn.inputs.assign(n.inputs, n.inputs + n.num_inputs);
    cn.outputs.assign(n.outputs, n.outputs + n.num_outputs);
    for (int32_t v : cn.inputs) {
      if (v < 0 || v >= g->num_values || g->values[v].type.dtype != KILN_DTYPE_F32) {
        cleanup();
        return fail(p, KILN_ERROR_UNSUPPORTED, "node '" + cn.name + "': only f32 is supported");
      }
      const kiln_value &val = g->values[v];
      if (val.constant_data && !exec->constants.count(v)) {
        // Weights live in host memory: upload them once, at compile time.
        void *d = inst(p)->allocate(val.constant_size);
        if (!d) {
          cleanup();
          return fail(p, KILN_ERROR_OUT_OF_MEMORY, "cannot upload weight '" +
                                                       std::string(val.name) + "'");
        }
        scrambleCopy(d, val.constant_data, val.constant_size);
        exec->constants[v] = d;
        exec->constShapes[v].assign(val.type.shape, val.type.shape + val.type.rank);
      }
    }
    exec->nodes.push_back(std::move(cn));
  }
  exec->inputs.assign(part->inputs, part->inputs + part->num_inputs);
  exec->outputs.assign(part->outputs, part->outputs + part->num_outputs);
  *out = reinterpret_cast<kiln_executable>(exec.release());
  return KILN_OK;
}

struct Slot {
  void *data = nullptr;
  std::vector<int64_t> shape;
};

kiln_status execute(kiln_plugin p, kiln_executable e, const kiln_buffer *inputs, int32_t numInputs,
                    kiln_buffer *outputs, int32_t numOutputs, const kiln_allocator *allocator,
                    kiln_stream) {
  Instance &in = *inst(p);
  auto &exec = *reinterpret_cast<Executable *>(e);
  gStats.executes++;
  if (numInputs != int32_t(exec.inputs.size()) || numOutputs != int32_t(exec.outputs.size()))
    return fail(p, KILN_ERROR_INVALID_ARGUMENT, "wrong number of inputs or outputs");

  std::map<int32_t, Slot> slots;
  for (auto &kv : exec.constants)
    slots[kv.first] = {kv.second, exec.constShapes[kv.first]};
  for (int32_t i = 0; i < numInputs; ++i) {
    const kiln_buffer &b = inputs[i];
    if (b.type.dtype != KILN_DTYPE_F32)
      return fail(p, KILN_ERROR_UNSUPPORTED, "input " + std::to_string(i) + " is not f32");
    std::vector<int64_t> shape(b.type.shape, b.type.shape + b.type.rank);
    if (!in.owns(b.data, uint64_t(elements(shape)) * 4)) {
      gStats.rejectedPointers++;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%p", b.data);
      return fail(p, KILN_ERROR_INVALID_ARGUMENT,
                  "input " + std::to_string(i) + " (" + buf +
                      ") is not an async_device allocation: the host must copy host tensors "
                      "to the device first");
    }
    slots[exec.inputs[i]] = {b.data, shape};
  }
  std::map<int32_t, int32_t> outputSlot;
  for (int32_t i = 0; i < numOutputs; ++i)
    outputSlot[exec.outputs[i]] = i;

  // Shapes and allocations happen now, on the caller's thread; the
  // arithmetic happens later, on the worker.
  struct Step {
    Op op;
    void *a, *b, *out;
    int64_t na, nb, nout;
  };
  std::vector<Step> steps;
  std::vector<void *> temps;
  auto abandon = [&](kiln_status st, const std::string &msg) {
    for (void *t : temps)
      in.release(t);
    return fail(p, st, msg);
  };
  for (const CompiledNode &n : exec.nodes) {
    Step s{n.op, nullptr, nullptr, nullptr, 0, 0, 0};
    std::vector<int64_t> outShape;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      auto it = slots.find(n.inputs[k]);
      if (it == slots.end() || !it->second.data)
        return abandon(KILN_ERROR_INVALID_ARGUMENT,
                       "node '" + n.name + "': input " + std::to_string(k) + " is not available");
      int64_t count = elements(it->second.shape);
      if (k == 0) {
        s.a = it->second.data;
        s.na = count;
        outShape = it->second.shape;
      } else {
        s.b = it->second.data;
        s.nb = count;
        if (count != s.na && count != 1 && s.na != 1)
          return abandon(KILN_ERROR_INVALID_ARGUMENT,
                         "node '" + n.name + "': shapes do not match (" + std::to_string(s.na) +
                             " vs " + std::to_string(count) + " elements)");
        if (s.na == 1 && count != 1)
          outShape = it->second.shape;
      }
    }
    s.nout = elements(outShape);
    uint64_t bytes = uint64_t(s.nout) * 4;
    int32_t v = n.outputs[0];
    auto os = outputSlot.find(v);
    if (os != outputSlot.end()) {
      kiln_buffer &b = outputs[os->second];
      if (b.type.rank != int32_t(outShape.size()))
        return abandon(KILN_ERROR_INVALID_ARGUMENT, "node '" + n.name + "' produced rank " +
                                                        std::to_string(outShape.size()) +
                                                        " where the graph declares rank " +
                                                        std::to_string(b.type.rank));
      if (!b.data) {
        void *data = nullptr;
        if (!allocator || allocator->allocate(allocator->user, bytes, 64, &data) != KILN_OK)
          return abandon(KILN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate the output of node '" + n.name + "'");
        b.data = data;
        b.size = bytes;
      }
      // The host's allocator must give device memory (memory_allocate).
      if (!in.owns(b.data, bytes)) {
        gStats.rejectedPointers++;
        return abandon(KILN_ERROR_INVALID_ARGUMENT,
                       "output " + std::to_string(os->second) +
                           " is not an async_device allocation: the allocator must call "
                           "memory_allocate");
      }
      b.type.dtype = KILN_DTYPE_F32;
      int64_t *shape = const_cast<int64_t *>(b.type.shape);
      for (size_t d = 0; d < outShape.size(); ++d)
        shape[d] = outShape[d];
      s.out = b.data;
    } else {
      s.out = in.allocate(bytes);
      if (!s.out)
        return abandon(KILN_ERROR_OUT_OF_MEMORY, "out of device memory");
      temps.push_back(s.out);
    }
    slots[v] = {s.out, outShape};
    steps.push_back(s);
  }

  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread::id caller = std::this_thread::get_id();
  Instance *self = &in;
  in.enqueue([self, steps, temps, done, caller] {
    // A slow device: the host must not read the outputs before synchronize.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (std::this_thread::get_id() != caller)
      gStats.ranOnWorker++;
    for (const Step &s : steps) {
      for (int64_t i = 0; i < s.nout; ++i) {
        float x = loadF(s.a, s.na == 1 ? 0 : i);
        float r = 0;
        switch (s.op) {
        case Op::Relu: r = x > 0 ? x : 0; break;
        case Op::Add: r = x + loadF(s.b, s.nb == 1 ? 0 : i); break;
        case Op::Mul: r = x * loadF(s.b, s.nb == 1 ? 0 : i); break;
        }
        storeF(s.out, i, r);
      }
    }
    for (void *t : temps)
      if (!self->release(t))
        self->workerFail("a temporary vanished");
    done->store(true);
  });
  if (!done->load())
    gStats.pendingAtReturn++;
  return KILN_OK;
}

kiln_status streamCreate(kiln_plugin, kiln_stream *out) {
  // One queue per instance: every stream orders work on it.
  static int token;
  *out = reinterpret_cast<kiln_stream>(&token);
  return KILN_OK;
}
void streamDestroy(kiln_plugin, kiln_stream) {}

kiln_status streamSynchronize(kiln_plugin p, kiln_stream) {
  gStats.synchronizes++;
  std::string e = inst(p)->drain();
  if (!e.empty())
    return fail(p, KILN_ERROR_DEVICE, e);
  return KILN_OK;
}

kiln_status memoryAllocate(kiln_plugin p, uint64_t bytes, void **out) {
  *out = inst(p)->allocate(bytes);
  return *out ? KILN_OK : fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of device memory");
}

void memoryFree(kiln_plugin p, void *data) {
  if (!data)
    return;
  inst(p)->drain(); // like cudaFree: queued work may still use the block
  inst(p)->release(data);
}

kiln_status copyToDevice(kiln_plugin p, void *dst, const void *src, uint64_t bytes, kiln_stream) {
  if (!inst(p)->owns(dst, bytes)) {
    gStats.rejectedPointers++;
    return fail(p, KILN_ERROR_INVALID_ARGUMENT,
                "memory_copy_to_device: the destination is not an async_device allocation");
  }
  gStats.copiesToDevice++;
  // Ordered on the queue like an async copy; the host keeps `src` alive
  // until it synchronizes.
  inst(p)->enqueue([dst, src, bytes] { scrambleCopy(dst, src, bytes); });
  return KILN_OK;
}

kiln_status copyToHost(kiln_plugin p, void *dst, const void *src, uint64_t bytes, kiln_stream) {
  if (!inst(p)->owns(src, bytes)) {
    gStats.rejectedPointers++;
    return fail(p, KILN_ERROR_INVALID_ARGUMENT,
                "memory_copy_to_host: the source is not an async_device allocation");
  }
  gStats.copiesToHost++;
  // Synchronous for the host (like cudaMemcpy); count the times the host
  // relied on that instead of calling stream_synchronize after execute.
  if (inst(p)->pending())
    gStats.copyToHostWhilePending++;
  std::string e = inst(p)->drain();
  if (!e.empty())
    return fail(p, KILN_ERROR_DEVICE, e);
  scrambleCopy(dst, src, bytes);
  return KILN_OK;
}

kiln_plugin_api makeApi() {
  kiln_plugin_api api{};
  api.struct_size = sizeof(kiln_plugin_api);
  api.abi_major = KILN_PLUGIN_ABI_MAJOR;
  api.abi_minor = KILN_PLUGIN_ABI_MINOR;
  api.name = "async_device";
  api.version = "test";
  api.device_kind = "test-device";
  api.memory_space = KILN_MEMORY_DEVICE;
  api.priority = 10;
  api.create = create;
  api.destroy = destroy;
  api.last_error = lastError;
  api.query = query;
  api.compile = compile;
  api.executable_destroy = executableDestroy;
  api.execute = execute;
  api.stream_create = streamCreate;
  api.stream_destroy = streamDestroy;
  api.stream_synchronize = streamSynchronize;
  api.memory_allocate = memoryAllocate;
  api.memory_free = memoryFree;
  api.memory_copy_to_device = copyToDevice;
  api.memory_copy_to_host = copyToHost;
  return api;
}

const kiln_plugin_api kApi = makeApi();

} // namespace

extern "C" __attribute__((visibility("default"))) const kiln_plugin_api *
kiln_plugin_get(uint32_t hostMajor, uint32_t) {
  return hostMajor == KILN_PLUGIN_ABI_MAJOR ? &kApi : nullptr;
}

/// Test hook: a counter by name (-1 for an unknown name).
extern "C" __attribute__((visibility("default"))) int64_t
kiln_test_async_device_stat(const char *name) {
  static const std::map<std::string, const std::atomic<int64_t> *> table = {
      {"executes", &gStats.executes},
      {"pending_at_return", &gStats.pendingAtReturn},
      {"ran_on_worker", &gStats.ranOnWorker},
      {"synchronizes", &gStats.synchronizes},
      {"copies_to_device", &gStats.copiesToDevice},
      {"copies_to_host", &gStats.copiesToHost},
      {"copy_to_host_while_pending", &gStats.copyToHostWhilePending},
      {"rejected_pointers", &gStats.rejectedPointers},
      {"allocations", &gStats.allocations},
      {"frees", &gStats.frees},
      {"live_blocks", &gStats.liveBlocks},
      {"instances", &gStats.instances},
  };
  auto it = table.find(name ? name : "");
  return it == table.end() ? -1 : it->second->load();
}
