// moe.route with i32 and i64 ids; i64 ids feed moe.dispatch.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 4 tokens, H = 3, E = 5.
  %x = arith.constant dense<[[-0.16, -0.74, 0.07],
                             [0.36, 0.53, -0.51],
                             [-0.96, 0.3, 0.2],
                             [0.47, -0.02, 0.83]]> : tensor<4x3xf32>
  %logits = arith.constant dense<[[-0.4, -1.2, -0.61, 1.71, 1.54],
                                  [0.93, -1.61, -1.83, -1.94, 0.33],
                                  [-0.81, 0.13, 1.95, 0.65, 1.03],
                                  [-1.28, 1.82, -0.26, -1.2, -1.32]]> : tensor<4x5xf32>
  %xd = tensor.cast %x : tensor<4x3xf32> to tensor<?x3xf32>
  %l = tensor.cast %logits : tensor<4x5xf32> to tensor<?x5xf32>

  // The same routing with i32 and with i64 ids.
  %ids, %w = moe.route softmax %l top 2 normalize
      : tensor<?x5xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x2xi32> to memref<?x2xi32>
  %ids_u = memref.cast %ids_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 2, scoring="softmax", normalize=True)
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x2xf32> to memref<?x2xf32>
  %w_u = memref.cast %w_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w

  %ids64, %w64 = moe.route softmax %l top 2 normalize
      : tensor<?x5xf32> -> tensor<?x2xi64>, tensor<?x2xf32>
  %ids64_m = bufferization.to_buffer %ids64 : tensor<?x2xi64> to memref<?x2xi64>
  %ids64_u = memref.cast %ids64_m : memref<?x2xi64> to memref<*xi64>
  call @printMemrefI64(%ids64_u) : (memref<*xi64>) -> ()
  // REF-LET: ids64, w64 = ref.route(logits, 2, scoring="softmax", normalize=True)
  // REF: ids64
  %w64_m = bufferization.to_buffer %w64 : tensor<?x2xf32> to memref<?x2xf32>
  %w64_u = memref.cast %w64_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%w64_u) : (memref<*xf32>) -> ()
  // REF: w64

  // i64 ids feed moe.dispatch directly.
  %sorted, %offsets, %perm = moe.dispatch %xd, %ids64
      : tensor<?x3xf32>, tensor<?x2xi64>
      -> tensor<?x3xf32>, tensor<6xi64>, tensor<?xi64>
  // REF-LET: sorted, offsets, perm = ref.dispatch(x, ids64, 5)
  %sorted_m = bufferization.to_buffer %sorted : tensor<?x3xf32> to memref<?x3xf32>
  %sorted_u = memref.cast %sorted_m : memref<?x3xf32> to memref<*xf32>
  call @printMemrefF32(%sorted_u) : (memref<*xf32>) -> ()
  // REF: sorted
  %offsets_m = bufferization.to_buffer %offsets : tensor<6xi64> to memref<6xi64>
  %offsets_u = memref.cast %offsets_m : memref<6xi64> to memref<*xi64>
  call @printMemrefI64(%offsets_u) : (memref<*xi64>) -> ()
  // REF: offsets
  %perm_m = bufferization.to_buffer %perm : tensor<?xi64> to memref<?xi64>
  %perm_u = memref.cast %perm_m : memref<?xi64> to memref<*xi64>
  call @printMemrefI64(%perm_u) : (memref<*xi64>) -> ()
  // REF: perm
  return
}
