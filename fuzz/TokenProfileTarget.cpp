//===- TokenProfileTarget.cpp - fuzz the routing-profile reader -----------===//
//
// JSON text as a token profile (moe-partition-experts profile=...,
// moe-run --record-profile). A profile that parses must print and parse back
// to the same counts.
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

#include "moe/CostModel/TokenProfile.h"

namespace moe::fuzz {

Outcome fuzzTokenProfile(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::string error;
  std::optional<cost::TokenProfile> profile =
      cost::parseTokenProfile(text, error);
  if (!profile)
    return Outcome::reject(error);
  std::string printed = cost::printTokenProfile(*profile);
  std::optional<cost::TokenProfile> again =
      cost::parseTokenProfile(printed, error);
  if (!again)
    failProperty("token-profile",
                 "a parsed profile does not print back: " + error);
  bool same = again->layers.size() == profile->layers.size();
  for (size_t l = 0; same && l < profile->layers.size(); ++l)
    same = again->layers[l].numExperts == profile->layers[l].numExperts &&
           again->layers[l].steps == profile->layers[l].steps;
  if (!same)
    failProperty("token-profile", "printing a profile changed its counts");
  return Outcome::accept();
}

} // namespace moe::fuzz
