#!/usr/bin/python3
"""Self-test of moe_ref.py against small cases worked out by hand.

Run: /usr/bin/python3 test_moe_ref.py   (exits non-zero on the first failure)

Most routing cases use logits chosen so the scores are round numbers:
  softmax(log p + c) = p / sum(p) for any constant c, and
  sigmoid(log(p / (1 - p))) = p, e.g. sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75,
  sigmoid(-ln 3) = 0.25, sigmoid(ln 9) = 0.9, sigmoid(ln 4) = 0.8.
"""

import math
import os
import sys

import numpy as np

# Import the reference from beside this file, and leave no __pycache__ in
# the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moe_ref as ref  # noqa: E402

LN = math.log


def logit(p):
    """Inverse sigmoid, so that sigmoid-scored routing sees score p."""
    return LN(p / (1.0 - p))


def close(actual, expected, rtol=1e-6, atol=1e-7):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert np.allclose(actual, expected, rtol=rtol, atol=atol,
                       equal_nan=True), "\nactual   %r\nexpected %r" % (
                           actual, expected)


def same(actual, expected):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert np.array_equal(actual, expected), "\nactual   %r\nexpected %r" % (
        actual, expected)


def raises(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ValueError:
        return
    raise AssertionError("expected ValueError from %s" % fn.__name__)


# ---------------------------------------------------------------------------
# route
# ---------------------------------------------------------------------------


def test_route_softmax():
    # Token 0: p = [1,2,3,4]/10 = [0.1,0.2,0.3,0.4] -> top-2 experts 3 (0.4), 2 (0.3).
    # Token 1: p = [5,1,3,1]/10 = [0.5,0.1,0.3,0.1] -> top-2 experts 0 (0.5), 2 (0.3).
    #   A +1000 shift would overflow exp() without the row-max subtraction.
    logits = [[LN(1), LN(2), LN(3), LN(4)],
              [LN(5) + 1000, LN(1) + 1000, LN(3) + 1000, LN(1) + 1000]]
    ids, w = ref.route(logits, 2)
    same(ids, [[3, 2], [0, 2]])
    close(w, [[0.4, 0.3], [0.5, 0.3]])
    # normalize: [0.4,0.3]/0.7 = [4/7, 3/7]; [0.5,0.3]/0.8 = [5/8, 3/8].
    ids, w = ref.route(logits, 2, normalize=True)
    same(ids, [[3, 2], [0, 2]])
    close(w, [[4 / 7, 3 / 7], [5 / 8, 3 / 8]])
    # scale applies after normalisation: 2 * [4/7, 3/7].
    _, w = ref.route(logits, 2, normalize=True, scale=2.0)
    close(w, [[8 / 7, 6 / 7], [10 / 8, 6 / 8]])
    # k = 1: just the best expert and its probability.
    ids, w = ref.route(logits, 1)
    same(ids, [[3], [0]])
    close(w, [[0.4], [0.5]])
    # k = 1 normalised: the weight becomes exactly 1.
    _, w = ref.route(logits, 1, normalize=True)
    close(w, [[1.0], [1.0]])
    # k = E: all experts in descending order; token 1 has the tie 0.1 = 0.1
    # between experts 1 and 3, so 1 comes first.
    ids, w = ref.route(logits, 4)
    same(ids, [[3, 2, 1, 0], [0, 2, 1, 3]])
    close(w, [[0.4, 0.3, 0.2, 0.1], [0.5, 0.3, 0.1, 0.1]])


def test_route_sigmoid():
    # scores [0.5, 0.75, 0.25, 0.9] -> top-2: expert 3 (0.9), expert 1 (0.75).
    logits = [[0.0, LN(3), -LN(3), LN(9)]]
    ids, w = ref.route(logits, 2, scoring="sigmoid")
    same(ids, [[3, 1]])
    close(w, [[0.9, 0.75]])
    # normalize: 0.9/1.65 = 6/11, 0.75/1.65 = 5/11; scale 2.5 -> 15/11, 12.5/11.
    _, w = ref.route(logits, 2, scoring="sigmoid", normalize=True, scale=2.5)
    close(w, [[15 / 11, 12.5 / 11]])
    # sigmoid of very large |logit| must not overflow: 1 and 0.
    ids, w = ref.route([[-1000.0, 1000.0]], 2, scoring="sigmoid")
    same(ids, [[1, 0]])
    close(w, [[1.0, 0.0]])


def test_route_ties():
    # Equal best logits: the lower index wins.
    ids, _ = ref.route([[1.0, 3.0, 3.0, 0.0]], 1)
    same(ids, [[1]])
    ids, _ = ref.route([[1.0, 3.0, 3.0, 0.0]], 2)
    same(ids, [[1, 2]])
    # All equal: softmax gives 0.25 each; the first two indices are chosen.
    ids, w = ref.route([[0.0, 0.0, 0.0, 0.0]], 2)
    same(ids, [[0, 1]])
    close(w, [[0.25, 0.25]])


def test_route_bias():
    # p = [0.1,0.2,0.3,0.4]; bias [0.5,0,0,0] -> choice [0.6,0.2,0.3,0.4]:
    # the bias pulls expert 0 in, but its weight is its unbiased score 0.1.
    logits = [[LN(1), LN(2), LN(3), LN(4)]]
    ids, w = ref.route(logits, 2, bias=[0.5, 0.0, 0.0, 0.0])
    same(ids, [[0, 3]])
    close(w, [[0.1, 0.4]])
    # normalised: [0.1, 0.4] / 0.5 = [0.2, 0.8].
    _, w = ref.route(logits, 2, bias=[0.5, 0.0, 0.0, 0.0], normalize=True)
    close(w, [[0.2, 0.8]])
    # A negative bias pushes the best expert out: choice [0.1,0.2,0.3,-0.6].
    ids, w = ref.route(logits, 2, bias=[0.0, 0.0, 0.0, -1.0])
    same(ids, [[2, 1]])
    close(w, [[0.3, 0.2]])


def test_route_grouped():
    # E = 8, n_group = 4 -> groups of S = 2, sigmoid scores:
    #   g0 = experts 0,1: [0.9, 0.1 ] -> group score 1.0
    #   g1 = experts 2,3: [0.8, 0.75] -> 1.55
    #   g2 = experts 4,5: [0.6, 0.6 ] -> 1.2
    #   g3 = experts 6,7: [0.25, 0.5] -> 0.75
    p = [0.9, 0.1, 0.8, 0.75, 0.6, 0.6, 0.25, 0.5]
    logits = [[logit(v) for v in p]]
    # Ungrouped top-2: expert 0 (0.9) and expert 2 (0.8).
    ids, w = ref.route(logits, 2, scoring="sigmoid")
    same(ids, [[0, 2]])
    close(w, [[0.9, 0.8]])
    # topk_group = 2 keeps g1 (1.55) and g2 (1.2) and drops g0 although it
    # holds the best single expert -> experts 2 (0.8), 3 (0.75).
    ids, w = ref.route(logits, 2, scoring="sigmoid", n_group=4, topk_group=2)
    same(ids, [[2, 3]])
    close(w, [[0.8, 0.75]])
    # k = 3 within g1, g2: 2, 3, then 4 and 5 tie at 0.6 -> 4.
    ids, _ = ref.route(logits, 3, scoring="sigmoid", n_group=4, topk_group=2)
    same(ids, [[2, 3, 4]])
    # topk_group = 3 adds g0 back -> same as ungrouped.
    ids, _ = ref.route(logits, 2, scoring="sigmoid", n_group=4, topk_group=3)
    same(ids, [[0, 2]])
    # k larger than the experts of the kept groups is rejected.
    raises(ref.route, logits, 3, scoring="sigmoid", n_group=4, topk_group=1)


def test_route_grouped_tie_and_sizes():
    # Group tie: g0 [0.5,0.5] = 1.0, g1 [0.75,0.25] = 1.0 -> g0 (lower index).
    # Ungrouped would take expert 2 (0.75) first.
    logits = [[0.0, 0.0, LN(3), -LN(3)]]
    ids, w = ref.route(logits, 2, scoring="sigmoid", n_group=2, topk_group=1)
    same(ids, [[0, 1]])
    close(w, [[0.5, 0.5]])
    ids, _ = ref.route(logits, 2, scoring="sigmoid")
    same(ids, [[2, 0]])
    # The bias enters the group score: bias 0.1 on expert 2 makes g1 = 1.1.
    ids, w = ref.route(logits, 1, scoring="sigmoid", n_group=2, topk_group=1,
                       bias=[0.0, 0.0, 0.1, 0.0])
    same(ids, [[2]])
    close(w, [[0.75]])
    # S = 3: the group score is the sum of the TOP TWO, not of all three.
    #   g0 [0.9, 0.2, 0.2]: top-2 sum 1.1 (all three: 1.3)
    #   g1 [0.5, 0.5, 0.5]: top-2 sum 1.0 (all three: 1.5)
    # -> g0 wins; experts 0 (0.9) and 1 (0.2, tie with 2 -> lower index).
    p = [0.9, 0.2, 0.2, 0.5, 0.5, 0.5]
    ids, w = ref.route([[logit(v) for v in p]], 2, scoring="sigmoid",
                       n_group=2, topk_group=1)
    same(ids, [[0, 1]])
    close(w, [[0.9, 0.2]])
    # S = 1: each group is one expert whose score is the group score, so
    # grouping with topk_group >= k changes nothing.
    p = [0.3, 0.9, 0.6, 0.1]
    lg = [[logit(v) for v in p]]
    ids, _ = ref.route(lg, 2, scoring="sigmoid", n_group=4, topk_group=2)
    same(ids, [[1, 2]])
    same(ids, ref.route(lg, 2, scoring="sigmoid")[0])


def test_route_errors():
    raises(ref.route, [[0.0, 1.0]], 3)           # k > E
    raises(ref.route, [[0.0, 1.0]], 0)           # k < 1
    raises(ref.route, [[0.0, 1.0]], 1, scoring="tanh")
    raises(ref.route, [[0.0, 1.0, 2.0]], 1, n_group=2, topk_group=1)  # 2 !| 3
    raises(ref.route, [[0.0, 1.0]], 1, n_group=2)  # no topk_group
    raises(ref.route, [[0.0, 1.0]], 1, bias=[0.0])  # bad bias shape


# ---------------------------------------------------------------------------
# dispatch
# ---------------------------------------------------------------------------


def test_dispatch():
    # T = 3, k = 2, E = 4.  Assignments a = t*k + j -> expert:
    #   a0 -> 2, a1 -> 0, a2 -> 0, a3 -> 2, a4 -> 3, a5 -> 0
    # Stable by expert: e0: a1 a2 a5 | e1: (none) | e2: a0 a3 | e3: a4
    tokens = [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]
    ids = [[2, 0], [0, 2], [3, 0]]
    s, off, perm = ref.dispatch(tokens, ids, 4)
    same(perm, [1, 2, 5, 0, 3, 4])
    # Expert 1 gets no tokens: offsets[1] == offsets[2].
    same(off, [0, 3, 3, 5, 6])
    # Row r holds token perm[r] // k = [0, 1, 2, 0, 1, 2].
    close(s, [[1, 10], [2, 20], [3, 30], [1, 10], [2, 20], [3, 30]])
    # The last expert empty: offsets end with a repeated N.
    _, off, _ = ref.dispatch(tokens, ids, 5)
    same(off, [0, 3, 3, 5, 6, 6])
    # k = 1, everything to expert 0.
    s, off, perm = ref.dispatch(tokens, [[0], [0], [0]], 2)
    same(perm, [0, 1, 2])
    same(off, [0, 3, 3])
    close(s, tokens)
    # Out-of-range ids are errors.
    raises(ref.dispatch, tokens, [[2, 0], [0, 4], [3, 0]], 4)
    raises(ref.dispatch, tokens, [[2, 0], [0, -1], [3, 0]], 4)


# ---------------------------------------------------------------------------
# experts / ffn
# ---------------------------------------------------------------------------


def test_experts_relu():
    # E = 2, H = 2, I = 2.  Expert 0 owns row 0, expert 1 rows 1..2.
    # Expert 0: h = I @ [2,-3] + [0,-1] = [2,-4]; relu -> [2,0];
    #           y = [[1,1],[0,1]] @ [2,0] + [0.5,0] = [2.5, 0].
    # Expert 1: fc1 = [[1,1],[1,-1]], fc2 = diag(2,3), b2 = [0,1]
    #   row [1,2]:   h = [3,-1]  -> [3,0] -> [6,0] + [0,1] = [6,1]
    #   row [-1,-1]: h = [-2,0]  -> [0,0] -> [0,1]
    x = [[2.0, -3.0], [1.0, 2.0], [-1.0, -1.0]]
    fc1 = [[[1, 0], [0, 1]], [[1, 1], [1, -1]]]
    fc2 = [[[1, 1], [0, 1]], [[2, 0], [0, 3]]]
    b1 = [[0, -1], [0, 0]]
    b2 = [[0.5, 0], [0, 1]]
    y = ref.experts(x, [0, 1, 3], fc1, fc2, b1=b1, b2=b2, activation="relu")
    close(y, [[2.5, 0], [6, 1], [0, 1]])
    # Expert 0 empty: every row goes through expert 1.
    y = ref.experts(x, [0, 0, 3], fc1, fc2, b1=b1, b2=b2, activation="relu")
    # row [2,-3]: h = [-1, 5] -> [0,5] -> [0,15] + [0,1] = [0,16]
    close(y, [[0, 16], [6, 1], [0, 1]])
    # The same expert as a dense ffn gives the same rows.
    close(ref.ffn(x, fc1[1], fc2[1], b1=b1[1], b2=b2[1], activation="relu"),
          [[0, 16], [6, 1], [0, 1]])
    # Bad offsets are errors.
    raises(ref.experts, x, [0, 2, 1], fc1, fc2)
    raises(ref.experts, x, [0, 1, 2], fc1, fc2)  # does not end at N = 3


def test_activations():
    # With H = I = 1 and unit weights, ffn(x) is exactly act(x).
    pts = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]
    x = [[v] for v in pts]
    one = [[1.0]]

    def act(name):
        return ref.ffn(x, one, one, activation=name)[:, 0]

    close(act("identity"), pts)
    close(act("relu"), [0, 0, 0, 0, 0.5, 1, 2])
    gelu = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in pts]
    close(act("gelu"), gelu)
    # Known values: gelu(1) = Phi(1) = 0.8413447460685429, gelu(-1) = -(1 - Phi(1)).
    close(act("gelu")[5], 0.8413447460685429)
    close(act("gelu")[1], -0.15865525393145707)
    c = math.sqrt(2 / math.pi)
    gelu_tanh = [0.5 * v * (1 + math.tanh(c * (v + 0.044715 * v ** 3)))
                 for v in pts]
    close(act("gelu_tanh"), gelu_tanh)
    close(act("gelu_tanh")[5], 0.8411919906082768)
    close(act("silu"), [v / (1 + math.exp(-v)) for v in pts])
    # silu(1) = 1/(1+e^-1) = 0.7310585786300049; silu(0) = 0.
    close(act("silu")[5], 0.7310585786300049)
    close(act("silu")[3], 0.0)
    # gelu and gelu_tanh differ (by ~1.5e-4 at 1): they must not be mixed up.
    assert abs(act("gelu")[5] - act("gelu_tanh")[5]) > 1e-4


