//===- Epilogue.cpp - template: the forward kernel's epilogue -------------===//
//
// O and LSE out of the fragments, and the persistent grid's next tile.
//
// O through TMA (the plan's oStore: O in 16 bits, 128-byte swizzled, one
// block of the out argument): each warpgroup writes its rows in pairs into
// Q's buffer (or O's own when wider), swizzled like the TMA box; then a
// fence.proxy.async and a barrier (named barrier 3 among the consumers of a
// cooperative kernel), and the store leader (the first consumer thread)
// issues one bulk tensor store per 64 columns, commits and waits for the
// group's reads. TMA drops the rows past the sequence.
// Otherwise O from the fragments with each row's address checked; LSE (an
// M x 1 tile) by the first thread of each quad.
//
// Persistent grid (grid = persistent): the store leader fetches the next
// tile's number (atomic add on the tile counter argument) before O's writes
// and publishes it in a shared slot by the tile count's parity, before the
// epilogue's barrier; the tile loop continues at grid size + that number,
// the ring and Q's phase continued across tiles.
//
// Needs from the plan: oStore, bm, dv, elt, persistent.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

Value WgmmaLowering::nextSlot(OpBuilder &b) {
  Location loc = fn.getLoc();
  Value at = arith::AddIOp::create(
      b, loc, cIdx(b, nextAt),
      arith::MulIOp::create(b, loc, arith::RemUIOp::create(b, loc, tileNo, cIdx(b, 2)),
                            cIdx(b, 4)));
  return sharedPtr(b, at);
}

Value WgmmaLowering::fetchNext(OpBuilder &b) {
  Location loc = fn.getLoc();
  auto fetch = scf::IfOp::create(b, loc, TypeRange{b.getI32Type()}, storeLeader,
                                 /*withElseRegion=*/true);
  OpBuilder tb = fetch.getThenBodyBuilder();
  Value old = LLVM::AtomicRMWOp::create(tb, loc, LLVM::AtomicBinOp::add, tileCounter,
                                        c32(tb, 1), LLVM::AtomicOrdering::monotonic);
  scf::YieldOp::create(tb, loc, old);
  OpBuilder eb = fetch.getElseBodyBuilder();
  scf::YieldOp::create(eb, loc, ValueRange{c32(eb, 0)});
  nextFetched = true;
  return fetch.getResult(0);
}

void WgmmaLowering::storeNext(OpBuilder &b, Value fetched) {
  ifThen(b, fn.getLoc(), storeLeader, [&](OpBuilder &b) {
    LLVM::StoreOp::create(b, fn.getLoc(), fetched, nextSlot(b), /*alignment=*/4);
  });
}

LogicalResult WgmmaLowering::convertTileLoop() {
  Block &body = tileLoop.getAfter().front();
  if (failed(convertBlock(body)))
    return failure();
  auto yield = cast<scf::YieldOp>(body.getTerminator());
  OpBuilder b(yield);
  Location loc = yield.getLoc();
  if (!nextFetched) { // no epilogue barrier to share: one of its own
    storeNext(b, fetchNext(b));
    gpu::BarrierOp::create(b, loc);
  }
  Value n = LLVM::LoadOp::create(b, loc, b.getI32Type(), nextSlot(b), /*alignment=*/4);
  Value next = arith::AddIOp::create(
      b, loc, gpu::GridDimOp::create(b, loc, gpu::Dimension::x),
      arith::IndexCastUIOp::create(b, loc, b.getIndexType(), n));
  Value ring = kvCount ? arith::AddIOp::create(b, loc, ringBase, kvCount).getResult() : ringBase;
  Value tiles = arith::AddIOp::create(b, loc, tileNo, cIdx(b, 1));
  yield->setOperands(ValueRange{next, ring, tiles});
  return success();
}

