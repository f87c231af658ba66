//===- ConvertMoEToGPU.cpp - GPU-placed experts to GPU kernels ------------===//
//
// moe.experts with GPU experts becomes: buffers of its operands, four kernel
// launches (fc1 and fc2, each a grouped GEMM and a few-token GEMV), and a
// host loop for the experts placed elsewhere. The kernels go into one
// gpu.module per op, or into host functions with `emulate-on-host`.
//
//===----------------------------------------------------------------------===//

#include "ExpertKernels.h"
#include "KernelBuilders.h"
#include "LayerKernels.h"

// The host experts reuse the reference FFN of the linalg lowering.
#include "../MoEToLinalg/LinalgBuilders.h"

#include "moe/Passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include <functional>

namespace moe {
#define GEN_PASS_DEF_CONVERTMOETOGPU
#include "moe/Passes/Passes.h.inc"
} // namespace moe

using namespace mlir;
using namespace moe::gpukernels;

namespace {

bool hasGpuExpert(moe::ExpertsOp op) {
  for (int64_t e = 0, n = op.getNumExperts(); e < n; ++e)
    if (op.getExpertPlacement(e) == moe::ExpertPlacement::gpu)
      return true;
  return false;
}

int64_t staticDim(Value v, unsigned d) {
  return cast<ShapedType>(v.getType()).getDimSize(d);
}

/// The fc1 and fc2 matmuls of `op`; shapes were checked by
/// verifyMoEToGPUSupport.
std::pair<ExpertMatmulSpec, ExpertMatmulSpec>
matmulSpecs(moe::ExpertsOp op, const moe::MoEToGPUOptions &options) {
  KernelTiling tiling{options.tileM,      options.tileN,
                      options.tileK,      options.gemmThreads,
                      options.gemvWarps,  options.gemvMaxTokens,
                      options.tensorCores};
  Type elementType = op.getTokens().getType().getElementType();
  int64_t numExperts = op.getNumExperts();
  int64_t hidden = staticDim(op.getFc1Weights(), 2);
  int64_t inter = staticDim(op.getFc2Weights(), 2);
  moe::lowering::ActivationSpec act = moe::lowering::getActivationSpec(op);

  ExpertMatmulSpec fc1;
  fc1.elementType = elementType;
  fc1.numExperts = numExperts;
  fc1.inFeatures = hidden;
  fc1.outFeatures = inter;
  fc1.weightRows = staticDim(op.getFc1Weights(), 1);
  fc1.hasBias = static_cast<bool>(op.getFc1Bias());
  fc1.hasLinearWeights = static_cast<bool>(op.getFc3Weights());
  fc1.hasLinearBias = static_cast<bool>(op.getFc3Bias());
  fc1.activation = act.kind;
  fc1.layout = act.layout.value_or(moe::GateLayout::separate);
  fc1.alpha = act.alpha;
  fc1.beta = act.beta;
  fc1.limit = act.limit;
  fc1.tiling = tiling;

  ExpertMatmulSpec fc2;
  fc2.elementType = elementType;
  fc2.numExperts = numExperts;
  fc2.inFeatures = inter;
  fc2.outFeatures = hidden;
  fc2.weightRows = hidden;
  fc2.hasBias = static_cast<bool>(op.getFc2Bias());
  fc2.tiling = tiling;
  return {fc1, fc2};
}

/// The four kernels of one moe.experts op.
struct ExpertKernelSet {
  /// For the GPU: the gpu.func ops; for the host: the func.func ops.
  Operation *fc1Gemm, *fc1Gemv, *fc2Gemm, *fc2Gemv;
};

ExpertKernelSet emitKernels(OpBuilder &b, Location loc, ModuleOp module,
                            StringRef baseName, const ExpertMatmulSpec &fc1,
                            const ExpertMatmulSpec &fc2, bool onHost) {
  SymbolTable symbols(module);
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  if (onHost) {
    auto build = [&](StringRef suffix, auto builder,
                     const ExpertMatmulSpec &spec) {
      Operation *k = builder(mb, loc, KernelTarget::host,
                             (baseName + "_" + suffix).str(), spec);
      symbols.insert(k); // Renames on a clash.
      return k;
    };
    return {build("fc1_gemm", buildGroupedGemmKernel, fc1),
            build("fc1_gemv", buildGemvKernel, fc1),
            build("fc2_gemm", buildGroupedGemmKernel, fc2),
            build("fc2_gemv", buildGemvKernel, fc2)};
  }
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  b.getUnitAttr());
  auto gpuModule = gpu::GPUModuleOp::create(mb, loc, baseName);
  symbols.insert(gpuModule);
  OpBuilder kb = OpBuilder::atBlockBegin(gpuModule.getBody());
  return {buildGroupedGemmKernel(kb, loc, KernelTarget::gpu, "fc1_gemm", fc1),
          buildGemvKernel(kb, loc, KernelTarget::gpu, "fc1_gemv", fc1),
          buildGroupedGemmKernel(kb, loc, KernelTarget::gpu, "fc2_gemm", fc2),
          buildGemvKernel(kb, loc, KernelTarget::gpu, "fc2_gemv", fc2)};
}

