//===- RouteToLinalg.cpp - moe.route to linalg ----------------------------===//
//
// Scoring, the correction bias and the group mask are element-wise or
// reduction linalg.generic ops. Top-k is k argmax rounds, each a coupled
// (value, index) reduction that skips the experts already taken, so ties go
// to the lower index whatever order the reduction runs in.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;

namespace moe::lowering {
namespace {

constexpr auto kParallel = utils::IteratorType::parallel;
constexpr auto kReduction = utils::IteratorType::reduction;

Value negativeInfinity(OpBuilder &b, Location loc, Type type) {
  return floatConstant(b, loc, type, -std::numeric_limits<double>::infinity());
}

void yield(OpBuilder &b, Location loc, ValueRange values) {
  linalg::YieldOp::create(b, loc, values);
}

/// Row-wise reduction of a [T, X] tensor into [T] starting from `initial`.
Value reduceRows(
    OpBuilder &b, Location loc, Value input, OpFoldResult rows, Value initial,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  Value init = filledTensor(b, loc, {rows}, initial);
  return generic(b, loc, {input}, init,
                 {projection(ctx, 2, {0, 1}), projection(ctx, 2, {0})},
                 {kParallel, kReduction},
                 [&](OpBuilder &nb, Location nl, ValueRange args) {
                   yield(nb, nl, combine(nb, nl, args[0], args[1]));
                 });
}

/// Numerically stable softmax over the last dimension.
Value buildSoftmax(OpBuilder &b, Location loc, Value logits,
                   OpFoldResult rows) {
  MLIRContext *ctx = b.getContext();
  Type type = cast<ShapedType>(logits.getType()).getElementType();
  SmallVector<OpFoldResult> sizes = tensorSizes(b, loc, logits);
  Value rowMax =
      reduceRows(b, loc, logits, rows, negativeInfinity(b, loc, type),
                 [](OpBuilder &nb, Location nl, Value x, Value m) {
                   return arith::MaximumFOp::create(nb, nl, x, m);
                 });
  AffineMap full = projection(ctx, 2, {0, 1});
  AffineMap perRow = projection(ctx, 2, {0});
  Value exps =
      generic(b, loc, {logits, rowMax}, emptyTensor(b, loc, sizes, type),
              {full, perRow, full}, {kParallel, kParallel},
              [](OpBuilder &nb, Location nl, ValueRange args) {
                Value shifted = arith::SubFOp::create(nb, nl, args[0], args[1]);
                yield(nb, nl, {math::ExpOp::create(nb, nl, shifted)});
              });
  Value rowSum =
      reduceRows(b, loc, exps, rows, floatConstant(b, loc, type, 0.0),
                 [](OpBuilder &nb, Location nl, Value x, Value s) {
                   return arith::AddFOp::create(nb, nl, x, s);
                 });
  return generic(b, loc, {exps, rowSum}, emptyTensor(b, loc, sizes, type),
                 {full, perRow, full}, {kParallel, kParallel},
                 [](OpBuilder &nb, Location nl, ValueRange args) {
                   yield(nb, nl,
                         {arith::DivFOp::create(nb, nl, args[0], args[1])});
                 });
}

/// The indices of the k largest entries of each row of `values : [T, X]`,
/// one [T] i64 tensor per rank. Ties go to the lower index; NaNs are taken
/// last.
SmallVector<Value> buildTopK(OpBuilder &b, Location loc, Value values,
                             OpFoldResult rows, int64_t k) {
  MLIRContext *ctx = b.getContext();
  auto valuesType = cast<RankedTensorType>(values.getType());
  Type type = valuesType.getElementType();
  int64_t width = valuesType.getDimSize(1);
  Type i64 = b.getI64Type();
  AffineMap full = projection(ctx, 2, {0, 1});
  AffineMap perRow = projection(ctx, 2, {0});
  SmallVector<OpFoldResult> sizes = tensorSizes(b, loc, values);
  Value taken = filledTensor(
      b, loc, sizes, arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0));

