//===- TmaRing.cpp - the TMA ring: mbarriers, phases, bulk tensor copies ---===//
//
// The K/V ring of the Hopper kernels: `stages` buffers of K and V in shared
// memory, filled by cp.async.bulk.tensor from the tensor maps (boxes of
// swizzle / 2 columns, the 128-, 64- or 32-byte swizzle of the plan) and
// guarded by mbarriers:
//   Q full, K full[s], V full[s]: one arrival (the producer's expect-tx with
//     the block's bytes) plus the copies' transaction bytes;
//   empty[s] (rotated loops: empty[s] for K and emptyV[s] for V): one
//     arrival per consumer warp after its last read of the stage.
// Paged K/V (Plan::page): a block is boxes of min(page, block_n) rows, each
// at (slot, page) of the block table (pageSlots), the table's entries read
// by the producer thread right before the block's copies.
// Global ring block g (counted over a persistent CTA's tiles) is stage
// g % stages at phase parity (g / stages) % 2; issueKV waits for the
// stage's previous use to be released before reusing it.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

Value WgmmaLowering::sharedPtr(OpBuilder &b, Value bytes) {
  Location loc = fn.getLoc();
  Value addr = arith::AddIOp::create(
      b, loc, smemBase, arith::IndexCastOp::create(b, loc, b.getI64Type(), bytes));
  return LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext(), 3), addr);
}

Value WgmmaLowering::barrier(OpBuilder &b, int64_t first, Value stage) {
  Value at = arith::AddIOp::create(b, fn.getLoc(), cIdx(b, barAt + 8 * first),
                                   arith::MulIOp::create(b, fn.getLoc(), stage, cIdx(b, 8)));
  return sharedPtr(b, at);
}

void WgmmaLowering::release(OpBuilder &b, Value bar, Value cond) {
  Location loc = fn.getLoc();
  Value who = cond ? arith::AndIOp::create(b, loc, laneLeader, cond).getResult() : laneLeader;
  ifThen(b, loc, who, [&](OpBuilder &b) {
    NVVM::MBarrierArriveOp::create(b, loc, Type(), bar, Value(), NVVM::MemScopeKindAttr(),
                                   BoolAttr());
  });
}

void WgmmaLowering::wait(OpBuilder &b, Value bar, Value parity) {
  NVVM::MBarrierTryWaitParityOp::create(b, fn.getLoc(), bar, parity, c32(b, 0x989680));
}

Value WgmmaLowering::globalSeq(OpBuilder &b, Value seq) {
  return ringBase ? arith::AddIOp::create(b, fn.getLoc(), seq, ringBase).getResult() : seq;
}

Value WgmmaLowering::stageOf(OpBuilder &b, Value g) {
  return arith::RemUIOp::create(b, fn.getLoc(), g, cIdx(b, p.stages));
}

Value WgmmaLowering::parityOf(OpBuilder &b, Value g) {
  Location loc = fn.getLoc();
  return i32(b, arith::RemUIOp::create(
                    b, loc, arith::DivUIOp::create(b, loc, g, cIdx(b, p.stages)), cIdx(b, 2)));
}

Value WgmmaLowering::qPhase(OpBuilder &b) {
  if (!tileNo)
    return c32(b, 0);
  return i32(b, arith::RemUIOp::create(b, fn.getLoc(), tileNo, cIdx(b, 2)));
}

void WgmmaLowering::tmaLoad(OpBuilder &b, Value map, int64_t cols, int64_t swizzle, int64_t rows,
                            Value at, Value row, Value head, Value batch, Value bar,
                            int64_t eltBytes) {
  Location loc = fn.getLoc();
  int64_t chunk = swizzle / eltBytes; // elements per box row
  for (int64_t c = 0; c < cols / chunk; ++c) {
    Value dst = sharedPtr(b, arith::AddIOp::create(b, loc, at, cIdx(b, c * rows * swizzle)));
    NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
        b, loc, dst, map, ValueRange{c32(b, chunk * c), row, i32(b, head), i32(b, batch)}, bar,
        ValueRange{}, Value(), Value(), NVVM::TMALoadMode::TILE, /*isCTAOnly=*/true,
        NVVM::CTAGroupKindAttr(), Value());
  }
}

Value WgmmaLowering::blockOf(OpBuilder &b, Value seq) {
  Location loc = fn.getLoc();
  Value j = arith::AddIOp::create(b, loc, seqOrigin, seq);
  if (!p.head)
    return j;
  Value isHead = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, seq, cIdx(b, 0));
  return arith::SelectOp::create(b, loc, isHead, p.headBlock, j);
}

