#!/usr/bin/python3
"""Wraps an imported ONNX model in a runnable MLIR module.

    run_harness.py [--entry NAME] IMPORTED.mlir MODEL_DIR > RUN.mlir

IMPORTED.mlir is `moe-translate --import-onnx MODEL_DIR/model.onnx` (any
MLIR text holding the entry function, default `@main_graph`, whose arguments
are the graph inputs in graph order as ranked tensors).  MODEL_DIR holds one
NAME.npy per graph input (config.json lists their names and order; without
it the entry's arguments are taken to be `input` and `router_probs`).

Writes to stdout the imported module plus
  func.func @main()  the inputs as `arith.constant dense<...>` tensors
                     (`tensor.cast` to the argument type where that has
                     dynamic dimensions), a call of the entry function, and
                     one printMemref call per result, in order;
and the printMemref declarations it needs.  Run the result with e.g.
  moe-opt RUN.mlir --moe-host-pipeline |
    mlir-runner -e main -entry-point-result=void -shared-libs=...
and check it with compare.py MODEL_DIR.

Inputs may be f32, f64, i64, i32 or i1 (numpy bool) tensors.  Results may
be f32, f64, i32 or i64 tensors, printed as they are, or i1/i8 (widened to
i64) and f16/bf16 (widened to f32) tensors.  Exits 1 with a message when
the entry function is missing or its signature does not fit the inputs.
"""

import argparse
import json
import os
import re
import sys

import numpy as np


class HarnessError(Exception):
    pass


# ---------------------------------------------------------------------------
# Just enough of an MLIR reader for a function signature
# ---------------------------------------------------------------------------

OPEN = {"(": ")", "<": ">", "[": "]", "{": "}"}
CLOSE = {v: k for k, v in OPEN.items()}


def skip_string(text, i):
    """Index just past the string literal starting at text[i] == '"'."""
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        i += 1
    raise HarnessError("unterminated string literal")


def skip_comment(text, i):
    """Index of the end of the `//` comment at text[i] (its newline)."""
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def match_close(text, i):
    """Index of the bracket closing the one at text[i] (nesting (<[{)."""
    stack = [text[i]]
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == '"':
            j = skip_string(text, j)
            continue
        if text.startswith("//", j):
            j = skip_comment(text, j)
            continue
        if c == "-" and text.startswith("->", j):
            j += 2  # the arrow of a function type is no closing '>'
            continue
        if c in OPEN:
            stack.append(c)
        elif c in CLOSE:
            if stack[-1] != CLOSE[c]:
                # A stray '>' in an expression (e.g. `x > y` in an affine
                # condition) would land here; only signatures are read.
                raise HarnessError("unbalanced %r at offset %d" % (c, j))
            stack.pop()
            if not stack:
                return j
        j += 1
    raise HarnessError("unbalanced %r at offset %d" % (text[i], i))


