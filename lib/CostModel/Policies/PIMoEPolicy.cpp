//===- PIMoEPolicy.cpp - PIMoE's channel-based split (DAC'25) -------------===//
//
// PIMoE keeps each expert whole in one PIM channel (expert e in channel
// e mod C) instead of sharding it over all channels. Starting with every
// expert on PIM, it moves the most popular expert of the busiest channel to
// the GPU while the GPU is still faster than the PIM side.
//
//===----------------------------------------------------------------------===//

#include "PolicyImpl.h"

#include <queue>

namespace moe::cost::detail {
namespace {

class PIMoE : public PlacementPolicy {
public:
  std::string_view name() const override { return "pimoe"; }
  PimMapping mapping() const override { return PimMapping::PerChannel; }

  ExpertSplit decide(const std::vector<int64_t> &counts,
                     const LayerCostModel &model) const override {
    ExpertSplit split = ExpertSplit::allOn(counts, /*gpu=*/false);
    size_t channels = model.pim().channels();
    // Per channel: its experts hottest first, and a cursor to the next one.
    std::vector<std::vector<size_t>> byChannel(channels);
    for (size_t e : hottestFirst(counts))
      byChannel[e % channels].push_back(e);
    std::vector<size_t> next(channels, 0);
    std::vector<double> load(channels, 0.0);
    std::priority_queue<std::pair<double, size_t>> busiest;
    for (size_t c = 0; c < channels; ++c) {
      for (size_t e : byChannel[c])
        load[c] += model.pimExpertTime(counts[e], PimMapping::PerChannel);
      if (load[c] > 0)
        busiest.push({load[c], c});
    }
    double gpu = 0;
    int64_t gpuExperts = 0;
    while (!busiest.empty()) {
      auto [channelLoad, c] = busiest.top();
      if (channelLoad != load[c]) { // stale entry
        busiest.pop();
        continue;
      }
      double gpuTime = gpuExperts ? gpu + model.gpu().launchOverhead : 0.0;
      if (gpuTime >= channelLoad || next[c] == byChannel[c].size())
        break;
      busiest.pop();
      size_t e = byChannel[c][next[c]++];
      split.gpuTokens[e] = counts[e];
      gpu += model.gpuExpertTime(counts[e]);
      ++gpuExperts;
      load[c] -= model.pimExpertTime(counts[e], PimMapping::PerChannel);
      if (next[c] < byChannel[c].size())
        busiest.push({load[c], c});
      else
        load[c] = 0;
    }
    return split;
  }
};

} // namespace

std::unique_ptr<PlacementPolicy> createPIMoEPolicy() {
  return std::make_unique<PIMoE>();
}

} // namespace moe::cost::detail
