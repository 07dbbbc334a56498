//===- CpuPlugin.cpp - the oneDNN CPU backend behind the plugin ABI -------===//
//
// First cut of kiln's CPU backend on oneDNN 2.6: conv, matrix products,
// pooling, batch norm, eltwise, binary, softmax, concat and zero-cost views
// (f32). Convolutions let oneDNN choose their activation layout (nChw16c on
// AVX-512, nChw8c on AVX2); pooling, eltwise, batch norm, binary and concat
// keep a blocked operand in its layout, so chains of convolutions run
// without conversions; a reorder step converts a value only where a consumer
// needs another layout (matrix products, views, reference kernels, partition
// outputs). `kiln bench --per-op` counts them.
//
// compile() checks and records the partition; the oneDNN primitives are
// built per set of input shapes (batch is dynamic) on the first run with
// those shapes and cached together with a static memory plan for the
// intermediates. Constant weights are reordered once into the layout the
// primitive prefers (cached per layout, shared by every shape); the mapped
// artifact is never written. A conv followed by its only consumer, a
// simple activation, gets the activation as a post-op.
//
// What oneDNN 2.6 lacks runs on the plugin's own kernels (OwnKernels.cpp:
// transpose, gather, slice, pad, expand, tile, where, cast, shape, concat of
// any element type, f32 binary ops broadcasting both operands); values of
// any element type flow through the plan. Shape computations (shape ->
// gather -> unsqueeze -> concat -> reshape, as a dynamic-batch export has
// them) are evaluated once when a plan is built; small integer partition
// inputs (shape vectors from another plugin) select the plan with the shapes.
//
// Ahead of time (serialize/deserialize): `kiln compile` has the plugin build
// the plan for the declared shapes and stores the repacked weights with
// their oneDNN descriptors; loading rebuilds those primitives and reads the
// weights in place from the mapped artifact (see "AOT" below).
//
// Shapes come from the reference kernels' shape inference (so both plugins
// agree on every shape rule); if oneDNN turns out not to implement a node for
// the shapes seen at run time, the node runs on the reference kernel inside
// this plugin instead (counted as a portable node in executable_stats),
// unless KILN_CPU_STRICT=1. No exception crosses the C boundary.
//
//===----------------------------------------------------------------------===//
#include "CpuProfile.h"
#include "OwnKernels.h"
#include "SplitPool.h"
#include "Winograd.h"
#include "kernels/Kernels.h"
#include "kiln/kiln_plugin.h"

#include <oneapi/dnnl/dnnl.hpp>
#ifdef KILN_CPU_HAVE_OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

namespace ref = kiln::ref;
using dnnl::algorithm;
using dnnl::memory;
using Dims = std::vector<int64_t>;

struct Instance {
  std::string error;
  dnnl::engine eng;
  int32_t threads = 0;
};

std::string &createError() {
  static std::string e;
  return e;
}

kiln_status fail(kiln_plugin p, kiln_status st, std::string msg) {
  // (the slices of a batch split run on several threads at once)
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  reinterpret_cast<Instance *>(p)->error = std::move(msg);
  return st;
}

uint64_t align64(uint64_t v) { return (v + 63) / 64 * 64; }
int64_t numel(const Dims &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

/// Below this many estimated flops per run a plan runs on one thread
/// (KILN_CPU_SMALL_WORK_FLOPS overrides; 0 turns the rule off). Measured on
/// the 2-core benchmark machine with OpenMP's short spin (bench/RESULTS.md,
/// "OpenMP wait"): on a quiet machine even the MLP at batch 1 (0.4 MFLOP)
/// gains from a second thread (0.0155 -> 0.010 ms: each core streams half
/// the weights from its own L2), but with one other busy process it takes
/// 0.127 ms, 8x its one-thread time, because a static OpenMP team waits for
/// a descheduled member. Above ~5 MFLOP the second thread pays even then:
/// the MLP at batch 16 (9 MFLOP) 0.080 -> 0.048 ms, the small CNN at batch
/// 16 (~20 MFLOP) 0.32 -> 0.23 ms.
/// The most memory the layout timing may add (a second plan's repacked
/// weights and arena; see executeImpl).
constexpr uint64_t kLayoutTuneBytes = 96ull << 20;

/// The most intermediates' memory a batch split may add while it is timed
/// against the whole plan (BatchSplit.inc): resnet18 at batch 16 would add
/// 72 MB and pass ONNX Runtime's peak memory, for no gain.
constexpr uint64_t kSplitTryBytes = 32ull << 20;
// A batch split running each slice image by image (BatchSplit.inc) is tried
// only when the whole plan's intermediates are at least this large and its
// work per byte of them at most this.
constexpr uint64_t kSubBatchMinBytes = 8ull << 20;
constexpr double kSubBatchMaxFlopsPerByte = 400;

const double kSmallWorkFlops = [] {
  const char *e = std::getenv("KILN_CPU_SMALL_WORK_FLOPS");
  return e && *e ? std::atof(e) : 5e6;
}();

bool strict() {
  const char *e = std::getenv("KILN_CPU_STRICT");
  return e && *e && std::string(e) != "0";
}

/// A dense row-major f32 descriptor; a scalar is [1].
memory::desc plainMd(const Dims &shape) {
  Dims d = shape.empty() ? Dims{1} : shape;
  Dims strides(d.size(), 1);
  for (size_t i = d.size(); i-- > 1;)
    strides[i - 1] = strides[i] * std::max<int64_t>(d[i], 1);
  return memory::desc(d, memory::data_type::f32, strides);
}
memory::desc anyMd(const Dims &shape) {
  return memory::desc(shape, memory::data_type::f32, memory::format_tag::any);
}

// --- attributes ----------------------------------------------------------------

bool convertAttr(const kiln_attr &a, ref::Attr &out) {
  switch (a.kind) {
  case KILN_ATTR_INT: out = ref::Attr::makeInt(a.i); return true;
  case KILN_ATTR_FLOAT: out = ref::Attr::makeFloat(a.f); return true;
  case KILN_ATTR_STRING: out = ref::Attr::makeString(a.s ? a.s : ""); return true;
  case KILN_ATTR_INTS: out = ref::Attr::makeInts(Dims(a.ints, a.ints + a.count)); return true;
  case KILN_ATTR_FLOATS:
    out = ref::Attr::makeFloats(std::vector<double>(a.floats, a.floats + a.count));
    return true;
  case KILN_ATTR_DTYPE: out = ref::Attr::makeType(ref::DType(a.i)); return true;
  case KILN_ATTR_TENSOR: // a one-element tensor (constant_of_shape's value) as a typed scalar
    return a.tensor.rank == 0 || (a.tensor.rank == 1 && a.tensor.shape && a.tensor.shape[0] == 1)
               ? ref::Attr::fromScalarTensor(ref::DType(a.tensor.dtype), a.tensor_data, out)
               : false;
  default: return false;
  }
}

bool convertAttrs(const kiln_node &n, ref::Attrs &attrs) {
  for (int32_t a = 0; a < n.num_attrs; ++a) {
    ref::Attr attr;
    if (!n.attrs[a].name || !convertAttr(n.attrs[a], attr))
      return false;
    attrs.set(n.attrs[a].name, attr);
  }
  return true;
}

// --- op classes ------------------------------------------------------------------

enum class Kind { None, Conv, Gemm, Linear, MatMul, Pool, GlobalPool, BatchNorm, Eltwise, Binary,
                  Softmax, View, Concat, Fused, Own, Lrn, Deconv, PRelu, Resize };

Kind kindOf(const std::string &op) {
  static const std::map<std::string, Kind> kinds = {
      {"conv", Kind::Conv}, {"gemm", Kind::Gemm}, {"linear", Kind::Linear},
      {"matmul", Kind::MatMul}, {"max_pool", Kind::Pool}, {"average_pool", Kind::Pool},
      {"global_average_pool", Kind::GlobalPool}, {"global_max_pool", Kind::GlobalPool},
      {"batch_norm", Kind::BatchNorm}, {"relu", Kind::Eltwise}, {"sigmoid", Kind::Eltwise},
      {"tanh", Kind::Eltwise}, {"elu", Kind::Eltwise}, {"leaky_relu", Kind::Eltwise},
      {"gelu", Kind::Eltwise}, {"hard_swish", Kind::Eltwise}, {"clip", Kind::Eltwise},
      {"exp", Kind::Eltwise}, {"log", Kind::Eltwise}, {"sqrt", Kind::Eltwise},
      {"abs", Kind::Eltwise}, {"silu", Kind::Eltwise}, {"add", Kind::Binary},
      {"sub", Kind::Binary}, {"mul", Kind::Binary}, {"div", Kind::Binary}, {"min", Kind::Binary},
      {"max", Kind::Binary}, {"softmax", Kind::Softmax}, {"log_softmax", Kind::Softmax},
      {"flatten", Kind::View}, {"reshape", Kind::View}, {"identity", Kind::View},
      {"dropout", Kind::View}, {"concat", Kind::Concat}, {"unsqueeze", Kind::View},
      {"squeeze", Kind::View},
      // the plugin's own kernels (OwnKernels.cpp): what oneDNN 2.6 lacks
      {"transpose", Kind::Own}, {"gather", Kind::Own}, {"slice", Kind::Own}, {"pad", Kind::Own},
      {"expand", Kind::Own}, {"tile", Kind::Own}, {"where", Kind::Own}, {"cast", Kind::Own},
      {"shape", Kind::Own}, {"split", Kind::Own}, {"reduce_sum", Kind::Own}, {"reduce_mean", Kind::Own},
      {"reduce_max", Kind::Own}, {"reduce_min", Kind::Own}, {"reduce_prod", Kind::Own}, {"reduce_l1", Kind::Own},
      {"reduce_l2", Kind::Own}, {"reduce_sum_square", Kind::Own}, {"reduce_log_sum_exp", Kind::Own},
      {"arg_max", Kind::Own}, {"arg_min", Kind::Own}, {"cum_sum", Kind::Own}, {"equal", Kind::Own},
      {"less", Kind::Own}, {"less_or_equal", Kind::Own}, {"greater", Kind::Own}, {"greater_or_equal", Kind::Own},
      {"and", Kind::Own}, {"or", Kind::Own}, {"xor", Kind::Own}, {"neg", Kind::Own}, {"reciprocal", Kind::Own},
      {"floor", Kind::Own}, {"ceil", Kind::Own}, {"round", Kind::Own}, {"pow", Kind::Own},
      {"gather_elements", Kind::Own}, {"trilu", Kind::Own}, {"range", Kind::Own}, {"constant_of_shape", Kind::Own},
      {"is_nan", Kind::Own}, {"is_inf", Kind::Own}, {"mod", Kind::Own},
      {"hard_sigmoid", Kind::Own}, {"softplus", Kind::Own}, {"softsign", Kind::Own}, {"selu", Kind::Own},
      {"celu", Kind::Own}, {"mish", Kind::Own}, {"erf", Kind::Own}, {"sin", Kind::Own}, {"cos", Kind::Own},
      {"tan", Kind::Own}, {"asin", Kind::Own}, {"acos", Kind::Own}, {"atan", Kind::Own}, {"sinh", Kind::Own},
      {"cosh", Kind::Own}, {"asinh", Kind::Own}, {"acosh", Kind::Own}, {"atanh", Kind::Own},
      {"sign", Kind::Own},
      // lrn: oneDNN for odd sizes, else the own kernel (ONNX's window is asymmetric for even sizes)
      {"lrn", Kind::Lrn},
      // transposed convolution: oneDNN's deconvolution (2-D)
      {"conv_transpose", Kind::Deconv},
      // prelu: oneDNN's prelu (the slope broadcast patterns it has)
      {"prelu", Kind::PRelu},
      // resize: oneDNN's resampling (linear half-pixel, nearest at whole factors)
      {"resize", Kind::Resize},
      // kiln's fused ops (FusedOps.inc)
      {"fused_conv", Kind::Conv}, {"fused_matmul", Kind::Fused}, {"layer_norm", Kind::Fused},
      {"rms_norm", Kind::Fused}, {"attention", Kind::Fused}};
  auto it = kinds.find(op);
  return it == kinds.end() ? Kind::None : it->second;
}

struct EltwiseAlg {
  algorithm alg = algorithm::undef;
  float alpha = 0, beta = 0;
};

bool eltwiseAlg(const std::string &op, const ref::Attrs &a, EltwiseAlg &e) {
  float inf = std::numeric_limits<float>::infinity();
  if (op == "relu") e = {algorithm::eltwise_relu, 0, 0};
  else if (op == "leaky_relu") e = {algorithm::eltwise_relu, float(a.getFloat("alpha", 0.01)), 0};
  else if (op == "elu") e = {algorithm::eltwise_elu, float(a.getFloat("alpha", 1.0)), 0};
  else if (op == "sigmoid") e = {algorithm::eltwise_logistic, 0, 0};
  else if (op == "tanh") e = {algorithm::eltwise_tanh, 0, 0};
  else if (op == "gelu") {
    std::string ap = a.getString("approximate", "none");
    if (ap == "none") e = {algorithm::eltwise_gelu_erf, 0, 0};
    else if (ap == "tanh") e = {algorithm::eltwise_gelu_tanh, 0, 0};
    else return false;
  } else if (op == "hard_swish") e = {algorithm::eltwise_hardswish, 0, 0};
  else if (op == "silu") e = {algorithm::eltwise_swish, 1.f, 0};
  else if (op == "exp") e = {algorithm::eltwise_exp, 0, 0};
  else if (op == "log") e = {algorithm::eltwise_log, 0, 0};
  else if (op == "sqrt") e = {algorithm::eltwise_sqrt, 0, 0};
  else if (op == "abs") e = {algorithm::eltwise_abs, 0, 0};
  else if (op == "clip")
    e = {algorithm::eltwise_clip, a.has("min") ? float(a.getFloat("min", 0)) : -inf,
         a.has("max") ? float(a.getFloat("max", 0)) : inf};
  else return false;
  return true;
}

algorithm binaryAlg(const std::string &op) {
  if (op == "add") return algorithm::binary_add;
  if (op == "sub") return algorithm::binary_sub;
  if (op == "mul") return algorithm::binary_mul;
  if (op == "div") return algorithm::binary_div;
  if (op == "min") return algorithm::binary_min;
  return algorithm::binary_max;
}
bool commutative(const std::string &op) { return op == "add" || op == "mul" || op == "min" || op == "max"; }

// --- sliding windows (the reference's resolveWindow, 2-D) ----------------------------

struct Window {
  Dims k, s, d, pb, pe, out; // per spatial dim; pe is the oneDNN right padding
  bool overhang = false;     // ceil mode reaches past the declared end pads
};

/// Resolves strides, dilations, pads and auto_pad for the given input spatial
/// dims and kernel; false if the window does not fit.
bool resolveWindow(const ref::Attrs &a, const Dims &in, const Dims &kernel, bool ceilMode, Window &w) {
  size_t n = kernel.size();
  auto get = [&](const char *name, size_t len, int64_t def) {
    auto v = a.getInts(name);
    return v && v->size() == len ? *v : Dims(len, def);
  };
  Dims strides = get("strides", n, 1), dil = get("dilations", n, 1), pads = get("pads", 2 * n, 0);
  std::string ap = a.getString("auto_pad", "NOTSET");
  w = Window();
  for (size_t i = 0; i < n; ++i) {
    int64_t x = in[i], k = kernel[i], s = strides[i], dl = dil[i], pb = pads[i], pe = pads[i + n], out;
    if (s <= 0 || dl <= 0 || pb < 0 || pe < 0)
      return false;
    int64_t eff = (k - 1) * dl + 1;
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      out = (x + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + eff - x);
      int64_t small = total / 2, big = total - small;
      pb = ap == "SAME_UPPER" ? small : big;
      pe = ap == "SAME_UPPER" ? big : small;
    } else {
      if (ap == "VALID")
        pb = pe = 0;
      int64_t span = x + pb + pe - eff;
      out = span < 0 ? -1 : ceilMode ? (span + s - 1) / s + 1 : span / s + 1;
      if (ceilMode && out > 0 && (out - 1) * s >= x + pb)
        --out;
    }
    if (out <= 0)
      return false;
    // oneDNN wants (x + pb + pe - eff) / s + 1 == out: ceil mode may need more.
    int64_t need = (out - 1) * s + eff - x - pb;
    if (need > pe) {
      w.overhang = true;
      pe = need;
    }
    w.k.push_back(k);
    w.s.push_back(s);
    w.d.push_back(dl - 1);
    w.pb.push_back(pb);
    w.pe.push_back(pe);
    w.out.push_back(out);
  }
  return true;
}

// --- the executable ----------------------------------------------------------------

/// A constant reordered into a primitive's preferred layout, shared by every
/// plan that wants that layout.
struct Reordered {
  memory::desc md;
  memory mem;
};

struct NodeInfo {
  Kind kind = Kind::None;
  int32_t graphNode = -1; // index in the kiln_graph (profiling)
  std::string op, name;
  ref::Attrs attrs;
  std::vector<int32_t> inputs, outputs;
  bool fusedAway = false;     // an activation folded into the producing conv
  bool hasPost = false;       // conv: apply `post` to its result...
  EltwiseAlg post;
  int32_t postOutput = -1;    // ... and write it to this value
  int32_t dwPartner = -1;     // 1x1 conv: the 3x3 depthwise conv fused into it (DwFusion.inc)
  std::vector<float> scaledC; // gemm: beta * C when C is a constant and beta != 1
  std::mutex reorderMutex;
  std::vector<std::unique_ptr<Reordered>> reordered;
  int winoHint = -1; // Winograd chosen (1) or not (0) when an AOT blob was written; -1: decide
  int dwHint = -1;   // 1x1 conv: fused with its dwPartner (1) or not (0) when an AOT blob was written; -1: try
};

// BlockConcat: a channel concat of nChw16c/nChw8c values, each a whole
// number of channel blocks: per image, each input is one contiguous run of
// the result (oneDNN 2.6's concat copies these element by element).
enum class Mode { Dnnl, View, Copy, Ref, Own, Wino, BlockConcat };

struct Arg {
  int key;
  int32_t value = -1;            // the value's buffer ...
  const void *data = nullptr;    // ... or fixed memory (reordered weights, beta * C)
  memory::desc md;
  // md is the exact layout the primitive reads (chosen by oneDNN or kept
  // from the producer); otherwise md only views the value's plain bytes
  // (possibly with other dims: flattened, transposed, rank-expanded).
  bool exact = false;
};

