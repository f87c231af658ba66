//===- MoEOps.h - moe operations --------------------------------*- C++ -*-===//

#ifndef MOE_DIALECT_MOE_MOEOPS_H
#define MOE_DIALECT_MOE_MOEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "moe/Dialect/MoE/MoEDialect.h"

#define GET_OP_CLASSES
#include "moe/Dialect/MoE/MoEOps.h.inc"

#endif // MOE_DIALECT_MOE_MOEOPS_H
