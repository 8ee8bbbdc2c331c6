//===- BackwardCopies.cpp - template: the backward's block copies ------===//
//
// The copies of the backward's main grid (BackwardMainloop.cpp): K and V once
// a CTA, Q and dO each Q block, by the threads into the canonical K-major
// buffers the products read (with faattn-backward-tile's row-zeroing map
// applied on the way); the LSE and D rows into fragments. The experimental
// arms of PERFORMANCE step 49 are here too: a thread's loads batched
// (Plan::copyBatch), cp.async with zero fill (copyAsync) and Q / dO
// double-buffered with the next block's copies issued ahead (copyPrefetch).
// Every copy waits first for the bulk reductions of dQ's staging buffer,
// which lies over Q's and dO's buffers (Plan::dqBulk).
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"

#include <limits>

namespace faattn {
namespace hopper {

/// Whether `map` (a block and its rows' LSE) is faattn-backward-tile's row
/// zeroing, x -> select(lse == -inf, 0, x), and nothing else.
static bool zeroesDeadRows(TileMapOp map) {
  Block &body = map.getBody().front();
  auto sel = cast<YieldOp>(body.getTerminator()).getValue().getDefiningOp<arith::SelectOp>();
  auto cmp = sel ? sel.getCondition().getDefiningOp<arith::CmpFOp>() : nullptr;
  auto negInf = cmp ? cmp.getRhs().getDefiningOp<arith::ConstantFloatOp>() : nullptr;
  auto zero = sel ? sel.getTrueValue().getDefiningOp<arith::ConstantFloatOp>() : nullptr;
  // (+0: the zero fill's; no fast-math flag that would let the compare
  // assume its operand finite.)
  return negInf && zero && body.getOperations().size() == 5 && // 2 constants, cmp, select, yield
         cmp.getPredicate() == arith::CmpFPredicate::OEQ && cmp.getLhs() == body.getArgument(1) &&
         cmp.getFastmath() == arith::FastMathFlags::none && negInf.value().isInfinity() &&
         negInf.value().isNegative() && zero.value().isPosZero() &&
         sel.getFalseValue() == body.getArgument(0);
}

LogicalResult WgmmaLowering::convertLoadBackward(OpBuilder &b, TileLoadOp load) {
  Location loc = load.getLoc();
  TileType t = load.getType();
  int64_t rows = t.getShape()[0], cols = t.getShape()[1];
  toErase.push_back(load);
  if (cols == 1) {
    // LSE_i, D_i: this thread's two rows (0 outside the sequence).
    SmallVector<Value> v;
    for (int64_t i = 0; i < 2; ++i) {
      RowAddress at = tileRowAddress(b, loc, load, rowOf(b, t, i));
      v.push_back(loadOrZero(b, loc, load, at, cIdx(b, 0)));
    }
    frag[load] = vector::FromElementsOp::create(b, loc, vecOf(t), v);
    return success();
  }
  // The tile the products read: the block, or its row-zeroing map (then
  // applied here, with the row's LSE read again from memory).
  Value read = load;
  TileMapOp map;
  TileLoadOp rowLoad;
  if (load->hasOneUse())
    if (auto m = dyn_cast<TileMapOp>(*load->user_begin());
        m && operandTiles.count(m.getResult()) && m.getInputs().size() == 2 &&
        m.getInputs()[0] == load.getResult()) {
      map = m;
      rowLoad = m.getInputs()[1].getDefiningOp<TileLoadOp>();
      read = m.getResult();
      fused.insert(m);
      toErase.push_back(m);
    }
  auto it = operandTiles.find(read);
  if (it == operandTiles.end())
    return load.emitOpError() << "is a block no product of the backward reads";
  OperandTile o = it->second;
  if (o.stageBytes && o.transposed >= 0)
    return load.emitOpError() << "is copied ahead but also read transposed";
  if (o.stageBytes) { // copied ahead: by the first such load of the loop body
    auto loop = cast<scf::ForOp>(load->getParentOp());
    if (prefetchedLoop != loop) {
      if (asyncCopiesPending)
        finishAsyncCopies(b, loc);
      prefetchQBlocks(b, loop);
    }
    return success();
  }
  // By cp.async where the plan asks (the map only zeroes the rows whose LSE
  // is -inf, which the copy's zero fill does), when the chunks divide evenly.
  bool async = p.copyAsync && o.transposed < 0 && (!map || (rowLoad && zeroesDeadRows(map))) &&
               (rows * (cols / 8)) % threads == 0;
  if (asyncCopiesPending && !async)
    finishAsyncCopies(b, loc);
  // No thread may still read the buffers' previous block (each product is
  // waited for at once; the bulk reductions of dQ's staging buffer, over
  // them, by the threads that issued them); a copy joining a pending one is
  // behind its barrier.
  if (!asyncCopiesPending) {
    if (dqAt >= 0)
      NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0), b.getUnitAttr());
    gpu::BarrierOp::create(b, loc);
  }
  if (async) {
    copyBlockAsync(b, load, rowLoad, o.direct / 2);
    // A block load right after (Q, then dO) joins the copies in flight: one
    // wait for both.
    Operation *next = (map ? map.getOperation() : load.getOperation())->getNextNode();
    auto nextLoad = dyn_cast_or_null<TileLoadOp>(next);
    asyncCopiesPending = true;
    if (!nextLoad || nextLoad.getType().getShape()[1] == 1)
      finishAsyncCopies(b, loc);
    return success();
  }
  auto chunkTy = VectorType::get({8}, t.getElementType());
  int64_t chunks = cols / 8;
  // A thread's chunks i = tid + k * threads, `batch` of them an iteration:
  // all their loads (and the rows' LSE reads of the map) are issued before
  // the first store needs one, so that their round trips to global memory
  // overlap (the plan's copyBatch; 1: one load, then its store).
  // The largest batch up to copyBatch that divides a thread's chunks (at
  // head dim 64 a thread has 4, at 128 8).
  int64_t total = rows * chunks;
  int64_t perThread = total % threads == 0 ? total / threads : 1, batch = 1;
  for (int64_t n = std::min(p.copyBatch, perThread); n > 1 && batch == 1; --n)
    if (perThread % n == 0)
      batch = n;
  scf::ForOp::create(
      b, loc, tid, cIdx(b, total), cIdx(b, batch * threads), ValueRange{},
      [&](OpBuilder &b, Location loc, Value i0, ValueRange) {
        SmallVector<Value> rs, cs, read, rowValues;
        for (int64_t k = 0; k < batch; ++k) {
          Value i = k ? arith::AddIOp::create(b, loc, i0, cIdx(b, k * threads)).getResult() : i0;
          rs.push_back(arith::DivUIOp::create(b, loc, i, cIdx(b, chunks)));
          cs.push_back(arith::MulIOp::create(
              b, loc, arith::RemUIOp::create(b, loc, i, cIdx(b, chunks)), cIdx(b, 8)));
          read.push_back(
              loadChunkOrZero(b, loc, load, tileRowAddress(b, loc, load, rs[k]), cs[k], 8));
          if (map && batch > 1)
            rowValues.push_back(loadOrZero(b, loc, rowLoad,
                                           tileRowAddress(b, loc, rowLoad, rs[k]), cIdx(b, 0)));
        }
        for (int64_t k = 0; k < batch; ++k) {
          Value r = rs[k], c = cs[k];
          SmallVector<Value> x;
          for (int64_t e = 0; e < 8; ++e)
            x.push_back(vector::ExtractOp::create(b, loc, read[k], e));
          if (map) {
            Value rowValue = batch > 1 ? rowValues[k]
                                       : loadOrZero(b, loc, rowLoad,
                                                    tileRowAddress(b, loc, rowLoad, r), cIdx(b, 0));
            for (Value &e : x)
              e = emitMapElement(b, map, ValueRange{e, rowValue});
          }
          if (o.direct >= 0)
            vector::StoreOp::create(b, loc, vector::FromElementsOp::create(b, loc, chunkTy, x),
                                    smem, coreIndex(b, o.direct / 2, r, c, cols),
                                    /*nontemporal=*/false, llvm::MaybeAlign(16));
          for (int64_t e = 0; o.transposed >= 0 && e < 8; ++e)
            memref::StoreOp::create(
                b, loc, x[e], smem,
                coreIndex(b, o.transposed / 2, arith::AddIOp::create(b, loc, c, cIdx(b, e)), r,
                          rows));
        }
        scf::YieldOp::create(b, loc);
      });
  asyncVisible(b, loc);
  return success();
}

