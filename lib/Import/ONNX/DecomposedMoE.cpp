//===- DecomposedMoE.cpp - decomposed MoE blocks into moe ops -------------===//
//
// Runs the routing and expert matchers over the graph, keeps the matches
// whose intermediate values nobody else reads, and emits each one's moe ops
// when the node loop reaches its last node. Per-expert weight initializers
// are stacked into the [E, ...] constants moe.experts reads.
//
//===----------------------------------------------------------------------===//

#include "DecomposedMoE.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace moe::onnx_import {

DecomposedMoEImporter::DecomposedMoEImporter(GraphImporter &importer,
                                             const onnx::GraphProto &graph,
                                             int64_t opset)
    : importer(importer), view(graph, opset, importer.builder.getContext()),
      remarks(importer, view) {}

void DecomposedMoEImporter::findBlocks() {
  if (!view.nodesHaveMatchableArity())
    return;
  std::vector<RouteMatch> routes = matchRoutings(view, remarks);
  llvm::StringSet<> acceptedIds;
  for (const RouteMatch &route : routes) {
    int64_t rank = view.rank(route.logits);
    if (rank >= 0 && rank != 2 && rank != 3) {
      remarks.nearMiss(route.nodes.front(),
                       llvm::formatv("router logits of rank {0}; moe.route "
                                     "takes [T, E] (or [B, S, E], flattened)",
                                     rank));
      continue;
    }
    Block block{route.nodes, {route.ids, route.weights}, nullptr};
    block.emit = [this, route](int node) { return emitRoute(route, node); };
    if (accept(std::move(block), "routing"))
      acceptedIds.insert(route.ids);
  }
  for (const ExpertsMatch &match : matchExpertBlocks(view, routes, remarks)) {
    if (!acceptedIds.contains(match.ids))
      continue;
    int64_t rank = view.rank(match.tokens);
    if (rank >= 0 && rank != 2 && (match.tokenRowsOnly || rank != 3)) {
      remarks.nearMiss(
          view.producer(match.output),
          llvm::formatv("tokens of rank {0}; the {1} takes "
                        "[T, H] rows{2}",
                        rank, match.form,
                        match.tokenRowsOnly ? "" : " or [B, S, H]"));
      continue;
    }
    Block block{match.nodes, {match.output}, nullptr};
    block.emit = [this, match](int node) { return emitExperts(match, node); };
    accept(std::move(block), match.form);
  }
}

bool DecomposedMoEImporter::accept(Block block, StringRef form) {
  llvm::sort(block.nodes);
  block.nodes.erase(llvm::unique(block.nodes), block.nodes.end());
  llvm::DenseSet<int> inside(block.nodes.begin(), block.nodes.end());
  // Constant nodes only the block reads go with it.
  for (int node : SmallVector<int>(block.nodes))
    for (const std::string &in : view.node(node).input()) {
      int producer = -1;
      if (!view.def(in, "Constant", &producer) || inside.count(producer) ||
          view.isGraphOutput(in))
        continue;
      if (llvm::all_of(view.users(in),
                       [&](int user) { return inside.count(user); })) {
        inside.insert(producer);
        block.nodes.push_back(producer);
      }
    }
  llvm::sort(block.nodes);
  for (int node : block.nodes) {
    if (owner.count(node)) {
      remarks.nearMiss(node,
                       "the " + form + " overlaps a pattern matched before it");
      return false;
    }
    for (const std::string &out : view.node(node).output()) {
      if (out.empty() || llvm::is_contained(block.results, out))
        continue;
      bool outside = view.isGraphOutput(out) ||
                     llvm::any_of(view.users(out), [&](int user) {
                       return !inside.count(user);
                     });
      if (outside) {
        remarks.nearMiss(node, "intermediate '" + out +
                                   "' is also used outside the MoE pattern "
                                   "(" +
                                   form + ")");
        return false;
      }
    }
  }
  int last = block.nodes.back();
  remarks.matched(last, llvm::formatv("imported as moe ops: {0} of {1} nodes",
                                      form, block.nodes.size()));
  int id = static_cast<int>(blocks.size());
  for (int node : block.nodes)
    owner[node] = id;
  blocks.push_back(std::move(block));
  return true;
}

LogicalResult DecomposedMoEImporter::importAt(int node) {
  auto it = owner.find(node);
  if (it == owner.end() || blocks[it->second].nodes.back() != node)
    return success();
  return blocks[it->second].emit(node);
}

