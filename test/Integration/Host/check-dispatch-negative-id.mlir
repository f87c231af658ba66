// Runtime check: moe.dispatch aborts on a negative expert id.
// RUN: moe-opt %s --moe-host-pipeline | not --crash %host_runner 2>&1 | FileCheck %s
// CHECK: moe.dispatch: expert id out of range [0, E)
// CHECK-NOT: Memref

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]]> : tensor<3x2xf32>
  // E = 4 (offsets has 5 entries), but token 2 names expert -1.
  %ids = arith.constant dense<[[0, 2], [1, 3], [-1, 0]]> : tensor<3x2xi32>
  %xd = tensor.cast %x : tensor<3x2xf32> to tensor<?x2xf32>
  %idsd = tensor.cast %ids : tensor<3x2xi32> to tensor<?x2xi32>
  %sorted, %offsets, %perm = moe.dispatch %xd, %idsd
      : tensor<?x2xf32>, tensor<?x2xi32>
      -> tensor<?x2xf32>, tensor<5xi64>, tensor<?xi64>
  %m = bufferization.to_buffer %sorted : tensor<?x2xf32> to memref<?x2xf32>
  %u = memref.cast %m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
