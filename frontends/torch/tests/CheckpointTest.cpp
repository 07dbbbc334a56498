//===- CheckpointTest.cpp - torch.save / safetensors against PyTorch ------===//
//
// kiln: the files written in the build by gen_checkpoints.py (state_dicts,
// full checkpoints with Adam state, every dtype, views sharing storage, the
// legacy format, PyTorch-2.x-style archives incl. a big-endian one,
// safetensors and a sharded set) are read with kiln::torch::Checkpoint /
// SafetensorsFile / SafetensorsIndex, and every tensor is compared, bit for
// bit (sha256 of the contiguous bytes), with what PyTorch loads
// (manifest.tsv). Skipped, visibly, when the build could not run Python
// with torch.
//
//===----------------------------------------------------------------------===//

#include "kiln/support/Checksum.h"
#include "kiln/support/MappedFile.h"
#include "kiln/torch/Checkpoint.h"
#include "kiln/torch/Safetensors.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace kiln::torch;

namespace {

struct Row {
  std::string file, key, dtype, shape, sha;
  uint64_t nbytes = 0;
};

const char *dataDir() { return KILN_TORCH_TESTDATA_DIR; }

// Loads the manifest, or explains why the test must skip.
bool loadManifest(std::vector<Row> *rows, std::string *skip) {
  std::ifstream in(std::string(dataDir()) + "/manifest.tsv");
  if (!in) {
    *skip = std::string("no ") + dataDir() +
            "/manifest.tsv (the generator did not run)";
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SKIP", 0) == 0) {
      *skip = line;
      return false;
    }
    if (line.empty())
      continue;
    std::istringstream ls(line);
    Row r;
    std::string n;
    std::getline(ls, r.file, '\t');
    std::getline(ls, r.key, '\t');
    std::getline(ls, r.dtype, '\t');
    std::getline(ls, r.shape, '\t');
    std::getline(ls, r.sha, '\t');
    std::getline(ls, n, '\t');
    r.nbytes = std::stoull(n);
    rows->push_back(r);
  }
  return true;
}

