//===- LayerKernels.cpp - route, dispatch and combine kernels -------------===//

#include "LayerKernels.h"
#include "KernelBuilders.h"

#include <limits>

using namespace mlir;

namespace moe::gpukernels {

namespace {

Value dynamicRows(OpBuilder &b, Location loc, Value memref) {
  return memref::DimOp::create(b, loc, memref, 0);
}

/// `for i < n: acc = fn(i, acc)`; returns the final accumulators.
ValueRange
foldCount(OpBuilder &b, Location loc, Value n, ValueRange init,
          function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> fn) {
  auto loop = scf::ForOp::create(
      b, loc, idx(b, loc, 0), n, idx(b, loc, 1), init,
      [&](OpBuilder &nb, Location nl, Value i, ValueRange acc) {
        scf::YieldOp::create(nb, nl, fn(nb, i, acc));
      });
  return loop.getResults();
}

/// The global index of this thread along x: block * threads + thread.
Value globalThread(OpBuilder &b, Location loc, KernelEmitter &k, Value tid) {
  return addi(b, loc,
              muli(b, loc, k.blockId(0), idx(b, loc, k.getNumThreads())), tid);
}

Value negInf(OpBuilder &b, Location loc) {
  return f32(b, loc, -std::numeric_limits<double>::infinity());
}

/// The index of the best entry of `values[0 ..< n]` not yet `taken` (ties
/// to the lower index, NaNs last: the rule of the host lowering's top-k),
/// which is then marked taken.
Value takeBest(OpBuilder &b, Location loc, KernelEmitter &k, Value tid,
               PrivateArray values, PrivateArray taken, int64_t n) {
  Value none = idx(b, loc, n);
  ValueRange best = foldCount(
      b, loc, idx(b, loc, n), {negInf(b, loc), none},
      [&](OpBuilder &nb, Value i, ValueRange acc) -> SmallVector<Value> {
        Value value = k.loadPrivate(nb, values, tid, i);
        Value curValue = acc[0], curIndex = acc[1];
        Value greater = arith::CmpFOp::create(
            nb, loc, arith::CmpFPredicate::OGT, value, curValue);
        Value equal = arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::OEQ,
                                            value, curValue);
        Value lower = cmp(nb, loc, arith::CmpIPredicate::slt, i, curIndex);
        Value empty = arith::OrIOp::create(
            nb, loc, cmp(nb, loc, arith::CmpIPredicate::eq, curIndex, none),
            arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::UNO, curValue,
                                  curValue));
        Value wins = arith::OrIOp::create(
            nb, loc,
            arith::OrIOp::create(nb, loc, greater, both(nb, loc, equal, lower)),
            empty);
        Value free = arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::OEQ,
                                           k.loadPrivate(nb, taken, tid, i),
                                           f32(nb, loc, 0.0));
        Value take = both(nb, loc, wins, free);
        return {arith::SelectOp::create(nb, loc, take, value, curValue),
                arith::SelectOp::create(nb, loc, take, i, curIndex)};
      });
  k.storePrivate(b, taken, tid, best[1], f32(b, loc, 1.0));
  return best[1];
}

void clear(OpBuilder &b, Location loc, KernelEmitter &k, Value tid,
           PrivateArray array, int64_t n) {
  forCount(b, loc, n, [&](OpBuilder &nb, Value i) {
    k.storePrivate(nb, array, tid, i, f32(nb, loc, 0.0));
  });
}

