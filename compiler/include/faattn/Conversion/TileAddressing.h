//===- TileAddressing.h - where a tile's rows and elements live -*- C++ -*-===//
//
// The addressing of tile_load / tile_store rows that every lowering shares
// (CPU linalg bodies, the SIMT and wgmma GPU paths): the memref indices of a
// tile element, and where a row of a (packed, limited or paged) sequence
// lives and whether it exists; every position is checked against the
// memref's sizes and the page table, so an out-of-range read gives 0 and an
// out-of-range write is dropped.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_CONVERSION_TILEADDRESSING_H
#define FAATTN_CONVERSION_TILEADDRESSING_H

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

namespace faattn {

/// The sequence dimension of a tile_load/tile_store memref: 1 (bshd) or 2
/// (bhsd) for Q/K/V/O, 2 for the (batch, heads, seq) LSE.
unsigned tileSeqDim(mlir::MemRefType type, Layout layout);

/// The memref indices of element (row, col) of a tile of (batch, head) rows.
llvm::SmallVector<mlir::Value> tileMemIndices(mlir::MemRefType type, Layout layout,
                                              mlir::Value batch, mlir::Value head,
                                              mlir::Value row, mlir::Value col);

/// Where tile row `r` (an index, counted from the tile's first row) of a
/// tile_load or tile_store lives: sequence row row0 + r of the op's head, or
/// with `head_group = G` row row0 + r % R of head head + r / R (R = rows /
/// G); the memref's batch, head and sequence indices, and whether the row
/// exists (inside the sequence's limit, the page table and the memref). A
/// paged row reads the page table (guarded: never out of its bounds).
struct RowAddress {
  mlir::Value inside; ///< i1
  mlir::Value batch;  ///< index: the memref's batch (for pages: the page)
  mlir::Value head;   ///< index: the memref's head
  mlir::Value row;    ///< index: the memref's sequence position
};
RowAddress tileRowAddress(mlir::OpBuilder &b, mlir::Location loc, TileLoadOp load,
                          mlir::Value r);
RowAddress tileRowAddress(mlir::OpBuilder &b, mlir::Location loc, TileStoreOp store,
                          mlir::Value r);

/// Element `col` of the row at `at`, or 0 when the row does not exist or
/// `col` is a padded column (past the memref's head dim).
mlir::Value loadOrZero(mlir::OpBuilder &b, mlir::Location loc, TileLoadOp load,
                       const RowAddress &at, mlir::Value col);

/// Elements [col, col + width) of the row at `at` as a vector (one aligned
/// load: the head dims are multiples of 8), or zeros when the row does not
/// exist or they are padded columns (a chunk is all inside or all past D).
mlir::Value loadChunkOrZero(mlir::OpBuilder &b, mlir::Location loc, TileLoadOp load,
                            const RowAddress &at, mlir::Value col, int64_t width);

/// The columns of a tile_load / tile_store's memref that its tile holds: the
/// head dim D of a 4-D memref (a padded tile has more, read as 0, not
/// written), 1 for the LSE's 3-D one.
int64_t memColumns(mlir::MemRefType type);

/// `inside` and, when `tileCols` pads the memref's head dim, `col` < D: a
/// padded column neither reads memory nor is written.
mlir::Value withinColumns(mlir::OpBuilder &b, mlir::Location loc, mlir::Value inside,
                          mlir::MemRefType type, int64_t tileCols, mlir::Value col);

} // namespace faattn

#endif // FAATTN_CONVERSION_TILEADDRESSING_H
