//===- ExpertCost.h - time of one expert and of a layer's split -*- C++ -*-===//
//
// The roofline of one MoE layer on a GPU + PIM system (docs/CostModel.md):
//   GPU expert, n tokens:  max((W + 2 n H a) / BW_gpu, n F / peak_gpu)
//   PIM expert, n tokens:  n serial GEMVs, each
//                          max(W / BW_int, F / peak_pim) + broadcast + readback
//                          + command overhead (experts sharded over channels)
//   layer:                 max(T_comm, T_gpu, T_pim)
// with W the expert's weight bytes, F = 2 M H I its FLOPs per token (M
// matrices), a the activation element size. Measured times, when the
// runtime has them, replace the roofline (MeasuredTimes.h).
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COSTMODEL_EXPERTCOST_H
#define MOE_COSTMODEL_EXPERTCOST_H

#include "moe/CostModel/Hardware.h"
#include "moe/CostModel/MeasuredTimes.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace moe::cost {

/// The shape of every routed expert of one layer.
struct ExpertShape {
  int64_t hidden = 0;       ///< H
  int64_t intermediate = 0; ///< I
  int matrices = 2;         ///< 2 (fc1, fc2) or 3 (gated: gate, up, down)
  int weightBits = 16;      ///< 32, 16, 8 or 4
  int activationBytes = 2;  ///< element size of tokens

  double weightBytes() const;
  double flopsPerToken() const;
  /// Arithmetic intensity of the expert with `tokens` tokens on a GPU:
  /// FLOPs / bytes moved (weights once, tokens in and out).
  double opsPerByte(int64_t tokens) const;
};

/// How PIM experts are laid out: Sieve shards every expert over all
/// channels; PIMoE keeps each expert whole in one channel.
enum class PimMapping { Sharded, PerChannel };

/// Tokens of each expert that run on the GPU; the rest run on PIM.
struct ExpertSplit {
  std::vector<int64_t> gpuTokens;

  /// Every expert whole on one side.
  static ExpertSplit allOn(const std::vector<int64_t> &counts, bool gpu);
};

/// The three terms of a layer's time, in seconds.
struct LayerTime {
  double gpu = 0, pim = 0, comm = 0;
  double total() const;
};

/// The cost model of one layer: shape, hardware, and optional measurements.
class LayerCostModel {
public:
  LayerCostModel(ExpertShape shape, GpuDescriptor gpu, PimDescriptor pim,
                 LinkDescriptor link, const MeasuredTimes *measured = nullptr);

  const ExpertShape &shape() const { return shape_; }
  const GpuDescriptor &gpu() const { return gpu_; }
  const PimDescriptor &pim() const { return pim_; }
  const LinkDescriptor &link() const { return link_; }

  /// One expert on the GPU with `tokens` > 0 tokens (launch not included).
  /// Inline: the policies call these thousands of times per decision.
  double gpuExpertTime(int64_t tokens) const {
    if (tokens <= 0)
      return 0;
    return measured_ ? measuredGpu(tokens) : rooflineGpu(tokens);
  }
  /// One expert on PIM: `tokens` serial GEMVs.
  double pimExpertTime(int64_t tokens,
                       PimMapping mapping = PimMapping::Sharded) const {
    if (tokens <= 0)
      return 0;
    // Measurements are of the sharded layout the runtime uses.
    if (measured_ && mapping == PimMapping::Sharded)
      return measuredPim(tokens);
    return rooflinePim(tokens, mapping);
  }
  /// One GEMV of one expert (sharded over all channels, or in one channel).
  double pimGemvTime(PimMapping mapping = PimMapping::Sharded) const {
    return mapping == PimMapping::Sharded ? gemvSharded_ : gemvPerChannel_;
  }
  /// The roofline alone, ignoring measurements: what a new measurement is
  /// compared with (`MeasuredTimes::record`).
  double rooflineTime(Device device, int64_t tokens) const {
    if (tokens <= 0)
      return 0;
    return device == Device::Gpu ? rooflineGpu(tokens)
                                 : rooflinePim(tokens, PimMapping::Sharded);
  }
  /// Moving `tokens` tokens to PIM and their results back (latency
  /// excluded).
  double commTime(int64_t tokens) const { return tokens * commPerToken_; }

  /// The layer's time for `split` of `counts`.
  LayerTime layerTime(const std::vector<int64_t> &counts,
                      const ExpertSplit &split,
                      PimMapping mapping = PimMapping::Sharded) const;

  /// The coefficients of the linear pieces the optimal policy works with:
  /// GPU expert time = max(gpuFixed + gpuPerTokenBytes n, gpuPerTokenFlops
  /// n); PIM and comm time per token; both include the measured calibration.
  struct Linearised {
    double gpuFixed, gpuPerTokenBytes, gpuPerTokenFlops;
    double pimPerToken, commPerToken, commLatency, launch;
  };
  Linearised linearised() const;

private:
  double rooflineGpu(int64_t tokens) const {
    return std::max(weightReadTime_ + tokens * tokenTrafficTime_,
                    tokens * tokenComputeTime_);
  }
  double rooflinePim(int64_t tokens, PimMapping mapping) const {
    return tokens * pimGemvTime(mapping);
  }
  double measuredGpu(int64_t tokens) const;
  double measuredPim(int64_t tokens) const;
  double computeGemvTime(PimMapping mapping) const;

  ExpertShape shape_;
  GpuDescriptor gpu_;
  PimDescriptor pim_;
  LinkDescriptor link_;
  const MeasuredTimes *measured_;
  // Derived once: policies evaluate thousands of candidate moves per layer.
  double weightReadTime_, tokenTrafficTime_, tokenComputeTime_;
  double gemvSharded_, gemvPerChannel_, commPerToken_;
};

} // namespace moe::cost

#endif // MOE_COSTMODEL_EXPERTCOST_H
