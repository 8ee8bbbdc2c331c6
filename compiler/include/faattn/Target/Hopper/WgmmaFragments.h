//===- WgmmaFragments.h - which element a wgmma register holds ---*- C++ -*-===//
//
// The register fragments of sm_90a's wgmma that faattn's lowerings rely on,
// as functions of a lane and a register (PTX ISA, "Register fragments" of
// wgmma.mma_async), and the FP8 mainloop's key order built on them. A quad of
// lanes (lane % 4 = t) shares a row g (lane / 4, + 16 per warp of the
// warpgroup). Header only, no LLVM or MLIR: the unit tests check the FP8
// mainloop's two halves (packA8, transposeStage) against each other here.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TARGET_HOPPER_WGMMAFRAGMENTS_H
#define FAATTN_TARGET_HOPPER_WGMMAFRAGMENTS_H

#include <cstdint>

namespace faattn {
namespace hopper {

/// f32 accumulator (m64nN): element e of lane t of a quad is at row g + 8 *
/// accRowHalf(e) and column accColumn(e, t) (WgmmaLowering's rowOf / colOf).
constexpr int64_t accRowHalf(int64_t e) { return (e % 4) / 2; }
constexpr int64_t accColumn(int64_t e, int64_t t) { return 8 * (e / 4) + 2 * t + e % 2; }

/// e4m3 A operand in registers (m64nNk32): byte b of register r of lane t of a
/// quad is A's row g + 8 * (r % 2), reduction index 16 * (r / 2) + 4 t + b of the
/// k-step's 32.
constexpr int64_t a8RowHalf(int64_t r) { return r % 2; }
constexpr int64_t a8Index(int64_t r, int64_t t, int64_t b) { return 16 * (r / 2) + 4 * t + b; }

/// The FP8 mainloop's P V (docs/FP8.md, "The FP8 mainloop"): P's f32
/// fragments are rounded to e4m3 where they lie, byte b of register r of
/// k-step k holding accumulator element fp8PackedElement(k, r, b); so
/// reduction index i of the k-step stands for key 32 k + fp8KeyOf(i), and V's
/// transposed stage holds that key at i.
constexpr int64_t fp8PackedElement(int64_t k, int64_t r, int64_t b) {
  return 16 * k + 8 * (r / 2) + 2 * (r % 2) + 4 * (b / 2) + b % 2;
}
/// Position q (0..15) of a 16-key group of V's transposed stage: key 8 ((q %
/// 4) / 2) + 2 (q / 4) + q % 2 of the group (0 1 8 9 2 3 10 11 4 5 12 13 6 7 14
/// 15), the accumulator keys of lane q / 4 in the order of its A bytes.
constexpr int64_t fp8KeyAt(int64_t q) { return 8 * ((q % 4) / 2) + 2 * (q / 4) + q % 2; }
/// Reduction index i (0..31) of an FP8 P V k-step: its key within the step.
constexpr int64_t fp8KeyOf(int64_t i) { return 16 * (i / 16) + fp8KeyAt(i % 16); }

/// The lean transposition's byte permutes (VTranspose.cpp, e4m3-transpose =
/// lean). prmt.b32's default mode: byte n of the result is byte (selector >>
/// 4 n) & 7 of the pair (lo bytes 0-3, hi bytes 4-7). A lane with rotation rot
/// (0..3) writes its row j from column (j + rot) % 4 of its four
/// (fp8RowColumn). Round one pairs the words of two keys a (lo) and b (hi) by
/// column: fp8PairSelector(rot, k) gives [a_r b_r a_r1 b_r1], r = (rot + k) %
/// 4 and r1 = (rot + k + 1) % 4 (k = 0: rows 0 and 1; k = 2: rows 2 and 3).
/// Round two takes row j's four bytes [a b c d] from round one's pairs of
/// rows 2 (j / 2) (lo: keys a, b; hi: keys c, d) with fp8RowSelector(j).
constexpr int64_t fp8RowColumn(int64_t rot, int64_t j) { return (j + rot) % 4; }
constexpr uint32_t fp8PairSelector(int64_t rot, int64_t k) {
  int64_t r = fp8RowColumn(rot, k), r1 = fp8RowColumn(rot, k + 1);
  return uint32_t(r | (r + 4) << 4 | r1 << 8 | (r1 + 4) << 12);
}
constexpr uint32_t fp8RowSelector(int64_t j) { return j % 2 == 0 ? 0x5410u : 0x7632u; }

} // namespace hopper
} // namespace faattn

#endif // FAATTN_TARGET_HOPPER_WGMMAFRAGMENTS_H
