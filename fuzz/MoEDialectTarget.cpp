//===- MoEDialectTarget.cpp - fuzz the moe dialect's parser and verifier --===//
//
// Text to module: the custom-form parsers and verifiers of every moe op and
// attribute; a module that verifies must print in the generic form and parse
// back, and survive canonicalization (the moe folders and patterns).
//
//===----------------------------------------------------------------------===//

#include "DiagnosticCapture.h"
#include "FuzzTargets.h"
#include "ParseTextModule.h"
#include "ReusedContext.h"

#include "moe/Dialect/MoE/MoEDialect.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace moe::fuzz {

Outcome fuzzMoEDialect(const uint8_t *data, size_t size) {
  static ReusedContext contexts([](mlir::DialectRegistry &registry) {
    registerHostDialects(registry);
    registry.insert<moe::MoEDialect>();
  });
  mlir::MLIRContext &context = contexts.next();
  std::string error;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseTextModule(context, data, size, error);
  if (!module)
    return Outcome::reject(error);
  checkGenericRoundTrip("moe-dialect", *module);

  DiagnosticCapture diagnostics(context);
  mlir::PassManager pm(&context);
  pm.addPass(mlir::createCanonicalizerPass());
  if (mlir::failed(pm.run(*module)))
    failProperty("moe-dialect", "canonicalize broke a valid module: " +
                                    diagnostics.firstError("(no diagnostic)"));
  return Outcome::accept();
}

} // namespace moe::fuzz
