//===- PoliciesTest.cpp - placement policies on crafted and random counts -===//

#include "moe/CostModel/Policies.h"

#include "gtest/gtest.h"

#include <functional>
#include <random>

using namespace moe::cost;

namespace {

ExpertShape qwenExpert() {
  ExpertShape shape;
  shape.hidden = 2048;
  shape.intermediate = 768;
  shape.matrices = 3;
  return shape;
}

LayerCostModel model(const char *gpu = "b200", const char *pim = "hbm3e-pim",
                     ExpertShape shape = qwenExpert()) {
  return LayerCostModel(shape, *findGpu(gpu), *findPim(pim),
                        *findLink("nvlink"));
}

double layerTime(const PlacementPolicy &policy,
                 const std::vector<int64_t> &counts, const LayerCostModel &m) {
  return m.layerTime(counts, policy.decide(counts, m), policy.mapping())
      .total();
}

TEST(Policies, EveryNameCreatesItsPolicy) {
  for (std::string_view name : policyNames()) {
    auto policy = createPolicy(name);
    ASSERT_TRUE(policy) << name;
    EXPECT_EQ(policy->name(), name);
  }
  EXPECT_FALSE(createPolicy("fastest"));
}

TEST(Policies, StaticPolicies) {
  LayerCostModel m = model();
  std::vector<int64_t> counts = {9, 8, 7, 0, 1};
  EXPECT_EQ(createPolicy("all-gpu")->decide(counts, m).gpuTokens, counts);
  EXPECT_EQ(createPolicy("all-pim")->decide(counts, m).gpuTokens,
            std::vector<int64_t>(5, 0));
  PolicyOptions options;
  options.threshold = 8;
  EXPECT_EQ(createPolicy("threshold", options)->decide(counts, m).gpuTokens,
            (std::vector<int64_t>{9, 8, 0, 0, 0}));
}

TEST(Policies, ALayerCheaperThanALaunchStaysOnPim) {
  // Three single-token experts take less PIM time than launching any GPU
  // kernel: nothing should move.
  LayerCostModel m = model();
  std::vector<int64_t> counts(128, 0);
  counts[3] = counts[50] = counts[90] = 1;
  ASSERT_LT(m.pimExpertTime(1) * 3, m.gpu().launchOverhead);
  for (const char *name : {"sieve", "optimal", "duplex"})
    EXPECT_EQ(createPolicy(name)->decide(counts, m).gpuTokens,
              std::vector<int64_t>(128, 0))
        << name;
}

TEST(Policies, HotExpertsGoToTheGpu) {
  // Two very hot experts and a tail of ones: the hot ones move.
  LayerCostModel m = model();
  std::vector<int64_t> counts(64, 1);
  counts[5] = 300;
  counts[40] = 250;
  ExpertSplit sieve = createPolicy("sieve")->decide(counts, m);
  EXPECT_EQ(sieve.gpuTokens[5], 300);
  EXPECT_EQ(sieve.gpuTokens[40], 250);
  double best = layerTime(*createPolicy("optimal"), counts, m);
  EXPECT_LE(best, layerTime(*createPolicy("sieve"), counts, m) * (1 + 1e-12));
  EXPECT_LT(best, layerTime(*createPolicy("all-pim"), counts, m));
}

/// The exact minimum over every integer split, by enumeration.
double bruteForceSplit(const std::vector<int64_t> &counts,
                       const LayerCostModel &m) {
  ExpertSplit split = ExpertSplit::allOn(counts, false);
  double best = 1e300;
  std::function<void(size_t)> visit = [&](size_t e) {
    if (e == counts.size()) {
      best = std::min(best, m.layerTime(counts, split).total());
      return;
    }
    for (int64_t u = 0; u <= counts[e]; ++u) {
      split.gpuTokens[e] = u;
      visit(e + 1);
    }
  };
  visit(0);
  return best;
}

TEST(Policies, OptimalEqualsExhaustiveSearchOnSmallLayers) {
  // Small hidden sizes put the knee between memory- and compute-bound
  // within a few tokens, so splits and every price segment are exercised.
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    ExpertShape shape;
    shape.hidden = 8 << (rng() % 6);
    shape.intermediate = 8 << (rng() % 6);
    shape.matrices = 2 + rng() % 2;
    const char *gpus[] = {"h100", "b200", "a100"};
    const char *pims[] = {"hbm3e-pim", "logic-pim", "hbm2-pim"};
    LayerCostModel m = model(gpus[rng() % 3], pims[rng() % 3], shape);
    std::vector<int64_t> counts(1 + rng() % 4);
    for (int64_t &c : counts)
      c = rng() % 7;
    double exact = bruteForceSplit(counts, m);
    double optimal = layerTime(*createPolicy("optimal"), counts, m);
    EXPECT_NEAR(optimal, exact, exact * 1e-9)
        << "trial " << trial << " H=" << shape.hidden
        << " I=" << shape.intermediate;
  }
}

TEST(Policies, OptimalIsNeverWorseThanAnyPolicy) {
  std::mt19937_64 rng(11);
  const char *gpus[] = {"h100", "h200", "b200", "a100"};
  const char *pims[] = {"hbm3e-pim", "hbm3-pim", "logic-pim", "gddr6-aim",
                        "hbm2-pim"};
  auto optimal = createPolicy("optimal");
  for (int trial = 0; trial < 400; ++trial) {
    LayerCostModel m = model(gpus[rng() % 4], pims[rng() % 5]);
    std::vector<int64_t> counts(8 + rng() % 250);
    int64_t scale = 1 + rng() % 600;
    for (int64_t &c : counts) {
      // Bimodal: mostly 0-4 tokens, some hot experts.
      c = rng() % 10 == 0 ? rng() % scale : rng() % 5;
    }
    double best = layerTime(*optimal, counts, m);
    for (std::string_view name : policyNames()) {
      // Every split is judged in the same (sharded) model; PIMoE's own
      // per-channel layout is a different machine, compared in the bench.
      ExpertSplit split = createPolicy(name)->decide(counts, m);
      double t = m.layerTime(counts, split).total();
      EXPECT_LE(best, t * (1 + 1e-12)) << name << " trial " << trial;
    }
  }
}

TEST(Policies, SieveStopsAtTheFirstWorseMove) {
  LayerCostModel m = model();
  std::vector<int64_t> counts = {500, 400, 2, 1, 1, 1};
  ExpertSplit split = createPolicy("sieve")->decide(counts, m);
  // Moves are hottest first: a moved expert is never colder than one kept.
  int64_t coldestMoved = 1 << 30, hottestKept = 0;
  for (size_t e = 0; e < counts.size(); ++e) {
    if (split.gpuTokens[e] == counts[e] && counts[e] > 0)
      coldestMoved = std::min(coldestMoved, counts[e]);
    else
      hottestKept = std::max(hottestKept, counts[e]);
  }
  EXPECT_GE(coldestMoved, hottestKept);
}

TEST(Policies, PIMoEBalancesChannelsNotShards) {
  LayerCostModel m = model();
  std::vector<int64_t> counts(256, 1);
  counts[0] = 64;
  auto pimoe = createPolicy("pimoe");
  EXPECT_EQ(pimoe->mapping(), PimMapping::PerChannel);
  ExpertSplit split = pimoe->decide(counts, m);
  // The busiest channel holds expert 0; it moves first.
  EXPECT_EQ(split.gpuTokens[0], 64);
}

} // namespace
