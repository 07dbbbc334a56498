//===- Artifact.cpp - the .kiln artifact: writer and verifying reader -----===//
#include "kiln/runtime/Artifact.h"
#include "kiln/support/Checksum.h"
#include "kiln/support/MappedFile.h"
#include "kiln/support/Wire.h"

#include <cstdio>
#include <cstring>
#include <algorithm>
#include <set>

namespace kiln::artifact {

size_t dtypeSize(int32_t dtype) {
  switch (dtype) {
  case 1: case 6: case 12: return 4;     // f32 i32 u32
  case 2: case 3: case 9: return 1;      // u8 i8 bool
  case 4: case 5: case 10: case 16: return 2; // u16 i16 f16 bf16
  case 7: case 11: case 13: return 8;    // i64 f64 u64
  default: return 0;
  }
}

const char *dtypeName(int32_t dtype) {
  switch (dtype) {
  case 1: return "f32";
  case 2: return "u8";
  case 3: return "i8";
  case 4: return "u16";
  case 5: return "i16";
  case 6: return "i32";
  case 7: return "i64";
  case 9: return "bool";
  case 10: return "f16";
  case 11: return "f64";
  case 12: return "u32";
  case 13: return "u64";
  case 16: return "bf16";
  default: return "unknown";
  }
}

namespace {

void put32(std::string &s, size_t at, uint32_t v) { std::memcpy(&s[at], &v, 4); }
void put64(std::string &s, size_t at, uint64_t v) { std::memcpy(&s[at], &v, 8); }
uint32_t get32(const uint8_t *p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t get64(const uint8_t *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

std::string encodeMetadata(const Metadata &m) {
  wire::Writer w;
  w.bytes(1, m.kilnVersion);
  w.i64(2, m.createdUnix);
  w.bytes(3, m.sourceName);
  w.bytes(4, m.sourceSha256);
  w.bytes(5, m.producer);
  w.bytes(6, m.modelVersion);
  for (auto &l : m.labels)
    w.bytes(7, l);
  for (auto &[k, v] : m.properties) {
    wire::Writer kv;
    kv.bytes(1, k);
    kv.bytes(2, v);
    w.bytes(8, kv.out);
  }
  for (auto &p : m.plugins)
    w.bytes(9, p);
  w.bytes(10, m.isa);
  for (auto &f : m.required)
    w.bytes(11, f);
  return w.out;
}

std::vector<int64_t> toI64(const std::vector<int32_t> &v) { return {v.begin(), v.end()}; }

std::string encodeGraph(const Graph &g) {
  wire::Writer w;
  for (auto &v : g.values) {
    wire::Writer vw;
    vw.bytes(1, v.name);
    vw.i64(2, v.dtype);
    vw.packed(3, v.shape);
    for (auto &d : v.dimNames)
      vw.bytes(4, d);
    if (v.isWeight) {
      wire::Writer ww;
      ww.u64(1, v.weightOffset);
      ww.u64(2, v.weightSize);
      ww.u64(3, v.weightCrc);
      if (v.weightShard) // 1.2: in a shard file
        ww.u64(4, v.weightShard);
      vw.bytes(5, ww.out);
    }
    w.bytes(1, vw.out);
  }
  for (auto &n : g.nodes) {
    wire::Writer nw;
    nw.bytes(1, n.op);
    nw.bytes(2, n.name);
    nw.packed(3, toI64(n.inputs));
    nw.packed(4, toI64(n.outputs));
    for (auto &a : n.attrs) {
      wire::Writer aw;
      aw.bytes(1, a.name);
      aw.i64(2, a.kind);
      aw.i64(3, a.i);
      aw.f64(4, a.f);
      aw.bytes(5, a.s);
      aw.packed(6, a.ints);
      aw.packedF64(7, a.floats);
      nw.bytes(5, aw.out);
    }
    nw.i64(6, n.partition);
    if (!n.bodies.empty())
      nw.packed(7, toI64(n.bodies));
    w.bytes(2, nw.out);
  }
  w.packed(3, toI64(g.inputs));
  w.packed(4, toI64(g.outputs));
  for (auto &p : g.partitions) {
    wire::Writer pw;
    pw.bytes(1, p.plugin);
    pw.packed(2, toI64(p.nodes));
    pw.packed(3, toI64(p.inputs));
    pw.packed(4, toI64(p.outputs));
    if (p.compiledSize) { // in the plugin-data section
      pw.i64(6, int64_t(p.compiledOffset));
      pw.i64(7, int64_t(p.compiledSize));
    } else
      pw.bytes(5, p.compiled);
    w.bytes(5, pw.out);
  }
  for (auto &sub : g.subgraphs)
    w.bytes(6, encodeGraph(sub));
  return w.out;
}

/// Every value of `g` and its body graphs, depth first.
void allValues(Graph &g, std::vector<Value *> &out) {
  for (auto &v : g.values)
    out.push_back(&v);
  for (auto &sub : g.subgraphs)
    allValues(sub, out);
}

} // namespace

std::string shardFileName(const std::string &artifactName, uint32_t index, uint32_t count) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ".w%05u-of-%05u", index, count);
  return artifactName + buf;
}

namespace {

/// The 64-byte header of shard `index` of `count` (see docs/artifact-format.md).
std::string shardHeader(uint32_t index, uint32_t count, uint64_t fileSize, const std::string &id) {
  std::string h(kShardHeaderSize, '\0');
  std::memcpy(&h[0], kShardMagic, 8);
  put32(h, 8, kFormatMajor);
  put32(h, 12, 2);
  put32(h, 16, index);
  put32(h, 20, count);
  put64(h, 24, fileSize);
  std::memcpy(&h[32], id.data(), kArtifactIdSize);
  put32(h, 60, crc32c(h.data(), 60));
  return h;
}

std::string hexToBytes(const std::string &hex, size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n && 2 * i + 1 < hex.size(); ++i)
    out[i] = char(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

std::string bytesToHex(const std::string &b) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

} // namespace

bool writeArtifact(const std::string &path, const Metadata &meta, const Graph &graphIn,
                   std::string &error) {
  return writeArtifact(path, meta, graphIn, WriteOptions(), error);
}

bool writeArtifact(const std::string &path, const Metadata &meta, const Graph &graphIn,
                   const WriteOptions &options, std::string &error) {
  Graph graph = graphIn;
  // Lay out the weights of every graph (bodies included) in one section, or
  // (sharded) in shard files: each 64-byte aligned; values that share their
  // bytes (a constant a body captures) share the blob.
  std::vector<Value *> values;
  allValues(graph, values);
  std::vector<const Value *> blobs; // in file order
  std::map<std::pair<const void *, uint64_t>, const Value *> placed;
  uint64_t weightsSize = 0;
  bool sharded = false;
  for (Value *v : values)
    sharded |= options.shardSize > 0 && v->isWeight;
  // Sharded: shardUsed[k - 1] = bytes of weights in shard k.
  std::vector<uint64_t> shardUsed;
  std::vector<std::vector<const Value *>> shardBlobs;
  for (Value *v : values) {
    if (!v->isWeight)
      continue;
    auto key = std::make_pair(v->writeData, v->weightSize);
    auto it = v->writeData ? placed.find(key) : placed.end();
    if (it != placed.end()) {
      v->weightOffset = it->second->weightOffset;
      v->weightCrc = it->second->weightCrc;
      v->weightShard = it->second->weightShard;
      continue;
    }
    v->weightCrc = crc32c(v->writeData, v->weightSize);
    if (sharded) {
      // A new shard when this weight would take the current one past the
      // shard size; a weight is never split, and one larger than the shard
      // size gets a shard of its own.
      uint64_t at = shardUsed.empty() ? 0 : alignUp(shardUsed.back(), kWeightAlignment);
      if (shardUsed.empty() ||
          (!shardBlobs.back().empty() &&
           kShardHeaderSize + at + v->weightSize > options.shardSize)) {
        shardUsed.push_back(0);
        shardBlobs.emplace_back();
        at = 0;
      }
      v->weightShard = uint32_t(shardUsed.size());
      v->weightOffset = at;
      shardUsed.back() = at + v->weightSize;
      shardBlobs.back().push_back(v);
    } else {
      weightsSize = alignUp(weightsSize, kWeightAlignment);
      v->weightOffset = weightsSize;
      weightsSize += v->weightSize;
      blobs.push_back(v);
    }
    if (v->writeData)
      placed[key] = v;
  }
  if (shardUsed.size() > kMaxShards) {
    error = "cannot write " + path + ": " + std::to_string(shardUsed.size()) +
            " shard files needed, at most " + std::to_string(kMaxShards) +
            " are allowed (use a larger shard size)";
    return false;
  }
  Metadata metaOut = meta;
  auto require = [&](const char *feature) {
    if (std::find(metaOut.required.begin(), metaOut.required.end(), feature) ==
        metaOut.required.end())
      metaOut.required.push_back(feature);
  };
  if (!graph.subgraphs.empty())
    require(kFeatureControlFlow);
  if (sharded)
    require(kFeatureShardedWeights);
  // Compiled partitions: each blob 64-byte aligned in the
  // plugin-data section, which the plugin reads in place at load.
  std::vector<const Partition *> compiledBlobs;
  uint64_t pluginSize = 0;
  for (auto &p : graph.partitions)
    if (!p.compiled.empty()) {
      pluginSize = alignUp(pluginSize, kWeightAlignment);
      p.compiledOffset = pluginSize;
      p.compiledSize = p.compiled.size();
      pluginSize += p.compiled.size();
      compiledBlobs.push_back(&p);
    }
  std::string metaBytes = encodeMetadata(metaOut);
  std::string graphBytes = encodeGraph(graph);

  // Sharded: write the shard files first, then the table that names them.
  std::string shardTable;
  if (sharded) {
    std::string dir, name = path;
    size_t slash = path.rfind('/');
    if (slash != std::string::npos) {
      dir = path.substr(0, slash + 1);
      name = path.substr(slash + 1);
    }
    // The artifact id: the first 16 bytes of the SHA-256 of the metadata and
    // graph sections, which hold every weight's shard, offset and CRC.
    std::string id = hexToBytes(sha256Hex((metaBytes + graphBytes).data(),
                                          metaBytes.size() + graphBytes.size()),
                                kArtifactIdSize);
    wire::Writer tw;
    tw.bytes(1, id);
    uint32_t count = uint32_t(shardUsed.size());
    for (uint32_t k = 1; k <= count; ++k) {
      std::string file = shardFileName(name, k, count);
      uint64_t size = kShardHeaderSize + shardUsed[k - 1];
      std::string header = shardHeader(k, count, size, id);
      FILE *f = std::fopen((dir + file).c_str(), "wb");
      if (!f) {
        error = "cannot write " + dir + file + ": " + std::strerror(errno);
        return false;
      }
      bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size();
      uint64_t pos = 0;
      for (const Value *v : shardBlobs[k - 1]) {
        if (!ok)
          break;
        std::string zeros(size_t(v->weightOffset - pos), '\0');
        ok = std::fwrite(zeros.data(), 1, zeros.size(), f) == zeros.size() &&
             (v->weightSize == 0 || std::fwrite(v->writeData, 1, v->weightSize, f) == v->weightSize);
        pos = v->weightOffset + v->weightSize;
      }
      if (std::fclose(f) != 0)
        ok = false;
      if (!ok) {
        error = "cannot write " + dir + file + ": " + std::strerror(errno);
        return false;
      }
      wire::Writer sw;
      sw.bytes(1, file);
      sw.u64(2, size);
      sw.u64(3, crc32c(header.data(), 60)); // = the CRC the header ends with
      tw.bytes(2, sw.out);
    }
    shardTable = tw.out;
  }

  struct Entry {
    SectionKind kind;
    uint64_t offset, size;
    uint32_t crc;
  };
  std::vector<Entry> entries;
  uint64_t offset = kHeaderSize;
  entries.push_back({SectionKind::Metadata, offset, metaBytes.size(),
                     crc32c(metaBytes.data(), metaBytes.size())});
  offset += metaBytes.size();
  entries.push_back({SectionKind::Graph, offset, graphBytes.size(),
                     crc32c(graphBytes.data(), graphBytes.size())});
  offset += graphBytes.size();
  uint64_t shardTableOffset = offset;
  offset += shardTable.size();
  uint64_t weightsOffset = alignUp(offset, kWeightAlignment);
  entries.push_back({SectionKind::Weights, weightsOffset, weightsSize, 0});
  uint64_t pluginOffset = alignUp(weightsOffset + weightsSize, kWeightAlignment);
  if (pluginSize)
    entries.push_back({SectionKind::PluginData, pluginOffset, pluginSize, 0});
  if (sharded)
    entries.push_back({SectionKind::Shards, shardTableOffset, shardTable.size(),
                       crc32c(shardTable.data(), shardTable.size())});
  uint64_t tableOffset = alignUp(pluginSize ? pluginOffset + pluginSize : weightsOffset + weightsSize, 8);
  uint64_t fileSize = tableOffset + entries.size() * kSectionEntrySize;

  std::string table(entries.size() * kSectionEntrySize, '\0');
  for (size_t i = 0; i < entries.size(); ++i) {
    size_t at = i * kSectionEntrySize;
    put32(table, at, uint32_t(entries[i].kind));
    put32(table, at + 4, entries[i].kind == SectionKind::Weights ? 1u : 0u); // per-item CRCs
    put64(table, at + 8, entries[i].offset);
    put64(table, at + 16, entries[i].size);
    put32(table, at + 24, entries[i].crc);
  }
  std::string header(kHeaderSize, '\0');
  std::memcpy(&header[0], kMagic, 8);
  put32(header, 8, kFormatMajor);
  // The lowest minor version that holds the artifact: without body graphs
  // or shards the file is 1.0, which every 1.x reader runs.
  put32(header, 12, sharded ? 2u : graph.subgraphs.empty() ? 0u : 1u);
  put64(header, 16, 0);
  put64(header, 24, fileSize);
  put64(header, 32, tableOffset);
  put32(header, 40, uint32_t(entries.size()));
  put32(header, 44, crc32c(table.data(), table.size()));
  put32(header, 48, crc32c(header.data(), 48));

  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  auto write = [&](const void *p, size_t n) { return std::fwrite(p, 1, n, f) == n; };
  auto pad = [&](uint64_t to) {
    long pos = std::ftell(f);
    std::string zeros(size_t(to - uint64_t(pos)), '\0');
    return write(zeros.data(), zeros.size());
  };
  bool ok = write(header.data(), header.size()) && write(metaBytes.data(), metaBytes.size()) &&
            write(graphBytes.data(), graphBytes.size()) &&
            write(shardTable.data(), shardTable.size()) && pad(weightsOffset);
  for (const Value *v : blobs) {
    if (!ok)
      break;
    ok = pad(weightsOffset + v->weightOffset) && write(v->writeData, v->weightSize);
  }
  for (const Partition *p : compiledBlobs)
    ok = ok && pad(pluginOffset + p->compiledOffset) && write(p->compiled.data(), p->compiled.size());
  ok = ok && pad(tableOffset) && write(table.data(), table.size());
  if (std::fclose(f) != 0)
    ok = false;
  if (!ok) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {

bool decodeMetadata(std::string_view bytes, Metadata &m, std::string &error) {
  wire::Reader r(bytes);
  while (r.next()) {
    switch (r.field) {
    case 1: if (r.is(wire::Bytes)) m.kilnVersion = r.data; break;
    case 2: if (r.is(wire::Varint)) m.createdUnix = int64_t(r.value); break;
    case 3: if (r.is(wire::Bytes)) m.sourceName = r.data; break;
    case 4: if (r.is(wire::Bytes)) m.sourceSha256 = r.data; break;
    case 5: if (r.is(wire::Bytes)) m.producer = r.data; break;
    case 6: if (r.is(wire::Bytes)) m.modelVersion = r.data; break;
    case 7: if (r.is(wire::Bytes)) m.labels.emplace_back(r.data); break;
    case 8:
      if (r.is(wire::Bytes)) {
        wire::Reader kv(r.data);
        std::pair<std::string, std::string> p;
        while (kv.next())
          if (kv.type == wire::Bytes)
            (kv.field == 1 ? p.first : p.second) = kv.data;
        if (!kv.error.empty())
          r.fail("metadata property: " + kv.error);
        m.properties.push_back(p);
      }
      break;
    case 9: if (r.is(wire::Bytes)) m.plugins.emplace_back(r.data); break;
    case 10: if (r.is(wire::Bytes)) m.isa = r.data; break;
    case 11: if (r.is(wire::Bytes)) m.required.emplace_back(r.data); break;
    default: break; // a newer writer's field
    }
  }
  if (!r.error.empty()) {
    error = "metadata section: " + r.error;
    return false;
  }
  return true;
}

bool appendI32(wire::Reader &r, std::vector<int32_t> &out) {
  std::vector<int64_t> v;
  if (!r.appendInts(v))
    return false;
  for (int64_t x : v) {
    if (x < INT32_MIN || x > INT32_MAX)
      return r.fail("index " + std::to_string(x) + " out of range");
    out.push_back(int32_t(x));
  }
  return true;
}

bool decodeGraph(std::string_view bytes, Graph &g, std::string &error, int depth = 0) {
  if (depth > kMaxGraphDepth) {
    error = "graph section: body graphs nested deeper than " + std::to_string(kMaxGraphDepth);
    return false;
  }
  wire::Reader r(bytes);
  while (r.next()) {
    if (r.field == 1 && r.is(wire::Bytes)) {
      Value v;
      wire::Reader vr(r.data);
      while (vr.next()) {
        switch (vr.field) {
        case 1: if (vr.is(wire::Bytes)) v.name = vr.data; break;
        case 2: if (vr.is(wire::Varint)) v.dtype = int32_t(vr.value); break;
        case 3: vr.appendInts(v.shape); break;
        case 4: if (vr.is(wire::Bytes)) v.dimNames.emplace_back(vr.data); break;
        case 5:
          if (vr.is(wire::Bytes)) {
            v.isWeight = true;
            wire::Reader wr(vr.data);
            while (wr.next()) {
              if (!wr.is(wire::Varint))
                break;
              if (wr.field == 1) v.weightOffset = wr.value;
              else if (wr.field == 2) v.weightSize = wr.value;
              else if (wr.field == 3) v.weightCrc = uint32_t(wr.value);
              else if (wr.field == 4)
                v.weightShard = wr.value > kMaxShards ? kMaxShards + 1 : uint32_t(wr.value);
            }
            if (!wr.error.empty())
              vr.fail("weight reference: " + wr.error);
          }
          break;
        default: break;
        }
      }
      if (!vr.error.empty())
        r.fail("value " + std::to_string(g.values.size()) + ": " + vr.error);
      g.values.push_back(std::move(v));
    } else if (r.field == 2 && r.is(wire::Bytes)) {
      Node n;
      wire::Reader nr(r.data);
      while (nr.next()) {
        switch (nr.field) {
        case 1: if (nr.is(wire::Bytes)) n.op = nr.data; break;
        case 2: if (nr.is(wire::Bytes)) n.name = nr.data; break;
        case 3: appendI32(nr, n.inputs); break;
        case 4: appendI32(nr, n.outputs); break;
        case 5:
          if (nr.is(wire::Bytes)) {
            Attr a;
            wire::Reader ar(nr.data);
            while (ar.next()) {
              switch (ar.field) {
              case 1: if (ar.is(wire::Bytes)) a.name = ar.data; break;
              case 2: if (ar.is(wire::Varint)) a.kind = Attr::Kind(int32_t(ar.value)); break;
              case 3: if (ar.is(wire::Varint)) a.i = int64_t(ar.value); break;
              case 4: if (ar.is(wire::Fixed64)) a.f = ar.asDouble(); break;
              case 5: if (ar.is(wire::Bytes)) a.s = ar.data; break;
              case 6: ar.appendInts(a.ints); break;
              case 7: ar.appendDoubles(a.floats); break;
              default: break;
              }
            }
            if (!ar.error.empty())
              nr.fail("attribute '" + a.name + "': " + ar.error);
            n.attrs.push_back(std::move(a));
          }
          break;
        case 6: if (nr.is(wire::Varint)) n.partition = int32_t(nr.value); break;
        case 7: appendI32(nr, n.bodies); break;
        default: break;
        }
      }
      if (!nr.error.empty())
        r.fail("node " + std::to_string(g.nodes.size()) + ": " + nr.error);
      g.nodes.push_back(std::move(n));
    } else if (r.field == 3) {
      appendI32(r, g.inputs);
    } else if (r.field == 4) {
      appendI32(r, g.outputs);
    } else if (r.field == 5 && r.is(wire::Bytes)) {
      Partition p;
      wire::Reader pr(r.data);
      while (pr.next()) {
        switch (pr.field) {
        case 1: if (pr.is(wire::Bytes)) p.plugin = pr.data; break;
        case 2: appendI32(pr, p.nodes); break;
        case 3: appendI32(pr, p.inputs); break;
        case 4: appendI32(pr, p.outputs); break;
        case 5: if (pr.is(wire::Bytes)) p.compiled = pr.data; break;
        case 6: if (pr.is(wire::Varint)) p.compiledOffset = pr.value; break;
        case 7: if (pr.is(wire::Varint)) p.compiledSize = pr.value; break;
        default: break;
        }
      }
      if (!pr.error.empty())
        r.fail("partition " + std::to_string(g.partitions.size()) + ": " + pr.error);
      g.partitions.push_back(std::move(p));
    } else if (r.field == 6 && r.is(wire::Bytes)) {
      Graph sub;
      std::string err;
      if (!decodeGraph(r.data, sub, err, depth + 1))
        r.fail("body graph " + std::to_string(g.subgraphs.size()) + ": " + err);
      g.subgraphs.push_back(std::move(sub));
    }
  }
  if (!r.error.empty()) {
    error = "graph section: " + r.error;
    return false;
  }
  return true;
}

/// Where weights may lie: [0] the weights section, [k] shard k's weights
/// (1.2), with the shard's file name for messages.
struct WeightAreas {
  std::vector<uint64_t> sizes;
  std::vector<std::string> names;
};

/// Structural checks: indices in range, weights inside their section or
/// shard, each value defined once, every node input defined before the node
/// (which also rules out cycles).
bool validateGraph(const Graph &g, const WeightAreas &areas, std::string &error,
                   const std::string &scope = "graph") {
  int32_t nv = int32_t(g.values.size());
  auto bad = [&](const std::string &msg) {
    error = scope + ": " + msg;
    return false;
  };
  std::vector<char> defined(g.values.size(), 0);
  for (int32_t i = 0; i < nv; ++i) {
    const Value &v = g.values[i];
    if (dtypeSize(v.dtype) == 0)
      return bad("value '" + v.name + "' has unknown dtype " + std::to_string(v.dtype));
    if (v.shape.size() > 64)
      return bad("value '" + v.name + "' has rank " + std::to_string(v.shape.size()));
    for (int64_t d : v.shape)
      if (d < -1)
        return bad("value '" + v.name + "' has invalid dim " + std::to_string(d));
    if (!v.dimNames.empty() && v.dimNames.size() != v.shape.size())
      return bad("value '" + v.name + "' has " + std::to_string(v.dimNames.size()) +
                 " dim names for rank " + std::to_string(v.shape.size()));
    if (v.isWeight) {
      uint64_t n = 1;
      for (int64_t d : v.shape) {
        if (d < 0)
          return bad("weight '" + v.name + "' has a dynamic dim");
        if (d != 0 && n > UINT64_MAX / uint64_t(d))
          return bad("weight '" + v.name + "' has an absurd shape");
        n *= uint64_t(d);
      }
      if (n > UINT64_MAX / 8 || n * dtypeSize(v.dtype) != v.weightSize)
        return bad("weight '" + v.name + "' holds " + std::to_string(v.weightSize) +
                   " bytes but its shape needs " + std::to_string(n * dtypeSize(v.dtype)));
      if (v.weightOffset % kWeightAlignment != 0)
        return bad("weight '" + v.name + "' is not 64-byte aligned");
      if (v.weightShard >= areas.sizes.size())
        return bad("weight '" + v.name + "' names shard " + std::to_string(v.weightShard) +
                   " but the artifact has " + std::to_string(areas.sizes.size() - 1) +
                   " shard file(s)");
      uint64_t weightsSize = areas.sizes[v.weightShard];
      if (v.weightOffset > weightsSize || v.weightSize > weightsSize - v.weightOffset) {
        if (v.weightShard == 0)
          return bad("weight '" + v.name + "' lies past the end of the weights section");
        return bad("weight '" + v.name + "' (" + std::to_string(v.weightSize) + " bytes at " +
                   std::to_string(v.weightOffset) + ") lies past the end of shard " +
                   std::to_string(v.weightShard) + " '" + areas.names[v.weightShard] + "' (" +
                   std::to_string(weightsSize) + " bytes of weights)");
      }
      defined[i] = 1;
    }
  }
  for (int32_t in : g.inputs) {
    if (in < 0 || in >= nv)
      return bad("graph input index " + std::to_string(in) + " out of range");
    if (defined[in])
      return bad("graph input '" + g.values[in].name + "' is defined twice");
    defined[in] = 1;
  }
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node &n = g.nodes[k];
    std::string where = "node " + std::to_string(k) + " ('" + n.name + "', " + n.op + ")";
    if (n.op.empty())
      return bad(where + " has no op");
    for (int32_t in : n.inputs) {
      if (in == -1)
        continue;
      if (in < 0 || in >= nv)
        return bad(where + " has input index " + std::to_string(in) + " out of range");
      if (!defined[in])
        return bad(where + " uses '" + g.values[in].name +
                   "' before it is defined (dangling input or cycle)");
    }
    for (int32_t out : n.outputs) {
      if (out < 0 || out >= nv)
        return bad(where + " has output index " + std::to_string(out) + " out of range");
      if (defined[out])
        return bad(where + " redefines '" + g.values[out].name + "'");
      defined[out] = 1;
    }
    // Control flow (1.1): bodies in range and their inputs/outputs matching
    // the node's.
    size_t wantBodies = n.op == "if" ? 2 : n.op == "loop" ? 1 : 0;
    if (n.bodies.size() != wantBodies)
      return bad(where + " has " + std::to_string(n.bodies.size()) + " body graph(s), expected " +
                 std::to_string(wantBodies));
    for (int32_t b : n.bodies) {
      if (b < 0 || (size_t)b >= g.subgraphs.size())
        return bad(where + " names body graph " + std::to_string(b) + " but the graph has " +
                   std::to_string(g.subgraphs.size()));
      const Graph &body = g.subgraphs[b];
      size_t wantIn = n.op == "if" ? (n.inputs.empty() ? 0 : n.inputs.size() - 1) : n.inputs.size();
      size_t wantOut = n.op == "if" ? n.outputs.size() : n.outputs.size() + 1;
      if (n.op == "if" && n.inputs.empty())
        return bad(where + " has no condition input");
      if (n.op == "loop") {
        int64_t carried = -1;
        for (const Attr &a : n.attrs)
          if (a.name == "num_carried" && a.kind == Attr::Int)
            carried = a.i;
        if (n.inputs.size() < 2 || carried < 0 || size_t(carried) > n.outputs.size() ||
            size_t(carried) + 2 > n.inputs.size())
          return bad(where + " has an invalid num_carried attribute or too few inputs");
      }
      if (body.inputs.size() != wantIn)
        return bad(where + ": body graph " + std::to_string(b) + " takes " +
                   std::to_string(body.inputs.size()) + " input(s) but the node passes " +
                   std::to_string(wantIn) + " (block arguments and captured values)");
      if (body.outputs.size() != wantOut)
        return bad(where + ": body graph " + std::to_string(b) + " yields " +
                   std::to_string(body.outputs.size()) + " value(s), expected " +
                   std::to_string(wantOut));
    }
    if (n.partition < 0 || (size_t)n.partition >= std::max<size_t>(g.partitions.size(), 1))
      return bad(where + " belongs to partition " + std::to_string(n.partition) +
                 " which does not exist");
  }
  for (int32_t out : g.outputs)
    if (out < 0 || out >= nv || !defined[out])
      return bad("graph output index " + std::to_string(out) + " is not defined");
  for (size_t p = 0; p < g.partitions.size(); ++p) {
    for (int32_t n : g.partitions[p].nodes)
      if (n < 0 || (size_t)n >= g.nodes.size())
        return bad("partition " + std::to_string(p) + " names node " + std::to_string(n) +
                   " which does not exist");
    for (auto *list : {&g.partitions[p].inputs, &g.partitions[p].outputs})
      for (int32_t v : *list)
        if (v < 0 || v >= nv)
          return bad("partition " + std::to_string(p) + " names value " + std::to_string(v) +
                     " which does not exist");
  }
  for (size_t b = 0; b < g.subgraphs.size(); ++b)
    if (!validateGraph(g.subgraphs[b], areas, error, scope + " body " + std::to_string(b)))
      return false;
  return true;
}

struct ShardEntry {
  std::string file;
  uint64_t size = 0;
  uint32_t headerCrc = 0;
};

/// A shard's file name must be a plain name in the artifact's directory.
std::string badShardName(const std::string &name) {
  if (name.empty())
    return "is empty";
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
    return "contains a path separator";
  if (name.find("..") != std::string::npos || name == ".")
    return "contains '..' or is '.'";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return "contains a control character";
  return "";
}

bool decodeShardTable(std::string_view bytes, std::string &id, std::vector<ShardEntry> &shards,
                      std::string &error) {
  wire::Reader r(bytes);
  while (r.next()) {
    if (r.field == 1 && r.is(wire::Bytes))
      id = r.data;
    else if (r.field == 2 && r.is(wire::Bytes)) {
      if (shards.size() >= kMaxShards) {
        r.fail("more than " + std::to_string(kMaxShards) + " shards");
        break;
      }
      ShardEntry e;
      wire::Reader sr(r.data);
      while (sr.next()) {
        if (sr.field == 1 && sr.is(wire::Bytes))
          e.file = sr.data;
        else if (sr.field == 2 && sr.is(wire::Varint))
          e.size = sr.value;
        else if (sr.field == 3 && sr.is(wire::Varint))
          e.headerCrc = uint32_t(sr.value);
      }
      if (!sr.error.empty())
        r.fail("shard " + std::to_string(shards.size() + 1) + ": " + sr.error);
      shards.push_back(std::move(e));
    }
  }
  if (!r.error.empty()) {
    error = "shard table: " + r.error;
    return false;
  }
  if (id.size() != kArtifactIdSize) {
    error = "shard table: the artifact id has " + std::to_string(id.size()) + " bytes, expected " +
            std::to_string(kArtifactIdSize);
    return false;
  }
  if (shards.empty()) {
    error = "shard table: no shards listed";
    return false;
  }
  for (size_t k = 0; k < shards.size(); ++k) {
    std::string why = badShardName(shards[k].file);
    if (!why.empty()) {
      error = "shard table: shard " + std::to_string(k + 1) + "'s file name '" + shards[k].file +
              "' " + why + " (a shard is a plain file name in the artifact's directory)";
      return false;
    }
    if (shards[k].size < kShardHeaderSize) {
      error = "shard table: shard " + std::to_string(k + 1) + " ('" + shards[k].file + "') is " +
              std::to_string(shards[k].size) + " bytes, less than its header";
      return false;
    }
  }
  return true;
}

/// Every weight value of `g` and its bodies.
void allWeights(const Graph &g, std::vector<const Value *> &out) {
  for (auto &v : g.values)
    if (v.isWeight)
      out.push_back(&v);
  for (auto &sub : g.subgraphs)
    allWeights(sub, out);
}

} // namespace

Artifact::~Artifact() = default;
uint64_t Artifact::fileSize() const { return file_->size(); }
const std::string &Artifact::path() const { return file_->path(); }

const void *Artifact::weightData(int32_t value) const {
  return weightData(graph_.values.at(size_t(value)));
}

const void *Artifact::weightData(const Value &v) const {
  if (!v.isWeight)
    return nullptr;
  if (v.weightShard) // validated at open: in range
    return shardData_[v.weightShard - 1] + v.weightOffset;
  return weights_ + v.weightOffset;
}

std::string Artifact::artifactId() const { return bytesToHex(artifactId_); }

bool Artifact::verifyWeights(std::string &error) const {
  std::vector<const Value *> weights;
  allWeights(graph_, weights);
  for (const Value *v : weights) {
    if (crc32c(weightData(*v), v->weightSize) != v->weightCrc) {
      error = path() + ": weight '" + v->name + "' fails its checksum (corrupt file)";
      if (v->weightShard)
        error = shards_[v->weightShard - 1].path + ": weight '" + v->name + "' (in shard " +
                std::to_string(v->weightShard) + " of " + std::to_string(shards_.size()) +
                " of " + path() + ") fails its checksum (corrupt shard file)";
      return false;
    }
  }
  return true;
}

std::unique_ptr<Artifact> Artifact::open(const std::string &path, std::string &error,
                                         const Options &options) {
  std::string err;
  auto file = MappedFile::open(path, &err);
  if (!file) {
    error = err;
    return nullptr;
  }
  // Shard files lie next to the artifact.
  Options o = options;
  size_t slash = path.rfind('/');
  o.shardDirectory = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  return open(std::move(file), error, o);
}

std::unique_ptr<Artifact> Artifact::open(std::unique_ptr<MappedFile> file, std::string &error,
                                         const Options &options) {
  std::string err;
  const std::string path = file->path();
  const uint8_t *p = file->data();
  uint64_t size = file->size();
  auto fail = [&](const std::string &msg) -> std::unique_ptr<Artifact> {
    error = path + ": " + msg;
    return nullptr;
  };
  if (size < kHeaderSize)
    return fail("not a kiln artifact (only " + std::to_string(size) + " bytes)");
  if (std::memcmp(p, kMagic, 8) != 0)
    return fail("not a kiln artifact (bad magic)");
  uint32_t major = get32(p + 8), minor = get32(p + 12);
  if (crc32c(p, 48) != get32(p + 48))
    return fail("header checksum mismatch (corrupt file)");
  if (major != kFormatMajor)
    return fail("format version " + std::to_string(major) + "." + std::to_string(minor) +
                " is not supported by this runtime (it reads " + std::to_string(kFormatMajor) +
                ".x)");
  uint64_t declared = get64(p + 24);
  if (declared != size)
    return fail("truncated or padded: the header says " + std::to_string(declared) +
                " bytes, the file has " + std::to_string(size));
  uint64_t tableOffset = get64(p + 32);
  uint32_t count = get32(p + 40);
  if (count > 1024 || tableOffset > size || uint64_t(count) * kSectionEntrySize > size - tableOffset)
    return fail("section table lies past the end of the file");
  if (crc32c(p + tableOffset, count * kSectionEntrySize) != get32(p + 44))
    return fail("section table checksum mismatch (corrupt file)");

  std::unique_ptr<Artifact> a(new Artifact());
  a->major_ = major;
  a->minor_ = minor;
  std::string_view metaBytes, graphBytes, shardBytes;
  bool haveMeta = false, haveGraph = false, haveWeights = false, haveShards = false;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t *e = p + tableOffset + i * kSectionEntrySize;
    uint32_t kind = get32(e);
    uint64_t off = get64(e + 8), len = get64(e + 16);
    uint32_t crc = get32(e + 24);
    if (off > size || len > size - off)
      return fail("section " + std::to_string(i) + " lies past the end of the file");
    std::string_view bytes(reinterpret_cast<const char *>(p + off), len);
    switch (SectionKind(kind)) {
    case SectionKind::Metadata:
    case SectionKind::Graph:
      if (crc32c(bytes.data(), bytes.size()) != crc)
        return fail(std::string(kind == 1 ? "metadata" : "graph") +
                    " section checksum mismatch (corrupt file)");
      (kind == 1 ? metaBytes : graphBytes) = bytes;
      (kind == 1 ? haveMeta : haveGraph) = true;
      break;
    case SectionKind::Weights:
      if (off % kWeightAlignment != 0)
        return fail("weights section is not 64-byte aligned");
      a->weights_ = p + off;
      a->weightsSize_ = len;
      haveWeights = true;
      break;
    case SectionKind::PluginData:
      if (off % kWeightAlignment != 0)
        return fail("plugin-data section is not 64-byte aligned");
      a->pluginData_ = p + off;
      a->pluginDataSize_ = len;
      break;
    case SectionKind::Shards:
      if (crc32c(bytes.data(), bytes.size()) != crc)
        return fail("shard table section checksum mismatch (corrupt file)");
      shardBytes = bytes;
      haveShards = true;
      break;
    default:
      break; // sections of newer minor versions are ignored
    }
  }
  if (!haveMeta || !haveGraph || !haveWeights)
    return fail("a required section (metadata, graph or weights) is missing");
  if (!decodeMetadata(metaBytes, a->meta_, err))
    return fail(err);
  // Features this reader does not know (a newer writer's): refuse by name
  // rather than misread the graph.
  for (const std::string &f : a->meta_.required)
    if (f != kFeatureControlFlow && f != kFeatureShardedWeights)
      return fail("the artifact (format " + std::to_string(major) + "." + std::to_string(minor) +
                  ") requires feature '" + f + "', which this runtime (format " +
                  std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor) +
                  ") does not support");
  // 1.2: the table of weight shard files.
  bool sharded = std::find(a->meta_.required.begin(), a->meta_.required.end(),
                           kFeatureShardedWeights) != a->meta_.required.end();
  if (sharded != haveShards)
    return fail(sharded ? "the metadata requires feature 'sharded-weights' but there is no shard "
                          "table section"
                        : "there is a shard table section but the metadata does not require "
                          "feature 'sharded-weights'");
  std::vector<ShardEntry> shardTable;
  if (haveShards && !decodeShardTable(shardBytes, a->artifactId_, shardTable, err))
    return fail(err);
  WeightAreas areas;
  areas.sizes.push_back(a->weightsSize_);
  areas.names.push_back("");
  for (const ShardEntry &e : shardTable) {
    areas.sizes.push_back(e.size - kShardHeaderSize);
    areas.names.push_back(e.file);
  }
  if (!decodeGraph(graphBytes, a->graph_, err) || !validateGraph(a->graph_, areas, err))
    return fail(err);
  if (!a->graph_.subgraphs.empty() &&
      std::find(a->meta_.required.begin(), a->meta_.required.end(), kFeatureControlFlow) ==
          a->meta_.required.end())
    return fail("graph: the graph has body graphs but the metadata does not require feature '" +
                std::string(kFeatureControlFlow) + "'");
  // Compiled partitions point into the plugin-data section (or at the bytes
  // an older writer kept in the graph).
  for (size_t i = 0; i < a->graph_.partitions.size(); ++i) {
    Partition &part = a->graph_.partitions[i];
    if (part.compiledSize) {
      if (part.compiledOffset > a->pluginDataSize_ || part.compiledSize > a->pluginDataSize_ - part.compiledOffset)
        return fail("partition " + std::to_string(i) + ": its compiled blob (" + std::to_string(part.compiledSize) +
                    " bytes at " + std::to_string(part.compiledOffset) + ") lies outside the plugin-data section (" +
                    std::to_string(a->pluginDataSize_) + " bytes)");
      part.compiledData = a->pluginData_ + part.compiledOffset;
    } else if (!part.compiled.empty()) {
      part.compiledData = part.compiled.data();
      part.compiledSize = part.compiled.size();
    }
  }
  // Map every shard and check that it is the one the table names: same
  // artifact, index, count, size and header.
  uint32_t shardCount = uint32_t(shardTable.size());
  if (shardCount && options.shardDirectory.empty())
    return fail("the weights are in " + std::to_string(shardCount) + " shard file(s) ('" +
                shardTable[0].file + (shardCount > 1 ? "', ..." : "'") +
                ") but the artifact was opened from memory, where they cannot be found (open "
                "it from its file, or give Options::shardDirectory)");
  for (uint32_t k = 1; k <= shardCount; ++k) {
    const ShardEntry &e = shardTable[k - 1];
    ShardInfo info;
    info.file = e.file;
    info.path = options.shardDirectory + (options.shardDirectory.back() == '/' ? "" : "/") + e.file;
    info.size = e.size;
    info.headerCrc = e.headerCrc;
    std::string where = "shard " + std::to_string(k) + " of " + std::to_string(shardCount) + " (" +
                        info.path + ")";
    std::string openErr;
    auto sf = MappedFile::open(info.path, &openErr);
    if (!sf)
      return fail(where + " is missing or unreadable: " + openErr);
    const uint8_t *h = sf->data();
    if (sf->size() < kShardHeaderSize)
      return fail(where + " is truncated: " + std::to_string(sf->size()) +
                  " bytes, less than its " + std::to_string(kShardHeaderSize) + "-byte header");
    if (std::memcmp(h, kShardMagic, 8) != 0)
      return fail(where + " is not a kiln weight shard (bad magic)");
    if (crc32c(h, 60) != get32(h + 60))
      return fail(where + ": header checksum mismatch (corrupt file)");
    if (get32(h + 8) != kFormatMajor)
      return fail(where + ": shard format version " + std::to_string(get32(h + 8)) + "." +
                  std::to_string(get32(h + 12)) + " is not supported");
    std::string id(reinterpret_cast<const char *>(h + 32), kArtifactIdSize);
    if (id != a->artifactId_)
      return fail(where + " belongs to another artifact (its artifact id is " + bytesToHex(id) +
                  ", this artifact's is " + bytesToHex(a->artifactId_) +
                  "): shards from another compile cannot be mixed in");
    if (get32(h + 16) != k || get32(h + 20) != shardCount)
      return fail(where + " is shard " + std::to_string(get32(h + 16)) + " of " +
                  std::to_string(get32(h + 20)) + " in its header, but the shard table lists it as "
                  "shard " + std::to_string(k) + " of " + std::to_string(shardCount) +
                  " (a renamed or swapped shard file)");
    if (get64(h + 24) != sf->size())
      return fail(where + " is truncated or padded: its header says " +
                  std::to_string(get64(h + 24)) + " bytes, the file has " +
                  std::to_string(sf->size()));
    if (sf->size() != e.size)
      return fail(where + " is " + std::to_string(sf->size()) + " bytes but the shard table says " +
                  std::to_string(e.size));
    if (get32(h + 60) != e.headerCrc)
      return fail(where + ": its header does not match the checksum in the shard table");
    a->shardData_.push_back(h + kShardHeaderSize);
    a->shardDataSize_.push_back(e.size - kShardHeaderSize);
    a->shardFiles_.push_back(std::move(sf));
    a->shards_.push_back(std::move(info));
  }
  if (shardCount) {
    std::vector<const Value *> weights;
    allWeights(a->graph_, weights);
    std::set<std::pair<uint32_t, uint64_t>> seen; // shared blobs count once
    for (const Value *v : weights)
      if (v->weightShard && seen.insert({v->weightShard, v->weightOffset}).second) {
        a->shards_[v->weightShard - 1].weights++;
        a->shards_[v->weightShard - 1].weightBytes += v->weightSize;
      }
  }
  a->file_ = std::move(file);
  if (options.verifyWeights && !a->verifyWeights(error))
    return nullptr;
  return a;
}

} // namespace kiln::artifact