SmallVector<std::pair<Value, Value>> WgmmaLowering::pageSlots(OpBuilder &b, Value j,
                                                              Value batch) {
  Location loc = fn.getLoc();
  int64_t rows = p.kvBoxRows();
  auto ult = [&](Value x, Value y) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  };
  Value tableRows = memref::DimOp::create(b, loc, p.pageTable, 0);
  Value tablePages = memref::DimOp::create(b, loc, p.pageTable, 1);
  Value first = arith::MulIOp::create(b, loc, j, cIdx(b, p.bn));
  // Every table entry first (their reads in flight together), then the boxes.
  SmallVector<std::pair<Value, Value>> out;
  for (int64_t i = 0; i < p.bn / rows; ++i) {
    Value row = arith::AddIOp::create(b, loc, first, cIdx(b, i * rows));
    Value pageNo = arith::DivUIOp::create(b, loc, row, cIdx(b, p.page));
    Value slot = arith::RemUIOp::create(b, loc, row, cIdx(b, p.page));
    // Inside the sequence and the table; else page -1: TMA fills the box with
    // zeros without reading memory (so does a page number past the pool).
    Value inside = arith::AndIOp::create(
        b, loc, arith::AndIOp::create(b, loc, ult(row, p.kvLimit), ult(pageNo, tablePages)),
        ult(batch, tableRows));
    auto read = scf::IfOp::create(
        b, loc, inside,
        [&](OpBuilder &b, Location loc) {
          scf::YieldOp::create(
              b, loc, ValueRange{memref::LoadOp::create(b, loc, p.pageTable, ValueRange{batch, pageNo})});
        },
        [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, ValueRange{c32(b, -1)}); });
    out.push_back({i32(b, slot), read.getResult(0)});
  }
  return out;
}

void WgmmaLowering::issueKV(OpBuilder &b, Value seq, Value j, bool withK, bool withV) {
  Location loc = fn.getLoc();
  Value S = cIdx(b, p.stages);
  Value g = globalSeq(b, seq);
  Value s = arith::RemUIOp::create(b, loc, g, S);
  Value use = arith::DivUIOp::create(b, loc, g, S);
  Value reused = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, seq, S);
  auto awaitFree = [&](bool ofV) {
    ifThen(b, loc, reused, [&](OpBuilder &b) {
      Value prev = arith::SubIOp::create(b, loc, use, cIdx(b, 1));
      wait(b, ofV ? emptyV(b, s) : empty(b, s),
           i32(b, arith::RemUIOp::create(b, loc, prev, cIdx(b, 2))));
    });
  };
  TileLoadOp k = p.k.front(), v = p.v.front();
  // Paged: each box's (slot, page) as i32 TMA coordinates, read once for K
  // and V, before the wait for the stage (their latency under it).
  SmallVector<std::pair<Value, Value>> pages;
  if (p.page)
    pages = pageSlots(b, j, k.getBatch());
  if (!p.rotated)
    awaitFree(/*ofV=*/false);
  // A packed sequence's block j: rows kvStart + j * bn of all the packed rows.
  Value row = arith::MulIOp::create(b, loc, j, cIdx(b, p.bn));
  if (p.kvStart)
    row = arith::AddIOp::create(b, loc, p.kvStart, row);
  row = i32(b, row);
  int64_t eb = p.kvBytes();
  Value kDst = arith::AddIOp::create(b, loc, cIdx(b, kAt),
                                     arith::MulIOp::create(b, loc, s, cIdx(b, p.bn * p.d * eb)));
  Value vDst = arith::AddIOp::create(b, loc, cIdx(b, vAt),
                                     arith::MulIOp::create(b, loc, s, cIdx(b, p.bn * p.dv * eb)));
  // K's (ofV false) or V's block: its bytes expected on its full barrier, then its copies.
  auto start = [&](bool ofV) {
    if (p.rotated)
      awaitFree(ofV);
    auto full = [&] { return ofV ? fullV(b, s) : fullK(b, s); };
    int64_t cols = ofV ? p.dv : p.d;
    TileLoadOp block = ofV ? v : k;
    NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), full(), c32(b, p.bn * cols * eb),
                                           NVVM::MemScopeKindAttr(), BoolAttr(), Value());
    // One-byte K/V (e4m3: converted, or the FP8 wgmma's) have swizzles of
    // their own; p.swizzleV is then O's.
    int64_t swizzle = p.oneByteKV() ? (ofV ? p.swizzleV8 : p.swizzleK8)
                                    : (ofV ? p.swizzleV : p.swizzleQK);
    if (!p.page) {
      tmaLoad(b, tmap[ofV ? 2 : 1], cols, swizzle, p.bn, ofV ? vDst : kDst, row,
              block.getHead(), block.getBatch(), full(), eb);
      return;
    }
    // Paged: box i (kvBoxRows rows) at its page's slot; chunk c of the block
    // still at c * bn * swizzle, box i's rows i * rows * swizzle into it.
    for (auto [i, at] : llvm::enumerate(pages))
      for (int64_t c = 0; c < cols / (swizzle / eb); ++c) {
        Value dst = sharedPtr(
            b, arith::AddIOp::create(
                   b, loc, ofV ? vDst : kDst,
                   cIdx(b, c * p.bn * swizzle + int64_t(i) * p.kvBoxRows() * swizzle)));
        NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
            b, loc, dst, tmap[ofV ? 2 : 1],
            ValueRange{c32(b, swizzle / eb * c), at.first, i32(b, block.getHead()), at.second},
            full(), ValueRange{}, Value(), Value(), NVVM::TMALoadMode::TILE, /*isCTAOnly=*/true,
            NVVM::CTAGroupKindAttr(), Value());
      }
  };
  if (withK)
    start(/*ofV=*/false);
  if (withV)
    start(/*ofV=*/true);
}

