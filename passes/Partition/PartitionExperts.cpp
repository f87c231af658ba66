//===- PartitionExperts.cpp - place experts with a policy -----------------===//
//
// Runs a placement policy on every step of each layer's profile. An expert
// the policy always puts on one side gets that side; one that moves, is
// split, or never gets a token is `dynamic`, so the runtime keeps both
// variants and decides every step.
//
//===----------------------------------------------------------------------===//

#include "LayerCostSetup.h"

#include "moe/CostModel/Policies.h"
#include "moe/Passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace moe {
#define GEN_PASS_DEF_PARTITIONEXPERTS
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;

namespace {

/// Where one expert went over the steps seen so far.
struct ExpertHistory {
  bool onGpu = false, onPim = false, split = false;

  moe::ExpertPlacement placement() const {
    if (split || (onGpu && onPim) || (!onGpu && !onPim))
      return moe::ExpertPlacement::dynamic;
    return onGpu ? moe::ExpertPlacement::gpu : moe::ExpertPlacement::pim;
  }
};

struct PartitionExpertsPass
    : moe::impl::PartitionExpertsBase<PartitionExpertsPass> {
  using PartitionExpertsBase::PartitionExpertsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    moe::cost::PolicyOptions policyOptions;
    policyOptions.threshold = threshold;
    std::unique_ptr<moe::cost::PlacementPolicy> placementPolicy =
        moe::cost::createPolicy(policy, policyOptions);
    if (!placementPolicy) {
      std::string known;
      for (std::string_view name : moe::cost::policyNames())
        known += (known.empty() ? "" : ", ") + std::string(name);
      emitError(module.getLoc())
          << "unknown policy '" << policy << "'; expected one of " << known;
      return signalPassFailure();
    }
    moe::partition::CostOptions options{gpu, pim, link, profile, distribution};
    FailureOr<moe::partition::CostSetup> setup =
        moe::partition::prepareCostSetup(module, options);
    if (failed(setup))
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    double meanTokensPerStep = 0;
    for (auto [layer, op] : llvm::enumerate(setup->layers)) {
      moe::cost::LayerCostModel model = setup->modelFor(layer);
      int64_t numExperts = op.getNumExperts();
      std::vector<ExpertHistory> history(numExperts);
      const auto &steps = setup->counts[layer].steps;
      for (const std::vector<int64_t> &counts : steps) {
        moe::cost::ExpertSplit split = placementPolicy->decide(counts, model);
        for (int64_t e = 0; e < numExperts; ++e) {
          if (counts[e] == 0)
            continue;
          int64_t onGpu = split.gpuTokens[e];
          history[e].onGpu |= onGpu == counts[e];
          history[e].onPim |= onGpu == 0;
          history[e].split |= onGpu > 0 && onGpu < counts[e];
        }
      }
      SmallVector<Attribute> placements;
      for (const ExpertHistory &h : history)
        placements.push_back(moe::ExpertPlacementAttr::get(ctx, h.placement()));
      op.setPlacementsAttr(ArrayAttr::get(ctx, placements));
      op->setAttr("moe.partition", partitionRecord(ctx));

      // Token copies per step / k = tokens per step, for the shared experts.
      if (layer == 0 && !steps.empty()) {
        double copies = 0;
        for (const std::vector<int64_t> &counts : steps)
          for (int64_t c : counts)
            copies += c;
        if (auto dispatch = op.getOffsets().getDefiningOp<moe::DispatchOp>())
          meanTokensPerStep =
              copies / steps.size() / dispatch.getIds().getType().getDimSize(1);
      }
    }
    placeSharedExperts(module, *setup, meanTokensPerStep);
  }

  /// A dense FFN runs on every token: it goes where the model runs it
  /// faster for the profile's tokens per step.
  void placeSharedExperts(ModuleOp module,
                          const moe::partition::CostSetup &setup,
                          double tokensPerStep) {
    MLIRContext *ctx = &getContext();
    module.walk([&](moe::FFNDenseOp op) {
      if (tokensPerStep <= 0)
        return;
      FailureOr<moe::cost::ExpertShape> shape =
          moe::partition::expertShapeOf(op);
      if (failed(shape))
        return signalPassFailure();
      moe::cost::LayerCostModel model(*shape, setup.gpu, setup.pim, setup.link);
      int64_t n = static_cast<int64_t>(std::ceil(tokensPerStep));
      bool gpuFaster = model.gpuExpertTime(n) + setup.gpu.launchOverhead <=
                       model.pimExpertTime(n);
      op.setPlacementAttr(moe::ExpertPlacementAttr::get(
          ctx,
          gpuFaster ? moe::ExpertPlacement::gpu : moe::ExpertPlacement::pim));
      op->setAttr("moe.partition", partitionRecord(ctx));
    });
  }

  DictionaryAttr partitionRecord(MLIRContext *ctx) {
    Builder b(ctx);
    return b.getDictionaryAttr(
        {b.getNamedAttr("policy", b.getStringAttr(policy)),
         b.getNamedAttr("gpu", b.getStringAttr(gpu)),
         b.getNamedAttr("pim", b.getStringAttr(pim))});
  }
};

} // namespace
