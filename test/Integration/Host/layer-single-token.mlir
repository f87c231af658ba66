// A full MoE layer (no shared expert) with a single token, T = 1.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 1, H = 4, I = 3, E = 4 swiglu(interleaved) experts, softmax top-2.
  %x = arith.constant dense<[[0.18, 0.03, -0.43, 0.78]]> : tensor<1x4xf32>
  %logits = arith.constant dense<[[0.68, -1.13, -0.37, 0.17]]> : tensor<1x4xf32>
  %fc1 = arith.constant dense<[[[-0.09, -0.46, -0.66, 0.71],
                                [-0.94, -0.57, 0.66, -0.82],
                                [-0.34, -0.42, -0.77, -0.54],
                                [-0.63, 0.75, -0.33, 0.79],
                                [0.56, 0.43, 0.82, 0.06],
                                [0.52, 0.92, -0.97, -0.27]],
                               [[-0.33, 0.78, -0.27, 0.41],
                                [-0.35, 0.78, -0.71, -0.45],
                                [0.9, -0.77, 0.05, -0.34],
                                [0.7, 0.52, -0.46, 0.59],
                                [0.86, -0.52, -0.12, -0.48],
                                [-0.81, 0.32, -0.15, 0.25]],
                               [[0.27, 0.83, -0.31, -0.2],
                                [0.42, -0.9, -0.04, 0.57],
                                [0.82, -0.82, 0.79, 0.18],
                                [0.37, 0.08, -0.05, -0.19],
                                [0.96, -0.79, -0.76, -0.49],
                                [-0.39, -0.04, -0.34, 0.7]],
                               [[0.85, 0.52, -0.75, -0.74],
                                [-0.1, 0.95, 0.07, -0.78],
                                [-0.95, 0.27, -0.44, 0.11],
                                [0.34, -0.11, 0.81, -0.4],
                                [0.98, -0.65, -0.49, 0.82],
                                [-0.86, -0.2, 0.99, -0.31]]]> : tensor<4x6x4xf32>
  %fc2 = arith.constant dense<[[[-0.46, -0.27, 0.14], [0.38, 0.63, -0.66], [0.12, 0.32, 0.65], [-0.21, -0.26, 0.23]],
                               [[0.15, -0.41, 0.86], [-0.54, -0.69, 0.24], [-0.85, -0.57, 0.48], [-0.65, 0.24, 0.78]],
                               [[-0.87, -0.59, 0.6], [-0.4, 0.38, 0.62], [0.68, 0.45, -0.59], [0.08, 0.12, 0.61]],
                               [[0.83, 0.12, 0.95], [-0.27, 0.86, 0.53], [-0.27, 0.3, 0.03], [0.46, 0.62, -0.45]]]> : tensor<4x4x3xf32>
  %xd = tensor.cast %x : tensor<1x4xf32> to tensor<?x4xf32>
  %l = tensor.cast %logits : tensor<1x4xf32> to tensor<?x4xf32>

  %ids, %w = moe.route softmax %l top 2
      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %sorted, %offsets, %perm = moe.dispatch %xd, %ids
      : tensor<?x4xf32>, tensor<?x2xi32>
      -> tensor<?x4xf32>, tensor<5xi64>, tensor<?xi64>
  %y = moe.experts %sorted, %offsets fc1 %fc1, fc2 %fc2
      activation swiglu(interleaved)
      : (tensor<?x4xf32>, tensor<5xi64>, tensor<4x6x4xf32>, tensor<4x4x3xf32>)
      -> tensor<?x4xf32>
  %routed = moe.combine %y, %w, %perm
      : tensor<?x4xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x4xf32>
  %routed_m = bufferization.to_buffer %routed : tensor<?x4xf32> to memref<?x4xf32>
  %routed_u = memref.cast %routed_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%routed_u) : (memref<*xf32>) -> ()
  // REF-LET: experts = dict(fc1=fc1, fc2=fc2, activation="swiglu", gate_layout="interleaved")
  // REF: ref.moe_layer(x, logits, 2, scoring="softmax", **experts)
  return
}
