//===- DecomposedMoEGathered.cpp - GPT-OSS style gathered expert weights --===//
//
// gpt-oss's reference MLPBlock, as torch.onnx writes it: per token slot the
// stacked expert weights are gathered by expert id and applied with batched
// MatMuls, the interleaved gate/linear halves are clamped and gated:
//   h    = MatMul(Unsqueeze(x, [-3, -2]), Gather(W1 [E, H, 2I], ids))
//          + Unsqueeze(Gather(b1 [E, 2I], ids), -2)     (or b1 [E, 1, 2I])
//   g, l = Slice(h, 0::2), Slice(h, 1::2)  (interleaved; [0, I), [I, 2I)
//          is the concatenated layout)
//   g    = Clip(g, max = L);  l = Clip(l, -L, L)        (both or neither)
//   a    = g * Sigmoid(alpha * g) * (l + beta)
//   y    = Squeeze(MatMul(a, Gather(W2 [E, I, H], ids)) + bias, -2)
//   out  = ReduceSum(y * Unsqueeze(weights, -1), k axis, keepdims 0)
// That is moe.experts' swiglu with a gate layout, alpha, beta and limit.
//
//===----------------------------------------------------------------------===//

#include "DecomposedMoE.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>

using namespace mlir;

namespace moe::onnx_import {
namespace {

class GatheredMatcher {
public:
  GatheredMatcher(const ONNXGraphView &view, ArrayRef<RouteMatch> routes,
                  std::string &why, int &whereNode)
      : view(view), routes(routes), why(why), whereNode(whereNode) {}

  std::optional<ExpertsMatch> match(int anchor, bool &candidate);

private:
  bool fail(int node, const Twine &message) {
    if (why.empty()) {
      why = message.str();
      whereNode = node;
    }
    return false;
  }
  const onnx::NodeProto *def(StringRef name, StringRef op) {
    int index = -1;
    const onnx::NodeProto *node = view.def(name, op, &index);
    if (node)
      nodes.push_back(index);
    return node;
  }
  /// The constant ints of an Unsqueeze/Squeeze/ReduceSum axes operand or
  /// attribute.
  /// No axes (which a reduction reads as "all") matches no pattern here.
  std::optional<SmallVector<int64_t>> axesOf(const onnx::NodeProto &node) {
    std::optional<SmallVector<int64_t>> axes = reductionAxes(view, node);
    if (!axes || axes->empty())
      return std::nullopt;
    return axes;
  }
  /// Whether `axes` is the single axis `fromEnd` counted from the end of a
  /// rank `rank` tensor (-1 the last); a positive axis needs the rank.
  static bool isAxisFromEnd(ArrayRef<int64_t> axes, int64_t fromEnd,
                            int64_t rank) {
    return axes.size() == 1 &&
           (axes[0] == -fromEnd || (rank > 0 && axes[0] == rank - fromEnd));
  }
  /// Gather(W, ids, axis 0) of an initializer W of rank `rank`: W's name.
  std::string gatheredWeight(StringRef name, int64_t rank);
  /// Gather(b [E, n], ids) unsqueezed at -2, or Gather(b [E, 1, n], ids).
  std::string gatheredBias(StringRef name);
  /// MatMul(in, Gather(W, ids)) [+ gathered bias]: fills `in`, W and bias.
  bool matchGatheredLinear(StringRef name, std::string &in, std::string &weight,
                           std::string &bias, const char *what);
  /// The clamped gated activation `a` over the halves of fc1's output.
  bool matchActivation(StringRef a, FFNMatch &ffn, std::string &fc1Out,
                       int64_t inter);

