// The element-wise body of every non-gated activation (shown on moe.ffn;
// moe.experts builds the same FFN per expert).
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s

// identity: the activation generic just forwards fc1's output.
// CHECK-LABEL: func.func @identity(
// CHECK: %[[H:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.generic {{.*}} ins(%[[H]] : tensor<?x32xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: f32, %{{[^:]*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
func.func @identity(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation identity
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// relu: max(h, 0).
// CHECK-LABEL: func.func @relu(
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x32xf32>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: f32, %{{[^:]*}}: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @relu(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// gelu (erf form): 0.5 h (1 + erf(h / sqrt(2))).
// CHECK-LABEL: func.func @gelu(
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x32xf32>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: f32, %{{[^:]*}}: f32):
// CHECK-NEXT: %[[RSQRT2:.*]] = arith.constant 0.7071067{{[0-9]*}} : f32
// CHECK-NEXT: %[[S:.*]] = arith.mulf %[[IN]], %[[RSQRT2]] : f32
// CHECK-NEXT: %[[ERF:.*]] = math.erf %[[S]] : f32
// CHECK-NEXT: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[HH:.*]] = arith.mulf %[[HALF]], %[[IN]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[P:.*]] = arith.addf %[[ONE]], %[[ERF]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[HH]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @gelu(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation gelu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// gelu_tanh: 0.5 h (1 + tanh(sqrt(2 / pi) (h + 0.044715 h^3))).
// CHECK-LABEL: func.func @gelu_tanh(
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x32xf32>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: f32, %{{[^:]*}}: f32):
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[IN]], %[[IN]] : f32
// CHECK-NEXT: %[[CUBE:.*]] = arith.mulf %[[IN]], %[[SQ]] : f32
// CHECK-NEXT: %[[C:.*]] = arith.constant 4.471500e-02 : f32
// CHECK-NEXT: %[[T:.*]] = arith.mulf %[[C]], %[[CUBE]] : f32
// CHECK-NEXT: %[[INNER:.*]] = arith.addf %[[IN]], %[[T]] : f32
// CHECK-NEXT: %[[K:.*]] = arith.constant 0.79788{{[0-9]*}} : f32
// CHECK-NEXT: %[[ARG:.*]] = arith.mulf %[[K]], %[[INNER]] : f32
// CHECK-NEXT: %[[TANH:.*]] = math.tanh %[[ARG]] : f32
// CHECK-NEXT: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[HH:.*]] = arith.mulf %[[HALF]], %[[IN]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[P:.*]] = arith.addf %[[ONE]], %[[TANH]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[HH]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @gelu_tanh(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation gelu_tanh
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// silu: h * sigmoid(h), sigmoid(h) = 1 / (1 + exp(-h)).
// CHECK-LABEL: func.func @silu(
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x32xf16>) outs(%{{.*}} : tensor<?x32xf16>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: f16, %{{[^:]*}}: f16):
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f16
// CHECK-NEXT: %[[NEG:.*]] = arith.negf %[[IN]] : f16
// CHECK-NEXT: %[[EXP:.*]] = math.exp %[[NEG]] : f16
// CHECK-NEXT: %[[DEN:.*]] = arith.addf %[[ONE]], %[[EXP]] : f16
// CHECK-NEXT: %[[SIG:.*]] = arith.divf %[[ONE]], %[[DEN]] : f16
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[IN]], %[[SIG]] : f16
// CHECK-NEXT: linalg.yield %[[R]] : f16
func.func @silu(%x: tensor<?x16xf16>, %w1: tensor<32x16xf16>, %w2: tensor<16x32xf16>) -> tensor<?x16xf16> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation silu
      : (tensor<?x16xf16>, tensor<32x16xf16>, tensor<16x32xf16>) -> tensor<?x16xf16>
  return %y : tensor<?x16xf16>
}
