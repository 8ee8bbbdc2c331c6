// faattn-tiles-to-wgmma with `backward` (the GPU pipeline's option for backward kernels) on faattn-backward-
// tile's main grid, the one grid of its function with the delta and the dQ accumulator as
// arguments (what the GPU pipeline will hand it; here made from faattn-backward-tile's CPU form
// by hand: the pre / post grids, the allocs and the fills taken out), at 64 x 64 tiles:
//   kernel b { mode = backward; heads = 4 : 2; head_dim = 64; mask = q_idx >= kv_idx }
//   kernel alibi_bwd { mode = backward; heads = 2 : 1; head_dim = 64
//     param slopes : f32[heads] requires_grad; score = score - slopes[h] * abs(q_idx - kv_idx) }
// Without the option the grid is left (wgmma_skipped says why).
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true' | FileCheck %s
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true' | FileCheck %s --check-prefix=ALIBI
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=OFF
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true backward-dq-bulk=false' | FileCheck %s --check-prefix=DQATOMIC
// backward-dq-bulk=false (the pipeline's FAATTN_BACKWARD_DQ_ATOMIC=1): dQ by one f32 atomic add
// per fragment element (32 a thread at head dim 64), no staging buffer, no bulk group.
// DQATOMIC-LABEL: gpu.func @b(
// DQATOMIC-NOT: nvvm.cp.async.bulk
// DQATOMIC: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// DQATOMIC-COUNT-32: memref.atomic_rmw addf %{{.*}}, %arg10[
// DQATOMIC-NOT: nvvm.inline_ptx
// DQATOMIC: } {faattn.q_loop = "masked"}
// The descriptors of each product are made next to its wgmma from an opaque zero (an inline
// asm with side effects, which LLVM cannot hoist; backward-loop-descriptors, the default), one
// a product: every buffer's address is loop-invariant, so they would otherwise be hoisted out
// of the Q loop and held across it (PERFORMANCE step 60). backward-loop-descriptors=false
// leaves them to LLVM (the HOISTED prefix, no such asm).
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true' | FileCheck %s --check-prefix=DESC
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true backward-loop-descriptors=false' | FileCheck %s --check-prefix=HOISTED
// DESC-LABEL: gpu.func @b(
// DESC:      scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>) {
// DESC:        %[[Z:.*]] = llvm.inline_asm has_side_effects asm_dialect = att "mov.u64 $0, 0;", "=l"  : () -> i64
// DESC-NEXT:   %[[ZI:.*]] = arith.index_cast %[[Z]] : i64 to index
// DESC-NOT:    nvvm.wgmma.mma_async
// DESC:        arith.index_cast %[[ZI]] : index to i64
// DESC:        nvvm.wgmma.mma_async
// DESC-COUNT-4: llvm.inline_asm has_side_effects asm_dialect = att "mov.u64 $0, 0;"
// DESC-NOT:    llvm.inline_asm has_side_effects asm_dialect = att "mov.u64 $0, 0;"
// DESC:      } {faattn.q_loop = "masked"}
// HOISTED-LABEL: gpu.func @b(
// HOISTED-NOT: "mov.u64 $0, 0;"
// HOISTED: } {faattn.q_loop = "masked"}
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true backward-overlap=true' | FileCheck %s --check-prefix=OVERLAP
// backward-overlap (experimental): each product issued as soon as its operands exist and
// waited for where its result is read. S = Q K^T goes out before dO's copy; dP = dO V^T right
// after it; the wait for 1 group (S's, dP still in flight) comes before P's exponentials; dV
// (P moved up to just after its exponentials) goes out before dS, whose wait for 1 retires
// dP with dV in flight; dK and dQ follow without a wait between; one wait for all before dQ's
// bulk reductions.
// OVERLAP-LABEL: gpu.func @b(
// OVERLAP:      scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>) {
// OVERLAP-COUNT-4: nvvm.wgmma.mma_async {{.*}} B[<bf16>, <one>, <col>]
// OVERLAP-NEXT: nvvm.wgmma.commit.group.sync.aligned
// OVERLAP-NOT:  nvvm.wgmma.wait.group
// OVERLAP:      nvvm.cp.async.bulk.wait_group 0 {read}
// OVERLAP-NEXT: gpu.barrier
// OVERLAP:      nvvm.fence.proxy
// OVERLAP-NEXT: gpu.barrier
// OVERLAP-COUNT-4: nvvm.wgmma.mma_async {{.*}} B[<bf16>, <one>, <col>]
// OVERLAP-NEXT: nvvm.wgmma.commit.group.sync.aligned
// OVERLAP-NOT:  math.exp
// OVERLAP:      nvvm.wgmma.wait.group.sync.aligned 1
// OVERLAP-COUNT-32: math.exp
// OVERLAP-NOT:  nvvm.wgmma.wait.group
// OVERLAP:      nvvm.fence.proxy
// OVERLAP-NEXT: gpu.barrier
// OVERLAP-COUNT-4: nvvm.wgmma.mma_async {{.*}} B[<bf16>, <one>, <row>]
// OVERLAP-NEXT: nvvm.wgmma.commit.group.sync.aligned
// OVERLAP-NEXT: nvvm.wgmma.wait.group.sync.aligned 1
// OVERLAP-NOT:  nvvm.wgmma.wait.group
// OVERLAP:      nvvm.fence.proxy
// OVERLAP-NEXT: gpu.barrier
// OVERLAP-COUNT-4: nvvm.wgmma.mma_async {{.*}} B[<bf16>, <one>, <row>]
// OVERLAP-NEXT: nvvm.wgmma.commit.group.sync.aligned
// OVERLAP-NOT:  nvvm.wgmma.wait.group
// OVERLAP-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// OVERLAP:      nvvm.wgmma.commit.group.sync.aligned
// OVERLAP-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// OVERLAP-NOT:  nvvm.wgmma
// OVERLAP:      nvvm.inline_ptx "cp.reduce.async.bulk
// OVERLAP:      } {faattn.q_loop = "masked"
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true backward-copy-batch=4' | FileCheck %s --check-prefix=BATCH
// backward-copy-batch = 4 (experimental): a thread's 64 x 64 block copy (512 chunks of 16
// bytes, 4 a thread) is one iteration that issues its 4 loads before its first store.
// BATCH-LABEL: gpu.func @b(
// BATCH: scf.for %{{.*}} = %thread_id_x to %c512 step %c512
// BATCH-COUNT-4: vector.load %arg1[{{.*}}] {alignment = 16 : i64} : memref<?x?x2x64xbf16>, vector<8xbf16>
// BATCH-NOT: vector.load
// BATCH-COUNT-4: vector.store %{{.*}}, %view[%{{.*}}] {alignment = 16 : i64} : memref<{{[0-9]+}}xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// BATCH-NOT: vector.store
// BATCH: scf.yield
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true backward-copy-async=true' | FileCheck %s --check-prefix=ASYNC
// backward-copy-async (experimental): the same copies by cp.async, a thread's 4 chunks in
// flight at once and none in registers. K and V (no map) once, then each Q block's Q and
// dO: first the 4 rows' LSE reads (a row whose LSE is -inf is zero-filled, as the map
// zeroes it), then the 4 copies with their source sizes (16 or 0: zero fill), a group each;
// the second block's copies join the first's (no barrier between), one wait for both, then
// visible to the tensor cores.
// ASYNC-LABEL: gpu.func @b(
// ASYNC-COUNT-4: nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 16, cache =  cg, %{{.*}} : !llvm.ptr<3>, !llvm.ptr<1>, i32
// ASYNC-NEXT: nvvm.cp.async.commit.group
// ASYNC-NOT: gpu.barrier
// ASYNC-COUNT-4: nvvm.cp.async.shared.global
// ASYNC-NEXT: nvvm.cp.async.commit.group
// ASYNC-NEXT: nvvm.cp.async.wait.group 0
// ASYNC-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// ASYNC-NEXT: gpu.barrier
// ASYNC: scf.for
// ASYNC: gpu.barrier
// ASYNC: %[[DEAD:.*]] = arith.cmpf oeq, %{{.*}}, %cst{{.*}} : f32
// ASYNC-COUNT-3: arith.cmpf oeq, %{{.*}}, %cst{{.*}} : f32
// ASYNC-NOT: vector.load
// The first chunk is read (size 16) only inside the sequence, the head dim, and a live row;
// else the tensor's own address with size 0.
// ASYNC: %[[LIVE:.*]] = arith.xori %[[DEAD]], %true{{.*}} : i1
// ASYNC-NEXT: %[[READ:.*]] = arith.andi %{{.*}}, %[[LIVE]] : i1
// ASYNC: %[[ADDR:.*]] = arith.select %[[READ]], %{{.*}}, %{{.*}} : index
// ASYNC: %[[SIZE:.*]] = arith.select %[[READ]], %c16_i32{{.*}}, %c0_i32{{.*}} : i32
// ASYNC-NEXT: nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 16, cache =  cg, %[[SIZE]]
// ASYNC-COUNT-3: nvvm.cp.async.shared.global
// ASYNC-NEXT: nvvm.cp.async.commit.group
// ASYNC-NOT: gpu.barrier
// ASYNC-COUNT-4: nvvm.cp.async.shared.global
// ASYNC-NEXT: nvvm.cp.async.commit.group
// ASYNC-NEXT: nvvm.cp.async.wait.group 0
// ASYNC-NEXT: nvvm.fence.proxy
// ASYNC-NEXT: gpu.barrier
// ASYNC-NOT: vector.load {{.*}}bf16>
// ASYNC: nvvm.wgmma.mma_async
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma='backward=true backward-copy-prefetch=true' | FileCheck %s --check-prefix=PREFETCH
// backward-copy-prefetch (experimental): Q and dO double-buffered (shared memory 49152 +
// 2 x 8192 bytes); a Q loop's first block copied before the loop (when it has one); in the
// body this block's copies waited for and made visible, then the next block's (when there
// is one) issued into the other buffers before the products.
// PREFETCH-LABEL: gpu.func @b(
// PREFETCH-SAME: faattn.dynamic_shared_bytes = 65536
// The prologue behind a barrier (the previous query head's last block may be in either buffer),
// its copies into buffer LB % 2.
// PREFETCH: %[[ANYC:.*]] = arith.cmpi ult, %[[LB:[0-9]+]], %{{[0-9]+}} : index
// PREFETCH-NEXT: scf.if %[[ANYC]] {
// PREFETCH-NEXT: gpu.barrier
// PREFETCH-NEXT: arith.constant 64
// PREFETCH-NEXT: arith.muli %[[LB]], %c64
// PREFETCH: %[[STAGE0:.*]] = arith.remui %[[LB]], %c2{{.*}} : index
// PREFETCH: arith.muli %[[STAGE0]], %c4096{{.*}} : index
// PREFETCH: nvvm.cp.async.commit.group
// PREFETCH: nvvm.cp.async.commit.group
// PREFETCH-NEXT: }
// PREFETCH-NEXT: scf.for %[[IV:[^ ]*]] = %[[LB]] to %[[UB:[0-9]+]] step %[[STEP:[^ ]*]] iter_args
// PREFETCH-NOT: nvvm.wgmma.mma_async
// PREFETCH: nvvm.cp.async.wait.group 0
// PREFETCH-NEXT: nvvm.fence.proxy
// PREFETCH-NEXT: gpu.barrier
// PREFETCH-NEXT: arith.constant 2
// PREFETCH-NEXT: %[[QSTAGE:.*]] = arith.remui %[[IV]], %c2{{.*}} : index
// PREFETCH-NEXT: %[[NEXT:.*]] = arith.addi %[[IV]], %[[STEP]] : index
// PREFETCH-NEXT: %[[MORE:.*]] = arith.cmpi ult, %[[NEXT]], %[[UB]] : index
// PREFETCH-NEXT: scf.if %[[MORE]] {
// PREFETCH: arith.muli %[[NEXT]], %c64
// PREFETCH: %[[STAGE1:.*]] = arith.remui %[[NEXT]], %c2{{.*}} : index
// PREFETCH: arith.muli %[[STAGE1]], %c4096{{.*}} : index
// PREFETCH-COUNT-4: nvvm.cp.async.shared.global
// PREFETCH: nvvm.cp.async.commit.group
// PREFETCH-COUNT-4: nvvm.cp.async.shared.global
// PREFETCH: nvvm.cp.async.commit.group
// PREFETCH-NEXT: }
// PREFETCH-NOT: nvvm.cp.async
// The products read this block's buffers: the descriptors' addresses offset by
// QSTAGE x 8192 bytes (a 64 x 64 bf16 block).
// PREFETCH: arith.muli %[[QSTAGE]], %c8192{{.*}} : index
// PREFETCH: nvvm.wgmma.mma_async

