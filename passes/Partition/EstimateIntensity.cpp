//===- EstimateIntensity.cpp - per-expert Op/B and time estimates ---------===//

#include "LayerCostSetup.h"

#include "moe/Passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace moe {
#define GEN_PASS_DEF_ESTIMATEINTENSITY
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;

namespace {
struct EstimateIntensityPass
    : moe::impl::EstimateIntensityBase<EstimateIntensityPass> {
  using EstimateIntensityBase::EstimateIntensityBase;

  void runOnOperation() override {
    moe::partition::CostOptions options{gpu, pim, link, profile, distribution};
    FailureOr<moe::partition::CostSetup> setup =
        moe::partition::prepareCostSetup(getOperation(), options);
    if (failed(setup))
      return signalPassFailure();

    for (auto [layer, op] : llvm::enumerate(setup->layers)) {
      moe::cost::LayerCostModel model = setup->modelFor(layer);
      const auto &steps = setup->counts[layer].steps;
      int64_t numExperts = op.getNumExperts();
      SmallVector<double> tokens(numExperts, 0.0), intensity, gpuTime, pimTime;
      for (const std::vector<int64_t> &step : steps)
        for (int64_t e = 0; e < numExperts; ++e)
          tokens[e] += static_cast<double>(step[e]) / steps.size();
      for (double mean : tokens) {
        // Times at the mean count, rounded up so a rarely used expert still
        // reads its weights once.
        int64_t n = static_cast<int64_t>(std::ceil(mean));
        intensity.push_back(n ? model.shape().opsPerByte(n) : 0.0);
        gpuTime.push_back(model.gpuExpertTime(n) * 1e6);
        pimTime.push_back(model.pimExpertTime(n) * 1e6);
      }
      OpBuilder b(op);
      op->setAttr("moe.tokens", b.getDenseF64ArrayAttr(tokens));
      op->setAttr("moe.ops_per_byte", b.getDenseF64ArrayAttr(intensity));
      op->setAttr("moe.gpu_time_us", b.getDenseF64ArrayAttr(gpuTime));
      op->setAttr("moe.pim_time_us", b.getDenseF64ArrayAttr(pimTime));
    }
  }
};
} // namespace
