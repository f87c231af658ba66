//===- PIMOps.td - pim ops --------------------------------*- tablegen -*-===//

#ifndef MOE_DIALECT_PIM_PIMOPS_TD
#define MOE_DIALECT_PIM_PIMOPS_TD

include "PIMAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/RegionKindInterface.td"

//===----------------------------------------------------------------------===//
// Containers
//===----------------------------------------------------------------------===//

def PIM_DeviceModuleOp : PIM_Op<"module", [IsolatedFromAbove, SymbolTable,
    Symbol, NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "the weights and programs of one command stream";
  let description = [{
    Everything `moe-translate --export-pim` writes into one stream: a device,
    `pim.weights` and `pim.program`s compiled for it.

    ```mlir
    pim.module @experts #pim.device<...> {
      pim.weights @e0_fc1 #pim.layout<...> = dense<...> : tensor<32x16xbf16>
      pim.program @e0_s1 slots 1 input 16 output 16 arena 256 { ... }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, PIM_DeviceAttr:$device);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name qualified($device) attr-dict-with-keyword $body";
  let hasVerifier = 1;
}

def PIM_WeightsOp : PIM_Op<"weights", [Symbol,
    HasParent<"::moe::pim::DeviceModuleOp">]> {
  let summary = "one weight matrix laid out in the device";
  let description = [{
    `value` is the matrix `[outputs, inputs]` in the device's storage type;
    `layout` says where its elements lie (see `#pim.layout`).
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       PIM_WeightLayoutAttr:$layout, ElementsAttr:$value);
  let assemblyFormat = "$sym_name qualified($layout) `=` $value attr-dict";
  let hasVerifier = 1;
}

def PIM_ProgramOp : PIM_Op<"program", [Symbol, NoTerminator, SingleBlock,
    NoRegionArguments, HasParent<"::moe::pim::DeviceModuleOp">]> {
  let summary = "one expert for `slots` tokens as a list of commands";
  let description = [{
    The body declares the host arena's regions (`pim.host_region`) and lists
    the commands in order. The input region holds `slots` rows of `input`
    storage-type elements, the output region `slots` rows of `output` fp32.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, I32Attr:$slots,
                       I32Attr:$input_size, I32Attr:$output_size,
                       I64Attr:$arena_bytes);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `slots` $slots `input` $input_size `output` $output_size
    `arena` $arena_bytes attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::moe::pim::DeviceAttr getDevice();
  }];
}

