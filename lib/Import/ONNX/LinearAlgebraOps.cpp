//===- LinearAlgebraOps.cpp - ONNX MatMul and Gemm to linalg.generic ------===//
//
// MatMul with numpy semantics (batch dimensions broadcast, a 1-D operand is
// a vector whose dimension is dropped from the result) and Gemm (alpha,
// beta, transA, transB, C broadcast to [M, N]) as contractions in
// linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace moe::onnx_import {
namespace {

Value multiplyAdd(OpBuilder &b, Location loc, Value x, Value y, Value acc) {
  if (isFloat(acc.getType()))
    return arith::AddFOp::create(b, loc, acc,
                                 arith::MulFOp::create(b, loc, x, y));
  return arith::AddIOp::create(b, loc, acc,
                               arith::MulIOp::create(b, loc, x, y));
}

/// A contraction: loops `loopCount`, the last one the reduction, result of
/// `sizes` (identity map over the first loops), accumulating x * y.
Value contract(OpBuilder &b, Location loc, Value lhs, AffineMap lhsMap,
               Value rhs, AffineMap rhsMap, ArrayRef<OpFoldResult> sizes,
               Type elementType) {
  MLIRContext *ctx = b.getContext();
  int64_t loops = sizes.size() + 1;
  Value acc =
      filledTensor(b, loc, sizes, scalarConstant(b, loc, elementType, 0.0));
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  SmallVector<AffineExpr> outExprs;
  for (size_t d = 0; d < sizes.size(); ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  AffineMap outMap = AffineMap::get(loops, 0, outExprs, ctx);
  return linalg::GenericOp::create(
             b, loc, TypeRange{acc.getType()}, ValueRange{lhs, rhs},
             ValueRange{acc}, ArrayRef<AffineMap>{lhsMap, rhsMap, outMap},
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nl, multiplyAdd(nb, nl, args[0], args[1], args[2]));
             })
      .getResult(0);
}

LogicalResult checkOperands(OpContext &c, Value lhs, Value rhs) {
  Type t = cast<RankedTensorType>(lhs.getType()).getElementType();
  if (t != cast<RankedTensorType>(rhs.getType()).getElementType()) {
    c.error() << "operands must have the same element type, got "
              << lhs.getType() << " and " << rhs.getType();
    return failure();
  }
  if (t.isInteger(1)) {
    c.error() << "does not take bool tensors";
    return failure();
  }
  return success();
}

LogicalResult importMatMul(OpContext &c) {
  if (failed(c.checkArity(2, 2)) || failed(c.checkAttributes({})))
    return failure();
  Value lhs = c.input(0), rhs = c.input(1);
  if (!lhs || !rhs || failed(checkOperands(c, lhs, rhs)))
    return failure();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t lr = lhsType.getRank(), rr = rhsType.getRank();
  if (lr < 1 || rr < 1) {
    c.error() << "operands must have rank 1 or more, got " << lhsType << " and "
              << rhsType;
    return failure();
  }
  bool hasM = lr >= 2, hasN = rr >= 2;
  int64_t lhsK = lhsType.getDimSize(lr - 1);
  int64_t rhsK = rhsType.getDimSize(hasN ? rr - 2 : 0);
  if (!ShapedType::isDynamic(lhsK) && !ShapedType::isDynamic(rhsK) &&
      lhsK != rhsK) {
    c.error() << "inner dimensions do not match: " << lhsType << " times "
              << rhsType << " (" << lhsK << " vs " << rhsK << ")";
    return failure();
  }
  SmallVector<BroadcastOperand> batches = {
      {llvm::to_vector(lhsType.getShape().drop_back(hasM ? 2 : 1)), lhs},
      {llvm::to_vector(rhsType.getShape().drop_back(hasN ? 2 : 1)), rhs}};
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineMap> batchMaps;
  if (failed(broadcastShapes(c, batches, sizes, batchMaps)))
    return failure();
  MLIRContext *ctx = c.b.getContext();
  int64_t nb = sizes.size();
  int64_t m = nb, n = nb + (hasM ? 1 : 0);
  int64_t k = n + (hasN ? 1 : 0);
  int64_t loops = k + 1;
  if (hasM)
    sizes.push_back(tensor::getMixedSize(c.b, c.loc, lhs, lr - 2));
  if (hasN)
    sizes.push_back(tensor::getMixedSize(c.b, c.loc, rhs, rr - 1));
  SmallVector<AffineExpr> lhsExprs(batchMaps[0].getResults());
  SmallVector<AffineExpr> rhsExprs(batchMaps[1].getResults());
  if (hasM)
    lhsExprs.push_back(getAffineDimExpr(m, ctx));
  lhsExprs.push_back(getAffineDimExpr(k, ctx));
  rhsExprs.push_back(getAffineDimExpr(k, ctx));
  if (hasN)
    rhsExprs.push_back(getAffineDimExpr(n, ctx));
  Value result = contract(
      c.b, c.loc, lhs, AffineMap::get(loops, 0, lhsExprs, ctx), rhs,
      AffineMap::get(loops, 0, rhsExprs, ctx), sizes, lhsType.getElementType());
  c.define(0, result);
  return success();
}

