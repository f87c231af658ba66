// moe.route: a correction bias steers selection only; weights use unbiased scores.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // Sigmoid scoring, T = 6, E = 8. The bias changes the selection of 5 of
  // the 6 tokens; the weights are the unbiased sigmoid scores.
  %logits = arith.constant dense<[[0.49, -1.13, 0.39, -1.03, -0.46, -1.84, 1.83, -1.81],
                                  [1.68, -1.09, -0.5, -1.16, 0.12, 1.89, -0.48, -1.86],
                                  [-0.54, -0.92, -0.59, -1.05, -1.8, -0.19, 1.02, -0.26],
                                  [-1.55, 1.84, -1.65, 1.16, 1.34, 0.54, -1.74, 1.5],
                                  [-0.14, -0.97, -0.42, -1.77, 0.84, 1.06, 1.5, 0.7],
                                  [-1.44, 0.27, -0.61, 0.22, 0.57, -1.17, -0.94, -1.19]]> : tensor<6x8xf32>
  %bias = arith.constant dense<[0.3, -0.2, 0.0, 0.15, -0.1, 0.25, -0.3, 0.05]> : tensor<8xf32>
  %l = tensor.cast %logits : tensor<6x8xf32> to tensor<?x8xf32>

  %ids, %w = moe.route sigmoid %l bias %bias : tensor<8xf32> top 2
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x2xi32> to memref<?x2xi32>
  %ids_u = memref.cast %ids_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 2, scoring="sigmoid", bias=bias)
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x2xf32> to memref<?x2xf32>
  %w_u = memref.cast %w_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w

  // Softmax scoring with a bias, normalised, T = 5, E = 6 (the bias changes
  // 3 of the 5 selections).
  %logits2 = arith.constant dense<[[1.31, 1.33, -0.98, -0.76, 1.45, 0.17],
                                   [0.56, 0.26, -1.13, 0.16, -1.37, -1.5],
                                   [-1.44, 0.01, -1.23, -1.39, -1.21, 0.07],
                                   [0.4, -0.85, 1.25, -0.95, -0.2, 0.42],
                                   [0.37, -0.88, -0.91, -0.73, 0.2, 1.02]]> : tensor<5x6xf32>
  %sbias = arith.constant dense<[0.0, 0.12, -0.05, 0.2, -0.15, 0.08]> : tensor<6xf32>
  %l2 = tensor.cast %logits2 : tensor<5x6xf32> to tensor<?x6xf32>

  %idsn, %wn = moe.route softmax %l2 bias %sbias : tensor<6xf32> top 2 normalize
      : tensor<?x6xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %idsn_m = bufferization.to_buffer %idsn : tensor<?x2xi32> to memref<?x2xi32>
  %idsn_u = memref.cast %idsn_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%idsn_u) : (memref<*xi32>) -> ()
  // REF-LET: idsn, wn = ref.route(logits2, 2, scoring="softmax", normalize=True, bias=sbias)
  // REF: idsn
  %wn_m = bufferization.to_buffer %wn : tensor<?x2xf32> to memref<?x2xf32>
  %wn_u = memref.cast %wn_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%wn_u) : (memref<*xf32>) -> ()
  // REF: wn
  return
}
