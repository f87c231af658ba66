//===- ExpertLayout.cpp - where an expert's weights lie in PIM ------------===//

#include "moe/Target/PIM/ExpertLayout.h"

#include <algorithm>

using namespace moe::pim;

static uint32_t ceilDiv(uint64_t a, uint64_t b) {
  return static_cast<uint32_t>((a + b - 1) / b);
}

static uint32_t burstElements(const DeviceGeometry &geometry) {
  return geometry.burstBytes / kStorageBytes;
}

/// Row sharding of `count` outputs: `full` tiles use every lane; a partial
/// last tile uses the first `perChannel` banks of every channel (rather than
/// all banks of the first channels), so the intermediates spread evenly and
/// each channel's column-sharded fc2 reads as few of them as possible.
static void splitTiles(uint64_t count, const DeviceGeometry &g, uint32_t &full,
                       uint32_t &perChannel) {
  uint64_t lanes = uint64_t(g.channels) * g.banksPerChannel;
  full = static_cast<uint32_t>(count / lanes);
  uint64_t rest = count % lanes;
  perChannel = rest ? ceilDiv(rest, g.channels) : g.banksPerChannel;
}

/// The output of a row-sharded matrix at (channel, bank, tile), or -1.
static int64_t rowShardedOutput(uint32_t count, const DeviceGeometry &g,
                                uint32_t channel, uint32_t bank,
                                uint32_t tile) {
  uint32_t full, perChannel;
  splitTiles(count, g, full, perChannel);
  uint64_t lanes = uint64_t(g.channels) * g.banksPerChannel;
  int64_t output;
  if (tile < full)
    output =
        int64_t(tile) * lanes + int64_t(channel) * g.banksPerChannel + bank;
  else if (tile == full && bank < perChannel)
    output = int64_t(full) * lanes + int64_t(channel) * perChannel + bank;
  else
    return -1;
  return output < count ? output : -1;
}

MatrixPlacement moe::pim::placeMatrix(MatrixSharding sharding, uint32_t outputs,
                                      uint32_t inputs,
                                      const DeviceGeometry &geometry) {
  MatrixPlacement p;
  p.sharding = sharding;
  p.outputs = outputs;
  p.inputs = inputs;
  uint32_t allLanes = geometry.channels * geometry.banksPerChannel;
  uint32_t burst = burstElements(geometry);
  if (sharding == MatrixSharding::Rows) {
    p.lanes = allLanes;
    p.localInputs = ceilDiv(inputs, burst) * burst;
  } else if (sharding == MatrixSharding::Slices) {
    p.lanes = geometry.banksPerChannel;
    p.sliceInputs = geometry.channels ? ceilDiv(inputs, geometry.channels) : 0;
    p.localInputs = ceilDiv(p.sliceInputs, burst) * burst;
  } else {
    // A channel holds banksPerChannel intermediates per full tile of the
    // row-sharded matrix that produced them, and `perChannel` of its
    // partial last tile.
    p.lanes = geometry.banksPerChannel;
    uint32_t full, perChannel;
    splitTiles(inputs, geometry, full, perChannel);
    uint64_t held = uint64_t(full) * geometry.banksPerChannel +
                    (inputs % allLanes ? perChannel : 0);
    p.localInputs = ceilDiv(held, burst) * burst;
  }
  p.tiles = ceilDiv(outputs, p.lanes);
  p.burstsPerTile = p.localInputs / burst;
  p.rowsNeeded =
      ceilDiv(uint64_t(p.tiles) * p.burstsPerTile, geometry.columnsPerRow());
  return p;
}

uint32_t MatrixPlacement::rowOf(const DeviceGeometry &geometry, uint32_t tile,
                                uint32_t burst) const {
  return (uint64_t(tile) * burstsPerTile + burst) / geometry.columnsPerRow();
}

uint32_t MatrixPlacement::columnOf(const DeviceGeometry &geometry,
                                   uint32_t tile, uint32_t burst) const {
  return (uint64_t(tile) * burstsPerTile + burst) % geometry.columnsPerRow();
}

