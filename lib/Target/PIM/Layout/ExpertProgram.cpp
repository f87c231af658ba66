//===- ExpertProgram.cpp - the command list of one expert -----------------===//

#include "moe/Target/PIM/ExpertProgram.h"

#include <cstring>
#include <functional>
#include <limits>

using namespace moe;
using namespace moe::pim;

namespace {

/// Appends commands and arena regions of one program.
class ProgramWriter {
public:
  ProgramWriter(Program &program, const DeviceGeometry &geometry)
      : program(program), geometry(geometry) {}

  /// A region of `bytes`, 16-byte aligned; `init` (fp32) for constants.
  uint64_t region(const std::string &name, HostRegion::Kind kind,
                  uint64_t bytes, const std::vector<float> &init = {}) {
    HostRegion r;
    r.name = name;
    r.kind = kind;
    r.offset = program.arenaBytes;
    r.bytes = bytes;
    if (!init.empty()) {
      r.init.resize(init.size() * 4);
      std::memcpy(r.init.data(), init.data(), r.init.size());
    }
    program.regions.push_back(std::move(r));
    program.arenaBytes += (bytes + 15) / 16 * 16;
    return program.regions.back().offset;
  }

  Command &emit(Opcode opcode) {
    Command c;
    c.opcode = opcode;
    program.commands.push_back(c);
    return program.commands.back();
  }

  /// MACAB at (row, column), opening the row first when another is open.
  /// A row stays open across tiles, accumulator groups and the unit and
  /// host commands between them (none of which needs the banks closed), so
  /// each row is activated once per pass over it: tRCD + tRP cost as much
  /// as 8 MACs.
  void mac(uint32_t row, uint32_t column, uint32_t gbOffset, uint32_t acc) {
    if (openRow && *openRow != row) {
      // Close right after the row's last MAC, so tRP runs under the unit
      // and host commands since then instead of before the next ACT.
      Command pre;
      pre.opcode = Opcode::PrechargeAll;
      program.commands.insert(program.commands.begin() + lastMac + 1, pre);
      openRow.reset();
    }
    if (!openRow) {
      emit(Opcode::ActivateAll).row = row;
      openRow = row;
    }
    Command &c = emit(Opcode::MacAll);
    c.column = column;
    c.gbOffset = gbOffset;
    c.acc = static_cast<uint8_t>(acc);
    lastMac = program.commands.size() - 1;
  }

  void append(const std::vector<Command> &commands) {
    program.commands.insert(program.commands.end(), commands.begin(),
                            commands.end());
  }

  void close() {
    if (openRow)
      emit(Opcode::PrechargeAll);
    openRow.reset();
  }

  void setAcc(uint32_t acc, std::optional<uint64_t> host, uint32_t stride,
              uint16_t channel = kAllChannels) {
    Command &c = emit(Opcode::SetAccumulators);
    c.acc = static_cast<uint8_t>(acc);
    c.channel = channel;
    if (host) {
      c.hostOffset = *host;
      c.hostStride = stride;
    } else {
      c.flags = Command::kZero;
    }
  }

