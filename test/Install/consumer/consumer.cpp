//===- consumer.cpp - an outside tool built on the installed package ------===//

#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/InitAllDialects.h"
#include "moe/InitAllPasses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    llvm::errs()
        << "usage: moe-consumer <input.mlir> <passes of builtin.module>\n";
    return 2;
  }
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect>();
  moe::registerAllDialects(registry);
  moe::registerAllPasses();
  mlir::MLIRContext context(registry);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;
  // Count the experts placed on PIM through the C++ API of the dialect.
  int pimExperts = 0;
  module->walk([&](moe::ExpertsOp op) {
    for (int64_t e = 0; e < op.getNumExperts(); ++e)
      pimExperts += op.getExpertPlacement(e) == moe::ExpertPlacement::pim;
  });
  llvm::outs() << "pim experts: " << pimExperts << "\n";

  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::parsePassPipeline(argv[2], pm, llvm::errs())) ||
      mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  return 0;
}
