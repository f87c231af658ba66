//===- TokenProfileTest.cpp - profile JSON and sampled distributions ------===//
//
// Recorded profiles round-trip through their JSON and every malformed one
// is rejected with its layer and step; sampled profiles route exactly
// batch x k distinct picks per step, reproducibly, with the skew their
// distribution promises.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/TokenProfile.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <numeric>

using namespace moe::cost;

namespace {

std::string profileError(const std::string &text) {
  std::string error;
  EXPECT_FALSE(parseTokenProfile(text, error)) << "parsed: " << text;
  EXPECT_FALSE(error.empty());
  return error;
}

/// A valid profile with `layers` spliced in.
std::string profileWithLayers(const std::string &layers) {
  return R"({"format": "moe-token-profile", "version": 1, "layers": )" +
         layers + "}";
}

std::string distributionError(const std::string &text) {
  std::string error;
  EXPECT_FALSE(parseDistribution(text, error)) << "parsed: " << text;
  EXPECT_FALSE(error.empty());
  return error;
}

DistributionSpec spec(const std::string &text) {
  std::string error;
  std::optional<DistributionSpec> parsed = parseDistribution(text, error);
  EXPECT_TRUE(parsed) << error;
  return parsed.value_or(DistributionSpec());
}

/// Tokens per expert over all steps of a layer.
std::vector<int64_t> totals(const TokenProfile::Layer &layer) {
  std::vector<int64_t> sum(layer.numExperts, 0);
  for (const std::vector<int64_t> &step : layer.steps)
    for (int64_t e = 0; e < layer.numExperts; ++e)
      sum[e] += step[e];
  return sum;
}

/// The share of all picks that went to the most popular expert.
double maxShare(const TokenProfile::Layer &layer) {
  std::vector<int64_t> sum = totals(layer);
  return static_cast<double>(*std::max_element(sum.begin(), sum.end())) /
         static_cast<double>(
             std::accumulate(sum.begin(), sum.end(), int64_t(0)));
}

//===----------------------------------------------------------------------===//
// Profile JSON
//===----------------------------------------------------------------------===//

TEST(TokenProfileTest, ParsesLayersAndSteps) {
  std::string error;
  std::optional<TokenProfile> profile = parseTokenProfile(
      profileWithLayers(R"([{"experts": 3, "steps": [[1, 0, 7], [2, 2, 2]]},
                            {"experts": 1, "steps": [[64]]}])"),
      error);
  ASSERT_TRUE(profile) << error;
  ASSERT_EQ(profile->layers.size(), 2u);
  EXPECT_EQ(profile->layers[0].numExperts, 3);
  EXPECT_EQ(profile->layers[0].steps,
            (std::vector<std::vector<int64_t>>{{1, 0, 7}, {2, 2, 2}}));
  EXPECT_EQ(profile->layers[1].numExperts, 1);
  EXPECT_EQ(profile->layers[1].steps,
            (std::vector<std::vector<int64_t>>{{64}}));
}

TEST(TokenProfileTest, PrintsOneStepPerLine) {
  TokenProfile profile;
  profile.layers.push_back({3, {{1, 0, 7}, {2, 2, 2}}});
  profile.layers.push_back({2, {}});
  EXPECT_EQ(
      printTokenProfile(profile),
      "{\"format\": \"moe-token-profile\", \"version\": 1, \"layers\": [\n"
      "  {\"experts\": 3, \"steps\": [\n"
      "    [1,0,7],\n"
      "    [2,2,2]\n"
      "  ]},\n"
      "  {\"experts\": 2, \"steps\": []}\n"
      "]}\n");
  EXPECT_EQ(printTokenProfile(TokenProfile()),
            "{\"format\": \"moe-token-profile\", \"version\": 1, \"layers\": "
            "[]}\n");
}

