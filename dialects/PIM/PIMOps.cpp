//===- PIMOps.cpp - pim ops: verifiers, commands, custom assembly ---------===//
//
// Every command op is checked against the device of its pim.module through
// the stream command it stands for, so the dialect and the stream agree on
// what is valid.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/PIM/PIMOps.h"
#include "moe/Target/PIM/ExpertLayout.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace moe::pim;

//===----------------------------------------------------------------------===//
// `ch *` or `ch N`
//===----------------------------------------------------------------------===//

static ParseResult parseChannel(OpAsmParser &parser, IntegerAttr &channel) {
  uint32_t value = kAllChannels;
  if (failed(parser.parseOptionalStar()) && parser.parseInteger(value))
    return failure();
  channel = parser.getBuilder().getI32IntegerAttr(value);
  return success();
}

static void printChannel(OpAsmPrinter &printer, Operation *,
                         IntegerAttr channel) {
  if (channel.getInt() == kAllChannels)
    printer << "*";
  else
    printer << channel.getInt();
}

#include "moe/Dialect/PIM/PIMInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "moe/Dialect/PIM/PIMOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Containers
//===----------------------------------------------------------------------===//

LogicalResult DeviceModuleOp::verify() {
  // Weights of different matrices must not share rows.
  SmallVector<std::pair<uint32_t, WeightsOp>> ranges;
  for (auto weights : getBody().getOps<WeightsOp>())
    ranges.push_back({weights.getLayout().getFirstRow(), weights});
  llvm::sort(ranges, [](auto &a, auto &b) { return a.first < b.first; });
  for (size_t i = 1; i < ranges.size(); ++i) {
    WeightLayoutAttr prev = ranges[i - 1].second.getLayout();
    if (prev.getFirstRow() + prev.getRowCount() > ranges[i].first)
      return ranges[i].second.emitOpError("rows overlap those of @")
             << ranges[i - 1].second.getSymName();
  }
  return success();
}

static DeviceAttr deviceOf(Operation *op) {
  auto module = op->getParentOfType<DeviceModuleOp>();
  return module ? module.getDevice() : DeviceAttr();
}

LogicalResult WeightsOp::verify() {
  DeviceAttr device = deviceOf(*this);
  if (!device)
    return failure();
  WeightLayoutAttr layout = getLayout();
  auto type = dyn_cast<ShapedType>(getValue().getType());
  if (!type || type.getRank() != 2 ||
      type.getDimSize(0) != layout.getOutputs() ||
      type.getDimSize(1) != layout.getInputs())
    return emitOpError("value must be a ")
           << layout.getOutputs() << "x" << layout.getInputs()
           << " matrix as its layout says, got " << getValue().getType();
  if (type.getElementType() != device.getStorage())
    return emitOpError("value must hold the device's storage type ")
           << device.getStorage() << ", got " << type.getElementType();
  MatrixPlacement placement = placeMatrix(
      static_cast<MatrixSharding>(layout.getSharding()), layout.getOutputs(),
      layout.getInputs(), device.getGeometry());
  if (layout.getRowCount() < placement.rowsNeeded)
    return emitOpError("layout needs ")
           << placement.rowsNeeded << " rows per bank, row_count is "
           << layout.getRowCount();
  if (uint64_t(layout.getFirstRow()) + layout.getRowCount() > device.getRows())
    return emitOpError("rows ")
           << layout.getFirstRow() << "..<"
           << layout.getFirstRow() + layout.getRowCount()
           << " are outside the device's " << device.getRows() << " rows";
  return success();
}

DeviceAttr ProgramOp::getDevice() { return deviceOf(*this); }

LogicalResult ProgramOp::verify() {
  SmallVector<HostRegionOp> regions(getBody().getOps<HostRegionOp>());
  llvm::sort(regions, [](HostRegionOp a, HostRegionOp b) {
    return a.getOffset() < b.getOffset();
  });
  HostRegionOp input, output;
  for (auto [i, region] : llvm::enumerate(regions)) {
    if (region.getOffset() + region.getBytes() > getArenaBytes())
      return region.emitOpError("region '")
             << region.getName() << "' ends at byte "
             << region.getOffset() + region.getBytes() << ", past the arena of "
             << getArenaBytes();
    if (i > 0 && regions[i - 1].getOffset() + regions[i - 1].getBytes() >
                     region.getOffset())
      return region.emitOpError("region '")
             << region.getName() << "' overlaps '" << regions[i - 1].getName()
             << "'";
    HostRegionOp &slot =
        region.getKind() == HostRegionKind::input ? input : output;
    if (region.getKind() != HostRegionKind::input &&
        region.getKind() != HostRegionKind::output)
      continue;
    if (slot)
      return region.emitOpError("a program has one ")
             << stringifyHostRegionKind(region.getKind()) << " region";
    slot = region;
  }
  if (!input || !output)
    return emitOpError("needs one input and one output region");
  uint64_t inputBytes = uint64_t(getSlots()) * getInputSize() * kStorageBytes;
  if (input.getBytes() < inputBytes)
    return input.emitOpError("input region of ")
           << input.getBytes() << " bytes cannot hold " << getSlots()
           << " tokens of " << getInputSize() << " elements";
  uint64_t outputBytes = uint64_t(getSlots()) * getOutputSize() * 4;
  if (output.getBytes() < outputBytes)
    return output.emitOpError("output region of ")
           << output.getBytes() << " bytes cannot hold " << getSlots()
           << " rows of " << getOutputSize() << " fp32";
  return success();
}