  const ONNXGraphView &view;
  ArrayRef<RouteMatch> routes;
  std::string &why;
  int &whereNode;
  const RouteMatch *route = nullptr;
  SmallVector<int> nodes;
};

std::string GatheredMatcher::gatheredWeight(StringRef name, int64_t rank) {
  int index = -1;
  const onnx::NodeProto *gather = view.def(name, "Gather", &index);
  if (!gather || gather->input_size() != 2 ||
      intAttribute(*gather, "axis", 0) != 0 || gather->input(1) != route->ids)
    return "";
  const onnx::TensorProto *w = view.initializer(gather->input(0));
  if (!w || w->dims_size() != rank)
    return "";
  nodes.push_back(index);
  return gather->input(0);
}

std::string GatheredMatcher::gatheredBias(StringRef name) {
  size_t mark = nodes.size();
  if (const onnx::NodeProto *unsq = def(name, "Unsqueeze")) {
    auto axes = axesOf(*unsq);
    std::string bias = gatheredWeight(unsq->input(0), 2);
    if (axes && isAxisFromEnd(*axes, 2, -1) && !bias.empty())
      return bias;
    nodes.resize(mark);
    return "";
  }
  const onnx::TensorProto *b = nullptr;
  std::string bias = gatheredWeight(name, 3);
  if (!bias.empty() && (b = view.initializer(bias)) && b->dims(1) == 1)
    return bias;
  nodes.resize(mark);
  return "";
}

bool GatheredMatcher::matchGatheredLinear(StringRef name, std::string &in,
                                          std::string &weight,
                                          std::string &bias, const char *what) {
  std::string product = name.str();
  if (const onnx::NodeProto *add = def(name, "Add")) {
    for (int i = 0; i < 2 && bias.empty(); ++i)
      if (view.def(add->input(i), "MatMul")) {
        bias = gatheredBias(add->input(1 - i));
        product = add->input(i);
      }
    if (bias.empty())
      return fail(nodes.back(), llvm::formatv("the bias added to {0} is not "
                                              "a Gather of stacked [E, out] "
                                              "or [E, 1, out] biases by the "
                                              "expert ids",
                                              what));
  }
  const onnx::NodeProto *matmul = def(product, "MatMul");
  if (!matmul)
    return fail(view.producer(product),
                llvm::formatv("{0} is not a batched MatMul", what));
  weight = gatheredWeight(matmul->input(1), 3);
  if (weight.empty())
    return fail(nodes.back(), llvm::formatv("{0}'s weights are not a Gather of "
                                            "stacked [E, in, out] weights by "
                                            "the expert ids",
                                            what));
  in = matmul->input(0);
  return true;
}

bool GatheredMatcher::matchActivation(StringRef a, FFNMatch &ffn,
                                      std::string &fc1Out, int64_t inter) {
  int at = view.producer(a);
  // The factors of the product a: gate, Sigmoid(alpha * gate), linear + beta.
  SmallVector<std::string> factors, work = {a.str()};
  while (!work.empty()) {
    std::string name = work.pop_back_val();
    if (const onnx::NodeProto *mul = def(name, "Mul")) {
      work.push_back(mul->input(1));
      work.push_back(mul->input(0));
      continue;
    }
    factors.push_back(name);
  }
  int sigmoidIndex = -1;
  const onnx::NodeProto *sigmoid = nullptr;
  for (const std::string &f : factors)
    if (!sigmoid)
      sigmoid = view.def(f, "Sigmoid", &sigmoidIndex);
  if (factors.size() != 3 || !sigmoid)
    return fail(at, "the activation is not gate * Sigmoid(alpha * gate) * "
                    "(linear + beta)");
  nodes.push_back(sigmoidIndex);
  std::string gate = sigmoid->input(0);
  double alpha = 1.0;
  int scaleIndex = -1;
  if (const onnx::NodeProto *mul = view.def(gate, "Mul", &scaleIndex)) {
    bool found = false;
    for (int i = 0; i < 2 && !found; ++i) {
      if (!llvm::is_contained(factors, mul->input(1 - i)))
        continue;
      std::optional<double> c = view.scalar(mul->input(i));
      if (!c)
        return fail(scaleIndex, "the sigmoid's scale '" + mul->input(i) +
                                    "' is not one constant; moe's swiglu "
                                    "alpha is one number");
      alpha = *c;
      gate = mul->input(1 - i);
      found = true;
    }
    if (!found)
      return fail(scaleIndex, "the sigmoid's argument is not a multiple of "
                              "the gate");
    nodes.push_back(scaleIndex);
  }
  auto gateIt = llvm::find(factors, gate);
  if (gateIt == factors.end())
    return fail(sigmoidIndex, "the sigmoid does not gate its own argument");
  factors.erase(gateIt);
  llvm::erase_if(factors,
                 [&](const std::string &f) { return f == sigmoid->output(0); });
  std::string linear = factors.front();
  double beta = 0.0;
  if (const onnx::NodeProto *add = view.def(linear, "Add")) {
    for (int i = 0; i < 2; ++i)
      if (std::optional<double> c = view.scalar(add->input(i))) {
        beta = *c;
        nodes.push_back(view.producer(linear));
        linear = add->input(1 - i);
        break;
      }
  }

  // Clip(g, max = L) and Clip(l, -L, L), as inputs (opset >= 11) or
  // attributes.
  struct Clamp {
    std::optional<double> min, max;
    bool present = false, constant = true;
    int node = -1;
  };
  auto clampOf = [&](std::string &name) {
    Clamp c;
    const onnx::NodeProto *clip = view.def(name, "Clip", &c.node);
    if (!clip)
      return c;
    c.present = true;
    nodes.push_back(c.node);
    auto bound = [&](int input, const char *attr) -> std::optional<double> {
      if (clip->input_size() > input && !clip->input(input).empty()) {
        std::optional<double> v = view.scalar(clip->input(input));
        if (!v)
          c.constant = false;
        return v;
      }
      if (const onnx::AttributeProto *a = findAttribute(*clip, attr))
        return a->f();
      return std::nullopt;
    };
    c.min = bound(1, "min");
    c.max = bound(2, "max");
    name = clip->input(0);
    return c;
  };
  Clamp gateClamp = clampOf(gate), linearClamp = clampOf(linear);
  auto text = [](std::optional<double> v) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%g", v.value_or(NAN));
    return std::string(v ? buffer : "none");
  };
  if (!gateClamp.constant || !linearClamp.constant)
    return fail(gateClamp.constant ? linearClamp.node : gateClamp.node,
                "a Clip bound is not a constant");
  if (gateClamp.present != linearClamp.present)
    return fail(gateClamp.present ? gateClamp.node : linearClamp.node,
                gateClamp.present
                    ? "only the gate is clamped; moe's swiglu limit clamps "
                      "the linear half too"
                    : "only the linear half is clamped; moe's swiglu limit "
                      "clamps the gate too");
  if (gateClamp.present) {
    if (gateClamp.min || !gateClamp.max)
      return fail(gateClamp.node,
                  "the gate is clamped to [" + text(gateClamp.min) + ", " +
                      text(gateClamp.max) +
                      "]; moe's swiglu limit clamps it only from above");
    double limit = *gateClamp.max;
    if (linearClamp.max != limit || linearClamp.min != -limit)
      return fail(linearClamp.node,
                  "the linear half is clamped to [" + text(linearClamp.min) +
                      ", " + text(linearClamp.max) + "], not [-" + text(limit) +
                      ", " + text(limit) + "] like the gate's limit");
    if (!(limit >= 0.0))
      return fail(gateClamp.node,
                  "the swiglu limit " + text(limit) + " is negative");
    ffn.limit = limit;
  }

