//===- Pipelines.h - named moe-mlir pipelines -------------------*- C++ -*-===//
//
// Pipelines follow upstream's convention: an options struct, a build
// function any pass manager can call, and registration for opt-like tools.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_PIPELINES_H
#define MOE_PASSES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

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
/// outlined for the runtime (moe-outline-layers), then the host pipeline.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineOptions &options);

/// Registers `moe-host-pipeline`.
void registerPipelines();

} // namespace moe

#endif // MOE_PASSES_PIPELINES_H
