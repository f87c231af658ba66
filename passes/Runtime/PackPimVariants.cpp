//===- PackPimVariants.cpp - the pim.module as the artifact's PIM section -===//
//
// The host lowering that follows knows nothing of pim ops; a dense_resource
// blob on the module passes through it untouched, and --export-artifact
// copies it into the .moeb as it is.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/Passes/MoEToPIM.h"
#include "moe/Passes/Passes.h"
#include "moe/Runtime/PimImage.h"
#include "moe/Target/PIM/ExportPIM.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"

namespace moe {
#define GEN_PASS_DEF_PACKPIMVARIANTS
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;

namespace {

struct PackPimVariantsPass
    : moe::impl::PackPimVariantsBase<PackPimVariantsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto target = module.lookupSymbol<moe::pim::DeviceModuleOp>("moe_pim");
    if (!target)
      return;
    // No layer could be laid out (see moe-compile-pim-variants' warnings).
    if (target.getBody().front().getOps<moe::pim::ProgramOp>().empty()) {
      target.erase();
      return;
    }
    MLIRContext *ctx = &getContext();
    FailureOr<moe::pim::CommandStream> stream =
        moe::pim::exportCommandStream(target, /*dropEmptySegments=*/true);
    if (failed(stream))
      return signalPassFailure();
    std::vector<uint8_t> image = moe::runtime::encodePimImage(*stream);

    // Per layer, per expert: its programs' names.
    Builder b(ctx);
    auto layers = module->getAttrOfType<ArrayAttr>("moe.layers");
    SmallVector<Attribute> updated;
    for (Attribute item : layers ? layers.getValue() : ArrayRef<Attribute>{}) {
      auto layer = cast<DictionaryAttr>(item);
      auto name = layer.getAs<StringAttr>("expert");
      auto func = name ? module.lookupSymbol<func::FuncOp>(name) : nullptr;
      ArrayAttr programs;
      if (func)
        func.walk([&](moe::ExpertsOp op) {
          programs = op->getAttrOfType<ArrayAttr>(moe::kExpertProgramsAttr);
          op->removeAttr(moe::kExpertProgramsAttr);
        });
      if (!programs) {
        updated.push_back(layer);
        continue;
      }
      SmallVector<Attribute> perExpert;
      for (Attribute refs : programs) {
        SmallVector<Attribute> names;
        for (Attribute ref : cast<ArrayAttr>(refs))
          names.push_back(cast<SymbolRefAttr>(ref).getLeafReference());
        perExpert.push_back(b.getArrayAttr(names));
      }
      NamedAttrList entries(layer);
      entries.set("pim_programs", b.getArrayAttr(perExpert));
      updated.push_back(entries.getDictionary(ctx));
    }
    if (layers)
      module->setAttr("moe.layers", b.getArrayAttr(updated));

    auto type = RankedTensorType::get({int64_t(image.size())},
                                      IntegerType::get(ctx, 8));
    ArrayRef<char> bytes(reinterpret_cast<const char *>(image.data()),
                         image.size());
    module->setAttr("moe.pim",
                    DenseResourceElementsAttr::get(
                        type, "moe_pim",
                        HeapAsmResourceBlob::allocateAndCopyInferAlign(bytes)));
    target.erase();
  }
};

} // namespace
