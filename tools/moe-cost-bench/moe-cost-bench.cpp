//===- moe-cost-bench.cpp - placement policies: decision time and quality -===//
//
// For 64, 128, 256 and 512 experts and several token distributions, prints
// each policy's time to decide one layer (one core) and its modelled layer
// time relative to the optimal policy. Not a test: numbers vary by machine.
//
//   moe-cost-bench [--gpu b200] [--pim hbm3e-pim] [--link nvlink]
//                  [--steps 64] [--batch 64]
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Policies.h"
#include "moe/CostModel/TokenProfile.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifdef __linux__
#include <sched.h>
#endif

using namespace moe::cost;

namespace {

struct Options {
  std::string gpu = "b200", pim = "hbm3e-pim", link = "nvlink";
  int64_t steps = 64, batch = 64;
};

/// Median nanoseconds of one `decide` over the profile's steps.
double decisionNanos(const PlacementPolicy &policy,
                     const TokenProfile::Layer &layer,
                     const LayerCostModel &model) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> samples;
  volatile int64_t sink = 0;
  for (int round = 0; round < 7; ++round) {
    int64_t decisions = 0;
    auto start = Clock::now();
    do {
      for (const std::vector<int64_t> &counts : layer.steps) {
        ExpertSplit split = policy.decide(counts, model);
        sink = sink + split.gpuTokens[0];
        ++decisions;
      }
    } while (Clock::now() - start < std::chrono::milliseconds(20));
    double ns =
        std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    samples.push_back(ns / decisions);
  }
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2,
                   samples.end());
  return samples[samples.size() / 2];
}

/// Mean over steps of the layer time each policy's split gives.
double meanLayerTime(const PlacementPolicy &policy,
                     const TokenProfile::Layer &layer,
                     const LayerCostModel &model) {
  double sum = 0;
  for (const std::vector<int64_t> &counts : layer.steps)
    sum +=
        model.layerTime(counts, policy.decide(counts, model), policy.mapping())
            .total();
  return sum / layer.steps.size();
}

/// Share of experts with exactly one token, and with at most four, over
/// the experts that got any (Sieve reports these for its traces).
std::pair<double, double> smallShares(const TokenProfile::Layer &layer) {
  int64_t one = 0, upToFour = 0, routed = 0;
  for (const std::vector<int64_t> &counts : layer.steps)
    for (int64_t c : counts) {
      if (c == 0)
        continue;
      ++routed;
      one += c == 1;
      upToFour += c <= 4;
    }
  return {100.0 * one / routed, 100.0 * upToFour / routed};
}

/// The greedy policies' gap to the optimum step by step, on counts shaped
/// like Sieve's Qwen3-Next traces (batch 64: 44.2% of routed experts get
/// exactly 1 token, 89.3% at most 4).
bool sieveLikeGaps(const GpuDescriptor &gpu, const PimDescriptor &pim,
                   const LinkDescriptor &link, std::string &error) {
  // Qwen3-Next-80B-A3B's routed expert: H 2048, I 512, gated; E 512, k 10.
  ExpertShape shape;
  shape.hidden = 2048;
  shape.intermediate = 512;
  shape.matrices = 3;
  LayerCostModel model(shape, gpu, pim, link);
  std::printf("\nSieve-like counts: Qwen3-Next expert (H 2048, I 512, gated "
              "bf16), 512 experts, k=10, 256 steps per batch size\n");
  std::printf("%-6s %-18s %-8s %10s %10s %10s\n", "batch", "routed experts",
              "policy", "mean gap", "worst gap", "steps >1%");
  auto optimal = createPolicy("optimal");
  for (int64_t batch : {16, 64, 256}) {
    std::string text = "bimodal:hot=0.3,weight=7,steps=256,seed=3,batch=" +
                       std::to_string(batch);
    std::optional<DistributionSpec> spec = parseDistribution(text, error);
    if (!spec)
      return false;
    TokenProfile::Layer layer = sampleLayer(*spec, 512, 10);
    auto [one, four] = smallShares(layer);
    char shares[32];
    std::snprintf(shares, sizeof(shares), "%.0f%% 1, %.0f%% <=4", one, four);
    for (const char *name : {"sieve", "duplex", "pimoe", "all-pim"}) {
      auto policy = createPolicy(name);
      double sum = 0, worst = 1;
      int64_t over = 0;
      for (const std::vector<int64_t> &counts : layer.steps) {
        double best =
            model.layerTime(counts, optimal->decide(counts, model)).total();
        double t = model
                       .layerTime(counts, policy->decide(counts, model),
                                  policy->mapping())
                       .total();
        sum += t / best;
        worst = std::max(worst, t / best);
        over += t > 1.01 * best;
      }
      std::printf("%-6lld %-18s %-8s %9.4fx %9.4fx %10lld\n",
                  static_cast<long long>(batch), shares, name,
                  sum / layer.steps.size(), worst,
                  static_cast<long long>(over));
    }
  }
  return true;
}

