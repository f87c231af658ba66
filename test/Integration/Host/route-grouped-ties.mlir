// moe.route: exact ties between expert groups go to the lower group index.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // E = 8 in 4 groups of 2. Row 0: all groups tie, groups 0 and 1 are kept.
  // Row 1: groups 1 and 2 tie for second place; group 1 (expert 2) must win
  // over group 2 (expert 5, same score).
  %logits = arith.constant dense<[[0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4],
                                  [1.5, 1.0, 0.9, 0.1, 0.1, 0.9, 0.0, 0.2]]> : tensor<2x8xf32>
  %l = tensor.cast %logits : tensor<2x8xf32> to tensor<?x8xf32>

  %ids, %w = moe.route sigmoid %l top 3 groups 4 select 2
      : tensor<?x8xf32> -> tensor<?x3xi32>, tensor<?x3xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x3xi32> to memref<?x3xi32>
  %ids_u = memref.cast %ids_m : memref<?x3xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 3, scoring="sigmoid", n_group=4, topk_group=2)
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x3xf32> to memref<?x3xf32>
  %w_u = memref.cast %w_m : memref<?x3xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w
  return
}
