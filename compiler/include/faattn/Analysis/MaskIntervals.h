//===- MaskIntervals.h - Interval analysis of mask regions ------*- C++ -*-===//
#ifndef FAATTN_ANALYSIS_MASKINTERVALS_H
#define FAATTN_ANALYSIS_MASKINTERVALS_H

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

namespace faattn {

/// A closed integer interval; `unknown()` covers every value.
struct Interval {
  int64_t lo, hi;
  static Interval point(int64_t v) { return {v, v}; }
  static Interval unknown();
  bool isUnknown() const;
  bool operator==(const Interval &o) const { return lo == o.lo && hi == o.hi; }
};

/// What the mask is over a whole block of (q_idx, kv_idx).
enum class BlockClass { Empty, Partial, Full };

/// Ranges of the mask region's index arguments over one block.
struct BlockRanges {
  Interval batch, head, qIdx, kvIdx, seqQ, seqKV;
};

/// Evaluates a mask region (arguments b, h, q_idx, kv_idx, seq_q, seq_kv,
/// params...; yields i1) over `ranges` by interval arithmetic on its arith and
/// math ops (anything else, params included, is unknown) and says whether the
/// mask is false everywhere, true everywhere or neither. An empty region is
/// Full everywhere. Sound: Empty and Full are never wrong; Partial may be
/// pessimistic for masks that interval arithmetic cannot see through
/// (data-dependent ones).
BlockClass classifyBlock(mlir::Region &mask, const BlockRanges &ranges);

struct BlockCounts {
  int64_t empty = 0, partial = 0, full = 0;
};

/// Classifies every (q-block, kv-block) of a seqQ x seqKV problem with
/// blockM x blockN tiles and `numHeads` heads (blocks at the sequence ends
/// are clipped).
BlockCounts countBlocks(mlir::Region &mask, int64_t numHeads, int64_t blockM, int64_t blockN,
                        int64_t seqQ, int64_t seqKV);

/// Emits code that classifies one block at run time, the same analysis with
/// the block's ranges as SSA values: `args` are (lo, hi) i64 pairs for b, h,
/// q_idx, kv_idx, seq_q, seq_kv, and `params` the memrefs the region's param
/// arguments stand for. At run time b and h are exact, and an i32 param read
/// at such single-valued indices (prefix[b]) is read and exact too; one read
/// with a single ranged index (doc[kv_idx]) is the minimum and maximum of the
/// param over the range, read by an scf.parallel of two reductions
/// (faattn.range_reduce: identities as initial values, a body that only
/// reads). Such a read whose range does not depend on the block being
/// classified goes to `hoist` when given (the Q block's rows are the same for
/// every KV block of a scan). The others run only when the classification
/// without them leaves the block undecided (their range is empty otherwise:
/// no branch). Returns (mayBeTrue, mayBeFalse) as i1 values: the block is
/// empty when !mayBeTrue and full when !mayBeFalse.
std::pair<mlir::Value, mlir::Value>
emitBlockClassifier(mlir::OpBuilder &b, mlir::Location loc, mlir::Region &mask,
                    llvm::ArrayRef<std::pair<mlir::Value, mlir::Value>> args,
                    mlir::ValueRange params, mlir::OpBuilder *hoist = nullptr);

} // namespace faattn

#endif // FAATTN_ANALYSIS_MASKINTERVALS_H
