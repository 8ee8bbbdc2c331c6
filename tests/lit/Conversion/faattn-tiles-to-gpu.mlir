// faattn-tiles-to-gpu (the SIMT path) on the output of the algorithm pipeline.
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-gpu -verify-diagnostics | FileCheck %s
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-gpu -verify-diagnostics | FileCheck %s --check-prefix=SPLIT

// kernel gqa { heads = 4 : 2; head_dim = 32; tile = 16x32; mask = causal; return_lse }
// of tests/lit/Pipeline/pipeline-faattn-tiles-to-gpu.fa (faattn-compile --emit=mlir --kernel=gqa).
// One kernel gpu.func per spec, with the spec's memref signature and 16 threads (block_m).
// CHECK: module attributes {gpu.container_module}
// CHECK: gpu.module @faattn_kernels {
// CHECK:   gpu.func @gqa(%[[Q:.*]]: memref<?x?x4x32xbf16>, %[[K:.*]]: memref<?x?x2x32xbf16>, %[[V:.*]]: memref<?x?x2x32xbf16>, %[[O:.*]]: memref<?x?x4x32xbf16>, %[[L:.*]]: memref<?x4x?xf32>)
// K and V share one shared-memory buffer (their lifetimes do not overlap).
// CHECK-SAME: workgroup(%[[SH:.*]] : memref<32x32xbf16, #gpu.address_space<workgroup>>)
// CHECK-SAME: kernel
// CHECK-SAME: faattn.block_m = 16
// CHECK-SAME: known_block_size = array<i32: 16, 1, 1>
// CHECK:     %[[TID:.*]] = gpu.thread_id  x
// Per-thread rows: Q (32 bf16), S (32 f32), ...
// CHECK:     memref.alloca() : memref<32xbf16>
// CHECK:     gpu.block_id  x
// CHECK:     gpu.block_id  y
// CHECK:     gpu.block_id  z
// The K block: barrier, cooperative copy strided by the thread count, barrier.
// CHECK:     gpu.barrier
// CHECK:     scf.for %{{.*}} = %[[TID]] to %c1024 step %c16
// CHECK:       memref.store %{{.*}}, %[[SH]][%{{.*}}, %{{.*}}] : memref<32x32xbf16, #gpu.address_space<workgroup>>
// CHECK:     gpu.barrier
// CHECK:     math.fma
// CHECK:     gpu.return
// CHECK-NOT: faattn.tile
// CHECK-NOT: func.func
// (up to the next split's output)
// CHECK: {{^// [-]{5}$}}
func.func @gqa(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x32xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x32xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x32xbf16>
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
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x32xbf16> -> <16x32xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <16x32xf32>
    %11 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
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
    %c16_i64 = arith.constant 16 : i64
    %20 = arith.addi %19, %c16_i64 : i64
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
    %42:3 = scf.for %arg8 = %38 to %39 step %c1_5 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_6 = arith.constant 32 : index
      %47 = arith.muli %arg8, %c32_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <16x32xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %53 = faattn.tile_reduce <max> %51 : <16x32xf32> -> <16x1xf32>
      %54 = faattn.tile_map %arg10, %53 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.255034864 : f32
        %64 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.255034864 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg10, %55 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.255034864 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <16x32xf32> -> <16x1xf32>
      %59 = faattn.tile_map %arg11, %57, %58 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<16x32xf32> -> <16x32xbf16> {
      ^bb0(%arg12: f32):
        %63 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %62 = faattn.tile_map %arg9, %57, %61 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x32xf32> -> <16x32xf32> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg8 = %39 to %40 step %c1_5 iter_args(%arg9 = %42#0, %arg10 = %42#1, %arg11 = %42#2) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_6 = arith.constant 32 : index
      %47 = arith.muli %arg8, %c32_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %51 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %52 = faattn.tile_reduce <max> %50 : <16x32xf32> -> <16x1xf32>
      %53 = faattn.tile_map %arg10, %52 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      %54 = faattn.tile_map %53 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %62 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.255034864 : f32
        %63 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %64 = arith.select %62, %cst_8, %63 : f32
        faattn.yield %64 : f32
      }
      %55 = faattn.tile_map %50, %54 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.negf %arg13 : f32
        %cst = arith.constant 0.255034864 : f32
        %63 = math.fma %arg12, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %56 = faattn.tile_map %arg10, %54 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.negf %arg13 : f32
        %cst = arith.constant 0.255034864 : f32
        %63 = math.fma %arg12, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %57 = faattn.tile_reduce <sum> %55 : <16x32xf32> -> <16x1xf32>
      %58 = faattn.tile_map %arg11, %56, %57 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %62 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %62 : f32
      }
      %59 = faattn.tile_map %55 : !faattn.tile<16x32xf32> -> <16x32xbf16> {
      ^bb0(%arg12: f32):
        %62 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %62 : bf16
      }
      %60 = faattn.tile_dot %59, %51 : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %61 = faattn.tile_map %arg9, %56, %60 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x32xf32> -> <16x32xf32> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %62 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %62 : f32
      }
      scf.yield %61, %53, %58 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg8 = %40 to %41 step %c1_5 iter_args(%arg9 = %43#0, %arg10 = %43#1, %arg11 = %43#2) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_6 = arith.constant 32 : index
      %47 = arith.muli %arg8, %c32_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <16x32xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %53 = faattn.tile_reduce <max> %51 : <16x32xf32> -> <16x1xf32>
      %54 = faattn.tile_map %arg10, %53 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.255034864 : f32
        %64 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.255034864 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg10, %55 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.255034864 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <16x32xf32> -> <16x1xf32>
      %59 = faattn.tile_map %arg11, %57, %58 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<16x32xf32> -> <16x32xbf16> {
      ^bb0(%arg12: f32):
        %63 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %62 = faattn.tile_map %arg9, %57, %61 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x32xf32> -> <16x32xf32> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "masked"}
    %45 = faattn.tile_map %44#0, %44#2 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xbf16> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg9, %cst : f32
      %48 = arith.divf %arg8, %arg9 : f32
      %cst_6 = arith.constant 0.000000e+00 : f32
      %49 = arith.select %47, %48, %cst_6 : f32
      %50 = arith.truncf %49 : f32 to bf16
      faattn.yield %50 : bf16
    }
    %46 = faattn.tile_map %44#1, %44#2 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg9, %cst : f32
      %cst_6 = arith.constant 0.255034864 : f32
      %48 = math.log2 %arg9 : f32
      %49 = math.fma %arg8, %cst_6, %48 : f32
      %cst_7 = arith.constant 0.693147182 : f32
      %50 = arith.mulf %49, %cst_7 : f32
      %cst_8 = arith.constant 0xFF800000 : f32
      %51 = arith.select %47, %50, %cst_8 : f32
      faattn.yield %51 : f32
    }
    faattn.tile_store %45, %arg3[%arg5, %arg6, %5] <bshd> : <16x32xbf16>, memref<?x?x4x32xbf16>
    faattn.tile_store %46, %arg4[%arg5, %arg6, %5] <bshd> : <16x1xf32>, memref<?x4x?xf32>
  } {faattn.block_counts = {empty = 16256 : i64, full = 16256 : i64, partial = 256 : i64}, faattn.grid}
  return
}

