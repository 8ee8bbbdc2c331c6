//===- KVHead.cpp - faattn-kv-head: the head KV block before the scan -----===//
//
// Moves one KV block to the front of a scanned KV range, so that its load
// can start before the block scan ends. faattn-mask-analysis leaves each
// masked KV loop as a scan and three loops, [lo, flo) masked, [flo, fhi)
// full, [fhi, hi) masked, whose bounds are the scan's results: the first
// block's load waits for the whole scan (for a param read over ranges, two
// round trips to memory, shuffles and a CTA barrier). This pass picks a
// candidate before the scan, from the Q block alone:
//
//   c = the KV block holding kv_idx = q1, the Q block's last row (clamped
//       to the loop's blocks): where a causal mask's diagonal ends, so the
//       last block every mask of the causal family (causal, windows,
//       documents, prefix-LM past the prefix) keeps;
//
// and, after the scan, visits c first when the scan found it the last
// non-empty block (hit = lo < hi && hi - 1 == c), as one more iteration at
// the front of the first masked loop (no copy of the loop body):
//
//   [lo - hit, flo')  masked {faattn.kv_head}: block = iv < lo ? c : iv
//   [flo', fhi')      full     flo' = min(flo, hi'), fhi' = min(fhi, hi'),
//   [fhi', hi')       masked   hi' = hit ? c : hi
//
// The blocks visited are the scan's [lo, hi) either way, each once (the
// online softmax does not depend on the order); c runs masked even when it
// is full. c is defined before the scan: the wgmma path issues its K/V
// loads there (cooperative: its producer warpgroup, after the scan) and, on
// a miss, waits the copy out (faattn-tiles-to-wgmma).
// Only scans that read memory (params: doc[kv_idx], prefix[b]) are worth
// it; those that read nothing (causal, windows) are short, and loops
// without a scan (no mask region) have nothing to hide.
//
// (A separate head loop, a fourth copy of the masked body, was measured
// first: with it ptxas gave the document kernel's loops worse code, 8% and
// 19% slower at 4k and 16k; PERFORMANCE.md step 12.)
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNKVHEAD
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

StringRef kindOf(scf::ForOp loop) {
  auto kind = loop->getAttrOfType<StringAttr>(FAAttnDialect::getKvLoopAttrName());
  return kind ? kind.getValue() : StringRef();
}

/// The block scan `v` is computed from, if any (within `v`'s block).
scf::ParallelOp scanOf(Value v) {
  SmallVector<Value> work{v};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !seen.insert(def).second)
      continue;
    if (auto par = dyn_cast<scf::ParallelOp>(def); par && par->hasAttr(FAAttnDialect::getBlockScanAttrName()))
      return par;
    if (def->getNumRegions() == 0)
      llvm::append_range(work, def->getOperands());
  }
  return {};
}

