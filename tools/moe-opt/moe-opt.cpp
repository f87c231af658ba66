//===- moe-opt.cpp - the moe-mlir optimizer driver ------------------------===//
//
// mlir-opt with the moe-mlir dialects, passes and pipelines added: every
// upstream dialect, extension and pass is available too, so moe IR and the
// IR it lowers to can be processed by one tool.
//
//===----------------------------------------------------------------------===//

#include "moe/InitAllDialects.h"
#include "moe/InitAllPasses.h"
#include "moe/Support/NestingDepth.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/MemoryBuffer.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  moe::registerAllPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  moe::registerAllDialects(registry);
  // gpu-module-to-binary (moe-gpu-pipeline) translates kernels to LLVM IR.
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerGPUDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);

  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "moe-mlir optimizer driver\n", registry);
  // MLIR's parser overflows the stack on deeply nested text; say where
  // instead (standard input is read once, by the parser, and not checked).
  if (inputFilename != "-") {
    if (auto file = llvm::MemoryBuffer::getFile(inputFilename)) {
      if (std::optional<size_t> at =
              moe::findExcessNesting((*file)->getBuffer())) {
        llvm::errs() << inputFilename << ": error: at byte " << *at
                     << ": brackets nested deeper than " << moe::kMaxMLIRNesting
                     << " levels, more than the MLIR parser can take\n";
        return 1;
      }
    }
  }
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, inputFilename, outputFilename, registry));
}