/// Sets the choice of every expert outside the `selectGroups` best groups
/// to -inf; a group scores the sum of its two best choices.
void maskToBestGroups(OpBuilder &b, Location loc, KernelEmitter &k, Value tid,
                      const RouteKernelSpec &spec, PrivateArray choice,
                      PrivateArray groupScore, PrivateArray groupTaken) {
  int64_t size = spec.experts / spec.groups;
  forCount(b, loc, spec.groups, [&](OpBuilder &gb, Value g) {
    Value first = muli(gb, loc, g, idx(gb, loc, size));
    ValueRange top2 = foldCount(
        gb, loc, idx(gb, loc, size), {negInf(gb, loc), negInf(gb, loc)},
        [&](OpBuilder &nb, Value s, ValueRange acc) -> SmallVector<Value> {
          Value v = k.loadPrivate(nb, choice, tid, addi(nb, loc, first, s));
          Value beatsBest = arith::CmpFOp::create(
              nb, loc, arith::CmpFPredicate::OGT, v, acc[0]);
          Value beatsNext = arith::CmpFOp::create(
              nb, loc, arith::CmpFPredicate::OGT, v, acc[1]);
          return {arith::SelectOp::create(nb, loc, beatsBest, v, acc[0]),
                  arith::SelectOp::create(
                      nb, loc, beatsBest, acc[0],
                      arith::SelectOp::create(nb, loc, beatsNext, v, acc[1]))};
        });
    Value score =
        size > 1 ? arith::AddFOp::create(gb, loc, top2[0], top2[1]) : top2[0];
    k.storePrivate(gb, groupScore, tid, g, score);
  });
  clear(b, loc, k, tid, groupTaken, spec.groups);
  forCount(b, loc, spec.selectGroups, [&](OpBuilder &nb, Value) {
    takeBest(nb, loc, k, tid, groupScore, groupTaken, spec.groups);
  });
  forCount(b, loc, spec.experts, [&](OpBuilder &nb, Value e) {
    Value g = arith::DivUIOp::create(nb, loc, e, idx(nb, loc, size));
    Value kept = arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::ONE,
                                       k.loadPrivate(nb, groupTaken, tid, g),
                                       f32(nb, loc, 0.0));
    Value v = k.loadPrivate(nb, choice, tid, e);
    k.storePrivate(nb, choice, tid, e,
                   arith::SelectOp::create(nb, loc, kept, v, negInf(nb, loc)));
  });
}

} // namespace

