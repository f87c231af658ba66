//===- DecomposedMoERouting.cpp - Softmax/TopK routing to moe.route -------===//
//
// Recognises, anchored at each TopK over router scores:
//   TopK(Softmax(logits)) [-> Div(values, ReduceSum(values) [+ eps])]
//   TopK(Sigmoid(logits)) [-> the same]
//   Softmax(TopK(logits).values)            (= renormalised softmax)
//   TopK([group mask of] Sigmoid(logits) + bias).indices, weights
//     GatherElements(Sigmoid(logits), ids) [-> renormalised]  (DeepSeek-V3)
// each optionally followed by Mul(weights, c) (moe.route's scale).
// Every check names what differs, so a near miss gets a precise remark.
//
//===----------------------------------------------------------------------===//

#include "DecomposedMoE.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>
#include <string>

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
    if (div.op_type() != "Div" || div.input_size() != 2 ||
        div.input(0) != route.weights)
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
    int maxIndex = -1;
    if (view.def(divisor, "Max", &maxIndex)) {
      remarks.nearMiss(maxIndex, "renormalisation clamps the sum with Max; "
                                 "moe.route divides by the sum plus epsilon");
      return false;
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
      if (!std::isfinite(*epsilon) || *epsilon < 0.0) {
        char text[32];
        std::snprintf(text, sizeof(text), "%g", *epsilon);
        remarks.nearMiss(addIndex, llvm::Twine("renormalisation adds ") + text +
                                       "; moe.route's epsilon is a finite "
                                       "non-negative number");
        return false;
      }
      route.epsilon = *epsilon;
      route.nodes.push_back(addIndex);
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
    if (mul.op_type() == "Mul" && mul.input_size() == 2) {
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

/// A TopK with constant k over the last axis, largest first: its k.
std::optional<int64_t> topkOverLastAxis(const ONNXGraphView &view,
                                        const onnx::NodeProto &node) {
  std::optional<int64_t> k =
      node.input_size() > 1 ? view.intScalar(node.input(1)) : std::nullopt;
  if (!k || intAttribute(node, "largest", 1) != 1 ||
      !isLastAxis(intAttribute(node, "axis", -1), view.rank(node.input(0))))
    return std::nullopt;
  return *k;
}

/// The constant ints of `name`, or empty.
SmallVector<int64_t> constantInts(const ONNXGraphView &view, StringRef name) {
  return view.constantInts(name).value_or(SmallVector<int64_t>());
}

/// DeepSeek-V3's group limit on the biased scores `choice` ([T, E]), as a
/// mask of the experts of the topk_group best groups:
///   grouped = Reshape(choice, [-1, G, S])
///   gscore  = ReduceSum(TopK(grouped, 2).values, last axis, keepdims 0)
///   gmask   = ScatterElements(zeros, TopK(gscore, M).indices, ones, 1)
///   mask    = Reshape(Expand(Unsqueeze(gmask, -1), [.., .., S]), [-1, E])
/// Returns `choice`'s name, or empty (with `why`) when `mask` is not that.
std::string matchGroupMask(const ONNXGraphView &view, StringRef mask,
                           RouteMatch &route, std::string &why) {
  int index = -1;
  SmallVector<int> nodes;
  auto node = [&](StringRef name, StringRef op) {
    const onnx::NodeProto *n = view.def(name, op, &index);
    if (n)
      nodes.push_back(index);
    return n;
  };
  if (const onnx::NodeProto *cast = node(mask, "Cast"))
    mask = cast->input(0);
  const onnx::NodeProto *flat = node(mask, "Reshape");
  const onnx::NodeProto *expand =
      flat ? node(flat->input(0), "Expand") : nullptr;
  const onnx::NodeProto *unsq =
      expand ? node(expand->input(0), "Unsqueeze") : nullptr;
  const onnx::NodeProto *scatter =
      unsq ? node(unsq->input(0), "ScatterElements") : nullptr;
  if (!scatter || scatter->input_size() < 3) {
    why = "the selection mask is not a group mask "
          "(Reshape(Expand(Unsqueeze(ScatterElements(...)))))";
    return "";
  }
  const onnx::NodeProto *groupTopk = node(scatter->input(1), "TopK");
  std::optional<int64_t> topkGroup =
      groupTopk ? topkOverLastAxis(view, *groupTopk) : std::nullopt;
  int64_t axis = intAttribute(*scatter, "axis", 0);
  if (!topkGroup || groupTopk->output(1) != scatter->input(1) ||
      (axis != 1 && axis != -1) ||
      !isFilled(view, scatter->input(2), 1.0, nodes) ||
      !isFilled(view, scatter->input(0), 0.0, nodes)) {
    why = "the group mask is not ones scattered into zeros at the top "
          "topk_group group indices";
    return "";
  }
  const onnx::NodeProto *sum = node(groupTopk->input(0), "ReduceSum");
  auto axes = sum ? reductionAxes(view, *sum) : std::nullopt;
  const onnx::NodeProto *top2 = sum ? node(sum->input(0), "TopK") : nullptr;
  if (!top2 || !axes || axes->size() != 1 ||
      ((*axes)[0] != -1 && (*axes)[0] != 2) ||
      intAttribute(*sum, "keepdims", 1) != 0 ||
      topkOverLastAxis(view, *top2) != 2 || top2->output(0) != sum->input(0)) {
    why = "a group's score is not the sum of its two best expert scores "
          "(ReduceSum(TopK(2).values, last axis, keepdims 0))";
    return "";
  }
  const onnx::NodeProto *grouped = node(top2->input(0), "Reshape");
  SmallVector<int64_t> groupShape =
      grouped ? constantInts(view, grouped->input(1)) : SmallVector<int64_t>();
  if (groupShape.size() != 3 || groupShape[1] < 1 || groupShape[2] < 1 ||
      (groupShape[0] != -1 && groupShape[0] != 0)) {
    why = "the scores are not reshaped into constant [-1, G, E/G] groups";
    return "";
  }
  int64_t numGroups = groupShape[1], perGroup = groupShape[2];
  SmallVector<int64_t> expandShape = constantInts(view, expand->input(1));
  SmallVector<int64_t> flatShape = constantInts(view, flat->input(1));
  SmallVector<int64_t> unsqAxes =
      unsq->input_size() > 1
          ? constantInts(view, unsq->input(1))
          : intsAttribute(*unsq, "axes").value_or(SmallVector<int64_t>());
  if (expandShape.size() != 3 || expandShape[2] != perGroup ||
      flatShape.size() != 2 || flatShape[1] != numGroups * perGroup ||
      unsqAxes.size() != 1 || (unsqAxes[0] != -1 && unsqAxes[0] != 2)) {
    why = "the group mask is not broadcast to the E/G experts of each group";
    return "";
  }
  route.nGroup = numGroups;
  route.topkGroup = *topkGroup;
  route.nodes.append(nodes);
  return grouped->input(0);
}

/// Selection on Sigmoid(logits) + bias (DeepSeek-V3), optionally limited to
/// groups, with the weights gathered from the unbiased scores. Returns
/// false when `topk` does not select on biased scores; `failed` is set
/// (after a remark) when it does but differs.
bool matchBiasedSelection(const ONNXGraphView &view, int topk,
                          RouteMatch &route, MatchRemarks &remarks,
                          bool &failed) {
  const onnx::NodeProto &node = view.node(topk);
  std::string choice = node.input(0);
  int maskIndex = -1;
  std::optional<double> fill;
  std::string maskName;
  if (const onnx::NodeProto *where = view.def(choice, "Where", &maskIndex)) {
    fill = view.scalar(where->input(2));
    maskName = where->input(0);
    choice = where->input(1);
  } else if (const onnx::NodeProto *mul = view.def(choice, "Mul", &maskIndex)) {
    fill = 0.0;
    maskName = mul->input(1);
    choice = mul->input(0);
    if (!view.def(choice, "Add")) {
      std::swap(maskName, choice);
    }
  }
  int addIndex = -1, sigmoidIndex = -1;
  const onnx::NodeProto *add = view.def(choice, "Add", &addIndex);
  const onnx::NodeProto *sigmoid = nullptr;
  std::string bias;
  for (int i = 0; add && i < 2 && !sigmoid; ++i)
    if ((sigmoid = view.def(add->input(i), "Sigmoid", &sigmoidIndex)))
      bias = add->input(1 - i);
  if (!sigmoid)
    return false;
  failed = true;
  const onnx::TensorProto *biasTensor = view.initializer(bias);
  if (!biasTensor || biasTensor->dims_size() != 1) {
    remarks.nearMiss(addIndex, "the correction bias '" + bias +
                                   "' is not a constant [E] initializer");
    return true;
  }
  route.bias = bias;
  route.logits = sigmoid->input(0);
  route.scoring = Scoring::sigmoid;
  route.nodes.append({addIndex, sigmoidIndex});
  if (maskIndex >= 0) {
    std::string why;
    std::string grouped = matchGroupMask(view, maskName, route, why);
    if (grouped.empty() || grouped != choice) {
      remarks.nearMiss(maskIndex, why.empty() ? "the group mask is computed "
                                                "from other scores than the "
                                                "selection's"
                                              : why);
      return true;
    }
    // Masked experts must rank below every kept one; moe.route drops them
    // to -inf, a biased sigmoid score is above min(bias).
    auto biasValues = view.constant(bias, int64_t(1) << 20);
    double minBias = biasValues && !biasValues->empty()
                         ? *llvm::min_element(*biasValues)
                         : -INFINITY;
    if (!fill || !(*fill <= minBias)) {
      char text[160];
      std::snprintf(text, sizeof(text),
                    "%g, which can outrank kept experts "
                    "(the smallest bias is %g)",
                    fill.value_or(NAN), minBias);
      remarks.nearMiss(maskIndex,
                       llvm::Twine("experts of dropped groups score ") + text);
      return true;
    }
    route.nodes.push_back(maskIndex);
  }
  // The weights are the unbiased scores of the chosen experts.
  int gatherIndex = -1;
  for (int user : view.users(route.ids)) {
    const onnx::NodeProto &g = view.node(user);
    if (g.op_type() == "GatherElements" && g.input_size() == 2 &&
        g.input(1) == route.ids && g.input(0) == sigmoid->output(0) &&
        isLastAxis(intAttribute(g, "axis", 0), view.rank(g.input(0))))
      gatherIndex = user;
  }
  if (gatherIndex < 0) {
    remarks.nearMiss(topk, "the weights of a biased selection are not "
                           "gathered from the unbiased scores "
                           "(GatherElements(Sigmoid(logits), ids, last axis))");
    return true;
  }
  route.nodes.push_back(gatherIndex);
  route.weights = view.node(gatherIndex).output(0);
  failed =
      !matchWeightPostprocessing(view, route, /*canRenormalise=*/true, remarks);
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

  std::optional<int64_t> k;
  if (view.opset < 10)
    k = intAttribute(node, "k", -1);
  else if (node.input_size() > 1)
    k = view.intScalar(node.input(1));
  if (!k || *k < 1) {
    remarks.nearMiss(topk, "TopK's k is not a positive constant");
    return std::nullopt;
  }
  route.k = *k;
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
  // sorted = 0 leaves the order open; moe.route's descending order is one.

  bool failed = false;
  if (matchBiasedSelection(view, topk, route, remarks, failed)) {
    if (failed)
      return std::nullopt;
    return route;
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
  // A grouped routing has TopKs inside it; their own failures to be a
  // routing are no near misses.
  std::vector<RouteMatch> routes;
  remarks.hold();
  for (int i = 0, e = view.numNodes(); i < e; ++i)
    if (view.def(view.node(i).output_size() ? view.node(i).output(0) : "",
                 "TopK"))
      if (auto route = matchRouting(view, i, remarks))
        routes.push_back(std::move(*route));
  llvm::DenseSet<int> matched;
  for (const RouteMatch &route : routes)
    matched.insert(route.nodes.begin(), route.nodes.end());
  remarks.flush([&](int node) { return matched.contains(node); });
  return routes;
}

} // namespace moe::onnx_import
