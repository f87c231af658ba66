// Runtime check: moe.combine aborts on a permutation entry outside [0, T * k).
// RUN: moe-opt %s --moe-host-pipeline | not --crash %host_runner 2>&1 | FileCheck %s
// CHECK: moe.combine: permutation entry out of range [0, T * k)
// CHECK-NOT: Memref

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  // T = 2, k = 2, N = 4; entry 4 is not an assignment.
  %out = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %w = arith.constant dense<[[0.75, 0.25], [0.5, 0.5]]> : tensor<2x2xf32>
  %perm = arith.constant dense<[2, 0, 4, 1]> : tensor<4xi64>
  %outd = tensor.cast %out : tensor<4x2xf32> to tensor<?x2xf32>
  %wd = tensor.cast %w : tensor<2x2xf32> to tensor<?x2xf32>
  %permd = tensor.cast %perm : tensor<4xi64> to tensor<?xi64>
  %y = moe.combine %outd, %wd, %permd
      : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x2xf32>
  %m = bufferization.to_buffer %y : tensor<?x2xf32> to memref<?x2xf32>
  %u = memref.cast %m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
