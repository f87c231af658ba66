//===- DeviceTiming.cpp - a PIM descriptor as pim-sim runs it ------------===//

#include "moe/Runtime/PIM/DeviceTiming.h"

#include <algorithm>
#include <cmath>

namespace moe::pim {

DeviceGeometry geometryOf(const cost::PimDescriptor &pim) {
  DeviceGeometry g;
  g.channels = pim.channels();
  g.banksPerChannel = pim.banksPerChannel;
  g.rowsPerBank = pim.rowsPerBank;
  g.rowBytes = pim.rowBytes;
  g.burstBytes = pim.burstBytes;
  g.globalBufferBytes = pim.globalBufferBytes;
  g.accumulatorsPerBank = pim.accumulatorsPerBank;
  return g;
}

DeviceTiming timingOf(const cost::PimDescriptor &pim, std::string &error) {
  DeviceTiming t;
  if (!pim.hasDramTiming()) {
    error = "PIM device \"" + pim.name +
            "\" has no DRAM timing (the \"dram\" object of its descriptor)";
    return t;
  }
  const cost::PimTiming &p = pim.timing;
  t.tCK = p.tCK;
  t.tRCD = p.tRCD;
  t.tRP = p.tRP;
  t.tRAS = p.tRAS;
  t.tRC = p.tRC;
  t.tCL = p.tCL;
  t.tCCD_S = p.tCCD_S;
  t.tCCD_L = p.tCCD_L;
  t.tRRD_S = p.tRRD_S;
  t.tRRD_L = p.tRRD_L;
  t.tFAW = p.tFAW;
  t.tREFI = p.tREFI;
  t.tRFC = p.tRFC;
  t.banksPerBankGroup = std::max(1u, pim.banksPerBankGroup);
  double share = pim.allBankPowerShare > 0 ? pim.allBankPowerShare : 1;
  t.macAllIntervalQ8 =
      static_cast<uint32_t>(std::lround(p.tCCD_L * 256.0 / share));
  double burstCycles = pim.hostChannelBandwidth > 0
                           ? pim.burstBytes / (pim.hostChannelBandwidth * p.tCK)
                           : 0;
  // A hair of tolerance: 32 B at 32 GB/s and 0.5 ns is 2 cycles, not 3.
  t.hostBurstCycles = std::max<uint32_t>(
      p.tCCD_S, static_cast<uint32_t>(std::ceil(burstCycles - 1e-6)));
  t.unitOpCycles = p.tCCD_L;
  error = checkTiming(t, geometryOf(pim));
  return t;
}

std::string checkTiming(const DeviceTiming &t, const DeviceGeometry &g) {
  if (!(t.tCK > 0))
    return "timing: tCK must be positive";
  struct Field {
    const char *name;
    uint32_t value;
  };
  for (Field field : {Field{"tRCD", t.tRCD},
                      {"tRP", t.tRP},
                      {"tRAS", t.tRAS},
                      {"tRC", t.tRC},
                      {"tCL", t.tCL},
                      {"tCCD_S", t.tCCD_S},
                      {"tCCD_L", t.tCCD_L},
                      {"tRRD_S", t.tRRD_S},
                      {"tRRD_L", t.tRRD_L},
                      {"tFAW", t.tFAW},
                      {"tREFI", t.tREFI},
                      {"tRFC", t.tRFC},
                      {"all-bank MAC interval", t.macAllIntervalQ8},
                      {"host burst cycles", t.hostBurstCycles},
                      {"banks per bank group", t.banksPerBankGroup}})
    if (field.value == 0)
      return std::string("timing: ") + field.name + " is zero";
  if (t.tRFC >= t.tREFI)
    return "timing: tRFC must be shorter than tREFI";
  if (g.banksPerChannel % t.banksPerBankGroup)
    return "timing: " + std::to_string(t.banksPerBankGroup) +
           " banks per bank group do not divide " +
           std::to_string(g.banksPerChannel) + " banks per channel";
  return "";
}

} // namespace moe::pim
