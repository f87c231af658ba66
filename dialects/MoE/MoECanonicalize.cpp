//===- MoECanonicalize.cpp - canonicalization patterns of moe ops ---------===//
//
// Rewrites that remove work without changing results: zero biases, group
// limits that select every group, and softmax top-1 weights that a
// renormalisation turns into the constant `scale`.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/MoEOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace moe;

/// Whether `value` is a constant tensor whose elements are all +0.0 or -0.0.
static bool isZeroSplat(Value value) {
  DenseFPElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return false;
  return attr.getSplatValue<APFloat>().isZero();
}

namespace {

/// A zero correction bias does not change which experts are selected, and
/// the weights never see it.
struct DropZeroCorrectionBias : OpRewritePattern<RouteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RouteOp op,
                                PatternRewriter &rewriter) const override {
    if (!isZeroSplat(op.getCorrectionBias()))
      return failure();
    rewriter.modifyOpInPlace(op,
                             [&] { op.getCorrectionBiasMutable().clear(); });
    return success();
  }
};

/// Group-limited routing that keeps every group (or has only one) selects
/// exactly what ungrouped routing selects.
struct DropTrivialGroupLimit : OpRewritePattern<RouteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RouteOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.isGroupLimited() || *op.getNGroup() != *op.getTopkGroup())
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.removeNGroupAttr();
      op.removeTopkGroupAttr();
    });
    return success();
  }
};

/// With softmax scoring, k = 1 and renormalisation without epsilon every
/// weight is score / score = 1 (a softmax score is at least 1/E, never 0),
/// times `scale`. Sigmoid scores can underflow to 0, and so can the softmax
/// score of an expert that a correction bias selected, so both are left alone.
struct FoldUnitRoutingWeights : OpRewritePattern<RouteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RouteOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getK() != 1 || !op.getNormalize() || !op.getEpsilon().isZero() ||
        op.getScoring() != Scoring::softmax || op.getCorrectionBias() ||
        op.getWeights().use_empty())
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getWeights().getType();
    Value scale = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getFloatAttr(type.getElementType(),
                              op.getScale().convertToDouble()));
    SmallVector<Value> dynamicSizes;
    if (type.isDynamicDim(0))
      dynamicSizes.push_back(
          tensor::DimOp::create(rewriter, loc, op.getLogits(), 0));
    Value empty = tensor::EmptyOp::create(rewriter, loc, type, dynamicSizes);
    Value filled =
        linalg::FillOp::create(rewriter, loc, scale, empty).getResult(0);
    rewriter.replaceAllUsesWith(op.getWeights(), filled);
    return success();
  }
};

/// A zero bias on any of the FFN matmuls adds nothing.
template <typename OpTy> struct DropZeroFFNBias : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    MutableOperandRange biases[] = {
        op.getFc1BiasMutable(), op.getFc2BiasMutable(), op.getFc3BiasMutable()};
    for (MutableOperandRange &bias : biases) {
      if (bias.empty() || !isZeroSplat(bias[0].get()))
        continue;
      rewriter.modifyOpInPlace(op, [&] { bias.clear(); });
      return success();
    }
    return failure();
  }
};

} // namespace

void RouteOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                          MLIRContext *context) {
  patterns.add<DropZeroCorrectionBias, DropTrivialGroupLimit,
               FoldUnitRoutingWeights>(context);
}

void ExpertsOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<DropZeroFFNBias<ExpertsOp>>(context);
}

void FFNDenseOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                             MLIRContext *context) {
  patterns.add<DropZeroFFNBias<FFNDenseOp>>(context);
}
