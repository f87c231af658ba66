// Bad options and inputs give errors that name what is wrong.
//
// RUN: not moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=magic" 2>&1 | FileCheck %s --check-prefix=POLICY
// POLICY: error: unknown policy 'magic'; expected one of all-gpu, all-pim, threshold, pimoe, duplex, sieve, optimal
//
// RUN: not moe-opt %S/Inputs/layer.mlir --moe-partition-experts="gpu=v100" 2>&1 | FileCheck %s --check-prefix=GPU
// GPU: error: gpu=v100: unknown GPU "v100"; built-in GPUs: h100, h200, b200, a100
//
// RUN: not moe-opt %S/Inputs/layer.mlir --moe-partition-experts="profile=%S/Inputs/missing.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: profile: {{.*}}missing.json
//
// RUN: not moe-opt %S/Inputs/layer.mlir --moe-partition-experts="distribution=gauss" 2>&1 | FileCheck %s --check-prefix=DIST
// DIST: error: distribution=gauss: {{.*}}gauss
//
// RUN: not moe-opt %S/Inputs/layer.mlir --moe-partition-experts="pim=%S/Inputs/negative-bandwidth.json" 2>&1 | FileCheck %s --check-prefix=DESC
// DESC: error: pim={{.*}}negative-bandwidth.json: {{.*}}negative-bandwidth.json: descriptor 0 ("broken-pim"): field "external_tbps" must be positive, got -1
//
// RUN: not moe-opt %S/Inputs/layer.mlir --moe-partition-experts="profile=%S/Inputs/short-step.json" 2>&1 | FileCheck %s --check-prefix=STEP
// STEP: error: profile: {{.*}}short-step.json: layer 0, step 0: expected 16 token counts ("experts"), got 3
//
// A profile with 8 experts for a layer of 16, and a layer whose k is unknown.
// RUN: not moe-opt %s --moe-partition-experts="profile=%S/Inputs/two-layers.json" 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: errors.mlir:[[@LINE+7]]:8: error: 'moe.experts' op has 8 experts but layer 0 of profile {{.*}}two-layers.json has 16
// RUN: not moe-opt %s --moe-partition-experts 2>&1 | FileCheck %s --check-prefix=NOK
// NOK: errors.mlir:[[@LINE+5]]:8: error: 'moe.experts' op cannot sample a token distribution: its offsets do not come from a moe.dispatch with static k; give a profile file instead

func.func @no_dispatch(%x: tensor<?x2048xbf16>, %o: tensor<9xi64>,
                       %w1: tensor<8x1536x2048xbf16>,
                       %w2: tensor<8x2048x768xbf16>) -> tensor<?x2048xbf16> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved)
      : (tensor<?x2048xbf16>, tensor<9xi64>, tensor<8x1536x2048xbf16>,
         tensor<8x2048x768xbf16>) -> tensor<?x2048xbf16>
  return %y : tensor<?x2048xbf16>
}