TEST(TokenProfileTest, PrintParseRoundTrip) {
  TokenProfile profile;
  profile.layers.push_back(
      sampleLayer(spec("zipf:s=1.1,batch=64,steps=5"), 128, 8));
  profile.layers.push_back(
      sampleLayer(spec("bimodal:hot=0.2,weight=10,seed=9"), 16, 2));
  profile.layers.push_back({4, {}});
  profile.layers.push_back({2, {{0, std::numeric_limits<int64_t>::max()}}});
  for (const TokenProfile &original : {profile, TokenProfile()}) {
    std::string text = printTokenProfile(original);
    std::string error;
    std::optional<TokenProfile> read = parseTokenProfile(text, error);
    ASSERT_TRUE(read) << error << "\n" << text;
    ASSERT_EQ(read->layers.size(), original.layers.size());
    for (size_t l = 0; l < original.layers.size(); ++l) {
      EXPECT_EQ(read->layers[l].numExperts, original.layers[l].numExperts);
      EXPECT_EQ(read->layers[l].steps, original.layers[l].steps);
    }
    EXPECT_EQ(printTokenProfile(*read), text);
  }
}

TEST(TokenProfileTest, MalformedJsonGivesTheByteOffset) {
  EXPECT_EQ(profileError(R"({"format": "moe-token-profile",, })"),
            "malformed JSON at byte 32: parse error at line 1, column 32: "
            "syntax error while parsing object key - unexpected ','; "
            "expected string literal");
  EXPECT_EQ(profileError(profileWithLayers("[{\"experts\": 1, \"steps\": "
                                           "[[1e999]]}]"))
                .rfind("malformed JSON at byte", 0),
            0u);
}

TEST(TokenProfileTest, HeaderIsChecked) {
  EXPECT_EQ(profileError("[]"), "expected a token profile object, got an "
                                "array");
  EXPECT_EQ(profileError(R"({"version": 1, "layers": []})"),
            "missing field \"format\"");
  EXPECT_EQ(profileError(R"({"format": "moe-profile", "version": 1,
                             "layers": []})"),
            "field \"format\" must be \"moe-token-profile\", got "
            "\"moe-profile\"");
  EXPECT_EQ(profileError(R"({"format": "moe-token-profile", "layers": []})"),
            "missing field \"version\"");
  EXPECT_EQ(profileError(R"({"format": "moe-token-profile", "version": 2,
                             "layers": []})"),
            "unsupported version 2; this reader knows version 1");
  EXPECT_EQ(profileError(R"({"format": "moe-token-profile", "version": "1",
                             "layers": []})"),
            "unsupported version \"1\"; this reader knows version 1");
  EXPECT_EQ(profileError(R"({"format": "moe-token-profile", "version": 1})"),
            "missing field \"layers\"");
  EXPECT_EQ(profileError(profileWithLayers("{}")),
            "field \"layers\" must be an array, got an object");
  EXPECT_EQ(profileError(R"({"format": "moe-token-profile", "version": 1,
                             "layers": [], "model": "qwen3"})"),
            "unknown field \"model\"; known fields: \"format\" \"version\" "
            "\"layers\"");
}

TEST(TokenProfileTest, LayerErrorsNameTheLayer) {
  EXPECT_EQ(profileError(profileWithLayers(R"([{"experts": 1, "steps": []},
                                               7])")),
            "layer 1: expected an object, got 7");
  EXPECT_EQ(profileError(profileWithLayers(R"([{"steps": []}])")),
            "layer 0: missing field \"experts\"");
  EXPECT_EQ(profileError(profileWithLayers(R"([{"experts": 0, "steps": []}])")),
            "layer 0: field \"experts\" must be an integer >= 1, got 0");
  EXPECT_EQ(
      profileError(profileWithLayers(R"([{"experts": 2.0, "steps": []}])")),
      "layer 0: field \"experts\" must be an integer >= 1, got 2.0");
  EXPECT_EQ(profileError(profileWithLayers(R"([{"experts": 2}])")),
            "layer 0: missing field \"steps\"");
  EXPECT_EQ(
      profileError(profileWithLayers(R"([{"experts": 2, "steps": [1, 1]}])")),
      "layer 0, step 0: expected an array of token counts, got 1");
  EXPECT_EQ(profileError(profileWithLayers(
                R"([{"experts": 2, "steps": {"0": [1, 1]}}])")),
            "layer 0: field \"steps\" must be an array, got an object");
  EXPECT_EQ(profileError(profileWithLayers(
                R"([{"experts": 2, "steps": [], "expert": 2}])")),
            "layer 0: unknown field \"expert\"; known fields: \"experts\" "
            "\"steps\"");
}

