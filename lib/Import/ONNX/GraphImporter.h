//===- GraphImporter.h - state of one ONNX graph's import -------*- C++ -*-===//
//
// Private to lib/Import/ONNX: the value table, the builder and diagnostics
// that name the ONNX node, shared by the per-op importers.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define MOE_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "moe/Import/ONNX/ImportONNX.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/onnx_pb.h>

namespace moe::onnx_import {

class GraphImporter {
public:
  GraphImporter(mlir::OpBuilder &builder, llvm::StringRef fileName,
                const ONNXImportOptions &options)
      : builder(builder), fileName(fileName.str()), options(options) {}

  /// The location of a node: its name (or op and index) inside the file.
  mlir::Location nodeLoc(const onnx::NodeProto &node, int index);

  /// An error at `node` that names it: node 'n' (domain:Op).
  mlir::InFlightDiagnostic nodeError(const onnx::NodeProto &node, int index);

  /// The value an ONNX name refers to; null (and an error) if unknown.
  mlir::Value lookup(const onnx::NodeProto &node, int index,
                     const std::string &name);
  /// The optional input `position` of `node`: null if absent or empty.
  mlir::Value optionalInput(const onnx::NodeProto &node, int index,
                            int position, bool &failed);
  void define(const std::string &name, mlir::Value value) {
    values[name] = value;
  }

  /// Imports one node through the op importer table (OpImporters.h); fails
  /// (after an error) on unsupported or bad input.
  mlir::LogicalResult importNode(const onnx::NodeProto &node, int index);
  /// Fails (after an error) where a uint8 input meets an op that would read
  /// it as signed; marks the outputs of data movement of uint8 as uint8.
  mlir::LogicalResult checkUnsignedInputs(const onnx::NodeProto &node,
                                          int index);

  mlir::OpBuilder &builder;
  std::string fileName;
  const ONNXImportOptions &options;
  llvm::StringMap<mlir::Value> values;
  /// The model's opset version of each domain ("" for ai.onnx).
  llvm::StringMap<int64_t> opsets;
  /// Names holding uint8 data. MLIR integers are signless, so these are i8
  /// values whose sign only Cast and data movement may see (importNode
  /// refuses them elsewhere rather than read them as signed).
  llvm::StringSet<> unsignedValues;
};

/// The MLIR element type of an ONNX TensorProto data type, or null.
mlir::Type convertElementType(mlir::MLIRContext *ctx, int32_t dataType);

/// The ranked tensor type of a graph input/output, or null (and `error`).
mlir::RankedTensorType convertValueType(mlir::MLIRContext *ctx,
                                        const onnx::ValueInfoProto &info,
                                        std::string &error);

/// Initializers of at least this many bytes of raw data become
/// `dense_resource` blobs.
constexpr int64_t kResourceThresholdBytes = 4096;

/// An initializer's contents, or null (and `error`). External data is read
/// relative to `modelDir`.
mlir::ElementsAttr convertInitializer(mlir::MLIRContext *ctx,
                                      const onnx::TensorProto &tensor,
                                      llvm::StringRef modelDir,
                                      std::string &error);

/// The first wire-format defect in a serialized ModelProto ("at byte N:
/// ..."), or an empty string when its top-level framing is intact.
std::string describeWireFormatDefect(const uint8_t *data, size_t size);

/// Importers of individual ONNX ops, one file each.
mlir::LogicalResult importMicrosoftMoE(GraphImporter &graph,
                                       const onnx::NodeProto &node, int index);
mlir::LogicalResult importMicrosoftQMoE(GraphImporter &graph,
                                        const onnx::NodeProto &node, int index);

} // namespace moe::onnx_import

#endif // MOE_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
