// moe.experts and moe.ffn on f16 tensors.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-f16.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)
func.func private @printMemrefF16(memref<*xf16>) attributes {llvm.emit_c_interface}
func.func private @printMemrefBF16(memref<*xbf16>) attributes {llvm.emit_c_interface}

func.func @main() {
  // N = 6 sorted rows, H = 4, I = 4, E = 3 (expert 1 has no rows), all f16;
  // the reference computes in f64 from the same f16 inputs.
  %x = arith.constant dense<[[0.89, 1.75, -0.59, 1.42],
                             [0.34, -1.31, 1.19, -1.86],
                             [-0.77, -1.49, 0.97, 1.2],
                             [-1.45, -0.18, -1.54, 1.95],
                             [0.27, -0.4, -0.13, 1.99],
                             [-1.63, 0.38, 0.66, 0.79]]> : tensor<6x4xf16>
  %offsets = arith.constant dense<[0, 4, 4, 6]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[-0.03, -0.49, -0.32, -0.18],
                                [-0.53, 0.07, 0.01, 0.62],
                                [0.21, 0.1, 0.51, 0.27],
                                [-0.88, 0.24, -0.85, 0.22]],
                               [[-0.07, 0.62, 0.75, 0.97],
                                [0.14, 0.77, -0.39, 0.71],
                                [-0.51, -0.12, 0.07, -0.59],
                                [-0.88, 0.35, -0.9, 0.52]],
                               [[-0.28, -0.68, -0.61, -0.62],
                                [0.44, 0.53, -0.23, -0.29],
                                [0.68, 0.95, 0.4, -0.82],
                                [0.23, 0.07, 0.9, -0.42]]]> : tensor<3x4x4xf16>
  %b1 = arith.constant dense<[[-0.23, -0.05, -0.3, 0.04],
                              [-0.03, 0.37, -0.26, -0.46],
                              [0.43, -0.37, -0.12, 0.4]]> : tensor<3x4xf16>
  %fc2 = arith.constant dense<[[[0.37, -0.2, 0.15, -0.32],
                                [0.11, -0.62, -0.21, 0.78],
                                [0.89, -0.32, -0.11, 0.78],
                                [-0.01, -0.85, 0.34, 0.36]],
                               [[-0.71, -0.71, -0.3, 0.6],
                                [-0.48, -0.81, -0.31, -0.58],
                                [-0.85, 0.7, -0.44, 0.18],
                                [-0.45, -0.14, -0.96, 0.95]],
                               [[0.84, -0.5, 0.77, -0.35],
                                [0.1, 0.62, 0.21, -0.93],
                                [0.63, 0.41, 0.68, 0.48],
                                [0.03, 0.6, -0.92, 0.18]]]> : tensor<3x4x4xf16>
  %b2 = arith.constant dense<[[0.35, 0.08, -0.37, 0.24],
                              [-0.27, -0.19, -0.1, -0.06],
                              [0.14, 0.43, 0.44, 0.14]]> : tensor<3x4xf16>
  %fc3 = arith.constant dense<[[[-0.07, -0.76, -0.82, 0.54],
                                [0.74, -0.44, 0.67, 0.71],
                                [0.18, 0.47, -0.32, -0.72],
                                [0.54, 1.0, -0.6, -0.24]],
                               [[0.35, -0.47, -0.66, 0.62],
                                [-0.24, 0.11, 0.98, 0.67],
                                [0.32, -0.99, -0.61, -0.81],
                                [0.46, 0.65, -0.13, -0.13]],
                               [[0.91, 0.75, -0.04, -0.44],
                                [-0.97, -0.7, 0.66, -0.22],
                                [-0.57, -0.59, -0.3, 0.39],
                                [-0.63, -0.17, -0.12, -0.95]]]> : tensor<3x4x4xf16>
  %b3 = arith.constant dense<[[-0.49, 0.24, 0.12, 0.01],
                              [0.31, 0.45, -0.48, 0.07],
                              [-0.18, -0.17, -0.28, -0.33]]> : tensor<3x4xf16>
  %sfc1 = arith.constant dense<[[0.13, 0.25, 0.85, 0.74],
                                [-0.8, -0.07, 0.76, 0.9],
                                [-0.02, -0.32, 0.43, 0.52],
                                [-0.88, -0.24, 0.51, -0.41]]> : tensor<4x4xf16>
  %sb1 = arith.constant dense<[0.07, 0.46, -0.34, -0.2]> : tensor<4xf16>
  %sfc2 = arith.constant dense<[[0.42, -0.57, -0.74, 0.85],
                                [0.81, 0.69, -0.04, -0.45],
                                [-0.35, 0.15, -0.62, -0.24],
                                [-0.87, 0.42, 0.27, -0.66]]> : tensor<4x4xf16>
  %xd = tensor.cast %x : tensor<6x4xf16> to tensor<?x4xf16>

  %y = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2, fc3 %fc3 bias %b3
      activation swiglu(separate) placements [gpu, gpu, gpu]
      : (tensor<?x4xf16>, tensor<4xi64>, tensor<3x4x4xf16>, tensor<3x4xf16>, tensor<3x4x4xf16>,
         tensor<3x4xf16>, tensor<3x4x4xf16>, tensor<3x4xf16>)
      -> tensor<?x4xf16>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf16> to memref<?x4xf16>
  %y_u = memref.cast %y_m : memref<?x4xf16> to memref<*xf16>
  call @printMemrefF16(%y_u) : (memref<*xf16>) -> ()
  // f16 keeps 11 significant bits (unit roundoff u = 2^-11 = 4.9e-4) and
  // every multiply-add, activation and bias add rounds to f16: allow 4u.
  // REF-TOLERANCE: rtol=2e-3 atol=2e-3
  // REF: ref.experts(x, offsets, fc1, fc2, fc3=fc3, b1=b1, b2=b2, b3=b3, activation="swiglu", gate_layout="separate")

  // A gelu moe.ffn (shared expert) with an fc1 bias.
  %s = moe.ffn %xd fc1 %sfc1 bias %sb1, fc2 %sfc2
      activation gelu
      : (tensor<?x4xf16>, tensor<4x4xf16>, tensor<4xf16>, tensor<4x4xf16>)
      -> tensor<?x4xf16>
  %s_m = bufferization.to_buffer %s : tensor<?x4xf16> to memref<?x4xf16>
  %s_u = memref.cast %s_m : memref<?x4xf16> to memref<*xf16>
  call @printMemrefF16(%s_u) : (memref<*xf16>) -> ()
  // REF: ref.ffn(x, sfc1, sfc2, b1=sb1, activation="gelu")
  return
}
