//===- WarpMma.cpp - the m16n8k16 tensor-core step of the GEMM ------------===//

#include "WarpMma.h"
#include "KernelBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace moe::gpukernels {

namespace {

constexpr int64_t kWarpSize = 32, kMmaM = 16, kMmaN = 8, kMmaK = 16;
/// Fragment elements per lane: a0..a7 and b0..b3.
constexpr int64_t kAElements = 8, kBElements = 4;

Value divui(OpBuilder &b, Location loc, Value x, int64_t y) {
  return arith::DivUIOp::create(b, loc, x, idx(b, loc, y));
}
Value remui(OpBuilder &b, Location loc, Value x, int64_t y) {
  return arith::RemUIOp::create(b, loc, x, idx(b, loc, y));
}
Value addc(OpBuilder &b, Location loc, Value x, int64_t y) {
  return y == 0 ? x : addi(b, loc, x, idx(b, loc, y));
}
Value mulc(OpBuilder &b, Location loc, Value x, int64_t y) {
  return muli(b, loc, x, idx(b, loc, y));
}

/// A thread's warp, and its lane's groupID and threadID_in_group.
struct LaneCoords {
  Value warp, group, threadInGroup;
};

LaneCoords laneCoords(OpBuilder &b, Location loc, Value tid) {
  Value lane = remui(b, loc, tid, kWarpSize);
  return {divui(b, loc, tid, kWarpSize), divui(b, loc, lane, 4),
          remui(b, loc, lane, 4)};
}

/// Top-left (row, column) in the block tile of warp tile `t` of `warp`:
/// warps take consecutive tiles, row-major over the tileM/16 x tileN/8 grid.
std::pair<Value, Value> warpTileOrigin(OpBuilder &b, Location loc,
                                       const WarpMmaTiling &tiling, Value warp,
                                       Value t) {
  Value q = addi(b, loc, mulc(b, loc, warp, tiling.tilesPerWarp), t);
  return {mulc(b, loc, divui(b, loc, q, tiling.tilesAlongN), kMmaM),
          mulc(b, loc, remui(b, loc, q, tiling.tilesAlongN), kMmaN)};
}

// The PTX layout, lane to element.

/// (row, k) in the 16x16 A tile of a_i.
std::pair<Value, Value> aElement(OpBuilder &b, Location loc,
                                 const LaneCoords &c, int64_t i) {
  Value row = addc(b, loc, c.group, 8 * ((i / 2) % 2));
  Value k = addc(b, loc, mulc(b, loc, c.threadInGroup, 2), i % 2 + 8 * (i / 4));
  return {row, k};
}
/// (k, n) in the 16x8 B tile of b_i.
std::pair<Value, Value> bElement(OpBuilder &b, Location loc,
                                 const LaneCoords &c, int64_t i) {
  Value k = addc(b, loc, mulc(b, loc, c.threadInGroup, 2), i % 2 + 8 * (i / 2));
  return {k, c.group};
}
/// (row, column) in the 16x8 C tile of c_i (i may be dynamic).
std::pair<Value, Value> cElement(OpBuilder &b, Location loc,
                                 const LaneCoords &c, Value i) {
  Value row = addi(b, loc, c.group, mulc(b, loc, divui(b, loc, i, 2), 8));
  Value col =
      addi(b, loc, mulc(b, loc, c.threadInGroup, 2), remui(b, loc, i, 2));
  return {row, col};
}

// The inverse, element to lane, for the host's emulation of mma.sync. It is
// derived separately from the table above, not by inverting the code.

/// The lane holding A[row, k] and the i of its a_i.
std::pair<Value, Value> aOwner(OpBuilder &b, Location loc, Value row, Value k) {
  Value lane = addi(b, loc, mulc(b, loc, remui(b, loc, row, 8), 4),
                    divui(b, loc, remui(b, loc, k, 8), 2));
  Value i = addi(b, loc,
                 addi(b, loc, mulc(b, loc, divui(b, loc, k, 8), 4),
                      mulc(b, loc, divui(b, loc, row, 8), 2)),
                 remui(b, loc, k, 2));
  return {lane, i};
}
/// The lane holding B[k, n] and the i of its b_i.
std::pair<Value, Value> bOwner(OpBuilder &b, Location loc, Value k, Value n) {
  Value lane =
      addi(b, loc, mulc(b, loc, n, 4), divui(b, loc, remui(b, loc, k, 8), 2));
  Value i =
      addi(b, loc, mulc(b, loc, divui(b, loc, k, 8), 2), remui(b, loc, k, 2));
  return {lane, i};
}

/// The staged value at (row, k) of `tile`, rounded to the operand type as
/// the tensor core reads it (exact for values that came from it).
Value loadOperand(OpBuilder &b, Location loc, Type elementType,
                  SharedArray tile, Value row, Value k) {
  Value v = memref::LoadOp::create(b, loc, tile.memory, ValueRange{row, k});
  return arith::TruncFOp::create(b, loc, elementType, v);
}

/// Two operand values as one 32-bit mma register: low half first.
Value packPair(OpBuilder &b, Location loc, Type elementType, Value lo,
               Value hi) {
  auto pair = VectorType::get({2}, elementType);
  Value v = vector::FromElementsOp::create(b, loc, pair, ValueRange{lo, hi});
  if (elementType.isF16())
    return v;
  // bf16 operands are i32 registers in the NVVM op.
  return LLVM::BitcastOp::create(b, loc, b.getI32Type(), v);
}

void emitOnGpu(KernelEmitter &k, OpBuilder &b, const WarpMmaTiling &tiling,
               Type elementType, SharedArray tokens,
               ArrayRef<SharedArray> weights, PrivateArray acc,
               ArrayRef<int64_t> accBase) {
  Location loc = k.getLoc();
  Type f32 = b.getF32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  NVVM::MMATypes ptxType =
      elementType.isF16() ? NVVM::MMATypes::f16 : NVVM::MMATypes::bf16;
  k.phase(b, [&](OpBuilder &pb, Value tid) {
    LaneCoords c = laneCoords(pb, loc, tid);
    for (int64_t t = 0; t < tiling.tilesPerWarp; ++t) {
      auto [m0, n0] = warpTileOrigin(pb, loc, tiling, c.warp, idx(pb, loc, t));
      for (int64_t s = 0; s < tiling.kSteps; ++s) {
        int64_t k0 = s * kMmaK;
        auto element = [&](SharedArray tile, Value origin, Value rowInTile,
                           Value kInTile) {
          return loadOperand(pb, loc, elementType, tile,
                             addi(pb, loc, origin, rowInTile),
                             addc(pb, loc, kInTile, k0));
        };
        // Registers of `elements` operand values, two per register, each
        // at (row, k) = rowAndK(i) of `tile` from `origin`.
        auto registers =
            [&](int64_t elements, SharedArray tile, Value origin,
                function_ref<std::pair<Value, Value>(int64_t)> rowAndK) {
              SmallVector<Value, 4> regs;
              for (int64_t i = 0; i < elements; i += 2) {
                std::pair<Value, Value> lo = rowAndK(i), hi = rowAndK(i + 1);
                regs.push_back(
                    packPair(pb, loc, elementType,
                             element(tile, origin, lo.first, lo.second),
                             element(tile, origin, hi.first, hi.second)));
              }
              return regs;
            };
        SmallVector<Value, 4> a =
            registers(kAElements, tokens, m0,
                      [&](int64_t i) { return aElement(pb, loc, c, i); });
        for (auto [w, tile] : llvm::enumerate(weights)) {
          // The weight tiles are [n][k]: B column-major, as mma's .col reads.
          SmallVector<Value, 4> bRegs =
              registers(kBElements, tile, n0, [&](int64_t i) {
                std::pair<Value, Value> kn = bElement(pb, loc, c, i);
                return std::make_pair(kn.second, kn.first);
              });
          int64_t base = accBase[w] + 4 * t;
          SmallVector<Value, 4> cRegs;
          for (int64_t i = 0; i < 4; ++i)
            cRegs.push_back(
                k.loadPrivate(pb, acc, tid, idx(pb, loc, base + i)));
          Value d = NVVM::MmaOp::create(
              pb, loc, resultType, a, bRegs, cRegs,
              /*shape=*/{kMmaM, kMmaN, kMmaK}, /*b1Op=*/std::nullopt,
              /*intOverflow=*/std::nullopt,
              std::array<NVVM::MMATypes, 2>{ptxType, ptxType},
              std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                             NVVM::MMALayout::col});
          for (int64_t i = 0; i < 4; ++i)
            k.storePrivate(pb, acc, tid, idx(pb, loc, base + i),
                           LLVM::ExtractValueOp::create(pb, loc, d, i));
        }
      }
    }
  });
}

