// Malformed test for check_numerics.py: a misspelt directive must not be
// silently ignored.
func.func @main() {
  %x = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // REF-TOLERENCE: rtol=1e-3
  // REF: x
  return
}