LogicalResult HostRegionOp::verify() {
  if (!getInit())
    return success();
  if (getKind() != HostRegionKind::constant)
    return emitOpError("only a constant region has contents");
  auto type = cast<ShapedType>(getInit()->getType());
  if (!type.getElementType().isF32() ||
      type.getNumElements() * 4 != int64_t(getBytes()))
    return emitOpError("contents must be ")
           << getBytes() / 4 << " f32 values, got " << type;
  return success();
}

//===----------------------------------------------------------------------===//
// Commands: op -> stream command
//===----------------------------------------------------------------------===//

static Command command(Opcode opcode, uint32_t channel) {
  Command c;
  c.opcode = opcode;
  c.channel = static_cast<uint16_t>(channel);
  return c;
}

Command WriteGlobalBufferOp::toCommand() {
  Command c = command(Opcode::WriteGlobalBuffer, getChannel());
  c.gbOffset = getGbOffset();
  c.bytes = getBytes();
  c.hostOffset = getHostOffset();
  c.hostStride = getHostStride();
  return c;
}

Command ActivateAllOp::toCommand() {
  Command c = command(Opcode::ActivateAll, getChannel());
  c.row = getRow();
  return c;
}

Command ActivateOp::toCommand() {
  Command c = command(Opcode::Activate, getChannel());
  c.bank = static_cast<uint16_t>(getBank());
  c.row = getRow();
  return c;
}

Command MacAllOp::toCommand() {
  Command c = command(Opcode::MacAll, getChannel());
  c.column = getColumn();
  c.gbOffset = getGbOffset();
  c.acc = static_cast<uint8_t>(getAcc());
  return c;
}

Command PrechargeAllOp::toCommand() {
  return command(Opcode::PrechargeAll, getChannel());
}

Command PrechargeOp::toCommand() {
  Command c = command(Opcode::Precharge, getChannel());
  c.bank = static_cast<uint16_t>(getBank());
  return c;
}

Command SetAccumulatorsOp::toCommand() {
  Command c = command(Opcode::SetAccumulators, getChannel());
  c.acc = static_cast<uint8_t>(getAcc());
  if (getHostOffset()) {
    c.hostOffset = *getHostOffset();
    c.hostStride = getHostStride().value_or(0);
  } else {
    c.flags = Command::kZero;
  }
  return c;
}

Command ActivationOp::toCommand() {
  Command c = command(Opcode::Activation, getChannel());
  c.acc = static_cast<uint8_t>(getAcc());
  c.function = static_cast<ActivationFunction>(getFunction());
  c.param0 = getParam0().convertToFloat();
  c.param1 = getParam1().convertToFloat();
  return c;
}

Command MultiplyAccumulatorsOp::toCommand() {
  Command c = command(Opcode::MultiplyAccumulators, getChannel());
  c.acc = static_cast<uint8_t>(getAcc());
  c.acc2 = static_cast<uint8_t>(getAcc2());
  c.param0 = getParam0().convertToFloat();
  return c;
}

Command MoveToGlobalBufferOp::toCommand() {
  Command c = command(Opcode::MoveToGlobalBuffer, getChannel());
  c.acc = static_cast<uint8_t>(getAcc());
  c.gbOffset = getGbOffset();
  return c;
}

Command ReadAccumulatorsOp::toCommand() {
  Command c = command(Opcode::ReadAccumulators, getChannel());
  c.acc = static_cast<uint8_t>(getAcc());
  c.hostOffset = getHostOffset();
  c.hostStride = getHostStride();
  c.readMode = static_cast<ReadMode>(getMode());
  return c;
}

Command BarrierOp::toCommand() { return command(Opcode::Barrier, 0); }

//===----------------------------------------------------------------------===//
// Commands: checks against the device and the arena
//===----------------------------------------------------------------------===//

