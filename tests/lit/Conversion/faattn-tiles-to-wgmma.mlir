// faattn-tiles-to-wgmma on the output of the algorithm pipeline (faattn-compile --emit=mlir) for
// the kernels of tests/lit/Pipeline/pipeline-faattn-tiles-to-wgmma.fa: the first split holds the
// kernels of the CHECK and SKIP prefixes in one module, in the spec's order; mla_lse, persist
// and sections have a split each; then the docs kernel edited by hand (SUM, BADHEAD), and the
// packed (varlen) kernel's split (PACK). The CHECK and SKIP lines run with packed-tma=0 (the
// threads' copies for packed sequences, as @wg's checks show); PACK with the default.
// (The FAST prefix, faattn-tiles-to-wgmma then faattn-fast-math, is in the pipeline test.)
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma=packed-tma=0 | FileCheck %s
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma=packed-tma=0 | FileCheck %s --check-prefix=SKIP
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=MLA
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=PERS
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=SECT
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=SUM
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=BADHEAD
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=PACK

// A causal varlen kernel with head_dim 32: its Q block is a packed sequence's, so not the TMA
// pipeline with packed-tma=0 (thread copies; by default boxes: PACK, the last split); block_m 128 = two warpgroups (256 threads), block_n 32.
// kernel wg { heads = 4 : 2; head_dim = 32; tile = 128x32; mask = causal; return_lse; varlen
//   tile_order = heavy_first }
// CHECK-LABEL: gpu.func @wg(
// CHECK-SAME: kernel
// CHECK-SAME: faattn.block_m = 128 : i64
// Q 128x32, K 32x32, V^T 32x32, bf16: 8192 + 2048 + 2048 bytes (P stays in registers),
// and the block scan's cross-warp slots: 8 warps x 5 reductions x 8 bytes = 320.
// CHECK-SAME: faattn.dynamic_shared_bytes = 12608 : i64
// CHECK-SAME: faattn.mapping = "wgmma"
// CHECK-SAME: faattn.schedule = "inline-producer"
// CHECK-SAME: faattn.threads = 256 : i64
// CHECK-SAME: faattn.tma_skipped = "Q is not a block of the q argument"
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK:     %[[RAW:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK:     %[[SMEM:.*]] = memref.view %[[RAW]]
// CHECK:     memref.extract_aligned_pointer_as_index %[[SMEM]]
// The q-blocks run last first (the longest causal rows start first; the default for a
// plain causal kernel is L2 sections, the SECT kernel below).
// CHECK:     %[[Z:.*]] = gpu.block_id z
// CHECK:     %[[NZ:.*]] = gpu.grid_dim z
// CHECK:     %[[LAST:.*]] = arith.subi %[[NZ]], %{{.*}} : index
// CHECK:     arith.subi %[[LAST]], %[[Z]] : index
// The Q block: a barrier, the cooperative copy, then visible to the tensor cores.
// CHECK:     gpu.barrier
// CHECK:     scf.for
// CHECK:       vector.store %{{.*}}, %[[SMEM]][%{{.*}}] {{.*}}: memref<6304xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK:     nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK:     gpu.barrier
// Q K^T: two k16 steps (head_dim 32), the first overwriting the accumulator;
// unswizzled descriptors (LBO 128, SBO 512: 8 << 16 | 32 << 32).
// CHECK:     nvvm.wgmma.fence.aligned
// CHECK:     arith.constant 137439477760 : i64
// CHECK:     nvvm.wgmma.mma_async %{{.*}}, %{{.*}}, %{{.*}}, <m = 64, n = 32, k = 16>, D[<f32>, <zero>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK:     nvvm.wgmma.mma_async %{{.*}}, %{{.*}}, %{{.*}}, <m = 64, n = 32, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK:     nvvm.wgmma.commit.group.sync.aligned
// CHECK:     nvvm.wgmma.wait.group.sync.aligned 0
// The causal mask on fragment elements, row maxima over the quad.
// CHECK:     arith.cmpi sge
// CHECK:     gpu.shuffle  xor %{{.*}}, %{{.*}}, %{{.*}} : f32
// P V from registers: O * alpha is the accumulator the products add to, P's
// fragment packed in pairs, B = V^T (K-major, not transposed).
// CHECK:     arith.mulf
// CHECK:     llvm.insertvalue
// CHECK:     vector.bitcast %{{.*}} : vector<2xbf16> to vector<1xi32>
// CHECK:     llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n32k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 0;
// CHECK:     nvvm.wgmma.commit.group.sync.aligned
// CHECK:     gpu.return
// CHECK-NOT: faattn.tile
func.func @wg(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?xi32>, %arg6: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "heavy_first"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg5, %c0 : memref<?xi32>
  %c1 = arith.constant 1 : index
  %0 = arith.subi %dim, %c1 : index
  %c1_0 = arith.constant 1 : index
  %dim_1 = memref.dim %arg0, %c1_0 : memref<?x?x4x32xbf16>
  %c1_2 = arith.constant 1 : index
  %dim_3 = memref.dim %arg1, %c1_2 : memref<?x?x2x32xbf16>
  %c128 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_1, %c128 : index
  %c32 = arith.constant 32 : index
  %2 = arith.ceildivui %dim_3, %c32 : index
  %3 = arith.index_cast %dim_1 : index to i32
  %4 = arith.index_cast %dim_3 : index to i32
  scf.forall (%arg7, %arg8, %arg9) in (%0, 4, %1) {
    %c2 = arith.constant 2 : index
    %5 = arith.divui %arg8, %c2 : index
    %c128_4 = arith.constant 128 : index
    %6 = arith.muli %arg9, %c128_4 : index
    %7 = arith.index_cast %arg7 : index to i32
    %8 = arith.index_cast %arg8 : index to i32
    %9 = arith.index_cast %6 : index to i32
    %c1_5 = arith.constant 1 : index
    %10 = arith.addi %arg7, %c1_5 : index
    %c0_6 = arith.constant 0 : index
    %11 = memref.load %arg5[%arg7] : memref<?xi32>
    %12 = arith.index_cast %11 : i32 to index
    %13 = memref.load %arg5[%10] : memref<?xi32>
    %14 = arith.index_cast %13 : i32 to index
    %15 = arith.subi %14, %12 : index
    %c0_7 = arith.constant 0 : index
    %16 = arith.cmpi slt, %15, %c0_7 : index
    %c0_8 = arith.constant 0 : index
    %17 = arith.select %16, %c0_8, %15 : index
    %c1_9 = arith.constant 1 : index
    %dim_10 = memref.dim %arg0, %c1_9 : memref<?x?x4x32xbf16>
    %18 = arith.minui %12, %dim_10 : index
    %19 = arith.subi %dim_10, %18 : index
    %20 = arith.minui %17, %19 : index
    %21 = arith.index_cast %20 : index to i32
    %c0_11 = arith.constant 0 : index
    %22 = memref.load %arg6[%arg7] : memref<?xi32>
    %23 = arith.index_cast %22 : i32 to index
    %24 = memref.load %arg6[%10] : memref<?xi32>
    %25 = arith.index_cast %24 : i32 to index
    %26 = arith.subi %25, %23 : index
    %c0_12 = arith.constant 0 : index
    %27 = arith.cmpi slt, %26, %c0_12 : index
    %c0_13 = arith.constant 0 : index
    %28 = arith.select %27, %c0_13, %26 : index
    %c1_14 = arith.constant 1 : index
    %dim_15 = memref.dim %arg1, %c1_14 : memref<?x?x2x32xbf16>
    %29 = arith.minui %23, %dim_15 : index
    %30 = arith.subi %dim_15, %29 : index
    %31 = arith.minui %28, %30 : index
    %32 = arith.index_cast %31 : index to i32
    %c32_16 = arith.constant 32 : index
    %33 = arith.ceildivui %31, %c32_16 : index
    %34 = arith.cmpi uge, %6, %20 : index
    %c0_17 = arith.constant 0 : index
    %35 = arith.select %34, %c0_17, %33 : index
    %36 = arith.minui %2, %35 : index
    %37 = faattn.tile_load %arg0[%c0_6, %arg8, %6] <bshd> offset %12 limit %20 : memref<?x?x4x32xbf16> -> <128x32xbf16, #faattn.smem<swizzle = 64, stages = 1>>
    %38 = faattn.tile_splat 0.000000e+00 : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %39 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %40 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_18 = arith.constant 0 : index
    %c1_19 = arith.constant 1 : index
    %41 = arith.index_cast %c0_18 : index to i64
    %42 = arith.index_cast %36 : index to i64
    %43 = arith.extsi %21 : i32 to i64
    %44 = arith.extsi %32 : i32 to i64
    %c32_i64 = arith.constant 32 : i64
    %c1_i64 = arith.constant 1 : i64
    %45 = arith.extsi %7 : i32 to i64
    %46 = arith.extsi %8 : i32 to i64
    %47 = arith.extsi %9 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %48 = arith.addi %47, %c128_i64 : i64
    %49 = arith.minsi %48, %43 : i64
    %50 = arith.subi %49, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %51 = arith.index_cast %41 : i64 to index
    %52 = arith.index_cast %42 : i64 to index
    %53 = arith.index_cast %c1_i64 : i64 to index
    %54:5 = scf.parallel (%arg10) = (%51) to (%52) step (%53) init (%42, %c-1_i64, %42, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %75 = arith.index_cast %arg10 : index to i64
      %76 = arith.muli %75, %c32_i64 : i64
      %77 = arith.addi %76, %c32_i64 : i64
      %78 = arith.minsi %77, %44 : i64
      %79 = arith.subi %78, %c1_i64 : i64
      %80 = arith.cmpi sge, %50, %76 : i64
      %81 = arith.cmpi slt, %47, %79 : i64
      %82 = arith.cmpi sle, %77, %44 : i64
      %true = arith.constant true
      %83 = arith.xori %81, %true : i1
      %84 = arith.andi %83, %82 : i1
      %85 = arith.select %80, %75, %42 : i64
      %86 = arith.select %80, %75, %c-1_i64 : i64
      %87 = arith.select %84, %75, %42 : i64
      %88 = arith.select %84, %75, %c-1_i64 : i64
      %89 = arith.extui %84 : i1 to i64
      scf.reduce(%85, %86, %87, %88, %89 : i64, i64, i64, i64, i64) {
      ^bb0(%arg11: i64, %arg12: i64):
        %90 = arith.minsi %arg11, %arg12 : i64
        scf.reduce.return %90 : i64
      }, {
      ^bb0(%arg11: i64, %arg12: i64):
        %90 = arith.maxsi %arg11, %arg12 : i64
        scf.reduce.return %90 : i64
      }, {
      ^bb0(%arg11: i64, %arg12: i64):
        %90 = arith.minsi %arg11, %arg12 : i64
        scf.reduce.return %90 : i64
      }, {
      ^bb0(%arg11: i64, %arg12: i64):
        %90 = arith.maxsi %arg11, %arg12 : i64
        scf.reduce.return %90 : i64
      }, {
      ^bb0(%arg11: i64, %arg12: i64):
        %90 = arith.addi %arg11, %arg12 : i64
        scf.reduce.return %90 : i64
      }
    } {faattn.block_scan}
    %55 = arith.maxsi %54#0, %41 : i64
    %56 = arith.addi %54#1, %c1_i64 : i64
    %57 = arith.maxsi %56, %55 : i64
    %58 = arith.addi %54#3, %c1_i64 : i64
    %59 = arith.subi %58, %54#2 : i64
    %60 = arith.cmpi sgt, %54#4, %c0_i64 : i64
    %61 = arith.cmpi eq, %54#4, %59 : i64
    %62 = arith.andi %60, %61 : i1
    %63 = arith.select %62, %54#2, %57 : i64
    %64 = arith.addi %54#3, %c1_i64 : i64
    %65 = arith.select %62, %64, %57 : i64
    %66 = arith.index_cast %55 : i64 to index
    %67 = arith.index_cast %63 : i64 to index
    %68 = arith.index_cast %65 : i64 to index
    %69 = arith.index_cast %57 : i64 to index
    %70:3 = scf.for %arg10 = %66 to %67 step %c1_19 iter_args(%arg11 = %38, %arg12 = %39, %arg13 = %40) -> (!faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c32_20 = arith.constant 32 : index
      %75 = arith.muli %arg10, %c32_20 : index
      %76 = arith.index_cast %75 : index to i32
      %77 = faattn.tile_load %arg1[%c0_11, %5, %75] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>>
      %78 = faattn.tile_dot %37, %77 {transpose_rhs} : <128x32xbf16, #faattn.smem<swizzle = 64, stages = 1>>, <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %79 = faattn.tile_mask %78 at[%7, %8, %9, %76] seq[%21, %32] : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %91 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %91 : i1
      }
      %80 = faattn.tile_load %arg2[%c0_11, %5, %75] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>>
      %81 = faattn.tile_reduce <max> %79 : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %82 = faattn.tile_map %arg12, %81 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.maximumf %arg14, %arg15 : f32
        faattn.yield %91 : f32
      }
      %83 = faattn.tile_map %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %91 = arith.cmpf oeq, %arg14, %cst : f32
        %cst_21 = arith.constant 0.255034864 : f32
        %92 = arith.mulf %arg14, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %93 = arith.select %91, %cst_22, %92 : f32
        faattn.yield %93 : f32
      }
      %84 = faattn.tile_map %79, %83 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.negf %arg15 : f32
        %cst = arith.constant 0.255034864 : f32
        %92 = math.fma %arg14, %cst, %91 : f32
        %93 = math.exp2 %92 : f32
        faattn.yield %93 : f32
      }
      %85 = faattn.tile_map %arg12, %83 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.negf %arg15 : f32
        %cst = arith.constant 0.255034864 : f32
        %92 = math.fma %arg14, %cst, %91 : f32
        %93 = math.exp2 %92 : f32
        faattn.yield %93 : f32
      }
      %86 = faattn.tile_reduce <sum> %84 : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %87 = faattn.tile_map %arg13, %85, %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %91 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %91 : f32
      }
      %88 = faattn.tile_map %84 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %91 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %91 : bf16
      }
      %89 = faattn.tile_dot %88, %80 : <128x32xbf16, #faattn.wgmma_a<warpgroups = 2>>, <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %90 = faattn.tile_map %arg11, %85, %89 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %91 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %91 : f32
      }
      scf.yield %90, %82, %87 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %71:3 = scf.for %arg10 = %67 to %68 step %c1_19 iter_args(%arg11 = %70#0, %arg12 = %70#1, %arg13 = %70#2) -> (!faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c32_20 = arith.constant 32 : index
      %75 = arith.muli %arg10, %c32_20 : index
      %76 = arith.index_cast %75 : index to i32
      %77 = faattn.tile_load %arg1[%c0_11, %5, %75] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>>
      %78 = faattn.tile_dot %37, %77 {transpose_rhs} : <128x32xbf16, #faattn.smem<swizzle = 64, stages = 1>>, <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %79 = faattn.tile_load %arg2[%c0_11, %5, %75] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>>
      %80 = faattn.tile_reduce <max> %78 : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %81 = faattn.tile_map %arg12, %80 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %90 = arith.maximumf %arg14, %arg15 : f32
        faattn.yield %90 : f32
      }
      %82 = faattn.tile_map %81 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %90 = arith.cmpf oeq, %arg14, %cst : f32
        %cst_21 = arith.constant 0.255034864 : f32
        %91 = arith.mulf %arg14, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %92 = arith.select %90, %cst_22, %91 : f32
        faattn.yield %92 : f32
      }
      %83 = faattn.tile_map %78, %82 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %90 = arith.negf %arg15 : f32
        %cst = arith.constant 0.255034864 : f32
        %91 = math.fma %arg14, %cst, %90 : f32
        %92 = math.exp2 %91 : f32
        faattn.yield %92 : f32
      }
      %84 = faattn.tile_map %arg12, %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %90 = arith.negf %arg15 : f32
        %cst = arith.constant 0.255034864 : f32
        %91 = math.fma %arg14, %cst, %90 : f32
        %92 = math.exp2 %91 : f32
        faattn.yield %92 : f32
      }
      %85 = faattn.tile_reduce <sum> %83 : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %86 = faattn.tile_map %arg13, %84, %85 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %90 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %90 : f32
      }
      %87 = faattn.tile_map %83 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %90 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %90 : bf16
      }
      %88 = faattn.tile_dot %87, %79 : <128x32xbf16, #faattn.wgmma_a<warpgroups = 2>>, <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %89 = faattn.tile_map %arg11, %84, %88 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %90 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %90 : f32
      }
      scf.yield %89, %81, %86 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %72:3 = scf.for %arg10 = %68 to %69 step %c1_19 iter_args(%arg11 = %71#0, %arg12 = %71#1, %arg13 = %71#2) -> (!faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c32_20 = arith.constant 32 : index
      %75 = arith.muli %arg10, %c32_20 : index
      %76 = arith.index_cast %75 : index to i32
      %77 = faattn.tile_load %arg1[%c0_11, %5, %75] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>>
      %78 = faattn.tile_dot %37, %77 {transpose_rhs} : <128x32xbf16, #faattn.smem<swizzle = 64, stages = 1>>, <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %79 = faattn.tile_mask %78 at[%7, %8, %9, %76] seq[%21, %32] : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %91 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %91 : i1
      }
      %80 = faattn.tile_load %arg2[%c0_11, %5, %75] <bshd> offset %23 limit %31 : memref<?x?x2x32xbf16> -> <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>>
      %81 = faattn.tile_reduce <max> %79 : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %82 = faattn.tile_map %arg12, %81 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.maximumf %arg14, %arg15 : f32
        faattn.yield %91 : f32
      }
      %83 = faattn.tile_map %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %91 = arith.cmpf oeq, %arg14, %cst : f32
        %cst_21 = arith.constant 0.255034864 : f32
        %92 = arith.mulf %arg14, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %93 = arith.select %91, %cst_22, %92 : f32
        faattn.yield %93 : f32
      }
      %84 = faattn.tile_map %79, %83 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.negf %arg15 : f32
        %cst = arith.constant 0.255034864 : f32
        %92 = math.fma %arg14, %cst, %91 : f32
        %93 = math.exp2 %92 : f32
        faattn.yield %93 : f32
      }
      %85 = faattn.tile_map %arg12, %83 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.negf %arg15 : f32
        %cst = arith.constant 0.255034864 : f32
        %92 = math.fma %arg14, %cst, %91 : f32
        %93 = math.exp2 %92 : f32
        faattn.yield %93 : f32
      }
      %86 = faattn.tile_reduce <sum> %84 : <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %87 = faattn.tile_map %arg13, %85, %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %91 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %91 : f32
      }
      %88 = faattn.tile_map %84 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %91 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %91 : bf16
      }
      %89 = faattn.tile_dot %88, %80 : <128x32xbf16, #faattn.wgmma_a<warpgroups = 2>>, <32x32xbf16, #faattn.smem<swizzle = 64, stages = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %90 = faattn.tile_map %arg11, %85, %89 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %91 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %91 : f32
      }
      scf.yield %90, %82, %87 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %73 = faattn.tile_map %72#0, %72#2 : !faattn.tile<128x32xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x32xbf16, #faattn.smem<swizzle = 64, stages = 1>> {
    ^bb0(%arg10: f32, %arg11: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %75 = arith.cmpf oeq, %arg11, %cst : f32
      %76 = arith.divf %arg10, %arg11 : f32
      %cst_20 = arith.constant 0.000000e+00 : f32
      %77 = arith.select %75, %cst_20, %76 : f32
      %78 = arith.truncf %77 : f32 to bf16
      faattn.yield %78 : bf16
    }
    %74 = faattn.tile_map %72#1, %72#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg10: f32, %arg11: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %75 = arith.cmpf oeq, %arg11, %cst : f32
      %cst_20 = arith.constant 0.255034864 : f32
      %76 = math.log2 %arg11 : f32
      %77 = math.fma %arg10, %cst_20, %76 : f32
      %cst_21 = arith.constant 0.693147182 : f32
      %78 = arith.mulf %77, %cst_21 : f32
      %cst_22 = arith.constant 0xFF800000 : f32
      %79 = arith.select %75, %cst_22, %78 : f32
      faattn.yield %79 : f32
    }
    faattn.tile_store %73, %arg3[%c0_6, %arg8, %6] <bshd> offset %12 limit %20 : <128x32xbf16, #faattn.smem<swizzle = 64, stages = 1>>, memref<?x?x4x32xbf16>
    faattn.tile_store %74, %arg4[%c0_6, %arg8, %6] <bshd> offset %12 limit %20 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, memref<?x4x?xf32>
  } {faattn.block_counts = {empty = 1984 : i64, full = 1984 : i64, partial = 128 : i64}, faattn.grid}
  return
}