  SmallVector<Value> columns;
  for (int64_t rank = 0; rank < k; ++rank) {
    Value bestValue =
        filledTensor(b, loc, {rows}, negativeInfinity(b, loc, type));
    Value bestIndex = filledTensor(
        b, loc, {rows}, arith::ConstantIntOp::create(b, loc, i64, width));
    ValueRange best = genericMulti(
        b, loc, {values, taken}, {bestValue, bestIndex},
        {full, full, perRow, perRow}, {kParallel, kReduction},
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value value = args[0], isTaken = args[1], curValue = args[2],
                curIndex = args[3];
          Value index = arith::IndexCastOp::create(
              nb, nl, i64, linalg::IndexOp::create(nb, nl, 1));
          Value greater = arith::CmpFOp::create(
              nb, nl, arith::CmpFPredicate::OGT, value, curValue);
          Value equal = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OEQ,
                                              value, curValue);
          Value lower = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt,
                                              index, curIndex);
          // Nothing held yet, or a NaN that any number should replace.
          Value none = arith::OrIOp::create(
              nb, nl,
              arith::CmpIOp::create(
                  nb, nl, arith::CmpIPredicate::eq, curIndex,
                  arith::ConstantIntOp::create(nb, nl, i64, width)),
              arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::UNO, curValue,
                                    curValue));
          Value wins = arith::OrIOp::create(
              nb, nl,
              arith::OrIOp::create(nb, nl, greater,
                                   arith::AndIOp::create(nb, nl, equal, lower)),
              none);
          Value free = arith::XOrIOp::create(
              nb, nl, isTaken,
              arith::ConstantIntOp::create(nb, nl, nb.getI1Type(), 1));
          Value take = arith::AndIOp::create(nb, nl, wins, free);
          yield(nb, nl,
                {arith::SelectOp::create(nb, nl, take, value, curValue),
                 arith::SelectOp::create(nb, nl, take, index, curIndex)});
        });
    columns.push_back(best[1]);
    if (rank + 1 == k)
      break;
    taken = generic(
        b, loc, {taken, best[1]}, emptyTensor(b, loc, sizes, b.getI1Type()),
        {full, perRow, full}, {kParallel, kParallel},
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value index = arith::IndexCastOp::create(
              nb, nl, i64, linalg::IndexOp::create(nb, nl, 1));
          Value chosen = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                               index, args[1]);
          yield(nb, nl, {arith::OrIOp::create(nb, nl, args[0], chosen)});
        });
  }
  return columns;
}

