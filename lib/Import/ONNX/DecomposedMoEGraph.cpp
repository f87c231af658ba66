//===- DecomposedMoEGraph.cpp - a use-def view over ONNX nodes ------------===//
//
// Producers and readers of every value name, small constants and declared
// ranks: what the decomposed-MoE matchers ask of a GraphProto before any of
// it is imported.
//
//===----------------------------------------------------------------------===//

#include "DecomposedMoE.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;

namespace moe::onnx_import {

/// The inputs the matchers read of each op they look at; a malformed node
/// with fewer matches nothing (the op importers then report it).
static int minimumInputs(StringRef opType) {
  return llvm::StringSwitch<int>(opType)
      .Cases({"ScatterElements", "ScatterND", "Where", "Slice", "OneHot"}, 3)
      .Cases({"Add", "Sub", "Mul", "Div", "Equal", "MatMul", "Pow", "Max"}, 2)
      .Cases(
          {"Gather", "GatherElements", "GatherND", "Expand", "Reshape", "TopK"},
          2)
      .Cases({"Constant", "RandomNormal", "RandomUniform"}, 0)
      .Default(1);
}

ONNXGraphView::ONNXGraphView(const onnx::GraphProto &graph, int64_t opset,
                             MLIRContext *ctx)
    : graph(graph), opset(opset), ctx(ctx) {
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    if ((node.domain().empty() || node.domain() == "ai.onnx") &&
        (node.input_size() < minimumInputs(node.op_type()) ||
         node.output_size() < 1))
      matchableArity = false;
    for (const std::string &out : node.output())
      if (!out.empty())
        producers[out] = i;
    for (const std::string &in : node.input())
      if (!in.empty()) {
        auto &list = consumers[in];
        // A node reading a value twice (Mul(x, x)) is one reader.
        if (list.empty() || list.back() != i)
          list.push_back(i);
      }
  }
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers[tensor.name()] = &tensor;
  for (const onnx::ValueInfoProto &info : graph.input())
    types[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.value_info())
    types[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.output()) {
    types[info.name()] = &info.type();
    graphOutputs.insert(info.name());
  }
}

int ONNXGraphView::producer(StringRef name) const {
  auto it = producers.find(name);
  return it == producers.end() ? -1 : it->second;
}

const onnx::NodeProto *ONNXGraphView::def(StringRef name, StringRef opType,
                                          int *index) const {
  int i = producer(name);
  if (i < 0)
    return nullptr;
  const onnx::NodeProto &n = graph.node(i);
  if (n.op_type() != opType ||
      !(n.domain().empty() || n.domain() == "ai.onnx") ||
      n.input_size() < minimumInputs(opType))
    return nullptr;
  if (index)
    *index = i;
  return &n;
}

ArrayRef<int> ONNXGraphView::users(StringRef name) const {
  auto it = consumers.find(name);
  if (it == consumers.end())
    return {};
  return it->second;
}

const onnx::TensorProto *ONNXGraphView::initializer(StringRef name) const {
  auto it = initializers.find(name);
  return it == initializers.end() ? nullptr : it->second;
}

std::optional<SmallVector<double>>
ONNXGraphView::constant(StringRef name, int64_t maxElements) const {
  const onnx::TensorProto *tensor = initializer(name);
  if (!tensor) {
    const onnx::NodeProto *node = def(name, "Constant");
    if (!node)
      return std::nullopt;
    // Constant's scalar and list forms.
    if (const onnx::AttributeProto *a = findAttribute(*node, "value_float"))
      return SmallVector<double>{a->f()};
    if (const onnx::AttributeProto *a = findAttribute(*node, "value_int"))
      return SmallVector<double>{static_cast<double>(a->i())};
    if (const onnx::AttributeProto *a = findAttribute(*node, "value_floats"))
      return SmallVector<double>(a->floats().begin(), a->floats().end());
    if (const onnx::AttributeProto *a = findAttribute(*node, "value_ints"))
      return SmallVector<double>(a->ints().begin(), a->ints().end());
    const onnx::AttributeProto *a = findAttribute(*node, "value");
    if (!a || !a->has_t())
      return std::nullopt;
    tensor = &a->t();
  }
  return tensorValues(*tensor, maxElements);
}

