//===- ExpertKernels.cpp - grouped expert matmul kernels ------------------===//

#include "ExpertKernels.h"
#include "KernelBuilders.h"
#include "WarpMma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;

namespace moe::gpukernels {

namespace {

/// Runs `fn(r)` for r < count <= maxTokens. The static trip count keeps
/// accumulator indices constant once LLVM unrolls the loop, so the GEMV's
/// accumulators stay in registers instead of local memory.
void forEachToken(OpBuilder &b, Location loc, int64_t maxTokens, Value count,
                  function_ref<void(OpBuilder &, Value)> fn) {
  forCount(b, loc, maxTokens, [&](OpBuilder &lb, Value r) {
    ifThen(lb, loc, cmp(lb, loc, arith::CmpIPredicate::slt, r, count),
           [&](OpBuilder &ib) { fn(ib, r); });
  });
}
/// `cond ? load() : 0.0` as f32, so out-of-range elements are never read.
Value loadOrZero(OpBuilder &b, Location loc, Value cond,
                 function_ref<Value(OpBuilder &)> load) {
  auto op = scf::IfOp::create(
      b, loc, cond,
      [&](OpBuilder &nb, Location nl) {
        scf::YieldOp::create(nb, nl, load(nb));
      },
      [&](OpBuilder &nb, Location nl) {
        scf::YieldOp::create(nb, nl, f32(nb, nl, 0.0));
      });
  return op.getResult(0);
}

/// The kernel arguments by role.
struct MatmulArgs {
  Value tokens, offsets, placed, weights, linearWeights, bias, linearBias, out;
};

MatmulArgs getArgs(const KernelEmitter &k, const ExpertMatmulSpec &spec) {
  MatmulArgs a;
  unsigned i = 0;
  a.tokens = k.getArgument(i++);
  a.offsets = k.getArgument(i++);
  a.placed = k.getArgument(i++);
  a.weights = k.getArgument(i++);
  if (spec.hasLinearWeights)
    a.linearWeights = k.getArgument(i++);
  if (spec.hasBias)
    a.bias = k.getArgument(i++);
  if (spec.hasLinearBias)
    a.linearBias = k.getArgument(i++);
  a.out = k.getArgument(i++);
  return a;
}

/// Rows of the weights that feed output column `c`: the gate (or only)
/// row, and for gated activations the linear row in `linearSource`.
struct ColumnRows {
  Value gateRow, linearRow, linearSource, linearBiasSource;
};

ColumnRows columnRows(OpBuilder &b, Location loc, const ExpertMatmulSpec &spec,
                      const MatmulArgs &args, Value c) {
  ColumnRows rows{c, Value(), Value(), Value()};
  if (!spec.isGated())
    return rows;
  switch (spec.layout) {
  case GateLayout::separate:
    rows.linearRow = c;
    rows.linearSource = args.linearWeights;
    rows.linearBiasSource = args.linearBias;
    break;
  case GateLayout::interleaved:
    rows.gateRow = muli(b, loc, c, idx(b, loc, 2));
    rows.linearRow = addi(b, loc, rows.gateRow, idx(b, loc, 1));
    rows.linearSource = args.weights;
    rows.linearBiasSource = args.bias;
    break;
  case GateLayout::concatenated:
    rows.linearRow = addi(b, loc, c, idx(b, loc, spec.outFeatures));
    rows.linearSource = args.weights;
    rows.linearBiasSource = args.bias;
    break;
  }
  return rows;
}

Value readOffset(OpBuilder &b, Location loc, Value offsets, Value i) {
  Value raw = memref::LoadOp::create(b, loc, offsets, i);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
}

Value isPlaced(OpBuilder &b, Location loc, Value placed, Value e) {
  Value flag = memref::LoadOp::create(b, loc, placed, e);
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 8);
  return cmp(b, loc, arith::CmpIPredicate::ne, flag, zero);
}

/// Adds the biases, applies the activation and stores out[row, c].
void storeEpilogue(OpBuilder &b, Location loc, const ExpertMatmulSpec &spec,
                   const MatmulArgs &args, Value expert, Value row, Value c,
                   Value gateAcc, Value linearAcc) {
  ColumnRows rows = columnRows(b, loc, spec, args, c);
  Value gate = gateAcc;
  if (args.bias)
    gate = arith::AddFOp::create(
        b, loc, gate, loadF32(b, loc, args.bias, {expert, rows.gateRow}));
  Value linear = linearAcc;
  if (spec.isGated() && rows.linearBiasSource)
    linear = arith::AddFOp::create(
        b, loc, linear,
        loadF32(b, loc, rows.linearBiasSource, {expert, rows.linearRow}));
  Value v = applyEpilogueActivation(b, loc, spec, gate, linear);
  memref::StoreOp::create(b, loc, fromF32(b, loc, spec.elementType, v),
                          args.out, ValueRange{row, c});
}

} // namespace

