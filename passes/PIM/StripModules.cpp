//===- StripModules.cpp - the host path without the PIM programs ----------===//
//
// After convert-moe-to-pim a module holds the layer (still computing every
// expert on the host) and its pim.module. The host can run only the former;
// the runtime takes the latter from the exported stream.
//
//===----------------------------------------------------------------------===//

#include "moe/Passes/MoEToPIM.h"
#include "moe/Passes/Passes.h"

namespace moe {
#define GEN_PASS_DEF_PIMSTRIPMODULES
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;

namespace {

struct PIMStripModulesPass
    : moe::impl::PIMStripModulesBase<PIMStripModulesPass> {
  void runOnOperation() override {
    SmallVector<moe::pim::DeviceModuleOp> modules;
    getOperation().walk([&](Operation *op) {
      if (auto module = dyn_cast<moe::pim::DeviceModuleOp>(op))
        modules.push_back(module);
      else
        op->removeAttr(moe::kExpertProgramsAttr);
    });
    for (auto module : modules)
      module.erase();
  }
};

} // namespace