  void activation(uint32_t acc, ActivationFunction function, float p0 = 0,
                  float p1 = 0) {
    Command &c = emit(Opcode::Activation);
    c.acc = static_cast<uint8_t>(acc);
    c.function = function;
    c.param0 = p0;
    c.param1 = p1;
  }

private:
  Program &program;
  const DeviceGeometry &geometry;
  std::optional<uint32_t> openRow;
  size_t lastMac = 0;
};

/// A bias in the order SETACC reads it: tile after tile, channel after
/// channel, one fp32 per bank.
std::vector<float> biasBlocks(const MatrixPlacement &placement,
                              const DeviceGeometry &geometry, uint32_t channels,
                              const std::vector<float> &b) {
  std::vector<float> blocks;
  for (uint32_t t = 0; t < placement.tiles; ++t)
    for (uint32_t c = 0; c < channels; ++c)
      for (uint32_t k = 0; k < geometry.banksPerChannel; ++k) {
        int64_t n = placement.outputOf(geometry, c, k, t);
        blocks.push_back(n >= 0 ? b[n] : 0.0f);
      }
  return blocks;
}

/// SETACC of `acc` to zero and, with a bias, channel 0's to the bias at
/// `bias`: the channels' partial sums, added on the host, carry it once.
void startAccumulator(std::vector<Command> &out, uint32_t acc,
                      std::optional<uint64_t> bias) {
  Command zero;
  zero.opcode = Opcode::SetAccumulators;
  zero.acc = static_cast<uint8_t>(acc);
  zero.flags = Command::kZero;
  out.push_back(zero);
  if (!bias)
    return;
  Command add = zero;
  add.flags = 0;
  add.channel = 0;
  add.hostOffset = *bias;
  out.push_back(add);
}

/// RDACC of `acc`, every channel adding into the fp32 at `host`.
Command readAdding(uint32_t acc, uint64_t host) {
  Command read;
  read.opcode = Opcode::ReadAccumulators;
  read.acc = static_cast<uint8_t>(acc);
  read.hostOffset = host;
  read.readMode = ReadMode::Add;
  return read;
}

/// Tiles computed in groups that fit the accumulators: per tile the
/// commands that start its accumulators (SETACC), its MACs, and the commands
/// that finish it (RDACC). `slot` numbers the tile's accumulators within
/// the `slots` available.
struct TileGroups {
  uint32_t tiles = 0, slots = 0;
  std::function<void(uint32_t tile, uint32_t slot, std::vector<Command> &)>
      start, finish;
  /// Emits the tile's MACs, calling `afterMac` after each.
  std::function<void(uint32_t tile, uint32_t slot,
                     const std::function<void()> &afterMac)>
      macs;
  std::function<void()> beforeLastFinish;
};

/// With more groups than one, the groups take the two halves of the
/// accumulators in turn, and a group's finishing commands and the start of
/// the group after next go out one command behind each MAC of the group in
/// between: the in-order channel sends them in the gaps the power limit
/// leaves between MACs, instead of stalling the MACs for them.
void emitTileGroups(ProgramWriter &w, const TileGroups &g) {
  uint32_t groupTiles = g.slots;
  const bool pipelined = groupTiles >= 2 && g.tiles > groupTiles;
  if (pipelined)
    groupTiles /= 2;
  const uint32_t groups = (g.tiles + groupTiles - 1) / groupTiles;
  auto slotOf = [&](uint32_t group, uint32_t t) {
    return (pipelined ? (group % 2) * groupTiles : 0) + t - group * groupTiles;
  };
  auto each = [&](uint32_t group, auto &&body) {
    uint32_t first = group * groupTiles;
    for (uint32_t t = first; t < std::min(g.tiles, first + groupTiles); ++t)
      body(t, slotOf(group, t));
  };
  auto start = [&](uint32_t group, std::vector<Command> &out) {
    each(group, [&](uint32_t t, uint32_t slot) { g.start(t, slot, out); });
  };
  std::vector<Command> now, behind; // emitted directly / behind MACs
  start(0, now);
  if (pipelined && groups > 1)
    start(1, behind);
  w.append(now);
  for (uint32_t group = 0; group < groups; ++group) {
    size_t next = 0;
    std::function<void()> afterMac = [&] {
      if (next < behind.size())
        w.append({behind[next++]});
    };
    each(group, [&](uint32_t t, uint32_t slot) { g.macs(t, slot, afterMac); });
    // What did not fit behind this group's MACs goes now.
    w.append(std::vector<Command>(behind.begin() + next, behind.end()));
    behind.clear();
    bool lastGroup = group + 1 == groups;
    if (lastGroup && g.beforeLastFinish)
      g.beforeLastFinish();
    each(group, [&](uint32_t t, uint32_t slot) { g.finish(t, slot, behind); });
    if (!pipelined || lastGroup) {
      w.append(behind);
      behind.clear();
      if (!pipelined && !lastGroup) {
        now.clear();
        start(group + 1, now);
        w.append(now);
      }
    } else if (group + 2 < groups) {
      start(group + 2, behind);
    }
  }
}

} // namespace

