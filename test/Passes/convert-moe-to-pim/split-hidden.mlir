// RUN: moe-opt %s --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4 split-hidden=always" | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4" | FileCheck %s --check-prefix=AUTO
// RUN: not moe-opt %s --convert-moe-to-pim="split-hidden=sometimes" 2>&1 | FileCheck %s --check-prefix=BAD

// Expert 1 of 2 is on PIM: H = 16, I = 6 on 2 channels x 4 banks. Split
// over the hidden dimension, channel c gets token elements [8c, 8c + 8) and
// computes partial sums of all 6 intermediates (two tiles of 4 banks); the
// host adds the two channels' sums; channel c then loads back sums
// [3c, 3c + 4), the intermediates fc2's column sharding expects in it.

// BAD: error: convert-moe-to-pim: split-hidden must be auto, never or always, got 'sometimes'

// With auto, row sharding takes fewer MACs here (one tile of 8 lanes).
// AUTO: pim.weights @l0_e1_fc1 #pim.layout<sharding = rows,

func.func @layer(%x: tensor<?x16xf32>, %offsets: tensor<3xi64>) -> tensor<?x16xf32> {
  %fc1 = arith.constant dense<0.5> : tensor<2x6x16xf32>
  %b1 = arith.constant dense<[[0.0, 0.1, 0.2, 0.3, 0.4, 0.5],
                              [1.0, 1.1, 1.2, 1.3, 1.4, 1.5]]> : tensor<2x6xf32>
  %fc2 = arith.constant dense<0.125> : tensor<2x16x6xf32>
  %y = moe.experts %x, %offsets fc1 %fc1 bias %b1, fc2 %fc2
      activation relu placements [gpu, pim]
      : (tensor<?x16xf32>, tensor<3xi64>, tensor<2x6x16xf32>, tensor<2x6xf32>,
         tensor<2x16x6xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK: pim.weights @l0_e1_fc1 #pim.layout<sharding = slices, outputs = 6, inputs = 16, first_row = 0, row_count = 1>
// CHECK-NEXT: pim.weights @l0_e1_fc2 #pim.layout<sharding = columns, outputs = 16, inputs = 6, first_row = 1, row_count = 1>
// CHECK-NEXT: pim.program @l0_e1_s1 slots 1 input 16 output 16 arena 160 {
// CHECK-NEXT: pim.host_region "tokens" input offset 0 bytes 32
// CHECK-NEXT: pim.host_region "result" output offset 32 bytes 64
// The bias per bank of each tile, added by channel 0 only.
// CHECK-NEXT: pim.host_region "fc1_bias" constant offset 96 bytes 32 = dense<[1.000000e+00, 1.100000e+00, 1.200000e+00, 1.300000e+00, 1.400000e+00, 1.500000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf32>
// CHECK-NEXT: pim.host_region "fc1_sums" scratch offset 128 bytes 32
// Slice c of the token to channel c (stride 16 bytes = 8 elements).
// CHECK-NEXT: pim.write_gb ch * gb 0 bytes 16 host 0 stride 16
// CHECK-NEXT: pim.set_acc ch * acc 0 zero
// CHECK-NEXT: pim.set_acc ch 0 acc 0 host 96 stride 0
// CHECK-NEXT: pim.set_acc ch * acc 1 zero
// CHECK-NEXT: pim.set_acc ch 0 acc 1 host 112 stride 0
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.mac_all ch * col 1 gb 0 acc 1
// CHECK-NEXT: pim.precharge_all ch *
// Every channel adds its partial sums into the same place.
// CHECK-NEXT: pim.read_acc ch * acc 0 host 128 stride 0 add
// CHECK-NEXT: pim.read_acc ch * acc 1 host 144 stride 0 add
// CHECK-NEXT: pim.barrier
// Channel c loads sums [3c, 3c + 4) (stride 12 bytes).
// CHECK-NEXT: pim.set_acc ch * acc 0 host 128 stride 12
// CHECK-NEXT: pim.activation ch * acc 0 relu
// CHECK-NEXT: pim.move_to_gb ch * acc 0 gb 48
// fc2 as without the split.
// CHECK-NEXT: pim.set_acc ch * acc 0 zero
// CHECK: pim.mac_all ch * col 0 gb 48 acc 0
// CHECK: pim.read_acc ch * acc 3 host 80 stride 0 add
// CHECK-NEXT: }
