//===- TensorBuilders.cpp - IR pieces shared by the op importers ----------===//

#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace moe::onnx_import {

bool isFloat(Type type) { return isa<FloatType>(type); }

SmallVector<OpFoldResult> mixedSizes(OpBuilder &b, Location loc, Value value) {
  return tensor::getMixedSizes(b, loc, value);
}

SmallVector<int64_t> staticShape(ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  for (OpFoldResult size : sizes) {
    std::optional<int64_t> constant = getConstantIntValue(size);
    shape.push_back(constant ? *constant : ShapedType::kDynamic);
  }
  return shape;
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Value value) {
  Value init = emptyTensor(b, loc, sizes, value.getType());
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{init})
      .getResult(0);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  if (type.isIndex())
    return arith::ConstantIndexOp::create(b, loc, static_cast<int64_t>(value));
  if (type.isInteger(1))
    return arith::ConstantOp::create(b, loc,
                                     b.getIntegerAttr(type, value != 0.0));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value extremeConstant(OpBuilder &b, Location loc, Type type, bool lowest) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  /*Negative=*/lowest)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt bound = width == 1 ? APInt(1, lowest ? 0 : 1)
                : lowest   ? APInt::getSignedMinValue(width)
                           : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, bound));
}

Value convertScalar(OpBuilder &b, Location loc, Value value, Type to,
                    bool fromUnsigned, bool toUnsigned) {
  Type from = value.getType();
  if (from == to)
    return value;
  if (from.isIndex())
    return arith::IndexCastOp::create(b, loc, to, value);
  if (to.isIndex())
    return arith::IndexCastOp::create(b, loc, to, value);
  if (auto fromFloat = dyn_cast<FloatType>(from)) {
    if (auto toFloat = dyn_cast<FloatType>(to)) {
      if (toFloat.getWidth() > fromFloat.getWidth() ||
          (toFloat.getWidth() == fromFloat.getWidth() && toFloat.isF32()))
        return arith::ExtFOp::create(b, loc, to, value);
      if (toFloat.getWidth() < fromFloat.getWidth())
        return arith::TruncFOp::create(b, loc, to, value);
      // f16 <-> bf16: through f32.
      Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
      return arith::TruncFOp::create(b, loc, to, wide);
    }
    if (to.isInteger(1))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   scalarConstant(b, loc, from, 0.0));
    return toUnsigned ? Value(arith::FPToUIOp::create(b, loc, to, value))
                      : Value(arith::FPToSIOp::create(b, loc, to, value));
  }
  // From an integer.
  if (to.isInteger(1))
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value,
                                 scalarConstant(b, loc, from, 0.0));
  // bool and uint8 widen with zeros.
  bool zeroExtend = from.isInteger(1) || fromUnsigned;
  if (isFloat(to))
    return zeroExtend ? Value(arith::UIToFPOp::create(b, loc, to, value))
                      : Value(arith::SIToFPOp::create(b, loc, to, value));
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (toWidth < fromWidth)
    return arith::TruncIOp::create(b, loc, to, value);
  return zeroExtend ? Value(arith::ExtUIOp::create(b, loc, to, value))
                    : Value(arith::ExtSIOp::create(b, loc, to, value));
}

Value toIndex(OpBuilder &b, Location loc, Value value) {
  return convertScalar(b, loc, value, b.getIndexType());
}

namespace {
void printShape(llvm::raw_ostream &os, ArrayRef<int64_t> shape) {
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
}
} // namespace

