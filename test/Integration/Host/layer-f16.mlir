// A full MoE layer in f16: softmax top-2 route, swiglu(separate) experts, shared expert.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)
func.func private @printMemrefF16(memref<*xf16>) attributes {llvm.emit_c_interface}

func.func @main() {
  // T = 5, H = 4, I = 4, E = 4, all f16. Routing scores are at least 0.05
  // apart around the top-2 cut, far above f16 rounding.
  %x = arith.constant dense<[[1.38, 0.77, 1.89, -1.53],
                             [-0.18, -0.92, -1.32, 1.43],
                             [-1.89, -1.14, 1.32, -1.63],
                             [-0.67, -0.84, -1.53, -1.07],
                             [-1.25, 1.5, -0.67, 1.58]]> : tensor<5x4xf16>
  %logits = arith.constant dense<[[-0.79, 0.94, -0.64, -0.16],
                                  [0.46, 1.18, -0.79, -1.01],
                                  [1.41, 0.62, -1.34, 1.93],
                                  [0.45, 0.83, 0.1, -1.58],
                                  [1.06, 0.58, 0.83, -1.57]]> : tensor<5x4xf16>
  %fc1 = arith.constant dense<[[[-0.5, -0.41, 0.72, 0.61],
                                [1.0, 0.73, 0.32, 0.36],
                                [-0.23, 0.68, -0.6, -0.24],
                                [-0.36, 0.32, 0.23, 0.21]],
                               [[0.54, 0.52, -0.66, -0.87],
                                [-0.02, 0.88, 0.57, 0.0],
                                [-0.75, -0.63, 0.68, 0.58],
                                [-0.45, -0.25, 0.1, 0.36]],
                               [[-0.67, 0.99, 0.63, -0.4],
                                [0.22, 0.67, 0.74, -0.01],
                                [0.52, -0.55, -0.51, 0.92],
                                [-1.0, 0.12, 0.12, -0.08]],
                               [[-0.84, 0.61, 0.89, -0.1],
                                [0.35, -0.77, -0.65, -0.81],
                                [-0.6, -0.86, 0.13, -0.86],
                                [0.09, 0.16, 0.39, 0.48]]]> : tensor<4x4x4xf16>
  %fc2 = arith.constant dense<[[[-0.78, -0.14, 0.79, -0.28],
                                [0.03, 0.64, -0.73, -0.54],
                                [-0.75, -0.98, 0.02, -0.45],
                                [-0.13, 0.26, 0.65, -0.36]],
                               [[-0.81, -0.54, 0.92, 0.58],
                                [-0.71, -0.62, 0.74, 0.98],
                                [-0.02, 0.24, 0.74, -0.51],
                                [0.8, 0.78, 0.55, -0.92]],
                               [[-0.98, 0.24, 0.03, 0.36],
                                [-0.75, 0.89, -0.2, -0.19],
                                [-0.64, -0.88, -0.3, 0.36],
                                [-0.51, -0.99, -0.24, -0.45]],
                               [[0.18, -0.49, -0.58, 0.1],
                                [-0.74, 0.52, -0.11, -0.75],
                                [-0.22, 0.68, 0.51, -0.68],
                                [-0.61, 0.24, -0.37, -0.28]]]> : tensor<4x4x4xf16>
  %fc3 = arith.constant dense<[[[-0.48, -0.8, -0.1, 0.81],
                                [-0.53, 0.07, 0.88, -0.28],
                                [0.02, -0.82, 0.15, -0.59],
                                [0.59, 0.47, -0.01, 0.79]],
                               [[0.01, -0.08, 0.29, -0.98],
                                [-0.77, -0.67, 0.43, 0.88],
                                [-0.82, -0.71, -0.86, 0.94],
                                [0.64, 0.24, 0.18, 0.51]],
                               [[-0.66, 0.67, -0.22, 0.55],
                                [0.62, -0.8, 0.48, 0.92],
                                [0.65, -0.74, -0.27, 0.93],
                                [0.2, -0.84, 0.44, -0.06]],
                               [[0.32, -0.32, 0.28, -0.89],
                                [0.95, 0.1, 0.86, 0.24],
                                [-0.77, -0.79, -0.33, -0.47],
                                [-0.76, -0.14, 0.47, -0.14]]]> : tensor<4x4x4xf16>
  %sfc1 = arith.constant dense<[[-0.09, -0.64, 0.09, -0.12],
                                [0.3, -0.13, -0.17, -0.25],
                                [-1.0, 0.74, -0.74, 0.65],
                                [0.72, -0.84, -0.96, 0.15]]> : tensor<4x4xf16>
  %sfc2 = arith.constant dense<[[-0.18, 0.44, -0.15, -0.75],
                                [-0.95, 0.28, 0.46, -0.15],
                                [0.81, 0.49, -0.37, 0.36],
                                [-0.63, -0.94, 0.06, 0.08]]> : tensor<4x4xf16>
  %sfc3 = arith.constant dense<[[-0.87, -0.62, -0.85, -0.73],
                                [0.88, 0.12, 0.3, 0.73],
                                [0.64, 0.82, -0.66, -0.2],
                                [-0.43, -0.39, 0.66, 0.41]]> : tensor<4x4xf16>
  %xd = tensor.cast %x : tensor<5x4xf16> to tensor<?x4xf16>
  %l = tensor.cast %logits : tensor<5x4xf16> to tensor<?x4xf16>

  %ids, %w = moe.route softmax %l top 2 normalize
      : tensor<?x4xf16> -> tensor<?x2xi32>, tensor<?x2xf16>
  %sorted, %offsets, %perm = moe.dispatch %xd, %ids
      : tensor<?x4xf16>, tensor<?x2xi32>
      -> tensor<?x4xf16>, tensor<5xi64>, tensor<?xi64>
  %y = moe.experts %sorted, %offsets fc1 %fc1, fc2 %fc2, fc3 %fc3
      activation swiglu(separate)
      : (tensor<?x4xf16>, tensor<5xi64>, tensor<4x4x4xf16>, tensor<4x4x4xf16>, tensor<4x4x4xf16>)
      -> tensor<?x4xf16>
  %routed = moe.combine %y, %w, %perm
      : tensor<?x4xf16>, tensor<?x2xf16>, tensor<?xi64> -> tensor<?x4xf16>
  %s = moe.ffn %xd fc1 %sfc1, fc2 %sfc2, fc3 %sfc3
      activation swiglu(separate)
      : (tensor<?x4xf16>, tensor<4x4xf16>, tensor<4x4xf16>, tensor<4x4xf16>)
      -> tensor<?x4xf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %xd, %c0 : tensor<?x4xf16>
  %init = tensor.empty(%t) : tensor<?x4xf16>
  %out = linalg.add ins(%routed, %s : tensor<?x4xf16>, tensor<?x4xf16>)
      outs(%init : tensor<?x4xf16>) -> tensor<?x4xf16>
  // REF-LET: shared = dict(fc1=sfc1, fc2=sfc2, fc3=sfc3)
  %out_m = bufferization.to_buffer %out : tensor<?x4xf16> to memref<?x4xf16>
  %out_u = memref.cast %out_m : memref<?x4xf16> to memref<*xf16>
  call @printMemrefF16(%out_u) : (memref<*xf16>) -> ()
  // Every stage (routing weights, three matmuls, combine, shared expert,
  // add) rounds to f16 (unit roundoff u = 2^-11 = 4.9e-4): allow 6u.
  // REF-TOLERANCE: rtol=3e-3 atol=3e-3
  // REF-LET: experts = dict(fc1=fc1, fc2=fc2, fc3=fc3, activation="swiglu", gate_layout="separate")
  // REF: ref.moe_layer(x, logits, 2, scoring="softmax", normalize=True, shared=shared, **experts)
  return
}
