//===- LoadTime.cpp - how fast a large .kiln artifact loads ---------------===//
//
//   kiln-bench-load [--megabytes N] [--runs N] [--keep FILE] [--shard-size SIZE]
//
// Writes an artifact with N MB of weights (a chain of `add` nodes over
// 64 large f32 weights; with --shard-size, e.g. 100M, in shard files of at
// most SIZE bytes next to it, format 1.2), then measures, over several runs each in a fresh
// process state as far as possible (page cache warm, as on a server that
// restarts):
//   - Runtime::load (open, verify header/tables/graph, compile partitions),
//   - resident memory after load, before any run,
//   - the same load with every weight's checksum verified.
// Prints medians. No MLIR: it uses only the runtime and the reference plugin.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Runtime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using Clock = std::chrono::steady_clock;

static long residentKiB() {
  std::ifstream f("/proc/self/statm");
  long size = 0, resident = 0;
  f >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char **argv) {
  int megabytes = 500, runs = 9;
  uint64_t shardSize = 0;
  std::string keep, pluginDir = KILN_REFERENCE_PLUGIN_DIR;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--megabytes" && i + 1 < argc)
      megabytes = std::atoi(argv[++i]);
    else if (a == "--runs" && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else if (a == "--keep" && i + 1 < argc)
      keep = argv[++i];
    else if (a == "--shard-size" && i + 1 < argc) {
      char *end = nullptr;
      shardSize = std::strtoull(argv[++i], &end, 10);
      std::string unit = end ? end : "";
      shardSize <<= unit == "K" ? 10 : unit == "M" ? 20 : unit == "G" ? 30 : 0;
      if (shardSize == 0 || !(unit.empty() || unit == "K" || unit == "M" || unit == "G")) {
        std::fprintf(stderr, "--shard-size expects e.g. 100M, 64K, 4096\n");
        return 2;
      }
    }
  }
  using namespace kiln::artifact;
  const int kWeights = 64;
  const int64_t elems = int64_t(megabytes) * (1 << 20) / 4 / kWeights;
  // One buffer per weight: the writer stores weights that share their bytes
  // (same pointer and size) once.
  std::vector<float> data(size_t(elems) * kWeights, 0.5f);
  Graph g;
  g.values.push_back({"x", 1, {elems}});
  g.inputs = {0};
  int32_t prev = 0;
  Partition part;
  part.plugin = "reference";
  for (int k = 0; k < kWeights; ++k) {
    Value w{"w" + std::to_string(k), 1, {elems}};
    w.isWeight = true;
    w.weightSize = uint64_t(elems) * 4;
    w.writeData = data.data() + size_t(elems) * size_t(k);
    g.values.push_back(w);
    int32_t wid = int32_t(g.values.size() - 1);
    g.values.push_back({"y" + std::to_string(k), 1, {elems}});
    int32_t yid = int32_t(g.values.size() - 1);
    Node n;
    n.op = "add";
    n.name = "add" + std::to_string(k);
    n.inputs = {prev, wid};
    n.outputs = {yid};
    g.nodes.push_back(n);
    part.nodes.push_back(k);
    prev = yid;
  }
  g.outputs = {prev};
  part.inputs = {0};
  part.outputs = {prev};
  g.partitions = {part};
  Metadata meta;
  meta.kilnVersion = "0.1.0";
  std::string path = keep.empty() ? "/tmp/kiln-bench-load.kiln" : keep;
  std::string error;
  auto t0 = Clock::now();
  WriteOptions wo;
  wo.shardSize = shardSize;
  if (!writeArtifact(path, meta, g, wo, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  double writeMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();

  kiln::Runtime::Options ro;
  ro.pluginPaths = {pluginDir};
  std::vector<double> loadMs, verifyMs, rss;
  uint64_t fileSize = 0;
  std::vector<std::string> shardPaths;
  for (int r = 0; r < runs; ++r) {
    for (bool verify : {false, true}) {
      kiln::Runtime rt(ro);
      long before = residentKiB();
      auto start = Clock::now();
      kiln::Runtime::LoadOptions lo;
      lo.verifyWeights = verify;
      auto model = rt.load(path, error, lo);
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (!model) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
      }
      fileSize = model->artifact().fileSize();
      shardPaths.clear();
      for (const auto &sh : model->artifact().shards()) {
        fileSize += sh.size;
        shardPaths.push_back(sh.path);
      }
      if (verify)
        verifyMs.push_back(ms);
      else {
        loadMs.push_back(ms);
        rss.push_back(double(residentKiB() - before) / 1024.0);
      }
    }
  }
  std::printf("artifact: %.1f MB, %d weights (written in %.0f ms)", double(fileSize) / 1e6,
              kWeights, writeMs);
  if (!shardPaths.empty())
    std::printf(", in %zu shard files of at most %.1f MiB", shardPaths.size(),
                double(shardSize) / (1 << 20));
  std::printf("\n");
  std::printf("load (verify header, tables, graph; compile on 'reference'): median %.2f ms over %d runs\n",
              median(loadMs), runs);
  std::printf("resident memory added by a load, before any run: median %.1f MiB (file %.1f MiB)\n",
              median(rss), double(fileSize) / (1 << 20));
  std::printf("load + verify every weight checksum: median %.1f ms\n", median(verifyMs));
  if (keep.empty()) {
    ::unlink(path.c_str());
    for (const std::string &p : shardPaths)
      ::unlink(p.c_str());
  }
  return 0;
}
