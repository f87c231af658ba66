//===- ConvertMoEToPIM.cpp - PIM-placed experts to pim programs -----------===//
//
// `compilePimExperts` and the `convert-moe-to-pim` pass around it: plan each
// PIM expert (ExpertLayout.h), emit its weights and programs into a
// pim.module, and tag the moe.experts op with the programs so the runtime
// finds them while the host path still computes the expert.
//
//===----------------------------------------------------------------------===//

#include "ExpertWeights.h"
#include "moe/CostModel/Hardware.h"
#include "moe/Passes/MoEToPIM.h"
#include "moe/Passes/Passes.h"
#include "moe/Runtime/PIM/DeviceTiming.h"
#include "moe/Target/PIM/ExpertProgram.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringSwitch.h"

namespace moe {
#define GEN_PASS_DEF_CONVERTMOETOPIM
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;
using namespace moe;
using namespace moe::pim;

/// The activation of `op` as the banks' activation units run it.
static PimActivation pimActivation(ExpertsOp op) {
  PimActivation act;
  switch (op.getActivation()) {
  case Activation::identity:
    break;
  case Activation::relu:
    act.function = ActivationFunction::Relu;
    break;
  case Activation::gelu:
    act.function = ActivationFunction::GeluErf;
    break;
  case Activation::gelu_tanh:
    act.function = ActivationFunction::GeluTanh;
    break;
  case Activation::silu:
    act.function = ActivationFunction::Silu;
    break;
  case Activation::swiglu:
    act.gated = true;
    act.alpha = static_cast<float>(op.getAlpha().convertToDouble());
    act.beta = static_cast<float>(op.getBeta().convertToDouble());
    if (auto limit = op.getLimit())
      act.limit = static_cast<float>(limit->convertToDouble());
    break;
  }
  return act;
}

/// A [outputs, inputs] matrix in the device's storage type: dense, or a
/// dense_resource blob named `blobName` (imported weights of real models
/// are blobs; hundreds of megabytes of hex text help no one).
static ElementsAttr storageMatrix(Type storage, uint32_t outputs,
                                  uint32_t inputs,
                                  const std::vector<float> &values,
                                  bool asResource, StringRef blobName) {
  const llvm::fltSemantics &semantics =
      cast<FloatType>(storage).getFloatSemantics();
  SmallVector<APFloat> converted;
  converted.reserve(values.size());
  for (float v : values) {
    APFloat f(v);
    bool lost;
    f.convert(semantics, APFloat::rmNearestTiesToEven, &lost);
    converted.push_back(f);
  }
  auto type = RankedTensorType::get({outputs, inputs}, storage);
  if (!asResource)
    return DenseElementsAttr::get(type, converted);
  std::vector<uint16_t> bits;
  bits.reserve(converted.size());
  for (const APFloat &f : converted)
    bits.push_back(static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue()));
  return DenseResourceElementsAttr::get(
      type, blobName,
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<uint16_t>(bits)));
}

static void emitWeights(OpBuilder &b, Location loc, DeviceAttr device,
                        StringRef name, const MatrixPlacement &placement,
                        uint32_t firstRow, const std::vector<float> &values,
                        bool asResource) {
  auto layout = WeightLayoutAttr::get(
      b.getContext(), static_cast<Sharding>(placement.sharding),
      placement.outputs, placement.inputs, firstRow, placement.rowsNeeded);
  WeightsOp::create(b, loc, name, layout,
                    storageMatrix(device.getStorage(), placement.outputs,
                                  placement.inputs, values, asResource,
                                  ("pim_" + name).str()));
}

