//===- ElementCode.h - one element of an elementwise tile op ----*- C++ -*-===//
//
// The scalar semantics of tile_map, tile_score and tile_mask, shared by every
// lowering (CPU linalg bodies, GPU per-thread loops, wgmma fragments): given
// the element's inputs (and for score/mask its absolute q_idx and kv_idx),
// emit the value; ElementCode splits a region's code by what it depends on.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_CONVERSION_ELEMENTCODE_H
#define FAATTN_CONVERSION_ELEMENTCODE_H

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/IR/IRMapping.h"

namespace faattn {

/// Clones the single block of `region` at the builder with its arguments
/// mapped to `args`; returns the value its faattn.yield yields. Ops whose
/// results `pre` already maps (see ElementCode) are not cloned again.
mlir::Value inlineRegion(mlir::OpBuilder &b, mlir::Region &region, mlir::ValueRange args,
                         const mlir::IRMapping *pre = nullptr);

/// The same for any terminator: clones the block's ops (not its terminator)
/// and returns the mapping, in which the caller looks up what the
/// terminator yields (the grad region's faattn.grad_yield).
mlir::IRMapping inlineRegionBody(mlir::OpBuilder &b, mlir::Region &region,
                                 mlir::ValueRange args, const mlir::IRMapping *pre = nullptr);

/// The query index and head (i32) of a tile_score / tile_mask row.
struct TileRow {
  mlir::Value q, h;
};
/// Row `r` (i32, counted from the tile's first row) of a tile_score or
/// tile_mask: (row0 + r, head); with `head_group = G` (GQA packing, R =
/// M / G rows a head) (row0 + r % R, head + r / R).
TileRow indexedRow(mlir::OpBuilder &b, mlir::Operation *indexedOp, mlir::Value r);

/// The code of a tile_score or tile_mask region split by what it depends
/// on, for a lowering that evaluates the region per element of a tile whose
/// elements share rows and columns (a wgmma fragment: a thread's 64 elements
/// lie in 2 rows and 32 columns):
///   * uniform ops (constants, b, h, the sequence lengths, params read at
///     such indices: slopes[h]) once per tile, when its first element is in
///     range (emitUniform); with a `head_group` h is a row's, not uniform;
///   * ops of q_idx (and a head_group's h) alone (doc[q_idx]) once per
///     distinct row, and ops of
///     kv_idx alone (doc[kv_idx]) once per distinct column, each guarded by
///     its index being inside the sequence (forElement);
///   * the rest per element (emitScoreElement / emitMaskElement with the
///     mapping forElement returns).
/// The loads among the hoisted ops read only addresses the per-element code
/// reads: a tile that runs has an in-range element in each in-range row
/// (its first column) and each in-range column (its first row).
class ElementCode {
public:
  explicit ElementCode(mlir::Operation *tileOp);
  /// The uniform ops, at the builder (before the elements).
  void emitUniform(mlir::OpBuilder &b);
  /// The mapping for an element in row `rowKey` (query index and head
  /// `row`) and column `colKey` (key index kv): the uniform results and that
  /// row's and column's, emitted at the builder the first time a key is seen.
  mlir::IRMapping forElement(mlir::OpBuilder &b, int64_t rowKey, TileRow row, int64_t colKey,
                             mlir::Value kv);

private:
  mlir::IRMapping emitPart(mlir::OpBuilder &b, llvm::ArrayRef<mlir::Operation *> ops,
                           mlir::Value arg, mlir::Value index, mlir::Value bound,
                           mlir::Value head = {});
  /// `ops` cloned under `inside` (the region's arguments, the uniform
  /// results and `extra` mapped), zeros otherwise; maps their results to the
  /// scf.if's.
  mlir::IRMapping emitGuarded(mlir::OpBuilder &b, mlir::Value inside,
                              llvm::ArrayRef<mlir::Operation *> ops, const mlir::IRMapping &extra);

