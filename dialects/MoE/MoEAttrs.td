//===- MoEAttrs.td - moe enums and attributes -------------*- tablegen -*-===//

#ifndef MOE_DIALECT_MOE_MOEATTRS_TD
#define MOE_DIALECT_MOE_MOEATTRS_TD

include "MoEDialect.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Router scoring
//===----------------------------------------------------------------------===//

def MoE_ScoringSoftmax : I32EnumAttrCase<"softmax", 0>;
def MoE_ScoringSigmoid : I32EnumAttrCase<"sigmoid", 1>;
def MoE_Scoring : I32EnumAttr<"Scoring",
    "how router logits become expert scores",
    [MoE_ScoringSoftmax, MoE_ScoringSigmoid]> {
  let cppNamespace = "::moe";
  let genSpecializedAttr = 0;
}
def MoE_ScoringAttr : EnumAttr<MoE_Dialect, MoE_Scoring, "scoring">;

//===----------------------------------------------------------------------===//
// Expert activation and the gate/up layout of gated activations
//===----------------------------------------------------------------------===//

def MoE_ActIdentity : I32EnumAttrCase<"identity", 0>;
def MoE_ActRelu : I32EnumAttrCase<"relu", 1>;
def MoE_ActGelu : I32EnumAttrCase<"gelu", 2>;
def MoE_ActGeluTanh : I32EnumAttrCase<"gelu_tanh", 3>;
def MoE_ActSilu : I32EnumAttrCase<"silu", 4>;
def MoE_ActSwiglu : I32EnumAttrCase<"swiglu", 5>;
def MoE_Activation : I32EnumAttr<"Activation",
    "activation between the first and the second expert matmul",
    [MoE_ActIdentity, MoE_ActRelu, MoE_ActGelu, MoE_ActGeluTanh, MoE_ActSilu,
     MoE_ActSwiglu]> {
  let cppNamespace = "::moe";
  let genSpecializedAttr = 0;
}
def MoE_ActivationAttr : EnumAttr<MoE_Dialect, MoE_Activation, "activation">;

def MoE_GateSeparate : I32EnumAttrCase<"separate", 0>;
def MoE_GateInterleaved : I32EnumAttrCase<"interleaved", 1>;
def MoE_GateConcatenated : I32EnumAttrCase<"concatenated", 2>;
def MoE_GateLayout : I32EnumAttr<"GateLayout",
    "where the gate and linear halves of a gated activation live",
    [MoE_GateSeparate, MoE_GateInterleaved, MoE_GateConcatenated]> {
  let cppNamespace = "::moe";
  let genSpecializedAttr = 0;
}
def MoE_GateLayoutAttr : EnumAttr<MoE_Dialect, MoE_GateLayout, "gate_layout">;

//===----------------------------------------------------------------------===//
// Expert placement
//===----------------------------------------------------------------------===//

def MoE_PlaceGpu : I32EnumAttrCase<"gpu", 0>;
def MoE_PlacePim : I32EnumAttrCase<"pim", 1>;
def MoE_PlaceHost : I32EnumAttrCase<"host", 2>;
def MoE_PlaceDynamic : I32EnumAttrCase<"dynamic", 3>;
def MoE_ExpertPlacement : I32EnumAttr<"ExpertPlacement",
    "the device an expert runs on",
    [MoE_PlaceGpu, MoE_PlacePim, MoE_PlaceHost, MoE_PlaceDynamic]> {
  let cppNamespace = "::moe";
  let genSpecializedAttr = 0;
}
def MoE_PlacementAttr : EnumAttr<MoE_Dialect, MoE_ExpertPlacement,
                                 "placement"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "where one expert runs: gpu, pim, host, or dynamic";
}

def MoE_PlacementArrayAttr
    : TypedArrayAttrBase<MoE_PlacementAttr, "array of expert placements">;

#endif // MOE_DIALECT_MOE_MOEATTRS_TD
