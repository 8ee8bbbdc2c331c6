// faattn-overlap-softmax on the kernels of tests/lit/Pipeline/pipeline-faattn-overlap-softmax.fa after
// faattn-assign-layouts (faattn-compile --emit=mlir --stop-after=faattn-online-softmax, then
// faattn-opt -faattn-assign-layouts), before any KV loop is rotated.
// RUN: faattn-opt %s -faattn-overlap-softmax | FileCheck %s
// RUN: faattn-opt %s -faattn-overlap-softmax -faattn-overlap-softmax | FileCheck %s --check-prefix=ONCE
// With marked-only (the compiler's pipeline) only the kernels with overlap = softmax:
// RUN: faattn-opt %s -faattn-overlap-softmax=marked-only=1 | FileCheck %s --check-prefix=MARKED

// GQA 4 : 2, causal, 64 x 32 tiles: three KV loops (masked, full, masked), each rotated.
// kernel gqa { heads = 4 : 2; head_dim = 64; tile = 64x32; mask = causal; return_lse }
// Each loop starts from alpha = 1, P = 0 (in P's wgmma A layout) and block j' = its lower
// bound, and carries them after O, m and l:
// CHECK-LABEL: func.func @gqa(
// CHECK:      %[[A1:.*]] = faattn.tile_splat 1.000000e+00 : <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
// CHECK-NEXT: %[[P0:.*]] = faattn.tile_splat 0.000000e+00 : <64x32xbf16, #faattn.wgmma_a<warpgroups = 1>>
// CHECK-NEXT: %[[L:.*]]:6 = scf.for %[[IV:[a-z0-9]+]] = %[[LB:[a-z0-9_]+]] to %{{.*}} step %{{.*}} iter_args(%[[O:[a-z0-9]+]] = %{{.*}}, %{{[a-z0-9]+}} = %{{.*}}, %{{[a-z0-9]+}} = %{{.*}}, %[[A:[a-z0-9]+]] = %[[A1]], %[[P:[a-z0-9]+]] = %[[P0]], %[[J:[a-z0-9]+]] = %[[LB]])
// This block's Q K^T, then block j''s P V (V's rows from j' * 32) onto O * alpha; in the
// first iteration (no block j' yet, P' = 0) V's limit is its first row, so it reads as 0:
// CHECK:        faattn.tile_load %arg1
// CHECK-NEXT:   %[[S:.*]] = faattn.tile_dot %{{.*}}, %{{.*}} {transpose_rhs}
// CHECK-NEXT:   %[[FIRST:.*]] = arith.cmpi eq, %[[IV]], %[[LB]] : index
// CHECK:        %[[ROW:.*]] = arith.muli %[[J]], %c32{{[_0-9]*}} : index
// CHECK:        %[[LIM:.*]] = arith.select %[[FIRST]], %[[ROW]], %c9223372036854775807{{[_0-9]*}} : index
// CHECK-NEXT:   %[[V:.*]] = faattn.tile_load %arg2[%{{.*}}, %{{.*}}, %[[ROW]]] <bshd> limit %[[LIM]] :
// CHECK-NEXT:   %[[PV:.*]] = faattn.tile_dot %[[P]], %[[V]] :
// CHECK-NEXT:   %[[ON:.*]] = faattn.tile_map %[[O]], %[[A]], %[[PV]] :
// CHECK:          math.fma
// ... then this block's mask and softmax, which the product runs under:
// CHECK:        faattn.tile_mask %[[S]]
// CHECK:        faattn.tile_reduce <max>
// CHECK:        %[[PN:.*]] = faattn.tile_map %{{.*}} -> <64x32xbf16, #faattn.wgmma_a<warpgroups = 1>>
// O is block j''s update; this block's alpha, P and index go to the next iteration:
// CHECK:        scf.yield %[[ON]], %{{.*}}, %{{.*}}, %{{.*}}, %[[PN]], %[[IV]] :
// CHECK-NEXT: } {faattn.kv_loop = "masked", faattn.rotated}
// After the loop, the last block's product (an empty loop's: P = 0 and V read as 0):
// CHECK:      %[[EMPTY:.*]] = arith.cmpi sge, %[[LB]], %{{.*}} : index
// CHECK:      %[[LROW:.*]] = arith.muli %[[L]]#5, %c32{{[_0-9]*}} : index
// CHECK:      %[[LLIM:.*]] = arith.select %[[EMPTY]], %[[LROW]], %{{.*}} : index
// CHECK-NEXT: %[[VL:.*]] = faattn.tile_load %arg2[%{{.*}}, %{{.*}}, %[[LROW]]] <bshd> limit %[[LLIM]] :
// CHECK-NEXT: %[[PVL:.*]] = faattn.tile_dot %[[L]]#4, %[[VL]] :
// CHECK-NEXT: %[[OL:.*]] = faattn.tile_map %[[L]]#0, %[[L]]#3, %[[PVL]] :
// The next loop starts from that O:
// CHECK:      scf.for %{{.*}} iter_args(%{{[a-z0-9]+}} = %[[OL]], %{{[a-z0-9]+}} = %[[L]]#1, %{{[a-z0-9]+}} = %[[L]]#2,
// CHECK:      } {faattn.kv_loop = "full", faattn.rotated}
// CHECK:      %[[L3:.*]]:6 = scf.for
// CHECK:      } {faattn.kv_loop = "masked", faattn.rotated}
// The last loop's last product, then O and the LSE are stored:
// CHECK:      faattn.tile_dot %[[L3]]#4, %{{.*}} :
// CHECK:      faattn.tile_store
// CHECK:      faattn.tile_store
// CHECK-NOT:  scf.for
// A loop already rotated is left as it is.
// ONCE-LABEL: func.func @gqa(
// ONCE-COUNT-3: iter_args({{[^)]*}}) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x32xbf16, #faattn.wgmma_a<warpgroups = 1>>, index) {
// ONCE-NOT: scf.for
// MARKED-LABEL: func.func @gqa(
// MARKED-NOT:   faattn.rotated
func.func @gqa(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>, %arg4: memref<?x4x?xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c64 = arith.constant 64 : index
  %0 = arith.ceildivui %dim_0, %c64 : index
  %c32 = arith.constant 32 : index
  %1 = arith.ceildivui %dim_2, %c32 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c2 = arith.constant 2 : index
    %4 = arith.divui %arg6, %c2 : index
    %c64_3 = arith.constant 64 : index
    %5 = arith.muli %arg7, %c64_3 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
    %11 = faattn.tile_splat 0xFF800000 : <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    %12 = faattn.tile_splat 0.000000e+00 : <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    %c0_4 = arith.constant 0 : index
    %c1_5 = arith.constant 1 : index
    %13 = arith.index_cast %c0_4 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c32_i64 = arith.constant 32 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c64_i64 = arith.constant 64 : i64
    %20 = arith.addi %19, %c64_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %c1_i64 : i64 to index
    %26:5 = scf.parallel (%arg8) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %47 = arith.index_cast %arg8 : index to i64
      %48 = arith.muli %47, %c32_i64 : i64
      %49 = arith.addi %48, %c32_i64 : i64
      %50 = arith.minsi %49, %16 : i64
      %51 = arith.subi %50, %c1_i64 : i64
      %52 = arith.cmpi sge, %22, %48 : i64
      %53 = arith.cmpi slt, %19, %51 : i64
      %54 = arith.cmpi sle, %49, %16 : i64
      %true = arith.constant true
      %55 = arith.xori %53, %true : i1
      %56 = arith.andi %55, %54 : i1
      %57 = arith.select %52, %47, %14 : i64
      %58 = arith.select %52, %47, %c-1_i64 : i64
      %59 = arith.select %56, %47, %14 : i64
      %60 = arith.select %56, %47, %c-1_i64 : i64
      %61 = arith.extui %56 : i1 to i64
      scf.reduce(%57, %58, %59, %60, %61 : i64, i64, i64, i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %62 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %62 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %62 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %62 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %62 = arith.addi %arg9, %arg10 : i64
        scf.reduce.return %62 : i64
      }
    } {faattn.block_scan}
    %27 = arith.maxsi %26#0, %13 : i64
    %28 = arith.addi %26#1, %c1_i64 : i64
    %29 = arith.maxsi %28, %27 : i64
    %30 = arith.addi %26#3, %c1_i64 : i64
    %31 = arith.subi %30, %26#2 : i64
    %32 = arith.cmpi sgt, %26#4, %c0_i64 : i64
    %33 = arith.cmpi eq, %26#4, %31 : i64
    %34 = arith.andi %32, %33 : i1
    %35 = arith.select %34, %26#2, %29 : i64
    %36 = arith.addi %26#3, %c1_i64 : i64
    %37 = arith.select %34, %36, %29 : i64
    %38 = arith.index_cast %27 : i64 to index
    %39 = arith.index_cast %35 : i64 to index
    %40 = arith.index_cast %37 : i64 to index
    %41 = arith.index_cast %29 : i64 to index
    %42:3 = scf.for %arg8 = %38 to %39 step %c1_5 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
      %c32_6 = arith.constant 32 : index
      %47 = arith.muli %arg8, %c32_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %54 = faattn.tile_map %arg10, %53 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %64 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<64x32xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg10, %55 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %59 = faattn.tile_map %arg11, %57, %58 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x32xbf16, #faattn.wgmma_a<warpgroups = 1>> {
      ^bb0(%arg12: f32):
        %63 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <64x32xbf16, #faattn.wgmma_a<warpgroups = 1>>, <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %62 = faattn.tile_map %arg9, %57, %61 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg8 = %39 to %40 step %c1_5 iter_args(%arg9 = %42#0, %arg10 = %42#1, %arg11 = %42#2) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
      %c32_6 = arith.constant 32 : index
      %47 = arith.muli %arg8, %c32_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %51 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %52 = faattn.tile_reduce <max> %50 : <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %53 = faattn.tile_map %arg10, %52 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      %54 = faattn.tile_map %53 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %62 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %63 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %64 = arith.select %62, %cst_8, %63 : f32
        faattn.yield %64 : f32
      }
      %55 = faattn.tile_map %50, %54 : !faattn.tile<64x32xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %63 = math.fma %arg12, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %56 = faattn.tile_map %arg10, %54 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %63 = math.fma %arg12, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %57 = faattn.tile_reduce <sum> %55 : <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %58 = faattn.tile_map %arg11, %56, %57 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %62 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %62 : f32
      }
      %59 = faattn.tile_map %55 : !faattn.tile<64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x32xbf16, #faattn.wgmma_a<warpgroups = 1>> {
      ^bb0(%arg12: f32):
        %62 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %62 : bf16
      }
      %60 = faattn.tile_dot %59, %51 : <64x32xbf16, #faattn.wgmma_a<warpgroups = 1>>, <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %61 = faattn.tile_map %arg9, %56, %60 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %62 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %62 : f32
      }
      scf.yield %61, %53, %58 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg8 = %40 to %41 step %c1_5 iter_args(%arg9 = %43#0, %arg10 = %43#1, %arg11 = %43#2) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
      %c32_6 = arith.constant 32 : index
      %47 = arith.muli %arg8, %c32_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %54 = faattn.tile_map %arg10, %53 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %64 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<64x32xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg10, %55 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %59 = faattn.tile_map %arg11, %57, %58 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<64x32xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x32xbf16, #faattn.wgmma_a<warpgroups = 1>> {
      ^bb0(%arg12: f32):
        %63 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <64x32xbf16, #faattn.wgmma_a<warpgroups = 1>>, <32x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %62 = faattn.tile_map %arg9, %57, %61 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    } {faattn.kv_loop = "masked"}
    %45 = faattn.tile_map %44#0, %44#2 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg9, %cst : f32
      %48 = arith.divf %arg8, %arg9 : f32
      %cst_6 = arith.constant 0.000000e+00 : f32
      %49 = arith.select %47, %48, %cst_6 : f32
      %50 = arith.truncf %49 : f32 to bf16
      faattn.yield %50 : bf16
    }
    %46 = faattn.tile_map %44#1, %44#2 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg9, %cst : f32
      %cst_6 = arith.constant 0.180336878 : f32
      %48 = math.log2 %arg9 : f32
      %49 = math.fma %arg8, %cst_6, %48 : f32
      %cst_7 = arith.constant 0.693147182 : f32
      %50 = arith.mulf %49, %cst_7 : f32
      %cst_8 = arith.constant 0xFF800000 : f32
      %51 = arith.select %47, %50, %cst_8 : f32
      faattn.yield %51 : f32
    }
    faattn.tile_store %45, %arg3[%arg5, %arg6, %5] <bshd> : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
    faattn.tile_store %46, %arg4[%arg5, %arg6, %5] <bshd> : <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, memref<?x4x?xf32>
  } {faattn.block_counts = {empty = 4032 : i64, full = 4032 : i64, partial = 128 : i64}, faattn.grid}
  return
}

