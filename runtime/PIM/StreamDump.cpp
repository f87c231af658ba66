//===- StreamDump.cpp - readable listing of a command stream -------------===//
//
// One line per command with only the fields its opcode uses, so a listing
// reads like the `pim` dialect and diffs well in tests.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/PIM/CommandStream.h"

#include <cstdio>
#include <sstream>

namespace moe::pim {

const char *mnemonic(Opcode opcode) {
  switch (opcode) {
  case Opcode::WriteGlobalBuffer:
    return "WRGB";
  case Opcode::ActivateAll:
    return "ACTAB";
  case Opcode::Activate:
    return "ACT";
  case Opcode::MacAll:
    return "MACAB";
  case Opcode::PrechargeAll:
    return "PREAB";
  case Opcode::Precharge:
    return "PRE";
  case Opcode::SetAccumulators:
    return "SETACC";
  case Opcode::Activation:
    return "AF";
  case Opcode::MultiplyAccumulators:
    return "ACCMUL";
  case Opcode::MoveToGlobalBuffer:
    return "MVGB";
  case Opcode::ReadAccumulators:
    return "RDACC";
  case Opcode::Barrier:
    return "BARRIER";
  }
  return "?";
}

namespace {

const char *functionName(ActivationFunction function) {
  switch (function) {
  case ActivationFunction::Identity:
    return "identity";
  case ActivationFunction::Relu:
    return "relu";
  case ActivationFunction::GeluErf:
    return "gelu_erf";
  case ActivationFunction::GeluTanh:
    return "gelu_tanh";
  case ActivationFunction::Silu:
    return "silu";
  case ActivationFunction::Swish:
    return "swish";
  case ActivationFunction::Clamp:
    return "clamp";
  }
  return "?";
}

const char *regionKindName(HostRegion::Kind kind) {
  switch (kind) {
  case HostRegion::Kind::Input:
    return "input";
  case HostRegion::Kind::Output:
    return "output";
  case HostRegion::Kind::Constant:
    return "constant";
  case HostRegion::Kind::Scratch:
    return "scratch";
  }
  return "?";
}

std::string number(float value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

void host(std::ostream &os, const Command &c) {
  os << " host=" << c.hostOffset;
  if (c.channel == kAllChannels)
    os << " stride=" << c.hostStride;
}

void dumpCommand(std::ostream &os, const Command &c) {
  os << mnemonic(c.opcode);
  if (c.opcode != Opcode::Barrier) {
    os << " ch=";
    if (c.channel == kAllChannels)
      os << '*';
    else
      os << c.channel;
  }
  switch (c.opcode) {
  case Opcode::WriteGlobalBuffer:
    os << " gb=" << c.gbOffset << " bytes=" << c.bytes;
    host(os, c);
    break;
  case Opcode::ActivateAll:
    os << " row=" << c.row;
    break;
  case Opcode::Activate:
    os << " bank=" << c.bank << " row=" << c.row;
    break;
  case Opcode::MacAll:
    os << " col=" << c.column << " gb=" << c.gbOffset << " acc=" << int(c.acc);
    break;
  case Opcode::PrechargeAll:
  case Opcode::Barrier:
    break;
  case Opcode::Precharge:
    os << " bank=" << c.bank;
    break;
  case Opcode::SetAccumulators:
    os << " acc=" << int(c.acc);
    if (c.flags & Command::kZero)
      os << " zero";
    else
      host(os, c);
    break;
  case Opcode::Activation:
    os << " acc=" << int(c.acc) << " f=" << functionName(c.function);
    if (c.function == ActivationFunction::Swish ||
        c.function == ActivationFunction::Clamp)
      os << " p0=" << number(c.param0) << " p1=" << number(c.param1);
    break;
  case Opcode::MultiplyAccumulators:
    os << " acc=" << int(c.acc) << " acc2=" << int(c.acc2)
       << " p0=" << number(c.param0);
    break;
  case Opcode::MoveToGlobalBuffer:
    os << " acc=" << int(c.acc) << " gb=" << c.gbOffset;
    break;
  case Opcode::ReadAccumulators:
    os << " acc=" << int(c.acc)
       << (c.readMode == ReadMode::Add ? " add" : " store");
    host(os, c);
    break;
  }
}

} // namespace

std::string dumpStream(const CommandStream &stream) {
  std::ostringstream os;
  const DeviceGeometry &g = stream.geometry;
  os << "device \"" << stream.deviceName
     << "\" storage=" << (stream.storage == StorageType::BF16 ? "bf16" : "f16")
     << "\n";
  os << "geometry channels=" << g.channels << " banks=" << g.banksPerChannel
     << " rows=" << g.rowsPerBank << " rowBytes=" << g.rowBytes
     << " burst=" << g.burstBytes << " gb=" << g.globalBufferBytes
     << " accs=" << g.accumulatorsPerBank << "\n";
  for (const Program &program : stream.programs) {
    os << "program \"" << program.name << "\" slots=" << program.slots
       << " input=" << program.inputSize << " output=" << program.outputSize
       << " arena=" << program.arenaBytes
       << " commands=" << program.commands.size() << "\n";
    for (const HostRegion &region : program.regions) {
      os << "  region \"" << region.name << "\" " << regionKindName(region.kind)
         << " [" << region.offset << ", +" << region.bytes << ")";
      if (!region.init.empty())
        os << " init";
      os << "\n";
    }
    for (size_t i = 0; i < program.commands.size(); ++i) {
      os << "  " << i << ": ";
      dumpCommand(os, program.commands[i]);
      os << "\n";
    }
  }
  os << "weights segments=" << stream.weights.size() << "\n";
  for (const WeightSegment &segment : stream.weights)
    os << "  segment ch=" << segment.channel << " bank=" << segment.bank
       << " rows=[" << segment.firstRow << ", +" << segment.rowCount << ")\n";
  return os.str();
}

} // namespace moe::pim
