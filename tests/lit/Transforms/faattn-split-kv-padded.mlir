// RUN: faattn-opt %s -faattn-split-kv=workspace-args=true | FileCheck %s
// RUN: faattn-opt %s -faattn-split-kv | FileCheck %s --check-prefix=CPU

// A padded head dim (faattn-tile's pad-head-dims): the decode kernel after faattn-loop-order,
// from (FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 faattn-compile --stop-after=faattn-loop-order)
//   kernel decode40 { mode = decode; heads = 8 : 2; head_dim = 40; dtype = bf16; return_lse; tile = 16x64 }
// Its tiles are 48 columns wide, its tensors 40. The workspace is the kernel ABI's, which
// the runtime allocates from the spec's head dim: partial O of 40 columns (a 48-column
// stride would write past the runtime's buffer), the partial tiles stored into its 40, and
// the combine over 40 columns.
// CHECK-LABEL: func.func @decode40(
// CHECK-SAME: %{{.*}}: memref<?x8x?xf32>, %[[OPART:.*]]: memref<?x?x8x40xf32>, %[[LPART:.*]]: memref<?x8x?xf32>)
// CHECK: faattn.tile_store %{{.*}}, %[[OPART]][{{.*}}] <bshd> {head_group = 4 : i64} : <16x48xf32>, memref<?x?x8x40xf32>
// CHECK: scf.parallel (%{{.*}}) = (%c0{{.*}}) to (%c40{{.*}}) step
// CHECK: memref.load %[[OPART]]
// CPU: memref.alloc({{.*}}) : memref<?x?x8x40xf32>
// CPU: scf.parallel (%{{.*}}) = (%c0{{.*}}) to (%c40{{.*}}) step
module {
  func.func @decode40(%arg0: memref<?x?x8x40xbf16>, %arg1: memref<?x?x2x40xbf16>, %arg2: memref<?x?x2x40xbf16>, %arg3: memref<?x?x8x40xbf16>, %arg4: memref<?x8x?xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x8x40xbf16>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x8x40xbf16>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x40xbf16>
    %c4 = arith.constant 4 : index
    %0 = arith.ceildivui %dim_0, %c4 : index
    %c64 = arith.constant 64 : index
    %1 = arith.ceildivui %dim_2, %c64 : index
    %2 = arith.index_cast %dim_0 : index to i32
    %3 = arith.index_cast %dim_2 : index to i32
    scf.forall (%arg5, %arg6, %arg7) in (%dim, 2, %0) {
      %c4_3 = arith.constant 4 : index
      %4 = arith.muli %arg6, %c4_3 : index
      %c4_4 = arith.constant 4 : index
      %5 = arith.divui %4, %c4_4 : index
      %c4_5 = arith.constant 4 : index
      %6 = arith.muli %arg7, %c4_5 : index
      %7 = arith.index_cast %arg5 : index to i32
      %8 = arith.index_cast %4 : index to i32
      %9 = arith.index_cast %6 : index to i32
      %10 = faattn.tile_load %arg0[%arg5, %4, %6] <bshd> {head_group = 4 : i64} : memref<?x?x8x40xbf16> -> <16x48xbf16>
      %11 = faattn.tile_splat 0.000000e+00 : <16x48xf32>
      %12 = faattn.tile_splat 0xFF800000 : <16x1xf32>
      %13 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
      %c0_6 = arith.constant 0 : index
      %c1_7 = arith.constant 1 : index
      %14:3 = scf.for %arg8 = %c0_6 to %1 step %c1_7 iter_args(%arg9 = %11, %arg10 = %12, %arg11 = %13) -> (!faattn.tile<16x48xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
        %c64_8 = arith.constant 64 : index
        %15 = arith.muli %arg8, %c64_8 : index
        %16 = arith.index_cast %15 : index to i32
        %17 = faattn.tile_load %arg1[%arg5, %5, %15] <bshd> : memref<?x?x2x40xbf16> -> <64x48xbf16>
        %18 = faattn.tile_dot %10, %17 {transpose_rhs} : <16x48xbf16>, <64x48xbf16> -> <16x64xf32>
        %19 = faattn.tile_mask %18 at[%7, %8, %9, %16] seq[%2, %3] {head_group = 4 : i64} : <16x64xf32>
        %20 = faattn.tile_load %arg2[%arg5, %5, %15] <bshd> : memref<?x?x2x40xbf16> -> <64x48xbf16>
        %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %19, %20, %arg9, %arg10, %arg11 {scale_log2 = 0.228110105 : f32} : <16x64xf32>, <64x48xbf16>, <16x48xf32>, <16x1xf32>
        scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<16x48xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
      } {faattn.kv_loop}
      %out, %lse = faattn.softmax_finalize %14#0, %14#1, %14#2 {scale_log2 = 0.228110105 : f32} : <16x48xf32>, <16x1xf32> -> <16x48xbf16>
      faattn.tile_store %out, %arg3[%arg5, %4, %6] <bshd> {head_group = 4 : i64} : <16x48xbf16>, memref<?x?x8x40xbf16>
      faattn.tile_store %lse, %arg4[%arg5, %4, %6] <bshd> {head_group = 4 : i64} : <16x1xf32>, memref<?x8x?xf32>
    } {faattn.decode, faattn.grid}
    return
  }
}
