//===- ZipTest.cpp - Tests of kiln::torch::ZipArchive ---------------------===//
//
// kiln: in-memory archives written by tests/TestUtil.h (PyTorch layout:
// zero sizes in local headers, 64-byte aligned data, ZIP64 records), and
// malicious variants: '..' and absolute names, overlapping records, records
// past the central directory, zip bombs, truncation, bad CRCs.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "kiln/support/MappedFile.h"
#include "kiln/torch/Zip.h"

#include <gtest/gtest.h>

using namespace kiln::torch;
using namespace kiln::torch::test;
using kiln::MappedFile;

namespace {

std::unique_ptr<ZipArchive> openBytes(const std::string &bytes,
                                      std::string *error,
                                      const ZipLimits &limits = {}) {
  std::shared_ptr<const MappedFile> f =
      MappedFile::fromBuffer(bytes, "mem.pt");
  return ZipArchive::open(f, error, limits);
}

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i)
    s[i] = char((i * 131 + 7) & 0xff);
  return s;
}

TEST(TorchZip, StoredAndDeflatedRecords) {
  for (bool zip64 : {false, true}) {
    std::string code(5000, 'x');
    for (size_t i = 0; i < code.size(); i += 7)
      code[i] = 'a' + i % 26;
    std::string bytes = makeZip({{"model/data.pkl", "\x80\x02K\x01.", false},
                                 {"model/data/0", pattern(4096), false},
                                 {"model/code/__torch__.py", code, true},
                                 {"model/version", "3\n", false}},
                                zip64);
    std::string error;
    auto z = openBytes(bytes, &error);
    ASSERT_TRUE(z) << error;
    EXPECT_EQ(z->prefix(), "model/");
    ASSERT_EQ(z->entries().size(), 4u);
    const ZipEntry *d0 = z->find("data/0");
    ASSERT_TRUE(d0);
    EXPECT_TRUE(d0->stored());
    EXPECT_EQ(d0->uncompressedSize, 4096u);
    EXPECT_EQ(d0->dataOffset % 64, 0u) << "PyTorch-style alignment kept";
    ByteView v;
    ASSERT_TRUE(z->view(*d0, &v, &error)) << error;
    EXPECT_EQ(v.str(), pattern(4096));
    // Zero copy: the view points into the mapping.
    EXPECT_EQ(v.data, z->file().data() + d0->dataOffset);
    EXPECT_TRUE(z->verifyCrc(*d0, &error)) << error;

    const ZipEntry *c = z->find("code/__torch__.py");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->method, 8);
    EXPECT_FALSE(z->view(*c, &v, &error));
    EXPECT_NE(error.find("compressed"), std::string::npos) << error;
    std::string text;
    ASSERT_TRUE(z->read(*c, &text, &error)) << error;
    EXPECT_EQ(text, code);
    ASSERT_TRUE(z->readRecord("version", &text, &error));
    EXPECT_EQ(text, "3\n");
    EXPECT_FALSE(z->readRecord("nope", &text, &error));
    EXPECT_NE(error.find("no record 'model/nope'"), std::string::npos) << error;
    EXPECT_EQ(z->relativeName(*d0), "data/0");
  }
}

TEST(TorchZip, PrefixFromFirstEntryIsArbitrary) {
  std::string bytes = makeZip({{"weird name.x/data.pkl", "a"},
                               {"weird name.x/version", "3\n"}});
  std::string error;
  auto z = openBytes(bytes, &error);
  ASSERT_TRUE(z) << error;
  EXPECT_EQ(z->prefix(), "weird name.x/");
  EXPECT_TRUE(z->find("version"));
}

TEST(TorchZip, EmptyArchiveAndGarbage) {
  std::string error;
  auto z = openBytes(makeZip({}), &error);
  ASSERT_TRUE(z) << error;
  EXPECT_TRUE(z->entries().empty());
  EXPECT_FALSE(openBytes("not a zip file at all, just some text here", &error));
  EXPECT_NE(error.find("mem.pt: zip: no end of central directory"),
            std::string::npos)
      << error;
  EXPECT_FALSE(openBytes("PK", &error));
  EXPECT_NE(error.find("too small"), std::string::npos) << error;
}