struct Step {
  int32_t node; // index in Executable::nodes
  Mode mode = Mode::Dnnl;
  int32_t src = -1; // View, Copy: the value viewed
  dnnl::primitive prim;
  // Dnnl: the primitive's descriptor until createPrimitives makes it, once
  // the plan is final.
  dnnl::primitive_desc_base pending;
  std::vector<Arg> args;
  std::vector<int32_t> reads, writes; // values
  bool reorder = false;               // a layout conversion (CpuLayout below)
  int32_t accumulate = -1;            // sum post-op: copy this value into the result first
  bool sumCopy = false;               // that copy (a reorder step; sumInPlace may drop it)
  int32_t dwNode = -1;                // a 1x1 conv's step that also computes this depthwise node
  std::vector<int32_t> refInputs;     // Ref, Own: the node's inputs, plain-layout copies substituted
  std::shared_ptr<kiln::cpu::Kernel> kernel; // Own: the plugin's own kernel
  memory::desc scratch;               // Dnnl: the primitive's scratchpad (user-managed); Wino: its scratch
  std::shared_ptr<kiln::cpu::WinogradConv> wino; // Wino: kiln's Winograd convolution (WinogradPlan.inc)
  // BlockConcat: per unit (an image of nChw16c/nChw8c values, a pixel of
  // channels-last ones), each run is `bytes` of `value` copied to byte `at`
  // of the result's unit of `unitBytes`. An input written in place by its
  // producer (concatInPlace) has no run.
  struct Run {
    int32_t value;
    uint64_t at, bytes;
  };
  std::vector<Run> runs;
  int64_t units = 0;
  uint64_t unitBytes = 0;
  bool perPixel = false; // the units are pixels (channels-last), not images
  // Dnnl: the primitive's arguments, made at the first run that holds the
  // plan's `busy` lock and re-pointed (set_data_handle) at later ones:
  // creating oneDNN memory objects and the map was a quarter of a batch-1
  // MLP run. Runs without the lock build their own.
  std::unordered_map<int, memory> cachedArgs;
};

/// Every primitive takes its scratchpad from the run that executes it
/// (scratchpad_mode::user). With oneDNN's default library scratchpad a
/// primitive must run on the thread that created it (the scratchpad is that
/// thread's); sessions of one model run a plan's primitives from any thread,
/// concurrently (tests/concurrency).
dnnl::primitive_attr scratchAttr() {
  dnnl::primitive_attr a;
  a.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return a;
}

struct Plan {
  std::vector<Step> steps;
  std::map<int32_t, Dims> shapes;     // every value the plan touches
  std::vector<int64_t> offset;        // per value: arena offset, -1 outside it
  std::vector<int32_t> alias;         // per value: the value whose buffer a view shares
  // Results written into another value's buffer (a sum post-op accumulating
  // in place of its residual, see sumInPlace): (value, the buffer's value).
  std::vector<std::pair<int32_t, int32_t>> shared;
  // Values written straight into part of another value's buffer (a
  // Winograd result inside a channel concat's result, see concatInPlace):
  // the value, the buffer's value and the byte offset.
  struct Inside {
    int32_t value, buffer;
    uint64_t at;
  };
  std::vector<Inside> inside;
  // Layouts: values a primitive keeps in a oneDNN layout other than plain
  // row-major (e.g. nChw16c between convolutions), and the values the plan
  // adds for layout conversions (ids from the graph's value count up).
  std::map<int32_t, memory::desc> layout;
  // Values known when the plan is built: shape computations (shape ->
  // gather -> unsqueeze -> concat -> reshape) from the input shapes, and
  // the data of keyed partition inputs (Executable::keyed). No step runs
  // for them (unless one is a partition output); readers read these bytes.
  std::map<int32_t, std::vector<uint8_t>> known;
  int32_t numValues = 0;
  double flops = 0; // estimated work of one run (threads: see executeImpl)
  bool singleThread = false;
  // Convolutions in nChw16c (a dw partner in the partition, KILN_CPU_CONV_LAYOUT,
  // or the faster layout, timed in executeImpl) rather than oneDNN's choice.
  bool blockedConvs = false;
  uint64_t arenaBytes = 0, sumBytes = 0, numIntermediates = 0;
  uint64_t reorders = 0, portable = 0; // layout conversion steps; Ref steps
  void *arena = nullptr;
  uint64_t scratchBytes = 0; // the largest scratchpad of its primitives
  void *scratch = nullptr;   // ... for the run that holds `busy`
  // Taken by the run that uses `arena` and `scratch` (RunMemory); an atomic
  // flag, not a mutex: a batch split's helper thread may take it and the
  // caller give it back.
  std::atomic<bool> busy{false};
  // A batch split (BatchSplit.inc): when not empty, this plan runs as these
  // plans, one per thread, each on its share of dim 0; `shapes` then holds
  // only the outputs' whole shapes.
  std::vector<std::unique_ptr<Plan>> slices;
  bool splitChecked = false; // trySplit decided (at the plan's first run)
  int64_t subBatch = 0;       // a split plan: images per run of a slice plan (0: its whole share)
  ~Plan() {
    std::free(arena);
    std::free(scratch);
  }
};

/// The arena and scratchpad of one run of a plan: the plan's own while the
/// run holds its `busy` lock (one run at a time), else allocated for the
/// run (a concurrent one).
struct RunMemory {
  Plan *held = nullptr; // the plan whose `busy` flag this run took
  std::unique_ptr<void, void (*)(void *)> ownArena{nullptr, std::free}, ownScratch{nullptr, std::free};
  uint8_t *arena = nullptr;
  void *scratch = nullptr;
  RunMemory() = default;
  RunMemory(const RunMemory &) = delete;
  RunMemory &operator=(const RunMemory &) = delete;
  ~RunMemory() {
    if (held)
      held->busy.store(false, std::memory_order_release);
  }
  bool owner() const { return held != nullptr; }
  /// False when the memory cannot be allocated.
  bool acquire(Plan &plan) {
    if (!plan.busy.exchange(true, std::memory_order_acquire)) {
      held = &plan;
      arena = static_cast<uint8_t *>(plan.arena);
      scratch = plan.scratch;
      return true;
    }
    ownArena.reset(std::aligned_alloc(64, std::max<uint64_t>(align64(plan.arenaBytes), 64)));
    ownScratch.reset(std::aligned_alloc(64, std::max<uint64_t>(align64(plan.scratchBytes), 64)));
    arena = static_cast<uint8_t *>(ownArena.get());
    scratch = ownScratch.get();
    return arena && scratch;
  }
};

struct Executable {
  dnnl::engine eng;
  int32_t threads = 0;
  std::vector<std::unique_ptr<NodeInfo>> nodes;
  std::vector<int32_t> inputs, outputs;
  std::vector<ref::Tensor> constants; // per value; data null unless a weight
  std::vector<char> isOutput;          // per value: a partition output
  std::vector<Dims> declared;          // per partition input: its declared shape (-1: dynamic)
  std::vector<uint8_t> serialized;     // the last serialize() result
  std::vector<ref::DType> dtype;       // per graph value: its element type
  // Per partition input: small i64/i32 vectors (shape tensors computed on
  // another plugin) whose data selects the plan along with the shapes.
  std::vector<char> keyed;
  std::mutex plansMutex;
  std::map<Dims, std::unique_ptr<Plan>> plans;
  kiln_executable_stats last{};
  uint64_t refFallbacks = 0;
  std::atomic<uint64_t> weightReorders{0}; // constants repacked at run time
  kiln::cpu::Profiler profiler; // ABI 1.2 executable_profile
  bool blockedConvs = false;     // convolutions in nChw16c: a 1x1 + depthwise pair is fused (DwFusion.inc)
  // Whether a new plan is built and timed both ways, channels-last (oneDNN's
  // choice) and nChw16c, and the faster kept; layoutHint: the choice an AOT
  // blob was planned with, for its shapes (1 nChw16c, 0 not, -1 none).
  bool layoutTunable = false;
  int layoutHint = -1;
  uint64_t convWeightBytes = 0; // the convolutions' constant weights (the layout timing's memory)
  bool plannedBlocked = false; // the layout of the last plan built (serialize)
  const Plan *lastPlanned = nullptr; // the plan of the last run or planFor (serialize)
};

// --- query ------------------------------------------------------------------------

bool isF32(const kiln_graph *g, int32_t v) { return v >= 0 && g->values[v].type.dtype == KILN_DTYPE_F32; }
Dims shapeOf(const kiln_graph *g, int32_t v) {
  const kiln_tensor_desc &t = g->values[v].type;
  return Dims(t.shape, t.shape + t.rank);
}
bool isStatic(const Dims &s) {
  return std::all_of(s.begin(), s.end(), [](int64_t d) { return d >= 0; });
}
int32_t input(const kiln_node &n, int i) { return i < n.num_inputs ? n.inputs[i] : -1; }

#include "FusedOps.inc"

/// Per value: the node that writes it (-1: graph input or constant).
std::vector<int32_t> producers(const kiln_graph *g) {
  std::vector<int32_t> p(size_t(std::max(g->num_values, 0)), -1);
  for (int32_t i = 0; i < g->num_nodes; ++i)
    for (int32_t k = 0; k < g->nodes[i].num_outputs; ++k) {
      int32_t v = g->nodes[i].outputs[k];
      if (v >= 0 && v < g->num_values)
        p[size_t(v)] = i;
    }
  return p;
}

ref::DType dtypeOf(const kiln_graph *g, int32_t v) { return ref::DType(g->values[v].type.dtype); }
bool movable(ref::DType t) {
  size_t s = ref::dtypeSize(t);
  return s == 1 || s == 2 || s == 4 || s == 8;
}
bool isIndex(const kiln_graph *g, int32_t v) {
  return v >= 0 && (dtypeOf(g, v) == ref::DType::I64 || dtypeOf(g, v) == ref::DType::I32);
}

/// A small integer vector whose data can select a plan when it is a
/// partition input (declared rank <= 1, at most 64 entries).
bool keyable(const kiln_graph *g, int32_t v) {
  const kiln_tensor_desc &t = g->values[v].type;
  return isIndex(g, v) && (t.rank == 0 || (t.rank == 1 && t.shape[0] >= 0 && t.shape[0] <= 64));
}

/// Is `v` (a shape-like operand: reshape's shape, slice's starts, ...) known
/// when a plan is built? Constants are; so are values computed only from
/// input shapes and constants by nodes this plugin evaluates at plan time
/// (shape -> gather -> unsqueeze -> concat, ...), and values from other
/// plugins or graph inputs, which reach the partition as (keyed) inputs.
/// Values computed from run-time data inside the partition are not.
bool shapeDerived(const kiln_graph *g, const std::vector<int32_t> &prod, int32_t v, int depth = 0) {
  if (v < 0)
    return true;
  if (v >= g->num_values || depth > 16)
    return false;
  if (g->values[v].constant_data)
    return true;
  if (!isIndex(g, v))
    return false;
  int32_t p = prod[size_t(v)];
  if (p < 0)
    return keyable(g, v); // a graph input
  const kiln_node &n = g->nodes[p];
  std::string op = n.op ? n.op : "";
  if (op == "shape")
    return true;
  static const std::set<std::string> through = {"gather", "unsqueeze", "squeeze", "concat", "slice", "cast",
                                                "reshape", "flatten", "identity", "transpose", "expand",
                                                "tile", "pad", "where", "add", "sub", "mul"};
  if (!through.count(op))
    return keyable(g, v); // this plugin claims no other op with an integer result: a partition input
  for (int32_t i = 0; i < n.num_inputs; ++i)
    if (!shapeDerived(g, prod, n.inputs[i], depth + 1))
      return false;
  return true;
}

/// The plugin's own kernels (OwnKernels.cpp): element types they move and
/// shape-like operands known when a plan is built.
bool canRunOwn(const kiln_graph *g, const std::vector<int32_t> &prod, const kiln_node &n, const ref::Attrs &attrs) {
  std::string op = n.op;
  int32_t x = input(n, 0), out = n.outputs[0];
  if (x < 0)
    return false;
  ref::DType xt = dtypeOf(g, x), ot = dtypeOf(g, out);
  auto known = [&](int from, int to) {
    for (int i = from; i < to; ++i)
      if (!shapeDerived(g, prod, input(n, i)))
        return false;
    return true;
  };
  if (op == "shape")
    return n.num_inputs == 1 && ot == ref::DType::I64;
  if (op == "cast")
    return n.num_inputs == 1 && kiln::cpu::castSupported(xt, ot);
  if (op == "arg_max" || op == "arg_min")
    return n.num_inputs == 1 && ot == ref::DType::I64 &&
           (xt == ref::DType::F32 || xt == ref::DType::F64 || xt == ref::DType::I64 || xt == ref::DType::I32);
  if (op == "equal" || op == "less" || op == "less_or_equal" || op == "greater" || op == "greater_or_equal" ||
      op == "and" || op == "or" || op == "xor") { // bool result, operands of one type
    bool logic = op == "and" || op == "or" || op == "xor";
    bool types = logic ? xt == ref::DType::Bool
                       : (xt == ref::DType::F32 || xt == ref::DType::F64 || xt == ref::DType::I64 ||
                          xt == ref::DType::I32 || (xt == ref::DType::Bool && op == "equal"));
    return n.num_inputs == 2 && input(n, 1) >= 0 && dtypeOf(g, input(n, 1)) == xt && ot == ref::DType::Bool &&
           types && g->values[x].type.rank <= 12 && g->values[input(n, 1)].type.rank <= 12;
  }
  if (op == "neg" || op == "reciprocal" || op == "floor" || op == "ceil" || op == "round")
    return n.num_inputs == 1 && xt == ot &&
           (xt == ref::DType::F32 || (op == "neg" && (xt == ref::DType::I64 || xt == ref::DType::I32)));
  bool floats = xt == ot && (xt == ref::DType::F32 || xt == ref::DType::F64);
  if (kiln::cpu::isMathOp(op))
    return n.num_inputs == 1 && xt == ref::DType::F32 && ot == ref::DType::F32;
  if (op == "pow")
    return n.num_inputs == 2 && input(n, 1) >= 0 && xt == ref::DType::F32 &&
           dtypeOf(g, input(n, 1)) == ref::DType::F32 && ot == ref::DType::F32;
  if (op == "is_nan" || op == "is_inf")
    return n.num_inputs == 1 && xt == ref::DType::F32 && ot == ref::DType::Bool;
  if (op == "mod")
    return n.num_inputs == 2 && input(n, 1) >= 0 && dtypeOf(g, input(n, 1)) == xt && ot == xt &&
           (xt == ref::DType::F32 || xt == ref::DType::I64 || xt == ref::DType::I32) && g->values[x].type.rank <= 12 &&
           g->values[input(n, 1)].type.rank <= 12;
  if (op == "constant_of_shape")
    return n.num_inputs == 1 && xt == ref::DType::I64 && known(0, 1) &&
           (ot == ref::DType::F32 || ot == ref::DType::F64 || ot == ref::DType::I64 || ot == ref::DType::I32 ||
            ot == ref::DType::I8 || ot == ref::DType::U8 || ot == ref::DType::Bool);
  if (op == "range")
    return n.num_inputs == 3 && known(0, 3) && xt == ot && dtypeOf(g, input(n, 1)) == xt &&
           dtypeOf(g, input(n, 2)) == xt &&
           (xt == ref::DType::F32 || xt == ref::DType::F64 || xt == ref::DType::I64 || xt == ref::DType::I32);
  if (op.rfind("reduce_", 0) == 0) // axes: the attribute, or an operand known at plan time
    return floats && (n.num_inputs == 1 || (n.num_inputs == 2 && (input(n, 1) < 0 ||
                                                                   (isIndex(g, input(n, 1)) && known(1, 2)))));
  if (op == "cum_sum")
    return floats && n.num_inputs == 2 && isIndex(g, input(n, 1)) && known(1, 2);
  if (!movable(xt) || (op != "where" && xt != ot))
    return false;
  if (op == "transpose")
    return n.num_inputs == 1;
  if (op == "gather" || op == "gather_elements")
    return n.num_inputs == 2 && isIndex(g, input(n, 1));

  if (op == "slice")
    return n.num_inputs == 5 && known(1, 5);
  auto isI64 = [&](int i) { return input(n, i) >= 0 && dtypeOf(g, input(n, i)) == ref::DType::I64; };
  if (op == "trilu")
    return (n.num_inputs == 1 || (n.num_inputs == 2 && (input(n, 1) < 0 || (isI64(1) && known(1, 2))))) &&
           g->values[x].type.rank >= 2;
  if (op == "expand" || op == "tile")
    return n.num_inputs == 2 && isI64(1) && known(1, 2);
  if (op == "pad") {
    std::string mode = attrs.getString("mode", "constant");
    return n.num_inputs >= 2 && n.num_inputs <= 3 &&
           (mode == "constant" || mode == "reflect" || mode == "edge" || mode == "wrap") && isI64(1) &&
           known(1, 2) && (input(n, 2) < 0 || dtypeOf(g, input(n, 2)) == xt);
  }
  if (op == "split") { // every output a copy of its slice; run-time sizes known at plan time
    for (int32_t k = 0; k < n.num_outputs; ++k)
      if (n.outputs[k] < 0 || dtypeOf(g, n.outputs[k]) != xt)
        return false;
    return n.num_inputs >= 1 && n.num_inputs <= 2 && (input(n, 1) < 0 || (isI64(1) && known(1, 2)));
  }
  if (op == "where")
    return n.num_inputs == 3 && xt == ref::DType::Bool && input(n, 1) >= 0 && input(n, 2) >= 0 &&
           dtypeOf(g, input(n, 1)) == ot && dtypeOf(g, input(n, 2)) == ot && movable(ot);
  return false;
}

