//===- ParseTextModule.h - text to a verified module for the fuzzers -*- C++
//-*-===//
//
// The moe and pim dialect targets both parse text in a context holding
// their dialect and the upstream ones the tests use with it.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_FUZZ_PARSETEXTMODULE_H
#define MOE_FUZZ_PARSETEXTMODULE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace moe::fuzz {

/// The upstream dialects moe and pim IR appears with in the tests.
void registerHostDialects(mlir::DialectRegistry &registry);

/// Parses (and thereby verifies) `data` as a module; null with `error` set
/// to the first diagnostic when it does not parse or verify.
mlir::OwningOpRef<mlir::ModuleOp> parseTextModule(mlir::MLIRContext &context,
                                                  const uint8_t *data,
                                                  size_t size,
                                                  std::string &error);

/// Prints `module` in the generic form and parses it again; aborts through
/// failProperty(target, ...) when the printed text does not parse.
void checkGenericRoundTrip(const char *target, mlir::ModuleOp module);

} // namespace moe::fuzz

#endif // MOE_FUZZ_PARSETEXTMODULE_H
