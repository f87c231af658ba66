// moe.experts: swiglu with fc1 = [gate; linear] halves, with and without an fc2 bias.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-swiglu-concatenated.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 5 sorted rows, H = 4, I = 3 (fc1 rows 0-2 gate, 3-5 linear), E = 3; expert 1 has no rows.
  %x = arith.constant dense<[[-0.35, -1.01, 0.82, 0.06],
                             [1.6, -1.39, 1.3, -0.54],
                             [1.97, 0.48, -0.52, 0.57],
                             [1.92, -1.69, -0.73, 0.47],
                             [-0.48, 1.54, 0.37, 0.21]]> : tensor<5x4xf32>
  %offsets = arith.constant dense<[0, 3, 3, 5]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[-0.26, -0.24, -0.69, 0.69],
                                [-0.73, 0.25, -0.68, 0.07],
                                [-0.37, 0.66, 0.2, 0.97],
                                [0.34, 0.37, 0.29, -0.93],
                                [-0.82, -0.03, 0.34, 0.65],
                                [0.6, -0.22, 0.09, -0.75]],
                               [[0.65, 0.83, 0.07, 0.83],
                                [-0.47, 0.95, 0.22, 0.46],
                                [-0.23, -0.65, 0.56, 0.19],
                                [-0.4, -0.46, -0.76, 0.34],
                                [-0.77, -0.87, 0.81, 0.45],
                                [0.18, -0.53, 0.27, 0.0]],
                               [[0.32, -0.79, 0.23, -1.0],
                                [-0.69, -0.65, 0.32, 0.73],
                                [-0.17, -0.27, 0.07, -0.02],
                                [0.61, 0.35, 0.12, 0.77],
                                [-0.26, 0.93, 0.69, -0.85],
                                [0.4, 0.96, 0.67, 0.3]]]> : tensor<3x6x4xf32>
  %fc2 = arith.constant dense<[[[-0.02, 0.17, -0.79], [-0.49, -0.31, 0.92], [0.0, 0.1, 0.74], [-0.69, -0.45, 0.81]],
                               [[0.03, -0.5, 0.02], [-0.73, -0.38, -0.29], [0.5, 0.92, -0.87], [-0.5, 0.66, 0.76]],
                               [[0.4, 0.31, -0.24], [-0.16, -0.89, 0.97], [0.84, 0.03, -0.24], [-0.55, 0.97, -0.28]]]> : tensor<3x4x3xf32>
  %b2 = arith.constant dense<[[0.48, 0.45, 0.3, -0.03],
                              [-0.43, -0.32, 0.43, 0.09],
                              [-0.38, 0.19, -0.25, -0.27]]> : tensor<3x4xf32>
  %xd = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>

  // No biases.
  %y = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2
      activation swiglu(concatenated) placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x4x3xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, activation="swiglu", gate_layout="concatenated")

  // fc2 bias.
  %yb = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2 bias %b2
      activation swiglu(concatenated) placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x4x3xf32>, tensor<3x4xf32>)
      -> tensor<?x4xf32>
  %yb_m = bufferization.to_buffer %yb : tensor<?x4xf32> to memref<?x4xf32>
  %yb_u = memref.cast %yb_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%yb_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, b2=b2, activation="swiglu", gate_layout="concatenated")
  return
}