LogicalResult DecomposedMoEImporter::emitRoute(const RouteMatch &route,
                                               int node) {
  const onnx::NodeProto &proto = view.node(node);
  OpBuilder &b = importer.builder;
  Location loc = importer.nodeLoc(proto, node);
  Value graphLogits = importer.lookup(proto, node, route.logits);
  if (!graphLogits)
    return failure();
  auto graphType = dyn_cast<RankedTensorType>(graphLogits.getType());
  if (!graphType || (graphType.getRank() != 2 && graphType.getRank() != 3) ||
      graphType.isDynamicDim(graphType.getRank() - 1) ||
      !isa<FloatType>(graphType.getElementType())) {
    importer.nodeError(proto, node)
        << "the routing's logits '" << route.logits
        << "' must be [T, E] or [B, S, E] floats with a static E, got "
        << graphLogits.getType();
    return failure();
  }
  // moe.route takes [T, E]; [B, S, E] logits are flattened, and the ids
  // and weights given back their [B, S, k] shape.
  Value logits = flattenTokens(b, loc, graphLogits);
  auto type = cast<RankedTensorType>(logits.getType());
  if (route.k > type.getDimSize(1)) {
    importer.nodeError(proto, node)
        << "TopK's k = " << route.k << " exceeds the " << type.getDimSize(1)
        << " experts";
    return failure();
  }
  Value bias;
  if (!route.bias.empty()) {
    bias = importer.lookup(proto, node, route.bias);
    if (!bias)
      return failure();
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 ||
        biasType.getDimSize(0) != type.getDimSize(1) ||
        biasType.getElementType() != type.getElementType()) {
      importer.nodeError(proto, node)
          << "the correction bias '" << route.bias << "' (" << bias.getType()
          << ") must be [E] like the logits " << type;
      return failure();
    }
  }
  int64_t tokens = type.getDimSize(0);
  auto ids = RankedTensorType::get({tokens, route.k}, b.getI64Type());
  auto weights =
      RankedTensorType::get({tokens, route.k}, type.getElementType());
  auto op = RouteOp::create(
      b, loc, ids, weights, logits, bias, b.getI64IntegerAttr(route.k),
      ScoringAttr::get(b.getContext(), route.scoring),
      route.normalize ? b.getUnitAttr() : UnitAttr(),
      b.getF64FloatAttr(route.epsilon), b.getF64FloatAttr(route.scale),
      route.nGroup ? b.getI64IntegerAttr(*route.nGroup) : IntegerAttr(),
      route.topkGroup ? b.getI64IntegerAttr(*route.topkGroup) : IntegerAttr());
  routeOps[route.ids] = op;
  for (auto [name, value] : {std::pair(route.ids, op.getIds()),
                             std::pair(route.weights, op.getWeights())}) {
    Value graphValue = restoreTokenShape(b, loc, value, graphLogits);
    if (graphValue != value)
      restored.push_back(graphValue);
    importer.define(name, graphValue);
  }
  return success();
}

/// The bytes of a constant's elements, splats expanded.
static bool rawElementBytes(ElementsAttr attr, std::vector<char> &bytes) {
  auto type = cast<ShapedType>(attr.getType());
  int64_t width = type.getElementTypeBitWidth() / 8;
  int64_t count = type.getNumElements();
  ArrayRef<char> data;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    data = dense.getRawData();
    if (dense.isSplat()) {
      bytes.clear();
      for (int64_t i = 0; i < count; ++i)
        bytes.insert(bytes.end(), data.begin(), data.begin() + width);
      return true;
    }
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return false;
    data = blob->getData();
  } else {
    return false;
  }
  if (static_cast<int64_t>(data.size()) != count * width)
    return false;
  bytes.assign(data.begin(), data.end());
  return true;
}

