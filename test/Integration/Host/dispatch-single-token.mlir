// moe.dispatch: a single token (T = 1) with k = 3.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 1, H = 5, k = 3, E = 4; expert 1 gets nothing.
  %x = arith.constant dense<[[-1.14, -0.33, 1.23, -0.9, 1.26]]> : tensor<1x5xf32>
  %ids = arith.constant dense<[[2, 0, 3]]> : tensor<1x3xi32>
  %xd = tensor.cast %x : tensor<1x5xf32> to tensor<?x5xf32>
  %idsd = tensor.cast %ids : tensor<1x3xi32> to tensor<?x3xi32>

  %sorted, %offsets, %perm = moe.dispatch %xd, %idsd
      : tensor<?x5xf32>, tensor<?x3xi32>
      -> tensor<?x5xf32>, tensor<5xi64>, tensor<?xi64>
  // REF-LET: sorted, offsets, perm = ref.dispatch(x, ids, 4)
  %sorted_m = bufferization.to_buffer %sorted : tensor<?x5xf32> to memref<?x5xf32>
  %sorted_u = memref.cast %sorted_m : memref<?x5xf32> to memref<*xf32>
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
