#!/usr/bin/env python3
"""Simulated time of one PIM expert with and without the pim-* passes.

Compiles a relu and a SwiGLU expert (H=256, I=512, random constant weights)
for a 4-channel x 8-bank device with 1 KiB rows, runs 4 tokens through
pim-sim for each variant and prints cycles per token. Run from the
repository root after building moe-opt, moe-translate and pim-sim:

    /usr/bin/python3 scripts/pim-pass-bench.py [build]
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

DEVICE = {"kind": "pim", "name": "bench-pim", "type": "bank-level",
          "stacks": 1, "channels_per_stack": 4, "banks_per_channel": 8,
          "external_tbps": 0.256, "internal_tbps": 1.0, "peak_tflops": 1.0,
          "command_overhead_us": 0.1,
          "dram": {"rows_per_bank": 1024, "row_bytes": 1024,
                   "burst_bytes": 32, "banks_per_bank_group": 4,
                   "global_buffer_bytes": 2048, "accumulators_per_bank": 8,
                   "tck_ns": 0.5, "trcd": 28, "trp": 28, "tras": 68,
                   "trc": 96, "tcl": 28, "tccd_s": 2, "tccd_l": 4,
                   "trrd_s": 4, "trrd_l": 6, "tfaw": 12, "trefi": 7800,
                   "trfc": 800, "all_bank_power_share": 0.5625,
                   "host_channel_gbps": 32}}
H, I, TOKENS = 256, 512, 4

VARIANTS = [
    ("plain", "slots=1", []),
    ("row-locality", "slots=1", ["--pim-row-locality"]),
    ("4 chunks", "slots=1 chunk-bytes=128", ["--pim-row-locality"]),
    ("4 chunks + double-buffer", "slots=1 chunk-bytes=128",
     ["--pim-row-locality", "--pim-double-buffer-gb"]),
    ("2 slots, serial", "slots=2", ["--pim-row-locality"]),
    ("2 slots, batch-tokens=2", "slots=2 batch-tokens=2",
     ["--pim-row-locality"]),
]


def dense(a):
    return "dense<" + np.array2string(
        a, separator=", ", threshold=sys.maxsize, max_line_width=1 << 30,
        formatter={"float_kind": lambda v: "%.6g" % v}) + ">"


def main(argv):
    build = argv[1] if len(argv) > 1 else "build"
    tool = lambda name: os.path.join(build, "bin", name)
    rng = np.random.default_rng(7)
    work = tempfile.mkdtemp(prefix="pim-pass-bench-")
    device = os.path.join(work, "device.json")
    with open(device, "w") as f:
        json.dump(DEVICE, f)
    x = os.path.join(work, "x.npy")
    np.save(x, rng.uniform(-1, 1, (TOKENS, H)).astype(np.float32))
    for act, f in (("relu", 1), ("swiglu(interleaved)", 2)):
        fc1 = rng.uniform(-0.1, 0.1, (1, f * I, H)).astype(np.float32)
        fc2 = rng.uniform(-0.1, 0.1, (1, H, I)).astype(np.float32)
        source = os.path.join(work, "expert.mlir")
        with open(source, "w") as out:
            out.write(
                "func.func @e(%%x: tensor<?x%dxf32>, %%o: tensor<2xi64>) -> "
                "tensor<?x%dxf32> {\n  %%w1 = arith.constant %s : "
                "tensor<1x%dx%dxf32>\n  %%w2 = arith.constant %s : "
                "tensor<1x%dx%dxf32>\n  %%y = moe.experts %%x, %%o fc1 %%w1, "
                "fc2 %%w2 activation %s placements [pim] : (tensor<?x%dxf32>,"
                " tensor<2xi64>, tensor<1x%dx%dxf32>, tensor<1x%dx%dxf32>) -> "
                "tensor<?x%dxf32>\n  return %%y : tensor<?x%dxf32>\n}\n"
                % (H, H, dense(fc1), f * I, H, dense(fc2), H, I, act, H,
                   f * I, H, H, I, H, H))
        print("%s expert, H=%d I=%d, %d tokens:" % (act, H, I, TOKENS))
        for name, options, passes in VARIANTS:
            lowered = os.path.join(work, "lowered.mlir")
            stream = os.path.join(work, "stream.pimc")
            report = os.path.join(work, "report.json")
            slots = options.split()[0].split("=")[1]
            subprocess.run([tool("moe-opt"), source, "-o", lowered,
                            "--convert-moe-to-pim=device=%s %s"
                            % (device, options)] + passes, check=True)
            subprocess.run([tool("moe-translate"), "--export-pim", lowered,
                            "-o", stream], check=True)
            subprocess.run([tool("pim-sim"), stream, "--device", device,
                            "--program", "l0_e0_s" + slots, "--input", x,
                            "--report", report], check=True,
                           stdout=subprocess.DEVNULL)
            with open(report) as r:
                data = json.load(r)
            commands = data["channel_commands"]
            print("  %-26s %7d cycles/token  ACTAB %5d  WRGB %4d"
                  % (name, data["cycles"] // TOKENS,
                     commands.get("ACTAB", 0) // DEVICE["channels_per_stack"],
                     commands.get("WRGB", 0) // DEVICE["channels_per_stack"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
