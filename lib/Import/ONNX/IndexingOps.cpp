//===- IndexingOps.cpp - ONNX gather/scatter-style ops --------------------===//
//
// Gather, GatherElements and GatherND (linalg.generic reading the data with
// tensor.extract), ScatterElements (an scf.for nest over the updates, in
// order, so later updates win as ONNX Runtime's do), OneHot, NonZero (an
// output length known only at run time: a dynamic dimension) and Range.
// Negative indices count from the end.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace moe::onnx_import {
namespace {

RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

LogicalResult expectIndices(OpContext &c, Value indices) {
  Type t = typeOf(indices).getElementType();
  if (t.isInteger(32) || t.isInteger(64))
    return success();
  c.error() << "indices must be int32 or int64, got " << t;
  return failure();
}

/// An index from an int index value `raw`, counted from the end of a
/// dimension of size `size` when negative.
Value wrapIndex(OpBuilder &b, Location loc, Value raw, Value size) {
  Value i = toIndex(b, loc, raw);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i,
                            arith::ConstantIndexOp::create(b, loc, 0));
  return arith::SelectOp::create(b, loc, negative,
                                 arith::AddIOp::create(b, loc, i, size), i);
}

Value dimValue(OpBuilder &b, Location loc, Value value, int64_t d) {
  return getValueOrCreateConstantIndexOp(
      b, loc, tensor::getMixedSize(b, loc, value, d));
}

LogicalResult importGather(OpContext &c) {
  if (failed(c.checkArity(2, 2)) || failed(c.checkAttributes({"axis"})))
    return failure();
  Value data = c.input(0), indices = c.input(1);
  if (!data || !indices || failed(expectIndices(c, indices)))
    return failure();
  int64_t r = typeOf(data).getRank(), q = typeOf(indices).getRank();
  FailureOr<int64_t> axis = c.normalizeAxis(c.intAttr("axis", 0), r, "axis");
  if (failed(axis))
    return failure();
  // An entry of a constant shape vector: folded.
  std::optional<SmallVector<int64_t>> dataInts = foldableIntegers(data);
  std::optional<SmallVector<int64_t>> indexInts = foldableIntegers(indices);
  if (r == 1 && dataInts && indexInts) {
    int64_t n = static_cast<int64_t>(dataInts->size());
    SmallVector<int64_t> folded;
    for (int64_t i : *indexInts) {
      if (i < -n || i >= n) {
        c.error() << "index " << i << " is out of range for " << n
                  << " elements";
        return failure();
      }
      folded.push_back((*dataInts)[i < 0 ? i + n : i]);
    }
    c.define(
        0, integerConstant(c.b, c.loc,
                           RankedTensorType::get(typeOf(indices).getShape(),
                                                 typeOf(data).getElementType()),
                           folded));
    return success();
  }
  MLIRContext *ctx = c.b.getContext();
  SmallVector<OpFoldResult> dataSizes = mixedSizes(c.b, c.loc, data);
  SmallVector<OpFoldResult> indexSizes = mixedSizes(c.b, c.loc, indices);
  SmallVector<OpFoldResult> sizes(dataSizes.begin(), dataSizes.begin() + *axis);
  sizes.append(indexSizes);
  sizes.append(dataSizes.begin() + *axis + 1, dataSizes.end());
  int64_t outRank = sizes.size();
  SmallVector<AffineExpr> indexExprs;
  for (int64_t d = 0; d < q; ++d)
    indexExprs.push_back(getAffineDimExpr(*axis + d, ctx));
  Value axisSize = dimValue(c.b, c.loc, data, *axis);
  Value result = buildElementwise(
      c.b, c.loc, indices, AffineMap::get(outRank, 0, indexExprs, ctx), sizes,
      typeOf(data).getElementType(),
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        SmallVector<Value> at;
        for (int64_t d = 0; d < *axis; ++d)
          at.push_back(linalg::IndexOp::create(b, loc, d));
        at.push_back(wrapIndex(b, loc, args[0], axisSize));
        for (int64_t d = *axis + q; d < outRank; ++d)
          at.push_back(linalg::IndexOp::create(b, loc, d));
        return tensor::ExtractOp::create(b, loc, data, at);
      });
  c.define(0, result);
  return success();
}

