//===- MoEBlock.cpp - building moe ops for an imported MoE block ----------===//
//
// The part of an MoE block's import that does not depend on how the model
// spelled it: dispatch, experts and combine, and the token reshapes around
// them.
//
//===----------------------------------------------------------------------===//

#include "MoEBlock.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace moe::onnx_import {

Value flattenTokens(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() != 3)
    return value;
  return tensor::CollapseShapeOp::create(
      b, loc, value, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
}

Value restoreTokenShape(OpBuilder &b, Location loc, Value rows, Value like) {
  auto likeType = cast<RankedTensorType>(like.getType());
  auto rowsType = cast<RankedTensorType>(rows.getType());
  Type elementType = rowsType.getElementType();
  // The rows' own width: routing ids and weights are [T, k] beside [.., E]
  // logits.
  int64_t hidden = rowsType.getShape().back();
  SmallVector<int64_t> shape(likeType.getShape());
  shape.back() = hidden;
  auto outType = RankedTensorType::get(shape, elementType);
  if (likeType.getRank() != 3) {
    // The graph's static token count, as declared.
    if (rows.getType() != outType)
      rows = tensor::CastOp::create(b, loc, outType, rows);
    return rows;
  }
  SmallVector<OpFoldResult> outputShape = {
      tensor::getMixedSize(b, loc, like, 0),
      tensor::getMixedSize(b, loc, like, 1), b.getIndexAttr(hidden)};
  if (likeType.isDynamicDim(0) && likeType.isDynamicDim(1)) {
    // LLVM 22's expand-strided-metadata crashes on an expand_shape with two
    // dynamic sizes in one group, and memref.reshape with a dynamic shape
    // does not lower: copy y[b * S + s, h] with a generic instead.
    MLIRContext *ctx = b.getContext();
    Value seqLen = getValueOrCreateConstantIndexOp(b, loc, outputShape[1]);
    Value init = tensor::EmptyOp::create(b, loc, outputShape, elementType);
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, ValueRange{},
               ValueRange{init},
               ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(3, ctx)},
               SmallVector<utils::IteratorType>(3,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location nl, ValueRange) {
                 Value batch = linalg::IndexOp::create(nb, nl, 0);
                 Value pos = linalg::IndexOp::create(nb, nl, 1);
                 Value h = linalg::IndexOp::create(nb, nl, 2);
                 Value row = arith::AddIOp::create(
                     nb, nl, arith::MulIOp::create(nb, nl, batch, seqLen), pos);
                 Value v = tensor::ExtractOp::create(nb, nl, rows,
                                                     ValueRange{row, h});
                 linalg::YieldOp::create(nb, nl, v);
               })
        .getResult(0);
  }
  // A static [B, S, H] needs a static [B*S, H] to expand from.
  if (outType.hasStaticShape())
    rows = tensor::CastOp::create(
        b, loc,
        RankedTensorType::get(
            {likeType.getDimSize(0) * likeType.getDimSize(1), hidden},
            elementType),
        rows);
  return tensor::ExpandShapeOp::create(
      b, loc, outType, rows, ArrayRef<ReassociationIndices>{{0, 1}, {2}},
      outputShape);
}

Value buildRoutedExperts(OpBuilder &b, Location loc, Value tokens, Value ids,
                         Value weights, const ExpertFFN &ffn) {
  auto tokensType = cast<RankedTensorType>(tokens.getType());
  int64_t hidden = tokensType.getDimSize(1);
  int64_t numExperts = cast<RankedTensorType>(ffn.fc1.getType()).getDimSize(0);
  auto rowsType = RankedTensorType::get({ShapedType::kDynamic, hidden},
                                        tokensType.getElementType());
  if (tokens.getType() != rowsType)
    tokens = tensor::CastOp::create(b, loc, rowsType, tokens);
  auto offsetsType = RankedTensorType::get({numExperts + 1}, b.getI64Type());
  auto permType = RankedTensorType::get({ShapedType::kDynamic}, b.getI64Type());
  auto dispatch =
      DispatchOp::create(b, loc, rowsType, offsetsType, permType, tokens, ids);
  MLIRContext *ctx = b.getContext();
  auto experts = ExpertsOp::create(
      b, loc, rowsType, dispatch.getSorted(), dispatch.getOffsets(), ffn.fc1,
      ffn.fc1Bias, ffn.fc2, ffn.fc2Bias, ffn.fc3, ffn.fc3Bias,
      ActivationAttr::get(ctx, ffn.activation),
      ffn.layout ? GateLayoutAttr::get(ctx, *ffn.layout) : GateLayoutAttr(),
      b.getF64FloatAttr(ffn.alpha), b.getF64FloatAttr(ffn.beta),
      ffn.limit ? b.getF64FloatAttr(*ffn.limit) : FloatAttr(),
      /*placements=*/ArrayAttr());
  return CombineOp::create(b, loc, rowsType, experts.getResult(), weights,
                           dispatch.getPermutation());
}

} // namespace moe::onnx_import
