// convert-moe-to-gpu: one gpu.module with the GEMM and GEMV kernels of fc1
// and fc2, launched on the sorted tokens; the pim expert stays on the host.
// RUN: moe-opt %s --convert-moe-to-gpu | FileCheck %s

func.func @experts(%x: tensor<?x16xf32>, %offsets: tensor<3xi64>,
                   %w1: tensor<2x8x16xf32>, %b1: tensor<2x8xf32>,
                   %w2: tensor<2x16x8xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %offsets fc1 %w1 bias %b1, fc2 %w2
      activation silu placements [gpu, pim]
      : (tensor<?x16xf32>, tensor<3xi64>, tensor<2x8x16xf32>,
         tensor<2x8xf32>, tensor<2x16x8xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @experts
// The placement mask is a kernel argument, so a runtime can change it.
// CHECK: %[[MASK:.*]] = arith.constant dense<[1, 0]> : tensor<2xi8>
// CHECK: %[[X:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<?x16xf32> to memref<?x16xf32>
// CHECK: %[[OFF:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<3xi64> to memref<3xi64>
// CHECK: %[[PLACED:.*]] = bufferization.to_buffer %[[MASK]] read_only
// CHECK: %[[N:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[H:.*]] = memref.alloc(%[[N]]) : memref<?x8xf32>
// CHECK: %[[Y:.*]] = memref.alloc(%[[N]]) : memref<?x16xf32>
// Row tiles: ceil(N / 32) + E blocks along y cover any distribution.
// CHECK: %[[TILES:.*]] = arith.ceildivsi %[[N]], %c32
// CHECK: %[[GY:.*]] = arith.addi %[[TILES]], %c2
// CHECK: gpu.launch_func @moe_experts::@fc1_gemm blocks in (%c1, %[[GY]], %{{.*}}) threads in (%c256, %{{.*}}) args(%[[X]] : memref<?x16xf32>, %[[OFF]] : memref<3xi64>, %[[PLACED]] : memref<2xi8>, %{{.*}} : memref<2x8x16xf32>, %{{.*}} : memref<2x8xf32>, %[[H]] : memref<?x8xf32>)
// CHECK: gpu.launch_func @moe_experts::@fc1_gemv blocks in (%c2{{.*}}, %c2{{.*}}, %{{.*}}) threads in (%c128
// CHECK: gpu.launch_func @moe_experts::@fc2_gemm {{.*}} args(%[[H]] : memref<?x8xf32>, %[[OFF]] : memref<3xi64>, %[[PLACED]] : memref<2xi8>, %{{.*}} : memref<2x16x8xf32>, %[[Y]] : memref<?x16xf32>)
// CHECK: gpu.launch_func @moe_experts::@fc2_gemv
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[Y]] restrict writable
// The pim expert's rows: the host FFN, only where the mask is 0.
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[T]])
// CHECK: tensor.extract %[[MASK]]
// CHECK: scf.if
// CHECK: linalg.generic
// CHECK: tensor.insert_slice
// CHECK-NOT: moe.experts

// CHECK: gpu.module @moe_experts
// CHECK: gpu.func @fc1_gemm(%{{.*}}: memref<?x16xf32>, %{{.*}}: memref<3xi64>, %{{.*}}: memref<2xi8>, %{{.*}}: memref<2x8x16xf32>, %{{.*}}: memref<2x8xf32>, %{{.*}}: memref<?x8xf32>)
// CHECK-SAME: workgroup(%[[XS:.*]] : memref<32x17xf32, #gpu.address_space<workgroup>>, %[[WS:.*]] : memref<32x17xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: private(%[[ACC:.*]] : memref<4xf32, #gpu.address_space<private>>)
// CHECK-SAME: kernel attributes {known_block_size = array<i32: 256, 1, 1>}
// CHECK: gpu.block_id y
// CHECK: scf.for %[[K0:.*]] = %c0{{.*}} to %c16{{.*}} step %c16
// CHECK: gpu.thread_id x
// CHECK: memref.store %{{.*}}, %[[XS]]
// CHECK: memref.store %{{.*}}, %[[WS]]
// CHECK: gpu.barrier
// CHECK: memref.load %[[XS]]
// CHECK: memref.load %[[WS]]
// CHECK: gpu.barrier
// The fused epilogue: bias, silu, store.
// CHECK: memref.load %[[ACC]]
// CHECK: arith.addf
// CHECK: math.exp
// CHECK: memref.store
// CHECK: gpu.return

// CHECK: gpu.func @fc1_gemv
// CHECK-SAME: private(%{{.*}} : memref<8xf32, #gpu.address_space<private>>)
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<2x8x16xf32>, vector<4xf32>
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<?x16xf32>, vector<4xf32>
// CHECK: vector.reduction <add>
// CHECK: gpu.shuffle xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32 : f32
// CHECK: math.exp

// CHECK: gpu.func @fc2_gemm
// CHECK-NOT: math.exp
// CHECK: gpu.func @fc2_gemv
