//===- ModelCatalog.h - MoE model shapes and their routing statistics
//-*-C++-*-//
//
// The serving simulation (`moe-run --simulate`) works from a model's shape
// and from how its router spreads tokens, not from its weights. Built-in
// models carry the public config numbers and, where Sieve published them,
// the share of active experts that get exactly one token (and at most four)
// at a given batch; a synthetic token distribution is fitted to those shares
// (docs/Simulation.md). Users add models from JSON. No MLIR here.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COSTMODEL_MODELCATALOG_H
#define MOE_COSTMODEL_MODELCATALOG_H

#include "moe/CostModel/ExpertCost.h"
#include "moe/CostModel/TokenProfile.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moe::cost {

/// A published observation of a model's routing at one decode batch: among
/// experts with at least one token, the share with exactly one and with at
/// most four.
struct RoutingStatistic {
  int64_t batch = 0;
  double oneTokenShare = 0;               ///< in [0, 1]
  std::optional<double> fourOrFewerShare; ///< in [0, 1]
};

struct MoEModel {
  std::string name;
  int64_t hidden = 0;             ///< H
  int64_t expertIntermediate = 0; ///< I of one routed expert
  int64_t experts = 0;            ///< routed experts per layer
  int64_t k = 0;                  ///< experts per token
  int64_t sharedExperts = 0;      ///< dense experts every token goes through
  int64_t layers = 0;             ///< all decoder layers
  int64_t moeLayers = 0;          ///< layers with routed experts
  int matrices = 3;               ///< 3 for gated (SwiGLU) experts
  int weightBits = 16;
  /// Non-expert weight bytes per layer (attention projections, norms)
  /// that every decode step reads once.
  double denseBytesPerLayer = 0;
  std::vector<RoutingStatistic> statistics;
  /// Where the numbers come from, for the report.
  std::string source;

  ExpertShape expertShape() const;
};

const std::vector<MoEModel> &builtinModels();
std::optional<MoEModel> findModel(std::string_view name);

/// Parses one model object:
///   {"name": ..., "hidden": H, "expert_intermediate": I, "experts": E,
///    "k": k, "layers": L, "moe_layers": M (default L),
///    "shared_experts": 0, "matrices": 3, "weight_bits": 16,
///    "dense_bytes_per_layer": B (default 8 H^2 at 16 bits),
///    "statistics": [{"batch": 64, "one_token": 0.2, "four_or_fewer": 0.9}]}
/// On error returns nullopt with a message naming the field in `error`.
std::optional<MoEModel> parseModelJson(std::string_view text,
                                       std::string &error);
/// A built-in name, or a path ending in `.json`.
std::optional<MoEModel> resolveModel(const std::string &spec,
                                     std::string &error);

/// The routing shares a distribution gives at `batch` for E experts, k per
/// token, estimated in closed form (each expert's tokens ~ Binomial(batch,
/// its chance to be among a token's k)).
RoutingStatistic predictStatistic(const DistributionSpec &spec, int64_t experts,
                                  int64_t k, int64_t batch);
/// The same measured on `steps` sampled steps (the sampler is the truth).
RoutingStatistic measureStatistic(const DistributionSpec &spec, int64_t experts,
                                  int64_t k, int64_t batch, int64_t steps);

/// The bimodal distribution whose predicted shares best fit the model's
/// statistics (least squares over a grid of hot fractions and weights);
/// uniform when the model has none. `fitError` gets the root mean square
/// difference of the fitted shares.
DistributionSpec fitDistribution(const MoEModel &model, double *fitError);

} // namespace moe::cost

#endif // MOE_COSTMODEL_MODELCATALOG_H
