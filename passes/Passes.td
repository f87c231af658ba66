//===- Passes.td - moe-mlir passes --------------------------*- tablegen -*-===//

#ifndef MOE_PASSES_PASSES_TD
#define MOE_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMoEToLinalg : Pass<"convert-moe-to-linalg"> {
  let summary = "Lower moe ops to linalg, tensor, arith, math and scf";
  let description = [{
    The reference semantics of the moe dialect, and the first host path:
    every `moe` op becomes upstream ops on tensors that one-shot
    bufferization and the usual LLVM lowering turn into native code.

    - `moe.route`: softmax/sigmoid scoring, the group mask and every top-k
      round are `linalg.generic` ops; ties go to the lower expert index.
    - `moe.dispatch` and `moe.combine`: counting, prefix sum and
      permutation are `scf.for` loops over the token copies; the gathers are
      `linalg.generic` ops.
    - `moe.experts`: an `scf.for` over experts runs each expert's FFN on
      its row range (empty ranges do no work); `moe.ffn` is one such FFN.

    Placements are ignored: this lowering runs every expert on the host.
    With `runtime-checks` (the default) out-of-range expert ids, offsets and
    permutations abort with a message instead of reading out of bounds.

    The patterns are exposed as `moe::populateMoEToLinalgConversionPatterns`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::cf::ControlFlowDialect"];
  let options = [
    Option<"runtimeChecks", "runtime-checks", "bool", /*default=*/"true",
           "Abort on out-of-range expert ids, offsets and permutations">
  ];
}

#endif // MOE_PASSES_PASSES_TD