LogicalResult importGatherND(OpContext &c) {
  if (failed(c.checkArity(2, 2)) || failed(c.checkAttributes({"batch_dims"})))
    return failure();
  Value data = c.input(0), indices = c.input(1);
  if (!data || !indices || failed(expectIndices(c, indices)))
    return failure();
  if (int64_t batchDims = c.intAttr("batch_dims", 0); batchDims != 0) {
    c.error() << "batch_dims = " << batchDims
              << " is not supported; supported: 0";
    return failure();
  }
  int64_t r = typeOf(data).getRank(), q = typeOf(indices).getRank();
  int64_t tuple = q > 0 ? typeOf(indices).getDimSize(q - 1) : 0;
  if (q < 1 || ShapedType::isDynamic(tuple) || tuple < 1 || tuple > r) {
    c.error() << "the last dimension of the indices " << indices.getType()
              << " must be static and in [1, " << r << "] (the data's rank)";
    return failure();
  }
  // out[i..., j...] = data[indices[i..., :], j...]
  SmallVector<OpFoldResult> dataSizes = mixedSizes(c.b, c.loc, data);
  SmallVector<OpFoldResult> sizes = mixedSizes(c.b, c.loc, indices);
  sizes.pop_back();
  int64_t outer = sizes.size();
  sizes.append(dataSizes.begin() + tuple, dataSizes.end());
  SmallVector<Value> dims;
  for (int64_t d = 0; d < tuple; ++d)
    dims.push_back(dimValue(c.b, c.loc, data, d));
  Value result = buildElementwise(
      c.b, c.loc, ValueRange{}, {}, sizes, typeOf(data).getElementType(),
      [&](OpBuilder &b, Location loc, ValueRange) -> Value {
        SmallVector<Value> at, where;
        for (int64_t d = 0; d < outer; ++d)
          where.push_back(linalg::IndexOp::create(b, loc, d));
        where.push_back(Value());
        for (int64_t d = 0; d < tuple; ++d) {
          where.back() = arith::ConstantIndexOp::create(b, loc, d);
          at.push_back(wrapIndex(
              b, loc, tensor::ExtractOp::create(b, loc, indices, where),
              dims[d]));
        }
        for (int64_t d = outer; d < static_cast<int64_t>(sizes.size()); ++d)
          at.push_back(linalg::IndexOp::create(b, loc, d));
        return tensor::ExtractOp::create(b, loc, data, at);
      });
  c.define(0, result);
  return success();
}

LogicalResult importGatherElements(OpContext &c) {
  if (failed(c.checkArity(2, 2)) || failed(c.checkAttributes({"axis"})))
    return failure();
  Value data = c.input(0), indices = c.input(1);
  if (!data || !indices || failed(expectIndices(c, indices)))
    return failure();
  int64_t r = typeOf(data).getRank();
  if (typeOf(indices).getRank() != r) {
    c.error() << "data and indices must have the same rank, got "
              << data.getType() << " and " << indices.getType();
    return failure();
  }
  FailureOr<int64_t> axis = c.normalizeAxis(c.intAttr("axis", 0), r, "axis");
  if (failed(axis))
    return failure();
  Value axisSize = dimValue(c.b, c.loc, data, *axis);
  Value result = buildElementwise(
      c.b, c.loc, indices,
      AffineMap::getMultiDimIdentityMap(r, c.b.getContext()),
      mixedSizes(c.b, c.loc, indices), typeOf(data).getElementType(),
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        SmallVector<Value> at;
        for (int64_t d = 0; d < r; ++d)
          at.push_back(d == *axis ? wrapIndex(b, loc, args[0], axisSize)
                                  : Value(linalg::IndexOp::create(b, loc, d)));
        return tensor::ExtractOp::create(b, loc, data, at);
      });
  c.define(0, result);
  return success();
}

