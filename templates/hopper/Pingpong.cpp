//===- Pingpong.cpp - template: schedule pingpong --------------------------===//
//
// Schedule "pingpong" (spec `schedule = pingpong`; block_m 128, two consumer
// warpgroups, the TMA pipeline): the two warpgroups take turns at the tensor
// cores, so that one's products run under the other's softmax (FA3's
// intra-warpgroup-pair overlap). Two forms share the turns:
//   * PingpongSchedule: the inline producer's loads (thread 0 of warpgroup
//     0 issues the ring's blocks ahead);
//   * WarpSpecializedPingpongSchedule, for e4m3 Q, K and V: the cooperative
//     schedule's roles (Cooperative.cpp: a producer warpgroup issues the
//     loads and transposes V), the turns between its two consumer
//     warpgroups (FA3's FP8 kernel: producer, V transposed in the kernel,
//     pingpong consumers).
//
// Barriers. Named barrier 1 + g (256 threads) is consumer warpgroup g's turn
// (g = WgmmaLowering::wgIdx, 0 or 1): before issuing its products of an
// iteration warpgroup g waits on it (its 128 threads; beforeProducts), the
// other warpgroup's 128 arrive on it after issuing theirs (afterProducts).
// Phases: warpgroup 1 passes the first turn to warpgroup 0 before the first
// KV loop (startRing); after the last KV loop (afterKVLoops) warpgroup 0
// takes the turn warpgroup 1 passed last, so that no named barrier is left
// half-arrived. A rotated loop's turn covers both of its products. The
// cooperative consumers' own barrier is named barrier 3, the producer takes
// none of these.
//
// Needs from the plan: bm == 128 and the TMA pipeline (and for the
// warp-specialized form what Cooperative.cpp needs).
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

/// Wait for this warpgroup's turn (named barrier 1 + its index).
void PingpongSchedule::takeTurn(WgmmaLowering &L, OpBuilder &b) {
  Location loc = L.fn.getLoc();
  Value id = L.i32(b, arith::AddIOp::create(b, loc, L.wgIdx, WgmmaLowering::cIdx(b, 1)));
  NVVM::BarrierOp::create(b, loc, TypeRange{}, id, L.c32(b, 256), {}, Value());
}

/// Pass the turn to warpgroup `wg` (an index value).
void PingpongSchedule::passTurn(WgmmaLowering &L, OpBuilder &b, Value wg) {
  Location loc = L.fn.getLoc();
  Value id = L.i32(b, arith::AddIOp::create(b, loc, wg, WgmmaLowering::cIdx(b, 1)));
  NVVM::BarrierArriveOp::create(b, loc, id, L.c32(b, 256));
}

/// Before the first KV loop: warpgroup 1 gives warpgroup 0 the first turn.
void PingpongSchedule::firstTurn(WgmmaLowering &L, OpBuilder &b) {
  Location loc = L.fn.getLoc();
  L.ifThen(b, loc,
           arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, L.wgIdx,
                                 WgmmaLowering::cIdx(b, 1)),
           [&](OpBuilder &b) { passTurn(L, b, WgmmaLowering::cIdx(b, 0)); });
}

/// After the products of an iteration: the turn to the other warpgroup.
void PingpongSchedule::otherTurn(WgmmaLowering &L, OpBuilder &b) {
  passTurn(L, b, arith::SubIOp::create(b, L.fn.getLoc(), WgmmaLowering::cIdx(b, 1), L.wgIdx));
}

/// After the last KV loop: warpgroup 1's last turn passed to warpgroup 0 is
/// taken, so that no named barrier is left half-arrived.
void PingpongSchedule::lastTurn(WgmmaLowering &L, OpBuilder &b) {
  Location loc = L.fn.getLoc();
  L.ifThen(b, loc,
           arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, L.wgIdx,
                                 WgmmaLowering::cIdx(b, 0)),
           [&](OpBuilder &b) { takeTurn(L, b); });
}

void PingpongSchedule::startRing(OpBuilder &b) {
  InlineProducerSchedule::startRing(b);
  firstTurn(L, b);
}
void PingpongSchedule::beforeProducts(OpBuilder &b) { takeTurn(L, b); }
void PingpongSchedule::afterProducts(OpBuilder &b) { otherTurn(L, b); }
void PingpongSchedule::afterKVLoops(OpBuilder &b) { lastTurn(L, b); }

void WarpSpecializedPingpongSchedule::startRing(OpBuilder &b) {
  // (What is built after the role split is the consumers': run() moves it.)
  CooperativeSchedule::startRing(b);
  PingpongSchedule::firstTurn(L, b);
}
void WarpSpecializedPingpongSchedule::beforeProducts(OpBuilder &b) {
  PingpongSchedule::takeTurn(L, b);
}
void WarpSpecializedPingpongSchedule::afterProducts(OpBuilder &b) {
  PingpongSchedule::otherTurn(L, b);
}
void WarpSpecializedPingpongSchedule::afterKVLoops(OpBuilder &b) {
  PingpongSchedule::lastTurn(L, b);
}

} // namespace hopper
} // namespace faattn