/// Can this plugin run node `n` exactly? (oneDNN: f32 only; its own kernels
/// also move other element types; shapes may be partly dynamic.)
bool canRun(const kiln_graph *g, const std::vector<int32_t> &prod, const kiln_node &n) {
  if (!n.op)
    return false;
  Kind kind = kindOf(n.op);
  if (kind == Kind::None || n.num_outputs < 1 || (n.num_outputs != 1 && std::string(n.op) != "split") ||
      n.outputs[0] < 0)
    return false;
  for (int32_t i = 0; i < n.num_inputs; ++i)
    if (n.inputs[i] >= g->num_values)
      return false;
  std::string opName = n.op;
  bool intArith = kind == Kind::Binary &&
                  (opName == "add" || opName == "sub" || opName == "mul" || opName == "div" || opName == "min" ||
                   opName == "max") &&
                  (dtypeOf(g, n.outputs[0]) == ref::DType::I64 || dtypeOf(g, n.outputs[0]) == ref::DType::I32);
  bool anyType = kind == Kind::Own || kind == Kind::View || kind == Kind::Concat || intArith;
  if (!anyType && !isF32(g, n.outputs[0]))
    return false;
  ref::Attrs attrs;
  if (!convertAttrs(n, attrs))
    return false;
  std::string op = n.op;
  auto rank = [&](int i) { return g->values[n.inputs[i]].type.rank; };
  auto allF32 = [&](int from, int to) {
    for (int i = from; i < to; ++i)
      if (!isF32(g, input(n, i)))
        return false;
    return true;
  };
  switch (kind) {
  case Kind::Conv: {
    if (n.num_inputs < 2 || n.num_inputs > (op == "fused_conv" ? 4 : 3) || !allF32(0, 2) || rank(0) < 3 ||
        rank(0) > 5 || rank(1) != rank(0)) // 1-D, 2-D, 3-D
      return false;
    if (input(n, 2) >= 0 && (!isF32(g, n.inputs[2]) || rank(2) != 1))
      return false;
    if (op == "fused_conv" && !canRunFused(g, n, attrs))
      return false;
    return attrs.getInt("group", 1) >= 1;
  }
  case Kind::Gemm: {
    if (n.num_inputs < 2 || n.num_inputs > 3 || !allF32(0, 2) || rank(0) != 2 || rank(1) != 2)
      return false;
    int32_t c = input(n, 2);
    if (c >= 0) {
      if (!isF32(g, c) || rank(2) > 2)
        return false;
      // beta * C for a run-time C would need another pass: not in this cut.
      if (attrs.getFloat("beta", 1.0) != 1.0 && !g->values[c].constant_data)
        return false;
    }
    return true;
  }
  case Kind::Linear:
    if (n.num_inputs < 2 || n.num_inputs > 3 || !allF32(0, 2) || rank(0) < 1 || rank(1) != 2)
      return false;
    return input(n, 2) < 0 || (isF32(g, n.inputs[2]) && rank(2) == 1);
  case Kind::MatMul:
    return n.num_inputs == 2 && allF32(0, 2) && rank(0) >= 1 && rank(0) <= 4 && rank(1) >= 1 &&
           rank(1) <= 4;
  case Kind::Pool: {
    if (n.num_inputs != 1 || !allF32(0, 1) || rank(0) < 3 || rank(0) > 5) // 1-D, 2-D, 3-D
      return false;
    auto ks = attrs.getInts("kernel_shape");
    if (!ks || int32_t(ks->size()) != rank(0) - 2)
      return false;
    if (op == "average_pool" && attrs.getInt("count_include_pad", 0) && attrs.getInt("ceil_mode", 0)) {
      // oneDNN's include-padding divisor counts ceil mode's overhang, kiln's
      // does not: only claim when the spatial dims prove there is none.
      Dims x = shapeOf(g, n.inputs[0]), spatial(x.begin() + 2, x.end());
      Window w;
      for (int64_t d : spatial)
        if (d < 0)
          return false;
      if (!resolveWindow(attrs, spatial, *ks, true, w) || w.overhang)
        return false;
    }
    return true;
  }
  case Kind::GlobalPool:
    return n.num_inputs == 1 && allF32(0, 1) && rank(0) >= 3 && rank(0) <= 5;
  case Kind::BatchNorm:
    return n.num_inputs == 5 && allF32(0, 5) && rank(0) >= 2 && rank(0) <= 5;
  case Kind::Eltwise: {
    EltwiseAlg e;
    if (!eltwiseAlg(op, attrs, e) || n.num_inputs < 1 || !allF32(0, 1))
      return false;
    if (op == "clip" && n.num_inputs == 3) // run-time bounds: the own kernel
      return allF32(0, 3);
    for (int i = 1; i < n.num_inputs; ++i)
      if (n.inputs[i] >= 0)
        return false;
    return rank(0) <= 12;
  }
  case Kind::Binary:
    if (intArith) // i64/i32 add, sub, mul, div, min, max (shape arithmetic): the own kernel, wrapping
      return n.num_inputs == 2 && input(n, 0) >= 0 && input(n, 1) >= 0 &&
             dtypeOf(g, input(n, 0)) == dtypeOf(g, n.outputs[0]) &&
             dtypeOf(g, input(n, 1)) == dtypeOf(g, n.outputs[0]) && rank(0) <= 12 && rank(1) <= 12;
    // oneDNN broadcasts src1 only; what needs more (e.g. 1 - mask) runs on
    // the plugin's own broadcasting kernel (add, sub, mul, div).
    if (n.num_inputs != 2 || !allF32(0, 2) || rank(0) > 12 || rank(1) > 12)
      return false;
    if (op == "add" || op == "sub" || op == "mul" || op == "div")
      return true;
    {
      Dims a = shapeOf(g, n.inputs[0]), b = shapeOf(g, n.inputs[1]), o = shapeOf(g, n.outputs[0]);
      size_t r = std::max(a.size(), b.size());
      a.insert(a.begin(), r - a.size(), 1);
      b.insert(b.begin(), r - b.size(), 1);
      if (o.size() != r || !isStatic(a) || !isStatic(b) || !isStatic(o))
        return true; // decided at run time (the reference kernel if need be)
      return a == o || (b == o && commutative(op));
    }
  case Kind::Softmax:
    return n.num_inputs == 1 && allF32(0, 1) && rank(0) >= 1 && rank(0) <= 12;
  case Kind::View:
    if (n.num_inputs < 1 || n.inputs[0] < 0 || !movable(dtypeOf(g, n.inputs[0])) ||
        dtypeOf(g, n.inputs[0]) != dtypeOf(g, n.outputs[0]))
      return false;
    if (op == "reshape") // the shape must be known when the plan is built
      return n.num_inputs == 2 && n.inputs[1] >= 0 && shapeDerived(g, prod, n.inputs[1]);
    if (op == "unsqueeze" || op == "squeeze")
      return n.num_inputs == 1 || (n.num_inputs == 2 && shapeDerived(g, prod, n.inputs[1]));
    return n.num_inputs == 1;
  case Kind::Concat: {
    if (n.num_inputs < 1)
      return false;
    ref::DType t = dtypeOf(g, n.outputs[0]);
    for (int32_t i = 0; i < n.num_inputs; ++i)
      if (n.inputs[i] < 0 || dtypeOf(g, n.inputs[i]) != t)
        return false;
    return movable(t) && rank(0) >= 1 && rank(0) <= 12; // f32 on oneDNN, the rest on the plugin's own kernel
  }
  case Kind::Own:
    return canRunOwn(g, prod, n, attrs);
  case Kind::Lrn:
    return n.num_inputs == 1 && allF32(0, 1) && rank(0) >= 2 && attrs.getInt("size", 0) >= 1;
  case Kind::Resize: // 4-D; the sizes or scales must be known when the plan is built
    return n.num_inputs >= 1 && n.num_inputs <= 2 && allF32(0, 1) && rank(0) == 4 &&
           (n.num_inputs == 1 || shapeDerived(g, prod, n.inputs[1]));
  case Kind::PRelu: // slope patterns oneDNN lacks run the reference kernel in the plugin
    return n.num_inputs == 2 && allF32(0, 2) && rank(0) >= 1 && rank(0) <= 5 && rank(1) <= rank(0);
  case Kind::Deconv: // 1-D to 3-D; pads oneDNN cannot express run the reference kernel in the plugin
    if (n.num_inputs < 2 || n.num_inputs > 3 || !allF32(0, 2) || rank(0) < 3 || rank(0) > 5 || rank(1) != rank(0))
      return false;
    if (input(n, 2) >= 0 && (!isF32(g, n.inputs[2]) || rank(2) != 1))
      return false;
    return attrs.getInt("group", 1) >= 1;
  case Kind::Fused:
    return canRunFused(g, n, attrs);
  default:
    return false;
  }
}

// --- plans ------------------------------------------------------------------------

/// The constant `v` in the layout `want` (from its plain layout `have`),
/// reordered once and cached on the node.
const void *reorderedConstant(Executable &exec, NodeInfo &ni, dnnl::stream &strm, const void *data,
                              const memory::desc &have, const memory::desc &want) {
  if (have == want)
    return data;
  std::lock_guard<std::mutex> lock(ni.reorderMutex);
  for (auto &r : ni.reordered)
    if (r->md == want)
      return r->mem.get_data_handle();
  auto r = std::make_unique<Reordered>();
  r->md = want;
  r->mem = memory(want, exec.eng);
  memory src(have, exec.eng, const_cast<void *>(data)); // read only
  dnnl::reorder(src, r->mem).execute(strm, src, r->mem);
  strm.wait();
  ++exec.weightReorders;
  ni.reordered.push_back(std::move(r));
  return ni.reordered.back()->mem.get_data_handle();
}

/// Greedy offset assignment, largest first (as the reference plugin does).
void assignOffsets(Plan &plan, const std::vector<int32_t> &slots, const std::vector<uint64_t> &sizes,
                   const std::vector<int32_t> &def, const std::vector<int32_t> &last) {
  size_t n = slots.size();
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
  std::vector<uint64_t> off(n, 0);
  std::vector<size_t> placed;
  for (size_t i : order) {
    plan.sumBytes += sizes[i];
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed)
      if (def[i] <= last[j] && def[j] <= last[i])
        busy.push_back({off[j], off[j] + sizes[j]});
    std::sort(busy.begin(), busy.end());
    uint64_t at = 0;
    for (auto &[lo, hi] : busy) {
      if (at + sizes[i] <= lo)
        break;
      at = std::max(at, align64(hi));
    }
    off[i] = at;
    plan.arenaBytes = std::max(plan.arenaBytes, at + sizes[i]);
    placed.push_back(i);
    plan.offset[slots[i]] = int64_t(at);
  }
  plan.numIntermediates = n;
}

class PlanBuilder {
public:
  PlanBuilder(Executable &exec, Plan &plan, dnnl::stream &strm) : exec(exec), plan(plan), strm(strm) {}

  /// Builds the steps for input shapes already in plan.shapes; false with
  /// `error` if a node's shapes are invalid.
  bool build(std::string &error) {
    plan.numValues = int32_t(exec.constants.size());
    for (size_t k = 0; k < exec.nodes.size(); ++k) {
      NodeInfo &ni = *exec.nodes[k];
      if (ni.fusedAway || dwDone.count(k))
        continue;
      // Shapes through the reference rules; shape-like operands read the
      // values known at plan time.
      std::vector<ref::Tensor> ins(ni.inputs.size());
      std::vector<const ref::Tensor *> insp;
      bool allKnown = true;
      for (size_t i = 0; i < ni.inputs.size(); ++i) {
        int32_t v = ni.inputs[i];
        if (v < 0) {
          insp.push_back(nullptr);
          continue;
        }
        ins[i] = exec.constants[v];
        if (!ins[i].data) {
          ins[i].shape = plan.shapes.at(v);
          ins[i].dtype = exec.dtype[v];
          auto kn = plan.known.find(v);
          if (kn != plan.known.end())
            ins[i].data = kn->second.data();
          else if (!(ni.op == "shape" && i == 0)) // shape reads only the shape
            allKnown = false;
        }
        insp.push_back(&ins[i]);
      }
      std::vector<Dims> outShapes;
      std::vector<ref::DType> outTypes;
      ref::Status st = ref::inferShapes(ni.op, ni.attrs, insp, outShapes, outTypes);
      if (!st) {
        error = "node '" + ni.name + "' (" + ni.op + "): " + st.message;
        return false;
      }
      if (ni.op == "split") {
        if (!buildSplit(int32_t(k), ni, insp, outShapes, outTypes, allKnown, error))
          return false;
        continue;
      }
      int32_t out = ni.hasPost ? ni.postOutput : ni.outputs[0];
      if (outTypes.size() != 1 || outTypes[0] != exec.dtype[ni.outputs[0]]) {
        error = "node '" + ni.name + "' (" + ni.op + "): unexpected result type";
        return false;
      }
      plan.shapes[ni.outputs[0]] = outShapes[0];
      plan.shapes[out] = outShapes[0];
      if (ni.dwPartner >= 0 && buildConvDw(k, ni, insp, outShapes[0], out))
        continue; // the depthwise partner's result, in one primitive

      // Shape computations: evaluated now, once per plan.
      bool evaluable = (ni.kind == Kind::Own || ni.kind == Kind::View ||
                        ((ni.kind == Kind::Concat || ni.kind == Kind::Binary) && exec.dtype[out] != ref::DType::F32)) &&
                       allKnown && numel(outShapes[0]) <= 4096;
      if (evaluable) {
        std::vector<uint8_t> bytes(size_t(numel(outShapes[0])) * ref::dtypeSize(outTypes[0]));
        if (ni.kind == Kind::View) {
          if (!bytes.empty())
            std::memcpy(bytes.data(), insp[0]->data, bytes.size());
        } else {
          std::string why;
          auto kernel = kiln::cpu::makeKernel(ni.op, ni.attrs, insp, outShapes[0], outTypes[0], why);
          if (!kernel) {
            error = "internal error: node '" + ni.name + "' (" + ni.op + "): " + why;
            return false;
          }
          std::vector<const void *> ptrs;
          for (auto *t : insp)
            ptrs.push_back(t ? t->data : nullptr);
          if (!kernel->run(ptrs.data(), bytes.data(), error)) {
            error = "node '" + ni.name + "' (" + ni.op + "): " + error;
            return false;
          }
        }
        plan.known[out] = std::move(bytes);
        if (!exec.isOutput[out])
          continue; // no step: readers read the known bytes
      }

      Step step;
      step.node = int32_t(k);
      for (int32_t v : ni.inputs)
        if (v >= 0 && !exec.constants[v].data)
          step.reads.push_back(v);
      step.writes.push_back(out);
      bool empty = numel(outShapes[0]) == 0;
      for (auto *t : insp)
        empty |= t && numel(t->shape) == 0;
      if (ni.kind == Kind::View) {
        step.src = ni.inputs[0];
        step.mode = exec.isOutput[out] ? Mode::Copy : Mode::View;
      } else if (ni.kind == Kind::Own || (ni.kind == Kind::Concat && exec.dtype[out] != ref::DType::F32) ||
                 (ni.kind == Kind::Lrn && !lrnOnDnnl(ni, insp)) ||
                 (ni.kind == Kind::Eltwise && ni.op == "clip" && ni.inputs.size() == 3) ||
                 (ni.kind == Kind::Binary && exec.dtype[out] != ref::DType::F32)) {
        // The shape-like operands must be known now (canRun made sure).
        std::string why;
        auto kernel = kiln::cpu::makeKernel(ni.op, ni.attrs, insp, outShapes[0], outTypes[0], why);
        if (!kernel) {
          error = "node '" + ni.name + "' (" + ni.op + "): " + why;
          return false;
        }
        step.mode = Mode::Own;
        step.kernel = std::move(kernel);
      } else if (empty) {
        step.mode = Mode::Ref;
      } else {
        try {
          if (!makePrimitive(ni, insp, outShapes[0], out, step))
            step.mode = Mode::Ref;
        } catch (const dnnl::error &e) {
          if (e.status != dnnl_unimplemented)
            throw;
          step.mode = Mode::Ref;
          step.args.clear();
        }
        if (step.mode == Mode::Ref && ni.kind == Kind::Binary) {
          // oneDNN broadcasts src1 only: the own broadcasting kernel.
          std::string why;
          if (auto kernel = kiln::cpu::makeKernel(ni.op, ni.attrs, insp, outShapes[0], outTypes[0], why)) {
            step.mode = Mode::Own;
            step.kernel = std::move(kernel);
          }
        }
        if (step.mode == Mode::Ref && ni.hasPost) {
          error = "internal error: fused node '" + ni.name + "' has no oneDNN primitive";
          return false;
        }
        if (step.mode == Mode::Ref && strict()) {
          error = "node '" + ni.name + "' (" + ni.op + "): oneDNN has no implementation for these "
                  "shapes (KILN_CPU_STRICT)";
          return false;
        }
      }
      if (step.mode == Mode::Ref)
        ++exec.refFallbacks;
      pushStep(std::move(step), out);
    }
    planMemory();
    return true;
  }

private:
  Executable &exec;
  Plan &plan;
  dnnl::stream &strm;

  /// oneDNN's across-channel window is symmetric, floor((size-1)/2) each
  /// side, so it matches ONNX's only for odd sizes; its formula divides alpha
  /// by size as ONNX does. Even sizes (and ranks it lacks) run the own kernel.
  static bool lrnOnDnnl(const NodeInfo &ni, const std::vector<const ref::Tensor *> &in) {
    size_t r = in[0]->shape.size();
    return ni.attrs.getInt("size", 1) % 2 == 1 && r >= 3 && r <= 5 && numel(in[0]->shape) > 0;
  }

  /// split: one own-kernel step per output, each copying its slice (or the
  /// slices evaluated now when the input is known at plan time).
  bool buildSplit(int32_t k, NodeInfo &ni, const std::vector<const ref::Tensor *> &insp,
                  const std::vector<Dims> &outShapes, const std::vector<ref::DType> &outTypes, bool allKnown,
                  std::string &error) {
    const ref::Tensor &x = *insp[0];
    int64_t rank = int64_t(x.shape.size()), axis = ni.attrs.getInt("axis", 0);
    if (axis < 0)
      axis += rank;
    if (outShapes.size() != ni.outputs.size()) {
      error = "node '" + ni.name + "' (split): " + std::to_string(outShapes.size()) + " pieces for " +
              std::to_string(ni.outputs.size()) + " outputs";
      return false;
    }
    int64_t offset = 0;
    for (size_t j = 0; j < ni.outputs.size(); ++j) {
      int32_t out = ni.outputs[j];
      if (outTypes[j] != exec.dtype[out]) {
        error = "node '" + ni.name + "' (split): unexpected result type";
        return false;
      }
      plan.shapes[out] = outShapes[j];
      std::string why;
      std::shared_ptr<kiln::cpu::Kernel> kernel = kiln::cpu::makeSplitKernel(x, axis, offset, outShapes[j], why);
      if (!kernel) {
        error = "node '" + ni.name + "' (split): " + why;
        return false;
      }
      offset += outShapes[j][size_t(axis)];
      if (allKnown && numel(outShapes[j]) <= 4096) { // a shape computation
        std::vector<uint8_t> bytes(size_t(numel(outShapes[j])) * ref::dtypeSize(outTypes[j]));
        const void *src = x.data;
        if (!kernel->run(&src, bytes.data(), error))
          return false;
        plan.known[out] = std::move(bytes);
        if (!exec.isOutput[out])
          continue;
      }
      Step step;
      step.node = k;
      if (ni.inputs[0] >= 0 && !exec.constants[ni.inputs[0]].data)
        step.reads.push_back(ni.inputs[0]);
      step.writes.push_back(out);
      step.mode = Mode::Own;
      step.kernel = std::move(kernel);
      pushStep(std::move(step), out);
    }
    return true;
  }

  Arg valueArg(int key, int32_t v, const memory::desc &md) { return Arg{key, v, nullptr, md}; }
  uint64_t elementSize(int32_t v) const {
    return v < int32_t(exec.dtype.size()) ? ref::dtypeSize(exec.dtype[v]) : 4; // added values: f32
  }

  // --- layouts ---------------------------------------------------------------
  // A primitive states the layout it wants for each operand (Arg::md) and
  // the layout of its result. pushStep converts operands held in another
  // layout with a reorder step (one per value and layout, shared by every
  // reader), records a non-plain result's layout, and keeps partition
  // outputs, views and reference kernels plain.
  struct Converted {
    int32_t from;
    memory::desc md;
    int32_t to;
  };
  std::vector<Converted> converted;

