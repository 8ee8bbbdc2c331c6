// Block classification, counted at a reference shape (faattn.block_counts on the
// grid), for masks whose counts are derived by hand below; then the KV loop split.
// The input: the kernels of tests/lit/Pipeline/pipeline-faattn-mask-analysis.fa after
// faattn-split-kv (the spec of each above it).
//
// RUN: faattn-opt %s -split-input-file -faattn-mask-analysis | FileCheck %s --check-prefix=C4096
// RUN: faattn-opt %s -split-input-file -faattn-mask-analysis | FileCheck %s --check-prefix=C1000
// RUN: faattn-opt %s -split-input-file -faattn-mask-analysis | FileCheck %s --check-prefix=C300
// RUN: faattn-opt %s -split-input-file -faattn-mask-analysis | FileCheck %s --check-prefix=SPLIT

// 128x128 tiles at 4096: 32x32 blocks; t = i - j below.
// causal: full for t >= 1 (496), partial on the diagonal (32): 528 visited of 1024.
//   kernel causal { heads = 4; head_dim = 128; mask = causal }
// C4096-LABEL: func.func @causal(
// C4096: faattn.block_counts = {empty = 496 : i64, full = 496 : i64, partial = 32 : i64}
// The split: a scan over the KV blocks classifies each at run time (an scf.parallel: the
// blocks are independent; its reductions are the first / last non-empty block, the first /
// last full block and the number of full blocks), then three loops; only the loops over
// partial blocks keep the mask.
// SPLIT-LABEL: func.func @causal(
// SPLIT: scf.forall
// SPLIT: %[[SCAN:.*]]:5 = scf.parallel {{.*}} -> (i64, i64, i64, i64, i64) {
// SPLIT:   arith.cmpi sge
// SPLIT:   scf.reduce(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : i64, i64, i64, i64, i64) {
// SPLIT:     arith.minsi
// SPLIT:     scf.reduce.return
// SPLIT:     arith.maxsi
// SPLIT:     scf.reduce.return
// SPLIT:     arith.minsi
// SPLIT:     scf.reduce.return
// SPLIT:     arith.maxsi
// SPLIT:     scf.reduce.return
// SPLIT:     arith.addi
// SPLIT:     scf.reduce.return
// SPLIT: } {faattn.block_scan}
// SPLIT: %[[A:.*]]:3 = scf.for
// SPLIT:   faattn.tile_mask
// SPLIT: } {faattn.kv_loop = "masked"}
// SPLIT: %[[F:.*]]:3 = scf.for {{.*}} iter_args({{.*}} = %[[A]]#0, {{.*}} = %[[A]]#1, {{.*}} = %[[A]]#2)
// SPLIT-NOT: faattn.tile_mask
// SPLIT: } {faattn.kv_loop = "full"}
// SPLIT: %[[Z:.*]]:3 = scf.for {{.*}} iter_args({{.*}} = %[[F]]#0, {{.*}} = %[[F]]#1, {{.*}} = %[[F]]#2)
// SPLIT:   faattn.tile_mask
// SPLIT: } {faattn.kv_loop = "masked"}
// SPLIT: faattn.softmax_finalize %[[Z]]#0, %[[Z]]#1, %[[Z]]#2
func.func @causal(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.long_kv_alternative = 4096 : i64, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_6 to %1 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg7, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %20 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %20 : i1
      }
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// window(1024, 0): q - kv in [0, 1024]; full for 1 <= t <= 7 (196), partial for t = 0 and t = 8 (32 + 24).
//   kernel window { heads = 4; head_dim = 128; mask = window(1024, 0) }
// C4096-LABEL: func.func @window(
// C4096: faattn.block_counts = {empty = 772 : i64, full = 196 : i64, partial = 56 : i64}
func.func @window(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_6 to %1 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg7, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %20 = arith.subi %q_idx, %kv_idx : i32
        %c1024_i32 = arith.constant 1024 : i32
        %21 = arith.cmpi sle, %20, %c1024_i32 : i32
        %22 = arith.subi %kv_idx, %q_idx : i32
        %c0_i32 = arith.constant 0 : i32
        %23 = arith.cmpi sle, %22, %c0_i32 : i32
        %24 = arith.andi %21, %23 : i1
        faattn.yield %24 : i1
      }
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// Prefix-LM with a constant prefix of 1024: kv-blocks 0..7 full (256); for j >= 8 the causal
// part decides: 276 full below the diagonal, 24 partial on it.
//   kernel prefix_const { heads = 4; head_dim = 128; mask = kv_idx < 1024 || q_idx >= kv_idx }
// C4096-LABEL: func.func @prefix_const(
// C4096: faattn.block_counts = {empty = 468 : i64, full = 532 : i64, partial = 24 : i64}
func.func @prefix_const(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_6 to %1 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg7, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %c1024_i32 = arith.constant 1024 : i32
        %20 = arith.cmpi slt, %kv_idx, %c1024_i32 : i32
        %21 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %22 = arith.ori %20, %21 : i1
        faattn.yield %22 : i1
      }
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// The prefix from a param is unknown at compile time: every causal-empty block is partial.
//   kernel prefix_param { heads = 4; head_dim = 128
//     param prefix : i32[batch]
//     mask = kv_idx < prefix[b] || q_idx >= kv_idx }
// C4096-LABEL: func.func @prefix_param(
// C4096: faattn.block_counts = {empty = 0 : i64, full = 496 : i64, partial = 528 : i64}
// At run time b is exact, so prefix[b] is read by the scan: prefix-LM is classified exactly.
// SPLIT-LABEL: func.func @prefix_param(
// SPLIT-SAME: %[[PREFIX:[a-z0-9]+]]: memref<?xi32>
// SPLIT: scf.parallel {{.*}} -> (i64, i64, i64, i64, i64) {
// SPLIT:   memref.load %[[PREFIX]][%{{.*}}] : memref<?xi32>
// SPLIT:   arith.cmpi slt
func.func @prefix_param(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_5 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg8 = %c0_6 to %1 step %c1_7 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg8, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg5, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %20 = arith.index_cast %b : i32 to index
        %21 = memref.load %arg12[%20] : memref<?xi32>
        %22 = arith.cmpi slt, %kv_idx, %21 : i32
        %23 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %24 = arith.ori %22, %23 : i1
        faattn.yield %24 : i1
      }
      %19 = faattn.tile_load %arg2[%arg5, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg9, %arg10, %arg11 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg5, %arg6, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// Document ids are data: causal-empty blocks stay empty, the rest is partial.
//   kernel documents { heads = 4; head_dim = 128
//     param doc : i32[seq]
//     mask = doc[q_idx] == doc[kv_idx] && q_idx >= kv_idx }
// C4096-LABEL: func.func @documents(
// C4096: faattn.block_counts = {empty = 496 : i64, full = 0 : i64, partial = 528 : i64}
// Document ids are indexed by q_idx and kv_idx, which are ranges over a block: the scan reads
// the minimum and maximum of the ids over each range (an scf.parallel of two reductions from
// their identities, faattn.range_reduce, which the wgmma lowering spreads over a warp's
// lanes). The Q block's rows are the same for every KV block, so that read runs once, before
// the scan, only inside the ids' bounds (otherwise the range is the whole i32 range, selected
// after it). The KV block's read runs in the scan, and only for the blocks that the mask
// without the ids leaves undecided: q_idx >= kv_idx decides every block above the diagonal
// (empty) before any id is read, and the read's range is empty there (and-ed into its
// bounds check: no branch, so that a lowering may spread it over several lanes).
// SPLIT-LABEL: func.func @documents(
// SPLIT-SAME: %[[DOC:[a-z0-9]+]]: memref<?xi32>
// SPLIT: %[[QEND:.*]] = arith.subi %{{.*}}, %c1_i64 : i64
// SPLIT: %[[DIM:.*]] = memref.dim %[[DOC]], %{{.*}} : memref<?xi32>
// SPLIT: %[[SIZE:.*]] = arith.index_cast %[[DIM]] : index to i64
// SPLIT: %[[GE0:.*]] = arith.cmpi sge, %[[Q0:.*]], %{{.*}} : i64
// SPLIT: %[[LTSIZE:.*]] = arith.cmpi slt, %[[QEND]], %[[SIZE]] : i64
// SPLIT: %[[QIN:.*]] = arith.andi
// SPLIT: %[[QMINMAX:.*]]:2 = scf.parallel {{.*}} init (%c2147483647_i64, %c-2147483648_i64) -> (i64, i64) {
// SPLIT:   memref.load %[[DOC]][%{{.*}}] : memref<?xi32>
// SPLIT:   scf.reduce
// SPLIT:   arith.minsi
// SPLIT:   arith.maxsi
// SPLIT: } {faattn.range_reduce}
// SPLIT: arith.select %{{.*}}, %[[QMINMAX]]#0, %c-2147483648_i64{{.*}} : i64
// SPLIT: arith.select %{{.*}}, %[[QMINMAX]]#1, %c2147483647_i64{{.*}} : i64
// SPLIT: scf.parallel (%[[KB:.*]]) = {{.*}} -> (i64, i64, i64, i64, i64) {
// SPLIT:   %[[K0:.*]] = arith.muli %{{.*}}, %c128_i64 : i64
// SPLIT:   %[[K1:.*]] = arith.subi %{{.*}}, %c1_i64 : i64
// SPLIT-NOT: memref.load
// SPLIT:   %[[BELOW:.*]] = arith.cmpi sge, %[[QEND]], %[[K0]] : i64
// SPLIT-NOT: memref.load
// SPLIT:   %[[MAYT:.*]] = arith.andi %true{{.*}}, %[[BELOW]] : i1
// SPLIT-NOT: memref.load
// SPLIT:   %[[UNDECIDED:.*]] = arith.andi %[[MAYT]], %{{.*}} : i1
// SPLIT-NOT: memref.load
// SPLIT:   %[[ENABLED:.*]] = arith.andi %{{.*}}, %[[UNDECIDED]] : i1
// SPLIT:   %[[KFIRST:.*]] = arith.select %[[ENABLED]], %[[K0]], %c0_i64{{.*}} : i64
// SPLIT:   scf.parallel {{.*}} -> (i64, i64) {
// SPLIT:     memref.load %[[DOC]][%{{.*}}] : memref<?xi32>
// SPLIT:   } {faattn.range_reduce}
// Equal ids: possible when the two ranges overlap, certain when both are the same point.
// SPLIT:   arith.cmpi slt
// SPLIT:   arith.cmpi slt
// SPLIT:   arith.ori
// SPLIT:   arith.cmpi eq
// SPLIT: } {faattn.block_scan}
func.func @documents(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_5 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg8 = %c0_6 to %1 step %c1_7 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg8, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg5, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %20 = arith.index_cast %q_idx : i32 to index
        %21 = memref.load %arg12[%20] : memref<?xi32>
        %22 = arith.index_cast %kv_idx : i32 to index
        %23 = memref.load %arg12[%22] : memref<?xi32>
        %24 = arith.cmpi eq, %21, %23 : i32
        %25 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %26 = arith.andi %24, %25 : i1
        faattn.yield %26 : i1
      }
      %19 = faattn.tile_load %arg2[%arg5, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg9, %arg10, %arg11 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg5, %arg6, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// Without a mask every block is full: at head dim 128 the default tile is 128x176, so
// 32 q-blocks x ceil(4096 / 176) = 24 KV blocks.
//   kernel no_mask { heads = 4; head_dim = 128 }
// C4096-LABEL: func.func @no_mask(
// C4096: faattn.block_counts = {empty = 0 : i64, full = 768 : i64, partial = 0 : i64}
// Without a mask there is no scan: blocks below seq_kv / block_n (176 here) are full.
// SPLIT-LABEL: func.func @no_mask(
// SPLIT-NOT: -> (i64, i64, i64, i64, i64)
// SPLIT: arith.divsi %{{.*}}, %c176_i64
// SPLIT: {faattn.kv_loop = "masked"}
// SPLIT: {faattn.kv_loop = "full"}
// SPLIT: {faattn.kv_loop = "masked"}
func.func @no_mask(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c176 = arith.constant 176 : index
  %1 = arith.ceildivui %dim_2, %c176 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_4 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_5 = arith.constant 0 : index
    %c1_6 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_5 to %1 step %c1_6 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c176_7 = arith.constant 176 : index
      %14 = arith.muli %arg7, %c176_7 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <176x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <176x128xbf16> -> <128x176xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <128x176xf32>
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <176x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x176xf32>, <176x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// 64x32 tiles: full iff j <= 2i - 1 (4032), partial for j in {2i, 2i + 1} (128).
//   kernel odd_tiles { heads = 4; head_dim = 128; mask = q_idx >= kv_idx; tile = 64x32 }
// C4096-LABEL: func.func @odd_tiles(
// C4096: faattn.block_counts = {empty = 4032 : i64, full = 4032 : i64, partial = 128 : i64}
func.func @odd_tiles(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c64 = arith.constant 64 : index
  %0 = arith.ceildivui %dim_0, %c64 : index
  %c32 = arith.constant 32 : index
  %1 = arith.ceildivui %dim_2, %c32 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_3 : index
    %c64_4 = arith.constant 64 : index
    %5 = arith.muli %arg6, %c64_4 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <64x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <64x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <64x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <64x1xf32>
    %c0_5 = arith.constant 0 : index
    %c1_6 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_5 to %1 step %c1_6 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<64x128xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>) {
      %c32_7 = arith.constant 32 : index
      %14 = arith.muli %arg7, %c32_7 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <32x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <64x128xbf16>, <32x128xbf16> -> <64x32xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <64x32xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %20 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %20 : i1
      }
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <32x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <64x32xf32>, <32x128xbf16>, <64x128xf32>, <64x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<64x128xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <64x128xf32>, <64x1xf32> -> <64x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <64x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// Products and quotients by constants and where() are tracked too:
// 2 * q_idx / 2 >= kv_idx is causal.
//   kernel arith { heads = 4; head_dim = 128; mask = where(true, 2 * q_idx / 2, 0) >= kv_idx }
// C4096-LABEL: func.func @arith(
// C4096: faattn.block_counts = {empty = 496 : i64, full = 496 : i64, partial = 32 : i64}
func.func @arith(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_6 to %1 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg7, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %true = arith.constant true
        %c2_i32 = arith.constant 2 : i32
        %20 = arith.muli %c2_i32, %q_idx : i32
        %c2_i32_9 = arith.constant 2 : i32
        %21 = arith.divsi %20, %c2_i32_9 : i32
        %c0_i32 = arith.constant 0 : i32
        %22 = arith.select %true, %21, %c0_i32 : i32
        %23 = arith.cmpi sge, %22, %kv_idx : i32
        faattn.yield %23 : i1
      }
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// -----

// The causal kernel at reference shape 1000x1000 (faattn-compile --reference-shape=1000x1000).
// seq 1000 = 7 * 128 + 104: 8 q-blocks and 8 kv-blocks.
// C1000-LABEL: func.func @causal_1000(
// C1000: faattn.block_counts = {empty = 28 : i64, full = 28 : i64, partial = 8 : i64}
func.func @causal_1000(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.long_kv_alternative = 4096 : i64, faattn.reference_shape = array<i64: 1000, 1000>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_6 to %1 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg7, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %20 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %20 : i1
      }
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}

// -----

// The causal kernel at reference shape 300x517.
// seq_q 300 (3 q-blocks), seq_kv 517 (5 kv-blocks): rows 0..127 see block 0 partially; rows
// 128..255 see block 0 fully and block 1 partially; rows 256..299 blocks 0, 1 fully and 2 partially.
// C300-LABEL: func.func @causal_300(
// C300: faattn.block_counts = {empty = 9 : i64, full = 3 : i64, partial = 3 : i64}
func.func @causal_300(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.long_kv_alternative = 4096 : i64, faattn.reference_shape = array<i64: 300, 517>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_6 to %1 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg7, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %20 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %20 : i1
      }
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.grid}
  return
}
