//===- Dialects.cpp - C API of the moe-mlir dialects ----------------------===//

#include "moe-c/Dialects.h"

#include "moe/Dialect/MoE/MoEDialect.h"
#include "moe/InitAllDialects.h"
#include "moe/InitAllPasses.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(MoE, moe, moe::MoEDialect)

void moeRegisterAllDialects(MlirDialectRegistry registry) {
  moe::registerAllDialects(*unwrap(registry));
}

void moeRegisterAllPasses(void) { moe::registerAllPasses(); }
