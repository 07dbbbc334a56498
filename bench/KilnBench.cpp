//===- KilnBench.cpp - kiln side of the CPU benchmark (bench/run.py) ------===//
//
//   kiln-bench-model MODEL.kiln --input NAME=FILE.npy ... [--expect NAME=FILE.npy ...]
//       [--rtol R] [--atol A] [--threads N] [--warmup N] [--warmup-ms MS] [--iterations N]
//       [--per-op] [--plugin-path DIR]
//
// Opens the cpu and reference plugins (plugin_open_ms, once per process),
// times Runtime::load (the load time), runs once and compares every
// --expect output (rtol/atol as `kiln run`; a mismatch is exit status 3,
// before any timing), runs the warm-up, times each run, and prints one JSON
// object with the same keys as bench/ort/run_ort.js and
// bench/torch/run_torch.py. --per-op then repeats the timed runs with
// per-node timing on (ABI 1.2) and adds "per_op": one entry per node and
// kernel, plus "reorders" (layout conversions the plugins report) and
// "fallback_nodes" (nodes run by a reference kernel).
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Compare.h"
#include "kiln/runtime/Runtime.h"
#include "kiln/support/Npy.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string &msg, int code = 2) {
  std::fprintf(stderr, "kiln-bench-model: %s\n", msg.c_str());
  std::exit(code);
}

long peakRssKiB() {
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmHWM:", 0) == 0)
      return std::atol(line.c_str() + 6);
  return -1;
}

std::string jsonStr(const std::string &s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      o += '\\', o += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else
      o += c;
  }
  return o + "\"";
}

kiln::Tensor readNpy(const std::string &file) {
  kiln::npy::Array a;
  std::string error;
  if (!kiln::npy::read(file, a, error))
    die(error);
  kiln::Tensor t = kiln::Tensor::allocate(a.dtype, a.shape);
  if (t.byteSize() != a.data.size())
    die(file + ": data size does not match its shape and dtype");
  std::memcpy(t.data(), a.data.data(), a.data.size());
  return t;
}

std::pair<std::string, std::string> splitSpec(const std::string &v) {
  size_t eq = v.find('=');
  return eq == std::string::npos ? std::make_pair(std::string(), v)
                                 : std::make_pair(v.substr(0, eq), v.substr(eq + 1));
}

} // namespace

