"""Writes a numerics test of moe.experts sized for the tensor-core GEMM.

The hand-written expert tests have H = I = 4, so every mma.sync step of the
GEMM reads mostly padding. These experts have a reduction of 40 (two full
16-wide steps and a partial one), 24 intermediate features (three m16n8
column tiles) and 25 and 30 rows (partial 32-row tiles), so every fragment
register of every lane carries data. One op is f16 SwiGLU with fc3 and
biases, one bf16 gelu with biases; expert 1 has one row (the GEMV kernel).

  tensor_core_experts.py SEED > test.mlir   (read by check_numerics.py)
"""

import sys

import numpy as np

H, I, E = 40, 24, 3
OFFSETS = [0, 25, 26, 56]


def literal(a):
    if a.ndim == 1:
        return "[" + ", ".join(f"{v:.4g}" for v in a) + "]"
    return "[" + ", ".join(literal(r) for r in a) + "]"


def constant(name, a, dtype):
    shape = "x".join(str(d) for d in a.shape)
    return (f"  %{name} = arith.constant dense<{literal(a)}> : "
            f"tensor<{shape}x{dtype}>")


def print_call(value, rows, dtype):
    suffix = {"f16": "F16", "bf16": "BF16"}[dtype]
    return f"""  %{value}_m = bufferization.to_buffer %{value} : tensor<?x{H}x{dtype}> to memref<?x{H}x{dtype}>
  %{value}_u = memref.cast %{value}_m : memref<?x{H}x{dtype}> to memref<*x{dtype}>
  call @printMemref{suffix}(%{value}_u) : (memref<*x{dtype}>) -> ()"""


def main():
    rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    n = OFFSETS[-1]
    out = ["func.func private @printMemrefF16(memref<*xf16>) attributes {llvm.emit_c_interface}",
           "func.func private @printMemrefBF16(memref<*xbf16>) attributes {llvm.emit_c_interface}",
           "", "func.func @main() {"]
    out.append(constant("offsets", np.array(OFFSETS), "i64").replace(
        "dense<[0, 25, 26, 56]>", "dense<" + str(OFFSETS) + ">"))
    tensors = {}
    for dtype in ("f16", "bf16"):
        p = dtype.replace("bf16", "b")
        p = "h" if dtype == "f16" else "b"
        names = {
            f"x{p}": (n, H), f"w1{p}": (E, I, H), f"w2{p}": (E, H, I),
            f"w3{p}": (E, I, H), f"b1{p}": (E, I), f"b2{p}": (E, H),
            f"b3{p}": (E, I)}
        for name, shape in names.items():
            scale = 1.0 if name.startswith("x") else 1.0 / np.sqrt(shape[-1])
            if name.startswith("b"):
                scale = 0.5
            tensors[name] = rng.uniform(-1, 1, shape) * scale
            out.append(constant(name, tensors[name], dtype))
        out.append(f"  %x{p}d = tensor.cast %x{p} : tensor<{n}x{H}x{dtype}> to tensor<?x{H}x{dtype}>")
    out.append(f"""  %yh = moe.experts %xhd, %offsets fc1 %w1h bias %b1h, fc2 %w2h bias %b2h, fc3 %w3h bias %b3h
      activation swiglu(separate) placements [gpu, gpu, gpu]
      : (tensor<?x{H}xf16>, tensor<4xi64>, tensor<{E}x{I}x{H}xf16>, tensor<{E}x{I}xf16>, tensor<{E}x{H}x{I}xf16>,
         tensor<{E}x{H}xf16>, tensor<{E}x{I}x{H}xf16>, tensor<{E}x{I}xf16>) -> tensor<?x{H}xf16>""")
    out.append(print_call("yh", n, "f16"))
    out.append("  // f16 rounds the intermediate and the output (u = 2^-11); the")
    out.append("  // sums of 40 and 24 products add a little: allow 8u.")
    out.append("  // REF-TOLERANCE: rtol=4e-3 atol=4e-3")
    out.append('  // REF: ref.experts(xh, offsets, w1h, w2h, fc3=w3h, b1=b1h, b2=b2h, b3=b3h, activation="swiglu", gate_layout="separate")')
    out.append(f"""  %yb = moe.experts %xbd, %offsets fc1 %w1b bias %b1b, fc2 %w2b bias %b2b
      activation gelu placements [gpu, gpu, gpu]
      : (tensor<?x{H}xbf16>, tensor<4xi64>, tensor<{E}x{I}x{H}xbf16>, tensor<{E}x{I}xbf16>,
         tensor<{E}x{H}x{I}xbf16>, tensor<{E}x{H}xbf16>) -> tensor<?x{H}xbf16>""")
    out.append(print_call("yb", n, "bf16"))
    out.append("  // bf16: u = 2^-8, allow 4u.")
    out.append("  // REF-TOLERANCE: rtol=1.6e-2 atol=1.6e-2")
    out.append('  // REF: ref.experts(xb, offsets, w1b, w2b, b1=b1b, b2=b2b, activation="gelu")')
    out.append("  return")
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
