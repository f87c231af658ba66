// Malformed test for check_numerics.py: a REF-LET that is not an assignment.
func.func @main() {
  %x = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // REF-LET: x == 2
  // REF: x
  return
}
