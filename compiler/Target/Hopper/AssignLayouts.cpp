//===- AssignLayouts.cpp - faattn-assign-layouts ---------------------------===//
//
// Chooses, for sm_90a kernels, where each tile of a CTA lives and how its
// elements map to threads, and records it as the tile type's encoding:
//
//   Q tile (tile_load, left operand of Q K^T)   #faattn.smem<swizzle, stages = 1>
//   K, V tiles (tile_load, right dot operands)  #faattn.smem<swizzle, stages = S>
//     (S: the function's faattn.stages, the spec's `stages`; default 2)
//   S, P, the O accumulator, row max / sum,
//   LSE (f32, block_m rows)                     #faattn.wgmma_acc<warpgroups = block_m / 64>
//   P in 16 bits (left operand of P V)          #faattn.wgmma_a<warpgroups = ...>
//   O in 16 bits (stored)                       #faattn.smem<swizzle, stages = 1> (epilogue)
//
// The swizzle is the largest of 128, 64 and 32 bytes that divides a row.
// Only for sm_90a grids whose block_m is a multiple of 64 (one consumer
// warpgroup per 64 rows, at most 4); other kernels keep plain tiles. The
// CPU and SIMT lowerings ignore encodings; the wgmma/TMA lowering uses them.
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Target/Passes.h"
#include "faattn/Target/Hopper/ResourcePlan.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNASSIGNLAYOUTS
#include "faattn/Target/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

enum class Role { Other, DotLhs, DotRhs };

Role roleOf(Value v) {
  bool lhs = false, rhs = false, other = false;
  for (OpOperand &use : v.getUses()) {
    if (auto dot = dyn_cast<TileDotOp>(use.getOwner())) {
      (use.getOperandNumber() == 0 ? lhs : rhs) = true;
    } else {
      other = true;
    }
  }
  if (rhs && !lhs && !other)
    return Role::DotRhs;
  if (lhs && !rhs && !other)
    return Role::DotLhs;
  return Role::Other;
}

int64_t swizzleFor(TileType t) {
  return hopper::swizzleForRow(t.getShape()[1] * t.getElementType().getIntOrFloatBitWidth() / 8);
}

struct AssignLayoutsPass : impl::FAAttnAssignLayoutsBase<AssignLayoutsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    auto target = fn->getAttrOfType<StringAttr>(FAAttnDialect::getTargetAttrName());
    if (target && target.getValue() != "sm_90a")
      return;
    // K/V ring depth: the spec's `stages`, else 2 (faattn-tiles-to-wgmma
    // lowers it when shared memory cannot hold it).
    int64_t stages = 2;
    if (auto s = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getStagesAttrName()))
      stages = s.getInt();
    fn.walk([&](scf::ForallOp grid) {
      if (grid->hasAttr(FAAttnDialect::getGridAttrName()))
        assign(grid, stages);
    });
  }

  void assign(scf::ForallOp grid, int64_t stages) {
    int64_t rows = 0;
    grid.walk([&](TileLoadOp load) {
      if (!rows && roleOf(load) == Role::DotLhs)
        rows = load.getType().getShape()[0];
    });
    if (rows <= 0 || rows % 64 != 0 || rows / 64 > 4)
      return; // not a wgmma-shaped CTA
    MLIRContext *ctx = grid.getContext();
    int64_t wg = rows / 64;
    auto encode = [&](Value v) {
      auto t = dyn_cast<TileType>(v.getType());
      if (!t || t.getEncoding())
        return;
      Attribute enc;
      bool isLoad = v.getDefiningOp<TileLoadOp>() != nullptr;
      Role role = roleOf(v);
      unsigned bits = t.getElementType().getIntOrFloatBitWidth();
      if (isLoad && role == Role::DotRhs)
        enc = SharedLayoutAttr::get(ctx, swizzleFor(t), stages);
      else if (isLoad && role == Role::DotLhs)
        enc = SharedLayoutAttr::get(ctx, swizzleFor(t), 1);
      else if (t.getShape()[0] != rows)
        return; // not a per-row tile of this CTA
      else if (t.getElementType().isF32())
        enc = WgmmaAccLayoutAttr::get(ctx, wg);
      else if (bits == 16 && role == Role::DotLhs)
        enc = WgmmaOperandALayoutAttr::get(ctx, wg);
      else
        enc = SharedLayoutAttr::get(ctx, swizzleFor(t), 1); // the O epilogue
      v.setType(TileType::get(ctx, t.getShape(), t.getElementType(), enc));
    };
    grid.walk([&](Operation *op) {
      for (Value r : op->getResults())
        encode(r);
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            encode(arg);
    });
  }
};

} // namespace
} // namespace faattn
