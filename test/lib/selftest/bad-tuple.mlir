// Malformed test for check_numerics.py: ref.route returns (ids, weights); a
// REF must give one array, so the pair has to be unpacked with REF-LET.
func.func @main() {
  %logits = arith.constant dense<[[0.0, 1.0, 2.0]]> : tensor<1x3xf32>
  // REF: ref.route(logits, 2)
  return
}
