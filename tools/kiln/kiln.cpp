//===- kiln.cpp - the kiln command-line driver ----------------------------===//
//
//   kiln compile MODEL -o OUT.kiln [options]   ONNX -> optimized -> artifact
//   kiln run OUT.kiln [--input NAME=FILE.npy]...  run through the runtime
//   kiln inspect OUT.kiln [--verify]            what the artifact holds
//
// Exit codes: 0 success, 1 the model or artifact was refused or failed to
// run (the message says why), 2 bad command line.
//
//===----------------------------------------------------------------------===//
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/torch/TorchScriptImporter.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"
#include <mutex>
#include <set>
#include "kiln/runtime/Compare.h"
#include "kiln/runtime/Runtime.h"
#include "kiln/onnx/OnnxProto.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "kiln/support/MappedFile.h"
#include "kiln/torch/Inspect.h"
#include "kiln/support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <sys/stat.h>

using namespace mlir;

namespace {

constexpr const char *kVersion = "0.1.0";

void usage(llvm::raw_ostream &os) {
  os << "kiln " << kVersion << ": ahead-of-time model compiler\n\n"
     << "usage:\n"
     << "  kiln compile MODEL.onnx|MODEL.pt [options]  import, optimize, write an artifact\n"
     << "  kiln run MODEL.kiln [options]       run an artifact\n"
     << "  kiln inspect MODEL.kiln [--verify] [--json]  show what an artifact holds\n"
     << "  kiln inspect FILE.pt|.pth|.bin|.ckpt|.pkl|.safetensors|.index.json [--allow-global M.N]\n"
     << "                                             list a PyTorch/safetensors file's tensors (nothing is executed)\n"
     << "  kiln verify MODEL.kiln [inputs]     compare with the reference plugin\n"
     << "  kiln bench MODEL.kiln [inputs] [--warmup N] [--iterations N] [--per-op]\n"
     << "  kiln --version\n\n"
     << "compile options:\n"
     << "  -o FILE.kiln             write the compiled artifact\n"
     << "  -o FILE.mlir             write the optimized kiln IR instead\n"
     << "  --target P1,P2           plugins to partition for, in priority order\n"
     << "  --no-fallback            every node must run on the first target\n"
     << "  --no-prepack             store no compiled partitions (the cpu plugin's\n"
     << "                           primitives and repacked weights; default: stored)\n"
     << "  --shard-size SIZE        put the weights in shard files of at most SIZE bytes\n"
     << "                           next to the artifact (OUT.kiln.w00001-of-0000N; SIZE\n"
     << "                           e.g. 2G, 500M, 64K: powers of 1024; a larger weight\n"
     << "                           gets a shard of its own; format 1.2)\n"
     << "  --report                 print which node runs on which plugin\n"
     << "  --model-version V        the model's own version string\n"
     << "  --labels FILE            class labels, one per line\n"
     << "  --metadata K=V           extra metadata (repeatable)\n"
     << "  --plugin-path DIR        where to look for plugins first\n"
     << "  --input-shape N=1x3x224x224  fix an input's dynamic dims before optimizing\n"
     << "                           (TorchScript .pt: required for every tensor input)\n"
     << "  --method NAME            TorchScript: the root module's method to compile\n"
     << "  --input-type N=i64       TorchScript: an input's element type (default f32)\n"
     << "                           (default forward)\n"
     << "  -O0 | -O1 | -O2 | -O3    optimization level (default -O2)\n"
     << "  --print-ir               print the optimized IR to stdout\n"
     << "  --print-ir-after-all     print the IR after every pass (stderr)\n"
     << "  --print-ir-after=P1,P2   print the IR after the named passes (stderr)\n"
     << "  --disable-pass=P1,P2     leave passes out of the -O pipeline (e.g. kiln-fuse)\n"
     << "  --keep-overridable N1,N2 initializer inputs freezing keeps as inputs\n"
     << "  --pass-timing            time every pass (stderr)\n"
     << "  --pass-pipeline=P        run pipeline P instead of the -O level\n"
     << "  --load-pass-plugin LIB   load an MLIR pass plugin (its passes can be named\n"
     << "                           in --pass-pipeline)\n\n"
     << "run options:\n"
     << "  --input NAME=FILE        an input, FILE a .npy or an ONNX TensorProto .pb\n"
     << "                           (repeatable; a lone input may omit NAME=)\n"
     << "  --random-inputs SEED     fill missing inputs with random values\n"
     << "  --output-dir DIR         write DIR/<output name>.npy per output\n"
     << "  --top-k N                print the N best classes (with labels)\n"
     << "  --verify-weights         check every weight's checksum at load\n"
     << "  --memory-report          planned arena vs the sum of all intermediates\n"
     << "  --expect NAME=FILE       compare an output with a reference .npy or .pb\n"
     << "                           (exit 1 when it differs)\n"
     << "  --rtol R --atol A        tolerances for --expect (default 1e-3, 1e-4)\n"
     << "  --plugin-path DIR        where to look for plugins first\n"
     << "  --threads N              threads for the plugins (0: their default)\n"
     << "  (bench and verify take --input, --random-inputs, --plugin-path, --threads)\n\n"
     << "exit codes: 0 success, 1 refused or failed, 2 bad command line\n";
}

std::vector<std::string> readLines(const std::string &path, bool &ok) {
  std::ifstream f(path);
  ok = bool(f);
  std::vector<std::string> lines;
  for (std::string l; std::getline(f, l);)
    lines.push_back(l);
  return lines;
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::map<std::string, int> countOps(ModuleOp module) {
  std::map<std::string, int> counts;
  module.walk([&](Operation *op) {
    if (isa<kiln::KilnDialect>(op->getDialect()))
      counts[op->getName().getStringRef().str()]++;
  });
  return counts;
}

/// Per pass, what it changed: kiln op counts before and after each run,
/// summed over the functions it ran on (kiln compile --report).
struct PassChangeReport : mlir::PassInstrumentation {
  struct Entry {
    std::string pass;
    std::map<std::string, int> before, after;
  };
  std::mutex mutex;
  std::vector<Entry> entries;
  std::map<std::pair<Pass *, Operation *>, std::map<std::string, int>> pending;
  static std::map<std::string, int> count(Operation *root) {
    std::map<std::string, int> c;
    root->walk([&](Operation *op) {
      if (isa<kiln::KilnDialect>(op->getDialect()))
        c[op->getName().stripDialect().str()]++;
    });
    return c;
  }
  void runBeforePass(Pass *pass, Operation *op) override {
    if (pass->getArgument().empty()) // pass-manager adaptors, not passes
      return;
    std::lock_guard<std::mutex> lock(mutex);
    // A pass a pass runs itself (e.g. kiln-simplify's shape inference) is
    // part of that pass's change, not an entry of its own.
    for (auto &kv : pending)
      if (kv.first.second == op || kv.first.second->isProperAncestor(op))
        return;
    pending[{pass, op}] = count(op);
  }
  void runAfterPass(Pass *pass, Operation *op) override {
    if (pass->getArgument().empty()) // pass-manager adaptors, not passes
      return;
    auto c = count(op);
    std::lock_guard<std::mutex> lock(mutex);
    auto it = pending.find({pass, op});
    if (it == pending.end())
      return;
    std::string name = pass->getArgument().str();
    entries.push_back({name, std::move(it->second), std::move(c)});
    pending.erase(it);
  }
  void print(llvm::raw_ostream &os) const {
    os << "  passes (kiln ops before -> after, and what changed):\n";
    for (const Entry &e : entries) {
      int b = 0, a = 0;
      for (auto &kv : e.before)
        b += kv.second;
      for (auto &kv : e.after)
        a += kv.second;
      os << "    " << e.pass << ": " << b << " -> " << a;
      std::map<std::string, int> delta;
      for (auto &kv : e.before)
        delta[kv.first] -= kv.second;
      for (auto &kv : e.after)
        delta[kv.first] += kv.second;
      std::string sep = " (";
      bool any = false;
      for (auto &kv : delta)
        if (kv.second) {
          os << sep << (kv.second > 0 ? "+" : "") << kv.second << " " << kv.first;
          sep = ", ";
          any = true;
        }
      os << (any ? ")" : " (no change)") << "\n";
    }
  }
};

int total(const std::map<std::string, int> &c) {
  int n = 0;
  for (auto &[k, v] : c)
    n += v;
  return n;
}

std::string typeStr(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

void printSignature(func::FuncOp f, llvm::raw_ostream &os) {
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    auto name = f.getArgAttrOfType<StringAttr>(i, "kiln.name");
    os << "  input  " << (name ? name.getValue() : "?") << ": "
       << typeStr(f.getArgument(i).getType()) << "\n";
  }
  for (unsigned i = 0; i < f.getNumResults(); ++i) {
    auto name = f.getResultAttrOfType<StringAttr>(i, "kiln.name");
    os << "  output " << (name ? name.getValue() : "?") << ": "
       << typeStr(f.getResultTypes()[i]) << "\n";
  }
}

/// Replaces the dynamic dims of named inputs with the given sizes.
bool fixInputShapes(ModuleOp module, const std::map<std::string, std::vector<int64_t>> &shapes,
                    std::string &error) {
  func::FuncOp func;
  module.walk([&](func::FuncOp f) { func = f; });
  if (!func)
    return false;
  std::map<std::string, bool> used;
  SmallVector<Type> argTypes(func.getArgumentTypes());
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto name = func.getArgAttrOfType<StringAttr>(i, "kiln.name");
    if (!name || !shapes.count(name.str()))
      continue;
    const auto &dims = shapes.at(name.str());
    auto t = dyn_cast<RankedTensorType>(argTypes[i]);
    if (!t || t.getRank() != int64_t(dims.size())) {
      error = "--input-shape for '" + name.str() + "' has " + std::to_string(dims.size()) +
              " dims but the input has type " + typeStr(argTypes[i]);
      return false;
    }
    for (int64_t k = 0; k < t.getRank(); ++k)
      if (!t.isDynamicDim(k) && t.getDimSize(k) != dims[k]) {
        error = "--input-shape for '" + name.str() + "' contradicts its static dim " +
                std::to_string(k) + " (" + std::to_string(t.getDimSize(k)) + ")";
        return false;
      }
    argTypes[i] = RankedTensorType::get(dims, t.getElementType());
    func.getArgument(i).setType(argTypes[i]);
    used[name.str()] = true;
  }
  for (auto &[n, d] : shapes)
    if (!used.count(n)) {
      error = "--input-shape names '" + n + "', which is not an input of the model";
      return false;
    }
  func.setType(FunctionType::get(func.getContext(), argTypes, func.getResultTypes()));
  return true;
}

int compile(int argc, char **argv) {
  std::string input, output, pipeline;
  int level = 2;
  bool printIR = false, printAfterAll = false, printReport = false, passTiming = false;
  kiln::PipelineOptions pipelineOptions;
  std::set<std::string> printAfter;
  auto splitList = [](const std::string &v, auto &&add) {
    for (size_t s0 = 0; s0 <= v.size();) {
      size_t c = v.find(',', s0);
      std::string one = v.substr(s0, c == std::string::npos ? std::string::npos : c - s0);
      if (!one.empty())
        add(one);
      if (c == std::string::npos)
        break;
      s0 = c + 1;
    }
  };
  kiln::ExportOptions exportOptions;
  std::map<std::string, std::vector<int64_t>> inputShapes;
  std::map<std::string, std::string> inputTypes;
  std::string torchMethod;
  std::vector<std::string> passPlugins;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "-o" && i + 1 < argc)
      output = argv[++i];
    else if (a == "--target" && i + 1 < argc) {
      std::string t = next();
      for (size_t s0 = 0; s0 <= t.size();) {
        size_t c = t.find(',', s0);
        std::string one = t.substr(s0, c == std::string::npos ? std::string::npos : c - s0);
        if (!one.empty())
          exportOptions.targets.push_back(one);
        if (c == std::string::npos)
          break;
        s0 = c + 1;
      }
    } else if (a == "--no-fallback")
      exportOptions.allowFallback = false;
    else if (a == "--no-prepack")
      exportOptions.prepack = false;
    else if (a == "--shard-size" && i + 1 < argc) {
      std::string v = next();
      char *end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      uint64_t unit = 1;
      std::string suffix = end ? end : "";
      if (suffix == "K" || suffix == "k")
        unit = 1ull << 10;
      else if (suffix == "M" || suffix == "m")
        unit = 1ull << 20;
      else if (suffix == "G" || suffix == "g")
        unit = 1ull << 30;
      else if (!suffix.empty())
        unit = 0;
      if (v.empty() || v[0] < '0' || v[0] > '9' || n == 0 || unit == 0 ||
          n > (UINT64_MAX >> 30)) {
        llvm::errs() << "kiln compile: --shard-size expects a size such as 2G, 500M, 64K or "
                        "4096, got '" << v << "'\n";
        return 2;
      }
      exportOptions.shardSize = uint64_t(n) * unit;
    }
    else if (a == "--report")
      printReport = true;
    else if (a == "--model-version" && i + 1 < argc)
      exportOptions.modelVersion = next();
    else if (a == "--labels" && i + 1 < argc) {
      std::string f = next();
      bool ok;
      exportOptions.labels = readLines(f, ok);
      if (!ok) {
        llvm::errs() << "kiln compile: cannot read labels file " << f << "\n";
        return 1;
      }
    } else if (a == "--metadata" && i + 1 < argc) {
      std::string kv = next();
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        llvm::errs() << "kiln compile: --metadata expects KEY=VALUE, got '" << kv << "'\n";
        return 2;
      }
      exportOptions.properties.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
    } else if (a == "--plugin-path" && i + 1 < argc)
      exportOptions.pluginPaths.push_back(next());
    else if (a == "--input-shape" && i + 1 < argc) {
      std::string v = next();
      size_t eq = v.find('=');
      std::vector<int64_t> dims;
      bool ok = eq != std::string::npos && eq > 0;
      for (size_t s0 = eq + 1; ok && s0 <= v.size();) {
        size_t x = v.find('x', s0);
        std::string d = v.substr(s0, x == std::string::npos ? std::string::npos : x - s0);
        char *end = nullptr;
        long long n = std::strtoll(d.c_str(), &end, 10);
        ok = !d.empty() && *end == 0 && n >= 0;
        dims.push_back(n);
        if (x == std::string::npos)
          break;
        s0 = x + 1;
      }
      if (!ok) {
        llvm::errs() << "kiln compile: --input-shape expects NAME=D0xD1x..., got '" << v << "'\n";
        return 2;
      }
      inputShapes[v.substr(0, eq)] = dims;
    }
    else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3')
      level = a[2] - '0';
    else if (a == "--method" && i + 1 < argc)
      torchMethod = next();
    else if (a == "--input-type" && i + 1 < argc) {
      std::string v = next();
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
        llvm::errs() << "kiln compile: --input-type expects NAME=TYPE (e.g. ids=i64), got '" << v
                     << "'\n";
        return 2;
      }
      inputTypes[v.substr(0, eq)] = v.substr(eq + 1);
    }
    else if (a == "--print-ir")
      printIR = true;
    else if (a == "--print-ir-after-all")
      printAfterAll = true;
    else if (a.rfind("--print-ir-after=", 0) == 0)
      splitList(a.substr(strlen("--print-ir-after=")), [&](const std::string &n) { printAfter.insert(n); });
    else if (a.rfind("--disable-pass=", 0) == 0)
      splitList(a.substr(strlen("--disable-pass=")),
                [&](const std::string &n) { pipelineOptions.disabled.insert(n); });
    else if (a == "--keep-overridable" && i + 1 < argc)
      splitList(next(), [&](const std::string &n) { pipelineOptions.keepOverridable.push_back(n); });
    else if (a == "--pass-timing")
      passTiming = true;
    else if (a.rfind("--pass-pipeline=", 0) == 0)
      pipeline = a.substr(strlen("--pass-pipeline="));
    else if (a == "--pass-pipeline" && i + 1 < argc)
      pipeline = next();
    else if (a == "--load-pass-plugin" && i + 1 < argc)
      passPlugins.push_back(next());
    else if (a.rfind("--load-pass-plugin=", 0) == 0)
      passPlugins.push_back(a.substr(strlen("--load-pass-plugin=")));
    else if (a == "-h" || a == "--help") {
      usage(llvm::outs());
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      llvm::errs() << "kiln compile: unknown option '" << a << "'\n";
      return 2;
    } else if (input.empty())
      input = a;
    else {
      llvm::errs() << "kiln compile: more than one model given ('" << input << "', '" << a
                   << "')\n";
      return 2;
    }
  }
  if (input.empty()) {
    llvm::errs() << "kiln compile: no model given\n";
    usage(llvm::errs());
    return 2;
  }

  DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  mlir::registerTransformsPasses();
  kiln::registerKilnPasses();
  // Pass plugins register their passes (and pipelines) with MLIR's registry,
  // so that --pass-pipeline can name them. They link kiln's shared IR library
  // and so see kiln's ops by type.
  for (const std::string &path : passPlugins) {
    auto plugin = mlir::PassPlugin::load(path);
    if (!plugin) {
      llvm::errs() << "kiln compile: cannot load pass plugin " << path << ": "
                   << llvm::toString(plugin.takeError()) << "\n";
      return 1;
    }
    plugin->registerPassRegistryCallbacks();
  }

  std::string error;
  // TorchScript archives (a zip with code/ and data.pkl, or a .pt file)
  // go to the TorchScript importer, everything else to the ONNX one.
  OwningOpRef<ModuleOp> module;
  if (kiln::torch::isTorchScriptFile(input) || endsWith(input, ".pt")) {
    kiln::torch::TorchScriptImportOptions topts;
    topts.inputShapes = inputShapes;
    topts.inputTypes = inputTypes;
    if (!torchMethod.empty())
      topts.method = torchMethod;
    module = kiln::torch::importTorchScript(ctx, input, topts, error);
  } else if (!torchMethod.empty() || !inputTypes.empty()) {
    llvm::errs() << "kiln compile: " << (torchMethod.empty() ? "--input-type" : "--method")
                 << " applies to TorchScript archives only (ONNX models declare their inputs)\n";
    return 2;
  } else {
    module = kiln::onnx::importModelFile(ctx, input, error);
  }
  if (!module) {
    llvm::errs() << "kiln compile: " << error << "\n";
    return 1;
  }
  if (!inputShapes.empty()) {
    std::string err;
    if (!fixInputShapes(*module, inputShapes, err)) {
      llvm::errs() << "kiln compile: " << input << ": " << err << "\n";
      return 1;
    }
  }
  auto before = countOps(*module);

  PassManager pm(&ctx);
  if (printAfterAll || !printAfter.empty()) {
    ctx.disableMultithreading();
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [printAfterAll, printAfter](Pass *p, Operation *) {
                          return printAfterAll || printAfter.count(p->getArgument().str()) ||
                                 printAfter.count(p->getName().str());
                        });
  }
  if (passTiming)
    pm.enableTiming();
  auto *changes = new PassChangeReport;
  pm.addInstrumentation(std::unique_ptr<mlir::PassInstrumentation>(changes));
  if (!pipeline.empty()) {
    // Accept mlir-opt's spelling with the module anchor as well as the bare
    // list of passes: the pass manager here already runs on the module.
    StringRef text = StringRef(pipeline).trim();
    if (text.consume_front("builtin.module(") && text.consume_back(")"))
      pipeline = text.str();
    if (failed(parsePassPipeline(pipeline, pm, llvm::errs()))) {
      llvm::errs() << "kiln compile: invalid --pass-pipeline '" << pipeline << "'\n";
      return 2;
    }
  } else {
    kiln::buildOptimizationPipeline(pm, level, pipelineOptions);
  }
  if (failed(pm.run(*module))) {
    llvm::errs() << "kiln compile: optimization failed for " << input << "\n";
    return 1;
  }
  auto after = countOps(*module);

  llvm::outs() << "kiln: compiled " << input << "\n";
  if (auto p = (*module)->getAttrOfType<StringAttr>("kiln.onnx.producer"))
    llvm::outs() << "  producer: " << p.getValue() << ", opset "
                 << (*module)->getAttrOfType<IntegerAttr>("kiln.onnx.opset").getInt() << "\n";
  module->walk([&](func::FuncOp f) { printSignature(f, llvm::outs()); });
  llvm::outs() << "  ops: " << total(before) << " imported, " << total(after)
               << " after optimization (-O" << (pipeline.empty() ? std::to_string(level) : "custom")
               << ")\n";
  for (auto &[name, n] : after)
    llvm::outs() << "    " << name << " x" << n << "\n";

  OpPrintingFlags flags;
  flags.elideLargeElementsAttrs(16);
  flags.elideLargeResourceString(64);
  if (!output.empty() && endsWith(output, ".kiln")) {
    std::string report;
    if (!kiln::exportArtifact(*module, output, exportOptions, report, error)) {
      llvm::errs() << "kiln compile: " << input << ": " << error << "\n";
      return 1;
    }
    if (printReport) {
      changes->print(llvm::outs());
      llvm::outs() << "  partitions:\n" << report;
    }
    llvm::outs() << "  wrote " << output << "\n";
  } else if (!output.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(output, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      llvm::errs() << "kiln compile: cannot write " << output << ": " << ec.message() << "\n";
      return 1;
    }
    module->print(os); // complete, with the weights, so it round-trips
    llvm::outs() << "  wrote " << output << "\n";
  }
  if (printIR) {
    llvm::outs() << "\n";
    module->print(llvm::outs(), flags);
    llvm::outs() << "\n";
  }
  return 0;
}

