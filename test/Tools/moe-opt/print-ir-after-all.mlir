// --mlir-print-ir-after-all dumps the IR after the moe pass (with its
// argument and pass name) and after the passes that follow it; the
// before-dump shows the moe op, the after-dump does not.
// RUN: moe-opt %s --convert-moe-to-linalg --canonicalize --mlir-print-ir-after-all -o /dev/null 2>&1 | FileCheck %s
// RUN: moe-opt %s --mlir-print-ir-before=convert-moe-to-linalg --convert-moe-to-linalg -o /dev/null 2>&1 | FileCheck %s --check-prefix=BEFORE
// RUN: moe-opt %s --pass-pipeline='builtin.module(convert-moe-to-linalg{runtime-checks=false})' --mlir-print-ir-after=convert-moe-to-linalg -o /dev/null 2>&1 | FileCheck %s --check-prefix=AFTER

// CHECK: // -----// IR Dump After ConvertMoEToLinalg (convert-moe-to-linalg) //----- //
// CHECK-NOT: moe.ffn
// CHECK: func.func @shared(
// CHECK: linalg.generic
// CHECK: // -----// IR Dump After Canonicalizer (canonicalize) //----- //
// CHECK: func.func @shared(

// BEFORE: // -----// IR Dump Before ConvertMoEToLinalg (convert-moe-to-linalg) //----- //
// BEFORE: moe.ffn %{{.*}} activation silu placement gpu
// BEFORE-NOT: IR Dump

// AFTER: // -----// IR Dump After ConvertMoEToLinalg (convert-moe-to-linalg) //----- //
// AFTER-NOT: moe.ffn
// AFTER: math.exp
// AFTER-NOT: IR Dump
func.func @shared(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation silu placement gpu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
