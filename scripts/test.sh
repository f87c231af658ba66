#!/usr/bin/env bash
# Installs, builds everything and runs every test: the lit suite (check-moe:
# dialect, passes, numerics on the host, C API, docs, installed-package
# consumer) and the GoogleTest unit tests, all through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh all
ctest --test-dir build --output-on-failure -j"${MOE_JOBS:-$(nproc)}"
