//===- DoubleBufferGB.cpp - broadcast the next chunk during the MACs ------===//
//
// With one input buffer, the broadcast of chunk k+1 (WRGB) waits for the
// MACs of chunk k. Alternating chunks between two global-buffer ranges lets
// each WRGB move up to just after the previous one, so the transfer
// overlaps the MACs.
//
//===----------------------------------------------------------------------===//

#include "moe/Passes/Passes.h"

namespace moe {
#define GEN_PASS_DEF_PIMDOUBLEBUFFERGB
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;
using namespace moe::pim;

namespace {

using Entry = std::pair<Command, Location>;

/// The global-buffer bytes a command reads or writes, [begin, end).
std::optional<std::pair<uint32_t, uint32_t>>
gbRange(const Command &c, const DeviceGeometry &geometry) {
  switch (c.opcode) {
  case Opcode::WriteGlobalBuffer:
    return std::make_pair(c.gbOffset, c.gbOffset + c.bytes);
  case Opcode::MacAll:
    return std::make_pair(c.gbOffset, c.gbOffset + geometry.burstBytes);
  case Opcode::MoveToGlobalBuffer:
    return std::make_pair(c.gbOffset,
                          c.gbOffset + geometry.banksPerChannel * 2);
  default:
    return std::nullopt;
  }
}

bool overlaps(std::pair<uint32_t, uint32_t> a,
              std::pair<uint32_t, uint32_t> b) {
  return a.first < b.second && b.first < a.second;
}

/// A burst-aligned global-buffer range of `bytes` no command uses.
std::optional<uint32_t> freeRange(ArrayRef<Entry> commands, uint32_t bytes,
                                  const DeviceGeometry &geometry) {
  for (uint32_t at = 0; at + bytes <= geometry.globalBufferBytes;
       at += geometry.burstBytes) {
    bool free = llvm::none_of(commands, [&](const Entry &e) {
      auto range = gbRange(e.first, geometry);
      return range && overlaps(*range, {at, at + bytes});
    });
    if (free)
      return at;
  }
  return std::nullopt;
}

void doubleBuffer(ProgramOp program, const DeviceGeometry &geometry) {
  SmallVector<Entry> commands;
  for (auto [command, op] : collectCommands(program))
    commands.push_back({command, op->getLoc()});
  // The input buffer: where the first WRGB writes; its largest chunk sizes
  // the second buffer.
  auto first = llvm::find_if(commands, [](const Entry &e) {
    return e.first.opcode == Opcode::WriteGlobalBuffer;
  });
  if (first == commands.end())
    return;
  // The lowering already sends the next chunk burst by burst behind the
  // MACs that last read each slot; alternating buffers would break that.
  for (size_t i = 1; i < commands.size(); ++i)
    if (commands[i].first.opcode == Opcode::WriteGlobalBuffer &&
        commands[i - 1].first.opcode == Opcode::MacAll)
      return;
  uint32_t buffer = first->first.gbOffset, bytes = 0;
  for (const Entry &e : commands)
    if (e.first.opcode == Opcode::WriteGlobalBuffer)
      bytes = std::max(bytes, e.first.bytes);
  std::optional<uint32_t> second = freeRange(commands, bytes, geometry);
  if (!second)
    return;

  // Odd chunks go to the second buffer; MACs follow the chunk they read.
  bool nextIsOdd = false;
  std::optional<std::pair<uint32_t, uint32_t>> chunk;
  for (Entry &e : commands) {
    Command &c = e.first;
    if (c.opcode == Opcode::WriteGlobalBuffer && c.gbOffset == buffer) {
      chunk = std::make_pair(buffer, buffer + c.bytes);
      if (nextIsOdd)
        c.gbOffset = *second;
      nextIsOdd = !nextIsOdd;
      continue;
    }
    bool inSecond = !nextIsOdd; // the last chunk went to the second buffer
    if (c.opcode == Opcode::MacAll && chunk && inSecond &&
        overlaps(*gbRange(c, geometry), *chunk))
      c.gbOffset = c.gbOffset - buffer + *second;
  }

  // Move every WRGB up into the shadow of the closest earlier row
  // activation it may pass: the in-order channel sends its bursts while the
  // banks wait tRCD, instead of after the MACs. It may pass commands that
  // do not touch its GB range, but no other WRGB, barrier or RDACC (which
  // may write the host bytes it reads).
  for (size_t i = 0; i < commands.size(); ++i) {
    if (commands[i].first.opcode != Opcode::WriteGlobalBuffer)
      continue;
    auto range = *gbRange(commands[i].first, geometry);
    size_t to = i;
    std::optional<size_t> afterActivation;
    while (to > 0) {
      const Command &prev = commands[to - 1].first;
      auto prevRange = gbRange(prev, geometry);
      if (prev.opcode == Opcode::WriteGlobalBuffer ||
          prev.opcode == Opcode::Barrier ||
          prev.opcode == Opcode::ReadAccumulators ||
          (prevRange && overlaps(*prevRange, range)))
        break;
      if (prev.opcode == Opcode::ActivateAll) {
        afterActivation = to;
        break;
      }
      --to;
    }
    if (afterActivation)
      std::rotate(commands.begin() + *afterActivation, commands.begin() + i,
                  commands.begin() + i + 1);
  }
  replaceCommands(program, commands);
}

struct PIMDoubleBufferGBPass
    : moe::impl::PIMDoubleBufferGBBase<PIMDoubleBufferGBPass> {
  void runOnOperation() override {
    DeviceGeometry geometry = getOperation().getDevice().getGeometry();
    for (ProgramOp program : getOperation().getBody().getOps<ProgramOp>())
      doubleBuffer(program, geometry);
  }
};

} // namespace
