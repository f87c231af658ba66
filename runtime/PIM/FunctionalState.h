//===- FunctionalState.h - the data of a simulated PIM device ---*- C++ -*-===//
//
// Row buffers, global buffers and accumulators of every channel and bank,
// and the exact arithmetic of each command (docs/PIM.md, "Numerics").
// Timing and error checks are the simulator's; this only computes.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_PIM_FUNCTIONALSTATE_H
#define MOE_RUNTIME_PIM_FUNCTIONALSTATE_H

#include "moe/Runtime/PIM/CommandStream.h"

#include <cstdint>
#include <vector>

namespace moe::pim {

class FunctionalState {
public:
  explicit FunctionalState(const CommandStream &stream);

  /// Zero GBs and accumulators, every row closed.
  void reset();

  void activate(uint32_t channel, uint32_t bank, uint32_t row);
  void activateAll(uint32_t channel, uint32_t row);
  void close(uint32_t channel, uint32_t bank);
  void closeAll(uint32_t channel);
  void macAll(uint32_t channel, const Command &command);
  void writeGlobalBuffer(uint32_t channel, const uint8_t *host,
                         const Command &command);
  /// `host` null: set to zero.
  void setAccumulators(uint32_t channel, const uint8_t *host,
                       const Command &command);
  void activation(uint32_t channel, const Command &command);
  void multiplyAccumulators(uint32_t channel, const Command &command);
  void moveToGlobalBuffer(uint32_t channel, const Command &command);
  void readAccumulators(uint32_t channel, uint8_t *host,
                        const Command &command);

private:
  struct RowRange {
    uint32_t firstRow, rowCount;
    size_t offset; ///< into weights_, in elements
  };
  float *accumulators(uint32_t channel, uint32_t acc) {
    return &accumulators_[(size_t(channel) * geometry_.accumulatorsPerBank +
                           acc) *
                          geometry_.banksPerChannel];
  }
  const uint16_t *rowData(uint32_t channel, uint32_t bank, uint32_t row) const;

  DeviceGeometry geometry_;
  StorageType storage_;
  uint32_t rowElements_, burstElements_, gbElements_;
  /// The weight image, one copy of every segment's elements.
  std::vector<uint16_t> weights_;
  /// Per (channel, bank): its segments, sorted by first row.
  std::vector<std::vector<RowRange>> rows_;
  std::vector<uint16_t> zeroRow_;
  /// Per (channel, bank): the open row's elements (zero row if unmapped).
  std::vector<const uint16_t *> openRow_;
  std::vector<uint16_t> gbBits_; ///< per channel, storage bits
  std::vector<float> gbValues_;  ///< the same, widened once
  /// [channel][acc][bank]: banks contiguous, the MAC loop's inner dimension.
  std::vector<float> accumulators_;
  /// fp16 bits -> float, built once (bf16 widens by a shift).
  std::vector<float> f16Table_;
};

} // namespace moe::pim

#endif // MOE_RUNTIME_PIM_FUNCTIONALSTATE_H