  mlir::Operation *tileOp;
  mlir::IRMapping args; // region arguments -> the op's uniform operands
  mlir::Value qArg, kvArg, seqQ, seqKV, row0, col0;
  /// A `rows` tile_score (columns that are not keys): kv_idx is col0 and
  /// only the row is range-checked, as in emitScoreElement.
  bool rowsOnly = false;
  mlir::Value hArg; // the h argument when it is a row's (head_group), else null
  llvm::SmallVector<mlir::Operation *> uniformOps, rowOps, colOps;
  mlir::IRMapping uniform;
  llvm::DenseMap<int64_t, mlir::IRMapping> rows, cols;
};

/// tile_map: the region applied to one element's input scalars.
mlir::Value emitMapElement(mlir::OpBuilder &b, TileMapOp op, mlir::ValueRange scalars);

/// tile_score at (row, kv) (i32 absolute indices) of input scalar x: the
/// region of scale * x. When its per-element code (what `pre` does not
/// provide) reads a param or may divide by zero, it is evaluated only when
/// q < seq_q and kv < seq_kv (otherwise scale * x); pure code runs
/// unguarded, since a column past seq_kv is masked and a row past seq_q is
/// never stored.
mlir::Value emitScoreElement(mlir::OpBuilder &b, TileScoreOp op, TileRow row, mlir::Value kv,
                             mlir::Value x, const mlir::IRMapping *pre = nullptr);

/// tile_mask at (row, kv): x if kv < seq_kv and the region (evaluated only
/// in range, unless its per-element code is pure) keeps it, else -inf.
mlir::Value emitMaskElement(mlir::OpBuilder &b, TileMaskOp op, TileRow row, mlir::Value kv,
                            mlir::Value x, const mlir::IRMapping *pre = nullptr);

/// The position in `learnable` (an op's requires_grad: the param numbers
/// with a gradient, increasing) of the param that entry `e` of a grad
/// region's faattn.grad_yield names: which gradient buffer it adds into.
unsigned gradBufferIndex(GradYieldOp yield, llvm::ArrayRef<int64_t> learnable, unsigned e);

/// tile_score_grad at (q, kv) (i32) of input x: (score', d score'/d score)
/// from the grad region at scale * x when q < seq_q and kv < seq_kv (the
/// region only evaluated there), else (-inf, 0).
std::pair<mlir::Value, mlir::Value> emitScoreGradElement(mlir::OpBuilder &b, TileScoreGradOp op,
                                                         mlir::Value q, mlir::Value kv,
                                                         mlir::Value x);

/// tile_param_grad at (q, kv) of input x and weight w: when (q, kv) is in
/// range and w != 0, the grad region at scale * x, then for each of its
/// param entries `add(grad buffer, indices, w * d score'/d p[idx])` (a
/// read-modify-write on the CPU, an atomic add on the GPU). The entries
/// marked in `summed` (tileInvariantParamEntries') are not added: their
/// contributions are returned instead, in entry order (0 where the element
/// is out of range or w == 0), for the caller to sum and add once.
llvm::SmallVector<mlir::Value> emitParamGradElement(
    mlir::OpBuilder &b, TileParamGradOp op, mlir::Value q, mlir::Value kv, mlir::Value x,
    mlir::Value w,
    llvm::function_ref<void(mlir::OpBuilder &, mlir::Value, mlir::ValueRange, mlir::Value)> add,
    llvm::ArrayRef<bool> summed = {});

/// For each entry of tile_param_grad's grad region: whether its indices are
/// the same for every element of the op's tile (computed from b, h, the
/// lengths, constants and params by ops defined everywhere, without the
/// score, q_idx or kv_idx: slopes[h], a scalar temperature). A lowering may
/// sum such an entry's contributions over the tile and add them once.
llvm::SmallVector<bool> tileInvariantParamEntries(TileParamGradOp op);

/// The indices of a tile-invariant entry `e`, computed at b's insertion
/// point (the slice of the region that computes them, cloned).
llvm::SmallVector<mlir::Value> emitParamGradIndices(mlir::OpBuilder &b, TileParamGradOp op,
                                                    unsigned e);

/// tile_param_grad with `partials` (the deterministic backward's): entry
/// e's `sum` added into partials[batch, head, kv_block, slot * entries + e]
/// (a load and a store: one thread owns a slot) and the entry's element,
/// row-major in its gradient buffer, stored at partial_indices[batch, head,
/// e]. The caller skips a sum of 0.
void addParamGradPartial(mlir::OpBuilder &b, TileParamGradOp op, unsigned e, mlir::Value slot,
                         mlir::Value sum);

/// faattn.param_grad_sum's last step for entry e: `total` added into
/// element `linear` (i32, row-major: a partial_indices value) of entry e's
/// gradient buffer (a load and a store: one thread makes these adds).
void addParamGradTotal(mlir::OpBuilder &b, ParamGradSumOp op, unsigned e, mlir::Value linear,
                       mlir::Value total);

/// `x` (f32) rounded to e4m3 as its byte (i8): PTX's cvt.rn.satfinite.e4m3x2.f32
/// (nvvm.convert.f32x2.to.f8x2) of 0 and `x`, whose low byte is x's (a
/// finite value past 448 saturates, NaN stays NaN). lowerE4M3Truncs' and the
/// quantization kernel's conversion.
mlir::Value e4m3Byte(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// After a GPU lowering: each f32 `arith.truncf` to f8E4M3FN under `root` (an
/// e4m3 output's conversion, which softmax_finalize's descale saturates
/// first) as PTX's cvt.rn.satfinite.e4m3x2.f32 (nvvm.convert.f32x2.to.f8x2)
/// of the value and 0, its low byte bitcast to e4m3: LLVM has no f8 type.
void lowerE4M3Truncs(mlir::Operation *root);

} // namespace faattn

#endif // FAATTN_CONVERSION_ELEMENTCODE_H
