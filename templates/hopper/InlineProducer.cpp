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
// index is known (speculateHead, under the block scan); if the head loop's
// early iteration does not run, drainHead waits it out and releases it.
//
// Needs from the plan: stages, rotated, head / headBlock / headLo.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

void WgmmaLowering::speculateHead(OpBuilder &b) {
  if (!p.head || warpSpec || headIssued)
    return;
  headIssued = true;
  ifThen(b, fn.getLoc(), producer,
         [&](OpBuilder &b) { issueKV(b, cIdx(b, 0), p.headBlock); });
}

void WgmmaLowering::issueAhead(OpBuilder &b, Value seq) {
  Location loc = fn.getLoc();
  Value ahead = arith::AddIOp::create(b, loc, seq, cIdx(b, p.stages - 1));
  Value go = arith::AndIOp::create(
      b, loc, producer, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, ahead, kvCount));
  if (p.head && p.stages == 1)
    go = arith::AndIOp::create(
        b, loc, go, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, ahead, cIdx(b, 0)));
  if (!p.rotated) {
    ifThen(b, loc, go, [&](OpBuilder &b) { issueKV(b, ahead, blockOf(b, ahead)); });
    return;
  }
  ifThen(b, loc, go, [&](OpBuilder &b) {
    issueKV(b, ahead, blockOf(b, ahead), /*withK=*/true, /*withV=*/false);
  });
  // Blocks [0, stages - 1) were started whole by the prologue.
  Value behind = arith::AddIOp::create(b, loc, seq, cIdx(b, p.stages - 2));
  Value goV = arith::AndIOp::create(
      b, loc,
      arith::AndIOp::create(
          b, loc, producer,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, seq, cIdx(b, 1))),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, behind, kvCount));
  ifThen(b, loc, goV, [&](OpBuilder &b) {
    issueKV(b, behind, blockOf(b, behind), /*withK=*/false, /*withV=*/true);
  });
}

void WgmmaLowering::drainHead(OpBuilder &b) {
  Location loc = fn.getLoc();
  Value missed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                       p.head.getLowerBound(), p.headLo);
  ifThen(b, loc, missed, [&](OpBuilder &b) {
    if (!warpSpec)
      issueAhead(b, cIdx(b, 0));
    // Ring block 0: stage 0, phase 0 (a persistent grid: where the ring
    // stands after the CTA's earlier tiles).
    auto stage0 = [&](OpBuilder &b) { return ringBase ? stageOf(b, ringBase) : cIdx(b, 0); };
    auto phase0 = [&](OpBuilder &b) { return ringBase ? parityOf(b, ringBase) : c32(b, 0); };
    Value s = stage0(b);
    wait(b, fullK(b, s), phase0(b));
    wait(b, fullV(b, stage0(b)), phase0(b));
    NVVM::SyncWarpOp::create(b, loc, c32(b, -1));
    ifThen(b, loc, laneLeader, [&](OpBuilder &b) {
      NVVM::MBarrierArriveOp::create(b, loc, Type(), empty(b, stage0(b)), Value(),
                                     NVVM::MemScopeKindAttr(), BoolAttr());
    });
    if (p.rotated)
      release(b, emptyV(b, stage0(b)));
  });
}

} // namespace hopper
} // namespace faattn
