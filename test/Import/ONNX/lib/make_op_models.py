#!/usr/bin/python3
"""Writes small ONNX models of the ops around MoE blocks, with inputs.

    make_op_models.py OUT_DIR CASE [--seed S]
    make_op_models.py --list

Writes OUT_DIR/model.onnx, one NAME.npy per graph input and config.json
(graph_inputs, graph_outputs in graph order) as ort_run.js, run_harness.py
and compare.py read them.  Each CASE is one op (or a few) on random inputs,
with symbolic batch dimensions where the op allows them; `block-*` cases are
whole transformer FFN blocks, `bad-*` cases are models the importer must
reject with an error.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MS = "com.microsoft"
NP_TO_ONNX = {np.dtype(np.float32): TensorProto.FLOAT,
              np.dtype(np.float64): TensorProto.DOUBLE,
              np.dtype(np.int64): TensorProto.INT64,
              np.dtype(np.int32): TensorProto.INT32,
              np.dtype(np.bool_): TensorProto.BOOL}


class Case:
    """A graph under construction: inputs (with arrays), initializers,
    nodes, outputs."""

    def __init__(self, opset=17, ms=False):
        self.opset, self.ms = opset, ms
        self.nodes, self.inputs, self.outputs, self.inits = [], [], [], []
        self.arrays = {}

    def input(self, name, array, dims=None):
        """A graph input; `dims` names symbolic dimensions (None: static)."""
        array = np.ascontiguousarray(array)
        dims = list(array.shape) if dims is None else dims
        self.inputs.append(helper.make_tensor_value_info(
            name, NP_TO_ONNX[array.dtype], dims))
        self.arrays[name] = array
        return name

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, ins, outs, domain="", name=None, **attrs):
        outs = [outs] if isinstance(outs, str) else outs
        self.nodes.append(helper.make_node(
            op, ins, outs, domain=domain,
            name=name or "%s_%d" % (op.lower(), len(self.nodes)), **attrs))
        return outs[0]

    def output(self, *names, elem=TensorProto.FLOAT):
        for n in names:
            self.outputs.append(helper.make_tensor_value_info(n, elem, None))

    def model(self):
        graph = helper.make_graph(self.nodes, "ops", self.inputs,
                                  self.outputs, initializer=self.inits)
        opsets = [helper.make_opsetid("", self.opset)]
        if self.ms:
            opsets.append(helper.make_opsetid(MS, 1))
        model = helper.make_model(graph, producer_name="make_op_models.py",
                                  opset_imports=opsets)
        model.ir_version = 8
        return model


def randn(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def ints(rng, low, high, *shape):
    """Small integers as float32 (ties on purpose)."""
    return rng.integers(low, high, shape).astype(np.float32)


B, S = "batch", "seq"
BOOL, I64 = TensorProto.BOOL, TensorProto.INT64

# ---------------------------------------------------------------------------
# Cases: name -> function(rng) -> Case
# ---------------------------------------------------------------------------

CASES = {}


def case(fn):
    CASES[fn.__name__.replace("_", "-")] = fn
    return fn


def unary_case(op, positive=False, opset=17, **attrs):
    def make(rng):
        c = Case(opset)
        x = randn(rng, 2, 3, 5)
        if positive:
            x = np.abs(x) + 0.1
        c.input("x", x, [B, 3, 5])
        c.output(c.node(op, ["x"], "y", **attrs))
        return c
    return make


for _op, _pos in [("Sqrt", True), ("Reciprocal", True), ("Neg", False),
                  ("Abs", False), ("Exp", False), ("Log", True),
                  ("Erf", False), ("Tanh", False), ("Relu", False),
                  ("Sigmoid", False)]:
    CASES[_op.lower()] = unary_case(_op, _pos)
CASES["gelu"] = unary_case("Gelu", opset=20)
CASES["gelu-tanh"] = unary_case("Gelu", opset=20, approximate="tanh")


@case
def binary_broadcast(rng):
    c = Case()
    c.input("x", randn(rng, 2, 3, 5), [B, 3, 5])
    c.input("y", randn(rng, 5))
    c.input("z", randn(rng, 3, 1))
    c.output(c.node("Add", ["x", "y"], "add"), c.node("Sub", ["z", "x"], "sub"),
             c.node("Mul", ["x", "z"], "mul"))
    c.init("one", np.array(1.5, np.float32))
    absy = c.node("Abs", ["y"], "absy")
    den = c.node("Add", [absy, "one"], "den")
    c.output(c.node("Div", ["x", den], "div"))
    return c


@case
def dynamic_both(rng):
    """Both operands dynamic in the same dimensions, one broadcasting a
    static 1."""
    c = Case()
    c.input("x", randn(rng, 2, 3, 4), [B, S, 4])
    c.input("y", randn(rng, 2, 3, 1), [B, S, 1])
    c.output(c.node("Mul", ["x", "y"], "y0"))
    return c


@case
def pow(rng):
    c = Case()
    c.input("x", np.abs(randn(rng, 3, 4)) + 0.2, [S, 4])
    c.input("e", randn(rng, 4))
    c.init("two", np.array(2.0, np.float32))
    c.init("three", np.array(3, np.int64))
    c.output(c.node("Pow", ["x", "e"], "p0"), c.node("Pow", ["x", "two"], "p1"),
             c.node("Pow", ["x", "three"], "p2"))
    return c


@case
def compare(rng):
    c = Case()
    c.input("x", ints(rng, -2, 3, 3, 4), [S, 4])
    c.input("y", ints(rng, -2, 3, 4))
    c.output(c.node("Equal", ["x", "y"], "eq"), c.node("Less", ["x", "y"], "lt"),
             c.node("Greater", ["x", "y"], "gt"), elem=BOOL)
    c.init("zero", np.array(0.0, np.float32))
    pos = c.node("Greater", ["x", "zero"], "pos")
    both = c.node("And", ["lt", pos], "both")
    c.output(c.node("Not", [both], "notboth"), elem=BOOL)
    c.output(c.node("Where", ["lt", "x", "y"], "where"))
    return c


@case
def clip(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6), [B, 6])
    c.init("lo", np.array(-0.5, np.float32))
    c.init("hi", np.array(0.7, np.float32))
    c.output(c.node("Clip", ["x", "lo", "hi"], "both"),
             c.node("Clip", ["x", "lo"], "low"),
             c.node("Clip", ["x", "", "hi"], "high"))
    return c


@case
def cast(rng):
    c = Case()
    c.input("x", randn(rng, 2, 5) * 3, [B, 5])
    i = c.node("Cast", ["x"], "i", to=TensorProto.INT64)
    c.output(i, elem=I64)
    c.output(c.node("Cast", ["x"], "b", to=TensorProto.BOOL), elem=BOOL)
    c.output(c.node("Cast", [i], "f", to=TensorProto.FLOAT))
    d = c.node("Cast", ["x"], "d", to=TensorProto.DOUBLE)
    c.output(c.node("Cast", [d], "f2", to=TensorProto.FLOAT))
    return c


@case
def int_arith(rng):
    c = Case()
    c.input("a", rng.integers(-20, 20, (2, 4)).astype(np.int64), [B, 4])
    c.input("b", rng.integers(1, 5, (4,)).astype(np.int64))
    for op in ("Add", "Sub", "Mul", "Div"):
        c.output(c.node(op, ["a", "b"], op.lower()), elem=I64)
    c.output(c.node("Abs", ["a"], "abs"), c.node("Neg", ["a"], "neg"),
             c.node("ReduceSum", ["a"], "sum", keepdims=0), elem=I64)
    return c


@case
def matmul(rng):
    c = Case()
    c.input("x", randn(rng, 2, 3, 8), [B, S, 8])
    c.init("w", randn(rng, 8, 5))
    c.input("p", randn(rng, 2, 1, 3, 4))
    c.input("q", randn(rng, 5, 4, 6))
    c.input("v", randn(rng, 4))
    c.input("m", randn(rng, 4, 3))
    c.input("u", randn(rng, 6))
    c.output(c.node("MatMul", ["x", "w"], "xw"),
             c.node("MatMul", ["p", "q"], "pq"),
             c.node("MatMul", ["v", "m"], "vm"),
             c.node("MatMul", ["q", "u"], "qu"),
             c.node("MatMul", ["v", "v"], "vv"))
    return c


@case
def gemm(rng):
    c = Case()
    c.input("a", randn(rng, 4, 3))
    c.input("b", randn(rng, 5, 4))
    c.init("c", randn(rng, 5))
    c.init("cm", randn(rng, 3, 1))
    c.output(c.node("Gemm", ["a", "b", "c"], "g0", transA=1, transB=1,
                    alpha=0.5, beta=2.0),
             c.node("Gemm", ["a", "b", "cm"], "g1", transA=1, transB=1),
             c.node("Gemm", ["b", "a"], "g2", alpha=1.5))
    return c


@case
def softmax(rng):
    c = Case(13)
    c.input("x", randn(rng, 2, 3, 5) * 3, [B, 3, 5])
    c.output(c.node("Softmax", ["x"], "s0"),
             c.node("Softmax", ["x"], "s1", axis=1),
             c.node("LogSoftmax", ["x"], "s2"))
    return c


@case
def reduce13(rng):
    c = Case(13)
    c.input("x", randn(rng, 2, 3, 4), [B, 3, 4])
    c.init("ax", np.array([-1], np.int64))
    c.init("ax02", np.array([0, 2], np.int64))
    c.output(c.node("ReduceSum", ["x", "ax"], "sum"),
             c.node("ReduceSum", ["x", "ax02"], "sum02", keepdims=0),
             c.node("ReduceSum", ["x"], "sumall", keepdims=0),
             c.node("ReduceMean", ["x"], "mean", axes=[1]),
             c.node("ReduceMax", ["x"], "max", axes=[1, 2], keepdims=0))
    return c


@case
def reduce18(rng):
    c = Case(18)
    c.input("x", randn(rng, 2, 3, 4), [B, 3, 4])
    c.init("ax", np.array([-1], np.int64))
    c.init("none", np.array([], np.int64))
    c.output(c.node("ReduceMean", ["x", "ax"], "mean"),
             c.node("ReduceMax", ["x", "ax"], "max", keepdims=0),
             c.node("ReduceMin", ["x", "ax"], "min", keepdims=0),
             c.node("ReduceSum", ["x", "none"], "noop",
                    noop_with_empty_axes=1),
             c.node("ReduceMean", ["x"], "meanall"))
    return c


@case
def topk(rng):
    c = Case()
    c.input("x", ints(rng, 0, 4, 3, 6), [S, 6])  # ties: lower index first
    c.init("k3", np.array([3], np.int64))
    c.init("k2", np.array([2], np.int64))
    c.node("TopK", ["x", "k3"], ["v", "i"])
    c.node("TopK", ["x", "k2"], ["v2", "i2"], axis=0, largest=0)
    c.output("v", "v2")
    c.output("i", "i2", elem=I64)
    return c


@case
def topk_router(rng):
    c = Case()
    c.input("x", randn(rng, 5, 8), [S, 8])
    c.init("k", np.array([2], np.int64))
    c.node("TopK", ["x", "k"], ["v", "i"])
    c.output("v")
    c.output("i", elem=I64)
    return c


@case
def argmax(rng):
    c = Case()
    c.input("x", ints(rng, 0, 3, 2, 3, 5), [B, 3, 5])
    c.output(c.node("ArgMax", ["x"], "a0", axis=-1),
             c.node("ArgMax", ["x"], "a1", axis=1, keepdims=0,
                    select_last_index=1),
             c.node("ArgMin", ["x"], "a2", axis=2, keepdims=0), elem=I64)
    return c


@case
def reshape(rng):
    c = Case()
    c.input("x", randn(rng, 2, 3, 4), [B, S, 4])
    c.input("s", randn(rng, 2, 3, 4))
    c.init("flat", np.array([-1, 4], np.int64))
    c.init("keep", np.array([0, 0, 2, 2], np.int64))
    c.init("static", np.array([4, -1], np.int64))
    c.output(c.node("Reshape", ["x", "flat"], "r0"),
             c.node("Reshape", ["x", "keep"], "r1"),
             c.node("Reshape", ["s", "static"], "r2"),
             c.node("Flatten", ["x"], "f1"),
             c.node("Flatten", ["s"], "f0", axis=0))
    return c


@case
def layout(rng):
    c = Case()
    c.input("x", randn(rng, 2, 1, 3, 4), [B, 1, 3, 4])
    c.init("ax1", np.array([1], np.int64))
    c.init("ax03", np.array([0, 3], np.int64))
    c.output(c.node("Transpose", ["x"], "t0", perm=[0, 3, 1, 2]),
             c.node("Transpose", ["x"], "t1"),
             c.node("Squeeze", ["x", "ax1"], "sq"))
    c.output(c.node("Unsqueeze", ["sq", "ax03"], "unsq"))
    c.output(c.node("Identity", ["x"], "id"))
    return c


@case
def concat_split(rng):
    c = Case()
    c.input("x", randn(rng, 2, 3, 4), [B, 3, 4])
    c.input("y", randn(rng, 2, 2, 4), [B, 2, 4])
    cat = c.node("Concat", ["x", "y", "x"], "cat", axis=1)
    c.init("sizes", np.array([1, 3], np.int64))
    c.node("Split", ["x", "sizes"], ["s0", "s1"], axis=2)
    c.output(cat, "s0", "s1")
    return c


@case
def split18(rng):
    c = Case(18)
    c.input("x", randn(rng, 7, 2))
    c.node("Split", ["x"], ["a", "b", "c"], num_outputs=3)
    c.output("a", "b", "c")
    return c


@case
def slice(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6, 5), [B, 6, 5])
    big = np.iinfo(np.int64).max
    c.init("st", np.array([1, -4], np.int64))
    c.init("en", np.array([big, -1], np.int64))
    c.init("ax", np.array([1, 2], np.int64))
    c.init("step2", np.array([2, 1], np.int64))
    c.init("rst", np.array([-1], np.int64))
    c.init("ren", np.array([-big], np.int64))
    c.init("rax", np.array([1], np.int64))
    c.init("rstep", np.array([-2], np.int64))
    c.init("dst", np.array([0], np.int64))
    c.init("den", np.array([-1], np.int64))
    c.init("dax", np.array([0], np.int64))
    c.output(c.node("Slice", ["x", "st", "en", "ax", "step2"], "sl0"),
             c.node("Slice", ["x", "rst", "ren", "rax", "rstep"], "sl1"),
             c.node("Slice", ["x", "dst", "den", "dax"], "sl2"))
    return c


@case
def expand_shape(rng):
    c = Case()
    c.input("x", randn(rng, 3, 1), [S, 1])
    c.init("shape", np.array([2, 1, 4], np.int64))
    c.output(c.node("Expand", ["x", "shape"], "e"))
    c.output(c.node("Shape", ["x"], "shp"), elem=I64)
    c.output(c.node("Shape", ["x"], "shp1", start=-1), elem=I64)
    return c


@case
def constants(rng):
    c = Case()
    c.input("x", randn(rng, 2, 3), [B, 3])
    c.node("Constant", [], "cf", value_float=2.5)
    c.node("Constant", [], "cfs", value_floats=[1.0, -2.0, 3.0])
    c.node("Constant", [], "ct", value=numpy_helper.from_array(
        randn(rng, 3), "t"))
    c.node("Constant", [], "shape", value_ints=[-1])
    c.node("Constant", [], "ci", value_int=7)
    a = c.node("Mul", ["x", "cf"], "a")
    b = c.node("Add", [a, "cfs"], "b")
    d = c.node("Sub", [b, "ct"], "d")
    c.output(c.node("Reshape", [d, "shape"], "flat"))
    c.output("ci", elem=I64)
    return c


@case
def shape_chain(rng):
    """Reshape to a shape computed from static sizes, as exporters write
    it: Shape -> Gather / Slice -> Unsqueeze -> Concat -> Cast; folded to a
    constant at import."""
    c = Case()
    c.input("x", randn(rng, 2, 3, 4))
    shape = c.node("Shape", ["x"], "shape")
    c.init("zero", np.array(0, np.int64))
    c.init("ax0", np.array([0], np.int64))
    c.init("minus1", np.array([-1], np.int64))
    c.init("st", np.array([1], np.int64))
    c.init("en", np.array([3], np.int64))
    batch = c.node("Gather", [shape, "zero"], "batch")
    batch1 = c.node("Unsqueeze", [batch, "ax0"], "batch1")
    rest = c.node("Slice", [shape, "st", "en"], "rest")
    new = c.node("Concat", [batch1, "minus1"], "new", axis=0)
    new64 = c.node("Cast", [new], "new64", to=TensorProto.INT64)
    c.output(c.node("Reshape", ["x", new64], "flat"))
    c.output(rest, elem=I64)
    return c


@case
def constant_of_shape(rng):
    """ConstantOfShape of a constant shape and of Shape(x) with a symbolic
    batch (a shape known at run time), float and int64 fill values and the
    default (float 0)."""
    c = Case()
    c.input("x", randn(rng, 3, 4), [B, 4])
    c.init("shape", np.array([2, 3], np.int64))
    c.node("ConstantOfShape", ["shape"], "fixed", value=helper.make_tensor(
        "v", TensorProto.FLOAT, [1], [1.5]))
    c.node("ConstantOfShape", [c.node("Shape", ["x"], "xs")], "like_x")
    ones = c.node("ConstantOfShape", ["xs"], "ones", value=helper.make_tensor(
        "v", TensorProto.FLOAT, [1], [1.0]))
    c.output("fixed", "like_x", c.node("Add", ["x", ones], "x_plus_1"))
    c.output(c.node("ConstantOfShape", ["xs"], "int_fill",
                    value=helper.make_tensor("v", TensorProto.INT64, [1],
                                             [7])), elem=I64)
    return c


@case
def max_min(rng):
    """Max and Min with one, two and three inputs, broadcasting, ints."""
    c = Case()
    c.input("x", randn(rng, 3, 4), [B, 4])
    c.input("y", randn(rng, 1, 4))
    c.init("z", np.array(0.25, np.float32))
    c.input("i", rng.integers(-5, 5, (3, 4)).astype(np.int64), [B, 4])
    c.init("j", np.array([0, 2, -1, 3], np.int64))
    c.output(c.node("Max", ["x"], "max1"), c.node("Max", ["x", "y"], "max2"),
             c.node("Max", ["x", "y", "z"], "max3"),
             c.node("Min", ["x", "y", "z"], "min3"))
    c.output(c.node("Max", ["i", "j"], "imax"),
             c.node("Min", ["i", "j"], "imin"), elem=I64)
    return c


@case
def gather_nd(rng):
    """GatherND of rows (tuples of 1) and of elements (tuples of 2), with
    negative indices, as a per-expert loop reads its routing weights."""
    c = Case()
    c.input("x", randn(rng, 5, 3), [S, 3])
    c.init("rows", np.array([[0], [4], [-1]], np.int64))
    c.init("cells", np.array([[1, 2], [0, 0], [-1, -2]], np.int64))
    c.output(c.node("GatherND", ["x", "rows"], "picked_rows"),
             c.node("GatherND", ["x", "cells"], "picked_cells"))
    return c


@case
def runtime_reshape(rng):
    """Reshape and Expand to shapes computed at run time from a symbolic
    batch: Shape -> Gather -> Unsqueeze -> Concat, and a shape that is a
    graph input (its -1 and 0 known at run time only)."""
    c = Case()
    c.input("x", randn(rng, 3, 6), [B, 6])
    c.input("col", randn(rng, 3, 1), [B, 1])
    c.input("target", np.array([0, -1, 2], np.int64))
    shape = c.node("Shape", ["x"], "shape")
    c.init("zero", np.array(0, np.int64))
    c.init("ax0", np.array([0], np.int64))
    c.init("tail", np.array([2, 3], np.int64))
    c.init("four", np.array([4], np.int64))
    c.init("one", np.array([1], np.int64))
    batch = c.node("Unsqueeze", [c.node("Gather", [shape, "zero"], "b"),
                                 "ax0"], "b1")
    c.output(c.node("Reshape", ["x", c.node("Concat", [batch, "tail"],
                                            "new", axis=0)], "bx23"))
    c.output(c.node("Reshape", ["x", "target"], "from_input"))
    # [B, 1] -> [B, 4]; [1, 6] row -> [B, 6] (an entry of 1 keeps 6).
    c.output(c.node("Expand", ["col", c.node("Concat", [batch, "four"],
                                             "bx4", axis=0)], "wide"))
    c.init("row", randn(rng, 1, 6))
    c.output(c.node("Expand", ["row", c.node("Concat", [batch, "one"], "b_1",
                                             axis=0)], "rows"))
    # Back to x's own shape.
    flat = c.node("Reshape", ["x", c.node("Concat", ["one", c.node(
        "Constant", [], "m1", value_ints=[-1])], "flat_shape", axis=0)],
        "flat")
    c.output(c.node("Reshape", [flat, shape], "restored"))
    return c


@case
def initializer_types(rng):
    """Initializers of each weight type, in typed fields and in raw_data,
    cast to float and added to x: fp32, fp16, bf16, int8, uint8 (values
    from 128 up included: the importer must read them as unsigned)."""
    c = Case()
    c.input("x", randn(rng, 2, 4), [B, 4])
    vals = (randn(rng, 4) * 3).round(2)
    signed = rng.integers(-100, 100, 4)
    unsigned = np.array([3, 127, 128, 255])[rng.permutation(4)]
    specs = [("f32", TensorProto.FLOAT, vals), ("f16", TensorProto.FLOAT16,
                                                vals.astype(np.float16)),
             ("bf16", TensorProto.BFLOAT16, vals),
             ("i8", TensorProto.INT8, signed), ("u8", TensorProto.UINT8,
                                               unsigned)]
    acc = "x"
    for name, elem, values in specs:
        for raw in (False, True):
            tname = "%s_%s" % (name, "raw" if raw else "typed")
            if raw and elem == TensorProto.BFLOAT16:
                # bf16 bits: the upper half of the fp32 pattern (values with
                # two decimals round; the same bits either way).
                bits = (np.asarray(values, np.float32).view(np.uint32)
                        >> 16).astype(np.uint16)
                t = helper.make_tensor(tname, elem, [4], bits.tobytes(),
                                       raw=True)
            elif raw:
                t = numpy_helper.from_array(np.asarray(values, {
                    TensorProto.FLOAT: np.float32,
                    TensorProto.FLOAT16: np.float16,
                    TensorProto.INT8: np.int8,
                    TensorProto.UINT8: np.uint8}[elem]), tname)
            else:
                t = helper.make_tensor(tname, elem, [4], [
                    float(v) if elem in (TensorProto.FLOAT,
                                         TensorProto.FLOAT16,
                                         TensorProto.BFLOAT16)
                    else int(v) for v in values])
            c.inits.append(t)
            as_float = c.node("Cast", [tname], tname + "_f",
                              to=TensorProto.FLOAT)
            acc = c.node("Add", [acc, as_float], "sum_" + tname)
    c.output(acc)
    return c


@case
def gather(rng):
    c = Case()
    c.input("x", randn(rng, 2, 5, 3), [B, 5, 3])
    c.init("idx", np.array([[0, -1], [4, 2]], np.int64))
    c.init("one", np.array(1, np.int64))
    c.init("ge", np.array([[[0, 2, 1]], [[4, 0, -1]]], np.int64))
    c.output(c.node("Gather", ["x", "idx"], "g0", axis=1),
             c.node("Gather", ["x", "one"], "g1", axis=-2),
             c.node("GatherElements", ["x", "ge"], "g2", axis=1))
    return c


@case
def scatter(rng):
    c = Case(18)
    c.input("x", randn(rng, 3, 4))
    c.input("u", randn(rng, 2, 4))
    c.init("idx", np.array([[2, 0, 1, -1], [0, 0, 2, 1]], np.int64))
    c.init("uniq", np.array([[2, 0, 1, 0], [0, 1, 2, 1]], np.int64))
    c.output(c.node("ScatterElements", ["x", "uniq", "u"], "s0"),
             c.node("ScatterElements", ["x", "idx", "u"], "s1",
                    reduction="add"))
    return c


@case
def onehot_nonzero_range(rng):
    c = Case()
    c.input("x", ints(rng, -1, 2, 2, 4), [B, 4])
    c.init("depth", np.array(5, np.int64))
    c.init("vals", np.array([-1.0, 3.0], np.float32))
    c.init("idx", np.array([[0, 4, -1], [2, 1, 3]], np.int64))
    c.init("r0", np.array(1, np.int64))
    c.init("r1", np.array(10, np.int64))
    c.init("r2", np.array(3, np.int64))
    c.output(c.node("OneHot", ["idx", "depth", "vals"], "oh0"),
             c.node("OneHot", ["idx", "depth", "vals"], "oh1", axis=0))
    c.output(c.node("NonZero", ["x"], "nz"), elem=I64)
    c.output(c.node("Range", ["r0", "r1", "r2"], "rg"), elem=I64)
    return c


@case
def layernorm(rng):
    c = Case()
    c.input("x", randn(rng, 2, 3, 8) * 2 + 1, [B, S, 8])
    c.init("g", randn(rng, 8))
    c.init("b", randn(rng, 8))
    c.init("g2", randn(rng, 3, 8))
    c.output(c.node("LayerNormalization", ["x", "g", "b"], "y0"),
             c.node("LayerNormalization", ["x", "g"], "y1", epsilon=1e-3))
    c.input("s", randn(rng, 2, 3, 8))
    c.output(c.node("LayerNormalization", ["s", "g2"], "y2", axis=1))
    c.node("LayerNormalization", ["x", "g", "b"], ["y3", "mean", "invstd"])
    c.output("y3", "mean", "invstd")
    return c


@case
def rmsnorm(rng):
    c = Case(17, ms=True)
    c.input("x", randn(rng, 2, 3, 8) * 2, [B, S, 8])
    c.input("r", randn(rng, 2, 3, 8), [B, S, 8])
    c.init("g", randn(rng, 8))
    c.init("bias", randn(rng, 8))
    c.node("SimplifiedLayerNormalization", ["x", "g"], ["y0", "inv0"],
           epsilon=1e-6)
    c.node("SkipSimplifiedLayerNormalization", ["x", "r", "g", "bias"],
           ["y1", "", "inv1", "sum"], domain=MS, epsilon=1e-6)
    c.output("y0", "inv0", "y1", "inv1", "sum")
    return c


def moe_weights(c, rng, hidden, inter, experts):
    c.init("router_w", randn(rng, hidden, experts) / np.sqrt(hidden))
    c.init("fc1", randn(rng, experts, inter, hidden) / np.sqrt(hidden))
    c.init("fc2", randn(rng, experts, hidden, inter) / np.sqrt(inter))
    c.init("rows", np.array([-1, experts], np.int64))


@case
def block_moe(rng):
    """x -> RMSNorm -> router MatMul -> com.microsoft:MoE -> + x."""
    hidden, inter, experts = 16, 24, 6
    c = Case(17, ms=True)
    c.input("x", randn(rng, 2, 5, hidden), [B, S, hidden])
    c.init("gamma", 1 + 0.1 * randn(rng, hidden))
    moe_weights(c, rng, hidden, inter, experts)
    normed = c.node("SimplifiedLayerNormalization", ["x", "gamma"], "normed",
                    epsilon=1e-6)
    logits = c.node("MatMul", [normed, "router_w"], "logits")
    rows = c.node("Reshape", [logits, "rows"], "router_probs")
    moe = c.node("MoE", [normed, rows, "fc1", "", "fc2"], "moe", domain=MS,
                 k=2, activation_type="silu", normalize_routing_weights=1)
    c.output(c.node("Add", ["x", moe], "y"))
    return c


@case
def block_moe_decomposed(rng):
    """The same block with RMSNorm as Pow/ReduceMean/Add/Sqrt/Div/Mul."""
    hidden, inter, experts = 16, 24, 6
    c = Case(18, ms=True)
    c.input("x", randn(rng, 2, 5, hidden), [B, S, hidden])
    c.init("gamma", 1 + 0.1 * randn(rng, hidden))
    c.init("two", np.array(2.0, np.float32))
    c.init("eps", np.array(1e-6, np.float32))
    c.init("last", np.array([-1], np.int64))
    moe_weights(c, rng, hidden, inter, experts)
    sq = c.node("Pow", ["x", "two"], "sq")
    ms = c.node("ReduceMean", [sq, "last"], "ms")
    var = c.node("Add", [ms, "eps"], "var")
    rms = c.node("Sqrt", [var], "rms")
    div = c.node("Div", ["x", rms], "div")
    normed = c.node("Mul", [div, "gamma"], "normed")
    logits = c.node("MatMul", [normed, "router_w"], "logits")
    rows = c.node("Reshape", [logits, "rows"], "router_probs")
    moe = c.node("MoE", [normed, rows, "fc1", "", "fc2"], "moe", domain=MS,
                 k=2, activation_type="relu", normalize_routing_weights=0)
    c.output(c.node("Add", ["x", moe], "y"), normed, rows)
    return c


@case
def block_dense(rng):
    """LayerNorm -> MatMul -> Gelu (Div, Erf, Add, Mul) -> MatMul -> + x."""
    hidden, inter = 16, 32
    c = Case(17)
    c.input("x", randn(rng, 2, 5, hidden), [B, S, hidden])
    c.init("gamma", 1 + 0.1 * randn(rng, hidden))
    c.init("beta", 0.1 * randn(rng, hidden))
    c.init("w1", randn(rng, hidden, inter) / np.sqrt(hidden))
    c.init("b1", 0.1 * randn(rng, inter))
    c.init("w2", randn(rng, inter, hidden) / np.sqrt(inter))
    c.init("b2", 0.1 * randn(rng, hidden))
    c.init("sqrt2", np.array(np.sqrt(2.0), np.float32))
    c.init("one", np.array(1.0, np.float32))
    c.init("half", np.array(0.5, np.float32))
    ln = c.node("LayerNormalization", ["x", "gamma", "beta"], "ln",
                epsilon=1e-5)
    h = c.node("MatMul", [ln, "w1"], "h")
    hb = c.node("Add", [h, "b1"], "hb")
    d = c.node("Div", [hb, "sqrt2"], "d")
    e = c.node("Erf", [d], "e")
    e1 = c.node("Add", [e, "one"], "e1")
    m = c.node("Mul", [hb, e1], "m")
    g = c.node("Mul", [m, "half"], "g")
    o = c.node("MatMul", [g, "w2"], "o")
    ob = c.node("Add", [o, "b2"], "ob")
    c.output(c.node("Add", ["x", ob], "y"))
    return c


@case
def random(rng):
    """A random chain of element-wise ops, reductions with keepdims and
    Softmax over 2-3 inputs of random broadcastable shapes (rank 1-4, sizes
    1-5, some sizes symbolic), different for every seed."""
    rank = int(rng.integers(1, 5))
    base = [int(d) for d in rng.integers(2, 6, rank)]
    c = Case(int(rng.choice([13, 17, 18, 20])))
    values = []
    for i in range(int(rng.integers(2, 4))):
        drop = int(rng.integers(0, rank)) if i else 0
        shape = [1 if rng.random() < 0.3 else d for d in base[drop:]]
        # A symbolic size is never 1 (a dynamic 1 that broadcasts is not
        # supported).
        dims = ["d%d" % (k + drop) if d != 1 and rng.random() < 0.4 else d
                for k, d in enumerate(shape)]
        values.append(c.input("in%d" % i, randn(rng, *shape), dims))
    full = values[0]  # rank `rank`: what reductions and Softmax read
    c.init("one", np.array(1.0, np.float32))
    for step in range(int(rng.integers(3, 7))):
        kind = rng.choice(["binary", "unary", "reduce", "softmax", "where"])
        a = values[int(rng.integers(len(values)))]
        b = values[int(rng.integers(len(values)))]
        out = "v%d" % step
        if kind == "binary":
            op = str(rng.choice(["Add", "Sub", "Mul", "Div"]))
            if op == "Div":
                absb = c.node("Abs", [b], out + "_abs")
                b = c.node("Add", [absb, "one"], out + "_den")
            c.node(op, [a, b], out)
        elif kind == "unary":
            c.node(str(rng.choice(["Tanh", "Sigmoid", "Relu", "Neg", "Abs",
                                   "Erf"])), [a], out)
        elif kind == "reduce":
            axis = int(rng.integers(-rank, 0))
            op = str(rng.choice(["ReduceSum", "ReduceMean", "ReduceMax"]))
            if op == "ReduceSum" or c.opset >= 18:
                c.init(out + "_axes", np.array([axis], np.int64))
                c.node(op, [full, out + "_axes"], out)
            else:
                c.node(op, [full], out, axes=[axis])
        elif kind == "softmax":
            c.node("Softmax", [full], out, axis=int(rng.integers(-rank, 0)))
        else:
            cond = c.node("Greater", [a, b], out + "_gt")
            c.node("Where", [cond, a, b], out)
        # Every value broadcasts with every other one.
        values.append(out)
    result = c.node("Add", [values[-1], full], "y")
    c.output(result)
    return c


@case
def types(rng):
    """Element types other than f32 (imported and lowered, not run: the
    harness feeds f32, f64, i64, i32 and bool)."""
    c = Case(18)
    c.inputs.append(helper.make_tensor_value_info("h", TensorProto.FLOAT16,
                                                  [B, 8]))
    c.inits.append(numpy_helper.from_array(
        (1 + 0.1 * randn(rng, 8)).astype(np.float16), "gamma"))
    c.output(c.node("LayerNormalization", ["h", "gamma"], "ln"),
             elem=TensorProto.FLOAT16)
    bf = c.node("Cast", ["h"], "bf", to=TensorProto.BFLOAT16)
    c.output(c.node("Add", [bf, bf], "bf2"), elem=TensorProto.BFLOAT16)
    c.inputs.append(helper.make_tensor_value_info("i", TensorProto.INT32,
                                                  [B, 4]))
    c.init("w", rng.integers(-3, 3, (4, 2)).astype(np.int32))
    c.output(c.node("MatMul", ["i", "w"], "iw"), elem=TensorProto.INT32)
    c.inputs.append(helper.make_tensor_value_info("u", TensorProto.UINT8,
                                                  [3]))
    c.output(c.node("Cast", ["u"], "uf", to=TensorProto.FLOAT))
    c.inputs.append(helper.make_tensor_value_info("d", TensorProto.DOUBLE,
                                                  [3]))
    c.output(c.node("Softmax", ["d"], "ds"), elem=TensorProto.DOUBLE)
    return c


# ---------------------------------------------------------------------------
# Models the importer must reject
# ---------------------------------------------------------------------------


@case
def bad_unsupported(rng):
    c = Case()
    c.input("x", randn(rng, 1, 2, 4, 4))
    c.init("w", randn(rng, 2, 2, 3, 3))
    c.output(c.node("Conv", ["x", "w"], "y", name="conv_0"))
    return c


@case
def bad_uint8_arith(rng):
    # Add would read the uint8 values as signed i8.
    c = Case()
    c.inputs.append(helper.make_tensor_value_info("u", TensorProto.UINT8,
                                                  [3]))
    c.init("shape", np.array([3], np.int64))
    moved = c.node("Reshape", ["u", "shape"], "moved")
    c.output(c.node("Add", [moved, moved], "twice", name="add_0"),
             elem=TensorProto.UINT8)
    return c


@case
def bad_reshape_shape(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6), [B, 6])
    # A shape of unknown length: the result's rank is unknown.
    c.input("shape", np.array([12], np.int64), ["n"])
    c.output(c.node("Reshape", ["x", "shape"], "r", name="reshape_0"))
    return c


@case
def bad_expand_shape(rng):
    c = Case()
    c.input("x", randn(rng, 2, 1), [B, 1])
    c.input("shape", np.array([2, 3], np.float32))
    c.output(c.node("Expand", ["x", "shape"], "e", name="expand_0"))
    return c


@case
def bad_axis(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6), [B, 6])
    c.output(c.node("Softmax", ["x"], "y", name="softmax_0", axis=2))
    return c


@case
def bad_shapes(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6), [B, 6])
    c.input("y", randn(rng, 5))
    c.output(c.node("Add", ["x", "y"], "z", name="add_0"))
    return c


@case
def bad_matmul(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6), [B, 6])
    c.init("w", randn(rng, 5, 3))
    c.output(c.node("MatMul", ["x", "w"], "z", name="matmul_0"))
    return c


@case
def bad_old_opset(rng):
    c = Case(11)
    c.input("x", randn(rng, 2, 6))
    c.output(c.node("Relu", ["x"], "y"))
    return c


@case
def bad_gelu_opset(rng):
    c = Case(17)
    c.input("x", randn(rng, 2, 6))
    c.output(c.node("Gelu", ["x"], "y", name="gelu_0"))
    return c


@case
def bad_attribute(rng):
    c = Case(20)
    c.input("x", randn(rng, 2, 6))
    c.output(c.node("Gelu", ["x"], "y", name="gelu_0", approximate="fast"))
    return c


@case
def bad_topk_k(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6))
    c.init("k", np.array([7], np.int64))
    c.node("TopK", ["x", "k"], ["v", "i"], name="topk_0")
    c.output("v")
    return c


@case
def bad_arity(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6))
    c.output(c.node("Add", ["x"], "y", name="add_0"))
    return c


@case
def bad_cast(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6))
    c.output(c.node("Cast", ["x"], "y", name="cast_0", to=TensorProto.STRING))
    return c


@case
def bad_concat(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6), [B, 6])
    c.input("y", randn(rng, 2, 5), [B, 5])
    c.output(c.node("Concat", ["x", "y"], "z", name="concat_0", axis=0))
    return c


@case
def bad_unknown_attribute(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6))
    c.output(c.node("Softmax", ["x"], "y", name="softmax_0", axes=[1]))
    return c


@case
def bad_axes_input(rng):
    c = Case()
    c.input("x", randn(rng, 2, 6))
    c.input("axes", np.array([1], np.int64))
    c.output(c.node("ReduceSum", ["x", "axes"], "y", name="reduce_0"))
    return c


@case
def bad_input_count(rng):
    c = Case(17, ms=True)
    c.input("x", randn(rng, 2, 3, 6), [B, S, 6])
    c.init("g", randn(rng, 6))
    c.node("SkipSimplifiedLayerNormalization", ["x", "x", "g"],
           ["y", "mean"], domain=MS, name="skipnorm_0")
    c.output("y")
    return c


def write(out, name, seed=0):
    rng = np.random.default_rng(seed)
    c = CASES[name](rng)
    os.makedirs(out, exist_ok=True)
    onnx.save(c.model(), os.path.join(out, "model.onnx"))
    for n, a in c.arrays.items():
        np.save(os.path.join(out, n + ".npy"), a)
    conf = {"case": name, "seed": seed,
            "graph_inputs": [{"name": i.name, "file": i.name + ".npy",
                              "shape": (list(c.arrays[i.name].shape)
                                        if i.name in c.arrays else None)}
                             for i in c.inputs],
            "graph_outputs": [{"name": o.name} for o in c.outputs]}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(conf, f, indent=2)
        f.write("\n")


def main(argv):
    if argv == ["--list"]:
        print("\n".join(sorted(CASES)))
        return 0
    seed = 0
    if len(argv) == 4 and argv[2] == "--seed":
        seed = int(argv[3])
        argv = argv[:2]
    if len(argv) != 2 or argv[1] not in CASES:
        print("usage: make_op_models.py OUT_DIR CASE [--seed S] | --list; "
              "cases: " + ", ".join(sorted(CASES)), file=sys.stderr)
        return 2
    write(argv[0], argv[1], seed)
    return 0


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    sys.exit(main(sys.argv[1:]))
