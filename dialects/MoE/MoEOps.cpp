//===- MoEOps.cpp - moe operations: verifiers and assembly ----------------===//
//
// Shape and attribute rules of the moe ops, and the custom assembly of the
// expert FFN (weights, activation, placements).
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/MoEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace moe;

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

/// Two extents agree unless both are static and differ.
static bool extentsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Prints a shape the way tensor types spell it, for diagnostics.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      text += ", ";
    text += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return text + "]";
}

/// Checks that `value` has shape `expected` (kDynamic matches anything).
static LogicalResult verifyShape(Operation *op, Value value, StringRef name,
                                 ArrayRef<int64_t> expected) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() != static_cast<int64_t>(expected.size()))
    return op->emitOpError()
           << name << " must have rank " << expected.size()
           << " (expected shape " << formatShape(expected) << "), got " << type;
  for (auto [actual, want] : llvm::zip(type.getShape(), expected))
    if (!extentsAgree(actual, want))
      return op->emitOpError()
             << name << " has shape " << formatShape(type.getShape())
             << ", expected " << formatShape(expected);
  return success();
}

static LogicalResult verifySameElementType(Operation *op, Value value,
                                           StringRef name, Type expected,
                                           StringRef expectedName) {
  Type actual = cast<ShapedType>(value.getType()).getElementType();
  if (actual != expected)
    return op->emitOpError()
           << name << " element type " << actual << " does not match the "
           << expectedName << " element type " << expected;
  return success();
}

/// The extent two agreeing extents describe: the static one if any.
static int64_t joinExtents(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? b : a;
}

/// N = T * k, dynamic when either factor is.
static int64_t productExtent(int64_t a, int64_t b) {
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b))
    return ShapedType::kDynamic;
  return a * b;
}

//===----------------------------------------------------------------------===//
// RouteOp
//===----------------------------------------------------------------------===//

int64_t RouteOp::getNumExperts() { return getLogits().getType().getDimSize(1); }

