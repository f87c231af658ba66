//===- ExpertWeights.cpp - one expert's matrices as floats ----------------===//

#include "ExpertWeights.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;
using namespace moe;

/// The values of a constant tensor, or failure with an error naming `what`.
static FailureOr<std::vector<float>>
readConstant(ExpertsOp op, Value value, StringRef what, bool &fromResource) {
  std::vector<float> values;
  if (!value)
    return values;
  auto type = cast<ShapedType>(value.getType());
  Type element = type.getElementType();
  if (!element.isF32() && !element.isF16() && !element.isBF16())
    return op.emitOpError("PIM lowering: ")
           << what << " element type " << element
           << " is not supported (f32, f16, bf16)";
  ElementsAttr attr;
  if (!type.hasStaticShape() || !matchPattern(value, m_Constant(&attr)))
    return op.emitOpError("PIM lowering: ")
           << what << " must be a constant of static shape to be laid out "
           << "in PIM memory";
  values.reserve(type.getNumElements());
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (const APFloat &v : dense.getValues<APFloat>())
      values.push_back(v.convertToFloat());
    return values;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    // The raw little-endian elements of the blob (f32, f16 or bf16).
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    size_t bytes = element.getIntOrFloatBitWidth() / 8;
    if (blob && blob->getData().size() == type.getNumElements() * bytes) {
      ArrayRef<char> data = blob->getData();
      const llvm::fltSemantics &semantics =
          cast<FloatType>(element).getFloatSemantics();
      for (int64_t i = 0, n = type.getNumElements(); i < n; ++i) {
        uint32_t bits = 0;
        std::memcpy(&bits, data.data() + i * bytes, bytes);
        APFloat value(semantics, APInt(bytes * 8, bits));
        values.push_back(value.convertToFloat());
      }
      fromResource = true;
      return values;
    }
  }
  return op.emitOpError("PIM lowering: cannot read the ")
         << what
         << " constant (dense, or dense_resource whose blob holds the data)";
}

LogicalResult ExpertWeightReader::read(ExpertsOp op) {
  auto fc1Type = cast<ShapedType>(op.getFc1Weights().getType());
  hidden = fc1Type.getDimSize(2);
  intermediate = fc1Type.getDimSize(1) / op.getFc1RowFactor();
  struct Source {
    Value value;
    StringRef what;
    std::vector<float> *into;
  } sources[] = {{op.getFc1Weights(), "fc1 weights", &fc1},
                 {op.getFc2Weights(), "fc2 weights", &fc2},
                 {op.getFc3Weights(), "fc3 weights", &fc3},
                 {op.getFc1Bias(), "fc1 bias", &fc1Bias},
                 {op.getFc2Bias(), "fc2 bias", &fc2Bias},
                 {op.getFc3Bias(), "fc3 bias", &fc3Bias}};
  for (Source &source : sources) {
    FailureOr<std::vector<float>> values =
        readConstant(op, source.value, source.what, resourceWeights);
    if (failed(values))
      return failure();
    *source.into = std::move(*values);
  }
  return success();
}

/// Rows `first, first + stride, ...` (count of them) of a [*, cols] slice.
static std::vector<float> rows(const std::vector<float> &all, size_t base,
                               int64_t first, int64_t stride, int64_t count,
                               int64_t cols) {
  std::vector<float> out;
  if (all.empty())
    return out;
  out.reserve(count * cols);
  for (int64_t r = 0; r < count; ++r) {
    auto begin = all.begin() + base + (first + r * stride) * cols;
    out.insert(out.end(), begin, begin + cols);
  }
  return out;
}

ExpertMatrices ExpertWeightReader::expert(ExpertsOp op, int64_t e) const {
  int64_t h = hidden, i = intermediate, f = op.getFc1RowFactor();
  ExpertMatrices m;
  size_t fc1Base = size_t(e) * f * i * h, biasBase = size_t(e) * f * i;
  // Where the gate and the linear part of fc1 (and its bias) are.
  int64_t gateFirst = 0, linearFirst = 0, stride = 1;
  auto layout = op.getGateLayout();
  if (op.isGated() && layout && *layout == GateLayout::interleaved) {
    linearFirst = 1;
    stride = 2;
  } else if (op.isGated() && layout && *layout == GateLayout::concatenated) {
    linearFirst = i;
  }
  m.gate = rows(fc1, fc1Base, gateFirst, stride, i, h);
  m.gateBias = rows(fc1Bias, biasBase, gateFirst, stride, i, 1);
  if (op.isGated() && f == 2) {
    m.linear = rows(fc1, fc1Base, linearFirst, stride, i, h);
    m.linearBias = rows(fc1Bias, biasBase, linearFirst, stride, i, 1);
  } else if (op.isGated()) {
    m.linear = rows(fc3, size_t(e) * i * h, 0, 1, i, h);
    m.linearBias = rows(fc3Bias, size_t(e) * i, 0, 1, i, 1);
  }
  m.down = rows(fc2, size_t(e) * h * i, 0, 1, h, i);
  m.downBias = rows(fc2Bias, size_t(e) * h, 0, 1, h, 1);
  return m;
}
