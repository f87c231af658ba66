//===- MoEDialect.cpp - moe dialect registration --------------------------===//

#include "moe/Dialect/MoE/MoEDialect.h"
#include "moe/Dialect/MoE/MoEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace moe;

#include "moe/Dialect/MoE/MoEDialect.cpp.inc"
#include "moe/Dialect/MoE/MoEEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "moe/Dialect/MoE/MoEAttrs.cpp.inc"

void MoEDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "moe/Dialect/MoE/MoEAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "moe/Dialect/MoE/MoEOps.cpp.inc"
      >();
}
