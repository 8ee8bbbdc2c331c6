//===- TilesToWGMMA.cpp - faattn-tiles-to-wgmma: Hopper tensor cores -------===//
//
// The pass: for each kernel with one grid on sm_90a it outlines the grid to
// a gpu.func, makes the resource plan (compiler/Target/Hopper/ResourcePlan.h)
// and, when wgmma takes the kernel, lowers it with WgmmaLowering (the
// templates of templates/hopper/ and the building blocks of
// compiler/Target/Hopper/), then records what the kernel got as attributes
// of the gpu.func (block_m, threads, shared memory, schedule, ring depth,
// tensor maps) for the launch metadata. A kernel it cannot map is left to
// faattn-tiles-to-gpu with the reason in faattn.wgmma_skipped.
//
// The sm_90a forward path: each kernel's (batch, head, q-block) grid becomes
// a gpu.func of BM / 64 warpgroups (warpgroup g owns query rows [64g, 64g +
// 64)), and the tiles are mapped as the wgmma instructions want them:
//
//   * accumulator-shaped tiles (S, P, O and the Mx1 row statistics) live in
//     registers, as wgmma's m64nNk16 accumulator fragments: thread t of a
//     warpgroup (warp w = t / 32, lane l) holds, for fragment element i,
//       row = 16 w + l / 4 + 8 ((i % 4) / 2),  col = 8 (i / 4) + 2 (l % 4) + i % 2
//     (Mx1 tiles: its two rows); each such tile is one vector per thread;
//   * the TMA pipeline (dense Q/K/V blocks, any head dim that is a multiple
//     of 16): Q, K and V are copied by cp.async.bulk.tensor into shared
//     memory swizzled in 128-, 64- or 32-byte rows (the largest that divides
//     a row of the head dim: faattn-assign-layouts' encoding; the kernel
//     records both swizzles in faattn.tma_swizzle for the tensor maps), K and V into a ring of `stages` buffers with mbarrier
//     full / empty phases (thread 0 issues the loads ahead); otherwise all
//     threads copy 16-byte chunks into the canonical no-swizzle K-major
//     layout between barriers (V transposed);
//   * Q K^T is a chain of wgmma.mma_async (k = 16 each) from two
//     shared-memory descriptors; P V takes P from registers and accumulates
//     onto O * alpha;
//   * score, mask and softmax code runs on fragment elements with their own
//     (q_idx, kv_idx), what depends on neither once per tile and what
//     depends on one of them once per row or column (ElementCode); row
//     reductions finish with two quad shuffles;
//   * faattn-kv-head's head block (known before the block scan) is
//     ring block 0: thread 0 starts its K/V loads right after Q's, under
//     the scan (cooperative: the producer warpgroup, after the scan, with
//     the others); when the first KV loop does not take it (the scan found
//     another last block), it is waited out and released;
//   * the mask analysis' block scan (an scf.parallel of reductions) is
//     spread over the CTA's threads, groups of 8 lanes sharing a block when
//     its classifier reads a param over a range (faattn.range_reduce);
//   * O goes out through swizzled shared memory and a TMA store (else from
//     the fragments), LSE from the fragments;
//   * schedule = pingpong: the two warpgroups take turns at the tensor cores
//     (e4m3 Q, K and V: the consumers of a producer warpgroup, as below);
//
//   * schedule = cooperative: a producer warpgroup (setmaxnreg) issues the
//     loads, the two consumer warpgroups compute;
//   * grid = persistent: outlineGrid's tile loop, the ring and Q's phases
//     continued across tiles, the next tile from a counter in the epilogue;
//   * the tiles' order: heavy first (block id z reversed) or, with
//     tile_order = l2_sections, outlineGrid's L2 sections (GpuOutline.h);
//   * faattn-overlap-softmax's rotated KV loops (overlap = softmax, the TMA
//     pipeline with two or more stages): Q K_j^T and P V_{j-1} issued back to
//     back, each waited for before its result's first use (awaitBefore,
//     retire), K and V with empty barriers of their own, V from ring block
//     j' - seqOrigin, each loop's last product after it if the loop ran.
//
// What is not here yet: skipping the rotated loops' first product (of P = 0),
// the next tile's loads before this tile's epilogue (persistent), FP8. A
// kernel this pass cannot map (another dtype, a tile shape wgmma does not
// take) is left to faattn-tiles-to-gpu. A split-KV decode function's split
// grid is lowered here like a forward grid (block z = q-block * splits +
// split; its KV range and its stores to the workspace are the grid's own
// code); its combine grid goes on to faattn-tiles-to-gpu.
//
//===----------------------------------------------------------------------===//

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
#include "faattn/Conversion/Passes.h"
#include "llvm/ADT/StringSwitch.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNTILESTOWGMMA
#include "faattn/Conversion/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

