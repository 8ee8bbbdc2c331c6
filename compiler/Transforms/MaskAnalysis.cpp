//===- MaskAnalysis.cpp - faattn-mask-analysis -----------------------------===//
//
// Splits each KV loop (scf.for {faattn.kv_loop}) by what the mask is over
// each KV block of the CTA's Q block:
//
//   scan:  classify every KV block (interval analysis of the mask region,
//          emitted as code: b, h and the sequence lengths are exact at run
//          time) -> the range [lo, hi) of non-empty blocks and the range
//          [flo, fhi) of full ones
//   [lo, flo)   masked      (partial blocks before the full ones)
//   [flo, fhi)  no mask     (full blocks: the tile_mask op is removed)
//   [fhi, hi)   masked      (partial blocks after, and the sequence tail)
//
// Blocks outside [lo, hi) are never visited. When the full blocks are not
// contiguous (a mask interval arithmetic cannot order), every block of
// [lo, hi) runs masked, which is always correct. A kernel without a mask
// needs no scan: all blocks but the tail are full.
//
// The backward's Q loops (scf.for {faattn.q_loop}, faattn-backward-tile's
// column order: the KV block stays, the Q blocks stream) are split the same
// way with the roles of rows and columns swapped: the scan classifies the Q
// blocks of the CTA's KV block, whose columns lie inside seq_kv or not for
// every Q block at once.
//
// For a function with `faattn.reference_shape = array<i64: seq_q, seq_kv>`
// the pass also records on the grid `faattn.block_counts = {empty, full,
// partial}`: the same classification at that shape, at compile time.
//
//===----------------------------------------------------------------------===//
#include "faattn/Analysis/MaskIntervals.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNMASKANALYSIS
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

struct Splitter {
  OpBuilder b;
  Location loc;
  Splitter(Operation *at) : b(at), loc(at->getLoc()) {}

