//===- Simulator.cpp - pim-sim: exact numerics and JEDEC timing ----------===//
//
// Timing is an in-order issue model: each command of a channel goes at the
// first cycle that satisfies every constraint that involves it, computed
// from a few "earliest next" cycles kept per bank and per channel (no event
// queue, no per-command allocation). While every command so far addressed
// all channels, all channels are in the same state, so only channel 0's
// timing is kept and a kAllChannels command costs one channel's work.
//
// The clock starts at kEpoch rather than 0, so "long ago" needs no special
// value: every "last ACT" starts at 0, far enough in the past.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/PIM/Simulator.h"

#include "FunctionalState.h"

#include <algorithm>
#include <cstring>

namespace moe::pim {

namespace {

constexpr uint64_t kEpoch = uint64_t(1) << 24;

/// Accumulators whose readiness is tracked one by one; higher numbers share
/// the last entry (waiting for the latest of them is never too early).
constexpr unsigned kTrackedAccs = 16;
/// Global-buffer ranges whose readiness is tracked one by one: at most this
/// many, each a whole number of bursts (one burst each for a 2 KiB GB).
constexpr unsigned kGbSegments = 64;

unsigned accSlot(uint8_t acc) {
  return std::min<unsigned>(acc, kTrackedAccs - 1);
}

struct BankTiming {
  uint64_t nextAct = 0; ///< max(last ACT + tRC, last PRE + tRP)
  uint64_t nextPre = 0; ///< last ACT + tRAS
  uint32_t openRow = 0;
  bool open = false;
};

struct ChannelTiming {
  uint64_t bus = kEpoch;          ///< first free command-bus cycle
  uint64_t start = kEpoch;        ///< barrier: nothing before this cycle
  uint64_t done = kEpoch;         ///< latest completion of anything issued
  uint64_t lastAct = 0;           ///< for tRRD_S
  uint64_t faw[4] = {0, 0, 0, 0}; ///< the last four ACT cycles, a ring
  uint32_t fawHead = 0;           ///< the oldest of them
  uint32_t openBanks = 0;
  uint64_t columnReady = 0; ///< latest ACT + tRCD: all open banks ready
  uint64_t closedAt = 0;    ///< latest PRE + tRP: all closed banks ready
  uint64_t nextMacL = 0;    ///< last MACAB + tCCD_L
  uint64_t nextColumnS = 0; ///< last column command + tCCD_S
  uint64_t paceQ8 = 0;      ///< power limit: the next MACAB's slot, Q8
  uint64_t hostFree = 0;    ///< the host link's next free cycle
  /// Per GB segment: the writes into it (WRGB bursts, MVGB) complete. A
  /// MAC waits only for the segment it reads.
  std::array<uint64_t, kGbSegments> gbReady{};
  /// Per accumulator: register writes complete, MAC results in it. A
  /// register operation waits only for its own accumulators.
  std::array<uint64_t, kTrackedAccs> accWritten{};
  std::array<uint64_t, kTrackedAccs> macDone{};
  uint64_t unitOpEnd = 0; ///< the bank units' last register op completes
  uint64_t nextRefresh = kEpoch;
  uint64_t refreshEnd = 0;
};

uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

} // namespace

void RunStats::add(const RunStats &other) {
  cycles += other.cycles;
  seconds += other.seconds;
  for (unsigned i = 0; i < kNumOpcodes; ++i) {
    programCommands[i] += other.programCommands[i];
    channelCommands[i] += other.channelCommands[i];
  }
  refreshes += other.refreshes;
  forcedRefreshes += other.forcedRefreshes;
  hostBursts += other.hostBursts;
  hostBytes += other.hostBytes;
  macBytes += other.macBytes;
  runs += other.runs;
}

class Simulator::Impl {
public:
  Impl(const CommandStream &stream, const DeviceTiming &timing,
       SimulatorOptions options)
      : stream_(stream), g_(stream.geometry), t_(timing), options_(options),
        groups_(g_.banksPerChannel / timing.banksPerBankGroup),
        channels_(g_.channels),
        banks_(size_t(g_.channels) * g_.banksPerChannel),
        groupLastAct_(size_t(g_.channels) * groups_, 0),
        gbSegment_(static_cast<uint32_t>(
            (g_.globalBufferBytes + kGbSegments * g_.burstBytes - 1) /
            (kGbSegments * g_.burstBytes) * g_.burstBytes)) {
    for (ChannelTiming &channel : channels_)
      channel.nextRefresh = kEpoch + t_.tREFI;
    if (options_.functional)
      data_ = std::make_unique<FunctionalState>(stream);
  }