// The TMA pipeline: head_dim 64 (128-byte rows), GQA 4:2, block 128x64.
// kernel tma { heads = 4 : 2; head_dim = 64; tile = 128x64; mask = causal }
// CHECK-LABEL: gpu.func @tma(
// Four tensor maps after the memrefs.
// CHECK-SAME: %[[MQ:[a-z0-9]+]]: !llvm.ptr, %[[MK:[a-z0-9]+]]: !llvm.ptr, %[[MV:[a-z0-9]+]]: !llvm.ptr, %[[MO:[a-z0-9]+]]: !llvm.ptr) kernel
// 1024 (alignment) + Q 16384 (reused for O) + 2 stages x (K 8192 + V 8192)
// + 7 mbarriers x 8 bytes + the scan's 320 bytes of slots.
// CHECK-SAME: faattn.dynamic_shared_bytes = 50552 : i64
// CHECK-SAME: faattn.tensor_maps = 4 : i64
// CHECK-SAME: faattn.tma_block_n = 64 : i64
// The base aligned to 1024 bytes, then thread 0 initializes the mbarriers:
// Q full, then per stage K full, V full (one arrival each) and empty (one per
// warp: 8).
// CHECK:     arith.andi %{{.*}}, %c-1024_i64 : i64
// CHECK:     scf.if
// CHECK:       nvvm.mbarrier.init %{{.*}}, %c1_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK:       nvvm.mbarrier.init %{{.*}}, %c8_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK:       nvvm.fence.mbarrier.init
// CHECK:     gpu.barrier
// Q by TMA: expect 16 KB, one box of 64 columns at (0, row, head, batch).
// CHECK:     scf.if
// CHECK:       nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32 : !llvm.ptr<3>, i32
// CHECK:       nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MQ]], %{{.*}}, box[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] {isCTAOnly = true} : !llvm.ptr<3>, !llvm.ptr
// The mask analysis' block scan spread over the CTA: without param reads each thread
// classifies blocks (a group of one lane): thread t of warp w the blocks lb + 32 w + t,
// then every 256, with the scan's reductions (min, max, min, max, add); the trip count is
// the warp's (a thread past the end classifies block lb and contributes the identities) ...
// CHECK:     %[[WARP:.*]] = arith.divui %thread_id_x, %c32{{.*}} : index
// CHECK:     %[[GROUP:.*]] = arith.divui %{{.*}}, %c1{{.*}} : index
// CHECK:     %[[W:.*]] = arith.muli %[[WARP]], %c32{{.*}} : index
// CHECK:     %[[FIRST:.*]] = arith.addi %[[LB:.*]], %{{.*}} : index
// CHECK:     %[[STRIDE:.*]] = arith.muli %{{.*}}, %c256 : index
// CHECK:     %[[PART:.*]]:5 = scf.for %[[BASE:.*]] = %[[FIRST]] to %[[UB:.*]] step %[[STRIDE]] iter_args({{.*}}) -> (i64, i64, i64, i64, i64) {
// CHECK:       %[[KB:.*]] = arith.addi %[[BASE]], %{{.*}} : index
// CHECK:       %[[VALID:.*]] = arith.cmpi slt, %[[KB]], %[[UB]] : index
// CHECK:       arith.select %[[VALID]], %[[KB]], %[[LB]] : index
// CHECK:       arith.minsi
// CHECK:       arith.maxsi
// CHECK:       arith.minsi
// CHECK:       arith.maxsi
// CHECK:       arith.addi
// CHECK:       scf.yield
// ... then across the warp (an i64 as two 32-bit xor shuffles at distance 16, 8, 4, 2, 1) ...
// CHECK:     arith.trunci %[[PART]]#0 : i64 to i32
// CHECK:     gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32 : i32
// CHECK:     gpu.shuffle  xor
// CHECK:     arith.minsi
// CHECK:     gpu.shuffle  xor %{{.*}}, %c1_i32{{.*}}, %c32_i32{{.*}} : i32
// ... and across the 8 warps: lane 0 stores its warp's partials, all read all 8 after a barrier.
// CHECK:     scf.if
// CHECK-COUNT-5: llvm.store %{{.*}}, %{{.*}} {alignment = 8 : i64} : i64, !llvm.ptr<3>
// CHECK:     gpu.barrier
// CHECK-COUNT-8: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr<3> -> i64
// Each result is broadcast from lane 0 (two idx shuffles), which ptxas knows is warp-uniform:
// the KV loops' bounds and what derives from them stay in uniform registers.
// CHECK:     gpu.shuffle  idx %{{.*}}, %c0_i32{{.*}}, %c32_i32{{.*}} : i32
// CHECK:     gpu.shuffle  idx %{{.*}}, %c0_i32{{.*}}, %c32_i32{{.*}} : i32
// CHECK-COUNT-32: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr<3> -> i64
// CHECK-NOT: scf.parallel
// The prologue starts the first KV block (2 stages: one ahead): K and V each
// expect 8 KB on their full barrier.
// CHECK:     scf.if
// CHECK:       nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c8192_i32 : !llvm.ptr<3>, i32
// CHECK:       nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MK]], %{{.*}}, box
// CHECK:       nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c8192_i32{{.*}} : !llvm.ptr<3>, i32
// CHECK:       nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MV]], %{{.*}}, box
// Then every thread waits for Q.
// CHECK:     nvvm.mbarrier.try_wait.parity %{{.*}}, %c0_i32{{[_0-9]*}}, %{{.*}} : !llvm.ptr<3>, i32, i32
// A KV loop: the producer waits for the stage to be released (empty) and
// starts the block one ahead, then all wait for this block's K.
// CHECK:     scf.for
// CHECK:       scf.if
// CHECK:         scf.if
// CHECK:           nvvm.mbarrier.try_wait.parity
// CHECK:         nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MK]]
// CHECK:         nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MV]]
// CHECK:       nvvm.mbarrier.try_wait.parity
// CHECK:       nvvm.bar.warp.sync
// Q K^T from two 128-byte-swizzled K-major descriptors: SBO 1024, swizzle
// mode 1 (1 << 62 | 64 << 32 | 1 << 16).
// CHECK:       nvvm.wgmma.fence.aligned
// CHECK:       arith.constant 4611686293305360384 : i64
// CHECK:       nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <zero>]
// CHECK:       nvvm.wgmma.wait.group.sync.aligned 0
// P V: wait for V, then V as an MN-major B operand (LBO = 64 rows x 128
// bytes between 64-column chunks: 512 << 16), transposed (the last 1).
// CHECK:       nvvm.mbarrier.try_wait.parity
// CHECK:       arith.constant 4611686293338849280 : i64
// CHECK:       llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 1;
// CHECK:       nvvm.wgmma.wait.group.sync.aligned 0
// The stage is free: one arrival per warp.
// CHECK:       scf.if
// CHECK:         nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<3>
// CHECK:       scf.yield
// O: pairs into swizzled shared memory (XOR of the 16-byte unit and the
// row), made visible to the async proxy, stored by thread 0 with TMA, which
// waits until the store has read shared memory.
// CHECK:     arith.xori
// CHECK:     vector.store %{{.*}} : memref<{{.*}}xbf16, #gpu.address_space<workgroup>>, vector<2xbf16>
// CHECK:     nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK:     gpu.barrier
// CHECK:     scf.if
// CHECK:       nvvm.cp.async.bulk.tensor.global.shared.cta %[[MO]], %{{.*}}, box[
// CHECK:       nvvm.cp.async.bulk.commit.group
// CHECK:       nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK:     gpu.return
func.func @tma(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c2 = arith.constant 2 : index
    %4 = arith.divui %arg5, %c2 : index
    %c128_3 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_3 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_4 = arith.constant 0 : index
    %c1_5 = arith.constant 1 : index
    %13 = arith.index_cast %c0_4 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c64_i64 = arith.constant 64 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %c1_i64 : i64 to index
    %26:5 = scf.parallel (%arg7) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %47 = arith.index_cast %arg7 : index to i64
      %48 = arith.muli %47, %c64_i64 : i64
      %49 = arith.addi %48, %c64_i64 : i64
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
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.minsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.maxsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.minsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.maxsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.addi %arg8, %arg9 : i64
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
    %42:3 = scf.for %arg7 = %38 to %39 step %c1_5 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %54 = faattn.tile_map %arg9, %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %64 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg9, %55 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %arg10, %57, %58 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %63 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %62 = faattn.tile_map %arg8, %57, %61 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg7 = %39 to %40 step %c1_5 iter_args(%arg8 = %42#0, %arg9 = %42#1, %arg10 = %42#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %52 = faattn.tile_reduce <max> %50 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %53 = faattn.tile_map %arg9, %52 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %62 : f32
      }
      %54 = faattn.tile_map %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %62 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %63 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %64 = arith.select %62, %cst_8, %63 : f32
        faattn.yield %64 : f32
      }
      %55 = faattn.tile_map %50, %54 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %63 = math.fma %arg11, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %56 = faattn.tile_map %arg9, %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %63 = math.fma %arg11, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %57 = faattn.tile_reduce <sum> %55 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %58 = faattn.tile_map %arg10, %56, %57 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %62 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      %59 = faattn.tile_map %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %62 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %62 : bf16
      }
      %60 = faattn.tile_dot %59, %51 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %61 = faattn.tile_map %arg8, %56, %60 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %62 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      scf.yield %61, %53, %58 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg7 = %40 to %41 step %c1_5 iter_args(%arg8 = %43#0, %arg9 = %43#1, %arg10 = %43#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %54 = faattn.tile_map %arg9, %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %64 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg9, %55 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %arg10, %57, %58 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %63 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %62 = faattn.tile_map %arg8, %57, %61 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %45 = faattn.tile_map %44#0, %44#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg8, %cst : f32
      %48 = arith.divf %arg7, %arg8 : f32
      %cst_6 = arith.constant 0.000000e+00 : f32
      %49 = arith.select %47, %48, %cst_6 : f32
      %50 = arith.truncf %49 : f32 to bf16
      faattn.yield %50 : bf16
    }
    %46 = faattn.tile_map %44#1, %44#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_6 = arith.constant 0.180336878 : f32
      %48 = math.log2 %arg8 : f32
      %49 = math.fma %arg7, %cst_6, %48 : f32
      %cst_7 = arith.constant 0.693147182 : f32
      %50 = arith.mulf %49, %cst_7 : f32
      %cst_8 = arith.constant 0xFF800000 : f32
      %51 = arith.select %47, %50, %cst_8 : f32
      faattn.yield %51 : f32
    }
    faattn.tile_store %45, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
  } {faattn.block_counts = {empty = 992 : i64, full = 992 : i64, partial = 64 : i64}, faattn.grid}
  return
}

// schedule = pingpong: the two warpgroups take turns at the tensor cores through named
// barriers 1 (warpgroup 0's turn) and 2 (warpgroup 1's), 256 threads each: before each
// product a warpgroup waits for its turn, after issuing it passes the turn on; warpgroup 1
// gives warpgroup 0 the first turn, and warpgroup 0 takes the last one after the KV loops.
// kernel pp { heads = 4; head_dim = 64; tile = 128x64; schedule = pingpong }
// CHECK-LABEL: gpu.func @pp(
// CHECK-SAME: faattn.schedule = "pingpong"
// CHECK:     %[[WG:.*]] = arith.divui %thread_id_x, %c128 : index
// CHECK:     %[[IS1:.*]] = arith.cmpi eq, %[[WG]], %c1{{.*}} : index
// CHECK:     scf.if %[[IS1]] {
// CHECK:       %[[FIRSTTURN:.*]] = arith.addi %c0{{.*}}, %c1{{.*}} : index
// CHECK:       %[[FIRSTID:.*]] = arith.index_cast %[[FIRSTTURN]] : index to i32
// CHECK:       nvvm.barrier.arrive id = %[[FIRSTID]] number_of_threads = %c256_i32
// CHECK:     scf.for
// Q K^T: wait for the turn, issue, pass it to the other warpgroup (1 - wg), then wait for
// the product.
// CHECK:       %[[MINE:.*]] = arith.addi %[[WG]], %c1
// CHECK:       nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// CHECK:       nvvm.wgmma.fence.aligned
// CHECK:       nvvm.wgmma.mma_async
// CHECK:       nvvm.wgmma.commit.group.sync.aligned
// CHECK:       %[[OTHER:.*]] = arith.subi %c1{{.*}}, %[[WG]] : index
// CHECK:       nvvm.barrier.arrive id = %{{.*}} number_of_threads = %c256_i32
// CHECK:       nvvm.wgmma.wait.group.sync.aligned 0
// P V: the same turn-taking.
// CHECK:       nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// CHECK:       wgmma.mma_async.sync.aligned.m64n64k16
// CHECK:       nvvm.wgmma.commit.group.sync.aligned
// CHECK:       nvvm.barrier.arrive id = %{{.*}} number_of_threads = %c256_i32
// CHECK:       nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:     scf.if
// CHECK:       nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// CHECK:     gpu.return
func.func @pp(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x4x64xbf16>, %arg2: memref<?x?x4x64xbf16>, %arg3: memref<?x?x4x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.schedule = "pingpong", faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x64xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
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
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
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
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
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
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
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
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
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
    faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 2048 : i64, partial = 0 : i64}, faattn.grid}
  return
}

// Without two warpgroups (block_m 64) pingpong is not applied.
// kernel pp_one { heads = 4; head_dim = 64; tile = 64x64; schedule = pingpong }
// CHECK-LABEL: gpu.func @pp_one(
// CHECK-SAME: faattn.schedule = "inline-producer"
// CHECK-NOT: nvvm.barrier.arrive
// CHECK:     gpu.return
func.func @pp_one(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x4x64xbf16>, %arg2: memref<?x?x4x64xbf16>, %arg3: memref<?x?x4x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.schedule = "pingpong", faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x64xbf16>
  %c64 = arith.constant 64 : index
  %0 = arith.ceildivui %dim_0, %c64 : index
  %c64_3 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c64_5 = arith.constant 64 : index
    %5 = arith.muli %arg6, %c64_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
    %11 = faattn.tile_splat 0xFF800000 : <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    %12 = faattn.tile_splat 0.000000e+00 : <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13 = arith.index_cast %c0_6 : index to i64
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
    %23:3 = scf.for %arg7 = %20 to %21 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
      %c64_8 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_10, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    } {faattn.kv_loop = "masked"}
    %24:3 = scf.for %arg7 = %21 to %22 step %c1_7 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
      %c64_8 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %33 = faattn.tile_reduce <max> %31 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %34 = faattn.tile_map %arg9, %33 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %43 : f32
      }
      %35 = faattn.tile_map %34 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %43 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %44 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %45 = arith.select %43, %cst_10, %44 : f32
        faattn.yield %45 : f32
      }
      %36 = faattn.tile_map %31, %35 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %arg9, %35 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %38 = faattn.tile_reduce <sum> %36 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %39 = faattn.tile_map %arg10, %37, %38 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      %40 = faattn.tile_map %36 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>> {
      ^bb0(%arg11: f32):
        %43 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %43 : bf16
      }
      %41 = faattn.tile_dot %40, %32 : <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %42 = faattn.tile_map %arg8, %37, %41 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      scf.yield %42, %34, %39 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    } {faattn.kv_loop = "full"}
    %25:3 = scf.for %arg7 = %22 to %1 step %c1_7 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
      %c64_8 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_10, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
    } {faattn.kv_loop = "masked"}
    %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %29 = arith.divf %arg7, %arg8 : f32
      %cst_8 = arith.constant 0.000000e+00 : f32
      %30 = arith.select %28, %29, %cst_8 : f32
      %31 = arith.truncf %30 : f32 to bf16
      faattn.yield %31 : bf16
    }
    %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_8 = arith.constant 0.180336878 : f32
      %29 = math.log2 %arg8 : f32
      %30 = math.fma %arg7, %cst_8, %29 : f32
      %cst_9 = arith.constant 0.693147182 : f32
      %31 = arith.mulf %30, %cst_9 : f32
      %cst_10 = arith.constant 0xFF800000 : f32
      %32 = arith.select %28, %31, %cst_10 : f32
      faattn.yield %32 : f32
    }
    faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 4096 : i64, partial = 0 : i64}, faattn.grid}
  return
}

// Per-element code: what depends on neither the score nor the element's indices (slopes[h],
// the constants) is computed once per tile, before the elements' guards. This pass keeps the
// f32 math as it is (arith.divf, math.tanh, math.exp2); faattn-fast-math, run after it (the FAST
// prefix of Pipeline/pipeline-faattn-tiles-to-wgmma.fa, a two-pass pipeline;
// faattn-fast-math.mlir tests that pass alone), makes a division by a constant a product with
// its reciprocal, other f32 divisions (O / l) div.full.f32, exp2 ex2.approx.ftz (the
// intrinsic) and tanh tanh.approx.
// kernel cap { heads = 2; head_dim = 128; tile = 128x64
//   param slopes : f32[heads]
//   score = 50.0 * tanh(score / 50.0) - slopes[h] * (q_idx - kv_idx) }
// CHECK-LABEL: gpu.func @cap(
// CHECK-SAME: %[[SLOPES:[a-z0-9]+]]: memref<2xf32>
// CHECK-NOT: faattn.ctas_per_sm
// CHECK:     scf.for
// CHECK:       %[[FIFTY:.*]] = arith.constant 5.000000e+01 : f32
// CHECK:       %[[SLOPE:.*]]:2 = scf.if %{{.*}} -> (index, f32) {
// CHECK:         memref.load %[[SLOPES]][%{{.*}}] : memref<2xf32>
// The element code reads no param and divides no integer: it runs unguarded (a column past
// seq_kv is masked, a row past seq_q never stored).
// CHECK-NOT:   memref.load %[[SLOPES]]
// CHECK-NOT:   scf.if
// CHECK:         %[[Q:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK:         math.tanh %[[Q]] : f32
// CHECK:         arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK:         arith.mulf %[[SLOPE]]#1, %{{.*}} : f32
// CHECK:       math.exp2 %{{.*}} : f32
// CHECK:     arith.divf
// CHECK:     gpu.return
func.func @cap(%arg0: memref<?x?x2x128xbf16>, %arg1: memref<?x?x2x128xbf16>, %arg2: memref<?x?x2x128xbf16>, %arg3: memref<?x?x2x128xbf16>, %arg4: memref<2xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x2x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 2, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_4 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x2x128xbf16> -> <128x128xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
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
    %23:3 = scf.for %arg8 = %20 to %21 step %c1_6 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg8, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg5, %4, %28] <bshd> : memref<?x?x2x128xbf16> -> <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x128xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_score %31 at[%6, %7, %8, %29] seq[%2, %3] params(%arg4 : memref<2xf32>) {scale = 0.0883883461 : f32} : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<2xf32>):
        %cst = arith.constant 5.000000e+01 : f32
        %cst_8 = arith.constant 5.000000e+01 : f32
        %45 = arith.divf %score, %cst_8 : f32
        %46 = math.tanh %45 : f32
        %47 = arith.mulf %cst, %46 : f32
        %48 = arith.index_cast %h : i32 to index
        %49 = memref.load %arg12[%48] : memref<2xf32>
        %50 = arith.subi %q_idx, %kv_idx : i32
        %51 = arith.sitofp %50 : i32 to f32
        %52 = arith.mulf %49, %51 : f32
        %53 = arith.subf %47, %52 : f32
        faattn.yield %53 : f32
      }
      %33 = faattn.tile_mask %32 at[%6, %7, %8, %29] seq[%2, %3] params(%arg4 : memref<2xf32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %34 = faattn.tile_load %arg2[%arg5, %4, %28] <bshd> : memref<?x?x2x128xbf16> -> <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %35 = faattn.tile_reduce <max> %33 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %36 = faattn.tile_map %arg10, %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %45 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %45 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_8 = arith.constant 1.44269502 : f32
        %46 = arith.mulf %arg12, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %47 = arith.select %45, %cst_9, %46 : f32
        faattn.yield %47 : f32
      }
      %38 = faattn.tile_map %33, %37 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %45 = arith.negf %arg13 : f32
        %cst = arith.constant 1.44269502 : f32
        %46 = math.fma %arg12, %cst, %45 : f32
        %47 = math.exp2 %46 : f32
        faattn.yield %47 : f32
      }
      %39 = faattn.tile_map %arg10, %37 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %45 = arith.negf %arg13 : f32
        %cst = arith.constant 1.44269502 : f32
        %46 = math.fma %arg12, %cst, %45 : f32
        %47 = math.exp2 %46 : f32
        faattn.yield %47 : f32
      }
      %40 = faattn.tile_reduce <sum> %38 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %41 = faattn.tile_map %arg11, %39, %40 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %45 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %45 : f32
      }
      %42 = faattn.tile_map %38 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %45 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %45 : bf16
      }
      %43 = faattn.tile_dot %42, %34 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %44 = faattn.tile_map %arg9, %39, %43 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %45 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %45 : f32
      }
      scf.yield %44, %36, %41 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %24:3 = scf.for %arg8 = %21 to %22 step %c1_6 iter_args(%arg9 = %23#0, %arg10 = %23#1, %arg11 = %23#2) -> (!faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg8, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg5, %4, %28] <bshd> : memref<?x?x2x128xbf16> -> <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x128xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_score %31 at[%6, %7, %8, %29] seq[%2, %3] params(%arg4 : memref<2xf32>) {scale = 0.0883883461 : f32} : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<2xf32>):
        %cst = arith.constant 5.000000e+01 : f32
        %cst_8 = arith.constant 5.000000e+01 : f32
        %44 = arith.divf %score, %cst_8 : f32
        %45 = math.tanh %44 : f32
        %46 = arith.mulf %cst, %45 : f32
        %47 = arith.index_cast %h : i32 to index
        %48 = memref.load %arg12[%47] : memref<2xf32>
        %49 = arith.subi %q_idx, %kv_idx : i32
        %50 = arith.sitofp %49 : i32 to f32
        %51 = arith.mulf %48, %50 : f32
        %52 = arith.subf %46, %51 : f32
        faattn.yield %52 : f32
      }
      %33 = faattn.tile_load %arg2[%arg5, %4, %28] <bshd> : memref<?x?x2x128xbf16> -> <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %35 = faattn.tile_map %arg10, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %44 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_8 = arith.constant 1.44269502 : f32
        %45 = arith.mulf %arg12, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_9, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %44 = arith.negf %arg13 : f32
        %cst = arith.constant 1.44269502 : f32
        %45 = math.fma %arg12, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg10, %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %44 = arith.negf %arg13 : f32
        %cst = arith.constant 1.44269502 : f32
        %45 = math.fma %arg12, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %40 = faattn.tile_map %arg11, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %44 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %44 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %43 = faattn.tile_map %arg9, %38, %42 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %44 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %25:3 = scf.for %arg8 = %22 to %1 step %c1_6 iter_args(%arg9 = %24#0, %arg10 = %24#1, %arg11 = %24#2) -> (!faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %28 = arith.muli %arg8, %c64_7 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg5, %4, %28] <bshd> : memref<?x?x2x128xbf16> -> <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x128xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_score %31 at[%6, %7, %8, %29] seq[%2, %3] params(%arg4 : memref<2xf32>) {scale = 0.0883883461 : f32} : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<2xf32>):
        %cst = arith.constant 5.000000e+01 : f32
        %cst_8 = arith.constant 5.000000e+01 : f32
        %45 = arith.divf %score, %cst_8 : f32
        %46 = math.tanh %45 : f32
        %47 = arith.mulf %cst, %46 : f32
        %48 = arith.index_cast %h : i32 to index
        %49 = memref.load %arg12[%48] : memref<2xf32>
        %50 = arith.subi %q_idx, %kv_idx : i32
        %51 = arith.sitofp %50 : i32 to f32
        %52 = arith.mulf %49, %51 : f32
        %53 = arith.subf %47, %52 : f32
        faattn.yield %53 : f32
      }
      %33 = faattn.tile_mask %32 at[%6, %7, %8, %29] seq[%2, %3] params(%arg4 : memref<2xf32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %34 = faattn.tile_load %arg2[%arg5, %4, %28] <bshd> : memref<?x?x2x128xbf16> -> <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %35 = faattn.tile_reduce <max> %33 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %36 = faattn.tile_map %arg10, %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %45 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %45 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_8 = arith.constant 1.44269502 : f32
        %46 = arith.mulf %arg12, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %47 = arith.select %45, %cst_9, %46 : f32
        faattn.yield %47 : f32
      }
      %38 = faattn.tile_map %33, %37 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %45 = arith.negf %arg13 : f32
        %cst = arith.constant 1.44269502 : f32
        %46 = math.fma %arg12, %cst, %45 : f32
        %47 = math.exp2 %46 : f32
        faattn.yield %47 : f32
      }
      %39 = faattn.tile_map %arg10, %37 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %45 = arith.negf %arg13 : f32
        %cst = arith.constant 1.44269502 : f32
        %46 = math.fma %arg12, %cst, %45 : f32
        %47 = math.exp2 %46 : f32
        faattn.yield %47 : f32
      }
      %40 = faattn.tile_reduce <sum> %38 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %41 = faattn.tile_map %arg11, %39, %40 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %45 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %45 : f32
      }
      %42 = faattn.tile_map %38 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %45 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %45 : bf16
      }
      %43 = faattn.tile_dot %42, %34 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %44 = faattn.tile_map %arg9, %39, %43 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %45 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %45 : f32
      }
      scf.yield %44, %36, %41 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg9, %cst : f32
      %29 = arith.divf %arg8, %arg9 : f32
      %cst_7 = arith.constant 0.000000e+00 : f32
      %30 = arith.select %28, %29, %cst_7 : f32
      %31 = arith.truncf %30 : f32 to bf16
      faattn.yield %31 : bf16
    }
    %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg9, %cst : f32
      %cst_7 = arith.constant 1.44269502 : f32
      %29 = math.log2 %arg9 : f32
      %30 = math.fma %arg8, %cst_7, %29 : f32
      %cst_8 = arith.constant 0.693147182 : f32
      %31 = arith.mulf %30, %cst_8 : f32
      %cst_9 = arith.constant 0xFF800000 : f32
      %32 = arith.select %28, %31, %cst_9 : f32
      faattn.yield %32 : f32
    }
    faattn.tile_store %26, %arg3[%arg5, %arg6, %5] <bshd> : <128x128xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x128xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 2048 : i64, partial = 0 : i64}, faattn.grid}
  return
}

