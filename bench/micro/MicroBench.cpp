//===- MicroBench.cpp - GEMM and convolution GFLOP/s vs the SGEMM peak ----===//
//
//   kiln-bench-micro [Google Benchmark flags] [--plugin-path DIR]
//       [--peak-size N] [--check-flops F]
//
// Google Benchmark cases (issue 6), every one at 1 and 2 threads:
//   sgemm/N/tT       oneDNN's dnnl_sgemm, M = N = K (512, 1024, 2048): the
//                    machine's measured SGEMM throughput;
//   gemm/N/tT        a kiln `gemm` node (constant B) as the cpu plugin runs it;
//   conv/NAME/bB/tT  a kiln `fused_conv` (bias + the model's activation) as the
//                    cpu plugin runs it, for every distinct convolution of
//                    resnet18 and the pointwise and depthwise convolutions of
//                    mobilenet_v2 (224x224 inputs), at batch 1 and 16.
//
// The kiln cases go through the plugin ABI exactly as a compiled model does:
// a small artifact is written (input -> node -> global average pool for the
// convolutions, so the convolution reads and writes the blocked layouts it
// has between the convolutions of a model), loaded with kiln::Runtime on the
// cpu plugin, and run with kiln::Session. The time of an iteration is the
// node's own time from the plugin's per-node profile (ABI 1.2), so input
// reorders and the pooling are not counted (KILN_MICRO_PROFILE=1 prints
// every step of each case's last iteration).
//
// Counters: GFLOPS (2 x multiply-adds / node time; for a convolution the
// direct algorithm's multiply-adds, whatever algorithm ran), pct_peak
// (GFLOPS as a percentage of the SGEMM peak measured by this process at the
// same thread count: the best of several dnnl_sgemm calls at --peak-size,
// default 2048), peak. The label names the kernel that ran the node
// ("onednn:<implementation>", or the plugin's own, e.g. Winograd).
// Before timing, each kiln case whose work is at most --check-flops (default
// 1e9) is run once more on the reference plugin and must match it (rtol
// 1e-3, atol 1e-4); a mismatch fails the case.
//
// KILN_CPU_SMALL_WORK_FLOPS is set to 0 here: the plugin would otherwise run
// a one-node plan of little work on one thread, which a model that contains
// the node does not do.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Artifact.h"
#include "kiln/runtime/Compare.h"
#include "kiln/runtime/Partitioner.h"
#include "kiln/runtime/Runtime.h"

#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using Dims = std::vector<int64_t>;
using Clock = std::chrono::steady_clock;

std::string gPluginPath = KILN_CPU_PLUGIN_DIR;
std::string gReferencePath = KILN_REFERENCE_PLUGIN_DIR;
int64_t gPeakSize = 2048;
double gCheckFlops = 1e9;
std::string gWorkDir;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

struct Buffer {
  float *p = nullptr;
  explicit Buffer(size_t n) : p(static_cast<float *>(std::aligned_alloc(64, std::max<size_t>(n * 4 + 63, 64) / 64 * 64))) {}
  ~Buffer() { std::free(p); }
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
};

void fillRandom(float *p, size_t n, uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  for (size_t i = 0; i < n; ++i)
    p[i] = dist(rng);
}

// --- the SGEMM peak ------------------------------------------------------------

/// Seconds of one row-major C = A B with M = N = K = n on `threads` threads.
struct Sgemm {
  int64_t n;
  Buffer a, b, c;
  explicit Sgemm(int64_t n) : n(n), a(size_t(n * n)), b(size_t(n * n)), c(size_t(n * n)) {
    fillRandom(a.p, size_t(n * n), 1);
    fillRandom(b.p, size_t(n * n), 2);
    std::memset(c.p, 0, size_t(n * n) * 4);
  }
  double run(int threads) {
    omp_set_num_threads(threads);
    auto t0 = Clock::now();
    dnnl_status_t st = dnnl_sgemm('N', 'N', n, n, n, 1.f, a.p, n, b.p, n, 0.f, c.p, n);
    auto t1 = Clock::now();
    if (st != dnnl_success) {
      std::fprintf(stderr, "kiln-bench-micro: dnnl_sgemm failed (status %d)\n", int(st));
      std::exit(1);
    }
    return seconds(t0, t1);
  }
  double flops() const { return 2.0 * double(n) * double(n) * double(n); }
};

