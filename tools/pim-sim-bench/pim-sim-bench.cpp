//===- pim-sim-bench.cpp - simulator speed and per-device GEMV times -----===//
//
// Not a test: prints (1) how many commands per second pim-sim simulates on
// one core, timing only and with numerics, for all-channel commands (the
// fast path) and the same program spelt out per channel; (2) per built-in
// PIM device, the simulated time of one expert GEMV (Qwen3-30B-A3B: hidden
// 2048, intermediate 768, three matrices, bf16) next to its roofline.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Hardware.h"
#include "moe/Runtime/PIM/Simulator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace moe;
using namespace moe::pim;

namespace {

Command make(Opcode opcode, uint16_t channel = kAllChannels) {
  Command c;
  c.opcode = opcode;
  c.channel = channel;
  return c;
}

/// One matrix-vector product of `weightBytes` sharded over every bank:
/// zero the accumulators, stream the rows with all-bank MACs, refilling
/// the GB from the host as it is used up, read the accumulators back.
void appendGemv(const DeviceGeometry &g, uint64_t weightBytes,
                uint32_t firstRow, std::vector<Command> &out) {
  uint64_t banks = uint64_t(g.channels) * g.banksPerChannel;
  uint64_t macs = (weightBytes / banks + g.burstBytes - 1) / g.burstBytes;
  uint32_t gbBursts = g.globalBufferBytes / g.burstBytes;
  Command zero = make(Opcode::SetAccumulators);
  zero.flags = Command::kZero;
  out.push_back(zero);
  uint64_t done = 0;
  for (uint32_t row = firstRow; done < macs; ++row) {
    Command act = make(Opcode::ActivateAll);
    act.row = row % g.rowsPerBank;
    out.push_back(act);
    for (uint32_t column = 0; column < g.columnsPerRow() && done < macs;
         ++column, ++done) {
      if (done % gbBursts == 0) {
        Command write = make(Opcode::WriteGlobalBuffer);
        write.bytes = g.globalBufferBytes;
        out.push_back(write);
      }
      Command mac = make(Opcode::MacAll);
      mac.column = column;
      mac.gbOffset = (done % gbBursts) * g.burstBytes;
      out.push_back(mac);
    }
    out.push_back(make(Opcode::PrechargeAll));
  }
  Command read = make(Opcode::ReadAccumulators);
  read.hostStride = 4 * g.banksPerChannel;
  out.push_back(read);
  out.push_back(make(Opcode::Barrier));
}

CommandStream streamFor(const cost::PimDescriptor &pim) {
  CommandStream stream;
  stream.geometry = geometryOf(pim);
  stream.deviceName = pim.name;
  return stream;
}

Program programOf(const DeviceGeometry &g, std::vector<Command> commands) {
  Program program;
  program.name = "bench";
  program.arenaBytes = std::max<uint64_t>(
      g.globalBufferBytes, uint64_t(4) * g.banksPerChannel * g.channels);
  program.commands = std::move(commands);
  return program;
}

/// Every command as one per channel: what the all-channel fast path saves.
std::vector<Command> spelt(const DeviceGeometry &g,
                           const std::vector<Command> &commands) {
  std::vector<Command> out;
  for (const Command &command : commands) {
    if (command.opcode == Opcode::Barrier) {
      out.push_back(command);
      continue;
    }
    for (uint32_t c = 0; c < g.channels; ++c) {
      Command one = command;
      one.channel = static_cast<uint16_t>(c);
      one.hostOffset += uint64_t(c) * command.hostStride;
      one.hostStride = 0;
      out.push_back(one);
    }
  }
  return out;
}

struct Speed {
  double programCommandsPerSecond, channelCommandsPerSecond, wall;
  RunStats stats;
};

Speed measure(const CommandStream &stream, const DeviceTiming &timing,
              bool functional, int repeats) {
  SimulatorOptions options;
  options.functional = functional;
  std::string error;
  std::unique_ptr<Simulator> sim =
      Simulator::create(stream, timing, options, error);
  if (!sim) {
    std::fprintf(stderr, "pim-sim-bench: %s\n", error.c_str());
    std::exit(1);
  }
  std::vector<uint8_t> arena(stream.programs[0].arenaBytes);
  Speed speed{};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i)
    if (!sim->run(stream.programs[0], arena, speed.stats, error)) {
      std::fprintf(stderr, "pim-sim-bench: %s\n", error.c_str());
      std::exit(1);
    }
  speed.wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  uint64_t program = 0, channel = 0;
  for (unsigned op = 0; op < kNumOpcodes; ++op) {
    program += speed.stats.programCommands[op];
    channel += speed.stats.channelCommands[op];
  }
  speed.programCommandsPerSecond = program / speed.wall;
  speed.channelCommandsPerSecond = channel / speed.wall;
  return speed;
}

} // namespace