std::string shapeStr(const std::vector<int64_t> &shape, const std::vector<std::string> &names = {}) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += "x";
    if (shape[i] >= 0)
      s += std::to_string(shape[i]);
    else
      s += i < names.size() && !names[i].empty() ? names[i] : "?";
  }
  return s.empty() ? "scalar" : s;
}

template <typename T> void fillRandom(kiln::Tensor &t, std::mt19937 &rng) {
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  T *p = t.as<T>();
  for (int64_t k = 0; k < t.numElements(); ++k)
    p[k] = T(dist(rng));
}

/// A tensor from a .npy file or an ONNX TensorProto (.pb) file.
bool readTensorFile(const std::string &path, kiln::Tensor &out, std::string &error) {
  if (endsWith(path, ".pb")) {
    auto file = kiln::MappedFile::open(path, &error);
    if (!file)
      return false;
    kiln::onnx::TensorProto proto;
    if (!kiln::onnx::parseTensor(file->data(), file->size(), proto, error)) {
      error = path + ": not an ONNX TensorProto: " + error;
      return false;
    }
    if (kiln::artifact::dtypeSize(proto.data_type) == 0) {
      error = path + ": data type " + kiln::onnx::dataTypeName(proto.data_type) + " is not supported";
      return false;
    }
    std::vector<uint8_t> storage;
    kiln::onnx::Bytes bytes;
    if (!kiln::onnx::tensorData(proto, storage, bytes, error)) {
      error = path + ": " + error;
      return false;
    }
    out = kiln::Tensor::allocate(proto.data_type,
                                 std::vector<int64_t>(proto.dims.begin(), proto.dims.end()));
    if (out.byteSize() != bytes.size) {
      error = path + ": the data does not match the dims";
      return false;
    }
    std::memcpy(out.data(), bytes.data, bytes.size);
    return true;
  }
  kiln::npy::Array arr;
  if (!kiln::npy::read(path, arr, error))
    return false;
  out = kiln::Tensor::allocate(arr.dtype, arr.shape);
  std::memcpy(out.data(), arr.data.data(), arr.data.size());
  return true;
}

