#!/usr/bin/python3
"""Writes small ONNX models, valid and broken, for the importer's lit tests.

    make_bad_models.py OUT.onnx CASE

Each case is a one-node com.microsoft.MoE graph (or a variation of it) with
tiny random weights; the broken ones each carry one defect.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

T, H, I, E = "T", 8, 6, 4


def moe_model(k=2, activation="relu", fc1_rows=I, op_type="MoE",
              domain="com.microsoft", ir_version=8, ms_opset=1, attrs=None,
              inputs=("input", "router_probs", "fc1", "", "fc2"),
              input_rank=2, legacy_fc1=False):
    rng = np.random.default_rng(0)
    fc1 = (rng.normal(size=(E, fc1_rows, H)) * 0.3).astype(np.float32)
    if legacy_fc1:
        # The older schema's [E, H, f*I]: the same weights, transposed.
        fc1 = np.ascontiguousarray(fc1.transpose(0, 2, 1))
    fc2 = (rng.normal(size=(E, H, I)) * 0.3).astype(np.float32)
    node_attrs = dict(k=k, activation_type=activation)
    node_attrs.update(attrs or {})
    node = helper.make_node(op_type, list(inputs), ["output"], domain=domain,
                            name="experts_0", **node_attrs)
    tokens = [T, H] if input_rank == 2 else ["B", "S", H]
    graph = helper.make_graph(
        [node], "moe",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, tokens),
         helper.make_tensor_value_info("router_probs", TensorProto.FLOAT,
                                       [T, E])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, tokens)],
        initializer=[numpy_helper.from_array(fc1, "fc1"),
                     numpy_helper.from_array(fc2, "fc2")])
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft",
                                                         ms_opset)])
    model.ir_version = ir_version
    return model


def main():
    out, case = sys.argv[1], sys.argv[2]
    cases = {
        "valid": lambda: moe_model(),
        "valid-bsh": lambda: moe_model(input_rank=3),
        "valid-legacy": lambda: moe_model(legacy_fc1=True),
        "swiglu-interleaved": lambda: moe_model(
            activation="swiglu", fc1_rows=2 * I,
            attrs=dict(swiglu_fusion=1, swiglu_limit=7.0,
                       activation_alpha=1.702, activation_beta=1.0)),
        "k-too-large": lambda: moe_model(k=5),
        "unsupported-op": lambda: moe_model(op_type="Gelu", domain=""),
        "ir-version": lambda: moe_model(ir_version=2),
        "ms-opset": lambda: moe_model(ms_opset=2),
        "sparse-mixer": lambda: moe_model(attrs=dict(use_sparse_mixer=1)),
        "bad-activation": lambda: moe_model(activation="tanh"),
        "unknown-input": lambda: moe_model(
            inputs=("input", "router_probs", "fc1", "", "fc2_missing")),
        "fc3-with-relu": lambda: moe_model(
            inputs=("input", "router_probs", "fc1", "", "fc2", "", "fc1")),
    }
    if case == "truncated":
        data = moe_model().SerializeToString()
        open(out, "wb").write(data[: len(data) // 2])
        return
    if case == "external-data":
        onnx.save(moe_model(), out, save_as_external_data=True,
                  all_tensors_to_one_file=True, location="weights.bin",
                  size_threshold=0)
        return
    if case == "short-raw-data":
        model = moe_model()
        tensor = model.graph.initializer[0]
        tensor.raw_data = tensor.raw_data[:-4]
        onnx.save(model, out)
        return
    if case in ("int8-out-of-range", "uint8-out-of-range"):
        # Cast(codes) + x, with a value outside the type in int32_data.
        codes = TensorProto()
        codes.name = "codes"
        codes.data_type = (TensorProto.INT8 if case.startswith("int8")
                           else TensorProto.UINT8)
        codes.dims.append(3)
        codes.int32_data.extend([1, 300, -2] if case.startswith("int8")
                                else [1, 255, -1])
        graph = helper.make_graph(
            [helper.make_node("Cast", ["codes"], ["f"], name="widen",
                              to=TensorProto.FLOAT),
             helper.make_node("Add", ["x", "f"], ["y"], name="add")],
            "codes",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
            initializer=[codes])
        onnx.save(helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17)]), out)
        return
    if case in ("duplicate-initializer", "output-redefined"):
        # ONNX names are assigned once: a second initializer 'w', or a node
        # writing 'x' again.
        w = helper.make_tensor("w", TensorProto.FLOAT, [3], [1.0, 2.0, 3.0])
        twice = case == "duplicate-initializer"
        graph = helper.make_graph(
            [helper.make_node("Add", ["x", "w"], ["y" if twice else "x"],
                              name="add")],
            "names",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
            initializer=[w, w] if twice else [w])
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.save(model, out)
        return
    onnx.save(cases[case](), out)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