int main() {
  // Qwen3-30B-A3B expert: gate, up (2048 x 768) and down (768 x 2048), bf16.
  constexpr uint64_t kHidden = 2048, kIntermediate = 768;
  constexpr uint64_t kMatrixBytes = kHidden * kIntermediate * 2;

  const cost::PimDescriptor &hbm3e = *cost::findPim("hbm3e-pim");
  std::string error;
  DeviceTiming timing = timingOf(hbm3e, error);
  CommandStream stream = streamFor(hbm3e);
  const DeviceGeometry &g = stream.geometry;
  // A long stream: 2000 GEMVs of one matrix each, about 0.4M commands.
  std::vector<Command> commands;
  for (uint32_t i = 0; commands.size() < 400000; ++i)
    appendGemv(g, kMatrixBytes, (i * 2) % g.rowsPerBank, commands);
  stream.programs.push_back(programOf(g, commands));

  std::printf("pim-sim speed, one core, hbm3e-pim (%u channels x %u banks)\n",
              g.channels, g.banksPerChannel);
  std::printf("%-34s %12s %14s %16s\n", "mode", "commands", "commands/s",
              "channel-cmds/s");
  auto row = [](const char *mode, const Speed &speed) {
    uint64_t program = 0;
    for (uint64_t n : speed.stats.programCommands)
      program += n;
    std::printf("%-34s %12llu %14.3g %16.3g\n", mode,
                (unsigned long long)program, speed.programCommandsPerSecond,
                speed.channelCommandsPerSecond);
  };
  row("timing, all-channel commands", measure(stream, timing, false, 10));
  CommandStream perChannel = stream;
  perChannel.programs[0].commands.resize(40000);
  perChannel.programs[0].commands.push_back(make(Opcode::PrechargeAll));
  perChannel.programs[0].commands = spelt(g, perChannel.programs[0].commands);
  row("timing, per-channel commands", measure(perChannel, timing, false, 1));
  CommandStream functional = stream;
  functional.programs[0].commands.resize(20000);
  functional.programs[0].commands.push_back(make(Opcode::PrechargeAll));
  Speed numerics = measure(functional, timing, true, 1);
  row("timing + numerics, all-channel", numerics);
  std::printf("  numerics: %.3g weight bytes/s through the MAC units\n\n",
              numerics.stats.macBytes / numerics.wall);

  std::printf("one Qwen3-30B-A3B expert (3 x %llu x %llu bf16, %.2f MB), one "
              "token\n",
              (unsigned long long)kHidden, (unsigned long long)kIntermediate,
              3 * kMatrixBytes / 1e6);
  std::printf("%-10s %6s %7s %11s %11s %9s %12s %12s %7s\n", "device", "chans",
              "banks", "commands", "cycles", "sim us", "sim TB/s", "peak TB/s",
              "roof x");
  for (const cost::PimDescriptor &pim : cost::builtinPims()) {
    DeviceTiming deviceTiming = timingOf(pim, error);
    if (!error.empty()) {
      std::printf("%-10s %s\n", pim.name.c_str(), error.c_str());
      continue;
    }
    CommandStream expert = streamFor(pim);
    std::vector<Command> gemv;
    for (int matrix = 0; matrix < 3; ++matrix)
      appendGemv(expert.geometry, kMatrixBytes, matrix * 8, gemv);
    expert.programs.push_back(programOf(expert.geometry, gemv));
    Speed result = measure(expert, deviceTiming, false, 1);
    double roofline = 3 * kMatrixBytes / pim.internalBandwidth;
    std::printf("%-10s %6u %7u %11zu %11llu %9.3f %12.2f %12.2f %7.2f\n",
                pim.name.c_str(), expert.geometry.channels,
                expert.geometry.banksPerChannel, gemv.size(),
                (unsigned long long)result.stats.cycles,
                result.stats.seconds * 1e6,
                result.stats.internalBandwidth() / 1e12,
                pim.internalBandwidth / 1e12, result.stats.seconds / roofline);
  }
  return 0;
}
