// The custom printers put exactly one space between clauses, also when the
// optional placement clause is absent (no "relu  :").
// RUN: moe-opt %s | FileCheck %s --strict-whitespace

// CHECK-LABEL: func.func @spacing(
// CHECK: {{^}}    %{{.*}} = moe.experts %{{.*}}, %{{.*}} fc1 %{{[^ ]*}}, fc2 %{{[^ ]*}} activation relu : (
// CHECK: {{^}}    %{{.*}} = moe.experts %{{.*}}, %{{.*}} fc1 %{{[^ ]*}}, fc2 %{{[^ ]*}} activation relu placements [gpu, pim, gpu, pim] : (
// CHECK: {{^}}    %{{.*}} = moe.ffn %{{[^ ]*}} fc1 %{{[^ ]*}}, fc2 %{{[^ ]*}} activation silu : (
// CHECK: {{^}}    %{{.*}} = moe.ffn %{{[^ ]*}} fc1 %{{[^ ]*}}, fc2 %{{[^ ]*}} activation silu placement gpu : (
// CHECK: {{^}}    %{{.*}}, %{{.*}} = moe.route softmax %{{[^ ]*}} top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
// CHECK: {{^}}    %{{.*}}, %{{.*}}, %{{.*}} = moe.dispatch %{{[^ ]*}}, %{{[^ ]*}} : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
// CHECK: {{^}}    %{{.*}} = moe.combine %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
func.func @spacing(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %f1: tensor<32x16xf32>, %f2: tensor<16x32xf32>, %l: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) {
  %a = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %b = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, pim, gpu, pim]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %c = moe.ffn %x fc1 %f1, fc2 %f2 activation silu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  %d = moe.ffn %x fc1 %f1, fc2 %f2 activation silu placement gpu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  %ids, %ws = moe.route softmax %l top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %s, %off, %perm = moe.dispatch %x, %i : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %e = moe.combine %x, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return
}