/// The ops of a stream program inside `target`.
static ProgramOp emitProgram(OpBuilder &b, Location loc, const Program &p) {
  auto program = ProgramOp::create(b, loc, p.name, p.slots, p.inputSize,
                                   p.outputSize, p.arenaBytes);
  OpBuilder body = OpBuilder::atBlockEnd(&program.getBody().emplaceBlock());
  for (const HostRegion &r : p.regions) {
    ElementsAttr init;
    if (!r.init.empty()) {
      auto type =
          RankedTensorType::get({int64_t(r.init.size() / 4)}, b.getF32Type());
      ArrayRef<float> values(reinterpret_cast<const float *>(r.init.data()),
                             r.init.size() / 4);
      init = DenseElementsAttr::get(type, values);
    }
    HostRegionOp::create(body, loc, r.name, static_cast<HostRegionKind>(r.kind),
                         r.offset, r.bytes, init);
  }
  for (const Command &c : p.commands)
    createCommandOp(body, loc, c);
  return program;
}

LogicalResult moe::compilePimExperts(ExpertsOp experts, DeviceModuleOp target,
                                     StringRef prefix,
                                     const MoEToPIMOptions &options,
                                     uint32_t &nextRow) {
  int64_t numExperts = experts.getNumExperts();
  SmallVector<int64_t> pimExperts;
  for (int64_t e = 0; e < numExperts; ++e)
    if (experts.getExpertPlacement(e) == ExpertPlacement::pim)
      pimExperts.push_back(e);
  if (pimExperts.empty())
    return success();

  ExpertWeightReader reader;
  if (failed(reader.read(experts)))
    return failure();
  DeviceAttr device = target.getDevice();
  DeviceGeometry geometry = device.getGeometry();
  ExpertShape shape;
  shape.hidden = static_cast<uint32_t>(reader.hidden);
  shape.intermediate = static_cast<uint32_t>(reader.intermediate);
  shape.gated = experts.isGated();
  PimActivation activation = pimActivation(experts);

  Location loc = experts.getLoc();
  OpBuilder b = OpBuilder::atBlockEnd(&target.getBody().front());
  SmallVector<Attribute> perExpert(numExperts, b.getArrayAttr({}));
  for (int64_t e : pimExperts) {
    // The single-token plan must fit; batched plans share its rows.
    ExpertPlan plan;
    std::string problem =
        planExpert(shape, geometry, nextRow, options.chunkBytes, 1, plan,
                   options.hiddenSplit);
    if (!problem.empty())
      return experts.emitOpError("PIM lowering: expert ")
             << e << " does not fit the device '" << device.getName()
             << "': " << problem;
    std::string name = (prefix + "_e" + Twine(e)).str();
    ExpertMatrices weights = reader.expert(experts, e);
    bool blobs = reader.resourceWeights;
    emitWeights(b, loc, device, name + "_fc1", plan.gate, plan.gateFirstRow,
                weights.gate, blobs);
    if (shape.gated)
      emitWeights(b, loc, device, name + "_linear", plan.linear,
                  plan.linearFirstRow, weights.linear, blobs);
    emitWeights(b, loc, device, name + "_fc2", plan.down, plan.downFirstRow,
                weights.down, blobs);
    SmallVector<Attribute> programs;
    for (unsigned slots : options.slots) {
      // As many tokens per row activation as asked for, the program has
      // and the global buffer and accumulators hold.
      ExpertPlan batched = plan;
      for (unsigned perPass = std::min(options.batchTokens, slots); perPass > 1;
           --perPass)
        if (planExpert(shape, geometry, nextRow, options.chunkBytes, perPass,
                       batched, options.hiddenSplit)
                .empty())
          break;
      std::string programName = name + "_s" + std::to_string(slots);
      emitProgram(b, loc,
                  buildExpertProgram(programName, geometry, shape, batched,
                                     weights, activation, slots));
      programs.push_back(SymbolRefAttr::get(
          target.getSymNameAttr(),
          {FlatSymbolRefAttr::get(b.getContext(), programName)}));
    }
    perExpert[e] = b.getArrayAttr(programs);
    nextRow += plan.rowsUsed;
  }
  experts->setAttr(kExpertProgramsAttr, b.getArrayAttr(perExpert));
  return success();
}

