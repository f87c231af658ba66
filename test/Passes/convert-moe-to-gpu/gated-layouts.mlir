// convert-moe-to-gpu: where the gate and linear rows of swiglu come from.
// RUN: moe-opt %s --convert-moe-to-gpu -split-input-file | FileCheck %s

// separate: gate from fc1, linear from fc3 (an extra kernel argument).
// CHECK-LABEL: func.func @separate
// CHECK: gpu.func @fc1_gemm(%{{.*}}: memref<?x4xf32>, %{{.*}}: memref<3xi64>, %{{.*}}: memref<2xi8>, %[[W1:.*]]: memref<2x6x4xf32>, %[[W3:.*]]: memref<2x6x4xf32>, %{{.*}}: memref<?x6xf32>)
// Two weight tiles in shared memory, two accumulators per output.
// CHECK-SAME: workgroup(%{{.*}} : memref<32x17xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<32x17xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<32x17xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: private(%{{.*}} : memref<8xf32, #gpu.address_space<private>>)
// CHECK: memref.load %[[W1]]
// CHECK: memref.load %[[W3]]
func.func @separate(%x: tensor<?x4xf32>, %o: tensor<3xi64>, %w1: tensor<2x6x4xf32>,
                    %w2: tensor<2x4x6xf32>, %w3: tensor<2x6x4xf32>) -> tensor<?x4xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate)
      placements [gpu, gpu]
      : (tensor<?x4xf32>, tensor<3xi64>, tensor<2x6x4xf32>, tensor<2x4x6xf32>,
         tensor<2x6x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// interleaved: gate row 2c, linear row 2c + 1 of fc1; the limit clamps both.
// CHECK-LABEL: func.func @interleaved
// CHECK: gpu.func @fc1_gemv(%{{.*}}: memref<?x4xf32>, %{{.*}}: memref<3xi64>, %{{.*}}: memref<2xi8>, %[[W1:.*]]: memref<2x6x4xf32>, %{{.*}}: memref<?x3xf32>)
// CHECK: %[[G:.*]] = arith.muli %{{.*}}, %c2
// CHECK: %[[L:.*]] = arith.addi %[[G]], %c1
// CHECK: vector.load %[[W1]][%{{.*}}, %[[G]], %{{.*}}]
// CHECK: vector.load %[[W1]][%{{.*}}, %[[L]], %{{.*}}]
// CHECK: arith.minimumf %{{.*}}, %cst{{.*}} : f32
// CHECK: arith.maximumf
func.func @interleaved(%x: tensor<?x4xf32>, %o: tensor<3xi64>, %w1: tensor<2x6x4xf32>,
                       %w2: tensor<2x4x3xf32>) -> tensor<?x4xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2
      activation swiglu(interleaved, alpha = 1.702, beta = 1.0, limit = 7.0)
      placements [gpu, gpu]
      : (tensor<?x4xf32>, tensor<3xi64>, tensor<2x6x4xf32>, tensor<2x4x3xf32>)
      -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// concatenated: gate row c, linear row I + c (I = 3).
// CHECK-LABEL: func.func @concatenated
// CHECK: gpu.func @fc1_gemv
// CHECK: %[[L:.*]] = arith.addi %{{.*}}, %c3
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[L]], %{{.*}}]
func.func @concatenated(%x: tensor<?x4xf32>, %o: tensor<3xi64>, %w1: tensor<2x6x4xf32>,
                        %w2: tensor<2x4x3xf32>) -> tensor<?x4xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(concatenated)
      placements [gpu, gpu]
      : (tensor<?x4xf32>, tensor<3xi64>, tensor<2x6x4xf32>, tensor<2x4x3xf32>)
      -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
