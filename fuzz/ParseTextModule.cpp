//===- ParseTextModule.cpp - text to a verified module for the fuzzers ----===//

#include "ParseTextModule.h"

#include "DiagnosticCapture.h"
#include "FuzzTargets.h"

#include "moe/Support/NestingDepth.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Parser/Parser.h"

namespace moe::fuzz {

void registerHostDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect>();
}

mlir::OwningOpRef<mlir::ModuleOp> parseTextModule(mlir::MLIRContext &context,
                                                  const uint8_t *data,
                                                  size_t size,
                                                  std::string &error) {
  // The dialect tests put moe attributes on unregistered test ops.
  context.allowUnregisteredDialects();
  DiagnosticCapture diagnostics(context);
  // The MLIR lexer reads source buffers as C strings (it stops at the NUL
  // that every MemoryBuffer of a file carries), so libFuzzer's unterminated
  // bytes go through a std::string, as the tools' files do.
  std::string text(reinterpret_cast<const char *>(data), size);
  // As moe-opt does: text nested deeper than the parser's recursion can
  // take is refused before parsing (an upstream limit, docs/Fuzzing.md).
  if (std::optional<size_t> at = findExcessNesting(text)) {
    error = "at byte " + std::to_string(*at) + ": brackets nested deeper " +
            "than " + std::to_string(kMaxMLIRNesting) + " levels";
    return nullptr;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(
          text, mlir::ParserConfig(&context), "fuzz-input");
  if (!module)
    error = diagnostics.firstError("the text does not parse (no diagnostic)");
  return module;
}

void checkGenericRoundTrip(const char *target, mlir::ModuleOp module) {
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os, mlir::OpPrintingFlags().printGenericOpForm());
  std::string error;
  mlir::OwningOpRef<mlir::ModuleOp> again = parseTextModule(
      *module->getContext(), reinterpret_cast<const uint8_t *>(printed.data()),
      printed.size(), error);
  if (!again)
    failProperty(target, "the generic form of a valid module does not parse: " +
                             error + "\n" + printed);
}

} // namespace moe::fuzz