Operation *buildRouteKernel(OpBuilder &b, Location loc, KernelTarget target,
                            StringRef name, const RouteKernelSpec &spec) {
  int64_t dyn = ShapedType::kDynamic, numExperts = spec.experts, k = spec.k;
  SmallVector<Type> argTypes = {
      MemRefType::get({dyn, numExperts}, spec.elementType)};
  if (spec.hasBias)
    argTypes.push_back(MemRefType::get({numExperts}, spec.elementType));
  argTypes.push_back(MemRefType::get({dyn, k}, spec.idType));
  argTypes.push_back(MemRefType::get({dyn, k}, spec.elementType));
  KernelEmitter em(b, loc, target, name, argTypes, kLayerThreads);
  unsigned a = 0;
  Value logits = em.getArgument(a++);
  Value bias = spec.hasBias ? em.getArgument(a++) : Value();
  Value ids = em.getArgument(a++), weights = em.getArgument(a++);
  PrivateArray score = em.allocPrivate(numExperts);
  PrivateArray choice = em.allocPrivate(numExperts);
  PrivateArray taken = em.allocPrivate(numExperts);
  PrivateArray picked = em.allocPrivate(k);
  PrivateArray groupScore, groupTaken;
  if (spec.groups > 0) {
    groupScore = em.allocPrivate(spec.groups);
    groupTaken = em.allocPrivate(spec.groups);
  }
  OpBuilder &kb = em.builder();
  Value numTokens = dynamicRows(kb, loc, logits);
  Value experts = idx(kb, loc, numExperts);

  em.phase(
      kb,
      [&](OpBuilder &pb, Value tid) {
        Value t = globalThread(pb, loc, em, tid);
        ifThen(
            pb, loc, cmp(pb, loc, arith::CmpIPredicate::slt, t, numTokens),
            [&](OpBuilder &tb) {
              auto logit = [&](OpBuilder &nb, Value e) {
                return loadF32(nb, loc, logits, {t, e});
              };
              if (spec.scoring == Scoring::softmax) {
                Value max = foldCount(
                    tb, loc, experts, {negInf(tb, loc)},
                    [&](OpBuilder &nb, Value e, ValueRange acc) {
                      return SmallVector<Value>{arith::MaximumFOp::create(
                          nb, loc, logit(nb, e), acc[0])};
                    })[0];
                Value sum = foldCount(
                    tb, loc, experts, {f32(tb, loc, 0.0)},
                    [&](OpBuilder &nb, Value e, ValueRange acc) {
                      Value x = math::ExpOp::create(
                          nb, loc,
                          arith::SubFOp::create(nb, loc, logit(nb, e), max));
                      em.storePrivate(nb, score, tid, e, x);
                      return SmallVector<Value>{
                          arith::AddFOp::create(nb, loc, x, acc[0])};
                    })[0];
                forCount(tb, loc, numExperts, [&](OpBuilder &nb, Value e) {
                  em.storePrivate(
                      nb, score, tid, e,
                      arith::DivFOp::create(
                          nb, loc, em.loadPrivate(nb, score, tid, e), sum));
                });
              } else {
                forCount(tb, loc, numExperts, [&](OpBuilder &nb, Value e) {
                  em.storePrivate(nb, score, tid, e,
                                  sigmoid(nb, loc, logit(nb, e)));
                });
              }
              // The correction bias steers selection only.
              forCount(tb, loc, numExperts, [&](OpBuilder &nb, Value e) {
                Value v = em.loadPrivate(nb, score, tid, e);
                if (bias)
                  v = arith::AddFOp::create(nb, loc, v,
                                            loadF32(nb, loc, bias, {e}));
                em.storePrivate(nb, choice, tid, e, v);
              });
              if (spec.groups > 0)
                maskToBestGroups(tb, loc, em, tid, spec, choice, groupScore,
                                 groupTaken);
              clear(tb, loc, em, tid, taken, numExperts);
              forCount(tb, loc, k, [&](OpBuilder &nb, Value j) {
                Value e = takeBest(nb, loc, em, tid, choice, taken, numExperts);
                Value id = arith::IndexCastOp::create(nb, loc, spec.idType, e);
                memref::StoreOp::create(nb, loc, id, ids, ValueRange{t, j});
                em.storePrivate(nb, picked, tid, j,
                                em.loadPrivate(nb, score, tid, e));
              });
              Value divisor;
              if (spec.normalize) {
                divisor = foldCount(
                    tb, loc, idx(tb, loc, k), {f32(tb, loc, 0.0)},
                    [&](OpBuilder &nb, Value j, ValueRange acc) {
                      return SmallVector<Value>{arith::AddFOp::create(
                          nb, loc, em.loadPrivate(nb, picked, tid, j), acc[0])};
                    })[0];
                if (spec.epsilon != 0.0)
                  divisor = arith::AddFOp::create(tb, loc, divisor,
                                                  f32(tb, loc, spec.epsilon));
              }
              forCount(tb, loc, k, [&](OpBuilder &nb, Value j) {
                Value w = em.loadPrivate(nb, picked, tid, j);
                if (divisor)
                  w = arith::DivFOp::create(nb, loc, w, divisor);
                if (spec.scale != 1.0)
                  w = arith::MulFOp::create(nb, loc, w,
                                            f32(nb, loc, spec.scale));
                memref::StoreOp::create(nb, loc,
                                        fromF32(nb, loc, spec.elementType, w),
                                        weights, ValueRange{t, j});
              });
            });
      },
      /*synchronize=*/false);
  em.finish();
  return em.getKernel();
}

