// convert-moe-to-gpu{emulate-on-host}: the same kernels as host functions
// that loop over blocks, then over threads once per barrier-separated phase.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host | FileCheck %s

// CHECK-NOT: gpu.
// CHECK-LABEL: func.func @experts
// CHECK: %[[N:.*]] = memref.dim
// CHECK: %[[GY:.*]] = arith.addi %{{.*}}, %c2
// CHECK: call @moe_experts_fc1_gemm(%{{.*}}, %c1, %[[GY]])
// CHECK: call @moe_experts_fc1_gemv(
// CHECK: call @moe_experts_fc2_gemm(
// CHECK: call @moe_experts_fc2_gemv(
// CHECK: func.func private @moe_experts_fc1_gemm(%{{.*}}: memref<?x16xf32>, {{.*}}, %[[GX:.*]]: index, %[[GY2:.*]]: index)
// Shared tiles and per-thread accumulators, [threads, n].
// CHECK: memref.alloca() : memref<256x4xf32>
// CHECK: memref.alloca() : memref<32x17xf32>
// CHECK: scf.for %{{.*}} = %c0 to %[[GX]]
// CHECK: scf.for %{{.*}} = %c0 to %[[GY2]]
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c256
// CHECK: func.func private @moe_experts_fc1_gemv
// The warp shuffle becomes an exchange through memory, lane ^ offset.
// CHECK: memref.alloca() : memref<128xf32>
// CHECK: arith.xori %{{.*}}, %c16
// CHECK: arith.xori %{{.*}}, %c1
func.func @experts(%x: tensor<?x16xf32>, %offsets: tensor<3xi64>,
                   %w1: tensor<2x8x16xf32>, %w2: tensor<2x16x8xf32>)
    -> tensor<?x16xf32> {
  %y = moe.experts %x, %offsets fc1 %w1, fc2 %w2 activation relu
      placements [gpu, gpu]
      : (tensor<?x16xf32>, tensor<3xi64>, tensor<2x8x16xf32>,
         tensor<2x16x8xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
