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

    The f16 and bf16 GEMM runs its inner product on tensor cores: each warp
    owns m16n8 tiles of the block tile and issues `nvvm.mma.sync` (shape
    m16n8k16, f32 accumulators) per 16-wide slice of the staged reduction,
    when tile-m is a multiple of 16, tile-n of 8, tile-k of 16, and the
    block's warps share the tiles evenly (the defaults do: 8 warps, 8 tiles).
    Otherwise, for f32, and with `tensor-cores=false` it uses the SIMT GEMM.
    Under `emulate-on-host` the tensor-core step is emulated lane by lane
    from the PTX fragment layout.

    With `layer-kernels`, `moe.route` (softmax or sigmoid scoring, the
    correction bias, group-limited selection, top-k, normalisation and
    scale), `moe.dispatch` (counts, offsets, the stable permutation and the
    gather of the sorted rows) and `moe.combine` become kernels as well. The
    offsets are checked on the host after dispatch: an expert id outside
    `[0, E)` aborts with a message.

    The patterns are exposed as `moe::populateMoEToGPUConversionPatterns`.
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
                           "::mlir::scf::SCFDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect"];
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
           "thread serially (numerics checks without a GPU)">,
    Option<"layerKernels", "layer-kernels", "bool", /*default=*/"false",
           "Also run moe.route, moe.dispatch and moe.combine as kernels, so "
           "a layer whose experts are on the GPU never leaves it">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"true",
           "Compute the f16/bf16 grouped GEMM with mma.sync.m16n8k16 "
           "(sm_80+) when tile-m, tile-n, tile-k and gemm-threads cut into "
           "whole warp tiles; f32 experts and other tilings use the SIMT "
           "GEMM">
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

def CompilePimVariants
    : Pass<"moe-compile-pim-variants", "::mlir::ModuleOp"> {
  let summary = "Compile every expert of every outlined layer for PIM too";
  let description = [{
    Runs after `moe-outline-layers`. The runtime may move any expert to PIM
    at any step, so every expert of every layer in `moe.layers` gets PIM
    programs (`compilePimExperts`, as `convert-moe-to-pim` builds them) next
    to its host variant, in one `pim.module @moe_pim` for the device named
    by `pim`; the layer's `moe.experts` op (in `@moe_layer<i>_expert`) gets
    `pim.expert_programs`. The experts of all layers share the device: they
    take consecutive rows of every bank, and an expert that does not fit is
    an error at its `moe.experts` op. A descriptor without DRAM geometry
    compiles nothing (a warning): the runtime then models PIM time.
  }];
  let dependentDialects = ["::moe::pim::PIMDialect"];
  let options = [
    Option<"pim", "pim", "std::string", /*default=*/"\"hbm3e-pim\"",
           "PIM descriptor (built-in name or .json)">,
    ListOption<"slots", "slots", "unsigned",
               "Token counts to compile a program for (default 1,4)">,
    Option<"batchTokens", "batch-tokens", "unsigned", /*default=*/"4",
           "Tokens that share every row activation (see convert-moe-to-pim)">
  ];
}

def PackPimVariants : Pass<"moe-pack-pim-variants", "::mlir::ModuleOp"> {
  let summary = "Turn the pim.module of moe-compile-pim-variants into the "
                "artifact's PIM section";
  let description = [{
    Exports `pim.module @moe_pim` as a command stream, encodes it as the
    artifact's sparse PIM section (moe/Runtime/PimImage.h) into the module
    attribute `moe.pim` (a `dense_resource` blob, so the host lowering
    carries it untouched to `--export-artifact`), records each layer's
    programs in its `moe.layers` entry (`pim_programs`: per expert the
    program names, one per slots value), and removes the pim.module.
  }];
}

//===----------------------------------------------------------------------===//
// PIM
//===----------------------------------------------------------------------===//