def test_swiglu_closed_form():
    # H = I = 1, x = 1, gate weight ln 3, linear weight 2, fc2 = 1:
    #   g = ln 3, sigmoid(g) = 0.75, l = 2  ->  a = ln3 * 0.75 * 2.
    x = [[1.0]]
    fc1 = [[LN(3)]]
    fc3 = [[2.0]]
    fc2 = [[1.0]]
    kw = dict(activation="swiglu", gate_layout="separate")
    close(ref.ffn(x, fc1, fc2, fc3, **kw), [[LN(3) * 0.75 * 2]])
    # beta = 1: a = ln3 * 0.75 * (2 + 1).
    close(ref.ffn(x, fc1, fc2, fc3, beta=1.0, **kw), [[LN(3) * 0.75 * 3]])
    # alpha = 2: sigmoid(2 ln 3) = sigmoid(ln 9) = 0.9.
    close(ref.ffn(x, fc1, fc2, fc3, alpha=2.0, **kw), [[LN(3) * 0.9 * 2]])
    # limit = 1: g = min(ln 3, 1) = 1, l = clip(2, -1, 1) = 1; with
    # alpha = ln 3: sigmoid(ln 3) = 0.75 -> a = 1 * 0.75 * 1.
    close(ref.ffn(x, fc1, fc2, fc3, alpha=LN(3), limit=1.0, **kw), [[0.75]])
    # l = -5 clipped to -1: a = -0.75; the gate is only clipped from above,
    # so g = -5 stays -5: -5 * sigmoid(-5) * 2.
    close(ref.ffn(x, fc1, fc2, [[-5.0]], alpha=LN(3), limit=1.0, **kw),
          [[-0.75]])
    close(ref.ffn(x, [[-5.0]], fc2, fc3, limit=1.0, **kw),
          [[-5.0 / (1 + math.exp(5.0)) * 1.0]])


