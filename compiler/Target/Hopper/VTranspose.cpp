//===- VTranspose.cpp - e4m3 V transposed in shared memory -----------------===//
//
// The FP8 wgmma reads its B operand K-major only, and V's TMA stage is keys x
// dv: P V needs V's stage written again as dv rows of bn keys (vReadAt,
// swizzled for bn-byte rows: swizzleVt), with each 16-key group in the key
// order of P's e4m3 A fragment (fp8KeyAt; WgmmaFragments.h). The threads
// that run it (the consumers under the inline producer; the producer
// warpgroup's warps 1-3 under the cooperative and e4m3 pingpong schedules)
// and its barriers are the schedule's (templates/hopper/); this file is the
// copy itself, in the forms of faattn-tiles-to-wgmma's `e4m3-transpose`:
//   lean (default)    a task (4 columns of 16 keys) is 16 word loads, two
//                     rounds of prmt with the rotation in the selectors, 4
//                     16-byte stores, load offsets made once a stage
//                     (PERFORMANCE step 77: 1.05-1.09x rotated on an H100);
//   rotated           the same rows from byte extracts and a funnel shift a
//                     word: each lane's row order rotated so that a warp's
//                     stores hit every unit of the swizzle (step 76);
//   direct            rotated's in row order (16-way bank conflicts; before
//                     step 76);
//   skip              no transposition (timing only: wrong results).
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
#include "faattn/Target/Hopper/WgmmaFragments.h"

namespace faattn {
namespace hopper {

void WgmmaLowering::transposeStage(OpBuilder &b, Value ring, Value me, int64_t count,
                                   Value row0) {
  if (p.vTranspose == Plan::VTranspose::Skip) // timing only: the tile is left as it is
    return;
  // The lean form keeps a column group a thread: it needs at least as many
  // threads as column groups (every caller has: 96 or 256 threads, at most 64
  // groups); with fewer the rotated form below writes the same tile.
  if (p.vTranspose == Plan::VTranspose::Lean && count >= p.dv / 4)
    return transposeStageLean(b, ring, me, count, row0);
  Location loc = fn.getLoc();
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y).getResult(); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
  auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
  auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
  // Byte (r, c) of a swizzled e4m3 tile of `rows` rows.
  auto byteAt = [&](Value r, Value c, int64_t s, int64_t rows) {
    return swizzledUnit(b, r, c, s, 1, rows, /*byte=*/true);
  };
  Value src = add(cIdx(b, vAt), mul(ring, p.bn * p.dv));
  Value dst = add(cIdx(b, vReadAt), mul(ring, p.bn * p.dv));
  int64_t groups = p.dv / 4; // a task: 4 columns (one word a key) of 16 keys
  auto bytesTy = VectorType::get({4}, b.getI8Type());
  auto rowTy = VectorType::get({16}, b.getI8Type());
  // Paged or packed K/V (row0: the block's first row): the keys at or past
  // the sequence's length are written as zeros (P is 0 there; 0 * NaN is
  // not), counted from the block's start.
  Value live = row0 ? keysLeft(b, row0) : Value();
  Value zero = live ? arith::ConstantOp::create(b, loc, DenseElementsAttr::get(
                                                           bytesTy, b.getI8IntegerAttr(0)))
                          .getResult()
                    : Value();
  // The lanes of a warp take consecutive column groups: each load of a key
  // reads 128 consecutive bytes of its row. A lane's four row stores (rows c
  // to c + 3 of the transposed tile, 16 keys each) would put the warp's
  // stores j in rows 4 lane + j, whose residues mod 8 (the 128-byte swizzle's
  // xor) take two values: 16 lanes on one 16-byte unit, 16 wavefronts a
  // store. Rotated, lane L's words are rotated right by rot =
  // (L / 2) % 4 bytes (one funnel shift a word), so that its store j writes
  // row c + (j + rot) % 4: every residue four times, 4 wavefronts, the least
  // 512 bytes take.
  bool rotated = p.vTranspose != Plan::VTranspose::Direct; // rotated, or lean's fallback
  Value rot = rotated ? rem(div(rem(me, 32), 2), 4) : Value();
  auto i32Ty = b.getI32Type();
  Value rotBits =
      rotated ? arith::IndexCastUIOp::create(b, loc, i32Ty, mul(rot, 8)).getResult() : Value();
  scf::ForOp::create(
      b, loc, me, cIdx(b, groups * (p.bn / 16)), cIdx(b, count), ValueRange{},
      [&](OpBuilder &b, Location loc, Value i, ValueRange) {
        Value c = mul(rem(i, groups), 4);
        Value key0 = mul(div(i, groups), 16);
        SmallVector<Value> words;
        for (int64_t q = 0; q < 16; ++q) {
          Value key = add(key0, cIdx(b, q));
          Value w = LLVM::LoadOp::create(
              b, loc, bytesTy, sharedPtr(b, add(src, byteAt(key, c, p.swizzleV8, p.bn))),
              /*alignment=*/4);
          if (live)
            w = arith::SelectOp::create(
                b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, key, live), zero, w);
          if (rotated) {
            Value x = LLVM::BitcastOp::create(b, loc, i32Ty, w);
            x = LLVM::FshrOp::create(b, loc, x, x, rotBits);
            w = LLVM::BitcastOp::create(b, loc, bytesTy, x);
          }
          words.push_back(w);
        }
        for (int64_t j = 0; j < 4; ++j) {
          SmallVector<Value> row;
          for (int64_t q = 0; q < 16; ++q)
            row.push_back(vector::ExtractOp::create(b, loc, words[fp8KeyAt(q)], j));
          // Byte j of a rotated word is column c + (j + rot) % 4's.
          Value col = rotated ? add(c, rem(add(rot, cIdx(b, j)), 4)) : add(c, cIdx(b, j));
          Value at = add(dst, byteAt(col, key0, p.swizzleVt, p.dv));
          LLVM::StoreOp::create(b, loc, vector::FromElementsOp::create(b, loc, rowTy, row),
                                sharedPtr(b, at), /*alignment=*/16);
        }
        scf::YieldOp::create(b, loc);
      });
}

