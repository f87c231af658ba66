// convert-moe-to-gpu leaves ops without a GPU expert, and moe.ffn, alone;
// convert-moe-to-linalg lowers them for the host afterwards.
// RUN: moe-opt %s --convert-moe-to-gpu | FileCheck %s

// CHECK-NOT: gpu.container_module
// CHECK-LABEL: func.func @host_only
// CHECK: moe.experts {{.*}} placements [pim, host, dynamic]
// CHECK: moe.ffn
// CHECK-NOT: gpu.module
func.func @host_only(%x: tensor<?x4xf32>, %o: tensor<4xi64>,
                     %w1: tensor<3x8x4xf32>, %w2: tensor<3x4x8xf32>,
                     %s1: tensor<8x4xf32>, %s2: tensor<4x8xf32>)
    -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu
      placements [pim, host, dynamic]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x4x8xf32>)
      -> tensor<?x4xf32>
  %s = moe.ffn %x fc1 %s1, fc2 %s2 activation relu placement gpu
      : (tensor<?x4xf32>, tensor<8x4xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %y, %s : tensor<?x4xf32>, tensor<?x4xf32>
}
