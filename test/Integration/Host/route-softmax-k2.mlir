// moe.route: softmax top-2 with and without normalize (Mixtral style).
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 6 tokens, E = 8 experts.
  %logits = arith.constant dense<[[-0.38, 1.7, 1.03, 1.6, 1.81, 0.98, -0.41, -0.95],
                                  [1.12, 1.2, 1.82, 0.54, 1.49, -0.92, -0.88, -0.18],
                                  [-1.4, 1.41, 1.25, 1.63, -1.3, 0.62, -1.89, -1.59],
                                  [0.14, 0.85, 0.61, -1.55, -0.69, -0.01, -1.96, 0.34],
                                  [-0.01, 0.22, 1.98, -0.19, 1.86, 0.34, -0.18, -1.2],
                                  [1.28, -0.73, -0.88, -0.49, 0.04, -0.54, 1.13, -1.14]]> : tensor<6x8xf32>
  %l = tensor.cast %logits : tensor<6x8xf32> to tensor<?x8xf32>

  // Raw softmax probabilities of the two best experts.
  %ids, %w = moe.route softmax %l top 2
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x2xi32> to memref<?x2xi32>
  %ids_u = memref.cast %ids_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 2, scoring="softmax")
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x2xf32> to memref<?x2xf32>
  %w_u = memref.cast %w_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w

  // Mixtral: the two weights renormalised to sum to 1.
  %idsn, %wn = moe.route softmax %l top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %idsn_m = bufferization.to_buffer %idsn : tensor<?x2xi32> to memref<?x2xi32>
  %idsn_u = memref.cast %idsn_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%idsn_u) : (memref<*xi32>) -> ()
  // REF-LET: idsn, wn = ref.route(logits, 2, scoring="softmax", normalize=True)
  // REF: idsn
  %wn_m = bufferization.to_buffer %wn : tensor<?x2xf32> to memref<?x2xf32>
  %wn_u = memref.cast %wn_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%wn_u) : (memref<*xf32>) -> ()
  // REF: wn
  return
}