LogicalResult broadcastShapes(OpContext &c, ArrayRef<BroadcastOperand> operands,
                              SmallVectorImpl<OpFoldResult> &sizes,
                              SmallVectorImpl<AffineMap> &maps) {
  int64_t rank = 0;
  for (const BroadcastOperand &op : operands)
    rank = std::max<int64_t>(rank, op.shape.size());
  MLIRContext *ctx = c.b.getContext();
  SmallVector<SmallVector<AffineExpr>> exprs(operands.size());
  for (int64_t j = 0; j < rank; ++j) {
    std::optional<int64_t> fixed;
    int dynamicSource = -1;
    for (auto [i, op] : llvm::enumerate(operands)) {
      int64_t k = j - (rank - static_cast<int64_t>(op.shape.size()));
      if (k < 0)
        continue;
      int64_t d = op.shape[k];
      if (ShapedType::isDynamic(d)) {
        if (dynamicSource < 0 && op.value)
          dynamicSource = static_cast<int>(i);
        continue;
      }
      if (d == 1)
        continue;
      if (fixed && *fixed != d) {
        InFlightDiagnostic diag = c.error();
        diag << "operand shapes ";
        std::string text;
        llvm::raw_string_ostream os(text);
        llvm::interleave(
            operands, os,
            [&](const BroadcastOperand &o) { printShape(os, o.shape); },
            " and ");
        diag << text << " do not broadcast (dimension " << j << " of the "
             << "result: " << *fixed << " vs " << d << ")";
        return failure();
      }
      fixed = d;
    }
    if (fixed)
      sizes.push_back(c.b.getIndexAttr(*fixed));
    else if (dynamicSource >= 0) {
      const BroadcastOperand &op = operands[dynamicSource];
      int64_t k = j - (rank - static_cast<int64_t>(op.shape.size()));
      sizes.push_back(tensor::getMixedSize(c.b, c.loc, op.value, k));
    } else
      sizes.push_back(c.b.getIndexAttr(1));
    bool resultIsOne = !fixed && dynamicSource < 0;
    for (auto [i, op] : llvm::enumerate(operands)) {
      int64_t k = j - (rank - static_cast<int64_t>(op.shape.size()));
      if (k < 0)
        continue;
      if (op.shape[k] == 1 && !resultIsOne)
        exprs[i].push_back(getAffineConstantExpr(0, ctx));
      else
        exprs[i].push_back(getAffineDimExpr(j, ctx));
    }
  }
  for (auto &e : exprs)
    maps.push_back(AffineMap::get(rank, 0, e, ctx));
  return success();
}

LogicalResult broadcast(OpContext &c, ValueRange operands,
                        SmallVectorImpl<OpFoldResult> &sizes,
                        SmallVectorImpl<AffineMap> &maps) {
  SmallVector<BroadcastOperand> ops;
  for (Value v : operands)
    ops.push_back(
        {llvm::to_vector(cast<RankedTensorType>(v.getType()).getShape()), v});
  return broadcastShapes(c, ops, sizes, maps);
}

LogicalResult broadcastTo(OpContext &c, Value operand, ArrayRef<int64_t> target,
                          SmallVectorImpl<OpFoldResult> &sizes,
                          AffineMap &map) {
  SmallVector<BroadcastOperand> ops = {
      {llvm::to_vector(cast<RankedTensorType>(operand.getType()).getShape()),
       operand},
      {llvm::to_vector(target), Value()}};
  SmallVector<AffineMap> maps;
  if (failed(broadcastShapes(c, ops, sizes, maps)))
    return failure();
  map = maps[0];
  return success();
}

Value buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                       ArrayRef<AffineMap> maps, ArrayRef<OpFoldResult> sizes,
                       Type resultElementType, ScalarBodyFn body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = sizes.size();
  Value init = emptyTensor(b, loc, sizes, resultElementType);
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init},
             allMaps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value result = body(nb, nl, args.drop_back());
               linalg::YieldOp::create(nb, nl, result);
             })
      .getResult(0);
}

Value mapElementwise(OpContext &c, ValueRange operands, Type resultElementType,
                     ScalarBodyFn body) {
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineMap> maps;
  if (failed(broadcast(c, operands, sizes, maps)))
    return Value();
  return buildElementwise(c.b, c.loc, operands, maps, sizes, resultElementType,
                          body);
}

AffineMap droppingAxesMap(MLIRContext *ctx, int64_t rank,
                          ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value reduceAxes(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> axes, Value init, ScalarBodyFn combine) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  SmallVector<OpFoldResult> inSizes = mixedSizes(b, loc, input);
  SmallVector<OpFoldResult> outSizes;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced)
      outSizes.push_back(inSizes[d]);
  }
  Value acc = filledTensor(b, loc, outSizes, init);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 droppingAxesMap(ctx, rank, axes)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{acc.getType()}, ValueRange{input},
             ValueRange{acc}, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, combine(nb, nl, args));
             })
      .getResult(0);
}

