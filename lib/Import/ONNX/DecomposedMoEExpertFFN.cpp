//===- DecomposedMoEExpertFFN.cpp - an expert MLP spelled with MatMuls ----===//
//
// fc2(act(fc1(x))) where fc is MatMul(x, W) [+ b] with W an initializer
// ([in, out], or [E, in, out] stacked) and act one of
//   Relu, Gelu (approximate none|tanh), x*0.5*(1+Erf(x/sqrt2)),
//   x*0.5*(1+Tanh(sqrt(2/pi)*(x+0.044715*x^3))), x*Sigmoid(x) (SiLU),
//   x1*Sigmoid(x1)*x3 (SwiGLU, Mixtral), or none.
// Products are flattened, so the factors may come in any order.
//
//===----------------------------------------------------------------------===//

#include "DecomposedMoE.h"

#include <cmath>

using namespace mlir;

namespace moe::onnx_import {
namespace {

struct Linear {
  std::string x, weight, bias;
  SmallVector<int> nodes;
};

/// MatMul(x, W) or Add(MatMul(x, W), b) in either operand order.
std::optional<Linear> matchLinear(const ONNXGraphView &view, StringRef name) {
  Linear linear;
  int index = -1;
  std::string product = name.str();
  if (const onnx::NodeProto *add = view.def(name, "Add", &index)) {
    for (int i = 0; i < 2 && linear.bias.empty(); ++i)
      if (view.def(add->input(i), "MatMul")) {
        product = add->input(i);
        linear.bias = add->input(1 - i);
      }
    if (linear.bias.empty())
      return std::nullopt;
    linear.nodes.push_back(index);
  }
  const onnx::NodeProto *matmul = view.def(product, "MatMul", &index);
  if (!matmul)
    return std::nullopt;
  linear.nodes.push_back(index);
  linear.x = matmul->input(0);
  linear.weight = matmul->input(1);
  return linear;
}

/// The factors of a Mul tree rooted at `name`: constants multiplied into
/// `scale`, the rest listed.
void collectFactors(const ONNXGraphView &view, StringRef name,
                    SmallVectorImpl<std::string> &factors, double &scale,
                    SmallVectorImpl<int> &nodes) {
  int index = -1;
  if (const onnx::NodeProto *mul = view.def(name, "Mul", &index)) {
    nodes.push_back(index);
    collectFactors(view, mul->input(0), factors, scale, nodes);
    collectFactors(view, mul->input(1), factors, scale, nodes);
    return;
  }
  if (std::optional<double> c = view.scalar(name)) {
    scale *= *c;
    return;
  }
  factors.push_back(name.str());
}

bool near(double value, double expected) {
  return std::fabs(value - expected) <= 1e-4 * std::fabs(expected);
}

/// Add(1, inner) in either order: returns inner.
std::optional<std::string> matchOnePlus(const ONNXGraphView &view,
                                        StringRef name,
                                        SmallVectorImpl<int> &nodes) {
  int index = -1;
  const onnx::NodeProto *add = view.def(name, "Add", &index);
  if (!add)
    return std::nullopt;
  for (int i = 0; i < 2; ++i)
    if (std::optional<double> c = view.scalar(add->input(i)); c && *c == 1.0) {
      nodes.push_back(index);
      return add->input(1 - i);
    }
  return std::nullopt;
}

/// x / sqrt(2) as Div(x, 1.4142) or Mul(x, 0.7071): returns x.
std::optional<std::string> matchOverSqrt2(const ONNXGraphView &view,
                                          StringRef name,
                                          SmallVectorImpl<int> &nodes) {
  int index = -1;
  if (const onnx::NodeProto *div = view.def(name, "Div", &index)) {
    std::optional<double> c = view.scalar(div->input(1));
    if (c && near(*c, std::sqrt(2.0))) {
      nodes.push_back(index);
      return div->input(0);
    }
    return std::nullopt;
  }
  SmallVector<std::string> factors;
  double scale = 1.0;
  SmallVector<int> mulNodes;
  collectFactors(view, name, factors, scale, mulNodes);
  if (factors.size() != 1 || mulNodes.empty() || !near(scale, std::sqrt(0.5)))
    return std::nullopt;
  nodes.append(mulNodes);
  return factors[0];
}

/// Tanh(sqrt(2/pi) * (a + 0.044715 * a^3)) around `a`.
bool matchTanhGeluInner(const ONNXGraphView &view, StringRef name, StringRef a,
                        SmallVectorImpl<int> &nodes) {
  int index = -1;
  const onnx::NodeProto *tanh = view.def(name, "Tanh", &index);
  if (!tanh)
    return false;
  SmallVector<int> found = {index};
  SmallVector<std::string> outer;
  double c1 = 1.0;
  collectFactors(view, tanh->input(0), outer, c1, found);
  if (outer.size() != 1 || !near(c1, std::sqrt(2.0 / M_PI)))
    return false;
  const onnx::NodeProto *add = view.def(outer[0], "Add", &index);
  if (!add)
    return false;
  found.push_back(index);
  for (int i = 0; i < 2; ++i) {
    if (add->input(i) != a)
      continue;
    SmallVector<std::string> cube;
    double c2 = 1.0;
    SmallVector<int> cubeNodes;
    collectFactors(view, add->input(1 - i), cube, c2, cubeNodes);
    if (!near(c2, 0.044715))
      continue;
    int powIndex = -1;
    const onnx::NodeProto *pow =
        cube.size() == 1 ? view.def(cube[0], "Pow", &powIndex) : nullptr;
    bool isCube =
        (pow && pow->input(0) == a && view.scalar(pow->input(1)) == 3.0) ||
        (cube.size() == 3 &&
         llvm::all_of(cube, [&](const std::string &f) { return f == a; }));
    if (!isCube)
      continue;
    if (pow)
      cubeNodes.push_back(powIndex);
    nodes.append(found);
    nodes.append(cubeNodes);
    return true;
  }
  return false;
}

/// Recognises the activation that produces `h`; fills `pre` (fc1's output)
/// and, for SwiGLU, `linear` (fc3's output).
bool matchActivation(const ONNXGraphView &view, StringRef h, Activation &act,
                     std::string &pre, std::string &linear,
                     SmallVectorImpl<int> &nodes) {
  int index = -1;
  if (const onnx::NodeProto *relu = view.def(h, "Relu", &index)) {
    nodes.push_back(index);
    act = Activation::relu;
    pre = relu->input(0);
    return true;
  }
  if (const onnx::NodeProto *gelu = view.def(h, "Gelu", &index)) {
    std::string approx = stringAttribute(*gelu, "approximate", "none");
    if (approx != "none" && approx != "tanh")
      return false;
    nodes.push_back(index);
    act = approx == "tanh" ? Activation::gelu_tanh : Activation::gelu;
    pre = gelu->input(0);
    return true;
  }
  SmallVector<std::string> factors;
  double scale = 1.0;
  SmallVector<int> mulNodes;
  collectFactors(view, h, factors, scale, mulNodes);
  if (mulNodes.empty())
    return false;
  auto sigmoidOf = [&](StringRef name, int &at) -> std::string {
    const onnx::NodeProto *s = view.def(name, "Sigmoid", &at);
    return s ? s->input(0) : "";
  };
  if (scale == 1.0 && (factors.size() == 2 || factors.size() == 3)) {
    // x * Sigmoid(x) [* l]: find the sigmoid and its argument among the
    // other factors.
    for (size_t i = 0; i < factors.size(); ++i) {
      int at = -1;
      std::string g = sigmoidOf(factors[i], at);
      if (g.empty())
        continue;
      SmallVector<std::string> rest;
      for (size_t j = 0; j < factors.size(); ++j)
        if (j != i)
          rest.push_back(factors[j]);
      auto it = llvm::find(rest, g);
      if (it == rest.end())
        continue;
      rest.erase(it);
      nodes.append(mulNodes);
      nodes.push_back(at);
      pre = g;
      if (rest.empty()) {
        act = Activation::silu;
      } else {
        act = Activation::swiglu;
        linear = rest[0];
      }
      return true;
    }
  }
  if (scale == 0.5 && factors.size() == 2) {
    for (int i = 0; i < 2; ++i) {
      const std::string &a = factors[i];
      SmallVector<int> found;
      std::optional<std::string> inner =
          matchOnePlus(view, factors[1 - i], found);
      if (!inner)
        continue;
      int erfIndex = -1;
      if (const onnx::NodeProto *erf = view.def(*inner, "Erf", &erfIndex)) {
        std::optional<std::string> x =
            matchOverSqrt2(view, erf->input(0), found);
        if (!x || *x != a)
          continue;
        found.push_back(erfIndex);
        act = Activation::gelu;
      } else if (matchTanhGeluInner(view, *inner, a, found)) {
        act = Activation::gelu_tanh;
      } else {
        continue;
      }
      nodes.append(mulNodes);
      nodes.append(found);
      pre = a;
      return true;
    }
  }
  return false;
}

} // namespace

std::optional<FFNMatch> matchExpertFFN(const ONNXGraphView &view,
                                       StringRef output, std::string &why,
                                       int &whereNode) {
  FFNMatch ffn;
  whereNode = view.producer(output);
  std::optional<Linear> fc2 = matchLinear(view, output);
  if (!fc2) {
    why = "its output is not a MatMul (fc2)";
    return std::nullopt;
  }
  ffn.nodes.append(fc2->nodes);
  ffn.fc2 = fc2->weight;
  ffn.fc2Bias = fc2->bias;

  std::string pre, linear;
  Activation act = Activation::identity;
  if (!matchActivation(view, fc2->x, act, pre, linear, ffn.nodes))
    pre = fc2->x; // no activation: fc1 feeds fc2 directly
  std::optional<Linear> fc1 = matchLinear(view, pre);
  if (!fc1) {
    whereNode = view.producer(fc2->x);
    why = "the input of fc2 is not a recognised activation (Relu, Gelu, "
          "erf or tanh GELU, SiLU, SwiGLU) of a MatMul (fc1)";
    return std::nullopt;
  }
  ffn.nodes.append(fc1->nodes);
  ffn.activation = act;
  ffn.input = fc1->x;
  ffn.fc1 = fc1->weight;
  ffn.fc1Bias = fc1->bias;
  if (act == Activation::swiglu) {
    std::optional<Linear> fc3 = matchLinear(view, linear);
    if (!fc3 || fc3->x != fc1->x) {
      whereNode = view.producer(fc2->x);
      why = "the linear half of the SwiGLU is not a MatMul (fc3) of the "
            "same tokens";
      return std::nullopt;
    }
    ffn.nodes.append(fc3->nodes);
    ffn.fc3 = fc3->weight;
    ffn.fc3Bias = fc3->bias;
  }
  std::pair<const char *, const std::string *> weights[] = {
      {"fc1", &ffn.fc1}, {"fc1 bias", &ffn.fc1Bias},
      {"fc2", &ffn.fc2}, {"fc2 bias", &ffn.fc2Bias},
      {"fc3", &ffn.fc3}, {"fc3 bias", &ffn.fc3Bias}};
  for (auto [role, name] : weights)
    if (!name->empty() && !view.initializer(*name)) {
      whereNode =
          view.users(*name).empty() ? whereNode : view.users(*name).front();
      why =
          std::string(role) + " '" + *name + "' is not a constant initializer";
      return std::nullopt;
    }
  return ffn;
}

} // namespace moe::onnx_import
