//===- ForwardMainloop.cpp - template: the Hopper forward kernel's mainloop ===//
//
// The forward attention kernel on sm_90a (FA3's mainloop), built by
// WgmmaLowering::run over the tile ops of one outlined grid.
//
// Warp roles. block_m / 64 consumer warpgroups (warpgroup g owns query rows
// [64g, 64g + 64)); the schedule adds a producer (templates/hopper/
// InlineProducer.cpp: thread 0 of the consumers; Cooperative.cpp: a producer
// warpgroup 0 before them) and Pingpong.cpp orders the consumers' products.
//
// Shared memory (run(), from the plan's tile shapes and ring depth): Q (one
// block, reused for O when O is as wide), the K ring and the V ring (`stages`
// buffers each), O when wider than Q, the mbarriers, the block scans' slots,
// the persistent grid's next-tile slots; swizzled tiles 1024-byte aligned.
//
// Barriers and phases (the TMA pipeline; compiler/Target/Hopper/TmaRing.cpp):
//   Q full    1 arrival + Q's bytes; waited once per tile, phase = tile % 2;
//   K full[s], V full[s]   1 arrival + the block's bytes (expect-tx);
//   empty[s]  one arrival per consumer warp after the block's last read
//             (rotated loops: K's; emptyV[s] V's);
//   global ring block g is stage g % stages, phase (g / stages) % 2.
//
// The mainloop, per KV block j (ring block seq = j - seqOrigin):
//   K: the producer starts block seq + stages - 1 (the schedule's), every
//      thread waits for K full[stage]; S = Q K^T (wgmma, both operands from
//      shared memory, waited for at once);
//   score / mask / online softmax on S's fragments (WgmmaLowering.cpp);
//   V: wait V full[stage] (e4m3 V: the consumers transpose the stage, or
//      under the cooperative schedule wait for transposed[stage], the
//      producer warpgroup's); O = O * alpha + P V (wgmma, P from registers),
//      then one arrival per warp on empty[stage].
// faattn-overlap-softmax's rotated loops issue Q K_j^T and P V_{j-1} back to
// back and retire each before its result's first use (WgmmaBuilder.cpp).
// Packed sequences (varlen; packed-tma, the default): Q's and K/V's boxes
// start at the sequence's first row; V's rows past it are cleared before
// P V (clearTail, as a paged sequence's), O leaves by the threads' stores.
// Without TMA (varlen with packed-tma=0, pages of fewer than 8 rows, tiles over
// the shared memory) the threads copy Q, K and V^T into the unswizzled
// canonical layout between barriers.
//
// Needs from the plan: q, k, v, bm, bn, d, dv, elt, stages, kvLoops, head,
// rotated, warpSpecialized, persistent, scanBytes, oStore.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
#include "faattn/Target/Hopper/WgmmaFragments.h"
namespace faattn {
namespace hopper {

std::unique_ptr<WarpgroupSchedule> makeSchedule(WgmmaLowering &lowering, bool warpSpecialized,
                                                bool pingpong) {
  if (warpSpecialized && pingpong)
    return std::make_unique<WarpSpecializedPingpongSchedule>(lowering);
  if (warpSpecialized)
    return std::make_unique<CooperativeSchedule>(lowering);
  if (pingpong)
    return std::make_unique<PingpongSchedule>(lowering);
  return std::make_unique<InlineProducerSchedule>(lowering);
}

LogicalResult WgmmaLowering::run() {
  if (p.backward)
    return runBackward(); // templates/hopper/BackwardMainloop.cpp
  Block &entry = fn.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  Location loc = fn.getLoc();
  MLIRContext *ctx = b.getContext();
  f32 = b.getF32Type();
  int64_t eb = 2;
  auto place = [&](int64_t bytes, int64_t align) {
    total = (total + align - 1) / align * align;
    int64_t at = total;
    total += bytes;
    return at;
  };
  if (tma) {
    // Swizzled tiles start at 1024-byte boundaries (the swizzle repeats
    // every 8 rows of 128 bytes); the base is aligned at run time.
    qAt = place(p.bm * p.d * p.qBytes(), 1024);
    kAt = place(p.stages * p.bn * p.d * p.kvBytes(), 1024);
    vAt = place(p.stages * p.bn * p.dv * p.kvBytes(), 1024);
    kReadAt = p.convertsKV() ? place(p.stages * p.bn * p.d * eb, 1024) : kAt;
    vReadAt = p.convertsKV() ? place(p.stages * p.bn * p.dv * eb, 1024)
              : p.fp8        ? place(p.stages * p.bn * p.dv, 1024) // V transposed, e4m3
                             : vAt;
    // O's tile for its TMA store (Plan::oStore; none when O leaves by the
    // threads' stores, as the e4m3 kernels' does).
    oAt = p.oReusesQ() || !p.oStore ? qAt : place(p.bm * p.dv * eb, 1024);
    barAt = place(8 * barrierCount(), 8);
  } else {
    qAt = place(p.bm * p.d * eb, 128);
    kAt = place(p.bn * p.d * eb, 128);
    vAt = place(p.dv * p.bn * eb, 128);
  }
  // The block scans' cross-warp slots: one i64 per warp and reduction.
  threads = p.threads();
  fn.walk([&](scf::ParallelOp par) {
    if (isCtaScan(par))
      scanSlots[par] = place(scanSlotBytes(par, threads), 8);
  });
  // Persistent: the next tile's index (two i32 slots, by the tile count's
  // parity: a slot is rewritten two tiles later, after every thread has
  // passed the epilogue barrier that follows its read).
  if (tileLoop)
    nextAt = place(8, 8);
  if (tma)
    total += 1024; // the base is aligned to 1024 bytes at run time
  initSharedMemory(b, loc);
  initThreads(b, loc);

  if (tileLoop) {
    // The tile counter (a zeroed i32 in global memory), after the memrefs
    // (and before the tensor maps, which faattn-tensor-map-args expects last).
    unsigned n = fn.getNumArguments();
    (void)fn.insertArgument(n, LLVM::LLVMPointerType::get(ctx, 1), DictionaryAttr::get(ctx), loc);
    tileCounter = entry.getArgument(n);
    ringBase = tileLoop.getAfterArguments()[1];
    tileNo = tileLoop.getAfterArguments()[2];
  }
  if (tma) {
    // The tensor maps (q, k, v, out) are the last four arguments.
    auto ptrTy = LLVM::LLVMPointerType::get(ctx);
    unsigned n = fn.getNumArguments();
    for (unsigned i = 0; i < 4; ++i)
      (void)fn.insertArgument(n + i, ptrTy, DictionaryAttr::get(ctx), loc);
    for (unsigned i = 0; i < 4; ++i)
      tmap[i] = entry.getArgument(n + i);
    // The mbarriers: Q full; per stage K full, V full, and empty (one
    // arrival per consumer warp; rotated loops: K's, then V's own).
    ifThen(b, loc, producer, [&](OpBuilder &b) {
      auto init = [&](Value bar, int64_t count) {
        NVVM::MBarrierInitOp::create(b, loc, bar, c32(b, count), Value());
      };
      init(qFull(b), 1);
      for (int64_t s = 0; s < p.stages; ++s) {
        init(fullK(b, cIdx(b, s)), 1);
        init(fullV(b, cIdx(b, s)), 1);
        init(empty(b, cIdx(b, s)), 2 * p.bm / 32); // the consumer warps
      }
      for (int64_t s = 0; p.rotated && s < p.stages; ++s)
        init(emptyV(b, cIdx(b, s)), 2 * p.bm / 32);
      for (int64_t s = 0; producerTransposes() && s < p.stages; ++s)
        init(transposed(b, cIdx(b, s)), kTransposingWarps);
      NVVM::FenceMbarrierInitOp::create(b, loc);
    });
    gpu::BarrierOp::create(b, loc);
  } else {
    // V's block load next to K's: one copy phase (one barrier pair) for both.
    for (TileLoadOp v : p.v)
      for (TileLoadOp k : p.k)
        if (k->getBlock() == v->getBlock() && k->isBeforeInBlock(v) &&
            llvm::all_of(v->getOperands(), [&](Value x) {
              Operation *def = x.getDefiningOp();
              return !def || def->getBlock() != k->getBlock() || def->isBeforeInBlock(k);
            }))
          v->moveAfter(k);
  }
  if (failed(convertBlock(entry)))
    return failure();
  if (consumerBranch) {
    // Everything after the role split is the consumers' code; a CTA-wide
    // barrier there would wait for the producer warpgroup forever.
    Operation *yield = consumerBranch.elseBlock()->getTerminator();
    for (Operation *op = consumerBranch->getNextNode(); op && op != entry.getTerminator();) {
      Operation *next = op->getNextNode();
      op->moveBefore(yield);
      op = next;
    }
    WalkResult r = consumerBranch.getElseRegion().walk([](gpu::BarrierOp bar) {
      bar.emitOpError() << "in the consumers of a warp-specialized kernel (the producer "
                           "warpgroup never reaches it)";
      return WalkResult::interrupt();
    });
    if (r.wasInterrupted())
      return failure();
  }
  eraseConverted();
  return success();
}

void WgmmaLowering::initSharedMemory(OpBuilder &b, Location loc) {
  MLIRContext *ctx = b.getContext();
  int64_t eb = 2;
  auto wgSpace = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto bytesTy = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(), MemRefLayoutAttrInterface(), wgSpace);
  Value raw = gpu::DynamicSharedMemoryOp::create(b, loc, bytesTy);
  int64_t elems = total / eb;
  auto eltTy = MemRefType::get({elems}, p.elt, MemRefLayoutAttrInterface(), wgSpace);
  smem = memref::ViewOp::create(b, loc, eltTy, raw, cIdx(b, 0), ValueRange{});
  // The shared-memory address of the buffer (for descriptors and TMA).
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem);
  smemBase = arith::IndexCastOp::create(b, loc, b.getI64Type(), base);
  padElems = cIdx(b, 0);
  if (tma) {
    Value aligned = arith::AndIOp::create(
        b, loc, arith::AddIOp::create(b, loc, smemBase, c64(b, 1023)), c64(b, ~int64_t(1023)));
    padElems = arith::DivUIOp::create(
        b, loc,
        arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                   arith::SubIOp::create(b, loc, aligned, smemBase)),
        cIdx(b, 2));
    smemBase = aligned;
  }
}

