#!/usr/bin/python3
"""Writes MoE blocks spelled with standard ONNX ops (decomposed exports).

    make_decomposed_models.py --out DIR --form F [--activation A]
        [--variant V] [--seed S] [--tokens T] [--hidden H] [--inter I]
        [--experts E] [--k K] [--bias 0|1]

forms (what the importer should recognise):
  routing   Softmax -> TopK -> Div(values, ReduceSum(values)); outputs the
            weights (in TopK's order, so they also check the selection)
  loop      per-expert loop: Equal(ids, e) -> NonZero -> Gather token rows
            -> expert MLP -> * routing weight -> ScatterElements(add)
  dense     every expert on every token, times its dense weight column
            (ReduceSum(weights * Cast(Equal(ids, e)))), summed with Add
  (loop and dense also write DIR/numpy_output.npy, the block computed by
  test/lib/moe_ref.py, unless a near-miss variant changes its meaning)
  gptoss    GPT-OSS: the router is MatMul + bias inside the graph, routing
            is Softmax over TopK of the logits; per token slot, Gather of
            the stacked [E, H, 2I] / [E, 2I] fc1 and [E, I, H] / [E, H] fc2
            by expert id, batched MatMul, gate and linear halves by Slice
            (interleaved: step 2), Clip (gate <= --limit, linear in
            [-limit, limit]), gate * Sigmoid(--alpha * gate) * (linear + 1),
            times the routing weight, ReduceSum over the k slots.  Also
            writes DIR/numpy_output.npy, the block computed with numpy the
            way gpt-oss's reference model does
activations (expert MLP, MatMul weights [in, out] as initializers):
  relu, gelu (erf form), gelu_tanh (tanh form with Pow), silu
  (x*Sigmoid(x)), swiglu (silu(x W1) * (x W3)), identity
variants (comma separated):
  topk-softmax    routing is Softmax over TopK of the logits
  no-renorm       routing keeps the top-k softmax scores as they are
  onehot          loop: expert mask from Gather(Transpose(OneHot(ids)), e)
  dense-weight    loop: routing weight from the dense column, not GatherND
  scatternd       loop: accumulate with ScatterND(add)
  scatter-matrix  dense: columns sliced out of ScatterElements(zeros, ids,
                  weights, axis 1)
  batched         dense: stacked [E, H, I] weights, one broadcast MatMul
                  per layer, ReduceSum over the expert axis
  epsilon         renormalisation divides by sum + --epsilon (default 1e-6)
  concatenated    gptoss: gate and linear halves as [0, I) and [I, 2I)
  no-limit        gptoss: no Clip
  bias3d          gptoss: biases stored [E, 1, out], no Unsqueeze
--batch-shape 1 makes the tokens [B, S, H] (B = 2, S = --tokens) and the
router logits [B, S, E] (dense, gptoss), or wraps a [T, H] block in
Reshape(input, [-1, H]) and Reshape(output, Shape(input)) (loop).
routing (--routing):
  softmax         as above
  deepseek        DeepSeek-V3: Sigmoid, + correction bias for selection,
                  Reshape to --groups groups, TopK(2) ReduceSum group scores,
                  TopK(--topk-group), ScatterElements group mask, Where,
                  TopK(k), GatherElements of the unbiased scores, Div by
                  sum + --epsilon (1e-20), Mul --scale (2.5)
--shared 1 adds a shared expert (a SwiGLU MLP on every token) to the output.
near misses (imported op by op, with a remark):
  softmax-axis0   Softmax over the token axis
  wrong-sum       the top-k values divided by the sum of all scores
  clamp           renormalisation divides by Max(sum, 1e-6)
  negative-bias   deepseek: a bias below 0, so the 0 that masked experts
                  get can outrank kept ones
  nonconst-weight expert 3's fc1 is a graph input
  outside-use     the softmax scores are also a graph output
  up-unclamped    gptoss: only the gate is clipped
  gate-min        gptoss: the gate is clipped to [-limit, limit]
  limit-mismatch  gptoss: the linear half is clipped to [-limit/2, limit/2]
  alpha-vector    gptoss: the sigmoid's scale is a per-channel [I] constant
  gate-odd        gptoss: the gate is the odd slice, the linear half the even

writes DIR/model.onnx (opset 17, graph inputs `input` [T, H] and
`router_logits` [T, E], output `output`), DIR/NAME.npy per graph input and
DIR/config.json (graph inputs and outputs, as run_harness.py and compare.py
read them).  Router logits are a random permutation of E levels per token
with gaps of at least 3/E, so no top-k choice is a near tie.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ACTIVATIONS = ("relu", "gelu", "gelu_tanh", "silu", "swiglu", "identity")
VARIANTS = ("topk-softmax", "no-renorm", "onehot", "dense-weight", "scatternd",
            "scatter-matrix", "softmax-axis0", "wrong-sum", "epsilon", "clamp",
            "negative-bias", "batched",
            "nonconst-weight", "outside-use", "concatenated", "no-limit",
            "bias3d", "up-unclamped", "gate-min", "limit-mismatch",
            "alpha-vector", "gate-odd")


class Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0
        self.consts = {}
        # Expert weights by expert (or "shared"), for the numpy reference.
        self.mlps = {}

    def name(self, base):
        self.count += 1
        return "%s_%d" % (base, self.count)

    def op(self, op, inputs, n_out=1, **attrs):
        outs = [self.name(op.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs,
                                           name=self.name(op), **attrs))
        return outs[0] if n_out == 1 else outs

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def const(self, value, dtype=np.float32):
        """A shared scalar (or list) initializer."""
        key = (repr(value), np.dtype(dtype).str)
        if key not in self.consts:
            self.consts[key] = self.init(self.name("c"),
                                         np.array(value, dtype=dtype))
        return self.consts[key]


def activation(g, act, a, x, w3):
    if act == "relu":
        return g.op("Relu", [a])
    if act == "identity":
        return a
    if act == "silu":
        return g.op("Mul", [a, g.op("Sigmoid", [a])])
    if act == "swiglu":
        lin = g.op("MatMul", [x, w3])
        return g.op("Mul", [g.op("Mul", [a, g.op("Sigmoid", [a])]), lin])
    if act == "gelu":
        erf = g.op("Erf", [g.op("Div", [a, g.const(math.sqrt(2.0))])])
        return g.op("Mul", [g.op("Mul", [a, g.const(0.5)]),
                            g.op("Add", [g.const(1.0), erf])])
    if act == "gelu_tanh":
        cube = g.op("Mul", [g.const(0.044715),
                            g.op("Pow", [a, g.const(3.0)])])
        inner = g.op("Mul", [g.const(math.sqrt(2.0 / math.pi)),
                             g.op("Add", [a, cube])])
        return g.op("Mul", [g.op("Mul", [g.const(0.5), a]),
                            g.op("Add", [g.op("Tanh", [inner]),
                                         g.const(1.0)])])
    raise ValueError(act)


def expert_mlp(g, cfg, rng, e, x, graph_inputs, arrays, act=None):
    H, I = cfg["hidden"], cfg["inter"]
    act = act or cfg["activation"]
    w1 = rng.normal(0, 1 / math.sqrt(H), (H, I)).astype(np.float32)
    w2 = rng.normal(0, 1 / math.sqrt(I), (I, H)).astype(np.float32)
    w3 = rng.normal(0, 1 / math.sqrt(H), (H, I)).astype(np.float32)
    name1 = "expert%s_fc1" % e
    if "nonconst-weight" in cfg["variants"] and e == min(3, cfg["experts"] - 1):
        graph_inputs.append(helper.make_tensor_value_info(
            name1, TensorProto.FLOAT, [H, I]))
        arrays[name1] = w1
    else:
        g.init(name1, w1)
    a = g.op("MatMul", [x, name1])
    if cfg["bias"]:
        b1 = rng.normal(0, 0.1, I).astype(np.float32)
        a = g.op("Add", [a, g.init("expert%s_fc1_bias" % e, b1)])
    w3name = g.init("expert%s_fc3" % e, w3) if act == "swiglu" else None
    g.mlps[e] = {"fc1": w1.T, "fc2": w2.T, "activation": act}
    if act == "swiglu":
        g.mlps[e].update(fc3=w3.T, gate_layout="separate")
    h = activation(g, act, a, x, w3name)
    y = g.op("MatMul", [h, g.init("expert%s_fc2" % e, w2)])
    if cfg["bias"]:
        b2 = rng.normal(0, 0.1, H).astype(np.float32)
        y = g.op("Add", [g.init("expert%s_fc2_bias" % e, b2), y])
        g.mlps[e].update(b1=b1, b2=b2)
    return y


def deepseek_routing(g, cfg, logits, rng):
    """DeepSeek-V3's grouped sigmoid routing (HF modeling_deepseek, noaux_tc)
    as torch.onnx writes it: (ids, weights)."""
    E, G, TG, k = cfg["experts"], cfg["groups"], cfg["topk_group"], cfg["k"]
    S = E // G
    i64 = lambda v: g.const(v, np.int64)  # noqa: E731
    scores = g.op("Sigmoid", [logits])
    low = -0.2 if "negative-bias" in cfg["variants"] else 0.0
    bias = g.init("e_score_correction_bias",
                  rng.uniform(low, 0.1, E).astype(np.float32))
    choice = g.op("Add", [scores, bias])
    top2 = g.op("TopK", [g.op("Reshape", [choice, i64([-1, G, S])]),
                         i64([2])], n_out=2, axis=-1)[0]
    gscore = g.op("ReduceSum", [top2, i64([-1])], keepdims=0)
    gidx = g.op("TopK", [gscore, i64([TG])], n_out=2, axis=-1, sorted=0)[1]
    fill = lambda shape_of, v: g.op(  # noqa: E731
        "ConstantOfShape", [g.op("Shape", [shape_of])],
        value=helper.make_tensor("v", TensorProto.FLOAT, [1], [v]))
    gmask = g.op("ScatterElements", [fill(gscore, 0.0), gidx,
                                     fill(gidx, 1.0)], axis=1)
    smask = g.op("Reshape", [g.op("Expand", [
        g.op("Unsqueeze", [gmask, i64([-1])]), i64([1, 1, S])]),
        i64([-1, E])])
    masked = g.op("Where", [g.op("Cast", [smask], to=TensorProto.BOOL),
                            choice, g.const(0.0)])
    ids = g.op("TopK", [masked, i64([k])], n_out=2, axis=-1, sorted=0)[1]
    w = g.op("GatherElements", [scores, ids], axis=1)
    total = g.op("Add", [g.op("ReduceSum", [w, i64([-1])], keepdims=1),
                         g.const(cfg["epsilon"])])
    w = g.op("Div", [w, total])
    return ids, g.op("Mul", [w, g.const(cfg["scale"])])


def routing(g, cfg, logits, outputs, rng):
    """(ids [T, k] int64, weights [T, k])."""
    v = cfg["variants"]
    if cfg["routing"] == "deepseek":
        return deepseek_routing(g, cfg, logits, rng)
    k = g.const([cfg["k"]], np.int64)
    last = g.const([-1], np.int64)
    if "topk-softmax" in v or cfg["form"] == "gptoss":
        vals, ids = g.op("TopK", [logits, k], n_out=2, axis=-1)
        return ids, g.op("Softmax", [vals], axis=0 if "softmax-axis0" in v
                         else -1)
    probs = g.op("Softmax", [logits], axis=0 if "softmax-axis0" in v else -1)
    if "outside-use" in v:
        outputs.append(("probs", probs))
    vals, ids = g.op("TopK", [probs, k], n_out=2, axis=-1)
    if "no-renorm" in v:
        return ids, vals
    if "wrong-sum" in v:
        total = g.op("ReduceSum", [probs, last], keepdims=1)
        return ids, g.op("Div", [vals, total])
    total = g.op("ReduceSum", [vals, last], keepdims=1)
    if "epsilon" in v:
        total = g.op("Add", [total, g.const(cfg["epsilon"])])
    if "clamp" in v:
        total = g.op("Max", [total, g.const(1e-6)])
    return ids, g.op("Div", [vals, total])


def dense_column(g, cfg, e, ids, weights, matrix):
    """Expert e's routing weights as a [T, 1] column."""
    if matrix is not None:
        return g.op("Slice", [matrix, g.const([e], np.int64),
                              g.const([e + 1], np.int64),
                              g.const([1], np.int64)])
    mask = g.op("Equal", [ids, g.const(e, np.int64)])
    return g.op("ReduceSum", [g.op("Mul", [weights, g.op(
        "Cast", [mask], to=TensorProto.FLOAT)]), g.const([-1], np.int64)],
        keepdims=1)