/// Sets every expert outside the `topk_group` best groups to -inf. A group's
/// score is the sum of its two best entries (one if the group has one).
Value maskToBestGroups(OpBuilder &b, Location loc, Value choice,
                       OpFoldResult rows, int64_t numGroups,
                       int64_t selectedGroups) {
  MLIRContext *ctx = b.getContext();
  auto choiceType = cast<RankedTensorType>(choice.getType());
  Type type = choiceType.getElementType();
  int64_t groupSize = choiceType.getDimSize(1) / numGroups;
  AffineExpr t = getAffineDimExpr(0, ctx), g = getAffineDimExpr(1, ctx),
             s = getAffineDimExpr(2, ctx);

  // (best, second best) per (token, group) in one coupled reduction over
  // the [T, G, S] view of the scores.
  Value ninf = negativeInfinity(b, loc, type);
  SmallVector<OpFoldResult> groupSizes = {rows, b.getIndexAttr(numGroups)};
  auto groupedType = RankedTensorType::get(
      {choiceType.getDimSize(0), numGroups, groupSize}, type);
  Value grouped = tensor::ExpandShapeOp::create(
      b, loc, groupedType, choice, ArrayRef<ReassociationIndices>{{0}, {1, 2}},
      ArrayRef<OpFoldResult>{rows, b.getIndexAttr(numGroups),
                             b.getIndexAttr(groupSize)});
  Value first = filledTensor(b, loc, groupSizes, ninf);
  Value second = filledTensor(b, loc, groupSizes, ninf);
  AffineMap perGroup = AffineMap::get(3, 0, {t, g}, ctx);
  ValueRange top2 = genericMulti(
      b, loc, {grouped}, {first, second},
      {AffineMap::get(3, 0, {t, g, s}, ctx), perGroup, perGroup},
      {kParallel, kParallel, kReduction},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value value = args[0], best = args[1], next = args[2];
        Value beatsBest = arith::CmpFOp::create(
            nb, nl, arith::CmpFPredicate::OGT, value, best);
        Value beatsNext = arith::CmpFOp::create(
            nb, nl, arith::CmpFPredicate::OGT, value, next);
        Value newBest = arith::SelectOp::create(nb, nl, beatsBest, value, best);
        Value newNext = arith::SelectOp::create(
            nb, nl, beatsBest, best,
            arith::SelectOp::create(nb, nl, beatsNext, value, next));
        yield(nb, nl, {newBest, newNext});
      });
  Value groupScore = top2[0];
  if (groupSize > 1) {
    AffineMap full = projection(ctx, 2, {0, 1});
    groupScore = generic(
        b, loc, {top2[0], top2[1]}, emptyTensor(b, loc, groupSizes, type),
        {full, full, full}, {kParallel, kParallel},
        [](OpBuilder &nb, Location nl, ValueRange args) {
          yield(nb, nl, {arith::AddFOp::create(nb, nl, args[0], args[1])});
        });
  }

  SmallVector<Value> groups =
      buildTopK(b, loc, groupScore, rows, selectedGroups);
  SmallVector<AffineMap> keepMaps(groups.size(), projection(ctx, 2, {0}));
  keepMaps.push_back(projection(ctx, 2, {0, 1}));
  Value keep = generic(
      b, loc, groups, emptyTensor(b, loc, groupSizes, b.getI1Type()), keepMaps,
      {kParallel, kParallel}, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value group = arith::IndexCastOp::create(
            nb, nl, nb.getI64Type(), linalg::IndexOp::create(nb, nl, 1));
        Value any = arith::ConstantIntOp::create(nb, nl, nb.getI1Type(), 0);
        for (Value chosen : args.drop_back())
          any = arith::OrIOp::create(
              nb, nl, any,
              arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, chosen,
                                    group));
        yield(nb, nl, {any});
      });

  AffineExpr e = getAffineDimExpr(1, ctx);
  AffineMap full = projection(ctx, 2, {0, 1});
  return generic(
      b, loc, {choice, keep},
      emptyTensor(b, loc, tensorSizes(b, loc, choice), type),
      {full, AffineMap::get(2, 0, {t, e.floorDiv(groupSize)}, ctx), full},
      {kParallel, kParallel}, [&](OpBuilder &nb, Location nl, ValueRange args) {
        yield(nb, nl,
              {arith::SelectOp::create(nb, nl, args[1], args[0],
                                       negativeInfinity(nb, nl, type))});
      });
}

