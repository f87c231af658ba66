// moe.experts: relu activation with fc1 and fc2 biases.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-relu.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 6 sorted rows, H = 4, I = 6, E = 4; expert 2 has no rows.
  %x = arith.constant dense<[[-0.94, 1.48, -1.03, -0.74],
                             [1.46, -1.88, -1.38, 0.96],
                             [-0.53, 0.22, 1.4, 1.01],
                             [-1.2, 1.16, 0.27, 1.71],
                             [0.4, -1.94, 0.59, 0.79],
                             [0.91, -0.31, -1.93, 1.34]]> : tensor<6x4xf32>
  %offsets = arith.constant dense<[0, 1, 4, 4, 6]> : tensor<5xi64>
  %fc1 = arith.constant dense<[[[-0.57, -0.53, -0.17, -0.4],
                                [0.92, 0.98, 0.44, -0.06],
                                [-0.28, -0.43, 0.69, 0.69],
                                [0.45, 0.66, -0.67, -0.86],
                                [0.43, -0.84, 0.62, -0.56],
                                [0.92, -0.61, 0.02, -0.49]],
                               [[0.52, 0.64, 0.4, 0.17],
                                [0.05, 0.98, 0.21, 0.51],
                                [0.21, 0.61, -0.94, -0.82],
                                [0.4, 0.02, 0.33, 0.44],
                                [0.19, -0.8, -0.69, -0.42],
                                [0.15, 0.14, 0.04, 0.18]],
                               [[0.57, -0.77, -0.62, -0.96],
                                [-0.92, -0.48, -0.2, -0.92],
                                [-0.58, -0.29, 0.56, -0.31],
                                [-0.02, 0.14, -0.52, 0.01],
                                [0.52, 0.95, 0.09, -0.33],
                                [-0.06, -0.93, 0.47, 0.19]],
                               [[0.72, -0.62, 0.52, 0.5],
                                [-0.58, -0.15, -0.08, 0.04],
                                [-0.29, -0.57, 0.17, -0.6],
                                [0.65, -0.54, 0.17, 0.22],
                                [0.17, -0.18, 0.35, -0.27],
                                [0.45, 0.64, 0.68, 0.78]]]> : tensor<4x6x4xf32>
  %b1 = arith.constant dense<[[0.42, 0.1, 0.34, -0.24, 0.16, 0.02],
                              [0.43, -0.3, -0.07, -0.05, -0.2, -0.35],
                              [0.32, 0.06, 0.19, -0.29, -0.28, 0.21],
                              [-0.39, -0.24, -0.24, -0.37, -0.43, -0.07]]> : tensor<4x6xf32>
  %fc2 = arith.constant dense<[[[-0.08, 0.36, -1.0, -0.16, 0.16, 0.43],
                                [0.08, 0.52, -0.92, 0.2, 0.82, -0.06],
                                [0.52, 0.39, 0.6, -0.68, -0.51, 0.39],
                                [0.96, -0.59, 0.93, -0.75, -0.45, 0.13]],
                               [[-0.27, -0.08, -0.33, 0.49, 0.65, 0.98],
                                [0.73, -0.36, 0.7, -0.21, -0.95, 0.23],
                                [-0.68, 0.1, -0.42, -0.77, -0.57, 0.94],
                                [0.51, -0.91, -0.44, 0.03, -0.04, -0.77]],
                               [[-0.47, -0.75, -0.75, -0.16, -0.5, 0.73],
                                [-0.64, -0.59, 0.36, -0.5, -0.65, 0.67],
                                [-0.09, -0.94, -0.7, 0.64, 0.0, -0.95],
                                [-0.89, -0.89, 0.78, 0.34, 0.36, 0.6]],
                               [[0.94, -0.45, -0.85, -0.84, -0.19, 0.63],
                                [-0.2, 0.19, 0.77, 0.53, 0.91, -0.85],
                                [-0.26, -0.83, 0.4, 0.68, -0.47, -0.26],
                                [0.0, 0.84, -0.32, -0.4, -0.22, -0.44]]]> : tensor<4x4x6xf32>
  %b2 = arith.constant dense<[[-0.31, 0.02, 0.27, -0.35],
                              [0.27, 0.01, 0.49, 0.15],
                              [-0.36, -0.14, -0.15, -0.48],
                              [0.47, -0.22, -0.24, 0.28]]> : tensor<4x4xf32>
  %xd = tensor.cast %x : tensor<6x4xf32> to tensor<?x4xf32>

  %y = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2
      activation relu placements [gpu, gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<5xi64>, tensor<4x6x4xf32>, tensor<4x6xf32>, tensor<4x4x6xf32>,
         tensor<4x4xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, b1=b1, b2=b2, activation="relu")
  return
}
