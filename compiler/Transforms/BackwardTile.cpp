//===- BackwardTile.cpp - faattn-backward-tile -----------------------------===//
//
// Rewrites each `mode = backward` faattn.attention (with its `grad` region,
// faattn-score-grad's) into the blocked backward of FlashAttention-2 in
// column order, as tile ops, in three grids:
//
//   "pre"  scf.forall (b, h, qb) over Q blocks:
//            D = rowsum(dO * O) -> delta;  0 -> the f32 dQ accumulator (not
//            with workspace-args: the runtime zeroes workspace:dq)
//   "main" scf.forall (b, hkv, kb) over KV blocks: K_j, V_j stay,
//            dK, dV = 0 (f32, in the CTA)
//            for each query head h of the group, each Q block i {faattn.q_loop}
//            (faattn-mask-analysis then skips the blocks the mask proves empty
//            and drops the mask code of full ones, in column order):
//              S = Q_i K_j^T;  (S', dscore) = tile_score_grad(S)    (scale inside)
//              S' = tile_mask(S');  P = lse_i = -inf ? 0 : exp(S' - lse_i)
//              dP = dO_i V_j^T;  dS' = P = 0 ? 0 : P (dP - D_i)
//              dS = P = 0 ? 0 : scale dS' dscore           (in the input type)
//              dV += P^T dO_i;  dK += dS^T Q_i              (P rounded to the input type)
//              dQ_i += dS K_j (tile_store accumulate into the f32 accumulator)
//              grad_p[idx] += dS' d score'/d p[idx]     (tile_param_grad)
//            dK, dV -> dk, dv (the input type)
//   "post" scf.forall (b, h, qb): dq = the accumulator (the input type)
//
// `deterministic` (the op's): the adds into dQ_i follow the KV blocks'
// order, so dQ is bit-reproducible. A turn lock per (batch, query head, Q
// block), an i32 memref shaped as the LSE (block i's at its first row), is
// set to 0 by "pre"; in "main" the CTA of KV block j, before adding to
// block i, passes the blocks it skipped since its last add (turn_pass:
// wait until the lock is j, set j + 1), waits for its turn at i
// (turn_wait), adds, and ends it (turn_end: j + 1); after a head's Q
// blocks it passes the rest. Every CTA passes every Q block of its
// sequence whatever the mask skips (its adds in ascending order; the GPU
// passes skipped blocks in parallel), and waits only on lower KV blocks of
// its (batch, head), so the chain cannot deadlock when CTAs start in grid
// order (KV block the slowest index; TilesToWGMMA keeps it). The CPU path runs
// the CTAs in that order and does not wait; its turn_wait reports whether
// the turn had come (a NaN add if not). On the GPU the workspace gains
// workspace:dqlock.
//
// Rows whose LSE is -inf (no kept key) have their q and dO read as 0: a
// non-finite value there reaches no gradient, as in the reference. What the
// products cannot avoid: a non-finite k or v at a key that some rows of a
// block mask still meets their zeros (0 * inf), where the reference, pair
// by pair, skips it; and the param gradients add where dS' != 0, the
// reference where P != 0 (they differ only where P != 0, dS' = 0 and the
// derivative is infinite).
//
// P and dS are rounded to the inputs' element type before their products,
// as the tensor-core kernels' 16-bit operands will be (the CPU path's
// memrefs are f32: no rounding there). Where nothing flows (P = 0: a
// masked or out-of-range element, a row whose LSE is -inf, an underflow) no
// gradient is added, even where dscore is infinite, as the naive lowering
// (faattn-backward-to-loops) and the float64 reference do.
//
// GQA: the CTA of KV head hkv loops over the G query heads of its group, so
// dK and dV are reduced in the CTA.
//
// Column chunks (`max-cols`, head dims wider than a warpgroup's accumulators
// hold): the CTA keeps K and V whole and runs the heads and Q loops above
// once a chunk c of C (backwardColumnChunks: widths of multiples of 16, or 8,
// as equal as that allows), each recomputing S, P, dP and dS from the whole head
// dim and accumulating chunk c of dK, dV and dQ (Q, dO and K read through
// tile_columns; dK, dV and dQ stored with col0). The param gradients are
// added in chunk 0 only. deterministic: the turn of KV block j's chunk c is
// j * C + c (the locks count up to the KV blocks times C), so each column
// of dQ still takes its adds in KV-block order. varlen: the batch is the number of
// sequences, each grid's rows are its sequence's (tileSequence), and the
// rows of dq, dk and dv outside every sequence are zeroed first, as the
// param gradients are (linalg.fill before the grids: on the GPU the
// runtime's memsets).
//
// The delta (B x H x S_q, as the LSE) and the f32 dQ accumulator (dq's
// shape) are memref.alloc'd before the grids (on the GPU they will be the
// kernel's workspace). paged_kv backward ops are refused (Sema refuses
// them).
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/BackwardCode.h"
#include "faattn/Conversion/ElementCode.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"
#include "faattn/Transforms/TileSequence.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <limits>

