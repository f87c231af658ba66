//===- GreedyPolicies.cpp - Sieve's and Duplex's greedy moves -------------===//
//
// Both move whole experts one at a time and stop at the first move that
// does not make the layer faster: Sieve starts with everything on PIM and
// moves the hottest expert to the GPU; Duplex starts on the GPU and moves
// the coldest to PIM.
//
//===----------------------------------------------------------------------===//

#include "PolicyImpl.h"

namespace moe::cost::detail {
namespace {

class Sieve : public PlacementPolicy {
public:
  std::string_view name() const override { return "sieve"; }
  ExpertSplit decide(const std::vector<int64_t> &counts,
                     const LayerCostModel &model) const override {
    ExpertSplit split = ExpertSplit::allOn(counts, /*gpu=*/false);
    LayerTally tally(model);
    std::vector<size_t> order = hottestFirst(counts);
    for (size_t e : order)
      tally.addPim(counts[e]);
    double best = tally.total();
    for (size_t e : order) {
      tally.removePim(counts[e]);
      tally.addGpu(counts[e]);
      double now = tally.total();
      if (now >= best)
        break;
      best = now;
      split.gpuTokens[e] = counts[e];
    }
    return split;
  }
};

class Duplex : public PlacementPolicy {
public:
  std::string_view name() const override { return "duplex"; }
  ExpertSplit decide(const std::vector<int64_t> &counts,
                     const LayerCostModel &model) const override {
    ExpertSplit split = ExpertSplit::allOn(counts, /*gpu=*/true);
    LayerTally tally(model);
    std::vector<size_t> order = hottestFirst(counts);
    for (size_t e : order)
      tally.addGpu(counts[e]);
    double best = tally.total();
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      size_t e = *it;
      tally.removeGpu(counts[e]);
      tally.addPim(counts[e]);
      double now = tally.total();
      if (now >= best)
        break;
      best = now;
      split.gpuTokens[e] = 0;
    }
    return split;
  }
};

} // namespace

std::unique_ptr<PlacementPolicy> createSievePolicy() {
  return std::make_unique<Sieve>();
}
std::unique_ptr<PlacementPolicy> createDuplexPolicy() {
  return std::make_unique<Duplex>();
}

} // namespace moe::cost::detail
