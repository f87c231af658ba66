//===- Passes.h - moe-mlir passes -------------------------------*- C++ -*-===//
//
// Pass constructors, the reusable conversion patterns behind them, and
// registration for opt-like tools.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_PASSES_H
#define MOE_PASSES_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "moe/Dialect/PIM/PIMOps.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace moe {

#define GEN_PASS_DECL
#include "moe/Passes/Passes.h.inc"

/// Options of the moe -> linalg patterns.
struct MoEToLinalgOptions {
  /// Emit cf.assert checks on expert ids, offsets and permutations.
  bool runtimeChecks = true;
};

/// Adds the patterns that lower every moe op to linalg/tensor/arith/math/scf
/// so another toolchain can run them inside its own conversion.
void populateMoEToLinalgConversionPatterns(
    mlir::RewritePatternSet &patterns, const MoEToLinalgOptions &options = {});

/// Options of the moe -> gpu patterns (see convert-moe-to-gpu).
struct MoEToGPUOptions {
  int64_t tileM = 32, tileN = 32, tileK = 16, gemmThreads = 256;
  int64_t gemvWarps = 4, gemvMaxTokens = 8;
  /// Emit the kernels as serial host functions instead of a gpu.module.
  bool emulateOnHost = false;
  /// Also lower moe.route, moe.dispatch and moe.combine to kernels.
  bool layerKernels = false;
  /// Run the f16/bf16 GEMM's inner product on tensor cores (mma.sync) when
  /// the tiling cuts into whole m16n8k16 steps.
  bool tensorCores = true;
};

/// Checks that `op`'s GPU experts can be compiled with `options`; emits a
/// located error and fails otherwise. Ops with no GPU expert pass.
llvm::LogicalResult verifyMoEToGPUSupport(mlir::Operation *op,
                                          const MoEToGPUOptions &options);

/// Adds the patterns that move the GPU-placed experts of moe.experts (and,
/// with `layerKernels`, moe.route, moe.dispatch and moe.combine) into GPU
/// kernels (see convert-moe-to-gpu). The module must be reachable from
/// the op: the kernels are added to it.
void populateMoEToGPUConversionPatterns(mlir::RewritePatternSet &patterns,
                                        const MoEToGPUOptions &options = {});

#define GEN_PASS_REGISTRATION
#include "moe/Passes/Passes.h.inc"

} // namespace moe

#endif // MOE_PASSES_PASSES_H
