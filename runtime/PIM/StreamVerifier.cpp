//===- StreamVerifier.cpp - semantic checks of a command stream ----------===//
//
// After decoding, every field is in range for its type; here every command,
// region and segment is checked against the device geometry and its
// program's arena, so the simulator can index without checks. All sums are
// done in 64 (or checked 128) bits: a crafted stream must not wrap around.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/PIM/CommandStream.h"

#include <algorithm>
#include <tuple>

namespace moe::pim {

namespace {

std::string firstOf(std::string a, std::string b) { return a.empty() ? b : a; }

/// `offset + bytes <= limit` without wrapping.
bool fits(uint64_t offset, uint64_t bytes, uint64_t limit) {
  return offset <= limit && bytes <= limit - offset;
}

std::string checkGeometry(const DeviceGeometry &g, StorageType storage) {
  auto positive = [](uint32_t value, const char *name) -> std::string {
    return value ? "" : std::string("geometry: ") + name + " is zero";
  };
  for (std::string problem :
       {positive(g.channels, "channels"),
        positive(g.banksPerChannel, "banksPerChannel"),
        positive(g.rowsPerBank, "rowsPerBank"),
        positive(g.rowBytes, "rowBytes"), positive(g.burstBytes, "burstBytes"),
        positive(g.globalBufferBytes, "globalBufferBytes"),
        positive(g.accumulatorsPerBank, "accumulatorsPerBank")})
    if (!problem.empty())
      return problem;
  if (g.channels >= kAllChannels)
    return "geometry: " + std::to_string(g.channels) +
           " channels (at most 65534)";
  if (g.banksPerChannel > 0xFFFF)
    return "geometry: " + std::to_string(g.banksPerChannel) +
           " banks per channel (at most 65535)";
  if (g.accumulatorsPerBank > 256)
    return "geometry: " + std::to_string(g.accumulatorsPerBank) +
           " accumulators per bank (at most 256)";
  // Bounds far above any real device, so a damaged geometry cannot make the
  // simulator allocate gigabytes of row buffers or global buffers.
  if (uint64_t(g.channels) * g.banksPerChannel > (1u << 20))
    return "geometry: " + std::to_string(g.channels) + " x " +
           std::to_string(g.banksPerChannel) + " banks (at most 2^20 in all)";
  if (g.rowBytes > (1u << 20) || g.globalBufferBytes > (1u << 24))
    return "geometry: rowBytes at most 1 MiB and globalBufferBytes at most "
           "16 MiB";
  uint32_t element = elementBytes(storage);
  if (g.burstBytes % element || g.rowBytes % g.burstBytes)
    return "geometry: rowBytes " + std::to_string(g.rowBytes) +
           " must be a multiple of burstBytes " + std::to_string(g.burstBytes) +
           ", itself a multiple of the element size";
  if (g.globalBufferBytes % element)
    return "geometry: globalBufferBytes is not a multiple of the element size";
  return "";
}

/// Checks one command; returns a problem without the "program, command"
/// prefix the caller adds.
class CommandChecker {
public:
  CommandChecker(const DeviceGeometry &g, StorageType storage,
                 const Program &program)
      : g_(g), element_(elementBytes(storage)), program_(program) {}