void launch(OpBuilder &b, Location loc, Operation *kernel,
            std::pair<Value, Value> grid, int64_t threads, ValueRange args) {
  if (auto gpuFunc = dyn_cast<gpu::GPUFuncOp>(kernel)) {
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value block = arith::ConstantIndexOp::create(b, loc, threads);
    gpu::LaunchFuncOp::create(b, loc, gpuFunc, {grid.first, grid.second, one},
                              {block, one, one}, Value(), args);
    return;
  }
  SmallVector<Value> operands(args);
  operands.push_back(grid.first);
  operands.push_back(grid.second);
  func::CallOp::create(b, loc, cast<func::FuncOp>(kernel), operands);
}

struct ExpertsToGPU : OpRewritePattern<moe::ExpertsOp> {
  ExpertsToGPU(MLIRContext *ctx, const moe::MoEToGPUOptions &options)
      : OpRewritePattern(ctx), options(options) {}

  LogicalResult matchAndRewrite(moe::ExpertsOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasGpuExpert(op))
      return rewriter.notifyMatchFailure(op, "no expert placed on the GPU");
    auto module = op->getParentOfType<ModuleOp>();
    if (!module)
      return rewriter.notifyMatchFailure(op, "not inside a module");
    Location loc = op.getLoc();
    auto [fc1, fc2] = matmulSpecs(op, options);
    int64_t numExperts = fc1.numExperts;

    ExpertKernelSet kernels = emitKernels(rewriter, loc, module, "moe_experts",
                                          fc1, fc2, options.emulateOnHost);

