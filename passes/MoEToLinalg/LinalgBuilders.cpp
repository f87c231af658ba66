//===- LinalgBuilders.cpp - small builders shared by moe lowerings --------===//

#include "LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace moe::lowering {

Value floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Value fill) {
  Value empty = emptyTensor(b, loc, sizes, fill.getType());
  return linalg::FillOp::create(b, loc, fill, empty).getResult(0);
}

ValueRange genericMulti(OpBuilder &b, Location loc, ValueRange inputs,
                        ValueRange inits, ArrayRef<AffineMap> maps,
                        ArrayRef<utils::IteratorType> iterators,
                        BodyBuilder body) {
  auto op = linalg::GenericOp::create(b, loc, inits.getTypes(), inputs, inits,
                                      maps, iterators, body);
  return op.getResults();
}

Value generic(OpBuilder &b, Location loc, ValueRange inputs, Value init,
              ArrayRef<AffineMap> maps, ArrayRef<utils::IteratorType> iterators,
              BodyBuilder body) {
  return genericMulti(b, loc, inputs, ValueRange{init}, maps, iterators,
                      body)[0];
}

AffineMap projection(MLIRContext *ctx, unsigned numDims,
                     ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value one = floatConstant(b, loc, type, 1.0);
  Value negExp = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, negExp));
}

SmallVector<OpFoldResult> tensorSizes(OpBuilder &b, Location loc, Value value) {
  return tensor::getMixedSizes(b, loc, value);
}

Value castToType(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

void emitRuntimeCheck(OpBuilder &b, Location loc,
                      const MoEToLinalgOptions &options, Value condition,
                      StringRef message) {
  if (options.runtimeChecks)
    cf::AssertOp::create(b, loc, condition, message);
}

void emitEqualityCheck(OpBuilder &b, Location loc,
                       const MoEToLinalgOptions &options, Value lhs, Value rhs,
                       StringRef message) {
  if (!options.runtimeChecks)
    return;
  Value equal =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lhs, rhs);
  cf::AssertOp::create(b, loc, equal, message);
}

} // namespace moe::lowering
