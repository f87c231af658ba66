// moe.ffn (a shared expert) lowers to one FFN on all tokens: no loop, no
// slicing, no runtime check, the placement dropped.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=false | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE

// NOMOE-NOT: {{moe\.[a-z_]+[ "]}}
// NOMOE-NOT: scf.for
// NOMOE-NOT: cf.assert
// NOMOE-NOT: placement

// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d1, d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @ffn_swiglu_separate_biases(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[W1:[^:]*]]: tensor<32x16xf32>, %[[B1:[^:]*]]: tensor<32xf32>, %[[W2:[^:]*]]: tensor<16x32xf32>, %[[B2:[^:]*]]: tensor<16xf32>, %[[W3:[^:]*]]: tensor<32x16xf32>, %[[B3:[^:]*]]: tensor<32xf32>
// CHECK: %[[T:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x16xf32>
// CHECK: %[[Z1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W1]] : tensor<?x16xf32>, tensor<32x16xf32>) outs(%[[Z1]] : tensor<?x32xf32>)
// CHECK: %[[GB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[G]], %[[B1]] : tensor<?x32xf32>, tensor<32xf32>)
// CHECK: %[[L:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W3]] : tensor<?x16xf32>, tensor<32x16xf32>)
// CHECK: %[[LB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[L]], %[[B3]] : tensor<?x32xf32>, tensor<32xf32>)
// CHECK: %[[ACT:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[GB]], %[[LB]] : tensor<?x32xf32>, tensor<?x32xf32>)
// CHECK:   math.exp
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ACT]], %[[W2]] : tensor<?x32xf32>, tensor<16x32xf32>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK: %[[YB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[Y]], %[[B2]] : tensor<?x16xf32>, tensor<16xf32>)
// CHECK: return %[[YB]] : tensor<?x16xf32>
func.func @ffn_swiglu_separate_biases(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %b1: tensor<32xf32>, %w2: tensor<16x32xf32>, %b2: tensor<16xf32>, %w3: tensor<32x16xf32>, %b3: tensor<32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2 bias %b2, fc3 %w3 bias %b3
      activation swiglu(separate) placement gpu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<16x32xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// Static tokens, no bias: exactly fc1, activation, fc2.
// CHECK-LABEL: func.func @ffn_relu_static(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x16xf32>
// CHECK: %[[H:.*]] = linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<4x16xf32>, tensor<32x16xf32>) outs(%{{.*}} : tensor<4x32xf32>)
// CHECK: %[[ACT:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], {{.*}} ins(%[[H]] : tensor<4x32xf32>)
// CHECK:   arith.maximumf
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[ACT]], %{{.*}} : tensor<4x32xf32>, tensor<16x32xf32>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf {{.*}} fastmath<reassoc>
// CHECK-NEXT: arith.addf {{.*}} fastmath<reassoc>
// CHECK-NEXT: linalg.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[Y]] : tensor<4x16xf32>
func.func @ffn_relu_static(%x: tensor<4x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<4x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu placement pim
      : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// A less static result type gets a cast.
// CHECK-LABEL: func.func @ffn_cast_result(
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4x16xf64>)
// CHECK: %[[C:.*]] = tensor.cast %[[Y]] : tensor<4x16xf64> to tensor<?x16xf64>
// CHECK: return %[[C]]
func.func @ffn_cast_result(%x: tensor<4x16xf64>, %w1: tensor<64x16xf64>, %w2: tensor<16x32xf64>) -> tensor<?x16xf64> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation swiglu(interleaved)
      : (tensor<4x16xf64>, tensor<64x16xf64>, tensor<16x32xf64>) -> tensor<?x16xf64>
  return %y : tensor<?x16xf64>
}