namespace faattn {
#define GEN_PASS_DEF_FAATTNBACKWARDTILE
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

class BackwardTiler {
public:
  BackwardTiler(AttentionOp op, bool workspaceArgs, int64_t block, int64_t blockKV, bool pad,
                int64_t maxCols)
      : op(op), b(op), loc(op.getLoc()), workspaceArgs(workspaceArgs), block(block),
        blockKV(blockKV), pad(pad), maxCols(maxCols) {}
  LogicalResult run();

private:
  Value cIdx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value i32(Value v) { return arith::IndexCastOp::create(b, loc, b.getI32Type(), v); }
  TileType tile(int64_t r, int64_t c, Type t) { return TileType::get({r, c}, t); }
  Type eltOf(Value mem) { return cast<MemRefType>(mem.getType()).getElementType(); }

  /// A memref.alloc of `like`'s shape (its dynamic sizes read from it) with
  /// element type `elt` (f32 when null).
  Value allocLike(Value like, Type elt = Type());
  /// A CTA of a grid: its batch (sequence), head, first row and sequence.
  struct CTA {
    Value b, h, first;
    TileSequence s;
  };
  /// A grid over (batch, heads, ceil(rows / block)) marked with its role;
  /// the builder is left inside it.
  CTA grid(int64_t heads, Value rows, int64_t block, StringRef role);
  /// tile_load / tile_store of the rows of sequence `s` (its offset and limit).
  Value load(TileType t, Value mem, Value batch, Value head, Value row0, Value start,
             Value limit);
  void store(Value v, Value mem, Value batch, Value head, Value row0, Value start, Value limit,
             bool accumulate = false, int64_t col0 = -1);
  /// Elementwise: `fn` of the input scalars, as a tile of `t`.
  Value map(TileType t, ValueRange inputs,
            function_ref<Value(OpBuilder &, Location, ValueRange)> fn);
  /// The f32 tile `x` in element type `t` (a copy when it is f32).
  Value convert(Value x, Type t);

  void buildPre(Value delta, Value dqAcc);
  void buildMain(Value delta, Value dqAcc);
  /// The deterministic backward's turns at Q blocks [from, to) of sequence
  /// `s`, head `h` for the CTA of KV block `turn` (faattn.turn_pass).
  void passTurns(const TileSequence &s, Value h, Value from, Value to, Value turn);
  void buildPost(Value dqAcc);
  /// One Q block of the main grid's loop: returns the new (dK, dV).
  struct BlockIndex {
    Value h;                                ///< index: the query head
    Value b32, h32, col32, seqQ32, seqKV32; ///< i32
  };
  /// The deterministic backward's turn state of a Q block (null otherwise).
  struct Turn {
    Value kvBlock; ///< index: this CTA's turn number (KV block x chunks + chunk)
    Value cursor;  ///< index: the first Q block it has not passed
    Value qBlock;  ///< index: this Q block
  };
  SmallVector<Value, 2> buildQBlock(const TileSequence &s, Value row0, Value k, Value v,
                                    Value dK, Value dV, Value delta, Value dqAcc,
                                    const BlockIndex &idx, const Turn &turn, int64_t chunk);
  /// Columns [col0, col0 + n) of tile `x` (x itself without chunks).
  Value columns(Value x, int64_t col0, int64_t n);
  /// Chunk `c`'s columns (the whole head dims without chunks).
  ColumnChunk chunkAt(int64_t c) const {
    return chunks.empty() ? ColumnChunk{0, dqk, 0, dv} : chunks[c];
  }