/// Whether the scan reads memory: params read in its body, or before it
/// for it (the hoisted reads of the Q block's ids).
bool readsMemory(scf::ParallelOp scan) {
  auto isRead = [](Operation *op) {
    return op && (isa<memref::LoadOp>(op) ||
                  (isa<scf::ParallelOp>(op) && op->hasAttr(FAAttnDialect::getRangeReduceAttrName())));
  };
  WalkResult r = scan.getBody()->walk([&](Operation *op) {
    if (isRead(op))
      return WalkResult::interrupt();
    for (Value v : op->getOperands())
      if (isRead(v.getDefiningOp()))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return r.wasInterrupted();
}

/// Inserts after the latest definition of `values` in `block` (at the
/// block's start when none is there), so that what is built depends on them
/// alone.
void setAfterDefs(OpBuilder &b, Block *block, ValueRange values) {
  Operation *last = nullptr;
  for (Value v : values) {
    Operation *def = v.getDefiningOp();
    if (def)
      def = block->findAncestorOpInBlock(*def);
    if (def && (!last || last->isBeforeInBlock(def)))
      last = def;
  }
  if (last)
    b.setInsertionPointAfter(last);
  else
    b.setInsertionPointToStart(block);
}

struct KVHeadPass : impl::FAAttnKVHeadBase<KVHeadPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> firsts;
    getOperation().walk([&](scf::ForOp loop) {
      if (kindOf(loop) == "masked" && !loop->hasAttr(FAAttnDialect::getKvHeadAttrName()))
        firsts.push_back(loop); // peeled already otherwise
    });
    for (scf::ForOp first : firsts)
      peel(first);
  }

  /// `first`: the [lo, flo) loop of a mask-analysis split, if it is one.
  void peel(scf::ForOp first) {
    auto full = dyn_cast_or_null<scf::ForOp>(first->getNextNode());
    if (!full || kindOf(full) != "full")
      return;
    auto after = dyn_cast_or_null<scf::ForOp>(full->getNextNode());
    if (!after || kindOf(after) != "masked")
      return;
    auto stepOne = [](scf::ForOp l) { return getConstantIntValue(l.getStep()) == 1; };
    if (!stepOne(first) || !stepOne(full) || !stepOne(after))
      return; // lo - 1 below is the iteration before lo
    if (first.getUpperBound() != full.getLowerBound() ||
        full.getUpperBound() != after.getLowerBound() ||
        !llvm::equal(full.getInitArgs(), first.getResults()) ||
        !llvm::equal(after.getInitArgs(), full.getResults()))
      return;
    scf::ParallelOp scan = scanOf(after.getUpperBound());
    if (!scan || scan->getBlock() != first->getBlock() || scan.getNumLoops() != 1 ||
        !readsMemory(scan))
      return;
    TileMaskOp mask;
    first.getBody()->walk([&](TileMaskOp m) { mask = m; });
    if (!mask)
      return;
    ArrayRef<int64_t> tile = mask.getInput().getType().getShape();
    // bm: the rows of one head (a head group's tile holds block_m / G of each).
    int64_t bm = tile[0] / static_cast<int64_t>(mask.getHeadGroup().value_or(1)), bn = tile[1];

    // The candidate, from the Q block and the scan's block range only.
    Value row0 = mask.getRow0(), seqQ = mask.getSeqQ();
    Value lb = scan.getLowerBound()[0], ub = scan.getUpperBound()[0];
    if (!first.isDefinedOutsideOfLoop(row0) || !first.isDefinedOutsideOfLoop(seqQ))
      return; // c must not depend on the loop
    OpBuilder b(first);
    setAfterDefs(b, first->getBlock(), {row0, seqQ, lb, ub});
    Location loc = first.getLoc();
    auto idx = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v).getResult(); };
    auto toIndex = [&](Value v) {
      return v.getType().isIndex()
                 ? v
                 : arith::IndexCastOp::create(b, loc, b.getIndexType(), v).getResult();
    };
    Value q1 = arith::SubIOp::create(
        b, loc,
        arith::MinSIOp::create(b, loc, arith::AddIOp::create(b, loc, toIndex(row0), idx(bm)),
                               toIndex(seqQ)),
        idx(1));
    Value c = arith::MaxSIOp::create(
        b, loc,
        arith::MinSIOp::create(b, loc, arith::DivSIOp::create(b, loc, q1, idx(bn)),
                               arith::SubIOp::create(b, loc, ub, idx(1))),
        lb);

    // After the scan: visit c first when it is the last non-empty block.
    b.setInsertionPoint(first);
    Value lo = first.getLowerBound(), flo = full.getLowerBound(), fhi = after.getLowerBound(),
          hi = after.getUpperBound();
    Value hit = arith::AndIOp::create(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, lo, hi),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                              arith::SubIOp::create(b, loc, hi, idx(1)), c));
    Value hiR = arith::SelectOp::create(b, loc, hit, c, hi);
    Value floR = arith::MinSIOp::create(b, loc, flo, hiR);
    Value fhiR = arith::MinSIOp::create(b, loc, fhi, hiR);
    // The first masked loop starts one early on a hit; that iteration is c's.
    Value lbR = arith::SelectOp::create(b, loc, hit, arith::SubIOp::create(b, loc, lo, idx(1)), lo);
    first.getLowerBoundMutable().assign(lbR);
    first.getUpperBoundMutable().assign(floR);
    full.getLowerBoundMutable().assign(floR);
    full.getUpperBoundMutable().assign(fhiR);
    after.getLowerBoundMutable().assign(fhiR);
    after.getUpperBoundMutable().assign(hiR);
    Value iv = first.getInductionVar();
    OpBuilder bb = OpBuilder::atBlockBegin(first.getBody());
    Value early = arith::CmpIOp::create(bb, loc, arith::CmpIPredicate::slt, iv, lo);
    auto block = arith::SelectOp::create(bb, loc, early, c, iv);
    iv.replaceAllUsesExcept(block, llvm::SmallPtrSet<Operation *, 2>{early.getDefiningOp(), block});
    first->setAttr(FAAttnDialect::getKvHeadAttrName(), b.getUnitAttr());
  }
};

} // namespace
} // namespace faattn