  /// The layout `v` is stored in (plain unless a primitive chose otherwise).
  memory::desc mdOf(int32_t v) const {
    auto it = plan.layout.find(v);
    return it != plan.layout.end() ? it->second : plainMd(plan.shapes.at(v));
  }
  bool blocked(int32_t v) const { return v >= 0 && plan.layout.count(v); }

  int32_t newValue(const Dims &shape, const memory::desc &md) {
    int32_t v = plan.numValues++;
    plan.shapes[v] = shape;
    if (md != plainMd(shape))
      plan.layout[v] = md;
    return v;
  }

  Arg exactArg(int key, int32_t v, const memory::desc &md) { return Arg{key, v, nullptr, md, true}; }

  /// `v` as an operand read through `want`: `v` itself, or a new value
  /// filled by a reorder (into `want` when exact, else into plain).
  int32_t operand(int32_t v, const memory::desc &want0, bool exact, int32_t node) {
    if (!exact && !blocked(v))
      return v;
    return inLayout(v, exact ? want0 : plainMd(plan.shapes.at(v)), node);
  }

  /// `v` in layout `want`: `v` itself, or a new value filled by a reorder.
  int32_t inLayout(int32_t v, const memory::desc &want, int32_t node) {
    memory::desc have = mdOf(v);
    if (have == want)
      return v;
    for (const Converted &c : converted)
      if (c.from == v && c.md == want)
        return c.to;
    int32_t to = newValue(plan.shapes.at(v), want);
    addReorder(v, have, to, want, node);
    converted.push_back({v, want, to});
    return to;
  }

  void addReorder(int32_t from, const memory::desc &have, int32_t to, const memory::desc &want, int32_t node) {
    Step r;
    r.node = node;
    r.mode = Mode::Dnnl;
    r.reorder = true;
    dnnl::reorder::primitive_desc pd(exec.eng, have, exec.eng, want, scratchAttr());
    r.pending = pd; // created by createPrimitives
    r.scratch = pd.scratchpad_desc();
    r.args = {Arg{DNNL_ARG_FROM, from, nullptr, have}, Arg{DNNL_ARG_TO, to, nullptr, want}};
    r.reads = {from};
    r.writes = {to};
    plan.steps.push_back(std::move(r));
  }

  static void replaceRead(Step &st, int32_t from, int32_t to) {
    for (int32_t &v : st.reads)
      if (v == from)
        v = to;
  }

  void pushStep(Step step, int32_t out) {
    if (step.mode == Mode::View || step.mode == Mode::Copy) {
      if (blocked(step.src)) {
        int32_t plain = inLayout(step.src, plainMd(plan.shapes.at(step.src)), step.node);
        replaceRead(step, step.src, plain);
        step.src = plain;
      }
      plan.steps.push_back(std::move(step));
      return;
    }
    if (step.mode == Mode::Ref || step.mode == Mode::Own) {
      if (step.mode == Mode::Own)
        plan.flops += double(numel(plan.shapes.at(out)));
      step.refInputs = exec.nodes[step.node]->inputs;
      for (int32_t &v : step.refInputs)
        if (blocked(v)) {
          int32_t plain = inLayout(v, plainMd(plan.shapes.at(v)), step.node);
          replaceRead(step, v, plain);
          v = plain;
        }
      plan.steps.push_back(std::move(step));
      return;
    }
    for (Arg &a : step.args)
      if (a.value >= 0 && a.key != DNNL_ARG_DST) {
        int32_t v = operand(a.value, a.md, a.exact, step.node);
        replaceRead(step, a.value, v);
        a.value = v;
      }
    estimateWork(step, out);
    int32_t reorderTo = -1;
    memory::desc dstMd;
    for (Arg &a : step.args)
      if (a.key == DNNL_ARG_DST && a.value == out && a.md != plainMd(a.md.dims())) {
        if (exec.isOutput[out]) { // partition outputs leave plain
          dstMd = a.md;
          a.value = newValue(plan.shapes.at(out), a.md);
          step.writes = {a.value};
          reorderTo = a.value;
        } else
          plan.layout[out] = a.md;
      }
    int32_t node = step.node;
    if (step.accumulate >= 0) {
      // The result starts as the residual (in the result's layout).
      for (const Arg &a : step.args)
        if (a.key == DNNL_ARG_DST) {
          addReorder(step.accumulate, mdOf(step.accumulate), a.value, a.md, node);
          plan.steps.back().sumCopy = true;
        }
      step.reads.push_back(step.accumulate); // (kept alive up to here)
    }
    plan.steps.push_back(std::move(step));
    if (reorderTo >= 0)
      addReorder(reorderTo, dstMd, out, plainMd(plan.shapes.at(out)), node);
  }

  /// Adds the step's work to plan.flops: 2 x outputs x multiply-adds per
  /// output for products (from the weights' dims), the outputs otherwise.
  void estimateWork(const Step &step, int32_t out) {
    double outputs = double(numel(plan.shapes.at(out)));
    Kind kind = exec.nodes[step.node]->kind;
    for (const Arg &a : step.args)
      if (a.key == DNNL_ARG_WEIGHTS && (kind == Kind::Conv || kind == Kind::Gemm || kind == Kind::Linear ||
                                        kind == Kind::MatMul || kind == Kind::Fused)) {
        Dims w = a.md.dims();
        double per = double(numel(w));
        if (kind == Kind::Conv)
          per /= double(w.size() == 5 ? w[0] * w[1] : w[0]); // [G,]O,I,kh,kw
        else
          per /= double(std::max<int64_t>(w.back(), 1)); // ...,K,N
        plan.flops += 2.0 * outputs * per;
        return;
      }
    plan.flops += outputs;
  }

  /// The layout for an operand that may stay in its producer's layout: the
  /// value's own when it has `shape`, plain otherwise.
  memory::desc operandMd(int32_t v, const Dims &shape) const {
    if (v >= 0 && !exec.constants[v].data && blocked(v) && plan.layout.at(v).dims() == shape)
      return plan.layout.at(v);
    return plainMd(shape);
  }

  /// The argument for an input that may be a constant: constants go to
  /// `want` (reordered once), run-time values stay plain.
#include "FusedPlan.inc"
#include "DwFusion.inc"
#include "WinogradPlan.inc"

  Arg weightArg(NodeInfo &ni, int key, int32_t v, const memory::desc &plain, const memory::desc &want) {
    if (exec.constants[v].data)
      return Arg{key, -1, reorderedConstant(exec, ni, strm, exec.constants[v].data, plain, want), want};
    return Arg{key, v, nullptr, plain};
  }

  /// A channel concat of values in one channel-blocked layout (nChw16c or
  /// nChw8c), every input a whole number of blocks, as a BlockConcat step:
  /// memcpy of contiguous runs. oneDNN 2.6's concat took 7x a memcpy on
  /// squeezenet1_1's fire modules in nChw16c.
  bool blockConcat(NodeInfo &ni, const std::vector<const ref::Tensor *> &in, const std::vector<memory::desc> &srcs,
                   const Dims &outShape, int32_t out, Step &step) {
    for (memory::format_tag tag : {memory::format_tag::nChw16c, memory::format_tag::nChw8c}) {
      int64_t blk = tag == memory::format_tag::nChw16c ? 16 : 8;
      bool ok = true;
      for (size_t i = 0; i < in.size() && ok; ++i)
        ok = !exec.constants[ni.inputs[i]].data && in[i]->shape.size() == 4 && in[i]->shape[1] % blk == 0 &&
             srcs[i] == memory::desc(in[i]->shape, memory::data_type::f32, tag);
      if (!ok)
        continue;
      step.mode = Mode::BlockConcat;
      step.units = outShape[0];
      step.unitBytes = uint64_t(numel(outShape) / std::max<int64_t>(outShape[0], 1)) * 4;
      uint64_t at = 0;
      for (size_t i = 0; i < srcs.size(); ++i) {
        step.args.push_back(Arg{DNNL_ARG_MULTIPLE_SRC + int(i), ni.inputs[i], nullptr, srcs[i], true});
        uint64_t bytes = uint64_t(numel(in[i]->shape) / std::max<int64_t>(outShape[0], 1)) * 4;
        step.runs.push_back({ni.inputs[i], at, bytes});
        at += bytes;
      }
      step.args.push_back(valueArg(DNNL_ARG_DST, out, memory::desc(outShape, memory::data_type::f32, tag)));
      return true;
    }
    return false;
  }

  /// The arguments of a (de)convolution: source in the layout it chose,
  /// weights (and bias) repacked once when constant, destination.
  void pushConvArgs(NodeInfo &ni, const memory::desc &wPlain, const memory::desc &bias, bool hasBias, int32_t out,
                    const dnnl::primitive_desc &pd, Step &step) {
    step.pending = pd; // created by createPrimitives
    step.scratch = pd.scratchpad_desc();
    step.args.push_back(exactArg(DNNL_ARG_SRC, ni.inputs[0], pd.src_desc()));
    step.args.push_back(weightArg(ni, DNNL_ARG_WEIGHTS, ni.inputs[1], wPlain, pd.weights_desc()));
    if (hasBias)
      step.args.push_back(weightArg(ni, DNNL_ARG_BIAS, ni.inputs[2], bias, bias));
    step.args.push_back(valueArg(DNNL_ARG_DST, out, pd.dst_desc()));
  }

