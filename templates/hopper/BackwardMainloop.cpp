//===- BackwardMainloop.cpp - template: the backward's main grid on wgmma --===//
//
// faattn-backward-tile's main grid (FA2's backward in column order) on the
// sm_90a tensor cores: faattn-tiles-to-wgmma takes it with its `backward`
// option, which the GPU pipeline sets for every backward kernel it admits
// (takesBackwardWgmma; docs/BACKWARD.md). Built by WgmmaLowering::runBackward over the grid's
// tile ops; the walk, elementwise code and loops are WgmmaLowering.cpp's.
//
// Warp roles. One warpgroup (128 threads) per CTA: a CTA owns 64 keys of
// one (batch, KV head), and every 64-row tile of the grid is one warpgroup's
// accumulator fragments, whether its rows are query rows (S, P, dP, dS, dQ)
// or the CTA's keys (dK, dV). No producer: the threads copy the blocks.
//
// Shared memory. Each 16-bit tile a product reads has a buffer in the
// canonical K-major layout without swizzle (8 x 8 core matrices, as the
// forward's copy pipeline): `direct` (rows x cols, reduction over the
// columns) for the A and B of S = Q K^T and dP = dO V^T, and also read
// MN-major (mnMajorDescriptor, the transpose-B bit) as a B whose reduction
// runs over its rows (K in dQ = dS K, dO in dV, Q in dK); `transposed` (cols
// x rows) only for the A of dV += P^T dO and dK += dS^T Q, whose fragments
// (query rows x keys) are written there transposed.
//
// Barriers and phases, per Q block (non-rotated, every product waited for
// at once, so a buffer is free once every thread has passed a barrier after
// its product):
//   CTA barrier; copy Q and dO (each with its row-zeroing map), fence.proxy
//   .async, CTA barrier; LSE_i and D_i into fragments (global loads);
//   S = Q K^T (SS); score', d score' (tile_score_grad) and the mask on S's
//   fragments; P; dP = dO V^T (SS); dS;
//   P^T to shared memory, fence, barrier; dV += P^T dO (SS, accumulating
//   onto dV's fragments);
//   dS^T to shared memory, fence, barrier; dK += dS^T Q (SS);
//   dQ_i = dS K (RS: dS's fragments as A), atomically added per element
//   into the f32 accumulator (the accumulate tile_store, Epilogue.cpp's
//   convertStore); the param gradients: atomic adds per element, or for a
//   param element the whole tile shares (slopes[h], a scalar) one per warp
//   after a sum over the thread's elements and the warp's shuffles.
// The block scans of the mask analysis (column order) run as loops that
// every thread evaluates (they are short: one step a Q block).
//
// Needs from the plan: elt (bm = bn = 64). The grid's arguments are the
// backward's, with the delta and the dQ accumulator as memrefs of its own.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
#include "faattn/Target/TargetInfo.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>

