#!/usr/bin/python3
"""Random com.microsoft.MoE models through moe-mlir, checked against ORT.

    ort_sweep.py --seeds FIRST:COUNT --work DIR --tools BUILD/bin
                 --llvm /usr/lib/llvm-22 --ort ORT_DIR

For each seed: make_moe_model.py --random-config (E 2..64, k 1..8, every
activation ONNX Runtime runs on CPU, normalisation and biases on and off,
T 1..64) -> ort_run.js (the reference) -> moe-translate --import-onnx ->
run_harness.py -> moe-opt --moe-host-pipeline -> mlir-runner -> compare.py
(max abs error <= 1e-4 * max(1, max |ORT output|)). Prints one line per
model and a summary; exits 1 if any model fails.

--quantize makes every model a com.microsoft.QMoE: the seed also picks
4- or 8-bit codes, scales per row or per block of 16 or 32 columns, and
implicit or explicit zero points (H and I become multiples of 32). The
routing weights are renormalised: ONNX Runtime 1.30's CPU QMoE kernel
renormalises even when normalize_routing_weights = 0 (measured; the op's
schema and our import follow the attribute, see qmoe-ort.test).
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, stdin=None, what=""):
    result = subprocess.run(cmd, input=stdin, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}): "
                           + result.stderr.decode(errors="replace")[-2000:])
    return result.stdout


def quantized_args(seed):
    """make_moe_model.py options of the seed's QMoE variant."""
    bits = (4, 8)[seed % 2]
    block = (None, 16, 32)[seed // 2 % 3]
    args = ["--quantize", str(bits), "--zero-points", str(seed // 6 % 2),
            "--normalize", "1",
            "--hidden", str(32 * (1 + seed % 3)),
            "--inter", str(32 * (1 + seed // 3 % 2))]
    return args + (["--block-size", str(block)] if block else [])


def compile_and_compare(model, args):
    """ORT's output, then import -> run_harness -> moe-host-pipeline ->
    mlir-runner -> compare.py on the model in directory `model`; returns
    compare.py's report."""
    py = sys.executable
    run(["node", os.path.join(HERE, "ort_run.js"), model, args.ort],
        what="ONNX Runtime")
    imported = os.path.join(model, "imported.mlir")
    run([os.path.join(args.tools, "moe-translate"), "--import-onnx",
         os.path.join(model, "model.onnx"), "-o", imported],
        what="moe-translate --import-onnx")
    harness = run([py, os.path.join(HERE, "run_harness.py"), imported, model],
                  what="run_harness")
    lowered = run([os.path.join(args.tools, "moe-opt"), "-",
                   "--moe-host-pipeline"], stdin=harness,
                  what="moe-opt --moe-host-pipeline")
    lib = os.path.join(args.llvm, "lib")
    printed = run(["stdbuf", "-oL", os.path.join(args.llvm, "bin",
                                                 "mlir-runner"),
                   "-e", "main", "-entry-point-result=void",
                   "-shared-libs=" + os.path.join(lib, "libmlir_runner_utils.so")
                   + "," + os.path.join(lib, "libmlir_c_runner_utils.so")],
                  stdin=lowered, what="mlir-runner")
    return run([sys.executable, os.path.join(HERE, "compare.py"), model],
               stdin=printed, what="compare").decode().strip()


def check_one(seed, args):
    model = os.path.join(args.work, f"seed{seed}")
    extra = quantized_args(seed) if args.quantize else []
    run([sys.executable, os.path.join(HERE, "make_moe_model.py"), "--out",
         model, "--random-config", str(seed)] + extra, what="make_moe_model")
    return compile_and_compare(model, args)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", required=True, help="FIRST:COUNT")
    parser.add_argument("--work", required=True)
    parser.add_argument("--tools", required=True)
    parser.add_argument("--llvm", required=True)
    parser.add_argument("--ort", required=True)
    parser.add_argument("--quantize", action="store_true",
                        help="com.microsoft.QMoE models")
    args = parser.parse_args()
    first, count = (int(x) for x in args.seeds.split(":"))
    os.makedirs(args.work, exist_ok=True)
    failures = 0
    for seed in range(first, first + count):
        try:
            print(f"seed {seed}: {check_one(seed, args)}")
        except RuntimeError as err:
            failures += 1
            print(f"seed {seed}: FAIL: {err}")
    print(f"ort_sweep: {count - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    sys.exit(main())