def gptoss_weights(cfg, rng):
    """The stacked expert and router weights of a GPT-OSS block."""
    H, I, E = cfg["hidden"], cfg["inter"], cfg["experts"]
    n = lambda scale, shape: rng.normal(0, scale, shape).astype(  # noqa
        np.float32)
    return {"router_w": n(1.0 / math.sqrt(H), (H, E)),
            "router_b": n(0.5, E),
            "w1": n(4.0 / math.sqrt(H), (E, H, 2 * I)), "b1": n(0.5, (E, 2 * I)),
            "w2": n(1 / math.sqrt(I), (E, I, H)), "b2": n(0.1, (E, H))}


def gptoss_block(g, cfg, w, x):
    """The experts of a GPT-OSS block as torch.onnx writes gpt-oss's
    reference MLPBlock: (router logits, a function of (ids, weights) giving
    the block's output)."""
    v, I, E = cfg["variants"], cfg["inter"], cfg["experts"]
    i64 = lambda vals: g.const(vals, np.int64)  # noqa: E731
    limit, alpha = cfg["limit"], cfg["alpha"]
    logits = g.op("Add", [g.op("MatMul", [x, g.init("router_w", w[
        "router_w"])]), g.init("router_b", w["router_b"])])
    bias3d = "bias3d" in v

    def gathered_bias(name, b, ids):
        if bias3d:
            return g.op("Gather", [g.init(name, b[:, None, :]), ids], axis=0)
        return g.op("Unsqueeze", [g.op("Gather", [g.init(name, b), ids],
                                       axis=0), i64([-2])])

    def experts(ids, weights):
        xk = g.op("Unsqueeze", [x, i64([-3, -2])])  # [.., 1, 1, H]
        w1 = g.op("Gather", [g.init("experts_gate_up", w["w1"]), ids], axis=0)
        h = g.op("Add", [g.op("MatMul", [xk, w1]),
                         gathered_bias("experts_gate_up_bias", w["b1"], ids)])
        big = np.iinfo(np.int64).max
        if "concatenated" in v:
            halves = [([0], [I], [1]), ([I], [big], [1])]
        else:
            halves = [([0], [big], [2]), ([1], [big], [2])]
        if "gate-odd" in v:
            halves.reverse()
        gate, up = [g.op("Slice", [h, i64(a), i64(b), i64([-1]), i64(c)])
                    for a, b, c in halves]
        if "no-limit" not in v:
            if "gate-min" in v:
                gate = g.op("Clip", [gate, g.const(-limit), g.const(limit)])
            else:
                gate = g.op("Clip", [gate, "", g.const(limit)])
            if "up-unclamped" not in v:
                lim = limit / 2 if "limit-mismatch" in v else limit
                up = g.op("Clip", [up, g.const(-lim), g.const(lim)])
        if "alpha-vector" in v:
            scale = g.init("alpha_vector", np.full(I, alpha, np.float32) +
                           np.linspace(0, 0.5, I).astype(np.float32))
        else:
            scale = g.const(alpha)
        glu = g.op("Mul", [gate, g.op("Sigmoid", [g.op("Mul", [gate,
                                                               scale])])])
        act = g.op("Mul", [g.op("Add", [up, g.const(1.0)]), glu])
        w2 = g.op("Gather", [g.init("experts_down", w["w2"]), ids], axis=0)
        y = g.op("Add", [g.op("MatMul", [act, w2]),
                         gathered_bias("experts_down_bias", w["b2"], ids)])
        y = g.op("Squeeze", [y, i64([-2])])  # [.., k, H]
        y = g.op("Mul", [y, g.op("Unsqueeze", [weights, i64([-1])])])
        return g.op("ReduceSum", [y, i64([-2])], keepdims=0)

    return logits, experts


