// RUN: moe-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{storage must be bf16 or f16}}
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = f32> {
}

// -----

// expected-error @+1 {{channels must be in [1, 65535)}}
pim.module @m #pim.device<name = "tiny", channels = 0, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
}

// -----

// expected-error @+1 {{banks and rows must be positive}}
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 0, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
}

// -----

// expected-error @+1 {{row_bytes (64) must be a positive multiple of burst_bytes (24)}}
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 24, gb_bytes = 64, accumulators = 4, storage = bf16> {
}

// -----

// expected-error @+1 {{gb_bytes (8) must hold at least one burst (16)}}
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 8, accumulators = 4, storage = bf16> {
}

// -----

// expected-error @+1 {{accumulators must be in [1, 256]}}
pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 0, storage = bf16> {
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{'pim.activate_all' op channel 2 is outside the device's 2 channels}}
    pim.activate_all ch 2 row 0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{row 64 is outside the device's 64 rows}}
    pim.activate_all ch * row 64
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{bank 4 is outside the device's 4 banks}}
    pim.activate ch 0 bank 4 row 0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{bank 7 is outside the device's 4 banks}}
    pim.precharge ch 1 bank 7
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{column 4 is outside the 4 columns of a row}}
    pim.mac_all ch * col 4 gb 0 acc 0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{global-buffer bytes 56..<72 are outside the 64-byte global buffer}}
    pim.mac_all ch * col 0 gb 56 acc 0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{global-buffer offset 3 is not element aligned}}
    pim.mac_all ch * col 0 gb 3 acc 0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{accumulator 4 is outside the device's 4}}
    pim.mac_all ch * col 0 gb 0 acc 4
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{accumulator 9 is outside the device's 4}}
    pim.mul_acc ch * acc 0 by 9 plus 0.0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{accumulator 5 is outside the device's 4}}
    pim.activation ch * acc 5 relu(0.0, 0.0)
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{global-buffer bytes 60..<68 are outside the 64-byte global buffer}}
    pim.move_to_gb ch * acc 0 gb 60
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{writes 3 bytes, not a positive number of elements}}
    pim.write_gb ch * gb 0 bytes 3 host 0 stride 0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{global-buffer bytes 32..<96 are outside the 64-byte global buffer}}
    pim.write_gb ch * gb 32 bytes 64 host 0 stride 0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{host bytes 0..<32 are not inside one region}}
    pim.write_gb ch * gb 0 bytes 16 host 0 stride 16
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{host bytes 72..<88 are outside the arena of 80}}
    pim.write_gb ch * gb 0 bytes 16 host 72 stride 0
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{host bytes 48..<96 are outside the arena of 80}}
    pim.set_acc ch * acc 0 host 48 stride 32
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{writes to the constant region 'b'}}
    pim.read_acc ch * acc 0 host 48 stride 16 store
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{writes to the input region 'x'}}
    pim.read_acc ch * acc 0 host 0 stride 0 add
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{accumulator 7 is outside the device's 4}}
    pim.set_acc ch * acc 7 zero
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    // expected-error @+1 {{region 'y' ends at byte 96, past the arena of 80}}
    pim.host_region "y" output offset 64 bytes 32

  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    // expected-error @+1 {{region 'y' overlaps 'x'}}
    pim.host_region "y" output offset 8 bytes 32

  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    // expected-error @+1 {{a program has one output region}}
    pim.host_region "z" output offset 48 bytes 32

  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  // expected-error @+1 {{needs one input and one output region}}
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 2 input 8 output 8 arena 80 {
    // expected-error @+1 {{input region of 16 bytes cannot hold 2 tokens of 8 elements}}
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 64

  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    // expected-error @+1 {{output region of 16 bytes cannot hold 1 rows of 8 fp32}}
    pim.host_region "y" output offset 16 bytes 16

  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    // expected-error @+1 {{only a constant region has contents}}
    pim.host_region "s" scratch offset 48 bytes 32 = dense<0.5> : tensor<8xf32>

  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    // expected-error @+1 {{contents must be 8 f32 values, got 'tensor<4xf32>'}}
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<4xf32>

  }
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  // expected-error @+1 {{value must be a 8x8 matrix as its layout says, got 'tensor<8x4xbf16>'}}
  pim.weights @w #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 0, row_count = 1> = dense<1.0> : tensor<8x4xbf16>
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  // expected-error @+1 {{value must hold the device's storage type 'bf16', got 'f16'}}
  pim.weights @w #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 0, row_count = 1> = dense<1.0> : tensor<8x8xf16>
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  // expected-error @+1 {{layout needs 4 rows per bank, row_count is 1}}
  pim.weights @w #pim.layout<sharding = rows, outputs = 16, inputs = 64, first_row = 0, row_count = 1> = dense<1.0> : tensor<16x64xbf16>
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  // expected-error @+1 {{rows 63..<65 are outside the device's 64 rows}}
  pim.weights @w #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 63, row_count = 2> = dense<1.0> : tensor<8x8xbf16>
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.weights @w1 #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 0, row_count = 2> = dense<1.0> : tensor<8x8xbf16>
  // expected-error @+1 {{rows overlap those of @w1}}
  pim.weights @w2 #pim.layout<sharding = rows, outputs = 8, inputs = 8, first_row = 1, row_count = 1> = dense<1.0> : tensor<8x8xbf16>
}

// -----

// expected-error @+1 {{expects parent op 'pim.module'}}
pim.program @p slots 1 input 8 output 8 arena 80 {
}

// -----

pim.module @m #pim.device<name = "tiny", channels = 2, banks = 4, rows = 64, row_bytes = 64, burst_bytes = 16, gb_bytes = 64, accumulators = 4, storage = bf16> {
  pim.program @p slots 1 input 8 output 8 arena 80 {
    pim.host_region "x" input offset 0 bytes 16
    pim.host_region "y" output offset 16 bytes 32
    pim.host_region "b" constant offset 48 bytes 32 = dense<0.5> : tensor<8xf32>
    // expected-error @+1 {{needs both a host offset and a stride, or neither}}
    pim.set_acc ch 0 acc 0 zero {host_offset = 48 : i64}
  }
}