namespace faattn {
namespace hopper {

LogicalResult WgmmaLowering::runBackward() {
  Block &entry = fn.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  Location loc = fn.getLoc();
  f32 = b.getF32Type();
  threads = p.threads();
  // The buffers: for each product, its operands' (a tile read by several
  // products has one buffer of each form it is read in). The tiles of a Q
  // loop (faattn.q_loop: Q, dO, P, dS) are dead after it, so the loops (the
  // mask analysis' masked, full, masked) share their buffers, after the
  // loop-invariant K and V's.
  int64_t cursor = 0;
  auto place = [&](int64_t bytes) {
    cursor = (cursor + 127) / 128 * 128;
    int64_t at = cursor;
    cursor += bytes;
    total = std::max(total, cursor);
    return at;
  };
  auto need = [&](Value v, bool transposed) {
    auto t = cast<TileType>(v.getType());
    OperandTile &o = operandTiles[v];
    int64_t &at = transposed ? o.transposed : o.direct;
    int64_t bytes = t.getShape()[0] * t.getShape()[1] * 2;
    // Q and dO copied ahead (copyPrefetch): two buffers, this block's and
    // the next one's.
    TileLoadOp rowLoad;
    if (at < 0 && !transposed && p.copyPrefetch && prefetchedLoad(v, rowLoad))
      o.stageBytes = bytes;
    if (at < 0)
      at = place(o.stageBytes ? 2 * bytes : bytes);
  };
  auto qLoopOf = [](Value v) -> Operation * {
    for (Operation *op = v.getParentRegion()->getParentOp(); op; op = op->getParentOp())
      if (op->hasAttr(FAAttnDialect::getQLoopAttrName()))
        return op;
    return nullptr;
  };
  SmallVector<TileDotOp> dots;
  fn.walk([&](TileDotOp dot) { dots.push_back(dot); });
  auto needs = [&](TileDotOp dot, function_ref<bool(Value)> take) {
    auto want = [&](Value v, bool transposed) {
      if (take(v))
        need(v, transposed);
    };
    if (dot.getTransposeRhs()) {
      want(dot.getLhs(), false);
      want(dot.getRhs(), false);
      return;
    }
    // A B whose reduction runs over its rows is read MN-major from its
    // direct buffer (mnMajorDescriptor).
    want(dot.getRhs(), false);
    if (dot.getTransposeLhs())
      want(dot.getLhs(), true);
  };
  for (TileDotOp dot : dots)
    needs(dot, [&](Value v) { return !qLoopOf(v); });
  int64_t invariant = cursor;
  Operation *loop = nullptr;
  for (TileDotOp dot : dots) {
    if (Operation *l = qLoopOf(dot.getResult()); l != loop) {
      loop = l;
      cursor = invariant;
    }
    needs(dot, [&](Value v) { return qLoopOf(v) == loop && loop; });
  }
  // dQ's staging buffer over the Q loop's buffers: they are dead once a Q
  // block's products are waited for, and the next block's copies wait for
  // the bulk reductions' reads of it.
  if (auto [rows, cols] = dqStagingShape(); p.dqBulk && rows) {
    dqPitch = cols * 4 + 16;
    cursor = invariant;
    dqAt = place(rows * dqPitch);
  }
  if (total > kSM90a.maxDynamicSharedBytes())
    return fn.emitOpError() << "the backward's tiles need " << total
                            << " bytes of shared memory, more than "
                            << kSM90a.maxDynamicSharedBytes();
  initSharedMemory(b, loc);
  initThreads(b, loc);
  if (failed(convertBlock(entry)))
    return failure();
  // The bulk reductions complete before the CTA's shared memory goes.
  if (dqAt >= 0)
    fn.walk([&](gpu::ReturnOp ret) {
      OpBuilder rb(ret);
      NVVM::CpAsyncBulkWaitGroupOp::create(rb, ret.getLoc(), rb.getI32IntegerAttr(0), UnitAttr());
    });
  eraseConverted();
  return success();
}

std::pair<int64_t, int64_t> WgmmaLowering::dqStagingShape() {
  int64_t rows = 0, cols = 0;
  bool fits = true;
  fn.walk([&](Operation *op) {
    if (isa<TurnPassOp, TurnWaitOp, TurnEndOp>(op))
      fits = false;
    auto store = dyn_cast<TileStoreOp>(op);
    if (!store || !store.getAccumulate())
      return;
    TileType t = store.getValue().getType();
    MemRefType mem = store.getMem().getType();
    int64_t d = mem.getShape().back();
    fits = fits && t.getElementType().isF32() && t.getShape()[1] > 1 &&
           mem.getLayout().isIdentity() && !ShapedType::isDynamic(d) && (d * 4) % 16 == 0 &&
           t.getShape()[0] <= threads;
    rows = std::max(rows, t.getShape()[0]);
    // (The tile's columns: a padded tile's fragments past the head dim are
    // staged too, though not added.)
    cols = std::max(cols, t.getShape()[1]);
  });
  if (!fits || !rows)
    return {0, 0};
  return {rows, cols};
}

Value WgmmaLowering::canonicalDescriptor(OpBuilder &b, int64_t at, int64_t k, int64_t kdim,
                                         Value extraBytes) {
  // Core matrices of 8 rows x 16 bytes: LBO 128 (the next 8 reduction
  // elements), SBO (kdim / 8) * 128 (the next 8 rows); k-step k (16
  // elements) two core matrices on.
  return descriptor(b, address(b, at + k * 256, extraBytes), 128, (kdim / 8) * 128, 0);
}

Value WgmmaLowering::mnMajorDescriptor(OpBuilder &b, int64_t at, int64_t k, int64_t cols,
                                       Value extraBytes) {
  // The direct (K-major) buffer of a rows x cols tile as an MN-major B whose
  // reduction runs over the rows: a core matrix's 8 rows of 16 bytes are 8
  // reduction elements of 8 N columns, as the no-swizzle MN-major layout
  // wants. There SBO is the stride between core matrices along N (128: the
  // next 8 columns) and LBO along the reduction ((cols / 8) * 128: the next
  // 8 rows); k-step k (16 rows) is two row blocks on.
  return descriptor(b, address(b, at + k * 2 * (cols / 8) * 128, extraBytes), (cols / 8) * 128,
                    128, 0);
}

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
    Value offset = meta.getOffset();
    for (auto [x, stride] :
         llvm::zip(tileMemIndices(memTy, load.getLayout(), row.batch, row.head, row.row, cs[k]),
                   meta.getStrides()))
      offset = arith::AddIOp::create(b, loc, offset, arith::MulIOp::create(b, loc, x, stride));
    offset = arith::SelectOp::create(b, loc, read, offset, meta.getOffset());
    Value addr = arith::IndexCastOp::create(
        b, loc, b.getI64Type(),
        arith::AddIOp::create(b, loc, base, arith::MulIOp::create(b, loc, offset, cIdx(b, eltBytes))));
    Value src = LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext(), 1),
                                         addr);
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