// What depends on q_idx alone (doc[q_idx]) is read once per row of a thread's fragment (2),
// what depends on kv_idx alone (doc[kv_idx]) once per column (16 for block_n 64), each only
// inside the sequence; the element code compares the two.
// kernel docs { heads = 2; head_dim = 64; tile = 128x64
//   param doc : i32[seq]
//   mask = doc[q_idx] == doc[kv_idx] && q_idx >= kv_idx }
// CHECK-LABEL: gpu.func @docs(
// CHECK-SAME: %[[DOC:[a-z0-9]+]]: memref<?xi32>
// CHECK-SAME: %[[DMQ:[a-z0-9]+]]: !llvm.ptr, %[[DMK:[a-z0-9]+]]: !llvm.ptr, %[[DMV:[a-z0-9]+]]: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr) kernel
// Q by TMA, then at once the head KV block (faattn-kv-head: the block of the Q block's
// last row), ring block 0: its index needs no scan result, so its K and V load under the scan.
// CHECK:       nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[DMQ]]
// CHECK-NOT:   memref.load
// CHECK:       nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c8192_i32 : !llvm.ptr<3>, i32
// CHECK:       nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[DMK]]
// CHECK-NOT:   memref.load
// CHECK:       nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[DMV]]
// The block scan's reads of the ids over a range (faattn.range_reduce) spread over lanes:
// first the Q block's rows, once before the scan, over the whole warp: lane l reads
// elements lb + l, lb + l + 32, lb + l + 64, lb + l + 96 (four in flight). Min and max do not
// change when an element is read twice: past the end a lane re-reads the last element (the
// offset from the trip's base, in 32 bits, at most span = min(last - base, 127); no select of
// identities), and the i32 ids are reduced as i32. Then min and max combine across the warp by
// xor shuffles (one 32-bit shuffle a step, 10 in all) ...
// CHECK:     %[[LAST:.*]] = arith.subi %[[END:.*]], %c1{{.*}} : index
// CHECK:     %[[LANE:.*]] = arith.remui %thread_id_x, %c32{{.*}} : index
// CHECK-NEXT: %[[LANE32:.*]] = arith.index_cast %[[LANE]] : index to i32
// CHECK:     %[[QR:.*]]:2 = scf.for %[[BASE:.*]] = %{{.*}} to %[[END]] step %{{.*}} iter_args({{.*}}) -> (i32, i32) {
// CHECK-NEXT:  %[[LEFT:.*]] = arith.subi %[[LAST]], %[[BASE]] : index
// CHECK-NEXT:  %[[C127:.*]] = arith.constant 127 : index
// CHECK-NEXT:  %[[SPAN:.*]] = arith.minsi %[[LEFT]], %[[C127]] : index
// CHECK-NEXT:  %[[SPAN32:.*]] = arith.index_cast %[[SPAN]] : index to i32
// CHECK-NEXT:  %[[U0:.*]] = arith.constant 0 : i32
// CHECK-NEXT:  %[[L0:.*]] = arith.addi %[[LANE32]], %[[U0]] : i32
// CHECK-NEXT:  %[[OFF0:.*]] = arith.minsi %[[L0]], %[[SPAN32]] : i32
// CHECK-NEXT:  %[[OFFI:.*]] = arith.index_castui %[[OFF0]] : i32 to index
// CHECK-NEXT:  %[[C0:.*]] = arith.addi %[[BASE]], %[[OFFI]] : index
// CHECK-NEXT:  %[[X0:.*]] = memref.load %[[DOC]][%[[C0]]] : memref<?xi32>
// CHECK-NEXT:  arith.extsi
// CHECK-NEXT:  arith.minsi %{{.*}}, %[[X0]] : i32
// CHECK-NEXT:  arith.maxsi %{{.*}}, %[[X0]] : i32
// CHECK-NOT:   arith.select
// CHECK:       memref.load %[[DOC]]
// CHECK-NOT:   arith.select
// CHECK:       memref.load %[[DOC]]
// CHECK-NOT:   arith.select
// CHECK:       memref.load %[[DOC]]
// CHECK-NOT:   arith.select
// CHECK:       scf.yield
// CHECK:     gpu.shuffle  xor %{{.*}}, %c16_i32
// CHECK-COUNT-9: gpu.shuffle  xor %{{.*}} : i32
// ... then in the scan a group of 8 lanes classifies a KV block (a warp 4 blocks at once):
// the block's ids 16 reads in flight a lane, combined in the group (xor 4, 2, 1), and only
// when the block is not decided without the ids (q_idx >= kv_idx decides the blocks above
// the diagonal: the range is empty there) ...
// CHECK:     %[[GROUP:.*]] = arith.divui %{{.*}}, %c8{{.*}} : index
// CHECK:     scf.for {{.*}} -> (i64, i64, i64, i64, i64) {
// CHECK:       arith.remui %thread_id_x, %c8{{.*}} : index
// CHECK:       scf.for {{.*}} -> (i32, i32) {
// CHECK-COUNT-16:  memref.load %[[DOC]]
// CHECK:       }
// CHECK:       gpu.shuffle  xor %{{.*}}, %c4_i32{{.*}}, %c32_i32{{.*}} : i32
// CHECK:       gpu.shuffle  xor %{{.*}}, %c2_i32{{.*}}, %c32_i32{{.*}} : i32
// CHECK:       gpu.shuffle  xor %{{.*}}, %c1_i32{{.*}}, %c32_i32{{.*}} : i32
// CHECK-NOT:   gpu.shuffle  xor %{{.*}}, %c8_i32
// CHECK:       scf.yield
// ... and the 4 groups' partials across the warp: xor 16 and 8 (an i64 as two shuffles).
// CHECK:     gpu.shuffle  xor %{{.*}}, %c16_i32{{.*}}, %c32_i32{{.*}} : i32
// CHECK:     gpu.shuffle  xor %{{.*}}, %c16_i32{{.*}}, %c32_i32{{.*}} : i32
// CHECK:     gpu.shuffle  xor %{{.*}}, %c8_i32{{.*}}, %c32_i32{{.*}} : i32
// CHECK-NOT: gpu.shuffle  xor %{{.*}}, %c4_i32
// CHECK:     gpu.barrier
// CHECK-NOT: faattn.range_reduce
// The prologue: ring blocks max(hi', lo) - lo + 1 (the head block's included), counted from
// lo - 1 (the first loop's early iteration, lo - 1, is ring block 0).
// CHECK:     %[[TOP:.*]] = arith.maxsi %{{.*}}, %[[LO:.*]] : index
// CHECK-NEXT: %[[N:.*]] = arith.subi %[[TOP]], %[[LO]] : index
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: arith.addi %[[N]], %[[ONE]] : index
// CHECK-NEXT: %[[ONE2:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[ORIGIN:.*]] = arith.subi %[[LO]], %[[ONE2]] : index
// After the wait for Q: when the first loop's early iteration (the head block's) will not run
// (its lower bound is lo: the scan found another last block), ring block 0 is waited out (K
// full at byte 49160 and V full at 49176, phase 0) and released (empty at 49192: one arrival a
// warp), after the producer started ring block 1 (block lo - 1 + 1).
// CHECK:     nvvm.mbarrier.try_wait.parity %{{.*}}, %c0_i32{{[_0-9]*}}, %{{.*}} : !llvm.ptr<3>, i32, i32
// CHECK:     %[[MISS:.*]] = arith.cmpi sge, %[[LB:.*]], %[[LO]] : index
// CHECK-NEXT: scf.if %[[MISS]] {
// CHECK:       arith.addi %[[ORIGIN]], %{{.*}} : index
// CHECK:       nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[DMK]]
// CHECK:       nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[DMV]], {{.*}} : !llvm.ptr<3>, !llvm.ptr
// CHECK-NEXT:  {{^ *}}}{{$}}
// CHECK-NEXT:  %[[S0:.*]] = arith.constant 0 : index
// CHECK-NEXT:  %[[KF:.*]] = arith.constant 49160 : index
// CHECK-NEXT:  %[[E8:.*]] = arith.constant 8 : index
// CHECK-NEXT:  %[[KO:.*]] = arith.muli %[[S0]], %[[E8]] : index
// CHECK-NEXT:  arith.addi %[[KF]], %[[KO]] : index
// CHECK-NEXT:  arith.index_cast
// CHECK-NEXT:  arith.addi
// CHECK-NEXT:  %[[KP:.*]] = llvm.inttoptr
// CHECK-NEXT:  %[[P0:.*]] = arith.constant 0 : i32
// CHECK-NEXT:  arith.constant 10000000 : i32
// CHECK-NEXT:  nvvm.mbarrier.try_wait.parity %[[KP]], %[[P0]], %{{.*}} : !llvm.ptr<3>, i32, i32
// CHECK-NEXT:  %[[S1:.*]] = arith.constant 0 : index
// CHECK-NEXT:  %[[VF:.*]] = arith.constant 49176 : index
// CHECK-NEXT:  %[[E9:.*]] = arith.constant 8 : index
// CHECK-NEXT:  %[[VO:.*]] = arith.muli %[[S1]], %[[E9]] : index
// CHECK-NEXT:  arith.addi %[[VF]], %[[VO]] : index
// CHECK-NEXT:  arith.index_cast
// CHECK-NEXT:  arith.addi
// CHECK-NEXT:  %[[VP:.*]] = llvm.inttoptr
// CHECK-NEXT:  %[[P1:.*]] = arith.constant 0 : i32
// CHECK-NEXT:  arith.constant 10000000 : i32
// CHECK-NEXT:  nvvm.mbarrier.try_wait.parity %[[VP]], %[[P1]], %{{.*}} : !llvm.ptr<3>, i32, i32
// CHECK-NEXT:  arith.constant -1 : i32
// CHECK-NEXT:  nvvm.bar.warp.sync
// CHECK-NEXT:  scf.if
// CHECK-NEXT:    %[[S2:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[EF:.*]] = arith.constant 49192 : index
// CHECK-NEXT:    %[[E10:.*]] = arith.constant 8 : index
// CHECK-NEXT:    %[[EO:.*]] = arith.muli %[[S2]], %[[E10]] : index
// CHECK-NEXT:    arith.addi %[[EF]], %[[EO]] : index
// CHECK-NEXT:    arith.index_cast
// CHECK-NEXT:    arith.addi
// CHECK-NEXT:    %[[EP:.*]] = llvm.inttoptr
// CHECK-NEXT:    nvvm.mbarrier.arrive %[[EP]] : !llvm.ptr<3>
// Then the KV loops; the first one's block is `iv < lo ? c : iv`, its ring block iv - (lo - 1).
// CHECK:     scf.for %[[HIV:[a-z0-9]+]] = %[[LB]] to {{.*}} -> (vector<32xf32>, vector<2xf32>, vector<2xf32>) {
// CHECK-NEXT:  %[[EARLY:.*]] = arith.cmpi slt, %[[HIV]], %[[LO]] : index
// CHECK-NEXT:  arith.select %[[EARLY]], %{{.*}}, %[[HIV]] : index
// CHECK:       arith.subi %[[HIV]], %[[ORIGIN]] : index
// CHECK:       nvvm.mbarrier.try_wait.parity
// CHECK:       %[[QIN:.*]] = arith.cmpi slt, %[[Q:.*]], %{{.*}} : i32
// CHECK:       %[[DQ:.*]]:2 = scf.if %[[QIN]] -> (index, i32) {
// CHECK:         memref.load %[[DOC]][%{{.*}}] : memref<?xi32>
// CHECK:       } else {
// CHECK:       %[[KVIN:.*]] = arith.cmpi slt, %[[KV:.*]], %{{.*}} : i32
// CHECK:       %[[DKV:.*]]:2 = scf.if %[[KVIN]] -> (index, i32) {
// CHECK:         memref.load %[[DOC]][%{{.*}}] : memref<?xi32>
// CHECK:       } else {
// The comparisons are pure: no guard; the column's bound (kv < seq_kv) is and-ed in.
// CHECK-NOT:   scf.if
// CHECK:       %[[KVB:.*]] = arith.cmpi slt, %[[KV]], %{{.*}} : i32
// CHECK-NOT:   scf.if
// CHECK:       %[[EQ:.*]] = arith.cmpi eq, %[[DQ]]#1, %[[DKV]]#1 : i32
// CHECK-NEXT:  %[[GE:.*]] = arith.cmpi sge, %[[Q]], %[[KV]] : i32
// CHECK-NEXT:  %[[KEEP:.*]] = arith.andi %[[EQ]], %[[GE]] : i1
// CHECK-NEXT:  %[[KEEPIN:.*]] = arith.andi %[[KVB]], %[[KEEP]] : i1
// CHECK:       arith.select %[[KEEPIN]], %{{.*}}, %{{.*}} : f32
// Element 1: the same row, the next column: only that column's id is read.
// CHECK:       %[[KVIN1:.*]] = arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK:       %[[DKV1:.*]]:2 = scf.if %[[KVIN1]] -> (index, i32) {
// CHECK:         memref.load %[[DOC]]
// CHECK-NOT:   scf.if
// CHECK:       arith.cmpi eq, %[[DQ]]#1, %[[DKV1]]#1 : i32
// CHECK:     } {faattn.kv_head, faattn.kv_loop = "masked"}
// CHECK:     } {faattn.kv_loop = "full"}
// CHECK:     } {faattn.kv_loop = "masked"}
// CHECK:     gpu.return
func.func @docs(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
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
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 2, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_4 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
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
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %8 : i32 to index
    %c128_7 = arith.constant 128 : index
    %26 = arith.addi %25, %c128_7 : index
    %27 = arith.index_cast %2 : i32 to index
    %28 = arith.minsi %26, %27 : index
    %c1_8 = arith.constant 1 : index
    %29 = arith.subi %28, %c1_8 : index
    %c64_9 = arith.constant 64 : index
    %30 = arith.divsi %29, %c64_9 : index
    %c1_10 = arith.constant 1 : index
    %31 = arith.subi %24, %c1_10 : index
    %32 = arith.minsi %30, %31 : index
    %33 = arith.maxsi %32, %23 : index
    %34 = arith.index_cast %c1_i64 : i64 to index
    %c0_11 = arith.constant 0 : index
    %dim_12 = memref.dim %arg4, %c0_11 : memref<?xi32>
    %35 = arith.index_cast %dim_12 : index to i64
    %c0_i64_13 = arith.constant 0 : i64
    %36 = arith.cmpi sge, %19, %c0_i64_13 : i64
    %37 = arith.cmpi slt, %22, %35 : i64
    %38 = arith.andi %36, %37 : i1
    %39 = arith.cmpi sle, %19, %22 : i64
    %40 = arith.andi %38, %39 : i1
    %c0_i64_14 = arith.constant 0 : i64
    %41 = arith.select %40, %19, %c0_i64_14 : i64
    %c1_i64_15 = arith.constant 1 : i64
    %42 = arith.addi %22, %c1_i64_15 : i64
    %c0_i64_16 = arith.constant 0 : i64
    %43 = arith.select %40, %42, %c0_i64_16 : i64
    %c2147483647_i64 = arith.constant 2147483647 : i64
    %c-2147483648_i64 = arith.constant -2147483648 : i64
    %44 = arith.index_cast %41 : i64 to index
    %45 = arith.index_cast %43 : i64 to index
    %c1_17 = arith.constant 1 : index
    %46:2 = scf.parallel (%arg8) = (%44) to (%45) step (%c1_17) init (%c2147483647_i64, %c-2147483648_i64) -> (i64, i64) {
      %79 = memref.load %arg4[%arg8] : memref<?xi32>
      %80 = arith.extsi %79 : i32 to i64
      scf.reduce(%80, %80 : i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %81 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %81 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %81 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %81 : i64
      }
    } {faattn.range_reduce}
    %c-2147483648_i64_18 = arith.constant -2147483648 : i64
    %47 = arith.select %40, %46#0, %c-2147483648_i64_18 : i64
    %c2147483647_i64_19 = arith.constant 2147483647 : i64
    %48 = arith.select %40, %46#1, %c2147483647_i64_19 : i64
    %49:5 = scf.parallel (%arg8) = (%23) to (%24) step (%34) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %79 = arith.index_cast %arg8 : index to i64
      %80 = arith.muli %79, %c64_i64 : i64
      %81 = arith.addi %80, %c64_i64 : i64
      %82 = arith.minsi %81, %16 : i64
      %83 = arith.subi %82, %c1_i64 : i64
      %c-2147483648_i64_22 = arith.constant -2147483648 : i64
      %84 = arith.cmpi sge, %47, %c-2147483648_i64_22 : i64
      %c2147483647_i64_23 = arith.constant 2147483647 : i64
      %85 = arith.cmpi sle, %48, %c2147483647_i64_23 : i64
      %86 = arith.andi %84, %85 : i1
      %c-2147483648_i64_24 = arith.constant -2147483648 : i64
      %87 = arith.select %86, %47, %c-2147483648_i64_24 : i64
      %c2147483647_i64_25 = arith.constant 2147483647 : i64
      %88 = arith.select %86, %48, %c2147483647_i64_25 : i64
      %89 = arith.cmpi sge, %22, %80 : i64
      %90 = arith.cmpi slt, %19, %83 : i64
      %true = arith.constant true
      %91 = arith.andi %true, %89 : i1
      %92 = arith.ori %true, %90 : i1
      %93 = arith.andi %91, %92 : i1
      %c-2147483648_i64_26 = arith.constant -2147483648 : i64
      %94 = arith.cmpi sge, %47, %c-2147483648_i64_26 : i64
      %c2147483647_i64_27 = arith.constant 2147483647 : i64
      %95 = arith.cmpi sle, %48, %c2147483647_i64_27 : i64
      %96 = arith.andi %94, %95 : i1
      %c-2147483648_i64_28 = arith.constant -2147483648 : i64
      %97 = arith.select %96, %47, %c-2147483648_i64_28 : i64
      %c2147483647_i64_29 = arith.constant 2147483647 : i64
      %98 = arith.select %96, %48, %c2147483647_i64_29 : i64
      %c0_30 = arith.constant 0 : index
      %dim_31 = memref.dim %arg4, %c0_30 : memref<?xi32>
      %99 = arith.index_cast %dim_31 : index to i64
      %c0_i64_32 = arith.constant 0 : i64
      %100 = arith.cmpi sge, %80, %c0_i64_32 : i64
      %101 = arith.cmpi slt, %83, %99 : i64
      %102 = arith.andi %100, %101 : i1
      %103 = arith.cmpi sle, %80, %83 : i64
      %104 = arith.andi %102, %103 : i1
      %105 = arith.andi %104, %93 : i1
      %c0_i64_33 = arith.constant 0 : i64
      %106 = arith.select %105, %80, %c0_i64_33 : i64
      %c1_i64_34 = arith.constant 1 : i64
      %107 = arith.addi %83, %c1_i64_34 : i64
      %c0_i64_35 = arith.constant 0 : i64
      %108 = arith.select %105, %107, %c0_i64_35 : i64
      %c2147483647_i64_36 = arith.constant 2147483647 : i64
      %c-2147483648_i64_37 = arith.constant -2147483648 : i64
      %109 = arith.index_cast %106 : i64 to index
      %110 = arith.index_cast %108 : i64 to index
      %c1_38 = arith.constant 1 : index
      %111:2 = scf.parallel (%arg9) = (%109) to (%110) step (%c1_38) init (%c2147483647_i64_36, %c-2147483648_i64_37) -> (i64, i64) {
        %141 = memref.load %arg4[%arg9] : memref<?xi32>
        %142 = arith.extsi %141 : i32 to i64
        scf.reduce(%142, %142 : i64, i64) {
        ^bb0(%arg10: i64, %arg11: i64):
          %143 = arith.minsi %arg10, %arg11 : i64
          scf.reduce.return %143 : i64
        }, {
        ^bb0(%arg10: i64, %arg11: i64):
          %143 = arith.maxsi %arg10, %arg11 : i64
          scf.reduce.return %143 : i64
        }
      } {faattn.range_reduce}
      %c-2147483648_i64_39 = arith.constant -2147483648 : i64
      %112 = arith.select %105, %111#0, %c-2147483648_i64_39 : i64
      %c2147483647_i64_40 = arith.constant 2147483647 : i64
      %113 = arith.select %105, %111#1, %c2147483647_i64_40 : i64
      %c-2147483648_i64_41 = arith.constant -2147483648 : i64
      %114 = arith.cmpi sge, %112, %c-2147483648_i64_41 : i64
      %c2147483647_i64_42 = arith.constant 2147483647 : i64
      %115 = arith.cmpi sle, %113, %c2147483647_i64_42 : i64
      %116 = arith.andi %114, %115 : i1
      %c-2147483648_i64_43 = arith.constant -2147483648 : i64
      %117 = arith.select %116, %112, %c-2147483648_i64_43 : i64
      %c2147483647_i64_44 = arith.constant 2147483647 : i64
      %118 = arith.select %116, %113, %c2147483647_i64_44 : i64
      %119 = arith.cmpi slt, %98, %117 : i64
      %120 = arith.cmpi slt, %118, %97 : i64
      %121 = arith.ori %119, %120 : i1
      %122 = arith.cmpi eq, %97, %98 : i64
      %123 = arith.cmpi eq, %117, %118 : i64
      %124 = arith.andi %122, %123 : i1
      %125 = arith.cmpi eq, %97, %117 : i64
      %126 = arith.andi %124, %125 : i1
      %true_45 = arith.constant true
      %127 = arith.xori %121, %true_45 : i1
      %true_46 = arith.constant true
      %128 = arith.xori %126, %true_46 : i1
      %129 = arith.cmpi sge, %22, %80 : i64
      %130 = arith.cmpi slt, %19, %83 : i64
      %131 = arith.andi %127, %129 : i1
      %132 = arith.ori %128, %130 : i1
      %133 = arith.cmpi sle, %81, %16 : i64
      %true_47 = arith.constant true
      %134 = arith.xori %132, %true_47 : i1
      %135 = arith.andi %134, %133 : i1
      %136 = arith.select %131, %79, %14 : i64
      %137 = arith.select %131, %79, %c-1_i64 : i64
      %138 = arith.select %135, %79, %14 : i64
      %139 = arith.select %135, %79, %c-1_i64 : i64
      %140 = arith.extui %135 : i1 to i64
      scf.reduce(%136, %137, %138, %139, %140 : i64, i64, i64, i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.addi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }
    } {faattn.block_scan}
    %50 = arith.maxsi %49#0, %13 : i64
    %51 = arith.addi %49#1, %c1_i64 : i64
    %52 = arith.maxsi %51, %50 : i64
    %53 = arith.addi %49#3, %c1_i64 : i64
    %54 = arith.subi %53, %49#2 : i64
    %55 = arith.cmpi sgt, %49#4, %c0_i64 : i64
    %56 = arith.cmpi eq, %49#4, %54 : i64
    %57 = arith.andi %55, %56 : i1
    %58 = arith.select %57, %49#2, %52 : i64
    %59 = arith.addi %49#3, %c1_i64 : i64
    %60 = arith.select %57, %59, %52 : i64
    %61 = arith.index_cast %50 : i64 to index
    %62 = arith.index_cast %58 : i64 to index
    %63 = arith.index_cast %60 : i64 to index
    %64 = arith.index_cast %52 : i64 to index
    %65 = arith.cmpi slt, %61, %64 : index
    %c1_20 = arith.constant 1 : index
    %66 = arith.subi %64, %c1_20 : index
    %67 = arith.cmpi eq, %66, %33 : index
    %68 = arith.andi %65, %67 : i1
    %69 = arith.select %68, %33, %64 : index
    %70 = arith.minsi %62, %69 : index
    %71 = arith.minsi %63, %69 : index
    %c1_21 = arith.constant 1 : index
    %72 = arith.subi %61, %c1_21 : index
    %73 = arith.select %68, %72, %61 : index
    %74:3 = scf.for %arg8 = %73 to %70 step %c1_6 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %79 = arith.cmpi slt, %arg8, %61 : index
      %80 = arith.select %79, %33, %arg8 : index
      %c64_22 = arith.constant 64 : index
      %81 = arith.muli %80, %c64_22 : index
      %82 = arith.index_cast %81 : index to i32
      %83 = faattn.tile_load %arg1[%arg5, %4, %81] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %84 = faattn.tile_dot %9, %83 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %85 = faattn.tile_mask %84 at[%6, %7, %8, %82] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %97 = arith.index_cast %q_idx : i32 to index
        %98 = memref.load %arg12[%97] : memref<?xi32>
        %99 = arith.index_cast %kv_idx : i32 to index
        %100 = memref.load %arg12[%99] : memref<?xi32>
        %101 = arith.cmpi eq, %98, %100 : i32
        %102 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %103 = arith.andi %101, %102 : i1
        faattn.yield %103 : i1
      }
      %86 = faattn.tile_load %arg2[%arg5, %4, %81] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %87 = faattn.tile_reduce <max> %85 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %88 = faattn.tile_map %arg10, %87 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %97 : f32
      }
      %89 = faattn.tile_map %88 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %97 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %98 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %99 = arith.select %97, %cst_24, %98 : f32
        faattn.yield %99 : f32
      }
      %90 = faattn.tile_map %85, %89 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %98 = math.fma %arg12, %cst, %97 : f32
        %99 = math.exp2 %98 : f32
        faattn.yield %99 : f32
      }
      %91 = faattn.tile_map %arg10, %89 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %98 = math.fma %arg12, %cst, %97 : f32
        %99 = math.exp2 %98 : f32
        faattn.yield %99 : f32
      }
      %92 = faattn.tile_reduce <sum> %90 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %93 = faattn.tile_map %arg11, %91, %92 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %97 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %97 : f32
      }
      %94 = faattn.tile_map %90 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %97 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %97 : bf16
      }
      %95 = faattn.tile_dot %94, %86 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %96 = faattn.tile_map %arg9, %91, %95 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %97 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %97 : f32
      }
      scf.yield %96, %88, %93 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_head, faattn.kv_loop = "masked"}
    %75:3 = scf.for %arg8 = %70 to %71 step %c1_6 iter_args(%arg9 = %74#0, %arg10 = %74#1, %arg11 = %74#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_22 = arith.constant 64 : index
      %79 = arith.muli %arg8, %c64_22 : index
      %80 = arith.index_cast %79 : index to i32
      %81 = faattn.tile_load %arg1[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %82 = faattn.tile_dot %9, %81 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %83 = faattn.tile_load %arg2[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %84 = faattn.tile_reduce <max> %82 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %85 = faattn.tile_map %arg10, %84 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %94 : f32
      }
      %86 = faattn.tile_map %85 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %94 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %95 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %96 = arith.select %94, %cst_24, %95 : f32
        faattn.yield %96 : f32
      }
      %87 = faattn.tile_map %82, %86 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %95 = math.fma %arg12, %cst, %94 : f32
        %96 = math.exp2 %95 : f32
        faattn.yield %96 : f32
      }
      %88 = faattn.tile_map %arg10, %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %95 = math.fma %arg12, %cst, %94 : f32
        %96 = math.exp2 %95 : f32
        faattn.yield %96 : f32
      }
      %89 = faattn.tile_reduce <sum> %87 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %90 = faattn.tile_map %arg11, %88, %89 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %94 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %94 : f32
      }
      %91 = faattn.tile_map %87 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %94 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %94 : bf16
      }
      %92 = faattn.tile_dot %91, %83 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %93 = faattn.tile_map %arg9, %88, %92 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %94 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %94 : f32
      }
      scf.yield %93, %85, %90 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %76:3 = scf.for %arg8 = %71 to %69 step %c1_6 iter_args(%arg9 = %75#0, %arg10 = %75#1, %arg11 = %75#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_22 = arith.constant 64 : index
      %79 = arith.muli %arg8, %c64_22 : index
      %80 = arith.index_cast %79 : index to i32
      %81 = faattn.tile_load %arg1[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %82 = faattn.tile_dot %9, %81 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %83 = faattn.tile_mask %82 at[%6, %7, %8, %80] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %95 = arith.index_cast %q_idx : i32 to index
        %96 = memref.load %arg12[%95] : memref<?xi32>
        %97 = arith.index_cast %kv_idx : i32 to index
        %98 = memref.load %arg12[%97] : memref<?xi32>
        %99 = arith.cmpi eq, %96, %98 : i32
        %100 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %101 = arith.andi %99, %100 : i1
        faattn.yield %101 : i1
      }
      %84 = faattn.tile_load %arg2[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %85 = faattn.tile_reduce <max> %83 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %86 = faattn.tile_map %arg10, %85 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %95 : f32
      }
      %87 = faattn.tile_map %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %95 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %96 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %97 = arith.select %95, %cst_24, %96 : f32
        faattn.yield %97 : f32
      }
      %88 = faattn.tile_map %83, %87 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %96 = math.fma %arg12, %cst, %95 : f32
        %97 = math.exp2 %96 : f32
        faattn.yield %97 : f32
      }
      %89 = faattn.tile_map %arg10, %87 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %96 = math.fma %arg12, %cst, %95 : f32
        %97 = math.exp2 %96 : f32
        faattn.yield %97 : f32
      }
      %90 = faattn.tile_reduce <sum> %88 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %91 = faattn.tile_map %arg11, %89, %90 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %95 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %95 : f32
      }
      %92 = faattn.tile_map %88 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %95 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %95 : bf16
      }
      %93 = faattn.tile_dot %92, %84 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %94 = faattn.tile_map %arg9, %89, %93 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %95 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %95 : f32
      }
      scf.yield %94, %86, %91 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %77 = faattn.tile_map %76#0, %76#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %79 = arith.cmpf ogt, %arg9, %cst : f32
      %80 = arith.divf %arg8, %arg9 : f32
      %cst_22 = arith.constant 0.000000e+00 : f32
      %81 = arith.select %79, %80, %cst_22 : f32
      %82 = arith.truncf %81 : f32 to bf16
      faattn.yield %82 : bf16
    }
    %78 = faattn.tile_map %76#1, %76#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %79 = arith.cmpf ogt, %arg9, %cst : f32
      %cst_22 = arith.constant 0.180336878 : f32
      %80 = math.log2 %arg9 : f32
      %81 = math.fma %arg8, %cst_22, %80 : f32
      %cst_23 = arith.constant 0.693147182 : f32
      %82 = arith.mulf %81, %cst_23 : f32
      %cst_24 = arith.constant 0xFF800000 : f32
      %83 = arith.select %79, %82, %cst_24 : f32
      faattn.yield %83 : f32
    }
    faattn.tile_store %77, %arg3[%arg5, %arg6, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x64xbf16>
  } {faattn.block_counts = {empty = 992 : i64, full = 0 : i64, partial = 1056 : i64}, faattn.grid}
  return
}

