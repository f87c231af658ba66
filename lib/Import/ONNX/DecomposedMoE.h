//===- DecomposedMoE.h - MoE blocks spelled with standard ONNX ops -*- C++
//-*-===//
//
// Private to lib/Import/ONNX. Exporters that know no MoE op write the block
// out of Softmax, TopK, Equal, NonZero, Gather, MatMul, ScatterElements, ...
// The matchers here find such blocks in a GraphProto before the node loop;
// a match covers a set of nodes and becomes moe ops where its last node is.
// A pattern that almost matches is left to the op-by-op importers, with a
// remark (--moe-import-remarks) that says why.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_LIB_IMPORT_ONNX_DECOMPOSEDMOE_H
#define MOE_LIB_IMPORT_ONNX_DECOMPOSEDMOE_H

#include "GraphImporter.h"
#include "MoEBlock.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <optional>
#include <string>

namespace moe::onnx_import {

//===----------------------------------------------------------------------===//
// A use-def view over the nodes of a graph
//===----------------------------------------------------------------------===//

/// `v` as an int64_t when it is an integer in range, else nullopt.
std::optional<int64_t> exactInt64(double v);

class ONNXGraphView {
public:
  ONNXGraphView(const onnx::GraphProto &graph, int64_t opset,
                mlir::MLIRContext *ctx);

  const onnx::GraphProto &graph;
  /// The model's default-domain opset (defaults of Softmax, ReduceSum, ...).
  int64_t opset;

  int numNodes() const { return graph.node_size(); }
  const onnx::NodeProto &node(int index) const { return graph.node(index); }
  /// The index of the node that produces `name`, or -1.
  int producer(llvm::StringRef name) const;
  /// The producer of `name` when it is the default-domain op `opType`;
  /// null otherwise. `index` receives its node index.
  const onnx::NodeProto *def(llvm::StringRef name, llvm::StringRef opType,
                             int *index = nullptr) const;
  /// The nodes that read `name`.
  llvm::ArrayRef<int> users(llvm::StringRef name) const;
  bool isGraphOutput(llvm::StringRef name) const {
    return graphOutputs.contains(name);
  }
  const onnx::TensorProto *initializer(llvm::StringRef name) const;
  /// The elements of a constant (an initializer or a Constant node's
  /// output) of at most `maxElements` elements, as doubles.
  std::optional<llvm::SmallVector<double>>
  constant(llvm::StringRef name, int64_t maxElements = 64) const;
  /// The elements of a small tensor, as doubles.
  std::optional<llvm::SmallVector<double>>
  tensorValues(const onnx::TensorProto &tensor, int64_t maxElements) const;
  /// The value of a one-element constant.
  std::optional<double> scalar(llvm::StringRef name) const;
  /// The elements of a constant (at most `maxElements`) when every one is
  /// an integer an int64_t holds (axes, k, indices): a fuzzed 1e19 or NaN in
  /// a float tensor must not reach a conversion.
  std::optional<llvm::SmallVector<int64_t>>
  constantInts(llvm::StringRef name, int64_t maxElements = 64) const;
  /// The value of a one-element integer constant (see constantInts).
  std::optional<int64_t> intScalar(llvm::StringRef name) const;
  /// Whether `name` is a constant whose every element is zero.
  bool isZeros(llvm::StringRef name) const;
  /// The rank the graph declares for `name` (inputs, outputs, value_info,
  /// initializers), or -1.
  int64_t rank(llvm::StringRef name) const;
  /// The declared static size of `name`'s last dimension, or -1.
  int64_t lastDim(llvm::StringRef name) const;
  /// Whether every default-domain node has the inputs the matchers read of
  /// its op and at least one output. The matchers index inputs and outputs
  /// without checking, so a graph with a malformed node is not matched at
  /// all: the op importers then name the node in their error.
  bool nodesHaveMatchableArity() const { return matchableArity; }

private:
  const onnx::TypeProto *declaredType(llvm::StringRef name) const;