  bool run(const Program &program, std::vector<uint8_t> &arena, RunStats &stats,
           std::string &error);

  const CommandStream &stream_;
  const DeviceGeometry &g_;
  DeviceTiming t_;
  SimulatorOptions options_;
  uint32_t groups_;
  std::vector<ChannelTiming> channels_;
  std::vector<BankTiming> banks_;
  std::vector<uint64_t> groupLastAct_;
  /// Bytes per tracked GB segment.
  uint32_t gbSegment_;
  /// All channels in channel 0's state (see the file comment).
  bool uniform_ = true;
  std::unique_ptr<FunctionalState> data_;
  std::vector<TraceEntry> trace_;
  RunStats *stats_ = nullptr;
  std::string *error_ = nullptr;
  size_t commandIndex_ = 0;

  uint64_t now() const {
    uint64_t end = 0;
    for (uint32_t c = 0; c < (uniform_ ? 1 : g_.channels); ++c)
      end = std::max({end, channels_[c].done, channels_[c].bus});
    return end;
  }

private:
  BankTiming *banksOf(uint32_t channel) {
    return &banks_[size_t(channel) * g_.banksPerChannel];
  }
  uint32_t width() const { return uniform_ ? g_.channels : 1; }
  uint16_t traceChannel(uint32_t channel) const {
    return uniform_ ? kAllChannels : static_cast<uint16_t>(channel);
  }
  void record(uint64_t cycle, uint32_t channel, uint32_t bank, TraceKind kind) {
    if (options_.trace)
      trace_.push_back(
          {cycle, traceChannel(channel), static_cast<uint16_t>(bank), kind});
  }

  bool fail(const Command &command, uint32_t channel,
            const std::string &message) {
    *error_ = "command " + std::to_string(commandIndex_) + " (" +
              mnemonic(command.opcode) + ") on channel " +
              std::to_string(channel) + ": " + message;
    return false;
  }

  /// Back to uniform mode when every channel's timing equals channel 0's,
  /// as after per-channel commands that did the same on each channel. Worth
  /// its O(channels) only at barriers, where the channels have just joined.
  void rejoinUniform() {
    if (uniform_)
      return;
    auto sameChannel = [](const ChannelTiming &a, const ChannelTiming &b) {
      return a.bus == b.bus && a.start == b.start && a.done == b.done &&
             a.lastAct == b.lastAct && a.faw[0] == b.faw[0] &&
             a.faw[1] == b.faw[1] && a.faw[2] == b.faw[2] &&
             a.faw[3] == b.faw[3] && a.fawHead == b.fawHead &&
             a.openBanks == b.openBanks && a.columnReady == b.columnReady &&
             a.closedAt == b.closedAt && a.nextMacL == b.nextMacL &&
             a.nextColumnS == b.nextColumnS && a.paceQ8 == b.paceQ8 &&
             a.hostFree == b.hostFree && a.gbReady == b.gbReady &&
             a.accWritten == b.accWritten && a.macDone == b.macDone &&
             a.unitOpEnd == b.unitOpEnd && a.nextRefresh == b.nextRefresh &&
             a.refreshEnd == b.refreshEnd;
    };
    auto sameBank = [](const BankTiming &a, const BankTiming &b) {
      return a.nextAct == b.nextAct && a.nextPre == b.nextPre &&
             a.openRow == b.openRow && a.open == b.open;
    };
    for (uint32_t c = 1; c < g_.channels; ++c) {
      if (!sameChannel(channels_[0], channels_[c]))
        return;
      for (uint32_t b = 0; b < g_.banksPerChannel; ++b)
        if (!sameBank(banks_[b], banks_[size_t(c) * g_.banksPerChannel + b]))
          return;
      for (uint32_t k = 0; k < groups_; ++k)
        if (groupLastAct_[k] != groupLastAct_[size_t(c) * groups_ + k])
          return;
    }
    uniform_ = true;
  }

