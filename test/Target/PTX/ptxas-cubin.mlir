// moe-gpu-pipeline{format=bin}: gpu-module-to-binary runs ptxas itself and
// keeps one cubin per chip in the gpu.binary.
// REQUIRES: ptxas
// RUN: moe-opt %s --moe-gpu-pipeline="format=bin chips=sm_80,sm_90" | FileCheck %s

// CHECK: gpu.launch_func @moe_experts::@fc1_gemm
// CHECK: gpu.binary @moe_experts [#gpu.object<#nvvm.target<chip = "sm_80">, properties = {{[^}]*}}}, bin = "\7FELF
// CHECK-SAME: #gpu.object<#nvvm.target<chip = "sm_90", features = "+ptx80">, properties = {{[^}]*}}}, bin = "\7FELF
func.func @experts(%x: tensor<?x32xf32>, %o: tensor<3xi64>, %w1: tensor<2x16x32xf32>,
                   %w2: tensor<2x32x16xf32>) -> tensor<?x32xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation silu placements [gpu, gpu]
      : (tensor<?x32xf32>, tensor<3xi64>, tensor<2x16x32xf32>, tensor<2x32x16xf32>)
      -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
