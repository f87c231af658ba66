//===- Passes.td - moe-mlir passes --------------------------*- tablegen -*-===//

#ifndef MOE_PASSES_PASSES_TD
#define MOE_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMoEToLinalg : Pass<"convert-moe-to-linalg"> {
  let summary = "Lower moe ops to linalg, tensor, arith, math and scf";
  let description = [{
    The reference semantics of the moe dialect, and the first host path:
    every `moe` op becomes upstream ops on tensors that one-shot
    bufferization and the usual LLVM lowering turn into native code.

    - `moe.route`: softmax/sigmoid scoring, the group mask and every top-k
      round are `linalg.generic` ops; ties go to the lower expert index.
    - `moe.dispatch` and `moe.combine`: counting, prefix sum and
      permutation are `scf.for` loops over the token copies; the gathers are
      `linalg.generic` ops.
    - `moe.experts`: an `scf.for` over experts runs each expert's FFN on
      its row range (empty ranges do no work); `moe.ffn` is one such FFN.

    Placements are ignored: this lowering runs every expert on the host.
    With `runtime-checks` (the default) out-of-range expert ids, offsets and
    permutations abort with a message instead of reading out of bounds.

    The patterns are exposed as `moe::populateMoEToLinalgConversionPatterns`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::cf::ControlFlowDialect"];
  let options = [
    Option<"runtimeChecks", "runtime-checks", "bool", /*default=*/"true",
           "Abort on out-of-range expert ids, offsets and permutations">
  ];
}

class MoE_CostModelOptions {
  list<Option> costOptions = [
    Option<"gpu", "gpu", "std::string", /*default=*/"\"h100\"",
           "GPU descriptor: a built-in name (h100, h200, b200, a100) or a "
           "JSON file">,
    Option<"pim", "pim", "std::string", /*default=*/"\"hbm3e-pim\"",
           "PIM descriptor: a built-in name (hbm3e-pim, hbm3-pim, logic-pim, "
           "gddr6-aim, hbm2-pim) or a JSON file">,
    Option<"link", "link", "std::string", /*default=*/"\"nvlink\"",
           "GPU <-> PIM link: a built-in name (nvlink, pcie5) or a JSON "
           "file">,
    Option<"profile", "profile", "std::string", /*default=*/"\"\"",
           "Token profile JSON (per layer, per step, per expert counts)">,
    Option<"distribution", "distribution", "std::string",
           /*default=*/"\"uniform:batch=64\"",
           "Synthetic profile when no file is given: uniform, zipf:s=S or "
           "bimodal:hot=F,weight=W, with batch=, seed=, steps=">
  ];
}

def EstimateIntensity : Pass<"moe-estimate-intensity", "::mlir::ModuleOp">,
                        MoE_CostModelOptions {
  let summary = "Attach per-expert arithmetic intensity and time estimates";
  let description = [{
    For every `moe.experts` op (layer i is the i-th in the module), takes the
    mean tokens per expert from the profile and attaches, per expert:
    `moe.tokens` (mean tokens per step), `moe.ops_per_byte` (FLOPs per byte
    moved on a GPU), `moe.gpu_time_us` and `moe.pim_time_us` (the cost
    model's time for that many tokens), all as `array<f64: ...>`.
  }];
  let options = costOptions;
}

def PartitionExperts : Pass<"moe-partition-experts", "::mlir::ModuleOp">,
                       MoE_CostModelOptions {
  let summary = "Place every expert on the GPU or PIM with a policy";
  let description = [{
    Runs the chosen policy (all-gpu, all-pim, threshold, pimoe, duplex,
    sieve, optimal) on every step of the profile and sets the `placements`
    of every `moe.experts` op: `gpu` or `pim` when the policy always puts
    the expert there, `dynamic` when it moves between steps, is split
    between both, or never gets a token (so both variants are compiled).
    Shared experts (`moe.ffn`) go where the model runs them faster for the
    profile's tokens per step. `moe.partition` records the policy and
    hardware used.
  }];
  let options = !listconcat(costOptions, [
    Option<"policy", "policy", "std::string", /*default=*/"\"optimal\"",
           "Placement policy">,
    Option<"threshold", "threshold", "int64_t", /*default=*/"8",
           "Token threshold of the `threshold` policy">
  ]);
}

def OutlineLayers : Pass<"moe-outline-layers", "::mlir::ModuleOp"> {
  let summary = "Hand every MoE layer to the runtime, which re-dispatches "
                "its experts every step";
  let description = [{
    Every `moe.route -> moe.dispatch -> moe.experts -> moe.combine` chain
    (layer i is the i-th in the module) becomes a call of the runtime,
    `@moe_rt_layer(i, tokens, logits)`, and two new functions the runtime
    calls back:

    - `@moe_layer<i>_route(logits) -> (ids, weights)`: the layer's routing;
    - `@moe_layer<i>_expert(e, rows) -> out`: expert `e` on its rows, the
      host variant of every expert.

    Between the two the runtime counts tokens per expert, decides where each
    expert runs with its policy (GPU, PIM or host), runs them and combines
    the results. The module gets `moe.layers`, one dictionary per layer with
    what the runtime and its cost model need (experts, k, hidden,
    intermediate, matrices, the two function names). Every public function
    and the new ones get `llvm.emit_c_interface`.

    Expert weights must be constants (possibly dequantised or transposed):
    they are cloned into the expert function. Tokens must be f32 (the
    runtime's element type).

    The module also gets `moe.entry` (the one public function the runtime
    calls, its inputs and outputs with names from `onnx.name` argument and
    result attributes, and static extents or -1) and `moe.defaults` (the
    hardware and policy options below, which the runtime uses unless told
    otherwise).
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"gpu", "gpu", "std::string", /*default=*/"\"h100\"",
           "The runtime's default GPU descriptor">,
    Option<"pim", "pim", "std::string", /*default=*/"\"hbm3e-pim\"",
           "The runtime's default PIM descriptor">,
    Option<"link", "link", "std::string", /*default=*/"\"nvlink\"",
           "The runtime's default GPU <-> PIM link">,
    Option<"policy", "policy", "std::string", /*default=*/"\"sieve\"",
           "The runtime's default placement policy">
  ];
}

#endif // MOE_PASSES_PASSES_TD
