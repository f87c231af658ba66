//===- MoEOps.h - moe operations --------------------------------*- C++ -*-===//

#ifndef MOE_DIALECT_MOE_MOEOPS_H
#define MOE_DIALECT_MOE_MOEOPS_H

#include "moe/Dialect/MoE/MoEDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "moe/Dialect/MoE/MoEOps.h.inc"

#endif // MOE_DIALECT_MOE_MOEOPS_H