void WgmmaLowering::eraseConverted() {
  for (Operation *op : llvm::reverse(toErase))
    op->dropAllReferences();
  for (Operation *op : toErase) {
    op->dropAllUses();
    op->erase();
  }
}

void WgmmaLowering::initThreads(OpBuilder &b, Location loc) {
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value wg = arith::DivUIOp::create(b, loc, tid, cIdx(b, 128));
  if (warpSpec) {
    // Warpgroup 0 produces; consumer warpgroup c is warpgroup c + 1 (the
    // producer's own value is unused: clamped to 0).
    Value consumer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, wg, cIdx(b, 1));
    wg = arith::SelectOp::create(b, loc, consumer,
                                 arith::SubIOp::create(b, loc, wg, cIdx(b, 1)), cIdx(b, 0));
  }
  Value inWg = arith::RemUIOp::create(b, loc, tid, cIdx(b, 128));
  Value warp = arith::DivUIOp::create(b, loc, inWg, cIdx(b, 32));
  Value lane = arith::RemUIOp::create(b, loc, inWg, cIdx(b, 32));
  wgIdx = wg;
  // This thread's first fragment row and column.
  rowBase = arith::AddIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, wg, cIdx(b, 64)),
                            arith::MulIOp::create(b, loc, warp, cIdx(b, 16))),
      arith::DivUIOp::create(b, loc, lane, cIdx(b, 4)));
  colBase = arith::MulIOp::create(b, loc, arith::RemUIOp::create(b, loc, lane, cIdx(b, 4)),
                                  cIdx(b, 2));
  if (p.keySplit) // (the tiles of query rows: every warpgroup's)
    rowInWg = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, warp, cIdx(b, 16)),
                                    arith::DivUIOp::create(b, loc, lane, cIdx(b, 4)));
  quadLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                     arith::RemUIOp::create(b, loc, lane, cIdx(b, 4)), cIdx(b, 0));
  laneLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, cIdx(b, 0));
  producer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, cIdx(b, 0));
  // The thread that stores O by TMA: the first consumer thread.
  storeLeader = warpSpec ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, cIdx(b, 128))
                         .getResult()
                   : producer;
}

