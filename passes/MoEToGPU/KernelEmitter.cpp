//===- KernelEmitter.cpp - one kernel body, two ways to run it ------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace moe::gpukernels {

static Value index(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

KernelEmitter::KernelEmitter(OpBuilder &b, Location loc, KernelTarget target,
                             StringRef name, TypeRange argTypes,
                             int64_t numThreads)
    : body(b.getContext()), loc(loc), target(target), numThreads(numThreads) {
  MLIRContext *ctx = b.getContext();
  if (target == KernelTarget::gpu) {
    auto func = gpu::GPUFuncOp::create(b, loc, name,
                                       FunctionType::get(ctx, argTypes, {}));
    func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
    // The launch always uses this block size; NVVM uses it as reqntid.
    func.setKnownBlockSizeAttr(
        DenseI32ArrayAttr::get(ctx, {static_cast<int32_t>(numThreads), 1, 1}));
    kernel = func;
    entry = &func.getBody().front();
    body.setInsertionPointToStart(entry);
    blockIds[0] = gpu::BlockIdOp::create(body, loc, gpu::Dimension::x);
    blockIds[1] = gpu::BlockIdOp::create(body, loc, gpu::Dimension::y);
    return;
  }

  SmallVector<Type> hostArgs(argTypes);
  hostArgs.append(2, b.getIndexType());
  auto func =
      func::FuncOp::create(b, loc, name, FunctionType::get(ctx, hostArgs, {}));
  func.setPrivate();
  kernel = func;
  entry = func.addEntryBlock();
  body.setInsertionPointToStart(entry);
  Value gridX = entry->getArgument(argTypes.size());
  Value gridY = entry->getArgument(argTypes.size() + 1);
  Value zero = index(body, loc, 0), one = index(body, loc, 1);
  auto loopX = scf::ForOp::create(body, loc, zero, gridX, one);
  body.setInsertionPointToStart(loopX.getBody());
  auto loopY = scf::ForOp::create(body, loc, zero, gridY, one);
  blockIds[0] = loopX.getInductionVar();
  blockIds[1] = loopY.getInductionVar();
  OpBuilder after(ctx);
  after.setInsertionPointAfter(loopX);
  afterBlocks = after.saveInsertionPoint();
  body.setInsertionPointToStart(loopY.getBody());
}

Value KernelEmitter::getArgument(unsigned i) const {
  return entry->getArgument(i);
}

SharedArray KernelEmitter::allocShared(ArrayRef<int64_t> shape) {
  Type f32 = body.getF32Type();
  if (target == KernelTarget::gpu) {
    auto space = gpu::AddressSpaceAttr::get(body.getContext(),
                                            gpu::AddressSpace::Workgroup);
    auto type = MemRefType::get(shape, f32, MemRefLayoutAttrInterface(), space);
    return {cast<gpu::GPUFuncOp>(kernel).addWorkgroupAttribution(type, loc)};
  }
  // Blocks run one after another on the host, so one buffer serves all.
  OpBuilder atEntry = OpBuilder::atBlockBegin(entry);
  return {memref::AllocaOp::create(atEntry, loc, MemRefType::get(shape, f32))};
}

PrivateArray KernelEmitter::allocPrivate(int64_t size) {
  Type f32 = body.getF32Type();
  if (target == KernelTarget::gpu) {
    auto space = gpu::AddressSpaceAttr::get(body.getContext(),
                                            gpu::AddressSpace::Private);
    auto type =
        MemRefType::get({size}, f32, MemRefLayoutAttrInterface(), space);
    return {cast<gpu::GPUFuncOp>(kernel).addPrivateAttribution(type, loc)};
  }
  OpBuilder atEntry = OpBuilder::atBlockBegin(entry);
  return {memref::AllocaOp::create(atEntry, loc,
                                   MemRefType::get({numThreads, size}, f32))};
}

Value KernelEmitter::loadPrivate(OpBuilder &b, PrivateArray array, Value thread,
                                 Value i) {
  if (target == KernelTarget::gpu)
    return memref::LoadOp::create(b, loc, array.memory, ValueRange{i});
  return memref::LoadOp::create(b, loc, array.memory, ValueRange{thread, i});
}

void KernelEmitter::storePrivate(OpBuilder &b, PrivateArray array, Value thread,
                                 Value i, Value value) {
  if (target == KernelTarget::gpu) {
    memref::StoreOp::create(b, loc, value, array.memory, ValueRange{i});
    return;
  }
  memref::StoreOp::create(b, loc, value, array.memory, ValueRange{thread, i});
}

void KernelEmitter::phase(OpBuilder &b, ThreadBody fn, bool synchronize) {
  if (target == KernelTarget::gpu) {
    Value thread = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    fn(b, thread);
    if (synchronize)
      gpu::BarrierOp::create(b, loc);
    return;
  }
  scf::ForOp::create(b, loc, index(b, loc, 0), index(b, loc, numThreads),
                     index(b, loc, 1), ValueRange{},
                     [&](OpBuilder &nb, Location nl, Value t, ValueRange) {
                       fn(nb, t);
                       scf::YieldOp::create(nb, nl);
                     });
}

void KernelEmitter::warpReduceSum(OpBuilder &b, PrivateArray array,
                                  int64_t count) {
  static constexpr int64_t kOffsets[] = {16, 8, 4, 2, 1};
  auto forEachSlot = [&](OpBuilder &ob,
                         function_ref<void(OpBuilder &, Value)> fn) {
    scf::ForOp::create(ob, loc, index(ob, loc, 0), index(ob, loc, count),
                       index(ob, loc, 1), ValueRange{},
                       [&](OpBuilder &nb, Location nl, Value i, ValueRange) {
                         fn(nb, i);
                         scf::YieldOp::create(nb, nl);
                       });
  };
  if (target == KernelTarget::gpu) {
    phase(
        b,
        [&](OpBuilder &pb, Value thread) {
          forEachSlot(pb, [&](OpBuilder &nb, Value i) {
            Value v = loadPrivate(nb, array, thread, i);
            Value width = arith::ConstantIntOp::create(nb, loc, 32, 32);
            for (int64_t offset : kOffsets) {
              Value o = arith::ConstantIntOp::create(nb, loc, offset, 32);
              Value other = gpu::ShuffleOp::create(nb, loc, v, o, width,
                                                   gpu::ShuffleMode::XOR)
                                .getShuffleResult();
              v = arith::AddFOp::create(nb, loc, v, other);
            }
            storePrivate(nb, array, thread, i, v);
          });
        },
        /*synchronize=*/false);
    return;
  }
  if (!exchange) {
    OpBuilder atEntry = OpBuilder::atBlockBegin(entry);
    exchange = memref::AllocaOp::create(
        atEntry, loc, MemRefType::get({numThreads}, body.getF32Type()));
  }
  forEachSlot(b, [&](OpBuilder &sb, Value i) {
    for (int64_t offset : kOffsets) {
      phase(sb, [&](OpBuilder &nb, Value t) {
        memref::StoreOp::create(nb, loc, loadPrivate(nb, array, t, i), exchange,
                                ValueRange{t});
      });
      phase(sb, [&](OpBuilder &nb, Value t) {
        Value partner =
            arith::XOrIOp::create(nb, loc, t, index(nb, loc, offset));
        Value other = memref::LoadOp::create(nb, loc, exchange, partner);
        Value v =
            arith::AddFOp::create(nb, loc, loadPrivate(nb, array, t, i), other);
        storePrivate(nb, array, t, i, v);
      });
    }
  });
}

void KernelEmitter::finish() {
  if (target == KernelTarget::gpu) {
    gpu::ReturnOp::create(body, loc);
    return;
  }
  // The scf.for builders already terminated the block loops.
  OpBuilder after(body.getContext());
  after.restoreInsertionPoint(afterBlocks);
  func::ReturnOp::create(after, loc);
}

} // namespace moe::gpukernels
