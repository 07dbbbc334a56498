//===- BadInputsTest.cpp - The torch bad-input catalogue through inspect --===//
//
// kiln: every tests/bad-inputs/{pickle,zip,safetensors}/FILE with a
// FILE.expect goes through kiln::torch::inspectTorchFile (what `kiln inspect`
// runs): it must be refused (non-zero) with an error containing the .expect
// text, name the file, and leave nothing behind (the payloads would touch
// /tmp/kiln-pwned if anything ran). Also: safetensors and JSON edge cases
// built in memory.
//
//===----------------------------------------------------------------------===//

#include "kiln/support/MappedFile.h"
#include "kiln/torch/Inspect.h"
#include "kiln/torch/Safetensors.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace kiln::torch;

namespace {

std::string slurp(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(TorchBadInputs, CatalogueIsRefusedWithTheExpectedError) {
  fs::path root = fs::path(KILN_SOURCE_DIR) / "tests" / "bad-inputs";
  size_t count = 0;
  std::error_code ec;
  fs::remove("/tmp/kiln-pwned", ec);
  for (const char *format : {"pickle", "zip", "safetensors"}) {
    fs::path dir = root / format;
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    for (const auto &e : fs::directory_iterator(dir)) {
      fs::path p = e.path();
      if (p.extension() == ".expect")
        continue;
      fs::path exp = p;
      exp += ".expect";
      if (!fs::exists(exp))
        continue;
      std::string expect = slurp(exp);
      while (!expect.empty() && (expect.back() == '\n' || expect.back() == '\r'))
        expect.pop_back();
      ASSERT_FALSE(expect.empty()) << exp;
      std::ostringstream out, err;
      int rc = inspectTorchFile(p.string(), out, err);
      EXPECT_NE(rc, 0) << p << " was accepted:\n" << out.str();
      EXPECT_NE(err.str().find(expect), std::string::npos)
          << p << ": expected '" << expect << "' in: " << err.str();
      EXPECT_NE(err.str().find(p.string()), std::string::npos)
          << "the error names the file: " << err.str();
      ++count;
    }
  }
  EXPECT_GE(count, 45u);
  EXPECT_FALSE(fs::exists("/tmp/kiln-pwned")) << "a payload ran";
}

std::shared_ptr<const kiln::MappedFile> mem(const std::string &bytes) {
  return kiln::MappedFile::fromBuffer(bytes, "mem.safetensors");
}

std::string st(const std::string &header, const std::string &data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    out[i] = char((n >> (8 * i)) & 0xff);
  return out + header + data;
}

TEST(TorchSafetensors, ValidHeaderVariants) {
  std::string error;
  // Padding spaces, unicode escapes in names, an empty file, zero-size tensors.
  std::string data(24, '\x01');
  auto f = SafetensorsFile::open(
      mem(st("{\"__metadata__\":{\"k\":\"v\"},\"caf\\u00e9\":{\"dtype\":\"F16\","
             "\"shape\":[2,2],\"data_offsets\":[16,24]},\"e\":{\"dtype\":\"F32\","
             "\"shape\":[0],\"data_offsets\":[0,0]},\"x\":{\"dtype\":\"I64\","
             "\"shape\":[2],\"data_offsets\":[0,16]}}    ",
             data)),
      &error);
  ASSERT_TRUE(f) << error;
  ASSERT_EQ(f->tensors().size(), 3u);
  const SafetensorsTensor *t = f->find("caf\xc3\xa9");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->dtype, DType::Float16);
  EXPECT_EQ(t->data.size, 8u);
  EXPECT_EQ(t->fileOffset, 8 + f->headerSize() + 16);
  EXPECT_EQ(f->metadata().at(0).second, "v");
  auto empty = SafetensorsFile::open(mem(st("{}", "")), &error);
  ASSERT_TRUE(empty) << error;
  EXPECT_TRUE(empty->tensors().empty());
}

TEST(TorchSafetensors, StrictJson) {
  const char *bad[] = {
      "{\"a\":1,}",          "{'a':1}",        "{\"a\":01}",
      "{\"a\":NaN}",         "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
      "{\"a\":1} x",         "{\"a\":tru}",     "{\"a\":\"\x01\"}",
      "{\"a\":[1,2}",        "{\"a\":1e999}",   "{\"a\":\"\xff\"}",
  };
  for (const char *h : bad) {
    std::string error;
    EXPECT_FALSE(SafetensorsFile::open(mem(st(h, "")), &error)) << h;
    EXPECT_NE(error.find("mem.safetensors: safetensors: "), std::string::npos)
        << error;
  }
}

TEST(TorchSafetensors, EveryTruncationFailsCleanly) {
  std::string good = st("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                        std::string(8, '\x02'));
  std::string error;
  ASSERT_TRUE(SafetensorsFile::open(mem(good), &error)) << error;
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(SafetensorsFile::open(mem(good.substr(0, n)), &error)) << n;
}

TEST(TorchSafetensors, IndexRefusesEscapingShardNames) {
  fs::path dir = fs::temp_directory_path() /
                 ("kiln-st-index-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto writeFile = [&](const fs::path &p, const std::string &s) {
    std::ofstream o(p, std::ios::binary);
    o << s;
  };
  writeFile(dir / "s1.safetensors",
            st("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", "z"));
  std::string error;
  writeFile(dir / "ok.json", "{\"weight_map\":{\"a\":\"s1.safetensors\"}}");
  auto ix = SafetensorsIndex::open((dir / "ok.json").string(), &error);
  ASSERT_TRUE(ix) << error;
  EXPECT_EQ(ix->find("a")->data.str(), "z");
  for (const char *name : {"../s1.safetensors", "/etc/passwd", "sub/s1.safetensors", ".."}) {
    writeFile(dir / "bad.json",
              std::string("{\"weight_map\":{\"a\":\"") + name + "\"}}");
    EXPECT_FALSE(SafetensorsIndex::open((dir / "bad.json").string(), &error)) << name;
    EXPECT_NE(error.find("not a plain file name"), std::string::npos) << error;
  }
  writeFile(dir / "missing.json", "{\"weight_map\":{\"b\":\"s1.safetensors\"}}");
  EXPECT_FALSE(SafetensorsIndex::open((dir / "missing.json").string(), &error));
  EXPECT_NE(error.find("tensor 'b' is not in shard"), std::string::npos) << error;
  writeFile(dir / "s2.safetensors",
            st("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
               "\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}",
               "zy"));
  writeFile(dir / "unlisted.json", "{\"weight_map\":{\"a\":\"s2.safetensors\"}}");
  EXPECT_FALSE(SafetensorsIndex::open((dir / "unlisted.json").string(), &error));
  EXPECT_NE(error.find("holds tensor 'b' that weight_map does not assign"),
            std::string::npos)
      << error;
  fs::remove_all(dir);
}

} // namespace