TEST(TokenProfileTest, StepErrorsNameLayerStepAndExpert) {
  std::string layers = R"([{"experts": 2, "steps": [[1, 1]]},
                           {"experts": 3, "steps": [[1, 1, 1], [0, 0, 0],
                                                    STEP]}])";
  auto withStep = [&](const std::string &step) {
    std::string text = layers;
    return profileWithLayers(text.replace(text.find("STEP"), 4, step));
  };
  EXPECT_EQ(profileError(withStep("[1, 2]")),
            "layer 1, step 2: expected 3 token counts (\"experts\"), got 2");
  EXPECT_EQ(profileError(withStep("[1, 2, 3, 4]")),
            "layer 1, step 2: expected 3 token counts (\"experts\"), got 4");
  EXPECT_EQ(profileError(withStep("[1, -2, 3]")),
            "layer 1, step 2, expert 1: token count must be a non-negative "
            "integer, got -2");
  EXPECT_EQ(profileError(withStep("[1, 2, 1.5]")),
            "layer 1, step 2, expert 2: token count must be a non-negative "
            "integer, got 1.5");
  EXPECT_EQ(profileError(withStep("[null, 2, 3]")),
            "layer 1, step 2, expert 0: token count must be a non-negative "
            "integer, got null");
  EXPECT_EQ(profileError(withStep("[1, 2, 9223372036854775808]")),
            "layer 1, step 2, expert 2: token count must be a non-negative "
            "integer, got 9223372036854775808");
}

class TokenProfileFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "moe-profile-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string dir_;
};

TEST_F(TokenProfileFileTest, LoadsWhatWasPrinted) {
  TokenProfile profile;
  profile.layers.push_back(sampleLayer(spec("uniform:batch=4,steps=3"), 8, 2));
  std::string path = dir_ + "/profile.json";
  std::ofstream(path) << printTokenProfile(profile);
  std::string error;
  std::optional<TokenProfile> read = loadTokenProfile(path, error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->layers.at(0).steps, profile.layers[0].steps);

  std::string broken = dir_ + "/broken.json";
  std::ofstream(broken) << profileWithLayers(
      R"([{"experts": 0, "steps": []}])");
  EXPECT_FALSE(loadTokenProfile(broken, error));
  EXPECT_EQ(error, broken + ": layer 0: field \"experts\" must be an integer "
                            ">= 1, got 0");

  std::string missing = dir_ + "/missing.json";
  EXPECT_FALSE(loadTokenProfile(missing, error));
  EXPECT_EQ(error, missing + ": cannot open token profile");
}

//===----------------------------------------------------------------------===//
// Distribution specs
//===----------------------------------------------------------------------===//

TEST(DistributionTest, ParsesEveryKindWithDefaults) {
  DistributionSpec uniform = spec("uniform");
  EXPECT_EQ(uniform.kind, DistributionKind::Uniform);
  EXPECT_EQ(uniform.batch, 64);
  EXPECT_EQ(uniform.steps, 16);
  EXPECT_EQ(uniform.seed, 0u);

  DistributionSpec zipf = spec("zipf:s=1.2");
  EXPECT_EQ(zipf.kind, DistributionKind::Zipf);
  EXPECT_DOUBLE_EQ(zipf.zipfExponent, 1.2);
  EXPECT_DOUBLE_EQ(spec("zipf").zipfExponent, 1.0);

  DistributionSpec bimodal = spec("bimodal:hot=0.25,weight=8");
  EXPECT_EQ(bimodal.kind, DistributionKind::Bimodal);
  EXPECT_DOUBLE_EQ(bimodal.hotFraction, 0.25);
  EXPECT_DOUBLE_EQ(bimodal.hotWeight, 8);
  EXPECT_DOUBLE_EQ(spec("bimodal").hotFraction, 0.1);
  EXPECT_DOUBLE_EQ(spec("bimodal:hot=1").hotFraction, 1.0);
}

