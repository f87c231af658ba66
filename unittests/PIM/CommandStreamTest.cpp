//===- CommandStreamTest.cpp - container, verifier, dump, conversions -----===//
//
// The decoder must turn every damaged byte string into an error that names
// a byte offset, never a crash; the verifier must name the program and
// command of every out-of-range field.
//
//===----------------------------------------------------------------------===//

#include "TestStreams.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace moe::pim;
using moe::pim::test::gemvStream;

namespace {

bool sameCommand(const Command &a, const Command &b) {
  return a.opcode == b.opcode && a.acc == b.acc && a.acc2 == b.acc2 &&
         a.flags == b.flags && a.function == b.function &&
         a.readMode == b.readMode && a.channel == b.channel &&
         a.bank == b.bank && a.row == b.row && a.column == b.column &&
         a.gbOffset == b.gbOffset && a.bytes == b.bytes &&
         a.hostOffset == b.hostOffset && a.hostStride == b.hostStride &&
         std::memcmp(&a.param0, &b.param0, 4) == 0 &&
         std::memcmp(&a.param1, &b.param1, 4) == 0;
}

std::string decodeError(const std::vector<uint8_t> &bytes) {
  std::string error;
  std::optional<CommandStream> stream =
      decodeStream(bytes.data(), bytes.size(), error);
  EXPECT_FALSE(stream);
  EXPECT_FALSE(error.empty());
  return error;
}

/// Recomputes the trailer after a deliberate edit, so the decoder gets past
/// the checksum to the field under test.
void resign(std::vector<uint8_t> &bytes) {
  uint32_t crc = crc32(bytes.data(), bytes.size() - 4);
  for (int i = 0; i < 4; ++i)
    bytes[bytes.size() - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
}

/// Byte offset of program 0's first command in gemvStream's encoding.
size_t firstCommandOffset(const std::vector<uint8_t> &bytes) {
  // The encoded opcode of command 0 (SETACC = 6) follows the command count;
  // find it from the end: the commands and segments have known sizes.
  CommandStream stream = gemvStream();
  size_t segments = 4;
  for (const WeightSegment &s : stream.weights)
    segments += 20 + s.data.size();
  return bytes.size() - 4 - segments - 48 * stream.programs[0].commands.size();
}

TEST(CommandStreamTest, RoundTripKeepsEveryField) {
  CommandStream stream = gemvStream();
  Command odd = test::make(Opcode::Activation, 1);
  odd.acc = 1;
  odd.function = ActivationFunction::Swish;
  odd.param0 = 1.702f;
  odd.param1 = std::numeric_limits<float>::infinity();
  stream.programs[0].commands.insert(stream.programs[0].commands.begin(), odd);
  Command mul = test::make(Opcode::MultiplyAccumulators);
  mul.acc = 0;
  mul.acc2 = 1;
  mul.param0 = 1.0f;
  stream.programs[0].commands.push_back(mul);
  Program second = stream.programs[0];
  second.name = "other";
  stream.programs.push_back(second);
  stream.storage = StorageType::F16;
  ASSERT_EQ(verifyStream(stream), "");

  std::vector<uint8_t> bytes = encodeStream(stream);
  std::string error;
  std::optional<CommandStream> decoded =
      decodeStream(bytes.data(), bytes.size(), error);
  ASSERT_TRUE(decoded) << error;
  EXPECT_EQ(decoded->deviceName, "tiny");
  EXPECT_EQ(decoded->storage, StorageType::F16);
  EXPECT_EQ(decoded->geometry.rowBytes, 64u);
  EXPECT_EQ(decoded->geometry.accumulatorsPerBank, 2u);
  ASSERT_EQ(decoded->programs.size(), 2u);
  for (size_t p = 0; p < 2; ++p) {
    const Program &a = stream.programs[p], &b = decoded->programs[p];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.arenaBytes, b.arenaBytes);
    ASSERT_EQ(a.regions.size(), b.regions.size());
    for (size_t r = 0; r < a.regions.size(); ++r) {
      EXPECT_EQ(a.regions[r].name, b.regions[r].name);
      EXPECT_EQ(a.regions[r].kind, b.regions[r].kind);
      EXPECT_EQ(a.regions[r].init, b.regions[r].init);
    }
    ASSERT_EQ(a.commands.size(), b.commands.size());
    for (size_t i = 0; i < a.commands.size(); ++i)
      EXPECT_TRUE(sameCommand(a.commands[i], b.commands[i])) << i;
  }
  ASSERT_EQ(decoded->weights.size(), stream.weights.size());
  EXPECT_EQ(decoded->weights[5].data, stream.weights[5].data);
  // Encoding is deterministic: a decoded stream re-encodes to the same bytes.
  EXPECT_EQ(encodeStream(*decoded), bytes);
}

TEST(CommandStreamTest, EveryTruncationIsAnError) {
  std::vector<uint8_t> bytes = encodeStream(gemvStream());
  for (size_t length = 0; length < bytes.size(); ++length) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + length);
    std::string error = decodeError(prefix);
    EXPECT_EQ(error.rfind("at byte ", 0), 0u) << length << ": " << error;
    if (length >= 24)
      EXPECT_NE(error.find("truncated"), std::string::npos) << error;
  }
  EXPECT_NE(decodeError({}).find("at byte 0: truncated"), std::string::npos);
}

