//===- RowLocality.cpp - all MACs of an open row before closing it --------===//
//
// A row activation and precharge cost tRCD + tRP, far more than a MAC; the
// lowering opens a row per tile, matrix and chunk. Within a run of row and
// MAC commands this pass opens every row once.
//
//===----------------------------------------------------------------------===//

#include "moe/Passes/Passes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"

namespace moe {
#define GEN_PASS_DEF_PIMROWLOCALITY
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;
using namespace moe::pim;

namespace {

using Entry = std::pair<Command, Location>;

bool isRowCommand(const Command &c) {
  return c.opcode == Opcode::ActivateAll || c.opcode == Opcode::MacAll ||
         c.opcode == Opcode::PrechargeAll;
}

/// Regroups one run of ACTAB/MACAB/PREAB commands: every row opened once,
/// in the order rows are first used. The lowering leaves rows open across
/// other commands, so a run may start with `openBefore` open (its MACs go
/// first, without an ACT) and end with a row open (that row goes last,
/// without a PRE). Leaves the run as it is when that would reorder the MACs
/// of one accumulator (fp32 sums are not associative), when a MAC has no
/// open row, when the rows open before and after are one row used between
/// others, or when it mixes channels. Returns the row open after the run.
std::optional<uint32_t> regroup(ArrayRef<Entry> run,
                                std::optional<uint32_t> openBefore,
                                SmallVectorImpl<Entry> &out) {
  llvm::MapVector<uint32_t, SmallVector<size_t>> groups; // row -> MACs
  if (openBefore)
    groups[*openBefore];
  std::optional<uint32_t> open = openBefore;
  uint16_t channel = run.front().first.channel;
  bool safe = true;
  for (auto [i, e] : llvm::enumerate(run)) {
    safe &= e.first.channel == channel;
    if (e.first.opcode == Opcode::ActivateAll)
      open = e.first.row;
    else if (e.first.opcode == Opcode::PrechargeAll)
      open.reset();
    else if (open)
      groups[*open].push_back(i);
    else
      safe = false;
  }
  SmallVector<uint32_t> order;
  for (auto &[row, macs] : groups)
    if (row != open)
      order.push_back(row);
  if (open) {
    safe &= !(openBefore == open && groups.size() > 1);
    groups[*open];
    order.push_back(*open);
  }
  DenseMap<uint8_t, size_t> lastMac;
  for (uint32_t row : order)
    for (size_t i : groups[row]) {
      auto [it, inserted] = lastMac.try_emplace(run[i].first.acc, i);
      safe &= inserted || it->second < i;
      it->second = i;
    }
  if (!safe) {
    out.append(run.begin(), run.end());
    return open;
  }
  for (auto [k, row] : llvm::enumerate(order)) {
    ArrayRef<size_t> macs = groups[row];
    Location first =
        macs.empty() ? run.front().second : run[macs.front()].second;
    Location last = macs.empty() ? run.back().second : run[macs.back()].second;
    if (!(k == 0 && openBefore == row)) {
      Command act;
      act.opcode = Opcode::ActivateAll;
      act.channel = channel;
      act.row = row;
      out.push_back({act, first});
    }
    for (size_t i : macs)
      out.push_back(run[i]);
    if (k + 1 == order.size() && open == row)
      break;
    Command pre;
    pre.opcode = Opcode::PrechargeAll;
    pre.channel = channel;
    out.push_back({pre, last});
  }
  return open;
}

struct PIMRowLocalityPass : moe::impl::PIMRowLocalityBase<PIMRowLocalityPass> {
  void runOnOperation() override {
    for (ProgramOp program : getOperation().getBody().getOps<ProgramOp>()) {
      SmallVector<Entry> commands, result;
      for (auto [command, op] : collectCommands(program))
        commands.push_back({command, op->getLoc()});
      // Only row commands open and close rows: the row open at the end of
      // one run is open at the start of the next.
      // Rows are tracked for the whole device: per-channel row commands
      // leave the program as it is.
      if (llvm::any_of(commands, [](const Entry &e) {
            return isRowCommand(e.first) && e.first.channel != kAllChannels;
          }))
        continue;
      std::optional<uint32_t> open;
      for (size_t i = 0; i < commands.size();) {
        size_t end = i;
        while (end < commands.size() && isRowCommand(commands[end].first))
          ++end;
        if (end == i) {
          result.push_back(commands[i++]);
          continue;
        }
        open =
            regroup(ArrayRef<Entry>(commands).slice(i, end - i), open, result);
        i = end;
      }
      replaceCommands(program, result);
    }
  }
};

} // namespace