TEST(DistributionTest, ParsesBatchSeedAndSteps) {
  DistributionSpec parsed =
      spec("zipf: s = 0, batch=256 ,seed=18446744073709551615,steps=3");
  EXPECT_DOUBLE_EQ(parsed.zipfExponent, 0);
  EXPECT_EQ(parsed.batch, 256);
  EXPECT_EQ(parsed.seed, 18446744073709551615u);
  EXPECT_EQ(parsed.steps, 3);
  EXPECT_EQ(spec("uniform:seed=7").seed, 7u);
  EXPECT_EQ(spec("bimodal:steps=1,hot=0.5").steps, 1);
}

TEST(DistributionTest, RejectsUnknownKindsAndParameters) {
  EXPECT_EQ(distributionError("gauss:s=1"),
            "distribution \"gauss:s=1\": unknown kind \"gauss\"; known "
            "kinds: uniform, zipf, bimodal");
  EXPECT_EQ(distributionError("uniform:s=1"),
            "distribution \"uniform:s=1\": unknown parameter \"s\" for "
            "uniform; it takes batch, seed, steps");
  EXPECT_EQ(distributionError("zipf:hot=0.1"),
            "distribution \"zipf:hot=0.1\": unknown parameter \"hot\" for "
            "zipf; it takes s, batch, seed, steps");
  EXPECT_EQ(distributionError("bimodal:weigth=3"),
            "distribution \"bimodal:weigth=3\": unknown parameter \"weigth\" "
            "for bimodal; it takes hot, weight, batch, seed, steps");
  EXPECT_EQ(distributionError("zipf:s"),
            "distribution \"zipf:s\": expected name=value, got \"s\"");
  EXPECT_EQ(distributionError("zipf:"),
            "distribution \"zipf:\": expected name=value, got \"\"");
  EXPECT_EQ(distributionError("zipf:s=1,,seed=2"),
            "distribution \"zipf:s=1,,seed=2\": expected name=value, got "
            "\"\"");
  EXPECT_EQ(distributionError("zipf:s=1,s=2"),
            "distribution \"zipf:s=1,s=2\": parameter \"s\" is given twice");
}

TEST(DistributionTest, RejectsBadNumbers) {
  EXPECT_EQ(distributionError("zipf:s=fast"),
            "distribution \"zipf:s=fast\": parameter \"s\" must be a finite "
            "number, got \"fast\"");
  EXPECT_EQ(distributionError("zipf:s=1.2x"),
            "distribution \"zipf:s=1.2x\": parameter \"s\" must be a finite "
            "number, got \"1.2x\"");
  EXPECT_EQ(distributionError("zipf:s=inf"),
            "distribution \"zipf:s=inf\": parameter \"s\" must be a finite "
            "number, got \"inf\"");
  EXPECT_EQ(distributionError("bimodal:weight=nan"),
            "distribution \"bimodal:weight=nan\": parameter \"weight\" must "
            "be a finite number, got \"nan\"");
  EXPECT_EQ(distributionError("uniform:batch=1.5"),
            "distribution \"uniform:batch=1.5\": parameter \"batch\" must be "
            "an integer >= 1, got \"1.5\"");
  EXPECT_EQ(distributionError("uniform:seed=-1"),
            "distribution \"uniform:seed=-1\": parameter \"seed\" must be an "
            "integer in [0, 2^64), got \"-1\"");
  EXPECT_EQ(distributionError("uniform:seed=18446744073709551616"),
            "distribution \"uniform:seed=18446744073709551616\": parameter "
            "\"seed\" must be an integer in [0, 2^64), got "
            "\"18446744073709551616\"");
}

TEST(DistributionTest, RejectsValuesOutOfRange) {
  EXPECT_EQ(distributionError("uniform:batch=0"),
            "distribution \"uniform:batch=0\": parameter \"batch\" must be an "
            "integer >= 1, got \"0\"");
  EXPECT_EQ(distributionError("uniform:steps=-3"),
            "distribution \"uniform:steps=-3\": parameter \"steps\" must be "
            "an integer >= 1, got \"-3\"");
  EXPECT_EQ(distributionError("zipf:s=-0.5"),
            "distribution \"zipf:s=-0.5\": parameter \"s\" must be >= 0, got "
            "\"-0.5\"");
  EXPECT_EQ(distributionError("bimodal:hot=0"),
            "distribution \"bimodal:hot=0\": parameter \"hot\" must be in "
            "(0, 1], got \"0\"");
  EXPECT_EQ(distributionError("bimodal:hot=1.01"),
            "distribution \"bimodal:hot=1.01\": parameter \"hot\" must be in "
            "(0, 1], got \"1.01\"");
  EXPECT_EQ(distributionError("bimodal:weight=0"),
            "distribution \"bimodal:weight=0\": parameter \"weight\" must be "
            "> 0, got \"0\"");
}

