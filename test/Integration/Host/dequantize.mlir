// moe.dequantize: 8-bit and 4-bit codes, per-row and per-block scales, with
// and without zero points, on [N, K] and stacked [E, N, K] weights; then a
// dequantized expert layer.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)

func.func @print(%t: tensor<?x?xf32>) {
  %m = bufferization.to_buffer %t : tensor<?x?xf32> to memref<?x?xf32>
  %u = memref.cast %m : memref<?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  // 8-bit codes [3, 4]; bytes above 127 are written as negative i8.
  %q8 = arith.constant dense<[[0, 17, -128, -1],
                              [127, 64, -56, 3],
                              [90, -90, 45, -45]]> : tensor<3x4xi8>
  %s8 = arith.constant dense<[0.5, 0.03125, -0.25]> : tensor<3xf32>
  %z8 = arith.constant dense<[100, -106, 7]> : tensor<3xi8>
  %w8 = moe.dequantize %q8 scales %s8 bits 8
      : tensor<3x4xi8>, tensor<3xf32> -> tensor<3x4xf32>
  %w8d = tensor.cast %w8 : tensor<3x4xf32> to tensor<?x?xf32>
  call @print(%w8d) : (tensor<?x?xf32>) -> ()
  // REF: ref.dequantize(q8, s8, bits=8)
  %w8z = moe.dequantize %q8 scales %s8 zero_points %z8 bits 8
      : tensor<3x4xi8>, tensor<3xf32>, tensor<3xi8> -> tensor<3x4xf32>
  %w8zd = tensor.cast %w8z : tensor<3x4xf32> to tensor<?x?xf32>
  call @print(%w8zd) : (tensor<?x?xf32>) -> ()
  // REF: ref.dequantize(q8, s8, z8, bits=8)

  // 4-bit codes [2, 8] packed into [2, 4] bytes; blocks of 4 columns.
  %q4 = arith.constant dense<[[0x10, -1, 0x7A, 0x08],
                              [0x3C, 0x55, -95, 0x0F]]> : tensor<2x4xi8>
  %s4 = arith.constant dense<[[0.125, -0.5], [2.0, 0.0625]]> : tensor<2x2xf32>
  %z4 = arith.constant dense<[[0x3A], [0xF0]]> : tensor<2x1xi8>
  %w4 = moe.dequantize %q4 scales %s4 zero_points %z4 bits 4 block 4
      : tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x1xi8> -> tensor<2x8xf32>
  %w4d = tensor.cast %w4 : tensor<2x8xf32> to tensor<?x?xf32>
  call @print(%w4d) : (tensor<?x?xf32>) -> ()
  // REF: ref.dequantize(q4, s4, z4, bits=4, block=4)

  // A quantised shared expert: 4-bit fc1 [4, 8] with blocks of 4, 8-bit fc2
  // [8, 4] with row scales, taken from stacked [E = 2, ...] codes.
  %x = arith.constant dense<[[ 1.52, -0.43, -0.3 ,  0.35, -0.12, -0.2 , -1.11, -0.01],
      [-0.44,  1.17,  0.65, -0.02,  0.67, -0.34,  1.05, -0.01],
      [ 0.58, -1.29,  0.35, -1.69, -2.04, -0.3 , -0.9 ,  0.16]]> : tensor<3x8xf32>
  %q1 = arith.constant dense<[[[ 113,   32,   47,  101],
       [  20,   70,   85,  -71],
       [-114,  -52,  -56,   95],
       [ 105, -127,   -1,   82]],
     
      [[ -95,   76,  -98,   -9],
       [  81,  -51,  -41,  -57],
       [  56,  -63,  125,  -15],
       [  -6,    1,   21,   13]]]> : tensor<2x4x4xi8>
  %s1 = arith.constant dense<[[[0.199, 0.161],
       [0.128, 0.198],
       [0.051, 0.04 ],
       [0.126, 0.018]],
     
      [[0.017, 0.108],
       [0.099, 0.184],
       [0.13 , 0.108],
       [0.104, 0.057]]]> : tensor<2x4x2xf32>
  %q2 = arith.constant dense<[[[ 126, -125, -104,  -79],
       [ 120,   49,   97,  -77],
       [  56,  -34,   -3, -128],
       [  30,   84,   41,  -89],
       [   8,  -60,  119,   97],
       [ -81,    2,  112,   88],
       [  53,   35, -118,   61],
       [  -7, -105,  -66,   10]],
     
      [[  58,    1,   28,   95],
       [  47,  -36,   36,   25],
       [-101, -113,   41,  -29],
       [  25,  -46,  -71,  -90],
       [ -31,   80,  -26,  -31],
       [  19,  122,  -28,   23],
       [ -16,   26,  -14,   35],
       [  12,   45,  116,  -90]]]> : tensor<2x8x4xi8>
  %s2 = arith.constant dense<[[0.0094, 0.0056, 0.0086, 0.0028, 0.0194, 0.0051, 0.0138, 0.0067],
      [0.0176, 0.0136, 0.0035, 0.0171, 0.019 , 0.0182, 0.0118, 0.0038]]> : tensor<2x8xf32>
  %w1 = moe.dequantize %q1 scales %s1 bits 4 block 4
      : tensor<2x4x4xi8>, tensor<2x4x2xf32> -> tensor<2x4x8xf32>
  %w2 = moe.dequantize %q2 scales %s2 bits 8
      : tensor<2x8x4xi8>, tensor<2x8xf32> -> tensor<2x8x4xf32>
  %w1e = tensor.extract_slice %w1[1, 0, 0] [1, 4, 8] [1, 1, 1]
      : tensor<2x4x8xf32> to tensor<4x8xf32>
  %w2e = tensor.extract_slice %w2[1, 0, 0] [1, 8, 4] [1, 1, 1]
      : tensor<2x8x4xf32> to tensor<8x4xf32>
  %xd = tensor.cast %x : tensor<3x8xf32> to tensor<?x8xf32>
  %y = moe.ffn %xd fc1 %w1e, fc2 %w2e activation gelu
      : (tensor<?x8xf32>, tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  %yd = tensor.cast %y : tensor<?x8xf32> to tensor<?x?xf32>
  call @print(%yd) : (tensor<?x?xf32>) -> ()
  // REF: ref.ffn(x, ref.dequantize(q1, s1, bits=4, block=4)[1], ref.dequantize(q2, s2, bits=8)[1], activation="gelu")
  return
}
