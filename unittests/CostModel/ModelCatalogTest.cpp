//===- ModelCatalogTest.cpp - built-in models, JSON and routing fits ------===//

#include "moe/CostModel/ModelCatalog.h"

#include <gtest/gtest.h>

using namespace moe::cost;

TEST(ModelCatalog, BuiltinShapesMatchTheReferenceTable) {
  std::optional<MoEModel> qwen = findModel("qwen3-30b-a3b");
  ASSERT_TRUE(qwen);
  EXPECT_EQ(qwen->hidden, 2048);
  EXPECT_EQ(qwen->expertIntermediate, 768);
  EXPECT_EQ(qwen->experts, 128);
  EXPECT_EQ(qwen->k, 8);
  EXPECT_EQ(qwen->moeLayers, 48);
  std::optional<MoEModel> deepseek = findModel("deepseek-v3");
  ASSERT_TRUE(deepseek);
  EXPECT_EQ(deepseek->sharedExperts, 1);
  EXPECT_EQ(deepseek->moeLayers, 58); // 61 layers, the first 3 dense
  EXPECT_FALSE(findModel("qwen3"));
}

// The fitted distribution, sampled, reproduces every published share within
// two percentage points: the sampler, not the closed form, is what the
// simulation uses.
TEST(ModelCatalog, FittedRoutingReproducesPublishedShares) {
  for (const MoEModel &model : builtinModels()) {
    double rms = 1;
    DistributionSpec spec = fitDistribution(model, &rms);
    if (model.statistics.empty()) {
      EXPECT_EQ(spec.kind, DistributionKind::Uniform) << model.name;
      continue;
    }
    EXPECT_EQ(spec.kind, DistributionKind::Bimodal) << model.name;
    EXPECT_LT(rms, 0.01) << model.name;
    for (const RoutingStatistic &target : model.statistics) {
      RoutingStatistic got =
          measureStatistic(spec, model.experts, model.k, target.batch, 64);
      EXPECT_NEAR(got.oneTokenShare, target.oneTokenShare, 0.02)
          << model.name << " at batch " << target.batch;
      if (target.fourOrFewerShare)
        EXPECT_NEAR(*got.fourOrFewerShare, *target.fourOrFewerShare, 0.02)
            << model.name << " at batch " << target.batch;
    }
  }
}

// Uniform routing at low load: the closed form and the sampler agree.
TEST(ModelCatalog, PredictionAgreesWithSamplingForUniformRouting) {
  DistributionSpec uniform;
  RoutingStatistic predicted = predictStatistic(uniform, 128, 8, 64);
  RoutingStatistic sampled = measureStatistic(uniform, 128, 8, 64, 128);
  EXPECT_NEAR(predicted.oneTokenShare, sampled.oneTokenShare, 0.01);
  EXPECT_NEAR(*predicted.fourOrFewerShare, *sampled.fourOrFewerShare, 0.02);
}

TEST(ModelCatalog, ParsesAUserModel) {
  std::string error;
  std::optional<MoEModel> model = parseModelJson(
      R"({"name": "tiny", "hidden": 64, "expert_intermediate": 32,
          "experts": 8, "k": 2, "layers": 4, "moe_layers": 2,
          "statistics": [{"batch": 16, "one_token": 0.3}]})",
      error);
  ASSERT_TRUE(model) << error;
  EXPECT_EQ(model->moeLayers, 2);
  EXPECT_EQ(model->matrices, 3);
  EXPECT_DOUBLE_EQ(model->denseBytesPerLayer, 4.0 * 64 * 64 * 2);
  ASSERT_EQ(model->statistics.size(), 1u);
  EXPECT_DOUBLE_EQ(model->statistics[0].oneTokenShare, 0.3);
}

TEST(ModelCatalog, RejectsBadModels) {
  struct Case {
    const char *json, *message;
  } cases[] = {
      {R"({"name": "m", "hidden": 8, "expert_intermediate": 8,
           "experts": 4, "k": 5, "layers": 1})",
       "model \"m\": k = 5 exceeds experts = 4"},
      {R"({"name": "m", "hidden": 8, "experts": 4, "k": 1, "layers": 1})",
       "model \"m\": missing field \"expert_intermediate\""},
      {R"({"name": "m", "hidden": 8, "expert_intermediate": 8, "experts": 4,
           "k": 1, "layers": 1, "colour": 3})",
       "unknown field \"colour\""},
      {R"({"name": "m", "hidden": 8, "expert_intermediate": 8, "experts": 4,
           "k": 1, "layers": 1, "statistics": [{"batch": 8, "one_token": 2}]})",
       "model \"m\": statistics[0]: field \"one_token\" must be a number in "
       "[0, 1]"},
      {R"({"name": "m", "hidden": -8})",
       "model \"m\": field \"hidden\" must be an integer >= 1"},
      {R"({"name": "m", )", "malformed JSON at byte"},
  };
  for (const Case &c : cases) {
    std::string error;
    EXPECT_FALSE(parseModelJson(c.json, error)) << c.json;
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "got: " << error << "\nwanted: " << c.message;
  }
}

TEST(ModelCatalog, UnknownNameListsTheBuiltins) {
  std::string error;
  EXPECT_FALSE(resolveModel("gpt-5", error));
  EXPECT_NE(error.find("unknown model 'gpt-5'; built-in: mixtral-8x7b"),
            std::string::npos)
      << error;
}