void emitOnHost(KernelEmitter &k, OpBuilder &b, const WarpMmaTiling &tiling,
                Type elementType, SharedArray tokens,
                ArrayRef<SharedArray> weights, PrivateArray acc,
                ArrayRef<int64_t> accBase) {
  Location loc = k.getLoc();
  int64_t numWeights = weights.size();
  // Per (warp tile, k step): a0..a7, then b0..b3 of each weight operand.
  int64_t stepSize = kAElements + kBElements * numWeights;
  PrivateArray fragments =
      k.allocPrivate(tiling.tilesPerWarp * tiling.kSteps * stepSize);
  auto aSlot = [&](int64_t t, int64_t s) {
    return (t * tiling.kSteps + s) * stepSize;
  };
  auto bSlot = [&](int64_t t, int64_t s, int64_t w) {
    return aSlot(t, s) + kAElements + kBElements * w;
  };

  // Every lane loads the registers it would hold.
  k.phase(b, [&](OpBuilder &pb, Value tid) {
    LaneCoords c = laneCoords(pb, loc, tid);
    auto store = [&](int64_t slot, SharedArray tile, Value row, Value kk) {
      Value v = arith::ExtFOp::create(
          pb, loc, pb.getF32Type(),
          loadOperand(pb, loc, elementType, tile, row, kk));
      k.storePrivate(pb, fragments, tid, idx(pb, loc, slot), v);
    };
    for (int64_t t = 0; t < tiling.tilesPerWarp; ++t) {
      auto [m0, n0] = warpTileOrigin(pb, loc, tiling, c.warp, idx(pb, loc, t));
      for (int64_t s = 0; s < tiling.kSteps; ++s) {
        for (int64_t i = 0; i < kAElements; ++i) {
          auto [r, kk] = aElement(pb, loc, c, i);
          store(aSlot(t, s) + i, tokens, addi(pb, loc, m0, r),
                addc(pb, loc, kk, s * kMmaK));
        }
        for (auto [w, tile] : llvm::enumerate(weights))
          for (int64_t i = 0; i < kBElements; ++i) {
            auto [kk, n] = bElement(pb, loc, c, i);
            store(bSlot(t, s, w) + i, tile, addi(pb, loc, n0, n),
                  addc(pb, loc, kk, s * kMmaK));
          }
      }
    }
  });

  // The multiply: each output element of a lane reads A and B from the
  // lanes of its warp that hold them.
  k.phase(b, [&](OpBuilder &pb, Value tid) {
    LaneCoords c = laneCoords(pb, loc, tid);
    Value warpBase = mulc(pb, loc, c.warp, kWarpSize);
    for (int64_t t = 0; t < tiling.tilesPerWarp; ++t)
      for (int64_t s = 0; s < tiling.kSteps; ++s)
        for (int64_t w = 0; w < numWeights; ++w)
          for (int64_t i = 0; i < 4; ++i) {
            std::pair<Value, Value> out = cElement(pb, loc, c, idx(pb, loc, i));
            Value row = out.first, col = out.second;
            auto dot = scf::ForOp::create(
                pb, loc, idx(pb, loc, 0), idx(pb, loc, kMmaK), idx(pb, loc, 1),
                ValueRange{f32(pb, loc, 0.0)},
                [&](OpBuilder &nb, Location nl, Value kk, ValueRange iter) {
                  auto [aLane, ai] = aOwner(nb, nl, row, kk);
                  auto [bLane, bi] = bOwner(nb, nl, kk, col);
                  Value x = k.loadPrivate(nb, fragments,
                                          addi(nb, nl, warpBase, aLane),
                                          addc(nb, nl, ai, aSlot(t, s)));
                  Value y = k.loadPrivate(nb, fragments,
                                          addi(nb, nl, warpBase, bLane),
                                          addc(nb, nl, bi, bSlot(t, s, w)));
                  Value sum = arith::AddFOp::create(
                      nb, nl, iter[0], arith::MulFOp::create(nb, nl, x, y));
                  scf::YieldOp::create(nb, nl, sum);
                });
            Value slot = idx(pb, loc, accBase[w] + 4 * t + i);
            Value updated = arith::AddFOp::create(
                pb, loc, k.loadPrivate(pb, acc, tid, slot), dot.getResult(0));
            k.storePrivate(pb, acc, tid, slot, updated);
          }
  });
}

} // namespace

