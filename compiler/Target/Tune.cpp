//===- Tune.cpp - faattn-tune: the per-target tuning table -----------------===//
//
// What was measured to be fastest, per target, written as attributes that
// the passes after it only read (faattn-tile materializes the block sizes,
// the wgmma lowering takes the tile order, compileForGpu the long-KV build):
//
//   sm_90a (Hopper)   block sizes by head dim (FA3's, block_m 128; 64 for
//                     decode), 128x176 for plain head dim 128, 128x96 for
//                     plain head dim 80; L2-section tile order for the
//                     plain kernels; the long-KV build (cooperative +
//                     softmax overlap) of the plain head dim 256, causal
//                     head dim 128 and plain head dim 112 kernels, launched
//                     where the cost model below puts it ahead (step 68);
//                     the cooperative schedule for e4m3 Q, K and V (step 57)
//   sm_80 (Ampere)    FlashAttention-2's block sizes
//   every target      decode packs the query heads of a GQA group into a
//                     CTA's rows (head_group, step 28)
//
// Each entry names the docs/PERFORMANCE.md step that measured it. A new
// target or a new tuning decision goes here, not into faattn-tile.
//
//===----------------------------------------------------------------------===//
#include "faattn/Analysis/AttentionRegions.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Target/Passes.h"
#include "faattn/Transforms/TileSequence.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <numeric>

