// faattn-tiles-to-wgmma with `backward` on a main grid of 128 keys (faattn-backward-tile's
// block-kv 128, the GPU pipeline's for kernels without deterministic turns or column chunks):
// two warpgroups split the CTA's keys (Plan::keySplit; templates/hopper/BackwardMainloop.cpp).
// Made by faattn-compile --emit=mlir --stop-after=faattn-backward-to-gpu from
//   kernel ks { mode = backward; heads = 4 : 2; head_dim = 64; dtype = bf16; mask = causal }
// (the pre and post grids are left to faattn-tiles-to-gpu).
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='backward=true' | FileCheck %s
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='backward=true backward-dq-bulk=false' | FileCheck %s --check-prefix=ATOMIC
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='backward=true backward-loop-descriptors=false' | FileCheck %s --check-prefix=HOISTED

// 256 threads, the CTA's block 128 keys (the runtime's block_n), one CTA an SM (no
// ctas_per_sm, which would turn fast math off). Shared memory: K, V 128 x 64 (16 KiB each);
// Q, dO 64 x 64 (8 KiB each); P^T, dS^T 128 keys x 64 query rows (16 KiB each); dQ's staging
// (64 rows of 256 + 16 bytes) over the Q loop's buffers.
// CHECK-LABEL: gpu.func @ks(
// CHECK-SAME: faattn.block_m = 128 : i64
// CHECK-NOT: faattn.ctas_per_sm
// CHECK-SAME: faattn.dynamic_shared_bytes = 81920 : i64
// CHECK-SAME: faattn.threads = 256 : i64
// The warpgroup (w = tid / 128) and the thread's first row in its warpgroup, without w's 64:
// tiles of query rows (S, P, dP, dS, dQ, LSE, D) are every warpgroup's.
// CHECK:      %[[WG:.*]] = arith.divui %thread_id_x, %c128
// CHECK:      %[[INWG:.*]] = arith.remui %thread_id_x, %c128
// CHECK:      %[[WARP:.*]] = arith.divui %[[INWG]], %c32
// CHECK:      %[[LANE:.*]] = arith.remui %[[INWG]], %c32
// CHECK:      arith.muli %[[WG]], %c64
// CHECK:      %[[ROWBASE:.*]] = arith.addi
// CHECK:      %[[W16:.*]] = arith.muli %[[WARP]], %c16
// CHECK:      %[[L4:.*]] = arith.divui %[[LANE]], %c4
// CHECK-NEXT: %[[ROWINWG:.*]] = arith.addi %[[W16]], %[[L4]] : index
// K and V (128 rows: 1024 chunks of 16 bytes over 256 threads), then the group's heads and the
// first Q loop, each carrying this warpgroup's 64 rows of dK and dV (32 values a thread).
// CHECK:      scf.for %{{.*}} = %thread_id_x to %c1024{{.*}} step %c256
// CHECK:      scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>) {
// CHECK:      scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>) {
// The LSE rows of the Q block at the warpgroup's own rows (no w * 64).
// CHECK:      arith.addi %[[ROWINWG]], %c8
// S = Q K^T: this warpgroup's keys, rows 64 w on of K (w x 64 x 128 bytes), N 64.
// CHECK:      nvvm.wgmma.fence.aligned
// CHECK-NEXT: llvm.inline_asm has_side_effects asm_dialect = att "mov.u64 $0, 0;"
// CHECK-NEXT: arith.index_cast
// CHECK-NEXT: llvm.inline_asm has_side_effects asm_dialect = att "{ .reg .u32 w; mov.u32 w, %tid.x; shr.u32 w, w, 7; mul.wide.u32 $0, w, 8192; }"
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <{{zero|one}}>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// The mask on S at its keys: kv_idx = the CTA's first key + w x 64 + the fragment's column.
// CHECK:      %[[W64:.*]] = arith.muli %[[WG]], %c64
// CHECK:      arith.cmpi sge
// dP = dO V^T likewise.
// CHECK:      mul.wide.u32 $0, w, 8192;
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <{{zero|one}}>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// P^T to shared memory (32 elements a thread: its keys' half of P), then dV += P^T dO from the
// warpgroup's 64 rows of P^T (w x 64 x 128 bytes); likewise dS^T and dK += dS^T Q.
// CHECK-COUNT-32: memref.store
// CHECK-NEXT: nvvm.fence.proxy
// CHECK-NEXT: gpu.barrier
// CHECK:      mul.wide.u32 $0, w, 8192;
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// CHECK-COUNT-32: memref.store
// CHECK-NEXT: nvvm.fence.proxy
// CHECK-NEXT: gpu.barrier
// CHECK:      mul.wide.u32 $0, w, 8192;
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// dQ = dS K: this warpgroup's 32 of the 64 columns (columns 32 w on of K: w x 4 core matrices
// of 128 bytes), over all 128 keys (8 k-steps), A dS^T as both warpgroups wrote it, read
// MN-major (the layout `col`); no dS fragments packed for it.
// CHECK-NOT:  llvm.bitcast
// CHECK:      mul.wide.u32 $0, w, 512;
// CHECK-COUNT-8: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 32, k = 16>, D[<f32>, <{{zero|one}}>], A[<bf16>, <one>, <col>], B[<bf16>, <one>, <row>]
// CHECK-NOT:  nvvm.wgmma.mma_async
// Staged at its columns, then the block's 64 rows added by threads 0-63, 256 bytes each.
// CHECK:      arith.cmpi ult, %thread_id_x, %c64
// CHECK:      nvvm.inline_ptx "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f32 [$0], [$1], 256;"
// CHECK:      } {faattn.q_loop = "masked"}
// Without the bulk reductions: an atomic add a fragment element, 16 a thread (its 32 columns).
// ATOMIC-LABEL: gpu.func @ks(
// ATOMIC:       <m = 64, n = 32, k = 16>
// ATOMIC-COUNT-16: memref.atomic_rmw addf
// ATOMIC-NOT:   memref.atomic_rmw addf
// ATOMIC:       } {faattn.q_loop = "masked"}
// With the descriptors left to LLVM, the offsets of the warpgroup's part are w times them.
// HOISTED-LABEL: gpu.func @ks(
// HOISTED-NOT:  mul.wide.u32
// HOISTED:      arith.muli %{{.*}}, %c8192
// HOISTED:      nvvm.wgmma.mma_async
// HOISTED:      } {faattn.q_loop = "masked"}