//===----------------------------------------------------------------------===//
// Sampling
//===----------------------------------------------------------------------===//

const char *const kSpecs[] = {
    "uniform:batch=64,steps=8", "zipf:s=0.8,batch=64,steps=8",
    "zipf:s=3,batch=64,steps=8", "bimodal:hot=0.1,weight=20,steps=8",
    "bimodal:hot=1,weight=5,batch=7,steps=3"};

TEST(SampleLayerTest, EveryStepRoutesBatchTimesK) {
  for (const char *text : kSpecs) {
    DistributionSpec distribution = spec(text);
    for (auto [experts, k] :
         {std::pair<int64_t, int64_t>{8, 2}, {128, 8}, {1, 1}, {5, 5}}) {
      TokenProfile::Layer layer = sampleLayer(distribution, experts, k);
      EXPECT_EQ(layer.numExperts, experts);
      ASSERT_EQ(static_cast<int64_t>(layer.steps.size()), distribution.steps);
      for (const std::vector<int64_t> &counts : layer.steps) {
        ASSERT_EQ(static_cast<int64_t>(counts.size()), experts);
        EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), int64_t(0)),
                  distribution.batch * k)
            << text << ", " << experts << " experts, k " << k;
        // Distinct picks: no expert gets more than one pick per token.
        for (int64_t count : counts) {
          EXPECT_GE(count, 0);
          EXPECT_LE(count, distribution.batch) << text;
        }
      }
    }
  }
}

TEST(SampleLayerTest, EachTokenPicksKDistinctExperts) {
  // With one token per step a step's counts are that token's picks: exactly
  // k ones. A steep zipf would pick its favourite twice if it could.
  for (const char *text :
       {"uniform", "zipf:s=3", "zipf:s=1000", "bimodal:hot=0.1,weight=1000"}) {
    DistributionSpec distribution = spec(text);
    distribution.batch = 1;
    distribution.steps = 200;
    TokenProfile::Layer layer = sampleLayer(distribution, 8, 3);
    for (const std::vector<int64_t> &counts : layer.steps) {
      EXPECT_EQ(std::count(counts.begin(), counts.end(), 1), 3) << text;
      EXPECT_EQ(std::count(counts.begin(), counts.end(), 0), 5) << text;
    }
  }
  // k = every expert: each token picks all of them once.
  TokenProfile::Layer all = sampleLayer(spec("zipf:s=2,batch=32"), 6, 6);
  for (const std::vector<int64_t> &counts : all.steps)
    EXPECT_EQ(counts, std::vector<int64_t>(6, 32));
}

TEST(SampleLayerTest, SameSeedSameCountsOtherSeedOtherCounts) {
  for (const char *text : kSpecs) {
    DistributionSpec distribution = spec(text);
    TokenProfile::Layer first = sampleLayer(distribution, 64, 4);
    EXPECT_EQ(sampleLayer(distribution, 64, 4).steps, first.steps) << text;
    distribution.seed = 1;
    EXPECT_NE(sampleLayer(distribution, 64, 4).steps, first.steps) << text;
  }
}

TEST(SampleLayerTest, CountsArePinnedAcrossStandardLibraries) {
  // mt19937_64's output is fixed by the standard and every draw is turned
  // into a number by our own code, so these counts hold on any platform.
  // A change here changes every synthetic profile: deliberate only.
  TokenProfile::Layer layer =
      sampleLayer(spec("zipf:s=1.2,batch=8,steps=2,seed=3"), 8, 2);
  EXPECT_EQ(layer.steps,
            (std::vector<std::vector<int64_t>>{{6, 1, 1, 1, 1, 1, 5, 0},
                                               {6, 2, 4, 0, 0, 1, 2, 1}}));
}

TEST(SampleLayerTest, ZipfWithExponentZeroIsUniform) {
  // Same weights, same draws: the same counts, bit for bit.
  EXPECT_EQ(sampleLayer(spec("zipf:s=0,seed=5"), 32, 4).steps,
            sampleLayer(spec("uniform:seed=5"), 32, 4).steps);
}

