//===- Cooperative.cpp - template: schedule cooperative --------------------===//
//
// Schedule "cooperative" (spec `schedule = cooperative`; block_m 128, the TMA
// pipeline): FA3's producer / consumer warp specialization.
//
// Warp roles. Warpgroup 0 is the producer: it gives up registers
// (setmaxnreg.dec 24) and its thread 0 loads every KV block of the CTA into
// the ring, waiting for each stage's release. Warpgroups 1 and 2 are the
// consumers: they take registers (setmaxnreg.inc 240; 24 x 128 + 240 x 256 =
// 64512, the pool of 168 registers x 384 threads the kernel starts with,
// fixed by nvvm.minctasm = 1) and compute.
//
// Barriers and phases. The producer issues ring blocks 0 .. kvCount - 1 in
// order: for block seq it waits for empty[seq % stages] (phase of its
// previous use, only once seq >= stages), then expect-tx and TMA on K full
// and V full. The consumers wait for Q full, then per block for K full / V
// full and arrive on empty (one arrival per warp). The consumers' code is the
// else branch of the role split (run() moves it there); no CTA-wide barrier
// may follow the split (the producer never reaches it): the consumers sync
// among themselves on named barrier 3 (256 threads).
//
// Needs from the plan: warpSpecialized, stages, and a KV range known before
// the first KV loop (kvCount).
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

void CooperativeSchedule::startRing(OpBuilder &b) {
  Location loc = L.fn.getLoc();
  auto cIdx = [](OpBuilder &b, int64_t v) { return WgmmaLowering::cIdx(b, v); };
  Value isProducer =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, L.tid, cIdx(b, 128));
  L.consumerBranch = scf::IfOp::create(b, loc, isProducer, /*withElseRegion=*/true);
  OpBuilder pb = L.consumerBranch.getThenBodyBuilder();
  NVVM::SetMaxRegisterOp::create(pb, loc, 24, NVVM::SetMaxRegisterAction::decrease);
  L.ifThen(pb, loc, L.producer, [&](OpBuilder &b) {
    scf::ForOp::create(b, loc, cIdx(b, 0), L.kvCount, cIdx(b, 1), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value seq, ValueRange) {
                         L.issueKV(b, seq, L.blockOf(b, seq));
                         scf::YieldOp::create(b, loc);
                       });
  });
  OpBuilder cb = L.consumerBranch.getElseBodyBuilder();
  NVVM::SetMaxRegisterOp::create(cb, loc, 240, NVVM::SetMaxRegisterAction::increase);
  L.wait(cb, L.qFull(cb), L.qPhase(cb));
}

} // namespace hopper
} // namespace faattn
