// moe.route: sigmoid top-2, with and without normalize.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 5 tokens, E = 6 experts.
  %logits = arith.constant dense<[[2.03, 1.15, -1.7, -2.25, -0.75, 1.52],
                                  [1.41, -0.52, 0.87, 1.95, -2.6, 0.23],
                                  [1.54, 1.95, -1.69, -0.1, -0.8, -1.41],
                                  [1.79, 0.36, 0.37, -1.4, 1.19, -2.64],
                                  [2.83, 0.0, -1.86, -0.23, 1.28, 1.95]]> : tensor<5x6xf32>
  %l = tensor.cast %logits : tensor<5x6xf32> to tensor<?x6xf32>

  // Independent sigmoid scores (they do not sum to 1), then renormalised.
  %ids, %w = moe.route sigmoid %l top 2
      : tensor<?x6xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x2xi32> to memref<?x2xi32>
  %ids_u = memref.cast %ids_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 2, scoring="sigmoid")
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x2xf32> to memref<?x2xf32>
  %w_u = memref.cast %w_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w

  %idsn, %wn = moe.route sigmoid %l top 2 normalize
      : tensor<?x6xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %idsn_m = bufferization.to_buffer %idsn : tensor<?x2xi32> to memref<?x2xi32>
  %idsn_u = memref.cast %idsn_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%idsn_u) : (memref<*xi32>) -> ()
  // REF-LET: idsn, wn = ref.route(logits, 2, scoring="sigmoid", normalize=True)
  // REF: idsn
  %wn_m = bufferization.to_buffer %wn : tensor<?x2xf32> to memref<?x2xf32>
  %wn_u = memref.cast %wn_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%wn_u) : (memref<*xf32>) -> ()
  // REF: wn
  return
}
