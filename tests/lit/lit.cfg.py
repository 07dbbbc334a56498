# lit configuration for kiln's FileCheck tests (MLIR style: // RUN: lines).
import os
import lit.formats

config.name = "kiln"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
# ctest runs each test file in its own lit process, in parallel: each gets
# its own exec root, so that they never share lit's .lit_test_times.txt.
config.test_exec_root = os.environ.get("KILN_LIT_EXEC_ROOT") or os.path.join(
    config.kiln_binary_dir, "tests", "lit")

config.substitutions.append(("%kiln-opt", os.path.join(config.kiln_tools_dir, "kiln-opt")))
config.substitutions.append(("%kiln", os.path.join(config.kiln_tools_dir, "kiln")))
config.substitutions.append(("%FileCheck", config.filecheck))
config.substitutions.append(("%not", config.not_tool))
config.substitutions.append(("%examples", os.path.join(config.kiln_source_dir, "examples")))
config.environment["PATH"] = os.pathsep.join(
    [config.kiln_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])

# examples/classify. Put first: "%kiln" would otherwise match their prefix
# (and "%kiln-classify" that of "%kiln-classify-c").
for tool in ("kiln-classify", "kiln-classify-c"):
    config.substitutions.insert(0, ("%" + tool, os.path.join(config.kiln_tools_dir, tool)))