int main(int argc, char **argv) {
  std::string model;
  std::vector<std::pair<std::string, std::string>> inputSpecs, expectSpecs;
  kiln::Runtime::Options ro;
  int warmup = 5, iterations = 50;
  double warmupMs = 0;
  double rtol = 1e-3, atol = 1e-4;
  bool perOp = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto need = [&]() -> std::string {
      if (i + 1 >= argc)
        die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--input")
      inputSpecs.push_back(splitSpec(need()));
    else if (a == "--expect")
      expectSpecs.push_back(splitSpec(need()));
    else if (a == "--threads")
      ro.numThreads = std::max(0, std::atoi(need().c_str()));
    else if (a == "--warmup")
      warmup = std::max(0, std::atoi(need().c_str()));
    else if (a == "--warmup-ms")
      warmupMs = std::atof(need().c_str());
    else if (a == "--iterations")
      iterations = std::max(1, std::atoi(need().c_str()));
    else if (a == "--rtol")
      rtol = std::atof(need().c_str());
    else if (a == "--atol")
      atol = std::atof(need().c_str());
    else if (a == "--plugin-path")
      ro.pluginPaths.push_back(need());
    else if (a == "--per-op")
      perOp = true;
    else if (a == "--help" || a == "-h") {
      std::printf("usage: kiln-bench-model MODEL.kiln --input NAME=FILE.npy ... [--expect NAME=FILE.npy ...]\n"
                  "  [--rtol R] [--atol A] [--threads N] [--warmup N] [--warmup-ms MS] [--iterations N] [--per-op]\n"
                  "  [--plugin-path DIR]\n");
      return 0;
    } else if (!a.empty() && a[0] == '-')
      die("unknown option '" + a + "'");
    else if (model.empty())
      model = a;
    else
      die("more than one artifact given");
  }
  if (model.empty())
    die("no artifact given");

  kiln::Runtime rt(ro);
  std::string error;
  // The plugins are opened first and timed on their own (plugin_open_ms):
  // once per process, like ONNX Runtime's library, which Node loads at
  // require() and which its session creation time does not include.
  auto p0 = Clock::now();
  for (const char *name : {"cpu", "reference"}) {
    std::string ignored; // a plugin that is not there: the load says so if the model needs it
    rt.plugins().get(name, ignored);
  }
  double pluginMs = std::chrono::duration<double, std::milli>(Clock::now() - p0).count();
  auto t0 = Clock::now();
  auto m = rt.load(model, error);
  double loadMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!m)
    die(error, 1);

  auto inSigs = m->inputs();
  auto outSigs = m->outputs();
  std::map<std::string, kiln::Tensor> inputs;
  for (auto &[name0, file] : inputSpecs) {
    std::string name = name0;
    if (name.empty()) {
      if (inSigs.size() != 1)
        die("the model has " + std::to_string(inSigs.size()) + " inputs: name them with --input NAME=FILE");
      name = inSigs[0].name;
    }
    inputs[name] = readNpy(file);
  }
  for (auto &s : inSigs)
    if (!inputs.count(s.name))
      die("no value for input '" + s.name + "'");

  kiln::Session session(*m);
  std::vector<kiln::Tensor> outputs;
  auto first0 = Clock::now(); // the first run builds what loading left (plans, repacked weights)
  if (!session.run(inputs, outputs, error))
    die(model + ": " + error, 1);
  double firstMs = std::chrono::duration<double, std::milli>(Clock::now() - first0).count();
  std::string checks;
  for (auto &[ename, efile] : expectSpecs) {
    size_t o = 0;
    if (ename.empty()) {
      if (outSigs.size() != 1)
        die("the model has several outputs: name them with --expect NAME=FILE");
    } else {
      while (o < outSigs.size() && outSigs[o].name != ename)
        ++o;
      if (o == outSigs.size())
        die("the model has no output '" + ename + "'");
    }
    kiln::Tensor r = readNpy(efile);
    const kiln::Tensor &t = outputs[o];
    if (r.shape() != t.shape())
      die("output " + outSigs[o].name + ": shape differs from " + efile, 3);
    kiln::Difference diff = kiln::compareElements(t, r, rtol, atol);
    double worst = diff.maxAbsError;
    int64_t bad = diff.mismatches, n = t.numElements();
    if (bad)
      die("output " + outSigs[o].name + " differs from " + efile + " in " + std::to_string(bad) + " of " +
              std::to_string(n) + " values (max abs error " + std::to_string(worst) + ")",
          3);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", worst);
    checks += std::string(checks.empty() ? "" : ",") + "{\"output\":" + jsonStr(outSigs[o].name) +
              ",\"max_abs_error\":" + buf + "}";
  }

  auto timedRuns = [&](int count, std::vector<double> &ms) {
    for (int k = 0; k < count; ++k) {
      auto s0 = Clock::now();
      if (!session.run(inputs, outputs, error))
        die(model + ": " + error, 1);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s0).count());
    }
  };
  std::vector<double> discard, ms;
  // Warm-up: at least `warmup` runs and at least `warmupMs` of them.
  for (auto w0 = Clock::now();
       int(discard.size()) < warmup || std::chrono::duration<double, std::milli>(Clock::now() - w0).count() < warmupMs;)
    timedRuns(1, discard);
  timedRuns(iterations, ms);
  long rss = peakRssKiB();
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  auto pct = [&](double p) { return sorted[std::min(sorted.size() - 1, size_t(p * double(sorted.size())))]; };

  std::string out = "{\"runtime\":\"kiln\",\"model\":" + jsonStr(model) +
                    ",\"threads\":" + std::to_string(ro.numThreads);
  char buf[128];
  std::snprintf(buf, sizeof buf, ",\"plugin_open_ms\":%.4f,\"load_ms\":%.4f,\"first_run_ms\":%.4f,\"median_ms\":%.4f,\"p90_ms\":%.4f",
                pluginMs, loadMs, firstMs, pct(0.5), pct(0.9));
  out += buf;
  out += ",\"warmup\":" + std::to_string(warmup) + ",\"iterations\":" + std::to_string(iterations) +
         ",\"peak_rss_kib\":" + std::to_string(rss) + ",\"checked\":[" + checks + "]";
  std::string parts;
  for (auto &p : m->partitionPlugins())
    parts += std::string(parts.empty() ? "" : ",") + jsonStr(p);
  out += ",\"partitions\":[" + parts + "],\"runs_ms\":[";
  for (size_t i = 0; i < ms.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.4f", i ? "," : "", ms[i]);
    out += buf;
  }
  out += "]";

  if (perOp) {
    m->setProfiling(true);
    std::vector<double> profiled;
    timedRuns(iterations, profiled);
    auto prof = m->profile();
    m->setProfiling(false);
    uint64_t reorders = 0, fallbacks = 0;
    std::string entries;
    for (auto &e : prof) {
      if (e.kernel.find("reorder") != std::string::npos)
        reorders += e.calls / uint64_t(iterations);
      if (e.kernel == "reference" || (e.kernel == "(partition)" && e.plugin == "reference"))
        ++fallbacks;
      std::snprintf(buf, sizeof buf, ",\"calls\":%llu,\"total_ms\":%.4f,\"per_run_ms\":%.5f}",
                    static_cast<unsigned long long>(e.calls), e.totalMs, e.totalMs / iterations);
      entries += std::string(entries.empty() ? "" : ",") + "{\"partition\":" + std::to_string(e.partition) +
                 ",\"plugin\":" + jsonStr(e.plugin) + ",\"node\":" + std::to_string(e.node) +
                 ",\"op\":" + jsonStr(e.op) + ",\"name\":" + jsonStr(e.name) + ",\"kernel\":" +
                 jsonStr(e.kernel) + buf;
    }
    out += ",\"per_op\":[" + entries + "],\"reorders_per_run\":" + std::to_string(reorders) +
           ",\"fallback_entries\":" + std::to_string(fallbacks);
  }
  out += "}\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}
