//===- FunctionalState.cpp - the data of a simulated PIM device ----------===//

#include "FunctionalState.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace moe::pim {

namespace {

float widenBf16(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

/// The activation unit: evaluated in double from the fp32 input and
/// rounded to fp32 once (docs/PIM.md).
float applyActivation(ActivationFunction function, float input, float param0,
                      float param1) {
  double x = input;
  switch (function) {
  case ActivationFunction::Identity:
    return input;
  case ActivationFunction::Relu:
    return input > 0 ? input : 0.0f;
  case ActivationFunction::GeluErf:
    return static_cast<float>(0.5 * x * (1 + std::erf(x / std::sqrt(2.0))));
  case ActivationFunction::GeluTanh:
    return static_cast<float>(
        0.5 * x *
        (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))));
  case ActivationFunction::Silu:
    return static_cast<float>(x / (1 + std::exp(-x)));
  case ActivationFunction::Swish:
    x = std::min(x, static_cast<double>(param1));
    return static_cast<float>(x / (1 + std::exp(-double(param0) * x)));
  case ActivationFunction::Clamp:
    return std::min(std::max(input, param0), param1);
  }
  return input;
}

} // namespace

FunctionalState::FunctionalState(const CommandStream &stream)
    : geometry_(stream.geometry), storage_(stream.storage) {
  const DeviceGeometry &g = geometry_;
  uint32_t element = elementBytes(storage_);
  rowElements_ = g.rowBytes / element;
  burstElements_ = g.burstBytes / element;
  gbElements_ = g.globalBufferBytes / element;
  size_t bankCount = size_t(g.channels) * g.banksPerChannel;
  rows_.resize(bankCount);
  size_t total = 0;
  for (const WeightSegment &segment : stream.weights)
    total += segment.data.size() / element;
  weights_.resize(total);
  size_t offset = 0;
  for (const WeightSegment &segment : stream.weights) {
    std::memcpy(weights_.data() + offset, segment.data.data(),
                segment.data.size());
    rows_[size_t(segment.channel) * g.banksPerChannel + segment.bank].push_back(
        {segment.firstRow, segment.rowCount, offset});
    offset += segment.data.size() / element;
  }
  for (std::vector<RowRange> &ranges : rows_)
    std::sort(ranges.begin(), ranges.end(),
              [](const RowRange &a, const RowRange &b) {
                return a.firstRow < b.firstRow;
              });
  zeroRow_.assign(rowElements_, 0);
  openRow_.assign(bankCount, zeroRow_.data());
  gbBits_.assign(size_t(g.channels) * gbElements_, 0);
  gbValues_.assign(gbBits_.size(), 0.0f);
  accumulators_.assign(
      size_t(g.channels) * g.accumulatorsPerBank * g.banksPerChannel, 0.0f);
  if (storage_ == StorageType::F16) {
    f16Table_.resize(1 << 16);
    for (uint32_t bits = 0; bits < (1u << 16); ++bits)
      f16Table_[bits] = fromStorage(static_cast<uint16_t>(bits), storage_);
  }
}

void FunctionalState::reset() {
  std::fill(openRow_.begin(), openRow_.end(), zeroRow_.data());
  std::fill(gbBits_.begin(), gbBits_.end(), 0);
  std::fill(gbValues_.begin(), gbValues_.end(), 0.0f);
  std::fill(accumulators_.begin(), accumulators_.end(), 0.0f);
}

const uint16_t *FunctionalState::rowData(uint32_t channel, uint32_t bank,
                                         uint32_t row) const {
  const std::vector<RowRange> &ranges =
      rows_[size_t(channel) * geometry_.banksPerChannel + bank];
  // The last segment starting at or before `row`.
  auto it = std::upper_bound(ranges.begin(), ranges.end(), row,
                             [](uint32_t value, const RowRange &range) {
                               return value < range.firstRow;
                             });
  if (it == ranges.begin())
    return zeroRow_.data();
  --it;
  if (row - it->firstRow >= it->rowCount)
    return zeroRow_.data(); // rows no segment maps read as zeros
  return weights_.data() + it->offset +
         size_t(row - it->firstRow) * rowElements_;
}

void FunctionalState::activate(uint32_t channel, uint32_t bank, uint32_t row) {
  openRow_[size_t(channel) * geometry_.banksPerChannel + bank] =
      rowData(channel, bank, row);
}