TEST(CommandStreamTest, EveryFlippedByteIsAnError) {
  std::vector<uint8_t> bytes = encodeStream(gemvStream());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> damaged = bytes;
    damaged[i] ^= 0x10;
    std::string error = decodeError(damaged);
    if (i >= 24) // past magic, version, flags and length: the CRC catches it
      EXPECT_NE(error.find("checksum mismatch: stored 0x"), std::string::npos)
          << i << ": " << error;
  }
  std::vector<uint8_t> damaged = bytes;
  damaged[100] ^= 1;
  std::string error = decodeError(damaged);
  EXPECT_EQ(error.rfind("at byte " + std::to_string(bytes.size() - 4) +
                            ": checksum mismatch",
                        0),
            0u)
      << error;
  EXPECT_NE(error.find("computed 0x"), std::string::npos);
}

TEST(CommandStreamTest, BadMagicNewerVersionTrailingData) {
  std::vector<uint8_t> bytes = encodeStream(gemvStream());
  std::vector<uint8_t> damaged = bytes;
  damaged[3] = 'X';
  EXPECT_EQ(decodeError(damaged),
            "at byte 3: bad magic: not a PIM command stream");
  damaged = bytes;
  damaged[8] = kStreamVersion + 1;
  EXPECT_EQ(decodeError(damaged),
            "at byte 8: stream format version 2 is newer than this runtime "
            "reads (newest 1)");
  damaged = bytes;
  damaged.push_back(0);
  EXPECT_NE(decodeError(damaged).find("trailing"), std::string::npos);
}

TEST(CommandStreamTest, BadEnumValueNamesItsByte) {
  std::vector<uint8_t> bytes = encodeStream(gemvStream());
  size_t at = firstCommandOffset(bytes);
  ASSERT_EQ(bytes[at], 6); // SETACC
  bytes[at] = 200;
  resign(bytes);
  EXPECT_EQ(decodeError(bytes), "at byte " + std::to_string(at) +
                                    ": bad opcode 200 (expected 0..11)");
  bytes[at] = 6;
  bytes[at + 4] = 7; // activation function
  resign(bytes);
  EXPECT_EQ(decodeError(bytes), "at byte " + std::to_string(at + 4) +
                                    ": bad activation function 7 (expected "
                                    "0..6)");
}

