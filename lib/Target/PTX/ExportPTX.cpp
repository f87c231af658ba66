//===- ExportPTX.cpp - PTX text out of compiled gpu.binary ops ------------===//
//
// gpu-module-to-binary with format=isa stores each target's PTX as a string
// attribute; this translation writes it out as text so ptxas, cuobjdump or
// a runtime's loader can take it.
//
//===----------------------------------------------------------------------===//

#include "moe/Target/ExportPTX.h"
#include "moe/Target/CheckedTranslation.h"

#include "moe/Dialect/MoE/MoEDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;

LogicalResult moe::exportPTX(Operation *root, raw_ostream &os, StringRef chip,
                             StringRef outputDir) {
  bool failedOnce = false;
  unsigned written = 0;
  root->walk([&](gpu::BinaryOp binary) {
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget());
      if (!target || (!chip.empty() && target.getChip() != chip))
        continue;
      if (object.getFormat() != gpu::CompilationTarget::Assembly) {
        binary.emitError("export-ptx: the object for ")
            << target.getChip() << " is not PTX; compile with format=isa";
        failedOnce = true;
        continue;
      }
      ++written;
      StringRef ptx = object.getObject().getValue();
      if (outputDir.empty()) {
        os << "// gpu.binary @" << binary.getSymName() << " "
           << target.getChip() << "\n"
           << ptx << "\n";
        continue;
      }
      SmallString<128> path(outputDir);
      llvm::sys::path::append(
          path, (binary.getSymName() + "." + target.getChip() + ".ptx").str());
      std::error_code error;
      llvm::raw_fd_ostream file(path, error, llvm::sys::fs::OF_Text);
      if (error) {
        binary.emitError("export-ptx: cannot write ")
            << path << ": " << error.message();
        failedOnce = true;
        continue;
      }
      file << ptx;
      os << path << "\n";
    }
  });
  if (!failedOnce && written == 0) {
    root->emitError("export-ptx: no PTX object")
        << (chip.empty() ? "" : " for ") << chip
        << " (run moe-gpu-pipeline with format=isa first)";
    return failure();
  }
  return failure(failedOnce);
}

void moe::registerExportPTXTranslation() {
  static llvm::cl::opt<std::string> chip(
      "ptx-chip", llvm::cl::desc("export-ptx: only objects for this chip"),
      llvm::cl::init(""));
  static llvm::cl::opt<std::string> outputDir(
      "ptx-output-dir",
      llvm::cl::desc("export-ptx: one <binary>.<chip>.ptx file per object "
                     "in this directory"),
      llvm::cl::init(""));
  moe::CheckedFromMLIRRegistration registration(
      "export-ptx", "write the PTX of gpu.binary objects",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        if (!outputDir.empty())
          if (std::error_code error =
                  llvm::sys::fs::create_directories(outputDir))
            return op->emitError("export-ptx: cannot create ")
                   << outputDir.getValue() << ": " << error.message();
        return moe::exportPTX(op, os, chip, outputDir);
      },
      [](DialectRegistry &registry) {
        // Whatever the host side of a moe-gpu-pipeline module still holds.
        registry.insert<
            gpu::GPUDialect, NVVM::NVVMDialect, LLVM::LLVMDialect,
            func::FuncDialect, arith::ArithDialect, memref::MemRefDialect,
            tensor::TensorDialect, bufferization::BufferizationDialect,
            scf::SCFDialect, cf::ControlFlowDialect, linalg::LinalgDialect,
            math::MathDialect, vector::VectorDialect, moe::MoEDialect>();
      });
}
