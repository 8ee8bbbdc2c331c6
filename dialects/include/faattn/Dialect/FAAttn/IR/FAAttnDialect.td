//===- FAAttnDialect.td - The faattn dialect ---------------*- tablegen -*-===//
#ifndef FAATTN_DIALECT_TD
#define FAATTN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def FAAttn_Dialect : Dialect {
  let name = "faattn";
  let cppNamespace = "::faattn";
  let summary = "Attention kernels: the spec-level op and the tile-level algorithm";
  let description = [{
    `faattn.attention` is one attention variant as the user wrote it: Q, K, V,
    the output, extra params, and the score modification and mask as regions.
    Algorithm passes rewrite it into tile-level ops on `!faattn.tile` values.
  }];
  let extraClassDeclaration = [{
    // The discardable attributes faattn's passes and tools put on and read
    // from ops of other dialects (func.func, gpu.func, scf loops), named
    // here once, as NVVMDialect::getKernelFuncAttrName() names nvvm.kernel.
    /// `faattn.kernel`: on a kernel's func.func: made by the frontend from a spec kernel.
    static constexpr ::llvm::StringLiteral getKernelAttrName() {
      return ::llvm::StringLiteral("faattn.kernel");
    }
    /// `faattn.spec_hash`: on a kernel's func.func: the spec's content hash.
    static constexpr ::llvm::StringLiteral getSpecHashAttrName() {
      return ::llvm::StringLiteral("faattn.spec_hash");
    }
    /// `faattn.target`: on a kernel's func.func: the target (sm_90a, sm_80).
    static constexpr ::llvm::StringLiteral getTargetAttrName() {
      return ::llvm::StringLiteral("faattn.target");
    }
    /// `faattn.schedule`: the warpgroup schedule asked for (func.func) or got (gpu.func).
    static constexpr ::llvm::StringLiteral getScheduleAttrName() {
      return ::llvm::StringLiteral("faattn.schedule");
    }
    /// `faattn.launch_grid`: on a kernel's func.func: the spec's grid (persistent).
    static constexpr ::llvm::StringLiteral getLaunchGridAttrName() {
      return ::llvm::StringLiteral("faattn.launch_grid");
    }
    /// `faattn.tile_order`: the tiles' order: asked for (func.func) or got (gpu.func).
    static constexpr ::llvm::StringLiteral getTileOrderAttrName() {
      return ::llvm::StringLiteral("faattn.tile_order");
    }
    /// `faattn.overlap`: softmax overlap (faattn-overlap-softmax): asked for or got.
    static constexpr ::llvm::StringLiteral getOverlapAttrName() {
      return ::llvm::StringLiteral("faattn.overlap");
    }
    /// `faattn.stages`: the spec's K/V ring depth.
    static constexpr ::llvm::StringLiteral getStagesAttrName() {
      return ::llvm::StringLiteral("faattn.stages");
    }
    /// `faattn.loop_order`: kv-outer (FA1) or q-outer loop order.
    static constexpr ::llvm::StringLiteral getLoopOrderAttrName() {
      return ::llvm::StringLiteral("faattn.loop_order");
    }
    /// `faattn.long_kv_alternative`: the shortest seq_kv the long-KV build may be launched for.
    static constexpr ::llvm::StringLiteral getLongKvAlternativeAttrName() {
      return ::llvm::StringLiteral("faattn.long_kv_alternative");
    }
    /// `faattn.long_kv_blocks_per_wave`: the build choice's cost model (faattn-tune): the
    /// long-KV build is launched where ceil(seq_kv / block_n) >= this x min(waves, 16).
    static constexpr ::llvm::StringLiteral getLongKvBlocksPerWaveAttrName() {
      return ::llvm::StringLiteral("faattn.long_kv_blocks_per_wave");
    }
    /// `faattn.reference_shape`: the shape faattn-mask-analysis reports block counts at.
    static constexpr ::llvm::StringLiteral getReferenceShapeAttrName() {
      return ::llvm::StringLiteral("faattn.reference_shape");
    }
    /// `faattn.block_counts`: faattn-mask-analysis' empty / partial / full block counts.
    static constexpr ::llvm::StringLiteral getBlockCountsAttrName() {
      return ::llvm::StringLiteral("faattn.block_counts");
    }
    /// `faattn.grid`: on an scf.forall: a kernel grid.
    static constexpr ::llvm::StringLiteral getGridAttrName() {
      return ::llvm::StringLiteral("faattn.grid");
    }
    /// `faattn.backward_grid`: on a grid of faattn-backward-tile: its role,
    /// "pre" (D = rowsum(dO * O), the dQ accumulator zeroed), "main" (a KV
    /// block's dK, dV; dQ and the param gradients added) or "post" (dQ
    /// converted).
    static constexpr ::llvm::StringLiteral getBackwardGridAttrName() {
      return ::llvm::StringLiteral("faattn.backward_grid");
    }
    /// `faattn.q_loop`: on an scf.for of a backward main grid: the loop over
    /// Q blocks (column order: the KV block stays, the Q blocks stream).
    static constexpr ::llvm::StringLiteral getQLoopAttrName() {
      return ::llvm::StringLiteral("faattn.q_loop");
    }
    /// `faattn.decode`: on a grid: a decode grid (for faattn-split-kv).
    static constexpr ::llvm::StringLiteral getDecodeAttrName() {
      return ::llvm::StringLiteral("faattn.decode");
    }
    /// `faattn.kv_loop`: on an scf.for: a KV loop.
    static constexpr ::llvm::StringLiteral getKvLoopAttrName() {
      return ::llvm::StringLiteral("faattn.kv_loop");
    }
    /// `faattn.kv_head`: on a KV loop: faattn-kv-head's head loop.
    static constexpr ::llvm::StringLiteral getKvHeadAttrName() {
      return ::llvm::StringLiteral("faattn.kv_head");
    }
    /// `faattn.kv_outer`: on a grid: the kv-outer main grid.
    static constexpr ::llvm::StringLiteral getKvOuterAttrName() {
      return ::llvm::StringLiteral("faattn.kv_outer");
    }
    /// `faattn.kv_loop_outer`: on an scf.for: the kv-outer KV loop.
    static constexpr ::llvm::StringLiteral getKvLoopOuterAttrName() {
      return ::llvm::StringLiteral("faattn.kv_loop_outer");
    }
    /// `faattn.loop_order_init`: on a grid: the kv-outer init grid.
    static constexpr ::llvm::StringLiteral getLoopOrderInitAttrName() {
      return ::llvm::StringLiteral("faattn.loop_order_init");
    }
    /// `faattn.loop_order_final`: on a grid: the kv-outer finalize grid.
    static constexpr ::llvm::StringLiteral getLoopOrderFinalAttrName() {
      return ::llvm::StringLiteral("faattn.loop_order_final");
    }
    /// `faattn.split_kv`: on a grid: faattn-split-kv's split grid.
    static constexpr ::llvm::StringLiteral getSplitKvAttrName() {
      return ::llvm::StringLiteral("faattn.split_kv");
    }
    /// `faattn.thread_loop`: on an scf.parallel of one dimension in a
    /// grid's body: its iterations spread over the CTA's threads
    /// (faattn-split-kv's last-CTA combine).
    static constexpr ::llvm::StringLiteral getThreadLoopAttrName() {
      return ::llvm::StringLiteral("faattn.thread_loop");
    }
    /// `faattn.split_kv_combine`: on a grid: faattn-split-kv's combine grid.
    static constexpr ::llvm::StringLiteral getSplitKvCombineAttrName() {
      return ::llvm::StringLiteral("faattn.split_kv_combine");
    }
    /// `faattn.rotated`: on a KV loop: rotated by faattn-overlap-softmax.
    static constexpr ::llvm::StringLiteral getRotatedAttrName() {
      return ::llvm::StringLiteral("faattn.rotated");
    }
    /// `faattn.block_scan`: on an scf.parallel: faattn-mask-analysis' block scan.
    static constexpr ::llvm::StringLiteral getBlockScanAttrName() {
      return ::llvm::StringLiteral("faattn.block_scan");
    }
    /// `faattn.range_reduce`: on an scf.parallel: a range reduction of a scan's classifier.
    static constexpr ::llvm::StringLiteral getRangeReduceAttrName() {
      return ::llvm::StringLiteral("faattn.range_reduce");
    }
    /// `faattn.tile_loop`: on an scf.while: the persistent grid's tile loop.
    static constexpr ::llvm::StringLiteral getTileLoopAttrName() {
      return ::llvm::StringLiteral("faattn.tile_loop");
    }
    /// `faattn.mapping`: on a gpu.func: wgmma or simt.
    static constexpr ::llvm::StringLiteral getMappingAttrName() {
      return ::llvm::StringLiteral("faattn.mapping");
    }
    /// `faattn.wgmma_skipped`: on a func.func: why faattn-tiles-to-wgmma left it.
    static constexpr ::llvm::StringLiteral getWgmmaSkippedAttrName() {
      return ::llvm::StringLiteral("faattn.wgmma_skipped");
    }
    /// `faattn.tma_skipped`: on a gpu.func: why the TMA pipeline was not taken.
    static constexpr ::llvm::StringLiteral getTmaSkippedAttrName() {
      return ::llvm::StringLiteral("faattn.tma_skipped");
    }
    /// `faattn.block_m`: on a gpu.func: query rows per CTA.
    static constexpr ::llvm::StringLiteral getBlockMAttrName() {
      return ::llvm::StringLiteral("faattn.block_m");
    }
    /// `faattn.head_group`: on a gpu.func: the query heads a CTA packs (GQA
    /// packing: block_m / G rows of each; grid y counts head groups).
    static constexpr ::llvm::StringLiteral getHeadGroupAttrName() {
      return ::llvm::StringLiteral("faattn.head_group");
    }
    /// `faattn.threads`: on a gpu.func: threads per CTA.
    static constexpr ::llvm::StringLiteral getThreadsAttrName() {
      return ::llvm::StringLiteral("faattn.threads");
    }
    /// `faattn.dynamic_shared_bytes`: on a gpu.func: dynamic shared memory in bytes.
    static constexpr ::llvm::StringLiteral getDynamicSharedBytesAttrName() {
      return ::llvm::StringLiteral("faattn.dynamic_shared_bytes");
    }
    /// `faattn.persistent`: on a gpu.func: a persistent grid (tile counter argument).
    static constexpr ::llvm::StringLiteral getPersistentAttrName() {
      return ::llvm::StringLiteral("faattn.persistent");
    }
    /// `faattn.ring_stages`: on a gpu.func: the K/V ring's depth.
    static constexpr ::llvm::StringLiteral getRingStagesAttrName() {
      return ::llvm::StringLiteral("faattn.ring_stages");
    }
    /// `faattn.tensor_maps`: on a gpu.func / llvm.func: trailing tensor-map arguments.
    static constexpr ::llvm::StringLiteral getTensorMapsAttrName() {
      return ::llvm::StringLiteral("faattn.tensor_maps");
    }
    /// `faattn.tma_block_n`: on a gpu.func: the rows of the K/V tensor maps'
    /// box (block_n, or a page's rows with paged K/V: min(page, block_n)).
    static constexpr ::llvm::StringLiteral getTmaBlockNAttrName() {
      return ::llvm::StringLiteral("faattn.tma_block_n");
    }
    /// `faattn.tma_swizzle`: on a gpu.func: the swizzle in bytes (128, 64 or
    /// 32) of the q/k and of the v/out tensor maps, as [qk, v].
    static constexpr ::llvm::StringLiteral getTmaSwizzleAttrName() {
      return ::llvm::StringLiteral("faattn.tma_swizzle");
    }
    /// `faattn.ctas_per_sm`: on a gpu.func: the resource plan's CTAs per SM.
    static constexpr ::llvm::StringLiteral getCtasPerSmAttrName() {
      return ::llvm::StringLiteral("faattn.ctas_per_sm");
    }
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect"];
}

class FAAttn_Op<string mnemonic, list<Trait> traits = []>
    : Op<FAAttn_Dialect, mnemonic, traits>;

def FAAttn_Mode : I32EnumAttr<"Mode", "attention mode", [
    I32EnumAttrCase<"forward", 0>, I32EnumAttrCase<"backward", 1>,
    I32EnumAttrCase<"decode", 2>]> {
  let cppNamespace = "::faattn";
  let genSpecializedAttr = 0;
}
def FAAttn_ModeAttr : EnumAttr<FAAttn_Dialect, FAAttn_Mode, "mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def FAAttn_Layout : I32EnumAttr<"Layout", "memory layout of Q, K, V and O", [
    I32EnumAttrCase<"bshd", 0>, I32EnumAttrCase<"bhsd", 1>]> {
  let cppNamespace = "::faattn";
  let genSpecializedAttr = 0;
}
def FAAttn_LayoutAttr : EnumAttr<FAAttn_Dialect, FAAttn_Layout, "layout"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // FAATTN_DIALECT_TD
