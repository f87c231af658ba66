#!/usr/bin/env bash
# The main job: install, build, then take an example MoE model from ONNX
# through the whole chain and run it with dynamic re-dispatch:
#   moe-translate --import-onnx  ->  moe-opt --moe-compile  ->
#   moe-translate --export-artifact  ->  moe-run (every MoE layer placed
#   between GPU and PIM from its live token counts, every step)
# On a machine without a GPU the GPU share runs on the host with modelled
# times (moe-run says so). The output is checked against the numpy
# reference, and against ONNX Runtime where it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh moe-opt moe-translate moe-run
bash scripts/run-model.sh