void WgmmaLowering::prologue(OpBuilder &b) {
  Location loc = fn.getLoc();
  // With a head, ring block 0 is the head block whether or not the first
  // loop's early iteration runs; block headLo is ring block 1.
  Value kvFirst = p.head ? p.headLo : p.kvLoops.front().getLowerBound();
  Value last = p.kvLoops.back().getUpperBound();
  Value n = arith::SubIOp::create(b, loc, arith::MaxSIOp::create(b, loc, last, kvFirst), kvFirst);
  kvCount = p.head ? arith::AddIOp::create(b, loc, n, cIdx(b, 1)).getResult() : n;
  seqOrigin =
      p.head ? arith::SubIOp::create(b, loc, kvFirst, cIdx(b, 1)).getResult() : kvFirst;
  sched->startRing(b);
}

void WgmmaLowering::drainHead(OpBuilder &b) {
  Location loc = fn.getLoc();
  Value missed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                       p.head.getLowerBound(), p.headLo);
  ifThen(b, loc, missed, [&](OpBuilder &b) {
    sched->issueAhead(b, cIdx(b, 0));
    // Ring block 0: stage 0, phase 0 (a persistent grid: where the ring
    // stands after the CTA's earlier tiles).
    auto stage0 = [&](OpBuilder &b) { return ringBase ? stageOf(b, ringBase) : cIdx(b, 0); };
    auto phase0 = [&](OpBuilder &b) { return ringBase ? parityOf(b, ringBase) : c32(b, 0); };
    Value s = stage0(b);
    wait(b, fullK(b, s), phase0(b));
    // The producer warpgroup transposes every block it loads: the stage is
    // free once its transposition is written.
    wait(b, producerTransposes() ? transposed(b, stage0(b)) : fullV(b, stage0(b)), phase0(b));
    NVVM::SyncWarpOp::create(b, loc, c32(b, -1));
    ifThen(b, loc, laneLeader, [&](OpBuilder &b) {
      NVVM::MBarrierArriveOp::create(b, loc, Type(), empty(b, stage0(b)), Value(),
                                     NVVM::MemScopeKindAttr(), BoolAttr());
    });
    if (p.rotated)
      release(b, emptyV(b, stage0(b)));
  });
}

