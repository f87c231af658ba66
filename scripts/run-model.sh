#!/usr/bin/env bash
# Generates an example com.microsoft.MoE model (a small Qwen3-style layer:
# 32 experts, top 4, SwiGLU, 48 tokens), compiles it for the runtime and runs
# it with moe-run: 4 steps, Sieve's policy, report and timeline written next
# to the model. Experts placed on PIM run in pim-sim (bf16 storage, simulated
# DRAM timing), so the output matches the references at bf16's precision
# (docs/RuntimePIM.md). Usage: run-model.sh [OUT_DIR] (default build/example).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-build/example}"
py=/usr/bin/python3
lib=test/Import/ONNX/lib
rm -rf "$out" && mkdir -p "$out"

echo "== an example ONNX model: $out/model.onnx"
"$py" "$lib/make_moe_model.py" --out "$out" --seed 11 --tokens 48 \
  --experts 32 --k 4 --hidden 96 --inter 32 --activation swiglu \
  --normalize 1 --fc1-bias 1
echo "== moe-translate --import-onnx"
build/bin/moe-translate --import-onnx "$out/model.onnx" -o "$out/imported.mlir"
echo "== moe-opt --moe-compile=\"gpu=b200 pim=hbm3e-pim policy=sieve\""
build/bin/moe-opt "$out/imported.mlir" \
  --moe-compile="gpu=b200 pim=hbm3e-pim policy=sieve" -o "$out/compiled.mlir"
echo "== moe-translate --export-artifact"
build/bin/moe-translate --export-artifact "$out/compiled.mlir" \
  -o "$out/model.moeb"
echo "== moe-run (4 steps)"
build/bin/moe-run "$out/model.moeb" --input input="$out/input.npy" \
  --input router_probs="$out/router_probs.npy" --output-dir "$out/out" \
  --steps 4 --report "$out/report.json" --timeline "$out/timeline.svg" \
  --record-profile "$out/profile.json"
echo "== checking the output"
"$py" - "$out" <<'PY'
import os, sys
import numpy as np
sys.dont_write_bytecode = True
sys.path.insert(0, "test/Import/ONNX/lib")
import make_moe_model
out = sys.argv[1]
got = np.load(os.path.join(out, "out", "output.npy"))
ref = make_moe_model.reference_output(out)
err = float(np.abs(got - ref).max())
# PIM-placed experts store tokens, weights and the intermediate as bf16.
allowed = 1e-2 * max(1.0, float(np.abs(ref).max()))
print("output %s: max |moe-run - numpy reference| = %.3g (allowed %.3g, "
      "bf16 storage on PIM)" % (list(got.shape), err, allowed))
sys.exit(0 if err <= allowed else 1)
PY
if [ -d build/ort/node_modules/onnxruntime-node ]; then
  node "$lib/ort_run.js" "$out" build/ort
  "$py" test/Runtime/moe-run/lib/check_pim.py "$out" "$out/out"
fi
echo "== report: $out/report.json, timeline: $out/timeline.svg"
