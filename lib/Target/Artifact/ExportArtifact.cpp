//===- ExportArtifact.cpp - host code + manifest into a .moeb file --------===//
//
// The host code is translated to LLVM IR, compiled for this machine's
// triple (generic CPU, position independent) into an object file, and
// linked into a shared object by the system C compiler driver: the runtime
// loads it from memory and calls it through MLIR's C interface.
//
//===----------------------------------------------------------------------===//

#include "moe/Target/ExportArtifact.h"
#include "moe/Target/CheckedTranslation.h"

#include "moe/Runtime/Artifact.h"

#include "moe/Dialect/MoE/MoEDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace moe {
namespace {

/// A temporary file removed when this goes out of scope.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

/// LLVM's -O3 pipeline: the lowered loops carry memref descriptors and
/// index arithmetic that only the optimiser turns into tight, vectorised
/// code.
void optimize(llvm::Module &module, llvm::TargetMachine &machine,
              unsigned optLevel) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  static const llvm::OptimizationLevel levels[] = {
      llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
      llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
  llvm::ModulePassManager passes =
      optLevel == 0 ? builder.buildO0DefaultPipeline(levels[0])
                    : builder.buildPerModuleDefaultPipeline(levels[optLevel]);
  passes.run(module, modules);
}

FailureOr<std::vector<runtime::TensorSpec>>
readTensors(ModuleOp module, DictionaryAttr entry, StringRef field) {
  auto list = entry.getAs<ArrayAttr>(field);
  if (!list)
    return emitError(module.getLoc())
           << "moe.entry has no '" << field << "' list";
  std::vector<runtime::TensorSpec> tensors;
  for (Attribute item : list) {
    auto dict = dyn_cast<DictionaryAttr>(item);
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    auto shape =
        dict ? dict.getAs<DenseI64ArrayAttr>("shape") : DenseI64ArrayAttr();
    if (!name || !shape)
      return emitError(module.getLoc())
             << "moe.entry '" << field << "' entries need a name and a shape";
    runtime::TensorSpec tensor;
    tensor.name = name.str();
    tensor.shape.assign(shape.asArrayRef().begin(), shape.asArrayRef().end());
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

FailureOr<runtime::Manifest> buildManifest(ModuleOp module) {
  auto entry = module->getAttrOfType<DictionaryAttr>("moe.entry");
  auto layers = module->getAttrOfType<ArrayAttr>("moe.layers");
  if (!entry)
    return emitError(module.getLoc())
           << "the module has no moe.entry: run moe-opt --moe-compile first";
  runtime::Manifest manifest;
  auto name = entry.getAs<StringAttr>("name");
  if (!name)
    return emitError(module.getLoc()) << "moe.entry has no name";
  manifest.entry = name.str();
  FailureOr<std::vector<runtime::TensorSpec>> inputs =
      readTensors(module, entry, "inputs");
  FailureOr<std::vector<runtime::TensorSpec>> outputs =
      readTensors(module, entry, "outputs");
  if (failed(inputs) || failed(outputs))
    return failure();
  manifest.inputs = *inputs;
  manifest.outputs = *outputs;
  for (Attribute item : layers ? layers.getValue() : ArrayRef<Attribute>{}) {
    auto dict = cast<DictionaryAttr>(item);
    auto integer = [&](StringRef key) {
      auto value = dict.getAs<IntegerAttr>(key);
      return value ? value.getInt() : int64_t(-1);
    };
    auto text = [&](StringRef key) {
      auto value = dict.getAs<StringAttr>(key);
      return value ? value.str() : std::string();
    };
    runtime::LayerSpec layer;
    layer.id = integer("id");
    layer.experts = integer("experts");
    layer.k = integer("k");
    layer.hidden = integer("hidden");
    layer.intermediate = integer("intermediate");
    layer.matrices = integer("matrices");
    layer.idsBits = static_cast<int>(integer("ids_bits"));
    layer.routeFunction = text("route");
    layer.expertFunction = text("expert");
    if (auto programs = dict.getAs<ArrayAttr>("pim_programs"))
      for (Attribute expert : programs) {
        std::vector<std::string> names;
        for (Attribute name : cast<ArrayAttr>(expert))
          names.push_back(cast<StringAttr>(name).str());
        layer.pimPrograms.push_back(std::move(names));
      }
    manifest.layers.push_back(std::move(layer));
  }
  if (auto defaults = module->getAttrOfType<DictionaryAttr>("moe.defaults"))
    for (auto [key, slot] :
         {std::pair{"gpu", &manifest.gpu}, std::pair{"pim", &manifest.pim},
          std::pair{"link", &manifest.link},
          std::pair{"policy", &manifest.policy}})
      if (auto value = defaults.getAs<StringAttr>(key))
        *slot = value.str();
  // The runtime's own reader is the judge of what it will accept.
  std::string error;
  if (!runtime::parseManifest(runtime::printManifest(manifest), error))
    return emitError(module.getLoc()) << "bad runtime metadata: " << error;
  return manifest;
}

FailureOr<std::vector<uint8_t>>
compileHostCode(ModuleOp module, const ExportArtifactOptions &options) {
  // The moe attributes are the manifest's, not LLVM's.
  OwningOpRef<ModuleOp> clone = module.clone();
  for (StringRef attr : {"moe.entry", "moe.layers", "moe.defaults", "moe.pim"})
    (*clone)->removeAttr(attr);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*clone, llvmContext, "moe-host-code");
  if (!llvmModule)
    return emitError(module.getLoc())
           << "the host code does not translate to LLVM IR (is everything in "
              "the LLVM dialect? run moe-opt --moe-compile first)";

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string tripleName = llvm::sys::getDefaultTargetTriple();
  llvm::Triple triple(tripleName);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(module.getLoc())
           << "no LLVM target for " << tripleName << ": " << error;
  llvm::TargetOptions targetOptions;
  // A generic CPU: an artifact may run on another machine of the same
  // architecture.
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, "generic", "", targetOptions, llvm::Reloc::PIC_, std::nullopt,
      options.optLevel == 0 ? llvm::CodeGenOptLevel::None
                            : llvm::CodeGenOptLevel::Aggressive));
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(triple);
  optimize(*llvmModule, *machine, options.optLevel);

