#!/usr/bin/python3
"""Compare the memrefs a test program prints with a numpy reference.

Usage (in a lit RUN line):
  moe-opt %s <lowering> | mlir-runner -e main ... | check_numerics.py %s

argv[1] is the test's .mlir source, stdin is the program's stdout.

Inputs.  Every `%name = arith.constant dense<LITERAL> : tensor<SHAPExTYPE>` in
the source binds a read-only numpy array `name` (a name that is not a Python
identifier, e.g. %0 or %a.b, is bound as _0 / a_b).  The literal may be a
nested list, a splat, true/false, or per-element hex (for a float type: the
bit pattern, e.g. 0x7FC00000 is a NaN in f32).  f32 inputs are float32
arrays, so the reference sees exactly the values the program sees; bf16 is
held as float32 rounded to bf16.  Hex-encoded literals (dense<"0x...">) are
not supported.

Directives, in comment lines of the source, in file order:
  // REF: <expr>             one expected output: the k-th REF is compared
                             with the k-th memref the program prints
  // REF-LET: <a, b> = <expr>  binds names for later REF/REF-LET lines
  // REF-TOLERANCE: rtol=<x> atol=<y>
                             tolerance for the following REFs; a value left
                             out goes back to its default (rtol=1e-5,
                             atol=1e-6); `// REF-TOLERANCE: default` resets
Expressions see the inputs, earlier REF-LET names, `np` (numpy), `ref` (the
moe_ref module) and `math`.  A REF must give one array (or scalar): a tuple
such as ref.route(...) has to be unpacked with REF-LET.  Any other
`// REF-<word>` directive is an error, to catch typos.  A constant name
defined twice with different values (e.g. in two functions) is an error only
if a REF uses it.

Comparison.  Shapes must match exactly.  If both sides are integers they must
be equal; otherwise |actual - expected| <= atol + rtol * |expected| element
by element, NaN matching only NaN and inf only the same inf.  Note that
printMemref prints floats with 6 significant digits, so a relative error of
up to 5e-6 comes from printing alone.

Output.  On success prints `check_numerics: N outputs match` and exits 0.
A mismatch (values, shapes, number of outputs) is reported on stderr and
exits 1.  A malformed test or unparsable program output exits 2.
"""

import ast
import math
import os
import re
import struct
import sys

import numpy as np

# Import the reference from beside this file, and leave no __pycache__ in
# the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moe_ref  # noqa: E402

DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-6
RESERVED = ("np", "ref", "math")


class TestError(Exception):
    """The test itself (or the program output) is malformed: exit 2."""


# ---------------------------------------------------------------------------
# Inputs: arith.constant dense<...> : tensor<...>
# ---------------------------------------------------------------------------

FLOAT_TYPES = ("f16", "bf16", "f32", "f64")
INT_WIDTHS = {"i1": 1, "i8": 8, "i16": 16, "i32": 32, "i64": 64, "index": 64}
NUMPY_TYPE = {"f16": np.float16, "bf16": np.float32, "f32": np.float32,
              "f64": np.float64, "i1": np.bool_, "i8": np.int8,
              "i16": np.int16, "i32": np.int32, "i64": np.int64,
              "index": np.int64}

CONST_RE = re.compile(r"%([A-Za-z0-9_$.\-]+)\s*=\s*arith\.constant\s+dense<")
LITERAL_TOKEN_RE = re.compile(r"\[|\]|,|\(|\)|[^\s\[\],()]+")


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def strip_comments(text):
    # Blank out `//` comments but keep the length, so positions still map to
    # line numbers (the directives live in comments and must not be parsed as
    # inputs).
    return re.sub(r"//[^\n]*", lambda m: " " * len(m.group(0)), text)


