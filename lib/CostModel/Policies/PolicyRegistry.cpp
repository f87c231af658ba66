//===- PolicyRegistry.cpp - policies by name, and shared helpers ----------===//

#include "PolicyImpl.h"

#include <algorithm>
#include <numeric>

namespace moe::cost {

PlacementPolicy::~PlacementPolicy() = default;

const std::vector<std::string_view> &policyNames() {
  static const std::vector<std::string_view> names = {
      "all-gpu", "all-pim", "threshold", "pimoe", "duplex", "sieve", "optimal"};
  return names;
}

std::unique_ptr<PlacementPolicy> createPolicy(std::string_view name,
                                              const PolicyOptions &options) {
  using namespace detail;
  if (name == "all-gpu")
    return createAllGpuPolicy();
  if (name == "all-pim")
    return createAllPimPolicy();
  if (name == "threshold")
    return createThresholdPolicy(options.threshold);
  if (name == "pimoe")
    return createPIMoEPolicy();
  if (name == "duplex")
    return createDuplexPolicy();
  if (name == "sieve")
    return createSievePolicy();
  if (name == "optimal")
    return createOptimalPolicy();
  return nullptr;
}

namespace detail {

std::vector<size_t> hottestFirst(const std::vector<int64_t> &counts) {
  // A counting sort: token counts are small (at most batch x k), and this
  // runs for every layer of every step.
  int64_t maxCount = 0;
  size_t routed = 0;
  for (int64_t c : counts) {
    maxCount = std::max(maxCount, c);
    routed += c > 0;
  }
  std::vector<size_t> order(routed);
  if (maxCount > static_cast<int64_t>(8 * counts.size() + 64)) {
    // Few experts with huge counts: a comparison sort is cheaper.
    size_t i = 0;
    for (size_t e = 0; e < counts.size(); ++e)
      if (counts[e] > 0)
        order[i++] = e;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return counts[a] > counts[b]; });
    return order;
  }
  // start[c]: first slot of count c, hottest counts first.
  std::vector<size_t> start(maxCount + 2, 0);
  for (int64_t c : counts)
    if (c > 0)
      ++start[maxCount - c + 1];
  for (size_t c = 1; c < start.size(); ++c)
    start[c] += start[c - 1];
  for (size_t e = 0; e < counts.size(); ++e)
    if (counts[e] > 0)
      order[start[maxCount - counts[e]]++] = e;
  return order;
}

} // namespace detail
} // namespace moe::cost
