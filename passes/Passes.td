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

def ConvertMoEToGPU : Pass<"convert-moe-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Run GPU-placed experts of moe.experts as GPU kernels";
  let description = [{
    Every `moe.experts` op with at least one expert placed on `gpu` gets a
    `gpu.module` with four kernels, launched with `gpu.launch_func` on the
    sorted tokens: for fc1 (with its bias and activation fused in the
    epilogue) and for fc2 (with its bias), a tiled grouped GEMM and a
    few-token GEMV-like kernel. Each block reads the per-expert offsets and
    a placement mask at run time, so the GEMM serves experts with more than
    `gemv-max-tokens` tokens and the GEMV the others, and the mask can change
    between steps without recompiling. Rows of experts not placed on the GPU
    are computed on the host by the `convert-moe-to-linalg` FFN; ops with no
    GPU expert are left as they are.

    With `emulate-on-host` the same kernel builders emit `func.func`s that
    run every block and every thread on the host (a barrier is the end of a
    loop over threads, a warp shuffle an exchange through memory), so the
    kernels' numerics can be checked without a GPU.

    The pattern is exposed as `moe::populateMoEToGPUConversionPatterns`.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect"];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"32",
           "Rows of one expert per GEMM block">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"32",
           "Output columns per GEMM block">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"16",
           "Reduction slice staged in shared memory per step">,
    Option<"gemmThreads", "gemm-threads", "int64_t", /*default=*/"256",
           "Threads per GEMM block">,
    Option<"gemvWarps", "gemv-warps", "int64_t", /*default=*/"4",
           "Warps per GEMV block (one output feature each)">,
    Option<"gemvMaxTokens", "gemv-max-tokens", "int64_t", /*default=*/"8",
           "Experts with at most this many tokens take the GEMV kernel">,
    Option<"emulateOnHost", "emulate-on-host", "bool", /*default=*/"false",
           "Emit the kernels as host functions that run every block and "
           "thread serially (numerics checks without a GPU)">
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

#endif // MOE_PASSES_PASSES_TD
