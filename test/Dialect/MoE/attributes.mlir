// The moe attributes used on their own: #moe.placement (its own mnemonic)
// and the enum attributes that the ops hold (#moe<scoring ...>,
// #moe<activation ...>, #moe<gate_layout ...>) as discardable attributes,
// in attribute aliases, arrays and dictionaries.
// RUN: moe-opt %s --allow-unregistered-dialect | moe-opt --allow-unregistered-dialect | FileCheck %s
// RUN: moe-opt %s --allow-unregistered-dialect --mlir-print-op-generic | moe-opt --allow-unregistered-dialect | FileCheck %s

#pim = #moe.placement<pim>

// CHECK-LABEL: module attributes
// CHECK-SAME: moe.default_placement = #moe.placement<host>
module attributes {moe.default_placement = #moe.placement<host>} {

// CHECK-LABEL: func.func @placements()
// CHECK-SAME: moe.alias = #moe.placement<pim>
// CHECK-SAME: moe.all = [#moe.placement<gpu>, #moe.placement<pim>, #moe.placement<host>, #moe.placement<dynamic>]
// CHECK-SAME: moe.nested = {shared = #moe.placement<gpu>}
// CHECK-SAME: moe.one = #moe.placement<dynamic>
func.func @placements() attributes {
    moe.one = #moe.placement<dynamic>,
    moe.all = [#moe.placement<gpu>, #moe.placement<pim>, #moe.placement<host>, #moe.placement<dynamic>],
    moe.alias = #pim,
    moe.nested = {shared = #moe.placement<gpu>}} {
  // The dialect-qualified long form parses to the same attribute.
  // CHECK: "test.op"() {p = #moe.placement<gpu>, q = #moe.placement<pim>}
  "test.op"() {p = #moe.placement<gpu>, q = #moe<placement<pim>>} : () -> ()
  return
}

// CHECK-LABEL: func.func @enums()
// CHECK-SAME: moe.activations = [#moe<activation identity>, #moe<activation relu>, #moe<activation gelu>, #moe<activation gelu_tanh>, #moe<activation silu>, #moe<activation swiglu>]
// CHECK-SAME: moe.layouts = [#moe<gate_layout separate>, #moe<gate_layout interleaved>, #moe<gate_layout concatenated>]
// CHECK-SAME: moe.scorings = [#moe<scoring softmax>, #moe<scoring sigmoid>]
func.func @enums() attributes {
    moe.scorings = [#moe<scoring softmax>, #moe<scoring sigmoid>],
    moe.activations = [#moe<activation identity>, #moe<activation relu>, #moe<activation gelu>, #moe<activation gelu_tanh>, #moe<activation silu>, #moe<activation swiglu>],
    moe.layouts = [#moe<gate_layout separate>, #moe<gate_layout interleaved>, #moe<gate_layout concatenated>]} {
  return
}

}
