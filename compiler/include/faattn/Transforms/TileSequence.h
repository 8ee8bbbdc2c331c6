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
#include <vector>

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

/// One column chunk of faattn-backward-tile's `max-cols`: its first column
/// and width in qk (dK, dQ, Q, K) and in v (dV, dO).
struct ColumnChunk {
  int64_t qkCol0, qk, vCol0, v;
};

/// The column chunks of faattn-backward-tile's `max-cols` for tile head dims
/// (qk, v): the fewest chunks, each at most `maxCols` wide, whose widths are
/// multiples of a unit (16 when both head dims are multiples of 16, the
/// tensor cores' k-step; else 8) as equal as the unit allows, larger first
/// (176 -> 96 + 80; 256 -> 128 + 128). Empty (no chunks) when both fit, when
/// `maxCols` is 0, or when no such split exists (a head dim not a multiple
/// of 8, or with fewer units than chunks).
inline std::vector<ColumnChunk> backwardColumnChunks(int64_t qk, int64_t v, int64_t maxCols) {
  if (maxCols <= 0 || std::max(qk, v) <= maxCols)
    return {};
  int64_t unit = qk % 16 == 0 && v % 16 == 0 ? 16 : 8;
  if (qk % unit || v % unit || maxCols < unit)
    return {};
  int64_t uqk = qk / unit, uv = v / unit, most = maxCols / unit;
  int64_t n = (std::max(uqk, uv) + most - 1) / most;
  if (n > std::min(uqk, uv))
    return {};
  std::vector<ColumnChunk> chunks;
  int64_t qkAt = 0, vAt = 0;
  for (int64_t c = 0; c < n; ++c) {
    int64_t wqk = (uqk / n + (c < uqk % n)) * unit, wv = (uv / n + (c < uv % n)) * unit;
    chunks.push_back({qkAt, wqk, vAt, wv});
    qkAt += wqk;
    vAt += wv;
  }
  return chunks;
}

} // namespace faattn

#endif // FAATTN_TRANSFORMS_TILESEQUENCE_H