  /// Leaves uniform mode: every channel gets channel 0's state.
  void materialize() {
    if (!uniform_)
      return;
    for (uint32_t c = 1; c < g_.channels; ++c) {
      channels_[c] = channels_[0];
      std::copy(banks_.begin(), banks_.begin() + g_.banksPerChannel,
                banks_.begin() + size_t(c) * g_.banksPerChannel);
      std::copy(groupLastAct_.begin(), groupLastAct_.begin() + groups_,
                groupLastAct_.begin() + size_t(c) * groups_);
    }
    uniform_ = false; // earlier trace entries keep kAllChannels
  }

  /// The latest write completion into GB bytes [offset, offset + bytes).
  uint64_t gbReadyOf(const ChannelTiming &ch, uint32_t offset,
                     uint32_t bytes) const {
    uint64_t ready = 0;
    for (uint32_t s = offset / gbSegment_;
         s * gbSegment_ < offset + bytes && s < kGbSegments; ++s)
      ready = std::max(ready, ch.gbReady[s]);
    return ready;
  }
  void markGbReady(ChannelTiming &ch, uint32_t offset, uint32_t bytes,
                   uint64_t at) {
    for (uint32_t s = offset / gbSegment_;
         s * gbSegment_ < offset + bytes && s < kGbSegments; ++s)
      ch.gbReady[s] = std::max(ch.gbReady[s], at);
  }

  void issue(ChannelTiming &ch, uint64_t cycle, uint64_t completes) {
    ch.bus = cycle + 1;
    ch.done = std::max({ch.done, cycle + 1, completes});
  }

  /// All-bank refreshes that are due by `cycle` go in as soon as every bank
  /// is closed; with rows open they wait, up to the JEDEC postponement limit,
  /// after which the rows are closed, refreshed and opened again.
  void refresh(uint32_t c, uint64_t cycle) {
    ChannelTiming &ch = channels_[c];
    while (ch.nextRefresh <= cycle) {
      if (ch.openBanks) {
        uint64_t limit =
            ch.nextRefresh + uint64_t(t_.maxPostponedRefreshes) * t_.tREFI;
        if (cycle < limit)
          return;
        forceRefresh(c, cycle);
        continue;
      }
      uint64_t at =
          std::max({ch.nextRefresh, ch.closedAt, ch.refreshEnd, ch.bus});
      record(at, c, 0, TraceKind::Refresh);
      // Only ACTs wait for the refresh (refreshEnd); the bus is free again.
      issue(ch, at, at + 1);
      ch.refreshEnd = at + t_.tRFC;
      ch.nextRefresh += t_.tREFI;
      stats_->refreshes += width();
    }
  }

  void forceRefresh(uint32_t c, uint64_t cycle) {
    ChannelTiming &ch = channels_[c];
    BankTiming *banks = banksOf(c);
    std::vector<uint32_t> &reopen = reopenScratch_;
    reopen.clear();
    uint64_t at = std::max(cycle, ch.bus);
    for (uint32_t b = 0; b < g_.banksPerChannel; ++b)
      if (banks[b].open)
        at = std::max(at, banks[b].nextPre);
    record(at, c, 0, TraceKind::PrechargeAll);
    issue(ch, at, at + t_.tRP);
    for (uint32_t b = 0; b < g_.banksPerChannel; ++b)
      if (banks[b].open) {
        reopen.push_back(b);
        closeBank(ch, banks[b], at);
      }
    stats_->forcedRefreshes += width();
    refresh(c, cycle); // now closed: the owed refreshes go in
    // Reopen the same rows, one ACT per bank under tRRD and tFAW.
    for (uint32_t b : reopen) {
      uint64_t when = activateTime(c, b, ch.bus);
      openBank(c, b, banks[b].openRow, when);
      record(when, c, b, TraceKind::Activate);
    }
  }

  void closeBank(ChannelTiming &ch, BankTiming &bank, uint64_t at) {
    bank.open = false;
    bank.nextAct = std::max(bank.nextAct, at + t_.tRP);
    ch.closedAt = std::max(ch.closedAt, at + t_.tRP);
    --ch.openBanks;
  }