def gptoss_reference(cfg, w, x):
    """gpt-oss's MLPBlock (torch/model.py) in numpy, float64."""
    H, k = cfg["hidden"], cfg["k"]
    v = cfg["variants"]
    t = x.reshape(-1, H).astype(np.float64)
    g = t @ w["router_w"] + w["router_b"]
    ids = np.argsort(-g, axis=-1, kind="stable")[:, :k]
    vals = np.take_along_axis(g, ids, axis=-1)
    ew = np.exp(vals - vals.max(-1, keepdims=True))
    ew /= ew.sum(-1, keepdims=True)
    h = np.einsum("tkhc,th->tkc", w["w1"][ids], t) + w["b1"][ids]
    I = cfg["inter"]
    if "concatenated" in v:
        glu, lin = h[..., :I], h[..., I:]
    else:
        glu, lin = h[..., ::2], h[..., 1::2]
    if "no-limit" not in v:
        glu = np.minimum(glu, cfg["limit"])
        lin = np.clip(lin, -cfg["limit"], cfg["limit"])
    a = glu / (1 + np.exp(-cfg["alpha"] * glu)) * (lin + 1)
    y = np.einsum("tkih,tki->tkh", w["w2"][ids], a) + w["b2"][ids]
    y = np.einsum("tkh,tk->th", y, ew)
    return y.reshape(x.shape).astype(np.float32)


