// RUN: faattn-opt %s -split-input-file -faattn-loop-order -verify-diagnostics | FileCheck %s

// kv-outer keeps its running state in memory per (batch, head, row) of a dense Q: it refuses
// varlen and paged_kv kernels (q-outer, the default, runs them).
// From tests/lit/Pipeline/pipeline-faattn-loop-order-sequences.fa after faattn-tile:
//   kernel packed { heads = 2; head_dim = 32; tile = 16x32; varlen; mask = causal }
//   kernel paged { heads = 2; head_dim = 32; tile = 16x32; paged_kv(page = 32) }

// q-outer (no faattn.loop_order): both keep faattn-tile's KV loop.
// CHECK-LABEL: func.func @packed(
// CHECK: } {faattn.kv_loop}
// CHECK-LABEL: func.func @paged(
// CHECK: } {faattn.kv_loop}
func.func @packed(%arg0: memref<?x?x2x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x2x32xbf16>, %arg4: memref<?xi32>, %arg5: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg4, %c0 : memref<?xi32>
  %c1 = arith.constant 1 : index
  %0 = arith.subi %dim, %c1 : index
  %c1_0 = arith.constant 1 : index
  %dim_1 = memref.dim %arg0, %c1_0 : memref<?x?x2x32xbf16>
  %c1_2 = arith.constant 1 : index
  %dim_3 = memref.dim %arg1, %c1_2 : memref<?x?x2x32xbf16>
  %c16 = arith.constant 16 : index
  %1 = arith.ceildivui %dim_1, %c16 : index
  %c32 = arith.constant 32 : index
  %2 = arith.ceildivui %dim_3, %c32 : index
  %3 = arith.index_cast %dim_1 : index to i32
  %4 = arith.index_cast %dim_3 : index to i32
  scf.forall (%arg6, %arg7, %arg8) in (%0, 2, %1) {
    %c1_4 = arith.constant 1 : index
    %5 = arith.divui %arg7, %c1_4 : index
    %c16_5 = arith.constant 16 : index
    %6 = arith.muli %arg8, %c16_5 : index
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %arg7 : index to i32
    %9 = arith.index_cast %6 : index to i32
    %c1_6 = arith.constant 1 : index
    %10 = arith.addi %arg6, %c1_6 : index
    %c0_7 = arith.constant 0 : index
    %11 = memref.load %arg4[%arg6] : memref<?xi32>
    %12 = arith.index_cast %11 : i32 to index
    %13 = memref.load %arg4[%10] : memref<?xi32>
    %14 = arith.index_cast %13 : i32 to index
    %15 = arith.subi %14, %12 : index
    %c0_8 = arith.constant 0 : index
    %16 = arith.cmpi slt, %15, %c0_8 : index
    %c0_9 = arith.constant 0 : index
    %17 = arith.select %16, %c0_9, %15 : index
    %c1_10 = arith.constant 1 : index
    %dim_11 = memref.dim %arg0, %c1_10 : memref<?x?x2x32xbf16>
    %18 = arith.minui %12, %dim_11 : index
    %19 = arith.subi %dim_11, %18 : index
    %20 = arith.minui %17, %19 : index
    %21 = arith.index_cast %20 : index to i32
    %c0_12 = arith.constant 0 : index
    %22 = memref.load %arg5[%arg6] : memref<?xi32>
    %23 = arith.index_cast %22 : i32 to index
    %24 = memref.load %arg5[%10] : memref<?xi32>
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
    %32 = arith.index_cast %31 : index to i32
    %c32_17 = arith.constant 32 : index
    %33 = arith.ceildivui %31, %c32_17 : index
    %34 = arith.cmpi uge, %6, %20 : index
    %c0_18 = arith.constant 0 : index
    %35 = arith.select %34, %c0_18, %33 : index
    %36 = arith.minui %2, %35 : index
    %37 = faattn.tile_load %arg0[%c0_7, %arg7, %6] <bshd> offset %12 limit %20 : memref<?x?x2x32xbf16> -> <16x32xbf16>
    %38 = faattn.tile_splat 0.000000e+00 : <16x32xf32>
    %39 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %40 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_19 = arith.constant 0 : index
    %c1_20 = arith.constant 1 : index
    %41:3 = scf.for %arg9 = %c0_19 to %36 step %c1_20 iter_args(%arg10 = %38, %arg11 = %39, %arg12 = %40) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_21 = arith.constant 32 : index
      %42 = arith.muli %arg9, %c32_21 : index
      %43 = arith.index_cast %42 : index to i32
      %44 = faattn.tile_load %arg1[%c0_12, %5, %42] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %45 = faattn.tile_dot %37, %44 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %46 = faattn.tile_mask %45 at[%7, %8, %9, %43] seq[%21, %32] : <16x32xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %48 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %48 : i1
      }
      %47 = faattn.tile_load %arg2[%c0_12, %5, %42] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %46, %47, %arg10, %arg11, %arg12 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <32x32xbf16>, <16x32xf32>, <16x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %41#0, %41#1, %41#2 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
    faattn.tile_store %out, %arg3[%c0_7, %arg7, %6] <bshd> offset %12 limit %20 : <16x32xbf16>, memref<?x?x2x32xbf16>
  } {faattn.grid}
  return
}
func.func @paged(%arg0: memref<?x?x2x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x2x32xbf16>, %arg4: memref<?x?xi32>, %arg5: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x2x32xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x32xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg4, %c1_1 : memref<?x?xi32>
  %c32 = arith.constant 32 : index
  %0 = arith.muli %dim_2, %c32 : index
  %c16 = arith.constant 16 : index
  %1 = arith.ceildivui %dim_0, %c16 : index
  %c32_3 = arith.constant 32 : index
  %2 = arith.ceildivui %0, %c32_3 : index
  %3 = arith.index_cast %dim_0 : index to i32
  %4 = arith.index_cast %0 : index to i32
  scf.forall (%arg6, %arg7, %arg8) in (%dim, 2, %1) {
    %c1_4 = arith.constant 1 : index
    %5 = arith.divui %arg7, %c1_4 : index
    %c16_5 = arith.constant 16 : index
    %6 = arith.muli %arg8, %c16_5 : index
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %arg7 : index to i32
    %9 = arith.index_cast %6 : index to i32
    %10 = memref.load %arg5[%arg6] : memref<?xi32>
    %11 = arith.index_cast %10 : i32 to index
    %c0_6 = arith.constant 0 : index
    %12 = arith.subi %11, %c0_6 : index
    %c0_7 = arith.constant 0 : index
    %13 = arith.cmpi slt, %12, %c0_7 : index
    %c0_8 = arith.constant 0 : index
    %14 = arith.select %13, %c0_8, %12 : index
    %15 = arith.minsi %14, %0 : index
    %16 = arith.index_cast %15 : index to i32
    %c32_9 = arith.constant 32 : index
    %17 = arith.ceildivui %15, %c32_9 : index
    %18 = arith.minui %2, %17 : index
    %19 = faattn.tile_load %arg0[%arg6, %arg7, %6] <bshd> : memref<?x?x2x32xbf16> -> <16x32xbf16>
    %20 = faattn.tile_splat 0.000000e+00 : <16x32xf32>
    %21 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %22 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_10 = arith.constant 0 : index
    %c1_11 = arith.constant 1 : index
    %23:3 = scf.for %arg9 = %c0_10 to %18 step %c1_11 iter_args(%arg10 = %20, %arg11 = %21, %arg12 = %22) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_12 = arith.constant 32 : index
      %24 = arith.muli %arg9, %c32_12 : index
      %25 = arith.index_cast %24 : index to i32
      %26 = faattn.tile_load %arg1[%arg6, %5, %24] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 32 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %27 = faattn.tile_dot %19, %26 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %28 = faattn.tile_mask %27 at[%7, %8, %9, %25] seq[%3, %16] : <16x32xf32>
      %29 = faattn.tile_load %arg2[%arg6, %5, %24] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 32 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %28, %29, %arg10, %arg11, %arg12 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <32x32xbf16>, <16x32xf32>, <16x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %23#0, %23#1, %23#2 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
    faattn.tile_store %out, %arg3[%arg6, %arg7, %6] <bshd> : <16x32xbf16>, memref<?x?x2x32xbf16>
  } {faattn.grid}
  return
}