/// ABI 1.3 statistics of a partition's last run (plugins that report them).
void printLayoutStats(const kiln::Model::PartitionMemory &pm) {
  if (pm.layoutReported)
    llvm::outs() << "layout: partition on '" << pm.plugin << "': " << pm.layoutReorders
                 << " layout reorders per run, " << pm.portableNodes << " nodes on portable kernels, "
                 << pm.weightReorders << " weights repacked at run time"
                 << (pm.batchSlices > 1 ? ", batch split across " + std::to_string(pm.batchSlices) + " threads" : "")
                 << "\n";
}

/// Options shared by run, bench and verify for choosing inputs.
struct InputOptions {
  std::vector<std::pair<std::string, std::string>> files;
  bool random = false;
  unsigned seed = 0;
  kiln::Runtime::Options runtime;
};

/// Parses an input option at argv[i]; true when it was one.
bool parseInputOption(int argc, char **argv, int &i, InputOptions &o) {
  std::string a = argv[i];
  if (a == "--input" && i + 1 < argc) {
    std::string v = argv[++i];
    size_t eq = v.find('=');
    o.files.push_back(eq == std::string::npos ? std::make_pair(std::string(), v)
                                              : std::make_pair(v.substr(0, eq), v.substr(eq + 1)));
    return true;
  }
  if (a == "--random-inputs" && i + 1 < argc) {
    o.random = true;
    o.seed = unsigned(std::strtoul(argv[++i], nullptr, 10));
    return true;
  }
  if (a == "--plugin-path" && i + 1 < argc) {
    o.runtime.pluginPaths.push_back(argv[++i]);
    return true;
  }
  if (a == "--threads" && i + 1 < argc) {
    o.runtime.numThreads = std::max(0, std::atoi(argv[++i]));
    return true;
  }
  return false;
}