Operation *buildDispatchOffsetsKernel(OpBuilder &b, Location loc,
                                      KernelTarget target, StringRef name,
                                      const DispatchKernelSpec &spec) {
  int64_t dyn = ShapedType::kDynamic;
  Type i64 = b.getI64Type();
  SmallVector<Type> argTypes = {MemRefType::get({dyn, spec.k}, spec.idType),
                                MemRefType::get({spec.experts + 1}, i64),
                                MemRefType::get({dyn}, i64)};
  KernelEmitter em(b, loc, target, name, argTypes, kLayerThreads);
  Value ids = em.getArgument(0), offsets = em.getArgument(1),
        perm = em.getArgument(2);
  OpBuilder &kb = em.builder();
  Value copies = muli(kb, loc, dynamicRows(kb, loc, ids), idx(kb, loc, spec.k));
  Value experts = idx(kb, loc, spec.experts);
  Value threads = idx(kb, loc, kLayerThreads);
  // Each thread owns experts tid, tid + threads, ... and walks every
  // assignment in order: the stable order of the host lowering, no atomics.
  auto forEachAssignmentOf =
      [&](OpBuilder &b, Value expert, ValueRange init,
          function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)>
              onMatch) {
        return foldCount(
            b, loc, copies, init,
            [&](OpBuilder &nb, Value a, ValueRange acc) -> SmallVector<Value> {
              Value t =
                  arith::DivUIOp::create(nb, loc, a, idx(nb, loc, spec.k));
              Value j =
                  arith::RemUIOp::create(nb, loc, a, idx(nb, loc, spec.k));
              Value id = memref::LoadOp::create(nb, loc, ids, ValueRange{t, j});
              Value e =
                  arith::IndexCastOp::create(nb, loc, nb.getIndexType(), id);
              auto match = scf::IfOp::create(
                  nb, loc, cmp(nb, loc, arith::CmpIPredicate::eq, e, expert),
                  [&](OpBuilder &ib, Location il) {
                    scf::YieldOp::create(ib, il, onMatch(ib, a, acc));
                  },
                  [&](OpBuilder &ib, Location il) {
                    scf::YieldOp::create(ib, il, acc);
                  });
              return SmallVector<Value>(match.getResults());
            });
      };
  em.phase(kb, [&](OpBuilder &pb, Value tid) {
    forRange(pb, loc, tid, experts, threads, [&](OpBuilder &eb, Value e) {
      Value count = forEachAssignmentOf(
          eb, e, {idx(eb, loc, 0)},
          [&](OpBuilder &nb, Value, ValueRange acc) -> SmallVector<Value> {
            return {addi(nb, loc, acc[0], idx(nb, loc, 1))};
          })[0];
      memref::StoreOp::create(eb, loc,
                              arith::IndexCastOp::create(eb, loc, i64, count),
                              offsets, addi(eb, loc, e, idx(eb, loc, 1)));
    });
  });
  em.phase(kb, [&](OpBuilder &pb, Value tid) {
    ifThen(pb, loc,
           cmp(pb, loc, arith::CmpIPredicate::eq, tid, idx(pb, loc, 0)),
           [&](OpBuilder &tb) {
             Value zero = arith::ConstantIntOp::create(tb, loc, i64, 0);
             memref::StoreOp::create(tb, loc, zero, offsets, idx(tb, loc, 0));
             foldCount(tb, loc, experts, {zero},
                       [&](OpBuilder &nb, Value e, ValueRange acc) {
                         Value at = addi(nb, loc, e, idx(nb, loc, 1));
                         Value sum = arith::AddIOp::create(
                             nb, loc, acc[0],
                             memref::LoadOp::create(nb, loc, offsets, at));
                         memref::StoreOp::create(nb, loc, sum, offsets, at);
                         return SmallVector<Value>{sum};
                       });
           });
  });
  em.phase(
      kb,
      [&](OpBuilder &pb, Value tid) {
        forRange(pb, loc, tid, experts, threads, [&](OpBuilder &eb, Value e) {
          Value begin = arith::IndexCastOp::create(
              eb, loc, eb.getIndexType(),
              memref::LoadOp::create(eb, loc, offsets, e));
          forEachAssignmentOf(eb, e, {begin},
                              [&](OpBuilder &nb, Value a,
                                  ValueRange acc) -> SmallVector<Value> {
                                memref::StoreOp::create(
                                    nb, loc,
                                    arith::IndexCastOp::create(nb, loc, i64, a),
                                    perm, acc[0]);
                                return {addi(nb, loc, acc[0], idx(nb, loc, 1))};
                              });
        });
      },
      /*synchronize=*/false);
  em.finish();
  return em.getKernel();
}

