//===- LinalgBuilders.h - small builders shared by moe lowerings -*- C++
//-*-===//
//
// Tensor and linalg.generic construction used by the moe -> linalg patterns.
// Private to passes/MoEToLinalg.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_MOETOLINALG_LINALGBUILDERS_H
#define MOE_PASSES_MOETOLINALG_LINALGBUILDERS_H

#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/Passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace moe::lowering {

using BodyBuilder = llvm::function_ref<void(mlir::OpBuilder &, mlir::Location,
                                            mlir::ValueRange)>;

/// A float constant of `type` (f16, bf16, f32, f64).
mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type type, double value);
mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc,
                          int64_t value);

/// `tensor.empty` of `sizes`, optionally filled with `fill`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes,
                        mlir::Type elementType);
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Value fill);

/// A linalg.generic with one result written into `init`. `maps` lists the
/// inputs' maps then the output's; the body gets the inputs' elements then
/// the output's current element and must yield the new output element.
mlir::Value generic(mlir::OpBuilder &b, mlir::Location loc,
                    mlir::ValueRange inputs, mlir::Value init,
                    llvm::ArrayRef<mlir::AffineMap> maps,
                    llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                    BodyBuilder body);

/// The same with several outputs (coupled reductions such as argmax).
mlir::ValueRange
genericMulti(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
             mlir::ValueRange inits, llvm::ArrayRef<mlir::AffineMap> maps,
             llvm::ArrayRef<mlir::utils::IteratorType> iterators,
             BodyBuilder body);

/// An affine map over `numDims` loop dimensions selecting `dims` in order.
mlir::AffineMap projection(mlir::MLIRContext *ctx, unsigned numDims,
                           llvm::ArrayRef<unsigned> dims);

/// 1 / (1 + exp(-x)).
mlir::Value sigmoid(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// The extents of `value`, static ones as attributes.
llvm::SmallVector<mlir::OpFoldResult>
tensorSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

/// `value` as `type`, through a tensor.cast when only static extents differ
/// (the lowering builds dynamic shapes; the op may have promised static ones).
mlir::Value castToType(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value value, mlir::Type type);

/// A moe lowering pattern that knows the lowering options.
template <typename OpTy>
struct MoELoweringPattern : mlir::OpConversionPattern<OpTy> {
  MoELoweringPattern(mlir::MLIRContext *ctx, const MoEToLinalgOptions &options)
      : mlir::OpConversionPattern<OpTy>(ctx), options(options) {}

protected:
  MoEToLinalgOptions options;
};

/// Emits `cf.assert(condition, message)` when runtime checks are enabled.
void emitRuntimeCheck(mlir::OpBuilder &b, mlir::Location loc,
                      const MoEToLinalgOptions &options, mlir::Value condition,
                      llvm::StringRef message);
/// The same for `lhs == rhs` on integers or indices.
void emitEqualityCheck(mlir::OpBuilder &b, mlir::Location loc,
                       const MoEToLinalgOptions &options, mlir::Value lhs,
                       mlir::Value rhs, llvm::StringRef message);

/// The rank-reduced slice of expert `expert` from an [E, ...] tensor; null
/// for a null `stacked`.
mlir::Value expertSlice(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value stacked, mlir::Value expert);

/// The FFN of one expert (or of a dense/shared expert) on 2-D operands.
struct ExpertWeights {
  mlir::Value fc1, fc1Bias, fc2, fc2Bias, fc3, fc3Bias;
};
struct ActivationSpec {
  Activation kind;
  std::optional<GateLayout> layout;
  double alpha, beta;
  std::optional<double> limit;
};

/// y = fc2 @ act(fc1 @ x + b1) + b2 for `tokens : [n, H]`, weights
/// `fc1 : [f*I, H]`, `fc2 : [H, I]`, `fc3 : [I, H]`.
mlir::Value buildExpertFFN(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value tokens, const ExpertWeights &weights,
                           const ActivationSpec &activation);

/// The activation parameters of a moe.experts or moe.ffn op.
template <typename OpTy> ActivationSpec getActivationSpec(OpTy op) {
  std::optional<double> limit;
  if (auto value = op.getLimit())
    limit = value->convertToDouble();
  return {op.getActivation(), op.getGateLayout(),
          op.getAlpha().convertToDouble(), op.getBeta().convertToDouble(),
          limit};
}

/// Pattern populators, one per lowering file.
void populateRouteLoweringPatterns(mlir::RewritePatternSet &patterns,
                                   const MoEToLinalgOptions &options);
void populateDispatchCombineLoweringPatterns(mlir::RewritePatternSet &patterns,
                                             const MoEToLinalgOptions &options);
void populateExpertFFNLoweringPatterns(mlir::RewritePatternSet &patterns,
                                       const MoEToLinalgOptions &options);
void populateDequantizeLoweringPatterns(mlir::RewritePatternSet &patterns,
                                        const MoEToLinalgOptions &options);

} // namespace moe::lowering

#endif // MOE_PASSES_MOETOLINALG_LINALGBUILDERS_H