namespace faattn {
#define GEN_PASS_DEF_FAATTNTUNE
#include "faattn/Target/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// A dense forward kernel of the sm_90a tensor-core path with the plain
/// score, no mask or the causal one, Q/K/V in 16 bits, the default schedule
/// and grid: the kernels the tuned defaults below were measured on
/// (docs/PERFORMANCE.md, step 18).
bool isPlainHopperForward(AttentionOp op, StringRef target) {
  auto fn = op->getParentOfType<func::FuncOp>();
  auto order = fn ? fn->getAttrOfType<StringAttr>(FAAttnDialect::getLoopOrderAttrName()) : StringAttr();
  if (fn && (fn->hasAttr(FAAttnDialect::getScheduleAttrName()) || fn->hasAttr(FAAttnDialect::getLaunchGridAttrName()) ||
             (order && order.getValue() != "q-outer")))
    return false;
  auto elt = cast<MemRefType>(op.getQ().getType()).getElementType();
  auto kvElt = cast<MemRefType>(op.getK().getType()).getElementType(); // kv_dtype's
  return target == "sm_90a" && op.getMode() == Mode::forward && !op.getVarlen() &&
         !op.getPagedKvPage() && (elt.isBF16() || elt.isF16()) && kvElt == elt &&
         isIdentityScore(op) &&
         (!op.hasMask() || isCausalMask(op));
}

/// The build choice's cost model (docs/PERFORMANCE.md step 68, fitted to a
/// sweep of both builds on the H200): with n = ceil(seq_kv / block_n) KV
/// blocks a tile and w = tiles / SMs waves of the launch (tiles = batch x
/// heads x ceil(seq_q / block_m)), the long-KV build's time relative to the
/// main one's went as
///   ln(t_main / t_long) = a + 0.0535 (log2 n - log2 min(w, 16))
/// (rms 0.042 over 80 timings of four kernels): the softmax overlap pays off
/// with more KV blocks a tile, and the main build's two consumer warpgroups
/// fill the SMs better the more waves there are (no trend measured past 16
/// waves, so w is capped there). So the long build is launched where
/// n >= R x min(w, 16), R = 2^(-a / 0.0535) per kernel class
/// (longKVBlocksPerWave), and seq_kv >= kLongKVFrom, the shortest length
/// measured. Cache entries keep both (the kernel ABI's min_seq_kv and
/// min_kv_blocks_per_wave); a change changes the kernels' metadata, not
/// their PTX.
constexpr int64_t kLongKVFrom = 1024;

/// R of the cost model above for a kernel that has a long-KV build (head
/// dims d x d): causal 128 2.5 (fitted 2.54), head dim 256 6.5 (the plain
/// kernel's fit 6.47; the causal one's step 21 timings agree: long at 4k
/// tokens a sequence, 7.75 waves, main at 2k), plain 112 1.0 (fitted 0.79).
/// Within the sweep the model's choice is within 0.5% of the better build's
/// time on the geometric mean (the threshold seq_kv >= 4096 it replaces:
/// 1.6-5.5%).
double longKVBlocksPerWave(int64_t d) {
  if (d == 256)
    return 6.5;
  if (d == 128)
    return 2.5;
  return 1.0;
}

/// Default (block_m, block_n) per target and head dim. sm_90a: block_m a
/// multiple of the 64-row wgmma M, block_n bounded by the registers the S and
/// O accumulators take, as in FlashAttention-3, but block_m 128 (two
/// warpgroups, 255 registers a thread) rather than FA3's 192 for d <= 64:
/// faattn-tiles-to-wgmma keeps every tile in registers and three warpgroups
/// (168 registers a thread) spill with a score or mask of any size. Head dim
/// 128 without a mask takes FA3's block_n = 176 (measured 9-17% faster than
/// 128 on an H200, docs/PERFORMANCE.md step 18); with a mask 128 (FA3's too:
/// 176 under the causal mask measured 10% slower at 1k, even at 4k and 16k).
/// sm_80 follows FlashAttention-2's.
std::pair<int64_t, int64_t> defaultTile(AttentionOp op, StringRef target, bool pad) {
  // The head dims the tiles will have (a padded kernel's: faattn-tile's pad-head-dims).
  auto [tileQK, tileV] = tileHeadDims(op, pad);
  int64_t headDim = std::max(tileQK, tileV);
  if (target == "sm_80") {
    if (headDim <= 64)
      return {128, 128};
    if (headDim <= 128)
      return {128, 64};
    return {64, 64};
  }
  // Decode (split-KV, a few query rows): 64-row Q tiles, one warpgroup; the
  // 128-row tile computes twice the rows for nothing (measured 7-9% slower at
  // batch 1 x 131k and 64 x 8k keys, GQA 32:8, head dim 128: step 27).
  int64_t bm = op.getMode() == Mode::decode ? 64 : 128;
  if (headDim <= 128) {
    bool plain = isPlainHopperForward(op, target) && !op.hasMask() && tileQK == tileV;
    if (plain && headDim == 80) // 17% faster than 128x128 at 16k (step 27)
      return {128, 96};
    bool wide = plain && headDim == 128;
    return {bm, wide ? 176 : 128};
  }
  if (headDim <= 192)
    return {bm, 96};
  // e4m3 Q, K, V at head dim 256: block_n 64, a multiple of the FP8 wgmma's
  // 32-key k-steps whose two ring stages, V's transposed stages and O fit in
  // shared memory (192 KiB; 80 is not a multiple of 32, 96 needs 240 KiB).
  if (isa<Float8E4M3FNType>(cast<MemRefType>(op.getQ().getType()).getElementType()))
    return {bm, 64};
  return {bm, 80};
}

struct TunePass : impl::FAAttnTuneBase<TunePass> {
  using FAAttnTuneBase::FAAttnTuneBase;
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    auto target = fn->getAttrOfType<StringAttr>(FAAttnDialect::getTargetAttrName());
    StringRef t = target ? target.getValue() : StringRef("sm_90a");
    if (t != "sm_90a" && t != "sm_80") {
      fn.emitError() << "unknown faattn.target '" << t << "' (expected sm_90a or sm_80)";
      return signalPassFailure();
    }
    SmallVector<AttentionOp> ops;
    fn.walk([&](AttentionOp op) { ops.push_back(op); });
    // overlap = auto: a shape-dependent choice. Cooperative warp
    // specialization with block j - 1's P V under block j's softmax
    // (faattn-overlap-softmax) was measured 9-13% faster at 16k tokens for the
    // plain head dim 256 and causal head dim 128 kernels with their default
    // tiles, and 16-21% slower at 1k (docs/PERFORMANCE.md steps 20-21); 11%
    // faster for the plain head dim 112 kernel without a mask at 16k (step
    // 27). Such a function is marked faattn.long_kv_alternative = the
    // shortest KV sequence the other build is launched for and
    // faattn.long_kv_blocks_per_wave = the cost model's R (above: the launch's
    // KV blocks a tile against its waves, step 68); the compiler builds it again
    // with long-kv, which gives it the two keys (set before the choices below,
    // which then see a kernel with a schedule: heavy first; the tiles stay the
    // defaults of these head dims), and the runtime picks one of the two at
    // each launch. Only the measured kernels: no tuning key of the spec's
    // (tile, stages, tile_order, overlap; schedule and grid make a kernel not
    // plain) — `stages = 1`, for one, has no ring for the rotated loops.
    auto longKVWins = [&](AttentionOp op) {
      auto [d, dv] = tileHeadDims(op, padHeadDims);
      return isPlainHopperForward(op, t) && !op.getTile() && d == dv &&
             (d == 256 || (d == 128 && isCausalMask(op)) || (d == 112 && !op.hasMask()));
    };
    bool tuned = fn->hasAttr(FAAttnDialect::getOverlapAttrName()) || fn->hasAttr(FAAttnDialect::getStagesAttrName()) ||
                 fn->hasAttr(FAAttnDialect::getTileOrderAttrName());
    if (!ops.empty() && !tuned && llvm::all_of(ops, longKVWins)) {
      MLIRContext *ctx = fn.getContext();
      if (longKV) {
        fn->setAttr(FAAttnDialect::getScheduleAttrName(), StringAttr::get(ctx, "cooperative"));
        fn->setAttr(FAAttnDialect::getOverlapAttrName(), StringAttr::get(ctx, "softmax"));
      } else {
        fn->setAttr(FAAttnDialect::getLongKvAlternativeAttrName(),
                    IntegerAttr::get(IntegerType::get(ctx, 64), kLongKVFrom));
        int64_t d = tileHeadDims(ops.front(), padHeadDims).first;
        fn->setAttr(FAAttnDialect::getLongKvBlocksPerWaveAttrName(),
                    FloatAttr::get(Float64Type::get(ctx), longKVBlocksPerWave(d)));
      }
    }
    // schedule = auto for e4m3 Q, K and V: cooperative (the producer
    // warpgroup transposes V for the FP8 wgmma, the consumers' loop has no
    // barrier between them), measured 1.02-1.43x the inline producer's speed
    // at every cell timed, head dims 64-256, 1k-16k, causal or not
    // (docs/PERFORMANCE.md step 57). Not for a persistent grid (the inline
    // producer's only) nor decode (split-KV grids stay SIMT in e4m3).
    auto e4m3Forward = [&](AttentionOp op) {
      auto isE4M3 = [](Value m) {
        return isa<Float8E4M3FNType>(cast<MemRefType>(m.getType()).getElementType());
      };
      return t == "sm_90a" && op.getMode() == Mode::forward && isE4M3(op.getQ()) &&
             isE4M3(op.getK());
    };
    if (!ops.empty() && !fn->hasAttr(FAAttnDialect::getScheduleAttrName()) &&
        !fn->hasAttr(FAAttnDialect::getLaunchGridAttrName()) && llvm::all_of(ops, e4m3Forward))
      fn->setAttr(FAAttnDialect::getScheduleAttrName(),
                  StringAttr::get(fn.getContext(), "cooperative"));
    // tile_order = auto: L2 sections for the plain kernels of the default
    // grid (measured faster there, slower for the window, ALiBi and document
    // kernels: docs/PERFORMANCE.md steps 17-18); heavy first otherwise. The
    // order is the function's: every attention op in it must be plain.
    if (!ops.empty() && !fn->hasAttr(FAAttnDialect::getTileOrderAttrName()) &&
        llvm::all_of(ops, [&](AttentionOp op) { return isPlainHopperForward(op, t); }))
      fn->setAttr(FAAttnDialect::getTileOrderAttrName(), StringAttr::get(fn.getContext(), "l2_sections"));
    auto order = fn->getAttrOfType<StringAttr>(FAAttnDialect::getLoopOrderAttrName());
    bool qOuter = !order || order.getValue() == "q-outer";
    for (AttentionOp op : ops) {
      if (!op.getTile()) { // else: the spec's `tile = MxN` override
        auto [m, n] = defaultTile(op, t, padHeadDims);
        op.setTile(ArrayRef<int64_t>{m, n});
      }
      // GQA packing for decode (docs/PERFORMANCE.md step 28): a CTA takes G
      // query heads of a KV group, block_m / G rows each, G = gcd(group,
      // block_m): each K/V block is read once per group instead of once per
      // query head, and at seq_q 1 a 64-row tile has G useful rows, not 1.
      // varlen decode too: a tile row's sequence row is then past its
      // sequence's packed start (TileAddressing adds the offset after the
      // head-group split). Not for the CPU path's kv-outer order (its row
      // state is per query head).
      if (op.getMode() == Mode::decode && !op.getHeadGroup() && qOuter) {
        int64_t g = std::gcd(op.getGroupSize(), (*op.getTile())[0]);
        if (g > 1)
          op.setHeadGroup(static_cast<uint64_t>(g));
      }
    }
  }
};

} // namespace
} // namespace faattn
