#!/usr/bin/python3
"""ONNX op models (make_op_models.py) through moe-mlir, checked against ORT.

    op_sweep.py --cases NAME,NAME,...|all --work DIR --tools BUILD/bin
                --llvm /usr/lib/llvm-22 --ort ORT_DIR [--seeds N]

For each case (and seed 0..N-1): make_op_models.py -> ort_run.js (the
reference) -> moe-translate --import-onnx -> run_harness.py -> moe-opt
--moe-host-pipeline -> mlir-runner -> compare.py (floats: max abs error <=
1e-4 * max(1, max |ORT output|); integers and bools exactly).  `all` is every
case but the bad-* ones.  Prints one line per model and a summary; exits 1
if any model fails.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_op_models  # noqa: E402
from ort_sweep import compile_and_compare  # noqa: E402


def check_one(name, seed, args):
    model = os.path.join(args.work, "%s-%d" % (name, seed))
    make_op_models.write(model, name, seed)
    out = compile_and_compare(model, args)
    return "%d outputs ok" % len(out.splitlines())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", required=True)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--work", required=True)
    parser.add_argument("--tools", required=True)
    parser.add_argument("--llvm", required=True)
    parser.add_argument("--ort", required=True)
    args = parser.parse_args()
    if args.cases == "all":
        names = sorted(n for n in make_op_models.CASES
                       if not n.startswith("bad-"))
    else:
        names = args.cases.split(",")
    os.makedirs(args.work, exist_ok=True)
    failures = total = 0
    for name in names:
        for seed in range(args.seeds):
            total += 1
            try:
                print("%s seed %d: %s" % (name, seed,
                                          check_one(name, seed, args)))
            except (RuntimeError, KeyError) as err:
                failures += 1
                print("%s seed %d: FAIL: %s" % (name, seed, err))
    print("op_sweep: %d passed, %d failed" % (total - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
