//===- ServingSimulator.cpp - decode steps of a model, every policy -------===//
//
// All policies see the same token counts: the counts of every sampled layer
// and step are drawn once and reused, so ratios between policies carry no
// sampling noise.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/Simulate/ServingSimulator.h"

#include "moe/CostModel/Policies.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace moe::sim {

double ServingPoint::tokensPerSecondPerGpu() const {
  return stepSeconds > 0 ? static_cast<double>(batch) / stepSeconds / gpus : 0;
}
double ServingPoint::tokensPerSecondPerUser() const {
  return stepSeconds > 0 ? 1.0 / stepSeconds : 0;
}

namespace {

/// The token counts of the layers one batch is simulated with.
struct BatchCounts {
  int64_t batch = 0;
  std::vector<cost::TokenProfile::Layer> layers;
};

std::vector<BatchCounts> collectCounts(const ServingConfig &config) {
  std::vector<BatchCounts> all;
  const cost::MoEModel &model = config.model;
  if (config.trace) {
    // A recorded trace: its steps are what they are; the batch is the
    // tokens per step.
    BatchCounts counts;
    counts.layers = config.trace->layers;
    int64_t copies = 0, steps = 0;
    for (const cost::TokenProfile::Layer &layer : counts.layers)
      for (const std::vector<int64_t> &step : layer.steps) {
        for (int64_t c : step)
          copies += c;
        ++steps;
      }
    counts.batch = steps ? copies / (steps * model.k) : 0;
    all.push_back(std::move(counts));
    return all;
  }
  for (int64_t batch : config.batches) {
    BatchCounts counts;
    counts.batch = batch;
    for (int64_t layer = 0; layer < config.sampledLayers; ++layer) {
      cost::DistributionSpec spec = config.distribution;
      spec.batch = batch;
      spec.steps = config.steps;
      // Each sampled layer has its own popularity order and draws.
      spec.seed = config.distribution.seed * 1000003u + layer * 7919u + 1;
      counts.layers.push_back(cost::sampleLayer(spec, model.experts, model.k));
    }
    all.push_back(std::move(counts));
  }
  return all;
}

} // namespace

