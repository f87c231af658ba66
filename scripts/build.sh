#!/usr/bin/env bash
# Configures (once) and builds moe-mlir into build/ with Ninja. Reuses the
# build and ccache on later runs. MOE_JOBS overrides the parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs="${MOE_JOBS:-$(nproc)}"
launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
fi
ninja -C build -j"$jobs" "$@"
