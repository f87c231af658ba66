//===- ShapeOps.cpp - ONNX shape and layout ops to tensor/linalg ----------===//
//
// Reshape (0 and -1 rules), Transpose, Squeeze/Unsqueeze, Flatten, Concat,
// Slice, Split, Expand, Shape, Identity, Constant and ConstantOfShape.
// The shapes of Reshape, Expand and ConstantOfShape may be computed at run
// time (Shape/Gather/Concat of a dynamic input; the result's dimensions are
// then dynamic); axes, starts and ends must be compile-time constants.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace mlir;

namespace moe::onnx_import {
namespace {

RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// a * b or a + b on sizes, folded when both are static; null when the
/// static result does not fit in 64 bits (callers report it).
OpFoldResult combineSizes(OpBuilder &b, Location loc, OpFoldResult x,
                          OpFoldResult y, bool multiply) {
  if (!x || !y)
    return {};
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy) {
    int64_t folded;
    if (multiply ? llvm::MulOverflow(*cx, *cy, folded)
                 : llvm::AddOverflow(*cx, *cy, folded))
      return {};
    return b.getIndexAttr(folded);
  }
  // The unit of the operation leaves the other operand.
  int64_t unit = multiply ? 1 : 0;
  if (cx && *cx == unit)
    return y;
  if (cy && *cy == unit)
    return x;
  Value vx = getValueOrCreateConstantIndexOp(b, loc, x);
  Value vy = getValueOrCreateConstantIndexOp(b, loc, y);
  if (multiply)
    return arith::MulIOp::create(b, loc, vx, vy).getResult();
  return arith::AddIOp::create(b, loc, vx, vy).getResult();
}

OpFoldResult productOf(OpBuilder &b, Location loc,
                       ArrayRef<OpFoldResult> sizes) {
  OpFoldResult product = b.getIndexAttr(1);
  for (OpFoldResult s : sizes)
    product = combineSizes(b, loc, product, s, /*multiply=*/true);
  return product;
}

LogicalResult importIdentity(OpContext &c) {
  if (failed(c.checkArity(1, 1)) || failed(c.checkAttributes({})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  c.define(0, x);
  return success();
}

/// select(v == constant, then, otherwise) on index values.
Value selectIfEquals(OpBuilder &b, Location loc, Value v, int64_t constant,
                     Value then, Value otherwise) {
  Value eq =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, v,
                            arith::ConstantIndexOp::create(b, loc, constant));
  return arith::SelectOp::create(b, loc, eq, then, otherwise);
}

LogicalResult importReshape(OpContext &c) {
  if (failed(c.checkArity(2, 2)) || failed(c.checkAttributes({"allowzero"})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  FailureOr<SmallVector<OpFoldResult>> shape =
      shapeOperandEntries(c, 1, "the shape");
  if (failed(shape))
    return failure();
  bool allowZero = c.intAttr("allowzero", 0) != 0;
  RankedTensorType type = typeOf(x);
  SmallVector<OpFoldResult> inSizes = mixedSizes(c.b, c.loc, x);
  // sizes[i] is the result's size once -1 is resolved; factors[i] what it
  // contributes to the product the -1 entry divides (1 for a -1).
  SmallVector<OpFoldResult> sizes, factors;
  SmallVector<int64_t> runtime;
  int inferred = -1;
  for (auto [i, entry] : llvm::enumerate(*shape)) {
    std::optional<int64_t> d = getConstantIntValue(entry);
    if (!d) {
      // Known at run time only: 0 copies the input's size (unless
      // allowzero), -1 is inferred below.
      Value v = cast<Value>(entry);
      if (!allowZero && static_cast<int64_t>(i) < type.getRank())
        v = selectIfEquals(
            c.b, c.loc, v, 0,
            getValueOrCreateConstantIndexOp(c.b, c.loc, inSizes[i]), v);
      runtime.push_back(i);
      sizes.push_back(v);
      factors.push_back(selectIfEquals(
          c.b, c.loc, v, -1, arith::ConstantIndexOp::create(c.b, c.loc, 1), v));
    } else if (*d == -1) {
      if (inferred >= 0) {
        c.error() << "the shape has more than one -1";
        return failure();
      }
      inferred = static_cast<int>(i);
      sizes.push_back(c.b.getIndexAttr(1));
      factors.push_back(c.b.getIndexAttr(1));
    } else if (*d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= type.getRank()) {
        c.error() << "shape entry " << i << " is 0 (copy the input's size) "
                  << "but the input has rank " << type.getRank();
        return failure();
      }
      sizes.push_back(inSizes[i]);
      factors.push_back(inSizes[i]);
    } else if (*d < 0) {
      c.error() << "shape entry " << i << " is " << *d
                << "; entries must be >= -1";
      return failure();
    } else {
      sizes.push_back(c.b.getIndexAttr(*d));
      factors.push_back(c.b.getIndexAttr(*d));
    }
  }
  OpFoldResult total = productOf(c.b, c.loc, inSizes);
  OpFoldResult known = productOf(c.b, c.loc, factors);
  if (!total || !known) {
    c.error() << "the element count of the input or of the shape does not "
              << "fit in 64 bits";
    return failure();
  }
  std::optional<int64_t> staticTotal = getConstantIntValue(total);
  std::optional<int64_t> staticKnown = getConstantIntValue(known);
  if (inferred >= 0 || !runtime.empty()) {
    OpFoldResult quotient;
    if (staticTotal && staticKnown) {
      if (*staticKnown == 0 || *staticTotal % *staticKnown != 0) {
        c.error() << "cannot infer the -1 entry: " << *staticTotal
                  << " elements do not divide into " << *staticKnown;
        return failure();
      }
      quotient = c.b.getIndexAttr(*staticTotal / *staticKnown);
    } else {
      quotient =
          arith::DivUIOp::create(
              c.b, c.loc, getValueOrCreateConstantIndexOp(c.b, c.loc, total),
              getValueOrCreateConstantIndexOp(c.b, c.loc, known))
              .getResult();
    }
    if (inferred >= 0)
      sizes[inferred] = quotient;
    for (int64_t i : runtime)
      sizes[i] =
          selectIfEquals(c.b, c.loc, cast<Value>(sizes[i]), -1,
                         getValueOrCreateConstantIndexOp(c.b, c.loc, quotient),
                         cast<Value>(sizes[i]));
  } else if (staticTotal && staticKnown && *staticTotal != *staticKnown) {
    c.error() << "cannot reshape " << type << " (" << *staticTotal
              << " elements) into " << *staticKnown << " elements";
    return failure();
  }
  c.define(0, reshapeTo(c.b, c.loc, x, sizes));
  return success();
}

LogicalResult importFlatten(OpContext &c) {
  if (failed(c.checkArity(1, 1)) || failed(c.checkAttributes({"axis"})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  int64_t rank = typeOf(x).getRank();
  int64_t axis = c.intAttr("axis", 1);
  if (axis < -rank || axis > rank) {
    c.error() << "axis " << axis << " is out of range for rank " << rank
              << " (must be in [" << -rank << ", " << rank << "])";
    return failure();
  }
  if (axis < 0)
    axis += rank;
  SmallVector<OpFoldResult> inSizes = mixedSizes(c.b, c.loc, x);
  SmallVector<OpFoldResult> sizes = {
      productOf(c.b, c.loc, ArrayRef(inSizes).take_front(axis)),
      productOf(c.b, c.loc, ArrayRef(inSizes).drop_front(axis))};
  if (!sizes[0] || !sizes[1]) {
    c.error() << "the flattened sizes do not fit in 64 bits";
    return failure();
  }
  c.define(0, reshapeTo(c.b, c.loc, x, sizes));
  return success();
}

LogicalResult importTranspose(OpContext &c) {
  if (failed(c.checkArity(1, 1)) || failed(c.checkAttributes({"perm"})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  int64_t rank = typeOf(x).getRank();
  SmallVector<int64_t> perm;
  if (std::optional<SmallVector<int64_t>> attr = c.intsAttr("perm"))
    perm = *attr;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  bool valid = static_cast<int64_t>(perm.size()) == rank;
  for (int64_t d = 0; valid && d < rank; ++d)
    valid = sorted[d] == d;
  if (!valid) {
    InFlightDiagnostic diag = c.error();
    diag << "perm [";
    llvm::interleaveComma(perm, diag);
    diag << "] is not a permutation of the " << rank << " dimensions";
    return failure();
  }
  SmallVector<OpFoldResult> inSizes = mixedSizes(c.b, c.loc, x), sizes;
  for (int64_t p : perm)
    sizes.push_back(inSizes[p]);
  Value init = emptyTensor(c.b, c.loc, sizes, typeOf(x).getElementType());
  c.define(
      0, linalg::TransposeOp::create(c.b, c.loc, x, init, perm)->getResult(0));
  return success();
}

/// Axes from input 1 (opset 13+), normalized against `rank`, sorted.
LogicalResult readAxes(OpContext &c, int64_t rank, bool required,
                       SmallVectorImpl<int64_t> &axes) {
  if (c.numInputs() < 2 || c.node.input(1).empty()) {
    if (required) {
      c.error() << "input 1 (axes) is required";
      return failure();
    }
    return success();
  }
  FailureOr<SmallVector<int64_t>> raw = c.constantInts(1, "axes");
  if (failed(raw))
    return failure();
  for (int64_t axis : *raw) {
    FailureOr<int64_t> a = c.normalizeAxis(axis, rank, "axis");
    if (failed(a))
      return failure();
    if (llvm::is_contained(axes, *a)) {
      c.error() << "axis " << axis << " is repeated in axes";
      return failure();
    }
    axes.push_back(*a);
  }
  llvm::sort(axes);
  return success();
}

LogicalResult importSqueeze(OpContext &c) {
  if (failed(c.checkArity(1, 2)) || failed(c.checkAttributes({})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  RankedTensorType type = typeOf(x);
  SmallVector<int64_t> axes;
  if (failed(readAxes(c, type.getRank(), /*required=*/false, axes)))
    return failure();
  bool given = !axes.empty();
  if (!given)
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.getDimSize(d) == 1)
        axes.push_back(d);
  SmallVector<OpFoldResult> inSizes = mixedSizes(c.b, c.loc, x), sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(axes, d)) {
      sizes.push_back(inSizes[d]);
      continue;
    }
    int64_t size = type.getDimSize(d);
    if (!ShapedType::isDynamic(size) && size != 1) {
      c.error() << "cannot squeeze axis " << d << " of " << type
                << ": its size is " << size << ", not 1";
      return failure();
    }
  }
  c.define(0, reshapeTo(c.b, c.loc, x, sizes));
  return success();
}

LogicalResult importUnsqueeze(OpContext &c) {
  if (failed(c.checkArity(2, 2)) || failed(c.checkAttributes({})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  FailureOr<SmallVector<int64_t>> raw = c.constantInts(1, "axes");
  if (failed(raw))
    return failure();
  int64_t rank = typeOf(x).getRank() + static_cast<int64_t>(raw->size());
  SmallVector<int64_t> axes;
  if (failed(readAxes(c, rank, /*required=*/true, axes)))
    return failure();
  c.define(0, insertUnitDims(c.b, c.loc, x, axes, rank));
  return success();
}

LogicalResult importConcat(OpContext &c) {
  if (failed(c.checkArity(1, 1 << 20)) || failed(c.checkAttributes({"axis"})))
    return failure();
  SmallVector<Value> inputs;
  for (int i = 0; i < c.numInputs(); ++i) {
    Value v = c.input(i);
    if (!v)
      return failure();
    inputs.push_back(v);
  }
  RankedTensorType first = typeOf(inputs.front());
  int64_t rank = first.getRank();
  const onnx::AttributeProto *axisAttr = c.attribute("axis");
  if (!axisAttr) {
    c.error() << "attribute 'axis' is required";
    return failure();
  }
  FailureOr<int64_t> axis = c.normalizeAxis(axisAttr->i(), rank, "axis");
  if (failed(axis))
    return failure();
  SmallVector<OpFoldResult> sizes = mixedSizes(c.b, c.loc, inputs.front());
  for (Value v : ArrayRef(inputs).drop_front()) {
    RankedTensorType type = typeOf(v);
    if (type.getRank() != rank ||
        type.getElementType() != first.getElementType()) {
      c.error() << "inputs must have the same rank and element type, got "
                << first << " and " << type;
      return failure();
    }
    for (int64_t d = 0; d < rank; ++d) {
      if (d == *axis)
        continue;
      int64_t a = first.getDimSize(d), s = type.getDimSize(d);
      if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(s) && a != s) {
        c.error() << "inputs " << first << " and " << type
                  << " differ in dimension " << d << " (" << a << " vs " << s
                  << "), which is not the axis";
        return failure();
      }
      if (ShapedType::isDynamic(a) && !ShapedType::isDynamic(s))
        sizes[d] = c.b.getIndexAttr(s);
    }
  }
  if (rank == 1) {
    // Shape vectors: fold constants.
    SmallVector<int64_t> folded;
    bool constant = true;
    for (Value v : inputs) {
      std::optional<SmallVector<int64_t>> ints = foldableIntegers(v);
      constant = constant && ints;
      if (ints)
        folded.append(*ints);
    }
    if (constant) {
      c.define(0, integerConstant(c.b, c.loc,
                                  RankedTensorType::get(
                                      {static_cast<int64_t>(folded.size())},
                                      first.getElementType()),
                                  folded));
      return success();
    }
  }
  SmallVector<OpFoldResult> offsets;
  OpFoldResult axisSize = c.b.getIndexAttr(0);
  for (Value v : inputs) {
    offsets.push_back(axisSize);
    axisSize = combineSizes(c.b, c.loc, axisSize,
                            tensor::getMixedSize(c.b, c.loc, v, *axis),
                            /*multiply=*/false);
  }
  if (!axisSize) {
    c.error() << "the concatenated axis does not fit in 64 bits";
    return failure();
  }
  sizes[*axis] = axisSize;
  Value result = emptyTensor(c.b, c.loc, sizes, first.getElementType());
  SmallVector<OpFoldResult> strides(rank, c.b.getIndexAttr(1));
  for (auto [v, offset] : llvm::zip(inputs, offsets)) {
    SmallVector<OpFoldResult> at(rank, c.b.getIndexAttr(0));
    at[*axis] = offset;
    result = tensor::InsertSliceOp::create(c.b, c.loc, v, result, at,
                                           mixedSizes(c.b, c.loc, v), strides);
  }
  c.define(0, result);
  return success();
}

LogicalResult importSlice(OpContext &c) {
  if (failed(c.checkArity(3, 5)) || failed(c.checkAttributes({})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<int64_t>> starts = c.constantInts(1, "starts");
  if (failed(starts))
    return failure();
  FailureOr<SmallVector<int64_t>> ends = c.constantInts(2, "ends");
  if (failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (c.numInputs() > 3 && !c.node.input(3).empty()) {
    FailureOr<SmallVector<int64_t>> a = c.constantInts(3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (int64_t d = 0; d < static_cast<int64_t>(starts->size()); ++d)
      axes.push_back(d);
  }
  if (c.numInputs() > 4 && !c.node.input(4).empty()) {
    FailureOr<SmallVector<int64_t>> s = c.constantInts(4, "steps");
    if (failed(s))
      return failure();
    steps = *s;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size()) {
    c.error() << "starts, ends, axes and steps must have the same length, got "
              << starts->size() << ", " << ends->size() << ", " << axes.size()
              << ", " << steps.size();
    return failure();
  }
  OpBuilder &b = c.b;
  Location loc = c.loc;
  SmallVector<OpFoldResult> inSizes = mixedSizes(b, loc, x);
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes(inSizes);
  SmallVector<int64_t> strides(rank, 1);
  SmallVector<bool> seen(rank, false);
  constexpr int64_t kLimit = int64_t(1) << 62;
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = c.normalizeAxis(axes[i], rank, "axis");
    if (failed(axis))
      return failure();
    if (seen[*axis]) {
      c.error() << "axis " << axes[i] << " is repeated in axes";
      return failure();
    }
    seen[*axis] = true;
    int64_t step = steps[i];
    if (step == 0) {
      c.error() << "steps must not be 0";
      return failure();
    }
    int64_t start = std::clamp((*starts)[i], -kLimit, kLimit);
    int64_t end = std::clamp((*ends)[i], -kLimit, kLimit);
    // Clamp start to [0, D] (or [0, D-1] stepping down) and end to [0, D]
    // (or [-1, D-1]), after adding D to negative ones: in arith on indices,
    // folded when D is static.
    Value dim = getValueOrCreateConstantIndexOp(b, loc, inSizes[*axis]);
    auto clamp = [&](int64_t v, int64_t lowOffset, int64_t highOffset) {
      Value value = arith::ConstantIndexOp::create(b, loc, v);
      if (v < 0)
        value = b.createOrFold<arith::AddIOp>(loc, value, dim);
      Value low = arith::ConstantIndexOp::create(b, loc, lowOffset);
      Value high = b.createOrFold<arith::AddIOp>(
          loc, dim, arith::ConstantIndexOp::create(b, loc, highOffset));
      value = b.createOrFold<arith::MaxSIOp>(loc, value, low);
      return b.createOrFold<arith::MinSIOp>(loc, value, high);
    };
    Value s = step > 0 ? clamp(start, 0, 0) : clamp(start, 0, -1);
    Value e = step > 0 ? clamp(end, 0, 0) : clamp(end, -1, -1);
    // size = max(0, ceil((e - s) / step)) = max(0, (|e - s| + |step| - 1) /
    // |step|) in the direction of the step.
    Value span = step > 0 ? b.createOrFold<arith::SubIOp>(loc, e, s)
                          : b.createOrFold<arith::SubIOp>(loc, s, e);
    int64_t magnitude = step > 0 ? step : -step;
    Value rounded = b.createOrFold<arith::AddIOp>(
        loc, span, arith::ConstantIndexOp::create(b, loc, magnitude - 1));
    Value count = b.createOrFold<arith::DivSIOp>(
        loc, rounded, arith::ConstantIndexOp::create(b, loc, magnitude));
    count = b.createOrFold<arith::MaxSIOp>(
        loc, count, arith::ConstantIndexOp::create(b, loc, 0));
    offsets[*axis] = getAsOpFoldResult(s);
    sizes[*axis] = getAsOpFoldResult(count);
    strides[*axis] = step;
  }
  std::optional<SmallVector<int64_t>> ints = foldableIntegers(x);
  std::optional<int64_t> start = getConstantIntValue(offsets.front());
  std::optional<int64_t> count = getConstantIntValue(sizes.front());
  if (rank == 1 && ints && start && count) {
    // A slice of a shape vector: folded.
    SmallVector<int64_t> folded;
    for (int64_t i = 0; i < *count; ++i)
      folded.push_back((*ints)[*start + i * strides.front()]);
    c.define(0,
             integerConstant(
                 b, loc, RankedTensorType::get({*count}, type.getElementType()),
                 folded));
    return success();
  }
  Value result;
  if (llvm::all_of(strides, [](int64_t s) { return s > 0; })) {
    SmallVector<OpFoldResult> strideAttrs;
    for (int64_t s : strides)
      strideAttrs.push_back(b.getIndexAttr(s));
    auto resultType =
        RankedTensorType::get(staticShape(sizes), type.getElementType());
    result = tensor::ExtractSliceOp::create(b, loc, resultType, x, offsets,
                                            sizes, strideAttrs);
  } else {
    // A negative step: read x[offset + i * step] element by element.
    SmallVector<Value> offsetValues;
    for (OpFoldResult o : offsets)
      offsetValues.push_back(getValueOrCreateConstantIndexOp(b, loc, o));
    result = buildElementwise(
        b, loc, ValueRange{}, {}, sizes, type.getElementType(),
        [&](OpBuilder &nb, Location nl, ValueRange) -> Value {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(nb, nl, d);
            Value scaled = arith::MulIOp::create(
                nb, nl, i, arith::ConstantIndexOp::create(nb, nl, strides[d]));
            indices.push_back(
                arith::AddIOp::create(nb, nl, offsetValues[d], scaled));
          }
          return tensor::ExtractOp::create(nb, nl, x, indices);
        });
  }
  c.define(0, result);
  return success();
}

LogicalResult importSplit(OpContext &c) {
  SmallVector<StringRef> known = {"axis"};
  if (c.opset >= 18)
    known.push_back("num_outputs");
  if (failed(c.checkArity(1, 2)) || failed(c.checkAttributes(known)))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  RankedTensorType type = typeOf(x);
  FailureOr<int64_t> axis =
      c.normalizeAxis(c.intAttr("axis", 0), type.getRank(), "axis");
  if (failed(axis))
    return failure();
  int64_t outputs = c.numOutputs();
  int64_t dimSize = type.getDimSize(*axis);
  SmallVector<OpFoldResult> pieces;
  if (c.numInputs() > 1 && !c.node.input(1).empty()) {
    FailureOr<SmallVector<int64_t>> split = c.constantInts(1, "split");
    if (failed(split))
      return failure();
    if (static_cast<int64_t>(split->size()) != outputs) {
      c.error() << "split has " << split->size() << " entries but the node has "
                << outputs << " outputs";
      return failure();
    }
    int64_t total = 0;
    for (int64_t s : *split) {
      if (s < 0) {
        c.error() << "split entries must be >= 0, got " << s;
        return failure();
      }
      total += s;
      pieces.push_back(c.b.getIndexAttr(s));
    }
    if (!ShapedType::isDynamic(dimSize) && total != dimSize) {
      c.error() << "split sums to " << total << " but axis " << *axis
                << " has size " << dimSize;
      return failure();
    }
  } else {
    int64_t n =
        c.attribute("num_outputs") ? c.intAttr("num_outputs", 1) : outputs;
    if (n != outputs || n < 1) {
      c.error() << "num_outputs = " << n << " but the node has " << outputs
                << " outputs";
      return failure();
    }
    if (!ShapedType::isDynamic(dimSize)) {
      // Opset 18: the last piece is smaller when n does not divide.
      int64_t piece = (dimSize + n - 1) / n;
      if (c.opset < 18 && dimSize % n != 0) {
        c.error() << "axis " << *axis << " of size " << dimSize
                  << " does not split evenly into " << n << " outputs";
        return failure();
      }
      for (int64_t i = 0; i < n; ++i)
        pieces.push_back(c.b.getIndexAttr(
            std::max<int64_t>(0, std::min(piece, dimSize - i * piece))));
    } else {
      Value piece = arith::DivUIOp::create(
          c.b, c.loc,
          getValueOrCreateConstantIndexOp(
              c.b, c.loc, tensor::getMixedSize(c.b, c.loc, x, *axis)),
          arith::ConstantIndexOp::create(c.b, c.loc, n));
      for (int64_t i = 0; i < n; ++i)
        pieces.push_back(piece);
    }
  }
  SmallVector<OpFoldResult> sizes = mixedSizes(c.b, c.loc, x);
  SmallVector<OpFoldResult> offsets(type.getRank(), c.b.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(type.getRank(), c.b.getIndexAttr(1));
  OpFoldResult offset = c.b.getIndexAttr(0);
  for (auto [i, piece] : llvm::enumerate(pieces)) {
    offsets[*axis] = offset;
    sizes[*axis] = piece;
    auto resultType =
        RankedTensorType::get(staticShape(sizes), type.getElementType());
    c.define(static_cast<int>(i),
             tensor::ExtractSliceOp::create(c.b, c.loc, resultType, x, offsets,
                                            sizes, strides));
    offset = combineSizes(c.b, c.loc, offset, piece, /*multiply=*/false);
  }
  return success();
}

LogicalResult importExpand(OpContext &c) {
  if (failed(c.checkArity(2, 2)) || failed(c.checkAttributes({})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  FailureOr<SmallVector<OpFoldResult>> shape =
      shapeOperandEntries(c, 1, "the shape");
  if (failed(shape))
    return failure();
  SmallVector<int64_t> target;
  for (OpFoldResult entry : *shape) {
    std::optional<int64_t> d = getConstantIntValue(entry);
    if (d && *d < 0) {
      c.error() << "shape entries must be >= 0, got " << *d;
      return failure();
    }
    target.push_back(d.value_or(ShapedType::kDynamic));
  }
  SmallVector<OpFoldResult> sizes;
  AffineMap map;
  if (!llvm::is_contained(target, ShapedType::kDynamic)) {
    if (failed(broadcastTo(c, x, target, sizes, map)))
      return failure();
  } else {
    // Entries known at run time only: a dimension of x that is 1 (or
    // missing) broadcasts to the entry; otherwise an entry of 1 keeps x's
    // size (a dynamic size of x that is 1 at run time is taken to equal
    // the entry, as in `broadcast`).
    RankedTensorType type = typeOf(x);
    int64_t rank = std::max<int64_t>(type.getRank(), target.size());
    int64_t xOffset = rank - type.getRank();
    int64_t shapeOffset = rank - static_cast<int64_t>(target.size());
    SmallVector<OpFoldResult> xSizes = mixedSizes(c.b, c.loc, x);
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d) {
      bool hasX = d >= xOffset, hasEntry = d >= shapeOffset;
      int64_t xSize = hasX ? type.getDimSize(d - xOffset) : 1;
      OpFoldResult entry =
          hasEntry ? (*shape)[d - shapeOffset] : c.b.getIndexAttr(1);
      std::optional<int64_t> e = getConstantIntValue(entry);
      if (hasX)
        exprs.push_back(xSize == 1 ? getAffineConstantExpr(0, c.b.getContext())
                                   : getAffineDimExpr(d, c.b.getContext()));
      if (xSize == 1) {
        sizes.push_back(entry);
      } else if (!ShapedType::isDynamic(xSize)) {
        if (e && *e != 1 && *e != xSize) {
          c.error() << "cannot expand dimension " << d - xOffset << " of "
                    << type << " to " << *e;
          return failure();
        }
        sizes.push_back(c.b.getIndexAttr(xSize));
      } else if (e) {
        sizes.push_back(*e == 1 ? xSizes[d - xOffset] : entry);
      } else {
        Value dim =
            getValueOrCreateConstantIndexOp(c.b, c.loc, xSizes[d - xOffset]);
        sizes.push_back(selectIfEquals(c.b, c.loc, cast<Value>(entry), 1, dim,
                                       cast<Value>(entry)));
      }
    }
    map = AffineMap::get(rank, 0, exprs, c.b.getContext());
  }
  c.define(0,
           buildElementwise(
               c.b, c.loc, x, map, sizes, typeOf(x).getElementType(),
               [](OpBuilder &, Location, ValueRange args) { return args[0]; }));
  return success();
}

LogicalResult importConstantOfShape(OpContext &c) {
  if (failed(c.checkArity(1, 1)) || failed(c.checkAttributes({"value"})))
    return failure();
  FailureOr<SmallVector<OpFoldResult>> shape =
      shapeOperandEntries(c, 0, "the shape");
  if (failed(shape))
    return failure();
  for (OpFoldResult entry : *shape)
    if (std::optional<int64_t> d = getConstantIntValue(entry); d && *d < 0) {
      c.error() << "shape entries must be >= 0, got " << *d;
      return failure();
    }
  // The fill value: a one-element tensor attribute, float 0 by default.
  TypedAttr fill = c.b.getF32FloatAttr(0.0f);
  if (const onnx::AttributeProto *attr = c.attribute("value")) {
    std::string error;
    ElementsAttr elements =
        convertInitializer(c.b.getContext(), attr->t(), "", error);
    auto dense = dyn_cast_or_null<DenseElementsAttr>(elements);
    if (!dense || dense.getNumElements() != 1) {
      c.error() << "the value attribute must be a one-element tensor"
                << (error.empty() ? "" : ": ") << error;
      return failure();
    }
    fill = cast<TypedAttr>(*dense.getValues<Attribute>().begin());
  }
  SmallVector<int64_t> staticSizes = staticShape(*shape);
  auto type = RankedTensorType::get(staticSizes, fill.getType());
  if (type.hasStaticShape()) {
    c.define(0, arith::ConstantOp::create(c.b, c.loc,
                                          DenseElementsAttr::get(type, fill)));
    return success();
  }
  c.define(0, filledTensor(c.b, c.loc, *shape,
                           arith::ConstantOp::create(c.b, c.loc, fill)));
  return success();
}

LogicalResult importShape(OpContext &c) {
  if (failed(c.checkArity(1, 1)) || failed(c.checkAttributes({"start", "end"})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank();
  auto clampAxis = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampAxis(c.intAttr("start", 0));
  int64_t end = clampAxis(c.intAttr("end", rank));
  end = std::max(start, end);
  ArrayRef<int64_t> dims = type.getShape().slice(start, end - start);
  if (llvm::none_of(dims, ShapedType::isDynamic)) {
    c.define(0, i64VectorConstant(c.b, c.loc, dims));
    return success();
  }
  SmallVector<Value> elements;
  for (int64_t d = start; d < end; ++d)
    elements.push_back(
        convertScalar(c.b, c.loc,
                      getValueOrCreateConstantIndexOp(
                          c.b, c.loc, tensor::getMixedSize(c.b, c.loc, x, d)),
                      c.b.getI64Type()));
  c.define(0, tensor::FromElementsOp::create(
                  c.b, c.loc,
                  RankedTensorType::get({end - start}, c.b.getI64Type()),
                  elements));
  return success();
}

LogicalResult importConstant(OpContext &c) {
  if (failed(c.checkArity(0, 0)) ||
      failed(c.checkAttributes({"value", "value_float", "value_floats",
                                "value_int", "value_ints", "sparse_value",
                                "value_string", "value_strings"})))
    return failure();
  if (c.node.attribute_size() != 1) {
    c.error() << "must have exactly one value attribute, got "
              << c.node.attribute_size();
    return failure();
  }
  const onnx::AttributeProto &attr = c.node.attribute(0);
  StringRef name = attr.name();
  MLIRContext *ctx = c.b.getContext();
  Attribute value;
  if (name == "value") {
    std::string error;
    // Large constants become resource blobs, named after the output.
    onnx::TensorProto tensor = attr.t();
    if (tensor.name().empty() && c.hasOutput(0))
      tensor.set_name(c.node.output(0));
    ElementsAttr elements = convertInitializer(ctx, tensor, "", error);
    if (!elements) {
      c.error() << error;
      return failure();
    }
    value = elements;
  } else if (name == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, c.b.getF32Type()),
                                   attr.f());
  } else if (name == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, c.b.getI64Type()),
                                   static_cast<int64_t>(attr.i()));
  } else if (name == "value_floats") {
    SmallVector<float> floats(attr.floats().begin(), attr.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(floats.size())},
                              c.b.getF32Type()),
        ArrayRef<float>(floats));
  } else if (name == "value_ints") {
    SmallVector<int64_t> ints(attr.ints().begin(), attr.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(ints.size())},
                              c.b.getI64Type()),
        ArrayRef<int64_t>(ints));
  } else {
    c.error() << "attribute '" << name << "' is not supported (value, "
              << "value_float, value_floats, value_int, value_ints are)";
    return failure();
  }
  c.define(0, arith::ConstantOp::create(c.b, c.loc, cast<TypedAttr>(value)));
  return success();
}

} // namespace

void registerShapeOps(OpImporterTable &table) {
  auto add = [&](StringRef op, OpImportFn fn) {
    table.add("", op, kMinOnnxOpset, kMaxOnnxOpset, fn);
  };
  add("Identity", importIdentity);
  add("Reshape", importReshape);
  add("Flatten", importFlatten);
  add("Transpose", importTranspose);
  add("Squeeze", importSqueeze);
  add("Unsqueeze", importUnsqueeze);
  add("Concat", importConcat);
  add("Slice", importSlice);
  add("Split", importSplit);
  add("Expand", importExpand);
  add("Shape", importShape);
  add("Constant", importConstant);
  add("ConstantOfShape", importConstantOfShape);
}

} // namespace moe::onnx_import
