//===- ExportPIM.cpp - pim.module -> PIM command stream -------------------===//

#include "moe/Target/PIM/ExportPIM.h"
#include "moe/Target/CheckedTranslation.h"
#include "moe/Target/PIM/ExpertLayout.h"

#include "moe/Dialect/MoE/MoEDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>

using namespace mlir;
using namespace moe::pim;

/// The weight segments of one matrix: its rows in every bank of every
/// channel, in the storage type, little endian.
static LogicalResult exportWeights(WeightsOp weights,
                                   const DeviceGeometry &geometry,
                                   StorageType storage, bool dropEmpty,
                                   std::vector<WeightSegment> &segments) {
  std::vector<float> matrix;
  if (auto dense = dyn_cast<DenseElementsAttr>(weights.getValue())) {
    matrix.reserve(dense.getNumElements());
    for (const APFloat &v : dense.getValues<APFloat>())
      matrix.push_back(v.convertToFloat());
  } else if (auto resource =
                 dyn_cast<DenseResourceElementsAttr>(weights.getValue())) {
    // The blob holds the storage elements, little endian.
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    int64_t count = resource.getType().getNumElements();
    if (!blob)
      return weights.emitOpError("dense_resource blob '")
             << resource.getRawHandle().getKey()
             << "' has no data (elided or missing from the file's "
                "dialect_resources)";
    ArrayRef<char> data = blob->getData();
    if (data.size() != size_t(count) * 2)
      return weights.emitOpError("dense_resource blob '")
             << resource.getRawHandle().getKey() << "' has " << data.size()
             << " bytes, " << count << " storage elements need " << count * 2;
    matrix.reserve(count);
    for (int64_t i = 0; i < count; ++i) {
      uint16_t bits;
      std::memcpy(&bits, data.data() + 2 * i, 2);
      matrix.push_back(fromStorage(bits, storage));
    }
  } else {
    return weights.emitOpError("export needs a dense or dense_resource value");
  }
  WeightLayoutAttr layout = weights.getLayout();
  MatrixPlacement placement =
      placeMatrix(static_cast<MatrixSharding>(layout.getSharding()),
                  layout.getOutputs(), layout.getInputs(), geometry);
  // Each bank's image is built whole, so a geometry with huge rows (the
  // verifier allows any row_bytes up to 4 GiB) must not reach it: the same
  // 1 GiB bound as pim-sim's simulated state.
  constexpr uint64_t kMaxImageBytes = uint64_t(1) << 30;
  uint64_t imageBytes = uint64_t(geometry.channels) * geometry.banksPerChannel *
                        placement.rowsNeeded * geometry.rowBytes;
  if (imageBytes > kMaxImageBytes)
    return weights.emitOpError("the weight image needs ")
           << (imageBytes >> 20) << " MiB (" << placement.rowsNeeded
           << " rows of " << geometry.rowBytes << " bytes in each of "
           << geometry.channels * geometry.banksPerChannel
           << " banks), more than export's " << (kMaxImageBytes >> 20)
           << " MiB";
  for (uint32_t c = 0; c < geometry.channels; ++c)
    for (uint32_t b = 0; b < geometry.banksPerChannel; ++b) {
      std::vector<float> image =
          bankImage(placement, geometry, c, b, matrix.data());
      if (dropEmpty && std::all_of(image.begin(), image.end(),
                                   [](float v) { return v == 0.0f; }))
        continue;
      WeightSegment segment;
      segment.channel = static_cast<uint16_t>(c);
      segment.bank = static_cast<uint16_t>(b);
      segment.firstRow = layout.getFirstRow();
      segment.rowCount = placement.rowsNeeded;
      segment.data.resize(image.size() * 2);
      for (size_t i = 0; i < image.size(); ++i) {
        uint16_t bits = toStorage(image[i], storage);
        segment.data[2 * i] = static_cast<uint8_t>(bits);
        segment.data[2 * i + 1] = static_cast<uint8_t>(bits >> 8);
      }
      segments.push_back(std::move(segment));
    }
  return success();
}

