//===- ONNXTarget.cpp - fuzz the ONNX importer ----------------------------===//
//
// Any bytes as a serialized ModelProto. An imported module must verify: the
// importer promises an error naming the node rather than invalid IR.
//
//===----------------------------------------------------------------------===//

#include "DiagnosticCapture.h"
#include "FuzzTargets.h"
#include "ReusedContext.h"

#include "moe/Import/ONNX/ImportONNX.h"

#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"

namespace moe::fuzz {

Outcome fuzzONNXImport(const uint8_t *data, size_t size) {
  static ReusedContext contexts(registerONNXImportDialects);
  mlir::MLIRContext &context = contexts.next();
  DiagnosticCapture diagnostics(context);
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx");
  mlir::OwningOpRef<mlir::ModuleOp> module = importONNXModel(buffer, &context);
  if (!module) {
    if (!diagnostics.sawError())
      failProperty("onnx", "import failed without an error diagnostic");
    return Outcome::reject(diagnostics.firstError(""));
  }
  if (mlir::failed(mlir::verify(*module)))
    failProperty("onnx", "imported module does not verify: " +
                             diagnostics.firstError("(no diagnostic)"));
  return Outcome::accept();
}

} // namespace moe::fuzz