// A remainder by a param is Pure in arith but undefined for a zero divisor: it stays inside
// the element's guard (with a constant divisor it may move out).
// kernel rem { heads = 2; head_dim = 64; tile = 128x64
//   param p : i32[batch]
//   mask = kv_idx % p[b] == 0 || q_idx % 7 == 0 }
// CHECK-LABEL: gpu.func @rem(
// CHECK-SAME: %[[P:[a-z0-9]+]]: memref<?xi32>
// CHECK:     scf.for {{.*}} -> (vector<32xf32>, vector<2xf32>, vector<2xf32>) {
// Uniform: the constants as they are, p[b] once per tile when its first element is in range.
// CHECK:       %[[C7:.*]] = arith.constant 7 : i32
// CHECK:       %[[FIRST:.*]] = arith.andi
// CHECK:       scf.if %[[FIRST]] -> (index, i32) {
// CHECK:         memref.load %[[P]]
// The q-only part (q_idx % 7) per row, guarded by q < seq_q:
// CHECK:       scf.if %{{.*}} -> (i32, i1) {
// CHECK-NEXT:    arith.remsi %{{.*}}, %[[C7]] : i32
// The element: kv_idx % p[b] only inside the guard.
// CHECK:       scf.if %{{.*}} -> (i1) {
// CHECK:         arith.remsi %{{.*}}, %{{.*}} : i32
// CHECK:         scf.yield
// CHECK:     gpu.return
func.func @rem(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
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
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 2, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_4 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
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
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %8 : i32 to index
    %c128_7 = arith.constant 128 : index
    %26 = arith.addi %25, %c128_7 : index
    %27 = arith.index_cast %2 : i32 to index
    %28 = arith.minsi %26, %27 : index
    %c1_8 = arith.constant 1 : index
    %29 = arith.subi %28, %c1_8 : index
    %c64_9 = arith.constant 64 : index
    %30 = arith.divsi %29, %c64_9 : index
    %c1_10 = arith.constant 1 : index
    %31 = arith.subi %24, %c1_10 : index
    %32 = arith.minsi %30, %31 : index
    %33 = arith.maxsi %32, %23 : index
    %34 = arith.index_cast %c1_i64 : i64 to index
    %35:5 = scf.parallel (%arg8) = (%23) to (%24) step (%34) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %65 = arith.index_cast %arg8 : index to i64
      %66 = arith.muli %65, %c64_i64 : i64
      %67 = arith.addi %66, %c64_i64 : i64
      %68 = arith.minsi %67, %16 : i64
      %69 = arith.subi %68, %c1_i64 : i64
      %70 = arith.index_cast %17 : i64 to index
      %71 = memref.load %arg4[%70] : memref<?xi32>
      %72 = arith.extsi %71 : i32 to i64
      %c-2147483648_i64 = arith.constant -2147483648 : i64
      %73 = arith.cmpi sge, %72, %c-2147483648_i64 : i64
      %c2147483647_i64 = arith.constant 2147483647 : i64
      %74 = arith.cmpi sle, %72, %c2147483647_i64 : i64
      %75 = arith.andi %73, %74 : i1
      %c-2147483648_i64_13 = arith.constant -2147483648 : i64
      %76 = arith.select %75, %72, %c-2147483648_i64_13 : i64
      %c2147483647_i64_14 = arith.constant 2147483647 : i64
      %77 = arith.select %75, %72, %c2147483647_i64_14 : i64
      %c0_i64_15 = arith.constant 0 : i64
      %c7_i64 = arith.constant 7 : i64
      %c0_i64_16 = arith.constant 0 : i64
      %true = arith.constant true
      %true_17 = arith.constant true
      %78 = arith.ori %true, %true_17 : i1
      %79 = arith.andi %true, %true_17 : i1
      %80 = arith.cmpi sle, %67, %16 : i64
      %true_18 = arith.constant true
      %81 = arith.xori %79, %true_18 : i1
      %82 = arith.andi %81, %80 : i1
      %83 = arith.select %78, %65, %14 : i64
      %84 = arith.select %78, %65, %c-1_i64 : i64
      %85 = arith.select %82, %65, %14 : i64
      %86 = arith.select %82, %65, %c-1_i64 : i64
      %87 = arith.extui %82 : i1 to i64
      scf.reduce(%83, %84, %85, %86, %87 : i64, i64, i64, i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %88 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %88 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %88 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %88 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %88 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %88 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %88 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %88 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %88 = arith.addi %arg9, %arg10 : i64
        scf.reduce.return %88 : i64
      }
    } {faattn.block_scan}
    %36 = arith.maxsi %35#0, %13 : i64
    %37 = arith.addi %35#1, %c1_i64 : i64
    %38 = arith.maxsi %37, %36 : i64
    %39 = arith.addi %35#3, %c1_i64 : i64
    %40 = arith.subi %39, %35#2 : i64
    %41 = arith.cmpi sgt, %35#4, %c0_i64 : i64
    %42 = arith.cmpi eq, %35#4, %40 : i64
    %43 = arith.andi %41, %42 : i1
    %44 = arith.select %43, %35#2, %38 : i64
    %45 = arith.addi %35#3, %c1_i64 : i64
    %46 = arith.select %43, %45, %38 : i64
    %47 = arith.index_cast %36 : i64 to index
    %48 = arith.index_cast %44 : i64 to index
    %49 = arith.index_cast %46 : i64 to index
    %50 = arith.index_cast %38 : i64 to index
    %51 = arith.cmpi slt, %47, %50 : index
    %c1_11 = arith.constant 1 : index
    %52 = arith.subi %50, %c1_11 : index
    %53 = arith.cmpi eq, %52, %33 : index
    %54 = arith.andi %51, %53 : i1
    %55 = arith.select %54, %33, %50 : index
    %56 = arith.minsi %48, %55 : index
    %57 = arith.minsi %49, %55 : index
    %c1_12 = arith.constant 1 : index
    %58 = arith.subi %47, %c1_12 : index
    %59 = arith.select %54, %58, %47 : index
    %60:3 = scf.for %arg8 = %59 to %56 step %c1_6 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %65 = arith.cmpi slt, %arg8, %47 : index
      %66 = arith.select %65, %33, %arg8 : index
      %c64_13 = arith.constant 64 : index
      %67 = arith.muli %66, %c64_13 : index
      %68 = arith.index_cast %67 : index to i32
      %69 = faattn.tile_load %arg1[%arg5, %4, %67] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %70 = faattn.tile_dot %9, %69 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %71 = faattn.tile_mask %70 at[%6, %7, %8, %68] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %83 = arith.index_cast %b : i32 to index
        %84 = memref.load %arg12[%83] : memref<?xi32>
        %85 = arith.remsi %kv_idx, %84 : i32
        %c0_i32 = arith.constant 0 : i32
        %86 = arith.cmpi eq, %85, %c0_i32 : i32
        %c7_i32 = arith.constant 7 : i32
        %87 = arith.remsi %q_idx, %c7_i32 : i32
        %c0_i32_14 = arith.constant 0 : i32
        %88 = arith.cmpi eq, %87, %c0_i32_14 : i32
        %89 = arith.ori %86, %88 : i1
        faattn.yield %89 : i1
      }
      %72 = faattn.tile_load %arg2[%arg5, %4, %67] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %73 = faattn.tile_reduce <max> %71 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %74 = faattn.tile_map %arg10, %73 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %83 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %83 : f32
      }
      %75 = faattn.tile_map %74 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %83 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_14 = arith.constant 0.180336878 : f32
        %84 = arith.mulf %arg12, %cst_14 : f32
        %cst_15 = arith.constant 0.000000e+00 : f32
        %85 = arith.select %83, %cst_15, %84 : f32
        faattn.yield %85 : f32
      }
      %76 = faattn.tile_map %71, %75 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %83 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %84 = math.fma %arg12, %cst, %83 : f32
        %85 = math.exp2 %84 : f32
        faattn.yield %85 : f32
      }
      %77 = faattn.tile_map %arg10, %75 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %83 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %84 = math.fma %arg12, %cst, %83 : f32
        %85 = math.exp2 %84 : f32
        faattn.yield %85 : f32
      }
      %78 = faattn.tile_reduce <sum> %76 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %79 = faattn.tile_map %arg11, %77, %78 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %83 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %83 : f32
      }
      %80 = faattn.tile_map %76 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %83 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %83 : bf16
      }
      %81 = faattn.tile_dot %80, %72 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %82 = faattn.tile_map %arg9, %77, %81 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %83 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %83 : f32
      }
      scf.yield %82, %74, %79 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_head, faattn.kv_loop = "masked"}
    %61:3 = scf.for %arg8 = %56 to %57 step %c1_6 iter_args(%arg9 = %60#0, %arg10 = %60#1, %arg11 = %60#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_13 = arith.constant 64 : index
      %65 = arith.muli %arg8, %c64_13 : index
      %66 = arith.index_cast %65 : index to i32
      %67 = faattn.tile_load %arg1[%arg5, %4, %65] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %68 = faattn.tile_dot %9, %67 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %69 = faattn.tile_load %arg2[%arg5, %4, %65] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %70 = faattn.tile_reduce <max> %68 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %71 = faattn.tile_map %arg10, %70 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %80 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %80 : f32
      }
      %72 = faattn.tile_map %71 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %80 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_14 = arith.constant 0.180336878 : f32
        %81 = arith.mulf %arg12, %cst_14 : f32
        %cst_15 = arith.constant 0.000000e+00 : f32
        %82 = arith.select %80, %cst_15, %81 : f32
        faattn.yield %82 : f32
      }
      %73 = faattn.tile_map %68, %72 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %80 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %81 = math.fma %arg12, %cst, %80 : f32
        %82 = math.exp2 %81 : f32
        faattn.yield %82 : f32
      }
      %74 = faattn.tile_map %arg10, %72 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %80 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %81 = math.fma %arg12, %cst, %80 : f32
        %82 = math.exp2 %81 : f32
        faattn.yield %82 : f32
      }
      %75 = faattn.tile_reduce <sum> %73 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %76 = faattn.tile_map %arg11, %74, %75 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %80 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %80 : f32
      }
      %77 = faattn.tile_map %73 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %80 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %80 : bf16
      }
      %78 = faattn.tile_dot %77, %69 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %79 = faattn.tile_map %arg9, %74, %78 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %80 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %80 : f32
      }
      scf.yield %79, %71, %76 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %62:3 = scf.for %arg8 = %57 to %55 step %c1_6 iter_args(%arg9 = %61#0, %arg10 = %61#1, %arg11 = %61#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_13 = arith.constant 64 : index
      %65 = arith.muli %arg8, %c64_13 : index
      %66 = arith.index_cast %65 : index to i32
      %67 = faattn.tile_load %arg1[%arg5, %4, %65] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %68 = faattn.tile_dot %9, %67 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %69 = faattn.tile_mask %68 at[%6, %7, %8, %66] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %81 = arith.index_cast %b : i32 to index
        %82 = memref.load %arg12[%81] : memref<?xi32>
        %83 = arith.remsi %kv_idx, %82 : i32
        %c0_i32 = arith.constant 0 : i32
        %84 = arith.cmpi eq, %83, %c0_i32 : i32
        %c7_i32 = arith.constant 7 : i32
        %85 = arith.remsi %q_idx, %c7_i32 : i32
        %c0_i32_14 = arith.constant 0 : i32
        %86 = arith.cmpi eq, %85, %c0_i32_14 : i32
        %87 = arith.ori %84, %86 : i1
        faattn.yield %87 : i1
      }
      %70 = faattn.tile_load %arg2[%arg5, %4, %65] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %71 = faattn.tile_reduce <max> %69 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %72 = faattn.tile_map %arg10, %71 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %81 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %81 : f32
      }
      %73 = faattn.tile_map %72 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %81 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_14 = arith.constant 0.180336878 : f32
        %82 = arith.mulf %arg12, %cst_14 : f32
        %cst_15 = arith.constant 0.000000e+00 : f32
        %83 = arith.select %81, %cst_15, %82 : f32
        faattn.yield %83 : f32
      }
      %74 = faattn.tile_map %69, %73 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %81 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %82 = math.fma %arg12, %cst, %81 : f32
        %83 = math.exp2 %82 : f32
        faattn.yield %83 : f32
      }
      %75 = faattn.tile_map %arg10, %73 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %81 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %82 = math.fma %arg12, %cst, %81 : f32
        %83 = math.exp2 %82 : f32
        faattn.yield %83 : f32
      }
      %76 = faattn.tile_reduce <sum> %74 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %77 = faattn.tile_map %arg11, %75, %76 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %81 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %81 : f32
      }
      %78 = faattn.tile_map %74 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %81 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %81 : bf16
      }
      %79 = faattn.tile_dot %78, %70 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %80 = faattn.tile_map %arg9, %75, %79 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %81 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %81 : f32
      }
      scf.yield %80, %72, %77 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %63 = faattn.tile_map %62#0, %62#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %65 = arith.cmpf ogt, %arg9, %cst : f32
      %66 = arith.divf %arg8, %arg9 : f32
      %cst_13 = arith.constant 0.000000e+00 : f32
      %67 = arith.select %65, %66, %cst_13 : f32
      %68 = arith.truncf %67 : f32 to bf16
      faattn.yield %68 : bf16
    }
    %64 = faattn.tile_map %62#1, %62#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %65 = arith.cmpf ogt, %arg9, %cst : f32
      %cst_13 = arith.constant 0.180336878 : f32
      %66 = math.log2 %arg9 : f32
      %67 = math.fma %arg8, %cst_13, %66 : f32
      %cst_14 = arith.constant 0.693147182 : f32
      %68 = arith.mulf %67, %cst_14 : f32
      %cst_15 = arith.constant 0xFF800000 : f32
      %69 = arith.select %65, %68, %cst_15 : f32
      faattn.yield %69 : f32
    }
    faattn.tile_store %63, %arg3[%arg5, %arg6, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 0 : i64, partial = 2048 : i64}, faattn.grid}
  return
}

// Head dim 64 with 128-row tiles: the plan's two CTAs per SM (128 registers a thread), marked
// on the kernel; faattn-fast-math keeps libdevice's exp2 there (faattn-fast-math.mlir). The
// head dim 128 kernel above (cap) is not marked.
// kernel small { heads = 2; head_dim = 64; tile = 128x64 }
// CHECK-LABEL: gpu.func @small(
// CHECK-SAME: faattn.ctas_per_sm = 2 : i64
// CHECK:     math.exp2
// CHECK:     gpu.return
func.func @small(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
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

// schedule = cooperative: warp-specialized, as FA3 and CUTLASS's cooperative kernels: a
// producer warpgroup (warpgroup 0) before the two consumer warpgroups (384 threads). After the
// scan (all threads) the roles split: the producer gives registers back (setmaxnreg 24) and
// its thread 0 loads every KV block into the ring, waiting for each stage's release; the
// consumers take registers (240) and run the KV loops; their epilogue barrier is a named
// barrier of their 256 threads, and the first consumer thread stores O.
// kernel coop { heads = 4; head_dim = 64; tile = 128x64; mask = causal; schedule = cooperative }
// CHECK-LABEL: gpu.func @coop(
// 1024 + Q 16384 + 2 x (8192 + 8192) + 7 mbarriers + the scan's slots for 12 warps (480).
// CHECK-SAME: faattn.dynamic_shared_bytes = 50712 : i64
// CHECK-SAME: faattn.schedule = "cooperative"
// CHECK-SAME: faattn.threads = 384 : i64
// CHECK-SAME: known_block_size = array<i32: 384, 1, 1>
// One CTA per SM fixes ptxas' register count at entry (168), which setmaxnreg needs.
// CHECK-SAME: nvvm.minctasm = 1 : i32
// Consumer warpgroup c is warpgroup c + 1.
// CHECK:     %[[WG:.*]] = arith.divui %thread_id_x, %c128 : index
// CHECK:     %[[ISC:.*]] = arith.cmpi uge, %[[WG]], %c1{{.*}} : index
// CHECK:     arith.select %[[ISC]]
// The empty barriers count the 8 consumer warps.
// CHECK:     nvvm.mbarrier.init %{{.*}}, %c8_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// The scan's stride is all 384 threads (12 warps of 32 one-lane groups).
// CHECK:     arith.divui %thread_id_x, %c32{{.*}} : index
// CHECK:     arith.muli %{{.*}}, %c384 : index
// CHECK:     gpu.barrier
// CHECK:     %[[ISP:.*]] = arith.cmpi ult, %thread_id_x, %c128{{.*}} : index
// CHECK:     scf.if %[[ISP]] {
// CHECK-NEXT:  nvvm.setmaxregister  decrease 24
// CHECK:       scf.for %[[SEQ:.*]] = %c0{{.*}} to %{{.*}} step %c1{{.*}} {
// CHECK:         nvvm.mbarrier.try_wait.parity
// CHECK:         nvvm.mbarrier.arrive.expect_tx
// CHECK:         nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK:     } else {
// CHECK-NEXT:  nvvm.setmaxregister  increase 240
// CHECK:       nvvm.mbarrier.try_wait.parity
// The consumers' KV loops wait for K; nothing issues loads there.
// CHECK:       scf.for
// CHECK-NOT:     cp.async.bulk.tensor.shared.cluster.global
// CHECK:         nvvm.wgmma.mma_async
// CHECK:       nvvm.barrier id = %c3_i32{{.*}} number_of_threads = %c256_i32
// CHECK:       nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK:     gpu.return
func.func @coop(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x4x64xbf16>, %arg2: memref<?x?x4x64xbf16>, %arg3: memref<?x?x4x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.schedule = "cooperative", faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x64xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
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
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
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
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %c1_i64 : i64 to index
    %26:5 = scf.parallel (%arg7) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %47 = arith.index_cast %arg7 : index to i64
      %48 = arith.muli %47, %c64_i64 : i64
      %49 = arith.addi %48, %c64_i64 : i64
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
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.minsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.maxsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.minsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.maxsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.addi %arg8, %arg9 : i64
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
    %42:3 = scf.for %arg7 = %38 to %39 step %c1_6 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_7 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %54 = faattn.tile_map %arg9, %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %64 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_9, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg9, %55 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %arg10, %57, %58 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %63 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %62 = faattn.tile_map %arg8, %57, %61 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg7 = %39 to %40 step %c1_6 iter_args(%arg8 = %42#0, %arg9 = %42#1, %arg10 = %42#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_7 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %52 = faattn.tile_reduce <max> %50 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %53 = faattn.tile_map %arg9, %52 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %62 : f32
      }
      %54 = faattn.tile_map %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %62 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %63 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %64 = arith.select %62, %cst_9, %63 : f32
        faattn.yield %64 : f32
      }
      %55 = faattn.tile_map %50, %54 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %63 = math.fma %arg11, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %56 = faattn.tile_map %arg9, %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %63 = math.fma %arg11, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %57 = faattn.tile_reduce <sum> %55 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %58 = faattn.tile_map %arg10, %56, %57 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %62 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      %59 = faattn.tile_map %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %62 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %62 : bf16
      }
      %60 = faattn.tile_dot %59, %51 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %61 = faattn.tile_map %arg8, %56, %60 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %62 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      scf.yield %61, %53, %58 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg7 = %40 to %41 step %c1_6 iter_args(%arg8 = %43#0, %arg9 = %43#1, %arg10 = %43#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_7 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_7 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %54 = faattn.tile_map %arg9, %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %64 = arith.mulf %arg11, %cst_8 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_9, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg9, %55 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %arg10, %57, %58 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %63 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %62 = faattn.tile_map %arg8, %57, %61 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %45 = faattn.tile_map %44#0, %44#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg8, %cst : f32
      %48 = arith.divf %arg7, %arg8 : f32
      %cst_7 = arith.constant 0.000000e+00 : f32
      %49 = arith.select %47, %48, %cst_7 : f32
      %50 = arith.truncf %49 : f32 to bf16
      faattn.yield %50 : bf16
    }
    %46 = faattn.tile_map %44#1, %44#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_7 = arith.constant 0.180336878 : f32
      %48 = math.log2 %arg8 : f32
      %49 = math.fma %arg7, %cst_7, %48 : f32
      %cst_8 = arith.constant 0.693147182 : f32
      %50 = arith.mulf %49, %cst_8 : f32
      %cst_9 = arith.constant 0xFF800000 : f32
      %51 = arith.select %47, %50, %cst_9 : f32
      faattn.yield %51 : f32
    }
    faattn.tile_store %45, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
  } {faattn.block_counts = {empty = 992 : i64, full = 992 : i64, partial = 64 : i64}, faattn.grid}
  return
}

