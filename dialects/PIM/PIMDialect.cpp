//===- PIMDialect.cpp - the pim dialect and its attributes ----------------===//

#include "moe/Dialect/PIM/PIMDialect.h"
#include "moe/Dialect/PIM/PIMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace moe::pim;

#include "moe/Dialect/PIM/PIMDialect.cpp.inc"
#include "moe/Dialect/PIM/PIMEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "moe/Dialect/PIM/PIMAttrs.cpp.inc"

void PIMDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "moe/Dialect/PIM/PIMAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "moe/Dialect/PIM/PIMOps.cpp.inc"
      >();
}

DeviceGeometry DeviceAttr::getGeometry() const {
  DeviceGeometry geometry;
  geometry.channels = getChannels();
  geometry.banksPerChannel = getBanks();
  geometry.rowsPerBank = getRows();
  geometry.rowBytes = getRowBytes();
  geometry.burstBytes = getBurstBytes();
  geometry.globalBufferBytes = getGbBytes();
  geometry.accumulatorsPerBank = getAccumulators();
  return geometry;
}

LogicalResult
DeviceAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                   StringRef name, uint32_t channels, uint32_t banks,
                   uint32_t rows, uint32_t rowBytes, uint32_t burstBytes,
                   uint32_t gbBytes, uint32_t accumulators, Type storage) {
  if (!storage.isBF16() && !storage.isF16())
    return emitError() << "storage must be bf16 or f16, got " << storage;
  // kAllChannels is the channel number 0xFFFF, so real channels stay below.
  if (channels == 0 || channels >= kAllChannels)
    return emitError() << "channels must be in [1, " << kAllChannels
                       << "), got " << channels;
  if (banks == 0 || banks > 0xFFFF || rows == 0)
    return emitError() << "banks and rows must be positive (banks at most "
                       << 0xFFFF << ")";
  if (burstBytes == 0 || burstBytes % 2 != 0 || rowBytes % burstBytes != 0 ||
      rowBytes == 0)
    return emitError() << "row_bytes (" << rowBytes
                       << ") must be a positive multiple of burst_bytes ("
                       << burstBytes << "), itself a positive even number";
  if (gbBytes < burstBytes)
    return emitError() << "gb_bytes (" << gbBytes
                       << ") must hold at least one burst (" << burstBytes
                       << ")";
  // Accumulator numbers travel in one byte.
  if (accumulators == 0 || accumulators > 256)
    return emitError() << "accumulators must be in [1, 256], got "
                       << accumulators;
  return success();
}