/// GFLOP/s: the best of several dnnl_sgemm calls of --peak-size (measured
/// once per thread count, on first use).
double sgemmPeak(int threads) {
  static std::map<int, double> peaks;
  auto it = peaks.find(threads);
  if (it != peaks.end())
    return it->second;
  Sgemm g(gPeakSize);
  g.run(threads); // warm-up (first touch, oneDNN's kernel generation)
  double best = 0, spent = 0;
  for (int k = 0; k < 20 && (k < 3 || spent < 1.0); ++k) {
    double s = g.run(threads);
    spent += s;
    best = std::max(best, g.flops() / s / 1e9);
  }
  std::fprintf(stderr, "kiln-bench-micro: SGEMM peak (dnnl_sgemm %lld^3, %d thread%s): %.1f GFLOP/s\n",
               static_cast<long long>(gPeakSize), threads, threads == 1 ? "" : "s", best);
  return peaks[threads] = best;
}

void BM_Sgemm(benchmark::State &state, int64_t n, int threads) {
  Sgemm g(n);
  g.run(threads);
  double total = 0;
  for (auto _ : state) {
    double s = g.run(threads);
    state.SetIterationTime(s);
    total += s;
  }
  double gflops = g.flops() * double(state.iterations()) / total / 1e9;
  state.counters["GFLOPS"] = gflops;
  state.counters["pct_peak"] = 100.0 * gflops / sgemmPeak(threads);
}

// --- kiln cases: small artifacts on the cpu plugin --------------------------------

/// A one-node (plus pooling) artifact under construction.
struct Builder {
  kiln::artifact::Graph g;
  std::deque<std::vector<float>> store;
  uint32_t seed = 100;

  int32_t value(const std::string &name, Dims shape) {
    kiln::artifact::Value v;
    v.name = name;
    v.dtype = 1; // f32
    v.shape = std::move(shape);
    g.values.push_back(v);
    return int32_t(g.values.size() - 1);
  }
  int32_t input(Dims shape) {
    int32_t v = value("x", std::move(shape));
    g.inputs.push_back(v);
    return v;
  }
  int32_t weight(const Dims &shape, float scale) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    store.emplace_back(size_t(n));
    fillRandom(store.back().data(), size_t(n), seed++, scale);
    int32_t v = value("w" + std::to_string(g.values.size()), shape);
    g.values[v].isWeight = true;
    g.values[v].weightSize = uint64_t(n) * 4;
    g.values[v].writeData = store.back().data();
    return v;
  }
  int32_t node(const std::string &op, std::vector<int32_t> inputs, Dims outShape,
               std::vector<kiln::artifact::Attr> attrs = {}) {
    int32_t out = value(op + std::to_string(g.nodes.size()), std::move(outShape));
    kiln::artifact::Node n;
    n.op = op;
    n.name = op + "_" + std::to_string(g.nodes.size());
    n.inputs = std::move(inputs);
    n.outputs = {out};
    n.attrs = std::move(attrs);
    g.nodes.push_back(n);
    return out;
  }
  /// Writes the artifact with every node on the cpu plugin.
  bool write(const std::string &path, std::string &error) {
    kiln::artifact::Partition p;
    p.plugin = "cpu";
    for (size_t i = 0; i < g.nodes.size(); ++i)
      p.nodes.push_back(int32_t(i));
    g.partitions = {p};
    kiln::computePartitionBoundaries(g);
    kiln::artifact::Metadata meta;
    meta.kilnVersion = "0.1.0";
    meta.plugins = {"cpu 0.1.0"};
    return kiln::artifact::writeArtifact(path, meta, g, error);
  }
};