module {
  func.func @ks(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?x4x64xbf16>, %arg6: memref<?x?x4x64xbf16>, %arg7: memref<?x?x2x64xbf16>, %arg8: memref<?x?x2x64xbf16>, %arg9: memref<?x4x?xf32>, %arg10: memref<?x?x4x64xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "ceb37ef7cbab4f46382df4be939769ee6abf11a6016f2ffe5a33f088cfb3a71d", faattn.target = "sm_90a"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
    %c64 = arith.constant 64 : index
    %0 = arith.ceildivui %dim_0, %c64 : index
    scf.forall (%arg11, %arg12, %arg13) in (%dim, 4, %0) {
      %c64_4 = arith.constant 64 : index
      %3 = arith.muli %arg13, %c64_4 : index
      %4 = faattn.tile_load %arg3[%arg11, %arg12, %3] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
      %5 = faattn.tile_load %arg5[%arg11, %arg12, %3] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
      %6 = faattn.tile_map %4, %5 : !faattn.tile<64x64xbf16>, !faattn.tile<64x64xbf16> -> <64x64xf32> {
      ^bb0(%arg14: bf16, %arg15: bf16):
        %8 = arith.extf %arg14 : bf16 to f32
        %9 = arith.extf %arg15 : bf16 to f32
        %10 = arith.mulf %8, %9 : f32
        faattn.yield %10 : f32
      }
      %7 = faattn.tile_reduce <sum> %6 : <64x64xf32> -> <64x1xf32>
      faattn.tile_store %7, %arg9[%arg11, %arg12, %3] <bshd> : <64x1xf32>, memref<?x4x?xf32>
    } {faattn.backward_grid = "pre", faattn.grid}
    %c128 = arith.constant 128 : index
    %1 = arith.ceildivui %dim_2, %c128 : index
    scf.forall (%arg11, %arg12, %arg13) in (%dim, 2, %1) {
      %c128_4 = arith.constant 128 : index
      %3 = arith.muli %arg13, %c128_4 : index
      %4 = arith.index_cast %dim_0 : index to i32
      %5 = arith.index_cast %dim_2 : index to i32
      %c64_5 = arith.constant 64 : index
      %6 = arith.ceildivui %dim_0, %c64_5 : index
      %7 = arith.cmpi uge, %3, %dim_2 : index
      %c0_6 = arith.constant 0 : index
      %8 = arith.select %7, %c0_6, %6 : index
      %9 = faattn.tile_load %arg1[%arg11, %arg12, %3] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %10 = faattn.tile_load %arg2[%arg11, %arg12, %3] <bshd> : memref<?x?x2x64xbf16> -> <128x64xbf16>
      %11 = faattn.tile_splat 0.000000e+00 : <128x64xf32>
      %12 = faattn.tile_splat 0.000000e+00 : <128x64xf32>
      %c0_7 = arith.constant 0 : index
      %c2 = arith.constant 2 : index
      %c1_8 = arith.constant 1 : index
      %13:2 = scf.for %arg14 = %c0_7 to %c2 step %c1_8 iter_args(%arg15 = %11, %arg16 = %12) -> (!faattn.tile<128x64xf32>, !faattn.tile<128x64xf32>) {
        %c2_9 = arith.constant 2 : index
        %16 = arith.muli %arg12, %c2_9 : index
        %17 = arith.addi %16, %arg14 : index
        %18 = arith.index_cast %arg11 : index to i32
        %19 = arith.index_cast %17 : index to i32
        %20 = arith.index_cast %3 : index to i32
        %c0_10 = arith.constant 0 : index
        %c1_11 = arith.constant 1 : index
        %21 = arith.index_cast %c0_10 : index to i64
        %22 = arith.index_cast %8 : index to i64
        %23 = arith.extsi %4 : i32 to i64
        %24 = arith.extsi %5 : i32 to i64
        %c128_i64 = arith.constant 128 : i64
        %c64_i64 = arith.constant 64 : i64
        %c1_i64 = arith.constant 1 : i64
        %25 = arith.extsi %20 : i32 to i64
        %26 = arith.addi %25, %c128_i64 : i64
        %27 = arith.extsi %18 : i32 to i64
        %28 = arith.extsi %19 : i32 to i64
        %29 = arith.addi %25, %c128_i64 : i64
        %30 = arith.minsi %29, %24 : i64
        %31 = arith.subi %30, %c1_i64 : i64
        %c-1_i64 = arith.constant -1 : i64
        %c0_i64 = arith.constant 0 : i64
        %32 = arith.index_cast %21 : i64 to index
        %33 = arith.index_cast %22 : i64 to index
        %34 = arith.index_cast %c1_i64 : i64 to index
        %35:5 = scf.parallel (%arg17) = (%32) to (%33) step (%34) init (%22, %c-1_i64, %22, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
          %54 = arith.index_cast %arg17 : index to i64
          %55 = arith.muli %54, %c64_i64 : i64
          %56 = arith.addi %55, %c64_i64 : i64
          %57 = arith.minsi %56, %23 : i64
          %58 = arith.subi %57, %c1_i64 : i64
          %59 = arith.cmpi sge, %58, %25 : i64
          %60 = arith.cmpi slt, %55, %31 : i64
          %61 = arith.cmpi sle, %26, %24 : i64
          %true = arith.constant true
          %62 = arith.xori %60, %true : i1
          %63 = arith.andi %62, %61 : i1
          %64 = arith.select %59, %54, %22 : i64
          %65 = arith.select %59, %54, %c-1_i64 : i64
          %66 = arith.select %63, %54, %22 : i64
          %67 = arith.select %63, %54, %c-1_i64 : i64
          %68 = arith.extui %63 : i1 to i64
          scf.reduce(%64, %65, %66, %67, %68 : i64, i64, i64, i64, i64) {
          ^bb0(%arg18: i64, %arg19: i64):
            %69 = arith.minsi %arg18, %arg19 : i64
            scf.reduce.return %69 : i64
          }, {
          ^bb0(%arg18: i64, %arg19: i64):
            %69 = arith.maxsi %arg18, %arg19 : i64
            scf.reduce.return %69 : i64
          }, {
          ^bb0(%arg18: i64, %arg19: i64):
            %69 = arith.minsi %arg18, %arg19 : i64
            scf.reduce.return %69 : i64
          }, {
          ^bb0(%arg18: i64, %arg19: i64):
            %69 = arith.maxsi %arg18, %arg19 : i64
            scf.reduce.return %69 : i64
          }, {
          ^bb0(%arg18: i64, %arg19: i64):
            %69 = arith.addi %arg18, %arg19 : i64
            scf.reduce.return %69 : i64
          }
        } {faattn.block_scan}
        %36 = arith.maxsi %35#0, %21 : i64
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
        %51:2 = scf.for %arg17 = %47 to %48 step %c1_11 iter_args(%arg18 = %arg15, %arg19 = %arg16) -> (!faattn.tile<128x64xf32>, !faattn.tile<128x64xf32>) {
          %c64_12 = arith.constant 64 : index
          %54 = arith.muli %arg17, %c64_12 : index
          %55 = arith.index_cast %54 : index to i32
          %56 = faattn.tile_load %arg4[%arg11, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %57 = faattn.tile_load %arg0[%arg11, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %58 = faattn.tile_map %57, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst = arith.constant 0xFF800000 : f32
            %75 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : bf16
            %76 = arith.select %75, %cst_13, %arg20 : bf16
            faattn.yield %76 : bf16
          }
          %59 = faattn.tile_load %arg5[%arg11, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %60 = faattn.tile_map %59, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst = arith.constant 0xFF800000 : f32
            %75 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : bf16
            %76 = arith.select %75, %cst_13, %arg20 : bf16
            faattn.yield %76 : bf16
          }
          %61 = faattn.tile_load %arg9[%arg11, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %62 = faattn.tile_dot %58, %9 {transpose_rhs} : <64x64xbf16>, <128x64xbf16> -> <64x128xf32>
          %63:2 = faattn.tile_score_grad %62 at[%18, %19, %55, %20] seq[%4, %5] {scale = 1.250000e-01 : f32} : <64x128xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %cst = arith.constant 1.000000e+00 : f32
            faattn.grad_yield %score, %cst
          }
          %64 = faattn.tile_mask %63#0 at[%18, %19, %55, %20] seq[%4, %5] : <64x128xf32> {
          ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %75 = arith.cmpi sge, %q_idx, %kv_idx : i32
            faattn.yield %75 : i1
          }
          %65 = faattn.tile_map %64, %56 : !faattn.tile<64x128xf32>, !faattn.tile<64x1xf32> -> <64x128xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %75 = arith.subf %arg20, %arg21 : f32
            %76 = math.exp %75 : f32
            %cst = arith.constant 0xFF800000 : f32
            %77 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : f32
            %78 = arith.select %77, %cst_13, %76 : f32
            faattn.yield %78 : f32
          }
          %66 = faattn.tile_dot %60, %10 {transpose_rhs} : <64x64xbf16>, <128x64xbf16> -> <64x128xf32>
          %67 = faattn.tile_map %65, %66, %61 : !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32>, !faattn.tile<64x1xf32> -> <64x128xf32> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %75 = arith.subf %arg21, %arg22 : f32
            %76 = arith.mulf %arg20, %75 : f32
            %cst = arith.constant 0.000000e+00 : f32
            %77 = arith.cmpf oeq, %arg20, %cst : f32
            %78 = arith.select %77, %cst, %76 : f32
            faattn.yield %78 : f32
          }
          %68 = faattn.tile_map %65, %67, %63#1 : !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32> -> <64x128xbf16> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %75 = arith.mulf %arg21, %arg22 : f32
            %cst = arith.constant 1.250000e-01 : f32
            %76 = arith.mulf %75, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : f32
            %77 = arith.cmpf oeq, %arg20, %cst_13 : f32
            %78 = arith.select %77, %cst_13, %76 : f32
            %79 = arith.truncf %78 : f32 to bf16
            faattn.yield %79 : bf16
          }
          %69 = faattn.tile_map %65 : !faattn.tile<64x128xf32> -> <64x128xbf16> {
          ^bb0(%arg20: f32):
            %75 = arith.truncf %arg20 : f32 to bf16
            faattn.yield %75 : bf16
          }
          %70 = faattn.tile_dot %69, %60 {transpose_lhs} : <64x128xbf16>, <64x64xbf16> -> <128x64xf32>
          %71 = faattn.tile_map %arg19, %70 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %75 = arith.addf %arg20, %arg21 : f32
            faattn.yield %75 : f32
          }
          %72 = faattn.tile_dot %68, %58 {transpose_lhs} : <64x128xbf16>, <64x64xbf16> -> <128x64xf32>
          %73 = faattn.tile_map %arg18, %72 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %75 = arith.addf %arg20, %arg21 : f32
            faattn.yield %75 : f32
          }
          %74 = faattn.tile_dot %68, %9 : <64x128xbf16>, <128x64xbf16> -> <64x64xf32>
          faattn.tile_store %74, %arg10[%arg11, %17, %54] <bshd> {accumulate} : <64x64xf32>, memref<?x?x4x64xf32>
          scf.yield %73, %71 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32>
        } {faattn.q_loop = "masked"}
        %52:2 = scf.for %arg17 = %48 to %49 step %c1_11 iter_args(%arg18 = %51#0, %arg19 = %51#1) -> (!faattn.tile<128x64xf32>, !faattn.tile<128x64xf32>) {
          %c64_12 = arith.constant 64 : index
          %54 = arith.muli %arg17, %c64_12 : index
          %55 = arith.index_cast %54 : index to i32
          %56 = faattn.tile_load %arg4[%arg11, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %57 = faattn.tile_load %arg0[%arg11, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %58 = faattn.tile_map %57, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst = arith.constant 0xFF800000 : f32
            %74 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : bf16
            %75 = arith.select %74, %cst_13, %arg20 : bf16
            faattn.yield %75 : bf16
          }
          %59 = faattn.tile_load %arg5[%arg11, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %60 = faattn.tile_map %59, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst = arith.constant 0xFF800000 : f32
            %74 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : bf16
            %75 = arith.select %74, %cst_13, %arg20 : bf16
            faattn.yield %75 : bf16
          }
          %61 = faattn.tile_load %arg9[%arg11, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %62 = faattn.tile_dot %58, %9 {transpose_rhs} : <64x64xbf16>, <128x64xbf16> -> <64x128xf32>
          %63:2 = faattn.tile_score_grad %62 at[%18, %19, %55, %20] seq[%4, %5] {scale = 1.250000e-01 : f32} : <64x128xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %cst = arith.constant 1.000000e+00 : f32
            faattn.grad_yield %score, %cst
          }
          %64 = faattn.tile_map %63#0, %56 : !faattn.tile<64x128xf32>, !faattn.tile<64x1xf32> -> <64x128xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %74 = arith.subf %arg20, %arg21 : f32
            %75 = math.exp %74 : f32
            %cst = arith.constant 0xFF800000 : f32
            %76 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : f32
            %77 = arith.select %76, %cst_13, %75 : f32
            faattn.yield %77 : f32
          }
          %65 = faattn.tile_dot %60, %10 {transpose_rhs} : <64x64xbf16>, <128x64xbf16> -> <64x128xf32>
          %66 = faattn.tile_map %64, %65, %61 : !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32>, !faattn.tile<64x1xf32> -> <64x128xf32> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %74 = arith.subf %arg21, %arg22 : f32
            %75 = arith.mulf %arg20, %74 : f32
            %cst = arith.constant 0.000000e+00 : f32
            %76 = arith.cmpf oeq, %arg20, %cst : f32
            %77 = arith.select %76, %cst, %75 : f32
            faattn.yield %77 : f32
          }
          %67 = faattn.tile_map %64, %66, %63#1 : !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32> -> <64x128xbf16> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %74 = arith.mulf %arg21, %arg22 : f32
            %cst = arith.constant 1.250000e-01 : f32
            %75 = arith.mulf %74, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : f32
            %76 = arith.cmpf oeq, %arg20, %cst_13 : f32
            %77 = arith.select %76, %cst_13, %75 : f32
            %78 = arith.truncf %77 : f32 to bf16
            faattn.yield %78 : bf16
          }
          %68 = faattn.tile_map %64 : !faattn.tile<64x128xf32> -> <64x128xbf16> {
          ^bb0(%arg20: f32):
            %74 = arith.truncf %arg20 : f32 to bf16
            faattn.yield %74 : bf16
          }
          %69 = faattn.tile_dot %68, %60 {transpose_lhs} : <64x128xbf16>, <64x64xbf16> -> <128x64xf32>
          %70 = faattn.tile_map %arg19, %69 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %74 = arith.addf %arg20, %arg21 : f32
            faattn.yield %74 : f32
          }
          %71 = faattn.tile_dot %67, %58 {transpose_lhs} : <64x128xbf16>, <64x64xbf16> -> <128x64xf32>
          %72 = faattn.tile_map %arg18, %71 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %74 = arith.addf %arg20, %arg21 : f32
            faattn.yield %74 : f32
          }
          %73 = faattn.tile_dot %67, %9 : <64x128xbf16>, <128x64xbf16> -> <64x64xf32>
          faattn.tile_store %73, %arg10[%arg11, %17, %54] <bshd> {accumulate} : <64x64xf32>, memref<?x?x4x64xf32>
          scf.yield %72, %70 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32>
        } {faattn.q_loop = "full"}
        %53:2 = scf.for %arg17 = %49 to %50 step %c1_11 iter_args(%arg18 = %52#0, %arg19 = %52#1) -> (!faattn.tile<128x64xf32>, !faattn.tile<128x64xf32>) {
          %c64_12 = arith.constant 64 : index
          %54 = arith.muli %arg17, %c64_12 : index
          %55 = arith.index_cast %54 : index to i32
          %56 = faattn.tile_load %arg4[%arg11, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %57 = faattn.tile_load %arg0[%arg11, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %58 = faattn.tile_map %57, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst = arith.constant 0xFF800000 : f32
            %75 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : bf16
            %76 = arith.select %75, %cst_13, %arg20 : bf16
            faattn.yield %76 : bf16
          }
          %59 = faattn.tile_load %arg5[%arg11, %17, %54] <bshd> : memref<?x?x4x64xbf16> -> <64x64xbf16>
          %60 = faattn.tile_map %59, %56 : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32> -> <64x64xbf16> {
          ^bb0(%arg20: bf16, %arg21: f32):
            %cst = arith.constant 0xFF800000 : f32
            %75 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : bf16
            %76 = arith.select %75, %cst_13, %arg20 : bf16
            faattn.yield %76 : bf16
          }
          %61 = faattn.tile_load %arg9[%arg11, %17, %54] <bshd> : memref<?x4x?xf32> -> <64x1xf32>
          %62 = faattn.tile_dot %58, %9 {transpose_rhs} : <64x64xbf16>, <128x64xbf16> -> <64x128xf32>
          %63:2 = faattn.tile_score_grad %62 at[%18, %19, %55, %20] seq[%4, %5] {scale = 1.250000e-01 : f32} : <64x128xf32> {
          ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %cst = arith.constant 1.000000e+00 : f32
            faattn.grad_yield %score, %cst
          }
          %64 = faattn.tile_mask %63#0 at[%18, %19, %55, %20] seq[%4, %5] : <64x128xf32> {
          ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
            %75 = arith.cmpi sge, %q_idx, %kv_idx : i32
            faattn.yield %75 : i1
          }
          %65 = faattn.tile_map %64, %56 : !faattn.tile<64x128xf32>, !faattn.tile<64x1xf32> -> <64x128xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %75 = arith.subf %arg20, %arg21 : f32
            %76 = math.exp %75 : f32
            %cst = arith.constant 0xFF800000 : f32
            %77 = arith.cmpf oeq, %arg21, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : f32
            %78 = arith.select %77, %cst_13, %76 : f32
            faattn.yield %78 : f32
          }
          %66 = faattn.tile_dot %60, %10 {transpose_rhs} : <64x64xbf16>, <128x64xbf16> -> <64x128xf32>
          %67 = faattn.tile_map %65, %66, %61 : !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32>, !faattn.tile<64x1xf32> -> <64x128xf32> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %75 = arith.subf %arg21, %arg22 : f32
            %76 = arith.mulf %arg20, %75 : f32
            %cst = arith.constant 0.000000e+00 : f32
            %77 = arith.cmpf oeq, %arg20, %cst : f32
            %78 = arith.select %77, %cst, %76 : f32
            faattn.yield %78 : f32
          }
          %68 = faattn.tile_map %65, %67, %63#1 : !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32>, !faattn.tile<64x128xf32> -> <64x128xbf16> {
          ^bb0(%arg20: f32, %arg21: f32, %arg22: f32):
            %75 = arith.mulf %arg21, %arg22 : f32
            %cst = arith.constant 1.250000e-01 : f32
            %76 = arith.mulf %75, %cst : f32
            %cst_13 = arith.constant 0.000000e+00 : f32
            %77 = arith.cmpf oeq, %arg20, %cst_13 : f32
            %78 = arith.select %77, %cst_13, %76 : f32
            %79 = arith.truncf %78 : f32 to bf16
            faattn.yield %79 : bf16
          }
          %69 = faattn.tile_map %65 : !faattn.tile<64x128xf32> -> <64x128xbf16> {
          ^bb0(%arg20: f32):
            %75 = arith.truncf %arg20 : f32 to bf16
            faattn.yield %75 : bf16
          }
          %70 = faattn.tile_dot %69, %60 {transpose_lhs} : <64x128xbf16>, <64x64xbf16> -> <128x64xf32>
          %71 = faattn.tile_map %arg19, %70 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %75 = arith.addf %arg20, %arg21 : f32
            faattn.yield %75 : f32
          }
          %72 = faattn.tile_dot %68, %58 {transpose_lhs} : <64x128xbf16>, <64x64xbf16> -> <128x64xf32>
          %73 = faattn.tile_map %arg18, %72 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32> -> <128x64xf32> {
          ^bb0(%arg20: f32, %arg21: f32):
            %75 = arith.addf %arg20, %arg21 : f32
            faattn.yield %75 : f32
          }
          %74 = faattn.tile_dot %68, %9 : <64x128xbf16>, <128x64xbf16> -> <64x64xf32>
          faattn.tile_store %74, %arg10[%arg11, %17, %54] <bshd> {accumulate} : <64x64xf32>, memref<?x?x4x64xf32>
          scf.yield %73, %71 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32>
        } {faattn.q_loop = "masked"}
        scf.yield %53#0, %53#1 : !faattn.tile<128x64xf32>, !faattn.tile<128x64xf32>
      }
      %14 = faattn.tile_map %13#0 : !faattn.tile<128x64xf32> -> <128x64xbf16> {
      ^bb0(%arg14: f32):
        %16 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %16 : bf16
      }
      faattn.tile_store %14, %arg7[%arg11, %arg12, %3] <bshd> : <128x64xbf16>, memref<?x?x2x64xbf16>
      %15 = faattn.tile_map %13#1 : !faattn.tile<128x64xf32> -> <128x64xbf16> {
      ^bb0(%arg14: f32):
        %16 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %16 : bf16
      }
      faattn.tile_store %15, %arg8[%arg11, %arg12, %3] <bshd> : <128x64xbf16>, memref<?x?x2x64xbf16>
    } {faattn.backward_grid = "main", faattn.block_counts = {empty = 992 : i64, full = 992 : i64, partial = 64 : i64}, faattn.grid}
    %c64_3 = arith.constant 64 : index
    %2 = arith.ceildivui %dim_0, %c64_3 : index
    scf.forall (%arg11, %arg12, %arg13) in (%dim, 4, %2) {
      %c64_4 = arith.constant 64 : index
      %3 = arith.muli %arg13, %c64_4 : index
      %4 = faattn.tile_load %arg10[%arg11, %arg12, %3] <bshd> : memref<?x?x4x64xf32> -> <64x64xf32>
      %5 = faattn.tile_map %4 : !faattn.tile<64x64xf32> -> <64x64xbf16> {
      ^bb0(%arg14: f32):
        %6 = arith.truncf %arg14 : f32 to bf16
        faattn.yield %6 : bf16
      }
      faattn.tile_store %5, %arg6[%arg11, %arg12, %3] <bshd> : <64x64xbf16>, memref<?x?x4x64xbf16>
    } {faattn.backward_grid = "post", faattn.grid}
    return
  }
}
