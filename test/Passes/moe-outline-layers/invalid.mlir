// RUN: moe-opt %s -split-input-file --moe-outline-layers -verify-diagnostics
//
// What the runtime cannot take gets an error at the op that causes it.

func.func @argument_weights(%x: tensor<?x4xf32>, %logits: tensor<?x2xf32>, %w1: tensor<2x6x4xf32>) -> tensor<?x4xf32> {
  %w2 = arith.constant dense<0.25> : tensor<2x4x6xf32>
  %ids, %w = moe.route softmax %logits top 1 : tensor<?x2xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  %sorted, %offsets, %perm = moe.dispatch %x, %ids : tensor<?x4xf32>, tensor<?x1xi32> -> tensor<?x4xf32>, tensor<3xi64>, tensor<?xi64>
  // expected-error @+1 {{needs constant expert weights (the runtime clones them into each expert); one is a function argument}}
  %out = moe.experts %sorted, %offsets fc1 %w1, fc2 %w2 activation relu : (tensor<?x4xf32>, tensor<3xi64>, tensor<2x6x4xf32>, tensor<2x4x6xf32>) -> tensor<?x4xf32>
  %y = moe.combine %out, %w, %perm : tensor<?x4xf32>, tensor<?x1xf32>, tensor<?xi64> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

func.func @entry(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

func.func private @bf16(%x: tensor<?x4xbf16>, %logits: tensor<?x2xbf16>) -> tensor<?x4xbf16> {
  %w1 = arith.constant dense<0.5> : tensor<2x6x4xbf16>
  %w2 = arith.constant dense<0.25> : tensor<2x4x6xbf16>
  %ids, %w = moe.route softmax %logits top 1 : tensor<?x2xbf16> -> tensor<?x1xi32>, tensor<?x1xbf16>
  %sorted, %offsets, %perm = moe.dispatch %x, %ids : tensor<?x4xbf16>, tensor<?x1xi32> -> tensor<?x4xbf16>, tensor<3xi64>, tensor<?xi64>
  %out = moe.experts %sorted, %offsets fc1 %w1, fc2 %w2 activation relu : (tensor<?x4xbf16>, tensor<3xi64>, tensor<2x6x4xbf16>, tensor<2x4x6xbf16>) -> tensor<?x4xbf16>
  // expected-error @+1 {{runs on the runtime only with f32 tokens and logits}}
  %y = moe.combine %out, %w, %perm : tensor<?x4xbf16>, tensor<?x1xbf16>, tensor<?xi64> -> tensor<?x4xbf16>
  return %y : tensor<?x4xbf16>
}

// -----

func.func @first(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
// expected-error @+1 {{is a second public function; the runtime calls exactly one (make the others private)}}
func.func @second(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{is the runtime's entry, whose arguments must be ranked f32 tensors; #0 is 'i64'}}
func.func @scalar(%n: i64) -> tensor<4xf32> {
  %c = arith.constant dense<1.0> : tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// expected-error @+1 {{has no public function for the runtime to call}}
module {
  func.func private @hidden(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
