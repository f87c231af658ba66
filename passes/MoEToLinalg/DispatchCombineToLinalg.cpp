//===- DispatchCombineToLinalg.cpp - moe.dispatch/combine to linalg -------===//
//
// Dispatch is a counting sort: one scf.for counts token copies per expert,
// one turns counts into offsets, one places every copy; a linalg.generic
// then gathers the token rows. Combine inverts the permutation with one
// loop and sums each token's k weighted rows in a linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace moe::lowering {
namespace {

constexpr auto kParallel = utils::IteratorType::parallel;
constexpr auto kReduction = utils::IteratorType::reduction;

/// 0 <= value < bound, on index values.
Value inRange(OpBuilder &b, Location loc, Value value, Value bound) {
  Value zero = indexConstant(b, loc, 0);
  return arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, value, zero),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, value, bound));
}

Value toIndex(OpBuilder &b, Location loc, Value value) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), value);
}

/// A loop over [0, count) carrying `inits`; `body` returns the new values.
ValueRange forEach(
    OpBuilder &b, Location loc, Value count, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        body) {
  auto loop = scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), count, indexConstant(b, loc, 1), inits,
      [&](OpBuilder &nb, Location nl, Value iv, ValueRange iterArgs) {
        scf::YieldOp::create(nb, nl, body(nb, nl, iv, iterArgs));
      });
  return loop.getResults();
}

struct DispatchOpLowering : MoELoweringPattern<DispatchOp> {
  using MoELoweringPattern::MoELoweringPattern;

  LogicalResult
  matchAndRewrite(DispatchOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value tokens = adaptor.getTokens();
    Value ids = adaptor.getIds();
    int64_t k = op.getIds().getType().getDimSize(1);
    int64_t numExperts = op.getNumExperts();
    Type i64 = rewriter.getI64Type();

    Value numTokens = tensor::DimOp::create(rewriter, loc, tokens, 0);
    Value idRows = tensor::DimOp::create(rewriter, loc, ids, 0);
    emitEqualityCheck(rewriter, loc, options, idRows, numTokens,
                      "moe.dispatch: ids and tokens have different token "
                      "counts");
    Value kValue = indexConstant(rewriter, loc, k);
    Value numRows = arith::MulIOp::create(rewriter, loc, numTokens, kValue);
    Value expertsValue = indexConstant(rewriter, loc, numExperts);
    Value one = arith::ConstantIntOp::create(rewriter, loc, i64, 1);

    // The expert of assignment a = t * k + j, checked against [0, E).
    auto expertOf = [&](OpBuilder &b, Location nl, Value assignment) {
      Value token = arith::DivUIOp::create(b, nl, assignment, kValue);
      Value slot = arith::RemUIOp::create(b, nl, assignment, kValue);
      Value expert = toIndex(
          b, nl,
          tensor::ExtractOp::create(b, nl, ids, ValueRange{token, slot}));
      emitRuntimeCheck(b, nl, options, inRange(b, nl, expert, expertsValue),
                       "moe.dispatch: expert id out of range [0, E)");
      return expert;
    };

    // Token copies per expert.
    Value zeros =
        filledTensor(rewriter, loc, {rewriter.getIndexAttr(numExperts)},
                     arith::ConstantIntOp::create(rewriter, loc, i64, 0));
    Value counts =
        forEach(rewriter, loc, numRows, {zeros},
                [&](OpBuilder &b, Location nl, Value a, ValueRange iter) {
                  Value expert = expertOf(b, nl, a);
                  Value count = tensor::ExtractOp::create(b, nl, iter[0],
                                                          ValueRange{expert});
                  Value next = arith::AddIOp::create(b, nl, count, one);
                  return SmallVector<Value>{tensor::InsertOp::create(
                      b, nl, next, iter[0], ValueRange{expert})};
                })[0];

    // Exclusive prefix sum: offsets[e + 1] = offsets[e] + counts[e].
    Value offsetsInit =
        filledTensor(rewriter, loc, {rewriter.getIndexAttr(numExperts + 1)},
                     arith::ConstantIntOp::create(rewriter, loc, i64, 0));
    Value offsets = forEach(
        rewriter, loc, expertsValue, {offsetsInit},
        [&](OpBuilder &b, Location nl, Value e, ValueRange iter) {
          Value start =
              tensor::ExtractOp::create(b, nl, iter[0], ValueRange{e});
          Value count = tensor::ExtractOp::create(b, nl, counts, ValueRange{e});
          Value next = arith::AddIOp::create(b, nl, e, indexConstant(b, nl, 1));
          return SmallVector<Value>{tensor::InsertOp::create(
              b, nl, arith::AddIOp::create(b, nl, start, count), iter[0],
              ValueRange{next})};
        })[0];

    // Place every copy at its expert's cursor; equal experts keep order.
    Value permInit = emptyTensor(rewriter, loc, {numRows}, i64);
    Value perm =
        forEach(rewriter, loc, numRows, {offsets, permInit},
                [&](OpBuilder &b, Location nl, Value a, ValueRange iter) {
                  Value expert = expertOf(b, nl, a);
                  Value cursor = tensor::ExtractOp::create(b, nl, iter[0],
                                                           ValueRange{expert});
                  Value slot = toIndex(b, nl, cursor);
                  Value assignment = arith::IndexCastOp::create(b, nl, i64, a);
                  Value placed = tensor::InsertOp::create(
                      b, nl, assignment, iter[1], ValueRange{slot});
                  Value advanced = tensor::InsertOp::create(
                      b, nl, arith::AddIOp::create(b, nl, cursor, one), iter[0],
                      ValueRange{expert});
                  return SmallVector<Value>{advanced, placed};
                })[1];

    // sorted[r, h] = tokens[perm[r] / k, h].
    Type elementType = op.getTokens().getType().getElementType();
    OpFoldResult hidden = tensor::getMixedSize(rewriter, loc, tokens, 1);
    Value sorted = generic(
        rewriter, loc, {perm},
        emptyTensor(rewriter, loc, {numRows, hidden}, elementType),
        {projection(ctx, 2, {0}), projection(ctx, 2, {0, 1})},
        {kParallel, kParallel},
        [&](OpBuilder &b, Location nl, ValueRange args) {
          Value token =
              arith::DivUIOp::create(b, nl, toIndex(b, nl, args[0]), kValue);
          Value h = linalg::IndexOp::create(b, nl, 1);
          linalg::YieldOp::create(
              b, nl,
              {tensor::ExtractOp::create(b, nl, tokens, ValueRange{token, h})
                   .getResult()});
        });

    rewriter.replaceOp(
        op, {castToType(rewriter, loc, sorted, op.getSorted().getType()),
             castToType(rewriter, loc, offsets, op.getOffsets().getType()),
             castToType(rewriter, loc, perm, op.getPermutation().getType())});
    return success();
  }
};

