// After convert-moe-to-pim the layer still runs on the host and gives the
// same numbers: moe-host-pipeline drops the pim.module (pim-strip-modules).
// RUN: moe-opt %S/../Host/experts-placements.mlir --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=128 accumulators=4" \
// RUN:   | moe-opt --moe-host-pipeline | %host_runner | %moe_check %S/../Host/experts-placements.mlir
// RUN: moe-opt %S/../Host/experts-placements.mlir --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=128 accumulators=4" \
// RUN:   | moe-opt --pim-strip-modules | FileCheck %s
// REQUIRES: numpy

// CHECK-NOT: pim.
// CHECK: placements [gpu, pim, host, dynamic] :
// CHECK-NOT: pim.
