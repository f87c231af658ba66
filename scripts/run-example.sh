#!/usr/bin/env bash
# Lowers a moe program with moe-host-pipeline, runs it with mlir-runner and,
# when the program carries REF lines, checks its printed results against the
# numpy reference (test/lib/check_numerics.py). stdbuf keeps the message of
# a failed runtime check, which is printed just before the abort.
set -euo pipefail
cd "$(dirname "$0")/.."

program="${1:?usage: run-example.sh <program.mlir>}"
llvm=/usr/lib/llvm-22
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

echo "== moe-opt $program --moe-host-pipeline | mlir-runner"
build/bin/moe-opt "$program" --moe-host-pipeline |
  stdbuf -oL "$llvm/bin/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$llvm/lib/libmlir_runner_utils.so,$llvm/lib/libmlir_c_runner_utils.so" |
  tee "$out"
if grep -q '// REF:' "$program"; then
  echo "== checking against the numpy reference"
  /usr/bin/python3 test/lib/check_numerics.py "$program" < "$out"
fi
