#!/usr/bin/env bash
# The main job: install, build, then compile the example MoE layer for the
# host and run it, printing the routing and the layer output, checked
# against the numpy reference.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh moe-opt
bash scripts/run-example.sh examples/mixtral-tiny.mlir