LogicalResult WgmmaLowering::convertDotBackward(OpBuilder &b, TileDotOp dot) {
  Location loc = dot.getLoc();
  if (asyncCopiesPending) // (the copies' pass waits before any product)
    finishAsyncCopies(b, loc);
  MLIRContext *ctx = b.getContext();
  TileType res = dot.getType(), lt = dot.getLhs().getType();
  int64_t n = res.getShape()[1];
  bool ss = dot.getTransposeRhs() || dot.getTransposeLhs();
  int64_t kdim = dot.getTransposeLhs() ? lt.getShape()[0] : lt.getShape()[1];
  auto structTy = LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(n / 2, f32));
  // dK / dV: the product accumulates onto the carried fragments (the map
  // acc + product that is its only use).
  TileMapOp add;
  if (dot->hasOneUse())
    if (auto m = dyn_cast<TileMapOp>(*dot->user_begin());
        m && m.getInputs().size() == 2 && m.getInputs()[1] == dot.getResult() &&
        m.getInputs()[0] != dot.getResult() && m.getInputs()[0].getType() == res &&
        m.getType() == res) {
      Block &body = m.getBody().front();
      auto sum = dyn_cast<arith::AddFOp>(&body.front());
      if (sum && sum->getNextNode() == body.getTerminator() &&
          cast<YieldOp>(body.getTerminator()).getValue() == sum.getResult() &&
          ((sum.getLhs() == body.getArgument(0) && sum.getRhs() == body.getArgument(1)) ||
           (sum.getLhs() == body.getArgument(1) && sum.getRhs() == body.getArgument(0))))
        add = m;
    }
  Value acc = LLVM::ZeroOp::create(b, loc, structTy);
  if (add) {
    Value from = frag.lookup(add.getInputs()[0]);
    if (!from)
      return dot.emitOpError() << "accumulates onto a tile without fragments";
    for (int64_t i = 0; i < n / 2; ++i)
      acc = LLVM::InsertValueOp::create(b, loc, acc, vector::ExtractOp::create(b, loc, from, i), i);
  }
  Value aFrag;
  if (!dot.getTransposeRhs()) {
    aFrag = frag.lookup(dot.getLhs());
    if (!aFrag)
      return dot.emitOpError() << "A has no fragments";
  }
  if (dot.getTransposeLhs()) {
    // P^T or dS^T: the fragments (query rows x keys) to shared memory as
    // (keys x query rows), then visible to the tensor cores.
    int64_t at = operandTiles.lookup(dot.getLhs()).transposed / 2;
    for (int64_t i = 0; i < elems(lt); ++i)
      memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, aFrag, i), smem,
                              coreIndex(b, at, colOf(b, i), rowOf(b, lt, i), lt.getShape()[0]));
    asyncVisible(b, loc);
  }
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  auto wgType = p.elt.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
  OperandTile a = operandTiles.lookup(dot.getLhs()), bt = operandTiles.lookup(dot.getRhs());
  // B: K-major (S, dP: reduction over its columns) or MN-major (dV, dK, dQ:
  // over its rows, n = its columns), both from its direct buffer.
  bool mnMajorB = !dot.getTransposeRhs();
  // A prefetched block's buffer of this Q block (bytes past its first).
  auto stageOffset = [&](const OperandTile &o) -> Value {
    if (!o.stageBytes)
      return Value();
    return arith::MulIOp::create(b, loc, qStage, cIdx(b, o.stageBytes));
  };
  for (int64_t k = 0; k < kdim / 16; ++k) {
    Value descB = mnMajorB ? mnMajorDescriptor(b, bt.direct, k, n, stageOffset(bt))
                           : canonicalDescriptor(b, bt.direct, k, kdim, stageOffset(bt));
    bool onto = k > 0 || add;
    if (!ss) { // dQ = dS K: A from registers
      acc = wgmmaRS(b, acc, packA(b, aFrag, k), descB, n, onto, /*transposeB=*/mnMajorB);
      continue;
    }
    Value descA =
        dot.getTransposeLhs() ? canonicalDescriptor(b, a.transposed, k, kdim)
                              : canonicalDescriptor(b, a.direct, k, kdim, stageOffset(a));
    acc = NVVM::WgmmaMmaAsyncOp::create(
        b, loc, structTy, acc, descA, descB, NVVM::MMAShapeAttr::get(ctx, 64, n, 16), wgType,
        wgType, NVVM::WGMMATypes::f32, onto ? NVVM::WGMMAScaleOut::one : NVVM::WGMMAScaleOut::zero,
        NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
        mnMajorB ? NVVM::MMALayout::row : NVVM::MMALayout::col,
        /*satfinite=*/NVVM::MMAIntOverflowAttr());
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  Value result = dot.getResult();
  if (add) {
    result = add.getResult();
    fused.insert(add);
    toErase.push_back(add);
  }
  frag[result] = fragmentsOf(b, acc, res);
  toErase.push_back(dot);
  return success();
}