  TempFile object, shared;
  int objectFd;
  if (llvm::sys::fs::createTemporaryFile("moe-host", "o", objectFd,
                                         object.path) ||
      llvm::sys::fs::createTemporaryFile("moe-host", "so", shared.path))
    return emitError(module.getLoc()) << "cannot create temporary files";
  {
    llvm::raw_fd_ostream objectStream(objectFd, /*shouldClose=*/true);
    llvm::legacy::PassManager passes;
    if (machine->addPassesToEmitFile(passes, objectStream, nullptr,
                                     llvm::CodeGenFileType::ObjectFile))
      return emitError(module.getLoc())
             << "LLVM cannot emit an object file for " << tripleName;
    passes.run(*llvmModule);
  }

  llvm::ErrorOr<std::string> driver =
      llvm::sys::findProgramByName(options.linker);
  if (!driver)
    return emitError(module.getLoc())
           << "cannot find the C compiler driver '" << options.linker
           << "' that links the host code (--artifact-linker)";
  // libm: the host code calls erf, tanh and friends.
  llvm::SmallVector<llvm::StringRef> args = {*driver,     "-shared",   "-o",
                                             shared.path, object.path, "-lm"};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*driver, args, std::nullopt, {}, 0, 0,
                                         &message);
  if (status != 0)
    return emitError(module.getLoc())
           << "linking the host code with '" << *driver << "' failed"
           << (message.empty() ? "" : ": " + message) << " (exit " << status
           << ")";
  auto buffer = llvm::MemoryBuffer::getFile(shared.path, /*IsText=*/false);
  if (!buffer)
    return emitError(module.getLoc()) << "cannot read the linked host code";
  return std::vector<uint8_t>((*buffer)->getBufferStart(),
                              (*buffer)->getBufferEnd());
}

} // namespace

LogicalResult exportArtifact(ModuleOp module, llvm::raw_ostream &os,
                             const ExportArtifactOptions &options) {
  FailureOr<runtime::Manifest> manifest = buildManifest(module);
  if (failed(manifest))
    return failure();
  FailureOr<std::vector<uint8_t>> library = compileHostCode(module, options);
  if (failed(library))
    return failure();
  runtime::Artifact artifact;
  std::string manifestText = runtime::printManifest(*manifest);
  artifact.sections.push_back(
      {runtime::SectionKind::Manifest, "manifest",
       std::vector<uint8_t>(manifestText.begin(), manifestText.end())});
  artifact.sections.push_back(
      {runtime::SectionKind::HostLibrary, "host", std::move(*library)});
  if (Attribute pim = module->getAttr("moe.pim")) {
    // Already the section's bytes (moe-pack-pim-variants).
    auto blob = dyn_cast<DenseResourceElementsAttr>(pim);
    AsmResourceBlob *data = blob ? blob.getRawHandle().getBlob() : nullptr;
    if (!data)
      return emitError(module.getLoc())
             << "moe.pim must be a dense_resource blob with its data";
    ArrayRef<char> bytes = data->getData();
    artifact.sections.push_back(
        {runtime::SectionKind::PimStream, "pim",
         std::vector<uint8_t>(bytes.begin(), bytes.end())});
  }
  std::vector<uint8_t> bytes = runtime::encodeArtifact(artifact);
  os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return success();
}

void registerExportArtifactTranslation() {
  static llvm::cl::opt<std::string> linker(
      "artifact-linker",
      llvm::cl::desc("C compiler driver that links the host code of "
                     "--export-artifact into a shared object"),
      llvm::cl::init("cc"));
  static llvm::cl::opt<unsigned> optLevel(
      "artifact-opt-level",
      llvm::cl::desc("LLVM optimisation level (0-3) of the host code of "
                     "--export-artifact"),
      llvm::cl::init(3));
  moe::CheckedFromMLIRRegistration registration(
      "export-artifact",
      "Write the runtime artifact (.moeb) of a module compiled with "
      "moe-opt --moe-compile",
      [](Operation *op, llvm::raw_ostream &os) {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return LogicalResult(op->emitError("expected a module"));
        ExportArtifactOptions options;
        options.linker = linker;
        if (optLevel > 3)
          return LogicalResult(emitError(module.getLoc())
                               << "--artifact-opt-level must be 0 to 3, not "
                               << optLevel.getValue());
        options.optLevel = optLevel;
        return exportArtifact(module, os, options);
      },
      [](DialectRegistry &registry) {
        // What an uncompiled module holds parses too, so that the error can
        // say what is missing.
        registry
            .insert<LLVM::LLVMDialect, func::FuncDialect, arith::ArithDialect,
                    tensor::TensorDialect, linalg::LinalgDialect, MoEDialect>();
        registerBuiltinDialectTranslation(registry);
        registerLLVMDialectTranslation(registry);
      });
}

} // namespace moe
