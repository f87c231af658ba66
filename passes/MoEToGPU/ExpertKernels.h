//===- ExpertKernels.h - grouped expert matmul kernels ----------*- C++ -*-===//
//
// The two kernels of one expert matmul (fc1 with its fused bias and
// activation, or fc2 with its bias) over tokens sorted by expert:
//
// - a tiled grouped GEMM for experts with many tokens: a block computes a
//   tileM x tileN tile of one expert's rows, staging tokens and weights
//   through shared memory;
// - a GEMV-like kernel for experts with at most `gemvMaxTokens` tokens: a
//   warp computes one output feature of all the expert's tokens with wide
//   vector loads of the weight row and a shuffle reduction.
//
// Both take the same arguments and are launched together; every block
// decides from the per-expert offsets and placement mask read at run time
// whether its expert is its kernel's, so one compiled module serves every
// token distribution. Private to passes/MoEToGPU.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_MOETOGPU_EXPERTKERNELS_H
#define MOE_PASSES_MOETOGPU_EXPERTKERNELS_H

#include "KernelEmitter.h"

#include "moe/Dialect/MoE/MoEOps.h"

#include <optional>

namespace moe::gpukernels {

/// Tile sizes shared by both kernels of one matmul.
struct KernelTiling {
  int64_t tileM = 32, tileN = 32, tileK = 16, gemmThreads = 256;
  int64_t gemvWarps = 4, gemvMaxTokens = 8;
  /// f16/bf16 GEMMs use mma.sync when the tiling allows (WarpMma.h).
  bool tensorCores = true;
};

/// One expert matmul `out[r, c] = epilogue(x[r, :] . W[e, row(c), :])`.
/// Weights are ONNX Runtime's [out, in] layout, stacked over experts.
struct ExpertMatmulSpec {
  mlir::Type elementType;
  int64_t numExperts = 0;
  /// K: features read per token row.
  int64_t inFeatures = 0;
  /// Columns of the result.
  int64_t outFeatures = 0;
  /// Rows of W per expert (2 * outFeatures for fused gated layouts).
  int64_t weightRows = 0;
  bool hasBias = false;
  /// swiglu(separate): the linear half comes from a second weight (fc3).
  bool hasLinearWeights = false, hasLinearBias = false;
  Activation activation = Activation::identity;
  GateLayout layout = GateLayout::separate;
  double alpha = 1.0, beta = 0.0;
  std::optional<double> limit;
  KernelTiling tiling;

  bool isGated() const { return activation == Activation::swiglu; }
};

/// The kernel arguments, in order: tokens [?, K], offsets [E + 1] (i64),
/// placed [E] (i8, nonzero = run here), W [E, R, K], then W3 [E, O, K],
/// bias [E, R], bias3 [E, O] when present, out [?, O].
llvm::SmallVector<mlir::Type>
expertMatmulArgTypes(mlir::MLIRContext *ctx, const ExpertMatmulSpec &spec);

/// Emits the tiled grouped GEMM kernel `name` at the builder's position.
mlir::Operation *buildGroupedGemmKernel(mlir::OpBuilder &b, mlir::Location loc,
                                        KernelTarget target,
                                        llvm::StringRef name,
                                        const ExpertMatmulSpec &spec);
/// Emits the few-token (GEMV) kernel `name` at the builder's position.
mlir::Operation *buildGemvKernel(mlir::OpBuilder &b, mlir::Location loc,
                                 KernelTarget target, llvm::StringRef name,
                                 const ExpertMatmulSpec &spec);

/// Grid extents (x, y) for `numRows` sorted rows; block sizes are fixed by
/// the tiling (gemmThreads and 32 * gemvWarps).
std::pair<mlir::Value, mlir::Value>
groupedGemmGrid(mlir::OpBuilder &b, mlir::Location loc,
                const ExpertMatmulSpec &spec, mlir::Value numRows);
std::pair<mlir::Value, mlir::Value>
gemvGrid(mlir::OpBuilder &b, mlir::Location loc, const ExpertMatmulSpec &spec);

/// The f32 activation of the fc1 epilogue: `act(gate)` or, for swiglu,
/// `swiglu(gate, linear)`.
mlir::Value applyEpilogueActivation(mlir::OpBuilder &b, mlir::Location loc,
                                    const ExpertMatmulSpec &spec,
                                    mlir::Value gate, mlir::Value linear);

} // namespace moe::gpukernels

#endif // MOE_PASSES_MOETOGPU_EXPERTKERNELS_H