  AttentionOp op;
  OpBuilder b;
  Location loc;
  bool workspaceArgs;
  int64_t block;
  int64_t blockKV; ///< the option block-kv (0: `block`)
  bool pad; ///< faattn-tile's pad-head-dims
  int64_t maxCols;     ///< the option max-cols (0: none)
  /// Column chunks of dK, dV and dQ (backwardColumnChunks; empty: none).
  std::vector<ColumnChunk> chunks;
  /// The deterministic backward's turn locks (i32, shaped as the LSE; the
  /// op's `deterministic`), else null.
  Value locks;
  /// The deterministic backward's param-gradient partials and their indices
  /// (ParamGradSlots.h; with learnable params), else null; the main grid's
  /// KV block (index) while it is built.
  Value partials, partialIndices, ctaKVBlock;
  /// A param-gradient entry whose element varies over a tile (no partials
  /// for it): the deterministic form fails.
  bool variesOverTile = false;
  int64_t bm = 0, bn = 0, dqk = 0, dv = 0;
  unsigned seqDim = 1;
  Value batch, seqQ, seqKV;
  LayoutAttr layout;
};

Value BackwardTiler::allocLike(Value like, Type elt) {
  auto t = cast<MemRefType>(like.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < t.getRank(); ++d)
    if (t.isDynamicDim(d))
      sizes.push_back(memref::DimOp::create(b, loc, like, d));
  auto ty = MemRefType::get(t.getShape(), elt ? elt : b.getF32Type());
  return memref::AllocOp::create(b, loc, ty, sizes);
}

BackwardTiler::CTA BackwardTiler::grid(int64_t heads, Value rows, int64_t block,
                                       StringRef role) {
  Value blocks = arith::CeilDivUIOp::create(b, loc, rows, cIdx(block));
  SmallVector<OpFoldResult> ubs = {batch, b.getIndexAttr(heads), blocks};
  auto g = scf::ForallOp::create(b, loc, ubs, ValueRange{}, std::nullopt);
  g->setAttr(FAAttnDialect::getGridAttrName(), b.getUnitAttr());
  g->setAttr(FAAttnDialect::getBackwardGridAttrName(), b.getStringAttr(role));
  b.setInsertionPoint(g.getBody()->getTerminator());
  Value bIdx = g.getInductionVar(0);
  Value first = arith::MulIOp::create(b, loc, g.getInductionVar(2), cIdx(block));
  return {bIdx, g.getInductionVar(1), first, tileSequence(b, loc, op, bIdx, Value())};
}

Value BackwardTiler::load(TileType t, Value mem, Value batchIdx, Value head, Value row0,
                          Value start, Value limit) {
  auto l = TileLoadOp::create(b, loc, t, mem, batchIdx, head, row0, layout);
  if (start)
    l.getOffsetMutable().assign(start);
  if (limit)
    l.getLimitMutable().assign(limit);
  return l;
}

void BackwardTiler::store(Value v, Value mem, Value batchIdx, Value head, Value row0,
                          Value start, Value limit, bool accumulate, int64_t col0) {
  auto st = TileStoreOp::create(b, loc, v, mem, batchIdx, head, row0, layout);
  if (col0 >= 0)
    st.setCol0(col0);
  if (start)
    st.getOffsetMutable().assign(start);
  if (limit)
    st.getLimitMutable().assign(limit);
  if (accumulate)
    st.setAccumulate(true);
}

Value BackwardTiler::map(TileType t, ValueRange inputs,
                         function_ref<Value(OpBuilder &, Location, ValueRange)> fn) {
  return TileMapOp::create(b, loc, t, inputs, fn);
}

Value BackwardTiler::columns(Value x, int64_t col0, int64_t n) {
  auto t = cast<TileType>(x.getType());
  if (chunks.empty())
    return x;
  return TileColumnsOp::create(b, loc, tile(t.getShape()[0], n, t.getElementType()), x,
                               b.getI64IntegerAttr(col0));
}

Value BackwardTiler::convert(Value x, Type t) {
  auto xt = cast<TileType>(x.getType());
  return map(tile(xt.getShape()[0], xt.getShape()[1], t), x,
             [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
               if (t.isF32())
                 return a[0];
               return arith::TruncFOp::create(b, loc, t, a[0]);
             });
}

void BackwardTiler::buildPre(Value delta, Value dqAcc) {
  OpBuilder::InsertionGuard guard(b);
  CTA cta = grid(op.getNumHeads(), seqQ, bm, "pre");
  Value h = cta.h, row0 = cta.first;
  const TileSequence &s = cta.s;
  Type outElt = eltOf(op.getOut()), dOutElt = eltOf(op.getDout());
  Value o = load(tile(bm, dv, outElt), op.getOut(), s.qBatch, h, row0, s.qStart, s.qLimit);
  Value dO = load(tile(bm, dv, dOutElt), op.getDout(), s.qBatch, h, row0, s.qStart, s.qLimit);
  Type f32 = b.getF32Type();
  Value prod = map(tile(bm, dv, f32), {o, dO}, [&](OpBuilder &b, Location loc, ValueRange a) {
    auto ext = [&](Value x) -> Value {
      return x.getType().isF32() ? x : arith::ExtFOp::create(b, loc, b.getF32Type(), x);
    };
    return arith::MulFOp::create(b, loc, ext(a[0]), ext(a[1]));
  });
  Value d = TileReduceOp::create(b, loc, tile(bm, 1, f32), prod, ReduceKind::sum);
  store(d, delta, s.qBatch, h, row0, s.qStart, s.qLimit);
  // The accumulator to 0 (the GPU form's workspace:dq is zeroed by the
  // runtime, a memset at full bandwidth, not by these row stores).
  if (!workspaceArgs) {
    Value zero = TileSplatOp::create(b, loc, tile(bm, dqk, f32), b.getF32FloatAttr(0));
    store(zero, dqAcc, s.qBatch, h, row0, s.qStart, s.qLimit);
  }
  if (locks) {
    // This Q block's turn lock to 0 (the first KV block's turn), for a block
    // of the sequence (varlen: its rows start at s.qStart).
    Value len = s.qLimit ? s.qLimit : seqQ;
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row0, len);
    auto guard = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard inIf(b);
    b.setInsertionPointToStart(guard.thenBlock());
    Value at = s.qStart ? arith::AddIOp::create(b, loc, s.qStart, row0).getResult() : row0;
    Value zero32 = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
    memref::StoreOp::create(b, loc, zero32, locks, ValueRange{s.qBatch, h, at});
  }
}

