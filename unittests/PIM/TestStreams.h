//===- TestStreams.h - small command streams for the PIM tests --*- C++ -*-===//
//
// A tiny device and a GEMV program on it, built by hand so the tests know
// every command and byte.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_UNITTESTS_PIM_TESTSTREAMS_H
#define MOE_UNITTESTS_PIM_TESTSTREAMS_H

#include "moe/Runtime/PIM/CommandStream.h"

#include <cstring>
#include <random>

namespace moe::pim::test {

/// 2 channels x 4 banks, 8 rows of 64 bytes (4 columns of 16 bytes = 8
/// elements), a 64-byte GB, 2 accumulators.
inline DeviceGeometry tinyGeometry() {
  DeviceGeometry g;
  g.channels = 2;
  g.banksPerChannel = 4;
  g.rowsPerBank = 8;
  g.rowBytes = 64;
  g.burstBytes = 16;
  g.globalBufferBytes = 64;
  g.accumulatorsPerBank = 2;
  return g;
}

inline Command make(Opcode opcode, uint16_t channel = kAllChannels) {
  Command c;
  c.opcode = opcode;
  c.channel = channel;
  return c;
}

/// y = W x for a W of (channels x banks) rows and `inputSize` = one row of
/// elements (32), each output row held in row 0 of one bank. Input x at arena
/// 0 (bf16), output y at 64 (fp32, channel c's 4 outputs at 64 + 16 c), and a
/// bias constant added through SETACC.
inline CommandStream gemvStream(uint32_t seed = 1) {
  CommandStream stream;
  stream.geometry = tinyGeometry();
  stream.storage = StorageType::BF16;
  stream.deviceName = "tiny";
  const DeviceGeometry &g = stream.geometry;
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(-1, 1);

  Program program;
  program.name = "gemv";
  program.slots = 1;
  program.inputSize = 32;
  program.outputSize = 8;
  program.arenaBytes = 64 + 32 + 32;
  HostRegion input{"x", HostRegion::Kind::Input, 0, 64, {}};
  HostRegion output{"y", HostRegion::Kind::Output, 64, 32, {}};
  HostRegion bias{"bias", HostRegion::Kind::Constant, 96, 32, {}};
  bias.init.resize(32);
  for (int i = 0; i < 8; ++i) {
    float value = uniform(random);
    std::memcpy(bias.init.data() + 4 * i, &value, 4);
  }
  program.regions = {input, output, bias};

  Command c = make(Opcode::SetAccumulators);
  c.hostOffset = 96;
  c.hostStride = 16;
  program.commands.push_back(c);
  c = make(Opcode::WriteGlobalBuffer);
  c.bytes = 64;
  program.commands.push_back(c);
  c = make(Opcode::ActivateAll);
  program.commands.push_back(c);
  for (uint32_t column = 0; column < g.columnsPerRow(); ++column) {
    c = make(Opcode::MacAll);
    c.column = column;
    c.gbOffset = column * g.burstBytes;
    program.commands.push_back(c);
  }
  program.commands.push_back(make(Opcode::PrechargeAll));
  c = make(Opcode::ReadAccumulators);
  c.hostOffset = 64;
  c.hostStride = 16;
  program.commands.push_back(c);
  program.commands.push_back(make(Opcode::Barrier));
  stream.programs.push_back(program);

  for (uint16_t channel = 0; channel < g.channels; ++channel)
    for (uint16_t bank = 0; bank < g.banksPerChannel; ++bank) {
      WeightSegment segment;
      segment.channel = channel;
      segment.bank = bank;
      segment.firstRow = 0;
      segment.rowCount = 1;
      segment.data.resize(g.rowBytes);
      for (uint32_t i = 0; i < g.rowBytes / 2; ++i) {
        uint16_t bits = toStorage(uniform(random), stream.storage);
        std::memcpy(segment.data.data() + 2 * i, &bits, 2);
      }
      stream.weights.push_back(segment);
    }
  return stream;
}

} // namespace moe::pim::test

#endif // MOE_UNITTESTS_PIM_TESTSTREAMS_H