static Program exportProgram(ProgramOp op) {
  Program program;
  program.name = op.getSymName().str();
  program.slots = op.getSlots();
  program.inputSize = op.getInputSize();
  program.outputSize = op.getOutputSize();
  program.arenaBytes = op.getArenaBytes();
  for (auto r : op.getBody().getOps<HostRegionOp>()) {
    HostRegion region;
    region.name = r.getName().str();
    region.kind = static_cast<HostRegion::Kind>(r.getKind());
    region.offset = r.getOffset();
    region.bytes = r.getBytes();
    if (auto init = r.getInit()) {
      for (const APFloat &v :
           cast<DenseElementsAttr>(*init).getValues<APFloat>()) {
        float f = v.convertToFloat();
        uint8_t bytes[4];
        std::memcpy(bytes, &f, 4);
        region.init.insert(region.init.end(), bytes, bytes + 4);
      }
    }
    program.regions.push_back(std::move(region));
  }
  for (auto [command, _] : collectCommands(op))
    program.commands.push_back(command);
  return program;
}

FailureOr<CommandStream> moe::pim::exportCommandStream(DeviceModuleOp module,
                                                       bool dropEmptySegments) {
  DeviceAttr device = module.getDevice();
  CommandStream stream;
  stream.geometry = device.getGeometry();
  stream.storage =
      device.getStorage().isBF16() ? StorageType::BF16 : StorageType::F16;
  stream.deviceName = device.getName().str();
  for (Operation &op : module.getBody().front()) {
    if (auto program = dyn_cast<ProgramOp>(op))
      stream.programs.push_back(exportProgram(program));
    else if (auto weights = dyn_cast<WeightsOp>(op))
      if (failed(exportWeights(weights, stream.geometry, stream.storage,
                               dropEmptySegments, stream.weights)))
        return failure();
  }
  std::string problem = verifyStream(stream);
  if (!problem.empty())
    return module.emitOpError("exported stream does not verify: ") << problem;
  return stream;
}

/// The one pim.module to export (the named one when --pim-module is set).
static FailureOr<DeviceModuleOp> findModule(Operation *root, StringRef wanted) {
  SmallVector<DeviceModuleOp> modules;
  root->walk([&](DeviceModuleOp m) {
    if (wanted.empty() || m.getSymName() == wanted)
      modules.push_back(m);
  });
  if (modules.size() == 1)
    return modules.front();
  if (modules.empty())
    return root->emitError("no pim.module")
           << (wanted.empty() ? "" : " named @") << wanted << " to export";
  return modules[1].emitError(
      "more than one pim.module: choose one with --pim-module");
}

void moe::pim::registerExportPIMTranslation() {
  static llvm::cl::opt<std::string> moduleName(
      "pim-module", llvm::cl::desc("The pim.module to export"),
      llvm::cl::init(""));
  auto dialects = [](DialectRegistry &registry) {
    // The module convert-moe-to-pim leaves: the layer and its pim.module.
    registry.insert<PIMDialect, moe::MoEDialect, func::FuncDialect,
                    arith::ArithDialect, tensor::TensorDialect>();
  };
  moe::CheckedFromMLIRRegistration binary(
      "export-pim", "Export a pim.module as a PIM command stream",
      [](Operation *op, raw_ostream &output) -> LogicalResult {
        FailureOr<DeviceModuleOp> module = findModule(op, moduleName);
        if (failed(module))
          return failure();
        FailureOr<CommandStream> stream = exportCommandStream(*module);
        if (failed(stream))
          return failure();
        std::vector<uint8_t> bytes = encodeStream(*stream);
        output.write(reinterpret_cast<const char *>(bytes.data()),
                     bytes.size());
        return success();
      },
      dialects);
  moe::CheckedFromMLIRRegistration text(
      "export-pim-text",
      "Export a pim.module as the readable dump of its command stream",
      [](Operation *op, raw_ostream &output) -> LogicalResult {
        FailureOr<DeviceModuleOp> module = findModule(op, moduleName);
        if (failed(module))
          return failure();
        FailureOr<CommandStream> stream = exportCommandStream(*module);
        if (failed(stream))
          return failure();
        output << dumpStream(*stream);
        return success();
      },
      dialects);
}
