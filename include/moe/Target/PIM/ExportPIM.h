//===- ExportPIM.h - pim.module -> PIM command stream -----------*- C++ -*-===//
//
// `moe-translate --export-pim` (the binary container) and
// `--export-pim-text` (its readable dump): a pim.module's programs and its
// weights, laid out bank by bank as the planner says, in a CommandStream
// that passes verifyStream.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TARGET_PIM_EXPORTPIM_H
#define MOE_TARGET_PIM_EXPORTPIM_H

#include "moe/Dialect/PIM/PIMOps.h"

namespace moe::pim {

/// The stream of `module`; emits an error on the op at fault and fails when
/// a weight cannot be read or the stream does not verify. With
/// `dropEmptySegments`, bank segments that hold only zeros are left out (an
/// unwritten bank reads as zeros): on a large device most banks of a small
/// expert hold nothing.
mlir::FailureOr<CommandStream>
exportCommandStream(DeviceModuleOp module, bool dropEmptySegments = false);

/// Registers --export-pim and --export-pim-text.
void registerExportPIMTranslation();

} // namespace moe::pim

#endif // MOE_TARGET_PIM_EXPORTPIM_H
