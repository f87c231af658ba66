//===- ExpertLayoutTest.cpp - the PIM layout planner ----------------------===//

#include "moe/Target/PIM/ExpertLayout.h"

#include <gtest/gtest.h>

using namespace moe::pim;

namespace {

DeviceGeometry tiny() {
  DeviceGeometry g;
  g.channels = 2;
  g.banksPerChannel = 4;
  g.rowsPerBank = 64;
  g.rowBytes = 64;   // 4 columns of
  g.burstBytes = 16; // 8 bf16
  g.globalBufferBytes = 128;
  g.accumulatorsPerBank = 4;
  return g;
}

TEST(ExpertLayout, RowShardingSpreadsOutputsOverAllLanes) {
  DeviceGeometry g = tiny();
  MatrixPlacement p = placeMatrix(MatrixSharding::Rows, 20, 12, g);
  EXPECT_EQ(p.lanes, 8u);
  EXPECT_EQ(p.tiles, 3u);        // 20 outputs over 8 lanes
  EXPECT_EQ(p.localInputs, 16u); // 12 padded to two bursts
  EXPECT_EQ(p.burstsPerTile, 2u);
  EXPECT_EQ(p.rowsNeeded, 2u); // 6 bursts, 4 per row
  // Lane = channel * banks + bank; tile t adds 8 * t. The partial last
  // tile (4 outputs) takes banks 0 and 1 of both channels.
  EXPECT_EQ(p.outputOf(g, 1, 2, 0), 6);
  EXPECT_EQ(p.outputOf(g, 0, 1, 2), 17);
  EXPECT_EQ(p.outputOf(g, 1, 0, 2), 18);
  EXPECT_EQ(p.outputOf(g, 1, 1, 2), 19);
  EXPECT_EQ(p.outputOf(g, 0, 2, 2), -1); // padding
  EXPECT_EQ(p.inputOf(g, 1, 11), 11);
  EXPECT_EQ(p.inputOf(g, 1, 12), -1);
  // Tile 1 burst 1 is burst 3: row 0, column 3; tile 2 burst 0 is burst 4.
  EXPECT_EQ(p.rowOf(g, 1, 1), 0u);
  EXPECT_EQ(p.columnOf(g, 1, 1), 3u);
  EXPECT_EQ(p.rowOf(g, 2, 0), 1u);
  EXPECT_EQ(p.columnOf(g, 2, 0), 0u);
}

TEST(ExpertLayout, ColumnShardingReadsWhatMoveToGlobalBufferWrote) {
  DeviceGeometry g = tiny();
  // fc2 [8, 20] after a row-sharded fc1 with 20 outputs (3 tiles).
  MatrixPlacement p = placeMatrix(MatrixSharding::Columns, 8, 20, g);
  EXPECT_EQ(p.lanes, 4u);
  EXPECT_EQ(p.tiles, 2u);
  EXPECT_EQ(p.localInputs, 16u); // 2 tiles x 4 banks + 2, padded
  MatrixPlacement fc1 = placeMatrix(MatrixSharding::Rows, 20, 8, g);
  // MVGB puts fc1's (channel c, bank b, tile t) at GB element t * 4 + b.
  for (uint32_t c = 0; c < g.channels; ++c)
    for (uint32_t t = 0; t < fc1.tiles; ++t)
      for (uint32_t b = 0; b < g.banksPerChannel; ++b)
        EXPECT_EQ(p.inputOf(g, c, t * 4 + b), fc1.outputOf(g, c, b, t));
  EXPECT_EQ(p.outputOf(g, 1, 3, 1), 7); // every channel computes all outputs
}

TEST(ExpertLayout, PartialLastColumnTileEndsAtTheLastOutput) {
  DeviceGeometry g = tiny();
  // fc2 [6, 8] on 4 banks: tile 0 = outputs 0-3, tile 1 shifted to 2-5
  // with banks 0 and 1 (outputs 2 and 3, tile 0's) left as padding.
  MatrixPlacement p = placeMatrix(MatrixSharding::Columns, 6, 8, g);
  ASSERT_EQ(p.tiles, 2u);
  EXPECT_EQ(p.firstOutputOf(0), 0u);
  EXPECT_EQ(p.firstOutputOf(1), 2u);
  EXPECT_EQ(p.outputOf(g, 0, 1, 1), -1);
  EXPECT_EQ(p.outputOf(g, 1, 2, 1), 4);
  EXPECT_EQ(p.outputOf(g, 0, 3, 1), 5);
  // Every output is computed by exactly one bank.
  std::vector<int> seen(6, 0);
  for (uint32_t t = 0; t < p.tiles; ++t)
    for (uint32_t b = 0; b < g.banksPerChannel; ++b)
      if (int64_t m = p.outputOf(g, 0, b, t); m >= 0) {
        EXPECT_EQ(uint32_t(m), p.firstOutputOf(t) + b);
        ++seen[m];
      }
  EXPECT_EQ(seen, std::vector<int>(6, 1));
  // Row sharding keeps its padding at the end.
  MatrixPlacement rows = placeMatrix(MatrixSharding::Rows, 6, 8, g);
  EXPECT_EQ(rows.firstOutputOf(0), 0u);
}

TEST(ExpertLayout, BankImagePutsEachWeightUnderItsBurst) {
  DeviceGeometry g = tiny();
  MatrixPlacement p = placeMatrix(MatrixSharding::Rows, 16, 8, g);
  std::vector<float> w(16 * 8);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = float(i);
  // Channel 1, bank 2: outputs 6 (tile 0) and 14 (tile 1), one burst each.
  std::vector<float> image = bankImage(p, g, 1, 2, w.data());
  ASSERT_EQ(image.size(), 32u); // one row of 32 elements
  for (int k = 0; k < 8; ++k) {
    EXPECT_EQ(image[k], w[6 * 8 + k]);
    EXPECT_EQ(image[8 + k], w[14 * 8 + k]);
    EXPECT_EQ(image[16 + k], 0.0f);
  }
}

TEST(ExpertLayout, PlanPacksMatricesAndSplitsTheGlobalBuffer) {
  DeviceGeometry g = tiny();
  ExpertPlan plan;
  ASSERT_EQ(planExpert({16, 24, /*gated=*/true}, g, 10, 0, 1, plan), "");
  EXPECT_EQ(plan.gateFirstRow, 10u);
  EXPECT_EQ(plan.linearFirstRow, 10u + plan.gate.rowsNeeded);
  EXPECT_EQ(plan.downFirstRow, plan.linearFirstRow + plan.linear.rowsNeeded);
  EXPECT_EQ(plan.fc1TilesPerGroup, 2u); // gate + linear per tile
  EXPECT_EQ(plan.intermediateBytes, 32u);
  EXPECT_EQ(plan.intermediateGbOffset, 96u);
  EXPECT_EQ(plan.chunkBytes, 32u); // the whole 16-element token

  ExpertPlan two;
  ASSERT_EQ(planExpert({16, 24, true}, g, 10, 0, 2, two), "");
  EXPECT_EQ(two.fc1TilesPerGroup, 1u);
  EXPECT_EQ(two.fc2TilesPerGroup, 2u);
  EXPECT_EQ(two.intermediateGbOffset, 64u);
  EXPECT_EQ(two.chunkBytes, 32u);
  EXPECT_EQ(two.rowsUsed, plan.rowsUsed);
}

TEST(ExpertLayout, PlanSaysWhyAnExpertDoesNotFit) {
  DeviceGeometry g = tiny();
  ExpertPlan plan;
  EXPECT_NE(planExpert({3, 8, false}, g, 0, 0, 1, plan)
                .find("hidden size 3 is smaller than the 4 banks"),
            std::string::npos);
  EXPECT_NE(planExpert({8, 8, false}, g, 63, 0, 1, plan)
                .find("needs 2 rows per bank from row 63"),
            std::string::npos);
  EXPECT_NE(
      planExpert({8, 8, true}, g, 0, 0, 3, plan).find("needs 6 accumulators"),
      std::string::npos);
  EXPECT_NE(planExpert({8, 128, false}, g, 0, 0, 1, plan)
                .find("do not fit the 128-byte global buffer"),
            std::string::npos);
}

TEST(ExpertLayout, SliceShardingSplitsTheInputOverTheChannels) {
  DeviceGeometry g = tiny();
  MatrixPlacement p = placeMatrix(MatrixSharding::Slices, 6, 18, g);
  EXPECT_EQ(p.sliceInputs, 9u);  // ceil(18 / 2 channels)
  EXPECT_EQ(p.localInputs, 16u); // two bursts of 8
  EXPECT_EQ(p.tiles, 2u);        // 6 outputs over 4 banks
  EXPECT_EQ(p.outputOf(g, 1, 1, 1), 5);
  EXPECT_EQ(p.outputOf(g, 1, 2, 1), -1);
  EXPECT_EQ(p.inputOf(g, 1, 0), 9);
  EXPECT_EQ(p.inputOf(g, 1, 8), 17);
  EXPECT_EQ(p.inputOf(g, 0, 9), -1); // past the slice: padding
  std::vector<float> w(6 * 18);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = float(i);
  // Channel 1, bank 1, tile 0 holds output 1 over inputs 9..17.
  std::vector<float> image = bankImage(p, g, 1, 1, w.data());
  for (uint32_t k = 0; k < 9; ++k)
    EXPECT_EQ(image[k], w[1 * 18 + 9 + k]) << k;
  for (uint32_t k = 9; k < 16; ++k)
    EXPECT_EQ(image[k], 0.0f) << k;
}

TEST(ExpertLayout, PlanSplitsTheHiddenDimensionWhereItIsCheaper) {
  // hbm3e-pim: 256 channels x 24 banks, 1 KiB rows, 32-byte bursts.
  DeviceGeometry g;
  g.channels = 256;
  g.banksPerChannel = 24;
  g.rowsPerBank = 16384;
  g.rowBytes = 1024;
  g.burstBytes = 32;
  g.globalBufferBytes = 2048;
  g.accumulatorsPerBank = 8;
  ExpertShape qwen3{2048, 768, true}, mixtral{4096, 14336, true};
  ExpertPlan plan;
  ASSERT_EQ(planExpert(qwen3, g, 0, 0, 4, plan, HiddenSplit::Auto), "");
  EXPECT_TRUE(plan.hiddenSliced);
  EXPECT_EQ(plan.tokensPerPass, 1u);
  EXPECT_EQ(plan.gate.sharding, MatrixSharding::Slices);
  EXPECT_EQ(plan.gate.sliceInputs, 8u);
  EXPECT_EQ(plan.gate.tiles, 32u);
  EXPECT_EQ(plan.windowBytes, 12u); // 3 intermediates per channel
  EXPECT_EQ(plan.sumsFloats, 789u); // the last channel's window: 255*3+24
  ASSERT_EQ(planExpert(qwen3, g, 0, 0, 1, plan, HiddenSplit::Never), "");
  EXPECT_FALSE(plan.hiddenSliced);
  // More intermediates than lanes: no window holds a channel's share.
  ASSERT_EQ(planExpert(mixtral, g, 0, 0, 1, plan, HiddenSplit::Always), "");
  EXPECT_FALSE(plan.hiddenSliced);
  // The last channel's slice would run past the token.
  g.channels = 160;
  ASSERT_EQ(planExpert(qwen3, g, 0, 0, 1, plan, HiddenSplit::Always), "");
  EXPECT_FALSE(plan.hiddenSliced);
}

} // namespace
