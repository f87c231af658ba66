//===- ModelCatalog.cpp - built-in MoE models and routing fits ------------===//
//
// Model shapes are the public configs as summarised in REFERENCE.md ("Model
// shapes"); routing statistics are Sieve's (arXiv 2605.11277): the share of
// active experts with exactly one token at batch 64 and 256, and for
// Qwen3-Next the share with at most four at batch 64. Built without
// exceptions, like TokenProfile.cpp.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/ModelCatalog.h"

#include "JsonSyntaxError.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace moe::cost {

ExpertShape MoEModel::expertShape() const {
  ExpertShape shape;
  shape.hidden = hidden;
  shape.intermediate = expertIntermediate;
  shape.matrices = matrices;
  shape.weightBits = weightBits;
  shape.activationBytes = 2;
  return shape;
}

namespace {

/// Attention and other non-expert weights read per layer and step, when a
/// model does not say: four H x H projections (an assumption: grouped-query
/// attention reads less, multi-head latent attention about as much).
double defaultDenseBytes(int64_t hidden, int weightBits) {
  return 4.0 * static_cast<double>(hidden) * static_cast<double>(hidden) *
         weightBits / 8.0;
}

MoEModel makeModel(std::string name, int64_t hidden, int64_t inter,
                   int64_t experts, int64_t k, int64_t shared, int64_t layers,
                   int64_t moeLayers, std::vector<RoutingStatistic> stats,
                   std::string source) {
  MoEModel model;
  model.name = std::move(name);
  model.hidden = hidden;
  model.expertIntermediate = inter;
  model.experts = experts;
  model.k = k;
  model.sharedExperts = shared;
  model.layers = layers;
  model.moeLayers = moeLayers;
  model.denseBytesPerLayer = defaultDenseBytes(hidden, model.weightBits);
  model.statistics = std::move(stats);
  model.source = std::move(source);
  return model;
}

} // namespace

const std::vector<MoEModel> &builtinModels() {
  static const std::vector<MoEModel> models = {
      makeModel("mixtral-8x7b", 4096, 14336, 8, 2, 0, 32, 32, {},
                "public config; no published routing statistics (uniform)"),
      makeModel("qwen3-30b-a3b", 2048, 768, 128, 8, 0, 48, 48,
                {{64, 0.202, std::nullopt}, {256, 0.119, std::nullopt}},
                "public config; one-token shares from Sieve"),
      makeModel("gpt-oss-120b", 2880, 2880, 128, 4, 0, 36, 36,
                {{64, 0.326, std::nullopt}, {256, 0.235, std::nullopt}},
                "public config; one-token shares from Sieve"),
      makeModel("deepseek-v3", 7168, 2048, 256, 8, 1, 61, 58, {},
                "public config (3 dense layers); no published routing "
                "statistics (uniform)"),
      makeModel("qwen3-next-80b-a3b", 2048, 512, 512, 10, 1, 48, 48,
                {{64, 0.442, 0.893}, {256, 0.239, std::nullopt}},
                "public config; one-token and <=4 shares from Sieve"),
      // Sieve gives no statistics for Qwen3.5; it shares Qwen3-Next's
      // router shape (512 experts, top 10), whose statistics stand in.
      makeModel("qwen3.5-397b-a17b", 4096, 1024, 512, 10, 1, 60, 60,
                {{64, 0.442, 0.893}, {256, 0.239, std::nullopt}},
                "public config; Qwen3-Next's shares from Sieve (same router "
                "shape; an assumption)"),
  };
  return models;
}

std::optional<MoEModel> findModel(std::string_view name) {
  for (const MoEModel &model : builtinModels())
    if (model.name == name)
      return model;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

namespace {
using Json = nlohmann::json;

bool readCount(const Json &object, const char *field, int64_t minimum,
               int64_t &out, bool required, std::string &error) {
  auto it = object.find(field);
  if (it == object.end()) {
    if (required)
      error = std::string("missing field \"") + field + "\"";
    return !required;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < minimum) {
    error = std::string("field \"") + field +
            "\" must be an integer >= " + std::to_string(minimum);
    return false;
  }
  out = it->get<int64_t>();
  return true;
}

bool readShare(const Json &object, const char *field,
               std::optional<double> &out, std::string &error) {
  auto it = object.find(field);
  if (it == object.end())
    return true;
  if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) {
    error = std::string("field \"") + field + "\" must be a number in [0, 1]";
    return false;
  }
  out = it->get<double>();
  return true;
}

} // namespace