// -----

// kv-outer on the varlen kernel:
func.func @packed_kv_outer(%arg0: memref<?x?x2x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x2x32xbf16>, %arg4: memref<?xi32>, %arg5: memref<?xi32>) attributes {faattn.kernel, faattn.loop_order = "kv-outer", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg4, %c0 : memref<?xi32>
  %c1 = arith.constant 1 : index
  %0 = arith.subi %dim, %c1 : index
  %c1_0 = arith.constant 1 : index
  %dim_1 = memref.dim %arg0, %c1_0 : memref<?x?x2x32xbf16>
  %c1_2 = arith.constant 1 : index
  %dim_3 = memref.dim %arg1, %c1_2 : memref<?x?x2x32xbf16>
  %c16 = arith.constant 16 : index
  %1 = arith.ceildivui %dim_1, %c16 : index
  %c32 = arith.constant 32 : index
  %2 = arith.ceildivui %dim_3, %c32 : index
  %3 = arith.index_cast %dim_1 : index to i32
  %4 = arith.index_cast %dim_3 : index to i32
  // expected-error @+1 {{faattn-loop-order: kv-outer does not support varlen or paged_kv kernels}}
  scf.forall (%arg6, %arg7, %arg8) in (%0, 2, %1) {
    %c1_4 = arith.constant 1 : index
    %5 = arith.divui %arg7, %c1_4 : index
    %c16_5 = arith.constant 16 : index
    %6 = arith.muli %arg8, %c16_5 : index
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %arg7 : index to i32
    %9 = arith.index_cast %6 : index to i32
    %c1_6 = arith.constant 1 : index
    %10 = arith.addi %arg6, %c1_6 : index
    %c0_7 = arith.constant 0 : index
    %11 = memref.load %arg4[%arg6] : memref<?xi32>
    %12 = arith.index_cast %11 : i32 to index
    %13 = memref.load %arg4[%10] : memref<?xi32>
    %14 = arith.index_cast %13 : i32 to index
    %15 = arith.subi %14, %12 : index
    %c0_8 = arith.constant 0 : index
    %16 = arith.cmpi slt, %15, %c0_8 : index
    %c0_9 = arith.constant 0 : index
    %17 = arith.select %16, %c0_9, %15 : index
    %c1_10 = arith.constant 1 : index
    %dim_11 = memref.dim %arg0, %c1_10 : memref<?x?x2x32xbf16>
    %18 = arith.minui %12, %dim_11 : index
    %19 = arith.subi %dim_11, %18 : index
    %20 = arith.minui %17, %19 : index
    %21 = arith.index_cast %20 : index to i32
    %c0_12 = arith.constant 0 : index
    %22 = memref.load %arg5[%arg6] : memref<?xi32>
    %23 = arith.index_cast %22 : i32 to index
    %24 = memref.load %arg5[%10] : memref<?xi32>
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
    %32 = arith.index_cast %31 : index to i32
    %c32_17 = arith.constant 32 : index
    %33 = arith.ceildivui %31, %c32_17 : index
    %34 = arith.cmpi uge, %6, %20 : index
    %c0_18 = arith.constant 0 : index
    %35 = arith.select %34, %c0_18, %33 : index
    %36 = arith.minui %2, %35 : index
    %37 = faattn.tile_load %arg0[%c0_7, %arg7, %6] <bshd> offset %12 limit %20 : memref<?x?x2x32xbf16> -> <16x32xbf16>
    %38 = faattn.tile_splat 0.000000e+00 : <16x32xf32>
    %39 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %40 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_19 = arith.constant 0 : index
    %c1_20 = arith.constant 1 : index
    %41:3 = scf.for %arg9 = %c0_19 to %36 step %c1_20 iter_args(%arg10 = %38, %arg11 = %39, %arg12 = %40) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_21 = arith.constant 32 : index
      %42 = arith.muli %arg9, %c32_21 : index
      %43 = arith.index_cast %42 : index to i32
      %44 = faattn.tile_load %arg1[%c0_12, %5, %42] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %45 = faattn.tile_dot %37, %44 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %46 = faattn.tile_mask %45 at[%7, %8, %9, %43] seq[%21, %32] : <16x32xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %48 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %48 : i1
      }
      %47 = faattn.tile_load %arg2[%c0_12, %5, %42] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %46, %47, %arg10, %arg11, %arg12 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <32x32xbf16>, <16x32xf32>, <16x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %41#0, %41#1, %41#2 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
    faattn.tile_store %out, %arg3[%c0_7, %arg7, %6] <bshd> offset %12 limit %20 : <16x32xbf16>, memref<?x?x2x32xbf16>
  } {faattn.grid}
  return
}

