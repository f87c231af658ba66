//===- TokenProfile.h - tokens per expert, recorded or sampled --*- C++ -*-===//
//
// The partitioner decides from token counts per layer, per step, per
// expert. They come from a run (`moe-run --record-profile` writes this JSON
// format) or from a distribution sampled with a seed.
//
// JSON: {"format": "moe-token-profile", "version": 1,
//        "layers": [{"experts": E, "steps": [[c_0, ..., c_{E-1}], ...]}]}
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COSTMODEL_TOKENPROFILE_H
#define MOE_COSTMODEL_TOKENPROFILE_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moe::cost {

struct TokenProfile {
  struct Layer {
    int64_t numExperts = 0;
    /// steps[s][e]: tokens routed to expert e at step s.
    std::vector<std::vector<int64_t>> steps;
  };
  std::vector<Layer> layers;
};

/// Parses the JSON above; on error returns nullopt and names the layer,
/// step and field in `error`.
std::optional<TokenProfile> parseTokenProfile(std::string_view text,
                                              std::string &error);
std::optional<TokenProfile> loadTokenProfile(const std::string &path,
                                             std::string &error);
/// The JSON text of `profile` (what the runtime records).
std::string printTokenProfile(const TokenProfile &profile);

/// How a synthetic profile routes tokens.
enum class DistributionKind {
  Uniform, ///< every expert equally likely
  Zipf,    ///< expert of popularity rank r has weight 1 / r^s
  Bimodal, ///< a hot fraction of experts has `hotWeight` times the weight
};

struct DistributionSpec {
  DistributionKind kind = DistributionKind::Uniform;
  int64_t batch = 64;        ///< tokens per step
  double zipfExponent = 1.0; ///< s
  double hotFraction = 0.1;  ///< share of hot experts (bimodal)
  double hotWeight = 20.0;   ///< weight of a hot expert relative to a cold one
  uint64_t seed = 0;
  int64_t steps = 16;
};

/// Parses "uniform", "zipf:s=1.2", "bimodal:hot=0.1,weight=20", with any of
/// batch=, seed=, steps= appended after the colon (comma separated).
std::optional<DistributionSpec> parseDistribution(std::string_view text,
                                                  std::string &error);

/// The relative weight of the expert of each popularity rank (rank 0 the
/// most popular); the largest is 1.
std::vector<double> rankWeights(const DistributionSpec &spec,
                                int64_t numExperts);

/// `spec.steps` steps of `spec.batch` tokens, each picking `k` distinct of
/// `numExperts` experts by weight; the popularity order of experts is a
/// seeded permutation. Deterministic for a given spec.
TokenProfile::Layer sampleLayer(const DistributionSpec &spec,
                                int64_t numExperts, int64_t k);

} // namespace moe::cost

#endif // MOE_COSTMODEL_TOKENPROFILE_H