Value WgmmaLowering::elementOffset(OpBuilder &b, memref::ExtractStridedMetadataOp meta,
                                   MemRefType memTy, Layout layout, const RowAddress &row,
                                   Value col) {
  Location loc = fn.getLoc();
  Value offset = meta.getOffset();
  for (auto [x, stride] : llvm::zip(tileMemIndices(memTy, layout, row.batch, row.head, row.row, col),
                                    meta.getStrides()))
    offset = arith::AddIOp::create(b, loc, offset, arith::MulIOp::create(b, loc, x, stride));
  return offset;
}

Value WgmmaLowering::globalAddress(OpBuilder &b, Value base, Value offset, int64_t eltBytes) {
  Location loc = fn.getLoc();
  return arith::IndexCastOp::create(
      b, loc, b.getI64Type(),
      arith::AddIOp::create(b, loc, base, arith::MulIOp::create(b, loc, offset, cIdx(b, eltBytes))));
}

void WgmmaLowering::copyBlockAsync(OpBuilder &b, TileLoadOp load, TileLoadOp rowLoad,
                                   int64_t at, Value stageElems) {
  Location loc = load.getLoc();
  TileType t = load.getType();
  int64_t rows = t.getShape()[0], cols = t.getShape()[1], chunks = cols / 8;
  MemRefType memTy = load.getMem().getType();
  int64_t eltBytes = t.getElementType().getIntOrFloatBitWidth() / 8;
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, load.getMem());
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, load.getMem());
  // A thread's chunks i = tid + k * threads: first every row's LSE read (the
  // loads in flight together), then the copies.
  int64_t perThread = rows * chunks / threads;
  SmallVector<Value> rs, cs, dead;
  for (int64_t k = 0; k < perThread; ++k) {
    Value i = arith::AddIOp::create(b, loc, tid, cIdx(b, k * threads));
    rs.push_back(arith::DivUIOp::create(b, loc, i, cIdx(b, chunks)));
    cs.push_back(arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, i, cIdx(b, chunks)), cIdx(b, 8)));
    if (rowLoad) {
      Value lse = loadOrZero(b, loc, rowLoad, tileRowAddress(b, loc, rowLoad, rs[k]), cIdx(b, 0));
      dead.push_back(arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::OEQ, lse,
          arith::ConstantOp::create(
              b, loc, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()))));
    }
  }
  for (int64_t k = 0; k < perThread; ++k) {
    RowAddress row = tileRowAddress(b, loc, load, rs[k]);
    Value read = withinColumns(b, loc, row.inside, memTy, cols, cs[k]);
    if (rowLoad)
      read = arith::AndIOp::create(
          b, loc, read,
          arith::XOrIOp::create(b, loc, dead[k],
                                arith::ConstantOp::create(b, loc, b.getBoolAttr(true))));
    // The chunk's element offset (the tensor's own when nothing is read).
    Value offset = arith::SelectOp::create(
        b, loc, read, elementOffset(b, meta, memTy, load.getLayout(), row, cs[k]),
        meta.getOffset());
    Value src = LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext(), 1),
                                         globalAddress(b, base, offset, eltBytes));
    Value element = coreIndex(b, at, rs[k], cs[k], cols);
    if (stageElems)
      element = arith::AddIOp::create(b, loc, element, stageElems);
    Value dst = sharedPtr(b, arith::MulIOp::create(b, loc, element, cIdx(b, 2)));
    Value size = arith::SelectOp::create(b, loc, read, c32(b, 16), c32(b, 0));
    NVVM::CpAsyncOp::create(b, loc, dst, src, b.getI32IntegerAttr(16),
                            NVVM::LoadCacheModifierKindAttr::get(b.getContext(),
                                                                 NVVM::LoadCacheModifierKind::CG),
                            size);
  }
  NVVM::CpAsyncCommitGroupOp::create(b, loc);
}

