//===- Pingpong.cpp - template: schedule pingpong --------------------------===//
//
// Schedule "pingpong" (spec `schedule = pingpong`; block_m 128, two consumer
// warpgroups, the TMA pipeline, inline producer): the two warpgroups take
// turns at the tensor cores, so that one's products run under the other's
// softmax (FA3's intra-warpgroup-pair overlap).
//
// Barriers. Named barrier 1 + g (256 threads) is warpgroup g's turn: before
// issuing its products of an iteration warpgroup g waits on it (its 128
// threads; beforeProducts), the other warpgroup's 128 arrive on it after
// issuing theirs (afterProducts). Phases: warpgroup 1 passes the first turn
// to warpgroup 0 before the first KV loop (startRing); after the last KV loop
// (afterKVLoops) warpgroup 0
// takes the turn warpgroup 1 passed last, so that no named barrier is left
// half-arrived. A rotated loop's turn covers both of its products.
//
// Needs from the plan: bm == 128 and the TMA pipeline.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

void PingpongSchedule::takeTurn(OpBuilder &b) {
  Location loc = L.fn.getLoc();
  Value id = L.i32(b, arith::AddIOp::create(b, loc, L.wgIdx, WgmmaLowering::cIdx(b, 1)));
  NVVM::BarrierOp::create(b, loc, TypeRange{}, id, L.c32(b, 256), {}, Value());
}

void PingpongSchedule::passTurn(OpBuilder &b, Value wg) {
  Location loc = L.fn.getLoc();
  Value id = L.i32(b, arith::AddIOp::create(b, loc, wg, WgmmaLowering::cIdx(b, 1)));
  NVVM::BarrierArriveOp::create(b, loc, id, L.c32(b, 256));
}

void PingpongSchedule::startRing(OpBuilder &b) {
  InlineProducerSchedule::startRing(b);
  // Warpgroup 0 takes the first turn.
  Location loc = L.fn.getLoc();
  L.ifThen(b, loc,
           arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, L.wgIdx,
                                 WgmmaLowering::cIdx(b, 1)),
           [&](OpBuilder &b) { passTurn(b, WgmmaLowering::cIdx(b, 0)); });
}

void PingpongSchedule::beforeProducts(OpBuilder &b) { takeTurn(b); }

void PingpongSchedule::afterProducts(OpBuilder &b) {
  passTurn(b, arith::SubIOp::create(b, L.fn.getLoc(), WgmmaLowering::cIdx(b, 1), L.wgIdx));
}

void PingpongSchedule::afterKVLoops(OpBuilder &b) {
  // Warpgroup 1's last turn passed to warpgroup 0 is taken here, so that no
  // named barrier is left half-arrived.
  Location loc = L.fn.getLoc();
  L.ifThen(b, loc,
           arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, L.wgIdx,
                                 WgmmaLowering::cIdx(b, 0)),
           [&](OpBuilder &b) { takeTurn(b); });
}

} // namespace hopper
} // namespace faattn
