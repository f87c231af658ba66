// Malformed test for check_numerics.py: the second REF names an undefined
// value, which must be reported with its line number (exit 2).
func.func @main() {
  %x = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // REF: x
  // REF: x + undefined_name
  return
}
