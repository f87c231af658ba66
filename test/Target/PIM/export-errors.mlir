// RUN: not moe-translate --export-pim %s --split-input-file 2>&1 | FileCheck %s

// CHECK: error: no pim.module to export
func.func @nothing() {
  return
}

// -----

// CHECK: error: more than one pim.module: choose one with --pim-module
pim.module @a #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
}
pim.module @b #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
}

// -----

// A blob the file does not carry (as when printing elided it).
// CHECK: error: 'pim.weights' op dense_resource blob 'blob' has no data (elided or missing from the file's dialect_resources)
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
  pim.weights @w #pim.layout<sharding = rows, outputs = 8, inputs = 8,
      first_row = 0, row_count = 1> = dense_resource<blob> : tensor<8x8xbf16>
}

// -----

// A blob too short for its matrix.
// CHECK: error: 'pim.weights' op dense_resource blob 'short' has 2 bytes, 64 storage elements need 128
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64,
    row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4,
    storage = bf16> {
  pim.weights @w #pim.layout<sharding = rows, outputs = 8, inputs = 8,
      first_row = 0, row_count = 1> = dense_resource<short> : tensor<8x8xbf16>
}

{-#
  dialect_resources: {
    builtin: {
      short: "0x020000000000"
    }
  }
#-}