kiln::artifact::Attr ints(const std::string &name, Dims v) {
  kiln::artifact::Attr a;
  a.name = name;
  a.kind = kiln::artifact::Attr::Ints;
  a.ints = std::move(v);
  return a;
}
kiln::artifact::Attr integer(const std::string &name, int64_t v) {
  kiln::artifact::Attr a;
  a.name = name;
  a.kind = kiln::artifact::Attr::Int;
  a.i = v;
  return a;
}
kiln::artifact::Attr real(const std::string &name, double v) {
  kiln::artifact::Attr a;
  a.name = name;
  a.kind = kiln::artifact::Attr::Float;
  a.f = v;
  return a;
}
kiln::artifact::Attr str(const std::string &name, const std::string &v) {
  kiln::artifact::Attr a;
  a.name = name;
  a.kind = kiln::artifact::Attr::String;
  a.s = v;
  return a;
}

/// A convolution of a benchmark model: NCHW input, square kernel, symmetric pads.
struct ConvShape {
  std::string name;
  int64_t ic, oc, hw, k, stride, pad, group;
  std::string act; // fused_conv activation: relu, relu6 (clip 0..6), none
  int64_t out() const { return (hw + 2 * pad - k) / stride + 1; }
  double flops(int64_t batch) const {
    return 2.0 * double(batch) * double(oc) * double(out() * out()) * double(ic / group) * double(k * k);
  }
};

std::vector<ConvShape> resnet18Convs() {
  std::vector<ConvShape> s = {{"r18.conv1.7x7s2.3-64.224", 3, 64, 224, 7, 2, 3, 1, "relu"},
                              {"r18.l1.3x3.64-64.56", 64, 64, 56, 3, 1, 1, 1, "relu"}};
  int64_t c = 64, hw = 56;
  for (int64_t oc : {128, 256, 512}) {
    std::string tag = std::to_string(c) + "-" + std::to_string(oc) + "." + std::to_string(hw);
    std::string layer = oc == 128 ? "l2" : oc == 256 ? "l3" : "l4";
    s.push_back({"r18." + layer + ".3x3s2." + tag, c, oc, hw, 3, 2, 1, 1, "relu"});
    s.push_back({"r18." + layer + ".down1x1s2." + tag, c, oc, hw, 1, 2, 0, 1, "none"});
    hw /= 2;
    s.push_back({"r18." + layer + ".3x3." + std::to_string(oc) + "-" + std::to_string(oc) + "." + std::to_string(hw),
                 oc, oc, hw, 3, 1, 1, 1, "relu"});
    c = oc;
  }
  return s;
}