// OFF: func.func @b(
// OFF-SAME: faattn.wgmma_skipped = "the backward's main grid needs faattn-tiles-to-wgmma's backward option"

// One warpgroup; six 8 KiB buffers (64 x 64 bf16): K, V; per Q block Q, dO, P^T and dS^T,
// shared by the mask analysis' three Q loops (49152 bytes). A B whose reduction runs over its
// rows (K in dQ = dS K, dO in dV, Q in dK) is read MN-major from its one buffer.
// CHECK-LABEL: gpu.func @b(
// CHECK-SAME: faattn.block_m = 64 : i64
// CHECK-SAME: faattn.dynamic_shared_bytes = 49152 : i64
// CHECK-SAME: faattn.mapping = "wgmma"
// CHECK-SAME: faattn.schedule = "backward"
// CHECK-SAME: faattn.threads = 128 : i64
// CHECK-SAME: faattn.tma_skipped = "the backward's blocks are copied by the threads"
// K, then V: 512 chunks of 8 over 128 threads, each stored as a core-matrix row (16 bytes),
// no element stores.
// CHECK:     gpu.barrier
// CHECK:     scf.for %{{.*}} = %thread_id_x to %c512 step %c128
// CHECK:       vector.store %{{.*}}, %view[%{{.*}}] {alignment = 16 : i64} : memref<24576xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK-NOT:   memref.store
// CHECK:     nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK:     gpu.barrier
// CHECK:     scf.for %{{.*}} = %thread_id_x to %c512{{.*}} step %c128
// CHECK:       vector.store
// CHECK-NOT:   memref.store
// CHECK:     nvvm.fence.proxy
// The mask analysis' block scan in column order: a loop every thread runs.
// CHECK-NOT: scf.parallel
// CHECK:     scf.for {{.*}} -> (i64, i64, i64, i64, i64) {
// The first Q loop (partial blocks), carrying dK's and dV's fragments.
// CHECK:     scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>) {
// Q, with its rows zeroed where the LSE is -inf (the LSE read again for the chunk's row).
// CHECK:       gpu.barrier
// CHECK:       scf.for
// CHECK:         memref.load %arg4
// CHECK:         arith.cmpf oeq, %{{.*}}, %cst{{.*}} : f32
// CHECK:         arith.select
// CHECK:       nvvm.fence.proxy
// S = Q K^T: 4 k-steps (head dim 64), both from shared memory, the first overwriting.
// CHECK:       nvvm.wgmma.fence.aligned
// CHECK:       nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <zero>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK-COUNT-3: nvvm.wgmma.mma_async {{.*}} D[<f32>, <one>]
// CHECK:       nvvm.wgmma.wait.group.sync.aligned 0
// dP = dO V^T likewise.
// CHECK:       nvvm.wgmma.mma_async {{.*}} D[<f32>, <zero>]
// P^T to shared memory (32 elements a thread), visible; dV += P^T dO onto dV's fragments
// (every k-step accumulates).
// dO is B MN-major: its layout `row` (the transpose-B bit), and its descriptor's fields LBO
// 1024 (the next 8 rows of a 64-column buffer: (64 / 8) * 128 bytes) and SBO 128 (the next 8
// columns): (1024 >> 4) << 16 | (128 >> 4) << 32 = 34363932672 (a K-major B's, LBO 128 and
// SBO 1024, would be 274878431232).
// CHECK-COUNT-32: memref.store %{{.*}}, %view[%{{.*}}] : memref<24576xbf16
// CHECK:       nvvm.fence.proxy
// CHECK-NEXT:  gpu.barrier
// CHECK:       llvm.insertvalue
// CHECK:       nvvm.wgmma.fence.aligned
// CHECK:       %[[F:.*]] = arith.constant 34363932672 : i64
// CHECK-NEXT:  %[[DB:.*]] = arith.ori %{{.*}}, %[[F]] : i64
// CHECK:       nvvm.wgmma.mma_async %{{.*}}, %[[DB]], %{{.*}}, <m = 64, n = 64, k = 16>
// CHECK-COUNT-3: nvvm.wgmma.mma_async {{.*}} D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// dS^T likewise, then dK += dS^T Q.
// CHECK-COUNT-32: memref.store %{{.*}}, %view[%{{.*}}] : memref<24576xbf16
// CHECK:       nvvm.fence.proxy
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// dQ = dS K: A from dS's registers (4 k-steps of the RS form, K MN-major: the last
// immediate, transpose-B, is 1), then added into the f32 accumulator by bulk reductions
// from shared memory (backward-dq-bulk, the default: faattn-tiles-to-wgmma-backward-dq-bulk.mlir
// has the details; DQATOMIC below, one atomic add per fragment element).
// CHECK-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}} p, 1, 1, 1;
// CHECK-NOT:   memref.atomic_rmw
// CHECK:       nvvm.inline_ptx "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f32 [$0], [$1], 256;"
// CHECK-NOT:   memref.atomic_rmw
// CHECK:     } {faattn.q_loop = "masked"}
// dK and dV (bf16) from the fragments into the KV head's rows.
// CHECK:     arith.truncf
// CHECK:     memref.store %{{.*}}, %arg7[
// CHECK:     memref.store %{{.*}}, %arg8[