std::optional<std::vector<ServingPoint>>
simulateServing(const ServingConfig &config, std::string &error) {
  const cost::MoEModel &model = config.model;
  if (config.gpus < 1 || model.experts % config.gpus != 0) {
    error = "--gpus " + std::to_string(config.gpus) + " must divide the " +
            std::to_string(model.experts) + " experts of " + model.name;
    return std::nullopt;
  }
  std::vector<std::string> names = config.policies;
  if (names.empty())
    for (std::string_view name : cost::policyNames())
      names.emplace_back(name);
  std::vector<std::unique_ptr<cost::PlacementPolicy>> policies;
  for (const std::string &name : names) {
    policies.push_back(cost::createPolicy(name));
    if (!policies.back()) {
      error = "unknown policy '" + name + "'; known:";
      for (std::string_view known : cost::policyNames())
        error += " " + std::string(known);
      return std::nullopt;
    }
  }
  if (config.trace)
    for (size_t l = 0; l < config.trace->layers.size(); ++l)
      if (config.trace->layers[l].numExperts != model.experts) {
        error = "trace layer " + std::to_string(l) + " has " +
                std::to_string(config.trace->layers[l].numExperts) +
                " experts; " + model.name + " has " +
                std::to_string(model.experts);
        return std::nullopt;
      }

  cost::ExpertShape shape = model.expertShape();
  cost::LayerCostModel perGpu(shape, config.gpu, config.pim, config.link);
  const double gpus = config.gpus;
  const double tokenBytes =
      static_cast<double>(model.hidden) * shape.activationBytes;
  // Attention and other non-expert weights: tensor parallel over the GPUs.
  const double denseSeconds =
      model.denseBytesPerLayer / gpus / config.gpu.memoryBandwidth;

  std::vector<ServingPoint> points;
  for (const BatchCounts &counts : collectCounts(config)) {
    if (counts.layers.empty())
      continue;
    // The all-to-all: each GPU sends the copies of its tokens bound for
    // experts elsewhere and gets their results back, every link in
    // parallel.
    double a2aSeconds = 0;
    if (config.gpus > 1) {
      double copies = static_cast<double>(counts.batch) * model.k / gpus *
                      (gpus - 1) / gpus;
      a2aSeconds = 2 * (config.link.latency +
                        copies * tokenBytes / config.link.bandwidth);
    }
    // Shared experts: every GPU runs them on its share of the batch.
    int64_t localTokens =
        std::max<int64_t>(1, (counts.batch + config.gpus - 1) / config.gpus);
    double sharedSeconds =
        model.sharedExperts * perGpu.gpuExpertTime(localTokens);

    for (size_t p = 0; p < policies.size(); ++p) {
      const cost::PlacementPolicy &policy = *policies[p];
      double moe = 0, comm = 0, gpuCopies = 0, allCopies = 0;
      int64_t samples = 0;
      for (const cost::TokenProfile::Layer &layer : counts.layers)
        for (const std::vector<int64_t> &step : layer.steps) {
          double slowest = 0, slowestComm = 0;
          for (unsigned g = 0; g < config.gpus; ++g) {
            std::vector<int64_t> local;
            local.reserve(step.size() / config.gpus);
            for (size_t e = g; e < step.size(); e += config.gpus)
              local.push_back(step[e]);
            cost::ExpertSplit split = policy.decide(local, perGpu);
            cost::LayerTime time =
                perGpu.layerTime(local, split, policy.mapping());
            if (time.total() > slowest) {
              slowest = time.total();
              slowestComm = time.comm;
            }
            for (size_t e = 0; e < local.size(); ++e) {
              gpuCopies += std::min(split.gpuTokens[e], local[e]);
              allCopies += local[e];
            }
          }
          moe += slowest + a2aSeconds + sharedSeconds;
          comm += slowestComm + a2aSeconds;
          ++samples;
        }
      ServingPoint point;
      point.policy = names[p];
      point.batch = counts.batch;
      point.gpus = config.gpus;
      // Sampled layers stand for all MoE layers; dense layers' FFNs are not
      // modelled beyond their attention weights.
      double perLayer = moe / samples;
      point.moeSeconds = perLayer * model.moeLayers;
      point.commSeconds = comm / samples * model.moeLayers;
      point.stepSeconds = point.moeSeconds + denseSeconds * model.layers;
      point.gpuTokenShare = allCopies > 0 ? gpuCopies / allCopies : 0;
      points.push_back(point);
    }
  }
  return points;
}

std::string formatServingTable(const ServingConfig &config,
                               const std::vector<ServingPoint> &points,
                               const std::string &baseline) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%s on %u x %s + %s, link %s (%s)\n",
                config.model.name.c_str(), config.gpus, config.gpu.name.c_str(),
                config.pim.name.c_str(), config.link.name.c_str(),
                config.trace ? "recorded trace" : "sampled routing");
  out += line;
  std::snprintf(line, sizeof line, "%6s  %-10s %10s %10s %12s %12s %7s %8s\n",
                "batch", "policy", "step ms", "MoE ms", "tok/s/GPU",
                "tok/s/user", "on GPU", ("x " + baseline).c_str());
  out += line;
  for (const ServingPoint &point : points) {
    double reference = 0;
    for (const ServingPoint &other : points)
      if (other.batch == point.batch && other.policy == baseline)
        reference = other.stepSeconds;
    char ratio[32] = "-";
    if (reference > 0)
      std::snprintf(ratio, sizeof ratio, "%.3f", reference / point.stepSeconds);
    std::snprintf(line, sizeof line,
                  "%6lld  %-10s %10.3f %10.3f %12.1f %12.2f %6.1f%% %8s\n",
                  static_cast<long long>(point.batch), point.policy.c_str(),
                  point.stepSeconds * 1e3, point.moeSeconds * 1e3,
                  point.tokensPerSecondPerGpu(), point.tokensPerSecondPerUser(),
                  100 * point.gpuTokenShare, ratio);
    out += line;
  }
  return out;
}

} // namespace moe::sim