    // Operands as buffers with the kernels' (identity-layout) types.
    auto buffer = [&](Value tensor) -> Value {
      if (!tensor)
        return Value();
      auto type = cast<RankedTensorType>(tensor.getType());
      auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
      return bufferization::ToBufferOp::create(rewriter, loc, memrefType,
                                               tensor, /*read_only=*/true);
    };
    SmallVector<int8_t> mask;
    for (int64_t e = 0; e < numExperts; ++e)
      mask.push_back(op.getExpertPlacement(e) == moe::ExpertPlacement::gpu);
    auto maskType = RankedTensorType::get({numExperts}, rewriter.getI8Type());
    Value maskTensor = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(maskType, ArrayRef(mask)));

    Value tokens = buffer(op.getTokens());
    Value offsets = buffer(op.getOffsets());
    Value placed = buffer(maskTensor);
    Value numRows = memref::DimOp::create(rewriter, loc, tokens, 0);
    Type elementType = fc1.elementType;
    auto hiddenType =
        MemRefType::get({ShapedType::kDynamic, fc1.outFeatures}, elementType);
    auto outType =
        MemRefType::get({ShapedType::kDynamic, fc2.outFeatures}, elementType);
    Value hidden =
        memref::AllocOp::create(rewriter, loc, hiddenType, ValueRange{numRows});
    Value out =
        memref::AllocOp::create(rewriter, loc, outType, ValueRange{numRows});

    SmallVector<Value> fc1Args = {tokens, offsets, placed,
                                  buffer(op.getFc1Weights())};
    if (fc1.hasLinearWeights)
      fc1Args.push_back(buffer(op.getFc3Weights()));
    if (fc1.hasBias)
      fc1Args.push_back(buffer(op.getFc1Bias()));
    if (fc1.hasLinearBias)
      fc1Args.push_back(buffer(op.getFc3Bias()));
    fc1Args.push_back(hidden);
    SmallVector<Value> fc2Args = {hidden, offsets, placed,
                                  buffer(op.getFc2Weights())};
    if (fc2.hasBias)
      fc2Args.push_back(buffer(op.getFc2Bias()));
    fc2Args.push_back(out);

    const KernelTiling &t = fc1.tiling;
    launch(rewriter, loc, kernels.fc1Gemm,
           groupedGemmGrid(rewriter, loc, fc1, numRows), t.gemmThreads,
           fc1Args);
    launch(rewriter, loc, kernels.fc1Gemv, gemvGrid(rewriter, loc, fc1),
           32 * t.gemvWarps, fc1Args);
    launch(rewriter, loc, kernels.fc2Gemm,
           groupedGemmGrid(rewriter, loc, fc2, numRows), t.gemmThreads,
           fc2Args);
    launch(rewriter, loc, kernels.fc2Gemv, gemvGrid(rewriter, loc, fc2),
           32 * t.gemvWarps, fc2Args);

    auto resultTensorType = RankedTensorType::get(
        {ShapedType::kDynamic, fc2.outFeatures}, elementType);
    Value result = bufferization::ToTensorOp::create(
        rewriter, loc, resultTensorType, out, /*restrict=*/true,
        /*writable=*/true);

    if (llvm::count(mask, 0) != 0)
      result = computeHostExperts(rewriter, loc, op, maskTensor, result);
    rewriter.replaceOp(op, moe::lowering::castToType(rewriter, loc, result,
                                                     op.getResult().getType()));
    return success();
  }

private:
  /// The rows of experts not placed on the GPU, with the host FFN of
  /// convert-moe-to-linalg, written into `result`.
  Value computeHostExperts(PatternRewriter &b, Location loc, moe::ExpertsOp op,
                           Value mask, Value result) const {
    using namespace moe::lowering;
    Value tokens = op.getTokens();
    OpFoldResult hidden = tensor::getMixedSize(b, loc, tokens, 1);
    ActivationSpec activation = getActivationSpec(op);
    auto loop = scf::ForOp::create(
        b, loc, indexConstant(b, loc, 0),
        indexConstant(b, loc, op.getNumExperts()), indexConstant(b, loc, 1),
        ValueRange{result},
        [&](OpBuilder &nb, Location nl, Value e, ValueRange iter) {
          Value flag = tensor::ExtractOp::create(nb, nl, mask, e);
          Value onHost =
              arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, flag,
                                    arith::ConstantIntOp::create(nb, nl, 0, 8));
          auto ifOp = scf::IfOp::create(
              nb, nl, onHost,
              [&](OpBuilder &ib, Location il) {
                auto offsetAt = [&](Value i) -> Value {
                  Value raw =
                      tensor::ExtractOp::create(ib, il, op.getOffsets(), i);
                  return arith::IndexCastOp::create(ib, il, ib.getIndexType(),
                                                    raw);
                };
                Value begin = offsetAt(e);
                Value end = offsetAt(
                    arith::AddIOp::create(ib, il, e, indexConstant(ib, il, 1)));
                Value count = arith::SubIOp::create(ib, il, end, begin);
                SmallVector<OpFoldResult> offs = {begin, ib.getIndexAttr(0)};
                SmallVector<OpFoldResult> sizes = {count, hidden};
                SmallVector<OpFoldResult> strides = {ib.getIndexAttr(1),
                                                     ib.getIndexAttr(1)};
                Value rows = tensor::ExtractSliceOp::create(
                    ib, il, tokens, offs, sizes, strides);
                ExpertWeights weights{
                    expertSlice(ib, il, op.getFc1Weights(), e),
                    expertSlice(ib, il, op.getFc1Bias(), e),
                    expertSlice(ib, il, op.getFc2Weights(), e),
                    expertSlice(ib, il, op.getFc2Bias(), e),
                    expertSlice(ib, il, op.getFc3Weights(), e),
                    expertSlice(ib, il, op.getFc3Bias(), e)};
                Value y = buildExpertFFN(ib, il, rows, weights, activation);
                Value updated = tensor::InsertSliceOp::create(
                    ib, il, y, iter[0], offs, sizes, strides);
                scf::YieldOp::create(ib, il, updated);
              },
              [&](OpBuilder &ib, Location il) {
                scf::YieldOp::create(ib, il, iter[0]);
              });
          scf::YieldOp::create(nb, nl, ifOp.getResult(0));
        });
    return loop.getResult(0);
  }

  moe::MoEToGPUOptions options;
};