TEST(TorchZip, RefusesDotDotAndAbsoluteNames) {
  const char *bad[] = {"../evil",        "a/../../evil", "/etc/passwd",
                       "\\windows\\x",   "C:/evil",      "a/..",
                       "a\\..\\b"};
  for (const char *name : bad) {
    std::string error;
    EXPECT_FALSE(openBytes(makeZip({{name, "x"}}), &error)) << name;
    EXPECT_TRUE(error.find("'..'") != std::string::npos ||
                error.find("absolute") != std::string::npos)
        << name << ": " << error;
  }
  std::string error;
  EXPECT_FALSE(openBytes(makeZip({{"", "x"}}), &error));
  EXPECT_NE(error.find("empty entry name"), std::string::npos) << error;
  // ".." inside a component is fine.
  EXPECT_TRUE(openBytes(makeZip({{"a/b..c", "x"}}), &error)) << error;
}

TEST(TorchZip, RefusesDuplicatesOverlapsAndOutOfRange) {
  std::string error;
  EXPECT_FALSE(openBytes(makeZip({{"a/x", "1"}, {"a/x", "2"}}), &error));
  EXPECT_NE(error.find("duplicate entry"), std::string::npos) << error;

  // Second entry's central record points at the first local header.
  ZipSpec a{"a/x", pattern(100)}, b{"a/y", pattern(100)};
  b.declaredOffset = 0;
  EXPECT_FALSE(openBytes(makeZip({a, b}), &error));
  EXPECT_NE(error.find("local header does not match"), std::string::npos)
      << error;

  // Sizes that run into the central directory.
  ZipSpec big{"a/x", pattern(100)};
  big.declaredSize = 1u << 20;
  EXPECT_FALSE(openBytes(makeZip({big}), &error));
  EXPECT_NE(error.find("different compressed and uncompressed"),
            std::string::npos)
      << error;
}

TEST(TorchZip, OverlappingRecordsRefused) {
  // Build two entries, then patch the second central record's offset so
  // that its local header sits inside the first record's data (a copy of a
  // valid local header placed there).
  std::string inner;
  put32(inner, 0x04034b50);
  put16(inner, 20);
  put16(inner, 0);
  put16(inner, 0);
  put16(inner, 0);
  put16(inner, 0);
  put32(inner, 0);
  put32(inner, 1);
  put32(inner, 1);
  put16(inner, 3);
  put16(inner, 0);
  inner += "a/y";
  inner += "Q";
  std::string bytes = makeZip({{"a/x", inner + pattern(64)}, {"a/y", "Q"}});
  std::string error;
  auto z = openBytes(bytes, &error);
  ASSERT_TRUE(z) << error;
  uint64_t firstData = z->find("x")->dataOffset;
  // Patch the CD of entry 2: local header offset field.
  size_t cd = bytes.rfind(std::string("PK\x01\x02", 4));
  ASSERT_NE(cd, std::string::npos);
  std::string patched = bytes;
  std::string off;
  put32(off, uint32_t(firstData));
  patched.replace(cd + 42, 4, off);
  // CRC in CD must match "Q"; sizes 1; the inner header says method 0.
  EXPECT_FALSE(openBytes(patched, &error));
  EXPECT_NE(error.find("overlap"), std::string::npos) << error;
}

