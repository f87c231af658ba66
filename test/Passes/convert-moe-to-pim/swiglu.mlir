// RUN: moe-opt %s --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4" --split-input-file | FileCheck %s

// SwiGLU with fc3 (separate): gate from fc1, linear part from fc3, each its
// own matrix; swish on the gate, clamp on the linear part, ACCMUL by beta.

// CHECK-LABEL: func.func @separate
func.func @separate(%x: tensor<?x8xf32>, %offsets: tensor<2xi64>) -> tensor<?x8xf32> {
  %fc1 = arith.constant dense<1.0> : tensor<1x8x8xf32>
  %fc2 = arith.constant dense<2.0> : tensor<1x8x8xf32>
  %fc3 = arith.constant dense<3.0> : tensor<1x8x8xf32>
  %b3 = arith.constant dense<0.5> : tensor<1x8xf32>
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2, fc3 %fc3 bias %b3
      activation swiglu(separate, alpha = 1.702, beta = 1.0, limit = 7.0)
      placements [pim]
      : (tensor<?x8xf32>, tensor<2xi64>, tensor<1x8x8xf32>, tensor<1x8x8xf32>,
         tensor<1x8x8xf32>, tensor<1x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
// CHECK: pim.weights @l0_e0_fc1 #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 0, row_count = 1> = dense<1.000000e+00>
// CHECK-NEXT: pim.weights @l0_e0_linear #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 1, row_count = 1> = dense<3.000000e+00>
// CHECK-NEXT: pim.weights @l0_e0_fc2 #pim.layout<sharding = columns, outputs = 8, inputs = 8, first_row = 2, row_count = 1> = dense<2.000000e+00>
// CHECK: pim.host_region "linear_bias" constant
// CHECK-NEXT: pim.set_acc ch * acc 0 zero
// CHECK-NEXT: pim.set_acc ch * acc 1 host {{[0-9]+}} stride 16
// CHECK-NEXT: pim.write_gb ch * gb 0 bytes 16 host 0 stride 0
// CHECK-NEXT: pim.activate_all ch * row 0
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 0
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activate_all ch * row 1
// CHECK-NEXT: pim.mac_all ch * col 0 gb 0 acc 1
// CHECK-NEXT: pim.precharge_all ch *
// CHECK-NEXT: pim.activation ch * acc 0 swish(1.702000e+00, 7.000000e+00)
// CHECK-NEXT: pim.activation ch * acc 1 clamp(-7.000000e+00, 7.000000e+00)
// CHECK-NEXT: pim.mul_acc ch * acc 0 by 1 plus 1.000000e+00
// CHECK-NEXT: pim.move_to_gb ch * acc 0 gb 48

// -----

// Interleaved: even rows of fc1 are the gate, odd rows the linear part; no
// limit, so no clamp and swish's limit is +inf.

// CHECK-LABEL: func.func @interleaved
func.func @interleaved(%x: tensor<?x8xf32>, %offsets: tensor<2xi64>) -> tensor<?x8xf32> {
  %fc1 = arith.constant dense<[[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                                [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                                [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                                [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]]> : tensor<1x8x8xf32>
  %fc2 = arith.constant dense<2.0> : tensor<1x8x4xf32>
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2
      activation swiglu(interleaved) placements [pim]
      : (tensor<?x8xf32>, tensor<2xi64>, tensor<1x8x8xf32>, tensor<1x8x4xf32>)
      -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
// CHECK: pim.weights @l0_e0_fc1 #pim.layout<sharding = rows, outputs = 4, inputs = 8, first_row = 0, row_count = 1> = dense<0.000000e+00> : tensor<4x8xbf16>
// CHECK-NEXT: pim.weights @l0_e0_linear #pim.layout<sharding = rows, outputs = 4, inputs = 8, first_row = 1, row_count = 1> = dense<1.000000e+00> : tensor<4x8xbf16>
// CHECK: pim.activation ch * acc 0 swish(1.000000e+00, 0x7F800000)
// CHECK-NEXT: pim.mul_acc ch * acc 0 by 1 plus 0.000000e+00

// -----

// Concatenated: the first half of fc1 is the gate.

// CHECK-LABEL: func.func @concatenated
func.func @concatenated(%x: tensor<?x8xf32>, %offsets: tensor<2xi64>) -> tensor<?x8xf32> {
  %fc1 = arith.constant dense<[[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                                [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                                [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                                [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]]> : tensor<1x8x8xf32>
  %fc2 = arith.constant dense<2.0> : tensor<1x8x4xf32>
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2
      activation swiglu(concatenated) placements [pim]
      : (tensor<?x8xf32>, tensor<2xi64>, tensor<1x8x8xf32>, tensor<1x8x4xf32>)
      -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
// CHECK: pim.weights @l0_e0_fc1 {{.*}} = dense<0.000000e+00> : tensor<4x8xbf16>
// CHECK-NEXT: pim.weights @l0_e0_linear {{.*}} = dense<1.000000e+00> : tensor<4x8xbf16>
