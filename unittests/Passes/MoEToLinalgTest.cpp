//===- MoEToLinalgTest.cpp - reusing the lowering from C++ ----------------===//
//
// What an embedding toolchain does: run the moe -> linalg patterns inside
// its own conversion, and build the host pipeline into its pass manager.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/InitAllDialects.h"
#include "moe/Passes/Passes.h"
#include "moe/Passes/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"

#include "gtest/gtest.h"

using namespace mlir;

namespace {

constexpr StringLiteral kRoute = R"mlir(
func.func @route(%l: tensor<?x8xf32>) -> (tensor<?x2xi64>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %l top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi64>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi64>, tensor<?x2xf32>
})mlir";

class MoEToLinalgTest : public ::testing::Test {
protected:
  MoEToLinalgTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllExtensions(registry);
    moe::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
  }
  MLIRContext context;
};

int countMoEOps(Operation *root) {
  int count = 0;
  root->walk(
      [&](Operation *op) { count += isa<moe::MoEDialect>(op->getDialect()); });
  return count;
}

TEST_F(MoEToLinalgTest, PatternsWorkInAnOutsideConversion) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kRoute, &context);
  ASSERT_TRUE(module);
  ASSERT_EQ(countMoEOps(*module), 1);

  ConversionTarget target(context);
  target.addIllegalDialect<moe::MoEDialect>();
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  RewritePatternSet patterns(&context);
  moe::MoEToLinalgOptions options;
  options.runtimeChecks = false;
  moe::populateMoEToLinalgConversionPatterns(patterns, options);
  ASSERT_TRUE(
      succeeded(applyPartialConversion(*module, target, std::move(patterns))));
  EXPECT_EQ(countMoEOps(*module), 0);
  int generics = 0;
  module->walk([&](linalg::GenericOp) { ++generics; });
  EXPECT_GT(generics, 0);
}

TEST_F(MoEToLinalgTest, HostPipelineReachesTheLLVMDialect) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kRoute, &context);
  ASSERT_TRUE(module);
  PassManager pm(&context);
  moe::HostPipelineOptions options;
  moe::buildHostPipeline(pm, options);
  ASSERT_TRUE(succeeded(pm.run(*module)));
  module->walk([&](Operation *op) {
    if (isa<ModuleOp>(op))
      return;
    EXPECT_TRUE(isa<LLVM::LLVMDialect>(op->getDialect()))
        << op->getName().getStringRef().str();
  });
}

} // namespace