  std::string check(const Command &c) const {
    if (c.channel != kAllChannels && c.channel >= g_.channels)
      return "channel " + std::to_string(c.channel) + " out of range (" +
             std::to_string(g_.channels) + " channels)";
    if (c.flags & ~Command::kZero)
      return "unknown flags " + std::to_string(c.flags);
    if (static_cast<uint8_t>(c.function) > 6)
      return "unknown activation function";
    if (static_cast<uint8_t>(c.readMode) > 1)
      return "unknown read mode";
    switch (c.opcode) {
    case Opcode::WriteGlobalBuffer:
      if (c.bytes == 0)
        return "WRGB of 0 bytes";
      return firstOf(gbRange(c.gbOffset, c.bytes), host(c, c.bytes));
    case Opcode::Activate:
      return firstOf(bank(c), row(c));
    case Opcode::ActivateAll:
      return row(c);
    case Opcode::Precharge:
      return bank(c);
    case Opcode::PrechargeAll:
    case Opcode::Barrier:
      return "";
    case Opcode::MacAll:
      if (c.column >= g_.columnsPerRow())
        return "column " + std::to_string(c.column) + " out of range (" +
               std::to_string(g_.columnsPerRow()) + " columns per row)";
      return firstOf(acc(c.acc), gbRange(c.gbOffset, g_.burstBytes));
    case Opcode::SetAccumulators:
      if (c.flags & Command::kZero)
        return acc(c.acc);
      return firstOf(acc(c.acc), host(c, 4ull * g_.banksPerChannel));
    case Opcode::Activation:
      return acc(c.acc);
    case Opcode::MultiplyAccumulators:
      return firstOf(acc(c.acc), acc(c.acc2));
    case Opcode::MoveToGlobalBuffer:
      return firstOf(acc(c.acc), gbRange(c.gbOffset, uint64_t(element_) *
                                                         g_.banksPerChannel));
    case Opcode::ReadAccumulators:
      return firstOf(acc(c.acc), host(c, 4ull * g_.banksPerChannel));
    }
    return "unknown opcode";
  }

private:
  std::string bank(const Command &c) const {
    if (c.bank < g_.banksPerChannel)
      return "";
    return "bank " + std::to_string(c.bank) + " out of range (" +
           std::to_string(g_.banksPerChannel) + " banks per channel)";
  }
  std::string row(const Command &c) const {
    if (c.row < g_.rowsPerBank)
      return "";
    return "row " + std::to_string(c.row) + " out of range (" +
           std::to_string(g_.rowsPerBank) + " rows per bank)";
  }
  std::string acc(uint8_t index) const {
    if (index < g_.accumulatorsPerBank)
      return "";
    return "accumulator " + std::to_string(index) + " out of range (" +
           std::to_string(g_.accumulatorsPerBank) + " per bank)";
  }
  std::string gbRange(uint64_t offset, uint64_t bytes) const {
    if (offset % element_ || bytes % element_)
      return "global buffer range [" + std::to_string(offset) + ", +" +
             std::to_string(bytes) + ") is not aligned to the " +
             std::to_string(element_) + "-byte element";
    if (!fits(offset, bytes, g_.globalBufferBytes))
      return "global buffer range [" + std::to_string(offset) + ", +" +
             std::to_string(bytes) + ") exceeds the " +
             std::to_string(g_.globalBufferBytes) + "-byte global buffer";
    return "";
  }
  /// The host range of every channel the command addresses.
  std::string host(const Command &c, uint64_t bytes) const {
    uint64_t last = c.hostOffset;
    if (c.channel == kAllChannels) {
      unsigned __int128 end =
          static_cast<unsigned __int128>(c.hostStride) * (g_.channels - 1) +
          c.hostOffset;
      if (end > program_.arenaBytes)
        return hostProblem(c, bytes);
      last = static_cast<uint64_t>(end);
    }
    if (!fits(last, bytes, program_.arenaBytes))
      return hostProblem(c, bytes);
    return "";
  }
  std::string hostProblem(const Command &c, uint64_t bytes) const {
    std::string text = "host range at " + std::to_string(c.hostOffset) +
                       " of " + std::to_string(bytes) + " bytes";
    if (c.channel == kAllChannels)
      text += " with stride " + std::to_string(c.hostStride) + " for " +
              std::to_string(g_.channels) + " channels";
    return text + " exceeds the " + std::to_string(program_.arenaBytes) +
           "-byte arena";
  }

