// moe.route and moe.dispatch on bf16 logits and tokens.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)
func.func private @printMemrefF16(memref<*xf16>) attributes {llvm.emit_c_interface}
func.func private @printMemrefBF16(memref<*xbf16>) attributes {llvm.emit_c_interface}

func.func @main() {
  // T = 5, E = 6, H = 3, all bf16. The top-2 choices are at least 0.05 apart
  // in score, far above bf16 rounding, so the ids must match exactly.
  %logits = arith.constant dense<[[1.38, -0.51, 0.53, -1.11, -0.85, -1.75],
                                  [-1.29, 1.39, 0.1, 1.02, -0.21, -0.75],
                                  [-0.97, 1.9, -0.84, 1.28, -0.8, -1.44],
                                  [-1.92, -0.55, 0.12, 0.77, 0.44, -1.12],
                                  [-0.41, -0.74, -0.72, 0.58, -0.88, 1.34]]> : tensor<5x6xbf16>
  %x = arith.constant dense<[[1.61, -1.28, -0.39],
                             [-0.54, 1.53, -1.19],
                             [-0.37, 0.25, -1.41],
                             [1.4, 0.27, 0.21],
                             [-1.4, 0.63, -0.53]]> : tensor<5x3xbf16>
  %l = tensor.cast %logits : tensor<5x6xbf16> to tensor<?x6xbf16>
  %xd = tensor.cast %x : tensor<5x3xbf16> to tensor<?x3xbf16>

  %ids, %w = moe.route softmax %l top 2 normalize
      : tensor<?x6xbf16> -> tensor<?x2xi32>, tensor<?x2xbf16>
  %ids_m = bufferization.to_buffer %ids : tensor<?x2xi32> to memref<?x2xi32>
  %ids_u = memref.cast %ids_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 2, scoring="softmax", normalize=True)
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x2xbf16> to memref<?x2xbf16>
  %w_u = memref.cast %w_m : memref<?x2xbf16> to memref<*xbf16>
  call @printMemrefBF16(%w_u) : (memref<*xbf16>) -> ()
  // The weights are computed and stored in bf16 (unit roundoff u = 2^-8):
  // exp/sigmoid, sum and division each round, so allow 2u.
  // REF-TOLERANCE: rtol=8e-3 atol=4e-3
  // REF: w

  %idss, %ws = moe.route sigmoid %l top 2
      : tensor<?x6xbf16> -> tensor<?x2xi32>, tensor<?x2xbf16>
  %idss_m = bufferization.to_buffer %idss : tensor<?x2xi32> to memref<?x2xi32>
  %idss_u = memref.cast %idss_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%idss_u) : (memref<*xi32>) -> ()
  // REF-LET: idss, ws = ref.route(logits, 2, scoring="sigmoid")
  // REF: idss
  %ws_m = bufferization.to_buffer %ws : tensor<?x2xbf16> to memref<?x2xbf16>
  %ws_u = memref.cast %ws_m : memref<?x2xbf16> to memref<*xbf16>
  call @printMemrefBF16(%ws_u) : (memref<*xbf16>) -> ()
  // REF: ws

  // Dispatch copies bf16 rows exactly.
  // REF-TOLERANCE: default
  %sorted, %offsets, %perm = moe.dispatch %xd, %ids
      : tensor<?x3xbf16>, tensor<?x2xi32>
      -> tensor<?x3xbf16>, tensor<7xi64>, tensor<?xi64>
  // REF-LET: sorted, offsets, perm = ref.dispatch(x, ids, 6)
  %sorted_m = bufferization.to_buffer %sorted : tensor<?x3xbf16> to memref<?x3xbf16>
  %sorted_u = memref.cast %sorted_m : memref<?x3xbf16> to memref<*xbf16>
  call @printMemrefBF16(%sorted_u) : (memref<*xbf16>) -> ()
  // REF: sorted
  %offsets_m = bufferization.to_buffer %offsets : tensor<7xi64> to memref<7xi64>
  %offsets_u = memref.cast %offsets_m : memref<7xi64> to memref<*xi64>
  call @printMemrefI64(%offsets_u) : (memref<*xi64>) -> ()
  // REF: offsets
  %perm_m = bufferization.to_buffer %perm : tensor<?xi64> to memref<?xi64>
  %perm_u = memref.cast %perm_m : memref<?xi64> to memref<*xi64>
  call @printMemrefI64(%perm_u) : (memref<*xi64>) -> ()
  // REF: perm
  return
}
