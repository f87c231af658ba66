#!/usr/bin/env bash
# Installs the npm package onnxruntime-node (ONNX Runtime for Node.js, CPU) into
# a directory, as the outside numerics reference for the ONNX importer tests
# (test/Import/ONNX/lib/ort_run.js loads it from DIR/node_modules).
#
#   scripts/install-ort.sh [DIR]        DIR defaults to build/ort
#
# The package ships its native binaries for linux/x64 in the tarball, so its
# install script (which would download CUDA/TensorRT extras) is skipped.
# Idempotent: does nothing when DIR already holds the pinned version.  Quiet
# on success; on failure says why and exits non-zero.
set -euo pipefail

ORT_VERSION=1.30.0
dir=${1:-build/ort}

die() { echo "install-ort: error: $*" >&2; exit 1; }

installed_version() {
  # The version field of DIR/node_modules/onnxruntime-node/package.json, or
  # nothing.  Read with node itself: it is needed anyway.
  local pj="$dir/node_modules/onnxruntime-node/package.json"
  [ -f "$pj" ] || return 0
  node -e 'try { process.stdout.write(require(process.argv[1]).version) } catch (e) {}' \
    "$(cd "$(dirname "$pj")" && pwd)/package.json"
}

command -v node > /dev/null || die "node is not installed (need Node.js >= 16)"
command -v npm > /dev/null || die "npm is not installed"

# The native addon for this machine, as onnxruntime-node's loader finds it.
binding="$dir/node_modules/onnxruntime-node/bin/napi-v6/$(node -p 'process.platform + "/" + process.arch')/onnxruntime_binding.node"
if [ "$(installed_version)" = "$ORT_VERSION" ] && [ -f "$binding" ]; then
  exit 0
fi

# Ask the registry first (few retries, bounded wait), so that an unreachable
# registry gives one clear line rather than npm's retry log.
registry=$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)
if ! npm view --fetch-retries=1 --fetch-timeout=30000 \
       "onnxruntime-node@$ORT_VERSION" version > /dev/null 2>&1; then
  die "cannot reach the npm registry ($registry) to fetch onnxruntime-node@$ORT_VERSION; check the network or the npm registry/proxy settings"
fi

mkdir -p "$dir" || die "cannot create $dir"
# A package.json of our own keeps npm from walking up to an enclosing project.
[ -f "$dir/package.json" ] ||
  printf '{\n  "name": "moe-mlir-ort",\n  "private": true\n}\n' > "$dir/package.json"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! (cd "$dir" && ONNXRUNTIME_NODE_INSTALL=skip npm install --ignore-scripts \
        --no-audit --no-fund --loglevel=error --save-exact \
        "onnxruntime-node@$ORT_VERSION") > "$log" 2>&1; then
  cat "$log" >&2
  die "npm install onnxruntime-node@$ORT_VERSION into $dir failed"
fi

got=$(installed_version)
[ "$got" = "$ORT_VERSION" ] ||
  die "after npm install, $dir holds onnxruntime-node '${got:-none}', not $ORT_VERSION"
# The binding must load (it is a native addon: a wrong platform fails here).
(cd "$dir" && node -e 'require("onnxruntime-node")') > "$log" 2>&1 || {
  cat "$log" >&2
  die "onnxruntime-node $ORT_VERSION is installed in $dir but does not load"
}
