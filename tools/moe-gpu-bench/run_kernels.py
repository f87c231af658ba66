#!/usr/bin/env python3
"""Run the convert-moe-to-gpu kernels on a real NVIDIA GPU.

NOT part of the test suite: it needs a GPU, PyTorch with CUDA and libcuda.
run-on-gpu.sh builds the project and calls this script.

For each check shape it compiles one swiglu(separate) moe.experts layer with
moe-gpu-pipeline, exports the PTX for the device's chip with moe-translate,
loads it with the CUDA driver API (ctypes), launches the four kernels
(fc1/fc2 x grouped GEMM / few-token GEMV) exactly as convert-moe-to-gpu's
host code does, and compares the result with test/lib/moe_ref.py (the numpy
reference the host path is checked against in lit) and with a float32 PyTorch
loop. Then it times the kernels on Mixtral-8x7B and Qwen3-30B-A3B layer shapes
at batch 1..1024 against a per-expert PyTorch loop of bf16 matmuls.
"""

import argparse
import ctypes
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
import moe_ref  # noqa: E402

# Mixtral-8x7B and Qwen3-30B-A3B (config.json on the Hugging Face hub).
LAYERS = {"mixtral-8x7b": (4096, 14336, 8, 2), "qwen3-30b-a3b": (2048, 768, 128, 8)}
TYPES = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}

cuda = ctypes.CDLL("libcuda.so.1")


def check(result, what):
    if result != 0:
        name = ctypes.c_char_p()
        cuda.cuGetErrorName(result, ctypes.byref(name))
        raise RuntimeError(f"{what}: {name.value.decode() if name.value else result}")


def chip():
    major, minor = torch.cuda.get_device_capability()
    return f"sm_{major}{minor}"


def layer_mlir(H, I, E, dtype):
    t = lambda *d: "tensor<" + "x".join(map(str, d)) + f"x{dtype}>"
    return f"""
func.func @layer(%x: tensor<?x{H}x{dtype}>, %o: tensor<{E + 1}xi64>,
                 %w1: {t(E, I, H)}, %w2: {t(E, H, I)}, %w3: {t(E, I, H)})
    -> tensor<?x{H}x{dtype}> {{
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate)
      placements [{", ".join(["gpu"] * E)}]
      : (tensor<?x{H}x{dtype}>, tensor<{E + 1}xi64>, {t(E, I, H)}, {t(E, H, I)},
         {t(E, I, H)}) -> tensor<?x{H}x{dtype}>
  return %y : tensor<?x{H}x{dtype}>
}}
"""


class Tiling:
    def __init__(self, tile_m=32, tile_n=32, tile_k=16, gemm_threads=256,
                 gemv_warps=4, gemv_max_tokens=8):
        self.tm, self.tn, self.tk = tile_m, tile_n, tile_k
        self.threads, self.warps, self.max_tokens = gemm_threads, gemv_warps, gemv_max_tokens

    def options(self):
        return (f"tile-m={self.tm} tile-n={self.tn} tile-k={self.tk} "
                f"gemm-threads={self.threads} gemv-warps={self.warps} "
                f"gemv-max-tokens={self.max_tokens}")


class CompiledLayer:
    """The four kernels of one layer, loaded from PTX."""

    def __init__(self, bindir, H, I, E, dtype, tiling):
        self.H, self.I, self.E, self.tiling = H, I, E, tiling
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "layer.mlir")
            with open(src, "w") as f:
                f.write(layer_mlir(H, I, E, dtype))
            lowered = subprocess.run(
                [os.path.join(bindir, "moe-opt"), src,
                 f"--moe-gpu-pipeline=chips={chip()} {tiling.options()}"],
                check=True, capture_output=True, text=True).stdout
            ptx = subprocess.run(
                [os.path.join(bindir, "moe-translate"), "--export-ptx",
                 f"--ptx-chip={chip()}"],
                input=lowered, check=True, capture_output=True, text=True).stdout
        self.module = ctypes.c_void_p()
        check(cuda.cuModuleLoadData(ctypes.byref(self.module), ptx.encode() + b"\0"),
              "cuModuleLoadData")
        self.kernels = {}
        for name in ("fc1_gemm", "fc1_gemv", "fc2_gemm", "fc2_gemv"):
            fn = ctypes.c_void_p()
            check(cuda.cuModuleGetFunction(ctypes.byref(fn), self.module, name.encode()),
                  f"cuModuleGetFunction {name}")
            self.kernels[name] = fn

    @staticmethod
    def memref(t):
        # The memref descriptor, expanded: allocated and aligned pointers,
        # offset, sizes, strides (in elements).
        p = ctypes.c_void_p(t.data_ptr())
        return ([p, p, ctypes.c_int64(0)] + [ctypes.c_int64(s) for s in t.shape]
                + [ctypes.c_int64(s) for s in t.stride()])

    def launch(self, name, grid, block, tensors):
        values = [v for t in tensors for v in self.memref(t)]
        params = (ctypes.c_void_p * len(values))(
            *[ctypes.cast(ctypes.pointer(v), ctypes.c_void_p) for v in values])
        stream = ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)
        check(cuda.cuLaunchKernel(self.kernels[name], grid[0], grid[1], 1, block, 1, 1,
                                  0, stream, params, None), f"cuLaunchKernel {name}")

    def __call__(self, x, offsets, placed, w1, w2, w3):
        t, N = self.tiling, x.shape[0]
        hidden = torch.empty((N, self.I), dtype=x.dtype, device=x.device)
        out = torch.empty((N, self.H), dtype=x.dtype, device=x.device)
        gy = math.ceil(N / t.tm) + self.E
        fc1 = [x, offsets, placed, w1, w3, hidden]
        fc2 = [hidden, offsets, placed, w2, out]
        self.launch("fc1_gemm", (math.ceil(self.I / t.tn), gy), t.threads, fc1)
        self.launch("fc1_gemv", (math.ceil(self.I / t.warps), self.E), 32 * t.warps, fc1)
        self.launch("fc2_gemm", (math.ceil(self.H / t.tn), gy), t.threads, fc2)
        self.launch("fc2_gemv", (math.ceil(self.H / t.warps), self.E), 32 * t.warps, fc2)
        return out


