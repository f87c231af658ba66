//===- ExpertCostTest.cpp - expert and layer times against hand numbers ---===//

#include "moe/CostModel/ExpertCost.h"

#include "gtest/gtest.h"

using namespace moe::cost;

namespace {

/// Mixtral-8x7B's expert: H 4096, I 14336, gated (3 matrices), bf16.
ExpertShape mixtralExpert() {
  ExpertShape shape;
  shape.hidden = 4096;
  shape.intermediate = 14336;
  shape.matrices = 3;
  return shape;
}

LayerCostModel h100Model(const MeasuredTimes *measured = nullptr) {
  return LayerCostModel(mixtralExpert(), *findGpu("h100"),
                        *findPim("hbm3e-pim"), *findLink("nvlink"), measured);
}

TEST(ExpertCost, MixtralExpertWeights) {
  // 3 x 4096 x 14336 x 2 bytes = 352.3 MB, 352.3 MFLOP per token.
  EXPECT_DOUBLE_EQ(mixtralExpert().weightBytes(), 352321536.0);
  EXPECT_DOUBLE_EQ(mixtralExpert().flopsPerToken(), 352321536.0);
}

TEST(ExpertCost, OneTokenOnH100ReadsWeightsInAbout105us) {
  // 352.3 MB / 3.35 TB/s = 105.2 us, plus 16 KB of token traffic.
  double t = h100Model().gpuExpertTime(1);
  EXPECT_NEAR(t * 1e6, 105.2, 0.1);
}

TEST(ExpertCost, ManyTokensOnH100AreComputeBound) {
  // 1024 tokens: 360.8 TFLOP... 1024 x 352.3 MFLOP / 989.4 TFLOP/s = 364.6 us
  // > (352.3 MB + 16.8 MB) / 3.35 TB/s = 110.2 us.
  double t = h100Model().gpuExpertTime(1024);
  EXPECT_NEAR(t * 1e6, 1024 * 352321536.0 / 989.4e12 * 1e6, 1e-6);
}

TEST(ExpertCost, OpsPerByteGrowsWithTokens) {
  ExpertShape shape = mixtralExpert();
  // bf16: about one FLOP per weight byte per token.
  EXPECT_NEAR(shape.opsPerByte(1), 1.0, 1e-3);
  EXPECT_NEAR(shape.opsPerByte(64),
              64 * 352321536.0 / (352321536.0 + 2.0 * 64 * 4096 * 2), 1e-9);
}

TEST(ExpertCost, PimGemvIsStreamingPlusTransfersPlusCommands) {
  LayerCostModel model = h100Model();
  const PimDescriptor &pim = model.pim();
  double stream = 352321536.0 / pim.internalBandwidth;
  double broadcast = (4096 + 14336) * 2.0 * pim.channels();
  double readback = (2 * 14336 + 4096) * 4.0;
  double expected = stream + (broadcast + readback) / pim.externalBandwidth +
                    3 * pim.commandOverhead;
  EXPECT_NEAR(model.pimGemvTime(), expected, 1e-15);
  // n tokens are n serial GEMVs.
  EXPECT_NEAR(model.pimExpertTime(4), 4 * expected, 1e-15);
  // A whole expert in one channel streams at 1/C of the device.
  EXPECT_GT(model.pimGemvTime(PimMapping::PerChannel),
            (pim.channels() - 1) * stream);
}

TEST(ExpertCost, LayerTimeIsTheMaxOfItsTerms) {
  LayerCostModel model = h100Model();
  std::vector<int64_t> counts = {40, 3, 0, 1};
  ExpertSplit split = ExpertSplit::allOn(counts, false);
  split.gpuTokens[0] = 40;
  LayerTime t = model.layerTime(counts, split);
  EXPECT_NEAR(t.gpu, model.gpuExpertTime(40) + model.gpu().launchOverhead,
              1e-15);
  EXPECT_NEAR(t.pim, model.pimExpertTime(3) + model.pimExpertTime(1), 1e-15);
  EXPECT_NEAR(t.comm, 0.8e-6 + 4 * 2 * 4096 * 2 / 900e9, 1e-15);
  EXPECT_DOUBLE_EQ(t.total(), std::max({t.gpu, t.pim, t.comm}));
  // Nothing on PIM: no PIM time and no transfer.
  LayerTime gpuOnly = model.layerTime(counts, ExpertSplit::allOn(counts, true));
  EXPECT_EQ(gpuOnly.pim, 0.0);
  EXPECT_EQ(gpuOnly.comm, 0.0);
}

TEST(MeasuredTimes, MeasurementsOverrideAndCalibrateTheRoofline) {
  MeasuredTimes measured(0.5);
  LayerCostModel plain = h100Model();
  LayerCostModel learned = h100Model(&measured);
  double roofline2 = learned.rooflineTime(Device::Pim, 2);
  EXPECT_DOUBLE_EQ(roofline2, plain.pimExpertTime(2));
  // Observed 3x slower than the roofline at 2 tokens, twice.
  measured.record(Device::Pim, 2, 3 * roofline2, roofline2);
  EXPECT_NEAR(learned.pimExpertTime(2), 3 * roofline2, 1e-12);
  measured.record(Device::Pim, 2, 2 * roofline2, roofline2);
  // Moving average with weight 0.5: 3 -> 2.5.
  EXPECT_NEAR(learned.pimExpertTime(2), 2.5 * roofline2, 1e-12);
  // A count never seen: the roofline scaled by the learned ratio.
  EXPECT_NEAR(learned.pimExpertTime(5), 2.5 * plain.pimExpertTime(5), 1e-12);
  // The GPU side is untouched.
  EXPECT_DOUBLE_EQ(learned.gpuExpertTime(5), plain.gpuExpertTime(5));
}

} // namespace
