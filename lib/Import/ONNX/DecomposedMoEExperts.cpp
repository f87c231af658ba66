//===- DecomposedMoEExperts.cpp - per-expert loops and dense-masked experts
//===//
//
// Two spellings of "send each token to its k experts and sum":
//
// Per-expert loop (Hugging Face Mixtral/Qwen exports), for e in 0..E-1:
//   sel   = NonZero(Equal(ids, e))          or of Gather(Transpose(OneHot(
//                                           ids), [2,1,0]), e, axis 0)
//   tok   = Gather(sel, token row, axis 0)
//   y_e   = FFN_e(Gather(x, tok, axis 0)) * w_e   (w_e [n, 1]: the weight
//           the token gave e, by GatherND(weights, Transpose(sel)) or from
//           the dense column below)
//   acc   = ScatterElements(acc, Expand(Unsqueeze(tok)), y_e, axis 0, add)
//           or ScatterND(acc, Unsqueeze(tok), y_e, add), from zeros.
//
// Dense-masked: every expert on every token, summed with Add, each scaled
// by its dense column of routing weights [T, 1]:
//   ReduceSum(weights * Cast(Equal(ids, e)), last axis)      or
//   Slice/Gather column e of ScatterElements(zeros, ids, weights, axis 1).
//
//===----------------------------------------------------------------------===//

#include "DecomposedMoE.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace moe::onnx_import {
namespace {

/// Builds one expert block, collecting the nodes it covers.
class ExpertBlockMatcher {
public:
  ExpertBlockMatcher(const ONNXGraphView &view, ArrayRef<RouteMatch> routes)
      : view(view), routes(routes) {}

  /// The per-expert loop that ends in the scatter at `anchor`.
  std::optional<ExpertsMatch> matchLoop(int anchor);
  /// The dense-masked sum whose outermost Add is `anchor`.
  std::optional<ExpertsMatch> matchDense(int anchor, bool &looksLikeMoE);
  /// The batched dense-masked experts summed by the ReduceSum at `anchor`.
  std::optional<ExpertsMatch> matchBatched(int anchor, bool &looksLikeMoE);

  std::string why;
  int whereNode = -1;

private:
  bool fail(int node, const Twine &message) {
    if (why.empty()) {
      why = message.str();
      whereNode = node;
    }
    return false;
  }
  /// Constant integer scalar.
  std::optional<int64_t> intScalar(StringRef name) {
    return view.intScalar(name);
  }
  /// Equal(ids, e) in either order (through a Cast): the expert e.
  std::optional<int64_t> matchEqualExpert(StringRef name);
  /// A mask of expert e's assignments: its expert and the row of NonZero's
  /// output that holds token indices.
  std::optional<int64_t> matchMask(StringRef name, int &tokenRow);
  /// The dense column of expert e's routing weights; `rank` 1 ([T]) or 2.
  std::optional<int64_t> matchDenseColumn(StringRef name, int &rank);
  bool isDenseWeightMatrix(StringRef name);
  /// Whether `name` is [n, 1] routing weights of expert `e` for the rows
  /// `tok` picked out of NonZero output `sel`.
  bool matchRowWeights(StringRef name, int64_t e, StringRef sel, int tokenRow,
                       StringRef tok);
  bool bindRoute(StringRef ids, StringRef weights, int node);
  bool isZerosLike(StringRef name, StringRef like);
  bool finish(ExpertsMatch &match, int anchor);
  /// Puts each expert's FFN at its index, then finishes the match.
  bool placeExperts(std::vector<std::pair<int64_t, FFNMatch>> &experts,
                    ExpertsMatch &match, int anchor);
  void add(int node) { nodes.push_back(node); }