/// The host bytes a command reads or writes: [first, first + span) where the
/// last channel's part ends at first + span.
static LogicalResult verifyHostRange(Operation *op, const Command &c,
                                     uint64_t bytesPerChannel, bool writes,
                                     const DeviceGeometry &geometry) {
  auto program = op->getParentOfType<ProgramOp>();
  uint64_t lastChannel = c.channel == kAllChannels ? geometry.channels - 1 : 0;
  uint64_t end = c.hostOffset + lastChannel * c.hostStride + bytesPerChannel;
  if (end > program.getArenaBytes())
    return op->emitOpError("host bytes ")
           << c.hostOffset << "..<" << end << " are outside the arena of "
           << program.getArenaBytes();
  for (auto region : program.getBody().getOps<HostRegionOp>()) {
    if (c.hostOffset < region.getOffset() ||
        end > region.getOffset() + region.getBytes())
      continue;
    bool writable = region.getKind() == HostRegionKind::output ||
                    region.getKind() == HostRegionKind::scratch;
    if (writes && !writable)
      return op->emitOpError("writes to the ")
             << stringifyHostRegionKind(region.getKind()) << " region '"
             << region.getName() << "'";
    return success();
  }
  return op->emitOpError("host bytes ")
         << c.hostOffset << "..<" << end << " are not inside one region";
}

static LogicalResult verifyCommand(Operation *op, const Command &c) {
  DeviceAttr device = deviceOf(op);
  if (!device)
    return failure(); // HasParent already reported it
  DeviceGeometry geometry = device.getGeometry();
  uint32_t banks = geometry.banksPerChannel;
  if (c.channel != kAllChannels && c.channel >= geometry.channels)
    return op->emitOpError("channel ")
           << c.channel << " is outside the device's " << geometry.channels
           << " channels";
  auto checkAcc = [&](uint32_t acc) -> LogicalResult {
    if (acc < geometry.accumulatorsPerBank)
      return success();
    return op->emitOpError("accumulator ") << acc << " is outside the device's "
                                           << geometry.accumulatorsPerBank;
  };
  auto checkGb = [&](uint64_t bytes) -> LogicalResult {
    if (c.gbOffset % kStorageBytes != 0)
      return op->emitOpError("global-buffer offset ")
             << c.gbOffset << " is not element aligned";
    if (c.gbOffset + bytes <= geometry.globalBufferBytes)
      return success();
    return op->emitOpError("global-buffer bytes ")
           << c.gbOffset << "..<" << c.gbOffset + bytes << " are outside the "
           << geometry.globalBufferBytes << "-byte global buffer";
  };
  auto checkRow = [&]() -> LogicalResult {
    if (c.row < geometry.rowsPerBank)
      return success();
    return op->emitOpError("row ") << c.row << " is outside the device's "
                                   << geometry.rowsPerBank << " rows";
  };
  auto checkBank = [&]() -> LogicalResult {
    if (c.bank < banks)
      return success();
    return op->emitOpError("bank ")
           << c.bank << " is outside the device's " << banks << " banks";
  };

  switch (c.opcode) {
  case Opcode::WriteGlobalBuffer:
    if (c.bytes == 0 || c.bytes % kStorageBytes != 0)
      return op->emitOpError("writes ")
             << c.bytes << " bytes, not a positive number of elements";
    if (failed(checkGb(c.bytes)))
      return failure();
    return verifyHostRange(op, c, c.bytes, /*writes=*/false, geometry);
  case Opcode::ActivateAll:
    return checkRow();
  case Opcode::Activate:
    return failure(failed(checkBank()) || failed(checkRow()));
  case Opcode::MacAll:
    if (c.column >= geometry.columnsPerRow())
      return op->emitOpError("column ")
             << c.column << " is outside the " << geometry.columnsPerRow()
             << " columns of a row";
    return failure(failed(checkAcc(c.acc)) ||
                   failed(checkGb(geometry.burstBytes)));
  case Opcode::PrechargeAll:
  case Opcode::Barrier:
    return success();
  case Opcode::Precharge:
    return checkBank();
  case Opcode::SetAccumulators:
    if (failed(checkAcc(c.acc)))
      return failure();
    if (c.flags & Command::kZero)
      return success();
    return verifyHostRange(op, c, uint64_t(banks) * 4, false, geometry);
  case Opcode::Activation:
    return checkAcc(c.acc);
  case Opcode::MultiplyAccumulators:
    return failure(failed(checkAcc(c.acc)) || failed(checkAcc(c.acc2)));
  case Opcode::MoveToGlobalBuffer:
    return failure(failed(checkAcc(c.acc)) ||
                   failed(checkGb(uint64_t(banks) * kStorageBytes)));
  case Opcode::ReadAccumulators:
    if (failed(checkAcc(c.acc)))
      return failure();
    return verifyHostRange(op, c, uint64_t(banks) * 4, /*writes=*/true,
                           geometry);
  }
  return success();
}