LogicalResult WgmmaLowering::convertLoadTma(OpBuilder &b, TileLoadOp load) {
  Location loc = load.getLoc();
  if (load == p.q) {
    // A packed sequence's Q: its box starts at the sequence's first row.
    Value row = p.qStart ? arith::AddIOp::create(b, loc, p.qStart, load.getRow0()).getResult()
                         : load.getRow0();
    ifThen(b, loc, producer, [&](OpBuilder &b) {
      NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), qFull(b),
                                             c32(b, p.bm * p.d * p.qBytes()),
                                             NVVM::MemScopeKindAttr(), BoolAttr(), Value());
      tmaLoad(b, tmap[0], p.d, p.swizzleQK, p.bm, cIdx(b, qAt), i32(b, row),
              load.getHead(), load.getBatch(), qFull(b), p.qBytes());
    });
    qIssued = true; // the head block's loads may follow (convertBlock)
  } else if (llvm::is_contained(p.k, load)) {
    if (!kvIv)
      return load.emitOpError() << "K block outside a KV loop";
    Value seq = arith::SubIOp::create(b, loc, kvIv, seqOrigin);
    // The head loop's early iteration (iv = headLo - 1) is ring block 0.
    sched->issueAhead(b, seq); // cooperative: the producer warpgroup has them all in flight
    Value g = globalSeq(b, seq);
    stage = stageOf(b, g);
    parity = parityOf(b, g);
    wait(b, fullK(b, stage), parity);
    NVVM::SyncWarpOp::create(b, loc, c32(b, -1));
    if (p.convertsKV())
      convertStage(b, /*ofV=*/false, stage, Value());
  } else if (!llvm::is_contained(p.v, load)) {
    return load.emitOpError() << "is not a Q, K or V block";
  } else if (!p.rotated) {
    vRow0 = load.getRow0(); // paged or packed K/V: P V clears the rows past the sequence
  } else {
    // Rotated loops: V of block j' (the carried index in the loop, the
    // loop's result after it), ring block j' - seqOrigin; in the loop a
    // product of a block before this one (else the first iteration's,
    // of P = 0, on this block's V) and after it the loop's last, if the
    // loop ran.
    Value j = blockIndexOf(load);
    Value g = globalSeq(b, arith::SubIOp::create(b, loc, j, seqOrigin));
    vStage = stageOf(b, g);
    vParity = parityOf(b, g);
    vEarlier = kvIv ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, j, kvIv).getResult()
                    : Value();
    vLoop = kvIv ? scf::ForOp() : j.getDefiningOp<scf::ForOp>();
    if (!kvIv && !vLoop)
      return load.emitOpError() << "a rotated loop's last V block, not from the loop's index";
  }
  toErase.push_back(load);
  return success();
}

Value WgmmaLowering::blockIndexOf(TileLoadOp v) const {
  auto mul = v.getRow0().getDefiningOp<arith::MulIOp>();
  Value x = getConstantIntValue(mul.getRhs()) == p.bn ? mul.getLhs() : mul.getRhs();
  if (auto sel = x.getDefiningOp<arith::SelectOp>())
    return sel.getFalseValue();
  return x;
}

