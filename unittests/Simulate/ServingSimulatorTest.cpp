//===- ServingSimulatorTest.cpp - moe-run --simulate ----------------------===//

#include "moe/Runtime/Simulate/ServingSimulator.h"

#include <gtest/gtest.h>

#include <map>

using namespace moe;

namespace {

sim::ServingConfig qwenOn(unsigned gpus) {
  sim::ServingConfig config;
  config.model = *cost::findModel("qwen3-30b-a3b");
  config.gpu = *cost::findGpu("b200");
  config.pim = *cost::findPim("hbm3e-pim");
  config.link = *cost::findLink("nvlink");
  config.gpus = gpus;
  config.batches = {1, 16, 64, 256};
  config.distribution = cost::fitDistribution(config.model, nullptr);
  config.steps = 4;
  config.sampledLayers = 2;
  return config;
}

} // namespace

// The optimal policy is the exact minimum of the same model on the same
// counts, per GPU; no other policy may beat it at any batch.
TEST(ServingSimulator, OptimalIsNeverBeaten) {
  for (unsigned gpus : {1u, 4u}) {
    std::string error;
    auto points = sim::simulateServing(qwenOn(gpus), error);
    ASSERT_TRUE(points) << error;
    std::map<int64_t, double> optimal;
    for (const sim::ServingPoint &p : *points)
      if (p.policy == "optimal")
        optimal[p.batch] = p.stepSeconds;
    ASSERT_EQ(optimal.size(), 4u);
    for (const sim::ServingPoint &p : *points)
      EXPECT_GE(p.stepSeconds, optimal[p.batch] * (1 - 1e-9))
          << p.policy << " at batch " << p.batch << " on " << gpus;
  }
}

// Static splits behave as their names say, and throughput grows with batch
// for the all-GPU split (weights are read once per step).
TEST(ServingSimulator, StaticSplitsAndMetrics) {
  std::string error;
  sim::ServingConfig config = qwenOn(1);
  config.policies = {"all-gpu", "all-pim"};
  auto points = sim::simulateServing(config, error);
  ASSERT_TRUE(points) << error;
  ASSERT_EQ(points->size(), 8u);
  double lastThroughput = 0;
  for (const sim::ServingPoint &p : *points) {
    if (p.policy == "all-gpu") {
      EXPECT_DOUBLE_EQ(p.gpuTokenShare, 1.0);
      EXPECT_GT(p.tokensPerSecondPerGpu(), lastThroughput);
      lastThroughput = p.tokensPerSecondPerGpu();
      EXPECT_DOUBLE_EQ(p.commSeconds, 0); // nothing crosses to PIM
    } else {
      EXPECT_DOUBLE_EQ(p.gpuTokenShare, 0.0);
      EXPECT_GT(p.commSeconds, 0);
    }
    EXPECT_DOUBLE_EQ(p.tokensPerSecondPerUser(), 1 / p.stepSeconds);
    EXPECT_DOUBLE_EQ(p.tokensPerSecondPerGpu(), p.batch / p.stepSeconds);
    EXPECT_LT(p.moeSeconds, p.stepSeconds);
  }
}

// Several GPUs add the all-to-all and divide the per-GPU throughput.
TEST(ServingSimulator, ExpertParallelAddsAllToAll) {
  std::string error;
  sim::ServingConfig one = qwenOn(1), four = qwenOn(4);
  one.policies = four.policies = {"all-gpu"};
  auto a = sim::simulateServing(one, error);
  auto b = sim::simulateServing(four, error);
  ASSERT_TRUE(a && b) << error;
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].commSeconds, 0);
    EXPECT_GT((*b)[i].commSeconds, 0);
    EXPECT_EQ((*b)[i].gpus, 4u);
  }
}

TEST(ServingSimulator, RecordedTraceFixesTheBatch) {
  sim::ServingConfig config = qwenOn(1);
  cost::TokenProfile trace;
  cost::TokenProfile::Layer layer;
  layer.numExperts = 128;
  layer.steps.assign(2, std::vector<int64_t>(128, 0));
  for (int e = 0; e < 32; ++e) // 32 tokens x k = 8 copies per step
    layer.steps[0][e] = layer.steps[1][e + 32] = 8;
  trace.layers.push_back(layer);
  config.trace = trace;
  std::string error;
  auto points = sim::simulateServing(config, error);
  ASSERT_TRUE(points) << error;
  for (const sim::ServingPoint &p : *points)
    EXPECT_EQ(p.batch, 32);
}

TEST(ServingSimulator, RejectsBadConfigurations) {
  std::string error;
  sim::ServingConfig config = qwenOn(3);
  EXPECT_FALSE(sim::simulateServing(config, error));
  EXPECT_EQ(error, "--gpus 3 must divide the 128 experts of qwen3-30b-a3b");

  config = qwenOn(1);
  config.policies = {"sieve", "best"};
  EXPECT_FALSE(sim::simulateServing(config, error));
  EXPECT_EQ(error.rfind("unknown policy 'best'; known: all-gpu", 0), 0u)
      << error;

  config = qwenOn(1);
  config.trace.emplace();
  config.trace->layers.push_back({64, {std::vector<int64_t>(64, 1)}});
  EXPECT_FALSE(sim::simulateServing(config, error));
  EXPECT_EQ(error, "trace layer 0 has 64 experts; qwen3-30b-a3b has 128");
}

TEST(ServingSimulator, PlotHasOneLinePerPolicy) {
  std::string error;
  sim::ServingConfig config = qwenOn(1);
  config.policies = {"sieve", "pimoe", "all-pim"};
  auto points = sim::simulateServing(config, error);
  ASSERT_TRUE(points) << error;
  std::string svg = sim::renderParetoSvg(config, *points);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  size_t lines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1))
    ++lines;
  EXPECT_EQ(lines, 3u);
  EXPECT_NE(svg.find(">sieve</text>"), std::string::npos);
}