int64_t MatrixPlacement::outputOf(const DeviceGeometry &geometry,
                                  uint32_t channel, uint32_t bank,
                                  uint32_t tile) const {
  if (sharding == MatrixSharding::Rows)
    return rowShardedOutput(outputs, geometry, channel, bank, tile);
  if (sharding == MatrixSharding::Slices) {
    int64_t output = int64_t(tile) * lanes + bank;
    return output < outputs ? output : -1;
  }
  int64_t output = int64_t(tile) * lanes + bank;
  if (sharding == MatrixSharding::Columns && tile + 1 == tiles &&
      outputs % lanes != 0 && outputs > lanes) {
    // A partial last tile ends at the last output (see firstOutputOf); its
    // banks below the outputs the earlier tiles left hold zeros.
    output = int64_t(outputs) - lanes + bank;
    return output >= int64_t(tile) * lanes ? output : -1;
  }
  return output < outputs ? output : -1;
}

uint32_t MatrixPlacement::firstOutputOf(uint32_t tile) const {
  uint64_t first = uint64_t(tile) * lanes;
  if (sharding == MatrixSharding::Columns && outputs > lanes &&
      first + lanes > outputs)
    return outputs - lanes;
  return static_cast<uint32_t>(first);
}

int64_t MatrixPlacement::inputOf(const DeviceGeometry &geometry,
                                 uint32_t channel, uint32_t local) const {
  if (local >= localInputs)
    return -1;
  if (sharding == MatrixSharding::Rows)
    return local < inputs ? int64_t(local) : -1;
  if (sharding == MatrixSharding::Slices) {
    int64_t input = int64_t(channel) * sliceInputs + local;
    return local < sliceInputs && input < inputs ? input : -1;
  }
  // MVGB put bank b's accumulator of producer tile t at element t*B + b.
  uint32_t banks = geometry.banksPerChannel;
  return rowShardedOutput(inputs, geometry, channel, local % banks,
                          local / banks);
}

std::vector<float> moe::pim::bankImage(const MatrixPlacement &placement,
                                       const DeviceGeometry &geometry,
                                       uint32_t channel, uint32_t bank,
                                       const float *matrix) {
  uint32_t rowElements = geometry.rowBytes / kStorageBytes;
  uint32_t burst = burstElements(geometry);
  std::vector<float> image(size_t(placement.rowsNeeded) * rowElements, 0.0f);
  for (uint32_t tile = 0; tile < placement.tiles; ++tile) {
    int64_t output = placement.outputOf(geometry, channel, bank, tile);
    if (output < 0)
      continue;
    for (uint32_t j = 0; j < placement.burstsPerTile; ++j) {
      size_t base = size_t(placement.rowOf(geometry, tile, j)) * rowElements +
                    size_t(placement.columnOf(geometry, tile, j)) * burst;
      for (uint32_t i = 0; i < burst; ++i) {
        int64_t input = placement.inputOf(geometry, channel, j * burst + i);
        if (input >= 0)
          image[base + i] = matrix[size_t(output) * placement.inputs + input];
      }
    }
  }
  return image;
}

/// Places fc1 (and the linear part) with `fc1Sharding` and fc2 column
/// sharded, their rows one after the other from `firstRow`. With fc1 slice
/// sharded, channel c keeps intermediates [c * q, c * q + q) for fc2,
/// exactly what column sharding expects of a row-sharded producer of
/// I <= C * B.
static std::string placeMatrices(const ExpertShape &shape,
                                 const DeviceGeometry &geometry,
                                 uint32_t firstRow, MatrixSharding fc1Sharding,
                                 ExpertPlan &plan) {
  plan.gate =
      placeMatrix(fc1Sharding, shape.intermediate, shape.hidden, geometry);
  if (shape.gated)
    plan.linear =
        placeMatrix(fc1Sharding, shape.intermediate, shape.hidden, geometry);
  plan.down = placeMatrix(MatrixSharding::Columns, shape.hidden,
                          shape.intermediate, geometry);
  plan.gateFirstRow = firstRow;
  plan.linearFirstRow = plan.gateFirstRow + plan.gate.rowsNeeded;
  plan.downFirstRow = plan.linearFirstRow + plan.linear.rowsNeeded;
  plan.rowsUsed = plan.downFirstRow + plan.down.rowsNeeded - firstRow;
  if (uint64_t(firstRow) + plan.rowsUsed > geometry.rowsPerBank)
    return "needs " + std::to_string(plan.rowsUsed) +
           " rows per bank from row " + std::to_string(firstRow) +
           " but the device has " + std::to_string(geometry.rowsPerBank);
  return "";
}