LogicalResult WgmmaLowering::convertLoad(OpBuilder &b, TileLoadOp load) {
  Location loc = load.getLoc();
  bool isV = llvm::is_contained(p.v, load);
  bool isQ = load == p.q;
  if (!isQ && !isV && !llvm::is_contained(p.k, load))
    return load.emitOpError() << "is not a Q, K or V block";
  TileType t = load.getType();
  int64_t rows = t.getShape()[0], cols = t.getShape()[1];
  int64_t base = (isQ ? qAt : isV ? vAt : kAt) / 2;
  // No thread may still read the previous block (wgmma waits before the
  // barrier); a load right after another shares its copy phase.
  if (!inCopyPhase)
    gpu::BarrierOp::create(b, loc);
  auto next = dyn_cast_or_null<TileLoadOp>(load->getNextNode());
  inCopyPhase = next && (llvm::is_contained(p.k, next) || llvm::is_contained(p.v, next) ||
                         next == p.q);
  // Chunks of 8 elements along the head dim: one 16-byte load each (the
  // tensors are 16-byte aligned and head dims multiples of 8; a padded
  // tile's chunks past the head dim read as zeros), stored as
  // one core-matrix row (Q, K) or spread over 8 rows (V, transposed).
  int64_t chunks = cols / 8;
  auto copyChunk = [&](OpBuilder &b, Location loc, Value i) {
        Value r = arith::DivUIOp::create(b, loc, i, cIdx(b, chunks));
        Value c = arith::MulIOp::create(
            b, loc, arith::RemUIOp::create(b, loc, i, cIdx(b, chunks)), cIdx(b, 8));
        Value v = loadChunkOrZero(b, loc, load, tileRowAddress(b, loc, load, r), c, 8);
        if (!isV) {
          vector::StoreOp::create(b, loc, v, smem, coreIndex(b, base, r, c, cols),
                                  /*nontemporal=*/false, llvm::MaybeAlign(16));
        } else {
          for (int64_t e = 0; e < 8; ++e) {
            Value d = arith::AddIOp::create(b, loc, c, cIdx(b, e));
            memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, v, e), smem,
                                    coreIndex(b, base, d, r, rows));
          }
        }
  };
  // Four chunks per thread and iteration when they divide evenly: their
  // loads are issued before the first store waits (more would spill).
  int64_t total = rows * chunks;
  int64_t unroll = total % (4 * threads) == 0 ? 4 : 1;
  scf::ForOp::create(b, loc, tid, cIdx(b, total), cIdx(b, unroll * threads), ValueRange{},
                     [&](OpBuilder &b, Location loc, Value i, ValueRange) {
                       for (int64_t k = 0; k < unroll; ++k)
                         copyChunk(b, loc,
                                   k ? arith::AddIOp::create(b, loc, i, cIdx(b, k * threads))
                                         .getResult()
                                     : i);
                       scf::YieldOp::create(b, loc);
                     });
  if (!inCopyPhase)
    asyncVisible(b, loc);
  toErase.push_back(load);
  return success();
}

Value WgmmaLowering::coreIndex(OpBuilder &b, int64_t base, Value r, Value c, int64_t cols) {
  Location loc = fn.getLoc();
  auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
  auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); };
  // ((r / 8) (cols / 8) + c / 8) * 64 + (r % 8) * 8 + c % 8 elements.
  Value core = add(mul(div(r, 8), cols / 8), div(c, 8));
  return add(add(add(mul(core, 64), mul(rem(r, 8), 8)), rem(c, 8)), cIdx(b, base));
}

