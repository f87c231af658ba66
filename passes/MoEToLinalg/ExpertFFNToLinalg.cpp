//===- ExpertFFNToLinalg.cpp - moe.experts and moe.ffn to linalg ----------===//
//
// One expert's FFN is three linalg.generic contractions (fc1, optional fc3,
// fc2) around an element-wise activation. moe.experts loops over experts
// with scf.for and runs the FFN on each expert's row range of the sorted
// tokens; moe.ffn is a single FFN on all tokens.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;

namespace moe::lowering {

/// out[r, o] = sum_c x[r, c] * w[o, c] (+ bias[o]): the ONNX Runtime layout
/// stores every expert matrix as [out, in].
static Value matmulTransposed(OpBuilder &b, Location loc, Value x, Value w,
                              Value bias) {
  MLIRContext *ctx = b.getContext();
  Type elementType = cast<ShapedType>(x.getType()).getElementType();
  OpFoldResult rows = tensor::getMixedSize(b, loc, x, 0);
  OpFoldResult cols = tensor::getMixedSize(b, loc, w, 0);
  Value zero = floatConstant(b, loc, elementType, 0.0);
  Value acc = filledTensor(b, loc, {rows, cols}, zero);
  auto par = utils::IteratorType::parallel;
  auto red = utils::IteratorType::reduction;
  Value product = generic(
      b, loc, {x, w}, acc,
      // Loops run weight row, token, k: one row of the weight stays in
      // cache while every token's dot product with it is taken, so the
      // weights stream from memory once per call, not once per token.
      {projection(ctx, 3, {1, 2}), projection(ctx, 3, {0, 2}),
       projection(ctx, 3, {1, 0})},
      {par, par, red}, [](OpBuilder &nb, Location nl, ValueRange args) {
        // Reassociation lets the host compiler vectorise the dot product
        // (partial sums per vector lane); every placement runs this same
        // code, so the results still do not depend on where an expert ran.
        auto flags = arith::FastMathFlags::reassoc;
        Value mul = arith::MulFOp::create(nb, nl, args[0], args[1], flags);
        linalg::YieldOp::create(
            nb, nl,
            {arith::AddFOp::create(nb, nl, args[2], mul, flags).getResult()});
      });
  if (!bias)
    return product;
  Value init = emptyTensor(b, loc, {rows, cols}, elementType);
  return generic(
      b, loc, {product, bias}, init,
      {projection(ctx, 2, {0, 1}), projection(ctx, 2, {1}),
       projection(ctx, 2, {0, 1})},
      {par, par}, [](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(
            nb, nl,
            {arith::AddFOp::create(nb, nl, args[0], args[1]).getResult()});
      });
}

/// The scalar activation of a non-gated FFN.
static Value applyActivation(OpBuilder &b, Location loc, Activation kind,
                             Value h) {
  Type type = h.getType();
  auto half = [&] { return floatConstant(b, loc, type, 0.5); };
  auto one = [&] { return floatConstant(b, loc, type, 1.0); };
  switch (kind) {
  case Activation::identity:
    return h;
  case Activation::relu:
    return arith::MaximumFOp::create(b, loc, h,
                                     floatConstant(b, loc, type, 0.0));
  case Activation::gelu: {
    // 0.5 h (1 + erf(h / sqrt 2))
    Value scaled = arith::MulFOp::create(
        b, loc, h, floatConstant(b, loc, type, M_SQRT1_2));
    Value erf = math::ErfOp::create(b, loc, scaled);
    Value halfH = arith::MulFOp::create(b, loc, half(), h);
    return arith::MulFOp::create(b, loc, halfH,
                                 arith::AddFOp::create(b, loc, one(), erf));
  }
  case Activation::gelu_tanh: {
    // 0.5 h (1 + tanh(sqrt(2/pi) (h + 0.044715 h^3)))
    Value cube =
        arith::MulFOp::create(b, loc, h, arith::MulFOp::create(b, loc, h, h));
    Value inner = arith::AddFOp::create(
        b, loc, h,
        arith::MulFOp::create(b, loc, floatConstant(b, loc, type, 0.044715),
                              cube));
    Value arg = arith::MulFOp::create(
        b, loc, floatConstant(b, loc, type, std::sqrt(2.0 / M_PI)), inner);
    Value tanh = math::TanhOp::create(b, loc, arg);
    Value halfH = arith::MulFOp::create(b, loc, half(), h);
    return arith::MulFOp::create(b, loc, halfH,
                                 arith::AddFOp::create(b, loc, one(), tanh));
  }
  case Activation::silu:
    return arith::MulFOp::create(b, loc, h, sigmoid(b, loc, h));
  case Activation::swiglu:
    break;
  }
  llvm_unreachable("swiglu is lowered by applySwiGLU");
}

/// g * sigmoid(alpha g) * (l + beta), with g <= limit and |l| <= limit.
static Value applySwiGLU(OpBuilder &b, Location loc, const ActivationSpec &spec,
                         Value gate, Value linear) {
  Type type = gate.getType();
  if (spec.limit) {
    Value hi = floatConstant(b, loc, type, *spec.limit);
    Value lo = floatConstant(b, loc, type, -*spec.limit);
    gate = arith::MinimumFOp::create(b, loc, gate, hi);
    linear = arith::MaximumFOp::create(
        b, loc, arith::MinimumFOp::create(b, loc, linear, hi), lo);
  }
  Value scaledGate = arith::MulFOp::create(
      b, loc, floatConstant(b, loc, type, spec.alpha), gate);
  Value glu = arith::MulFOp::create(b, loc, gate, sigmoid(b, loc, scaledGate));
  Value shifted = arith::AddFOp::create(b, loc, linear,
                                        floatConstant(b, loc, type, spec.beta));
  return arith::MulFOp::create(b, loc, glu, shifted);
}

Value buildExpertFFN(OpBuilder &b, Location loc, Value tokens,
                     const ExpertWeights &weights,
                     const ActivationSpec &activation) {
  MLIRContext *ctx = b.getContext();
  Type elementType = cast<ShapedType>(tokens.getType()).getElementType();
  auto par = utils::IteratorType::parallel;
  Value hidden = matmulTransposed(b, loc, tokens, weights.fc1, weights.fc1Bias);
  OpFoldResult rows = tensor::getMixedSize(b, loc, tokens, 0);
  // I is fc2's input extent.
  OpFoldResult inter = tensor::getMixedSize(b, loc, weights.fc2, 1);
  Value init = emptyTensor(b, loc, {rows, inter}, elementType);

  Value activated;
  if (activation.kind != Activation::swiglu) {
    activated = generic(
        b, loc, {hidden}, init,
        {projection(ctx, 2, {0, 1}), projection(ctx, 2, {0, 1})}, {par, par},
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          linalg::YieldOp::create(
              nb, nl, applyActivation(nb, nl, activation.kind, args[0]));
        });
  } else {
    // Gate and linear halves: fc1 and fc3, or strided/offset column slices
    // of fc1's output.
    auto columns = [&](OpFoldResult offset, int64_t stride) -> Value {
      SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), offset};
      SmallVector<OpFoldResult> sizes = {rows, inter};
      SmallVector<OpFoldResult> strides = {b.getIndexAttr(1),
                                           b.getIndexAttr(stride)};
      return tensor::ExtractSliceOp::create(b, loc, hidden, offsets, sizes,
                                            strides);
    };
    Value gateSource, linearSource;
    switch (*activation.layout) {
    case GateLayout::separate:
      gateSource = hidden;
      linearSource =
          matmulTransposed(b, loc, tokens, weights.fc3, weights.fc3Bias);
      break;
    case GateLayout::interleaved:
      gateSource = columns(b.getIndexAttr(0), 2);
      linearSource = columns(b.getIndexAttr(1), 2);
      break;
    case GateLayout::concatenated:
      gateSource = columns(b.getIndexAttr(0), 1);
      linearSource = columns(inter, 1);
      break;
    }
    AffineMap identity = projection(ctx, 2, {0, 1});
    activated = generic(
        b, loc, {gateSource, linearSource}, init,
        {identity, identity, identity}, {par, par},
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          linalg::YieldOp::create(
              nb, nl, applySwiGLU(nb, nl, activation, args[0], args[1]));
        });
  }
  return matmulTransposed(b, loc, activated, weights.fc2, weights.fc2Bias);
}

