// faattn-split-kv on a paged decode grid (faattn-compile --emit=mlir --stop-after=faattn-loop-order
// of `kernel paged { mode = decode; heads = 4 : 2; head_dim = 32; dtype = bf16; paged_kv(page =
// 16) }`): S comes from the table's block count (the bound above the grid), but each CTA's
// splits divide its own sequence's blocks (min(bound, ceil(seqlens_kv[b] / 128))), so that a
// short sequence in a table sized for a long context still spreads over every split.
// RUN: faattn-opt %s -faattn-split-kv | FileCheck %s
// RUN: faattn-opt %s -faattn-split-kv=workspace-args=true | FileCheck %s --check-prefix=ARGS
// RUN: faattn-opt %s -faattn-split-kv=balance-paged=true | FileCheck %s --check-prefix=BAL
// RUN: faattn-opt %s -faattn-split-kv="balance-paged=true workspace-args=true" | FileCheck %s --check-prefix=BALARGS

// CHECK-LABEL: func.func @paged(
// CHECK: %[[BOUND:.*]] = arith.ceildivui %{{.*}}, %c128 : index
// CHECK: %[[MIN:.*]] = arith.minui %[[BOUND]], %c16{{.*}} : index
// CHECK: %[[S:.*]] = arith.maxui %[[MIN]], %c1{{.*}} : index
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}, %[[SPLIT:.*]]) in (%{{.*}}, 2, %{{.*}}, %[[S]]) {
// CHECK:   %[[LEN:.*]] = memref.load %arg5[%{{.*}}] : memref<?xi32>
// CHECK:   %[[OWN:.*]] = arith.minui %[[BOUND]], %{{.*}} : index
// CHECK:   %[[CHUNK:.*]] = arith.ceildivui %[[OWN]], %[[S]] : index
// CHECK-NEXT: %[[LO:.*]] = arith.muli %[[SPLIT]], %[[CHUNK]] : index
// CHECK-NEXT: %[[END:.*]] = arith.addi %[[LO]], %[[CHUNK]] : index
// CHECK-NEXT: %[[HI:.*]] = arith.minui %[[END]], %[[OWN]] : index
// CHECK-NEXT: scf.for %{{.*}} = %[[LO]] to %[[HI]]
// With the workspace as arguments S is its first dimension / batch; the division is the same.
// ARGS-LABEL: func.func @paged(
// ARGS: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}, %[[SPLIT:.*]]) in (%{{.*}}, 2, %{{.*}}, %[[S:.*]]) {
// ARGS:   %[[OWN:.*]] = arith.minui %{{.*}}, %{{.*}} : index
// ARGS:   %[[CHUNK:.*]] = arith.ceildivui %[[OWN]], %[[S]] : index
// ARGS-NEXT: %[[LO:.*]] = arith.muli %[[SPLIT]], %[[CHUNK]] : index


// balance-paged (FAATTN_EXPERIMENTAL_PAGED_BALANCE=1): the splits are balanced as varlen K/V's
// (faattn-split-kv-varlen.mlir), T the sum over the batch's sequences of min(bound,
// ceil(seqlens_kv[i] / 128)) (a loop in every split CTA, and again in the combine CTA), sequence
// b taking n = min(S, max(floor(own * B * S_u / T), 1)) splits of ceil(own / n) blocks,
// S_u = max(S / 2, 1); the combine reads the ceil(own / chunk) splits it used.
// BAL-LABEL: func.func @paged(
// BAL: %[[BOUND:.*]] = arith.ceildivui %{{.*}}, %c128 : index
// BAL: %[[S:.*]] = arith.maxui %{{.*}}, %c1{{.*}} : index
// BAL: scf.forall (%[[B:.*]], %{{.*}}, %{{.*}}, %[[SPLIT:.*]]) in (%[[BATCH:[a-z0-9_]+]], 2, %{{.*}}, %[[S]]) {
// BAL:   arith.minui %[[BOUND]], %{{.*}} : index
// BAL:   %[[T:.*]] = scf.for %[[I:.*]] = %c0{{.*}} to %[[BATCH]] step %c1{{.*}} iter_args(%[[ACC:.*]] = %c0{{.*}}) -> (index) {
// BAL:     memref.load %arg5[%[[I]]] : memref<?xi32>
// BAL:     %[[OWNI:.*]] = arith.minui %[[BOUND]], %{{.*}} : index
// BAL:     %[[SUM:.*]] = arith.addi %[[ACC]], %[[OWNI]] : index
// BAL:     scf.yield %[[SUM]] : index
// BAL:   %[[SU0:.*]] = arith.divui %[[S]], %c2
// BAL:   %[[SU:.*]] = arith.maxui %[[SU0]], %c1
// BAL:   %[[TMAX:.*]] = arith.maxui %[[T]], %c1
// BAL:   %[[N0:.*]] = arith.maxui %{{.*}}, %c1
// BAL:   %[[N:.*]] = arith.minui %[[N0]], %[[S]]
// BAL:   %[[CH0:.*]] = arith.ceildivui %{{.*}}, %[[N]]
// BAL:   %[[CHUNK:.*]] = arith.maxui %[[CH0]], %c1
// BAL:   %[[LO:.*]] = arith.muli %[[SPLIT]], %[[CHUNK]] : index
// BAL: } {faattn.grid, faattn.split_kv}
// BAL: scf.forall
// BAL:   %[[T2L:.*]] = scf.for %{{.*}} = %c0{{.*}} to %[[BATCH]] step %c1{{.*}} iter_args(
// BAL:   %[[T2:.*]] = arith.maxui %[[T2L]], %c1
// BAL:   arith.divui %{{.*}}, %[[T2]] : index
// BAL:   arith.ceildivui
// BAL:   scf.parallel
// BAL: } {faattn.block_m = 64 : i64, faattn.split_kv_combine}
// The runtime launches balance x its model's count.
// BALARGS-LABEL: func.func @paged(
// BALARGS-SAME: faattn.split_kv = {balance = 2 : i64, block_n = 128 : i64, max_splits = 16 : i64}

func.func @paged(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x?xi32>, %arg5: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x32xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x32xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg4, %c1_1 : memref<?x?xi32>
  %c16 = arith.constant 16 : index
  %0 = arith.muli %dim_2, %c16 : index
  %c32 = arith.constant 32 : index
  %1 = arith.ceildivui %dim_0, %c32 : index
  %c128 = arith.constant 128 : index
  %2 = arith.ceildivui %0, %c128 : index
  %3 = arith.index_cast %dim_0 : index to i32
  %4 = arith.index_cast %0 : index to i32
  scf.forall (%arg6, %arg7, %arg8) in (%dim, 2, %1) {
    %c2 = arith.constant 2 : index
    %5 = arith.muli %arg7, %c2 : index
    %c2_3 = arith.constant 2 : index
    %6 = arith.divui %5, %c2_3 : index
    %c32_4 = arith.constant 32 : index
    %7 = arith.muli %arg8, %c32_4 : index
    %8 = arith.index_cast %arg6 : index to i32
    %9 = arith.index_cast %5 : index to i32
    %10 = arith.index_cast %7 : index to i32
    %11 = memref.load %arg5[%arg6] : memref<?xi32>
    %12 = arith.index_cast %11 : i32 to index
    %c0_5 = arith.constant 0 : index
    %13 = arith.subi %12, %c0_5 : index
    %c0_6 = arith.constant 0 : index
    %14 = arith.cmpi slt, %13, %c0_6 : index
    %c0_7 = arith.constant 0 : index
    %15 = arith.select %14, %c0_7, %13 : index
    %16 = arith.minsi %15, %0 : index
    %17 = arith.index_cast %16 : index to i32
    %c128_8 = arith.constant 128 : index
    %18 = arith.ceildivui %16, %c128_8 : index
    %19 = arith.minui %2, %18 : index
    %20 = faattn.tile_load %arg0[%arg6, %5, %7] <bshd> {head_group = 2 : i64} : memref<?x?x4x32xbf16> -> <64x32xbf16>
    %21 = faattn.tile_splat 0.000000e+00 : <64x32xf32>
    %22 = faattn.tile_splat 0xFF800000 : <64x1xf32>
    %23 = faattn.tile_splat 0.000000e+00 : <64x1xf32>
    %c0_9 = arith.constant 0 : index
    %c1_10 = arith.constant 1 : index
    %24:3 = scf.for %arg9 = %c0_9 to %19 step %c1_10 iter_args(%arg10 = %21, %arg11 = %22, %arg12 = %23) -> (!faattn.tile<64x32xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>) {
      %c128_11 = arith.constant 128 : index
      %25 = arith.muli %arg9, %c128_11 : index
      %26 = arith.index_cast %25 : index to i32
      %27 = faattn.tile_load %arg1[%arg6, %6, %25] <bshd> limit %16 pages(%arg4 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x32xbf16> -> <128x32xbf16>
      %28 = faattn.tile_dot %20, %27 {transpose_rhs} : <64x32xbf16>, <128x32xbf16> -> <64x128xf32>
      %29 = faattn.tile_mask %28 at[%8, %9, %10, %26] seq[%3, %17] {head_group = 2 : i64} : <64x128xf32>
      %30 = faattn.tile_load %arg2[%arg6, %6, %25] <bshd> limit %16 pages(%arg4 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x32xbf16> -> <128x32xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %29, %30, %arg10, %arg11, %arg12 {scale_log2 = 0.255034864 : f32} : <64x128xf32>, <128x32xbf16>, <64x32xf32>, <64x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<64x32xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %24#0, %24#1, %24#2 {scale_log2 = 0.255034864 : f32} : <64x32xf32>, <64x1xf32> -> <64x32xbf16>
    faattn.tile_store %out, %arg3[%arg6, %5, %7] <bshd> {head_group = 2 : i64} : <64x32xbf16>, memref<?x?x4x32xbf16>
  } {faattn.decode, faattn.grid}
  return
}