//===- Tile.cpp - faattn-tile: the grid and the KV loop --------------------===//
//
// Rewrites each forward/decode `faattn.attention` into the blocked algorithm
// (FlashAttention's, FA2 loop order):
//
//   scf.forall (%b, %h, %qb) in (batch, heads, ceil(seq_q / BM)) {   // the grid
//     Q tile = rows [qb*BM, qb*BM + BM) of head h
//     scf.for %kb = 0 to ceil(seq_kv / BN) iter_args(acc, m, l) {     // the KV loop
//       S = Q K^T; S = score(S); S = mask(S); (acc, m, l) = softmax_update(S, V, ...)
//     }
//     (O, lse) = softmax_finalize(acc, m, l); store O (and lse)
//   }
//
// The block sizes are the op's `tile` (the spec's `tile = MxN`, or what the
// per-target tuning table of faattn-tune chose); faattn-mask-analysis and the
// report read them back from the tile types.
//
// GQA packing (the op's `head_group = G`, faattn-tune's choice for decode):
// a CTA takes G query heads of one KV group, BM / G rows of each, so that it
// reads each K/V block once for the group and its tile's rows are not mostly
// past seq_q:
//
//   scf.forall (%b, %g, %qb) in (batch, heads / G, ceil(seq_q / (BM / G))) {
//     Q tile: row r = row qb*(BM/G) + r % (BM/G) of head g*G + r / (BM/G)
//
// the tile_load/score/mask/store ops carry `head_group = G` with head g*G.
// Backward ops keep their op: faattn-backward-tile materializes them once
// faattn-score-grad has derived their grad region.
//
//===----------------------------------------------------------------------===//
#include "faattn/Analysis/AttentionRegions.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"
#include "faattn/Transforms/TileSequence.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <limits>
#include <optional>

namespace faattn {
#define GEN_PASS_DEF_FAATTNTILE
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {

TileSequence tileSequence(OpBuilder &b, Location loc, AttentionOp op, Value bIdx, Value kvRows) {
  // Per-sequence start and length (varlen, paged KV), as index values
  // clamped to >= 0 (and paged lengths to the table's capacity) so that
  // malformed lengths never make a loop run wild; the loads and stores
  // check every position against the memrefs besides.
  Value cuQ = op.getCuSeqlensQ(), cuKV = op.getCuSeqlensKv(), lensKV = op.getSeqlensKv();
  unsigned seqDim = op.getLayout() == Layout::bshd ? 1 : 2;
  auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  TileSequence t{bIdx, bIdx, {}, {}, {}, {}};
  auto readLen = [&](Value mem, Value at) -> Value {
    Value i = memref::LoadOp::create(b, loc, mem, at);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), i);
  };
  auto clampedDiff = [&](Value hi, Value lo) -> Value {
    Value d = arith::SubIOp::create(b, loc, hi, lo);
    Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, cIdx(0));
    return arith::SelectOp::create(b, loc, neg, cIdx(0), d);
  };
  Value bNext = cuQ || cuKV ? arith::AddIOp::create(b, loc, bIdx, cIdx(1)).getResult() : Value();
  // A packed sequence never reaches past the memref's rows: rows that are not
  // there are not part of it (rather than zeros the softmax would count).
  auto withinRows = [&](Value len, Value start, Value mem) -> Value {
    Value rows = memref::DimOp::create(b, loc, mem, seqDim);
    Value from = arith::MinUIOp::create(b, loc, start, rows);
    return arith::MinUIOp::create(b, loc, len, arith::SubIOp::create(b, loc, rows, from));
  };
  if (cuQ) {
    t.qBatch = cIdx(0);
    t.qStart = readLen(cuQ, bIdx);
    t.qLimit = withinRows(clampedDiff(readLen(cuQ, bNext), t.qStart), t.qStart, op.getQ());
  }
  if (cuKV) {
    t.kvBatch = cIdx(0);
    t.kvStart = readLen(cuKV, bIdx);
    t.kvLimit = withinRows(clampedDiff(readLen(cuKV, bNext), t.kvStart), t.kvStart, op.getK());
  } else if (lensKV) {
    Value len = readLen(lensKV, bIdx);
    t.kvLimit = arith::MinSIOp::create(b, loc, clampedDiff(len, cIdx(0)), kvRows);
  }
  return t;
}

