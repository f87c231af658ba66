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
/// in the order rows are first used. Leaves the run as it is when that
/// would reorder the MACs of one accumulator (fp32 sums are not
/// associative), when a MAC has no open row, when the run ends with a row
/// open, or when it mixes channels.
void regroup(ArrayRef<Entry> run, SmallVectorImpl<Entry> &out) {
  llvm::MapVector<uint32_t, SmallVector<size_t>> groups; // row -> MACs
  std::optional<uint32_t> open;
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
  DenseMap<uint8_t, size_t> lastMac;
  for (auto &[row, macs] : groups)
    for (size_t i : macs) {
      auto [it, inserted] = lastMac.try_emplace(run[i].first.acc, i);
      safe &= inserted || it->second < i;
      it->second = i;
    }
  if (!safe || open) {
    out.append(run.begin(), run.end());
    return;
  }
  for (auto &[row, macs] : groups) {
    Command act;
    act.opcode = Opcode::ActivateAll;
    act.channel = channel;
    act.row = row;
    out.push_back({act, run[macs.front()].second});
    for (size_t i : macs)
      out.push_back(run[i]);
    Command pre;
    pre.opcode = Opcode::PrechargeAll;
    pre.channel = channel;
    out.push_back({pre, run[macs.back()].second});
  }
}

struct PIMRowLocalityPass : moe::impl::PIMRowLocalityBase<PIMRowLocalityPass> {
  void runOnOperation() override {
    for (ProgramOp program : getOperation().getBody().getOps<ProgramOp>()) {
      SmallVector<Entry> commands, result;
      for (auto [command, op] : collectCommands(program))
        commands.push_back({command, op->getLoc()});
      for (size_t i = 0; i < commands.size();) {
        size_t end = i;
        while (end < commands.size() && isRowCommand(commands[end].first))
          ++end;
        if (end == i) {
          result.push_back(commands[i++]);
          continue;
        }
        regroup(ArrayRef<Entry>(commands).slice(i, end - i), result);
        i = end;
      }
      replaceCommands(program, result);
    }
  }
};

} // namespace
