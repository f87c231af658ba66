#!/usr/bin/env python3
"""End-to-end numerics of PIM-placed experts.

For every case (activation, biases, fc3, gate layout) this writes a
moe.experts layer with constant weights whose experts 0 and 2 are placed on
PIM, compiles it with convert-moe-to-pim (plain, and with the pim-* passes
and small input chunks so every pass changes the programs, and with two
tokens per row activation, all with fc1 row sharded; and with fc1 split
over the hidden dimension where the shape allows it), exports the
stream with moe-translate --export-pim, runs each PIM expert's program over
its tokens with pim-sim (1 and 2 slots per run) and compares with the numpy
reference of moe.experts (test/lib/moe_ref.py) on bf16-rounded inputs and
weights, within bf16 tolerance (the intermediate is rounded to bf16 in the
global buffer). The passes must not change a single bit; the hidden split
sums in another order, so its programs are compared with the reference
and with each other.

usage: run_pim_experts.py WORKDIR MOE_OPT MOE_TRANSLATE PIM_SIM
"""

import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "lib"))
import moe_ref  # noqa: E402

# A device small enough that every path runs: 2 channels x 4 banks, 8
# bf16 per burst, 4 accumulators (SwiGLU needs two groups of tiles for 24
# intermediates over 8 lanes), a 128-byte global buffer.
DEVICE = {"kind": "pim", "name": "tiny-pim", "type": "bank-level",
          "stacks": 1, "channels_per_stack": 2, "banks_per_channel": 4,
          "external_tbps": 0.128, "internal_tbps": 0.5, "peak_tflops": 0.5,
          "command_overhead_us": 0.1,
          "dram": {"rows_per_bank": 256, "row_bytes": 64, "burst_bytes": 16,
                   "banks_per_bank_group": 2, "global_buffer_bytes": 128,
                   "accumulators_per_bank": 4, "tck_ns": 0.5, "trcd": 28,
                   "trp": 28, "tras": 68, "trc": 96, "tcl": 28, "tccd_s": 2,
                   "tccd_l": 4, "trrd_s": 4, "trrd_l": 6, "tfaw": 12,
                   "trefi": 7800, "trfc": 800, "all_bank_power_share": 0.5625,
                   "host_channel_gbps": 32}}

# name: (activation, gate layout, fc3, biases, H, alpha, beta, limit[, I])
CASES = {
    "identity": ("identity", None, False, False, 16, 1.0, 0.0, None),
    "relu-bias": ("relu", None, False, True, 16, 1.0, 0.0, None),
    "gelu-pad": ("gelu", None, False, True, 20, 1.0, 0.0, None),
    "gelu-tanh": ("gelu_tanh", None, False, False, 16, 1.0, 0.0, None),
    "silu-bias": ("silu", None, False, True, 16, 1.0, 0.0, None),
    # 18 outputs on 4 banks: fc2's last tile is shifted and partly padding.
    "silu-bias-hidden-18": ("silu", None, False, True, 18, 1.0, 0.0, None),
    # 20 intermediates on 8 lanes: the partial last tile uses banks 0 and 1
    # of both channels.
    "swiglu-intermediate-20": ("swiglu", "separate", True, True, 16, 1.0,
                               0.0, None, 20),
    "swiglu-separate-fc3": ("swiglu", "separate", True, True, 16, 1.0, 0.0,
                            None),
    "swiglu-interleaved-gptoss": ("swiglu", "interleaved", False, True, 16,
                                  1.702, 1.0, 7.0),
    "swiglu-concatenated": ("swiglu", "concatenated", False, False, 20, 1.0,
                            0.5, 1.5),
    # At most channels x banks = 8 intermediates: fc1 can be split over the
    # hidden dimension (split-hidden), the host adding the channels' sums.
    "relu-bias-i6": ("relu", None, False, True, 16, 1.0, 0.0, None, 6),
    "swiglu-fc3-i8": ("swiglu", "separate", True, True, 16, 1.0, 0.0, None,
                      8),
    # 9 hidden elements per channel: two bursts, the second partly padding.
    "swiglu-gptoss-h18-i5": ("swiglu", "interleaved", False, True, 18, 1.702,
                             1.0, 7.0, 5),
    "gelu-h20-i3": ("gelu", None, False, False, 20, 1.0, 0.0, None, 3),
}
CHANNELS = DEVICE["channels_per_stack"] * DEVICE["stacks"]
LANES = CHANNELS * DEVICE["banks_per_channel"]
EXPERTS = 3
INTER = 24
OFFSETS = [0, 3, 5, 10]  # experts 0 and 2 (PIM) get 3 and 5 tokens


def bf16(a):
    bits = np.asarray(a, dtype=np.float32).view(np.uint32)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def literal(a):
    if a.ndim == 1:
        return "[" + ", ".join("%.9g" % v for v in a) + "]"
    return "[" + ", ".join(literal(r) for r in a) + "]"


def tensor(a):
    return "tensor<" + "x".join(str(d) for d in a.shape) + "xf32>"