LogicalResult importScatterElements(OpContext &c) {
  if (failed(c.checkArity(3, 3)) ||
      failed(c.checkAttributes({"axis", "reduction"})))
    return failure();
  Value data = c.input(0), indices = c.input(1), updates = c.input(2);
  if (!data || !indices || !updates || failed(expectIndices(c, indices)))
    return failure();
  int64_t r = typeOf(data).getRank();
  if (typeOf(indices).getRank() != r || typeOf(updates).getRank() != r) {
    c.error() << "data, indices and updates must have the same rank, got "
              << data.getType() << ", " << indices.getType() << " and "
              << updates.getType();
    return failure();
  }
  Type t = typeOf(data).getElementType();
  if (typeOf(updates).getElementType() != t) {
    c.error() << "updates must have the element type of data, got "
              << updates.getType();
    return failure();
  }
  for (int64_t d = 0; d < r; ++d) {
    int64_t i = typeOf(indices).getDimSize(d),
            u = typeOf(updates).getDimSize(d);
    if (!ShapedType::isDynamic(i) && !ShapedType::isDynamic(u) && i != u) {
      c.error() << "indices " << indices.getType() << " and updates "
                << updates.getType() << " must have the same shape";
      return failure();
    }
  }
  FailureOr<int64_t> axis = c.normalizeAxis(c.intAttr("axis", 0), r, "axis");
  if (failed(axis))
    return failure();
  std::string reduction = c.stringAttr("reduction", "none");
  bool fp = isFloat(t);
  if (reduction != "none" && reduction != "add" && reduction != "mul" &&
      reduction != "max" && reduction != "min") {
    c.error() << "reduction = '" << reduction
              << "' must be none, add, mul, max or min";
    return failure();
  }
  if (reduction != "none" && t.isInteger(1)) {
    c.error() << "reduction '" << reduction << "' does not take bool tensors";
    return failure();
  }
  OpBuilder &b = c.b;
  Location loc = c.loc;
  Value axisSize = dimValue(b, loc, data, *axis);
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d = 0; d < r; ++d) {
    lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    ubs.push_back(dimValue(b, loc, updates, d));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{data},
      [&](OpBuilder &nb, Location nl, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value update = tensor::ExtractOp::create(nb, nl, updates, ivs);
        Value raw = tensor::ExtractOp::create(nb, nl, indices, ivs);
        SmallVector<Value> at(ivs);
        at[*axis] = wrapIndex(nb, nl, raw, axisSize);
        Value value = update;
        if (reduction != "none") {
          Value old = tensor::ExtractOp::create(nb, nl, args[0], at);
          if (reduction == "add")
            value = fp ? Value(arith::AddFOp::create(nb, nl, old, update))
                       : Value(arith::AddIOp::create(nb, nl, old, update));
          else if (reduction == "mul")
            value = fp ? Value(arith::MulFOp::create(nb, nl, old, update))
                       : Value(arith::MulIOp::create(nb, nl, old, update));
          else if (reduction == "max")
            value = fp ? Value(arith::MaximumFOp::create(nb, nl, old, update))
                       : Value(arith::MaxSIOp::create(nb, nl, old, update));
          else
            value = fp ? Value(arith::MinimumFOp::create(nb, nl, old, update))
                       : Value(arith::MinSIOp::create(nb, nl, old, update));
        }
        return {tensor::InsertOp::create(nb, nl, value, args[0], at)};
      });
  c.define(0, nest.results.empty() ? data : nest.results.front());
  return success();
}