using KernelBuilder =
    std::function<Operation *(OpBuilder &, KernelTarget, StringRef)>;

/// The kernels `builders` (name, builder) of one op: in one new gpu.module
/// `moduleName` for the GPU, or as host functions `<moduleName>_<name>`.
SmallVector<Operation *>
emitLayerKernels(OpBuilder &b, Location loc, ModuleOp module,
                 StringRef moduleName, bool onHost,
                 ArrayRef<std::pair<StringRef, KernelBuilder>> builders) {
  SymbolTable symbols(module);
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  SmallVector<Operation *> kernels;
  if (onHost) {
    for (auto &[name, build] : builders) {
      Operation *k =
          build(mb, KernelTarget::host, (moduleName + "_" + name).str());
      symbols.insert(k); // Renames on a clash.
      kernels.push_back(k);
    }
    return kernels;
  }
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  b.getUnitAttr());
  auto gpuModule = gpu::GPUModuleOp::create(mb, loc, moduleName);
  symbols.insert(gpuModule);
  OpBuilder kb = OpBuilder::atBlockEnd(gpuModule.getBody());
  for (auto &[name, build] : builders)
    kernels.push_back(build(kb, KernelTarget::gpu, name));
  return kernels;
}

/// `tensor` as a buffer of exactly `type` (dynamic dimensions where the
/// kernel's argument has them).
Value bufferAs(OpBuilder &b, Location loc, Value tensor, MemRefType type) {
  auto tensorType =
      RankedTensorType::get(type.getShape(), type.getElementType());
  Value cast = moe::lowering::castToType(b, loc, tensor, tensorType);
  return bufferization::ToBufferOp::create(b, loc, type, cast,
                                           /*read_only=*/true);
}

Value asTensor(OpBuilder &b, Location loc, Value buffer, Type resultType) {
  auto memrefType = cast<MemRefType>(buffer.getType());
  Value tensor = bufferization::ToTensorOp::create(
      b, loc,
      RankedTensorType::get(memrefType.getShape(), memrefType.getElementType()),
      buffer, /*restrict=*/true, /*writable=*/true);
  return moe::lowering::castToType(b, loc, tensor, resultType);
}

/// Launches `kernel` on `blocks` x 1 blocks unless `blocks` is zero (an
/// empty grid is an error on the GPU).
void launchLayerKernel(OpBuilder &b, Location loc, Operation *kernel,
                       Value blocks, ValueRange args) {
  Value any = cmp(b, loc, arith::CmpIPredicate::sgt, blocks, idx(b, loc, 0));
  ifThen(b, loc, any, [&](OpBuilder &ib) {
    launch(ib, loc, kernel, {blocks, idx(ib, loc, 1)}, kLayerThreads, args);
  });
}

Value ceilDiv(OpBuilder &b, Location loc, Value x, int64_t d) {
  return arith::CeilDivUIOp::create(b, loc, x, idx(b, loc, d));
}

