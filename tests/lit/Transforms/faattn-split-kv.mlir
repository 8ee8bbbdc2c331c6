// RUN: faattn-opt %s -faattn-split-kv | FileCheck %s
// RUN: faattn-opt %s -faattn-split-kv=max-splits=4 | FileCheck %s --check-prefix=MAX4

// The decode kernel after faattn-loop-order, from
//   kernel decode { mode = decode; heads = 8 : 2; head_dim = 64; return_lse; tile = 16x64 }
// is split into S parts of its KV range, then combined.
// CHECK-LABEL: func.func @decode(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: memref<?x?x8x64xbf16>, %[[K:[a-z0-9]+]]: memref<?x?x2x64xbf16>, %[[V:[a-z0-9]+]]: memref<?x?x2x64xbf16>, %[[O:[a-z0-9]+]]: memref<?x?x8x64xbf16>, %[[LSE:[a-z0-9]+]]: memref<?x8x?xf32>
// CHECK: %[[NKV:.*]] = arith.ceildivui %{{.*}}, %c64
// S = max(min(nkb, 16), 1) splits of ceil(nkb / S) blocks each
// CHECK: %[[MIN:.*]] = arith.minui %[[NKV]], %c16
// CHECK: %[[S:.*]] = arith.maxui %[[MIN]], %c1
// CHECK: %[[CHUNK:.*]] = arith.ceildivui %[[NKV]], %[[S]]
// CHECK: %[[OPART:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?x8x64xf32>
// CHECK: %[[LPART:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x8x?xf32>
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]], %{{.*}}, %[[SPLIT:.*]]) in (%{{.*}}, 8, %{{.*}}, %[[S]]) {
// CHECK:   %[[LO:.*]] = arith.muli %[[SPLIT]], %[[CHUNK]]
// CHECK:   %[[END:.*]] = arith.addi %[[LO]], %[[CHUNK]]
// CHECK:   %[[HI:.*]] = arith.minui %[[END]], %[[NKV]]
// CHECK:   scf.for %{{.*}} = %[[LO]] to %[[HI]]
// CHECK:   } {faattn.kv_loop}
// The partial result stays f32 and goes to row b * S + s of the workspace.
// CHECK:   %out, %lse = faattn.softmax_finalize {{.*}} -> <16x64xf32>
// CHECK:   %[[ROW:.*]] = arith.muli %[[B]], %[[S]]
// CHECK:   %[[PART:.*]] = arith.addi %[[ROW]], %[[SPLIT]]
// CHECK:   faattn.tile_store %out, %[[OPART]][%[[PART]], %[[H]], %{{.*}}]
// CHECK:   faattn.tile_store %lse, %[[LPART]][%[[PART]], %[[H]], %{{.*}}]
// CHECK: } {faattn.grid, faattn.split_kv}
// The combine (templates/common/SplitKVCombine.h; one query head a CTA): per column (an
// scf.parallel the SIMT lowering spreads over the threads) and row inside the sequence, m =
// max_s lse_s, then l and acc with the weights exp(lse_s - base), O = acc / l and LSE = m + log(l).
// CHECK: scf.forall (%[[CB:.*]], %[[CH:.*]], %[[CQ:.*]]) in (%{{.*}}, 8, %{{.*}}) {
// CHECK:   %[[SQ:.*]] = memref.dim %[[O]], %c1
// CHECK:   %[[R0:.*]] = arith.muli %[[CQ]], %c16
// CHECK:   %[[R1:.*]] = arith.addi %[[R0]], %c16
// CHECK:   %[[REND:.*]] = arith.minui %[[R1]], %[[SQ]]
// CHECK:   scf.parallel (%[[C:.*]]) = (%c0{{.*}}) to (%c64{{.*}})
// CHECK:     scf.for %[[R:.*]] = %[[R0]] to %[[REND]]
// CHECK:       scf.for %{{.*}} = %c0{{.*}} to %[[S]]
// CHECK:         memref.load %[[LPART]][%{{.*}}, %[[CH]], %[[R]]]
// CHECK:         arith.maximumf
// CHECK:       scf.for %{{.*}} = %c0{{.*}} to %[[S]]
// CHECK:         math.exp
// CHECK:         memref.load %[[OPART]][%{{.*}}, %[[R]], %[[CH]], %[[C]]]
// CHECK:         math.fma
// CHECK:       arith.divf
// CHECK:       arith.truncf {{.*}} to bf16
// CHECK:       memref.store %{{.*}}, %[[O]][%[[CB]], %[[R]], %[[CH]], %[[C]]]
// CHECK:       scf.if
// CHECK:         math.log
// CHECK:         memref.store %{{.*}}, %[[LSE]][%[[CB]], %[[CH]], %[[R]]]
// CHECK: } {faattn.block_m = 16 : i64, faattn.split_kv_combine}
// CHECK-NOT: faattn.decode

// MAX4-LABEL: func.func @decode(
// MAX4: arith.minui %{{.*}}, %c4
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

// Forward kernels are not split: `kernel forward { heads = 2; head_dim = 64 }`.
// CHECK-LABEL: func.func @forward(
// CHECK-NOT: faattn.split_kv
// CHECK: return
func.func @forward(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x2x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 2, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13:3 = scf.for %arg7 = %c0_6 to %1 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %14 = arith.muli %arg7, %c128_8 : index
      %15 = arith.index_cast %14 : index to i32
      %16 = faattn.tile_load %arg1[%arg4, %4, %14] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %17 = faattn.tile_dot %9, %16 {transpose_rhs} : <128x64xbf16>, <128x64xbf16> -> <128x128xf32>
      %18 = faattn.tile_mask %17 at[%6, %7, %8, %15] seq[%2, %3] : <128x128xf32>
      %19 = faattn.tile_load %arg2[%arg4, %4, %14] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %arg8, %arg9, %arg10 {scale_log2 = 0.180336878 : f32} : <128x128xf32>, <128x64xbf16>, <128x64xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %13#0, %13#1, %13#2 {scale_log2 = 0.180336878 : f32} : <128x64xf32>, <128x1xf32> -> <128x64xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16>, memref<?x?x2x64xbf16>
  } {faattn.grid}
  return
}