void WgmmaLowering::transposeStageLean(OpBuilder &b, Value ring, Value me, int64_t count,
                                       Value row0) {
  Location loc = fn.getLoc();
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y).getResult(); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
  auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
  auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
  auto i32Ty = b.getI32Type();
  auto i32 = [&](Value x) { return arith::IndexCastUIOp::create(b, loc, i32Ty, x).getResult(); };
  // Byte (r, c) of a swizzled e4m3 tile of `rows` rows.
  auto byteAt = [&](Value r, Value c, int64_t s, int64_t rows) {
    return swizzledUnit(b, r, c, s, 1, rows, /*byte=*/true);
  };
  Value src = add(cIdx(b, vAt), mul(ring, p.bn * p.dv));
  Value dst = add(cIdx(b, vReadAt), mul(ring, p.bn * p.dv));
  // A task: 4 columns (one word a key) of 16 keys, written as 4 rows of the
  // transposed tile (16 bytes each). The lanes of a warp take consecutive
  // column groups: each load of a key reads 128 consecutive bytes of its row.
  int64_t groups = p.dv / 4;
  int64_t keyGroups = p.bn / 16;
  // transposeStage sends at least as many threads as column groups (96 or
  // 256 threads, at most 64 groups): the first `active` = a multiple of the
  // groups take part (head dim 256 under the cooperative schedule: 64 of the
  // 96), each keeping one column group c and stepping over the key groups:
  // its 16 loads' offsets are the same in every key group but for key0 * S
  // (S the row's bytes), made once a stage (8 of them: keys q and q + 8 are
  // 8 S apart), an add a load in the loop.
  int64_t active = count / groups * groups;
  Value c = mul(rem(me, groups), 4);
  int64_t rowBytes = p.swizzleV8; // a key's row within its column chunk
  SmallVector<Value> loadAt;
  for (int64_t q = 0; q < 8; ++q)
    loadAt.push_back(add(src, byteAt(cIdx(b, q), c, p.swizzleV8, p.bn)));
  // Bank conflicts: in order, a warp's store j writes rows 4 lane + j,
  // whose residues mod 8 (the 128-byte swizzle's xor) take two values: 16
  // lanes on one 16-byte unit, 16 wavefronts a store. As in the rotated form,
  // lane L's store j writes row c + (j + rot) % 4, rot = (L / 2) % 4: every
  // residue four times, 4 wavefronts, the least 512 bytes take.
  Value rot = rem(div(rem(me, 32), 2), 4);
  // The 4 x 4 byte transposes (two rounds of prmt): round one pairs the
  // words of keys a and b (and c and d) by column, the rotation in its
  // selectors, lo = [a_r0 b_r0 a_r1 b_r1] and hi = [a_r2 b_r2 a_r3 b_r3]
  // with r_k = (rot + k) % 4; round two takes row j's [a b c d]: 2 prmt a
  // word of the rows.
  // (fp8PairSelector, fp8RowSelector: WgmmaFragments.h, checked in
  // tests/unit/WgmmaFragmentsTest.cpp.) A lane's selectors: fp8PairSelector
  // at its rot, picked from the four constants once a thread.
  auto c32v = [&](int64_t v) { return c32(b, v); };
  Value rot32 = i32(rot);
  auto pairSelector = [&](int64_t k) {
    Value sel = c32v(fp8PairSelector(0, k));
    for (int64_t r = 1; r < 4; ++r)
      sel = arith::SelectOp::create(
          b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rot32, c32v(r)),
          c32v(fp8PairSelector(r, k)), sel);
    return sel;
  };
  Value lowSel = pairSelector(0), highSel = pairSelector(2);
  auto prmt = [&](Value lo, Value hi, Value sel) {
    return NVVM::PermuteOp::create(b, loc, i32Ty, lo, hi, sel, NVVM::PermuteMode::DEFAULT)
        .getResult();
  };
  // Paged or packed K/V (row0: the block's first row): the keys at or past
  // the sequence's length are written as zeros (P is 0 there; 0 * NaN is
  // not), counted from the block's start.
  Value live = row0 ? keysLeft(b, row0) : Value();
  auto words = VectorType::get({4}, i32Ty);
  // The threads past `active` start at the last key group: no task.
  Value lb = arith::SelectOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, me, cIdx(b, active)),
      div(me, groups), cIdx(b, keyGroups));
  scf::ForOp::create(
      b, loc, lb, cIdx(b, keyGroups), cIdx(b, active / groups), ValueRange{},
      [&](OpBuilder &b, Location loc, Value kg, ValueRange) {
        Value key0 = mul(kg, 16);
        SmallVector<Value> w;
        for (int64_t q = 0; q < 16; ++q) {
          Value key = add(key0, cIdx(b, q));
          Value at = add(loadAt[q % 8], add(mul(key0, rowBytes), cIdx(b, q / 8 * 8 * rowBytes)));
          Value x = LLVM::LoadOp::create(b, loc, i32Ty, sharedPtr(b, at), /*alignment=*/4);
          if (live)
            x = arith::SelectOp::create(
                b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, key, live),
                c32v(0), x);
          w.push_back(x);
        }
        // Row j's word m: byte (j + rot) % 4 of keys fp8KeyAt(4m .. 4m + 3).
        SmallVector<SmallVector<Value, 4>, 4> rows(4);
        for (int64_t m = 0; m < 4; ++m) {
          Value ka = w[fp8KeyAt(4 * m)], kb = w[fp8KeyAt(4 * m + 1)];
          Value kc = w[fp8KeyAt(4 * m + 2)], kd = w[fp8KeyAt(4 * m + 3)];
          Value ab0 = prmt(ka, kb, lowSel), ab1 = prmt(ka, kb, highSel);
          Value cd0 = prmt(kc, kd, lowSel), cd1 = prmt(kc, kd, highSel);
          rows[0].push_back(prmt(ab0, cd0, c32v(fp8RowSelector(0))));
          rows[1].push_back(prmt(ab0, cd0, c32v(fp8RowSelector(1))));
          rows[2].push_back(prmt(ab1, cd1, c32v(fp8RowSelector(2))));
          rows[3].push_back(prmt(ab1, cd1, c32v(fp8RowSelector(3))));
        }
        for (int64_t j = 0; j < 4; ++j) {
          Value col = add(c, rem(add(rot, cIdx(b, j)), 4)); // fp8RowColumn(rot, j)
          Value at = add(dst, byteAt(col, key0, p.swizzleVt, p.dv));
          LLVM::StoreOp::create(b, loc, vector::FromElementsOp::create(b, loc, words, rows[j]),
                                sharedPtr(b, at), /*alignment=*/16);
        }
        scf::YieldOp::create(b, loc);
      });
}

} // namespace hopper
} // namespace faattn