bool prepareInputs(const kiln::Model &m, const InputOptions &o,
                   std::map<std::string, kiln::Tensor> &inputs, std::string &error) {
  auto sigs = m.inputs();
  for (auto &[name0, file] : o.files) {
    std::string name = name0;
    if (name.empty()) {
      if (sigs.size() != 1) {
        error = "the model has " + std::to_string(sigs.size()) +
                " inputs: name them with --input NAME=FILE";
        return false;
      }
      name = sigs[0].name;
    }
    kiln::Tensor t;
    if (!readTensorFile(file, t, error))
      return false;
    inputs[name] = t;
  }
  std::mt19937 rng(o.seed);
  for (auto &sig : sigs) {
    if (inputs.count(sig.name))
      continue;
    if (!o.random) {
      error = "no value for input '" + sig.name + "' (use --input or --random-inputs SEED)";
      return false;
    }
    std::vector<int64_t> shape = sig.shape;
    for (int64_t &d : shape)
      d = d < 0 ? 1 : d;
    kiln::Tensor t = kiln::Tensor::allocate(sig.dtype, shape);
    if (sig.dtype == 1)
      fillRandom<float>(t, rng);
    else if (sig.dtype == 11)
      fillRandom<double>(t, rng);
    else
      std::memset(t.data(), 0, t.byteSize());
    inputs[sig.name] = t;
  }
  return true;
}

