//===- SplitKV.cpp - faattn-split-kv: Flash-Decoding -----------------------===//
//
// Decode kernels have few query rows and a long KV sequence: one CTA per
// (batch, head, q-block) leaves most of the GPU idle. This pass splits each
// decode grid's KV range over `num_splits` CTAs (Flash-Decoding):
//
//   scf.forall (b, h, qb, s) in (B, H, nqb, S) {       // the split grid
//     KV loop over blocks [s * chunk, min((s + 1) * chunk, nkb))
//     partial O (f32, normalized) and partial LSE -> workspace[b * S + s]
//   }
//   scf.forall (b, h, qb) in (B, H, nqb) {            // the combine
//     m = max_s lse_s;  w_s = exp(lse_s - m)           // (the template
//     O = sum_s w_s O_s / sum_s w_s;  lse = m + log(sum_s w_s)   // in
//   }                                  // templates/common/SplitKVCombine.h)
//
// S = min(nkb, max-splits) and chunk = ceil(nkb / S) are computed at run
// time (paged K/V and varlen: chunk = ceil(own / S) of the CTA's own
// sequence's blocks). A split that sees no kept key for a row has lse -inf
// and weight 0; a row with no kept key at all gets O = 0 and lse = -inf.
// varlen (packed query rows): the workspace has S rows, not B * S, each
// holding every sequence's rows at their packed rows (row s for split s),
// and the combine CTA finds its sequence's rows in cu_seqlens as the split
// grid does. The workspace is a memref.alloc in the function, freed by the
// buffer deallocation pipeline on the CPU path (the GPU runtime passes its
// own in instead: workspace-args).
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/TileAddressing.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Target/KernelABIIR.h"
#include "faattn/Target/KernelABIJson.h"
#include "faattn/Transforms/Passes.h"
#include "templates/common/SplitKVCombine.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"


namespace faattn {
#define GEN_PASS_DEF_FAATTNSPLITKV
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// The KV block size of a KV loop: the rows of the K tile its dot reads.
int64_t kvBlockSize(scf::ForOp kvLoop) {
  int64_t bn = 0;
  kvLoop.walk([&](TileDotOp dot) {
    if (!bn && dot.getTransposeRhs())
      bn = cast<TileType>(dot.getRhs().getType()).getShape()[0];
  });
  return bn;
}

struct SplitKVPass : impl::FAAttnSplitKVBase<SplitKVPass> {
  using FAAttnSplitKVBase::FAAttnSplitKVBase;

  void runOnOperation() override {
    SmallVector<scf::ForallOp> grids;
    getOperation().walk([&](scf::ForallOp g) {
      if (g->hasAttr(FAAttnDialect::getDecodeAttrName()))
        grids.push_back(g);
    });
    for (scf::ForallOp grid : grids)
      if (failed(split(grid)))
        return signalPassFailure();
  }

  /// Packed (varlen) query rows: the ops of `gridBody` that compute the
  /// output store's batch index, row offset and limit (`rows`) from the
  /// CTA's batch index (cu_seqlens, clamped: faattn-tile's tileSequence), in
  /// their order; null when one of them cannot be computed again in the
  /// combine grid (neither pure nor a memref.load, or it reads the head, the
  /// q-block or the split).
  static std::optional<SetVector<Operation *>> sequenceRowsSlice(ArrayRef<Value> rows,
                                                                 Block *gridBody) {
    SetVector<Operation *> slice;
    BackwardSliceOptions opts;
    opts.inclusive = true;
    opts.omitBlockArguments = true;
    opts.filter = [&](Operation *o) { return gridBody->findAncestorOpInBlock(*o) == o; };
    Operation *grid = gridBody->getParentOp();
    for (Value v : rows) {
      // A value from above the grid dominates the combine too; one defined in
      // the grid must be an op of its body (not a block argument, not nested).
      if (!grid->isProperAncestor(v.getParentRegion()->getParentOp()) &&
          v.getParentRegion() != &grid->getRegion(0))
        continue;
      Operation *def = v.getDefiningOp();
      if (!def || def->getBlock() != gridBody || failed(getBackwardSlice(def, &slice, opts)))
        return std::nullopt;
    }
    auto otherArgument = [&](Value v) {
      auto arg = dyn_cast<BlockArgument>(v);
      return arg && arg.getOwner() == gridBody && arg.getArgNumber() != 0;
    };
    for (Operation *o : slice)
      if (o->getNumRegions() || (!isPure(o) && !isa<memref::LoadOp>(o)) ||
          llvm::any_of(o->getOperands(), otherArgument))
        return std::nullopt;
    return topologicalSort(slice);
  }

