// A full MoE layer, DeepSeek-V3 style: sigmoid + bias, groups, scale, shared expert.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/layer-deepseek.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 5, H = 4, I = 3, E = 8 experts in 4 groups of 2, sigmoid scores with a
  // correction bias, groups 4 select 2, top 3, normalize, scale 2.5;
  // swiglu(separate) experts and a shared swiglu expert.
  %x = arith.constant dense<[[1.99, -0.36, -1.61, -1.53],
                             [1.26, -0.7, -0.97, -1.97],
                             [-0.07, 0.5, 0.73, -1.22],
                             [-1.49, -1.47, -0.84, 0.29],
                             [-1.81, 0.91, 0.58, 0.83]]> : tensor<5x4xf32>
  %logits = arith.constant dense<[[2.5, -0.06, -1.02, 1.83, -2.91, 1.4, -2.43, 2.11],
                                  [2.15, -2.5, -1.95, -1.13, -2.25, -1.65, 2.33, -0.03],
                                  [1.85, 2.29, -1.66, -0.37, 0.44, -2.57, 1.32, 1.89],
                                  [-1.97, -1.48, -1.41, 0.17, -2.6, -0.38, -2.26, 2.78],
                                  [-1.2, -2.02, 1.15, -1.74, -0.57, -0.65, -0.19, 1.05]]> : tensor<5x8xf32>
  %bias = arith.constant dense<[0.05, -0.08, 0.1, 0.0, -0.03, 0.07, -0.1, 0.02]> : tensor<8xf32>
  %fc1 = arith.constant dense<[[[0.34, -0.57, -0.19, 0.09], [-0.09, 0.2, 0.68, -0.68], [0.92, 0.57, -0.34, -0.8]],
                               [[-0.26, -0.39, 0.09, 0.59], [-0.77, 0.29, -0.21, -0.62], [0.86, -0.88, 0.93, 0.31]],
                               [[0.76, -0.25, 0.43, -0.35], [-0.76, 0.79, 0.76, 0.34], [0.06, -0.03, 0.01, -0.35]],
                               [[-0.69, -0.68, -0.34, 0.24], [-0.99, 0.59, 0.96, -0.15], [0.2, -0.27, 1.0, -0.77]],
                               [[-0.22, 0.88, 0.42, -0.98], [-0.12, -0.84, -0.57, 0.41], [0.55, 0.55, 0.73, -0.23]],
                               [[0.93, 0.06, -0.86, -0.54], [-0.75, -0.05, 0.86, -0.04], [-1.0, 0.87, -0.39, -0.95]],
                               [[0.8, -0.26, -0.75, -0.52], [0.59, 0.45, 0.73, -0.4], [-0.47, 0.99, -0.36, -0.78]],
                               [[0.89, 0.02, 0.29, -0.96], [0.79, -0.12, 0.51, 0.71], [-0.26, 0.01, -0.51, -0.09]]]> : tensor<8x3x4xf32>
  %fc2 = arith.constant dense<[[[-0.25, 0.97, 0.09], [-0.9, -0.26, 0.48], [0.33, -0.92, -0.42], [0.54, 0.49, -0.49]],
                               [[0.88, -0.16, -0.71],
                                [-0.25, -0.05, -0.56],
                                [-0.72, -0.99, -0.29],
                                [-0.99, -0.07, 0.44]],
                               [[-0.44, -0.09, 0.66], [0.77, 0.59, 0.7], [0.13, -0.18, 0.98], [-0.26, 0.01, 0.2]],
                               [[-0.97, 0.54, -0.47], [-0.47, 0.98, 0.1], [0.67, -0.34, -0.73], [-0.37, -0.79, -0.97]],
                               [[0.65, 0.02, -0.03], [0.61, 0.48, -0.87], [0.98, 0.28, 0.4], [0.64, -0.14, 0.22]],
                               [[-0.07, -0.12, -0.71], [0.85, -0.71, 0.06], [0.17, 0.18, -0.18], [0.3, 0.89, 0.24]],
                               [[0.73, 0.26, -0.42], [0.02, 0.1, -0.3], [0.77, -0.26, -0.86], [-0.79, -0.6, -0.09]],
                               [[-0.96, -0.27, -0.51], [-0.78, 0.2, 0.63], [0.5, -0.34, 0.56], [-0.36, -0.81, 0.67]]]> : tensor<8x4x3xf32>
  %fc3 = arith.constant dense<[[[0.51, 0.0, 0.95, -0.78], [-0.79, 0.81, 0.65, -0.38], [-0.58, -0.4, -0.93, 0.72]],
                               [[0.76, 0.43, -0.45, -0.34], [-0.02, 0.7, 0.36, -0.63], [0.26, 0.22, 0.02, 0.17]],
                               [[0.12, 0.32, -0.74, -0.72], [0.12, 0.81, 0.83, 0.35], [0.93, 0.33, -0.64, -0.09]],
                               [[-0.26, -0.04, -0.94, 0.65], [-0.99, -0.23, 0.64, -0.19], [0.04, -0.43, -0.62, 0.95]],
                               [[-0.36, 0.46, 0.22, 0.71], [-0.82, 0.96, -0.49, 0.1], [0.88, -0.08, -0.45, -0.3]],
                               [[0.74, -0.31, 0.65, 0.96], [-0.63, -0.08, 0.96, 0.13], [0.54, 0.65, -0.18, -0.85]],
                               [[-0.91, 0.21, 0.31, 0.44], [-0.52, -0.97, 0.61, 0.41], [0.69, -0.83, -0.29, -0.1]],
                               [[0.51, 0.66, -0.63, -0.83], [0.9, 0.98, 0.25, 0.43], [0.66, 0.06, 0.21, 0.27]]]> : tensor<8x3x4xf32>
  %sfc1 = arith.constant dense<[[0.69, 0.39, 0.95, -0.77],
                                [-0.09, -0.46, -0.66, 0.71],
                                [-0.94, -0.57, 0.66, -0.82]]> : tensor<3x4xf32>
  %sfc2 = arith.constant dense<[[-0.34, -0.42, -0.77],
                                [-0.54, -0.63, 0.75],
                                [-0.33, 0.79, 0.56],
                                [0.43, 0.82, 0.06]]> : tensor<4x3xf32>
  %sfc3 = arith.constant dense<[[0.52, 0.92, -0.97, -0.27],
                                [-0.33, 0.78, -0.27, 0.41],
                                [-0.35, 0.78, -0.71, -0.45]]> : tensor<3x4xf32>
  %xd = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>
  %l = tensor.cast %logits : tensor<5x8xf32> to tensor<?x8xf32>

  %ids, %w = moe.route sigmoid %l bias %bias : tensor<8xf32> top 3 groups 4 select 2 normalize scale 2.5
      : tensor<?x8xf32> -> tensor<?x3xi32>, tensor<?x3xf32>
  %sorted, %offsets, %perm = moe.dispatch %xd, %ids
      : tensor<?x4xf32>, tensor<?x3xi32>
      -> tensor<?x4xf32>, tensor<9xi64>, tensor<?xi64>
  %y = moe.experts %sorted, %offsets fc1 %fc1, fc2 %fc2, fc3 %fc3
      activation swiglu(separate) placements [gpu, pim, gpu, host, gpu, dynamic, gpu, pim]
      : (tensor<?x4xf32>, tensor<9xi64>, tensor<8x3x4xf32>, tensor<8x4x3xf32>, tensor<8x3x4xf32>)
      -> tensor<?x4xf32>
  %routed = moe.combine %y, %w, %perm
      : tensor<?x4xf32>, tensor<?x3xf32>, tensor<?xi64> -> tensor<?x4xf32>
  %s = moe.ffn %xd fc1 %sfc1, fc2 %sfc2, fc3 %sfc3
      activation swiglu(separate)
      : (tensor<?x4xf32>, tensor<3x4xf32>, tensor<4x3xf32>, tensor<3x4xf32>)
      -> tensor<?x4xf32>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %xd, %c0 : tensor<?x4xf32>
  %init = tensor.empty(%t) : tensor<?x4xf32>
  %out = linalg.add ins(%routed, %s : tensor<?x4xf32>, tensor<?x4xf32>)
      outs(%init : tensor<?x4xf32>) -> tensor<?x4xf32>
  // REF-LET: shared = dict(fc1=sfc1, fc2=sfc2, fc3=sfc3)
  %out_m = bufferization.to_buffer %out : tensor<?x4xf32> to memref<?x4xf32>
  %out_u = memref.cast %out_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%out_u) : (memref<*xf32>) -> ()
  // REF-LET: experts = dict(fc1=fc1, fc2=fc2, fc3=fc3, activation="swiglu", gate_layout="separate")
  // REF-LET: routing = dict(scoring="sigmoid", bias=bias, n_group=4, topk_group=2, normalize=True, scale=2.5)
  // REF: ref.moe_layer(x, logits, 3, shared=shared, **routing, **experts)
  return
}