Value applyEpilogueActivation(OpBuilder &b, Location loc,
                              const ExpertMatmulSpec &spec, Value h,
                              Value linear) {
  auto mul = [&](Value x, Value y) -> Value {
    return arith::MulFOp::create(b, loc, x, y);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddFOp::create(b, loc, x, y);
  };
  switch (spec.activation) {
  case Activation::identity:
    return h;
  case Activation::relu:
    return arith::MaximumFOp::create(b, loc, h, f32(b, loc, 0.0));
  case Activation::gelu: {
    Value erf = math::ErfOp::create(b, loc, mul(h, f32(b, loc, M_SQRT1_2)));
    return mul(mul(f32(b, loc, 0.5), h), add(f32(b, loc, 1.0), erf));
  }
  case Activation::gelu_tanh: {
    Value cube = mul(h, mul(h, h));
    Value inner = add(h, mul(f32(b, loc, 0.044715), cube));
    Value tanh = math::TanhOp::create(
        b, loc, mul(f32(b, loc, std::sqrt(2.0 / M_PI)), inner));
    return mul(mul(f32(b, loc, 0.5), h), add(f32(b, loc, 1.0), tanh));
  }
  case Activation::silu:
    return mul(h, sigmoid(b, loc, h));
  case Activation::swiglu: {
    Value gate = h;
    if (spec.limit) {
      Value hi = f32(b, loc, *spec.limit), lo = f32(b, loc, -*spec.limit);
      gate = arith::MinimumFOp::create(b, loc, gate, hi);
      linear = arith::MaximumFOp::create(
          b, loc, arith::MinimumFOp::create(b, loc, linear, hi), lo);
    }
    Value glu = mul(gate, sigmoid(b, loc, mul(f32(b, loc, spec.alpha), gate)));
    return mul(glu, add(linear, f32(b, loc, spec.beta)));
  }
  }
  llvm_unreachable("unknown activation");
}

SmallVector<Type> expertMatmulArgTypes(MLIRContext *ctx,
                                       const ExpertMatmulSpec &spec) {
  Type t = spec.elementType;
  int64_t dyn = ShapedType::kDynamic, e = spec.numExperts;
  SmallVector<Type> types = {
      MemRefType::get({dyn, spec.inFeatures}, t),
      MemRefType::get({e + 1}, IntegerType::get(ctx, 64)),
      MemRefType::get({e}, IntegerType::get(ctx, 8)),
      MemRefType::get({e, spec.weightRows, spec.inFeatures}, t)};
  if (spec.hasLinearWeights)
    types.push_back(MemRefType::get({e, spec.outFeatures, spec.inFeatures}, t));
  if (spec.hasBias)
    types.push_back(MemRefType::get({e, spec.weightRows}, t));
  if (spec.hasLinearBias)
    types.push_back(MemRefType::get({e, spec.outFeatures}, t));
  types.push_back(MemRefType::get({dyn, spec.outFeatures}, t));
  return types;
}

//===----------------------------------------------------------------------===//
// Tiled grouped GEMM
//===----------------------------------------------------------------------===//

