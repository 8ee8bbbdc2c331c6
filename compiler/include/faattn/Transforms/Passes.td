//===- Passes.td - faattn's passes -------------------------*- tablegen -*-===//
#ifndef FAATTN_TRANSFORMS_PASSES_TD
#define FAATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FAAttnTile : Pass<"faattn-tile", "::mlir::func::FuncOp"> {
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
  let summary = "Materialize the grid and the KV loop of every attention op at its block sizes";
  let description = [{
    Rewrites each forward / decode `faattn.attention` into the blocked
    algorithm at the block sizes its `tile = array<i64: block_m, block_n>`
    gives (the spec's `tile = MxN`, or what faattn-tune chose): the grid is
    (batch, head, ceil(seq_q / block_m)); each CTA walks the KV sequence in
    blocks of block_n. An op without a tile is an error (faattn-tune runs
    first). Backward ops are left to faattn-backward-tile.

    With `pad-head-dims`, an op of a function for sm_90a whose Q, K and V
    are bf16 or f16 (or f32, the CPU path's storage of such a kernel) gets
    tiles whose head dims, multiples of 8, are rounded up to multiples
    of 16 (wgmma's k-step, the TMA boxes): a head dim of 40 has tiles of 48
    columns, the 8 past the tensors' read as 0 (so Q K^T and P V are
    unchanged) and never written. Other ops keep their head dims.
  }];
  let options = [
    Option<"padHeadDims", "pad-head-dims", "bool", /*default=*/"false",
           "Round 16-bit sm_90a head dims (multiples of 8) up to multiples of 16 (padded "
           "columns read 0)">
  ];
}

def FAAttnBackwardTile : Pass<"faattn-backward-tile", "::mlir::func::FuncOp"> {
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::linalg::LinalgDialect"];
  let summary = "Materialize every backward attention op as tile ops in three grids";
  let description = [{
    Rewrites each `faattn.attention` with `mode = backward` and a `grad`
    region (faattn-score-grad runs first) into FlashAttention-2's backward
    in column order, at the op's block sizes: a "pre" grid over Q blocks
    (D = rowsum(dO * O), the f32 dQ accumulator zeroed), a "main" grid over
    (batch, KV head, KV block) whose CTA keeps K and V, loops over the
    group's query heads and the Q blocks the mask does not prove empty, and
    accumulates dK and dV (tile_dot with transpose_lhs), adds dQ into the
    accumulator (tile_store accumulate) and the param gradients
    (tile_param_grad), and a "post" grid converting dQ. The grids carry
    `faattn.backward_grid`, the Q loop `faattn.q_loop`. paged_kv backward
    ops are an error.

    With `workspace-args` (the GPU's form, for faattn-tiles-to-wgmma's
    `backward`), the delta and the f32 dQ accumulator are two
    arguments appended to the function (the kernel ABI's `workspace:delta`
    and `workspace:dq`, the runtime's workspace) instead of allocations, and
    nothing is zeroed by the grids: the runtime zeroes the dQ accumulator and
    the param gradients (and under varlen dq, dk and dv), memsets at full
    bandwidth (the pre grid's row stores of zeros had cost as much as D).

    With `pad-head-dims`, the tiles' head dims are padded as faattn-tile's
    option pads them (the tensors, the dQ accumulator included, keep theirs).

    With `max-cols = N`, a head dim wider than N is done in column chunks
    (backwardColumnChunks: the fewest chunks of qk and v at most N wide, of
    multiples of 16, or 8 when a head dim is not a multiple of 16, as equal
    as that allows): the main grid's CTA keeps K and V whole and runs
    its heads and Q loops once a chunk, recomputing S, P, dP and dS (which
    read the whole head dim) and accumulating that chunk's columns of dK, dV
    and dQ (tile_columns of Q, dO and K; tile_store col0). A tensor-core
    warpgroup's accumulators then fit its registers at head dims up to 256
    (1.4x the products' FLOPs at two chunks). Param gradients are added in
    the first chunk only; the deterministic turns count KV block x chunk.
  }];
  let options = [
    Option<"workspaceArgs", "workspace-args", "bool", /*default=*/"false",
           "The delta and the dQ accumulator as function arguments; no zeroing (the runtime's)">,
    Option<"block", "block", "int64_t", /*default=*/"0",
           "Q and KV blocks of this many rows instead of the op's tile (the tensor-core "
           "backward's 64; 0: the op's)">,
    Option<"padHeadDims", "pad-head-dims", "bool", /*default=*/"false",
           "faattn-tile's pad-head-dims for the backward's tiles (16-bit sm_90a head dims "
           "that are multiples of 8 rounded up to multiples of 16)">,
    Option<"maxCols", "max-cols", "int64_t", /*default=*/"0",
           "Head dims wider than this are done in column chunks of dK, dV and dQ (0: never; "
           "the tensor-core backward's 128)">,
    Option<"blockKV", "block-kv", "int64_t", /*default=*/"0",
           "The main grid's KV blocks (a CTA's keys) of this many rows for ops without "
           "deterministic turns or column chunks (0, or such an op: `block`, else the op's; the "
           "tensor-core backward's 128, two warpgroups splitting a CTA's keys)">
  ];
}

def FAAttnScoreGrad : Pass<"faattn-score-grad", "::mlir::func::FuncOp"> {
  let summary = "Differentiate the score region of backward attention ops";
  let description = [{
    For each `faattn.attention` with `mode = backward` and no `grad` region
    yet, builds its `grad` region: the score region's code, then the
    derivatives of its value score' for one element, by reverse mode, ending
    with `faattn.grad_yield %score', %dscore params(%d -> %p[%idx] : ...)`:
    d score' / d score, and d score' / d p[idx] for every element of a param
    in the op's `requires_grad` (the spec's learnable params) that the
    region reads along a differentiable path, with the indices it is read
    at. Reads of one param at equal indices (the same values, or the same
    ops of the same values) give one entry, their sum. Forward and decode
    ops are left alone. A later backward lowering evaluates the region on
    fragments as the forward evaluates the score region: dS = P (dP - D)
    dscore, and each entry adds dS * d into its param's gradient at idx.

    Rules, PyTorch autograd's (derivatives.yaml), g the adjoint of the
    result r: addf g, g; subf g, -g; mulf g y, g x; divf g / y,
    -g (r / y); negf -g; tanh g (1 - r r); exp g r; exp2 g r ln 2;
    log g / x; absf g sgn(x) with sgn(0) = 0 (so abs'(0) = 0);
    maximumf / minimumf: the larger (smaller) operand gets g, the other 0,
    and at a tie each gets g / 2 (torch.maximum / torch.minimum); select
    (where): the taken branch gets g, the other 0, the condition nothing.
    Comparisons, i32 values and their conversions (sitofp), constants,
    indices, the mask and the params outside `requires_grad` get no
    gradient. Only values that depend on the score or a learnable param get
    code. Simplifications are exact only: x * 1 = x, x * -1 = -x, -(c) is a
    constant. Any other op on a differentiable path (e.g. math.sin written
    by hand) is an error: `faattn-score-grad cannot differentiate 'OP'`.
    Not part of the GPU pipeline yet (faattn-opt runs it).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def FAAttnMaskAnalysis : Pass<"faattn-mask-analysis", "::mlir::func::FuncOp"> {
  let summary = "Split the KV loop into masked and mask-free ranges; skip empty blocks";
  let description = [{
    Interval analysis of the mask region over a (q-block, kv-block): false
    everywhere is empty (never visited), true everywhere and inside seq_kv is
    full (runs without the tile_mask), anything else partial. Each KV loop
    becomes a scan that classifies its blocks at run time (b, h and the
    sequence lengths are then exact) and three loops over [lo, flo) masked,
    [flo, fhi) full, [fhi, hi) masked. The scan is an `scf.parallel
    {faattn.block_scan}` whose results are reductions with identity initial
    values (the wgmma path spreads it over the CTA's threads). At compile
    time params are unknown (blocks that depend on them are partial); at run
    time an i32 param read at single-valued indices is read, and one read at
    a ranged index (doc[kv_idx]) is the param's minimum and maximum over the
    range (an `scf.parallel {faattn.range_reduce}` of min and max from their
    identities, read only for the blocks the mask leaves undecided without
    it; the wgmma path spreads it over lanes). With the function attribute
    `faattn.reference_shape = array<i64: seq_q, seq_kv>` the pass also
    records `faattn.block_counts = {empty, full, partial}` for that shape on
    the grid. Runs after faattn-tile.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect"];
}

def FAAttnKVHead : Pass<"faattn-kv-head", "::mlir::func::FuncOp"> {
  let summary = "Visit the KV block of the Q block's last row first, chosen before the block scan";
  let description = [{
    For each KV loop faattn-mask-analysis split after a block scan that reads
    memory (params: doc[kv_idx], prefix[b]) into [lo, flo) masked, [flo, fhi)
    full, [fhi, hi) masked: the candidate c = the KV block holding the Q
    block's last row (clamped to the loop's blocks) is computed before the
    scan, from the Q block alone; after the scan, when the scan found c the
    last non-empty block (hit = lo < hi && hi - 1 == c), the first masked
    loop starts one iteration early, at lo - 1, and that iteration's block
    is c (`block = iv < lo ? c : iv`; the loop gets `faattn.kv_head`); the
    three ranges end at c instead of hi. The same blocks are visited, each
    once. The wgmma path starts c's K/V loads before the scan (cooperative:
    with the other blocks, after it) and waits them out on a miss. Scans
    that read nothing and loops without a scan are left alone. Runs after
    faattn-mask-analysis.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect"];
}

def FAAttnFoldRowFactors : Pass<"faattn-fold-row-factors", "::mlir::func::FuncOp"> {
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let summary = "Fold a query row's factors (q_descale, k_descale per tensor or head) into the softmax's exponent";
  let description = [{
    On the KV loops of faattn-tile: where the tile_score's region is the
    score times factors (SpecToIR's q_descale and k_descale under
    `score = score`), the factors that read neither the score nor kv_idx
    and are >= 0 or NaN by construction (the descales' guard, constants
    >= 0) move into a `rows` tile_score over an M x 1 tile built once
    before the loop; softmax_update and softmax_finalize take it as
    `row_scale` (each row's exponent factor is scale_log2 * row_scale,
    still one multiply-add a score), and the softmax scale moves into
    scale_log2 with them. Factors that read kv_idx stay in the region
    (scale 1); with none left the tile_score is removed. A factor 0 is
    taken as 2^-100 (a masked -inf score stays 0 after exp2); NaN stays.
  }];
}

def FAAttnLoopOrder : Pass<"faattn-loop-order", "::mlir::func::FuncOp"> {
  let summary = "Order the Q-block and KV-block loops (FA2 q-outer or FA1 kv-outer)";
  let description = [{
    Reads the function attribute `faattn.loop_order`: "q-outer" (the
    default, FlashAttention-2's order, as faattn-tile builds it) leaves the
    IR alone; "kv-outer" (FlashAttention-1's order, the backward's column
    order) rewrites each forward grid into an init grid, a (batch, head)
    grid with the KV loop outside and the Q-block loop inside and the
    running state in memory, and a finalize grid. Runs right after
    faattn-tile.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def FAAttnSplitKV : Pass<"faattn-split-kv", "::mlir::func::FuncOp"> {
  let summary = "Decode mode: split the KV range over CTAs and combine (Flash-Decoding)";
  let description = [{
    For each decode grid made by faattn-tile: a fourth grid dimension of
    S = min(KV blocks, max-splits) splits, each running the KV loop over its
    chunk of blocks and writing a normalized partial O and its LSE (f32) to
    a workspace; then a combine grid that merges the partials with weights
    exp(lse_s - max lse) and writes O (and LSE). Rows that no split sees
    yield 0 and -inf. Runs right after faattn-tile.

    By default the workspace is a memref.alloc and S is computed in the
    function (the CPU path). With `workspace-args` (the GPU path) the
    workspace is two arguments appended to the function, partial O
    (batch * S, seq_q, heads, dim_v) and partial LSE (batch * S, heads,
    seq_q), both f32, allocated by the runtime, which chooses S (1 to
    max-splits) from the GPU's size: the kernel reads S from the workspace's
    first dimension. The function gets `faattn.split_kv = {block_n,
    max_splits}` for the runtime. varlen decode (packed query rows): the
    workspace is (S, total_q, heads, dim_v) and (S, heads, total_q), each
    sequence's rows at their packed rows, S its first dimension, and the
    combine grid reads each sequence's rows from cu_seqlens_q as the split
    grid does.

    Balanced splits (varlen K/V, `balance` = k > 1): with S splits, S_u =
    max(S / k, 1) is the uniform batch's count, and sequence b takes n_b =
    min(S, max(floor(own_b * B * S_u / T), 1)) splits of ceil(own_b / n_b)
    KV blocks, T = ceil(total keys / block_n) from cu_seqlens_kv[B] -
    cu_seqlens_kv[0]: its share of the B * S_u CTAs a uniform batch has, by
    its length, so a sequence longer than the average takes more splits
    (up to S) and a shorter one fewer, the chunks are about equal and (the
    shares rounded down) the CTAs with work stay about B * S_u, the waves of
    the uniform batch. A uniform batch gets S_u splits a sequence, as with
    balance 1 and S_u splits; the other CTAs run no block. The combine reads
    the splits a sequence used (computed again from cu_seqlens_kv). The
    runtime launches S = k x its cost model's count (faattn.split_kv's
    `balance`).

    `balance-paged` (FAATTN_EXPERIMENTAL_PAGED_BALANCE=1): paged K/V's
    splits are balanced the same way, T the sum over the batch of each
    sequence's blocks (min(table bound, ceil(seqlens_kv[b] / block_n))), a
    loop over the sequences in every split CTA and combine CTA.

    `last-cta-combine` (issue 23 item 2's alternative; FAATTN_SPLIT_COMBINE=
    last_cta): no combine grid. After its stores of the partials every split
    CTA of a tile arrives at the tile's counter (faattn.split_arrive; an i32
    workspace (batch, heads, seq_q), packed (1, heads, total_q): with
    `workspace-args` a third argument, workspace:count, which the runtime
    zeroes, else a zeroed alloc), and the last one combines the tile's rows,
    its head group's heads x its rows, in an scf.parallel marked
    faattn.thread_loop (templates/common/SplitKVCombine.h). The function's
    faattn.split_kv gets `last_cta = 1`.
  }];
  let options = [
    Option<"maxSplits", "max-splits", "int64_t", /*default=*/"16",
           "Most CTAs one (batch, head, q-block) is split over">,
    Option<"workspaceArgs", "workspace-args", "bool", /*default=*/"false",
           "Take the workspace (and so S) as function arguments">,
    Option<"balance", "balance", "int64_t", /*default=*/"2",
           "varlen K/V: a sequence longer than the batch's average may take up to "
           "this many times the splits of a uniform batch (S = balance x the "
           "uniform count; 1: every sequence divides its own blocks by S)">,
    Option<"balancePaged", "balance-paged", "bool", /*default=*/"false",
           "Balance paged K/V too (its per-sequence lengths; experimental): each "
           "sequence's share of the splits by its own blocks, as varlen K/V's">,
    Option<"lastCtaCombine", "last-cta-combine", "bool", /*default=*/"false",
           "The last split CTA of a tile combines its partials (no combine grid)">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect"];
}

def FAAttnOnlineSoftmax : Pass<"faattn-online-softmax", "::mlir::func::FuncOp"> {
  let summary = "Decompose the online softmax into row reductions, maps and P*V";
  let description = [{
    Rewrites faattn.softmax_update into: row max, new running max, exponents
    exp2(fma(s, scale_log2, -base)) with the softmax scale folded into that
    one multiply-add, the rescale factor alpha, row sums, P converted to V's
    element type, P*V and acc' = fma(acc, alpha, PV); faattn.softmax_finalize
    into out = l > 0 ? acc / l : 0 and lse = l > 0 ? (m t + log2 l) ln 2 :
    -inf. Rows that see only masked scores yield 0 and -inf, never NaN.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

def FAAttnOverlapSoftmax : Pass<"faattn-overlap-softmax", "::mlir::func::FuncOp"> {
  let summary = "Software-pipeline the KV loops: block j - 1's P V after block j's Q K^T";
  let description = [{
    After faattn-assign-layouts, rotates each KV loop (`faattn.kv_loop`) so
    that iteration j computes O_{j-1} = fma(O_{j-2}, alpha_{j-1}, P_{j-1}
    V_{j-1}) right after S_j = Q K_j^T, before block j's softmax
    (FlashAttention-3's GEMM-softmax pipelining: the product runs on the
    tensor cores under the softmax); the loop carries alpha, P and the block
    index, starting from alpha = 1, P = 0 (the first iteration's product
    adds 0), and the last block's product follows the loop. Opt-in: the
    spec's `overlap = softmax` (with marked-only, the compiler's pipeline:
    the functions marked `faattn.overlap = "softmax"`), faattn-run --cpu
    --overlap-softmax (every kernel). faattn-tiles-to-wgmma lowers the rotated
    loops on its TMA pipeline (each product waited for before its result's
    first use); faattn-tiles-to-gpu refuses them.
  }];
  let options = [
    Option<"markedOnly", "marked-only", "bool", /*default=*/"false",
           "Only the functions marked faattn.overlap = \"softmax\" (else every one)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::math::MathDialect"];
}


#endif // FAATTN_TRANSFORMS_PASSES_TD