MemRefType dynamicRows(ArrayRef<int64_t> tail, Type elementType) {
  SmallVector<int64_t> shape = {ShapedType::kDynamic};
  shape.append(tail.begin(), tail.end());
  return MemRefType::get(shape, elementType);
}

/// A route, dispatch or combine op lowered to kernels added to its module.
template <typename Op> struct LayerOpToGPU : OpRewritePattern<Op> {
  LayerOpToGPU(MLIRContext *ctx, const moe::MoEToGPUOptions &options)
      : OpRewritePattern<Op>(ctx), options(options) {}

  LogicalResult matchAndRewrite(Op op, PatternRewriter &rewriter) const final {
    auto module = op->template getParentOfType<ModuleOp>();
    if (!module)
      return rewriter.notifyMatchFailure(op, "not inside a module");
    return rewrite(op, module, rewriter);
  }
  virtual LogicalResult rewrite(Op op, ModuleOp module,
                                PatternRewriter &rewriter) const = 0;

  moe::MoEToGPUOptions options;
};

struct RouteToGPU : LayerOpToGPU<moe::RouteOp> {
  using LayerOpToGPU::LayerOpToGPU;

  LogicalResult rewrite(moe::RouteOp op, ModuleOp module,
                        PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RouteKernelSpec spec;
    spec.elementType = op.getLogits().getType().getElementType();
    spec.idType = op.getIds().getType().getElementType();
    spec.experts = op.getLogits().getType().getDimSize(1);
    spec.k = op.getK();
    spec.scoring = op.getScoring();
    spec.hasBias = static_cast<bool>(op.getCorrectionBias());
    spec.normalize = op.getNormalize();
    spec.epsilon = op.getEpsilon().convertToDouble();
    spec.scale = op.getScale().convertToDouble();
    if (op.getNGroup()) {
      spec.groups = *op.getNGroup();
      spec.selectGroups = *op.getTopkGroup();
    }
    Operation *kernel = emitLayerKernels(
        rewriter, loc, module, "moe_route", options.emulateOnHost,
        {{"route", [&](OpBuilder &b, KernelTarget target, StringRef name) {
            return buildRouteKernel(b, loc, target, name, spec);
          }}})[0];

    Value logits = bufferAs(rewriter, loc, op.getLogits(),
                            dynamicRows({spec.experts}, spec.elementType));
    Value tokens = memref::DimOp::create(rewriter, loc, logits, 0);
    SmallVector<Value> args = {logits};
    if (spec.hasBias)
      args.push_back(
          bufferAs(rewriter, loc, op.getCorrectionBias(),
                   MemRefType::get({spec.experts}, spec.elementType)));
    Value ids = memref::AllocOp::create(
        rewriter, loc, dynamicRows({spec.k}, spec.idType), ValueRange{tokens});
    Value weights = memref::AllocOp::create(
        rewriter, loc, dynamicRows({spec.k}, spec.elementType),
        ValueRange{tokens});
    args.append({ids, weights});
    launchLayerKernel(rewriter, loc, kernel,
                      ceilDiv(rewriter, loc, tokens, kLayerThreads), args);
    rewriter.replaceOp(
        op, {asTensor(rewriter, loc, ids, op.getIds().getType()),
             asTensor(rewriter, loc, weights, op.getWeights().getType())});
    return success();
  }
};

struct DispatchToGPU : LayerOpToGPU<moe::DispatchOp> {
  using LayerOpToGPU::LayerOpToGPU;

