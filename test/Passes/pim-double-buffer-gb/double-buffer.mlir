// RUN: moe-opt %s --pim-double-buffer-gb --split-input-file | FileCheck %s

// Three 16-byte chunks into gb 0; bytes 16..<32 are free, so chunk 1 goes
// there and its WRGB moves up into the shadow of chunk 0's row activation:
// the in-order channel sends it while the banks wait tRCD. Chunk 2 reuses
// gb 0, so it may not pass chunk 0's MAC; it goes behind chunk 1's
// activation. The first WRGB has no activation to hide behind and stays.
// The intermediate (gb 48) is left alone.

// CHECK-LABEL: pim.program @chunks
// CHECK: pim.set_acc ch * acc 0 zero
// CHECK-NEXT: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.write_gb ch * gb 16 bytes 16 host 16 stride 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.write_gb ch * gb 0 bytes 16 host 32 stride 0
// CHECK-NEXT: pim.mac_all ch * col 1 gb 16 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 2 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.move_to_gb ch * acc 0 gb 48
// CHECK-NEXT: pim.activate_all ch * row 1
// CHECK-NEXT: pim.mac_all ch * col 0 gb 48 acc 1
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
  pim.program @chunks slots 1 input 24 output 8 arena 80 {
    pim.host_region "tokens" input offset 0 bytes 48
    pim.host_region "result" output offset 48 bytes 32
    pim.set_acc ch * acc 0 zero
    pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
    pim.activate_all ch * row 0
    pim.mac_all ch * col 0 gb 0 acc 0
    pim.precharge_all ch *
    pim.write_gb ch * gb 0 bytes 16 host 16 stride 0
    pim.activate_all ch * row 0
    pim.mac_all ch * col 1 gb 0 acc 0
    pim.precharge_all ch *
    pim.write_gb ch * gb 0 bytes 16 host 32 stride 0
    pim.activate_all ch * row 0
    pim.mac_all ch * col 2 gb 0 acc 0
    pim.precharge_all ch *
    pim.move_to_gb ch * acc 0 gb 48
    pim.activate_all ch * row 1
    pim.mac_all ch * col 0 gb 48 acc 1
    pim.precharge_all ch *
  }
}

// -----

// A chunk that takes the whole free space leaves no room for a second one:
// nothing changes.

// CHECK-LABEL: pim.program @full
// CHECK-NEXT: pim.host_region
// CHECK-NEXT: pim.host_region
// CHECK-NEXT: pim.write_gb ch * gb 0 bytes 48 host 0 stride 0
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.move_to_gb ch * acc 0 gb 48
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
  pim.program @full slots 1 input 24 output 8 arena 80 {
    pim.host_region "tokens" input offset 0 bytes 48
    pim.host_region "result" output offset 48 bytes 32
    pim.write_gb ch * gb 0 bytes 48 host 0 stride 0
    pim.activate_all ch * row 0
    pim.mac_all ch * col 0 gb 0 acc 0
    pim.precharge_all ch *
    pim.move_to_gb ch * acc 0 gb 48
  }
}