// The spec's overlap = softmax marks its function; the others are left as they are.
// kernel marked { heads = 2; head_dim = 64; tile = 128x64; overlap = softmax }
// CHECK-LABEL: func.func @marked(
// ONCE-LABEL: func.func @marked(
// MARKED-LABEL: func.func @marked(
// MARKED:       } {faattn.kv_loop = "full", faattn.rotated}
func.func @marked(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.overlap = "softmax", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x2x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 2, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_4 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_5 = arith.constant 0 : index
    %c1_6 = arith.constant 1 : index
    %13 = arith.index_cast %c0_5 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c64_i64 = arith.constant 64 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.divsi %16, %c64_i64 : i64
    %18 = arith.minsi %17, %14 : i64
    %19 = arith.maxsi %18, %13 : i64
    %20 = arith.index_cast %13 : i64 to index
    %21 = arith.index_cast %13 : i64 to index
    %22 = arith.index_cast %19 : i64 to index
    %23:3 = scf.for %arg7 = %20 to %21 step %c1_6 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_9, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %24:3 = scf.for %arg7 = %21 to %22 step %c1_6 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %33 = faattn.tile_reduce <max> %31 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %34 = faattn.tile_map %arg9, %33 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %43 : f32
      }
      %35 = faattn.tile_map %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %43 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %44 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %45 = arith.select %43, %cst_9, %44 : f32
        faattn.yield %45 : f32
      }
      %36 = faattn.tile_map %31, %35 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %arg9, %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %38 = faattn.tile_reduce <sum> %36 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %39 = faattn.tile_map %arg10, %37, %38 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      %40 = faattn.tile_map %36 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %43 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %43 : bf16
      }
      %41 = faattn.tile_dot %40, %32 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_map %arg8, %37, %41 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      scf.yield %42, %34, %39 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %25:3 = scf.for %arg7 = %22 to %1 step %c1_6 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_9, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %29 = arith.divf %arg7, %arg8 : f32
      %cst_7 = arith.constant 0.000000e+00 : f32
      %30 = arith.select %28, %29, %cst_7 : f32
      %31 = arith.truncf %30 : f32 to bf16
      faattn.yield %31 : bf16
    }
    %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_7 = arith.constant 0.180336878 : f32
      %29 = math.log2 %arg8 : f32
      %30 = math.fma %arg7, %cst_7, %29 : f32
      %cst_8 = arith.constant 0.693147182 : f32
      %31 = arith.mulf %30, %cst_8 : f32
      %cst_9 = arith.constant 0xFF800000 : f32
      %32 = arith.select %28, %31, %cst_9 : f32
      faattn.yield %32 : f32
    }
    faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 2048 : i64, partial = 0 : i64}, faattn.grid}
  return
}

