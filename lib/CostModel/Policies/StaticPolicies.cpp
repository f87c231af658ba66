//===- StaticPolicies.cpp - all-gpu, all-pim and a token threshold --------===//

#include "PolicyImpl.h"

namespace moe::cost::detail {
namespace {

class AllOnOneSide : public PlacementPolicy {
public:
  explicit AllOnOneSide(bool gpu) : gpu_(gpu) {}
  std::string_view name() const override {
    return gpu_ ? "all-gpu" : "all-pim";
  }
  ExpertSplit decide(const std::vector<int64_t> &counts,
                     const LayerCostModel &) const override {
    return ExpertSplit::allOn(counts, gpu_);
  }

private:
  bool gpu_;
};

/// Experts with at least `threshold` tokens on the GPU: a split fixed
/// ahead of time, as a static partition would be.
class Threshold : public PlacementPolicy {
public:
  explicit Threshold(int64_t threshold) : threshold_(threshold) {}
  std::string_view name() const override { return "threshold"; }
  ExpertSplit decide(const std::vector<int64_t> &counts,
                     const LayerCostModel &) const override {
    ExpertSplit split = ExpertSplit::allOn(counts, /*gpu=*/false);
    for (size_t e = 0; e < counts.size(); ++e)
      if (counts[e] >= threshold_)
        split.gpuTokens[e] = counts[e];
    return split;
  }

private:
  int64_t threshold_;
};

} // namespace

std::unique_ptr<PlacementPolicy> createAllGpuPolicy() {
  return std::make_unique<AllOnOneSide>(true);
}
std::unique_ptr<PlacementPolicy> createAllPimPolicy() {
  return std::make_unique<AllOnOneSide>(false);
}
std::unique_ptr<PlacementPolicy> createThresholdPolicy(int64_t threshold) {
  return std::make_unique<Threshold>(threshold);
}

} // namespace moe::cost::detail