  /// The earliest cycle from `from` at which bank `b` may be activated,
  /// ignoring refresh.
  uint64_t activateTime(uint32_t c, uint32_t b, uint64_t from) {
    ChannelTiming &ch = channels_[c];
    uint32_t group = b / t_.banksPerBankGroup;
    return std::max({from, banksOf(c)[b].nextAct, ch.refreshEnd,
                     ch.lastAct + t_.tRRD_S,
                     groupLastAct_[size_t(c) * groups_ + group] + t_.tRRD_L,
                     ch.faw[ch.fawHead] + t_.tFAW});
  }

  void noteActivate(ChannelTiming &ch, uint64_t at) {
    ch.lastAct = at;
    ch.faw[ch.fawHead] = at;
    ch.fawHead = (ch.fawHead + 1) & 3;
    ch.columnReady = std::max(ch.columnReady, at + t_.tRCD);
  }

  void openBank(uint32_t c, uint32_t b, uint32_t row, uint64_t at) {
    ChannelTiming &ch = channels_[c];
    BankTiming &bank = banksOf(c)[b];
    bank.open = true;
    bank.openRow = row;
    bank.nextPre = at + t_.tRAS;
    bank.nextAct = at + t_.tRC;
    ++ch.openBanks;
    groupLastAct_[size_t(c) * groups_ + b / t_.banksPerBankGroup] = at;
    noteActivate(ch, at);
    issue(ch, at, at + t_.tRCD);
  }

