//===- OpImporterTable.cpp - dispatch of ONNX nodes to op importers -------===//
//
// The table of per-op importers, GraphImporter::importNode (which looks a
// node up by domain, op type and the model's opset of that domain) and the
// OpContext accessors the importers share.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "TensorBuilders.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <map>
#include <set>

using namespace mlir;

namespace moe::onnx_import {

static StringRef displayDomain(StringRef domain) {
  return domain.empty() ? StringRef("ai.onnx") : domain;
}

/// "" and "ai.onnx" both name the default domain.
static StringRef canonicalDomain(StringRef domain) {
  return domain == "ai.onnx" ? StringRef() : domain;
}

SmallVector<const OpImporterEntry *>
OpImporterTable::find(StringRef domain, StringRef opType) const {
  SmallVector<const OpImporterEntry *> found;
  for (const OpImporterEntry &entry : entries)
    if (entry.domain == canonicalDomain(domain) && entry.opType == opType)
      found.push_back(&entry);
  return found;
}

std::string OpImporterTable::describe() const {
  std::map<std::string, std::set<std::string>> byDomain;
  for (const OpImporterEntry &entry : entries)
    byDomain[displayDomain(entry.domain).str()].insert(entry.opType);
  std::string text;
  for (auto &[domain, ops] : byDomain) {
    if (!text.empty())
      text += "; ";
    text += domain + ": " + llvm::join(ops, ", ");
  }
  return text;
}

/// com.microsoft:MoE and QMoE are imported by their own file.
static LogicalResult importMoE(OpContext &c) {
  return importMicrosoftMoE(c.graph, c.node, c.index);
}
static LogicalResult importQMoE(OpContext &c) {
  return importMicrosoftQMoE(c.graph, c.node, c.index);
}

const OpImporterTable &OpImporterTable::get() {
  static const OpImporterTable table = [] {
    OpImporterTable t;
    t.add("com.microsoft", "MoE", 1, 1, importMoE);
    t.add("com.microsoft", "QMoE", 1, 1, importQMoE);
    registerElementwiseOps(t);
    registerLinearAlgebraOps(t);
    registerReductionOps(t);
    registerShapeOps(t);
    registerIndexingOps(t);
    registerNormalizationOps(t);
    return t;
  }();
  return table;
}

LogicalResult GraphImporter::checkUnsignedInputs(const onnx::NodeProto &node,
                                                 int index) {
  // Ops that move uint8 data without reading its sign: their data output
  // is uint8 too. Cast reads it (as unsigned) itself; com.microsoft ops
  // (QMoE) take uint8 codes by definition.
  static const llvm::StringSet<> movesData = {
      "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity",
      "Flatten", "Concat",    "Slice",   "Gather",    "Expand"};
  static const llvm::StringSet<> readsShapeOnly = {"Shape", "Size"};
  StringRef domain = canonicalDomain(node.domain());
  if (domain != "" || node.op_type() == "Cast" ||
      readsShapeOnly.contains(node.op_type()))
    return success();
  bool moves = movesData.contains(node.op_type());
  for (auto [position, name] : llvm::enumerate(node.input())) {
    if (!unsignedValues.contains(name))
      continue;
    // Concat moves every input; the others only their first.
    if (moves && (position == 0 || node.op_type() == "Concat"))
      continue;
    nodeError(node, index)
        << "input '" << name
        << "' is uint8, which the importer reads only in Cast, Shape, Size "
           "and data movement (Reshape, Transpose, Squeeze, Unsqueeze, "
           "Identity, Flatten, Concat, Slice, Gather, Expand); Cast it to a "
           "wider type first";
    return failure();
  }
  if (moves && !node.input().empty() && unsignedValues.contains(node.input(0)))
    for (const std::string &output : node.output())
      unsignedValues.insert(output);
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  const OpImporterTable &table = OpImporterTable::get();
  SmallVector<const OpImporterEntry *> entries =
      table.find(node.domain(), node.op_type());
  if (entries.empty()) {
    nodeError(node, index) << "unsupported op; the importer supports "
                           << table.describe();
    return failure();
  }
  StringRef domain = canonicalDomain(node.domain());
  auto it = opsets.find(domain);
  int64_t opset = it == opsets.end() ? 1 : it->second;
  if (failed(checkUnsignedInputs(node, index)))
    return failure();
  for (const OpImporterEntry *entry : entries) {
    if (opset < entry->minOpset || opset > entry->maxOpset)
      continue;
    OpContext context(*this, node, index, opset);
    OpBuilder::InsertionGuard guard(builder);
    return entry->import(context);
  }
  InFlightDiagnostic diag = nodeError(node, index);
  diag << "unsupported at opset " << opset << " of " << displayDomain(domain)
       << "; supported opsets:";
  for (const OpImporterEntry *entry : entries) {
    diag << " " << entry->minOpset;
    if (entry->maxOpset != entry->minOpset)
      diag << " to "
           << (entry->maxOpset == kAnyOpset ? std::string("any")
                                            : std::to_string(entry->maxOpset));
  }
  return failure();
}

//===----------------------------------------------------------------------===//
// OpContext
//===----------------------------------------------------------------------===//

LogicalResult OpContext::checkArity(int min, int max, int minOutputs) {
  // Trailing empty names are absent optional inputs.
  int present = node.input_size();
  while (present > 0 && node.input(present - 1).empty())
    --present;
  if (present < min || node.input_size() > max) {
    InFlightDiagnostic diag = error();
    diag << "expects ";
    if (min == max)
      diag << min;
    else
      diag << min << " to " << max;
    diag << " inputs, got " << node.input_size();
    return failure();
  }
  if (node.output_size() < minOutputs) {
    error() << "expects at least " << minOutputs << " output(s), got "
            << node.output_size();
    return failure();
  }
  return success();
}

LogicalResult OpContext::checkAttributes(ArrayRef<StringRef> known) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (!llvm::is_contained(known, StringRef(attr.name()))) {
      InFlightDiagnostic diag = error();
      diag << "unknown attribute '" << attr.name() << "'";
      if (!known.empty())
        diag << "; known: " << llvm::join(known, ", ");
      return failure();
    }
  return success();
}

