//===- OutlineLayers.cpp - MoE layers become runtime calls ----------------===//
//
// The runtime re-dispatches experts every step from the real token counts,
// so a layer's route and each expert must be callable on their own: they are
// outlined into functions, and the chain in the model becomes one call of
// the runtime's @moe_rt_layer.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/Passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace moe {
#define GEN_PASS_DEF_OUTLINELAYERS
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kCInterface = "llvm.emit_c_interface";
constexpr llvm::StringLiteral kRuntimeLayer = "moe_rt_layer";

/// One route -> dispatch -> experts -> combine chain.
struct LayerChain {
  moe::RouteOp route;
  moe::DispatchOp dispatch;
  moe::ExpertsOp experts;
  moe::CombineOp combine;
};

/// The chain ending at `combine`, or an error at the op that breaks it.
FailureOr<LayerChain> matchChain(moe::CombineOp combine) {
  LayerChain chain;
  chain.combine = combine;
  chain.experts = combine.getExpertOutputs().getDefiningOp<moe::ExpertsOp>();
  chain.dispatch = combine.getPermutation().getDefiningOp<moe::DispatchOp>();
  chain.route = combine.getWeights().getDefiningOp<moe::RouteOp>();
  if (!chain.experts || !chain.dispatch || !chain.route)
    return combine.emitOpError(
        "is not fed by one moe.route, moe.dispatch and moe.experts; the "
        "runtime needs the whole layer");
  if (chain.experts.getTokens() != chain.dispatch.getSorted() ||
      chain.experts.getOffsets() != chain.dispatch.getOffsets() ||
      chain.dispatch.getIds() != chain.route.getIds())
    return combine.emitOpError(
        "belongs to a layer whose experts, dispatch and route are not "
        "chained directly");
  return chain;
}

/// Clones the constant computation of `value` (ops without regions whose
/// operands are constant computations too) in front of `builder`.
FailureOr<Value> cloneConstantTree(Value value, OpBuilder &builder,
                                   IRMapping &mapping, Operation *user) {
  if (Value mapped = mapping.lookupOrNull(value))
    return mapped;
  Operation *def = value.getDefiningOp();
  if (!def || def->getNumRegions() != 0 || !isPure(def))
    return user->emitOpError("needs constant expert weights (the runtime "
                             "clones them into each expert); one is ")
           << (def ? "computed by '" + def->getName().getStringRef().str() + "'"
                   : std::string("a function argument"));
  for (Value operand : def->getOperands())
    if (failed(cloneConstantTree(operand, builder, mapping, user)))
      return failure();
  builder.clone(*def, mapping);
  return mapping.lookup(value);
}

RankedTensorType dynamicRows(RankedTensorType type) {
  SmallVector<int64_t> shape(type.getShape());
  shape[0] = ShapedType::kDynamic;
  return RankedTensorType::get(shape, type.getElementType());
}

/// `{name, shape}` of each tensor in `types`, named by the `onnx.name`
/// attribute of each position (or `input<i>` / `output<i>`); null after an
/// error.
ArrayAttr describeTensors(func::FuncOp func, TypeRange types, bool results) {
  Builder b(func.getContext());
  SmallVector<Attribute> list;
  for (auto [i, type] : llvm::enumerate(types)) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.getElementType().isF32()) {
      func.emitOpError("is the runtime's entry, whose ")
          << (results ? "results" : "arguments")
          << " must be ranked f32 tensors; #" << i << " is " << type;
      return nullptr;
    }
    auto name = results ? func.getResultAttrOfType<StringAttr>(i, "onnx.name")
                        : func.getArgAttrOfType<StringAttr>(i, "onnx.name");
    std::string fallback = (results ? "output" : "input") + std::to_string(i);
    SmallVector<int64_t> shape;
    for (int64_t d : tensor.getShape())
      shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
    list.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("name", name ? name : b.getStringAttr(fallback)),
         b.getNamedAttr("shape", b.getDenseI64ArrayAttr(shape))}));
  }
  return b.getArrayAttr(list);
}

struct OutlineLayersPass : moe::impl::OutlineLayersBase<OutlineLayersPass> {
  using OutlineLayersBase::OutlineLayersBase;

