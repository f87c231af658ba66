// RUN: moe-opt %s -split-input-file -verify-diagnostics
//
// Every diagnostic of the moe verifiers (dialects/MoE/MoEOps.cpp) and of the
// custom parsers.
//
// MoEOps.cpp has 39 emitOpError call sites, and each has at least one case
// below:
//   - 3 in the shared helpers, reached from every operand they check:
//       verifyShape: "<name> must have rank ..." and "<name> has shape ...";
//       verifySameElementType: "<name> element type ... does not match ...";
//   - RouteOp::verify: 8 (logits rank, static E, k range, scale, n_group and
//     topk_group together, n_group divides E, topk_group range, k reachable);
//   - DispatchOp::verify: 5 (tokens rank, ids rank, token counts, static k,
//     offsets);
//   - verifyFFN (moe.experts and moe.ffn): 13 (tokens rank, fc1 rank, fc2
//     rank, swiglu without layout, layout without swiglu, alpha/beta/limit
//     without swiglu, limit positive, fc3 not allowed, fc3 missing, fc3 bias
//     without fc3, fused fc1 rows odd, alpha/beta finite, static E; the
//     last three are at the end of this file);
//   - verifySegments: 1 (in invalid-segments.mlir);
//   - ExpertsOp::verify: 2 (offsets, placement count);
//   - CombineOp::verify: 3 (expert outputs rank, weights rank, static k);
//   - DequantizeOp::verify: 4 (in invalid-dequantize.mlir).
// Every call of the helpers (each operand or result they check) has a case
// too. Errors that the custom syntax cannot express are written in generic
// form. The custom parser errors (unknown scoring, activation, gate layout,
// swiglu parameter, placement) are at the end.

//===----------------------------------------------------------------------===//
// moe.route
//===----------------------------------------------------------------------===//

func.func @route_logits_rank(%l: tensor<8xf32>) {
  // expected-error @+1 {{'moe.route' op logits must have rank 2 ([tokens, experts]), got 'tensor<8xf32>'}}
  %ids, %w = moe.route softmax %l top 2 : tensor<8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_logits_rank3(%l: tensor<2x3x8xf32>) {
  // expected-error @+1 {{logits must have rank 2 ([tokens, experts]), got 'tensor<2x3x8xf32>'}}
  %ids, %w = moe.route softmax %l top 2 : tensor<2x3x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_dynamic_experts(%l: tensor<?x?xf32>) {
  // expected-error @+1 {{the number of experts (logits dimension 1) must be static}}
  %ids, %w = moe.route softmax %l top 2 : tensor<?x?xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_k_zero(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{k = 0 must be in [1, 8] (the number of experts)}}
  %ids, %w = moe.route softmax %l top 0 : tensor<?x8xf32> -> tensor<?x0xi32>, tensor<?x0xf32>
  return
}

// -----

func.func @route_k_too_large(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{k = 9 must be in [1, 8] (the number of experts)}}
  %ids, %w = moe.route softmax %l top 9 : tensor<?x8xf32> -> tensor<?x9xi32>, tensor<?x9xf32>
  return
}

// -----

func.func @route_ids_rank(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{ids must have rank 2 (expected shape [?, 2]), got 'tensor<?xi32>'}}
  %ids, %w = moe.route softmax %l top 2 : tensor<?x8xf32> -> tensor<?xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_ids_k(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{ids has shape [?, 3], expected [?, 2]}}
  %ids, %w = moe.route softmax %l top 2 : tensor<?x8xf32> -> tensor<?x3xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_ids_tokens(%l: tensor<4x8xf32>) {
  // expected-error @+1 {{ids has shape [5, 2], expected [4, 2]}}
  %ids, %w = moe.route softmax %l top 2 : tensor<4x8xf32> -> tensor<5x2xi32>, tensor<4x2xf32>
  return
}

// -----

func.func @route_weights_rank(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{weights must have rank 2 (expected shape [?, 2]), got 'tensor<?x2x1xf32>'}}
  %ids, %w = moe.route softmax %l top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2x1xf32>
  return
}

// -----

func.func @route_weights_shape(%l: tensor<4x8xf32>) {
  // expected-error @+1 {{weights has shape [4, 1], expected [4, 2]}}
  %ids, %w = moe.route softmax %l top 2 : tensor<4x8xf32> -> tensor<4x2xi64>, tensor<4x1xf32>
  return
}

// -----