std::optional<MoEModel> parseModelJson(std::string_view text,
                                       std::string &error) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    error = detail::describeJsonSyntaxError(text);
    return std::nullopt;
  }
  if (!doc.is_object()) {
    error = "a model must be a JSON object";
    return std::nullopt;
  }
  static const std::set<std::string> known = {"name",
                                              "hidden",
                                              "expert_intermediate",
                                              "experts",
                                              "k",
                                              "shared_experts",
                                              "layers",
                                              "moe_layers",
                                              "matrices",
                                              "weight_bits",
                                              "dense_bytes_per_layer",
                                              "statistics"};
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (!known.count(it.key())) {
      error = "unknown field \"" + it.key() + "\"";
      return std::nullopt;
    }
  MoEModel model;
  auto name = doc.find("name");
  if (name == doc.end() || !name->is_string() ||
      name->get<std::string>().empty()) {
    error = "missing field \"name\" (a non-empty string)";
    return std::nullopt;
  }
  model.name = name->get<std::string>();
  int64_t matrices = 3, bits = 16;
  model.moeLayers = -1;
  if (!readCount(doc, "hidden", 1, model.hidden, true, error) ||
      !readCount(doc, "expert_intermediate", 1, model.expertIntermediate, true,
                 error) ||
      !readCount(doc, "experts", 1, model.experts, true, error) ||
      !readCount(doc, "k", 1, model.k, true, error) ||
      !readCount(doc, "layers", 1, model.layers, true, error) ||
      !readCount(doc, "moe_layers", 0, model.moeLayers, false, error) ||
      !readCount(doc, "shared_experts", 0, model.sharedExperts, false, error) ||
      !readCount(doc, "matrices", 2, matrices, false, error) ||
      !readCount(doc, "weight_bits", 1, bits, false, error)) {
    error = "model \"" + model.name + "\": " + error;
    return std::nullopt;
  }
  auto fail = [&](const std::string &message) {
    error = "model \"" + model.name + "\": " + message;
    return std::nullopt;
  };
  if (model.k > model.experts)
    return fail("k = " + std::to_string(model.k) +
                " exceeds experts = " + std::to_string(model.experts));
  if (matrices > 3)
    return fail("field \"matrices\" must be 2 or 3");
  if (bits != 4 && bits != 8 && bits != 16 && bits != 32)
    return fail("field \"weight_bits\" must be 4, 8, 16 or 32");
  if (model.moeLayers < 0)
    model.moeLayers = model.layers;
  if (model.moeLayers > model.layers)
    return fail("field \"moe_layers\" exceeds \"layers\"");
  model.matrices = static_cast<int>(matrices);
  model.weightBits = static_cast<int>(bits);
  model.denseBytesPerLayer = defaultDenseBytes(model.hidden, model.weightBits);
  if (auto it = doc.find("dense_bytes_per_layer"); it != doc.end()) {
    if (!it->is_number() || it->get<double>() < 0)
      return fail("field \"dense_bytes_per_layer\" must be a number >= 0");
    model.denseBytesPerLayer = it->get<double>();
  }
  if (auto it = doc.find("statistics"); it != doc.end()) {
    if (!it->is_array())
      return fail("field \"statistics\" must be an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const Json &entry = (*it)[i];
      std::string where = "statistics[" + std::to_string(i) + "]: ";
      RoutingStatistic stat;
      std::optional<double> one;
      if (!entry.is_object())
        return fail(where + "must be an object");
      if (!readCount(entry, "batch", 1, stat.batch, true, error) ||
          !readShare(entry, "one_token", one, error) ||
          !readShare(entry, "four_or_fewer", stat.fourOrFewerShare, error))
        return fail(where + error);
      if (!one)
        return fail(where + "missing field \"one_token\"");
      stat.oneTokenShare = *one;
      model.statistics.push_back(stat);
    }
  }
  model.source = "user JSON";
  return model;
}

