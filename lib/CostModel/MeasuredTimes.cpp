//===- MeasuredTimes.cpp - moving averages of observed expert times -------===//

#include "moe/CostModel/MeasuredTimes.h"

namespace moe::cost {

MeasuredTimes::MeasuredTimes(double smoothing) : smoothing_(smoothing) {}

void MeasuredTimes::record(Device device, int64_t tokens, double seconds,
                           double rooflineSeconds) {
  PerDevice &d = of(device);
  auto [it, inserted] = d.average.try_emplace(tokens, seconds);
  if (!inserted)
    it->second += smoothing_ * (seconds - it->second);
  if (rooflineSeconds > 0) {
    double ratio = seconds / rooflineSeconds;
    d.ratio = d.hasRatio ? d.ratio + smoothing_ * (ratio - d.ratio) : ratio;
    d.hasRatio = true;
  }
  ++samples_;
}

std::optional<double> MeasuredTimes::lookup(Device device,
                                            int64_t tokens) const {
  const PerDevice &d = of(device);
  auto it = d.average.find(tokens);
  if (it == d.average.end())
    return std::nullopt;
  return it->second;
}

double MeasuredTimes::calibration(Device device) const {
  return of(device).ratio;
}

} // namespace moe::cost