int run(int argc, char **argv) {
  std::string model, outputDir;
  InputOptions io;
  int topK = 0;
  bool verifyWeights = false, memoryReport = false;
  std::vector<std::pair<std::string, std::string>> expectFiles;
  double rtol = 1e-3, atol = 1e-4;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (parseInputOption(argc, argv, i, io))
      continue;
    if (a == "--output-dir" && i + 1 < argc)
      outputDir = argv[++i];
    else if (a == "--top-k" && i + 1 < argc)
      topK = std::atoi(argv[++i]);
    else if (a == "--verify-weights")
      verifyWeights = true;
    else if (a == "--memory-report")
      memoryReport = true;
    else if (a == "--expect" && i + 1 < argc) {
      std::string v = argv[++i];
      size_t eq = v.find('=');
      if (eq == std::string::npos)
        expectFiles.push_back({"", v});
      else
        expectFiles.push_back({v.substr(0, eq), v.substr(eq + 1)});
    } else if (a == "--rtol" && i + 1 < argc)
      rtol = std::atof(argv[++i]);
    else if (a == "--atol" && i + 1 < argc)
      atol = std::atof(argv[++i]);
    else if (!a.empty() && a[0] == '-') {
      llvm::errs() << "kiln run: unknown option '" << a << "'\n";
      return 2;
    } else if (model.empty())
      model = a;
    else {
      llvm::errs() << "kiln run: more than one artifact given\n";
      return 2;
    }
  }
  if (model.empty()) {
    llvm::errs() << "kiln run: no artifact given\n";
    return 2;
  }
  kiln::Runtime rt(io.runtime);
  std::string error;
  kiln::Runtime::LoadOptions lo;
  lo.verifyWeights = verifyWeights;
  auto m = rt.load(model, error, lo);
  if (!m) {
    llvm::errs() << "kiln run: " << error << "\n";
    return 1;
  }
  std::map<std::string, kiln::Tensor> inputs;
  if (!prepareInputs(*m, io, inputs, error)) {
    llvm::errs() << "kiln run: " << error << "\n";
    return 1;
  }
  kiln::Session session(*m);
  std::vector<kiln::Tensor> outputs;
  if (!session.run(inputs, outputs, error)) {
    llvm::errs() << "kiln run: " << model << ": " << error << "\n";
    return 1;
  }
  if (memoryReport)
    for (auto &pm : m->memoryReport()) {
      if (!pm.reported) {
        llvm::outs() << "memory: partition on '" << pm.plugin << "' does not report memory use\n";
        continue;
      }
      llvm::outs() << "memory: partition on '" << pm.plugin << "': arena " << pm.arenaBytes
                   << " bytes for " << pm.intermediates << " intermediates totalling "
                   << pm.intermediateBytes << " bytes ("
                   << llvm::format("%.1f", pm.intermediateBytes
                                               ? 100.0 * double(pm.arenaBytes) / double(pm.intermediateBytes)
                                               : 0.0)
                   << "%)\n";
      printLayoutStats(pm);
    }
  if (memoryReport)
    for (auto &note : m->loadNotes())
      llvm::outs() << "load: " << note << "\n";
  auto outSigs = m->outputs();
  // Every --expect must name an output (a lone output may go unnamed): a
  // reference that matches nothing would otherwise pass silently.
  for (auto &[ename, efile] : expectFiles) {
    bool found = ename.empty() ? outSigs.size() == 1 : false;
    for (auto &o : outSigs)
      found = found || o.name == ename;
    if (!found) {
      llvm::errs() << "kiln run: --expect " << (ename.empty() ? efile : ename + "=" + efile)
                   << ": " << (ename.empty() ? "the model has " + std::to_string(outSigs.size()) +
                                                   " outputs; name one (NAME=FILE)"
                                             : "no output is named '" + ename + "'")
                   << " (outputs:";
      for (auto &o : outSigs)
        llvm::errs() << " " << o.name;
      llvm::errs() << ")\n";
      return 2;
    }
  }
  const auto &labels = m->artifact().metadata().labels;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const kiln::Tensor &t = outputs[i];
    llvm::outs() << "output " << outSigs[i].name << ": " << kiln::artifact::dtypeName(t.dtype())
                 << " " << shapeStr(t.shape()) << "\n ";
    int64_t n = t.numElements();
    for (int64_t k = 0; k < std::min<int64_t>(n, 10); ++k)
      llvm::outs() << " " << llvm::format("%.6g", kiln::elementAsDouble(t, k));
    if (n > 10)
      llvm::outs() << " ... (" << n << " values)";
    llvm::outs() << "\n";
    if (topK > 0 && n > 0) {
      int64_t classes = t.shape().empty() ? 1 : t.shape().back();
      std::vector<int64_t> idx(static_cast<size_t>(classes));
      std::iota(idx.begin(), idx.end(), 0);
      std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
        return kiln::elementAsDouble(t, a) > kiln::elementAsDouble(t, b);
      });
      for (int64_t k = 0; k < std::min<int64_t>(topK, classes); ++k) {
        int64_t c = idx[size_t(k)];
        llvm::outs() << "  top" << (k + 1) << ": class " << c;
        if (size_t(c) < labels.size())
          llvm::outs() << " (" << labels[size_t(c)] << ")";
        llvm::outs() << " score " << llvm::format("%.6g", kiln::elementAsDouble(t, c)) << "\n";
      }
    }
    for (auto &[ename, efile] : expectFiles) {
      if (!(ename == outSigs[i].name || (ename.empty() && outputs.size() == 1)))
        continue;
      kiln::Tensor r;
      if (!readTensorFile(efile, r, error)) {
        llvm::errs() << "kiln run: " << error << "\n";
        return 1;
      }
      if (r.shape() != t.shape()) {
        llvm::errs() << "kiln run: output " << outSigs[i].name << " has shape "
                     << shapeStr(t.shape()) << " but " << efile << " has "
                     << shapeStr(r.shape()) << "\n";
        return 1;
      }
      kiln::Difference diff = kiln::compareElements(t, r, rtol, atol);
      double worst = diff.maxAbsError;
      int64_t bad = diff.mismatches;
      llvm::outs() << "  expect " << efile << ": " << (bad ? "MISMATCH" : "match") << ", max abs error "
                   << llvm::format("%.3g", worst) << " (rtol " << llvm::format("%g", rtol) << ", atol " << llvm::format("%g", atol) << ")\n";
      if (bad) {
        llvm::errs() << "kiln run: output " << outSigs[i].name << " differs from " << efile << " in "
                     << bad << " of " << n << " values\n";
        return 1;
      }
    }
    if (!outputDir.empty()) {
      ::mkdir(outputDir.c_str(), 0755);
      std::string path = outputDir + "/" + outSigs[i].name + ".npy";
      if (!kiln::npy::write(path, t.dtype(), t.shape(), t.data(), error)) {
        llvm::errs() << "kiln run: " << error << "\n";
        return 1;
      }
    }
  }
  return 0;
}

