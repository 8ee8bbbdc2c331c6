//===- TileSequence.h - a grid's view of one sequence ------------*- C++ -*-===//
//
// Where the rows of sequence `b` of an attention op are, for the grids that
// faattn-tile and faattn-backward-tile build: the memrefs' batch index of its
// query and key rows, and under varlen (cu_seqlens) or paged KV (seqlens_kv)
// its first rows and lengths, clamped to >= 0 and to the memrefs' rows (so a
// malformed length never makes a loop run wild). Dense sequences have no
// start or limit (null values).
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TRANSFORMS_TILESEQUENCE_H
#define FAATTN_TRANSFORMS_TILESEQUENCE_H

#include <algorithm>

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/IR/Builders.h"

#include <utility>

namespace faattn {

struct TileSequence {
  mlir::Value qBatch, kvBatch;   ///< index: the memrefs' batch of its rows
  mlir::Value qStart, kvStart;   ///< index: its first rows (varlen), or null
  mlir::Value qLimit, kvLimit;   ///< index: its lengths (varlen, paged), or null
};

/// Sequence `bIdx` (an index) of `op`; `kvRows` bounds a paged length (the
/// block table's capacity).
TileSequence tileSequence(mlir::OpBuilder &b, mlir::Location loc, AttentionOp op,
                          mlir::Value bIdx, mlir::Value kvRows);

/// The head dims (qk, v) of `op`'s tiles: the op's, or with `pad` (the
/// pad-head-dims option of faattn-tile and faattn-backward-tile) rounded up
/// to multiples of 16 where the tensor-core lowering takes the padded
/// kernel: a function for sm_90a whose Q, K and V are of one 16-bit type (or
/// f32, the CPU path's storage of such a kernel), head dims multiples of 8.
std::pair<int64_t, int64_t> tileHeadDims(AttentionOp op, bool pad);

/// The column chunks of faattn-backward-tile's `max-cols` for tile head dims
/// (qk, v): the fewest equal chunks of both, each at most `maxCols` wide and
/// a multiple of 8; 1 (no chunks) when both fit, when `maxCols` is 0, or
/// when no such split exists.
inline int64_t backwardColumnChunks(int64_t qk, int64_t v, int64_t maxCols) {
  if (maxCols <= 0 || std::max(qk, v) <= maxCols)
    return 1;
  int64_t n = (std::max(qk, v) + maxCols - 1) / maxCols;
  bool even = qk % n == 0 && v % n == 0 && (qk / n) % 8 == 0 && (v / n) % 8 == 0;
  return even ? n : 1;
}

} // namespace faattn

#endif // FAATTN_TRANSFORMS_TILESEQUENCE_H
