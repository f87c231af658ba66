//===- PIMDialect.h - the pim dialect ---------------------------*- C++ -*-===//
//
// The command level of a bank-level PIM device; its commands mirror
// moe/Runtime/PIM/CommandStream.h one to one.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_PIM_PIMDIALECT_H
#define MOE_DIALECT_PIM_PIMDIALECT_H

#include "moe/Runtime/PIM/CommandStream.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "moe/Dialect/PIM/PIMDialect.h.inc"
#include "moe/Dialect/PIM/PIMEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "moe/Dialect/PIM/PIMAttrs.h.inc"

#endif // MOE_DIALECT_PIM_PIMDIALECT_H