std::pair<Value, Value> WgmmaLowering::gradIndices(OpBuilder &b, Value row0, Value col0,
                                                   TileType t, int64_t i) {
  Location loc = fn.getLoc();
  return {arith::AddIOp::create(b, loc, row0, i32(b, rowOf(b, t, i))),
          arith::AddIOp::create(b, loc, col0, i32(b, colOf(b, i)))};
}

LogicalResult WgmmaLowering::convertScoreGrad(OpBuilder &b, TileScoreGradOp op) {
  Location loc = op.getLoc();
  TileType t = op.getInput().getType();
  if (t.getShape()[1] == 1)
    return op.emitOpError() << "on an M x 1 tile has no wgmma lowering";
  SmallVector<Value> score, dscore;
  for (int64_t i = 0; i < elems(t); ++i) {
    auto [q, kv] = gradIndices(b, op.getRow0(), op.getCol0(), t, i);
    auto [s, ds] = emitScoreGradElement(b, op, q, kv, element(b, op.getInput(), t, i, false));
    score.push_back(s);
    dscore.push_back(ds);
  }
  frag[op.getScore()] = vector::FromElementsOp::create(b, loc, vecOf(t), score);
  frag[op.getDscore()] = vector::FromElementsOp::create(b, loc, vecOf(t), dscore);
  toErase.push_back(op);
  return success();
}