Value expertSlice(OpBuilder &b, Location loc, Value stacked, Value expert) {
  if (!stacked)
    return Value();
  auto type = cast<RankedTensorType>(stacked.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = expert;
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, stacked);
  sizes[0] = b.getIndexAttr(1);
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  auto sliceType = RankedTensorType::get(type.getShape().drop_front(),
                                         type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, sliceType, stacked, offsets,
                                        sizes, strides);
}

namespace {

struct ExpertsOpLowering : MoELoweringPattern<ExpertsOp> {
  using MoELoweringPattern::MoELoweringPattern;

  LogicalResult
  matchAndRewrite(ExpertsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value tokens = adaptor.getTokens();
    Value offsets = adaptor.getOffsets();
    RankedTensorType resultType = op.getResult().getType();
    int64_t numExperts = op.getNumExperts();

    OpFoldResult rows = tensor::getMixedSize(rewriter, loc, tokens, 0);
    OpFoldResult hidden = tensor::getMixedSize(rewriter, loc, tokens, 1);
    Value numRows = getValueOrCreateConstantIndexOp(rewriter, loc, rows);

    // The expert ranges must tile [0, N) exactly, or rows would be left
    // unwritten.
    auto offsetAt = [&](OpBuilder &b, Value index) -> Value {
      Value raw = tensor::ExtractOp::create(b, loc, offsets, index);
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
    };
    Value first = offsetAt(rewriter, indexConstant(rewriter, loc, 0));
    Value last = offsetAt(rewriter, indexConstant(rewriter, loc, numExperts));
    Value tiles = arith::AndIOp::create(
        rewriter, loc,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, first,
                              indexConstant(rewriter, loc, 0)),
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, last,
                              numRows));
    emitRuntimeCheck(rewriter, loc, options, tiles,
                     "moe.experts: offsets must start at 0 and end at the "
                     "number of sorted rows");