def round_to_bf16(a):
    """float32 array -> float32 array holding the nearest bf16 values."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(
        np.uint64)
    # Round to nearest even on the upper 16 bits; NaN stays NaN.
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    out = rounded.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(a), np.float32(np.nan), out)


def parse_scalar(tok, elem, where):
    """One element of a dense literal, as a Python float/int/bool."""
    if elem in FLOAT_TYPES:
        if tok.lower().startswith(("0x", "-0x")):
            # Per-element hex of a float type is its bit pattern.
            bits = int(tok, 16)
            if elem == "f64":
                return struct.unpack("<d", struct.pack("<Q", bits))[0]
            if elem == "f32":
                return struct.unpack("<f", struct.pack("<I", bits))[0]
            if elem == "bf16":
                return struct.unpack("<f", struct.pack("<I", bits << 16))[0]
            return float(np.array(bits, dtype=np.uint16).view(np.float16))
        try:
            return float(tok)
        except ValueError:
            raise TestError("%s: bad %s element %r" % (where, elem, tok))
    if tok in ("true", "false"):
        if elem != "i1":
            raise TestError("%s: %r is only valid for i1" % (where, tok))
        return tok == "true"
    try:
        v = int(tok, 0)
    except ValueError:
        raise TestError("%s: bad %s element %r" % (where, elem, tok))
    bits = INT_WIDTHS[elem]
    if elem == "i1":
        if v not in (0, 1):
            raise TestError("%s: bad i1 element %r" % (where, tok))
        return bool(v)
    if not -(1 << (bits - 1)) <= v < (1 << bits):
        raise TestError("%s: %s does not fit in %s" % (where, tok, elem))
    # Signless integers: values above the signed range wrap, as in MLIR.
    return v - (1 << bits) if v >= (1 << (bits - 1)) else v


def parse_literal(body, shape, elem, where):
    """The text between dense< and > -> numpy array of `shape`."""
    if body.strip().startswith('"'):
        raise TestError("%s: hex-encoded dense literals (dense<\"0x...\">) "
                        "are not supported; write the values out" % where)
    toks = LITERAL_TOKEN_RE.findall(body)
    if any(t in ("(", ")") for t in toks):
        raise TestError("%s: complex literals are not supported" % where)
    size = int(np.prod(shape, dtype=np.int64))
    if not toks:  # dense<> : an empty tensor
        if size != 0:
            raise TestError("%s: empty literal for shape %s" % (where, shape))
        return np.zeros(shape, dtype=NUMPY_TYPE[elem])

    pos = [0]

    def value():
        if pos[0] >= len(toks):
            raise TestError("%s: literal ends early" % where)
        t = toks[pos[0]]
        pos[0] += 1
        if t == "[":
            items = []
            if pos[0] < len(toks) and toks[pos[0]] == "]":
                pos[0] += 1
                return items
            while True:
                items.append(value())
                if pos[0] >= len(toks):
                    raise TestError("%s: unbalanced [ in literal" % where)
                t = toks[pos[0]]
                pos[0] += 1
                if t == "]":
                    return items
                if t != ",":
                    raise TestError("%s: expected , or ] in literal, got %r"
                                    % (where, t))
        if t in ("]", ","):
            raise TestError("%s: unexpected %r in literal" % (where, t))
        return parse_scalar(t, elem, where)

    tree = value()
    if pos[0] != len(toks):
        raise TestError("%s: junk after literal: %r" % (where, toks[pos[0]]))

    if not isinstance(tree, list):  # splat
        arr = np.full(shape, tree, dtype=np.float64 if elem in FLOAT_TYPES
                      else object)
    else:
        # Check the nesting is rectangular and matches the tensor shape.
        def nested_shape(node, depth):
            if not isinstance(node, list):
                return ()
            subs = [nested_shape(c, depth + 1) for c in node]
            if any(s != subs[0] for s in subs):
                raise TestError("%s: ragged literal" % where)
            return (len(node),) + (subs[0] if subs else
                                   tuple(shape[depth + 1:]))
        got = nested_shape(tree, 0)
        if got != tuple(shape):
            raise TestError("%s: literal has shape %s but the type says %s"
                            % (where, got, tuple(shape)))
        arr = np.array(tree, dtype=np.float64 if elem in FLOAT_TYPES
                       else object).reshape(shape)

    if elem == "bf16":
        return round_to_bf16(arr.astype(np.float32))
    # float64 -> float32 rounds once more than MLIR's direct decimal parse;
    # the two can differ only for decimals within 1e-16 of an f32 midpoint.
    return arr.astype(NUMPY_TYPE[elem])


def parse_tensor_type(text, where):
    """'4x8xf32' -> ((4, 8), 'f32')."""
    text = text.split(",")[0].strip()  # drop an encoding, if any
    m = re.fullmatch(r"((?:\d+x)*)([a-z][a-z0-9]*)", text)
    if not m:
        raise TestError("%s: cannot read tensor type tensor<%s>" % (where, text))
    dims = tuple(int(d) for d in m.group(1).split("x") if d)
    elem = m.group(2)
    if elem not in NUMPY_TYPE:
        raise TestError("%s: unsupported element type %s" % (where, elem))
    return dims, elem


def python_name(name):
    # %0 -> _0, %a.b -> a_b: SSA names may use characters Python does not.
    py = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not py or py[0].isdigit():
        py = "_" + py
    return py


def parse_inputs(path, text):
    """{python name: (array, line)} for every dense tensor constant.

    A name defined twice with different values (e.g. in two functions) is
    left out and reported if a REF uses it.
    """
    code = strip_comments(text)
    inputs = {}
    ambiguous = {}
    for m in CONST_RE.finditer(code):
        where = "%s:%d" % (path, line_of(code, m.start()))
        end = code.find(">", m.end())
        if end < 0:
            raise TestError("%s: unterminated dense<" % where)
        body = code[m.end():end]
        tm = re.compile(r"\s*:\s*tensor<([^>]*)>").match(code, end + 1)
        if not tm:
            continue  # a vector or other non-tensor constant: not an input
        shape, elem = parse_tensor_type(tm.group(1), where)
        arr = parse_literal(body, shape, elem, where)
        arr.setflags(write=False)  # a REF must not change an input in place
        name = python_name(m.group(1))
        if name in RESERVED:
            raise TestError("%s: input %%%s would hide `%s` in REF expressions;"
                            " rename it" % (where, m.group(1), name))
        line = line_of(code, m.start())
        if name in ambiguous:
            ambiguous[name].append(line)
        elif name in inputs:
            old, old_line = inputs[name]
            if old.shape != arr.shape or not np.array_equal(old, arr,
                                                            equal_nan=True):
                ambiguous[name] = [old_line, line]
                del inputs[name]
        else:
            inputs[name] = (arr, line)
    return inputs, ambiguous


# ---------------------------------------------------------------------------
# Directives: REF, REF-LET, REF-TOLERANCE
# ---------------------------------------------------------------------------

# `REF:` or `REF-anything` opening a comment is a directive (so a misspelt
# `REF-TOLERENCE:` is reported, not silently ignored); `REFERENCE` and a
# sentence starting with the word `REF` are not.
DIRECTIVE_RE = re.compile(
    r"^\s*//\s*(REF(?:-[A-Za-z0-9_-]*)?)(?![A-Za-z0-9_])\s*(:?)(.*)$")


def parse_tolerance(arg, where):
    rtol, atol = DEFAULT_RTOL, DEFAULT_ATOL
    arg = arg.strip()
    if arg == "default":
        return rtol, atol
    if not arg:
        raise TestError("%s: REF-TOLERANCE needs rtol=... and/or atol=..."
                        % where)
    for item in arg.split():
        key, eq, val = item.partition("=")
        try:
            num = float(val)
        except ValueError:
            num = None
        if not eq or key not in ("rtol", "atol") or num is None or num < 0:
            raise TestError("%s: bad REF-TOLERANCE item %r (want rtol=<x> "
                            "atol=<y>)" % (where, item))
        if key == "rtol":
            rtol = num
        else:
            atol = num
    return rtol, atol


def parse_directives(path, text):
    """[(kind, line, text, rtol, atol)] with kind 'REF' or 'REF-LET'."""
    out = []
    rtol, atol = DEFAULT_RTOL, DEFAULT_ATOL
    for lineno, line in enumerate(text.splitlines(), 1):
        m = DIRECTIVE_RE.match(line)
        if not m:
            continue
        kind, colon, arg = m.group(1), m.group(2), m.group(3).strip()
        where = "%s:%d" % (path, lineno)
        if kind == "REF" and not colon:
            continue  # prose that happens to start with the word REF
        if kind not in ("REF", "REF-LET", "REF-TOLERANCE"):
            raise TestError("%s: unknown directive %s (want REF, REF-LET or "
                            "REF-TOLERANCE)" % (where, kind))
        if not colon:
            raise TestError("%s: missing ':' after %s" % (where, kind))
        if kind == "REF-TOLERANCE":
            rtol, atol = parse_tolerance(arg, where)
            continue
        if not arg:
            raise TestError("%s: empty %s" % (where, kind))
        out.append((kind, lineno, arg, rtol, atol))
    return out


def evaluate_refs(path, directives, inputs, ambiguous):
    """Runs REF-LET/REF lines in order; returns [(line, expr, array, rtol,
    atol)] for the REF lines."""
    env = {name: arr for name, (arr, _) in inputs.items()}
    env.update(np=np, ref=moe_ref, math=math)
    refs = []
    for kind, lineno, src, rtol, atol in directives:
        where = "%s:%d" % (path, lineno)
        try:
            if kind == "REF-LET":
                tree = ast.parse(src, mode="exec")
                if len(tree.body) != 1 or not isinstance(tree.body[0],
                                                         ast.Assign):
                    raise TestError("%s: REF-LET must be one assignment "
                                    "`name = expr` or `a, b = expr`: %s"
                                    % (where, src))
                exec(compile(tree, where, "exec"), env)
                continue
            value = eval(compile(src, where, "eval"), env)
        except TestError:
            raise
        except NameError as e:
            hint = ""
            missing = getattr(e, "name", None)
            if missing in ambiguous:
                hint = (" (%%%s is defined by several constants with "
                        "different values, lines %s)"
                        % (missing, ", ".join(map(str, ambiguous[missing]))))
            raise TestError("%s: %s `%s` failed: %s%s"
                            % (where, kind, src, e, hint))
        except Exception as e:
            raise TestError("%s: %s `%s` failed: %s: %s"
                            % (where, kind, src, type(e).__name__, e))
        if isinstance(value, tuple):
            raise TestError("%s: REF `%s` gave a tuple of %d values; a REF "
                            "must give one array (unpack with REF-LET)"
                            % (where, src, len(value)))
        arr = np.asarray(value)
        if arr.dtype == np.bool_:
            arr = arr.astype(np.int64)
        if arr.dtype.kind not in "iuf":
            raise TestError("%s: REF `%s` gave a %s array, not numbers"
                            % (where, src, arr.dtype))
        refs.append((lineno, src, arr, rtol, atol))
    return refs


# ---------------------------------------------------------------------------
# Program output: printMemref* blocks
# ---------------------------------------------------------------------------

# printMemref* writes `[Unranked ]Memref base@ = 0x... rank = R offset = O
# sizes = [...] strides = [...] data = ` and a newline, then the elements as
# nested [..] lists.  printMemrefShape* writes the header without ` data =`
# (and without a newline), so it never matches.
HEADER_RE = re.compile(
    r"(?:Unranked )?Mem[Rr]ef base@ = \S+ rank = (\d+) offset = -?\d+ "
    r"sizes = \[([^\]]*)\] strides = \[[^\]]*\] data = *\n")
INT_TOKEN_RE = re.compile(r"[+-]?\d+")


def parse_element(tok, where):
    if INT_TOKEN_RE.fullmatch(tok):
        return int(tok)
    try:
        # Also takes nan, -nan, inf, -inf and 1e+10, as glibc prints them.
        return float(tok)
    except ValueError:
        raise TestError(
            "%s: cannot read element %r (printMemrefI8 prints raw characters"
            " and complex memrefs are not supported; print i8/i1 data as i32)"
            % (where, tok))


def parse_outputs(stdout):
    """[(shape, array)] for every printMemref block, in order."""
    outs = []
    pos = 0
    while True:
        m = HEADER_RE.search(stdout, pos)
        if not m:
            return outs
        index = len(outs) + 1
        where = "program output #%d" % index
        rank = int(m.group(1))
        shape = tuple(int(s) for s in m.group(2).split(",") if s.strip())
        if len(shape) != rank:
            raise TestError("%s: rank %d but sizes %s" % (where, rank, shape))
        # The body is balanced [...]; scan to its closing bracket.
        i = m.end()
        while i < len(stdout) and stdout[i] in " \t":
            i += 1
        if i >= len(stdout) or stdout[i] != "[":
            raise TestError("%s: no '[' after the memref header" % where)
        depth = 0
        start = i
        while i < len(stdout):
            c = stdout[i]
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if depth != 0:
            raise TestError("%s: output ends inside the memref data (did the "
                            "program crash?)" % where)
        body = stdout[start:i + 1]
        pos = i + 1

        size = int(np.prod(shape, dtype=np.int64))
        if size == 0:
            # The runtime still prints an element or two for an empty memref
            # (read past the end): ignore them, the header is authoritative.
            outs.append((shape, np.zeros(shape)))
            continue
        toks = re.findall(r"[^\s\[\],]+", body)
        if len(toks) != size:
            raise TestError("%s: %d elements printed for sizes %s"
                            % (where, len(toks), list(shape)))
        vals = [parse_element(t, where) for t in toks]
        if all(isinstance(v, int) for v in vals) and all(
                -(1 << 63) <= v < (1 << 63) for v in vals):
            arr = np.array(vals, dtype=np.int64)
        else:
            arr = np.array(vals, dtype=np.float64)
        outs.append((shape, arr.reshape(shape)))


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------


def fmt_index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def fmt_num(v):
    return repr(int(v)) if isinstance(v, (int, np.integer)) else "%.9g" % v


def compare(path, k, ref, out):
    """None if output k matches its REF, else an error message."""
    lineno, src, expected, rtol, atol = ref
    shape, actual = out
    head = ("output #%d does not match REF at %s:%d: %s"
            % (k, path, lineno, src))
    if tuple(expected.shape) != tuple(shape):
        return ("%s\n  shape: expected %s, actual %s"
                % (head, list(expected.shape), list(shape)))
    if expected.size == 0:
        return None
    if expected.dtype.kind in "iu" and actual.dtype.kind in "iu":
        # Integers (ids, offsets, perm) must be exact.
        bad = expected.astype(np.int64) != actual
        excess = np.abs(expected.astype(np.float64) - actual) * bad
        tol = "exact (integers)"
    else:
        e = expected.astype(np.float64)
        a = actual.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            bad = ~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
            excess = np.abs(a - e) - (atol + rtol * np.abs(e))
        # NaN vs number or inf vs anything else: infinitely wrong.
        excess = np.where(bad & ~np.isfinite(excess), np.inf, excess)
        tol = "rtol=%g atol=%g" % (rtol, atol)
    nbad = int(np.count_nonzero(bad))
    if nbad == 0:
        return None
    # Worst element: largest excess over the tolerance among the bad ones.
    worst = np.unravel_index(int(np.argmax(np.where(bad, excess, -np.inf))),
                             expected.shape)
    ev = expected[worst].item()
    av = actual[worst].item()
    diff = abs(float(av) - float(ev))
    detail = ""
    if math.isfinite(diff) and diff > 0:
        detail = " (difference %s" % fmt_num(diff)
        if "rtol" in tol:
            detail += ", allowed %s" % fmt_num(atol + rtol * abs(float(ev)))
        detail += ")"
    return ("%s\n  shape %s, %s: %d of %d elements differ\n"
            "  worst at index %s: expected %s, actual %s%s"
            % (head, list(shape), tol, nbad, expected.size, fmt_index(worst),
               fmt_num(ev), fmt_num(av), detail))


def main(argv):
    if len(argv) != 2:
        print("usage: program | check_numerics.py TEST.mlir", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        with open(path) as f:
            text = f.read()
        inputs, ambiguous = parse_inputs(path, text)
        directives = parse_directives(path, text)
        if not any(kind == "REF" for kind, *_ in directives):
            raise TestError("%s: no `// REF:` lines" % path)
        refs = evaluate_refs(path, directives, inputs, ambiguous)
        outs = parse_outputs(sys.stdin.read())
    except (TestError, OSError) as e:
        print("check_numerics: error: %s" % e, file=sys.stderr)
        return 2

    errors = []
    for k, (r, o) in enumerate(zip(refs, outs), 1):
        msg = compare(path, k, r, o)
        if msg:
            errors.append(msg)
    if len(outs) < len(refs):
        missing = "".join("\n  REF at %s:%d: %s" % (path, r[0], r[1])
                          for r in refs[len(outs):])
        hint = (" (no memref was printed at all: did the program fail?)"
                if not outs else "")
        errors.append("the program printed %d memrefs but the test has %d "
                      "REF lines%s; no output for:%s"
                      % (len(outs), len(refs), hint, missing))
    elif len(outs) > len(refs):
        extra = ", ".join("#%d sizes %s" % (i, list(o[0])) for i, o in
                          enumerate(outs[len(refs):], len(refs) + 1))
        errors.append("the program printed %d memrefs but the test has only "
                      "%d REF lines; outputs without a REF: %s"
                      % (len(outs), len(refs), extra))
    if errors:
        for msg in errors:
            print("check_numerics: FAIL: %s" % msg, file=sys.stderr)
        return 1
    print("check_numerics: %d outputs match" % len(refs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
