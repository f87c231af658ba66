// moe.experts: swiglu with gate and linear rows interleaved in fc1, with and without an fc1 bias.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-swiglu-interleaved.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 5 sorted rows, H = 4, I = 3 (fc1 has 2I = 6 rows: g0 l0 g1 l1 g2 l2), E = 3.
  %x = arith.constant dense<[[-1.44, -0.49, 1.26, -0.14],
                             [-0.01, -1.73, 0.92, 1.74],
                             [0.43, -0.3, -0.94, -0.2],
                             [-0.45, -1.43, -1.69, 1.14],
                             [1.21, -1.18, 0.1, 1.65]]> : tensor<5x4xf32>
  %offsets = arith.constant dense<[0, 1, 3, 5]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[0.73, -0.44, -0.98, 0.82],
                                [0.73, -0.6, 0.23, -0.36],
                                [-0.66, 0.63, 0.54, 0.91],
                                [-0.45, -0.69, 0.57, 0.25],
                                [0.66, 0.27, -0.99, 0.59],
                                [0.17, 0.48, 0.61, 0.89]],
                               [[0.65, 0.76, 0.7, 0.61],
                                [0.67, 0.85, -0.14, 0.49],
                                [0.57, -0.86, -0.59, 0.54],
                                [0.7, 0.0, 0.71, 0.04],
                                [-0.58, -0.54, -0.88, 0.28],
                                [0.97, -0.34, 0.17, 0.82]],
                               [[0.11, 0.3, -0.12, -0.97],
                                [0.32, -0.16, -0.13, 0.95],
                                [0.55, -0.27, -0.7, 0.74],
                                [0.01, 0.86, 0.09, 0.99],
                                [-0.95, -0.62, 0.77, 0.11],
                                [-0.06, -0.41, 0.8, 0.13]]]> : tensor<3x6x4xf32>
  %b1 = arith.constant dense<[[0.37, -0.45, 0.08, 0.21, -0.43, -0.18],
                              [-0.48, -0.1, 0.21, -0.19, -0.18, 0.47],
                              [-0.19, 0.48, 0.04, 0.17, 0.32, -0.3]]> : tensor<3x6xf32>
  %fc2 = arith.constant dense<[[[0.27, 0.02, 0.73], [-0.3, 0.99, 0.78], [0.49, 0.45, -0.24], [0.88, -0.43, -0.3]],
                               [[0.7, 0.27, -0.12], [0.18, 0.53, 0.63], [-0.35, 0.74, 0.61], [0.71, -0.81, -0.39]],
                               [[0.6, -0.53, -0.11], [0.97, -0.99, -0.91], [0.6, 0.1, -0.21], [0.96, 0.68, 0.21]]]> : tensor<3x4x3xf32>
  %xd = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>

  // No biases.
  %y = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2
      activation swiglu(interleaved) placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x4x3xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, activation="swiglu", gate_layout="interleaved")

  // fc1 bias (interleaved like the rows).
  %yb = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2
      activation swiglu(interleaved) placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x6xf32>, tensor<3x4x3xf32>)
      -> tensor<?x4xf32>
  %yb_m = bufferization.to_buffer %yb : tensor<?x4xf32> to memref<?x4xf32>
  %yb_u = memref.cast %yb_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%yb_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, b1=b1, activation="swiglu", gate_layout="interleaved")
  return
}
