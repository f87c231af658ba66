//===- MeasuredTimes.cpp - moving averages of observed expert times -------===//

#include "moe/CostModel/MeasuredTimes.h"

#include <cmath>

namespace moe::cost {

MeasuredTimes::MeasuredTimes(double smoothing) : smoothing_(smoothing) {}

void MeasuredTimes::record(Device device, int64_t tokens, double seconds,
                           double rooflineSeconds) {
  PerDevice &d = of(device);
  if (tokens < 0)
    return;
  if (static_cast<size_t>(tokens) >= d.average.size())
    d.average.resize(tokens + 1, kUnseen);
  double &average = d.average[tokens];
  if (std::isnan(average))
    average = seconds;
  else
    average += smoothing_ * (seconds - average);
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
  if (tokens < 0 || static_cast<size_t>(tokens) >= d.average.size() ||
      std::isnan(d.average[tokens]))
    return std::nullopt;
  return d.average[tokens];
}

double MeasuredTimes::calibration(Device device) const {
  return of(device).ratio;
}

} // namespace moe::cost
