// moe.route: DeepSeek-V3 group-limited routing, where the group mask changes the selection.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 5 tokens, E = 16 experts in 4 groups of 4. For 3 of the 5 tokens the
  // group limit excludes an expert that plain top-4 would pick.
  %logits = arith.constant dense<[[-1.67, -1.88, -1.44, 1.63, -2.24, -2.89, -2.21, 0.24, 1.92, -2.21, -1.51, 0.81, 1.34, -1.02, 2.62, 1.85],
                                  [-2.55, 2.33, -1.27, 0.3, -2.58, -1.1, -2.51, -2.25, 2.02, 0.9, 0.19, -0.3, 0.15, -0.73, -2.66, 2.19],
                                  [0.83, -1.06, 2.16, -0.49, -2.65, 2.58, 1.64, -1.93, 2.92, 2.81, -0.85, 0.09, -0.33, 1.21, -1.32, -1.99],
                                  [-2.01, -1.84, 0.96, -2.05, 1.03, -2.29, 0.48, -2.58, 1.83, -1.92, -2.97, -0.98, 0.94, -0.12, -0.45, -2.79],
                                  [-1.76, -1.49, 2.25, 0.13, 1.7, 2.49, 2.94, -1.96, -1.82, -2.13, -1.06, 0.28, 0.26, -1.81, -2.04, 2.5]]> : tensor<5x16xf32>
  %bias = arith.constant dense<[0.06, -0.03, -0.08, -0.05, -0.04, 0.07, 0.02, -0.01, 0.04, 0.08, -0.06, -0.08, 0.05, 0.07, -0.06, 0.09]> : tensor<16xf32>
  %l = tensor.cast %logits : tensor<5x16xf32> to tensor<?x16xf32>

  // DeepSeek-V3: sigmoid, bias, groups 4 select 2, top 4, normalize, scale 2.5.
  %ids, %w = moe.route sigmoid %l bias %bias : tensor<16xf32> top 4 groups 4 select 2 normalize scale 2.5
      : tensor<?x16xf32> -> tensor<?x4xi32>, tensor<?x4xf32>
  %ids_m = bufferization.to_buffer %ids : tensor<?x4xi32> to memref<?x4xi32>
  %ids_u = memref.cast %ids_m : memref<?x4xi32> to memref<*xi32>
  call @printMemrefI32(%ids_u) : (memref<*xi32>) -> ()
  // REF-LET: ids, w = ref.route(logits, 4, scoring="sigmoid", bias=bias, normalize=True, scale=2.5, n_group=4, topk_group=2)
  // REF: ids
  %w_m = bufferization.to_buffer %w : tensor<?x4xf32> to memref<?x4xf32>
  %w_u = memref.cast %w_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%w_u) : (memref<*xf32>) -> ()
  // REF: w

  // The same without the group limit, for contrast.
  %idsu, %wu = moe.route sigmoid %l bias %bias : tensor<16xf32> top 4 normalize scale 2.5
      : tensor<?x16xf32> -> tensor<?x4xi32>, tensor<?x4xf32>
  %idsu_m = bufferization.to_buffer %idsu : tensor<?x4xi32> to memref<?x4xi32>
  %idsu_u = memref.cast %idsu_m : memref<?x4xi32> to memref<*xi32>
  call @printMemrefI32(%idsu_u) : (memref<*xi32>) -> ()
  // REF-LET: idsu, wu = ref.route(logits, 4, scoring="sigmoid", bias=bias, normalize=True, scale=2.5)
  // REF: idsu
  %wu_m = bufferization.to_buffer %wu : tensor<?x4xf32> to memref<?x4xf32>
  %wu_u = memref.cast %wu_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%wu_u) : (memref<*xf32>) -> ()
  // REF: wu
  return
}
