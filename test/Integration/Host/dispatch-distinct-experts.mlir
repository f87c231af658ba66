// moe.dispatch: a token whose k experts are all distinct, and stable sorting of repeats.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 3, H = 3, k = E = 4. Token 0's four experts are all distinct (it
  // visits every expert, in the order 3, 0, 2, 1); tokens 1 and 2 repeat
  // experts, so the stable order of equal ids is visible in perm.
  %x = arith.constant dense<[[0.25, 1.6, -0.47], [0.51, -1.15, 1.16], [-1.37, -1.97, -0.64]]> : tensor<3x3xf32>
  %ids = arith.constant dense<[[3, 0, 2, 1], [2, 2, 0, 2], [1, 3, 3, 0]]> : tensor<3x4xi32>
  %xd = tensor.cast %x : tensor<3x3xf32> to tensor<?x3xf32>
  %idsd = tensor.cast %ids : tensor<3x4xi32> to tensor<?x4xi32>

  %sorted, %offsets, %perm = moe.dispatch %xd, %idsd
      : tensor<?x3xf32>, tensor<?x4xi32>
      -> tensor<?x3xf32>, tensor<5xi64>, tensor<?xi64>
  // REF-LET: sorted, offsets, perm = ref.dispatch(x, ids, 4)
  %sorted_m = bufferization.to_buffer %sorted : tensor<?x3xf32> to memref<?x3xf32>
  %sorted_u = memref.cast %sorted_m : memref<?x3xf32> to memref<*xf32>
  call @printMemrefF32(%sorted_u) : (memref<*xf32>) -> ()
  // REF: sorted
  %offsets_m = bufferization.to_buffer %offsets : tensor<5xi64> to memref<5xi64>
  %offsets_u = memref.cast %offsets_m : memref<5xi64> to memref<*xi64>
  call @printMemrefI64(%offsets_u) : (memref<*xi64>) -> ()
  // REF: offsets
  %perm_m = bufferization.to_buffer %perm : tensor<?xi64> to memref<?xi64>
  %perm_u = memref.cast %perm_m : memref<?xi64> to memref<*xi64>
  call @printMemrefI64(%perm_u) : (memref<*xi64>) -> ()
  // REF: perm
  return
}