Value WgmmaLowering::keysLeft(OpBuilder &b, Value row0) {
  Location loc = fn.getLoc();
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, p.kvLimit, row0);
  return arith::SelectOp::create(b, loc, inside, arith::SubIOp::create(b, loc, p.kvLimit, row0),
                                 cIdx(b, 0));
}

void WgmmaLowering::clearTail(OpBuilder &b, Value ring, Value row0) {
  Location loc = fn.getLoc();
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y).getResult(); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
  Value past = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, add(row0, cIdx(b, p.bn)),
                                     p.kvLimit);
  ifThen(b, loc, past, [&](OpBuilder &b) {
    // Rows [from, bn) of each chunk (whole rows of `swizzle` bytes: the
    // swizzle permutes 16-byte pieces within a row), 16 bytes a store.
    Value from = keysLeft(b, row0);
    int64_t perRow = p.swizzleV / 16, chunks = p.dv * 2 / p.swizzleV;
    Value count = mul(arith::SubIOp::create(b, loc, cIdx(b, p.bn), from), perRow * chunks);
    int64_t consumers = 2 * p.bm;
    Value me = warpSpec ? arith::SubIOp::create(b, loc, tid, cIdx(b, 128)).getResult() : tid;
    Value stageAt = add(cIdx(b, vAt), mul(ring, p.bn * p.dv * 2));
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(VectorType::get({4}, b.getI32Type()), b.getI32IntegerAttr(0)));
    scf::ForOp::create(
        b, loc, me, count, cIdx(b, consumers), ValueRange{},
        [&](OpBuilder &b, Location loc, Value i, ValueRange) {
          auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
          auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
          Value r = add(from, div(i, perRow * chunks));
          Value piece = rem(i, perRow * chunks);
          Value at = add(add(stageAt, mul(div(piece, perRow), p.bn * p.swizzleV)),
                         add(mul(r, p.swizzleV), mul(rem(piece, perRow), 16)));
          LLVM::StoreOp::create(b, loc, zero, sharedPtr(b, at), /*alignment=*/16);
          scf::YieldOp::create(b, loc);
        });
    asyncVisible(b, loc);
  });
}