def test_swiglu_layouts_agree():
    # The same gate / linear weights laid out three ways give the same y.
    rng = np.random.default_rng(7)
    E, H, I, N = 3, 5, 4, 6
    wg = rng.standard_normal((E, I, H))
    wl = rng.standard_normal((E, I, H))
    bg = rng.standard_normal((E, I))
    bl = rng.standard_normal((E, I))
    fc2 = rng.standard_normal((E, H, I))
    b2 = rng.standard_normal((E, H))
    x = rng.standard_normal((N, H))
    off = [0, 2, 2, 6]
    kw = dict(activation="swiglu", alpha=1.702, beta=1.0, limit=0.9)

    y_sep = ref.experts(x, off, wg, fc2, fc3=wl, b1=bg, b2=b2, b3=bl,
                        gate_layout="separate", **kw)
    # concatenated: rows [gate_0..gate_{I-1}, lin_0..lin_{I-1}].
    y_cat = ref.experts(x, off, np.concatenate([wg, wl], axis=1), fc2,
                        b1=np.concatenate([bg, bl], axis=1), b2=b2,
                        gate_layout="concatenated", **kw)
    # interleaved: rows [gate_0, lin_0, gate_1, lin_1, ...].
    w_int = np.zeros((E, 2 * I, H))
    w_int[:, 0::2] = wg
    w_int[:, 1::2] = wl
    b_int = np.zeros((E, 2 * I))
    b_int[:, 0::2] = bg
    b_int[:, 1::2] = bl
    y_int = ref.experts(x, off, w_int, fc2, b1=b_int, b2=b2,
                        gate_layout="interleaved", **kw)
    close(y_cat, y_sep)
    close(y_int, y_sep)
    # ... and the layouts are really read differently: feeding the
    # concatenated weights as interleaved gives something else.
    y_wrong = ref.experts(x, off, np.concatenate([wg, wl], axis=1), fc2,
                          b1=np.concatenate([bg, bl], axis=1), b2=b2,
                          gate_layout="interleaved", **kw)
    assert not np.allclose(y_wrong, y_sep)
    # The limit matters for these weights (some |h| > 0.9).
    kw_nolimit = dict(kw, limit=None)
    y_nolim = ref.experts(x, off, wg, fc2, fc3=wl, b1=bg, b2=b2, b3=bl,
                          gate_layout="separate", **kw_nolimit)
    assert not np.allclose(y_nolim, y_sep)


