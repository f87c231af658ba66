//===- PIMOps.h - pim ops ---------------------------------------*- C++ -*-===//

#ifndef MOE_DIALECT_PIM_PIMOPS_H
#define MOE_DIALECT_PIM_PIMOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "moe/Dialect/PIM/PIMDialect.h"

#include "moe/Dialect/PIM/PIMInterfaces.h.inc"

#define GET_OP_CLASSES
#include "moe/Dialect/PIM/PIMOps.h.inc"

namespace moe::pim {

/// Creates the op that stands for `command` (the inverse of toCommand), so
/// passes can rewrite a program as a list of stream commands.
mlir::Operation *createCommandOp(mlir::OpBuilder &builder, mlir::Location loc,
                                 const Command &command);

/// The commands of `program` in order, with the op of each.
llvm::SmallVector<std::pair<Command, mlir::Operation *>>
collectCommands(ProgramOp program);

/// Replaces the commands of `program` by `commands` (host regions stay).
void replaceCommands(
    ProgramOp program,
    llvm::ArrayRef<std::pair<Command, mlir::Location>> commands);

} // namespace moe::pim

#endif // MOE_DIALECT_PIM_PIMOPS_H
