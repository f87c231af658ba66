// moe.route: the scale attribute, alone and after normalize.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 4 tokens, E = 5 experts.
  %logits = arith.constant dense<[[0.55, 1.97, -1.61, 0.03, -0.41],
                                  [-1.18, 1.53, 0.16, 0.45, -0.86],
                                  [0.22, 0.93, -1.2, -0.94, -0.7],
                                  [0.06, -0.18, -0.02, 0.41, 1.15]]> : tensor<4x5xf32>
  %l = tensor.cast %logits : tensor<4x5xf32> to tensor<?x5xf32>

  // scale alone multiplies the raw scores.
  %ids, %w = moe.route softmax %l top 2 scale 2.5
      : tensor<?x5xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x2xi32> to memref<?x2xi32>
  %ids_u = memref.cast %ids_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 2, scoring="softmax", scale=2.5)
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x2xf32> to memref<?x2xf32>
  %w_u = memref.cast %w_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w

  // With normalize the scale applies after the renormalisation.
  %idsn, %wn = moe.route sigmoid %l top 2 normalize scale 0.75
      : tensor<?x5xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %idsn_m = bufferization.to_buffer %idsn : tensor<?x2xi32> to memref<?x2xi32>
  %idsn_u = memref.cast %idsn_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%idsn_u) : (memref<*xi32>) -> ()
  // REF-LET: idsn, wn = ref.route(logits, 2, scoring="sigmoid", normalize=True, scale=0.75)
  // REF: idsn
  %wn_m = bufferization.to_buffer %wn : tensor<?x2xf32> to memref<?x2xf32>
  %wn_u = memref.cast %wn_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%wn_u) : (memref<*xf32>) -> ()
  // REF: wn
  return
}
