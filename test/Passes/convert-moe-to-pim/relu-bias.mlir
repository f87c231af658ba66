// RUN: moe-opt %s --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4 slots=1,2" | FileCheck %s

// Expert 1 of 2 is on PIM: H = I = 8 on 2 channels x 4 banks, so fc1 is one
// tile (one output per bank), the intermediate stays in the global buffer
// (4 elements per channel, padded to an 8-element burst at byte 48) and fc2
// is two tiles of 4 outputs per channel whose partial sums the host adds.

// CHECK-LABEL: func.func @layer
// CHECK: moe.experts {{.*}} placements [gpu, pim] {pim.expert_programs = {{\[}}[], [@pim_experts::@l0_e1_s1, @pim_experts::@l0_e1_s2]]}
func.func @layer(%x: tensor<?x8xf32>, %offsets: tensor<3xi64>) -> tensor<?x8xf32> {
  %fc1 = arith.constant dense<0.5> : tensor<2x8x8xf32>
  %b1 = arith.constant dense<[[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
                              [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7]]> : tensor<2x8xf32>
  %fc2 = arith.constant dense<0.125> : tensor<2x8x8xf32>
  %b2 = arith.constant dense<2.0> : tensor<2x8xf32>
  %y = moe.experts %x, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2
      activation relu placements [gpu, pim]
      : (tensor<?x8xf32>, tensor<3xi64>, tensor<2x8x8xf32>, tensor<2x8xf32>,
         tensor<2x8x8xf32>, tensor<2x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// CHECK: pim.module @pim_experts #pim.device<name = "hbm3e-pim", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
// CHECK-NEXT: pim.weights @l0_e1_fc1 #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 0, row_count = 1> = dense<5.000000e-01> : tensor<8x8xbf16>
// CHECK-NEXT: pim.weights @l0_e1_fc2 #pim.layout<sharding = columns, outputs = 8, inputs = 8, first_row = 1, row_count = 1> = dense<1.250000e-01> : tensor<8x8xbf16>

// CHECK-NEXT: pim.program @l0_e1_s1 slots 1 input 8 output 8 arena 112 {
// CHECK-NEXT: pim.host_region "tokens" input offset 0 bytes 16
// CHECK-NEXT: pim.host_region "result" output offset 16 bytes 32
// The bias per lane: channel 0's banks hold outputs 0-3, channel 1's 4-7.
// CHECK-NEXT: pim.host_region "fc1_bias" constant offset 48 bytes 32 = dense<[1.000000e+00, 1.100000e+00, 1.200000e+00, 1.300000e+00, 1.400000e+00, 1.500000e+00, 1.600000e+00, 1.700000e+00]> : tensor<8xf32>
// CHECK-NEXT: pim.host_region "fc2_bias" constant offset 80 bytes 32 = dense<2.000000e+00> : tensor<8xf32>
// fc1: the bias starts the accumulators, the token is broadcast (stride 0).
// CHECK-NEXT: pim.set_acc ch * acc 0 host 48 stride 16
// CHECK-NEXT: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activation ch * acc 0 relu
// The intermediate stays in the channel.
// CHECK-NEXT: pim.move_to_gb ch * acc 0 gb 48
// fc2: channel 0 adds the bias once, every channel its partial sum.
// CHECK-NEXT: pim.set_acc ch * acc 0 zero
// CHECK-NEXT: pim.set_acc ch 0 acc 0 host 80 stride 0
// CHECK-NEXT: pim.set_acc ch * acc 1 zero
// CHECK-NEXT: pim.set_acc ch 0 acc 1 host 96 stride 0
// CHECK-NEXT: pim.activate_all ch * row 1
// CHECK-NEXT: pim.mac_all ch * col 0 gb 48 acc 0
// CHECK-NEXT: pim.mac_all ch * col 1 gb 48 acc 1
// CHECK-NEXT: pim.precharge_all ch *
// The cross-channel reduction on the host.
// CHECK-NEXT: pim.read_acc ch * acc 0 host 16 stride 0 add
// CHECK-NEXT: pim.read_acc ch * acc 1 host 32 stride 0 add
// CHECK-NEXT: }

// Two tokens: the same commands twice, the second token's at +16 (input)
// and +32 (output).
// CHECK-NEXT: pim.program @l0_e1_s2 slots 2 input 8 output 8 arena 160 {
// CHECK-NEXT: pim.host_region "tokens" input offset 0 bytes 32
// CHECK-NEXT: pim.host_region "result" output offset 32 bytes 64
// CHECK: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
// CHECK: pim.read_acc ch * acc 1 host 48 stride 0 add
// CHECK: pim.write_gb ch * gb 0 bytes 16 host 16 stride 0
// CHECK: pim.read_acc ch * acc 0 host 64 stride 0 add
// CHECK-NEXT: pim.read_acc ch * acc 1 host 80 stride 0 add
// CHECK-NEXT: }
