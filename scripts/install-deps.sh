#!/usr/bin/env bash
# Installs what moe-mlir builds and tests with, from Debian's packages only:
# LLVM/MLIR 22, lit and FileCheck, a C++ toolchain, CMake/Ninja, GoogleTest
# and numpy for the numerical references. Idempotent: does nothing when all
# packages are present.
set -euo pipefail

packages=(
  llvm-22-dev libmlir-22-dev libmlir-22 mlir-22-tools llvm-22-tools
  cmake ninja-build g++ ccache libgtest-dev python3 python3-numpy
  nlohmann-json3-dev libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx
)

# Node.js runs ONNX Runtime (npm onnxruntime-node) for the importer tests;
# take Debian's only where no node is installed already.
command -v node > /dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" > /dev/null
