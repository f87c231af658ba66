//===- TensorBuilders.h - IR pieces shared by the op importers --*- C++ -*-===//
//
// Private to lib/Import/ONNX: numpy broadcasting, element-wise and reducing
// linalg.generic ops, sizes that may be dynamic, scalar constants and casts,
// reshapes, compile-time integer constants.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_LIB_IMPORT_ONNX_TENSORBUILDERS_H
#define MOE_LIB_IMPORT_ONNX_TENSORBUILDERS_H

#include "OpImporters.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/OpDefinition.h"

namespace moe::onnx_import {

/// Builds the scalar body of an element-wise op from its scalar operands.
using ScalarBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The sizes of `value`: static ones as attributes, dynamic ones as
/// tensor.dim.
llvm::SmallVector<mlir::OpFoldResult>
mixedSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);
/// The static shape of `sizes` (dynamic for the values).
llvm::SmallVector<int64_t>
staticShape(llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// tensor.empty of `sizes`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes,
                        mlir::Type elementType);
/// A tensor of `sizes` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Value value);

/// A scalar constant `value` of `type` (float, integer or i1).
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);
/// The lowest (`lowest`) or highest value of `type`: -inf/+inf for floats.
mlir::Value extremeConstant(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Type type, bool lowest);
/// `value` converted to `to` as ONNX Cast does (float<->int truncating
/// towards zero, anything -> bool is "!= 0", bool -> number is 0/1).
/// `fromUnsigned`/`toUnsigned` read or write the integers as unsigned
/// (ONNX uint8).
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type to,
                          bool fromUnsigned = false, bool toUnsigned = false);
/// A scalar index from an integer scalar.
mlir::Value toIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

/// One operand of a broadcast: its (leading) static sizes and, where some
/// are dynamic, the tensor to read them from (dimension k of `shape` is
/// dimension k of `value`).
struct BroadcastOperand {
  llvm::SmallVector<int64_t> shape;
  mlir::Value value;
};
/// Broadcasts shapes as `broadcast` does; the maps have one result per
/// dimension of each operand's `shape`.
mlir::LogicalResult
broadcastShapes(OpContext &c, llvm::ArrayRef<BroadcastOperand> operands,
                llvm::SmallVectorImpl<mlir::OpFoldResult> &sizes,
                llvm::SmallVectorImpl<mlir::AffineMap> &maps);

/// Numpy multidirectional broadcasting of `operands`: the result sizes and
/// one indexing map per operand. A dimension that is dynamic in one operand
/// and static (not 1) in another takes the static size; dynamic in several
/// operands, they are taken to be equal (a dynamic size of 1 that broadcasts
/// is not supported). Fails (after an error) on inconsistent static sizes.
mlir::LogicalResult broadcast(OpContext &c, mlir::ValueRange operands,
                              llvm::SmallVectorImpl<mlir::OpFoldResult> &sizes,
                              llvm::SmallVectorImpl<mlir::AffineMap> &maps);
/// The same for one operand and target sizes (Expand): the result is the
/// broadcast of both.
mlir::LogicalResult
broadcastTo(OpContext &c, mlir::Value operand, llvm::ArrayRef<int64_t> target,
            llvm::SmallVectorImpl<mlir::OpFoldResult> &sizes,
            mlir::AffineMap &map);

/// A linalg.generic with parallel loops over `sizes`, the given input maps
/// and an identity output map, computing `body` per element.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::ValueRange inputs,
                             llvm::ArrayRef<mlir::AffineMap> maps,
                             llvm::ArrayRef<mlir::OpFoldResult> sizes,
                             mlir::Type resultElementType, ScalarBodyFn body);
/// Broadcasts `operands` and applies `body`; null (after an error) when the
/// shapes do not broadcast.
mlir::Value mapElementwise(OpContext &c, mlir::ValueRange operands,
                           mlir::Type resultElementType, ScalarBodyFn body);

/// Reduces `input` over the sorted `axes`, starting from `init` and folding
/// each element in with `combine(element, accumulator)`; the result drops
/// the reduced dimensions.
mlir::Value reduceAxes(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> axes,
                       mlir::Value init, ScalarBodyFn combine);
/// `value` (the result of reducing axes of a rank `rank` tensor) with those
/// axes put back as size-1 dimensions (keepdims).
mlir::Value insertUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value value, llvm::ArrayRef<int64_t> axes,
                           int64_t rank);
/// The map of a reduced operand, `rank` loops with `axes` dropped.
mlir::AffineMap droppingAxesMap(mlir::MLIRContext *ctx, int64_t rank,
                                llvm::ArrayRef<int64_t> axes);
/// The product of the sizes of `axes` of `value`, as an index.
mlir::Value elementCount(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, llvm::ArrayRef<int64_t> axes);

/// `value` with the same elements in row-major order and `sizes`.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// The integers held by `value` if it is a compile-time constant.
std::optional<llvm::SmallVector<int64_t>> constantIntegers(mlir::Value value);
/// An integer constant tensor of `type` holding `values` (truncated to its
/// element type).
mlir::Value integerConstant(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::RankedTensorType type,
                            llvm::ArrayRef<int64_t> values);
/// The integers of `value` when it is a constant of static shape and integer
/// element type: the shape computations that Shape, Gather, Concat, Slice,
/// Unsqueeze... perform on constants are folded, so that a shape computed
/// from static sizes stays a compile-time constant.
std::optional<llvm::SmallVector<int64_t>> foldableIntegers(mlir::Value value);
/// The entries of the 1-D int64 shape operand `position` of `c`'s node
/// (Reshape, Expand, ConstantOfShape) as index sizes: compile-time
/// constants as attributes, entries computed at run time (Shape, Gather,
/// Concat of a dynamic input) as index values. A run-time shape must have a
/// static length (the result's rank); otherwise an error names `what`.
mlir::FailureOr<llvm::SmallVector<mlir::OpFoldResult>>
shapeOperandEntries(OpContext &c, int position, llvm::StringRef what);
/// An i64 constant tensor of shape [values.size()].
mlir::Value i64VectorConstant(mlir::OpBuilder &b, mlir::Location loc,
                              llvm::ArrayRef<int64_t> values);

bool isFloat(mlir::Type type);

} // namespace moe::onnx_import

#endif // MOE_LIB_IMPORT_ONNX_TENSORBUILDERS_H
