//===- Registration.cpp - registerAllDialects / registerAllPasses ---------===//

#include "moe/InitAllDialects.h"
#include "moe/InitAllPasses.h"

#include "moe/Dialect/MoE/MoEDialect.h"
#include "moe/Dialect/PIM/PIMDialect.h"
#include "moe/Passes/Passes.h"
#include "moe/Passes/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"

void moe::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<moe::MoEDialect, moe::pim::PIMDialect>();
}

void moe::registerAllPasses() {
  moe::registerMoEPasses();
  moe::registerPipelines();
}
