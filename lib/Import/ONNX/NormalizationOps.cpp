//===- NormalizationOps.cpp - LayerNormalization and RMSNorm --------------===//
//
// ai.onnx LayerNormalization (opset 17+: axis, epsilon, stash_type, optional
// bias, Mean and InvStdDev outputs) and ONNX Runtime's RMSNorm contrib ops:
// SimplifiedLayerNormalization (registered by ONNX Runtime in the ai.onnx
// domain; com.microsoft accepted too) and com.microsoft
// SkipSimplifiedLayerNormalization (input + skip (+ bias), normalized over
// the last axis; outputs output, mean (not supported), inv_std_var,
// input_skip_bias_sum).
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace moe::onnx_import {
namespace {

Type elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

/// `value` converted element-wise to `to`.
Value convertTensor(OpContext &c, Value value, Type to) {
  if (elementTypeOf(value) == to)
    return value;
  return mapElementwise(c, value, to,
                        [&](OpBuilder &b, Location loc, ValueRange args) {
                          return convertScalar(b, loc, args[0], to);
                        });
}

struct Normalized {
  Value normalized; // (x - mean) * invStd, or x * invRms; shape of x
  Value mean;       // reduced over the axes (LayerNormalization only)
  Value invStd;     // reduced over the axes
};

/// Normalizes `x` over its dimensions from `axis` on: centred and scaled
/// to unit variance, or (`rms`) scaled to unit root mean square.
Normalized normalize(OpContext &c, Value x, int64_t axis, double epsilon,
                     bool rms) {
  OpBuilder &b = c.b;
  Location loc = c.loc;
  MLIRContext *ctx = b.getContext();
  Type t = elementTypeOf(x);
  int64_t rank = OpContext::rankOf(x);
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < rank; ++d)
    axes.push_back(d);
  SmallVector<OpFoldResult> sizes = mixedSizes(b, loc, x);
  SmallVector<OpFoldResult> reducedSizes(sizes.begin(), sizes.begin() + axis);
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap reducedMap = droppingAxesMap(ctx, rank, axes);
  AffineMap reducedIdentity = AffineMap::getMultiDimIdentityMap(axis, ctx);
  Value count = arith::SIToFPOp::create(
      b, loc, t,
      convertScalar(b, loc, elementCount(b, loc, x, axes), b.getI64Type()));
  Value zero = scalarConstant(b, loc, t, 0.0);
  auto add = [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
    return arith::AddFOp::create(nb, nl, args[0], args[1]);
  };
  auto divideByCount = [&](Value sum) {
    return buildElementwise(
        b, loc, sum, reducedIdentity, reducedSizes, t,
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::DivFOp::create(nb, nl, args[0], count);
        });
  };
  Normalized result;
  Value centered = x;
  if (!rms) {
    result.mean = divideByCount(reduceAxes(b, loc, x, axes, zero, add));
    centered = buildElementwise(
        b, loc, {x, result.mean}, {identity, reducedMap}, sizes, t,
        [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::SubFOp::create(nb, nl, args[0], args[1]);
        });
  }
  Value squares = reduceAxes(
      b, loc, centered, axes, zero,
      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        return arith::AddFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, args[0], args[0]), args[1]);
      });
  Value eps = scalarConstant(b, loc, t, epsilon);
  result.invStd = buildElementwise(
      b, loc, squares, reducedIdentity, reducedSizes, t,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value variance = arith::DivFOp::create(nb, nl, args[0], count);
        // 1 / sqrt, not math.rsqrt: libm has no rsqrtf for the host.
        return arith::DivFOp::create(
            nb, nl, scalarConstant(nb, nl, t, 1.0),
            math::SqrtOp::create(nb, nl,
                                 arith::AddFOp::create(nb, nl, variance, eps)));
      });
  result.normalized = buildElementwise(
      b, loc, {centered, result.invStd}, {identity, reducedMap}, sizes, t,
      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        return arith::MulFOp::create(nb, nl, args[0], args[1]);
      });
  return result;
}

/// normalized * scale (+ bias), broadcast to the shape of x; null (after
/// an error) when scale or bias does not broadcast to it.
Value scaleAndShift(OpContext &c, Value normalized, Value scale, Value bias) {
  SmallVector<Value> operands = {normalized, scale};
  if (bias)
    operands.push_back(bias);
  Type t = elementTypeOf(normalized);
  Value result = mapElementwise(
      c, operands, t, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value v = arith::MulFOp::create(b, loc, args[0], args[1]);
        return bias ? Value(arith::AddFOp::create(b, loc, v, args[2])) : v;
      });
  if (result && cast<RankedTensorType>(result.getType()).getRank() !=
                    OpContext::rankOf(normalized)) {
    c.error() << "scale and bias must broadcast to the input's shape, got "
              << scale.getType();
    return Value();
  }
  return result;
}

/// The compute type: f32 for f16/bf16 inputs when stash_type is 1.
Type computeType(OpContext &c, Type t) {
  if ((t.isF16() || t.isBF16()) && c.intAttr("stash_type", 1) == 1)
    return c.b.getF32Type();
  return t;
}

LogicalResult checkFloatInputs(OpContext &c, ValueRange values) {
  for (Value v : values)
    if (v && !isFloat(elementTypeOf(v))) {
      c.error() << "inputs must have a floating-point element type, got "
                << v.getType();
      return failure();
    }
  return success();
}

