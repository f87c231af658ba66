//===- HostPipeline.cpp - moe ops to LLVM for the host --------------------===//

#include "moe/Passes/Passes.h"
#include "moe/Passes/Pipelines.h"

#include "moe/Dialect/PIM/PIMOps.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void moe::buildHostPipeline(OpPassManager &pm,
                            const HostPipelineOptions &options) {
  // PIM programs are not host code; their experts run here as well.
  pm.addPass(createPIMStripModules());
  ConvertMoEToLinalgOptions lowering;
  lowering.runtimeChecks = options.runtimeChecks;
  pm.addPass(createConvertMoEToLinalg(lowering));
  // Frontends write element-wise arith/math on tensors around the MoE ops.
  pm.addPass(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  // Deallocation leaves bufferization.clone where a result aliases an
  // argument.
  pm.addPass(createConvertBufferizationToMemRefPass());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Subview metadata expands into affine.apply, so affine is lowered after.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // erf and friends have no LLVM intrinsic: call libm.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void moe::buildCompilePipeline(OpPassManager &pm,
                               const CompilePipelineOptions &options) {
  OutlineLayersOptions outline;
  outline.gpu = options.gpu;
  outline.pim = options.pim;
  outline.link = options.link;
  outline.policy = options.policy;
  pm.addPass(createOutlineLayers(outline));
  // Folds what is constant in the cloned expert weights.
  pm.addPass(createCanonicalizerPass());
  // Every expert also gets PIM programs (the runtime may move any of them
  // there), made fast by the program passes, then packed for the artifact
  // before the host lowering.
  CompilePimVariantsOptions variants;
  variants.pim = options.pim;
  pm.addPass(createCompilePimVariants(variants));
  OpPassManager &programs = pm.nest<pim::DeviceModuleOp>();
  programs.addPass(createPIMRowLocality());
  programs.addPass(createPIMDoubleBufferGB());
  pm.addPass(createPackPimVariants());
  pm.addPass(createCanonicalizerPass());
  buildHostPipeline(pm, HostPipelineOptions());
}

void moe::registerPipelines() {
  PassPipelineRegistration<CompilePipelineOptions>(
      "moe-compile",
      "Compile imported IR for the runtime: MoE layers become runtime calls "
      "that re-dispatch their experts every step, every expert also gets PIM "
      "programs for `pim`; the rest is host code (then moe-translate "
      "--export-artifact)",
      buildCompilePipeline);
  PassPipelineRegistration<HostPipelineOptions>(
      "moe-host-pipeline",
      "Lower moe ops on tensors to the LLVM dialect for the host (runs under "
      "mlir-runner)",
      buildHostPipeline);
  registerGPUPipeline();
}
