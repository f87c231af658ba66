//===- CommandStreamTarget.cpp - fuzz the PIM command-stream loader -------===//
//
// Bytes as a stream container (checksum repaired, see withValidChecksum).
// What decodes must dump, re-encode to bytes that decode again, and run in
// pim-sim's simulator without crashing: the loader's verifier is what keeps
// the simulator in bounds.
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

#include "moe/CostModel/Hardware.h"
#include "moe/Runtime/PIM/CommandStream.h"
#include "moe/Runtime/PIM/DeviceTiming.h"
#include "moe/Runtime/PIM/Simulator.h"

#include <cstring>

namespace moe::fuzz {

namespace {

/// Runs every program once, as pim-sim does, with HBM3E-PIM's timing on
/// the stream's own geometry (as the simulator's unit tests do), so every
/// geometry the loader accepts reaches the simulator. Bounded so that one
/// input stays fast.
void simulate(const pim::CommandStream &stream) {
  std::string error;
  pim::DeviceTiming timing = pim::timingOf(*cost::findPim("hbm3e-pim"), error);
  if (!error.empty())
    failProperty("command-stream", "no HBM3E-PIM timing: " + error);
  std::unique_ptr<pim::Simulator> sim =
      pim::Simulator::create(stream, timing, {}, error);
  if (!sim)
    return; // e.g. banks not a multiple of the bank group
  for (const pim::Program &program : stream.programs) {
    if (program.commands.size() > 4096 || program.arenaBytes > (1u << 20))
      continue;
    std::vector<uint8_t> arena(program.arenaBytes, 0);
    for (const pim::HostRegion &region : program.regions)
      if (!region.init.empty())
        std::memcpy(arena.data() + region.offset, region.init.data(),
                    region.bytes);
    pim::RunStats stats;
    sim->run(program, arena, stats, error); // functional errors are fine
  }
}

} // namespace

Outcome fuzzCommandStream(const uint8_t *data, size_t size) {
  // The raw bytes exercise the header and checksum checks, the repaired ones
  // everything behind them.
  std::string error;
  std::optional<pim::CommandStream> stream =
      pim::decodeStream(data, size, error);
  Outcome outcome = Outcome::accept();
  if (!stream) {
    outcome = Outcome::reject(error);
    std::vector<uint8_t> repaired = withValidChecksum(data, size);
    stream = pim::decodeStream(repaired.data(), repaired.size(), error);
    if (!stream)
      return outcome;
  }
  (void)pim::dumpStream(*stream);
  std::vector<uint8_t> again = pim::encodeStream(*stream);
  if (!pim::decodeStream(again.data(), again.size(), error))
    failProperty("command-stream",
                 "a decoded stream does not re-encode: " + error);
  simulate(*stream);
  return outcome;
}

} // namespace moe::fuzz
