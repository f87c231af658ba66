//===- MoEOps.td - moe operations -------------------------*- tablegen -*-===//
//
// Shapes: T tokens, H hidden size, E experts, k experts per token,
// I expert intermediate size, N = T * k token copies sorted by expert.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_MOEOPS_TD
#define MOE_DIALECT_MOE_MOEOPS_TD

include "MoEDialect.td"
include "MoEAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def MoE_FloatTensor : RankedTensorOf<[AnyFloat]>;
def MoE_IndexTensor : RankedTensorOf<[I32, I64]>;

//===----------------------------------------------------------------------===//
// moe.route
//===----------------------------------------------------------------------===//

def MoE_RouteOp : MoE_Op<"route", [Pure]> {
  let summary = "top-k expert selection and routing weights from logits";
  let description = [{
    Turns router logits `[T, E]` into the `k` experts of every token
    (`ids : [T, k]`, in descending order of score, ties to the lower expert
    index) and their routing weights (`weights : [T, k]`).

    - `softmax` scores are the softmax of the logits over E; `sigmoid`
      scores are the element-wise sigmoid.
    - An optional correction `bias : [E]` is added to the scores for
      *selection only* (DeepSeek-V3's auxiliary-loss-free balancing); the
      weights use the scores without it.
    - `groups G select M` restricts selection to the M best of G
      contiguous expert groups, a group's score being the sum of its two
      best expert scores (DeepSeek-V3 group-limited routing).
    - `normalize` divides each token's k weights by their sum, plus
      `epsilon` (default 0.0; DeepSeek-V3 adds 1e-20); `scale` multiplies
      them afterwards (default 1.0).

    Example (Mixtral: softmax, top-2, renormalised):

    ```mlir
    %ids, %w = moe.route softmax %logits top 2 normalize
        : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
    ```
  }];
  let arguments = (ins MoE_FloatTensor:$logits,
                       Optional<MoE_FloatTensor>:$correction_bias,
                       I64Attr:$k,
                       MoE_ScoringAttr:$scoring,
                       UnitAttr:$normalize,
                       DefaultValuedAttr<F64Attr, "0.0">:$epsilon,
                       DefaultValuedAttr<F64Attr, "1.0">:$scale,
                       OptionalAttr<I64Attr>:$n_group,
                       OptionalAttr<I64Attr>:$topk_group);
  let results = (outs MoE_IndexTensor:$ids, MoE_FloatTensor:$weights);
  let assemblyFormat = [{
    custom<Scoring>($scoring) $logits (`bias` $correction_bias^ `:` type($correction_bias))?
    `top` $k (`groups` $n_group^ `select` $topk_group)?
    (`normalize` $normalize^)? (`epsilon` $epsilon^)? (`scale` $scale^)?
    attr-dict `:` type($logits) `->` type($ids) `,` type($weights)
  }];
  let extraClassDeclaration = [{
    /// Number of experts E (the static last dimension of the logits).
    int64_t getNumExperts();
    /// Whether selection is restricted to a subset of expert groups.
    bool isGroupLimited() { return getNGroup().has_value(); }
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// moe.dispatch
//===----------------------------------------------------------------------===//

def MoE_DispatchOp : MoE_Op<"dispatch", [Pure]> {
  let summary = "sort token copies by expert";
  let description = [{
    Copies every token once per selected expert and sorts the copies by
    expert id, stably: assignment `a = t * k + j` (token t, slot j) goes to
    expert `ids[t, j]`.

    - `sorted : [N, H]` with `N = T * k`: `sorted[r] = tokens[perm[r] / k]`.
    - `offsets : [E + 1]`: expert e owns rows `offsets[e] ..< offsets[e+1]`;
      an expert with no tokens has an empty range. E is the static size of
      `offsets` minus one.
    - `perm : [N]`: the assignment each sorted row came from.

    An expert id outside `[0, E)` is a runtime error.

    ```mlir
    %sorted, %offsets, %perm = moe.dispatch %x, %ids
        : tensor<?x16xf32>, tensor<?x2xi32>
        -> tensor<?x16xf32>, tensor<9xi64>, tensor<?xi64>
    ```
  }];
  let arguments = (ins MoE_FloatTensor:$tokens, MoE_IndexTensor:$ids);
  let results = (outs MoE_FloatTensor:$sorted,
                      RankedTensorOf<[I64]>:$offsets,
                      RankedTensorOf<[I64]>:$permutation);
  let assemblyFormat = [{
    $tokens `,` $ids attr-dict `:` type($tokens) `,` type($ids)
    `->` type($sorted) `,` type($offsets) `,` type($permutation)
  }];
  let extraClassDeclaration = [{
    int64_t getNumExperts();
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// moe.experts and moe.ffn share the expert FFN description.
//===----------------------------------------------------------------------===//

class MoE_FFNOp<string mnemonic, list<Trait> traits = []>
    : MoE_Op<mnemonic, !listconcat(traits, [Pure, AttrSizedOperandSegments])> {
  dag ffnOperands = (ins MoE_FloatTensor:$fc1_weights,
                         Optional<MoE_FloatTensor>:$fc1_bias,
                         MoE_FloatTensor:$fc2_weights,
                         Optional<MoE_FloatTensor>:$fc2_bias,
                         Optional<MoE_FloatTensor>:$fc3_weights,
                         Optional<MoE_FloatTensor>:$fc3_bias);
  dag ffnAttributes = (ins MoE_ActivationAttr:$activation,
                           OptionalAttr<MoE_GateLayoutAttr>:$gate_layout,
                           DefaultValuedAttr<F64Attr, "1.0">:$alpha,
                           DefaultValuedAttr<F64Attr, "0.0">:$beta,
                           OptionalAttr<F64Attr>:$limit);
  code ffnClassDeclaration = [{
    /// Rows of fc1 per unit of intermediate size: 2 when a gated
    /// activation keeps gate and linear halves in fc1, else 1.
    int64_t getFc1RowFactor() {
      auto layout = getGateLayout();
      return layout && *layout != ::moe::GateLayout::separate ? 2 : 1;
    }
    bool isGated() { return getActivation() == ::moe::Activation::swiglu; }
  }];
  let hasCanonicalizer = 1;
  let hasVerifier = 1;
}

def MoE_ExpertsOp : MoE_FFNOp<"experts"> {
  let summary = "the grouped expert FFN over token copies sorted by expert";
  let description = [{
    Rows `offsets[e] ..< offsets[e+1]` of `tokens : [N, H]` go through
    expert e: `y = fc2[e] @ act(fc1[e] @ x + b1[e]) + b2[e]`.
    Weights follow ONNX Runtime's `com.microsoft.MoE` layout:
    `fc1 : [E, f*I, H]`, `fc2 : [E, H, I]`, `fc3 : [E, I, H]`, biases
    `[E, f*I]`, `[E, H]`, `[E, I]`.

    Activations: `identity`, `relu`, `gelu` (erf form), `gelu_tanh`,
    `silu`, and the gated `swiglu(layout, alpha, beta, limit)`:
    `g * sigmoid(alpha * g) * (l + beta)` with `g` clamped above at
    `limit` and `l` to `[-limit, limit]`. The gate `g` and linear part `l`
    come from fc1 and fc3 (`separate`, f = 1), from alternating rows of fc1
    (`interleaved`, f = 2) or from its two halves (`concatenated`, f = 2).
    fc3 exists only for `swiglu(separate)`.

    `placements` holds one `#moe.placement` per expert.

    ```mlir
    %y = moe.experts %sorted, %offsets fc1 %w1, fc2 %w2 bias %b2
        activation silu placements [gpu, pim, pim, dynamic]
        : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>,
           tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
    ```
  }];
  let arguments = !con((ins MoE_FloatTensor:$tokens,
                            RankedTensorOf<[I64]>:$offsets),
                       ffnOperands, ffnAttributes,
                       (ins OptionalAttr<MoE_PlacementArrayAttr>:$placements));
  let results = (outs MoE_FloatTensor:$result);
  let assemblyFormat = [{
    $tokens `,` $offsets
    custom<FFNWeights>($fc1_weights, $fc1_bias, $fc2_weights, $fc2_bias,
                       $fc3_weights, $fc3_bias)
    custom<FFNActivation>($activation, $gate_layout, $alpha, $beta, $limit,
                          $placements)
    attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = ffnClassDeclaration # [{
    int64_t getNumExperts();
    /// The placement of expert `expert`; `dynamic` when none is set.
    ::moe::ExpertPlacement getExpertPlacement(int64_t expert);
  }];
}

def MoE_FFNDenseOp : MoE_FFNOp<"ffn"> {
  let summary = "a dense FFN on every token (a shared expert)";
  let description = [{
    The FFN of `moe.experts` applied to every row of `tokens : [T, H]` with
    one set of weights (`fc1 : [f*I, H]`, `fc2 : [H, I]`, `fc3 : [I, H]`).
    Models with shared experts (DeepSeek-V3, Qwen3-Next) add its result to
    the routed experts' output; keeping it an op lets a pass place it.

    ```mlir
    %s = moe.ffn %x fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate)
        placement gpu
        : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>,
           tensor<32x16xf32>) -> tensor<?x16xf32>
    ```
  }];
  let arguments = !con((ins MoE_FloatTensor:$tokens),
                       ffnOperands, ffnAttributes,
                       (ins OptionalAttr<MoE_PlacementAttr>:$placement));
  let results = (outs MoE_FloatTensor:$result);
  let assemblyFormat = [{
    $tokens
    custom<FFNWeights>($fc1_weights, $fc1_bias, $fc2_weights, $fc2_bias,
                       $fc3_weights, $fc3_bias)
    custom<FFNActivation>($activation, $gate_layout, $alpha, $beta, $limit,
                          $placement)
    attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = ffnClassDeclaration;
}

//===----------------------------------------------------------------------===//
// moe.combine
//===----------------------------------------------------------------------===//

def MoE_CombineOp : MoE_Op<"combine", [Pure]> {
  let summary = "un-permute expert outputs and sum them with routing weights";
  let description = [{
    `result[t] = sum_j weights[t, j] * expert_out[r]` where `r` is the
    sorted row with `perm[r] == t * k + j` (the permutation of
    `moe.dispatch`). T and k come from `weights : [T, k]`.

    ```mlir
    %y = moe.combine %out, %w, %perm
        : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
    ```
  }];
  let arguments = (ins MoE_FloatTensor:$expert_outputs,
                       MoE_FloatTensor:$weights,
                       RankedTensorOf<[I64]>:$permutation);
  let results = (outs MoE_FloatTensor:$result);
  let assemblyFormat = [{
    $expert_outputs `,` $weights `,` $permutation attr-dict `:`
    type($expert_outputs) `,` type($weights) `,` type($permutation)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// moe.dequantize
//===----------------------------------------------------------------------===//

def MoE_DequantizeOp : MoE_Op<"dequantize", [Pure]> {
  let summary = "integer expert weights to floats: (code - zero point) * scale";
  let description = [{
    Quantised weights `[..., N, K / p]` of unsigned `bits`-bit codes (`p`
    codes per byte: 2 for 4-bit, low nibble first; 1 for 8-bit) become
    floats `[..., N, K]`: `w[..., n, j] = (q[..., n, j] - z) * s`, with the
    scale `s` per row (`scales : [..., N]`) or, with `block B`, per block
    of B consecutive columns (`scales : [..., N, K / B]`). The optional
    `zero_points` have the scales' shape (4-bit ones packed two per byte
    along the last axis); without them z = 2^(bits-1). This is the
    quantisation of ONNX Runtime's `com.microsoft.QMoE`.

    The op stays in the IR in front of `moe.experts` and `moe.ffn` so that
    a target which computes on quantised weights can take the codes and
    scales instead of the floats.

    ```mlir
    %w1 = moe.dequantize %q1 scales %s1 bits 4 block 16
        : tensor<8x64x32xi8>, tensor<8x64x4xf32> -> tensor<8x64x64xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I8]>:$codes,
                       MoE_FloatTensor:$scales,
                       Optional<RankedTensorOf<[I8]>>:$zero_points,
                       I64Attr:$bits,
                       OptionalAttr<I64Attr>:$block_size);
  let results = (outs MoE_FloatTensor:$result);
  let assemblyFormat = [{
    $codes `scales` $scales (`zero_points` $zero_points^)? `bits` $bits
    (`block` $block_size^)? attr-dict `:` type($codes) `,` type($scales)
    (`,` type($zero_points)^)? `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// Codes per byte of `codes`.
    int64_t getCodesPerByte() { return getBits() == 4 ? 2 : 1; }
  }];
  let hasVerifier = 1;
}

#endif // MOE_DIALECT_MOE_MOEOPS_TD
