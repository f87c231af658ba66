// RUN: moe-opt %s | FileCheck %s
// RUN: moe-opt %s | moe-opt | FileCheck %s
// RUN: moe-opt -mlir-print-op-generic %s | moe-opt | FileCheck %s

// CHECK-LABEL: pim.module @experts #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
pim.module @experts #pim.device<name = "tiny", channels = 2, banks = 4,
    rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64,
    accumulators = 4, storage = bf16> {
  // CHECK: pim.weights @e0_fc1 #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 0, row_count = 1> = dense<1.000000e+00> : tensor<8x8xbf16>
  pim.weights @e0_fc1 #pim.layout<sharding = rows, outputs = 8, inputs = 8,
      first_row = 0, row_count = 1> = dense<1.0> : tensor<8x8xbf16>
  // CHECK: pim.weights @e0_fc2 #pim.layout<sharding = columns, outputs = 8, inputs = 8, first_row = 1, row_count = 1>
  pim.weights @e0_fc2 #pim.layout<sharding = columns, outputs = 8, inputs = 8,
      first_row = 1, row_count = 1> = dense<2.0> : tensor<8x8xbf16>

  // CHECK: pim.program @e0_s1 slots 1 input 8 output 8 arena 128 {
  pim.program @e0_s1 slots 1 input 8 output 8 arena 128 {
    // CHECK-NEXT: pim.host_region "x" input offset 0 bytes 16
    pim.host_region "x" input offset 0 bytes 16
    // CHECK-NEXT: pim.host_region "y" output offset 16 bytes 32
    pim.host_region "y" output offset 16 bytes 32
    // CHECK-NEXT: pim.host_region "b1" constant offset 48 bytes 32 = dense<5.000000e-01> : tensor<8xf32>
    pim.host_region "b1" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // CHECK-NEXT: pim.host_region "tmp" scratch offset 80 bytes 48
    pim.host_region "tmp" scratch offset 80 bytes 48
    // CHECK-NEXT: pim.set_acc ch * acc 0 host 48 stride 16
    pim.set_acc ch * acc 0 host 48 stride 16
    // CHECK-NEXT: pim.set_acc ch 1 acc 1 zero
    pim.set_acc ch 1 acc 1 zero
    // CHECK-NEXT: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
    pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
    // CHECK-NEXT: pim.activate_all ch * row 0
    pim.activate_all ch * row 0
    // CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
    pim.mac_all ch * col 0 gb 0 acc 0
    // CHECK-NEXT: pim.precharge_all ch *
    pim.precharge_all ch *
    // CHECK-NEXT: pim.activate ch 0 bank 3 row 63
    pim.activate ch 0 bank 3 row 63
    // CHECK-NEXT: pim.precharge ch 0 bank 3
    pim.precharge ch 0 bank 3
    // CHECK-NEXT: pim.activation ch * acc 0 swish(1.702000e+00, 7.000000e+00)
    pim.activation ch * acc 0 swish(1.702, 7.0)
    // CHECK-NEXT: pim.activation ch * acc 1 clamp(-7.000000e+00, 7.000000e+00)
    pim.activation ch * acc 1 clamp(-7.0, 7.0)
    // CHECK-NEXT: pim.activation ch * acc 1 relu(0.000000e+00, 0.000000e+00)
    pim.activation ch * acc 1 relu(0.0, 0.0)
    // CHECK-NEXT: pim.mul_acc ch * acc 0 by 1 plus 1.000000e+00
    pim.mul_acc ch * acc 0 by 1 plus 1.0
    // CHECK-NEXT: pim.move_to_gb ch * acc 0 gb 48
    pim.move_to_gb ch * acc 0 gb 48
    // CHECK-NEXT: pim.read_acc ch * acc 0 host 16 stride 0 add
    pim.read_acc ch * acc 0 host 16 stride 0 add
    // CHECK-NEXT: pim.read_acc ch 1 acc 3 host 80 stride 0 store
    pim.read_acc ch 1 acc 3 host 80 stride 0 store
    // CHECK-NEXT: pim.barrier
    pim.barrier
  }
}
