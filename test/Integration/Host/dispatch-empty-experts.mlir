// moe.dispatch: experts without tokens (first, middle and last) get empty ranges.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 5, H = 4, k = 2, E = 8: experts 0, 2, 5 and 7 (first and last
  // included) get no tokens; experts 1 and 3 get three copies each.
  %x = arith.constant dense<[[1.04, 0.82, 1.99, 0.23],
                             [-1.23, -1.02, 0.82, 0.83],
                             [1.42, 1.96, -1.55, 1.85],
                             [-0.76, -1.46, -0.16, -0.74],
                             [-0.89, 0.58, 1.68, 0.78]]> : tensor<5x4xf32>
  %ids = arith.constant dense<[[3, 1], [1, 4], [6, 3], [4, 1], [3, 6]]> : tensor<5x2xi32>
  %xd = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>
  %idsd = tensor.cast %ids : tensor<5x2xi32> to tensor<?x2xi32>

  %sorted, %offsets, %perm = moe.dispatch %xd, %idsd
      : tensor<?x4xf32>, tensor<?x2xi32>
      -> tensor<?x4xf32>, tensor<9xi64>, tensor<?xi64>
  // REF-LET: sorted, offsets, perm = ref.dispatch(x, ids, 8)
  %sorted_m = bufferization.to_buffer %sorted : tensor<?x4xf32> to memref<?x4xf32>
  %sorted_u = memref.cast %sorted_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%sorted_u) : (memref<*xf32>) -> ()
  // REF: sorted
  %offsets_m = bufferization.to_buffer %offsets : tensor<9xi64> to memref<9xi64>
  %offsets_u = memref.cast %offsets_m : memref<9xi64> to memref<*xi64>
  call @printMemrefI64(%offsets_u) : (memref<*xi64>) -> ()
  // REF: offsets
  %perm_m = bufferization.to_buffer %perm : tensor<?xi64> to memref<?xi64>
  %perm_u = memref.cast %perm_m : memref<?xi64> to memref<*xi64>
  call @printMemrefI64(%perm_u) : (memref<*xi64>) -> ()
  // REF: perm
  return
}
