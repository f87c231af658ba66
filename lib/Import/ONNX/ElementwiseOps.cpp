//===- ElementwiseOps.cpp - ONNX element-wise ops to linalg.generic -------===//
//
// Unary, binary and ternary element-wise ops with numpy multidirectional
// broadcasting, as one linalg.generic each whose body is arith/math on the
// scalars: arithmetic, comparisons, logic, Max/Min (variadic), Where, Clip,
// Cast, activations
// and Gelu (opset 20, exact and tanh forms).
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

#include <limits>

using namespace mlir;

namespace moe::onnx_import {
namespace {

Type elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

/// Fails (after an error) unless `value` has a float element type.
LogicalResult expectFloat(OpContext &c, Value value, StringRef what) {
  if (isFloat(elementTypeOf(value)))
    return success();
  c.error() << what << " must have a floating-point element type, got "
            << elementTypeOf(value);
  return failure();
}

LogicalResult expectSameElementType(OpContext &c, ValueRange values) {
  for (Value v : values.drop_front())
    if (elementTypeOf(v) != elementTypeOf(values.front())) {
      c.error() << "operands must have the same element type, got "
                << elementTypeOf(values.front()) << " and " << elementTypeOf(v);
      return failure();
    }
  return success();
}

LogicalResult finish(OpContext &c, Value result) {
  if (!result)
    return failure();
  c.define(0, result);
  return success();
}

/// Gelu(x) = x/2 (1 + erf(x/sqrt 2)), or with `tanh`:
/// x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
Value buildGelu(OpBuilder &b, Location loc, Value x, bool tanhForm) {
  Type t = x.getType();
  Value half = scalarConstant(b, loc, t, 0.5);
  Value one = scalarConstant(b, loc, t, 1.0);
  Value inner;
  if (tanhForm) {
    Value cube =
        arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x), x);
    Value poly = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, scalarConstant(b, loc, t, 0.044715),
                              cube));
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(
            b, loc, scalarConstant(b, loc, t, std::sqrt(2.0 / M_PI)), poly));
  } else {
    inner = math::ErfOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, x, scalarConstant(b, loc, t, M_SQRT1_2)));
  }
  return arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, half, x),
                               arith::AddFOp::create(b, loc, one, inner));
}

LogicalResult importUnary(OpContext &c) {
  StringRef op = c.node.op_type();
  SmallVector<StringRef> attrs;
  if (op == "Gelu")
    attrs.push_back("approximate");
  if (failed(c.checkArity(1, 1)) || failed(c.checkAttributes(attrs)))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  Type t = elementTypeOf(x);
  bool floatOnly = op == "Sqrt" || op == "Reciprocal" || op == "Exp" ||
                   op == "Log" || op == "Erf" || op == "Tanh" ||
                   op == "Sigmoid" || op == "Gelu";
  if (floatOnly && failed(expectFloat(c, x, "the input")))
    return failure();
  if (t.isInteger(1) && op != "Not") {
    c.error() << "does not take bool tensors";
    return failure();
  }
  if (op == "Not" && !t.isInteger(1)) {
    c.error() << "the input must be a bool tensor, got " << t;
    return failure();
  }
  bool tanhForm = false;
  if (op == "Gelu") {
    std::string approximate = c.stringAttr("approximate", "none");
    if (approximate != "none" && approximate != "tanh") {
      c.error() << "approximate = '" << approximate
                << "' must be 'none' or 'tanh'";
      return failure();
    }
    tanhForm = approximate == "tanh";
  }
  bool fp = isFloat(t);
  Value result = mapElementwise(
      c, x, t, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value v = args[0];
        if (op == "Sqrt")
          return math::SqrtOp::create(b, loc, v);
        if (op == "Exp")
          return math::ExpOp::create(b, loc, v);
        if (op == "Log")
          return math::LogOp::create(b, loc, v);
        if (op == "Erf")
          return math::ErfOp::create(b, loc, v);
        if (op == "Tanh")
          return math::TanhOp::create(b, loc, v);
        if (op == "Reciprocal")
          return arith::DivFOp::create(b, loc, scalarConstant(b, loc, t, 1.0),
                                       v);
        if (op == "Sigmoid") {
          Value e =
              math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
          Value one = scalarConstant(b, loc, t, 1.0);
          return arith::DivFOp::create(b, loc, one,
                                       arith::AddFOp::create(b, loc, one, e));
        }
        if (op == "Gelu")
          return buildGelu(b, loc, v, tanhForm);
        if (op == "Not")
          return arith::XOrIOp::create(b, loc, v,
                                       scalarConstant(b, loc, t, 1.0));
        if (op == "Neg")
          return fp ? Value(arith::NegFOp::create(b, loc, v))
                    : Value(arith::SubIOp::create(
                          b, loc, scalarConstant(b, loc, t, 0.0), v));
        if (op == "Abs")
          // max(x, -x): math.absi has no lowering to LLVM.
          return fp ? Value(math::AbsFOp::create(b, loc, v))
                    : Value(arith::MaxSIOp::create(
                          b, loc, v,
                          arith::SubIOp::create(
                              b, loc, scalarConstant(b, loc, t, 0.0), v)));
        // Relu.
        Value zero = scalarConstant(b, loc, t, 0.0);
        return fp ? Value(arith::MaximumFOp::create(b, loc, v, zero))
                  : Value(arith::MaxSIOp::create(b, loc, v, zero));
      });
  return finish(c, result);
}