std::pair<int64_t, int64_t> tileHeadDims(AttentionOp op, bool pad) {
  int64_t dqk = op.getHeadDimQK(), dv = op.getHeadDimV();
  auto fn = op->getParentOfType<func::FuncOp>();
  auto target = fn ? fn->getAttrOfType<StringAttr>(FAAttnDialect::getTargetAttrName()) : nullptr;
  auto eltOf = [](Value v) { return cast<MemRefType>(v.getType()).getElementType(); };
  Type q = eltOf(op.getQ());
  // Multiples of 8 only (as the spec language has them): the thread copies
  // read 8-column chunks that are all inside the head dim or all past it.
  if (!pad || !target || target.getValue() != "sm_90a" || !(q.isBF16() || q.isF16() || q.isF32()) ||
      eltOf(op.getK()) != q || eltOf(op.getV()) != q || dqk % 8 != 0 || dv % 8 != 0)
    return {dqk, dv};
  return {paddedHeadDim(dqk), paddedHeadDim(dv)};
}

namespace {

void materialize(AttentionOp op, bool pad) {
  ArrayRef<int64_t> tile = *op.getTile();
  int64_t bm = tile[0], bn = tile[1];
  OpBuilder b(op);
  Location loc = op.getLoc();
  Layout layout = op.getLayout();
  unsigned seqDim = layout == Layout::bshd ? 1 : 2;
  auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto toI32 = [&](Value v) -> Value {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), v);
  };
  Type f32 = b.getF32Type();
  auto tileTy = [](int64_t r, int64_t c, Type t) { return TileType::get({r, c}, t); };
  auto memTy = [](Value v) { return cast<MemRefType>(v.getType()); };

  Value cuQ = op.getCuSeqlensQ();
  Value table = op.getBlockTable();
  std::optional<int64_t> page = op.getPagedKvPage();
  // varlen: the batch is the number of sequences; Q's rows are all of them.
  Value batch = cuQ ? arith::SubIOp::create(b, loc, memref::DimOp::create(b, loc, cuQ, 0),
                                            cIdx(1)).getResult()
                    : memref::DimOp::create(b, loc, op.getQ(), 0).getResult();
  Value seqQ = memref::DimOp::create(b, loc, op.getQ(), seqDim);
  // Dense K/V: one KV block count for every CTA. Otherwise its bound (the
  // packed rows, or the block table's capacity); each CTA takes its own.
  Value kvRows = page ? arith::MulIOp::create(b, loc, memref::DimOp::create(b, loc, table, 1),
                                              cIdx(*page)).getResult()
                      : memref::DimOp::create(b, loc, op.getK(), seqDim).getResult();
  // GQA packing: `group` query heads a CTA, `rowsPerHead` rows of each.
  int64_t group = static_cast<int64_t>(op.getHeadGroup().value_or(1));
  int64_t rowsPerHead = bm / group;
  Value numQBlocks = arith::CeilDivUIOp::create(b, loc, seqQ, cIdx(rowsPerHead));
  Value numKVBlocks = arith::CeilDivUIOp::create(b, loc, kvRows, cIdx(bn));
  Value seqKV = kvRows;
  Value seqQ32 = toI32(seqQ), seqKV32 = toI32(seqKV);

  bool identity = isIdentityScore(op);
  float scale = op.getScale().convertToFloat();
  float log2e = static_cast<float>(M_LOG2E);
  // Without a score modification the softmax scale folds into exp2's argument.
  float scaleLog2 = identity ? scale * log2e : log2e;

  SmallVector<OpFoldResult> ubs = {batch, b.getIndexAttr(op.getNumHeads() / group), numQBlocks};
  auto grid = scf::ForallOp::create(b, loc, ubs, ValueRange{}, std::nullopt);
  grid->setAttr(FAAttnDialect::getGridAttrName(), b.getUnitAttr());
  if (op.getMode() == Mode::decode)
    grid->setAttr(FAAttnDialect::getDecodeAttrName(), b.getUnitAttr()); // for faattn-split-kv
  b.setInsertionPoint(grid.getBody()->getTerminator());
  Value bIdx = grid.getInductionVar(0), hIdx = grid.getInductionVar(1);
  Value qBlock = grid.getInductionVar(2);
  if (group > 1) // the group's first query head
    hIdx = arith::MulIOp::create(b, loc, hIdx, cIdx(group));
  Value hKV = arith::DivUIOp::create(b, loc, hIdx, cIdx(op.getGroupSize()));
  Value row0 = arith::MulIOp::create(b, loc, qBlock, cIdx(rowsPerHead));
  IntegerAttr headGroup = group > 1 ? b.getI64IntegerAttr(group) : IntegerAttr();
  Value b32 = toI32(bIdx), h32 = toI32(hIdx), row32 = toI32(row0);
  auto layoutAttr = op.getLayoutAttr();

  TileSequence seqRows = tileSequence(b, loc, op, bIdx, kvRows);
  Value qBatch = seqRows.qBatch, kvBatch = seqRows.kvBatch, qStart = seqRows.qStart;
  Value kvStart = seqRows.kvStart, qLimit = seqRows.qLimit, kvLimit = seqRows.kvLimit;
  if (qLimit)
    seqQ32 = toI32(qLimit);
  if (kvLimit) {
    seqKV32 = toI32(kvLimit);
    // This CTA's KV blocks: none for a q-block past its sequence's end.
    Value local = arith::CeilDivUIOp::create(b, loc, kvLimit, cIdx(bn));
    if (qLimit) {
      Value past = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, row0, qLimit);
      local = arith::SelectOp::create(b, loc, past, cIdx(0), local);
    }
    // min(bound, local): faattn-split-kv splits by the bound (defined above
    // the grid), each CTA stops at its own count.
    numKVBlocks = arith::MinUIOp::create(b, loc, numKVBlocks, local);
  }
  auto setRows = [&](auto rowOp, Value start, Value limit) {
    if (start)
      rowOp.getOffsetMutable().assign(start);
    if (limit)
      rowOp.getLimitMutable().assign(limit);
  };
  auto kvLoad = [&](TileType type, Value mem, Value col0) -> Value {
    auto load = TileLoadOp::create(b, loc, type, mem, kvBatch, hKV, col0, layoutAttr);
    setRows(load, kvStart, kvLimit);
    if (table) {
      load.getPageTableMutable().assign(table);
      load.setPageSize(*page);
    }
    return load;
  };

  auto [dqk, dv] = tileHeadDims(op, pad);
  Type inElt = memTy(op.getQ()).getElementType();
  Type kvElt = memTy(op.getK()).getElementType(); // e4m3 under a bf16 Q: kv_dtype
  auto qLoad = TileLoadOp::create(b, loc, tileTy(bm, dqk, inElt), op.getQ(), qBatch, hIdx, row0,
                                  layoutAttr);
  setRows(qLoad, qStart, qLimit);
  qLoad.setHeadGroupAttr(headGroup);
  Value qTile = qLoad;
  float negInf = -std::numeric_limits<float>::infinity();
  Value acc0 = TileSplatOp::create(b, loc, tileTy(bm, dv, f32), b.getF32FloatAttr(0));
  Value m0 = TileSplatOp::create(b, loc, tileTy(bm, 1, f32), b.getF32FloatAttr(negInf));
  Value l0 = TileSplatOp::create(b, loc, tileTy(bm, 1, f32), b.getF32FloatAttr(0));

  auto kvLoop = scf::ForOp::create(b, loc, cIdx(0), numKVBlocks, cIdx(1),
                                   ValueRange{acc0, m0, l0});
  kvLoop->setAttr(FAAttnDialect::getKvLoopAttrName(), b.getUnitAttr());
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(kvLoop.getBody());
    Value col0 = arith::MulIOp::create(b, loc, kvLoop.getInductionVar(), cIdx(bn));
    Value col32 = toI32(col0);
    Value kTile = kvLoad(tileTy(bn, dqk, kvElt), op.getK(), col0);
    Value s = TileDotOp::create(b, loc, tileTy(bm, bn, f32), qTile, kTile,
                                /*transpose_lhs=*/UnitAttr(), /*transpose_rhs=*/b.getUnitAttr());
    if (!identity) {
      auto score = TileScoreOp::create(b, loc, s.getType(), b.getF32FloatAttr(scale),
                                       /*rows=*/UnitAttr(), s, b32,
                                       h32, row32, col32, seqQ32, seqKV32, op.getParams(),
                                       headGroup);
      score.getRegion().takeBody(op.getScore());
      s = score;
    }
    auto mask = TileMaskOp::create(b, loc, s.getType(), s, b32, h32, row32, col32, seqQ32,
                                   seqKV32, op.getParams(), headGroup);
    mask.getRegion().takeBody(op.getMask());
    Value vTile = kvLoad(tileTy(bn, dv, kvElt), op.getV(), col0);
    // V's dequantization factors per (query row, key): the v_descale region
    // as an indexed tile op over ones (its score argument, unused, added).
    Value weight;
    if (op.hasVDescale()) {
      Value ones = TileSplatOp::create(b, loc, s.getType(), b.getF32FloatAttr(1));
      auto w = TileScoreOp::create(b, loc, s.getType(), b.getF32FloatAttr(1),
                                   /*rows=*/UnitAttr(), ones, b32, h32,
                                   row32, col32, seqQ32, seqKV32, op.getParams(), headGroup);
      w.getRegion().takeBody(op.getVDescale());
      w.getRegion().front().insertArgument(0u, f32, loc);
      weight = w;
    }
    Block *body = kvLoop.getBody();
    auto update = SoftmaxUpdateOp::create(
        b, loc, TypeRange(kvLoop.getResultTypes()), mask.getResult(), vTile,
        body->getArgument(1), body->getArgument(2), body->getArgument(3), weight,
        /*row_scale=*/Value(), b.getF32FloatAttr(scaleLog2));
    scf::YieldOp::create(b, loc, update.getResults());
  }
  Type outElt = memTy(op.getOut()).getElementType();
  // An e4m3 output's factors per output row (the o_descale region, kv_idx
  // unread: a `rows` tile_score, columns 0) over ones of the output's
  // shape, built after the KV loop so that they are not live across it.
  Value outDescale;
  if (op.hasODescale()) {
    Value ones = TileSplatOp::create(b, loc, tileTy(bm, dv, f32), b.getF32FloatAttr(1));
    auto f = TileScoreOp::create(b, loc, ones.getType(), b.getF32FloatAttr(1),
                                 /*rows=*/b.getUnitAttr(), ones, b32, h32,
                                 row32, toI32(cIdx(0)), seqQ32, seqKV32, op.getParams(),
                                 headGroup);
    f.getRegion().takeBody(op.getODescale());
    f.getRegion().front().insertArgument(0u, f32, loc);
    outDescale = f;
  }
  auto fin = SoftmaxFinalizeOp::create(b, loc, tileTy(bm, dv, outElt), tileTy(bm, 1, f32),
                                       kvLoop.getResult(0), kvLoop.getResult(1),
                                       kvLoop.getResult(2), outDescale, /*row_scale=*/Value(),
                                       /*out_scale=*/Value(),
                                       b.getF32FloatAttr(scaleLog2));
  auto outStore = TileStoreOp::create(b, loc, fin.getOut(), op.getOut(), qBatch, hIdx, row0,
                                      layoutAttr);
  setRows(outStore, qStart, qLimit);
  outStore.setHeadGroupAttr(headGroup);
  if (Value lse = op.getLse()) {
    auto lseStore = TileStoreOp::create(b, loc, fin.getLse(), lse, qBatch, hIdx, row0, layoutAttr);
    setRows(lseStore, qStart, qLimit);
    lseStore.setHeadGroupAttr(headGroup);
  }
  op.erase();
}

struct TilePass : impl::FAAttnTileBase<TilePass> {
  using FAAttnTileBase::FAAttnTileBase;
  void runOnOperation() override {
    SmallVector<AttentionOp> ops;
    getOperation().walk([&](AttentionOp op) { ops.push_back(op); });
    for (AttentionOp op : ops) {
      if (!op.getTile()) {
        op.emitOpError() << "has no tile (block sizes): faattn-tune chooses them";
        return signalPassFailure();
      }
      if (op.getMode() != Mode::backward)
        materialize(op, padHeadDims);
    }
  }
};

} // namespace
} // namespace faattn
