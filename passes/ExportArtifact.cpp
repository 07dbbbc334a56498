//===- ExportArtifact.cpp - kiln IR to a .kiln artifact -------------------===//
#include "kiln/passes/ExportArtifact.h"
#include "PassUtils.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/runtime/Artifact.h"
#include "kiln/runtime/CGraph.h"
#include "kiln/runtime/Partitioner.h"
#include "kiln/runtime/PluginHost.h"
#include "kiln/support/Checksum.h"
#include "kiln/support/MappedFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <ctime>
#include <deque>
#include <functional>

using namespace mlir;

namespace kiln {
namespace {

bool convertAttr(NamedAttribute na, artifact::Attr &a, std::string &error) {
  a.name = na.getName().str();
  Attribute v = na.getValue();
  if (auto b = dyn_cast<BoolAttr>(v)) {
    a.kind = artifact::Attr::Int;
    a.i = b.getValue();
  } else if (auto i = dyn_cast<IntegerAttr>(v)) {
    a.kind = artifact::Attr::Int;
    a.i = i.getValue().getSExtValue();
  } else if (auto f = dyn_cast<FloatAttr>(v)) {
    a.kind = artifact::Attr::Float;
    a.f = f.getValueAsDouble();
  } else if (auto s = dyn_cast<StringAttr>(v)) {
    a.kind = artifact::Attr::String;
    a.s = s.str();
  } else if (auto ints = dyn_cast<DenseI64ArrayAttr>(v)) {
    a.kind = artifact::Attr::Ints;
    a.ints.assign(ints.asArrayRef().begin(), ints.asArrayRef().end());
  } else if (auto fl = dyn_cast<DenseF32ArrayAttr>(v)) {
    a.kind = artifact::Attr::Floats;
    for (float x : fl.asArrayRef())
      a.floats.push_back(x);
  } else if (auto t = dyn_cast<TypeAttr>(v)) {
    a.kind = artifact::Attr::DType;
    a.i = dtypeOf(t.getValue());
  } else if (auto e = dyn_cast<ElementsAttr>(v)) {
    a.kind = artifact::Attr::Tensor;
    a.i = dtypeOf(e.getShapedType().getElementType());
    a.ints.assign(e.getShapedType().getShape().begin(), e.getShapedType().getShape().end());
    if (!constantBytes(e, a.s)) {
      error = "cannot serialize tensor attribute '" + a.name + "'";
      return false;
    }
  } else {
    error = "cannot serialize attribute '" + a.name + "'";
    return false;
  }
  return true;
}

std::string locName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (auto n = dyn_cast<NameLoc>(l))
        return n.getName().str();
  return "";
}

/// Ahead of time: each top-level partition whose plugin can serialize a
/// compiled partition is compiled now and its blob kept in the artifact
/// (the cpu plugin: primitives chosen, weights repacked). Returns report
/// lines; a plugin that declines leaves its partition to be compiled at load.
std::string prepackPartitions(artifact::Graph &g, const std::vector<Plugin *> &plugins,
                              const std::function<const void *(int32_t)> &weightData) {
  std::string report;
  CGraph cg(g, weightData);
  for (size_t i = 0; i < g.partitions.size(); ++i) {
    artifact::Partition &part = g.partitions[i];
    Plugin *plugin = nullptr;
    for (Plugin *p : plugins)
      if (p->name() == part.plugin)
        plugin = p;
    if (!plugin || !KILN_HAS_FIELD(&plugin->api(), kiln_plugin_api, deserialize) || !plugin->api().serialize ||
        !plugin->api().deserialize)
      continue;
    kiln_partition cp = CGraph::partitionOf(part);
    kiln_executable exec = nullptr;
    const void *data = nullptr;
    uint64_t size = 0;
    std::string why;
    if (plugin->api().compile(plugin->instance(), cg.get(), &cp, &exec) != KILN_OK || !exec)
      why = plugin->lastError();
    else if (plugin->api().serialize(plugin->instance(), exec, &data, &size) != KILN_OK || !data)
      why = plugin->lastError();
    else
      part.compiled.assign(static_cast<const char *>(data), size_t(size));
    if (exec)
      plugin->api().executable_destroy(plugin->instance(), exec);
    report += "  partition " + std::to_string(i) + " (" + part.plugin + "): " +
              (why.empty() ? "compiled ahead of time, " + std::to_string(size) + " bytes stored"
                           : "not compiled ahead of time: " + why) +
              "\n";
  }
  return report;
}

} // namespace

