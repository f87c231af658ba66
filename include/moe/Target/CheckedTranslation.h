//===- CheckedTranslation.h - MLIR-input translations, guarded --*- C++ -*-===//
//
// moe-translate's translations from MLIR (--export-pim, --export-ptx,
// --export-artifact, ...) are registered through this instead of upstream's
// TranslateFromMLIRRegistration, which parses the input as it is: MLIR's
// parser recurses once per nesting level and overflows its stack on
// deeply nested text. This refuses such text first, at its line and column,
// then parses, verifies and translates as upstream does.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TARGET_CHECKEDTRANSLATION_H
#define MOE_TARGET_CHECKEDTRANSLATION_H

#include "moe/Support/NestingDepth.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/ParseUtilities.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/SourceMgr.h"

namespace moe {

struct CheckedFromMLIRRegistration {
  CheckedFromMLIRRegistration(
      llvm::StringRef name, llvm::StringRef description,
      mlir::TranslateFromMLIRFunction function,
      std::function<void(mlir::DialectRegistry &)> dialects =
          [](mlir::DialectRegistry &) {}) {
    mlir::TranslateRegistration(
        name, description,
        [function, dialects](const std::shared_ptr<llvm::SourceMgr> &sources,
                             llvm::raw_ostream &output,
                             mlir::MLIRContext *context) {
          const llvm::MemoryBuffer *input =
              sources->getMemoryBuffer(sources->getMainFileID());
          if (std::optional<size_t> at =
                  findExcessNesting(input->getBuffer())) {
            auto [line, column] = sources->getLineAndColumn(
                llvm::SMLoc::getFromPointer(input->getBufferStart() + *at));
            return mlir::LogicalResult(
                mlir::emitError(mlir::FileLineColLoc::get(
                    context, input->getBufferIdentifier(), line, column))
                << "brackets nested deeper than " << kMaxMLIRNesting
                << " levels, more than the MLIR parser can take");
          }
          mlir::DialectRegistry registry;
          dialects(registry);
          context->appendDialectRegistry(registry);
          mlir::OwningOpRef<mlir::Operation *> op =
              mlir::parseSourceFileForTool(sources, mlir::ParserConfig(context),
                                           /*insertImplicitModule=*/true);
          if (!op || mlir::failed(mlir::verify(*op)))
            return mlir::failure();
          return function(op.get(), output);
        });
  }
};

} // namespace moe

#endif // MOE_TARGET_CHECKEDTRANSLATION_H