std::optional<SmallVector<double>>
ONNXGraphView::tensorValues(const onnx::TensorProto &proto,
                            int64_t maxElements) const {
  const onnx::TensorProto *tensor = &proto;
  if (tensor->data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  int64_t count = 1;
  for (int64_t d : tensor->dims())
    count *= d;
  if (count > maxElements)
    return std::nullopt;
  std::string error;
  auto attr = dyn_cast_or_null<DenseElementsAttr>(
      convertInitializer(ctx, *tensor, "", error));
  if (!attr)
    return std::nullopt;
  SmallVector<double> values;
  Type element = attr.getElementType();
  if (isa<FloatType>(element)) {
    // f32 values as the shortest decimal that reads back as the same float:
    // an f32 1e-20 is 1e-20, not 9.99999968e-21.
    for (APFloat v : attr.getValues<APFloat>()) {
      double value = v.convertToDouble();
      if (element.isF32() && std::isfinite(value)) {
        float f = v.convertToFloat();
        char text[32];
        for (int digits = 1; digits <= 9; ++digits) {
          std::snprintf(text, sizeof(text), "%.*g", digits, value);
          if (static_cast<float>(std::strtod(text, nullptr)) == f)
            break;
        }
        value = std::strtod(text, nullptr);
      }
      values.push_back(value);
    }
  } else if (element.isInteger(1)) {
    for (bool v : attr.getValues<bool>())
      values.push_back(v);
  } else if (element.isIntOrIndex()) {
    for (APInt v : attr.getValues<APInt>())
      values.push_back(static_cast<double>(v.getSExtValue()));
  } else {
    return std::nullopt;
  }
  return values;
}

std::optional<double> ONNXGraphView::scalar(StringRef name) const {
  auto values = constant(name, 1);
  if (!values || values->size() != 1)
    return std::nullopt;
  return (*values)[0];
}

std::optional<int64_t> exactInt64(double v) {
  // [-2^63, 2^63): both bounds are exact doubles; NaN fails both tests.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(v >= -kLimit && v < kLimit) || v != std::trunc(v))
    return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<SmallVector<int64_t>>
ONNXGraphView::constantInts(StringRef name, int64_t maxElements) const {
  auto values = constant(name, maxElements);
  if (!values)
    return std::nullopt;
  SmallVector<int64_t> ints;
  for (double v : *values) {
    std::optional<int64_t> i = exactInt64(v);
    if (!i)
      return std::nullopt;
    ints.push_back(*i);
  }
  return ints;
}

std::optional<int64_t> ONNXGraphView::intScalar(StringRef name) const {
  std::optional<double> v = scalar(name);
  return v ? exactInt64(*v) : std::nullopt;
}

bool ONNXGraphView::isZeros(StringRef name) const {
  auto values = constant(name, int64_t(1) << 24);
  return values && llvm::all_of(*values, [](double v) { return v == 0.0; });
}

const onnx::TypeProto *ONNXGraphView::declaredType(StringRef name) const {
  auto it = types.find(name);
  if (it == types.end() || !it->second->has_tensor_type() ||
      !it->second->tensor_type().has_shape())
    return nullptr;
  return it->second;
}

int64_t ONNXGraphView::rank(StringRef name) const {
  if (const onnx::TensorProto *tensor = initializer(name))
    return tensor->dims_size();
  if (const onnx::TypeProto *type = declaredType(name))
    return type->tensor_type().shape().dim_size();
  return -1;
}

int64_t ONNXGraphView::lastDim(StringRef name) const {
  if (const onnx::TensorProto *tensor = initializer(name))
    return tensor->dims_size() ? tensor->dims(tensor->dims_size() - 1) : -1;
  const onnx::TypeProto *type = declaredType(name);
  if (!type || type->tensor_type().shape().dim_size() == 0)
    return -1;
  const auto &shape = type->tensor_type().shape();
  const auto &dim = shape.dim(shape.dim_size() - 1);
  return dim.has_dim_value() ? dim.dim_value() : -1;
}

const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                          StringRef name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t intAttribute(const onnx::NodeProto &node, StringRef name,
                     int64_t defaultValue) {
  const onnx::AttributeProto *attr = findAttribute(node, name);
  return attr ? attr->i() : defaultValue;
}

std::optional<SmallVector<int64_t>> intsAttribute(const onnx::NodeProto &node,
                                                  StringRef name) {
  const onnx::AttributeProto *attr = findAttribute(node, name);
  if (!attr)
    return std::nullopt;
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

std::string stringAttribute(const onnx::NodeProto &node, StringRef name,
                            StringRef defaultValue) {
  const onnx::AttributeProto *attr = findAttribute(node, name);
  return attr ? attr->s() : defaultValue.str();
}

std::optional<SmallVector<int64_t>> reductionAxes(const ONNXGraphView &view,
                                                  const onnx::NodeProto &node) {
  if (auto axes = intsAttribute(node, "axes"))
    return axes;
  if (node.input_size() < 2 || node.input(1).empty())
    return SmallVector<int64_t>{};
  return view.constantInts(node.input(1));
}

bool isFilled(const ONNXGraphView &view, StringRef name, double value,
              SmallVectorImpl<int> &nodes) {
  if (auto values = view.constant(name, int64_t(1) << 24))
    return llvm::all_of(*values, [&](double v) { return v == value; });
  int index = -1, shapeIndex = -1;
  const onnx::NodeProto *cos = view.def(name, "ConstantOfShape", &index);
  if (!cos)
    return false;
  double filled = 0.0; // ConstantOfShape's default
  if (const onnx::AttributeProto *attr = findAttribute(*cos, "value")) {
    auto values = view.tensorValues(attr->t(), 1);
    if (!values || values->size() != 1)
      return false;
    filled = (*values)[0];
  }
  if (filled != value || !view.def(cos->input(0), "Shape", &shapeIndex))
    return false;
  nodes.append({index, shapeIndex});
  return true;
}

bool isLastAxis(int64_t axis, int64_t rank) {
  return axis == -1 || (rank > 0 && axis == rank - 1);
}

void MatchRemarks::nearMiss(int node, const Twine &why) {
  if (!importer.options.remarks)
    return;
  if (holding) {
    held.push_back({node, why.str()});
    return;
  }
  const onnx::NodeProto &n = view.node(node);
  emitRemark(importer.nodeLoc(n, node))
      << "node '" << n.name() << "' (" << n.op_type()
      << "): not imported as moe ops: " << why;
}

void MatchRemarks::flush(function_ref<bool(int node)> drop) {
  holding = false;
  for (auto &[node, why] : held)
    if (!drop(node))
      nearMiss(node, why);
  held.clear();
}

void MatchRemarks::matched(int node, const Twine &what) {
  if (!importer.options.remarks)
    return;
  const onnx::NodeProto &n = view.node(node);
  emitRemark(importer.nodeLoc(n, node))
      << "node '" << n.name() << "' (" << n.op_type() << "): " << what;
}

} // namespace moe::onnx_import
