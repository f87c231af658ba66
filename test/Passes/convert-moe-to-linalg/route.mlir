// moe.route lowers to linalg.generic ops: scoring (softmax or sigmoid), the
// correction bias, the group mask, one coupled (value, index) argmax
// reduction per selected expert, the [T, k] assembly that gathers the
// unbiased scores, and normalisation / scaling. There is nothing to check at
// runtime, so runtime-checks=false changes nothing.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=false | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE

// NOMOE-NOT: {{moe\.[a-z_]+[ "]}}
// NOMOE-NOT: cf.assert

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[TGS:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[TG:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[GROUPOF:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>

//===----------------------------------------------------------------------===//
// Mixtral: softmax, top-2, normalize, dynamic tokens, i32 ids.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @softmax_top2_normalize(
// CHECK-SAME: %[[L:.*]]: tensor<?x8xf32>
// CHECK: %[[T:.*]] = tensor.dim %[[L]], %{{.*}} : tensor<?x8xf32>
//
// Numerically stable softmax: row max, exp(x - max), row sum, divide.
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[L]] : tensor<?x8xf32>)
// CHECK:   arith.maximumf
// CHECK: %[[EXP:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[L]], %[[MAX]] : tensor<?x8xf32>, tensor<?xf32>)
// CHECK:   arith.subf
// CHECK:   math.exp
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<?x8xf32>)
// CHECK:   arith.addf
// CHECK: %[[SCORES:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[EXP]], %[[SUM]] : tensor<?x8xf32>, tensor<?xf32>)
// CHECK:   arith.divf
//
// Round 1: argmax over all experts (index E = 8 means "none yet").
// CHECK: %[[NONE:.*]] = arith.constant 8 : i64
// CHECK: %[[BEST0:.*]]:2 = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[SCORES]], %[[TAKEN0:.*]] : tensor<?x8xf32>, tensor<?x8xi1>) outs(%{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xi64>)
// CHECK:   linalg.index 1 : index
// CHECK:   arith.cmpf ogt
// CHECK:   arith.cmpf oeq
// CHECK:   arith.cmpi slt
// CHECK:   arith.cmpf uno
// CHECK:   linalg.yield %{{.*}}, %{{.*}} : f32, i64
// CHECK: %[[TAKEN1:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[TAKEN0]], %[[BEST0]]#1 : tensor<?x8xi1>, tensor<?xi64>) outs(%{{.*}} : tensor<?x8xi1>)
// CHECK:   arith.ori
// Round 2 skips the expert taken in round 1.
// CHECK: %[[BEST1:.*]]:2 = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[SCORES]], %[[TAKEN1]] : tensor<?x8xf32>, tensor<?x8xi1>)
// Only k rounds.
// CHECK-NOT: iterator_types = ["parallel", "reduction"]} ins(%[[SCORES]]
//
// Assembly: ids[t, j] = round j's expert, weights[t, j] = scores[t, ids[t, j]].
// CHECK: %[[IDS0:.*]] = tensor.empty(%[[T]]) : tensor<?x2xi32>
// CHECK: %[[W0:.*]] = tensor.empty(%[[T]]) : tensor<?x2xf32>
// CHECK: %[[ASM:.*]]:2 = linalg.generic {indexing_maps = [#[[ROW]], #[[ROW]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[BEST0]]#1, %[[BEST1]]#1 : tensor<?xi64>, tensor<?xi64>) outs(%[[IDS0]], %[[W0]] : tensor<?x2xi32>, tensor<?x2xf32>)
// CHECK:   %[[SLOT:.*]] = linalg.index 1 : index
// CHECK:   %[[EXPERT:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : i64
// CHECK:   %[[TOK:.*]] = linalg.index 0 : index
// CHECK:   %[[EI:.*]] = arith.index_cast %[[EXPERT]] : i64 to index
// CHECK:   %[[SCORE:.*]] = tensor.extract %[[SCORES]][%[[TOK]], %[[EI]]] : tensor<?x8xf32>
// CHECK:   %[[ID32:.*]] = arith.trunci %[[EXPERT]] : i64 to i32
// CHECK:   linalg.yield %[[ID32]], %[[SCORE]] : i32, f32
//
// normalize: divide by the row sum of the k weights.
// CHECK: %[[WSUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[ASM]]#1 : tensor<?x2xf32>)
// CHECK:   arith.addf
// CHECK: %[[NORM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ASM]]#1, %[[WSUM]] : tensor<?x2xf32>, tensor<?xf32>)
// CHECK:   arith.divf
// CHECK-NOT: arith.mulf
// CHECK: return %[[ASM]]#0, %[[NORM]] : tensor<?x2xi32>, tensor<?x2xf32>
func.func @softmax_top2_normalize(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

//===----------------------------------------------------------------------===//
// No normalize and no scale: the gathered scores are the weights.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @softmax_top3_raw(
// CHECK-COUNT-3: iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<5x8xf32>, tensor<5x8xi1>)
// CHECK: %[[ASM:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<5x3xi64>, tensor<5x3xf32>)
// CHECK-NOT: arith.trunci
// CHECK: linalg.yield %{{.*}}, %{{.*}} : i64, f32
// CHECK-NEXT: }
// CHECK-NEXT: return %[[ASM]]#0, %[[ASM]]#1 : tensor<5x3xi64>, tensor<5x3xf32>
func.func @softmax_top3_raw(%logits: tensor<5x8xf32>) -> (tensor<5x3xi64>, tensor<5x3xf32>) {
  %ids, %w = moe.route softmax %logits top 3
      : tensor<5x8xf32> -> tensor<5x3xi64>, tensor<5x3xf32>
  return %ids, %w : tensor<5x3xi64>, tensor<5x3xf32>
}

//===----------------------------------------------------------------------===//
// scale without normalize: one multiply, no division.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @sigmoid_scale(
// CHECK-SAME: %[[L:.*]]: tensor<?x8xf16>
// sigmoid(x) = 1 / (1 + exp(-x)), element-wise; no reduction for scoring.
// CHECK: %[[SCORES:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[L]] : tensor<?x8xf16>)
// CHECK:   arith.negf
// CHECK:   math.exp
// CHECK:   arith.addf
// CHECK:   arith.divf
// CHECK: %[[ASM:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?x1xi32>, tensor<?x1xf16>)
// CHECK: %[[SCALED:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ASM]]#1 : tensor<?x1xf16>)
// CHECK-NOT: arith.divf
// CHECK:   %[[S:.*]] = arith.constant 2.500000e+00 : f16
// CHECK:   arith.mulf %{{.*}}, %[[S]] : f16
// CHECK: return %[[ASM]]#0, %[[SCALED]]
func.func @sigmoid_scale(%logits: tensor<?x8xf16>) -> (tensor<?x1xi32>, tensor<?x1xf16>) {
  %ids, %w = moe.route sigmoid %logits top 1 scale 2.5
      : tensor<?x8xf16> -> tensor<?x1xi32>, tensor<?x1xf16>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf16>
}

//===----------------------------------------------------------------------===//
// DeepSeek-V3: sigmoid, correction bias, groups, normalize, scale.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @deepseek(
// CHECK-SAME: %[[L:[^:]*]]: tensor<4x8xf32>, %[[B:[^:]*]]: tensor<8xf32>
// CHECK: %[[SCORES:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[L]] : tensor<4x8xf32>)
// The bias is broadcast over tokens and steers selection only.
// CHECK: %[[CHOICE:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[SCORES]], %[[B]] : tensor<4x8xf32>, tensor<8xf32>)
// CHECK:   arith.addf
// Groups: a [T, G, S] view, the two best scores of each group summed.
// CHECK: %[[GROUPED:.*]] = tensor.expand_shape %[[CHOICE]] {{\[\[}}0], [1, 2]] output_shape [4, 4, 2] : tensor<4x8xf32> into tensor<4x4x2xf32>
// CHECK: %[[TOP2:.*]]:2 = linalg.generic {indexing_maps = [#[[TGS]], #[[TG]], #[[TG]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[GROUPED]] : tensor<4x4x2xf32>) outs(%{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4x4xf32>)
// CHECK: %[[GSCORE:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[TOP2]]#0, %[[TOP2]]#1 : tensor<4x4xf32>, tensor<4x4xf32>)
// CHECK:   arith.addf
// Two rounds pick the 2 best of the 4 groups, then a [T, G] keep mask.
// CHECK: %[[G0:.*]]:2 = linalg.generic {{.*}} ins(%[[GSCORE]], %{{.*}} : tensor<4x4xf32>, tensor<4x4xi1>)
// CHECK: %[[G1:.*]]:2 = linalg.generic {{.*}} ins(%[[GSCORE]], %{{.*}} : tensor<4x4xf32>, tensor<4x4xi1>)
// CHECK: %[[KEEP:.*]] = linalg.generic {indexing_maps = [#[[ROW]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[G0]]#1, %[[G1]]#1 : tensor<4xi64>, tensor<4xi64>) outs(%{{.*}} : tensor<4x4xi1>)
// Experts of dropped groups become -inf.
// CHECK: %[[MASKED:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[GROUPOF]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[CHOICE]], %[[KEEP]] : tensor<4x8xf32>, tensor<4x4xi1>)
// CHECK:   arith.select
// Expert selection runs on the masked, biased scores...
// CHECK: %[[E0:.*]]:2 = linalg.generic {{.*}} ins(%[[MASKED]], %{{.*}} : tensor<4x8xf32>, tensor<4x8xi1>)
// CHECK: %[[E1:.*]]:2 = linalg.generic {{.*}} ins(%[[MASKED]], %{{.*}} : tensor<4x8xf32>, tensor<4x8xi1>)
// ...and the weights come from the unbiased scores.
// CHECK: %[[ASM:.*]]:2 = linalg.generic {{.*}} ins(%[[E0]]#1, %[[E1]]#1 : tensor<4xi64>, tensor<4xi64>) outs(%{{.*}}, %{{.*}} : tensor<4x2xi64>, tensor<4x2xf32>)
// CHECK:   tensor.extract %[[SCORES]][%{{.*}}, %{{.*}}] : tensor<4x8xf32>
// CHECK: %[[WSUM:.*]] = linalg.generic {{.*}} ins(%[[ASM]]#1 : tensor<4x2xf32>)
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%[[ASM]]#1, %[[WSUM]] : tensor<4x2xf32>, tensor<4xf32>)
// CHECK:   %[[Q:.*]] = arith.divf
// CHECK:   %[[S:.*]] = arith.constant 2.500000e+00 : f32
// CHECK:   arith.mulf %[[Q]], %[[S]] : f32
// CHECK: return %[[ASM]]#0, %[[W]] : tensor<4x2xi64>, tensor<4x2xf32>
func.func @deepseek(%logits: tensor<4x8xf32>, %bias: tensor<8xf32>) -> (tensor<4x2xi64>, tensor<4x2xf32>) {
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<8xf32> top 2 groups 4 select 2 normalize scale 2.5
      : tensor<4x8xf32> -> tensor<4x2xi64>, tensor<4x2xf32>
  return %ids, %w : tensor<4x2xi64>, tensor<4x2xf32>
}

//===----------------------------------------------------------------------===//
// epsilon: the divisor is the sum plus epsilon.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @normalize_epsilon(
// CHECK: %[[WSUM:[^ ]*]] = linalg.generic {{.*}} ins(%{{[^ ]*}} : tensor<4x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[WSUM]] : tensor<4x2xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: f32, %[[SUM:[^:]*]]: f32, %{{[^:]*}}: f32):
// CHECK-NEXT:   %[[EPS:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT:   %[[D:.*]] = arith.addf %[[SUM]], %[[EPS]] : f32
// CHECK-NEXT:   arith.divf %[[X]], %[[D]] : f32
func.func @normalize_epsilon(%logits: tensor<4x8xf32>) -> (tensor<4x2xi64>, tensor<4x2xf32>) {
  %ids, %w = moe.route sigmoid %logits top 2 normalize epsilon 0.5
      : tensor<4x8xf32> -> tensor<4x2xi64>, tensor<4x2xf32>
  return %ids, %w : tensor<4x2xi64>, tensor<4x2xf32>
}

//===----------------------------------------------------------------------===//
// Groups of one expert: the group score is the expert's score (no sum).
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @groups_of_one(
// CHECK: %[[GROUPED:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [%{{.*}}, 4, 1] : tensor<?x4xf32> into tensor<?x4x1xf32>
// CHECK: %[[TOP2:.*]]:2 = linalg.generic {{.*}} ins(%[[GROUPED]] : tensor<?x4x1xf32>)
// CHECK-NOT: ins(%[[TOP2]]#0, %[[TOP2]]#1
// CHECK: linalg.generic {{.*}} ins(%[[TOP2]]#0, %{{.*}} : tensor<?x4xf32>, tensor<?x4xi1>)
func.func @groups_of_one(%logits: tensor<?x4xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %ids, %w = moe.route softmax %logits top 1 groups 4 select 2
      : tensor<?x4xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

//===----------------------------------------------------------------------===//
// Less static result types than the lowering produces: cast back.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @cast_results(
// CHECK: %[[ASM:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<4x2xi32>, tensor<4x2xf32>)
// CHECK-DAG: %[[IDS:.*]] = tensor.cast %[[ASM]]#0 : tensor<4x2xi32> to tensor<?x?xi32>
// CHECK-DAG: %[[W:.*]] = tensor.cast %[[ASM]]#1 : tensor<4x2xf32> to tensor<?x2xf32>
// CHECK: return %[[IDS]], %[[W]]
func.func @cast_results(%logits: tensor<4x8xf32>) -> (tensor<?x?xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %logits top 2
      : tensor<4x8xf32> -> tensor<?x?xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x?xi32>, tensor<?x2xf32>
}
