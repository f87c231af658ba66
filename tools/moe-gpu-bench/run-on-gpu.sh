#!/bin/bash
# On a machine with an NVIDIA GPU (not part of the test suite): build, check
# the convert-moe-to-gpu kernels against the reference, and time them on
# Mixtral-8x7B and Qwen3-30B-A3B layers at batch 1..1024. Also runs the lit
# tests that need no GPU, and prints the cost model's numbers for comparison.
#   tools/moe-gpu-bench/run-on-gpu.sh [run_kernels.py options]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv
MOE_JOBS="${MOE_JOBS:-$(nproc)}" bash scripts/build.sh moe-opt moe-translate moe-gpu-bench
/usr/lib/llvm-22/bin/lit -sv build/test --filter 'GPU|PTX|convert-moe-to-gpu'
python3 tools/moe-gpu-bench/run_kernels.py --bindir build/bin "$@"
build/bin/moe-gpu-bench --gpu "$(nvidia-smi --query-gpu=name --format=csv,noheader \
  | grep -q H200 && echo h200 || echo h100)"