LogicalResult importOneHot(OpContext &c) {
  if (failed(c.checkArity(3, 3)) || failed(c.checkAttributes({"axis"})))
    return failure();
  Value indices = c.input(0), values = c.input(2);
  if (!indices || !values)
    return failure();
  FailureOr<SmallVector<int64_t>> depthValues = c.constantInts(1, "depth");
  if (failed(depthValues))
    return failure();
  if (depthValues->size() != 1 || depthValues->front() < 1) {
    c.error() << "depth must be one positive integer";
    return failure();
  }
  int64_t depth = depthValues->front();
  if (typeOf(values).getRank() != 1 || typeOf(values).getDimSize(0) != 2) {
    c.error() << "values must be [off_value, on_value], got "
              << values.getType();
    return failure();
  }
  if (typeOf(indices).getElementType().isInteger(1)) {
    c.error() << "indices must be numeric, got i1";
    return failure();
  }
  int64_t q = typeOf(indices).getRank();
  FailureOr<int64_t> axis =
      c.normalizeAxis(c.intAttr("axis", -1), q + 1, "axis");
  if (failed(axis))
    return failure();
  OpBuilder &b = c.b;
  Location loc = c.loc;
  Value off = tensor::ExtractOp::create(
      b, loc, values, ValueRange{arith::ConstantIndexOp::create(b, loc, 0)});
  Value on = tensor::ExtractOp::create(
      b, loc, values, ValueRange{arith::ConstantIndexOp::create(b, loc, 1)});
  SmallVector<OpFoldResult> sizes = mixedSizes(b, loc, indices);
  sizes.insert(sizes.begin() + *axis, b.getIndexAttr(depth));
  Type i64 = b.getI64Type();
  Value result = buildElementwise(
      b, loc, indices, droppingAxesMap(b.getContext(), q + 1, *axis), sizes,
      typeOf(values).getElementType(),
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value idx = convertScalar(nb, nl, args[0], i64);
        Value d = scalarConstant(nb, nl, i64, static_cast<double>(depth));
        Value negative =
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, idx,
                                  scalarConstant(nb, nl, i64, 0));
        idx = arith::SelectOp::create(
            nb, nl, negative, arith::AddIOp::create(nb, nl, idx, d), idx);
        Value position =
            convertScalar(nb, nl, linalg::IndexOp::create(nb, nl, *axis), i64);
        Value hit = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, idx,
                                          position);
        return arith::SelectOp::create(nb, nl, hit, on, off);
      });
  c.define(0, result);
  return success();
}

LogicalResult importNonZero(OpContext &c) {
  if (failed(c.checkArity(1, 1)) || failed(c.checkAttributes({})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  int64_t r = typeOf(x).getRank();
  if (r == 0) {
    c.error() << "the input must have rank 1 or more";
    return failure();
  }
  OpBuilder &b = c.b;
  Location loc = c.loc;
  Type i64 = b.getI64Type();
  auto isNonZero = [&](OpBuilder &nb, Location nl, Value v) -> Value {
    return convertScalar(nb, nl, v, nb.getI1Type());
  };
  // The number of nonzero elements sizes the result.
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < r; ++d)
    all.push_back(d);
  Value count =
      reduceAxes(b, loc, x, all, scalarConstant(b, loc, i64, 0),
                 [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                   Value one =
                       convertScalar(nb, nl, isNonZero(nb, nl, args[0]), i64);
                   return arith::AddIOp::create(nb, nl, args[1], one);
                 });
  Value n =
      toIndex(b, loc, tensor::ExtractOp::create(b, loc, count, ValueRange{}));
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(r), n};
  Value init = emptyTensor(b, loc, sizes, i64);
  // Row-major walk: the coordinates of the k-th nonzero go to column k.
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d = 0; d < r; ++d) {
    lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    ubs.push_back(dimValue(b, loc, x, d));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{init, zero},
      [&](OpBuilder &nb, Location nl, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value v = tensor::ExtractOp::create(nb, nl, x, ivs);
        auto branch = scf::IfOp::create(
            nb, nl, isNonZero(nb, nl, v),
            [&](OpBuilder &tb, Location tl) {
              Value out = args[0];
              for (int64_t d = 0; d < r; ++d)
                out = tensor::InsertOp::create(
                    tb, tl, convertScalar(tb, tl, ivs[d], i64), out,
                    ValueRange{arith::ConstantIndexOp::create(tb, tl, d),
                               args[1]});
              Value next = arith::AddIOp::create(
                  tb, tl, args[1], arith::ConstantIndexOp::create(tb, tl, 1));
              scf::YieldOp::create(tb, tl, ValueRange{out, next});
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, args);
            });
        return {branch.getResult(0), branch.getResult(1)};
      });
  c.define(0, nest.results.front());
  return success();
}