  const ONNXGraphView &view;
  ArrayRef<RouteMatch> routes;
  const RouteMatch *route = nullptr;
  SmallVector<int> nodes;
};

bool ExpertBlockMatcher::bindRoute(StringRef ids, StringRef weights, int node) {
  for (const RouteMatch &r : routes) {
    if (r.ids != ids)
      continue;
    if (route && route != &r)
      return fail(node, "the experts read the ids of two different routings");
    route = &r;
    if (!weights.empty() && r.weights != weights)
      return fail(node, "'" + weights +
                            "' are not the weights of the "
                            "routing that chose these experts");
    return true;
  }
  return fail(node, "'" + ids +
                        "' are not the expert ids of a recognised "
                        "routing (Softmax/Sigmoid, TopK)");
}

std::optional<int64_t> ExpertBlockMatcher::matchEqualExpert(StringRef name) {
  int index = -1;
  if (const onnx::NodeProto *cast = view.def(name, "Cast", &index)) {
    add(index);
    name = cast->input(0);
  }
  const onnx::NodeProto *eq = view.def(name, "Equal", &index);
  if (!eq)
    return std::nullopt;
  for (int i = 0; i < 2; ++i)
    if (std::optional<int64_t> e = intScalar(eq->input(i))) {
      if (!bindRoute(eq->input(1 - i), "", index))
        return std::nullopt;
      add(index);
      return e;
    }
  return std::nullopt;
}

std::optional<int64_t> ExpertBlockMatcher::matchMask(StringRef name,
                                                     int &tokenRow) {
  if (std::optional<int64_t> e = matchEqualExpert(name)) {
    tokenRow = 0; // Equal(ids, e) is [T, k]
    return e;
  }
  // Gather(Transpose(OneHot(ids, E), [2, 1, 0]), e, axis 0): [k, T].
  int gatherIndex = -1, transposeIndex = -1, oneHotIndex = -1;
  const onnx::NodeProto *gather = view.def(name, "Gather", &gatherIndex);
  if (!gather || intAttribute(*gather, "axis", 0) != 0)
    return std::nullopt;
  std::optional<int64_t> e = intScalar(gather->input(1));
  const onnx::NodeProto *transpose =
      view.def(gather->input(0), "Transpose", &transposeIndex);
  if (!e || !transpose ||
      intsAttribute(*transpose, "perm") != SmallVector<int64_t>{2, 1, 0})
    return std::nullopt;
  const onnx::NodeProto *oneHot =
      view.def(transpose->input(0), "OneHot", &oneHotIndex);
  if (!oneHot || intAttribute(*oneHot, "axis", -1) != -1)
    return std::nullopt;
  auto values = view.constant(oneHot->input(2));
  if (!values || *values != SmallVector<double>{0.0, 1.0})
    return std::nullopt;
  if (!bindRoute(oneHot->input(0), "", oneHotIndex))
    return std::nullopt;
  nodes.append({gatherIndex, transposeIndex, oneHotIndex});
  tokenRow = 1;
  return e;
}

bool ExpertBlockMatcher::isZerosLike(StringRef name, StringRef like) {
  int index = -1, shapeIndex = -1;
  if (view.isZeros(name))
    return true;
  const onnx::NodeProto *cos = view.def(name, "ConstantOfShape", &index);
  if (!cos)
    return false;
  if (const onnx::AttributeProto *value = findAttribute(*cos, "value")) {
    auto values = view.tensorValues(value->t(), 1);
    if (!values || values->size() != 1 || (*values)[0] != 0.0)
      return false;
  }
  const onnx::NodeProto *shape = view.def(cos->input(0), "Shape", &shapeIndex);
  if (!shape || (!like.empty() && shape->input(0) != like))
    return false;
  nodes.append({index, shapeIndex});
  return true;
}

bool ExpertBlockMatcher::isDenseWeightMatrix(StringRef name) {
  // ScatterElements(zeros, ids, weights, axis = last): weights[t, j] at
  // [t, ids[t, j]]; the ids of one token are distinct, so no reduction is
  // needed and "add" changes nothing.
  int index = -1;
  const onnx::NodeProto *scatter = view.def(name, "ScatterElements", &index);
  if (!scatter || scatter->input_size() < 3)
    return false;
  std::string reduction = stringAttribute(*scatter, "reduction", "none");
  int64_t axis = intAttribute(*scatter, "axis", 0);
  if (axis != 1 && axis != -1)
    return fail(index, "the dense routing-weight matrix scatters along axis " +
                           std::to_string(axis) + ", not the expert axis");
  if (reduction != "none" && reduction != "add")
    return fail(index, "the dense routing-weight matrix scatters with "
                       "reduction '" +
                           reduction + "'");
  if (!bindRoute(scatter->input(1), scatter->input(2), index))
    return false;
  if (!isZerosLike(scatter->input(0), ""))
    return fail(index, "the dense routing-weight matrix does not start "
                       "from zeros");
  add(index);
  return true;
}

std::optional<int64_t> ExpertBlockMatcher::matchDenseColumn(StringRef name,
                                                            int &rank) {
  int index = -1;
  if (const onnx::NodeProto *sum = view.def(name, "ReduceSum", &index)) {
    auto axes = reductionAxes(view, *sum);
    if (!axes || axes->size() != 1 ||
        !isLastAxis((*axes)[0], view.rank(sum->input(0))))
      return std::nullopt;
    rank = intAttribute(*sum, "keepdims", 1) ? 2 : 1;
    int mulIndex = -1;
    const onnx::NodeProto *mul = view.def(sum->input(0), "Mul", &mulIndex);
    int whereIndex = -1;
    const onnx::NodeProto *where =
        mul ? nullptr : view.def(sum->input(0), "Where", &whereIndex);
    if (mul) {
      for (int i = 0; i < 2; ++i)
        if (std::optional<int64_t> e = matchEqualExpert(mul->input(i))) {
          if (!bindRoute(route ? route->ids : "", mul->input(1 - i), mulIndex))
            return std::nullopt;
          nodes.append({index, mulIndex});
          return e;
        }
    } else if (where && view.isZeros(where->input(2))) {
      if (std::optional<int64_t> e = matchEqualExpert(where->input(0))) {
        if (!bindRoute(route ? route->ids : "", where->input(1), whereIndex))
          return std::nullopt;
        nodes.append({index, whereIndex});
        return e;
      }
    }
    return std::nullopt;
  }
  if (const onnx::NodeProto *slice = view.def(name, "Slice", &index)) {
    if (slice->input_size() < 4)
      return std::nullopt;
    std::optional<int64_t> start = intScalar(slice->input(1));
    std::optional<int64_t> end = intScalar(slice->input(2));
    std::optional<int64_t> axis = intScalar(slice->input(3));
    bool unitStep = slice->input_size() < 5 || intScalar(slice->input(4)) == 1;
    if (!start || !end || *end != *start + 1 || !axis ||
        (*axis != 1 && *axis != -1) || !unitStep ||
        !isDenseWeightMatrix(slice->input(0)))
      return std::nullopt;
    add(index);
    rank = 2;
    return start;
  }
  if (const onnx::NodeProto *gather = view.def(name, "Gather", &index)) {
    int64_t axis = intAttribute(*gather, "axis", 0);
    std::optional<int64_t> e = intScalar(gather->input(1));
    if (!e || (axis != 1 && axis != -1) ||
        !isDenseWeightMatrix(gather->input(0)))
      return std::nullopt;
    add(index);
    rank = 1;
    return e;
  }
  return std::nullopt;
}

bool ExpertBlockMatcher::matchRowWeights(StringRef name, int64_t e,
                                         StringRef sel, int tokenRow,
                                         StringRef tok) {
  int index = -1;
  int rank = 1;
  // [n] -> [n, 1]
  bool unsqueezed = false;
  if (const onnx::NodeProto *unsq = view.def(name, "Unsqueeze", &index)) {
    auto axes = intsAttribute(*unsq, "axes");
    if (!axes && unsq->input_size() > 1)
      if (std::optional<int64_t> a = intScalar(unsq->input(1)))
        axes = SmallVector<int64_t>{*a};
    if (!axes || axes->size() != 1 || ((*axes)[0] != 1 && (*axes)[0] != -1))
      return fail(index, "the routing weight is unsqueezed on another axis "
                         "than the last");
    add(index);
    name = unsq->input(0);
    unsqueezed = true;
  }
  if (const onnx::NodeProto *gnd = view.def(name, "GatherND", &index)) {
    // weights[t, j] at NonZero's (t, j); a [k, T] mask gives (j, t) and
    // needs the weights transposed alike.
    int coordsIndex = -1, wtIndex = -1;
    const onnx::NodeProto *coords =
        view.def(gnd->input(1), "Transpose", &coordsIndex);
    if (!coords || coords->input(0) != sel ||
        intAttribute(*gnd, "batch_dims", 0) != 0)
      return fail(index, "the GatherND of routing weights does not index "
                         "them with the expert's NonZero coordinates");
    std::string weights = gnd->input(0);
    if (tokenRow == 1) {
      const onnx::NodeProto *wt = view.def(weights, "Transpose", &wtIndex);
      if (!wt)
        return fail(index, "the GatherND reads the [T, k] weights with [k, T] "
                           "coordinates");
      weights = wt->input(0);
      add(wtIndex);
    }
    if (!bindRoute(route->ids, weights, index))
      return false;
    nodes.append({index, coordsIndex});
    rank = 1;
  } else if (const onnx::NodeProto *gather = view.def(name, "Gather", &index)) {
    int colRank = 0;
    std::optional<int64_t> column = matchDenseColumn(gather->input(0), colRank);
    if (!column || intAttribute(*gather, "axis", 0) != 0 ||
        gather->input(1) != tok)
      return fail(index, "the routing weight is not the expert's dense "
                         "weight column gathered at its tokens");
    if (*column != e)
      return fail(index, llvm::formatv("expert {0}'s tokens are weighted by "
                                       "expert {1}'s routing weights",
                                       e, *column));
    add(index);
    rank = colRank;
  } else {
    return fail(view.producer(name),
                "the expert output is not multiplied by the routing weight "
                "of its tokens");
  }
  if (rank + (unsqueezed ? 1 : 0) != 2)
    return fail(view.producer(name),
                "the routing weight is not a [n, 1] column (it would "
                "broadcast along the hidden axis)");
  return true;
}

bool ExpertBlockMatcher::placeExperts(
    std::vector<std::pair<int64_t, FFNMatch>> &experts, ExpertsMatch &match,
    int anchor) {
  match.experts.resize(experts.size());
  SmallVector<bool> seen(experts.size(), false);
  for (auto &[e, ffn] : experts) {
    if (e < 0 || e >= static_cast<int64_t>(experts.size()) || seen[e])
      return fail(anchor, llvm::formatv("expert {0} appears twice or out of "
                                        "the range of the {1} experts",
                                        e, experts.size()));
    seen[e] = true;
    match.experts[e] = std::move(ffn);
  }
  return finish(match, anchor);
}

bool ExpertBlockMatcher::finish(ExpertsMatch &match, int anchor) {
  // One FFN shape for all experts: moe.experts has one activation and
  // biases for all or none.
  const FFNMatch &first = match.experts.front();
  for (auto [e, ffn] : llvm::enumerate(match.experts)) {
    if (ffn.activation != first.activation)
      return fail(anchor, llvm::formatv("expert {0}'s activation differs "
                                        "from expert 0's",
                                        e));
    if (ffn.fc1Bias.empty() != first.fc1Bias.empty() ||
        ffn.fc2Bias.empty() != first.fc2Bias.empty() ||
        ffn.fc3Bias.empty() != first.fc3Bias.empty())
      return fail(anchor, llvm::formatv("expert {0} has biases where expert "
                                        "0 has none, or the reverse",
                                        e));
  }
  match.nodes = nodes;
  match.ids = route->ids;
  match.weights = route->weights;
  for (FFNMatch &ffn : match.experts)
    match.nodes.append(ffn.nodes);
  int64_t numExperts = view.lastDim(route->logits);
  if (numExperts > 0 && !match.stacked &&
      numExperts != static_cast<int64_t>(match.experts.size()))
    return fail(anchor, llvm::formatv("the router scores {0} experts, the "
                                      "pattern has {1}",
                                      numExperts, match.experts.size()));
  return true;
}

std::optional<ExpertsMatch> ExpertBlockMatcher::matchLoop(int anchor) {
  ExpertsMatch match;
  match.form = "per-expert loop";
  match.tokenRowsOnly = true;
  match.output = view.node(anchor).output(0);
  std::vector<std::pair<int64_t, FFNMatch>> experts;
  std::string acc = match.output;
  int index = -1;
  while (true) {
    const onnx::NodeProto *scatter = view.def(acc, "ScatterElements", &index);
    bool isND = false;
    if (!scatter) {
      scatter = view.def(acc, "ScatterND", &index);
      isND = true;
    }
    if (!scatter)
      break;
    if (scatter->input_size() < 3)
      return std::nullopt;
    std::string reduction = stringAttribute(*scatter, "reduction", "none");
    if (reduction != "add") {
      fail(index, "the scatter does not accumulate (reduction '" + reduction +
                      "', not 'add')");
      return std::nullopt;
    }
    if (!isND && intAttribute(*scatter, "axis", 0) != 0) {
      fail(index, "ScatterElements does not scatter along the token axis");
      return std::nullopt;
    }
    add(index);
    const std::string &indices = scatter->input(1);
    const std::string &updates = scatter->input(2);

    // updates = FFN(x_e) * w_e
    int mulIndex = -1;
    const onnx::NodeProto *mul = view.def(updates, "Mul", &mulIndex);
    if (!mul) {
      fail(index, "the scattered rows are not an expert's output times its "
                  "routing weight");
      return std::nullopt;
    }
    add(mulIndex);
    std::optional<FFNMatch> ffn;
    std::string weightName, ffnWhy;
    int ffnWhere = -1;
    for (int i = 0; i < 2 && !ffn; ++i) {
      std::string w;
      int where = -1;
      ffn = matchExpertFFN(view, mul->input(i), w, where);
      if (ffn)
        weightName = mul->input(1 - i);
      else if (ffnWhy.empty() || i == 0) {
        ffnWhy = w;
        ffnWhere = where;
      }
    }
    int pos = static_cast<int>(experts.size());
    if (!ffn) {
      fail(ffnWhere >= 0 ? ffnWhere : mulIndex,
           llvm::formatv("the expert of scatter #{0} from the end: {1}", pos,
                         ffnWhy));
      return std::nullopt;
    }
    int gatherIndex = -1, tokIndex = -1, nzIndex = -1;
    const onnx::NodeProto *gather =
        view.def(ffn->input, "Gather", &gatherIndex);
    if (!gather || intAttribute(*gather, "axis", 0) != 0) {
      fail(mulIndex, "the expert's input is not a Gather of token rows");
      return std::nullopt;
    }
    const std::string &tok = gather->input(1);
    const onnx::NodeProto *tokNode = view.def(tok, "Gather", &tokIndex);
    std::optional<int64_t> row =
        tokNode && intAttribute(*tokNode, "axis", 0) == 0
            ? intScalar(tokNode->input(1))
            : std::nullopt;
    const onnx::NodeProto *nz =
        tokNode ? view.def(tokNode->input(0), "NonZero", &nzIndex) : nullptr;
    if (!row || !nz) {
      fail(gatherIndex, "the gathered token indices are not a row of a "
                        "NonZero of an expert mask");
      return std::nullopt;
    }
    int tokenRow = -1;
    std::optional<int64_t> e = matchMask(nz->input(0), tokenRow);
    if (!e) {
      fail(nzIndex, "the NonZero's input is not Equal(ids, e) or expert e "
                    "of a OneHot of the ids");
      return std::nullopt;
    }
    if (*row != tokenRow) {
      fail(tokIndex, llvm::formatv("expert {0} gathers row {1} of NonZero's "
                                   "coordinates, the slots, not the tokens",
                                   *e, *row));
      return std::nullopt;
    }
    nodes.append({gatherIndex, tokIndex, nzIndex});
    if (!matchRowWeights(weightName, *e, nz->output(0), tokenRow, tok))
      return std::nullopt;

    // indices: Expand(Unsqueeze(tok), Shape(..)) for ScatterElements,
    // Unsqueeze(tok) for ScatterND.
    std::string idx = indices;
    int expandIndex = -1, shapeIndex = -1, unsqIndex = -1;
    if (!isND) {
      const onnx::NodeProto *expand = view.def(idx, "Expand", &expandIndex);
      const onnx::NodeProto *shape =
          expand ? view.def(expand->input(1), "Shape", &shapeIndex) : nullptr;
      if (!shape) {
        fail(index, "the scatter indices are not the token indices expanded "
                    "over the hidden axis");
        return std::nullopt;
      }
      nodes.append({expandIndex, shapeIndex});
      idx = expand->input(0);
    }
    const onnx::NodeProto *unsq = view.def(idx, "Unsqueeze", &unsqIndex);
    std::optional<SmallVector<int64_t>> axes;
    if (unsq) {
      axes = intsAttribute(*unsq, "axes");
      if (!axes && unsq->input_size() > 1)
        if (std::optional<int64_t> a = intScalar(unsq->input(1)))
          axes = SmallVector<int64_t>{*a};
    }
    if (!unsq || unsq->input(0) != tok || !axes || axes->size() != 1 ||
        ((*axes)[0] != 1 && (*axes)[0] != -1)) {
      fail(index, "the scatter indices are not the expert's token indices");
      return std::nullopt;
    }
    add(unsqIndex);
    experts.push_back({*e, std::move(*ffn)});
    if (match.tokens.empty())
      match.tokens = gather->input(0);
    else if (match.tokens != gather->input(0)) {
      fail(gatherIndex, "experts gather rows of different token tensors");
      return std::nullopt;
    }
    acc = scatter->input(0);
  }
  if (experts.empty())
    return std::nullopt;
  if (!isZerosLike(acc, match.tokens)) {
    fail(index, "the accumulation does not start from zeros shaped like the "
                "tokens");
    return std::nullopt;
  }
  if (!placeExperts(experts, match, anchor))
    return std::nullopt;
  return match;
}

std::optional<ExpertsMatch> ExpertBlockMatcher::matchDense(int anchor,
                                                           bool &looksLikeMoE) {
  ExpertsMatch match;
  match.form = "dense-masked experts";
  match.output = view.node(anchor).output(0);
  // Terms of the Add tree.
  SmallVector<std::string> terms, work = {match.output};
  while (!work.empty()) {
    std::string name = work.pop_back_val();
    int index = -1;
    const onnx::NodeProto *addNode = view.def(name, "Add", &index);
    // A bias Add (MatMul + initializer) ends a summand, it is no sum.
    bool isBias = addNode && llvm::any_of(addNode->input(), [&](auto &in) {
                    return view.initializer(in) != nullptr;
                  });
    if (addNode && !isBias &&
        (name == match.output || view.users(name).size() == 1)) {
      add(index);
      work.push_back(addNode->input(1));
      work.push_back(addNode->input(0));
      continue;
    }
    terms.push_back(name);
  }
  std::vector<std::pair<int64_t, FFNMatch>> experts;
  SmallVector<std::string> others;
  looksLikeMoE = false;
  for (const std::string &term : terms) {
    int mulIndex = -1;
    const onnx::NodeProto *mul = view.def(term, "Mul", &mulIndex);
    if (!mul) {
      others.push_back(term);
      continue;
    }
    std::optional<int64_t> e;
    std::optional<FFNMatch> ffn;
    std::string ffnWhy;
    int ffnWhere = -1;
    for (int i = 0; i < 2 && !e; ++i) {
      int rank = 0;
      size_t mark = nodes.size();
      e = matchDenseColumn(mul->input(i), rank);
      if (!e) {
        nodes.resize(mark);
        continue;
      }
      looksLikeMoE = true;
      if (rank != 2) {
        fail(mulIndex, "the routing-weight column is [T], not [T, 1] (it "
                       "would broadcast along the hidden axis)");
        return std::nullopt;
      }
      ffn = matchExpertFFN(view, mul->input(1 - i), ffnWhy, ffnWhere);
    }
    if (!e) {
      others.push_back(term);
      continue;
    }
    if (!ffn) {
      fail(ffnWhere >= 0 ? ffnWhere : mulIndex,
           llvm::formatv("expert {0}: {1}", *e, ffnWhy));
      return std::nullopt;
    }
    add(mulIndex);
    if (match.tokens.empty())
      match.tokens = ffn->input;
    else if (match.tokens != ffn->input) {
      fail(mulIndex, "the experts read different token tensors");
      return std::nullopt;
    }
    experts.push_back({*e, std::move(*ffn)});
  }
  // One summand may be a shared expert on the same tokens.
  if (looksLikeMoE && others.size() == 1 && why.empty()) {
    std::string sharedWhy;
    int sharedWhere = -1;
    match.shared = matchExpertFFN(view, others[0], sharedWhy, sharedWhere);
    if (match.shared && match.shared->input == match.tokens)
      others.clear();
  }
  if (looksLikeMoE && !others.empty())
    fail(view.producer(others[0]), "a summand is neither an expert output "
                                   "times its routing-weight column nor a "
                                   "shared expert on the same tokens");
  if (!looksLikeMoE || !why.empty() || experts.size() < 2)
    return std::nullopt;
  if (!placeExperts(experts, match, anchor))
    return std::nullopt;
  if (match.shared)
    match.nodes.append(match.shared->nodes);
  return match;
}

std::optional<ExpertsMatch>
ExpertBlockMatcher::matchBatched(int anchor, bool &looksLikeMoE) {
  // ReduceSum(MLP(x) * Unsqueeze(Transpose(D), -1), axis 0) with stacked
  // [E, in, out] weights: MatMul broadcasts x over the experts.
  const onnx::NodeProto &sum = view.node(anchor);
  auto axes = reductionAxes(view, sum);
  int mulIndex = -1;
  const onnx::NodeProto *mul = view.def(sum.input(0), "Mul", &mulIndex);
  if (!axes || *axes != SmallVector<int64_t>{0} ||
      intAttribute(sum, "keepdims", 1) != 0 || !mul)
    return std::nullopt;
  ExpertsMatch match;
  match.form = "batched dense-masked experts";
  match.output = sum.output(0);
  match.stacked = true;
  std::optional<FFNMatch> ffn;
  for (int i = 0; i < 2 && !looksLikeMoE; ++i) {
    int unsqIndex = -1, transposeIndex = -1;
    const onnx::NodeProto *unsq =
        view.def(mul->input(i), "Unsqueeze", &unsqIndex);
    SmallVector<int64_t> unsqAxes;
    if (unsq) {
      if (auto a = intsAttribute(*unsq, "axes"))
        unsqAxes = *a;
      else if (unsq->input_size() > 1)
        if (auto values = view.constantInts(unsq->input(1)))
          unsqAxes = *values;
    }
    const onnx::NodeProto *transpose =
        unsq ? view.def(unsq->input(0), "Transpose", &transposeIndex) : nullptr;
    auto perm = transpose ? intsAttribute(*transpose, "perm") : std::nullopt;
    size_t mark = nodes.size();
    if (!transpose || (perm && *perm != SmallVector<int64_t>{1, 0}) ||
        unsqAxes.size() != 1 || (unsqAxes[0] != 2 && unsqAxes[0] != -1) ||
        !isDenseWeightMatrix(transpose->input(0))) {
      nodes.resize(mark);
      continue;
    }
    looksLikeMoE = true;
    nodes.append({anchor, mulIndex, unsqIndex, transposeIndex});
    std::string ffnWhy;
    int ffnWhere = -1;
    ffn = matchExpertFFN(view, mul->input(1 - i), ffnWhy, ffnWhere);
    if (!ffn) {
      fail(ffnWhere >= 0 ? ffnWhere : mulIndex,
           "the batched experts: " + ffnWhy);
      return std::nullopt;
    }
  }
  if (!ffn)
    return std::nullopt;
  const onnx::TensorProto *fc1 = view.initializer(ffn->fc1);
  if (!fc1 || fc1->dims_size() != 3) {
    fail(mulIndex, "the batched experts' fc1 '" + ffn->fc1 +
                       "' is not a stacked [E, H, I] initializer");
    return std::nullopt;
  }
  match.tokens = ffn->input;
  match.experts.push_back(std::move(*ffn));
  if (!finish(match, anchor))
    return std::nullopt;
  return match;
}

} // namespace

