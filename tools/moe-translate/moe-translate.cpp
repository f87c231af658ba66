//===- moe-translate.cpp - translations into and out of moe-mlir ----------===//
//
// mlir-translate's conventions with moe-mlir's translations:
//   --import-onnx      an ONNX model into moe and upstream dialects
//   --export-pim       a pim.module as a PIM command stream
//   --export-pim-text  the same stream as readable text
//   --export-artifact  a module compiled with moe-opt --moe-compile into
//                      the runtime's .moeb file
//   --export-ptx       the PTX of compiled gpu.binary ops as text
//
//===----------------------------------------------------------------------===//

#include "moe/Import/ONNX/ImportONNX.h"
#include "moe/Target/ExportArtifact.h"
#include "moe/Target/ExportPTX.h"
#include "moe/Target/PIM/ExportPIM.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  moe::registerImportONNXTranslation();
  moe::registerExportArtifactTranslation();
  moe::pim::registerExportPIMTranslation();
  moe::registerExportPTXTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "moe-mlir translation driver"));
}