LogicalResult WgmmaLowering::convertStore(OpBuilder &b, TileStoreOp store) {
  Location loc = store.getLoc();
  TileType t = store.getValue().getType();
  Value v = frag.lookup(store.getValue());
  if (!v)
    return store.emitOpError() << "stores a tile with no fragments";
  bool column = t.getShape()[1] == 1;
  if (store.getAccumulate() && (column || !t.getElementType().isF32()))
    return store.emitOpError() << "accumulates a tile that is not f32 M x N fragments";
  if (store.getAccumulate() && dqAt >= 0)
    return convertStoreReduce(b, store);
  // A column chunk's columns (the backward's max-cols) start at col0, inside
  // the head dim (the verifier's).
  int64_t col0 = static_cast<int64_t>(store.getCol0().value_or(0));
  auto body = [&](OpBuilder &b) {
    for (int64_t i = 0; i < elems(t); ++i) {
      RowAddress at = tileRowAddress(b, loc, store, rowOf(b, t, i));
      Value col = column ? cIdx(b, 0) : colOf(b, t, i);
      if (col0)
        col = arith::AddIOp::create(b, loc, col, cIdx(b, col0));
      // A padded tile's columns past the head dim are not written.
      Value inside = store.getCol0() ? at.inside
                                     : withinColumns(b, loc, at.inside, store.getMem().getType(),
                                                     t.getShape()[1], col);
      ifThen(b, loc, inside, [&](OpBuilder &b) {
        Value x = vector::ExtractOp::create(b, loc, v, i);
        SmallVector<Value> idx = tileMemIndices(store.getMem().getType(), store.getLayout(),
                                                at.batch, at.head, at.row, col);
        if (store.getAccumulate()) // the backward's dQ: an atomic add
          memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::addf, x, store.getMem(), idx);
        else
          memref::StoreOp::create(b, loc, x, store.getMem(), idx);
      });
    }
  };
  if (column)
    ifThen(b, loc, quadLeader, body);
  else
    body(b);
  toErase.push_back(store);
  return success();
}

LogicalResult WgmmaLowering::convertStoreReduce(OpBuilder &b, TileStoreOp store) {
  Location loc = store.getLoc();
  TileType t = store.getValue().getType();
  Value v = frag.lookup(store.getValue());
  MemRefType memTy = store.getMem().getType();
  int64_t rows = t.getShape()[0];
  // A padded tile's columns past the head dim are not added; a column
  // chunk's row starts at its col0.
  int64_t col0 = static_cast<int64_t>(store.getCol0().value_or(0));
  int64_t rowBytes = std::min(t.getShape()[1], memTy.getShape().back() - col0) * 4;
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y).getResult(); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
  gpu::BarrierOp::create(b, loc);
  auto pairTy = VectorType::get({2}, b.getF32Type());
  // The thread's first pair, the others at constant offsets from it (one
  // address register, the offsets in the stores). (Under the key split each
  // warpgroup stages its columns: colOf.)
  Value first = sharedPtr(
      b, add(add(mul(rowOf(b, t, 0), dqPitch), mul(colOf(b, t, 0), 4)), cIdx(b, dqAt)));
  for (int64_t i = 0; i < elems(t); i += 2) {
    Value at = LLVM::GEPOp::create(
        b, loc, first.getType(), b.getI8Type(), first,
        ArrayRef<LLVM::GEPArg>{rowPlus(t, i) * dqPitch + colPlus(i) * 4});
    Value pair = vector::FromElementsOp::create(
        b, loc, pairTy,
        ValueRange{vector::ExtractOp::create(b, loc, v, i),
                   vector::ExtractOp::create(b, loc, v, i + 1)});
    LLVM::StoreOp::create(b, loc, pair, at, /*alignment=*/8);
  }
  asyncVisible(b, loc);
  Value issues = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid, cIdx(b, rows));
  ifThen(b, loc, issues, [&](OpBuilder &b) {
    RowAddress row = tileRowAddress(b, loc, store, tid);
    ifThen(b, loc, row.inside, [&](OpBuilder &b) {
      // The row's first element in global memory.
      auto meta = memref::ExtractStridedMetadataOp::create(b, loc, store.getMem());
      Value offset = elementOffset(b, meta, memTy, store.getLayout(), row, cIdx(b, col0));
      Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, store.getMem());
      Value dst = globalAddress(b, base, offset, 4);
      Value src = arith::AddIOp::create(
          b, loc, smemBase,
          arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                     add(mul(tid, dqPitch), cIdx(b, dqAt))));
      NVVM::InlinePtxOp::create(
          b, loc, TypeRange{}, ValueRange{dst, src}, ValueRange{},
          ("cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f32 [$0], [$1], " +
           std::to_string(rowBytes) + ";")
              .c_str(),
          Value());
    });
  });
  NVVM::CpAsyncBulkCommitGroupOp::create(b, loc);
  toErase.push_back(store);
  return success();
}

