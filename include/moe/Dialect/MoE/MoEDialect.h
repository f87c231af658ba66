//===- MoEDialect.h - the moe dialect ---------------------------*- C++ -*-===//
//
// The moe dialect, its enums (scoring, activation, gate layout, placement)
// and attributes. Include MoEOps.h for the operations.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_MOEDIALECT_H
#define MOE_DIALECT_MOE_MOEDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "moe/Dialect/MoE/MoEDialect.h.inc"
#include "moe/Dialect/MoE/MoEEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "moe/Dialect/MoE/MoEAttrs.h.inc"

#endif // MOE_DIALECT_MOE_MOEDIALECT_H