void BackwardTiler::passTurns(const TileSequence &s, Value h, Value from, Value to, Value turn) {
  TurnPassOp::create(b, loc, locks, s.qBatch, h, from, to, s.qStart, turn,
                     b.getI64IntegerAttr(bm));
}

void BackwardTiler::buildPost(Value dqAcc) {
  OpBuilder::InsertionGuard guard(b);
  CTA cta = grid(op.getNumHeads(), seqQ, bm, "post");
  Value h = cta.h, row0 = cta.first;
  const TileSequence &s = cta.s;
  Value acc = load(tile(bm, dqk, b.getF32Type()), dqAcc, s.qBatch, h, row0, s.qStart, s.qLimit);
  store(convert(acc, eltOf(op.getDq())), op.getDq(), s.qBatch, h, row0, s.qStart, s.qLimit);
  if (!partials)
    return;
  // deterministic: the param-gradient partials into the gradients, once,
  // in the grid's first CTA (the main grid has ended).
  Value first = arith::AndIOp::create(
      b, loc,
      arith::AndIOp::create(
          b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, cta.b, cIdx(0)),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, h, cIdx(0))),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, row0, cIdx(0)));
  auto once = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard inIf(b);
  b.setInsertionPointToStart(once.thenBlock());
  auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
  ArrayRef<int64_t> learnable = op.getRequiresGrad().value_or(ArrayRef<int64_t>());
  SmallVector<int64_t> gradOf;
  for (unsigned e = 0; e < yield.getDparams().size(); ++e)
    gradOf.push_back(gradBufferIndex(yield, learnable, e));
  ParamGradSumOp::create(b, loc, partials, partialIndices, op.getParamGrads(), gradOf);
}