long peakResidentKiB() {
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmHWM:", 0) == 0)
      return std::atol(line.c_str() + 6);
  return -1;
}

/// `kiln bench --per-op`: `iterations` more runs with per-node timing on
/// (ABI 1.2 executable_profile), printed slowest first, then per kernel.
bool printPerOp(const kiln::Model &m, kiln::Session &session,
                const std::map<std::string, kiln::Tensor> &inputs, int iterations, std::string &error) {
  size_t profiled = m.setProfiling(true);
  std::vector<kiln::Tensor> outputs;
  for (int k = 0; k < iterations; ++k)
    if (!session.run(inputs, outputs, error))
      return false;
  auto prof = m.profile();
  m.setProfiling(false);
  double total = 0;
  for (auto &e : prof)
    if (e.kernel == "(partition)")
      total += e.totalMs;
  std::stable_sort(prof.begin(), prof.end(), [](auto &a, auto &b) { return a.totalMs > b.totalMs; });
  llvm::outs() << "per-op timing over " << iterations << " runs (" << profiled << " of "
               << m.partitionPlugins().size() << " partitions time their nodes; ms per run):\n";
  std::map<std::string, std::pair<double, uint64_t>> perKernel;
  uint64_t reorders = 0, fallbacks = 0;
  for (auto &e : prof) {
    double ms = e.totalMs / iterations;
    std::string what = e.node >= 0 ? e.op + " '" + e.name + "'"
                       : e.kernel == "(partition)" ? "partition " + std::to_string(e.partition)
                                                   : "(between nodes)";
    llvm::outs() << llvm::format("  %9.4f  %5.1f%%  ", ms, total > 0 ? 100.0 * e.totalMs / total : 0.0)
                 << e.plugin << "  " << what << "  " << e.kernel << "\n";
    if (e.kernel != "(partition)") {
      auto &k = perKernel[e.plugin + " " + e.kernel];
      k.first += ms;
      k.second += e.calls / uint64_t(iterations);
    } else if (e.plugin == "reference")
      ++fallbacks;
    if (e.kernel.find("reorder") != std::string::npos)
      reorders += e.calls / uint64_t(iterations);
    if (e.kernel == "reference")
      ++fallbacks;
  }
  llvm::outs() << "per kernel (ms per run, calls per run):\n";
  std::vector<std::pair<std::string, std::pair<double, uint64_t>>> ks(perKernel.begin(), perKernel.end());
  std::stable_sort(ks.begin(), ks.end(), [](auto &a, auto &b) { return a.second.first > b.second.first; });
  for (auto &[k, v] : ks)
    llvm::outs() << llvm::format("  %9.4f  %4llu  ", v.first, (unsigned long long)v.second) << k << "\n";
  llvm::outs() << "layout reorders per run: " << reorders
               << "; nodes or partitions on reference kernels: " << fallbacks << "\n";
  return true;
}

