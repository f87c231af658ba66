#!/usr/bin/env bash
# The runtime's own time per MoE layer step, the issue's "overhead per layer
# step" (goal: under 5 us on the host for 128 experts). Generates 128-expert
# layers (top 8, 64 tokens), compiles them for hbm3e-pim, runs STEPS steps
# per policy with moe-run, and prints a table of the medians moe-run reports:
#   placement: reading the routing, counting, the policy, the split;
#   decide:    of that, the policy's decision alone;
#   overhead:  placement plus combining and recording (all but the route
#              function and the experts' lanes).
# Two layers: tiny experts (H = I = 16), whose lanes leave the caches warm,
# so the numbers are the runtime's own; and H = 96, I = 64 with PIM
# programs, where the host-computed experts and pim-sim, running in the same
# process between layer steps, evict what the runtime had cached.
# A benchmark, not a test: the numbers depend on the machine and its load.
#
#   bash tools/moe-runtime-bench/overhead.sh [BUILD_DIR] [STEPS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build}/bin
steps=${2:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for size in "16 16" "96 64"; do
  read -r hidden inter <<<"$size"
  model=$work/h$hidden
  "${PYTHON:-/usr/bin/python3}" "$root/test/Import/ONNX/lib/make_moe_model.py" \
    --out "$model" --seed 5 --experts 128 --hidden "$hidden" --inter "$inter" \
    --k 8 --tokens 64 --activation swiglu --normalize 1 >/dev/null
  "$bin/moe-translate" --import-onnx "$model/model.onnx" |
    "$bin/moe-opt" --moe-compile 2>/dev/null |
    "$bin/moe-translate" --export-artifact -o "$model.moeb"
  echo "H = $hidden, I = $inter:"
  printf '%-10s %16s %12s %16s\n' policy "placement (us)" "decide (us)" \
    "overhead (us)"
  for policy in all-gpu all-pim threshold pimoe duplex sieve optimal; do
    out=$("$bin/moe-run" "$model.moeb" --input input="$model/input.npy" \
      --input router_probs="$model/router_probs.npy" --steps "$steps" \
      --policy "$policy" --output-dir "$work/out" 2>/dev/null)
    median() { grep "^$1 per layer step" <<<"$out" |
               sed -E 's/.*median ([0-9.]+) us.*/\1/'; }
    printf '%-10s %16s %12s %16s\n' "$policy" "$(median 'runtime placement')" \
      "$(median 'policy decision')" "$(median 'runtime overhead')"
  done
done
echo "(medians over $steps layer steps; 128 experts, 512 token copies)"
