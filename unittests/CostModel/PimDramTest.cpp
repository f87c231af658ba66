//===- PimDramTest.cpp - DRAM geometry and timing of PIM descriptors ------===//
//
// The timing pim-sim runs must agree with the bandwidths the roofline uses,
// follow JEDEC's orderings, and come from JSON with named errors.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Hardware.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace moe::cost;

namespace {

constexpr const char *kPimWithDram = R"({"kind": "pim", "name": "my-pim",
    "type": "bank-level", "stacks": 2, "channels_per_stack": 16,
    "banks_per_channel": 16, "external_tbps": 1, "internal_tbps": 8,
    "peak_tflops": 8, "command_overhead_us": 0.1, "dram": {
      "rows_per_bank": 8192, "row_bytes": 1024, "burst_bytes": 32,
      "banks_per_bank_group": 4, "global_buffer_bytes": 2048,
      "accumulators_per_bank": 8, "tck_ns": 0.5, "trcd": 28, "trp": 28,
      "tras": 68, "trc": 96, "tcl": 28, "tccd_s": 2, "tccd_l": 4,
      "trrd_s": 4, "trrd_l": 6, "tfaw": 24, "trefi": 7800, "trfc": 800,
      "all_bank_power_share": 0.5625, "host_channel_gbps": 32}})";

std::string pimError(const std::string &text) {
  std::string error;
  EXPECT_FALSE(parseHardwareJson(text, error)) << text;
  return error;
}

