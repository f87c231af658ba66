//===- MoEToPIM.h - compile PIM-placed experts to pim programs --*- C++ -*-===//
//
// The reusable entry point behind `convert-moe-to-pim`, for toolchains that
// drive the lowering from their own pass.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_MOETOPIM_H
#define MOE_PASSES_MOETOPIM_H

#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/Dialect/PIM/PIMOps.h"
#include "moe/Target/PIM/ExpertLayout.h"

#include <string>
#include <vector>

namespace moe {

struct MoEToPIMOptions {
  /// Slots values to compile one program each for.
  std::vector<unsigned> slots = {1};
  /// Largest input chunk per WRGB; 0: what the global buffer holds.
  unsigned chunkBytes = 0;
  /// Tokens that share each row activation in programs with that many
  /// slots, when the global buffer and the accumulators hold them.
  unsigned batchTokens = 1;
  /// Whether fc1 may be split over the hidden dimension (see
  /// moe/Target/PIM/ExpertLayout.h); `Auto` where it is cheaper.
  pim::HiddenSplit hiddenSplit = pim::HiddenSplit::Auto;
};

/// Lays out the weights of every `pim`-placed expert of `experts` in
/// `target` (from row `nextRow`, which it advances) and adds their programs,
/// named `<prefix>_e<expert>_s<slots>`. Sets `pim.expert_programs` on
/// `experts`. Emits an error on `experts` and fails for weights that are not
/// constants, unsupported element types and experts that do not fit.
mlir::LogicalResult compilePimExperts(ExpertsOp experts,
                                      pim::DeviceModuleOp target,
                                      llvm::StringRef prefix,
                                      const MoEToPIMOptions &options,
                                      uint32_t &nextRow);

/// The attribute that maps each expert to its programs.
constexpr llvm::StringLiteral kExpertProgramsAttr = "pim.expert_programs";

} // namespace moe

#endif // MOE_PASSES_MOETOPIM_H
