// A full MoE layer, Mixtral style plus a shared expert: route -> dispatch -> experts -> combine + ffn.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/layer-mixtral.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 6 tokens, H = 4, I = 5, E = 4 swiglu(separate) experts, softmax top-2
  // normalised; a shared swiglu expert is added with linalg.add.
  %x = arith.constant dense<[[-1.67, -0.8, -1.0, -0.3],
                             [1.76, 0.13, -0.6, 0.11],
                             [1.6, -0.53, 1.23, -1.3],
                             [1.58, -1.01, -1.04, -1.13],
                             [0.99, -1.59, -0.64, 0.74],
                             [1.29, 0.46, -0.96, -1.71]]> : tensor<6x4xf32>
  %logits = arith.constant dense<[[0.93, 0.03, -0.31, -1.87],
                                  [-1.56, -1.97, -0.01, -1.91],
                                  [-1.98, 1.98, 1.75, 1.41],
                                  [1.87, 1.06, -0.56, 0.03],
                                  [1.9, -1.63, 1.79, -0.54],
                                  [1.86, 0.23, -1.37, -1.1]]> : tensor<6x4xf32>
  %fc1 = arith.constant dense<[[[0.63, -0.35, -0.49, -0.99],
                                [-0.04, 0.25, 0.37, -0.61],
                                [-0.75, -0.73, -0.42, 0.15],
                                [-0.9, 0.46, 0.29, 0.42],
                                [-0.46, -0.18, 0.69, 0.02]],
                               [[-0.45, 0.39, 0.58, 0.53],
                                [-0.71, 0.09, -0.92, -0.14],
                                [0.96, -0.44, 0.56, 0.3],
                                [0.55, 0.25, -0.96, 0.01],
                                [-0.41, 0.08, -0.84, 0.46]],
                               [[-0.4, 0.98, -0.45, -0.74],
                                [-0.76, -0.33, 0.72, -0.25],
                                [-0.56, -0.17, 0.06, -0.54],
                                [0.33, -0.99, -0.02, 0.29],
                                [0.73, 0.53, 0.72, -0.41]],
                               [[0.53, -0.92, -0.38, -0.53],
                                [0.69, -0.92, -0.8, 0.01],
                                [-0.1, -0.22, -0.81, -0.12],
                                [-0.18, 0.24, -0.78, -0.3],
                                [0.83, -0.71, 0.04, 0.94]]]> : tensor<4x5x4xf32>
  %fc2 = arith.constant dense<[[[-0.23, -0.9, -0.95, 0.93, 0.78],
                                [-0.44, -0.65, -0.98, -0.52, -0.89],
                                [-0.74, -0.04, 0.29, -0.79, 0.08],
                                [-0.36, 0.83, -0.02, -0.34, 0.61]],
                               [[-0.97, 0.47, -0.81, 0.7, 0.72],
                                [-0.83, -0.65, -0.38, -0.75, -0.55],
                                [0.78, -0.01, 0.62, 0.76, -0.55],
                                [-0.12, 0.15, -0.86, 0.44, 0.63]],
                               [[-0.66, -0.49, -0.47, 0.06, -0.87],
                                [-0.13, -0.75, 0.93, -0.4, -0.67],
                                [0.38, -0.58, -0.19, -0.22, -0.06],
                                [0.35, -0.36, 0.57, -0.86, -0.29]],
                               [[-0.11, 0.3, 0.78, 0.2, -0.27],
                                [-0.82, 0.82, -0.39, -0.83, 0.34],
                                [0.63, 0.98, -0.63, -0.94, 0.04],
                                [0.12, -0.19, 0.01, -0.86, -0.76]]]> : tensor<4x4x5xf32>
  %fc3 = arith.constant dense<[[[0.44, 0.75, 0.75, 0.99],
                                [0.79, -0.9, -0.76, 0.5],
                                [-0.31, 0.73, -0.86, 0.91],
                                [0.88, 0.87, 0.42, 0.67],
                                [0.83, 0.11, -0.96, -0.14]],
                               [[-0.64, -0.29, -0.49, -0.99],
                                [0.06, 0.05, -0.76, 0.24],
                                [-0.05, -0.34, 0.12, 0.62],
                                [0.63, -0.52, 0.19, -0.08],
                                [0.32, 0.24, -0.9, 0.85]],
                               [[-0.48, -0.26, 0.6, -0.05],
                                [0.07, -0.09, -0.93, -0.3],
                                [-0.65, 0.2, -0.63, 0.28],
                                [0.78, 0.88, 0.25, -0.9],
                                [-0.21, -0.4, 0.35, 0.58]],
                               [[-0.55, -0.56, 0.18, 0.53],
                                [0.25, -0.97, 0.51, 0.16],
                                [0.98, -0.01, 0.39, -0.82],
                                [-0.59, -0.53, -0.7, 0.51],
                                [-0.52, 0.31, 0.91, -0.41]]]> : tensor<4x5x4xf32>
  %sfc1 = arith.constant dense<[[0.09, 0.02, -0.21, 0.39],
                                [0.34, -0.57, -0.19, 0.09],
                                [-0.09, 0.2, 0.68, -0.68],
                                [0.92, 0.57, -0.34, -0.8],
                                [-0.26, -0.39, 0.09, 0.59]]> : tensor<5x4xf32>
  %sfc2 = arith.constant dense<[[-0.77, 0.29, -0.21, -0.62, 0.86],
                                [-0.88, 0.93, 0.31, 0.76, -0.25],
                                [0.43, -0.35, -0.76, 0.79, 0.76],
                                [0.34, 0.06, -0.03, 0.01, -0.35]]> : tensor<4x5xf32>
  %sfc3 = arith.constant dense<[[-0.69, -0.68, -0.34, 0.24],
                                [-0.99, 0.59, 0.96, -0.15],
                                [0.2, -0.27, 1.0, -0.77],
                                [-0.22, 0.88, 0.42, -0.98],
                                [-0.12, -0.84, -0.57, 0.41]]> : tensor<5x4xf32>
  %xd = tensor.cast %x : tensor<6x4xf32> to tensor<?x4xf32>
  %l = tensor.cast %logits : tensor<6x4xf32> to tensor<?x4xf32>

  %ids, %w = moe.route softmax %l top 2 normalize
      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %sorted, %offsets, %perm = moe.dispatch %xd, %ids
      : tensor<?x4xf32>, tensor<?x2xi32>
      -> tensor<?x4xf32>, tensor<5xi64>, tensor<?xi64>
  %y = moe.experts %sorted, %offsets fc1 %fc1, fc2 %fc2, fc3 %fc3
      activation swiglu(separate) placements [gpu, gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<5xi64>, tensor<4x5x4xf32>, tensor<4x4x5xf32>, tensor<4x5x4xf32>)
      -> tensor<?x4xf32>
  %routed = moe.combine %y, %w, %perm
      : tensor<?x4xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x4xf32>
  %s = moe.ffn %xd fc1 %sfc1, fc2 %sfc2, fc3 %sfc3
      activation swiglu(separate)
      : (tensor<?x4xf32>, tensor<5x4xf32>, tensor<4x5xf32>, tensor<5x4xf32>)
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
  // REF: ref.moe_layer(x, logits, 2, scoring="softmax", normalize=True, shared=shared, **experts)
  return
}