LogicalResult WgmmaLowering::convertDot(OpBuilder &b, TileDotOp dot) {
  Location loc = dot.getLoc();
  MLIRContext *ctx = b.getContext();
  TileType res = dot.getType();
  int64_t n = res.getShape()[1];
  int64_t kdim = dot.getLhs().getType().getShape()[1];
  // The product's form by its A operand's layout encoding (the plan checked
  // both): in shared memory, SS (Q K^T, K-major B); a wgmma A fragment in
  // registers, RS (P V, MN-major B).
  bool qk = isa<SharedLayoutAttr>(dot.getLhs().getType().getEncoding());
  bool rotated = p.rotated && kvIv;       // in a rotated loop: deferred
  bool last = p.rotated && !kvIv && !qk; // a rotated loop's last product
  if (!rotated && !inFlight.empty())
    retire(b, inFlight.back().group, nullptr);
  auto structTy = LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(n / 2, f32));
  // e4m3 P's A registers for P V `pv`, every k-step: a rotated loop's
  // carried P unpacked, or P's f32 fragments converted (empty: neither is
  // known yet).
  auto a8Of = [&](OpBuilder &b, TileDotOp pv) {
    SmallVector<SmallVector<Value>> a8;
    if (Value packed = packedP.lookup(pv.getLhs()))
      return unpackP8(b, packed);
    if (Value pf = frag.lookup(pv.getLhs()))
      for (int64_t k = 0; k < pv.getLhs().getType().getShape()[1] / p.kStep(); ++k)
        a8.push_back(packA8(b, pf, k));
    return a8;
  };
  Value acc;
  // O's update o * alpha + P V: the wgmma chain accumulates onto o * alpha
  // (one accumulator live instead of two).
  TileMapOp update = qk ? TileMapOp() : rescaleOf(dot);
  if (update)
    acc = preScaled.lookup(dot);
  if (!acc)
    acc = update ? scaledAccumulator(b, update, structTy)
                 : LLVM::ZeroOp::create(b, loc, structTy).getResult();
  // A rotated loop's P V accumulates onto o * alpha computed before Q K^T
  // is issued: ptxas waits for the Q K^T in flight before an instruction
  // that writes an accumulator of a wgmma (C7517, measured on block j - 1's
  // o * alpha between the two issues), so it comes first.
  if (rotated && qk)
    for (Operation *op = dot->getNextNode(); op; op = op->getNextNode())
      if (auto pv = dyn_cast<TileDotOp>(op);
          pv && !isa<SharedLayoutAttr>(pv.getLhs().getType().getEncoding())) {
        // (P in registers: the 16-bit kernels' A operand, e4m3's f32
        // accumulator that packA8 converts.)
        // e4m3 P: its A registers too (a conversion between the two
        // issues is an instruction ptxas waits for the Q K^T before).
        if (p.fp8)
          if (SmallVector<SmallVector<Value>> a8 = a8Of(b, pv); !a8.empty())
            prePackedA8[pv] = std::move(a8);
        TileMapOp up = rescaleOf(pv);
        if (up && definedBefore(up.getInputs()[0], dot) && definedBefore(up.getInputs()[1], dot))
          preScaled[pv] = scaledAccumulator(
              b, up,
              LLVM::LLVMStructType::getLiteral(
                  ctx, SmallVector<Type>(pv.getType().getShape()[1] / 2, f32)));
        break;
      }
  Value pFrag;
  if (!qk) {
    pFrag = frag.lookup(dot.getLhs());
    if (!pFrag && !packedP.count(dot.getLhs()))
      return dot.emitOpError() << "P has no fragments";
  }
  // The rotated loops' P V reads its own block's stage (block j - 1's).
  Value ring = !qk && p.rotated ? vStage : stage;
  Value ringParity = !qk && p.rotated ? vParity : parity;
  // Pingpong: a warpgroup's turn covers its products of the iteration (both
  // of them in a rotated loop).
  bool take = kvIv && (!rotated || qk);
  bool pass = kvIv && (!rotated || !qk);
  auto issue = [&](OpBuilder &b, Value acc) {
    if (!qk && tma) {
      // V as the producer warpgroup transposed it (released after P V), or
      // as loaded.
      wait(b, producerTransposes() ? transposed(b, ring) : fullV(b, ring), ringParity);
      NVVM::SyncWarpOp::create(b, loc, c32(b, -1));
      if (p.convertsKV()) {
        // Both of the stage's blocks are converted: the stage is free.
        convertStage(b, /*ofV=*/true, ring, vRow0);
        release(b, empty(b, ring));
      } else if (p.fp8 && !producerTransposes()) {
        // K was read by Q K^T (waited for), V is transposed: the stage is free.
        transposeStage(b, ring, tid, 2 * p.bm, p.kvLimit ? vRow0 : Value());
        asyncVisible(b, loc);
        release(b, empty(b, ring));
      } else if (p.kvLimit && !p.fp8) { // paged or packed: the rows past the sequence
        // (e4m3: the transposition wrote those keys as zeros, the producer
        // warpgroup's as the inline one's; the ring stage holds one-byte V,
        // which clearTail's 16-bit rows do not fit.)
        clearTail(b, ring, vRow0);
      }
    }
    // e4m3 P: every k-step's A registers converted before the products (a
    // conversion between two wgmmas of the chain makes ptxas fence them, C7519).
    SmallVector<SmallVector<Value>> a8 = prePackedA8.lookup(dot);
    if (!qk && p.fp8 && a8.empty())
      a8 = a8Of(b, dot);
    if (take)
      sched->beforeProducts(b);
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    auto wgType = p.fp8          ? NVVM::WGMMATypes::e4m3
                  : p.elt.isBF16() ? NVVM::WGMMATypes::bf16
                                   : NVVM::WGMMATypes::f16;
    for (int64_t k = 0; k < kdim / p.kStep(); ++k) {
      auto [descA, descB] = descriptors(b, qk, k, kdim, ring);
      if (qk) {
        acc = NVVM::WgmmaMmaAsyncOp::create(
            b, loc, structTy, acc, descA, descB, NVVM::MMAShapeAttr::get(ctx, 64, n, p.kStep()),
            wgType, wgType, NVVM::WGMMATypes::f32,
            k == 0 ? NVVM::WGMMAScaleOut::zero : NVVM::WGMMAScaleOut::one,
            NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
            NVVM::MMALayout::col, /*satfinite=*/NVVM::MMAIntOverflowAttr());
        continue;
      }
      acc = p.fp8 ? wgmmaRS(b, acc, a8[k], descB, n, /*accumulate=*/k > 0 || update,
                            /*transposeB=*/false)
                  : wgmmaRS(b, acc, packA(b, pFrag, k), descB, n, /*accumulate=*/k > 0 || update,
                            /*transposeB=*/tma);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    if (pass)
      sched->afterProducts(b);
    return acc;
  };
  Value result = update ? update.getResult() : dot.getResult();
  if (update) {
    fused.insert(update);
    toErase.push_back(update);
  }
  toErase.push_back(dot);
  if (rotated) {
    // In flight until awaitBefore retires it: then Q K^T's stage frees its
    // K, P V's its V (not the first iteration's product: that block's own
    // V, read again by the next iteration's).
    acc = issue(b, acc);
    Value at = stage, earlier = vEarlier;
    std::function<void(OpBuilder &)> done = [this, qk, at, earlier, ring](OpBuilder &b) {
      if (qk)
        release(b, empty(b, at));
      else
        release(b, emptyV(b, ring), earlier);
    };
    inFlight.push_back({result, acc, res, nextGroup++, std::move(done)});
    return success();
  }
  if (last) {
    // The loop's last block's product: only if the loop ran, then its V is
    // released like the loop's.
    Value ran = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, vLoop.getLowerBound(),
                                      vLoop.getUpperBound());
    auto guard = scf::IfOp::create(b, loc, TypeRange{structTy}, ran, /*withElseRegion=*/true);
    OpBuilder tb = guard.getThenBodyBuilder();
    Value out = issue(tb, acc);
    NVVM::WgmmaWaitGroupSyncOp::create(tb, loc, 0);
    release(tb, emptyV(tb, ring));
    scf::YieldOp::create(tb, loc, out);
    OpBuilder eb = guard.getElseBodyBuilder();
    scf::YieldOp::create(eb, loc, acc);
    frag[result] = fragmentsOf(b, guard.getResult(0), res);
    return success();
  }
  acc = issue(b, acc);
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  if (!qk && tma && (!p.oneByteKV() || producerTransposes())) {
    // The stage's K and V (or V's transposition) are read: one arrival per
    // warp frees it.
    ifThen(b, loc, laneLeader, [&](OpBuilder &b) {
      NVVM::MBarrierArriveOp::create(b, loc, Type(), empty(b, stage), Value(),
                                     NVVM::MemScopeKindAttr(), BoolAttr());
    });
  }
  frag[result] = fragmentsOf(b, acc, res);
  return success();
}