  LogicalResult rewrite(moe::DispatchOp op, ModuleOp module,
                        PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    DispatchKernelSpec spec;
    spec.elementType = op.getTokens().getType().getElementType();
    spec.idType = op.getIds().getType().getElementType();
    spec.experts = op.getOffsets().getType().getDimSize(0) - 1;
    spec.k = op.getIds().getType().getDimSize(1);
    spec.hidden = op.getTokens().getType().getDimSize(1);
    SmallVector<Operation *> kernels = emitLayerKernels(
        rewriter, loc, module, "moe_dispatch", options.emulateOnHost,
        {{"offsets",
          [&](OpBuilder &b, KernelTarget target, StringRef name) {
            return buildDispatchOffsetsKernel(b, loc, target, name, spec);
          }},
         {"gather", [&](OpBuilder &b, KernelTarget target, StringRef name) {
            return buildDispatchGatherKernel(b, loc, target, name, spec);
          }}});
    Operation *offsetsKernel = kernels[0], *gatherKernel = kernels[1];

    Type i64 = rewriter.getI64Type();
    Value tokens = bufferAs(rewriter, loc, op.getTokens(),
                            dynamicRows({spec.hidden}, spec.elementType));
    Value ids = bufferAs(rewriter, loc, op.getIds(),
                         dynamicRows({spec.k}, spec.idType));
    Value copies =
        muli(rewriter, loc, memref::DimOp::create(rewriter, loc, ids, 0),
             idx(rewriter, loc, spec.k));
    Value offsets = memref::AllocOp::create(
        rewriter, loc, MemRefType::get({spec.experts + 1}, i64));
    Value perm = memref::AllocOp::create(rewriter, loc, dynamicRows({}, i64),
                                         ValueRange{copies});
    Value sorted = memref::AllocOp::create(
        rewriter, loc, dynamicRows({spec.hidden}, spec.elementType),
        ValueRange{copies});
    launch(rewriter, loc, offsetsKernel,
           {idx(rewriter, loc, 1), idx(rewriter, loc, 1)}, kLayerThreads,
           {ids, offsets, perm});
    // An id outside [0, E) is counted by no expert: the offsets then end
    // short of T * k.
    Value end = memref::LoadOp::create(rewriter, loc, offsets,
                                       idx(rewriter, loc, spec.experts));
    Value complete = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, end,
        arith::IndexCastOp::create(rewriter, loc, i64, copies));
    // The host lowering's message, so both read the same.
    cf::AssertOp::create(rewriter, loc, complete,
                         "moe.dispatch: expert id out of range [0, E)");
    launchLayerKernel(rewriter, loc, gatherKernel, copies,
                      {tokens, perm, sorted});
    rewriter.replaceOp(
        op, {asTensor(rewriter, loc, sorted, op.getSorted().getType()),
             asTensor(rewriter, loc, offsets, op.getOffsets().getType()),
             asTensor(rewriter, loc, perm, op.getPermutation().getType())});
    return success();
  }
};

struct CombineToGPU : LayerOpToGPU<moe::CombineOp> {
  using LayerOpToGPU::LayerOpToGPU;

  LogicalResult rewrite(moe::CombineOp op, ModuleOp module,
                        PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    CombineKernelSpec spec;
    spec.elementType = op.getResult().getType().getElementType();
    spec.k = op.getWeights().getType().getDimSize(1);
    spec.hidden = op.getExpertOutputs().getType().getDimSize(1);
    SmallVector<Operation *> kernels = emitLayerKernels(
        rewriter, loc, module, "moe_combine", options.emulateOnHost,
        {{"invert",
          [&](OpBuilder &b, KernelTarget target, StringRef name) {
            return buildInvertPermutationKernel(b, loc, target, name);
          }},
         {"sum", [&](OpBuilder &b, KernelTarget target, StringRef name) {
            return buildCombineKernel(b, loc, target, name, spec);
          }}});
    Operation *invertKernel = kernels[0], *sumKernel = kernels[1];

    Type i64 = rewriter.getI64Type();
    Value outputs = bufferAs(rewriter, loc, op.getExpertOutputs(),
                             dynamicRows({spec.hidden}, spec.elementType));
    Value weights = bufferAs(rewriter, loc, op.getWeights(),
                             dynamicRows({spec.k}, spec.elementType));
    Value perm =
        bufferAs(rewriter, loc, op.getPermutation(), dynamicRows({}, i64));
    Value tokens = memref::DimOp::create(rewriter, loc, weights, 0);
    Value copies = memref::DimOp::create(rewriter, loc, perm, 0);
    Value inverse = memref::AllocOp::create(rewriter, loc, dynamicRows({}, i64),
                                            ValueRange{copies});
    Value result = memref::AllocOp::create(
        rewriter, loc, dynamicRows({spec.hidden}, spec.elementType),
        ValueRange{tokens});
    launchLayerKernel(rewriter, loc, invertKernel,
                      ceilDiv(rewriter, loc, copies, kLayerThreads),
                      {perm, inverse});
    launchLayerKernel(rewriter, loc, sumKernel, tokens,
                      {outputs, weights, inverse, result});
    rewriter.replaceOp(
        op, asTensor(rewriter, loc, result, op.getResult().getType()));
    return success();
  }
};

} // namespace