// The learnable slopes: each element's d score'/d slope times dS' (0 where the weight is 0
// or the element is out of range). slopes[h] is the same element for the whole tile, so the
// 32 elements of a thread are summed, the sum is reduced over the warp (five xor shuffles),
// and lane 0 adds it once, when it is not 0: no per-element atomics on one address.
// ALIBI-LABEL: gpu.func @alibi_bwd(
// ALIBI: scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>) {
// ALIBI: nvvm.inline_ptx "cp.reduce.async.bulk
// ALIBI-COUNT-32: scf.if %{{.*}} -> (f32) {
// ALIBI-NOT: memref.atomic_rmw
// ALIBI: gpu.shuffle  xor %{{.*}}, %c16_i32
// ALIBI-NOT: memref.atomic_rmw
// ALIBI: gpu.shuffle  xor %{{.*}}, %c1_i32
// ALIBI-NEXT: %[[SUM:.*]] = arith.addf
// ALIBI-NEXT: %[[NZ:.*]] = arith.cmpf une, %[[SUM]]
// ALIBI-NEXT: %[[ADD:.*]] = arith.andi %{{.*}}, %[[NZ]] : i1
// ALIBI-NEXT: scf.if %[[ADD]] {
// ALIBI-NEXT: arith.index_cast
// ALIBI-NEXT: memref.atomic_rmw addf %[[SUM]], %arg10[%{{.*}}] : (f32, memref<2xf32>) -> f32
// ALIBI-NEXT: }
// ALIBI-NEXT: scf.yield
// ALIBI-NEXT: } {faattn.q_loop