Value WgmmaLowering::packP8(OpBuilder &b, Value pFrag, int64_t kSteps) {
  SmallVector<Value> regs;
  for (int64_t k = 0; k < kSteps; ++k)
    llvm::append_range(regs, packA8(b, pFrag, k));
  return vector::FromElementsOp::create(
      b, fn.getLoc(), VectorType::get({static_cast<int64_t>(regs.size())}, b.getI32Type()), regs);
}

SmallVector<SmallVector<Value>> WgmmaLowering::unpackP8(OpBuilder &b, Value packed) {
  int64_t n = cast<VectorType>(packed.getType()).getNumElements();
  SmallVector<SmallVector<Value>> regs(n / 4);
  for (int64_t i = 0; i < n; ++i)
    regs[i / 4].push_back(vector::ExtractOp::create(b, fn.getLoc(), packed, i));
  return regs;
}

SmallVector<Value> WgmmaLowering::packA8(OpBuilder &b, Value pFrag, int64_t k) {
  Location loc = fn.getLoc();
  MLIRContext *ctx = b.getContext();
  // P's k-step k (32 keys): its fragment elements 16k .. 16k + 15 rounded
  // to e4m3 (cvt.rn.satfinite: P is in [0, 1], no scale; a v_descale per
  // key weighs it first, docs/FP8.md: a small factor loses precision in
  // e4m3's subnormals, a per-row one weighs P V instead) and packed four a
  // register as they lie, with no shuffle: byte b of register r holds element
  // fp8PackedElement(k, r, b) (16k + 8 (r / 2) + 2 (r % 2) + {0, 1, 4, 5}).
  // The A fragment reads keys 4t..4t+3 (+ 16 for registers 2 and 3) of lane t
  // of a quad there; these are keys 2t, 2t + 1, 8 + 2t, 9 + 2t (+ 16) of the
  // accumulator, so the transposed V holds key fp8KeyAt(q) at position q
  // (transposeStage; WgmmaFragments.h, checked in tests/unit).
  // (A register's bytes 0, 1 and 2, 3 are pairs of consecutive elements.)
  static_assert(fp8PackedElement(1, 3, 1) == fp8PackedElement(1, 3, 0) + 1 &&
                fp8PackedElement(1, 3, 3) == fp8PackedElement(1, 3, 2) + 1);
  auto pair = [&](int64_t i) {
    Value lo = vector::ExtractOp::create(b, loc, pFrag, i);
    Value hi = vector::ExtractOp::create(b, loc, pFrag, i + 1);
    // cvt's a goes to the upper byte, b to the lower.
    auto cvt = LLVM::InlineAsmOp::create(
        b, loc, b.getI16Type(), ValueRange{hi, lo}, "cvt.rn.satfinite.e4m3x2.f32 $0, $1, $2;",
        "=h,f,f", /*has_side_effects=*/false, /*is_align_stack=*/false, LLVM::TailCallKind::None,
        LLVM::AsmDialectAttr::get(ctx, LLVM::AsmDialect::AD_ATT), ArrayAttr());
    return cvt.getResult(0);
  };
  SmallVector<Value> regs;
  for (int64_t r = 0; r < 4; ++r) {
    Value halves = vector::FromElementsOp::create(
        b, loc, VectorType::get({2}, b.getI16Type()),
        ValueRange{pair(fp8PackedElement(k, r, 0)), pair(fp8PackedElement(k, r, 2))});
    Value word = vector::BitCastOp::create(b, loc, VectorType::get({1}, b.getI32Type()), halves);
    regs.push_back(vector::ExtractOp::create(b, loc, word, 0));
  }
  return regs;
}

