#!/usr/bin/python3
"""Writes a one-node com.microsoft.MoE ONNX model with seeded random inputs.

    make_moe_model.py --out DIR --seed S [--tokens T] [--hidden H] [--inter I]
        [--experts E] [--k K] [--activation A] [--normalize 0|1]
        [--fc1-bias 0|1] [--fc2-bias 0|1] [--swiglu-fusion F]
        [--swiglu-limit L] [--alpha A] [--beta B] [--batch-seq B,S]
        [--static-shapes] [--quantize 4|8 [--block-size B] [--zero-points 0|1]]
    make_moe_model.py --out DIR --random-config S [--seed S2]

writes
  DIR/model.onnx         graph inputs `input` ([T,H], or [B,S,H] with
                         --batch-seq) and `router_probs` ([T,E] router
                         logits), one com.microsoft.MoE node named
                         `moe_0`, output `output`; the expert weights are fp32
                         initializers in raw_data; opsets "" 17 and
                         com.microsoft 1.  The token dimensions are symbolic
                         (`tokens`, or `batch` and `seq`) unless
                         --static-shapes.
  DIR/input.npy, DIR/router_probs.npy   the inputs (float32), one file per
                         graph input, named after it.
  DIR/config.json        every parameter, the attributes written on the node
                         and the graph's input/output names and shapes.

Values: tokens ~ N(0,1); fc1 ~ N(0,1/H) and fc2 ~ N(0,1/I) so that hidden
and output values are O(1); biases ~ N(0,0.1^2).  The router logits of every
token are a random permutation of E levels spread over about [-3, 3] with
gaps of at least 3/E between any two experts, so no top-k choice (nor the
order within it) is a near tie in fp32.

--quantize BITS writes a com.microsoft.QMoE node instead: the expert
weights are uint8 codes (4-bit ones two per byte, low nibble first) with
fp32 scales per row ([E, N]) or, with --block-size B, per block of B columns
([E, N, K/B]), and with --zero-points 1 uint8 zero points shaped like the
scales (4-bit ones packed along the last axis); the weights the codes stand
for have the same spread as the float ones.

--random-config S picks a random valid configuration (seeded by S) among what
ONNX Runtime's CPU kernel runs: E in 2..64, k in 1..min(8,E), activation
relu|gelu|silu|identity|swiglu (interleaved, i.e. swiglu_fusion=1, with its
attributes left at their defaults, set GPT-OSS style, or random), normalize
and biases on or off, T in 1..64 (sometimes as [B,S]), H and I in 8..64.
Explicit options given beside it override the random choice.  The data seed
is --seed, or S when --seed is not given.

Imported as a module, `load(DIR)` returns the config and every array (inputs
and weights) and `reference_output(DIR)` the numpy reference output
(test/lib/moe_ref.py's moe_layer) of the model's ORT semantics.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True

ACTIVATIONS = ("relu", "gelu", "silu", "identity", "swiglu")
MS_DOMAIN = "com.microsoft"
NODE_NAME = "moe_0"


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------

DEFAULTS = dict(tokens=4, hidden=16, inter=32, experts=4, k=2,
                activation="relu", normalize=0, fc1_bias=0, fc2_bias=0,
                swiglu_fusion=None, swiglu_limit=None, alpha=None, beta=None,
                batch_seq=None, static_shapes=False, quantize=None,
                block_size=None, zero_points=0)


def random_config(seed):
    """A random valid configuration (a dict of DEFAULTS' keys)."""
    rng = np.random.default_rng([0x6d6f65, int(seed)])
    cfg = dict(DEFAULTS)
    E = int(rng.integers(2, 65))
    cfg["experts"] = E
    cfg["k"] = int(rng.integers(1, min(8, E) + 1))
    cfg["hidden"] = int(rng.integers(8, 65))
    cfg["inter"] = int(rng.integers(8, 65))
    cfg["normalize"] = int(rng.integers(0, 2))
    cfg["fc1_bias"] = int(rng.integers(0, 2))
    cfg["fc2_bias"] = int(rng.integers(0, 2))
    if rng.random() < 0.2:
        B = int(rng.integers(1, 5))
        S = int(rng.integers(1, 64 // B + 1))
        cfg["batch_seq"] = (B, S)
        cfg["tokens"] = B * S
    else:
        cfg["tokens"] = int(rng.integers(1, 65))
    act = str(rng.choice(["relu", "gelu", "silu", "identity", "swiglu",
                          "swiglu", "swiglu"]))
    cfg["activation"] = act
    if act == "swiglu":
        cfg["swiglu_fusion"] = 1
        style = int(rng.integers(0, 3))
        if style == 1:  # GPT-OSS
            cfg["alpha"], cfg["beta"], cfg["swiglu_limit"] = 1.702, 1.0, 7.0
        elif style == 2:  # random, with a limit that clamps some values
            cfg["alpha"] = round(float(rng.uniform(0.5, 2.5)), 3)
            cfg["beta"] = round(float(rng.uniform(-1.0, 1.0)), 3)
            cfg["swiglu_limit"] = round(float(rng.uniform(0.3, 3.0)), 3)
        # style 0: no swiglu attributes at all (ORT's defaults)
    return cfg


def check_config(cfg):
    """Raises ValueError for a configuration ORT's MoE op cannot express."""
    E, k = cfg["experts"], cfg["k"]
    for name in ("tokens", "hidden", "inter", "experts"):
        if cfg[name] < 1:
            raise ValueError("--%s must be >= 1, got %d" % (name, cfg[name]))
    if not 1 <= k <= E:
        raise ValueError("--k must be in [1, E=%d], got %d" % (E, k))
    if cfg["activation"] not in ACTIVATIONS:
        raise ValueError("--activation must be one of %s, got %r"
                         % ("|".join(ACTIVATIONS), cfg["activation"]))
    if cfg["activation"] == "swiglu":
        if cfg["swiglu_fusion"] is None:
            cfg["swiglu_fusion"] = 1
        if cfg["swiglu_fusion"] not in (1, 2):
            raise ValueError("--swiglu-fusion must be 1 (interleaved) or 2 "
                             "(concatenated): fc3 (0) is not generated")
        if cfg["swiglu_limit"] is not None and cfg["swiglu_limit"] < 0:
            raise ValueError("--swiglu-limit must be >= 0")
    else:
        for opt in ("swiglu_fusion", "swiglu_limit", "alpha", "beta"):
            if cfg[opt] is not None:
                raise ValueError("--%s needs --activation swiglu"
                                 % opt.replace("_", "-"))
    if cfg["quantize"] not in (None, 4, 8):
        raise ValueError("--quantize must be 4 or 8")
    if cfg["quantize"] is None and (cfg["block_size"] or cfg["zero_points"]):
        raise ValueError("--block-size and --zero-points need --quantize")
    if cfg["block_size"] is not None:
        for name in ("hidden", "inter"):
            if cfg[name] % cfg["block_size"]:
                raise ValueError("--block-size %d must divide --%s %d"
                                 % (cfg["block_size"], name, cfg[name]))
    if cfg["batch_seq"] is not None:
        B, S = cfg["batch_seq"]
        if B < 1 or S < 1:
            raise ValueError("--batch-seq needs B,S >= 1")
        if cfg["tokens"] != B * S:
            raise ValueError("--tokens %d disagrees with --batch-seq %d,%d"
                             % (cfg["tokens"], B, S))


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def make_logits(rng, T, E):
    """[T,E] logits: per token a permutation of E well separated levels."""
    gap = 6.0 / E
    logits = np.empty((T, E))
    for t in range(T):
        levels = rng.permutation(E) * gap - 3.0
        logits[t] = levels + rng.uniform(0.0, 0.5 * gap, size=E)
    return logits.astype(np.float32)


def make_arrays(cfg, seed):
    """Inputs and weights: a dict name -> float32 array (None if absent)."""
    rng = np.random.default_rng(int(seed))
    T, H, I, E = cfg["tokens"], cfg["hidden"], cfg["inter"], cfg["experts"]
    f = 2 if cfg["activation"] == "swiglu" else 1
    x = rng.standard_normal((T, H)).astype(np.float32)
    if cfg["batch_seq"] is not None:
        x = x.reshape(tuple(cfg["batch_seq"]) + (H,))
    arrays = {
        "input": x,
        "router_probs": make_logits(rng, T, E),
        "fc1_experts_weights": (rng.standard_normal((E, f * I, H))
                                / np.sqrt(H)).astype(np.float32),
        "fc1_experts_bias": None,
        "fc2_experts_weights": (rng.standard_normal((E, H, I))
                                / np.sqrt(I)).astype(np.float32),
        "fc2_experts_bias": None,
    }
    if cfg["fc1_bias"]:
        arrays["fc1_experts_bias"] = (
            0.1 * rng.standard_normal((E, f * I))).astype(np.float32)
    if cfg["fc2_bias"]:
        arrays["fc2_experts_bias"] = (
            0.1 * rng.standard_normal((E, H))).astype(np.float32)
    if cfg["quantize"]:
        for fc, rows, cols in (("fc1", f * I, H), ("fc2", H, I)):
            codes, scales, zeros = quantized_weight(rng, cfg, E, rows, cols)
            arrays[fc + "_experts_weights"] = codes
            arrays[fc + "_scales"] = scales
            arrays[fc + "_zero_points"] = zeros
    return arrays


def pack_nibbles(codes):
    """4-bit codes, two per byte along the last axis, low nibble first."""
    if codes.shape[-1] % 2:
        codes = np.concatenate(
            [codes, np.zeros(codes.shape[:-1] + (1,), codes.dtype)], -1)
    return (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)


def quantized_weight(rng, cfg, E, rows, cols):
    """(codes, scales, zero points or None) of one [E, rows, cols] weight.

    Codes are uniform over the code range; the scales make (code - zero) *
    scale about as spread as N(0, 1/cols)."""
    bits, block = cfg["quantize"], cfg["block_size"]
    codes = rng.integers(0, 1 << bits, size=(E, rows, cols)).astype(np.uint8)
    groups = (E, rows) if block is None else (E, rows, cols // block)
    half = 1 << (bits - 1)
    scales = (rng.uniform(0.5, 1.5, size=groups) * np.sqrt(3.0)
              / (half * np.sqrt(cols))).astype(np.float32)
    zeros = None
    if cfg["zero_points"]:
        # Near the middle, so that weights stay centred.
        zeros = (half + rng.integers(-half // 4, half // 4 + 1,
                                     size=groups)).astype(np.uint8)
    if bits == 4:
        codes = pack_nibbles(codes)
        zeros = None if zeros is None else pack_nibbles(zeros)
    return codes, scales, zeros


# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------

# The MoE op's inputs in schema order (fc3 is never generated).
MOE_INPUTS = ("input", "router_probs", "fc1_experts_weights",
              "fc1_experts_bias", "fc2_experts_weights", "fc2_experts_bias")
GRAPH_INPUTS = ("input", "router_probs")
# The QMoE op's inputs in schema order (no fc3).
QMOE_INPUTS = ("input", "router_probs", "fc1_experts_weights", "fc1_scales",
               "fc1_experts_bias", "fc2_experts_weights", "fc2_scales",
               "fc2_experts_bias", "", "", "", "fc1_zero_points",
               "fc2_zero_points")


def node_inputs(cfg):
    """The node's input names in schema order."""
    return QMOE_INPUTS if cfg["quantize"] else MOE_INPUTS


def node_attributes(cfg):
    """The attributes written on the node (those left out take defaults)."""
    attrs = {"k": cfg["k"], "activation_type": cfg["activation"],
             "normalize_routing_weights": cfg["normalize"]}
    if cfg["activation"] == "swiglu":
        attrs["swiglu_fusion"] = cfg["swiglu_fusion"]
        if cfg["swiglu_limit"] is not None:
            attrs["swiglu_limit"] = float(cfg["swiglu_limit"])
        if cfg["alpha"] is not None:
            attrs["activation_alpha"] = float(cfg["alpha"])
        if cfg["beta"] is not None:
            attrs["activation_beta"] = float(cfg["beta"])
    if cfg["quantize"]:
        attrs["expert_weight_bits"] = cfg["quantize"]
        if cfg["block_size"] is not None:
            attrs["block_size"] = cfg["block_size"]
    return attrs


def token_dims(cfg):
    """The symbolic (or static) dims of the token axes of `input`."""
    if cfg["batch_seq"] is not None:
        dims = list(cfg["batch_seq"])
        names = ["batch", "seq"]
    else:
        dims, names = [cfg["tokens"]], ["tokens"]
    return dims if cfg["static_shapes"] else names


def build_model(cfg, arrays):
    from onnx import TensorProto, helper, numpy_helper

    H, E = cfg["hidden"], cfg["experts"]
    tok = token_dims(cfg)
    # router_probs is [num_rows, E]: with [B,S,H] input there is no single
    # symbolic name for B*S, so it gets its own.
    if cfg["static_shapes"]:
        rows = [cfg["tokens"]]
    else:
        rows = ["tokens"] if cfg["batch_seq"] is None else ["rows"]

    inputs = [n if arrays.get(n) is not None else "" for n in node_inputs(cfg)]
    while inputs and inputs[-1] == "":
        inputs.pop()
    node = helper.make_node("QMoE" if cfg["quantize"] else "MoE", inputs,
                            ["output"], name=NODE_NAME, domain=MS_DOMAIN,
                            **node_attributes(cfg))
    initializers = []
    for name in node_inputs(cfg)[2:]:
        a = arrays.get(name)
        if a is not None:
            t = numpy_helper.from_array(np.ascontiguousarray(a), name)
            assert t.HasField("raw_data")
            initializers.append(t)
    graph = helper.make_graph(
        [node], "moe_layer",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, tok + [H]),
         helper.make_tensor_value_info("router_probs", TensorProto.FLOAT,
                                       rows + [E])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT,
                                       tok + [H])],
        initializer=initializers)
    model = helper.make_model(
        graph, producer_name="moe-mlir make_moe_model.py",
        opset_imports=[helper.make_opsetid("", 17),
                       helper.make_opsetid(MS_DOMAIN, 1)])
    model.ir_version = 8
    return model


def write(out, cfg, seed):
    import onnx

    check_config(cfg)
    arrays = make_arrays(cfg, seed)
    os.makedirs(out, exist_ok=True)
    onnx.save(build_model(cfg, arrays), os.path.join(out, "model.onnx"))
    for name in GRAPH_INPUTS:
        np.save(os.path.join(out, name + ".npy"), arrays[name])
    conf = dict(cfg)
    conf["seed"] = int(seed)
    conf["batch_seq"] = (list(cfg["batch_seq"]) if cfg["batch_seq"]
                         else None)
    conf["node_name"] = NODE_NAME
    conf["attributes"] = node_attributes(cfg)
    conf["graph_inputs"] = [
        {"name": n, "shape": list(arrays[n].shape), "file": n + ".npy"}
        for n in GRAPH_INPUTS]
    conf["graph_outputs"] = [{"name": "output",
                              "shape": list(arrays["input"].shape)}]
    conf["initializers"] = {n: list(arrays[n].shape)
                            for n in node_inputs(cfg)[2:]
                            if arrays.get(n) is not None}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(conf, f, indent=2, sort_keys=True)
        f.write("\n")


# ---------------------------------------------------------------------------
# Reading back, and the numpy reference of the model
# ---------------------------------------------------------------------------


def load(model_dir):
    """(config, arrays): the config.json dict and the inputs and weights."""
    import onnx
    from onnx import numpy_helper

    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    arrays = {n: None for n in MOE_INPUTS + QMOE_INPUTS if n}
    for gi in cfg["graph_inputs"]:
        arrays[gi["name"]] = np.load(os.path.join(model_dir, gi["file"]))
    model = onnx.load(os.path.join(model_dir, "model.onnx"))
    for t in model.graph.initializer:
        arrays[t.name] = numpy_helper.to_array(t)
    return cfg, arrays


def reference_output(model_dir, swiglu_default_alpha=1.0):
    """moe_ref.moe_layer on the model's inputs, shaped like `output`.

    ORT semantics as mapped onto moe_ref: router_probs are logits, softmax
    top-k (optionally renormalised); gelu is the tanh form; swiglu is
    interleaved (fusion 1) or concatenated (2) with alpha (default
    `swiglu_default_alpha`), beta (default 0) and limit (default none).
    Attribute values are rounded to fp32, as ORT stores them.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "..", "lib"))
    import moe_ref

    cfg, a = load(model_dir)
    attrs = cfg["attributes"]
    f32 = lambda v: float(np.float32(v))  # noqa: E731
    x = a["input"]
    H = x.shape[-1]
    kw = {}
    act = attrs["activation_type"]
    if act == "gelu":
        kw["activation"] = "gelu_tanh"
    elif act == "swiglu":
        kw["activation"] = "swiglu"
        kw["gate_layout"] = {1: "interleaved",
                             2: "concatenated"}[attrs.get("swiglu_fusion", 0)]
        kw["alpha"] = f32(attrs.get("activation_alpha", swiglu_default_alpha))
        kw["beta"] = f32(attrs.get("activation_beta", 0.0))
        if "swiglu_limit" in attrs:
            kw["limit"] = f32(attrs["swiglu_limit"])
    else:
        kw["activation"] = act
    fc1, fc2 = a["fc1_experts_weights"], a["fc2_experts_weights"]
    if cfg.get("quantize"):
        fc1, fc2 = (moe_ref.dequantize(a[n + "_experts_weights"],
                                       a[n + "_scales"],
                                       a[n + "_zero_points"],
                                       bits=cfg["quantize"],
                                       block=cfg["block_size"])
                    for n in ("fc1", "fc2"))
    y = moe_ref.moe_layer(
        x.reshape(-1, H), a["router_probs"], attrs["k"], fc1, fc2,
        b1=a["fc1_experts_bias"], b2=a["fc2_experts_bias"],
        normalize=bool(attrs["normalize_routing_weights"]), **kw)
    return y.reshape(x.shape)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv):
    p = argparse.ArgumentParser(
        description="Write a one-node com.microsoft.MoE ONNX model, its "
                    "inputs and config.json.")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, help="data seed")
    p.add_argument("--random-config", type=int, metavar="S",
                   help="pick a random valid configuration seeded by S")
    p.add_argument("--tokens", type=int)
    p.add_argument("--hidden", type=int)
    p.add_argument("--inter", type=int)
    p.add_argument("--experts", type=int)
    p.add_argument("--k", type=int)
    p.add_argument("--activation", choices=ACTIVATIONS)
    p.add_argument("--normalize", type=int, choices=(0, 1))
    p.add_argument("--fc1-bias", type=int, choices=(0, 1))
    p.add_argument("--fc2-bias", type=int, choices=(0, 1))
    p.add_argument("--swiglu-fusion", type=int, choices=(0, 1, 2))
    p.add_argument("--swiglu-limit", type=float)
    p.add_argument("--alpha", type=float, help="activation_alpha (swiglu)")
    p.add_argument("--beta", type=float, help="activation_beta (swiglu)")
    p.add_argument("--batch-seq", metavar="B,S",
                   help="input as [B,S,H] (T = B*S)")
    p.add_argument("--static-shapes", action="store_true",
                   help="static token dims instead of symbolic ones")
    p.add_argument("--quantize", type=int, choices=(4, 8),
                   help="a QMoE node with BITS-bit expert weights")
    p.add_argument("--block-size", type=int,
                   help="one scale per block of B columns (QMoE)")
    p.add_argument("--zero-points", type=int, choices=(0, 1),
                   help="explicit zero points (QMoE)")
    args = p.parse_args(argv)

    if args.random_config is not None:
        cfg = random_config(args.random_config)
    else:
        cfg = dict(DEFAULTS)
        if args.seed is None:
            p.error("--seed is required (unless --random-config is given)")
    seed = args.seed if args.seed is not None else args.random_config

    if args.batch_seq is not None:
        try:
            B, S = (int(v) for v in args.batch_seq.split(","))
        except ValueError:
            p.error("--batch-seq must be B,S (two integers), got %r"
                    % args.batch_seq)
        cfg["batch_seq"] = (B, S)
        if args.tokens is None:
            cfg["tokens"] = B * S
    elif args.tokens is not None and cfg["batch_seq"] is not None:
        cfg["batch_seq"] = None  # an explicit T replaces a random [B,S]
    for key in ("tokens", "hidden", "inter", "experts", "k", "activation",
                "normalize", "fc1_bias", "fc2_bias", "swiglu_fusion",
                "swiglu_limit", "alpha", "beta", "quantize", "block_size",
                "zero_points"):
        v = getattr(args, key)
        if v is not None:
            cfg[key] = v
    if args.activation is not None and args.activation != "swiglu":
        # A random swiglu choice must not leave swiglu options behind.
        for key in ("swiglu_fusion", "swiglu_limit", "alpha", "beta"):
            if getattr(args, key) is None:
                cfg[key] = None
    cfg["static_shapes"] = bool(args.static_shapes)
    try:
        write(args.out, cfg, seed)
    except ValueError as e:
        print("make_moe_model.py: error: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