Value insertUnitDims(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> axes, int64_t rank) {
  auto type = cast<RankedTensorType>(value.getType());
  if (axes.empty())
    return value;
  SmallVector<OpFoldResult> inSizes = mixedSizes(b, loc, value);
  SmallVector<OpFoldResult> outSizes;
  SmallVector<ReassociationIndices> groups;
  int64_t source = 0;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      outSizes.push_back(b.getIndexAttr(1));
      // A unit dimension joins the group of the source dimension before it
      // (or, leading, the first group).
      if (!groups.empty())
        groups.back().push_back(d);
      continue;
    }
    outSizes.push_back(inSizes[source++]);
    if (groups.empty() && d > 0) {
      ReassociationIndices first;
      for (int64_t u = 0; u <= d; ++u)
        first.push_back(u);
      groups.push_back(first);
    } else {
      groups.push_back({d});
    }
  }
  if (type.getRank() == 0)
    groups.clear();
  auto resultType =
      RankedTensorType::get(staticShape(outSizes), type.getElementType());
  if (std::optional<SmallVector<int64_t>> ints = foldableIntegers(value))
    return integerConstant(b, loc, resultType, *ints);
  return tensor::ExpandShapeOp::create(b, loc, resultType, value, groups,
                                       outSizes);
}

Value elementCount(OpBuilder &b, Location loc, Value value,
                   ArrayRef<int64_t> axes) {
  // Static sizes multiply here, dynamic ones in arith.
  auto type = cast<RankedTensorType>(value.getType());
  int64_t known = 1;
  Value count;
  for (int64_t axis : axes) {
    if (!type.isDynamicDim(axis)) {
      known *= type.getDimSize(axis);
      continue;
    }
    Value size = tensor::DimOp::create(b, loc, value, axis);
    count = count ? Value(arith::MulIOp::create(b, loc, count, size)) : size;
  }
  Value constant = arith::ConstantIndexOp::create(b, loc, known);
  if (!count)
    return constant;
  return known == 1 ? count
                    : Value(arith::MulIOp::create(b, loc, count, constant));
}

Value reshapeTo(OpBuilder &b, Location loc, Value value,
                ArrayRef<OpFoldResult> sizes) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> target = staticShape(sizes);
  auto resultType = RankedTensorType::get(target, type.getElementType());
  if (type == resultType)
    return value;
  if (resultType.hasStaticShape())
    if (std::optional<SmallVector<int64_t>> ints = foldableIntegers(value))
      return integerConstant(b, loc, resultType, *ints);
  if (type.hasStaticShape() && resultType.hasStaticShape()) {
    // Through a 1-D tensor: every reassociation is a single group.
    Value flat = value;
    if (type.getRank() == 0 || resultType.getRank() == 0) {
      if (type.getRank() == 0)
        return tensor::ExpandShapeOp::create(
            b, loc, resultType, value, ArrayRef<ReassociationIndices>{}, sizes);
      return tensor::CollapseShapeOp::create(b, loc, resultType, value,
                                             ArrayRef<ReassociationIndices>{});
    }
    if (type.getRank() != 1) {
      ReassociationIndices all;
      for (int64_t d = 0; d < type.getRank(); ++d)
        all.push_back(d);
      flat = tensor::CollapseShapeOp::create(
          b, loc, value, ArrayRef<ReassociationIndices>{all});
    }
    if (resultType.getRank() == 1)
      return flat;
    ReassociationIndices all;
    for (int64_t d = 0; d < resultType.getRank(); ++d)
      all.push_back(d);
    return tensor::ExpandShapeOp::create(
        b, loc, resultType, flat, ArrayRef<ReassociationIndices>{all}, sizes);
  }
  // Dynamic sizes: copy element by element through the linear index (an
  // expand_shape with two dynamic sizes in one group crashes LLVM 22's
  // expand-strided-metadata).
  SmallVector<OpFoldResult> inSizes = mixedSizes(b, loc, value);
  SmallVector<Value> inDims, outDims;
  for (OpFoldResult s : inSizes)
    inDims.push_back(getValueOrCreateConstantIndexOp(b, loc, s));
  for (OpFoldResult s : sizes)
    outDims.push_back(getValueOrCreateConstantIndexOp(b, loc, s));
  int64_t rank = target.size();
  return buildElementwise(
      b, loc, ValueRange{}, {}, sizes, type.getElementType(),
      [&](OpBuilder &nb, Location nl, ValueRange) {
        Value linear = arith::ConstantIndexOp::create(nb, nl, 0);
        for (int64_t d = 0; d < rank; ++d) {
          Value i = linalg::IndexOp::create(nb, nl, d);
          linear =
              d == 0
                  ? i
                  : Value(arith::AddIOp::create(
                        nb, nl,
                        arith::MulIOp::create(nb, nl, linear, outDims[d]), i));
        }
        SmallVector<Value> indices(inDims.size());
        for (int64_t d = static_cast<int64_t>(inDims.size()) - 1; d >= 0; --d) {
          indices[d] = arith::RemUIOp::create(nb, nl, linear, inDims[d]);
          linear = arith::DivUIOp::create(nb, nl, linear, inDims[d]);
        }
        return tensor::ExtractOp::create(nb, nl, value, indices);
      });
}

