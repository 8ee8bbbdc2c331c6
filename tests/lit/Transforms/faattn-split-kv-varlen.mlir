// faattn-split-kv on a varlen decode grid (faattn-compile --emit=mlir --stop-after=faattn-loop-order
// of `kernel vl { mode = decode; heads = 4 : 2; head_dim = 32; dtype = bf16; varlen; return_lse;
// tile = 16x32 }`, GQA-packed two heads a CTA): the query rows are packed, each sequence's at
// its cu_seqlens_q offset. The splits divide each CTA's own sequence's KV blocks; the workspace
// has S rows (not batch * S) of all total_q rows, each split's partials at the packed rows (the
// output store's offset and limit); the combine CTA of sequence b reads cu_seqlens_q again
// (the split grid's offset and limit, cloned) and walks its q-block's rows of that sequence.
// Balanced splits (the default balance 2): sequence b takes n = min(S, max(floor(own_b * B *
// S_u / T), 1)) splits of ceil(own_b / n) blocks, S_u = max(S / 2, 1) and T the batch's total
// blocks from cu_seqlens_kv[B] - cu_seqlens_kv[0], so a sequence longer than the average takes
// more splits; the combine reads the ceil(own_b / chunk) splits sequence b used. balance=1:
// each sequence divides its own blocks by S and the combine reads all S.
// RUN: faattn-opt %s -faattn-split-kv | FileCheck %s
// RUN: faattn-opt %s -faattn-split-kv=workspace-args=true | FileCheck %s --check-prefix=ARGS
// RUN: faattn-opt %s -faattn-split-kv=balance=1 | FileCheck %s --check-prefix=BAL1