  mlir::MLIRContext *ctx;
  bool matchableArity = true;
  llvm::StringMap<int> producers;
  llvm::StringMap<llvm::SmallVector<int, 2>> consumers;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<const onnx::TypeProto *> types;
  llvm::StringSet<> graphOutputs;
};

const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                          llvm::StringRef name);
int64_t intAttribute(const onnx::NodeProto &node, llvm::StringRef name,
                     int64_t defaultValue);
std::optional<llvm::SmallVector<int64_t>>
intsAttribute(const onnx::NodeProto &node, llvm::StringRef name);
std::string stringAttribute(const onnx::NodeProto &node, llvm::StringRef name,
                            llvm::StringRef defaultValue);
/// The reduction axes of a Reduce* node: attribute (opset < 13 for
/// ReduceSum) or constant second input; nullopt when not constant, empty
/// when reducing over all axes.
std::optional<llvm::SmallVector<int64_t>>
reductionAxes(const ONNXGraphView &view, const onnx::NodeProto &node);
/// Whether `name` is a tensor filled with `value`: a constant, or
/// ConstantOfShape(Shape(x)) (whose nodes go to `nodes`).
bool isFilled(const ONNXGraphView &view, llvm::StringRef name, double value,
              llvm::SmallVectorImpl<int> &nodes);
/// Whether `axis` names the last of `rank` dimensions (-1 always does; a
/// non-negative axis only when the rank is known).
bool isLastAxis(int64_t axis, int64_t rank);

//===----------------------------------------------------------------------===//
// Matches
//===----------------------------------------------------------------------===//

/// Remarks on near misses, at the node that broke the pattern.
class MatchRemarks {
public:
  MatchRemarks(GraphImporter &importer, const ONNXGraphView &view)
      : importer(importer), view(view) {}
  void nearMiss(int node, const llvm::Twine &why);
  void matched(int node, const llvm::Twine &what);
  /// Holds near misses back (until `flush`), so that a candidate that turns
  /// out to be part of a larger match is not reported.
  void hold() { holding = true; }
  /// Reports the held near misses, except at nodes `drop` says to.
  void flush(llvm::function_ref<bool(int node)> drop);

private:
  GraphImporter &importer;
  const ONNXGraphView &view;
  bool holding = false;
  std::vector<std::pair<int, std::string>> held;
};

/// A routing subgraph: scores, top k, renormalisation, scale.
struct RouteMatch {
  llvm::SmallVector<int> nodes;
  std::string logits, ids, weights;
  /// The correction bias added for selection only (sigmoid routing).
  std::string bias;
  int64_t k = 0;
  Scoring scoring = Scoring::softmax;
  bool normalize = false;
  double epsilon = 0.0;
  double scale = 1.0;
  std::optional<int64_t> nGroup, topkGroup;
};

/// An expert MLP: fc2(act(fc1(x))) with ONNX MatMul weights ([in, out],
/// or stacked [E, in, out]) named as initializers.
struct FFNMatch {
  llvm::SmallVector<int> nodes;
  std::string input;
  Activation activation = Activation::identity;
  std::string fc1, fc1Bias, fc3, fc3Bias, fc2, fc2Bias;
  /// SwiGLU with fc1's gate and linear halves in one matrix (GPT-OSS);
  /// separate (fc3) when unset.
  std::optional<GateLayout> layout;
  double alpha = 1.0, beta = 0.0;
  std::optional<double> limit;
};

/// An expert block over routed tokens: per-expert MLPs (or one stacked).
struct ExpertsMatch {
  llvm::SmallVector<int> nodes;
  const char *form = "";
  std::string tokens, ids, weights, output;
  /// One per expert, in expert order; a single one with stacked weights.
  std::vector<FFNMatch> experts;
  bool stacked = false;
  /// Whether the block indexes token rows (a per-expert loop gathers rows
  /// of [T, H]); otherwise [B, S, H] tokens are flattened around it.
  bool tokenRowsOnly = false;
  /// A shared expert on every token, added to the routed output.
  std::optional<FFNMatch> shared;
};

