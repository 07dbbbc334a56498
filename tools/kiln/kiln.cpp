//===- kiln.cpp - the kiln command-line driver ----------------------------===//
//
//   kiln compile MODEL [-o OUT] [-O0|-O1|-O2|-O3] [--print-ir]
//                [--print-ir-after-all] [--pass-pipeline=PIPELINE]
//
// Imports MODEL (ONNX), optimizes it, and writes the optimized kiln IR.
// (The .kiln artifact and `kiln run` arrive with the runtime.)
//
//===----------------------------------------------------------------------===//
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <map>
#include <string>

using namespace mlir;

namespace {

constexpr const char *kVersion = "0.1.0";

void usage(llvm::raw_ostream &os) {
  os << "kiln " << kVersion << ": ahead-of-time model compiler\n\n"
     << "usage:\n"
     << "  kiln compile MODEL.onnx [options]   import and optimize a model\n"
     << "  kiln --version\n\n"
     << "compile options:\n"
     << "  -o FILE                  write the optimized IR (.mlir) to FILE\n"
     << "  -O0 | -O1 | -O2 | -O3    optimization level (default -O2)\n"
     << "  --print-ir               print the optimized IR to stdout\n"
     << "  --print-ir-after-all     print the IR after every pass (stderr)\n"
     << "  --pass-pipeline=P        run pipeline P instead of the -O level\n";
}

std::map<std::string, int> countOps(ModuleOp module) {
  std::map<std::string, int> counts;
  module.walk([&](Operation *op) {
    if (isa<kiln::KilnDialect>(op->getDialect()))
      counts[op->getName().getStringRef().str()]++;
  });
  return counts;
}

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

int compile(int argc, char **argv) {
  std::string input, output, pipeline;
  int level = 2;
  bool printIR = false, printAfterAll = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-o" && i + 1 < argc)
      output = argv[++i];
    else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3')
      level = a[2] - '0';
    else if (a == "--print-ir")
      printIR = true;
    else if (a == "--print-ir-after-all")
      printAfterAll = true;
    else if (a.rfind("--pass-pipeline=", 0) == 0)
      pipeline = a.substr(strlen("--pass-pipeline="));
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

  std::string error;
  auto module = kiln::onnx::importModelFile(ctx, input, error);
  if (!module) {
    llvm::errs() << "kiln compile: " << error << "\n";
    return 1;
  }
  auto before = countOps(*module);

  PassManager pm(&ctx);
  if (printAfterAll) {
    ctx.disableMultithreading();
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [](Pass *, Operation *) { return true; });
  }
  if (!pipeline.empty()) {
    if (failed(parsePassPipeline(pipeline, pm, llvm::errs()))) {
      llvm::errs() << "kiln compile: invalid --pass-pipeline '" << pipeline << "'\n";
      return 2;
    }
  } else {
    kiln::buildOptimizationPipeline(pm, level);
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
  if (!output.empty()) {
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
  if (cmd == "compile")
    return compile(argc - 2, argv + 2);
  llvm::errs() << "kiln: unknown command '" << cmd << "'\n";
  usage(llvm::errs());
  return 2;
}
