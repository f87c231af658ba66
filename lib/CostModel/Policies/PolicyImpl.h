//===- PolicyImpl.h - what the policy files share ---------------*- C++ -*-===//

#ifndef MOE_LIB_COSTMODEL_POLICIES_POLICYIMPL_H
#define MOE_LIB_COSTMODEL_POLICIES_POLICYIMPL_H

#include "moe/CostModel/Policies.h"

#include <algorithm>

namespace moe::cost::detail {

/// The running terms of a layer while whole experts move between sides,
/// updated in O(1) per move (the greedy policies try one move at a time).
class LayerTally {
public:
  LayerTally(const LayerCostModel &model) : model_(model) {}

  // Inline: a greedy decision makes one call per expert it tries.
  void addGpu(int64_t tokens) {
    gpu_ += model_.gpuExpertTime(tokens);
    ++gpuExperts_;
  }
  void removeGpu(int64_t tokens) {
    gpu_ -= model_.gpuExpertTime(tokens);
    --gpuExperts_;
  }
  void addPim(int64_t tokens) {
    pim_ += model_.pimExpertTime(tokens);
    pimTokens_ += tokens;
  }
  void removePim(int64_t tokens) {
    pim_ -= model_.pimExpertTime(tokens);
    pimTokens_ -= tokens;
  }
  double total() const {
    double gpu = gpuExperts_ > 0 ? gpu_ + model_.gpu().launchOverhead : 0.0;
    if (pimTokens_ <= 0)
      return gpu;
    double comm = model_.link().latency + model_.commTime(pimTokens_);
    return std::max({gpu, pim_, comm});
  }

private:
  const LayerCostModel &model_;
  double gpu_ = 0, pim_ = 0;
  int64_t gpuExperts_ = 0, pimTokens_ = 0;
};

/// Indices of experts with tokens, hottest first (ties: lower index first).
std::vector<size_t> hottestFirst(const std::vector<int64_t> &counts);

std::unique_ptr<PlacementPolicy> createAllGpuPolicy();
std::unique_ptr<PlacementPolicy> createAllPimPolicy();
std::unique_ptr<PlacementPolicy> createThresholdPolicy(int64_t threshold);
std::unique_ptr<PlacementPolicy> createSievePolicy();
std::unique_ptr<PlacementPolicy> createDuplexPolicy();
std::unique_ptr<PlacementPolicy> createPIMoEPolicy();
std::unique_ptr<PlacementPolicy> createOptimalPolicy();

} // namespace moe::cost::detail

#endif // MOE_LIB_COSTMODEL_POLICIES_POLICYIMPL_H