int bench(int argc, char **argv) {
  std::string model;
  InputOptions io;
  int warmup = 5, iterations = 50;
  bool perOp = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (parseInputOption(argc, argv, i, io))
      continue;
    if (a == "--per-op")
      perOp = true;
    else if (a == "--warmup" && i + 1 < argc)
      warmup = std::max(0, std::atoi(argv[++i]));
    else if (a == "--iterations" && i + 1 < argc)
      iterations = std::max(1, std::atoi(argv[++i]));
    else if (!a.empty() && a[0] == '-') {
      llvm::errs() << "kiln bench: unknown option '" << a << "'\n";
      return 2;
    } else
      model = a;
  }
  if (model.empty()) {
    llvm::errs() << "kiln bench: no artifact given\n";
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  kiln::Runtime rt(io.runtime);
  std::string error;
  auto t0 = Clock::now();
  auto m = rt.load(model, error);
  double loadMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!m) {
    llvm::errs() << "kiln bench: " << error << "\n";
    return 1;
  }
  std::map<std::string, kiln::Tensor> inputs;
  if (!prepareInputs(*m, io, inputs, error)) {
    llvm::errs() << "kiln bench: " << error << "\n";
    return 2;
  }
  kiln::Session session(*m);
  std::vector<kiln::Tensor> outputs;
  for (int k = 0; k < warmup; ++k)
    if (!session.run(inputs, outputs, error)) {
      llvm::errs() << "kiln bench: " << error << "\n";
      return 1;
    }
  std::vector<double> ms;
  for (int k = 0; k < iterations; ++k) {
    auto s0 = Clock::now();
    if (!session.run(inputs, outputs, error)) {
      llvm::errs() << "kiln bench: " << error << "\n";
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s0).count());
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, size_t(p * double(ms.size())))]; };
  int64_t batch = inputs.empty() || inputs.begin()->second.shape().empty()
                      ? 1
                      : inputs.begin()->second.shape()[0];
  llvm::outs() << model << ": load " << llvm::format("%.2f", loadMs) << " ms; " << iterations
               << " runs after " << warmup << " warm-up\n"
               << "  latency p50 " << llvm::format("%.3f", pct(0.5)) << " ms, p90 "
               << llvm::format("%.3f", pct(0.9)) << " ms, p99 " << llvm::format("%.3f", pct(0.99))
               << " ms\n"
               << "  throughput " << llvm::format("%.1f", 1000.0 * double(batch) / pct(0.5))
               << " samples/s (batch " << batch << ")\n"
               << "  peak resident memory " << peakResidentKiB() / 1024 << " MiB\n";
  for (auto &pm : m->memoryReport())
    printLayoutStats(pm);
  for (auto &note : m->loadNotes())
    llvm::outs() << "load: " << note << "\n";
  if (perOp && !printPerOp(*m, session, inputs, iterations, error)) {
    llvm::errs() << "kiln bench: " << error << "\n";
    return 1;
  }
  return 0;
}

int verify(int argc, char **argv) {
  std::string model, reference = "reference";
  InputOptions io;
  double rtol = 1e-3, atol = 1e-4;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (parseInputOption(argc, argv, i, io))
      continue;
    if (a == "--reference" && i + 1 < argc)
      reference = argv[++i];
    else if (a == "--rtol" && i + 1 < argc)
      rtol = std::atof(argv[++i]);
    else if (a == "--atol" && i + 1 < argc)
      atol = std::atof(argv[++i]);
    else if (!a.empty() && a[0] == '-') {
      llvm::errs() << "kiln verify: unknown option '" << a << "'\n";
      return 2;
    } else
      model = a;
  }
  if (model.empty()) {
    llvm::errs() << "kiln verify: no artifact given\n";
    return 2;
  }
  if (io.files.empty())
    io.random = true; // default: seeded random inputs
  kiln::Runtime rt(io.runtime);
  std::string error;
  auto compiled = rt.load(model, error);
  kiln::Runtime::LoadOptions lo;
  lo.overridePlugin = reference;
  std::unique_ptr<kiln::Model> oracle = compiled ? rt.load(model, error, lo) : nullptr;
  if (!compiled || !oracle) {
    llvm::errs() << "kiln verify: " << error << "\n";
    return 1;
  }
  std::map<std::string, kiln::Tensor> inputs;
  if (!prepareInputs(*compiled, io, inputs, error)) {
    llvm::errs() << "kiln verify: " << error << "\n";
    return 2;
  }
  std::vector<kiln::Tensor> got, want;
  kiln::Session s1(*compiled), s2(*oracle);
  if (!s1.run(inputs, got, error) || !s2.run(inputs, want, error)) {
    llvm::errs() << "kiln verify: " << model << ": " << error << "\n";
    return 1;
  }
  auto sigs = compiled->outputs();
  bool allOk = true;
  for (size_t i = 0; i < got.size(); ++i) {
    bool sameShape = got[i].shape() == want[i].shape() && got[i].dtype() == want[i].dtype();
    kiln::Difference diff;
    if (sameShape)
      diff = kiln::compareElements(got[i], want[i], rtol, atol);
    double worst = diff.maxAbsError;
    int64_t bad = diff.mismatches;
    bool ok = sameShape && bad == 0;
    allOk &= ok;
    llvm::outs() << (ok ? "match    " : "MISMATCH ") << sigs[i].name << ": "
                 << (sameShape ? "" : "shape or dtype differs; ") << "max abs error "
                 << llvm::format("%.3g", worst) << " vs '" << reference << "'\n";
  }
  std::string plugins;
  for (auto &p : compiled->partitionPlugins())
    plugins += (plugins.empty() ? "" : ",") + p;
  llvm::outs() << (allOk ? "verified: " : "FAILED: ") << model << " on [" << plugins
               << "] against '" << reference << "' (rtol " << llvm::format("%g", rtol) << ", atol "
               << llvm::format("%g", atol) << ")\n";
  return allOk ? 0 : 1;
}