Operation *buildGroupedGemmKernel(OpBuilder &b, Location loc,
                                  KernelTarget target, StringRef name,
                                  const ExpertMatmulSpec &spec) {
  MLIRContext *ctx = b.getContext();
  const KernelTiling &t = spec.tiling;
  KernelEmitter k(b, loc, target, name, expertMatmulArgTypes(ctx, spec),
                  t.gemmThreads);
  MatmulArgs args = getArgs(k, spec);
  OpBuilder &kb = k.builder();
  int64_t numExperts = spec.numExperts;
  bool gated = spec.isGated();

  // Which expert and which of its row tiles this block computes: blocks
  // along y enumerate the row tiles of the GEMM experts in expert order.
  Value tileY = k.blockId(1);
  Value none = idx(kb, loc, numExperts);
  auto search = scf::ForOp::create(
      kb, loc, idx(kb, loc, 0), idx(kb, loc, numExperts), idx(kb, loc, 1),
      ValueRange{idx(kb, loc, 0), none, idx(kb, loc, 0)},
      [&](OpBuilder &nb, Location nl, Value e, ValueRange iter) {
        Value begin = readOffset(nb, nl, args.offsets, e);
        Value end =
            readOffset(nb, nl, args.offsets, addi(nb, nl, e, idx(nb, nl, 1)));
        Value count = arith::SubIOp::create(nb, nl, end, begin);
        Value mine = both(nb, nl, isPlaced(nb, nl, args.placed, e),
                          cmp(nb, nl, arith::CmpIPredicate::sgt, count,
                              idx(nb, nl, t.gemvMaxTokens)));
        Value tiles =
            arith::CeilDivSIOp::create(nb, nl, count, idx(nb, nl, t.tileM));
        tiles = arith::SelectOp::create(nb, nl, mine, tiles, idx(nb, nl, 0));
        Value next = addi(nb, nl, iter[0], tiles);
        Value hit =
            both(nb, nl, cmp(nb, nl, arith::CmpIPredicate::sge, tileY, iter[0]),
                 cmp(nb, nl, arith::CmpIPredicate::slt, tileY, next));
        Value expert = arith::SelectOp::create(nb, nl, hit, e, iter[1]);
        Value tile = arith::SelectOp::create(
            nb, nl, hit, arith::SubIOp::create(nb, nl, tileY, iter[0]),
            iter[2]);
        scf::YieldOp::create(nb, nl, ValueRange{next, expert, tile});
      });
  Value expert = search.getResult(1), tile = search.getResult(2);

  int64_t tm = t.tileM, tn = t.tileN, tk = t.tileK, threads = t.gemmThreads;
  // One padding column keeps the compute phase's column-strided reads of
  // the weight tile off a single shared-memory bank.
  SharedArray tokensTile = k.allocShared({tm, tk + 1});
  SharedArray gateTile = k.allocShared({tn, tk + 1});
  SharedArray linearTile = gated ? k.allocShared({tn, tk + 1}) : SharedArray{};
  int64_t perThread = tm * tn / threads;
  PrivateArray acc = k.allocPrivate(perThread * (gated ? 2 : 1));
  // Tensor cores for f16/bf16 when the tile cuts into warp tiles; the
  // accumulators then follow the mma fragment layout.
  std::optional<WarpMmaTiling> mma;
  if (t.tensorCores && !spec.elementType.isF32())
    mma = getWarpMmaTiling(tm, tn, tk, threads);
  // The block-tile (row, column) of accumulator j of thread tid.
  auto outputPosition = [&](OpBuilder &nb, Value tid,
                            Value j) -> std::pair<Value, Value> {
    if (mma)
      return mmaOutputPosition(nb, loc, *mma, tid, j);
    Value flat = addi(nb, loc, tid, muli(nb, loc, j, idx(nb, loc, threads)));
    return {arith::DivUIOp::create(nb, loc, flat, idx(nb, loc, tn)),
            arith::RemUIOp::create(nb, loc, flat, idx(nb, loc, tn))};
  };

  ifThen(
      kb, loc, cmp(kb, loc, arith::CmpIPredicate::slt, expert, none),
      [&](OpBuilder &b) {
        Value rowBegin = addi(b, loc, readOffset(b, loc, args.offsets, expert),
                              muli(b, loc, tile, idx(b, loc, tm)));
        Value rowEnd = readOffset(b, loc, args.offsets,
                                  addi(b, loc, expert, idx(b, loc, 1)));
        Value colBase = muli(b, loc, k.blockId(0), idx(b, loc, tn));
        Value kDim = idx(b, loc, spec.inFeatures);
        Value outDim = idx(b, loc, spec.outFeatures);
        Value numThreads = idx(b, loc, threads);

        k.phase(
            b,
            [&](OpBuilder &pb, Value tid) {
              forCount(pb, loc, perThread * (gated ? 2 : 1),
                       [&](OpBuilder &nb, Value j) {
                         k.storePrivate(nb, acc, tid, j, f32(nb, loc, 0.0));
                       });
            },
            /*synchronize=*/false);

        forRange(
            b, loc, idx(b, loc, 0), kDim, idx(b, loc, tk),
            [&](OpBuilder &lb, Value k0) {
              // Stage a tileM x tileK slab of tokens and tileN x tileK of
              // weights; consecutive threads read consecutive k (coalesced).
              k.phase(lb, [&](OpBuilder &pb, Value tid) {
                forCount(
                    pb, loc, tm * tk / threads, [&](OpBuilder &nb, Value j) {
                      Value flat =
                          addi(nb, loc, tid, muli(nb, loc, j, numThreads));
                      Value r = arith::DivUIOp::create(nb, loc, flat,
                                                       idx(nb, loc, tk));
                      Value kk = arith::RemUIOp::create(nb, loc, flat,
                                                        idx(nb, loc, tk));
                      Value row = addi(nb, loc, rowBegin, r);
                      Value kIdx = addi(nb, loc, k0, kk);
                      Value ok = both(
                          nb, loc,
                          cmp(nb, loc, arith::CmpIPredicate::slt, row, rowEnd),
                          cmp(nb, loc, arith::CmpIPredicate::slt, kIdx, kDim));
                      Value v = loadOrZero(nb, loc, ok, [&](OpBuilder &ib) {
                        return loadF32(ib, loc, args.tokens, {row, kIdx});
                      });
                      memref::StoreOp::create(nb, loc, v, tokensTile.memory,
                                              ValueRange{r, kk});
                    });
                forCount(
                    pb, loc, tn * tk / threads, [&](OpBuilder &nb, Value j) {
                      Value flat =
                          addi(nb, loc, tid, muli(nb, loc, j, numThreads));
                      Value n = arith::DivUIOp::create(nb, loc, flat,
                                                       idx(nb, loc, tk));
                      Value kk = arith::RemUIOp::create(nb, loc, flat,
                                                        idx(nb, loc, tk));
                      Value c = addi(nb, loc, colBase, n);
                      Value kIdx = addi(nb, loc, k0, kk);
                      Value ok = both(
                          nb, loc,
                          cmp(nb, loc, arith::CmpIPredicate::slt, c, outDim),
                          cmp(nb, loc, arith::CmpIPredicate::slt, kIdx, kDim));
                      Value g = loadOrZero(nb, loc, ok, [&](OpBuilder &ib) {
                        ColumnRows rows = columnRows(ib, loc, spec, args, c);
                        return loadF32(ib, loc, args.weights,
                                       {expert, rows.gateRow, kIdx});
                      });
                      memref::StoreOp::create(nb, loc, g, gateTile.memory,
                                              ValueRange{n, kk});
                      if (!gated)
                        return;
                      Value l = loadOrZero(nb, loc, ok, [&](OpBuilder &ib) {
                        ColumnRows rows = columnRows(ib, loc, spec, args, c);
                        return loadF32(ib, loc, rows.linearSource,
                                       {expert, rows.linearRow, kIdx});
                      });
                      memref::StoreOp::create(nb, loc, l, linearTile.memory,
                                              ValueRange{n, kk});
                    });
              });
              if (mma) {
                SmallVector<SharedArray, 2> weightTiles = {gateTile};
                SmallVector<int64_t, 2> accBase = {0};
                if (gated) {
                  weightTiles.push_back(linearTile);
                  accBase.push_back(perThread);
                }
                emitWarpMma(k, lb, *mma, spec.elementType, tokensTile,
                            weightTiles, acc, accBase);
                return;
              }
              // Each thread updates perThread outputs of the tile from shared
              // memory.
              k.phase(lb, [&](OpBuilder &pb, Value tid) {
                forCount(pb, loc, perThread, [&](OpBuilder &nb, Value j) {
                  std::pair<Value, Value> position = outputPosition(nb, tid, j);
                  Value r = position.first, n = position.second;
                  Value jl = addi(nb, loc, j, idx(nb, loc, perThread));
                  auto dot = [&](SharedArray tileB, Value slot) {
                    Value init = k.loadPrivate(nb, acc, tid, slot);
                    auto loop = scf::ForOp::create(
                        nb, loc, idx(nb, loc, 0), idx(nb, loc, tk),
                        idx(nb, loc, 1), ValueRange{init},
                        [&](OpBuilder &ib, Location il, Value kk,
                            ValueRange it) {
                          Value x = memref::LoadOp::create(
                              ib, il, tokensTile.memory, ValueRange{r, kk});
                          Value w = memref::LoadOp::create(ib, il, tileB.memory,
                                                           ValueRange{n, kk});
                          Value s = arith::AddFOp::create(
                              ib, il, it[0],
                              arith::MulFOp::create(ib, il, x, w));
                          scf::YieldOp::create(ib, il, s);
                        });
                    k.storePrivate(nb, acc, tid, slot, loop.getResult(0));
                  };
                  dot(gateTile, j);
                  if (gated)
                    dot(linearTile, jl);
                });
              });
            });

        k.phase(
            b,
            [&](OpBuilder &pb, Value tid) {
              forCount(pb, loc, perThread, [&](OpBuilder &nb, Value j) {
                std::pair<Value, Value> position = outputPosition(nb, tid, j);
                Value r = position.first, n = position.second;
                Value row = addi(nb, loc, rowBegin, r);
                Value c = addi(nb, loc, colBase, n);
                Value ok =
                    both(nb, loc,
                         cmp(nb, loc, arith::CmpIPredicate::slt, row, rowEnd),
                         cmp(nb, loc, arith::CmpIPredicate::slt, c, outDim));
                ifThen(nb, loc, ok, [&](OpBuilder &ib) {
                  Value gate = k.loadPrivate(ib, acc, tid, j);
                  Value linear =
                      gated ? k.loadPrivate(
                                  ib, acc, tid,
                                  addi(ib, loc, j, idx(ib, loc, perThread)))
                            : Value();
                  storeEpilogue(ib, loc, spec, args, expert, row, c, gate,
                                linear);
                });
              });
            },
            /*synchronize=*/false);
      });
  k.finish();
  return k.getKernel();
}

