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
