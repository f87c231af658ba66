//===- GPUPipeline.cpp - GPU experts to PTX for several chips ------------===//
//
// convert-moe-to-gpu, then upstream's gpu -> nvvm path on the gpu.modules
// only: each module gets one #nvvm.target per chip and gpu-module-to-binary
// keeps one object per target side by side in the gpu.binary, so a runtime
// picks the variant its device runs without recompiling. The host side is
// left on tensors for moe-host-pipeline (and gpu-to-llvm) to finish.
//
//===----------------------------------------------------------------------===//

#include "moe/Passes/Passes.h"
#include "moe/Passes/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"

#include <cstdlib>

using namespace mlir;

/// Where the CUDA toolkit is installed on the project's machines.
static constexpr const char *kCudaDefault = "/usr/local/cuda";

std::string moe::ptxFeaturesForChip(llvm::StringRef chip) {
  unsigned sm = 0;
  llvm::StringRef digits = chip;
  if (!digits.consume_front("sm_"))
    return "";
  digits = digits.take_while([](char c) { return llvm::isDigit(c); });
  if (digits.getAsInteger(10, sm))
    return "";
  // The first PTX ISA of each architecture (PTX ISA release notes): sm_90 and
  // sm_90a need 8.0, sm_100 8.6, sm_120 8.7; older chips take LLVM's default.
  if (sm >= 120)
    return "+ptx87";
  if (sm >= 100)
    return "+ptx86";
  if (sm >= 90)
    return "+ptx80";
  return "";
}

void moe::buildGPUPipeline(OpPassManager &pm,
                           const GPUPipelineOptions &options) {
  ConvertMoEToGPUOptions lowering;
  lowering.tileM = options.tileM;
  lowering.tileN = options.tileN;
  lowering.tileK = options.tileK;
  lowering.gemmThreads = options.gemmThreads;
  lowering.gemvWarps = options.gemvWarps;
  lowering.gemvMaxTokens = options.gemvMaxTokens;
  lowering.layerKernels = options.layerKernels;
  lowering.tensorCores = options.tensorCores;
  pm.addPass(createConvertMoEToGPU(lowering));

  for (const std::string &chip : options.chips) {
    GpuNVVMAttachTargetOptions target;
    target.chip = chip;
    target.features = ptxFeaturesForChip(chip);
    target.optLevel = options.optLevel;
    pm.addPass(createGpuNVVMAttachTarget(target));
  }

  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  // ceildivsi and friends have no direct LLVM lowering.
  device.addPass(arith::createArithExpandOpsPass());
  device.addPass(memref::createExpandStridedMetadataPass());
  device.addPass(createLowerAffinePass());
  device.addPass(createSCFToControlFlowPass());
  device.addPass(createConvertGpuOpsToNVVMOps());
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());
  device.addPass(createReconcileUnrealizedCastsPass());

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format;
  // libdevice (expf, erff, tanhf of the epilogues) and ptxas come from the
  // toolkit; without a path upstream only looks at CUDA_* variables.
  binary.toolkitPath = options.cudaPath;
  if (binary.toolkitPath.empty())
    for (const char *variable : {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"})
      if (const char *value = std::getenv(variable); value && *value) {
        binary.toolkitPath = value;
        break;
      }
  if (binary.toolkitPath.empty() && llvm::sys::fs::is_directory(kCudaDefault))
    binary.toolkitPath = kCudaDefault;
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

void moe::registerGPUPipeline() {
  PassPipelineRegistration<GPUPipelineOptions>(
      "moe-gpu-pipeline",
      "Move GPU-placed experts into kernels and compile them to PTX (or "
      "cubin) for every chip in `chips`, one object per chip",
      buildGPUPipeline);
}
