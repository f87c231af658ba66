// moe-translate --export-ptx: an object that is not PTX, and no object for
// the chip asked for, are errors at the gpu.binary / module.
// RUN: not moe-translate --export-ptx %s -split-input-file 2>&1 | FileCheck %s
// RUN: not moe-translate --export-ptx --ptx-chip=sm_90 %s -split-input-file 2>&1 | FileCheck %s --check-prefix=CHIP

// CHECK: error: export-ptx: the object for sm_80 is not PTX; compile with format=isa
// CHIP: error: export-ptx: no PTX object for sm_90 (run moe-gpu-pipeline with format=isa first)
gpu.binary @cubin [#gpu.object<#nvvm.target<chip = "sm_80">, bin = "\00\01">]

// -----

// CHECK: // gpu.binary @ptx sm_80
// CHECK-NEXT: .version 7.0
// CHIP: error: export-ptx: no PTX object for sm_90
gpu.binary @ptx [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".version 7.0">]