def test_expert_attribute_errors():
    x = [[1.0]]
    w = [[1.0]]
    raises(ref.ffn, x, w, w, activation="swish")
    raises(ref.ffn, x, w, w, activation="swiglu")  # no gate_layout
    raises(ref.ffn, x, w, w, activation="swiglu", gate_layout="separate")
    raises(ref.ffn, x, w, w, w, activation="relu")  # fc3 without swiglu
    raises(ref.ffn, x, w, w, activation="relu", limit=1.0)
    raises(ref.ffn, x, [[1.0]], w, activation="swiglu",
           gate_layout="concatenated")  # fc1 must have 2*I rows


# ---------------------------------------------------------------------------
# combine and the whole layer
# ---------------------------------------------------------------------------


def test_combine_by_hand():
    # T = 2, k = 2.  perm = [2, 0, 3, 1]: row 0 holds a2 = (t1, j0), row 1 a0
    # = (t0, j0), row 2 a3 = (t1, j1), row 3 a1 = (t0, j1).
    out = [[1.0, 0.0], [0.0, 1.0], [2.0, 2.0], [4.0, 8.0]]
    w = [[0.5, 0.25], [2.0, -1.0]]
    # y0 = 0.5 * row1 + 0.25 * row3 = [0, 0.5] + [1, 2] = [1, 2.5]
    # y1 = 2 * row0 - 1 * row2 = [2, 0] - [2, 2] = [0, -2]
    close(ref.combine(out, w, [2, 0, 3, 1]), [[1.0, 2.5], [0.0, -2.0]])
    raises(ref.combine, out, w, [2, 0, 2, 1])  # not a permutation


