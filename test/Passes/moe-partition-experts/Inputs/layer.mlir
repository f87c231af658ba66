// One Qwen3-30B-A3B-sized MoE layer cut to 16 experts (H 2048, I 768,
// interleaved SwiGLU, bf16), routed top-8, with a shared expert.
func.func @layer(%x: tensor<?x2048xbf16>, %ids: tensor<?x8xi32>,
                 %w1: tensor<16x1536x2048xbf16>, %w2: tensor<16x2048x768xbf16>,
                 %s1: tensor<1536x2048xbf16>, %s2: tensor<2048x768xbf16>)
    -> (tensor<?x2048xbf16>, tensor<?x2048xbf16>) {
  %sorted, %offsets, %perm = moe.dispatch %x, %ids
      : tensor<?x2048xbf16>, tensor<?x8xi32>
      -> tensor<?x2048xbf16>, tensor<17xi64>, tensor<?xi64>
  %y = moe.experts %sorted, %offsets fc1 %w1, fc2 %w2
      activation swiglu(interleaved)
      : (tensor<?x2048xbf16>, tensor<17xi64>, tensor<16x1536x2048xbf16>,
         tensor<16x2048x768xbf16>) -> tensor<?x2048xbf16>
  %s = moe.ffn %x fc1 %s1, fc2 %s2 activation swiglu(interleaved)
      : (tensor<?x2048xbf16>, tensor<1536x2048xbf16>, tensor<2048x768xbf16>)
      -> tensor<?x2048xbf16>
  return %y, %s : tensor<?x2048xbf16>, tensor<?x2048xbf16>
}
