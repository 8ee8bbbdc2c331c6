//===- FAAttn.h - The faattn dialect ----------------------------*- C++ -*-===//
#ifndef FAATTN_DIALECT_FAATTN_IR_FAATTN_H
#define FAATTN_DIALECT_FAATTN_IR_FAATTN_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "faattn/Dialect/FAAttn/IR/ParamGradSlots.h"

#include "faattn/Dialect/FAAttn/IR/FAAttnDialect.h.inc"
#include "faattn/Dialect/FAAttn/IR/FAAttnEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "faattn/Dialect/FAAttn/IR/FAAttnTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "faattn/Dialect/FAAttn/IR/FAAttnAttrs.h.inc"

namespace faattn {
/// The operands of `faattn.attention` that describe sequences which are not
/// one dense (batch, seq) range: varlen's cumulative lengths and paged KV's
/// block table and lengths. Null when absent.
struct SequenceOperands {
  mlir::Value cuSeqlensQ, cuSeqlensKV, blockTable, seqlensKV;
};
/// A backward attention op's gradient operands (all or none): dout (input),
/// dq, dk, dv and one gradient per requires_grad param (outputs).
struct BackwardOperands {
  mlir::Value dout, dq, dk, dv;
  llvm::SmallVector<mlir::Value> paramGrads;
};
/// The padded head dim of `d` (faattn-tile's pad-head-dims; what a tile_load
/// / tile_store tile may have beyond a memref's D): a multiple of 8 rounded
/// up to a multiple of 16 (the lowerings copy 8-column chunks, each all
/// inside or all past D); any other `d` itself.
inline int64_t paddedHeadDim(int64_t d) { return d % 8 == 0 ? (d + 15) / 16 * 16 : d; }

/// The largest finite float8_e4m3fn (E4M3FN has no infinity): where an e4m3
/// output saturates (softmax_finalize with descale; the quantizer's bound).
inline constexpr float kE4M3Max = 448.0f;

/// The memref indices of a deterministic backward's turn lock for Q block
/// `block` (faattn.turn_pass / turn_wait / turn_end's lockIndices): (batch,
/// head, offset + block * rows); `offset` may be null.
llvm::SmallVector<mlir::Value> turnLockIndices(mlir::OpBuilder &b, mlir::Location loc,
                                               mlir::Value batch, mlir::Value head,
                                               mlir::Value offset, mlir::Value block,
                                               int64_t rows);
} // namespace faattn

#define GET_OP_CLASSES
#include "faattn/Dialect/FAAttn/IR/FAAttnOps.h.inc"

#endif // FAATTN_DIALECT_FAATTN_IR_FAATTN_H
