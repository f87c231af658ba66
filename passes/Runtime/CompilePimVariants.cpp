//===- CompilePimVariants.cpp - every expert gets a PIM variant -----------===//
//
// The runtime decides every step which experts run on PIM, so none can be
// left out: each outlined layer's moe.experts is compiled for PIM as a
// whole, next to its host variant.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Hardware.h"
#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/Passes/MoEToPIM.h"
#include "moe/Passes/Passes.h"
#include "moe/Runtime/PIM/DeviceTiming.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"

namespace moe {
#define GEN_PASS_DEF_COMPILEPIMVARIANTS
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;

namespace {

/// The one moe.experts of layer `layer`'s expert function, or an error.
FailureOr<moe::ExpertsOp> layerExperts(ModuleOp module, DictionaryAttr layer) {
  auto name = layer.getAs<StringAttr>("expert");
  auto func = name ? module.lookupSymbol<func::FuncOp>(name) : nullptr;
  if (!func)
    return module.emitError("moe.layers names no expert function ")
           << (name ? name.getValue() : "(none)");
  SmallVector<moe::ExpertsOp> found;
  func.walk([&](moe::ExpertsOp op) { found.push_back(op); });
  if (found.size() != 1)
    return func.emitOpError("should hold exactly one moe.experts, holds ")
           << found.size();
  return found.front();
}

struct CompilePimVariantsPass
    : moe::impl::CompilePimVariantsBase<CompilePimVariantsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto layers = module->getAttrOfType<ArrayAttr>("moe.layers");
    if (!layers || layers.empty())
      return;
    std::string error;
    auto descriptor = moe::cost::resolvePim(pim, error);
    if (!descriptor) {
      module.emitError("moe-compile-pim-variants: ") << error;
      return signalPassFailure();
    }
    moe::pim::DeviceGeometry g = moe::pim::geometryOf(*descriptor);
    if (!descriptor->hasDramTiming() || g.rowsPerBank == 0) {
      module.emitWarning("PIM descriptor '")
          << descriptor->name
          << "' has no DRAM geometry: no PIM programs are compiled and the "
             "runtime models PIM time";
      return;
    }
    MLIRContext *ctx = &getContext();
    Type storage = BFloat16Type::get(ctx);
    auto emitError = [&] { return module.emitError("PIM descriptor: "); };
    if (failed(moe::pim::DeviceAttr::verify(
            emitError, descriptor->name, g.channels, g.banksPerChannel,
            g.rowsPerBank, g.rowBytes, g.burstBytes, g.globalBufferBytes,
            g.accumulatorsPerBank, storage)))
      return signalPassFailure();
    auto device = moe::pim::DeviceAttr::get(
        ctx, descriptor->name, g.channels, g.banksPerChannel, g.rowsPerBank,
        g.rowBytes, g.burstBytes, g.globalBufferBytes, g.accumulatorsPerBank,
        storage);

    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto target =
        moe::pim::DeviceModuleOp::create(b, module.getLoc(), "moe_pim", device);
    target.getBody().emplaceBlock();
    moe::MoEToPIMOptions options;
    options.slots = slots.empty()
                        ? std::vector<unsigned>{1, 4}
                        : std::vector<unsigned>(slots.begin(), slots.end());
    for (unsigned s : options.slots)
      if (s == 0) {
        module.emitError("moe-compile-pim-variants: slots must be positive");
        return signalPassFailure();
      }
    options.batchTokens = batchTokens;
    uint32_t nextRow = 0;
    for (auto [index, item] : llvm::enumerate(layers)) {
      auto layer = dyn_cast<DictionaryAttr>(item);
      FailureOr<moe::ExpertsOp> experts =
          layer ? layerExperts(module, layer) : FailureOr<moe::ExpertsOp>();
      if (failed(experts))
        return signalPassFailure();
      // Weights computed at run time (dequantised, say) have no image to
      // store: that layer's PIM share stays on the host.
      if (llvm::any_of(experts->getOperands().drop_front(2), [](Value w) {
            return !matchPattern(w, m_Constant());
          })) {
        experts->emitWarning("layer ")
            << index
            << ": expert weights are computed, not constants: no PIM "
               "programs; the runtime runs its PIM share on the host";
        continue;
      }
      // The layout puts every output in a bank of each channel; a hidden
      // size that does not fill the banks has no PIM variant (a limit of
      // the layout, not of the device's capacity).
      auto fc2Type = experts->getFc2Weights().getType();
      int64_t hidden = fc2Type.getDimSize(1);
      if (hidden % g.banksPerChannel != 0) {
        experts->emitWarning("layer ")
            << index << ": hidden size " << hidden
            << " is not a multiple of the " << g.banksPerChannel
            << " banks per channel of '" << descriptor->name
            << "': no PIM programs; the runtime runs its PIM share on the "
               "host";
        continue;
      }
      // compilePimExperts compiles the experts placed on PIM: here, all.
      std::optional<ArrayAttr> placements = experts->getPlacements();
      SmallVector<Attribute> allPim(
          experts->getNumExperts(),
          moe::ExpertPlacementAttr::get(ctx, moe::ExpertPlacement::pim));
      experts->setPlacementsAttr(ArrayAttr::get(ctx, allPim));
      LogicalResult compiled = moe::compilePimExperts(
          *experts, target, "l" + std::to_string(index), options, nextRow);
      if (placements)
        experts->setPlacementsAttr(*placements);
      else
        experts->removePlacementsAttr();
      if (failed(compiled)) {
        experts->emitRemark("layer ")
            << index << ": the experts of all layers take "
            << "consecutive rows of every bank; " << nextRow << " of "
            << g.rowsPerBank << " rows were taken before this expert";
        return signalPassFailure();
      }
    }
  }
};

} // namespace
