//===- Policies.h - GPU/PIM placement policies ------------------*- C++ -*-===//
//
// Every policy maps one layer's token counts per expert to a split, behind
// one interface the compiler and the runtime share:
//   all-gpu, all-pim   the static extremes (AllExp = all-pim: PAPI, Stratum)
//   threshold          experts with at least `threshold` tokens on the GPU
//   pimoe              PIMoE (DAC'25): experts whole in one channel each; all
//                      on PIM, then the most popular expert of the busiest
//                      channel moves to the GPU while the GPU is faster
//   duplex             Duplex (MICRO'24) direction: all on GPU, the coldest
//                      move to PIM while the layer gets faster
//   sieve              Sieve: all on PIM, the hottest move to the GPU while
//                      the layer gets faster; stops at the first worse move
//   optimal            moe-mlir's: the exact minimum of the model, allowed to
//                      split one expert's tokens between GPU and PIM
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COSTMODEL_POLICIES_H
#define MOE_COSTMODEL_POLICIES_H

#include "moe/CostModel/ExpertCost.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moe::cost {

class PlacementPolicy {
public:
  virtual ~PlacementPolicy();
  virtual std::string_view name() const = 0;
  /// The split of `counts` (tokens per expert) this policy picks.
  virtual ExpertSplit decide(const std::vector<int64_t> &counts,
                             const LayerCostModel &model) const = 0;
  /// How this policy lays PIM experts out (PIMoE: per channel).
  virtual PimMapping mapping() const { return PimMapping::Sharded; }
};

struct PolicyOptions {
  int64_t threshold = 8; ///< for `threshold`
};

/// The policy called `name`, or null if there is none; `policyNames()`
/// lists them.
std::unique_ptr<PlacementPolicy>
createPolicy(std::string_view name, const PolicyOptions &options = {});
const std::vector<std::string_view> &policyNames();

} // namespace moe::cost

#endif // MOE_COSTMODEL_POLICIES_H