Program
moe::buildExpertProgram(const std::string &name, const DeviceGeometry &geometry,
                        const ExpertShape &shape, const ExpertPlan &plan,
                        const ExpertMatrices &weights,
                        const PimActivation &activation, uint32_t slots) {
  Program program;
  program.name = name;
  program.slots = slots;
  program.inputSize = shape.hidden;
  program.outputSize = shape.hidden;
  ProgramWriter w(program, geometry);
  const uint32_t banks = geometry.banksPerChannel;
  const uint32_t burst = geometry.burstBytes / kStorageBytes;
  const uint32_t hiddenBytes = shape.hidden * kStorageBytes;

  uint64_t input = w.region("tokens", HostRegion::Kind::Input,
                            uint64_t(slots) * hiddenBytes);
  uint64_t output = w.region("result", HostRegion::Kind::Output,
                             uint64_t(slots) * shape.hidden * 4);
  // fc1 biases per lane (hidden sliced: per bank, added by channel 0 only,
  // like fc2's).
  std::optional<uint64_t> gateBias, linearBias, downBias;
  const uint32_t biasChannels = plan.hiddenSliced ? 1 : geometry.channels;
  if (!weights.gateBias.empty()) {
    auto blocks =
        biasBlocks(plan.gate, geometry, biasChannels, weights.gateBias);
    gateBias = w.region("fc1_bias", HostRegion::Kind::Constant,
                        blocks.size() * 4, blocks);
  }
  if (shape.gated && !weights.linearBias.empty()) {
    auto blocks =
        biasBlocks(plan.linear, geometry, biasChannels, weights.linearBias);
    linearBias = w.region("linear_bias", HostRegion::Kind::Constant,
                          blocks.size() * 4, blocks);
  }
  if (!weights.downBias.empty()) {
    // Per fc2 tile, zeros where a shifted last tile overlaps the one before.
    auto blocks = biasBlocks(plan.down, geometry, 1, weights.downBias);
    downBias = w.region("fc2_bias", HostRegion::Kind::Constant,
                        blocks.size() * 4, blocks);
  }

  // Accumulator of (tile in group, matrix, token in pass).
  const uint32_t matrices = shape.gated ? 2 : 1;
  const uint32_t perPass = plan.tokensPerPass;
  // Hidden sliced: the channels' partial sums of fc1, per token and matrix,
  // and zeros for the global buffer past the slice (the MACs read whole
  // bursts; the weights there are zero, but a stale NaN would not be).
  std::optional<uint64_t> sums, gbZeros;
  const uint32_t sliceBytes = plan.gate.sliceInputs * kStorageBytes;
  if (plan.hiddenSliced) {
    sums = w.region("fc1_sums", HostRegion::Kind::Scratch,
                    uint64_t(slots) * matrices * plan.sumsFloats * 4);
    if (plan.chunkBytes > sliceBytes) {
      gbZeros = w.region("gb_zeros", HostRegion::Kind::Scratch,
                         plan.chunkBytes - sliceBytes);
      Command &zero = w.emit(Opcode::WriteGlobalBuffer);
      zero.gbOffset = sliceBytes;
      zero.bytes = plan.chunkBytes - sliceBytes;
      zero.hostOffset = *gbZeros;
    }
  }
  // The activation on accumulator `acc` (SwiGLU: with the linear part in
  // `linear`), leaving the intermediate in `acc`.
  auto activate = [&](uint32_t acc, uint32_t linear) {
    if (shape.gated) {
      float inf = std::numeric_limits<float>::infinity();
      w.activation(acc, ActivationFunction::Swish, activation.alpha,
                   activation.limit.value_or(inf));
      if (activation.limit)
        w.activation(linear, ActivationFunction::Clamp, -*activation.limit,
                     *activation.limit);
      Command &mul = w.emit(Opcode::MultiplyAccumulators);
      mul.acc = static_cast<uint8_t>(acc);
      mul.acc2 = static_cast<uint8_t>(linear);
      mul.param0 = activation.beta;
    } else if (activation.function != ActivationFunction::Identity) {
      w.activation(acc, activation.function);
    }
  };
  auto fc1Acc = [&](uint32_t tileInGroup, uint32_t matrix, uint32_t token) {
    return (tileInGroup * matrices + matrix) * perPass + token;
  };
  const uint32_t laneBlock = geometry.channels * banks * 4;
  for (uint32_t pass = 0; pass < slots; pass += perPass) {
    // Tokens `pass ..< pass + count` share every row activation.
    uint32_t count = std::min(perPass, slots - pass);
    auto tokenInput = [&](uint32_t i) {
      return input + uint64_t(pass + i) * hiddenBytes;
    };
    auto intermediate = [&](uint32_t i) {
      return plan.intermediateGbOffset + i * plan.intermediateBytes;
    };
    if (plan.hiddenSliced) {
      // Channel c gets slice c of the token, MACs it against its slice of
      // every intermediate's weights, and the host adds the channels'
      // partial sums; after a barrier every channel loads back the window
      // of sums whose intermediates fc2 expects in it.
      uint64_t tokenSums =
          *sums + uint64_t(pass) * matrices * plan.sumsFloats * 4;
      Command &slice = w.emit(Opcode::WriteGlobalBuffer);
      slice.bytes = sliceBytes;
      slice.hostOffset = tokenInput(0);
      slice.hostStride = sliceBytes;
      // The gate's tiles, then the linear part's, as one sequence of
      // groups, so the read-backs pipeline across the two.
      const uint32_t perMatrix = plan.gate.tiles;
      auto matrixOf = [&](uint32_t u) { return u / perMatrix; };
      TileGroups fc1;
      fc1.tiles = matrices * perMatrix;
      fc1.slots = plan.fc1TilesPerGroup;
      fc1.start = [&](uint32_t u, uint32_t slot, std::vector<Command> &out) {
        std::optional<uint64_t> bias = matrixOf(u) ? linearBias : gateBias;
        uint64_t t = u % perMatrix;
        startAccumulator(out, slot,
                         bias ? std::optional(*bias + t * banks * 4)
                              : std::nullopt);
      };
      fc1.macs = [&](uint32_t u, uint32_t slot,
                     const std::function<void()> &afterMac) {
        const MatrixPlacement &p = matrixOf(u) ? plan.linear : plan.gate;
        uint32_t base = matrixOf(u) ? plan.linearFirstRow : plan.gateFirstRow;
        uint32_t t = u % perMatrix;
        for (uint32_t j = 0; j < p.burstsPerTile; ++j) {
          w.mac(base + p.rowOf(geometry, t, j), p.columnOf(geometry, t, j),
                j * geometry.burstBytes, slot);
          afterMac();
        }
      };
      fc1.finish = [&](uint32_t u, uint32_t slot, std::vector<Command> &out) {
        uint64_t matrixSums =
            tokenSums + uint64_t(matrixOf(u)) * plan.sumsFloats * 4;
        out.push_back(
            readAdding(slot, matrixSums + uint64_t(u % perMatrix) * banks * 4));
      };
      emitTileGroups(w, fc1);
      w.emit(Opcode::Barrier);
      for (uint32_t m = 0; m < matrices; ++m)
        w.setAcc(m, tokenSums + uint64_t(m) * plan.sumsFloats * 4,
                 plan.windowBytes);
      activate(0, 1);
      Command &move = w.emit(Opcode::MoveToGlobalBuffer);
      move.gbOffset = intermediate(0);
    }
    // fc1: groups of tiles that fit the accumulators.
    bool preloaded = false; // the next chunk went out during the last
    for (uint32_t first = 0; !plan.hiddenSliced && first < plan.gate.tiles;
         first += plan.fc1TilesPerGroup) {
      uint32_t last = std::min(plan.gate.tiles, first + plan.fc1TilesPerGroup);
      for (uint32_t t = first; t < last; ++t)
        for (uint32_t i = 0; i < count; ++i) {
          w.setAcc(fc1Acc(t - first, 0, i),
                   gateBias ? std::optional(*gateBias + t * laneBlock)
                            : std::nullopt,
                   banks * 4);
          if (shape.gated)
            w.setAcc(fc1Acc(t - first, 1, i),
                     linearBias ? std::optional(*linearBias + t * laneBlock)
                                : std::nullopt,
                     banks * 4);
        }
      // Broadcast the tokens chunk by chunk; every bank MACs its rows. The
      // next chunk (of this group, or the next group's first) goes out one
      // burst at a time behind the last MAC that reads each burst's slot,
      // so the in-order channel sends it between the power-limited MACs
      // instead of stalling them. One chunk holding the whole token is
      // sent once.
      const bool oneChunk = hiddenBytes <= plan.chunkBytes;
      for (uint32_t start = 0; start < hiddenBytes; start += plan.chunkBytes) {
        uint32_t bytes = std::min(plan.chunkBytes, hiddenBytes - start);
        bool sent = oneChunk ? first != 0 : preloaded;
        for (uint32_t i = 0; i < count && !sent; ++i) {
          Command &wrgb = w.emit(Opcode::WriteGlobalBuffer);
          wrgb.gbOffset = i * plan.chunkBytes;
          wrgb.bytes = bytes;
          wrgb.hostOffset = tokenInput(i) + start;
        }
        // The chunk to send during this one's last sweep, if any.
        std::optional<uint32_t> next;
        if (start + plan.chunkBytes < hiddenBytes)
          next = start + plan.chunkBytes;
        else if (!oneChunk && last < plan.gate.tiles)
          next = 0;
        preloaded = next.has_value();
        uint32_t firstBurst = start / geometry.burstBytes;
        uint32_t endBurst =
            (start + bytes + geometry.burstBytes - 1) / geometry.burstBytes;
        // Matrix by matrix, tile by tile: the order the rows lie in, so a
        // row shared by two tiles is opened once.
        for (uint32_t m = 0; m < matrices; ++m) {
          for (uint32_t t = first; t < last; ++t) {
            const MatrixPlacement &p = m == 0 ? plan.gate : plan.linear;
            uint32_t base = m == 0 ? plan.gateFirstRow : plan.linearFirstRow;
            bool lastSweep = t + 1 == last && m + 1 == matrices;
            for (uint32_t j = firstBurst; j < endBurst; ++j)
              for (uint32_t i = 0; i < count; ++i) {
                uint32_t slot = (j - firstBurst) * geometry.burstBytes;
                w.mac(base + p.rowOf(geometry, t, j),
                      p.columnOf(geometry, t, j), i * plan.chunkBytes + slot,
                      fc1Acc(t - first, m, i));
                if (!lastSweep || !next || *next + slot >= hiddenBytes)
                  continue;
                Command &wrgb = w.emit(Opcode::WriteGlobalBuffer);
                wrgb.gbOffset = i * plan.chunkBytes + slot;
                wrgb.bytes =
                    std::min(geometry.burstBytes, hiddenBytes - (*next + slot));
                wrgb.hostOffset = tokenInput(i) + *next + slot;
              }
          }
        }
      }
      // The activation in the banks, then the intermediate into the GB.
      for (uint32_t t = first; t < last; ++t)
        for (uint32_t i = 0; i < count; ++i) {
          uint32_t acc = fc1Acc(t - first, 0, i);
          activate(acc, shape.gated ? fc1Acc(t - first, 1, i) : 0);
          Command &move = w.emit(Opcode::MoveToGlobalBuffer);
          move.acc = static_cast<uint8_t>(acc);
          move.gbOffset = intermediate(i) + t * banks * kStorageBytes;
        }
    }
    // fc2 on each channel's part of the intermediate; the host adds the
    // channels' partial sums.
    TileGroups fc2;
    fc2.tiles = plan.down.tiles;
    fc2.slots = plan.fc2TilesPerGroup;
    fc2.start = [&](uint32_t t, uint32_t slot, std::vector<Command> &out) {
      for (uint32_t i = 0; i < count; ++i)
        startAccumulator(
            out, slot * perPass + i,
            downBias ? std::optional(*downBias + uint64_t(t) * banks * 4)
                     : std::nullopt);
    };
    fc2.macs = [&](uint32_t t, uint32_t slot,
                   const std::function<void()> &afterMac) {
      for (uint32_t j = 0; j < plan.down.burstsPerTile; ++j)
        for (uint32_t i = 0; i < count; ++i) {
          w.mac(plan.downFirstRow + plan.down.rowOf(geometry, t, j),
                plan.down.columnOf(geometry, t, j),
                intermediate(i) + j * burst * kStorageBytes,
                slot * perPass + i);
          afterMac();
        }
    };
    fc2.finish = [&](uint32_t t, uint32_t slot, std::vector<Command> &out) {
      for (uint32_t i = 0; i < count; ++i)
        out.push_back(readAdding(
            slot * perPass + i, output + uint64_t(pass + i) * shape.hidden * 4 +
                                    uint64_t(plan.down.firstOutputOf(t)) * 4));
    };
    // The last MACs of the program: close now, so tRP runs under the
    // read-back rather than after it.
    fc2.beforeLastFinish = [&] {
      if (pass + perPass >= slots)
        w.close();
    };
    emitTileGroups(w, fc2);
  }
  return program;
}
