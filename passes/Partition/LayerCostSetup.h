//===- LayerCostSetup.h - cost model inputs from moe IR ---------*- C++ -*-===//
//
// What the partitioning passes share: the hardware named by their options,
// each layer's expert shape read from its moe.experts op, and its token
// counts per step from a profile file or a sampled distribution.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_PARTITION_LAYERCOSTSETUP_H
#define MOE_PASSES_PARTITION_LAYERCOSTSETUP_H

#include "moe/CostModel/ExpertCost.h"
#include "moe/CostModel/TokenProfile.h"
#include "moe/Dialect/MoE/MoEOps.h"

#include "mlir/IR/BuiltinOps.h"

namespace moe::partition {

/// The options every cost-model pass has (see Passes.td).
struct CostOptions {
  std::string gpu, pim, link, profile, distribution;
};

/// Hardware and per-layer token counts for one module.
struct CostSetup {
  cost::GpuDescriptor gpu;
  cost::PimDescriptor pim;
  cost::LinkDescriptor link;
  /// One entry per moe.experts op, in module order.
  std::vector<ExpertsOp> layers;
  std::vector<cost::TokenProfile::Layer> counts;

  cost::LayerCostModel modelFor(size_t layer) const;
};

/// Resolves the hardware, collects the layers and their counts. Emits an
/// error at the module or the offending op and fails on bad input.
mlir::FailureOr<CostSetup> prepareCostSetup(mlir::ModuleOp module,
                                            const CostOptions &options);

/// The expert shape of a moe.experts or moe.ffn op (static H and I
/// required; the error is emitted at the op).
mlir::FailureOr<cost::ExpertShape> expertShapeOf(ExpertsOp op);
mlir::FailureOr<cost::ExpertShape> expertShapeOf(FFNDenseOp op);

} // namespace moe::partition

#endif // MOE_PASSES_PARTITION_LAYERCOSTSETUP_H
