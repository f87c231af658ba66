// Malformed moe attributes: unknown enum values, a missing or overlong
// parameter list, an unknown attribute mnemonic.
// RUN: moe-opt %s -split-input-file -verify-diagnostics --allow-unregistered-dialect

// expected-error @+2 {{expected ::moe::ExpertPlacement to be one of: gpu, pim, host, dynamic}}
// expected-error @+1 {{failed to parse MoE_PlacementAttr parameter 'value'}}
"test.op"() {p = #moe.placement<tpu>} : () -> ()

// -----

// expected-error @+1 {{expected '<'}}
"test.op"() {p = #moe.placement} : () -> ()

// -----

// expected-error @+1 {{expected '>'}}
"test.op"() {p = #moe.placement<gpu, pim>} : () -> ()

// -----

// expected-error @+2 {{expected ::moe::Scoring to be one of: softmax, sigmoid}}
// expected-error @+1 {{failed to parse MoE_ScoringAttr parameter 'value'}}
"test.op"() {p = #moe<scoring relu>} : () -> ()

// -----

// expected-error @+2 {{expected ::moe::Activation to be one of: identity, relu, gelu, gelu_tanh, silu, swiglu}}
// expected-error @+1 {{failed to parse MoE_ActivationAttr parameter 'value'}}
"test.op"() {p = #moe<activation swish>} : () -> ()

// -----

// expected-error @+2 {{expected ::moe::GateLayout to be one of: separate, interleaved, concatenated}}
// expected-error @+1 {{failed to parse MoE_GateLayoutAttr parameter 'value'}}
"test.op"() {p = #moe<gate_layout stacked>} : () -> ()

// -----

// expected-error @+1 {{unknown attribute `bogus` in dialect `moe`}}
"test.op"() {p = #moe.bogus<gpu>} : () -> ()