LogicalResult importGemm(OpContext &c) {
  if (failed(c.checkArity(2, 3)) ||
      failed(c.checkAttributes({"alpha", "beta", "transA", "transB"})))
    return failure();
  bool missing = false;
  Value a = c.input(0), bMat = c.input(1);
  Value cMat = c.optionalInput(2, missing);
  if (!a || !bMat || missing || failed(checkOperands(c, a, bMat)))
    return failure();
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(bMat.getType());
  if (aType.getRank() != 2 || bType.getRank() != 2) {
    c.error() << "A and B must be 2-D, got " << aType << " and " << bType;
    return failure();
  }
  bool transA = c.intAttr("transA", 0) != 0;
  bool transB = c.intAttr("transB", 0) != 0;
  double alpha = c.floatAttr("alpha", 1.0f);
  double beta = c.floatAttr("beta", 1.0f);
  int64_t aK = aType.getDimSize(transA ? 0 : 1);
  int64_t bK = bType.getDimSize(transB ? 1 : 0);
  if (!ShapedType::isDynamic(aK) && !ShapedType::isDynamic(bK) && aK != bK) {
    c.error() << "inner dimensions do not match: " << aType
              << (transA ? " (transposed)" : "") << " times " << bType
              << (transB ? " (transposed)" : "") << " (" << aK << " vs " << bK
              << ")";
    return failure();
  }
  MLIRContext *ctx = c.b.getContext();
  AffineExpr dm = getAffineDimExpr(0, ctx), dn = getAffineDimExpr(1, ctx),
             dk = getAffineDimExpr(2, ctx);
  AffineMap aMap = AffineMap::get(3, 0,
                                  transA ? ArrayRef<AffineExpr>{dk, dm}
                                         : ArrayRef<AffineExpr>{dm, dk},
                                  ctx);
  AffineMap bMap = AffineMap::get(3, 0,
                                  transB ? ArrayRef<AffineExpr>{dn, dk}
                                         : ArrayRef<AffineExpr>{dk, dn},
                                  ctx);
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(c.b, c.loc, a, transA ? 1 : 0),
      tensor::getMixedSize(c.b, c.loc, bMat, transB ? 0 : 1)};
  Type t = aType.getElementType();
  Value result = contract(c.b, c.loc, a, aMap, bMat, bMap, sizes, t);
  bool useC = cMat && beta != 0.0;
  if (useC || alpha != 1.0) {
    SmallVector<Value> operands = {result};
    if (useC) {
      if (cast<RankedTensorType>(cMat.getType()).getElementType() != t) {
        c.error() << "C must have the element type of A, got "
                  << cMat.getType();
        return failure();
      }
      operands.push_back(cMat);
    }
    bool fp = isFloat(t);
    result = mapElementwise(
        c, operands, t, [&](OpBuilder &b, Location loc, ValueRange args) {
          auto scale = [&](Value v, double factor) -> Value {
            if (factor == 1.0)
              return v;
            Value f = scalarConstant(b, loc, t, factor);
            return fp ? Value(arith::MulFOp::create(b, loc, v, f))
                      : Value(arith::MulIOp::create(b, loc, v, f));
          };
          Value v = scale(args[0], alpha);
          if (!useC)
            return v;
          Value bias = scale(args[1], beta);
          return fp ? Value(arith::AddFOp::create(b, loc, v, bias))
                    : Value(arith::AddIOp::create(b, loc, v, bias));
        });
    if (!result)
      return failure();
    if (cast<RankedTensorType>(result.getType()).getRank() != 2) {
      c.error() << "C " << cMat.getType() << " does not broadcast to [M, N]";
      return failure();
    }
  }
  c.define(0, result);
  return success();
}

} // namespace

void registerLinearAlgebraOps(OpImporterTable &table) {
  table.add("", "MatMul", kMinOnnxOpset, kMaxOnnxOpset, importMatMul);
  table.add("", "Gemm", kMinOnnxOpset, kMaxOnnxOpset, importGemm);
}

} // namespace moe::onnx_import
