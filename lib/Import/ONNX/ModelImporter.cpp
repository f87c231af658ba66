//===- ModelImporter.cpp - an ONNX ModelProto into a module ---------------===//
//
// Parses the model, checks its IR version and opsets, turns graph inputs into
// function arguments and initializers into constants, imports the nodes in
// order and returns the graph outputs.
//
//===----------------------------------------------------------------------===//

#include "DecomposedMoE.h"
#include "GraphImporter.h"
#include "OpImporters.h"

#include "moe/Dialect/MoE/MoEDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace moe {

void registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, arith::ArithDialect, tensor::TensorDialect,
                  linalg::LinalgDialect, math::MathDialect, scf::SCFDialect,
                  MoEDialect>();
}

namespace onnx_import {

/// IR versions this importer reads: 3 (opset imports) through 10.
constexpr int64_t kMinIRVersion = 3, kMaxIRVersion = 10;
/// The only version of ONNX Runtime's contrib domain.
constexpr int64_t kMicrosoftOpset = 1;

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, int index) {
  MLIRContext *ctx = builder.getContext();
  std::string name = node.name().empty()
                         ? node.op_type() + "#" + std::to_string(index)
                         : node.name();
  return NameLoc::get(StringAttr::get(ctx, name),
                      FileLineColLoc::get(ctx, fileName, 0, 0));
}

InFlightDiagnostic GraphImporter::nodeError(const onnx::NodeProto &node,
                                            int index) {
  std::string domain = node.domain().empty() ? "ai.onnx" : node.domain();
  return emitError(nodeLoc(node, index))
         << "node '" << node.name() << "' (" << domain << ":" << node.op_type()
         << ", #" << index << "): ";
}

Value GraphImporter::lookup(const onnx::NodeProto &node, int index,
                            const std::string &name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  nodeError(node, index) << "input '" << name
                         << "' is neither a graph input, an initializer nor "
                            "an earlier node's output";
  return Value();
}

Value GraphImporter::optionalInput(const onnx::NodeProto &node, int index,
                                   int position, bool &failed) {
  if (position >= node.input_size() || node.input(position).empty())
    return Value();
  Value value = lookup(node, index, node.input(position));
  failed |= !value;
  return value;
}

} // namespace onnx_import

