// Malformed test for check_numerics.py: the reference rejects an expert id
// outside [0, E); the ValueError is reported with the REF's line.
func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %ids = arith.constant dense<[[0], [5]]> : tensor<2x1xi32>
  // REF-LET: s, off, perm = ref.dispatch(x, ids, 4)
  // REF: off
  return
}