LogicalResult WgmmaLowering::convertStoreTma(OpBuilder &b, TileStoreOp store) {
  Location loc = store.getLoc();
  TileType t = store.getValue().getType();
  Value v = frag.lookup(store.getValue());
  if (!v)
    return store.emitOpError() << "stores a tile with no fragments";
  if (store.getCol0())
    return store.emitOpError() << "stores a column chunk through TMA";
  auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
  auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); };
  auto pairTy = VectorType::get({2}, p.elt);
  // Persistent: the next tile's number is fetched before O's writes (its
  // latency under them) and published before the barrier they end with.
  Value fetched =
      tileLoop && store->getBlock() == &gridBlock() ? fetchNext(b) : Value();
  // V's swizzle S (128, 64 or 32 bytes): chunks of S / 2 columns, rows of
  // S bytes, S / 16 units of 16 bytes a row; the unit is XORed with bits 7...
  // of the row's offset in the 8 S-byte pattern (CUTLASS's Swizzle<log2(S / 16), 4, 3>).
  int64_t s = p.swizzleV, chunk = s / 2;
  for (int64_t i = 0; i < elems(t); i += 2) {
    Value r = rowOf(b, t, i), c = colOf(b, t, i);
    // Byte (r, c): chunk c / (S / 2), row r of S bytes, 16-byte unit
    // (c % (S / 2)) / 8 XOR (r / (128 / S)) % (S / 16).
    Value unit = arith::XOrIOp::create(b, loc, div(rem(c, chunk), 8),
                                       rem(div(r, 128 / s), s / 16));
    Value byte = add(add(mul(div(c, chunk), p.bm * s), mul(r, s)),
                     add(mul(unit, 16), mul(rem(c, 8), 2)));
    Value at = add(add(div(byte, 2), cIdx(b, oAt / 2)), padElems);
    Value pair = vector::FromElementsOp::create(
        b, loc, pairTy,
        ValueRange{vector::ExtractOp::create(b, loc, v, i),
                   vector::ExtractOp::create(b, loc, v, i + 1)});
    vector::StoreOp::create(b, loc, pair, smem, at, /*nontemporal=*/false,
                            llvm::MaybeAlign(4));
  }
  if (fetched)
    storeNext(b, fetched);
  asyncVisible(b, loc);
  ifThen(b, loc, storeLeader, [&](OpBuilder &b) {
    for (int64_t c = 0; c < p.dv / chunk; ++c)
      NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp::create(
          b, loc, tmap[3], sharedPtr(b, cIdx(b, oAt + c * p.bm * s)),
          ValueRange{c32(b, chunk * c), i32(b, store.getRow0()), i32(b, store.getHead()),
                     i32(b, store.getBatch())},
          Value(), NVVM::TMAStoreModeAttr(), Value());
    NVVM::CpAsyncBulkCommitGroupOp::create(b, loc);
    // Shared memory must outlive the store's reads.
    NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0), b.getUnitAttr());
  });
  toErase.push_back(store);
  return success();
}

} // namespace hopper
} // namespace faattn