LogicalResult importRange(OpContext &c) {
  if (failed(c.checkArity(3, 3)) || failed(c.checkAttributes({})))
    return failure();
  Value start = c.input(0), limit = c.input(1), delta = c.input(2);
  if (!start || !limit || !delta)
    return failure();
  Type t = typeOf(start).getElementType();
  for (Value v : {start, limit, delta})
    if (typeOf(v).getRank() != 0 || typeOf(v).getElementType() != t ||
        t.isInteger(1)) {
      c.error() << "start, limit and delta must be numeric scalars of one "
                   "type, got "
                << start.getType() << ", " << limit.getType() << ", "
                << delta.getType();
      return failure();
    }
  OpBuilder &b = c.b;
  Location loc = c.loc;
  OpFoldResult size;
  auto s = constantIntegers(start), l = constantIntegers(limit),
       d = constantIntegers(delta);
  if (s && l && d) {
    int64_t step = d->front();
    if (step == 0) {
      c.error() << "delta must not be 0";
      return failure();
    }
    int64_t span = l->front() - s->front();
    int64_t n =
        span / step + ((span % step != 0) && ((span < 0) == (step < 0)));
    size = b.getIndexAttr(std::max<int64_t>(n, 0));
  }
  Value startV = tensor::ExtractOp::create(b, loc, start, ValueRange{});
  Value deltaV = tensor::ExtractOp::create(b, loc, delta, ValueRange{});
  if (!size) {
    Value limitV = tensor::ExtractOp::create(b, loc, limit, ValueRange{});
    Value n;
    if (isFloat(t)) {
      Value q = math::CeilOp::create(
          b, loc,
          arith::DivFOp::create(
              b, loc, arith::SubFOp::create(b, loc, limitV, startV), deltaV));
      n = arith::FPToSIOp::create(b, loc, b.getI64Type(), q);
    } else {
      n = convertScalar(
          b, loc,
          arith::CeilDivSIOp::create(
              b, loc, arith::SubIOp::create(b, loc, limitV, startV), deltaV),
          b.getI64Type());
    }
    n = arith::MaxSIOp::create(b, loc, n,
                               scalarConstant(b, loc, b.getI64Type(), 0));
    size = toIndex(b, loc, n);
  }
  bool fp = isFloat(t);
  Value result = buildElementwise(
      b, loc, ValueRange{}, {}, {size}, t,
      [&](OpBuilder &nb, Location nl, ValueRange) -> Value {
        Value i = convertScalar(
            nb, nl,
            convertScalar(nb, nl, linalg::IndexOp::create(nb, nl, 0),
                          nb.getI64Type()),
            t);
        return fp ? Value(arith::AddFOp::create(
                        nb, nl, startV,
                        arith::MulFOp::create(nb, nl, i, deltaV)))
                  : Value(arith::AddIOp::create(
                        nb, nl, startV,
                        arith::MulIOp::create(nb, nl, i, deltaV)));
      });
  c.define(0, result);
  return success();
}

} // namespace

void registerIndexingOps(OpImporterTable &table) {
  auto add = [&](StringRef op, OpImportFn fn) {
    table.add("", op, kMinOnnxOpset, kMaxOnnxOpset, fn);
  };
  add("Gather", importGather);
  add("GatherElements", importGatherElements);
  add("GatherND", importGatherND);
  add("ScatterElements", importScatterElements);
  add("OneHot", importOneHot);
  add("NonZero", importNonZero);
  add("Range", importRange);
}

} // namespace moe::onnx_import