  // The halves: Slice(h, s, e, [-1], step) of the same fc1 output.
  struct Half {
    std::string input;
    int64_t start = 0, end = 0, step = 1;
    int node = -1;
  };
  auto halfOf = [&](StringRef name, Half &half) {
    const onnx::NodeProto *slice = view.def(name, "Slice", &half.node);
    if (!slice || slice->input_size() < 4)
      return false;
    auto ints = [&](int input, int64_t fallback) -> std::optional<int64_t> {
      if (slice->input_size() <= input || slice->input(input).empty())
        return fallback;
      auto values = view.constant(slice->input(input));
      if (!values || values->size() != 1)
        return std::nullopt;
      // INT64_MAX, the usual "to the end", is 2^63 as a double.
      double v = (*values)[0];
      return v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? INT64_MIN : exactInt64(v);
    };
    auto start = ints(1, 0), end = ints(2, 0), axis = ints(3, 0),
         step = ints(4, 1);
    if (!start || !end || !axis || !step ||
        !isLastAxis(*axis, view.rank(slice->input(0))))
      return false;
    half = {slice->input(0), *start, *end, *step, half.node};
    nodes.push_back(half.node);
    return true;
  };
  Half g, l;
  if (!halfOf(gate, g) || !halfOf(linear, l) || g.input != l.input)
    return fail(at, "the gate and the linear half are not Slices of one fc1 "
                    "output along its last axis");
  int64_t width = 2 * inter;
  auto reaches = [&](int64_t end) { return end >= width; };
  if (g.step == 2 && l.step == 2 && g.start == 0 && l.start == 1 &&
      reaches(g.end) && reaches(l.end)) {
    ffn.layout = GateLayout::interleaved;
  } else if (g.step == 1 && l.step == 1 && g.start == 0 && g.end == inter &&
             l.start == inter && reaches(l.end)) {
    ffn.layout = GateLayout::concatenated;
  } else {
    auto columns = [&](const Half &h) {
      return llvm::formatv("{0}:{1}:{2}", h.start,
                           reaches(h.end) ? "" : std::to_string(h.end), h.step)
          .str();
    };
    return fail(g.node, "the gate is fc1 columns " + columns(g) +
                            " and the linear half " + columns(l) +
                            "; moe's layouts are interleaved (gate 0::2, "
                            "linear 1::2) and concatenated (gate first)");
  }
  ffn.activation = Activation::swiglu;
  ffn.alpha = alpha;
  ffn.beta = beta;
  fc1Out = g.input;
  return true;
}

std::optional<ExpertsMatch> GatheredMatcher::match(int anchor,
                                                   bool &candidate) {
  // ReduceSum(Mul(y, Unsqueeze(weights, -1)), k axis, keepdims 0).
  const onnx::NodeProto &sum = view.node(anchor);
  int mulIndex = -1;
  const onnx::NodeProto *mul = view.def(sum.input(0), "Mul", &mulIndex);
  if (!mul)
    return std::nullopt;
  std::string y;
  for (int i = 0; i < 2 && !route; ++i) {
    int unsqIndex = -1;
    const onnx::NodeProto *unsq =
        view.def(mul->input(i), "Unsqueeze", &unsqIndex);
    if (!unsq)
      continue;
    for (const RouteMatch &r : routes)
      if (r.weights == unsq->input(0)) {
        auto axes = axesOf(*unsq);
        if (!axes || !isAxisFromEnd(*axes, 1, view.rank(r.weights) + 1))
          continue;
        route = &r;
        y = mul->input(1 - i);
        nodes.append({anchor, mulIndex, unsqIndex});
      }
  }
  if (!route)
    return std::nullopt;
  // The block only counts as GPT-OSS once fc2 is a Gather by the ids.
  const onnx::NodeProto *squeeze = def(y, "Squeeze");
  FFNMatch ffn;
  std::string a;
  if (!squeeze ||
      !matchGatheredLinear(squeeze->input(0), a, ffn.fc2, ffn.fc2Bias, "fc2")) {
    why.clear();
    return std::nullopt;
  }
  candidate = true;
  auto sumAxes = axesOf(sum);
  auto squeezeAxes = axesOf(*squeeze);
  int64_t rank = view.rank(y);
  if (!sumAxes || !isAxisFromEnd(*sumAxes, 2, rank) ||
      intAttribute(sum, "keepdims", 1) != 0) {
    fail(anchor, "the ReduceSum is not over the k slots (axis -2) with "
                 "keepdims = 0");
    return std::nullopt;
  }
  if (!squeezeAxes || !isAxisFromEnd(*squeezeAxes, 2, rank + 1)) {
    fail(view.producer(y), "the Squeeze does not drop the row axis (-2) of "
                           "the batched MatMul");
    return std::nullopt;
  }
  const onnx::TensorProto *fc2 = view.initializer(ffn.fc2);
  int64_t inter = fc2->dims(1);
  std::string fc1Out;
  if (!matchActivation(a, ffn, fc1Out, inter))
    return std::nullopt;
  std::string xk;
  if (!matchGatheredLinear(fc1Out, xk, ffn.fc1, ffn.fc1Bias, "fc1"))
    return std::nullopt;
  const onnx::TensorProto *fc1 = view.initializer(ffn.fc1);
  if (fc1->dims(2) != 2 * inter || fc1->dims(1) != fc2->dims(2) ||
      fc1->dims(0) != fc2->dims(0)) {
    fail(anchor, llvm::formatv("fc1 '{0}' is not [E, H, 2I] for fc2 '{1}' "
                               "[E, I, H] = [{2}, {3}, {4}]",
                               ffn.fc1, ffn.fc2, fc2->dims(0), fc2->dims(1),
                               fc2->dims(2)));
    return std::nullopt;
  }
  const onnx::NodeProto *unsq = def(xk, "Unsqueeze");
  auto axes = unsq ? axesOf(*unsq) : std::nullopt;
  int64_t tokensRank = unsq ? view.rank(unsq->input(0)) : -1;
  bool rowAxes = axes && axes->size() == 2 &&
                 (((*axes)[0] == -3 && (*axes)[1] == -2) ||
                  (tokensRank > 0 && (*axes)[0] == tokensRank - 1 &&
                   (*axes)[1] == tokensRank));
  if (!rowAxes) {
    fail(view.producer(xk), "fc1's input is not the tokens unsqueezed to "
                            "[.., 1, 1, H] rows");
    return std::nullopt;
  }
  ffn.input = unsq->input(0);
  ExpertsMatch match;
  match.form = "gathered experts (GPT-OSS)";
  match.output = sum.output(0);
  match.stacked = true;
  match.tokens = ffn.input;
  match.ids = route->ids;
  match.weights = route->weights;
  match.nodes = nodes;
  match.experts.push_back(std::move(ffn));
  return match;
}

} // namespace

std::optional<ExpertsMatch> matchGatheredExperts(const ONNXGraphView &view,
                                                 ArrayRef<RouteMatch> routes,
                                                 int anchor, bool &candidate,
                                                 std::string &why,
                                                 int &whereNode) {
  GatheredMatcher matcher(view, routes, why, whereNode);
  return matcher.match(anchor, candidate);
}

} // namespace moe::onnx_import
