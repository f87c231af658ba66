#!/usr/bin/python3
"""Checks moe-run outputs whose experts (some or all) ran in pim-sim.

    check_pim.py MODEL_DIR OUT_DIR [--f32 F32_OUT_DIR] [--bf16-reference]

PIM stores tokens, weights and the fc1 -> fc2 intermediate as bf16 and
accumulates in fp32 (docs/PIM.md), so PIM-placed experts differ from the
fp32 host path at bf16's precision: 8 significant bits, a rounding error of
at most 2^-9 = 0.2% per rounded value. Each output sums products of values
rounded twice or three times, so it is allowed

    max |moe-run - ORT| <= 1e-2 * max(1, max |ORT|)

(five units of 2^-9 of the output's scale; an expert that computed the wrong
thing, a missing bias or a dropped token is off by O(1)).

--f32 DIR: the same model run with every expert on an fp32 lane; the PIM
  output must differ from it (the experts really ran at bf16) and the
  largest difference is printed.
--bf16-reference: for com.microsoft.MoE models (make_moe_model.py), a numpy
  emulation of the PIM numerics (tokens, weights and intermediate rounded to
  bf16, biases fp32, activation in fp32) must match within the fp32
  tolerance, 1e-4 * max(1, max |ref|): what is left is the order of fp32
  accumulation.
"""

import argparse
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ONNX_LIB = os.path.join(HERE, "..", "..", "..", "Import", "ONNX", "lib")
sys.path.insert(0, ONNX_LIB)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "lib"))
import compare  # noqa: E402
import moe_ref  # noqa: E402

BF16_TOL = 1e-2
F32_TOL = 1e-4


def bf16(a):
    """Round to nearest even bf16, kept as float32."""
    bits = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def emulate_pim(model_dir):
    """The contrib MoE layer as pim-sim computes each expert."""
    import make_moe_model

    cfg, a = make_moe_model.load(model_dir)
    attrs = cfg["attributes"]
    f32 = lambda v: float(np.float32(v))  # noqa: E731
    x = a["input"]
    H = x.shape[-1]
    x = x.reshape(-1, H)
    act = attrs["activation_type"]
    fc1 = bf16(a["fc1_experts_weights"]).astype(np.float64)
    fc2 = bf16(a["fc2_experts_weights"]).astype(np.float64)
    E = fc1.shape[0]
    b1 = a["fc1_experts_bias"]
    b2 = a["fc2_experts_bias"]
    b1 = np.zeros(fc1.shape[:2]) if b1 is None else b1.astype(np.float64)
    b2 = np.zeros((E, H)) if b2 is None else b2.astype(np.float64)
    ids, weights = moe_ref.route(
        a["router_probs"], attrs["k"],
        normalize=bool(attrs["normalize_routing_weights"]))
    xb = bf16(x).astype(np.float64)
    y = np.zeros((x.shape[0], H))
    for t in range(x.shape[0]):
        for j in range(ids.shape[1]):
            e = int(ids[t, j])
            h = fc1[e] @ xb[t] + b1[e]
            if act == "swiglu":
                fusion = attrs.get("swiglu_fusion", 0)
                g, lin = (h[0::2], h[1::2]) if fusion == 1 else np.split(h, 2)
                alpha = f32(attrs.get("activation_alpha", 1.0))
                beta = f32(attrs.get("activation_beta", 0.0))
                if "swiglu_limit" in attrs:
                    lim = f32(attrs["swiglu_limit"])
                    g = np.minimum(g, lim)
                    lin = np.clip(lin, -lim, lim)
                h = g / (1.0 + np.exp(-alpha * g)) * (lin + beta)
            else:
                fn = moe_ref.activation_fn(
                    "gelu_tanh" if act == "gelu" else act)
                h = np.array([fn(v) for v in h])
            inter = bf16(h.astype(np.float32)).astype(np.float64)
            out = (fc2[e] @ inter + b2[e]).astype(np.float32)
            y[t] += float(weights[t, j]) * out
    return y.astype(np.float32).reshape(a["input"].shape)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("model_dir")
    p.add_argument("out_dir")
    p.add_argument("--f32")
    p.add_argument("--bf16-reference", action="store_true")
    args = p.parse_args(argv)
    ok = True
    for name, ort_path in compare.output_files(args.model_dir):
        got = np.load(os.path.join(args.out_dir, name + ".npy"))
        ort = np.load(ort_path)
        scale = max(1.0, float(np.abs(ort).max()))
        err = float(np.abs(got.astype(np.float64) - ort).max())
        good = got.shape == ort.shape and err <= BF16_TOL * scale
        ok &= good
        print("%s: %s vs ORT: max error %.3g (allowed %.3g, bf16 storage)"
              % (name, "ok" if good else "MISMATCH", err, BF16_TOL * scale))
        if args.f32:
            f32 = np.load(os.path.join(args.f32, name + ".npy"))
            differs = not np.array_equal(f32, got)
            ok &= differs
            print("%s: %s the fp32 lanes%s" % (
                name, "differs from" if differs else "SAME AS",
                " by up to %.3g" % float(np.abs(f32 - got).max())
                if differs else " (did any expert run in pim-sim?)"))
        if args.bf16_reference:
            ref = emulate_pim(args.model_dir)
            scale = max(1.0, float(np.abs(ref).max()))
            err = float(np.abs(got.astype(np.float64) - ref).max())
            good = err <= F32_TOL * scale
            ok &= good
            print("%s: %s vs the bf16 emulation: max error %.3g (allowed %.3g)"
                  % (name, "ok" if good else "MISMATCH", err, F32_TOL * scale))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
