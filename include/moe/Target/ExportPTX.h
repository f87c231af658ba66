//===- ExportPTX.h - PTX text out of compiled gpu.binary ops ----*- C++ -*-===//

#ifndef MOE_TARGET_EXPORTPTX_H
#define MOE_TARGET_EXPORTPTX_H

#include "llvm/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
class Operation;
} // namespace mlir

namespace moe {

/// Writes the PTX of every `gpu.binary` object in `root` whose NVVM target
/// chip is `chip` (every chip when empty). With a non-empty `outputDir`
/// each object goes to `<outputDir>/<binary>.<chip>.ptx` (ptxas takes one
/// module per file) and `os` gets the list of files; otherwise all of them
/// go to `os`, each after a `// gpu.binary @name chip` line. Fails with a
/// located error on an object that is not PTX text (format other than isa).
llvm::LogicalResult exportPTX(mlir::Operation *root, llvm::raw_ostream &os,
                              llvm::StringRef chip, llvm::StringRef outputDir);

/// Registers `--export-ptx` (with `--ptx-chip` and `--ptx-output-dir`).
void registerExportPTXTranslation();

} // namespace moe

#endif // MOE_TARGET_EXPORTPTX_H
