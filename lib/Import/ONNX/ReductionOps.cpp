//===- ReductionOps.cpp - ONNX reductions, Softmax, ArgMax, TopK ----------===//
//
// ReduceSum/Mean/Max/Min (axes as attribute or input per opset, keepdims,
// noop_with_empty_axes), Softmax and LogSoftmax over one axis (opset 13
// semantics), ArgMax/ArgMin and TopK, as reducing linalg.generic ops.
//
// TopK ranks every element against the others along the axis (greater
// value first, on equal values the lower index first, as ONNX specifies)
// and then gathers the elements of rank 0..K-1: O(n^2) along the axis,
// fine for router logits over experts.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace moe::onnx_import {
namespace {

Type elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

/// Normalized, sorted, unique axes; fails (after an error) on a bad one.
LogicalResult normalizeAxes(OpContext &c, ArrayRef<int64_t> axes, int64_t rank,
                            SmallVectorImpl<int64_t> &result) {
  for (int64_t axis : axes) {
    FailureOr<int64_t> a = c.normalizeAxis(axis, rank, "axis");
    if (failed(a))
      return failure();
    if (llvm::is_contained(result, *a)) {
      c.error() << "axis " << axis << " is repeated in axes";
      return failure();
    }
    result.push_back(*a);
  }
  llvm::sort(result);
  return success();
}

LogicalResult importReduce(OpContext &c) {
  StringRef op = c.node.op_type();
  bool axesAsInput = op == "ReduceSum" || c.opset >= 18;
  SmallVector<StringRef> known = {"keepdims", "noop_with_empty_axes"};
  if (!axesAsInput)
    known.push_back("axes");
  if (failed(c.checkArity(1, axesAsInput ? 2 : 1)) ||
      failed(c.checkAttributes(known)))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  Type t = elementTypeOf(x);
  if (t.isInteger(1)) {
    c.error() << "does not take bool tensors";
    return failure();
  }
  int64_t rank = OpContext::rankOf(x);
  SmallVector<int64_t> rawAxes;
  if (axesAsInput) {
    if (c.numInputs() > 1 && !c.node.input(1).empty()) {
      FailureOr<SmallVector<int64_t>> axes = c.constantInts(1, "axes");
      if (failed(axes))
        return failure();
      rawAxes = *axes;
    }
  } else if (std::optional<SmallVector<int64_t>> axes = c.intsAttr("axes")) {
    rawAxes = *axes;
  }
  bool keepdims = c.intAttr("keepdims", 1) != 0;
  if (rawAxes.empty()) {
    if (c.intAttr("noop_with_empty_axes", 0) != 0) {
      c.define(0, x);
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      rawAxes.push_back(d);
  }
  SmallVector<int64_t> axes;
  if (failed(normalizeAxes(c, rawAxes, rank, axes)))
    return failure();
  bool fp = isFloat(t);
  Value init;
  if (op == "ReduceMax")
    init = extremeConstant(c.b, c.loc, t, /*lowest=*/true);
  else if (op == "ReduceMin")
    init = extremeConstant(c.b, c.loc, t, /*lowest=*/false);
  else
    init = scalarConstant(c.b, c.loc, t, 0.0);
  Value result = reduceAxes(
      c.b, c.loc, x, axes, init,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value v = args[0], acc = args[1];
        if (op == "ReduceMax")
          return fp ? Value(arith::MaximumFOp::create(b, loc, v, acc))
                    : Value(arith::MaxSIOp::create(b, loc, v, acc));
        if (op == "ReduceMin")
          return fp ? Value(arith::MinimumFOp::create(b, loc, v, acc))
                    : Value(arith::MinSIOp::create(b, loc, v, acc));
        return fp ? Value(arith::AddFOp::create(b, loc, v, acc))
                  : Value(arith::AddIOp::create(b, loc, v, acc));
      });
  if (op == "ReduceMean") {
    Value count = convertScalar(c.b, c.loc, elementCount(c.b, c.loc, x, axes),
                                fp ? Type(c.b.getI64Type()) : t);
    if (fp)
      count = arith::SIToFPOp::create(c.b, c.loc, t, count);
    int64_t outRank = OpContext::rankOf(result);
    result = buildElementwise(
        c.b, c.loc, result,
        AffineMap::getMultiDimIdentityMap(outRank, c.b.getContext()),
        mixedSizes(c.b, c.loc, result), t,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return fp ? Value(arith::DivFOp::create(b, loc, args[0], count))
                    : Value(arith::DivSIOp::create(b, loc, args[0], count));
        });
  }
  if (keepdims)
    result = insertUnitDims(c.b, c.loc, result, axes, rank);
  c.define(0, result);
  return success();
}