    Value init =
        emptyTensor(rewriter, loc, {rows, hidden}, resultType.getElementType());
    ActivationSpec activation = getActivationSpec(op);
    auto loop = scf::ForOp::create(
        rewriter, loc, indexConstant(rewriter, loc, 0),
        indexConstant(rewriter, loc, numExperts),
        indexConstant(rewriter, loc, 1), ValueRange{init},
        [&](OpBuilder &b, Location nl, Value expert, ValueRange iterArgs) {
          Value begin = offsetAt(b, expert);
          Value next =
              arith::AddIOp::create(b, nl, expert, indexConstant(b, nl, 1));
          Value end = offsetAt(b, next);
          Value ordered = arith::AndIOp::create(
              b, nl,
              arith::CmpIOp::create(b, nl, arith::CmpIPredicate::sle, begin,
                                    end),
              arith::CmpIOp::create(b, nl, arith::CmpIPredicate::sle, end,
                                    numRows));
          emitRuntimeCheck(b, nl, options, ordered,
                           "moe.experts: offsets must be non-decreasing");
          Value count = arith::SubIOp::create(b, nl, end, begin);
          SmallVector<OpFoldResult> offsetsIdx = {begin, b.getIndexAttr(0)};
          SmallVector<OpFoldResult> sizes = {count, hidden};
          SmallVector<OpFoldResult> strides = {b.getIndexAttr(1),
                                               b.getIndexAttr(1)};
          Value slice = tensor::ExtractSliceOp::create(
              b, nl, tokens, offsetsIdx, sizes, strides);
          ExpertWeights weights{
              expertSlice(b, nl, adaptor.getFc1Weights(), expert),
              expertSlice(b, nl, adaptor.getFc1Bias(), expert),
              expertSlice(b, nl, adaptor.getFc2Weights(), expert),
              expertSlice(b, nl, adaptor.getFc2Bias(), expert),
              expertSlice(b, nl, adaptor.getFc3Weights(), expert),
              expertSlice(b, nl, adaptor.getFc3Bias(), expert)};
          Value expertOut = buildExpertFFN(b, nl, slice, weights, activation);
          Value updated = tensor::InsertSliceOp::create(
              b, nl, expertOut, iterArgs[0], offsetsIdx, sizes, strides);
          scf::YieldOp::create(b, nl, updated);
        });
    rewriter.replaceOp(
        op, castToType(rewriter, loc, loop.getResult(0), resultType));
    return success();
  }
};

struct FFNDenseOpLowering : OpConversionPattern<FFNDenseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(FFNDenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ExpertWeights weights{adaptor.getFc1Weights(), adaptor.getFc1Bias(),
                          adaptor.getFc2Weights(), adaptor.getFc2Bias(),
                          adaptor.getFc3Weights(), adaptor.getFc3Bias()};
    Value result = buildExpertFFN(rewriter, op.getLoc(), adaptor.getTokens(),
                                  weights, getActivationSpec(op));
    rewriter.replaceOp(op, castToType(rewriter, op.getLoc(), result,
                                      op.getResult().getType()));
    return success();
  }
};

} // namespace

void populateExpertFFNLoweringPatterns(RewritePatternSet &patterns,
                                       const MoEToLinalgOptions &options) {
  patterns.add<ExpertsOpLowering>(patterns.getContext(), options);
  patterns.add<FFNDenseOpLowering>(patterns.getContext());
}

} // namespace moe::lowering
