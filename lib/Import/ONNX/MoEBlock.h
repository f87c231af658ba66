//===- MoEBlock.h - building moe ops for an imported MoE block --*- C++ -*-===//
//
// Private to lib/Import/ONNX: what com.microsoft:MoE and the decomposed
// patterns share once they know the routing and the expert weights: the
// token reshapes and the moe.dispatch -> moe.experts -> moe.combine chain.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_LIB_IMPORT_ONNX_MOEBLOCK_H
#define MOE_LIB_IMPORT_ONNX_MOEBLOCK_H

#include "moe/Dialect/MoE/MoEOps.h"

#include "mlir/IR/Builders.h"

#include <optional>

namespace moe::onnx_import {

/// The expert FFN of a block, its weights already in moe.experts' layout
/// (fc1 [E, f*I, H], fc2 [E, H, I], fc3 [E, I, H]) or, for moe.ffn, the
/// same without the expert dimension.
struct ExpertFFN {
  mlir::Value fc1, fc1Bias, fc2, fc2Bias, fc3, fc3Bias;
  Activation activation = Activation::identity;
  std::optional<GateLayout> layout;
  double alpha = 1.0, beta = 0.0;
  std::optional<double> limit;
};

/// [B, S, X] -> [B*S, X]; a rank-2 value is returned unchanged.
mlir::Value flattenTokens(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value);

/// `rows` [T, X] reshaped to the leading dimensions of `like` ([T, Y] or
/// [B, S, Y]): [T, X] or [B, S, X].
mlir::Value restoreTokenShape(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value rows, mlir::Value like);

/// moe.dispatch -> moe.experts -> moe.combine of `tokens` [T, H] routed by
/// `ids` and `weights` [T, k]; returns the combined [?, H] rows.
mlir::Value buildRoutedExperts(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value tokens, mlir::Value ids,
                               mlir::Value weights, const ExpertFFN &ffn);

} // namespace moe::onnx_import

#endif // MOE_LIB_IMPORT_ONNX_MOEBLOCK_H