LogicalResult importBinary(OpContext &c) {
  StringRef op = c.node.op_type();
  if (failed(c.checkArity(2, 2)) || failed(c.checkAttributes({})))
    return failure();
  Value lhs = c.input(0), rhs = c.input(1);
  if (!lhs || !rhs)
    return failure();
  Type t = elementTypeOf(lhs);
  bool logic = op == "And" || op == "Or" || op == "Xor";
  bool compare = op == "Equal" || op == "Less" || op == "Greater" ||
                 op == "LessOrEqual" || op == "GreaterOrEqual";
  if (op == "Pow") {
    if (failed(expectFloat(c, lhs, "the base")))
      return failure();
    if (elementTypeOf(rhs).isInteger(1)) {
      c.error() << "the exponent must be numeric, got i1";
      return failure();
    }
  } else if (failed(expectSameElementType(c, {lhs, rhs}))) {
    return failure();
  }
  if (logic && !t.isInteger(1)) {
    c.error() << "the inputs must be bool tensors, got " << t;
    return failure();
  }
  if (!logic && t.isInteger(1) && op != "Equal") {
    c.error() << "does not take bool tensors";
    return failure();
  }
  bool fp = isFloat(t);
  Type resultType = compare ? c.b.getI1Type() : t;
  Value result = mapElementwise(
      c, {lhs, rhs}, resultType,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value x = args[0], y = args[1];
        if (op == "Add")
          return fp ? Value(arith::AddFOp::create(b, loc, x, y))
                    : Value(arith::AddIOp::create(b, loc, x, y));
        if (op == "Sub")
          return fp ? Value(arith::SubFOp::create(b, loc, x, y))
                    : Value(arith::SubIOp::create(b, loc, x, y));
        if (op == "Mul")
          return fp ? Value(arith::MulFOp::create(b, loc, x, y))
                    : Value(arith::MulIOp::create(b, loc, x, y));
        if (op == "Div")
          return fp ? Value(arith::DivFOp::create(b, loc, x, y))
                    : Value(arith::DivSIOp::create(b, loc, x, y));
        if (op == "Pow")
          return math::PowFOp::create(b, loc, x, convertScalar(b, loc, y, t));
        if (op == "And")
          return arith::AndIOp::create(b, loc, x, y);
        if (op == "Or")
          return arith::OrIOp::create(b, loc, x, y);
        if (op == "Xor")
          return arith::XOrIOp::create(b, loc, x, y);
        if (fp) {
          arith::CmpFPredicate pred =
              op == "Equal"         ? arith::CmpFPredicate::OEQ
              : op == "Less"        ? arith::CmpFPredicate::OLT
              : op == "Greater"     ? arith::CmpFPredicate::OGT
              : op == "LessOrEqual" ? arith::CmpFPredicate::OLE
                                    : arith::CmpFPredicate::OGE;
          return arith::CmpFOp::create(b, loc, pred, x, y);
        }
        arith::CmpIPredicate pred =
            op == "Equal"         ? arith::CmpIPredicate::eq
            : op == "Less"        ? arith::CmpIPredicate::slt
            : op == "Greater"     ? arith::CmpIPredicate::sgt
            : op == "LessOrEqual" ? arith::CmpIPredicate::sle
                                  : arith::CmpIPredicate::sge;
        return arith::CmpIOp::create(b, loc, pred, x, y);
      });
  return finish(c, result);
}