SmallVector<Value, 2> BackwardTiler::buildQBlock(const TileSequence &s, Value row0, Value k,
                                                 Value v, Value dK, Value dV, Value delta,
                                                 Value dqAcc, const BlockIndex &idx,
                                                 const Turn &turn, int64_t chunk) {
  Type f32 = b.getF32Type(), inElt = eltOf(op.getQ());
  float scale = op.getScale().convertToFloat();
  Value h = idx.h, b32 = idx.b32, h32 = idx.h32, row32 = i32(row0), col32 = idx.col32;
  Value seqQ32 = idx.seqQ32, seqKV32 = idx.seqKV32;
  Value lse = load(tile(bm, 1, f32), op.getLse(), s.qBatch, h, row0, s.qStart, s.qLimit);
  // A row whose LSE is -inf keeps no key: its q and dO rows are read as 0,
  // so that a NaN or inf there reaches no gradient through the products'
  // zeros (0 * NaN), as the reference adds nothing for such a row.
  // A dead row (LSE = -inf) gives `x` the value 0, else keeps it.
  auto zeroIfDead = [](OpBuilder &b, Location loc, Value lseI, Value x) -> Value {
    Value minusInf = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
    Value dead = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, lseI, minusInf);
    Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(x.getType(), 0));
    return arith::SelectOp::create(b, loc, dead, zero, x);
  };
  auto live = [&](Value x) {
    return map(cast<TileType>(x.getType()), {x, lse},
               [&](OpBuilder &b, Location loc, ValueRange a) {
                 return zeroIfDead(b, loc, a[1], a[0]);
               });
  };
  Value q = live(load(tile(bm, dqk, inElt), op.getQ(), s.qBatch, h, row0, s.qStart, s.qLimit));
  Value dO = live(load(tile(bm, dv, eltOf(op.getDout())), op.getDout(), s.qBatch, h, row0,
                       s.qStart, s.qLimit));
  Value dRow = load(tile(bm, 1, f32), delta, s.qBatch, h, row0, s.qStart, s.qLimit);

  TileType block = tile(bm, bn, f32);
  Value sRaw = TileDotOp::create(b, loc, block, q, k, /*transpose_lhs=*/UnitAttr(),
                                 /*transpose_rhs=*/b.getUnitAttr());
  auto grad = TileScoreGradOp::create(b, loc, block, block, b.getF32FloatAttr(scale), sRaw, b32,
                                      h32, row32, col32, seqQ32, seqKV32, op.getParams());
  {
    IRMapping none;
    op.getGrad().cloneInto(&grad.getRegion(), none);
  }
  auto mask = TileMaskOp::create(b, loc, block, grad.getScore(), b32, h32, row32, col32, seqQ32,
                                 seqKV32, op.getParams(), IntegerAttr());
  if (op.hasMask()) {
    IRMapping none;
    op.getMask().cloneInto(&mask.getRegion(), none);
  }
  Value p = map(block, {mask.getResult(), lse}, [&](OpBuilder &b, Location loc, ValueRange a) {
    return zeroIfDead(b, loc, a[1],
                      math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, a[0], a[1])));
  });
  Value dP = TileDotOp::create(b, loc, block, dO, v, UnitAttr(), b.getUnitAttr());
  // Where P = 0 nothing flows (selects, not products: dscore may be infinite).
  auto flowing = [&](OpBuilder &b, Location loc, Value pv, Value x) -> Value {
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value none = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, pv, zero);
    return arith::SelectOp::create(b, loc, none, zero, x);
  };
  Value dSPrime = map(block, {p, dP, dRow}, [&](OpBuilder &b, Location loc, ValueRange a) {
    return flowing(b, loc, a[0],
                   arith::MulFOp::create(b, loc, a[0], arith::SubFOp::create(b, loc, a[1], a[2])));
  });
  Value dS = map(tile(bm, bn, inElt), {p, dSPrime, grad.getDscore()},
                 [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
                   Value x = arith::MulFOp::create(b, loc, a[1], a[2]);
                   x = arith::MulFOp::create(
                       b, loc, x, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(scale)));
                   x = flowing(b, loc, a[0], x);
                   return inElt.isF32() ? x : arith::TruncFOp::create(b, loc, inElt, x);
                 });
  // The param gradients here, while S and dS' are fresh (a tensor-core lowering
  // need not keep them live across the three products that follow).
  auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
  if (!yield.getDparams().empty() && chunk == 0) {
    ArrayRef<int64_t> learnable = op.getRequiresGrad().value_or(ArrayRef<int64_t>());
    auto pg = TileParamGradOp::create(b, loc, b.getF32FloatAttr(scale), sRaw, dSPrime, b32, h32,
                                      row32, col32, seqQ32, seqKV32, op.getParams(),
                                      op.getParamGrads(), partials, partialIndices,
                                      partials ? ctaKVBlock : Value(),
                                      b.getDenseI64ArrayAttr(learnable));
    IRMapping none;
    op.getGrad().cloneInto(&pg.getRegion(), none);
    // The partials hold one element an entry a tile (its indices read
    // neither the score, q_idx, kv_idx nor memory: Sema's rule).
    if (partials && llvm::is_contained(tileInvariantParamEntries(pg), false))
      variesOverTile = true;
  }
  Value pLow = convert(p, inElt);

  auto addInto = [&](Value acc, Value x) {
    return map(cast<TileType>(acc.getType()), {acc, x},
               [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
                 return arith::AddFOp::create(b, loc, a[0], a[1]);
               });
  };
  // This chunk's columns of dV, dK and dQ (all of them with one chunk).
  ColumnChunk c = chunkAt(chunk);
  int64_t kc = c.qk, vc = c.v, dqCol0 = chunks.empty() ? -1 : c.qkCol0;
  Value dVNew = addInto(dV, TileDotOp::create(b, loc, tile(bn, vc, f32), pLow,
                                              columns(dO, c.vCol0, vc), b.getUnitAttr(), UnitAttr()));
  Value dKNew = addInto(dK, TileDotOp::create(b, loc, tile(bn, kc, f32), dS,
                                              columns(q, c.qkCol0, kc), b.getUnitAttr(), UnitAttr()));
  Value dQ = TileDotOp::create(b, loc, tile(bm, kc, f32), dS, columns(k, c.qkCol0, kc), UnitAttr(),
                               UnitAttr());
  if (!locks) {
    store(dQ, dqAcc, s.qBatch, h, row0, s.qStart, s.qLimit, /*accumulate=*/true, dqCol0);
    return {dKNew, dVNew};
  }
  // deterministic: the blocks skipped since the last one this CTA added to
  // are passed, then its add waits for its turn (KV block order) and ends
  // it. Where the turn had not come (a lowering that does not wait: the CPU
  // path's) the add is NaN, so that a broken order cannot pass a test.
  passTurns(s, h, turn.cursor, turn.qBlock, turn.kvBlock);
  Value ready = TurnWaitOp::create(b, loc, b.getI1Type(), locks, s.qBatch, h, turn.qBlock, s.qStart,
                                   turn.kvBlock, b.getI64IntegerAttr(bm));
  dQ = map(tile(bm, kc, f32), dQ, [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
    Value nan = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
    return arith::SelectOp::create(b, loc, ready, a[0], nan);
  });
  store(dQ, dqAcc, s.qBatch, h, row0, s.qStart, s.qLimit, /*accumulate=*/true, dqCol0);
  TurnEndOp::create(b, loc, locks, s.qBatch, h, turn.qBlock, s.qStart, turn.kvBlock,
                    b.getI64IntegerAttr(bm));
  return {dKNew, dVNew};
}

