//===- InlineProducer.cpp - template: schedule inline-producer -------------===//
//
// Schedule "inline-producer" (the default): no warp specialization; thread
// 0 of the first consumer warpgroup is also the producer.
//
// Warp roles. All block_m / 64 warpgroups compute; thread 0 additionally
// issues every TMA load (Q, then K/V ring blocks).
//
// Barriers and phases. Before the first KV loop (prologue) thread 0 starts
// ring blocks [0, stages - 1) and everyone waits for Q full. In iteration
// seq, before waiting for K full[seq % stages], thread 0 starts ring block
// seq + stages - 1 (issueAhead) once the consumers' warps released its stage
// (empty[s], phase of its previous use; only a previous block of this tile is
// waited for). Rotated loops (overlap = softmax): K of block seq + stages - 1
// and V of block seq + stages - 2, each after its own empty barrier.
//
// faattn-kv-head's head block is ring block 0, started as soon as its
// index is known (startHead, under the block scan); if the head loop's
// early iteration does not run, the mainloop's drainHead waits it out and
// releases it (and issueAhead(0) starts the block it would have).
//
// Needs from the plan: stages, rotated, head / headBlock / headLo.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

void InlineProducerSchedule::startHead(OpBuilder &b) {
  if (!L.p.head || L.headIssued)
    return;
  L.headIssued = true;
  L.ifThen(b, L.fn.getLoc(), L.producer,
           [&](OpBuilder &b) { L.issueKV(b, L.cIdx(b, 0), L.p.headBlock); });
}

void InlineProducerSchedule::startRing(OpBuilder &b) {
  Location loc = L.fn.getLoc();
  const Plan &p = L.p;
  startHead(b); // where the head's index was not known earlier
  for (int64_t i = p.head ? 1 : 0; i + 1 < p.stages; ++i) {
    Value go = arith::AndIOp::create(
        b, loc, L.producer,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, L.cIdx(b, i), L.kvCount));
    L.ifThen(b, loc, go,
             [&](OpBuilder &b) { L.issueKV(b, L.cIdx(b, i), L.blockOf(b, L.cIdx(b, i))); });
  }
  L.wait(b, L.qFull(b), L.qPhase(b));
}

void InlineProducerSchedule::issueAhead(OpBuilder &b, Value seq) {
  Location loc = L.fn.getLoc();
  const Plan &p = L.p;
  Value producer = L.producer, kvCount = L.kvCount;
  auto cIdx = [](OpBuilder &b, int64_t v) { return WgmmaLowering::cIdx(b, v); };
  Value ahead = arith::AddIOp::create(b, loc, seq, cIdx(b, p.stages - 1));
  Value go = arith::AndIOp::create(
      b, loc, producer, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, ahead, kvCount));
  if (p.head && p.stages == 1)
    go = arith::AndIOp::create(
        b, loc, go, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, ahead, cIdx(b, 0)));
  if (!p.rotated) {
    L.ifThen(b, loc, go, [&](OpBuilder &b) { L.issueKV(b, ahead, L.blockOf(b, ahead)); });
    return;
  }
  L.ifThen(b, loc, go, [&](OpBuilder &b) {
    L.issueKV(b, ahead, L.blockOf(b, ahead), /*withK=*/true, /*withV=*/false);
  });
  // Blocks [0, stages - 1) were started whole by the prologue.
  Value behind = arith::AddIOp::create(b, loc, seq, cIdx(b, p.stages - 2));
  Value goV = arith::AndIOp::create(
      b, loc,
      arith::AndIOp::create(
          b, loc, producer,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, seq, cIdx(b, 1))),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, behind, kvCount));
  L.ifThen(b, loc, goV, [&](OpBuilder &b) {
    L.issueKV(b, behind, L.blockOf(b, behind), /*withK=*/false, /*withV=*/true);
  });
}

} // namespace hopper
} // namespace faattn
