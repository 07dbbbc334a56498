//===- ArtifactTest.cpp - the .kiln format: round trip and damage ---------===//
#include "kiln/runtime/Artifact.h"
#include "kiln/support/Checksum.h"
#include "kiln/support/Npy.h"

#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace kiln::artifact;

namespace {

struct ArtifactFixture : ::testing::Test {
  std::string dir, path;
  std::vector<float> w = std::vector<float>(6);
  Graph graph;
  Metadata meta;

  void SetUp() override {
    char tmpl[] = "/tmp/kiln-art-XXXXXX";
    dir = mkdtemp(tmpl);
    path = dir + "/m.kiln";
    for (int i = 0; i < 6; ++i)
      w[i] = float(i) * 0.5f;
    // x [?, 3] -> add(x, w[2,3]) -> y
    Value x{"x", 1, {-1, 3}, {"batch", ""}};
    Value wv{"w", 1, {2, 3}};
    wv.isWeight = true;
    wv.weightSize = w.size() * 4;
    wv.writeData = w.data();
    Value y{"y", 1, {2, 3}};
    graph.values = {x, wv, y};
    graph.inputs = {0};
    graph.outputs = {2};
    Node add;
    add.op = "add";
    add.name = "the_add";
    add.inputs = {0, 1};
    add.outputs = {2};
    Attr a;
    a.name = "note";
    a.kind = Attr::String;
    a.s = "hello";
    add.attrs.push_back(a);
    graph.nodes = {add};
    Partition p;
    p.plugin = "reference";
    p.nodes = {0};
    p.inputs = {0};
    p.outputs = {2};
    graph.partitions = {p};
    meta.kilnVersion = "0.1.0";
    meta.sourceName = "m.onnx";
    meta.sourceSha256 = kiln::sha256Hex("abc", 3);
    meta.modelVersion = "1.2.0";
    meta.labels = {"cat", "dog"};
    meta.properties = {{"team", "kiln"}};
    meta.plugins = {"reference 0.1.0"};
  }
  void TearDown() override { std::system(("rm -rf " + dir).c_str()); }

