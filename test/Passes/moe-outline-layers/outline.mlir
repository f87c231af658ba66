// RUN: moe-opt %s --moe-outline-layers="gpu=b200 policy=optimal" | FileCheck %s
//
// A layer becomes one runtime call; its route and experts become functions
// the runtime calls back; the module says what the runtime needs.

// CHECK: module attributes {moe.defaults = {gpu = "b200", link = "nvlink", pim = "hbm3e-pim", policy = "optimal"},
// CHECK-SAME: moe.entry = {inputs = [{name = "x", shape = array<i64: -1, 4>}, {name = "input1", shape = array<i64: -1, 3>}], name = "layer", outputs = [{name = "y", shape = array<i64: -1, 4>}]},
// CHECK-SAME: moe.layers = [{expert = "moe_layer0_expert", experts = 3 : i64, hidden = 4 : i64, id = 0 : i64, ids_bits = 32 : i64, intermediate = 6 : i64, k = 2 : i64, matrices = 3 : i64, route = "moe_layer0_route", runtime = "moe_rt_layer"}]}

// CHECK-LABEL: func.func @layer
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: %[[T:.*]] = tensor.cast %arg0 : tensor<?x4xf32> to tensor<?x?xf32>
// CHECK: %[[L:.*]] = tensor.cast %arg1 : tensor<?x3xf32> to tensor<?x?xf32>
// CHECK: %[[ID:.*]] = arith.constant 0 : i64
// CHECK: %[[Y:.*]] = call @moe_rt_layer(%[[ID]], %[[T]], %[[L]])
// CHECK-NOT: moe.
// CHECK: return
func.func @layer(%x: tensor<?x4xf32> {onnx.name = "x"}, %logits: tensor<?x3xf32>)
    -> (tensor<?x4xf32> {onnx.name = "y"}) {
  %w1 = arith.constant dense<0.5> : tensor<3x6x4xf32>
  %w2 = arith.constant dense<0.25> : tensor<3x4x6xf32>
  %w3 = arith.constant dense<-0.5> : tensor<3x6x4xf32>
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x3xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %sorted, %offsets, %perm = moe.dispatch %x, %ids
      : tensor<?x4xf32>, tensor<?x2xi32> -> tensor<?x4xf32>, tensor<4xi64>, tensor<?xi64>
  %out = moe.experts %sorted, %offsets fc1 %w1, fc2 %w2, fc3 %w3
      activation swiglu(separate) placements [gpu, pim, dynamic]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x4x6xf32>, tensor<3x6x4xf32>) -> tensor<?x4xf32>
  %y = moe.combine %out, %w, %perm
      : tensor<?x4xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @moe_layer0_route(%{{.*}}: tensor<?x3xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) attributes {llvm.emit_c_interface}
// CHECK: moe.route softmax %{{.*}} top 2 normalize
// CHECK: func.func @moe_layer0_expert(%[[E:.*]]: index, %[[ROWS:.*]]: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {llvm.emit_c_interface}
// Every row goes to expert e: offsets[i] = i <= e ? 0 : n.
// CHECK: %[[OFF:.*]] = tensor.generate
// CHECK: arith.cmpi ule, %{{.*}}, %[[E]]
// CHECK: moe.experts %[[ROWS]], %[[OFF]] fc1 %{{.*}}, fc2 %{{.*}}, fc3 %{{.*}} activation swiglu(separate) :
// CHECK: func.func private @moe_rt_layer(i64, tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32> attributes {llvm.emit_c_interface}
