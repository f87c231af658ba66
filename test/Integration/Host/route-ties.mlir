// moe.route: exact ties between experts go to the lower expert index.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // Equal logits give bit-identical scores; the lower expert index must win.
  %logits = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                                  [0.5, 2.0, 0.5, 2.0, 0.5, 0.1],
                                  [-1.0, 0.3, 0.3, 0.3, -1.0, 0.3],
                                  [0.7, 0.2, 0.9, 0.9, 0.2, 0.7]]> : tensor<4x6xf32>
  %l = tensor.cast %logits : tensor<4x6xf32> to tensor<?x6xf32>

  %ids, %w = moe.route softmax %l top 3
      : tensor<?x6xf32> -> tensor<?x3xi32>, tensor<?x3xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x3xi32> to memref<?x3xi32>
  %ids_u = memref.cast %ids_m : memref<?x3xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 3, scoring="softmax")
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x3xf32> to memref<?x3xf32>
  %w_u = memref.cast %w_m : memref<?x3xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w

  %idss, %ws = moe.route sigmoid %l top 2
      : tensor<?x6xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %idss_m = bufferization.to_buffer %idss : tensor<?x2xi32> to memref<?x2xi32>
  %idss_u = memref.cast %idss_m : memref<?x2xi32> to memref<*xi32>
  call @printMemrefI32(%idss_u) : (memref<*xi32>) -> ()
  // REF-LET: idss, ws = ref.route(logits, 2, scoring="sigmoid")
  // REF: idss
  %ws_m = bufferization.to_buffer %ws : tensor<?x2xf32> to memref<?x2xf32>
  %ws_u = memref.cast %ws_m : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%ws_u) : (memref<*xf32>) -> ()
  // REF: ws
  return
}