// CHECK-LABEL: func.func @vl(
// CHECK-SAME: %[[O:arg3]]: memref<?x?x4x32xbf16>, %[[LSE:arg4]]: memref<?x4x?xf32>, %[[CUQ:arg5]]: memref<?xi32>
// CHECK: %[[BOUND:.*]] = arith.ceildivui %{{.*}}, %c32 : index
// CHECK: %[[MIN:.*]] = arith.minui %[[BOUND]], %c16{{.*}} : index
// CHECK: %[[S:.*]] = arith.maxui %[[MIN]], %c1{{.*}} : index
// CHECK: %[[TOTAL:.*]] = memref.dim %[[O]], %c1
// CHECK: %[[OPART:.*]] = memref.alloc(%[[S]], %[[TOTAL]]) : memref<?x?x4x32xf32>
// CHECK: %[[LPART:.*]] = memref.alloc(%[[S]], %[[TOTAL]]) : memref<?x4x?xf32>
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]], %{{.*}}, %[[SPLIT:.*]]) in (%{{.*}}, 2, %{{.*}}, %[[S]]) {
// CHECK:   %[[Q0:.*]] = memref.load %[[CUQ]][%[[B]]] : memref<?xi32>
// CHECK:   %[[START:.*]] = arith.index_cast %[[Q0]] : i32 to index
// CHECK:   %[[FROM:.*]] = arith.minui %[[START]], %{{.*}} : index
// CHECK:   %[[LEFT:.*]] = arith.subi %{{.*}}, %[[FROM]] : index
// CHECK:   %[[LIMIT:.*]] = arith.minui %{{.*}}, %[[LEFT]] : index
// CHECK:   %[[KVBLOCKS:.*]] = arith.ceildivui %[[KVLIMIT:.*]], %c32{{.*}} : index
// CHECK:   %[[LOCAL:.*]] = arith.select %{{.*}}, %c0{{.*}}, %[[KVBLOCKS]] : index
// CHECK:   %[[OWN:.*]] = arith.minui %[[BOUND]], %[[LOCAL]] : index
// CHECK:   %[[OWNALL:.*]] = arith.minui %[[BOUND]], %[[KVBLOCKS]] : index
// CHECK:   %[[K0:.*]] = memref.load %[[CUKV:arg6]][%c0{{.*}}] : memref<?xi32>
// CHECK:   %[[KB:.*]] = memref.load %[[CUKV]][%[[NB:.*]]] : memref<?xi32>
// CHECK:   %[[KEYS:.*]] = arith.select %{{.*}}, %c0{{.*}}, %{{.*}} : index
// CHECK:   %[[T:.*]] = arith.ceildivui %[[KEYS]], %c32{{.*}} : index
// CHECK:   %[[HALF:.*]] = arith.divui %[[S]], %c2{{.*}} : index
// CHECK:   %[[SU:.*]] = arith.maxui %[[HALF]], %c1{{.*}} : index
// CHECK:   %[[NB1:.*]] = arith.maxui %[[NB]], %c1{{.*}} : index
// CHECK:   %[[CTAS:.*]] = arith.muli %[[NB1]], %[[SU]] : index
// CHECK:   %[[SCALED:.*]] = arith.muli %[[OWNALL]], %[[CTAS]] : index
// CHECK:   %[[T1:.*]] = arith.maxui %[[T]], %c1{{.*}} : index
// CHECK:   %[[SHARE:.*]] = arith.divui %[[SCALED]], %[[T1]] : index
// CHECK:   %[[SHARE1:.*]] = arith.maxui %[[SHARE]], %c1{{.*}} : index
// CHECK:   %[[N:.*]] = arith.minui %[[SHARE1]], %[[S]] : index
// CHECK:   %[[PER:.*]] = arith.ceildivui %[[OWNALL]], %[[N]] : index
// CHECK:   %[[CHUNK:.*]] = arith.maxui %[[PER]], %c1{{.*}} : index
// CHECK-NEXT: %[[LO:.*]] = arith.muli %[[SPLIT]], %[[CHUNK]] : index
// CHECK-NEXT: %[[END:.*]] = arith.addi %[[LO]], %[[CHUNK]] : index
// CHECK-NEXT: %[[HI:.*]] = arith.minui %[[END]], %[[OWN]] : index
// CHECK-NEXT: scf.for %{{.*}} = %[[LO]] to %[[HI]]
// Workspace row s, at the sequence's packed rows.
// A split past the blocks its sequence uses stores no row (limit 0).
// CHECK: %[[IDLE:.*]] = arith.cmpi uge, %[[LO]], %[[OWNALL]] : index
// CHECK: %[[SLIMIT:.*]] = arith.select %[[IDLE]], %c0{{.*}}, %[[LIMIT]] : index
// CHECK: faattn.tile_store %out, %[[OPART]][%[[SPLIT]], %{{.*}}, %{{.*}}] <bshd> offset %[[START]] limit %[[SLIMIT]] {head_group = 2 : i64}
// CHECK: faattn.tile_store %lse, %[[LPART]][%[[SPLIT]], %{{.*}}, %{{.*}}] <bshd> offset %[[START]] limit %[[SLIMIT]] {head_group = 2 : i64}
// CHECK: } {faattn.grid, faattn.split_kv}
// The combine: one query head a CTA; sequence cb's rows [start, start + limit).
// CHECK: scf.forall (%[[CB:.*]], %[[CH:.*]], %[[CQ:.*]]) in (%{{.*}}, 4, %{{.*}}) {
// CHECK:   %[[CSTART:.*]] = memref.load %[[CUQ]][%[[CB]]] : memref<?xi32>
// CHECK:   %[[CS:.*]] = arith.index_cast %[[CSTART]] : i32 to index
// CHECK:   %[[CFROM:.*]] = arith.minui %[[CS]], %{{.*}} : index
// CHECK:   %[[CLEFT:.*]] = arith.subi %{{.*}}, %[[CFROM]] : index
// CHECK:   %[[CLIMIT:.*]] = arith.minui %{{.*}}, %[[CLEFT]] : index
// CHECK:   %[[R0:.*]] = arith.muli %[[CQ]], %c16
// CHECK:   %[[R1:.*]] = arith.addi %[[R0]], %c16
// CHECK:   %[[REND:.*]] = arith.minui %[[R1]], %[[CLIMIT]]
// The splits sequence cb used: its own blocks and the total again, the chunk, ceil(own / chunk).
// CHECK:   memref.load %[[CUKV]][%[[CB]]] : memref<?xi32>
// CHECK:   %[[COWN:.*]] = arith.minui %[[BOUND]], %{{.*}} : index
// CHECK:   memref.load %[[CUKV]][%c0{{.*}}] : memref<?xi32>
// CHECK:   memref.load %[[CUKV]][%[[NB]]] : memref<?xi32>
// CHECK:   %[[CN:.*]] = arith.minui %{{.*}}, %[[S]] : index
// CHECK:   %[[CPER:.*]] = arith.ceildivui %[[COWN]], %[[CN]] : index
// CHECK:   %[[CCHUNK:.*]] = arith.maxui %[[CPER]], %c1{{.*}} : index
// CHECK:   %[[LIVE:.*]] = arith.ceildivui %[[COWN]], %[[CCHUNK]] : index
// CHECK:   %[[USED:.*]] = arith.minui %[[LIVE]], %[[S]] : index
// CHECK:   scf.parallel (%[[C:.*]]) =
// CHECK:     scf.for %[[R:.*]] = %[[R0]] to %[[REND]]
// CHECK:       %[[ROW:.*]] = arith.addi %[[CS]], %[[R]] : index
// CHECK:       scf.for %[[S1:.*]] = %c0{{.*}} to %[[USED]]
// CHECK:         %[[P1:.*]] = arith.addi %c0{{.*}}, %[[S1]] : index
// CHECK:         memref.load %[[LPART]][%[[P1]], %[[CH]], %[[ROW]]]
// CHECK:         memref.load %[[OPART]][%{{.*}}, %[[ROW]], %[[CH]], %[[C]]]
// CHECK:       memref.store %{{.*}}, %[[O]][%c0{{.*}}, %[[ROW]], %[[CH]], %[[C]]]
// CHECK:         memref.store %{{.*}}, %[[LSE]][%c0{{.*}}, %[[CH]], %[[ROW]]]
// CHECK: } {faattn.block_m = 16 : i64, faattn.split_kv_combine}

// balance=1: each sequence's own blocks over S, no total read; the combine reads all S.
// BAL1-LABEL: func.func @vl(
// BAL1: %[[S:.*]] = arith.maxui %{{.*}}, %c1{{.*}} : index
// BAL1: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}, %[[SPLIT:.*]]) in (%{{.*}}, 2, %{{.*}}, %[[S]]) {
// BAL1-NOT: memref.load %arg6[%c0
// BAL1:   %[[CHUNK:.*]] = arith.ceildivui %{{.*}}, %[[S]] : index
// BAL1-NEXT: %[[LO:.*]] = arith.muli %[[SPLIT]], %[[CHUNK]] : index
// BAL1-NOT: arith.cmpi uge
// BAL1: } {faattn.grid, faattn.split_kv}
// BAL1: scf.for %{{.*}} = %c0{{.*}} to %[[S]]
// BAL1: } {faattn.block_m = 16 : i64, faattn.split_kv_combine}

// With the workspace as arguments S is its first dimension (not divided by the batch); the
// function tells the runtime to launch balance x its model's count.
// ARGS-LABEL: func.func @vl(
// ARGS-SAME: %[[OPART:arg7]]: memref<?x?x4x32xf32>, %[[LPART:arg8]]: memref<?x4x?xf32>)
// ARGS-SAME: faattn.split_kv = {balance = 2 : i64, block_n = 32 : i64, max_splits = 16 : i64}
// ARGS: %[[S0:.*]] = memref.dim %[[OPART]], %c0
// ARGS: %[[S:.*]] = arith.maxui %[[S0]], %c1{{.*}} : index
// ARGS-NOT: arith.divui %[[S0]]
// ARGS: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}, %[[SPLIT:.*]]) in (%{{.*}}, 2, %{{.*}}, %[[S]]) {
// ARGS: faattn.tile_store %out, %[[OPART]][%[[SPLIT]], %{{.*}}, %{{.*}}] <bshd> offset
// ARGS: } {faattn.grid, faattn.split_kv}

  func.func @vl(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?xi32>, %arg6: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg5, %c0 : memref<?xi32>
    %c1 = arith.constant 1 : index
    %0 = arith.subi %dim, %c1 : index
    %c1_0 = arith.constant 1 : index
    %dim_1 = memref.dim %arg0, %c1_0 : memref<?x?x4x32xbf16>
    %c1_2 = arith.constant 1 : index
    %dim_3 = memref.dim %arg1, %c1_2 : memref<?x?x2x32xbf16>
    %c8 = arith.constant 8 : index
    %1 = arith.ceildivui %dim_1, %c8 : index
    %c32 = arith.constant 32 : index
    %2 = arith.ceildivui %dim_3, %c32 : index
    %3 = arith.index_cast %dim_1 : index to i32
    %4 = arith.index_cast %dim_3 : index to i32
    scf.forall (%arg7, %arg8, %arg9) in (%0, 2, %1) {
      %c2 = arith.constant 2 : index
      %5 = arith.muli %arg8, %c2 : index
      %c2_4 = arith.constant 2 : index
      %6 = arith.divui %5, %c2_4 : index
      %c8_5 = arith.constant 8 : index
      %7 = arith.muli %arg9, %c8_5 : index
      %8 = arith.index_cast %arg7 : index to i32
      %9 = arith.index_cast %5 : index to i32
      %10 = arith.index_cast %7 : index to i32
      %c1_6 = arith.constant 1 : index
      %11 = arith.addi %arg7, %c1_6 : index
      %c0_7 = arith.constant 0 : index
      %12 = memref.load %arg5[%arg7] : memref<?xi32>
      %13 = arith.index_cast %12 : i32 to index
      %14 = memref.load %arg5[%11] : memref<?xi32>
      %15 = arith.index_cast %14 : i32 to index
      %16 = arith.subi %15, %13 : index
      %c0_8 = arith.constant 0 : index
      %17 = arith.cmpi slt, %16, %c0_8 : index
      %c0_9 = arith.constant 0 : index
      %18 = arith.select %17, %c0_9, %16 : index
      %c1_10 = arith.constant 1 : index
      %dim_11 = memref.dim %arg0, %c1_10 : memref<?x?x4x32xbf16>
      %19 = arith.minui %13, %dim_11 : index
      %20 = arith.subi %dim_11, %19 : index
      %21 = arith.minui %18, %20 : index
      %c0_12 = arith.constant 0 : index
      %22 = memref.load %arg6[%arg7] : memref<?xi32>
      %23 = arith.index_cast %22 : i32 to index
      %24 = memref.load %arg6[%11] : memref<?xi32>
      %25 = arith.index_cast %24 : i32 to index
      %26 = arith.subi %25, %23 : index
      %c0_13 = arith.constant 0 : index
      %27 = arith.cmpi slt, %26, %c0_13 : index
      %c0_14 = arith.constant 0 : index
      %28 = arith.select %27, %c0_14, %26 : index
      %c1_15 = arith.constant 1 : index
      %dim_16 = memref.dim %arg1, %c1_15 : memref<?x?x2x32xbf16>
      %29 = arith.minui %23, %dim_16 : index
      %30 = arith.subi %dim_16, %29 : index
      %31 = arith.minui %28, %30 : index
      %32 = arith.index_cast %21 : index to i32
      %33 = arith.index_cast %31 : index to i32
      %c32_17 = arith.constant 32 : index
      %34 = arith.ceildivui %31, %c32_17 : index
      %35 = arith.cmpi uge, %7, %21 : index
      %c0_18 = arith.constant 0 : index
      %36 = arith.select %35, %c0_18, %34 : index
      %37 = arith.minui %2, %36 : index
      %38 = faattn.tile_load %arg0[%c0_7, %5, %7] <bshd> offset %13 limit %21 {head_group = 2 : i64} : memref<?x?x4x32xbf16> -> <16x32xbf16>
      %39 = faattn.tile_splat 0.000000e+00 : <16x32xf32>
      %40 = faattn.tile_splat 0xFF800000 : <16x1xf32>
      %41 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
      %c0_19 = arith.constant 0 : index
      %c1_20 = arith.constant 1 : index
      %42:3 = scf.for %arg10 = %c0_19 to %37 step %c1_20 iter_args(%arg11 = %39, %arg12 = %40, %arg13 = %41) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
        %c32_21 = arith.constant 32 : index
        %43 = arith.muli %arg10, %c32_21 : index
        %44 = arith.index_cast %43 : index to i32
        %45 = faattn.tile_load %arg1[%c0_12, %6, %43] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16>
        %46 = faattn.tile_dot %38, %45 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
        %47 = faattn.tile_mask %46 at[%8, %9, %10, %44] seq[%32, %33] {head_group = 2 : i64} : <16x32xf32>
        %48 = faattn.tile_load %arg2[%c0_12, %6, %43] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16>
        %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %47, %48, %arg11, %arg12, %arg13 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <32x32xbf16>, <16x32xf32>, <16x1xf32>
        scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
      } {faattn.kv_loop}
      %out, %lse = faattn.softmax_finalize %42#0, %42#1, %42#2 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
      faattn.tile_store %out, %arg3[%c0_7, %5, %7] <bshd> offset %13 limit %21 {head_group = 2 : i64} : <16x32xbf16>, memref<?x?x4x32xbf16>
      faattn.tile_store %lse, %arg4[%c0_7, %5, %7] <bshd> offset %13 limit %21 {head_group = 2 : i64} : <16x1xf32>, memref<?x4x?xf32>
    } {faattn.decode, faattn.grid}
    return
  }