std::optional<MoEModel> resolveModel(const std::string &spec,
                                     std::string &error) {
  if (std::optional<MoEModel> model = findModel(spec))
    return model;
  if (spec.size() < 5 || spec.compare(spec.size() - 5, 5, ".json") != 0) {
    error = "unknown model '" + spec + "'; built-in:";
    for (const MoEModel &model : builtinModels())
      error += " " + model.name;
    error += " (or a .json file)";
    return std::nullopt;
  }
  std::ifstream file(spec, std::ios::binary);
  if (!file) {
    error = "cannot open model file '" + spec + "'";
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  std::optional<MoEModel> model = parseModelJson(text.str(), error);
  if (!model)
    error = spec + ": " + error;
  return model;
}

//===----------------------------------------------------------------------===//
// Routing statistics and the fit
//===----------------------------------------------------------------------===//

namespace {

/// P(X = j) for X ~ Binomial(n, p), j = 0..4, by the recurrence.
std::array<double, 5> smallBinomial(int64_t n, double p) {
  std::array<double, 5> probs{};
  if (p >= 1) {
    if (n <= 4)
      probs[n] = 1;
    return probs;
  }
  probs[0] = std::pow(1 - p, static_cast<double>(n));
  for (int64_t j = 1; j <= 4 && j <= n; ++j)
    probs[j] = probs[j - 1] * static_cast<double>(n - j + 1) /
               static_cast<double>(j) * p / (1 - p);
  return probs;
}

} // namespace

RoutingStatistic predictStatistic(const DistributionSpec &spec, int64_t experts,
                                  int64_t k, int64_t batch) {
  // The chance that an expert is among a token's k picks, approximated by
  // min(1, c w): the c that makes them sum to k (k draws without
  // replacement never pick an expert twice).
  std::vector<double> weights = rankWeights(spec, experts);
  double lo = 0, hi = 1;
  auto picks = [&](double c) {
    double sum = 0;
    for (double w : weights)
      sum += std::min(1.0, c * w);
    return sum;
  };
  while (picks(hi) < static_cast<double>(k) && hi < 1e300)
    hi *= 2;
  for (int iteration = 0; iteration < 100; ++iteration) {
    double mid = 0.5 * (lo + hi);
    (picks(mid) < static_cast<double>(k) ? lo : hi) = mid;
  }
  double active = 0, one = 0, fourOrFewer = 0;
  for (double w : weights) {
    std::array<double, 5> probs = smallBinomial(batch, std::min(1.0, hi * w));
    active += 1 - probs[0];
    one += probs[1];
    fourOrFewer += probs[1] + probs[2] + probs[3] + probs[4];
  }
  RoutingStatistic stat;
  stat.batch = batch;
  stat.oneTokenShare = active > 0 ? one / active : 0;
  stat.fourOrFewerShare = active > 0 ? fourOrFewer / active : 0;
  return stat;
}

RoutingStatistic measureStatistic(const DistributionSpec &spec, int64_t experts,
                                  int64_t k, int64_t batch, int64_t steps) {
  DistributionSpec sampled = spec;
  sampled.batch = batch;
  sampled.steps = steps;
  TokenProfile::Layer layer = sampleLayer(sampled, experts, k);
  int64_t active = 0, one = 0, fourOrFewer = 0;
  for (const std::vector<int64_t> &counts : layer.steps)
    for (int64_t count : counts) {
      active += count > 0;
      one += count == 1;
      fourOrFewer += count > 0 && count <= 4;
    }
  RoutingStatistic stat;
  stat.batch = batch;
  stat.oneTokenShare = active ? static_cast<double>(one) / active : 0;
  stat.fourOrFewerShare =
      active ? static_cast<double>(fourOrFewer) / active : 0;
  return stat;
}

DistributionSpec fitDistribution(const MoEModel &model, double *fitError) {
  DistributionSpec best;
  best.kind = DistributionKind::Uniform;
  if (fitError)
    *fitError = 0;
  if (model.statistics.empty())
    return best;
  auto residual = [&](const DistributionSpec &spec) {
    double sum = 0;
    int terms = 0;
    for (const RoutingStatistic &target : model.statistics) {
      RoutingStatistic got =
          predictStatistic(spec, model.experts, model.k, target.batch);
      sum += std::pow(got.oneTokenShare - target.oneTokenShare, 2);
      ++terms;
      if (target.fourOrFewerShare) {
        sum += std::pow(*got.fourOrFewerShare - *target.fourOrFewerShare, 2);
        ++terms;
      }
    }
    return std::sqrt(sum / terms);
  };
  double bestError = residual(best);
  // A grid over hot fraction (1% .. 60%) and relative weight (1 .. 10^4,
  // log-spaced), then one finer pass around the best point.
  auto search = [&](double fracLo, double fracHi, double logWLo,
                    double logWHi) {
    for (int i = 0; i <= 40; ++i)
      for (int j = 0; j <= 40; ++j) {
        DistributionSpec spec;
        spec.kind = DistributionKind::Bimodal;
        spec.hotFraction = fracLo + (fracHi - fracLo) * i / 40.0;
        spec.hotWeight = std::pow(10.0, logWLo + (logWHi - logWLo) * j / 40.0);
        double error = residual(spec);
        if (error < bestError) {
          bestError = error;
          best = spec;
        }
      }
  };
  search(0.01, 0.6, 0.0, 4.0);
  if (best.kind == DistributionKind::Bimodal) {
    double f = best.hotFraction, lw = std::log10(best.hotWeight);
    search(std::max(0.001, f - 0.015), f + 0.015, std::max(0.0, lw - 0.1),
           lw + 0.1);
  }
  if (fitError)
    *fitError = bestError;
  return best;
}

} // namespace moe::cost