  Value i64(Value v) {
    if (v.getType().isIndex())
      return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
    return arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
  }
  Value c64(int64_t v) { return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v); }
  Value index(Value v) { return arith::IndexCastOp::create(b, loc, b.getIndexType(), v); }
  Value select(Value c, Value x, Value y) { return arith::SelectOp::create(b, loc, c, x, y); }

  /// Emits the scan over the loop's blocks [lb, ub) (KV blocks, or with
  /// `qLoop` the Q blocks of a fixed KV block); returns (lo, flo, fhi, hi) as
  /// index values with lb <= lo <= flo <= fhi <= hi <= ub.
  std::array<Value, 4> scan(scf::ForOp loop, TileMaskOp mask, int64_t bm, int64_t bn,
                            bool qLoop) {
    Value lb = i64(loop.getLowerBound()), nkb = i64(loop.getUpperBound());
    Value seqQ = i64(mask.getSeqQ()), seqKV = i64(mask.getSeqKv());
    Value bn64 = c64(bn), bm64 = c64(bm), one = c64(1);
    // Column order: the KV block's columns [k0, k1] are the loop's.
    Value k0 = qLoop ? i64(mask.getCol0()) : Value();
    Value kEndFixed = qLoop ? arith::AddIOp::create(b, loc, k0, bn64).getResult() : Value();
    if (mask.getRegion().empty()) {
      // Only the bounds: blocks entirely inside seq_kv are full (in column
      // order all or none).
      Value nFull;
      if (qLoop) {
        Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, kEndFixed, seqKV);
        nFull = select(inside, nkb, lb);
      } else {
        nFull = arith::DivSIOp::create(b, loc, seqKV, bn64);
      }
      Value fhi = arith::MaxSIOp::create(b, loc, arith::MinSIOp::create(b, loc, nFull, nkb), lb);
      return {index(lb), index(lb), index(fhi), loop.getUpperBound()};
    }
    // A head group's block (GQA packing): bm rows of each of `group` heads.
    int64_t group = static_cast<int64_t>(mask.getHeadGroup().value_or(1));
    Value bat = i64(mask.getBatch()), head = i64(mask.getHead());
    Value lastHead = group > 1 ? arith::AddIOp::create(b, loc, head, c64(group - 1)).getResult()
                               : head;
    auto lastOf = [&](Value first, Value size, Value len) -> Value {
      return arith::SubIOp::create(
          b, loc, arith::MinSIOp::create(b, loc, arith::AddIOp::create(b, loc, first, size), len),
          one);
    };
    Value q0 = qLoop ? Value() : i64(mask.getRow0());
    Value q1 = qLoop ? Value() : lastOf(q0, bm64, seqQ);
    Value k1 = qLoop ? lastOf(k0, bn64, seqKV) : Value();
    Value minusOne = c64(-1), zero = c64(0);
    // One classification per block, independent of the others: an
    // scf.parallel whose five results are reductions (first and last
    // non-empty block, first and last full block, number of full blocks).
    // The CPU and SIMT paths run it as a loop; the wgmma path spreads the
    // blocks over the CTA's threads.
    OpBuilder hoist = b; // before the scan: its loop-invariant param ranges
    auto scanLoop = scf::ParallelOp::create(
        b, loc, ValueRange{index(lb)}, ValueRange{index(nkb)}, ValueRange{index(one)},
        ValueRange{nkb, minusOne, nkb, minusOne, zero},
        [&](OpBuilder &b, Location loc, ValueRange ivs, ValueRange) {
          Value kb = arith::IndexCastOp::create(b, loc, b.getI64Type(), ivs[0]);
          Value blkQ0 = q0, blkQ1 = q1, blkK0 = k0, blkK1 = k1, kEnd = kEndFixed;
          if (qLoop) {
            blkQ0 = arith::MulIOp::create(b, loc, kb, bm64);
            blkQ1 = lastOf(blkQ0, bm64, seqQ);
          } else {
            blkK0 = arith::MulIOp::create(b, loc, kb, bn64);
            kEnd = arith::AddIOp::create(b, loc, blkK0, bn64);
            blkK1 = lastOf(blkK0, bn64, seqKV);
          }
          auto [mayTrue, mayFalse] = emitBlockClassifier(
              b, loc, mask.getRegion(),
              {{bat, bat}, {head, lastHead}, {blkQ0, blkQ1}, {blkK0, blkK1}, {seqQ, seqQ},
               {seqKV, seqKV}},
              mask.getParams(), &hoist);
          Value inBounds = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, kEnd, seqKV);
          Value t = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
          Value full = arith::AndIOp::create(
              b, loc, arith::XOrIOp::create(b, loc, mayFalse, t), inBounds);
          auto pick = [&](Value c, Value x, Value y) {
            return arith::SelectOp::create(b, loc, c, x, y).getResult();
          };
          Value parts[5] = {pick(mayTrue, kb, nkb), pick(mayTrue, kb, minusOne),
                            pick(full, kb, nkb), pick(full, kb, minusOne),
                            arith::ExtUIOp::create(b, loc, b.getI64Type(), full)};
          auto reduce = scf::ReduceOp::create(b, loc, ValueRange(parts));
          for (int i = 0; i < 5; ++i) {
            // The builder gave each region a block of two arguments.
            Block *blk = &reduce.getReductions()[i].front();
            b.setInsertionPointToEnd(blk);
            Value x = blk->getArgument(0), y = blk->getArgument(1);
            Value r = i == 4 ? arith::AddIOp::create(b, loc, x, y).getResult()
                      : i % 2 == 0 ? arith::MinSIOp::create(b, loc, x, y).getResult()
                                   : arith::MaxSIOp::create(b, loc, x, y).getResult();
            scf::ReduceReturnOp::create(b, loc, r);
          }
        });
    // faattn.block_scan: the initial values are identities of their
    // reductions (the wgmma path starts every thread from them).
    scanLoop->setAttr(FAAttnDialect::getBlockScanAttrName(), b.getUnitAttr());
    auto r = scanLoop.getResults();
    Value lo = arith::MaxSIOp::create(b, loc, r[0], lb); // r[0] is ub when all are empty
    Value hi = arith::MaxSIOp::create(b, loc, arith::AddIOp::create(b, loc, r[1], one), lo);
    Value span = arith::SubIOp::create(b, loc, arith::AddIOp::create(b, loc, r[3], one), r[2]);
    Value contiguous = arith::AndIOp::create(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, r[4], zero),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, r[4], span));
    Value flo = select(contiguous, r[2], hi);
    Value fhi = select(contiguous, arith::AddIOp::create(b, loc, r[3], one), hi);
    return {index(lo), index(flo), index(fhi), index(hi)};
  }

  scf::ForOp cloneRange(scf::ForOp loop, Value lb, Value ub, ValueRange init, StringRef attr,
                        StringRef kind) {
    auto copy = cast<scf::ForOp>(b.clone(*loop));
    copy.getLowerBoundMutable().assign(lb);
    copy.getUpperBoundMutable().assign(ub);
    copy.getInitArgsMutable().assign(init);
    copy->setAttr(attr, b.getStringAttr(kind));
    return copy;
  }

  void split(scf::ForOp loop, TileMaskOp mask, int64_t bm, int64_t bn, bool qLoop) {
    auto [lo, flo, fhi, hi] = scan(loop, mask, bm, bn, qLoop);
    StringRef attr = qLoop ? FAAttnDialect::getQLoopAttrName() : FAAttnDialect::getKvLoopAttrName();
    scf::ForOp before = cloneRange(loop, lo, flo, loop.getInitArgs(), attr, "masked");
    scf::ForOp full = cloneRange(loop, flo, fhi, before.getResults(), attr, "full");
    scf::ForOp after = cloneRange(loop, fhi, hi, full.getResults(), attr, "masked");
    full.walk([](TileMaskOp m) {
      m.getResult().replaceAllUsesWith(m.getInput());
      m.erase();
    });
    loop.replaceAllUsesWith(after.getResults());
    loop.erase();
  }
};

