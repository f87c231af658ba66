#!/usr/bin/python3
"""Writes a Qwen3-30B-A3B-shaped stack of com.microsoft.MoE layers whose
weights are external data in one sparse file, for moe-import-bench.

    make_stack.py OUT_DIR [--layers 48] [--experts 128] [--hidden 2048]
                  [--inter 768] [--k 8]

Layer l reads the previous layer's output and its own router logits
(graph input router_l). Tokens and weights are bf16, with fused SwiGLU (fc1 [E, 2I, H],
fc2 [E, H, I]); weights.bin is extended to its full size without writing
data, so it takes no disk space.
"""
import argparse
import os
import sys

import onnx
from onnx import TensorProto, helper


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--layers", type=int, default=48)
    p.add_argument("--experts", type=int, default=128)
    p.add_argument("--hidden", type=int, default=2048)
    p.add_argument("--inter", type=int, default=768)
    p.add_argument("--k", type=int, default=8)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    E, H, I = a.experts, a.hidden, a.inter
    bf16 = 2
    offset = 0
    inits, nodes, inputs = [], [], [
        helper.make_tensor_value_info("x0", TensorProto.BFLOAT16, ["T", H])]

    def external(name, dims):
        nonlocal offset
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.BFLOAT16
        t.dims.extend(dims)
        t.data_location = TensorProto.EXTERNAL
        size = bf16
        for d in dims:
            size *= d
        for key, value in (("location", "weights.bin"), ("offset", offset),
                           ("length", size)):
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
        offset += size
        return t

    for l in range(a.layers):
        inputs.append(helper.make_tensor_value_info(
            f"router_{l}", TensorProto.BFLOAT16, ["T", E]))
        inits += [external(f"fc1_{l}", [E, 2 * I, H]),
                  external(f"fc2_{l}", [E, H, I])]
        nodes.append(helper.make_node(
            "MoE", [f"x{l}", f"router_{l}", f"fc1_{l}", "", f"fc2_{l}"],
            [f"x{l + 1}"], domain="com.microsoft", name=f"moe_{l}", k=a.k,
            activation_type="swiglu", swiglu_fusion=1,
            normalize_routing_weights=1))
    graph = helper.make_graph(
        nodes, "stack", inputs,
        [helper.make_tensor_value_info(f"x{a.layers}", TensorProto.BFLOAT16,
                                       ["T", H])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    with open(os.path.join(a.out, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    with open(os.path.join(a.out, "weights.bin"), "wb") as f:
        f.truncate(offset)
    print(f"make_stack: {a.layers} layers, {offset / 1e9:.1f} GB of weights "
          f"(sparse)")


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
