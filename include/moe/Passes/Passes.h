//===- Passes.h - moe-mlir passes -------------------------------*- C++ -*-===//
//
// Pass constructors, the reusable conversion patterns behind them, and
// registration for opt-like tools.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_PASSES_H
#define MOE_PASSES_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "moe/Dialect/PIM/PIMOps.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace moe {

#define GEN_PASS_DECL
#include "moe/Passes/Passes.h.inc"

/// Options of the moe -> linalg patterns.
struct MoEToLinalgOptions {
  /// Emit cf.assert checks on expert ids, offsets and permutations.
  bool runtimeChecks = true;
};

/// Adds the patterns that lower every moe op to linalg/tensor/arith/math/scf
/// so another toolchain can run them inside its own conversion.
void populateMoEToLinalgConversionPatterns(
    mlir::RewritePatternSet &patterns, const MoEToLinalgOptions &options = {});

#define GEN_PASS_REGISTRATION
#include "moe/Passes/Passes.h.inc"

} // namespace moe

#endif // MOE_PASSES_PASSES_H
