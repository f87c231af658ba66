// moe.combine lowers to a loop inverting the permutation (checking its size,
// range and that no entry repeats) and a linalg.generic that sums each
// token's k weighted expert rows.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=false | FileCheck %s --check-prefix=NOCHECK
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE

// No moe op is left (the runtime-check messages name ops, followed by ':').
// NOMOE-NOT: {{moe\.[a-z_]+[ "]}}

// CHECK-DAG: #[[TK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[TH:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>

// CHECK-LABEL: func.func @combine_dynamic(
// CHECK-SAME: %[[OUT:[^:]*]]: tensor<?x16xf32>, %[[W:[^:]*]]: tensor<?x2xf32>, %[[P:[^:]*]]: tensor<?xi64>
// CHECK: %[[T:.*]] = tensor.dim %[[W]], %{{.*}} : tensor<?x2xf32>
// CHECK: %[[K:.*]] = arith.constant 2 : index
// CHECK: %[[N:.*]] = arith.muli %[[T]], %[[K]] : index
// CHECK: %[[PN:.*]] = tensor.dim %[[P]], %{{.*}} : tensor<?xi64>
// CHECK: %[[SAME:.*]] = arith.cmpi eq, %[[PN]], %[[N]] : index
// CHECK: cf.assert %[[SAME]], "moe.combine: the permutation must have T * k rows"
//
// rowOf starts at -1 everywhere.
// CHECK: %[[UNSET:.*]] = arith.constant -1 : i64
// CHECK: %[[ROWS0:.*]] = linalg.fill ins(%[[UNSET]] : i64) outs(%{{.*}} : tensor<?xi64>)
// CHECK: %[[ROWOF:.*]] = scf.for %[[R:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ROWS0]]) -> (tensor<?xi64>) {
// CHECK:   %[[ENTRY:.*]] = tensor.extract %[[P]][%[[R]]] : tensor<?xi64>
// CHECK:   %[[A:.*]] = arith.index_cast %[[ENTRY]] : i64 to index
// CHECK:   cf.assert %{{.*}}, "moe.combine: permutation entry out of range [0, T * k)"
// CHECK:   %[[PREV:.*]] = tensor.extract %[[ACC]][%[[A]]] : tensor<?xi64>
// CHECK:   %[[FRESH:.*]] = arith.cmpi eq, %[[PREV]], %[[UNSET]] : i64
// CHECK:   cf.assert %[[FRESH]], "moe.combine: the permutation repeats an entry"
// CHECK:   %[[RI:.*]] = arith.index_cast %[[R]] : index to i64
// CHECK:   %[[NEXT:.*]] = tensor.insert %[[RI]] into %[[ACC]][%[[A]]] : tensor<?xi64>
// CHECK:   scf.yield %[[NEXT]]
// CHECK: }
// CHECK: %[[BYTOKEN:.*]] = tensor.expand_shape %[[ROWOF]] {{\[\[}}0, 1]] output_shape [%[[T]], 2] : tensor<?xi64> into tensor<?x2xi64>
//
// result[t, h] = sum_j w[t, j] * out[rowOf[t, j], h], from a zero fill.
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = tensor.empty(%[[T]]) : tensor<?x16xf32>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[INIT]] : tensor<?x16xf32>)
// CHECK: %[[RES:.*]] = linalg.generic {indexing_maps = [#[[TK]], #[[TK]], #[[TH]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[W]], %[[BYTOKEN]] : tensor<?x2xf32>, tensor<?x2xi64>) outs(%[[FILL]] : tensor<?x16xf32>)
// CHECK:   ^bb0(%[[WV:.*]]: f32, %[[ROW:.*]]: i64, %[[SUM:.*]]: f32):
// CHECK:   %[[RIDX:.*]] = arith.index_cast %[[ROW]] : i64 to index
// CHECK:   %[[H:.*]] = linalg.index 1 : index
// CHECK:   %[[V:.*]] = tensor.extract %[[OUT]][%[[RIDX]], %[[H]]] : tensor<?x16xf32>
// CHECK:   %[[PROD:.*]] = arith.mulf %[[WV]], %[[V]] : f32
// CHECK:   %[[NEW:.*]] = arith.addf %[[SUM]], %[[PROD]] : f32
// CHECK:   linalg.yield %[[NEW]] : f32
// CHECK: return %[[RES]] : tensor<?x16xf32>

// Without runtime checks: no assertion and no duplicate lookup.
// NOCHECK-LABEL: func.func @combine_dynamic(
// NOCHECK-NOT: cf.assert
// NOCHECK: scf.for
// NOCHECK-NOT: arith.constant -1
// NOCHECK: tensor.extract
// NOCHECK-NEXT: arith.index_cast
// NOCHECK-NOT: tensor.extract %{{.*}}[%{{.*}}] : tensor<?xi64>
// NOCHECK: tensor.insert
// NOCHECK-NOT: cf.assert
// NOCHECK: linalg.generic
// NOCHECK-NOT: cf.assert
// NOCHECK: return
func.func @combine_dynamic(%out: tensor<?x16xf32>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) -> tensor<?x16xf32> {
  %y = moe.combine %out, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// Static tokens and a dynamic hidden size in f16: the result is cast back
// to the declared type.
// CHECK-LABEL: func.func @combine_static_f16(
// CHECK-SAME: %[[OUT:[^:]*]]: tensor<12x?xf16>, %[[W:[^:]*]]: tensor<4x3xf16>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [%{{.*}}, 3] : tensor<?xi64> into tensor<?x3xi64>
// CHECK: %[[H:.*]] = tensor.dim %[[OUT]], %{{.*}} : tensor<12x?xf16>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f16
// CHECK: tensor.empty(%{{.*}}, %[[H]]) : tensor<?x?xf16>
// CHECK: %[[RES:.*]] = linalg.generic {{.*}} ins(%[[W]], %{{.*}} : tensor<4x3xf16>, tensor<?x3xi64>)
// CHECK:   arith.mulf %{{.*}}, %{{.*}} : f16
// CHECK: %[[CAST:.*]] = tensor.cast %[[RES]] : tensor<?x?xf16> to tensor<4x?xf16>
// CHECK: return %[[CAST]]
func.func @combine_static_f16(%out: tensor<12x?xf16>, %w: tensor<4x3xf16>, %p: tensor<12xi64>) -> tensor<4x?xf16> {
  %y = moe.combine %out, %w, %p
      : tensor<12x?xf16>, tensor<4x3xf16>, tensor<12xi64> -> tensor<4x?xf16>
  return %y : tensor<4x?xf16>
}