def test_combine_undoes_dispatch():
    rng = np.random.default_rng(1)
    T, H, E, k = 7, 3, 5, 2
    tokens = rng.standard_normal((T, H)).astype(np.float32)
    ids, w = ref.route(rng.standard_normal((T, E)), k, normalize=True)
    s, off, perm = ref.dispatch(tokens, ids, E)
    # Identity experts with weights summing to 1 give the tokens back.
    close(ref.combine(s, w, perm), tokens, rtol=1e-6, atol=1e-6)
    # Un-normalised weights give sum_j w[t,j] * token[t].
    ids, w = ref.route(rng.standard_normal((T, E)), k)
    s, off, perm = ref.dispatch(tokens, ids, E)
    close(ref.combine(s, w, perm),
          tokens * w.astype(np.float64).sum(axis=1, keepdims=True),
          rtol=1e-6, atol=1e-6)
    # Identity experts through experts() itself (identity activation,
    # identity matrices) change nothing either.
    eye = np.stack([np.eye(H)] * E)
    y = ref.experts(s, off, eye, eye, activation="identity")
    close(y, s)


def test_moe_layer_matches_dense_formula():
    # y[t] = sum_j w[t,j] * expert_{ids[t,j]}(x[t]) (+ shared(x[t])),
    # computed here per token without dispatch/combine.
    rng = np.random.default_rng(3)
    T, H, E, I, k = 5, 4, 4, 3, 2
    x = rng.standard_normal((T, H))
    logits = rng.standard_normal((T, E))
    fc1 = rng.standard_normal((E, 2 * I, H))
    fc2 = rng.standard_normal((E, H, I))
    sh1 = rng.standard_normal((I, H))
    sh2 = rng.standard_normal((H, I))
    kw = dict(activation="swiglu", gate_layout="interleaved")
    y = ref.moe_layer(x, logits, k, fc1, fc2, normalize=True,
                      shared=dict(fc1=sh1, fc2=sh2, activation="silu",
                                  gate_layout=None), **kw)
    ids, w = ref.route(logits, k, normalize=True)
    expect = np.zeros((T, H))
    for t in range(T):
        for j in range(k):
            e = ids[t, j]
            expect[t] += w[t, j] * ref.ffn(x[t:t + 1], fc1[e], fc2[e],
                                           **kw)[0]
        expect[t] += ref.ffn(x[t:t + 1], sh1, sh2, activation="silu")[0]
    close(y, expect, rtol=1e-5, atol=1e-5)


def main():
    tests = [(name, fn) for name, fn in sorted(globals().items())
             if name.startswith("test_") and callable(fn)]
    for name, fn in tests:
        try:
            fn()
        except Exception:
            print("FAIL: %s" % name, file=sys.stderr)
            raise
    print("test_moe_ref: %d tests passed" % len(tests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