/// Max and Min: one or more inputs, broadcast together.
LogicalResult importMaxMin(OpContext &c) {
  bool isMax = c.node.op_type() == "Max";
  if (failed(c.checkArity(1, std::numeric_limits<int>::max())) ||
      failed(c.checkAttributes({})))
    return failure();
  SmallVector<Value> operands;
  for (int i = 0; i < c.numInputs(); ++i) {
    Value v = c.input(i);
    if (!v)
      return failure();
    operands.push_back(v);
  }
  if (failed(expectSameElementType(c, operands)))
    return failure();
  Type t = elementTypeOf(operands.front());
  if (t.isInteger(1)) {
    c.error() << "does not take bool tensors";
    return failure();
  }
  bool fp = isFloat(t);
  return finish(
      c,
      mapElementwise(
          c, operands, t,
          [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
            Value v = args[0];
            // NaN-propagating, as ONNX Runtime's Max and Min are.
            for (Value next : args.drop_front())
              v = fp ? (isMax
                            ? Value(arith::MaximumFOp::create(b, loc, v, next))
                            : Value(arith::MinimumFOp::create(b, loc, v, next)))
                     : (isMax ? Value(arith::MaxSIOp::create(b, loc, v, next))
                              : Value(arith::MinSIOp::create(b, loc, v, next)));
            return v;
          }));
}

LogicalResult importWhere(OpContext &c) {
  if (failed(c.checkArity(3, 3)) || failed(c.checkAttributes({})))
    return failure();
  Value cond = c.input(0), x = c.input(1), y = c.input(2);
  if (!cond || !x || !y)
    return failure();
  if (!elementTypeOf(cond).isInteger(1)) {
    c.error() << "the condition must be a bool tensor, got "
              << elementTypeOf(cond);
    return failure();
  }
  if (failed(expectSameElementType(c, {x, y})))
    return failure();
  return finish(c, mapElementwise(c, {cond, x, y}, elementTypeOf(x),
                                  [](OpBuilder &b, Location loc,
                                     ValueRange args) -> Value {
                                    return arith::SelectOp::create(
                                        b, loc, args[0], args[1], args[2]);
                                  }));
}