TEST(TorchZip, ZipBombRefused) {
  std::string zeros(8u << 20, '\0');
  std::string bytes = makeZip({{"a/bomb", zeros, true}});
  std::string error;
  ZipLimits small;
  small.maxInflatedSize = 1u << 20;
  auto z = openBytes(bytes, &error, small);
  ASSERT_TRUE(z) << error; // indexing is fine; inflating is not
  std::string out;
  EXPECT_FALSE(z->read(z->entries()[0], &out, &error));
  EXPECT_NE(error.find("exceeds the limit"), std::string::npos) << error;
  EXPECT_NE(error.find("zip bomb"), std::string::npos) << error;
  // Raised limit: it reads, and the total counter applies afterwards.
  ZipLimits roomy;
  roomy.maxInflatedSize = 16u << 20;
  roomy.maxTotalInflated = 12u << 20;
  roomy.maxRatio = 100000;
  z = openBytes(bytes, &error, roomy);
  ASSERT_TRUE(z);
  ASSERT_TRUE(z->read(z->entries()[0], &out, &error)) << error;
  EXPECT_EQ(out.size(), zeros.size());
  EXPECT_FALSE(z->read(z->entries()[0], &out, &error));
  EXPECT_NE(error.find("maxTotalInflated"), std::string::npos) << error;
  // Default ratio limit catches 8 MiB of zeros (ratio ~1000:1 is allowed,
  // the lie below is not).
  ZipSpec liar{"a/lie", std::string(1000, 'x'), true};
  liar.declaredSize = 1u << 29;
  z = openBytes(makeZip({liar}), &error);
  ASSERT_TRUE(z) << error;
  EXPECT_FALSE(z->read(z->entries()[0], &out, &error));
  EXPECT_NE(error.find("ratio"), std::string::npos) << error;
  // Declared smaller than what inflates.
  ZipSpec under{"a/under", std::string(5000, 'y'), true};
  under.declaredSize = 100;
  z = openBytes(makeZip({under}), &error);
  ASSERT_TRUE(z) << error;
  EXPECT_FALSE(z->read(z->entries()[0], &out, &error));
  EXPECT_NE(error.find("more than its declared size"), std::string::npos)
      << error;
}

TEST(TorchZip, CrcChecked) {
  ZipSpec s{"a/x", "hello", false};
  s.badCrc = true;
  ZipSpec d{"a/y", std::string(300, 'z'), true};
  d.badCrc = true;
  std::string error;
  auto z = openBytes(makeZip({s, d}), &error);
  ASSERT_TRUE(z) << error;
  std::string out;
  EXPECT_FALSE(z->read(*z->find("x"), &out, &error));
  EXPECT_NE(error.find("CRC-32 mismatch"), std::string::npos) << error;
  EXPECT_FALSE(z->read(*z->find("y"), &out, &error));
  EXPECT_NE(error.find("CRC-32 mismatch"), std::string::npos) << error;
}

TEST(TorchZip, EveryTruncationFailsCleanly) {
  std::string bytes = makeZip({{"m/data.pkl", "\x80\x02K\x01."},
                               {"m/code/a.py", std::string(400, 'q'), true},
                               {"m/data/0", pattern(200)}},
                              true);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string error;
    auto z = openBytes(bytes.substr(0, n), &error);
    if (z) {
      // A truncated file may still index (e.g. a stray EOCD match); reads
      // must then still be bounded.
      for (const ZipEntry &e : z->entries()) {
        std::string out;
        z->read(e, &out, &error);
      }
    } else {
      EXPECT_FALSE(error.empty());
    }
  }
}

TEST(TorchZip, EveryByteFlipFailsCleanlyOrReads) {
  std::string bytes = makeZip({{"m/data.pkl", "\x80\x02K\x01."},
                               {"m/code/a.py", std::string(400, 'q'), true}},
                              false);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      std::string m = bytes;
      m[i] = char(m[i] ^ flip);
      std::string error;
      auto z = openBytes(m, &error);
      if (!z) {
        EXPECT_NE(error.find("mem.pt: zip: "), std::string::npos) << error;
        continue;
      }
      for (const ZipEntry &e : z->entries()) {
        std::string out;
        if (z->read(e, &out, &error))
          EXPECT_LE(out.size(), z->limits().maxInflatedSize);
      }
    }
  }
}

} // namespace
