//===- KernelBuilders.h - small op builders of the kernel bodies -*- C++
//-*-===//
//
// Index and f32 constants, integer arithmetic, structured loops and
// conditionals shared by the expert kernels and the layer kernels (route,
// dispatch, combine). Private to passes/MoEToGPU.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_MOETOGPU_KERNELBUILDERS_H
#define MOE_PASSES_MOETOGPU_KERNELBUILDERS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace moe::gpukernels {

inline mlir::Value idx(mlir::OpBuilder &b, mlir::Location loc, int64_t v) {
  return mlir::arith::ConstantIndexOp::create(b, loc, v);
}
inline mlir::Value f32(mlir::OpBuilder &b, mlir::Location loc, double v) {
  return mlir::arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}
inline mlir::Value addi(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        mlir::Value y) {
  return mlir::arith::AddIOp::create(b, loc, x, y);
}
inline mlir::Value muli(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        mlir::Value y) {
  return mlir::arith::MulIOp::create(b, loc, x, y);
}
inline mlir::Value cmp(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::arith::CmpIPredicate p, mlir::Value x,
                       mlir::Value y) {
  return mlir::arith::CmpIOp::create(b, loc, p, x, y);
}
inline mlir::Value both(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        mlir::Value y) {
  return mlir::arith::AndIOp::create(b, loc, x, y);
}

/// A loop `for iv = lo; iv < hi; iv += step` whose body gets `iv`.
inline void
forRange(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lo, mlir::Value hi,
         mlir::Value step,
         llvm::function_ref<void(mlir::OpBuilder &, mlir::Value)> fn) {
  mlir::scf::ForOp::create(b, loc, lo, hi, step, mlir::ValueRange{},
                           [&](mlir::OpBuilder &nb, mlir::Location nl,
                               mlir::Value iv, mlir::ValueRange) {
                             fn(nb, iv);
                             mlir::scf::YieldOp::create(nb, nl);
                           });
}
inline void
forCount(mlir::OpBuilder &b, mlir::Location loc, int64_t count,
         llvm::function_ref<void(mlir::OpBuilder &, mlir::Value)> fn) {
  forRange(b, loc, idx(b, loc, 0), idx(b, loc, count), idx(b, loc, 1), fn);
}
inline void ifThen(mlir::OpBuilder &b, mlir::Location loc, mlir::Value cond,
                   llvm::function_ref<void(mlir::OpBuilder &)> fn) {
  auto op = mlir::scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
  mlir::OpBuilder nb = mlir::OpBuilder::atBlockBegin(op.thenBlock());
  nb.setInsertionPoint(op.thenBlock()->getTerminator());
  fn(nb);
}

inline mlir::Value toF32(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value v) {
  if (mlir::getElementTypeOrSelf(v.getType()).isF32())
    return v;
  mlir::Type type = b.getF32Type();
  if (auto vec = mlir::dyn_cast<mlir::VectorType>(v.getType()))
    type = mlir::VectorType::get(vec.getShape(), b.getF32Type());
  return mlir::arith::ExtFOp::create(b, loc, type, v);
}
inline mlir::Value fromF32(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, mlir::Value v) {
  if (type.isF32())
    return v;
  return mlir::arith::TruncFOp::create(b, loc, type, v);
}
inline mlir::Value loadF32(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value memref, mlir::ValueRange indices) {
  return toF32(b, loc, mlir::memref::LoadOp::create(b, loc, memref, indices));
}
inline mlir::Value sigmoid(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x) {
  mlir::Value neg = mlir::arith::NegFOp::create(b, loc, x);
  mlir::Value den = mlir::arith::AddFOp::create(
      b, loc, f32(b, loc, 1.0), mlir::math::ExpOp::create(b, loc, neg));
  return mlir::arith::DivFOp::create(b, loc, f32(b, loc, 1.0), den);
}

} // namespace moe::gpukernels

#endif // MOE_PASSES_MOETOGPU_KERNELBUILDERS_H