  const DeviceGeometry &g_;
  uint32_t element_;
  const Program &program_;
};

std::string checkRegions(const Program &program, StorageType storage) {
  const HostRegion *input = nullptr, *output = nullptr;
  for (size_t i = 0; i < program.regions.size(); ++i) {
    const HostRegion &region = program.regions[i];
    std::string label =
        "region " + std::to_string(i) + " (\"" + region.name + "\")";
    if (!fits(region.offset, region.bytes, program.arenaBytes))
      return label + " [" + std::to_string(region.offset) + ", +" +
             std::to_string(region.bytes) + ") exceeds the " +
             std::to_string(program.arenaBytes) + "-byte arena";
    if (!region.init.empty() && region.init.size() != region.bytes)
      return label + " has " + std::to_string(region.init.size()) +
             " bytes of initial data for " + std::to_string(region.bytes) +
             " bytes";
    const HostRegion **slot = region.kind == HostRegion::Kind::Input ? &input
                              : region.kind == HostRegion::Kind::Output
                                  ? &output
                                  : nullptr;
    if (slot) {
      if (*slot)
        return label + ": a second " + (slot == &input ? "input" : "output") +
               " region";
      *slot = &region;
    }
  }
  uint64_t inputBytes =
      uint64_t(program.slots) * program.inputSize * elementBytes(storage);
  if (input && input->bytes != inputBytes)
    return "input region \"" + input->name + "\" has " +
           std::to_string(input->bytes) + " bytes, slots x inputSize x " +
           "element = " + std::to_string(inputBytes);
  uint64_t outputBytes = uint64_t(program.slots) * program.outputSize * 4;
  if (output && output->bytes != outputBytes)
    return "output region \"" + output->name + "\" has " +
           std::to_string(output->bytes) +
           " bytes, slots x outputSize x 4 = " + std::to_string(outputBytes);
  return "";
}

std::string checkSegments(const CommandStream &stream) {
  const DeviceGeometry &g = stream.geometry;
  std::vector<size_t> order;
  for (size_t i = 0; i < stream.weights.size(); ++i) {
    const WeightSegment &segment = stream.weights[i];
    std::string label = "weight segment " + std::to_string(i);
    if (segment.channel >= g.channels)
      return label + ": channel " + std::to_string(segment.channel) +
             " out of range (" + std::to_string(g.channels) + " channels)";
    if (segment.bank >= g.banksPerChannel)
      return label + ": bank " + std::to_string(segment.bank) +
             " out of range (" + std::to_string(g.banksPerChannel) +
             " banks per channel)";
    if (!fits(segment.firstRow, segment.rowCount, g.rowsPerBank))
      return label + ": rows [" + std::to_string(segment.firstRow) + ", +" +
             std::to_string(segment.rowCount) + ") exceed the " +
             std::to_string(g.rowsPerBank) + " rows of a bank";
    uint64_t expected = uint64_t(segment.rowCount) * g.rowBytes;
    if (segment.data.size() != expected)
      return label + ": " + std::to_string(segment.data.size()) +
             " bytes of data, rowCount x rowBytes = " +
             std::to_string(expected);
    order.push_back(i);
  }
  auto key = [&](size_t i) {
    const WeightSegment &s = stream.weights[i];
    return std::make_tuple(s.channel, s.bank, s.firstRow);
  };
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return key(a) < key(b); });
  for (size_t k = 1; k < order.size(); ++k) {
    const WeightSegment &a = stream.weights[order[k - 1]];
    const WeightSegment &b = stream.weights[order[k]];
    if (a.channel == b.channel && a.bank == b.bank &&
        uint64_t(a.firstRow) + a.rowCount > b.firstRow)
      return "weight segments " + std::to_string(order[k - 1]) + " and " +
             std::to_string(order[k]) + " overlap in channel " +
             std::to_string(a.channel) + " bank " + std::to_string(a.bank);
  }
  return "";
}

} // namespace

std::string verifyStream(const CommandStream &stream) {
  if (static_cast<uint8_t>(stream.storage) > 1)
    return "unknown storage type";
  std::string problem = checkGeometry(stream.geometry, stream.storage);
  if (!problem.empty())
    return problem;
  for (size_t p = 0; p < stream.programs.size(); ++p) {
    const Program &program = stream.programs[p];
    std::string label =
        "program " + std::to_string(p) + " (\"" + program.name + "\")";
    if (program.name.empty())
      return label + ": empty name";
    for (size_t q = 0; q < p; ++q)
      if (stream.programs[q].name == program.name)
        return label + ": same name as program " + std::to_string(q);
    if (program.slots == 0)
      return label + ": 0 slots";
    problem = checkRegions(program, stream.storage);
    if (!problem.empty())
      return label + ": " + problem;
    CommandChecker checker(stream.geometry, stream.storage, program);
    for (size_t i = 0; i < program.commands.size(); ++i) {
      const Command &command = program.commands[i];
      problem = checker.check(command);
      if (!problem.empty())
        return label + ", command " + std::to_string(i) + " (" +
               mnemonic(command.opcode) + "): " + problem;
    }
  }
  return checkSegments(stream);
}

} // namespace moe::pim