TEST(SampleLayerTest, LargerZipfExponentIsMoreSkewed) {
  double previous = 0;
  for (const char *text :
       {"zipf:s=0", "zipf:s=0.5", "zipf:s=1", "zipf:s=1.5", "zipf:s=2.5"}) {
    DistributionSpec distribution = spec(text);
    distribution.steps = 64;
    double share = maxShare(sampleLayer(distribution, 64, 2));
    EXPECT_GT(share, previous) << text;
    previous = share;
  }
  // At s = 2.5 the favourite takes nearly one pick of every token (k = 2).
  EXPECT_GT(previous, 0.4);
}

TEST(SampleLayerTest, SteepZipfPicksTheTopKEveryTime) {
  // 2^-1000 and beyond underflow to zero: the draws still give k distinct
  // experts, the k most popular ones.
  TokenProfile::Layer layer = sampleLayer(spec("zipf:s=1000,batch=16"), 8, 3);
  for (const std::vector<int64_t> &counts : layer.steps) {
    EXPECT_EQ(std::count(counts.begin(), counts.end(), 16), 3);
    EXPECT_EQ(std::count(counts.begin(), counts.end(), 0), 5);
    EXPECT_EQ(counts, layer.steps.front()) << "popularity is per layer";
  }
}

TEST(SampleLayerTest, PopularityOrderIsAPermutation) {
  // The favourite of a steep zipf is the first expert of the permutation:
  // over seeds it lands on different experts, not always on expert 0.
  std::vector<int64_t> favourites;
  for (uint64_t seed = 0; seed < 16; ++seed) {
    DistributionSpec distribution = spec("zipf:s=4,steps=4");
    distribution.seed = seed;
    std::vector<int64_t> sum = totals(sampleLayer(distribution, 16, 1));
    favourites.push_back(std::max_element(sum.begin(), sum.end()) -
                         sum.begin());
  }
  std::sort(favourites.begin(), favourites.end());
  EXPECT_GE(std::unique(favourites.begin(), favourites.end()) -
                favourites.begin(),
            6);
}

TEST(SampleLayerTest, BimodalHotExpertsGetMoreTokens) {
  // 16 experts, hot=0.25: 4 hot ones of weight 20. A hot expert's expected
  // share is 20 / 92 per token, a cold one's 1 / 92.
  TokenProfile::Layer layer =
      sampleLayer(spec("bimodal:hot=0.25,weight=20,steps=32"), 16, 1);
  std::vector<int64_t> sum = totals(layer);
  std::sort(sum.begin(), sum.end(), std::greater<int64_t>());
  double hot = std::accumulate(sum.begin(), sum.begin() + 4, 0.0) / 4;
  double cold = std::accumulate(sum.begin() + 4, sum.end(), 0.0) / 12;
  EXPECT_GT(hot, 5 * cold);
  // The hot ones take about 80/92 of the tokens.
  double hotShare = 4 * hot / (64.0 * 32);
  EXPECT_GT(hotShare, 0.8);
  EXPECT_LT(hotShare, 0.93);

  // Rounding: hot=0.1 of 8 experts is still one hot expert.
  std::vector<int64_t> one =
      totals(sampleLayer(spec("bimodal:hot=0.1,weight=1000,steps=8"), 8, 1));
  EXPECT_GT(*std::max_element(one.begin(), one.end()), 64 * 8 * 9 / 10);
}

TEST(SampleLayerTest, UniformIsRoughlyUniform) {
  // 400 steps x 64 tokens x 2 picks over 8 experts: 6400 expected each,
  // standard deviation about 70; 5% is over 4 of them (and the seed is
  // fixed, so this cannot flake).
  DistributionSpec distribution = spec("uniform:steps=400,seed=11");
  for (int64_t total : totals(sampleLayer(distribution, 8, 2))) {
    EXPECT_GT(total, 6400 * 0.95);
    EXPECT_LT(total, 6400 * 1.05);
  }
  EXPECT_LT(maxShare(sampleLayer(distribution, 8, 2)), 1.05 / 8);
}

} // namespace
