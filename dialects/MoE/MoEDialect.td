//===- MoEDialect.td - the moe dialect --------------------*- tablegen -*-===//
//
// The target-neutral Mixture-of-Experts dialect: routing, dispatch, the
// grouped expert FFN and combine stay visible as ops so passes can place
// every expert on the GPU, on PIM or on the host.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_MOEDIALECT_TD
#define MOE_DIALECT_MOE_MOEDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def MoE_Dialect : Dialect {
  let name = "moe";
  let cppNamespace = "::moe";
  let summary = "Sparse Mixture-of-Experts layers with per-expert placement";
  let description = [{
    The `moe` dialect keeps the structure of a sparse Mixture-of-Experts layer
    explicit on tensors: `moe.route` turns router logits into the top-k
    experts per token and their weights, `moe.dispatch` sorts the token copies
    by expert, `moe.experts` runs every expert's FFN on its contiguous rows,
    and `moe.combine` scatters the results back to token order with the
    routing weights. `moe.ffn` is a dense FFN on all tokens (a shared expert),
    kept visible so it can be placed like a routed expert.

    The number of tokens may be dynamic (`?`) everywhere; the number of
    experts is always static because placement is decided per expert.

    Each expert carries a placement (`#moe.placement<gpu|pim|host|dynamic>`)
    chosen by the partitioning passes; `dynamic` means the runtime decides
    every step from the live token counts, so every variant is compiled.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasCanonicalizer = 0;
  let dependentDialects = ["::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect"];
}

class MoE_Op<string mnemonic, list<Trait> traits = []>
    : Op<MoE_Dialect, mnemonic, traits>;

#endif // MOE_DIALECT_MOE_MOEDIALECT_TD
