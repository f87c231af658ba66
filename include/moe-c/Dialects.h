/*===- moe-c/Dialects.h - C API of the moe-mlir dialects -----------*- C
-*-===*\
|*                                                                            *|
|* For embedding moe-mlir in tools written against MLIR's C API (or its       *|
|* Python bindings): dialect handles and pass registration.                   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef MOE_C_DIALECTS_H
#define MOE_C_DIALECTS_H

#include "mlir-c/IR.h"
#include "mlir-c/RegisterEverything.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mlirGetDialectHandle__moe__() */
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(MoE, moe);

/* Adds every moe-mlir dialect to `registry`. */
MLIR_CAPI_EXPORTED void moeRegisterAllDialects(MlirDialectRegistry registry);

/* Registers the moe-mlir passes and pipelines globally. */
MLIR_CAPI_EXPORTED void moeRegisterAllPasses(void);

#ifdef __cplusplus
}
#endif

#endif /* MOE_C_DIALECTS_H */