/// fc1 row sharded over every lane (see planExpert).
static std::string planLanes(const ExpertShape &shape,
                             const DeviceGeometry &geometry, uint32_t firstRow,
                             uint32_t chunkBytes, uint32_t tokensPerPass,
                             ExpertPlan &plan) {
  uint32_t banks = geometry.banksPerChannel;
  uint32_t burstBytes = geometry.burstBytes;
  plan.tokensPerPass = tokensPerPass = std::max(tokensPerPass, 1u);
  if (std::string problem =
          placeMatrices(shape, geometry, firstRow, MatrixSharding::Rows, plan);
      !problem.empty())
    return problem;

  uint32_t accsPerTile = (shape.gated ? 2 : 1) * tokensPerPass;
  if (geometry.accumulatorsPerBank < accsPerTile)
    return "needs " + std::to_string(accsPerTile) +
           " accumulators per bank, the device has " +
           std::to_string(geometry.accumulatorsPerBank);
  plan.fc1TilesPerGroup = geometry.accumulatorsPerBank / accsPerTile;
  plan.fc2TilesPerGroup = geometry.accumulatorsPerBank / tokensPerPass;

  // The intermediates stay in the global buffer (fc2 reads them there); the
  // input chunks take what is left, in whole bursts.
  // MVGB writes a whole tile of banks, even of a partial last tile.
  plan.intermediateBytes =
      std::max<uint64_t>(plan.down.localInputs,
                         ceilDiv(uint64_t(plan.gate.tiles) * banks,
                                 burstBytes / kStorageBytes) *
                             (burstBytes / kStorageBytes)) *
      kStorageBytes;
  uint64_t kept = uint64_t(plan.intermediateBytes) * tokensPerPass;
  if (kept + uint64_t(burstBytes) * tokensPerPass > geometry.globalBufferBytes)
    return "the intermediate slice of " +
           std::to_string(plan.intermediateBytes) + " bytes per channel and " +
           "one input burst, for " + std::to_string(tokensPerPass) +
           " token(s), do not fit the " +
           std::to_string(geometry.globalBufferBytes) + "-byte global buffer";
  uint32_t room = (geometry.globalBufferBytes - kept) / tokensPerPass;
  if (chunkBytes != 0)
    room = std::min(room, chunkBytes);
  room -= room % burstBytes;
  // A token that needs several chunks: whole rows per chunk, so each chunk
  // ends where a row does and every row is opened once per chunk.
  uint32_t inputBytes = plan.gate.localInputs * kStorageBytes;
  if (chunkBytes == 0 && room < inputBytes && room >= geometry.rowBytes)
    room -= room % geometry.rowBytes;
  if (room == 0)
    return "chunk bytes must hold at least one " + std::to_string(burstBytes) +
           "-byte burst";
  plan.chunkBytes = std::min(room, inputBytes);
  plan.intermediateGbOffset = geometry.globalBufferBytes - kept;
  return "";
}

/// Whether fc1 can be slice sharded: every channel's slice inside the token,
/// every intermediate in one window of banks for fc2, and the gate and
/// linear sums held together after the reduction.
static bool canSliceHidden(const ExpertShape &shape,
                           const DeviceGeometry &geometry) {
  return geometry.channels > 1 && shape.hidden % geometry.channels == 0 &&
         uint64_t(shape.intermediate) <=
             uint64_t(geometry.channels) * geometry.banksPerChannel &&
         geometry.accumulatorsPerBank >= (shape.gated ? 2u : 1u);
}

