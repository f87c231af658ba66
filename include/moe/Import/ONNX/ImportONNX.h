//===- ImportONNX.h - ONNX models into the moe dialect ----------*- C++ -*-===//
//
// Reads an ONNX model (Debian's libonnx-dev protobuf classes) and builds a
// module with one function, `@main_graph` by default, whose arguments are
// the graph inputs and whose results are the graph outputs. MoE blocks
// become moe ops; the ops around them become upstream dialects.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_IMPORT_ONNX_IMPORTONNX_H
#define MOE_IMPORT_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <string>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace moe {

struct ONNXImportOptions {
  /// Name of the function the graph becomes.
  std::string entryName = "main_graph";
  /// Emit a remark where a decomposed MoE pattern almost matches (and is
  /// imported op by op) saying why, and where one matches.
  bool remarks = false;
};

/// The dialects an imported module uses.
void registerONNXImportDialects(mlir::DialectRegistry &registry);

/// Imports the serialized ModelProto in `buffer` (its identifier names the
/// file in diagnostics). On bad input emits an error naming the node (name,
/// op, domain) or the byte offset, and returns null.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(llvm::MemoryBufferRef buffer, mlir::MLIRContext *context,
                const ONNXImportOptions &options = {});

/// Registers `--import-onnx` with mlir-translate-style tools.
void registerImportONNXTranslation();

} // namespace moe

#endif // MOE_IMPORT_ONNX_IMPORTONNX_H