  bool makePrimitive(NodeInfo &ni, const std::vector<const ref::Tensor *> &in, const Dims &outShape,
                     int32_t out, Step &step) {
    const dnnl::engine &eng = exec.eng;
    auto pk = dnnl::prop_kind::forward_inference;
    switch (ni.kind) {
    case Kind::Conv: {
      const Dims &x = in[0]->shape, &w = in[1]->shape;
      int64_t G = ni.attrs.getInt("group", 1);
      Window win; // 1-D, 2-D or 3-D
      if (!resolveWindow(ni.attrs, Dims(x.begin() + 2, x.end()), Dims(w.begin() + 2, w.end()), false, win))
        return false;
      bool weightConst = exec.constants[ni.inputs[1]].data != nullptr;
      Dims wd = w;
      if (G > 1) { // [G, O/G, I, spatial...]
        wd = {G, w[0] / G};
        wd.insert(wd.end(), w.begin() + 1, w.end());
      }
      size_t r = x.size();
      memory::format_tag grouped = r == 3 ? memory::format_tag::goiw : r == 4 ? memory::format_tag::goihw
                                                                              : memory::format_tag::goidhw;
      memory::format_tag blocks = r == 3 ? memory::format_tag::nCw16c : r == 4 ? memory::format_tag::nChw16c
                                                                               : memory::format_tag::nCdhw16c;
      memory::desc wPlain = G > 1 ? memory::desc(wd, memory::data_type::f32, grouped) : plainMd(w);
      bool hasBias = in.size() > 2 && in[2];
      memory::desc src = anyMd(x), dst = exec.isOutput[out] ? plainMd(outShape) : anyMd(outShape);
      if (plan.blockedConvs) { // channel blocks (fused depthwise steps, or the faster layout)
        if (x[1] >= 16)
          src = memory::desc(x, memory::data_type::f32, blocks);
        if (!exec.isOutput[out])
          dst = memory::desc(outShape, memory::data_type::f32, blocks);
      }
      memory::desc bias = plainMd({w[0]});
      memory::desc wAsk = weightConst ? anyMd(wd) : wPlain;
      auto d = hasBias ? dnnl::convolution_forward::desc(pk, algorithm::convolution_direct, src, wAsk,
                                                          bias, dst, win.s, win.d, win.pb, win.pe)
                       : dnnl::convolution_forward::desc(pk, algorithm::convolution_direct, src, wAsk,
                                                          dst, win.s, win.d, win.pb, win.pe);
      // A residual: oneDNN 2.6's direct (brgemm/jit) convolutions take a
      // full-size addend only as a `sum` post-op, which adds to what the
      // result buffer holds. So the layout the convolution picks is fixed for
      // its result, pushStep copies the residual there first (into that
      // layout, usually its producer's), and the convolution accumulates.
      bool residual = ni.op == "fused_conv" && ni.inputs.size() > 3 && ni.inputs[3] >= 0;
      memory::desc resMd = plainMd(outShape);
      bool sum = residual && !exec.isOutput[out] && in[3] && in[3]->shape == outShape;
      if (sum) {
        resMd = dnnl::convolution_forward::primitive_desc(d, eng).dst_desc();
        d = hasBias ? dnnl::convolution_forward::desc(pk, algorithm::convolution_direct, src, wAsk, bias,
                                                      resMd, win.s, win.d, win.pb, win.pe)
                    : dnnl::convolution_forward::desc(pk, algorithm::convolution_direct, src, wAsk, resMd,
                                                      win.s, win.d, win.pb, win.pe);
        step.accumulate = ni.inputs[3];
      }
      dnnl::primitive_attr attr = scratchAttr();
      dnnl::post_ops po;
      if (residual) {
        if (sum)
          po.append_sum(1.f);
        else
          po.append_binary(algorithm::binary_add, resMd);
        EltwiseAlg act;
        if (fusedActivation(ni.attrs, act))
          po.append_eltwise(1.f, act.alg, act.alpha, act.beta);
      } else
        appendFusedConvPostOps(po, ni, outShape); // fused_conv: activation
      if (ni.hasPost)
        po.append_eltwise(1.f, ni.post.alg, ni.post.alpha, ni.post.beta);
      attr.set_post_ops(po);
      dnnl::convolution_forward::primitive_desc pd(d, attr, eng);
      if (tryWinograd(ni, in, outShape, out, win, wPlain, pd, step))
        return true;
      pushConvArgs(ni, wPlain, bias, hasBias, out, pd, step);
      if (residual && !sum)
        step.args.push_back(valueArg(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, ni.inputs[3], resMd));
      return true;
    }
    case Kind::Fused:
      return makeFused(ni, in, outShape, out, step);
    case Kind::Gemm: {
      bool ta = ni.attrs.getInt("transA", 0), tb = ni.attrs.getInt("transB", 0);
      float alpha = float(ni.attrs.getFloat("alpha", 1.0));
      const Dims &a = in[0]->shape, &b = in[1]->shape;
      int64_t M = outShape[0], N = outShape[1], K = ta ? a[0] : a[1];
      memory::desc src(Dims{M, K}, memory::data_type::f32, ta ? memory::format_tag::ba : memory::format_tag::ab);
      memory::desc wPlain(Dims{K, N}, memory::data_type::f32, tb ? memory::format_tag::ba : memory::format_tag::ab);
      (void)b;
      bool weightConst = exec.constants[ni.inputs[1]].data != nullptr;
      memory::desc dst = plainMd(outShape);
      dnnl::primitive_attr attr = scratchAttr();
      if (alpha != 1.f)
        attr.set_output_scales(0, {alpha});
      int32_t c = ni.inputs.size() > 2 ? ni.inputs[2] : -1;
      memory::desc cmd;
      if (c >= 0) {
        Dims cs = in[2]->shape;
        cs.insert(cs.begin(), 2 - cs.size(), 1);
        cmd = plainMd(cs);
        dnnl::post_ops po;
        po.append_binary(algorithm::binary_add, cmd);
        attr.set_post_ops(po);
      }
      dnnl::matmul::desc d(src, weightConst ? anyMd({K, N}) : wPlain, dst);
      dnnl::matmul::primitive_desc pd(d, attr, eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(valueArg(DNNL_ARG_SRC, ni.inputs[0], src));
      step.args.push_back(weightArg(ni, DNNL_ARG_WEIGHTS, ni.inputs[1], wPlain, pd.weights_desc()));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, dst));
      if (c >= 0) {
        int key = DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1;
        if (!ni.scaledC.empty())
          step.args.push_back(Arg{key, -1, ni.scaledC.data(), cmd});
        else if (exec.constants[c].data)
          step.args.push_back(Arg{key, -1, exec.constants[c].data, cmd});
        else
          step.args.push_back(valueArg(key, c, cmd));
      }
      return true;
    }
    case Kind::Linear: {
      const Dims &x = in[0]->shape, &w = in[1]->shape;
      int64_t N = w[0], K = w[1], R = K ? numel(x) / K : 0;
      memory::desc src = plainMd({R, K}), dst = plainMd({R, N}), bias = plainMd({1, N});
      memory::desc wPlain(Dims{K, N}, memory::data_type::f32, memory::format_tag::ba);
      bool weightConst = exec.constants[ni.inputs[1]].data != nullptr;
      bool hasBias = in.size() > 2 && in[2];
      auto d = hasBias ? dnnl::matmul::desc(src, weightConst ? anyMd({K, N}) : wPlain, bias, dst)
                       : dnnl::matmul::desc(src, weightConst ? anyMd({K, N}) : wPlain, dst);
      dnnl::matmul::primitive_desc pd(d, scratchAttr(), eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(valueArg(DNNL_ARG_SRC, ni.inputs[0], src));
      step.args.push_back(weightArg(ni, DNNL_ARG_WEIGHTS, ni.inputs[1], wPlain, pd.weights_desc()));
      if (hasBias)
        step.args.push_back(weightArg(ni, DNNL_ARG_BIAS, ni.inputs[2], bias, bias));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, dst));
      return true;
    }
    case Kind::MatMul: {
      Dims l = in[0]->shape, r = in[1]->shape;
      if (l.size() == 1)
        l.insert(l.begin(), 1);
      if (r.size() == 1)
        r.push_back(1);
      size_t rank = std::max(l.size(), r.size());
      l.insert(l.begin(), rank - l.size(), 1);
      r.insert(r.begin(), rank - r.size(), 1);
      Dims o(rank);
      for (size_t i = 0; i + 2 < rank; ++i)
        o[i] = std::max(l[i], r[i]);
      o[rank - 2] = l[rank - 2];
      o[rank - 1] = r[rank - 1];
      memory::desc src = plainMd(l), wPlain = plainMd(r), dst = plainMd(o);
      bool weightConst = exec.constants[ni.inputs[1]].data != nullptr;
      dnnl::matmul::desc d(src, weightConst ? anyMd(r) : wPlain, dst);
      dnnl::matmul::primitive_desc pd(d, scratchAttr(), eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(valueArg(DNNL_ARG_SRC, ni.inputs[0], src));
      step.args.push_back(weightArg(ni, DNNL_ARG_WEIGHTS, ni.inputs[1], wPlain, pd.weights_desc()));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, dst));
      return true;
    }
    case Kind::Pool:
    case Kind::GlobalPool: {
      const Dims &x = in[0]->shape;
      Dims spatial(x.begin() + 2, x.end());
      Window w;
      algorithm alg;
      if (ni.kind == Kind::Pool) {
        bool ceil = ni.attrs.getInt("ceil_mode", 0) != 0;
        if (!resolveWindow(ni.attrs, spatial, *ni.attrs.getInts("kernel_shape"), ceil, w))
          return false;
        if (ni.op == "max_pool")
          alg = algorithm::pooling_max;
        else if (ni.attrs.getInt("count_include_pad", 0)) {
          if (w.overhang)
            return false; // see canRun: the divisors would differ
          alg = algorithm::pooling_avg_include_padding;
        } else
          alg = algorithm::pooling_avg_exclude_padding;
      } else {
        size_t n = spatial.size();
        w.k = spatial;
        w.s.assign(n, 1);
        w.d.assign(n, 0);
        w.pb.assign(n, 0);
        w.pe.assign(n, 0);
        alg = ni.op == "global_max_pool" ? algorithm::pooling_max : algorithm::pooling_avg_exclude_padding;
      }
      memory::desc src = operandMd(ni.inputs[0], x), dst = plainMd(outShape);
      if (src != plainMd(x) && !exec.isOutput[out])
        dst = anyMd(outShape); // stay in the producer's layout
      dnnl::pooling_v2_forward::desc d(pk, alg, src, dst, w.s, w.k, w.d, w.pb, w.pe);
      dnnl::pooling_v2_forward::primitive_desc pd(d, scratchAttr(), eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(exactArg(DNNL_ARG_SRC, ni.inputs[0], src));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, pd.dst_desc()));
      return true;
    }
    case Kind::BatchNorm: {
      memory::desc src = operandMd(ni.inputs[0], in[0]->shape), vec = plainMd({in[0]->shape[1]});
      auto flags = dnnl::normalization_flags::use_global_stats | dnnl::normalization_flags::use_scale |
                   dnnl::normalization_flags::use_shift;
      dnnl::batch_normalization_forward::desc d(pk, src, float(ni.attrs.getFloat("epsilon", 1e-5)), flags);
      dnnl::batch_normalization_forward::primitive_desc pd(d, scratchAttr(), eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(exactArg(DNNL_ARG_SRC, ni.inputs[0], src));
      step.args.push_back(weightArg(ni, DNNL_ARG_SCALE, ni.inputs[1], vec, vec));
      step.args.push_back(weightArg(ni, DNNL_ARG_SHIFT, ni.inputs[2], vec, vec));
      step.args.push_back(weightArg(ni, DNNL_ARG_MEAN, ni.inputs[3], vec, vec));
      step.args.push_back(weightArg(ni, DNNL_ARG_VARIANCE, ni.inputs[4], vec, vec));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, src));
      return true;
    }
    case Kind::Eltwise: {
      EltwiseAlg e;
      eltwiseAlg(ni.op, ni.attrs, e);
      memory::desc md = operandMd(ni.inputs[0], in[0]->shape);
      dnnl::eltwise_forward::desc d(pk, e.alg, md, e.alpha, e.beta);
      dnnl::eltwise_forward::primitive_desc pd(d, scratchAttr(), eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(exactArg(DNNL_ARG_SRC, ni.inputs[0], md));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, md));
      return true;
    }
    case Kind::Binary: {
      Dims a = in[0]->shape, b = in[1]->shape, o = outShape;
      size_t r = std::max<size_t>(o.size(), 1);
      a.insert(a.begin(), r - a.size(), 1);
      b.insert(b.begin(), r - b.size(), 1);
      if (o.empty())
        o = {1};
      int32_t lhs = ni.inputs[0], rhs = ni.inputs[1];
      if (a != o) {
        if (b != o || !commutative(ni.op))
          return false; // src0 must have the result's shape: the reference kernel
        std::swap(a, b);
        std::swap(lhs, rhs);
      }
      memory::desc s0 = plainMd(a), s1 = plainMd(b), dst = plainMd(o);
      // Full-size operands follow a producer's blocked layout (a residual add
      // between convolutions); broadcast ones stay plain.
      memory::desc keep = operandMd(lhs, a);
      if (keep == s0 && b == o)
        keep = operandMd(rhs, b);
      if (keep != s0) {
        s0 = dst = keep;
        if (b == o)
          s1 = keep;
      }
      dnnl::binary::desc d(binaryAlg(ni.op), s0, s1, dst);
      dnnl::binary::primitive_desc pd(d, scratchAttr(), eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      bool exact = keep != plainMd(a);
      auto operand = [&](int key, int32_t v, const memory::desc &md) {
        return exec.constants[v].data ? Arg{key, -1, exec.constants[v].data, md}
                                       : Arg{key, v, nullptr, md, exact && md == keep};
      };
      step.args.push_back(operand(DNNL_ARG_SRC_0, lhs, s0));
      step.args.push_back(operand(DNNL_ARG_SRC_1, rhs, s1));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, dst));
      return true;
    }
    case Kind::Lrn: { // odd sizes only (lrnOnDnnl); keeps a producer's blocked layout
      memory::desc md = operandMd(ni.inputs[0], in[0]->shape);
      dnnl::lrn_forward::desc d(pk, algorithm::lrn_across_channels, md, ni.attrs.getInt("size", 1),
                                float(ni.attrs.getFloat("alpha", 1e-4)), float(ni.attrs.getFloat("beta", 0.75)),
                                float(ni.attrs.getFloat("bias", 1.0)));
      dnnl::lrn_forward::primitive_desc pd(d, scratchAttr(), eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(exactArg(DNNL_ARG_SRC, ni.inputs[0], md));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, pd.dst_desc()));
      return true;
    }
    case Kind::Softmax: {
      const Dims &x = in[0]->shape;
      int64_t rank = int64_t(x.size()), axis = ni.attrs.getInt("axis", -1);
      if (axis < 0)
        axis += rank;
      memory::desc md = plainMd(x);
      dnnl::softmax_v2_forward::desc d(pk, ni.op == "softmax" ? algorithm::softmax_accurate : algorithm::softmax_log,
                                       md, md, int(axis));
      dnnl::softmax_v2_forward::primitive_desc pd(d, scratchAttr(), eng);
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(valueArg(DNNL_ARG_SRC, ni.inputs[0], md));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, md));
      return true;
    }
    case Kind::Resize: { // ONNX Resize, spatial dims only; the rest runs the reference kernel here
      const Dims &x = in[0]->shape;
      if (x.size() != 4 || outShape.size() != 4 || outShape[0] != x[0] || outShape[1] != x[1] || numel(x) == 0)
        return false;
      // The scale of each spatial dim: the attribute, run-time scales (known
      // now), or out / in for sizes.
      double scale[2];
      auto attrScales = ni.attrs.getFloats("scales");
      for (int i = 0; i < 2; ++i) {
        if (attrScales && attrScales->size() == 4)
          scale[i] = (*attrScales)[i + 2];
        else if (in.size() > 1 && in[1] && in[1]->dtype == ref::DType::F32 && in[1]->data && numel(in[1]->shape) == 4)
          scale[i] = static_cast<const float *>(in[1]->data)[i + 2];
        else
          scale[i] = double(outShape[i + 2]) / double(x[i + 2]);
        if (!(scale[i] > 0))
          return false;
      }
      std::string mode = ni.attrs.getString("mode", "nearest");
      std::string ctm = ni.attrs.getString("coordinate_transformation_mode", "half_pixel");
      std::string nm = ni.attrs.getString("nearest_mode", "round_prefer_floor");
      algorithm alg;
      if (mode == "linear" && (ctm == "half_pixel" || (ctm == "pytorch_half_pixel" && outShape[2] > 1 && outShape[3] > 1)))
        alg = algorithm::resampling_linear; // oneDNN: (o + 0.5) / scale - 0.5, edges clamped
      else if (mode == "nearest") {
        // At a whole upscale factor k these all pick input floor(o / k), as
        // oneDNN's nearest does; elsewhere they differ in the ties.
        bool floorAsym = ctm == "asymmetric" && nm == "floor";
        bool roundHalf = (ctm == "half_pixel" || ctm == "pytorch_half_pixel") &&
                         (nm == "round_prefer_floor" || nm == "round_prefer_ceil");
        if (!floorAsym && !roundHalf)
          return false;
        for (int i = 0; i < 2; ++i)
          if (scale[i] != std::floor(scale[i]) || outShape[i + 2] != x[i + 2] * int64_t(scale[i]))
            return false;
        alg = algorithm::resampling_nearest;
      } else
        return false;
      memory::desc src = operandMd(ni.inputs[0], x),
                   dst = exec.isOutput[out] ? plainMd(outShape) : anyMd(outShape);
      dnnl::resampling_forward::primitive_desc pd;
      try {
        pd = dnnl::resampling_forward::primitive_desc(
            dnnl::resampling_forward::desc(pk, alg, {float(scale[0]), float(scale[1])}, src, dst), scratchAttr(),
            eng);
      } catch (const dnnl::error &) {
        return false;
      }
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(exactArg(DNNL_ARG_SRC, ni.inputs[0], pd.src_desc()));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, pd.dst_desc()));
      return true;
    }
    case Kind::PRelu: { // y = x < 0 ? slope * x : x, slope broadcast (unidirectionally) to x
      const Dims &x = in[0]->shape;
      Dims sl = in[1]->shape;
      if (sl.size() > x.size())
        return false;
      sl.insert(sl.begin(), x.size() - sl.size(), 1);
      for (size_t i = 0; i < x.size(); ++i)
        if (sl[i] != 1 && sl[i] != x[i])
          return false;
      memory::desc src = operandMd(ni.inputs[0], x), wmd = plainMd(sl);
      dnnl::prelu_forward::primitive_desc pd;
      try { // oneDNN 2.6 has some broadcast patterns of the slope, not all
        pd = dnnl::prelu_forward::primitive_desc(dnnl::prelu_forward::desc(pk, src, wmd), scratchAttr(), eng);
      } catch (const dnnl::error &) {
        return false;
      }
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      step.args.push_back(exactArg(DNNL_ARG_SRC, ni.inputs[0], pd.src_desc()));
      step.args.push_back(exec.constants[ni.inputs[1]].data
                              ? Arg{DNNL_ARG_WEIGHTS, -1, exec.constants[ni.inputs[1]].data, wmd}
                              : valueArg(DNNL_ARG_WEIGHTS, ni.inputs[1], wmd));
      step.args.push_back(valueArg(DNNL_ARG_DST, out, pd.dst_desc()));
      return true;
    }
    case Kind::Deconv: { // ONNX ConvTranspose: weights [C, M/group, k...], 1-D to 3-D
      const Dims &x = in[0]->shape, &w = in[1]->shape;
      int64_t G = ni.attrs.getInt("group", 1);
      size_t r = x.size(), n = r - 2;
      if (r < 3 || r > 5 || w.size() != r || outShape.size() != r || G < 1 || x[1] != w[0] || x[1] % G)
        return false;
      int64_t M = w[1] * G;
      auto ints = [&](const char *name, size_t len, int64_t def) {
        auto v = ni.attrs.getInts(name);
        return v && v->size() == len ? *v : Dims(len, def);
      };
      Dims s = ints("strides", n, 1), d = ints("dilations", n, 1), pads = ints("pads", 2 * n, 0),
           opad = ints("output_padding", n, 0);
      std::string ap = ni.attrs.getString("auto_pad", "NOTSET");
      bool fromOut = ni.attrs.getInts("output_shape") || ap == "SAME_UPPER" || ap == "SAME_LOWER";
      Dims pl(n), pr(n), dd(n);
      double window = 1;
      for (size_t i = 0; i < n; ++i) {
        int64_t full = s[i] * (x[i + 2] - 1) + opad[i] + (w[i + 2] - 1) * d[i] + 1, total = full - outShape[i + 2];
        pl[i] = fromOut ? (ap == "SAME_UPPER" ? total / 2 : total - total / 2) : ap == "NOTSET" ? pads[i] : 0;
        // oneDNN: out = (in - 1) * s - pl - pr + (k - 1) * d + 1 (output_padding goes into pr)
        pr[i] = (x[i + 2] - 1) * s[i] - pl[i] + (w[i + 2] - 1) * d[i] + 1 - outShape[i + 2];
        dd[i] = d[i] - 1;
        window *= double(w[i + 2]);
        if (total < 0 || pl[i] < 0)
          return false; // the reference kernel in the plugin
      }
      // ONNX's [C, M/G, k...] is oneDNN's (g)io(d)(h)w: [(G,) M/G, C/G, k...] stored input-major.
      using tag = memory::format_tag;
      Dims wd = {M, x[1]};
      if (G > 1)
        wd = {G, w[1], x[1] / G};
      wd.insert(wd.end(), w.begin() + 2, w.end());
      tag t = G > 1 ? (r == 3 ? tag::acbd : r == 4 ? tag::acbde : tag::acbdef)
                    : (r == 3 ? tag::bac : r == 4 ? tag::bacd : tag::bacde);
      memory::desc wPlain(wd, memory::data_type::f32, t);
      bool weightConst = exec.constants[ni.inputs[1]].data != nullptr;
      memory::desc wAsk = weightConst ? anyMd(wPlain.dims()) : wPlain;
      bool hasBias = in.size() > 2 && in[2];
      memory::desc src = anyMd(x), dst = exec.isOutput[out] ? plainMd(outShape) : anyMd(outShape),
                   bias = plainMd({M});
      auto desc = hasBias ? dnnl::deconvolution_forward::desc(pk, algorithm::deconvolution_direct, src, wAsk, bias,
                                                              dst, s, dd, pl, pr)
                          : dnnl::deconvolution_forward::desc(pk, algorithm::deconvolution_direct, src, wAsk, dst,
                                                              s, dd, pl, pr);
      // A negative right padding (output_padding past the end pads) is cut
      // off the result; oneDNN takes it or declines (the reference kernel).
      dnnl::deconvolution_forward::primitive_desc pd;
      try {
        pd = dnnl::deconvolution_forward::primitive_desc(desc, scratchAttr(), eng);
      } catch (const dnnl::error &) {
        return false;
      }
      pushConvArgs(ni, wPlain, bias, hasBias, out, pd, step);
      // flops: every input element meets M/G x the window's weights
      plan.flops += 2.0 * double(numel(x)) * double(M / G) * window;
      return true;
    }
    case Kind::Concat: {
      int64_t rank = int64_t(outShape.size()), axis = ni.attrs.getInt("axis", 0);
      if (axis < 0)
        axis += rank;
      std::vector<memory::desc> srcs;
      bool anyBlocked = false;
      for (size_t i = 0; i < in.size(); ++i) {
        srcs.push_back(operandMd(ni.inputs[i], in[i]->shape));
        anyBlocked |= srcs.back() != plainMd(in[i]->shape);
      }
      if (anyBlocked && axis == 1 && rank == 4 && !exec.isOutput[out] && blockConcat(ni, in, srcs, outShape, out, step))
        return true;
      memory::desc dst = plainMd(outShape);
      dnnl::concat::primitive_desc pd = anyBlocked && !exec.isOutput[out]
                                            ? dnnl::concat::primitive_desc(int(axis), srcs, eng, scratchAttr())
                                            : dnnl::concat::primitive_desc(dst, int(axis), srcs, eng, scratchAttr());
      dst = pd.dst_desc();
      step.pending = pd; // created by createPrimitives
      step.scratch = pd.scratchpad_desc();
      for (size_t i = 0; i < srcs.size(); ++i) {
        int32_t v = ni.inputs[i];
        int key = DNNL_ARG_MULTIPLE_SRC + int(i);
        step.args.push_back(exec.constants[v].data ? Arg{key, -1, exec.constants[v].data, srcs[i]}
                                                   : Arg{key, v, nullptr, srcs[i], anyBlocked});
      }
      step.args.push_back(valueArg(DNNL_ARG_DST, out, dst));
      return true;
    }
    default:
      return false;
    }
  }

  /// Per value: whether its buffer is not the plan's to reuse or place
  /// (partition inputs and outputs, constants, values known at plan time).
  std::vector<char> fixedBuffers() const {
    size_t nv = size_t(plan.numValues), ng = exec.constants.size();
    std::vector<char> fixed(nv, 0);
    for (int32_t v : exec.inputs)
      fixed[v] = 1;
    for (size_t v = 0; v < ng; ++v)
      fixed[v] |= exec.isOutput[v] || exec.constants[v].data;
    for (auto &kv : plan.known)
      fixed[kv.first] = 1;
    return fixed;
  }

  /// A sum post-op adds the convolution to what its result buffer holds,
  /// so pushStep copies the residual there first. When the residual is an
  /// intermediate of this plan (not a partition input or output, constant or
  /// known value) already in the result's layout, no later step reads it
  /// (nor a view of it), and the convolution does not also read it as its
  /// source, the convolution accumulates in the residual's own buffer: the
  /// copy goes and the result shares that buffer (Plan::shared). A residual
  /// add (mobilenet_v2, resnet) then costs no copy.
  void sumInPlace() {
    size_t nv = size_t(plan.numValues);
    std::vector<int32_t> alias(nv, -1), last(nv, -1);
    auto root = [&](int32_t v) {
      while (alias[v] >= 0)
        v = alias[v];
      return v;
    };
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      const Step &st = plan.steps[s];
      if (st.mode == Mode::View)
        alias[st.writes[0]] = st.src;
      for (int32_t v : st.reads)
        last[root(v)] = int32_t(s);
    }
    std::vector<char> fixed = fixedBuffers(); // not the plan's to overwrite
    std::vector<char> drop(plan.steps.size(), 0);
    bool any = false;
    for (size_t s = 0; s + 1 < plan.steps.size(); ++s) {
      const Step &copy = plan.steps[s], &conv = plan.steps[s + 1];
      if (!copy.sumCopy || conv.accumulate < 0 || copy.args.size() != 2)
        continue;
      int32_t out = copy.writes[0], r = root(copy.reads[0]);
      if (fixed[r] || copy.args[0].md != copy.args[1].md || last[r] != int32_t(s + 1))
        continue;
      bool alsoSource = false; // what the convolution reads besides its result buffer
      for (const Arg &a : conv.args)
        alsoSource |= a.key != DNNL_ARG_DST && a.value >= 0 && root(a.value) == r;
      if (alsoSource)
        continue;
      drop[s] = 1;
      any = true;
      alias[out] = r; // later residuals may be this result: chains share one buffer
      last[r] = std::max(last[r], last[out]);
      plan.alias[out] = r;
      plan.shared.push_back({out, r});
    }
    if (!any)
      return;
    std::vector<Step> kept;
    for (size_t s = 0; s < plan.steps.size(); ++s)
      if (!drop[s])
        kept.push_back(std::move(plan.steps[s]));
    plan.steps = std::move(kept);
  }

  /// A channel concat (axis 1 of a 4-D result in nChw16c, nChw8c or
  /// channels-last) of a value that kiln's Winograd kernel computes: the
  /// kernel writes its tiles straight into the concat's result, as a channel
  /// sub-view, and the concat copies only its other inputs. The value must
  /// be an intermediate of this plan that nothing else reads (no view, no
  /// other reader), its kernel must not add a residual, and the concat's
  /// result must be neither a partition output nor a buffer shared with
  /// another value (sumInPlace). A oneDNN concat of channels-last values becomes a BlockConcat
  /// step (one run per pixel and input) when an input goes in place.
  /// squeezenet1_1's fire modules: their 3x3 expands.
  void concatInPlace() {
    if (std::getenv("KILN_CPU_CONCAT_IN_PLACE") && std::string(std::getenv("KILN_CPU_CONCAT_IN_PLACE")) == "0")
      return;
    size_t nv = size_t(plan.numValues);
    std::vector<int32_t> readers(nv, 0), writer(nv, -1), writes(nv, 0);
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      for (int32_t v : plan.steps[s].reads)
        ++readers[v];
      for (int32_t v : plan.steps[s].writes) {
        writer[v] = int32_t(s);
        ++writes[v];
      }
    }
    std::vector<char> fixed = fixedBuffers(); // not the plan's to place
    for (auto &[v, buffer] : plan.shared)
      fixed[v] = fixed[buffer] = 1;
    for (size_t v = 0; v < nv; ++v)
      if (plan.alias[v] >= 0)
        fixed[v] = fixed[plan.alias[v]] = 1;
    for (Step &st : plan.steps) {
      if (exec.nodes[st.node]->kind != Kind::Concat || st.writes.size() != 1)
        continue;
      int32_t out = st.writes[0];
      const Dims &os = plan.shapes.at(out);
      if (fixed[out] || os.size() != 4 || writes[out] != 1)
        continue;
      const memory::desc *dstMd = nullptr;
      for (const Arg &a : st.args)
        if (a.key == DNNL_ARG_DST)
          dstMd = &a.md;
      if (!dstMd)
        continue;
      const memory::desc nhwc(os, memory::data_type::f32, memory::format_tag::nhwc);
      bool channelsLast = *dstMd == nhwc;
      if (st.mode == Mode::Dnnl) {
        // a oneDNN concat: only along channels, of channels-last values
        int64_t axis = exec.nodes[st.node]->attrs.getInt("axis", 0);
        bool ok = channelsLast && (axis == 1 || axis == -3);
        for (const Arg &a : st.args)
          ok &= a.key == DNNL_ARG_DST ||
                (a.value >= 0 && a.md == memory::desc(plan.shapes.at(a.value), memory::data_type::f32,
                                                      memory::format_tag::nhwc));
        if (!ok)
          continue;
      } else if (st.mode != Mode::BlockConcat)
        continue;
      kiln::cpu::WinoLayout whole;
      if (!kiln::cpu::winoLayoutOf(*dstMd, whole))
        continue;
      // the inputs in order, their first channels
      std::vector<std::pair<int32_t, int64_t>> ins;
      int64_t c = 0;
      for (const Arg &a : st.args)
        if (a.key != DNNL_ARG_DST) {
          ins.push_back({a.value, c});
          c += plan.shapes.at(a.value)[1];
        }
      std::vector<char> placed(ins.size(), 0);
      bool any = false;
      for (size_t i = 0; i < ins.size(); ++i) {
        auto [v, c0] = ins[i];
        int32_t ws = writer[v];
        if (fixed[v] || readers[v] != 1 || writes[v] != 1 || ws < 0)
          continue;
        Step &prod = plan.steps[size_t(ws)];
        if (prod.mode != Mode::Wino || !prod.wino || prod.wino->hasResidual())
          continue;
        int64_t k = plan.shapes.at(v)[1];
        if (whole.blk > 1 && (c0 % whole.blk || k % whole.blk))
          continue;
        kiln::cpu::WinoLayout sub = whole;
        sub.channels = k;
        uint64_t at = uint64_t(whole.blk > 1 ? (c0 / whole.blk) * whole.sCB : c0) * 4;
        prod.wino = prod.wino->redirected(sub);
        plan.inside.push_back({v, out, at});
        plan.alias[v] = out; // one buffer, from the kernel's step to the concat's last reader
        placed[i] = 1;
        any = true;
      }
      if (!any)
        continue;
      if (st.mode == Mode::Dnnl) { // per pixel
        st.mode = Mode::BlockConcat;
        st.perPixel = true;
        st.pending = dnnl::primitive_desc_base();
        st.scratch = memory::desc();
        st.units = os[0] * os[2] * os[3];
        st.unitBytes = uint64_t(os[1]) * 4;
        st.runs.clear();
        for (auto [v, c0] : ins)
          st.runs.push_back({v, uint64_t(c0) * 4, uint64_t(plan.shapes.at(v)[1]) * 4});
      }
      std::vector<Step::Run> kept;
      for (size_t i = 0; i < ins.size(); ++i)
        if (!placed[i])
          kept.push_back(st.runs[i]);
      st.runs = std::move(kept);
    }
  }

  /// Intermediates (neither partition inputs, outputs nor constants) get
  /// arena offsets; views share their source's buffer, and a result written
  /// in place of a residual (sumInPlace) the residual's.
  void planMemory() {
    size_t nv = size_t(plan.numValues), ng = exec.constants.size();
    plan.offset.assign(nv, -1);
    plan.alias.assign(nv, -1);
    sumInPlace();
    concatInPlace();
    std::vector<int32_t> def(nv, -1), last(nv, -1);
    auto root = [&](int32_t v) {
      while (plan.alias[v] >= 0)
        v = plan.alias[v];
      return v;
    };
    std::vector<char> isInput(nv, 0), isOutput(nv, 0);
    for (size_t v = 0; v < ng; ++v)
      isOutput[v] = exec.isOutput[v];
    for (int32_t v : exec.inputs)
      isInput[v] = 1;
    std::vector<int32_t> slots;
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      const Step &st = plan.steps[s];
      for (int32_t v : st.reads)
        last[root(v)] = int32_t(s);
      int32_t w = st.writes[0];
      if (st.mode == Mode::View) {
        plan.alias[w] = st.src;
        continue;
      }
      w = root(w); // a result in place of its residual: the residual's buffer
      if (!isOutput[w] && !isInput[w]) {
        if (def[w] < 0) { // the first writer defines it (a sum post-op's copy)
          def[w] = int32_t(s);
          slots.push_back(w);
        }
        last[w] = std::max(last[w], int32_t(s));
      }
    }
    std::vector<uint64_t> sizes;
    std::vector<int32_t> d, l;
    for (int32_t v : slots) {
      auto lay = plan.layout.find(v);
      sizes.push_back(align64(lay != plan.layout.end() ? uint64_t(lay->second.get_size())
                                                       : uint64_t(numel(plan.shapes[v])) * elementSize(v)));
      d.push_back(def[v]);
      l.push_back(last[v]);
    }
    assignOffsets(plan, slots, sizes, d, l);
  }
};