SmallVector<Value> WgmmaLowering::packA(OpBuilder &b, Value pFrag, int64_t k) {
  Location loc = fn.getLoc();
  // P's k-step k: fragment elements 8k .. 8k + 7 are the wgmma A fragment
  // of columns [16k, 16k + 16), packed in pairs. (An f32 P, e4m3 V's:
  // rounded to Q's type here.)
  auto pAt = [&](int64_t i) -> Value {
    Value x = vector::ExtractOp::create(b, loc, pFrag, i);
    return x.getType() == p.elt ? x : arith::TruncFOp::create(b, loc, p.elt, x).getResult();
  };
  SmallVector<Value> regs;
  for (int64_t r = 0; r < 4; ++r) {
    Value pair = vector::FromElementsOp::create(b, loc, VectorType::get({2}, p.elt),
                                                ValueRange{pAt(8 * k + 2 * r), pAt(8 * k + 2 * r + 1)});
    Value word = vector::BitCastOp::create(b, loc, VectorType::get({1}, b.getI32Type()), pair);
    regs.push_back(vector::ExtractOp::create(b, loc, word, 0));
  }
  return regs;
}

Value WgmmaLowering::scaledAccumulator(OpBuilder &b, TileMapOp update, Type structTy) {
  Location loc = fn.getLoc();
  Value acc = LLVM::ZeroOp::create(b, loc, structTy);
  auto oTy = cast<TileType>(update.getInputs()[0].getType());
  auto alphaTy = cast<TileType>(update.getInputs()[1].getType());
  for (int64_t i = 0; i < elems(oTy); ++i) {
    Value o = element(b, update.getInputs()[0], oTy, i, false);
    Value alpha = element(b, update.getInputs()[1], alphaTy, i, false);
    acc = LLVM::InsertValueOp::create(b, loc, acc, arith::MulFOp::create(b, loc, o, alpha), i);
  }
  return acc;
}

TileMapOp WgmmaLowering::rescaleOf(TileDotOp dot) {
  if (!dot->hasOneUse())
    return {};
  auto map = dyn_cast<TileMapOp>(*dot->user_begin());
  if (!map || map.getInputs().size() != 3 || map.getInputs()[2] != dot.getResult() ||
      map.getInputs()[0] == dot.getResult() || map.getInputs()[1] == dot.getResult() ||
      map.getType() != dot.getType() || map.getInputs()[0].getType() != dot.getType())
    return {};
  Block &body = map.getBody().front();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  auto fma = yield ? yield.getValue().getDefiningOp<math::FmaOp>() : math::FmaOp();
  if (!fma || &body.front() != fma.getOperation() ||
      fma.getA() != body.getArgument(0) || fma.getB() != body.getArgument(1) ||
      fma.getC() != body.getArgument(2))
    return {};
  return map;
}

} // namespace hopper
} // namespace faattn
