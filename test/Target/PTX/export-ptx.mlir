// moe-gpu-pipeline + moe-translate --export-ptx: the kernels as PTX text,
// one module per chip, side by side (needs no CUDA: LLVM's NVPTX backend).
// RUN: moe-opt %s --moe-gpu-pipeline | moe-translate --export-ptx --ptx-chip=sm_90 | FileCheck %s --check-prefix=SM90
// RUN: moe-opt %s --moe-gpu-pipeline | moe-translate --export-ptx --ptx-chip=sm_80 | FileCheck %s --check-prefix=SM80
// RUN: moe-opt %s --moe-gpu-pipeline="chips=sm_80,sm_90,sm_100" | moe-translate --export-ptx | FileCheck %s --check-prefix=ALL

// SM90: // gpu.binary @moe_experts sm_90
// SM90: .version 8.0
// SM90: .target sm_90
// SM90: .entry fc1_gemm(
// SM90: .maxntid 256, 1, 1
// SM90: .shared .align 4 .b8
// SM90: bar.sync 0;
// SM90: .entry fc1_gemv(
// SM90: .maxntid 128, 1, 1
// SM90: ld.global.v4.b32
// SM90: shfl.sync.bfly.b32
// SM90: .entry fc2_gemm(
// SM90: .entry fc2_gemv(
// SM90-NOT: .target sm_80

// SM80: .target sm_80
// SM80-NOT: .target sm_90

// ALL: // gpu.binary @moe_experts sm_80
// ALL: .target sm_80
// ALL: // gpu.binary @moe_experts sm_90
// ALL: .target sm_90
// ALL: // gpu.binary @moe_experts sm_100
// ALL: .version 8.6
// ALL: .target sm_100
func.func @experts(%x: tensor<?x32xf32>, %o: tensor<3xi64>, %w1: tensor<2x16x32xf32>,
                   %b1: tensor<2x16xf32>, %w2: tensor<2x32x16xf32>) -> tensor<?x32xf32> {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 activation gelu_tanh
      placements [gpu, pim]
      : (tensor<?x32xf32>, tensor<3xi64>, tensor<2x16x32xf32>, tensor<2x16xf32>,
         tensor<2x32x16xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