//===----------------------------------------------------------------------===//
// Few-token kernel (GEMV-like)
//===----------------------------------------------------------------------===//

/// Elements per 16-byte load that divide K, so every row starts aligned.
static int64_t vectorWidth(const ExpertMatmulSpec &spec) {
  int64_t width = 128 / spec.elementType.getIntOrFloatBitWidth();
  while (width > 1 && spec.inFeatures % width != 0)
    width /= 2;
  return width;
}

Operation *buildGemvKernel(OpBuilder &b, Location loc, KernelTarget target,
                           StringRef name, const ExpertMatmulSpec &spec) {
  MLIRContext *ctx = b.getContext();
  const KernelTiling &t = spec.tiling;
  int64_t threads = 32 * t.gemvWarps, maxTokens = t.gemvMaxTokens;
  KernelEmitter k(b, loc, target, name, expertMatmulArgTypes(ctx, spec),
                  threads);
  MatmulArgs args = getArgs(k, spec);
  OpBuilder &kb = k.builder();
  bool gated = spec.isGated();
  int64_t width = vectorWidth(spec);
  auto vecType = VectorType::get({width}, spec.elementType);
  // Only the GPU's allocations are known to be 16-byte aligned.
  llvm::MaybeAlign align;
  if (target == KernelTarget::gpu)
    align = llvm::Align(width * spec.elementType.getIntOrFloatBitWidth() / 8);

  Value expert = k.blockId(1);
  Value begin = readOffset(kb, loc, args.offsets, expert);
  Value end =
      readOffset(kb, loc, args.offsets, addi(kb, loc, expert, idx(kb, loc, 1)));
  Value count = arith::SubIOp::create(kb, loc, end, begin);
  Value mine =
      both(kb, loc, isPlaced(kb, loc, args.placed, expert),
           both(kb, loc,
                cmp(kb, loc, arith::CmpIPredicate::sgt, count, idx(kb, loc, 0)),
                cmp(kb, loc, arith::CmpIPredicate::sle, count,
                    idx(kb, loc, maxTokens))));
  int64_t slots = maxTokens * (gated ? 2 : 1);
  PrivateArray acc = k.allocPrivate(slots);

  ifThen(kb, loc, mine, [&](OpBuilder &b) {
    auto column = [&](OpBuilder &nb, Value tid) {
      Value warp = arith::DivUIOp::create(nb, loc, tid, idx(nb, loc, 32));
      Value c =
          addi(nb, loc, muli(nb, loc, k.blockId(0), idx(nb, loc, t.gemvWarps)),
               warp);
      return c;
    };
    auto lane = [&](OpBuilder &nb, Value tid) -> Value {
      return arith::RemUIOp::create(nb, loc, tid, idx(nb, loc, 32));
    };
    Value outDim = idx(b, loc, spec.outFeatures);

    k.phase(
        b,
        [&](OpBuilder &pb, Value tid) {
          forCount(pb, loc, slots, [&](OpBuilder &nb, Value j) {
            k.storePrivate(nb, acc, tid, j, f32(nb, loc, 0.0));
          });
          Value c = column(pb, tid);
          ifThen(
              pb, loc, cmp(pb, loc, arith::CmpIPredicate::slt, c, outDim),
              [&](OpBuilder &cb) {
                ColumnRows rows = columnRows(cb, loc, spec, args, c);
                // Lanes stride over the weight row in 16-byte chunks; each
                // chunk is read once and applied to all of the expert's tokens.
                forRange(
                    cb, loc, lane(cb, tid),
                    idx(cb, loc, spec.inFeatures / width), idx(cb, loc, 32),
                    [&](OpBuilder &lb, Value chunk) {
                      Value kIdx = muli(lb, loc, chunk, idx(lb, loc, width));
                      auto loadVec = [&](OpBuilder &vb, Value memref,
                                         ValueRange indices) {
                        return toF32(vb, loc,
                                     vector::LoadOp::create(vb, loc, vecType,
                                                            memref, indices,
                                                            false, align));
                      };
                      Value wg = loadVec(lb, args.weights,
                                         {expert, rows.gateRow, kIdx});
                      Value wl = gated ? loadVec(lb, rows.linearSource,
                                                 {expert, rows.linearRow, kIdx})
                                       : Value();
                      forEachToken(
                          lb, loc, maxTokens, count,
                          [&](OpBuilder &rb, Value r) {
                            Value x = loadVec(rb, args.tokens,
                                              {addi(rb, loc, begin, r), kIdx});
                            auto accumulate = [&](Value w, Value slot) {
                              Value prod = arith::MulFOp::create(rb, loc, w, x);
                              Value sum = vector::ReductionOp::create(
                                  rb, loc, vector::CombiningKind::ADD, prod);
                              Value old = k.loadPrivate(rb, acc, tid, slot);
                              k.storePrivate(
                                  rb, acc, tid, slot,
                                  arith::AddFOp::create(rb, loc, old, sum));
                            };
                            accumulate(wg, r);
                            if (gated)
                              accumulate(wl, addi(rb, loc, r,
                                                  idx(rb, loc, maxTokens)));
                          });
                    });
              });
        },
        /*synchronize=*/false);

    k.warpReduceSum(b, acc, slots);

    k.phase(
        b,
        [&](OpBuilder &pb, Value tid) {
          Value c = column(pb, tid);
          Value ok =
              both(pb, loc, cmp(pb, loc, arith::CmpIPredicate::slt, c, outDim),
                   cmp(pb, loc, arith::CmpIPredicate::eq, lane(pb, tid),
                       idx(pb, loc, 0)));
          ifThen(pb, loc, ok, [&](OpBuilder &cb) {
            forEachToken(
                cb, loc, maxTokens, count, [&](OpBuilder &rb, Value r) {
                  Value gate = k.loadPrivate(rb, acc, tid, r);
                  Value linear =
                      gated ? k.loadPrivate(
                                  rb, acc, tid,
                                  addi(rb, loc, r, idx(rb, loc, maxTokens)))
                            : Value();
                  storeEpilogue(rb, loc, spec, args, expert,
                                addi(rb, loc, begin, r), c, gate, linear);
                });
          });
        },
        /*synchronize=*/false);
  });
  k.finish();
  return k.getKernel();
}

std::pair<Value, Value> groupedGemmGrid(OpBuilder &b, Location loc,
                                        const ExpertMatmulSpec &spec,
                                        Value numRows) {
  const KernelTiling &t = spec.tiling;
  Value x = idx(b, loc, llvm::divideCeil(spec.outFeatures, t.tileN));
  // sum_e ceil(n_e / tileM) <= ceil(N / tileM) + E: enough blocks for any
  // distribution; the surplus blocks find no tile and return.
  Value y = addi(
      b, loc, arith::CeilDivSIOp::create(b, loc, numRows, idx(b, loc, t.tileM)),
      idx(b, loc, spec.numExperts));
  return {x, y};
}

std::pair<Value, Value> gemvGrid(OpBuilder &b, Location loc,
                                 const ExpertMatmulSpec &spec) {
  Value x =
      idx(b, loc, llvm::divideCeil(spec.outFeatures, spec.tiling.gemvWarps));
  return {x, idx(b, loc, spec.numExperts)};
}

} // namespace moe::gpukernels
