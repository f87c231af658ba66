// Runtime check: moe.experts aborts when the offsets do not end at N.
// RUN: moe-opt %s --moe-host-pipeline | not --crash %host_runner 2>&1 | FileCheck %s
// CHECK: moe.experts: offsets must start at 0 and end at the number of sorted rows
// CHECK-NOT: Memref

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  // N = 5 rows, H = 2, I = 2, E = 3:
  // the offsets end at 4, so row 4 would belong to no expert.
  %x = arith.constant dense<[[1.0, -0.5], [0.25, 2.0], [-1.5, 0.75], [0.5, 0.5], [-2.0, 1.0]]>
      : tensor<5x2xf32>
  %offsets = arith.constant dense<[0, 2, 3, 4]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[0.5, -0.25], [1.0, 0.75]],
                               [[-0.5, 0.25], [0.125, 1.5]],
                               [[2.0, 0.0], [-1.0, 0.5]]]> : tensor<3x2x2xf32>
  %fc2 = arith.constant dense<[[[1.0, 0.5], [-0.5, 0.25]],
                               [[0.75, -1.0], [0.5, 0.5]],
                               [[-0.25, 1.0], [1.5, -0.5]]]> : tensor<3x2x2xf32>
  %xd = tensor.cast %x : tensor<5x2xf32> to tensor<?x2xf32>
  %y = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2 activation relu
      : (tensor<?x2xf32>, tensor<4xi64>, tensor<3x2x2xf32>, tensor<3x2x2xf32>)
      -> tensor<?x2xf32>
  %m = bufferization.to_buffer %y : tensor<?x2xf32> to memref<?x2xf32>
  %u = memref.cast %m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
