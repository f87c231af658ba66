//===- KernelEmitter.h - one kernel body, two ways to run it ----*- C++ -*-===//
//
// The expert kernels are written once against this interface. On the GPU a
// block is a gpu.func invocation and a "phase" is straight-line per-thread
// code followed by gpu.barrier. On the host (for checking numerics without a
// GPU) the same builders emit a func.func that loops over blocks and runs
// every phase as a loop over the block's threads: a barrier is the end of
// that loop, so the shared-memory protocol is executed exactly as written.
// Per-thread (private) memory becomes a [threads, n] buffer indexed by thread.
// Private to passes/MoEToGPU.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_MOETOGPU_KERNELEMITTER_H
#define MOE_PASSES_MOETOGPU_KERNELEMITTER_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

namespace moe::gpukernels {

/// Where a kernel body is emitted.
enum class KernelTarget {
  /// A `gpu.func ... kernel` inside a `gpu.module`.
  gpu,
  /// A `func.func` whose body loops over blocks and threads (serialised).
  host,
};

/// A per-thread array of f32 values (accumulators).
struct PrivateArray {
  mlir::Value memory;
};

/// A per-block array shared by the block's threads.
struct SharedArray {
  mlir::Value memory;
};

using ThreadBody = llvm::function_ref<void(mlir::OpBuilder &, mlir::Value)>;

/// Emits one kernel: arguments, block ids, phases, shared and private memory.
class KernelEmitter {
public:
  /// Creates the kernel `name` with `argTypes` at the builder's insertion
  /// point (inside a gpu.module for `gpu`, a module for `host`). The host
  /// form takes two more index arguments: the grid's x and y extents.
  KernelEmitter(mlir::OpBuilder &b, mlir::Location loc, KernelTarget target,
                llvm::StringRef name, mlir::TypeRange argTypes,
                int64_t numThreads);

  KernelTarget getTarget() const { return target; }
  int64_t getNumThreads() const { return numThreads; }
  mlir::Value getArgument(unsigned i) const;
  /// The block index along x (0) or y (1).
  mlir::Value blockId(unsigned dim) const { return blockIds[dim]; }
  /// The builder positioned in the block body.
  mlir::OpBuilder &builder() { return body; }
  mlir::Location getLoc() const { return loc; }

  /// Memory shared by the block, `shape` of f32.
  SharedArray allocShared(llvm::ArrayRef<int64_t> shape);
  /// `size` f32 values per thread.
  PrivateArray allocPrivate(int64_t size);
  mlir::Value loadPrivate(mlir::OpBuilder &b, PrivateArray array,
                          mlir::Value thread, mlir::Value index);
  void storePrivate(mlir::OpBuilder &b, PrivateArray array, mlir::Value thread,
                    mlir::Value index, mlir::Value value);

  /// Runs `fn(builder, threadId)` for every thread of the block; with
  /// `synchronize` no thread continues before all finished it.
  void phase(mlir::OpBuilder &b, ThreadBody fn, bool synchronize = true);

  /// Sums `array[0 ..< count]` across each warp of 32 threads with the
  /// xor butterfly of gpu.shuffle; every lane ends with the warp's sum. The
  /// host form exchanges through a shared array in the same order, so both
  /// forms add the same numbers in the same order.
  void warpReduceSum(mlir::OpBuilder &b, PrivateArray array, int64_t count);

  /// Ends the kernel (gpu.return / the block loops and func.return).
  void finish();

  /// The emitted kernel (a gpu::GPUFuncOp or a func::FuncOp).
  mlir::Operation *getKernel() const { return kernel; }

private:
  mlir::OpBuilder body;
  mlir::Location loc;
  KernelTarget target;
  int64_t numThreads;
  mlir::Operation *kernel = nullptr;
  mlir::Block *entry = nullptr;
  mlir::Value blockIds[2];
  /// Host only: the builder after the block loops, for func.return.
  mlir::OpBuilder::InsertPoint afterBlocks;
  mlir::Value exchange;
};

} // namespace moe::gpukernels

#endif // MOE_PASSES_MOETOGPU_KERNELEMITTER_H
