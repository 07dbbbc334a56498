#!/usr/bin/env bash
# Long fuzzing campaign over kiln's readers (libFuzzer, ASan + UBSan).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (make fuzz)
#
# Configures and builds build-fuzz with clang-19 (KILN_FUZZ=ON) if needed,
# then runs each target (default: all) for SECONDS_PER_TARGET (default 1800)
# under `nice`, one after the other. Each target keeps its growing corpus in
# build-fuzz/tests/fuzz/work/<target>/corpus (reused by the next campaign) and
# writes findings (crash-*, leak-*, timeout-*, oom-*) to .../findings. Copy a
# finding into tests/bad-inputs/<format>/ with a .expect file, or into
# tests/fuzz/corpus/<target>/, once the reader is fixed.
# Environment: BUILD (default build-fuzz), CXX (default clang++-19),
#   JOBS (parallel libFuzzer jobs per target, default 1), FUZZ_ARGS (extra flags).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
shift || true
BUILD=${BUILD:-build-fuzz}
CXX=${CXX:-clang++-19}
CC=${CC:-clang-19}
JOBS=${JOBS:-1}
all=(fuzz_onnx_import fuzz_onnx_graph fuzz_onnx_tensor fuzz_artifact fuzz_npy)
for extra in fuzz_zip fuzz_pickle fuzz_safetensors fuzz_checkpoint fuzz_torchscript fuzz_runtime_load; do
  grep -qw "$extra" tests/fuzz/CMakeLists.txt && all+=("$extra")
done
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")

if ! command -v "$CXX" >/dev/null; then
  echo "fuzz.sh: $CXX not found (Debian: apt-get install clang-19 libclang-rt-19-dev)" >&2
  exit 2
fi
if [[ ! -f $BUILD/build.ninja ]]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" -DKILN_FUZZ=ON
fi
cmake --build "$BUILD" --target "${targets[@]}"

status=0
for t in "${targets[@]}"; do
  work=$BUILD/tests/fuzz/work/$t
  mkdir -p "$work/corpus" "$work/findings"
  # The seeds ctest gives the target (its corpus dir + bad inputs).
  seeds=$(cat "$work/seeds.txt") # written by tests/fuzz/CMakeLists.txt
  echo "== $t: ${seconds}s, corpus $work/corpus"
  nice -n 10 "$BUILD/bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
    -print_final_stats=1 $( ((JOBS > 1)) && echo "-jobs=$JOBS -workers=$JOBS") \
    -artifact_prefix="$work/findings/" \
    ${FUZZ_ARGS:-} "$work/corpus" $seeds 2>&1 | tee "$work/last.log" |
    grep -E "^#[0-9]+ +(INITED|DONE)|^stat::number_of_executed_units|ERROR|SUMMARY|Test unit written" || true
  if ls "$work/findings"/* >/dev/null 2>&1; then
    echo "== $t: findings in $work/findings"; status=1
  fi
done
exit $status
