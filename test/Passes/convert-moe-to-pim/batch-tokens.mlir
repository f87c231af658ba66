// RUN: moe-opt %s --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4 slots=1,2,3 batch-tokens=2" | FileCheck %s

// With batch-tokens=2, a program with 2+ slots gives each of two tokens
// its own input chunk (gb 0 and 16), intermediate (gb 32 and 48) and
// accumulators, and every open row serves both tokens' MACs.

func.func @layer(%x: tensor<?x8xf32>, %offsets: tensor<2xi64>) -> tensor<?x8xf32> {
  %fc1 = arith.constant dense<0.5> : tensor<1x8x8xf32>
  %fc2 = arith.constant dense<0.125> : tensor<1x8x8xf32>
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2
      activation relu placements [pim]
      : (tensor<?x8xf32>, tensor<2xi64>, tensor<1x8x8xf32>, tensor<1x8x8xf32>)
      -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// One slot: nothing to batch.
// CHECK-LABEL: pim.program @l0_e0_s1
// CHECK: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *

// CHECK-LABEL: pim.program @l0_e0_s2
// CHECK: pim.set_acc ch * acc 0 zero
// CHECK-NEXT: pim.set_acc ch * acc 1 zero
// CHECK-NEXT: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
// CHECK-NEXT: pim.write_gb ch * gb 16 bytes 16 host 16 stride 0
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 16 acc 1
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activation ch * acc 0 relu
// CHECK-NEXT: pim.move_to_gb ch * acc 0 gb 32
// CHECK-NEXT: pim.activation ch * acc 1 relu
// CHECK-NEXT: pim.move_to_gb ch * acc 1 gb 48
// fc2: two tiles x two tokens fill the 4 accumulators.
// CHECK-NEXT: pim.set_acc ch * acc 0 zero
// CHECK-NEXT: pim.set_acc ch * acc 1 zero
// CHECK-NEXT: pim.set_acc ch * acc 2 zero
// CHECK-NEXT: pim.set_acc ch * acc 3 zero
// CHECK-NEXT: pim.activate_all ch * row 1
// CHECK-NEXT: pim.mac_all ch * col 0 gb 32 acc 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 48 acc 1
// CHECK-NEXT: pim.mac_all ch * col 1 gb 32 acc 2
// CHECK-NEXT: pim.mac_all ch * col 1 gb 48 acc 3
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.read_acc ch * acc 0 host 32 stride 0 add
// CHECK-NEXT: pim.read_acc ch * acc 1 host 64 stride 0 add
// CHECK-NEXT: pim.read_acc ch * acc 2 host 48 stride 0 add
// CHECK-NEXT: pim.read_acc ch * acc 3 host 80 stride 0 add
// CHECK-NEXT: }

// Three slots: a pass of two tokens, then one of the third alone.
// CHECK-LABEL: pim.program @l0_e0_s3
// CHECK: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
// CHECK-NEXT: pim.write_gb ch * gb 16 bytes 16 host 16 stride 0
// CHECK: pim.write_gb ch * gb 0 bytes 16 host 32 stride 0
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