// With a dynamic token count in the logits, ids and weights must still
// agree with each other.
func.func @route_results_disagree(%l: tensor<?x8xf32>) {
  // expected-error-re @+1 {{{{ids|weights}} has shape}}
  %ids, %w = moe.route softmax %l top 2 : tensor<?x8xf32> -> tensor<4x2xi32>, tensor<5x2xf32>
  return
}

// -----

func.func @route_weights_element_type(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{weights element type 'f16' does not match the logits element type 'f32'}}
  %ids, %w = moe.route softmax %l top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf16>
  return
}

// -----

func.func @route_bias_shape(%l: tensor<?x8xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{correction bias has shape [4], expected [8]}}
  %ids, %w = moe.route sigmoid %l bias %b : tensor<4xf32> top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_bias_rank(%l: tensor<?x8xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+1 {{correction bias must have rank 1 (expected shape [8]), got 'tensor<1x8xf32>'}}
  %ids, %w = moe.route sigmoid %l bias %b : tensor<1x8xf32> top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_bias_element_type(%l: tensor<?x8xf32>, %b: tensor<8xbf16>) {
  // expected-error @+1 {{correction bias element type 'bf16' does not match the logits element type 'f32'}}
  %ids, %w = moe.route sigmoid %l bias %b : tensor<8xbf16> top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_epsilon_negative(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{epsilon must be a finite non-negative number, got -1.000000e-06}}
  %ids, %w = moe.route softmax %l top 2 normalize epsilon -1.0e-6 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_epsilon_without_normalize(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{epsilon = 1.000000e-06 only applies with normalize}}
  %ids, %w = moe.route softmax %l top 2 epsilon 1.0e-6 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_scale_zero(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{scale must be a finite positive number, got 0}}
  %ids, %w = moe.route softmax %l top 2 scale 0.0 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_scale_negative(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{scale must be a finite positive number, got -2.5}}
  %ids, %w = moe.route softmax %l top 2 scale -2.5 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_scale_inf(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{scale must be a finite positive number, got INF}}
  %0:2 = "moe.route"(%l) <{k = 2 : i64, scale = 0x7FF0000000000000 : f64, scoring = #moe<scoring softmax>}> : (tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

func.func @route_scale_nan(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{scale must be a finite positive number, got nan}}
  %0:2 = "moe.route"(%l) <{k = 2 : i64, scale = 0x7FF8000000000000 : f64, scoring = #moe<scoring softmax>}> : (tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// The custom syntax always gives both; only the generic form can give one.
func.func @route_n_group_alone(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{n_group and topk_group must be given together}}
  %0:2 = "moe.route"(%l) <{k = 2 : i64, n_group = 4 : i64, scoring = #moe<scoring softmax>}> : (tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

func.func @route_topk_group_alone(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{n_group and topk_group must be given together}}
  %0:2 = "moe.route"(%l) <{k = 2 : i64, topk_group = 2 : i64, scoring = #moe<scoring sigmoid>}> : (tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

func.func @route_groups_do_not_divide(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{n_group = 3 must be positive and divide the 8 experts}}
  %ids, %w = moe.route softmax %l top 2 groups 3 select 1 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_groups_zero(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{n_group = 0 must be positive and divide the 8 experts}}
  %ids, %w = moe.route softmax %l top 2 groups 0 select 0 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_groups_negative(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{n_group = -2 must be positive and divide the 8 experts}}
  %ids, %w = moe.route softmax %l top 2 groups -2 select 1 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_topk_group_zero(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{topk_group = 0 must be in [1, 4]}}
  %ids, %w = moe.route softmax %l top 2 groups 4 select 0 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_topk_group_too_large(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{topk_group = 5 must be in [1, 4]}}
  %ids, %w = moe.route softmax %l top 2 groups 4 select 5 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_k_unreachable(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{k = 4 exceeds the 2 experts in the 1 selected groups}}
  %ids, %w = moe.route softmax %l top 4 groups 4 select 1 : tensor<?x8xf32> -> tensor<?x4xi32>, tensor<?x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// moe.dispatch
//===----------------------------------------------------------------------===//

// -----

func.func @dispatch_tokens_rank(%x: tensor<16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op tokens must have rank 2 ([tokens, hidden]), got 'tensor<16xf32>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_ids_rank(%x: tensor<?x16xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{ids must have rank 2 ([tokens, k]), got 'tensor<?xi32>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_token_counts(%x: tensor<4x16xf32>, %ids: tensor<5x2xi32>) {
  // expected-error @+1 {{ids have 5 tokens but tokens have 4}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<4x16xf32>, tensor<5x2xi32> -> tensor<8x16xf32>, tensor<5xi64>, tensor<8xi64>
  return
}

// -----

func.func @dispatch_dynamic_k(%x: tensor<?x16xf32>, %ids: tensor<?x?xi32>) {
  // expected-error @+1 {{k (ids dimension 1) must be static}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x?xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_offsets_rank(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{offsets must be a static 1-D tensor of E + 1 >= 2 elements, got 'tensor<1x5xi64>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<1x5xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_offsets_dynamic(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{offsets must be a static 1-D tensor of E + 1 >= 2 elements, got 'tensor<?xi64>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<?xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_offsets_no_expert(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{offsets must be a static 1-D tensor of E + 1 >= 2 elements, got 'tensor<1xi64>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<1xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_sorted_rank(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{sorted tokens must have rank 2 (expected shape [?, 16]), got 'tensor<?xf32>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?xf32>, tensor<5xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_sorted_rows(%x: tensor<4x16xf32>, %ids: tensor<4x2xi32>) {
  // expected-error @+1 {{sorted tokens has shape [7, 16], expected [8, 16]}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<4x16xf32>, tensor<4x2xi32> -> tensor<7x16xf32>, tensor<5xi64>, tensor<8xi64>
  return
}

// -----

func.func @dispatch_sorted_hidden(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{sorted tokens has shape [?, 8], expected [?, 16]}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<5xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_sorted_element_type(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{sorted tokens element type 'f16' does not match the tokens element type 'f32'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf16>, tensor<5xi64>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_permutation_rows(%x: tensor<4x16xf32>, %ids: tensor<4x2xi32>) {
  // expected-error @+1 {{permutation has shape [7], expected [8]}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<4x16xf32>, tensor<4x2xi32> -> tensor<8x16xf32>, tensor<5xi64>, tensor<7xi64>
  return
}

// -----

// With a dynamic token count the permutation follows the sorted rows.
func.func @dispatch_permutation_sorted_rows(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{permutation has shape [6], expected [8]}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<8x16xf32>, tensor<5xi64>, tensor<6xi64>
  return
}

// -----

// A dynamic token count in the tokens but a static one in the ids: N = T * k
// is still known.
func.func @dispatch_rows_from_ids(%x: tensor<?x16xf32>, %ids: tensor<4x2xi32>) {
  // expected-error-re @+1 {{{{sorted tokens|permutation}} has shape [7{{(, 16)?}}], expected [8{{(, 16)?}}]}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<4x2xi32> -> tensor<7x16xf32>, tensor<5xi64>, tensor<7xi64>
  return
}

// -----

func.func @dispatch_permutation_rank(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{permutation must have rank 1 (expected shape [?]), got 'tensor<?x2xi64>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?x2xi64>
  return
}

//===----------------------------------------------------------------------===//
// moe.experts: offsets, ranks and shapes
//===----------------------------------------------------------------------===//

// -----

func.func @experts_offsets_dynamic(%x: tensor<?x16xf32>, %o: tensor<?xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{'moe.experts' op offsets must be a static 1-D tensor of E + 1 >= 2 elements, got 'tensor<?xi64>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<?xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_offsets_rank(%x: tensor<?x16xf32>, %o: tensor<5x1xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{offsets must be a static 1-D tensor of E + 1 >= 2 elements, got 'tensor<5x1xi64>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5x1xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_offsets_no_expert(%x: tensor<?x16xf32>, %o: tensor<1xi64>, %w1: tensor<0x32x16xf32>, %w2: tensor<0x16x32xf32>) {
  // expected-error @+1 {{offsets must be a static 1-D tensor of E + 1 >= 2 elements, got 'tensor<1xi64>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<1xi64>, tensor<0x32x16xf32>, tensor<0x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_tokens_rank(%x: tensor<?x4x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{tokens must have rank 2 ([rows, hidden]), got 'tensor<?x4x16xf32>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x4x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_rank(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 weights must have rank 3, got 'tensor<32x16xf32>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc2_rank(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x2x16x32xf32>) {
  // expected-error @+1 {{fc2 weights must have rank 3, got 'tensor<4x2x16x32xf32>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x2x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc2_experts(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<3x16x32xf32>) {
  // expected-error @+1 {{fc2 weights has shape [3, 16, 32], expected [4, 16, 32]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<3x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc2_hidden(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x8x32xf32>) {
  // expected-error @+1 {{fc2 weights has shape [4, 8, 32], expected [4, 16, 32]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x8x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_inter(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x24x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 weights has shape [4, 24, 16], expected [4, 32, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x24x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_hidden(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x8xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 weights has shape [4, 32, 8], expected [4, 32, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x8xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_experts(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<5x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 weights has shape [5, 32, 16], expected [4, 32, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<5x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// interleaved and concatenated keep gate and linear halves in fc1: 2 * I rows.
func.func @experts_fc1_interleaved_rows(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 weights has shape [4, 32, 16], expected [4, 64, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_concatenated_rows(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 weights has shape [4, 32, 16], expected [4, 64, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(concatenated) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// With a dynamic I, fc1 of a two-row-factor layout still needs an even
// number of rows.
func.func @experts_fc1_interleaved_odd_rows(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x63x16xf32>, %w2: tensor<4x16x?xf32>) {
  // expected-error @+1 {{fc1 weights}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x63x16xf32>, tensor<4x16x?xf32>) -> tensor<?x16xf32>
  return
}

// -----

// swiglu(separate) has one row of fc1 per unit of I.
func.func @experts_fc1_separate_rows(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) {
  // expected-error @+1 {{fc1 weights has shape [4, 64, 16], expected [4, 32, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// moe.experts: activation attributes and fc3
//===----------------------------------------------------------------------===//

// -----

func.func @experts_swiglu_without_layout(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{swiglu needs a gate layout (separate, interleaved or concatenated)}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_layout_without_swiglu(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{a gate layout only applies to swiglu, not relu}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_interleaved_layout_with_silu(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{a gate layout only applies to swiglu, not silu}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation silu(interleaved, alpha = 1.702) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// Without a gate layout the custom syntax has no place for alpha, beta and
// limit: generic form.
func.func @experts_alpha_without_swiglu(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{alpha, beta and limit only apply to swiglu, not silu}}
  %y = "moe.experts"(%x, %o, %w1, %w2) <{activation = #moe<activation silu>, alpha = 1.702 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_beta_without_swiglu(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{alpha, beta and limit only apply to swiglu, not gelu}}
  %y = "moe.experts"(%x, %o, %w1, %w2) <{activation = #moe<activation gelu>, beta = 1.0 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_limit_without_swiglu(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{alpha, beta and limit only apply to swiglu, not identity}}
  %y = "moe.experts"(%x, %o, %w1, %w2) <{activation = #moe<activation identity>, limit = 7.0 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_limit_zero(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{swiglu limit must be positive, got 0}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved, limit = 0.0) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_limit_negative(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{swiglu limit must be positive, got -7}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(concatenated, limit = -7.0) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_limit_nan(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{swiglu limit must be positive, got nan}}
  %y = "moe.experts"(%x, %o, %w1, %w2) <{activation = #moe<activation swiglu>, gate_layout = #moe<gate_layout interleaved>, limit = 0x7FF8000000000000 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc3_with_relu(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) {
  // expected-error @+1 {{fc3 weights are only allowed with swiglu(separate), the gated activation whose linear half lives in fc3}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc3_with_interleaved(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) {
  // expected-error @+1 {{fc3 weights are only allowed with swiglu(separate)}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(interleaved) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_separate_without_fc3(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{swiglu(separate) needs fc3 weights for the linear half}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// The custom syntax only has a place for an fc3 bias after fc3: generic form.
func.func @experts_fc3_bias_without_fc3(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %b3: tensor<4x32xf32>) {
  // expected-error @+1 {{an fc3 bias needs fc3 weights}}
  %y = "moe.experts"(%x, %o, %w1, %w2, %b3) <{activation = #moe<activation silu>, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 1>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc3_shape(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x16x16xf32>) {
  // expected-error @+1 {{fc3 weights has shape [4, 16, 16], expected [4, 32, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x16x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc3_rank(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<32x16xf32>) {
  // expected-error @+1 {{fc3 weights must have rank 3 (expected shape [4, 32, 16]), got 'tensor<32x16xf32>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<32x16xf32>) -> tensor<?x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// moe.experts: biases, element types, result, placements
//===----------------------------------------------------------------------===//

// -----

func.func @experts_fc1_bias_shape(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 bias has shape [4, 16], expected [4, 32]}}
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_bias_interleaved(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 bias has shape [4, 32], expected [4, 64]}}
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 activation swiglu(interleaved) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_bias_rank(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<32xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 bias must have rank 2 (expected shape [4, 32]), got 'tensor<32xf32>'}}
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<32xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc2_bias_shape(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x32xf32>) {
  // expected-error @+1 {{fc2 bias has shape [4, 32], expected [4, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 bias %b2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc3_bias_shape(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>, %b3: tensor<4x16xf32>) {
  // expected-error @+1 {{fc3 bias has shape [4, 16], expected [4, 32]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 bias %b3 activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_element_type(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf16>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 weights element type 'f16' does not match the tokens element type 'f32'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf16>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc1_bias_element_type(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf64>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{fc1 bias element type 'f64' does not match the tokens element type 'f32'}}
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf64>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc2_element_type(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xbf16>) {
  // expected-error @+1 {{fc2 weights element type 'bf16' does not match the tokens element type 'f32'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xbf16>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc2_bias_element_type(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf16>) {
  // expected-error @+1 {{fc2 bias element type 'f16' does not match the tokens element type 'f32'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 bias %b2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x16xf16>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc3_element_type(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf16>) {
  // expected-error @+1 {{fc3 weights element type 'f16' does not match the tokens element type 'f32'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf16>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_fc3_bias_element_type(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>, %b3: tensor<4x32xf16>) {
  // expected-error @+1 {{fc3 bias element type 'f16' does not match the tokens element type 'f32'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 bias %b3 activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>, tensor<4x32xf16>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_result_element_type(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{result element type 'f16' does not match the tokens element type 'f32'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf16>
  return
}

// -----

func.func @experts_result_hidden(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{result has shape [?, 32], expected [?, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @experts_result_rows(%x: tensor<8x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{result has shape [7, 16], expected [8, 16]}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<8x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<7x16xf32>
  return
}

// -----

func.func @experts_result_rank(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{result must have rank 2 (expected shape [?, 16]), got 'tensor<?xf32>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @experts_too_few_placements(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{has 3 placements for 4 experts}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, pim, host] : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_no_placements(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{has 0 placements for 4 experts}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [] : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_too_many_placements(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{has 5 placements for 4 experts}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, gpu, gpu, gpu, gpu] : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// moe.ffn (the same FFN rules on unstacked weights)
//===----------------------------------------------------------------------===//

// -----

func.func @ffn_tokens_rank(%x: tensor<16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{'moe.ffn' op tokens must have rank 2 ([rows, hidden]), got 'tensor<16xf32>'}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu : (tensor<16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc1_rank(%x: tensor<?x16xf32>, %w1: tensor<4x32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{'moe.ffn' op fc1 weights must have rank 2, got 'tensor<4x32x16xf32>'}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<4x32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc2_rank(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{'moe.ffn' op fc2 weights must have rank 2, got 'tensor<4x16x32xf32>'}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc2_shape(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<8x32xf32>) {
  // expected-error @+1 {{fc2 weights has shape [8, 32], expected [16, 32]}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<8x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc1_interleaved_rows(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{fc1 weights has shape [32, 16], expected [64, 16]}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation swiglu(interleaved) : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_swiglu_without_layout(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{'moe.ffn' op swiglu needs a gate layout}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation swiglu placement gpu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_layout_without_swiglu(%x: tensor<?x16xf32>, %w1: tensor<64x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{a gate layout only applies to swiglu, not gelu_tanh}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation gelu_tanh(concatenated) : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_alpha_without_swiglu(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{alpha, beta and limit only apply to swiglu, not relu}}
  %y = "moe.ffn"(%x, %w1, %w2) <{activation = #moe<activation relu>, alpha = 2.0 : f64, operandSegmentSizes = array<i32: 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_limit_negative(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>, %w3: tensor<32x16xf32>) {
  // expected-error @+1 {{swiglu limit must be positive, got -1}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate, limit = -1.0) : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc3_with_silu(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>, %w3: tensor<32x16xf32>) {
  // expected-error @+1 {{fc3 weights are only allowed with swiglu(separate)}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2, fc3 %w3 activation silu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_separate_without_fc3(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{swiglu(separate) needs fc3 weights for the linear half}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation swiglu(separate) placement gpu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc3_bias_without_fc3(%x: tensor<?x16xf32>, %w1: tensor<64x16xf32>, %w2: tensor<16x32xf32>, %b3: tensor<32xf32>) {
  // expected-error @+1 {{an fc3 bias needs fc3 weights}}
  %y = "moe.ffn"(%x, %w1, %w2, %b3) <{activation = #moe<activation swiglu>, gate_layout = #moe<gate_layout interleaved>, operandSegmentSizes = array<i32: 1, 1, 0, 1, 0, 0, 1>}> : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc3_shape(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>, %w3: tensor<32x8xf32>) {
  // expected-error @+1 {{fc3 weights has shape [32, 8], expected [32, 16]}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate) : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc1_bias_shape(%x: tensor<?x16xf32>, %w1: tensor<64x16xf32>, %b1: tensor<32xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{fc1 bias has shape [32], expected [64]}}
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2 activation swiglu(concatenated) : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc2_bias_rank(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>, %b2: tensor<1x16xf32>) {
  // expected-error @+1 {{fc2 bias must have rank 1 (expected shape [16]), got 'tensor<1x16xf32>'}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 bias %b2 activation relu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<1x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc3_bias_shape(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>, %w3: tensor<32x16xf32>, %b3: tensor<16xf32>) {
  // expected-error @+1 {{fc3 bias has shape [16], expected [32]}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2, fc3 %w3 bias %b3 activation swiglu(separate) : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_fc2_bias_element_type(%x: tensor<?x16xf16>, %w1: tensor<32x16xf16>, %w2: tensor<16x32xf16>, %b2: tensor<16xf32>) {
  // expected-error @+1 {{fc2 bias element type 'f32' does not match the tokens element type 'f16'}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 bias %b2 activation relu : (tensor<?x16xf16>, tensor<32x16xf16>, tensor<16x32xf16>, tensor<16xf32>) -> tensor<?x16xf16>
  return
}

// -----

func.func @ffn_result_shape(%x: tensor<4x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{result has shape [5, 16], expected [4, 16]}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu placement host : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<5x16xf32>
  return
}

// -----

func.func @ffn_result_element_type(%x: tensor<4x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{result element type 'f64' does not match the tokens element type 'f32'}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<4x16xf64>
  return
}

//===----------------------------------------------------------------------===//
// moe.combine
//===----------------------------------------------------------------------===//

// -----

func.func @combine_outputs_rank(%out: tensor<?xf32>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) {
  // expected-error @+1 {{'moe.combine' op expert outputs must have rank 2 ([rows, hidden]), got 'tensor<?xf32>'}}
  %y = moe.combine %out, %w, %p : tensor<?xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return
}

// -----

func.func @combine_weights_rank(%out: tensor<?x16xf32>, %w: tensor<?xf32>, %p: tensor<?xi64>) {
  // expected-error @+1 {{weights must have rank 2 ([tokens, k]), got 'tensor<?xf32>'}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<?xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return
}

// -----

func.func @combine_dynamic_k(%out: tensor<?x16xf32>, %w: tensor<?x?xf32>, %p: tensor<?xi64>) {
  // expected-error @+1 {{k (weights dimension 1) must be static}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<?x?xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return
}

// -----

func.func @combine_outputs_rows(%out: tensor<7x16xf32>, %w: tensor<4x2xf32>, %p: tensor<7xi64>) {
  // expected-error @+1 {{expert outputs has shape [7, 16], expected [8, 16]}}
  %y = moe.combine %out, %w, %p : tensor<7x16xf32>, tensor<4x2xf32>, tensor<7xi64> -> tensor<4x16xf32>
  return
}

// -----

func.func @combine_permutation_rows(%out: tensor<8x16xf32>, %w: tensor<4x2xf32>, %p: tensor<6xi64>) {
  // expected-error @+1 {{permutation has shape [6], expected [8]}}
  %y = moe.combine %out, %w, %p : tensor<8x16xf32>, tensor<4x2xf32>, tensor<6xi64> -> tensor<4x16xf32>
  return
}

// -----

// T * k is static even when the expert outputs' row count is not: the
// permutation must still have T * k entries.
func.func @combine_permutation_static_rows(%out: tensor<?x16xf32>, %w: tensor<4x2xf32>, %p: tensor<7xi64>) {
  // expected-error @+1 {{permutation has shape [7], expected [8]}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<4x2xf32>, tensor<7xi64> -> tensor<4x16xf32>
  return
}

// -----

func.func @combine_permutation_rank(%out: tensor<?x16xf32>, %w: tensor<?x2xf32>, %p: tensor<?x2xi64>) {
  // expected-error @+1 {{permutation must have rank 1 (expected shape [?]), got 'tensor<?x2xi64>'}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?x2xi64> -> tensor<?x16xf32>
  return
}

// -----

func.func @combine_result_tokens(%out: tensor<8x16xf32>, %w: tensor<4x2xf32>, %p: tensor<8xi64>) {
  // expected-error @+1 {{result has shape [5, 16], expected [4, 16]}}
  %y = moe.combine %out, %w, %p : tensor<8x16xf32>, tensor<4x2xf32>, tensor<8xi64> -> tensor<5x16xf32>
  return
}

// -----

func.func @combine_result_hidden(%out: tensor<?x16xf32>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) {
  // expected-error @+1 {{result has shape [?, 8], expected [?, 16]}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x8xf32>
  return
}

// -----

func.func @combine_result_rank(%out: tensor<?x16xf32>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) {
  // expected-error @+1 {{result must have rank 2 (expected shape [?, 16]), got 'tensor<?x2x16xf32>'}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x2x16xf32>
  return
}

// -----

func.func @combine_weights_element_type(%out: tensor<?x16xf32>, %w: tensor<?x2xf16>, %p: tensor<?xi64>) {
  // expected-error @+1 {{weights element type 'f16' does not match the expert outputs element type 'f32'}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<?x2xf16>, tensor<?xi64> -> tensor<?x16xf32>
  return
}

// -----

func.func @combine_result_element_type(%out: tensor<?x16xf32>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) {
  // expected-error @+1 {{result element type 'bf16' does not match the expert outputs element type 'f32'}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xbf16>
  return
}

//===----------------------------------------------------------------------===//
// Custom parser errors
//===----------------------------------------------------------------------===//

// -----

func.func @parse_unknown_scoring(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{unknown scoring 'softplus'; expected softmax or sigmoid}}
  %ids, %w = moe.route softplus %l top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @parse_unknown_activation(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{unknown activation 'swish'; expected identity, relu, gelu, gelu_tanh, silu or swiglu}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swish : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_unknown_activation_ffn(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{unknown activation 'geglu'}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation geglu(separate) : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_unknown_gate_layout(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{unknown gate layout 'stacked'; expected separate, interleaved or concatenated}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(stacked) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_unknown_swiglu_parameter(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{unknown swiglu parameter 'gamma'; expected alpha, beta or limit}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved, alpha = 1.702, gamma = 1.0) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_duplicate_swiglu_parameter(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{duplicate swiglu parameter 'alpha'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved, alpha = 1.702, limit = 7.0, alpha = 2.0) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_unknown_placement(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{unknown placement 'cpu'; expected gpu, pim, host or dynamic}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, cpu, gpu, gpu] : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_unknown_placement_ffn(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{unknown placement 'npu'; expected gpu, pim, host or dynamic}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu placement npu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_swiglu_parameter_not_float(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{expected '='}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved, alpha 1.702) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_swiglu_unclosed(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{expected ')'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved placements [gpu, gpu, gpu, gpu] : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_missing_fc2(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>) {
  // expected-error @+1 {{expected ','}}
  %y = moe.experts %x, %o fc1 %w1 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @parse_missing_activation(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{expected 'activation'}}
  %y = moe.ffn %x fc1 %w1, fc2 %w2 placement gpu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// Checks added with the segment, odd-row, finiteness and static-E rules.
//===----------------------------------------------------------------------===//

// -----

func.func @experts_fused_odd_rows(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x63x16xf32>, %w2: tensor<4x16x?xf32>) {
  // expected-error @+1 {{fc1 weights have 63 rows, not a multiple of 2 (the gate and linear halves of a fused swiglu)}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x63x16xf32>, tensor<4x16x?xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_alpha_inf(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{swiglu alpha and beta must be finite}}
  %y = "moe.experts"(%x, %o, %w1, %w2) <{activation = #moe<activation swiglu>, gate_layout = #moe<gate_layout interleaved>, alpha = 0x7FF0000000000000 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_dynamic_expert_dim(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<?x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{the expert dimension of fc1 weights must be static}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<?x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_dynamic_bias_expert_dim(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<?x16xf32>) {
  // expected-error @+1 {{the expert dimension of fc2 bias must be static}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 bias %b2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  return
}