Value DecomposedMoEImporter::stackWeights(ArrayRef<std::string> names,
                                          bool transpose, int node,
                                          const char *what, bool stack,
                                          bool prestacked) {
  const onnx::NodeProto &proto = view.node(node);
  // Every expert's slice is [rows, cols] (a matrix) or [cols] (a bias).
  int64_t rows = -1, cols = -1, width = 0, count = 0;
  Type element;
  std::vector<char> stacked, part;
  for (auto [e, name] : llvm::enumerate(names)) {
    Value value = importer.values.lookup(name);
    auto constant =
        value ? value.getDefiningOp<arith::ConstantOp>() : arith::ConstantOp();
    auto attr =
        constant ? dyn_cast<ElementsAttr>(constant.getValue()) : ElementsAttr();
    auto type =
        attr ? dyn_cast<RankedTensorType>(attr.getType()) : RankedTensorType();
    // A pre-stacked [E, in, out] weight or [E, 1, out] / [E, out] bias.
    ArrayRef<int64_t> shape = type ? type.getShape() : ArrayRef<int64_t>();
    int64_t slices = 1;
    if (prestacked && !shape.empty()) {
      slices = shape.front();
      shape = shape.drop_front();
      if (!transpose && shape.size() == 2 && shape.front() == 1)
        shape = shape.drop_front();
    }
    bool fits = type && isa<FloatType>(type.getElementType()) &&
                static_cast<int64_t>(shape.size()) == (transpose ? 2 : 1) &&
                (!element ||
                 (type.getElementType() == element && shape.back() == cols &&
                  (!transpose || shape.front() == rows)));
    if (!fits || !rawElementBytes(attr, part)) {
      importer.nodeError(proto, node)
          << "expert " << e << "'s " << what << " '" << name << "' ("
          << (attr ? attr.getType() : Type())
          << ") does not stack with the other experts' into moe's layout";
      return Value();
    }
    element = type.getElementType();
    width = type.getElementTypeBitWidth() / 8;
    cols = shape.back();
    rows = transpose ? shape.front() : 1;
    count += slices;
    size_t base = stacked.size();
    stacked.resize(base + part.size());
    if (!transpose) {
      std::memcpy(&stacked[base], part.data(), part.size());
      continue;
    }
    // ONNX MatMul weights are [in, out]; moe.experts wants [out, in].
    for (int64_t s = 0; s < slices; ++s) {
      size_t offset = s * rows * cols * width;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          std::memcpy(&stacked[base + offset + (j * rows + i) * width],
                      &part[offset + (i * cols + j) * width], width);
    }
  }
  SmallVector<int64_t> shape;
  if (stack)
    shape.push_back(count);
  if (transpose)
    shape.append({cols, rows});
  else
    shape.push_back(cols);
  auto type = RankedTensorType::get(shape, element);
  ElementsAttr attr;
  ArrayRef<char> data(stacked.data(), stacked.size());
  if (static_cast<int64_t>(stacked.size()) >= kResourceThresholdBytes)
    attr = DenseResourceElementsAttr::get(
        type, (std::string("moe_stacked_") + what).c_str(),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(data, alignof(uint64_t)));
  else
    attr = DenseElementsAttr::getFromRawBuffer(type, data);
  return arith::ConstantOp::create(
      importer.builder, importer.nodeLoc(proto, node), cast<TypedAttr>(attr));
}

LogicalResult DecomposedMoEImporter::emitExperts(const ExpertsMatch &match,
                                                 int node) {
  const onnx::NodeProto &proto = view.node(node);
  Location loc = importer.nodeLoc(proto, node);
  Value graphTokens = importer.lookup(proto, node, match.tokens);
  Value ids = importer.lookup(proto, node, match.ids);
  Value weights = importer.lookup(proto, node, match.weights);
  if (!graphTokens || !ids || !weights)
    return failure();
  auto tokensType = dyn_cast<RankedTensorType>(graphTokens.getType());
  int64_t maxRank = match.tokenRowsOnly ? 2 : 3;
  if (!tokensType || tokensType.getRank() < 2 ||
      tokensType.getRank() > maxRank ||
      tokensType.isDynamicDim(tokensType.getRank() - 1)) {
    importer.nodeError(proto, node)
        << "the experts' tokens '" << match.tokens << "' must be [T, H]"
        << (match.tokenRowsOnly ? "" : " or [B, S, H]")
        << " with a static H, got " << graphTokens.getType();
    return failure();
  }
  // The moe ops see [T, H] rows and [T, k] routing.
  OpBuilder &b = importer.builder;
  Value tokens = flattenTokens(b, loc, graphTokens);
  RouteOp route = routeOps.lookup(match.ids);
  if (route) {
    ids = route.getIds();
    weights = route.getWeights();
  }
  ExpertFFN ffn;
  if (failed(buildFFN(match.experts, /*stack=*/true, node, ffn, match.stacked)))
    return failure();
  int64_t numExperts = cast<RankedTensorType>(ffn.fc1.getType()).getDimSize(0);
  if (!route || route.getNumExperts() != numExperts) {
    importer.nodeError(proto, node)
        << "the router scores "
        << (route ? route.getNumExperts() : ShapedType::kDynamic)
        << " experts, the " << match.form << " has " << numExperts;
    return failure();
  }
  Value rows =
      buildRoutedExperts(importer.builder, loc, tokens, ids, weights, ffn);
  if (match.shared) {
    // The shared expert stays visible as moe.ffn so a pass can place it.
    ExpertFFN shared;
    if (failed(buildFFN(*match.shared, /*stack=*/false, node, shared)))
      return failure();
    Value rowsIn = tokens;
    if (rowsIn.getType() != rows.getType())
      rowsIn = tensor::CastOp::create(b, loc, rows.getType(), rowsIn);
    Value dense = FFNDenseOp::create(
        b, loc, rows.getType(), rowsIn, shared.fc1, shared.fc1Bias, shared.fc2,
        shared.fc2Bias, shared.fc3, shared.fc3Bias,
        ActivationAttr::get(b.getContext(), shared.activation),
        shared.layout ? GateLayoutAttr::get(b.getContext(), *shared.layout)
                      : GateLayoutAttr(),
        b.getF64FloatAttr(shared.alpha), b.getF64FloatAttr(shared.beta),
        FloatAttr(), /*placement=*/ExpertPlacementAttr());
    rows = arith::AddFOp::create(b, loc, rows, dense);
  }
  importer.define(match.output, restoreTokenShape(b, loc, rows, graphTokens));
  return success();
}

