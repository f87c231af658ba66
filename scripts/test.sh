#!/usr/bin/env bash
# Installs, builds everything and runs every test: the lit suite (check-moe:
# dialect, passes, numerics on the host, the ONNX importer against ONNX
# Runtime, C API, docs, installed-package consumer) and the GoogleTest unit
# tests, all through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh all
# ONNX Runtime from npm, the outside reference of the importer tests; where
# npm is unreachable those tests report UNSUPPORTED.
bash scripts/install-ort.sh build/ort ||
  echo "test: onnxruntime-node not installed; ONNX Runtime comparisons skipped"
ctest --test-dir build --output-on-failure -j"${MOE_JOBS:-$(nproc)}"
