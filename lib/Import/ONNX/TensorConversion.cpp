//===- TensorConversion.cpp - ONNX types and initializers to MLIR ---------===//

#include "GraphImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

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
  int64_t elements = 1;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    if (!dim.has_dim_value()) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (dim.dim_value() < 0 ||
        llvm::MulOverflow(elements, dim.dim_value(), elements)) {
      error = "'" + info.name() + "' has dimension " +
              std::to_string(dim.dim_value()) +
              (dim.dim_value() < 0 ? " (negative)"
                                   : ", and its element count does not fit "
                                     "in 64 bits");
      return {};
    }
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, element);
}

/// An initializer stored in a file beside the model (location, offset,
/// length): memory-mapped, and the mapping becomes the resource blob, so the
/// weights are not copied.
static ElementsAttr readExternalData(RankedTensorType type,
                                     const onnx::TensorProto &tensor,
                                     int64_t bytes, StringRef modelDir,
                                     std::string &error) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      offset = std::strtoull(entry.value().c_str(), nullptr, 10);
    else if (entry.key() == "length")
      length = std::strtoull(entry.value().c_str(), nullptr, 10);
  }
  std::string what = "initializer '" + tensor.name() + "': external data ";
  if (location.empty()) {
    error = what + "has no location";
    return {};
  }
  if (length && static_cast<int64_t>(*length) != bytes) {
    error = what + "has length " + std::to_string(*length) + ", the tensor " +
            "needs " + std::to_string(bytes) + " bytes";
    return {};
  }
  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, location);
  uint64_t fileSize = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize)) {
    error = what + "file '" + path.str().str() +
            "' cannot be opened: " + ec.message();
    return {};
  }
  if (offset > fileSize || fileSize - offset < static_cast<uint64_t>(bytes)) {
    error = what + "needs bytes [" + std::to_string(offset) + ", " +
            std::to_string(offset + bytes) + ") of '" + path.str().str() +
            "', which has " + std::to_string(fileSize) + " bytes";
    return {};
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> mapped =
      llvm::MemoryBuffer::getFileSlice(path, bytes, offset,
                                       /*IsVolatile=*/false);
  if (!mapped) {
    error = what + "file '" + path.str().str() +
            "' cannot be read: " + mapped.getError().message();
    return {};
  }
  // The blob owns the mapping; its alignment is what the address gives.
  llvm::MemoryBuffer *buffer = mapped->release();
  ArrayRef<char> data(buffer->getBufferStart(), buffer->getBufferSize());
  size_t alignment = 1;
  while (alignment < alignof(uint64_t) &&
         reinterpret_cast<uintptr_t>(data.data()) % (alignment * 2) == 0)
    alignment *= 2;
  AsmResourceBlob blob(
      data, alignment, [buffer](void *, size_t, size_t) { delete buffer; },
      /*dataIsMutable=*/false);
  return DenseResourceElementsAttr::get(type, tensor.name(), std::move(blob));
}

ElementsAttr convertInitializer(MLIRContext *ctx,
                                const onnx::TensorProto &tensor,
                                StringRef modelDir, std::string &error) {
  Type element = convertElementType(ctx, tensor.data_type());
  if (!element) {
    error = "initializer '" + tensor.name() + "' has unsupported data type " +
            std::to_string(tensor.data_type());
    return {};
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t width = (element.getIntOrFloatBitWidth() + 7) / 8;
  // The byte size must fit in 64 bits, so every size below is exact.
  int64_t count = 1, bytes = 0;
  for (int64_t dim : shape)
    if (dim < 0 || llvm::MulOverflow(count, dim, count)) {
      error = "initializer '" + tensor.name() + "' has dimension " +
              std::to_string(dim) +
              (dim < 0 ? " (negative)"
                       : ", and its element count does not fit in 64 bits");
      return {};
    }
  if (llvm::MulOverflow(count, width, bytes)) {
    error = "initializer '" + tensor.name() + "' has " + std::to_string(count) +
            " elements, more bytes than 64 bits count";
    return {};
  }
  auto type = RankedTensorType::get(shape, element);
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return readExternalData(type, tensor, count * width, modelDir, error);

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
  // int8, uint8 and bool: a value outside its type is a malformed file, not
  // something to wrap silently (255 in an int8 tensor would read as -1).
  unsigned bits = element.getIntOrFloatBitWidth();
  bool isUnsigned = tensor.data_type() == onnx::TensorProto::UINT8;
  SmallVector<APInt> values;
  for (auto [i, v] : llvm::enumerate(tensor.int32_data())) {
    if (bits == 1) {
      values.emplace_back(1, v != 0);
      continue;
    }
    bool fits =
        isUnsigned ? v >= 0 && llvm::isUIntN(bits, v) : llvm::isIntN(bits, v);
    if (!fits) {
      error = "initializer '" + tensor.name() + "' holds " + std::to_string(v) +
              " at element " + std::to_string(i) + ", outside " +
              (isUnsigned ? "u" : "") + "int" + std::to_string(bits);
      return {};
    }
    values.emplace_back(bits, static_cast<uint64_t>(static_cast<int64_t>(v)),
                        /*isSigned=*/!isUnsigned);
  }
  return DenseElementsAttr::get(type, values);
}

} // namespace moe::onnx_import