TEST(CommandStreamTest, HugeCountIsCaughtBeforeAllocating) {
  std::vector<uint8_t> bytes = encodeStream(gemvStream());
  size_t at = firstCommandOffset(bytes) - 4; // the command count
  bytes[at + 3] = 0x7F;
  resign(bytes);
  std::string error = decodeError(bytes);
  EXPECT_NE(error.find("command count"), std::string::npos) << error;
  EXPECT_NE(error.find("does not fit"), std::string::npos) << error;
}

TEST(CommandStreamTest, VerifierNamesProgramAndCommand) {
  struct Case {
    const char *expected;
    void (*edit)(CommandStream &);
  };
  const Case cases[] = {
      {"command 2 (ACTAB): row 8 out of range (8 rows per bank)",
       [](CommandStream &s) { s.programs[0].commands[2].row = 8; }},
      {"command 3 (MACAB): column 4 out of range (4 columns per row)",
       [](CommandStream &s) { s.programs[0].commands[3].column = 4; }},
      {"command 3 (MACAB): accumulator 2 out of range (2 per bank)",
       [](CommandStream &s) { s.programs[0].commands[3].acc = 2; }},
      {"command 3 (MACAB): global buffer range [56, +16) exceeds",
       [](CommandStream &s) { s.programs[0].commands[3].gbOffset = 56; }},
      {"command 3 (MACAB): global buffer range [3, +16) is not aligned",
       [](CommandStream &s) { s.programs[0].commands[3].gbOffset = 3; }},
      {"command 3 (MACAB): channel 2 out of range (2 channels)",
       [](CommandStream &s) { s.programs[0].commands[3].channel = 2; }},
      {"command 1 (WRGB): host range at 96 of 64 bytes with stride 0 for 2 "
       "channels exceeds the 128-byte arena",
       [](CommandStream &s) { s.programs[0].commands[1].hostOffset = 96; }},
      {"command 0 (SETACC): host range at 96 of 16 bytes with stride 32",
       [](CommandStream &s) { s.programs[0].commands[0].hostStride = 32; }},
      {"command 8 (RDACC): host range at 120",
       [](CommandStream &s) { s.programs[0].commands[8].hostOffset = 120; }},
      {"region 2 (\"bias\") [96, +40) exceeds the 128-byte arena",
       [](CommandStream &s) {
         s.programs[0].regions[2].bytes = 40;
         s.programs[0].regions[2].init.resize(40);
       }},
      {"input region \"x\" has 64 bytes, slots x inputSize",
       [](CommandStream &s) { s.programs[0].inputSize = 16; }},
      {"weight segment 3: rows [7, +2) exceed the 8 rows of a bank",
       [](CommandStream &s) {
         s.weights[3].firstRow = 7;
         s.weights[3].rowCount = 2;
         s.weights[3].data.resize(128);
       }},
      {"weight segment 3: 63 bytes of data, rowCount x rowBytes = 64",
       [](CommandStream &s) { s.weights[3].data.resize(63); }},
      {"weight segments 0 and 8 overlap in channel 0 bank 0",
       [](CommandStream &s) { s.weights.push_back(s.weights[0]); }},
      {"geometry: rowBytes 64 must be a multiple of burstBytes 24",
       [](CommandStream &s) { s.geometry.burstBytes = 24; }},
  };
  for (const Case &c : cases) {
    CommandStream stream = gemvStream();
    c.edit(stream);
    std::string problem = verifyStream(stream);
    EXPECT_NE(problem.find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\n     got: " << problem;
    // The decoder reports the same problem for the encoded stream.
    std::vector<uint8_t> bytes = encodeStream(stream);
    std::string error = decodeError(bytes);
    EXPECT_NE(error.find(c.expected), std::string::npos) << error;
  }
  CommandStream stream = gemvStream();
  stream.programs[0].commands[3].column = 9;
  EXPECT_EQ(verifyStream(stream).rfind("program 0 (\"gemv\"), command 3", 0),
            0u);
}

TEST(CommandStreamTest, DumpListsCommands) {
  std::string text = dumpStream(gemvStream());
  EXPECT_NE(text.find("geometry channels=2 banks=4 rows=8"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  3: MACAB ch=* col=0 gb=0 acc=0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  0: SETACC ch=* acc=0 host=96 stride=16\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("region \"bias\" constant [96, +32) init"),
            std::string::npos);
  EXPECT_NE(text.find("segment ch=1 bank=3 rows=[0, +1)"), std::string::npos);
}

TEST(CommandStreamTest, Crc32KnownValue) {
  // The standard check value of CRC-32/ISO-HDLC.
  const char *check = "123456789";
  EXPECT_EQ(crc32(reinterpret_cast<const uint8_t *>(check), 9), 0xCBF43926u);
}

/// Rounds through double arithmetic: the reference the bit tricks must match.
float referenceRound(float value, int fractionBits, int minExponent,
                     float maxFinite) {
  if (std::isnan(value) || std::isinf(value) || value == 0)
    return value;
  double magnitude = std::fabs(static_cast<double>(value));
  int exponent = std::max(std::ilogb(magnitude), minExponent);
  double ulp = std::ldexp(1.0, exponent - fractionBits);
  double rounded = std::nearbyint(magnitude / ulp) * ulp; // ties to even
  if (rounded > maxFinite) {
    double limit = maxFinite + ulp / 2; // halfway to the next "binade"
    rounded = magnitude >= limit ? INFINITY : maxFinite;
  }
  return static_cast<float>(std::copysign(rounded, value));
}

TEST(StorageConversionTest, MatchesRoundToNearestEven) {
  std::mt19937 random(7);
  std::uniform_int_distribution<uint32_t> bits;
  for (int i = 0; i < 200000; ++i) {
    uint32_t pattern = bits(random);
    if (i % 4 == 1) // concentrate on the fp16 range
      pattern = (pattern & 0x807FFFFFu) | ((100u + pattern % 45u) << 23);
    float value;
    std::memcpy(&value, &pattern, 4);
    if (std::isnan(value))
      continue;
    float bf16 =
        fromStorage(toStorage(value, StorageType::BF16), StorageType::BF16);
    float bfRef = referenceRound(value, 7, -126, 3.38953139e38f);
    EXPECT_EQ(std::memcmp(&bf16, &bfRef, 4), 0)
        << std::hexfloat << value << " -> " << bf16 << " vs " << bfRef;
    float f16 =
        fromStorage(toStorage(value, StorageType::F16), StorageType::F16);
    float fRef = referenceRound(value, 10, -14, 65504.0f);
    EXPECT_EQ(std::memcmp(&f16, &fRef, 4), 0)
        << std::hexfloat << value << " -> " << f16 << " vs " << fRef;
    if (::testing::Test::HasFailure())
      break;
  }
  // Exact ties and the edges.
  EXPECT_EQ(toStorage(1.0f + 0x1p-8f, StorageType::BF16), 0x3F80); // to even
  EXPECT_EQ(toStorage(1.0f + 0x1p-8f + 0x1p-7f, StorageType::BF16), 0x3F82);
  EXPECT_EQ(toStorage(65504.0f, StorageType::F16), 0x7BFF);
  EXPECT_EQ(toStorage(65520.0f, StorageType::F16), 0x7C00);
  EXPECT_EQ(toStorage(0x1p-24f, StorageType::F16), 0x0001);
  EXPECT_EQ(toStorage(0x1p-25f, StorageType::F16), 0x0000); // tie to even
  EXPECT_EQ(toStorage(-0.0f, StorageType::F16), 0x8000);
  EXPECT_TRUE(std::isnan(
      fromStorage(toStorage(NAN, StorageType::BF16), StorageType::BF16)));
  EXPECT_TRUE(std::isnan(
      fromStorage(toStorage(NAN, StorageType::F16), StorageType::F16)));
  EXPECT_EQ(fromStorage(0x3C00, StorageType::F16), 1.0f);
  EXPECT_EQ(fromStorage(0x0001, StorageType::F16), 0x1p-24f);
}

} // namespace
