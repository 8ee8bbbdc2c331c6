//===- Passes.td - faattn's conversion passes ---------------*- tablegen -*-===//
//
// The passes that lower tile-level IR to a target: the CPU path
// (faattn-tiles-to-linalg) and the GPU paths (faattn-tiles-to-wgmma on
// Hopper tensor cores with faattn-fast-math, faattn-tiles-to-gpu on CUDA
// cores, faattn-tensor-map-args after convert-gpu-to-nvvm). Each lives in
// compiler/Conversion/<Name>/, as mlir/lib/Conversion/XToY has it; the
// target-independent passes are in faattn/Transforms/Passes.td.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_CONVERSION_PASSES_TD
#define FAATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def FAAttnTilesToLinalg : Pass<"faattn-tiles-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "CPU path: tiles to tensors, tile ops to linalg and tensor ops";
  let description = [{
    Lowers the tile-level IR (after faattn-online-softmax) for execution on
    the CPU: tile values become tensors, tile ops become linalg.generic /
    linalg.fill / tensor.generate and scalar loops for stores. Upstream
    one-shot bufferization and loop lowering take it to LLVM. Score and mask
    code runs only for in-range (q_idx, kv_idx).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def FAAttnBackwardToLoops : Pass<"faattn-backward-to-loops", "::mlir::func::FuncOp"> {
  let summary = "CPU path: a backward attention op to f32 scalar loops (FA2's backward, naive)";
  let description = [{
    Lowers each `mode = backward` faattn.attention op with its gradient
    operands (dout, lse, dq, dk, dv, param_grads) and its `grad` region
    (faattn-score-grad runs first) to scf.for loops over the memrefs, in
    f32: dq, dk, dv and the param gradients are zeroed; per (batch, query
    head, query row i) with lse_i > -inf, D_i = dO_i . O_i; per key j the
    mask keeps, s = scale * q_i . k_j, the grad region gives s', d s'/d s
    and d s'/d p[idx]; P = exp(s' - lse_i), and where P != 0:
    dS' = P (dO_i . v_j - D_i), dS = dS' d s'/d s, dv_j += P dO_i,
    dq_i += scale dS k_j, dk_j += scale dS q_i (GQA: over the group's query
    heads), p_grad[idx] += dS' d s'/d p[idx]. A fully masked row and a key
    with P = 0 contribute nothing (never NaN). The score, mask and grad
    regions are inlined per element (ElementCode's inlineRegion). varlen:
    per sequence of cu_seqlens_q / cu_seqlens_kv (rows outside the memrefs
    skipped); paged_kv backward ops are refused.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect"];
}

def FAAttnBackwardToGPU : Pass<"faattn-backward-to-gpu", "::mlir::ModuleOp"> {
  let summary = "GPU path (SIMT): a backward attention op to two kernels (dq; dk and dv)";
  let description = [{
    Lowers each `mode = backward` faattn.attention op (after
    faattn-score-grad) to two kernel `gpu.func`s of `gpu.module
    @faattn_kernels` computing the CPU path's per-pair code
    (BackwardCode.h) on CUDA cores in f32: `NAME_dq`, grid (batch, heads,
    q-blocks), a thread per query row: D_i = dO_i . O_i into the
    `workspace:delta` argument (appended, shaped as the LSE), dq_i, and the
    param gradients (f32 atomics, a run of equal indices added once);
    `NAME`, grid (batch, KV heads, kv-blocks), a thread per key row: dk_j
    and dv_j over the group's query heads, reading D. No atomics on dq, dk,
    dv. A fully masked row gets dq = 0 and contributes nothing. The kernels
    get `faattn.block_m` (their rows per CTA) and `known_block_size`; the
    operation is erased from its function. paged_kv ops are refused.
  }];
  let options = [
    Option<"rows", "rows", "int64_t", /*default=*/"64",
           "rows (threads) per CTA of both kernels">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect"];
}

def FAAttnTilesToWGMMA : Pass<"faattn-tiles-to-wgmma", "::mlir::ModuleOp"> {
  let summary = "GPU path on Hopper tensor cores: wgmma products, TMA loads, fragments in registers";
  let description = [{
    For each sm_90a kernel with one (batch, head, q-block) grid whose tiles
    wgmma can take (bf16/f16, block_m a multiple of 64, head dims and
    block_n multiples of 16 up to 256): a kernel `gpu.func` of block_m / 64
    warpgroups. Accumulator-shaped tiles become per-thread vectors in wgmma's
    m64nNk16 fragment layout; Q K^T is a chain of `nvvm.wgmma.mma_async` from
    two shared-memory descriptors, P V a chain of register-A wgmma (inline
    PTX) with P's fragments packed in pairs; row reductions use quad shuffles.

    The TMA pipeline, when the tiles carry 128-byte swizzled layouts
    (faattn-assign-layouts) and Q, K, V are plain blocks of the arguments,
    or K/V pages through the block table (paged_kv; a box per page, rows
    past the sequence masked in K and cleared in V before P V), or (unless
    `packed-tma=0`) blocks of packed (varlen) sequences (boxes at
    cu_seqlens' row plus the block's; O and the LSE by the threads'
    row-checked stores): four tensor-map arguments (q, k, v, out;
    `faattn.tensor_maps`, marked grid constants by faattn-tensor-map-args)
    are appended; Q is loaded once by TMA, K and V by TMA into a ring of
    `stages` buffers with mbarrier full (K, V) and empty phases, thread 0
    loading block i + stages - 1 while block i is computed; V is read as an
    MN-major B operand; O goes through shared memory (swizzled) and a TMA
    store. Otherwise (`faattn.tma_skipped` says why) the threads copy Q, K
    and V^T into the unswizzled canonical layout between barriers.

    The mask analysis' block scan becomes a thread-strided loop, warp
    shuffles and one shared-memory slot per warp, its results broadcast from
    lane 0 (warp-uniform for ptxas). Score and mask regions run per fragment
    element, their uniform, row-only and column-only parts once per tile,
    row and column (the SFU's short math forms are faattn-fast-math's; a
    kernel of head dims <= 64 with 128-row tiles is marked
    `faattn.ctas_per_sm = 2`, which keeps libdevice's exp2 there). The function
    attribute `faattn.schedule = "pingpong"` makes the two warpgroups of a
    128-row TMA kernel take turns at the tensor cores (named barriers).
    faattn-overlap-softmax's rotated KV loops (`faattn.rotated`) take the TMA
    pipeline only (two or more stages): block j's Q K^T and block j - 1's
    P V are issued back to back and each is waited for before its result's
    first use; K and V get empty barriers of their own; the kernel gets
    `faattn.overlap = "softmax"`.

    The kernel gets `faattn.block_m`, `faattn.threads`,
    `faattn.dynamic_shared_bytes`, `faattn.schedule` (and, with the TMA
    pipeline, `faattn.tma_block_n` and `faattn.ring_stages`: the spec's
    `stages`, fewer when they do not fit; without it `faattn.tma_skipped`
    with the reason). Kernels it cannot map (and split-KV decode) are left for faattn-tiles-to-gpu,
    marked `faattn.wgmma_skipped` with the reason. Runs after
    faattn-online-softmax. The resource plan is compiler/Target/Hopper/
    ResourcePlan.cpp's, the kernel's parts are the templates of
    templates/hopper/ (mainloop, schedules, epilogue) built from
    compiler/Target/Hopper/'s TMA ring, wgmma builder and block scan.

    With `e4m3-kv` (experimental, off by default: not yet run on a GPU), a
    TMA kernel whose K and V are e4m3 under a bf16/f16 Q (`kv_dtype = e4m3`)
    is taken too: the ring holds the e4m3 blocks as TMA loads them (half the
    bytes), the consumers convert each stage to Q's type into a second ring
    laid out as a 16-bit one, and the products read that; the kernel's
    `faattn.tma_swizzle` then lists q, k, v and out's swizzles.

    With `e4m3` (the GPU pipeline sets it unless FAATTN_FP8_SIMT=1), a TMA
    kernel whose Q, K and V are e4m3 (`dtype = e4m3`) runs both products on the FP8 wgmma
    (k32, f32 accumulation): Q K^T on the e4m3 tiles as loaded, V's stage
    transposed by the consumers into a K-major tile whose keys follow P's A
    fragment order, and P's accumulator fragments rounded to e4m3 in place
    (docs/FP8.md). `faattn.tma_swizzle` lists q, k, v and out's swizzles.

    With `backward` (the GPU pipeline sets it for the backward kernels it
    builds on the tensor cores), a function whose one grid is faattn-
    backward-tile's main grid (`faattn.backward_grid = "main"`, its workspace
    among the arguments) is lowered by templates/hopper/BackwardMainloop.cpp:
    one warpgroup, bm = bn = 64, the five products on wgmma (schedule
    "backward"). `backward-copy-batch = N` (experimental, the pipeline's
    FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH=N) has each thread issue N of
    its 16-byte chunk loads of a block before it stores them to shared
    memory, instead of one load and its store at a time (a round trip to
    global memory each); `backward-copy-async` (the pipeline's default since
    PERFORMANCE step 61; FAATTN_BACKWARD_COPY_REGISTERS=1 turns it off)
    copies them by cp.async instead, every chunk in flight and none in
    registers, zero-filling the rows outside the sequence or whose LSE is
    -inf; `backward-copy-prefetch` (FAATTN_EXPERIMENTAL_BACKWARD_COPY_
    PREFETCH=1) also double-buffers Q and dO: a Q loop's first block is copied
    before it, each next block during the current one's products.
    `backward-dq-bulk` (the default; false: the pipeline's
    FAATTN_BACKWARD_DQ_ATOMIC=1) adds each Q block's dQ into the f32
    accumulator by bulk reductions (cp.reduce.async.bulk .add.f32, a row
    each) from a staging buffer in shared memory, instead of an atomic add
    per element (not with `deterministic` or backward-copy-prefetch, which
    keep the atomics). `backward-overlap` (experimental; FAATTN_EXPERIMENTAL_
    BACKWARD_OVERLAP=1) issues each product of a Q block as soon as its
    operands exist (the products, and the maps that make their 16-bit
    operands, moved up in the Q loop's body) and waits for it where its
    result is first read, so that dP = dO V^T runs under P's exponentials and
    dV, dK and dQ under one another, instead of waiting for each at once.
    `backward-loop-descriptors` (the default; false: the pipeline's
    FAATTN_BACKWARD_HOISTED_DESCRIPTORS=1) makes each product's shared-memory
    descriptors next to its wgmma from an opaque zero: the buffers'
    addresses are loop-invariant, and LLVM would otherwise hoist every
    descriptor out of the Q loop and hold them in registers across it.
  }];
  let options = [
    Option<"e4m3KV", "e4m3-kv", "bool", /*default=*/"false",
           "Take e4m3 K/V under a 16-bit Q on the TMA pipeline, converted in shared memory "
           "(experimental)">,
    Option<"e4m3", "e4m3", "bool", /*default=*/"false",
           "Take e4m3 Q, K and V on the TMA pipeline and the FP8 wgmma">,
    Option<"packedTma", "packed-tma", "bool", /*default=*/"true",
           "Take packed (varlen) sequences on the TMA pipeline (boxes at the sequence's rows), "
           "and paged or packed e4m3 Q, K and V on the FP8 wgmma (=0: the threads' copies "
           "and the SIMT path, as before)">,
    Option<"backward", "backward", "bool", /*default=*/"false",
           "Lower faattn-backward-tile's main grid on wgmma">,
    Option<"backwardCopyBatch", "backward-copy-batch", "int64_t", /*default=*/"1",
           "The backward's block copies: 16-byte chunks a thread loads before storing them "
           "(1: each load then its store; experimental above 1)">,
    Option<"backwardCopyAsync", "backward-copy-async", "bool", /*default=*/"false",
           "The backward's block copies by cp.async with zero fill (the GPU pipeline sets it "
           "unless FAATTN_BACKWARD_COPY_REGISTERS=1)">,
    Option<"backwardCopyPrefetch", "backward-copy-prefetch", "bool", /*default=*/"false",
           "backward-copy-async, and each Q block's Q and dO copied during the previous "
           "block's products into a second buffer (experimental)">,
    Option<"backwardDqBulk", "backward-dq-bulk", "bool", /*default=*/"true",
           "The backward's dQ added by bulk reductions from shared memory, a row each "
           "(false: an atomic add per element)">,
    Option<"backwardOverlap", "backward-overlap", "bool", /*default=*/"false",
           "The backward's products issued as early as their operands allow and waited for "
           "where their results are read (experimental)">,
    Option<"backwardLoopDescriptors", "backward-loop-descriptors", "bool", /*default=*/"true",
           "The backward's descriptors made next to their wgmma, not hoisted out of the Q "
           "loop (false: LLVM hoists them)">,
    Option<"e4m3Transpose", "e4m3-transpose", "std::string", /*default=*/"\"lean\"",
           "e4m3 V's transposition in shared memory: lean (two rounds of prmt, each lane's "
           "row stores rotated: no bank conflicts), rotated (the same stores from byte "
           "extracts and funnel shifts, 1.05-1.09x slower), direct (rotated's in order, "
           "16-way conflicts on the stores), or skip (timing only: P V reads V "
           "untransposed, the results are wrong)">,
    Option<"rowPartials", "row-partials", "int64_t", /*default=*/"1",
           "The softmax's row maxima and sums over a thread's columns as this many "
           "independent chains a row, the two rows of a thread interleaved, combined as a "
           "tree before the quad's shuffles (1: one chain a row, row after row; "
           "experimental). The maxima are the same values in any order; the sums round "
           "differently">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::vector::VectorDialect",
                           "::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect"];
}


def FAAttnFastMath : Pass<"faattn-fast-math", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Hopper tensor-core kernels: f32 divide, exp2 and tanh on the SFU's short forms";
  let description = [{
    For each `gpu.func` that faattn-tiles-to-wgmma lowered
    (`faattn.mapping = "wgmma"`): f32 `arith.divf` by a constant becomes a
    product with its reciprocal (within 1.5 ulp), other f32 division the
    `llvm.nvvm.div.full` intrinsic (div.full.f32, within 2 ulp); f32
    `math.exp2` becomes `llvm.nvvm.ex2.approx.ftz.f32`, except in kernels
    marked `faattn.ctas_per_sm = 2` (head dims up to 64 with 128-row tiles:
    libdevice's exp2f fits two CTAs per SM there); f32 `math.tanh` becomes
    `tanh.approx.f32` (inline PTX). Other kernels (the SIMT path) keep IEEE
    math. Runs after faattn-tiles-to-wgmma, before convert-gpu-to-nvvm.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect", "::mlir::arith::ArithDialect"];
}

def FAAttnTensorMapArgs : Pass<"faattn-tensor-map-args", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Marks the trailing tensor-map arguments of lowered kernels as grid constants";
  let description = [{
    After convert-gpu-to-nvvm: each `llvm.func` with `faattn.tensor_maps = N`
    gets, on its last N arguments (pointers), `llvm.byval =
    !llvm.array<128 x i8>`, `llvm.align = 64` and `nvvm.grid_constant`: the
    launch copies each 128-byte CUtensorMap into the parameter space and
    cp.async.bulk.tensor reads it from there (the gpu.func lowering does not
    keep these argument attributes, hence this pass).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect"];
}

def FAAttnTilesToGPU : Pass<"faattn-tiles-to-gpu", "::mlir::ModuleOp"> {
  let summary = "GPU path (SIMT): each kernel's grid to a gpu.func, a thread per Q row";
  let description = [{
    Moves each kernel's (batch, head, q-block) grid into a kernel `gpu.func`
    of `gpu.module @faattn_kernels` (block ids x, y, z = batch, head,
    q-block; block_m threads). Row tiles become per-thread private buffers
    (one row each), K and V tiles shared-memory buffers filled cooperatively
    between barriers, and the tile ops per-thread loops. A correct baseline
    on CUDA cores; the Hopper tensor-core passes replace it. Runs after
    faattn-online-softmax. The kernel keeps the function's signature (memref
    arguments) and gets `faattn.block_m` and `known_block_size`.

    A grid without products (faattn-backward-tile's pre and post grids:
    loads, stores, row-wise maps and sums) shares each row among `lanes`
    adjacent threads of a warp instead: the widest power of 2 up to
    `max-row-lanes` that divides every row tile's columns, with whole warps
    and at most 1024 threads a CTA. A thread holds the row's columns lane,
    lane + lanes, ...; a row sum ends with xor shuffles over the row's
    lanes, and a one-column tile's store is its first lane's. Such a kernel
    also gets `faattn.threads` (block_m * lanes). The point: a warp's loads
    and stores fall on a few rows' adjacent elements, not on 32 rows a row's
    pitch apart (docs/PERFORMANCE.md step 65).
  }];
  let options = [
    Option<"maxRowLanes", "max-row-lanes", "int64_t", /*default=*/"32",
           "the most threads that share a row of a grid without products (1: a "
           "thread per row everywhere)">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::NVVM::NVVMDialect"];
}


#endif // FAATTN_CONVERSION_PASSES_TD
