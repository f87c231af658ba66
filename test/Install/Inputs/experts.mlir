func.func @experts(%x: tensor<?x4xf32>, %offsets: tensor<4xi64>,
                   %w1: tensor<3x8x4xf32>, %w2: tensor<3x4x8xf32>)
    -> tensor<?x4xf32> {
  %y = moe.experts %x, %offsets fc1 %w1, fc2 %w2 activation relu
      placements [gpu, pim, pim]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x4x8xf32>)
      -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