LogicalResult importSoftmax(OpContext &c) {
  bool log = c.node.op_type() == "LogSoftmax";
  if (failed(c.checkArity(1, 1)) || failed(c.checkAttributes({"axis"})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  Type t = elementTypeOf(x);
  if (!isFloat(t)) {
    c.error() << "the input must have a floating-point element type, got " << t;
    return failure();
  }
  int64_t rank = OpContext::rankOf(x);
  FailureOr<int64_t> axis =
      c.normalizeAxis(c.intAttr("axis", -1), rank, "axis");
  if (failed(axis))
    return failure();
  MLIRContext *ctx = c.b.getContext();
  SmallVector<OpFoldResult> sizes = mixedSizes(c.b, c.loc, x);
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap reduced = droppingAxesMap(ctx, rank, *axis);
  Value max = reduceAxes(
      c.b, c.loc, x, *axis, extremeConstant(c.b, c.loc, t, /*lowest=*/true),
      [](OpBuilder &b, Location loc, ValueRange args) {
        return arith::MaximumFOp::create(b, loc, args[0], args[1]);
      });
  Value shifted = buildElementwise(
      c.b, c.loc, {x, max}, {identity, reduced}, sizes, t,
      [](OpBuilder &b, Location loc, ValueRange args) -> Value {
        return arith::SubFOp::create(b, loc, args[0], args[1]);
      });
  Value sum =
      reduceAxes(c.b, c.loc, shifted, *axis, scalarConstant(c.b, c.loc, t, 0.0),
                 [](OpBuilder &b, Location loc, ValueRange args) {
                   return arith::AddFOp::create(
                       b, loc, math::ExpOp::create(b, loc, args[0]), args[1]);
                 });
  Value result = buildElementwise(
      c.b, c.loc, {shifted, sum}, {identity, reduced}, sizes, t,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        if (log)
          return arith::SubFOp::create(b, loc, args[0],
                                       math::LogOp::create(b, loc, args[1]));
        return arith::DivFOp::create(
            b, loc, math::ExpOp::create(b, loc, args[0]), args[1]);
      });
  c.define(0, result);
  return success();
}

LogicalResult importArgMax(OpContext &c) {
  bool isMax = c.node.op_type() == "ArgMax";
  if (failed(c.checkArity(1, 1)) ||
      failed(c.checkAttributes({"axis", "keepdims", "select_last_index"})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  Type t = elementTypeOf(x);
  if (t.isInteger(1)) {
    c.error() << "does not take bool tensors";
    return failure();
  }
  int64_t rank = OpContext::rankOf(x);
  FailureOr<int64_t> axis = c.normalizeAxis(c.intAttr("axis", 0), rank, "axis");
  if (failed(axis))
    return failure();
  bool last = c.intAttr("select_last_index", 0) != 0;
  MLIRContext *ctx = c.b.getContext();
  SmallVector<OpFoldResult> sizes = mixedSizes(c.b, c.loc, x);
  SmallVector<OpFoldResult> outSizes(sizes);
  outSizes.erase(outSizes.begin() + *axis);
  Value values =
      filledTensor(c.b, c.loc, outSizes, extremeConstant(c.b, c.loc, t, isMax));
  Value indices = filledTensor(c.b, c.loc, outSizes,
                               scalarConstant(c.b, c.loc, c.b.getI64Type(), 0));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[*axis] = utils::IteratorType::reduction;
  AffineMap reduced = droppingAxesMap(ctx, rank, *axis);
  bool fp = isFloat(t);
  auto generic = linalg::GenericOp::create(
      c.b, c.loc, TypeRange{values.getType(), indices.getType()}, x,
      ValueRange{values, indices},
      ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx), reduced,
                          reduced},
      iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value v = args[0], best = args[1], bestIndex = args[2];
        Value i = convertScalar(b, loc, linalg::IndexOp::create(b, loc, *axis),
                                b.getI64Type());
        Value better;
        if (fp)
          better =
              arith::CmpFOp::create(b, loc,
                                    isMax ? (last ? arith::CmpFPredicate::OGE
                                                  : arith::CmpFPredicate::OGT)
                                          : (last ? arith::CmpFPredicate::OLE
                                                  : arith::CmpFPredicate::OLT),
                                    v, best);
        else
          better =
              arith::CmpIOp::create(b, loc,
                                    isMax ? (last ? arith::CmpIPredicate::sge
                                                  : arith::CmpIPredicate::sgt)
                                          : (last ? arith::CmpIPredicate::sle
                                                  : arith::CmpIPredicate::slt),
                                    v, best);
        linalg::YieldOp::create(
            b, loc,
            ValueRange{arith::SelectOp::create(b, loc, better, v, best),
                       arith::SelectOp::create(b, loc, better, i, bestIndex)});
      });
  Value result = generic.getResult(1);
  if (c.intAttr("keepdims", 1) != 0)
    result = insertUnitDims(c.b, c.loc, result, *axis, rank);
  c.define(0, result);
  return success();
}

