// moe.route: softmax top-8 of 16 experts, with and without normalize.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 4 tokens, E = 16 experts.
  %logits = arith.constant dense<[[-1.28, 2.1, -2.09, -1.25, 0.87, 0.12, -1.07, 0.64, -0.64, 1.02, -2.58, 1.86, 1.93, 1.67, -2.33, 1.38],
                                  [-0.17, 1.77, -2.75, 1.47, -0.71, 1.91, -2.8, -2.33, -2.54, -1.88, 2.91, 1.44, 1.52, -1.05, 0.71, 0.76],
                                  [1.76, -2.74, -0.77, -2.38, 1.08, 2.4, -1.83, 1.29, 1.01, 0.19, -2.67, -0.11, 1.72, -0.23, 2.97, 2.15],
                                  [-0.39, -1.03, 0.38, -1.63, -1.11, -2.6, 0.14, -1.12, 2.19, 1.72, -1.74, 1.86, 2.05, 2.28, -0.57, -2.73]]> : tensor<4x16xf32>
  %l = tensor.cast %logits : tensor<4x16xf32> to tensor<?x16xf32>

  // Unnormalised, then normalised (Qwen3-style k = 8).
  %ids, %w = moe.route softmax %l top 8
      : tensor<?x16xf32> -> tensor<?x8xi32>, tensor<?x8xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x8xi32> to memref<?x8xi32>
  %ids_u = memref.cast %ids_m : memref<?x8xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 8, scoring="softmax")
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x8xf32> to memref<?x8xf32>
  %w_u = memref.cast %w_m : memref<?x8xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w

  %idsn, %wn = moe.route softmax %l top 8 normalize
      : tensor<?x16xf32> -> tensor<?x8xi32>, tensor<?x8xf32>
  %idsn_m = bufferization.to_buffer %idsn : tensor<?x8xi32> to memref<?x8xi32>
  %idsn_u = memref.cast %idsn_m : memref<?x8xi32> to memref<*xi32>
  call @printMemrefI32(%idsn_u) : (memref<*xi32>) -> ()
  // REF-LET: idsn, wn = ref.route(logits, 8, scoring="softmax", normalize=True)
  // REF: idsn
  %wn_m = bufferization.to_buffer %wn : tensor<?x8xf32> to memref<?x8xf32>
  %wn_u = memref.cast %wn_m : memref<?x8xf32> to memref<*xf32>
  call @printMemrefF32(%wn_u) : (memref<*xf32>) -> ()
  // REF: wn
  return
}
