//===- ExportArtifact.h - compiled IR to a .moeb artifact --------*- C++
//-*-===//
//
// The output of `moe-opt --moe-compile` (host code in the LLVM dialect, the
// module's `moe.entry`, `moe.layers` and `moe.defaults`) becomes the
// runtime's artifact: the host code compiled for this machine and linked
// into a shared object, and the manifest the runtime reads.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TARGET_EXPORTARTIFACT_H
#define MOE_TARGET_EXPORTARTIFACT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace moe {

struct ExportArtifactOptions {
  /// The C compiler driver that links the object into a shared library.
  std::string linker = "cc";
  /// LLVM optimisation level (0-3) of the host code; 0 keeps it close to
  /// the lowered IR for debugging.
  unsigned optLevel = 3;
};

/// Writes the artifact of `module` to `os`; emits located errors and fails
/// on a module that did not go through --moe-compile or does not translate.
mlir::LogicalResult exportArtifact(mlir::ModuleOp module, llvm::raw_ostream &os,
                                   const ExportArtifactOptions &options = {});

/// Registers `--export-artifact` with mlir-translate-style tools.
void registerExportArtifactTranslation();

} // namespace moe

#endif // MOE_TARGET_EXPORTARTIFACT_H