/// The distinct 1x1 (expand, project, last) and 3x3 depthwise convolutions
/// of torchvision's mobilenet_v2 (the inverted residual table).
std::vector<ConvShape> mobilenetV2Convs() {
  struct Setting {
    int64_t t, c, n, s;
  };
  const Setting table[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                           {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::vector<ConvShape> s;
  auto add = [&](ConvShape c) {
    for (const ConvShape &o : s)
      if (o.ic == c.ic && o.oc == c.oc && o.hw == c.hw && o.k == c.k && o.stride == c.stride &&
          o.group == c.group && o.act == c.act)
        return;
    s.push_back(c);
  };
  int64_t in = 32, hw = 112;
  for (const Setting &st : table)
    for (int64_t i = 0; i < st.n; ++i) {
      int64_t stride = i == 0 ? st.s : 1, hidden = in * st.t;
      std::string at = "." + std::to_string(hw);
      if (st.t != 1)
        add({"mv2.pw_expand." + std::to_string(in) + "-" + std::to_string(hidden) + at, in, hidden, hw, 1, 1, 0, 1,
             "relu6"});
      add({"mv2.dw3x3" + std::string(stride == 2 ? "s2." : ".") + std::to_string(hidden) + at, hidden, hidden, hw, 3,
           stride, 1, hidden, "relu6"});
      hw /= stride;
      add({"mv2.pw_project." + std::to_string(hidden) + "-" + std::to_string(st.c) + "." + std::to_string(hw), hidden,
           st.c, hw, 1, 1, 0, 1, "none"});
      in = st.c;
    }
  add({"mv2.pw_last.320-1280.7", 320, 1280, 7, 1, 1, 0, 1, "relu6"});
  return s;
}

/// A loaded kiln case: the model on the cpu plugin, its input, the node timed.
struct Loaded {
  std::unique_ptr<kiln::Model> model;
  std::unique_ptr<kiln::Session> session;
  std::map<std::string, kiln::Tensor> inputs;
  int32_t timedNode = 0;
  double flops = 0;
  std::string error; // set when building, loading or checking failed
};

// The runtimes (and the plugins they loaded) outlive the models: the cases
// are defined after them, so they are destroyed first.
std::map<int, std::unique_ptr<kiln::Runtime>> gRuntimes;
std::map<std::pair<std::string, int>, std::unique_ptr<Loaded>> gCases;
std::map<std::string, bool> gChecked; // case name -> matched the reference plugin

kiln::Runtime &runtimeFor(int threads) {
  auto &rt = gRuntimes[threads];
  if (!rt) {
    kiln::Runtime::Options o;
    o.pluginPaths = {gPluginPath, gReferencePath};
    o.numThreads = threads;
    rt = std::make_unique<kiln::Runtime>(o);
  }
  return *rt;
}

kiln::Tensor randomInput(const Dims &shape, uint32_t seed) {
  kiln::Tensor t = kiln::Tensor::allocate(1, shape);
  fillRandom(t.as<float>(), size_t(t.numElements()), seed);
  return t;
}

/// Writes, loads and (within --check-flops) checks a case once per name and
/// thread count; later calls (Google Benchmark calls a case several times)
/// reuse it.
Loaded &loadCase(const std::string &name, int threads, double flops, int32_t timedNode,
                 const std::function<void(Builder &)> &build) {
  auto &slot = gCases[{name, threads}];
  if (slot)
    return *slot;
  slot = std::make_unique<Loaded>();
  Loaded &c = *slot;
  c.flops = flops;
  c.timedNode = timedNode;
  Builder b;
  build(b);
  std::string file = name;
  std::replace(file.begin(), file.end(), '/', '_');
  std::string path = gWorkDir + "/" + file + ".kiln", error;
  if (!b.write(path, error)) {
    c.error = error;
    return c;
  }
  kiln::Runtime &rt = runtimeFor(threads);
  c.model = rt.load(path, error);
  if (!c.model) {
    c.error = error;
    ::unlink(path.c_str());
    return c;
  }
  for (const std::string &p : c.model->partitionPlugins())
    if (p != "cpu")
      c.error = "a partition runs on '" + p + "', not on the cpu plugin";
  c.session = std::make_unique<kiln::Session>(*c.model);
  const kiln::artifact::Value &x = b.g.values[b.g.inputs[0]];
  c.inputs[x.name] = randomInput(x.shape, 7);
  std::vector<kiln::Tensor> got;
  if (c.error.empty() && !c.session->run(c.inputs, got, error))
    c.error = error;
  if (c.error.empty() && flops <= gCheckFlops && !gChecked.count(name)) {
    kiln::Runtime::LoadOptions lo;
    lo.overridePlugin = "reference";
    auto oracle = rt.load(path, error, lo);
    std::vector<kiln::Tensor> want;
    if (!oracle)
      c.error = "reference plugin: " + error;
    else if (kiln::Session s(*oracle); !s.run(c.inputs, want, error))
      c.error = "reference plugin: " + error;
    else {
      kiln::Difference d = kiln::compareElements(got[0], want[0], 1e-3, 1e-4);
      if (d.mismatches || got[0].shape() != want[0].shape())
        c.error = "the cpu plugin's output differs from the reference plugin's in " +
                  std::to_string(d.mismatches) + " values (max abs error " + std::to_string(d.maxAbsError) + ")";
    }
    gChecked[name] = c.error.empty();
  } else if (c.error.empty() && gChecked.count(name) && !gChecked[name])
    c.error = "the cpu plugin's output differs from the reference plugin's (see the first thread count)";
  ::unlink(path.c_str()); // the mapping stays valid
  return c;
}

/// Times `c`: the node's own time per iteration (manual time), GFLOP/s.
void timeCase(benchmark::State &state, Loaded &c, int threads, const std::string &name) {
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    for (auto _ : state) {
    }
    return;
  }
  std::vector<kiln::Tensor> out;
  std::string error, kernel;
  double nodeTotal = 0;
  for (auto _ : state) {
    c.model->setProfiling(true); // clears the timings
    if (!c.session->run(c.inputs, out, error)) {
      state.SkipWithError(error.c_str());
      break;
    }
    double node = -1;
    for (const kiln::Model::NodeTime &t : c.model->profile())
      if (t.node == c.timedNode && t.kernel.rfind("reorder", 0) != 0) {
        node = t.totalMs / 1e3;
        kernel = t.kernel;
      }
    if (node <= 0) {
      state.SkipWithError("the plugin's profile has no time for the node");
      break;
    }
    state.SetIterationTime(node);
    nodeTotal += node;
  }
  if (std::getenv("KILN_MICRO_PROFILE")) // the last iteration's steps
    std::fprintf(stderr, "%s/t%d:\n", name.c_str(), threads);
  if (std::getenv("KILN_MICRO_PROFILE"))
    for (const kiln::Model::NodeTime &t : c.model->profile())
      std::fprintf(stderr, "  node %d %s %s: %.4f ms\n", t.node, t.op.c_str(), t.kernel.c_str(), t.totalMs);
  c.model->setProfiling(false);
  if (state.iterations() == 0 || nodeTotal <= 0)
    return;
  double gflops = c.flops * double(state.iterations()) / nodeTotal / 1e9;
  state.counters["GFLOPS"] = gflops;
  state.counters["pct_peak"] = 100.0 * gflops / sgemmPeak(threads);
  state.counters["peak"] = sgemmPeak(threads);
  state.SetLabel(kernel);
}

void BM_Gemm(benchmark::State &state, int64_t n, int threads) {
  std::string name = "gemm/" + std::to_string(n);
  Loaded &c = loadCase(name, threads, 2.0 * double(n) * double(n) * double(n), 0, [&](Builder &b) {
    int32_t a = b.input({n, n});
    b.node("gemm", {a, b.weight({n, n}, 1.f / std::sqrt(float(n)))}, {n, n});
    b.g.outputs = {b.g.nodes.back().outputs[0]};
  });
  timeCase(state, c, threads, name);
}

void BM_Conv(benchmark::State &state, ConvShape s, int64_t batch, int threads) {
  std::string name = "conv/" + s.name + "/b" + std::to_string(batch);
  Loaded &c = loadCase(name, threads, s.flops(batch), 0, [&](Builder &b) {
    int64_t o = s.out(), fanIn = s.ic / s.group * s.k * s.k;
    int32_t x = b.input({batch, s.ic, s.hw, s.hw});
    std::vector<kiln::artifact::Attr> attrs = {ints("kernel_shape", {s.k, s.k}), ints("strides", {s.stride, s.stride}),
                                               ints("pads", {s.pad, s.pad, s.pad, s.pad}),
                                               ints("dilations", {1, 1}), integer("group", s.group)};
    if (s.act == "relu6") {
      attrs.push_back(str("activation", "clip"));
      attrs.push_back(real("alpha", 0.0));
      attrs.push_back(real("beta", 6.0));
    } else
      attrs.push_back(str("activation", s.act));
    int32_t y = b.node("fused_conv",
                       {x, b.weight({s.oc, s.ic / s.group, s.k, s.k}, std::sqrt(3.f / float(fanIn))),
                        b.weight({s.oc}, 0.1f)},
                       {batch, s.oc, o, o}, attrs);
    // A consumer that keeps the blocked layout, as the next convolution would.
    b.node("global_average_pool", {y}, {batch, s.oc, 1, 1});
    b.g.outputs = {b.g.nodes.back().outputs[0]};
  });
  timeCase(state, c, threads, name);
}

void registerAll() {
  for (int threads : {1, 2}) {
    std::string t = "/t" + std::to_string(threads);
    for (int64_t n : {512, 1024, 2048})
      benchmark::RegisterBenchmark(("sgemm/" + std::to_string(n) + t).c_str(), BM_Sgemm, n, threads)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    for (int64_t n : {512, 1024, 2048})
      benchmark::RegisterBenchmark(("gemm/" + std::to_string(n) + t).c_str(), BM_Gemm, n, threads)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
  }
  std::vector<ConvShape> convs = resnet18Convs();
  for (const ConvShape &s : mobilenetV2Convs())
    convs.push_back(s);
  for (const ConvShape &s : convs)
    for (int64_t batch : {1, 16})
      for (int threads : {1, 2})
        benchmark::RegisterBenchmark(
            ("conv/" + s.name + "/b" + std::to_string(batch) + "/t" + std::to_string(threads)).c_str(), BM_Conv, s,
            batch, threads)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
}

void usage() {
  std::printf("usage: kiln-bench-micro [Google Benchmark flags, e.g. --benchmark_filter=REGEX\n"
              "  --benchmark_repetitions=N --benchmark_min_time=S] [--plugin-path DIR] [--peak-size N]\n"
              "  [--check-flops F]\n"
              "Cases: sgemm/N/tT (dnnl_sgemm), gemm/N/tT and conv/NAME/bB/tT (kiln on the cpu plugin).\n"
              "Counters: GFLOPS, pct_peak (of the SGEMM peak measured here), peak; the label is the kernel.\n"
              "KILN_MICRO_PROFILE=1 prints the steps of each case's last iteration.\n");
}

} // namespace