Value OpContext::input(int position) {
  if (position >= node.input_size() || node.input(position).empty()) {
    error() << "input " << position << " is required";
    return Value();
  }
  return graph.lookup(node, index, node.input(position));
}

Value OpContext::optionalInput(int position, bool &failed) {
  return graph.optionalInput(node, index, position, failed);
}

void OpContext::define(int position, Value value) {
  if (hasOutput(position))
    graph.define(node.output(position), value);
}

const onnx::AttributeProto *OpContext::attribute(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t OpContext::intAttr(StringRef name, int64_t fallback) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->i() : fallback;
}

float OpContext::floatAttr(StringRef name, float fallback) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->f() : fallback;
}

std::string OpContext::stringAttr(StringRef name, StringRef fallback) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->s() : fallback.str();
}

std::optional<SmallVector<int64_t>> OpContext::intsAttr(StringRef name) const {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return std::nullopt;
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

FailureOr<SmallVector<int64_t>> OpContext::constantInts(int position,
                                                        StringRef what) {
  Value value = input(position);
  if (!value)
    return failure();
  std::optional<SmallVector<int64_t>> ints = constantIntegers(value);
  if (!ints) {
    error() << what << " (input " << position << ", '" << node.input(position)
            << "') must be a constant integer tensor (an initializer or a "
               "Constant node); a value computed at run time is not "
               "supported";
    return failure();
  }
  return *ints;
}

FailureOr<int64_t> OpContext::normalizeAxis(int64_t axis, int64_t rank,
                                            StringRef what) {
  if (axis < -rank || axis >= rank) {
    error() << what << " " << axis << " is out of range for rank " << rank
            << " (must be in [" << -rank << ", " << rank - 1 << "])";
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

int64_t OpContext::rankOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getRank();
}

} // namespace moe::onnx_import