LogicalResult importClip(OpContext &c) {
  if (failed(c.checkArity(1, 3)) || failed(c.checkAttributes({})))
    return failure();
  bool missing = false;
  Value x = c.input(0);
  Value lo = c.optionalInput(1, missing);
  Value hi = c.optionalInput(2, missing);
  if (!x || missing)
    return failure();
  Type t = elementTypeOf(x);
  if (t.isInteger(1)) {
    c.error() << "does not take bool tensors";
    return failure();
  }
  SmallVector<Value> operands = {x};
  for (Value bound : {lo, hi}) {
    if (!bound)
      continue;
    if (OpContext::rankOf(bound) != 0 &&
        cast<RankedTensorType>(bound.getType()).getNumElements() != 1) {
      c.error() << "min and max must be scalars, got " << bound.getType();
      return failure();
    }
    operands.push_back(bound);
  }
  if (failed(expectSameElementType(c, operands)))
    return failure();
  bool fp = isFloat(t);
  return finish(
      c,
      mapElementwise(c, operands, t,
                     [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                       Value v = args[0];
                       unsigned next = 1;
                       if (lo) {
                         Value m = args[next++];
                         v = fp ? Value(arith::MaximumFOp::create(b, loc, v, m))
                                : Value(arith::MaxSIOp::create(b, loc, v, m));
                       }
                       if (hi) {
                         Value m = args[next++];
                         v = fp ? Value(arith::MinimumFOp::create(b, loc, v, m))
                                : Value(arith::MinSIOp::create(b, loc, v, m));
                       }
                       return v;
                     }));
}

LogicalResult importCast(OpContext &c) {
  if (failed(c.checkArity(1, 1)) ||
      failed(c.checkAttributes({"to", "saturate"})))
    return failure();
  Value x = c.input(0);
  if (!x)
    return failure();
  const onnx::AttributeProto *to = c.attribute("to");
  if (!to) {
    c.error() << "attribute 'to' is required";
    return failure();
  }
  Type target = convertElementType(c.b.getContext(), to->i());
  if (!target) {
    c.error() << "to = " << to->i()
              << " is not a supported element type (float, float16, "
                 "bfloat16, double, int8, uint8, int32, int64, bool)";
    return failure();
  }
  // uint8 and int8 are both i8: the graph's types say which it is.
  bool fromUnsigned = c.graph.unsignedValues.contains(c.node.input(0));
  bool toUnsigned = to->i() == onnx::TensorProto::UINT8;
  if (toUnsigned)
    c.graph.unsignedValues.insert(c.node.output(0));
  // A cast to the same type is the value itself (and stays a constant
  // where it is one, e.g. Cast(Shape(x)) to int64).
  if (elementTypeOf(x) == target && fromUnsigned == toUnsigned)
    return finish(c, x);
  if (target.isSignlessInteger() && !target.isInteger(1) && !fromUnsigned &&
      !toUnsigned)
    if (std::optional<SmallVector<int64_t>> ints = foldableIntegers(x))
      return finish(
          c, integerConstant(c.b, c.loc,
                             cast<RankedTensorType>(x.getType()).clone(target),
                             *ints));
  return finish(
      c,
      mapElementwise(c, x, target,
                     [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                       return convertScalar(b, loc, args[0], target,
                                            fromUnsigned, toUnsigned);
                     }));
}

} // namespace

void registerElementwiseOps(OpImporterTable &table) {
  for (StringRef op : {"Sqrt", "Reciprocal", "Neg", "Abs", "Exp", "Log", "Erf",
                       "Tanh", "Relu", "Sigmoid", "Not"})
    table.add("", op, kMinOnnxOpset, kMaxOnnxOpset, importUnary);
  table.add("", "Gelu", 20, kMaxOnnxOpset, importUnary);
  for (StringRef op :
       {"Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater",
        "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"})
    table.add("", op, kMinOnnxOpset, kMaxOnnxOpset, importBinary);
  table.add("", "Max", kMinOnnxOpset, kMaxOnnxOpset, importMaxMin);
  table.add("", "Min", kMinOnnxOpset, kMaxOnnxOpset, importMaxMin);
  table.add("", "Where", kMinOnnxOpset, kMaxOnnxOpset, importWhere);
  table.add("", "Clip", kMinOnnxOpset, kMaxOnnxOpset, importClip);
  table.add("", "Cast", kMinOnnxOpset, kMaxOnnxOpset, importCast);
}

} // namespace moe::onnx_import
