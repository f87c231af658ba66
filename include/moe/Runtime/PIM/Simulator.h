//===- Simulator.h - pim-sim: exact numerics and JEDEC timing ---*- C++ -*-===//
//
// Executes the programs of a command stream on a simulated bank-level PIM
// device. Functionally, it computes exactly what docs/PIM.md specifies
// (fp32 accumulation in a fixed order, storage rounding in MVGB), so a
// reference can reproduce every bit. For timing, every channel issues its
// commands in program order, each at the first cycle that meets the JEDEC
// constraints of its banks and channel, the all-bank power limit, the
// command bus and the host link; barriers join all channels.
//
// The device clock runs on across runs, so refreshes fall where they would
// on a device that runs program after program.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_PIM_SIMULATOR_H
#define MOE_RUNTIME_PIM_SIMULATOR_H

#include "moe/CostModel/MeasuredTimes.h"
#include "moe/Runtime/PIM/CommandStream.h"
#include "moe/Runtime/PIM/DeviceTiming.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moe::pim {

/// What the command bus of one channel carried in one cycle.
enum class TraceKind : uint8_t {
  Activate,     ///< ACT of `bank`
  ActivateAll,  ///< ACTAB
  Precharge,    ///< PRE of `bank`
  PrechargeAll, ///< PREAB (also an implicit one before a forced refresh)
  MacAll,       ///< MACAB: a column access in every bank
  HostWrite,    ///< one burst of host data in (WRGB, SETACC)
  HostRead,     ///< one burst of accumulators out (RDACC)
  UnitOp,       ///< a register operation (SETACC zero, AF, ACCMUL, MVGB)
  Refresh,      ///< all-bank refresh
};

/// One command on one channel's bus. `channel == kAllChannels` stands for
/// the same command at the same cycle on every channel.
struct TraceEntry {
  uint64_t cycle = 0;
  uint16_t channel = 0;
  uint16_t bank = 0;
  TraceKind kind = TraceKind::UnitOp;
};

struct SimulatorOptions {
  /// Compute data (MACs, accumulators, the arena); off: timing only.
  bool functional = true;
  /// Record every command for TimingChecker.
  bool trace = false;
};

/// What one run (or several, summed with `add`) did.
struct RunStats {
  uint64_t cycles = 0; ///< from the first command to the last completion
  double seconds = 0;
  /// Commands as the program lists them, by opcode.
  std::array<uint64_t, kNumOpcodes> programCommands{};
  /// Commands as the channels execute them (a kAllChannels command counts
  /// once per channel), by opcode.
  std::array<uint64_t, kNumOpcodes> channelCommands{};
  uint64_t refreshes = 0;       ///< all-bank refreshes, all channels
  uint64_t forcedRefreshes = 0; ///< of which closed open rows
  uint64_t hostBursts = 0;      ///< bursts over the host link, all channels
  uint64_t hostBytes = 0;       ///< WRGB, SETACC and RDACC bytes
  uint64_t macBytes = 0;        ///< weight bytes the MAC units read
  uint64_t runs = 0;

  /// Bytes per second the MAC units read.
  double internalBandwidth() const {
    return seconds > 0 ? macBytes / seconds : 0;
  }
  void add(const RunStats &other);
};

class Simulator {
public:
  /// A simulator for the programs of `stream` (which must outlive it) on a
  /// device with `timing`. Fails when the stream does not verify or the
  /// timing is unusable.
  static std::unique_ptr<Simulator> create(const CommandStream &stream,
                                           const DeviceTiming &timing,
                                           SimulatorOptions options,
                                           std::string &error);
  ~Simulator();

  /// Runs `program` (one of the stream's) over `arena`, which must hold
  /// program.arenaBytes. Starts with zeroed accumulators and GBs and all
  /// rows closed (rows a previous run left open are precharged first).
  /// On a functional error (MAC with no open row, ACT on an open bank)
  /// returns false with `error` naming the command and channel.
  bool run(const Program &program, std::vector<uint8_t> &arena, RunStats &stats,
           std::string &error);

  /// The program of the stream named `name`, or null.
  const Program *findProgram(const std::string &name) const;

  /// Every command since the last clearTrace (with options.trace).
  const std::vector<TraceEntry> &trace() const;
  void clearTrace();

  /// The device clock: the cycle after the last completion so far.
  uint64_t now() const;

  const DeviceTiming &timing() const;

  class Impl;

private:
  explicit Simulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The measured-time table's sample of one simulated expert: a run of a
/// program with `tokens` tokens in its slots took `stats.seconds /
/// stats.runs`. `rooflineSeconds` is the cost model's prediction for it.
void recordSimulatedTime(cost::MeasuredTimes &table, int64_t tokens,
                         const RunStats &stats, double rooflineSeconds);

} // namespace moe::pim

#endif // MOE_RUNTIME_PIM_SIMULATOR_H