def split_top(text, sep=","):
    """text split at the `sep` characters outside brackets and strings."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i = skip_string(text, i)
            continue
        if c == "-" and text.startswith("->", i):
            i += 2
            continue
        if c in OPEN:
            depth += 1
        elif c in CLOSE:
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def strip_attr_dict(s):
    """A type with a trailing `{attr dict}` (argument attributes) removed."""
    s = s.strip()
    if "{" in s:
        depth = 0
        for i, c in enumerate(s):
            if c in "<([":
                depth += 1
            elif c in ">)]":
                depth -= 1
            elif c == "{" and depth == 0:
                return s[:i].strip()
    return s


def read_type(text, i):
    """(type, end) for the type starting at text[i] (skipping spaces)."""
    while text[i].isspace():
        i += 1
    m = re.compile(r"[!A-Za-z_][\w.$]*").match(text, i)
    if not m:
        raise HarnessError("expected a type at %r" % text[i:i + 40])
    j = m.end()
    if j < len(text) and text[j] == "<":
        j = match_close(text, j) + 1
    return text[i:j], j


TENSOR_RE = re.compile(r"tensor<((?:(?:\?|\d+)x)*)(\w+)\s*(?:,.*)?>$", re.S)


def parse_tensor(ty, what):
    """(dims, element type) of a ranked tensor type; dims hold None for ?."""
    m = TENSOR_RE.match(ty.strip())
    if not m:
        raise HarnessError("%s has type %s, not a ranked tensor" % (what, ty))
    dims = [None if d == "?" else int(d) for d in m.group(1).split("x") if d]
    return dims, m.group(2)


class Signature:
    def __init__(self, name, arg_types, result_types):
        self.name = name
        self.arg_types = arg_types
        self.result_types = result_types


def find_function(text, name):
    """Signature of `func.func @name` in the MLIR text."""
    pat = re.compile(r"func\.func\s+(?:(?:public|private|nested)\s+)?@"
                     + re.escape(name) + r"\s*\(")
    m = pat.search(text)
    if not m:
        names = re.findall(r"func\.func\s+(?:(?:public|private|nested)\s+)?"
                           r"@([\w$.]+)", text)
        raise HarnessError(
            "no function @%s in the imported module (it has: %s)"
            % (name, ", ".join("@" + n for n in names) or "no functions"))
    lp = m.end() - 1
    rp = match_close(text, lp)
    args = []
    for part in split_top(text[lp + 1:rp]):
        if ":" not in part:
            raise HarnessError("cannot read argument %r of @%s" % (part, name))
        args.append(strip_attr_dict(part.split(":", 1)[1]))
    i = rp + 1
    while i < len(text) and text[i].isspace():
        i += 1
    results = []
    if text.startswith("->", i):
        i += 2
        while text[i].isspace():
            i += 1
        if text[i] == "(":
            close = match_close(text, i)
            results = [strip_attr_dict(p)
                       for p in split_top(text[i + 1:close])]
        else:
            ty, _ = read_type(text, i)
            results = [ty]
    return Signature(name, args, results)


# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------


def f32_literal(v):
    """Shortest text that parses back to the same f32 (hex for non-finite)."""
    if not np.isfinite(v):
        return "0x%08X" % int(np.float32(v).view(np.uint32))
    # MLIR float literals need a decimal point: "1.0e+00", not "1e+00".
    return np.format_float_scientific(np.float32(v), unique=True, trim="0")


def scalar_literal(v):
    """One element of a float32, float64, integer or bool array."""
    if isinstance(v, (np.bool_, bool)):
        return "true" if v else "false"
    if isinstance(v, np.integer):
        return str(int(v))
    if isinstance(v, np.float64):
        if not np.isfinite(v):
            return "0x%016X" % int(np.float64(v).view(np.uint64))
        return np.format_float_scientific(v, unique=True, trim="0")
    return f32_literal(v)


def dense_literal(a):
    """The dense<...> payload of an array, nested like its shape."""
    if a.ndim == 0:
        return scalar_literal(a[()])
    if a.size == 0:
        return "[]" if a.ndim == 1 else "[" + ", ".join(
            dense_literal(s) for s in a) + "]"
    if a.ndim == 1:
        return "[" + ", ".join(scalar_literal(v) for v in a) + "]"
    return "[" + ", ".join(dense_literal(s) for s in a) + "]"


def tensor_type(dims, elem):
    return "tensor<" + "".join(
        ("?" if d is None else str(d)) + "x" for d in dims) + elem + ">"


def memref_type(dims, elem):
    return tensor_type(dims, elem).replace("tensor<", "memref<", 1)


PRINTERS = {"f32": "printMemrefF32", "f64": "printMemrefF64",
            "i32": "printMemrefI32", "i64": "printMemrefI64"}
# Results printed after widening: element type -> (cast op, printed type).
WIDENED = {"i1": ("arith.extui", "i64"), "i8": ("arith.extsi", "i64"),
           "f16": ("arith.extf", "f32"), "bf16": ("arith.extf", "f32")}
# Input element types and the numpy dtype their .npy file must hold.
INPUT_DTYPES = {"f32": np.float32, "f64": np.float64, "i64": np.int64,
                "i32": np.int32, "i1": np.bool_}


# ---------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------


def graph_inputs(model_dir):
    """[(name, file)] of the graph inputs in graph order."""
    path = os.path.join(model_dir, "config.json")
    if os.path.exists(path):
        with open(path) as f:
            cfg = json.load(f)
        return [(g["name"], os.path.join(model_dir, g.get("file",
                                                          g["name"] + ".npy")))
                for g in cfg["graph_inputs"]]
    return [(n, os.path.join(model_dir, n + ".npy"))
            for n in ("input", "router_probs")]


def ssa_name(name, used):
    base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "v"
    s, n = base, 1
    while s in used:
        s, n = "%s_%d" % (base, n), n + 1
    used.add(s)
    return s


def build(text, model_dir, entry):
    sig = find_function(text, entry)
    if re.search(r"func\.func\s+(?:(?:public|private|nested)\s+)?@main\s*\(",
                 text):
        raise HarnessError("the imported module already has a @main; import "
                           "it under another entry name")
    inputs = graph_inputs(model_dir)
    if len(inputs) != len(sig.arg_types):
        raise HarnessError(
            "@%s takes %d arguments but the model has %d graph inputs (%s)"
            % (entry, len(sig.arg_types), len(inputs),
               ", ".join(n for n, _ in inputs)))

    used = set()
    body = []
    call_args = []
    for (name, path), ty in zip(inputs, sig.arg_types):
        what = "argument %d (%s) of @%s" % (len(call_args), name, entry)
        dims, elem = parse_tensor(ty, what)
        if elem not in INPUT_DTYPES:
            raise HarnessError("%s has element type %s; supported inputs: %s"
                               % (what, elem, ", ".join(INPUT_DTYPES)))
        try:
            a = np.load(path)
        except OSError as e:
            raise HarnessError("cannot read input %r: %s" % (name, e))
        if a.dtype != INPUT_DTYPES[elem]:
            raise HarnessError("%s holds %s, not %s" % (
                path, a.dtype, np.dtype(INPUT_DTYPES[elem]).name))
        if len(dims) != a.ndim or any(d is not None and d != s
                                      for d, s in zip(dims, a.shape)):
            raise HarnessError("%s has type %s, but %s has shape %s"
                               % (what, ty, os.path.basename(path),
                                  list(a.shape)))
        static = tensor_type(list(a.shape), elem)
        v = ssa_name(name, used)
        body.append("  %%%s = arith.constant dense<%s> : %s"
                    % (v, dense_literal(a), static))
        if static != ty:
            c = ssa_name(name + "_cast", used)
            body.append("  %%%s = tensor.cast %%%s : %s to %s"
                        % (c, v, static, ty))
            v = c
        call_args.append(v)

    results = []
    printers = set()
    for i, ty in enumerate(sig.result_types):
        dims, elem = parse_tensor(ty, "result %d of @%s" % (i, entry))
        if elem not in PRINTERS and elem not in WIDENED:
            raise HarnessError("result %d of @%s has element type %s; "
                               "printable: %s" % (i, entry, elem, ", ".join(
                                   list(PRINTERS) + list(WIDENED))))
        results.append((ssa_name("r%d" % i, used), ty, dims, elem))
        printers.add(WIDENED[elem][1] if elem in WIDENED else elem)

    arg_types = ", ".join(sig.arg_types)
    res_types = ", ".join(ty for _, ty, _, _ in results)
    res_list = ", ".join("%" + r for r, _, _, _ in results)
    call = "call @%s(%s) : (%s) -> (%s)" % (
        entry, ", ".join("%" + a for a in call_args), arg_types, res_types)
    body.append("  " + (res_list + " = " if results else "") + call)
    for r, ty, dims, elem in results:
        if elem in WIDENED:
            op, wide = WIDENED[elem]
            wide_ty = tensor_type(dims, wide)
            body.append("  %%%s_w = %s %%%s : %s to %s"
                        % (r, op, r, ty, wide_ty))
            r, ty, elem = r + "_w", wide_ty, wide
        mt = memref_type(dims, elem)
        body.append("  %%%s_m = bufferization.to_buffer %%%s : %s to %s"
                    % (r, r, ty, mt))
        body.append("  %%%s_u = memref.cast %%%s_m : %s to memref<*x%s>"
                    % (r, r, mt, elem))
        body.append("  call @%s(%%%s_u) : (memref<*x%s>) -> ()"
                    % (PRINTERS[elem], r, elem))
    body.append("  return")

    extra = []
    for elem in sorted(printers):
        fn = PRINTERS[elem]
        if not re.search(r"func\.func\s+(?:private\s+)?@%s\b" % fn, text):
            extra.append("func.func private @%s(memref<*x%s>)" % (fn, elem))
    extra.append("")
    extra.append("// Generated by run_harness.py from %s."
                 % os.path.normpath(model_dir))
    extra.append("func.func @main() {")
    extra.extend(body)
    extra.append("}")
    addition = "\n".join(extra) + "\n"

    return splice(text, addition)


def splice(text, addition):
    """The module text with `addition` placed inside its top-level module."""
    # A printed module starts at column 0 (after any attribute or type
    # aliases and comments); without one, the top-level ops form an
    # implicit module and the addition just follows them.
    # A trailing resource section ({-# dialect_resources: ... #-}, where the
    # importer keeps large weights) follows the module; keep it after it.
    resources = ""
    start = text.find("\n{-#")
    if start >= 0:
        text, resources = text[:start], text[start:]
    if not re.search(r"^module\b", text, re.M):
        return text.rstrip() + "\n\n" + addition + resources
    body_end = text.rstrip()
    # Trailing comments after the module's closing brace.
    while True:
        last = body_end.rfind("\n")
        line = body_end[last + 1:].strip()
        if line.startswith("//"):
            body_end = body_end[:last].rstrip()
            continue
        break
    if not body_end.endswith("}"):
        raise HarnessError("cannot find the closing brace of the module")
    close = len(body_end) - 1
    return (text[:close].rstrip() + "\n\n"
            + "\n".join("  " + l if l else l
                        for l in addition.rstrip("\n").split("\n"))
            + "\n}\n" + resources)


def main(argv):
    p = argparse.ArgumentParser(
        description="Wrap an imported ONNX model in a runnable MLIR module "
                    "with its inputs as constants.")
    p.add_argument("imported", help="the imported module (.mlir)")
    p.add_argument("model_dir", help="the directory with the input .npy files")
    p.add_argument("--entry", default="main_graph",
                   help="the imported entry function (default main_graph)")
    args = p.parse_args(argv)
    try:
        with open(args.imported) as f:
            text = f.read()
        sys.stdout.write(build(text, args.model_dir, args.entry))
    except (HarnessError, OSError) as e:
        print("run_harness.py: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    sys.exit(main(sys.argv[1:]))