/// fc1 slice sharded over the channels (ExpertPlan::hiddenSliced).
static std::string planSlices(const ExpertShape &shape,
                              const DeviceGeometry &geometry, uint32_t firstRow,
                              ExpertPlan &plan) {
  uint32_t banks = geometry.banksPerChannel;
  uint32_t burst = geometry.burstBytes / kStorageBytes;
  plan.hiddenSliced = true;
  plan.tokensPerPass = 1;
  if (std::string problem = placeMatrices(shape, geometry, firstRow,
                                          MatrixSharding::Slices, plan);
      !problem.empty())
    return problem;
  uint32_t window = ceilDiv(shape.intermediate, geometry.channels);
  plan.windowBytes = window * 4;
  plan.sumsFloats =
      std::max<uint64_t>(uint64_t(plan.gate.tiles) * banks,
                         uint64_t(geometry.channels - 1) * window + banks);
  plan.fc1TilesPerGroup = geometry.accumulatorsPerBank;
  plan.fc2TilesPerGroup = geometry.accumulatorsPerBank;
  // The slice at byte 0, the window's intermediates (one MVGB) at the end.
  plan.chunkBytes = plan.gate.localInputs * kStorageBytes;
  plan.intermediateBytes =
      std::max(plan.down.localInputs, ceilDiv(banks, burst) * burst) *
      kStorageBytes;
  if (uint64_t(plan.chunkBytes) + plan.intermediateBytes >
      geometry.globalBufferBytes)
    return "the hidden slice of " + std::to_string(plan.chunkBytes) +
           " bytes and the intermediate window of " +
           std::to_string(plan.intermediateBytes) + " bytes do not fit the " +
           std::to_string(geometry.globalBufferBytes) + "-byte global buffer";
  plan.intermediateGbOffset =
      geometry.globalBufferBytes - plan.intermediateBytes;
  return "";
}

/// MACs of fc1 for one token, with every host burst of a sliced plan's
/// reduction counted as a quarter of a MAC (a 32-byte burst takes 2 cycles
/// of the host link against 7.1 per power-limited all-bank MAC on
/// hbm3e-pim), as the two plans compare.
static double fc1Cost(const ExpertPlan &plan, const ExpertShape &shape,
                      const DeviceGeometry &geometry) {
  double matrices = shape.gated ? 2 : 1;
  double macs = matrices * plan.gate.tiles * plan.gate.burstsPerTile;
  // Tokens sharing a row activation each still need their own MACs.
  if (!plan.hiddenSliced)
    return macs;
  double bursts = ceilDiv(4ull * geometry.banksPerChannel, geometry.burstBytes);
  return macs + matrices * (plan.gate.tiles + 1) * bursts / 4;
}

std::string moe::pim::planExpert(const ExpertShape &shape,
                                 const DeviceGeometry &geometry,
                                 uint32_t firstRow, uint32_t chunkBytes,
                                 uint32_t tokensPerPass, ExpertPlan &plan,
                                 HiddenSplit split) {
  // RDACC writes every bank's accumulator: one tile must fill the banks
  // (a partial last tile overlaps the one before, firstOutputOf).
  if (shape.hidden < geometry.banksPerChannel)
    return "hidden size " + std::to_string(shape.hidden) +
           " is smaller than the " + std::to_string(geometry.banksPerChannel) +
           " banks per channel";
  ExpertPlan lanes, sliced;
  std::string lanesProblem =
      planLanes(shape, geometry, firstRow, chunkBytes, tokensPerPass, lanes);
  bool slicedFits = split != HiddenSplit::Never &&
                    canSliceHidden(shape, geometry) &&
                    planSlices(shape, geometry, firstRow, sliced).empty();
  if (slicedFits &&
      (split == HiddenSplit::Always || !lanesProblem.empty() ||
       fc1Cost(sliced, shape, geometry) < fc1Cost(lanes, shape, geometry))) {
    plan = sliced;
    return "";
  }
  if (lanesProblem.empty())
    plan = lanes;
  return lanesProblem;
}