void WgmmaLowering::finishAsyncCopies(OpBuilder &b, Location loc) {
  NVVM::CpAsyncWaitGroupOp::create(b, loc, 0);
  asyncVisible(b, loc);
  asyncCopiesPending = false;
}

TileLoadOp WgmmaLowering::prefetchedLoad(Value v, TileLoadOp &rowLoad) {
  rowLoad = TileLoadOp();
  TileLoadOp load = v.getDefiningOp<TileLoadOp>();
  if (auto map = v.getDefiningOp<TileMapOp>()) {
    if (map.getInputs().size() != 2 || !zeroesDeadRows(map))
      return TileLoadOp();
    load = map.getInputs()[0].getDefiningOp<TileLoadOp>();
    rowLoad = map.getInputs()[1].getDefiningOp<TileLoadOp>();
    if (!rowLoad || rowLoad->getBlock() != map->getBlock())
      return TileLoadOp();
  }
  auto loop = load ? dyn_cast<scf::ForOp>(load->getParentOp()) : scf::ForOp();
  TileType t = load ? load.getType() : TileType();
  // (A step of 1: block iv's buffer is iv % 2, the next block's the other.)
  if (!loop || !loop->hasAttr(FAAttnDialect::getQLoopAttrName()) || t.getShape()[1] == 1 ||
      getConstantIntValue(loop.getStep()) != std::optional<int64_t>(1) ||
      (t.getShape()[0] * (t.getShape()[1] / 8)) % p.threads() != 0)
    return TileLoadOp();
  return load;
}

