

pim.module @m #pim.device<name = "tiny", channels = 4, banks = 8, rows = 64, row_bytes = -64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.weights @w1 #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 0, row_count = 1> = dense<1.0> : tensor<8x8xbf16>
  // exverlap those of @w2}}
  pim.weights @w2 #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 1, row_count = 1> = dense<1.0> : tensor<8x8xbf16>
}

