// Malformed test for check_numerics.py: hex-encoded dense literals are not
// supported as inputs.
func.func @main() {
  %x = arith.constant dense<"0x0000803F00000040"> : tensor<2xf32>
  // REF: x
  return
}