LogicalResult RouteOp::verify() {
  RankedTensorType logitsType = getLogits().getType();
  if (logitsType.getRank() != 2)
    return emitOpError("logits must have rank 2 ([tokens, experts]), got ")
           << logitsType;
  int64_t numExperts = logitsType.getDimSize(1);
  if (ShapedType::isDynamic(numExperts))
    return emitOpError("the number of experts (logits dimension 1) must be "
                       "static");
  int64_t k = getK();
  if (k < 1 || k > numExperts)
    return emitOpError("k = ") << k << " must be in [1, " << numExperts
                               << "] (the number of experts)";
  int64_t tokens = logitsType.getDimSize(0);
  if (failed(verifyShape(*this, getIds(), "ids", {tokens, k})))
    return failure();
  tokens = joinExtents(tokens, getIds().getType().getDimSize(0));
  if (failed(verifyShape(*this, getWeights(), "weights", {tokens, k})) ||
      failed(verifySameElementType(*this, getWeights(), "weights",
                                   logitsType.getElementType(), "logits")))
    return failure();
  if (Value bias = getCorrectionBias()) {
    if (failed(verifyShape(*this, bias, "correction bias", {numExperts})) ||
        failed(verifySameElementType(*this, bias, "correction bias",
                                     logitsType.getElementType(), "logits")))
      return failure();
  }
  double scale = getScale().convertToDouble();
  if (!std::isfinite(scale) || scale <= 0.0)
    return emitOpError("scale must be a finite positive number, got ") << scale;
  double epsilon = getEpsilon().convertToDouble();
  if (!std::isfinite(epsilon) || epsilon < 0.0)
    return emitOpError("epsilon must be a finite non-negative number, got ")
           << epsilon;
  if (epsilon != 0.0 && !getNormalize())
    return emitOpError("epsilon = ")
           << epsilon << " only applies with normalize";

  if (getNGroup().has_value() != getTopkGroup().has_value())
    return emitOpError("n_group and topk_group must be given together");
  if (!isGroupLimited())
    return success();
  int64_t numGroups = *getNGroup();
  int64_t selectedGroups = *getTopkGroup();
  if (numGroups < 1 || numExperts % numGroups != 0)
    return emitOpError("n_group = ")
           << numGroups << " must be positive and divide the " << numExperts
           << " experts";
  if (selectedGroups < 1 || selectedGroups > numGroups)
    return emitOpError("topk_group = ")
           << selectedGroups << " must be in [1, " << numGroups << "]";
  int64_t reachable = selectedGroups * (numExperts / numGroups);
  if (reachable < k)
    return emitOpError("k = ")
           << k << " exceeds the " << reachable << " experts in the "
           << selectedGroups << " selected groups";
  return success();
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

int64_t DispatchOp::getNumExperts() {
  return getOffsets().getType().getDimSize(0) - 1;
}

LogicalResult DispatchOp::verify() {
  RankedTensorType tokensType = getTokens().getType();
  RankedTensorType idsType = getIds().getType();
  if (tokensType.getRank() != 2)
    return emitOpError("tokens must have rank 2 ([tokens, hidden]), got ")
           << tokensType;
  if (idsType.getRank() != 2)
    return emitOpError("ids must have rank 2 ([tokens, k]), got ") << idsType;
  int64_t tokens = tokensType.getDimSize(0);
  int64_t hidden = tokensType.getDimSize(1);
  if (!extentsAgree(tokens, idsType.getDimSize(0)))
    return emitOpError("ids have ")
           << idsType.getDimSize(0) << " tokens but tokens have " << tokens;
  tokens = joinExtents(tokens, idsType.getDimSize(0));
  int64_t k = idsType.getDimSize(1);
  if (ShapedType::isDynamic(k))
    return emitOpError("k (ids dimension 1) must be static");
  RankedTensorType offsetsType = getOffsets().getType();
  if (offsetsType.getRank() != 1 || offsetsType.isDynamicDim(0) ||
      offsetsType.getDimSize(0) < 2)
    return emitOpError("offsets must be a static 1-D tensor of E + 1 >= 2 "
                       "elements, got ")
           << offsetsType;
  int64_t rows = productExtent(tokens, k);
  if (failed(verifyShape(*this, getSorted(), "sorted tokens", {rows, hidden})))
    return failure();
  if (failed(verifySameElementType(*this, getSorted(), "sorted tokens",
                                   tokensType.getElementType(), "tokens")))
    return failure();
  int64_t sortedRows = getSorted().getType().getDimSize(0);
  return verifyShape(*this, getPermutation(), "permutation",
                     {ShapedType::isDynamic(rows) ? sortedRows : rows});
}

//===----------------------------------------------------------------------===//
// The expert FFN shared by ExpertsOp and FFNDenseOp
//===----------------------------------------------------------------------===//

namespace {
/// The FFN operands of one op, with `expertDims` the leading [E] of routed
/// experts (empty for a dense FFN).
struct FFNOperands {
  Value tokens, fc1, fc1Bias, fc2, fc2Bias, fc3, fc3Bias;
  SmallVector<int64_t, 1> expertDims;
};
} // namespace

/// ODS checks that optional operand segments hold at most one operand, but
/// in generic form a required segment can hold none or several: catch that
/// before any accessor runs.
static LogicalResult verifySegments(Operation *op, ArrayRef<int32_t> sizes,
                                    ArrayRef<StringRef> names,
                                    ArrayRef<bool> required) {
  for (auto [size, name, isRequired] : llvm::zip(sizes, names, required))
    if (isRequired && size != 1)
      return op->emitOpError("needs exactly one ")
             << name << " operand, got " << size;
  return success();
}

template <typename OpTy>
static LogicalResult verifyFFN(OpTy op, const FFNOperands &ffn) {
  Operation *o = op.getOperation();
  RankedTensorType tokensType = cast<RankedTensorType>(ffn.tokens.getType());
  Type elementType = tokensType.getElementType();
  if (tokensType.getRank() != 2)
    return op.emitOpError("tokens must have rank 2 ([rows, hidden]), got ")
           << tokensType;
  int64_t hidden = tokensType.getDimSize(1);
  auto withExperts = [&](ArrayRef<int64_t> dims) {
    SmallVector<int64_t> shape(ffn.expertDims.begin(), ffn.expertDims.end());
    shape.append(dims.begin(), dims.end());
    return shape;
  };
  size_t weightRank = ffn.expertDims.size() + 2;

  auto fc1Type = cast<RankedTensorType>(ffn.fc1.getType());
  auto fc2Type = cast<RankedTensorType>(ffn.fc2.getType());
  if (fc1Type.getRank() != static_cast<int64_t>(weightRank))
    return op.emitOpError("fc1 weights must have rank ")
           << weightRank << ", got " << fc1Type;
  if (fc2Type.getRank() != static_cast<int64_t>(weightRank))
    return op.emitOpError("fc2 weights must have rank ")
           << weightRank << ", got " << fc2Type;
  int64_t inter = fc2Type.getDimSize(weightRank - 1);
  int64_t factor = op.getFc1RowFactor();
  int64_t fc1Rows = fc1Type.getDimSize(weightRank - 2);
  if (!ShapedType::isDynamic(fc1Rows) && fc1Rows % factor != 0)
    return op.emitOpError("fc1 weights have ")
           << fc1Rows << " rows, not a multiple of " << factor
           << " (the gate and linear halves of a fused swiglu)";
  if (failed(verifyShape(o, ffn.fc2, "fc2 weights",
                         withExperts({hidden, inter}))) ||
      failed(verifyShape(o, ffn.fc1, "fc1 weights",
                         withExperts({productExtent(factor, inter), hidden}))))
    return failure();

  // Activation attributes.
  Activation act = op.getActivation();
  std::optional<GateLayout> layout = op.getGateLayout();
  bool gated = act == Activation::swiglu;
  if (gated && !layout)
    return op.emitOpError("swiglu needs a gate layout (separate, interleaved "
                          "or concatenated)");
  if (!gated && layout)
    return op.emitOpError("a gate layout only applies to swiglu, not ")
           << stringifyActivation(act);
  if (!gated && (op.getAlpha().convertToDouble() != 1.0 ||
                 op.getBeta().convertToDouble() != 0.0 || op.getLimit()))
    return op.emitOpError("alpha, beta and limit only apply to swiglu, not ")
           << stringifyActivation(act);
  if (!std::isfinite(op.getAlpha().convertToDouble()) ||
      !std::isfinite(op.getBeta().convertToDouble()))
    return op.emitOpError("swiglu alpha and beta must be finite");
  if (auto limit = op.getLimit())
    if (!(limit->convertToDouble() > 0.0))
      return op.emitOpError("swiglu limit must be positive, got ")
             << limit->convertToDouble();
  bool wantsFc3 = gated && *layout == GateLayout::separate;
  if (ffn.fc3 && !wantsFc3)
    return op.emitOpError("fc3 weights are only allowed with "
                          "swiglu(separate), the gated activation whose "
                          "linear half lives in fc3");
  if (!ffn.fc3 && wantsFc3)
    return op.emitOpError("swiglu(separate) needs fc3 weights for the "
                          "linear half");
  if (ffn.fc3Bias && !ffn.fc3)
    return op.emitOpError("an fc3 bias needs fc3 weights");
  if (ffn.fc3 && failed(verifyShape(o, ffn.fc3, "fc3 weights",
                                    withExperts({inter, hidden}))))
    return failure();

  // Biases.
  if (ffn.fc1Bias &&
      failed(verifyShape(o, ffn.fc1Bias, "fc1 bias",
                         withExperts({productExtent(factor, inter)}))))
    return failure();
  if (ffn.fc2Bias &&
      failed(verifyShape(o, ffn.fc2Bias, "fc2 bias", withExperts({hidden}))))
    return failure();
  if (ffn.fc3Bias &&
      failed(verifyShape(o, ffn.fc3Bias, "fc3 bias", withExperts({inter}))))
    return failure();

  if (failed(verifyShape(o, op.getResult(), "result",
                         {tokensType.getDimSize(0), hidden})))
    return failure();

  // Ranks are right from here on. One element type throughout (quantised
  // weights come with QMoE support), and a static E, since experts are
  // sliced out by index.
  std::pair<Value, StringRef> named[] = {
      {ffn.fc1, "fc1 weights"}, {ffn.fc1Bias, "fc1 bias"},
      {ffn.fc2, "fc2 weights"}, {ffn.fc2Bias, "fc2 bias"},
      {ffn.fc3, "fc3 weights"}, {ffn.fc3Bias, "fc3 bias"}};
  for (auto [value, name] : named) {
    if (!value)
      continue;
    if (failed(verifySameElementType(o, value, name, elementType, "tokens")))
      return failure();
    if (!ffn.expertDims.empty() &&
        cast<RankedTensorType>(value.getType()).isDynamicDim(0))
      return op.emitOpError("the expert dimension of ")
             << name << " must be static";
  }
  return verifySameElementType(o, op.getResult(), "result", elementType,
                               "tokens");
}

//===----------------------------------------------------------------------===//
// ExpertsOp
//===----------------------------------------------------------------------===//

int64_t ExpertsOp::getNumExperts() {
  return getOffsets().getType().getDimSize(0) - 1;
}

ExpertPlacement ExpertsOp::getExpertPlacement(int64_t expert) {
  if (std::optional<ArrayAttr> placements = getPlacements())
    return cast<ExpertPlacementAttr>((*placements)[expert]).getValue();
  return ExpertPlacement::dynamic;
}

LogicalResult ExpertsOp::verify() {
  if (failed(
          verifySegments(*this, getProperties().getOperandSegmentSizes(),
                         {"tokens", "offsets", "fc1 weights", "fc1 bias",
                          "fc2 weights", "fc2 bias", "fc3 weights", "fc3 bias"},
                         {true, true, true, false, true, false, false, false})))
    return failure();
  RankedTensorType offsetsType = getOffsets().getType();
  if (offsetsType.getRank() != 1 || offsetsType.isDynamicDim(0) ||
      offsetsType.getDimSize(0) < 2)
    return emitOpError("offsets must be a static 1-D tensor of E + 1 >= 2 "
                       "elements, got ")
           << offsetsType;
  int64_t numExperts = getNumExperts();
  FFNOperands ffn{getTokens(),  getFc1Weights(), getFc1Bias(), getFc2Weights(),
                  getFc2Bias(), getFc3Weights(), getFc3Bias(), {numExperts}};
  if (failed(verifyFFN(*this, ffn)))
    return failure();
  if (std::optional<ArrayAttr> placements = getPlacements())
    if (static_cast<int64_t>(placements->size()) != numExperts)
      return emitOpError("has ") << placements->size() << " placements for "
                                 << numExperts << " experts";
  return success();
}

//===----------------------------------------------------------------------===//
// FFNDenseOp
//===----------------------------------------------------------------------===//

LogicalResult FFNDenseOp::verify() {
  if (failed(verifySegments(*this, getProperties().getOperandSegmentSizes(),
                            {"tokens", "fc1 weights", "fc1 bias", "fc2 weights",
                             "fc2 bias", "fc3 weights", "fc3 bias"},
                            {true, true, false, true, false, false, false})))
    return failure();
  FFNOperands ffn{getTokens(),  getFc1Weights(), getFc1Bias(), getFc2Weights(),
                  getFc2Bias(), getFc3Weights(), getFc3Bias(), {}};
  return verifyFFN(*this, ffn);
}

//===----------------------------------------------------------------------===//
// CombineOp
//===----------------------------------------------------------------------===//

LogicalResult CombineOp::verify() {
  RankedTensorType outType = getExpertOutputs().getType();
  RankedTensorType weightsType = getWeights().getType();
  if (outType.getRank() != 2)
    return emitOpError("expert outputs must have rank 2 ([rows, hidden]), "
                       "got ")
           << outType;
  if (weightsType.getRank() != 2)
    return emitOpError("weights must have rank 2 ([tokens, k]), got ")
           << weightsType;
  int64_t k = weightsType.getDimSize(1);
  if (ShapedType::isDynamic(k))
    return emitOpError("k (weights dimension 1) must be static");
  int64_t tokens = weightsType.getDimSize(0);
  int64_t rows = productExtent(tokens, k);
  int64_t hidden = outType.getDimSize(1);
  if (failed(verifyShape(*this, getExpertOutputs(), "expert outputs",
                         {rows, hidden})) ||
      failed(verifyShape(*this, getPermutation(), "permutation",
                         {joinExtents(rows, outType.getDimSize(0))})) ||
      failed(verifyShape(*this, getResult(), "result", {tokens, hidden})) ||
      failed(verifySameElementType(*this, getWeights(), "weights",
                                   outType.getElementType(),
                                   "expert outputs")) ||
      failed(verifySameElementType(*this, getResult(), "result",
                                   outType.getElementType(), "expert outputs")))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DequantizeOp::verify() {
  int64_t bits = getBits();
  if (bits != 4 && bits != 8)
    return emitOpError("bits must be 4 or 8, got ") << bits;
  RankedTensorType codesType = getCodes().getType();
  RankedTensorType resultType = getResult().getType();
  int64_t rank = codesType.getRank();
  if (rank < 2)
    return emitOpError("codes must have rank >= 2 ([..., N, K / codes per "
                       "byte]), got ")
           << codesType;
  // The result: the codes' shape with the last extent unpacked.
  SmallVector<int64_t> expected(codesType.getShape());
  expected.back() = productExtent(expected.back(), getCodesPerByte());
  if (failed(verifyShape(*this, getResult(), "result", expected)))
    return failure();
  int64_t columns = joinExtents(resultType.getShape().back(), expected.back());

  // Scales: one per row, or one per block of columns.
  SmallVector<int64_t> scalesShape(expected.begin(), expected.end() - 1);
  if (std::optional<int64_t> block = getBlockSize()) {
    if (*block < 1)
      return emitOpError("block size must be positive, got ") << *block;
    if (!ShapedType::isDynamic(columns) && columns % *block != 0)
      return emitOpError("block size ")
             << *block << " does not divide the " << columns << " columns";
    scalesShape.push_back(ShapedType::isDynamic(columns) ? ShapedType::kDynamic
                                                         : columns / *block);
  }
  if (failed(verifyShape(*this, getScales(), "scales", scalesShape)) ||
      failed(verifySameElementType(*this, getScales(), "scales",
                                   resultType.getElementType(), "result")))
    return failure();

  if (Value zeroPoints = getZeroPoints()) {
    // Zero points pack like the codes, along the scales' last axis.
    SmallVector<int64_t> zeroShape(getScales().getType().getShape());
    if (!ShapedType::isDynamic(zeroShape.back()))
      zeroShape.back() = llvm::divideCeil(zeroShape.back(), getCodesPerByte());
    if (failed(verifyShape(*this, zeroPoints, "zero points", zeroShape)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Custom assembly: router scoring (a bare keyword)
//===----------------------------------------------------------------------===//

static ParseResult parseScoring(OpAsmParser &parser, ScoringAttr &scoring) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef name;
  if (parser.parseKeyword(&name))
    return failure();
  std::optional<Scoring> value = symbolizeScoring(name);
  if (!value)
    return parser.emitError(loc, "unknown scoring '")
           << name << "'; expected softmax or sigmoid";
  scoring = ScoringAttr::get(parser.getContext(), *value);
  return success();
}

static void printScoring(OpAsmPrinter &printer, Operation *,
                         ScoringAttr scoring) {
  printer << stringifyScoring(scoring.getValue());
}

//===----------------------------------------------------------------------===//
// Custom assembly: FFN weights
//   fc1 %w1 [bias %b1], fc2 %w2 [bias %b2] [, fc3 %w3 [bias %b3]]
//===----------------------------------------------------------------------===//

static ParseResult
parseOptionalBias(OpAsmParser &parser,
                  std::optional<OpAsmParser::UnresolvedOperand> &bias) {
  if (failed(parser.parseOptionalKeyword("bias")))
    return success();
  bias.emplace();
  return parser.parseOperand(*bias);
}

static ParseResult
parseFFNWeights(OpAsmParser &parser, OpAsmParser::UnresolvedOperand &fc1,
                std::optional<OpAsmParser::UnresolvedOperand> &fc1Bias,
                OpAsmParser::UnresolvedOperand &fc2,
                std::optional<OpAsmParser::UnresolvedOperand> &fc2Bias,
                std::optional<OpAsmParser::UnresolvedOperand> &fc3,
                std::optional<OpAsmParser::UnresolvedOperand> &fc3Bias) {
  if (parser.parseKeyword("fc1") || parser.parseOperand(fc1) ||
      parseOptionalBias(parser, fc1Bias) || parser.parseComma() ||
      parser.parseKeyword("fc2") || parser.parseOperand(fc2) ||
      parseOptionalBias(parser, fc2Bias))
    return failure();
  if (failed(parser.parseOptionalComma()))
    return success();
  fc3.emplace();
  if (parser.parseKeyword("fc3") || parser.parseOperand(*fc3))
    return failure();
  return parseOptionalBias(parser, fc3Bias);
}

static void printFFNWeights(OpAsmPrinter &printer, Operation *, Value fc1,
                            Value fc1Bias, Value fc2, Value fc2Bias, Value fc3,
                            Value fc3Bias) {
  auto printMatmul = [&](StringRef name, Value weights, Value bias) {
    printer << name << ' ' << weights;
    if (bias)
      printer << " bias " << bias;
  };
  printMatmul("fc1", fc1, fc1Bias);
  printer << ", ";
  printMatmul("fc2", fc2, fc2Bias);
  if (fc3) {
    printer << ", ";
    printMatmul("fc3", fc3, fc3Bias);
  }
}

//===----------------------------------------------------------------------===//
// Custom assembly: activation
//   activation relu
//   activation swiglu(interleaved, alpha = 1.702, beta = 1.0, limit = 7.0)
//===----------------------------------------------------------------------===//

static ParseResult parseFFNActivation(OpAsmParser &parser,
                                      ActivationAttr &activation,
                                      GateLayoutAttr &gateLayout,
                                      FloatAttr &alpha, FloatAttr &beta,
                                      FloatAttr &limit) {
  MLIRContext *ctx = parser.getContext();
  StringRef keyword;
  if (parser.parseKeyword("activation"))
    return failure();
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<Activation> kind = symbolizeActivation(keyword);
  if (!kind)
    return parser.emitError(loc, "unknown activation '")
           << keyword
           << "'; expected identity, relu, gelu, gelu_tanh, silu or swiglu";
  activation = ActivationAttr::get(ctx, *kind);
  if (failed(parser.parseOptionalLParen()))
    return success();

  loc = parser.getCurrentLocation();
  StringRef layoutName;
  if (parser.parseKeyword(&layoutName))
    return failure();
  std::optional<GateLayout> layout = symbolizeGateLayout(layoutName);
  if (!layout)
    return parser.emitError(loc, "unknown gate layout '")
           << layoutName << "'; expected separate, interleaved or concatenated";
  gateLayout = GateLayoutAttr::get(ctx, *layout);

  Type f64 = Float64Type::get(ctx);
  while (succeeded(parser.parseOptionalComma())) {
    StringRef name;
    double value;
    loc = parser.getCurrentLocation();
    if (parser.parseKeyword(&name) || parser.parseEqual() ||
        parser.parseFloat(value))
      return failure();
    FloatAttr *slot = llvm::StringSwitch<FloatAttr *>(name)
                          .Case("alpha", &alpha)
                          .Case("beta", &beta)
                          .Case("limit", &limit)
                          .Default(nullptr);
    if (!slot)
      return parser.emitError(loc, "unknown swiglu parameter '")
             << name << "'; expected alpha, beta or limit";
    if (*slot)
      return parser.emitError(loc, "duplicate swiglu parameter '")
             << name << "'";
    *slot = FloatAttr::get(f64, value);
  }
  return parser.parseRParen();
}

static void printFFNActivation(OpAsmPrinter &printer, Operation *,
                               ActivationAttr activation,
                               GateLayoutAttr gateLayout, FloatAttr alpha,
                               FloatAttr beta, FloatAttr limit) {
  printer << "activation " << stringifyActivation(activation.getValue());
  if (!gateLayout)
    return;
  printer << '(' << stringifyGateLayout(gateLayout.getValue());
  // alpha and beta print only when they differ from their defaults.
  auto printParam = [&](StringRef name, FloatAttr value,
                        std::optional<double> dflt) {
    // Bitwise, so that -0.0 is not mistaken for the default 0.0.
    if (!value || (dflt && value.getValue().bitwiseIsEqual(APFloat(*dflt))))
      return;
    printer << ", " << name << " = ";
    printer.printFloat(value.getValue());
  };
  printParam("alpha", alpha, 1.0);
  printParam("beta", beta, 0.0);
  printParam("limit", limit, std::nullopt);
  printer << ')';
}

//===----------------------------------------------------------------------===//
// Custom assembly: placements
//   placements [gpu, pim, dynamic]     (one per expert)
//   placement gpu                      (a dense FFN)
//===----------------------------------------------------------------------===//

static ParseResult parsePlacementKeyword(OpAsmParser &parser,
                                         ExpertPlacementAttr &placement) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef name;
  if (parser.parseKeyword(&name))
    return failure();
  std::optional<ExpertPlacement> value = symbolizeExpertPlacement(name);
  if (!value)
    return parser.emitError(loc, "unknown placement '")
           << name << "'; expected gpu, pim, host or dynamic";
  placement = ExpertPlacementAttr::get(parser.getContext(), *value);
  return success();
}

static ParseResult parsePlacements(OpAsmParser &parser, ArrayAttr &placements) {
  if (failed(parser.parseOptionalKeyword("placements")))
    return success();
  SmallVector<Attribute> values;
  if (parser.parseCommaSeparatedList(
          OpAsmParser::Delimiter::Square, [&]() -> ParseResult {
            ExpertPlacementAttr placement;
            if (parsePlacementKeyword(parser, placement))
              return failure();
            values.push_back(placement);
            return success();
          }))
    return failure();
  placements = parser.getBuilder().getArrayAttr(values);
  return success();
}

static void printPlacements(OpAsmPrinter &printer, Operation *,
                            ArrayAttr placements) {
  if (!placements)
    return;
  printer << "placements [";
  llvm::interleaveComma(placements, printer, [&](Attribute attr) {
    printer << stringifyExpertPlacement(
        cast<ExpertPlacementAttr>(attr).getValue());
  });
  printer << ']';
}

static ParseResult parsePlacement(OpAsmParser &parser,
                                  ExpertPlacementAttr &placement) {
  if (failed(parser.parseOptionalKeyword("placement")))
    return success();
  return parsePlacementKeyword(parser, placement);
}

static void printPlacement(OpAsmPrinter &printer, Operation *,
                           ExpertPlacementAttr placement) {
  if (placement)
    printer << "placement " << stringifyExpertPlacement(placement.getValue());
}

//===----------------------------------------------------------------------===//
// The activation and the placement clause print as one directive, so that an
// absent placement leaves no stray space. moe.experts has one placement per
// expert (ArrayAttr), moe.ffn a single one.
//===----------------------------------------------------------------------===//

static ParseResult parsePlacementClause(OpAsmParser &parser,
                                        ArrayAttr &placements) {
  return parsePlacements(parser, placements);
}
static ParseResult parsePlacementClause(OpAsmParser &parser,
                                        ExpertPlacementAttr &placement) {
  return parsePlacement(parser, placement);
}
static void printPlacementClause(OpAsmPrinter &printer, Operation *op,
                                 ArrayAttr placements) {
  printPlacements(printer, op, placements);
}
static void printPlacementClause(OpAsmPrinter &printer, Operation *op,
                                 ExpertPlacementAttr placement) {
  printPlacement(printer, op, placement);
}

template <typename PlacementAttrT>
static ParseResult
parseFFNActivation(OpAsmParser &parser, ActivationAttr &activation,
                   GateLayoutAttr &gateLayout, FloatAttr &alpha,
                   FloatAttr &beta, FloatAttr &limit,
                   PlacementAttrT &placement) {
  if (parseFFNActivation(parser, activation, gateLayout, alpha, beta, limit))
    return failure();
  return parsePlacementClause(parser, placement);
}

template <typename PlacementAttrT>
static void printFFNActivation(OpAsmPrinter &printer, Operation *op,
                               ActivationAttr activation,
                               GateLayoutAttr gateLayout, FloatAttr alpha,
                               FloatAttr beta, FloatAttr limit,
                               PlacementAttrT placement) {
  printFFNActivation(printer, op, activation, gateLayout, alpha, beta, limit);
  if (placement)
    printer << ' ';
  printPlacementClause(printer, op, placement);
}

#define GET_OP_CLASSES
#include "moe/Dialect/MoE/MoEOps.cpp.inc"