// Kernels wgmma cannot take are left for faattn-tiles-to-gpu, with the reason.
// kernel fp8 { heads = 2; head_dim = 64; dtype = e4m3 }
// kernel ampere { heads = 2; head_dim = 64; target = sm_80 }
// kernel big { heads = 2; head_dim = 256; tile = 256x256 }
// SKIP-DAG: func.func @fp8({{.*}} attributes {{{.*}}faattn.wgmma_skipped = "element type is not bf16 or f16"
// SKIP-DAG: func.func @ampere({{.*}} attributes {{{.*}}faattn.wgmma_skipped = "target is not sm_90a"
// Q, K, V^T 256 x 256, bf16: 3 * 131072 bytes (and the TMA pipeline: more still).
// SKIP-DAG: func.func @big({{.*}} attributes {{{.*}}faattn.wgmma_skipped = "the tiles need 393216 bytes of shared memory, more than 232432"
func.func @fp8(%arg0: memref<?x?x2x64xf8E4M3FN>, %arg1: memref<?x?x2x64xf8E4M3FN>, %arg2: memref<?x?x2x64xf8E4M3FN>, %arg3: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x2x64xf8E4M3FN>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x64xf8E4M3FN>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xf8E4M3FN>
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
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13 = arith.index_cast %c0_6 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.divsi %16, %c128_i64 : i64
    %18 = arith.minsi %17, %14 : i64
    %19 = arith.maxsi %18, %13 : i64
    %20 = arith.index_cast %13 : i64 to index
    %21 = arith.index_cast %13 : i64 to index
    %22 = arith.index_cast %19 : i64 to index
    %23:3 = scf.for %arg7 = %20 to %21 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_8 = arith.constant 128 : index
      %28 = arith.muli %arg7, %c128_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %43 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %43 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %44 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %45 = arith.select %43, %cst_10, %44 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      %41 = faattn.tile_dot %37, %33 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_map %arg8, %38, %41 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      scf.yield %42, %35, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %24:3 = scf.for %arg7 = %21 to %22 step %c1_7 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_8 = arith.constant 128 : index
      %28 = arith.muli %arg7, %c128_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %33 = faattn.tile_reduce <max> %31 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %34 = faattn.tile_map %arg9, %33 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %42 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %42 : f32
      }
      %35 = faattn.tile_map %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %42 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %43 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %44 = arith.select %42, %cst_10, %43 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %31, %35 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %42 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %43 = math.fma %arg11, %cst, %42 : f32
        %44 = math.exp2 %43 : f32
        faattn.yield %44 : f32
      }
      %37 = faattn.tile_map %arg9, %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %42 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %43 = math.fma %arg11, %cst, %42 : f32
        %44 = math.exp2 %43 : f32
        faattn.yield %44 : f32
      }
      %38 = faattn.tile_reduce <sum> %36 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %39 = faattn.tile_map %arg10, %37, %38 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %42 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %42 : f32
      }
      %40 = faattn.tile_dot %36, %32 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %41 = faattn.tile_map %arg8, %37, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %42 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %42 : f32
      }
      scf.yield %41, %34, %39 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %25:3 = scf.for %arg7 = %22 to %1 step %c1_7 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_8 = arith.constant 128 : index
      %28 = arith.muli %arg7, %c128_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %43 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %43 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %44 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %45 = arith.select %43, %cst_10, %44 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      %41 = faattn.tile_dot %37, %33 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_map %arg8, %38, %41 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      scf.yield %42, %35, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %29 = arith.divf %arg7, %arg8 : f32
      %cst_8 = arith.constant 0.000000e+00 : f32
      %30 = arith.select %28, %29, %cst_8 : f32
      %31 = arith.truncf %30 : f32 to bf16
      faattn.yield %31 : bf16
    }
    %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_8 = arith.constant 0.180336878 : f32
      %29 = math.log2 %arg8 : f32
      %30 = math.fma %arg7, %cst_8, %29 : f32
      %cst_9 = arith.constant 0.693147182 : f32
      %31 = arith.mulf %30, %cst_9 : f32
      %cst_10 = arith.constant 0xFF800000 : f32
      %32 = arith.select %28, %31, %cst_10 : f32
      faattn.yield %32 : f32
    }
    faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 1024 : i64, partial = 0 : i64}, faattn.grid}
  return
}
func.func @ampere(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_80"} {
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
    %13 = arith.index_cast %c0_6 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.divsi %16, %c128_i64 : i64
    %18 = arith.minsi %17, %14 : i64
    %19 = arith.maxsi %18, %13 : i64
    %20 = arith.index_cast %13 : i64 to index
    %21 = arith.index_cast %13 : i64 to index
    %22 = arith.index_cast %19 : i64 to index
    %23:3 = scf.for %arg7 = %20 to %21 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %28 = arith.muli %arg7, %c128_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16>, <128x64xbf16> -> <128x128xf32>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x128xf32>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %34 = faattn.tile_reduce <max> %32 : <128x128xf32> -> <128x1xf32>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_10, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32> -> <128x128xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x128xf32> -> <128x1xf32>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<128x128xf32> -> <128x128xbf16> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <128x128xbf16>, <128x64xbf16> -> <128x64xf32>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %24:3 = scf.for %arg7 = %21 to %22 step %c1_7 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %28 = arith.muli %arg7, %c128_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16>, <128x64xbf16> -> <128x128xf32>
      %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %33 = faattn.tile_reduce <max> %31 : <128x128xf32> -> <128x1xf32>
      %34 = faattn.tile_map %arg9, %33 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %43 : f32
      }
      %35 = faattn.tile_map %34 : !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %43 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %44 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %45 = arith.select %43, %cst_10, %44 : f32
        faattn.yield %45 : f32
      }
      %36 = faattn.tile_map %31, %35 : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32> -> <128x128xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %arg9, %35 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %38 = faattn.tile_reduce <sum> %36 : <128x128xf32> -> <128x1xf32>
      %39 = faattn.tile_map %arg10, %37, %38 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      %40 = faattn.tile_map %36 : !faattn.tile<128x128xf32> -> <128x128xbf16> {
      ^bb0(%arg11: f32):
        %43 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %43 : bf16
      }
      %41 = faattn.tile_dot %40, %32 : <128x128xbf16>, <128x64xbf16> -> <128x64xf32>
      %42 = faattn.tile_map %arg8, %37, %41 : !faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      scf.yield %42, %34, %39 : !faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "full"}
    %25:3 = scf.for %arg7 = %22 to %1 step %c1_7 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_8 = arith.constant 128 : index
      %28 = arith.muli %arg7, %c128_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xbf16>, <128x64xbf16> -> <128x128xf32>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x128xf32>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %34 = faattn.tile_reduce <max> %32 : <128x128xf32> -> <128x1xf32>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_10, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32> -> <128x128xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <128x128xf32> -> <128x1xf32>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<128x128xf32> -> <128x128xbf16> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <128x128xbf16>, <128x64xbf16> -> <128x64xf32>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<128x64xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<128x64xf32>, !faattn.tile<128x1xf32> -> <128x64xbf16> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %29 = arith.divf %arg7, %arg8 : f32
      %cst_8 = arith.constant 0.000000e+00 : f32
      %30 = arith.select %28, %29, %cst_8 : f32
      %31 = arith.truncf %30 : f32 to bf16
      faattn.yield %31 : bf16
    }
    %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32> -> <128x1xf32> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_8 = arith.constant 0.180336878 : f32
      %29 = math.log2 %arg8 : f32
      %30 = math.fma %arg7, %cst_8, %29 : f32
      %cst_9 = arith.constant 0.693147182 : f32
      %31 = arith.mulf %30, %cst_9 : f32
      %cst_10 = arith.constant 0xFF800000 : f32
      %32 = arith.select %28, %31, %cst_10 : f32
      faattn.yield %32 : f32
    }
    faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16>, memref<?x?x2x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 1024 : i64, partial = 0 : i64}, faattn.grid}
  return
}
func.func @big(%arg0: memref<?x?x2x256xbf16>, %arg1: memref<?x?x2x256xbf16>, %arg2: memref<?x?x2x256xbf16>, %arg3: memref<?x?x2x256xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x2x256xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x256xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x256xbf16>
  %c256 = arith.constant 256 : index
  %0 = arith.ceildivui %dim_0, %c256 : index
  %c256_3 = arith.constant 256 : index
  %1 = arith.ceildivui %dim_2, %c256_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 2, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c256_5 = arith.constant 256 : index
    %5 = arith.muli %arg6, %c256_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x2x256xbf16> -> <256x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
    %11 = faattn.tile_splat 0xFF800000 : <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
    %12 = faattn.tile_splat 0.000000e+00 : <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13 = arith.index_cast %c0_6 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c256_i64 = arith.constant 256 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.divsi %16, %c256_i64 : i64
    %18 = arith.minsi %17, %14 : i64
    %19 = arith.maxsi %18, %13 : i64
    %20 = arith.index_cast %13 : i64 to index
    %21 = arith.index_cast %13 : i64 to index
    %22 = arith.index_cast %19 : i64 to index
    %23:3 = scf.for %arg7 = %20 to %21 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>) {
      %c256_8 = arith.constant 256 : index
      %28 = arith.muli %arg7, %c256_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x256xbf16> -> <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <256x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x256xbf16> -> <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.0901684388 : f32
        %45 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_10, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.0901684388 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.0901684388 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xbf16, #faattn.wgmma_a<warpgroups = 4>> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <256x256xbf16, #faattn.wgmma_a<warpgroups = 4>>, <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
    } {faattn.kv_loop = "masked"}
    %24:3 = scf.for %arg7 = %21 to %22 step %c1_7 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>) {
      %c256_8 = arith.constant 256 : index
      %28 = arith.muli %arg7, %c256_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x256xbf16> -> <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <256x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x256xbf16> -> <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %33 = faattn.tile_reduce <max> %31 : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %34 = faattn.tile_map %arg9, %33 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %43 : f32
      }
      %35 = faattn.tile_map %34 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %43 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.0901684388 : f32
        %44 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %45 = arith.select %43, %cst_10, %44 : f32
        faattn.yield %45 : f32
      }
      %36 = faattn.tile_map %31, %35 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.0901684388 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %37 = faattn.tile_map %arg9, %35 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %43 = arith.negf %arg12 : f32
        %cst = arith.constant 0.0901684388 : f32
        %44 = math.fma %arg11, %cst, %43 : f32
        %45 = math.exp2 %44 : f32
        faattn.yield %45 : f32
      }
      %38 = faattn.tile_reduce <sum> %36 : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %39 = faattn.tile_map %arg10, %37, %38 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      %40 = faattn.tile_map %36 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xbf16, #faattn.wgmma_a<warpgroups = 4>> {
      ^bb0(%arg11: f32):
        %43 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %43 : bf16
      }
      %41 = faattn.tile_dot %40, %32 : <256x256xbf16, #faattn.wgmma_a<warpgroups = 4>>, <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %42 = faattn.tile_map %arg8, %37, %41 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %43 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %43 : f32
      }
      scf.yield %42, %34, %39 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
    } {faattn.kv_loop = "full"}
    %25:3 = scf.for %arg7 = %22 to %1 step %c1_7 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>) {
      %c256_8 = arith.constant 256 : index
      %28 = arith.muli %arg7, %c256_8 : index
      %29 = arith.index_cast %28 : index to i32
      %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x256xbf16> -> <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <256x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x256xbf16> -> <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %34 = faattn.tile_reduce <max> %32 : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %35 = faattn.tile_map %arg9, %34 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %44 : f32
      }
      %36 = faattn.tile_map %35 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %44 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_9 = arith.constant 0.0901684388 : f32
        %45 = arith.mulf %arg11, %cst_9 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_10, %45 : f32
        faattn.yield %46 : f32
      }
      %37 = faattn.tile_map %32, %36 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.0901684388 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %38 = faattn.tile_map %arg9, %36 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %44 = arith.negf %arg12 : f32
        %cst = arith.constant 0.0901684388 : f32
        %45 = math.fma %arg11, %cst, %44 : f32
        %46 = math.exp2 %45 : f32
        faattn.yield %46 : f32
      }
      %39 = faattn.tile_reduce <sum> %37 : <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      %41 = faattn.tile_map %37 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xbf16, #faattn.wgmma_a<warpgroups = 4>> {
      ^bb0(%arg11: f32):
        %44 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %44 : bf16
      }
      %42 = faattn.tile_dot %41, %33 : <256x256xbf16, #faattn.wgmma_a<warpgroups = 4>>, <256x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>
      %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xf32, #faattn.wgmma_acc<warpgroups = 4>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %44 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %44 : f32
      }
      scf.yield %43, %35, %40 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>
    } {faattn.kv_loop = "masked"}
    %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<256x256xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x256xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %29 = arith.divf %arg7, %arg8 : f32
      %cst_8 = arith.constant 0.000000e+00 : f32
      %30 = arith.select %28, %29, %cst_8 : f32
      %31 = arith.truncf %30 : f32 to bf16
      faattn.yield %31 : bf16
    }
    %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>>, !faattn.tile<256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> -> <256x1xf32, #faattn.wgmma_acc<warpgroups = 4>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_8 = arith.constant 0.0901684388 : f32
      %29 = math.log2 %arg8 : f32
      %30 = math.fma %arg7, %cst_8, %29 : f32
      %cst_9 = arith.constant 0.693147182 : f32
      %31 = arith.mulf %30, %cst_9 : f32
      %cst_10 = arith.constant 0xFF800000 : f32
      %32 = arith.select %28, %31, %cst_10 : f32
      faattn.yield %32 : f32
    }
    faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <256x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x256xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 256 : i64, partial = 0 : i64}, faattn.grid}
  return
}

// -----

// Head dims 192 : 128 (MLA prefill) with GQA (8 query heads on 2 KV heads) and the LSE: the
// TMA pipeline too. Tiles 128 x 96 (faattn-tile's default for head dims up to 192); shared
// memory 1024 (alignment) + Q 128 x 192 (49152, reused for O: 128 wide) + 2 stages x
// 96 x (192 + 128) x 2 bytes (122880) + 7 mbarriers (56) + the scan's 320 bytes = 173432.
// (heavy first pinned, so that the head and batch are the block ids y and x.)
// kernel mla_lse { heads = 8 : 2; head_dim = 192 : 128; mask = causal; return_lse; tile_order = heavy_first }
// MLA-LABEL: gpu.func @mla_lse(
// MLA-SAME: %{{[a-z0-9]+}}: memref<?x?x8x192xbf16>, %{{[a-z0-9]+}}: memref<?x?x2x192xbf16>, %{{[a-z0-9]+}}: memref<?x?x2x128xbf16>, %{{[a-z0-9]+}}: memref<?x?x8x128xbf16>, %[[LSE:[a-z0-9]+]]: memref<?x8x?xf32>, %[[MQ:[a-z0-9]+]]: !llvm.ptr, %[[MK:[a-z0-9]+]]: !llvm.ptr, %[[MV:[a-z0-9]+]]: !llvm.ptr, %[[MO:[a-z0-9]+]]: !llvm.ptr) kernel
// MLA-SAME: faattn.dynamic_shared_bytes = 173432 : i64
// MLA-SAME: faattn.mapping = "wgmma"
// MLA-SAME: faattn.ring_stages = 2 : i64
// MLA-SAME: faattn.tensor_maps = 4 : i64
// MLA-SAME: faattn.tma_block_n = 96 : i64
// The KV head of query head h is h / 4: K and V are read in place, never copied.
// MLA:     %[[KVH:.*]] = arith.divui %block_id_y, %c4{{[_0-9]*}} : index
// Q: 128 x 192 bf16 = 49152 bytes, three boxes of 64 columns at (64 c, row, h, b).
// MLA:     nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c49152_i32 : !llvm.ptr<3>, i32
// MLA:     nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MQ]], %{{.*}}, box[%c0_i32{{[_0-9]*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// MLA:     nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MQ]], %{{.*}}, box[%c64_i32{{[_0-9]*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// MLA:     nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MQ]], %{{.*}}, box[%c128_i32{{[_0-9]*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// A K block: 96 x 192 = 36864 bytes in three boxes, at the KV head; V: 96 x 128 = 24576 in two.
// MLA:     nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c36864_i32 : !llvm.ptr<3>, i32
// MLA:     %[[H0:.*]] = arith.index_cast %[[KVH]] : index to i32
// MLA:     nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MK]], %{{.*}}, box[%c0_i32{{[_0-9]*}}, %{{.*}}, %[[H0]], %{{.*}}]
// MLA:     nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MK]], %{{.*}}, box[%c64_i32{{[_0-9]*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// MLA:     nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MK]], %{{.*}}, box[%c128_i32{{[_0-9]*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// MLA:     nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c24576_i32 : !llvm.ptr<3>, i32
// MLA:     %[[H1:.*]] = arith.index_cast %[[KVH]] : index to i32
// MLA:     nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MV]], %{{.*}}, box[%c0_i32{{[_0-9]*}}, %{{.*}}, %[[H1]], %{{.*}}]
// MLA:     nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MV]], %{{.*}}, box[%c64_i32{{[_0-9]*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// MLA-NOT: %[[MV]], %{{.*}}, box[%c128_i32
// The products: Q K^T n = 96, P V n = 128 (k = 16 each).
// MLA:     nvvm.wgmma.mma_async {{.*}} <m = 64, n = 96, k = 16>
// MLA:     wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// O: 128 columns, two TMA stores at the query head; then the LSE from the fragments, each
// thread's two rows (the quad's first thread writes them) at (b, h, row).
// MLA:     nvvm.cp.async.bulk.tensor.global.shared.cta %[[MO]], %{{.*}}, box[%c0_i32{{[_0-9]*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// MLA:     nvvm.cp.async.bulk.tensor.global.shared.cta %[[MO]], %{{.*}}, box[%c64_i32{{[_0-9]*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// MLA:     nvvm.cp.async.bulk.wait_group 0 {read}
// MLA:     memref.store %{{.*}}, %[[LSE]][%block_id_x, %block_id_y, %{{.*}}] : memref<?x8x?xf32>
// MLA:     memref.store %{{.*}}, %[[LSE]][%block_id_x, %block_id_y, %{{.*}}] : memref<?x8x?xf32>
// MLA:     gpu.return
func.func @mla_lse(%arg0: memref<?x?x8x192xbf16>, %arg1: memref<?x?x2x192xbf16>, %arg2: memref<?x?x2x128xbf16>, %arg3: memref<?x?x8x128xbf16>, %arg4: memref<?x8x?xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "heavy_first"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x8x192xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x8x192xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x192xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c96 = arith.constant 96 : index
  %1 = arith.ceildivui %dim_2, %c96 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 8, %0) {
    %c4 = arith.constant 4 : index
    %4 = arith.divui %arg6, %c4 : index
    %c128_3 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_3 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x8x192xbf16> -> <128x192xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_4 = arith.constant 0 : index
    %c1_5 = arith.constant 1 : index
    %13 = arith.index_cast %c0_4 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c96_i64 = arith.constant 96 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %c1_i64 : i64 to index
    %26:5 = scf.parallel (%arg8) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %47 = arith.index_cast %arg8 : index to i64
      %48 = arith.muli %47, %c96_i64 : i64
      %49 = arith.addi %48, %c96_i64 : i64
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
    %42:3 = scf.for %arg8 = %38 to %39 step %c1_5 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c96_6 = arith.constant 96 : index
      %47 = arith.muli %arg8, %c96_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x192xbf16> -> <96x192xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x192xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <96x192xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x128xbf16> -> <96x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %54 = faattn.tile_map %arg10, %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.104117543 : f32
        %64 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<128x96xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.104117543 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg10, %55 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.104117543 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %arg11, %57, %58 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x96xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %63 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <128x96xbf16, #faattn.wgmma_a<warpgroups = 2>>, <96x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %62 = faattn.tile_map %arg9, %57, %61 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg8 = %39 to %40 step %c1_5 iter_args(%arg9 = %42#0, %arg10 = %42#1, %arg11 = %42#2) -> (!faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c96_6 = arith.constant 96 : index
      %47 = arith.muli %arg8, %c96_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x192xbf16> -> <96x192xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x192xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <96x192xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x128xbf16> -> <96x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %52 = faattn.tile_reduce <max> %50 : <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %53 = faattn.tile_map %arg10, %52 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      %54 = faattn.tile_map %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %62 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.104117543 : f32
        %63 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %64 = arith.select %62, %cst_8, %63 : f32
        faattn.yield %64 : f32
      }
      %55 = faattn.tile_map %50, %54 : !faattn.tile<128x96xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.negf %arg13 : f32
        %cst = arith.constant 0.104117543 : f32
        %63 = math.fma %arg12, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %56 = faattn.tile_map %arg10, %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %62 = arith.negf %arg13 : f32
        %cst = arith.constant 0.104117543 : f32
        %63 = math.fma %arg12, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %57 = faattn.tile_reduce <sum> %55 : <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %58 = faattn.tile_map %arg11, %56, %57 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %62 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %62 : f32
      }
      %59 = faattn.tile_map %55 : !faattn.tile<128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x96xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %62 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %62 : bf16
      }
      %60 = faattn.tile_dot %59, %51 : <128x96xbf16, #faattn.wgmma_a<warpgroups = 2>>, <96x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %61 = faattn.tile_map %arg9, %56, %60 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %62 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %62 : f32
      }
      scf.yield %61, %53, %58 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg8 = %40 to %41 step %c1_5 iter_args(%arg9 = %43#0, %arg10 = %43#1, %arg11 = %43#2) -> (!faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c96_6 = arith.constant 96 : index
      %47 = arith.muli %arg8, %c96_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg5, %4, %47] <bshd> : memref<?x?x2x192xbf16> -> <96x192xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x192xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <96x192xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg5, %4, %47] <bshd> : memref<?x?x2x128xbf16> -> <96x128xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %54 = faattn.tile_map %arg10, %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_7 = arith.constant 0.104117543 : f32
        %64 = arith.mulf %arg12, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<128x96xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.104117543 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg10, %55 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %63 = arith.negf %arg13 : f32
        %cst = arith.constant 0.104117543 : f32
        %64 = math.fma %arg12, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %arg11, %57, %58 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<128x96xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x96xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %63 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <128x96xbf16, #faattn.wgmma_a<warpgroups = 2>>, <96x128xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %62 = faattn.tile_map %arg9, %57, %61 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %63 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %45 = faattn.tile_map %44#0, %44#2 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg9, %cst : f32
      %48 = arith.divf %arg8, %arg9 : f32
      %cst_6 = arith.constant 0.000000e+00 : f32
      %49 = arith.select %47, %48, %cst_6 : f32
      %50 = arith.truncf %49 : f32 to bf16
      faattn.yield %50 : bf16
    }
    %46 = faattn.tile_map %44#1, %44#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg9, %cst : f32
      %cst_6 = arith.constant 0.104117543 : f32
      %48 = math.log2 %arg9 : f32
      %49 = math.fma %arg8, %cst_6, %48 : f32
      %cst_7 = arith.constant 0.693147182 : f32
      %50 = arith.mulf %49, %cst_7 : f32
      %cst_8 = arith.constant 0xFF800000 : f32
      %51 = arith.select %47, %50, %cst_8 : f32
      faattn.yield %51 : f32
    }
    faattn.tile_store %45, %arg3[%arg5, %arg6, %5] <bshd> : <128x128xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x8x128xbf16>
    faattn.tile_store %46, %arg4[%arg5, %arg6, %5] <bshd> : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, memref<?x8x?xf32>
  } {faattn.block_counts = {empty = 661 : i64, full = 651 : i64, partial = 64 : i64}, faattn.grid}
  return
}

// -----