Operation *buildDispatchGatherKernel(OpBuilder &b, Location loc,
                                     KernelTarget target, StringRef name,
                                     const DispatchKernelSpec &spec) {
  int64_t dyn = ShapedType::kDynamic;
  auto rowsType = MemRefType::get({dyn, spec.hidden}, spec.elementType);
  SmallVector<Type> argTypes = {
      rowsType, MemRefType::get({dyn}, b.getI64Type()), rowsType};
  KernelEmitter em(b, loc, target, name, argTypes, kLayerThreads);
  Value tokens = em.getArgument(0), perm = em.getArgument(1),
        sorted = em.getArgument(2);
  OpBuilder &kb = em.builder();
  Value row = em.blockId(0);
  em.phase(
      kb,
      [&](OpBuilder &pb, Value tid) {
        Value assignment = arith::IndexCastOp::create(
            pb, loc, pb.getIndexType(),
            memref::LoadOp::create(pb, loc, perm, row));
        Value token =
            arith::DivUIOp::create(pb, loc, assignment, idx(pb, loc, spec.k));
        forRange(
            pb, loc, tid, idx(pb, loc, spec.hidden),
            idx(pb, loc, kLayerThreads), [&](OpBuilder &nb, Value h) {
              Value v =
                  memref::LoadOp::create(nb, loc, tokens, ValueRange{token, h});
              memref::StoreOp::create(nb, loc, v, sorted, ValueRange{row, h});
            });
      },
      /*synchronize=*/false);
  em.finish();
  return em.getKernel();
}

Operation *buildInvertPermutationKernel(OpBuilder &b, Location loc,
                                        KernelTarget target, StringRef name) {
  auto type = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  KernelEmitter em(b, loc, target, name, {type, type}, kLayerThreads);
  Value perm = em.getArgument(0), inverse = em.getArgument(1);
  OpBuilder &kb = em.builder();
  Value rows = dynamicRows(kb, loc, perm);
  em.phase(
      kb,
      [&](OpBuilder &pb, Value tid) {
        Value r = globalThread(pb, loc, em, tid);
        ifThen(pb, loc, cmp(pb, loc, arith::CmpIPredicate::slt, r, rows),
               [&](OpBuilder &nb) {
                 Value a = arith::IndexCastOp::create(
                     nb, loc, nb.getIndexType(),
                     memref::LoadOp::create(nb, loc, perm, r));
                 memref::StoreOp::create(
                     nb, loc,
                     arith::IndexCastOp::create(nb, loc, nb.getI64Type(), r),
                     inverse, a);
               });
      },
      /*synchronize=*/false);
  em.finish();
  return em.getKernel();
}

Operation *buildCombineKernel(OpBuilder &b, Location loc, KernelTarget target,
                              StringRef name, const CombineKernelSpec &spec) {
  int64_t dyn = ShapedType::kDynamic;
  auto rowsType = MemRefType::get({dyn, spec.hidden}, spec.elementType);
  SmallVector<Type> argTypes = {
      rowsType, MemRefType::get({dyn, spec.k}, spec.elementType),
      MemRefType::get({dyn}, b.getI64Type()), rowsType};
  KernelEmitter em(b, loc, target, name, argTypes, kLayerThreads);
  Value outputs = em.getArgument(0), weights = em.getArgument(1),
        inverse = em.getArgument(2), result = em.getArgument(3);
  OpBuilder &kb = em.builder();
  Value token = em.blockId(0);
  em.phase(
      kb,
      [&](OpBuilder &pb, Value tid) {
        forRange(
            pb, loc, tid, idx(pb, loc, spec.hidden),
            idx(pb, loc, kLayerThreads), [&](OpBuilder &hb, Value h) {
              // Slot order, as the host lowering adds them.
              Value sum = foldCount(
                  hb, loc, idx(hb, loc, spec.k), {f32(hb, loc, 0.0)},
                  [&](OpBuilder &nb, Value j, ValueRange acc) {
                    Value a = addi(
                        nb, loc, muli(nb, loc, token, idx(nb, loc, spec.k)), j);
                    Value r = arith::IndexCastOp::create(
                        nb, loc, nb.getIndexType(),
                        memref::LoadOp::create(nb, loc, inverse, a));
                    Value w = loadF32(nb, loc, weights, {token, j});
                    Value y = loadF32(nb, loc, outputs, {r, h});
                    return SmallVector<Value>{arith::AddFOp::create(
                        nb, loc, acc[0], arith::MulFOp::create(nb, loc, w, y))};
                  })[0];
              memref::StoreOp::create(hb, loc,
                                      fromF32(hb, loc, spec.elementType, sum),
                                      result, ValueRange{token, h});
            });
      },
      /*synchronize=*/false);
  em.finish();
  return em.getKernel();
}

} // namespace moe::gpukernels