bool exportArtifact(ModuleOp module, const std::string &path, const ExportOptions &options,
                    std::string &report, std::string &error) {
  func::FuncOp func;
  module.walk([&](func::FuncOp f) {
    if (!func || f.getName() == "main")
      func = f;
  });
  if (!func || func.isExternal()) {
    error = "the module has no graph function to export";
    return false;
  }
  if (!llvm::hasSingleElement(func.getBody())) {
    error = "graphs with more than one block cannot be exported yet";
    return false;
  }
  artifact::Graph g;
  std::deque<std::string> weightStorage; // stable addresses for writeData
  int counter = 0;
  auto checkType = [&](Value v, const std::string &what) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !dtypeOf(type.getElementType())) {
      error = what + " has type " + [&] {
        std::string s;
        llvm::raw_string_ostream os(s);
        v.getType().print(os);
        return s;
      }() + ", which the artifact cannot hold (unranked or unsupported element type)";
      return false;
    }
    return true;
  };
  // Values of one graph (the top level or a body) and their ids.
  struct Scope {
    artifact::Graph &g;
    llvm::DenseMap<Value, int32_t> ids;
    int32_t add(Value v, const std::string &name) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      artifact::Value av;
      av.name = name;
      av.dtype = type ? dtypeOf(type.getElementType()) : 0;
      if (type)
        for (int64_t d : type.getShape())
          av.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
      g.values.push_back(std::move(av));
      int32_t id = int32_t(g.values.size() - 1);
      ids[v] = id;
      return id;
    }
  };
  // A constant: a weight value of the graph.
  auto exportConstant = [&](ConstantOp c, Scope &sc, const std::string &name) -> bool {
    if (!checkType(c.getResult(), "constant '" + name + "'"))
      return false;
    weightStorage.emplace_back();
    if (!constantBytes(c.getValue(), weightStorage.back())) {
      error = "constant '" + name + "' has no readable data";
      return false;
    }
    int32_t id = sc.add(c.getResult(), name);
    auto &v = sc.g.values[id];
    v.isWeight = true;
    v.weightSize = weightStorage.back().size();
    v.writeData = weightStorage.back().data();
    return true;
  };
  // Exports the ops of `block` into sc.g (a ReturnOp or YieldOp ends it and
  // is handled by the caller through `terminator`).
  std::function<bool(Block &, Scope &, Operation *&)> exportOps;
  // A kiln.if/kiln.loop region as a body graph of sc.g: inputs are the block
  // arguments, then `captures`.
  auto exportBody = [&](Region &region, const std::string &nodeName, ArrayRef<Value> captures,
                        Scope &outer, int32_t &index) -> bool {
    outer.g.subgraphs.emplace_back();
    index = int32_t(outer.g.subgraphs.size() - 1);
    artifact::Graph body;
    Scope sc{body, {}};
    Block &block = region.front();
    for (BlockArgument arg : block.getArguments()) {
      std::string name = "%" + nodeName + "/arg" + std::to_string(arg.getArgNumber());
      if (!checkType(arg, "argument " + std::to_string(arg.getArgNumber()) + " of the body of '" +
                              nodeName + "'"))
        return false;
      body.inputs.push_back(sc.add(arg, name));
    }
    for (Value c : captures) {
      // A captured constant is a weight of the body too (sharing its bytes).
      if (auto k = c.getDefiningOp<ConstantOp>()) {
        const artifact::Value &ov = outer.g.values[size_t(outer.ids.lookup(c))];
        int32_t id = sc.add(c, ov.name);
        body.values[size_t(id)].isWeight = true;
        body.values[size_t(id)].weightSize = ov.weightSize;
        body.values[size_t(id)].writeData = ov.writeData;
        continue;
      }
      body.inputs.push_back(sc.add(c, outer.g.values[size_t(outer.ids.lookup(c))].name));
    }
    Operation *term = nullptr;
    if (!exportOps(block, sc, term))
      return false;
    auto yield = dyn_cast_or_null<YieldOp>(term);
    if (!yield) {
      error = "the body of '" + nodeName + "' does not end in kiln.yield";
      return false;
    }
    for (Value v : yield.getOperands())
      body.outputs.push_back(sc.ids.lookup(v));
    outer.g.subgraphs[size_t(index)] = std::move(body);
    return true;
  };
  exportOps = [&](Block &block, Scope &sc, Operation *&terminator) -> bool {
    for (Operation &op : block) {
      if (isa<func::ReturnOp, YieldOp>(op)) {
        terminator = &op;
        return true;
      }
      if (!isa<KilnDialect>(op.getDialect())) {
        error = "op '" + op.getName().getStringRef().str() + "' is not a kiln op";
        return false;
      }
      std::string nodeName = locName(op.getLoc());
      if (auto c = dyn_cast<ConstantOp>(op)) {
        if (!exportConstant(c, sc, nodeName.empty() ? "const" + std::to_string(counter++) : nodeName))
          return false;
        continue;
      }
      artifact::Node node;
      node.op = op.getName().stripDialect().str();
      node.name = nodeName.empty() ? node.op + "_" + std::to_string(sc.g.nodes.size()) : nodeName;
      // Control flow: the values the regions capture become trailing inputs
      // (constants among them are weights of this graph, added first).
      llvm::SetVector<Value> captured;
      if (op.getNumRegions()) {
        getUsedValuesDefinedAbove(op.getRegions(), captured);
        for (Value c : captured)
          if (!sc.ids.count(c)) {
            error = "node '" + node.name + "' captures a value defined outside the graph";
            return false;
          }
      }
      for (Value in : op.getOperands()) {
        if (!in) { // an absent optional operand (kiln.loop)
          node.inputs.push_back(-1);
          continue;
        }
        auto it = sc.ids.find(in);
        if (it == sc.ids.end()) {
          error = "node '" + node.name + "' uses a value defined outside the graph";
          return false;
        }
        node.inputs.push_back(it->second);
      }
      if (auto loop = dyn_cast<LoopOp>(op)) {
        // Fixed positions: trip count, condition (-1 when absent), carried.
        node.inputs.clear();
        node.inputs.push_back(loop.getMaxTripCount() ? sc.ids.lookup(loop.getMaxTripCount()) : -1);
        node.inputs.push_back(loop.getCond() ? sc.ids.lookup(loop.getCond()) : -1);
        for (Value v : loop.getInits())
          node.inputs.push_back(sc.ids.lookup(v));
        artifact::Attr a;
        a.name = "num_carried";
        a.kind = artifact::Attr::Int;
        a.i = int64_t(loop.getInits().size());
        node.attrs.push_back(std::move(a));
      }
      // Captured constants are weights of the bodies, not inputs.
      for (Value c : captured)
        if (!c.getDefiningOp<ConstantOp>())
          node.inputs.push_back(sc.ids.lookup(c));
      for (auto [i, r] : llvm::enumerate(op.getResults())) {
        std::string name = "%" + node.name + (op.getNumResults() > 1 ? ":" + std::to_string(i) : "");
        if (!checkType(r, "result of node '" + node.name + "' (" + node.op + ")"))
          return false;
        node.outputs.push_back(sc.add(r, name));
      }
      if (op.getNumRegions()) {
        for (Region &region : op.getRegions()) {
          int32_t index = -1;
          if (!exportBody(region, node.name, captured.getArrayRef(), sc, index))
            return false;
          node.bodies.push_back(index);
        }
        sc.g.nodes.push_back(std::move(node));
        continue;
      }
      for (NamedAttribute na : op.getAttrDictionary()) {
        // kiln.custom keeps the source node's attributes in a dictionary: a
        // kernel plugin sees them flattened, under their own names.
        if (auto dict = dyn_cast<DictionaryAttr>(na.getValue())) {
          for (NamedAttribute inner : dict) {
            artifact::Attr a;
            if (!convertAttr(inner, a, error)) {
              error = "node '" + node.name + "': " + error;
              return false;
            }
            node.attrs.push_back(std::move(a));
          }
          continue;
        }
        artifact::Attr a;
        if (!convertAttr(na, a, error)) {
          error = "node '" + node.name + "': " + error;
          return false;
        }
        node.attrs.push_back(std::move(a));
      }
      sc.g.nodes.push_back(std::move(node));
    }
    error = "a block ends without a terminator";
    return false;
  };

  Scope top{g, {}};
  for (BlockArgument arg : func.getArguments()) {
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "kiln.name");
    std::string n = name ? name.str() : "input" + std::to_string(arg.getArgNumber());
    if (!checkType(arg, "input '" + n + "'"))
      return false;
    int32_t id = top.add(arg, n);
    if (auto dims = func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "kiln.dim_names"))
      for (Attribute a : dims)
        g.values[id].dimNames.push_back(cast<StringAttr>(a).str());
    g.inputs.push_back(id);
  }

  Operation *terminator = nullptr;
  if (!exportOps(func.getBody().front(), top, terminator))
    return false;
  auto &ids = top.ids;
  if (auto ret = dyn_cast<func::ReturnOp>(terminator)) {
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        int32_t id = ids.lookup(v);
        auto name = func.getResultAttrOfType<StringAttr>(i, "kiln.name");
        bool isOutput = llvm::is_contained(g.outputs, id);
        if (name && !isOutput &&
            (g.values[id].name.rfind("%", 0) == 0 || g.values[id].isWeight)) {
          // A computed value or a folded constant takes the output's name.
          g.values[id].name = name.str();
        } else if (name && g.values[id].name != name.str()) {
          // A graph input returned as is, or a value returned under a second
          // name: an identity node gives the output its own value and name.
          artifact::Node copy;
          copy.op = "identity";
          copy.name = name.str();
          copy.inputs.push_back(id);
          artifact::Value out = g.values[id];
          out.name = name.str();
          out.isWeight = false;
          out.weightOffset = out.weightSize = 0;
          out.weightCrc = 0;
          out.writeData = nullptr;
          g.values.push_back(std::move(out));
          id = int32_t(g.values.size() - 1);
          copy.outputs.push_back(id);
          g.nodes.push_back(std::move(copy));
        }
        if (auto dims = func.getResultAttrOfType<ArrayAttr>(i, "kiln.dim_names"))
          if (g.values[id].dimNames.empty())
            for (Attribute a : dims)
              g.values[id].dimNames.push_back(cast<StringAttr>(a).str());
        g.outputs.push_back(id);
      }
  }
  // Internal value names lose their '%' marker.
  std::function<void(artifact::Graph &)> strip = [&](artifact::Graph &gr) {
    for (auto &v : gr.values)
      if (v.name.rfind("%", 0) == 0)
        v.name = v.name.substr(1);
    for (auto &sub : gr.subgraphs)
      strip(sub);
  };
  strip(g);

  // Partition across the plugins.
  PluginHost::Options ho;
  ho.searchPaths = options.pluginPaths;
  PluginHost host(ho);
  std::vector<Plugin *> plugins;
  if (options.targets.empty()) {
    host.discover();
    for (auto &p : host.plugins())
      plugins.push_back(p.get());
    std::stable_sort(plugins.begin(), plugins.end(),
                     [](Plugin *a, Plugin *b) { return a->priority() > b->priority(); });
  } else {
    for (const std::string &t : options.targets) {
      Plugin *p = host.get(t, error);
      if (!p)
        return false;
      plugins.push_back(p);
    }
  }
  if (plugins.empty()) {
    error = "no backend plugin found (searched:";
    for (auto &d : host.searchPath())
      error += " " + d;
    error += ")";
    for (auto &d : host.diagnostics())
      error += "; " + d;
    return false;
  }
  PartitionOptions po;
  po.allowFallback = options.allowFallback;
  PartitionReport pr;
  auto weightData = [&](int32_t v) { return g.values[v].writeData; };
  if (!g.nodes.empty() && !partitionGraph(g, plugins, weightData, po, pr, error)) {
    // Say where plugins were looked for: the usual fix is a plugin that
    // serves the node (a kernel plugin for a custom op) on that path.
    error += "; plugins searched in:";
    for (auto &d : host.searchPath())
      error += " " + d;
    return false;
  }
  report = pr.format(g);
  if (options.prepack)
    report += prepackPartitions(g, plugins, weightData);

  artifact::Metadata meta;
  meta.kilnVersion = "0.1.0";
  meta.createdUnix = int64_t(std::time(nullptr));
  if (auto src = module->getAttrOfType<StringAttr>("kiln.source")) {
    meta.sourceName = src.str();
    std::string err;
    if (auto f = MappedFile::open(src.str(), &err))
      meta.sourceSha256 = sha256Hex(f->data(), f->size());
  }
  if (auto p = module->getAttrOfType<StringAttr>("kiln.onnx.producer"))
    meta.producer = p.str();
  meta.modelVersion = options.modelVersion;
  meta.labels = options.labels;
  meta.properties = options.properties;
  for (Plugin *p : plugins)
    meta.plugins.push_back(p->name() + " " + (p->api().version ? p->api().version : ""));
#if defined(__x86_64__)
  meta.isa = "x86_64";
#elif defined(__aarch64__)
  meta.isa = "aarch64";
#endif
  artifact::WriteOptions wo;
  wo.shardSize = options.shardSize;
  return artifact::writeArtifact(path, meta, g, wo, error);
}

} // namespace kiln
