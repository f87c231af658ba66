//===- DequantizeToLinalg.cpp - moe.dequantize to linalg ------------------===//
//
// One linalg.generic over the float result: the byte holding a code is
// found with an affine floordiv, its nibble (4-bit) with linalg.index, so
// the lowering needs no unpacked copy of the codes.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace moe::lowering {
namespace {

/// The unsigned `bits`-bit code in `byte` selected by `position` (the index
/// of the code along the packed axis): low nibble for even positions.
Value extractCode(OpBuilder &b, Location loc, Value byte, Value position,
                  int64_t bits, Type floatType) {
  Value code = arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
  if (bits == 4) {
    Value two = indexConstant(b, loc, 2);
    Value odd = arith::RemUIOp::create(b, loc, position, two);
    Value shift = arith::MulIOp::create(
        b, loc,
        arith::IndexCastOp::create(b, loc, b.getI32Type(), odd).getResult(),
        arith::ConstantIntOp::create(b, loc, 4, 32));
    code = arith::AndIOp::create(b, loc,
                                 arith::ShRUIOp::create(b, loc, code, shift),
                                 arith::ConstantIntOp::create(b, loc, 0xF, 32));
  }
  return arith::UIToFPOp::create(b, loc, floatType, code);
}

struct DequantizeLowering : MoELoweringPattern<DequantizeOp> {
  using MoELoweringPattern::MoELoweringPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = op.getResult().getType();
    Type floatType = resultType.getElementType();
    unsigned rank = resultType.getRank();
    int64_t bits = op.getBits();
    int64_t perByte = op.getCodesPerByte();
    std::optional<int64_t> block = op.getBlockSize();

    // Result extents: the codes' with the last one unpacked.
    SmallVector<OpFoldResult> sizes = tensorSizes(rewriter, loc, op.getCodes());
    AffineExpr last = getAffineDimExpr(rank - 1, ctx);
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    if (auto packed = getConstantIntValue(sizes.back()))
      sizes.back() = rewriter.getIndexAttr(*packed * perByte);
    else
      sizes.back() =
          arith::MulIOp::create(rewriter, loc, cast<Value>(sizes.back()),
                                indexConstant(rewriter, loc, perByte))
              .getResult();

    // codes[..., j / perByte]; scales[..., n] or [..., n, j / B];
    // zero points[..., (scale column) / perByte].
    SmallVector<AffineExpr> codeExprs(identity.getResults());
    codeExprs.back() = last.floorDiv(perByte);
    SmallVector<AffineExpr> scaleExprs(identity.getResults());
    if (block)
      scaleExprs.back() = last.floorDiv(*block);
    else
      scaleExprs.pop_back();
    SmallVector<AffineExpr> zeroExprs(scaleExprs);
    zeroExprs.back() = zeroExprs.back().floorDiv(perByte);

    SmallVector<Value> inputs = {adaptor.getCodes(), adaptor.getScales()};
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, codeExprs, ctx),
                                   AffineMap::get(rank, 0, scaleExprs, ctx)};
    if (adaptor.getZeroPoints()) {
      inputs.push_back(adaptor.getZeroPoints());
      maps.push_back(AffineMap::get(rank, 0, zeroExprs, ctx));
    }
    maps.push_back(identity);

    Value init = emptyTensor(rewriter, loc, sizes, floatType);
    Value result = generic(
        rewriter, loc, inputs, init, maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value column = linalg::IndexOp::create(b, l, rank - 1);
          Value code = extractCode(b, l, args[0], column, bits, floatType);
          Value zero;
          if (inputs.size() == 3) {
            // The zero point's position along its packed axis is the scale
            // column it belongs to.
            Value scaleColumn =
                block ? arith::DivUIOp::create(b, l, column,
                                               indexConstant(b, l, *block))
                            .getResult()
                      : linalg::IndexOp::create(b, l, rank - 2).getResult();
            zero = extractCode(b, l, args[2], scaleColumn, bits, floatType);
          } else {
            zero = floatConstant(b, l, floatType, double(1 << (bits - 1)));
          }
          Value centred = arith::SubFOp::create(b, l, code, zero);
          linalg::YieldOp::create(
              b, l, arith::MulFOp::create(b, l, centred, args[1]).getResult());
        });
    rewriter.replaceOp(op, castToType(rewriter, loc, result, resultType));
    return success();
  }
};

} // namespace

void populateDequantizeLoweringPatterns(RewritePatternSet &patterns,
                                        const MoEToLinalgOptions &options) {
  patterns.add<DequantizeLowering>(patterns.getContext(), options);
}

} // namespace moe::lowering
