// A whole MoE layer (route, dispatch, experts, combine, and a shared expert
// added to the result): every moe op is lowered in place, the values flow
// between the lowered pieces, and the surrounding arith op is kept.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=false | FileCheck %s --check-prefix=NOCHECK

// NOMOE-NOT: {{moe\.[a-z_]+[ "]}}

// The assertions of dispatch (2), experts (2) and combine (3).
// NOCHECK-NOT: cf.assert

// CHECK-LABEL: func.func @layer(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[LOGITS:[^:]*]]: tensor<?x4xf32>
// route: the ids come out of the [T, k] assembly generic.
// CHECK: %[[ROUTED:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?x2xi32>, tensor<?x2xf32>)
// CHECK: %[[WEIGHTS:.*]] = linalg.generic {{.*}} ins(%[[ROUTED]]#1, %{{.*}} : tensor<?x2xf32>, tensor<?xf32>)
// dispatch reads those ids.
// CHECK: scf.for
// CHECK:   tensor.extract %[[ROUTED]]#0[%{{.*}}, %{{.*}}] : tensor<?x2xi32>
// CHECK:   cf.assert %{{.*}}, "moe.dispatch: expert id out of range [0, E)"
// CHECK: %[[OFFSETS:.*]] = scf.for {{.*}} -> (tensor<5xi64>)
// CHECK: %[[PLACED:.*]]:2 = scf.for {{.*}} iter_args(%{{.*}} = %[[OFFSETS]], %{{.*}} = %{{.*}}) -> (tensor<5xi64>, tensor<?xi64>)
// CHECK: %[[SORTED:.*]] = linalg.generic {{.*}} ins(%[[PLACED]]#1 : tensor<?xi64>)
// experts run on the sorted rows with the dispatch offsets.
// CHECK: tensor.extract %[[OFFSETS]][%{{.*}}] : tensor<5xi64>
// CHECK: cf.assert %{{.*}}, "moe.experts: offsets must start at 0 and end at the number of sorted rows"
// CHECK: %[[EXPERTS:.*]] = scf.for {{.*}} -> (tensor<?x16xf32>) {
// CHECK:   cf.assert %{{.*}}, "moe.experts: offsets must be non-decreasing"
// CHECK:   tensor.extract_slice %[[SORTED]][%{{.*}}, 0] [%{{.*}}, 16] [1, 1]
// CHECK: }
// combine inverts the dispatch permutation and weighs the expert rows.
// CHECK: tensor.dim %[[PLACED]]#1, %{{.*}} : tensor<?xi64>
// CHECK: cf.assert %{{.*}}, "moe.combine: the permutation must have T * k rows"
// CHECK: scf.for
// CHECK:   tensor.extract %[[PLACED]]#1[%{{.*}}] : tensor<?xi64>
// CHECK: %[[COMBINED:.*]] = linalg.generic {{.*}} ins(%[[WEIGHTS]], %{{.*}} : tensor<?x2xf32>, tensor<?x2xi64>)
// CHECK:   tensor.extract %[[EXPERTS]][%{{.*}}, %{{.*}}] : tensor<?x16xf32>
// the shared expert runs on the unsorted tokens, then the sum.
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<?x16xf32>, tensor<32x16xf32>)
// CHECK: %[[SHARED:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x16xf32>)
// CHECK: %[[SUM:.*]] = arith.addf %[[COMBINED]], %[[SHARED]] : tensor<?x16xf32>
// CHECK: return %[[SUM]]
func.func @layer(%x: tensor<?x16xf32>, %logits: tensor<?x4xf32>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %sw1: tensor<32x16xf32>, %sw2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %e = moe.experts %s, %o fc1 %w1, fc2 %w2 activation silu placements [gpu, gpu, pim, pim]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %c = moe.combine %e, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  %sh = moe.ffn %x fc1 %sw1, fc2 %sw2 activation silu placement gpu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  %y = arith.addf %c, %sh : tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
