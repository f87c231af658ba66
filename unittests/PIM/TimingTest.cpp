//===- TimingTest.cpp - every JEDEC constraint, both ways ----------------===//
//
// For each constraint: a program where it is the one that binds, the gap
// the simulator leaves (exactly the constraint), TimingChecker's approval of
// the trace, and its rejection, naming the constraint, once the command
// moves one cycle earlier. So neither side can pass by doing nothing.
//
//===----------------------------------------------------------------------===//

#include "TestStreams.h"

#include "moe/Runtime/PIM/Simulator.h"
#include "moe/Runtime/PIM/TimingChecker.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace moe::pim;
using moe::pim::test::make;

namespace {

/// Small numbers, all different, so each gap identifies its constraint.
DeviceTiming testTiming() {
  DeviceTiming t;
  t.tCK = 1e-9;
  t.tRCD = 5;
  t.tRP = 6;
  t.tRAS = 12;
  t.tRC = 22;
  t.tCL = 4;
  t.tCCD_S = 2;
  t.tCCD_L = 4;
  t.tRRD_S = 3;
  t.tRRD_L = 5;
  t.tFAW = 20;
  t.tREFI = 1000;
  t.tRFC = 50;
  t.banksPerBankGroup = 2;
  t.macAllIntervalQ8 = 4 * 256; // no power limit unless a test sets one
  t.hostBurstCycles = 2;
  t.unitOpCycles = 4;
  return t;
}

/// 2 channels of 8 banks in 4 bank groups; rows of 4 columns.
DeviceGeometry testGeometry() {
  DeviceGeometry g = test::tinyGeometry();
  g.banksPerChannel = 8;
  g.rowsPerBank = 64;
  return g;
}

Command act(uint16_t bank, uint32_t row = 0) {
  Command c = make(Opcode::Activate);
  c.bank = bank;
  c.row = row;
  return c;
}
Command pre(uint16_t bank) {
  Command c = make(Opcode::Precharge);
  c.bank = bank;
  return c;
}
Command mac(uint32_t column = 0) {
  Command c = make(Opcode::MacAll);
  c.column = column % 4;
  c.gbOffset = 16 * (column % 4);
  return c;
}
Command writeGb(uint32_t bytes) {
  Command c = make(Opcode::WriteGlobalBuffer);
  c.bytes = bytes;
  return c;
}

class TimingTest : public ::testing::Test {
protected:
  /// Runs `commands` (timing only) and returns the trace, which the checker
  /// must accept.
  std::vector<TraceEntry> traceOf(const std::vector<Command> &commands,
                                  RunStats *statsOut = nullptr) {
    stream_ = CommandStream();
    stream_.geometry = testGeometry();
    Program program;
    program.name = "timing";
    program.arenaBytes = 64;
    program.commands = commands;
    stream_.programs = {program};
    SimulatorOptions options;
    options.functional = false;
    options.trace = true;
    std::string error;
    std::unique_ptr<Simulator> sim =
        Simulator::create(stream_, timing_, options, error);
    EXPECT_TRUE(sim) << error;
    if (!sim)
      return {};
    std::vector<uint8_t> arena(64);
    RunStats stats;
    EXPECT_TRUE(sim->run(stream_.programs[0], arena, stats, error)) << error;
    if (statsOut)
      *statsOut = stats;
    EXPECT_EQ(check(sim->trace()), "");
    return sim->trace();
  }

  std::string check(const std::vector<TraceEntry> &trace) {
    return checkTrace(stream_.geometry, timing_, trace);
  }

  /// The `n`th entry of `kind`.
  static size_t find(const std::vector<TraceEntry> &trace, TraceKind kind,
                     int n = 0) {
    for (size_t i = 0; i < trace.size(); ++i)
      if (trace[i].kind == kind && n-- == 0)
        return i;
    ADD_FAILURE() << "no " << traceKindName(kind);
    return 0;
  }