// grid = persistent: a loop over the tiles (batch fastest, then head, the last q-blocks
// first) from block id x; the tile counter is an argument after the memrefs, before the
// tensor maps; 8 more bytes of shared memory than the `tma` kernel's 50552 (two slots for the
// next tile's number).
// kernel persist { heads = 4 : 2; head_dim = 64; tile = 128x64; mask = causal; grid = persistent }
// PERS-LABEL: gpu.func @persist(
// PERS-SAME: %{{[a-z0-9]+}}: memref<?x?x2x64xbf16>, %{{[a-z0-9]+}}: memref<?x?x4x64xbf16>, %[[CTR:[a-z0-9]+]]: !llvm.ptr<1>, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr) kernel
// PERS-SAME: faattn.dynamic_shared_bytes = 50560 : i64
// PERS-SAME: faattn.persistent
// PERS:     %[[HEADS:.*]] = arith.muli %[[BATCH:.*]], %c4{{[_0-9]*}} : index
// PERS:     %[[TILES:.*]] = arith.muli %[[HEADS]], %[[QB:.*]] : index
// PERS:     %[[FIRST:.*]] = gpu.block_id  x
// PERS:     scf.while (%[[T0:.*]] = %[[FIRST]], %[[R0:.*]] = %[[Z:.*]], %[[N0:.*]] = %[[Z]]) : (index, index, index) -> (index, index, index) {
// PERS:       %[[MORE:.*]] = arith.cmpi ult, %[[T0]], %[[TILES]] : index
// PERS:       scf.condition(%[[MORE]])
// PERS:     } do {
// PERS:     ^bb0(%[[T:.*]]: index, %[[RING:.*]]: index, %[[COUNT:.*]]: index):
// PERS:       %[[ZR:.*]] = arith.divui %[[T]], %[[HEADS]] : index
// PERS:       %[[REST:.*]] = arith.remui %[[T]], %[[HEADS]] : index
// PERS:       %[[LASTQ:.*]] = arith.subi %[[QB]], %c1
// PERS:       arith.remui %[[REST]], %[[BATCH]] : index
// PERS:       arith.divui %[[REST]], %[[BATCH]] : index
// PERS:       arith.subi %[[LASTQ]], %[[ZR]] : index
// The prologue starts the tile's ring block 0 in the stage the running count gives, without
// waiting for that stage's previous block: an earlier tile's, released before that tile's
// closing barrier (the condition is 0 >= 2; a wait there made ptxas serialize the wgmmas).
// PERS:         %[[G0:.*]] = arith.addi %[[Z0:c0[_0-9]*]], %[[RING]] : index
// PERS-NEXT:    arith.remui %[[G0]], %c2{{[_0-9]*}} : index
// PERS-NEXT:    arith.divui %[[G0]], %c2{{[_0-9]*}} : index
// PERS-NEXT:    arith.cmpi uge, %[[Z0]], %c2{{[_0-9]*}} : index
// Q's barrier: phase (tile count mod 2) ...
// PERS:       %[[QP:.*]] = arith.remui %[[COUNT]], %c2{{[_0-9]*}} : index
// PERS:       %[[QPI:.*]] = arith.index_cast %[[QP]] : index to i32
// PERS:       nvvm.mbarrier.try_wait.parity %{{.*}}, %[[QPI]], %{{.*}} : !llvm.ptr<3>, i32, i32
// ... and the ring's blocks counted over the CTA's tiles: a block's stage and phase from
// ring + (iv - origin).
// PERS:       scf.for
// PERS:         %[[G:.*]] = arith.addi %{{.*}}, %[[RING]] : index
// PERS:         arith.remui %[[G]], %c2{{[_0-9]*}} : index
// The epilogue: thread 0 takes the next tile's number (atomic add) before O's writes and
// stores it in slot (count mod 2) before their barrier; after the O store every thread
// reads it: next tile = grid size + number; the ring goes on after this tile's blocks.
// PERS:       %[[OLD:.*]] = scf.if %{{.*}} -> (i32) {
// PERS:         llvm.atomicrmw add %[[CTR]], %c1_i32{{[_0-9]*}} monotonic : !llvm.ptr<1>, i32
// PERS:       vector.store
// PERS:       scf.if
// PERS:         arith.remui %[[COUNT]], %c2
// PERS:         llvm.store %[[OLD]], %{{.*}} {alignment = 4 : i64} : i32, !llvm.ptr<3>
// PERS:       nvvm.fence.proxy
// PERS-NEXT:  gpu.barrier
// PERS:       nvvm.cp.async.bulk.wait_group 0 {read}
// PERS:       %[[NUM:.*]] = llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr<3> -> i32
// PERS:       %[[GX:.*]] = gpu.grid_dim  x
// PERS:       %[[NUMI:.*]] = arith.index_castui %[[NUM]] : i32 to index
// PERS:       %[[NEXT:.*]] = arith.addi %[[GX]], %[[NUMI]] : index
// PERS:       %[[RNEXT:.*]] = arith.addi %[[RING]], %{{.*}} : index
// PERS:       %[[CNEXT:.*]] = arith.addi %[[COUNT]], %c1{{[_0-9]*}} : index
// PERS:       scf.yield %[[NEXT]], %[[RNEXT]], %[[CNEXT]] : index, index, index
// PERS:     } attributes {faattn.tile_loop}
// PERS-NEXT: gpu.return
func.func @persist(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>) attributes {faattn.kernel, faattn.launch_grid = "persistent", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c2 = arith.constant 2 : index
    %4 = arith.divui %arg5, %c2 : index
    %c128_3 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_3 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_4 = arith.constant 0 : index
    %c1_5 = arith.constant 1 : index
    %13 = arith.index_cast %c0_4 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c64_i64 = arith.constant 64 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %c1_i64 : i64 to index
    %26:5 = scf.parallel (%arg7) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %47 = arith.index_cast %arg7 : index to i64
      %48 = arith.muli %47, %c64_i64 : i64
      %49 = arith.addi %48, %c64_i64 : i64
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
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.minsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.maxsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.minsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.maxsi %arg8, %arg9 : i64
        scf.reduce.return %62 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %62 = arith.addi %arg8, %arg9 : i64
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
    %42:3 = scf.for %arg7 = %38 to %39 step %c1_5 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %54 = faattn.tile_map %arg9, %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %64 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg9, %55 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %arg10, %57, %58 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %63 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %62 = faattn.tile_map %arg8, %57, %61 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg7 = %39 to %40 step %c1_5 iter_args(%arg8 = %42#0, %arg9 = %42#1, %arg10 = %42#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %52 = faattn.tile_reduce <max> %50 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %53 = faattn.tile_map %arg9, %52 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %62 : f32
      }
      %54 = faattn.tile_map %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %62 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %63 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %64 = arith.select %62, %cst_8, %63 : f32
        faattn.yield %64 : f32
      }
      %55 = faattn.tile_map %50, %54 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %63 = math.fma %arg11, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %56 = faattn.tile_map %arg9, %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %62 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %63 = math.fma %arg11, %cst, %62 : f32
        %64 = math.exp2 %63 : f32
        faattn.yield %64 : f32
      }
      %57 = faattn.tile_reduce <sum> %55 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %58 = faattn.tile_map %arg10, %56, %57 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %62 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      %59 = faattn.tile_map %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %62 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %62 : bf16
      }
      %60 = faattn.tile_dot %59, %51 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %61 = faattn.tile_map %arg8, %56, %60 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %62 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %62 : f32
      }
      scf.yield %61, %53, %58 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg7 = %40 to %41 step %c1_5 iter_args(%arg8 = %43#0, %arg9 = %43#1, %arg10 = %43#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %47 = arith.muli %arg7, %c64_6 : index
      %48 = arith.index_cast %47 : index to i32
      %49 = faattn.tile_load %arg1[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %50 = faattn.tile_dot %9, %49 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_mask %50 at[%6, %7, %8, %48] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %63 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %63 : i1
      }
      %52 = faattn.tile_load %arg2[%arg4, %4, %47] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %53 = faattn.tile_reduce <max> %51 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %54 = faattn.tile_map %arg9, %53 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.maximumf %arg11, %arg12 : f32
        faattn.yield %63 : f32
      }
      %55 = faattn.tile_map %54 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %cst = arith.constant 0xFF800000 : f32
        %63 = arith.cmpf oeq, %arg11, %cst : f32
        %cst_7 = arith.constant 0.180336878 : f32
        %64 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %65 = arith.select %63, %cst_8, %64 : f32
        faattn.yield %65 : f32
      }
      %56 = faattn.tile_map %51, %55 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %57 = faattn.tile_map %arg9, %55 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32):
        %63 = arith.negf %arg12 : f32
        %cst = arith.constant 0.180336878 : f32
        %64 = math.fma %arg11, %cst, %63 : f32
        %65 = math.exp2 %64 : f32
        faattn.yield %65 : f32
      }
      %58 = faattn.tile_reduce <sum> %56 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %arg10, %57, %58 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      %60 = faattn.tile_map %56 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg11: f32):
        %63 = arith.truncf %arg11 : f32 to bf16
        faattn.yield %63 : bf16
      }
      %61 = faattn.tile_dot %60, %52 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %62 = faattn.tile_map %arg8, %57, %61 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
        %63 = math.fma %arg11, %arg12, %arg13 : f32
        faattn.yield %63 : f32
      }
      scf.yield %62, %54, %59 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %45 = faattn.tile_map %44#0, %44#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg8, %cst : f32
      %48 = arith.divf %arg7, %arg8 : f32
      %cst_6 = arith.constant 0.000000e+00 : f32
      %49 = arith.select %47, %48, %cst_6 : f32
      %50 = arith.truncf %49 : f32 to bf16
      faattn.yield %50 : bf16
    }
    %46 = faattn.tile_map %44#1, %44#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %47 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_6 = arith.constant 0.180336878 : f32
      %48 = math.log2 %arg8 : f32
      %49 = math.fma %arg7, %cst_6, %48 : f32
      %cst_7 = arith.constant 0.693147182 : f32
      %50 = arith.mulf %49, %cst_7 : f32
      %cst_8 = arith.constant 0xFF800000 : f32
      %51 = arith.select %47, %50, %cst_8 : f32
      faattn.yield %51 : f32
    }
    faattn.tile_store %45, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
  } {faattn.block_counts = {empty = 992 : i64, full = 992 : i64, partial = 64 : i64}, faattn.grid}
  return
}

// -----

// tile_order = l2_sections: the CTA's place in the start order, t = x + X (y + Y z), is
// taken apart as sections of G (batch, head) pairs, G the largest power of two <= 32 MB /
// (128 rows x (64 + 64) x 2 bytes) = 1024 q-blocks over the q-blocks (Z), at most the pairs;
// in a section the pairs fastest (head = pair mod Y), then the q-blocks, the last first.
// No reversal of block id z besides (that is the default order's).
// kernel sections { heads = 4 : 2; head_dim = 64; tile = 128x64; tile_order = l2_sections }
// SECT-LABEL: gpu.func @sections(
// SECT-SAME: faattn.tile_order = "l2_sections"
// SECT:      %[[X:.*]] = gpu.block_id  x
// SECT-NEXT: %[[GX:.*]] = gpu.grid_dim  x
// SECT-NEXT: %[[Y:.*]] = gpu.block_id  y
// SECT-NEXT: %[[GY:.*]] = gpu.grid_dim  y
// SECT-NEXT: %[[Z:.*]] = gpu.block_id  z
// SECT-NEXT: %[[GZ:.*]] = gpu.grid_dim  z
// SECT-NEXT: %[[YZ0:.*]] = arith.muli %[[GY]], %[[Z]] : index
// SECT-NEXT: %[[YZ:.*]] = arith.addi %[[Y]], %[[YZ0]] : index
// SECT-NEXT: %[[T0:.*]] = arith.muli %[[GX]], %[[YZ]] : index
// SECT-NEXT: %[[T:.*]] = arith.addi %[[X]], %[[T0]] : index
// SECT-NEXT: %[[PAIRS:.*]] = arith.muli %[[GX]], %[[GY]] : index
// SECT-NEXT: %[[C:.*]] = arith.constant 1024 : index
// SECT-NEXT: %[[G0:.*]] = arith.divui %[[C]], %[[GZ]] : index
// SECT-NEXT: %{{.*}} = arith.constant 1 : index
// SECT-NEXT: %[[G1:.*]] = arith.maxui %[[G0]], %{{.*}} : index
// SECT-COUNT-4: arith.ori
// SECT:      %[[SM:.*]] = arith.ori
// SECT-NEXT: %{{.*}} = arith.constant 1 : index
// SECT-NEXT: %[[HALF:.*]] = arith.shrui %[[SM]], %{{.*}} : index
// SECT-NEXT: %[[P2:.*]] = arith.subi %[[SM]], %[[HALF]] : index
// SECT-NEXT: %[[G:.*]] = arith.minui %[[P2]], %[[PAIRS]] : index
// SECT-NEXT: %[[PER:.*]] = arith.muli %[[G]], %[[GZ]] : index
// SECT-NEXT: %[[S:.*]] = arith.divui %[[T]], %[[PER]] : index
// SECT-NEXT: %[[R:.*]] = arith.remui %[[T]], %[[PER]] : index
// SECT-NEXT: %[[FIRST:.*]] = arith.muli %[[S]], %[[G]] : index
// SECT-NEXT: %[[LEFT:.*]] = arith.subi %[[PAIRS]], %[[FIRST]] : index
// SECT-NEXT: %[[SIZE:.*]] = arith.minui %[[G]], %[[LEFT]] : index
// SECT-NEXT: %[[IN:.*]] = arith.remui %[[R]], %[[SIZE]] : index
// SECT-NEXT: %[[PAIR:.*]] = arith.addi %[[FIRST]], %[[IN]] : index
// SECT-NEXT: %[[ZR:.*]] = arith.divui %[[R]], %[[SIZE]] : index
// SECT-NEXT: %{{.*}} = arith.constant 1 : index
// SECT-NEXT: %[[LASTQ:.*]] = arith.subi %[[GZ]], %{{.*}} : index
// SECT-NEXT: %[[B:.*]] = arith.divui %[[PAIR]], %[[GY]] : index
// SECT-NEXT: %[[H:.*]] = arith.remui %[[PAIR]], %[[GY]] : index
// SECT-NEXT: %[[QB:.*]] = arith.subi %[[LASTQ]], %[[ZR]] : index
// SECT-NOT:  gpu.block_id
// SECT:      gpu.return
func.func @sections(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c64 = arith.constant 64 : index
  %1 = arith.ceildivui %dim_2, %c64 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c2 = arith.constant 2 : index
    %4 = arith.divui %arg5, %c2 : index
    %c128_3 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_3 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_4 = arith.constant 0 : index
    %c1_5 = arith.constant 1 : index
    %13 = arith.index_cast %c0_4 : index to i64
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
    %23:3 = scf.for %arg7 = %20 to %21 step %c1_5 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_6 : index
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
        %cst_7 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_8, %45 : f32
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
    %24:3 = scf.for %arg7 = %21 to %22 step %c1_5 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_6 : index
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
        %cst_7 = arith.constant 0.180336878 : f32
        %44 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %45 = arith.select %43, %cst_8, %44 : f32
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
    %25:3 = scf.for %arg7 = %22 to %1 step %c1_5 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_6 = arith.constant 64 : index
      %28 = arith.muli %arg7, %c64_6 : index
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
        %cst_7 = arith.constant 0.180336878 : f32
        %45 = arith.mulf %arg11, %cst_7 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %46 = arith.select %44, %cst_8, %45 : f32
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
      %cst_6 = arith.constant 0.000000e+00 : f32
      %30 = arith.select %28, %29, %cst_6 : f32
      %31 = arith.truncf %30 : f32 to bf16
      faattn.yield %31 : bf16
    }
    %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg7: f32, %arg8: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %28 = arith.cmpf ogt, %arg8, %cst : f32
      %cst_6 = arith.constant 0.180336878 : f32
      %29 = math.log2 %arg8 : f32
      %30 = math.fma %arg7, %cst_6, %29 : f32
      %cst_7 = arith.constant 0.693147182 : f32
      %31 = arith.mulf %30, %cst_7 : f32
      %cst_8 = arith.constant 0xFF800000 : f32
      %32 = arith.select %28, %31, %cst_8 : f32
      faattn.yield %32 : f32
    }
    faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 2048 : i64, partial = 0 : i64}, faattn.grid}
  return
}

// -----

