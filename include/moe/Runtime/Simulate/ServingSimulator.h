//===- ServingSimulator.h - decode throughput of a model per policy -*- C++
//-*-//
//
// `moe-run --simulate`: a full-size model without weights, served at several
// decode batches on N GPUs each with its PIM, every placement policy side by
// side on the same token counts. A decode step is, per layer, the non-expert
// weights read once (attention projections, tensor parallel over the GPUs)
// plus the MoE layer: experts spread over the GPUs (expert parallel), each
// GPU placing its experts between itself and its PIM with the policy, the
// layer waiting for the slowest GPU, plus the all-to-all of token copies over
// the link and the shared experts on the GPUs. KV-cache reads are left out
// (the same for every policy). Metrics are Sieve's: tokens/s per GPU
// (throughput) and tokens/s per user (interactivity).
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_SIMULATE_SERVINGSIMULATOR_H
#define MOE_RUNTIME_SIMULATE_SERVINGSIMULATOR_H

#include "moe/CostModel/Hardware.h"
#include "moe/CostModel/ModelCatalog.h"
#include "moe/CostModel/TokenProfile.h"

#include <optional>
#include <string>
#include <vector>

namespace moe::sim {

struct ServingConfig {
  cost::MoEModel model;
  cost::GpuDescriptor gpu;
  cost::PimDescriptor pim; ///< the PIM attached to one GPU
  cost::LinkDescriptor link;
  unsigned gpus = 1;
  std::vector<int64_t> batches = {1, 8, 32, 64, 128, 256};
  std::vector<std::string> policies; ///< empty: every policy
  /// Where token counts come from: a recorded trace (its batch is the
  /// trace's), else this distribution sampled per layer.
  std::optional<cost::TokenProfile> trace;
  cost::DistributionSpec distribution;
  int64_t steps = 8;         ///< sampled decode steps per layer
  int64_t sampledLayers = 4; ///< distinct layers sampled; the rest repeat
};

/// One policy at one batch.
struct ServingPoint {
  std::string policy;
  int64_t batch = 0;
  double stepSeconds = 0;   ///< one decode step, all layers
  double moeSeconds = 0;    ///< the MoE layers' share of it
  double commSeconds = 0;   ///< of which all-to-all and GPU<->PIM transfer
  double gpuTokenShare = 0; ///< token copies computed on the GPUs
  double tokensPerSecondPerGpu() const;
  double tokensPerSecondPerUser() const;
  unsigned gpus = 1;
};

/// Every policy at every batch (batch-major). On bad input (unknown policy,
/// a trace whose expert count differs from the model's) returns nullopt and
/// sets `error`.
std::optional<std::vector<ServingPoint>>
simulateServing(const ServingConfig &config, std::string &error);

/// A table, one row per batch and policy, ratios against `baseline` (a
/// policy name, e.g. pimoe) at the same batch.
std::string formatServingTable(const ServingConfig &config,
                               const std::vector<ServingPoint> &points,
                               const std::string &baseline);

/// Sieve's Pareto plot: tokens/s per user (x) against tokens/s per GPU (y),
/// one line per policy through its batches, as an SVG document.
std::string renderParetoSvg(const ServingConfig &config,
                            const std::vector<ServingPoint> &points);

} // namespace moe::sim

#endif // MOE_RUNTIME_SIMULATE_SERVINGSIMULATOR_H