  /// `count` bursts over the host link from `from` on; returns the last.
  uint64_t hostBursts(uint32_t c, uint64_t from, uint64_t count,
                      TraceKind kind) {
    ChannelTiming &ch = channels_[c];
    uint64_t first = std::max({from, ch.hostFree, ch.nextColumnS});
    uint64_t last = first + (count - 1) * t_.hostBurstCycles;
    if (options_.trace)
      for (uint64_t k = 0; k < count; ++k)
        record(first + k * t_.hostBurstCycles, c, 0, kind);
    ch.hostFree = last + t_.hostBurstCycles;
    ch.nextColumnS = std::max(ch.nextColumnS, last + t_.tCCD_S);
    stats_->hostBursts += count * width();
    return last;
  }

public:
  /// Times command `command` on channel `c`; false on a protocol error.
  bool time(uint32_t c, const Command &command);

private:
  std::vector<uint32_t> reopenScratch_;
};

bool Simulator::Impl::time(uint32_t c, const Command &command) {
  ChannelTiming &ch = channels_[c];
  BankTiming *banks = banksOf(c);
  uint64_t from = std::max(ch.bus, ch.start);
  if (ch.nextRefresh <= from)
    refresh(c, from);
  from = std::max(ch.bus, ch.start);

  switch (command.opcode) {
  case Opcode::Activate: {
    BankTiming &bank = banks[command.bank];
    if (bank.open)
      return fail(command, c,
                  "bank " + std::to_string(command.bank) + " already has row " +
                      std::to_string(bank.openRow) + " open");
    uint64_t at = activateTime(c, command.bank, from);
    while (ch.nextRefresh <= at && ch.openBanks == 0) {
      refresh(c, at);
      at = activateTime(c, command.bank, ch.bus);
    }
    openBank(c, command.bank, command.row, at);
    record(at, c, command.bank, TraceKind::Activate);
    return true;
  }
  case Opcode::ActivateAll: {
    for (uint32_t b = 0; b < g_.banksPerChannel; ++b)
      if (banks[b].open)
        return fail(command, c,
                    "bank " + std::to_string(b) + " already has row " +
                        std::to_string(banks[b].openRow) + " open");
    auto earliest = [&](uint64_t start) {
      uint64_t at = std::max({start, ch.refreshEnd, ch.lastAct + t_.tRRD_L,
                              ch.faw[ch.fawHead] + t_.tFAW});
      for (uint32_t b = 0; b < g_.banksPerChannel; ++b)
        at = std::max(at, banks[b].nextAct);
      return at;
    };
    uint64_t at = earliest(from);
    while (ch.nextRefresh <= at) {
      refresh(c, at);
      at = earliest(ch.bus);
    }
    // ACTAB is one activation for tRRD and tFAW; its power is what the
    // all-bank MAC interval models (docs/PIM.md).
    for (uint32_t b = 0; b < g_.banksPerChannel; ++b) {
      banks[b].open = true;
      banks[b].openRow = command.row;
      banks[b].nextPre = at + t_.tRAS;
      banks[b].nextAct = at + t_.tRC;
    }
    ch.openBanks = g_.banksPerChannel;
    std::fill_n(groupLastAct_.begin() + size_t(c) * groups_, groups_, at);
    noteActivate(ch, at);
    issue(ch, at, at + t_.tRCD);
    record(at, c, 0, TraceKind::ActivateAll);
    return true;
  }
  case Opcode::Precharge: {
    BankTiming &bank = banks[command.bank];
    uint64_t at = bank.open ? std::max(from, bank.nextPre) : from;
    if (bank.open)
      closeBank(ch, bank, at);
    issue(ch, at, at + t_.tRP);
    record(at, c, command.bank, TraceKind::Precharge);
    return true;
  }
  case Opcode::PrechargeAll: {
    uint64_t at = from;
    for (uint32_t b = 0; b < g_.banksPerChannel; ++b)
      if (banks[b].open)
        at = std::max(at, banks[b].nextPre);
    for (uint32_t b = 0; b < g_.banksPerChannel; ++b)
      if (banks[b].open)
        closeBank(ch, banks[b], at);
    issue(ch, at, at + t_.tRP);
    record(at, c, 0, TraceKind::PrechargeAll);
    return true;
  }
  case Opcode::MacAll: {
    if (ch.openBanks != g_.banksPerChannel) {
      uint32_t closed = 0;
      while (banks[closed].open)
        ++closed;
      return fail(command, c,
                  "bank " + std::to_string(closed) + " has no open row");
    }
    unsigned acc = accSlot(command.acc);
    uint64_t at = std::max({from, ch.columnReady, ch.nextMacL, ch.nextColumnS,
                            ceilDiv(ch.paceQ8, 256),
                            gbReadyOf(ch, command.gbOffset, g_.burstBytes),
                            ch.accWritten[acc], ch.unitOpEnd});
    // The power limit as a leaky bucket: on average one all-bank MAC per
    // interval, the fraction carried over rather than rounded up each time.
    uint64_t interval = t_.macAllIntervalQ8;
    ch.paceQ8 = std::max(ch.paceQ8 + interval, at * 256 + interval - 255);
    ch.nextMacL = at + t_.tCCD_L;
    ch.nextColumnS = at + t_.tCCD_S;
    ch.macDone[acc] = std::max(ch.macDone[acc], at + t_.tCL);
    issue(ch, at, at + t_.tCL);
    record(at, c, 0, TraceKind::MacAll);
    stats_->macBytes += uint64_t(g_.banksPerChannel) * g_.burstBytes * width();
    return true;
  }
  case Opcode::WriteGlobalBuffer: {
    uint64_t count = ceilDiv(command.bytes, g_.burstBytes);
    uint64_t last = hostBursts(c, from, count, TraceKind::HostWrite);
    // Burst k lands hostBurstCycles after it goes out; a segment is ready
    // with the last burst that writes into it.
    uint64_t first = last - (count - 1) * t_.hostBurstCycles;
    uint32_t end = command.gbOffset + command.bytes;
    for (uint32_t s = command.gbOffset / gbSegment_;
         s * gbSegment_ < end && s < kGbSegments; ++s) {
      uint32_t lastByte = std::min(end, (s + 1) * gbSegment_) - 1;
      uint64_t k = (lastByte - command.gbOffset) / g_.burstBytes;
      ch.gbReady[s] =
          std::max(ch.gbReady[s], first + (k + 1) * t_.hostBurstCycles);
    }
    issue(ch, last, last + t_.hostBurstCycles);
    stats_->hostBytes += uint64_t(command.bytes) * width();
    return true;
  }
  case Opcode::SetAccumulators:
    if (!(command.flags & Command::kZero)) {
      unsigned acc = accSlot(command.acc);
      uint64_t bytes = 4ull * g_.banksPerChannel;
      uint64_t last =
          hostBursts(c, std::max({from, ch.macDone[acc], ch.accWritten[acc]}),
                     ceilDiv(bytes, g_.burstBytes), TraceKind::HostWrite);
      ch.accWritten[acc] = last + t_.hostBurstCycles;
      issue(ch, last, ch.accWritten[acc]);
      stats_->hostBytes += bytes * width();
      return true;
    }
    [[fallthrough]];
  case Opcode::Activation:
  case Opcode::MultiplyAccumulators:
  case Opcode::MoveToGlobalBuffer: {
    // One unit per bank: after the last MAC's column cycle and the last
    // register op, and after every write and MAC of its accumulators.
    unsigned acc = accSlot(command.acc);
    uint64_t at = std::max(
        {from, ch.macDone[acc], ch.accWritten[acc], ch.unitOpEnd, ch.nextMacL});
    if (command.opcode == Opcode::MultiplyAccumulators) {
      unsigned acc2 = accSlot(command.acc2);
      at = std::max({at, ch.macDone[acc2], ch.accWritten[acc2]});
    }
    ch.unitOpEnd = at + t_.unitOpCycles;
    ch.accWritten[acc] = ch.unitOpEnd;
    if (command.opcode == Opcode::MoveToGlobalBuffer)
      markGbReady(ch, command.gbOffset, g_.banksPerChannel * 2, ch.unitOpEnd);
    issue(ch, at, ch.unitOpEnd);
    record(at, c, 0, TraceKind::UnitOp);
    return true;
  }
  case Opcode::ReadAccumulators: {
    uint64_t bytes = 4ull * g_.banksPerChannel;
    unsigned acc = accSlot(command.acc);
    uint64_t last =
        hostBursts(c, std::max({from, ch.macDone[acc], ch.accWritten[acc]}),
                   ceilDiv(bytes, g_.burstBytes), TraceKind::HostRead);
    issue(ch, last, last + t_.tCL + t_.hostBurstCycles);
    stats_->hostBytes += bytes * width();
    return true;
  }
  case Opcode::Barrier:
    return true; // run() joins the channels
  }
  return true;
}

bool Simulator::Impl::run(const Program &program, std::vector<uint8_t> &arena,
                          RunStats &stats, std::string &error) {
  if (&program < stream_.programs.data() ||
      &program >= stream_.programs.data() + stream_.programs.size()) {
    error = "program \"" + program.name +
            "\" is not one of the simulated stream's (only verified "
            "programs run)";
    return false;
  }
  if (arena.size() < program.arenaBytes) {
    error = "the arena has " + std::to_string(arena.size()) +
            " bytes, program \"" + program.name + "\" needs " +
            std::to_string(program.arenaBytes);
    return false;
  }
  RunStats run;
  stats_ = &run;
  error_ = &error;
  // Runs are sequential: every channel starts when the device is idle, with
  // rows a previous run left open closed first.
  uint64_t begin = now();
  for (uint32_t c = 0; c < (uniform_ ? 1 : g_.channels); ++c) {
    ChannelTiming &ch = channels_[c];
    ch.start = begin;
    if (ch.openBanks) {
      Command close;
      close.opcode = Opcode::PrechargeAll;
      time(c, close);
    }
  }
  begin = now();
  for (uint32_t c = 0; c < (uniform_ ? 1 : g_.channels); ++c)
    channels_[c].start = begin;
  if (data_)
    data_->reset();

  uint8_t *host = arena.data();
  for (commandIndex_ = 0; commandIndex_ < program.commands.size();
       ++commandIndex_) {
    const Command &command = program.commands[commandIndex_];
    unsigned op = static_cast<unsigned>(command.opcode);
    ++run.programCommands[op];
    if (command.opcode == Opcode::Barrier) {
      uint64_t join = now();
      for (uint32_t c = 0; c < (uniform_ ? 1 : g_.channels); ++c)
        channels_[c].start = join;
      run.channelCommands[op] += g_.channels;
      rejoinUniform();
      continue;
    }
    bool all = command.channel == kAllChannels;
    if (all) {
      run.channelCommands[op] += g_.channels;
      if (uniform_) {
        if (!time(0, command))
          return false;
      } else {
        for (uint32_t c = 0; c < g_.channels; ++c)
          if (!time(c, command))
            return false;
      }
    } else {
      ++run.channelCommands[op];
      materialize();
      if (!time(command.channel, command))
        return false;
    }
    if (!data_)
      continue;
    uint32_t first = all ? 0 : command.channel;
    uint32_t end = all ? g_.channels : command.channel + 1u;
    for (uint32_t c = first; c < end; ++c) {
      // Only host commands' addresses are verified: form the pointer lazily.
      auto hostAt = [&] {
        return host + command.hostOffset +
               (all ? uint64_t(c) * command.hostStride : 0);
      };
      switch (command.opcode) {
      case Opcode::WriteGlobalBuffer:
        data_->writeGlobalBuffer(c, hostAt(), command);
        break;
      case Opcode::ActivateAll:
        data_->activateAll(c, command.row);
        break;
      case Opcode::Activate:
        data_->activate(c, command.bank, command.row);
        break;
      case Opcode::MacAll:
        data_->macAll(c, command);
        break;
      case Opcode::PrechargeAll:
        data_->closeAll(c);
        break;
      case Opcode::Precharge:
        data_->close(c, command.bank);
        break;
      case Opcode::SetAccumulators:
        data_->setAccumulators(
            c, (command.flags & Command::kZero) ? nullptr : hostAt(), command);
        break;
      case Opcode::Activation:
        data_->activation(c, command);
        break;
      case Opcode::MultiplyAccumulators:
        data_->multiplyAccumulators(c, command);
        break;
      case Opcode::MoveToGlobalBuffer:
        data_->moveToGlobalBuffer(c, command);
        break;
      case Opcode::ReadAccumulators:
        data_->readAccumulators(c, hostAt(), command);
        break;
      case Opcode::Barrier:
        break;
      }
    }
  }
  uint64_t end = now();
  // Refreshes that fell due while the channel idled at the end.
  for (uint32_t c = 0; c < (uniform_ ? 1 : g_.channels); ++c)
    if (channels_[c].nextRefresh <= end && channels_[c].openBanks == 0)
      refresh(c, end);
  run.cycles = end - begin;
  run.seconds = run.cycles * t_.tCK;
  run.runs = 1;
  stats.add(run);
  return true;
}

namespace {

/// What FunctionalState allocates up front for `g`: every channel's global
/// buffer (storage bits and their widened floats, 3 bytes per stored byte)
/// and every bank's accumulators. The verifier's bounds still allow a
/// geometry (65534 channels of 16 MiB global buffers) that would need
/// terabytes.
constexpr uint64_t kMaxFunctionalStateBytes = uint64_t(1) << 30;

uint64_t functionalStateBytes(const DeviceGeometry &g) {
  return uint64_t(g.channels) * g.globalBufferBytes * 3 +
         uint64_t(g.channels) * g.banksPerChannel * g.accumulatorsPerBank * 4;
}

} // namespace

std::unique_ptr<Simulator> Simulator::create(const CommandStream &stream,
                                             const DeviceTiming &timing,
                                             SimulatorOptions options,
                                             std::string &error) {
  error = verifyStream(stream);
  if (error.empty())
    error = checkTiming(timing, stream.geometry);
  if (error.empty() && options.functional &&
      functionalStateBytes(stream.geometry) > kMaxFunctionalStateBytes)
    error = "the device's simulated state needs " +
            std::to_string(functionalStateBytes(stream.geometry) >> 20) +
            " MiB (global buffers and accumulators of " +
            std::to_string(stream.geometry.channels) +
            " channels), more than pim-sim's " +
            std::to_string(kMaxFunctionalStateBytes >> 20) + " MiB";
  if (!error.empty())
    return nullptr;
  return std::unique_ptr<Simulator>(
      new Simulator(std::make_unique<Impl>(stream, timing, options)));
}

Simulator::Simulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Simulator::~Simulator() = default;

bool Simulator::run(const Program &program, std::vector<uint8_t> &arena,
                    RunStats &stats, std::string &error) {
  return impl_->run(program, arena, stats, error);
}

const Program *Simulator::findProgram(const std::string &name) const {
  for (const Program &program : impl_->stream_.programs)
    if (program.name == name)
      return &program;
  return nullptr;
}

const std::vector<TraceEntry> &Simulator::trace() const {
  return impl_->trace_;
}
void Simulator::clearTrace() { impl_->trace_.clear(); }
uint64_t Simulator::now() const { return impl_->now(); }
const DeviceTiming &Simulator::timing() const { return impl_->t_; }

void recordSimulatedTime(cost::MeasuredTimes &table, int64_t tokens,
                         const RunStats &stats, double rooflineSeconds) {
  if (stats.runs == 0)
    return;
  table.record(cost::Device::Pim, tokens, stats.seconds / stats.runs,
               rooflineSeconds);
}

} // namespace moe::pim