// --- entry points -------------------------------------------------------------------

kiln_status create(const kiln_plugin_options *options, kiln_plugin *out) {
  try {
    auto inst = std::make_unique<Instance>();
    inst->eng = dnnl::engine(dnnl::engine::kind::cpu, 0);
    if (options && KILN_HAS_FIELD(options, kiln_plugin_options, num_threads))
      inst->threads = std::max(0, options->num_threads);
    *out = reinterpret_cast<kiln_plugin>(inst.release());
    return KILN_OK;
  } catch (const std::exception &e) {
    createError() = std::string("cannot create the oneDNN CPU engine: ") + e.what();
    return KILN_ERROR_DEVICE;
  }
}

void destroy(kiln_plugin p) { delete reinterpret_cast<Instance *>(p); }

const char *lastError(kiln_plugin p) {
  return p ? reinterpret_cast<Instance *>(p)->error.c_str() : createError().c_str();
}

kiln_status query(kiln_plugin p, const kiln_graph *g, int32_t *supported, float *cost) {
  try {
    std::vector<int32_t> prod = producers(g);
    for (int32_t i = 0; i < g->num_nodes; ++i) {
      supported[i] = canRun(g, prod, g->nodes[i]) ? 1 : 0;
      cost[i] = 10.f;
    }
    return KILN_OK;
  } catch (const std::exception &e) {
    return fail(p, KILN_ERROR_INTERNAL, std::string("query: ") + e.what());
  }
}

kiln_status compileImpl(kiln_plugin p, const kiln_graph *g, const kiln_partition *part,
                        kiln_executable *out) {
  Instance &inst = *reinterpret_cast<Instance *>(p);
  auto exec = std::make_unique<Executable>();
  exec->eng = inst.eng;
  exec->threads = inst.threads;
  exec->constants.resize(g->num_values);
  exec->isOutput.assign(g->num_values, 0);
  for (int32_t v = 0; v < g->num_values; ++v) {
    const kiln_value &val = g->values[v];
    if (val.constant_data) {
      ref::Tensor &t = exec->constants[v];
      t.dtype = ref::DType(val.type.dtype);
      t.shape.assign(val.type.shape, val.type.shape + val.type.rank);
      t.data = const_cast<void *>(val.constant_data);
    }
  }
  exec->inputs.assign(part->inputs, part->inputs + part->num_inputs);
  exec->outputs.assign(part->outputs, part->outputs + part->num_outputs);
  for (int32_t v : exec->outputs) {
    if (v < 0 || v >= g->num_values)
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "partition output out of range");
    exec->isOutput[v] = 1;
  }
  for (int32_t v : exec->inputs)
    if (v < 0 || v >= g->num_values)
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "partition input out of range");
  exec->dtype.resize(size_t(g->num_values));
  for (int32_t v = 0; v < g->num_values; ++v)
    exec->dtype[size_t(v)] = ref::DType(g->values[v].type.dtype);
  for (int32_t v : exec->inputs) {
    exec->keyed.push_back(keyable(g, v));
    exec->declared.push_back(shapeOf(g, v));
  }
  std::vector<int32_t> prod = producers(g);
  std::map<int32_t, int> readers; // value -> number of partition nodes reading it
  for (int32_t k = 0; k < part->num_nodes; ++k) {
    int32_t id = part->nodes[k];
    if (id < 0 || id >= g->num_nodes)
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "partition names a node out of range");
    const kiln_node &n = g->nodes[id];
    if (!canRun(g, prod, n))
      return fail(p, KILN_ERROR_UNSUPPORTED, std::string("node '") + (n.name ? n.name : "") + "' (" +
                                                 (n.op ? n.op : "?") + ") is not supported by the cpu plugin");
    auto ni = std::make_unique<NodeInfo>();
    ni->kind = kindOf(n.op);
    ni->op = n.op;
    ni->name = n.name ? n.name : "";
    ni->graphNode = id;
    convertAttrs(n, ni->attrs);
    ni->inputs.assign(n.inputs, n.inputs + n.num_inputs);
    ni->outputs.assign(n.outputs, n.outputs + n.num_outputs);
    for (int32_t v : ni->inputs)
      if (v >= g->num_values)
        return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + ni->name + "' reads a value out of range");
    for (int32_t v : ni->outputs)
      if (v < 0 || v >= g->num_values)
        return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + ni->name + "' writes a value out of range");
    for (int32_t v : ni->inputs)
      if (v >= 0)
        ++readers[v];
    if (ni->kind == Kind::Gemm && ni->inputs.size() > 2 && ni->inputs[2] >= 0) {
      double beta = ni->attrs.getFloat("beta", 1.0);
      const kiln_value &c = g->values[ni->inputs[2]];
      if (beta != 1.0 && c.constant_data) {
        const float *src = static_cast<const float *>(c.constant_data);
        ni->scaledC.resize(c.constant_size / 4);
        for (size_t i = 0; i < ni->scaledC.size(); ++i)
          ni->scaledC[i] = float(beta * src[i]);
        if (ni->scaledC.empty())
          ni->scaledC.push_back(0.f); // a zero-size C: keep a valid pointer
      }
    }
    exec->nodes.push_back(std::move(ni));
  }
  // conv -> activation, when the activation is the conv result's only reader.
  for (size_t k = 0; k + 1 < exec->nodes.size(); ++k) {
    NodeInfo &c = *exec->nodes[k];
    if (c.kind != Kind::Conv)
      continue;
    int32_t v = c.outputs[0];
    if (exec->isOutput[v] || readers[v] != 1)
      continue;
    for (size_t j = k + 1; j < exec->nodes.size(); ++j) {
      NodeInfo &e = *exec->nodes[j];
      if (std::find(e.inputs.begin(), e.inputs.end(), v) == e.inputs.end())
        continue;
      EltwiseAlg alg;
      if (e.kind == Kind::Eltwise && e.inputs.size() == 1 && eltwiseAlg(e.op, e.attrs, alg) &&
          (alg.alg == algorithm::eltwise_relu || alg.alg == algorithm::eltwise_clip ||
           alg.alg == algorithm::eltwise_elu || alg.alg == algorithm::eltwise_logistic ||
           alg.alg == algorithm::eltwise_tanh || alg.alg == algorithm::eltwise_swish ||
           alg.alg == algorithm::eltwise_hardswish)) {
        c.hasPost = true;
        c.post = alg;
        c.postOutput = e.outputs[0];
        e.fusedAway = true;
      }
      break;
    }
  }
  // 1x1 conv -> 3x3 depthwise conv as one primitive (KILN_CPU_DW_FUSION=0: never).
  if (const char *e = std::getenv("KILN_CPU_DW_FUSION"); !e || std::string(e) != "0")
    PlanBuilder::markDwPartners(*exec, readers);
  // Convolution layout (KILN_CPU_CONV_LAYOUT): "blocked" nChw16c always,
  // "any" oneDNN's choice (channels-last brgconv on AVX-512), default
  // "auto": each new plan of a partition with convolutions is timed both
  // ways (executeImpl, fasterPlan) unless that takes more than
  // kLayoutTuneBytes. Neither wins everywhere (bench/RESULTS.md,
  // "Convolution layout").
  {
    const char *e = std::getenv("KILN_CPU_CONV_LAYOUT");
    std::string mode = e ? e : "auto";
    bool avx512 = (dnnl_get_effective_cpu_isa() & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core;
    if (mode == "blocked")
      exec->blockedConvs = true;
    else if (mode != "any" && avx512 && !exec->blockedConvs) {
      bool conv = false, plainInputs = true;
      for (auto &ni : exec->nodes)
        if (ni->kind == Kind::Conv && !ni->fusedAway) {
          conv = true;
          if (ni->inputs.size() > 1 && ni->inputs[1] >= 0 && exec->constants[ni->inputs[1]].data)
            exec->convWeightBytes += exec->constants[ni->inputs[1]].byteSize();
        }
      for (size_t i = 0; i < exec->inputs.size(); ++i)
        plainInputs &= exec->dtype[exec->inputs[i]] == ref::DType::F32 && !exec->keyed[i];
      exec->layoutTunable = conv && plainInputs;
    }
  }
  *out = reinterpret_cast<kiln_executable>(exec.release());
  return KILN_OK;
}

kiln_status compile(kiln_plugin p, const kiln_graph *g, const kiln_partition *part, kiln_executable *out) {
  try {
    return compileImpl(p, g, part, out);
  } catch (const dnnl::error &e) {
    return fail(p, KILN_ERROR_INTERNAL, std::string("oneDNN: ") + e.what());
  } catch (const std::exception &e) {
    return fail(p, KILN_ERROR_INTERNAL, e.what());
  }
}

void executableDestroy(kiln_plugin, kiln_executable e) { delete reinterpret_cast<Executable *>(e); }

#ifdef KILN_CPU_HAVE_OPENMP
/// oneDNN's parallel regions take the calling thread's OpenMP setting: set
/// it for a run and give the caller its own back afterwards (0: unchanged).
struct ThreadScope {
  int saved = 0;
  explicit ThreadScope(int n) {
    if (n > 0) {
      saved = omp_get_max_threads();
      omp_set_num_threads(n);
    }
  }
  ~ThreadScope() {
    if (saved > 0)
      omp_set_num_threads(saved);
  }
};
#endif

kiln_status runPlan(kiln_plugin p, Executable &exec, Plan *plan, dnnl::stream &strm, const kiln_buffer *inputs,
                    int32_t numInputs, kiln_buffer *outputs, int32_t numOutputs, const kiln_allocator *allocator,
                    bool profile = true, RunMemory *held = nullptr);
kiln_status runSplit(kiln_plugin p, Executable &exec, Plan &split, const kiln_buffer *inputs, int32_t numInputs,
                     kiln_buffer *outputs, int32_t numOutputs, const kiln_allocator *allocator, bool profile);

/// Output `i` of a run: `b` gets `shape` and `dtype`, and a buffer from
/// `allocator` when it has none large enough.
kiln_status bindOutput(kiln_plugin p, const Dims &shape, ref::DType dtype, int32_t i, kiln_buffer &b,
                       const kiln_allocator *allocator) {
  uint64_t bytes = uint64_t(numel(shape)) * ref::dtypeSize(dtype);
  if (b.type.rank != int32_t(shape.size()))
    return fail(p, KILN_ERROR_INVALID_ARGUMENT,
                "output " + std::to_string(i) + " has rank " + std::to_string(shape.size()) +
                    " where the graph declares rank " + std::to_string(b.type.rank));
  if (!b.data || b.size < bytes) {
    void *data = nullptr;
    if (!allocator || allocator->allocate(allocator->user, std::max<uint64_t>(bytes, 4), 64, &data) != KILN_OK || !data)
      return fail(p, KILN_ERROR_OUT_OF_MEMORY, "cannot allocate output " + std::to_string(i));
    b.data = data;
  }
  b.size = bytes;
  b.type.dtype = kiln_dtype(dtype);
  int64_t *dims = const_cast<int64_t *>(b.type.shape);
  for (size_t d = 0; d < shape.size(); ++d)
    dims[d] = shape[d];
  return KILN_OK;
}