struct RouteOpLowering : OpConversionPattern<RouteOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RouteOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value logits = adaptor.getLogits();
    Type type = op.getLogits().getType().getElementType();
    int64_t k = op.getK();
    OpFoldResult rows = tensor::getMixedSize(rewriter, loc, logits, 0);
    AffineMap full = projection(ctx, 2, {0, 1});
    AffineMap perRow = projection(ctx, 2, {0});

    Value scores;
    if (op.getScoring() == Scoring::softmax) {
      scores = buildSoftmax(rewriter, loc, logits, rows);
    } else {
      scores = generic(
          rewriter, loc, {logits},
          emptyTensor(rewriter, loc, tensorSizes(rewriter, loc, logits), type),
          {full, full}, {kParallel, kParallel},
          [](OpBuilder &nb, Location nl, ValueRange args) {
            yield(nb, nl, {sigmoid(nb, nl, args[0])});
          });
    }

    // The correction bias steers selection only.
    Value choice = scores;
    if (Value bias = adaptor.getCorrectionBias())
      choice = generic(
          rewriter, loc, {scores, bias},
          emptyTensor(rewriter, loc, tensorSizes(rewriter, loc, scores), type),
          {full, projection(ctx, 2, {1}), full}, {kParallel, kParallel},
          [](OpBuilder &nb, Location nl, ValueRange args) {
            yield(nb, nl, {arith::AddFOp::create(nb, nl, args[0], args[1])});
          });
    if (op.isGroupLimited())
      choice = maskToBestGroups(rewriter, loc, choice, rows, *op.getNGroup(),
                                *op.getTopkGroup());

    SmallVector<Value> columns = buildTopK(rewriter, loc, choice, rows, k);

    // Assemble [T, k] ids and gather the unbiased scores as weights.
    Type idType = op.getIds().getType().getElementType();
    SmallVector<OpFoldResult> outSizes = {rows, rewriter.getIndexAttr(k)};
    SmallVector<AffineMap> maps(columns.size(), perRow);
    maps.append({full, full});
    ValueRange assembled = genericMulti(
        rewriter, loc, columns,
        {emptyTensor(rewriter, loc, outSizes, idType),
         emptyTensor(rewriter, loc, outSizes, type)},
        maps, {kParallel, kParallel},
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value slot = linalg::IndexOp::create(nb, nl, 1);
          Value expert = args[k - 1];
          for (int64_t j = k - 2; j >= 0; --j) {
            Value isSlot =
                arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, slot,
                                      indexConstant(nb, nl, j));
            expert = arith::SelectOp::create(nb, nl, isSlot, args[j], expert);
          }
          Value token = linalg::IndexOp::create(nb, nl, 0);
          Value expertIndex =
              arith::IndexCastOp::create(nb, nl, nb.getIndexType(), expert);
          Value weight = tensor::ExtractOp::create(
              nb, nl, scores, ValueRange{token, expertIndex});
          Value id = expert;
          if (idType != expert.getType())
            id = arith::TruncIOp::create(nb, nl, idType, expert);
          yield(nb, nl, {id, weight});
        });
    Value ids = assembled[0], weights = assembled[1];

    double scale = op.getScale().convertToDouble();
    double epsilon = op.getEpsilon().convertToDouble();
    if (op.getNormalize() || scale != 1.0) {
      Value sum;
      if (op.getNormalize())
        sum = reduceRows(rewriter, loc, weights, rows,
                         floatConstant(rewriter, loc, type, 0.0),
                         [](OpBuilder &nb, Location nl, Value x, Value s) {
                           return arith::AddFOp::create(nb, nl, x, s);
                         });
      SmallVector<Value> inputs = {weights};
      SmallVector<AffineMap> scaleMaps = {full};
      if (sum) {
        inputs.push_back(sum);
        scaleMaps.push_back(perRow);
      }
      scaleMaps.push_back(full);
      weights = generic(
          rewriter, loc, inputs, emptyTensor(rewriter, loc, outSizes, type),
          scaleMaps, {kParallel, kParallel},
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value w = args[0];
            if (sum) {
              Value divisor = args[1];
              if (epsilon != 0.0)
                divisor = arith::AddFOp::create(
                    nb, nl, divisor, floatConstant(nb, nl, type, epsilon));
              w = arith::DivFOp::create(nb, nl, w, divisor);
            }
            if (scale != 1.0)
              w = arith::MulFOp::create(nb, nl, w,
                                        floatConstant(nb, nl, type, scale));
            yield(nb, nl, {w});
          });
    }

    rewriter.replaceOp(
        op, {castToType(rewriter, loc, ids, op.getIds().getType()),
             castToType(rewriter, loc, weights, op.getWeights().getType())});
    return success();
  }
};

} // namespace

void populateRouteLoweringPatterns(RewritePatternSet &patterns,
                                   const MoEToLinalgOptions &) {
  patterns.add<RouteOpLowering>(patterns.getContext());
}

} // namespace moe::lowering
