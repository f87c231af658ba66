#!/usr/bin/python3
"""Compares a compiled ONNX model's printed output with ONNX Runtime's.

    mlir-runner ... | compare.py MODEL_DIR
    compare.py --ref MODEL_DIR

stdin is the stdout of the program run_harness.py built: one printMemref
block per result of the entry function (parsed by test/lib/check_numerics.py).
Result i is compared with MODEL_DIR/ort_output.npy (i = 0) or
MODEL_DIR/ort_output_NAME.npy (further outputs, NAME from config.json), as
ort_run.js wrote them.  Shapes must match exactly, and

    max |actual - ort| <= 1e-4 * max(1, max |ort|)

(per output; NaN in either side is a mismatch).  Integer and bool outputs
must match exactly.  Prints one line per output
and exits 0 when all match; exits 1 with the worst element on a mismatch, and
2 when the program output cannot be parsed or a file is missing.

--ref compares ort_output.npy with the numpy reference of the model
(make_moe_model.reference_output, i.e. test/lib/moe_ref.py) instead of
reading stdin: a check of ONNX Runtime's semantics against ours.

--numpy compares stdin with the numpy reference instead of ORT's output,
for models whose semantics ORT's CPU kernel does not implement: the
generator's own MODEL_DIR/numpy_output.npy where it wrote one
(make_decomposed_models.py), else make_moe_model.reference_output.

--npy DIR takes the actual outputs from DIR/NAME.npy (what moe-run
--output-dir writes, NAME from config.json) instead of stdin.
"""

import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "lib"))
import check_numerics  # noqa: E402

REL_TOL = 1e-4


def output_files(model_dir):
    """[(name, path)] of ORT's outputs, in graph order."""
    names = ["output"]
    path = os.path.join(model_dir, "config.json")
    if os.path.exists(path):
        with open(path) as f:
            names = [o["name"] for o in json.load(f).get("graph_outputs", [])
                     ] or names
    return [(n, os.path.join(model_dir, "ort_output.npy" if i == 0
                             else "ort_output_%s.npy" % n))
            for i, n in enumerate(names)]


def check(name, actual, expected, what):
    """(ok, message) for one output."""
    exact = np.asarray(expected).dtype.kind in "biu"
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    if actual.shape != expected.shape:
        return False, ("%s: shape %s, but ONNX Runtime's is %s"
                       % (name, list(actual.shape), list(expected.shape)))
    if expected.size == 0:
        return True, "%s: empty %s, matches" % (name, list(expected.shape))
    finite = np.abs(expected[np.isfinite(expected)])
    ort_max = float(finite.max()) if finite.size else 0.0
    allowed = 0.0 if exact else REL_TOL * max(1.0, ort_max)
    with np.errstate(invalid="ignore"):
        diff = np.abs(actual - expected)
    diff = np.where(np.isnan(diff), np.inf, diff)  # NaN or inf-inf
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape)
    err = float(diff[worst])
    if exact:
        summary = ("%s %s: max abs error %.3g (integers: must be exact)"
                   % (name, list(expected.shape), err))
    else:
        summary = ("%s %s: max abs error %.3g (allowed %.3g = %g * max(1, "
                   "max|ort| = %.4g))" % (name, list(expected.shape), err,
                                          allowed, REL_TOL, ort_max))
    if err <= allowed:
        return True, summary
    nbad = int(np.count_nonzero(diff > allowed))
    return False, ("%s: %s does not match ONNX Runtime: %s; %d of %d "
                   "elements off; worst at [%s]: %s %.9g, ORT %.9g"
                   % (name, what, summary, nbad, expected.size,
                      ", ".join(str(int(i)) for i in worst), what,
                      actual[worst], expected[worst]))


def main(argv):
    npy_dir = None
    if "--npy" in argv:
        at = argv.index("--npy")
        if at + 1 >= len(argv):
            print("compare: error: --npy needs a directory", file=sys.stderr)
            return 2
        npy_dir = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    args = [a for a in argv if a not in ("--ref", "--numpy")]
    use_ref = "--ref" in argv
    use_numpy = "--numpy" in argv
    if len(args) != 1 or (use_ref and use_numpy):
        print("usage: program | compare.py [--numpy] MODEL_DIR\n"
              "       compare.py --ref MODEL_DIR", file=sys.stderr)
        return 2
    model_dir = args[0]
    try:
        expected = []
        own_reference = os.path.join(model_dir, "numpy_output.npy")
        if use_numpy and os.path.exists(own_reference):
            expected.append(("output", np.load(own_reference)))
        elif use_numpy:
            import make_moe_model
            expected.append(
                ("output", make_moe_model.reference_output(model_dir)))
        for name, path in ([] if use_numpy else output_files(model_dir)):
            if not os.path.exists(path):
                raise check_numerics.TestError(
                    "%s does not exist (run ort_run.js %s ORT_DIR first)"
                    % (path, model_dir))
            expected.append((name, np.load(path)))
        if use_ref and os.path.exists(own_reference):
            actual = [np.load(own_reference)]
            what = "numpy"
        elif use_ref:
            import make_moe_model
            actual = [make_moe_model.reference_output(model_dir)]
            what = "moe_ref"
        elif npy_dir is not None:
            actual = [np.load(os.path.join(npy_dir, name + ".npy"))
                      for name, _ in output_files(model_dir)]
            what = "moe-run"
        else:
            actual = [a for _, a in
                      check_numerics.parse_outputs(sys.stdin.read())]
            what = "compiled"
    except (check_numerics.TestError, OSError, ValueError) as e:
        print("compare: error: %s" % e, file=sys.stderr)
        return 2

    if len(actual) != len(expected):
        hint = (" (nothing was printed: did the program fail?)"
                if not actual else "")
        print("compare: FAIL: %s: %d outputs printed, the model has %d%s"
              % (model_dir, len(actual), len(expected), hint),
              file=sys.stderr)
        return 1
    failed = False
    for (name, exp), act in zip(expected, actual):
        ok, msg = check(name, act, exp, what)
        if ok:
            print("compare: %s: ok: %s vs %s %s" % (
                model_dir, what, "numpy" if use_numpy else "ORT", msg))
        else:
            print("compare: FAIL: %s: %s" % (model_dir, msg), file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