/// Runs `plan` on the inputs; outputs without a large enough buffer get one
/// from `allocator`. `profile`: record per-step times when profiling is on.
/// `held`: the arena and scratchpad to use (a batch slice's runs, image by
/// image, take them once for all its images); acquired here when null.
kiln_status runPlan(kiln_plugin p, Executable &exec, Plan *plan, dnnl::stream &strm, const kiln_buffer *inputs,
                    int32_t numInputs, kiln_buffer *outputs, int32_t numOutputs, const kiln_allocator *allocator,
                    bool profile, RunMemory *held) {
  if (!plan->slices.empty())
    return runSplit(p, exec, *plan, inputs, numInputs, outputs, numOutputs, allocator, profile);
#ifdef KILN_CPU_HAVE_OPENMP
  // Small plans run on the calling thread alone (see above).
  ThreadScope smallWork(plan->singleThread ? 1 : 0);
#endif
  RunMemory local;
  if (!held) {
    if (!local.acquire(*plan))
      return fail(p, KILN_ERROR_OUT_OF_MEMORY, "cannot allocate the intermediates' arena");
    held = &local;
  }
  uint8_t *arena = held->arena;
  void *scratch = held->scratch;

  size_t nv = size_t(plan->numValues), ng = exec.constants.size();
  std::vector<void *> ptr(nv, nullptr);
  for (size_t v = 0; v < nv; ++v) {
    if (v < ng && exec.constants[v].data)
      ptr[v] = exec.constants[v].data;
    else if (plan->offset[v] >= 0)
      ptr[v] = arena + plan->offset[v];
  }
  for (auto &[v, bytes] : plan->known)
    ptr[v] = const_cast<uint8_t *>(bytes.data());
  for (auto &[v, buffer] : plan->shared) // in place of a residual (sumInPlace)
    ptr[v] = ptr[buffer];
  for (const Plan::Inside &in : plan->inside) // inside a concat's result (concatInPlace)
    ptr[in.value] = static_cast<uint8_t *>(ptr[in.buffer]) + in.at;
  for (int32_t i = 0; i < numInputs; ++i)
    ptr[exec.inputs[i]] = inputs[i].data;
  for (int32_t i = 0; i < numOutputs; ++i) {
    int32_t v = exec.outputs[i];
    auto it = plan->shapes.find(v);
    if (it == plan->shapes.end())
      return fail(p, KILN_ERROR_INTERNAL, "partition output " + std::to_string(i) + " is never computed");
    if (kiln_status st = bindOutput(p, it->second, exec.dtype[v], i, outputs[i], allocator); st != KILN_OK)
      return st;
    ptr[v] = outputs[i].data;
  }

  const bool profiling = profile && exec.profiler.on();
  const bool owner = held->owner();
  for (Step &st : plan->steps) {
    NodeInfo &ni = *exec.nodes[st.node];
    int32_t w = st.writes[0];
    kiln::cpu::Profiler::Clock::time_point started;
    if (profiling)
      started = kiln::cpu::Profiler::Clock::now();
    switch (st.mode) {
    case Mode::View:
      ptr[w] = ptr[st.src];
      break;
    case Mode::Copy:
      if (ptr[w] != ptr[st.src])
        std::memcpy(ptr[w], ptr[st.src], size_t(numel(plan->shapes[w])) * ref::dtypeSize(exec.dtype[w]));
      break;
    case Mode::Ref: {
      std::vector<ref::Tensor> ins(ni.inputs.size());
      std::vector<const ref::Tensor *> insp;
      for (size_t i = 0; i < ni.inputs.size(); ++i) {
        int32_t v = ni.inputs[i];
        if (v < 0) {
          insp.push_back(nullptr);
          continue;
        }
        ins[i] = exec.constants[v];
        if (i < st.refInputs.size())
          v = st.refInputs[i]; // a plain copy of a blocked value
        if (!ins[i].data) {
          ins[i].dtype = v < int32_t(exec.dtype.size()) ? exec.dtype[v] : ref::DType::F32;
          ins[i].shape = plan->shapes[v];
          ins[i].data = ptr[v];
        }
        insp.push_back(&ins[i]);
      }
      std::vector<ref::Tensor> outs(1);
      outs[0].dtype = exec.dtype[ni.outputs[0]];
      outs[0].shape = plan->shapes[w];
      outs[0].data = ptr[w];
      if (ni.op == "attention") {
        std::string err;
        if (!runAttentionF32(ni.attrs, insp, outs[0], err))
          return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + ni.name + "' (attention): " + err);
        break;
      }
      ref::Status s = ref::run(ni.op, ni.attrs, insp, outs);
      if (!s)
        return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + ni.name + "' (" + ni.op + "): " + s.message);
      break;
    }
    case Mode::Own: {
      const void *in[16];
      std::vector<const void *> many;
      const void **ins = in;
      if (st.refInputs.size() > 16) {
        many.resize(st.refInputs.size());
        ins = many.data();
      }
      for (size_t i = 0; i < st.refInputs.size(); ++i)
        ins[i] = st.refInputs[i] >= 0 ? ptr[st.refInputs[i]] : nullptr;
      std::string err;
      if (!st.kernel->run(ins, ptr[w], err))
        return fail(p, KILN_ERROR_INVALID_ARGUMENT, "node '" + ni.name + "' (" + ni.op + "): " + err);
      break;
    }
    case Mode::Wino: {
      const void *a[5] = {}; // src, weights, bias, residual, dst
      for (const Arg &arg : st.args) {
        const void *d = arg.value >= 0 ? ptr[arg.value] : arg.data;
        int at = arg.key == DNNL_ARG_SRC ? 0 : arg.key == DNNL_ARG_WEIGHTS ? 1 : arg.key == DNNL_ARG_BIAS ? 2
                 : arg.key == DNNL_ARG_SRC_1 ? 3 : 4;
        a[at] = d;
      }
      std::string err;
      if (!st.wino->run(static_cast<const float *>(a[0]), a[1], static_cast<const float *>(a[2]),
                        static_cast<const float *>(a[3]), static_cast<float *>(const_cast<void *>(a[4])), scratch, err))
        return fail(p, KILN_ERROR_INTERNAL, "node '" + ni.name + "': " + err);
      break;
    }
    case Mode::BlockConcat: {
      // Per unit (image or pixel): each input's run at its place.
      uint8_t *dst = static_cast<uint8_t *>(ptr[w]);
      const int64_t units = st.units;
      const uint64_t total = st.unitBytes;
      for (const Step::Run &r : st.runs) {
        const uint8_t *src = static_cast<const uint8_t *>(ptr[r.value]);
        const uint64_t run = r.bytes, at = r.at;
#ifdef KILN_CPU_HAVE_OPENMP
#pragma omp parallel for if (units > 1 && run * uint64_t(units) > (1u << 20))
#endif
        for (int64_t n = 0; n < units; ++n)
          std::memcpy(dst + uint64_t(n) * total + at, src + uint64_t(n) * run, run);
      }
      break;
    }
    case Mode::Dnnl: {
      if (owner && !st.cachedArgs.empty()) {
        for (const Arg &a : st.args) {
          void *data = a.value >= 0 ? ptr[a.value] : const_cast<void *>(a.data);
          memory &m = st.cachedArgs.at(a.key);
          if (m.get_data_handle() != data)
            m.set_data_handle(data);
        }
        if (st.scratch.get_size()) {
          memory &m = st.cachedArgs.at(DNNL_ARG_SCRATCHPAD);
          if (m.get_data_handle() != scratch)
            m.set_data_handle(scratch);
        }
        st.prim.execute(strm, st.cachedArgs);
        break;
      }
      std::unordered_map<int, memory> args;
      for (const Arg &a : st.args) {
        void *data = a.value >= 0 ? ptr[a.value] : const_cast<void *>(a.data);
        args.emplace(a.key, memory(a.md, exec.eng, data));
      }
      if (st.scratch.get_size())
        args.emplace(DNNL_ARG_SCRATCHPAD, memory(st.scratch, exec.eng, scratch));
      st.prim.execute(strm, args);
      if (owner)
        st.cachedArgs = std::move(args);
      break;
    }
    }
    if (profiling) {
      strm.wait();
      std::string kernel = st.reorder ? "reorder " + kiln::cpu::onednnKernel(st.prim)
                           : st.mode == Mode::Dnnl ? kiln::cpu::onednnKernel(st.prim)
                           : st.mode == Mode::Ref ? "reference"
                           : st.mode == Mode::Own ? st.kernel->name()
                           : st.mode == Mode::Wino ? "own:winograd_f4x4_3x3"
                           : st.mode == Mode::BlockConcat ? (st.perPixel ? "own:concat_channels_last" : "own:concat_channel_blocks")
                           : st.mode == Mode::View ? "view" : "copy";
      if (ni.hasPost && !st.reorder)
        kernel += "+post";
      if (st.dwNode >= 0 && !st.reorder)
        kernel += "+dw";
      exec.profiler.record(st.reorder ? -1 : ni.graphNode, kernel, started);
    }
  }
  strm.wait();
  return KILN_OK;
}


/// Creates the plan's pending primitives (Step::pending) once the plan is
/// final: a plan rebuilt for one thread (kSmallWorkFlops) no longer
/// JIT-compiles the discarded plan's kernels. (Creating them on two
/// threads did not pay on the 2-core benchmark VM: squeezenet1_1's 27
/// creations took 4.0 ms on one thread and 6.7 ms of thread time on two,
/// the load no shorter; bench/RESULTS.md, "Load time".)
void createPrimitives(Plan &plan) {
  for (Step &st : plan.steps)
    if (st.pending) {
      st.prim = dnnl::primitive(st.pending.get());
      st.pending = dnnl::primitive_desc_base();
    }
}

/// Whether a plan's time does not depend on its inputs' values (oneDNN
/// primitives, Winograd, views and copies only): such a plan may be timed
/// on any data.
bool dataIndependent(const Plan &plan) {
  for (const Step &st : plan.steps)
    if (st.mode == Mode::Ref || st.mode == Mode::Own)
      return false;
  return true;
}

/// Times plans `a` and `b` on the inputs' shapes (alternated: one warm-up
/// run each, then the best of two more; one when a run takes over 50 ms);
/// `bFaster` when `b` takes less than 97% of `a`'s time.
kiln_status fasterPlan(kiln_plugin p, Executable &exec, dnnl::stream &strm, Plan &a, Plan &b,
                       const kiln_buffer *inputs, int32_t numInputs, bool &bFaster, const char *what = nullptr) {
  size_t n = exec.outputs.size();
  std::vector<kiln_buffer> outs(n);
  std::vector<Dims> dims(n);
  std::vector<std::unique_ptr<void, void (*)(void *)>> data;
  for (size_t i = 0; i < n; ++i) {
    int32_t v = exec.outputs[i];
    dims[i] = a.shapes.at(v);
    uint64_t bytes = std::max<uint64_t>(uint64_t(numel(dims[i])) * ref::dtypeSize(exec.dtype[v]), 4);
    data.emplace_back(std::aligned_alloc(64, align64(bytes)), std::free);
    if (!data.back())
      return fail(p, KILN_ERROR_OUT_OF_MEMORY, "cannot allocate a timing buffer");
    outs[i].struct_size = sizeof(kiln_buffer);
    outs[i].data = data.back().get();
    outs[i].size = bytes;
    outs[i].type.struct_size = sizeof(kiln_tensor_desc);
    outs[i].type.rank = int32_t(dims[i].size());
    outs[i].type.shape = dims[i].data();
  }
  double best[2] = {1e30, 1e30};
  int rounds = 3;
  for (int r = 0; r < rounds; ++r)
    for (int k = 0; k < 2; ++k) {
      auto t0 = std::chrono::steady_clock::now();
      if (kiln_status st = runPlan(p, exec, k ? &b : &a, strm, inputs, numInputs, outs.data(), int32_t(n), nullptr);
          st != KILN_OK)
        return st;
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (r > 0)
        best[k] = std::min(best[k], ms);
      else if (ms > 50)
        rounds = 2;
      else if (k == 1 && ms < 2) // short runs: more of them, ~40 ms in all (the first
        // run comes right after the load, when an idle second core still runs slowly)
        rounds = std::max(rounds, std::min(100, 3 + int(20 / std::max(ms, 0.05))));
    }
  bFaster = best[1] < 0.97 * best[0];
  if (what) {
    if (std::getenv("KILN_CPU_SPLIT_TRACE"))
      std::fprintf(stderr, "kiln cpu: %s: without %.4f ms, with %.4f ms\n", what, best[0], best[1]);
  } else if (std::getenv("KILN_CPU_LAYOUT_TRACE"))
    std::fprintf(stderr, "kiln cpu: layout: %s %.3f ms, nChw16c %.3f ms\n", a.blockedConvs ? "nChw16c" : "oneDNN's choice",
                 best[0], best[1]);
  return KILN_OK;
}

/// Drops the repacked weights that no plan of `exec` (nor `kept`) reads: the
/// packings of the layout that lost (timed in executeImpl), so that neither memory nor
/// an AOT blob holds them.
void dropUnusedWeights(Executable &exec, const Plan &kept) {
  std::set<const void *> used;
  std::function<void(const Plan &)> collect = [&](const Plan &pl) {
    for (const Step &st : pl.steps)
      for (const Arg &a : st.args)
        if (a.value < 0 && a.data)
          used.insert(a.data);
    for (const auto &slice : pl.slices)
      collect(*slice);
  };
  collect(kept);
  for (auto &[k, pl] : exec.plans)
    collect(*pl);
  for (auto &ni : exec.nodes) {
    std::lock_guard<std::mutex> lock(ni->reorderMutex);
    auto &r = ni->reordered;
    r.erase(std::remove_if(r.begin(), r.end(),
                           [&](const std::unique_ptr<Reordered> &x) { return !used.count(x->mem.get_data_handle()); }),
            r.end());
  }
}

#include "BatchSplit.inc"

/// Runs the partition; with `planOnly`, only finds or builds the plan for
/// the inputs' shapes (AOT: serialize and deserialize) and runs nothing.
kiln_status executeImpl(kiln_plugin p, Executable &exec, const kiln_buffer *inputs, int32_t numInputs,
                        kiln_buffer *outputs, int32_t numOutputs, const kiln_allocator *allocator,
                        bool planOnly = false) {
  if (numInputs != int32_t(exec.inputs.size()) || (!planOnly && numOutputs != int32_t(exec.outputs.size())))
    return fail(p, KILN_ERROR_INVALID_ARGUMENT, "wrong number of inputs or outputs");
#ifdef KILN_CPU_HAVE_OPENMP
  ThreadScope threadScope(exec.threads);
#endif
  Dims key;
  for (int32_t i = 0; i < numInputs; ++i) {
    ref::DType want = exec.dtype[exec.inputs[i]];
    if (ref::DType(inputs[i].type.dtype) != want)
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "input " + std::to_string(i) + " is " +
                                                      ref::dtypeName(ref::DType(inputs[i].type.dtype)) +
                                                      " where the graph declares " + ref::dtypeName(want));
    key.push_back(inputs[i].type.rank);
    key.insert(key.end(), inputs[i].type.shape, inputs[i].type.shape + inputs[i].type.rank);
    if (exec.keyed[i]) { // a small shape vector: its values select the plan too
      int64_t n = 1;
      for (int32_t d = 0; d < inputs[i].type.rank; ++d)
        n *= inputs[i].type.shape[d];
      if (n > 64)
        return fail(p, KILN_ERROR_INVALID_ARGUMENT, "input " + std::to_string(i) + " has more than 64 entries");
      for (int64_t k = 0; k < n; ++k)
        key.push_back(want == ref::DType::I64 ? static_cast<const int64_t *>(inputs[i].data)[k]
                                              : static_cast<const int32_t *>(inputs[i].data)[k]);
    }
  }
  // A plan's keyed inputs are known values (copied: the plan outlives the run).
  auto seed = [&](Plan &pl) {
    for (int32_t i = 0; i < numInputs; ++i) {
      pl.shapes[exec.inputs[i]] = Dims(inputs[i].type.shape, inputs[i].type.shape + inputs[i].type.rank);
      if (exec.keyed[i]) {
        const uint8_t *d = static_cast<const uint8_t *>(inputs[i].data);
        uint64_t bytes = uint64_t(numel(pl.shapes[exec.inputs[i]])) * ref::dtypeSize(exec.dtype[exec.inputs[i]]);
        pl.known[exec.inputs[i]] = std::vector<uint8_t>(d, d + bytes);
      }
    }
  };
  dnnl::stream strm(exec.eng);

  // The plan for these shapes: built on first sight, then reused.
  Plan *plan = nullptr;
  {
    std::lock_guard<std::mutex> lock(exec.plansMutex);
    auto it = exec.plans.find(key);
    if (it != exec.plans.end())
      plan = it->second.get();
    else {
      // A plan for these shapes in the given layout choice; a small one is
      // built, and run, with one thread. Work this small finishes before a
      // second thread is worth waking (and on a busy machine a parallel
      // region can wait a whole time slice for it); oneDNN sizes a
      // primitive's thread team when it creates it.
      std::string error;
      auto makePlan = [&](bool blocked, std::unique_ptr<Plan> &out) -> kiln_status {
        auto fresh = std::make_unique<Plan>();
        seed(*fresh);
        fresh->blockedConvs = blocked;
        if (!PlanBuilder(exec, *fresh, strm).build(error))
          return fail(p, KILN_ERROR_INVALID_ARGUMENT, error);
        bool small = false;
#ifdef KILN_CPU_HAVE_OPENMP
        small = fresh->flops < kSmallWorkFlops && omp_get_max_threads() > 1;
        if (small) {
          ThreadScope one(1);
          auto single = std::make_unique<Plan>();
          seed(*single);
          single->blockedConvs = blocked;
          uint64_t fallbacks = exec.refFallbacks;
          if (!PlanBuilder(exec, *single, strm).build(error))
            return fail(p, KILN_ERROR_INVALID_ARGUMENT, error);
          exec.refFallbacks = fallbacks;
          single->singleThread = true;
          createPrimitives(*single);
          fresh = std::move(single);
        }
#endif
        if (!small)
          createPrimitives(*fresh);
        for (const Step &st : fresh->steps) {
          fresh->reorders += st.reorder ? 1 : 0;
          fresh->portable += st.mode == Mode::Ref ? 1 : 0;
        }
        fresh->arena = std::aligned_alloc(64, std::max<uint64_t>(align64(fresh->arenaBytes), 64));
        for (const Step &st : fresh->steps)
          fresh->scratchBytes = std::max<uint64_t>(fresh->scratchBytes, st.scratch.get_size());
        fresh->scratch = std::aligned_alloc(64, std::max<uint64_t>(align64(fresh->scratchBytes), 64));
        if (!fresh->arena || !fresh->scratch)
          return fail(p, KILN_ERROR_OUT_OF_MEMORY, "cannot allocate the intermediates' arena");
        out = std::move(fresh);
        return KILN_OK;
      };
      std::unique_ptr<Plan> fresh;
      if (kiln_status st = makePlan(exec.blockedConvs || exec.layoutHint == 1, fresh); st != KILN_OK)
        return st;
      // The second plan holds its own repacked weights and arena while both
      // are timed: at most kLayoutTuneBytes more (resnet18 at batch 16 would
      // need 109 MB, and its peak memory passed ONNX Runtime's; it stays in
      // oneDNN's choice, which it picks at batch 1 anyway).
      bool tunable = exec.layoutTunable && exec.layoutHint < 0 && !fresh->blockedConvs && dataIndependent(*fresh);
      uint64_t tuneBytes = exec.convWeightBytes + fresh->arenaBytes;
      if (tunable && tuneBytes > kLayoutTuneBytes) {
        tunable = false;
        if (std::getenv("KILN_CPU_LAYOUT_TRACE"))
          std::fprintf(stderr, "kiln cpu: layout: not timed (%.0f MB for a second plan)\n", double(tuneBytes) / 1e6);
      }
      if (tunable) {
        std::unique_ptr<Plan> alt;
        if (kiln_status st = makePlan(true, alt); st != KILN_OK)
          return st;
        if (dataIndependent(*alt)) {
          bool altFaster = false;
          if (kiln_status st = fasterPlan(p, exec, strm, *fresh, *alt, inputs, numInputs, altFaster); st != KILN_OK)
            return st;
          if (altFaster)
            std::swap(fresh, alt);
        }
        alt.reset();
        dropUnusedWeights(exec, *fresh);
      }
      plan = fresh.get();
      exec.plans.emplace(key, std::move(fresh));
      exec.last = {sizeof(kiln_executable_stats), plan->arenaBytes, plan->sumBytes,
                   plan->numIntermediates, uint64_t(exec.plans.size()), 0, 0, 0, 0};
    }
    // At a plan's first run (not when AOT only plans): split the batch
    // across the threads if that is exact and faster (BatchSplit.inc).
    if (!planOnly && !plan->splitChecked) {
      std::unique_ptr<Plan> &slot = exec.plans.at(key);
      trySplit(p, exec, strm, slot, inputs, numInputs);
      plan = slot.get();
    }
    exec.plannedBlocked = plan->blockedConvs;
    exec.lastPlanned = plan;
    exec.last.layout_reorders = plan->reorders;
    exec.last.portable_nodes = plan->portable;
    exec.last.batch_slices = plan->slices.size();
    exec.last.arena_bytes = plan->arenaBytes;
    exec.last.intermediate_bytes = plan->sumBytes;
    exec.last.num_intermediates = plan->numIntermediates;
  }
  if (planOnly)
    return KILN_OK;
  return runPlan(p, exec, plan, strm, inputs, numInputs, outputs, numOutputs, allocator);
}