// -----

// kernel decode_gqa { mode = decode; heads = 8 : 2; head_dim = 64; return_lse; tile = 16x64 }
// of tests/lit/cpu/decode.fa (faattn-compile --emit=mlir --kernel=decode_gqa): its split-KV
// workspace is allocated in the function, which the SIMT path does not map.
// expected-error @+1 {{the GPU (SIMT) path maps a (batch, head, q-block) grid, or a split-KV grid and its combine grid, per kernel; this kernel has another shape (kv-outer loop order, or a split-KV workspace allocated in the function), which is CPU-only}}
func.func @decode_gqa(%arg0: memref<?x?x8x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x8x64xbf16>, %arg4: memref<?x8x?xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
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
  %c8 = arith.constant 8 : index
  %c16_3 = arith.constant 16 : index
  %4 = arith.minui %1, %c16_3 : index
  %c1_4 = arith.constant 1 : index
  %5 = arith.maxui %4, %c1_4 : index
  %6 = arith.ceildivui %1, %5 : index
  %c1_5 = arith.constant 1 : index
  %dim_6 = memref.dim %arg3, %c1_5 : memref<?x?x8x64xbf16>
  %7 = arith.muli %dim, %5 : index
  %alloc = memref.alloc(%7, %dim_6) : memref<?x?x8x64xf32>
  %alloc_7 = memref.alloc(%7, %dim_6) : memref<?x8x?xf32>
  scf.forall (%arg5, %arg6, %arg7, %arg8) in (%dim, 8, %0, %5) {
    %c4 = arith.constant 4 : index
    %8 = arith.divui %arg6, %c4 : index
    %c16_8 = arith.constant 16 : index
    %9 = arith.muli %arg7, %c16_8 : index
    %10 = arith.index_cast %arg5 : index to i32
    %11 = arith.index_cast %arg6 : index to i32
    %12 = arith.index_cast %9 : index to i32
    %13 = faattn.tile_load %arg0[%arg5, %arg6, %9] <bshd> : memref<?x?x8x64xbf16> -> <16x64xbf16>
    %14 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %15 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %16 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_9 = arith.constant 0 : index
    %c1_10 = arith.constant 1 : index
    %17 = arith.muli %arg8, %6 : index
    %18 = arith.addi %17, %6 : index
    %19 = arith.minui %18, %1 : index
    %20 = arith.index_cast %17 : index to i64
    %21 = arith.index_cast %19 : index to i64
    %22 = arith.extsi %2 : i32 to i64
    %23 = arith.extsi %3 : i32 to i64
    %c64_i64 = arith.constant 64 : i64
    %c1_i64 = arith.constant 1 : i64
    %24 = arith.divsi %23, %c64_i64 : i64
    %25 = arith.minsi %24, %21 : i64
    %26 = arith.maxsi %25, %20 : i64
    %27 = arith.index_cast %20 : i64 to index
    %28 = arith.index_cast %20 : i64 to index
    %29 = arith.index_cast %26 : i64 to index
    %30:3 = scf.for %arg9 = %27 to %28 step %c1_10 iter_args(%arg10 = %14, %arg11 = %15, %arg12 = %16) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c64_11 = arith.constant 64 : index
      %37 = arith.muli %arg9, %c64_11 : index
      %38 = arith.index_cast %37 : index to i32
      %39 = faattn.tile_load %arg1[%arg5, %8, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %40 = faattn.tile_dot %13, %39 {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %41 = faattn.tile_mask %40 at[%10, %11, %12, %38] seq[%2, %3] : <16x64xf32>
      %42 = faattn.tile_load %arg2[%arg5, %8, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %43 = faattn.tile_reduce <max> %41 : <16x64xf32> -> <16x1xf32>
      %44 = faattn.tile_map %arg11, %43 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %53 : f32
      }
      %45 = faattn.tile_map %44 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0xFF800000 : f32
        %53 = arith.cmpf oeq, %arg13, %cst : f32
        %cst_12 = arith.constant 0.180336878 : f32
        %54 = arith.mulf %arg13, %cst_12 : f32
        %cst_13 = arith.constant 0.000000e+00 : f32
        %55 = arith.select %53, %cst_13, %54 : f32
        faattn.yield %55 : f32
      }
      %46 = faattn.tile_map %41, %45 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32> -> <16x64xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %54 = math.fma %arg13, %cst, %53 : f32
        %55 = math.exp2 %54 : f32
        faattn.yield %55 : f32
      }
      %47 = faattn.tile_map %arg11, %45 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %54 = math.fma %arg13, %cst, %53 : f32
        %55 = math.exp2 %54 : f32
        faattn.yield %55 : f32
      }
      %48 = faattn.tile_reduce <sum> %46 : <16x64xf32> -> <16x1xf32>
      %49 = faattn.tile_map %arg12, %47, %48 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %53 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %53 : f32
      }
      %50 = faattn.tile_map %46 : !faattn.tile<16x64xf32> -> <16x64xbf16> {
      ^bb0(%arg13: f32):
        %53 = arith.truncf %arg13 : f32 to bf16
        faattn.yield %53 : bf16
      }
      %51 = faattn.tile_dot %50, %42 : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %52 = faattn.tile_map %arg10, %47, %51 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x64xf32> -> <16x64xf32> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %53 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %53 : f32
      }
      scf.yield %52, %44, %49 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "masked"}
    %31:3 = scf.for %arg9 = %28 to %29 step %c1_10 iter_args(%arg10 = %30#0, %arg11 = %30#1, %arg12 = %30#2) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c64_11 = arith.constant 64 : index
      %37 = arith.muli %arg9, %c64_11 : index
      %38 = arith.index_cast %37 : index to i32
      %39 = faattn.tile_load %arg1[%arg5, %8, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %40 = faattn.tile_dot %13, %39 {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %41 = faattn.tile_load %arg2[%arg5, %8, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %42 = faattn.tile_reduce <max> %40 : <16x64xf32> -> <16x1xf32>
      %43 = faattn.tile_map %arg11, %42 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %52 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %52 : f32
      }
      %44 = faattn.tile_map %43 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0xFF800000 : f32
        %52 = arith.cmpf oeq, %arg13, %cst : f32
        %cst_12 = arith.constant 0.180336878 : f32
        %53 = arith.mulf %arg13, %cst_12 : f32
        %cst_13 = arith.constant 0.000000e+00 : f32
        %54 = arith.select %52, %cst_13, %53 : f32
        faattn.yield %54 : f32
      }
      %45 = faattn.tile_map %40, %44 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32> -> <16x64xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %52 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %53 = math.fma %arg13, %cst, %52 : f32
        %54 = math.exp2 %53 : f32
        faattn.yield %54 : f32
      }
      %46 = faattn.tile_map %arg11, %44 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %52 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %53 = math.fma %arg13, %cst, %52 : f32
        %54 = math.exp2 %53 : f32
        faattn.yield %54 : f32
      }
      %47 = faattn.tile_reduce <sum> %45 : <16x64xf32> -> <16x1xf32>
      %48 = faattn.tile_map %arg12, %46, %47 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %52 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %52 : f32
      }
      %49 = faattn.tile_map %45 : !faattn.tile<16x64xf32> -> <16x64xbf16> {
      ^bb0(%arg13: f32):
        %52 = arith.truncf %arg13 : f32 to bf16
        faattn.yield %52 : bf16
      }
      %50 = faattn.tile_dot %49, %41 : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %51 = faattn.tile_map %arg10, %46, %50 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x64xf32> -> <16x64xf32> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %52 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %52 : f32
      }
      scf.yield %51, %43, %48 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "full"}
    %32:3 = scf.for %arg9 = %29 to %19 step %c1_10 iter_args(%arg10 = %31#0, %arg11 = %31#1, %arg12 = %31#2) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c64_11 = arith.constant 64 : index
      %37 = arith.muli %arg9, %c64_11 : index
      %38 = arith.index_cast %37 : index to i32
      %39 = faattn.tile_load %arg1[%arg5, %8, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %40 = faattn.tile_dot %13, %39 {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %41 = faattn.tile_mask %40 at[%10, %11, %12, %38] seq[%2, %3] : <16x64xf32>
      %42 = faattn.tile_load %arg2[%arg5, %8, %37] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %43 = faattn.tile_reduce <max> %41 : <16x64xf32> -> <16x1xf32>
      %44 = faattn.tile_map %arg11, %43 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %53 : f32
      }
      %45 = faattn.tile_map %44 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0xFF800000 : f32
        %53 = arith.cmpf oeq, %arg13, %cst : f32
        %cst_12 = arith.constant 0.180336878 : f32
        %54 = arith.mulf %arg13, %cst_12 : f32
        %cst_13 = arith.constant 0.000000e+00 : f32
        %55 = arith.select %53, %cst_13, %54 : f32
        faattn.yield %55 : f32
      }
      %46 = faattn.tile_map %41, %45 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32> -> <16x64xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %54 = math.fma %arg13, %cst, %53 : f32
        %55 = math.exp2 %54 : f32
        faattn.yield %55 : f32
      }
      %47 = faattn.tile_map %arg11, %45 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %54 = math.fma %arg13, %cst, %53 : f32
        %55 = math.exp2 %54 : f32
        faattn.yield %55 : f32
      }
      %48 = faattn.tile_reduce <sum> %46 : <16x64xf32> -> <16x1xf32>
      %49 = faattn.tile_map %arg12, %47, %48 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %53 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %53 : f32
      }
      %50 = faattn.tile_map %46 : !faattn.tile<16x64xf32> -> <16x64xbf16> {
      ^bb0(%arg13: f32):
        %53 = arith.truncf %arg13 : f32 to bf16
        faattn.yield %53 : bf16
      }
      %51 = faattn.tile_dot %50, %42 : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %52 = faattn.tile_map %arg10, %47, %51 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x64xf32> -> <16x64xf32> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %53 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %53 : f32
      }
      scf.yield %52, %44, %49 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "masked"}
    %33 = faattn.tile_map %32#0, %32#2 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32> -> <16x64xf32> {
    ^bb0(%arg9: f32, %arg10: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %37 = arith.cmpf ogt, %arg10, %cst : f32
      %38 = arith.divf %arg9, %arg10 : f32
      %cst_11 = arith.constant 0.000000e+00 : f32
      %39 = arith.select %37, %38, %cst_11 : f32
      faattn.yield %39 : f32
    }
    %34 = faattn.tile_map %32#1, %32#2 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
    ^bb0(%arg9: f32, %arg10: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %37 = arith.cmpf ogt, %arg10, %cst : f32
      %cst_11 = arith.constant 0.180336878 : f32
      %38 = math.log2 %arg10 : f32
      %39 = math.fma %arg9, %cst_11, %38 : f32
      %cst_12 = arith.constant 0.693147182 : f32
      %40 = arith.mulf %39, %cst_12 : f32
      %cst_13 = arith.constant 0xFF800000 : f32
      %41 = arith.select %37, %40, %cst_13 : f32
      faattn.yield %41 : f32
    }
    %35 = arith.muli %arg5, %5 : index
    %36 = arith.addi %35, %arg8 : index
    faattn.tile_store %33, %alloc[%36, %arg6, %9] <bshd> : <16x64xf32>, memref<?x?x8x64xf32>
    faattn.tile_store %34, %alloc_7[%36, %arg6, %9] <bshd> : <16x1xf32>, memref<?x8x?xf32>
  } {faattn.block_counts = {empty = 0 : i64, full = 16384 : i64, partial = 0 : i64}, faattn.grid, faattn.split_kv}
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 8, %0) {
    %c16_8 = arith.constant 16 : index
    %8 = arith.muli %arg7, %c16_8 : index
    %9 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %10 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %11 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %c0_9 = arith.constant 0 : index
    %c1_10 = arith.constant 1 : index
    %12:3 = scf.for %arg8 = %c0_9 to %5 step %c1_10 iter_args(%arg9 = %11, %arg10 = %9, %arg11 = %10) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %15 = arith.muli %arg5, %5 : index
      %16 = arith.addi %15, %arg8 : index
      %17 = faattn.tile_load %alloc[%16, %arg6, %8] <bshd> : memref<?x?x8x64xf32> -> <16x64xf32>
      %18 = faattn.tile_load %alloc_7[%16, %arg6, %8] <bshd> : memref<?x8x?xf32> -> <16x1xf32>
      %19 = faattn.tile_map %arg10, %18 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %25 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %25 : f32
      }
      %20 = faattn.tile_map %19 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %25 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_11 = arith.constant 0.000000e+00 : f32
        %26 = arith.select %25, %cst_11, %arg12 : f32
        faattn.yield %26 : f32
      }
      %21 = faattn.tile_map %arg10, %20 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %25 = arith.subf %arg12, %arg13 : f32
        %26 = math.exp %25 : f32
        faattn.yield %26 : f32
      }
      %22 = faattn.tile_map %18, %20 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32):
        %25 = arith.subf %arg12, %arg13 : f32
        %26 = math.exp %25 : f32
        faattn.yield %26 : f32
      }
      %23 = faattn.tile_map %arg11, %21, %22 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %25 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %25 : f32
      }
      %24 = faattn.tile_map %arg9, %21, %22, %17 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x64xf32> -> <16x64xf32> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32, %arg15: f32):
        %25 = arith.mulf %arg12, %arg13 : f32
        %26 = math.fma %arg14, %arg15, %25 : f32
        faattn.yield %26 : f32
      }
      scf.yield %24, %19, %23 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    }
    %13 = faattn.tile_map %12#0, %12#2 : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32> -> <16x64xbf16> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %15 = arith.cmpf ogt, %arg9, %cst : f32
      %16 = arith.divf %arg8, %arg9 : f32
      %cst_11 = arith.constant 0.000000e+00 : f32
      %17 = arith.select %15, %16, %cst_11 : f32
      %18 = arith.truncf %17 : f32 to bf16
      faattn.yield %18 : bf16
    }
    faattn.tile_store %13, %arg3[%arg5, %arg6, %8] <bshd> : <16x64xbf16>, memref<?x?x8x64xbf16>
    %14 = faattn.tile_map %12#1, %12#2 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %15 = arith.cmpf ogt, %arg9, %cst : f32
      %16 = math.log %arg9 : f32
      %17 = arith.addf %arg8, %16 : f32
      %cst_11 = arith.constant 0xFF800000 : f32
      %18 = arith.select %15, %17, %cst_11 : f32
      faattn.yield %18 : f32
    }
    faattn.tile_store %14, %arg4[%arg5, %arg6, %8] <bshd> : <16x1xf32>, memref<?x8x?xf32>
  } {faattn.split_kv_combine}
  return
}

