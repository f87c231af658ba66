//===- Pipelines.h - named moe-mlir pipelines -------------------*- C++ -*-===//
//
// Pipelines follow upstream's convention: an options struct, a build
// function any pass manager can call, and registration for opt-like tools.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_PIPELINES_H
#define MOE_PASSES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace moe {

/// Options of `moe-host-pipeline`.
struct HostPipelineOptions
    : public mlir::PassPipelineOptions<HostPipelineOptions> {
  Option<bool> runtimeChecks{
      *this, "runtime-checks",
      llvm::cl::desc("Abort on out-of-range expert ids, offsets and "
                     "permutations"),
      llvm::cl::init(true)};
};

/// moe ops on tensors -> LLVM dialect for the host: convert-moe-to-linalg,
/// one-shot bufferization with buffer deallocation, loops, and the LLVM
/// conversions. The result runs under mlir-runner or any LLVM JIT.
void buildHostPipeline(mlir::OpPassManager &pm,
                       const HostPipelineOptions &options);

struct CompilePipelineOptions
    : public mlir::PassPipelineOptions<CompilePipelineOptions> {
  Option<std::string> gpu{*this, "gpu",
                          llvm::cl::desc("Default GPU descriptor of the run"),
                          llvm::cl::init("h100")};
  Option<std::string> pim{*this, "pim",
                          llvm::cl::desc("Default PIM descriptor of the run"),
                          llvm::cl::init("hbm3e-pim")};
  Option<std::string> link{*this, "link",
                           llvm::cl::desc("Default GPU <-> PIM link"),
                           llvm::cl::init("nvlink")};
  Option<std::string> policy{
      *this, "policy", llvm::cl::desc("Default placement policy of the run"),
      llvm::cl::init("sieve")};
};

/// Imported IR to what `moe-translate --export-artifact` takes: MoE layers
/// outlined for the runtime (moe-outline-layers), every expert compiled for
/// the PIM descriptor too and packed (moe-compile-pim-variants,
/// moe-pack-pim-variants), then the host pipeline.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineOptions &options);
/// Options of `moe-gpu-pipeline`.
struct GPUPipelineOptions
    : public mlir::PassPipelineOptions<GPUPipelineOptions> {
  ListOption<std::string> chips{
      *this, "chips",
      llvm::cl::desc("NVIDIA chips to compile for, one object each"),
      llvm::cl::list_init<std::string>({"sm_80", "sm_90"})};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu-module-to-binary format: isa (PTX), bin (cubin, "
                     "needs ptxas), fatbin, offload"),
      llvm::cl::init("isa")};
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit (libdevice, ptxas); default: $CUDA_HOME, "
                     "$CUDA_PATH, $CUDA_ROOT, then /usr/local/cuda"),
      llvm::cl::init("")};
  Option<int> optLevel{*this, "opt-level",
                       llvm::cl::desc("LLVM optimisation level of the kernels"),
                       llvm::cl::init(2)};
  Option<int64_t> tileM{*this, "tile-m", llvm::cl::init(32),
                        llvm::cl::desc("See convert-moe-to-gpu")};
  Option<int64_t> tileN{*this, "tile-n", llvm::cl::init(32),
                        llvm::cl::desc("See convert-moe-to-gpu")};
  Option<int64_t> tileK{*this, "tile-k", llvm::cl::init(16),
                        llvm::cl::desc("See convert-moe-to-gpu")};
  Option<int64_t> gemmThreads{*this, "gemm-threads", llvm::cl::init(256),
                              llvm::cl::desc("See convert-moe-to-gpu")};
  Option<int64_t> gemvWarps{*this, "gemv-warps", llvm::cl::init(4),
                            llvm::cl::desc("See convert-moe-to-gpu")};
  Option<int64_t> gemvMaxTokens{*this, "gemv-max-tokens", llvm::cl::init(8),
                                llvm::cl::desc("See convert-moe-to-gpu")};
  Option<bool> layerKernels{*this, "layer-kernels", llvm::cl::init(false),
                            llvm::cl::desc("See convert-moe-to-gpu")};
  Option<bool> tensorCores{*this, "tensor-cores", llvm::cl::init(true),
                           llvm::cl::desc("See convert-moe-to-gpu")};
};

/// convert-moe-to-gpu, then the gpu.modules through convert-gpu-to-nvvm to
/// one PTX (or cubin) object per chip in a gpu.binary. The host code stays
/// on tensors.
void buildGPUPipeline(mlir::OpPassManager &pm,
                      const GPUPipelineOptions &options);

/// The PTX ISA feature (`+ptxNN`) the first release supporting `chip` needs,
/// or "" for LLVM's default.
std::string ptxFeaturesForChip(llvm::StringRef chip);

/// Registers `moe-gpu-pipeline`.
void registerGPUPipeline();

/// Registers `moe-host-pipeline`.
void registerPipelines();

} // namespace moe

#endif // MOE_PASSES_PIPELINES_H
