//===- WgmmaFragmentsTest.cpp - the FP8 mainloop's P V key order ----------===//
//
// The FP8 mainloop rounds P's f32 accumulator fragments to e4m3 where they
// lie (packA8: byte b of register r holds element fp8PackedElement) and has
// V's transposed stage hold the keys in the order those bytes stand for
// (transposeStage: position q holds key fp8KeyAt(q)). P V is right only if,
// for every lane and byte, the key and row the byte carries (by the
// accumulator layout) are the ones the e4m3 A fragment reads there (its
// row, and the key V's stage has at that reduction index). Checked here for
// every k-step, lane, register and byte, with the layouts of
// faattn/Target/Hopper/WgmmaFragments.h.
//
//===----------------------------------------------------------------------===//

#include "faattn/Target/Hopper/WgmmaFragments.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

using namespace faattn::hopper;

TEST(WgmmaFragments, TransposedKeyOrderIsAPermutation) {
  std::set<int64_t> keys;
  for (int64_t q = 0; q < 16; ++q)
    keys.insert(fp8KeyAt(q));
  EXPECT_EQ(keys.size(), 16u);
  EXPECT_EQ(*keys.begin(), 0);
  EXPECT_EQ(*keys.rbegin(), 15);
  // Written out, as docs/FP8.md and the lit test state it.
  const int64_t order[16] = {0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15};
  for (int64_t q = 0; q < 16; ++q)
    EXPECT_EQ(fp8KeyAt(q), order[q]) << "position " << q;
}

TEST(WgmmaFragments, PackedPBytesMatchTheTransposedV) {
  for (int64_t k = 0; k < 8; ++k) { // k-steps of 32 keys (block_n up to 256)
    std::set<std::pair<int64_t, int64_t>> seen; // (row half, key) of a quad's bytes
    for (int64_t t = 0; t < 4; ++t)
      for (int64_t r = 0; r < 4; ++r)
        for (int64_t b = 0; b < 4; ++b) {
          int64_t e = fp8PackedElement(k, r, b);
          ASSERT_GE(e, 16 * k);
          ASSERT_LT(e, 16 * (k + 1)) << "k-step " << k << " packs another k-step's element";
          // What the byte carries: P at (row half, key) of the accumulator.
          int64_t key = accColumn(e, t), half = accRowHalf(e);
          // What the product takes it for: A's row half and reduction index,
          // whose key V's transposed stage holds.
          int64_t i = a8Index(r, t, b);
          EXPECT_EQ(half, a8RowHalf(r)) << "k " << k << " lane " << t << " reg " << r << " byte " << b;
          EXPECT_EQ(key, 32 * k + fp8KeyOf(i))
              << "k " << k << " lane " << t << " reg " << r << " byte " << b;
          seen.insert({half, key});
        }
    // Every (row half, key) of the k-step once: 2 x 32 over the quad's 64 bytes.
    EXPECT_EQ(seen.size(), 64u);
  }
}

// prmt.b32 in its default mode (PTX ISA, "prmt"): byte n of the result is byte
// (sel >> 4 n) & 7 of {lo (bytes 0-3), hi (bytes 4-7)}, or that byte's sign
// replicated where bit 3 of the nibble is set.
static uint32_t prmt(uint32_t lo, uint32_t hi, uint32_t sel) {
  uint64_t pool = uint64_t(hi) << 32 | lo;
  uint32_t out = 0;
  for (int n = 0; n < 4; ++n) {
    uint32_t nib = (sel >> (4 * n)) & 15;
    uint32_t byte = uint32_t(pool >> (8 * (nib & 7))) & 0xff;
    if (nib & 8)
      byte = (byte & 0x80) ? 0xff : 0;
    out |= byte << (8 * n);
  }
  return out;
}

// The lean transposition (e4m3-transpose = lean) of one task: 16 keys' words
// (4 columns each) to 4 rows of 16 keys, by its two rounds of prmt at every
// rotation. Row j, stored at column fp8RowColumn(rot, j) of the task, must
// hold that column of keys fp8KeyAt(0..15) in order: what the rotated and
// direct forms write (a byte extract per key).
TEST(WgmmaFragments, LeanTransposeRoundsGiveTheRows) {
  uint32_t words[16];
  for (int q = 0; q < 16; ++q) // distinct bytes: key q, column c holds 16 c + q
    words[q] = uint32_t(q) | uint32_t(16 + q) << 8 | uint32_t(32 + q) << 16 | uint32_t(48 + q) << 24;
  for (int64_t rot = 0; rot < 4; ++rot) {
    std::set<int64_t> columns;
    for (int64_t j = 0; j < 4; ++j)
      columns.insert(fp8RowColumn(rot, j));
    EXPECT_EQ(columns.size(), 4u) << "rot " << rot << ": a column written twice";
    uint32_t rows[4][4];
    for (int64_t m = 0; m < 4; ++m) {
      uint32_t a = words[fp8KeyAt(4 * m)], b = words[fp8KeyAt(4 * m + 1)];
      uint32_t c = words[fp8KeyAt(4 * m + 2)], d = words[fp8KeyAt(4 * m + 3)];
      uint32_t ab0 = prmt(a, b, fp8PairSelector(rot, 0)), ab1 = prmt(a, b, fp8PairSelector(rot, 2));
      uint32_t cd0 = prmt(c, d, fp8PairSelector(rot, 0)), cd1 = prmt(c, d, fp8PairSelector(rot, 2));
      rows[0][m] = prmt(ab0, cd0, fp8RowSelector(0));
      rows[1][m] = prmt(ab0, cd0, fp8RowSelector(1));
      rows[2][m] = prmt(ab1, cd1, fp8RowSelector(2));
      rows[3][m] = prmt(ab1, cd1, fp8RowSelector(3));
    }
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t q = 0; q < 16; ++q) {
        uint32_t got = (rows[j][q / 4] >> (8 * (q % 4))) & 0xff;
        uint32_t want = uint32_t(16 * fp8RowColumn(rot, j) + fp8KeyAt(q));
        EXPECT_EQ(got, want) << "rot " << rot << " row " << j << " position " << q;
      }
  }
  // The rotation's purpose: over a warp (rot = (lane / 2) % 4, the task's
  // first column 4 lane), store j's rows take every residue mod 8 (the
  // 128-byte swizzle's xor) four times.
  for (int64_t j = 0; j < 4; ++j) {
    int residues[8] = {};
    for (int64_t lane = 0; lane < 32; ++lane)
      ++residues[(4 * lane + fp8RowColumn((lane / 2) % 4, j)) % 8];
    for (int r = 0; r < 8; ++r)
      EXPECT_EQ(residues[r], 4) << "store " << j << " residue " << r;
  }
}
