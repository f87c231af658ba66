//===- SimulatorTest.cpp - pim-sim numerics, errors and speed-ups --------===//
//
// Numerics against a plain reference written from docs/PIM.md, bit for bit;
// protocol errors; the all-channel fast path against the same program
// spelt out channel by channel; built-in devices against their roofline.
//
//===----------------------------------------------------------------------===//

#include "TestStreams.h"

#include "moe/CostModel/Hardware.h"
#include "moe/Runtime/PIM/Simulator.h"
#include "moe/Runtime/PIM/TimingChecker.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>

using namespace moe::pim;
using moe::pim::test::gemvStream;
using moe::pim::test::make;

namespace {

DeviceTiming hbm3eTiming() {
  std::string error;
  DeviceTiming timing = timingOf(*moe::cost::findPim("hbm3e-pim"), error);
  EXPECT_EQ(error, "");
  return timing;
}

float readFloat(const std::vector<uint8_t> &bytes, size_t offset) {
  float value;
  std::memcpy(&value, bytes.data() + offset, 4);
  return value;
}

uint16_t weightBits(const CommandStream &stream, uint32_t channel,
                    uint32_t bank, uint32_t element) {
  for (const WeightSegment &segment : stream.weights)
    if (segment.channel == channel && segment.bank == bank) {
      uint16_t bits;
      std::memcpy(&bits, segment.data.data() + 2 * element, 2);
      return bits;
    }
  return 0;
}

/// The input x as storage elements in the arena's input region.
std::vector<uint8_t> gemvArena(const CommandStream &stream, uint32_t seed) {
  const Program &program = stream.programs[0];
  std::vector<uint8_t> arena(program.arenaBytes, 0);
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(-2, 2);
  for (uint32_t i = 0; i < program.inputSize; ++i) {
    uint16_t bits = toStorage(uniform(random), stream.storage);
    std::memcpy(arena.data() + 2 * i, &bits, 2);
  }
  for (const HostRegion &region : program.regions)
    if (!region.init.empty())
      std::memcpy(arena.data() + region.offset, region.init.data(),
                  region.bytes);
  return arena;
}

/// docs/PIM.md's MAC: products exact in fp32, summed element by element.
float referenceDot(const CommandStream &stream, uint32_t channel, uint32_t bank,
                   const std::vector<uint8_t> &arena, float start) {
  float acc = start;
  for (uint32_t i = 0; i < stream.programs[0].inputSize; ++i) {
    uint16_t xBits;
    std::memcpy(&xBits, arena.data() + 2 * i, 2);
    float w = fromStorage(weightBits(stream, channel, bank, i), stream.storage);
    float x = fromStorage(xBits, stream.storage);
    acc = acc + w * x;
  }
  return acc;
}

void expectSameBits(float actual, float expected, const std::string &where) {
  EXPECT_EQ(std::memcmp(&actual, &expected, 4), 0)
      << where << ": " << actual << " vs " << expected;
}

void checkGemv(StorageType storage) {
  CommandStream stream = gemvStream(3);
  if (storage == StorageType::F16)
    for (WeightSegment &segment : stream.weights)
      for (size_t i = 0; i < segment.data.size(); i += 2) {
        uint16_t bits;
        std::memcpy(&bits, segment.data.data() + i, 2);
        bits = toStorage(fromStorage(bits, StorageType::BF16) * 0.5f,
                         StorageType::F16);
        std::memcpy(segment.data.data() + i, &bits, 2);
      }
  stream.storage = storage;
  std::string error;
  std::unique_ptr<Simulator> sim =
      Simulator::create(stream, hbm3eTiming(), {}, error);
  ASSERT_TRUE(sim) << error;
  std::vector<uint8_t> arena = gemvArena(stream, 11);
  std::vector<uint8_t> input = arena;
  RunStats stats;
  ASSERT_TRUE(sim->run(stream.programs[0], arena, stats, error)) << error;
  for (uint32_t c = 0; c < 2; ++c)
    for (uint32_t b = 0; b < 4; ++b) {
      float bias = readFloat(input, 96 + 16 * c + 4 * b);
      float expected = referenceDot(stream, c, b, input, bias);
      expectSameBits(readFloat(arena, 64 + 16 * c + 4 * b), expected,
                     "channel " + std::to_string(c) + " bank " +
                         std::to_string(b));
    }
  EXPECT_EQ(stats.programCommands[unsigned(Opcode::MacAll)], 4u);
  EXPECT_EQ(stats.channelCommands[unsigned(Opcode::MacAll)], 8u);
  EXPECT_EQ(stats.macBytes, 2u * 4 * 4 * 16);
  EXPECT_GT(stats.seconds, 0);
}

TEST(SimulatorTest, GemvIsBitExactBf16) { checkGemv(StorageType::BF16); }
TEST(SimulatorTest, GemvIsBitExactF16) { checkGemv(StorageType::F16); }

TEST(SimulatorTest, RegisterOpsFollowTheDocumentedNumerics) {
  // acc1 = W x (the "linear" half), acc0 = W x + bias (the gate); then
  // acc0 = swish(acc0), acc0 *= acc1 + 1, MVGB, and RDACC adding twice.
  CommandStream stream = gemvStream(5);
  Program &program = stream.programs[0];
  std::vector<Command> commands;
  for (const Command &c : program.commands) {
    if (c.opcode == Opcode::PrechargeAll)
      break;
    commands.push_back(c);
    if (c.opcode == Opcode::MacAll) {
      Command second = c;
      second.acc = 1;
      commands.push_back(second);
    }
  }
  Command zero = make(Opcode::SetAccumulators);
  zero.acc = 1;
  zero.flags = Command::kZero;
  commands.insert(commands.begin(), zero);
  Command swish = make(Opcode::Activation);
  swish.function = ActivationFunction::Swish;
  swish.param0 = 1.702f;
  swish.param1 = 0.5f;
  commands.push_back(swish);
  Command mul = make(Opcode::MultiplyAccumulators);
  mul.acc2 = 1;
  mul.param0 = 1.0f;
  commands.push_back(mul);
  Command move = make(Opcode::MoveToGlobalBuffer);
  move.gbOffset = 8;
  commands.push_back(move);
  commands.push_back(make(Opcode::PrechargeAll));
  Command read = make(Opcode::ReadAccumulators);
  read.hostOffset = 64;
  read.hostStride = 16;
  read.readMode = ReadMode::Add;
  commands.push_back(read);
  commands.push_back(read);
  program.commands = commands;
  ASSERT_EQ(verifyStream(stream), "");

  std::string error;
  std::unique_ptr<Simulator> sim =
      Simulator::create(stream, hbm3eTiming(), {}, error);
  ASSERT_TRUE(sim) << error;
  std::vector<uint8_t> arena = gemvArena(stream, 12);
  std::vector<uint8_t> input = arena;
  RunStats stats;
  ASSERT_TRUE(sim->run(program, arena, stats, error)) << error;
  for (uint32_t c = 0; c < 2; ++c)
    for (uint32_t b = 0; b < 4; ++b) {
      float bias = readFloat(input, 96 + 16 * c + 4 * b);
      float gate = referenceDot(stream, c, b, input, bias);
      float linear = referenceDot(stream, c, b, input, 0.0f);
      double x = std::min<double>(gate, 0.5);
      float activated =
          static_cast<float>(x / (1 + std::exp(-double(1.702f) * x)));
      float factor = linear + 1.0f;
      float product = activated * factor;
      float expected = 0.0f + product;
      expected = expected + product;
      expectSameBits(readFloat(arena, 64 + 16 * c + 4 * b), expected,
                     "channel " + std::to_string(c) + " bank " +
                         std::to_string(b));
    }
}

TEST(SimulatorTest, ProtocolErrorsNameCommandAndChannel) {
  std::string error;
  CommandStream stream = gemvStream();
  Program &program = stream.programs[0];
  // MACAB with no open row: drop the ACTAB.
  program.commands.erase(program.commands.begin() + 2);
  std::unique_ptr<Simulator> sim =
      Simulator::create(stream, hbm3eTiming(), {}, error);
  ASSERT_TRUE(sim) << error;
  std::vector<uint8_t> arena(program.arenaBytes);
  RunStats stats;
  EXPECT_FALSE(sim->run(program, arena, stats, error));
  EXPECT_EQ(error, "command 2 (MACAB) on channel 0: bank 0 has no open row");

  stream = gemvStream();
  Command act = make(Opcode::Activate, 1);
  act.bank = 2;
  act.row = 5;
  stream.programs[0].commands.insert(stream.programs[0].commands.begin() + 3,
                                     act);
  sim = Simulator::create(stream, hbm3eTiming(), {}, error);
  ASSERT_TRUE(sim) << error;
  EXPECT_FALSE(sim->run(stream.programs[0], arena, stats, error));
  EXPECT_EQ(error, "command 3 (ACT) on channel 1: bank 2 already has row 0 "
                   "open");

  stream = gemvStream();
  stream.programs[0].commands.insert(stream.programs[0].commands.begin() + 3,
                                     make(Opcode::ActivateAll));
  sim = Simulator::create(stream, hbm3eTiming(), {}, error);
  ASSERT_TRUE(sim) << error;
  EXPECT_FALSE(sim->run(stream.programs[0], arena, stats, error));
  EXPECT_EQ(error, "command 3 (ACTAB) on channel 0: bank 0 already has row 0 "
                   "open");

  // A program from elsewhere is refused, as is a short arena.
  Program stranger = stream.programs[0];
  EXPECT_FALSE(sim->run(stranger, arena, stats, error));
  EXPECT_NE(error.find("not one of the simulated stream's"), std::string::npos);
  std::vector<uint8_t> small(10);
  EXPECT_FALSE(sim->run(stream.programs[0], small, stats, error));
  EXPECT_NE(error.find("the arena has 10 bytes"), std::string::npos);
}

TEST(SimulatorTest, AllChannelFastPathMatchesPerChannelCommands) {
  CommandStream uniform = gemvStream(9);
  CommandStream spelt = uniform;
  std::vector<Command> perChannel;
  for (const Command &command : uniform.programs[0].commands) {
    if (command.opcode == Opcode::Barrier) {
      perChannel.push_back(command);
      continue;
    }
    for (uint16_t c = 0; c < 2; ++c) {
      Command one = command;
      one.channel = c;
      one.hostOffset += uint64_t(c) * command.hostStride;
      one.hostStride = 0;
      perChannel.push_back(one);
    }
  }
  spelt.programs[0].commands = perChannel;
  SimulatorOptions options;
  options.trace = true;
  std::string error;
  auto a = Simulator::create(uniform, hbm3eTiming(), options, error);
  auto b = Simulator::create(spelt, hbm3eTiming(), options, error);
  ASSERT_TRUE(a && b) << error;
  std::vector<uint8_t> arenaA = gemvArena(uniform, 4), arenaB = arenaA;
  RunStats statsA, statsB;
  for (int run = 0; run < 200; ++run) { // long enough to refresh
    ASSERT_TRUE(a->run(uniform.programs[0], arenaA, statsA, error)) << error;
    ASSERT_TRUE(b->run(spelt.programs[0], arenaB, statsB, error)) << error;
  }
  EXPECT_EQ(arenaA, arenaB);
  EXPECT_EQ(statsA.cycles, statsB.cycles);
  EXPECT_EQ(statsA.refreshes, statsB.refreshes);
  EXPECT_GT(statsA.refreshes, 0u);
  EXPECT_EQ(statsA.macBytes, statsB.macBytes);
  EXPECT_EQ(statsA.channelCommands, statsB.channelCommands);
  EXPECT_EQ(checkTrace(uniform.geometry, hbm3eTiming(), a->trace()), "");
  EXPECT_EQ(checkTrace(spelt.geometry, hbm3eTiming(), b->trace()), "");
}

TEST(SimulatorTest, PerChannelPrefixThenBarrierRejoinsTheFastPath) {
  // SETACC spelt out per channel, a barrier, then all-channel commands:
  // after the barrier the channels are alike again. Same result and time as
  // the program spelt out per channel throughout.
  CommandStream mixed = gemvStream(6);
  std::vector<Command> &commands = mixed.programs[0].commands;
  Command setAcc = commands[0];
  commands.erase(commands.begin());
  for (uint16_t c = 0; c < 2; ++c) {
    Command one = setAcc;
    one.channel = c;
    one.hostOffset += c * setAcc.hostStride;
    one.hostStride = 0;
    commands.insert(commands.begin() + c, one);
  }
  commands.insert(commands.begin() + 2, make(Opcode::Barrier));
  CommandStream spelt = mixed;
  std::vector<Command> perChannel;
  for (const Command &command : mixed.programs[0].commands) {
    if (command.opcode == Opcode::Barrier || command.channel != kAllChannels) {
      perChannel.push_back(command);
      continue;
    }
    for (uint16_t c = 0; c < 2; ++c) {
      Command one = command;
      one.channel = c;
      one.hostOffset += uint64_t(c) * command.hostStride;
      one.hostStride = 0;
      perChannel.push_back(one);
    }
  }
  spelt.programs[0].commands = perChannel;
  SimulatorOptions options;
  options.trace = true;
  std::string error;
  auto a = Simulator::create(mixed, hbm3eTiming(), options, error);
  auto b = Simulator::create(spelt, hbm3eTiming(), options, error);
  ASSERT_TRUE(a && b) << error;
  std::vector<uint8_t> arenaA = gemvArena(mixed, 8), arenaB = arenaA;
  RunStats statsA, statsB;
  for (int run = 0; run < 100; ++run) {
    ASSERT_TRUE(a->run(mixed.programs[0], arenaA, statsA, error)) << error;
    ASSERT_TRUE(b->run(spelt.programs[0], arenaB, statsB, error)) << error;
  }
  EXPECT_EQ(arenaA, arenaB);
  EXPECT_EQ(statsA.cycles, statsB.cycles);
  EXPECT_EQ(statsA.refreshes, statsB.refreshes);
  // The fast path came back: later commands trace as all-channel entries.
  EXPECT_EQ(a->trace().back().channel, kAllChannels);
  EXPECT_EQ(checkTrace(mixed.geometry, hbm3eTiming(), a->trace()), "");
}

/// ACTAB, `columns` MACABs, PREAB, over `rows` rows of every bank.
Program streamingProgram(const DeviceGeometry &g, uint32_t rows) {
  Program program;
  program.name = "stream";
  program.arenaBytes = 64;
  for (uint32_t row = 0; row < rows; ++row) {
    Command act = make(Opcode::ActivateAll);
    act.row = row % g.rowsPerBank;
    program.commands.push_back(act);
    for (uint32_t column = 0; column < g.columnsPerRow(); ++column) {
      Command mac = make(Opcode::MacAll);
      mac.column = column;
      mac.gbOffset = (column * g.burstBytes) % g.globalBufferBytes;
      program.commands.push_back(mac);
    }
    program.commands.push_back(make(Opcode::PrechargeAll));
  }
  return program;
}

TEST(SimulatorTest, BuiltinDevicesReachTheirInternalBandwidth) {
  for (const moe::cost::PimDescriptor &pim : moe::cost::builtinPims()) {
    SCOPED_TRACE(pim.name);
    CommandStream stream;
    stream.geometry = geometryOf(pim);
    stream.deviceName = pim.name;
    stream.programs.push_back(streamingProgram(stream.geometry, 64));
    std::string error;
    DeviceTiming timing = timingOf(pim, error);
    ASSERT_EQ(error, "");
    SimulatorOptions options;
    options.functional = false;
    options.trace = true;
    auto sim = Simulator::create(stream, timing, options, error);
    ASSERT_TRUE(sim) << error;
    std::vector<uint8_t> arena(64);
    RunStats stats;
    ASSERT_TRUE(sim->run(stream.programs[0], arena, stats, error)) << error;
    double ratio = stats.internalBandwidth() / pim.internalBandwidth;
    // Row switches (tRCD, tRAS, tRP) cost a share; never above the peak.
    EXPECT_LE(ratio, 1.0 + 1e-9);
    EXPECT_GT(ratio, 0.6);
    EXPECT_EQ(checkTrace(stream.geometry, timing, sim->trace()), "");
  }
}

TEST(SimulatorTest, MeasuredTimeEntry) {
  moe::cost::MeasuredTimes table;
  RunStats stats;
  stats.seconds = 3e-6;
  stats.runs = 2;
  recordSimulatedTime(table, 1, stats, 1e-6);
  std::optional<double> seconds = table.lookup(moe::cost::Device::Pim, 1);
  ASSERT_TRUE(seconds);
  EXPECT_DOUBLE_EQ(*seconds, 1.5e-6);
  EXPECT_DOUBLE_EQ(table.calibration(moe::cost::Device::Pim), 1.5);
}

} // namespace