LogicalResult WgmmaLowering::convertParamGrad(OpBuilder &b, TileParamGradOp op) {
  Location loc = op.getLoc();
  TileType t = op.getInput().getType();
  if (t.getShape()[1] == 1)
    return op.emitOpError() << "on an M x 1 tile has no wgmma lowering";
  auto atomicAdd = [](OpBuilder &b, Value buffer, ValueRange indices, Value value) {
    memref::AtomicRMWOp::create(b, b.getUnknownLoc(), arith::AtomicRMWKind::addf, value, buffer,
                                indices);
  };
  // Entries whose param element is the same for the whole tile (slopes[h],
  // a scalar) are summed: over this thread's elements, then over the warp
  // (shuffles), and added by lane 0, one atomic a warp instead of one an
  // element, all on one address. Other entries add per element.
  SmallVector<bool> summed = tileInvariantParamEntries(op);
  SmallVector<Value> sums;
  for (int64_t i = 0; i < elems(t); ++i) {
    auto [q, kv] = gradIndices(b, op.getRow0(), op.getCol0(), t, i);
    SmallVector<Value> parts = emitParamGradElement(
        b, op, q, kv, element(b, op.getInput(), t, i, false),
        element(b, op.getWeight(), op.getWeight().getType(), i, false), atomicAdd, summed);
    if (sums.empty())
      sums = parts;
    else
      for (auto [sum, part] : llvm::zip(sums, parts))
        sum = arith::AddFOp::create(b, loc, sum, part);
  }
  if (!sums.empty()) {
    auto yield = cast<GradYieldOp>(op.getRegion().front().getTerminator());
    Value lane0 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        arith::RemUIOp::create(b, loc, tid, cIdx(b, 32)), cIdx(b, 0));
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    unsigned k = 0;
    for (unsigned e = 0; e < summed.size(); ++e) {
      if (!summed[e])
        continue;
      Value sum = sums[k++];
      for (int64_t offset : {16, 8, 4, 2, 1})
        sum = arith::AddFOp::create(b, loc, sum,
                                    gpu::ShuffleOp::create(b, loc, sum, c32(b, offset), c32(b, 32),
                                                           gpu::ShuffleMode::XOR)
                                        .getShuffleResult());
      // A sum of 0 adds nothing (as no element flowing): its indices are
      // then not used. NaN is not 0, and propagates.
      Value adds = arith::AndIOp::create(
          b, loc, lane0, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, sum, zero));
      scf::IfOp::create(b, loc, adds, [&](OpBuilder &b, Location loc) {
        Value grad =
            op.getGrads()[gradBufferIndex(yield, op.getRequiresGrad(), e)];
        atomicAdd(b, grad, emitParamGradIndices(b, op, e), sum);
        scf::YieldOp::create(b, loc);
      });
    }
  }
  toErase.push_back(op);
  return success();
}

// The turns of `deterministic` (BackwardTile.cpp): thread 0 reads the lock
// by an atomic OR of 0 until it holds the turn, and ends a turn by an atomic
// exchange (NVPTX emits both as relaxed gpu-scope atoms). CUTLASS's
// semaphore protocol: poll, fence (membar.gl), CTA barrier, adds; CTA
// barrier, fence, exchange. So the adds of the CTAs before are performed
// before this one's, and this one's before the next one's. A pass of a
// skipped block (no adds) polls and exchanges, the CTA's threads a block
// each: an atomic read-modify-write continues the previous turn's release.
// Deadlock-free in any order within a CTA: a CTA waits only on lower KV
// blocks of its (batch, head), which start first and pass every block.
/// The pause between two polls of a turn lock that did not hold the turn
/// (nanosleep; a turn lasts a few microseconds).
constexpr int32_t kTurnBackoffNs = 128;

