//===- WarpMma.h - the m16n8k16 tensor-core step of the GEMM ----*- C++ -*-===//
//
// The grouped GEMM's inner product on tensor cores: each warp of a block
// owns m16n8 tiles of the block's tileM x tileN output and, per 16-wide
// slice of the staged reduction dimension, issues one `mma.sync.m16n8k16`
// (nvvm.mma.sync, sm_80 and later; f16 or bf16 operands, f32
// accumulators). The lane/register layout of the fragments is the PTX ISA's
// ("Matrix Fragments for mma.m16n8k16 with floating point type"):
//
//   groupID = lane / 4, threadID_in_group = lane % 4
//   A a_i (i < 8):  row groupID + 8*((i/2)%2), col 2*tig + i%2 + 8*(i/4)
//   B b_i (i < 4):  k   2*tig + i%2 + 8*(i/2), col groupID
//   C c_i (i < 4):  row groupID + 8*(i/2),     col 2*tig + i%2
//
// On the host (emulate-on-host) every lane stores the fragment registers
// it would hold, and the multiply reads each operand element from the lane
// that holds it through the inverse of that layout, written out separately.
// A mistake in either direction therefore changes the emulated numbers.
// Private to passes/MoEToGPU.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_MOETOGPU_WARPMMA_H
#define MOE_PASSES_MOETOGPU_WARPMMA_H

#include "KernelEmitter.h"

namespace moe::gpukernels {

/// How a block tile is cut into m16n8 warp tiles.
struct WarpMmaTiling {
  /// m16n8 tiles along N in the block tile (tileN / 8).
  int64_t tilesAlongN = 0;
  /// m16n8 tiles each warp computes.
  int64_t tilesPerWarp = 0;
  /// mma.sync steps per staged slice (tileK / 16).
  int64_t kSteps = 0;

  /// Accumulators per thread and weight operand: 4 per warp tile.
  int64_t accumulatorsPerThread() const { return 4 * tilesPerWarp; }
};

/// The tensor-core tiling of a tileM x tileN x tileK block tile computed by
/// `threads` threads, or nothing when the tile does not cut into whole
/// m16n8k16 steps shared evenly by whole warps.
std::optional<WarpMmaTiling> getWarpMmaTiling(int64_t tileM, int64_t tileN,
                                              int64_t tileK, int64_t threads);

/// Adds `tokens[m, k] * weights[w][n, k]` over the staged slice to every
/// accumulator of every thread: acc[accBase[w] + 4*t + i] of thread `tid` is
/// output element mmaOutputPosition(tid, 4*t + i) for weight tile w.
/// `tokens` is tileM x (>= tileK), each weight tile tileN x (>= tileK), all
/// holding values of `elementType` (f16 or bf16) widened to f32.
void emitWarpMma(KernelEmitter &k, mlir::OpBuilder &b,
                 const WarpMmaTiling &tiling, mlir::Type elementType,
                 SharedArray tokens, llvm::ArrayRef<SharedArray> weights,
                 PrivateArray acc, llvm::ArrayRef<int64_t> accBase);

/// The (row, column) in the block tile of accumulator `slot` (< 4 *
/// tilesPerWarp) of thread `tid`.
std::pair<mlir::Value, mlir::Value>
mmaOutputPosition(mlir::OpBuilder &b, mlir::Location loc,
                  const WarpMmaTiling &tiling, mlir::Value tid,
                  mlir::Value slot);

} // namespace moe::gpukernels

#endif // MOE_PASSES_MOETOGPU_WARPMMA_H