std::optional<WarpMmaTiling> getWarpMmaTiling(int64_t tileM, int64_t tileN,
                                              int64_t tileK, int64_t threads) {
  if (tileM <= 0 || tileN <= 0 || tileK <= 0 || threads <= 0 || tileM % kMmaM ||
      tileN % kMmaN || tileK % kMmaK || threads % kWarpSize)
    return std::nullopt;
  int64_t tiles = (tileM / kMmaM) * (tileN / kMmaN);
  int64_t warps = threads / kWarpSize;
  if (tiles % warps)
    return std::nullopt;
  return WarpMmaTiling{tileN / kMmaN, tiles / warps, tileK / kMmaK};
}

void emitWarpMma(KernelEmitter &k, OpBuilder &b, const WarpMmaTiling &tiling,
                 Type elementType, SharedArray tokens,
                 ArrayRef<SharedArray> weights, PrivateArray acc,
                 ArrayRef<int64_t> accBase) {
  assert((elementType.isF16() || elementType.isBF16()) &&
         "mma.sync operands are f16 or bf16 here");
  assert(weights.size() == accBase.size() && "one accumulator base per tile");
  if (k.getTarget() == KernelTarget::gpu)
    emitOnGpu(k, b, tiling, elementType, tokens, weights, acc, accBase);
  else
    emitOnHost(k, b, tiling, elementType, tokens, weights, acc, accBase);
}

std::pair<Value, Value> mmaOutputPosition(OpBuilder &b, Location loc,
                                          const WarpMmaTiling &tiling,
                                          Value tid, Value slot) {
  LaneCoords c = laneCoords(b, loc, tid);
  auto [m0, n0] =
      warpTileOrigin(b, loc, tiling, c.warp, divui(b, loc, slot, 4));
  auto [row, col] = cElement(b, loc, c, remui(b, loc, slot, 4));
  return {addi(b, loc, m0, row), addi(b, loc, n0, col)};
}

} // namespace moe::gpukernels
