//===- TensorConversion.cpp - ONNX types and initializers to MLIR ---------===//

#include "GraphImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace moe::onnx_import {

Type convertElementType(MLIRContext *ctx, int32_t dataType) {
  Builder b(ctx);
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return Type();
  }
}

RankedTensorType convertValueType(MLIRContext *ctx,
                                  const onnx::ValueInfoProto &info,
                                  std::string &error) {
  if (!info.type().has_tensor_type()) {
    error = "'" + info.name() + "' is not a tensor";
    return {};
  }
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type element = convertElementType(ctx, tensor.elem_type());
  if (!element) {
    error = "'" + info.name() + "' has unsupported element type " +
            std::to_string(tensor.elem_type());
    return {};
  }
  if (!tensor.has_shape()) {
    error = "'" + info.name() + "' has no shape (rank unknown)";
    return {};
  }
  // Symbolic dimensions (batch, sequence) stay dynamic.
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                        : ShapedType::kDynamic);
  return RankedTensorType::get(shape, element);
}

ElementsAttr convertInitializer(MLIRContext *ctx,
                                const onnx::TensorProto &tensor,
                                std::string &error) {
  Type element = convertElementType(ctx, tensor.data_type());
  if (!element) {
    error = "initializer '" + tensor.name() + "' has unsupported data type " +
            std::to_string(tensor.data_type());
    return {};
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "initializer '" + tensor.name() +
            "' uses external data, which the importer does not read yet";
    return {};
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  auto type = RankedTensorType::get(shape, element);
  int64_t count = type.getNumElements();
  int64_t width = (element.getIntOrFloatBitWidth() + 7) / 8;

  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (static_cast<int64_t>(raw.size()) != count * width) {
      error = "initializer '" + tensor.name() + "' has " +
              std::to_string(raw.size()) + " bytes of raw_data, expected " +
              std::to_string(count * width);
      return {};
    }
    if (element.isInteger(1)) {
      SmallVector<bool> bits;
      for (char c : raw)
        bits.push_back(c != 0);
      return DenseElementsAttr::get(type, bits);
    }
    // Large weights become resource blobs: printed once in the file's
    // resource section (elided with --mlir-elide-resource-strings-if-larger)
    // instead of as a hex literal at every use.
    if (static_cast<int64_t>(raw.size()) >= kResourceThresholdBytes)
      return DenseResourceElementsAttr::get(
          type, tensor.name().empty() ? "onnx_initializer" : tensor.name(),
          HeapAsmResourceBlob::allocateAndCopyWithAlign(
              ArrayRef<char>(raw.data(), raw.size()), alignof(uint64_t)));
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(raw.data(), raw.size()));
  }

  // Typed fields: float_data for f32, int32_data for narrow types and f16/
  // bf16 bit patterns, int64_data, double_data.
  auto mismatch = [&](int64_t have) -> ElementsAttr {
    error = "initializer '" + tensor.name() + "' has " + std::to_string(have) +
            " values, expected " + std::to_string(count);
    return {};
  };
  if (element.isF32()) {
    if (tensor.float_data_size() != count)
      return mismatch(tensor.float_data_size());
    return DenseElementsAttr::get(
        type, ArrayRef<float>(tensor.float_data().data(), count));
  }
  if (element.isF64()) {
    if (tensor.double_data_size() != count)
      return mismatch(tensor.double_data_size());
    return DenseElementsAttr::get(
        type, ArrayRef<double>(tensor.double_data().data(), count));
  }
  if (element.isInteger(64)) {
    if (tensor.int64_data_size() != count)
      return mismatch(tensor.int64_data_size());
    SmallVector<int64_t> values(tensor.int64_data().begin(),
                                tensor.int64_data().end());
    return DenseElementsAttr::get(type, ArrayRef<int64_t>(values));
  }
  if (tensor.int32_data_size() != count)
    return mismatch(tensor.int32_data_size());
  if (element.isInteger(32)) {
    SmallVector<int32_t> values(tensor.int32_data().begin(),
                                tensor.int32_data().end());
    return DenseElementsAttr::get(type, ArrayRef<int32_t>(values));
  }
  if (isa<FloatType>(element)) { // f16 / bf16 bits in the low 16 bits
    SmallVector<APFloat> values;
    const llvm::fltSemantics &sem =
        cast<FloatType>(element).getFloatSemantics();
    for (int32_t bits : tensor.int32_data())
      values.emplace_back(sem, APInt(16, static_cast<uint16_t>(bits)));
    return DenseElementsAttr::get(type, values);
  }
  SmallVector<APInt> values;
  for (int32_t v : tensor.int32_data())
    values.emplace_back(element.getIntOrFloatBitWidth(), v, /*isSigned=*/true);
  return DenseElementsAttr::get(type, values);
}

} // namespace moe::onnx_import
