//===- TimingChecker.h - JEDEC constraints of a command trace ---*- C++ -*-===//
//
// An independent check of what the simulator issued: it replays a trace
// (cycle, channel, bank, command) and tests every constraint as a rule
// between pairs of commands, without the simulator's "earliest next"
// bookkeeping, so a scheduling bug in one shows up in the other.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_PIM_TIMINGCHECKER_H
#define MOE_RUNTIME_PIM_TIMINGCHECKER_H

#include "moe/Runtime/PIM/DeviceTiming.h"
#include "moe/Runtime/PIM/Simulator.h"

#include <string>
#include <vector>

namespace moe::pim {

/// Empty when `trace` meets every constraint docs/PIM.md lists (bus, tRCD,
/// tRP, tRAS, tRC, tCCD_S/L, tRRD_S/L, tFAW, tRFC, the refresh rate, the
/// all-bank power limit, the host link), else the first violation, naming
/// the entry, its cycle and channel and the constraint.
std::string checkTrace(const DeviceGeometry &geometry,
                       const DeviceTiming &timing,
                       const std::vector<TraceEntry> &trace);

/// The trace kind's name in messages ("ACT", "REF", ...).
const char *traceKindName(TraceKind kind);

} // namespace moe::pim

#endif // MOE_RUNTIME_PIM_TIMINGCHECKER_H