def layer(case, rng):
    act, layout, has_fc3, biases, h, alpha, beta, limit = CASES[case][:8]
    inter = CASES[case][8] if len(CASES[case]) > 8 else INTER
    f = 2 if layout in ("interleaved", "concatenated") else 1
    w = {"fc1": rng.uniform(-0.5, 0.5, (EXPERTS, f * inter, h)),
         "fc2": rng.uniform(-0.5, 0.5, (EXPERTS, h, inter))}
    if has_fc3:
        w["fc3"] = rng.uniform(-0.5, 0.5, (EXPERTS, inter, h))
    if biases:
        w["b1"] = rng.uniform(-0.5, 0.5, (EXPERTS, f * inter))
        w["b2"] = rng.uniform(-0.5, 0.5, (EXPERTS, h))
        if has_fc3:
            w["b3"] = rng.uniform(-0.5, 0.5, (EXPERTS, inter))
    w = {k: bf16(v) for k, v in w.items()}
    x = bf16(rng.uniform(-2, 2, (OFFSETS[-1], h)))

    operands = "fc1 %fc1" + (" bias %b1" if "b1" in w else "")
    operands += ", fc2 %fc2" + (" bias %b2" if "b2" in w else "")
    if has_fc3:
        operands += ", fc3 %fc3" + (" bias %b3" if "b3" in w else "")
    order = ["fc1", "b1", "fc2", "b2", "fc3", "b3"]
    names = [k for k in order if k in w]
    params = ""
    if act == "swiglu":
        params = "(%s, alpha = %r, beta = %r%s)" % (
            layout, float(alpha), float(beta),
            "" if limit is None else ", limit = %r" % float(limit))
    text = ["func.func @layer(%%x: tensor<?x%dxf32>, %%offsets: tensor<%dxi64>)"
            " -> tensor<?x%dxf32> {" % (h, EXPERTS + 1, h)]
    for k in names:
        text.append("  %%%s = arith.constant dense<%s> : %s"
                    % (k, literal(w[k]), tensor(w[k])))
    text.append("  %%y = moe.experts %%x, %%offsets %s activation %s%s "
                "placements [pim, gpu, pim] : (tensor<?x%dxf32>, "
                "tensor<%dxi64>, %s) -> tensor<?x%dxf32>"
                % (operands, act, params, h, EXPERTS + 1,
                   ", ".join(tensor(w[k]) for k in names), h))
    text.append("  return %%y : tensor<?x%dxf32>" % h)
    text.append("}")
    ref = moe_ref.experts(x, np.array(OFFSETS), w["fc1"], w["fc2"],
                          fc3=w.get("fc3"), b1=w.get("b1"), b2=w.get("b2"),
                          b3=w.get("b3"), activation=act, gate_layout=layout,
                          alpha=alpha, beta=beta, limit=limit)
    return "\n".join(text) + "\n", x, ref


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("FAILED: %s\n%s%s" % (" ".join(cmd), result.stdout,
                                       result.stderr))
    return result.stdout


def main(argv):
    work, moe_opt, moe_translate, pim_sim = argv[1:5]
    os.makedirs(work, exist_ok=True)
    device = os.path.join(work, "device.json")
    with open(device, "w") as f:
        json.dump(DEVICE, f)
    rng = np.random.default_rng(2026)
    failures = 0
    for case in CASES:
        mlir, x, ref = layer(case, rng)
        source = os.path.join(work, case + ".mlir")
        with open(source, "w") as f:
            f.write(mlir)
        results = {}
        lower = "--convert-moe-to-pim=device=%s slots=1,2 " % device
        variants = {
            "plain": [lower + "split-hidden=never"],
            "passes": [lower + "split-hidden=never chunk-bytes=16",
                       "--pim-row-locality", "--pim-double-buffer-gb"],
            "batched": [lower + "split-hidden=never batch-tokens=2",
                        "--pim-row-locality"],
        }
        h = CASES[case][4]
        inter = CASES[case][8] if len(CASES[case]) > 8 else INTER
        sliced = inter <= LANES and h % CHANNELS == 0
        if sliced:
            variants["sliced"] = [lower + "split-hidden=always"]
            variants["sliced-passes"] = [
                lower + "split-hidden=always batch-tokens=2",
                "--pim-row-locality", "--pim-double-buffer-gb"]
        for variant, passes in variants.items():
            lowered = os.path.join(work, "%s.%s.pim.mlir" % (case, variant))
            stream = os.path.join(work, "%s.%s.pimc" % (case, variant))
            run([moe_opt, source, "-o", lowered] + passes)
            with open(lowered) as f:
                uses_slices = "sharding = slices" in f.read()
            if uses_slices != variant.startswith("sliced"):
                failures += 1
                print("LAYOUT %s %s: fc1 %s slice sharded" % (
                    case, variant, "is" if uses_slices else "is not"))
            run([moe_translate, "--export-pim", lowered, "-o", stream])
            for e in (0, 2):
                rows = x[OFFSETS[e]:OFFSETS[e + 1]]
                xin = os.path.join(work, "%s.x%d.npy" % (case, e))
                np.save(xin, rows.astype(np.float32))
                for slots in (1, 2):
                    yout = os.path.join(work, "%s.%s.e%d.s%d.npy"
                                        % (case, variant, e, slots))
                    run([pim_sim, stream, "--device", device, "--program",
                         "l0_e%d_s%d" % (e, slots), "--input", xin,
                         "--output", yout])
                    results[(variant, e, slots)] = np.load(yout)
        worst = 0.0
        for (variant, e, slots), y in results.items():
            want = ref[OFFSETS[e]:OFFSETS[e + 1]]
            scale = max(1.0, float(np.abs(want).max()))
            err = float(np.abs(y - want).max()) / scale
            worst = max(worst, err)
            if not err <= 1.5e-2:
                failures += 1
                print("MISMATCH %s %s expert %d slots %d: max error %.3g of "
                      "scale %.3g" % (case, variant, e, slots, err, scale))
            base = "sliced" if variant.startswith("sliced") else "plain"
            if not np.array_equal(y, results[(base, e, 1)]):
                failures += 1
                print("DIFFERENT %s %s expert %d slots %d: not bit-identical "
                      "to the %s single-slot program" % (case, variant, e,
                                                         slots, base))
        print("%s: ok%s, worst relative error %.2e" % (
            case, " (hidden split too)" if sliced else "", worst)
              if not failures else "%s: checked" % case)
    print("FAILURES %d" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