void WgmmaLowering::prefetchQBlocks(OpBuilder &b, scf::ForOp loop) {
  Location loc = loop.getLoc();
  prefetchedLoop = loop;
  Block *body = loop.getBody();
  // The body's prefetched loads (Q, dO), each with its LSE load and buffer.
  struct Ahead {
    TileLoadOp load, rowLoad;
    OperandTile o;
  };
  SmallVector<Ahead> ahead;
  for (Operation &op : *body)
    if (auto l = dyn_cast<TileLoadOp>(op); l && l.getType().getShape()[1] > 1) {
      Value read = l.getResult();
      if (l->hasOneUse())
        if (auto m = dyn_cast<TileMapOp>(*l->user_begin()); m && operandTiles.count(m.getResult()))
          read = m.getResult();
      Ahead a;
      auto it = operandTiles.find(read);
      if (it != operandTiles.end() && it->second.stageBytes &&
          prefetchedLoad(read, a.rowLoad) == l) {
        a.load = l;
        a.o = it->second;
        ahead.push_back(a);
      }
    }
  // The copies of block `iv` (an index) into buffer iv % 2 at b's insertion
  // point: each load (and its LSE load) cloned with the ops of the body it
  // depends on, the loop's induction variable replaced by `iv`.
  auto issue = [&](OpBuilder &b, Value iv) {
    IRMapping map;
    map.map(loop.getInductionVar(), iv);
    llvm::SetVector<Operation *> slice;
    std::function<void(Value)> visit = [&](Value v) {
      Operation *d = v.getDefiningOp();
      if (!d || d->getBlock() != body || slice.contains(d) || isa<TileLoadOp>(d))
        return;
      for (Value x : d->getOperands())
        visit(x);
      slice.insert(d);
    };
    for (Ahead &a : ahead) {
      for (Value x : a.load->getOperands())
        visit(x);
      if (a.rowLoad)
        for (Value x : a.rowLoad->getOperands())
          visit(x);
    }
    for (Operation &op : *body)
      if (slice.contains(&op))
        b.clone(op, map);
    Value stage = arith::RemUIOp::create(b, loc, iv, cIdx(b, 2));
    for (Ahead &a : ahead) {
      auto load = cast<TileLoadOp>(b.clone(*a.load, map));
      auto rowLoad = a.rowLoad ? cast<TileLoadOp>(b.clone(*a.rowLoad, map)) : TileLoadOp();
      int64_t stageElems = a.o.stageBytes / 2;
      copyBlockAsync(b, load, rowLoad, a.o.direct / 2,
                     arith::MulIOp::create(b, loc, stage, cIdx(b, stageElems)));
      load.erase();
      if (rowLoad)
        rowLoad.erase();
    }
  };
  // Before the loop: its first block, if it has one, once no thread reads
  // its buffer any more (the previous query head's last block of a GQA
  // group may have used it: a barrier, as before every copy; the condition
  // is the CTA's, so every thread reaches it or none).
  {
    OpBuilder pb(loop);
    Value any = arith::CmpIOp::create(pb, loc, arith::CmpIPredicate::ult, loop.getLowerBound(),
                                      loop.getUpperBound());
    ifThen(pb, loc, any, [&](OpBuilder &b) {
      gpu::BarrierOp::create(b, loc);
      issue(b, loop.getLowerBound());
    });
  }
  // Here: this block's copies done and visible (all threads past the
  // previous block's products), then the next block's issued.
  NVVM::CpAsyncWaitGroupOp::create(b, loc, 0);
  asyncVisible(b, loc);
  qStage = arith::RemUIOp::create(b, loc, loop.getInductionVar(), cIdx(b, 2));
  Value next = arith::AddIOp::create(b, loc, loop.getInductionVar(), loop.getStep());
  Value more = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, next,
                                     loop.getUpperBound());
  ifThen(b, loc, more, [&](OpBuilder &b) { issue(b, next); });
}

} // namespace hopper
} // namespace faattn