def ConvertMoEToPIM : Pass<"convert-moe-to-pim", "::mlir::ModuleOp"> {
  let summary = "Compile every PIM-placed expert into pim programs and weights";
  let description = [{
    For every expert of a `moe.experts` whose placement is `pim`, lays its
    weights out over all channels of the device (`pim.weights`, see
    `include/moe/Target/PIM/ExpertLayout.h`) and emits one `pim.program` per
    `slots` value into a `pim.module` at the top of the module:

    - fc1 (and SwiGLU's linear part: fc3, or the odd/second-half rows of
      fc1) is row sharded over channels x banks; the token is broadcast to
      every channel in global-buffer chunks (`pim.write_gb ... stride 0`) and
      every bank accumulates its rows over the chunks (`pim.mac_all`);
    - the bias starts the accumulators (`pim.set_acc` from a constant
      region), the activation runs in the banks (`pim.activation`; SwiGLU is
      swish on the gate, clamp on the linear part and `pim.mul_acc` with
      beta);
    - the intermediate stays in the channel (`pim.move_to_gb`), fc2 is
      column sharded to match, and the channels' partial sums are reduced
      on the host (`pim.read_acc ... stride 0 add`), fc2's bias added once
      by channel 0.

    Scheduled for the in-order channel: rows stay open until another row is
    needed (closed right after their last MAC); the next input chunk goes
    out burst by burst behind the MACs that last read each slot; fc2 groups
    alternate between two halves of the accumulators, one group's read-back
    behind the next group's MACs. Weights given as `dense_resource` blobs
    stay blobs in `pim.weights`.

    A program runs its `slots` tokens one after the other (n tokens = n
    GEMVs), or, with `batch-tokens=2`, two tokens per row activation: each
    token gets its own input chunk, intermediate and accumulators, and every
    open row serves both (the weights are read once for two GEMVs). This is
    an option of the lowering rather than a pass on programs because it
    re-plans the global buffer and the accumulators.

    Experts with fewer intermediates than lanes (Qwen3-30B-A3B: 768 on
    6144) waste most banks on zeros when fc1 is row sharded. With
    `split-hidden` (auto by default) fc1 is slice sharded instead: channel c
    gets slice c of the token (`pim.write_gb ... stride`), computes partial
    sums of every intermediate over it, the host adds them
    (`pim.read_acc ... add` into a scratch region), and after a
    `pim.barrier` each channel loads back the window of sums fc2 needs
    (`pim.set_acc ... stride`). It needs the hidden size to be a multiple of
    the channels and at most channels x banks intermediates, and serves one
    token per pass; it changes fc1's fp32 summation order.

    The `moe.experts` op stays as it is, so the host path still
    computes every expert; it gets a `pim.expert_programs` attribute: per
    expert the programs (`@module::@program`, one per `slots`), empty for
    experts not on PIM. Errors name the op: weights that are not constants,
    element types other than f32/f16/bf16, and experts that do not fit the
    device.
  }];
  let dependentDialects = ["::moe::pim::PIMDialect"];
  let options = [
    Option<"device", "device", "std::string", /*default=*/"\"hbm3e-pim\"",
           "PIM descriptor (built-in name or .json) the geometry starts from">,
    Option<"channels", "channels", "unsigned", /*default=*/"0",
           "Channels (0: the descriptor's)">,
    Option<"banks", "banks", "unsigned", /*default=*/"0",
           "Banks per channel (0: the descriptor's)">,
    Option<"rows", "rows", "unsigned", /*default=*/"0",
           "Rows per bank (0: the descriptor's)">,
    Option<"rowBytes", "row-bytes", "unsigned", /*default=*/"0",
           "Bytes per row (0: the descriptor's)">,
    Option<"burstBytes", "burst-bytes", "unsigned", /*default=*/"0",
           "Bytes per column access (0: the descriptor's)">,
    Option<"gbBytes", "gb-bytes", "unsigned", /*default=*/"0",
           "Global-buffer bytes per channel (0: the descriptor's)">,
    Option<"accumulators", "accumulators", "unsigned", /*default=*/"0",
           "Accumulators per bank (0: the descriptor's)">,
    Option<"storage", "storage", "std::string", /*default=*/"\"bf16\"",
           "Weight and global-buffer element type: bf16 or f16">,
    ListOption<"slots", "slots", "unsigned",
               "Token counts to compile a program for (default 1)">,
    Option<"chunkBytes", "chunk-bytes", "unsigned", /*default=*/"0",
           "Largest input chunk per WRGB (0: what the global buffer holds)">,
    Option<"batchTokens", "batch-tokens", "unsigned", /*default=*/"1",
           "Tokens that share every row activation in a program with that "
           "many slots (each needs its own GB chunk, intermediate and "
           "accumulators; fewer when they do not fit)">,
    Option<"splitHidden", "split-hidden", "std::string", /*default=*/"\"auto\"",
           "Split fc1 over the hidden dimension across channels, the host "
           "adding the partial sums: auto (where it takes fewer MACs and "
           "transfers), never, always (where the shape allows)">,
    Option<"moduleName", "module-name", "std::string",
           /*default=*/"\"pim_experts\"", "Name of the pim.module">
  ];
}

def PIMRowLocality : Pass<"pim-row-locality", "::moe::pim::DeviceModuleOp"> {
  let summary = "Do all MACs of an open row before closing it";
  let description = [{
    Between two commands that are not row or MAC commands, gathers the
    `pim.mac_all`s by the row they read and opens each row once (in the
    order rows are first used), so a row is activated and precharged once
    instead of once per tile and chunk. MACs into one accumulator keep
    their order, so results are bit-identical. Rows may stay open across
    other commands: a row open when a run starts takes its MACs first
    without an ACT, one open at its end goes last and stays open. Programs
    with per-channel row commands are left as they are. The lowering
    already emits rows in order, so its programs do not change.
  }];
}

def PIMDoubleBufferGB : Pass<"pim-double-buffer-gb", "::moe::pim::DeviceModuleOp"> {
  let summary = "Broadcast the next input chunk while the banks MAC the last";
  let description = [{
    Input chunks (`pim.write_gb` into the same global-buffer range) alternate
    between that range and a second one in free global-buffer space, so the
    write of chunk k+1 no longer waits for the MACs of chunk k; each write
    then moves up to just after the closest earlier row activation it may
    pass (commands that do not touch its range; no WRGB, barrier or RDACC),
    so an in-order channel sends its bursts while the banks wait tRCD. Does
    nothing when the global buffer has no room for a second chunk (compile
    with a smaller `chunk-bytes`), or when the program already sends a
    chunk burst by burst behind the MACs (a `pim.write_gb` right after a
    `pim.mac_all`, as the lowering does). Results are bit-identical.
  }];
}

def PIMStripModules : Pass<"pim-strip-modules", "::mlir::ModuleOp"> {
  let summary = "Drop the pim.modules and the programs attached to experts";
  let description = [{
    The host path after `convert-moe-to-pim`: the `moe.experts` ops still
    compute every expert, the PIM programs (exported with
    `moe-translate --export-pim` before) are not host code. Removes every
    `pim.module` and `pim.expert_programs` attribute; `moe-host-pipeline`
    runs it first.
  }];
}

#endif // MOE_PASSES_PASSES_TD
