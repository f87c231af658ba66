//===- LayerKernels.h - route, dispatch and combine kernels -----*- C++ -*-===//
//
// The rest of an MoE layer as kernels, so that a layer whose experts run on
// the GPU never leaves it:
//
// - route: one thread per token scores its router logits (softmax or
//   sigmoid), adds the correction bias for selection, masks all but the
//   best expert groups, takes top-k in k argmax rounds (ties to the lower
//   index, NaNs last, as the host lowering) and normalises and scales the
//   weights;
// - dispatch: one block counts the copies of each expert, takes the prefix
//   sum into the offsets and writes the stable permutation (each thread owns
//   experts and walks the assignments in order, so no atomics and the same
//   order as the host); a second kernel gathers the sorted rows;
// - combine: inverts the permutation, then one block per token sums its k
//   expert rows with their routing weights in slot order.
//
// Private to passes/MoEToGPU.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_MOETOGPU_LAYERKERNELS_H
#define MOE_PASSES_MOETOGPU_LAYERKERNELS_H

#include "KernelEmitter.h"

#include "moe/Dialect/MoE/MoEOps.h"

namespace moe::gpukernels {

/// Threads per block of the layer kernels.
constexpr int64_t kLayerThreads = 128;

struct RouteKernelSpec {
  mlir::Type elementType, idType;
  int64_t experts = 0, k = 0;
  Scoring scoring = Scoring::softmax;
  bool hasBias = false, normalize = false;
  double epsilon = 0.0, scale = 1.0;
  /// Group-limited routing: `groups` contiguous groups, `selectGroups` kept.
  int64_t groups = 0, selectGroups = 0;
};

/// Arguments: logits [?, E], bias [E] when present, ids [?, k],
/// weights [?, k]. Grid: ceil(T / kLayerThreads) x 1.
mlir::Operation *buildRouteKernel(mlir::OpBuilder &b, mlir::Location loc,
                                  KernelTarget target, llvm::StringRef name,
                                  const RouteKernelSpec &spec);

struct DispatchKernelSpec {
  mlir::Type elementType, idType;
  int64_t experts = 0, k = 0, hidden = 0;
};

/// Arguments: ids [?, k], offsets [E + 1] (i64), perm [?] (i64).
/// Grid: 1 x 1.
mlir::Operation *buildDispatchOffsetsKernel(mlir::OpBuilder &b,
                                            mlir::Location loc,
                                            KernelTarget target,
                                            llvm::StringRef name,
                                            const DispatchKernelSpec &spec);
/// Arguments: tokens [?, H], perm [?] (i64), sorted [?, H].
/// Grid: T * k x 1.
mlir::Operation *buildDispatchGatherKernel(mlir::OpBuilder &b,
                                           mlir::Location loc,
                                           KernelTarget target,
                                           llvm::StringRef name,
                                           const DispatchKernelSpec &spec);

struct CombineKernelSpec {
  mlir::Type elementType;
  int64_t k = 0, hidden = 0;
};

/// Arguments: perm [?] (i64), inverse [?] (i64).
/// Grid: ceil(T * k / kLayerThreads) x 1.
mlir::Operation *buildInvertPermutationKernel(mlir::OpBuilder &b,
                                              mlir::Location loc,
                                              KernelTarget target,
                                              llvm::StringRef name);
/// Arguments: expert outputs [?, H], weights [?, k], inverse [?] (i64),
/// result [?, H]. Grid: T x 1.
mlir::Operation *buildCombineKernel(mlir::OpBuilder &b, mlir::Location loc,
                                    KernelTarget target, llvm::StringRef name,
                                    const CombineKernelSpec &spec);

} // namespace moe::gpukernels

#endif // MOE_PASSES_MOETOGPU_LAYERKERNELS_H