std::optional<SmallVector<int64_t>> constantIntegers(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  Attribute attr = constant.getValue();
  SmallVector<int64_t> result;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    for (const APInt &v : dense.getValues<APInt>())
      result.push_back(dense.getElementType().isInteger(1) ? v.getZExtValue()
                                                           : v.getSExtValue());
    return result;
  }
  if (auto blob = dyn_cast<DenseI64ResourceElementsAttr>(attr)) {
    if (std::optional<ArrayRef<int64_t>> data = blob.tryGetAsArrayRef())
      return llvm::to_vector(*data);
    return std::nullopt;
  }
  if (auto blob = dyn_cast<DenseI32ResourceElementsAttr>(attr)) {
    if (std::optional<ArrayRef<int32_t>> data = blob.tryGetAsArrayRef()) {
      for (int32_t v : *data)
        result.push_back(v);
      return result;
    }
  }
  return std::nullopt;
}

FailureOr<SmallVector<OpFoldResult>>
shapeOperandEntries(OpContext &c, int position, StringRef what) {
  Value shape = c.input(position);
  if (!shape)
    return failure();
  SmallVector<OpFoldResult> entries;
  if (std::optional<SmallVector<int64_t>> ints = constantIntegers(shape)) {
    for (int64_t v : *ints)
      entries.push_back(c.b.getIndexAttr(v));
    return entries;
  }
  auto type = cast<RankedTensorType>(shape.getType());
  if (type.getRank() != 1 || type.isDynamicDim(0) ||
      !type.getElementType().isInteger(64)) {
    c.error() << what << " (input " << position << ", '"
              << c.node.input(position)
              << "') is computed at run time, so it must be a 1-D int64 "
                 "tensor of static length (the result's rank), got "
              << type;
    return failure();
  }
  // Shape of a dynamic tensor is a tensor.from_elements: read its scalars
  // directly, so the static sizes among them stay static.
  auto elements = shape.getDefiningOp<tensor::FromElementsOp>();
  for (int64_t i = 0; i < type.getDimSize(0); ++i) {
    Value entry =
        elements
            ? elements.getElements()[i]
            : Value(tensor::ExtractOp::create(
                  c.b, c.loc, shape,
                  ValueRange{arith::ConstantIndexOp::create(c.b, c.loc, i)}));
    if (auto cast = entry.getDefiningOp<arith::IndexCastOp>())
      if (cast.getIn().getType().isIndex()) {
        if (std::optional<int64_t> v = getConstantIntValue(cast.getIn()))
          entries.push_back(c.b.getIndexAttr(*v));
        else
          entries.push_back(cast.getIn());
        continue;
      }
    if (std::optional<int64_t> v = getConstantIntValue(entry)) {
      entries.push_back(c.b.getIndexAttr(*v));
      continue;
    }
    entries.push_back(
        arith::IndexCastOp::create(c.b, c.loc, c.b.getIndexType(), entry)
            .getResult());
  }
  return entries;
}

Value integerConstant(OpBuilder &b, Location loc, RankedTensorType type,
                      ArrayRef<int64_t> values) {
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> bits;
  for (int64_t v : values)
    bits.push_back(APInt(64, v, /*isSigned=*/true).trunc(width));
  return arith::ConstantOp::create(b, loc,
                                   DenseIntElementsAttr::get(type, bits));
}

std::optional<SmallVector<int64_t>> foldableIntegers(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  // Small shape-like tensors only: larger ones are data, not shapes.
  if (!type.hasStaticShape() || !type.getElementType().isSignlessInteger() ||
      type.getElementType().isInteger(1) || type.getNumElements() > 64)
    return std::nullopt;
  return constantIntegers(value);
}

Value i64VectorConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseIntElementsAttr::get(type, values));
}

} // namespace moe::onnx_import
