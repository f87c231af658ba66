//===- ExpertCost.cpp - the roofline of experts on GPU and PIM ------------===//

#include "moe/CostModel/ExpertCost.h"

#include <algorithm>

namespace moe::cost {

/// PIM units accumulate in fp32; results are read back at that width.
constexpr double kAccumulatorBytes = 4;

double ExpertShape::weightBytes() const {
  return static_cast<double>(matrices) * hidden * intermediate * weightBits /
         8.0;
}

double ExpertShape::flopsPerToken() const {
  return 2.0 * matrices * hidden * intermediate;
}

double ExpertShape::opsPerByte(int64_t tokens) const {
  double bytes = weightBytes() + 2.0 * tokens * hidden * activationBytes;
  return tokens * flopsPerToken() / bytes;
}

ExpertSplit ExpertSplit::allOn(const std::vector<int64_t> &counts, bool gpu) {
  ExpertSplit split;
  split.gpuTokens.assign(counts.size(), 0);
  if (gpu)
    split.gpuTokens = counts;
  return split;
}

double LayerTime::total() const { return std::max({gpu, pim, comm}); }

LayerCostModel::LayerCostModel(ExpertShape shape, GpuDescriptor gpu,
                               PimDescriptor pim, LinkDescriptor link,
                               const MeasuredTimes *measured)
    : shape_(shape), gpu_(std::move(gpu)), pim_(std::move(pim)),
      link_(std::move(link)), measured_(measured) {
  weightReadTime_ = shape_.weightBytes() / gpu_.memoryBandwidth;
  tokenTrafficTime_ =
      2.0 * shape_.hidden * shape_.activationBytes / gpu_.memoryBandwidth;
  tokenComputeTime_ = shape_.flopsPerToken() / gpu_.peakFlops;
  gemvSharded_ = computeGemvTime(PimMapping::Sharded);
  gemvPerChannel_ = computeGemvTime(PimMapping::PerChannel);
  commPerToken_ =
      2.0 * shape_.hidden * shape_.activationBytes / link_.bandwidth;
}

double LayerCostModel::computeGemvTime(PimMapping mapping) const {
  // Sharded: every channel holds a slice of the expert, so the whole device
  // streams it. Per channel: one channel streams all of it.
  double share = mapping == PimMapping::Sharded ? 1.0 : 1.0 / pim_.channels();
  double compute =
      std::max(shape_.weightBytes() / (pim_.internalBandwidth * share),
               shape_.flopsPerToken() / (pim_.peakFlops * share));
  // The token (H) and the activated intermediate (I) are broadcast to every
  // channel that takes part; the accumulators of every output row come back.
  double channelsInvolved =
      mapping == PimMapping::Sharded ? pim_.channels() : 1.0;
  double broadcastBytes = (shape_.hidden + shape_.intermediate) *
                          static_cast<double>(shape_.activationBytes) *
                          channelsInvolved;
  double readbackBytes =
      ((shape_.matrices - 1) * shape_.intermediate + shape_.hidden) *
      kAccumulatorBytes;
  double transfer =
      (broadcastBytes + readbackBytes) / (pim_.externalBandwidth * share);
  return compute + transfer + shape_.matrices * pim_.commandOverhead;
}

double LayerCostModel::measuredGpu(int64_t tokens) const {
  if (std::optional<double> seen = measured_->lookup(Device::Gpu, tokens))
    return *seen;
  return rooflineGpu(tokens) * measured_->calibration(Device::Gpu);
}

double LayerCostModel::measuredPim(int64_t tokens) const {
  if (std::optional<double> seen = measured_->lookup(Device::Pim, tokens))
    return *seen;
  return rooflinePim(tokens, PimMapping::Sharded) *
         measured_->calibration(Device::Pim);
}

LayerTime LayerCostModel::layerTime(const std::vector<int64_t> &counts,
                                    const ExpertSplit &split,
                                    PimMapping mapping) const {
  LayerTime time;
  std::vector<double> channelLoad;
  if (mapping == PimMapping::PerChannel)
    channelLoad.assign(pim_.channels(), 0.0);
  int64_t pimTokens = 0;
  bool anyGpu = false;
  for (size_t e = 0; e < counts.size(); ++e) {
    int64_t onGpu = std::clamp<int64_t>(split.gpuTokens[e], 0, counts[e]);
    int64_t onPim = counts[e] - onGpu;
    if (onGpu > 0) {
      anyGpu = true;
      time.gpu += gpuExpertTime(onGpu);
    }
    if (onPim > 0) {
      pimTokens += onPim;
      double t = pimExpertTime(onPim, mapping);
      if (mapping == PimMapping::PerChannel)
        channelLoad[e % channelLoad.size()] += t;
      else
        time.pim += t;
    }
  }
  if (anyGpu)
    time.gpu += gpu_.launchOverhead;
  if (mapping == PimMapping::PerChannel)
    time.pim = *std::max_element(channelLoad.begin(), channelLoad.end());
  if (pimTokens > 0)
    time.comm = link_.latency + commTime(pimTokens);
  return time;
}

LayerCostModel::Linearised LayerCostModel::linearised() const {
  double gpuScale = measured_ ? measured_->calibration(Device::Gpu) : 1.0;
  double pimScale = measured_ ? measured_->calibration(Device::Pim) : 1.0;
  Linearised lin;
  lin.gpuFixed = weightReadTime_ * gpuScale;
  lin.gpuPerTokenBytes = tokenTrafficTime_ * gpuScale;
  lin.gpuPerTokenFlops = tokenComputeTime_ * gpuScale;
  lin.pimPerToken = gemvSharded_ * pimScale;
  lin.commPerToken = commTime(1);
  lin.commLatency = link_.latency;
  lin.launch = gpu_.launchOverhead;
  return lin;
}

} // namespace moe::cost
