// With layer-kernels, route, dispatch and combine become kernels as well:
// one gpu.module each, launched on the grid their sizes give (skipped when
// that is empty), and the dispatch offsets checked on the host. Without it
// they stay moe ops for the host lowering.
// RUN: moe-opt %s --convert-moe-to-gpu=layer-kernels | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-gpu | FileCheck %s --check-prefix=NOLAYER
// RUN: moe-opt %s --convert-moe-to-gpu="layer-kernels emulate-on-host" | FileCheck %s --check-prefix=HOST

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @layer
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x4xf32>, %[[L:[^:]*]]: tensor<?x8xf32>
// CHECK: %[[LB:.*]] = bufferization.to_buffer %[[L]] read_only : tensor<?x8xf32> to memref<?x8xf32>
// CHECK: %[[T:.*]] = memref.dim %[[LB]]
// CHECK: %[[IDS:.*]] = memref.alloc(%[[T]]) : memref<?x2xi32>
// CHECK: %[[W:.*]] = memref.alloc(%[[T]]) : memref<?x2xf32>
// CHECK: scf.if
// CHECK: gpu.launch_func @moe_route::@route blocks in ({{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%[[LB]] : memref<?x8xf32>, %[[IDS]] : memref<?x2xi32>, %[[W]] : memref<?x2xf32>)
// CHECK: gpu.launch_func @moe_dispatch::@offsets
// CHECK: cf.assert %{{.*}}, "moe.dispatch: expert id out of range [0, E)"
// CHECK: gpu.launch_func @moe_dispatch::@gather
// CHECK: gpu.launch_func @moe_experts::@fc1_gemm
// CHECK: gpu.launch_func @moe_combine::@invert
// CHECK: gpu.launch_func @moe_combine::@sum
// CHECK-NOT: moe.
// CHECK: gpu.module @moe_route
// CHECK: gpu.func @route(%{{.*}}: memref<?x8xf32>, %{{.*}}: memref<?x2xi32>, %{{.*}}: memref<?x2xf32>) private({{.*}}) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// CHECK: math.exp
// CHECK: gpu.module @moe_dispatch
// CHECK: gpu.func @offsets
// CHECK: gpu.barrier
// CHECK: gpu.func @gather
// CHECK: gpu.module @moe_combine
// CHECK: gpu.func @invert
// CHECK: gpu.func @sum

// NOLAYER: moe.route
// NOLAYER: moe.dispatch
// NOLAYER: gpu.launch_func @moe_experts::@fc1_gemm
// NOLAYER: moe.combine

// HOST-NOT: gpu.
// HOST: func.call @moe_route_route(
// HOST: call @moe_dispatch_offsets(
// HOST: func.call @moe_dispatch_gather(
// HOST: func.call @moe_combine_invert(
// HOST: func.call @moe_combine_sum(
// HOST: func.func private @moe_route_route(

func.func @layer(%x: tensor<?x4xf32>, %logits: tensor<?x8xf32>,
                 %w1: tensor<8x6x4xf32>, %w2: tensor<8x4x6xf32>)
    -> tensor<?x4xf32> {
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %sorted, %offsets, %perm = moe.dispatch %x, %ids
      : tensor<?x4xf32>, tensor<?x2xi32>
      -> tensor<?x4xf32>, tensor<9xi64>, tensor<?xi64>
  %y = moe.experts %sorted, %offsets fc1 %w1, fc2 %w2 activation relu
      placements [gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<9xi64>, tensor<8x6x4xf32>, tensor<8x4x6xf32>)
      -> tensor<?x4xf32>
  %out = moe.combine %y, %w, %perm
      : tensor<?x4xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x4xf32>
  return %out : tensor<?x4xf32>
}