struct CombineOpLowering : MoELoweringPattern<CombineOp> {
  using MoELoweringPattern::MoELoweringPattern;

  LogicalResult
  matchAndRewrite(CombineOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value outputs = adaptor.getExpertOutputs();
    Value weights = adaptor.getWeights();
    Value perm = adaptor.getPermutation();
    int64_t k = op.getWeights().getType().getDimSize(1);
    Type i64 = rewriter.getI64Type();
    Type elementType = op.getResult().getType().getElementType();

    Value numTokens = tensor::DimOp::create(rewriter, loc, weights, 0);
    Value numRows = arith::MulIOp::create(rewriter, loc, numTokens,
                                          indexConstant(rewriter, loc, k));
    Value permRows = tensor::DimOp::create(rewriter, loc, perm, 0);
    emitEqualityCheck(rewriter, loc, options, permRows, numRows,
                      "moe.combine: the permutation must have T * k rows");
    Value outputRows = tensor::DimOp::create(rewriter, loc, outputs, 0);
    emitEqualityCheck(rewriter, loc, options, outputRows, numRows,
                      "moe.combine: the expert outputs must have T * k rows");

    // rowOf[t * k + j] = the sorted row that holds assignment (t, j). It
    // starts at -1 so a repeated entry is caught: N distinct in-range entries
    // then cover every assignment.
    Value unset = arith::ConstantIntOp::create(rewriter, loc, i64, -1);
    Value rowOf = forEach(
        rewriter, loc, numRows, {filledTensor(rewriter, loc, {numRows}, unset)},
        [&](OpBuilder &b, Location nl, Value r, ValueRange iter) {
          Value assignment =
              toIndex(b, nl, tensor::ExtractOp::create(b, nl, perm, r));
          emitRuntimeCheck(b, nl, options, inRange(b, nl, assignment, numRows),
                           "moe.combine: permutation entry out of "
                           "range [0, T * k)");
          if (options.runtimeChecks) {
            Value previous = tensor::ExtractOp::create(b, nl, iter[0],
                                                       ValueRange{assignment});
            emitEqualityCheck(b, nl, options, previous, unset,
                              "moe.combine: the permutation repeats an entry");
          }
          Value row = arith::IndexCastOp::create(b, nl, i64, r);
          return SmallVector<Value>{tensor::InsertOp::create(
              b, nl, row, iter[0], ValueRange{assignment})};
        })[0];
    auto rowsType = RankedTensorType::get({ShapedType::kDynamic, k}, i64);
    Value rowsByToken = tensor::ExpandShapeOp::create(
        rewriter, loc, rowsType, rowOf, ArrayRef<ReassociationIndices>{{0, 1}},
        ArrayRef<OpFoldResult>{numTokens, rewriter.getIndexAttr(k)});

    // result[t, h] = sum_j weights[t, j] * outputs[rowOf[t, j], h].
    OpFoldResult hidden = tensor::getMixedSize(rewriter, loc, outputs, 1);
    Value zero = floatConstant(rewriter, loc, elementType, 0.0);
    Value init = filledTensor(rewriter, loc, {numTokens, hidden}, zero);
    Value result = generic(
        rewriter, loc, {weights, rowsByToken}, init,
        {projection(ctx, 3, {0, 2}), projection(ctx, 3, {0, 2}),
         projection(ctx, 3, {0, 1})},
        {kParallel, kParallel, kReduction},
        [&](OpBuilder &b, Location nl, ValueRange args) {
          Value row = toIndex(b, nl, args[1]);
          Value h = linalg::IndexOp::create(b, nl, 1);
          Value value =
              tensor::ExtractOp::create(b, nl, outputs, ValueRange{row, h});
          Value weighted = arith::MulFOp::create(b, nl, args[0], value);
          linalg::YieldOp::create(
              b, nl,
              {arith::AddFOp::create(b, nl, args[2], weighted).getResult()});
        });
    rewriter.replaceOp(
        op, castToType(rewriter, loc, result, op.getResult().getType()));
    return success();
  }
};

} // namespace

void populateDispatchCombineLoweringPatterns(
    RewritePatternSet &patterns, const MoEToLinalgOptions &options) {
  patterns.add<DispatchOpLowering, CombineOpLowering>(patterns.getContext(),
                                                      options);
}

} // namespace moe::lowering