  /// The slice cloned at b's insertion point with the grid's batch index
  /// `gridBatch` mapped to `bIdx`: `values` as the combine CTA of batch index
  /// bIdx computes them (its {batch, start, limit}; balanced splits' own
  /// blocks and total blocks).
  static SmallVector<Value> cloneSequenceRows(OpBuilder &b, ArrayRef<Value> values,
                                              const SetVector<Operation *> &slice,
                                              Value gridBatch, Value bIdx) {
    IRMapping map;
    map.map(gridBatch, bIdx);
    for (Operation *o : slice)
      b.clone(*o, map);
    SmallVector<Value> out;
    for (Value v : values)
      out.push_back(map.lookupOrDefault(v));
    return out;
  }

  /// varlen K/V (packed, not paged): the cu_seqlens_kv memref the KV loop's
  /// loads take their sequence's start from (faattn-tile's tileSequence:
  /// index_cast(memref.load cu[b])), else null.
  static Value kvOffsets(scf::ForOp kvLoop) {
    Value cu;
    kvLoop.walk([&](TileLoadOp load) {
      if (cu || !load.getOffset() || load.getPageTable())
        return;
      if (auto c = load.getOffset().getDefiningOp<arith::IndexCastOp>())
        if (auto l = c.getIn().getDefiningOp<memref::LoadOp>(); l && l.getIndices().size() == 1)
          cu = l.getMemRef();
    });
    return cu;
  }