namespace {

struct ConvertMoEToPIMPass
    : moe::impl::ConvertMoEToPIMBase<ConvertMoEToPIMPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<ExpertsOp> layers;
    module.walk([&](ExpertsOp op) {
      for (int64_t e = 0, n = op.getNumExperts(); e < n; ++e)
        if (op.getExpertPlacement(e) == ExpertPlacement::pim) {
          layers.push_back(op);
          break;
        }
    });
    if (layers.empty())
      return;

    std::string error;
    auto descriptor = cost::resolvePim(device, error);
    if (!descriptor) {
      module.emitError("convert-moe-to-pim: ") << error;
      return signalPassFailure();
    }
    Type storageType;
    if (storage == "bf16")
      storageType = BFloat16Type::get(&getContext());
    else if (storage == "f16")
      storageType = Float16Type::get(&getContext());
    else {
      module.emitError("convert-moe-to-pim: storage must be bf16 or f16, got '")
          << storage << "'";
      return signalPassFailure();
    }
    // The descriptor's DRAM geometry; an option overrides one number, and a
    // descriptor without DRAM fields falls back to HBM3-PIM-like numbers.
    pim::DeviceGeometry base = pim::geometryOf(*descriptor);
    auto pick = [](unsigned option, uint32_t fromDescriptor,
                   uint32_t fallback) -> uint32_t {
      return option ? option : fromDescriptor ? fromDescriptor : fallback;
    };
    std::string name = descriptor->name;
    uint32_t geometry[] = {pick(channels, base.channels, 1),
                           pick(banks, base.banksPerChannel, 16),
                           pick(rows, base.rowsPerBank, 16384),
                           pick(rowBytes, base.rowBytes, 1024),
                           pick(burstBytes, base.burstBytes, 32),
                           pick(gbBytes, base.globalBufferBytes, 2048),
                           pick(accumulators, base.accumulatorsPerBank, 8)};
    auto emitError = [&] { return module.emitError("convert-moe-to-pim: "); };
    if (failed(DeviceAttr::verify(emitError, name, geometry[0], geometry[1],
                                  geometry[2], geometry[3], geometry[4],
                                  geometry[5], geometry[6], storageType)))
      return signalPassFailure();
    auto deviceAttr = DeviceAttr::get(
        &getContext(), name, geometry[0], geometry[1], geometry[2], geometry[3],
        geometry[4], geometry[5], geometry[6], storageType);

    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto target =
        DeviceModuleOp::create(b, module.getLoc(), moduleName, deviceAttr);
    target.getBody().emplaceBlock();
    MoEToPIMOptions options;
    if (!slots.empty())
      options.slots.assign(slots.begin(), slots.end());
    for (unsigned s : options.slots)
      if (s == 0) {
        module.emitError("convert-moe-to-pim: slots must be positive");
        return signalPassFailure();
      }
    options.chunkBytes = chunkBytes;
    options.batchTokens = batchTokens;
    std::optional<pim::HiddenSplit> split =
        llvm::StringSwitch<std::optional<pim::HiddenSplit>>(splitHidden)
            .Case("auto", pim::HiddenSplit::Auto)
            .Case("never", pim::HiddenSplit::Never)
            .Case("always", pim::HiddenSplit::Always)
            .Default(std::nullopt);
    if (!split) {
      module.emitError("convert-moe-to-pim: split-hidden must be auto, never "
                       "or always, got '")
          << splitHidden << "'";
      return signalPassFailure();
    }
    options.hiddenSplit = *split;
    uint32_t nextRow = 0;
    for (auto [index, layer] : llvm::enumerate(layers))
      if (failed(compilePimExperts(layer, target, "l" + std::to_string(index),
                                   options, nextRow)))
        return signalPassFailure();
  }
};

} // namespace