void FunctionalState::activateAll(uint32_t channel, uint32_t row) {
  for (uint32_t bank = 0; bank < geometry_.banksPerChannel; ++bank)
    activate(channel, bank, row);
}

void FunctionalState::close(uint32_t channel, uint32_t bank) {
  openRow_[size_t(channel) * geometry_.banksPerChannel + bank] =
      zeroRow_.data();
}

void FunctionalState::closeAll(uint32_t channel) {
  for (uint32_t bank = 0; bank < geometry_.banksPerChannel; ++bank)
    close(channel, bank);
}

void FunctionalState::macAll(uint32_t channel, const Command &command) {
  const uint32_t banks = geometry_.banksPerChannel;
  const float *x = gbValues_.data() + size_t(channel) * gbElements_ +
                   command.gbOffset / elementBytes(storage_);
  const uint16_t *const *rows = openRow_.data() + size_t(channel) * banks;
  const size_t first = size_t(command.column) * burstElements_;
  float *acc = accumulators(channel, command.acc);
  // Element-major, bank-minor: every bank's sum still runs over the
  // elements in order (the documented order), while the independent banks
  // keep the FPU busy.
  if (storage_ == StorageType::BF16) {
    for (uint32_t i = 0; i < burstElements_; ++i) {
      float xi = x[i];
      for (uint32_t bank = 0; bank < banks; ++bank)
        acc[bank] = acc[bank] + widenBf16(rows[bank][first + i]) * xi;
    }
  } else {
    const float *table = f16Table_.data();
    for (uint32_t i = 0; i < burstElements_; ++i) {
      float xi = x[i];
      for (uint32_t bank = 0; bank < banks; ++bank)
        acc[bank] = acc[bank] + table[rows[bank][first + i]] * xi;
    }
  }
}

void FunctionalState::writeGlobalBuffer(uint32_t channel, const uint8_t *host,
                                        const Command &command) {
  uint32_t element = elementBytes(storage_);
  size_t first = size_t(channel) * gbElements_ + command.gbOffset / element;
  uint32_t count = command.bytes / element;
  std::memcpy(gbBits_.data() + first, host, command.bytes);
  for (uint32_t i = 0; i < count; ++i)
    gbValues_[first + i] = fromStorage(gbBits_[first + i], storage_);
}

void FunctionalState::setAccumulators(uint32_t channel, const uint8_t *host,
                                      const Command &command) {
  float *acc = accumulators(channel, command.acc);
  if (!host)
    std::fill(acc, acc + geometry_.banksPerChannel, 0.0f);
  else
    std::memcpy(acc, host, 4 * size_t(geometry_.banksPerChannel));
}

void FunctionalState::activation(uint32_t channel, const Command &command) {
  float *acc = accumulators(channel, command.acc);
  for (uint32_t bank = 0; bank < geometry_.banksPerChannel; ++bank)
    acc[bank] = applyActivation(command.function, acc[bank], command.param0,
                                command.param1);
}

void FunctionalState::multiplyAccumulators(uint32_t channel,
                                           const Command &command) {
  float *acc = accumulators(channel, command.acc);
  const float *other = accumulators(channel, command.acc2);
  for (uint32_t bank = 0; bank < geometry_.banksPerChannel; ++bank) {
    float factor = other[bank] + command.param0;
    acc[bank] = acc[bank] * factor;
  }
}

void FunctionalState::moveToGlobalBuffer(uint32_t channel,
                                         const Command &command) {
  const float *acc = accumulators(channel, command.acc);
  size_t first =
      size_t(channel) * gbElements_ + command.gbOffset / elementBytes(storage_);
  for (uint32_t bank = 0; bank < geometry_.banksPerChannel; ++bank) {
    gbBits_[first + bank] = toStorage(acc[bank], storage_);
    gbValues_[first + bank] = fromStorage(gbBits_[first + bank], storage_);
  }
}

void FunctionalState::readAccumulators(uint32_t channel, uint8_t *host,
                                       const Command &command) {
  const float *acc = accumulators(channel, command.acc);
  for (uint32_t bank = 0; bank < geometry_.banksPerChannel; ++bank) {
    float value = acc[bank];
    if (command.readMode == ReadMode::Add) {
      float old;
      std::memcpy(&old, host + 4 * size_t(bank), 4);
      value = old + value;
    }
    std::memcpy(host + 4 * size_t(bank), &value, 4);
  }
}

} // namespace moe::pim
