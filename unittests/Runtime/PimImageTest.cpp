//===- PimImageTest.cpp - the artifact's sparse PIM section ---------------===//

#include "moe/Runtime/PimImage.h"

#include "../PIM/TestStreams.h"

#include <gtest/gtest.h>

using namespace moe;
using namespace moe::pim;

namespace {

/// The test GEMV with two more segments: one all zeros (a bank the expert
/// does not use) and one with a few weights at both ends of its rows.
CommandStream sparseStream() {
  CommandStream stream = test::gemvStream(3);
  WeightSegment empty;
  empty.channel = 0;
  empty.bank = 0;
  empty.firstRow = 4;
  empty.rowCount = 2;
  empty.data.assign(2 * stream.geometry.rowBytes, 0);
  stream.weights.push_back(empty);
  WeightSegment ends = empty;
  ends.channel = 1;
  ends.data[0] = 0x3f;
  ends.data[ends.data.size() - 1] = 0x40;
  stream.weights.push_back(ends);
  return stream;
}

TEST(PimImage, RoundTripDropsOnlyZeroSegments) {
  CommandStream stream = sparseStream();
  std::vector<uint8_t> bytes = runtime::encodePimImage(stream);
  std::string error;
  std::optional<CommandStream> decoded =
      runtime::decodePimImage(bytes.data(), bytes.size(), error);
  ASSERT_TRUE(decoded) << error;
  // The all-zero segment is not stored; everything else is, bit for bit.
  CommandStream expected = stream;
  expected.weights.erase(expected.weights.end() - 2);
  EXPECT_EQ(encodeStream(*decoded), encodeStream(expected));
  EXPECT_EQ(dumpStream(*decoded), dumpStream(expected));
}

TEST(PimImage, ZeroGapsAreNotStored) {
  CommandStream stream = sparseStream();
  // The last segment's 128 bytes hold two non-zero bytes: two short runs.
  CommandStream withoutEnds = stream;
  withoutEnds.weights.pop_back();
  size_t delta = runtime::encodePimImage(stream).size() -
                 runtime::encodePimImage(withoutEnds).size();
  EXPECT_LT(delta, 48u);
}

TEST(PimImage, EveryTruncationAndFlipIsAnError) {
  std::vector<uint8_t> bytes = runtime::encodePimImage(sparseStream());
  for (size_t size = 0; size < bytes.size(); ++size) {
    std::string error;
    EXPECT_FALSE(runtime::decodePimImage(bytes.data(), size, error))
        << "accepted the first " << size << " bytes";
    EXPECT_NE(error.find("at byte"), std::string::npos) << error;
  }
  for (size_t at = 0; at < bytes.size(); at += 7) {
    std::vector<uint8_t> damaged = bytes;
    damaged[at] ^= 0x10;
    std::string error;
    EXPECT_FALSE(runtime::decodePimImage(damaged.data(), damaged.size(), error))
        << "accepted a flip at byte " << at;
  }
}

TEST(PimImage, TheDeviceMustFit) {
  CommandStream stream = sparseStream();
  DeviceGeometry device = stream.geometry;
  EXPECT_EQ(runtime::checkStreamFits(stream, device, "tiny"), "");

  DeviceGeometry fewRows = device;
  fewRows.rowsPerBank = 4; // the segments reach row 6
  std::string problem = runtime::checkStreamFits(stream, fewRows, "short");
  EXPECT_NE(problem.find("use 6 rows per bank, the device has 4"),
            std::string::npos)
      << problem;

  DeviceGeometry otherBanks = device;
  otherBanks.banksPerChannel = 8;
  problem = runtime::checkStreamFits(stream, otherBanks, "wide");
  EXPECT_NE(problem.find("laid out for 2 channels x 4 banks"),
            std::string::npos)
      << problem;

  DeviceGeometry smallBuffer = device;
  smallBuffer.globalBufferBytes = 16; // the program writes 64 bytes of GB
  problem = runtime::checkStreamFits(stream, smallBuffer, "small");
  EXPECT_NE(problem.find("do not fit device 'small'"), std::string::npos)
      << problem;
}

} // namespace
