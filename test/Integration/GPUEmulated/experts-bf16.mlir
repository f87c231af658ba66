// moe.experts and moe.ffn on bf16 tensors.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-bf16.mlir.
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
  // N = 6 sorted rows, H = 4, I = 4, E = 3 (expert 1 has no rows), all bf16;
  // the reference computes in f64 from the same bf16 inputs.
  %x = arith.constant dense<[[-1.19, 1.64, 1.18, 0.37],
                             [-1.43, 0.41, -1.52, -0.54],
                             [0.72, 0.16, 1.02, -1.41],
                             [1.15, -1.87, -0.41, -1.45],
                             [1.64, 0.66, -0.85, 1.12],
                             [-0.61, -1.19, -0.98, 1.15]]> : tensor<6x4xbf16>
  %offsets = arith.constant dense<[0, 4, 4, 6]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[0.08, -0.25, -0.31, 0.44],
                                [-0.71, -0.13, 1.0, 0.46],
                                [-0.8, 0.87, 0.52, -0.23],
                                [0.22, -0.32, 0.55, -0.69]],
                               [[-0.01, -0.08, 0.04, 0.44],
                                [-0.59, -0.88, 0.07, -0.49],
                                [-0.19, -0.58, 0.47, 0.62],
                                [-0.95, 0.28, 0.64, -0.98]],
                               [[-0.94, 0.82, 0.37, 0.45],
                                [0.95, 0.51, 0.69, -0.4],
                                [0.49, 0.76, -0.77, 0.3],
                                [0.02, -0.88, -0.86, -0.74]]]> : tensor<3x4x4xbf16>
  %b1 = arith.constant dense<[[0.04, -0.22, -0.46, -0.16],
                              [0.29, 0.25, 0.49, 0.46],
                              [-0.48, -0.31, 0.43, 0.06]]> : tensor<3x4xbf16>
  %fc2 = arith.constant dense<[[[-0.46, -0.91, 0.41, 0.03],
                                [-0.95, 0.58, 0.17, -0.76],
                                [0.33, 0.88, -0.53, -0.82],
                                [0.49, -0.98, -0.14, 0.34]],
                               [[0.39, -0.09, -0.02, 0.71],
                                [0.16, 0.58, -0.95, -0.05],
                                [0.0, 0.57, 0.6, 0.1],
                                [-0.97, -0.33, -0.97, -0.66]],
                               [[0.62, 0.49, 0.81, 0.37],
                                [-0.05, 0.68, 0.05, -0.03],
                                [-0.04, 0.17, -0.17, -0.59],
                                [-0.92, -0.07, -0.13, -0.2]]]> : tensor<3x4x4xbf16>
  %b2 = arith.constant dense<[[-0.21, 0.42, -0.16, -0.35],
                              [0.32, 0.38, -0.2, -0.27],
                              [0.37, -0.03, -0.29, -0.35]]> : tensor<3x4xbf16>
  %fc3 = arith.constant dense<[[[0.18, 0.86, -0.85, -0.15],
                                [0.22, -0.28, -0.77, -0.98],
                                [-0.75, -0.72, 0.12, -0.03],
                                [-0.11, -0.97, 0.26, -0.29]],
                               [[-0.96, 0.83, -0.14, 0.67],
                                [-0.55, -0.29, -0.42, -0.95],
                                [0.6, 0.65, 0.14, -0.03],
                                [-0.22, 0.16, 0.63, 0.82]],
                               [[0.2, -0.85, -0.82, -0.1],
                                [-0.44, -0.39, 0.9, 0.8],
                                [-0.73, -0.65, -0.72, 0.82],
                                [-0.2, -0.38, 0.76, 0.5]]]> : tensor<3x4x4xbf16>
  %b3 = arith.constant dense<[[0.44, 0.03, -0.4, -0.06],
                              [-0.44, -0.48, -0.29, 0.27],
                              [-0.21, -0.14, -0.23, 0.2]]> : tensor<3x4xbf16>
  %sfc1 = arith.constant dense<[[0.34, -0.38, -0.18, 0.22],
                                [-0.6, 0.8, -0.38, -0.28],
                                [0.35, -0.68, 0.85, 0.8],
                                [-0.9, -0.66, -0.8, -0.08]]> : tensor<4x4xbf16>
  %sb1 = arith.constant dense<[-0.47, -0.18, 0.1, 0.34]> : tensor<4xbf16>
  %sfc2 = arith.constant dense<[[0.27, 0.89, 0.75, -0.19],
                                [0.02, -0.44, 0.13, -0.38],
                                [0.69, 0.66, 0.53, -0.77],
                                [-0.35, 0.67, 0.06, 0.74]]> : tensor<4x4xbf16>
  %xd = tensor.cast %x : tensor<6x4xbf16> to tensor<?x4xbf16>

  %y = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2, fc3 %fc3 bias %b3
      activation swiglu(separate) placements [gpu, gpu, gpu]
      : (tensor<?x4xbf16>, tensor<4xi64>, tensor<3x4x4xbf16>, tensor<3x4xbf16>, tensor<3x4x4xbf16>,
         tensor<3x4xbf16>, tensor<3x4x4xbf16>, tensor<3x4xbf16>)
      -> tensor<?x4xbf16>
  %y_m = bufferization.to_buffer %y : tensor<?x4xbf16> to memref<?x4xbf16>
  %y_u = memref.cast %y_m : memref<?x4xbf16> to memref<*xbf16>
  call @printMemrefBF16(%y_u) : (memref<*xbf16>) -> ()
  // bf16 keeps 8 significant bits (unit roundoff u = 2^-8 = 3.9e-3) and
  // every multiply-add, activation and bias add rounds to bf16: allow 4u.
  // REF-TOLERANCE: rtol=1.6e-2 atol=1.6e-2
  // REF: ref.experts(x, offsets, fc1, fc2, fc3=fc3, b1=b1, b2=b2, b3=b3, activation="swiglu", gate_layout="separate")

  // A gelu moe.ffn (shared expert) with an fc1 bias.
  %s = moe.ffn %xd fc1 %sfc1 bias %sb1, fc2 %sfc2
      activation gelu
      : (tensor<?x4xbf16>, tensor<4x4xbf16>, tensor<4xbf16>, tensor<4x4xbf16>)
      -> tensor<?x4xbf16>
  %s_m = bufferization.to_buffer %s : tensor<?x4xbf16> to memref<?x4xbf16>
  %s_u = memref.cast %s_m : memref<?x4xbf16> to memref<*xbf16>
  call @printMemrefBF16(%s_u) : (memref<*xbf16>) -> ()
  // REF: ref.ffn(x, sfc1, sfc2, b1=sb1, activation="gelu")
  return
}