#define PIM_VERIFY_COMMAND(OpClass)                                            \
  LogicalResult OpClass::verify() { return verifyCommand(*this, toCommand()); }
PIM_VERIFY_COMMAND(WriteGlobalBufferOp)
PIM_VERIFY_COMMAND(ActivateAllOp)
PIM_VERIFY_COMMAND(ActivateOp)
PIM_VERIFY_COMMAND(MacAllOp)
PIM_VERIFY_COMMAND(PrechargeAllOp)
PIM_VERIFY_COMMAND(PrechargeOp)
PIM_VERIFY_COMMAND(ActivationOp)
PIM_VERIFY_COMMAND(MultiplyAccumulatorsOp)
PIM_VERIFY_COMMAND(MoveToGlobalBufferOp)
PIM_VERIFY_COMMAND(ReadAccumulatorsOp)
PIM_VERIFY_COMMAND(BarrierOp)
#undef PIM_VERIFY_COMMAND

LogicalResult SetAccumulatorsOp::verify() {
  if (getHostOffset().has_value() != getHostStride().has_value())
    return emitOpError("needs both a host offset and a stride, or neither");
  return verifyCommand(*this, toCommand());
}

//===----------------------------------------------------------------------===//
// Stream command -> op
//===----------------------------------------------------------------------===//

Operation *moe::pim::createCommandOp(OpBuilder &b, Location loc,
                                     const Command &c) {
  uint32_t ch = c.channel;
  switch (c.opcode) {
  case Opcode::WriteGlobalBuffer:
    return WriteGlobalBufferOp::create(b, loc, ch, c.gbOffset, c.bytes,
                                       c.hostOffset, c.hostStride);
  case Opcode::ActivateAll:
    return ActivateAllOp::create(b, loc, ch, c.row);
  case Opcode::Activate:
    return ActivateOp::create(b, loc, ch, c.bank, c.row);
  case Opcode::MacAll:
    return MacAllOp::create(b, loc, ch, c.column, c.gbOffset, c.acc);
  case Opcode::PrechargeAll:
    return PrechargeAllOp::create(b, loc, ch);
  case Opcode::Precharge:
    return PrechargeOp::create(b, loc, ch, c.bank);
  case Opcode::SetAccumulators: {
    IntegerAttr host, stride;
    if (!(c.flags & Command::kZero)) {
      host = b.getI64IntegerAttr(c.hostOffset);
      stride = b.getI32IntegerAttr(c.hostStride);
    }
    return SetAccumulatorsOp::create(b, loc, b.getI32IntegerAttr(ch),
                                     b.getI32IntegerAttr(c.acc), host, stride);
  }
  case Opcode::Activation:
    return ActivationOp::create(b, loc, ch, c.acc,
                                static_cast<ActivationFunctionKind>(c.function),
                                APFloat(c.param0), APFloat(c.param1));
  case Opcode::MultiplyAccumulators:
    return MultiplyAccumulatorsOp::create(b, loc, ch, c.acc, c.acc2,
                                          APFloat(c.param0));
  case Opcode::MoveToGlobalBuffer:
    return MoveToGlobalBufferOp::create(b, loc, ch, c.acc, c.gbOffset);
  case Opcode::ReadAccumulators:
    return ReadAccumulatorsOp::create(b, loc, ch, c.acc, c.hostOffset,
                                      c.hostStride,
                                      static_cast<ReadModeKind>(c.readMode));
  case Opcode::Barrier:
    return BarrierOp::create(b, loc);
  }
  return nullptr;
}

SmallVector<std::pair<Command, Operation *>>
moe::pim::collectCommands(ProgramOp program) {
  SmallVector<std::pair<Command, Operation *>> commands;
  for (Operation &op : program.getBody().front())
    if (auto command = dyn_cast<CommandOpInterface>(op))
      commands.push_back({command.toCommand(), &op});
  return commands;
}

void moe::pim::replaceCommands(
    ProgramOp program, ArrayRef<std::pair<Command, Location>> commands) {
  for (Operation &op : llvm::make_early_inc_range(program.getBody().front()))
    if (isa<CommandOpInterface>(op))
      op.erase();
  OpBuilder b = OpBuilder::atBlockEnd(&program.getBody().front());
  for (const auto &[command, loc] : commands)
    createCommandOp(b, loc, command);
}
