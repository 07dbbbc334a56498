#!/bin/sh
# The custom-op example end to end against an installed kiln:
#   usage: custom_op_example.sh PREFIX EXAMPLE_SOURCE_DIR WORK_DIR [CMAKE_ARGS...]
# 1. builds plugins/examples/custom-op (a kernel plugin and a pass plugin)
#    from its own CMake project with find_package(kiln);
# 2. without a plugin for it, compiling the model fails naming the custom op
#    and where plugins were searched;
# 3. with the kernel plugin on the plugin path, the model compiles (the custom
#    node on the plugin, the Relu on a builtin plugin) and runs, matching the
#    hand-computed expected.npy;
# 4. with the pass plugin loaded, the custom op is rewritten into kiln.mul and
#    kiln.add, and the model runs on the builtin plugins alone, matching too.
set -eu
prefix=$1; src=$2; work=$3; shift 3
kiln="$prefix/bin/kiln"
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" "$@" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "configuring the example"; }
cmake --build "$work/build" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "building the example"; }

echo "== no plugin for the custom op"
if "$kiln" compile "$src/model.onnx" -o "$work/none.kiln" 2>"$work/none.err"; then
  fail "compile succeeded without a plugin for com.example::ScaleShift"
fi
cat "$work/none.err"
grep -q "custom op com.example::ScaleShift" "$work/none.err" || fail "error does not name the op"
grep -q "plugins searched in:.*$prefix" "$work/none.err" || fail "error does not say where plugins were searched"

echo "== kernel plugin serves it"
"$kiln" compile "$src/model.onnx" -o "$work/kernel.kiln" --plugin-path "$work/build/kernels" \
    --report | tee "$work/kernel.report"
grep -q "scale_shift (custom) -> example_scale_shift" "$work/kernel.report" || fail "custom node not on the kernel plugin"
grep -q "relu (relu) -> cpu" "$work/kernel.report" || fail "relu not on the cpu plugin"
"$kiln" run "$work/kernel.kiln" --plugin-path "$work/build/kernels" --input "$src/input.npy" \
    --expect "$src/expected.npy" --atol 1e-6 --rtol 1e-6
# The plugin path may also come from the environment.
KILN_PLUGIN_PATH="$work/build/kernels" "$kiln" run "$work/kernel.kiln" --input "$src/input.npy" \
    --expect "$src/expected.npy" --atol 1e-6 --rtol 1e-6
# Without the kernel plugin the artifact cannot run, and says why.
if "$kiln" run "$work/kernel.kiln" --input "$src/input.npy" 2>"$work/run-none.err"; then
  fail "the artifact ran without its kernel plugin"
fi
grep -q "example_scale_shift" "$work/run-none.err" || { cat "$work/run-none.err"; fail "run error does not name the plugin"; }

echo "== pass plugin rewrites it"
pipeline='builtin.module(func.func(example-lower-scale-shift),kiln-O2)'
"$kiln" compile "$src/model.onnx" -o "$work/lowered.mlir" \
    --load-pass-plugin "$work/build/libLowerScaleShift.so" --pass-pipeline "$pipeline"
grep -q "kiln.custom" "$work/lowered.mlir" && fail "kiln.custom survived the pass plugin"
grep -q "kiln.mul" "$work/lowered.mlir" || fail "no kiln.mul after the pass plugin"
"$kiln" compile "$src/model.onnx" -o "$work/lowered.kiln" --report \
    --load-pass-plugin "$work/build/libLowerScaleShift.so" --pass-pipeline "$pipeline" |
  tee "$work/lowered.report"
grep -q "(custom)" "$work/lowered.report" && fail "a custom node is left in the partition"
"$kiln" run "$work/lowered.kiln" --input "$src/input.npy" --expect "$src/expected.npy" \
    --atol 1e-6 --rtol 1e-6
# kiln-opt loads the same plugin (MLIR's --load-pass-plugin).
"$kiln" compile "$src/model.onnx" -O0 -o "$work/raw.mlir"
"$prefix/bin/kiln-opt" --load-pass-plugin="$work/build/libLowerScaleShift.so" \
    --pass-pipeline='builtin.module(func.func(example-lower-scale-shift))' "$work/raw.mlir" \
    >"$work/opt.mlir"
grep -q "kiln.custom" "$work/opt.mlir" && fail "kiln-opt: kiln.custom survived the pass plugin"
grep -q "kiln.add" "$work/opt.mlir" || fail "kiln-opt: no kiln.add after the pass plugin"
# A pass plugin that does not exist is a clear error.
if "$kiln" compile "$src/model.onnx" --load-pass-plugin "$work/missing.so" -o "$work/x.kiln" 2>"$work/missing.err"; then
  fail "a missing pass plugin was accepted"
fi
grep -q "cannot load pass plugin" "$work/missing.err" || fail "missing pass plugin error unclear"
echo "custom-op example: all checks passed"
