//===- ReusedContext.h - one MLIRContext for many fuzz inputs ---*- C++ -*-===//
//
// Creating an MLIRContext and loading the dialects costs far more than
// parsing or importing a small input, so a context per input held the MLIR
// targets to tens of inputs a second. The targets share one context and
// replace it every N inputs, which bounds what interned attributes and
// types can accumulate. MOE_FUZZ_CONTEXT_INPUTS=1 gives every input a fresh
// context again, for reproducing a finding that depends on an earlier input.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_FUZZ_REUSEDCONTEXT_H
#define MOE_FUZZ_REUSEDCONTEXT_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <memory>

namespace moe::fuzz {

class ReusedContext {
public:
  using Registrar = void (*)(mlir::DialectRegistry &);

  explicit ReusedContext(Registrar registrar);

  /// The context for the next input: the current one, or a fresh one when
  /// the current one has served its share of inputs.
  mlir::MLIRContext &next();

private:
  Registrar registrar_;
  unsigned inputsPerContext_;
  unsigned served_ = 0;
  std::unique_ptr<mlir::MLIRContext> context_;
};

} // namespace moe::fuzz

#endif // MOE_FUZZ_REUSEDCONTEXT_H