int inspect(int argc, char **argv) {
  std::string path;
  bool verify = false, json = false;
  std::vector<std::string> allowGlobals; // torch files: trusted pickle globals
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--verify")
      verify = true;
    else if (a == "--allow-global" && i + 1 < argc)
      allowGlobals.push_back(argv[++i]);
    else if (a == "--json")
      json = true;
    else if (!a.empty() && a[0] == '-') {
      llvm::errs() << "kiln inspect: unknown option '" << a << "'\n";
      return 2;
    } else
      path = a;
  }
  if (path.empty()) {
    llvm::errs() << "kiln inspect: no artifact given\n";
    return 2;
  }
  if (kiln::torch::isTorchInspectPath(path)) { // frontends/torch/Inspect.cpp
    kiln::torch::InspectOptions topt;
    topt.extraGlobals = allowGlobals;
    topt.verifyCrc = verify;
    llvm::outs().flush();
    return kiln::torch::inspectTorchFile(path, std::cout, std::cerr, topt);
  }
  std::string error;
  auto art = kiln::artifact::Artifact::open(path, error);
  if (!art) {
    llvm::errs() << "kiln inspect: " << error << "\n";
    return 1;
  }
  const auto &md = art->metadata();
  const auto &g = art->graph();
  auto &os = llvm::outs();
  if (json) {
    bool verified = verify && art->verifyWeights(error);
    llvm::json::OStream j(os, 2);
    auto signature = [&](const char *key, const std::vector<int32_t> &ids) {
      j.attributeArray(key, [&] {
        for (int32_t id : ids) {
          const auto &v = g.values[id];
          j.object([&] {
            j.attribute("name", v.name);
            j.attribute("dtype", kiln::artifact::dtypeName(v.dtype));
            j.attributeArray("shape", [&] {
              for (int64_t d : v.shape)
                j.value(d);
            });
            j.attributeArray("dim_names", [&] {
              for (auto &n : v.dimNames)
                j.value(n);
            });
          });
        }
      });
    };
    uint64_t weightBytes = 0;
    int64_t weights = 0;
    for (auto &v : g.values)
      if (v.isWeight) {
        ++weights;
        weightBytes += v.weightSize;
      }
    j.object([&] {
      j.attribute("path", path);
      j.attribute("format", std::to_string(art->formatMajor()) + "." + std::to_string(art->formatMinor()));
      j.attribute("file_size", int64_t(art->fileSize()));
      j.attributeObject("metadata", [&] {
        j.attribute("kiln_version", md.kilnVersion);
        j.attribute("created_unix", md.createdUnix);
        j.attribute("source_name", md.sourceName);
        j.attribute("source_sha256", md.sourceSha256);
        j.attribute("producer", md.producer);
        j.attribute("model_version", md.modelVersion);
        j.attribute("isa", md.isa);
        j.attributeArray("plugins", [&] {
          for (auto &p : md.plugins)
            j.value(p);
        });
        j.attributeArray("labels", [&] {
          for (auto &l : md.labels)
            j.value(l);
        });
        j.attributeObject("properties", [&] {
          for (auto &[k, v] : md.properties)
            j.attribute(k, v);
        });
      });
      signature("inputs", g.inputs);
      signature("outputs", g.outputs);
      j.attribute("nodes", int64_t(g.nodes.size()));
      j.attribute("weights", weights);
      j.attribute("weight_bytes", int64_t(weightBytes));
      j.attributeArray("partitions", [&] {
        for (auto &p : g.partitions)
          j.object([&] {
            j.attribute("plugin", p.plugin);
            j.attribute("nodes", int64_t(p.nodes.size()));
          });
      });
      if (!art->shards().empty()) {
        j.attribute("artifact_id", art->artifactId());
        j.attributeArray("shards", [&] {
          for (auto &sh : art->shards())
            j.object([&] {
              j.attribute("file", sh.file);
              j.attribute("size", int64_t(sh.size));
              j.attribute("weights", int64_t(sh.weights));
              j.attribute("weight_bytes", int64_t(sh.weightBytes));
              j.attribute("header_crc32c", int64_t(sh.headerCrc));
            });
        });
      }
      if (verify)
        j.attribute("weights_verified", verified);
    });
    os << "\n";
    if (verify && !verified) {
      llvm::errs() << "kiln inspect: " << error << "\n";
      return 1;
    }
    return 0;
  }
  os << path << ": kiln artifact, format " << art->formatMajor() << "." << art->formatMinor()
     << ", " << art->fileSize() << " bytes\n";
  os << "  kiln version: " << md.kilnVersion << "\n";
  os << "  created: " << md.createdUnix << " (unix time)\n";
  os << "  source: " << md.sourceName << " (sha256 " << md.sourceSha256 << ")\n";
  if (!md.producer.empty())
    os << "  producer: " << md.producer << "\n";
  if (!md.modelVersion.empty())
    os << "  model version: " << md.modelVersion << "\n";
  os << "  isa: " << md.isa << "\n";
  for (auto &p : md.plugins)
    os << "  compiled for plugin: " << p << "\n";
  for (auto &[k, v] : md.properties)
    os << "  metadata " << k << " = " << v << "\n";
  if (!md.labels.empty())
    os << "  labels: " << md.labels.size() << " (" << md.labels.front() << ", ...)\n";
  for (int32_t id : g.inputs)
    os << "  input  " << g.values[id].name << ": " << kiln::artifact::dtypeName(g.values[id].dtype)
       << " " << shapeStr(g.values[id].shape, g.values[id].dimNames) << "\n";
  for (int32_t id : g.outputs)
    os << "  output " << g.values[id].name << ": " << kiln::artifact::dtypeName(g.values[id].dtype)
       << " " << shapeStr(g.values[id].shape, g.values[id].dimNames) << "\n";
  uint64_t weightBytes = 0;
  int weights = 0;
  for (auto &v : g.values)
    if (v.isWeight) {
      ++weights;
      weightBytes += v.weightSize;
    }
  os << "  nodes: " << g.nodes.size() << ", weights: " << weights << " (" << weightBytes
     << " bytes, 64-byte aligned)\n";
  if (!art->shards().empty()) {
    uint64_t total = art->fileSize();
    for (auto &sh : art->shards())
      total += sh.size;
    os << "  weight shards: " << art->shards().size() << " files next to the artifact, "
       << total << " bytes in all (artifact id " << art->artifactId() << ")\n";
    for (size_t k = 0; k < art->shards().size(); ++k) {
      const auto &sh = art->shards()[k];
      os << "    shard " << (k + 1) << ": " << sh.file << ", " << sh.size << " bytes, "
         << sh.weights << " weights (" << sh.weightBytes << " bytes)\n";
    }
  }
  for (size_t p = 0; p < g.partitions.size(); ++p)
    os << "  partition " << p << ": " << g.partitions[p].nodes.size() << " nodes on '"
       << g.partitions[p].plugin << "'\n";
  if (verify) {
    if (!art->verifyWeights(error)) {
      llvm::errs() << "kiln inspect: " << error << "\n";
      return 1;
    }
    os << "  weights verified: all " << weights << " checksums match";
    if (!art->shards().empty())
      os << " (in " << art->shards().size() << " shard files)";
    os << "\n";
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(llvm::errs());
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    llvm::outs() << "kiln " << kVersion << "\n";
    return 0;
  }
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    usage(llvm::outs());
    return 0;
  }
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "-h" || std::string(argv[i]) == "--help") {
      usage(llvm::outs());
      return 0;
    }
  if (cmd == "compile")
    return compile(argc - 2, argv + 2);
  if (cmd == "run")
    return run(argc - 2, argv + 2);
  if (cmd == "inspect")
    return inspect(argc - 2, argv + 2);
  if (cmd == "bench")
    return bench(argc - 2, argv + 2);
  if (cmd == "verify")
    return verify(argc - 2, argv + 2);
  llvm::errs() << "kiln: unknown command '" << cmd << "'\n";
  usage(llvm::errs());
  return 2;
}
