//===- CommandStreamTarget.cpp - fuzz the PIM command-stream loader -------===//
//
// Bytes as a stream container (checksum repaired, see withValidChecksum).
// What decodes must dump, re-encode to bytes that decode again, and run in
// pim-sim's simulator without crashing when it names a built-in device of
// its geometry: the loader's verifier is what keeps the simulator in bounds.
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

bool sameGeometry(const pim::DeviceGeometry &a, const pim::DeviceGeometry &b) {
  return a.channels == b.channels && a.banksPerChannel == b.banksPerChannel &&
         a.rowsPerBank == b.rowsPerBank && a.rowBytes == b.rowBytes &&
         a.burstBytes == b.burstBytes &&
         a.globalBufferBytes == b.globalBufferBytes &&
         a.accumulatorsPerBank == b.accumulatorsPerBank;
}

/// Runs every program once, as pim-sim does, on the built-in device the
/// stream names. Bounded so that one input stays fast.
void simulate(const pim::CommandStream &stream) {
  const std::string &name = stream.deviceName;
  if (name.empty() || name.find(".json") != std::string::npos)
    return; // resolvePim would read a file
  std::string error;
  std::optional<cost::PimDescriptor> pimDevice = cost::resolvePim(name, error);
  if (!pimDevice)
    return;
  if (!sameGeometry(pim::geometryOf(*pimDevice), stream.geometry))
    return;
  pim::DeviceTiming timing = pim::timingOf(*pimDevice, error);
  if (!error.empty())
    return;
  std::unique_ptr<pim::Simulator> sim =
      pim::Simulator::create(stream, timing, {}, error);
  if (!sim)
    failProperty("command-stream",
                 "a decoded stream does not load in the simulator: " + error);
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