std::vector<ExpertsMatch> matchExpertBlocks(const ONNXGraphView &view,
                                            ArrayRef<RouteMatch> routes,
                                            MatchRemarks &remarks) {
  std::vector<ExpertsMatch> blocks;
  llvm::DenseSet<int> routing;
  for (const RouteMatch &route : routes)
    routing.insert(route.nodes.begin(), route.nodes.end());
  for (int i = 0, e = view.numNodes(); i < e; ++i) {
    if (routing.contains(i))
      continue;
    const onnx::NodeProto &node = view.node(i);
    if (node.output_size() < 1 ||
        !(node.domain().empty() || node.domain() == "ai.onnx"))
      continue;
    const std::string &out = node.output(0);
    // Anchors: the last scatter of a chain, the outermost Add of a sum.
    bool readByNext = llvm::any_of(view.users(out), [&](int user) {
      return view.node(user).op_type() == node.op_type();
    });
    if (readByNext)
      continue;
    ExpertBlockMatcher matcher(view, routes);
    std::optional<ExpertsMatch> match;
    bool candidate = false;
    bool readsIds =
        node.input_size() > 1 && llvm::any_of(routes, [&](const RouteMatch &r) {
          return r.ids == node.input(1);
        });
    if ((node.op_type() == "ScatterElements" ||
         node.op_type() == "ScatterND") &&
        !readsIds) {
      match = matcher.matchLoop(i);
      candidate = !view.users(out).empty() || view.isGraphOutput(out);
      if (!match && matcher.why.find("the scattered rows are not") == 0)
        candidate = false;
    } else if (node.op_type() == "Add") {
      match = matcher.matchDense(i, candidate);
    } else if (node.op_type() == "ReduceSum") {
      match = matcher.matchBatched(i, candidate);
      if (!match && !candidate) {
        matcher.why.clear();
        match = matchGatheredExperts(view, routes, i, candidate, matcher.why,
                                     matcher.whereNode);
      }
    }
    if (match) {
      // A shared expert: Add(routed, FFN(tokens)), Qwen/DeepSeek style.
      ArrayRef<int> users = view.users(match->output);
      const onnx::NodeProto *add =
          users.size() == 1 && !view.isGraphOutput(match->output)
              ? &view.node(users[0])
              : nullptr;
      if (add && add->op_type() == "Add" && add->input_size() == 2 &&
          !match->shared) {
        std::string other =
            add->input(0) == match->output ? add->input(1) : add->input(0);
        std::string why;
        int where = -1;
        std::optional<FFNMatch> shared =
            matchExpertFFN(view, other, why, where);
        if (shared && shared->input == match->tokens) {
          match->nodes.push_back(users[0]);
          match->nodes.append(shared->nodes);
          match->output = add->output(0);
          match->shared = std::move(shared);
        }
      }
      blocks.push_back(std::move(*match));
    } else if (candidate && !matcher.why.empty())
      remarks.nearMiss(matcher.whereNode >= 0 ? matcher.whereNode : i,
                       matcher.why);
  }
  return blocks;
}

} // namespace moe::onnx_import
