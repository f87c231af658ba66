//===- ReusedContext.cpp - one MLIRContext for many fuzz inputs -----------===//

#include "ReusedContext.h"

#include <cstdlib>

namespace moe::fuzz {

// Enough inputs to amortise dialect loading; few enough that one context's
// interned strings stay small next to libFuzzer's RSS limit.
static constexpr unsigned kDefaultInputsPerContext = 1000;

static unsigned inputsPerContextFromEnv() {
  const char *value = std::getenv("MOE_FUZZ_CONTEXT_INPUTS");
  if (!value || !*value)
    return kDefaultInputsPerContext;
  long parsed = std::strtol(value, nullptr, 10);
  return parsed >= 1 ? static_cast<unsigned>(parsed) : kDefaultInputsPerContext;
}

ReusedContext::ReusedContext(Registrar registrar)
    : registrar_(registrar), inputsPerContext_(inputsPerContextFromEnv()) {}

mlir::MLIRContext &ReusedContext::next() {
  if (!context_ || served_ >= inputsPerContext_) {
    context_.reset();
    mlir::DialectRegistry registry;
    registrar_(registry);
    context_ = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    // Load every registered dialect now rather than on an input's first
    // use, so no input pays for it.
    context_->loadAllAvailableDialects();
    served_ = 0;
  }
  ++served_;
  return *context_;
}

} // namespace moe::fuzz