  std::string bytes() {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  }
  void put(const std::string &b) { std::ofstream(path, std::ios::binary) << b; }
  std::string openError(bool verifyWeights = false) {
    std::string error;
    Artifact::Options o;
    o.verifyWeights = verifyWeights;
    auto a = Artifact::open(path, error, o);
    EXPECT_FALSE(a);
    return error;
  }
  void write() {
    std::string error;
    ASSERT_TRUE(writeArtifact(path, meta, graph, error)) << error;
  }
};

TEST_F(ArtifactFixture, RoundTripsEverything) {
  write();
  std::string error;
  auto a = Artifact::open(path, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->formatMajor(), kFormatMajor);
  EXPECT_EQ(a->metadata().modelVersion, "1.2.0");
  EXPECT_EQ(a->metadata().labels, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(a->metadata().properties[0].second, "kiln");
  EXPECT_EQ(a->metadata().sourceSha256, kiln::sha256Hex("abc", 3));
  const Graph &g = a->graph();
  ASSERT_EQ(g.values.size(), 3u);
  EXPECT_EQ(g.values[0].shape, (std::vector<int64_t>{-1, 3}));
  EXPECT_EQ(g.values[0].dimNames[0], "batch");
  EXPECT_EQ(g.nodes[0].attrs[0].s, "hello");
  EXPECT_EQ(g.partitions[0].plugin, "reference");
  // Weights are used in place: 64-byte aligned pointers into the mapping.
  const void *data = a->weightData(1);
  ASSERT_TRUE(data);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
  EXPECT_EQ(std::memcmp(data, w.data(), 24), 0);
  EXPECT_TRUE(a->verifyWeights(error)) << error;
}

TEST_F(ArtifactFixture, WeightsAreZeroCopyViewsOfTheMapping) {
  write();
  std::string error;
  auto a = Artifact::open(path, error);
  ASSERT_TRUE(a) << error;
  // The weight pointer lies inside a file-backed mapping of this artifact.
  std::ifstream maps("/proc/self/maps");
  uintptr_t p = reinterpret_cast<uintptr_t>(a->weightData(1));
  bool inMapping = false;
  for (std::string line; std::getline(maps, line);) {
    if (line.find("m.kiln") == std::string::npos)
      continue;
    uintptr_t lo = 0, hi = 0;
    std::sscanf(line.c_str(), "%lx-%lx", &lo, &hi);
    inMapping |= p >= lo && p < hi;
  }
  EXPECT_TRUE(inMapping);
}

TEST_F(ArtifactFixture, TruncationIsPrecise) {
  write();
  std::string b = bytes();
  for (size_t cut : {size_t(0), size_t(10), size_t(63), size_t(64), b.size() / 2, b.size() - 1}) {
    put(b.substr(0, cut));
    std::string e = openError();
    EXPECT_FALSE(e.empty());
    EXPECT_NE(e.find(path), std::string::npos) << e;
  }
  put(b.substr(0, b.size() - 1));
  EXPECT_NE(openError().find("truncated"), std::string::npos);
}

TEST_F(ArtifactFixture, FlippedBytesAreCaught) {
  write();
  std::string b = bytes();
  // Any flipped byte in the header, metadata, graph or table is caught at
  // open; one in a weight is caught by the weight checksum.
  size_t caughtAtOpen = 0, caughtByWeights = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    std::string c = b;
    c[i] ^= 0x20;
    put(c);
    std::string error;
    auto a = Artifact::open(path, error);
    if (!a) {
      ++caughtAtOpen;
      continue;
    }
    if (!a->verifyWeights(error))
      ++caughtByWeights;
    else {
      // Only padding bytes may be flipped unnoticed.
      EXPECT_EQ(b[i], '\0') << "flip at byte " << i << " went unnoticed";
    }
  }
  EXPECT_GT(caughtAtOpen, 100u);
  EXPECT_EQ(caughtByWeights, 24u); // every byte of the 6 f32 weights
}

TEST_F(ArtifactFixture, WeightChecksumAtLoadWhenAsked) {
  write();
  std::string b = bytes();
  size_t at = b.find(std::string(reinterpret_cast<const char *>(w.data()) + 4, 8));
  ASSERT_NE(at, std::string::npos);
  b[at] ^= 1;
  put(b);
  std::string error;
  EXPECT_TRUE(Artifact::open(path, error)); // cheap load does not read weights
  std::string e = openError(true);
  EXPECT_NE(e.find("weight 'w' fails its checksum"), std::string::npos) << e;
}

TEST_F(ArtifactFixture, FutureFormatVersionIsRefused) {
  write();
  std::string b = bytes();
  uint32_t major = 7;
  std::memcpy(&b[8], &major, 4);
  uint32_t crc = kiln::crc32c(b.data(), 48);
  std::memcpy(&b[48], &crc, 4);
  put(b);
  std::string e = openError();
  EXPECT_NE(e.find("format version 7.0 is not supported"), std::string::npos) << e;
}

TEST_F(ArtifactFixture, SectionTablePastTheEndIsRefused) {
  write();
  std::string b = bytes();
  uint64_t off = b.size() + 1000;
  std::memcpy(&b[32], &off, 8);
  uint32_t crc = kiln::crc32c(b.data(), 48);
  std::memcpy(&b[48], &crc, 4);
  put(b);
  EXPECT_NE(openError().find("section table lies past the end"), std::string::npos);
}

TEST_F(ArtifactFixture, NotAnArtifact) {
  put("hello world, this is not a kiln artifact at all, no no no no no no no no");
  EXPECT_NE(openError().find("bad magic"), std::string::npos);
}

TEST_F(ArtifactFixture, StructurallyBadGraphsAreRefused) {
  // A node that reads a value defined after it (a cycle or a dangling name).
  graph.nodes[0].inputs = {0, 2};
  write();
  std::string e = openError();
  EXPECT_NE(e.find("before it is defined"), std::string::npos) << e;
  SetUp();
  graph.values[1].shape = {2, 4}; // the weight is shorter than its shape
  write();
  e = openError();
  EXPECT_NE(e.find("holds 24 bytes but its shape needs 32"), std::string::npos) << e;
  SetUp();
  graph.values[0].shape = {-5, 3};
  write();
  EXPECT_NE(openError().find("invalid dim -5"), std::string::npos);
  SetUp();
  graph.nodes[0].outputs = {7};
  write();
  EXPECT_NE(openError().find("out of range"), std::string::npos);
}

TEST(Npy, RoundTripAndErrors) {
  char tmpl[] = "/tmp/kiln-npy-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::vector<float> v = {1, 2, 3, 4, 5, 6};
  std::string error;
  ASSERT_TRUE(kiln::npy::write(dir + "/a.npy", 1, {2, 3}, v.data(), error)) << error;
  kiln::npy::Array arr;
  ASSERT_TRUE(kiln::npy::read(dir + "/a.npy", arr, error)) << error;
  EXPECT_EQ(arr.dtype, 1);
  EXPECT_EQ(arr.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::memcmp(arr.data.data(), v.data(), 24), 0);
  // The example's input, written by numpy.
  ASSERT_TRUE(kiln::npy::read(std::string(KILN_SOURCE_DIR) + "/examples/mnist_cnn/input.npy", arr,
                              error))
      << error;
  EXPECT_EQ(arr.shape, (std::vector<int64_t>{1, 1, 28, 28}));
  std::ofstream(dir + "/bad.npy") << "\x93NUMPY\x01\x00\x10\x00{'descr': '<f4'";
  EXPECT_FALSE(kiln::npy::read(dir + "/bad.npy", arr, error));
  EXPECT_NE(error.find("bad.npy"), std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

} // namespace
