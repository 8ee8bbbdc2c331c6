//===- Passes.td - faattn's passes -------------------------*- tablegen -*-===//
#ifndef FAATTN_TRANSFORMS_PASSES_TD
#define FAATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FAAttnTile : Pass<"faattn-tile", "::mlir::func::FuncOp"> {
  let summary = "Choose the block sizes (block_m x block_n) of every attention op";
  let description = [{
    Sets `tile = array<i64: block_m, block_n>` on each `faattn.attention`: the
    spec's `tile = MxN` when it gave one, otherwise the default for the head
    dim and the function's `faattn.target` (sm_90a or sm_80). The grid is
    (batch, head, ceil(seq_q / block_m)); each CTA walks the KV sequence in
    blocks of block_n.
  }];
}

def FAAttnMaskAnalysis : Pass<"faattn-mask-analysis", "::mlir::func::FuncOp"> {
  let summary = "Classify (q-block, kv-block) pairs as empty, partial or full";
  let description = [{
    Interval analysis of the mask region over the index ranges of a block:
    a block whose mask is false everywhere is empty (never visited), true
    everywhere is full (no mask code), anything else partial. Params (data
    dependent masks such as document ids) are unknown, so blocks that depend
    on them are partial. For the reference shape in the function's
    `faattn.reference_shape = array<i64: seq_q, seq_kv>` the pass records
    `block_counts = {empty, partial, full}` on the op. Needs `tile`.
  }];
}

#endif // FAATTN_TRANSFORMS_PASSES_TD