  /// Balanced splits' chunk (the pass description): ceil(own / n) KV blocks
  /// (at least 1), n = min(S, max(floor(own * B * S_u / T), 1)) splits,
  /// S_u = max(S / balance, 1), at
  /// b's insertion point (the split grid, and the combine for its live
  /// splits).
  Value balancedChunk(OpBuilder &b, Location loc, Value own, Value totalBlocks, Value batch,
                      Value splits) const {
    auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
    Value uniform = arith::MaxUIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, splits, cIdx(balance)), cIdx(1));
    Value ctas = arith::MulIOp::create(b, loc, arith::MaxUIOp::create(b, loc, batch, cIdx(1)),
                                       uniform);
    Value share = arith::DivUIOp::create(b, loc, arith::MulIOp::create(b, loc, own, ctas),
                                         arith::MaxUIOp::create(b, loc, totalBlocks, cIdx(1)));
    Value n = arith::MinUIOp::create(b, loc, arith::MaxUIOp::create(b, loc, share, cIdx(1)),
                                     splits);
    // (At least 1: the combine divides by it, also for an empty sequence.)
    return arith::MaxUIOp::create(b, loc, arith::CeilDivUIOp::create(b, loc, own, n), cIdx(1));
  }

  /// Paged K/V: the KV loop reads K through a block table.
  static bool pagedKV(scf::ForOp kvLoop) {
    bool paged = false;
    kvLoop.walk([&](TileLoadOp load) { paged |= static_cast<bool>(load.getPageTable()); });
    return paged;
  }

  /// Balanced paged K/V's total: the sum over the batch's sequences i of
  /// min(bound, `local` as sequence i computes it) (its slice cloned with
  /// the grid's batch index `gridBatch` mapped to i), at b's insertion point.
  static Value pagedTotal(OpBuilder &b, Location loc, Value local,
                          const SetVector<Operation *> &slice, Value gridBatch, Value batch,
                          Value bound) {
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
    auto loop = scf::ForOp::create(
        b, loc, c0, batch, c1, ValueRange{c0},
        [&](OpBuilder &b, Location loc, Value i, ValueRange sum) {
          Value own = arith::MinUIOp::create(
              b, loc, bound, cloneSequenceRows(b, {local}, slice, gridBatch, i)[0]);
          scf::YieldOp::create(b, loc, ValueRange{arith::AddIOp::create(b, loc, sum[0], own)});
        });
    return loop.getResult(0);
  }

  /// The CPU path's counter for the last-CTA combine: an alloc of `ty`
  /// (rows, heads, seq_q), zeroed.
  Value zeroedCounter(OpBuilder &b, Location loc, MemRefType ty, Value rows, Value seqQ) const {
    Value mem = memref::AllocOp::create(b, loc, ty, ValueRange{rows, seqQ});
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
    Value zero = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
    SmallVector<Value> ubs = {rows, arith::ConstantIndexOp::create(b, loc, ty.getShape()[1]), seqQ};
    scf::buildLoopNest(b, loc, ValueRange{c0, c0, c0}, ubs, ValueRange{c1, c1, c1},
                       [&](OpBuilder &b, Location loc, ValueRange ivs) {
                         memref::StoreOp::create(b, loc, zero, mem, ivs);
                       });
    return mem;
  }

  /// The last-CTA combine (SplitKVCombine.h) at `b`'s insertion point, after
  /// the split CTA's stores of the partials (`outStore`'s tile: its rows
  /// row0.. of heads head.. head + group - 1; `seqRows` the packed
  /// sequence's {batch, start, length}, empty when dense; `live` the splits
  /// its sequence used, null for all).
  void combineInCta(OpBuilder &b, Location loc, const SplitKVCombineOperands &ops,
                    TileStoreOp outStore, ArrayRef<Value> seqRows, int64_t group, Value count,
                    Value live) const {
    auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
    auto outTy = cast<MemRefType>(ops.out.getType());
    bool packed = !seqRows.empty();
    Value row0 = outStore.getRow0(), head0 = outStore.getHead();
    Value outBatch = packed ? seqRows[0] : outStore.getBatch();
    Value start = packed ? seqRows[1] : Value();
    Value seqLen = packed ? seqRows[2]
                          : memref::DimOp::create(b, loc, ops.out, tileSeqDim(outTy, ops.layout))
                                .getResult();
    // A tile's rows: block_m / group of each of its heads (GQA packing).
    int64_t rowsPerHead = ops.accTy.getShape()[0] / group;
    Value rowEnd = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, row0, cIdx(rowsPerHead)), seqLen);
    Value used = live ? arith::MinUIOp::create(b, loc, live, ops.splits).getResult() : ops.splits;
    // The workspace row of split 0: this CTA's row less its split.
    Value first = packed ? cIdx(0)
                         : arith::MulIOp::create(b, loc, outStore.getBatch(), ops.splits).getResult();
    // A packed q-block past its sequence's end has no rows (its row0 would
    // be the next sequence's): every split of it skips the arrival too.
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row0, seqLen);
    scf::IfOp::create(b, loc, inside, [&](OpBuilder &b, Location loc) {
      Value countRow = start ? arith::AddIOp::create(b, loc, start, row0).getResult() : row0;
      Value last = SplitArriveOp::create(b, loc, b.getI1Type(), count, outBatch, head0, countRow,
                                         ops.splits);
      scf::IfOp::create(b, loc, last, [&](OpBuilder &b, Location loc) {
        scf::ParallelOp items = buildSplitKVCombineRows(
            b, loc, ops, SplitKVCombineRows{outBatch, start, head0, group, row0, rowEnd, used,
                                            first});
        items->setAttr(FAAttnDialect::getThreadLoopAttrName(), b.getUnitAttr());
        scf::YieldOp::create(b, loc);
      });
      scf::YieldOp::create(b, loc);
    });
  }

  LogicalResult split(scf::ForallOp grid) {
    Block *body = grid.getBody();
    scf::ForOp kvLoop;
    SoftmaxFinalizeOp fin;
    for (Operation &op : *body) {
      if (auto f = dyn_cast<scf::ForOp>(op); f && f->hasAttr(FAAttnDialect::getKvLoopAttrName()))
        kvLoop = f;
      if (auto f = dyn_cast<SoftmaxFinalizeOp>(op))
        fin = f;
    }
    if (!kvLoop || !fin || grid.getRank() != 3)
      return grid.emitError() << "faattn-split-kv expects the grid of faattn-tile (one KV loop "
                                 "and one softmax_finalize); run it right after faattn-tile";
    if (fin.getDescale())
      return grid.emitError() << "faattn-split-kv does not split a grid whose output is "
                                 "quantized (softmax_finalize with descale)";
    TileStoreOp outStore, lseStore;
    for (Operation *user : fin.getOut().getUsers())
      outStore = dyn_cast<TileStoreOp>(user);
    for (Operation *user : fin.getLse().getUsers())
      lseStore = dyn_cast<TileStoreOp>(user);
    if (!outStore)
      return grid.emitError() << "decode grid without an output store";
    Value lseMem = lseStore ? lseStore.getMem() : Value();
    // varlen: the query rows are packed, each sequence's at the stores' offset.
    bool packed = static_cast<bool>(outStore.getOffset());
    SmallVector<Value> seqRows = {outStore.getBatch(), outStore.getOffset(),
                                  outStore.getLimit()};
    std::optional<SetVector<Operation *>> seqSlice;
    if (packed) {
      if (!outStore.getLimit())
        return grid.emitError() << "a packed (varlen) output store without its sequence's limit";
      seqSlice = sequenceRowsSlice(seqRows, body);
      if (!seqSlice)
        return grid.emitError()
               << "the sequence rows of a packed (varlen) output store must be computed by pure "
                  "ops and memref.load in the grid, for the combine to compute them again";
    }

    Location loc = grid.getLoc();
    OpBuilder b(grid);
    auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
    Value out = outStore.getMem();
    auto outTy = cast<MemRefType>(out.getType());
    Layout layout = outStore.getLayout();
    TileType accTy = cast<TileType>(fin.getAcc().getType());
    TileType rowTy = cast<TileType>(fin.getRowMax().getType());
    int64_t dv = outTy.getShape().back(); // the output's head dim (the tile's may be padded)
    int64_t heads = outTy.getShape()[layout == Layout::bshd ? 2 : 1];
    unsigned seqDim = layout == Layout::bshd ? 1 : 2;

    // Number of splits and the workspace: partial O as a bshd (B * S, Sq, H, Dv)
    // f32 tensor and partial LSE as (B * S, H, Sq), so that tile_load/store apply.
    // Dense K/V: the KV block count is the same for every CTA (defined above
    // the grid). Paged K/V: each CTA's count is min(bound, its own) (see
    // faattn-tile), which the splits divide (a split past it runs no block).
    Value nkb = kvLoop.getUpperBound(), nkbLocal = nkb;
    if (grid->isAncestor(nkb.getParentRegion()->getParentOp())) {
      auto min = nkb.getDefiningOp<arith::MinUIOp>();
      if (!min || grid->isAncestor(min.getLhs().getParentRegion()->getParentOp()))
        return grid.emitError() << "faattn-split-kv expects the KV loop bound of faattn-tile";
      nkb = min.getLhs();
    }
    Value batch = grid.getUpperBound(b)[0];
    // Balanced splits (varlen K/V): the sequence's own KV blocks, whatever
    // the CTA's q-block (the select of faattn-tile's past-the-end q-blocks
    // left out), and the batch's total blocks, in the grid; the combine
    // computes both again.
    Value cuKV = balance > 1 && packed && nkbLocal != nkb ? kvOffsets(kvLoop) : Value();
    Value ownAll, totalBlocks;
    std::optional<SetVector<Operation *>> balanceSlice;
    // Balanced paged K/V (`balance-paged`): a sequence's own blocks from its
    // seqlens_kv (faattn-tile's per-CTA bound), the batch's total a loop over
    // the sequences in every CTA (pagedTotal), computed again by the combine.
    std::optional<SetVector<Operation *>> pagedSlice;
    Value pagedLocal;
    if (balancePaged && balance > 1 && !cuKV && nkbLocal != nkb && pagedKV(kvLoop)) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(kvLoop);
      pagedLocal = nkbLocal.getDefiningOp<arith::MinUIOp>().getRhs();
      pagedSlice = sequenceRowsSlice({pagedLocal}, body);
      if (pagedSlice) {
        ownAll = arith::MinUIOp::create(b, loc, nkb, pagedLocal);
        totalBlocks = pagedTotal(b, loc, pagedLocal, *pagedSlice, body->getArgument(0), batch,
                                 nkb);
      }
    }
    bool balanced = static_cast<bool>(cuKV) || static_cast<bool>(pagedSlice);
    if (cuKV) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(kvLoop);
      Value local = nkbLocal.getDefiningOp<arith::MinUIOp>().getRhs();
      if (auto sel = local.getDefiningOp<arith::SelectOp>())
        local = sel.getFalseValue();
      ownAll = arith::MinUIOp::create(b, loc, nkb, local);
      auto keyAt = [&](Value i) -> Value {
        Value v = memref::LoadOp::create(b, loc, cuKV, i);
        return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
      };
      Value first = keyAt(cIdx(0)), last = keyAt(batch);
      Value backwards = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, last, first);
      Value keys = arith::SelectOp::create(b, loc, backwards, cIdx(0),
                                           arith::SubIOp::create(b, loc, last, first));
      totalBlocks = arith::CeilDivUIOp::create(b, loc, keys, cIdx(kvBlockSize(kvLoop)));
      // (Balancing is an optimization: where the combine could not compute
      // them again, the splits divide each sequence's own blocks instead, and
      // the ops above are dead.)
      balanceSlice = sequenceRowsSlice({ownAll, totalBlocks}, body);
      if (!balanceSlice)
        cuKV = Value();
    }
    // The workspace's types are the kernel ABI's (the runtime allocates it).
    std::vector<KernelArg> workspace = splitKVWorkspaceArgs(heads, dv, packed, lastCtaCombine);
    MemRefType partTy = kernelArgType(b.getContext(), workspace[0]);
    MemRefType lsePartTy = kernelArgType(b.getContext(), workspace[1]);
    Value splits, oPart, lsePart, count;
    if (workspaceArgs) {
      // The runtime's workspace: S = its rows / batch (packed: its rows), at
      // least 1.
      auto fn = grid->getParentOfType<func::FuncOp>();
      if (fn->hasAttr(FAAttnDialect::getSplitKvAttrName()))
        return grid.emitError() << "faattn-split-kv with workspace-args splits one decode grid "
                                   "per function";
      unsigned n = fn.getNumArguments();
      if (failed(fn.insertArgument(n, partTy, {}, loc)) ||
          failed(fn.insertArgument(n + 1, lsePartTy, {}, loc)) ||
          (lastCtaCombine &&
           failed(fn.insertArgument(n + 2, kernelArgType(b.getContext(), workspace[2]), {}, loc))))
        return grid.emitError() << "cannot add the workspace arguments";
      oPart = fn.getArgument(n);
      lsePart = fn.getArgument(n + 1);
      if (lastCtaCombine)
        count = fn.getArgument(n + 2);
      Value rows = memref::DimOp::create(b, loc, oPart, 0);
      splits = packed ? rows
                      : arith::DivUIOp::create(b, loc, rows,
                                               arith::MaxUIOp::create(b, loc, batch, cIdx(1)))
                            .getResult();
      splits = arith::MaxUIOp::create(b, loc, splits, cIdx(1));
      SmallVector<NamedAttribute> split = {
          b.getNamedAttr("block_n", b.getI64IntegerAttr(kvBlockSize(kvLoop))),
          b.getNamedAttr("max_splits", b.getI64IntegerAttr(maxSplits))};
      if (balanced) // the runtime launches S = balance x its model's count
        split.push_back(b.getNamedAttr("balance", b.getI64IntegerAttr(balance)));
      if (lastCtaCombine) // no combine entry; the runtime zeroes workspace:count
        split.push_back(b.getNamedAttr("last_cta", b.getI64IntegerAttr(1)));
      fn->setAttr(FAAttnDialect::getSplitKvAttrName(), b.getDictionaryAttr(split));
    } else {
      splits = arith::MinUIOp::create(b, loc, nkb, cIdx(maxSplits));
      splits = arith::MaxUIOp::create(b, loc, splits, cIdx(1));
    }
    Value chunk = arith::CeilDivUIOp::create(b, loc, nkb, splits);
    if (!workspaceArgs) {
      Value seqQ = memref::DimOp::create(b, loc, out, seqDim);
      Value rowsOfSplits =
          packed ? splits : arith::MulIOp::create(b, loc, batch, splits).getResult();
      oPart = memref::AllocOp::create(b, loc, partTy, ValueRange{rowsOfSplits, seqQ});
      lsePart = memref::AllocOp::create(b, loc, lsePartTy, ValueRange{rowsOfSplits, seqQ});
      if (lastCtaCombine)
        count = zeroedCounter(b, loc, kernelArgType(b.getContext(), workspace[2]),
                              packed ? cIdx(1) : batch, seqQ);
    }

    // 1. The split grid: the old body under a fourth induction variable.
    SmallVector<OpFoldResult> ubs = grid.getMixedUpperBound();
    ubs.push_back(splits);
    auto splitGrid = scf::ForallOp::create(b, loc, ubs, ValueRange{}, std::nullopt);
    splitGrid->setAttr(FAAttnDialect::getGridAttrName(), b.getUnitAttr());
    splitGrid->setAttr(FAAttnDialect::getSplitKvAttrName(), b.getUnitAttr());
    Block *newBody = splitGrid.getBody();
    newBody->getOperations().splice(newBody->begin(), body->getOperations(), body->begin(),
                                    std::prev(body->end()));
    for (unsigned i = 0; i < 3; ++i)
      body->getArgument(i).replaceAllUsesWith(newBody->getArgument(i));
    Value s = newBody->getArgument(3);
    // GQA packing: the output's rows are a head group's (the stores keep it).
    IntegerAttr headGroup = outStore.getHeadGroupAttr();
    Value bIdx = newBody->getArgument(0);
    Value mine;
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(kvLoop);
      // Paged K/V: the splits divide this CTA's own blocks (its sequence's),
      // not the table's capacity, so that a short sequence in a table sized
      // for a long context is still spread over every split.
      // Balanced splits: the chunk of the sequence's share of the uniform
      // batch's CTAs (balancedChunk).
      mine = balanced ? balancedChunk(b, loc, ownAll, totalBlocks, batch, splits)
                   : nkbLocal == nkb
                       ? chunk
                       : arith::CeilDivUIOp::create(b, loc, nkbLocal, splits).getResult();
      Value lo = arith::MulIOp::create(b, loc, s, mine);
      Value hi = arith::MinUIOp::create(b, loc, arith::AddIOp::create(b, loc, lo, mine), nkbLocal);
      kvLoop.getLowerBoundMutable().assign(lo);
      kvLoop.getUpperBoundMutable().assign(hi);
      // The partial results stay f32 and go to the workspace.
      b.setInsertionPoint(fin);
      auto partial = SoftmaxFinalizeOp::create(b, loc, TypeRange{accTy, rowTy}, fin.getAcc(),
                                               fin.getRowMax(), fin.getRowSum(),
                                               /*descale=*/Value(), fin.getRowScale(),
                                               fin.getOutScale(),
                                               fin.getScaleLog2Attr());
      Value row = outStore.getRow0(), head = outStore.getHead();
      b.setInsertionPoint(outStore);
      // The workspace row of this split: b * S + s, packed s (the sequence's
      // rows at their packed rows, as in out).
      Value part = packed ? s
                          : arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, bIdx, splits),
                                                  s)
                                .getResult();
      // Balanced splits: a split past the blocks its sequence uses stores no
      // row (the combine reads only the used ones), so that a uniform batch's
      // idle CTAs do not write their partials.
      Value limit = packed ? seqRows[2] : Value();
      if (cuKV) // (paged: dense query rows, an idle split's partials are unread)
        limit = arith::SelectOp::create(
            b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, lo, ownAll),
            cIdx(0), limit);
      auto oStore = TileStoreOp::create(b, loc, partial.getOut(), oPart, part, head, row,
                                        LayoutAttr::get(b.getContext(), Layout::bshd));
      auto lStore = TileStoreOp::create(b, loc, partial.getLse(), lsePart, part, head, row,
                                        LayoutAttr::get(b.getContext(), Layout::bshd));
      oStore.setHeadGroupAttr(headGroup);
      lStore.setHeadGroupAttr(headGroup);
      if (packed)
        for (TileStoreOp st : {oStore, lStore}) {
          st.getOffsetMutable().assign(seqRows[1]);
          st.getLimitMutable().assign(limit);
        }
      if (lastCtaCombine) {
        SplitKVCombineOperands ops{splits, oPart, lsePart, out, lseMem, layout, accTy, rowTy,
                                   nullptr, nullptr};
        combineInCta(b, loc, ops, outStore, packed ? seqRows : SmallVector<Value>{},
                     headGroup ? headGroup.getInt() : 1, count,
                     balanced ? arith::CeilDivUIOp::create(b, loc, ownAll, mine).getResult()
                              : Value());
      }
      outStore.erase();
      if (lseStore)
        lseStore.erase();
      fin.erase();
    }
    if (lastCtaCombine) {
      grid.erase();
      return success();
    }

    // 2. The combine grid (templates/common/SplitKVCombine.h): one query head
    // and block_m rows a CTA, also when the split grid packs a head group.
    // (Its sizes before the split grid: the grids follow each other.)
    SmallVector<OpFoldResult> combineUbs = grid.getMixedUpperBound();
    if (headGroup) {
      b.setInsertionPoint(splitGrid);
      Value seqQ = memref::DimOp::create(b, loc, out, seqDim);
      combineUbs[1] = b.getIndexAttr(heads);
      combineUbs[2] = arith::CeilDivUIOp::create(b, loc, seqQ, cIdx(accTy.getShape()[0])).getResult();
    }
    b.setInsertionPointAfter(splitGrid);
    SplitKVCombineOperands combineOps{splits, oPart, lsePart, out, lseMem, layout, accTy, rowTy,
                                      nullptr, nullptr};
    if (packed)
      combineOps.sequenceRows = [&](OpBuilder &b, Value bIdx) -> std::array<Value, 3> {
        SmallVector<Value> v =
            cloneSequenceRows(b, seqRows, *seqSlice, newBody->getArgument(0), bIdx);
        return {v[0], v[1], v[2]};
      };
    if (pagedSlice)
      combineOps.liveSplits = [&](OpBuilder &b, Value bIdx) -> Value {
        Value own = arith::MinUIOp::create(
            b, loc, nkb,
            cloneSequenceRows(b, {pagedLocal}, *pagedSlice, newBody->getArgument(0), bIdx)[0]);
        Value total =
            pagedTotal(b, loc, pagedLocal, *pagedSlice, newBody->getArgument(0), batch, nkb);
        return arith::CeilDivUIOp::create(b, loc, own,
                                          balancedChunk(b, loc, own, total, batch, splits));
      };
    if (cuKV)
      combineOps.liveSplits = [&](OpBuilder &b, Value bIdx) -> Value {
        SmallVector<Value> v = cloneSequenceRows(b, {ownAll, totalBlocks}, *balanceSlice,
                                                 newBody->getArgument(0), bIdx);
        Value mine = balancedChunk(b, loc, v[0], v[1], batch, splits);
        return arith::CeilDivUIOp::create(b, loc, v[0], mine);
      };
    buildSplitKVCombine(b, loc, combineUbs, combineOps);
    // No dealloc here: the buffer deallocation pipeline places it.
    grid.erase();
    return success();
  }
};

} // namespace
} // namespace faattn
