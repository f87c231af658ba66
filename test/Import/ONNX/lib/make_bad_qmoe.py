#!/usr/bin/python3
"""Writes a com.microsoft.QMoE model with one defect, for the error tests.

    make_bad_qmoe.py OUT.onnx CASE

Starts from make_moe_model.py's valid 4-bit QMoE (E 4, H 32, I 32, blocks of
16, explicit zero points) and breaks it as CASE says:
  bits-2           expert_weight_bits = 2
  fp4              quant_type = "fp4"
  block-8          block_size = 8
  scales-shape     fc2 scales with one block too many
  scales-no-codes  fc3 scales without fc3 weights
  too-few-inputs   only input and router_probs
"""

import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_moe_model  # noqa: E402

CASES = ("bits-2", "fp4", "block-8", "scales-shape", "scales-no-codes",
         "too-few-inputs")


def set_attr(node, name, value):
    for a in list(node.attribute):
        if a.name == name:
            node.attribute.remove(a)
    node.attribute.append(helper.make_attribute(name, value))


def main(out, case):
    with tempfile.TemporaryDirectory() as tmp:
        cfg = dict(make_moe_model.DEFAULTS, experts=4, hidden=32, inter=32,
                   quantize=4, block_size=16, zero_points=1)
        make_moe_model.write(tmp, cfg, seed=1)
        model = onnx.load(os.path.join(tmp, "model.onnx"))
    node = model.graph.node[0]
    inits = {t.name: t for t in model.graph.initializer}
    if case == "bits-2":
        set_attr(node, "expert_weight_bits", 2)
    elif case == "fp4":
        set_attr(node, "quant_type", "fp4")
    elif case == "block-8":
        set_attr(node, "block_size", 8)
    elif case == "scales-shape":
        s = numpy_helper.to_array(inits["fc2_scales"])
        s = np.concatenate([s, s[..., :1]], axis=-1)
        inits["fc2_scales"].CopyFrom(numpy_helper.from_array(s, "fc2_scales"))
    elif case == "scales-no-codes":
        while len(node.input) < 10:
            node.input.append("")
        node.input[9] = "fc1_scales"
    elif case == "too-few-inputs":
        del node.input[2:]
    else:
        sys.exit("make_bad_qmoe.py: unknown case %r; one of %s"
                 % (case, ", ".join(CASES)))
    onnx.save(model, out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
