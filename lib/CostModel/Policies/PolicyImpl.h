//===- PolicyImpl.h - what the policy files share ---------------*- C++ -*-===//

#ifndef MOE_LIB_COSTMODEL_POLICIES_POLICYIMPL_H
#define MOE_LIB_COSTMODEL_POLICIES_POLICYIMPL_H

#include "moe/CostModel/Policies.h"

namespace moe::cost::detail {

/// The running terms of a layer while whole experts move between sides,
/// updated in O(1) per move (the greedy policies try one move at a time).
class LayerTally {
public:
  LayerTally(const LayerCostModel &model) : model_(model) {}

  void addGpu(int64_t tokens);
  void removeGpu(int64_t tokens);
  void addPim(int64_t tokens);
  void removePim(int64_t tokens);
  double total() const;

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
