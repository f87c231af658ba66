// moe.route: softmax top-1 (Switch Transformer style) on a dynamic token count.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 5 tokens, E = 6 experts.
  %logits = arith.constant dense<[[-1.02, 0.27, 1.82, 1.14, -0.52, -0.12],
                                  [0.07, 1.61, 0.86, -0.41, -0.15, -1.63],
                                  [-0.03, -1.08, -1.63, -1.63, -1.14, 0.8],
                                  [-1.28, 0.27, 0.41, 1.87, -0.17, 1.1],
                                  [-1.86, 0.58, 1.92, -1.81, 1.63, -1.38]]> : tensor<5x6xf32>
  %l = tensor.cast %logits : tensor<5x6xf32> to tensor<?x6xf32>

  %ids, %w = moe.route softmax %l top 1
      : tensor<?x6xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x1xi32> to memref<?x1xi32>
  %ids_u = memref.cast %ids_m : memref<?x1xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 1, scoring="softmax")
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x1xf32> to memref<?x1xf32>
  %w_u = memref.cast %w_m : memref<?x1xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w
  return
}
