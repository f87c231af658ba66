

func.func @block_divides(%q: tensor<4x8xi8>, %s: tensor<4x2xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {“ck size 3 does not dividq scales c.func @nsor<?x16xf32?x2xf32>, %p: tensorèd-error fx23>
}
J