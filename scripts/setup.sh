#!/usr/bin/env bash
# Installs what kiln needs to build and test, from Debian's packages only.
# Idempotent: packages already present are not touched, and apt-get is not
# called at all when nothing is missing. Uses sudo when not root.
#
#   scripts/setup.sh            build + test dependencies (the tests generate
#                               TorchScript archives and checkpoints with
#                               Debian's PyTorch, so it is a test dependency)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache python3 file
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools lld-19
  libdnnl-dev ocl-icd-opencl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libonnx-testdata zlib1g-dev
  python3-torch python3-torchvision python3-onnx python3-numpy
)
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang-19 libclang-rt-19-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
echo "kiln setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
