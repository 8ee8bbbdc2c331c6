//===- Pingpong.cpp - template: schedule pingpong --------------------------===//
//
// Schedule "pingpong" (spec `schedule = pingpong`; block_m 128, two consumer
// warpgroups, the TMA pipeline, inline producer): the two warpgroups take
// turns at the tensor cores, so that one's products run under the other's
// softmax (FA3's intra-warpgroup-pair overlap).
//
// Barriers. Named barrier 1 + g (256 threads) is warpgroup g's turn: before
// issuing its products of an iteration warpgroup g waits on it (its 128
// threads; takeTurn), the other warpgroup's 128 arrive on it after issuing
// theirs (passTurn). Phases: warpgroup 1 passes the first turn to warpgroup
// 0 before the first KV loop (prologue); after the last KV loop warpgroup 0
// takes the turn warpgroup 1 passed last, so that no named barrier is left
// half-arrived. A rotated loop's turn covers both of its products.
//
// Needs from the plan: bm == 128 and the TMA pipeline.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

void WgmmaLowering::takeTurn(OpBuilder &b) {
  Location loc = fn.getLoc();
  Value id = i32(b, arith::AddIOp::create(b, loc, wgIdx, cIdx(b, 1)));
  NVVM::BarrierOp::create(b, loc, TypeRange{}, id, c32(b, 256), {}, Value());
}

void WgmmaLowering::passTurn(OpBuilder &b, Value otherWg) {
  Location loc = fn.getLoc();
  Value id = i32(b, arith::AddIOp::create(b, loc, otherWg, cIdx(b, 1)));
  NVVM::BarrierArriveOp::create(b, loc, id, c32(b, 256));
}

Value WgmmaLowering::otherWarpgroup(OpBuilder &b) {
  return arith::SubIOp::create(b, fn.getLoc(), cIdx(b, 1), wgIdx);
}

} // namespace hopper
} // namespace faattn
