//===- TileScalar.h - One element of an elementwise tile op -----*- C++ -*-===//
//
// The scalar semantics of tile_map, tile_score and tile_mask, shared by every
// lowering (CPU linalg bodies, GPU per-thread loops): given the element's
// inputs (and for score/mask its absolute q_idx and kv_idx), emit the value.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_CONVERSION_TILESCALAR_H
#define FAATTN_CONVERSION_TILESCALAR_H

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

namespace faattn {

/// The sequence dimension of a tile_load/tile_store memref: 1 (bshd) or 2
/// (bhsd) for Q/K/V/O, 2 for the (batch, heads, seq) LSE.
unsigned tileSeqDim(mlir::MemRefType type, Layout layout);

/// The memref indices of element (row, col) of a tile of (batch, head) rows.
llvm::SmallVector<mlir::Value> tileMemIndices(mlir::MemRefType type, Layout layout,
                                              mlir::Value batch, mlir::Value head,
                                              mlir::Value row, mlir::Value col);

/// Where row `row` (counted from its sequence's start) of a tile_load or
/// tile_store lives: the memref's batch and sequence indices, and whether the
/// row exists (inside the sequence's limit, the page table and the memref).
/// A paged row reads the page table (guarded: never out of its bounds).
struct RowAddress {
  mlir::Value inside; ///< i1
  mlir::Value batch;  ///< index: the memref's batch (for pages: the page)
  mlir::Value row;    ///< index: the memref's sequence position
};
RowAddress tileRowAddress(mlir::OpBuilder &b, mlir::Location loc, TileLoadOp load,
                          mlir::Value row);
RowAddress tileRowAddress(mlir::OpBuilder &b, mlir::Location loc, TileStoreOp store,
                          mlir::Value row);

/// Element `col` of the row at `at`, or 0 when the row does not exist.
mlir::Value loadOrZero(mlir::OpBuilder &b, mlir::Location loc, TileLoadOp load,
                       const RowAddress &at, mlir::Value col);


/// Clones the single block of `region` at the builder with its arguments
/// mapped to `args`; returns the value its faattn.yield yields. Ops whose
/// results `pre` already maps (see hoistUniform) are not cloned again.
mlir::Value inlineRegion(mlir::OpBuilder &b, mlir::Region &region, mlir::ValueRange args,
                         const mlir::IRMapping *pre = nullptr);

/// The ops of a tile_score or tile_mask region that depend on neither the
/// score nor q_idx / kv_idx (constants, b, h, the sequence lengths, params
/// read at such indices: slopes[h]), cloned once at the builder, so that
/// a lowering evaluating the region per element computes them once per tile
/// instead. Returns the mapping of their results, for emitScoreElement /
/// emitMaskElement. Safe for the loads among them: a tile op that runs has
/// at least one element in range, which reads the same address.
mlir::IRMapping hoistUniform(mlir::OpBuilder &b, mlir::Operation *tileOp);

/// tile_map: the region applied to one element's input scalars.
mlir::Value emitMapElement(mlir::OpBuilder &b, TileMapOp op, mlir::ValueRange scalars);

/// tile_score at (q, kv) (i32 absolute indices) of input scalar x: the
/// region of scale * x. Evaluated only when q < seq_q and kv < seq_kv, since
/// it may read params indexed by them; otherwise scale * x.
mlir::Value emitScoreElement(mlir::OpBuilder &b, TileScoreOp op, mlir::Value q, mlir::Value kv,
                             mlir::Value x, const mlir::IRMapping *pre = nullptr);

/// tile_mask at (q, kv): x if kv < seq_kv and the region (evaluated only in
/// range) keeps it, else -inf.
mlir::Value emitMaskElement(mlir::OpBuilder &b, TileMaskOp op, mlir::Value q, mlir::Value kv,
                            mlir::Value x, const mlir::IRMapping *pre = nullptr);

} // namespace faattn

#endif // FAATTN_CONVERSION_TILESCALAR_H
