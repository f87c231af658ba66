// RUN: moe-opt %s --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4" | moe-translate --export-pim-text | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-pim="channels=2 banks=4 rows=64 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4" | moe-translate --export-pim | od -A n -t x1 -N 4 | FileCheck %s --check-prefix=BINARY

// The exported stream passes verifyStream (the translation fails otherwise)
// and lists the same commands as the pim ops.

// CHECK: device "hbm3e-pim" storage=bf16
// CHECK-NEXT: geometry channels=2 banks=4 rows=64 rowBytes=64 burst=16 gb=64 accs=4
// CHECK-NEXT: program "l0_e0_s1" slots=1 input=8 output=8 arena=80 commands=15
// CHECK-NEXT: region "tokens" input [0, +16)
// CHECK-NEXT: region "result" output [16, +32)
// CHECK-NEXT: region "fc1_bias" constant [48, +32) init
// CHECK-NEXT: 0: SETACC ch=* acc=0 host=48 stride=16
// CHECK-NEXT: 1: WRGB ch=* gb=0 bytes=16 host=0 stride=0
// CHECK-NEXT: 2: ACTAB ch=* row=0
// CHECK-NEXT: 3: MACAB ch=* col=0 gb=0 acc=0
// CHECK-NEXT: 4: PREAB ch=*
// CHECK-NEXT: 5: AF ch=* acc=0 f=gelu_tanh
// CHECK-NEXT: 6: MVGB ch=* acc=0 gb=48
// CHECK: 13: RDACC ch=* acc=0 add host=16 stride=0
// CHECK-NEXT: 14: RDACC ch=* acc=1 add host=32 stride=0
// fc1 then fc2: one row in each of the 8 banks.
// CHECK-NEXT: weights segments=16
// CHECK-NEXT: segment ch=0 bank=0 rows=[0, +1)
// CHECK-COUNT-7: segment ch={{[01]}} bank={{[0-3]}} rows=[0, +1)
// CHECK-NEXT: segment ch=0 bank=0 rows=[1, +1)

// The container starts with its magic "MOEP".
// BINARY: 4d 4f 45 50

func.func @layer(%x: tensor<?x8xf32>, %offsets: tensor<2xi64>) -> tensor<?x8xf32> {
  %fc1 = arith.constant dense<0.5> : tensor<1x8x8xf32>
  %b1 = arith.constant dense<0.25> : tensor<1x8xf32>
  %fc2 = arith.constant dense<0.125> : tensor<1x8x8xf32>
  %y = moe.experts %x, %offsets fc1 %fc1 bias %b1, fc2 %fc2
      activation gelu_tanh placements [pim]
      : (tensor<?x8xf32>, tensor<2xi64>, tensor<1x8x8xf32>, tensor<1x8xf32>,
         tensor<1x8x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
