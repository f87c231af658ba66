"""Plain numpy reference for the semantics of the `moe` dialect.

This is the independent oracle that the lit tests compare the compiled
programs against (through check_numerics.py).  It is written for clarity,
not speed: explicit loops are used wherever they make the semantics obvious.

Conventions
  T tokens, H hidden size, E experts, k experts per token, I expert
  intermediate size, N = T*k sorted rows.

  All arithmetic is done in float64.  Public functions return float32 for
  float results, int32 for expert ids and int64 for offsets/perm, i.e. the
  values are rounded to the program's storage types at op boundaries, like
  the compiled code does.

  Invalid arguments (bad shapes, out-of-range ids, unknown attribute values)
  raise ValueError, so a malformed test fails loudly instead of comparing
  against garbage.

Note on routing: the program computes scores in float32 and this reference
in float64.  Exact ties (equal logits) resolve identically (lower index
wins), but near-ties may resolve differently; tests should keep the k-th and
(k+1)-th choices of every token clearly apart.
"""

import math

import numpy as np

__all__ = [
    "route",
    "dispatch",
    "experts",
    "ffn",
    "combine",
    "moe_layer",
    "activation_fn",
    "ACTIVATIONS",
    "GATE_LAYOUTS",
]

ACTIVATIONS = ("identity", "relu", "gelu", "gelu_tanh", "silu", "swiglu")
GATE_LAYOUTS = ("separate", "interleaved", "concatenated")
SCORINGS = ("softmax", "sigmoid")


# ---------------------------------------------------------------------------
# Scalar helpers
# ---------------------------------------------------------------------------


def _sigmoid(v):
    """Logistic function of one float, without overflow for large |v|."""
    if math.isnan(v):
        return v
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    # exp(v) with v < 0 cannot overflow; exp(-v) could.
    ev = math.exp(v)
    return ev / (1.0 + ev)


def _relu(v):
    # NaN propagates (max(NaN, 0) is NaN here, like arith.maximumf).
    if math.isnan(v):
        return v
    return v if v > 0.0 else 0.0


def _gelu(v):
    # Exact GELU: v * Phi(v) with the Gaussian CDF written through erf.
    return 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))


def _gelu_tanh(v):
    # The tanh approximation of GELU (Hendrycks & Gimpel).
    inner = math.sqrt(2.0 / math.pi) * (v + 0.044715 * v * v * v)
    return 0.5 * v * (1.0 + math.tanh(inner))


def _silu(v):
    return v * _sigmoid(v)


_UNARY = {
    "identity": lambda v: v,
    "relu": _relu,
    "gelu": _gelu,
    "gelu_tanh": _gelu_tanh,
    "silu": _silu,
}


def activation_fn(name):
    """The scalar function of a non-gated activation (for tests)."""
    if name not in _UNARY:
        raise ValueError("no scalar function for activation %r" % (name,))
    return _UNARY[name]


def _min_propagate(a, b):
    # min() that keeps a NaN in `a` (Python's min(nan, 1) would give 1).
    return b if a > b else a


def _max_propagate(a, b):
    return b if a < b else a


# ---------------------------------------------------------------------------
# Argument checking helpers
# ---------------------------------------------------------------------------