// The docs kernel below (kernel docs of the first split), edited by sed:
//   /scf.reduce(%[0-9]*, %[0-9]* : i64, i64)/{n;n;s/arith.minsi/arith.addi/;}
// A range reduction that is not a minimum or maximum (here the Q range's first made a sum,
// which an element read twice would change) keeps the identities: past the end a lane reads
// element lb and contributes the initial value, in i64.
// SUM-LABEL: gpu.func @docs_sum(
// SUM-SAME: %[[DOC:[a-z0-9]+]]: memref<?xi32>
// SUM:       scf.for %[[BASE:.*]] = %[[LB:.*]] to %[[END:.*]] step %{{.*}} iter_args(%[[SUM:.*]] = %c2147483647_i64, %{{.*}}) -> (i64, i64) {
// SUM:         %[[I0:.*]] = arith.addi %[[BASE]], %{{.*}} : index
// SUM-NEXT:    %[[IN:.*]] = arith.cmpi slt, %[[I0]], %[[END]] : index
// SUM-NEXT:    %[[AT:.*]] = arith.select %[[IN]], %[[I0]], %[[LB]] : index
// SUM-NEXT:    memref.load %[[DOC]][%[[AT]]] : memref<?xi32>
// SUM-NEXT:    %[[X:.*]] = arith.extsi
// SUM-NEXT:    %[[XS:.*]] = arith.select %[[IN]], %[[X]], %c2147483647_i64 : i64
// SUM-NEXT:    arith.addi %[[SUM]], %[[XS]] : i64
// SUM:       }
// After the loop the sum combines across the warp in i64 (two 32-bit shuffles a step), the
// maximum of i32 ids in i32, sign-extended at the end:
// SUM:       %[[LO0:.*]] = arith.trunci %[[QR:.*]]#0 : i64 to i32
// SUM:       gpu.shuffle  xor %[[LO0]], %c16_i32{{.*}} : i32
// SUM:       gpu.shuffle  xor %{{.*}}, %c16_i32{{.*}} : i32
// SUM:       %[[S1:.*]] = arith.addi %[[QR]]#0, %{{.*}} : i64
// SUM:       %[[HI0:.*]] = arith.trunci %[[QR]]#1 : i64 to i32
// SUM-NEXT:  %{{.*}} = arith.constant 16 : i32
// SUM-NEXT:  %{{.*}} = arith.constant 32 : i32
// SUM-NEXT:  %[[SH:.*]], %{{.*}} = gpu.shuffle  xor %[[HI0]], %{{.*}}, %{{.*}} : i32
// SUM-NEXT:  arith.maxsi %[[HI0]], %[[SH]] : i32
// SUM-COUNT-4: arith.maxsi %{{.*}} : i32
// SUM-NEXT:  arith.extsi %{{.*}} : i32 to i64
func.func @docs_sum(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
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
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 2, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_4 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
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
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %8 : i32 to index
    %c128_7 = arith.constant 128 : index
    %26 = arith.addi %25, %c128_7 : index
    %27 = arith.index_cast %2 : i32 to index
    %28 = arith.minsi %26, %27 : index
    %c1_8 = arith.constant 1 : index
    %29 = arith.subi %28, %c1_8 : index
    %c64_9 = arith.constant 64 : index
    %30 = arith.divsi %29, %c64_9 : index
    %c1_10 = arith.constant 1 : index
    %31 = arith.subi %24, %c1_10 : index
    %32 = arith.minsi %30, %31 : index
    %33 = arith.maxsi %32, %23 : index
    %34 = arith.index_cast %c1_i64 : i64 to index
    %c0_11 = arith.constant 0 : index
    %dim_12 = memref.dim %arg4, %c0_11 : memref<?xi32>
    %35 = arith.index_cast %dim_12 : index to i64
    %c0_i64_13 = arith.constant 0 : i64
    %36 = arith.cmpi sge, %19, %c0_i64_13 : i64
    %37 = arith.cmpi slt, %22, %35 : i64
    %38 = arith.andi %36, %37 : i1
    %39 = arith.cmpi sle, %19, %22 : i64
    %40 = arith.andi %38, %39 : i1
    %c0_i64_14 = arith.constant 0 : i64
    %41 = arith.select %40, %19, %c0_i64_14 : i64
    %c1_i64_15 = arith.constant 1 : i64
    %42 = arith.addi %22, %c1_i64_15 : i64
    %c0_i64_16 = arith.constant 0 : i64
    %43 = arith.select %40, %42, %c0_i64_16 : i64
    %c2147483647_i64 = arith.constant 2147483647 : i64
    %c-2147483648_i64 = arith.constant -2147483648 : i64
    %44 = arith.index_cast %41 : i64 to index
    %45 = arith.index_cast %43 : i64 to index
    %c1_17 = arith.constant 1 : index
    %46:2 = scf.parallel (%arg8) = (%44) to (%45) step (%c1_17) init (%c2147483647_i64, %c-2147483648_i64) -> (i64, i64) {
      %79 = memref.load %arg4[%arg8] : memref<?xi32>
      %80 = arith.extsi %79 : i32 to i64
      scf.reduce(%80, %80 : i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %81 = arith.addi %arg9, %arg10 : i64
        scf.reduce.return %81 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %81 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %81 : i64
      }
    } {faattn.range_reduce}
    %c-2147483648_i64_18 = arith.constant -2147483648 : i64
    %47 = arith.select %40, %46#0, %c-2147483648_i64_18 : i64
    %c2147483647_i64_19 = arith.constant 2147483647 : i64
    %48 = arith.select %40, %46#1, %c2147483647_i64_19 : i64
    %49:5 = scf.parallel (%arg8) = (%23) to (%24) step (%34) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %79 = arith.index_cast %arg8 : index to i64
      %80 = arith.muli %79, %c64_i64 : i64
      %81 = arith.addi %80, %c64_i64 : i64
      %82 = arith.minsi %81, %16 : i64
      %83 = arith.subi %82, %c1_i64 : i64
      %c-2147483648_i64_22 = arith.constant -2147483648 : i64
      %84 = arith.cmpi sge, %47, %c-2147483648_i64_22 : i64
      %c2147483647_i64_23 = arith.constant 2147483647 : i64
      %85 = arith.cmpi sle, %48, %c2147483647_i64_23 : i64
      %86 = arith.andi %84, %85 : i1
      %c-2147483648_i64_24 = arith.constant -2147483648 : i64
      %87 = arith.select %86, %47, %c-2147483648_i64_24 : i64
      %c2147483647_i64_25 = arith.constant 2147483647 : i64
      %88 = arith.select %86, %48, %c2147483647_i64_25 : i64
      %89 = arith.cmpi sge, %22, %80 : i64
      %90 = arith.cmpi slt, %19, %83 : i64
      %true = arith.constant true
      %91 = arith.andi %true, %89 : i1
      %92 = arith.ori %true, %90 : i1
      %93 = arith.andi %91, %92 : i1
      %c-2147483648_i64_26 = arith.constant -2147483648 : i64
      %94 = arith.cmpi sge, %47, %c-2147483648_i64_26 : i64
      %c2147483647_i64_27 = arith.constant 2147483647 : i64
      %95 = arith.cmpi sle, %48, %c2147483647_i64_27 : i64
      %96 = arith.andi %94, %95 : i1
      %c-2147483648_i64_28 = arith.constant -2147483648 : i64
      %97 = arith.select %96, %47, %c-2147483648_i64_28 : i64
      %c2147483647_i64_29 = arith.constant 2147483647 : i64
      %98 = arith.select %96, %48, %c2147483647_i64_29 : i64
      %c0_30 = arith.constant 0 : index
      %dim_31 = memref.dim %arg4, %c0_30 : memref<?xi32>
      %99 = arith.index_cast %dim_31 : index to i64
      %c0_i64_32 = arith.constant 0 : i64
      %100 = arith.cmpi sge, %80, %c0_i64_32 : i64
      %101 = arith.cmpi slt, %83, %99 : i64
      %102 = arith.andi %100, %101 : i1
      %103 = arith.cmpi sle, %80, %83 : i64
      %104 = arith.andi %102, %103 : i1
      %105 = arith.andi %104, %93 : i1
      %c0_i64_33 = arith.constant 0 : i64
      %106 = arith.select %105, %80, %c0_i64_33 : i64
      %c1_i64_34 = arith.constant 1 : i64
      %107 = arith.addi %83, %c1_i64_34 : i64
      %c0_i64_35 = arith.constant 0 : i64
      %108 = arith.select %105, %107, %c0_i64_35 : i64
      %c2147483647_i64_36 = arith.constant 2147483647 : i64
      %c-2147483648_i64_37 = arith.constant -2147483648 : i64
      %109 = arith.index_cast %106 : i64 to index
      %110 = arith.index_cast %108 : i64 to index
      %c1_38 = arith.constant 1 : index
      %111:2 = scf.parallel (%arg9) = (%109) to (%110) step (%c1_38) init (%c2147483647_i64_36, %c-2147483648_i64_37) -> (i64, i64) {
        %141 = memref.load %arg4[%arg9] : memref<?xi32>
        %142 = arith.extsi %141 : i32 to i64
        scf.reduce(%142, %142 : i64, i64) {
        ^bb0(%arg10: i64, %arg11: i64):
          %143 = arith.addi %arg10, %arg11 : i64
          scf.reduce.return %143 : i64
        }, {
        ^bb0(%arg10: i64, %arg11: i64):
          %143 = arith.maxsi %arg10, %arg11 : i64
          scf.reduce.return %143 : i64
        }
      } {faattn.range_reduce}
      %c-2147483648_i64_39 = arith.constant -2147483648 : i64
      %112 = arith.select %105, %111#0, %c-2147483648_i64_39 : i64
      %c2147483647_i64_40 = arith.constant 2147483647 : i64
      %113 = arith.select %105, %111#1, %c2147483647_i64_40 : i64
      %c-2147483648_i64_41 = arith.constant -2147483648 : i64
      %114 = arith.cmpi sge, %112, %c-2147483648_i64_41 : i64
      %c2147483647_i64_42 = arith.constant 2147483647 : i64
      %115 = arith.cmpi sle, %113, %c2147483647_i64_42 : i64
      %116 = arith.andi %114, %115 : i1
      %c-2147483648_i64_43 = arith.constant -2147483648 : i64
      %117 = arith.select %116, %112, %c-2147483648_i64_43 : i64
      %c2147483647_i64_44 = arith.constant 2147483647 : i64
      %118 = arith.select %116, %113, %c2147483647_i64_44 : i64
      %119 = arith.cmpi slt, %98, %117 : i64
      %120 = arith.cmpi slt, %118, %97 : i64
      %121 = arith.ori %119, %120 : i1
      %122 = arith.cmpi eq, %97, %98 : i64
      %123 = arith.cmpi eq, %117, %118 : i64
      %124 = arith.andi %122, %123 : i1
      %125 = arith.cmpi eq, %97, %117 : i64
      %126 = arith.andi %124, %125 : i1
      %true_45 = arith.constant true
      %127 = arith.xori %121, %true_45 : i1
      %true_46 = arith.constant true
      %128 = arith.xori %126, %true_46 : i1
      %129 = arith.cmpi sge, %22, %80 : i64
      %130 = arith.cmpi slt, %19, %83 : i64
      %131 = arith.andi %127, %129 : i1
      %132 = arith.ori %128, %130 : i1
      %133 = arith.cmpi sle, %81, %16 : i64
      %true_47 = arith.constant true
      %134 = arith.xori %132, %true_47 : i1
      %135 = arith.andi %134, %133 : i1
      %136 = arith.select %131, %79, %14 : i64
      %137 = arith.select %131, %79, %c-1_i64 : i64
      %138 = arith.select %135, %79, %14 : i64
      %139 = arith.select %135, %79, %c-1_i64 : i64
      %140 = arith.extui %135 : i1 to i64
      scf.reduce(%136, %137, %138, %139, %140 : i64, i64, i64, i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.addi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }
    } {faattn.block_scan}
    %50 = arith.maxsi %49#0, %13 : i64
    %51 = arith.addi %49#1, %c1_i64 : i64
    %52 = arith.maxsi %51, %50 : i64
    %53 = arith.addi %49#3, %c1_i64 : i64
    %54 = arith.subi %53, %49#2 : i64
    %55 = arith.cmpi sgt, %49#4, %c0_i64 : i64
    %56 = arith.cmpi eq, %49#4, %54 : i64
    %57 = arith.andi %55, %56 : i1
    %58 = arith.select %57, %49#2, %52 : i64
    %59 = arith.addi %49#3, %c1_i64 : i64
    %60 = arith.select %57, %59, %52 : i64
    %61 = arith.index_cast %50 : i64 to index
    %62 = arith.index_cast %58 : i64 to index
    %63 = arith.index_cast %60 : i64 to index
    %64 = arith.index_cast %52 : i64 to index
    %65 = arith.cmpi slt, %61, %64 : index
    %c1_20 = arith.constant 1 : index
    %66 = arith.subi %64, %c1_20 : index
    %67 = arith.cmpi eq, %66, %33 : index
    %68 = arith.andi %65, %67 : i1
    %69 = arith.select %68, %33, %64 : index
    %70 = arith.minsi %62, %69 : index
    %71 = arith.minsi %63, %69 : index
    %c1_21 = arith.constant 1 : index
    %72 = arith.subi %61, %c1_21 : index
    %73 = arith.select %68, %72, %61 : index
    %74:3 = scf.for %arg8 = %73 to %70 step %c1_6 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %79 = arith.cmpi slt, %arg8, %61 : index
      %80 = arith.select %79, %33, %arg8 : index
      %c64_22 = arith.constant 64 : index
      %81 = arith.muli %80, %c64_22 : index
      %82 = arith.index_cast %81 : index to i32
      %83 = faattn.tile_load %arg1[%arg5, %4, %81] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %84 = faattn.tile_dot %9, %83 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %85 = faattn.tile_mask %84 at[%6, %7, %8, %82] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %97 = arith.index_cast %q_idx : i32 to index
        %98 = memref.load %arg12[%97] : memref<?xi32>
        %99 = arith.index_cast %kv_idx : i32 to index
        %100 = memref.load %arg12[%99] : memref<?xi32>
        %101 = arith.cmpi eq, %98, %100 : i32
        %102 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %103 = arith.andi %101, %102 : i1
        faattn.yield %103 : i1
      }
      %86 = faattn.tile_load %arg2[%arg5, %4, %81] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %87 = faattn.tile_reduce <max> %85 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %88 = faattn.tile_map %arg10, %87 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %97 : f32
      }
      %89 = faattn.tile_map %88 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %97 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %98 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %99 = arith.select %97, %cst_24, %98 : f32
        faattn.yield %99 : f32
      }
      %90 = faattn.tile_map %85, %89 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %98 = math.fma %arg12, %cst, %97 : f32
        %99 = math.exp2 %98 : f32
        faattn.yield %99 : f32
      }
      %91 = faattn.tile_map %arg10, %89 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %98 = math.fma %arg12, %cst, %97 : f32
        %99 = math.exp2 %98 : f32
        faattn.yield %99 : f32
      }
      %92 = faattn.tile_reduce <sum> %90 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %93 = faattn.tile_map %arg11, %91, %92 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %97 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %97 : f32
      }
      %94 = faattn.tile_map %90 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %97 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %97 : bf16
      }
      %95 = faattn.tile_dot %94, %86 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %96 = faattn.tile_map %arg9, %91, %95 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %97 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %97 : f32
      }
      scf.yield %96, %88, %93 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_head, faattn.kv_loop = "masked"}
    %75:3 = scf.for %arg8 = %70 to %71 step %c1_6 iter_args(%arg9 = %74#0, %arg10 = %74#1, %arg11 = %74#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_22 = arith.constant 64 : index
      %79 = arith.muli %arg8, %c64_22 : index
      %80 = arith.index_cast %79 : index to i32
      %81 = faattn.tile_load %arg1[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %82 = faattn.tile_dot %9, %81 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %83 = faattn.tile_load %arg2[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %84 = faattn.tile_reduce <max> %82 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %85 = faattn.tile_map %arg10, %84 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %94 : f32
      }
      %86 = faattn.tile_map %85 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %94 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %95 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %96 = arith.select %94, %cst_24, %95 : f32
        faattn.yield %96 : f32
      }
      %87 = faattn.tile_map %82, %86 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %95 = math.fma %arg12, %cst, %94 : f32
        %96 = math.exp2 %95 : f32
        faattn.yield %96 : f32
      }
      %88 = faattn.tile_map %arg10, %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %95 = math.fma %arg12, %cst, %94 : f32
        %96 = math.exp2 %95 : f32
        faattn.yield %96 : f32
      }
      %89 = faattn.tile_reduce <sum> %87 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %90 = faattn.tile_map %arg11, %88, %89 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %94 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %94 : f32
      }
      %91 = faattn.tile_map %87 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %94 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %94 : bf16
      }
      %92 = faattn.tile_dot %91, %83 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %93 = faattn.tile_map %arg9, %88, %92 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %94 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %94 : f32
      }
      scf.yield %93, %85, %90 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %76:3 = scf.for %arg8 = %71 to %69 step %c1_6 iter_args(%arg9 = %75#0, %arg10 = %75#1, %arg11 = %75#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_22 = arith.constant 64 : index
      %79 = arith.muli %arg8, %c64_22 : index
      %80 = arith.index_cast %79 : index to i32
      %81 = faattn.tile_load %arg1[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %82 = faattn.tile_dot %9, %81 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %83 = faattn.tile_mask %82 at[%6, %7, %8, %80] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %95 = arith.index_cast %q_idx : i32 to index
        %96 = memref.load %arg12[%95] : memref<?xi32>
        %97 = arith.index_cast %kv_idx : i32 to index
        %98 = memref.load %arg12[%97] : memref<?xi32>
        %99 = arith.cmpi eq, %96, %98 : i32
        %100 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %101 = arith.andi %99, %100 : i1
        faattn.yield %101 : i1
      }
      %84 = faattn.tile_load %arg2[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %85 = faattn.tile_reduce <max> %83 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %86 = faattn.tile_map %arg10, %85 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %95 : f32
      }
      %87 = faattn.tile_map %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %95 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %96 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %97 = arith.select %95, %cst_24, %96 : f32
        faattn.yield %97 : f32
      }
      %88 = faattn.tile_map %83, %87 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %96 = math.fma %arg12, %cst, %95 : f32
        %97 = math.exp2 %96 : f32
        faattn.yield %97 : f32
      }
      %89 = faattn.tile_map %arg10, %87 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %96 = math.fma %arg12, %cst, %95 : f32
        %97 = math.exp2 %96 : f32
        faattn.yield %97 : f32
      }
      %90 = faattn.tile_reduce <sum> %88 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %91 = faattn.tile_map %arg11, %89, %90 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %95 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %95 : f32
      }
      %92 = faattn.tile_map %88 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %95 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %95 : bf16
      }
      %93 = faattn.tile_dot %92, %84 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %94 = faattn.tile_map %arg9, %89, %93 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %95 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %95 : f32
      }
      scf.yield %94, %86, %91 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %77 = faattn.tile_map %76#0, %76#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %79 = arith.cmpf ogt, %arg9, %cst : f32
      %80 = arith.divf %arg8, %arg9 : f32
      %cst_22 = arith.constant 0.000000e+00 : f32
      %81 = arith.select %79, %80, %cst_22 : f32
      %82 = arith.truncf %81 : f32 to bf16
      faattn.yield %82 : bf16
    }
    %78 = faattn.tile_map %76#1, %76#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %79 = arith.cmpf ogt, %arg9, %cst : f32
      %cst_22 = arith.constant 0.180336878 : f32
      %80 = math.log2 %arg9 : f32
      %81 = math.fma %arg8, %cst_22, %80 : f32
      %cst_23 = arith.constant 0.693147182 : f32
      %82 = arith.mulf %81, %cst_23 : f32
      %cst_24 = arith.constant 0xFF800000 : f32
      %83 = arith.select %79, %82, %cst_24 : f32
      faattn.yield %83 : f32
    }
    faattn.tile_store %77, %arg3[%arg5, %arg6, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x64xbf16>
  } {faattn.block_counts = {empty = 992 : i64, full = 0 : i64, partial = 1056 : i64}, faattn.grid}
  return
}

// -----

// The docs kernel, edited by sed:
//   /scf.for .* -> (!faattn.tile/{n;s/arith.cmpi slt/arith.cmpi sle/;}
// A head loop whose block is not `iv < lo ? c : iv` (here `iv <= lo`) is not numbered by the ring:
// BADHEAD: gpu.func @docs_badhead(
// BADHEAD-SAME: faattn.tma_skipped = "the head KV loop's block is not `iv < lo ? c : iv`"
func.func @docs_badhead(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
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
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 2, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_4 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
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
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %8 : i32 to index
    %c128_7 = arith.constant 128 : index
    %26 = arith.addi %25, %c128_7 : index
    %27 = arith.index_cast %2 : i32 to index
    %28 = arith.minsi %26, %27 : index
    %c1_8 = arith.constant 1 : index
    %29 = arith.subi %28, %c1_8 : index
    %c64_9 = arith.constant 64 : index
    %30 = arith.divsi %29, %c64_9 : index
    %c1_10 = arith.constant 1 : index
    %31 = arith.subi %24, %c1_10 : index
    %32 = arith.minsi %30, %31 : index
    %33 = arith.maxsi %32, %23 : index
    %34 = arith.index_cast %c1_i64 : i64 to index
    %c0_11 = arith.constant 0 : index
    %dim_12 = memref.dim %arg4, %c0_11 : memref<?xi32>
    %35 = arith.index_cast %dim_12 : index to i64
    %c0_i64_13 = arith.constant 0 : i64
    %36 = arith.cmpi sge, %19, %c0_i64_13 : i64
    %37 = arith.cmpi slt, %22, %35 : i64
    %38 = arith.andi %36, %37 : i1
    %39 = arith.cmpi sle, %19, %22 : i64
    %40 = arith.andi %38, %39 : i1
    %c0_i64_14 = arith.constant 0 : i64
    %41 = arith.select %40, %19, %c0_i64_14 : i64
    %c1_i64_15 = arith.constant 1 : i64
    %42 = arith.addi %22, %c1_i64_15 : i64
    %c0_i64_16 = arith.constant 0 : i64
    %43 = arith.select %40, %42, %c0_i64_16 : i64
    %c2147483647_i64 = arith.constant 2147483647 : i64
    %c-2147483648_i64 = arith.constant -2147483648 : i64
    %44 = arith.index_cast %41 : i64 to index
    %45 = arith.index_cast %43 : i64 to index
    %c1_17 = arith.constant 1 : index
    %46:2 = scf.parallel (%arg8) = (%44) to (%45) step (%c1_17) init (%c2147483647_i64, %c-2147483648_i64) -> (i64, i64) {
      %79 = memref.load %arg4[%arg8] : memref<?xi32>
      %80 = arith.extsi %79 : i32 to i64
      scf.reduce(%80, %80 : i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %81 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %81 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %81 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %81 : i64
      }
    } {faattn.range_reduce}
    %c-2147483648_i64_18 = arith.constant -2147483648 : i64
    %47 = arith.select %40, %46#0, %c-2147483648_i64_18 : i64
    %c2147483647_i64_19 = arith.constant 2147483647 : i64
    %48 = arith.select %40, %46#1, %c2147483647_i64_19 : i64
    %49:5 = scf.parallel (%arg8) = (%23) to (%24) step (%34) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %79 = arith.index_cast %arg8 : index to i64
      %80 = arith.muli %79, %c64_i64 : i64
      %81 = arith.addi %80, %c64_i64 : i64
      %82 = arith.minsi %81, %16 : i64
      %83 = arith.subi %82, %c1_i64 : i64
      %c-2147483648_i64_22 = arith.constant -2147483648 : i64
      %84 = arith.cmpi sge, %47, %c-2147483648_i64_22 : i64
      %c2147483647_i64_23 = arith.constant 2147483647 : i64
      %85 = arith.cmpi sle, %48, %c2147483647_i64_23 : i64
      %86 = arith.andi %84, %85 : i1
      %c-2147483648_i64_24 = arith.constant -2147483648 : i64
      %87 = arith.select %86, %47, %c-2147483648_i64_24 : i64
      %c2147483647_i64_25 = arith.constant 2147483647 : i64
      %88 = arith.select %86, %48, %c2147483647_i64_25 : i64
      %89 = arith.cmpi sge, %22, %80 : i64
      %90 = arith.cmpi slt, %19, %83 : i64
      %true = arith.constant true
      %91 = arith.andi %true, %89 : i1
      %92 = arith.ori %true, %90 : i1
      %93 = arith.andi %91, %92 : i1
      %c-2147483648_i64_26 = arith.constant -2147483648 : i64
      %94 = arith.cmpi sge, %47, %c-2147483648_i64_26 : i64
      %c2147483647_i64_27 = arith.constant 2147483647 : i64
      %95 = arith.cmpi sle, %48, %c2147483647_i64_27 : i64
      %96 = arith.andi %94, %95 : i1
      %c-2147483648_i64_28 = arith.constant -2147483648 : i64
      %97 = arith.select %96, %47, %c-2147483648_i64_28 : i64
      %c2147483647_i64_29 = arith.constant 2147483647 : i64
      %98 = arith.select %96, %48, %c2147483647_i64_29 : i64
      %c0_30 = arith.constant 0 : index
      %dim_31 = memref.dim %arg4, %c0_30 : memref<?xi32>
      %99 = arith.index_cast %dim_31 : index to i64
      %c0_i64_32 = arith.constant 0 : i64
      %100 = arith.cmpi sge, %80, %c0_i64_32 : i64
      %101 = arith.cmpi slt, %83, %99 : i64
      %102 = arith.andi %100, %101 : i1
      %103 = arith.cmpi sle, %80, %83 : i64
      %104 = arith.andi %102, %103 : i1
      %105 = arith.andi %104, %93 : i1
      %c0_i64_33 = arith.constant 0 : i64
      %106 = arith.select %105, %80, %c0_i64_33 : i64
      %c1_i64_34 = arith.constant 1 : i64
      %107 = arith.addi %83, %c1_i64_34 : i64
      %c0_i64_35 = arith.constant 0 : i64
      %108 = arith.select %105, %107, %c0_i64_35 : i64
      %c2147483647_i64_36 = arith.constant 2147483647 : i64
      %c-2147483648_i64_37 = arith.constant -2147483648 : i64
      %109 = arith.index_cast %106 : i64 to index
      %110 = arith.index_cast %108 : i64 to index
      %c1_38 = arith.constant 1 : index
      %111:2 = scf.parallel (%arg9) = (%109) to (%110) step (%c1_38) init (%c2147483647_i64_36, %c-2147483648_i64_37) -> (i64, i64) {
        %141 = memref.load %arg4[%arg9] : memref<?xi32>
        %142 = arith.extsi %141 : i32 to i64
        scf.reduce(%142, %142 : i64, i64) {
        ^bb0(%arg10: i64, %arg11: i64):
          %143 = arith.minsi %arg10, %arg11 : i64
          scf.reduce.return %143 : i64
        }, {
        ^bb0(%arg10: i64, %arg11: i64):
          %143 = arith.maxsi %arg10, %arg11 : i64
          scf.reduce.return %143 : i64
        }
      } {faattn.range_reduce}
      %c-2147483648_i64_39 = arith.constant -2147483648 : i64
      %112 = arith.select %105, %111#0, %c-2147483648_i64_39 : i64
      %c2147483647_i64_40 = arith.constant 2147483647 : i64
      %113 = arith.select %105, %111#1, %c2147483647_i64_40 : i64
      %c-2147483648_i64_41 = arith.constant -2147483648 : i64
      %114 = arith.cmpi sge, %112, %c-2147483648_i64_41 : i64
      %c2147483647_i64_42 = arith.constant 2147483647 : i64
      %115 = arith.cmpi sle, %113, %c2147483647_i64_42 : i64
      %116 = arith.andi %114, %115 : i1
      %c-2147483648_i64_43 = arith.constant -2147483648 : i64
      %117 = arith.select %116, %112, %c-2147483648_i64_43 : i64
      %c2147483647_i64_44 = arith.constant 2147483647 : i64
      %118 = arith.select %116, %113, %c2147483647_i64_44 : i64
      %119 = arith.cmpi slt, %98, %117 : i64
      %120 = arith.cmpi slt, %118, %97 : i64
      %121 = arith.ori %119, %120 : i1
      %122 = arith.cmpi eq, %97, %98 : i64
      %123 = arith.cmpi eq, %117, %118 : i64
      %124 = arith.andi %122, %123 : i1
      %125 = arith.cmpi eq, %97, %117 : i64
      %126 = arith.andi %124, %125 : i1
      %true_45 = arith.constant true
      %127 = arith.xori %121, %true_45 : i1
      %true_46 = arith.constant true
      %128 = arith.xori %126, %true_46 : i1
      %129 = arith.cmpi sge, %22, %80 : i64
      %130 = arith.cmpi slt, %19, %83 : i64
      %131 = arith.andi %127, %129 : i1
      %132 = arith.ori %128, %130 : i1
      %133 = arith.cmpi sle, %81, %16 : i64
      %true_47 = arith.constant true
      %134 = arith.xori %132, %true_47 : i1
      %135 = arith.andi %134, %133 : i1
      %136 = arith.select %131, %79, %14 : i64
      %137 = arith.select %131, %79, %c-1_i64 : i64
      %138 = arith.select %135, %79, %14 : i64
      %139 = arith.select %135, %79, %c-1_i64 : i64
      %140 = arith.extui %135 : i1 to i64
      scf.reduce(%136, %137, %138, %139, %140 : i64, i64, i64, i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %141 = arith.addi %arg9, %arg10 : i64
        scf.reduce.return %141 : i64
      }
    } {faattn.block_scan}
    %50 = arith.maxsi %49#0, %13 : i64
    %51 = arith.addi %49#1, %c1_i64 : i64
    %52 = arith.maxsi %51, %50 : i64
    %53 = arith.addi %49#3, %c1_i64 : i64
    %54 = arith.subi %53, %49#2 : i64
    %55 = arith.cmpi sgt, %49#4, %c0_i64 : i64
    %56 = arith.cmpi eq, %49#4, %54 : i64
    %57 = arith.andi %55, %56 : i1
    %58 = arith.select %57, %49#2, %52 : i64
    %59 = arith.addi %49#3, %c1_i64 : i64
    %60 = arith.select %57, %59, %52 : i64
    %61 = arith.index_cast %50 : i64 to index
    %62 = arith.index_cast %58 : i64 to index
    %63 = arith.index_cast %60 : i64 to index
    %64 = arith.index_cast %52 : i64 to index
    %65 = arith.cmpi slt, %61, %64 : index
    %c1_20 = arith.constant 1 : index
    %66 = arith.subi %64, %c1_20 : index
    %67 = arith.cmpi eq, %66, %33 : index
    %68 = arith.andi %65, %67 : i1
    %69 = arith.select %68, %33, %64 : index
    %70 = arith.minsi %62, %69 : index
    %71 = arith.minsi %63, %69 : index
    %c1_21 = arith.constant 1 : index
    %72 = arith.subi %61, %c1_21 : index
    %73 = arith.select %68, %72, %61 : index
    %74:3 = scf.for %arg8 = %73 to %70 step %c1_6 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %79 = arith.cmpi sle, %arg8, %61 : index
      %80 = arith.select %79, %33, %arg8 : index
      %c64_22 = arith.constant 64 : index
      %81 = arith.muli %80, %c64_22 : index
      %82 = arith.index_cast %81 : index to i32
      %83 = faattn.tile_load %arg1[%arg5, %4, %81] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %84 = faattn.tile_dot %9, %83 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %85 = faattn.tile_mask %84 at[%6, %7, %8, %82] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %97 = arith.index_cast %q_idx : i32 to index
        %98 = memref.load %arg12[%97] : memref<?xi32>
        %99 = arith.index_cast %kv_idx : i32 to index
        %100 = memref.load %arg12[%99] : memref<?xi32>
        %101 = arith.cmpi eq, %98, %100 : i32
        %102 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %103 = arith.andi %101, %102 : i1
        faattn.yield %103 : i1
      }
      %86 = faattn.tile_load %arg2[%arg5, %4, %81] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %87 = faattn.tile_reduce <max> %85 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %88 = faattn.tile_map %arg10, %87 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %97 : f32
      }
      %89 = faattn.tile_map %88 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %97 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %98 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %99 = arith.select %97, %cst_24, %98 : f32
        faattn.yield %99 : f32
      }
      %90 = faattn.tile_map %85, %89 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %98 = math.fma %arg12, %cst, %97 : f32
        %99 = math.exp2 %98 : f32
        faattn.yield %99 : f32
      }
      %91 = faattn.tile_map %arg10, %89 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %97 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %98 = math.fma %arg12, %cst, %97 : f32
        %99 = math.exp2 %98 : f32
        faattn.yield %99 : f32
      }
      %92 = faattn.tile_reduce <sum> %90 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %93 = faattn.tile_map %arg11, %91, %92 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %97 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %97 : f32
      }
      %94 = faattn.tile_map %90 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %97 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %97 : bf16
      }
      %95 = faattn.tile_dot %94, %86 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %96 = faattn.tile_map %arg9, %91, %95 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %97 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %97 : f32
      }
      scf.yield %96, %88, %93 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_head, faattn.kv_loop = "masked"}
    %75:3 = scf.for %arg8 = %70 to %71 step %c1_6 iter_args(%arg9 = %74#0, %arg10 = %74#1, %arg11 = %74#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_22 = arith.constant 64 : index
      %79 = arith.muli %arg8, %c64_22 : index
      %80 = arith.index_cast %79 : index to i32
      %81 = faattn.tile_load %arg1[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %82 = faattn.tile_dot %9, %81 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %83 = faattn.tile_load %arg2[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %84 = faattn.tile_reduce <max> %82 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %85 = faattn.tile_map %arg10, %84 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %94 : f32
      }
      %86 = faattn.tile_map %85 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %94 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %95 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %96 = arith.select %94, %cst_24, %95 : f32
        faattn.yield %96 : f32
      }
      %87 = faattn.tile_map %82, %86 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %95 = math.fma %arg12, %cst, %94 : f32
        %96 = math.exp2 %95 : f32
        faattn.yield %96 : f32
      }
      %88 = faattn.tile_map %arg10, %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %94 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %95 = math.fma %arg12, %cst, %94 : f32
        %96 = math.exp2 %95 : f32
        faattn.yield %96 : f32
      }
      %89 = faattn.tile_reduce <sum> %87 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %90 = faattn.tile_map %arg11, %88, %89 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %94 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %94 : f32
      }
      %91 = faattn.tile_map %87 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %94 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %94 : bf16
      }
      %92 = faattn.tile_dot %91, %83 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %93 = faattn.tile_map %arg9, %88, %92 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %94 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %94 : f32
      }
      scf.yield %93, %85, %90 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %76:3 = scf.for %arg8 = %71 to %69 step %c1_6 iter_args(%arg9 = %75#0, %arg10 = %75#1, %arg11 = %75#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_22 = arith.constant 64 : index
      %79 = arith.muli %arg8, %c64_22 : index
      %80 = arith.index_cast %79 : index to i32
      %81 = faattn.tile_load %arg1[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %82 = faattn.tile_dot %9, %81 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %83 = faattn.tile_mask %82 at[%6, %7, %8, %80] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %95 = arith.index_cast %q_idx : i32 to index
        %96 = memref.load %arg12[%95] : memref<?xi32>
        %97 = arith.index_cast %kv_idx : i32 to index
        %98 = memref.load %arg12[%97] : memref<?xi32>
        %99 = arith.cmpi eq, %96, %98 : i32
        %100 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %101 = arith.andi %99, %100 : i1
        faattn.yield %101 : i1
      }
      %84 = faattn.tile_load %arg2[%arg5, %4, %79] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %85 = faattn.tile_reduce <max> %83 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %86 = faattn.tile_map %arg10, %85 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.maximumf %arg12, %arg13 : f32
        faattn.yield %95 : f32
      }
      %87 = faattn.tile_map %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %cst = arith.constant 0xFF800000 : f32
        %95 = arith.cmpf oeq, %arg12, %cst : f32
        %cst_23 = arith.constant 0.180336878 : f32
        %96 = arith.mulf %arg12, %cst_23 : f32
        %cst_24 = arith.constant 0.000000e+00 : f32
        %97 = arith.select %95, %cst_24, %96 : f32
        faattn.yield %97 : f32
      }
      %88 = faattn.tile_map %83, %87 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %96 = math.fma %arg12, %cst, %95 : f32
        %97 = math.exp2 %96 : f32
        faattn.yield %97 : f32
      }
      %89 = faattn.tile_map %arg10, %87 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32):
        %95 = arith.negf %arg13 : f32
        %cst = arith.constant 0.180336878 : f32
        %96 = math.fma %arg12, %cst, %95 : f32
        %97 = math.exp2 %96 : f32
        faattn.yield %97 : f32
      }
      %90 = faattn.tile_reduce <sum> %88 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %91 = faattn.tile_map %arg11, %89, %90 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %95 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %95 : f32
      }
      %92 = faattn.tile_map %88 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg12: f32):
        %95 = arith.truncf %arg12 : f32 to bf16
        faattn.yield %95 : bf16
      }
      %93 = faattn.tile_dot %92, %84 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %94 = faattn.tile_map %arg9, %89, %93 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
        %95 = math.fma %arg12, %arg13, %arg14 : f32
        faattn.yield %95 : f32
      }
      scf.yield %94, %86, %91 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %77 = faattn.tile_map %76#0, %76#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %79 = arith.cmpf ogt, %arg9, %cst : f32
      %80 = arith.divf %arg8, %arg9 : f32
      %cst_22 = arith.constant 0.000000e+00 : f32
      %81 = arith.select %79, %80, %cst_22 : f32
      %82 = arith.truncf %81 : f32 to bf16
      faattn.yield %82 : bf16
    }
    %78 = faattn.tile_map %76#1, %76#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg8: f32, %arg9: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %79 = arith.cmpf ogt, %arg9, %cst : f32
      %cst_22 = arith.constant 0.180336878 : f32
      %80 = math.log2 %arg9 : f32
      %81 = math.fma %arg8, %cst_22, %80 : f32
      %cst_23 = arith.constant 0.693147182 : f32
      %82 = arith.mulf %81, %cst_23 : f32
      %cst_24 = arith.constant 0xFF800000 : f32
      %83 = arith.select %79, %82, %cst_24 : f32
      faattn.yield %83 : f32
    }
    faattn.tile_store %77, %arg3[%arg5, %arg6, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x64xbf16>
  } {faattn.block_counts = {empty = 992 : i64, full = 0 : i64, partial = 1056 : i64}, faattn.grid}
  return
}