std::string shapeString(const std::vector<int64_t> &v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

bool endsWith(const std::string &s, const std::string &suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

#define LOAD_MANIFEST_OR_SKIP(rows)                                            \
  std::vector<Row> rows;                                                       \
  {                                                                            \
    std::string skip;                                                          \
    if (!loadManifest(&rows, &skip))                                           \
      GTEST_SKIP() << skip;                                                    \
  }

TEST(TorchCheckpoint, EveryTensorMatchesPyTorchBitForBit) {
  LOAD_MANIFEST_OR_SKIP(rows);
  std::map<std::string, std::vector<const Row *>> byFile;
  for (const Row &r : rows)
    if (endsWith(r.file, ".pt"))
      byFile[r.file].push_back(&r);
  ASSERT_GE(byFile.size(), 13u);
  size_t checked = 0, viewed = 0;
  for (const auto &kv : byFile) {
    std::string path = std::string(dataDir()) + "/" + kv.first;
    std::string error;
    auto ck = Checkpoint::open(path, &error);
    ASSERT_TRUE(ck) << error;
    bool legacy = kv.first.find("_legacy") != std::string::npos;
    bool ts = kv.first.rfind("ts_", 0) == 0;
    if (ts) {
      // TorchScript: the manifest holds the module's state_dict; the
      // archive may hold more tensors (constants, tensor attributes).
      EXPECT_EQ(ck->format(), Checkpoint::Format::TorchScript) << kv.first;
      EXPECT_GE(ck->tensors().size(), kv.second.size()) << kv.first;
    } else {
      EXPECT_EQ(ck->tensors().size(), kv.second.size()) << kv.first;
      EXPECT_EQ(ck->format(),
                legacy ? Checkpoint::Format::Legacy : Checkpoint::Format::Zip)
          << kv.first;
    }
    for (const Row *r : kv.second) {
      const CheckpointTensor *t = ck->find(r->key);
      ASSERT_TRUE(t) << kv.first << ": no tensor '" << r->key << "'";
      EXPECT_EQ(dtypeName(t->dtype), r->dtype) << kv.first << " " << r->key;
      EXPECT_EQ(shapeString(t->sizes), r->shape) << kv.first << " " << r->key;
      EXPECT_EQ(t->nbytes, r->nbytes) << kv.first << " " << r->key;
      std::string bytes;
      ASSERT_TRUE(ck->tensorBytes(*t, &bytes, &error)) << error;
      EXPECT_EQ(kiln::sha256Hex(bytes.data(), bytes.size()), r->sha)
          << kv.first << " " << r->key;
      ++checked;
      if (t->contiguous && ck->byteOrder() == "little") {
        ByteView v;
        ASSERT_TRUE(ck->tensorView(*t, &v, &error)) << error;
        EXPECT_EQ(v.str(), bytes) << kv.first << " " << r->key;
        ++viewed;
      } else if (ck->byteOrder() == "big" && dtypeSize(t->dtype) > 1) {
        ByteView v;
        EXPECT_FALSE(ck->tensorView(*t, &v, &error));
        EXPECT_NE(error.find("big-endian"), std::string::npos) << error;
      }
    }
  }
  EXPECT_GT(checked, 1200u);
  EXPECT_GT(viewed, 1100u);
}

TEST(TorchCheckpoint, ZipStoragesAreAlignedZeroCopyViews) {
  LOAD_MANIFEST_OR_SKIP(rows);
  for (const char *name : {"state_dict.pt", "checkpoint.pt", "dtypes.pt", "v2_style.pt"}) {
    std::string path = std::string(dataDir()) + "/" + name;
    std::string error;
    std::shared_ptr<const kiln::MappedFile> f = kiln::MappedFile::open(path, &error);
    ASSERT_TRUE(f) << error;
    auto ck = Checkpoint::open(f, &error);
    ASSERT_TRUE(ck) << error;
    for (const CheckpointTensor &t : ck->tensors()) {
      ByteView s;
      ASSERT_TRUE(ck->storageView(t, &s, &error)) << error;
      if (!s.size)
        continue;
      EXPECT_GE(s.data, f->data());
      EXPECT_LE(s.data + s.size, f->data() + f->size());
      EXPECT_EQ((s.data - f->data()) % 64, 0) << name << " " << t.key;
    }
  }
}

TEST(TorchCheckpoint, ViewsShareOneStorage) {
  LOAD_MANIFEST_OR_SKIP(rows);
  for (const char *name : {"views.pt", "views_legacy.pt"}) {
    std::string error;
    auto ck = Checkpoint::open(std::string(dataDir()) + "/" + name, &error);
    ASSERT_TRUE(ck) << error;
    const char *shared[] = {"base", "t", "row", "col", "slice", "step",
                            "narrow", "list.0", "list.1"};
    ByteView first;
    ASSERT_TRUE(ck->storageView(*ck->find("base"), &first, &error));
    for (const char *k : shared) {
      const CheckpointTensor *t = ck->find(k);
      ASSERT_TRUE(t) << k;
      ByteView s;
      ASSERT_TRUE(ck->storageView(*t, &s, &error));
      EXPECT_EQ(s.data, first.data) << name << " " << k;
      EXPECT_EQ(t->value->tensor->storage, ck->find("base")->value->tensor->storage);
    }
    EXPECT_EQ(ck->storageCount(), 6u) << name;
    const CheckpointTensor *t = ck->find("t");
    EXPECT_FALSE(t->contiguous);
    EXPECT_EQ(t->strides, (std::vector<int64_t>{1, 6}));
    ByteView v;
    EXPECT_FALSE(ck->tensorView(*t, &v, &error));
    EXPECT_NE(error.find("not contiguous"), std::string::npos) << error;
    EXPECT_EQ(ck->find("expand")->strides, (std::vector<int64_t>{1, 0}));
    EXPECT_TRUE(ck->find("param")->parameter);
    EXPECT_TRUE(ck->find("param")->requiresGrad);
    EXPECT_TRUE(ck->find("frozen_param")->parameter);
    EXPECT_FALSE(ck->find("frozen_param")->requiresGrad);
    EXPECT_EQ(ck->find("narrow")->storageOffset, 5);
  }
}

TEST(TorchCheckpoint, FullCheckpointKeepsNonTensorValues) {
  LOAD_MANIFEST_OR_SKIP(rows);
  for (const char *name : {"checkpoint.pt", "checkpoint_legacy.pt"}) {
    std::string error;
    auto ck = Checkpoint::open(std::string(dataDir()) + "/" + name, &error);
    ASSERT_TRUE(ck) << error;
    const PickleValue *root = ck->root();
    ASSERT_TRUE(root->isDict());
    EXPECT_EQ(root->get("epoch")->integer, 3);
    const PickleValue *md = root->get("metadata");
    ASSERT_TRUE(md);
    EXPECT_EQ(md->get("lr")->real, 1e-3);
    EXPECT_EQ(md->get("name")->str, "net");
    const PickleValue *groups = root->get("optimizer")->get("param_groups");
    ASSERT_TRUE(groups && groups->kind == PickleKind::List);
    EXPECT_EQ(groups->items[0]->get("lr")->real, 1e-3);
    EXPECT_TRUE(ck->find("optimizer.state.0.exp_avg"));
    EXPECT_TRUE(ck->find("model.bn.num_batches_tracked"));
    EXPECT_EQ(ck->find("model.bn.num_batches_tracked")->dtype, DType::Int64);
    bool sawEpoch = false;
    for (const CheckpointScalar &s : ck->scalars())
      sawEpoch |= s.key == "epoch" && s.text == "3";
    EXPECT_TRUE(sawEpoch);
    // state_dict's OrderedDict carries _metadata through BUILD.
    EXPECT_TRUE(root->get("model")->ordered);
    ASSERT_TRUE(root->get("model")->state);
    EXPECT_TRUE(root->get("model")->state->get("_metadata"));
  }
}

TEST(TorchCheckpoint, PyTorch2StyleRecords) {
  LOAD_MANIFEST_OR_SKIP(rows);
  std::string error;
  auto ck = Checkpoint::open(std::string(dataDir()) + "/v2_style.pt", &error);
  ASSERT_TRUE(ck) << error;
  EXPECT_EQ(ck->byteOrder(), "little");
  EXPECT_EQ(ck->version(), "3");
  EXPECT_EQ(ck->find("bf16_v3")->value->tensor->rebuild,
            "torch._utils._rebuild_tensor_v3");
  EXPECT_TRUE(ck->find("bf16_v3")->value->tensor->storage->storage->untyped);
  EXPECT_TRUE(ck->find("param_state")->parameter);
  ASSERT_TRUE(ck->find("param_state")->value->tensor->state);
  EXPECT_EQ(ck->find("param_state")->value->tensor->state->get("note")->str, "hi");
  EXPECT_TRUE(ck->find("from_type")->parameter);
  auto be = Checkpoint::open(std::string(dataDir()) + "/v2_bigendian.pt", &error);
  ASSERT_TRUE(be) << error;
  EXPECT_EQ(be->byteOrder(), "big");
}

TEST(TorchCheckpoint, SafetensorsMatchBitForBit) {
  LOAD_MANIFEST_OR_SKIP(rows);
  std::string error;
  std::string dir = dataDir();
  auto st = SafetensorsFile::open(dir + "/model.safetensors", &error);
  ASSERT_TRUE(st) << error;
  auto ix = SafetensorsIndex::open(dir + "/sharded/model.safetensors.index.json", &error);
  ASSERT_TRUE(ix) << error;
  EXPECT_EQ(ix->shards().size(), 2u);
  size_t n = 0, nIndex = 0;
  for (const Row &r : rows) {
    const SafetensorsTensor *t = nullptr;
    if (r.file == "model.safetensors") {
      t = st->find(r.key);
      ++n;
    } else if (r.file == "sharded/model.safetensors.index.json") {
      t = ix->find(r.key);
      ++nIndex;
    } else {
      continue;
    }
    ASSERT_TRUE(t) << r.file << ": " << r.key;
    EXPECT_EQ(dtypeName(t->dtype), r.dtype) << r.key;
    EXPECT_EQ(shapeString(t->shape), r.shape) << r.key;
    EXPECT_EQ(t->data.size, r.nbytes) << r.key;
    EXPECT_EQ(kiln::sha256Hex(t->data.data, t->data.size), r.sha) << r.key;
  }
  EXPECT_EQ(n, st->tensors().size());
  EXPECT_EQ(nIndex, ix->weightMap().size());
  ASSERT_EQ(st->metadata().size(), 2u);
  EXPECT_EQ(st->metadata()[0].first, "format");
  EXPECT_EQ(st->metadata()[0].second, "pt");
}

TEST(TorchCheckpoint, EveryByteFlipOfRealFilesFailsCleanly) {
  LOAD_MANIFEST_OR_SKIP(rows);
  // Flip every byte of small real files (zip and legacy): opening either
  // fails with a message naming the file or gives tensors whose bytes can
  // all be read within their storages.
  for (const char *name : {"views.pt", "views_legacy.pt", "dtypes_legacy.pt"}) {
    std::ifstream in(std::string(dataDir()) + "/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string bytes = ss.str();
    ASSERT_FALSE(bytes.empty()) << name;
    size_t opened = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
      std::string m = bytes;
      m[i] = char(m[i] ^ 0xa5);
      std::string error;
      auto ck = Checkpoint::open(kiln::MappedFile::fromBuffer(m, "flip.pt"), &error);
      if (!ck) {
        EXPECT_NE(error.find("flip.pt"), std::string::npos) << error;
        continue;
      }
      ++opened;
      for (const CheckpointTensor &t : ck->tensors()) {
        std::string out;
        if (ck->tensorBytes(t, &out, &error))
          EXPECT_EQ(out.size(), t.nbytes);
      }
    }
    EXPECT_GT(opened, 0u) << name << ": flips inside tensor data still open";
  }
}

TEST(TorchCheckpoint, TorchScriptArchivesStayInert) {
  LOAD_MANIFEST_OR_SKIP(rows);
  std::string error;
  auto ck = Checkpoint::open(std::string(dataDir()) + "/ts_scripted.pt", &error);
  ASSERT_TRUE(ck) << error;
  const PickleValue *root = ck->root();
  ASSERT_EQ(root->kind, PickleKind::Object);
  EXPECT_EQ(root->str.rfind("__torch__.", 0), 0u) << root->str;
  ASSERT_TRUE(root->state && root->state->isDict());
  const PickleValue *fc = root->state->get("fc");
  ASSERT_TRUE(fc && fc->kind == PickleKind::Object);
  EXPECT_NE(fc->str.find("Linear"), std::string::npos) << fc->str;
  // The transposed buffer views the base buffer's storage.
  const CheckpointTensor *b = ck->find("base"), *t = ck->find("base_t");
  ASSERT_TRUE(b && t);
  EXPECT_EQ(b->value->tensor->storage, t->value->tensor->storage);
  EXPECT_FALSE(t->contiguous);
  EXPECT_TRUE(ck->constants() && ck->constants()->kind == PickleKind::Tuple);
  // torch.load(weights_only=True) semantics refuse TorchScript archives.
  CheckpointOptions strict;
  strict.allowTorchScript = false;
  EXPECT_FALSE(Checkpoint::open(std::string(dataDir()) + "/ts_scripted.pt", &error, strict));
  EXPECT_NE(error.find("TorchScript archive"), std::string::npos) << error;
}

TEST(TorchCheckpoint, VerifyCrcCatchesCorruptStorages) {
  LOAD_MANIFEST_OR_SKIP(rows);
  std::string path = std::string(dataDir()) + "/state_dict.pt";
  std::string error;
  std::shared_ptr<const kiln::MappedFile> f = kiln::MappedFile::open(path, &error);
  ASSERT_TRUE(f) << error;
  auto ck = Checkpoint::open(f, &error);
  ASSERT_TRUE(ck) << error;
  ByteView s;
  ASSERT_TRUE(ck->storageView(ck->tensors().front(), &s, &error));
  ASSERT_GT(s.size, 0u);
  std::string bytes(reinterpret_cast<const char *>(f->data()), f->size());
  size_t at = size_t(s.data - f->data());
  bytes[at] = char(bytes[at] ^ 1);
  CheckpointOptions verify;
  verify.verifyCrc = true;
  EXPECT_TRUE(Checkpoint::open(kiln::MappedFile::fromBuffer(bytes, "c.pt"), &error))
      << "without verifyCrc, data is not read when opening";
  EXPECT_FALSE(Checkpoint::open(kiln::MappedFile::fromBuffer(bytes, "c.pt"), &error, verify));
  EXPECT_NE(error.find("CRC-32 mismatch"), std::string::npos) << error;
  EXPECT_TRUE(Checkpoint::open(path, &error, verify)) << error;
}

} // namespace
