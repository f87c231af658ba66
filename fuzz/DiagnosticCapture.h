//===- DiagnosticCapture.h - the first error of an MLIR run -----*- C++ -*-===//
//
// The MLIR-based targets report the first error diagnostic as the reason an
// input was rejected, instead of printing every diagnostic of every run.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_FUZZ_DIAGNOSTICCAPTURE_H
#define MOE_FUZZ_DIAGNOSTICCAPTURE_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace moe::fuzz {

class DiagnosticCapture {
public:
  explicit DiagnosticCapture(mlir::MLIRContext &context)
      : handler_(&context, [this](mlir::Diagnostic &diagnostic) {
          if (diagnostic.getSeverity() == mlir::DiagnosticSeverity::Error &&
              first_.empty()) {
            llvm::raw_string_ostream os(first_);
            os << diagnostic.getLocation() << ": " << diagnostic;
          }
          return mlir::success();
        }) {}

  /// The first error, or `fallback` when none was emitted.
  std::string firstError(const char *fallback) const {
    return first_.empty() ? fallback : first_;
  }
  bool sawError() const { return !first_.empty(); }

private:
  std::string first_;
  mlir::ScopedDiagnosticHandler handler_;
};

} // namespace moe::fuzz

#endif // MOE_FUZZ_DIAGNOSTICCAPTURE_H
