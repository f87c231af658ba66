//===- LayerCostSetup.cpp - cost model inputs from moe IR -----------------===//

#include "LayerCostSetup.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace moe::partition {

/// Shared by both ops: fc2 is [..., H, I] with or without the expert dim.
static FailureOr<cost::ExpertShape>
shapeFrom(Operation *op, RankedTensorType tokens, RankedTensorType fc1,
          RankedTensorType fc2, bool gated) {
  int64_t hidden = tokens.getDimSize(1);
  int64_t inter = fc2.getDimSize(fc2.getRank() - 1);
  if (ShapedType::isDynamic(hidden) || ShapedType::isDynamic(inter))
    return op->emitOpError("needs static hidden and intermediate sizes for "
                           "the cost model");
  cost::ExpertShape shape;
  shape.hidden = hidden;
  shape.intermediate = inter;
  shape.matrices = gated ? 3 : 2;
  shape.weightBits = fc1.getElementType().getIntOrFloatBitWidth();
  shape.activationBytes = tokens.getElementType().getIntOrFloatBitWidth() / 8;
  return shape;
}

FailureOr<cost::ExpertShape> expertShapeOf(ExpertsOp op) {
  return shapeFrom(op, op.getTokens().getType(), op.getFc1Weights().getType(),
                   op.getFc2Weights().getType(), op.isGated());
}

FailureOr<cost::ExpertShape> expertShapeOf(FFNDenseOp op) {
  return shapeFrom(op, op.getTokens().getType(), op.getFc1Weights().getType(),
                   op.getFc2Weights().getType(), op.isGated());
}

cost::LayerCostModel CostSetup::modelFor(size_t layer) const {
  return cost::LayerCostModel(*expertShapeOf(layers[layer]), gpu, pim, link);
}

/// The k of the routing that feeds `op`, through moe.dispatch.
static std::optional<int64_t> routedK(ExpertsOp op) {
  auto dispatch = op.getOffsets().getDefiningOp<DispatchOp>();
  if (!dispatch)
    return std::nullopt;
  return dispatch.getIds().getType().getDimSize(1);
}

FailureOr<CostSetup> prepareCostSetup(ModuleOp module,
                                      const CostOptions &options) {
  CostSetup setup;
  std::string error;
  auto fail = [&](const Twine &message) -> FailureOr<CostSetup> {
    emitError(module.getLoc()) << message;
    return failure();
  };
  std::optional<cost::GpuDescriptor> gpu = cost::resolveGpu(options.gpu, error);
  if (!gpu)
    return fail("gpu=" + options.gpu + ": " + error);
  std::optional<cost::PimDescriptor> pim = cost::resolvePim(options.pim, error);
  if (!pim)
    return fail("pim=" + options.pim + ": " + error);
  std::optional<cost::LinkDescriptor> link =
      cost::resolveLink(options.link, error);
  if (!link)
    return fail("link=" + options.link + ": " + error);
  setup.gpu = *gpu;
  setup.pim = *pim;
  setup.link = *link;

  module.walk([&](ExpertsOp op) { setup.layers.push_back(op); });
  for (ExpertsOp op : setup.layers)
    if (failed(expertShapeOf(op)))
      return failure();

  if (!options.profile.empty()) {
    std::optional<cost::TokenProfile> profile =
        cost::loadTokenProfile(options.profile, error);
    if (!profile)
      return fail("profile: " + error);
    if (profile->layers.size() < setup.layers.size())
      return fail("profile " + options.profile + " has " +
                  Twine(profile->layers.size()) +
                  " layers but the module has " + Twine(setup.layers.size()) +
                  " moe.experts ops");
    for (auto [i, op] : llvm::enumerate(setup.layers)) {
      const cost::TokenProfile::Layer &layer = profile->layers[i];
      if (layer.numExperts != op.getNumExperts()) {
        op.emitOpError("has ")
            << op.getNumExperts() << " experts but layer " << i
            << " of profile " << options.profile << " has " << layer.numExperts;
        return failure();
      }
      setup.counts.push_back(layer);
    }
    return setup;
  }

  std::optional<cost::DistributionSpec> spec =
      cost::parseDistribution(options.distribution, error);
  if (!spec)
    return fail("distribution=" + options.distribution + ": " + error);
  for (auto [i, op] : llvm::enumerate(setup.layers)) {
    std::optional<int64_t> k = routedK(op);
    if (!k || ShapedType::isDynamic(*k)) {
      op.emitOpError("cannot sample a token distribution: its offsets do not "
                     "come from a moe.dispatch with static k; give a profile "
                     "file instead");
      return failure();
    }
    cost::DistributionSpec layerSpec = *spec;
    layerSpec.seed = spec->seed + i; // layers route independently
    setup.counts.push_back(
        cost::sampleLayer(layerSpec, op.getNumExperts(), *k));
  }
  return setup;
}

} // namespace moe::partition
