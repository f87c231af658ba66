//===- pim-sim-bench.cpp - simulator speed and per-device GEMV times -----===//
//
// Not a test: prints (1) how many commands per second pim-sim simulates on
// one core, timing only and with numerics, for all-channel commands (the
// fast path) and the same program spelt out per channel; (2) per built-in
// PIM device, the simulated time of one synthetic expert GEMV
// (Qwen3-30B-A3B: hidden 2048, intermediate 768, three matrices, bf16)
// next to its roofline; (3) the programs `convert-moe-to-pim` emits for the
// Qwen3-30B-A3B and Mixtral-8x7B experts on hbm3e-pim and hbm3-pim: time,
// efficiency against the internal-bandwidth roofline, and where the cycles
// go.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Hardware.h"
#include "moe/Runtime/PIM/Simulator.h"
#include "moe/Target/PIM/ExpertProgram.h"

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

/// A model's expert as `convert-moe-to-pim` sees it.
struct ModelExpert {
  const char *model;
  ExpertShape shape;
};

/// Times the program the lowering emits for `tokens` tokens of `expert`
/// sharing every row activation (batch-tokens) on `pim` (weights need not
/// exist for timing) and prints one table row, per token, and the commands.
void compiledExpert(const ModelExpert &expert, const cost::PimDescriptor &pim,
                    uint32_t tokens, HiddenSplit split) {
  std::string error;
  DeviceTiming timing = timingOf(pim, error);
  CommandStream stream = streamFor(pim);
  const DeviceGeometry &g = stream.geometry;
  ExpertPlan plan;
  error = planExpert(expert.shape, g, 0, 0, tokens, plan, split);
  // The hidden split serves one token per pass: print it once.
  if (split != HiddenSplit::Never && (!plan.hiddenSliced || tokens > 1))
    return;
  if (!error.empty()) {
    std::printf("%-14s %-10s %s\n", expert.model, pim.name.c_str(),
                error.c_str());
    return;
  }
  PimActivation activation;
  activation.gated = expert.shape.gated;
  activation.function = ActivationFunction::Silu;
  stream.programs.push_back(buildExpertProgram(
      "expert", g, expert.shape, plan, ExpertMatrices(), activation, tokens));
  // Two runs: the second starts from the state a device running expert
  // after expert is in (refresh phase, rows closed); report it alone.
  Speed warm = measure(stream, timing, false, 1);
  Speed result = measure(stream, timing, false, 2);
  RunStats stats = result.stats;
  stats.cycles -= warm.stats.cycles;
  stats.seconds -= warm.stats.seconds;
  for (unsigned op = 0; op < kNumOpcodes; ++op) {
    stats.programCommands[op] -= warm.stats.programCommands[op];
    stats.channelCommands[op] -= warm.stats.channelCommands[op];
  }
  stats.hostBursts -= warm.stats.hostBursts;
  stats.macBytes -= warm.stats.macBytes;
  stats.refreshes -= warm.stats.refreshes;

  const ExpertShape &s = expert.shape;
  double weightBytes =
      (s.gated ? 3.0 : 2.0) * s.hidden * double(s.intermediate) * 2;
  double roofline = weightBytes / pim.internalBandwidth;
  auto count = [&](Opcode op) {
    return stats.programCommands[static_cast<unsigned>(op)];
  };
  uint64_t macs = count(Opcode::MacAll);
  double macCycles = macs * (timing.macAllIntervalQ8 / 256.0);
  uint64_t acts = count(Opcode::ActivateAll);
  double hostCycles =
      double(stats.hostBursts) / g.channels * timing.hostBurstCycles;
  double rooflineCycles = roofline / timing.tCK;
  // Per token: a program with `tokens` slots serves that many GEMVs.
  double perToken = 1.0 / tokens;
  std::printf(
      "%-14s %-10s %-6s %3u %7.2f %8.3f %8.3f %6.1f%% %8.0f %7.0f %7.0f "
      "%5.0f%% %6.1f %6.0f %7.0f %5.2f\n",
      expert.model, pim.name.c_str(), plan.hiddenSliced ? "slices" : "rows",
      tokens, weightBytes / 1e6, stats.seconds * 1e6 * perToken, roofline * 1e6,
      100.0 * roofline / (stats.seconds * perToken), stats.cycles * perToken,
      rooflineCycles, macCycles * perToken,
      100.0 * (macs * double(g.channels) * g.banksPerChannel * g.burstBytes) /
          (weightBytes * tokens),
      acts * perToken, acts * double(timing.tRCD + timing.tRP) * perToken,
      hostCycles * perToken, double(stats.refreshes) / g.channels * perToken);
  std::printf("%-25s", "");
  for (unsigned op = 0; op < kNumOpcodes; ++op)
    if (stats.programCommands[op])
      std::printf(" %s %llu", mnemonic(static_cast<Opcode>(op)),
                  (unsigned long long)stats.programCommands[op]);
  std::printf("\n");
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

  // SwiGLU experts, bf16: gate and up [I, H], down [H, I].
  const ModelExpert experts[] = {
      {"Qwen3-30B-A3B", {2048, 768, true}},
      {"Mixtral-8x7B", {4096, 14336, true}},
  };
  std::printf(
      "\ncompiled experts (convert-moe-to-pim; tok = tokens per row "
      "activation, batch-tokens; fc1: rows = row sharded, slices = split "
      "over the hidden\ndimension), per token: time, roofline = weight "
      "bytes / internal bandwidth, efficiency = roofline / time; per "
      "channel: MACAB cycles at the power-limited interval, MAC bytes "
      "read / weight bytes,\nACTABs and their tRCD + tRP, host-link "
      "cycles (WRGB, SETACC, RDACC bursts), refreshes; the second of "
      "two back-to-back runs\n");
  std::printf("%-14s %-10s %-6s %3s %7s %8s %8s %7s %8s %7s %7s %6s %6s %6s "
              "%7s %5s\n",
              "model", "device", "fc1", "tok", "MB", "sim us", "roof us", "eff",
              "cycles", "roof cy", "MAC cy", "MAC/w", "ACTs", "ACT cy",
              "host cy", "REFs");
  for (const ModelExpert &expert : experts)
    for (const char *name : {"hbm3e-pim", "hbm3-pim"})
      for (HiddenSplit split : {HiddenSplit::Never, HiddenSplit::Auto})
        for (uint32_t tokens : {1u, 2u, 4u})
          compiledExpert(expert, *cost::findPim(name), tokens, split);
  return 0;
}