bool parseArgs(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    auto value = [&]() -> const char * {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    const char *arg = argv[i];
    const char *v = nullptr;
    if (!std::strcmp(arg, "--gpu") && (v = value()))
      options.gpu = v;
    else if (!std::strcmp(arg, "--pim") && (v = value()))
      options.pim = v;
    else if (!std::strcmp(arg, "--link") && (v = value()))
      options.link = v;
    else if (!std::strcmp(arg, "--steps") && (v = value()))
      options.steps = std::atoll(v);
    else if (!std::strcmp(arg, "--batch") && (v = value()))
      options.batch = std::atoll(v);
    else {
      std::fprintf(stderr,
                   "usage: moe-cost-bench [--gpu NAME|FILE] [--pim NAME|FILE] "
                   "[--link NAME|FILE] [--steps N] [--batch N]\n");
      return false;
    }
  }
  return options.steps > 0 && options.batch > 0;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  if (!parseArgs(argc, argv, options))
    return 2;
#ifdef __linux__
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  sched_setaffinity(0, sizeof(one), &one); // "on one core"
#endif
  std::string error;
  auto gpu = resolveGpu(options.gpu, error);
  auto pim = gpu ? resolvePim(options.pim, error) : std::nullopt;
  auto link = pim ? resolveLink(options.link, error) : std::nullopt;
  if (!link) {
    std::fprintf(stderr, "moe-cost-bench: %s\n", error.c_str());
    return 1;
  }
  // Qwen3-30B-A3B's routed expert (H 2048, I 768, gated, bf16), k = 8.
  ExpertShape shape;
  shape.hidden = 2048;
  shape.intermediate = 768;
  shape.matrices = 3;
  LayerCostModel model(shape, *gpu, *pim, *link);

  struct Workload {
    const char *label;
    std::string spec;
  };
  std::string batch = ",batch=" + std::to_string(options.batch) +
                      ",steps=" + std::to_string(options.steps) + ",seed=1";
  std::vector<Workload> workloads = {
      {"uniform", "uniform:" + batch.substr(1)},
      {"zipf s=1.2", "zipf:s=1.2" + batch},
      {"bimodal", "bimodal:hot=0.05,weight=40" + batch},
  };

  std::printf("moe-cost-bench: %s + %s over %s; expert H=2048 I=768 gated "
              "bf16, k=8, batch %lld, %lld steps per row\n",
              gpu->name.c_str(), pim->name.c_str(), link->name.c_str(),
              static_cast<long long>(options.batch),
              static_cast<long long>(options.steps));
  std::printf("%-8s %-12s %-10s %12s %12s %10s\n", "experts", "tokens",
              "policy", "decide(ns)", "layer(us)", "vs optimal");
  auto optimal = createPolicy("optimal");
  for (int64_t experts : {64, 128, 256, 512}) {
    for (const Workload &w : workloads) {
      std::optional<DistributionSpec> spec = parseDistribution(w.spec, error);
      if (!spec) {
        std::fprintf(stderr, "moe-cost-bench: %s\n", error.c_str());
        return 1;
      }
      TokenProfile::Layer layer = sampleLayer(*spec, experts, 8);
      double best = meanLayerTime(*optimal, layer, model);
      auto [one, four] = smallShares(layer);
      for (std::string_view name : policyNames()) {
        auto policy = createPolicy(name);
        double ns = decisionNanos(*policy, layer, model);
        double t = meanLayerTime(*policy, layer, model);
        std::printf("%-8lld %-12s %-10.*s %12.0f %12.2f %9.3fx\n",
                    static_cast<long long>(experts), w.label,
                    static_cast<int>(name.size()), name.data(), ns, t * 1e6,
                    t / best);
      }
      std::printf("%-8s %-12s (experts with tokens: %.1f%% have 1, %.1f%% "
                  "have <= 4)\n",
                  "", "", one, four);
    }
  }
  return sieveLikeGaps(*gpu, *pim, *link, error) ? 0 : 1;
}