// -----

// Packed sequences (varlen) on the TMA pipeline: Q's box at the sequence's first row plus the
// q-block's (cu_seqlens_q[b] + row0), K's and V's at cu_seqlens_kv[b] + j * block_n, in tensor
// maps over every packed row. A box's rows past the sequence are the next sequence's: V's are
// cleared before P V (16-byte zeros into the stage, fenced, a barrier), K's masked; O and the
// LSE leave by the threads' stores, each row checked against the sequence's length (no TMA
// store: it would write the next sequence's rows).
// kernel packed { heads = 4 : 2; head_dim = 64; tile = 128x64; mask = causal; return_lse; varlen }
// PACK-LABEL: gpu.func @packed(
// PACK-SAME: %[[CUQ:[a-z0-9]+]]: memref<?xi32>, %[[CUKV:[a-z0-9]+]]: memref<?xi32>, %[[MQ:[a-z0-9]+]]: !llvm.ptr, %[[MK:[a-z0-9]+]]: !llvm.ptr, %[[MV:[a-z0-9]+]]: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr) kernel
// PACK-SAME: faattn.tensor_maps = 4 : i64
// PACK-SAME: faattn.tma_block_n = 64 : i64, faattn.tma_swizzle = array<i64: 128, 128>
// PACK: %[[Q0:.*]] = memref.load %[[CUQ]][%[[B:.*]]] : memref<?xi32>
// PACK: %[[QSTART:.*]] = arith.index_cast %[[Q0]] : i32 to index
// PACK: %[[K0:.*]] = memref.load %[[CUKV]][%[[B]]] : memref<?xi32>
// PACK: %[[KSTART:.*]] = arith.index_cast %[[K0]] : i32 to index
// PACK: %[[QROW:.*]] = arith.addi %[[QSTART]], %{{.*}} : index
// PACK: %[[QROW32:.*]] = arith.index_cast %[[QROW]] : index to i32
// PACK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MQ]], %{{.*}}, box[%{{.*}}, %[[QROW32]], %{{.*}}, %{{.*}}]
// PACK: %[[KROW:.*]] = arith.addi %[[KSTART]], %{{.*}} : index
// PACK: %[[KROW32:.*]] = arith.index_cast %[[KROW]] : index to i32
// PACK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MK]], %{{.*}}, box[%{{.*}}, %[[KROW32]], %{{.*}}, %{{.*}}]
// PACK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MV]], %{{.*}}, box[%{{.*}}, %[[KROW32]], %{{.*}}, %{{.*}}]
// PACK: llvm.store %{{.*}}, %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
// PACK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// PACK-NEXT: gpu.barrier
// PACK: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// PACK-NOT: nvvm.cp.async.bulk.tensor.global.shared
// PACK: memref.store %{{.*}}, %arg3[
// PACK: memref.store %{{.*}}, %arg4[
// PACK-NOT: nvvm.cp.async.bulk.tensor.global.shared
// PACK: gpu.return
func.func @packed(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?xi32>, %arg6: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "0e73f06c4e3c17cb63e1fd7edde7f9ea4e5fcae7b0cf946287c0e213da681e67", faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg5, %c0 : memref<?xi32>
  %c1 = arith.constant 1 : index
  %0 = arith.subi %dim, %c1 : index
  %c1_0 = arith.constant 1 : index
  %dim_1 = memref.dim %arg0, %c1_0 : memref<?x?x4x64xbf16>
  %c1_2 = arith.constant 1 : index
  %dim_3 = memref.dim %arg1, %c1_2 : memref<?x?x2x64xbf16>
  %c128 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_1, %c128 : index
  %c64 = arith.constant 64 : index
  %2 = arith.ceildivui %dim_3, %c64 : index
  %3 = arith.index_cast %dim_1 : index to i32
  %4 = arith.index_cast %dim_3 : index to i32
  scf.forall (%arg7, %arg8, %arg9) in (%0, 4, %1) {
    %c2 = arith.constant 2 : index
    %5 = arith.divui %arg8, %c2 : index
    %c128_4 = arith.constant 128 : index
    %6 = arith.muli %arg9, %c128_4 : index
    %7 = arith.index_cast %arg7 : index to i32
    %8 = arith.index_cast %arg8 : index to i32
    %9 = arith.index_cast %6 : index to i32
    %c1_5 = arith.constant 1 : index
    %10 = arith.addi %arg7, %c1_5 : index
    %c0_6 = arith.constant 0 : index
    %11 = memref.load %arg5[%arg7] : memref<?xi32>
    %12 = arith.index_cast %11 : i32 to index
    %13 = memref.load %arg5[%10] : memref<?xi32>
    %14 = arith.index_cast %13 : i32 to index
    %15 = arith.subi %14, %12 : index
    %c0_7 = arith.constant 0 : index
    %16 = arith.cmpi slt, %15, %c0_7 : index
    %c0_8 = arith.constant 0 : index
    %17 = arith.select %16, %c0_8, %15 : index
    %c1_9 = arith.constant 1 : index
    %dim_10 = memref.dim %arg0, %c1_9 : memref<?x?x4x64xbf16>
    %18 = arith.minui %12, %dim_10 : index
    %19 = arith.subi %dim_10, %18 : index
    %20 = arith.minui %17, %19 : index
    %c0_11 = arith.constant 0 : index
    %21 = memref.load %arg6[%arg7] : memref<?xi32>
    %22 = arith.index_cast %21 : i32 to index
    %23 = memref.load %arg6[%10] : memref<?xi32>
    %24 = arith.index_cast %23 : i32 to index
    %25 = arith.subi %24, %22 : index
    %c0_12 = arith.constant 0 : index
    %26 = arith.cmpi slt, %25, %c0_12 : index
    %c0_13 = arith.constant 0 : index
    %27 = arith.select %26, %c0_13, %25 : index
    %c1_14 = arith.constant 1 : index
    %dim_15 = memref.dim %arg1, %c1_14 : memref<?x?x2x64xbf16>
    %28 = arith.minui %22, %dim_15 : index
    %29 = arith.subi %dim_15, %28 : index
    %30 = arith.minui %27, %29 : index
    %31 = arith.index_cast %20 : index to i32
    %32 = arith.index_cast %30 : index to i32
    %c64_16 = arith.constant 64 : index
    %33 = arith.ceildivui %30, %c64_16 : index
    %34 = arith.cmpi uge, %6, %20 : index
    %c0_17 = arith.constant 0 : index
    %35 = arith.select %34, %c0_17, %33 : index
    %36 = arith.minui %2, %35 : index
    %37 = faattn.tile_load %arg0[%c0_6, %arg8, %6] <bshd> offset %12 limit %20 : memref<?x?x4x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %38 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %39 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %40 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_18 = arith.constant 0 : index
    %c1_19 = arith.constant 1 : index
    %41 = arith.index_cast %c0_18 : index to i64
    %42 = arith.index_cast %36 : index to i64
    %43 = arith.extsi %31 : i32 to i64
    %44 = arith.extsi %32 : i32 to i64
    %c64_i64 = arith.constant 64 : i64
    %c128_i64 = arith.constant 128 : i64
    %c1_i64 = arith.constant 1 : i64
    %45 = arith.extsi %7 : i32 to i64
    %46 = arith.extsi %8 : i32 to i64
    %47 = arith.extsi %9 : i32 to i64
    %48 = arith.addi %47, %c128_i64 : i64
    %49 = arith.minsi %48, %43 : i64
    %50 = arith.subi %49, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %51 = arith.index_cast %41 : i64 to index
    %52 = arith.index_cast %42 : i64 to index
    %53 = arith.index_cast %c1_i64 : i64 to index
    %54:5 = scf.parallel (%arg10) = (%51) to (%52) step (%53) init (%42, %c-1_i64, %42, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %75 = arith.index_cast %arg10 : index to i64
      %76 = arith.muli %75, %c64_i64 : i64
      %77 = arith.addi %76, %c64_i64 : i64
      %78 = arith.addi %76, %c64_i64 : i64
      %79 = arith.minsi %78, %44 : i64
      %80 = arith.subi %79, %c1_i64 : i64
      %81 = arith.cmpi sge, %50, %76 : i64
      %82 = arith.cmpi slt, %47, %80 : i64
      %83 = arith.cmpi sle, %77, %44 : i64
      %true = arith.constant true
      %84 = arith.xori %82, %true : i1
      %85 = arith.andi %84, %83 : i1
      %86 = arith.select %81, %75, %42 : i64
      %87 = arith.select %81, %75, %c-1_i64 : i64
      %88 = arith.select %85, %75, %42 : i64
      %89 = arith.select %85, %75, %c-1_i64 : i64
      %90 = arith.extui %85 : i1 to i64
      scf.reduce(%86, %87, %88, %89, %90 : i64, i64, i64, i64, i64) {
      ^bb0(%arg11: i64, %arg12: i64):
        %91 = arith.minsi %arg11, %arg12 : i64
        scf.reduce.return %91 : i64
      }, {
      ^bb0(%arg11: i64, %arg12: i64):
        %91 = arith.maxsi %arg11, %arg12 : i64
        scf.reduce.return %91 : i64
      }, {
      ^bb0(%arg11: i64, %arg12: i64):
        %91 = arith.minsi %arg11, %arg12 : i64
        scf.reduce.return %91 : i64
      }, {
      ^bb0(%arg11: i64, %arg12: i64):
        %91 = arith.maxsi %arg11, %arg12 : i64
        scf.reduce.return %91 : i64
      }, {
      ^bb0(%arg11: i64, %arg12: i64):
        %91 = arith.addi %arg11, %arg12 : i64
        scf.reduce.return %91 : i64
      }
    } {faattn.block_scan}
    %55 = arith.maxsi %54#0, %41 : i64
    %56 = arith.addi %54#1, %c1_i64 : i64
    %57 = arith.maxsi %56, %55 : i64
    %58 = arith.addi %54#3, %c1_i64 : i64
    %59 = arith.subi %58, %54#2 : i64
    %60 = arith.cmpi sgt, %54#4, %c0_i64 : i64
    %61 = arith.cmpi eq, %54#4, %59 : i64
    %62 = arith.andi %60, %61 : i1
    %63 = arith.select %62, %54#2, %57 : i64
    %64 = arith.addi %54#3, %c1_i64 : i64
    %65 = arith.select %62, %64, %57 : i64
    %66 = arith.index_cast %55 : i64 to index
    %67 = arith.index_cast %63 : i64 to index
    %68 = arith.index_cast %65 : i64 to index
    %69 = arith.index_cast %57 : i64 to index
    %70:3 = scf.for %arg10 = %66 to %67 step %c1_19 iter_args(%arg11 = %38, %arg12 = %39, %arg13 = %40) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_20 = arith.constant 64 : index
      %75 = arith.muli %arg10, %c64_20 : index
      %76 = arith.index_cast %75 : index to i32
      %77 = faattn.tile_load %arg1[%c0_11, %5, %75] <bshd> offset %22 limit %30 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %78 = faattn.tile_dot %37, %77 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %79 = faattn.tile_mask %78 at[%7, %8, %9, %76] seq[%31, %32] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %91 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %91 : i1
      }
      %80 = faattn.tile_load %arg2[%c0_11, %5, %75] <bshd> offset %22 limit %30 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %81 = faattn.tile_reduce <max> %79 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %82 = faattn.tile_map %arg12, %81 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.maximumf %arg14, %arg15 : f32
        faattn.yield %91 : f32
      }
      %83 = faattn.tile_map %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %91 = arith.cmpf oeq, %arg14, %cst : f32
        %cst_21 = arith.constant 0.180336878 : f32
        %92 = arith.mulf %arg14, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %93 = arith.select %91, %cst_22, %92 : f32
        faattn.yield %93 : f32
      }
      %84 = faattn.tile_map %79, %83 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.negf %arg15 : f32
        %cst = arith.constant 0.180336878 : f32
        %92 = math.fma %arg14, %cst, %91 : f32
        %93 = math.exp2 %92 : f32
        faattn.yield %93 : f32
      }
      %85 = faattn.tile_map %arg12, %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %cst = arith.constant 0xFF800000 : f32
        %91 = arith.cmpf oeq, %arg14, %cst : f32
        %92 = arith.subf %arg14, %arg15 : f32
        %cst_21 = arith.constant 0.180336878 : f32
        %93 = arith.mulf %92, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %94 = math.exp2 %93 : f32
        %95 = arith.select %91, %cst_22, %94 : f32
        faattn.yield %95 : f32
      }
      %86 = faattn.tile_reduce <sum> %84 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %87 = faattn.tile_map %arg13, %85, %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %91 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %91 : f32
      }
      %88 = faattn.tile_map %84 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %91 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %91 : bf16
      }
      %89 = faattn.tile_dot %88, %80 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %90 = faattn.tile_map %arg11, %85, %89 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %91 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %91 : f32
      }
      scf.yield %90, %82, %87 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %71:3 = scf.for %arg10 = %67 to %68 step %c1_19 iter_args(%arg11 = %70#0, %arg12 = %70#1, %arg13 = %70#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_20 = arith.constant 64 : index
      %75 = arith.muli %arg10, %c64_20 : index
      %76 = arith.index_cast %75 : index to i32
      %77 = faattn.tile_load %arg1[%c0_11, %5, %75] <bshd> offset %22 limit %30 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %78 = faattn.tile_dot %37, %77 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %79 = faattn.tile_load %arg2[%c0_11, %5, %75] <bshd> offset %22 limit %30 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %80 = faattn.tile_reduce <max> %78 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %81 = faattn.tile_map %arg12, %80 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %90 = arith.maximumf %arg14, %arg15 : f32
        faattn.yield %90 : f32
      }
      %82 = faattn.tile_map %81 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %90 = arith.cmpf oeq, %arg14, %cst : f32
        %cst_21 = arith.constant 0.180336878 : f32
        %91 = arith.mulf %arg14, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %92 = arith.select %90, %cst_22, %91 : f32
        faattn.yield %92 : f32
      }
      %83 = faattn.tile_map %78, %82 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %90 = arith.negf %arg15 : f32
        %cst = arith.constant 0.180336878 : f32
        %91 = math.fma %arg14, %cst, %90 : f32
        %92 = math.exp2 %91 : f32
        faattn.yield %92 : f32
      }
      %84 = faattn.tile_map %arg12, %81 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %cst = arith.constant 0xFF800000 : f32
        %90 = arith.cmpf oeq, %arg14, %cst : f32
        %91 = arith.subf %arg14, %arg15 : f32
        %cst_21 = arith.constant 0.180336878 : f32
        %92 = arith.mulf %91, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %93 = math.exp2 %92 : f32
        %94 = arith.select %90, %cst_22, %93 : f32
        faattn.yield %94 : f32
      }
      %85 = faattn.tile_reduce <sum> %83 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %86 = faattn.tile_map %arg13, %84, %85 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %90 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %90 : f32
      }
      %87 = faattn.tile_map %83 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %90 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %90 : bf16
      }
      %88 = faattn.tile_dot %87, %79 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %89 = faattn.tile_map %arg11, %84, %88 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %90 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %90 : f32
      }
      scf.yield %89, %81, %86 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %72:3 = scf.for %arg10 = %68 to %69 step %c1_19 iter_args(%arg11 = %71#0, %arg12 = %71#1, %arg13 = %71#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c64_20 = arith.constant 64 : index
      %75 = arith.muli %arg10, %c64_20 : index
      %76 = arith.index_cast %75 : index to i32
      %77 = faattn.tile_load %arg1[%c0_11, %5, %75] <bshd> offset %22 limit %30 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %78 = faattn.tile_dot %37, %77 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %79 = faattn.tile_mask %78 at[%7, %8, %9, %76] seq[%31, %32] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %91 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %91 : i1
      }
      %80 = faattn.tile_load %arg2[%c0_11, %5, %75] <bshd> offset %22 limit %30 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %81 = faattn.tile_reduce <max> %79 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %82 = faattn.tile_map %arg12, %81 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.maximumf %arg14, %arg15 : f32
        faattn.yield %91 : f32
      }
      %83 = faattn.tile_map %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %91 = arith.cmpf oeq, %arg14, %cst : f32
        %cst_21 = arith.constant 0.180336878 : f32
        %92 = arith.mulf %arg14, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %93 = arith.select %91, %cst_22, %92 : f32
        faattn.yield %93 : f32
      }
      %84 = faattn.tile_map %79, %83 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %91 = arith.negf %arg15 : f32
        %cst = arith.constant 0.180336878 : f32
        %92 = math.fma %arg14, %cst, %91 : f32
        %93 = math.exp2 %92 : f32
        faattn.yield %93 : f32
      }
      %85 = faattn.tile_map %arg12, %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32):
        %cst = arith.constant 0xFF800000 : f32
        %91 = arith.cmpf oeq, %arg14, %cst : f32
        %92 = arith.subf %arg14, %arg15 : f32
        %cst_21 = arith.constant 0.180336878 : f32
        %93 = arith.mulf %92, %cst_21 : f32
        %cst_22 = arith.constant 0.000000e+00 : f32
        %94 = math.exp2 %93 : f32
        %95 = arith.select %91, %cst_22, %94 : f32
        faattn.yield %95 : f32
      }
      %86 = faattn.tile_reduce <sum> %84 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %87 = faattn.tile_map %arg13, %85, %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %91 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %91 : f32
      }
      %88 = faattn.tile_map %84 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
      ^bb0(%arg14: f32):
        %91 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %91 : bf16
      }
      %89 = faattn.tile_dot %88, %80 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %90 = faattn.tile_map %arg11, %85, %89 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
        %91 = math.fma %arg14, %arg15, %arg16 : f32
        faattn.yield %91 : f32
      }
      scf.yield %90, %82, %87 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %73 = faattn.tile_map %72#0, %72#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg10: f32, %arg11: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %75 = arith.cmpf oeq, %arg11, %cst : f32
      %76 = arith.divf %arg10, %arg11 : f32
      %cst_20 = arith.constant 0.000000e+00 : f32
      %77 = arith.select %75, %cst_20, %76 : f32
      %78 = arith.truncf %77 : f32 to bf16
      faattn.yield %78 : bf16
    }
    %74 = faattn.tile_map %72#1, %72#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg10: f32, %arg11: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %75 = arith.cmpf oeq, %arg11, %cst : f32
      %cst_20 = arith.constant 0.180336878 : f32
      %76 = math.log2 %arg11 : f32
      %77 = math.fma %arg10, %cst_20, %76 : f32
      %cst_21 = arith.constant 0.693147182 : f32
      %78 = arith.mulf %77, %cst_21 : f32
      %cst_22 = arith.constant 0xFF800000 : f32
      %79 = arith.select %75, %cst_22, %78 : f32
      faattn.yield %79 : f32
    }
    faattn.tile_store %73, %arg3[%c0_6, %arg8, %6] <bshd> offset %12 limit %20 : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
    faattn.tile_store %74, %arg4[%c0_6, %arg8, %6] <bshd> offset %12 limit %20 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, memref<?x4x?xf32>
  } {faattn.block_counts = {empty = 992 : i64, full = 992 : i64, partial = 64 : i64}, faattn.grid}
  return
}