void BackwardTiler::buildMain(Value delta, Value dqAcc) {
  OpBuilder::InsertionGuard guard(b);
  CTA cta = grid(op.getNumKvHeads(), seqKV, bn, "main");
  Value bIdx = cta.b, hkv = cta.h, col0 = cta.first;
  const TileSequence &s = cta.s;
  Value lenQ = s.qLimit ? s.qLimit : seqQ, lenKV = s.kvLimit ? s.kvLimit : seqKV;
  Value seqQ32 = i32(lenQ), seqKV32 = i32(lenKV);
  // This CTA's Q blocks: none when its KV block is past its sequence's end.
  Value qBlocks = arith::CeilDivUIOp::create(b, loc, lenQ, cIdx(bm));
  Value past = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, col0, lenKV);
  qBlocks = arith::SelectOp::create(b, loc, past, cIdx(0), qBlocks);

  Type f32 = b.getF32Type(), inElt = eltOf(op.getQ());
  Value k = load(tile(bn, dqk, inElt), op.getK(), s.kvBatch, hkv, col0, s.kvStart, s.kvLimit);
  Value v = load(tile(bn, dv, inElt), op.getV(), s.kvBatch, hkv, col0, s.kvStart, s.kvLimit);
  int64_t group = op.getGroupSize();
  Value kvBlock = locks ? arith::DivUIOp::create(b, loc, col0, cIdx(bn)).getResult() : Value();
  ctaKVBlock = kvBlock;
  // One pass of the heads and Q loops a column chunk (one with no chunks).
  int64_t nChunks = std::max<int64_t>(1, chunks.size());
  for (int64_t chunk = 0; chunk < nChunks; ++chunk) {
    ColumnChunk c = chunkAt(chunk);
    int64_t kc = c.qk, vc = c.v;
    Value dK0 = TileSplatOp::create(b, loc, tile(bn, kc, f32), b.getF32FloatAttr(0));
    Value dV0 = TileSplatOp::create(b, loc, tile(bn, vc, f32), b.getF32FloatAttr(0));
    // deterministic: this chunk's turn, KV block x chunks + chunk.
    Value turnNo = kvBlock;
    if (locks && nChunks > 1)
      turnNo = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, kvBlock, cIdx(nChunks)),
                                     cIdx(chunk));
    auto heads = scf::ForOp::create(b, loc, cIdx(0), cIdx(group), cIdx(1), ValueRange{dK0, dV0});
    {
      OpBuilder::InsertionGuard inHeads(b);
      b.setInsertionPointToStart(heads.getBody());
      Value h = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, hkv, cIdx(group)),
                                      heads.getInductionVar());
      // The index operands of the block's score, mask and param ops, defined
      // before the Q loop (faattn-mask-analysis scans with them).
      BlockIndex idx{h, i32(bIdx), i32(h), i32(col0), seqQ32, seqKV32};
      // deterministic: a third carried value, the first Q block not passed.
      SmallVector<Value> inits(heads.getRegionIterArgs());
      if (locks)
        inits.push_back(cIdx(0));
      auto qLoop = scf::ForOp::create(b, loc, cIdx(0), qBlocks, cIdx(1), inits);
      qLoop->setAttr(FAAttnDialect::getQLoopAttrName(), b.getUnitAttr());
      {
        OpBuilder::InsertionGuard inQ(b);
        b.setInsertionPointToStart(qLoop.getBody());
        Value iv = qLoop.getInductionVar();
        Value row0 = arith::MulIOp::create(b, loc, iv, cIdx(bm));
        Value dK = qLoop.getRegionIterArg(0), dV = qLoop.getRegionIterArg(1);
        Turn turn;
        if (locks)
          turn = {turnNo, qLoop.getRegionIterArg(2), iv};
        SmallVector<Value> yielded(
            buildQBlock(s, row0, k, v, dK, dV, delta, dqAcc, idx, turn, chunk));
        if (locks)
          yielded.push_back(arith::AddIOp::create(b, loc, iv, cIdx(1)));
        scf::YieldOp::create(b, loc, yielded);
      }
      // The blocks after the last one added to are passed too.
      if (locks)
        passTurns(s, h, qLoop.getResult(2), qBlocks, turnNo);
      scf::YieldOp::create(b, loc, ValueRange{qLoop.getResult(0), qLoop.getResult(1)});
    }
    store(convert(heads.getResult(0), eltOf(op.getDk())), op.getDk(), s.kvBatch, hkv, col0,
          s.kvStart, s.kvLimit, false, chunks.empty() ? -1 : c.qkCol0);
    store(convert(heads.getResult(1), eltOf(op.getDv())), op.getDv(), s.kvBatch, hkv, col0,
          s.kvStart, s.kvLimit, false, chunks.empty() ? -1 : c.vCol0);
  }
}

