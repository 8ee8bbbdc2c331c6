// RUN: faattn-opt %s -split-input-file -faattn-loop-order -verify-diagnostics | FileCheck %s

// The default order is faattn-tile's: one grid over (b, h, q-block), the KV loop inside.
// From `kernel causal { heads = 4 : 2; head_dim = 64; tile = 16x32; mask = causal; return_lse }`
// after faattn-tile; no faattn.loop_order: the pass leaves it as it is.
// CHECK-LABEL: func.func @causal(
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in
// CHECK: } {faattn.kv_loop}
// CHECK-NOT: faattn.kv_outer
func.func @causal(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>, %arg4: memref<?x4x?xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c16 = arith.constant 16 : index
  %0 = arith.ceildivui %dim_0, %c16 : index
  %c32 = arith.constant 32 : index
  %1 = arith.ceildivui %dim_2, %c32 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c2 = arith.constant 2 : index
    %4 = arith.divui %arg6, %c2 : index
    %c16_3 = arith.constant 16 : index
    %5 = arith.muli %arg7, %c16_3 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x64xbf16> -> <16x64xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %11 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_4 = arith.constant 0 : index
    %c1_5 = arith.constant 1 : index
    %13:3 = scf.for %arg8 = %c0_4 to %1 step %c1_5 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_6 = arith.constant 32 : index
      %14 = arith.muli %arg8, %c32_6 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg5, %4, %14] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <16x64xbf16>, <32x64xbf16> -> <16x32xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <16x32xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %20 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %20 : i1
      }
      %19 = faattn.tile_load %arg2[%arg5, %4, %14] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg9, %arg10, %arg11 {scale_log2 = 0.180336878 : f32} : <16x32xf32>, <32x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %arg3[%arg5, %arg6, %5] <bshd> : <16x64xbf16>, memref<?x?x4x64xbf16>
    faattn.tile_store %lse, %arg4[%arg5, %arg6, %5] <bshd> : <16x1xf32>, memref<?x4x?xf32>
  } {faattn.grid}
  return
}

// -----

// kv-outer: the state of every q-block in memory, initialized, updated, finalized.
// The same kernel with faattn.loop_order = "kv-outer" added to its attributes.
// CHECK-LABEL: func.func @causal_kv_outer(
// CHECK: %[[ACC:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?x4x64xf32>
// CHECK: %[[M:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x4x?xf32>
// CHECK: %[[L:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x4x?xf32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in
// CHECK:   faattn.tile_splat 0xFF800000
// CHECK:   faattn.tile_store %{{.*}}, %[[M]]
// CHECK: } {faattn.loop_order_init}
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (%{{.*}}, 4) {
// CHECK:   scf.for %[[KB:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:     scf.for %[[QB:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:       faattn.tile_load %[[ACC]]
// CHECK:       faattn.tile_load %[[M]]
// CHECK:       faattn.tile_load %[[L]]
// CHECK:       faattn.tile_dot
// CHECK:       faattn.tile_mask
// CHECK:       faattn.softmax_update
// CHECK:       faattn.tile_store %{{.*}}, %[[ACC]]
// CHECK:       faattn.tile_store %{{.*}}, %[[M]]
// CHECK:       faattn.tile_store %{{.*}}, %[[L]]
// CHECK:   } {faattn.kv_loop_outer}
// CHECK: } {faattn.grid, faattn.kv_outer}
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in
// CHECK:   faattn.softmax_finalize
// CHECK: } {faattn.loop_order_final}
func.func @causal_kv_outer(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>, %arg4: memref<?x4x?xf32>) attributes {faattn.kernel, faattn.loop_order = "kv-outer", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c16 = arith.constant 16 : index
  %0 = arith.ceildivui %dim_0, %c16 : index
  %c32 = arith.constant 32 : index
  %1 = arith.ceildivui %dim_2, %c32 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c2 = arith.constant 2 : index
    %4 = arith.divui %arg6, %c2 : index
    %c16_3 = arith.constant 16 : index
    %5 = arith.muli %arg7, %c16_3 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x64xbf16> -> <16x64xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %11 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_4 = arith.constant 0 : index
    %c1_5 = arith.constant 1 : index
    %13:3 = scf.for %arg8 = %c0_4 to %1 step %c1_5 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_6 = arith.constant 32 : index
      %14 = arith.muli %arg8, %c32_6 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg5, %4, %14] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <16x64xbf16>, <32x64xbf16> -> <16x32xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <16x32xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %20 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %20 : i1
      }
      %19 = faattn.tile_load %arg2[%arg5, %4, %14] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg9, %arg10, %arg11 {scale_log2 = 0.180336878 : f32} : <16x32xf32>, <32x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %arg3[%arg5, %arg6, %5] <bshd> : <16x64xbf16>, memref<?x?x4x64xbf16>
    faattn.tile_store %lse, %arg4[%arg5, %arg6, %5] <bshd> : <16x1xf32>, memref<?x4x?xf32>
  } {faattn.grid}
  return
}

// -----

// A value that is not one of the two strings, or not a string at all:
// expected-error @+1 {{faattn.loop_order must be "q-outer" or "kv-outer"}}
func.func @sideways() attributes {faattn.kernel, faattn.loop_order = "sideways"} {
  return
}

// -----

// expected-error @+1 {{faattn.loop_order must be "q-outer" or "kv-outer"}}
func.func @not_a_string() attributes {faattn.kernel, faattn.loop_order = 1 : i64} {
  return
}