std::string replaced(std::string text, const std::string &from,
                     const std::string &to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(PimDramTest, Hbm3eTimingIsSieves) {
  std::optional<PimDescriptor> pim = findPim("hbm3e-pim");
  ASSERT_TRUE(pim && pim->hasDramTiming());
  const PimTiming &t = pim->timing;
  EXPECT_DOUBLE_EQ(t.tCK, 0.5e-9);
  EXPECT_EQ(t.tRCD, 28u);
  EXPECT_EQ(t.tRP, 28u);
  EXPECT_EQ(t.tRAS, 68u);
  EXPECT_EQ(t.tRC, 96u);
  EXPECT_EQ(t.tCL, 28u);
  EXPECT_EQ(t.tCCD_S, 2u);
  EXPECT_EQ(t.tCCD_L, 4u);
  EXPECT_EQ(t.tFAW, 12u);
  EXPECT_DOUBLE_EQ(t.tREFI * t.tCK, 3.9e-6);
  EXPECT_DOUBLE_EQ(t.tRFC * t.tCK, 400e-9);
  EXPECT_EQ(pim->rowBytes, 1024u);
  EXPECT_EQ(pim->burstBytes, 32u);
  EXPECT_DOUBLE_EQ(pim->allBankPowerShare, 9.0 / 16.0);
}

TEST(PimDramTest, TimingAgreesWithTheRooflineBandwidths) {
  for (const PimDescriptor &pim : builtinPims()) {
    SCOPED_TRACE(pim.name);
    ASSERT_TRUE(pim.hasDramTiming());
    // One all-bank MAC per tCCD_L / share in every bank of every channel is
    // the internal bandwidth the roofline uses.
    EXPECT_NEAR(pim.timedInternalBandwidth() / pim.internalBandwidth, 1.0,
                1e-3);
    // The channels' host links together are the external bandwidth.
    EXPECT_NEAR(pim.hostChannelBandwidth * pim.channels() /
                    pim.externalBandwidth,
                1.0, 1e-3);
  }
}

TEST(PimDramTest, TimingFollowsJedecOrderings) {
  for (const PimDescriptor &pim : builtinPims()) {
    SCOPED_TRACE(pim.name);
    const PimTiming &t = pim.timing;
    EXPECT_GE(t.tRC, t.tRAS + t.tRP);
    EXPECT_LT(t.tRCD, t.tRAS);
    EXPECT_GE(t.tCCD_L, t.tCCD_S);
    EXPECT_GE(t.tRRD_L, t.tRRD_S);
    EXPECT_GT(t.tREFI, t.tRFC);
    EXPECT_EQ(pim.rowBytes % pim.burstBytes, 0u);
    EXPECT_EQ(pim.banksPerChannel % pim.banksPerBankGroup, 0u);
    EXPECT_GT(pim.rowsPerBank, 0u);
    EXPECT_GT(pim.globalBufferBytes, 0u);
    EXPECT_GT(pim.accumulatorsPerBank, 0u);
    EXPECT_GT(pim.allBankPowerShare, 0);
    EXPECT_LE(pim.allBankPowerShare, 1);
  }
}

TEST(PimDramTest, JsonReadsTheDramObject) {
  std::string error;
  std::optional<HardwareSet> set = parseHardwareJson(kPimWithDram, error);
  ASSERT_TRUE(set) << error;
  ASSERT_EQ(set->pims.size(), 1u);
  const PimDescriptor &pim = set->pims[0];
  ASSERT_TRUE(pim.hasDramTiming());
  EXPECT_EQ(pim.rowsPerBank, 8192u);
  EXPECT_EQ(pim.banksPerBankGroup, 4u);
  EXPECT_DOUBLE_EQ(pim.timing.tCK, 0.5e-9);
  EXPECT_EQ(pim.timing.tFAW, 24u);
  EXPECT_EQ(pim.timing.tRFC, 800u);
  EXPECT_DOUBLE_EQ(pim.allBankPowerShare, 0.5625);
  EXPECT_DOUBLE_EQ(pim.hostChannelBandwidth, 32e9);
}

TEST(PimDramTest, DramObjectIsOptional) {
  std::string text = kPimWithDram;
  text = text.substr(0, text.find(", \"dram\"")) + "}";
  std::string error;
  std::optional<HardwareSet> set = parseHardwareJson(text, error);
  ASSERT_TRUE(set) << error;
  EXPECT_FALSE(set->pims[0].hasDramTiming());
  EXPECT_EQ(set->pims[0].timedInternalBandwidth(), 0);
}

TEST(PimDramTest, DramErrorsNameDescriptorAndField) {
  EXPECT_EQ(pimError(replaced(kPimWithDram, "\"tfaw\"", "\"tfa\"")),
            "descriptor 0 (\"my-pim\"), field \"dram\": unknown field "
            "\"tfa\"; dram fields are \"rows_per_bank\", \"row_bytes\", "
            "\"burst_bytes\", \"banks_per_bank_group\", "
            "\"global_buffer_bytes\", \"accumulators_per_bank\", \"tck_ns\", "
            "\"trcd\", \"trp\", \"tras\", \"trc\", \"tcl\", \"tccd_s\", "
            "\"tccd_l\", \"trrd_s\", \"trrd_l\", \"tfaw\", \"trefi\", "
            "\"trfc\", \"all_bank_power_share\", \"host_channel_gbps\"");
  EXPECT_EQ(pimError(replaced(kPimWithDram, "\"trp\": 28,", "")),
            "descriptor 0 (\"my-pim\"), field \"dram\": missing field "
            "\"trp\"");
  EXPECT_EQ(pimError(replaced(kPimWithDram, "0.5625", "1.5")),
            "descriptor 0 (\"my-pim\"), field \"dram\": field "
            "\"all_bank_power_share\" must be in (0, 1], got 1.5");
  EXPECT_EQ(pimError(replaced(kPimWithDram, "\"trcd\": 28", "\"trcd\": 0")),
            "descriptor 0 (\"my-pim\"), field \"dram\": field \"trcd\" must "
            "be a positive integer, got 0");
  EXPECT_EQ(pimError(replaced(kPimWithDram, "\"burst_bytes\": 32",
                              "\"burst_bytes\": 48")),
            "descriptor 0 (\"my-pim\"), field \"dram\": \"row_bytes\" 1024 "
            "must be a multiple of \"burst_bytes\" 48");
  std::string notObject = kPimWithDram;
  notObject = notObject.substr(0, notObject.find("{\n      \"rows")) + "3}";
  EXPECT_EQ(pimError(notObject), "descriptor 0 (\"my-pim\"): field \"dram\" "
                                 "must be an object, got number");
}

} // namespace
