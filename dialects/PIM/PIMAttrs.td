//===- PIMAttrs.td - pim enums and attributes -------------*- tablegen -*-===//

#ifndef MOE_DIALECT_PIM_PIMATTRS_TD
#define MOE_DIALECT_PIM_PIMATTRS_TD

include "PIMDialect.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums of the command set
//===----------------------------------------------------------------------===//

def PIM_FnIdentity : I32EnumAttrCase<"identity", 0>;
def PIM_FnRelu : I32EnumAttrCase<"relu", 1>;
def PIM_FnGeluErf : I32EnumAttrCase<"gelu_erf", 2>;
def PIM_FnGeluTanh : I32EnumAttrCase<"gelu_tanh", 3>;
def PIM_FnSilu : I32EnumAttrCase<"silu", 4>;
def PIM_FnSwish : I32EnumAttrCase<"swish", 5>;
def PIM_FnClamp : I32EnumAttrCase<"clamp", 6>;
def PIM_ActivationFunction : I32EnumAttr<"ActivationFunctionKind",
    "function of the per-bank activation unit",
    [PIM_FnIdentity, PIM_FnRelu, PIM_FnGeluErf, PIM_FnGeluTanh, PIM_FnSilu,
     PIM_FnSwish, PIM_FnClamp]> {
  let cppNamespace = "::moe::pim";
}

def PIM_ReadStore : I32EnumAttrCase<"store", 0>;
def PIM_ReadAdd : I32EnumAttrCase<"add", 1>;
def PIM_ReadMode : I32EnumAttr<"ReadModeKind",
    "whether RDACC stores or adds into the host", [PIM_ReadStore, PIM_ReadAdd]> {
  let cppNamespace = "::moe::pim";
}

def PIM_RegionInput : I32EnumAttrCase<"input", 0>;
def PIM_RegionOutput : I32EnumAttrCase<"output", 1>;
def PIM_RegionConstant : I32EnumAttrCase<"constant", 2>;
def PIM_RegionScratch : I32EnumAttrCase<"scratch", 3>;
def PIM_RegionKind : I32EnumAttr<"HostRegionKind",
    "what a part of the host arena holds",
    [PIM_RegionInput, PIM_RegionOutput, PIM_RegionConstant, PIM_RegionScratch]> {
  let cppNamespace = "::moe::pim";
}

def PIM_ShardRows : I32EnumAttrCase<"rows", 0>;
def PIM_ShardColumns : I32EnumAttrCase<"columns", 1>;
def PIM_ShardSlices : I32EnumAttrCase<"slices", 2>;
def PIM_Sharding : I32EnumAttr<"Sharding",
    "how a weight matrix is split over channels and banks",
    [PIM_ShardRows, PIM_ShardColumns, PIM_ShardSlices]> {
  let cppNamespace = "::moe::pim";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// #pim.device
//===----------------------------------------------------------------------===//

class PIM_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<PIM_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def PIM_DeviceAttr : PIM_Attr<"Device", "device"> {
  let summary = "the geometry of a PIM device";
  let description = [{
    `channels` (pseudo-)channels of `banks` banks; every bank has `rows` rows
    of `row_bytes`, a column access delivers `burst_bytes`, and a MAC unit
    with `accumulators` fp32 registers; every channel has a global buffer of
    `gb_bytes`. Weights and the global buffer hold `storage` (bf16 or f16).
    `name` is the cost model's PIM descriptor.

    ```mlir
    #pim.device<name = "hbm3e-pim", channels = 256, banks = 16, rows = 16384,
                row_bytes = 1024, burst_bytes = 32, gb_bytes = 2048,
                accumulators = 8, storage = bf16>
    ```
  }];
  let parameters = (ins StringRefParameter<"PIM descriptor name">:$name,
                        "uint32_t":$channels, "uint32_t":$banks,
                        "uint32_t":$rows, "uint32_t":$row_bytes,
                        "uint32_t":$burst_bytes, "uint32_t":$gb_bytes,
                        "uint32_t":$accumulators, "::mlir::Type":$storage);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The stream's geometry with the same numbers.
    ::moe::pim::DeviceGeometry getGeometry() const;
    /// Bytes of one stored element (2 for bf16 and f16).
    uint32_t getElementBytes() const { return 2; }
    /// Elements per column access.
    uint32_t getBurstElements() const { return getBurstBytes() / 2; }
  }];
}

//===----------------------------------------------------------------------===//
// #pim.layout
//===----------------------------------------------------------------------===//

def PIM_WeightLayoutAttr : PIM_Attr<"WeightLayout", "layout"> {
  let summary = "how one weight matrix lies over channels, banks and rows";
  let description = [{
    A matrix `[outputs, inputs]` (y = W x) in rows
    `first_row ..< first_row + row_count` of every bank of every channel.
    The exact placement is computed by the planner in
    `include/moe/Target/PIM/ExpertLayout.h` from these numbers and the
    device, so the compiler, the exporter and the runtime agree:

    - `rows`: output n goes to lane `n mod (channels * banks)` (channel
      `lane / banks`, bank `lane mod banks`) as tile `n / (channels *
      banks)`; the whole input vector is broadcast to every channel.
    - `columns`: the input is the result of a `rows` matrix kept in the
      channels (MVGB); channel c holds input i when `(i mod (channels *
      banks)) / banks == c`, output m goes to bank `m mod banks` as tile
      `m / banks`, and the channels' partial sums are added on the host.
    - `slices`: channel c holds inputs `[c * k, c * k + k)`, k =
      ceil(inputs / channels); output n goes to bank `n mod banks` of every
      channel as tile `n / banks`, and the channels' partial sums are added
      on the host.

    Within a bank, tile t's burst j (the `burst_elements` weights that
    multiply global-buffer burst j) is burst `q = t * bursts_per_tile + j` of
    the matrix's rows: row `first_row + q / columns_per_row`, column
    `q mod columns_per_row`. Missing weights are zero.
  }];
  let parameters = (ins EnumParameter<PIM_Sharding>:$sharding,
                        "uint32_t":$outputs, "uint32_t":$inputs,
                        "uint32_t":$first_row, "uint32_t":$row_count);
  let assemblyFormat = "`<` struct(params) `>`";
}

#endif // MOE_DIALECT_PIM_PIMATTRS_TD
