// RUN: faattn-opt %s -faattn-split-kv=last-cta-combine=true | FileCheck %s
// RUN: faattn-opt %s -faattn-split-kv="workspace-args=true last-cta-combine=true" | FileCheck %s --check-prefix=ARGS

// faattn-split-kv's last-cta-combine (templates/common/SplitKVCombine.h): no combine grid.
// Each split CTA stores its partials, arrives at its tile's counter (faattn.split_arrive at
// the tile's batch, first head and first row), and the last of the S arrivals combines the
// tile's rows in its own CTA: an scf.parallel marked faattn.thread_loop over the tile's heads x
// Dv items, each walking the tile's rows, as the combine grid's columns do.

// The dense decode grid of faattn-split-kv.mlir (`heads = 8 : 2; head_dim = 64; tile = 16x64`,
// one head a CTA): the CPU path's counter is an alloc (batch, heads, seq_q) zeroed by loops.
// CHECK-LABEL: func.func @decode(
// CHECK-SAME: %[[O:arg3]]: memref<?x?x8x64xbf16>, %[[LSE:arg4]]: memref<?x8x?xf32>
// CHECK: %[[S:.*]] = arith.maxui %{{.*}}, %c1
// CHECK: %[[OPART:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?x8x64xf32>
// CHECK: %[[LPART:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x8x?xf32>
// CHECK: %[[COUNT:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x8x?xi32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.store %c0_i32, %[[COUNT]]
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]], %[[QB:.*]], %[[SPLIT:.*]]) in (%{{.*}}, 8, %{{.*}}, %[[S]]) {
// CHECK:   %[[R0:.*]] = arith.muli %[[QB]], %c16
// CHECK:   faattn.tile_store %out, %[[OPART]]
// CHECK:   faattn.tile_store %lse, %[[LPART]]
// The tile's rows [row0, min(row0 + 16, seq_q)); split 0's workspace row b * S.
// CHECK:   %[[SQ:.*]] = memref.dim %[[O]], %c1
// CHECK:   %[[R1:.*]] = arith.addi %[[R0]], %c16
// CHECK:   %[[REND:.*]] = arith.minui %[[R1]], %[[SQ]]
// CHECK:   %[[FIRST:.*]] = arith.muli %[[B]], %[[S]]
// CHECK:   %[[IN:.*]] = arith.cmpi ult, %[[R0]], %[[SQ]]
// CHECK:   scf.if %[[IN]] {
// CHECK:     %[[LAST:.*]] = faattn.split_arrive %[[COUNT]][%[[B]], %[[H]], %[[R0]]] splits %[[S]] : memref<?x8x?xi32>
// CHECK:     scf.if %[[LAST]] {
// CHECK:       scf.parallel (%[[C:.*]]) = (%c0{{.*}}) to (%c64{{.*}}) step (%c1{{.*}}) {
// CHECK:         scf.for %[[R:.*]] = %[[R0]] to %[[REND]]
// CHECK:           scf.for %[[SP:.*]] = %c0{{.*}} to %[[S]]
// CHECK:             %[[P:.*]] = arith.addi %[[FIRST]], %[[SP]]
// CHECK:             memref.load %[[LPART]][%[[P]], %[[H]], %[[R]]]
// CHECK:           math.fma
// CHECK:           memref.store %{{.*}}, %[[O]][%[[B]], %[[R]], %[[H]], %[[C]]]
// CHECK:           memref.store %{{.*}}, %[[LSE]][%[[B]], %[[H]], %[[R]]]
// CHECK:       } {faattn.thread_loop}
// CHECK: } {faattn.grid, faattn.split_kv}
// CHECK-NOT: faattn.split_kv_combine
// CHECK: return

// The varlen decode grid of faattn-split-kv-varlen.mlir (`heads = 4 : 2; head_dim = 32; varlen;
// tile = 16x32`, two heads of 8 rows a CTA, balanced splits): the counter at the packed row
// start + row0 of batch 0, only for a q-block inside its sequence; the combine takes the
// tile's 2 heads x 32 columns (head = first head + i / 32, column i mod 32) and the
// ceil(own / chunk) splits the sequence used.
// CHECK-LABEL: func.func @vl(
// CHECK: %[[VCOUNT:.*]] = memref.alloc(%c1{{.*}}, %{{.*}}) : memref<?x4x?xi32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}}, 2, %{{.*}}, %[[VS:[a-z0-9_]+]]) {
// The chunk mine = max(ceil(own / n), 1), n = min(.., S); the splits this sequence used:
// min(ceil(own / mine), S).
// CHECK:   %[[N:.*]] = arith.minui %{{.*}}, %[[VS]] : index
// CHECK-NEXT: %[[MINE0:.*]] = arith.ceildivui %[[OWN:.*]], %[[N]] : index
// CHECK-NEXT: %{{.*}} = arith.constant 1 : index
// CHECK-NEXT: %[[MINE:.*]] = arith.maxui %[[MINE0]], %{{.*}} : index
// CHECK:   %[[LIVE:.*]] = arith.ceildivui %[[OWN]], %[[MINE]] : index
// CHECK:   %[[VR1:.*]] = arith.addi %[[VR0:.*]], %c8
// CHECK:   %[[USED:.*]] = arith.minui %[[LIVE]], %[[VS]] : index
// CHECK:   %[[VIN:.*]] = arith.cmpi ult, %[[VR0]], %[[VLEN:.*]] : index
// CHECK:   scf.if %[[VIN]] {
// CHECK:     %[[CROW:.*]] = arith.addi %[[START:.*]], %[[VR0]]
// CHECK:     %[[VLAST:.*]] = faattn.split_arrive %[[VCOUNT]][%{{.*}}, %[[VH:.*]], %[[CROW]]] splits %[[VS]]
// CHECK:     scf.if %[[VLAST]] {
// CHECK:       scf.parallel (%[[I:.*]]) = (%c0{{.*}}) to (%c64{{.*}})
// CHECK:         %[[HD:.*]] = arith.divui %[[I]], %c32
// CHECK:         arith.addi %[[VH]], %[[HD]]
// CHECK:         arith.remui %[[I]], %c32
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %[[USED]] step
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %[[USED]] step
// CHECK:       } {faattn.thread_loop}
// CHECK: } {faattn.grid, faattn.split_kv}
// CHECK-NOT: faattn.split_kv_combine

// With the runtime's workspace: the counter is a third workspace argument (KernelABI.h's
// workspace:count, i32 (batch, heads, seq_q); packed (1, heads, total_q)), and the function
// tells the runtime `last_cta = 1` (no combine entry; it zeroes the counter).
// ARGS-LABEL: func.func @decode(
// ARGS-SAME: %{{.*}}: memref<?x?x8x64xf32>, %{{.*}}: memref<?x8x?xf32>, %[[C:arg[0-9]+]]: memref<?x8x?xi32>)
// ARGS-SAME: faattn.split_kv = {block_n = 64 : i64, last_cta = 1 : i64, max_splits = 16 : i64}
// ARGS: faattn.split_arrive %[[C]]
// ARGS-NOT: faattn.split_kv_combine
// ARGS-LABEL: func.func @vl(
// ARGS-SAME: %{{.*}}: memref<?x?x4x32xf32>, %{{.*}}: memref<?x4x?xf32>, %[[VC:arg[0-9]+]]: memref<?x4x?xi32>)
// ARGS-SAME: faattn.split_kv = {balance = 2 : i64, block_n = 32 : i64, last_cta = 1 : i64, max_splits = 16 : i64}
// ARGS: faattn.split_arrive %[[VC]]
// ARGS-NOT: faattn.split_kv_combine

func.func @decode(%arg0: memref<?x?x8x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x8x64xbf16>, %arg4: memref<?x8x?xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x8x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x8x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c16 = arith.constant 16 : index
  %0 = arith.ceildivui %dim_0, %c16 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 8, %0) {
    %c4 = arith.constant 4 : index
    %4 = arith.divui %arg6, %c4 : index
    %c16_3 = arith.constant 16 : index
    %5 = arith.muli %arg7, %c16_3 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x8x64xbf16> -> <16x64xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %11 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_4 = arith.constant 0 : index
    %c1_5 = arith.constant 1 : index
    %13:3 = scf.for %arg8 = %c0_4 to %1 step %c1_5 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c64_6 = arith.constant 64 : index
      %14 = arith.muli %arg8, %c64_6 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg5, %4, %14] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <16x64xf32>
      %19 = faattn.tile_load %arg2[%arg5, %4, %14] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg9, %arg10, %arg11 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %arg3[%arg5, %arg6, %5] <bshd> : <16x64xbf16>, memref<?x?x8x64xbf16>
    faattn.tile_store %lse, %arg4[%arg5, %arg6, %5] <bshd> : <16x1xf32>, memref<?x8x?xf32>
  } {faattn.decode, faattn.grid}
  return
}

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