LogicalResult importTopK(OpContext &c) {
  if (failed(c.checkArity(2, 2, 2)) ||
      failed(c.checkAttributes({"axis", "largest", "sorted"})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  FailureOr<SmallVector<int64_t>> kValues = c.constantInts(1, "K");
  if (failed(kValues))
    return failure();
  if (kValues->size() != 1) {
    c.error() << "K must hold one value, got " << kValues->size();
    return failure();
  }
  int64_t k = kValues->front();
  Type t = elementTypeOf(x);
  if (t.isInteger(1)) {
    c.error() << "does not take bool tensors";
    return failure();
  }
  int64_t rank = OpContext::rankOf(x);
  FailureOr<int64_t> axisOr =
      c.normalizeAxis(c.intAttr("axis", -1), rank, "axis");
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  int64_t axisSize = cast<RankedTensorType>(x.getType()).getDimSize(axis);
  if (k < 0 || (!ShapedType::isDynamic(axisSize) && k > axisSize)) {
    c.error() << "K = " << k << " must be in [0, " << axisSize
              << "] (the size of axis " << axis << ")";
    return failure();
  }
  bool largest = c.intAttr("largest", 1) != 0;
  bool fp = isFloat(t);
  MLIRContext *ctx = c.b.getContext();
  Type i64 = c.b.getI64Type();

  // rank[..., i, ...] = #{e : x_e before x_i in the output order}.
  SmallVector<AffineExpr> self, other;
  for (int64_t d = 0; d < rank; ++d) {
    self.push_back(getAffineDimExpr(d, ctx));
    other.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
  }
  AffineMap selfMap = AffineMap::get(rank + 1, 0, self, ctx);
  AffineMap otherMap = AffineMap::get(rank + 1, 0, other, ctx);
  SmallVector<utils::IteratorType> iterators(rank + 1,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  SmallVector<OpFoldResult> sizes = mixedSizes(c.b, c.loc, x);
  Value zero = scalarConstant(c.b, c.loc, i64, 0);
  Value ranks =
      linalg::GenericOp::create(
          c.b, c.loc, TypeRange{RankedTensorType::get(staticShape(sizes), i64)},
          ValueRange{x, x}, ValueRange{filledTensor(c.b, c.loc, sizes, zero)},
          ArrayRef<AffineMap>{selfMap, otherMap, selfMap}, iterators,
          [&](OpBuilder &b, Location loc, ValueRange args) {
            Value vi = args[0], ve = args[1], acc = args[2];
            Value i = linalg::IndexOp::create(b, loc, axis);
            Value e = linalg::IndexOp::create(b, loc, rank);
            Value beats, equal;
            if (fp) {
              beats = arith::CmpFOp::create(b, loc,
                                            largest ? arith::CmpFPredicate::OGT
                                                    : arith::CmpFPredicate::OLT,
                                            ve, vi);
              equal = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                            ve, vi);
            } else {
              beats = arith::CmpIOp::create(b, loc,
                                            largest ? arith::CmpIPredicate::sgt
                                                    : arith::CmpIPredicate::slt,
                                            ve, vi);
              equal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            ve, vi);
            }
            Value earlier =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, e, i);
            Value before = arith::OrIOp::create(
                b, loc, beats, arith::AndIOp::create(b, loc, equal, earlier));
            Value one = scalarConstant(b, loc, i64, 1);
            Value next = arith::AddIOp::create(b, loc, acc, one);
            linalg::YieldOp::create(
                b, loc,
                ValueRange{arith::SelectOp::create(b, loc, before, next, acc)});
          })
          .getResult(0);

  // out[..., j, ...] = the element of rank j.
  SmallVector<OpFoldResult> outSizes(sizes);
  outSizes[axis] = c.b.getIndexAttr(k);
  Value values =
      filledTensor(c.b, c.loc, outSizes, scalarConstant(c.b, c.loc, t, 0.0));
  Value indices = filledTensor(c.b, c.loc, outSizes, zero);
  auto select = linalg::GenericOp::create(
      c.b, c.loc, TypeRange{values.getType(), indices.getType()},
      ValueRange{x, ranks}, ValueRange{values, indices},
      ArrayRef<AffineMap>{otherMap, otherMap, selfMap, selfMap}, iterators,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value ve = args[0], re = args[1], accV = args[2], accI = args[3];
        Value j =
            convertScalar(b, loc, linalg::IndexOp::create(b, loc, axis), i64);
        Value e =
            convertScalar(b, loc, linalg::IndexOp::create(b, loc, rank), i64);
        Value match =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, re, j);
        linalg::YieldOp::create(
            b, loc,
            ValueRange{arith::SelectOp::create(b, loc, match, ve, accV),
                       arith::SelectOp::create(b, loc, match, e, accI)});
      });
  c.define(0, select.getResult(0));
  c.define(1, select.getResult(1));
  return success();
}

} // namespace

void registerReductionOps(OpImporterTable &table) {
  for (StringRef op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"})
    table.add("", op, kMinOnnxOpset, kMaxOnnxOpset, importReduce);
  table.add("", "Softmax", kMinOnnxOpset, kMaxOnnxOpset, importSoftmax);
  table.add("", "LogSoftmax", kMinOnnxOpset, kMaxOnnxOpset, importSoftmax);
  table.add("", "ArgMax", kMinOnnxOpset, kMaxOnnxOpset, importArgMax);
  table.add("", "ArgMin", kMinOnnxOpset, kMaxOnnxOpset, importArgMax);
  table.add("", "TopK", kMinOnnxOpset, kMaxOnnxOpset, importTopK);
}

} // namespace moe::onnx_import
