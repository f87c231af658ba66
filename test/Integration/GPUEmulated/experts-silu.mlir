// moe.experts: silu activation with fc1 and fc2 biases.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-silu.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 7 sorted rows, H = 4, I = 6, E = 4; every expert has rows.
  %x = arith.constant dense<[[1.55, -1.18, 0.79, 1.52],
                             [0.42, -0.05, -1.27, 0.21],
                             [-1.61, -1.95, 0.29, 1.54],
                             [1.32, -0.54, -1.04, 1.91],
                             [-0.78, -1.86, -1.7, 0.41],
                             [-1.99, -0.74, 0.85, 1.57],
                             [1.1, -0.76, 1.88, 1.56]]> : tensor<7x4xf32>
  %offsets = arith.constant dense<[0, 2, 3, 5, 7]> : tensor<5xi64>
  %fc1 = arith.constant dense<[[[-0.33, 0.09, 0.58, 0.01],
                                [-0.87, 0.02, 0.32, 0.7],
                                [0.99, -0.13, -0.07, -0.06],
                                [-0.18, -0.51, 0.78, -0.1],
                                [-0.45, -0.47, 0.37, 0.14],
                                [0.9, -0.85, 0.67, -0.86]],
                               [[-0.26, -0.69, -0.6, 0.78],
                                [0.31, 0.7, -0.58, -0.74],
                                [-0.13, 0.57, 0.78, -0.48],
                                [-0.65, 0.26, -0.21, 0.58],
                                [-0.24, 0.71, 0.15, -0.95],
                                [0.18, 0.88, -0.61, -0.67]],
                               [[0.05, -0.09, -0.57, -0.8],
                                [-0.49, -0.7, 0.28, 0.76],
                                [-0.98, 0.58, -0.65, -0.3],
                                [-0.46, 0.35, -0.5, -0.11],
                                [0.2, -0.07, 0.52, 0.46],
                                [0.63, 0.17, 0.84, -0.2]],
                               [[-0.4, -0.36, 0.99, -0.86],
                                [-0.06, 0.23, 0.52, 0.34],
                                [0.1, 0.63, -0.78, -0.46],
                                [-0.45, -0.34, -0.84, -0.22],
                                [-0.57, 0.64, -0.81, 0.43],
                                [0.81, 0.92, 0.01, 0.33]]]> : tensor<4x6x4xf32>
  %b1 = arith.constant dense<[[0.37, -0.33, -0.38, -0.3, -0.29, 0.42],
                              [-0.14, -0.11, 0.0, -0.4, -0.41, -0.06],
                              [-0.08, -0.31, 0.0, 0.23, 0.13, -0.4],
                              [0.25, -0.26, 0.26, 0.13, -0.44, -0.13]]> : tensor<4x6xf32>
  %fc2 = arith.constant dense<[[[-0.68, 0.41, -0.09, -0.82, -0.9, -0.05],
                                [-0.03, -0.78, -0.5, -0.25, -0.5, -0.61],
                                [0.49, 0.98, 0.95, -0.09, -0.17, -0.57],
                                [0.41, -0.57, -0.75, -0.89, 0.12, -0.66]],
                               [[-0.4, -0.76, 0.23, -0.25, 0.67, -0.25],
                                [0.42, 0.17, -0.02, -0.66, -0.88, 0.72],
                                [0.52, -0.95, -0.34, -0.54, -0.07, 0.45],
                                [0.66, 0.91, 0.14, 0.54, 0.65, 0.03]],
                               [[-0.66, 0.68, -0.27, 0.69, -0.17, 0.77],
                                [0.2, 0.1, -0.88, -0.62, 0.31, 0.12],
                                [0.27, 0.97, 0.75, 0.19, -0.35, -0.17],
                                [0.14, -0.64, 0.77, 0.9, 0.46, 0.1]],
                               [[-0.67, 0.96, -0.27, 0.72, 0.89, -0.28],
                                [0.5, 0.7, 0.99, 0.79, 0.22, -0.85],
                                [-0.25, -0.08, 0.61, -0.94, -0.12, -0.64],
                                [0.32, -0.38, 0.68, -0.54, -0.47, 0.75]]]> : tensor<4x4x6xf32>
  %b2 = arith.constant dense<[[-0.07, 0.11, 0.44, 0.2],
                              [0.15, 0.31, -0.42, 0.32],
                              [0.16, 0.2, -0.09, 0.14],
                              [0.19, -0.11, -0.03, -0.26]]> : tensor<4x4xf32>
  %xd = tensor.cast %x : tensor<7x4xf32> to tensor<?x4xf32>

  %y = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2
      activation silu placements [gpu, gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<5xi64>, tensor<4x6x4xf32>, tensor<4x6xf32>, tensor<4x4x6xf32>,
         tensor<4x4xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, b1=b1, b2=b2, activation="silu")
  return
}