def PIM_HostRegionOp : PIM_Op<"host_region", [
    HasParent<"::moe::pim::ProgramOp">]> {
  let summary = "a named part of the program's host arena";
  let description = [{
    `[offset, offset + bytes)` of the arena. A `constant` region carries its
    fp32 contents (`= dense<...> : tensor<Nxf32>`, 4 N == bytes).
  }];
  let arguments = (ins StrAttr:$name, PIM_RegionKind:$kind, I64Attr:$offset,
                       I64Attr:$bytes, OptionalAttr<ElementsAttr>:$init);
  let assemblyFormat = [{
    $name $kind `offset` $offset `bytes` $bytes (`=` $init^)? attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Commands
//===----------------------------------------------------------------------===//

def PIM_CommandOpInterface : OpInterface<"CommandOpInterface"> {
  let cppNamespace = "::moe::pim";
  let description = "an op that is one command of the stream";
  let methods = [
    InterfaceMethod<"the stream command this op stands for",
                    "::moe::pim::Command", "toCommand">,
  ];
}

class PIM_CommandOp<string mnemonic, string header, list<Trait> traits = []>
    : PIM_Op<mnemonic, !listconcat(traits, [
        HasParent<"::moe::pim::ProgramOp">,
        DeclareOpInterfaceMethods<PIM_CommandOpInterface>])> {
  let hasVerifier = 1;
  let summary = header;
}

// `ch *` (every channel, the default) or `ch N`.
defvar channelArg = (ins DefaultValuedAttr<I32Attr, "0xFFFF">:$channel);

def PIM_WriteGlobalBufferOp : PIM_CommandOp<"write_gb",
    "WRGB: host arena -> global buffer (the broadcast of an input chunk)"> {
  let description = [{
    Copies `bytes` from the arena at `host + c * stride` into channel c's
    global buffer at byte `gb`. Stride 0 broadcasts one chunk to every
    channel.
  }];
  let arguments = !con(channelArg, (ins I32Attr:$gb_offset, I32Attr:$bytes,
                                        I64Attr:$host_offset,
                                        I32Attr:$host_stride));
  let assemblyFormat = [{
    `ch` custom<Channel>($channel) `gb` $gb_offset `bytes` $bytes
    `host` $host_offset `stride` $host_stride attr-dict
  }];
}

def PIM_ActivateAllOp : PIM_CommandOp<"activate_all",
    "ACTAB: open one row in every bank"> {
  let arguments = !con(channelArg, (ins I32Attr:$row));
  let assemblyFormat = "`ch` custom<Channel>($channel) `row` $row attr-dict";
}

def PIM_ActivateOp : PIM_CommandOp<"activate", "ACT: open a row in one bank"> {
  let arguments = !con(channelArg, (ins I32Attr:$bank, I32Attr:$row));
  let assemblyFormat = [{
    `ch` custom<Channel>($channel) `bank` $bank `row` $row attr-dict
  }];
}

def PIM_MacAllOp : PIM_CommandOp<"mac_all",
    "MACAB: every bank multiplies a burst of its open row by the GB"> {
  let description = [{
    In every bank: `acc[acc] += sum_i row[col * burst + i] * GB[gb + i]`.
  }];
  let arguments = !con(channelArg, (ins I32Attr:$column, I32Attr:$gb_offset,
                                        I32Attr:$acc));
  let assemblyFormat = [{
    `ch` custom<Channel>($channel) `col` $column `gb` $gb_offset `acc` $acc
    attr-dict
  }];
}

def PIM_PrechargeAllOp : PIM_CommandOp<"precharge_all",
    "PREAB: close the open row of every bank"> {
  let arguments = channelArg;
  let assemblyFormat = "`ch` custom<Channel>($channel) attr-dict";
}

def PIM_PrechargeOp : PIM_CommandOp<"precharge",
    "PRE: close the open row of one bank"> {
  let arguments = !con(channelArg, (ins I32Attr:$bank));
  let assemblyFormat = "`ch` custom<Channel>($channel) `bank` $bank attr-dict";
}

def PIM_SetAccumulatorsOp : PIM_CommandOp<"set_acc",
    "SETACC: start an accumulator at host values (biases) or zero"> {
  let description = [{
    `acc[acc]` of bank b = the fp32 at `host + c * stride + 4 b`, or 0
    (`zero`).
  }];
  let arguments = !con(channelArg, (ins I32Attr:$acc,
                                        OptionalAttr<I64Attr>:$host_offset,
                                        OptionalAttr<I32Attr>:$host_stride));
  let assemblyFormat = [{
    `ch` custom<Channel>($channel) `acc` $acc
    (`host` $host_offset^ `stride` $host_stride) : (`zero`)? attr-dict
  }];
}

def PIM_ActivationOp : PIM_CommandOp<"activation",
    "AF: apply the activation unit to an accumulator in every bank"> {
  let description = [{
    `acc[acc] = f(acc[acc])`; `swish(alpha, limit)` is
    `x * sigmoid(alpha * x)` after clamping x above at `limit`,
    `clamp(lo, hi)` clamps; the other functions ignore the parameters.
  }];
  let arguments = !con(channelArg, (ins I32Attr:$acc,
                                        PIM_ActivationFunction:$function,
                                        F32Attr:$param0, F32Attr:$param1));
  let assemblyFormat = [{
    `ch` custom<Channel>($channel) `acc` $acc $function
    `(` $param0 `,` $param1 `)` attr-dict
  }];
}

def PIM_MultiplyAccumulatorsOp : PIM_CommandOp<"mul_acc",
    "ACCMUL: acc[acc] *= acc[acc2] + param (SwiGLU)"> {
  let arguments = !con(channelArg, (ins I32Attr:$acc, I32Attr:$acc2,
                                        F32Attr:$param0));
  let assemblyFormat = [{
    `ch` custom<Channel>($channel) `acc` $acc `by` $acc2 `plus` $param0
    attr-dict
  }];
}

def PIM_MoveToGlobalBufferOp : PIM_CommandOp<"move_to_gb",
    "MVGB: accumulator of bank b -> GB element gb / 2 + b"> {
  let description = [{
    Keeps an intermediate in the channel: every bank's `acc[acc]`, rounded
    to the storage type, becomes one global-buffer element.
  }];
  let arguments = !con(channelArg, (ins I32Attr:$acc, I32Attr:$gb_offset));
  let assemblyFormat = [{
    `ch` custom<Channel>($channel) `acc` $acc `gb` $gb_offset attr-dict
  }];
}

def PIM_ReadAccumulatorsOp : PIM_CommandOp<"read_acc",
    "RDACC: accumulators -> host fp32, stored or added"> {
  let description = [{
    `acc[acc]` of bank b to the fp32 at `host + c * stride + 4 b`. `add`
    with stride 0 reduces the channels' partial sums on the host.
  }];
  let arguments = !con(channelArg, (ins I32Attr:$acc, I64Attr:$host_offset,
                                        I32Attr:$host_stride,
                                        PIM_ReadMode:$mode));
  let assemblyFormat = [{
    `ch` custom<Channel>($channel) `acc` $acc `host` $host_offset
    `stride` $host_stride $mode attr-dict
  }];
}

def PIM_BarrierOp : PIM_CommandOp<"barrier",
    "BARRIER: every channel finishes before any goes on"> {
  let assemblyFormat = "attr-dict";
}

#endif // MOE_DIALECT_PIM_PIMOPS_TD
