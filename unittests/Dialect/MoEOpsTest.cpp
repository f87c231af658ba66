//===- MoEOpsTest.cpp - the moe dialect's C++ API -------------------------===//

#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/InitAllDialects.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "gtest/gtest.h"

using namespace mlir;

namespace {

class MoEOpsTest : public ::testing::Test {
protected:
  MoEOpsTest() {
    DialectRegistry registry;
    registry.insert<func::FuncDialect>();
    moe::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `source`, collecting diagnostics instead of printing them.
  OwningOpRef<ModuleOp> parse(StringRef source) {
    diagnostics.clear();
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      diagnostics += diag.str() + "\n";
      return success();
    });
    return parseSourceString<ModuleOp>(source, &context);
  }

  MLIRContext context;
  std::string diagnostics;
};

constexpr StringLiteral kExperts = R"mlir(
func.func @f(%x: tensor<?x4xf32>, %o: tensor<4xi64>, %w1: tensor<3x8x4xf32>,
             %w2: tensor<3x4x8xf32>, %b2: tensor<3x4xf32>) -> tensor<?x4xf32> {
  %zero = arith.constant dense<0.0> : tensor<3x4xf32>
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 bias %zero activation gelu
      placements [gpu, pim, host]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x4x8xf32>,
         tensor<3x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
})mlir";

TEST_F(MoEOpsTest, PlacementsAreReadPerExpert) {
  OwningOpRef<ModuleOp> module = parse(kExperts);
  ASSERT_TRUE(module) << diagnostics;
  moe::ExpertsOp experts;
  module->walk([&](moe::ExpertsOp op) { experts = op; });
  ASSERT_TRUE(experts);
  EXPECT_EQ(experts.getNumExperts(), 3);
  EXPECT_EQ(experts.getExpertPlacement(0), moe::ExpertPlacement::gpu);
  EXPECT_EQ(experts.getExpertPlacement(1), moe::ExpertPlacement::pim);
  EXPECT_EQ(experts.getExpertPlacement(2), moe::ExpertPlacement::host);
  EXPECT_EQ(experts.getFc1RowFactor(), 1);
  EXPECT_FALSE(experts.isGated());

  // Without placements every expert is decided at run time.
  experts.removePlacementsAttr();
  EXPECT_EQ(experts.getExpertPlacement(1), moe::ExpertPlacement::dynamic);
}

TEST_F(MoEOpsTest, CanonicalizationDropsZeroBias) {
  OwningOpRef<ModuleOp> module = parse(kExperts);
  ASSERT_TRUE(module) << diagnostics;
  RewritePatternSet patterns(&context);
  moe::ExpertsOp::getCanonicalizationPatterns(patterns, &context);
  ASSERT_TRUE(succeeded(applyPatternsGreedily(*module, std::move(patterns))));
  module->walk([&](moe::ExpertsOp op) {
    EXPECT_FALSE(op.getFc2Bias());
    EXPECT_TRUE(succeeded(op.verify()));
  });
}

TEST_F(MoEOpsTest, VerifierNamesTheBadOperand) {
  OwningOpRef<ModuleOp> module = parse(R"mlir(
func.func @f(%l: tensor<?x4xf32>) {
  %ids, %w = moe.route softmax %l top 5
      : tensor<?x4xf32> -> tensor<?x5xi32>, tensor<?x5xf32>
  return
})mlir");
  EXPECT_FALSE(module);
  EXPECT_NE(diagnostics.find("k = 5 must be in [1, 4]"), std::string::npos)
      << diagnostics;
}

TEST_F(MoEOpsTest, GatedActivationRowFactor) {
  OwningOpRef<ModuleOp> module = parse(R"mlir(
func.func @f(%x: tensor<?x4xf32>, %w1: tensor<16x4xf32>,
             %w2: tensor<4x8xf32>) -> tensor<?x4xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation swiglu(interleaved, limit = 7.0)
      : (tensor<?x4xf32>, tensor<16x4xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
})mlir");
  ASSERT_TRUE(module) << diagnostics;
  module->walk([&](moe::FFNDenseOp op) {
    EXPECT_TRUE(op.isGated());
    EXPECT_EQ(op.getFc1RowFactor(), 2);
    ASSERT_TRUE(op.getLimit().has_value());
    EXPECT_EQ(op.getLimit()->convertToDouble(), 7.0);
    EXPECT_EQ(op.getAlpha().convertToDouble(), 1.0);
  });
}

} // namespace