LogicalResult BackwardTiler::run() {
  if (!op.getDout())
    return op.emitOpError() << "has no gradient operands (dout, lse, dq, dk, dv): "
                               "faattn-backward-tile materializes a complete backward op";
  if (!op.hasGrad())
    return op.emitOpError() << "has no 'grad' region: run faattn-score-grad first";
  if (op.getPagedKvPage())
    return op.emitOpError() << "faattn-backward-tile does not materialize paged_kv backward ops";
  if (!op.getTile())
    return op.emitOpError() << "has no tile (block sizes): faattn-tune chooses them";
  bm = block > 0 ? block : (*op.getTile())[0];
  bn = block > 0 ? block : (*op.getTile())[1];
  std::tie(dqk, dv) = tileHeadDims(op, pad); // padded to 16 under pad-head-dims
  // Column chunks of the tensors' own head dims only (a padded chunk's
  // columns past the head dim would need col0 stores to drop them).
  auto [memQK, memV] = tileHeadDims(op, false);
  if (dqk == memQK && dv == memV)
    chunks = backwardColumnChunks(dqk, dv, maxCols);
  // block-kv: the KV blocks two warpgroups split, for ops that have neither
  // deterministic turns nor column chunks (each is one warpgroup's work).
  if (blockKV > 0 && !op.getDeterministic() && chunks.empty())
    bn = blockKV;
  layout = op.getLayoutAttr();
  seqDim = op.getLayout() == Layout::bshd ? 1 : 2;
  Value cuQ = op.getCuSeqlensQ();
  batch = cuQ ? arith::SubIOp::create(b, loc, memref::DimOp::create(b, loc, cuQ, 0), cIdx(1))
                    .getResult()
              : memref::DimOp::create(b, loc, op.getQ(), 0).getResult();
  seqQ = memref::DimOp::create(b, loc, op.getQ(), seqDim);
  seqKV = memref::DimOp::create(b, loc, op.getK(), seqDim);

  // What no grid writes is zero: the param gradients (added into), and under
  // varlen the rows of dq, dk and dv outside every sequence.
  SmallVector<Value> zeroed(op.getParamGrads().begin(), op.getParamGrads().end());
  if (cuQ)
    llvm::append_range(zeroed, SmallVector<Value>{op.getDq(), op.getDk(), op.getDv()});
  for (Value m : workspaceArgs ? SmallVector<Value>() : zeroed) {
    Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(eltOf(m), 0.0));
    linalg::FillOp::create(b, loc, zero, m);
  }
  Value delta, dqAcc;
  bool det = op.getDeterministic();
  // deterministic with learnable params: their partials (ParamGradSlots.h),
  // f32 [batch, heads, KV blocks, slots x entries], and the entries'
  // indices, i32 [batch, heads, entries].
  bool pgrad = det && !op.getParamGrads().empty();
  if (pgrad) {
    auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
    if (static_cast<int64_t>(yield.getDparams().size()) > kParamGradEntries)
      return op.emitOpError() << "deterministic takes at most " << kParamGradEntries
                              << " param-gradient entries, this op has "
                              << yield.getDparams().size();
  }
  int64_t heads = op.getNumHeads(), dyn = ShapedType::kDynamic;
  auto partialsType =
      MemRefType::get({dyn, heads, dyn, kParamGradSlots * kParamGradEntries}, b.getF32Type());
  auto indicesType = MemRefType::get({dyn, heads, kParamGradEntries}, b.getI32Type());
  if (workspaceArgs) {
    // workspace:delta, workspace:dq, (deterministic) workspace:dqlock and
    // (with learnable params) workspace:pgrad and workspace:pgidx, after
    // the function's arguments.
    auto fn = op->getParentOfType<func::FuncOp>();
    auto like = [](Value v, Type elt) {
      return MemRefType::get(cast<MemRefType>(v.getType()).getShape(), elt);
    };
    SmallVector<std::pair<Type, Value *>> spaces = {
        {like(op.getLse(), b.getF32Type()), &delta}, {like(op.getDq(), b.getF32Type()), &dqAcc}};
    if (det)
      spaces.push_back({like(op.getLse(), b.getI32Type()), &locks});
    if (pgrad) {
      spaces.push_back({partialsType, &partials});
      spaces.push_back({indicesType, &partialIndices});
    }
    for (auto [type, slot] : spaces) {
      unsigned n = fn.getNumArguments();
      if (failed(fn.insertArgument(n, type, DictionaryAttr::get(b.getContext()), loc)))
        return op.emitOpError() << "cannot take its workspace as arguments";
      *slot = fn.getArgument(n);
    }
  } else {
    delta = allocLike(op.getLse());
    dqAcc = allocLike(op.getDq());
    if (det)
      locks = allocLike(op.getLse(), b.getI32Type());
    if (pgrad) {
      Value kvBlocks = arith::CeilDivUIOp::create(b, loc, seqKV, cIdx(bn));
      partials = memref::AllocOp::create(b, loc, partialsType, ValueRange{batch, kvBlocks});
      partialIndices = memref::AllocOp::create(b, loc, indicesType, ValueRange{batch});
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0));
      Value zero32 = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
      linalg::FillOp::create(b, loc, zero, partials);
      linalg::FillOp::create(b, loc, zero32, partialIndices);
    }
  }
  buildPre(delta, dqAcc);
  buildMain(delta, dqAcc);
  if (variesOverTile)
    return op.emitOpError() << "deterministic needs every learnable param read at indices "
                               "that depend on neither q_idx, kv_idx, the score nor memory";
  buildPost(dqAcc);
  op.erase();
  return success();
}

struct BackwardTilePass : impl::FAAttnBackwardTileBase<BackwardTilePass> {
  using impl::FAAttnBackwardTileBase<BackwardTilePass>::FAAttnBackwardTileBase;
  void runOnOperation() override {
    for (AttentionOp op : backwardOps(getOperation()))
      if (failed(BackwardTiler(op, workspaceArgs, block, blockKV, padHeadDims, maxCols).run()))
        return signalPassFailure();
  }
};

} // namespace
} // namespace faattn