LogicalResult importLayerNormalization(OpContext &c) {
  if (failed(c.checkArity(2, 3)) ||
      failed(c.checkAttributes({"axis", "epsilon", "stash_type"})))
    return failure();
  bool missing = false;
  Value x = c.input(0), scale = c.input(1);
  Value bias = c.optionalInput(2, missing);
  if (!x || !scale || missing || failed(checkFloatInputs(c, {x, scale, bias})))
    return failure();
  int64_t rank = OpContext::rankOf(x);
  FailureOr<int64_t> axis =
      c.normalizeAxis(c.intAttr("axis", -1), rank, "axis");
  if (failed(axis))
    return failure();
  Type t = elementTypeOf(x);
  Type compute = computeType(c, t);
  Value wideX = convertTensor(c, x, compute);
  Normalized n = normalize(c, wideX, *axis, c.floatAttr("epsilon", 1e-5f),
                           /*rms=*/false);
  Value y = scaleAndShift(c, n.normalized, convertTensor(c, scale, compute),
                          bias ? convertTensor(c, bias, compute) : Value());
  if (!y)
    return failure();
  c.define(0, convertTensor(c, y, t));
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  // Mean and InvStdDev keep the normalized dimensions as 1s, in the
  // compute type (stash_type).
  if (c.hasOutput(1))
    c.define(1, insertUnitDims(c.b, c.loc, n.mean, axes, rank));
  if (c.hasOutput(2))
    c.define(2, insertUnitDims(c.b, c.loc, n.invStd, axes, rank));
  return success();
}

LogicalResult importSimplifiedLayerNormalization(OpContext &c) {
  if (failed(c.checkArity(2, 2)) ||
      failed(c.checkAttributes({"axis", "epsilon", "stash_type"})))
    return failure();
  Value x = c.input(0), scale = c.input(1);
  if (!x || !scale || failed(checkFloatInputs(c, {x, scale})))
    return failure();
  int64_t rank = OpContext::rankOf(x);
  FailureOr<int64_t> axis =
      c.normalizeAxis(c.intAttr("axis", -1), rank, "axis");
  if (failed(axis))
    return failure();
  Type t = elementTypeOf(x);
  Type compute = computeType(c, t);
  Normalized n = normalize(c, convertTensor(c, x, compute), *axis,
                           c.floatAttr("epsilon", 1e-5f), /*rms=*/true);
  Value y =
      scaleAndShift(c, n.normalized, convertTensor(c, scale, compute), Value());
  if (!y)
    return failure();
  c.define(0, convertTensor(c, y, t));
  if (c.hasOutput(1)) {
    SmallVector<int64_t> axes;
    for (int64_t d = *axis; d < rank; ++d)
      axes.push_back(d);
    c.define(1, insertUnitDims(c.b, c.loc, n.invStd, axes, rank));
  }
  return success();
}

LogicalResult importSkipSimplifiedLayerNormalization(OpContext &c) {
  if (failed(c.checkArity(3, 4)) || failed(c.checkAttributes({"epsilon"})))
    return failure();
  bool missing = false;
  Value x = c.input(0), skip = c.input(1), gamma = c.input(2);
  Value bias = c.optionalInput(3, missing);
  if (!x || !skip || !gamma || missing ||
      failed(checkFloatInputs(c, {x, skip, gamma, bias})))
    return failure();
  if (c.hasOutput(1)) {
    c.error() << "output 1 (mean) is not supported";
    return failure();
  }
  int64_t rank = OpContext::rankOf(x);
  if (rank < 2 || rank > 3) {
    c.error() << "input must be [T, H] or [B, S, H], got " << x.getType();
    return failure();
  }
  SmallVector<Value> summands = {x, skip};
  if (bias)
    summands.push_back(bias);
  Value sum = mapElementwise(
      c, summands, elementTypeOf(x),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value v = arith::AddFOp::create(b, loc, args[0], args[1]);
        return bias ? Value(arith::AddFOp::create(b, loc, v, args[2])) : v;
      });
  if (!sum)
    return failure();
  if (OpContext::rankOf(sum) != rank) {
    c.error() << "skip and bias must broadcast to the input's shape";
    return failure();
  }
  Normalized n = normalize(c, sum, rank - 1, c.floatAttr("epsilon", 1e-5f),
                           /*rms=*/true);
  Value y = scaleAndShift(c, n.normalized, gamma, Value());
  if (!y)
    return failure();
  c.define(0, y);
  if (c.hasOutput(2))
    c.define(2, insertUnitDims(c.b, c.loc, n.invStd, {rank - 1}, rank));
  c.define(3, sum);
  return success();
}

} // namespace

void registerNormalizationOps(OpImporterTable &table) {
  table.add("", "LayerNormalization", 17, kMaxOnnxOpset,
            importLayerNormalization);
  table.add("", "SimplifiedLayerNormalization", 1, kAnyOpset,
            importSimplifiedLayerNormalization);
  table.add("com.microsoft", "SimplifiedLayerNormalization", 1, 1,
            importSimplifiedLayerNormalization);
  table.add("com.microsoft", "SkipSimplifiedLayerNormalization", 1, 1,
            importSkipSimplifiedLayerNormalization);
}

} // namespace moe::onnx_import
