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

/// Registers `moe-host-pipeline`.
void registerPipelines();

} // namespace moe

#endif // MOE_PASSES_PIPELINES_H