void WgmmaLowering::convertStage(OpBuilder &b, bool ofV, Value ring, Value row0) {
  Location loc = fn.getLoc();
  MLIRContext *ctx = b.getContext();
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y).getResult(); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
  auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
  auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
  auto swizzled = [&](Value r, Value c, int64_t s, int64_t eltBytes) {
    return swizzledUnit(b, r, c, s, eltBytes, p.bn);
  };
  int64_t cols = ofV ? p.dv : p.d;
  int64_t s8 = ofV ? p.swizzleV8 : p.swizzleK8, s16 = ofV ? p.swizzleV : p.swizzleQK;
  Value src = add(cIdx(b, ofV ? vAt : kAt), mul(ring, p.bn * cols));
  Value dst = add(cIdx(b, ofV ? vReadAt : kReadAt), mul(ring, p.bn * cols * 2));
  int64_t perRow = cols / 16; // 16-byte units of e4m3 in a row
  int64_t consumers = 2 * p.bm;
  Value me = warpSpec ? arith::SubIOp::create(b, loc, tid, cIdx(b, 128)).getResult() : tid;
  auto i32Ty = b.getI32Type();
  auto words = VectorType::get({4}, i32Ty);
  auto pairTy = LLVM::LLVMStructType::getLiteral(ctx, {i32Ty, i32Ty});
  // Four e4m3 bytes (one word) to four 16-bit values (two words): e4m3 pairs
  // to f16 pairs (cvt.rn.f16x2.e4m3x2, exact), and to bf16 through f32 (exact:
  // both hold every e4m3 value, NaN included).
  std::string asmStr =
      p.elt.isF16()
          ? "{\n.reg .b16 lo, hi;\nmov.b32 {lo, hi}, $2;\ncvt.rn.f16x2.e4m3x2 $0, lo;\n"
            "cvt.rn.f16x2.e4m3x2 $1, hi;\n}\n"
          : "{\n.reg .b16 lo, hi, h0, h1, h2, h3;\n.reg .b32 x0, x1;\n"
            ".reg .f32 f0, f1, f2, f3;\nmov.b32 {lo, hi}, $2;\n"
            "cvt.rn.f16x2.e4m3x2 x0, lo;\ncvt.rn.f16x2.e4m3x2 x1, hi;\n"
            "mov.b32 {h0, h1}, x0;\nmov.b32 {h2, h3}, x1;\n"
            "cvt.f32.f16 f0, h0;\ncvt.f32.f16 f1, h1;\ncvt.f32.f16 f2, h2;\n"
            "cvt.f32.f16 f3, h3;\ncvt.rn.bf16x2.f32 $0, f1, f0;\n"
            "cvt.rn.bf16x2.f32 $1, f3, f2;\n}\n";
  scf::ForOp::create(
      b, loc, me, cIdx(b, p.bn * perRow), cIdx(b, consumers), ValueRange{},
      [&](OpBuilder &b, Location loc, Value i, ValueRange) {
        Value r = div(i, perRow);
        Value c = mul(rem(i, perRow), 16);
        Value in = LLVM::LoadOp::create(b, loc, words, sharedPtr(b, add(src, swizzled(r, c, s8, 1))),
                                        /*alignment=*/16);
        SmallVector<Value> out;
        for (int64_t w = 0; w < 4; ++w) {
          auto cvt = LLVM::InlineAsmOp::create(
              b, loc, pairTy, ValueRange{vector::ExtractOp::create(b, loc, in, w)}, asmStr,
              "=r,=r,r", /*has_side_effects=*/false, /*is_align_stack=*/false,
              LLVM::TailCallKind::None,
              LLVM::AsmDialectAttr::get(ctx, LLVM::AsmDialect::AD_ATT), ArrayAttr());
          for (int64_t h = 0; h < 2; ++h)
            out.push_back(LLVM::ExtractValueOp::create(b, loc, cvt.getResult(0), h));
        }
        Value zero = c32(b, 0);
        Value dead;
        if (ofV && p.kvLimit) // rows past the sequence: zeros (P is 0 there, 0 * NaN is not)
          dead = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, add(row0, r), p.kvLimit);
        for (int64_t h = 0; h < 2; ++h) {
          SmallVector<Value> half(out.begin() + 4 * h, out.begin() + 4 * h + 4);
          if (dead)
            for (Value &x : half)
              x = arith::SelectOp::create(b, loc, dead, zero, x);
          Value v = vector::FromElementsOp::create(b, loc, words, half);
          Value at = add(dst, swizzled(r, add(c, cIdx(b, 8 * h)), s16, 2));
          LLVM::StoreOp::create(b, loc, v, sharedPtr(b, at), /*alignment=*/16);
        }
        scf::YieldOp::create(b, loc);
      });
  asyncVisible(b, loc);
}

Value WgmmaLowering::swizzledUnit(OpBuilder &b, Value r, Value c, int64_t s, int64_t eltBytes,
                                  int64_t rows, bool byte) {
  Location loc = fn.getLoc();
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y).getResult(); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
  auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
  auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
  int64_t chunk = s / eltBytes;
  Value unit = arith::XOrIOp::create(b, loc, div(rem(c, chunk), 16 / eltBytes),
                                     rem(div(r, 128 / s), s / 16));
  return add(add(mul(div(c, chunk), rows * s), mul(r, s)),
             byte ? add(mul(unit, 16), rem(c, 16)) : mul(unit, 16));
}

void WgmmaLowering::asyncVisible(OpBuilder &b, Location loc) {
  NVVM::FenceProxyOp::create(b, loc, NVVM::ProxyKind::async_shared,
                             NVVM::SharedSpaceAttr::get(b.getContext(), NVVM::SharedSpace::shared_cta));
  if (warpSpec) // the consumers alone (named barrier 3): the producer is not there
    NVVM::BarrierOp::create(b, loc, TypeRange{}, c32(b, 3), c32(b, 2 * p.bm), {}, Value());
  else
    gpu::BarrierOp::create(b, loc);
}

} // namespace hopper
} // namespace faattn
