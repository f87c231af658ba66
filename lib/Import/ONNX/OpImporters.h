//===- OpImporters.h - the table of per-op ONNX importers -------*- C++ -*-===//
//
// Private to lib/Import/ONNX. Each op family (ElementwiseOps.cpp,
// LinearAlgebraOps.cpp, ...) registers its importers, keyed by domain, op type
// and opset range, into one table that GraphImporter::importNode consults.
// An importer sees its node through an OpContext: inputs, attributes,
// compile-time constant operands and errors that name the node.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_LIB_IMPORT_ONNX_OPIMPORTERS_H
#define MOE_LIB_IMPORT_ONNX_OPIMPORTERS_H

#include "GraphImporter.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace moe::onnx_import {

/// One node being imported.
class OpContext {
public:
  OpContext(GraphImporter &graph, const onnx::NodeProto &node, int index,
            int64_t opset)
      : graph(graph), node(node), index(index), opset(opset),
        loc(graph.nodeLoc(node, index)), b(graph.builder) {}

  /// An error that names the node.
  mlir::InFlightDiagnostic error() { return graph.nodeError(node, index); }

  /// Fails (after an error) unless the node has `min` to `max` inputs and at
  /// least `minOutputs` outputs.
  mlir::LogicalResult checkArity(int min, int max, int minOutputs = 1);
  /// Fails (after an error) on an attribute not in `known`.
  mlir::LogicalResult checkAttributes(llvm::ArrayRef<llvm::StringRef> known);

  /// Input `position`, required: null (and an error) if absent.
  mlir::Value input(int position);
  /// Input `position`, optional: null if absent or empty; `failed` is set
  /// when it names an unknown value.
  mlir::Value optionalInput(int position, bool &failed);
  int numInputs() const { return node.input_size(); }
  int numOutputs() const { return node.output_size(); }
  /// Whether output `position` is present and named.
  bool hasOutput(int position) const {
    return position < node.output_size() && !node.output(position).empty();
  }
  /// Names output `position` (if the node has it).
  void define(int position, mlir::Value value);

  const onnx::AttributeProto *attribute(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t fallback) const;
  float floatAttr(llvm::StringRef name, float fallback) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef fallback) const;
  /// The ints of attribute `name`, or nullopt when the node lacks it.
  std::optional<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef name) const;

  /// The values of input `position` when it is a compile-time constant
  /// (initializer, Constant node, Shape of a static tensor); otherwise an
  /// error saying that `what` must be constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantInts(int position, llvm::StringRef what);
  /// `axis` in [-rank, rank) as a non-negative axis, or an error naming
  /// `what`.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what);
  /// The rank of `value` (a ranked tensor).
  static int64_t rankOf(mlir::Value value);

  GraphImporter &graph;
  const onnx::NodeProto &node;
  int index;
  int64_t opset;
  mlir::Location loc;
  mlir::OpBuilder &b;
};

using OpImportFn = mlir::LogicalResult (*)(OpContext &);

struct OpImporterEntry {
  std::string domain; // "" for ai.onnx
  std::string opType;
  int64_t minOpset, maxOpset;
  OpImportFn import;
};

/// Every op the importer knows.
class OpImporterTable {
public:
  void add(llvm::StringRef domain, llvm::StringRef opType, int64_t minOpset,
           int64_t maxOpset, OpImportFn import) {
    entries.push_back({domain.str(), opType.str(), minOpset, maxOpset, import});
  }
  /// All entries for (domain, opType), any opset.
  llvm::SmallVector<const OpImporterEntry *> find(llvm::StringRef domain,
                                                  llvm::StringRef opType) const;
  /// "ai.onnx: Abs, Add, ...; com.microsoft: MoE, ..." for error messages.
  std::string describe() const;

  /// The table with every family registered.
  static const OpImporterTable &get();

private:
  std::vector<OpImporterEntry> entries;
};

/// Opsets of the default domain this importer reads.
constexpr int64_t kMinOnnxOpset = 13, kMaxOnnxOpset = 21;
/// Any opset of a domain (contrib ops registered in ai.onnx by ONNX Runtime
/// are versioned from 1).
constexpr int64_t kAnyOpset = 1000;

void registerElementwiseOps(OpImporterTable &table);
void registerLinearAlgebraOps(OpImporterTable &table);
void registerReductionOps(OpImporterTable &table);
void registerShapeOps(OpImporterTable &table);
void registerIndexingOps(OpImporterTable &table);
void registerNormalizationOps(OpImporterTable &table);

} // namespace moe::onnx_import

#endif // MOE_LIB_IMPORT_ONNX_OPIMPORTERS_H
