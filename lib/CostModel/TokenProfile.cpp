//===- TokenProfile.cpp - recorded and sampled tokens per expert ----------===//
//
// Reads and writes the token profile JSON and samples synthetic profiles.
// Built without exceptions: nlohmann/json is used only through calls that
// report errors by value (parse with allow_exceptions = false, type checks
// before every get<>), so none of its throws can be reached.
//
// Sampling is bit-for-bit reproducible on every standard library: the
// engine is std::mt19937_64 (its output sequence is fixed by the standard)
// and every draw is turned into a number by the code below, never by
// std::*_distribution, whose algorithms each library picks for itself.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/TokenProfile.h"

#include "JsonSyntaxError.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>

namespace moe::cost {

namespace {
using Json = nlohmann::json;

constexpr const char *kFormat = "moe-token-profile";
constexpr int64_t kVersion = 1;

std::string inQuotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

/// A JSON value as an error message shows it: scalars as written,
/// containers by type (they can be huge).
std::string describe(const Json &value) {
  if (value.is_structured())
    return std::string("an ") + value.type_name();
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  constexpr size_t kMaxLength = 40;
  if (text.size() > kMaxLength)
    text = text.substr(0, kMaxLength) + "...";
  return text;
}

bool parseJson(std::string_view text, Json &document, std::string &error) {
  document = Json::parse(text.begin(), text.end(), nullptr,
                         /*allow_exceptions=*/false);
  if (!document.is_discarded())
    return true;
  error = detail::describeJsonSyntaxError(text);
  return false;
}

/// A JSON integer >= `minimum`; floats (even 3.0) are not counts.
std::optional<int64_t> asInteger(const Json &value, int64_t minimum) {
  int64_t result;
  if (value.is_number_unsigned()) {
    uint64_t unsignedValue = value.get<uint64_t>();
    if (unsignedValue >
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    result = static_cast<int64_t>(unsignedValue);
  } else if (value.is_number_integer()) {
    result = value.get<int64_t>();
  } else {
    return std::nullopt;
  }
  if (result < minimum)
    return std::nullopt;
  return result;
}

/// Rejects fields outside `known`: a misspelt name would otherwise be
/// reported as missing, or silently ignored.
bool checkKnownFields(const Json &object,
                      std::initializer_list<const char *> known,
                      const std::string &where, std::string &error) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool isKnown = false;
    for (const char *name : known)
      isKnown |= it.key() == name;
    if (isKnown)
      continue;
    error = where + "unknown field " + inQuotes(it.key()) + "; known fields:";
    for (const char *name : known)
      error += std::string(" ") + inQuotes(name);
    return false;
  }
  return true;
}

const Json *findField(const Json &object, const char *field,
                      const std::string &where, std::string &error) {
  auto it = object.find(field);
  if (it == object.end()) {
    error = where + "missing field " + inQuotes(field);
    return nullptr;
  }
  return &*it;
}

bool parseLayer(const Json &json, size_t layerIndex, TokenProfile::Layer &layer,
                std::string &error) {
  std::string where = "layer " + std::to_string(layerIndex) + ": ";
  if (!json.is_object()) {
    error = where + "expected an object, got " + describe(json);
    return false;
  }
  if (!checkKnownFields(json, {"experts", "steps"}, where, error))
    return false;
  const Json *experts = findField(json, "experts", where, error);
  if (!experts)
    return false;
  std::optional<int64_t> numExperts = asInteger(*experts, 1);
  if (!numExperts) {
    error = where + "field \"experts\" must be an integer >= 1, got " +
            describe(*experts);
    return false;
  }
  layer.numExperts = *numExperts;
  const Json *steps = findField(json, "steps", where, error);
  if (!steps)
    return false;
  if (!steps->is_array()) {
    error = where + "field \"steps\" must be an array, got " + describe(*steps);
    return false;
  }
  layer.steps.reserve(steps->size());
  for (size_t s = 0; s < steps->size(); ++s) {
    const Json &step = (*steps)[s];
    std::string stepWhere = "layer " + std::to_string(layerIndex) + ", step " +
                            std::to_string(s) + ": ";
    if (!step.is_array()) {
      error = stepWhere + "expected an array of token counts, got " +
              describe(step);
      return false;
    }
    if (static_cast<int64_t>(step.size()) != layer.numExperts) {
      error = stepWhere + "expected " + std::to_string(layer.numExperts) +
              " token counts (\"experts\"), got " + std::to_string(step.size());
      return false;
    }
    std::vector<int64_t> &counts = layer.steps.emplace_back();
    counts.reserve(step.size());
    for (size_t e = 0; e < step.size(); ++e) {
      std::optional<int64_t> count = asInteger(step[e], 0);
      if (!count) {
        error = "layer " + std::to_string(layerIndex) + ", step " +
                std::to_string(s) + ", expert " + std::to_string(e) +
                ": token count must be a non-negative integer, got " +
                describe(step[e]);
        return false;
      }
      counts.push_back(*count);
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Distribution specs
//===----------------------------------------------------------------------===//

std::string_view trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos)
    return {};
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

/// The whole of `text` as a number (from_chars: no locale, no leading +).
template <typename T> bool parseWhole(std::string_view text, T &out) {
  const char *end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

const char *kindName(DistributionKind kind) {
  switch (kind) {
  case DistributionKind::Uniform:
    return "uniform";
  case DistributionKind::Zipf:
    return "zipf";
  case DistributionKind::Bimodal:
    return "bimodal";
  }
  return "?";
}

const char *kindParameters(DistributionKind kind) {
  switch (kind) {
  case DistributionKind::Uniform:
    return "batch, seed, steps";
  case DistributionKind::Zipf:
    return "s, batch, seed, steps";
  case DistributionKind::Bimodal:
    return "hot, weight, batch, seed, steps";
  }
  return "?";
}

/// Sets one parameter of `spec` from `name=value`; false with a message if
/// the kind has no such parameter or the value is out of range.
bool setParameter(DistributionSpec &spec, std::string_view name,
                  std::string_view value, std::string &error) {
  std::string quotedValue = inQuotes(value);
  auto parsePositiveCount = [&](int64_t &out) {
    if (!parseWhole(value, out) || out < 1) {
      error = "parameter " + inQuotes(name) + " must be an integer >= 1, got " +
              quotedValue;
      return false;
    }
    return true;
  };
  auto parseReal = [&](double &out) {
    if (!parseWhole(value, out) || !std::isfinite(out)) {
      error = "parameter " + inQuotes(name) + " must be a finite number, got " +
              quotedValue;
      return false;
    }
    return true;
  };

  if (name == "batch")
    return parsePositiveCount(spec.batch);
  if (name == "steps")
    return parsePositiveCount(spec.steps);
  if (name == "seed") {
    if (!parseWhole(value, spec.seed)) {
      error = "parameter \"seed\" must be an integer in [0, 2^64), got " +
              quotedValue;
      return false;
    }
    return true;
  }
  if (name == "s" && spec.kind == DistributionKind::Zipf) {
    if (!parseReal(spec.zipfExponent))
      return false;
    if (spec.zipfExponent < 0) {
      error = "parameter \"s\" must be >= 0, got " + quotedValue;
      return false;
    }
    return true;
  }
  if (name == "hot" && spec.kind == DistributionKind::Bimodal) {
    if (!parseReal(spec.hotFraction))
      return false;
    if (spec.hotFraction <= 0 || spec.hotFraction > 1) {
      error = "parameter \"hot\" must be in (0, 1], got " + quotedValue;
      return false;
    }
    return true;
  }
  if (name == "weight" && spec.kind == DistributionKind::Bimodal) {
    if (!parseReal(spec.hotWeight))
      return false;
    if (spec.hotWeight <= 0) {
      error = "parameter \"weight\" must be > 0, got " + quotedValue;
      return false;
    }
    return true;
  }
  error = "unknown parameter " + inQuotes(name) + " for " +
          kindName(spec.kind) + "; it takes " + kindParameters(spec.kind);
  return false;
}

//===----------------------------------------------------------------------===//
// Sampling
//===----------------------------------------------------------------------===//

/// A double uniform in [0, 1): the top 53 bits of one draw, exactly.
double drawUnit(std::mt19937_64 &rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

/// An integer uniform in [0, bound), bound >= 1. Draws below 2^64 mod bound
/// are rejected: keeping them would favour the small results.
uint64_t drawBelow(std::mt19937_64 &rng, uint64_t bound) {
  uint64_t threshold = (uint64_t(0) - bound) % bound;
  for (;;) {
    uint64_t draw = rng();
    if (draw >= threshold)
      return draw % bound;
  }
}

/// One draw by inverse CDF over the ranks not yet `taken`. The fallbacks
/// cover rounding (target at the very top of the CDF) and weights that
/// underflowed to zero (a steep zipf): then the most popular free rank.
int64_t drawRank(std::mt19937_64 &rng, const std::vector<double> &weights,
                 const std::vector<char> &taken) {
  int64_t numRanks = static_cast<int64_t>(weights.size());
  double total = 0;
  for (int64_t r = 0; r < numRanks; ++r)
    if (!taken[r])
      total += weights[r];
  double target = drawUnit(rng) * total;
  double cumulative = 0;
  int64_t firstFree = -1, lastPositive = -1;
  for (int64_t r = 0; r < numRanks; ++r) {
    if (taken[r])
      continue;
    if (firstFree < 0)
      firstFree = r;
    if (weights[r] <= 0)
      continue;
    cumulative += weights[r];
    lastPositive = r;
    if (target < cumulative)
      return r;
  }
  return lastPositive >= 0 ? lastPositive : firstFree;
}
} // namespace

/// Weight of each popularity rank (rank 0 is the most popular), scaled so
/// that the largest is 1: sums stay in [1, numExperts] whatever the spec.
std::vector<double> rankWeights(const DistributionSpec &spec,
                                int64_t numExperts) {
  std::vector<double> weights(numExperts, 1.0);
  switch (spec.kind) {
  case DistributionKind::Uniform:
    break;
  case DistributionKind::Zipf:
    for (int64_t r = 0; r < numExperts; ++r)
      weights[r] = std::pow(static_cast<double>(r + 1), -spec.zipfExponent);
    break;
  case DistributionKind::Bimodal: {
    // At least one hot expert: "hot=0.1" of 8 experts still means one.
    int64_t hot = std::clamp<int64_t>(
        std::llround(spec.hotFraction * static_cast<double>(numExperts)), 1,
        numExperts);
    double maxWeight = std::max(spec.hotWeight, 1.0);
    for (int64_t r = 0; r < numExperts; ++r)
      weights[r] = (r < hot ? spec.hotWeight : 1.0) / maxWeight;
    break;
  }
  }
  return weights;
}

std::optional<TokenProfile> parseTokenProfile(std::string_view text,
                                              std::string &error) {
  Json document;
  if (!parseJson(text, document, error))
    return std::nullopt;
  if (!document.is_object()) {
    error = "expected a token profile object, got " + describe(document);
    return std::nullopt;
  }
  if (!checkKnownFields(document, {"format", "version", "layers"}, "", error))
    return std::nullopt;

  const Json *format = findField(document, "format", "", error);
  if (!format)
    return std::nullopt;
  if (!format->is_string() || format->get<std::string>() != kFormat) {
    error = std::string("field \"format\" must be \"") + kFormat + "\", got " +
            describe(*format);
    return std::nullopt;
  }
  const Json *version = findField(document, "version", "", error);
  if (!version)
    return std::nullopt;
  if (asInteger(*version, std::numeric_limits<int64_t>::min()) != kVersion) {
    error = "unsupported version " + describe(*version) +
            "; this reader knows version " + std::to_string(kVersion);
    return std::nullopt;
  }
  const Json *layers = findField(document, "layers", "", error);
  if (!layers)
    return std::nullopt;
  if (!layers->is_array()) {
    error = "field \"layers\" must be an array, got " + describe(*layers);
    return std::nullopt;
  }

  TokenProfile profile;
  profile.layers.resize(layers->size());
  for (size_t l = 0; l < layers->size(); ++l)
    if (!parseLayer((*layers)[l], l, profile.layers[l], error))
      return std::nullopt;
  return profile;
}

std::optional<TokenProfile> loadTokenProfile(const std::string &path,
                                             std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": cannot open token profile";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << file.rdbuf();
  if (file.bad()) {
    error = path + ": cannot read token profile";
    return std::nullopt;
  }
  std::optional<TokenProfile> profile = parseTokenProfile(buffer.str(), error);
  if (!profile)
    error = path + ": " + error;
  return profile;
}

std::string printTokenProfile(const TokenProfile &profile) {
  // One step per line: diffs and greps of recorded profiles stay readable,
  // and a step of 512 experts is still one line.
  std::string out = "{\"format\": \"";
  out += kFormat;
  out += "\", \"version\": " + std::to_string(kVersion) + ", \"layers\": [";
  for (size_t l = 0; l < profile.layers.size(); ++l) {
    const TokenProfile::Layer &layer = profile.layers[l];
    out += l == 0 ? "\n" : ",\n";
    out += "  {\"experts\": " + std::to_string(layer.numExperts) +
           ", \"steps\": [";
    for (size_t s = 0; s < layer.steps.size(); ++s) {
      out += s == 0 ? "\n    [" : ",\n    [";
      for (size_t e = 0; e < layer.steps[s].size(); ++e) {
        if (e != 0)
          out += ',';
        out += std::to_string(layer.steps[s][e]);
      }
      out += ']';
    }
    out += layer.steps.empty() ? "]}" : "\n  ]}";
  }
  out += profile.layers.empty() ? "]}\n" : "\n]}\n";
  return out;
}

std::optional<DistributionSpec> parseDistribution(std::string_view text,
                                                  std::string &error) {
  std::string where = "distribution " + inQuotes(text) + ": ";
  size_t colon = text.find(':');
  std::string_view kind = trim(text.substr(0, colon));
  DistributionSpec spec;
  if (kind == "uniform") {
    spec.kind = DistributionKind::Uniform;
  } else if (kind == "zipf") {
    spec.kind = DistributionKind::Zipf;
  } else if (kind == "bimodal") {
    spec.kind = DistributionKind::Bimodal;
  } else {
    error = where + "unknown kind " + inQuotes(kind) +
            "; known kinds: uniform, zipf, bimodal";
    return std::nullopt;
  }
  if (colon == std::string_view::npos)
    return spec;

  std::vector<std::string_view> seen;
  std::string_view rest = text.substr(colon + 1);
  for (;;) {
    size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      error = where + "expected name=value, got " + inQuotes(item);
      return std::nullopt;
    }
    std::string_view name = trim(item.substr(0, equals));
    std::string_view value = trim(item.substr(equals + 1));
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      error = where + "parameter " + inQuotes(name) + " is given twice";
      return std::nullopt;
    }
    seen.push_back(name);
    if (!setParameter(spec, name, value, error)) {
      error = where + error;
      return std::nullopt;
    }
    if (comma == std::string_view::npos)
      break;
    rest = rest.substr(comma + 1);
  }
  return spec;
}

TokenProfile::Layer sampleLayer(const DistributionSpec &spec,
                                int64_t numExperts, int64_t k) {
  assert(numExperts >= 1 && "a layer needs at least one expert");
  assert(k >= 1 && k <= numExperts && "k must be in 1..numExperts");
  TokenProfile::Layer layer;
  layer.numExperts = std::max<int64_t>(numExperts, 0);
  if (numExperts < 1)
    return layer;
  // Release builds: the nearest meaningful k rather than a broken profile.
  k = std::clamp<int64_t>(k, 1, numExperts);

  std::mt19937_64 rng(spec.seed);
  // popularity[r] is the expert of rank r: a Fisher-Yates shuffle, so hot
  // experts are not always the low-numbered ones.
  std::vector<int64_t> popularity(numExperts);
  std::iota(popularity.begin(), popularity.end(), 0);
  for (int64_t i = numExperts - 1; i > 0; --i)
    std::swap(popularity[i],
              popularity[drawBelow(rng, static_cast<uint64_t>(i) + 1)]);

  std::vector<double> weights = rankWeights(spec, numExperts);
  std::vector<char> taken(numExperts);
  std::vector<int64_t> chosen(k);
  layer.steps.assign(std::max<int64_t>(spec.steps, 0),
                     std::vector<int64_t>(numExperts, 0));
  for (std::vector<int64_t> &counts : layer.steps) {
    for (int64_t token = 0; token < spec.batch; ++token) {
      // k draws without replacement: each one from the experts this token
      // has not picked yet, in proportion to their weights.
      for (int64_t pick = 0; pick < k; ++pick) {
        chosen[pick] = drawRank(rng, weights, taken);
        taken[chosen[pick]] = 1;
        ++counts[popularity[chosen[pick]]];
      }
      for (int64_t rank : chosen)
        taken[rank] = 0;
    }
  }
  return layer;
}

} // namespace moe::cost