def route(tokens, E, k, gen):
    """Random top-k routing; returns counts per expert and offsets."""
    ids = torch.stack([torch.randperm(E, generator=gen)[:k] for _ in range(tokens)])
    counts = torch.bincount(ids.flatten(), minlength=E)
    offsets = torch.zeros(E + 1, dtype=torch.int64)
    offsets[1:] = torch.cumsum(counts, 0)
    return counts, offsets


def torch_loop(x, offsets, w1, w2, w3):
    y = torch.empty_like(x)
    o = offsets.tolist()
    for e in range(len(o) - 1):
        xs = x[o[e]:o[e + 1]]
        if xs.shape[0] == 0:
            continue
        g, l = xs @ w1[e].T, xs @ w3[e].T
        y[o[e]:o[e + 1]] = (torch.nn.functional.silu(g) * l) @ w2[e].T
    return y


def check_shapes(bindir):
    gen = torch.Generator().manual_seed(0)
    ok = True
    # Small shapes with every expert kind: empty, GEMV-sized, GEMM-sized.
    cases = [(64, 48, 4, [0, 3, 40, 1], "f32", Tiling()),
             (256, 96, 8, [5, 0, 70, 8, 9, 1, 33, 2], "f32", Tiling(gemv_max_tokens=4)),
             (128, 64, 4, [12, 1, 0, 50], "bf16", Tiling()),
             (128, 64, 4, [12, 1, 0, 50], "f16", Tiling(tile_m=16, tile_n=16, tile_k=16,
                                                      gemm_threads=64))]
    for H, I, E, counts, dtype, tiling in cases:
        N = sum(counts)
        offsets = torch.tensor([0] + list(np.cumsum(counts)), dtype=torch.int64)
        x = torch.rand((N, H), generator=gen) - 0.5
        w1, w3 = [(torch.rand((E, I, H), generator=gen) - 0.5) * 0.2 for _ in range(2)]
        w2 = (torch.rand((E, H, I), generator=gen) - 0.5) * 0.2
        tt = TYPES[dtype]
        dev = [t.to(tt).cuda().contiguous() for t in (x, w1, w2, w3)]
        layer = CompiledLayer(bindir, H, I, E, dtype, tiling)
        placed = torch.ones(E, dtype=torch.int8, device="cuda")
        y = layer(dev[0], offsets.cuda(), placed, dev[1], dev[2], dev[3])
        torch.cuda.synchronize()
        ref = moe_ref.experts(*(t.to(tt).float().numpy() for t in (x,)), offsets.numpy(),
                              w1.to(tt).float().numpy(), w2.to(tt).float().numpy(),
                              fc3=w3.to(tt).float().numpy(), activation="swiglu",
                              gate_layout="separate")
        got = y.float().cpu().numpy()
        tol = 1e-4 if dtype == "f32" else 3e-2
        err = float(np.max(np.abs(got - ref))) if N else 0.0
        good = np.allclose(got, ref, rtol=tol, atol=tol)
        ok &= bool(good)
        print(f"check H={H} I={I} E={E} counts={counts} {dtype}: max|gpu-ref|={err:.3g} "
              f"{'ok' if good else 'MISMATCH'}")
    return ok


def bench(bindir, batches, iters):
    gen = torch.Generator().manual_seed(1)
    print(f"\n{'layer':14} {'batch':>6} {'ours_us':>10} {'torch_loop_us':>14}  (bf16, {chip()}, "
          f"{torch.cuda.get_device_name()})")
    for name, (H, I, E, k) in LAYERS.items():
        layer = CompiledLayer(bindir, H, I, E, "bf16", Tiling())
        w1, w3 = [(torch.rand((E, I, H), device="cuda", dtype=torch.bfloat16) - 0.5) * 0.02
                  for _ in range(2)]
        w2 = (torch.rand((E, H, I), device="cuda", dtype=torch.bfloat16) - 0.5) * 0.02
        placed = torch.ones(E, dtype=torch.int8, device="cuda")
        for batch in batches:
            counts, offsets = route(batch, E, k, gen)
            x = torch.rand((batch * k, H), device="cuda", dtype=torch.bfloat16)
            off = offsets.cuda()

            def timed(fn):
                for _ in range(3):
                    fn()
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                for _ in range(iters):
                    fn()
                end.record()
                torch.cuda.synchronize()
                return start.elapsed_time(end) * 1e3 / iters

            ours = timed(lambda: layer(x, off, placed, w1, w2, w3))
            loop = timed(lambda: torch_loop(x, offsets, w1, w2, w3))
            print(f"{name:14} {batch:6d} {ours:10.1f} {loop:14.1f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bindir", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--batches", default="1,2,4,8,16,32,64,128,256,512,1024")
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--no-bench", action="store_true")
    args = parser.parse_args()
    torch.cuda.init()
    torch.zeros(1, device="cuda")  # makes the primary context current
    ok = check_shapes(args.bindir)
    if not args.no_bench:
        bench(args.bindir, [int(b) for b in args.batches.split(",")], args.iters)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