  /// The one public function with a body: what the runtime calls.
  LogicalResult recordEntry(ModuleOp module) {
    func::FuncOp entry;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      if (entry)
        return func.emitOpError("is a second public function; the runtime "
                                "calls exactly one (make the others private)");
      entry = func;
    }
    if (!entry)
      return module.emitError("has no public function for the runtime to "
                              "call");
    ArrayAttr inputs = describeTensors(entry, entry.getArgumentTypes(), false);
    ArrayAttr outputs = describeTensors(entry, entry.getResultTypes(), true);
    if (!inputs || !outputs)
      return failure();
    Builder b(module.getContext());
    module->setAttr(
        "moe.entry",
        b.getDictionaryAttr({b.getNamedAttr("name", entry.getSymNameAttr()),
                             b.getNamedAttr("inputs", inputs),
                             b.getNamedAttr("outputs", outputs)}));
    module->setAttr("moe.defaults",
                    b.getDictionaryAttr(
                        {b.getNamedAttr("gpu", b.getStringAttr(gpu)),
                         b.getNamedAttr("pim", b.getStringAttr(pim)),
                         b.getNamedAttr("link", b.getStringAttr(link)),
                         b.getNamedAttr("policy", b.getStringAttr(policy))}));
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(recordEntry(module)))
      return signalPassFailure();
    SmallVector<LayerChain> chains;
    WalkResult walk = module.walk([&](moe::CombineOp combine) {
      FailureOr<LayerChain> chain = matchChain(combine);
      if (failed(chain))
        return WalkResult::interrupt();
      chains.push_back(*chain);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    // Public functions are what the runtime calls by name.
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        func->setAttr(kCInterface, UnitAttr::get(&getContext()));

    SmallVector<Attribute> layers;
    for (auto [index, chain] : llvm::enumerate(chains)) {
      DictionaryAttr layer = outline(module, chain, index);
      if (!layer)
        return signalPassFailure();
      layers.push_back(layer);
    }
    if (!layers.empty())
      module->setAttr("moe.layers", ArrayAttr::get(&getContext(), layers));
  }

  /// The runtime's entry, declared once with fully dynamic 2-D tensors so
  /// that one C symbol serves every layer shape.
  func::FuncOp runtimeLayer(ModuleOp module) {
    if (auto existing = module.lookupSymbol<func::FuncOp>(kRuntimeLayer))
      return existing;
    MLIRContext *ctx = &getContext();
    auto matrix = RankedTensorType::get(
        {ShapedType::kDynamic, ShapedType::kDynamic}, Float32Type::get(ctx));
    auto type = FunctionType::get(
        ctx, {IntegerType::get(ctx, 64), matrix, matrix}, {matrix});
    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    auto decl =
        func::FuncOp::create(builder, module.getLoc(), kRuntimeLayer, type);
    decl.setPrivate();
    decl->setAttr(kCInterface, UnitAttr::get(ctx));
    return decl;
  }

  DictionaryAttr outline(ModuleOp module, LayerChain chain, size_t index) {
    MLIRContext *ctx = &getContext();
    moe::ExpertsOp experts = chain.experts;
    auto tokensType = dynamicRows(chain.dispatch.getTokens().getType());
    auto logitsType = dynamicRows(chain.route.getLogits().getType());
    if (!tokensType.getElementType().isF32() ||
        !logitsType.getElementType().isF32()) {
      chain.combine.emitOpError("runs on the runtime only with f32 tokens "
                                "and logits, got ")
          << tokensType << " and " << logitsType;
      return nullptr;
    }
    if (tokensType.isDynamicDim(1) || logitsType.isDynamicDim(1)) {
      chain.combine.emitOpError("needs static hidden size and expert count");
      return nullptr;
    }
    std::string prefix = "moe_layer" + std::to_string(index);
    OpBuilder moduleBuilder = OpBuilder::atBlockEnd(module.getBody());
    Location loc = chain.combine.getLoc();

    // @moe_layer<i>_route(logits) -> (ids, weights)
    auto idsType = dynamicRows(chain.route.getIds().getType());
    auto weightsType = dynamicRows(chain.route.getWeights().getType());
    auto routeFunc = func::FuncOp::create(
        moduleBuilder, loc, prefix + "_route",
        FunctionType::get(ctx, {logitsType}, {idsType, weightsType}));
    {
      OpBuilder b = OpBuilder::atBlockBegin(routeFunc.addEntryBlock());
      IRMapping mapping;
      Value logits = routeFunc.getArgument(0);
      if (logits.getType() != chain.route.getLogits().getType())
        logits = tensor::CastOp::create(
            b, loc, chain.route.getLogits().getType(), logits);
      mapping.map(chain.route.getLogits(), logits);
      if (Value bias = chain.route.getCorrectionBias())
        if (failed(cloneConstantTree(bias, b, mapping, chain.route)))
          return nullptr;
      Operation *route = b.clone(*chain.route, mapping);
      SmallVector<Value> results;
      for (auto [value, type] :
           llvm::zip(route->getResults(), TypeRange{idsType, weightsType}))
        results.push_back(
            value.getType() == type
                ? Value(value)
                : tensor::CastOp::create(b, loc, type, value).getResult());
      func::ReturnOp::create(b, loc, results);
    }

    // @moe_layer<i>_expert(e, rows) -> out: the layer's moe.experts with
    // offsets that give every row to expert e.
    auto expertFunc = func::FuncOp::create(
        moduleBuilder, loc, prefix + "_expert",
        FunctionType::get(ctx, {IndexType::get(ctx), tokensType},
                          {tokensType}));
    {
      OpBuilder b = OpBuilder::atBlockBegin(expertFunc.addEntryBlock());
      Value expert = expertFunc.getArgument(0);
      Value rows = expertFunc.getArgument(1);
      Value count = tensor::DimOp::create(b, loc, rows, 0);
      Value count64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
      auto offsetsType = experts.getOffsets().getType();
      Value zero = arith::ConstantIntOp::create(b, loc, 0, 64);
      // offsets[i] = i <= e ? 0 : n
      Value offsets = tensor::GenerateOp::create(
          b, loc, offsetsType, ValueRange{},
          [&](OpBuilder &nb, Location nl, ValueRange indices) {
            Value before = arith::CmpIOp::create(
                nb, nl, arith::CmpIPredicate::ule, indices[0], expert);
            tensor::YieldOp::create(
                nb, nl,
                arith::SelectOp::create(nb, nl, before, zero, count64)
                    .getResult());
          });
      IRMapping mapping;
      Value sortedRows = rows;
      if (rows.getType() != experts.getTokens().getType())
        sortedRows =
            tensor::CastOp::create(b, loc, experts.getTokens().getType(), rows);
      mapping.map(experts.getTokens(), sortedRows);
      mapping.map(experts.getOffsets(), offsets);
      for (Value weight : experts->getOperands().drop_front(2))
        if (failed(cloneConstantTree(weight, b, mapping, experts)))
          return nullptr;
      Operation *clone = b.clone(*experts, mapping);
      clone->removeAttr("placements");
      Value out = clone->getResult(0);
      if (out.getType() != tokensType)
        out = tensor::CastOp::create(b, loc, tokensType, out);
      func::ReturnOp::create(b, loc, out);
    }
    routeFunc->setAttr(kCInterface, UnitAttr::get(ctx));
    expertFunc->setAttr(kCInterface, UnitAttr::get(ctx));

    // The layer in the model: one runtime call.
    func::FuncOp decl = runtimeLayer(module);
    Type matrix = decl.getFunctionType().getInput(1);
    OpBuilder b(chain.combine);
    Value tokens =
        tensor::CastOp::create(b, loc, matrix, chain.dispatch.getTokens());
    Value logits =
        tensor::CastOp::create(b, loc, matrix, chain.route.getLogits());
    Value id = arith::ConstantIntOp::create(b, loc, index, 64);
    Value out =
        func::CallOp::create(b, loc, decl, ValueRange{id, tokens, logits})
            .getResult(0);
    if (out.getType() != chain.combine.getType())
      out = tensor::CastOp::create(b, loc, chain.combine.getType(), out);
    // Read from the experts op before it is erased below (ASan found the
    // read after the erase).
    auto shape = experts.getFc2Weights().getType();
    int matrices = experts.isGated() ? 3 : 2;
    chain.combine.getResult().replaceAllUsesWith(out);
    for (Operation *op :
         {chain.combine.getOperation(), experts.getOperation(),
          chain.dispatch.getOperation(), chain.route.getOperation()})
      if (op->use_empty())
        op->erase();

    int64_t numExperts = logitsType.getDimSize(1);
    Builder attrs(ctx);
    return attrs.getDictionaryAttr({
        attrs.getNamedAttr("id", attrs.getI64IntegerAttr(index)),
        attrs.getNamedAttr("experts", attrs.getI64IntegerAttr(numExperts)),
        attrs.getNamedAttr("k", attrs.getI64IntegerAttr(idsType.getDimSize(1))),
        attrs.getNamedAttr("hidden",
                           attrs.getI64IntegerAttr(tokensType.getDimSize(1))),
        attrs.getNamedAttr("intermediate",
                           attrs.getI64IntegerAttr(shape.getShape().back())),
        attrs.getNamedAttr("matrices", attrs.getI64IntegerAttr(matrices)),
        attrs.getNamedAttr("route", attrs.getStringAttr(routeFunc.getName())),
        attrs.getNamedAttr("expert", attrs.getStringAttr(expertFunc.getName())),
        attrs.getNamedAttr("runtime", attrs.getStringAttr(decl.getName())),
        attrs.getNamedAttr("ids_bits", attrs.getI64IntegerAttr(
                                           idsType.getElementTypeBitWidth())),
    });
  }
};

} // namespace
