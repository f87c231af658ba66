//===- Translation.cpp - --import-onnx for mlir-translate-style tools -----===//

#include "moe/Import/ONNX/ImportONNX.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

void moe::registerImportONNXTranslation() {
  static llvm::cl::opt<std::string> entryName(
      "onnx-entry-name", llvm::cl::desc("Name of the imported graph function"),
      llvm::cl::init("main_graph"));
  static llvm::cl::opt<bool> remarks(
      "moe-import-remarks",
      llvm::cl::desc("Remark on decomposed MoE patterns that are imported "
                     "as moe ops, and on near misses that are not"),
      llvm::cl::init(false));
  TranslateToMLIRRegistration importONNX(
      "import-onnx",
      "Import an ONNX model (ModelProto) into moe and upstream "
      "dialects",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        ONNXImportOptions options;
        options.entryName = entryName;
        options.remarks = remarks;
        return importONNXModel(buffer->getMemBufferRef(), context, options);
      },
      [](DialectRegistry &registry) { registerONNXImportDialects(registry); });
}
