// RUN: moe-opt %s --pim-row-locality --split-input-file | FileCheck %s

// Two tiles of fc2 share row 1: it is opened once for both MACs. Row 2 is
// first used after row 1, so it follows.

// CHECK-LABEL: pim.program @tiles
// CHECK: pim.move_to_gb ch * acc 0 gb 48
// CHECK-NEXT: pim.activate_all ch * row 1
// CHECK-NEXT: pim.mac_all ch * col 0 gb 48 acc 0
// CHECK-NEXT: pim.mac_all ch * col 1 gb 48 acc 1
// CHECK-NEXT: pim.mac_all ch * col 2 gb 48 acc 2
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activate_all ch * row 2
// CHECK-NEXT: pim.mac_all ch * col 0 gb 48 acc 3
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.read_acc ch * acc 0 host 16 stride 0 add
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
  pim.program @tiles slots 1 input 8 output 8 arena 48 {
    pim.host_region "tokens" input offset 0 bytes 16
    pim.host_region "result" output offset 16 bytes 32
    pim.move_to_gb ch * acc 0 gb 48
    pim.activate_all ch * row 1
    pim.mac_all ch * col 0 gb 48 acc 0
    pim.precharge_all ch *
    pim.activate_all ch * row 1
    pim.mac_all ch * col 1 gb 48 acc 1
    pim.precharge_all ch *
    pim.activate_all ch * row 2
    pim.mac_all ch * col 0 gb 48 acc 3
    pim.precharge_all ch *
    pim.activate_all ch * row 1
    pim.mac_all ch * col 2 gb 48 acc 2
    pim.precharge_all ch *
    pim.read_acc ch * acc 0 host 16 stride 0 add
  }
}

// -----

// Grouping row 1's MACs would put accumulator 0's row-1 MAC before its
// row-2 MAC: the fp32 sum would change, so the run stays as it is.

// CHECK-LABEL: pim.program @order
// CHECK-NEXT: pim.host_region
// CHECK-NEXT: pim.host_region
// CHECK-NEXT: pim.activate_all ch * row 1
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 1
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activate_all ch * row 2
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activate_all ch * row 1
// CHECK-NEXT: pim.mac_all ch * col 1 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: }
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
  pim.program @order slots 1 input 8 output 8 arena 48 {
    pim.host_region "tokens" input offset 0 bytes 16
    pim.host_region "result" output offset 16 bytes 32
    pim.activate_all ch * row 1
    pim.mac_all ch * col 0 gb 0 acc 1
    pim.precharge_all ch *
    pim.activate_all ch * row 2
    pim.mac_all ch * col 0 gb 0 acc 0
    pim.precharge_all ch *
    pim.activate_all ch * row 1
    pim.mac_all ch * col 1 gb 0 acc 0
    pim.precharge_all ch *
  }
}

// -----

// Runs end at every other command: rows are not regrouped across a WRGB
// (the global buffer changes there).

// CHECK-LABEL: pim.program @chunks
// CHECK: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.write_gb
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 1 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
  pim.program @chunks slots 1 input 16 output 8 arena 64 {
    pim.host_region "tokens" input offset 0 bytes 32
    pim.host_region "result" output offset 32 bytes 32
    pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
    pim.activate_all ch * row 0
    pim.mac_all ch * col 0 gb 0 acc 0
    pim.precharge_all ch *
    pim.write_gb ch * gb 0 bytes 16 host 16 stride 0
    pim.activate_all ch * row 0
    pim.mac_all ch * col 1 gb 0 acc 0
    pim.precharge_all ch *
  }
}

// -----

// Rows stay open across other commands: row 1, open before the second run,
// takes its MACs first without a new ACT; row 3, open at the end of the
// run, goes last and stays open for the MAC after the write.

// CHECK-LABEL: pim.program @open_rows
// CHECK: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
// CHECK-NEXT: pim.mac_all ch * col 1 gb 0 acc 0
// CHECK-NEXT: pim.mac_all ch * col 2 gb 0 acc 1
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activate_all ch * row 2
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 2
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activate_all ch * row 3
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 3
// CHECK-NEXT: pim.write_gb ch * gb 16 bytes 16 host 0 stride 0
// CHECK-NEXT: pim.mac_all ch * col 1 gb 16 acc 3
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: }
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
  pim.program @open_rows slots 1 input 8 output 8 arena 48 {
    pim.host_region "tokens" input offset 0 bytes 16
    pim.host_region "result" output offset 16 bytes 32
    pim.activate_all ch * row 1
    pim.mac_all ch * col 0 gb 0 acc 0
    pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
    pim.mac_all ch * col 1 gb 0 acc 0
    pim.precharge_all ch *
    pim.activate_all ch * row 2
    pim.mac_all ch * col 0 gb 0 acc 2
    pim.precharge_all ch *
    pim.activate_all ch * row 1
    pim.mac_all ch * col 2 gb 0 acc 1
    pim.precharge_all ch *
    pim.activate_all ch * row 3
    pim.mac_all ch * col 0 gb 0 acc 3
    pim.write_gb ch * gb 16 bytes 16 host 0 stride 0
    pim.mac_all ch * col 1 gb 16 acc 3
    pim.precharge_all ch *
  }
}