module {
  func.func @b(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?x4x64xbf16>, %arg6: memref<?x?x4x64xbf16>, %arg7: memref<?x?x2x64xbf16>, %arg8: memref<?x?x2x64xbf16>, %delta: memref<?x4x?xf32>, %dq_acc: memref<?x?x4x64xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "e88b7c1bfea124e4bb4c6de28bd65a9d68cdde42731afad1624af9e6e86cae9b", faattn.target = "sm_90a"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
    %c0_3 = arith.constant 0 : index
    %dim_4 = memref.dim %arg4, %c0_3 : memref<?x4x?xf32>
    %c2 = arith.constant 2 : index
    %dim_5 = memref.dim %arg4, %c2 : memref<?x4x?xf32>
    %c0_6 = arith.constant 0 : index
    %dim_7 = memref.dim %arg6, %c0_6 : memref<?x?x4x64xbf16>
    %c1_8 = arith.constant 1 : index
    %dim_9 = memref.dim %arg6, %c1_8 : memref<?x?x4x64xbf16>
    %c64 = arith.constant 64 : index
    %0 = arith.ceildivui %dim_0, %c64 : index
    %c64_11 = arith.constant 64 : index
    %1 = arith.ceildivui %dim_2, %c64_11 : index
    scf.forall (%arg9, %arg10, %arg11) in (%dim, 2, %1) {
      %c64_13 = arith.constant 64 : index
      %3 = arith.muli %arg11, %c64_13 : index
      %4 = arith.index_cast %dim_0 : index to i32
      %5 = arith.index_cast %dim_2 : index to i32
      %c64_14 = arith.constant 64 : index
      %6 = arith.ceildivui %dim_0, %c64_14 : index
      %7 = arith.cmpi uge, %3, %dim_2 : index
      %c0_15 = arith.constant 0 : index
      %8 = arith.select %7, %c0_15, %6 : index
      %9 = faattn.tile_load %arg1[%arg9, %arg10, %3] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %10 = faattn.tile_load %arg2[%arg9, %arg10, %3] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %11 = faattn.tile_splat 0.000000e+00 : <64x64xf32>
      %12 = faattn.tile_splat 0.000000e+00 : <64x64xf32>
      %c0_16 = arith.constant 0 : index
      %c2_17 = arith.constant 2 : index
      %c1_18 = arith.constant 1 : index
      %13:2 = scf.for %arg12 = %c0_16 to %c2_17 step %c1_18 iter_args(%arg13 = %11, %arg14 = %12) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
        %c2_19 = arith.constant 2 : index
        %16 = arith.muli %arg10, %c2_19 : index
        %17 = arith.addi %16, %arg12 : index
        %18 = arith.index_cast %arg9 : index to i32
        %19 = arith.index_cast %17 : index to i32
        %20 = arith.index_cast %3 : index to i32
        %c0_20 = arith.constant 0 : index
        %c1_21 = arith.constant 1 : index
        %21 = arith.index_cast %c0_20 : index to i64
        %22 = arith.index_cast %8 : index to i64
        %23 = arith.extsi %4 : i32 to i64
        %24 = arith.extsi %5 : i32 to i64
        %c64_i64 = arith.constant 64 : i64
        %c64_i64_22 = arith.constant 64 : i64
        %c1_i64 = arith.constant 1 : i64
        %25 = arith.extsi %20 : i32 to i64
        %26 = arith.addi %25, %c64_i64 : i64
        %27 = arith.extsi %18 : i32 to i64
        %28 = arith.extsi %19 : i32 to i64
        %29 = arith.addi %25, %c64_i64 : i64
        %30 = arith.minsi %29, %24 : i64
        %31 = arith.subi %30, %c1_i64 : i64
        %c-1_i64 = arith.constant -1 : i64
        %c0_i64 = arith.constant 0 : i64
        %32 = arith.index_cast %21 : i64 to index
        %33 = arith.index_cast %22 : i64 to index
        %34 = arith.index_cast %c1_i64 : i64 to index
        %35:5 = scf.parallel (%arg15) = (%32) to (%33) step (%34) init (%22, %c-1_i64, %22, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
          %54 = arith.index_cast %arg15 : index to i64
          %55 = arith.muli %54, %c64_i64_22 : i64
          %56 = arith.addi %55, %c64_i64_22 : i64
          %57 = arith.minsi %56, %23 : i64
          %58 = arith.subi %57, %c1_i64 : i64
          %59 = arith.cmpi sge, %58, %25 : i64
          %60 = arith.cmpi slt, %55, %31 : i64
          %61 = arith.cmpi sle, %26, %24 : i64
          %true = arith.constant true
          %62 = arith.xori %60, %true : i1
          %63 = arith.andi %62, %61 : i1
          %64 = arith.select %59, %54, %22 : i64
          %65 = arith.select %59, %54, %c-1_i64 : i64
          %66 = arith.select %63, %54, %22 : i64
          %67 = arith.select %63, %54, %c-1_i64 : i64
          %68 = arith.extui %63 : i1 to i64
          scf.reduce(%64, %65, %66, %67, %68 : i64, i64, i64, i64, i64) {
          ^bb0(%arg16: i64, %arg17: i64):
            %69 = arith.minsi %arg16, %arg17 : i64
            scf.reduce.return %69 : i64
          }, {
          ^bb0(%arg16: i64, %arg17: i64):
            %69 = arith.maxsi %arg16, %arg17 : i64
            scf.reduce.return %69 : i64
          }, {
          ^bb0(%arg16: i64, %arg17: i64):
            %69 = arith.minsi %arg16, %arg17 : i64
            scf.reduce.return %69 : i64
          }, {
          ^bb0(%arg16: i64, %arg17: i64):
            %69 = arith.maxsi %arg16, %arg17 : i64
            scf.reduce.return %69 : i64
          }, {
          ^bb0(%arg16: i64, %arg17: i64):
            %69 = arith.addi %arg16, %arg17 : i64
            scf.reduce.return %69 : i64
          }
        } {faattn.block_scan}
        %36 = arith.maxsi %35#0, %21 : i64
        %37 = arith.addi %35#1, %c1_i64 : i64
        %38 = arith.maxsi %37, %36 : i64
        %39 = arith.addi %35#3, %c1_i64 : i64
        %40 = arith.subi %39, %35#2 : i64
        %41 = arith.cmpi sgt, %35#4, %c0_i64 : i64
        %42 = arith.cmpi eq, %35#4, %40 : i64
        %43 = arith.andi %41, %42 : i1
        %44 = arith.select %43, %35#2, %38 : i64
        %45 = arith.addi %35#3, %c1_i64 : i64
        %46 = arith.select %43, %45, %38 : i64
        %47 = arith.index_cast %36 : i64 to index
        %48 = arith.index_cast %44 : i64 to index
        %49 = arith.index_cast %46 : i64 to index
        %50 = arith.index_cast %38 : i64 to index
        %51:2 = scf.for %arg15 = %47 to %48 step %c1_21 iter_args(%arg16 = %arg13, %arg17 = %arg14) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
          %c64_23 = arith.constant 64 : index
          %54 = arith.muli %arg15, %c64_23 : index
          %55 = arith.index_cast %54 : index to i32
          %56 = faattn.tile_load %arg4[%arg9, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %57 = faattn.tile_load %arg0[%arg9, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %58 = faattn.tile_map %57, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg18: bf16, %arg19: f32):
            %cst = arith.constant 0xFF800000 : f32
            %75 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : bf16
            %76 = arith.select %75, %cst_24, %arg18 : bf16
            faattn.yield %76 : bf16
          }
          %59 = faattn.tile_load %arg5[%arg9, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %60 = faattn.tile_map %59, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg18: bf16, %arg19: f32):
            %cst = arith.constant 0xFF800000 : f32
            %75 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : bf16
            %76 = arith.select %75, %cst_24, %arg18 : bf16
            faattn.yield %76 : bf16
          }
          %61 = faattn.tile_load %delta[%arg9, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %62 = faattn.tile_dot %58, %9 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %63:2 = faattn.tile_score_grad %62 at[%18, %19, %55, %20] seq[%4, %5] {scale = 1.250000e-01 : f32} : <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %cst = arith.constant 1.000000e+00 : f32
            faattn.grad_yield %score, %cst
          }
          %64 = faattn.tile_mask %63#0 at[%18, %19, %55, %20] seq[%4, %5] : <64x64xf32> {
          ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %75 = arith.cmpi sge, %q_idx, %kv_idx : i32
            faattn.yield %75 : i1
          }
          %65 = faattn.tile_map %64, %56 : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %75 = arith.subf %arg18, %arg19 : f32
            %76 = math.exp %75 : f32
            %cst = arith.constant 0xFF800000 : f32
            %77 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %78 = arith.select %77, %cst_24, %76 : f32
            faattn.yield %78 : f32
          }
          %66 = faattn.tile_dot %60, %10 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %67 = faattn.tile_map %65, %66, %61 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32, %arg20: f32):
            %75 = arith.subf %arg19, %arg20 : f32
            %76 = arith.mulf %arg18, %75 : f32
            %cst = arith.constant 0.000000e+00 : f32
            %77 = arith.cmpf oeq, %arg18, %cst : f32
            %78 = arith.select %77, %cst, %76 : f32
            faattn.yield %78 : f32
          }
          %68 = faattn.tile_map %65, %67, %63#1 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg18: f32, %arg19: f32, %arg20: f32):
            %75 = arith.mulf %arg19, %arg20 : f32
            %cst = arith.constant 1.250000e-01 : f32
            %76 = arith.mulf %75, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %77 = arith.cmpf oeq, %arg18, %cst_24 : f32
            %78 = arith.select %77, %cst_24, %76 : f32
            %79 = arith.truncf %78 : f32 to bf16
            faattn.yield %79 : bf16
          }
          %69 = faattn.tile_map %65 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg18: f32):
            %75 = arith.truncf %arg18 : f32 to bf16
            faattn.yield %75 : bf16
          }
          %70 = faattn.tile_dot %69, %60 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %71 = faattn.tile_map %arg17, %70 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %75 = arith.addf %arg18, %arg19 : f32
            faattn.yield %75 : f32
          }
          %72 = faattn.tile_dot %68, %58 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %73 = faattn.tile_map %arg16, %72 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %75 = arith.addf %arg18, %arg19 : f32
            faattn.yield %75 : f32
          }
          %74 = faattn.tile_dot %68, %9 : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          faattn.tile_store %74, %dq_acc[%arg9, %17, %54] <bshd> {accumulate} : <64x64xf32>, memref<?x?x4x64xf32>
          scf.yield %73, %71 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
        } {faattn.q_loop = "masked"}
        %52:2 = scf.for %arg15 = %48 to %49 step %c1_21 iter_args(%arg16 = %51#0, %arg17 = %51#1) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
          %c64_23 = arith.constant 64 : index
          %54 = arith.muli %arg15, %c64_23 : index
          %55 = arith.index_cast %54 : index to i32
          %56 = faattn.tile_load %arg4[%arg9, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %57 = faattn.tile_load %arg0[%arg9, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %58 = faattn.tile_map %57, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg18: bf16, %arg19: f32):
            %cst = arith.constant 0xFF800000 : f32
            %74 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : bf16
            %75 = arith.select %74, %cst_24, %arg18 : bf16
            faattn.yield %75 : bf16
          }
          %59 = faattn.tile_load %arg5[%arg9, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %60 = faattn.tile_map %59, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg18: bf16, %arg19: f32):
            %cst = arith.constant 0xFF800000 : f32
            %74 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : bf16
            %75 = arith.select %74, %cst_24, %arg18 : bf16
            faattn.yield %75 : bf16
          }
          %61 = faattn.tile_load %delta[%arg9, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %62 = faattn.tile_dot %58, %9 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %63:2 = faattn.tile_score_grad %62 at[%18, %19, %55, %20] seq[%4, %5] {scale = 1.250000e-01 : f32} : <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %cst = arith.constant 1.000000e+00 : f32
            faattn.grad_yield %score, %cst
          }
          %64 = faattn.tile_map %63#0, %56 : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %74 = arith.subf %arg18, %arg19 : f32
            %75 = math.exp %74 : f32
            %cst = arith.constant 0xFF800000 : f32
            %76 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %77 = arith.select %76, %cst_24, %75 : f32
            faattn.yield %77 : f32
          }
          %65 = faattn.tile_dot %60, %10 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %66 = faattn.tile_map %64, %65, %61 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32, %arg20: f32):
            %74 = arith.subf %arg19, %arg20 : f32
            %75 = arith.mulf %arg18, %74 : f32
            %cst = arith.constant 0.000000e+00 : f32
            %76 = arith.cmpf oeq, %arg18, %cst : f32
            %77 = arith.select %76, %cst, %75 : f32
            faattn.yield %77 : f32
          }
          %67 = faattn.tile_map %64, %66, %63#1 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg18: f32, %arg19: f32, %arg20: f32):
            %74 = arith.mulf %arg19, %arg20 : f32
            %cst = arith.constant 1.250000e-01 : f32
            %75 = arith.mulf %74, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %76 = arith.cmpf oeq, %arg18, %cst_24 : f32
            %77 = arith.select %76, %cst_24, %75 : f32
            %78 = arith.truncf %77 : f32 to bf16
            faattn.yield %78 : bf16
          }
          %68 = faattn.tile_map %64 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg18: f32):
            %74 = arith.truncf %arg18 : f32 to bf16
            faattn.yield %74 : bf16
          }
          %69 = faattn.tile_dot %68, %60 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %70 = faattn.tile_map %arg17, %69 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %74 = arith.addf %arg18, %arg19 : f32
            faattn.yield %74 : f32
          }
          %71 = faattn.tile_dot %67, %58 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %72 = faattn.tile_map %arg16, %71 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %74 = arith.addf %arg18, %arg19 : f32
            faattn.yield %74 : f32
          }
          %73 = faattn.tile_dot %67, %9 : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          faattn.tile_store %73, %dq_acc[%arg9, %17, %54] <bshd> {accumulate} : <64x64xf32>, memref<?x?x4x64xf32>
          scf.yield %72, %70 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
        } {faattn.q_loop = "full"}
        %53:2 = scf.for %arg15 = %49 to %50 step %c1_21 iter_args(%arg16 = %52#0, %arg17 = %52#1) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
          %c64_23 = arith.constant 64 : index
          %54 = arith.muli %arg15, %c64_23 : index
          %55 = arith.index_cast %54 : index to i32
          %56 = faattn.tile_load %arg4[%arg9, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %57 = faattn.tile_load %arg0[%arg9, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %58 = faattn.tile_map %57, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg18: bf16, %arg19: f32):
            %cst = arith.constant 0xFF800000 : f32
            %75 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : bf16
            %76 = arith.select %75, %cst_24, %arg18 : bf16
            faattn.yield %76 : bf16
          }
          %59 = faattn.tile_load %arg5[%arg9, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %60 = faattn.tile_map %59, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg18: bf16, %arg19: f32):
            %cst = arith.constant 0xFF800000 : f32
            %75 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : bf16
            %76 = arith.select %75, %cst_24, %arg18 : bf16
            faattn.yield %76 : bf16
          }
          %61 = faattn.tile_load %delta[%arg9, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %62 = faattn.tile_dot %58, %9 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %63:2 = faattn.tile_score_grad %62 at[%18, %19, %55, %20] seq[%4, %5] {scale = 1.250000e-01 : f32} : <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %cst = arith.constant 1.000000e+00 : f32
            faattn.grad_yield %score, %cst
          }
          %64 = faattn.tile_mask %63#0 at[%18, %19, %55, %20] seq[%4, %5] : <64x64xf32> {
          ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %75 = arith.cmpi sge, %q_idx, %kv_idx : i32
            faattn.yield %75 : i1
          }
          %65 = faattn.tile_map %64, %56 : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %75 = arith.subf %arg18, %arg19 : f32
            %76 = math.exp %75 : f32
            %cst = arith.constant 0xFF800000 : f32
            %77 = arith.cmpf oeq, %arg19, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %78 = arith.select %77, %cst_24, %76 : f32
            faattn.yield %78 : f32
          }
          %66 = faattn.tile_dot %60, %10 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %67 = faattn.tile_map %65, %66, %61 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32, %arg20: f32):
            %75 = arith.subf %arg19, %arg20 : f32
            %76 = arith.mulf %arg18, %75 : f32
            %cst = arith.constant 0.000000e+00 : f32
            %77 = arith.cmpf oeq, %arg18, %cst : f32
            %78 = arith.select %77, %cst, %76 : f32
            faattn.yield %78 : f32
          }
          %68 = faattn.tile_map %65, %67, %63#1 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg18: f32, %arg19: f32, %arg20: f32):
            %75 = arith.mulf %arg19, %arg20 : f32
            %cst = arith.constant 1.250000e-01 : f32
            %76 = arith.mulf %75, %cst : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %77 = arith.cmpf oeq, %arg18, %cst_24 : f32
            %78 = arith.select %77, %cst_24, %76 : f32
            %79 = arith.truncf %78 : f32 to bf16
            faattn.yield %79 : bf16
          }
          %69 = faattn.tile_map %65 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg18: f32):
            %75 = arith.truncf %arg18 : f32 to bf16
            faattn.yield %75 : bf16
          }
          %70 = faattn.tile_dot %69, %60 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %71 = faattn.tile_map %arg17, %70 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %75 = arith.addf %arg18, %arg19 : f32
            faattn.yield %75 : f32
          }
          %72 = faattn.tile_dot %68, %58 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %73 = faattn.tile_map %arg16, %72 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg18: f32, %arg19: f32):
            %75 = arith.addf %arg18, %arg19 : f32
            faattn.yield %75 : f32
          }
          %74 = faattn.tile_dot %68, %9 : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          faattn.tile_store %74, %dq_acc[%arg9, %17, %54] <bshd> {accumulate} : <64x64xf32>, memref<?x?x4x64xf32>
          scf.yield %73, %71 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
        } {faattn.q_loop = "masked"}
        scf.yield %53#0, %53#1 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
      }
      %14 = faattn.tile_map %13#0 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
      ^bb0(%arg12: f32):
        %16 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %16 : bf16
      }
      faattn.tile_store %14, %arg7[%arg9, %arg10, %3] <bshd> : <64x64xbf16>, memref<?x?x2x64xbf16>
      %15 = faattn.tile_map %13#1 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
      ^bb0(%arg12: f32):
        %16 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %16 : bf16
      }
      faattn.tile_store %15, %arg8[%arg9, %arg10, %3] <bshd> : <64x64xbf16>, memref<?x?x2x64xbf16>
    } {faattn.backward_grid = "main", faattn.block_counts = {empty = 2016 : i64, full = 2016 : i64, partial = 64 : i64}, faattn.grid}
    return
  }
}