// -----

// Split-KV decode with the runtime's workspace: two kernels, the split grid
// with block z = q-block * splits + split, and the combine.
// kernel paged { mode = decode; heads = 4 : 2; head_dim = 32; tile = 16x32; paged_kv(page = 16); return_lse }
// of tests/lit/Pipeline/pipeline-faattn-tiles-to-gpu.fa after faattn-tile, then faattn-opt
// -faattn-split-kv=workspace-args=1 -faattn-mask-analysis -faattn-online-softmax.
// SPLIT: gpu.func @paged(%{{.*}}: memref<?x?x4x32xbf16>, %[[K:.*]]: memref<?x?x2x32xbf16>, %{{.*}}: memref<?x?x2x32xbf16>, %{{.*}}: memref<?x?x4x32xbf16>, %{{.*}}: memref<?x4x?xf32>, %[[TABLE:.*]]: memref<?x?xi32>, %[[LENS:.*]]: memref<?xi32>, %[[OP:.*]]: memref<?x?x4x32xf32>, %[[LP:.*]]: memref<?x4x?xf32>)
// SPLIT-SAME: faattn.split_kv = {block_n = 32 : i64, max_splits = 16 : i64}
// S = rows of the workspace / batch
// SPLIT: %[[ROWS:.*]] = memref.dim %[[OP]], %c0
// SPLIT: %[[S0:.*]] = arith.divui %[[ROWS]], %{{.*}}
// SPLIT: %[[S:.*]] = arith.maxui %[[S0]], %c1
// SPLIT: %[[Z:.*]] = gpu.block_id  z
// SPLIT: arith.divui %[[Z]], %[[S]]
// SPLIT: %[[SPLIT:.*]] = arith.remui %[[Z]], %[[S]]
// Each sequence's length, then K rows through the block table.
// SPLIT: memref.load %[[LENS]][%{{.*}}] : memref<?xi32>
// SPLIT: gpu.barrier
// SPLIT: memref.load %[[TABLE]][%{{.*}}, %{{.*}}] : memref<?x?xi32>
// SPLIT: memref.load %[[K]]
// SPLIT: gpu.return
// The combine: 16 threads (the q-block's rows), the 32 columns spread over them (column
// tid, tid + 16), each walking its rows and the splits.
// SPLIT: gpu.func @paged_combine(
// SPLIT-SAME: known_block_size = array<i32: 16, 1, 1>
// SPLIT: %[[TID:.*]] = gpu.thread_id x
// SPLIT: %[[FIRST:.*]] = arith.muli %[[TID]], %c1
// SPLIT: %[[C0:.*]] = arith.addi %c0{{.*}}, %[[FIRST]]
// SPLIT: %[[STRIDE:.*]] = arith.muli %c16{{.*}}, %c1
// SPLIT: scf.for %[[C:.*]] = %[[C0]] to %c32{{.*}} step %[[STRIDE]]
// SPLIT: memref.load %[[LP]]
// SPLIT: memref.load %[[OP]][%{{.*}}, %{{.*}}, %{{.*}}, %[[C]]]
// SPLIT-NOT: gpu.barrier
// SPLIT: gpu.return
func.func @paged(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?xi32>, %arg6: memref<?xi32>, %arg7: memref<?x?x4x32xf32>, %arg8: memref<?x4x?xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "bc868804e4663e545077a29e494e82cc047ce53f32d0f3cf7e5f1179f1f1ff74", faattn.split_kv = {block_n = 32 : i64, max_splits = 16 : i64}, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x32xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x32xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg5, %c1_1 : memref<?x?xi32>
  %c16 = arith.constant 16 : index
  %0 = arith.muli %dim_2, %c16 : index
  %c8 = arith.constant 8 : index
  %1 = arith.ceildivui %dim_0, %c8 : index
  %c32 = arith.constant 32 : index
  %2 = arith.ceildivui %0, %c32 : index
  %3 = arith.index_cast %dim_0 : index to i32
  %4 = arith.index_cast %0 : index to i32
  %c2 = arith.constant 2 : index
  %c0_3 = arith.constant 0 : index
  %dim_4 = memref.dim %arg7, %c0_3 : memref<?x?x4x32xf32>
  %c1_5 = arith.constant 1 : index
  %5 = arith.maxui %dim, %c1_5 : index
  %6 = arith.divui %dim_4, %5 : index
  %c1_6 = arith.constant 1 : index
  %7 = arith.maxui %6, %c1_6 : index
  %8 = arith.ceildivui %2, %7 : index
  %c1_7 = arith.constant 1 : index
  %dim_8 = memref.dim %arg3, %c1_7 : memref<?x?x4x32xbf16>
  %c16_9 = arith.constant 16 : index
  %9 = arith.ceildivui %dim_8, %c16_9 : index
  scf.forall (%arg9, %arg10, %arg11, %arg12) in (%dim, 2, %1, %7) {
    %c2_10 = arith.constant 2 : index
    %10 = arith.muli %arg10, %c2_10 : index
    %c2_11 = arith.constant 2 : index
    %11 = arith.divui %10, %c2_11 : index
    %c8_12 = arith.constant 8 : index
    %12 = arith.muli %arg11, %c8_12 : index
    %13 = arith.index_cast %arg9 : index to i32
    %14 = arith.index_cast %10 : index to i32
    %15 = arith.index_cast %12 : index to i32
    %16 = memref.load %arg6[%arg9] : memref<?xi32>
    %17 = arith.index_cast %16 : i32 to index
    %c0_13 = arith.constant 0 : index
    %18 = arith.subi %17, %c0_13 : index
    %c0_14 = arith.constant 0 : index
    %19 = arith.cmpi slt, %18, %c0_14 : index
    %c0_15 = arith.constant 0 : index
    %20 = arith.select %19, %c0_15, %18 : index
    %21 = arith.minsi %20, %0 : index
    %22 = arith.index_cast %21 : index to i32
    %c32_16 = arith.constant 32 : index
    %23 = arith.ceildivui %21, %c32_16 : index
    %24 = arith.minui %2, %23 : index
    %25 = faattn.tile_load %arg0[%arg9, %10, %12] <bshd> {head_group = 2 : i64} : memref<?x?x4x32xbf16> -> <16x32xbf16>
    %26 = faattn.tile_splat 0.000000e+00 : <16x32xf32>
    %27 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %28 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %c0_17 = arith.constant 0 : index
    %c1_18 = arith.constant 1 : index
    %29 = arith.muli %arg12, %8 : index
    %30 = arith.addi %29, %8 : index
    %31 = arith.minui %30, %24 : index
    %32 = arith.index_cast %29 : index to i64
    %33 = arith.index_cast %31 : index to i64
    %34 = arith.extsi %3 : i32 to i64
    %35 = arith.extsi %22 : i32 to i64
    %c32_i64 = arith.constant 32 : i64
    %c1_i64 = arith.constant 1 : i64
    %36 = arith.divsi %35, %c32_i64 : i64
    %37 = arith.minsi %36, %33 : i64
    %38 = arith.maxsi %37, %32 : i64
    %39 = arith.index_cast %32 : i64 to index
    %40 = arith.index_cast %32 : i64 to index
    %41 = arith.index_cast %38 : i64 to index
    %42:3 = scf.for %arg13 = %39 to %40 step %c1_18 iter_args(%arg14 = %26, %arg15 = %27, %arg16 = %28) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_19 = arith.constant 32 : index
      %49 = arith.muli %arg13, %c32_19 : index
      %50 = arith.index_cast %49 : index to i32
      %51 = faattn.tile_load %arg1[%arg9, %11, %49] <bshd> limit %21 pages(%arg5 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %52 = faattn.tile_dot %25, %51 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %53 = faattn.tile_mask %52 at[%13, %14, %15, %50] seq[%3, %22] {head_group = 2 : i64} : <16x32xf32>
      %54 = faattn.tile_load %arg2[%arg9, %11, %49] <bshd> limit %21 pages(%arg5 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %55 = faattn.tile_reduce <max> %53 : <16x32xf32> -> <16x1xf32>
      %56 = faattn.tile_map %arg15, %55 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %65 = arith.maximumf %arg17, %arg18 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %56 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32):
        %cst = arith.constant 0xFF800000 : f32
        %65 = arith.cmpf oeq, %arg17, %cst : f32
        %cst_20 = arith.constant 0.255034864 : f32
        %66 = arith.mulf %arg17, %cst_20 : f32
        %cst_21 = arith.constant 0.000000e+00 : f32
        %67 = arith.select %65, %cst_21, %66 : f32
        faattn.yield %67 : f32
      }
      %58 = faattn.tile_map %53, %57 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %65 = arith.negf %arg18 : f32
        %cst = arith.constant 0.255034864 : f32
        %66 = math.fma %arg17, %cst, %65 : f32
        %67 = math.exp2 %66 : f32
        faattn.yield %67 : f32
      }
      %59 = faattn.tile_map %arg15, %57 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %65 = arith.negf %arg18 : f32
        %cst = arith.constant 0.255034864 : f32
        %66 = math.fma %arg17, %cst, %65 : f32
        %67 = math.exp2 %66 : f32
        faattn.yield %67 : f32
      }
      %60 = faattn.tile_reduce <sum> %58 : <16x32xf32> -> <16x1xf32>
      %61 = faattn.tile_map %arg16, %59, %60 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32, %arg19: f32):
        %65 = math.fma %arg17, %arg18, %arg19 : f32
        faattn.yield %65 : f32
      }
      %62 = faattn.tile_map %58 : !faattn.tile<16x32xf32> -> <16x32xbf16> {
      ^bb0(%arg17: f32):
        %65 = arith.truncf %arg17 : f32 to bf16
        faattn.yield %65 : bf16
      }
      %63 = faattn.tile_dot %62, %54 : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %64 = faattn.tile_map %arg14, %59, %63 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x32xf32> -> <16x32xf32> {
      ^bb0(%arg17: f32, %arg18: f32, %arg19: f32):
        %65 = math.fma %arg17, %arg18, %arg19 : f32
        faattn.yield %65 : f32
      }
      scf.yield %64, %56, %61 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg13 = %40 to %41 step %c1_18 iter_args(%arg14 = %42#0, %arg15 = %42#1, %arg16 = %42#2) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_19 = arith.constant 32 : index
      %49 = arith.muli %arg13, %c32_19 : index
      %50 = arith.index_cast %49 : index to i32
      %51 = faattn.tile_load %arg1[%arg9, %11, %49] <bshd> limit %21 pages(%arg5 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %52 = faattn.tile_dot %25, %51 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %53 = faattn.tile_load %arg2[%arg9, %11, %49] <bshd> limit %21 pages(%arg5 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %54 = faattn.tile_reduce <max> %52 : <16x32xf32> -> <16x1xf32>
      %55 = faattn.tile_map %arg15, %54 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %64 = arith.maximumf %arg17, %arg18 : f32
        faattn.yield %64 : f32
      }
      %56 = faattn.tile_map %55 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32):
        %cst = arith.constant 0xFF800000 : f32
        %64 = arith.cmpf oeq, %arg17, %cst : f32
        %cst_20 = arith.constant 0.255034864 : f32
        %65 = arith.mulf %arg17, %cst_20 : f32
        %cst_21 = arith.constant 0.000000e+00 : f32
        %66 = arith.select %64, %cst_21, %65 : f32
        faattn.yield %66 : f32
      }
      %57 = faattn.tile_map %52, %56 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %64 = arith.negf %arg18 : f32
        %cst = arith.constant 0.255034864 : f32
        %65 = math.fma %arg17, %cst, %64 : f32
        %66 = math.exp2 %65 : f32
        faattn.yield %66 : f32
      }
      %58 = faattn.tile_map %arg15, %56 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %64 = arith.negf %arg18 : f32
        %cst = arith.constant 0.255034864 : f32
        %65 = math.fma %arg17, %cst, %64 : f32
        %66 = math.exp2 %65 : f32
        faattn.yield %66 : f32
      }
      %59 = faattn.tile_reduce <sum> %57 : <16x32xf32> -> <16x1xf32>
      %60 = faattn.tile_map %arg16, %58, %59 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32, %arg19: f32):
        %64 = math.fma %arg17, %arg18, %arg19 : f32
        faattn.yield %64 : f32
      }
      %61 = faattn.tile_map %57 : !faattn.tile<16x32xf32> -> <16x32xbf16> {
      ^bb0(%arg17: f32):
        %64 = arith.truncf %arg17 : f32 to bf16
        faattn.yield %64 : bf16
      }
      %62 = faattn.tile_dot %61, %53 : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %63 = faattn.tile_map %arg14, %58, %62 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x32xf32> -> <16x32xf32> {
      ^bb0(%arg17: f32, %arg18: f32, %arg19: f32):
        %64 = math.fma %arg17, %arg18, %arg19 : f32
        faattn.yield %64 : f32
      }
      scf.yield %63, %55, %60 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg13 = %41 to %31 step %c1_18 iter_args(%arg14 = %43#0, %arg15 = %43#1, %arg16 = %43#2) -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %c32_19 = arith.constant 32 : index
      %49 = arith.muli %arg13, %c32_19 : index
      %50 = arith.index_cast %49 : index to i32
      %51 = faattn.tile_load %arg1[%arg9, %11, %49] <bshd> limit %21 pages(%arg5 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %52 = faattn.tile_dot %25, %51 {transpose_rhs} : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %53 = faattn.tile_mask %52 at[%13, %14, %15, %50] seq[%3, %22] {head_group = 2 : i64} : <16x32xf32>
      %54 = faattn.tile_load %arg2[%arg9, %11, %49] <bshd> limit %21 pages(%arg5 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x32xbf16> -> <32x32xbf16>
      %55 = faattn.tile_reduce <max> %53 : <16x32xf32> -> <16x1xf32>
      %56 = faattn.tile_map %arg15, %55 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %65 = arith.maximumf %arg17, %arg18 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %56 : !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32):
        %cst = arith.constant 0xFF800000 : f32
        %65 = arith.cmpf oeq, %arg17, %cst : f32
        %cst_20 = arith.constant 0.255034864 : f32
        %66 = arith.mulf %arg17, %cst_20 : f32
        %cst_21 = arith.constant 0.000000e+00 : f32
        %67 = arith.select %65, %cst_21, %66 : f32
        faattn.yield %67 : f32
      }
      %58 = faattn.tile_map %53, %57 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %65 = arith.negf %arg18 : f32
        %cst = arith.constant 0.255034864 : f32
        %66 = math.fma %arg17, %cst, %65 : f32
        %67 = math.exp2 %66 : f32
        faattn.yield %67 : f32
      }
      %59 = faattn.tile_map %arg15, %57 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32):
        %65 = arith.negf %arg18 : f32
        %cst = arith.constant 0.255034864 : f32
        %66 = math.fma %arg17, %cst, %65 : f32
        %67 = math.exp2 %66 : f32
        faattn.yield %67 : f32
      }
      %60 = faattn.tile_reduce <sum> %58 : <16x32xf32> -> <16x1xf32>
      %61 = faattn.tile_map %arg16, %59, %60 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
      ^bb0(%arg17: f32, %arg18: f32, %arg19: f32):
        %65 = math.fma %arg17, %arg18, %arg19 : f32
        faattn.yield %65 : f32
      }
      %62 = faattn.tile_map %58 : !faattn.tile<16x32xf32> -> <16x32xbf16> {
      ^bb0(%arg17: f32):
        %65 = arith.truncf %arg17 : f32 to bf16
        faattn.yield %65 : bf16
      }
      %63 = faattn.tile_dot %62, %54 : <16x32xbf16>, <32x32xbf16> -> <16x32xf32>
      %64 = faattn.tile_map %arg14, %59, %63 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x32xf32> -> <16x32xf32> {
      ^bb0(%arg17: f32, %arg18: f32, %arg19: f32):
        %65 = math.fma %arg17, %arg18, %arg19 : f32
        faattn.yield %65 : f32
      }
      scf.yield %64, %56, %61 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop = "masked"}
    %45 = faattn.tile_map %44#0, %44#2 : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xf32> {
    ^bb0(%arg13: f32, %arg14: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %49 = arith.cmpf oeq, %arg14, %cst : f32
      %50 = arith.divf %arg13, %arg14 : f32
      %cst_19 = arith.constant 0.000000e+00 : f32
      %51 = arith.select %49, %cst_19, %50 : f32
      faattn.yield %51 : f32
    }
    %46 = faattn.tile_map %44#1, %44#2 : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32> {
    ^bb0(%arg13: f32, %arg14: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %49 = arith.cmpf oeq, %arg14, %cst : f32
      %cst_19 = arith.constant 0.255034864 : f32
      %50 = math.log2 %arg14 : f32
      %51 = math.fma %arg13, %cst_19, %50 : f32
      %cst_20 = arith.constant 0.693147182 : f32
      %52 = arith.mulf %51, %cst_20 : f32
      %cst_21 = arith.constant 0xFF800000 : f32
      %53 = arith.select %49, %cst_21, %52 : f32
      faattn.yield %53 : f32
    }
    %47 = arith.muli %arg9, %7 : index
    %48 = arith.addi %47, %arg12 : index
    faattn.tile_store %45, %arg7[%48, %10, %12] <bshd> {head_group = 2 : i64} : <16x32xf32>, memref<?x?x4x32xf32>
    faattn.tile_store %46, %arg8[%48, %10, %12] <bshd> {head_group = 2 : i64} : <16x1xf32>, memref<?x4x?xf32>
  } {faattn.block_counts = {empty = 0 : i64, full = 65536 : i64, partial = 0 : i64}, faattn.grid, faattn.split_kv}
  scf.forall (%arg9, %arg10, %arg11) in (%dim, 4, %9) {
    %c1_10 = arith.constant 1 : index
    %dim_11 = memref.dim %arg3, %c1_10 : memref<?x?x4x32xbf16>
    %c16_12 = arith.constant 16 : index
    %10 = arith.muli %arg11, %c16_12 : index
    %c16_13 = arith.constant 16 : index
    %11 = arith.addi %10, %c16_13 : index
    %12 = arith.minui %11, %dim_11 : index
    %13 = arith.muli %arg9, %7 : index
    %c0_14 = arith.constant 0 : index
    %c32_15 = arith.constant 32 : index
    %c1_16 = arith.constant 1 : index
    scf.parallel (%arg12) = (%c0_14) to (%c32_15) step (%c1_16) {
      %c1_17 = arith.constant 1 : index
      scf.for %arg13 = %10 to %12 step %c1_17 {
        %c0_18 = arith.constant 0 : index
        %c1_19 = arith.constant 1 : index
        %cst = arith.constant 0xFF800000 : f32
        %14 = scf.for %arg14 = %c0_18 to %7 step %c1_19 iter_args(%arg15 = %cst) -> (f32) {
          %23 = arith.addi %13, %arg14 : index
          %24 = memref.load %arg8[%23, %arg10, %arg13] : memref<?x4x?xf32>
          %25 = arith.maximumf %arg15, %24 : f32
          scf.yield %25 : f32
        }
        %cst_20 = arith.constant 0xFF800000 : f32
        %15 = arith.cmpf oeq, %14, %cst_20 : f32
        %cst_21 = arith.constant 0.000000e+00 : f32
        %16 = arith.select %15, %cst_21, %14 : f32
        %c0_22 = arith.constant 0 : index
        %c1_23 = arith.constant 1 : index
        %cst_24 = arith.constant 0.000000e+00 : f32
        %cst_25 = arith.constant 0.000000e+00 : f32
        %17:2 = scf.for %arg14 = %c0_22 to %7 step %c1_23 iter_args(%arg15 = %cst_24, %arg16 = %cst_25) -> (f32, f32) {
          %23 = arith.addi %13, %arg14 : index
          %24 = memref.load %arg8[%23, %arg10, %arg13] : memref<?x4x?xf32>
          %25 = arith.subf %24, %16 : f32
          %26 = math.exp %25 : f32
          %27 = arith.addi %13, %arg14 : index
          %28 = memref.load %arg7[%27, %arg13, %arg10, %arg12] : memref<?x?x4x32xf32>
          %29 = arith.addf %arg15, %26 : f32
          %30 = math.fma %26, %28, %arg16 : f32
          scf.yield %29, %30 : f32, f32
        }
        %cst_26 = arith.constant 0.000000e+00 : f32
        %18 = arith.cmpf oeq, %17#0, %cst_26 : f32
        %cst_27 = arith.constant 0.000000e+00 : f32
        %19 = arith.divf %17#1, %17#0 : f32
        %20 = arith.select %18, %cst_27, %19 : f32
        %21 = arith.truncf %20 : f32 to bf16
        memref.store %21, %arg3[%arg9, %arg13, %arg10, %arg12] : memref<?x?x4x32xbf16>
        %c0_28 = arith.constant 0 : index
        %22 = arith.cmpi eq, %arg12, %c0_28 : index
        scf.if %22 {
          %23 = math.log %17#0 : f32
          %24 = arith.addf %14, %23 : f32
          %cst_29 = arith.constant 0xFF800000 : f32
          %25 = arith.select %18, %cst_29, %24 : f32
          memref.store %25, %arg4[%arg9, %arg10, %arg13] : memref<?x4x?xf32>
        }
      }
      scf.reduce 
    }
  } {faattn.block_m = 16 : i64, faattn.split_kv_combine}
  return
}