// kernel unmarked { heads = 2; head_dim = 64; tile = 128x64; overlap = none }
// MARKED-LABEL: func.func @unmarked(
// MARKED-NOT:   faattn.rotated
func.func @unmarked(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.overlap = "none", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x2x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 2, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_4 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_5 = arith.constant 0 : index
    %c1_6 = arith.constant 1 : index
    %13 = arith.index_cast %c0_5 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c64_i64 = arith.constant 64 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.divsi %16, %c64_i64 : i64
    %18 = arith.minsi %17, %14 : i64
    %19 = arith.maxsi %18, %13 : i64
    %20 = arith.index_cast %13 : i64 to index
    %21 = arith.index_cast %13 : i64 to index
    %22 = arith.index_cast %19 : i64 to index
    %23:3 = scf.for %arg7 = %20 to %21 step %c1_6 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_9, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %24:3 = scf.for %arg7 = %21 to %22 step %c1_6 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %33 = faattn.tile_reduce <max> %31 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %34 = faattn.tile_map %arg9, %33 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %43 : f32
      }
      %35 = faattn.tile_map %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %43 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %44 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %45 = arith.select %43, %cst_9, %44 : f32
        faattn.yield %45 : f32
      }
      %36 = faattn.tile_map %31, %35 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %arg9, %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %38 = faattn.tile_reduce <sum> %36 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %39 = faattn.tile_map %arg10, %37, %38 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      %40 = faattn.tile_map %36 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %43 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %43 : bf16
      }
      %41 = faattn.tile_dot %40, %32 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_map %arg8, %37, %41 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      scf.yield %42, %34, %39 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %25:3 = scf.for %arg7 = %22 to %1 step %c1_6 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_9, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %29 = arith.divf %arg7, %arg8 : f32
      %cst_7 = arith.constant 0.000000e+00 : f32
      %30 = arith.select %28, %29, %cst_7 : f32
      %31 = arith.truncf %30 : f32 to bf16
      faattn.yield %31 : bf16
    }
    %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_7 = arith.constant 0.180336878 : f32
      %29 = math.log2 %arg8 : f32
      %30 = math.fma %arg7, %cst_7, %29 : f32
      %cst_8 = arith.constant 0.693147182 : f32
      %31 = arith.mulf %30, %cst_8 : f32
      %cst_9 = arith.constant 0xFF800000 : f32
      %32 = arith.select %28, %31, %cst_9 : f32
      faattn.yield %32 : f32
    }
    faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 2048 : i64, partial = 0 : i64}, faattn.grid}
  return
}
