//===- MeasuredTimes.h - observed expert times per token count --*- C++ -*-===//
//
// Sieve found the PIM roofline off by 1.8-4.2x, so the runtime learns: every
// observed (device, token count, seconds) updates an exponential moving
// average. The cost model then uses the measured time for that count and,
// for counts never seen, the roofline scaled by the measured/roofline ratio.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COSTMODEL_MEASUREDTIMES_H
#define MOE_COSTMODEL_MEASUREDTIMES_H

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace moe::cost {

enum class Device { Gpu, Pim };

class MeasuredTimes {
public:
  /// `smoothing` is the weight of a new sample in the moving average.
  explicit MeasuredTimes(double smoothing = 0.25);

  /// Records one observed time of an expert with `tokens` tokens, and the
  /// roofline's prediction for it (kept for the calibration ratio).
  void record(Device device, int64_t tokens, double seconds,
              double rooflineSeconds);

  /// The moving average for exactly `tokens`, if observed.
  std::optional<double> lookup(Device device, int64_t tokens) const;

  /// Moving average of measured / roofline over every sample; 1 when none.
  double calibration(Device device) const;

  bool empty() const { return samples_ == 0; }

private:
  /// NaN marks a token count never observed.
  static constexpr double kUnseen = std::numeric_limits<double>::quiet_NaN();
  struct PerDevice {
    /// By token count: the policies look these up hundreds of times per
    /// decision, so a flat array rather than a map.
    std::vector<double> average;
    double ratio = 1.0;
    bool hasRatio = false;
  };
  PerDevice &of(Device device) { return device == Device::Gpu ? gpu_ : pim_; }
  const PerDevice &of(Device device) const {
    return device == Device::Gpu ? gpu_ : pim_;
  }

  double smoothing_;
  PerDevice gpu_, pim_;
  int64_t samples_ = 0;
};

} // namespace moe::cost

#endif // MOE_COSTMODEL_MEASUREDTIMES_H