int main(int argc, char **argv) {
  ::setenv("KILN_CPU_SMALL_WORK_FLOPS", "0", 1); // see the header comment
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      usage();
      benchmark::PrintDefaultHelp();
      return 0;
    }
  benchmark::Initialize(&argc, argv);
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag, std::string &out) {
      std::string f = flag;
      if (a == f && i + 1 < argc) {
        out = argv[++i];
        return true;
      }
      if (a.rfind(f + "=", 0) == 0) {
        out = a.substr(f.size() + 1);
        return true;
      }
      return false;
    };
    std::string v;
    if (value("--plugin-path", v))
      gPluginPath = gReferencePath = v;
    else if (value("--peak-size", v)) {
      gPeakSize = std::atoll(v.c_str());
      if (gPeakSize < 16 || gPeakSize > 16384) {
        std::fprintf(stderr, "kiln-bench-micro: --peak-size must be in 16..16384, not '%s'\n", v.c_str());
        return 2;
      }
    } else if (value("--check-flops", v))
      gCheckFlops = std::atof(v.c_str());
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 2;
  char tmpl[] = "/tmp/kiln-micro-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::perror("kiln-bench-micro: mkdtemp");
    return 1;
  }
  gWorkDir = tmpl;
  registerAll();
  benchmark::AddCustomContext("kiln_cpu_small_work_flops", "0");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  gCases.clear();
  gRuntimes.clear();
  ::rmdir(gWorkDir.c_str());
  return 0;
}