OwningOpRef<ModuleOp> importONNXModel(llvm::MemoryBufferRef buffer,
                                      MLIRContext *context,
                                      const ONNXImportOptions &options) {
  using namespace onnx_import;
  std::string fileName = buffer.getBufferIdentifier().str();
  Location fileLoc = FileLineColLoc::get(context, fileName, 0, 0);
  DialectRegistry registry;
  registerONNXImportDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();

  onnx::ModelProto model;
  if (buffer.getBufferSize() > static_cast<size_t>(INT32_MAX) ||
      !model.ParseFromArray(buffer.getBufferStart(),
                            static_cast<int>(buffer.getBufferSize()))) {
    std::string defect = describeWireFormatDefect(
        reinterpret_cast<const uint8_t *>(buffer.getBufferStart()),
        buffer.getBufferSize());
    emitError(fileLoc) << "not a valid ONNX model: the protobuf of "
                       << buffer.getBufferSize()
                       << " bytes does not parse as a ModelProto ("
                       << (defect.empty() ? "corrupt" : defect) << ")";
    return nullptr;
  }
  if (model.ir_version() < kMinIRVersion ||
      model.ir_version() > kMaxIRVersion) {
    emitError(fileLoc) << "unsupported ONNX IR version " << model.ir_version()
                       << "; supported: " << kMinIRVersion << " to "
                       << kMaxIRVersion;
    return nullptr;
  }
  llvm::StringMap<int64_t> opsets;
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    bool isDefault = opset.domain().empty() || opset.domain() == "ai.onnx";
    if (opset.domain() == "com.microsoft" &&
        opset.version() != kMicrosoftOpset) {
      emitError(fileLoc) << "unsupported opset version " << opset.version()
                         << " of domain com.microsoft; supported: "
                         << kMicrosoftOpset;
      return nullptr;
    }
    if (isDefault &&
        (opset.version() < kMinOnnxOpset || opset.version() > kMaxOnnxOpset)) {
      emitError(fileLoc) << "unsupported opset version " << opset.version()
                         << " of the default domain (ai.onnx); supported: "
                         << kMinOnnxOpset << " to " << kMaxOnnxOpset;
      return nullptr;
    }
    opsets[isDefault ? "" : opset.domain()] = opset.version();
  }

  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder builder(context);
  builder.setInsertionPointToEnd(module->getBody());
  GraphImporter importer(builder, fileName, options);
  importer.opsets = std::move(opsets);

  // ONNX assigns every name once; a second definition would silently
  // replace the first (and the matchers' view of the graph with it).
  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &tensor : graph.initializer())
    if (!initializerNames.insert(tensor.name()).second) {
      emitError(fileLoc) << "initializer '" << tensor.name()
                         << "' is defined twice";
      return nullptr;
    }
  llvm::StringSet<> defined = initializerNames;
  for (const onnx::ValueInfoProto &input : graph.input())
    defined.insert(input.name());
  for (auto [index, node] : llvm::enumerate(graph.node()))
    for (const std::string &output : node.output())
      if (!output.empty() && !defined.insert(output).second) {
        importer.nodeError(node, static_cast<int>(index))
            << "output '" << output
            << "' is already defined (ONNX names are assigned once)";
        return nullptr;
      }
  SmallVector<Type> argumentTypes;
  SmallVector<std::string> argumentNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    std::string error;
    RankedTensorType type = convertValueType(context, input, error);
    if (!type) {
      emitError(fileLoc) << "graph input " << error;
      return nullptr;
    }
    argumentTypes.push_back(type);
    argumentNames.push_back(input.name());
    if (input.type().tensor_type().elem_type() == onnx::TensorProto::UINT8)
      importer.unsignedValues.insert(input.name());
  }

  auto func = func::FuncOp::create(
      builder, fileLoc, options.entryName,
      builder.getFunctionType(argumentTypes, /*results=*/{}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  // The graph's names stay on the function: the runtime binds inputs and
  // writes outputs by them.
  for (auto [name, arg] : llvm::zip(argumentNames, entry->getArguments())) {
    importer.define(name, arg);
    func.setArgAttr(arg.getArgNumber(), "onnx.name",
                    builder.getStringAttr(name));
  }
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    std::string error;
    ElementsAttr value = convertInitializer(
        context, tensor, llvm::sys::path::parent_path(fileName), error);
    if (!value) {
      emitError(fileLoc) << error;
      return nullptr;
    }
    importer.define(
        tensor.name(),
        arith::ConstantOp::create(builder, fileLoc, cast<TypedAttr>(value)));
    if (tensor.data_type() == onnx::TensorProto::UINT8)
      importer.unsignedValues.insert(tensor.name());
  }
  // Decomposed MoE blocks become moe ops at their last node; the nodes they
  // cover are not imported one by one.
  int64_t defaultOpset = importer.opsets.lookup("");
  DecomposedMoEImporter decomposed(importer, graph,
                                   defaultOpset ? defaultOpset : 1);
  decomposed.findBlocks();
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    int i = static_cast<int>(index);
    if (decomposed.covers(i)) {
      if (failed(decomposed.importAt(i)))
        return nullptr;
      continue;
    }
    if (failed(importer.importNode(node, i)))
      return nullptr;
  }

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = importer.values.find(output.name());
    if (it == importer.values.end()) {
      emitError(fileLoc) << "graph output '" << output.name()
                         << "' is produced by no node";
      return nullptr;
    }
    results.push_back(it->second);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  decomposed.eraseDeadWeights();
  func.setFunctionType(
      builder.getFunctionType(argumentTypes, ValueRange(results).getTypes()));
  for (auto [index, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(index, "onnx.name",
                       builder.getStringAttr(output.name()));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace moe
