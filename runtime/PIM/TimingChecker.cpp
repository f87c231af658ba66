//===- TimingChecker.cpp - JEDEC constraints of a command trace ----------===//

#include "moe/Runtime/PIM/TimingChecker.h"

#include <algorithm>
#include <deque>
#include <limits>

namespace moe::pim {

const char *traceKindName(TraceKind kind) {
  switch (kind) {
  case TraceKind::Activate:
    return "ACT";
  case TraceKind::ActivateAll:
    return "ACTAB";
  case TraceKind::Precharge:
    return "PRE";
  case TraceKind::PrechargeAll:
    return "PREAB";
  case TraceKind::MacAll:
    return "MACAB";
  case TraceKind::HostWrite:
    return "host write burst";
  case TraceKind::HostRead:
    return "host read burst";
  case TraceKind::UnitOp:
    return "unit op";
  case TraceKind::Refresh:
    return "REF";
  }
  return "?";
}

namespace {

/// "Never happened": far enough back for every constraint.
constexpr int64_t kNever = std::numeric_limits<int64_t>::min() / 4;

struct BankHistory {
  bool open = false;
  int64_t lastAct = kNever, lastPre = kNever;
};

struct ChannelHistory {
  int64_t lastCommand = kNever;
  std::vector<BankHistory> banks;
  std::vector<int64_t> groupLastAct;
  int64_t lastAct = kNever;
  std::deque<int64_t> recentActs; ///< the last four
  int64_t lastMac = kNever, lastColumn = kNever, lastHost = kNever;
  int64_t refreshEnd = kNever;
  /// Power limit: max over earlier MACABs i of (256 t_i - i I).
  int64_t powerBound = kNever;
  int64_t macs = 0;
  int64_t first = kNever, refreshes = 0;
};

class Replay {
public:
  Replay(const DeviceGeometry &g, const DeviceTiming &t)
      : g_(g), t_(t), channels_(g.channels) {
    for (ChannelHistory &ch : channels_) {
      ch.banks.resize(g.banksPerChannel);
      ch.groupLastAct.assign(g.banksPerChannel / t.banksPerBankGroup, kNever);
    }
  }

  std::string apply(size_t index, const TraceEntry &e, uint32_t c) {
    index_ = index;
    entry_ = e;
    channel_ = c;
    ChannelHistory &ch = channels_[c];
    int64_t t = static_cast<int64_t>(e.cycle);
    if (ch.first == kNever)
      ch.first = t;
    if (t <= ch.lastCommand)
      return violation("command bus: one command per cycle in order, the "
                       "previous was at cycle " +
                       std::to_string(ch.lastCommand));
    ch.lastCommand = t;
    switch (e.kind) {
    case TraceKind::Activate:
      return activate(ch, t, e.bank, e.bank + 1, t_.tRRD_S);
    case TraceKind::ActivateAll:
      return activate(ch, t, 0, g_.banksPerChannel, t_.tRRD_L);
    case TraceKind::Precharge:
      return precharge(ch, t, e.bank, e.bank + 1);
    case TraceKind::PrechargeAll:
      return precharge(ch, t, 0, g_.banksPerChannel);
    case TraceKind::MacAll:
      return mac(ch, t);
    case TraceKind::HostWrite:
    case TraceKind::HostRead:
      if (std::string v = need(t, ch.lastColumn + t_.tCCD_S, "tCCD_S");
          !v.empty())
        return v;
      if (std::string v =
              need(t, ch.lastHost + t_.hostBurstCycles, "host link rate");
          !v.empty())
        return v;
      ch.lastColumn = ch.lastHost = t;
      return "";
    case TraceKind::UnitOp:
      return "";
    case TraceKind::Refresh:
      return refresh(ch, t);
    }
    return violation("unknown trace kind");
  }

  /// JEDEC's refresh rate: at most maxPostponed refreshes owed at the end.
  std::string finish() {
    for (uint32_t c = 0; c < g_.channels; ++c) {
      const ChannelHistory &ch = channels_[c];
      if (ch.first == kNever)
        continue;
      int64_t owed = (ch.lastCommand - ch.first) / t_.tREFI;
      if (owed - ch.refreshes > int64_t(t_.maxPostponedRefreshes) + 1)
        return "channel " + std::to_string(c) +
               ": tREFI violated: " + std::to_string(ch.refreshes) +
               " refreshes in " + std::to_string(ch.lastCommand - ch.first) +
               " cycles, " + std::to_string(owed) + " due";
    }
    return "";
  }

private:
  std::string violation(const std::string &what) const {
    return "entry " + std::to_string(index_) + " (" +
           traceKindName(entry_.kind) + " at cycle " +
           std::to_string(entry_.cycle) + ", channel " +
           std::to_string(channel_) +
           (entry_.kind == TraceKind::Activate ||
                    entry_.kind == TraceKind::Precharge
                ? ", bank " + std::to_string(entry_.bank)
                : "") +
           "): " + what;
  }
  std::string need(int64_t t, int64_t earliest, const char *constraint) const {
    if (t >= earliest)
      return "";
    return violation(std::string(constraint) +
                     " violated: needs cycle >= " + std::to_string(earliest));
  }

