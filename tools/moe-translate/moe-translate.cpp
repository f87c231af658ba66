//===- moe-translate.cpp - translations into and out of moe-mlir ----------===//
//
// mlir-translate's conventions with moe-mlir's translations:
//   --import-onnx   an ONNX model into moe and upstream dialects
//   --export-ptx    the PTX of compiled gpu.binary ops as text
//
//===----------------------------------------------------------------------===//

#include "moe/Import/ONNX/ImportONNX.h"
#include "moe/Target/ExportPTX.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  moe::registerImportONNXTranslation();
  moe::registerExportPTXTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "moe-mlir translation driver"));
}
