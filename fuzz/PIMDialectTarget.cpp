//===- PIMDialectTarget.cpp - fuzz the pim dialect down to the stream -----===//
//
// Text to module: the pim ops' parsers and verifiers. A module that verifies
// must print and parse back, and each pim.module either exports with an
// error on the op at fault or gives a stream that verifies and survives the
// binary container (exportCommandStream promises a stream that passes
// verifyStream).
//
//===----------------------------------------------------------------------===//

#include "DiagnosticCapture.h"
#include "FuzzTargets.h"
#include "ParseTextModule.h"
#include "ReusedContext.h"

#include "moe/Dialect/MoE/MoEDialect.h"
#include "moe/Dialect/PIM/PIMDialect.h"
#include "moe/Dialect/PIM/PIMOps.h"
#include "moe/Runtime/PIM/CommandStream.h"
#include "moe/Target/PIM/ExportPIM.h"

namespace moe::fuzz {

Outcome fuzzPIMDialect(const uint8_t *data, size_t size) {
  static ReusedContext contexts([](mlir::DialectRegistry &registry) {
    registerHostDialects(registry);
    registry.insert<moe::MoEDialect, moe::pim::PIMDialect>();
  });
  mlir::MLIRContext &context = contexts.next();
  std::string error;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseTextModule(context, data, size, error);
  if (!module)
    return Outcome::reject(error);
  checkGenericRoundTrip("pim-dialect", *module);

  DiagnosticCapture diagnostics(context);
  std::string rejected;
  for (auto device : module->getOps<pim::DeviceModuleOp>()) {
    mlir::FailureOr<pim::CommandStream> stream =
        pim::exportCommandStream(device);
    if (mlir::failed(stream)) {
      if (!diagnostics.sawError())
        failProperty("pim-dialect", "export failed without a diagnostic");
      if (rejected.empty())
        rejected = diagnostics.firstError("");
      continue;
    }
    std::string problem = pim::verifyStream(*stream);
    if (!problem.empty())
      failProperty("pim-dialect",
                   "the exported stream does not verify: " + problem);
    std::vector<uint8_t> bytes = pim::encodeStream(*stream);
    if (!pim::decodeStream(bytes.data(), bytes.size(), problem))
      failProperty("pim-dialect",
                   "the exported stream does not decode: " + problem);
  }
  if (!rejected.empty())
    return Outcome::reject("export: " + rejected);
  return Outcome::accept();
}

} // namespace moe::fuzz