LogicalResult DecomposedMoEImporter::buildFFN(ArrayRef<FFNMatch> ffns,
                                              bool stack, int node,
                                              ExpertFFN &ffn, bool prestacked) {
  auto collect = [&](std::string FFNMatch::*field) {
    SmallVector<std::string> names;
    for (const FFNMatch &f : ffns)
      names.push_back(f.*field);
    return names;
  };
  const FFNMatch &first = ffns.front();
  ffn.activation = first.activation;
  if (first.activation == Activation::swiglu)
    ffn.layout = first.layout.value_or(GateLayout::separate);
  ffn.alpha = first.alpha;
  ffn.beta = first.beta;
  ffn.limit = first.limit;
  struct Part {
    std::string FFNMatch::*field;
    Value *value;
    bool transpose;
    const char *what;
  } parts[] = {{&FFNMatch::fc1, &ffn.fc1, true, "fc1"},
               {&FFNMatch::fc1Bias, &ffn.fc1Bias, false, "fc1_bias"},
               {&FFNMatch::fc2, &ffn.fc2, true, "fc2"},
               {&FFNMatch::fc2Bias, &ffn.fc2Bias, false, "fc2_bias"},
               {&FFNMatch::fc3, &ffn.fc3, true, "fc3"},
               {&FFNMatch::fc3Bias, &ffn.fc3Bias, false, "fc3_bias"}};
  for (Part &part : parts) {
    if ((first.*part.field).empty())
      continue;
    std::string what = (stack ? "" : "shared_") + std::string(part.what);
    *part.value = stackWeights(collect(part.field), part.transpose, node,
                               what.c_str(), stack, prestacked);
    if (!*part.value)
      return failure();
  }
  return success();
}

void DecomposedMoEImporter::eraseDeadWeights() {
  // Initializers that only matched nodes read (per-expert weights, expert
  // indices, axes) have no use left once the blocks are moe ops. Collected
  // first: the routing chain erased below may take some of them with it,
  // and an erased op's values must not be looked at again.
  SmallVector<Operation *> initializers;
  for (const onnx::TensorProto &tensor : view.graph.initializer()) {
    ArrayRef<int> users = view.users(tensor.name());
    if (users.empty() || view.isGraphOutput(tensor.name()) ||
        !llvm::all_of(users, [&](int user) { return covers(user); }))
      continue;
    Value value = importer.values.lookup(tensor.name());
    if (auto constant = value ? value.getDefiningOp<arith::ConstantOp>()
                              : arith::ConstantOp())
      initializers.push_back(constant);
  }

  // [B, S, k] routing results nobody outside the MoE block reads. An op
  // reached twice (two dead users, a repeated initializer) is erased once.
  llvm::DenseSet<Operation *> erased;
  SmallVector<Operation *> work;
  for (Value value : restored)
    if (Operation *op = value.getDefiningOp())
      work.push_back(op);
  auto eraseIfDead = [&](Operation *op) {
    if (erased.contains(op) || !isOpTriviallyDead(op))
      return;
    for (Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp())
        work.push_back(producer);
    erased.insert(op);
    op->erase();
  };
  while (!work.empty())
    eraseIfDead(work.pop_back_val());
  restored.clear();
  for (Operation *constant : initializers)
    eraseIfDead(constant);
}

} // namespace moe::onnx_import