LogicalResult moe::verifyMoEToGPUSupport(Operation *operation,
                                         const MoEToGPUOptions &options) {
  auto op = dyn_cast<ExpertsOp>(operation);
  if (!op || !hasGpuExpert(op))
    return success();
  Type elementType = op.getTokens().getType().getElementType();
  if (!elementType.isF32() && !elementType.isF16() && !elementType.isBF16())
    return op.emitOpError("convert-moe-to-gpu: element type ")
           << elementType << " is not supported by the GPU kernels (f32, f16, "
           << "bf16)";
  for (Value v : op->getOperands().drop_front(2))
    if (!cast<ShapedType>(v.getType()).hasStaticShape())
      return op.emitOpError("convert-moe-to-gpu: expert weights and biases "
                            "need static shapes, got ")
             << v.getType();
  if (ShapedType::isDynamic(staticDim(op.getTokens(), 1)))
    return op.emitOpError("convert-moe-to-gpu: the hidden size of the tokens "
                          "must be static");
  int64_t tm = options.tileM, tn = options.tileN, tk = options.tileK;
  int64_t threads = options.gemmThreads;
  if (tm <= 0 || tn <= 0 || tk <= 0 || threads <= 0 || (tm * tn) % threads ||
      (tm * tk) % threads || (tn * tk) % threads)
    return op.emitOpError("convert-moe-to-gpu: gemm-threads (")
           << threads << ") must divide tile-m*tile-n, tile-m*tile-k and "
           << "tile-n*tile-k";
  if (options.gemvWarps <= 0 || options.gemvMaxTokens <= 0)
    return op.emitOpError(
        "convert-moe-to-gpu: gemv-warps and gemv-max-tokens must be positive");
  return success();
}

void moe::populateMoEToGPUConversionPatterns(RewritePatternSet &patterns,
                                             const MoEToGPUOptions &options) {
  patterns.add<ExpertsToGPU>(patterns.getContext(), options);
  if (options.layerKernels)
    patterns.add<RouteToGPU, DispatchToGPU, CombineToGPU>(patterns.getContext(),
                                                          options);
}

namespace {
struct ConvertMoEToGPUPass
    : moe::impl::ConvertMoEToGPUBase<ConvertMoEToGPUPass> {
  using ConvertMoEToGPUBase::ConvertMoEToGPUBase;

  void runOnOperation() override {
    moe::MoEToGPUOptions options;
    options.tileM = tileM;
    options.tileN = tileN;
    options.tileK = tileK;
    options.gemmThreads = gemmThreads;
    options.gemvWarps = gemvWarps;
    options.gemvMaxTokens = gemvMaxTokens;
    options.emulateOnHost = emulateOnHost;
    options.layerKernels = layerKernels;
    options.tensorCores = tensorCores;
    WalkResult checked = getOperation()->walk([&](moe::ExpertsOp op) {
      return failed(moe::verifyMoEToGPUSupport(op, options))
                 ? WalkResult::interrupt()
                 : WalkResult::advance();
    });
    if (checked.wasInterrupted())
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    moe::populateMoEToGPUConversionPatterns(patterns, options);
    // One rewrite per op, no folding of the surrounding IR.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace
