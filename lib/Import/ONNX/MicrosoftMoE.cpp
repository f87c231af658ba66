//===- MicrosoftMoE.cpp - ONNX Runtime's com.microsoft:MoE to moe ops -----===//
//
// The contrib op (opset 1) takes tokens [T, H] or [B, S, H], router logits
// [T, E] and stacked expert weights fc1 [E, f*I, H], fc2 [E, H, I], fc3
// [E, I, H] (legacy models store fc1 as [E, H, f*I]). It becomes
// moe.route (softmax, top k, renormalised or not) -> moe.dispatch ->
// moe.experts -> moe.combine.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "MoEBlock.h"

#include "moe/Dialect/MoE/MoEOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"

#include <optional>

using namespace mlir;

namespace moe::onnx_import {
namespace {

/// Attribute readers with ONNX Runtime's defaults.
struct MoEAttributes {
  int64_t k = 1;
  std::string activation = "relu";
  bool normalize = false;
  bool sparseMixer = false;
  int64_t swigluFusion = 0;
  std::optional<double> swigluLimit;
  double alpha = 1.0, beta = 0.0;
  // com.microsoft:QMoE only.
  int64_t weightBits = 0;
  std::optional<int64_t> blockSize;
  std::string quantType = "int";
};

LogicalResult readAttributes(GraphImporter &graph, const onnx::NodeProto &node,
                             int index, bool quantized, MoEAttributes &attrs) {
  for (const onnx::AttributeProto &attr : node.attribute()) {
    const std::string &name = attr.name();
    if (name == "k")
      attrs.k = attr.i();
    else if (name == "activation_type")
      attrs.activation = attr.s();
    else if (name == "normalize_routing_weights")
      attrs.normalize = attr.i() != 0;
    else if (name == "use_sparse_mixer")
      attrs.sparseMixer = attr.i() != 0;
    else if (name == "swiglu_fusion")
      attrs.swigluFusion = attr.i();
    else if (name == "swiglu_limit")
      attrs.swigluLimit = attr.f();
    else if (name == "activation_alpha")
      attrs.alpha = attr.f();
    else if (name == "activation_beta")
      attrs.beta = attr.f();
    else if (quantized && name == "expert_weight_bits")
      attrs.weightBits = attr.i();
    else if (quantized && name == "block_size")
      attrs.blockSize = attr.i();
    else if (quantized && name == "quant_type")
      attrs.quantType = attr.s();
    else {
      graph.nodeError(node, index) << "unknown attribute '" << name << "'";
      return failure();
    }
  }
  return success();
}

/// The tensors of one MoE node, weights already in floats.
struct MoEOperands {
  Value input, router, fc1, fc1Bias, fc2, fc2Bias, fc3, fc3Bias;
};

/// Everything after reading the node's inputs: checks, activation, routing,
/// dispatch, experts, combine. `legacyLayout` allows fc1 as [E, H, f*I].
LogicalResult buildMoELayer(GraphImporter &graph, const onnx::NodeProto &node,
                            int index, const MoEAttributes &attrs,
                            MoEOperands operands, bool legacyLayout) {
  OpBuilder &b = graph.builder;
  Location loc = graph.nodeLoc(node, index);
  auto [input, router, fc1, fc1Bias, fc2, fc2Bias, fc3, fc3Bias] = operands;
  if (!input || !router || !fc1 || !fc2) {
    graph.nodeError(node, index) << "input, router_probs, fc1_experts_weights "
                                    "and fc2_experts_weights are required";
    return failure();
  }
  if (attrs.sparseMixer) {
    graph.nodeError(node, index)
        << "use_sparse_mixer = 1 (SparseMixer routing) is not supported";
    return failure();
  }

  auto inputType = cast<RankedTensorType>(input.getType());
  auto fc1Type = cast<RankedTensorType>(fc1.getType());
  auto fc2Type = cast<RankedTensorType>(fc2.getType());
  if ((inputType.getRank() != 2 && inputType.getRank() != 3) ||
      fc1Type.getRank() != 3 || fc2Type.getRank() != 3) {
    graph.nodeError(node, index)
        << "expects input [T, H] or [B, S, H] and rank-3 expert weights, got "
        << inputType << ", " << fc1Type << ", " << fc2Type;
    return failure();
  }
  int64_t hidden = inputType.getShape().back();
  int64_t numExperts = fc1Type.getDimSize(0);
  int64_t inter = fc2Type.getDimSize(2);
  if (attrs.k < 1 || attrs.k > numExperts) {
    graph.nodeError(node, index) << "k = " << attrs.k << " must be in [1, "
                                 << numExperts << "] (the number of experts)";
    return failure();
  }

  // Activation: ONNX Runtime's gelu is the tanh approximation; a gated
  // activation (swiglu, or silu with fc3 as Mixtral) becomes moe's swiglu.
  Activation activation = Activation::identity;
  std::optional<GateLayout> layout;
  double alpha = 1.0, beta = 0.0;
  std::optional<double> limit;
  if (attrs.activation == "swiglu" || (attrs.activation == "silu" && fc3)) {
    activation = Activation::swiglu;
    if (attrs.activation == "silu" || attrs.swigluFusion == 0)
      layout = GateLayout::separate;
    else if (attrs.swigluFusion == 1)
      layout = GateLayout::interleaved;
    else if (attrs.swigluFusion == 2)
      layout = GateLayout::concatenated;
    else {
      graph.nodeError(node, index)
          << "swiglu_fusion = " << attrs.swigluFusion << " must be 0, 1 or 2";
      return failure();
    }
    if (attrs.activation == "swiglu") {
      alpha = attrs.alpha;
      beta = attrs.beta;
      limit = attrs.swigluLimit;
    }
    if (*layout == GateLayout::separate && !fc3) {
      graph.nodeError(node, index)
          << "swiglu_fusion = 0 needs fc3_experts_weights for the linear half";
      return failure();
    }
  } else {
    std::optional<Activation> kind;
    if (attrs.activation == "relu")
      kind = Activation::relu;
    else if (attrs.activation == "gelu")
      kind = Activation::gelu_tanh;
    else if (attrs.activation == "silu")
      kind = Activation::silu;
    else if (attrs.activation == "identity")
      kind = Activation::identity;
    if (!kind) {
      graph.nodeError(node, index)
          << "unsupported activation_type '" << attrs.activation
          << "'; supported: relu, gelu, silu, swiglu, identity";
      return failure();
    }
    activation = *kind;
    if (fc3) {
      graph.nodeError(node, index)
          << "fc3_experts_weights with activation_type '" << attrs.activation
          << "' is not supported (only silu and swiglu gate with fc3)";
      return failure();
    }
  }

  // Legacy fc1 layout [E, H, f*I]: transpose to [E, f*I, H].
  int64_t factor = layout && *layout != GateLayout::separate ? 2 : 1;
  if (legacyLayout && fc1Type.getDimSize(1) == hidden &&
      fc1Type.getDimSize(2) == factor * inter && hidden != factor * inter) {
    auto transposedType = RankedTensorType::get(
        {numExperts, factor * inter, hidden}, fc1Type.getElementType());
    Value init = tensor::EmptyOp::create(b, loc, transposedType.getShape(),
                                         transposedType.getElementType());
    fc1 = linalg::TransposeOp::create(b, loc, fc1, init,
                                      ArrayRef<int64_t>{0, 2, 1})
              ->getResult(0);
  }

  Type elementType = inputType.getElementType();
  Value tokens = flattenTokens(b, loc, input);
  Value logits = flattenTokens(b, loc, router);
  auto routeIds =
      RankedTensorType::get({ShapedType::kDynamic, attrs.k}, b.getI32Type());
  auto routeWeights =
      RankedTensorType::get({ShapedType::kDynamic, attrs.k}, elementType);
  auto dynamicLogits = RankedTensorType::get(
      {ShapedType::kDynamic, numExperts},
      cast<RankedTensorType>(logits.getType()).getElementType());
  if (logits.getType() != dynamicLogits)
    logits = tensor::CastOp::create(b, loc, dynamicLogits, logits);
  auto route =
      RouteOp::create(b, loc, routeIds, routeWeights, logits,
                      /*correction_bias=*/Value(), b.getI64IntegerAttr(attrs.k),
                      ScoringAttr::get(b.getContext(), Scoring::softmax),
                      attrs.normalize ? b.getUnitAttr() : UnitAttr(),
                      b.getF64FloatAttr(0.0), b.getF64FloatAttr(1.0),
                      /*n_group=*/IntegerAttr(), /*topk_group=*/IntegerAttr());

  ExpertFFN ffn{fc1,        fc1Bias, fc2,   fc2Bias, fc3,  fc3Bias,
                activation, layout,  alpha, beta,    limit};
  Value output = buildRoutedExperts(b, loc, tokens, route.getIds(),
                                    route.getWeights(), ffn);
  output = restoreTokenShape(b, loc, output, input);
  graph.define(node.output(0), output);
  return success();
}

/// Checks the input and output counts of a MoE/QMoE node.
LogicalResult checkArity(GraphImporter &graph, const onnx::NodeProto &node,
                         int index, int minInputs, int maxInputs,
                         StringRef required) {
  if (node.input_size() >= minInputs && node.input_size() <= maxInputs &&
      node.output_size() >= 1)
    return success();
  graph.nodeError(node, index)
      << "expects " << minInputs << " to " << maxInputs << " inputs ("
      << required << ") and 1 output, got " << node.input_size() << " and "
      << node.output_size();
  return failure();
}

} // namespace

LogicalResult importMicrosoftMoE(GraphImporter &graph,
                                 const onnx::NodeProto &node, int index) {
  MoEAttributes attrs;
  if (failed(readAttributes(graph, node, index, /*quantized=*/false, attrs)) ||
      failed(checkArity(graph, node, index, 5, 8,
                        "input, router_probs, fc1_experts_weights, "
                        "fc1_experts_bias, fc2_experts_weights, ...")))
    return failure();
  bool missing = false;
  MoEOperands operands;
  Value *slots[] = {&operands.input,   &operands.router, &operands.fc1,
                    &operands.fc1Bias, &operands.fc2,    &operands.fc2Bias,
                    &operands.fc3,     &operands.fc3Bias};
  for (auto [position, slot] : llvm::enumerate(slots))
    *slot = graph.optionalInput(node, index, position, missing);
  if (missing)
    return failure();
  return buildMoELayer(graph, node, index, attrs, operands,
                       /*legacyLayout=*/true);
}

/// The floats of one QMoE weight: moe.dequantize of its codes, scales and
/// zero points, kept in the IR so that a target can use the codes.
static Value dequantizeWeights(GraphImporter &graph,
                               const onnx::NodeProto &node, int index,
                               const MoEAttributes &attrs, StringRef name,
                               Value codes, Value scales, Value zeroPoints,
                               Type floatType) {
  OpBuilder &b = graph.builder;
  if (!codes)
    return Value();
  if (!scales) {
    graph.nodeError(node, index) << name << " weights need their scales";
    return Value();
  }
  auto codesType = cast<RankedTensorType>(codes.getType());
  auto scalesType = cast<RankedTensorType>(scales.getType());
  if (codesType.getRank() != 3 || !codesType.getElementType().isInteger(8)) {
    graph.nodeError(node, index)
        << name << " weights must be uint8 [E, N, K / "
        << (attrs.weightBits == 4 ? 2 : 1) << "], got " << codesType;
    return Value();
  }
  if (scalesType.getElementType() != floatType) {
    graph.nodeError(node, index)
        << name << " scales of type " << scalesType.getElementType()
        << " with an input of type " << floatType << " are not supported";
    return Value();
  }
  SmallVector<int64_t> shape(codesType.getShape());
  if (!ShapedType::isDynamic(shape.back()))
    shape.back() *= attrs.weightBits == 4 ? 2 : 1;
  auto op = DequantizeOp::create(
      b, graph.nodeLoc(node, index), RankedTensorType::get(shape, floatType),
      codes, scales, zeroPoints, b.getI64IntegerAttr(attrs.weightBits),
      attrs.blockSize ? b.getI64IntegerAttr(*attrs.blockSize) : IntegerAttr());
  // Shapes are the node's to get right: report the verifier's finding at
  // the node, not as an error on a moe op the user never wrote.
  std::string problem;
  {
    ScopedDiagnosticHandler capture(b.getContext(), [&](Diagnostic &diag) {
      if (problem.empty())
        problem = diag.str();
      return success();
    });
    if (succeeded(mlir::verify(op)))
      return op.getResult();
  }
  op.erase();
  StringRef reason(problem);
  reason.consume_front("'moe.dequantize' op ");
  graph.nodeError(node, index)
      << name << " weights " << codesType << " with scales " << scalesType
      << (zeroPoints ? " and zero points" : "") << " as " << attrs.weightBits
      << "-bit codes: " << reason;
  return Value();
}

LogicalResult importMicrosoftQMoE(GraphImporter &graph,
                                  const onnx::NodeProto &node, int index) {
  MoEAttributes attrs;
  if (failed(readAttributes(graph, node, index, /*quantized=*/true, attrs)) ||
      failed(checkArity(graph, node, index, 7, 14,
                        "input, router_probs, fc1_experts_weights, "
                        "fc1_scales, fc1_experts_bias, fc2_experts_weights, "
                        "fc2_scales, ..., fc3_zero_points")))
    return failure();
  if (attrs.weightBits != 4 && attrs.weightBits != 8) {
    graph.nodeError(node, index) << "expert_weight_bits = " << attrs.weightBits
                                 << " is not supported; supported: 4, 8";
    return failure();
  }
  if (attrs.quantType != "int") {
    graph.nodeError(node, index) << "quant_type '" << attrs.quantType
                                 << "' is not supported; supported: int";
    return failure();
  }
  if (attrs.blockSize && *attrs.blockSize < 16) {
    graph.nodeError(node, index) << "block_size = " << *attrs.blockSize
                                 << " must be at least 16 (ONNX Runtime's "
                                    "limit)";
    return failure();
  }
  bool missing = false;
  Value in[14];
  for (int position = 0; position < 14; ++position)
    in[position] = graph.optionalInput(node, index, position, missing);
  if (missing)
    return failure();
  if (!in[0] || !in[1]) {
    graph.nodeError(node, index) << "input and router_probs are required";
    return failure();
  }
  Type floatType = cast<RankedTensorType>(in[0].getType()).getElementType();
  MoEOperands operands;
  operands.input = in[0];
  operands.router = in[1];
  operands.fc1Bias = in[4];
  operands.fc2Bias = in[7];
  operands.fc3Bias = in[10];
  // Inputs 2/3/11 (fc1), 5/6/12 (fc2), 8/9/13 (fc3): codes, scales, zero
  // points.
  struct Weight {
    const char *name;
    int codes, scales, zeroPoints;
    Value *slot;
  } weights[] = {{"fc1", 2, 3, 11, &operands.fc1},
                 {"fc2", 5, 6, 12, &operands.fc2},
                 {"fc3", 8, 9, 13, &operands.fc3}};
  for (const Weight &w : weights) {
    if (!in[w.codes] && (in[w.scales] || in[w.zeroPoints])) {
      graph.nodeError(node, index)
          << w.name << " scales or zero points without " << w.name
          << " weights";
      return failure();
    }
    *w.slot = dequantizeWeights(graph, node, index, attrs, w.name, in[w.codes],
                                in[w.scales], in[w.zeroPoints], floatType);
    if (in[w.codes] && !*w.slot)
      return failure();
  }
  // QMoE has only the current [E, f*I, H] layout.
  return buildMoELayer(graph, node, index, attrs, operands,
                       /*legacyLayout=*/false);
}

} // namespace moe::onnx_import
