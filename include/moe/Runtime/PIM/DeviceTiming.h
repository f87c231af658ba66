//===- DeviceTiming.h - a PIM descriptor as pim-sim runs it -----*- C++ -*-===//
//
// The cost model's PimDescriptor (lib/CostModel) in the two forms the
// runtime uses: the geometry a command stream is compiled for, and the
// timing in cycles pim-sim enforces.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_PIM_DEVICETIMING_H
#define MOE_RUNTIME_PIM_DEVICETIMING_H

#include "moe/CostModel/Hardware.h"
#include "moe/Runtime/PIM/CommandStream.h"

#include <cstdint>
#include <string>

namespace moe::pim {

/// JEDEC timing of one channel in command-clock cycles, plus what the PIM
/// units add: the power-limited all-bank MAC interval and the host burst.
struct DeviceTiming {
  double tCK = 0; ///< seconds per cycle
  uint32_t tRCD = 0, tRP = 0, tRAS = 0, tRC = 0, tCL = 0;
  uint32_t tCCD_S = 0, tCCD_L = 0, tRRD_S = 0, tRRD_L = 0, tFAW = 0;
  uint32_t tREFI = 0, tRFC = 0;
  uint32_t banksPerBankGroup = 1;
  /// All-bank MAC interval tCCD_L / powerShare in 1/256 cycles: fractional,
  /// so 9/16 of the rate is 9/16 on average, not rounded to whole cycles.
  uint32_t macAllIntervalQ8 = 0;
  /// Cycles one burst of host data occupies the channel's pins: at least
  /// tCCD_S, longer when the host rate is below a burst per tCCD_S.
  uint32_t hostBurstCycles = 0;
  /// Latency of the PIM unit's register operations (SETACC with zero, AF,
  /// ACCMUL, MVGB): one column cycle, tCCD_L (assumption, docs/PIM.md).
  uint32_t unitOpCycles = 0;
  /// Refreshes JEDEC lets a controller postpone while rows are open.
  uint32_t maxPostponedRefreshes = 8;
};

/// The geometry a stream for `pim` is compiled for.
DeviceGeometry geometryOf(const cost::PimDescriptor &pim);

/// The timing of `pim`; an empty `error` when it has usable DRAM timing.
DeviceTiming timingOf(const cost::PimDescriptor &pim, std::string &error);

/// Empty when `timing` is usable with `geometry` (non-zero constraints, bank
/// groups dividing the banks), else the problem.
std::string checkTiming(const DeviceTiming &timing,
                        const DeviceGeometry &geometry);

} // namespace moe::pim

#endif // MOE_RUNTIME_PIM_DEVICETIMING_H