using hopper::Plan;
using hopper::WgmmaLowering;

struct TilesToWGMMAPass : impl::FAAttnTilesToWGMMABase<TilesToWGMMAPass> {
  using impl::FAAttnTilesToWGMMABase<TilesToWGMMAPass>::FAAttnTilesToWGMMABase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    using VTranspose = Plan::VTranspose;
    std::optional<VTranspose> vTranspose =
        llvm::StringSwitch<std::optional<VTranspose>>(e4m3Transpose)
            .Case("rotated", VTranspose::Rotated)
            .Case("direct", VTranspose::Direct)
            .Case("lean", VTranspose::Lean)
            .Case("skip", VTranspose::Skip)
            .Default(std::nullopt);
    if (!vTranspose) {
      module.emitError() << "faattn-tiles-to-wgmma: e4m3-transpose must be rotated, direct, lean "
                            "or skip, not '"
                         << e4m3Transpose << "'";
      return signalPassFailure();
    }
    if (rowPartials < 1 || rowPartials > 8) {
      module.emitError() << "faattn-tiles-to-wgmma: row-partials must be 1 to 8, not "
                         << static_cast<int64_t>(rowPartials);
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> kernels;
    for (auto fn : module.getOps<func::FuncOp>())
      kernels.push_back(fn);
    for (func::FuncOp fn : kernels) {
      FailureOr<SmallVector<scf::ForallOp>> grids = kernelGrids(fn);
      if (failed(grids))
        return signalPassFailure();
      if (grids->empty())
        continue;
      // A split-KV decode function: this pass takes its split grid (a
      // forward over a KV range, partial O and LSE to the workspace), and
      // leaves the combine grid, which has no product, to faattn-tiles-to-gpu.
      // faattn-backward-tile's GPU form: its main grid is this pass's
      // (with the `backward` option), the pre and post grids faattn-tiles-to-gpu's.
      scf::ForallOp mainGrid;
      for (scf::ForallOp g : *grids)
        if (auto role = g->getAttrOfType<StringAttr>(FAAttnDialect::getBackwardGridAttrName());
            role && role.getValue() == "main")
          mainGrid = g;
      if (!mainGrid && grids->front()->hasAttr(FAAttnDialect::getBackwardGridAttrName()))
        continue; // pre and post left: faattn-tiles-to-gpu's
      // (A lone split grid: faattn-split-kv's last-cta-combine.)
      bool split = grids->front()->hasAttr(FAAttnDialect::getSplitKvAttrName()) && !mainGrid;
      auto target = fn->getAttrOfType<StringAttr>(FAAttnDialect::getTargetAttrName());
      auto skip = [&](StringRef why) {
        fn->setAttr(FAAttnDialect::getWgmmaSkippedAttrName(), StringAttr::get(fn.getContext(), why));
      };
      if (target && target.getValue() != "sm_90a") {
        skip("target is not sm_90a");
        continue;
      }
      // The plan is made on the outlined kernel (its ops are the ones lowered).
      gpu::GPUModuleOp gpuModule = kernelModule(module);
      auto schedule = fn->getAttrOfType<StringAttr>(FAAttnDialect::getScheduleAttrName());
      bool pingpong = schedule && schedule.getValue() == "pingpong";
      bool cooperative = schedule && schedule.getValue() == "cooperative";
      // grid = persistent: a CTA per SM looping over the tiles (the inline
      // producer schedule only: the spec refuses the others).
      auto launchGrid = fn->getAttrOfType<StringAttr>(FAAttnDialect::getLaunchGridAttrName());
      bool persistent = launchGrid && launchGrid.getValue() == "persistent" && !cooperative &&
                        !pingpong && !split;
      // The tiles' order: heavy first unless the spec asks for L2 sections.
      auto order = fn->getAttrOfType<StringAttr>(FAAttnDialect::getTileOrderAttrName());
      int64_t sectionTiles = order && order.getValue() == "l2_sections" && !split && !mainGrid
                                 ? hopper::l2SectionTiles(grids->front())
                                 : 0;
      scf::ForallOp grid = mainGrid ? mainGrid : grids->front();
      gpu::GPUFuncOp gfn = outlineGrid(fn, grid, kernelName(fn, grid), gpuModule,
                                       /*threads=*/0, persistent && !mainGrid, sectionTiles);
      // faattn-backward-tile's main grid: the backward template. Pingpong
      // with e4m3 Q, K and V takes a producer warpgroup, which transposes V
      // (templates/hopper/Pingpong.cpp's warp-specialized form).
      bool e4m3Pingpong =
          pingpong && e4m3 && isa<Float8E4M3FNType>(
                                  cast<MemRefType>(gfn.getArgument(0).getType()).getElementType());
      Plan plan = !mainGrid ? hopper::analyze(gfn, cooperative || e4m3Pingpong, e4m3KV, e4m3,
                                              packedTma)
                  : backward ? hopper::analyzeBackward(gfn)
                             : Plan();
      if (mainGrid && !backward)
        plan.whyNot = "the backward's main grid needs faattn-tiles-to-wgmma's backward option";
      // The last-CTA combine's arrival needs every thread of the CTA
      // (SplitKVCombine.h): not a producer warpgroup's schedule.
      if (plan.whyNot.empty() && plan.warpSpecialized &&
          gfn.walk([](SplitArriveOp) { return WalkResult::interrupt(); }).wasInterrupted())
        plan.whyNot = "a warp-specialized split grid cannot combine in its last CTA";
      plan.vTranspose = *vTranspose;
      plan.rowPartials = rowPartials;
      if (mainGrid) {
        plan.copyBatch = std::max<int64_t>(1, backwardCopyBatch);
        plan.copyAsync = backwardCopyAsync || backwardCopyPrefetch;
        plan.copyPrefetch = backwardCopyPrefetch;
        plan.dqBulk = backwardDqBulk && !backwardCopyPrefetch;
        plan.overlapProducts = backwardOverlap;
        plan.loopDescriptors = backwardLoopDescriptors;
      }
      // The backward's pre and post grids go on to faattn-tiles-to-gpu, its
      // main grid has no SIMT lowering: a refusal is an error here, with its
      // reason (the pipeline sends only kernels takesBackwardWgmma admits).
      if (mainGrid && backward && !plan.whyNot.empty() && grids->size() > 1) {
        fn.emitError() << "the tensor-core backward cannot take this kernel: " << plan.whyNot;
        gfn.erase();
        return signalPassFailure();
      }
      if (plan.invalid)
        return signalPassFailure();
      if (!plan.whyNot.empty()) {
        skip(plan.whyNot);
        gfn.erase();
        continue;
      }
      int64_t bm = plan.bm, d = plan.d, dv = plan.dv, threads = plan.threads();
      bool warpSpec = plan.warpSpecialized;
      // The last q-blocks first: under a causal mask they have the most KV
      // blocks, and starting them first shortens the grid's tail (L2
      // sections and the persistent tile loop order the tiles themselves).
      // The backward's main grid counts KV blocks, whose first ones have the
      // most Q blocks under a causal mask: heavy first as they come.
      gfn->setAttr(FAAttnDialect::getTileOrderAttrName(),
                   StringAttr::get(gfn.getContext(),
                                   sectionTiles > 0 ? "l2_sections" : "heavy_first"));
      // The backward's main grid keeps its KV blocks in launch order (z, the
      // slowest index, not reversed): the deterministic backward's turns rely
      // on lower KV blocks starting first (BackwardTile.cpp), else a CTA could
      // wait on one that never gets an SM.
      gfn.walk([&](gpu::BlockIdOp id) {
        if (id.getDimension() != gpu::Dimension::z || sectionTiles > 0 || persistent || mainGrid)
          return;
        OpBuilder rb(id);
        rb.setInsertionPointAfter(id);
        Location loc = id.getLoc();
        Value count = gpu::GridDimOp::create(rb, loc, gpu::Dimension::z);
        Value last = arith::SubIOp::create(rb, loc, count,
                                           arith::ConstantIndexOp::create(rb, loc, 1));
        auto reversed = arith::SubIOp::create(rb, loc, last, id);
        id.getResult().replaceAllUsesExcept(reversed, reversed);
      });
      std::string tmaWhyNot = plan.tmaWhyNot;
      int64_t swizzleQK = plan.swizzleQK, swizzleV = plan.swizzleV;
      // An e4m3 output (stored by threads, not through its map): the out map's
      // swizzle is one row of its dv bytes, so that the map the runtime builds is valid.
      if (isa<Float8E4M3FNType>(cast<MemRefType>(gfn.getArgument(3).getType()).getElementType()))
        swizzleV = std::min<int64_t>(128, plan.dv);
      // e4m3 K/V: their tensor maps' swizzles (rows of d / dv bytes).
      int64_t swizzleK8 = plan.oneByteKV() ? plan.swizzleK8 : 0, swizzleV8 = plan.swizzleV8;
      int64_t kvBoxRows = plan.kvBoxRows(); // block_n, or a page's rows
      OpBuilder ab(gfn);
      gfn.setKnownBlockSizeAttr(ab.getDenseI32ArrayAttr({static_cast<int32_t>(threads), 1, 1}));
      WgmmaLowering lowering(gfn, std::move(plan), pingpong);
      if (failed(lowering.run()))
        return signalPassFailure();
      lowerE4M3Truncs(gfn); // an e4m3 output's conversion
      // Fast math (faattn-fast-math, after this pass) keeps libdevice's exp2
      // for head dims up to 64 with 128-row tiles: there it fits in 128
      // registers a thread, two CTAs per SM (measured at f076142: 1.3x the
      // one-CTA kernel at 1k tokens); the approximation's shorter code lets
      // ptxas keep more exponentials in flight and takes 164.
      // (Not the backward's main grid, whose CTA of 128 keys is two
      // warpgroups of up to 255 registers: one CTA an SM.)
      if (!mainGrid && !warpSpec && d <= 64 && dv <= 64 && bm == 128)
        gfn->setAttr(FAAttnDialect::getCtasPerSmAttrName(), OpBuilder(gfn).getI64IntegerAttr(2));
      OpBuilder b(gfn);
      gfn->setAttr(FAAttnDialect::getBlockMAttrName(), b.getI64IntegerAttr(bm));
      gfn->setAttr(FAAttnDialect::getThreadsAttrName(), b.getI64IntegerAttr(threads));
      gfn->setAttr(FAAttnDialect::getDynamicSharedBytesAttrName(), b.getI64IntegerAttr(lowering.sharedBytes()));
      gfn->setAttr(FAAttnDialect::getMappingAttrName(), b.getStringAttr("wgmma"));
      gfn->setAttr(FAAttnDialect::getScheduleAttrName(), b.getStringAttr(lowering.schedule()));
      if (lowering.persistent())
        gfn->setAttr(FAAttnDialect::getPersistentAttrName(), b.getUnitAttr());
      if (lowering.stages() > 0)
        gfn->setAttr(FAAttnDialect::getRingStagesAttrName(), b.getI64IntegerAttr(lowering.stages()));
      if (lowering.overlapsSoftmax())
        gfn->setAttr(FAAttnDialect::getOverlapAttrName(), b.getStringAttr("softmax"));
      // setmaxnreg needs a register count fixed at entry: .minnctapersm 1
      // with .maxntid 384 gives 168 (without it ptxas ignores setmaxnreg
      // when the kernel needs fewer, C7508, and serializes the wgmmas).
      if (warpSpec)
        gfn->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(), b.getI32IntegerAttr(1));
      if (tmaWhyNot.empty()) {
        // Four tensor maps (q, k, v, out) after the memrefs, built at launch.
        gfn->setAttr(FAAttnDialect::getTensorMapsAttrName(), b.getI64IntegerAttr(4));
        gfn->setAttr(FAAttnDialect::getTmaBlockNAttrName(), b.getI64IntegerAttr(kvBoxRows));
        gfn->setAttr(FAAttnDialect::getTmaSwizzleAttrName(),
                     swizzleK8 ? b.getDenseI64ArrayAttr({swizzleQK, swizzleK8, swizzleV8, swizzleV})
                               : b.getDenseI64ArrayAttr({swizzleQK, swizzleV}));
      } else {
        gfn->setAttr(FAAttnDialect::getTmaSkippedAttrName(), b.getStringAttr(tmaWhyNot));
      }
      if (grids->size() > 1) // the combine grid, or the backward's pre and post, left
        grid.erase();
      else
        fn.erase();
    }
  }
};

} // namespace
} // namespace faattn