// -----
module {
  func.func @alibi_bwd(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x1x64xbf16>, %arg2: memref<?x?x1x64xbf16>, %arg3: memref<?x?x2x64xbf16>, %arg4: memref<?x2x?xf32>, %arg5: memref<?x?x2x64xbf16>, %arg6: memref<?x?x2x64xbf16>, %arg7: memref<?x?x1x64xbf16>, %arg8: memref<?x?x1x64xbf16>, %arg9: memref<2xf32>, %arg10: memref<2xf32>, %delta: memref<?x2x?xf32>, %dq_acc: memref<?x?x2x64xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "a3c5ed288ac56573668657b6a271947614f97d9222081ab39f8165a7d991353e", faattn.target = "sm_90a"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x2x64xbf16>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x64xbf16>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x1x64xbf16>
    %cst = arith.constant 0.000000e+00 : f32
    %c0_3 = arith.constant 0 : index
    %dim_4 = memref.dim %arg4, %c0_3 : memref<?x2x?xf32>
    %c2 = arith.constant 2 : index
    %dim_5 = memref.dim %arg4, %c2 : memref<?x2x?xf32>
    %c0_6 = arith.constant 0 : index
    %dim_7 = memref.dim %arg6, %c0_6 : memref<?x?x2x64xbf16>
    %c1_8 = arith.constant 1 : index
    %dim_9 = memref.dim %arg6, %c1_8 : memref<?x?x2x64xbf16>
    %c64 = arith.constant 64 : index
    %0 = arith.ceildivui %dim_0, %c64 : index
    %c64_11 = arith.constant 64 : index
    %1 = arith.ceildivui %dim_2, %c64_11 : index
    scf.forall (%arg11, %arg12, %arg13) in (%dim, 1, %1) {
      %c64_13 = arith.constant 64 : index
      %3 = arith.muli %arg13, %c64_13 : index
      %4 = arith.index_cast %dim_0 : index to i32
      %5 = arith.index_cast %dim_2 : index to i32
      %c64_14 = arith.constant 64 : index
      %6 = arith.ceildivui %dim_0, %c64_14 : index
      %7 = arith.cmpi uge, %3, %dim_2 : index
      %c0_15 = arith.constant 0 : index
      %8 = arith.select %7, %c0_15, %6 : index
      %9 = faattn.tile_load %arg1[%arg11, %arg12, %3] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16>
      %10 = faattn.tile_load %arg2[%arg11, %arg12, %3] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16>
      %11 = faattn.tile_splat 0.000000e+00 : <64x64xf32>
      %12 = faattn.tile_splat 0.000000e+00 : <64x64xf32>
      %c0_16 = arith.constant 0 : index
      %c2_17 = arith.constant 2 : index
      %c1_18 = arith.constant 1 : index
      %13:2 = scf.for %arg14 = %c0_16 to %c2_17 step %c1_18 iter_args(%arg15 = %11, %arg16 = %12) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
        %c2_19 = arith.constant 2 : index
        %16 = arith.muli %arg12, %c2_19 : index
        %17 = arith.addi %16, %arg14 : index
        %18 = arith.index_cast %arg11 : index to i32
        %19 = arith.index_cast %17 : index to i32
        %20 = arith.index_cast %3 : index to i32
        %c0_20 = arith.constant 0 : index
        %c1_21 = arith.constant 1 : index
        %21 = arith.index_cast %c0_20 : index to i64
        %22 = arith.index_cast %8 : index to i64
        %23 = arith.extsi %4 : i32 to i64
        %24 = arith.extsi %5 : i32 to i64
        %c64_i64 = arith.constant 64 : i64
        %c64_i64_22 = arith.constant 64 : i64
        %c1_i64 = arith.constant 1 : i64
        %25 = arith.extsi %20 : i32 to i64
        %26 = arith.addi %25, %c64_i64 : i64
        %27 = arith.cmpi sle, %26, %24 : i64
        %28 = arith.select %27, %22, %21 : i64
        %29 = arith.minsi %28, %22 : i64
        %30 = arith.maxsi %29, %21 : i64
        %31 = arith.index_cast %21 : i64 to index
        %32 = arith.index_cast %21 : i64 to index
        %33 = arith.index_cast %30 : i64 to index
        %34:2 = scf.for %arg17 = %31 to %32 step %c1_21 iter_args(%arg18 = %arg15, %arg19 = %arg16) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
          %c64_23 = arith.constant 64 : index
          %37 = arith.muli %arg17, %c64_23 : index
          %38 = arith.index_cast %37 : index to i32
          %39 = faattn.tile_load %arg4[%arg11, %17, %37] <bshd> : memref<?x2x?xf32> -> <64x1xf32>
          %40 = faattn.tile_load %arg0[%arg11, %17, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
          %41 = faattn.tile_map %40, %39 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst_24 = arith.constant 0xFF800000 : f32
            %58 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : bf16
            %59 = arith.select %58, %cst_25, %arg20 : bf16
            faattn.yield %59 : bf16
          }
          %42 = faattn.tile_load %arg5[%arg11, %17, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
          %43 = faattn.tile_map %42, %39 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst_24 = arith.constant 0xFF800000 : f32
            %58 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : bf16
            %59 = arith.select %58, %cst_25, %arg20 : bf16
            faattn.yield %59 : bf16
          }
          %44 = faattn.tile_load %delta[%arg11, %17, %37] <bshd> : memref<?x2x?xf32> -> <64x1xf32>
          %45 = faattn.tile_dot %41, %9 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %46:2 = faattn.tile_score_grad %45 at[%18, %19, %38, %20] seq[%4, %5] params(%arg9 : memref<2xf32>) {scale = 1.250000e-01 : f32} : <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg20: memref<2xf32>):
            %cst_24 = arith.constant 1.000000e+00 : f32
            %58 = arith.index_cast %h : i32 to index
            %59 = memref.load %arg20[%58] : memref<2xf32>
            %60 = arith.subi %q_idx, %kv_idx : i32
            %61 = math.absi %60 : i32
            %62 = arith.sitofp %61 : i32 to f32
            %63 = arith.mulf %59, %62 : f32
            %64 = arith.subf %score, %63 : f32
            %65 = arith.negf %62 : f32
            faattn.grad_yield %64, %cst_24 params(%65 -> %arg20[%58] : memref<2xf32>)
          }
          %47 = faattn.tile_mask %46#0 at[%18, %19, %38, %20] seq[%4, %5] params(%arg9 : memref<2xf32>) : <64x64xf32>
          %48 = faattn.tile_map %47, %39 : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %58 = arith.subf %arg20, %arg21 : f32
            %59 = math.exp %58 : f32
            %cst_24 = arith.constant 0xFF800000 : f32
            %60 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : f32
            %61 = arith.select %60, %cst_25, %59 : f32
            faattn.yield %61 : f32
          }
          %49 = faattn.tile_dot %43, %10 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %50 = faattn.tile_map %48, %49, %44 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %58 = arith.subf %arg21, %arg22 : f32
            %59 = arith.mulf %arg20, %58 : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %60 = arith.cmpf oeq, %arg20, %cst_24 : f32
            %61 = arith.select %60, %cst_24, %59 : f32
            faattn.yield %61 : f32
          }
          %51 = faattn.tile_map %48, %50, %46#1 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %58 = arith.mulf %arg21, %arg22 : f32
            %cst_24 = arith.constant 1.250000e-01 : f32
            %59 = arith.mulf %58, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : f32
            %60 = arith.cmpf oeq, %arg20, %cst_25 : f32
            %61 = arith.select %60, %cst_25, %59 : f32
            %62 = arith.truncf %61 : f32 to bf16
            faattn.yield %62 : bf16
          }
          %52 = faattn.tile_map %48 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg20: f32):
            %58 = arith.truncf %arg20 : f32 to bf16
            faattn.yield %58 : bf16
          }
          %53 = faattn.tile_dot %52, %43 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %54 = faattn.tile_map %arg19, %53 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %58 = arith.addf %arg20, %arg21 : f32
            faattn.yield %58 : f32
          }
          %55 = faattn.tile_dot %51, %41 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %56 = faattn.tile_map %arg18, %55 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %58 = arith.addf %arg20, %arg21 : f32
            faattn.yield %58 : f32
          }
          %57 = faattn.tile_dot %51, %9 : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          faattn.tile_store %57, %dq_acc[%arg11, %17, %37] <bshd> {accumulate} : <64x64xf32>, memref<?x?x2x64xf32>
          faattn.tile_param_grad %45, %50 at[%18, %19, %38, %20] seq[%4, %5] params(%arg9 : memref<2xf32>) grads(%arg10 : memref<2xf32>) {requires_grad = array<i64: 0>, scale = 1.250000e-01 : f32} : <64x64xf32>, <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg20: memref<2xf32>):
            %cst_24 = arith.constant 1.000000e+00 : f32
            %58 = arith.index_cast %h : i32 to index
            %59 = memref.load %arg20[%58] : memref<2xf32>
            %60 = arith.subi %q_idx, %kv_idx : i32
            %61 = math.absi %60 : i32
            %62 = arith.sitofp %61 : i32 to f32
            %63 = arith.mulf %59, %62 : f32
            %64 = arith.subf %score, %63 : f32
            %65 = arith.negf %62 : f32
            faattn.grad_yield %64, %cst_24 params(%65 -> %arg20[%58] : memref<2xf32>)
          }
          scf.yield %56, %54 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
        } {faattn.q_loop = "masked"}
        %35:2 = scf.for %arg17 = %32 to %33 step %c1_21 iter_args(%arg18 = %34#0, %arg19 = %34#1) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
          %c64_23 = arith.constant 64 : index
          %37 = arith.muli %arg17, %c64_23 : index
          %38 = arith.index_cast %37 : index to i32
          %39 = faattn.tile_load %arg4[%arg11, %17, %37] <bshd> : memref<?x2x?xf32> -> <64x1xf32>
          %40 = faattn.tile_load %arg0[%arg11, %17, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
          %41 = faattn.tile_map %40, %39 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst_24 = arith.constant 0xFF800000 : f32
            %57 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : bf16
            %58 = arith.select %57, %cst_25, %arg20 : bf16
            faattn.yield %58 : bf16
          }
          %42 = faattn.tile_load %arg5[%arg11, %17, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
          %43 = faattn.tile_map %42, %39 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst_24 = arith.constant 0xFF800000 : f32
            %57 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : bf16
            %58 = arith.select %57, %cst_25, %arg20 : bf16
            faattn.yield %58 : bf16
          }
          %44 = faattn.tile_load %delta[%arg11, %17, %37] <bshd> : memref<?x2x?xf32> -> <64x1xf32>
          %45 = faattn.tile_dot %41, %9 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %46:2 = faattn.tile_score_grad %45 at[%18, %19, %38, %20] seq[%4, %5] params(%arg9 : memref<2xf32>) {scale = 1.250000e-01 : f32} : <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg20: memref<2xf32>):
            %cst_24 = arith.constant 1.000000e+00 : f32
            %57 = arith.index_cast %h : i32 to index
            %58 = memref.load %arg20[%57] : memref<2xf32>
            %59 = arith.subi %q_idx, %kv_idx : i32
            %60 = math.absi %59 : i32
            %61 = arith.sitofp %60 : i32 to f32
            %62 = arith.mulf %58, %61 : f32
            %63 = arith.subf %score, %62 : f32
            %64 = arith.negf %61 : f32
            faattn.grad_yield %63, %cst_24 params(%64 -> %arg20[%57] : memref<2xf32>)
          }
          %47 = faattn.tile_map %46#0, %39 : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %57 = arith.subf %arg20, %arg21 : f32
            %58 = math.exp %57 : f32
            %cst_24 = arith.constant 0xFF800000 : f32
            %59 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : f32
            %60 = arith.select %59, %cst_25, %58 : f32
            faattn.yield %60 : f32
          }
          %48 = faattn.tile_dot %43, %10 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %49 = faattn.tile_map %47, %48, %44 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %57 = arith.subf %arg21, %arg22 : f32
            %58 = arith.mulf %arg20, %57 : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %59 = arith.cmpf oeq, %arg20, %cst_24 : f32
            %60 = arith.select %59, %cst_24, %58 : f32
            faattn.yield %60 : f32
          }
          %50 = faattn.tile_map %47, %49, %46#1 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %57 = arith.mulf %arg21, %arg22 : f32
            %cst_24 = arith.constant 1.250000e-01 : f32
            %58 = arith.mulf %57, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : f32
            %59 = arith.cmpf oeq, %arg20, %cst_25 : f32
            %60 = arith.select %59, %cst_25, %58 : f32
            %61 = arith.truncf %60 : f32 to bf16
            faattn.yield %61 : bf16
          }
          %51 = faattn.tile_map %47 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg20: f32):
            %57 = arith.truncf %arg20 : f32 to bf16
            faattn.yield %57 : bf16
          }
          %52 = faattn.tile_dot %51, %43 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %53 = faattn.tile_map %arg19, %52 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %57 = arith.addf %arg20, %arg21 : f32
            faattn.yield %57 : f32
          }
          %54 = faattn.tile_dot %50, %41 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %55 = faattn.tile_map %arg18, %54 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %57 = arith.addf %arg20, %arg21 : f32
            faattn.yield %57 : f32
          }
          %56 = faattn.tile_dot %50, %9 : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          faattn.tile_store %56, %dq_acc[%arg11, %17, %37] <bshd> {accumulate} : <64x64xf32>, memref<?x?x2x64xf32>
          faattn.tile_param_grad %45, %49 at[%18, %19, %38, %20] seq[%4, %5] params(%arg9 : memref<2xf32>) grads(%arg10 : memref<2xf32>) {requires_grad = array<i64: 0>, scale = 1.250000e-01 : f32} : <64x64xf32>, <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg20: memref<2xf32>):
            %cst_24 = arith.constant 1.000000e+00 : f32
            %57 = arith.index_cast %h : i32 to index
            %58 = memref.load %arg20[%57] : memref<2xf32>
            %59 = arith.subi %q_idx, %kv_idx : i32
            %60 = math.absi %59 : i32
            %61 = arith.sitofp %60 : i32 to f32
            %62 = arith.mulf %58, %61 : f32
            %63 = arith.subf %score, %62 : f32
            %64 = arith.negf %61 : f32
            faattn.grad_yield %63, %cst_24 params(%64 -> %arg20[%57] : memref<2xf32>)
          }
          scf.yield %55, %53 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
        } {faattn.q_loop = "full"}
        %36:2 = scf.for %arg17 = %33 to %8 step %c1_21 iter_args(%arg18 = %35#0, %arg19 = %35#1) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
          %c64_23 = arith.constant 64 : index
          %37 = arith.muli %arg17, %c64_23 : index
          %38 = arith.index_cast %37 : index to i32
          %39 = faattn.tile_load %arg4[%arg11, %17, %37] <bshd> : memref<?x2x?xf32> -> <64x1xf32>
          %40 = faattn.tile_load %arg0[%arg11, %17, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
          %41 = faattn.tile_map %40, %39 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst_24 = arith.constant 0xFF800000 : f32
            %58 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : bf16
            %59 = arith.select %58, %cst_25, %arg20 : bf16
            faattn.yield %59 : bf16
          }
          %42 = faattn.tile_load %arg5[%arg11, %17, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
          %43 = faattn.tile_map %42, %39 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst_24 = arith.constant 0xFF800000 : f32
            %58 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : bf16
            %59 = arith.select %58, %cst_25, %arg20 : bf16
            faattn.yield %59 : bf16
          }
          %44 = faattn.tile_load %delta[%arg11, %17, %37] <bshd> : memref<?x2x?xf32> -> <64x1xf32>
          %45 = faattn.tile_dot %41, %9 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %46:2 = faattn.tile_score_grad %45 at[%18, %19, %38, %20] seq[%4, %5] params(%arg9 : memref<2xf32>) {scale = 1.250000e-01 : f32} : <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg20: memref<2xf32>):
            %cst_24 = arith.constant 1.000000e+00 : f32
            %58 = arith.index_cast %h : i32 to index
            %59 = memref.load %arg20[%58] : memref<2xf32>
            %60 = arith.subi %q_idx, %kv_idx : i32
            %61 = math.absi %60 : i32
            %62 = arith.sitofp %61 : i32 to f32
            %63 = arith.mulf %59, %62 : f32
            %64 = arith.subf %score, %63 : f32
            %65 = arith.negf %62 : f32
            faattn.grad_yield %64, %cst_24 params(%65 -> %arg20[%58] : memref<2xf32>)
          }
          %47 = faattn.tile_mask %46#0 at[%18, %19, %38, %20] seq[%4, %5] params(%arg9 : memref<2xf32>) : <64x64xf32>
          %48 = faattn.tile_map %47, %39 : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %58 = arith.subf %arg20, %arg21 : f32
            %59 = math.exp %58 : f32
            %cst_24 = arith.constant 0xFF800000 : f32
            %60 = arith.cmpf oeq, %arg21, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : f32
            %61 = arith.select %60, %cst_25, %59 : f32
            faattn.yield %61 : f32
          }
          %49 = faattn.tile_dot %43, %10 {transpose_rhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %50 = faattn.tile_map %48, %49, %44 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %58 = arith.subf %arg21, %arg22 : f32
            %59 = arith.mulf %arg20, %58 : f32
            %cst_24 = arith.constant 0.000000e+00 : f32
            %60 = arith.cmpf oeq, %arg20, %cst_24 : f32
            %61 = arith.select %60, %cst_24, %59 : f32
            faattn.yield %61 : f32
          }
          %51 = faattn.tile_map %48, %50, %46#1 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %58 = arith.mulf %arg21, %arg22 : f32
            %cst_24 = arith.constant 1.250000e-01 : f32
            %59 = arith.mulf %58, %cst_24 : f32
            %cst_25 = arith.constant 0.000000e+00 : f32
            %60 = arith.cmpf oeq, %arg20, %cst_25 : f32
            %61 = arith.select %60, %cst_25, %59 : f32
            %62 = arith.truncf %61 : f32 to bf16
            faattn.yield %62 : bf16
          }
          %52 = faattn.tile_map %48 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
          ^bb0(%arg20: f32):
            %58 = arith.truncf %arg20 : f32 to bf16
            faattn.yield %58 : bf16
          }
          %53 = faattn.tile_dot %52, %43 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %54 = faattn.tile_map %arg19, %53 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %58 = arith.addf %arg20, %arg21 : f32
            faattn.yield %58 : f32
          }
          %55 = faattn.tile_dot %51, %41 {transpose_lhs} : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          %56 = faattn.tile_map %arg18, %55 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %58 = arith.addf %arg20, %arg21 : f32
            faattn.yield %58 : f32
          }
          %57 = faattn.tile_dot %51, %9 : <64x64xbf16>, <64x64xbf16> -> <64x64xf32>
          faattn.tile_store %57, %dq_acc[%arg11, %17, %37] <bshd> {accumulate} : <64x64xf32>, memref<?x?x2x64xf32>
          faattn.tile_param_grad %45, %50 at[%18, %19, %38, %20] seq[%4, %5] params(%arg9 : memref<2xf32>) grads(%arg10 : memref<2xf32>) {requires_grad = array<i64: 0>, scale = 1.250000e-01 : f32} : <64x64xf32>, <64x64xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg20: memref<2xf32>):
            %cst_24 = arith.constant 1.000000e+00 : f32
            %58 = arith.index_cast %h : i32 to index
            %59 = memref.load %arg20[%58] : memref<2xf32>
            %60 = arith.subi %q_idx, %kv_idx : i32
            %61 = math.absi %60 : i32
            %62 = arith.sitofp %61 : i32 to f32
            %63 = arith.mulf %59, %62 : f32
            %64 = arith.subf %score, %63 : f32
            %65 = arith.negf %62 : f32
            faattn.grad_yield %64, %cst_24 params(%65 -> %arg20[%58] : memref<2xf32>)
          }
          scf.yield %56, %54 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
        } {faattn.q_loop = "masked"}
        scf.yield %36#0, %36#1 : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
      }
      %14 = faattn.tile_map %13#0 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
      ^bb0(%arg14: f32):
        %16 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %16 : bf16
      }
      faattn.tile_store %14, %arg7[%arg11, %arg12, %3] <bshd> : <64x64xbf16>, memref<?x?x1x64xbf16>
      %15 = faattn.tile_map %13#1 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
      ^bb0(%arg14: f32):
        %16 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %16 : bf16
      }
      faattn.tile_store %15, %arg8[%arg11, %arg12, %3] <bshd> : <64x64xbf16>, memref<?x?x1x64xbf16>
    } {faattn.backward_grid = "main", faattn.block_counts = {empty = 0 : i64, full = 4096 : i64, partial = 0 : i64}, faattn.grid}
    return
  }
}