namespace {

/// Every byte of a stream changed and the checksum redone: the decoder
/// either rejects it with a message or accepts a stream that verifies, and
/// the simulator then runs it or reports an error, without crashing.
TEST(SimulatorTest, DamagedButSignedStreamsNeverCrash) {
  CommandStream original = gemvStream(2);
  std::vector<uint8_t> bytes = encodeStream(original);
  size_t accepted = 0;
  for (size_t i = 0; i + 4 < bytes.size(); ++i)
    for (uint8_t flip : {uint8_t(0x01), uint8_t(0x80), uint8_t(0xFF)}) {
      std::vector<uint8_t> damaged = bytes;
      damaged[i] ^= flip;
      uint32_t crc = crc32(damaged.data(), damaged.size() - 4);
      for (int k = 0; k < 4; ++k)
        damaged[damaged.size() - 4 + k] = static_cast<uint8_t>(crc >> (8 * k));
      std::string error;
      std::optional<CommandStream> stream =
          decodeStream(damaged.data(), damaged.size(), error);
      if (!stream) {
        EXPECT_FALSE(error.empty());
        continue;
      }
      ++accepted;
      ASSERT_EQ(verifyStream(*stream), "") << i;
      DeviceTiming timing = hbm3eTiming();
      std::unique_ptr<Simulator> sim =
          Simulator::create(*stream, timing, {}, error);
      if (!sim)
        continue; // e.g. banks no longer a multiple of the bank group
      for (const Program &program : stream->programs) {
        if (program.arenaBytes > (1u << 20))
          continue;
        std::vector<uint8_t> arena(program.arenaBytes);
        RunStats stats;
        if (!sim->run(program, arena, stats, error)) {
          EXPECT_FALSE(error.empty());
        }
      }
    }
  EXPECT_GT(accepted, 0u); // weights and parameters are free to change
}

// Found by the command-stream fuzzer (test/Fuzz/regressions/command-stream):
// a geometry inside the verifier's bounds whose global buffers alone need
// 3 TiB used to abort in the allocation.
TEST(SimulatorTest, RefusesDevicesTooLargeToSimulate) {
  CommandStream stream = gemvStream(1);
  stream.geometry.channels = 65534;
  stream.geometry.globalBufferBytes = 1u << 24;
  stream.weights.clear();
  stream.programs.clear();
  ASSERT_EQ(verifyStream(stream), "");
  std::string error;
  DeviceTiming timing = hbm3eTiming();
  EXPECT_FALSE(Simulator::create(stream, timing, {}, error));
  // 65534 x 16 MiB x 3 = 3145632 MiB of global buffers, plus 65534 x 4
  // banks x 2 accumulators x 4 B = 1.99997 MiB, rounded down.
  EXPECT_EQ(error, "the device's simulated state needs 3145633 MiB (global "
                   "buffers and accumulators of 65534 channels), more than "
                   "pim-sim's 1024 MiB");
  // Timing only allocates no data state.
  SimulatorOptions timingOnly;
  timingOnly.functional = false;
  error.clear();
  EXPECT_TRUE(Simulator::create(stream, timing, timingOnly, error)) << error;
}

} // namespace