// -----

// kv-outer on the paged_kv kernel:
func.func @paged_kv_outer(%arg0: memref<?x?x2x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x2x32xbf16>, %arg4: memref<?x?xi32>, %arg5: memref<?xi32>) attributes {faattn.kernel, faattn.loop_order = "kv-outer", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x2x32xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x32xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg4, %c1_1 : memref<?x?xi32>
  %c32 = arith.constant 32 : index
  %0 = arith.muli %dim_2, %c32 : index
  %c16 = arith.constant 16 : index
  %1 = arith.ceildivui %dim_0, %c16 : index
  %c32_3 = arith.constant 32 : index
  %2 = arith.ceildivui %0, %c32_3 : index
  %3 = arith.index_cast %dim_0 : index to i32
  %4 = arith.index_cast %0 : index to i32
  // expected-error @+1 {{faattn-loop-order: kv-outer does not support varlen or paged_kv kernels}}
  scf.forall (%arg6, %arg7, %arg8) in (%dim, 2, %1) {
    %c1_4 = arith.constant 1 : index
    %5 = arith.divui %arg7, %c1_4 : index
    %c16_5 = arith.constant 16 : index
    %6 = arith.muli %arg8, %c16_5 : index
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %arg7 : index to i32
    %9 = arith.index_cast %6 : index to i32
    %10 = memref.load %arg5[%arg6] : memref<?xi32>
    %11 = arith.index_cast %10 : i32 to index
    %c0_6 = arith.constant 0 : index
    %12 = arith.subi %11, %c0_6 : index
    %c0_7 = arith.constant 0 : index
    %13 = arith.cmpi slt, %12, %c0_7 : index
    %c0_8 = arith.constant 0 : index
    %14 = arith.select %13, %c0_8, %12 : index
    %15 = arith.minsi %14, %0 : index
    %16 = arith.index_cast %15 : index to i32
    %c32_9 = arith.constant 32 : index
    %17 = arith.ceildivui %15, %c32_9 : index
    %18 = arith.minui %2, %17 : index
    %19 = faattn.tile_load %arg0[%arg6, %arg7, %6] <bshd> : memref<?x?x2x32xbf16> -> <16x32xbf16>
    %20 = faattn.tile_splat 0.000000e+00 : <16x32xf32>
    %21 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %22 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_10 = arith.constant 0 : index
    %c1_11 = arith.constant 1 : index
    %23:3 = scf.for %arg9 = %c0_10 to %18 step %c1_11 iter_args(%arg10 = %20, %arg11 = %21, %arg12 = %22) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_12 = arith.constant 32 : index
      %24 = arith.muli %arg9, %c32_12 : index
      %25 = arith.index_cast %24 : index to i32
      %26 = faattn.tile_load %arg1[%arg6, %5, %24] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 32 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %27 = faattn.tile_dot %19, %26 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %28 = faattn.tile_mask %27 at[%7, %8, %9, %25] seq[%3, %16] : <16x32xf32>
      %29 = faattn.tile_load %arg2[%arg6, %5, %24] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 32 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %28, %29, %arg10, %arg11, %arg12 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <32x32xbf16>, <16x32xf32>, <16x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %23#0, %23#1, %23#2 {scale_log2 = 0.255034864 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
    faattn.tile_store %out, %arg3[%arg6, %arg7, %6] <bshd> : <16x32xbf16>, memref<?x?x2x32xbf16>
  } {faattn.grid}
  return
}
