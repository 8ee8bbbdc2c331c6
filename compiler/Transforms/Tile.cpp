//===- Tile.cpp - faattn-tile: block sizes of every attention op ----------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNTILE
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// Default (block_m, block_n) per target and head dim. sm_90a follows the
/// shapes FlashAttention-3 uses for its wgmma kernels (block_m a multiple of
/// the 64-row wgmma M, block_n bounded by the registers the S and O
/// accumulators take); sm_80 follows FlashAttention-2's.
std::pair<int64_t, int64_t> defaultTile(StringRef target, int64_t headDim) {
  if (target == "sm_80") {
    if (headDim <= 64)
      return {128, 128};
    if (headDim <= 128)
      return {128, 64};
    return {64, 64};
  }
  if (headDim <= 64)
    return {192, 128};
  if (headDim <= 128)
    return {128, 128};
  if (headDim <= 192)
    return {128, 96};
  return {128, 80};
}

struct TilePass : impl::FAAttnTileBase<TilePass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    auto target = fn->getAttrOfType<StringAttr>("faattn.target");
    StringRef t = target ? target.getValue() : StringRef("sm_90a");
    if (t != "sm_90a" && t != "sm_80") {
      fn.emitError() << "unknown faattn.target '" << t << "' (expected sm_90a or sm_80)";
      return signalPassFailure();
    }
    fn.walk([&](AttentionOp op) {
      if (op.getTile())
        return; // the spec's `tile = MxN` override
      auto [m, n] = defaultTile(t, std::max(op.getHeadDimQK(), op.getHeadDimV()));
      op.setTile(ArrayRef<int64_t>{m, n});
    });
  }
};

} // namespace
} // namespace faattn