kiln_status execute(kiln_plugin p, kiln_executable e, const kiln_buffer *inputs, int32_t numInputs,
                    kiln_buffer *outputs, int32_t numOutputs, const kiln_allocator *allocator, kiln_stream) {
  try {
    return executeImpl(p, *reinterpret_cast<Executable *>(e), inputs, numInputs, outputs, numOutputs, allocator);
  } catch (const dnnl::error &err) {
    return fail(p, KILN_ERROR_INTERNAL, std::string("oneDNN: ") + err.what());
  } catch (const std::bad_alloc &) {
    return fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &err) {
    return fail(p, KILN_ERROR_INTERNAL, err.what());
  }
}

// --- AOT: serialized partitions ---------------------------------------------------
// `kiln compile` builds the plan for the partition's declared input shapes
// (dynamic dims = 1), so oneDNN chooses the primitives and the weights get
// repacked into the layouts those want, and serializes the repacked weights
// with the oneDNN memory descriptors that describe them. Loading rebuilds the
// primitives for those shapes at once and uses the repacked bytes in place
// from the mapped artifact: no reorder, no copy. A blob from another oneDNN
// version or ISA is stale: deserialize refuses it (KILN_ERROR_UNSUPPORTED)
// and the host compiles from the plain weights. Layout (little-endian):
//   header  magic "KILNCPU\0", u32 blob version, u32 oneDNN major, minor,
//           patch, u32 ISA (dnnl_cpu_isa_t), u32 sizeof(dnnl_memory_desc_t),
//           u32 partition nodes, u32 entries, u32 inputs, u64 signature
//           (FNV-1a of the nodes' ops, operands and constant sizes)
//   inputs  per partition input: u32 rank, i64 dims (the planned shapes)
//   entries per repacked constant: u32 node, u32 flags, u64 offset, u64
//           size, dnnl_memory_desc_t; flags bit 0: the plan was built with
//           its convolutions in nChw16c (the layout executeImpl's timing chose; a
//           reader that ignores the bit plans in oneDNN's choice and repacks
//           those weights again at load); bit 1, on the entries of a 1x1
//           convolution with a depthwise partner (DwFusion.inc): the plan
//           decided whether to fuse them, bit 2 says it did (a reader that
//           ignores them tries the fusion again, as a plan for new shapes
//           does; with them a load skips oneDNN's failing attempts, 13 on
//           mobilenet_v2, 2.3 ms)
//   payload each repacked constant at `offset`, 64-byte aligned from the
//           blob start (the artifact aligns the blob itself).

constexpr char kBlobMagic[8] = {'K', 'I', 'L', 'N', 'C', 'P', 'U', '\0'};
constexpr uint32_t kBlobVersion = 1;

uint64_t signatureOf(const Executable &exec) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void *d, size_t n) {
    const uint8_t *b = static_cast<const uint8_t *>(d);
    for (size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 1099511628211ull;
    }
  };
  for (const auto &ni : exec.nodes) {
    mix(ni->op.data(), ni->op.size());
    for (int32_t v : ni->inputs) {
      mix(&v, sizeof v);
      uint64_t bytes = v >= 0 && exec.constants[v].data ? exec.constants[v].byteSize() : 0;
      mix(&bytes, sizeof bytes);
    }
    for (int32_t v : ni->outputs)
      mix(&v, sizeof v);
  }
  return h;
}

struct BlobEnv {
  uint32_t major, minor, patch, isa;
};
BlobEnv currentEnv() {
  const dnnl_version_t *v = dnnl_version();
  return {uint32_t(v->major), uint32_t(v->minor), uint32_t(v->patch), uint32_t(dnnl_get_effective_cpu_isa())};
}

/// Builds (plan only, nothing runs) the plan for `shapes`, zero-filled inputs.
kiln_status planFor(kiln_plugin p, Executable &exec, const std::vector<Dims> &shapes) {
  std::vector<kiln_buffer> bufs(shapes.size());
  std::vector<std::vector<uint8_t>> zeros(shapes.size());
  for (size_t i = 0; i < shapes.size(); ++i) {
    ref::DType t = exec.dtype[exec.inputs[i]];
    zeros[i].assign(std::max<size_t>(size_t(numel(shapes[i])) * ref::dtypeSize(t), 8), 0);
    kiln_buffer &b = bufs[i];
    b.struct_size = sizeof(kiln_buffer);
    b.data = zeros[i].data();
    b.size = zeros[i].size();
    b.type.struct_size = sizeof(kiln_tensor_desc);
    b.type.dtype = int32_t(t);
    b.type.rank = int32_t(shapes[i].size());
    b.type.shape = shapes[i].data();
  }
  return executeImpl(p, exec, bufs.data(), int32_t(bufs.size()), nullptr, 0, nullptr, true);
}

template <class T> void put(std::vector<uint8_t> &out, const T &v) {
  const uint8_t *b = reinterpret_cast<const uint8_t *>(&v);
  out.insert(out.end(), b, b + sizeof(T));
}

kiln_status serialize(kiln_plugin p, kiln_executable e, const void **data, uint64_t *size) {
  try {
    Executable &exec = *reinterpret_cast<Executable *>(e);
    std::vector<Dims> shapes;
    for (size_t i = 0; i < exec.inputs.size(); ++i) {
      if (exec.keyed[i])
        return fail(p, KILN_ERROR_UNSUPPORTED, "partition input " + std::to_string(i) +
                                                   " is a shape vector: the plan depends on its values");
      Dims d = exec.declared[i];
      for (int64_t &x : d)
        x = x < 0 ? 1 : x;
      shapes.push_back(d);
    }
    if (kiln_status st = planFor(p, exec, shapes); st != KILN_OK)
      return st;
    struct Entry {
      uint32_t node;
      const Reordered *r;
      uint64_t offset, size;
    };
    std::vector<Entry> entries;
    std::set<int32_t> dwFused; // 1x1 convolutions fused with their depthwise partner in the plan
    {
      // (under the lock: a first run elsewhere may replace the plan by its
      // batch split; a split plan's steps are its slices')
      std::lock_guard<std::mutex> lock(exec.plansMutex);
      const Plan *pl = exec.lastPlanned;
      if (pl && !pl->slices.empty())
        pl = pl->slices[0].get();
      if (pl)
        for (const Step &st : pl->steps)
          if (st.dwNode >= 0)
            dwFused.insert(st.node);
    }
    for (size_t k = 0; k < exec.nodes.size(); ++k)
      for (const auto &r : exec.nodes[k]->reordered)
        entries.push_back({uint32_t(k), r.get(), 0, uint64_t(r->md.get_size())});
    std::vector<uint8_t> &out = exec.serialized;
    out.clear();
    out.insert(out.end(), kBlobMagic, kBlobMagic + 8);
    BlobEnv env = currentEnv();
    for (uint32_t v : {kBlobVersion, env.major, env.minor, env.patch, env.isa, uint32_t(sizeof(dnnl_memory_desc_t)),
                       uint32_t(exec.nodes.size()), uint32_t(entries.size()), uint32_t(shapes.size())})
      put(out, v);
    put(out, signatureOf(exec));
    for (const Dims &d : shapes) {
      put(out, uint32_t(d.size()));
      for (int64_t x : d)
        put(out, x);
    }
    uint64_t at = align64(out.size() + entries.size() * (24 + sizeof(dnnl_memory_desc_t)));
    for (Entry &en : entries) {
      en.offset = at;
      at = align64(at + en.size);
      put(out, en.node);
      uint32_t flags = exec.plannedBlocked ? 1 : 0;
      if (exec.nodes[en.node]->dwPartner >= 0)
        flags |= 2 | (dwFused.count(int32_t(en.node)) ? 4 : 0);
      put(out, flags);
      put(out, en.offset);
      put(out, en.size);
      put(out, en.r->md.data);
    }
    out.resize(at, 0);
    for (const Entry &en : entries)
      std::memcpy(out.data() + en.offset, en.r->mem.get_data_handle(), en.size);
    *data = out.data();
    *size = out.size();
    return KILN_OK;
  } catch (const dnnl::error &err) {
    return fail(p, KILN_ERROR_INTERNAL, std::string("oneDNN: ") + err.what());
  } catch (const std::exception &err) {
    return fail(p, KILN_ERROR_INTERNAL, err.what());
  }
}

/// Reads the blob's parts; false with `error` when it is malformed.
struct Blob {
  BlobEnv env{};
  uint32_t nodes = 0;
  uint64_t signature = 0;
  std::vector<Dims> shapes;
  struct Entry {
    uint32_t node, flags;
    uint64_t offset, size;
    dnnl_memory_desc_t md;
  };
  std::vector<Entry> entries;
  bool blocked = false; // planned with nChw16c convolutions (entry flag bit 0)
};

bool parseBlob(const uint8_t *d, uint64_t size, Blob &b, std::string &error) {
  uint64_t at = 0;
  auto get = [&](void *dst, uint64_t n) {
    if (size - at < n)
      return false;
    if (n) // dst may be null when n is 0
      std::memcpy(dst, d + at, n);
    at += n;
    return true;
  };
  char magic[8];
  uint32_t h[9];
  if (size < 8 || !get(magic, 8) || std::memcmp(magic, kBlobMagic, 8) != 0) {
    error = "not a cpu plugin blob (bad magic)";
    return false;
  }
  if (!get(h, sizeof h) || !get(&b.signature, 8)) {
    error = "truncated header";
    return false;
  }
  if (h[0] != kBlobVersion) {
    error = "blob version " + std::to_string(h[0]) + " (this plugin reads " + std::to_string(kBlobVersion) + ")";
    return false;
  }
  b.env = {h[1], h[2], h[3], h[4]};
  if (h[5] != sizeof(dnnl_memory_desc_t)) {
    error = "memory descriptors of " + std::to_string(h[5]) + " bytes (this oneDNN has " +
            std::to_string(sizeof(dnnl_memory_desc_t)) + ")";
    return false;
  }
  b.nodes = h[6];
  uint32_t numEntries = h[7], numInputs = h[8];
  if (numInputs > 4096 || numEntries > (size / (24 + sizeof(dnnl_memory_desc_t)))) {
    error = "implausible counts";
    return false;
  }
  for (uint32_t i = 0; i < numInputs; ++i) {
    uint32_t rank;
    if (!get(&rank, 4) || rank > 64) {
      error = "truncated or invalid input shape";
      return false;
    }
    Dims dims(rank);
    if (!get(dims.data(), uint64_t(rank) * 8)) {
      error = "truncated input shape";
      return false;
    }
    b.shapes.push_back(dims);
  }
  for (uint32_t i = 0; i < numEntries; ++i) {
    Blob::Entry e;
    uint32_t pad;
    if (!get(&e.node, 4) || !get(&pad, 4) || !get(&e.offset, 8) || !get(&e.size, 8) || !get(&e.md, sizeof e.md)) {
      error = "truncated entry table";
      return false;
    }
    if (e.offset % 64 || e.offset > size || e.size > size - e.offset || e.md.ndims < 1 ||
        e.md.ndims > DNNL_MAX_NDIMS || e.md.data_type != dnnl_f32 || e.md.format_kind != dnnl_blocked ||
        dnnl_memory_desc_get_size(&e.md) != e.size) {
      error = "entry " + std::to_string(i) + " lies outside the blob or disagrees with its descriptor";
      return false;
    }
    b.blocked |= (pad & 1) != 0;
    e.flags = pad;
    b.entries.push_back(e);
  }
  return true;
}

kiln_status deserialize(kiln_plugin p, const kiln_graph *g, const kiln_partition *part, const void *data,
                        uint64_t size, kiln_executable *out) {
  try {
    Blob blob;
    std::string error;
    if (!data || !parseBlob(static_cast<const uint8_t *>(data), size, blob, error))
      return fail(p, KILN_ERROR_CORRUPT, "AOT blob: " + error);
    BlobEnv env = currentEnv();
    auto envName = [](const BlobEnv &e) {
      return "oneDNN " + std::to_string(e.major) + "." + std::to_string(e.minor) + "." + std::to_string(e.patch) +
             " ISA " + std::to_string(e.isa);
    };
    if (std::memcmp(&env, &blob.env, sizeof env) != 0)
      return fail(p, KILN_ERROR_UNSUPPORTED, "stale AOT blob: built for " + envName(blob.env) +
                                                 ", this machine has " + envName(env));
    kiln_executable e = nullptr;
    if (kiln_status st = compile(p, g, part, &e); st != KILN_OK)
      return st;
    std::unique_ptr<Executable> exec(reinterpret_cast<Executable *>(e));
    if (blob.nodes != exec->nodes.size() || blob.signature != signatureOf(*exec) ||
        blob.shapes.size() != exec->inputs.size())
      return fail(p, KILN_ERROR_CORRUPT, "AOT blob: it was made for another partition");
    for (size_t i = 0; i < blob.shapes.size(); ++i) { // the declared shapes, dynamic dims 1
      Dims want = exec->declared[i];
      for (int64_t &x : want)
        x = x < 0 ? 1 : x;
      if (blob.shapes[i] != want)
        return fail(p, KILN_ERROR_CORRUPT, "AOT blob: planned shapes differ from the partition's inputs");
    }
    const uint8_t *base = static_cast<const uint8_t *>(data);
    for (const Blob::Entry &en : blob.entries) {
      if (en.node >= exec->nodes.size())
        return fail(p, KILN_ERROR_CORRUPT, "AOT blob: an entry names node " + std::to_string(en.node));
      auto r = std::make_unique<Reordered>();
      r->md = memory::desc(en.md);
      // In place: oneDNN only reads weights, the mapping stays read-only.
      r->mem = memory(r->md, exec->eng, const_cast<uint8_t *>(base + en.offset));
      exec->nodes[en.node]->reordered.push_back(std::move(r));
      if (en.flags & 2) // the depthwise fusion decided when the blob was written
        exec->nodes[en.node]->dwHint = (en.flags & 4) ? 1 : 0;
    }
    // A convolution keeps the kernel chosen when the blob was written: the
    // blob holds the weights of that one (Winograd's are [36, C, K]).
    for (auto &ni : exec->nodes)
      if (ni->kind == Kind::Conv && !ni->reordered.empty()) {
        ni->winoHint = 0;
        for (auto &r : ni->reordered)
          if (r->md.dims().size() == 3 && r->md.dims()[0] == 36)
            ni->winoHint = 1;
      }
    // The primitives for the planned shapes, now (a first run finds them),
    // in the layout chosen when the blob was written (no timing at load).
    exec->layoutHint = blob.blocked ? 1 : 0;
    if (kiln_status st = planFor(p, *exec, blob.shapes); st != KILN_OK)
      return st;
    exec->layoutHint = -1; // other shapes: timed
    for (auto &ni : exec->nodes) {
      ni->winoHint = -1; // other shapes: measured
      ni->dwHint = -1;   // and tried
    }
    *out = reinterpret_cast<kiln_executable>(exec.release());
    return KILN_OK;
  } catch (const dnnl::error &err) {
    return fail(p, KILN_ERROR_INTERNAL, std::string("oneDNN: ") + err.what());
  } catch (const std::exception &err) {
    return fail(p, KILN_ERROR_INTERNAL, err.what());
  }
}

kiln_status executableStats(kiln_plugin p, kiln_executable e, kiln_executable_stats *stats) {
  if (!stats || stats->struct_size < sizeof(size_t))
    return fail(p, KILN_ERROR_INVALID_ARGUMENT, "executable_stats needs a stats struct");
  try {
    auto &exec = *reinterpret_cast<Executable *>(e);
    std::lock_guard<std::mutex> g(exec.plansMutex);
    kiln_executable_stats s = exec.last;
    s.plans_cached = exec.plans.size();
    s.weight_reorders = exec.weightReorders.load();
    size_t n = std::min(stats->struct_size, sizeof(kiln_executable_stats));
    s.struct_size = n;
    std::memcpy(stats, &s, n);
    return KILN_OK;
  } catch (const std::exception &err) {
    return fail(p, KILN_ERROR_INTERNAL, err.what());
  }
}

kiln_status executableProfile(kiln_plugin p, kiln_executable e, int32_t mode,
                              const kiln_profile_entry **entries, int32_t *count) {
  try {
    if (!reinterpret_cast<Executable *>(e)->profiler.control(mode, entries, count))
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "executable_profile: unknown mode " + std::to_string(mode) +
                                                      " or no place for the entries");
    return KILN_OK;
  } catch (const std::exception &err) {
    return fail(p, KILN_ERROR_INTERNAL, err.what());
  }
}

kiln_plugin_api makeApi() {
  kiln_plugin_api api{};
  api.struct_size = sizeof(kiln_plugin_api);
  api.abi_major = KILN_PLUGIN_ABI_MAJOR;
  api.abi_minor = KILN_PLUGIN_ABI_MINOR;
  api.name = "cpu";
  api.version = "0.1.0";
  api.device_kind = "cpu";
  api.memory_space = KILN_MEMORY_HOST;
  api.priority = 100;
  api.create = create;
  api.destroy = destroy;
  api.last_error = lastError;
  api.query = query;
  api.compile = compile;
  api.executable_destroy = executableDestroy;
  api.execute = execute;
  api.serialize = serialize;
  api.deserialize = deserialize;
  api.executable_stats = executableStats;
  api.executable_profile = executableProfile;
  return api;
}

const kiln_plugin_api kApi = makeApi();

} // namespace

extern "C" __attribute__((visibility("default"))) const kiln_plugin_api *
kiln_plugin_get(uint32_t hostMajor, uint32_t) {
  return hostMajor == KILN_PLUGIN_ABI_MAJOR ? &kApi : nullptr;
}
