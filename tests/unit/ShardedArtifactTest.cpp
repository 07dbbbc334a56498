//===- ShardedArtifactTest.cpp - format 1.2: weights in shard files -------===//
//
// writeArtifact with WriteOptions::shardSize puts the weights in shard files
// next to the artifact; Artifact::open maps them, checks that they are the
// ones its shard table names, and hands out pointers into their mappings.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Artifact.h"
#include "kiln/support/Checksum.h"
#include "kiln/support/MappedFile.h"
#include "kiln/support/Wire.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace kiln::artifact;

namespace {

std::string readFile(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}
void writeFile(const std::string &path, const std::string &b) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << b;
}
bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}
uint32_t get32(const std::string &s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
uint64_t get64(const std::string &s, size_t at) {
  uint64_t v;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}
void put32(std::string &s, size_t at, uint32_t v) { std::memcpy(&s[at], &v, 4); }
void put64(std::string &s, size_t at, uint64_t v) { std::memcpy(&s[at], &v, 8); }

/// The mapping of /proc/self/maps that holds `p`, or "".
std::string mappingOf(const void *p) {
  std::ifstream maps("/proc/self/maps");
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  for (std::string line; std::getline(maps, line);) {
    uintptr_t lo = 0, hi = 0;
    std::sscanf(line.c_str(), "%lx-%lx", &lo, &hi);
    if (a >= lo && a < hi)
      return line;
  }
  return "";
}

/// A chain x -> add(w0) -> add(w1) ... over weights of the given float counts.
struct ShardedArtifact : ::testing::Test {
  std::string dir, path;
  std::vector<std::vector<float>> w;
  Graph graph;
  Metadata meta;

  void SetUp() override {
    char tmpl[] = "/tmp/kiln-shard-XXXXXX";
    dir = mkdtemp(tmpl);
    path = dir + "/m.kiln";
    build({100, 300, 200, 2000, 50}); // bytes: 400, 1200, 800, 8000, 200
  }
  void TearDown() override { std::system(("rm -rf " + dir).c_str()); }

  void build(const std::vector<int64_t> &sizes, float seed = 1.0f) {
    w.clear();
    graph = Graph();
    graph.values.push_back({"x", 1, {-1}});
    graph.inputs = {0};
    int32_t prev = 0;
    Partition part;
    part.plugin = "reference";
    for (size_t k = 0; k < sizes.size(); ++k) {
      std::vector<float> data(size_t(sizes[k]));
      for (size_t i = 0; i < data.size(); ++i)
        data[i] = seed * float(k + 1) + float(i) * 0.25f;
      w.push_back(std::move(data));
    }
    for (size_t k = 0; k < sizes.size(); ++k) {
      Value wv{"w" + std::to_string(k), 1, {sizes[k]}};
      wv.isWeight = true;
      wv.weightSize = uint64_t(sizes[k]) * 4;
      wv.writeData = w[k].data();
      graph.values.push_back(wv);
      int32_t wid = int32_t(graph.values.size() - 1);
      graph.values.push_back({"y" + std::to_string(k), 1, {-1}});
      int32_t yid = int32_t(graph.values.size() - 1);
      Node n;
      n.op = "add";
      n.name = "add" + std::to_string(k);
      n.inputs = {prev, wid};
      n.outputs = {yid};
      graph.nodes.push_back(n);
      part.nodes.push_back(int32_t(k));
      prev = yid;
    }
    graph.outputs = {prev};
    part.inputs = {0};
    part.outputs = {prev};
    graph.partitions = {part};
    meta.kilnVersion = "0.1.0";
    meta.createdUnix = 1700000000;
  }
  void write(uint64_t shardSize, const std::string &to = "") {
    std::string error;
    WriteOptions o;
    o.shardSize = shardSize;
    ASSERT_TRUE(writeArtifact(to.empty() ? path : to, meta, graph, o, error)) << error;
  }
  std::string shard(uint32_t k, uint32_t n, const std::string &base = "m.kiln") {
    return dir + "/" + shardFileName(base, k, n);
  }
  std::string openError(bool verify = false) {
    std::string error;
    Artifact::Options o;
    o.verifyWeights = verify;
    auto a = Artifact::open(path, error, o);
    EXPECT_FALSE(a) << "opened although broken";
    return error;
  }
  /// Rewrites the main file's shard table through `edit` (the decoded
  /// entries) and reseals every checksum, so that only the table's meaning
  /// changes. The new table goes after the old bytes.
  struct Entry {
    std::string file;
    uint64_t size;
    uint32_t crc;
  };
  void editShardTable(const std::function<void(std::string &id, std::vector<Entry> &)> &edit) {
    std::string b = readFile(path);
    uint64_t table = get64(b, 32);
    uint32_t count = get32(b, 40);
    size_t entry = 0;
    for (uint32_t i = 0; i < count; ++i)
      if (get32(b, size_t(table) + i * 32) == 5)
        entry = size_t(table) + i * 32;
    ASSERT_NE(entry, 0u) << "no shard table section";
    std::string id;
    std::vector<Entry> entries;
    kiln::wire::Reader r(std::string_view(b.data() + get64(b, entry + 8), get64(b, entry + 16)));
    while (r.next()) {
      if (r.field == 1)
        id = r.data;
      else if (r.field == 2) {
        Entry e{};
        kiln::wire::Reader sr(r.data);
        while (sr.next())
          if (sr.field == 1)
            e.file = sr.data;
          else if (sr.field == 2)
            e.size = sr.value;
          else if (sr.field == 3)
            e.crc = uint32_t(sr.value);
        entries.push_back(e);
      }
    }
    edit(id, entries);
    kiln::wire::Writer tw;
    tw.bytes(1, id);
    for (auto &e : entries) {
      kiln::wire::Writer sw;
      sw.bytes(1, e.file);
      sw.u64(2, e.size);
      sw.u64(3, e.crc);
      tw.bytes(2, sw.out);
    }
    std::string sectionTable = b.substr(size_t(table), count * 32);
    std::string out = b.substr(0, size_t(table));
    out.resize((out.size() + 7) / 8 * 8, '\0');
    size_t at = entry - size_t(table);
    put64(sectionTable, at + 8, out.size());
    put64(sectionTable, at + 16, tw.out.size());
    put32(sectionTable, at + 24, kiln::crc32c(tw.out.data(), tw.out.size()));
    out += tw.out;
    out.resize((out.size() + 7) / 8 * 8, '\0');
    uint64_t newTable = out.size();
    out += sectionTable;
    put64(out, 24, out.size());
    put64(out, 32, newTable);
    put32(out, 44, kiln::crc32c(out.data() + newTable, count * 32));
    put32(out, 48, kiln::crc32c(out.data(), 48));
    writeFile(path, out);
  }
};

TEST_F(ShardedArtifact, RoundTripsWithZeroCopyWeightsInEveryShard) {
  write(2048); // 400+1200 | 800 | 8000 alone (larger than a shard) | 200
  ASSERT_TRUE(exists(shard(1, 4))) << shard(1, 4);
  for (uint32_t k = 1; k <= 4; ++k)
    EXPECT_TRUE(exists(shard(k, 4))) << shard(k, 4);
  EXPECT_FALSE(exists(shard(5, 5)));
  std::string error;
  auto a = Artifact::open(path, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->formatMajor(), 1u);
  EXPECT_EQ(a->formatMinor(), 2u);
  EXPECT_NE(std::find(a->metadata().required.begin(), a->metadata().required.end(),
                      std::string(kFeatureShardedWeights)),
            a->metadata().required.end());
  ASSERT_EQ(a->shards().size(), 4u);
  EXPECT_EQ(a->artifactId().size(), 32u);
  EXPECT_EQ(a->shards()[0].weights, 2u);
  EXPECT_EQ(a->shards()[1].weights, 1u);
  EXPECT_EQ(a->shards()[2].weights, 1u);
  EXPECT_EQ(a->shards()[2].weightBytes, 8000u);
  EXPECT_EQ(a->shards()[3].weights, 1u);
  // The main file holds no weight bytes.
  EXPECT_LT(a->fileSize(), 1024u);
  const uint32_t wantShard[] = {1, 1, 2, 3, 4};
  for (size_t k = 0; k < w.size(); ++k) {
    int32_t id = int32_t(1 + 2 * k);
    const Value &v = a->graph().values[size_t(id)];
    EXPECT_EQ(v.weightShard, wantShard[k]) << v.name;
    const void *p = a->weightData(id);
    ASSERT_TRUE(p);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << v.name;
    EXPECT_EQ(std::memcmp(p, w[k].data(), w[k].size() * 4), 0) << v.name;
    // Zero copy: the pointer lies in the mapping of its own shard file.
    std::string m = mappingOf(p);
    EXPECT_NE(m.find(shardFileName("m.kiln", wantShard[k], 4)), std::string::npos)
        << v.name << ": " << m;
  }
  // Every shard file respects the size unless one weight alone exceeds it.
  for (uint32_t k = 1; k <= 4; ++k) {
    uint64_t size = readFile(shard(k, 4)).size();
    EXPECT_EQ(size, a->shards()[k - 1].size);
    if (k != 3)
      EXPECT_LE(size, 2048u);
  }
  EXPECT_NE(a->shards()[0].headerCrc, a->shards()[1].headerCrc);
  EXPECT_TRUE(a->verifyWeights(error)) << error;
  Artifact::Options o;
  o.verifyWeights = true;
  EXPECT_TRUE(Artifact::open(path, error, o)) << error;
}

TEST_F(ShardedArtifact, NoWeightIsSplitAndEachWeightHasItsOwnShardWhenTiny) {
  write(64); // smaller than any weight: one shard per weight
  std::string error;
  auto a = Artifact::open(path, error);
  ASSERT_TRUE(a) << error;
  ASSERT_EQ(a->shards().size(), w.size());
  for (size_t k = 0; k < w.size(); ++k) {
    EXPECT_EQ(a->shards()[k].weights, 1u);
    EXPECT_EQ(a->shards()[k].size, kShardHeaderSize + w[k].size() * 4);
    EXPECT_EQ(a->shards()[k].file, shardFileName("m.kiln", uint32_t(k + 1), uint32_t(w.size())));
  }
  EXPECT_TRUE(a->verifyWeights(error)) << error;
}

TEST_F(ShardedArtifact, UnshardedArtifactsKeepTheirLayout) {
  std::string error;
  ASSERT_TRUE(writeArtifact(path, meta, graph, error)) << error;
  std::string plain = readFile(path);
  write(0);
  EXPECT_EQ(readFile(path), plain); // shard size 0: byte for byte the same
  EXPECT_FALSE(exists(shard(1, 1)));
  auto a = Artifact::open(path, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->formatMinor(), 0u);
  EXPECT_TRUE(a->shards().empty());
  EXPECT_TRUE(a->metadata().required.empty());
  // No weights: nothing to shard, a 1.0 file.
  build({});
  write(4096);
  a = Artifact::open(path, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->formatMinor(), 0u);
  EXPECT_TRUE(a->shards().empty());
}

TEST_F(ShardedArtifact, MissingShardNamesTheFile) {
  write(2048);
  ASSERT_EQ(::unlink(shard(2, 4).c_str()), 0);
  std::string e = openError();
  EXPECT_NE(e.find("shard 2 of 4 (" + shard(2, 4) + ") is missing"), std::string::npos) << e;
  EXPECT_EQ(e.rfind(path + ": ", 0), 0u) << e;
}

TEST_F(ShardedArtifact, TruncatedShardIsRefused) {
  write(2048);
  std::string b = readFile(shard(3, 4));
  writeFile(shard(3, 4), b.substr(0, b.size() - 100));
  std::string e = openError();
  EXPECT_NE(e.find(shard(3, 4) + ") is truncated or padded: its header says " +
                   std::to_string(b.size()) + " bytes, the file has " +
                   std::to_string(b.size() - 100)),
            std::string::npos)
      << e;
  writeFile(shard(3, 4), b.substr(0, 10));
  e = openError();
  EXPECT_NE(e.find(shard(3, 4) + ") is truncated: 10 bytes"), std::string::npos) << e;
}

TEST_F(ShardedArtifact, ShardFromAnotherCompileIsRefused) {
  write(2048);
  // The same model compiled again with other weights into another directory:
  // same layout, other artifact id.
  std::string other = dir + "/other";
  ::mkdir(other.c_str(), 0755);
  build({100, 300, 200, 2000, 50}, 3.0f);
  write(2048, other + "/m.kiln");
  writeFile(shard(2, 4), readFile(other + "/" + shardFileName("m.kiln", 2, 4)));
  std::string e = openError();
  EXPECT_NE(e.find(shard(2, 4) + ") belongs to another artifact"), std::string::npos) << e;
}

TEST_F(ShardedArtifact, SwappedShardsAreRefusedByIndex) {
  write(64);
  std::string a = readFile(shard(1, 5)), b = readFile(shard(2, 5));
  writeFile(shard(1, 5), b);
  writeFile(shard(2, 5), a);
  std::string e = openError();
  EXPECT_NE(e.find(shard(1, 5) + ") is shard 2 of 5 in its header, but the shard table lists it "
                                 "as shard 1 of 5"),
            std::string::npos)
      << e;
}

TEST_F(ShardedArtifact, CorruptShardHeaderAndWeightsAreCaught) {
  write(2048);
  std::string b = readFile(shard(1, 4));
  std::string c = b;
  c[20] ^= 1; // shard count, header CRC now wrong
  writeFile(shard(1, 4), c);
  std::string e = openError();
  EXPECT_NE(e.find(shard(1, 4) + "): header checksum mismatch"), std::string::npos) << e;
  c = b;
  c[0] = 'X';
  writeFile(shard(1, 4), c);
  e = openError();
  EXPECT_NE(e.find("is not a kiln weight shard (bad magic)"), std::string::npos) << e;
  // A flipped weight byte: found by the weight checksums, naming the shard.
  c = b;
  c[kShardHeaderSize + 5] ^= 0x40;
  writeFile(shard(1, 4), c);
  std::string error;
  EXPECT_TRUE(Artifact::open(path, error)) << error; // cheap load reads no weights
  e = openError(/*verify=*/true);
  EXPECT_NE(e.find(shard(1, 4) + ": weight 'w0' (in shard 1 of 4 of " + path +
                   ") fails its checksum"),
            std::string::npos)
      << e;
}

TEST_F(ShardedArtifact, ShardNamesMustBePlainFileNames) {
  write(2048);
  for (const char *bad : {"../m.kiln.w00001-of-00004", "sub/m.kiln.w00001-of-00004",
                          "/etc/passwd", "..", ""}) {
    std::string saved = readFile(path);
    editShardTable([&](std::string &, std::vector<Entry> &e) { e[0].file = bad; });
    std::string e = openError();
    EXPECT_NE(e.find("shard table: shard 1's file name '" + std::string(bad) + "'"),
              std::string::npos)
        << e;
    writeFile(path, saved);
  }
  std::string e;
  EXPECT_TRUE(Artifact::open(path, e)) << e; // the restored file is fine
}

TEST_F(ShardedArtifact, WeightPastTheEndOfItsShardIsRefused) {
  write(2048);
  // The table says shard 1 is shorter than the weights the graph puts in it.
  editShardTable([&](std::string &, std::vector<Entry> &e) { e[0].size -= 64; });
  std::string e = openError();
  EXPECT_NE(e.find("weight 'w1' (1200 bytes at 448) lies past the end of shard 1 '" +
                   shardFileName("m.kiln", 1, 4) + "'"),
            std::string::npos)
      << e;
}

TEST_F(ShardedArtifact, ShardTableAndFeatureMustAgree) {
  write(2048);
  // Another artifact id in the table: every shard belongs to another artifact.
  editShardTable([&](std::string &id, std::vector<Entry> &) { id[0] ^= 1; });
  std::string e = openError();
  EXPECT_NE(e.find("belongs to another artifact"), std::string::npos) << e;
  write(2048);
  editShardTable([&](std::string &, std::vector<Entry> &e) { e[1].crc ^= 1; });
  e = openError();
  EXPECT_NE(e.find(shard(2, 4) + "): its header does not match the checksum in the shard table"),
            std::string::npos)
      << e;
  write(2048);
  editShardTable([&](std::string &, std::vector<Entry> &e) { e.pop_back(); });
  e = openError();
  EXPECT_NE(e.find("names shard 4 but the artifact has 3 shard file(s)"), std::string::npos) << e;
}

TEST_F(ShardedArtifact, FromMemoryWithoutItsShardsIsACleanError) {
  write(2048);
  std::string error;
  auto a = Artifact::open(kiln::MappedFile::fromBuffer(readFile(path), "mem.kiln"), error,
                          Artifact::Options());
  EXPECT_FALSE(a);
  EXPECT_NE(error.find("mem.kiln: the weights are in 4 shard file(s) ('" +
                       shardFileName("m.kiln", 1, 4) +
                       "', ...) but the artifact was opened from memory"),
            std::string::npos)
      << error;
  // With the directory given, the shards are found.
  Artifact::Options o;
  o.shardDirectory = dir;
  o.verifyWeights = true;
  a = Artifact::open(kiln::MappedFile::fromBuffer(readFile(path), "mem.kiln"), error, o);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(std::memcmp(a->weightData(7), w[3].data(), w[3].size() * 4), 0);
}

TEST_F(ShardedArtifact, SharedBlobsStayShared) {
  // Two weight values over the same bytes (as a body's captured constant):
  // one blob in one shard.
  Value extra = graph.values[1];
  extra.name = "w0_again";
  graph.values.push_back(extra);
  write(64);
  std::string error;
  auto a = Artifact::open(path, error);
  ASSERT_TRUE(a) << error;
  ASSERT_EQ(a->shards().size(), w.size());
  const Value &last = a->graph().values.back();
  EXPECT_EQ(last.weightShard, 1u);
  EXPECT_EQ(a->weightData(int32_t(a->graph().values.size() - 1)), a->weightData(1));
}

} // namespace
