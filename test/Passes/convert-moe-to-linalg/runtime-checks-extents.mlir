// With runtime checks, extents that the verifier cannot compare because
// they are dynamic are compared at runtime before anything is read with
// them: dispatch reads ids[t, j] for every token row t of `tokens`, combine
// reads expert_outputs[rowOf[t, j]] for rows up to T * k. A mismatch must
// abort with a message instead of reading out of bounds.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=false | FileCheck %s --check-prefix=NOCHECK

// NOCHECK-NOT: cf.assert

// CHECK-LABEL: func.func @dispatch_token_rows(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[IDS:[^:]*]]: tensor<?x2xi32>
// CHECK-DAG: %[[TX:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x16xf32>
// CHECK-DAG: %[[TI:.*]] = tensor.dim %[[IDS]], %{{.*}} : tensor<?x2xi32>
// CHECK-NOT: scf.for
// CHECK: cf.assert %{{.*}}, "moe.dispatch: {{.*}}"
// CHECK: scf.for
func.func @dispatch_token_rows(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>) {
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  return %s, %o, %p : tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
}

// CHECK-LABEL: func.func @combine_output_rows(
// CHECK-SAME: %[[OUT:[^:]*]]: tensor<?x16xf32>
// CHECK: tensor.dim %[[OUT]], %{{.*}} : tensor<?x16xf32>
// CHECK: cf.assert %{{.*}}, "moe.combine: {{.*}}"
// CHECK: linalg.generic
func.func @combine_output_rows(%out: tensor<?x16xf32>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) -> tensor<?x16xf32> {
  %y = moe.combine %out, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
