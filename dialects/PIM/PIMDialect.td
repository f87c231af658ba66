//===- PIMDialect.td - the pim dialect --------------------*- tablegen -*-===//
//
// The command level of a bank-level PIM device: one op per command of
// include/moe/Runtime/PIM/CommandStream.h, the programs that hold them, the
// host arena regions they address and the weight layout of every expert.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_PIM_PIMDIALECT_TD
#define MOE_DIALECT_PIM_PIMDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def PIM_Dialect : Dialect {
  let name = "pim";
  let cppNamespace = "::moe::pim";
  let summary = "Commands, programs and weight layouts of a bank-level PIM device";
  let description = [{
    The `pim` dialect is the command level of a bank-level
    processing-in-memory device in the vocabulary of HBM3-PIM and GDDR6-AiM.
    A `pim.module` is everything one command stream holds
    (`moe-translate --export-pim`): the device (`#pim.device`), the weights
    laid out over channels, banks, rows and columns (`pim.weights` with a
    `#pim.layout`), and the programs (`pim.program`), each computing one
    expert for `slots` tokens with a straight-line list of commands that
    mirror the stream's commands one to one.

    Commands address a channel (`ch 3`) or every channel (`ch *`). Commands
    that move data between host and device address the program's host arena
    (`host OFFSET stride BYTES`: channel c uses `OFFSET + c * BYTES`); the
    arena is split into named `pim.host_region`s (input tokens, outputs,
    constants, scratch). Every op is verified against its device: channel,
    bank, row, column, accumulator and global-buffer bounds, and host ranges
    inside a declared region.
  }];
  let useDefaultAttributePrinterParser = 1;
}

class PIM_Op<string mnemonic, list<Trait> traits = []>
    : Op<PIM_Dialect, mnemonic, traits>;

#endif // MOE_DIALECT_PIM_PIMDIALECT_TD
