//===- Passes.td - faattn's target passes -------------------*- tablegen -*-===//
//
// The passes that decide for a target: faattn-tune (the tuning table: block
// sizes, tile order, the long-KV build) and faattn-assign-layouts (Hopper:
// the tiles' layout encodings). The target-independent passes are in
// faattn/Transforms/Passes.td, the conversions in faattn/Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TARGET_PASSES_TD
#define FAATTN_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def FAAttnTune : Pass<"faattn-tune", "::mlir::func::FuncOp"> {
  let summary = "The per-target tuning table: block sizes, tile order, the long-KV build";
  let description = [{
    Writes what faattn-tile and the lowerings then only read, from the
    per-target table in compiler/Target/Tune.cpp (the measurements behind
    each entry are in docs/PERFORMANCE.md):
      * `tile = array<i64: block_m, block_n>` on each `faattn.attention`
        without the spec's `tile`: by the function's `faattn.target` (sm_90a
        or sm_80) and head dim (128x176 for a plain sm_90a kernel of head
        dim 128 without a mask);
      * for `tile_order = auto` (no `faattn.tile_order`) on a plain kernel
        (sm_90a, forward, dense, 16-bit, the score unchanged, no mask or
        exactly q_idx >= kv_idx, the default schedule and grid)
        `faattn.tile_order = "l2_sections"`; the others keep none (heavy
        first);
      * `overlap = auto` (no `faattn.overlap`): the plain kernels at head dims
        256 and 112 and the causal ones at 128 and 256 (default tiles, no
        `faattn.stages` or `faattn.tile_order`) get
        `faattn.long_kv_alternative = N`, the shortest KV sequence a second
        build may be launched for, and `faattn.long_kv_blocks_per_wave = R`,
        the cost model's ratio (the runtime launches that build where the
        launch's KV blocks a tile reach R x its waves over the SMs, waves
        capped at 16; plain 112 1.0, causal 128 2.5, head dim 256 6.5,
        docs/PERFORMANCE.md step 68); with `long-kv` the pass makes that
        build instead, marking the function `faattn.schedule = "cooperative"`
        and `faattn.overlap = "softmax"` (which then takes its tiles heavy
        first).
    An unknown `faattn.target` is an error.
  }];
  let options = [
    Option<"longKV", "long-kv", "bool", /*default=*/"false",
           "Build the long-KV alternative of the functions that have one">,
    Option<"padHeadDims", "pad-head-dims", "bool", /*default=*/"false",
           "Judge the head dims as faattn-tile's pad-head-dims will tile them (a padded "
           "72 takes 80's tiles, a padded 104 112's long-KV build)">
  ];
}
def FAAttnAssignLayouts : Pass<"faattn-assign-layouts", "::mlir::func::FuncOp"> {
  let summary = "sm_90a: choose each tile's home and thread mapping (wgmma fragments, swizzled smem)";
  let description = [{
    Sets the encoding of every tile of an sm_90a grid whose block_m is a
    multiple of 64: Q, K and V tiles in 128-byte-swizzled shared memory (K and
    V in a 2-stage ring), S, P, the accumulator and the row statistics as
    wgmma accumulator fragments (one warpgroup per 64 rows), P in 16 bits as
    the register A operand of the P V product, the 16-bit O in shared memory
    for the epilogue. Other targets and shapes are left alone. Runs after
    faattn-online-softmax.
  }];
}

#endif // FAATTN_TARGET_PASSES_TD
