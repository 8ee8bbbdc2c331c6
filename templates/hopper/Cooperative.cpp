//===- Cooperative.cpp - template: schedule cooperative --------------------===//
//
// Schedule "cooperative" (spec `schedule = cooperative`; block_m 128, the TMA
// pipeline): FA3's producer / consumer warp specialization.
//
// Warp roles. Warpgroup 0 is the producer: it gives up registers
// (setmaxnreg.dec 24, 56 with e4m3 below) and its thread 0 loads every KV
// block of the CTA into the ring, waiting for each stage's release.
// Warpgroups 1 and 2 are the consumers: they take registers (setmaxnreg.inc
// 240, 224 with e4m3; 24 x 128 + 240 x 256 = 64512, the pool of 168
// registers x 384 threads the kernel starts with, fixed by nvvm.minctasm =
// 1) and compute. With e4m3 Q, K and V
// (WgmmaLowering::producerTransposes) the producer's warps 1-3 also
// transpose each V stage into the K-major tile P V's FP8 wgmma reads (FA3's
// in-kernel V transpose, off the consumers' path); the producer then keeps
// 56 registers and the consumers take 224 (56 x 128 + 224 x 256 = 64512;
// at 40 / 232 ptxas spilled in the transposition).
//
// Barriers and phases. The producer issues ring blocks 0 .. kvCount - 1 in
// order: for block seq it waits for empty[seq % stages] (phase of its
// previous use, only once seq >= stages), then expect-tx and TMA on K full
// and V full. The consumers wait for Q full, then per block for K full / V
// full (e4m3: transposed, below) and arrive on empty (one arrival per warp). The consumers' code is the
// else branch of the role split (run() moves it there); no CTA-wide barrier
// may follow the split (the producer never reaches it): the consumers sync
// among themselves on named barrier 3 (256 threads).
// Transposing (e4m3): for block seq, warps 1-3 wait for V full[s] (the
// block's phase), write the transposed stage, fence the writes to the async
// proxy, and each warp arrives once on transposed[s] (3 arrivals; its lanes
// synced first). The consumers wait for transposed[s] instead of V full[s]
// and release empty[s] after P V (they no longer read V's own stage). A
// stage's transposed tile is rewritten only after empty[s] of its previous
// block (the TMA that refills the stage waits for it), and V's stage is
// refilled only after empty[s], which follows this block's transposition.
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
  bool transposes = L.producerTransposes();
  NVVM::SetMaxRegisterOp::create(pb, loc, transposes ? 56 : 24,
                                 NVVM::SetMaxRegisterAction::decrease);
  L.ifThen(pb, loc, L.producer, [&](OpBuilder &b) {
    scf::ForOp::create(b, loc, cIdx(b, 0), L.kvCount, cIdx(b, 1), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value seq, ValueRange) {
                         L.issueKV(b, seq, L.blockOf(b, seq));
                         scf::YieldOp::create(b, loc);
                       });
  });
  if (transposes)
    transposeRing(pb);
  OpBuilder cb = L.consumerBranch.getElseBodyBuilder();
  NVVM::SetMaxRegisterOp::create(cb, loc, transposes ? 224 : 240,
                                 NVVM::SetMaxRegisterAction::increase);
  L.wait(cb, L.qFull(cb), L.qPhase(cb));
}

void CooperativeSchedule::transposeRing(OpBuilder &b) {
  Location loc = L.fn.getLoc();
  auto cIdx = [](OpBuilder &b, int64_t v) { return WgmmaLowering::cIdx(b, v); };
  Value transposer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, L.tid, cIdx(b, 32));
  L.ifThen(b, loc, transposer, [&](OpBuilder &b) {
    Value me = arith::SubIOp::create(b, loc, L.tid, cIdx(b, 32));
    scf::ForOp::create(
        b, loc, cIdx(b, 0), L.kvCount, cIdx(b, 1), ValueRange{},
        [&](OpBuilder &b, Location loc, Value seq, ValueRange) {
          Value g = L.globalSeq(b, seq);
          Value s = L.stageOf(b, g);
          L.wait(b, L.fullV(b, s), L.parityOf(b, g));
          // Paged or packed K/V: the block's first row, for the keys past the sequence.
          Value row0 = L.p.kvLimit ? arith::MulIOp::create(b, loc, L.blockOf(b, seq),
                                                           cIdx(b, L.p.bn)).getResult()
                                   : Value();
          L.transposeStage(b, s, me, 32 * WgmmaLowering::kTransposingWarps, row0);
          // The warp's writes, visible to the consumers' wgmma (async proxy):
          // each thread fences its own, the warp syncs, lane 0 arrives.
          NVVM::FenceProxyOp::create(
              b, loc, NVVM::ProxyKind::async_shared,
              NVVM::SharedSpaceAttr::get(b.getContext(), NVVM::SharedSpace::shared_cta));
          NVVM::SyncWarpOp::create(b, loc, L.c32(b, -1));
          L.release(b, L.transposed(b, s));
          scf::YieldOp::create(b, loc);
        });
  });
}

} // namespace hopper
} // namespace faattn
