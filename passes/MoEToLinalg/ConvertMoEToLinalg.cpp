//===- ConvertMoEToLinalg.cpp - the convert-moe-to-linalg pass ------------===//
//
// A thin wrapper over populateMoEToLinalgConversionPatterns: every moe op is
// illegal afterwards, everything else is left as it is.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

namespace moe {
#define GEN_PASS_DEF_CONVERTMOETOLINALG
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;

void moe::populateMoEToLinalgConversionPatterns(
    RewritePatternSet &patterns, const MoEToLinalgOptions &options) {
  lowering::populateRouteLoweringPatterns(patterns, options);
  lowering::populateDispatchCombineLoweringPatterns(patterns, options);
  lowering::populateExpertFFNLoweringPatterns(patterns, options);
  lowering::populateDequantizeLoweringPatterns(patterns, options);
}

namespace {
struct ConvertMoEToLinalgPass
    : moe::impl::ConvertMoEToLinalgBase<ConvertMoEToLinalgPass> {
  using ConvertMoEToLinalgBase::ConvertMoEToLinalgBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<moe::MoEDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    moe::MoEToLinalgOptions options;
    options.runtimeChecks = runtimeChecks;
    moe::populateMoEToLinalgConversionPatterns(patterns, options);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
