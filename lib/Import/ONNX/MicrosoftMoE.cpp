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
};

LogicalResult readAttributes(GraphImporter &graph, const onnx::NodeProto &node,
                             int index, MoEAttributes &attrs) {
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
    else {
      graph.nodeError(node, index) << "unknown attribute '" << name << "'";
      return failure();
    }
  }
  return success();
}

} // namespace

LogicalResult importMicrosoftMoE(GraphImporter &graph,
                                 const onnx::NodeProto &node, int index) {
  OpBuilder &b = graph.builder;
  Location loc = graph.nodeLoc(node, index);
  MoEAttributes attrs;
  if (failed(readAttributes(graph, node, index, attrs)))
    return failure();
  if (node.input_size() < 5 || node.output_size() < 1) {
    graph.nodeError(node, index)
        << "expects at least 5 inputs (input, router_probs, "
           "fc1_experts_weights, fc1_experts_bias, fc2_experts_weights) and "
           "1 output, got "
        << node.input_size() << " and " << node.output_size();
    return failure();
  }
  bool missing = false;
  Value input = graph.optionalInput(node, index, 0, missing);
  Value router = graph.optionalInput(node, index, 1, missing);
  Value fc1 = graph.optionalInput(node, index, 2, missing);
  Value fc1Bias = graph.optionalInput(node, index, 3, missing);
  Value fc2 = graph.optionalInput(node, index, 4, missing);
  Value fc2Bias = graph.optionalInput(node, index, 5, missing);
  Value fc3 = graph.optionalInput(node, index, 6, missing);
  Value fc3Bias = graph.optionalInput(node, index, 7, missing);
  if (missing)
    return failure();
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
  if (fc1Type.getDimSize(1) == hidden &&
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

} // namespace moe::onnx_import
