#!/usr/bin/env bash
# Seed corpora for the fuzz targets (fuzz/FuzzTargets.h), generated from
# what the test suite feeds the same readers: the dialect tests split at
# `// -----`, the ONNX models the importer tests generate, PIM streams and
# an artifact compiled by the tools, the JSON inputs, .npy files numpy
# writes. One folder per target under OUT.
#
#   bash scripts/fuzz-seeds.sh BIN_DIR OUT
#
# BIN_DIR holds moe-opt, moe-translate and moe-run (any build). Needs python3
# with numpy and onnx, and a C compiler for the artifact's host code.
set -euo pipefail
bin=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
targets=(onnx moe-dialect pim-dialect command-stream artifact hardware-json
         token-profile npy)
for t in "${targets[@]}"; do rm -rf "${out:?}/$t"; mkdir -p "$out/$t"; done

# Text IR: every split of every test file of the dialect.
"$py" - "$src" "$out" <<'PY'
import pathlib, re, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def split(pattern, target, keep):
    n = 0
    for path in sorted(src.glob(pattern)):
        for i, chunk in enumerate(re.split(r"^// -----.*$", path.read_text(),
                                           flags=re.M)):
            if keep in chunk:
                name = f"{path.parent.name}-{path.stem}-{i}.mlir"
                (out / target / name).write_text(chunk)
                n += 1
    return n
split("test/Dialect/MoE/*.mlir", "moe-dialect", "moe.")
split("test/Passes/*/*.mlir", "moe-dialect", "moe.")
split("test/Dialect/PIM/*.mlir", "pim-dialect", "pim.")
PY

# ONNX: fused MoE blocks, decomposed forms, single ops, the error cases.
lib=$src/test/Import/ONNX/lib
n=0
for cfg in "--experts 4 --hidden 8 --inter 8 --k 2 --normalize 1" \
           "--experts 8 --hidden 16 --inter 12 --k 1 --activation swiglu --fc1-bias 1"; do
  d=$work/moe-$((n++))
  # shellcheck disable=SC2086
  "$py" "$lib/make_moe_model.py" --out "$d" --seed 3 --tokens 2 $cfg >/dev/null
  cp "$d/model.onnx" "$out/onnx/$(basename "$d").onnx"
done
for form in routing loop; do
  "$py" "$lib/make_decomposed_models.py" --out "$work/dec-$form" \
    --form "$form" --tokens 2 --hidden 8 --inter 8 >/dev/null
  cp "$work/dec-$form/model.onnx" "$out/onnx/decomposed-$form.onnx"
done
for op in $("$py" "$lib/make_op_models.py" --list | head -n 40); do
  "$py" "$lib/make_op_models.py" "$work/op-$op" "$op" >/dev/null 2>&1 &&
    cp "$work/op-$op/model.onnx" "$out/onnx/op-$op.onnx" || true
done
for bad in valid ir-version unsupported-op k-too-large truncated; do
  "$py" "$lib/make_bad_models.py" "$out/onnx/bad-$bad.onnx" "$bad" \
    >/dev/null 2>&1 || rm -f "$out/onnx/bad-$bad.onnx"
done

# PIM streams: the independent Python writer and the compiler's export.
mkdir -p "$work/gemv"
"$py" "$src/test/Runtime/PIM/Inputs/pim_stream.py" gemv "$work/gemv" >/dev/null
cp "$work/gemv/stream.pimc" "$out/command-stream/gemv.pimc"
cp "$work/gemv/device.json" "$out/hardware-json/tiny-pim.json"
cp "$work/gemv/x.npy" "$out/npy/gemv-x.npy"
"$bin/moe-opt" "$src/test/Target/PIM/export-text.mlir" \
  --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4" \
  -o "$work/pim.mlir"
"$bin/moe-translate" --export-pim "$work/pim.mlir" -o "$out/command-stream/export.pimc"
cp "$work/pim.mlir" "$out/pim-dialect/converted.mlir"

# An artifact of a small model, its inputs, and the profile a run records.
m=$work/moe-art
"$py" "$lib/make_moe_model.py" --out "$m" --seed 5 --experts 4 --hidden 8 \
  --inter 8 --k 2 --tokens 3 --normalize 1 >/dev/null
"$bin/moe-translate" --import-onnx "$m/model.onnx" -o "$m/imported.mlir"
"$bin/moe-opt" "$m/imported.mlir" --moe-compile -o "$m/compiled.mlir"
"$bin/moe-translate" --export-artifact "$m/compiled.mlir" -o "$out/artifact/small.moeb"
cp "$m"/*.npy "$out/npy/"
"$bin/moe-run" "$out/artifact/small.moeb" --input "input=$m/input.npy" \
  --input "router_probs=$m/router_probs.npy" --steps 2 \
  --output-dir "$work/run" --record-profile "$out/token-profile/recorded.json" \
  >/dev/null 2>&1

# JSON: the descriptor and profile inputs of the partitioner tests.
inputs=$src/test/Passes/moe-partition-experts/Inputs
cp "$inputs/slow-gpu.json" "$inputs/negative-bandwidth.json" "$out/hardware-json/"
cp "$inputs/profile.json" "$inputs/short-step.json" "$inputs/two-layers.json" \
  "$out/token-profile/"

# .npy: every dtype, version and shape kind the reader accepts, and some it
# rejects.
"$py" - "$out/npy" <<'PY'
import io, sys, numpy as np
out = sys.argv[1]
rng = np.random.default_rng(1)
cases = {
    "f4-2d": rng.standard_normal((3, 4)).astype("<f4"),
    "f2-1d": rng.standard_normal(5).astype("<f2"),
    "f8-3d": rng.standard_normal((2, 1, 3)).astype("<f8"),
    "f4-scalar": np.array(1.5, dtype="<f4"),
    "f4-empty": np.zeros((0, 4), dtype="<f4"),
    "be-f4": rng.standard_normal(3).astype(">f4"),
    "i4": np.arange(4, dtype="<i4"),
    "fortran": np.asfortranarray(rng.standard_normal((2, 3)).astype("<f4")),
}
for name, array in cases.items():
    np.save(f"{out}/{name}.npy", array)
for version in [(2, 0), (3, 0)]:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, cases["f4-2d"], version=version)
    open(f"{out}/v{version[0]}.npy", "wb").write(buf.getvalue())
PY

for t in "${targets[@]}"; do
  echo "$t: $(find "$out/$t" -type f | wc -l) seed(s)"
done
