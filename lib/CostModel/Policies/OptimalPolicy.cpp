//===- OptimalPolicy.cpp - the exact best split of a layer ----------------===//
//
// The minimum of max(T_gpu, T_pim, T_comm) over every way to give each
// expert u_e of its n_e tokens on the GPU (the rest on PIM), for the
// linearised model (docs/CostModel.md has the proof):
//   - an expert with u > 0 GPU tokens costs max(c0 + b u, a u): weight reads
//     c0, token traffic b per token, compute a per token. As a function of
//     integer u this is c0 plus marginal costs b (the first `knee` tokens),
//     then one token at d, then a, with b <= d <= a: convex after the fixed
//     c0.
//   - every PIM token costs the same GEMV time, and comm is linear in the
//     PIM tokens, so the PIM side is a function F(P) of the PIM token total.
// For m experts active on the GPU and Q GPU tokens, the hottest m experts
// have the largest capacity at every marginal price, so the cheapest GPU
// time is G_m(Q) = L + m c0 + b min(Q, C_m) + d min((Q - C_m)+, D_m)
// + a (Q - C_m - D_m)+ (C_m: b-priced capacity, D_m: d-priced). Any split
// with m active experts and Q GPU tokens costs at least max(G_m(Q),
// F(N - Q)), and the water-filled split below attains it; G_m rises and F
// falls in Q, so a binary search finds the best Q for each m. Once the fixed
// cost L + m c0 alone reaches the best time found, no larger m can win.
//
//===----------------------------------------------------------------------===//

#include "PolicyImpl.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace moe::cost::detail {
namespace {

class Optimal : public PlacementPolicy {
public:
  std::string_view name() const override { return "optimal"; }

  ExpertSplit decide(const std::vector<int64_t> &counts,
                     const LayerCostModel &model) const override {
    ExpertSplit split = ExpertSplit::allOn(counts, /*gpu=*/false);
    std::vector<size_t> order = hottestFirst(counts);
    if (order.empty())
      return split;
    LayerCostModel::Linearised lin = model.linearised();
    double c0 = lin.gpuFixed, b = lin.gpuPerTokenBytes,
           a = lin.gpuPerTokenFlops;
    int64_t total = 0;
    for (size_t e : order)
      total += counts[e];

    // The last token count at which an expert is still bound by memory.
    int64_t knee = total;
    if (a > b)
      knee = std::min<int64_t>(total,
                               static_cast<int64_t>(std::floor(c0 / (a - b))));
    double d = a * (knee + 1) - (c0 + b * knee);
    auto pimSide = [&](int64_t pimTokens) {
      if (pimTokens <= 0)
        return 0.0;
      return std::max(pimTokens * lin.pimPerToken,
                      pimTokens * lin.commPerToken + lin.commLatency);
    };

    double best = pimSide(total);
    int64_t bestActive = 0, bestGpuTokens = 0;
    int64_t tokens = 0, capB = 0, capD = 0;
    for (size_t m = 1; m <= order.size(); ++m) {
      int64_t n = counts[order[m - 1]];
      tokens += n;
      capB += std::min(n, knee);
      capD += n > knee ? 1 : 0;
      double fixed = lin.launch + m * c0;
      // Every further expert only adds fixed cost beyond this point.
      if (fixed >= best)
        break;
      auto gpuSide = [&](int64_t q) {
        int64_t atB = std::min(q, capB);
        int64_t atD = std::min(q - atB, capD);
        return fixed + b * atB + d * atD + a * (q - atB - atD);
      };
      auto layer = [&](int64_t q) {
        return std::max(gpuSide(q), pimSide(total - q));
      };
      // First q in [m, tokens] where the GPU side is the larger one. Often
      // even all m experts' tokens leave the GPU side smaller: no search.
      int64_t lo = static_cast<int64_t>(m), hi = tokens;
      if (gpuSide(hi) < pimSide(total - hi))
        lo = hi + 1;
      while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (gpuSide(mid) >= pimSide(total - mid))
          hi = mid;
        else
          lo = mid + 1;
      }
      for (int64_t q : {lo - 1, lo}) {
        if (q < static_cast<int64_t>(m) || q > tokens)
          continue;
        double t = layer(q);
        if (t < best) {
          best = t;
          bestActive = static_cast<int64_t>(m);
          bestGpuTokens = q;
        }
      }
    }

    // Water-fill: one token each, then b-priced, d-priced, a-priced tokens.
    int64_t left = bestGpuTokens;
    std::vector<int64_t> give(bestActive, 0);
    auto fill = [&](auto capOf) {
      for (int64_t i = 0; i < bestActive && left > 0; ++i) {
        int64_t room = std::max<int64_t>(capOf(i) - give[i], 0);
        int64_t take = std::min(room, left);
        give[i] += take;
        left -= take;
      }
    };
    auto n = [&](int64_t i) { return counts[order[i]]; };
    fill([&](int64_t) { return int64_t{1}; });
    fill([&](int64_t i) { return std::max<int64_t>(std::min(n(i), knee), 1); });
    fill([&](int64_t i) { return std::min(n(i), knee + 1); });
    fill([&](int64_t i) { return n(i); });
    for (int64_t i = 0; i < bestActive; ++i)
      split.gpuTokens[order[i]] = give[i];
    return split;
  }
};

} // namespace

std::unique_ptr<PlacementPolicy> createOptimalPolicy() {
  return std::make_unique<Optimal>();
}

} // namespace moe::cost::detail