struct MaskAnalysisPass : impl::FAAttnMaskAnalysisBase<MaskAnalysisPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    auto shape = fn->getAttrOfType<DenseI64ArrayAttr>(FAAttnDialect::getReferenceShapeAttrName());
    if (shape && (shape.size() != 2 || shape[0] <= 0 || shape[1] <= 0)) {
      fn.emitError() << "faattn.reference_shape must be array<i64: seq_q, seq_kv> of positive "
                        "sizes";
      return signalPassFailure();
    }
    SmallVector<scf::ForOp> loops;
    fn.walk([&](scf::ForOp loop) {
      for (StringRef name : {FAAttnDialect::getKvLoopAttrName(), FAAttnDialect::getQLoopAttrName()})
        if (auto kind = loop->getAttr(name); kind && isa<UnitAttr>(kind))
          loops.push_back(loop); // not yet split
    });
    for (scf::ForOp loop : loops) {
      bool qLoop = loop->hasAttr(FAAttnDialect::getQLoopAttrName());
      SmallVector<TileMaskOp> masks;
      loop.getBody()->walk([&](TileMaskOp m) { masks.push_back(m); });
      if (masks.size() != 1) {
        loop.emitError() << (qLoop ? "Q" : "KV")
                         << " loop must hold exactly one faattn.tile_mask, found " << masks.size();
        return signalPassFailure();
      }
      TileMaskOp mask = masks.front();
      // The scan runs before the loop: what it reads of the mask (all but
      // the loop's own block index) must be there.
      SmallVector<Value> fixed = {mask.getBatch(), mask.getHead(), mask.getSeqQ(),
                                  mask.getSeqKv(), qLoop ? mask.getCol0() : mask.getRow0()};
      llvm::append_range(fixed, mask.getParams());
      if (llvm::any_of(fixed, [&](Value v) { return !loop.isDefinedOutsideOfLoop(v); })) {
        loop.emitError() << "the tile_mask's batch, head, sequence lengths, params and "
                         << (qLoop ? "col0" : "row0") << " must be defined outside its "
                         << (qLoop ? "Q" : "KV") << " loop";
        return signalPassFailure();
      }
      ArrayRef<int64_t> tile = mask.getInput().getType().getShape();
      // Rows of one head: a head group's tile holds block_m / G rows of G heads.
      int64_t group = static_cast<int64_t>(mask.getHeadGroup().value_or(1));
      int64_t rows = tile[0] / group;
      if (shape)
        report(loop, mask, rows, tile[1], shape[0], shape[1], group);
      Splitter(loop).split(loop, mask, rows, tile[1], qLoop);
    }
  }

  void report(scf::ForOp loop, TileMaskOp mask, int64_t bm, int64_t bn, int64_t sq, int64_t skv,
              int64_t group) {
    auto grid = loop->getParentOfType<scf::ForallOp>();
    Operation *holder = grid ? grid.getOperation() : loop.getOperation();
    int64_t heads = 1 << 20; // unknown: a large range
    if (grid && grid.getRank() >= 2)
      if (auto h = getConstantIntValue(grid.getMixedUpperBound()[1]))
        heads = *h * group; // (a head group's grid counts groups)
    // A backward grid counts KV heads; the loop around its Q loop, the query
    // heads of each.
    if (auto perKV = loop->getParentOfType<scf::ForOp>();
        perKV && loop->hasAttr(FAAttnDialect::getQLoopAttrName()) && heads != (1 << 20))
      if (auto n = getConstantIntValue(perKV.getUpperBound()))
        heads *= *n;
    BlockCounts c = countBlocks(mask.getRegion(), heads, bm, bn, sq, skv);
    Builder b(loop.getContext());
    holder->setAttr(FAAttnDialect::getBlockCountsAttrName(),
                    b.getDictionaryAttr({b.getNamedAttr("empty", b.getI64IntegerAttr(c.empty)),
                                         b.getNamedAttr("full", b.getI64IntegerAttr(c.full)),
                                         b.getNamedAttr("partial",
                                                        b.getI64IntegerAttr(c.partial))}));
  }
};

} // namespace
} // namespace faattn