// -----

// The backward's tile forms (faattn-backward-tile) have no SIMT lowering: refused, not
// lowered as their forward forms (an accumulating store written as a plain store).
func.func @accumulate(%q: memref<?x?x2x32xf32>, %acc: memref<?x?x2x32xf32>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %n = memref.dim %acc, %c0 : memref<?x?x2x32xf32>
  scf.forall (%b, %h, %qb) in (%n, 2, 1) {
    %z = faattn.tile_load %q[%b, %h, %c0] <bshd> : memref<?x?x2x32xf32> -> <16x32xf32>
    // expected-error @+1 {{'faattn.tile_store' op with accumulate or col0 has no GPU (SIMT) lowering}}
    faattn.tile_store %z, %acc[%b, %h, %c0] <bshd> {accumulate} : <16x32xf32>, memref<?x?x2x32xf32>
  } {faattn.grid}
  return
}

// -----

func.func @transpose_lhs(%q: memref<?x?x2x32xbf16>, %o: memref<?x?x2x32xf32>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %n = memref.dim %q, %c0 : memref<?x?x2x32xbf16>
  scf.forall (%b, %h, %qb) in (%n, 2, 1) {
    %t = faattn.tile_load %q[%b, %h, %c0] <bshd> : memref<?x?x2x32xbf16> -> <32x32xbf16>
    // expected-error @+1 {{'faattn.tile_dot' op with transpose_lhs has no GPU (SIMT) lowering}}
    %d = faattn.tile_dot %t, %t {transpose_lhs} : <32x32xbf16>, <32x32xbf16> -> <32x32xf32>
    faattn.tile_store %d, %o[%b, %h, %c0] <bshd> : <32x32xf32>, memref<?x?x2x32xf32>
  } {faattn.grid}
  return
}