  std::string activate(ChannelHistory &ch, int64_t t, uint32_t first,
                       uint32_t end, uint32_t rrdOther) {
    for (uint32_t b = first; b < end; ++b) {
      const BankHistory &bank = ch.banks[b];
      if (bank.open)
        return violation("bank " + std::to_string(b) + " is already open");
      if (std::string v = need(t, bank.lastPre + t_.tRP, "tRP"); !v.empty())
        return v;
      if (std::string v = need(t, bank.lastAct + t_.tRC, "tRC"); !v.empty())
        return v;
      uint32_t group = b / t_.banksPerBankGroup;
      if (std::string v = need(t, ch.groupLastAct[group] + t_.tRRD_L, "tRRD_L");
          !v.empty())
        return v;
    }
    // Against ACTs in other groups (for ACTAB every group is its own).
    if (std::string v = need(t, ch.lastAct + rrdOther,
                             rrdOther == t_.tRRD_L ? "tRRD_L" : "tRRD_S");
        !v.empty())
      return v;
    if (ch.recentActs.size() == 4)
      if (std::string v = need(t, ch.recentActs.front() + t_.tFAW, "tFAW");
          !v.empty())
        return v;
    if (std::string v = need(t, ch.refreshEnd, "tRFC"); !v.empty())
      return v;
    for (uint32_t b = first; b < end; ++b) {
      ch.banks[b].open = true;
      ch.banks[b].lastAct = t;
      ch.groupLastAct[b / t_.banksPerBankGroup] = t;
    }
    ch.lastAct = t;
    ch.recentActs.push_back(t);
    if (ch.recentActs.size() > 4)
      ch.recentActs.pop_front();
    return "";
  }

  std::string precharge(ChannelHistory &ch, int64_t t, uint32_t first,
                        uint32_t end) {
    for (uint32_t b = first; b < end; ++b) {
      BankHistory &bank = ch.banks[b];
      if (!bank.open)
        continue; // a precharge of a closed bank is a no-op
      if (std::string v = need(t, bank.lastAct + t_.tRAS, "tRAS"); !v.empty())
        return v;
    }
    for (uint32_t b = first; b < end; ++b)
      if (ch.banks[b].open) {
        ch.banks[b].open = false;
        ch.banks[b].lastPre = t;
      }
    return "";
  }

  std::string mac(ChannelHistory &ch, int64_t t) {
    for (uint32_t b = 0; b < g_.banksPerChannel; ++b) {
      if (!ch.banks[b].open)
        return violation("bank " + std::to_string(b) + " has no open row");
      if (std::string v = need(t, ch.banks[b].lastAct + t_.tRCD, "tRCD");
          !v.empty())
        return v;
    }
    if (std::string v = need(t, ch.lastMac + t_.tCCD_L, "tCCD_L"); !v.empty())
      return v;
    if (std::string v = need(t, ch.lastColumn + t_.tCCD_S, "tCCD_S");
        !v.empty())
      return v;
    // Any two all-bank MACs i < j are at least (j - i) intervals apart, up
    // to the rounding of one cycle: 256 t_j >= 256 t_i + (j - i) I - 255.
    int64_t interval = t_.macAllIntervalQ8;
    int64_t j = ch.macs;
    if (ch.powerBound != kNever) {
      int64_t earliestQ8 = ch.powerBound + j * interval - 255;
      if (t * 256 < earliestQ8)
        return violation("all-bank power limit violated: needs cycle >= " +
                         std::to_string((earliestQ8 + 255) / 256));
    }
    ch.powerBound = std::max(ch.powerBound, t * 256 - j * interval);
    ++ch.macs;
    ch.lastMac = ch.lastColumn = t;
    return "";
  }

  std::string refresh(ChannelHistory &ch, int64_t t) {
    for (uint32_t b = 0; b < g_.banksPerChannel; ++b) {
      if (ch.banks[b].open)
        return violation("REF with bank " + std::to_string(b) + " open");
      if (std::string v = need(t, ch.banks[b].lastPre + t_.tRP, "tRP");
          !v.empty())
        return v;
    }
    if (std::string v = need(t, ch.refreshEnd, "tRFC"); !v.empty())
      return v;
    ch.refreshEnd = t + t_.tRFC;
    ++ch.refreshes;
    return "";
  }

  const DeviceGeometry &g_;
  const DeviceTiming &t_;
  std::vector<ChannelHistory> channels_;
  size_t index_ = 0;
  TraceEntry entry_;
  uint32_t channel_ = 0;
};

} // namespace

std::string checkTrace(const DeviceGeometry &geometry,
                       const DeviceTiming &timing,
                       const std::vector<TraceEntry> &trace) {
  Replay replay(geometry, timing);
  for (size_t i = 0; i < trace.size(); ++i) {
    const TraceEntry &entry = trace[i];
    if (entry.channel == kAllChannels) {
      for (uint32_t c = 0; c < geometry.channels; ++c)
        if (std::string v = replay.apply(i, entry, c); !v.empty())
          return v;
      continue;
    }
    if (entry.channel >= geometry.channels)
      return "entry " + std::to_string(i) + ": channel " +
             std::to_string(entry.channel) + " out of range";
    if (std::string v = replay.apply(i, entry, entry.channel); !v.empty())
      return v;
  }
  return replay.finish();
}

} // namespace moe::pim