/// Every routing subgraph whose TopK is the anchor; near misses remarked.
std::vector<RouteMatch> matchRoutings(const ONNXGraphView &view,
                                      MatchRemarks &remarks);

/// fc2(act(fc1(x))) ending in `output`; `why` says what differs on failure.
std::optional<FFNMatch> matchExpertFFN(const ONNXGraphView &view,
                                       llvm::StringRef output, std::string &why,
                                       int &whereNode);

/// GPT-OSS style experts (stacked weights gathered by expert id) summed by
/// the ReduceSum at `anchor`; `candidate` says whether it looked like one
/// (then `why` and `whereNode` say what differs when there is no match).
std::optional<ExpertsMatch>
matchGatheredExperts(const ONNXGraphView &view,
                     llvm::ArrayRef<RouteMatch> routes, int anchor,
                     bool &candidate, std::string &why, int &whereNode);

/// Per-expert loops and dense-masked experts consuming the routings.
std::vector<ExpertsMatch> matchExpertBlocks(const ONNXGraphView &view,
                                            llvm::ArrayRef<RouteMatch> routes,
                                            MatchRemarks &remarks);

//===----------------------------------------------------------------------===//
// The driver ModelImporter calls
//===----------------------------------------------------------------------===//

class DecomposedMoEImporter {
public:
  DecomposedMoEImporter(GraphImporter &importer, const onnx::GraphProto &graph,
                        int64_t opset);
  /// Runs the matchers (after the initializers are defined).
  void findBlocks();
  /// Whether the node loop must leave `node` to this importer.
  bool covers(int node) const { return owner.count(node); }
  /// Emits the match whose last node is `node`, if any.
  mlir::LogicalResult importAt(int node);
  /// Erases the constants of initializers that only matched nodes read,
  /// and reshapes of routing results nothing reads.
  void eraseDeadWeights();

private:
  struct Block {
    llvm::SmallVector<int> nodes;
    /// Values the emission defines; only they may be read outside.
    llvm::SmallVector<std::string> results;
    std::function<mlir::LogicalResult(int node)> emit;
  };
  bool accept(Block block, llvm::StringRef form);
  mlir::LogicalResult emitRoute(const RouteMatch &route, int node);
  mlir::LogicalResult emitExperts(const ExpertsMatch &match, int node);
  /// The [E, ...] constant of per-expert weights `names`, each transposed
  /// from ONNX's [in, out] when `transpose`; without the E dimension when
  /// `stack` is false (a single name). `prestacked` names are already
  /// [E, in, out] (biases [E, 1, out] or [E, out]).
  mlir::Value stackWeights(llvm::ArrayRef<std::string> names, bool transpose,
                           int node, const char *what, bool stack = true,
                           bool prestacked = false);
  /// moe.experts' (or moe.ffn's) weights and activation from `ffns`.
  mlir::LogicalResult buildFFN(llvm::ArrayRef<FFNMatch> ffns, bool stack,
                               int node, ExpertFFN &ffn,
                               bool prestacked = false);

  GraphImporter &importer;
  ONNXGraphView view;
  MatchRemarks remarks;
  std::vector<Block> blocks;
  /// The moe.route of each matched routing, by its ids' name.
  llvm::StringMap<RouteOp> routeOps;
  /// Routing results given back a [B, S, k] shape, erased when unused.
  llvm::SmallVector<mlir::Value> restored;
  /// node index -> index into blocks.
  llvm::DenseMap<int, int> owner;
};

} // namespace moe::onnx_import

#endif // MOE_LIB_IMPORT_ONNX_DECOMPOSEDMOE_H