def _f64(name, a, ndim):
    """`a` as a float64 array of rank `ndim` (ValueError otherwise)."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != ndim:
        raise ValueError(
            "%s must have rank %d, got shape %s" % (name, ndim, arr.shape))
    return arr


def _ints(name, a, ndim):
    """`a` as an int64 array of rank `ndim`; rejects non-integral values."""
    arr = np.asarray(a)
    if arr.ndim != ndim:
        raise ValueError(
            "%s must have rank %d, got shape %s" % (name, ndim, arr.shape))
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError("%s must hold integers" % name)
    elif arr.dtype.kind not in "iub":
        raise ValueError("%s must hold integers, got dtype %s" % (name, arr.dtype))
    return arr.astype(np.int64)


def _expect_shape(name, arr, shape):
    if arr.shape != tuple(shape):
        raise ValueError("%s must have shape %s, got %s"
                         % (name, tuple(shape), arr.shape))


# ---------------------------------------------------------------------------
# moe.route
# ---------------------------------------------------------------------------


def route(logits, k, scoring="softmax", normalize=False, scale=1.0, bias=None,
          n_group=None, topk_group=None, epsilon=0.0):
    """moe.route: pick k experts per token.

    logits [T,E]; bias [E] or None.  Returns (ids [T,k] int32,
    weights [T,k] float32).
    """
    logits = _f64("logits", logits, 2)
    T, E = logits.shape
    k = int(k)
    if not 1 <= k <= E:
        raise ValueError("k must be in [1, E=%d], got %d" % (E, k))
    if scoring not in SCORINGS:
        raise ValueError("scoring must be one of %s, got %r" % (SCORINGS, scoring))
    # Orderings of NaN are meaningless, so a NaN could not give a defined
    # selection.
    if np.any(np.isnan(logits)):
        raise ValueError("logits contain NaN; routing is undefined")

    # 1. scores, row by row.
    scores = np.zeros((T, E))
    for t in range(T):
        if scoring == "softmax":
            m = max(logits[t])  # subtract the row max: exp never overflows
            ex = [math.exp(logits[t, e] - m) for e in range(E)]
            s = sum(ex)
            for e in range(E):
                scores[t, e] = ex[e] / s
        else:
            for e in range(E):
                scores[t, e] = _sigmoid(logits[t, e])

    # 2. selection values: the bias only steers selection.
    choice = scores.copy()
    if bias is not None:
        bias = _f64("bias", bias, 1)
        _expect_shape("bias", bias, (E,))
        if np.any(np.isnan(bias)):
            raise ValueError("bias contains NaN; routing is undefined")
        for t in range(T):
            for e in range(E):
                choice[t, e] = scores[t, e] + bias[e]

    # 3. group-limited routing (DeepSeek-V3 style).
    if n_group is not None:
        G = int(n_group)
        if G < 1 or E % G != 0:
            raise ValueError("n_group=%d must divide E=%d" % (G, E))
        if topk_group is None:
            raise ValueError("n_group needs topk_group")
        TG = int(topk_group)
        if not 1 <= TG <= G:
            raise ValueError("topk_group must be in [1, n_group=%d], got %d"
                             % (G, TG))
        S = E // G
        if k > TG * S:
            raise ValueError(
                "k=%d exceeds the %d experts of the topk_group=%d selected "
                "groups" % (k, TG * S, TG))
        for t in range(T):
            group_score = []
            for g in range(G):
                members = sorted((choice[t, e] for e in range(g * S, g * S + S)),
                                 reverse=True)
                group_score.append(sum(members[:min(2, S)]))
            # Largest score first; on a tie the lower group index wins.
            order = sorted(range(G), key=lambda g: (-group_score[g], g))
            kept = set(order[:TG])
            for e in range(E):
                if e // S not in kept:
                    choice[t, e] = -math.inf
    elif topk_group is not None:
        raise ValueError("topk_group needs n_group")

    # 4. top-k by choice, descending, lower expert index first on ties.
    ids = np.zeros((T, k), dtype=np.int32)
    weights = np.zeros((T, k))
    for t in range(T):
        order = sorted(range(E), key=lambda e: (-choice[t, e], e))
        for j in range(k):
            ids[t, j] = order[j]
            weights[t, j] = scores[t, order[j]]  # unbiased score

    # 5. optional normalisation (sum plus epsilon), then scaling.
    if epsilon and not normalize:
        raise ValueError("epsilon needs normalize")
    if normalize:
        for t in range(T):
            s = sum(weights[t, j] for j in range(k)) + float(epsilon)
            for j in range(k):
                weights[t, j] = weights[t, j] / s
    weights = weights * float(scale)
    return ids, weights.astype(np.float32)


# ---------------------------------------------------------------------------
# moe.dispatch
# ---------------------------------------------------------------------------


def dispatch(tokens, ids, num_experts):
    """moe.dispatch: group the T*k (token, slot) assignments by expert.

    Returns (sorted [N,H] float32, offsets [E+1] int64, perm [N] int64).
    """
    tokens = _f64("tokens", tokens, 2)
    ids = _ints("ids", ids, 2)
    T, H = tokens.shape
    if ids.shape[0] != T:
        raise ValueError("ids has %d rows but tokens has %d" % (ids.shape[0], T))
    k = ids.shape[1]
    E = int(num_experts)
    if E < 1:
        raise ValueError("num_experts must be >= 1, got %d" % E)
    N = T * k

    # Assignment a = t*k + j goes to expert ids[t, j].
    expert_of = []
    for t in range(T):
        for j in range(k):
            e = int(ids[t, j])
            if not 0 <= e < E:
                raise ValueError("ids[%d, %d] = %d is outside [0, %d)"
                                 % (t, j, e, E))
            expert_of.append(e)

    # Stable sort by expert: the key (expert, a) keeps increasing a.
    perm = sorted(range(N), key=lambda a: (expert_of[a], a))

    sorted_tokens = np.zeros((N, H))
    for r in range(N):
        sorted_tokens[r] = tokens[perm[r] // k]

    offsets = np.zeros(E + 1, dtype=np.int64)
    for e in range(E + 1):
        offsets[e] = sum(1 for a in range(N) if expert_of[a] < e)

    return (sorted_tokens.astype(np.float32), offsets,
            np.array(perm, dtype=np.int64).reshape(N))


# ---------------------------------------------------------------------------
# moe.experts / moe.ffn
# ---------------------------------------------------------------------------


def _check_activation(activation, gate_layout, has_fc3, alpha, beta, limit):
    """Validates the activation attributes; returns f (1 or 2)."""
    if activation not in ACTIVATIONS:
        raise ValueError("activation must be one of %s, got %r"
                         % (ACTIVATIONS, activation))
    if activation != "swiglu":
        if gate_layout is not None:
            raise ValueError("gate_layout is only valid with swiglu")
        if has_fc3:
            raise ValueError("fc3 is only valid with swiglu/separate")
        if limit is not None or alpha != 1.0 or beta != 0.0:
            raise ValueError("alpha/beta/limit are only valid with swiglu")
        return 1
    if gate_layout not in GATE_LAYOUTS:
        raise ValueError("swiglu needs gate_layout in %s, got %r"
                         % (GATE_LAYOUTS, gate_layout))
    if gate_layout == "separate" and not has_fc3:
        raise ValueError("swiglu with gate_layout=separate needs fc3")
    if gate_layout != "separate" and has_fc3:
        raise ValueError("fc3 is only valid with gate_layout=separate")
    if limit is not None and float(limit) < 0:
        raise ValueError("limit must be >= 0, got %r" % (limit,))
    return 1 if gate_layout == "separate" else 2


def _one_expert(xr, w1, w2, w3, c1, c2, c3, activation, gate_layout, alpha,
                beta, limit):
    """One row through one expert: y = fc2 @ act(fc1 @ x + b1) + b2.

    w1 [f*I,H], w2 [H,I], w3 [I,H] or None; c* the matching biases (never
    None here: missing biases are zeros).  Everything float64.
    """
    fI, H = w1.shape
    I = w2.shape[1]

    h = [sum(w1[i, c] * xr[c] for c in range(H)) + c1[i] for i in range(fI)]

    if activation != "swiglu":
        fn = _UNARY[activation]
        a = [fn(v) for v in h]
    else:
        if gate_layout == "separate":
            g = h
            lin = [sum(w3[i, c] * xr[c] for c in range(H)) + c3[i]
                   for i in range(I)]
        elif gate_layout == "interleaved":
            g = h[0::2]
            lin = h[1::2]
        else:  # concatenated
            g = h[:I]
            lin = h[I:]
        a = []
        for i in range(I):
            gi, li = g[i], lin[i]
            if limit is not None:
                gi = _min_propagate(gi, float(limit))
                li = _max_propagate(_min_propagate(li, float(limit)),
                                    -float(limit))
            a.append(gi * _sigmoid(alpha * gi) * (li + beta))

    return [sum(w2[c, i] * a[i] for i in range(I)) + c2[c] for c in range(H)]


def experts(x, offsets, fc1, fc2, fc3=None, b1=None, b2=None, b3=None,
            activation="relu", gate_layout=None, alpha=1.0, beta=0.0,
            limit=None):
    """moe.experts: rows offsets[e]..offsets[e+1]-1 of x go through expert e.

    x [N,H], offsets [E+1], fc1 [E,f*I,H], fc2 [E,H,I], fc3 [E,I,H],
    b1 [E,f*I], b2 [E,H], b3 [E,I].  Returns y [N,H] float32.
    """
    x = _f64("x", x, 2)
    offsets = _ints("offsets", offsets, 1)
    fc1 = _f64("fc1", fc1, 3)
    fc2 = _f64("fc2", fc2, 3)
    N, H = x.shape
    E = fc1.shape[0]
    I = fc2.shape[2]
    alpha = float(alpha)
    beta = float(beta)
    f = _check_activation(activation, gate_layout, fc3 is not None, alpha,
                          beta, limit)

    _expect_shape("fc1", fc1, (E, f * I, H))
    _expect_shape("fc2", fc2, (E, H, I))
    if fc3 is not None:
        fc3 = _f64("fc3", fc3, 3)
        _expect_shape("fc3", fc3, (E, I, H))
    if b3 is not None and fc3 is None:
        raise ValueError("b3 needs fc3")
    b1 = np.zeros((E, f * I)) if b1 is None else _f64("b1", b1, 2)
    b2 = np.zeros((E, H)) if b2 is None else _f64("b2", b2, 2)
    b3 = np.zeros((E, I)) if b3 is None else _f64("b3", b3, 2)
    _expect_shape("b1", b1, (E, f * I))
    _expect_shape("b2", b2, (E, H))
    _expect_shape("b3", b3, (E, I))

    # offsets must partition the N rows exactly.
    _expect_shape("offsets", offsets, (E + 1,))
    if offsets[0] != 0 or offsets[E] != N:
        raise ValueError("offsets must start at 0 and end at N=%d, got %s"
                         % (N, offsets.tolist()))
    for e in range(E):
        if offsets[e] > offsets[e + 1]:
            raise ValueError("offsets must be non-decreasing, got %s"
                             % offsets.tolist())

    y = np.zeros((N, H))
    for e in range(E):
        w3 = fc3[e] if fc3 is not None else None
        for r in range(int(offsets[e]), int(offsets[e + 1])):
            y[r] = _one_expert(x[r], fc1[e], fc2[e], w3, b1[e], b2[e], b3[e],
                               activation, gate_layout, alpha, beta, limit)
    return y.astype(np.float32)


def ffn(x, fc1, fc2, fc3=None, b1=None, b2=None, b3=None, activation="relu",
        gate_layout=None, alpha=1.0, beta=0.0, limit=None):
    """moe.ffn: the dense shared expert on all T tokens.

    x [T,H], fc1 [f*I,H], fc2 [H,I], fc3 [I,H], biases [f*I], [H], [I].
    Same math as one expert: it is exactly experts() with E=1 and every row
    assigned to that expert.
    """
    x = _f64("x", x, 2)
    T = x.shape[0]

    def one(name, a, ndim):
        if a is None:
            return None
        return _f64(name, a, ndim)[np.newaxis]

    return experts(x, [0, T], one("fc1", fc1, 2), one("fc2", fc2, 2),
                   one("fc3", fc3, 2), one("b1", b1, 1), one("b2", b2, 1),
                   one("b3", b3, 1), activation=activation,
                   gate_layout=gate_layout, alpha=alpha, beta=beta,
                   limit=limit)


# ---------------------------------------------------------------------------
# moe.combine
# ---------------------------------------------------------------------------


def combine(expert_out, weights, perm):
    """moe.combine: y[t] = sum_j weights[t,j] * expert_out[row of t*k+j].

    expert_out [N,H], weights [T,k], perm [N] (a permutation of 0..N-1).
    Returns y [T,H] float32.
    """
    expert_out = _f64("expert_out", expert_out, 2)
    weights = _f64("weights", weights, 2)
    perm = _ints("perm", perm, 1)
    T, k = weights.shape
    N, H = expert_out.shape
    if N != T * k:
        raise ValueError("expert_out has %d rows, expected T*k = %d"
                         % (N, T * k))
    _expect_shape("perm", perm, (N,))

    # Invert perm: row_of[a] is the sorted row holding assignment a.
    row_of = [None] * N
    for r in range(N):
        a = int(perm[r])
        if not 0 <= a < N or row_of[a] is not None:
            raise ValueError("perm is not a permutation of 0..%d: %s"
                             % (N - 1, perm.tolist()))
        row_of[a] = r

    y = np.zeros((T, H))
    for t in range(T):
        for j in range(k):
            y[t] += weights[t, j] * expert_out[row_of[t * k + j]]
    return y.astype(np.float32)


# ---------------------------------------------------------------------------
# Whole layer
# ---------------------------------------------------------------------------


def moe_layer(tokens, logits, k, fc1, fc2, fc3=None, b1=None, b2=None,
              b3=None, activation="relu", gate_layout=None, alpha=1.0,
              beta=0.0, limit=None, scoring="softmax", normalize=False,
              scale=1.0, bias=None, n_group=None, topk_group=None,
              shared=None, epsilon=0.0):
    """route -> dispatch -> experts -> combine (+ an optional shared expert).

    tokens [T,H], logits [T,E] (e.g. tokens @ gate.T computed by the caller).
    The expert weights are as for experts().  `shared`, if given, is a dict of
    ffn() keyword arguments (fc1, fc2, and optionally fc3, biases and
    activation attributes; unspecified activation attributes default to the
    routed experts' ones); its output is added to the combined output.

    Each step rounds its results to the program's storage types, as the
    compiled ops do.  Returns y [T,H] float32.
    """
    fc1 = np.asarray(fc1)
    E = fc1.shape[0]
    ids, weights = route(logits, k, scoring=scoring, normalize=normalize,
                         scale=scale, bias=bias, n_group=n_group,
                         topk_group=topk_group, epsilon=epsilon)
    sorted_tokens, offsets, perm = dispatch(tokens, ids, E)
    out = experts(sorted_tokens, offsets, fc1, fc2, fc3=fc3, b1=b1, b2=b2,
                  b3=b3, activation=activation, gate_layout=gate_layout,
                  alpha=alpha, beta=beta, limit=limit)
    y = combine(out, weights, perm).astype(np.float64)
    if shared is not None:
        kw = dict(activation=activation, gate_layout=gate_layout, alpha=alpha,
                  beta=beta, limit=limit)
        kw.update(shared)
        y = y + ffn(tokens, **kw).astype(np.float64)
    return y.astype(np.float32)


# ---------------------------------------------------------------------------
# moe.dequantize
# ---------------------------------------------------------------------------


def _unpack_codes(packed, bits):
    """Unsigned codes from bytes: 8-bit as they are, 4-bit two per byte
    along the last axis, low nibble first."""
    packed = np.asarray(packed).astype(np.int64) & 0xFF
    if bits == 8:
        return packed
    if bits != 4:
        raise ValueError(f"bits must be 4 or 8, got {bits}")
    out = np.empty(packed.shape[:-1] + (packed.shape[-1] * 2,), np.int64)
    out[..., 0::2] = packed & 0xF
    out[..., 1::2] = packed >> 4
    return out


def dequantize(codes, scales, zero_points=None, bits=8, block=None):
    """moe.dequantize: w[..., n, j] = (code - zero point) * scale.

    codes [..., N, K/p] bytes (p = 2 codes per byte for 4-bit), scales
    [..., N] (per row) or [..., N, K/block]; zero_points like scales (4-bit
    ones packed along the last axis), default 2^(bits-1).  Returns float32.
    """
    q = _unpack_codes(codes, bits).astype(np.float64)
    s = np.asarray(scales, np.float64)
    if zero_points is None:
        z = np.full(s.shape, float(1 << (bits - 1)))
    else:
        z = _unpack_codes(zero_points, bits)[..., :s.shape[-1]].astype(
            np.float64)
    if block is None:
        s, z = s[..., None], z[..., None]
    else:
        s = np.repeat(s, block, axis=-1)
        z = np.repeat(z, block, axis=-1)
    return ((q - z) * s).astype(np.float32)