# Variants whose semantics are moe's: the numpy reference applies.
SAME_SEMANTICS = ("topk-softmax", "no-renorm", "onehot", "dense-weight",
                  "scatternd", "scatter-matrix", "epsilon", "batched")


def moe_reference(cfg, g, arrays):
    """The block computed by test/lib/moe_ref.py (route -> dispatch ->
    experts -> combine [+ shared]) from the graph's inputs and weights: what
    the importer claims the decomposed graph means."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "..", "lib"))
    import moe_ref
    v = cfg["variants"]
    E, H = cfg["experts"], cfg["hidden"]
    x = arrays["input"].reshape(-1, H)
    logits = arrays["router_logits"].reshape(-1, E)
    kw = {}
    if cfg["routing"] == "deepseek":
        kw = dict(scoring="sigmoid", normalize=True, epsilon=cfg["epsilon"],
                  scale=cfg["scale"], n_group=cfg["groups"],
                  topk_group=cfg["topk_group"],
                  bias=g_bias(g))
    else:
        kw = dict(normalize="no-renorm" not in v,
                  epsilon=cfg["epsilon"] if "epsilon" in v else 0.0)
    stack = lambda name: (np.stack([g.mlps[e][name] for e in range(E)])  # noqa
                          if name in g.mlps[0] else None)
    first = g.mlps[0]
    y = moe_ref.moe_layer(
        x, logits, cfg["k"], stack("fc1"), stack("fc2"), fc3=stack("fc3"),
        b1=stack("b1"), b2=stack("b2"), activation=first["activation"],
        gate_layout=first.get("gate_layout"),
        shared=dict(g.mlps["shared"]) if "shared" in g.mlps else None, **kw)
    return y.reshape(arrays["input"].shape)


def g_bias(g):
    return next(numpy_helper.to_array(t) for t in g.inits
                if t.name == "e_score_correction_bias")


def build(cfg, seed):
    rng = np.random.default_rng(seed)
    T, H, E, k = cfg["tokens"], cfg["hidden"], cfg["experts"], cfg["k"]
    v = cfg["variants"]
    g = Graph()
    x, logits = "input", "router_logits"
    # [B, S, ...] graph inputs; the loop form flattens them itself.
    batched_io = cfg["batch_shape"] and cfg["form"] != "loop"
    lead = ["batch", "seq"] if cfg["batch_shape"] else ["tokens"]
    rows = (2, T) if cfg["batch_shape"] else (T,)
    graph_inputs = [
        helper.make_tensor_value_info(x, TensorProto.FLOAT, lead + [H]),
        helper.make_tensor_value_info(logits, TensorProto.FLOAT,
                                      lead + [E])]
    arrays = {x: rng.normal(0, 1, rows + (H,)).astype(np.float32)}
    levels = np.linspace(-3.0, 3.0, E)
    arrays[logits] = np.stack([rng.permutation(levels) for _ in range(
        int(np.prod(rows)))]).astype(np.float32).reshape(rows + (E,))
    if cfg["batch_shape"] and not batched_io:
        # Hugging Face's Mixtral: the block works on [B*S, H] rows.
        x = g.op("Reshape", [x, g.const([-1, H], np.int64)])
        logits = g.op("Reshape", [logits, g.const([-1, E], np.int64)])
    outputs = []
    if cfg["form"] == "gptoss":
        del graph_inputs[1], arrays[logits]
        weights_np = gptoss_weights(cfg, rng)
        logits, gptoss_experts = gptoss_block(g, cfg, weights_np, x)
    ids, weights = routing(g, cfg, logits, outputs, rng)

    if cfg["form"] == "gptoss":
        outputs.insert(0, ("output", gptoss_experts(ids, weights)))
        cfg["numpy_output"] = gptoss_reference(cfg, weights_np, arrays["input"])
    elif cfg["form"] == "routing":
        outputs = [("output", weights)] + outputs
    elif cfg["form"] == "dense" and "batched" in v:
        # Stacked [E, in, out] weights; MatMul broadcasts the tokens over
        # the experts; a [E, T, 1] weight column per expert; ReduceSum over
        # the expert axis.
        zeros = g.op("ConstantOfShape", [g.op("Shape", [logits])],
                     value=helper.make_tensor("z", TensorProto.FLOAT, [1],
                                              [0.0]))
        matrix = g.op("ScatterElements", [zeros, ids, weights], axis=1)
        I = cfg["inter"]
        w1 = g.init("experts_fc1", rng.normal(0, 1 / math.sqrt(H), (
            E, H, I)).astype(np.float32))
        w2 = g.init("experts_fc2", rng.normal(0, 1 / math.sqrt(I), (
            E, I, H)).astype(np.float32))
        w3 = g.init("experts_fc3", rng.normal(0, 1 / math.sqrt(H), (
            E, H, I)).astype(np.float32))
        a = g.op("MatMul", [x, w1])
        stacked = {n.name: numpy_helper.to_array(n) for n in g.inits}
        for e in range(E):
            g.mlps[e] = {"fc1": stacked[w1][e].T, "fc2": stacked[w2][e].T,
                         "activation": cfg["activation"]}
            if cfg["activation"] == "swiglu":
                g.mlps[e].update(fc3=stacked[w3][e].T, gate_layout="separate")
        if cfg["bias"]:
            b1 = rng.normal(0, 0.1, (E, 1, I)).astype(np.float32)
            a = g.op("Add", [a, g.init("experts_fc1_bias", b1)])
        h = activation(g, cfg["activation"], a, x, w3)
        y = g.op("MatMul", [h, w2])
        if cfg["bias"]:
            b2 = rng.normal(0, 0.1, (E, 1, H)).astype(np.float32)
            y = g.op("Add", [y, g.init("experts_fc2_bias", b2)])
            for e in range(E):
                g.mlps[e].update(b1=b1[e, 0], b2=b2[e, 0])
        col = g.op("Unsqueeze", [g.op("Transpose", [matrix], perm=[1, 0]),
                                 g.const([-1], np.int64)])
        outputs.insert(0, ("output", g.op("ReduceSum", [
            g.op("Mul", [y, col]), g.const([0], np.int64)], keepdims=0)))
    elif cfg["form"] == "dense":
        matrix = None
        if "scatter-matrix" in v:
            zeros = g.op("ConstantOfShape", [g.op("Shape", [logits])],
                         value=helper.make_tensor("z", TensorProto.FLOAT,
                                                  [1], [0.0]))
            matrix = g.op("ScatterElements", [zeros, ids, weights], axis=1)
        acc = None
        for e in range(E):
            y = expert_mlp(g, cfg, rng, e, x, graph_inputs, arrays)
            term = g.op("Mul", [y, dense_column(g, cfg, e, ids, weights,
                                                matrix)])
            acc = term if acc is None else g.op("Add", [acc, term])
        outputs.insert(0, ("output", acc))
    elif cfg["form"] == "loop":
        acc = g.op("ConstantOfShape", [g.op("Shape", [x])],
                   value=helper.make_tensor("z", TensorProto.FLOAT, [1],
                                            [0.0]))
        onehot = None
        if "onehot" in v:
            onehot = g.op("Transpose", [g.op("OneHot", [
                ids, g.const(E, np.int64), g.const([0, 1], np.int64)])],
                perm=[2, 1, 0])
        for e in range(E):
            if onehot is not None:
                mask = g.op("Gather", [onehot, g.const(e, np.int64)], axis=0)
                token_row = 1
            else:
                mask = g.op("Equal", [ids, g.const(e, np.int64)])
                token_row = 0
            sel = g.op("NonZero", [mask])
            tok = g.op("Gather", [sel, g.const(token_row, np.int64)], axis=0)
            y = expert_mlp(g, cfg, rng, e, g.op("Gather", [x, tok], axis=0),
                           graph_inputs, arrays)
            if "dense-weight" in v:
                col = dense_column(g, cfg, e, ids, weights, None)
                w = g.op("Gather", [col, tok], axis=0)
            else:
                src = weights if token_row == 0 else g.op("Transpose",
                                                          [weights])
                w = g.op("Unsqueeze", [g.op("GatherND", [
                    src, g.op("Transpose", [sel])]), g.const([-1], np.int64)])
            upd = g.op("Mul", [y, w])
            tcol = g.op("Unsqueeze", [tok, g.const([1], np.int64)])
            if "scatternd" in v:
                acc = g.op("ScatterND", [acc, tcol, upd], reduction="add")
            else:
                idx = g.op("Expand", [tcol, g.op("Shape", [upd])])
                acc = g.op("ScatterElements", [acc, idx, upd], axis=0,
                           reduction="add")
        outputs.insert(0, ("output", acc))
    else:
        raise ValueError(cfg["form"])

    if cfg["shared"]:
        shared = expert_mlp(g, cfg, rng, "shared", x, graph_inputs, arrays,
                            act="swiglu")
        outputs[0] = ("output", g.op("Add", [outputs[0][1], shared]))
    if cfg["batch_shape"] and not batched_io:
        outputs[0] = ("output", g.op("Reshape", [outputs[0][1], g.op(
            "Shape", ["input"])]))
    if cfg["form"] in ("loop", "dense") and all(
            s in SAME_SEMANTICS for s in v):
        cfg["numpy_output"] = moe_reference(cfg, g, arrays)

    # Name the outputs as the graph does.
    out_infos = []
    for name, value in outputs:
        for node in g.nodes:
            node.output[:] = [name if o == value else o for o in node.output]
            node.input[:] = [name if i == value else i for i in node.input]
        # Shape inference cannot see through Reshape(y, Shape(input)).
        shape = lead + [H] if cfg["batch_shape"] and name == "output" \
            else None
        out_infos.append(helper.make_tensor_value_info(name,
                                                       TensorProto.FLOAT,
                                                       shape))
    graph = helper.make_graph(g.nodes, "decomposed_moe", graph_inputs,
                              out_infos, g.inits)
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17)], producer_name="make_decomposed_models")
    model.ir_version = 8
    model = onnx.shape_inference.infer_shapes(model)
    onnx.checker.check_model(model)
    return model, arrays, [n for n, _ in outputs]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--form", required=True, choices=("routing", "loop",
                                                     "dense", "gptoss"))
    p.add_argument("--activation", default="relu", choices=ACTIVATIONS)
    p.add_argument("--variant", default="")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tokens", type=int, default=7)
    p.add_argument("--hidden", type=int, default=16)
    p.add_argument("--inter", type=int, default=24)
    p.add_argument("--experts", type=int, default=4)
    p.add_argument("--k", type=int, default=2)
    p.add_argument("--bias", type=int, default=0)
    p.add_argument("--routing", default="softmax",
                   choices=("softmax", "deepseek"))
    p.add_argument("--groups", type=int, default=4)
    p.add_argument("--topk-group", type=int, default=2)
    p.add_argument("--scale", type=float, default=2.5)
    p.add_argument("--epsilon", type=float, default=None)
    p.add_argument("--shared", type=int, default=0)
    p.add_argument("--batch-shape", type=int, default=0)
    p.add_argument("--limit", type=float, default=7.0)
    p.add_argument("--alpha", type=float, default=1.702)
    a = p.parse_args(argv)
    if a.epsilon is None:
        a.epsilon = 1e-20 if a.routing == "deepseek" else 1e-6
    variants = [s for s in a.variant.split(",") if s]
    for s in variants:
        if s not in VARIANTS:
            p.error("unknown variant %r; one of %s" % (s, ", ".join(VARIANTS)))
    cfg = {"form": a.form, "activation": a.activation, "variants": variants,
           "tokens": a.tokens, "hidden": a.hidden, "inter": a.inter,
           "experts": a.experts, "k": a.k, "bias": a.bias,
           "routing": a.routing, "groups": a.groups,
           "topk_group": a.topk_group, "scale": a.scale,
           "epsilon": a.epsilon, "shared": a.shared,
           "batch_shape": a.batch_shape, "limit": a.limit, "alpha": a.alpha}
    model, arrays, outs = build(cfg, a.seed)
    os.makedirs(a.out, exist_ok=True)
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    inputs = [i.name for i in model.graph.input]
    for n in inputs:
        np.save(os.path.join(a.out, n + ".npy"), arrays[n])
    reference = cfg.pop("numpy_output", None)
    if reference is not None:
        np.save(os.path.join(a.out, "numpy_output.npy"), reference)
    cfg["seed"] = a.seed
    cfg["graph_inputs"] = [{"name": n, "shape": list(arrays[n].shape),
                            "file": n + ".npy"} for n in inputs]
    cfg["graph_outputs"] = [{"name": n} for n in outs]
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