  /// The gap from entry `a` to entry `b`; then moves `b` one cycle earlier
  /// and expects the checker to name `constraint`.
  void expectBinding(std::vector<TraceEntry> trace, size_t a, size_t b,
                     uint64_t gap, const std::string &constraint) {
    ASSERT_LT(a, b);
    EXPECT_EQ(trace[b].cycle - trace[a].cycle, gap) << constraint;
    trace[b].cycle -= 1;
    std::string problem = check(trace);
    EXPECT_NE(problem.find(constraint + " violated"), std::string::npos)
        << "expected " << constraint << ", got: " << problem;
  }

  DeviceTiming timing_ = testTiming();
  CommandStream stream_;
};

TEST_F(TimingTest, Trcd) {
  auto trace = traceOf({make(Opcode::ActivateAll), mac()});
  expectBinding(trace, find(trace, TraceKind::ActivateAll),
                find(trace, TraceKind::MacAll), 5, "tRCD");
}

TEST_F(TimingTest, Tras) {
  auto trace = traceOf({make(Opcode::ActivateAll), make(Opcode::PrechargeAll)});
  expectBinding(trace, find(trace, TraceKind::ActivateAll),
                find(trace, TraceKind::PrechargeAll), 12, "tRAS");
}

TEST_F(TimingTest, Trp) {
  auto trace =
      traceOf({make(Opcode::ActivateAll), mac(0), mac(1), mac(2), mac(3),
               make(Opcode::PrechargeAll), make(Opcode::ActivateAll)});
  expectBinding(trace, find(trace, TraceKind::PrechargeAll),
                find(trace, TraceKind::ActivateAll, 1), 6, "tRP");
}

TEST_F(TimingTest, Trc) {
  auto trace = traceOf({act(0), pre(0), act(0)});
  expectBinding(trace, find(trace, TraceKind::Activate),
                find(trace, TraceKind::Activate, 1), 22, "tRC");
}

TEST_F(TimingTest, TrrdLongInOneBankGroup) {
  auto trace = traceOf({act(0), act(1)});
  expectBinding(trace, 0, 1, 5, "tRRD_L");
}

TEST_F(TimingTest, TrrdShortAcrossBankGroups) {
  auto trace = traceOf({act(0), act(2)});
  expectBinding(trace, 0, 1, 3, "tRRD_S");
}

TEST_F(TimingTest, TfawHoldsTheFifthActivate) {
  auto trace = traceOf({act(0), act(2), act(4), act(6), act(1)});
  EXPECT_EQ(trace[3].cycle - trace[0].cycle, 9u); // tRRD_S apart
  expectBinding(trace, 0, 4, 20, "tFAW");
}

TEST_F(TimingTest, TccdLongBetweenAllBankMacs) {
  auto trace = traceOf({make(Opcode::ActivateAll), mac(0), mac(1)});
  expectBinding(trace, find(trace, TraceKind::MacAll),
                find(trace, TraceKind::MacAll, 1), 4, "tCCD_L");
}

TEST_F(TimingTest, TccdShortBetweenMacAndHostBurst) {
  auto trace = traceOf({make(Opcode::ActivateAll), mac(0), writeGb(16)});
  expectBinding(trace, find(trace, TraceKind::MacAll),
                find(trace, TraceKind::HostWrite), 2, "tCCD_S");
}

TEST_F(TimingTest, HostLinkRateSpacesBursts) {
  timing_.hostBurstCycles = 3;
  RunStats stats;
  auto trace = traceOf({writeGb(48)}, &stats);
  EXPECT_EQ(stats.hostBursts, 2u * 3); // 3 bursts on each channel
  expectBinding(trace, find(trace, TraceKind::HostWrite),
                find(trace, TraceKind::HostWrite, 1), 3, "host link rate");
}

TEST_F(TimingTest, PowerLimitStretchesAllBankMacs) {
  std::vector<Command> commands = {make(Opcode::ActivateAll)};
  constexpr int kMacs = 900;
  for (int i = 0; i < kMacs; ++i)
    commands.push_back(mac(i));
  auto unlimited = traceOf(commands);
  uint64_t first = find(unlimited, TraceKind::MacAll);
  uint64_t last = find(unlimited, TraceKind::MacAll, kMacs - 1);
  EXPECT_EQ(unlimited[last].cycle - unlimited[first].cycle,
            uint64_t(kMacs - 1) * 4);

  // AttAcc's 9x of 16x: tCCD_L / (9/16) = 7.11 cycles on average.
  timing_.macAllIntervalQ8 =
      static_cast<uint32_t>(std::lround(4 * 256 * 16 / 9.0));
  auto limited = traceOf(commands);
  double span = double(limited[last].cycle - limited[first].cycle);
  double expected = (kMacs - 1) * timing_.macAllIntervalQ8 / 256.0;
  EXPECT_NEAR(span, expected, 1.0);
  // Every gap is 7 or 8 cycles: the fraction is carried, not rounded up.
  for (size_t i = first + 1; i <= last; ++i) {
    uint64_t gap = limited[i].cycle - limited[i - 1].cycle;
    EXPECT_TRUE(gap == 7 || gap == 8) << gap;
  }
  // The unlimited trace breaks the limit; so does one MAC a cycle early.
  std::string problem = check(unlimited);
  EXPECT_NE(problem.find("all-bank power limit violated"), std::string::npos)
      << problem;
  std::vector<TraceEntry> early = limited;
  early[last].cycle -= 1;
  problem = check(early);
  EXPECT_NE(problem.find("all-bank power limit violated"), std::string::npos)
      << problem;
}

TEST_F(TimingTest, RefreshBlocksActivatesForTrfc) {
  std::vector<Command> commands;
  for (int row = 0; row < 600; ++row) {
    Command open = make(Opcode::ActivateAll);
    open.row = row % 64;
    commands.push_back(open);
    commands.push_back(mac(0));
    commands.push_back(make(Opcode::PrechargeAll));
  }
  RunStats stats;
  auto trace = traceOf(commands, &stats);
  uint64_t span = trace.back().cycle - trace.front().cycle;
  ASSERT_GT(span, 10u * timing_.tREFI);
  // One refresh per tREFI on each channel, none forced.
  EXPECT_GE(stats.refreshes, 2 * (span / timing_.tREFI));
  EXPECT_EQ(stats.forcedRefreshes, 0u);
  size_t refresh = find(trace, TraceKind::Refresh);
  EXPECT_GE(trace[refresh].cycle, trace.front().cycle + timing_.tREFI);
  size_t next = refresh + 1;
  while (trace[next].kind != TraceKind::ActivateAll)
    ++next;
  EXPECT_GE(trace[next].cycle - trace[refresh].cycle, 50u);
  std::vector<TraceEntry> early = trace;
  early[next].cycle = early[refresh].cycle + 49;
  EXPECT_NE(check(early).find("tRFC violated"), std::string::npos)
      << check(early);

  // Without its refreshes the same trace starves the DRAM.
  std::vector<TraceEntry> starved;
  for (const TraceEntry &entry : trace)
    if (entry.kind != TraceKind::Refresh)
      starved.push_back(entry);
  EXPECT_NE(check(starved).find("tREFI violated"), std::string::npos)
      << check(starved);
}

TEST_F(TimingTest, OpenRowsPostponeThenForceRefresh) {
  std::vector<Command> commands = {make(Opcode::ActivateAll)};
  for (int i = 0; i < 5000; ++i) // 20 tREFI with the rows open
    commands.push_back(mac(i));
  RunStats stats;
  auto trace = traceOf(commands, &stats);
  EXPECT_GT(stats.forcedRefreshes, 0u);
  EXPECT_GE(stats.refreshes, 2u * 15);
  // Postponed up to the limit: the first refresh comes late.
  size_t refresh = find(trace, TraceKind::Refresh);
  EXPECT_GE(trace[refresh].cycle - trace.front().cycle,
            uint64_t(timing_.maxPostponedRefreshes) * timing_.tREFI);
}

TEST_F(TimingTest, RegisterOpsWaitOnlyForTheirAccumulators) {
  // A MAC's result lands tCL later in its own accumulator: a read-back or
  // unit op of another accumulator need not wait for it (the lowering
  // overlaps one group's read-back with the next group's MACs), one of the
  // same accumulator must.
  timing_.tCL = 9;
  auto gapAfterMac = [&](Opcode opcode, uint8_t acc, TraceKind kind) {
    Command op = make(opcode);
    op.acc = acc;
    Command into1 = mac();
    into1.acc = 1;
    std::vector<TraceEntry> trace =
        traceOf({make(Opcode::ActivateAll), into1, op});
    size_t at = find(trace, kind);
    return trace[at].cycle - trace[find(trace, TraceKind::MacAll)].cycle;
  };
  EXPECT_EQ(gapAfterMac(Opcode::ReadAccumulators, 0, TraceKind::HostRead),
            timing_.tCCD_S);
  EXPECT_EQ(gapAfterMac(Opcode::ReadAccumulators, 1, TraceKind::HostRead),
            timing_.tCL);
  // The bank's unit is busy for the MAC's column cycle either way.
  EXPECT_EQ(gapAfterMac(Opcode::Activation, 0, TraceKind::UnitOp),
            timing_.tCCD_L);
  EXPECT_EQ(gapAfterMac(Opcode::Activation, 1, TraceKind::UnitOp), timing_.tCL);
}

TEST_F(TimingTest, MacsWaitOnlyForTheGlobalBufferBytesTheyRead) {
  // A burst of host data lands hostBurstCycles after it goes out: a MAC
  // reading a slot the last write does not touch goes at tCCD_S after it,
  // one reading that slot waits for the data.
  timing_.hostBurstCycles = 5;
  auto gapAfterWrite = [&](uint32_t gbOffset) {
    Command first = writeGb(16), second = writeGb(16);
    first.gbOffset = 48;
    second.gbOffset = 32;
    Command read = mac();
    read.gbOffset = gbOffset;
    std::vector<TraceEntry> trace =
        traceOf({make(Opcode::ActivateAll), first, second, read});
    size_t write = find(trace, TraceKind::HostWrite, 1);
    return trace[find(trace, TraceKind::MacAll)].cycle - trace[write].cycle;
  };
  EXPECT_EQ(gapAfterWrite(0), timing_.tCCD_S);
  EXPECT_EQ(gapAfterWrite(32), timing_.hostBurstCycles);
}

TEST_F(TimingTest, CheckerCatchesBusAndProtocolErrors) {
  stream_.geometry = testGeometry();
  std::vector<TraceEntry> trace = {{100, 0, 0, TraceKind::Activate},
                                   {100, 0, 2, TraceKind::Activate}};
  EXPECT_NE(check(trace).find("command bus"), std::string::npos);
  trace = {{100, 1, 0, TraceKind::MacAll}};
  EXPECT_EQ(check(trace), "entry 0 (MACAB at cycle 100, channel 1): bank 0 "
                          "has no open row");
  trace = {{100, 0, 3, TraceKind::Activate}, {200, 0, 3, TraceKind::Activate}};
  EXPECT_EQ(check(trace), "entry 1 (ACT at cycle 200, channel 0, bank 3): "
                          "bank 3 is already open");
  trace = {{100, 0, 3, TraceKind::Activate}, {200, 0, 0, TraceKind::Refresh}};
  EXPECT_NE(check(trace).find("REF with bank 3 open"), std::string::npos);
  // A kAllChannels entry is checked on every channel.
  trace = {{100, 1, 0, TraceKind::ActivateAll},
           {103, kAllChannels, 0, TraceKind::ActivateAll}};
  EXPECT_NE(check(trace).find("channel 1"), std::string::npos);
}

} // namespace
