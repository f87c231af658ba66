//===- DecomposedMoERouting.cpp - Softmax/TopK routing to moe.route -------===//
//
// Recognises, anchored at each TopK over router scores:
//   TopK(Softmax(logits)) [-> Div(values, ReduceSum(values))] [-> Mul(c)]
//   TopK(Sigmoid(logits)) [-> Div(values, ReduceSum(values))] [-> Mul(c)]
//   Softmax(TopK(logits).values)            (= renormalised softmax)
// Every check names what differs, so a near miss gets a precise remark.
//
//===----------------------------------------------------------------------===//

#include "DecomposedMoE.h"

#include "llvm/Support/FormatVariadic.h"

#include <cstdio>

using namespace mlir;

namespace moe::onnx_import {
namespace {

/// The default axis of Softmax: 1 before opset 13 (with flattening), -1
/// after.
int64_t softmaxAxis(const ONNXGraphView &view, const onnx::NodeProto &node) {
  return intAttribute(node, "axis", view.opset < 13 ? 1 : -1);
}

/// Whether a Softmax at `index` normalises over the last axis of its input.
bool isExpertAxisSoftmax(const ONNXGraphView &view, int index,
                         MatchRemarks &remarks) {
  const onnx::NodeProto &node = view.node(index);
  int64_t axis = softmaxAxis(view, node);
  if (isLastAxis(axis, view.rank(node.input(0))))
    return true;
  remarks.nearMiss(index, llvm::formatv("Softmax over axis {0}, not the "
                                        "expert axis (the last one)",
                                        axis));
  return false;
}

/// Follows renormalisation and scaling of `route.weights`; false (after a
/// remark) when they are there but differ from moe.route's semantics.
bool matchWeightPostprocessing(const ONNXGraphView &view, RouteMatch &route,
                               bool canRenormalise, MatchRemarks &remarks) {
  ArrayRef<int> users = view.users(route.weights);
  for (int user : users) {
    const onnx::NodeProto &div = view.node(user);
    if (div.op_type() != "Div" || div.input(0) != route.weights)
      continue;
    if (!canRenormalise) {
      remarks.nearMiss(user, "the Softmax over the top-k values already "
                             "sums to one; a further Div changes them");
      return false;
    }
    std::string divisor = div.input(1);
    std::optional<double> epsilon;
    int addIndex = -1;
    if (const onnx::NodeProto *add = view.def(divisor, "Add", &addIndex)) {
      for (int i = 0; i < 2; ++i)
        if (auto c = view.scalar(add->input(i))) {
          epsilon = *c;
          divisor = add->input(1 - i);
        }
    }
    int sumIndex = -1;
    const onnx::NodeProto *sum = view.def(divisor, "ReduceSum", &sumIndex);
    if (!sum || sum->input(0) != route.weights) {
      remarks.nearMiss(user, "TopK weights are not renormalised by their "
                             "own sum (the Div's divisor is not a ReduceSum "
                             "of the top-k values)");
      return false;
    }
    auto axes = reductionAxes(view, *sum);
    int64_t rank = view.rank(route.weights);
    if (!axes || axes->size() != 1 || !isLastAxis((*axes)[0], rank) ||
        intAttribute(*sum, "keepdims", 1) != 1) {
      remarks.nearMiss(sumIndex, "the renormalising ReduceSum is not over "
                                 "the k axis with keepdims = 1");
      return false;
    }
    if (epsilon) {
      char text[32];
      std::snprintf(text, sizeof(text), "%g", *epsilon);
      remarks.nearMiss(addIndex, llvm::Twine("renormalisation adds epsilon ") +
                                     text +
                                     "; moe.route divides by the plain sum");
      return false;
    }
    route.normalize = true;
    route.nodes.append({user, sumIndex});
    route.weights = div.output(0);
    break;
  }
  // A constant factor on every weight is moe.route's scale.
  users = view.users(route.weights);
  if (users.size() == 1 && !view.isGraphOutput(route.weights)) {
    const onnx::NodeProto &mul = view.node(users[0]);
    if (mul.op_type() == "Mul") {
      std::string other =
          mul.input(0) == route.weights ? mul.input(1) : mul.input(0);
      std::optional<double> scale = view.scalar(other);
      if (scale && *scale > 0.0) {
        route.scale = *scale;
        route.nodes.push_back(users[0]);
        route.weights = mul.output(0);
      }
    }
  }
  return true;
}

std::optional<RouteMatch> matchRouting(const ONNXGraphView &view, int topk,
                                       MatchRemarks &remarks) {
  const onnx::NodeProto &node = view.node(topk);
  if (node.output_size() < 2)
    return std::nullopt;
  RouteMatch route;
  route.nodes.push_back(topk);
  route.ids = node.output(1);
  route.weights = node.output(0);

  std::optional<double> k;
  if (view.opset < 10)
    k = intAttribute(node, "k", -1);
  else if (node.input_size() > 1)
    k = view.scalar(node.input(1));
  if (!k || *k < 1) {
    remarks.nearMiss(topk, "TopK's k is not a positive constant");
    return std::nullopt;
  }
  route.k = static_cast<int64_t>(*k);
  int64_t axis = intAttribute(node, "axis", -1);
  if (!isLastAxis(axis, view.rank(node.input(0)))) {
    remarks.nearMiss(topk, llvm::formatv("TopK over axis {0}, not the expert "
                                         "axis (the last one)",
                                         axis));
    return std::nullopt;
  }
  if (intAttribute(node, "largest", 1) != 1) {
    remarks.nearMiss(topk, "TopK selects the smallest scores (largest = 0)");
    return std::nullopt;
  }
  if (intAttribute(node, "sorted", 1) != 1) {
    remarks.nearMiss(topk, "TopK leaves the k experts unsorted (sorted = 0)");
    return std::nullopt;
  }

  int scoreIndex = -1;
  if (view.def(node.input(0), "Softmax", &scoreIndex)) {
    if (!isExpertAxisSoftmax(view, scoreIndex, remarks))
      return std::nullopt;
    route.scoring = Scoring::softmax;
  } else if (view.def(node.input(0), "Sigmoid", &scoreIndex)) {
    route.scoring = Scoring::sigmoid;
  }
  if (scoreIndex >= 0) {
    route.logits = view.node(scoreIndex).input(0);
    route.nodes.push_back(scoreIndex);
    if (!matchWeightPostprocessing(view, route, /*canRenormalise=*/true,
                                   remarks))
      return std::nullopt;
  } else {
    // Top k of the logits, then a softmax over the k values: the
    // renormalised softmax of the k best.
    route.logits = node.input(0);
    int softmax = -1;
    for (int user : view.users(route.weights))
      if (view.node(user).op_type() == "Softmax" &&
          view.node(user).input(0) == route.weights)
        softmax = user;
    if (softmax < 0) {
      remarks.nearMiss(topk, "TopK's input is not a Softmax or Sigmoid of "
                             "router logits, and its values are not "
                             "Softmax-ed");
      return std::nullopt;
    }
    if (!isExpertAxisSoftmax(view, softmax, remarks))
      return std::nullopt;
    route.scoring = Scoring::softmax;
    route.normalize = true;
    route.nodes.push_back(softmax);
    route.weights = view.node(softmax).output(0);
    if (!matchWeightPostprocessing(view, route, /*canRenormalise=*/false,
                                   remarks))
      return std::nullopt;
  }
  int64_t numExperts = view.lastDim(route.logits);
  if (numExperts > 0 && route.k > numExperts) {
    remarks.nearMiss(topk, llvm::formatv("TopK's k = {0} exceeds the {1} "
                                         "experts",
                                         route.k, numExperts));
    return std::nullopt;
  }
  return route;
}

} // namespace

std::vector<RouteMatch> matchRoutings(const ONNXGraphView &view,
                                      MatchRemarks &remarks) {
  std::vector<RouteMatch> routes;
  for (int i = 0, e = view.numNodes(); i < e; ++i)
    if (view.def(view.node(i).output_size() ? view.node(i).output(0) : "",
                 "TopK"))
      if (auto route = matchRouting(view, i, remarks))
        routes.push_back(std::move(*route));
  return routes;
}

} // namespace moe::onnx_import