// -----

// A padded head dim (faattn-tile's pad-head-dims): a row reads its 48 columns, those at or
// past the memref's 40 as 0, and writes 40. A grid without products shares a row among 16
// lanes (faattn-tiles-to-gpu-row-lanes.mlir): 256 threads, 3 columns each (lane + 16 j).
// CHECK-LABEL: gpu.func @padded(
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK: %[[LANE:.*]] = arith.remui %{{.*}}, %c16
// CHECK: scf.for %[[J:.*]] = %c0{{.*}} to %c3{{.*}} step
// CHECK:   %[[C:.*]] = arith.addi %{{.*}}, %[[LANE]] : index
// CHECK:   %[[COL:.*]] = arith.cmpi ult, %[[C]], %c40{{.*}} : index
// CHECK:   %[[IN:.*]] = arith.andi %{{.*}}, %[[COL]] : i1
// CHECK:   scf.if %[[IN]] -> (f32)
// CHECK: scf.if
// CHECK:   scf.for %[[J2:.*]] = %c0{{.*}} to %c3{{.*}} step
// CHECK:     %[[C2:.*]] = arith.addi %{{.*}}, %[[LANE]] : index
// CHECK:     %[[KEEP:.*]] = arith.cmpi ult, %[[C2]], %c40{{.*}} : index
// CHECK:     scf.if %[[KEEP]] {
// CHECK:       memref.store %{{.*}} : memref<?x?x2x40xf32>
func.func @padded(%q: memref<?x?x2x40xf32>, %o: memref<?x?x2x40xf32>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %n = memref.dim %q, %c0 : memref<?x?x2x40xf32>
  scf.forall (%b, %h, %qb) in (%n, 2, 1) {
    %t = faattn.tile_load %q[%b, %h, %c0] <bshd> : memref<?x?x2x40xf32> -> <16x48xf32>
    faattn.tile_store %t, %o[%b, %h, %c0] <bshd> : <16x48xf32>, memref<?x?x2x40xf32>
  } {faattn.grid}
  return
}
