//===- SplitKVCombine.h - template: the split-KV combine --------*- C++ -*-===//
//
// The combine of split-KV decode (Flash-Decoding), built by faattn-split-kv
// as scalar code (memref loads and stores, no tiles) and lowered by every
// path: the CPU path runs it as loops, the SIMT GPU lowering
// (compiler/Conversion/TilesToGPU) as the kernel `name`_combine.
//
// Grid and roles. One CTA per (batch b, head h, q-block qb): the grid
// (batch, heads, q_blocks) of the split grid without its split dimension
// (and without GQA packing: one query head). The grid carries faattn.block_m
// = the q-block's rows; the kernel runs that many threads. Its body is one
// scf.parallel over the Dv columns, which the SIMT lowering spreads over the
// threads (column c: thread c mod threads; reads of consecutive columns are
// coalesced); each column walks the q-block's rows inside the sequence (rows
// past seq_q are not read or written). No barrier, no shared memory.
//
// Phases, per (row, column). (1) m = max_s lse_s over the S splits;
// base = m, or 0 when m = -inf (every split saw nothing). (2) l = sum_s w_s,
// acc = sum_s w_s O_s with w_s = exp(lse_s - base). (3) O = acc / l (0 where
// l = 0) in the output's element type; the column-0 thread writes LSE =
// m + log(l) (-inf where l = 0) when the kernel returns it.
//
// No split is dropped: a split whose partial is NaN (a NaN it saw) has LSE
// NaN, which makes m, its weight and so O and LSE NaN; only l == 0 (every
// split kept nothing) gives 0 and -inf.
//
// Needs: the workspace the split grid wrote (partial O as bshd (B * S, Sq,
// H, Dv) f32 and partial LSE as (B * S, H, Sq), row b * S + s for split s:
// KernelABI.h's workspace:o and workspace:lse), the number of splits S (an
// index value), the out and lse memrefs with their layout, and the tile
// shapes of the split grid's accumulator (block_m x Dv) and rows (block_m x
// 1).
//
// Packed sequences (varlen: every sequence's query rows in one batch of
// total_q rows). The workspace is then (S, total_q, H, Dv) and (S, H,
// total_q), row s for split s: sequence b's rows are its packed rows [start,
// start + length), as in out, so the splits of all sequences take S copies
// of Q's rows, not B * S. `sequenceRows` gives each CTA its sequence's
// memref batch index (0), start and length, computed from the CTA's batch
// index as the split grid computed them (cu_seqlens, clamped); the CTA's
// q-block covers rows [qb * block_m, ...) of its own sequence, and a q-block
// past its sequence's end does nothing.
//
// Balanced splits (faattn-split-kv's `balance`): a sequence may use fewer
// than S splits (its chunk is longer than its own blocks / S); the splits it
// did not use ran no KV block and stored nothing (their workspace rows hold
// whatever was there). `liveSplits` gives each CTA its sequence's count,
// computed as the split grid computed it, and the combine must read only
// those.
//
// The last CTA combines (faattn-split-kv's `last-cta-combine`; issue 23
// item 2's alternative to the combine grid). No combine grid: after its
// stores of the partials, every CTA of a tile (the split grid's (b, head
// group, q-block), all S splits, idle balanced ones too) arrives at the
// tile's counter, faattn.split_arrive (an i32 workspace shaped as the LSE's
// without the split dimension: (B, H, Sq), packed (1, H, total_q), indexed
// at the tile's first head and row). The S-th arrival combines the tile's
// rows, G query heads x its R rows (buildSplitKVCombineRows with heads = G),
// in its own CTA: one scf.parallel marked faattn.thread_loop over G x Dv
// items that each lowering spreads over the CTA's threads, and sets the
// counter back to 0, so that the counter is zero after every complete
// launch (the runtime also zeroes it with a memset before each launch, so
// that nothing depends on the reset yet; a workspace kept without that
// memset would need the counters at a fixed offset, which they are not:
// they follow the partials, whose size changes with S and seq_q). Memory
// order on the GPU
// (lowerSplitArrive): every thread's fence (membar.gl) after its stores, a
// CTA barrier, thread 0's atomic add; in the last CTA thread 0's fence,
// then a barrier (bar.red.or) that broadcasts "last" to the CTA, whose
// loads of the partials follow it. Nothing waits: no CTA depends on another
// being resident.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TEMPLATES_SPLITKVCOMBINE_H
#define FAATTN_TEMPLATES_SPLITKVCOMBINE_H

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include <array>
#include <functional>

namespace faattn {

/// What the combine reads and writes (see the file comment).
struct SplitKVCombineOperands {
  mlir::Value splits;            // S (index)
  mlir::Value oPart, lsePart;    // the workspace
  mlir::Value out, lse;          // lse: null without return_lse
  Layout layout;                 // out's and lse's
  TileType accTy, rowTy;         // block_m x Dv and block_m x 1, f32
  /// Packed sequences (see the file comment), else null: at the combine
  /// CTA's batch index b, {the memrefs' batch index, first row, row count}.
  std::function<std::array<mlir::Value, 3>(mlir::OpBuilder &, mlir::Value)> sequenceRows;
  /// Balanced splits (see the file comment), else null: at the combine CTA's
  /// batch index b, the number of splits its sequence used (at most S).
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Value)> liveSplits;
};

/// One tile's rows for buildSplitKVCombineRows: query heads [head0, head0 +
/// heads) x the sequence's rows [row0, rowEnd) (memref rows start + r when
/// packed, start null when dense), at the memrefs' batch index outBatch;
/// `used` splits read from workspace row `first` on.
struct SplitKVCombineRows {
  mlir::Value outBatch, start, head0;
  int64_t heads;
  mlir::Value row0, rowEnd, used, first;
};

/// Builds the combine of `rows` at `b`'s insertion point: an scf.parallel
/// over heads x Dv items (item i: head head0 + i / Dv, column i mod Dv),
/// each walking the rows (phases (1)-(3) above), and returns it.
mlir::scf::ParallelOp buildSplitKVCombineRows(mlir::OpBuilder &b, mlir::Location loc,
                                              const SplitKVCombineOperands &ops,
                                              const SplitKVCombineRows &rows);

/// The GPU form of faattn.split_arrive (the protocol above) at `b`'s
/// insertion point, for a CTA whose thread index is `tid` (every thread of
/// the CTA runs it): returns the op's result, the same in every thread.
mlir::Value lowerSplitArrive(mlir::OpBuilder &b, SplitArriveOp op, mlir::Value tid);

/// The iterations of `par` (one dimension, no reductions) spread over a
/// CTA's `threads` threads: for (i = lb + tid * step; i < ub; i += threads *
/// step) with `par`'s body, which replaces it; null (and an error on `par`)
/// when `par` is not of that form. The combine's columns on the GPU paths.
mlir::scf::ForOp spreadOverThreads(mlir::scf::ParallelOp par, mlir::Value tid, int64_t threads);

/// Builds the combine grid after the insertion point of `b`: an scf.forall
/// over `gridUpperBounds` (batch, heads, q_blocks) marked
/// faattn.split_kv_combine, and returns it.
mlir::scf::ForallOp buildSplitKVCombine(mlir::OpBuilder &b, mlir::Location loc,
                                        llvm::ArrayRef<mlir::OpFoldResult> gridUpperBounds,
                                        const SplitKVCombineOperands &ops);

} // namespace faattn

#endif // FAATTN_TEMPLATES_SPLITKVCOMBINE_H