LogicalResult WgmmaLowering::convertTurn(OpBuilder &b, Operation *op) {
  Location loc = op->getLoc();
  Value turn = arith::IndexCastOp::create(
      b, loc, b.getI32Type(),
      TypeSwitch<Operation *, Value>(op).Case<TurnPassOp, TurnWaitOp, TurnEndOp>(
          [](auto t) { return t.getTurn(); }));
  Value next = arith::AddIOp::create(b, loc, turn, c32(b, 1));
  // Thread 0 polls until `mem[idx]` holds the turn.
  auto poll = [&](OpBuilder &b, Value mem, ValueRange idx) {
    auto loop = scf::WhileOp::create(b, loc, TypeRange{}, ValueRange{});
    OpBuilder::InsertionGuard keep(b);
    OpBuilder w = OpBuilder::atBlockBegin(b.createBlock(&loop.getBefore()));
    Value held = memref::AtomicRMWOp::create(w, loc, arith::AtomicRMWKind::ori, c32(w, 0), mem,
                                             idx);
    Value waiting = arith::CmpIOp::create(w, loc, arith::CmpIPredicate::ne, held, turn);
    scf::ConditionOp::create(w, loc, waiting, ValueRange{});
    // The turn has not come: back off before the next poll (the polls are atomics at L2,
    // beside the dQ adds of the CTAs that hold their turns).
    OpBuilder a = OpBuilder::atBlockBegin(b.createBlock(&loop.getAfter()));
    NVVM::NanosleepOp::create(a, loc, c32(a, kTurnBackoffNs));
    scf::YieldOp::create(a, loc);
  };
  auto release = [&](OpBuilder &b, Value mem, ValueRange idx) {
    memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::assign, next, mem, idx);
  };
  Value leader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, cIdx(b, 0));
  if (auto pass = dyn_cast<TurnPassOp>(op)) {
    // The skipped blocks carry no adds, and their turns are independent of
    // one another: the threads pass them in parallel (block from + tid, then
    // + threads, ...), so a CTA's pass costs about one turn, not one per block.
    Value first = arith::AddIOp::create(b, loc, pass.getFrom(), tid);
    scf::ForOp::create(b, loc, first, pass.getTo(), cIdx(b, threads), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value k, ValueRange) {
                         SmallVector<Value> idx = pass.lockIndices(b, k);
                         poll(b, pass.getLock(), idx);
                         release(b, pass.getLock(), idx);
                         scf::YieldOp::create(b, loc);
                       });
  } else if (auto wait = dyn_cast<TurnWaitOp>(op)) {
    SmallVector<Value> idx = wait.lockIndices(b, wait.getBlock());
    scf::IfOp::create(b, loc, leader, [&](OpBuilder &b, Location loc) {
      poll(b, wait.getLock(), idx);
      NVVM::MembarOp::create(b, loc, NVVM::MemScopeKind::GPU); // acquire: the adds after
      scf::YieldOp::create(b, loc);
    });
    gpu::BarrierOp::create(b, loc);
    wait.getReady().replaceAllUsesWith(
        arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1).getResult());
  } else {
    auto end = cast<TurnEndOp>(op);
    SmallVector<Value> idx = end.lockIndices(b, end.getBlock());
    gpu::BarrierOp::create(b, loc);
    scf::IfOp::create(b, loc, leader, [&](OpBuilder &b, Location loc) {
      NVVM::MembarOp::create(b, loc, NVVM::MemScopeKind::GPU);
      release(b, end.getLock(), idx);
      scf::YieldOp::create(b, loc);
    });
  }
  toErase.push_back(op);
  return success();
}

LogicalResult WgmmaLowering::sequentialScan(scf::ParallelOp par) {
  if (par.getNumLoops() != 1)
    return par.emitOpError() << "a block scan of more than one dimension";
  OpBuilder b(par);
  Location loc = par.getLoc();
  auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
  auto loop = scf::ForOp::create(b, loc, par.getLowerBound()[0], par.getUpperBound()[0],
                                 par.getStep()[0], par.getInitVals());
  {
    Block *body = loop.getBody();
    if (!body->empty())
      body->getTerminator()->erase();
    OpBuilder lb = OpBuilder::atBlockEnd(body);
    IRMapping map;
    map.map(par.getInductionVars()[0], loop.getInductionVar());
    for (Operation &op : par.getBody()->without_terminator())
      lb.clone(op, map);
    SmallVector<Value> next;
    for (unsigned i = 0; i < reduce.getNumOperands(); ++i)
      next.push_back(combine(lb, reduce, i, loop.getRegionIterArgs()[i],
                             map.lookupOrDefault(reduce.getOperands()[i])));
    scf::YieldOp::create(lb, loc, next);
  }
  par.replaceAllUsesWith(loop.getResults());
  toErase.push_back(par);
  // Range reductions of the classifier inside it (the outermost ones; each
  // takes its own), likewise.
  SmallVector<scf::ParallelOp> inner;
  loop.walk([&](scf::ParallelOp x) {
    auto outer = x->getParentOfType<scf::ParallelOp>();
    if (!outer || !loop->isAncestor(outer))
      inner.push_back(x);
  });
  for (scf::ParallelOp x : inner)
    if (failed(sequentialScan(x)))
      return failure();
  return success();
}

} // namespace hopper
} // namespace faattn
